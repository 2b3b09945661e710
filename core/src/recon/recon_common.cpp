#include "recon_common.h"

#include <phaselab/core/error.h>
#include <phaselab/core/units.h>

#include <cmath>

namespace phaselab::core::recon {

void hologramToGrid(const ImageF& hologram, const PadLayout& layout, Padding padding,
                    float subtract, float* scratch, Complex<float>* grid)
{
    const float* src = hologram.data();
    if (!layout.isIdentity()) {
        if (padding == Padding::Replicate)
            padReplicate(hologram.data(), layout, scratch);
        else
            padConstant(hologram.data(), layout, 1.0f, scratch);
        src = scratch;
    }
    const std::ptrdiff_t n = std::ptrdiff_t(layout.paddedWidth) * layout.paddedHeight;
#pragma omp parallel for schedule(static) if (parallelWorth(std::size_t(n)))
    for (std::ptrdiff_t i = 0; i < n; ++i)
        grid[i] = Complex<float>(src[i] - subtract, 0.0f);
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
