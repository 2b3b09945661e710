// Distance autofocus (issue 14): the spectrum criterion finds the distance of simulated
// holograms from a range centred 15–20 % off the truth, within 1 %: the demo sample (periodic,
// the DGN geometry) and weak spheres recorded as an external simulator would (non-periodic,
// binned, Poisson noise) at Fresnel numbers 0.01 … 0.001. Strong-phase spheres are reported,
// not asserted: the criterion assumes linear contrast (see docs/classical_reconstruction.md).
// The residual criterion finds 6 rad spheres' distance at F = 0.1 within about 1 %.
#include <QtTest>

#include <phaselab/core/autofocus.h>
#include <phaselab/core/error.h>
#include <phaselab/core/phantom.h>

#include <cmath>
#include <cstdio>

#include "sphere_holograms.h"

using namespace phaselab;

namespace {

/// Relative error of the distance autofocus finds in [0.8, 1.2] × (guess × truth).
double relativeError(const core::ImageF& hologram, const core::Geometry& g, double guess,
                     double betaDelta, core::AutofocusResult* out = nullptr)
{
    core::AutofocusOptions o;
    o.minDistanceM = 0.8 * guess * g.distanceM;
    o.maxDistanceM = 1.2 * guess * g.distanceM;
    o.betaOverDelta = betaDelta;
    core::Geometry wrong = g;
    wrong.distanceM = guess * g.distanceM;  // ignored by autofocus, as a user's guess would be
    const core::AutofocusResult r = core::autofocus(hologram, wrong, o);
    if (out)
        *out = r;
    return r.distanceM / g.distanceM - 1.0;
}

} // namespace

class AutofocusTest : public QObject {
    Q_OBJECT

private slots:
    void demoSample()
    {
        const core::DemoSample demo = core::makeDemoSample(256);
        for (double guess : {0.84, 1.0, 1.2}) {
            core::AutofocusResult r;
            const double e = relativeError(demo.hologram, demo.geometry, guess, 0.0, &r);
            std::printf("demo 256², guess %.2f × truth: error %+.4f %%\n", guess, 100 * e);
            QVERIFY2(std::abs(e) < 0.01, qPrintable(QString::number(100 * e)));
            // The curve covers the range and has its minimum near the truth.
            QCOMPARE(int(r.distancesM.size()), 41);
            QCOMPARE(r.distancesM.size(), r.criterion.size());
            QVERIFY(std::abs(r.distancesM.front() / (0.8 * guess * demo.geometry.distanceM) - 1) < 1e-9);
            const auto best = std::min_element(r.criterion.begin(), r.criterion.end());
            const double dBest = r.distancesM[std::size_t(best - r.criterion.begin())];
            QVERIFY(std::abs(dBest / demo.geometry.distanceM - 1) < 0.02);
        }
    }

    void weakSpheres()
    {
        for (double F : {0.01, 0.003, 0.001}) {
            const test::SphereData d =
                test::sphereHolograms(256, test::sphereDistanceM(F), 1e5, 7, 0.3);
            for (double guess : {0.84, 1.2}) {
                const double e = relativeError(d.hologram, d.geometry, guess, 1.0 / test::kSphereDeltaBeta);
                std::printf("weak spheres (0.3 rad) 256², F %.3f, guess %.2f × truth: error %+.3f %%\n",
                            F, guess, 100 * e);
                QVERIFY2(std::abs(e) < 0.01, qPrintable(QString::number(100 * e)));
            }
        }
    }

    // Reported only: at 2 and 6 rad the rings move (nonlinear contrast), and with fewer than
    // about 20 rings (F ≥ 0.03 at 256²) the fit has too little to hold on to.
    void strongSpheresReported()
    {
        for (double phase : {2.0, 6.0})
            for (double F : {0.1, 0.01, 0.001}) {
                const test::SphereData d =
                    test::sphereHolograms(256, test::sphereDistanceM(F), 1e5, 7, phase);
                const double e = relativeError(d.hologram, d.geometry, 1.2, 1.0 / test::kSphereDeltaBeta);
                std::printf("spheres (%.0f rad) 256², F %.3f, guess 1.2 × truth: error %+.2f %%\n",
                            phase, F, 100 * e);
                QVERIFY(std::isfinite(e));
            }
    }

    // The residual criterion (a few IRGN steps per distance) on 6 rad spheres at F = 0.1, where
    // the spectrum criterion is 19 % off: about 1 % from ranges centred 16 % and 20 % off
    // (measured −0.22 and −0.73 %; the residual is rough in D at the 1 % level: 2–5 steps give
    // −1.1 … +0.8 %). At F = 0.01 and 0.001 IRGN's starts fail, and so does the criterion.
    void residualCriterionOnStrongPhase()
    {
        const test::SphereData d = test::sphereHolograms(128, test::sphereDistanceM(0.1));
        for (double guess : {0.84, 1.2}) {
            core::AutofocusOptions o;
            o.criterion = core::FocusCriterion::Residual;
            o.minDistanceM = 0.8 * guess * d.geometry.distanceM;
            o.maxDistanceM = 1.2 * guess * d.geometry.distanceM;
            o.betaOverDelta = 1.0 / test::kSphereDeltaBeta;
            const core::AutofocusResult r = core::autofocus(d.hologram, d.geometry, o);
            const double e = r.distanceM / d.geometry.distanceM - 1.0;
            std::printf("residual criterion, spheres (6 rad) 128², F 0.1, guess %.2f × truth: "
                        "error %+.3f %%\n", guess, 100 * e);
            QVERIFY(r.used == core::FocusCriterion::Residual);
            QCOMPARE(int(r.distancesM.size()), o.samples);
            QCOMPARE(r.distancesM.size(), r.criterion.size());
            QVERIFY2(std::abs(e) < 0.015, qPrintable(QString::number(100 * e)));
        }
    }

    void badInput()
    {
        const core::Geometry g{15.0, 0.01, 100e-9};
        core::AutofocusOptions o;
        o.minDistanceM = 0.01;
        o.maxDistanceM = 0.005;
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::autofocus(core::ImageF(64, 64, 1.0f), g, o));
        o.maxDistanceM = 0.02;
        o.samples = 2;
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::autofocus(core::ImageF(64, 64, 1.0f), g, o));
        o.samples = 41;
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::autofocus(core::ImageF(16, 16, 1.0f), g, o));
        core::ImageF nan(64, 64, 1.0f);
        nan(3, 4) = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::autofocus(nan, g, o));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::parseFocusCriterion("sharpness"));
        QVERIFY(core::parseFocusCriterion("spectrum") == core::FocusCriterion::Spectrum);
        QVERIFY(core::parseFocusCriterion("residual") == core::FocusCriterion::Residual);
        QCOMPARE(core::toString(core::FocusCriterion::Residual), std::string("residual"));
        o.residualSteps = 0;
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::autofocus(core::ImageF(64, 64, 1.0f), g, o));
    }
};

QTEST_APPLESS_MAIN(AutofocusTest)
#include "autofocus_test.moc"
