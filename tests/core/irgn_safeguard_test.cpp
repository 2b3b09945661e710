// IRGN II (issue 14): Paganin and CTF starts, the monotone safeguard on the data residual,
// the inner stopping rule, the CTF preconditioner, α_0 from the data, NMSE per step.
#include <QtTest>

#include <phaselab/core/fresnel.h>
#include <phaselab/core/irgn.h>
#include <phaselab/core/metrics.h>
#include <phaselab/core/paganin.h>

#include "sphere_holograms.h"
#include "test_util.h"

using namespace phaselab;

class IrgnSafeguardTest : public QObject {
    Q_OBJECT

    // IRGN (homogeneous, unit padding) on the 128² spheres at Fresnel number F from `start`,
    // `steps` Newton steps; checks that no step raised the residual, that the history's NMSE
    // is the metric's, and that it ends at or below its start's NMSE (+ `slack` percentage
    // points).
    static core::Irgn solveSpheres(double F, core::IrgnInitialGuess start, int steps,
                                   double slack = 0.0)
    {
        const test::SphereData d = test::sphereHolograms(128, test::sphereDistanceM(F));
        core::IrgnOptions o;
        o.betaDelta = 1.0 / test::kSphereDeltaBeta;
        o.initialGuess = start;
        o.newtonSteps = steps;
        o.propagation.padding = core::Padding::Unit;
        o.truePhase = d.phase;
        core::Irgn irgn(d.hologram, d.geometry, o);
        irgn.run();
        const std::vector<double>& res = irgn.residualHistory();
        const std::vector<double>& err = irgn.nmseHistory();
        [&] {
            QCOMPARE(err.size(), res.size());
            for (std::size_t k = 1; k < res.size(); ++k)
                QVERIFY2(res[k] <= res[k - 1], qPrintable(QString("F %1 step %2").arg(F).arg(k)));
            QVERIFY(std::abs(err.back() - core::nmsePercent(irgn.phase(), d.phase)) < 1e-9);
            QVERIFY2(err.back() <= err.front() + slack,
                     qPrintable(QString("F = %1: %2 → %3 %")
                                    .arg(F)
                                    .arg(err.front())
                                    .arg(err.back())));
        }();
        return irgn;
    }

private slots:
    // On strong-phase spheres (6 rad, δ/β = 6000) at F = 0.1 … 0.001, IRGN from the CTF start
    // never raises the residual, and ends at or below the start's phase NMSE.
    void neverEndsWorseThanItsStart()
    {
        for (double F : {0.1, 0.01, 0.001}) {
            const core::Irgn irgn = solveSpheres(F, core::IrgnInitialGuess::Ctf, 10);
            if (QTest::currentTestFailed())
                return;
            qInfo("F=%g: CTF start %.3g%% → IRGN %.3g%% (residual %.3g → %.3g, %d steps halved "
                  "or rejected, %lld CG)",
                  F, irgn.nmseHistory().front(), irgn.nmseHistory().back(),
                  irgn.residualHistory().front(), irgn.residualHistory().back(),
                  irgn.rejectedSteps(), irgn.cgIterationsDone());
        }
    }

    // The default start (auto) with unit padding, as a user would run it on these spheres:
    // at every distance IRGN never raises the residual and ends at or below its start's NMSE,
    // and at F = 0.001, where CTF and Paganin start at ≥ 70 %, the RAAR start wins and IRGN
    // ends below 2 % (measured 0.43–0.87 %). There RAAR already fits the data to the noise
    // (residual 0.0026–0.0033, Poisson σ 0.003), and the last Newton steps fit noise: IRGN
    // moves the NMSE by −0.015 … +0.0002 percentage points (the worst in a CLI run, 0.43835 →
    // 0.43856 %), so at F = 0.001 "at or below" is checked to 0.01 points.
    void defaultStartAtEveryDistance()
    {
        for (double F : {0.1, 0.01, 0.001}) {
            const core::Irgn irgn =
                solveSpheres(F, core::IrgnInitialGuess::Auto, 20, F == 0.001 ? 0.01 : 0.0);
            if (QTest::currentTestFailed())
                return;
            const std::vector<double>& err = irgn.nmseHistory();
            qInfo("F=%g: %s start %.3g%% → IRGN %.3g%% after %d steps (residual %.3g → %.3g)", F,
                  core::toString(irgn.start()).c_str(), err.front(), err.back(),
                  irgn.iterations(), irgn.residualHistory().front(), irgn.residual());
            if (F == 0.001) {
                QVERIFY(irgn.start() == core::IrgnInitialGuess::Raar);
                QVERIFY2(err.back() < 2.0, qPrintable(QString::number(err.back())));
            }
            if (F == 0.1)  // outside the holographic regime RAAR does not compete
                QVERIFY(irgn.start() != core::IrgnInitialGuess::Raar);
        }
        // The explicit start needs the homogeneous unknown and one distance.
        const test::SphereData d = test::sphereHolograms(32, test::sphereDistanceM(0.001));
        core::IrgnOptions o;
        o.initialGuess = core::IrgnInitialGuess::Raar;
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::Irgn(d.hologram, d.geometry, o));
        o.betaDelta = 0.0;
        o.propagation.padding = core::Padding::Replicate;
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::Irgn(d.hologram, d.geometry, o));
        o.propagation.padding = core::Padding::Unit;
        QVERIFY_THROWS_EXCEPTION(
            core::InputError,
            core::Irgn(std::vector<core::ImageF>{d.hologram, d.hologram},
                       std::vector<core::Geometry>{d.geometry, d.geometry}, o));
        // The RAAR start sees the progress reporter: cancelling stops it.
        core::CancelToken cancel;
        cancel.cancel();
        QVERIFY_THROWS_EXCEPTION(core::Cancelled,
                                 core::Irgn(d.hologram, d.geometry, o, {nullptr, &cancel}));
        QVERIFY(core::parseIrgnInitialGuess("raar") == core::IrgnInitialGuess::Raar);
        QCOMPARE(core::toString(core::IrgnInitialGuess::Raar), std::string("raar"));
    }

    // The Paganin start is the Paganin reconstruction with δ/β = 1/β/δ (faded border).
    void paganinStart()
    {
        const test::SphereData d = test::sphereHolograms(64, test::sphereDistanceM(0.1));
        core::IrgnOptions o;
        o.betaDelta = 1.0 / test::kSphereDeltaBeta;
        o.initialGuess = core::IrgnInitialGuess::Paganin;
        o.newtonSteps = 1;
        const core::Irgn irgn(d.hologram, d.geometry, o);
        core::PaganinOptions p;
        p.deltaBeta = test::kSphereDeltaBeta;
        const core::Reconstruction ref = core::reconstructPaganin(d.hologram, d.geometry, p);
        QVERIFY(test::relativeDifference(irgn.phase(), ref.phase) < 1e-6);
        QVERIFY(core::parseIrgnInitialGuess("paganin") == core::IrgnInitialGuess::Paganin);
        o.betaDelta.reset();  // the joint problem has no δ/β
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::Irgn(d.hologram, d.geometry, o));
    }

    // For a weak object at f = 0 with periodic boundaries the CTF symbol is F′*F′ exactly:
    // preconditioned CG solves the Newton system in one iteration (plain CG needs dozens for
    // the homogeneous unknown) and lands on the same step.
    void preconditionerIsExactForWeakObjects()
    {
        const core::Geometry g{15.0, 0.01, 100e-9};
        for (bool joint : {false, true}) {
            const core::ImageF phi = test::smoothImage<float>(128, 128, 0.01, 3);
            core::ImageF B(128, 128);
            for (std::size_t i = 0; i < B.size(); ++i)
                B[i] = 0.1f * phi[i];
            const core::ImageF I = core::propagateIntensity(g, B, phi);
            core::Reconstruction steps[2];
            long long cg[2] = {0, 0};
            for (int pre : {0, 1}) {
                core::IrgnOptions o;
                if (!joint)
                    o.betaDelta = 0.1;
                o.initialGuess = core::IrgnInitialGuess::Zero;
                o.alpha0FromData = false;
                o.alpha0 = 1e-4;
                o.newtonSteps = 1;
                o.cgIterations = 200;
                o.cgTolerance = 1e-3;
                o.precondition = pre != 0;
                o.monotone = false;
                core::Irgn irgn(I, g, o);
                irgn.run();
                steps[pre] = irgn.current();
                cg[pre] = irgn.cgIterationsDone();
            }
            qInfo("%s: CG iterations %lld plain, %lld preconditioned", joint ? "joint" : "homogeneous",
                  cg[0], cg[1]);
            QVERIFY(cg[1] <= 2);
            // Joint: from f = 0 the right-hand side a ŷ is an eigenvector of the rank-one symbol
            // a aᵀ (|a|² = 4), so plain CG needs one iteration too.
            if (!joint)
                QVERIFY(cg[0] >= 5 * cg[1]);
            QVERIFY(test::relativeDifference(steps[1].phase, steps[0].phase) < 0.05);
        }
    }

    // α_0 from the data: the CTF rule's α reached at step 20; the inner rule stops CG
    // before the cap.
    void alpha0FromDataAndInnerRule()
    {
        const test::SphereData d = test::sphereHolograms(64, test::sphereDistanceM(0.01));
        core::IrgnOptions o;
        o.betaDelta = 1.0 / test::kSphereDeltaBeta;
        o.newtonSteps = 4;
        o.cgIterations = 200;
        core::CtfOptions c = o.ctf;
        c.betaDelta = *o.betaDelta;
        core::Ctf ctf(d.geometry, 64, 64, c);
        ctf.reconstruct(d.hologram);
        core::Irgn irgn(d.hologram, d.geometry, o);
        QVERIFY(std::abs(irgn.alpha() * std::pow(o.q, 20) / ctf.lastAlpha().alphaLow - 1) <
                1e-9);
        irgn.run();
        QVERIFY(irgn.cgIterationsDone() < 4 * 200);
    }
};

QTEST_GUILESS_MAIN(IrgnSafeguardTest)
#include "irgn_safeguard_test.moc"
