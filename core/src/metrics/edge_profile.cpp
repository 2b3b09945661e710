// Edge-profile resolution (physics.md §6): a line profile by bilinear interpolation averaged
// across a width, and a Levenberg–Marquardt fit of a + b·erf((x − x0)/(√2 σ)).
#include <phaselab/core/edge_profile.h>

#include <phaselab/core/error.h>

#include <Eigen/Dense>
#include <unsupported/Eigen/NonLinearOptimization>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace phaselab::core {

namespace {

constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kTwoOverSqrtPi = 1.12837916709551257390;
// FWHM of a Gaussian in units of σ: 2 √(2 ln 2).
const double kFwhmPerSigma = 2.0 * std::sqrt(2.0 * std::log(2.0));
// The 25 %–75 % rise of an erf edge spans 2 · 0.67449 σ.
constexpr double kQuartileSpanPerSigma = 1.3489795003921634;
// A fitted step smaller than this many standard errors is not an edge.
constexpr double kMinStepSignificance = 5.0;
constexpr int kMinSamples = 8;

std::string fmt(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

// One pixel's weight in a profile sample.
struct PixelWeight {
    std::size_t pixel;
    double weight;
};

// Bilinear interpolation at (x, y) inside [0, W − 1] × [0, H − 1]; appends the four pixel
// weights, scaled by `scale`, to `weights`.
template <typename T>
double bilinear(const Image<T>& img, double x, double y, double scale,
                std::vector<PixelWeight>& weights)
{
    const int w = img.width(), h = img.height();
    int ix = int(std::floor(x)), iy = int(std::floor(y));
    ix = std::clamp(ix, 0, w - 2);
    iy = std::clamp(iy, 0, h - 2);
    const double fx = x - ix, fy = y - iy;
    const double w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
    const std::size_t p00 = std::size_t(iy) * std::size_t(w) + std::size_t(ix);
    weights.push_back({p00, scale * w00});
    weights.push_back({p00 + 1, scale * w10});
    weights.push_back({p00 + std::size_t(w), scale * w01});
    weights.push_back({p00 + std::size_t(w) + 1, scale * w11});
    return w00 * double(img(ix, iy)) + w10 * double(img(ix + 1, iy)) +
           w01 * double(img(ix, iy + 1)) + w11 * double(img(ix + 1, iy + 1));
}

// Sorts a sample's pixel weights and merges repeated pixels.
void mergeWeights(std::vector<PixelWeight>& w)
{
    std::sort(w.begin(), w.end(),
              [](const PixelWeight& a, const PixelWeight& b) { return a.pixel < b.pixel; });
    std::size_t out = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
        if (w[i].weight == 0)
            continue;
        if (out > 0 && w[out - 1].pixel == w[i].pixel)
            w[out - 1].weight += w[i].weight;
        else
            w[out++] = w[i];
    }
    w.resize(out);
}

// Σ_p a_p b_p over the pixels two sorted weight lists share.
double sharedWeight(const std::vector<PixelWeight>& a, const std::vector<PixelWeight>& b)
{
    double s = 0;
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i].pixel < b[j].pixel)
            ++i;
        else if (b[j].pixel < a[i].pixel)
            ++j;
        else
            s += a[i++].weight * b[j++].weight;
    }
    return s;
}

// Residuals r_i = a + b·erf((s_i − x0)/(√2 σ)) − y_i and their Jacobian, for Eigen's
// LevenbergMarquardt (parameters p = [a, b, x0, σ]).
struct ErfFunctor {
    using Scalar = double;
    enum { InputsAtCompileTime = Eigen::Dynamic, ValuesAtCompileTime = Eigen::Dynamic };
    using InputType = Eigen::VectorXd;
    using ValueType = Eigen::VectorXd;
    using JacobianType = Eigen::MatrixXd;

    const Eigen::VectorXd& s;
    const Eigen::VectorXd& y;

    int inputs() const { return 4; }
    int values() const { return int(s.size()); }

    int operator()(const Eigen::VectorXd& p, Eigen::VectorXd& r) const
    {
        const double k = 1.0 / (kSqrt2 * p[3]);
        for (Eigen::Index i = 0; i < s.size(); ++i)
            r[i] = p[0] + p[1] * std::erf((s[i] - p[2]) * k) - y[i];
        return 0;
    }
    int df(const Eigen::VectorXd& p, Eigen::MatrixXd& J) const
    {
        const double k = 1.0 / (kSqrt2 * p[3]);
        for (Eigen::Index i = 0; i < s.size(); ++i) {
            const double u = (s[i] - p[2]) * k;
            const double g = p[1] * kTwoOverSqrtPi * std::exp(-u * u);
            J(i, 0) = 1.0;
            J(i, 1) = std::erf(u);
            J(i, 2) = -g * k;
            J(i, 3) = -g * u / p[3];
        }
        return 0;
    }
};

// Position where `q` (a normalised, rising profile) crosses `level`, searching outward from
// index `from`; linear interpolation between samples. NaN when it never does on that side.
double crossingFrom(const std::vector<double>& s, const std::vector<double>& q, std::size_t from,
                    double level, int direction)
{
    if (direction < 0) {
        for (std::size_t i = from; i > 0; --i)
            if (q[i - 1] <= level && q[i] > level)
                return s[i - 1] + (s[i] - s[i - 1]) * (level - q[i - 1]) / (q[i] - q[i - 1]);
    } else {
        for (std::size_t i = from; i + 1 < q.size(); ++i)
            if (q[i] < level && q[i + 1] >= level)
                return s[i] + (s[i + 1] - s[i]) * (level - q[i]) / (q[i + 1] - q[i]);
    }
    return std::numeric_limits<double>::quiet_NaN();
}

struct Start {
    double a, b, x0, sigma;
};

// Starting values: plateaus from the first and last eighth of the profile, the edge at the peak
// of the smoothed derivative, σ from the 25 %–75 % rise around it.
Start startingValues(const std::vector<double>& s, const std::vector<double>& v)
{
    const std::size_t n = v.size();
    const std::size_t k = std::max<std::size_t>(2, n / 8);
    double lo = 0, hi = 0;
    for (std::size_t i = 0; i < k; ++i) {
        lo += v[i];
        hi += v[n - 1 - i];
    }
    lo /= double(k);
    hi /= double(k);
    const double sign = hi >= lo ? 1.0 : -1.0;

    // Derivative by central differences, smoothed by a 5-tap binomial filter (1 4 6 4 1)/16.
    std::vector<double> d(n, 0.0), ds(n, 0.0);
    for (std::size_t i = 1; i + 1 < n; ++i)
        d[i] = sign * (v[i + 1] - v[i - 1]);
    const double taps[5] = {1, 4, 6, 4, 1};
    for (std::size_t i = 0; i < n; ++i) {
        double acc = 0, wsum = 0;
        for (int t = -2; t <= 2; ++t) {
            const long j = long(i) + t;
            if (j < 1 || j + 1 >= long(n))
                continue;
            acc += taps[t + 2] * d[std::size_t(j)];
            wsum += taps[t + 2];
        }
        ds[i] = wsum > 0 ? acc / wsum : 0;
    }
    const std::size_t peak = std::size_t(std::max_element(ds.begin(), ds.end()) - ds.begin());

    const double length = s.back() - s.front();
    const double step = s.size() > 1 ? s[1] - s[0] : 1.0;
    Start st{0.5 * (lo + hi), 0.5 * (hi - lo), s[peak], length / 20.0};
    if (hi != lo) {
        std::vector<double> q(n);
        for (std::size_t i = 0; i < n; ++i)
            q[i] = (v[i] - lo) / (hi - lo);
        const double s25 = crossingFrom(s, q, peak, 0.25, -1);
        const double s75 = crossingFrom(s, q, peak, 0.75, +1);
        if (std::isfinite(s25) && std::isfinite(s75) && s75 > s25)
            st.sigma = (s75 - s25) / kQuartileSpanPerSigma;
        const double s50 = crossingFrom(s, q, std::max<std::size_t>(peak, 1) - 1, 0.5, +1);
        if (std::isfinite(s50) && std::abs(s50 - s[peak]) < 3 * st.sigma)
            st.x0 = s50;
    }
    st.sigma = std::clamp(st.sigma, 0.5 * step, 0.25 * length);
    return st;
}

} // namespace

template <typename T>
EdgeProfile sampleEdgeProfile(const Image<T>& image, const EdgeLine& line,
                              const EdgeProfileOptions& options)
{
    if (!std::isfinite(options.stepPx) || options.stepPx <= 0)
        throw InputError("edge profile: step must be finite and positive");
    if (!std::isfinite(options.widthPx) || options.widthPx <= 0)
        throw InputError("edge profile: width must be finite and positive");
    if (!std::isfinite(line.x0) || !std::isfinite(line.y0) || !std::isfinite(line.x1) ||
        !std::isfinite(line.y1))
        throw InputError("edge profile: line end points must be finite");
    if (image.width() < 2 || image.height() < 2)
        throw InputError("edge profile: image of " + std::to_string(image.width()) + "×" +
                         std::to_string(image.height()) + " pixels is too small");
    const double dx = line.x1 - line.x0, dy = line.y1 - line.y0;
    const double length = std::hypot(dx, dy);
    if (!(length > 0))
        throw InputError("edge profile: the line has zero length");
    const double tx = dx / length, ty = dy / length;  // along the line
    const double nx = -ty, ny = tx;                   // across it
    const long samples = long(std::floor(length / options.stepPx + 1e-9)) + 1;
    if (samples < 2)
        throw InputError("edge profile: the line is shorter than one step");
    const int across = std::max(1, int(std::lround(options.widthPx)));

    // Every sample, across the width too, must lie among the pixel centres.
    const double eps = 1e-9;
    auto inside = [&](double x, double y) {
        return x >= -eps && y >= -eps && x <= image.width() - 1 + eps &&
               y <= image.height() - 1 + eps;
    };
    const double half = 0.5 * (across - 1);
    const double sEnd = double(samples - 1) * options.stepPx;
    for (double u : {-half, half})
        for (double sv : {0.0, sEnd})
            if (!inside(line.x0 + sv * tx + u * nx, line.y0 + sv * ty + u * ny))
                throw InputError("edge profile: the line (" + fmt(line.x0) + ", " + fmt(line.y0) +
                                 ") – (" + fmt(line.x1) + ", " + fmt(line.y1) +
                                 ") with width " + fmt(options.widthPx) + " leaves the " +
                                 std::to_string(image.width()) + "×" +
                                 std::to_string(image.height()) + " image");

    EdgeProfile p;
    p.acrossLines = across;
    p.stepPx = options.stepPx;
    p.positionPx.resize(std::size_t(samples));
    p.value.resize(std::size_t(samples));
    std::vector<std::vector<PixelWeight>> weights{std::size_t(samples)};
    for (long i = 0; i < samples; ++i) {
        const double sv = double(i) * options.stepPx;
        double acc = 0;
        auto& wi = weights[std::size_t(i)];
        wi.reserve(std::size_t(4 * across));
        for (int j = 0; j < across; ++j) {
            const double u = double(j) - half;
            const double x = std::clamp(line.x0 + sv * tx + u * nx, 0.0, double(image.width() - 1));
            const double y = std::clamp(line.y0 + sv * ty + u * ny, 0.0, double(image.height() - 1));
            acc += bilinear(image, x, y, 1.0 / across, wi);
        }
        mergeWeights(wi);
        p.positionPx[std::size_t(i)] = sv;
        p.value[std::size_t(i)] = acc / across;
    }
    // Samples further apart than two pixels along both axes share no pixel.
    const double perStep = options.stepPx * std::max(std::abs(tx), std::abs(ty));
    const std::size_t bands =
        std::min<std::size_t>(std::size_t(samples), std::size_t(std::ceil(2.0 / perStep)) + 1);
    p.noiseCovariance.resize(bands);
    for (std::size_t d = 0; d < bands; ++d) {
        auto& band = p.noiseCovariance[d];
        band.resize(std::size_t(samples) - d);
        for (std::size_t i = 0; i + d < std::size_t(samples); ++i)
            band[i] = sharedWeight(weights[i], weights[i + d]);
    }
    return p;
}

EdgeFit fitEdgeProfile(const EdgeProfile& profile, double pixelSizeM)
{
    if (!std::isfinite(pixelSizeM) || pixelSizeM <= 0)
        throw InputError("edge fit: pixel size must be finite and positive");
    const std::size_t n = profile.value.size();
    if (profile.positionPx.size() != n)
        throw InputError("edge fit: positions and values differ in length");
    if (n < std::size_t(kMinSamples))
        throw InputError("no edge: the profile is too short (" + std::to_string(n) +
                         " samples; need at least " + std::to_string(kMinSamples) + ")");
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(profile.value[i]) || !std::isfinite(profile.positionPx[i]))
            throw InputError("no edge: the profile holds non-finite values (NaN or Inf)");
    const auto [mn, mx] = std::minmax_element(profile.value.begin(), profile.value.end());
    if (!(*mx > *mn))
        throw InputError("no edge: the profile is flat");

    const std::vector<double>& sv = profile.positionPx;
    const Start st = startingValues(sv, profile.value);
    const double length = sv.back() - sv.front();
    const double step = sv[1] - sv[0];

    // Fit in normalised values (y − a₀) / scale so the solver's tolerances mean the same for
    // any image scale.
    const double scale = std::max(std::abs(st.b), 0.5 * (*mx - *mn));
    Eigen::VectorXd s{Eigen::Index(n)}, y{Eigen::Index(n)};
    for (std::size_t i = 0; i < n; ++i) {
        s[Eigen::Index(i)] = sv[i];
        y[Eigen::Index(i)] = (profile.value[i] - st.a) / scale;
    }
    ErfFunctor f{s, y};

    Eigen::VectorXd best;
    double bestCost = std::numeric_limits<double>::infinity();
    int evaluations = 0;
    for (double widthFactor : {1.0, 0.3, 3.0}) {
        Eigen::VectorXd p(4);
        p << 0.0, st.b / scale, st.x0, st.sigma * widthFactor;
        Eigen::LevenbergMarquardt<ErfFunctor> lm(f);
        lm.parameters.xtol = 1e-12;
        lm.parameters.ftol = 1e-12;
        lm.parameters.maxfev = 2000;
        const auto status = lm.minimize(p);
        evaluations += int(lm.nfev);
        if (status == Eigen::LevenbergMarquardtSpace::ImproperInputParameters ||
            status == Eigen::LevenbergMarquardtSpace::UserAsked || !p.allFinite() || p[3] == 0)
            continue;
        Eigen::VectorXd r{Eigen::Index(n)};
        f(p, r);
        const double cost = r.squaredNorm();
        if (cost < bestCost) {
            bestCost = cost;
            best = p;
        }
    }
    if (best.size() != 4)
        throw InputError("no edge: the erf fit did not converge");

    // erf is odd: (b, σ) and (−b, −σ) are the same curve; report σ > 0.
    if (best[3] < 0) {
        best[3] = -best[3];
        best[1] = -best[1];
    }
    Eigen::MatrixXd J{Eigen::Index(n), Eigen::Index(4)};
    f.df(best, J);
    const int dof = int(n) - 4;
    const Eigen::Matrix4d JtJ = J.transpose() * J;
    const Eigen::FullPivLU<Eigen::Matrix4d> lu(JtJ);
    const double sigmaPx = best[3];
    if (sigmaPx < 0.05 * step || !lu.isInvertible())
        throw InputError("no edge: the edge is sharper than the sampling step (σ < " +
                         fmt(0.05 * step) +
                         " px cannot be determined; use a smaller step or an oblique line)");
    const Eigen::Matrix4d M = lu.inverse();
    Eigen::Matrix4d cov;
    double noiseVar = 0;
    const auto& C = profile.noiseCovariance;
    if (C.empty()) {
        noiseVar = bestCost / dof;
        cov = noiseVar * M;
    } else {
        // Sandwich covariance for sample noise s²C (see EdgeFit).
        if (C[0].size() != n)
            throw InputError("edge fit: noise covariance does not match the profile");
        Eigen::Matrix4d JCJ = Eigen::Matrix4d::Zero();
        double traceC = 0;
        for (std::size_t d = 0; d < C.size(); ++d)
            for (std::size_t i = 0; i + d < n && i < C[d].size(); ++i) {
                const double c = C[d][i];
                if (c == 0)
                    continue;
                const Eigen::Vector4d ji = J.row(Eigen::Index(i)).transpose();
                const Eigen::Vector4d jk = J.row(Eigen::Index(i + d)).transpose();
                if (d == 0) {
                    JCJ.noalias() += c * ji * ji.transpose();
                    traceC += c;
                } else {
                    JCJ.noalias() += c * (ji * jk.transpose() + jk * ji.transpose());
                }
            }
        const double effectiveDof = traceC - (M * JCJ).trace();
        if (!(effectiveDof > 0))
            throw InputError("no edge: too few independent samples for the erf fit");
        noiseVar = bestCost / effectiveDof;
        cov = noiseVar * (M * JCJ * M);
    }
    Eigen::Vector4d se;
    for (int i = 0; i < 4; ++i)
        se[i] = std::sqrt(std::max(0.0, cov(i, i)));
    if (!se.allFinite())
        throw InputError("no edge: the erf fit is undetermined");

    if (!(std::abs(best[1]) >= kMinStepSignificance * se[1]))
        throw InputError("no edge: the fitted step (" + fmt(best[1] * scale) + ") is within " +
                         fmt(std::abs(best[1]) / se[1]) + " standard errors of zero");
    if (best[2] < sv.front() || best[2] > sv.back())
        throw InputError("no edge: the fitted edge position (" + fmt(best[2]) +
                         " px) lies outside the line (0 – " + fmt(sv.back()) + " px)");
    if (sigmaPx > 0.5 * length)
        throw InputError("no edge: the fitted width σ = " + fmt(sigmaPx) +
                         " px exceeds half the line (" + fmt(length) +
                         " px); lengthen the line across the edge");

    EdgeFit fit;
    fit.a = st.a + scale * best[0];
    fit.b = scale * best[1];
    fit.x0Px = best[2];
    fit.sigmaPx = sigmaPx;
    fit.aStderr = scale * se[0];
    fit.bStderr = scale * se[1];
    fit.x0StderrPx = se[2];
    fit.sigmaStderrPx = se[3];
    fit.pixelSizeM = pixelSizeM;
    fit.sigmaM = sigmaPx * pixelSizeM;
    fit.sigmaStderrM = se[3] * pixelSizeM;
    fit.fwhmM = kFwhmPerSigma * fit.sigmaM;
    fit.fwhmStderrM = kFwhmPerSigma * fit.sigmaStderrM;
    fit.samples = int(n);
    fit.degreesOfFreedom = dof;
    fit.evaluations = evaluations;
    fit.fitted.resize(n);
    fit.residual.resize(n);
    double rss = 0;
    for (std::size_t i = 0; i < n; ++i) {
        fit.fitted[i] = fit.a + fit.b * std::erf((sv[i] - fit.x0Px) / (kSqrt2 * fit.sigmaPx));
        fit.residual[i] = profile.value[i] - fit.fitted[i];
        rss += fit.residual[i] * fit.residual[i];
    }
    fit.rmsResidual = std::sqrt(rss / double(n));
    fit.noiseStd = scale * std::sqrt(noiseVar);
    return fit;
}

template <typename T>
EdgeMeasurement measureEdge(const Image<T>& image, const EdgeLine& line, double pixelSizeM,
                            const EdgeProfileOptions& options)
{
    EdgeMeasurement m;
    m.profile = sampleEdgeProfile(image, line, options);
    m.fit = fitEdgeProfile(m.profile, pixelSizeM);
    return m;
}

template EdgeProfile sampleEdgeProfile(const Image<float>&, const EdgeLine&,
                                       const EdgeProfileOptions&);
template EdgeProfile sampleEdgeProfile(const Image<double>&, const EdgeLine&,
                                       const EdgeProfileOptions&);
template EdgeMeasurement measureEdge(const Image<float>&, const EdgeLine&, double,
                                     const EdgeProfileOptions&);
template EdgeMeasurement measureEdge(const Image<double>&, const EdgeLine&, double,
                                     const EdgeProfileOptions&);

} // namespace phaselab::core
