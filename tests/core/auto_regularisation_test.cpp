// Regularisation from the data (issue 14): CTF's α by GCV, L-curve and the discrepancy
// principle on strong-phase spheres, against the best hand-tuned α; the noise estimate; the
// faded border of the direct methods.
#include <QtTest>

#include <phaselab/core/ctf.h>
#include <phaselab/core/metrics.h>
#include <phaselab/core/paganin.h>
#include <phaselab/core/regularisation.h>

#include "sphere_holograms.h"
#include "test_util.h"

#include <cmath>
#include <random>

using namespace phaselab;

namespace {

constexpr int kSize = 256;
const double kFresnel[] = {0.1, 0.01, 0.001};

core::CtfOptions ctfOptions(core::AlphaRule rule, double alphaLow = 1e-3)
{
    core::CtfOptions o;
    o.betaDelta = 1.0 / test::kSphereDeltaBeta;
    o.alphaRule = rule;
    o.alphaLow = alphaLow;
    o.alphaHigh = 10 * alphaLow;
    return o;
}

double ctfNmse(const test::SphereData& d, const core::CtfOptions& o, double* alpha = nullptr)
{
    core::Ctf ctf(d.geometry, kSize, kSize, o);
    const core::Reconstruction r = ctf.reconstruct(d.hologram);
    if (alpha)
        *alpha = ctf.lastAlpha().alphaLow;
    return core::nmsePercent(r.phase, d.phase);
}

} // namespace

class AutoRegularisationTest : public QObject {
    Q_OBJECT

private slots:
    // Immerkær's estimate recovers the σ of white noise added to a smooth image within 5 %.
    void noiseEstimate()
    {
        core::ImageF img = test::smoothImage<float>(256, 256, 0.2, 3);
        std::mt19937 rng(5);
        std::normal_distribution<float> noise(0.0f, 0.01f);
        for (float& v : img)
            v += 1.0f + noise(rng);
        QVERIFY(std::abs(core::estimateNoiseSigma(img) / 0.01 - 1.0) < 0.05);
    }

    // Default CTF (α by GCV) within 2× of the best α from a scan over 12 decades, at every
    // Fresnel number; the L-curve and discrepancy rules stay within 5×.
    void defaultCtfNearBestHandTuned()
    {
        for (double F : kFresnel) {
            const test::SphereData d = test::sphereHolograms(kSize, test::sphereDistanceM(F));
            double best = 1e300, bestAlpha = 0;
            for (int e = -24; e <= 0; ++e) {
                const double a = std::pow(10.0, e / 2.0);
                const double v = ctfNmse(d, ctfOptions(core::AlphaRule::Manual, a));
                if (v < best) {
                    best = v;
                    bestAlpha = a;
                }
            }
            double aFov = 0, aGcv = 0, aL = 0, aD = 0;
            core::CtfOptions defaults;
            defaults.betaDelta = 1.0 / test::kSphereDeltaBeta;
            const double fov = ctfNmse(d, defaults, &aFov);
            const double gcv = ctfNmse(d, ctfOptions(core::AlphaRule::Gcv), &aGcv);
            const double lc = ctfNmse(d, ctfOptions(core::AlphaRule::LCurve), &aL);
            const double dp = ctfNmse(d, ctfOptions(core::AlphaRule::Discrepancy), &aD);
            const double old = ctfNmse(d, ctfOptions(core::AlphaRule::Manual));
            qInfo("F=%g best %.3g%% (α %.2g) default fov %.3g%% (α %.2g) gcv %.3g%% (α %.2g) lcurve %.3g%% (α %.2g) "
                  "discrepancy %.3g%% (α %.2g) old default %.3g%%",
                  F, best, bestAlpha, fov, aFov, gcv, aGcv, lc, aL, dp, aD, old);
            QVERIFY2(fov <= 2 * best, qPrintable(QString("F = %1").arg(F)));
        }
    }

    // The faded border removes the low-frequency offsets replicate padding leaves in Paganin
    // (its filter is wider than the field at large distances) and beats unit padding too.
    void fadedBorderPaganin()
    {
        for (double F : {0.01, 0.001}) {
            const test::SphereData d = test::sphereHolograms(kSize, test::sphereDistanceM(F));
            auto nmse = [&](bool fade, core::Padding padding) {
                core::PaganinOptions o;
                o.deltaBeta = test::kSphereDeltaBeta;
                o.fadeBorder = fade;
                o.padding = padding;
                return core::nmsePercent(core::reconstructPaganin(d.hologram, d.geometry, o).phase,
                                         d.phase);
            };
            const double fade = nmse(true, core::Padding::Periodic);
            const double replicate = nmse(false, core::Padding::Replicate);
            const double unit = nmse(false, core::Padding::Unit);
            qInfo("F=%g Paganin NMSE: fade %.3g%%, replicate %.3g%%, unit %.3g%%", F, fade,
                  replicate, unit);
            QVERIFY(fade < 0.5 * replicate);
            QVERIFY(fade <= unit);
        }
    }
};

QTEST_GUILESS_MAIN(AutoRegularisationTest)
#include "auto_regularisation_test.moc"
