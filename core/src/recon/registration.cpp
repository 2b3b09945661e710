#include <phaselab/core/registration.h>

#include <phaselab/core/error.h>
#include <phaselab/core/fft.h>
#include <phaselab/core/units.h>

#include "recon_common.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace phaselab::core {

namespace {

using Cd = Complex<double>;
using Cf = Complex<float>;

constexpr double kPi = 3.14159265358979323846;
// The coarse magnification scan runs on images binned to at most this size.
constexpr int kCoarseSize = 256;
// Upsampling of the peak while the magnification is searched (the final shift uses
// RegistrationOptions::upsampling).
constexpr int kSearchUpsampling = 8;
// Most shift estimates on the lined-up moving image.
constexpr int kShiftIterations = 4;
constexpr int kSubPixelIterations = 3;

void checkInputs(const ImageF& reference, const ImageF& moving, const RegistrationOptions& o)
{
    requireSameShape(moving, reference, "registration: reference and moving image");
    if (reference.width() < 16 || reference.height() < 16)
        throw InputError("registration: images must be at least 16 × 16, got " +
                         std::to_string(reference.width()) + "×" +
                         std::to_string(reference.height()));
    requireFinite(reference, "registration: reference image");
    requireFinite(moving, "registration: moving image");
    recon::requirePositiveParameter(o.magnification, "registration magnification");
    if (!std::isfinite(o.magnificationRange) || o.magnificationRange < 0.0 ||
        o.magnificationRange >= 0.5)
        throw InputError("registration magnification range must lie in [0, 0.5), got " +
                         formatNumber(o.magnificationRange, 6));
    if (o.upsampling < 1 || o.upsampling > 1000)
        throw InputError("registration upsampling must lie in [1, 1000], got " +
                         std::to_string(o.upsampling));
    if (!std::isfinite(o.borderFade) || o.borderFade < 0.0 || o.borderFade >= 0.5)
        throw InputError("registration border fade must lie in [0, 0.5), got " +
                         formatNumber(o.borderFade, 6));
    recon::requirePositiveParameter(o.lowPass, "registration low-pass σ", true);
}

// Keys' cubic convolution kernel (a = −0.5) weights for the fractional offset t ∈ [0, 1).
inline void cubicWeights(double t, double w[4])
{
    const double t2 = t * t, t3 = t2 * t;
    w[0] = -0.5 * t3 + t2 - 0.5 * t;
    w[1] = 1.5 * t3 - 2.5 * t2 + 1.0;
    w[2] = -1.5 * t3 + 2.0 * t2 + 0.5 * t;
    w[3] = 0.5 * t3 - 0.5 * t2;
}

// Bicubic value of `img` at (x, y) [pixels]; neighbours beyond the border repeat the edge.
// The caller ensures (x, y) lies inside [0, W − 1] × [0, H − 1].
inline double bicubic(const ImageF& img, double x, double y)
{
    const int W = img.width(), H = img.height();
    const int x0 = std::min(int(std::floor(x)), W - 1), y0 = std::min(int(std::floor(y)), H - 1);
    double wx[4], wy[4];
    cubicWeights(x - x0, wx);
    cubicWeights(y - y0, wy);
    int xs[4];
    for (int k = 0; k < 4; ++k)
        xs[k] = std::clamp(x0 - 1 + k, 0, W - 1);
    double acc = 0;
    for (int j = 0; j < 4; ++j) {
        const float* row = img.row(std::clamp(y0 - 1 + j, 0, H - 1));
        acc += wy[j] * (wx[0] * row[xs[0]] + wx[1] * row[xs[1]] + wx[2] * row[xs[2]] +
                        wx[3] * row[xs[3]]);
    }
    return acc;
}

// out(x, y) = img(c + m (x − c) + sx, c + m (y − c) + sy), bicubic; `fill` outside.
ImageF resample(const ImageF& img, double m, double sx, double sy, float fill)
{
    const int W = img.width(), H = img.height();
    const double cx = 0.5 * (W - 1), cy = 0.5 * (H - 1);
    constexpr double eps = 1e-9;
    ImageF out(W, H, kNoInit);
#pragma omp parallel for schedule(static) if (recon::parallelWorth(out.size()))
    for (int y = 0; y < H; ++y) {
        const double ys = cy + m * (y - cy) + sy;
        float* o = out.row(y);
        const bool rowInside = ys >= -eps && ys <= H - 1 + eps;
        for (int x = 0; x < W; ++x) {
            const double xs = cx + m * (x - cx) + sx;
            if (!rowInside || xs < -eps || xs > W - 1 + eps) {
                o[x] = fill;
                continue;
            }
            o[x] = float(bicubic(img, std::clamp(xs, 0.0, double(W - 1)),
                                 std::clamp(ys, 0.0, double(H - 1))));
        }
    }
    return out;
}

// Mean-free image times a border window, as complex values ready for the FFT: 0 within
// `margin` pixels of the border (where a resampled image may hold fill values), then a cos²
// ramp over the fraction `fade` of the size.
void fadedToComplex(const ImageF& img, double fade, int margin, Cf* out)
{
    const int W = img.width(), H = img.height();
    double mean = 0;
    const float* px = img.data();
    const std::ptrdiff_t n = std::ptrdiff_t(img.size());
#pragma omp parallel for schedule(static) reduction(+ : mean) if (recon::parallelWorth(img.size()))
    for (std::ptrdiff_t i = 0; i < n; ++i)
        mean += px[i];
    mean /= double(n);
    const double bx = fade * W, by = fade * H;
    auto ramp = [margin](int edge, double b) {
        const double d = edge - margin;
        if (d < 0)
            return 0.0;
        if (b <= 0 || d >= b)
            return 1.0;
        const double s = std::sin(0.5 * kPi * (d + 0.5) / b);
        return s * s;
    };
    std::vector<double> wx(std::size_t(W), 1.0), wy(std::size_t(H), 1.0);
    for (int x = 0; x < W; ++x)
        wx[std::size_t(x)] = ramp(std::min(x, W - 1 - x), bx);
    for (int y = 0; y < H; ++y)
        wy[std::size_t(y)] = ramp(std::min(y, H - 1 - y), by);
#pragma omp parallel for schedule(static) if (recon::parallelWorth(img.size()))
    for (int y = 0; y < H; ++y) {
        const float* r = img.row(y);
        Cf* o = out + std::size_t(y) * W;
        for (int x = 0; x < W; ++x)
            o[x] = Cf(float((double(r[x]) - mean) * wx[std::size_t(x)] * wy[std::size_t(y)]), 0.0f);
    }
}

// f×f box-binned image (the part that divides evenly).
ImageF binned(const ImageF& img, int f)
{
    if (f <= 1)
        return img;
    const int W = img.width() / f, H = img.height() / f;
    ImageF out(W, H, kNoInit);
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            double s = 0;
            for (int dy = 0; dy < f; ++dy)
                for (int dx = 0; dx < f; ++dx)
                    s += img(x * f + dx, y * f + dy);
            out(x, y) = float(s / (f * f));
        }
    return out;
}

struct Peak {
    double x = 0, y = 0;  // shift t [pixels]: moving(x) = reference(x − t)
    double height = 0;    // normalised peak in (0, 1]
};

// Phase correlation of a fixed (faded) reference against resampled moving images.
class Correlator {
public:
    // `lowPass`: σ of the Gaussian weight [cycles/pixel of this grid], 0 for none.
    // `margin`: pixels at each border left out of both images (fadedToComplex).
    Correlator(const ImageF& reference, double fade, double lowPass, int margin)
        : m_w(reference.width()), m_h(reference.height()), m_fade(fade),
          m_margin(std::clamp(margin, 0, std::min(m_w, m_h) / 4)),
          m_fft(m_h, m_w), m_ref(std::size_t(m_w) * m_h), m_buf(std::size_t(m_w) * m_h),
          m_spec(std::size_t(m_w) * m_h), m_weight(std::size_t(m_w) * m_h)
    {
        fadedToComplex(reference, fade, m_margin, m_ref.data());
        m_fft.forward(m_ref.data());
        // Nyquist bins have no sign for sub-pixel shifts: weight 0.
        const int nyqX = m_w % 2 == 0 ? m_w / 2 : -1, nyqY = m_h % 2 == 0 ? m_h / 2 : -1;
        double sum = 0;
        double* wt = m_weight.data();
#pragma omp parallel for schedule(static) reduction(+ : sum) if (recon::parallelWorth(std::size_t(m_w) * m_h))
        for (int y = 0; y < m_h; ++y) {
            const double fy = fftFrequency(y, m_h, 1.0);
            for (int x = 0; x < m_w; ++x) {
                const double fx = fftFrequency(x, m_w, 1.0);
                double w = (x == nyqX || y == nyqY) ? 0.0 : 1.0;
                if (lowPass > 0)
                    w *= std::exp(-(fx * fx + fy * fy) / (2 * lowPass * lowPass));
                wt[std::size_t(y) * m_w + x] = w;
                sum += w;
            }
        }
        m_weightSum = sum;
    }

    // Registration peak of `moving` (already resampled by the trial magnification) against the
    // reference; the peak refined by an upsampled DFT by `upsampling` within `halfWidth`
    // pixels of the whole-pixel peak (0.75: the ±1.5/u pixel neighbourhood of Guizar-Sicairos
    // et al.; less when the peak is known to lie near a whole pixel).
    Peak correlate(const ImageF& moving, int upsampling, double halfWidth = 0.75)
    {
        const std::size_t n = std::size_t(m_w) * m_h;
        fadedToComplex(moving, m_fade, m_margin, m_buf.data());
        m_fft.forward(m_buf.data());
        // Normalised cross-power spectrum conj(R̂) M̂ / |R̂ M̂|: its inverse is δ(x − t).
        Cd* s = m_spec.data();
        const Cf* r = m_ref.data();
        Cf* mv = m_buf.data();
        const double* wt = m_weight.data();
#pragma omp parallel for schedule(static) if (recon::parallelWorth(n))
        for (std::ptrdiff_t i = 0; i < std::ptrdiff_t(n); ++i) {
            const Cd c = std::conj(Cd(r[i])) * Cd(mv[i]);
            const double a = std::abs(c);
            s[i] = a > 1e-300 ? c * (wt[i] / a) : Cd(0.0, 0.0);
            mv[i] = Cf(s[i]);
        }
        m_fft.backward(m_buf.data());
        std::size_t best = 0;
        double bestV = -1;
        for (std::size_t i = 0; i < n; ++i) {
            const double v = m_buf[i].real();
            if (v > bestV) {
                bestV = v;
                best = i;
            }
        }
        int px = int(best % std::size_t(m_w)), py = int(best / std::size_t(m_w));
        if (px > m_w / 2)
            px -= m_w;
        if (py > m_h / 2)
            py -= m_h;
        Peak p{double(px), double(py), bestV / m_weightSum};
        if (upsampling > 1)
            p = refine(p, upsampling, halfWidth);
        return p;
    }

private:
    // Upsampled DFT around the integer peak (Guizar-Sicairos et al. 2008): the inverse DFT of
    // the cross-power spectrum evaluated on a (1.5 u)² grid of spacing 1/u pixels by two matrix
    // products, Σ_ky e^{2πi ξy y} (Σ_kx S e^{2πi ξx x}).
    Peak refine(const Peak& coarse, int u, double halfWidth)
    {
        const int R = std::max(3, int(std::ceil(2.0 * halfWidth * u)));
        const int o = R / 2;
        std::vector<double> xs(static_cast<std::size_t>(R)), ys(static_cast<std::size_t>(R));
        for (int j = 0; j < R; ++j) {
            xs[std::size_t(j)] = coarse.x + double(j - o) / u;
            ys[std::size_t(j)] = coarse.y + double(j - o) / u;
        }
        // Ex[kx][j] = e^{2πi ξx xj}
        std::vector<Cd> ex(std::size_t(m_w) * R), ey(std::size_t(m_h) * R);
        for (int k = 0; k < m_w; ++k) {
            const double f = fftFrequency(k, m_w, 1.0);
            for (int j = 0; j < R; ++j)
                ex[std::size_t(k) * R + j] = std::polar(1.0, 2 * kPi * f * xs[std::size_t(j)]);
        }
        for (int k = 0; k < m_h; ++k) {
            const double f = fftFrequency(k, m_h, 1.0);
            for (int j = 0; j < R; ++j)
                ey[std::size_t(k) * R + j] = std::polar(1.0, 2 * kPi * f * ys[std::size_t(j)]);
        }
        std::vector<Cd> t(std::size_t(m_h) * R);
        const Cd* s = m_spec.data();
#pragma omp parallel for schedule(static) if (recon::parallelWorth(std::size_t(m_w) * m_h * R / 4))
        for (int ky = 0; ky < m_h; ++ky) {
            Cd* tr = t.data() + std::size_t(ky) * R;
            std::fill(tr, tr + R, Cd(0.0, 0.0));
            const Cd* sr = s + std::size_t(ky) * m_w;
            for (int kx = 0; kx < m_w; ++kx) {
                const Cd v = sr[kx];
                if (v == Cd(0.0, 0.0))
                    continue;
                const Cd* e = ex.data() + std::size_t(kx) * R;
                for (int j = 0; j < R; ++j)
                    tr[j] += v * e[j];
            }
        }
        std::vector<double> value(std::size_t(R) * R);
#pragma omp parallel for schedule(static) if (std::size_t(R) * R * m_h > 100000)
        for (int i = 0; i < R; ++i)
            for (int j = 0; j < R; ++j) {
                Cd c(0.0, 0.0);
                for (int ky = 0; ky < m_h; ++ky)
                    c += ey[std::size_t(ky) * R + i] * t[std::size_t(ky) * R + j];
                value[std::size_t(i) * R + j] = c.real();
            }
        Peak best = coarse;
        double bestV = -1e300;
        for (int i = 0; i < R; ++i)
            for (int j = 0; j < R; ++j)
                if (value[std::size_t(i) * R + j] > bestV) {
                    bestV = value[std::size_t(i) * R + j];
                    best.x = xs[std::size_t(j)];
                    best.y = ys[std::size_t(i)];
                }
        best.height = bestV / m_weightSum;
        return best;
    }

    int m_w, m_h;
    double m_fade;
    int m_margin;
    // The FFTs in float (half the time of double at 1024²); the cross-power spectrum and the
    // upsampled DFT in double.
    Fft2D<float> m_fft;
    AlignedBuffer<Cf> m_ref, m_buf;
    AlignedBuffer<Cd> m_spec;
    AlignedBuffer<double> m_weight;
    double m_weightSum = 1;
};

double meanOf(const ImageF& img)
{
    double s = 0;
    for (float v : img)
        s += v;
    return s / double(img.size());
}

} // namespace

Registration registerImages(const ImageF& reference, const ImageF& moving,
                            const RegistrationOptions& options, const ProgressReporter& progress)
{
    checkInputs(reference, moving, options);
    const double m0 = options.magnification, r = options.magnificationRange;
    const float fill = float(meanOf(moving));
    const int maxDim = std::max(reference.width(), reference.height());
    const double lo = m0 * (1 - r), hi = m0 * (1 + r);
    // Pixels of the reference grid whose moving point may fall outside `moving` (fill values)
    // for magnifications up to `hi` and a shift s: left out of the correlation, on both sides,
    // so that the fill cannot favour one magnification over another.
    auto margin = [&](int size, double s) {
        return int(std::ceil(std::max(0.0, hi - 1.0) * 0.5 * size + s)) + 2;
    };
    // The resampled moving image resample(moving, m, s) is the reference shifted by
    // t = (s_true − s) / m (registration.h), so s_true = s + m t.
    auto correlate = [&](Correlator& c, double m, double sx, double sy, int u,
                         double halfWidth = 0.75) {
        return c.correlate(resample(moving, m, sx, sy, fill), u, halfWidth);
    };
    double m = m0;
    double sx = 0, sy = 0;
    if (r > 0) {
        // Coarse scan on binned images in steps of one pixel of edge displacement there.
        const int f = std::max(1, (maxDim + kCoarseSize - 1) / kCoarseSize);
        const ImageF refC = binned(reference, f), movC = binned(moving, f);
        const int maxDimC = std::max(refC.width(), refC.height());
        const double step = 1.0 / maxDimC;
        const int count = std::max(3, int(std::ceil((hi - lo) / step)) + 1);
        {
            Correlator coarse(refC, options.borderFade, std::min(0.5, options.lowPass * f),
                              margin(maxDimC, 0.0));
            const float fillC = float(meanOf(movC));
            double bestV = -1;
            for (int i = 0; i < count; ++i) {
                const double mi = lo + (hi - lo) * i / (count - 1);
                const double v =
                    coarse.correlate(resample(movC, mi, 0.0, 0.0, fillC), 1).height;
                if (v > bestV) {
                    bestV = v;
                    m = mi;
                }
                progress.step(0.4 * (i + 1) / count, "Registration: magnification scan");
            }
        }
        // The shift at the coarse magnification (to the nearest pixel), then golden-section
        // search of the peak height at full resolution around it, the moving image centred by
        // that shift.
        {
            Correlator c0(reference, options.borderFade, options.lowPass, margin(maxDim, 0.0));
            const Peak p0 = correlate(c0, m, 0.0, 0.0, 1);
            sx = std::round(m * p0.x);
            sy = std::round(m * p0.y);
        }
        Correlator c1(reference, options.borderFade, options.lowPass,
                      margin(maxDim, std::max(std::abs(sx), std::abs(sy)) + 1));
        const double spacing = (hi - lo) / (count - 1);
        double a = std::max(lo, m - spacing), b = std::min(hi, m + spacing);
        auto height = [&](double mm) { return correlate(c1, mm, sx, sy, kSearchUpsampling).height; };
        // Stop once the edge moves by less than 1/40 pixel across the bracket.
        const double tol = 0.05 / maxDim * m0;
        const double g = 0.5 * (std::sqrt(5.0) - 1.0);
        double x1 = b - g * (b - a), x2 = a + g * (b - a);
        double f1 = height(x1), f2 = height(x2);
        const int maxIter =
            std::max(1, int(std::ceil(std::log(tol / (b - a)) / std::log(g))));
        for (int it = 0; it < maxIter && b - a > tol; ++it) {
            if (f1 >= f2) {
                b = x2;
                x2 = x1;
                f2 = f1;
                x1 = b - g * (b - a);
                f1 = height(x1);
            } else {
                a = x1;
                x1 = x2;
                f1 = f2;
                x2 = a + g * (b - a);
                f2 = height(x2);
            }
            progress.step(0.4 + 0.4 * (it + 1) / maxIter, "Registration: magnification");
        }
        m = f1 >= f2 ? x1 : x2;
    } else {
        Correlator c0(reference, options.borderFade, options.lowPass, margin(maxDim, 0.0));
        const Peak p0 = correlate(c0, m, 0.0, 0.0, 1);
        sx = std::round(m * p0.x);
        sy = std::round(m * p0.y);
    }
    // The sub-pixel shift: the moving image is moved by whole pixels only (exact at m = 1: no
    // interpolation error enters the fractional part), the upsampled DFT finds the rest; again
    // from the new whole-pixel shift until it stays (at the search's coarser upsampling: only
    // the whole pixels count here).
    Correlator cs(reference, options.borderFade, options.lowPass,
                  margin(maxDim, std::max(std::abs(sx), std::abs(sy)) + 1));
    Peak p;
    double fx = sx, fy = sy;
    for (int it = 0; it < kShiftIterations; ++it) {
        progress.checkCancel();
        p = correlate(cs, m, sx, sy, std::min(options.upsampling, kSearchUpsampling));
        fx = sx + m * p.x;
        fy = sy + m * p.y;
        progress.step(0.8 + 0.2 * (it + 1) / kShiftIterations, "Registration: shift");
        if (std::round(fx) == sx && std::round(fy) == sy)
            break;
        sx = std::round(fx);
        sy = std::round(fy);
    }
    // Then on the moving image moved by the fractional shift: whatever still pulls the peak
    // towards the whole-pixel shift (the common border window) shrinks with the remaining
    // shift, leaving the interpolation's small error.
    for (int it = 0; it < kSubPixelIterations; ++it) {
        progress.checkCancel();
        // Lined up to a fraction of a pixel: a window of ±0.3 pixel holds the peak (one further
        // round recentres it if not).
        const Peak q = correlate(cs, m, fx, fy, options.upsampling, 0.3);
        fx += m * q.x;
        fy += m * q.y;
        p.height = q.height;
        if (std::hypot(q.x, q.y) < 0.5 / options.upsampling)
            break;
    }
    progress.step(1.0, "Registration");
    Registration out;
    out.magnification = m;
    out.shiftX = fx;
    out.shiftY = fy;
    out.peak = std::clamp(p.height, 0.0, 1.0);
    return out;
}

ImageF applyRegistration(const ImageF& moving, const Registration& r, float fill)
{
    if (moving.empty())
        throw InputError("applyRegistration: empty image");
    if (!std::isfinite(r.shiftX) || !std::isfinite(r.shiftY) || !std::isfinite(r.magnification) ||
        r.magnification <= 0)
        throw InputError("applyRegistration: the registration must be finite with a positive "
                         "magnification");
    // reference(x) is shown by moving at c + m (x − c) + s (registration.h).
    return resample(moving, r.magnification, r.shiftX, r.shiftY, fill);
}

} // namespace phaselab::core
