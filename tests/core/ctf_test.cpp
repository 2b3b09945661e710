// CTF phase retrieval (physics.md §4): exact inversion of the weak-object model it is built on,
// weak objects through the full Fresnel model, the two-level regularisation, padding modes and
// bad parameters.
#include <QtTest>

#include <phaselab/core/ctf.h>
#include <phaselab/core/error.h>
#include <phaselab/core/fft.h>
#include <phaselab/core/fresnel.h>

#include "test_util.h"

#include <cmath>
#include <complex>
#include <limits>

using namespace phaselab;

namespace {

constexpr double kPi = 3.14159265358979323846;

// NMSE = Σ(x − ref)² / Σ ref² (physics.md §6), computed here so the test stands alone.
template <typename A, typename B>
double nmse(const core::Image<A>& x, const core::Image<B>& ref)
{
    const double r = test::relativeDifference(x, ref);
    return r * r;
}

template <typename T>
core::ImageD withoutMean(const core::Image<T>& img)
{
    double mean = 0;
    for (const T& v : img)
        mean += double(v);
    mean /= double(img.size());
    core::ImageD out(img.width(), img.height());
    for (std::size_t i = 0; i < img.size(); ++i)
        out[i] = double(img[i]) - mean;
    return out;
}

// I = 1 + F⁻¹[A φ̂], A = −2[sin χ + (β/δ) cos χ]: the weak-object model written out literally
// with the test's own direct DFT (physics.md §2, "a good test").
core::ImageF linearHologram(const core::Geometry& g, const core::ImageD& phi, double betaDelta)
{
    const int w = phi.width(), h = phi.height();
    std::vector<std::complex<double>> x(phi.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = phi[i];
    auto spec = test::dft2(x, w, h, -1);
    auto freq = [](int k, int n, double d) { return (k < (n + 1) / 2 ? k : k - n) / (n * d); };
    for (int l = 0; l < h; ++l)
        for (int k = 0; k < w; ++k) {
            const double fx = freq(k, w, g.pixelSizeM), fy = freq(l, h, g.pixelSizeM);
            const double chi = kPi * g.wavelengthM() * g.distanceM * (fx * fx + fy * fy);
            spec[std::size_t(l) * w + k] *= -2.0 * (std::sin(chi) + betaDelta * std::cos(chi));
        }
    const auto back = test::dft2(spec, w, h, +1);
    core::ImageF I(w, h);
    for (std::size_t i = 0; i < I.size(); ++i)
        I[i] = float(1.0 + back[i].real() / double(w * h));
    return I;
}

core::ImageF fresnelHologram(const core::Geometry& g, const core::ImageD& B, const core::ImageD& phi,
                             core::Padding padding = core::Padding::Periodic)
{
    core::PropagationOptions opt;
    opt.padding = padding;
    return core::propagateIntensity(g, B, phi, opt).cast<float>();
}

// A smooth object that vanishes near the edges: bumps inside the central half.
core::ImageD compactObject(int n, double amplitude, unsigned seed)
{
    core::ImageD img = test::smoothImage<double>(n / 2, n / 2, amplitude, seed);
    core::ImageD out(n, n, 0.0);
    for (int y = 0; y < n / 2; ++y)
        for (int x = 0; x < n / 2; ++x) {
            // A cos² window takes the bumps smoothly to zero at the window's edge.
            const double wx = std::sin(kPi * (x + 0.5) / (n / 2)), wy = std::sin(kPi * (y + 0.5) / (n / 2));
            out(x + n / 4, y + n / 4) = img(x, y) * wx * wx * wy * wy;
        }
    return out;
}

} // namespace

class CtfTest : public QObject {
    Q_OBJECT

private slots:
    void realFftMatchesComplexFft_data()
    {
        QTest::addColumn<int>("ny");
        QTest::addColumn<int>("nx");
        QTest::newRow("16×16") << 16 << 16;
        QTest::newRow("9×15 (odd)") << 9 << 15;
        QTest::newRow("7×8") << 7 << 8;
    }

    void realFftMatchesComplexFft()
    {
        // The r2c/c2r pair the CTF and Paganin filters run on, against the complex FFT.
        QFETCH(int, ny);
        QFETCH(int, nx);
        const std::size_t n = std::size_t(nx) * ny;
        const core::ImageD x = test::randomImage<double>(nx, ny, -1.0, 1.0, 21);
        core::AlignedBuffer<double> real(n);
        core::AlignedBuffer<std::complex<double>> full(n), half(std::size_t(ny) * (nx / 2 + 1));
        for (std::size_t i = 0; i < n; ++i) {
            real[i] = x[i];
            full[i] = x[i];
        }
        core::RealFft2D<double> rfft(ny, nx);
        QCOMPARE(rfft.spectrumWidth(), nx / 2 + 1);
        core::Fft2D<double>(ny, nx).forward(full.data());
        rfft.forward(real.data(), half.data());
        for (int ky = 0; ky < ny; ++ky)
            for (int kx = 0; kx <= nx / 2; ++kx)
                QVERIFY(std::abs(half[std::size_t(ky) * (nx / 2 + 1) + kx] -
                                 full[std::size_t(ky) * nx + kx]) < 1e-12 * double(n));
        for (std::size_t i = 0; i < n; ++i)
            QCOMPARE(real[i], x[i]);  // forward keeps its input
        rfft.backward(half.data(), real.data());
        for (std::size_t i = 0; i < n; ++i)
            QVERIFY(std::abs(real[i] / double(n) - x[i]) < 1e-12);
    }

    void invertsTheLinearModelExactly_data()
    {
        QTest::addColumn<double>("betaDelta");
        QTest::newRow("pure phase") << 0.0;
        QTest::newRow("homogeneous β/δ = 0.2") << 0.2;
    }

    void invertsTheLinearModelExactly()
    {
        QFETCH(double, betaDelta);
        // PhaseGAN geometry (F = 0.1), 64²: χ spans several CTF oscillations.
        const core::Geometry g = core::Geometry::phaseGanPaper();
        const core::ImageD phi = withoutMean(test::smoothImage<double>(64, 64, 0.05, 11));
        const core::ImageF I = linearHologram(g, phi, betaDelta);

        core::CtfOptions o;
        o.alphaRule = core::AlphaRule::Manual;  // the exact linear model
        o.fadeBorder = false;
        o.betaDelta = betaDelta;
        o.alphaLow = o.alphaHigh = 1e-9;
        const core::Reconstruction r = core::reconstructCtf(I, g, o);
        // A pure phase object loses its mean (A(0) = 0); compare mean-free images then.
        const double err = nmse(withoutMean(r.phase), phi);
        QVERIFY2(err < 1e-6, qPrintable(QString("NMSE %1").arg(err)));
        for (std::size_t i = 0; i < r.phase.size(); ++i)
            QVERIFY(std::abs(r.absorption[i] - float(betaDelta) * r.phase[i]) < 1e-6f);

        // A sign error in χ or A would be caught: the wrong-sign reconstruction is far off.
        core::ImageF flipped = I;
        for (auto& v : flipped)
            v = 2.0f - v;
        const double flippedErr = nmse(withoutMean(core::reconstructCtf(flipped, g, o).phase), phi);
        QVERIFY2(flippedErr > 3.0, qPrintable(QString("flipped NMSE %1").arg(flippedErr)));
    }

    void recoversWeakPhaseObject_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<bool>("dgn");
        QTest::addColumn<double>("betaDelta");
        QTest::newRow("PhaseGAN geometry, pure phase") << 128 << false << 0.0;
        QTest::newRow("DGN geometry, pure phase") << 256 << true << 0.0;
        QTest::newRow("DGN geometry, β/δ = 0.1") << 256 << true << 0.1;
    }

    void recoversWeakPhaseObject()
    {
        QFETCH(int, size);
        QFETCH(bool, dgn);
        QFETCH(double, betaDelta);
        const core::Geometry g = dgn ? core::Geometry::dgnPaper() : core::Geometry::phaseGanPaper();
        // Through the full (non-linear) Fresnel model, noiseless. A pure phase object is
        // weaker: its CTF is small at low frequencies (A ≈ −2χ), which amplifies the
        // second-order terms the linearisation drops, so its error grows like φ².
        const double amplitude = betaDelta > 0 ? 0.02 : 0.002;
        const core::ImageD phi = test::smoothImage<double>(size, size, amplitude, 5);
        core::ImageD B(size, size);
        for (std::size_t i = 0; i < B.size(); ++i)
            B[i] = betaDelta * phi[i];
        const core::ImageF I = fresnelHologram(g, B, phi);

        // α far below A² at the lowest non-zero frequency (PhaseGAN geometry, 128²: A² ≈ 1.4e-5),
        // so the regularisation does not bias the result.
        core::CtfOptions o;
        o.alphaRule = core::AlphaRule::Manual;  // the exact linear model
        o.fadeBorder = false;
        o.betaDelta = betaDelta;
        o.alphaLow = o.alphaHigh = 1e-9;
        const core::Reconstruction r = core::reconstructCtf(I, g, o);
        const double err = betaDelta > 0 ? nmse(r.phase, phi) : nmse(withoutMean(r.phase), withoutMean(phi));
        qInfo("CTF weak-object phase NMSE: %.3g %%", 100 * err);
        QVERIFY2(err < 1e-3, qPrintable(QString("NMSE %1").arg(err)));
    }

    void regularisationHasTwoLevels()
    {
        const core::Geometry g = core::Geometry::dgnPaper();
        core::CtfOptions o;
        o.alphaRule = core::AlphaRule::Manual;  // the exact linear model
        o.fadeBorder = false;
        o.alphaLow = 0.5;
        o.alphaHigh = 1e-4;
        o.transitionWidth = 0.1;
        const double xiC = 1.0 / std::sqrt(2.0 * g.wavelengthM() * g.distanceM);
        // χ(ξ_c) = π/2: the first CTF maximum.
        QVERIFY(std::abs(kPi * g.wavelengthM() * g.distanceM * xiC * xiC - kPi / 2) < 1e-12);
        QCOMPARE(core::ctfRegularisation(o, g, 0.0), 0.5);
        QCOMPARE(core::ctfRegularisation(o, g, 0.5 * xiC), 0.5);
        QCOMPARE(core::ctfRegularisation(o, g, 2.0 * xiC), 1e-4);
        QVERIFY(std::abs(core::ctfRegularisation(o, g, xiC) - 0.5 * (0.5 + 1e-4)) < 1e-12);
        // Smooth and monotone across the transition.
        double prev = core::ctfRegularisation(o, g, 0.7 * xiC);
        for (double f = 0.71; f < 1.3; f += 0.01) {
            const double a = core::ctfRegularisation(o, g, f * xiC);
            QVERIFY(a <= prev);
            QVERIFY(prev - a < 0.1);
            prev = a;
        }
    }

    void highFrequencyLevelActsAboveFirstMaximumOnly()
    {
        // Large α_high damps the fine detail, not the coarse shape: compare against a low-pass
        // and a high-pass part of the reference.
        const core::Geometry g = core::Geometry::phaseGanPaper();
        const int n = 128;
        const core::ImageD phi = withoutMean(test::randomImage<double>(n, n, 0.0, 0.002, 9));
        const core::ImageF I = fresnelHologram(g, core::ImageD(n, n, 0.0), phi);
        core::CtfOptions sharp, damped;
        for (core::CtfOptions* o : {&sharp, &damped}) {
            o->alphaRule = core::AlphaRule::Manual;
            o->fadeBorder = false;
        }
        sharp.alphaLow = damped.alphaLow = 1e-9;
        sharp.alphaHigh = 1e-9;
        damped.alphaHigh = 1e3;
        const double errSharp = nmse(withoutMean(core::reconstructCtf(I, g, sharp).phase), phi);
        const core::ImageF phiDamped = core::reconstructCtf(I, g, damped).phase;
        const double errDamped = nmse(withoutMean(phiDamped), phi);
        QVERIFY2(errSharp < 1e-2, qPrintable(QString("sharp NMSE %1").arg(errSharp)));
        // White noise has most of its energy above ξ_c (F = 0.1: ξ_c ≈ 0.22 cycles/pixel).
        QVERIFY2(errDamped > 0.5, qPrintable(QString("damped NMSE %1").arg(errDamped)));
        QVERIFY(test::norm(phiDamped) > 0.0);
    }

    void paddingModesAgreeOnCompactObject()
    {
        // A compact weak object in a flat field: every boundary mode sees the same data.
        const core::Geometry g = core::Geometry::phaseGanPaper();
        const int n = 128;
        const core::ImageD phi = compactObject(n, 0.02, 4);
        core::ImageD B(n, n);
        for (std::size_t i = 0; i < B.size(); ++i)
            B[i] = 0.1 * phi[i];
        const core::ImageF I = fresnelHologram(g, B, phi, core::Padding::Unit);
        for (core::Padding mode : {core::Padding::Periodic, core::Padding::Replicate, core::Padding::Unit}) {
            core::CtfOptions o;
            o.alphaRule = core::AlphaRule::Manual;  // the exact linear model
            o.fadeBorder = false;
            o.betaDelta = 0.1;
            o.alphaLow = o.alphaHigh = 1e-6;
            o.padding = mode;
            core::Ctf ctf(g, n, n, o);
            if (mode != core::Padding::Periodic) {
                QCOMPARE(ctf.layout().paddedWidth, 256);
                QCOMPARE(ctf.layout().offsetX, 64);
            }
            const double err = nmse(ctf.reconstruct(I).phase, phi);
            QVERIFY2(err < 1e-3, qPrintable(QString::fromStdString(core::toString(mode)) + QString(" NMSE %1").arg(err)));
        }
    }

    void reusableObjectGivesSameResult()
    {
        const core::Geometry g = core::Geometry::dgnPaper();
        const core::ImageF I = test::randomImage<float>(48, 40, 0.9, 1.1, 3);
        core::Ctf ctf(g, 48, 40, {});
        const core::Reconstruction a = ctf.reconstruct(I);
        const core::Reconstruction b = ctf.reconstruct(I);
        const core::Reconstruction c = core::reconstructCtf(I, g, {});
        QCOMPARE(a.phase.width(), 48);
        QCOMPARE(a.phase.height(), 40);
        QVERIFY(test::relativeDifference(a.phase, b.phase) == 0.0);
        QVERIFY(test::relativeDifference(a.phase, c.phase) < 1e-6);

        // Odd sizes (odd half-spectrum widths) invert the linear model as well.
        const core::Geometry pg = core::Geometry::phaseGanPaper();
        const core::ImageD phi = test::smoothImage<double>(33, 21, 0.01, 8);
        core::CtfOptions o;
        o.alphaRule = core::AlphaRule::Manual;  // the exact linear model
        o.fadeBorder = false;
        o.betaDelta = 0.3;
        o.alphaLow = o.alphaHigh = 1e-10;
        const double err = nmse(core::reconstructCtf(linearHologram(pg, phi, 0.3), pg, o).phase, phi);
        QVERIFY2(err < 1e-6, qPrintable(QString("odd-size NMSE %1").arg(err)));
    }

    void badParametersAreRefused()
    {
        const core::Geometry g = core::Geometry::dgnPaper();
        const core::ImageF I(32, 32, 1.0f);
        auto refuses = [&](core::CtfOptions o, const char* mention) {
            try {
                core::reconstructCtf(I, g, o);
            } catch (const core::InputError& e) {
                QVERIFY2(QString(e.what()).contains(mention), e.what());
                return;
            }
            QFAIL(qPrintable(QString("accepted, expected an error about ") + mention));
        };
        core::CtfOptions o;
        o.alphaRule = core::AlphaRule::Manual;  // the exact linear model
        o.fadeBorder = false;
        o.alphaHigh = 0;
        refuses(o, "high-frequency");
        o = {};
        o.alphaLow = -1;
        refuses(o, "low-frequency");
        o = {};
        o.alphaLow = std::numeric_limits<double>::quiet_NaN();
        refuses(o, "low-frequency");
        o = {};
        o.betaDelta = -0.1;
        refuses(o, "β/δ");
        o = {};
        o.padding = core::Padding::Replicate;
        o.padFactor = 0.5;
        refuses(o, "pad factor");

        core::ImageF nan = I;
        nan(3, 4) = std::numeric_limits<float>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstructCtf(nan, g, {}));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstructCtf(core::ImageF(), g, {}));
        core::Ctf ctf(g, 32, 32, {});
        QVERIFY_THROWS_EXCEPTION(core::InputError, ctf.reconstruct(core::ImageF(16, 32, 1.0f)));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstructCtf(I, core::Geometry{0, 1, 1}, {}));
    }
};

QTEST_GUILESS_MAIN(CtfTest)
#include "ctf_test.moc"
