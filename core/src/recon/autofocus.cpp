// Distance autofocus by fitting the hologram's power spectrum with the CTF of a trial distance
// (issue 14). For a weak object the rings of a hologram's power spectrum sit where the contrast
// transfer function sin χ + (β/δ) cos χ, χ = π λ D |ξ|², vanishes, whatever the object, as the
// Thon rings of an electron micrograph tell its defocus. One FFT gives the spectrum; every trial
// distance is then a small linear least-squares fit (16 unknowns), scanned coarse to fine.
// For strong phase, which shifts the rings, the residual criterion runs a few IRGN steps per
// distance instead and takes the distance whose nonlinear model fits the hologram best.
#include <phaselab/core/autofocus.h>

#include <phaselab/core/error.h>
#include <phaselab/core/fft.h>
#include <phaselab/core/irgn.h>

#include "recon_common.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>


namespace phaselab::core {

std::string toString(FocusCriterion c)
{
    switch (c) {
    case FocusCriterion::Spectrum:
        return "spectrum";
    case FocusCriterion::Residual:
        return "residual";
    }
    return "spectrum";
}

FocusCriterion parseFocusCriterion(const std::string& text)
{
    if (text == "spectrum")
        return FocusCriterion::Spectrum;
    if (text == "residual")
        return FocusCriterion::Residual;
    throw InputError("unknown focus criterion '" + text + "' (expected: spectrum, residual)");
}

void AutofocusOptions::validate() const
{
    if (!(std::isfinite(minDistanceM) && minDistanceM > 0))
        throw InputError("autofocus: the smallest distance must be a positive number of metres");
    if (!(std::isfinite(maxDistanceM) && maxDistanceM > minDistanceM))
        throw InputError("autofocus: the largest distance must exceed the smallest");
    if (samples < 5 || samples > 100000)
        throw InputError("autofocus: samples must be between 5 and 100000");
    if (!(std::isfinite(betaOverDelta) && betaOverDelta >= 0))
        throw InputError("autofocus: β/δ must be ≥ 0");
    if (phaseSign != 1 && phaseSign != -1)
        throw InputError("autofocus: the phase sign must be +1 or −1");
    if (residualSteps < 1 || residualSteps > 1000)
        throw InputError("autofocus: residual steps must be between 1 and 1000");
}

namespace {

constexpr double kPi = 3.14159265358979323846;

constexpr int kKnots = 8;  // hat functions of the envelope and of the background

/// The hologram's power spectrum at its grid frequencies, each value divided by the smooth radial
/// trend of the power, sorted by |ξ| so that a band [fMin, f] is a prefix.
struct Spectrum {
    std::vector<double> frequency2;  ///< |ξ|² [cycles²/pixel²], ascending
    std::vector<double> value;       ///< power / trend, clipped to [0, 50]
    double fMin = 0, fMax = 0;       ///< band [cycles/pixel]
    /// Entries with |ξ| ≤ f.
    [[nodiscard]] std::size_t count(double f) const
    {
        return std::size_t(std::upper_bound(frequency2.begin(), frequency2.end(), f * f) -
                           frequency2.begin());
    }
};

/// Not windowed: the transfer function acts at the grid frequencies exactly, so even rings finer
/// than the frequency spacing stay sampled. The edges of a non-periodic field leak along the axes
/// of the spectrum, which are left out (|ξ_x|, |ξ_y| < 2 bins).
Spectrum powerSpectrum(const ImageF& hologram)
{
    const int W = hologram.width(), H = hologram.height();
    double mean = 0;
    for (std::size_t i = 0; i < hologram.size(); ++i)
        mean += hologram.data()[i];
    mean /= double(hologram.size());
    AlignedBuffer<double> real(hologram.size());
    for (std::size_t i = 0; i < hologram.size(); ++i)
        real[i] = double(hologram.data()[i]) - mean;
    const RealFft2D<double> fft(H, W, FftEffort::Estimate);
    const int Ws = fft.spectrumWidth();
    AlignedBuffer<Complex<double>> spec(std::size_t(H) * std::size_t(Ws));
    fft.forward(real.data(), spec.data());

    const int N = std::max(W, H);
    const double binWidth = 1.0 / N;
    Spectrum s;
    s.fMin = 3.0 * binWidth;
    s.fMax = 0.5 * double(std::min(W, H)) / N;  // inscribed Nyquist circle
    struct Entry { double f2, p; };
    std::vector<Entry> entries;
    entries.reserve(std::size_t(H) * std::size_t(Ws));
    for (int ky = 0; ky < H; ++ky) {
        if (std::min(ky, H - ky) < 2)
            continue;
        const double fy = fftFrequency(ky, H, 1.0);
        for (int kx = 2; kx < Ws; ++kx) {
            const double fx = double(kx) / W;
            const double f2 = fx * fx + fy * fy;
            if (f2 < s.fMin * s.fMin || f2 > s.fMax * s.fMax)
                continue;
            entries.push_back({f2, std::norm(spec[std::size_t(ky) * Ws + kx])});
        }
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.f2 < b.f2; });
    // Above 2¹⁷ frequencies every k-th is kept (each still exact, the band still covered
    // evenly): the fit has 16 unknowns, and the trials' cost grows with the count.
    constexpr std::size_t kMaxEntries = std::size_t(1) << 17;
    if (entries.size() > kMaxEntries) {
        const std::size_t stride = (entries.size() + kMaxEntries - 1) / kMaxEntries;
        std::size_t kept = 0;
        for (std::size_t i = 0; i < entries.size(); i += stride)
            entries[kept++] = entries[i];
        entries.resize(kept);
    }

    // Trend: mean log power per radial bin, then a running mean over ±8 bins.
    const int bins = int(s.fMax / binWidth) + 2;
    std::vector<double> logSum(std::size_t(bins), 0.0);
    std::vector<long> count(std::size_t(bins), 0);
    for (const Entry& e : entries) {
        const int b = std::min(bins - 1, int(std::sqrt(e.f2) / binWidth));
        logSum[std::size_t(b)] += std::log(e.p + 1e-300);
        ++count[std::size_t(b)];
    }
    std::vector<double> trend(std::size_t(bins), 0.0);
    for (int b = 0; b < bins; ++b) {
        double sum = 0;
        long c = 0;
        for (int j = std::max(0, b - 8); j <= std::min(bins - 1, b + 8); ++j) {
            sum += logSum[std::size_t(j)];
            c += count[std::size_t(j)];
        }
        trend[std::size_t(b)] = c > 0 ? std::exp(sum / double(c)) : 1.0;
    }
    s.frequency2.reserve(entries.size());
    s.value.reserve(entries.size());
    for (const Entry& e : entries) {
        const int b = std::min(bins - 1, int(std::sqrt(e.f2) / binWidth));
        s.frequency2.push_back(e.f2);
        s.value.push_back(std::clamp(e.p / trend[std::size_t(b)], 0.0, 50.0));
    }
    return s;
}

/// Solves A x = b (Gaussian elimination with partial pivoting); a tiny ridge keeps it regular.
template <std::size_t N>
std::array<double, N> solve(std::array<std::array<double, N>, N> A, std::array<double, N> b)
{
    double trace = 0;
    for (std::size_t i = 0; i < N; ++i)
        trace += A[i][i];
    for (std::size_t i = 0; i < N; ++i)
        A[i][i] += 1e-10 * trace / N + 1e-300;
    for (std::size_t c = 0; c < N; ++c) {
        std::size_t p = c;
        for (std::size_t r = c + 1; r < N; ++r)
            if (std::abs(A[r][c]) > std::abs(A[p][c]))
                p = r;
        std::swap(A[c], A[p]);
        std::swap(b[c], b[p]);
        for (std::size_t r = c + 1; r < N; ++r) {
            const double f = A[r][c] / A[c][c];
            for (std::size_t k = c; k < N; ++k)
                A[r][k] -= f * A[c][k];
            b[r] -= f * b[c];
        }
    }
    std::array<double, N> x{};
    for (std::size_t i = N; i-- > 0;) {
        double sum = b[i];
        for (std::size_t k = i + 1; k < N; ++k)
            sum -= A[i][k] * x[k];
        x[i] = sum / A[i][i];
    }
    return x;
}

/// 1 − R² of the least-squares fit  P(ξ) ≈ e(|ξ|) s_D(ξ) + n(|ξ|),  s_D = (σ sin χ + (β/δ) cos χ)²,
/// χ = π λ D |ξ|², over the band's first `used` entries, e and n piecewise linear in |ξ| (kKnots
/// hat functions each): low when the zeros of distance D's CTF line up with the spectrum's
/// minima. A negative mean envelope (rings fitted upside down) scores 1 more.
double spectrumMisfit(const Spectrum& s, std::size_t used, double fBand, double chiScale,
                      double betaDelta, int phaseSign)
{
    constexpr std::size_t M = 2 * kKnots;
    std::array<std::array<double, M>, M> A{};
    std::array<double, M> b{};
    const double sigma = -double(phaseSign);
    const double step = (fBand - s.fMin) / (kKnots - 1);
    double sum = 0, sum2 = 0;
    for (std::size_t i = 0; i < used; ++i) {
        const double chi = chiScale * s.frequency2[i];
        const double a = sigma * std::sin(chi) + betaDelta * std::cos(chi);
        const double ctf2 = a * a;
        const double t = std::clamp((std::sqrt(s.frequency2[i]) - s.fMin) / step, 0.0, kKnots - 1.0);
        const std::size_t k0 = std::min<std::size_t>(std::size_t(t), kKnots - 2);
        const double w1 = t - double(k0), w0 = 1.0 - w1;
        const std::size_t idx[4] = {k0, k0 + 1, kKnots + k0, kKnots + k0 + 1};
        const double row[4] = {w0 * ctf2, w1 * ctf2, w0, w1};
        const double v = s.value[i];
        for (int p = 0; p < 4; ++p) {
            b[idx[p]] += row[p] * v;
            for (int q = 0; q < 4; ++q)
                A[idx[p]][idx[q]] += row[p] * row[q];
        }
        sum += v;
        sum2 += v * v;
    }
    const std::array<double, M> x = solve(A, b);
    // Residual of the normal equations' solution: ‖v‖² − 2 xᵀb + xᵀ A x = ‖v‖² − xᵀb.
    double xb = 0;
    for (std::size_t p = 0; p < M; ++p)
        xb += x[p] * b[p];
    const double total = sum2 - sum * sum / double(std::max<std::size_t>(1, used));
    const double misfit = total > 0 ? std::max(0.0, sum2 - xb) / total : 1.0;
    double envelope = 0;
    for (int k = 0; k < kKnots; ++k)
        envelope += x[std::size_t(k)];
    return envelope > 0 ? misfit : 1.0 + misfit;
}

/// ds ← `samples` log-spaced distances from lo to hi, cs ← criterion(d) at each; returns the ratio
/// of neighbouring samples.
template <typename Criterion>
double scanLogSpaced(double lo, double hi, int samples, Criterion&& criterion,
                     std::vector<double>& ds, std::vector<double>& cs)
{
    ds.resize(std::size_t(samples));
    cs.resize(std::size_t(samples));
    const double logSpan = std::log(hi / lo);
    for (int i = 0; i < samples; ++i) {
        ds[std::size_t(i)] = lo * std::exp(logSpan * i / (samples - 1));
        cs[std::size_t(i)] = criterion(i, ds[std::size_t(i)]);
    }
    return std::exp(logSpan / (samples - 1));
}

/// Vertex of the least-squares parabola through (x_i, y_i); nullopt unless it opens upward and
/// its vertex lies within [x_0, x_last].
std::optional<double> parabolaVertex(const std::vector<double>& x, const std::vector<double>& y)
{
    if (x.size() < 3)
        return std::nullopt;
    // Centred and scaled abscissae keep the 3 × 3 normal equations well conditioned.
    const double c = 0.5 * (x.front() + x.back()), h = 0.5 * (x.back() - x.front());
    std::array<std::array<double, 3>, 3> A{};
    std::array<double, 3> b{};
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double t = (x[i] - c) / h;
        const double basis[3] = {1.0, t, t * t};
        for (std::size_t r = 0; r < 3; ++r) {
            for (std::size_t q = 0; q < 3; ++q)
                A[r][q] += basis[r] * basis[q];
            b[r] += basis[r] * y[i];
        }
    }
    const std::array<double, 3> p = solve(A, b);
    if (!(p[2] > 0))
        return std::nullopt;
    const double t = -p[1] / (2 * p[2]);
    if (!(t >= -1 && t <= 1))
        return std::nullopt;
    return c + h * t;
}

/// The residual criterion: a log-spaced scan of the whole range (the curve), then the vertex of
/// a parabola (in log distance) fitted to the samples within ±5 of the best one. IRGN's
/// residual is a slightly rough function of the distance (its safeguard and CG stopping are
/// discrete), so fitting the samples near the minimum is steadier than searching it finely.
AutofocusResult residualAutofocus(const ImageF& hologram, const Geometry& g,
                                  const AutofocusOptions& options, const ProgressReporter& progress)
{
    IrgnOptions o{};
    o.betaDelta = options.betaOverDelta;
    o.newtonSteps = options.residualSteps;
    o.initialGuess = options.betaOverDelta > 0 && options.phaseSign < 0 ? IrgnInitialGuess::Paganin
                                                                        : IrgnInitialGuess::Ctf;
    o.propagation.padding = options.padding;
    o.propagation.phaseSign = options.phaseSign;
    AutofocusResult result;
    result.used = FocusCriterion::Residual;
    const auto residual = [&](int i, double d) {
        progress.step(double(i) / options.samples, "scanning");
        Geometry gd = g;
        gd.distanceM = d;
        Irgn irgn(hologram, gd, o);
        irgn.run({nullptr, nullptr});
        return irgn.residual();
    };
    scanLogSpaced(options.minDistanceM, options.maxDistanceM, options.samples, residual,
                  result.distancesM, result.criterion);
    const auto best = std::min_element(result.criterion.begin(), result.criterion.end());
    const std::size_t m = std::size_t(best - result.criterion.begin());
    const std::size_t lo = m >= 5 ? m - 5 : 0, hi = std::min(m + 5, result.criterion.size() - 1);
    std::vector<double> x, y;
    for (std::size_t i = lo; i <= hi; ++i) {
        x.push_back(std::log(result.distancesM[i]));
        y.push_back(result.criterion[i]);
    }
    const std::optional<double> vertex = parabolaVertex(x, y);
    result.distanceM = vertex ? std::exp(*vertex) : result.distancesM[m];
    progress.step(1.0, "done");
    return result;
}

} // namespace

AutofocusResult autofocus(const ImageF& hologram, const Geometry& g, const AutofocusOptions& options,
                          const ProgressReporter& progress)
{
    options.validate();
    g.validate();
    if (hologram.width() < 32 || hologram.height() < 32)
        throw InputError("autofocus: the hologram must be at least 32 × 32 pixels");
    for (std::size_t i = 0; i < hologram.size(); ++i)
        if (!std::isfinite(hologram.data()[i]))
            throw InputError("autofocus: the hologram has non-finite pixels");
    if (options.criterion == FocusCriterion::Residual)
        return residualAutofocus(hologram, g, options, progress);

    const double lambda = g.wavelengthM();
    const double dx = g.pixelSizeM;
    const auto chiScale = [&](double d) { return kPi * lambda * d / (dx * dx); };
    progress.step(0.0, "power spectrum");
    const Spectrum spectrum = powerSpectrum(hologram);
    if (spectrum.value.size() < std::size_t(8 * kKnots))
        throw InputError("autofocus: the hologram has too few frequencies to fit");

    // Coarse to fine: the first band holds about 8 rings (χ/π) at the largest distance, where the
    // misfit's minimum is wide and the whole range is scanned (that scan is the curve shown);
    // each further stage doubles the band (4× the rings, a 4× narrower minimum) and scans a
    // few of the previous stage's steps around its optimum. The three best local minima of the
    // first scan are followed, and the one with the lowest misfit on the full band wins.
    const double fresnelMin = dx * dx / (lambda * options.maxDistanceM);
    const double firstBand = std::clamp(std::sqrt(8.0 * fresnelMin),
                                        spectrum.fMin + 8.0 * (spectrum.fMin / 3.0), spectrum.fMax);
    AutofocusResult result;
    result.used = options.criterion;
    const auto scan = [&](double lo, double hi, int samples, double band, std::vector<double>& ds,
                          std::vector<double>& cs) {
        const std::size_t used = spectrum.count(band);
        const auto misfitAt = [&](int, double d) {
            progress.checkCancel();
            return spectrumMisfit(spectrum, used, band, chiScale(d), options.betaOverDelta,
                                  options.phaseSign);
        };
        return scanLogSpaced(lo, hi, samples, misfitAt, ds, cs);  // ratio of neighbours
    };
    const double firstSpacing = scan(options.minDistanceM, options.maxDistanceM, options.samples,
                                     firstBand, result.distancesM, result.criterion);
    std::vector<std::size_t> minima;
    for (std::size_t i = 0; i < result.criterion.size(); ++i) {
        const bool left = i == 0 || result.criterion[i] <= result.criterion[i - 1];
        const bool right = i + 1 == result.criterion.size() || result.criterion[i] <= result.criterion[i + 1];
        if (left && right)
            minima.push_back(i);
    }
    std::sort(minima.begin(), minima.end(), [&](std::size_t a, std::size_t b) {
        return result.criterion[a] < result.criterion[b];
    });
    minima.resize(std::min<std::size_t>(minima.size(), 3));

    const std::size_t allUsed = spectrum.count(spectrum.fMax);
    const auto misfit = [&](double d) {
        return spectrumMisfit(spectrum, allUsed, spectrum.fMax, chiScale(d), options.betaOverDelta,
                              options.phaseSign);
    };
    double bestDistance = result.distancesM[minima.front()], bestMisfit = 1e300;
    int done = 0;
    for (const std::size_t m : minima) {
        double best = result.distancesM[m];
        double spacing = firstSpacing;
        std::vector<double> ds, cs;
        for (double band = firstBand; band < spectrum.fMax;) {
            band = std::min(2.0 * band, spectrum.fMax);
            const double ratio = std::pow(spacing, 3);
            spacing = scan(best / ratio, best * ratio, 41, band, ds, cs);
            best = ds[std::size_t(std::min_element(cs.begin(), cs.end()) - cs.begin())];
        }
        // Golden-section refinement within one step of the last scan, on the full band.
        const double refined = recon::goldenSectionMinimum(
            misfit, best / spacing, best * spacing, 1e-7 * best, 200, [&](int, int) {
                progress.checkCancel();
            });
        const double atRefined = misfit(refined), atBest = misfit(best);
        const double value = std::min(atRefined, atBest);
        if (value < bestMisfit) {
            bestMisfit = value;
            bestDistance = atRefined <= atBest ? refined : best;
        }
        progress.step(0.3 + 0.7 * double(++done) / double(minima.size()), "refining");
    }
    result.distanceM = bestDistance;
    progress.step(1.0, "done");
    return result;
}

} // namespace phaselab::core
