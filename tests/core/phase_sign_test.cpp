// The conjugate phase convention (issue 14): data with T = exp(−B + iφ) through
// PropagationOptions::phaseSign = +1: the forward model, its adjoint, CTF and the request.
#include <QtTest>

#include <phaselab/core/classical_methods.h>
#include <phaselab/core/ctf.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/metrics.h>
#include <phaselab/core/reconstruction_method.h>

#include "test_util.h"

using namespace phaselab;

namespace {

const core::Geometry kGeometry{15.0, 0.01, 100e-9};

core::PropagationOptions plus()
{
    core::PropagationOptions p;
    p.phaseSign = 1;
    return p;
}

} // namespace

class PhaseSignTest : public QObject {
    Q_OBJECT

private slots:
    // F₊(B, φ) = F(B, −φ), bit for bit.
    void forwardIsTheConjugateConvention()
    {
        const core::ImageD phi = test::smoothImage<double>(64, 64, 1.0, 2);
        const core::ImageD B = test::smoothImage<double>(64, 64, 0.05, 3);
        core::ImageD minusPhi = phi;
        for (double& v : minusPhi)
            v = -v;
        const core::ImageD a = core::propagateIntensity(kGeometry, B, phi, plus());
        const core::ImageD b = core::propagateIntensity(kGeometry, B, minusPhi);
        QCOMPARE(test::relativeDifference(a, b), 0.0);
        QVERIFY(test::relativeDifference(a, core::propagateIntensity(kGeometry, B, phi)) > 1e-3);
        core::PropagationOptions bad;
        bad.phaseSign = 0;
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::propagateIntensity(kGeometry, B, phi, bad));
    }

    // ⟨F₊′h, g⟩ = ⟨h, F₊′*g⟩, and the Taylor remainder falls as ε².
    void adjointAndTaylor()
    {
        const int n = 48;
        const core::ImageD B = test::smoothImage<double>(n, n, 0.05, 4);
        const core::ImageD phi = test::smoothImage<double>(n, n, 1.0, 5);
        const core::ImageD hB = test::randomImage<double>(n, n, -1, 1, 6);
        const core::ImageD hP = test::randomImage<double>(n, n, -1, 1, 7);
        const core::ImageD g = test::randomImage<double>(n, n, -1, 1, 8);
        core::PropagationOptions p = plus();
        p.padding = core::Padding::Replicate;
        core::FresnelOperator<double> op(kGeometry, n, n, p);
        const core::ImageD I0 = op.linearize(B, phi);
        const core::ImageD d = op.derivative(hB, hP);
        core::ImageD gB, gP;
        op.adjoint(g, gB, gP);
        const double lhs = test::dot(d, g), rhs = test::dot(hB, gB) + test::dot(hP, gP);
        QVERIFY2(std::abs(lhs - rhs) < 1e-10 * std::abs(lhs), qPrintable(QString::number(lhs - rhs)));
        double last = 0;
        for (double eps : {1e-2, 1e-3}) {
            core::ImageD Bp = B, Pp = phi;
            for (std::size_t i = 0; i < Bp.size(); ++i) {
                Bp[i] += eps * hB[i];
                Pp[i] += eps * hP[i];
            }
            core::FresnelOperator<double> op2(kGeometry, n, n, p);
            const core::ImageD I1 = op2.forward(Bp, Pp);
            double r = 0;
            for (std::size_t i = 0; i < I1.size(); ++i)
                r += std::pow(I1[i] - I0[i] - eps * d[i], 2);
            r = std::sqrt(r);
            if (last > 0)
                QVERIFY2(r < 0.02 * last, qPrintable(QString("%1 → %2").arg(last).arg(r)));
            last = r;
        }
    }

    // CTF in the conjugate convention recovers a weak homogeneous object from exp(+iφ) data;
    // PhaseLab's convention on the same data does not.
    void ctfRecoversConjugateData()
    {
        const core::ImageD phi = test::smoothImage<double>(128, 128, 0.05, 9);
        core::ImageD phiPos = phi, B(128, 128);
        for (std::size_t i = 0; i < phi.size(); ++i) {
            phiPos[i] = phi[i] + 0.05;  // matter: φ ≥ 0
            B[i] = 0.01 * phiPos[i];
        }
        const core::ImageF I = core::propagateIntensity(kGeometry, B, phiPos, plus()).cast<float>();
        core::CtfOptions o;
        o.betaDelta = 0.01;
        o.alphaRule = core::AlphaRule::Manual;
        o.alphaLow = o.alphaHigh = 1e-8;
        o.fadeBorder = false;
        o.phaseSign = 1;
        const double right = core::nmsePercent(core::reconstructCtf(I, kGeometry, o).phase,
                                               phiPos.cast<float>());
        o.phaseSign = -1;
        const double wrong = core::nmsePercent(core::reconstructCtf(I, kGeometry, o).phase,
                                               phiPos.cast<float>());
        qInfo("CTF on exp(+iφ) data: %.3g %% with phase sign +1, %.3g %% with −1", right, wrong);
        QVERIFY(right < 1.0);
        QVERIFY(wrong > 100 * right && wrong > 5.0);
    }

    // The request stores the sign; Paganin refuses it with the reason.
    void requestAndMethods()
    {
        core::ReconstructionRequest r;
        r.method = "paganin";
        r.propagation.phaseSign = 1;
        r.betaOverDelta = 0.01;
        const nlohmann::json j = r.toJson();
        QCOMPARE(j["propagation"]["phase_sign"].get<int>(), 1);
        nlohmann::json withInput = j;
        withInput["input"] = {{"path", "x.tif"}};
        QCOMPARE(core::ReconstructionRequest::fromJson(withInput, "test").propagation.phaseSign, 1);
        withInput["propagation"]["phase_sign"] = 2;
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::ReconstructionRequest::fromJson(withInput, "test"));
        const auto paganin = core::MethodRegistry::instance().create("paganin");
        QVERIFY(QString::fromStdString(paganin->check(r, 64, 64)).contains("exp(+iφ)"));
    }
};

QTEST_GUILESS_MAIN(PhaseSignTest)
#include "phase_sign_test.moc"
