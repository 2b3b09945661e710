#include <phaselab/core/ctf.h>

#include <phaselab/core/error.h>

#include "recon_common.h"

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
    return PadLayout::make(width, height, o.padding, o.padFactor);
}

} // namespace

void CtfOptions::validate() const
{
    recon::requirePositiveParameter(betaDelta, "CTF β/δ", true);
    recon::requirePositiveParameter(alphaLow, "CTF low-frequency regularisation α");
    recon::requirePositiveParameter(alphaHigh, "CTF high-frequency regularisation α");
    recon::requirePositiveParameter(transitionWidth, "CTF transition width");
    if (padding != Padding::Periodic)
        recon::requirePositiveParameter(padFactor, "pad factor");
}

double ctfRegularisation(const CtfOptions& o, const Geometry& g, double frequency)
{
    const double xiC = firstMaximumFrequency(g);
    const double w = lowWeight((frequency - xiC) / (o.transitionWidth * xiC));
    return o.alphaLow * w + o.alphaHigh * (1.0 - w);
}

Ctf::Ctf(const Geometry& g, int width, int height, const CtfOptions& options)
    : m_geometry(g), m_options(options),
      m_layout(validatedLayout(g, width, height, options)),
      m_fft(m_layout.paddedHeight, m_layout.paddedWidth, options.fftPlanning)
{
    const int nx = m_layout.paddedWidth, ny = m_layout.paddedHeight;
    const std::size_t n = std::size_t(nx) * ny;
    m_filter.resize(n);
    m_grid.resize(n);
    if (!m_layout.isIdentity())
        m_padded.resize(n);

    // χ = πλD(ξx² + ξy²) is a sum, so sin χ and cos χ follow from per-axis values by the
    // addition theorems: exact in double, with no large-argument sin on the 2D grid.
    const double a = kPi * g.wavelengthM() * g.distanceM;
    std::vector<double> sx(nx), cx(nx), fx2(nx), sy(ny), cy(ny), fy2(ny);
    for (int k = 0; k < nx; ++k) {
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
    const double xiC = firstMaximumFrequency(g);
    const double invWidth = 1.0 / (options.transitionWidth * xiC);
    const double aLow = options.alphaLow, aHigh = options.alphaHigh;
    const double norm = 1.0 / double(n);  // of the unnormalised inverse FFT
    float* filter = m_filter.data();
#pragma omp parallel for schedule(static) if (recon::parallelWorth(n))
    for (int y = 0; y < ny; ++y) {
        for (int x = 0; x < nx; ++x) {
            const double sinChi = sx[x] * cy[y] + cx[x] * sy[y];
            const double cosChi = cx[x] * cy[y] - sx[x] * sy[y];
            const double A = -2.0 * (sinChi + ratio * cosChi);
            const double w = lowWeight((std::sqrt(fx2[x] + fy2[y]) - xiC) * invWidth);
            const double alpha = aLow * w + aHigh * (1.0 - w);
            filter[std::size_t(y) * nx + x] = float(norm * A / (A * A + 2.0 * alpha));
        }
    }
}

Reconstruction Ctf::reconstruct(const ImageF& hologram)
{
    recon::requireHologram(hologram, m_layout.width, m_layout.height, "CTF");
    const std::size_t n = m_grid.size();
    // F[I − 1]: the background of a flat-field-corrected hologram is 1.
    recon::hologramToGrid(hologram, m_layout, m_options.padding, 1.0f, m_padded.data(),
                          m_grid.data());
    m_fft.forward(m_grid.data());
    Complex<float>* grid = m_grid.data();
    const float* filter = m_filter.data();
#pragma omp parallel for schedule(static) if (recon::parallelWorth(n))
    for (std::ptrdiff_t i = 0; i < std::ptrdiff_t(n); ++i)
        grid[i] *= filter[i];
    m_fft.backward(m_grid.data());

    // A is real and even in ξ and I real, so φ is the real part.
    const int w = m_layout.width, h = m_layout.height;
    const float ratio = float(m_options.betaDelta);
    Reconstruction r{ImageF(w, h, kNoInit), ImageF(w, h, kNoInit)};
#pragma omp parallel for schedule(static) if (recon::parallelWorth(std::size_t(w) * h))
    for (int y = 0; y < h; ++y) {
        const Complex<float>* src =
            grid + std::size_t(y + m_layout.offsetY) * m_layout.paddedWidth + m_layout.offsetX;
        float* phi = r.phase.row(y);
        float* B = r.absorption.row(y);
        for (int x = 0; x < w; ++x) {
            phi[x] = src[x].real();
            B[x] = ratio * phi[x];  // B = (β/δ) φ
        }
    }
    return r;
}

Reconstruction reconstructCtf(const ImageF& hologram, const Geometry& g, const CtfOptions& options)
{
    if (hologram.empty())
        throw InputError("CTF: the hologram is empty");
    Ctf ctf(g, hologram.width(), hologram.height(), options);
    return ctf.reconstruct(hologram);
}

} // namespace phaselab::core
