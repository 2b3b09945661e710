#include <phaselab/core/fresnel.h>

#include <phaselab/core/error.h>

#include "fresnel_kernels.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <cmath>
#include <string>

namespace phaselab::core {

namespace {

constexpr double kPi = 3.14159265358979323846;

inline bool parallelWorth(std::size_t n)
{
    return n > 32768;
}

// Calls fn(begin, end) on contiguous blocks of [0, n), one block per thread.
template <typename F>
void parallelRange(std::size_t n, F&& fn)
{
#ifdef _OPENMP
    if (parallelWorth(n)) {
#pragma omp parallel
        {
            const std::size_t t = std::size_t(omp_get_thread_num());
            const std::size_t T = std::size_t(omp_get_num_threads());
            fn(n * t / T, n * (t + 1) / T);
        }
        return;
    }
#endif
    fn(std::size_t(0), n);
}

// dst (Kw × Kh) ← src (w × h) with each pixel repeated in a K × K block.
template <typename T>
void upsample(const T* src, int w, int h, int K, T* dst)
{
    const int fw = w * K;
#pragma omp parallel for if (parallelWorth(std::size_t(fw) * h * K))
    for (int yf = 0; yf < h * K; ++yf) {
        const T* s = src + std::size_t(yf / K) * w;
        T* d = dst + std::size_t(yf) * fw;
        for (int x = 0; x < w; ++x)
            for (int k = 0; k < K; ++k)
                d[x * K + k] = s[x];
    }
}

// dst (w × h) ← sum over each K × K block of src (Kw × Kh): the adjoint of upsample().
template <typename T>
void blockSum(const T* src, int w, int h, int K, T* dst)
{
    const int fw = w * K;
#pragma omp parallel for if (parallelWorth(std::size_t(fw) * h * K))
    for (int y = 0; y < h; ++y) {
        T* d = dst + std::size_t(y) * w;
        std::fill(d, d + w, T(0));
        for (int ky = 0; ky < K; ++ky) {
            const T* s = src + std::size_t(y * K + ky) * fw;
            for (int x = 0; x < w; ++x) {
                T acc(0);
                for (int k = 0; k < K; ++k)
                    acc += s[x * K + k];
                d[x] += acc;
            }
        }
    }
}

} // namespace

// ---------------------------------------------------------------------------------------------
// FresnelPropagator

template <typename Real>
FresnelPropagator<Real>::FresnelPropagator(const Geometry& g, int ny, int nx, FftEffort effort)
    : m_fft(ny, nx, effort), m_hx(nx), m_hy(ny)
{
    g.validate();
    // χ = πλD|ξ|², H = exp(−iχ), separable in ξx and ξy (physics.md §2).
    const double a = kPi * g.wavelengthM() * g.distanceM;
    const double norm = 1.0 / (double(nx) * double(ny));
    for (int k = 0; k < nx; ++k) {
        const double f = fftFrequency(k, nx, g.pixelSizeM);
        const double chi = a * f * f;
        m_hx[k] = Complex<Real>(Real(norm * std::cos(chi)), Real(-norm * std::sin(chi)));
    }
    for (int k = 0; k < ny; ++k) {
        const double f = fftFrequency(k, ny, g.pixelSizeM);
        const double chi = a * f * f;
        m_hy[k] = Complex<Real>(Real(std::cos(chi)), Real(-std::sin(chi)));
    }
}

template <typename Real>
void FresnelPropagator<Real>::multiplyKernel(Complex<Real>* field, bool conjugate) const
{
    const int nx = m_fft.nx(), ny = m_fft.ny();
#pragma omp parallel for if (parallelWorth(std::size_t(nx) * ny))
    for (int y = 0; y < ny; ++y)
        kernels::multiplySeparable(field + std::size_t(y) * nx, m_hx.data(), m_hy[y],
                                   std::size_t(nx), conjugate);
}

template <typename Real>
void FresnelPropagator<Real>::apply(Complex<Real>* field) const
{
    m_fft.forward(field);
    multiplyKernel(field, false);
    m_fft.backward(field);
}

template <typename Real>
void FresnelPropagator<Real>::applyAdjoint(Complex<Real>* field) const
{
    m_fft.forward(field);
    multiplyKernel(field, true);
    m_fft.backward(field);
}

// ---------------------------------------------------------------------------------------------
// FresnelOperator

template <typename Real>
struct FresnelOperator<Real>::State {
    using C = Complex<Real>;

    Geometry geometry;
    PropagationOptions options;
    int w, h, K, fw, fh;
    PadLayout layout;  // the fine image (fw × fh) inside the computation grid
    FresnelPropagator<Real> prop;
    AlignedBuffer<C> grid;   // computation grid
    AlignedBuffer<C> fine;   // fine-image scratch (K > 1 or padded)
    AlignedBuffer<C> small;  // image-size scratch
    AlignedBuffer<C> psi;    // ψ = exp(−B − iφ) at the linearisation point, image size
    AlignedBuffer<C> u;      // propagated wave at the linearisation point, fine image size
    AlignedBuffer<Real> fineIntensity;
    bool linearized = false;

    static Geometry fineGeometry(Geometry g, int K)
    {
        g.pixelSizeM /= K;
        return g;
    }

    State(const Geometry& g, int width, int height, PropagationOptions opt)
        : geometry(g), options(opt), w(width), h(height), K(opt.oversample),
          fw(width * opt.oversample), fh(height * opt.oversample),
          layout(PadLayout::make(fw, fh, opt.padding, opt.padFactor)),
          prop(fineGeometry(g, opt.oversample), layout.paddedHeight, layout.paddedWidth,
               opt.fftPlanning)
    {
        const std::size_t nGrid = std::size_t(layout.paddedWidth) * layout.paddedHeight;
        const std::size_t nFine = std::size_t(fw) * fh;
        const std::size_t nSmall = std::size_t(w) * h;
        grid.resize(nGrid);
        fine.resize(nFine);
        small.resize(nSmall);
        psi.resize(nSmall);
        u.resize(nFine);
        if (K > 1)
            fineIntensity.resize(nFine);
    }

    void requireShape(const Image<Real>& img, const char* what) const
    {
        if (img.width() != w || img.height() != h)
            throw InputError(std::string(what) + " is " + std::to_string(img.width()) + "×" +
                             std::to_string(img.height()) + ", the operator expects " +
                             std::to_string(w) + "×" + std::to_string(h));
    }

    // Grid ← E(x) for an image-size field x: upsample K×K, then place into the grid with the
    // linear extension of the padding mode (replicate, or zeros for 'unit').
    void fillGrid(const C* x)
    {
        const C* src = x;
        if (K > 1) {
            upsample(src, w, h, K, fine.data());
            src = fine.data();
        }
        if (layout.isIdentity())
            std::copy(src, src + std::size_t(fw) * fh, grid.data());
        else if (options.padding == Padding::Replicate)
            padReplicate(src, layout, grid.data());
        else
            padConstant(src, layout, C(0), grid.data());
    }

    // out (image size) ← E*(grid): the exact adjoint of fillGrid.
    void gridAdjoint(C* out)
    {
        C* dst = K > 1 ? fine.data() : out;
        if (layout.isIdentity())
            std::copy(grid.data(), grid.data() + std::size_t(fw) * fh, dst);
        else if (options.padding == Padding::Replicate)
            padReplicateAdjoint(grid.data(), layout, dst);
        else
            crop(grid.data(), layout, dst);
        if (K > 1)
            blockSum(fine.data(), w, h, K, out);
    }

    const C* gridAt(int xf, int yf) const
    {
        return grid.data() + std::size_t(yf + layout.offsetY) * layout.paddedWidth + layout.offsetX +
               xf;
    }

    // intensity (image size) ← bin_K(|grid window (+1 for 'unit')|²); optionally keeps the wave.
    void intensityFromGrid(Image<Real>& out, bool keepWave)
    {
        const Real addOne = options.padding == Padding::Unit ? Real(1) : Real(0);
        Real* fineI = K > 1 ? fineIntensity.data() : out.data();
        C* wave = keepWave ? u.data() : nullptr;
        if (layout.isIdentity()) {
            parallelRange(std::size_t(fw) * fh, [&](std::size_t b, std::size_t e) {
                kernels::intensity(grid.data() + b, fineI + b, wave ? wave + b : nullptr, e - b,
                                   addOne);
            });
        } else {
#pragma omp parallel for if (parallelWorth(std::size_t(fw) * fh))
            for (int yf = 0; yf < fh; ++yf) {
                const std::size_t o = std::size_t(yf) * fw;
                kernels::intensity(gridAt(0, yf), fineI + o, wave ? wave + o : nullptr,
                                   std::size_t(fw), addOne);
            }
        }
        if (K > 1)
            binMean(fineI, out.data());
    }

    // out (image size) ← mean over each K × K block of a fine real image.
    void binMean(const Real* fineI, Real* out) const
    {
        const Real scale = Real(1) / Real(K * K);
#pragma omp parallel for if (parallelWorth(std::size_t(fw) * fh))
        for (int y = 0; y < h; ++y) {
            Real* d = out + std::size_t(y) * w;
            for (int x = 0; x < w; ++x) {
                Real acc = 0;
                for (int ky = 0; ky < K; ++ky) {
                    const Real* s = fineI + std::size_t(y * K + ky) * fw + std::size_t(x) * K;
                    for (int k = 0; k < K; ++k)
                        acc += s[k];
                }
                d[x] = acc * scale;
            }
        }
    }

    // field ← exp(−B − iφ), minus one for the 'unit' mode's forward extension.
    static void transmittance(const Real* B, const Real* phi, std::size_t n, C* out, Real minus)
    {
        parallelRange(n, [&](std::size_t b, std::size_t e) {
            kernels::transmittance(B + b, phi + b, out + b, e - b, minus);
        });
    }

    Image<Real> run(const Image<Real>& B, const Image<Real>& phi, bool keep)
    {
        requireShape(B, "absorption");
        requireShape(phi, "phase");
        const std::size_t n = std::size_t(w) * h;
        const bool unit = options.padding == Padding::Unit;
        Image<Real> out(w, h, kNoInit);
        if (!keep) {
            // ψ (or ψ − 1 for 'unit') straight into the grid when nothing needs padding; the
            // linearisation point (psi, u) is never touched.
            C* target = (K == 1 && layout.isIdentity()) ? grid.data() : small.data();
            transmittance(B.data(), phi.data(), n, target, unit ? Real(1) : Real(0));
            if (target == small.data())
                fillGrid(small.data());
        } else {
            linearized = false;
            transmittance(B.data(), phi.data(), n, psi.data(), Real(0));
            const C* x = psi.data();
            if (unit) {
#pragma omp parallel for if (parallelWorth(n))
                for (std::size_t i = 0; i < n; ++i)
                    small[i] = psi[i] - C(1);
                x = small.data();
            }
            fillGrid(x);
        }
        prop.apply(grid.data());
        intensityFromGrid(out, keep);
        if (keep)
            linearized = true;
        return out;
    }
};

template <typename Real>
FresnelOperator<Real>::FresnelOperator(const Geometry& g, int width, int height,
                                       PropagationOptions options)
{
    g.validate();
    if (width <= 0 || height <= 0)
        throw InputError("image size " + std::to_string(width) + "×" + std::to_string(height) +
                         " is empty");
    if (options.oversample < 1 || options.oversample > 16)
        throw InputError("oversampling must be between 1 and 16, got " +
                         std::to_string(options.oversample));
    requirePhaseSign(options.phaseSign);
    m = std::make_unique<State>(g, width, height, options);
}

namespace {

// −φ for the conjugate convention (PropagationOptions::phaseSign = +1): F₊(B, φ) = F(B, −φ).
template <typename Real>
Image<Real> negated(const Image<Real>& x)
{
    Image<Real> out = x;
    for (Real& v : out)
        v = -v;
    return out;
}

} // namespace

void requirePhaseSign(int sign)
{
    if (sign != -1 && sign != 1)
        throw InputError("phase sign must be −1 (exp(−iφ), PhaseLab) or +1 (exp(+iφ)), got " +
                         std::to_string(sign));
}

template <typename Real>
FresnelOperator<Real>::~FresnelOperator() = default;
template <typename Real>
FresnelOperator<Real>::FresnelOperator(FresnelOperator&&) noexcept = default;
template <typename Real>
FresnelOperator<Real>& FresnelOperator<Real>::operator=(FresnelOperator&&) noexcept = default;

template <typename Real>
Image<Real> FresnelOperator<Real>::forward(const Image<Real>& absorption, const Image<Real>& phase)
{
    if (m->options.phaseSign > 0)
        return m->run(absorption, negated(phase), false);
    return m->run(absorption, phase, false);
}

template <typename Real>
Image<Real> FresnelOperator<Real>::linearize(const Image<Real>& absorption, const Image<Real>& phase)
{
    if (m->options.phaseSign > 0)
        return m->run(absorption, negated(phase), true);
    return m->run(absorption, phase, true);
}

template <typename Real>
Image<Real> FresnelOperator<Real>::derivative(const Image<Real>& dAbsorption,
                                              const Image<Real>& dPhase)
{
    if (!m->linearized)
        throw std::logic_error("FresnelOperator::derivative called before linearize");
    m->requireShape(dAbsorption, "absorption step");
    m->requireShape(dPhase, "phase step");
    State& s = *m;
    Image<Real> flipped;  // F₊′(δB, δφ) = F′(δB, −δφ)
    if (s.options.phaseSign > 0)
        flipped = negated(dPhase);
    const std::size_t n = std::size_t(s.w) * s.h;
    const Real* dB = dAbsorption.data();
    const Real* dP = s.options.phaseSign > 0 ? flipped.data() : dPhase.data();
    // δψ = ψ · (−δB − iδφ)
    // Straight into the grid when nothing needs padding or upsampling.
    const bool direct = s.K == 1 && s.layout.isIdentity();
    Complex<Real>* target = direct ? s.grid.data() : s.small.data();
    parallelRange(n, [&](std::size_t b, std::size_t e) {
        kernels::perturbation(s.psi.data() + b, dB + b, dP + b, target + b, e - b);
    });
    if (!direct)
        s.fillGrid(s.small.data());
    s.prop.apply(s.grid.data());

    Image<Real> out(s.w, s.h, kNoInit);
    Real* fineI = s.K > 1 ? s.fineIntensity.data() : out.data();
    // δI = 2 Re(conj(u) · δu)
    if (s.layout.isIdentity()) {
        parallelRange(std::size_t(s.fw) * s.fh, [&](std::size_t b, std::size_t e) {
            kernels::twoReConjProduct(s.u.data() + b, s.grid.data() + b, fineI + b, e - b);
        });
    } else {
#pragma omp parallel for if (parallelWorth(std::size_t(s.fw) * s.fh))
        for (int yf = 0; yf < s.fh; ++yf) {
            const std::size_t o = std::size_t(yf) * s.fw;
            kernels::twoReConjProduct(s.u.data() + o, s.gridAt(0, yf), fineI + o,
                                      std::size_t(s.fw));
        }
    }
    if (s.K > 1)
        s.binMean(fineI, out.data());
    return out;
}

template <typename Real>
void FresnelOperator<Real>::adjoint(const Image<Real>& g, Image<Real>& gAbsorption,
                                    Image<Real>& gPhase)
{
    using C = Complex<Real>;
    if (!m->linearized)
        throw std::logic_error("FresnelOperator::adjoint called before linearize");
    m->requireShape(g, "residual");
    State& s = *m;
    if (!s.layout.isIdentity())
        std::fill(s.grid.data(), s.grid.data() + s.grid.size(), C(0));  // crop* = zero-fill
    // z = 2 · bin*(g) · u on the window; bin* spreads g/K² over each K × K block.
    const Real scale = Real(2) / Real(s.K * s.K);
    if (s.layout.isIdentity() && s.K == 1) {
        parallelRange(std::size_t(s.fw) * s.fh, [&](std::size_t b, std::size_t e) {
            kernels::scaledProduct(s.u.data() + b, g.data() + b, 1, scale, s.grid.data() + b,
                                   e - b);
        });
    } else {
#pragma omp parallel for if (parallelWorth(std::size_t(s.fw) * s.fh))
        for (int yf = 0; yf < s.fh; ++yf)
            kernels::scaledProduct(s.u.data() + std::size_t(yf) * s.fw, g.row(yf / s.K), s.K,
                                   scale, const_cast<C*>(s.gridAt(0, yf)), std::size_t(s.fw));
    }
    s.prop.applyAdjoint(s.grid.data());
    const bool direct = s.K == 1 && s.layout.isIdentity();
    if (!direct)
        s.gridAdjoint(s.small.data());
    const C* z = direct ? s.grid.data() : s.small.data();

    if (!gAbsorption.sameShape(g))
        gAbsorption = Image<Real>(s.w, s.h, kNoInit);
    if (!gPhase.sameShape(g))
        gPhase = Image<Real>(s.w, s.h, kNoInit);
    const std::size_t n = std::size_t(s.w) * s.h;
    Real* gb = gAbsorption.data();
    Real* gp = gPhase.data();
    // w = conj(ψ) · E*P*C*(2 g u); F′* g = (−Re w, −Im w)
    parallelRange(n, [&](std::size_t b, std::size_t e) {
        kernels::adjointSplit(s.psi.data() + b, z + b, gb + b, gp + b, e - b);
    });
    if (s.options.phaseSign > 0)  // F₊′* = (gB, −gφ)
        for (std::size_t i = 0; i < n; ++i)
            gp[i] = -gp[i];
}

template <typename Real>
int FresnelOperator<Real>::width() const noexcept
{
    return m->w;
}
template <typename Real>
int FresnelOperator<Real>::height() const noexcept
{
    return m->h;
}
template <typename Real>
const Geometry& FresnelOperator<Real>::geometry() const noexcept
{
    return m->geometry;
}
template <typename Real>
const PropagationOptions& FresnelOperator<Real>::options() const noexcept
{
    return m->options;
}
template <typename Real>
const PadLayout& FresnelOperator<Real>::layout() const noexcept
{
    return m->layout;
}

template <typename Real>
Image<Real> propagateIntensity(const Geometry& g, const Image<Real>& absorption,
                               const Image<Real>& phase, PropagationOptions options)
{
    FresnelOperator<Real> op(g, absorption.width(), absorption.height(), options);
    return op.forward(absorption, phase);
}

template class FresnelPropagator<float>;
template class FresnelPropagator<double>;
template class FresnelOperator<float>;
template class FresnelOperator<double>;
template Image<float> propagateIntensity(const Geometry&, const Image<float>&, const Image<float>&,
                                         PropagationOptions);
template Image<double> propagateIntensity(const Geometry&, const Image<double>&,
                                          const Image<double>&, PropagationOptions);

} // namespace phaselab::core
