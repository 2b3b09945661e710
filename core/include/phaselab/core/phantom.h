#pragma once

#include <vector>

#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/materials.h>

namespace phaselab::core {

/// A solid whose projection along the beam has a closed form.
struct Solid {
    enum class Kind {
        Ellipsoid,   ///< t = 2c √(1 − ρ²)
        Paraboloid,  ///< t = h (1 − ρ²), a cap of height h
        Cylinder,    ///< t = h for ρ < 1: a disc (circle) of constant thickness h
        Box,         ///< t = h for |u| < 1 and |v| < 1: a rectangle of constant thickness h
    };
    Kind kind = Kind::Ellipsoid;
    double centreX = 0, centreY = 0;  ///< [pixels], pixel centres at integer + 0.5
    double semiAxisA = 1, semiAxisB = 1;  ///< in-plane semi-axes (half-sides for Box) [pixels]
    double angle = 0;                 ///< rotation of axis A from x [rad]
    double maxThicknessM = 0;         ///< projected thickness at the centre (2c or h) [m]
    // ρ² = u² + v², (u, v) the pixel offset from the centre rotated by −angle and divided by
    // the semi-axes. A 3D ellipsoid of any orientation projects to exactly this Ellipsoid form.
    int material = 0;                 ///< index into the material list
};

/// Projected thickness [m] of one solid, averaged over s × s sub-pixels per pixel so edges are
/// antialiased, added onto `thickness` (shape [H, W]).
void addProjectedThickness(const Solid& solid, int supersample, ImageD& thickness);

/// An object (B, φ) with B = k ∫β dz and φ = k ∫δ dz (physics.md §2), from solids of materials.
struct PhaseObject {
    ImageD absorption;
    ImageD phase;
};

/// Builds (B, φ) of `solids` on a width × height grid at the given energy; solids may overlap
/// (thicknesses add per material).
PhaseObject projectSolids(const std::vector<Solid>& solids, const std::vector<Material>& materials,
                          double energyKeV, int width, int height, int supersample = 4);

/// As above with the refractive indices of the materials given (no xraylib call): solid s uses
/// indices[s.material]; B = k β t, φ = k δ t summed over solids, k = 2π/λ. Throws InputError
/// when a solid refers to a missing index.
PhaseObject projectSolids(const std::vector<Solid>& solids,
                          const std::vector<RefractiveIndex>& indices, double energyKeV, int width,
                          int height, int supersample = 4);

/// The demo sample PhaseLab opens at start: a fixed arrangement of gold, palladium and zinc
/// ellipsoids and paraboloids at the DGN paper's geometry (13 keV, 20 mm, 12 nm), its noiseless
/// and noisy hologram (4× oversampled propagation, periodic, PPSNR 40 dB with a fixed seed).
struct DemoSample {
    Geometry geometry;
    PhaseObject object;
    ImageF hologram;  ///< noisy intensity, float32
};
DemoSample makeDemoSample(int size = 512);

} // namespace phaselab::core
