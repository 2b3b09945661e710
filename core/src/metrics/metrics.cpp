// NMSE, NE and RSD (physics.md §6) and the evaluation of a reconstruction against its reference.
#include <phaselab/core/metrics.h>

#include <phaselab/core/error.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace phaselab::core {

template <typename T>
double nmsePercent(const Image<T>& reconstruction, const Image<T>& reference)
{
    requireSameShape(reconstruction, reference, "NMSE");
    if (reference.empty())
        throw InputError("NMSE: images are empty");
    requireFinite(reconstruction, "NMSE: reconstruction");
    requireFinite(reference, "NMSE: reference");
    double num = 0, den = 0;
    for (std::size_t i = 0; i < reference.size(); ++i) {
        const double r = double(reference[i]);
        const double d = double(reconstruction[i]) - r;
        num += d * d;
        den += r * r;
    }
    if (!(den > 0))
        throw InputError("NMSE: reference is zero everywhere");
    return 100.0 * num / den;
}

template <typename T>
double nmsePercentWithoutMean(const Image<T>& reconstruction, const Image<T>& reference)
{
    nmsePercent(reconstruction, reference);  // the same checks
    auto mean = [](const Image<T>& img) {
        double s = 0;
        for (const T& v : img)
            s += double(v);
        return s / double(img.size());
    };
    const double mx = mean(reconstruction), mr = mean(reference);
    double num = 0, den = 0;
    for (std::size_t i = 0; i < reference.size(); ++i) {
        const double r = double(reference[i]) - mr;
        const double d = double(reconstruction[i]) - mx - r;
        num += d * d;
        den += r * r;
    }
    if (!(den > 0))
        throw InputError("NMSE without the mean: the reference is constant");
    return 100.0 * num / den;
}

template <typename T>
Evaluation evaluateReconstruction(const Image<T>& reconstruction, const Image<T>& reference,
                                  double pixelSizeM, const FrcOptions& options, bool removeMean)
{
    Evaluation e;
    e.meanRemoved = removeMean;
    e.nmsePercent = removeMean ? nmsePercentWithoutMean(reconstruction, reference)
                               : nmsePercent(reconstruction, reference);
    e.frc = fourierRingCorrelation(reconstruction, reference, pixelSizeM, options);
    return e;
}

template <typename T>
RegionStats regionStats(const Image<T>& image, const Image<std::uint8_t>& mask, double expectedValue)
{
    requireSameShape(image, mask, "region statistics: image and mask");
    if (!std::isfinite(expectedValue) || expectedValue == 0)
        throw InputError("region statistics: expected value must be finite and non-zero");
    RegionStats s;
    s.expected = expectedValue;
    double sum = 0;
    for (std::size_t i = 0; i < image.size(); ++i) {
        if (!mask[i])
            continue;
        const double v = double(image[i]);
        if (!std::isfinite(v))
            throw InputError("region statistics: non-finite pixel inside the region");
        sum += v;
        ++s.count;
    }
    if (s.count < 2)
        throw InputError("region statistics: the region holds " + std::to_string(s.count) +
                         " pixels (need at least 2)");
    s.mean = sum / double(s.count);
    double ss = 0;
    for (std::size_t i = 0; i < image.size(); ++i)
        if (mask[i]) {
            const double d = double(image[i]) - s.mean;
            ss += d * d;
        }
    s.stdDev = std::sqrt(ss / double(s.count - 1));
    if (s.mean == 0)
        throw InputError("region statistics: region mean is zero (RSD undefined)");
    s.nePercent = 100.0 * (expectedValue - s.mean) / expectedValue;
    s.rsdPercent = 100.0 * s.stdDev / s.mean;
    return s;
}

Image<std::uint8_t> rectangleMask(int width, int height, int x0, int y0, int x1, int y1)
{
    Image<std::uint8_t> m(width, height, 0);
    const int xa = std::clamp(std::min(x0, x1), 0, width), xb = std::clamp(std::max(x0, x1), 0, width);
    const int ya = std::clamp(std::min(y0, y1), 0, height),
              yb = std::clamp(std::max(y0, y1), 0, height);
    for (int y = ya; y < yb; ++y)
        for (int x = xa; x < xb; ++x)
            m(x, y) = 1;
    return m;
}

template double nmsePercent(const Image<float>&, const Image<float>&);
template double nmsePercent(const Image<double>&, const Image<double>&);
template Evaluation evaluateReconstruction(const Image<float>&, const Image<float>&, double,
                                           const FrcOptions&, bool);
template Evaluation evaluateReconstruction(const Image<double>&, const Image<double>&, double,
                                           const FrcOptions&, bool);
template double nmsePercentWithoutMean(const Image<float>&, const Image<float>&);
template double nmsePercentWithoutMean(const Image<double>&, const Image<double>&);
template RegionStats regionStats(const Image<float>&, const Image<std::uint8_t>&, double);
template RegionStats regionStats(const Image<double>&, const Image<std::uint8_t>&, double);

} // namespace phaselab::core
