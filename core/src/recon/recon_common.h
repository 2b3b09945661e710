#pragma once
// Helpers shared by the direct (CTF, Paganin) and iterative (IRGN) reconstructions.

#include <phaselab/core/fft.h>
#include <phaselab/core/image.h>
#include <phaselab/core/padding.h>

#include <cmath>
#include <cstddef>
#include <string>

namespace phaselab::core::recon {

/// Whether a loop over n values is worth splitting across threads.
inline bool parallelWorth(std::size_t n)
{
    return n > 32768;
}

/// grid ← pad(I) − subtract on the paddedWidth × paddedHeight grid. Periodic: the grid is the
/// image; Replicate: edge values; Unit: the flat field I = 1 outside the image.
void hologramToGrid(const ImageF& hologram, const PadLayout& layout, Padding padding,
                    float subtract, float* grid);

/// grid ← fade(I) − subtract: the image in its window, and outside it the edge values
/// (replicate) blended into the flat field 1 by a cos² ramp over a quarter of the padding on
/// each side, so the periodic grid has no step anywhere and no offset fills the padding to
/// spread into the low frequencies. `layout` is any non-identity layout (made with Padding::Replicate).
void hologramToGridFaded(const ImageF& hologram, const PadLayout& layout, float subtract,
                         float* grid);

/// out ← the image window of a real grid, times `scale`.
void cropScaled(const float* grid, const PadLayout& layout, float scale, ImageF& out);

/// Golden-section search for the minimum of a unimodal `f` in [lo, hi]: stops once the bracket
/// is narrower than `tolerance` or after `maxSteps` steps; `onStep(k, steps)` runs after each
/// (progress, cancellation). Returns the better of the two inner points.
template <typename F, typename OnStep>
double goldenSectionMinimum(F&& f, double lo, double hi, double tolerance, int maxSteps,
                            OnStep&& onStep)
{
    const double g = 0.5 * (std::sqrt(5.0) - 1.0);
    double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
    double f1 = f(x1), f2 = f(x2);
    for (int k = 0; k < maxSteps && hi - lo > tolerance; ++k) {
        if (f1 <= f2) {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - g * (hi - lo);
            f1 = f(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + g * (hi - lo);
            f2 = f(x2);
        }
        onStep(k + 1, maxSteps);
    }
    return f1 <= f2 ? x1 : x2;
}

/// Throws InputError unless the hologram is non-empty, finite and of the expected shape.
void requireHologram(const ImageF& hologram, int width, int height, const std::string& method);

/// Throws InputError("<name> must be …") unless v is finite and > 0 (or ≥ 0 when allowZero).
void requirePositiveParameter(double v, const std::string& name, bool allowZero = false);

} // namespace phaselab::core::recon
