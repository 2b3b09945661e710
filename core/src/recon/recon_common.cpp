#include "recon_common.h"

#include <phaselab/core/error.h>
#include <phaselab/core/units.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace phaselab::core::recon {

void hologramToGrid(const ImageF& hologram, const PadLayout& layout, Padding padding,
                    float subtract, float* grid)
{
    const std::ptrdiff_t n = std::ptrdiff_t(layout.paddedWidth) * layout.paddedHeight;
    if (layout.isIdentity()) {
        const float* src = hologram.data();
#pragma omp parallel for schedule(static) if (parallelWorth(std::size_t(n)))
        for (std::ptrdiff_t i = 0; i < n; ++i)
            grid[i] = src[i] - subtract;
        return;
    }
    if (padding == Padding::Replicate)
        padReplicate(hologram.data(), layout, grid);
    else
        padConstant(hologram.data(), layout, 1.0f, grid);
    if (subtract != 0.0f) {
#pragma omp parallel for schedule(static) if (parallelWorth(std::size_t(n)))
        for (std::ptrdiff_t i = 0; i < n; ++i)
            grid[i] -= subtract;
    }
}

namespace {

constexpr double kHalfPi = 1.57079632679489661923;
constexpr int kRampFraction = 4;  // ramp width = padding width / 4

// Weight at distance d ≥ 1 outside the window, for a ramp of `ramp` pixels: cos² down to 0.
float fadeWeight(int d, int ramp)
{
    if (d >= ramp)
        return 0.0f;
    const double c = std::cos(kHalfPi * double(d) / double(ramp));
    return float(c * c);
}

// Weight of grid index i on one axis: 1 in the window [o, o + n), falling as cos² to 0 over a
// quarter of the padding on each side (so a wide filter sees mostly the flat field).
std::vector<float> fadeWeights(int o, int n, int padded)
{
    std::vector<float> w(std::size_t(padded), 1.0f);
    const int rampLeft = std::max(1, o / kRampFraction);
    const int rampRight = std::max(1, (padded - o - n) / kRampFraction);
    for (int i = 0; i < o; ++i)
        w[std::size_t(i)] = fadeWeight(o - i, rampLeft);
    for (int i = o + n; i < padded; ++i)
        w[std::size_t(i)] = fadeWeight(i - o - n + 1, rampRight);
    return w;
}

} // namespace

void hologramToGridFaded(const ImageF& hologram, const PadLayout& layout, float subtract,
                         float* grid)
{
    padReplicate(hologram.data(), layout, grid);
    const std::vector<float> wx = fadeWeights(layout.offsetX, layout.width, layout.paddedWidth);
    const std::vector<float> wy = fadeWeights(layout.offsetY, layout.height, layout.paddedHeight);
    const int nx = layout.paddedWidth, ny = layout.paddedHeight;
#pragma omp parallel for schedule(static) if (parallelWorth(std::size_t(nx) * ny))
    for (int y = 0; y < ny; ++y) {
        float* row = grid + std::size_t(y) * nx;
        for (int x = 0; x < nx; ++x)
            row[x] = wy[std::size_t(y)] * wx[std::size_t(x)] * (row[x] - 1.0f) + 1.0f - subtract;
    }
}

void cropScaled(const float* grid, const PadLayout& layout, float scale, ImageF& out)
{
    const int w = layout.width, h = layout.height;
#pragma omp parallel for schedule(static) if (parallelWorth(std::size_t(w) * h))
    for (int y = 0; y < h; ++y) {
        const float* src = grid + std::size_t(y + layout.offsetY) * layout.paddedWidth + layout.offsetX;
        float* dst = out.row(y);
        for (int x = 0; x < w; ++x)
            dst[x] = scale * src[x];
    }
}

void requireHologram(const ImageF& hologram, int width, int height, const std::string& method)
{
    if (hologram.empty())
        throw InputError(method + ": the hologram is empty");
    if (hologram.width() != width || hologram.height() != height)
        throw InputError(method + ": the hologram is " + std::to_string(hologram.width()) + "×" +
                         std::to_string(hologram.height()) + ", expected " +
                         std::to_string(width) + "×" + std::to_string(height));
    requireFinite(hologram, method + ": hologram");
}

void requirePositiveParameter(double v, const std::string& name, bool allowZero)
{
    if (!std::isfinite(v) || v < 0 || (!allowZero && v == 0))
        throw InputError(name + " must be a finite number " + (allowZero ? "≥ 0" : "> 0") +
                         ", got " + formatNumber(v, 6));
}

} // namespace phaselab::core::recon
