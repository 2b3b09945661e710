// The LibTorch internals of phaselab::models: the differentiable Fresnel operator against core's
// FFTW operator, adjoint and autograd checks, the networks' parameter counts, the MS-D custom
// autograd function against plain ATen ops, the DGN loss gradient against finite differences,
// save → load → identical outputs. The CUDA cases run only under the `gpu` label
// (PHASELAB_TEST_CUDA=1) and skip without a GPU.
// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers (architecture.md, build notes).
#include "fresnel_torch.h"
#include "model_io.h"
#include "network.h"
#include "options_json.h"

#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/runtime.h>

#include "sim_dataset.h"
#include "test_util.h"

#include <cstdlib>
#include <filesystem>

using namespace phaselab;
using models::TorchFresnel;

namespace {

const core::Geometry kGeometry{13.0, 20e-3, 100e-9};

torch::Tensor imageToTensor(const core::ImageF& img)
{
    return torch::from_blob(const_cast<float*>(img.data()), {img.height(), img.width()},
                            torch::kFloat)
        .clone();
}

core::ImageF tensorToImage(const torch::Tensor& t)
{
    const torch::Tensor c = t.to(torch::kCPU, torch::kFloat).contiguous();
    core::ImageF img(int(c.size(1)), int(c.size(0)), core::kNoInit);
    std::copy(c.data_ptr<float>(), c.data_ptr<float>() + c.numel(), img.data());
    return img;
}

double relative(const torch::Tensor& a, const torch::Tensor& ref)
{
    const torch::Tensor d = (a.to(torch::kDouble) - ref.to(torch::kDouble));
    return std::sqrt(d.square().sum().item<double>() /
                     ref.to(torch::kDouble).square().sum().item<double>());
}

bool cudaRequested()
{
    const char* e = std::getenv("PHASELAB_TEST_CUDA");
    return e && std::string(e) == "1";
}

core::PropagationOptions options(core::Padding padding, int oversample)
{
    core::PropagationOptions o;
    o.padding = padding;
    o.padFactor = 1.5;
    o.oversample = oversample;
    return o;
}

} // namespace

class TorchInternalsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        const models::RuntimeInfo rt = models::initialiseRuntime();
        qInfo("LibTorch %s, %d threads", rt.torchVersion.c_str(), rt.intraOpThreads);
    }

    void operatorAgreesWithCore_data()
    {
        QTest::addColumn<int>("padding");
        QTest::addColumn<int>("oversample");
        QTest::newRow("periodic") << int(core::Padding::Periodic) << 1;
        QTest::newRow("replicate") << int(core::Padding::Replicate) << 1;
        QTest::newRow("unit") << int(core::Padding::Unit) << 1;
        QTest::newRow("periodic K=2") << int(core::Padding::Periodic) << 2;
        QTest::newRow("replicate K=2") << int(core::Padding::Replicate) << 2;
        QTest::newRow("unit K=3") << int(core::Padding::Unit) << 3;
    }

    // F, F′ and F′* of the LibTorch operator agree with core::FresnelOperator<float> (FFTW) to
    // 1e-5 relative, on a non-square image, in every padding mode, with oversampling.
    void operatorAgreesWithCore()
    {
        QFETCH(int, padding);
        QFETCH(int, oversample);
        const int w = 40, h = 36;
        const core::PropagationOptions po = options(core::Padding(padding), oversample);
        const core::ImageF B = test::smoothImage<float>(w, h, 0.3, 1);
        const core::ImageF phi = test::smoothImage<float>(w, h, 1.5, 2);
        const core::ImageF dB = test::randomImage<float>(w, h, -0.1, 0.1, 3);
        const core::ImageF dphi = test::randomImage<float>(w, h, -0.5, 0.5, 4);
        const core::ImageF g = test::randomImage<float>(w, h, -1, 1, 5);

        core::FresnelOperator<float> ref(kGeometry, w, h, po);
        const core::ImageF I = ref.linearize(B, phi);
        const core::ImageF dI = ref.derivative(dB, dphi);
        core::ImageF gB, gPhi;
        ref.adjoint(g, gB, gPhi);

        const TorchFresnel op(kGeometry, h, w, po, torch::kCPU);
        const torch::Tensor f = torch::stack({imageToTensor(B), imageToTensor(phi)}).unsqueeze(0);
        const torch::Tensor df = torch::stack({imageToTensor(dB), imageToTensor(dphi)}).unsqueeze(0);
        const TorchFresnel::Point p = op.linearize(f);
        const torch::Tensor tdI = op.derivative(p, df);
        const torch::Tensor tg = op.adjoint(p, imageToTensor(g).unsqueeze(0));

        const double eI = test::relativeDifference(tensorToImage(p.intensity[0]), I);
        const double eD = test::relativeDifference(tensorToImage(tdI[0]), dI);
        const double eB = test::relativeDifference(tensorToImage(tg[0][0]), gB);
        const double eP = test::relativeDifference(tensorToImage(tg[0][1]), gPhi);
        qInfo("relative difference torch vs FFTW: F %.2e, F' %.2e, F'* (B) %.2e, F'* (phi) %.2e",
              eI, eD, eB, eP);
        QVERIFY(eI < 1e-5);
        QVERIFY(eD < 1e-5);
        QVERIFY(eB < 1e-5);
        QVERIFY(eP < 1e-5);
        // forward() without linearisation gives the same intensity.
        QVERIFY(relative(op.forward(f), p.intensity) < 1e-7);
    }

    void adjointAndAutograd_data() { operatorAgreesWithCore_data(); }

    // In double: ⟨F′h, g⟩ = ⟨h, F′*g⟩ to 1e-10, and autograd's gradient of ⟨F(f), g⟩ equals the
    // explicit F′[f]* g (the operator differentiates correctly through the FFTs and padding).
    void adjointAndAutograd()
    {
        QFETCH(int, padding);
        QFETCH(int, oversample);
        const core::PropagationOptions po = options(core::Padding(padding), oversample);
        torch::manual_seed(11);
        const auto dopt = torch::TensorOptions().dtype(torch::kDouble);
        const int n = 2, h = 20, w = 24;
        const TorchFresnel op(kGeometry, h, w, po, torch::kCPU, torch::kDouble);
        const torch::Tensor f = torch::rand({n, 2, h, w}, dopt) * 0.5;
        const torch::Tensor dh = torch::randn({n, 2, h, w}, dopt);
        const torch::Tensor g = torch::randn({n, h, w}, dopt);
        const TorchFresnel::Point p = op.linearize(f);
        const double lhs = (op.derivative(p, dh) * g).sum().item<double>();
        const double rhs = (dh * op.adjoint(p, g)).sum().item<double>();
        qInfo("adjoint test: <F'h,g> = %.12g, <h,F'*g> = %.12g", lhs, rhs);
        QVERIFY(std::abs(lhs - rhs) <= 1e-10 * std::abs(lhs));

        const torch::Tensor fg = f.clone().requires_grad_(true);
        (op.forward(fg) * g).sum().backward();
        const double e = relative(fg.grad(), op.adjoint(p, g));
        qInfo("autograd vs F'*: %.2e", e);
        QVERIFY(e < 1e-10);
    }

    // The weak-object limit of physics.md §2: Î ≈ δ(ξ) − 2 sin χ φ̂ − 2 cos χ B̂.
    void weakObjectTransferFunctions()
    {
        const int n = 32;
        const auto dopt = torch::TensorOptions().dtype(torch::kDouble);
        torch::manual_seed(3);
        const TorchFresnel op(kGeometry, n, n, {}, torch::kCPU, torch::kDouble);
        const torch::Tensor B = torch::randn({1, n, n}, dopt) * 1e-5;
        const torch::Tensor phi = torch::randn({1, n, n}, dopt) * 1e-5;
        const torch::Tensor I = op.forward(torch::stack({B, phi}, 1));
        const double a = 3.14159265358979 * kGeometry.wavelengthM() * kGeometry.distanceM;
        std::vector<double> f2(n);
        for (int k = 0; k < n; ++k) {
            const double f = core::fftFrequency(k, n, kGeometry.pixelSizeM);
            f2[std::size_t(k)] = f * f;
        }
        const torch::Tensor fk = torch::tensor(f2, dopt);
        const torch::Tensor chi = a * (fk.view({n, 1}) + fk.view({1, n}));
        const torch::Tensor predicted =
            -2.0 * torch::sin(chi) * torch::fft::fft2(phi[0]) - 2.0 * torch::cos(chi) * torch::fft::fft2(B[0]);
        torch::Tensor measured = torch::fft::fft2(I[0] - 1.0);
        const double e = relative(torch::view_as_real(measured), torch::view_as_real(predicted));
        qInfo("weak-object CTF agreement: %.2e", e);
        QVERIFY(e < 1e-4);
    }

    void parameterCounts()
    {
        const models::DgnImpl dgn{models::DgnOptions{}};
        const models::MsdImpl msd{models::MsdOptions{}};
        qInfo("DGN %lld parameters, MS-D Net %lld parameters", (long long)dgn.parameterCount(),
              (long long)msd.parameterCount());
        QCOMPARE(dgn.parameterCount(), std::int64_t(31300));
        QCOMPARE(msd.parameterCount(), std::int64_t(45754));
        QCOMPARE(models::parameterCount(models::DgnOptions{}), std::int64_t(31300));
        QCOMPARE(models::parameterCount(models::MsdOptions{}), std::int64_t(45754));
        // Non-default options: the facade's formula matches the built network.
        models::DgnOptions d;
        d.width1 = 8;
        d.width2 = 12;
        d.kernelSize = 3;
        d.hessianInput = false;
        QCOMPARE(models::DgnImpl(d).parameterCount(), models::parameterCount(d));
        models::MsdOptions m;
        m.depth = 17;
        m.width = 2;
        m.maxDilation = 4;
        QCOMPARE(models::MsdImpl(m).parameterCount(), models::parameterCount(m));
        // Normalisation is stored as buffers, not parameters.
        QCOMPARE(int(msd.buffers().size()), 4);
    }

    // DGN's balanced loss (issue 15): each channel's MSE over its training-set mean square, so
    // a 100× smaller absorption weighs as much as the phase; the paper's plain MSE on request.
    // Files without the key were trained with the plain MSE and read back that way.
    void dgnBalancedLoss()
    {
        models::DgnOptions o;
        QVERIFY(o.balancedLoss);
        models::DgnImpl net(o);
        models::DatasetStatistics s;
        s.absorptionMean = 0.003;
        s.absorptionStd = 0.004;  // mean square 2.5e-5
        s.phaseMean = 0.3;
        s.phaseStd = 0.4;         // mean square 0.25
        net.fitNormalisation(s);
        const torch::Tensor target = torch::zeros({2, 2, 4, 4});
        torch::Tensor prediction = torch::zeros({2, 2, 4, 4});
        prediction.select(1, 0).fill_(0.005);  // error² 2.5e-5 = 1 × the absorption mean square
        prediction.select(1, 1).fill_(1.0);    // error² 1 = 4 × the phase mean square
        QVERIFY(std::abs(net.loss(prediction, target).item<double>() - 0.5 * (1.0 + 4.0)) < 1e-5);
        QCOMPARE(net.normalisation()["loss_mean_square"][1].get<double>(), 0.25);

        o.balancedLoss = false;
        models::DgnImpl plain(o);
        plain.fitNormalisation(s);
        QVERIFY(std::abs(plain.loss(prediction, target).item<double>() -
                         torch::mse_loss(prediction, target).item<double>()) < 1e-9);
        QVERIFY(plain.normalisation().is_null());

        QCOMPARE(models::toJson(models::DgnOptions{})["loss"].get<std::string>(), std::string("balanced"));
        nlohmann::json old = models::toJson(models::DgnOptions{});
        old.erase("loss");
        QVERIFY(!models::dgnOptionsFromJson(old, "test").balancedLoss);
        QVERIFY(models::dgnOptionsFromJson(models::toJson(models::DgnOptions{}), "test").balancedLoss);
        old["loss"] = "l1";
        QVERIFY_THROWS_EXCEPTION(core::InputError, models::dgnOptionsFromJson(old, "test"));
    }

    void msdMatchesReference_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<bool>("generic");
        QTest::newRow("CPU kernels, width 1") << 1 << false;
        QTest::newRow("CPU kernels, width 2") << 2 << false;
        QTest::newRow("generic ATen path, width 1") << 1 << true;
        QTest::newRow("generic ATen path, width 2") << 2 << true;
    }

    // The custom autograd function (CPU kernels, or the generic GEMM + shifted-sum path that CUDA
    // uses; both with hand-written backward passes) equals plain conv2d with reflect padding over
    // concatenated maps, in values and in every gradient.
    void msdMatchesReference()
    {
        QFETCH(int, width);
        QFETCH(bool, generic);
        models::msdUseGenericPath() = generic;
        struct Reset {
            ~Reset() { models::msdUseGenericPath() = false; }
        } reset;
        torch::manual_seed(5);
        models::MsdOptions o;
        o.depth = 13;
        o.width = width;
        models::MsdImpl net(o);
        net.to(torch::kDouble);
        {
            torch::NoGradGuard ng;
            for (auto& b : net.biases)
                b.uniform_(-0.2, 0.2);
        }
        const auto dopt = torch::TensorOptions().dtype(torch::kDouble);
        const torch::Tensor x = torch::randn({2, 1, 15, 13}, dopt).requires_grad_(true);
        const torch::Tensor probe = torch::randn({2, 1 + o.depth * width, 15, 13}, dopt);

        const torch::Tensor fast = net.denseMaps(x);
        (fast * probe).sum().backward();
        std::vector<torch::Tensor> gFast;
        for (const auto& p : net.parameters())
            if (p.grad().defined())
                gFast.push_back(p.grad().clone());
        const torch::Tensor gxFast = x.grad().clone();
        net.zero_grad();
        x.grad().zero_();

        const torch::Tensor slow = models::msdReferenceMaps(net, x);
        (slow * probe).sum().backward();
        std::vector<torch::Tensor> gSlow;
        for (const auto& p : net.parameters())
            if (p.grad().defined())
                gSlow.push_back(p.grad().clone());

        const double ev = relative(fast, slow);
        QVERIFY2(ev < 1e-12, qPrintable(QString("maps differ: %1").arg(ev)));
        QCOMPARE(gFast.size(), gSlow.size());
        QCOMPARE(int(gFast.size()), 2 * o.depth);
        double worst = relative(x.grad(), gxFast);
        for (std::size_t i = 0; i < gFast.size(); ++i)
            worst = std::max(worst, relative(gFast[i], gSlow[i]));
        qInfo("MS-D custom vs reference: maps %.1e, worst gradient %.1e", ev, worst);
        QVERIFY(worst < 1e-10);
    }

    // The float CPU kernels (AVX2 + FMA where the CPU has them) agree with the double ones.
    void msdFloatKernelsMatchDouble()
    {
        torch::manual_seed(8);
        models::MsdOptions o;
        o.depth = 30;
        models::MsdImpl net(o);
        const torch::Tensor x = torch::randn({2, 1, 41, 37});
        const torch::Tensor probe = torch::randn({2, 1 + o.depth, 41, 37});
        auto run = [&](torch::ScalarType type) {
            net.to(type);
            net.zero_grad();
            const torch::Tensor maps = net.denseMaps(x.to(type));
            (maps * probe.to(type)).sum().backward();
            return std::pair{maps.to(torch::kDouble), net.weights[3].grad().to(torch::kDouble)};
        };
        const auto [m32, g32] = run(torch::kFloat);
        const auto [m64, g64] = run(torch::kDouble);
        const double em = relative(m32, m64), eg = relative(g32, g64);
        qInfo("MS-D float vs double kernels: maps %.1e, gradient %.1e", em, eg);
        QVERIFY(em < 1e-5);
        QVERIFY(eg < 1e-5);
    }

    // Autograd's gradient of the DGN training loss (through N unrolled iterations, the Fresnel
    // operator, its derivative and adjoint) matches central finite differences, in double.
    void dgnGradientMatchesFiniteDifference()
    {
        torch::manual_seed(9);
        models::DgnOptions o;
        o.iterations = 3;
        models::DgnImpl net(o);
        net.to(torch::kDouble);
        const core::Geometry g{13.0, 20e-3, 200e-9};
        net.setPhysics(g);
        test::SimSpec spec;
        spec.size = 16;
        spec.geometry = g;
        test::Simulator sim(spec);
        std::mt19937_64 rng(1);
        const test::SimSample s = sim.sample(rng);
        const auto toD = [](const core::ImageF& img) {
            return imageToTensor(img).to(torch::kDouble);
        };
        const torch::Tensor holo = toD(s.hologram).view({1, 1, 16, 16});
        const torch::Tensor target = torch::stack({toD(s.absorption), toD(s.phase)}).unsqueeze(0);

        auto lossValue = [&] { return net.loss(net.forward(holo), target); };
        net.zero_grad();
        lossValue().backward();

        // A few entries of every parameter tensor of G and H. Entries whose gradient vanishes
        // (G's phase bias: a uniform phase is in the null space of F′) are compared against a
        // floor of 1e-6 of the largest gradient.
        double largest = 0;
        for (const auto& p : net.parameters())
            largest = std::max(largest, p.grad().abs().max().item<double>());
        int checked = 0;
        double worst = 0;
        for (auto& p : net.named_parameters()) {
            torch::Tensor t = p.value();
            const torch::Tensor grad = t.grad().clone();
            const torch::Tensor flat = t.view({-1});
            for (std::int64_t k : {std::int64_t(0), flat.numel() / 2, flat.numel() - 1}) {
                const double ad = grad.view({-1})[k].item<double>();
                // The loss is piecewise smooth (leaky ReLU, the B >= kMinAbsorption clamp): when
                // a pre-activation lies within the step of a kink, the central difference straddles
                // it and disagrees with the (one-sided) autograd value. Which entries sit that close
                // depends on the CPU's convolution kernels, so the difference is retried with a
                // step ten times smaller; a wrong gradient fails at both steps.
                double err = 1e300, fd = 0;
                for (const double eps : {1e-6, 1e-7}) {
                    double up, down;
                    {
                        torch::NoGradGuard ng;
                        const double v = flat[k].item<double>();
                        flat[k].fill_(v + eps);
                        up = lossValue().item<double>();
                        flat[k].fill_(v - eps);
                        down = lossValue().item<double>();
                        flat[k].fill_(v);
                    }
                    fd = (up - down) / (2 * eps);
                    err = std::min(err, std::abs(fd - ad) /
                                            std::max(1e-6 * largest, std::abs(fd) + std::abs(ad)));
                    if (err <= 1e-5)
                        break;
                }
                worst = std::max(worst, err);
                ++checked;
                if (err > 1e-5)
                    qWarning("%s[%lld]: autograd %.10g, finite difference %.10g", p.key().c_str(),
                             (long long)k, ad, fd);
            }
        }
        qInfo("DGN gradient: %d entries, worst relative difference %.2e", checked, worst);
        QCOMPARE(checked, 12 * 3);
        QVERIFY(worst < 1e-5);
    }

    // DGN reconstructs any image size (non-square, odd) with finite values.
    void dgnAnySize()
    {
        torch::manual_seed(2);
        models::DgnImpl net{models::DgnOptions{}};
        net.setPhysics(kGeometry);
        torch::NoGradGuard ng;
        for (auto [h, w] : {std::pair{17, 23}, std::pair{32, 32}}) {
            const torch::Tensor x = torch::ones({2, 1, h, w});
            const torch::Tensor y = net.forward(x);
            QCOMPARE(y.sizes().vec(), (std::vector<std::int64_t>{2, 2, h, w}));
            QVERIFY(torch::isfinite(y).all().item<bool>());
        }
    }

    // A network written as a model file and loaded through the facade gives bit-identical outputs.
    void saveLoadIdentical_data()
    {
        QTest::addColumn<int>("method");
        QTest::newRow("dgn") << int(models::Method::Dgn);
        QTest::newRow("msd") << int(models::Method::Msd);
    }

    void saveLoadIdentical()
    {
        QFETCH(int, method);
        const models::Method m = models::Method(method);
        torch::manual_seed(21);
        nlohmann::json arch = m == models::Method::Dgn ? models::toJson(models::DgnOptions{})
                                                       : models::toJson(models::MsdOptions{});
        if (m == models::Method::Dgn)
            arch["iterations"] = 4;
        else
            arch["depth"] = 20;
        models::Network net = models::makeNetwork(m, arch);
        net->setPhysics(kGeometry);
        models::DatasetStatistics st;
        st.hologramMean = 1.0;
        st.hologramStd = 0.2;
        st.phaseMean = 0.3;
        st.phaseStd = 0.25;
        st.absorptionMean = 0.02;
        st.absorptionStd = 0.01;
        net->fitNormalisation(st);
        if (m == models::Method::Msd) {
            torch::NoGradGuard ng;
            auto* msd = dynamic_cast<models::MsdImpl*>(net.get());
            msd->finalWeight.uniform_(-0.1, 0.1);
        }
        const core::ImageF holo = test::smoothImage<float>(24, 20, 0.5, 4);
        torch::Tensor expected;
        {
            torch::NoGradGuard ng;
            net->eval();
            expected = net->forward(imageToTensor(holo).view({1, 1, 20, 24}));
        }
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/model.pt").toStdString();
        models::writeModelFile(path, *net, {{"format", models::kModelFormat},
                                            {"method", models::toString(m)},
                                            {"architecture", net->architecture()},
                                            {"physics", core::toJson(kGeometry)}});
        QVERIFY(models::looksLikeModelFile(path));
        models::LearnedModel loaded = models::LearnedModel::load(path, "cpu");
        QCOMPARE(loaded.parameterCount(), net->parameterCount());
        const models::Reconstruction r = loaded.reconstruct(holo, kGeometry);
        const torch::Tensor e = expected.to(torch::kFloat);
        QCOMPARE(test::relativeDifference(r.absorption, tensorToImage(e[0][0])), 0.0);
        QCOMPARE(test::relativeDifference(r.phase, tensorToImage(e[0][1])), 0.0);
        // A stack of three (batched in twos) gives the same result for each.
        std::vector<core::ImageF> stack{holo, holo, holo};
        const auto rs = loaded.reconstructStack(stack, kGeometry, 2, core::ProgressReporter(nullptr, nullptr));
        QCOMPARE(int(rs.size()), 3);
        for (const auto& x : rs)
            QVERIFY(test::relativeDifference(x.phase, r.phase) < 1e-6);
    }

    void cudaOperatorAndNetworksMatchCpu()
    {
        if (!cudaRequested())
            QSKIP("CUDA cases run under the gpu label (PHASELAB_TEST_CUDA=1)");
        if (!torch::cuda::is_available())
            QSKIP("no CUDA device");
        const torch::Device cuda(torch::kCUDA, 0);
        torch::manual_seed(4);
        for (core::Padding pad : {core::Padding::Periodic, core::Padding::Replicate, core::Padding::Unit}) {
            const core::PropagationOptions po = options(pad, 2);
            const TorchFresnel cpu(kGeometry, 36, 40, po, torch::kCPU);
            const TorchFresnel gpu(kGeometry, 36, 40, po, cuda);
            const torch::Tensor f = torch::rand({2, 2, 36, 40}) * 0.5;
            const torch::Tensor g = torch::randn({2, 36, 40});
            const auto pc = cpu.linearize(f);
            const auto pg = gpu.linearize(f.to(cuda));
            QVERIFY(relative(pg.intensity.cpu(), pc.intensity) < 1e-5);
            QVERIFY(relative(gpu.adjoint(pg, g.to(cuda)).cpu(), cpu.adjoint(pc, g)) < 1e-5);
            QVERIFY(relative(gpu.derivative(pg, f.to(cuda)).cpu(), cpu.derivative(pc, f)) < 1e-5);
        }
        for (models::Method m : {models::Method::Dgn, models::Method::Msd}) {
            models::Network net = models::makeNetwork(
                m, m == models::Method::Dgn ? models::toJson(models::DgnOptions{})
                                            : models::toJson(models::MsdOptions{}));
            net->setPhysics(kGeometry);
            torch::NoGradGuard ng;
            const torch::Tensor x = 1.0 + 0.1 * torch::randn({2, 1, 32, 32});
            const torch::Tensor yc = net->forward(x);
            net->to(cuda);
            const torch::Tensor yg = net->forward(x.to(cuda)).cpu();
            QVERIFY(relative(yg, yc) < 1e-4);
        }
    }
};

QTEST_APPLESS_MAIN(TorchInternalsTest)
#include "torch_internals_test.moc"
