#include <phaselab/core/padding.h>

#include <phaselab/core/error.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>

namespace phaselab::core {

std::string toString(Padding mode)
{
    switch (mode) {
    case Padding::Periodic: return "periodic";
    case Padding::Replicate: return "replicate";
    case Padding::Unit: return "unit";
    }
    return "?";
}

Padding parsePadding(const std::string& text)
{
    if (text == "periodic")
        return Padding::Periodic;
    if (text == "replicate")
        return Padding::Replicate;
    if (text == "unit")
        return Padding::Unit;
    throw InputError("padding '" + text + "' is not one of periodic, replicate, unit");
}

int fftFriendlySize(int n)
{
    if (n <= 1)
        return 1;
    for (int m = n;; ++m) {
        int r = m;
        for (int p : {2, 3, 5, 7})
            while (r % p == 0)
                r /= p;
        if (r == 1)
            return m;
    }
}

PadLayout PadLayout::make(int width, int height, Padding mode, double padFactor)
{
    if (width <= 0 || height <= 0)
        throw InputError("image size " + std::to_string(width) + "×" + std::to_string(height) +
                         " is empty");
    PadLayout l;
    l.width = l.paddedWidth = width;
    l.height = l.paddedHeight = height;
    if (mode == Padding::Periodic)
        return l;
    if (!(padFactor >= 1.0) || !std::isfinite(padFactor) || padFactor > 16.0)
        throw InputError("pad factor must be between 1 and 16, got " + std::to_string(padFactor));
    l.paddedWidth = fftFriendlySize(int(std::ceil(padFactor * width)));
    l.paddedHeight = fftFriendlySize(int(std::ceil(padFactor * height)));
    l.offsetX = (l.paddedWidth - width) / 2;
    l.offsetY = (l.paddedHeight - height) / 2;
    return l;
}

namespace {

inline int clampIndex(int i, int n)
{
    return i < 0 ? 0 : (i >= n ? n - 1 : i);
}

} // namespace

template <typename T>
void padReplicate(const T* image, const PadLayout& l, T* padded)
{
#pragma omp parallel for if (std::size_t(l.paddedWidth) * l.paddedHeight > 65536)
    for (int Y = 0; Y < l.paddedHeight; ++Y) {
        const T* src = image + std::size_t(clampIndex(Y - l.offsetY, l.height)) * l.width;
        T* dst = padded + std::size_t(Y) * l.paddedWidth;
        const T left = src[0], right = src[l.width - 1];
        std::fill(dst, dst + l.offsetX, left);
        std::copy(src, src + l.width, dst + l.offsetX);
        std::fill(dst + l.offsetX + l.width, dst + l.paddedWidth, right);
    }
}

template <typename T>
void padReplicateAdjoint(const T* padded, const PadLayout& l, T* image)
{
    // Each image row y gathers the grid rows that replicate it: y itself, plus all rows above
    // the window for y = 0 and all rows below for y = height − 1. Rows are independent.
#pragma omp parallel for if (std::size_t(l.paddedWidth) * l.paddedHeight > 65536)
    for (int y = 0; y < l.height; ++y) {
        T* dst = image + std::size_t(y) * l.width;
        std::fill(dst, dst + l.width, T(0));
        const int Y0 = (y == 0) ? 0 : y + l.offsetY;
        const int Y1 = (y == l.height - 1) ? l.paddedHeight : y + l.offsetY + 1;
        for (int Y = Y0; Y < Y1; ++Y) {
            const T* src = padded + std::size_t(Y) * l.paddedWidth;
            T left(0), right(0);
            for (int X = 0; X < l.offsetX; ++X)
                left += src[X];
            for (int X = l.offsetX + l.width; X < l.paddedWidth; ++X)
                right += src[X];
            const T* win = src + l.offsetX;
            for (int x = 0; x < l.width; ++x)
                dst[x] += win[x];
            dst[0] += left;
            dst[l.width - 1] += right;
        }
    }
}

template <typename T>
void padConstant(const T* image, const PadLayout& l, T value, T* padded)
{
#pragma omp parallel for if (std::size_t(l.paddedWidth) * l.paddedHeight > 65536)
    for (int Y = 0; Y < l.paddedHeight; ++Y) {
        T* dst = padded + std::size_t(Y) * l.paddedWidth;
        const int y = Y - l.offsetY;
        if (y < 0 || y >= l.height) {
            std::fill(dst, dst + l.paddedWidth, value);
            continue;
        }
        const T* src = image + std::size_t(y) * l.width;
        std::fill(dst, dst + l.offsetX, value);
        std::copy(src, src + l.width, dst + l.offsetX);
        std::fill(dst + l.offsetX + l.width, dst + l.paddedWidth, value);
    }
}

template <typename T>
void crop(const T* padded, const PadLayout& l, T* image)
{
#pragma omp parallel for if (std::size_t(l.width) * l.height > 65536)
    for (int y = 0; y < l.height; ++y) {
        const T* src = padded + std::size_t(y + l.offsetY) * l.paddedWidth + l.offsetX;
        std::copy(src, src + l.width, image + std::size_t(y) * l.width);
    }
}

#define PHASELAB_PADDING_INSTANTIATE(T)                                                           \
    template void padReplicate<T>(const T*, const PadLayout&, T*);                              \
    template void padReplicateAdjoint<T>(const T*, const PadLayout&, T*);                       \
    template void padConstant<T>(const T*, const PadLayout&, T, T*);                            \
    template void crop<T>(const T*, const PadLayout&, T*);

PHASELAB_PADDING_INSTANTIATE(float)
PHASELAB_PADDING_INSTANTIATE(double)
PHASELAB_PADDING_INSTANTIATE(std::complex<float>)
PHASELAB_PADDING_INSTANTIATE(std::complex<double>)

} // namespace phaselab::core
