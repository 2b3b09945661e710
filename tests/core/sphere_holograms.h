#pragma once
// Strong-phase spheres as an external simulator would record them (issue 14): 15 keV, 100 nm
// pixels, phase up to 6 rad, δ/β = 6000, Fresnel numbers 0.1 … 0.001. Not an inverse crime:
// the object is projected and propagated at twice the resolution on a non-periodic ('unit'
// padded) grid in double, binned 2 × 2 to the detector, and recorded with Poisson noise.
#include <phaselab/core/fresnel.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/phantom.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace phaselab::test {

struct SphereData {
    core::Geometry geometry;
    core::ImageF phase, absorption;  ///< truth at detector resolution (means of 2 × 2)
    core::ImageF hologram;           ///< noisy, normalised intensity
};

inline constexpr double kSphereDeltaBeta = 6000.0;

/// Distance [m] of pixel Fresnel number F at 15 keV, 100 nm.
inline double sphereDistanceM(double fresnel)
{
    core::Geometry g{15.0, 1.0, 100e-9};
    return g.pixelSizeM * g.pixelSizeM / (g.wavelengthM() * fresnel);
}

/// The spheres on an n × n detector at distance `distanceM`, `photons` per pixel, the largest
/// `maxPhase` rad, simulated with `simPadFactor` unit padding on the fine grid. With
/// `magnification` m and shift (sx, sy) [detector pixels] the object is drawn as registration.h's
/// `moving` image sees it: the point that an untransformed hologram shows at pixel x appears at
/// c + m (x − c) + s, c = (n − 1)/2 (in-plane sizes scale by m, projected thickness does not).
inline SphereData sphereHolograms(int n, double distanceM, double photons = 1e5,
                                  unsigned seed = 7, double maxPhase = 6.0,
                                  double simPadFactor = 2.0, double magnification = 1.0,
                                  double shiftX = 0.0, double shiftY = 0.0)
{
    const int fine = 2 * n;
    core::Geometry g{15.0, distanceM, 100e-9};
    core::Geometry gFine = g;
    gFine.pixelSizeM = g.pixelSizeM / 2;
    // Sphere radii and centres as fractions of the field; the largest reaches 6 rad.
    const double k = 2 * 3.14159265358979323846 / g.wavelengthM();
    const double rMax = 0.16 * fine;
    const double delta = maxPhase / (k * 2 * rMax * gFine.pixelSizeM);
    const std::vector<core::RefractiveIndex> index{{delta, delta / kSphereDeltaBeta}};
    struct S { double x, y, r; };
    const std::vector<S> spheres{{0.38, 0.40, 0.16}, {0.72, 0.30, 0.08}, {0.66, 0.70, 0.11},
                                 {0.25, 0.75, 0.05}};
    std::vector<core::Solid> solids;
    for (const S& s : spheres) {
        core::Solid sol;
        // Fine-grid coordinates (pixel centres at integer + 0.5): detector pixel x is at
        // 2 (x + 0.5), the detector centre c at n.
        sol.centreX = s.x * fine;
        sol.centreY = s.y * fine;
        sol.semiAxisA = sol.semiAxisB = s.r * fine;
        if (magnification != 1.0 || shiftX != 0.0 || shiftY != 0.0) {
            sol.centreX = n + magnification * (sol.centreX - n) + 2 * shiftX;
            sol.centreY = n + magnification * (sol.centreY - n) + 2 * shiftY;
            sol.semiAxisA = sol.semiAxisB = magnification * sol.semiAxisA;
        }
        sol.maxThicknessM = 2 * s.r * fine * gFine.pixelSizeM;
        solids.push_back(sol);
    }
    const core::PhaseObject obj = core::projectSolids(solids, index, g.energyKeV, fine, fine, 2);
    core::PropagationOptions p;
    p.padding = core::Padding::Unit;
    p.padFactor = simPadFactor;
    const core::ImageD I = core::propagateIntensity(gFine, obj.absorption, obj.phase, p);

    SphereData d{g, core::ImageF(n, n), core::ImageF(n, n), core::ImageF(n, n)};
    std::mt19937_64 rng(seed);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            double i = 0, ph = 0, b = 0;
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx) {
                    i += I(2 * x + dx, 2 * y + dy) / 4;
                    ph += obj.phase(2 * x + dx, 2 * y + dy) / 4;
                    b += obj.absorption(2 * x + dx, 2 * y + dy) / 4;
                }
            std::poisson_distribution<long> counts(photons * std::max(i, 0.0));
            d.hologram(x, y) = float(double(counts(rng)) / photons);
            d.phase(x, y) = float(ph);
            d.absorption(x, y) = float(b);
        }
    return d;
}

} // namespace phaselab::test
