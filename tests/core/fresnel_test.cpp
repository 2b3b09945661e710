// The forward model of physics.md §2–3: definition, derivative (Taylor), adjoint, weak-object CTF,
// energy conservation, padding and oversampling semantics.
#include <QtTest>

#include <phaselab/core/fresnel.h>
#include <phaselab/core/padding.h>

#include "test_util.h"

using namespace phaselab;
using core::Image;
using core::Padding;

namespace {

// F = Δx²/(λD) ≈ 0.05: the kernel is well sampled on small grids and mixes many pixels.
const core::Geometry kGeometry{13.0, 0.2, 1e-6};

struct Case {
    Padding padding;
    int oversample;
    const char* name;
};
const Case kCases[] = {
    {Padding::Periodic, 1, "periodic"},
    {Padding::Replicate, 1, "replicate"},
    {Padding::Unit, 1, "unit"},
    {Padding::Periodic, 2, "periodic ×2"},
    {Padding::Replicate, 2, "replicate ×2"},
    {Padding::Unit, 3, "unit ×3"},
};

core::PropagationOptions options(const Case& c)
{
    core::PropagationOptions o;
    o.padding = c.padding;
    o.padFactor = 1.6;
    o.oversample = c.oversample;
    return o;
}

template <typename Real>
double adjointError(const Case& c, int w, int h, unsigned seed)
{
    core::FresnelOperator<Real> op(kGeometry, w, h, options(c));
    op.linearize(test::randomImage<Real>(w, h, 0.0, 0.5, seed),
                 test::randomImage<Real>(w, h, 0.0, 2.0, seed + 1));
    const auto hB = test::randomImage<Real>(w, h, -1, 1, seed + 2);
    const auto hP = test::randomImage<Real>(w, h, -1, 1, seed + 3);
    const auto g = test::randomImage<Real>(w, h, -1, 1, seed + 4);
    const Image<Real> Fh = op.derivative(hB, hP);
    Image<Real> gB, gP;
    op.adjoint(g, gB, gP);
    const double lhs = test::dot(Fh, g);
    const double rhs = test::dot(hB, gB) + test::dot(hP, gP);
    return std::abs(lhs - rhs) / std::max(std::abs(lhs), std::abs(rhs));
}

} // namespace

class FresnelTest : public QObject {
    Q_OBJECT

private slots:
    // physics.md §2 literally (direct DFT in double) against the FFTW operator, periodic mode.
    void periodicMatchesDefinition()
    {
        const int w = 14, h = 10;
        const auto B = test::smoothImage<double>(w, h, 0.3, 1);
        const auto phi = test::smoothImage<double>(w, h, 1.5, 2);
        const core::ImageD ref = test::referenceIntensity(kGeometry, B, phi);

        const core::ImageD Id = core::propagateIntensity(kGeometry, B, phi);
        QVERIFY2(test::relativeDifference(Id, ref) < 1e-12,
                 qPrintable(QString::number(test::relativeDifference(Id, ref))));
        const core::ImageF If =
            core::propagateIntensity(kGeometry, B.cast<float>(), phi.cast<float>());
        QVERIFY2(test::relativeDifference(If, ref) < 2e-6,
                 qPrintable(QString::number(test::relativeDifference(If, ref))));
    }

    // Oversampling K: object repeated over K×K sub-pixels, propagated at Δx/K, binned back.
    void oversamplingMatchesDefinition()
    {
        const int w = 8, h = 6, K = 3;
        const auto B = test::smoothImage<double>(w, h, 0.2, 3);
        const auto phi = test::smoothImage<double>(w, h, 1.0, 4);
        core::ImageD Bf(w * K, h * K), Pf(w * K, h * K);
        for (int y = 0; y < h * K; ++y)
            for (int x = 0; x < w * K; ++x) {
                Bf(x, y) = B(x / K, y / K);
                Pf(x, y) = phi(x / K, y / K);
            }
        core::Geometry fine = kGeometry;
        fine.pixelSizeM /= K;
        const core::ImageD If = test::referenceIntensity(fine, Bf, Pf);
        core::ImageD ref(w, h);
        for (int y = 0; y < h * K; ++y)
            for (int x = 0; x < w * K; ++x)
                ref(x / K, y / K) += If(x, y) / (K * K);

        core::PropagationOptions o;
        o.oversample = K;
        const core::ImageD I = core::propagateIntensity(kGeometry, B, phi, o);
        QVERIFY2(test::relativeDifference(I, ref) < 1e-12,
                 qPrintable(QString::number(test::relativeDifference(I, ref))));
    }

    // The periodic propagator is unitary: Σ|u|² = Σ|T|² = Σ exp(−2B).
    void periodicConservesEnergy()
    {
        for (int n : {64, 63}) {
            const auto B = test::randomImage<double>(n, n + 5, 0, 0.4, 5);
            const auto phi = test::randomImage<double>(n, n + 5, 0, 3.0, 6);
            double expected = 0;
            for (double b : B)
                expected += std::exp(-2 * b);
            const core::ImageD I = core::propagateIntensity(core::Geometry::dgnPaper(), B, phi);
            double total = 0;
            for (double v : I)
                total += v;
            QVERIFY2(std::abs(total - expected) / expected < 1e-12,
                     qPrintable(QString::number(total - expected)));

            const core::ImageF If = core::propagateIntensity(core::Geometry::dgnPaper(),
                                                             B.cast<float>(), phi.cast<float>());
            double totalF = 0;
            for (float v : If)
                totalF += v;
            QVERIFY(std::abs(totalF - expected) / expected < 1e-5);
        }
    }

    // Weak object: Î ≈ δ − 2 sin χ φ̂ − 2 cos χ B̂ (physics.md §2), error of second order.
    void weakObjectAgreesWithCtf()
    {
        const int w = 48, h = 40;
        const double eps = 1e-3;
        const auto B = test::smoothImage<double>(w, h, 0.3 * eps, 7);
        const auto phi = test::smoothImage<double>(w, h, eps, 8);
        const core::ImageD I = core::propagateIntensity(kGeometry, B, phi);

        // CTF prediction by direct DFT.
        std::vector<std::complex<double>> b(B.begin(), B.end()), p(phi.begin(), phi.end());
        auto Bh = test::dft2(b, w, h, -1), Ph = test::dft2(p, w, h, -1);
        const double pi = 3.14159265358979323846;
        std::vector<std::complex<double>> Ih(Bh.size());
        for (int l = 0; l < h; ++l)
            for (int k = 0; k < w; ++k) {
                const double fx = core::fftFrequency(k, w, kGeometry.pixelSizeM);
                const double fy = core::fftFrequency(l, h, kGeometry.pixelSizeM);
                const double chi =
                    pi * kGeometry.wavelengthM() * kGeometry.distanceM * (fx * fx + fy * fy);
                const std::size_t i = std::size_t(l) * w + k;
                Ih[i] = -2 * std::sin(chi) * Ph[i] - 2 * std::cos(chi) * Bh[i];
            }
        auto dI = test::dft2(Ih, w, h, +1);
        double num = 0, den = 0;
        for (std::size_t i = 0; i < I.size(); ++i) {
            const double ctf = dI[i].real() / (w * h);
            num += std::pow((I[i] - 1) - ctf, 2);
            den += ctf * ctf;
        }
        const double rel = std::sqrt(num / den);
        QVERIFY2(rel < 5e-3, qPrintable(QString("relative CTF error %1").arg(rel)));
        QVERIFY(den > 0);
    }

    // Taylor test: ‖F(f + εh) − F(f) − εF′h‖ falls as ε² (ratio 4 per halving of ε).
    void taylorRemainderIsQuadratic()
    {
        const int w = 20, h = 16;
        for (const Case& c : kCases) {
            core::FresnelOperator<double> op(kGeometry, w, h, options(c));
            const auto B = test::smoothImage<double>(w, h, 0.3, 11);
            const auto phi = test::smoothImage<double>(w, h, 2.0, 12);
            const auto hB = test::randomImage<double>(w, h, -1, 1, 13);
            const auto hP = test::randomImage<double>(w, h, -1, 1, 14);
            const core::ImageD F0 = op.linearize(B, phi);
            const core::ImageD dF = op.derivative(hB, hP);
            std::vector<double> remainders;
            for (double eps = 1e-2; eps > 1e-4; eps /= 2) {
                core::ImageD Bp = B, Pp = phi;
                for (std::size_t i = 0; i < Bp.size(); ++i) {
                    Bp[i] += eps * hB[i];
                    Pp[i] += eps * hP[i];
                }
                const core::ImageD F1 = op.forward(Bp, Pp);
                double r = 0;
                for (std::size_t i = 0; i < F1.size(); ++i)
                    r += std::pow(F1[i] - F0[i] - eps * dF[i], 2);
                remainders.push_back(std::sqrt(r));
            }
            for (std::size_t k = 1; k < remainders.size(); ++k) {
                const double ratio = remainders[k - 1] / remainders[k];
                QVERIFY2(ratio > 3.8 && ratio < 4.2,
                         qPrintable(QString("%1: remainder ratio %2 at step %3")
                                        .arg(c.name)
                                        .arg(ratio)
                                        .arg(k)));
            }
            // forward() must not disturb the linearisation point.
            const core::ImageD dF2 = op.derivative(hB, hP);
            QVERIFY(test::relativeDifference(dF2, dF) < 1e-14);
        }
    }

    void adjointDouble()
    {
        for (const Case& c : kCases)
            for (auto [w, h] : {std::pair{24, 20}, std::pair{23, 17}}) {
                const double err = adjointError<double>(c, w, h, 21);
                QVERIFY2(err < 1e-10,
                         qPrintable(QString("%1 %2×%3: %4").arg(c.name).arg(w).arg(h).arg(err)));
            }
    }

    void adjointFloat()
    {
        for (const Case& c : kCases)
            for (auto [w, h] : {std::pair{64, 48}, std::pair{33, 31}}) {
                const double err = adjointError<float>(c, w, h, 31);
                QVERIFY2(err < 1e-4,
                         qPrintable(QString("%1 %2×%3: %4").arg(c.name).arg(w).arg(h).arg(err)));
            }
    }

    // 'unit' = periodic propagation of the object embedded in unit transmission (B = φ = 0).
    void unitPaddingEmbedsInUnitTransmission()
    {
        const int w = 20, h = 14;
        const auto B = test::smoothImage<double>(w, h, 0.3, 41);
        const auto phi = test::smoothImage<double>(w, h, 1.0, 42);
        core::PropagationOptions o;
        o.padding = Padding::Unit;
        o.padFactor = 2;
        core::FresnelOperator<double> op(kGeometry, w, h, o);
        const core::ImageD I = op.forward(B, phi);
        const core::PadLayout& l = op.layout();
        core::ImageD Bbig(l.paddedWidth, l.paddedHeight), Pbig(l.paddedWidth, l.paddedHeight);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                Bbig(x + l.offsetX, y + l.offsetY) = B(x, y);
                Pbig(x + l.offsetX, y + l.offsetY) = phi(x, y);
            }
        const core::ImageD big = core::propagateIntensity(kGeometry, Bbig, Pbig);
        core::ImageD ref(w, h);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                ref(x, y) = big(x + l.offsetX, y + l.offsetY);
        QVERIFY(test::relativeDifference(I, ref) < 1e-12);
    }

    // 'replicate' = periodic propagation of the exit wave padded with its edge values.
    void replicatePaddingExtendsEdges()
    {
        const int w = 18, h = 12;
        const auto B = test::smoothImage<double>(w, h, 0.3, 51);
        const auto phi = test::smoothImage<double>(w, h, 1.0, 52);
        core::PropagationOptions o;
        o.padding = Padding::Replicate;
        core::FresnelOperator<double> op(kGeometry, w, h, o);
        const core::ImageD I = op.forward(B, phi);
        const core::PadLayout& l = op.layout();
        core::ImageD Bbig(l.paddedWidth, l.paddedHeight), Pbig(l.paddedWidth, l.paddedHeight);
        core::padReplicate(B.data(), l, Bbig.data());
        core::padReplicate(phi.data(), l, Pbig.data());
        const core::ImageD big = core::propagateIntensity(kGeometry, Bbig, Pbig);
        core::ImageD ref(w, h);
        core::crop(big.data(), l, ref.data());
        QVERIFY(test::relativeDifference(I, ref) < 1e-12);
    }

    void flatObjectGivesFlatIntensity()
    {
        for (Padding p : {Padding::Periodic, Padding::Replicate, Padding::Unit}) {
            core::PropagationOptions o;
            o.padding = p;
            const core::ImageD B(16, 16, p == Padding::Unit ? 0.0 : 0.2);
            const core::ImageD phi(16, 16, p == Padding::Unit ? 0.0 : 1.3);
            const core::ImageD I = core::propagateIntensity(kGeometry, B, phi, o);
            for (double v : I)
                QVERIFY(std::abs(v - std::exp(-2 * B[0])) < 1e-12);
        }
    }

    void rejectsBadInput()
    {
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::FresnelOperator<float>(core::Geometry{0, 1, 1e-6}, 8, 8));
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::FresnelOperator<float>(core::Geometry{13, -1, 1e-6}, 8, 8));
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::FresnelOperator<float>(core::Geometry{13, 1, 0}, 8, 8));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::FresnelOperator<float>(kGeometry, 0, 8));
        core::PropagationOptions o;
        o.oversample = 0;
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::FresnelOperator<float>(kGeometry, 8, 8, o));
        core::FresnelOperator<float> op(kGeometry, 8, 8);
        QVERIFY_THROWS_EXCEPTION(core::InputError, op.forward(core::ImageF(8, 7), core::ImageF(8, 7)));
    }
};

QTEST_APPLESS_MAIN(FresnelTest)
#include "fresnel_test.moc"
