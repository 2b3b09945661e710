#include <phaselab/core/image.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace phaselab::core {

template <typename T>
ImageStats imageStats(const Image<T>& img)
{
    ImageStats s;
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    double sum = 0;
    std::size_t finite = 0;
    for (const T& v : img) {
        const double d = double(v);
        if (!std::isfinite(d)) {
            ++s.nonFinite;
            continue;
        }
        lo = std::min(lo, d);
        hi = std::max(hi, d);
        sum += d;
        ++finite;
    }
    if (finite > 0) {
        s.min = lo;
        s.max = hi;
        s.mean = sum / double(finite);
    }
    return s;
}

template <typename T>
void requireFinite(const Image<T>& img, const std::string& what)
{
    if constexpr (std::is_floating_point_v<T>) {
        std::size_t bad = 0;
        for (const T& v : img)
            bad += !std::isfinite(v);
        if (bad > 0)
            throw InputError(what + ": " + std::to_string(bad) + " non-finite (NaN/Inf) pixel" +
                             (bad == 1 ? "" : "s"));
    }
}

template ImageStats imageStats(const Image<float>&);
template ImageStats imageStats(const Image<double>&);
template ImageStats imageStats(const Image<std::uint8_t>&);
template ImageStats imageStats(const Image<std::uint16_t>&);
template void requireFinite(const Image<float>&, const std::string&);
template void requireFinite(const Image<double>&, const std::string&);

} // namespace phaselab::core
