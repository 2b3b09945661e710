// The learned methods on the command line: `phaselab-cli train` as a user runs it (JSON keys, exit
// codes, Ctrl-C keeping the last epoch's checkpoint, --resume finishing the run), and the
// learned methods through core's method registry (in process) and `reconstruct --method dgn|msd`
// and `info` on a model file (the program); PhaseGAN from simulation to reconstruction.
#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/learned_method.h>
#include <phaselab/models/runtime.h>

#include "sim_dataset.h"
#include "cli_process.h"
#include "test_util.h"

#include <csignal>
#include <filesystem>
#include <thread>

using namespace phaselab;
namespace fs = std::filesystem;

namespace {

using Result = test::CliResult;
using test::catchesSigint;
using test::parseOneJsonLine;
using test::run;

} // namespace

class LearnedCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    test::SimSpec m_spec;
    QString m_data;
    QString path(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void initTestCase()
    {
        QVERIFY(!qEnvironmentVariable("PHASELAB_CLI").isEmpty());
        m_spec.size = 16;
        m_spec.train = 20;
        m_spec.val = 8;
        m_data = path("tiny.h5");
        test::writeSimulatedDataset(m_data.toStdString(), m_spec);
    }

    void trainPrintsJson()
    {
        const Result r = run({"train", "--method", "msd", "--data", m_data, "--out",
                              path("msd.pt"), "--epochs", "2", "--batch", "4", "--depth", "10",
                              "--device", "cpu", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const nlohmann::json j = parseOneJsonLine(r.out);
        QVERIFY2(j.is_object(), qPrintable(r.out));
        for (const char* key : {"epochs", "train_loss", "val_loss", "seconds"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["epochs"].get<int>(), 2);
        QVERIFY(j["val_loss"].get<double>() > 0);
        QCOMPARE(j["parameter_count"].get<std::int64_t>(), models::parameterCount([] {
                     models::MsdOptions o;
                     o.depth = 10;
                     return o;
                 }()));
        QVERIFY(fs::exists(path("msd.pt").toStdString()));
        QVERIFY(fs::exists(path("msd.pt.ckpt").toStdString()));
        QCOMPARE(j.value("precision", ""), std::string("float32"));  // auto: MS-D Net is float32

        // DGN's mixed precision: reported and recorded; refused where the CPU cannot do it.
        const Result d = run({"train", "--method", "dgn", "--data", m_data, "--out",
                              path("dgn_bf16.pt"), "--epochs", "1", "--batch", "4", "--iterations",
                              "2", "--width1", "4", "--width2", "4", "--device", "cpu",
                              "--precision", "bf16", "--json"});
        if (models::cpuHasNativeBf16()) {
            QVERIFY2(d.code == 0, qPrintable(d.err));
            QCOMPARE(parseOneJsonLine(d.out).value("precision", ""), std::string("bfloat16"));
            QCOMPARE(models::modelInfo(path("dgn_bf16.pt").toStdString())["training"].value(
                         "precision", ""),
                     std::string("bfloat16"));
        } else {
            QCOMPARE(d.code, 3);
            QVERIFY2(d.err.contains("bfloat16"), qPrintable(d.err));
        }
    }

    void trainErrors()
    {
        Result r = run({"train", "--method", "dgn", "--data", path("missing.h5"), "--out",
                        path("x.pt")});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("missing.h5"), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);  // one line
        r = run({"train", "--method", "dgn", "--data", m_data});  // no --out
        QCOMPARE(r.code, 2);
        r = run({"train", "--method", "cnn", "--data", m_data, "--out", path("x.pt")});
        QCOMPARE(r.code, 2);
        r = run({"train", "--method", "dgn", "--data", m_data, "--out", path("x.pt"),
                 "--precision", "float16"});
        QCOMPARE(r.code, 2);
        r = run({"train", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("--resume"));
    }

    // Ctrl-C during epoch 2 or later: exit 4, no model file, the checkpoint of the last finished
    // epoch kept; --resume finishes the run with the full, continuous history.
    void interruptAndResume()
    {
        test::SimSpec spec = m_spec;
        spec.size = 32;
        spec.train = 200;  // epochs of about two seconds on two quiet cores: room to interrupt
        spec.val = 10;
        const QString data = path("slower.h5");
        test::writeSimulatedDataset(data.toStdString(), spec);
        const QString out = path("cut.pt");
        const std::string ckpt = (out + ".ckpt").toStdString();

        QProcess p;
        p.start(qEnvironmentVariable("PHASELAB_CLI"),
                {"train", "--method", "msd", "--data", data, "--out", out, "--epochs", "3",
                 "--batch", "10", "--device", "cpu"});
        QVERIFY(p.waitForStarted());
        QElapsedTimer t;
        t.start();
        while (!fs::exists(ckpt) && p.state() == QProcess::Running && t.elapsed() < 240000)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        QVERIFY2(fs::exists(ckpt), "no checkpoint after the first epoch");
        QCOMPARE(p.state(), QProcess::Running);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(120000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 4);
        QVERIFY2(err.contains("--resume"), qPrintable(err));
        QVERIFY(!fs::exists(out.toStdString()));
        QVERIFY(fs::exists(ckpt));

        const Result r = run({"train", "--resume", QString::fromStdString(ckpt), "--out", out,
                              "--device", "cpu", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const nlohmann::json j = parseOneJsonLine(r.out);
        QCOMPARE(j["epochs"].get<int>(), 3);
        for (int e = 0; e < 3; ++e)
            QCOMPARE(j["history"][std::size_t(e)]["epoch"].get<int>(), e + 1);
        QVERIFY(fs::exists(out.toStdString()));
    }

    // DGN through the method registry (models::registerLearnedMethods): the two TIFFs with
    // calibration and parameters, the model summary, a method mismatch as invalid input, and
    // the model loaded once for several runs of one method object.
    void learnedReconstructionFunction()
    {
        const std::string model = path("dgn.pt").toStdString();
        models::TrainOptions o;
        o.method = models::Method::Dgn;
        o.dataPath = m_data.toStdString();
        o.outPath = model;
        o.epochs = 1;
        o.batchSize = 4;
        o.device = "cpu";
        o.dgn.iterations = 2;
        models::train(o, nullptr, nullptr);

        test::Simulator sim(m_spec);
        std::mt19937_64 rng(99);
        const test::SimSample s = sim.sample(rng);
        const std::string holo = path("holo.tif").toStdString();
        core::writeTiff(holo, s.hologram);

        models::registerLearnedMethods();
        auto method = core::MethodRegistry::instance().create("dgn");
        core::InputSpec spec;
        spec.path = holo;
        const core::LoadedHologram loaded = core::loadHologram(spec);
        core::ReconstructionRequest req;
        req.input = spec;
        req.method = "dgn";
        auto lo = std::make_shared<models::LearnedMethodOptions>();
        lo->model = model;
        lo->device = "cpu";
        req.options = lo;
        const int loadsBefore = models::modelLoadCount();
        const core::ReconstructionOutcome out = core::reconstruct(*method, req, loaded);
        // No physics given: the model's training physics.
        QVERIFY(std::abs(out.request.geometry->distanceM / m_spec.geometry.distanceM - 1) < 1e-9);
        QCOMPARE(out.iterations, 2);
        QVERIFY(out.residualRms > 0 && std::isfinite(out.residualRms));
        const std::string prefix = path("rec").toStdString();
        core::writeResult(prefix, out);
        core::TiffInfo info;
        const core::ImageF phase = core::readTiff<float>(prefix + "_phase.tif", &info);
        QCOMPARE(phase.width(), 16);
        QVERIFY(std::abs(info.metadata.pixelSizeM / m_spec.geometry.pixelSizeM - 1) < 1e-6);
        QCOMPARE(info.metadata.parameters["method"].get<std::string>(), std::string("dgn"));
        QCOMPARE(info.metadata.parameters["iterations"].get<int>(), 2);
        QCOMPARE(info.metadata.parameters["options"]["model"].get<std::string>(), model);
        QVERIFY(info.metadata.parameters["details"]["model"]["parameter_count"].get<int>() > 0);
        QVERIFY(fs::exists(prefix + "_absorption.tif"));

        // Explicit physics, different from training: still reconstructs, with a warning; the
        // model stays loaded (one load for both runs).
        core::Geometry other = *out.request.geometry;
        other.distanceM = 0.03;
        req.geometry = other;
        const core::ReconstructionOutcome out2 = core::reconstruct(*method, req, loaded);
        QVERIFY(!out2.warnings.empty());
        QCOMPARE(models::modelLoadCount() - loadsBefore, 1);

        // A dgn model is no MS-D Net.
        auto msd = core::MethodRegistry::instance().create("msd");
        req.method = "msd";
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstruct(*msd, req, loaded));

        // The same through the command line: reconstruct --method dgn, and info on the model.
        const Result cmd = run({"reconstruct", "--method", "dgn", "--model",
                                QString::fromStdString(model), "--in",
                                QString::fromStdString(holo), "--out", path("rec3"), "--device",
                                "cpu", "--json"});
        QVERIFY2(cmd.code == 0, qPrintable(cmd.err));
        const nlohmann::json rj = parseOneJsonLine(cmd.out);
        QCOMPARE(rj.value("method", ""), std::string("dgn"));
        QCOMPARE(rj.value("iterations", 0), 2);
        QVERIFY(rj.value("residual", -1.0) >= 0);
        QVERIFY(fs::exists(path("rec3_phase.tif").toStdString()));
        // A stack through the same model (issue 16): learned methods run one worker with all
        // threads, and each frame is what a single-frame run gives (frame 1 is holo.tif).
        {
            const std::string stack = path("stack.tif").toStdString();
            core::writeTiffStack(stack, std::vector<core::ImageF>{sim.sample(rng).hologram, s.hologram,
                                                                  sim.sample(rng).hologram});
            const Result st = run({"reconstruct", "--method", "dgn", "--model",
                                   QString::fromStdString(model), "--in", QString::fromStdString(stack),
                                   "--frames", "all", "--out", path("stack_rec.h5"), "--device", "cpu",
                                   "--json"});
            QVERIFY2(st.code == 0, qPrintable(st.err));
            const nlohmann::json sj = parseOneJsonLine(st.out);
            QCOMPARE(sj.value("frames", 0), 3);
            QCOMPARE(sj.value("workers", 0), 1);
            QCOMPARE(sj.value("mode", ""), std::string("fft-parallel"));
            const core::ImageF single = core::readTiff<float>(path("rec3_phase.tif").toStdString());
            const core::ImageF stacked = core::readImage(path("stack_rec.h5").toStdString() + ":/phase", 1);
            QVERIFY(stacked.sameShape(single));
            double diff = 0, norm = 0;
            for (std::size_t i = 0; i < single.size(); ++i) {
                diff = std::max(diff, double(std::abs(stacked[i] - single[i])));
                norm = std::max(norm, double(std::abs(single[i])));
            }
            QVERIFY2(norm > 0 && diff <= 1e-5 * norm, qPrintable(QString("max |Δφ| %1 of %2").arg(diff).arg(norm)));
        }
        const Result wrong = run({"reconstruct", "--method", "msd", "--model",
                                  QString::fromStdString(model), "--in",
                                  QString::fromStdString(holo), "--out", path("rec4")});
        QCOMPARE(wrong.code, 3);
        QVERIFY2(wrong.err.contains("dgn model"), qPrintable(wrong.err));
        QVERIFY(!fs::exists(path("rec4_phase.tif").toStdString()));
        const Result infoRun = run({"info", "--in", QString::fromStdString(model), "--json"});
        QVERIFY2(infoRun.code == 0, qPrintable(infoRun.err));
        const nlohmann::json ij = parseOneJsonLine(infoRun.out);
        QCOMPARE(ij.value("format", ""), std::string("model"));
        QCOMPARE(ij["model"].value("method", ""), std::string("dgn"));
        const Result text = run({"info", "--in", QString::fromStdString(model)});
        QVERIFY2(text.code == 0 && text.out.contains("parameters") &&
                     text.out.contains("training physics"),
                 qPrintable(text.out + text.err));

        QVERIFY(models::looksLikeModelFile(model));
        const nlohmann::json meta = models::modelInfo(model);
        QCOMPARE(meta["method"].get<std::string>(), std::string("dgn"));
        QVERIFY(meta["parameter_count"].get<std::int64_t>() > 0);
        QVERIFY_THROWS_EXCEPTION(core::InputError, models::modelInfo(holo));
    }

    // PhaseGAN as a user runs it: simulate the PhaseGAN protocol (unpaired train split), train
    // at width ⅛ with the history's PhaseGAN metrics in --json, reconstruct with the model, info.
    void phaseGanTrainAndReconstruct()
    {
        const QString data = path("pg.h5");
        Result r = run({"simulate", "--protocol", "phasegan", "--count", "12", "--size", "32",
                        "--seed", "4", "--out", data});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString model = path("pg.pt");
        r = run({"train", "--method", "phasegan", "--width", "0.125", "--data", data, "--out", model,
                 "--epochs", "1", "--batch", "4", "--device", "cpu", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const nlohmann::json j = parseOneJsonLine(r.out);
        QCOMPARE(j.value("method", ""), std::string("phasegan"));
        models::PhaseGanOptions width8;
        width8.width = 0.125;
        QCOMPARE(j["parameter_count"].get<std::int64_t>(), models::parameterCount(width8));
        const nlohmann::json& metrics = j["history"][0]["metrics"];
        for (const char* key : {"cycle_object_l1", "cycle_intensity_l1", "d_object_accuracy",
                                "d_detector_accuracy", "val_phase_nmse_percent"})
            QVERIFY2(metrics.contains(key), key);
        const nlohmann::json meta = models::modelInfo(model.toStdString());
        QCOMPARE(meta["architecture"]["width"].get<double>(), 0.125);
        QVERIFY(meta["training"]["unpaired"].get<bool>());

        core::ImageF holo(40, 40);
        holo.fill(1.0f);
        const std::string holoPath = path("flat.tif").toStdString();
        core::writeTiff(holoPath, holo);
        r = run({"reconstruct", "--method", "phasegan", "--model", model, "--in",
                 QString::fromStdString(holoPath), "--out", path("pgrec"), "--device", "cpu",
                 "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(parseOneJsonLine(r.out).value("method", ""), std::string("phasegan"));
        QCOMPARE(core::readTiff<float>(path("pgrec_phase.tif").toStdString()).width(), 40);
        r = run({"reconstruct", "--method", "dgn", "--model", model, "--in",
                 QString::fromStdString(holoPath), "--out", path("pgrec2")});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("phasegan model"), qPrintable(r.err));
    }
};

QTEST_APPLESS_MAIN(LearnedCliTest)
#include "learned_cli_test.moc"
