// Pad and crop operators and their exact adjoints (physics.md §2, "Boundary handling").
#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/core/padding.h>

#include <complex>
#include <random>
#include <vector>

using namespace phaselab;
using core::PadLayout;
using core::Padding;

namespace {

template <typename T>
std::vector<T> randomVector(std::size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> d(-1, 1);
    std::vector<T> v(n);
    for (auto& x : v) {
        if constexpr (std::is_floating_point_v<T>)
            x = T(d(rng));
        else
            x = T(d(rng), d(rng));
    }
    return v;
}

// Real inner product: Re Σ conj(a) b.
template <typename T>
double inner(const std::vector<T>& a, const std::vector<T>& b)
{
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if constexpr (std::is_floating_point_v<T>)
            s += double(a[i]) * double(b[i]);
        else
            s += double(std::real(std::conj(a[i]) * b[i]));
    }
    return s;
}

template <typename T>
void checkAdjoints(const PadLayout& l, double tol)
{
    const std::size_t n = std::size_t(l.width) * l.height;
    const std::size_t m = std::size_t(l.paddedWidth) * l.paddedHeight;
    const auto x = randomVector<T>(n, 1);
    const auto y = randomVector<T>(m, 2);
    std::vector<T> px(m), py(n);

    core::padReplicate(x.data(), l, px.data());
    core::padReplicateAdjoint(y.data(), l, py.data());
    double a = inner(px, y), b = inner(x, py);
    QVERIFY2(std::abs(a - b) <= tol * std::abs(a),
             qPrintable(QString("replicate: %1 vs %2").arg(a).arg(b)));

    core::padConstant(x.data(), l, T(0), px.data());
    core::crop(y.data(), l, py.data());
    a = inner(px, y);
    b = inner(x, py);
    QVERIFY2(std::abs(a - b) <= tol * std::abs(a),
             qPrintable(QString("zero-pad/crop: %1 vs %2").arg(a).arg(b)));
}

} // namespace

class PaddingTest : public QObject {
    Q_OBJECT

private slots:
    void fftFriendlySizes()
    {
        QCOMPARE(core::fftFriendlySize(1), 1);
        QCOMPARE(core::fftFriendlySize(512), 512);
        QCOMPARE(core::fftFriendlySize(1025), 1029);  // 3·7³
        QCOMPARE(core::fftFriendlySize(11), 12);
        QCOMPARE(core::fftFriendlySize(13), 14);
        for (int n = 1; n < 3000; n += 7) {
            int m = core::fftFriendlySize(n);
            QVERIFY(m >= n);
            for (int p : {2, 3, 5, 7})
                while (m % p == 0)
                    m /= p;
            QCOMPARE(m, 1);
        }
    }

    void layoutCentresImage()
    {
        const PadLayout l = PadLayout::make(100, 60, Padding::Replicate, 2.0);
        QCOMPARE(l.paddedWidth, 200);
        QCOMPARE(l.paddedHeight, 120);
        QCOMPARE(l.offsetX, 50);
        QCOMPARE(l.offsetY, 30);
        const PadLayout p = PadLayout::make(100, 60, Padding::Periodic, 2.0);
        QVERIFY(p.isIdentity());
        QVERIFY_THROWS_EXCEPTION(core::InputError, PadLayout::make(10, 10, Padding::Unit, 0.5));
        QVERIFY_THROWS_EXCEPTION(core::InputError, PadLayout::make(0, 10, Padding::Unit, 2));
    }

    void replicateCopiesEdges()
    {
        const PadLayout l = PadLayout::make(3, 2, Padding::Replicate, 2.0);
        const std::vector<double> x = {1, 2, 3, 4, 5, 6};
        std::vector<double> p(std::size_t(l.paddedWidth) * l.paddedHeight);
        core::padReplicate(x.data(), l, p.data());
        QCOMPARE(p.front(), 1.0);  // corner takes the corner value
        QCOMPARE(p.back(), 6.0);
        QCOMPARE(p[std::size_t(l.offsetY) * l.paddedWidth + l.offsetX + 1], 2.0);
    }

    void adjointsAreExact()
    {
        for (auto [w, h, f] : {std::tuple{16, 16, 2.0}, std::tuple{13, 7, 1.7},
                               std::tuple{1, 5, 3.0}, std::tuple{9, 1, 2.5}}) {
            const PadLayout l = PadLayout::make(w, h, Padding::Replicate, f);
            checkAdjoints<double>(l, 1e-13);
            checkAdjoints<float>(l, 1e-5);
            checkAdjoints<std::complex<double>>(l, 1e-13);
            checkAdjoints<std::complex<float>>(l, 1e-5);
        }
    }

    void parsesModes()
    {
        QVERIFY(core::parsePadding("unit") == Padding::Unit);
        QCOMPARE(core::toString(Padding::Replicate), std::string("replicate"));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::parsePadding("mirror"));
    }
};

QTEST_APPLESS_MAIN(PaddingTest)
#include "padding_test.moc"
