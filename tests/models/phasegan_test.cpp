// PhaseGAN (issue 12): parameter counts against the paper's, the networks' shapes, the
// differentiable FRC loss on core's ring definition (zero for identical images, FRCM of core's FRC,
// gradient against finite differences), one cycle iteration updating all four networks, a few
// dozen iterations lowering the cycle losses, and the training run through the facade: unpaired
// data, history with cycle losses, discriminator accuracies and validation metrics, a stopped run
// resumed from its checkpoint, training without a validation split, the model file and inference.
// LibTorch before Qt: Qt's `slots` keyword would break LibTorch's headers.
#include "frc_loss.h"
#include "phasegan_networks.h"
#include "phasegan_training.h"

#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/core/metrics.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/runtime.h>

#include "sim_dataset.h"

#include <cmath>
#include <filesystem>

using namespace phaselab;

namespace {

models::PhaseGanOptions tinyGan()
{
    models::PhaseGanOptions o;
    o.width = 0.125;
    return o;
}

std::int64_t countOf(const torch::nn::Module& m)
{
    std::int64_t n = 0;
    for (const auto& p : m.parameters())
        n += p.numel();
    return n;
}

// An unpaired training split (holograms of samples 0 … n−1, objects of samples n … 2n−1) and a
// paired validation split.
void writeUnpairedDataset(const std::string& path, const test::SimSpec& spec, int n, int nVal)
{
    test::Simulator sim(spec);
    std::mt19937_64 rng(spec.seed);
    test::SplitData a = test::simulateSplit("train", n, spec, sim, rng);
    const test::SplitData b = test::simulateSplit("train", n, spec, sim, rng);
    a.absorption = b.absorption;
    a.phase = b.phase;
    a.attributes = {{"paired", 0}};
    test::SplitData val = test::simulateSplit("val", nVal, spec, sim, rng);
    test::writeDataset(path, {a, val}, spec.geometry, spec.seed);
}

// Batches of the simulator's holograms [n, 1, H, W] and of other samples' objects [n, 2, H, W].
std::pair<torch::Tensor, torch::Tensor> simulatedBatch(const test::SimSpec& spec, int n)
{
    test::Simulator sim(spec);
    std::mt19937_64 rng(spec.seed);
    const int s = spec.size;
    torch::Tensor holo = torch::empty({n, 1, s, s}), obj = torch::empty({n, 2, s, s});
    for (int i = 0; i < n; ++i) {
        const test::SimSample h = sim.sample(rng);
        const test::SimSample o = sim.sample(rng);
        std::copy(h.hologram.begin(), h.hologram.end(), holo[i][0].data_ptr<float>());
        std::copy(o.absorption.begin(), o.absorption.end(), obj[i][0].data_ptr<float>());
        std::copy(o.phase.begin(), o.phase.end(), obj[i][1].data_ptr<float>());
    }
    return {holo, obj};
}

} // namespace

class PhaseGanTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const std::string& name) const
    {
        return (m_dir.path() + "/").toStdString() + name;
    }

private slots:
    void initTestCase() { models::initialiseRuntime(); }

    // Supplement: "The generators each contains 22.93 million learnable parameters, while the
    // discriminators have 2.76 M." Counted without building, and the built networks agree.
    void parameterCountsMatchThePaper()
    {
        const models::PhaseGanOptions full;
        const std::int64_t gO = models::phaseGanGeneratorParameterCount(full, 1, 2);
        const std::int64_t gD = models::phaseGanGeneratorParameterCount(full, 1, 1);
        const std::int64_t dO = models::phaseGanDiscriminatorParameterCount(full, 2);
        const std::int64_t dD = models::phaseGanDiscriminatorParameterCount(full, 1);
        qInfo("full width: G_O %lld, G_D %lld, D_O %lld, D_D %lld parameters", (long long)gO,
              (long long)gD, (long long)dO, (long long)dD);
        for (std::int64_t g : {gO, gD})
            QVERIFY(std::abs(double(g) - 22.93e6) <= 0.01 * 22.93e6);
        for (std::int64_t d : {dO, dD})
            QVERIFY(std::abs(double(d) - 2.76e6) <= 0.01 * 2.76e6);
        QCOMPARE(models::parameterCount(full), gO);

        for (double w : {1.0, 0.5, 0.25, 0.125}) {
            models::PhaseGanOptions o;
            o.width = w;
            QCOMPARE(countOf(*models::UNet11(o, 1, 2)), models::phaseGanGeneratorParameterCount(o, 1, 2));
            QCOMPARE(countOf(*models::UNet11(o, 1, 1)), models::phaseGanGeneratorParameterCount(o, 1, 1));
            QCOMPARE(countOf(*models::PatchGan(o, 2)), models::phaseGanDiscriminatorParameterCount(o, 2));
            QCOMPARE(countOf(*models::PatchGan(o, 1)), models::phaseGanDiscriminatorParameterCount(o, 1));
        }
        models::PhaseGanOptions quarter;
        quarter.width = 0.25;
        qInfo("width 1/4: G_O %lld, D_O %lld parameters",
              (long long)models::phaseGanGeneratorParameterCount(quarter, 1, 2),
              (long long)models::phaseGanDiscriminatorParameterCount(quarter, 2));
    }

    // G_O maps [N, 1, H, W] to [N, 2, H, W] for any size (padded to multiples of 32 inside);
    // the PatchGAN gives 30×30 logits for 256² (70×70 patches), 6×6 for 64².
    void shapes()
    {
        torch::manual_seed(1);
        const models::PhaseGanOptions o = tinyGan();
        models::PhaseGanGeneratorImpl g(o);
        torch::NoGradGuard noGrad;
        for (auto [h, w] : {std::pair{32, 32}, std::pair{40, 56}, std::pair{17, 9}}) {
            const torch::Tensor y = g.forward(torch::rand({2, 1, h, w}));
            QCOMPARE(y.sizes().vec(), (std::vector<std::int64_t>{2, 2, h, w}));
            QVERIFY(torch::isfinite(y).all().item<bool>());
        }
        models::PatchGan d(o, 2);
        QCOMPARE(d->forward(torch::rand({1, 2, 256, 256})).sizes().vec(),
                 (std::vector<std::int64_t>{1, 1, 30, 30}));
        QCOMPARE(d->forward(torch::rand({3, 2, 64, 64})).sizes().vec(),
                 (std::vector<std::int64_t>{3, 1, 6, 6}));
        // Channels-last and the plain layout compute the same.
        const torch::Tensor x = torch::rand({2, 1, 64, 64});
        const bool layout = models::phaseGanChannelsLast();
        models::phaseGanChannelsLast() = true;
        const torch::Tensor a = g.forward(x);
        models::phaseGanChannelsLast() = false;
        const torch::Tensor b = g.forward(x);
        models::phaseGanChannelsLast() = layout;
        QVERIFY(torch::allclose(a, b, 1e-4, 1e-5));
    }

    // The loss is core's FRCM / 100 (one ring definition), 0 for identical images.
    void frcLossIsCoresFrcm()
    {
        torch::manual_seed(3);
        const int n = 32;
        const torch::Tensor a = torch::rand({2, 2, n, n}, torch::kDouble);
        const torch::Tensor b = a + 0.3 * torch::rand({2, 2, n, n}, torch::kDouble);
        QVERIFY(models::frcLoss(a, a).item<double>() < 1e-12);
        QVERIFY(models::frcLoss(a.to(torch::kFloat), a.to(torch::kFloat)).item<double>() < 1e-10);
        const torch::Tensor curves = models::frcCurve(a, b);
        double mean = 0;
        for (int i = 0; i < 2; ++i)
            for (int c = 0; c < 2; ++c) {
                core::ImageD ia(n, n), ib(n, n);
                const torch::Tensor ta = a[i][c].contiguous(), tb = b[i][c].contiguous();
                std::copy_n(ta.data_ptr<double>(), n * n, ia.data());
                std::copy_n(tb.data_ptr<double>(), n * n, ib.data());
                const core::FrcResult r = core::fourierRingCorrelation(ia, ib, 1e-6);
                for (int k = 0; k < n / 2; ++k)
                    QVERIFY(std::abs(curves[i * 2 + c][k].item<double>() - r.value[std::size_t(k)]) < 1e-9);
                mean += r.frcmPercent / 4.0;
            }
        QVERIFY(std::abs(models::frcLoss(a, b).item<double>() * 100.0 - mean) < 1e-9);
        // The ring map is core's.
        const std::vector<int> map = core::frcRingMap(8);
        QCOMPARE(map[0], 0);
        QCOMPARE(map[1], 1);
        QCOMPARE(map[7], 1);           // column 7 is frequency −1
        QCOMPARE(map[4], -1);          // |k| = 4 = n/2 lies outside the rings
        QCOMPARE(map[8 * 3 + 3], -1);  // round(√18) = 4
        QCOMPARE(map[8 * 2 + 2], 3);   // round(√8) = 3
    }

    // The autograd gradient of the FRC loss matches central finite differences (double).
    void frcLossGradient()
    {
        torch::manual_seed(4);
        const int n = 16;
        const torch::Tensor a = torch::rand({1, 1, n, n}, torch::kDouble).requires_grad_(true);
        const torch::Tensor b = torch::rand({1, 1, n, n}, torch::kDouble);
        const torch::Tensor loss = models::frcLoss(a, b);
        loss.backward();
        const torch::Tensor grad = a.grad().clone();
        torch::NoGradGuard noGrad;
        const double h = 1e-6;
        double maxErr = 0, maxGrad = 0;
        for (int k = 0; k < 40; ++k) {
            const int y = (k * 7) % n, x = (k * 5 + 3) % n;
            const torch::Tensor p = a.detach().clone(), m = a.detach().clone();
            p[0][0][y][x] += h;
            m[0][0][y][x] -= h;
            const double fd =
                (models::frcLoss(p, b).item<double>() - models::frcLoss(m, b).item<double>()) / (2 * h);
            const double ad = grad[0][0][y][x].item<double>();
            maxErr = std::max(maxErr, std::abs(fd - ad));
            maxGrad = std::max(maxGrad, std::abs(fd));
        }
        qInfo("FRC loss gradient: max |autograd − finite difference| %.3g, max |gradient| %.3g",
              maxErr, maxGrad);
        QVERIFY(maxGrad > 0);
        QVERIFY(maxErr <= 1e-6 * maxGrad + 1e-12);
    }

    // One iteration changes every parameter tensor of G_O, G_D, D_O and D_D.
    void oneIterationUpdatesAllFourNetworks()
    {
        test::SimSpec spec;
        spec.size = 32;
        torch::manual_seed(2);
        models::PhaseGanCycle cycle(tinyGan(), spec.geometry, 32, 32, torch::kCPU, 2e-4, 1e-4, 10);
        auto snapshot = [](const torch::nn::Module& m) {
            std::vector<torch::Tensor> v;
            for (const auto& p : m.parameters())
                v.push_back(p.detach().clone());
            return v;
        };
        const std::vector<std::pair<const char*, const torch::nn::Module*>> nets = {
            {"G_O", cycle.objectGenerator.get()},
            {"G_D", cycle.detectorGenerator.get()},
            {"D_O", cycle.objectDiscriminator.get()},
            {"D_D", cycle.detectorDiscriminator.get()}};
        std::vector<std::vector<torch::Tensor>> before;
        for (const auto& [name, m] : nets)
            before.push_back(snapshot(*m));
        const auto [holo, obj] = simulatedBatch(spec, 2);
        const models::PhaseGanCycle::Losses l = cycle.step(holo, obj);
        QVERIFY(std::isfinite(l.generator));
        QVERIFY(l.accuracyObject >= 0 && l.accuracyObject <= 1);
        for (std::size_t i = 0; i < nets.size(); ++i) {
            const std::vector<torch::Tensor> after = snapshot(*nets[i].second);
            int changed = 0;
            for (std::size_t k = 0; k < after.size(); ++k)
                changed += !torch::equal(before[i][k], after[k]);
            qInfo("%s: %d of %d parameter tensors changed", nets[i].first, changed, int(after.size()));
            QCOMPARE(changed, int(after.size()));
        }
    }

    // A few dozen iterations on a tiny set lower the cycle losses: the weighted cycle terms of
    // Eq. 1 (L1 and FRC of both cycles) by more than a third, the intensity cycle's L1 and both
    // FRC terms each. (The object cycle's L1 starts near its value for a zero output, ψ being
    // mostly empty background, and stays about flat over 40 iterations.)
    void iterationsReduceTheCycleLosses()
    {
        test::SimSpec spec;
        spec.size = 32;
        torch::manual_seed(5);
        const models::PhaseGanOptions o = tinyGan();
        models::PhaseGanCycle cycle(o, spec.geometry, 32, 32, torch::kCPU, 1e-3, 1e-4, 10);
        const auto [holo, obj] = simulatedBatch(spec, 4);
        std::vector<models::PhaseGanCycle::Losses> l;
        for (int it = 0; it < 40; ++it)
            l.push_back(cycle.step(holo, obj));
        auto mean = [&](double models::PhaseGanCycle::Losses::*f, std::size_t a, std::size_t b) {
            double s = 0;
            for (std::size_t i = a; i < b; ++i)
                s += l[i].*f;
            return s / double(b - a);
        };
        using L = models::PhaseGanCycle::Losses;
        auto weighted = [&](std::size_t a, std::size_t b) {
            return o.cycleObjectWeight * mean(&L::cycleObject, a, b) +
                   o.cycleIntensityWeight * mean(&L::cycleIntensity, a, b) +
                   o.frcObjectWeight * mean(&L::frcObject, a, b) +
                   o.frcIntensityWeight * mean(&L::frcIntensity, a, b);
        };
        qInfo("over 40 iterations (means of the first and last 5): weighted cycle %.4g → %.4g; "
              "L1 object %.4g → %.4g, intensity %.4g → %.4g; FRC object %.4g → %.4g, intensity "
              "%.4g → %.4g",
              weighted(0, 5), weighted(35, 40), mean(&L::cycleObject, 0, 5),
              mean(&L::cycleObject, 35, 40), mean(&L::cycleIntensity, 0, 5),
              mean(&L::cycleIntensity, 35, 40), mean(&L::frcObject, 0, 5),
              mean(&L::frcObject, 35, 40), mean(&L::frcIntensity, 0, 5),
              mean(&L::frcIntensity, 35, 40));
        QVERIFY(weighted(35, 40) < 0.67 * weighted(0, 5));
        QVERIFY(mean(&L::cycleIntensity, 35, 40) < mean(&L::cycleIntensity, 0, 5));
        QVERIFY(mean(&L::frcObject, 35, 40) < mean(&L::frcObject, 0, 5));
        QVERIFY(mean(&L::frcIntensity, 35, 40) < mean(&L::frcIntensity, 0, 5));
    }

    // Through the facade: the history carries the cycle losses, discriminator accuracies and
    // validation metrics; a run stopped after its first epoch resumes from the checkpoint and
    // continues the same history; the model file holds G_O with architecture, width, physics.
    void trainStopResumeModelFile()
    {
        test::SimSpec spec;
        spec.size = 32;
        const std::string data = path("unpaired.h5");
        writeUnpairedDataset(data, spec, 8, 4);

        models::TrainOptions o;
        o.method = models::Method::PhaseGan;
        o.dataPath = data;
        o.epochs = 2;
        o.batchSize = 4;
        o.device = "cpu";
        o.seed = 9;
        o.phasegan.width = 0.125;
        o.outPath = path("full.pt");
        const models::TrainResult full = models::train(o, nullptr, nullptr);
        QCOMPARE(int(full.history.size()), 2);
        const models::EpochRecord& e1 = full.history[0];
        for (const char* key : {"cycle_object_l1", "cycle_intensity_l1", "frc_object", "frc_intensity",
                                "d_object_accuracy", "d_detector_accuracy", "val_phase_nmse_percent",
                                "val_phase_frcm_percent"})
            QVERIFY2(e1.metrics.count(key) == 1, key);
        QVERIFY(std::isfinite(full.initialValLoss));

        o.outPath = path("cut.pt");
        o.stopAfterEpochs = 1;
        QVERIFY_EXCEPTION_THROWN(models::train(o, nullptr, nullptr), core::Cancelled);
        QVERIFY(!std::filesystem::exists(o.outPath));
        QVERIFY(std::filesystem::exists(o.outPath + ".ckpt"));
        models::TrainOptions r;
        r.resumePath = o.outPath + ".ckpt";
        r.outPath = o.outPath;
        r.device = "cpu";
        const models::TrainResult resumed = models::train(r, nullptr, nullptr);
        QCOMPARE(int(resumed.history.size()), 2);
        QCOMPARE(resumed.initialValLoss, full.initialValLoss);
        for (int e = 0; e < 2; ++e) {
            const models::EpochRecord& a = full.history[std::size_t(e)];
            const models::EpochRecord& b = resumed.history[std::size_t(e)];
            qInfo("epoch %d: generator loss %.8g / %.8g, val loss %.8g / %.8g", e + 1, a.trainLoss,
                  b.trainLoss, a.valLoss, b.valLoss);
            QCOMPARE(b.epoch, e + 1);
            QVERIFY(std::abs(a.trainLoss - b.trainLoss) <= 1e-4 * std::abs(a.trainLoss));
            QVERIFY(std::abs(a.valLoss - b.valLoss) <= 1e-4 * std::abs(a.valLoss));
            QVERIFY(std::abs(a.metrics.at("cycle_object_l1") - b.metrics.at("cycle_object_l1")) <=
                    1e-4 * a.metrics.at("cycle_object_l1"));
        }

        const nlohmann::json info = models::modelInfo(o.outPath);
        QCOMPARE(info["method"].get<std::string>(), std::string("phasegan"));
        QCOMPARE(info["architecture"]["width"].get<double>(), 0.125);
        QCOMPARE(info["parameter_count"].get<std::int64_t>(), models::parameterCount(o.phasegan));
        QCOMPARE(int(info["training"]["history"].size()), 2);
        QVERIFY(info["training"]["history"][0].contains("metrics"));
        QCOMPARE(info["training"]["schedule"].get<std::string>(), std::string("step"));
        QCOMPARE(info["training"]["phasegan"]["cycle_object_weight"].get<double>(), 30.0);
        QCOMPARE(info["physics"]["distance_m"].get<double>(), spec.geometry.distanceM);

        // Without a paired validation split: no validation metrics, the last epoch is kept.
        {
            test::Simulator sim(spec);
            std::mt19937_64 rng(spec.seed);
            test::SplitData only = test::simulateSplit("train", 4, spec, sim, rng);
            only.attributes = {{"paired", 0}};
            const std::string noVal = path("train_only.h5");
            test::writeDataset(noVal, {only}, spec.geometry, spec.seed);
            models::TrainOptions t = o;
            t.dataPath = noVal;
            t.stopAfterEpochs = 0;
            t.outPath = path("no_val.pt");
            const models::TrainResult nv = models::train(t, nullptr, nullptr);
            QCOMPARE(nv.bestEpoch, 2);
            QVERIFY(!std::isfinite(nv.initialValLoss));
            QVERIFY(nv.history[1].metrics.count("val_phase_nmse_percent") == 0);
            QCOMPARE(nv.history[1].valLoss, nv.history[1].trainLoss);
        }

        models::LearnedModel model = models::LearnedModel::load(o.outPath, "cpu");
        QVERIFY(model.method() == models::Method::PhaseGan);
        core::ImageF holo(40, 24);
        holo.fill(1.0f);
        const models::Reconstruction rec = model.reconstruct(holo);
        QCOMPARE(rec.phase.width(), 40);
        QCOMPARE(rec.phase.height(), 24);
    }
};

QTEST_GUILESS_MAIN(PhaseGanTest)
#include "phasegan_test.moc"
