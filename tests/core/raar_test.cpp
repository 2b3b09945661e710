// Holographic RAAR and phase unwrapping (issue 14): strong phase at Fresnel number 0.001.
#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/metrics.h>
#include <phaselab/core/raar.h>

#include "sphere_holograms.h"
#include "test_util.h"

#include <cmath>

using namespace phaselab;

namespace {

constexpr float kTwoPi = 6.28318530717958647692f;

core::ImageF wrapped(const core::ImageF& phase)
{
    core::ImageF out = phase;
    for (float& v : out)
        v -= kTwoPi * std::round(v / kTwoPi);
    return out;
}

} // namespace

class RaarTest : public QObject {
    Q_OBJECT

private slots:
    // A smooth phase spanning 25 rad (a ramp and a bump, neighbours < π apart) is recovered
    // exactly from its wrapped values, and the free 2πk puts the border's median near 0.
    void unwrapsSmoothPhaseExactly()
    {
        const int w = 96, h = 80;
        core::ImageF truth(w, h);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const double r2 = (x - 40.0) * (x - 40.0) + (y - 45.0) * (y - 45.0);
                truth(x, y) = float(20.0 * std::exp(-r2 / 300.0) + 0.05 * x);
            }
        // Border median of the truth, rounded to 2π, is what unwrapping removes.
        const core::ImageF u = core::unwrapPhase(wrapped(truth));
        double offset = u(0, 0) - truth(0, 0);
        QVERIFY(std::abs(offset - kTwoPi * std::round(offset / kTwoPi)) < 1e-4);
        double worst = 0;
        for (std::size_t i = 0; i < u.size(); ++i)
            worst = std::max(worst, std::abs(double(u[i]) - truth[i] - offset));
        QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
        QVERIFY(std::abs(offset) < 1e-4);  // the border's median is 0.05 x ≤ 4.75 < π away from 0

        // A constant 2π·3 offset is removed; values already unwrapped come back unchanged.
        core::ImageF shifted = truth;
        for (float& v : shifted)
            v += 3 * kTwoPi;
        const core::ImageF back = core::unwrapPhase(shifted);
        QVERIFY(test::relativeDifference(back, truth) < 1e-5);

        QVERIFY_THROWS_EXCEPTION(core::InputError, core::unwrapPhase(core::ImageF()));
        core::ImageF bad(4, 4, 0.0f);
        bad(1, 1) = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::unwrapPhase(bad));
    }

    // 6 rad spheres (δ/β = 6000) at F = 0.001, simulated at twice the resolution with Poisson
    // noise: RAAR with its defaults reaches < 2 % phase NMSE (measured 0.58–0.64 %, and
    // 0.30–1.14 % over 36 perturbed starts; CTF and Paganin give ≥ 70 % here).
    void strongPhaseAtSmallFresnelNumber()
    {
        const test::SphereData d = test::sphereHolograms(128, test::sphereDistanceM(0.001));
        core::RaarOptions o;
        o.betaDelta = 1.0 / test::kSphereDeltaBeta;
        const core::Reconstruction r = core::reconstructRaar(d.hologram, d.geometry, o);
        const double nmse = core::nmsePercent(r.phase, d.phase);
        qInfo("RAAR, F = 0.001: phase NMSE %.3g %%", nmse);
        QVERIFY2(nmse < 2.0, qPrintable(QString::number(nmse)));
        for (std::size_t i = 0; i < r.phase.size(); ++i) {
            QVERIFY(r.phase[i] >= 0.0f);  // positivity
            QCOMPARE(r.absorption[i], float(o.betaDelta) * r.phase[i]);
        }
    }

    // Data in the exp(+iφ) convention (detector resolution, no noise): phaseSign +1 gives back
    // φ ≥ 0 (measured 2.2 %), the default −1 cannot fit them (164 %).
    void conjugateConvention()
    {
        const test::SphereData d = test::sphereHolograms(128, test::sphereDistanceM(0.001));
        core::PropagationOptions p;
        p.padding = core::Padding::Unit;
        p.phaseSign = +1;
        const core::ImageF I = core::propagateIntensity(d.geometry, d.absorption, d.phase, p);
        core::RaarOptions o;
        o.betaDelta = 1.0 / test::kSphereDeltaBeta;
        o.propagation.phaseSign = +1;
        const double plus =
            core::nmsePercent(core::reconstructRaar(I, d.geometry, o).phase, d.phase);
        o.propagation.phaseSign = -1;  // the wrong convention cannot fit these data
        const double minus =
            core::nmsePercent(core::reconstructRaar(I, d.geometry, o).phase, d.phase);
        qInfo("exp(+iφ) data: phase NMSE %.3g %% with phaseSign +1, %.3g %% with −1", plus, minus);
        QVERIFY2(plus < 4.0, qPrintable(QString::number(plus)));
        QVERIFY(minus > 10 * plus);
    }

    void rejectsBadOptionsAndCancels()
    {
        const core::Geometry g{15.0, 0.1, 100e-9};
        const core::ImageF I(32, 32, 1.0f);
        auto expectInputError = [&](auto edit) {
            core::RaarOptions o;
            edit(o);
            QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstructRaar(I, g, o));
        };
        expectInputError([](core::RaarOptions& o) { o.iterations = 0; });
        expectInputError([](core::RaarOptions& o) { o.beta = 0.0; });
        expectInputError([](core::RaarOptions& o) { o.beta = 1.5; });
        expectInputError([](core::RaarOptions& o) { o.betaDelta = -1.0; });
        expectInputError(
            [](core::RaarOptions& o) { o.propagation.padding = core::Padding::Replicate; });
        expectInputError([](core::RaarOptions& o) { o.propagation.oversample = 2; });
        expectInputError([](core::RaarOptions& o) { o.propagation.phaseSign = 0; });
        core::ImageF nan = I;
        nan(3, 3) = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstructRaar(nan, g, {}));

        // The empty beam is a fixed point: a flat hologram gives φ = 0.
        const core::Reconstruction flat = core::reconstructRaar(I, g, {});
        for (float v : flat.phase)
            QVERIFY(std::abs(v) < 1e-5f);

        core::CancelToken cancel;
        cancel.cancel();
        QVERIFY_THROWS_EXCEPTION(core::Cancelled,
                                 core::reconstructRaar(I, g, {}, {nullptr, &cancel}));
    }
};

QTEST_GUILESS_MAIN(RaarTest)
#include "raar_test.moc"
