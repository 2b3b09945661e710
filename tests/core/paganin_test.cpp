// Paganin (TIE-homogeneous) phase retrieval (physics.md §4): exact inversion of its own model,
// agreement with the Fresnel model in the near field, flat fields, padding and bad parameters.
#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/paganin.h>

#include "test_util.h"

#include <cmath>
#include <complex>
#include <limits>

using namespace phaselab;

namespace {

constexpr double kPi = 3.14159265358979323846;

template <typename A, typename B>
double nmse(const core::Image<A>& x, const core::Image<B>& ref)
{
    const double r = test::relativeDifference(x, ref);
    return r * r;
}

// Paganin's forward model written out with the test's direct DFT:
// I = F⁻¹[ F[exp(−2B)] · (1 + πλD(δ/β)|ξ|²) ].
core::ImageF tieHomogeneousHologram(const core::Geometry& g, const core::ImageD& B, double deltaBeta)
{
    const int w = B.width(), h = B.height();
    std::vector<std::complex<double>> x(B.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = std::exp(-2.0 * B[i]);
    auto spec = test::dft2(x, w, h, -1);
    auto freq = [](int k, int n, double d) { return (k < (n + 1) / 2 ? k : k - n) / (n * d); };
    for (int l = 0; l < h; ++l)
        for (int k = 0; k < w; ++k) {
            const double fx = freq(k, w, g.pixelSizeM), fy = freq(l, h, g.pixelSizeM);
            spec[std::size_t(l) * w + k] *=
                1.0 + kPi * g.wavelengthM() * g.distanceM * deltaBeta * (fx * fx + fy * fy);
        }
    const auto back = test::dft2(spec, w, h, +1);
    core::ImageF I(w, h);
    for (std::size_t i = 0; i < I.size(); ++i)
        I[i] = float(back[i].real() / double(w * h));
    return I;
}

} // namespace

class PaganinTest : public QObject {
    Q_OBJECT

private slots:
    void invertsItsOwnModel()
    {
        const core::Geometry g = core::Geometry::phaseGanPaper();
        const double deltaBeta = 50.0;
        const core::ImageD B = test::smoothImage<double>(48, 40, 0.3, 2);
        const core::ImageF I = tieHomogeneousHologram(g, B, deltaBeta);
        core::PaganinOptions o;
        o.fadeBorder = false;  // the padding modes as given
        o.deltaBeta = deltaBeta;
        const core::Reconstruction r = core::reconstructPaganin(I, g, o);
        const double err = nmse(r.absorption, B);
        QVERIFY2(err < 1e-8, qPrintable(QString("NMSE %1").arg(err)));
        // φ = (δ/β) B
        core::ImageD phi(48, 40);
        for (std::size_t i = 0; i < phi.size(); ++i)
            phi[i] = deltaBeta * B[i];
        QVERIFY(nmse(r.phase, phi) < 1e-8);

        // The wrong δ/β gives a visibly different answer (the filter matters).
        o.deltaBeta = 5.0;
        QVERIFY(nmse(core::reconstructPaganin(I, g, o).absorption, B) > 1e-3);
    }

    void agreesWithFresnelModelInTheNearField()
    {
        // Near field (pixel Fresnel number 2.5, 1/F well below N): the TIE regime.
        const core::Geometry g{12.398, 4e-3, 1e-6};
        QVERIFY(g.fresnelNumber() > 2);
        const double deltaBeta = 100.0;
        const core::ImageD phi = test::smoothImage<double>(128, 128, 1.0, 7);
        core::ImageD B(128, 128);
        for (std::size_t i = 0; i < B.size(); ++i)
            B[i] = phi[i] / deltaBeta;
        const core::ImageF I = core::propagateIntensity(g, B, phi).cast<float>();
        core::PaganinOptions o;
        o.fadeBorder = false;  // the padding modes as given
        o.deltaBeta = deltaBeta;
        const core::Reconstruction r = core::reconstructPaganin(I, g, o);
        const double err = nmse(r.phase, phi);
        qInfo("Paganin near-field phase NMSE: %.3g %%", 100 * err);
        QVERIFY2(err < 1e-3, qPrintable(QString("NMSE %1").arg(err)));
    }

    void flatFieldGivesZero_data()
    {
        QTest::addColumn<int>("padding");
        QTest::newRow("periodic") << int(core::Padding::Periodic);
        QTest::newRow("replicate") << int(core::Padding::Replicate);
        QTest::newRow("unit") << int(core::Padding::Unit);
    }

    void flatFieldGivesZero()
    {
        QFETCH(int, padding);
        core::PaganinOptions o;
        o.fadeBorder = false;  // the padding modes as given
        o.padding = core::Padding(padding);
        const core::Reconstruction r =
            core::reconstructPaganin(core::ImageF(40, 30, 1.0f), core::Geometry::dgnPaper(), o);
        QCOMPARE(r.phase.width(), 40);
        QCOMPARE(r.phase.height(), 30);
        for (std::size_t i = 0; i < r.phase.size(); ++i) {
            QVERIFY(std::abs(r.phase[i]) < 1e-4f);
            QVERIFY(std::abs(r.absorption[i]) < 1e-6f);
        }
    }

    void uniformAbsorberIsRecoveredWithEveryPadding_data()
    {
        flatFieldGivesZero_data();
    }

    void uniformAbsorberIsRecoveredWithEveryPadding()
    {
        // A uniform slab transmitting I = exp(−2B): replicate padding sees the same slab
        // outside, periodic trivially; unit padding sees a step at the edge and only the centre
        // is checked.
        QFETCH(int, padding);
        const float B = 0.2f;
        core::PaganinOptions o;
        o.fadeBorder = false;  // the padding modes as given
        o.padding = core::Padding(padding);
        o.deltaBeta = 20;
        const core::Reconstruction r = core::reconstructPaganin(
            core::ImageF(64, 64, std::exp(-2 * B)), core::Geometry::phaseGanPaper(), o);
        const float centre = r.absorption(32, 32);
        if (o.padding == core::Padding::Unit)
            QVERIFY2(centre > 0.5f * B && centre < B, qPrintable(QString::number(centre)));
        else
            QVERIFY2(std::abs(centre - B) < 1e-4f, qPrintable(QString::number(centre)));
        QVERIFY(std::abs(r.phase(32, 32) - 20 * centre) < 1e-4f);
    }

    void badParametersAreRefused()
    {
        const core::Geometry g = core::Geometry::dgnPaper();
        const core::ImageF I(32, 32, 1.0f);
        for (double bad : {0.0, -3.0, std::numeric_limits<double>::quiet_NaN(),
                           std::numeric_limits<double>::infinity()}) {
            core::PaganinOptions o;
            o.fadeBorder = false;  // the padding modes as given
            o.deltaBeta = bad;
            try {
                core::reconstructPaganin(I, g, o);
                QFAIL("accepted a bad δ/β");
            } catch (const core::InputError& e) {
                QVERIFY2(QString(e.what()).contains("δ/β"), e.what());
            }
        }
        core::ImageF nan = I;
        nan(0, 0) = std::numeric_limits<float>::infinity();
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstructPaganin(nan, g, {}));
    }
};

QTEST_GUILESS_MAIN(PaganinTest)
#include "paganin_test.moc"
