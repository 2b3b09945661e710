// Fourier ring correlation, its thresholds, the resolution at the first crossing and FRCM
// (physics.md §6).
#include <phaselab/core/metrics.h>

#include <phaselab/core/error.h>
#include <phaselab/core/fft.h>
#include <phaselab/core/parallel.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace phaselab::core {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Window weights w(x) for x = 0 … n − 1.
std::vector<double> windowWeights(FrcWindow window, int n)
{
    std::vector<double> w(std::size_t(n), 1.0);
    if (window == FrcWindow::Hann)
        for (int x = 0; x < n; ++x) {
            const double s = std::sin(kPi * (x + 0.5) / n);
            w[std::size_t(x)] = s * s;
        }
    return w;
}

// Signed frequency index of FFT bin i on an n-point grid (the centred grid's coordinate).
inline int signedIndex(int i, int n) { return i < n / 2 ? i : i - n; }

} // namespace

FrcThreshold parseFrcThreshold(const std::string& text)
{
    if (text == "2sigma")
        return FrcThreshold::TwoSigma;
    if (text == "halfbit")
        return FrcThreshold::HalfBit;
    if (text == "seventh")
        return FrcThreshold::OneSeventh;
    throw InputError("FRC threshold: unknown \"" + text + "\" (2sigma, halfbit or seventh)");
}

std::string frcThresholdName(FrcThreshold threshold)
{
    switch (threshold) {
    case FrcThreshold::TwoSigma:
        return "2sigma";
    case FrcThreshold::HalfBit:
        return "halfbit";
    case FrcThreshold::OneSeventh:
        return "seventh";
    }
    return "2sigma";
}

double frcThresholdValue(FrcThreshold threshold, std::size_t ringCount)
{
    const double n = double(std::max<std::size_t>(ringCount, 1));
    switch (threshold) {
    case FrcThreshold::TwoSigma:
        // physics.md §6: n_r/2 independent values in a ring of a real image's spectrum.
        return 2.0 / std::sqrt(n / 2.0);
    case FrcThreshold::HalfBit: {
        // van Heel & Schatz, J. Struct. Biol. 151 (2005) 250, Eq. (17), with n the ring's pixels.
        const double s = std::sqrt(n);
        return (0.2071 + 1.9102 / s) / (1.2071 + 0.9102 / s);
    }
    case FrcThreshold::OneSeventh:
        return 1.0 / 7.0;
    }
    return 1.0;
}

FrcCrossing findFrcCrossing(const std::vector<double>& value, const std::vector<double>& threshold,
                            double nyquistRing)
{
    const std::size_t rings = std::min(value.size(), threshold.size());
    std::size_t first = 1;
    while (first < rings && !(threshold[first] < 1.0))
        ++first;
    for (std::size_t r = first; r < rings; ++r) {
        const double d = value[r] - threshold[r];
        if (!(d < 0))
            continue;
        FrcCrossing c;
        c.crossed = true;
        c.ring = double(r);
        // Interpolate against the ring before when it was at or above its threshold; ring 0
        // (the mean alone) never serves as an end point.
        if (r >= 2) {
            const double dPrev = value[r - 1] - threshold[r - 1];
            if (dPrev >= 0)
                c.ring = double(r - 1) + dPrev / (dPrev - d);
        }
        return c;
    }
    return {false, nyquistRing};
}

FrcRule parseFrcRule(const std::string& text)
{
    if (text == "first")
        return FrcRule::FirstCrossing;
    if (text == "sustained")
        return FrcRule::Sustained;
    throw InputError("FRC rule '" + text + "' is not one of first, sustained");
}

std::string toString(FrcRule rule)
{
    return rule == FrcRule::Sustained ? "sustained" : "first";
}

int frcSustainedRun(std::size_t rings)
{
    return std::max(3, int((rings + 19) / 20));
}

FrcCrossing findSustainedFrcCrossing(const std::vector<double>& value,
                                     const std::vector<double>& threshold, double nyquistRing,
                                     int run)
{
    const std::size_t rings = std::min(value.size(), threshold.size());
    std::size_t first = 1;
    while (first < rings && !(threshold[first] < 1.0))
        ++first;
    for (std::size_t r = first; r < rings; ++r) {
        const std::size_t end = std::min(rings, r + std::size_t(std::max(run, 1)));
        bool below = true;
        for (std::size_t q = r; q < end && below; ++q)
            below = value[q] - threshold[q] < 0;
        if (!below)
            continue;
        // The run starts here: the plain rule on the curve from ring r − 1 on interpolates.
        std::vector<double> v(value.begin(), value.begin() + std::ptrdiff_t(rings));
        std::vector<double> t(threshold.begin(), threshold.begin() + std::ptrdiff_t(rings));
        for (std::size_t q = 0; q + 1 < r; ++q)
            v[q] = std::max(v[q], t[q]);  // earlier dips do not count
        return findFrcCrossing(v, t, nyquistRing);
    }
    return {false, nyquistRing};
}

int frcRing(int i, int j, int n)
{
    const int ky = signedIndex(i, n), kx = signedIndex(j, n);
    // r = round(|k|); |k| is never a half-integer for integer kx, ky.
    return int(std::lround(std::sqrt(double(kx) * kx + double(ky) * ky)));
}

std::vector<int> frcRingMap(int n)
{
    std::vector<int> map(std::size_t(n) * std::size_t(n));
    const int rings = n / 2;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const int r = frcRing(i, j, n);
            map[std::size_t(i) * n + j] = r < rings ? r : -1;
        }
    return map;
}

template <typename T>
FrcResult fourierRingCorrelation(const Image<T>& a, const Image<T>& b, double pixelSizeM,
                                 const FrcOptions& options)
{
    if (!std::isfinite(pixelSizeM) || pixelSizeM <= 0)
        throw InputError("FRC: pixel size must be finite and positive");
    requireSameShape(a, b, "FRC");
    requireFinite(a, "FRC: first image");
    requireFinite(b, "FRC: second image");

    FrcResult res;
    res.inputWidth = a.width();
    res.inputHeight = a.height();
    const int n = std::min(a.width(), a.height()) & ~1;
    if (n < 8)
        throw InputError("FRC: images of " + std::to_string(a.width()) + "×" +
                         std::to_string(a.height()) +
                         " pixels are too small (need an even square of at least 8×8)");
    res.size = n;
    res.cropX = (a.width() - n) / 2;
    res.cropY = (a.height() - n) / 2;
    res.cropped = a.width() != n || a.height() != n;
    res.pixelSizeM = pixelSizeM;
    res.thresholdKind = options.threshold;
    res.window = options.window;

    const std::vector<double> w = windowWeights(options.window, n);
    const int threads = threadCount();

    // Both real images in one complex FFT: z = a + i b, then A(k) = (Z(k) + conj Z(−k)) / 2 and
    // B(k) = (Z(k) − conj Z(−k)) / (2i).
    const std::size_t nn = std::size_t(n) * std::size_t(n);
    AlignedBuffer<Complex<double>> z(nn);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int y = 0; y < n; ++y) {
        const T* ra = a.row(y + res.cropY) + res.cropX;
        const T* rb = b.row(y + res.cropY) + res.cropX;
        Complex<double>* rz = z.data() + std::size_t(y) * n;
        for (int x = 0; x < n; ++x) {
            const double wx = w[std::size_t(x)] * w[std::size_t(y)];
            rz[x] = Complex<double>(wx * double(ra[x]), wx * double(rb[x]));
        }
    }
    Fft2D<double> fft(n, n);
    fft.forward(z.data());

    const int rings = n / 2;
    std::vector<double> cross(std::size_t(rings), 0.0), powA(std::size_t(rings), 0.0),
        powB(std::size_t(rings), 0.0);
    std::vector<std::size_t> count(std::size_t(rings), 0);
    double totalA = 0, totalB = 0;
#pragma omp parallel num_threads(threads)
    {
        std::vector<double> c(std::size_t(rings), 0.0), pa(std::size_t(rings), 0.0),
            pb(std::size_t(rings), 0.0);
        std::vector<std::size_t> cnt(std::size_t(rings), 0);
        double ta = 0, tb = 0;
#pragma omp for schedule(static) nowait
        for (int i = 0; i < n; ++i) {
            const Complex<double>* row = z.data() + std::size_t(i) * n;
            const Complex<double>* mrow = z.data() + std::size_t((n - i) % n) * n;
            for (int j = 0; j < n; ++j) {
                const Complex<double> zk = row[j];
                const Complex<double> zm = std::conj(mrow[(n - j) % n]);
                const Complex<double> A = 0.5 * (zk + zm);
                const Complex<double> B = Complex<double>(0, -0.5) * (zk - zm);
                const double aa = std::norm(A), bb = std::norm(B);
                ta += aa;
                tb += bb;
                const int r = frcRing(i, j, n);
                if (r >= rings)
                    continue;
                c[std::size_t(r)] += A.real() * B.real() + A.imag() * B.imag();
                pa[std::size_t(r)] += aa;
                pb[std::size_t(r)] += bb;
                ++cnt[std::size_t(r)];
            }
        }
#pragma omp critical(phaselab_frc_reduce)
        {
            for (int r = 0; r < rings; ++r) {
                cross[std::size_t(r)] += c[std::size_t(r)];
                powA[std::size_t(r)] += pa[std::size_t(r)];
                powB[std::size_t(r)] += pb[std::size_t(r)];
                count[std::size_t(r)] += cnt[std::size_t(r)];
            }
            totalA += ta;
            totalB += tb;
        }
    }
    if (!(totalA > 0))
        throw InputError("FRC: first image is zero everywhere");
    if (!(totalB > 0))
        throw InputError("FRC: second image is zero everywhere");

    res.frequencyPerM.resize(std::size_t(rings));
    res.value.resize(std::size_t(rings));
    res.threshold.resize(std::size_t(rings));
    res.ringCount = count;
    const double df = 1.0 / (double(n) * pixelSizeM);
    double frcm = 0;
    for (int r = 0; r < rings; ++r) {
        const std::size_t i = std::size_t(r);
        res.frequencyPerM[i] = r * df;
        const double den = std::sqrt(powA[i] * powB[i]);
        res.value[i] = den > 0 ? std::clamp(cross[i] / den, -1.0, 1.0) : 0.0;
        res.threshold[i] = frcThresholdValue(options.threshold, count[i]);
        if (r >= 1)
            frcm += (1.0 - res.value[i]) * (1.0 - res.value[i]);
    }
    res.frcmPercent = 100.0 * frcm / double(rings - 1);
    res.rule = options.rule;
    res.crossing = options.rule == FrcRule::Sustained
                       ? findSustainedFrcCrossing(res.value, res.threshold, double(rings),
                                                  frcSustainedRun(std::size_t(rings)))
                       : findFrcCrossing(res.value, res.threshold, double(rings));
    res.cutoffFrequencyPerM = res.crossing.ring * df;
    res.resolutionM = 1.0 / res.cutoffFrequencyPerM;
    return res;
}

template FrcResult fourierRingCorrelation(const Image<float>&, const Image<float>&, double,
                                          const FrcOptions&);
template FrcResult fourierRingCorrelation(const Image<double>&, const Image<double>&, double,
                                          const FrcOptions&);

} // namespace phaselab::core
