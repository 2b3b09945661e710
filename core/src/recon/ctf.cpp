#include <phaselab/core/ctf.h>

#include <phaselab/core/error.h>
#include <phaselab/core/fresnel.h>

#include "recon_common.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace phaselab::core {

namespace {

constexpr double kPi = 3.14159265358979323846;

// The weight of the low level, ½ erfc(t), t = (|ξ| − ξ_c)/(width·ξ_c); exactly 0 or 1 far out.
inline double lowWeight(double t)
{
    return t > 6.0 ? 0.0 : (t < -6.0 ? 1.0 : 0.5 * std::erfc(t));
}

// First CTF maximum: χ = πλDξ² = π/2 (physics.md §4) [cycles/m].
double firstMaximumFrequency(const Geometry& g)
{
    return 1.0 / std::sqrt(2.0 * g.wavelengthM() * g.distanceM);
}

PadLayout validatedLayout(const Geometry& g, int width, int height, const CtfOptions& o)
{
    g.validate();
    o.validate();
    return PadLayout::make(width, height, o.fadeBorder ? Padding::Replicate : o.padding,
                           o.padFactor);
}

} // namespace

void CtfOptions::validate() const
{
    recon::requirePositiveParameter(betaDelta, "CTF β/δ", true);
    recon::requirePositiveParameter(alphaLow, "CTF low-frequency regularisation α");
    recon::requirePositiveParameter(alphaHigh, "CTF high-frequency regularisation α");
    recon::requirePositiveParameter(transitionWidth, "CTF transition width");
    recon::requirePositiveParameter(tau, "CTF discrepancy factor τ");
    requirePhaseSign(phaseSign);
    if (padding != Padding::Periodic || fadeBorder)
        recon::requirePositiveParameter(padFactor, "pad factor");
}

double ctfRegularisation(const CtfOptions& o, const Geometry& g, double frequency)
{
    const double xiC = firstMaximumFrequency(g);
    const double w = lowWeight((frequency - xiC) / (o.transitionWidth * xiC));
    return o.alphaLow * w + o.alphaHigh * (1.0 - w);
}

Ctf::Ctf(const Geometry& g, int width, int height, const CtfOptions& options)
    : m_geometry(g), m_options(options), m_layout(validatedLayout(g, width, height, options)),
      m_fft(m_layout.paddedHeight, m_layout.paddedWidth, options.fftPlanning)
{
    const int nx = m_layout.paddedWidth, ny = m_layout.paddedHeight;
    const int hx = m_fft.spectrumWidth();
    const std::size_t nHalf = std::size_t(hx) * ny;
    m_ctf.resize(nHalf);
    m_shape.resize(nHalf);
    m_spectrum.resize(nHalf);
    m_grid.resize(std::size_t(nx) * ny);

    // χ = πλD(ξx² + ξy²) is a sum, so sin χ and cos χ follow from per-axis values by the
    // addition theorems: exact in double, with no large-argument sin on the 2D grid.
    const double a = kPi * g.wavelengthM() * g.distanceM;
    std::vector<double> sx(hx), cx(hx), fx2(hx), sy(ny), cy(ny), fy2(ny);
    for (int k = 0; k < hx; ++k) {
        const double f = fftFrequency(k, nx, g.pixelSizeM);
        fx2[k] = f * f;
        sx[k] = std::sin(a * f * f);
        cx[k] = std::cos(a * f * f);
    }
    for (int k = 0; k < ny; ++k) {
        const double f = fftFrequency(k, ny, g.pixelSizeM);
        fy2[k] = f * f;
        sy[k] = std::sin(a * f * f);
        cy[k] = std::cos(a * f * f);
    }
    const double ratio = options.betaDelta;
    const double sign = -double(options.phaseSign);  // of sin χ in A
    const double xiC = firstMaximumFrequency(g);
    const double invWidth = 1.0 / (options.transitionWidth * xiC);
    const double ratioHigh = options.alphaHigh / options.alphaLow;
    float* ctf = m_ctf.data();
    float* shape = m_shape.data();
#pragma omp parallel for schedule(static) if (recon::parallelWorth(nHalf))
    for (int y = 0; y < ny; ++y) {
        for (int x = 0; x < hx; ++x) {
            const double sinChi = sx[x] * cy[y] + cx[x] * sy[y];
            const double cosChi = cx[x] * cy[y] - sx[x] * sy[y];
            const double A = -2.0 * (sign * sinChi + ratio * cosChi);
            const double w = lowWeight((std::sqrt(fx2[x] + fy2[y]) - xiC) * invWidth);
            ctf[std::size_t(y) * hx + x] = float(A);
            shape[std::size_t(y) * hx + x] = float(w + ratioHigh * (1.0 - w));
        }
    }
}

Reconstruction Ctf::reconstruct(const ImageF& hologram)
{
    recon::requireHologram(hologram, m_layout.width, m_layout.height, "CTF");
    // F[I − 1]: the background of a flat-field-corrected hologram is 1.
    if (m_options.fadeBorder)
        recon::hologramToGridFaded(hologram, m_layout, 1.0f, m_grid.data());
    else
        recon::hologramToGrid(hologram, m_layout, m_options.padding, 1.0f, m_grid.data());
    m_fft.forward(m_grid.data(), m_spectrum.data());
    chooseAlpha(hologram);
    Complex<float>* spec = m_spectrum.data();
    const float* A = m_ctf.data();
    const float* shape = m_shape.data();
    const float twoAlpha = float(2.0 * m_alpha.alphaLow);
    const float norm = float(1.0 / (double(m_layout.paddedWidth) * m_layout.paddedHeight));
    const std::ptrdiff_t n = std::ptrdiff_t(m_spectrum.size());
#pragma omp parallel for schedule(static) if (recon::parallelWorth(std::size_t(n)))
    for (std::ptrdiff_t i = 0; i < n; ++i)
        spec[i] *= norm * A[i] / (A[i] * A[i] + twoAlpha * shape[i]);
    // A is real and even in ξ and I real, so φ is real: the c2r transform gives it directly.
    m_fft.backward(m_spectrum.data(), m_grid.data());

    const int w = m_layout.width, h = m_layout.height;
    Reconstruction r{ImageF(w, h, kNoInit), ImageF(w, h, kNoInit)};
    recon::cropScaled(m_grid.data(), m_layout, 1.0f, r.phase);
    recon::cropScaled(m_grid.data(), m_layout, float(m_options.betaDelta), r.absorption);  // B = (β/δ) φ
    return r;
}

void Ctf::chooseAlpha(const ImageF& hologram)
{
    const CtfOptions& o = m_options;
    m_alpha = AlphaChoice{};
    m_alpha.rule = o.alphaRule;
    double low = o.alphaLow;
    if (o.alphaRule == AlphaRule::FieldOfView) {
        const int side = std::max(m_layout.width, m_layout.height);
        const double xi = 1.0 / (2.0 * side * m_geometry.pixelSizeM);
        const double chi = kPi * m_geometry.wavelengthM() * m_geometry.distanceM * xi * xi;
        const double A = -2.0 * (-o.phaseSign * std::sin(chi) + o.betaDelta * std::cos(chi));
        low = std::min(0.5 * A * A, o.alphaLow);  // alphaLow caps it (χ(ξ_f) ≳ 1: far field)
    } else if (o.alphaRule != AlphaRule::Manual) {
        if (o.alphaRule == AlphaRule::Discrepancy)
            m_alpha.noiseSigma = estimateNoiseSigma(hologram);
        low = chooseSpectralScale(o.alphaRule, m_ctf.data(), m_shape.data(),
                                  reinterpret_cast<const float*>(m_spectrum.data()),
                                  m_layout.paddedWidth, m_layout.paddedHeight, m_alpha.noiseSigma,
                                  o.tau, hologram.size(), m_alpha);
    }
    m_alpha.alphaLow = low;
    m_alpha.alphaHigh = low * o.alphaHigh / o.alphaLow;
    const double a0 = 2.0 * o.betaDelta;  // |A(0)|
    m_alpha.relativeToDenominator = a0 > 0 ? low / (0.5 * a0 * a0) : 0.0;
}

Reconstruction reconstructCtf(const ImageF& hologram, const Geometry& g, const CtfOptions& options)
{
    if (hologram.empty())
        throw InputError("CTF: the hologram is empty");
    Ctf ctf(g, hologram.width(), hologram.height(), options);
    return ctf.reconstruct(hologram);
}

} // namespace phaselab::core
