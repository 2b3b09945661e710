// NMSE, FRC, FRCM, the FRC resolution and NE/RSD against cases whose answer is known
// (physics.md §6).
#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/core/fft.h>
#include <phaselab/core/metrics.h>

#include "test_util.h"

#include <cmath>
#include <random>

using namespace phaselab;

namespace {

constexpr double kPi = 3.14159265358979323846;

core::ImageD gaussianNoise(int w, int h, double sd, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> d(0.0, sd);
    core::ImageD img(w, h);
    for (auto& v : img)
        v = d(rng);
    return img;
}

// Periodic Gaussian blur of standard deviation `sigmaPx`, exact in Fourier space:
// multiplies the spectrum by G(ξ) = exp(−2π² σ² |ξ|²), ξ in cycles per pixel.
core::ImageD gaussianBlur(const core::ImageD& img, double sigmaPx)
{
    const int w = img.width(), h = img.height();
    core::AlignedBuffer<std::complex<double>> buf(img.size());
    for (std::size_t i = 0; i < img.size(); ++i)
        buf[i] = img[i];
    core::Fft2D<double> fft(h, w);
    fft.forward(buf.data());
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double fx = core::fftFrequency(x, w, 1.0), fy = core::fftFrequency(y, h, 1.0);
            buf[std::size_t(y) * w + x] *=
                std::exp(-2 * kPi * kPi * sigmaPx * sigmaPx * (fx * fx + fy * fy));
        }
    fft.backward(buf.data());
    core::ImageD out(w, h);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = buf[i].real() / double(img.size());
    return out;
}

core::ImageD plus(const core::ImageD& a, const core::ImageD& b)
{
    core::ImageD c = a;
    for (std::size_t i = 0; i < c.size(); ++i)
        c[i] += b[i];
    return c;
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

class MetricsTest : public QObject {
    Q_OBJECT

private slots:
    void nmseKnownValues()
    {
        const core::ImageD ref = test::randomImage<double>(40, 30, 0.5, 2.0, 1);
        core::ImageD x = ref;
        for (auto& v : x)
            v *= 1.1;  // Σ(0.1 x_ref)² / Σ x_ref² = 1 %
        QVERIFY(std::abs(core::nmsePercent(x, ref) - 1.0) < 1e-12);
        QCOMPARE(core::nmsePercent(ref, ref), 0.0);
        // Against zero, NMSE is 100 %.
        QVERIFY(std::abs(core::nmsePercent(core::ImageD(40, 30, 0.0), ref) - 100.0) < 1e-12);
        const core::ImageF xf = x.cast<float>(), rf = ref.cast<float>();
        QVERIFY(std::abs(core::nmsePercent(xf, rf) - 1.0) < 1e-5);

        expectInputError([&] { core::nmsePercent(x, core::ImageD(40, 31)); }, "shapes differ");
        expectInputError([&] { core::nmsePercent(x, core::ImageD(40, 30, 0.0)); }, "zero");
        core::ImageD nan = x;
        nan(3, 3) = std::nan("");
        expectInputError([&] { core::nmsePercent(nan, ref); }, "non-finite");
    }

    void ringCountsMatchRingAreas()
    {
        const int n = 512;
        const auto a = gaussianNoise(n, n, 1.0, 2);
        const core::FrcResult frc = core::fourierRingCorrelation(a, a, 1e-6);
        QCOMPARE(int(frc.ringCount.size()), n / 2);
        // Rings 0–2 counted by hand: {0}, the 8 neighbours, |k|² ∈ {4, 5} (4 + 8 points).
        QCOMPARE(frc.ringCount[0], std::size_t(1));
        QCOMPARE(frc.ringCount[1], std::size_t(8));
        QCOMPARE(frc.ringCount[2], std::size_t(12));
        // Ring r covers r − ½ ≤ |k| < r + ½, of area 2πr. Lattice counts of one ring scatter
        // about its area by O(√r) (Gauss's circle problem: ±11 % at r = 20, ±6 % at r = 100 for
        // N = 512); on average over the rings, and for the disc up to ring R, they match the areas.
        double worstRing = 0, worstDisc = 0, sumRatio = 0;
        std::size_t cumulative = 0;
        for (int r = 0; r < n / 2; ++r) {
            const double count = double(frc.ringCount[std::size_t(r)]);
            cumulative += frc.ringCount[std::size_t(r)];
            const double discArea = kPi * (r + 0.5) * (r + 0.5);
            worstDisc = std::max(worstDisc, std::abs(double(cumulative) - discArea) / (r + 0.5));
            if (r >= 50)
                QVERIFY(std::abs(double(cumulative) / discArea - 1) < 0.01);
            if (r < 1)
                continue;
            sumRatio += count / (2 * kPi * r);
            worstRing = std::max(worstRing, std::abs(count - 2 * kPi * r) / std::sqrt(double(r)));
            if (r >= 10)
                QVERIFY2(std::abs(count / (2 * kPi * r) - 1) < 0.12,
                         qPrintable(QString("ring %1: %2 pixels, area %3").arg(r).arg(count).arg(2 * kPi * r)));
        }
        const double meanRatio = sumRatio / (n / 2 - 1);
        qInfo("ring counts: mean n_r / 2πr = %.4f, max |n_r − 2πr| / √r = %.2f, "
              "max |Σn − π(R+½)²| / (R+½) = %.2f",
              meanRatio, worstRing, worstDisc);
        QVERIFY(std::abs(meanRatio - 1) < 0.005);
        QVERIFY(worstRing < 6.0);
        QVERIFY(worstDisc < 2.0);
        // Spatial frequency of ring r is r / (N Δx).
        QVERIFY(std::abs(frc.frequencyPerM[100] - 100.0 / (n * 1e-6)) < 1e-6);
    }

    void thresholdsKnownValues()
    {
        using core::FrcThreshold;
        QVERIFY(std::abs(core::frcThresholdValue(FrcThreshold::TwoSigma, 8) - 1.0) < 1e-15);
        QVERIFY(std::abs(core::frcThresholdValue(FrcThreshold::TwoSigma, 200) - 0.2) < 1e-15);
        // ½-bit: equals 1 for a single pixel, tends to 0.2071 / 1.2071 = 0.1716 for large rings.
        QVERIFY(std::abs(core::frcThresholdValue(FrcThreshold::HalfBit, 1) - 1.0) < 1e-12);
        QVERIFY(std::abs(core::frcThresholdValue(FrcThreshold::HalfBit, 100) -
                         (0.2071 + 0.19102) / (1.2071 + 0.09102)) < 1e-12);
        QVERIFY(std::abs(core::frcThresholdValue(FrcThreshold::HalfBit, 100000000) -
                         0.2071 / 1.2071) < 1e-3);
        QCOMPARE(core::frcThresholdValue(FrcThreshold::OneSeventh, 77), 1.0 / 7.0);
        QVERIFY(core::parseFrcThreshold("2sigma") == FrcThreshold::TwoSigma);
        QVERIFY(core::parseFrcThreshold("halfbit") == FrcThreshold::HalfBit);
        QVERIFY(core::parseFrcThreshold("seventh") == FrcThreshold::OneSeventh);
        QCOMPARE(core::frcThresholdName(FrcThreshold::HalfBit), std::string("halfbit"));
        expectInputError([] { core::parseFrcThreshold("3sigma"); }, "3sigma");

        // The result carries the chosen threshold at every ring.
        const auto a = gaussianNoise(64, 64, 1.0, 3);
        const auto frc = core::fourierRingCorrelation(a, a, 1.0, {FrcThreshold::HalfBit});
        for (std::size_t r = 0; r < frc.threshold.size(); ++r)
            QCOMPARE(frc.threshold[r], core::frcThresholdValue(FrcThreshold::HalfBit,
                                                               frc.ringCount[r]));
    }

    void selfFrcIsOne()
    {
        const double dx = 12e-9;
        for (const core::ImageD& a : {gaussianNoise(128, 128, 1.0, 4),
                                      test::smoothImage<double>(96, 96, 2.0, 5)}) {
            const core::FrcResult frc = core::fourierRingCorrelation(a, a, dx);
            double worst = 0;
            for (double v : frc.value)
                worst = std::max(worst, std::abs(v - 1.0));
            QVERIFY2(worst < 1e-9, qPrintable(QString("max |FRC − 1| = %1").arg(worst)));
            QVERIFY(frc.frcmPercent < 1e-12);
            QVERIFY(!frc.crossing.crossed);
            QVERIFY(std::abs(frc.resolutionM - 2 * dx) < 1e-20);
            QVERIFY(!frc.cropped);
        }
        // Float input, and any positive multiple (FRC is scale-invariant).
        const core::ImageD a = gaussianNoise(64, 64, 1.0, 6);
        core::ImageD a3 = a;
        for (auto& v : a3)
            v *= 3.0;
        const auto frc = core::fourierRingCorrelation(a.cast<float>(), a3.cast<float>(), dx);
        for (double v : frc.value)
            QVERIFY(std::abs(v - 1.0) < 1e-9);
    }

    void frcmKnownValues()
    {
        const core::ImageD a = gaussianNoise(64, 64, 1.0, 7);
        QVERIFY(core::fourierRingCorrelation(a, a, 1.0).frcmPercent < 1e-12);
        // FRC(−a, a) = −1 at every ring: FRCM = mean (1 − (−1))² = 4, i.e. 400 %.
        core::ImageD neg = a;
        for (auto& v : neg)
            v = -v;
        const auto frc = core::fourierRingCorrelation(neg, a, 1.0);
        for (double v : frc.value)
            QVERIFY(std::abs(v + 1.0) < 1e-9);
        QVERIFY(std::abs(frc.frcmPercent - 400.0) < 1e-6);
        // Nothing correlates at all: FRC(r) crosses at once.
        QVERIFY(frc.crossing.crossed);
    }

    void independentNoiseStaysInsideTwoSigmaBand()
    {
        const int n = 256;
        int inside = 0, total = 0;
        double sumZ2 = 0;
        int countZ = 0;
        for (unsigned seed = 0; seed < 5; ++seed) {
            const auto a = gaussianNoise(n, n, 1.0, 100 + 2 * seed);
            const auto b = gaussianNoise(n, n, 1.0, 101 + 2 * seed);
            const auto frc = core::fourierRingCorrelation(a, b, 1e-6);
            for (std::size_t r = 1; r < frc.value.size(); ++r) {
                ++total;
                if (std::abs(frc.value[r]) <= frc.threshold[r])
                    ++inside;
                if (r >= 4) {
                    // For independent noise FRC(r) has standard deviation 1/√n_r.
                    sumZ2 += frc.value[r] * frc.value[r] * double(frc.ringCount[r]);
                    ++countZ;
                }
            }
        }
        const double fraction = double(inside) / total;
        const double variance = sumZ2 / countZ;
        qInfo("independent noise: %.2f %% of rings inside the 2σ band; var(FRC·√n_r) = %.3f",
              100 * fraction, variance);
        QVERIFY(fraction >= 0.95);
        QVERIFY(std::abs(variance - 1.0) < 0.2);
    }

    void blurMovesResolutionTheRightWay()
    {
        // A white object and a copy blurred by a known Gaussian plus independent noise. The
        // expected FRC of ring r is G/√(G² + ν²/s²) with G = exp(−2π²σ²(r/N)²), s = 1 the
        // object's and ν the noise's standard deviation; its first crossing gives the expected
        // resolution.
        const int n = 512;
        const double dx = 12e-9, nu = 0.1;
        const auto object = gaussianNoise(n, n, 1.0, 11);
        const auto noise = gaussianNoise(n, n, nu, 12);
        double previous = 0;
        for (double sigma : {1.5, 2.0, 3.0, 4.0, 6.0}) {
            const auto copy = plus(gaussianBlur(object, sigma), noise);
            const auto frc = core::fourierRingCorrelation(copy, object, dx);
            std::vector<double> expected(frc.value.size());
            for (std::size_t r = 0; r < expected.size(); ++r) {
                const double f = double(r) / n;
                const double G = std::exp(-2 * kPi * kPi * sigma * sigma * f * f);
                expected[r] = G / std::sqrt(G * G + nu * nu);
            }
            const auto c = core::findFrcCrossing(expected, frc.threshold, n / 2.0);
            const double expectedRes = double(n) * dx / c.ring;
            qInfo("blur σ = %.1f px: resolution %.1f nm (expected %.1f nm)", sigma,
                  frc.resolutionM * 1e9, expectedRes * 1e9);
            QVERIFY(frc.crossing.crossed);
            QVERIFY2(std::abs(frc.resolutionM / expectedRes - 1) < 0.1,
                     qPrintable(QString("σ = %1: %2 vs %3").arg(sigma).arg(frc.resolutionM).arg(expectedRes)));
            QVERIFY(frc.resolutionM > previous);
            previous = frc.resolutionM;

            // The same images at twice the pixel size: the same rings, twice the period.
            const auto frc2 = core::fourierRingCorrelation(copy, object, 2 * dx);
            QVERIFY(std::abs(frc2.resolutionM / frc.resolutionM - 2.0) < 1e-12);
        }
    }

    void crossingInterpolatesLinearly()
    {
        // Threshold 0.5 from ring 1 on; the curve falls from 0.9 (ring 3) to 0.3 (ring 4):
        // d = 0.4 and −0.2, so the crossing is at 3 + 0.4 / 0.6.
        const std::vector<double> value{1.0, 1.0, 0.95, 0.9, 0.3, 0.6, 0.1};
        const std::vector<double> threshold{2.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
        auto c = core::findFrcCrossing(value, threshold, 7.0);
        QVERIFY(c.crossed);
        QVERIFY(std::abs(c.ring - (3 + 0.4 / 0.6)) < 1e-12);
        // Rings whose threshold is ≥ 1 are skipped; below it already at the first usable ring:
        // that ring itself.
        c = core::findFrcCrossing({1.0, 0.9, 0.2, 0.1}, {3.0, 1.2, 0.5, 0.5}, 4.0);
        QVERIFY(c.crossed);
        QCOMPARE(c.ring, 2.0);
        // Never below: Nyquist.
        c = core::findFrcCrossing({1.0, 0.9, 0.8}, {3.0, 0.5, 0.5}, 3.0);
        QVERIFY(!c.crossed);
        QCOMPARE(c.ring, 3.0);
    }

    // The sustained rule skips a dip in the low rings that the first-crossing rule stops at,
    // and agrees with it when the first dip is sustained.
    void sustainedCrossingIgnoresLowRingDips()
    {
        //                             0    1    2    3    4    5    6    7    8    9
        const std::vector<double> v{1.0, 0.9, 0.2, 0.9, 0.9, 0.8, 0.4, 0.1, 0.1, 0.0};
        const std::vector<double> t(10, 0.5);
        const core::FrcCrossing plain = core::findFrcCrossing(v, t, 10.0);
        QVERIFY(std::abs(plain.ring - (1 + 0.4 / 0.7)) < 1e-12);
        // Run of 3: rings 6, 7, 8 are below; the crossing interpolates between 5 and 6.
        const core::FrcCrossing sustained = core::findSustainedFrcCrossing(v, t, 10.0, 3);
        QVERIFY(sustained.crossed);
        QVERIFY(std::abs(sustained.ring - (5 + 0.3 / 0.4)) < 1e-12);
        // A curve that falls for good at ring 2: both rules agree.
        const std::vector<double> w{1.0, 0.9, 0.2, 0.1, 0.1, 0.0};
        QCOMPARE(core::findSustainedFrcCrossing(w, std::vector<double>(6, 0.5), 6.0, 3).ring,
                 core::findFrcCrossing(w, std::vector<double>(6, 0.5), 6.0).ring);
        // A run may end at the last ring: rings 6 … 9 are all that remain.
        QCOMPARE(core::findSustainedFrcCrossing(v, t, 10.0, 5).ring, sustained.ring);
        // Only a dip, never a run: Nyquist.
        const std::vector<double> dip{1.0, 0.9, 0.2, 0.9, 0.9};
        QVERIFY(!core::findSustainedFrcCrossing(dip, std::vector<double>(5, 0.5), 5.0, 3).crossed);
        QCOMPARE(core::frcSustainedRun(32), 3);
        QCOMPARE(core::frcSustainedRun(256), 13);
        QVERIFY(core::parseFrcRule("sustained") == core::FrcRule::Sustained);
    }

    // NMSE without the means: an offset reconstruction scores 0, a scaled one as usual.
    void nmseWithoutMean()
    {
        const core::ImageD ref = test::smoothImage<double>(32, 32, 1.0, 4);
        core::ImageD shifted = ref;
        for (double& x : shifted)
            x += 100.0;
        QVERIFY(core::nmsePercent(shifted, ref) > 1000);
        QVERIFY(core::nmsePercentWithoutMean(shifted, ref) < 1e-20);
        const core::Evaluation e = core::evaluateReconstruction(shifted, ref, 1e-6, {}, true);
        QVERIFY(e.meanRemoved && e.nmsePercent < 1e-20);
        expectInputError([] {
            core::nmsePercentWithoutMean(core::ImageD(8, 8, 1.0), core::ImageD(8, 8, 2.0));
        }, "constant");
    }

    void nonSquareImagesAreCentreCropped()
    {
        const auto a = gaussianNoise(301, 260, 1.0, 20);
        const auto b = plus(a, gaussianNoise(301, 260, 0.5, 21));
        const auto frc = core::fourierRingCorrelation(a, b, 1e-6);
        QVERIFY(frc.cropped);
        QCOMPARE(frc.size, 260);
        QCOMPARE(frc.cropX, 20);
        QCOMPARE(frc.cropY, 0);
        QCOMPARE(frc.inputWidth, 301);
        QCOMPARE(frc.inputHeight, 260);
        // The same as the FRC of the cropped images.
        core::ImageD ac(260, 260), bc(260, 260);
        for (int y = 0; y < 260; ++y)
            for (int x = 0; x < 260; ++x) {
                ac(x, y) = a(x + 20, y);
                bc(x, y) = b(x + 20, y);
            }
        const auto ref = core::fourierRingCorrelation(ac, bc, 1e-6);
        QVERIFY(!ref.cropped);
        for (std::size_t r = 0; r < ref.value.size(); ++r)
            QVERIFY(std::abs(frc.value[r] - ref.value[r]) < 1e-12);
        // Odd square: one row and column fewer.
        const auto odd = core::fourierRingCorrelation(gaussianNoise(65, 65, 1, 1),
                                                      gaussianNoise(65, 65, 1, 2), 1.0);
        QVERIFY(odd.cropped);
        QCOMPARE(odd.size, 64);
        QCOMPARE(odd.cropX, 0);
    }

    void hannWindow()
    {
        const auto a = test::smoothImage<double>(128, 128, 1.0, 30);
        core::FrcOptions o;
        o.window = core::FrcWindow::Hann;
        const auto self = core::fourierRingCorrelation(a, a, 1.0, o);
        for (double v : self.value)
            QVERIFY(std::abs(v - 1.0) < 1e-9);
        // Independent noise stays uncorrelated under the window.
        int inside = 0;
        const auto frc = core::fourierRingCorrelation(gaussianNoise(256, 256, 1, 31),
                                                      gaussianNoise(256, 256, 1, 32), 1.0, o);
        for (std::size_t r = 1; r < frc.value.size(); ++r)
            inside += std::abs(frc.value[r]) <= frc.threshold[r];
        QVERIFY(inside >= 0.95 * double(frc.value.size() - 1));
        // The window changes the curve of correlated but different images.
        const auto b = plus(a, gaussianNoise(128, 128, 0.02, 33));
        const auto plain = core::fourierRingCorrelation(a, b, 1.0);
        const auto windowed = core::fourierRingCorrelation(a, b, 1.0, o);
        double diff = 0;
        for (std::size_t r = 0; r < plain.value.size(); ++r)
            diff = std::max(diff, std::abs(plain.value[r] - windowed.value[r]));
        QVERIFY(diff > 1e-3);
    }

    void badInputIsRefused()
    {
        const auto a = gaussianNoise(32, 32, 1.0, 40);
        expectInputError([&] { core::fourierRingCorrelation(a, gaussianNoise(32, 30, 1, 1), 1.0); },
                         "shapes differ");
        expectInputError([&] { core::fourierRingCorrelation(a, a, 0.0); }, "pixel size");
        expectInputError([&] { core::fourierRingCorrelation(a, a, std::nan("")); }, "pixel size");
        expectInputError([&] { core::fourierRingCorrelation(gaussianNoise(7, 30, 1, 1),
                                                            gaussianNoise(7, 30, 1, 2), 1.0); },
                         "too small");
        core::ImageD nan = a;
        nan(1, 2) = std::numeric_limits<double>::infinity();
        expectInputError([&] { core::fourierRingCorrelation(a, nan, 1.0); }, "non-finite");
        expectInputError([&] { core::fourierRingCorrelation(a, core::ImageD(32, 32, 0.0), 1.0); },
                         "zero everywhere");
    }

    void regionNeAndRsd()
    {
        // Region values 1, 2, 3, 4: mean 2.5, sample sd √(5/3); expected 2.
        core::ImageD img(6, 5, 100.0);
        img(1, 1) = 1;
        img(2, 1) = 2;
        img(1, 2) = 3;
        img(2, 2) = 4;
        const auto mask = core::rectangleMask(6, 5, 1, 1, 3, 3);
        const core::RegionStats s = core::regionStats(img, mask, 2.0);
        QCOMPARE(s.count, std::size_t(4));
        QVERIFY(std::abs(s.mean - 2.5) < 1e-15);
        QVERIFY(std::abs(s.stdDev - std::sqrt(5.0 / 3.0)) < 1e-15);
        QVERIFY(std::abs(s.nePercent - (-25.0)) < 1e-12);
        QVERIFY(std::abs(s.rsdPercent - 100.0 * std::sqrt(5.0 / 3.0) / 2.5) < 1e-12);
        // A homogeneous region of noise: NE near 0, RSD near σ/mean.
        core::ImageD noisy = plus(core::ImageD(200, 200, 5.0), gaussianNoise(200, 200, 0.1, 41));
        const auto t = core::regionStats(noisy.cast<float>(), core::rectangleMask(200, 200, 0, 0, 200, 200), 5.0);
        QVERIFY(std::abs(t.nePercent) < 0.05);
        QVERIFY(std::abs(t.rsdPercent - 2.0) < 0.05);

        expectInputError([&] { core::regionStats(img, core::rectangleMask(5, 5, 0, 0, 2, 2), 2.0); },
                         "shapes differ");
        expectInputError([&] { core::regionStats(img, core::rectangleMask(6, 5, 0, 0, 1, 1), 2.0); },
                         "at least 2");
        expectInputError([&] { core::regionStats(img, mask, 0.0); }, "expected value");
        img(2, 2) = std::nan("");
        expectInputError([&] { core::regionStats(img, mask, 2.0); }, "non-finite");
    }
};

QTEST_GUILESS_MAIN(MetricsTest)
#include "metrics_test.moc"
