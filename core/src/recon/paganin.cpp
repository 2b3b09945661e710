#include <phaselab/core/paganin.h>

#include <phaselab/core/error.h>

#include "recon_common.h"

#include <algorithm>
#include <cmath>

namespace phaselab::core {

namespace {

constexpr double kPi = 3.14159265358979323846;
// Floor of the filtered intensity before the logarithm: B = −½ ln(v) stays below ~8.
constexpr float kMinTransmission = 1e-7f;

PadLayout validatedLayout(const Geometry& g, int width, int height, const PaganinOptions& o)
{
    g.validate();
    o.validate();
    return PadLayout::make(width, height, o.fadeBorder ? Padding::Replicate : o.padding,
                           o.padFactor);
}

} // namespace

void PaganinOptions::validate() const
{
    recon::requirePositiveParameter(deltaBeta, "Paganin δ/β");
    if (padding != Padding::Periodic || fadeBorder)
        recon::requirePositiveParameter(padFactor, "pad factor");
}

Paganin::Paganin(const Geometry& g, int width, int height, const PaganinOptions& options)
    : m_geometry(g), m_options(options), m_layout(validatedLayout(g, width, height, options)),
      m_fft(m_layout.paddedHeight, m_layout.paddedWidth, options.fftPlanning)
{
    const int nx = m_layout.paddedWidth, ny = m_layout.paddedHeight;
    const int hx = m_fft.spectrumWidth();
    m_spectrum.resize(std::size_t(hx) * ny);
    m_grid.resize(std::size_t(nx) * ny);
    // 1 + πλD(δ/β)|ξ|² = ty[ky] + tx[kx]
    const double a = kPi * g.wavelengthM() * g.distanceM * options.deltaBeta;
    m_filterX.resize(std::size_t(hx));
    m_filterY.resize(std::size_t(ny));
    for (int k = 0; k < hx; ++k) {
        const double f = fftFrequency(k, nx, g.pixelSizeM);
        m_filterX[std::size_t(k)] = float(a * f * f);
    }
    for (int k = 0; k < ny; ++k) {
        const double f = fftFrequency(k, ny, g.pixelSizeM);
        m_filterY[std::size_t(k)] = float(1.0 + a * f * f);
    }
}

Reconstruction Paganin::reconstruct(const ImageF& hologram)
{
    recon::requireHologram(hologram, m_layout.width, m_layout.height, "Paganin");
    const int nx = m_layout.paddedWidth, ny = m_layout.paddedHeight;
    const int hx = m_fft.spectrumWidth();
    if (m_options.fadeBorder)
        recon::hologramToGridFaded(hologram, m_layout, 0.0f, m_grid.data());
    else
        recon::hologramToGrid(hologram, m_layout, m_options.padding, 0.0f, m_grid.data());
    m_fft.forward(m_grid.data(), m_spectrum.data());
    Complex<float>* spec = m_spectrum.data();
    const float* tx = m_filterX.data();
    const float* ty = m_filterY.data();
    const float norm = float(1.0 / (double(nx) * double(ny)));
#pragma omp parallel for schedule(static) if (recon::parallelWorth(m_spectrum.size()))
    for (int y = 0; y < ny; ++y) {
        Complex<float>* row = spec + std::size_t(y) * hx;
        const float t = ty[y];
        for (int x = 0; x < hx; ++x)
            row[x] *= norm / (t + tx[x]);
    }
    m_fft.backward(m_spectrum.data(), m_grid.data());

    const int w = m_layout.width, h = m_layout.height;
    const float half = 0.5f;
    const float deltaBeta = float(m_options.deltaBeta);
    const float* grid = m_grid.data();
    Reconstruction r{ImageF(w, h, kNoInit), ImageF(w, h, kNoInit)};
#pragma omp parallel for schedule(static) if (recon::parallelWorth(std::size_t(w) * h))
    for (int y = 0; y < h; ++y) {
        const float* src =
            grid + std::size_t(y + m_layout.offsetY) * m_layout.paddedWidth + m_layout.offsetX;
        float* B = r.absorption.row(y);
        float* phi = r.phase.row(y);
        for (int x = 0; x < w; ++x) {
            // exp(−2B) = the filtered intensity; φ = (δ/β) B (physics.md §4).
            B[x] = -half * std::log(std::max(src[x], kMinTransmission));
            phi[x] = deltaBeta * B[x];
        }
    }
    return r;
}

Reconstruction reconstructPaganin(const ImageF& hologram, const Geometry& g,
                                  const PaganinOptions& options)
{
    if (hologram.empty())
        throw InputError("Paganin: the hologram is empty");
    Paganin p(g, hologram.width(), hologram.height(), options);
    return p.reconstruct(hologram);
}

} // namespace phaselab::core
