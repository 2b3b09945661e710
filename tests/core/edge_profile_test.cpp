// Edge-profile sampling and the erf fit (physics.md §6) on synthetic edges of known width:
// accuracy over widths, angles, noise levels and averaging widths, the coverage of the reported
// standard error over repeats, and clear refusals when there is no edge.
#include <QtTest>

#include <phaselab/core/edge_profile.h>
#include <phaselab/core/error.h>

#include <cmath>
#include <random>

using namespace phaselab;

namespace {

constexpr double kPi = 3.14159265358979323846;

struct Edge {
    double cx, cy;      // a point on the edge [px]
    double thetaDeg;    // direction of the edge normal, from the x axis
    double sigma;       // Gaussian width [px]
    double a = 0.3, b = 0.5;
};

// I(x, y) = a + b·erf(((x − cx) cos θ + (y − cy) sin θ) / (√2 σ)) + Gaussian noise of standard
// deviation `noise`, sampled at the pixel centres.
core::ImageD erfEdge(int w, int h, const Edge& e, double noise, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> d(0.0, noise > 0 ? noise : 1.0);
    const double c = std::cos(e.thetaDeg * kPi / 180), s = std::sin(e.thetaDeg * kPi / 180);
    core::ImageD img(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double u = (x - e.cx) * c + (y - e.cy) * s;
            img(x, y) = e.a + e.b * std::erf(u / (std::sqrt(2.0) * e.sigma)) +
                        (noise > 0 ? d(rng) : 0.0);
        }
    return img;
}

// The line of length `length` along the edge normal, centred on (cx, cy).
core::EdgeLine normalLine(const Edge& e, double length)
{
    const double c = std::cos(e.thetaDeg * kPi / 180), s = std::sin(e.thetaDeg * kPi / 180);
    return {e.cx - 0.5 * length * c, e.cy - 0.5 * length * s, e.cx + 0.5 * length * c,
            e.cy + 0.5 * length * s};
}

template <typename F>
void expectInputError(F&& f, const char* mustMention)
{
    try {
        f();
    } catch (const core::InputError& e) {
        QVERIFY2(QString(e.what()).contains(mustMention), e.what());
        return;
    }
    QFAIL(qPrintable(QString("no InputError mentioning \"%1\"").arg(mustMention)));
}

} // namespace

class EdgeProfileTest : public QObject {
    Q_OBJECT

private slots:
    void bilinearSamplingIsExactOnAPlane()
    {
        // Bilinear interpolation reproduces a plane, and averaging symmetric offsets across
        // the line returns the value on the line.
        core::ImageF img(40, 30);
        for (int y = 0; y < 30; ++y)
            for (int x = 0; x < 40; ++x)
                img(x, y) = float(1 + 2 * x + 3 * y);
        const core::EdgeLine line{5.25, 7.5, 30.75, 19.0};
        for (double width : {1.0, 4.0, 7.0}) {
            core::EdgeProfileOptions o;
            o.widthPx = width;
            o.stepPx = 0.5;
            const core::EdgeProfile p = core::sampleEdgeProfile(img, line, o);
            const double len = std::hypot(line.x1 - line.x0, line.y1 - line.y0);
            QCOMPARE(int(p.value.size()), int(std::floor(len / 0.5)) + 1);
            QCOMPARE(p.acrossLines, int(std::lround(width)));
            for (std::size_t i = 0; i < p.value.size(); ++i) {
                const double s = 0.5 * double(i);
                QVERIFY(std::abs(p.positionPx[i] - s) < 1e-12);
                const double x = line.x0 + s * (line.x1 - line.x0) / len;
                const double y = line.y0 + s * (line.y1 - line.y0) / len;
                QVERIFY(std::abs(p.value[i] - (1 + 2 * x + 3 * y)) < 1e-4);
            }
        }
        // Averaging across: a pattern that varies only across an x-directed line averages out.
        core::ImageD stripes(20, 20);
        for (int y = 0; y < 20; ++y)
            for (int x = 0; x < 20; ++x)
                stripes(x, y) = (y % 2) ? 1.0 : 3.0;
        core::EdgeProfileOptions o;
        o.widthPx = 4;
        const auto p = core::sampleEdgeProfile(stripes, {2, 10, 17, 10}, o);
        for (double v : p.value)
            QVERIFY(std::abs(v - 2.0) < 1e-12);
    }

    void noiseFreeFitIsExact()
    {
        const Edge e{40, 32, 0, 2.5};
        const auto img = erfEdge(80, 64, e, 0, 0);
        const double dx = 50e-9;
        const auto m = core::measureEdge(img, normalLine(e, 40), dx);
        QVERIFY(std::abs(m.fit.sigmaPx - 2.5) < 1e-6);
        QVERIFY(std::abs(m.fit.x0Px - 20.0) < 1e-6);
        QVERIFY(std::abs(m.fit.a - e.a) < 1e-8);
        QVERIFY(std::abs(m.fit.b - e.b) < 1e-8);
        QVERIFY(std::abs(m.fit.sigmaM - 2.5 * dx) < 1e-6 * dx);
        QVERIFY(std::abs(m.fit.fwhmM - 2.3548200450309493 * m.fit.sigmaM) < 1e-20);
        QVERIFY(std::abs(m.fit.fwhmStderrM - 2.3548200450309493 * m.fit.sigmaStderrM) < 1e-20);
        QVERIFY(m.fit.rmsResidual < 1e-8);
        QCOMPARE(m.fit.samples, 41);
        QCOMPARE(m.fit.degreesOfFreedom, 37);
        for (std::size_t i = 0; i < m.profile.value.size(); ++i)
            QVERIFY(std::abs(m.fit.fitted[i] + m.fit.residual[i] - m.profile.value[i]) < 1e-12);

        // A falling edge (line the other way round): the same σ, b negative, x0 from the start.
        const core::EdgeLine fwd = normalLine(e, 40);
        const auto back = core::measureEdge(img, {fwd.x1, fwd.y1, fwd.x0, fwd.y0}, dx);
        QVERIFY(std::abs(back.fit.sigmaPx - 2.5) < 1e-6);
        QVERIFY(std::abs(back.fit.b + e.b) < 1e-8);
        QVERIFY(std::abs(back.fit.x0Px - 20.0) < 1e-6);
        // The image's scale does not matter.
        core::ImageD big = img;
        for (auto& v : big)
            v = 1e4 * v + 3e5;
        const auto scaled = core::measureEdge(big, fwd, dx);
        QVERIFY(std::abs(scaled.fit.sigmaPx - 2.5) < 1e-6);
    }

    void recoversKnownSigmaWithinOnePercent()
    {
        // Several widths, angles, noise levels (standard deviation as a fraction of the step
        // height 2b) and averaging widths. Off the axes, bilinear interpolation itself widens
        // the edge: its weights have variance f(1 − f) per axis, 1/6 px² on average, so σ² gains
        // about 1/6 px² (1 % at σ = 3 px); σ ≥ 5 px keeps that below 0.35 %. On the axes with
        // whole-pixel steps the samples are the pixels themselves.
        struct Case {
            double sigma, theta;
        };
        const std::vector<Case> cases{{1.5, 0},  {3, 0},   {8, 0},   {5, 20},  {5, 45},
                                      {8, 30},   {8, 70},  {12, 45}, {5, 90},  {3, 90}};
        // Noise up to 0.5 % of the step height keeps SE(σ) ≤ 0.4 % with 11 px or more averaged,
        // so every fit must land within 1 %; at 1 % and 2 % noise the fits must agree with the
        // truth (plus the interpolation widening) within 4 reported standard errors.
        int fits = 0;
        double worst = 0, worstSe = 0, worstZ = 0;
        unsigned seed = 1;
        for (const Case& c : cases)
            for (double noise : {0.0, 0.0025, 0.005, 0.01, 0.02})
                for (double width : {11.0, 31.0}) {
                    const double length = std::max(40.0, 12 * c.sigma);
                    const int size = int(length + width) + 24;
                    const bool onAxis = c.theta == 0 || c.theta == 90;
                    Edge e{size / 2.0 + 0.3, size / 2.0 - 0.2, c.theta, c.sigma};
                    if (onAxis)
                        e.cx = e.cy = size / 2;  // whole-pixel sample positions
                    const auto img = erfEdge(size, size, e, noise * 2 * e.b, seed++);
                    core::EdgeProfileOptions o;
                    o.widthPx = width;
                    const auto m = core::measureEdge(img, normalLine(e, length), 1e-6, o);
                    const double rel = m.fit.sigmaPx / c.sigma - 1;
                    const double widened =
                        onAxis ? c.sigma : std::sqrt(c.sigma * c.sigma + 1.0 / 6.0);
                    const double z = std::abs(m.fit.sigmaPx - widened) /
                                     std::max(m.fit.sigmaStderrPx, 1e-4 * c.sigma);
                    worstZ = std::max(worstZ, z);
                    const QString what = QString("σ %1 θ %2 noise %3 width %4: fit %5 ± %6")
                                             .arg(c.sigma)
                                             .arg(c.theta)
                                             .arg(noise)
                                             .arg(width)
                                             .arg(m.fit.sigmaPx)
                                             .arg(m.fit.sigmaStderrPx);
                    QVERIFY2(z < 4, qPrintable(what));
                    QVERIFY(std::abs(m.fit.x0Px - 0.5 * length) <
                            0.02 * c.sigma + 4 * m.fit.x0StderrPx);
                    if (noise <= 0.005) {
                        worst = std::max(worst, std::abs(rel));
                        worstSe = std::max(worstSe, m.fit.sigmaStderrPx / c.sigma);
                        QVERIFY2(std::abs(rel) < 0.01, qPrintable(what));
                        ++fits;
                    }
                }
        qInfo("%d edge fits with noise ≤ 0.5 %%: worst |σ_fit/σ − 1| = %.3f %%, largest "
              "SE(σ)/σ = %.3f %%; all %d fits within %.2f SE of σ (widened off-axis)",
              fits, 100 * worst, 100 * worstSe, int(cases.size()) * 10, worstZ);
    }

    void obliqueBilinearWideningIsAsPredicted()
    {
        // The documented limit of bilinear sampling: at σ = 1.5 px off the axes σ_fit² − σ²
        // is close to the weights' mean variance 1/6 px².
        double sum = 0;
        int n = 0;
        for (double theta : {17.0, 33.0, 45.0, 61.0}) {
            Edge e{40.3, 40.1, theta, 1.5};
            const auto img = erfEdge(80, 80, e, 0, 0);
            core::EdgeProfileOptions o;
            o.widthPx = 21;
            const auto m = core::measureEdge(img, normalLine(e, 40), 1.0, o);
            sum += m.fit.sigmaPx * m.fit.sigmaPx - 1.5 * 1.5;
            ++n;
        }
        qInfo("oblique σ = 1.5 px: mean σ_fit² − σ² = %.4f px² (1/6 = 0.1667)", sum / n);
        QVERIFY(std::abs(sum / n - 1.0 / 6.0) < 0.05);
    }

    void standardErrorCoversTheTruth()
    {
        // 400 noisy edges per geometry: the truth should lie within 1 SE about 68.3 % and within
        // 2 SE about 95.4 % of the time (binomial spread over 400 repeats: 2.3 % and 1.0 %).
        // On an axis with whole-pixel steps the samples are independent; off the grid and at
        // an angle, interpolation makes neighbouring samples share pixels, which the fit's
        // covariance accounts for.
        struct Geometry {
            Edge edge;
            double width, step;
        };
        const std::vector<Geometry> geometries{{{32, 32, 0, 3.0}, 3, 1.0},
                                               {{32.3, 32.1, 0, 3.0}, 3, 1.0},
                                               {{32.3, 32.1, 30, 3.0}, 4, 1.0},
                                               {{32.3, 32.1, 55, 2.0}, 1, 0.5}};
        const int repeats = 400;
        const double noise = 0.05;
        unsigned seed = 1000;
        for (const Geometry& g : geometries) {
            int within1 = 0, within2 = 0, x0Within1 = 0;
            double sumRel = 0, sumNoise = 0;
            for (int k = 0; k < repeats; ++k) {
                const auto img = erfEdge(64, 64, g.edge, noise, seed++);
                core::EdgeProfileOptions o;
                o.widthPx = g.width;
                o.stepPx = g.step;
                const auto m = core::measureEdge(img, normalLine(g.edge, 40), 1e-6, o);
                const double z = std::abs(m.fit.sigmaPx - g.edge.sigma) / m.fit.sigmaStderrPx;
                within1 += z <= 1;
                within2 += z <= 2;
                x0Within1 += std::abs(m.fit.x0Px - 20) <= m.fit.x0StderrPx;
                sumRel += m.fit.sigmaStderrPx / g.edge.sigma;
                sumNoise += m.fit.noiseStd;
            }
            const double c1 = double(within1) / repeats, c2 = double(within2) / repeats,
                         cx = double(x0Within1) / repeats;
            qInfo("edge at (%.1f, %.1f), θ %.0f°, width %.0f, step %.1f: mean SE(σ)/σ = %.2f %%, "
                  "σ within 1 SE %.1f %%, within 2 SE %.1f %%; x0 within 1 SE %.1f %%; "
                  "noise estimate %.4f (true %.4f)",
                  g.edge.cx, g.edge.cy, g.edge.thetaDeg, g.width, g.step,
                  100 * sumRel / repeats, 100 * c1, 100 * c2, 100 * cx, sumNoise / repeats, noise);
            QVERIFY(std::abs(c1 - 0.683) < 0.07);
            QVERIFY(std::abs(c2 - 0.954) < 0.035);
            QVERIFY(std::abs(cx - 0.683) < 0.07);
            QVERIFY(std::abs(sumNoise / repeats / noise - 1) < 0.05);
        }
    }

    void profileNoiseCovarianceMatchesMonteCarlo()
    {
        // The sample covariance the profile reports for unit white pixel noise, against the
        // empirical covariance of profiles of pure noise.
        const core::EdgeLine line{10.3, 12.7, 40.1, 30.2};
        core::EdgeProfileOptions o;
        o.widthPx = 2;
        o.stepPx = 0.7;
        const auto ref = core::sampleEdgeProfile(core::ImageD(50, 50, 0.0), line, o);
        const std::size_t n = ref.value.size();
        QVERIFY(ref.noiseCovariance.size() >= 3);
        std::vector<std::vector<double>> acc(3, std::vector<double>(n, 0.0));
        const int trials = 4000;
        std::mt19937 rng(7);
        std::normal_distribution<double> d(0, 1);
        core::ImageD img(50, 50);
        for (int t = 0; t < trials; ++t) {
            for (auto& v : img)
                v = d(rng);
            const auto p = core::sampleEdgeProfile(img, line, o);
            for (std::size_t b = 0; b < 3; ++b)
                for (std::size_t i = 0; i + b < n; ++i)
                    acc[b][i] += p.value[i] * p.value[i + b];
        }
        double worst = 0;
        for (std::size_t b = 0; b < 3; ++b)
            for (std::size_t i = 0; i + b < n; ++i)
                worst = std::max(worst, std::abs(acc[b][i] / trials - ref.noiseCovariance[b][i]) /
                                            ref.noiseCovariance[0][i]);
        // Monte-Carlo spread of a covariance estimate over 4000 trials: about √(2/4000) = 2 %.
        QVERIFY2(worst < 0.1, qPrintable(QString("worst relative deviation %1").arg(worst)));
        // Bands beyond the reported ones are empty: samples ≥ 2 px apart share no pixel.
        const std::size_t bands = ref.noiseCovariance.size();
        QVERIFY(double(bands) * 0.7 * std::max(std::abs(29.8), std::abs(17.5)) /
                    std::hypot(29.8, 17.5) >= 2.0);
    }

    void refusesProfilesWithoutAnEdge()
    {
        const Edge e{32, 32, 0, 2.0};
        const auto img = erfEdge(64, 64, e, 0.01, 5);
        const core::EdgeLine line = normalLine(e, 40);

        expectInputError([] { core::measureEdge(core::ImageD(64, 64, 1.5), {10, 32, 50, 32}, 1.0); },
                         "flat");
        // Pure noise: never an edge.
        for (unsigned seed = 0; seed < 50; ++seed) {
            const auto noise = erfEdge(64, 64, {32, 32, 0, 2.0, 0.0, 0.0}, 0.1, 200 + seed);
            core::EdgeProfileOptions o;
            o.widthPx = 1 + seed % 7;
            expectInputError([&] { core::measureEdge(noise, line, 1.0, o); }, "no edge");
        }
        // Too short a line.
        expectInputError([&] { core::measureEdge(img, {30, 32, 34, 32}, 1.0); }, "too short");
        // NaN on the line.
        core::ImageD nan = img;
        nan(25, 32) = std::nan("");
        expectInputError([&] { core::measureEdge(nan, line, 1.0); }, "non-finite");
        // Outside the image, along or across.
        expectInputError([&] { core::measureEdge(img, {-3, 32, 40, 32}, 1.0); }, "leaves");
        expectInputError([&] { core::measureEdge(img, {10, 32, 70, 32}, 1.0); }, "leaves");
        core::EdgeProfileOptions wide;
        wide.widthPx = 80;
        expectInputError([&] { core::measureEdge(img, line, 1.0, wide); }, "leaves");
        // A line over one plateau, the edge beyond its end.
        expectInputError([&] { core::measureEdge(img, {40, 20, 60, 20}, 1.0); }, "no edge");
        // A perfect step sampled at the pixels: σ cannot be determined.
        core::ImageD step(64, 64);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64; ++x)
                step(x, y) = x < 32 ? 0.0 : 1.0;
        expectInputError([&] { core::measureEdge(step, {12, 20, 52, 20}, 1.0); }, "sharper");
        // Degenerate input.
        expectInputError([&] { core::measureEdge(img, {20, 20, 20, 20}, 1.0); }, "zero length");
        expectInputError([&] { core::measureEdge(img, line, 0.0); }, "pixel size");
        core::EdgeProfileOptions badStep;
        badStep.stepPx = -1;
        expectInputError([&] { core::measureEdge(img, line, 1.0, badStep); }, "step");
    }
};

QTEST_GUILESS_MAIN(EdgeProfileTest)
#include "edge_profile_test.moc"
