#pragma once

#include <string>

namespace phaselab::core {

/// hc in keV·nm (physics.md §1).
inline constexpr double kHcKeVNm = 1.239841984;

/// Wavelength in metres of a photon of energy `energyKeV` (λ = hc / E).
double wavelengthM(double energyKeV);

/// Photon energy in keV for a wavelength in metres.
double energyKeVFromWavelength(double wavelengthM);

/// Parallel-beam (or effective cone-beam) near-field geometry, physics.md §1.
/// All values are effective ones at the sample plane.
struct Geometry {
    double energyKeV = 13.0;    ///< photon energy E [keV]
    double distanceM = 20e-3;   ///< sample–detector (effective) propagation distance D [m]
    double pixelSizeM = 12e-9;  ///< (effective) pixel size Δx [m]

    /// λ = hc / E [m].
    [[nodiscard]] double wavelengthM() const;
    /// Pixel Fresnel number F = Δx² / (λ D) [1].
    [[nodiscard]] double fresnelNumber() const;
    /// Smallest grid size N for which the transfer-function kernel is well sampled: N ≥ 1/F.
    [[nodiscard]] double minimumGridSize() const;
    /// True when an N-sample axis (after padding) satisfies N ≥ 1/F.
    [[nodiscard]] bool wellSampled(int gridSize) const;

    /// Throws InputError naming the first non-finite, zero or negative field.
    void validate() const;

    /// The geometry of the DGN paper (seed 000): 13 keV, 20 mm, 12 nm → F ≈ 7.55e-5.
    static Geometry dgnPaper();
    /// The geometry of the PhaseGAN paper (seed 004): λ = 1 Å, 10 cm, 1 µm → F = 0.1.
    static Geometry phaseGanPaper();
};

/// Cone-beam set-up: source–sample z01, source–detector z02 and detector pixel size, all in metres.
struct ConeBeam {
    double sourceToSampleM = 0;    ///< z01 [m]
    double sourceToDetectorM = 0;  ///< z02 [m], must exceed z01
    double detectorPixelM = 0;     ///< detector pixel size [m]

    /// Geometric magnification M = z02 / z01.
    [[nodiscard]] double magnification() const;
    /// Effective geometry: Δx = Δx_det / M, D = z01 (z02 − z01) / z02. Throws InputError when
    /// a value is non-positive or z02 ≤ z01.
    [[nodiscard]] Geometry effective(double energyKeV) const;
};

} // namespace phaselab::core
