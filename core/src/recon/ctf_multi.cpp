#include <phaselab/core/ctf_multi.h>

#include <phaselab/core/error.h>
#include <phaselab/core/fft.h>
#include <phaselab/core/fresnel.h>

#include "recon_common.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace phaselab::core {

namespace {

constexpr double kPi = 3.14159265358979323846;

double ctfValue(const Geometry& g, double f2, double ratio, int phaseSign)
{
    const double chi = kPi * g.wavelengthM() * g.distanceM * f2;
    return -2.0 * (-phaseSign * std::sin(chi) + ratio * std::cos(chi));
}

void checkInputs(const std::vector<ImageF>& holograms, const std::vector<Geometry>& geometries)
{
    if (holograms.empty())
        throw InputError("multi-distance CTF: no hologram");
    if (holograms.size() != geometries.size())
        throw InputError("multi-distance CTF: " + std::to_string(holograms.size()) +
                         " holograms but " + std::to_string(geometries.size()) + " geometries");
    for (std::size_t d = 0; d < holograms.size(); ++d) {
        geometries[d].validate();
        recon::requireHologram(holograms[d], holograms[0].width(), holograms[0].height(),
                               "multi-distance CTF, distance " + std::to_string(d + 1));
        if (geometries[d].energyKeV != geometries[0].energyKeV ||
            geometries[d].pixelSizeM != geometries[0].pixelSizeM)
            throw InputError("multi-distance CTF: the holograms must share energy and (effective) "
                             "pixel size; register them first");
    }
}

} // namespace

Reconstruction reconstructCtfMultiDistance(const std::vector<ImageF>& holograms,
                                           const std::vector<Geometry>& geometries,
                                           const CtfOptions& options, double* chosenAlpha)
{
    checkInputs(holograms, geometries);
    options.validate();
    if (options.alphaRule != AlphaRule::Manual && options.alphaRule != AlphaRule::FieldOfView)
        throw InputError("multi-distance CTF: α rule " + toString(options.alphaRule) +
                         " is not supported (fov or manual)");
    const int w = holograms[0].width(), h = holograms[0].height();
    const PadLayout layout = PadLayout::make(
        w, h, options.fadeBorder ? Padding::Replicate : options.padding, options.padFactor);
    const int nx = layout.paddedWidth, ny = layout.paddedHeight;
    RealFft2D<float> fft(ny, nx, options.fftPlanning);
    const int hx = fft.spectrumWidth();
    const std::size_t nHalf = std::size_t(hx) * ny;
    AlignedBuffer<float> grid(std::size_t(nx) * ny);
    AlignedBuffer<Complex<float>> spectrum(nHalf), numerator(nHalf);
    std::vector<double> denominator(nHalf, 0.0);
    std::fill(numerator.data(), numerator.data() + nHalf, Complex<float>(0, 0));

    const double px = geometries[0].pixelSizeM;
    std::vector<double> freqX2(static_cast<std::size_t>(hx)), freqY2(static_cast<std::size_t>(ny));
    for (int k = 0; k < hx; ++k)
        freqX2[std::size_t(k)] = std::pow(fftFrequency(k, nx, px), 2);
    for (int k = 0; k < ny; ++k)
        freqY2[std::size_t(k)] = std::pow(fftFrequency(k, ny, px), 2);

    double alpha = options.alphaLow;
    if (options.alphaRule == AlphaRule::FieldOfView) {
        const double xi = 1.0 / (2.0 * std::max(w, h) * px);
        // Each distance's own fov α is A_d(ξ_f)²/2; the sum over distances of the smallest
        // keeps the nearest distance's low frequencies, which are the least distorted.
        double smallest = std::numeric_limits<double>::infinity();
        for (const Geometry& g : geometries)
            smallest = std::min(smallest,
                                std::pow(ctfValue(g, xi * xi, options.betaDelta, options.phaseSign), 2));
        alpha = std::min(0.5 * smallest * double(geometries.size()), options.alphaLow);
    }

    for (std::size_t d = 0; d < holograms.size(); ++d) {
        if (options.fadeBorder)
            recon::hologramToGridFaded(holograms[d], layout, 1.0f, grid.data());
        else
            recon::hologramToGrid(holograms[d], layout, options.padding, 1.0f, grid.data());
        fft.forward(grid.data(), spectrum.data());
#pragma omp parallel for schedule(static) if (recon::parallelWorth(nHalf))
        for (int y = 0; y < ny; ++y)
            for (int x = 0; x < hx; ++x) {
                const std::size_t i = std::size_t(y) * hx + x;
                const double A = ctfValue(geometries[d], freqX2[std::size_t(x)] + freqY2[std::size_t(y)],
                                          options.betaDelta, options.phaseSign);
                numerator[i] += float(A) * spectrum[i];
                denominator[i] += A * A;
            }
    }
    const float norm = float(1.0 / (double(nx) * double(ny)));
#pragma omp parallel for schedule(static) if (recon::parallelWorth(nHalf))
    for (std::ptrdiff_t i = 0; i < std::ptrdiff_t(nHalf); ++i)
        spectrum[std::size_t(i)] =
            numerator[std::size_t(i)] * (norm / float(denominator[std::size_t(i)] + 2.0 * alpha));
    fft.backward(spectrum.data(), grid.data());
    Reconstruction r{ImageF(w, h, kNoInit), ImageF(w, h, kNoInit)};
    recon::cropScaled(grid.data(), layout, 1.0f, r.phase);
    recon::cropScaled(grid.data(), layout, float(options.betaDelta), r.absorption);
    if (chosenAlpha)
        *chosenAlpha = alpha;
    return r;
}

} // namespace phaselab::core
