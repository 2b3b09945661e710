#pragma once
// Point-wise kernels of the Fresnel operator, each on a contiguous range [0, n). Compiled in
// their own translation unit with -fno-trapping-math (so the float math vectorises) and cloned
// for AVX2 with run-time dispatch. Callers split work across threads.

#include <complex>
#include <cstddef>

namespace phaselab::core::kernels {

/// out = exp(−B − iφ) − minus
template <typename Real>
void transmittance(const Real* B, const Real* phi, std::complex<Real>* out, std::size_t n,
                   Real minus);

/// row[x] *= hy · hx[x] (or the conjugate), the separable Fresnel kernel on one grid row.
template <typename Real>
void multiplySeparable(std::complex<Real>* row, const std::complex<Real>* hx,
                       std::complex<Real> hy, std::size_t n, bool conjugate);

/// dst = |src + addOne|²; when wave is non-null it receives src + addOne.
template <typename Real>
void intensity(const std::complex<Real>* src, Real* dst, std::complex<Real>* wave, std::size_t n,
               Real addOne);

/// dst = 2 Re(conj(u) · du)
template <typename Real>
void twoReConjProduct(const std::complex<Real>* u, const std::complex<Real>* du, Real* dst,
                      std::size_t n);

/// dst = psi · (−dB − i dPhi)
template <typename Real>
void perturbation(const std::complex<Real>* psi, const Real* dB, const Real* dPhi,
                  std::complex<Real>* dst, std::size_t n);

/// dst[x] = u[x] · scale · g[x / K]  (the binning adjoint spreads g over K samples)
template <typename Real>
void scaledProduct(const std::complex<Real>* u, const Real* g, int K, Real scale,
                   std::complex<Real>* dst, std::size_t n);

/// (gB, gPhi) = (−Re w, −Im w), w = conj(psi) · z
template <typename Real>
void adjointSplit(const std::complex<Real>* psi, const std::complex<Real>* z, Real* gB,
                  Real* gPhi, std::size_t n);

} // namespace phaselab::core::kernels
