// Before and after issue 14, at the defaults a user gets (the request's periodic forward model,
// no option set but β/δ): CTF, Paganin and homogeneous IRGN on the strong-phase spheres at
// Fresnel numbers 0.1, 0.01 and 0.001. Prints the table of docs/classical_reconstruction.md
// and checks that no method got worse at any distance (Paganin: by more than 5 %).
#include <QtTest>

#include <phaselab/core/ctf.h>
#include <phaselab/core/irgn.h>
#include <phaselab/core/metrics.h>
#include <phaselab/core/paganin.h>

#include "sphere_holograms.h"

using namespace phaselab;

namespace {

constexpr int kSize = 128;
constexpr double kBetaDelta = 1.0 / test::kSphereDeltaBeta;

// main's defaults before issue 14: absolute α, the request's padding (periodic), IRGN from
// zero with α_0 = 10 and 10 CG iterations, no safeguard.
core::CtfOptions ctfBefore()
{
    core::CtfOptions c;
    c.betaDelta = kBetaDelta;
    c.alphaRule = core::AlphaRule::Manual;
    c.fadeBorder = false;
    return c;
}

core::IrgnOptions irgnBefore()
{
    core::IrgnOptions o;
    o.betaDelta = kBetaDelta;
    o.initialGuess = core::IrgnInitialGuess::Zero;
    o.alpha0FromData = false;
    o.cgIterations = 10;
    o.cgTolerance = 0;
    o.monotone = false;
    o.ctf = ctfBefore();
    return o;
}

} // namespace

class ClassicalDefaultsTest : public QObject {
    Q_OBJECT

private slots:
    void beforeAndAfter()
    {
        qInfo("| F | D [mm] | CTF before | CTF after | Paganin before | Paganin after | "
              "IRGN before | IRGN after |");
        for (double F : {0.1, 0.01, 0.001}) {
            const test::SphereData d = test::sphereHolograms(kSize, test::sphereDistanceM(F));
            auto nmse = [&](const core::ImageF& phase) { return core::nmsePercent(phase, d.phase); };
            core::CtfOptions ctfAfter;
            ctfAfter.betaDelta = kBetaDelta;
            core::PaganinOptions pagBefore, pagAfter;
            pagBefore.deltaBeta = pagAfter.deltaBeta = test::kSphereDeltaBeta;
            pagBefore.fadeBorder = false;
            core::IrgnOptions irgnAfter;
            irgnAfter.betaDelta = kBetaDelta;
            const double ctf0 = nmse(core::reconstructCtf(d.hologram, d.geometry, ctfBefore()).phase);
            const double ctf1 = nmse(core::reconstructCtf(d.hologram, d.geometry, ctfAfter).phase);
            const double pag0 = nmse(core::reconstructPaganin(d.hologram, d.geometry, pagBefore).phase);
            const double pag1 = nmse(core::reconstructPaganin(d.hologram, d.geometry, pagAfter).phase);
            core::Irgn before(d.hologram, d.geometry, irgnBefore());
            before.run();
            core::Irgn after(d.hologram, d.geometry, irgnAfter);
            after.run();
            const double irgn0 = nmse(before.phase()), irgn1 = nmse(after.phase());
            qInfo("| %g | %.3g | %.3g %% | %.3g %% | %.3g %% | %.3g %% | %.3g %% | %.3g %% |", F,
                  1e3 * d.geometry.distanceM, ctf0, ctf1, pag0, pag1, irgn0, irgn1);
            QVERIFY2(ctf1 <= ctf0, qPrintable(QString("CTF at F = %1").arg(F)));
            // Near the object (F = 0.1) the periodic and faded borders tie within 5 %.
            QVERIFY2(pag1 <= 1.05 * pag0, qPrintable(QString("Paganin at F = %1").arg(F)));
            QVERIFY2(irgn1 <= irgn0, qPrintable(QString("IRGN at F = %1").arg(F)));
        }
    }
};

QTEST_GUILESS_MAIN(ClassicalDefaultsTest)
#include "classical_defaults_test.moc"
