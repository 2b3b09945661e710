#pragma once
// Choosing a regularisation parameter from the data (CTF's α, IRGN's α_0 and noise level).

#include <phaselab/core/image.h>

#include <string>
#include <vector>

namespace phaselab::core {

/// How CTF's regularisation α is chosen (physics.md §4).
enum class AlphaRule {
    Manual,       ///< α_low and α_high as given
    /// α_low = min(A(ξ_f)²/2, the options' α_low), A(ξ_f)² the CTF denominator at ξ_f = 1/(2 N Δx) (one period over twice the
    /// field of view, N the larger image side): frequencies the field cannot measure are
    /// damped, all others pass. Relative to the homogeneous denominator A(0)² = 4(β/δ)², and
    /// growing as 1/F² with the phase term. The default: on strong-phase spheres it tracks the
    /// best hand-tuned α at every distance, where GCV, the L-curve and the discrepancy
    /// principle, which take the linear model's error for noise, do not (docs/regularisation.md).
    FieldOfView,
    Gcv,          ///< generalised cross-validation: min ‖r‖² / (N − trace of the influence)²
    LCurve,       ///< the corner (largest curvature) of (log ‖r‖, log ‖φ‖)
    Discrepancy,  ///< the largest α whose residual ‖r‖ ≤ τ · σ √n, σ the estimated noise
    /// Quasi-optimality (Tikhonov & Glasko): the α between neighbours α_i, α_{i+1} of a
    /// log grid where the solution changes least, ‖φ_{α_{i+1}} − φ_{α_i}‖ minimal; needs no
    /// noise level and tolerates the linear model's own error on strong objects.
    QuasiOptimal,
};
std::string toString(AlphaRule rule);
/// "manual" | "fov" | "gcv" | "lcurve" | "discrepancy" | "quasi"; throws InputError otherwise.
AlphaRule parseAlphaRule(const std::string& text);

/// The α a rule chose, and how: α(ξ) = α_low · w(ξ) + α_high · (1 − w(ξ)), the two levels in the
/// ratio the options give, scaled together.
struct AlphaChoice {
    AlphaRule rule = AlphaRule::Manual;
    double alphaLow = 0, alphaHigh = 0;
    /// α_low / (A(0)²/2): α relative to the homogeneous denominator at ξ = 0, A(0) = −2 β/δ
    /// (0 for a pure phase object, where A(0) = 0).
    double relativeToDenominator = 0;
    double noiseSigma = 0;              ///< estimated noise σ of the hologram [intensity]
    std::vector<double> candidates;     ///< α_low values tried (rules other than Manual)
    std::vector<double> criterion;      ///< the rule's criterion at each candidate
};

/// Standard deviation of additive white noise in `image` (Immerkær 1996): the mean absolute
/// response to the 3 × 3 kernel [1 −2 1; −2 4 −2; 1 −2 1], which cancels planes and is blind to
/// smooth signal, times √(π/2)/6. Needs at least 3 × 3 pixels (else 0).
double estimateNoiseSigma(const ImageF& image);

/// Chooses the common scale s of a Fourier-diagonal Tikhonov problem
///   x̂_i = A_i ŷ_i / (A_i² + 2 s c_i)
/// on the half spectrum of an nx × ny real grid (nx/2 + 1 columns): `A`, `shape` (c_i > 0) and
/// the data `y` (unnormalised FFT of the real data, complex interleaved) per coefficient.
/// Candidates span 10^-16 … 10^2 (four per decade, refined near the optimum). `imagePixels` and
/// `sigma` give the discrepancy target τ² σ² · imagePixels. Returns the chosen s, fills
/// candidates/criterion of `choice`.
double chooseSpectralScale(AlphaRule rule, const float* A, const float* shape, const float* y,
                           int nx, int ny, double sigma, double tau, std::size_t imagePixels,
                           AlphaChoice& choice);

} // namespace phaselab::core
