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

constexpr double kPi = 3.14159265358979323846;
// The coarse magnification scan runs on images binned to at most this size.
constexpr int kCoarseSize = 256;
// Upsampling of the peak while the magnification is searched (the final shift uses
// RegistrationOptions::upsampling).
constexpr int kSearchUpsampling = 8;

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

// Mean-free image times a cos² border window, as complex values ready for the FFT.
void fadedToComplex(const ImageF& img, double fade, Cd* out)
{
    const int W = img.width(), H = img.height();
    double mean = 0;
    for (float v : img)
        mean += v;
    mean /= double(img.size());
    const double bx = fade * W, by = fade * H;
    auto ramp = [](double d, double b) {
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
        Cd* o = out + std::size_t(y) * W;
        for (int x = 0; x < W; ++x)
            o[x] = Cd((double(r[x]) - mean) * wx[std::size_t(x)] * wy[std::size_t(y)], 0.0);
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
    Correlator(const ImageF& reference, double fade)
        : m_w(reference.width()), m_h(reference.height()), m_fade(fade),
          m_fft(m_h, m_w), m_ref(std::size_t(m_w) * m_h), m_buf(std::size_t(m_w) * m_h),
          m_spec(std::size_t(m_w) * m_h)
    {
        fadedToComplex(reference, fade, m_ref.data());
        m_fft.forward(m_ref.data());
    }

    // Registration peak of `moving` (already resampled by the trial magnification) against the
    // reference; the peak refined by an upsampled DFT by `upsampling`.
    Peak correlate(const ImageF& moving, int upsampling)
    {
        const std::size_t n = std::size_t(m_w) * m_h;
        fadedToComplex(moving, m_fade, m_buf.data());
        m_fft.forward(m_buf.data());
        // Normalised cross-power spectrum conj(R̂) M̂ / |R̂ M̂|: its inverse is δ(x − t).
        Cd* s = m_spec.data();
        const Cd* r = m_ref.data();
        const Cd* mv = m_buf.data();
        const int nyqX = m_w % 2 == 0 ? m_w / 2 : -1, nyqY = m_h % 2 == 0 ? m_h / 2 : -1;
#pragma omp parallel for schedule(static) if (recon::parallelWorth(n))
        for (int y = 0; y < m_h; ++y)
            for (int x = 0; x < m_w; ++x) {
                const std::size_t i = std::size_t(y) * m_w + x;
                const Cd c = std::conj(r[i]) * mv[i];
                const double a = std::abs(c);
                // Nyquist bins have no sign for sub-pixel shifts: left out.
                s[i] = (a > 1e-300 && x != nyqX && y != nyqY) ? c / a : Cd(0.0, 0.0);
            }
        std::copy(s, s + n, m_buf.data());
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
        Peak p{double(px), double(py), bestV / double(n)};
        if (upsampling > 1)
            p = refine(p, upsampling);
        return p;
    }

private:
    // Upsampled DFT around the integer peak (Guizar-Sicairos et al. 2008): the inverse DFT of
    // the cross-power spectrum evaluated on a (1.5 u)² grid of spacing 1/u pixels by two matrix
    // products, Σ_ky e^{2πi ξy y} (Σ_kx S e^{2πi ξx x}).
    Peak refine(const Peak& coarse, int u)
    {
        const int R = int(std::ceil(1.5 * u));
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
        Peak best = coarse;
        double bestV = -1e300;
        for (int i = 0; i < R; ++i)
            for (int j = 0; j < R; ++j) {
                Cd c(0.0, 0.0);
                for (int ky = 0; ky < m_h; ++ky)
                    c += ey[std::size_t(ky) * R + i] * t[std::size_t(ky) * R + j];
                if (c.real() > bestV) {
                    bestV = c.real();
                    best.x = xs[std::size_t(j)];
                    best.y = ys[std::size_t(i)];
                }
            }
        best.height = bestV / (double(m_w) * m_h);
        return best;
    }

    int m_w, m_h;
    double m_fade;
    Fft2D<double> m_fft;
    AlignedBuffer<Cd> m_ref, m_buf, m_spec;
};

// Peak height against the magnification m: the moving image resampled by m about the centre.
double peakAt(Correlator& c, const ImageF& moving, double m, int upsampling, float fill)
{
    return c.correlate(resample(moving, m, 0.0, 0.0, fill), upsampling).height;
}

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
    double best = m0;
    if (r > 0) {
        const double lo = m0 * (1 - r), hi = m0 * (1 + r);
        // Coarse scan on binned images, steps of one pixel of edge displacement per
        // half-width there, then golden-section search at full resolution around the best.
        const int maxDim = std::max(reference.width(), reference.height());
        const int f = std::max(1, (maxDim + kCoarseSize - 1) / kCoarseSize);
        const ImageF refC = binned(reference, f), movC = binned(moving, f);
        const double step = 1.0 / std::max(refC.width(), refC.height());
        const int count = std::max(3, int(std::ceil((hi - lo) / step)) + 1);
        // Scan and refinement share the progress: the scan counts as half.
        {
            Correlator coarse(refC, options.borderFade);
            const float fillC = float(meanOf(movC));
            double bestV = -1;
            for (int i = 0; i < count; ++i) {
                const double m = lo + (hi - lo) * i / (count - 1);
                const double v = peakAt(coarse, movC, m, 1, fillC);
                if (v > bestV) {
                    bestV = v;
                    best = m;
                }
                progress.step(0.5 * (i + 1) / count, "Registration: magnification scan");
            }
        }
        const double spacing = (hi - lo) / (count - 1);
        double a = std::max(lo, best - spacing), b = std::min(hi, best + spacing);
        Correlator full(reference, options.borderFade);
        // Stop once the edge moves by less than 1/100 pixel between the bracket's ends.
        const double tol = 0.02 / maxDim * m0;
        const double g = 0.5 * (std::sqrt(5.0) - 1.0);
        double x1 = b - g * (b - a), x2 = a + g * (b - a);
        double f1 = peakAt(full, moving, x1, kSearchUpsampling, fill);
        double f2 = peakAt(full, moving, x2, kSearchUpsampling, fill);
        const int maxIter = std::max(1, int(std::ceil(std::log(tol / (b - a)) / std::log(g))));
        for (int it = 0; it < maxIter && b - a > tol; ++it) {
            if (f1 >= f2) {
                b = x2;
                x2 = x1;
                f2 = f1;
                x1 = b - g * (b - a);
                f1 = peakAt(full, moving, x1, kSearchUpsampling, fill);
            } else {
                a = x1;
                x1 = x2;
                f1 = f2;
                x2 = a + g * (b - a);
                f2 = peakAt(full, moving, x2, kSearchUpsampling, fill);
            }
            progress.step(0.5 + 0.5 * (it + 1) / maxIter, "Registration: magnification");
        }
        best = f1 >= f2 ? x1 : x2;
    }
    progress.checkCancel();
    Correlator full(reference, options.borderFade);
    const Peak p = full.correlate(resample(moving, best, 0.0, 0.0, fill), options.upsampling);
    progress.step(1.0, "Registration");
    // The resampled moving image is the reference shifted by t = s / m (registration.h).
    Registration out;
    out.magnification = best;
    out.shiftX = best * p.x;
    out.shiftY = best * p.y;
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
