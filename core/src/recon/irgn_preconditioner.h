#pragma once
// IRGN's CG preconditioner: the CTF's Fourier-diagonal approximation of F′*F′ + α R.

#include <phaselab/core/fft.h>
#include <phaselab/core/geometry.h>

#include <vector>

namespace phaselab::core::recon {

/// M⁻¹ for the normal equations (F′*F′ + α R) δf = b. At f = 0 (weak object, physics.md §2)
/// F′(δB, δφ) has the Fourier symbol (−2 cos χ, −2 sin χ), χ = πλD|ξ|², so F′*F′ is
/// 4 [[c², cs], [cs, s²]] per frequency (joint), or A² with A = −2(sin χ + (β/δ) cos χ) for the
/// homogeneous unknown; R is the Sobolev weight W(ξ) = (1 + |ξ|²/s²)^m (W = 1: Tikhonov).
/// M⁻¹ inverts that symbol exactly, by FFT on the image grid. Symmetric positive definite for
/// α > 0, so preconditioned CG stays valid. Not thread-safe (work buffers).
class CtfPreconditioner {
public:
    /// `homogeneous`: one channel with β/δ = `ratio`; otherwise the joint (B, φ) pair.
    /// sobolevScale ≤ 0: Tikhonov. phaseSign +1 (exp(+iφ) data) flips the sign of sin χ.
    CtfPreconditioner(const Geometry& g, int width, int height, bool homogeneous, double ratio,
                      double sobolevScale, double sobolevOrder, int phaseSign = -1);

    /// out[c] ← (M⁻¹ in)[c] for the channels (1 or 2), each width × height; α = α_k.
    void apply(const float* const* in, float* const* out, double alpha);

private:
    int m_w, m_h;
    bool m_homogeneous;
    double m_ratio;
    Fft2D<float> m_fft;
    std::vector<float> m_sin, m_cos, m_weight;  // per frequency of the w × h grid
    AlignedBuffer<Complex<float>> m_a, m_b;
};

} // namespace phaselab::core::recon
