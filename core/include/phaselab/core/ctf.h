#pragma once

#include <phaselab/core/fft.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/padding.h>
#include <phaselab/core/reconstruction.h>
#include <phaselab/core/regularisation.h>

namespace phaselab::core {

/// Parameters of single-distance CTF phase retrieval (physics.md §4).
struct CtfOptions {
    /// β/δ of a homogeneous object (B = (β/δ) φ); 0 for a pure phase object. ≥ 0.
    double betaDelta = 0.0;
    /// Regularisation α below the first CTF maximum (χ = πλD|ξ|² < π/2) [1]. > 0.
    double alphaLow = 1e-3;
    /// Regularisation α above the first CTF maximum [1]. > 0.
    double alphaHigh = 1e-2;
    /// Width of the erfc transition between the two levels, as a fraction of the frequency
    /// ξ_c = 1/√(2λD) of the first maximum. > 0.
    double transitionWidth = 0.1;
    /// How α is chosen. Manual: alphaLow and alphaHigh as given. Otherwise from each hologram
    /// (regularisation.h): α_low by the rule (FieldOfView: at most alphaLow), α_high = α_low ·
    /// alphaHigh/alphaLow.
    AlphaRule alphaRule = AlphaRule::FieldOfView;
    /// Discrepancy rule: ‖I − 1 − Aφ‖ ≤ τ σ √n with σ from estimateNoiseSigma(). > 0.
    double tau = 1.0;
    /// Boundary handling of the hologram: Periodic (none), Replicate (edge values) or Unit
    /// (flat field, I = 1, outside the image). Ignored while fadeBorder is set.
    Padding padding = Padding::Periodic;
    /// Pad by padFactor (whatever `padding` says) with the edge values faded smoothly into the
    /// flat field: no border step and no low-frequency offset on non-periodic holograms.
    bool fadeBorder = true;
    /// −1: PhaseLab's T = exp(−B − iφ); +1: data in the conjugate convention, where the phase
    /// term of the CTF changes sign: A = −2[−sin χ + (β/δ) cos χ] (PropagationOptions).
    int phaseSign = -1;
    double padFactor = 2.0;  ///< grid size / image size for Replicate and Unit (≥ 1)
    /// FFTW planning; Estimate suits one-shot use, Measure repeated use of one object.
    FftEffort fftPlanning = core::fftEffort();

    /// Throws InputError naming the first invalid field.
    void validate() const;
};

/// The two-level regularisation α(ξ) = α_low · w + α_high · (1 − w),
/// w = ½ erfc((|ξ| − ξ_c) / (width · ξ_c)), ξ_c = 1/√(2λD) [cycles/m] (physics.md §4).
/// @param frequency |ξ| [cycles/m]
double ctfRegularisation(const CtfOptions& options, const Geometry& g, double frequency);

/// Single-distance CTF reconstruction for one image shape (physics.md §4), α as the options say:
///   φ̂ = A · F[I − 1] / (A² + 2α(ξ)),  A = −2[sin χ + (β/δ) cos χ],  χ = πλD|ξ|²,  B = (β/δ) φ.
/// The filter and the FFT plans are built once in the constructor; reconstruct() then costs one
/// real-to-complex FFT pair of the (padded) grid. Not thread-safe per object (it owns its work buffers); FFTs and
/// point-wise work use threadCount() threads.
class Ctf {
public:
    /// Throws InputError for an invalid geometry, size or options.
    Ctf(const Geometry& g, int width, int height, const CtfOptions& options = {});

    /// (B, φ) from a flat-field-corrected intensity I (background ≈ 1), [H, W] float32 of the
    /// constructor's shape. Throws InputError for a shape mismatch or non-finite pixels.
    Reconstruction reconstruct(const ImageF& hologram);

    [[nodiscard]] const CtfOptions& options() const noexcept { return m_options; }
    [[nodiscard]] const PadLayout& layout() const noexcept { return m_layout; }
    /// The α of the last reconstruct() (with the rule's candidates and criterion).
    [[nodiscard]] const AlphaChoice& lastAlpha() const noexcept { return m_alpha; }

private:
    void chooseAlpha(const ImageF& hologram);  // m_alpha from the spectrum in m_spectrum

    Geometry m_geometry;
    CtfOptions m_options;
    PadLayout m_layout;
    RealFft2D<float> m_fft;
    AlignedBuffer<float> m_ctf;    // A on the half spectrum
    AlignedBuffer<float> m_shape;  // α(ξ)/α_low = w + (α_high/α_low)(1 − w)
    AlphaChoice m_alpha;
    AlignedBuffer<Complex<float>> m_spectrum;  // [ny, nx/2 + 1]
    AlignedBuffer<float> m_grid;               // real (padded) grid [ny, nx]
};

/// One-shot convenience: Ctf(g, W, H, options).reconstruct(hologram).
Reconstruction reconstructCtf(const ImageF& hologram, const Geometry& g,
                              const CtfOptions& options = {});

} // namespace phaselab::core
