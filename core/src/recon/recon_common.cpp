#include "recon_common.h"

#include <phaselab/core/error.h>
#include <phaselab/core/units.h>

#include <cmath>

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
