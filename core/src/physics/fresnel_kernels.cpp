#include "fresnel_kernels.h"

#include <phaselab/core/vector_math.h>

#include <cmath>

// Complex values are handled as interleaved (re, im) pairs of Real: std::complex<Real> is
// layout-compatible with Real[2], and written this way GCC vectorises the loops.
#define PHASELAB_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

namespace phaselab::core::kernels {

namespace {

template <typename Real>
inline void expSinCos(Real b, Real p, Real& a, Real& s, Real& c)
{
    if constexpr (std::is_same_v<Real, float>) {
        a = vmath::exp(-b);
        vmath::sincos(p, s, c);
    } else {
        a = std::exp(-b);
        s = std::sin(p);
        c = std::cos(p);
    }
}

template <typename Real>
inline Real* interleaved(std::complex<Real>* z)
{
    return reinterpret_cast<Real*>(z);
}

template <typename Real>
inline const Real* interleaved(const std::complex<Real>* z)
{
    return reinterpret_cast<const Real*>(z);
}

} // namespace

PHASELAB_CLONES void transmittanceF(const float* __restrict B, const float* __restrict phi,
                                    float* __restrict out, std::size_t n, float minus)
{
    for (std::size_t i = 0; i < n; ++i) {
        float a, s, c;
        expSinCos(B[i], phi[i], a, s, c);
        out[2 * i] = a * c - minus;
        out[2 * i + 1] = -a * s;
    }
}

template <>
void transmittance<float>(const float* B, const float* phi, std::complex<float>* out,
                          std::size_t n, float minus)
{
    transmittanceF(B, phi, interleaved(out), n, minus);
}

template <>
void transmittance<double>(const double* B, const double* phi, std::complex<double>* out,
                           std::size_t n, double minus)
{
    double* o = interleaved(out);
    for (std::size_t i = 0; i < n; ++i) {
        double a, s, c;
        expSinCos(B[i], phi[i], a, s, c);
        o[2 * i] = a * c - minus;
        o[2 * i + 1] = -a * s;
    }
}

template <typename Real>
PHASELAB_CLONES void multiplySeparableImpl(Real* __restrict row, const Real* __restrict hx,
                                           Real hyr, Real hyi, std::size_t n, Real conjSign)
{
    for (std::size_t x = 0; x < n; ++x) {
        const Real hxr = hx[2 * x], hxi = conjSign * hx[2 * x + 1];
        const Real hr = hyr * hxr - hyi * hxi;
        const Real hi = hyr * hxi + hyi * hxr;
        const Real fr = row[2 * x], fi = row[2 * x + 1];
        row[2 * x] = fr * hr - fi * hi;
        row[2 * x + 1] = fr * hi + fi * hr;
    }
}

template <typename Real>
void multiplySeparable(std::complex<Real>* row, const std::complex<Real>* hx,
                       std::complex<Real> hy, std::size_t n, bool conjugate)
{
    const Real sign = conjugate ? Real(-1) : Real(1);
    multiplySeparableImpl<Real>(interleaved(row), interleaved(hx), hy.real(), sign * hy.imag(), n,
                                sign);
}

template <typename Real>
PHASELAB_CLONES void intensityImpl(const Real* __restrict src, Real* __restrict dst,
                                   Real* __restrict wave, std::size_t n, Real addOne)
{
    if (wave) {
        for (std::size_t i = 0; i < n; ++i) {
            const Real re = src[2 * i] + addOne, im = src[2 * i + 1];
            dst[i] = re * re + im * im;
            wave[2 * i] = re;
            wave[2 * i + 1] = im;
        }
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            const Real re = src[2 * i] + addOne, im = src[2 * i + 1];
            dst[i] = re * re + im * im;
        }
    }
}

template <typename Real>
void intensity(const std::complex<Real>* src, Real* dst, std::complex<Real>* wave, std::size_t n,
               Real addOne)
{
    intensityImpl<Real>(interleaved(src), dst, wave ? interleaved(wave) : nullptr, n, addOne);
}

template <typename Real>
PHASELAB_CLONES void twoReConjProductImpl(const Real* __restrict u, const Real* __restrict du,
                                          Real* __restrict dst, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        dst[i] = Real(2) * (u[2 * i] * du[2 * i] + u[2 * i + 1] * du[2 * i + 1]);
}

template <typename Real>
void twoReConjProduct(const std::complex<Real>* u, const std::complex<Real>* du, Real* dst,
                      std::size_t n)
{
    twoReConjProductImpl<Real>(interleaved(u), interleaved(du), dst, n);
}

template <typename Real>
PHASELAB_CLONES void perturbationImpl(const Real* __restrict psi, const Real* __restrict dB,
                                      const Real* __restrict dPhi, Real* __restrict dst,
                                      std::size_t n)
{
    // (pr + i pi)(−dB − i dφ) = (−pr dB + pi dφ) + i(−pi dB − pr dφ)
    for (std::size_t i = 0; i < n; ++i) {
        const Real pr = psi[2 * i], pi = psi[2 * i + 1];
        dst[2 * i] = -pr * dB[i] + pi * dPhi[i];
        dst[2 * i + 1] = -pi * dB[i] - pr * dPhi[i];
    }
}

template <typename Real>
void perturbation(const std::complex<Real>* psi, const Real* dB, const Real* dPhi,
                  std::complex<Real>* dst, std::size_t n)
{
    perturbationImpl<Real>(interleaved(psi), dB, dPhi, interleaved(dst), n);
}

template <typename Real>
PHASELAB_CLONES void scaledProductImpl(const Real* __restrict u, const Real* __restrict g,
                                       Real scale, Real* __restrict dst, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) {
        const Real s = scale * g[i];
        dst[2 * i] = u[2 * i] * s;
        dst[2 * i + 1] = u[2 * i + 1] * s;
    }
}

template <typename Real>
void scaledProduct(const std::complex<Real>* u, const Real* g, int K, Real scale,
                   std::complex<Real>* dst, std::size_t n)
{
    if (K == 1) {
        scaledProductImpl<Real>(interleaved(u), g, scale, interleaved(dst), n);
        return;
    }
    for (std::size_t i = 0; i < n; ++i)
        dst[i] = u[i] * (scale * g[i / std::size_t(K)]);
}

template <typename Real>
PHASELAB_CLONES void adjointSplitImpl(const Real* __restrict psi, const Real* __restrict z,
                                      Real* __restrict gB, Real* __restrict gPhi, std::size_t n)
{
    // w = conj(ψ) z = (pr − i pi)(zr + i zi) = (pr zr + pi zi) + i(pr zi − pi zr)
    for (std::size_t i = 0; i < n; ++i) {
        const Real pr = psi[2 * i], pi = psi[2 * i + 1], zr = z[2 * i], zi = z[2 * i + 1];
        gB[i] = -(pr * zr + pi * zi);
        gPhi[i] = -(pr * zi - pi * zr);
    }
}

template <typename Real>
void adjointSplit(const std::complex<Real>* psi, const std::complex<Real>* z, Real* gB,
                  Real* gPhi, std::size_t n)
{
    adjointSplitImpl<Real>(interleaved(psi), interleaved(z), gB, gPhi, n);
}

#define PHASELAB_KERNELS_INSTANTIATE(R)                                                          \
    template void multiplySeparable<R>(std::complex<R>*, const std::complex<R>*, std::complex<R>, \
                                       std::size_t, bool);                                       \
    template void intensity<R>(const std::complex<R>*, R*, std::complex<R>*, std::size_t, R);    \
    template void twoReConjProduct<R>(const std::complex<R>*, const std::complex<R>*, R*,        \
                                      std::size_t);                                              \
    template void perturbation<R>(const std::complex<R>*, const R*, const R*, std::complex<R>*,  \
                                  std::size_t);                                                  \
    template void scaledProduct<R>(const std::complex<R>*, const R*, int, R, std::complex<R>*,   \
                                   std::size_t);                                                 \
    template void adjointSplit<R>(const std::complex<R>*, const std::complex<R>*, R*, R*,        \
                                  std::size_t);

PHASELAB_KERNELS_INSTANTIATE(float)
PHASELAB_KERNELS_INSTANTIATE(double)

} // namespace phaselab::core::kernels
