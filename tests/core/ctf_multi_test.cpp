// Multi-distance CTF (issue 14): least squares over distances beats every single distance,
// on a weak object (where single-distance CTF loses the frequencies at its zeros) and on the
// strong-phase spheres; bad inputs are refused.
#include <QtTest>

#include <phaselab/core/ctf_multi.h>
#include <phaselab/core/error.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/metrics.h>

#include "sphere_holograms.h"
#include "test_util.h"

using namespace phaselab;

class CtfMultiTest : public QObject {
    Q_OBJECT

private slots:
    // A weak, homogeneous, periodic object at four distances; a small α: each single distance
    // loses the frequencies near its CTF zeros, the four together do not.
    void weakObjectFourDistances()
    {
        const int n = 128;
        const core::ImageD phi = test::smoothImage<double>(n, n, 0.02, 11);
        core::ImageD B(n, n);
        for (std::size_t i = 0; i < B.size(); ++i)
            B[i] = 0.001 * phi[i];
        std::vector<core::ImageF> I;
        std::vector<core::Geometry> G;
        core::CtfOptions o;
        o.betaDelta = 0.001;
        o.alphaRule = core::AlphaRule::Manual;
        o.alphaLow = o.alphaHigh = 1e-6;
        o.fadeBorder = false;
        double worstSingle = 0, bestSingle = 1e300;
        for (double D : {0.2, 0.27, 0.35, 0.5}) {
            const core::Geometry g{15.0, D, 100e-9};
            I.push_back(core::propagateIntensity(g, B, phi).cast<float>());
            G.push_back(g);
            const double e = core::nmsePercent(core::reconstructCtf(I.back(), g, o).phase,
                                               phi.cast<float>());
            bestSingle = std::min(bestSingle, e);
            worstSingle = std::max(worstSingle, e);
        }
        const double multi = core::nmsePercent(
            core::reconstructCtfMultiDistance(I, G, o).phase, phi.cast<float>());
        qInfo("weak object: single distances %.3g … %.3g %%, four distances %.3g %%", bestSingle,
              worstSingle, multi);
        QVERIFY(multi < 0.5 * bestSingle);
        QVERIFY(multi < 1.0);
    }

    // The strong-phase spheres at default options (fov α, faded border): four distances beat
    // every one of them, near (F = 0.1 … 0.035) and far (F = 0.01 … 0.004).
    void spheresFourDistancesBeatEachOne()
    {
        for (const std::vector<double>& set :
             {std::vector<double>{0.1, 0.07, 0.05, 0.035}, std::vector<double>{0.01, 0.008, 0.006, 0.004}}) {
            std::vector<core::ImageF> I;
            std::vector<core::Geometry> G;
            core::ImageF truth;
            core::CtfOptions o;
            o.betaDelta = 1.0 / test::kSphereDeltaBeta;
            double bestSingle = 1e300;
            for (double F : set) {
                const test::SphereData d = test::sphereHolograms(128, test::sphereDistanceM(F));
                I.push_back(d.hologram);
                G.push_back(d.geometry);
                truth = d.phase;
                bestSingle = std::min(
                    bestSingle, core::nmsePercent(core::reconstructCtf(d.hologram, d.geometry, o).phase,
                                                  d.phase));
            }
            double alpha = 0;
            const double multi =
                core::nmsePercent(core::reconstructCtfMultiDistance(I, G, o, &alpha).phase, truth);
            qInfo("F = %g … %g: best single distance %.3g %%, four distances %.3g %% (α %.3g)",
                  set.front(), set.back(), bestSingle, multi, alpha);
            QVERIFY(multi < bestSingle);
        }
    }

    void badInputsAreRefused()
    {
        const core::ImageF a(32, 32, 1.0f), b(32, 16, 1.0f);
        const core::Geometry g{15.0, 0.01, 100e-9};
        core::Geometry other = g;
        other.energyKeV = 20.0;
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstructCtfMultiDistance({}, {}));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstructCtfMultiDistance({a, b}, {g, g}));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstructCtfMultiDistance({a, a}, {g, other}));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstructCtfMultiDistance({a}, {g, g}));
        core::CtfOptions o;
        o.alphaRule = core::AlphaRule::Gcv;
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstructCtfMultiDistance({a}, {g}, o));
    }
};

QTEST_GUILESS_MAIN(CtfMultiTest)
#include "ctf_multi_test.moc"
