#pragma once

#include <memory>

#include <phaselab/core/fft.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/padding.h>

namespace phaselab::core {

/// Options of the forward model that are not physics.
struct PropagationOptions {
    Padding padding = Padding::Periodic;
    double padFactor = 2.0;  ///< grid size / image size for Replicate and Unit (≥ 1)
    int oversample = 1;      ///< K: compute at K·N with pixel Δx/K, bin intensities K×K back to N
    /// Sign convention of the data: −1, T = exp(−B − iφ) (PhaseLab, physics.md §2); +1,
    /// T = exp(−B + iφ), the conjugate convention some other packages store holograms in. With
    /// +1 the operator is F(B, −φ), its derivative and adjoint follow, and φ stays ≥ 0 for
    /// matter in both conventions.
    int phaseSign = -1;
    /// FFTW planning; Measure for operators applied many times (iterative solvers).
    FftEffort fftPlanning = core::fftEffort();
};

/// The Fresnel propagator P on a fixed [ny, nx] grid of spacing g.pixelSizeM:
/// u = F⁻¹[H · F[ψ]], H(ξ) = exp(−iπλD|ξ|²) (physics.md §2; constant phase e^{ikD} dropped).
/// Unitary; P* = P⁻¹ uses the conjugate kernel. Not thread-safe per object (shares no state).
template <typename Real>
class FresnelPropagator {
public:
    FresnelPropagator(const Geometry& g, int ny, int nx, FftEffort effort = fftEffort());

    /// ψ ← P ψ, in place on a 64-byte aligned [ny, nx] array.
    void apply(Complex<Real>* field) const;
    /// ψ ← P* ψ, in place.
    void applyAdjoint(Complex<Real>* field) const;

    [[nodiscard]] int nx() const noexcept { return m_fft.nx(); }
    [[nodiscard]] int ny() const noexcept { return m_fft.ny(); }

private:
    void multiplyKernel(Complex<Real>* field, bool conjugate) const;

    Fft2D<Real> m_fft;
    // H is separable: H(ξy, ξx) = hy(ξy) · hx(ξx); the 1/(ny·nx) of the inverse FFT is folded
    // into hx. Computing the product on the fly reads far less memory than a full kernel array.
    AlignedBuffer<Complex<Real>> m_hx, m_hy;
};

/// The forward operator F_D(B, φ) = |P exp(−B − iφ)|² with padding and oversampling, its Fréchet
/// derivative F′ and adjoint F′* (physics.md §2–3). Images are [H, W] with B, φ ≥ 0 for matter.
///
/// Usage: linearize(B, φ) sets the point f and returns F(f); derivative() and adjoint() then act
/// at f. Buffers and FFT plans are allocated once per object and reused. An object must not be
/// used from two threads at once; FFTs and point-wise work inside use threadCount() threads.
template <typename Real>
class FresnelOperator {
public:
    /// Throws InputError for an invalid geometry, image size or options.
    FresnelOperator(const Geometry& g, int width, int height, PropagationOptions options = {});
    ~FresnelOperator();
    FresnelOperator(FresnelOperator&&) noexcept;
    FresnelOperator& operator=(FresnelOperator&&) noexcept;

    /// I = F(B, φ), without changing the linearisation point.
    [[nodiscard]] Image<Real> forward(const Image<Real>& absorption, const Image<Real>& phase);

    /// Sets the linearisation point f = (B, φ) and returns F(f).
    Image<Real> linearize(const Image<Real>& absorption, const Image<Real>& phase);

    /// F′[f](δB, δφ) = 2 Re(conj(u) · P(ψ · (−δB − iδφ))) at the point set by linearize().
    [[nodiscard]] Image<Real> derivative(const Image<Real>& dAbsorption, const Image<Real>& dPhase);

    /// F′[f]* g = (−2 Re w, −2 Im w), w = conj(ψ) · P*(g · u), at the point set by linearize().
    void adjoint(const Image<Real>& g, Image<Real>& gAbsorption, Image<Real>& gPhase);

    [[nodiscard]] int width() const noexcept;
    [[nodiscard]] int height() const noexcept;
    [[nodiscard]] const Geometry& geometry() const noexcept;
    [[nodiscard]] const PropagationOptions& options() const noexcept;
    /// The computation grid (fine grid including padding).
    [[nodiscard]] const PadLayout& layout() const noexcept;

private:
    struct State;
    std::unique_ptr<State> m;
};

/// Throws InputError unless `sign` is −1 or +1 (PropagationOptions::phaseSign).
void requirePhaseSign(int sign);

/// One-shot convenience: I = F(B, φ) in double or float.
template <typename Real>
Image<Real> propagateIntensity(const Geometry& g, const Image<Real>& absorption,
                               const Image<Real>& phase, PropagationOptions options = {});

} // namespace phaselab::core
