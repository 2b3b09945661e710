// The model library facade: listing, rename, delete, export, import of model files; checkpoint
// metadata and a model made from a checkpoint that applies like the trained one.
#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/core/reconstruction_method.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/learned_method.h>
#include <phaselab/models/library.h>

#include "sim_dataset.h"

#include <filesystem>
#include <fstream>

using namespace phaselab;
namespace fs = std::filesystem;

class LibraryTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_model, m_checkpoint;
    test::SimSpec m_spec;

    std::string path(const std::string& name) const
    {
        return (m_dir.path() + "/").toStdString() + name;
    }

private slots:
    void initTestCase()
    {
        m_spec.size = 16;
        m_spec.train = 4;
        m_spec.val = 2;
        const std::string data = path("tiny.h5");
        test::writeSimulatedDataset(data, m_spec);
        fs::create_directories(path("lib"));
        models::TrainOptions o;
        o.method = models::Method::Dgn;
        o.dgn.iterations = 2;
        o.dgn.width1 = o.dgn.width2 = 4;
        o.dataPath = data;
        o.outPath = path("lib/b_dgn.pt");
        o.epochs = 2;
        o.batchSize = 2;
        o.device = "cpu";
        models::train(o, nullptr, nullptr);
        m_model = o.outPath;
        m_checkpoint = o.outPath + ".ckpt";
    }

    void trainableMethodsAndGpu()
    {
        const auto& methods = models::trainableMethods();
        QVERIFY(std::find(methods.begin(), methods.end(), models::Method::Dgn) != methods.end());
        QVERIFY(std::find(methods.begin(), methods.end(), models::Method::Msd) != methods.end());
        const models::GpuInfo g = models::gpuInfo();
        if (g.available)
            QVERIFY(!g.name.empty());
        qInfo("GPU: %s, usable by LibTorch: %s", g.name.empty() ? "none" : g.name.c_str(),
              g.available ? "yes" : "no");
        QCOMPARE(g.devices > 0, g.available);
    }

    void listsModelsWithTheirFacts()
    {
        std::ofstream(path("lib/notes.txt")) << "not a model";
        std::ofstream(path("lib/a_broken.pt"), std::ios::binary) << "PK\x03\x04garbage";
        const auto list = models::listModels(path("lib"));
        // The checkpoint and the text file are not listed; the broken zip is, marked invalid.
        QCOMPARE(int(list.size()), 2);
        QCOMPARE(list[0].name, std::string("a_broken.pt"));
        QVERIFY(!list[0].valid);
        QVERIFY(!list[0].error.empty());
        const models::ModelEntry& e = list[1];
        QVERIFY2(e.valid, e.error.c_str());
        QCOMPARE(e.method, std::string("dgn"));
        QCOMPARE(e.parameterCount, models::LearnedModel::load(m_model, "cpu").parameterCount());
        QVERIFY(e.hasGeometry);
        QCOMPARE(e.geometry.pixelSizeM, m_spec.geometry.pixelSizeM);
        QCOMPARE(int(e.history.size()), 2);
        QCOMPARE(e.history[1].epoch, 2);
        QVERIFY(e.modifiedSeconds > 1.6e9);
        QVERIFY(models::listModels(path("no_such_folder")).empty());
        fs::remove(path("lib/a_broken.pt"));
    }

    // Shipped models: $PHASELAB_MODELS_DIR is searched first; the model of a method whose
    // training physics matches is preferred; the learned methods' default options name it, so
    // they run without a model of one's own; the command that made it is in its record.
    void shippedModelsAreTheDefaults()
    {
        fs::create_directories(path("shipped"));
        fs::copy_file(m_model, path("shipped/dgn.pt"));
        qputenv("PHASELAB_MODELS_DIR", QByteArray::fromStdString(path("shipped") + ":" + path("nowhere")));
        const std::vector<std::string> folders = models::shippedModelFolders();
        QVERIFY(!folders.empty());
        QCOMPARE(folders.front(), fs::weakly_canonical(path("shipped")).string());
        const std::string shipped = models::shippedModel(models::Method::Dgn);
        QCOMPARE(shipped, fs::weakly_canonical(path("shipped/dgn.pt")).string());
        QCOMPARE(models::shippedModel(models::Method::Dgn, &m_spec.geometry), shipped);
        core::Geometry other = m_spec.geometry;
        other.distanceM *= 2;  // no shipped model for it: the method's first one all the same
        QCOMPARE(models::shippedModel(models::Method::Dgn, &other), shipped);

        models::registerLearnedMethods();
        const auto options = core::MethodRegistry::instance().defaultOptions("dgn");
        QCOMPARE(options->toJson()["model"].get<std::string>(), shipped);
        qunsetenv("PHASELAB_MODELS_DIR");
    }

    void trainingRecordsItsCommand()
    {
        models::TrainOptions o;
        o.method = models::Method::Dgn;
        o.dgn.iterations = 1;
        o.dgn.width1 = o.dgn.width2 = 2;
        o.dataPath = path("tiny.h5");
        o.outPath = path("commanded.pt");
        o.epochs = 1;
        o.batchSize = 2;
        o.device = "cpu";
        o.commandLine = "phaselab-cli train --method dgn --data tiny.h5 --out commanded.pt";
        models::train(o, nullptr, nullptr);
        const nlohmann::json info = models::modelInfo(o.outPath);
        QCOMPARE(info["training"]["command"].get<std::string>(), o.commandLine);
        QCOMPARE(info["architecture"]["loss"].get<std::string>(), std::string("balanced"));
        fs::remove(o.outPath);
        fs::remove(o.outPath + ".ckpt");
    }

    void renameExportImportDelete()
    {
        const std::string renamed = models::renameModel(m_model, "c_dgn.pt");
        QVERIFY(fs::exists(renamed) && !fs::exists(m_model));
        QVERIFY_THROWS_EXCEPTION(core::InputError, models::renameModel(renamed, "../x.pt"));
        QVERIFY_THROWS_EXCEPTION(core::InputError, models::renameModel(renamed, "c_dgn.pt"));

        const std::string exported = path("exported.pt");
        models::exportModel(renamed, exported);
        QCOMPARE(fs::file_size(exported), fs::file_size(renamed));
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 models::exportModel(path("tiny.h5"), path("x.pt")));

        const std::string imported = models::importModel(exported, path("lib"));
        QCOMPARE(fs::path(imported).filename().string(), std::string("exported.pt"));
        const std::string again = models::importModel(exported, path("lib"));
        QCOMPARE(fs::path(again).filename().string(), std::string("exported (2).pt"));
        QCOMPARE(int(models::listModels(path("lib")).size()), 3);

        models::deleteModel(again);
        QVERIFY(!fs::exists(again));
        // Deleting refuses what is not a model.
        QVERIFY_THROWS_EXCEPTION(core::InputError, models::deleteModel(path("lib/notes.txt")));
        QVERIFY(fs::exists(path("lib/notes.txt")));
        m_model = renamed;
    }

    void checkpointGivesTheTrainedModel()
    {
        const nlohmann::json info = models::checkpointInfo(m_checkpoint);
        QCOMPARE(info["training"]["epochs_done"].get<int>(), 2);
        QVERIFY_THROWS_EXCEPTION(core::InputError, models::checkpointInfo(m_model));
        const models::CheckpointSummary c = models::checkpointSummary(m_checkpoint);
        QVERIFY(c.method == models::Method::Dgn);
        QCOMPARE(c.epochsDone, 2);
        QCOMPARE(c.epochs, 2);
        QCOMPARE(c.batchSize, 2);
        QCOMPARE(c.trainSamples, m_spec.train);
        QCOMPARE(c.dataPath, path("tiny.h5"));
        QVERIFY(c.initialValLoss > 0);
        QCOMPARE(int(c.history.size()), 2);
        QCOMPARE(c.history[1].valLoss, info["training"]["history"][1]["val_loss"].get<double>());

        // The best epoch's weights of the checkpoint are the model file's: same reconstruction.
        const std::string fromCkpt = path("from_ckpt.pt");
        models::modelFromCheckpoint(m_checkpoint, fromCkpt, true);
        test::Simulator sim(m_spec);
        std::mt19937_64 rng(3);
        const core::ImageF holo = sim.sample(rng).hologram;
        auto a = models::LearnedModel::load(m_model, "cpu").reconstruct(holo);
        auto b = models::LearnedModel::load(fromCkpt, "cpu").reconstruct(holo);
        for (std::size_t i = 0; i < a.phase.size(); ++i)
            QCOMPARE(a.phase.data()[i], b.phase.data()[i]);
        // The current weights load too (a running training's latest epoch).
        models::modelFromCheckpoint(m_checkpoint, fromCkpt, false);
        QCOMPARE(models::modelInfo(fromCkpt)["method"].get<std::string>(), std::string("dgn"));
    }
};

QTEST_GUILESS_MAIN(LibraryTest)
#include "library_test.moc"
