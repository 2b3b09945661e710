// The models PhaseLab ships (resources/models): each loads, is what the learned methods use by
// default, carries its training record and the command that recreates it, and reconstructs the
// 512² demo hologram from the application's path (core::reconstruct through the registry) and
// from the command line; the shipped DGN beats the default IRGN in phase NMSE on the demo.
#include <QtTest>

#include <phaselab/core/reconstruction_method.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/simulate.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/learned_method.h>
#include <phaselab/models/library.h>
#include <phaselab/models/reproduce.h>

#include "cli_process.h"
#include "test_util.h"

#include <cmath>
#include <filesystem>

using namespace phaselab;
namespace fs = std::filesystem;

namespace {

// One data row per learned method, column "method".
void addMethodRows()
{
    QTest::addColumn<int>("method");
    QTest::newRow("dgn") << int(models::Method::Dgn);
    QTest::newRow("msd") << int(models::Method::Msd);
    QTest::newRow("phasegan") << int(models::Method::PhaseGan);
}

} // namespace

class ShippedModelsTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    core::LoadedHologram m_demo;

    // The demo with its physics, as the application opens it; IRGN gets the homogeneous prior
    // δ/β = 30 (between the demo's Au, Pd and Zn), the learned methods ignore it.
    core::ReconstructionOutcome runOnDemo(const std::string& method)
    {
        core::ReconstructionRequest request;
        request.method = method;
        request.geometry = m_demo.geometry;
        request.betaOverDelta = 1.0 / 30;
        auto m = core::MethodRegistry::instance().create(method);
        return core::reconstruct(*m, request, m_demo);
    }

private slots:
    void initTestCase()
    {
        models::registerLearnedMethods();
        core::InputSpec spec;
        spec.kind = core::InputSpec::Kind::Demo;
        spec.demoSize = 512;
        m_demo = core::loadHologram(spec);
        QVERIFY(m_demo.truePhase);
    }

    void everyLearnedMethodHasOne_data()
    {
        addMethodRows();
    }

    void everyLearnedMethodHasOne()
    {
        QFETCH(int, method);
        const auto m = models::Method(method);
        const std::string path = models::shippedModel(m);
        QVERIFY2(!path.empty(), ("no shipped model for " + models::toString(m)).c_str());
        const nlohmann::json info = models::modelInfo(path);
        QCOMPARE(info["method"].get<std::string>(), models::toString(m));
        QVERIFY(!info["training"]["history"].empty());
        const std::string command = info["training"].value("command", std::string());
        QVERIFY2(command.rfind("phaselab-cli ", 0) == 0, path.c_str());
        // The default options of the method name it.
        const auto options = core::MethodRegistry::instance().defaultOptions(models::toString(m));
        QCOMPARE(options->toJson()["model"].get<std::string>(), path);
        // It loads and reconstructs the demo (PhaseGAN's physics differ from the demo's: it
        // runs all the same, with a warning).
        const core::ReconstructionOutcome out = runOnDemo(models::toString(m));
        QCOMPARE(out.phase.width(), 512);
        for (std::size_t i = 0; i < std::size_t(512) * 512; ++i)
            QVERIFY(std::isfinite(out.phase.data()[i]));
        QVERIFY(!out.nmseHistory.empty());
        qInfo("%s on the 512² demo: phase NMSE %.3g %%, %.2f s", models::toString(m).c_str(),
              out.nmseHistory.back(), out.seconds);
    }

    // `evaluate` reproduces the validation figures each shipped model records for its best
    // epoch (within 5 %): the validation split is simulated again from the recorded recipe
    // (resources/models/README.md), seed and all.
    void evaluateReproducesTheRecordedValidation_data()
    {
        addMethodRows();
    }

    void evaluateReproducesTheRecordedValidation()
    {
        QFETCH(int, method);
        const auto m = models::Method(method);
        const bool gan = m == models::Method::PhaseGan;
        const std::string model = models::shippedModel(m);
        QVERIFY(!model.empty());
        const nlohmann::json info = models::modelInfo(model);
        const nlohmann::json training = info["training"];
        // The recipe of the model's own set, from its file: image size and split sizes.
        const int size = info["image_shape"][0].get<int>();
        const int nTrain = training.value("train_samples", 0);
        const int nVal = training.value("val_samples", 0);
        const std::string data =
            m_dir.filePath(QString("%1_%2.h5").arg(gan ? "phasegan" : "dgn").arg(size)).toStdString();
        if (!fs::exists(data)) {
            core::DatasetRequest d;
            if (gan) {  // simulate --protocol phasegan --count 800 --size 64 --seed 1
                d.params = core::SimulationParams::phaseGan();
                d.count = 800;
                d.unpairedTrain = true;
            } else {    // reproduce --size N --train T --val V --test V --seed 1
                d.count = nTrain + 2 * nVal;
                d.valFraction = d.testFraction = double(nVal) / double(d.count);
            }
            d.size = size;
            d.seed = 1;
            core::generateDataset(d, data);
        }
        const nlohmann::json& metrics =
            training["history"][training["best_epoch"].get<int>() - 1]["metrics"];
        core::ReconstructionRequest request;
        request.method = models::toString(m);
        request.options = core::MethodRegistry::instance().defaultOptions(request.method);
        const models::MethodScores s = models::evaluateSplit(data, "val", request, 0);
        std::vector<std::pair<const char*, double>> checks;
        if (gan) {
            checks = {{"val_phase_nmse_percent", s.phase.nmsePercent.mean}};
        } else {
            checks = {{"val_nmse_absorption_percent", s.absorption.nmsePercent.mean},
                      {"val_nmse_phase_percent", s.phase.nmsePercent.mean}};
        }
        for (const auto& [key, measured] : checks) {
            const double recorded = metrics[key].get<double>();
            qInfo("%s %s: recorded %.4g %%, evaluate %.4g %%", models::toString(m).c_str(), key,
                  recorded, measured);
            QVERIFY(std::abs(measured - recorded) <= 0.05 * recorded);
        }
    }

    // DGN and MS-D Net were trained on the demo's physics (13 keV, 20 mm, 12 nm) at a smaller
    // size; convolutional, they apply at 512². DGN must beat IRGN with its defaults there.
    void shippedDgnBeatsIrgnOnTheDemo()
    {
        QVERIFY2(!models::shippedModel(models::Method::Dgn).empty(), "no shipped DGN model");
        const core::ReconstructionOutcome dgn = runOnDemo("dgn");
        QVERIFY(dgn.warnings.empty() || dgn.warnings.front().find("physics") == std::string::npos);
        const core::ReconstructionOutcome irgn = runOnDemo("irgn");
        qInfo("demo phase NMSE: DGN %.3g %%, IRGN %.3g %%", dgn.nmseHistory.back(),
              irgn.nmseHistory.back());
        QVERIFY(dgn.nmseHistory.back() < irgn.nmseHistory.back());
    }

    // The command line without --model uses the shipped model and the model's physics.
    void commandLineUsesTheShippedModel()
    {
        QVERIFY2(!models::shippedModel(models::Method::Dgn).empty(), "no shipped DGN model");
        const QString holo = m_dir.filePath("demo.tif");
        core::writeTiff(holo.toStdString(), m_demo.image);
        const test::CliResult r = test::run({"reconstruct", "--method", "dgn", "--in", holo,
                                             "--out", m_dir.filePath("dgn"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const nlohmann::json j = test::parseOneJsonLine(r.out);
        QCOMPARE(j["details"]["model"]["file"].get<std::string>(),
                 models::shippedModel(models::Method::Dgn));
        QVERIFY(fs::exists(m_dir.filePath("dgn_phase.tif").toStdString()));
    }
};

QTEST_GUILESS_MAIN(ShippedModelsTest)
#include "shipped_models_test.moc"
