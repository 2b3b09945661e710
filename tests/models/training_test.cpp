// The training engine through the torch-free facade, on tiny simulated sets: checkpoints, cancel and
// resume continuing the same curve, the model file and its metadata, inference with a geometry
// warning, and input errors.
#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/runtime.h>

#include "sim_dataset.h"
#include "test_util.h"

#include <filesystem>

using namespace phaselab;

namespace {

models::TrainOptions tinyOptions(models::Method method, const std::string& data,
                                 const std::string& out)
{
    models::TrainOptions o;
    o.method = method;
    o.dataPath = data;
    o.outPath = out;
    o.epochs = 3;
    o.batchSize = 4;
    o.device = "cpu";
    o.seed = 5;
    o.dgn.iterations = 2;
    o.dgn.width1 = 8;
    o.dgn.width2 = 8;
    o.msd.depth = 10;
    o.augmentation.flips = true;
    return o;
}

// The InputError message of a training with these options; empty when it trained.
std::string trainError(const models::TrainOptions& o)
{
    try {
        models::train(o, nullptr, nullptr);
    } catch (const core::InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace

class TrainingTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_data;
    test::SimSpec m_spec;

    std::string path(const std::string& name) const
    {
        return (m_dir.path() + "/").toStdString() + name;
    }

private slots:
    void initTestCase()
    {
        m_spec.size = 16;
        m_spec.train = 20;
        m_spec.val = 8;
        m_data = path("tiny.h5");
        test::writeSimulatedDataset(m_data, m_spec);
    }

    void resumeAfterCancelContinuesTheCurve_data()
    {
        QTest::addColumn<int>("method");
        QTest::newRow("dgn") << int(models::Method::Dgn);
        QTest::newRow("msd") << int(models::Method::Msd);
    }

    // A run cancelled in its second epoch keeps the checkpoint of the first; resuming it finishes
    // the same curve as an uninterrupted run (same epochs, losses, best epoch).
    void resumeAfterCancelContinuesTheCurve()
    {
        QFETCH(int, method);
        const auto m = models::Method(method);
        const std::string tag = models::toString(m);

        const models::TrainResult full =
            models::train(tinyOptions(m, m_data, path(tag + "_full.pt")), nullptr, nullptr);
        QCOMPARE(int(full.history.size()), 3);

        const std::string out = path(tag + "_cut.pt");
        core::CancelToken cancel;
        models::TrainOptions o = tinyOptions(m, m_data, out);
        bool threw = false;
        try {
            models::train(o, nullptr, &cancel, [&](const models::TrainProgress& p) {
                if (p.epoch == 2 && p.batch == 2 && !p.validating)
                    cancel.cancel();
            });
        } catch (const core::Cancelled&) {
            threw = true;
        }
        QVERIFY(threw);
        QVERIFY2(!std::filesystem::exists(out), "a cancelled run must not write the model file");
        QVERIFY(std::filesystem::exists(out + ".ckpt"));
        // No temporary files left behind next to the checkpoint.
        int files = 0;
        for (const auto& e : std::filesystem::directory_iterator(m_dir.path().toStdString()))
            if (e.path().filename().string().rfind(tag + "_cut", 0) == 0)
                ++files;
        QCOMPARE(files, 1);

        models::TrainOptions r;
        r.resumePath = out + ".ckpt";
        r.outPath = out;
        r.device = "cpu";
        const models::TrainResult resumed = models::train(r, nullptr, nullptr);
        QCOMPARE(int(resumed.history.size()), 3);
        QCOMPARE(resumed.history[0].epoch, 1);
        QCOMPARE(resumed.history[2].epoch, 3);
        QCOMPARE(resumed.initialValLoss, full.initialValLoss);
        for (int e = 0; e < 3; ++e) {
            const double a = full.history[std::size_t(e)].valLoss;
            const double b = resumed.history[std::size_t(e)].valLoss;
            qInfo("%s epoch %d: val loss uninterrupted %.8g, cancelled + resumed %.8g", tag.c_str(),
                  e + 1, a, b);
            QVERIFY(std::abs(a - b) <= 1e-4 * std::abs(a));
            QCOMPARE(resumed.history[std::size_t(e)].learningRate,
                     full.history[std::size_t(e)].learningRate);
        }
        QCOMPARE(resumed.bestEpoch, full.bestEpoch);
        QVERIFY(std::filesystem::exists(out));
    }

    void modelFileAndInference()
    {
        const std::string out = path("info_dgn.pt");
        models::TrainOptions o = tinyOptions(models::Method::Dgn, m_data, out);
        o.epochs = 2;
        const models::TrainResult res = models::train(o, nullptr, nullptr);
        QVERIFY(models::looksLikeModelFile(out));
        QVERIFY(!models::looksLikeModelFile(m_data));

        const nlohmann::json info = models::modelInfo(out);
        QCOMPARE(info["format"].get<std::string>(), std::string("phaselab-model"));
        QCOMPARE(info["method"].get<std::string>(), std::string("dgn"));
        QCOMPARE(info["parameter_count"].get<std::int64_t>(), models::parameterCount(o.dgn));
        QCOMPARE(info["parameter_count"].get<std::int64_t>(), res.parameterCount);
        QCOMPARE(info["architecture"]["iterations"].get<int>(), 2);
        QCOMPARE(info["physics"]["energy_keV"].get<double>(), m_spec.geometry.energyKeV);
        QCOMPARE(info["physics"]["distance_m"].get<double>(), m_spec.geometry.distanceM);
        QCOMPARE(info["physics"]["pixel_size_m"].get<double>(), m_spec.geometry.pixelSizeM);
        QCOMPARE(int(info["training"]["history"].size()), 2);
        QCOMPARE(info["training"]["best_epoch"].get<int>(), res.bestEpoch);
        QCOMPARE(info["training"]["batch_size"].get<int>(), 4);
        QCOMPARE(info["training"]["schedule"].get<std::string>(), std::string("cosine"));
        QCOMPARE(info["image_shape"][0].get<int>(), 16);

        models::LearnedModel model = models::LearnedModel::load(out, "cpu");
        QVERIFY(model.method() == models::Method::Dgn);
        QCOMPARE(model.iterations(), 2);
        QVERIFY(model.geometryWarnings(m_spec.geometry).empty());
        core::Geometry other = m_spec.geometry;
        other.distanceM *= 1.5;
        const auto warnings = model.geometryWarnings(other);
        QCOMPARE(int(warnings.size()), 1);
        QVERIFY(warnings[0].find("distance") != std::string::npos);

        // Any image size, and a stack.
        const core::ImageF holo = test::smoothImage<float>(21, 13, 0.2, 3);
        core::ImageF shifted = holo;
        for (auto& v : shifted)
            v += 0.9f;
        // In float32 a batch of 2 equals single images; the bf16 convolutions of inference
        // (runtime.h, on CPUs that have them) stay within 3 % of float32 (1.1 % measured here).
        const bool bf16 = models::reducedPrecisionInference();
        models::setReducedPrecisionInference(false);
        const models::Reconstruction r = model.reconstruct(shifted);
        QCOMPARE(r.phase.width(), 21);
        QCOMPARE(r.phase.height(), 13);
        const auto stack = model.reconstructStack({shifted, shifted}, std::nullopt, 2,
                                                  core::ProgressReporter(nullptr, nullptr));
        QVERIFY(test::relativeDifference(stack[1].phase, r.phase) < 1e-5);  // batch of 2 vs 1
        models::setReducedPrecisionInference(bf16);
        if (bf16) {  // only where the CPU has bf16 (LibTorch refuses it without AVX-512)
            const double reduced =
                test::relativeDifference(model.reconstruct(shifted).phase, r.phase);
            qInfo("bf16 against float32 convolutions: relative difference %.2g", reduced);
            QVERIFY(reduced < 3e-2);
        }
        core::ImageF nan = shifted;
        nan(3, 3) = std::numeric_limits<float>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(core::InputError, model.reconstruct(nan));

        // MS-D Net stores its normalisation, fitted on the training set.
        const std::string msdOut = path("info_msd.pt");
        models::TrainOptions om = tinyOptions(models::Method::Msd, m_data, msdOut);
        om.epochs = 1;
        models::train(om, nullptr, nullptr);
        const nlohmann::json mi = models::modelInfo(msdOut);
        QCOMPARE(mi["method"].get<std::string>(), std::string("msd"));
        QCOMPARE(mi["parameter_count"].get<std::int64_t>(), models::parameterCount(om.msd));
        QVERIFY(mi["normalisation"]["input_std"].get<double>() > 0);
        QVERIFY(mi["normalisation"]["phase_mean"].get<double>() > 0);
        models::LearnedModel msd = models::LearnedModel::load(msdOut, "cpu");
        QVERIFY_THROWS_EXCEPTION(core::InputError, msd.reconstruct(core::ImageF(8, 8, 1.0f)));
    }

    // A time-boxed run stops after its epochs like a cancel; the subset options are recorded.
    void stopAfterEpochsAndSubsets()
    {
        const std::string out = path("boxed.pt");
        models::TrainOptions o = tinyOptions(models::Method::Msd, m_data, out);
        o.stopAfterEpochs = 1;
        o.maxTrainSamples = 8;
        o.maxValSamples = 4;
        o.schedule = models::Schedule::Step;
        o.stepEpochs = 1;
        o.stepGamma = 0.5;
        QVERIFY_THROWS_EXCEPTION(core::Cancelled, models::train(o, nullptr, nullptr));
        QVERIFY(!std::filesystem::exists(out));
        models::TrainOptions r;
        r.resumePath = out + ".ckpt";
        r.outPath = out;
        r.device = "cpu";
        const models::TrainResult res = models::train(r, nullptr, nullptr);
        QCOMPARE(int(res.history.size()), 3);
        QCOMPARE(res.history[1].learningRate, 0.5 * res.history[0].learningRate);
        QCOMPARE(res.history[2].learningRate, 0.25 * res.history[0].learningRate);
        const nlohmann::json info = models::modelInfo(out);
        QCOMPARE(info["training"]["train_samples"].get<int>(), 8);
        QCOMPARE(info["training"]["val_samples"].get<int>(), 4);
        QCOMPARE(info["training"]["schedule"].get<std::string>(), std::string("step"));
        QVERIFY(info["training"]["augmentation"]["flips"].get<bool>());
    }

    // Mixed-precision DGN training (TrainOptions::precision). Where the CPU has native bfloat16
    // it follows float32's curve, takes another path than float32 (other weights) and is
    // recorded in the model file; elsewhere an explicit bf16 is refused and auto means float32.
    void mixedPrecisionTraining()
    {
        auto recorded = [](const std::string& file) {
            return models::modelInfo(file)["training"].value("precision", std::string());
        };
        models::TrainOptions msd = tinyOptions(models::Method::Msd, m_data, path("prec_msd.pt"));
        msd.precision = models::Precision::BFloat16;
        QVERIFY(trainError(msd).find("DGN only") != std::string::npos);
        msd.method = models::Method::PhaseGan;  // refused before any data is read
        QVERIFY(trainError(msd).find("DGN only") != std::string::npos);

        models::TrainOptions f32 = tinyOptions(models::Method::Dgn, m_data, path("prec_f32.pt"));
        f32.precision = models::Precision::Float32;
        const models::TrainResult a = models::train(f32, nullptr, nullptr);
        QCOMPARE(a.precision, std::string("float32"));
        QCOMPARE(recorded(path("prec_f32.pt")), std::string("float32"));

        models::TrainOptions bf = tinyOptions(models::Method::Dgn, m_data, path("prec_bf16.pt"));
        bf.precision = models::Precision::BFloat16;
        models::TrainOptions automatic = tinyOptions(models::Method::Dgn, m_data, path("prec_auto.pt"));
        automatic.epochs = 1;
        if (!models::cpuHasNativeBf16()) {
            qInfo("this CPU has no native bfloat16: checking the refusal and auto = float32");
            QVERIFY(trainError(bf).find("bfloat16") != std::string::npos);
            QCOMPARE(models::train(automatic, nullptr, nullptr).precision, std::string("float32"));
            return;
        }
        const models::TrainResult b = models::train(bf, nullptr, nullptr);
        QCOMPARE(b.precision, std::string("bfloat16"));
        QCOMPARE(recorded(path("prec_bf16.pt")), std::string("bfloat16"));
        // The same start, validated in float32 either way.
        QVERIFY(std::abs(b.initialValLoss - a.initialValLoss) <= 1e-6 * a.initialValLoss);
        for (std::size_t e = 0; e < a.history.size(); ++e) {
            const double fa = a.history[e].valLoss, fb = b.history[e].valLoss;
            qInfo("epoch %zu: val loss float32 %.6g, bf16 %.6g (initially %.6g)", e + 1, fa, fb,
                  a.initialValLoss);
            QVERIFY(std::abs(fb - fa) <= 0.1 * fa);
        }
        QVERIFY(b.history.back().valLoss < 0.8 * b.initialValLoss);

        // Other weights than float32's: the bf16 convolutions really ran in training (both
        // models compared in float32 inference).
        const bool inference = models::reducedPrecisionInference();
        models::setReducedPrecisionInference(false);
        const core::ImageF holo = test::smoothImage<float>(16, 16, 0.2, 3);
        core::ImageF shifted = holo;
        for (auto& v : shifted)
            v += 0.9f;
        const auto ra = models::LearnedModel::load(path("prec_f32.pt"), "cpu").reconstruct(shifted);
        const auto rb = models::LearnedModel::load(path("prec_bf16.pt"), "cpu").reconstruct(shifted);
        models::setReducedPrecisionInference(inference);
        const double diff = test::relativeDifference(rb.phase, ra.phase);
        qInfo("bf16- against float32-trained output: relative difference %.3g", diff);
        QVERIFY(diff > 1e-5 && diff < 0.1);

        // Auto: bf16 here unless $PHASELAB_BF16=0 turned the reduced precision off.
        QCOMPARE(models::train(automatic, nullptr, nullptr).precision,
                 std::string(models::reducedPrecisionInference() ? "bfloat16" : "float32"));
    }

    void rejectsBadInput()
    {
        models::TrainOptions o = tinyOptions(models::Method::Msd, path("nothing.h5"), path("x.pt"));
        QVERIFY(trainError(o).find("nothing.h5") != std::string::npos);

        const std::string trainOnly = path("train_only.h5");
        test::SimSpec s = m_spec;
        s.val = 0;
        s.train = 4;
        test::writeSimulatedDataset(trainOnly, s);
        o.dataPath = trainOnly;
        QVERIFY(trainError(o).find("'val'") != std::string::npos);

        // An unpaired set (PhaseGAN's layout) cannot train a supervised method.
        const std::string unpaired = path("unpaired.h5");
        {
            test::Simulator sim(m_spec);
            std::mt19937_64 rng(m_spec.seed);
            test::SplitData train = test::simulateSplit("train", m_spec.train, m_spec, sim, rng);
            train.attributes["paired"] = 0;
            const test::SplitData val = test::simulateSplit("val", m_spec.val, m_spec, sim, rng);
            test::writeDataset(unpaired, {train, val}, m_spec.geometry, m_spec.seed);
        }
        o.dataPath = unpaired;
        QVERIFY(trainError(o).find("unpaired") != std::string::npos);

        o.dataPath = m_data;
        o.outPath = path("no/such/dir/model.pt");
        o.epochs = 1;
        QVERIFY(!trainError(o).empty());

        o.outPath = path("y.pt");
        o.device = "tpu";
        QVERIFY(trainError(o).find("tpu") != std::string::npos);
        if (!models::initialiseRuntime().cudaAvailable) {
            o.device = "cuda";
            QVERIFY(trainError(o).find("cuda") != std::string::npos);
        }
        QVERIFY_THROWS_EXCEPTION(core::InputError, models::modelInfo(m_data));
        QVERIFY_THROWS_EXCEPTION(core::InputError, models::LearnedModel::load(path("none.pt")));
    }
};

QTEST_APPLESS_MAIN(TrainingTest)
#include "training_test.moc"
