// Registration (issue 14): a known sub-pixel shift and magnification are recovered from an
// exactly transformed texture, and from holograms of one object at two distances (different
// fringes); applyRegistration lines the moving image up; bad inputs are refused.
#include <QtTest>

#include <phaselab/core/ctf.h>
#include <phaselab/core/error.h>
#include <phaselab/core/registration.h>

#include "sphere_holograms.h"

#include <cmath>
#include <limits>
#include <random>

using namespace phaselab;

namespace {

// A smooth random texture T(x, y) (Gaussian blobs of 1.5 … 5 px over the field and a margin)
// that can be evaluated anywhere, so a transformed image is exact, not interpolated.
class Texture {
public:
    Texture(int n, unsigned seed)
    {
        std::mt19937_64 rng(seed);
        std::uniform_real_distribution<double> pos(-0.1 * n, 1.1 * n), sigma(1.5, 5.0),
            amp(-0.3, 0.3);
        for (int i = 0; i < 12 * n; ++i)
            m_blobs.push_back({pos(rng), pos(rng), sigma(rng), amp(rng)});
    }
    double operator()(double x, double y) const
    {
        double v = 1.0;
        for (const Blob& b : m_blobs) {
            const double dx = x - b.x, dy = y - b.y;
            const double r2 = (dx * dx + dy * dy) / (b.s * b.s);
            if (r2 < 30)
                v += b.a * std::exp(-0.5 * r2);
        }
        return v;
    }
    // The image whose pixel (x, y) shows T at c + (x − c − s)/m (registration.h's `moving`).
    core::ImageF image(int n, double m = 1.0, double sx = 0.0, double sy = 0.0) const
    {
        const double c = 0.5 * (n - 1);
        core::ImageF out(n, n);
        for (int y = 0; y < n; ++y)
            for (int x = 0; x < n; ++x)
                out(x, y) = float((*this)(c + (x - c - sx) / m, c + (y - c - sy) / m));
        return out;
    }

private:
    struct Blob {
        double x, y, s, a;
    };
    std::vector<Blob> m_blobs;
};

// RMS difference over the central part (a quarter of the width in from each border).
double centralRms(const core::ImageF& a, const core::ImageF& b)
{
    const int n = a.width(), lo = n / 4, hi = n - n / 4;
    double s = 0;
    int count = 0;
    for (int y = lo; y < hi; ++y)
        for (int x = lo; x < hi; ++x) {
            const double d = double(a(x, y)) - double(b(x, y));
            s += d * d;
            ++count;
        }
    return std::sqrt(s / count);
}

} // namespace

class RegistrationTest : public QObject {
    Q_OBJECT

private slots:
    void subPixelShift()
    {
        const int n = 128;
        const Texture t(n, 3);
        const core::ImageF ref = t.image(n);
        const core::ImageF mov = t.image(n, 1.0, 3.37, -5.81);
        const core::Registration r = core::registerImages(ref, mov);
        qInfo("shift (3.37, -5.81) px: found (%.4f, %.4f), peak %.3f", r.shiftX, r.shiftY, r.peak);
        QCOMPARE(r.magnification, 1.0);
        QVERIFY(std::abs(r.shiftX - 3.37) < 0.1);
        QVERIFY(std::abs(r.shiftY + 5.81) < 0.1);
        QVERIFY(r.peak > 0.2 && r.peak <= 1.0);
        // Lined up again, the centre matches the reference far better than before.
        const core::ImageF back = core::applyRegistration(mov, r);
        const double before = centralRms(mov, ref), after = centralRms(back, ref);
        qInfo("central RMS against the reference: %.4g before, %.4g after", before, after);
        QVERIFY(after < 0.1 * before);
    }

    void shiftAndMagnification()
    {
        const int n = 128;
        const Texture t(n, 5);
        const core::ImageF ref = t.image(n);
        const core::ImageF mov = t.image(n, 1.023, 3.37, -5.81);
        core::RegistrationOptions o;
        o.magnificationRange = 0.05;
        const core::Registration r = core::registerImages(ref, mov, o);
        qInfo("m 1.023, shift (3.37, -5.81): found m %.5f, shift (%.4f, %.4f), peak %.3f",
              r.magnification, r.shiftX, r.shiftY, r.peak);
        QVERIFY(std::abs(r.magnification / 1.023 - 1) < 1e-3);
        QVERIFY(std::abs(r.shiftX - 3.37) < 0.1);
        QVERIFY(std::abs(r.shiftY + 5.81) < 0.1);
        const core::ImageF back = core::applyRegistration(mov, r);
        QVERIFY(centralRms(back, ref) < 0.1 * centralRms(mov, ref));
    }

    // The same spheres at two distances (F = 0.01 and 0.008: different fringes), the second
    // magnified and shifted, both with Poisson noise. Correlating the holograms themselves is
    // pulled off by the fringes (a low-pass below the first CTF zero keeps the shift, not the
    // magnification); their single-distance CTF phase maps, as registerSeries() correlates them,
    // do better.
    void hologramsAtTwoDistances()
    {
        const int n = 128;
        const test::SphereData a = test::sphereHolograms(n, test::sphereDistanceM(0.01));
        const test::SphereData b =
            test::sphereHolograms(n, test::sphereDistanceM(0.008), 1e5, 11, 6.0, 2.0, 1.023, 3.37,
                                 -5.81);
        core::RegistrationOptions o;
        o.magnificationRange = 0.05;
        o.lowPass = 0.03;
        const core::Registration h = core::registerImages(a.hologram, b.hologram, o);
        // The maps as registerSeries() makes them: pure phase, uniform α = 0.1.
        core::CtfOptions c;
        c.alphaRule = core::AlphaRule::Manual;
        c.alphaLow = c.alphaHigh = 0.1;
        o.lowPass = 0;
        const core::Registration r =
            core::registerImages(core::reconstructCtf(a.hologram, a.geometry, c).phase,
                                 core::reconstructCtf(b.hologram, b.geometry, c).phase, o);
        for (const auto& [what, x] : {std::pair{"holograms (low-pass 0.03)", h},
                                      std::pair{"CTF phase maps", r}})
            qInfo("two distances, %s: m %.5f (error %.3f %%), shift (%.3f, %.3f) (errors %.3f, "
                  "%.3f px), peak %.3f",
                  what, x.magnification, 100 * std::abs(x.magnification / 1.023 - 1), x.shiftX,
                  x.shiftY, std::abs(x.shiftX - 3.37), std::abs(x.shiftY + 5.81), x.peak);
        QVERIFY(std::abs(h.shiftX - 3.37) < 0.3);
        QVERIFY(std::abs(h.shiftY + 5.81) < 0.3);
        QVERIFY(std::abs(h.magnification / 1.023 - 1) < 0.03);
        QVERIFY(std::abs(r.magnification / 1.023 - 1) < 5e-3);
        QVERIFY(std::abs(r.shiftX - 3.37) < 0.3);
        QVERIFY(std::abs(r.shiftY + 5.81) < 0.3);
    }

    void identityAndFill()
    {
        const Texture t(64, 9);
        const core::ImageF img = t.image(64);
        const core::ImageF same = core::applyRegistration(img, core::Registration{});
        for (std::size_t i = 0; i < img.size(); ++i)
            QVERIFY(std::abs(same[i] - img[i]) < 1e-5f);
        core::Registration far;
        far.shiftX = 1000;
        const core::ImageF outside = core::applyRegistration(img, far, 0.5f);
        for (float v : outside)
            QCOMPARE(v, 0.5f);
    }

    void badInputsAreRefused()
    {
        const core::ImageF a(32, 32, 1.0f), b(32, 16, 1.0f), tiny(8, 8, 1.0f);
        core::ImageF nan(32, 32, 1.0f);
        nan(3, 4) = std::numeric_limits<float>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::registerImages(a, b));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::registerImages(a, nan));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::registerImages(nan, a));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::registerImages(tiny, tiny));
        core::RegistrationOptions o;
        o.magnification = 0;
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::registerImages(a, a, o));
        o = {};
        o.magnificationRange = -0.1;
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::registerImages(a, a, o));
        o = {};
        o.upsampling = 0;
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::registerImages(a, a, o));
        o = {};
        o.borderFade = 0.7;
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::registerImages(a, a, o));
        core::Registration r;
        r.magnification = std::numeric_limits<double>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::applyRegistration(a, r));
    }
};

QTEST_GUILESS_MAIN(RegistrationTest)
#include "registration_test.moc"
