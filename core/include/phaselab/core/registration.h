#pragma once
// Registration of holograms recorded at several distances (issue 14): a magnification about the
// image centre plus a sub-pixel shift, found by phase correlation (FFTW) with an upsampled-DFT
// peak refinement, and the magnification by a 1D search around the cone-beam value.

#include <optional>

#include <phaselab/core/image.h>
#include <phaselab/core/progress.h>

namespace phaselab::core {

/// How `moving` maps onto `reference`: a pixel at (x, y) of `moving` shows the point
///   x_ref = c_x + (x − c_x − shiftX) / magnification,  y_ref = c_y + (y − c_y − shiftY) / magnification
/// of `reference`, with (c_x, c_y) = ((W − 1)/2, (H − 1)/2). Identity: magnification 1, shift 0.
struct Registration {
    double shiftX = 0;         ///< [pixels of `moving`]
    double shiftY = 0;         ///< [pixels of `moving`]
    double magnification = 1;  ///< relative scale of `moving` against `reference` [1]
    double peak = 0;           ///< normalised phase-correlation peak in (0, 1]: the match quality
};

struct RegistrationOptions {
    /// Search the magnification in [m0 (1 − range), m0 (1 + range)] around m0 = `magnification`
    /// (the cone-beam ratio; 1 for parallel beam). range 0 fixes the magnification at m0.
    double magnification = 1.0;
    double magnificationRange = 0.0;
    /// Sub-pixel precision of the shift: the peak is refined by an upsampled DFT by this factor.
    int upsampling = 100;
    /// Fraction of each border faded (cos²) before correlating, against wrap-around edges.
    double borderFade = 0.1;
    /// Gaussian weight exp(−|ξ|²/(2σ²)) on the normalised cross-power spectrum, σ = lowPass
    /// [cycles/pixel]; 0 (the default) weights all frequencies alike (pure phase correlation).
    /// Holograms at different distances agree only where their CTFs have the same sign, below
    /// ξ = √F [cycles/pixel] of the smaller Fresnel number: σ ≈ 0.5 √F keeps their shift (not
    /// their magnification; registerSeries() correlates phase maps instead). On smooth images a
    /// low-pass (0.1) also halves the shift error; on phase maps it biases the magnification.
    double lowPass = 0.0;
};

/// Finds `moving`'s registration against `reference` (same shape, ≥ 16 × 16, finite).
/// Throws InputError for mismatched shapes or invalid options; Cancelled through `progress`.
Registration registerImages(const ImageF& reference, const ImageF& moving,
                            const RegistrationOptions& options = {},
                            const ProgressReporter& progress = {nullptr, nullptr});

/// `moving` resampled onto `reference`'s grid (bilinear or better; pixels that map outside
/// `moving` take `fill`): the inverse of the mapping above, so that the result lines up with
/// `reference`.
ImageF applyRegistration(const ImageF& moving, const Registration& r, float fill = 1.0f);

} // namespace phaselab::core
