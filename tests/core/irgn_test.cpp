// IRGN (physics.md §3–4): monotone residual without noise, the homogeneous variant against CTF
// at the DGN geometry with 1 % noise, cancellation between CG iterations, positivity, support,
// Sobolev penalty, CTF start, discrepancy stop and bad parameters.
#include <QtTest>

#include <phaselab/core/ctf.h>
#include <phaselab/core/error.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/irgn.h>
#include <phaselab/core/materials.h>
#include <phaselab/core/phantom.h>

#include "test_util.h"

#include <cmath>
#include <limits>
#include <random>

using namespace phaselab;

namespace {

// The DGN paper's IRGN, which these tests pin down: a fixed α_0 and CG count, no safeguard,
// the CTF start at a manual α on the periodic hologram (issue 14's defaults are tested in
// irgn_safeguard_test.cpp).
core::IrgnOptions classic()
{
    core::IrgnOptions o;
    o.alpha0FromData = false;
    o.initialGuess = core::IrgnInitialGuess::Zero;
    o.cgIterations = 10;
    o.cgTolerance = 0;
    o.monotone = false;
    o.ctf.alphaRule = core::AlphaRule::Manual;
    o.ctf.fadeBorder = false;
    return o;
}

template <typename A, typename B>
double nmse(const core::Image<A>& x, const core::Image<B>& ref)
{
    const double r = test::relativeDifference(x, ref);
    return r * r;
}

// A homogeneous gold object (ellipsoids and a paraboloid, 13 keV) on an n × n grid, scaled so
// its largest phase shift is maxPhase; B = (β/δ) φ with xraylib's β/δ.
struct GoldObject {
    core::PhaseObject object;
    double betaDelta = 0;
};

GoldObject goldObject(int n, double maxPhase, double energyKeV)
{
    using K = core::Solid::Kind;
    struct Spec {
        K kind;
        double cx, cy, a, b, angle, thicknessNm;
    };
    const Spec specs[] = {
        {K::Ellipsoid, 0.35, 0.40, 0.20, 0.12, 0.4, 200},
        {K::Paraboloid, 0.68, 0.62, 0.15, 0.15, 0.0, 300},
        {K::Ellipsoid, 0.30, 0.75, 0.08, 0.05, -0.5, 150},
        {K::Ellipsoid, 0.70, 0.25, 0.05, 0.10, 1.0, 250},
    };
    std::vector<core::Solid> solids;
    for (const Spec& s : specs) {
        core::Solid solid;
        solid.kind = s.kind;
        solid.centreX = s.cx * n;
        solid.centreY = s.cy * n;
        solid.semiAxisA = s.a * n;
        solid.semiAxisB = s.b * n;
        solid.angle = s.angle;
        solid.maxThicknessM = s.thicknessNm * 1e-9;
        solids.push_back(solid);
    }
    GoldObject g;
    g.object = core::projectSolids(solids, {core::Material::gold()}, energyKeV, n, n, 4);
    double mx = 0;
    for (double v : g.object.phase)
        mx = std::max(mx, v);
    for (auto& v : g.object.phase)
        v *= maxPhase / mx;
    for (auto& v : g.object.absorption)
        v *= maxPhase / mx;
    const core::RefractiveIndex ri = core::refractiveIndex(core::Material::gold(), energyKeV);
    g.betaDelta = ri.beta / ri.delta;
    return g;
}

// I = F(B, φ) (periodic, double) plus Gaussian noise of standard deviation sigma, as float.
core::ImageF hologram(const core::Geometry& g, const core::PhaseObject& f, double sigma,
                      unsigned seed)
{
    const core::ImageD I = core::propagateIntensity(g, f.absorption, f.phase);
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, sigma);
    core::ImageF out(I.width(), I.height());
    for (std::size_t i = 0; i < I.size(); ++i)
        out[i] = float(I[i] + (sigma > 0 ? noise(rng) : 0.0));
    return out;
}

// Cancels its token at the n-th report, as a GUI's cancel button would between two reports.
class CancelAt : public core::ProgressSink {
public:
    CancelAt(core::CancelToken& token, int n) : m_token(token), m_n(n) {}
    void report(double fraction, const std::string&) override
    {
        QVERIFY(fraction >= 0.0 && fraction <= 1.0 + 1e-12);
        if (++m_reports == m_n)
            m_token.cancel();
    }
    int reports() const { return m_reports; }

private:
    core::CancelToken& m_token;
    int m_n;
    int m_reports = 0;
};

} // namespace

class IrgnTest : public QObject {
    Q_OBJECT

private slots:
    void residualFallsMonotonicallyWithoutNoise_data()
    {
        QTest::addColumn<bool>("homogeneous");
        QTest::newRow("joint (B, φ)") << false;
        QTest::newRow("homogeneous") << true;
    }

    void residualFallsMonotonicallyWithoutNoise()
    {
        QFETCH(bool, homogeneous);
        const core::Geometry g = core::Geometry::dgnPaper();
        const GoldObject obj = goldObject(128, 0.5, g.energyKeV);
        const core::ImageF I = hologram(g, obj.object, 0.0, 1);
        core::IrgnOptions o = classic();
        o.newtonSteps = 15;
        o.cgIterations = 10;
        if (homogeneous)
            o.betaDelta = obj.betaDelta;
        core::Irgn irgn(I, g, o);
        QCOMPARE(irgn.iterations(), 0);
        QCOMPARE(irgn.residualHistory().size(), std::size_t(1));
        QCOMPARE(irgn.run(), 15);
        QCOMPARE(irgn.iterations(), 15);
        QCOMPARE(irgn.stopReason(), core::IrgnStop::IterationLimit);
        QCOMPARE(irgn.step(3), 0);  // stopped: no more steps
        // At most 10 CG iterations per step; fewer when the inner system is solved to float
        // precision (at f = 0 the joint F′*F′ has only two eigenvalues).
        QVERIFY(irgn.cgIterationsDone() <= 15LL * 10 && irgn.cgIterationsDone() >= 15);
        const std::vector<double>& h = irgn.residualHistory();
        QCOMPARE(h.size(), std::size_t(16));
        QString curve;
        for (double r : h)
            curve += QString::number(r, 'g', 3) + " ";
        qInfo("residual curve: %s", qPrintable(curve));
        for (std::size_t k = 1; k < h.size(); ++k)
            QVERIFY2(h[k] < h[k - 1], qPrintable(QString("step %1: %2 ≥ %3").arg(k).arg(h[k]).arg(h[k - 1])));
        QVERIFY2(h.back() < 0.05 * h.front(), qPrintable(curve));
        QCOMPARE(irgn.residual(), h.back());
        QVERIFY(std::abs(irgn.alpha() - o.alpha0 * std::pow(o.q, 15)) < 1e-9 * o.alpha0);
        if (homogeneous) {
            for (std::size_t i = 0; i < I.size(); ++i)
                QVERIFY(std::abs(irgn.absorption()[i] - float(obj.betaDelta) * irgn.phase()[i]) < 1e-6f);
        }
    }

    void homogeneousIrgnBeatsCtfAtDgnGeometry()
    {
        // The comparison: phase up to 0.6 rad, DGN geometry (13 keV, 20 mm, 12 nm),
        // σ = 1 % of the flat field, homogeneous IRGN with 20 Newton × 10 CG steps.
        const core::Geometry g = core::Geometry::dgnPaper();
        const int n = 256;
        const GoldObject obj = goldObject(n, 0.6, g.energyKeV);
        const core::ImageF I = hologram(g, obj.object, 0.01, 2);

        // CTF at its defaults and at its best regularisation on a grid: a fair baseline.
        core::CtfOptions c;
        c.betaDelta = obj.betaDelta;
        c.alphaRule = core::AlphaRule::Manual;  // the α grid below is absolute
        c.fadeBorder = false;                   // the hologram is periodic
        const double ctfDefault = nmse(core::reconstructCtf(I, g, c).phase, obj.object.phase);
        double ctfBest = std::numeric_limits<double>::infinity();
        for (double high : {1e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0}) {
            c.alphaHigh = high;
            ctfBest = std::min(ctfBest, nmse(core::reconstructCtf(I, g, c).phase, obj.object.phase));
        }

        core::IrgnOptions o = classic();
        o.betaDelta = obj.betaDelta;
        o.newtonSteps = 20;
        o.cgIterations = 10;
        core::Irgn irgn(I, g, o);
        irgn.run();
        const double irgnErr = nmse(irgn.phase(), obj.object.phase);

        o.positivity = true;
        core::Irgn positive(I, g, o);
        positive.run();
        const double positiveErr = nmse(positive.phase(), obj.object.phase);
        qInfo("phase NMSE: CTF default %.2f %%, CTF best %.2f %%, IRGN 20×10 %.2f %%, with "
              "positivity %.2f %%",
              100 * ctfDefault, 100 * ctfBest, 100 * irgnErr, 100 * positiveErr);
        QVERIFY2(irgnErr < 0.05, qPrintable(QString("IRGN NMSE %1").arg(irgnErr)));
        QVERIFY2(irgnErr < 0.5 * ctfBest, qPrintable(QString("IRGN %1 vs best CTF %2").arg(irgnErr).arg(ctfBest)));
        QVERIFY2(ctfDefault > 0.10, qPrintable(QString("CTF default NMSE %1").arg(ctfDefault)));
        QVERIFY2(positiveErr < irgnErr, qPrintable(QString("positivity %1").arg(positiveErr)));
    }

    void cancellationStopsWithinOneCgIteration()
    {
        const core::Geometry g = core::Geometry::dgnPaper();
        const GoldObject obj = goldObject(64, 0.3, g.energyKeV);
        const core::ImageF I = hologram(g, obj.object, 0.0, 3);
        core::IrgnOptions o = classic();
        o.newtonSteps = 5;
        o.cgIterations = 10;
        core::Irgn irgn(I, g, o);
        QCOMPARE(irgn.step(1), 1);
        const long long cgAfterOne = irgn.cgIterationsDone();
        const core::Reconstruction afterOne = irgn.current();
        const double residualAfterOne = irgn.residual();

        core::CancelToken token;
        CancelAt sink(token, 4);  // during the second Newton step, after its 4th CG iteration
        const core::ProgressReporter reporter(&sink, &token);
        QVERIFY_THROWS_EXCEPTION(core::Cancelled, irgn.step(2, reporter));
        QCOMPARE(sink.reports(), 4);
        // No CG iteration ran after the request; the estimate is that of the last full step.
        QCOMPARE(irgn.cgIterationsDone(), cgAfterOne + 4);
        QCOMPARE(irgn.iterations(), 1);
        QCOMPARE(irgn.residual(), residualAfterOne);
        QVERIFY(test::relativeDifference(irgn.phase(), afterOne.phase) == 0.0);
        QVERIFY(test::relativeDifference(irgn.absorption(), afterOne.absorption) == 0.0);

        // A token set before the call stops before any work.
        QVERIFY_THROWS_EXCEPTION(core::Cancelled, irgn.step(1, reporter));
        QCOMPARE(irgn.cgIterationsDone(), cgAfterOne + 4);

        // Resuming after a reset continues from step 1 and agrees with an uninterrupted run.
        token.reset();
        QCOMPARE(irgn.step(1, reporter), 1);
        core::Irgn reference(I, g, o);
        reference.step(2);
        QCOMPARE(irgn.iterations(), 2);
        QVERIFY(test::relativeDifference(irgn.phase(), reference.phase()) < 1e-6);
    }

    void positivityKeepsObjectNonNegative()
    {
        const core::Geometry g = core::Geometry::dgnPaper();
        const GoldObject obj = goldObject(128, 0.5, g.energyKeV);
        const core::ImageF I = hologram(g, obj.object, 0.02, 4);
        auto minimum = [](const core::ImageF& img) {
            return *std::min_element(img.begin(), img.end());
        };
        core::IrgnOptions o = classic();  // the joint problem, where B and φ move independently
        o.newtonSteps = 10;
        o.cgIterations = 10;
        core::Irgn free(I, g, o);
        free.run();
        // Without the projection the noisy joint problem does go negative: the check bites.
        QVERIFY(minimum(free.absorption()) < 0.0f || minimum(free.phase()) < 0.0f);

        o.positivity = true;
        core::Irgn positive(I, g, o);
        while (!positive.stopped()) {
            positive.step(1);
            QVERIFY(minimum(positive.absorption()) >= 0.0f);
            QVERIFY(minimum(positive.phase()) >= 0.0f);
        }
    }

    void supportHoldsOutsideAtInitialGuess()
    {
        const core::Geometry g = core::Geometry::dgnPaper();
        const int n = 64;
        const GoldObject obj = goldObject(n, 0.3, g.energyKeV);
        const core::ImageF I = hologram(g, obj.object, 0.0, 5);
        core::ImageF support(n, n, 0.0f);
        for (int y = 8; y < 56; ++y)
            for (int x = 8; x < 56; ++x)
                support(x, y) = 1.0f;
        core::IrgnOptions o = classic();
        o.newtonSteps = 5;
        o.support = support;
        core::Irgn irgn(I, g, o);
        irgn.run();
        double inside = 0;
        for (int y = 0; y < n; ++y)
            for (int x = 0; x < n; ++x) {
                if (support(x, y) == 0.0f) {
                    QCOMPARE(irgn.phase()(x, y), 0.0f);
                    QCOMPARE(irgn.absorption()(x, y), 0.0f);
                } else {
                    inside += std::abs(irgn.phase()(x, y));
                }
            }
        QVERIFY(inside > 0);
        QVERIFY(irgn.residual() < irgn.residualHistory().front());

        o.support = core::ImageF(n, n - 1, 1.0f);
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::Irgn(I, g, o));
    }

    void sobolevPenaltySmoothsTheEstimate()
    {
        // Same data and α: the Sobolev penalty leaves less energy at high frequencies than
        // Tikhonov. Measured by the finite-difference energy Σ|∇φ|² relative to Σφ².
        const core::Geometry g = core::Geometry::dgnPaper();
        const GoldObject obj = goldObject(128, 0.5, g.energyKeV);
        const core::ImageF I = hologram(g, obj.object, 0.02, 6);
        auto roughness = [](const core::ImageF& f) {
            double grad = 0, val = 0;
            for (int y = 0; y + 1 < f.height(); ++y)
                for (int x = 0; x + 1 < f.width(); ++x) {
                    const double dx = f(x + 1, y) - f(x, y), dy = f(x, y + 1) - f(x, y);
                    grad += dx * dx + dy * dy;
                    val += double(f(x, y)) * f(x, y);
                }
            return grad / val;
        };
        core::IrgnOptions o = classic();
        o.betaDelta = obj.betaDelta;
        o.newtonSteps = 15;
        core::Irgn tikhonov(I, g, o);
        tikhonov.run();
        o.penalty = core::IrgnPenalty::Sobolev;
        o.sobolevScale = 0.05;
        o.sobolevOrder = 1;
        core::Irgn sobolev(I, g, o);
        sobolev.run();
        const double rt = roughness(tikhonov.phase()), rs = roughness(sobolev.phase());
        qInfo("roughness Tikhonov %.4g, Sobolev %.4g; phase NMSE %.2f %% / %.2f %%", rt, rs,
              100 * nmse(tikhonov.phase(), obj.object.phase),
              100 * nmse(sobolev.phase(), obj.object.phase));
        QVERIFY2(rs < 0.8 * rt, qPrintable(QString("%1 vs %2").arg(rs).arg(rt)));
        QVERIFY(sobolev.residual() < sobolev.residualHistory().front());
    }

    void ctfInitialGuessStartsCloser()
    {
        const core::Geometry g = core::Geometry::dgnPaper();
        const GoldObject obj = goldObject(128, 0.3, g.energyKeV);
        const core::ImageF I = hologram(g, obj.object, 0.005, 7);
        core::IrgnOptions o = classic();
        o.betaDelta = obj.betaDelta;
        o.newtonSteps = 3;
        o.ctf.fadeBorder = false;  // the hologram is periodic
        core::Irgn zero(I, g, o);
        o.initialGuess = core::IrgnInitialGuess::Ctf;
        core::Irgn ctf(I, g, o);
        // f_0 is the CTF reconstruction with the IRGN's β/δ.
        core::CtfOptions c = o.ctf;
        c.betaDelta = obj.betaDelta;
        const core::Reconstruction f0 = core::reconstructCtf(I, g, c);
        QVERIFY(test::relativeDifference(ctf.phase(), f0.phase) < 1e-6);
        QVERIFY(ctf.residualHistory().front() < 0.5 * zero.residualHistory().front());
        zero.run();
        ctf.run();
        QVERIFY(nmse(ctf.phase(), obj.object.phase) < nmse(zero.phase(), obj.object.phase));
    }

    void discrepancyPrincipleStopsEarly()
    {
        const core::Geometry g = core::Geometry::dgnPaper();
        const GoldObject obj = goldObject(128, 0.5, g.energyKeV);
        const double sigma = 0.01;
        const core::ImageF I = hologram(g, obj.object, sigma, 8);
        core::IrgnOptions o = classic();
        o.betaDelta = obj.betaDelta;
        o.newtonSteps = 60;
        o.noiseLevel = sigma;
        o.tau = 1.2;
        core::Irgn irgn(I, g, o);
        irgn.run();
        QCOMPARE(irgn.stopReason(), core::IrgnStop::Discrepancy);
        QVERIFY(irgn.iterations() < 60);
        const auto& h = irgn.residualHistory();
        QVERIFY(h.back() <= 1.2 * sigma);
        QVERIFY(h[h.size() - 2] > 1.2 * sigma);
        qInfo("discrepancy stop after %d steps, residual %.4g", irgn.iterations(), h.back());
    }

    void badParametersAreRefused()
    {
        const core::Geometry g = core::Geometry::dgnPaper();
        const core::ImageF I(32, 32, 1.0f);
        auto refuses = [&](const core::IrgnOptions& o, const char* mention) {
            try {
                core::Irgn irgn(I, g, o);
            } catch (const core::InputError& e) {
                QVERIFY2(QString(e.what()).contains(mention), e.what());
                return;
            }
            QFAIL(qPrintable(QString("accepted, expected an error about ") + mention));
        };
        const double nan = std::numeric_limits<double>::quiet_NaN();
        core::IrgnOptions o = classic();
        o.alpha0 = 0;
        refuses(o, "α_0");
        o.alpha0 = -1;
        refuses(o, "α_0");
        o.alpha0 = nan;
        refuses(o, "α_0");
        o = {};
        o.q = 1.0;
        refuses(o, "q");
        o.q = 1.5;
        refuses(o, "q");
        o.q = 0.0;
        refuses(o, "q");
        o.q = -0.5;
        refuses(o, "q");
        o = {};
        o.newtonSteps = 0;
        refuses(o, "Newton step");
        o = {};
        o.cgIterations = 0;
        refuses(o, "CG iteration");
        o = {};
        o.betaDelta = -0.1;
        refuses(o, "β/δ");
        o = {};
        o.tau = 0.5;
        refuses(o, "τ");
        o = {};
        o.noiseLevel = -1;
        refuses(o, "noise level");
        o = {};
        o.penalty = core::IrgnPenalty::Sobolev;
        o.sobolevScale = 0;
        refuses(o, "Sobolev scale");

        core::ImageF bad = I;
        bad(5, 5) = std::numeric_limits<float>::quiet_NaN();
        try {
            core::Irgn irgn(bad, g, {});
            QFAIL("accepted a NaN hologram");
        } catch (const core::InputError& e) {
            QVERIFY2(QString(e.what()).contains("non-finite"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::Irgn(core::ImageF(), g, {}));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::Irgn(I, core::Geometry{13, -1, 1e-8}, {}));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::parseIrgnPenalty("l1"));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::parseIrgnInitialGuess("random"));
    }
};

QTEST_GUILESS_MAIN(IrgnTest)
#include "irgn_test.moc"
