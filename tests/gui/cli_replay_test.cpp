// One pipeline for the application and the command line: every registered method runs on the same
// hologram from the application's method panel (real widgets, offscreen) and from phaselab-cli,
// once with the command line's own flags and once replaying the session the application saved.
// The three pairs of result files hold the same pixels, bit for bit, and the same metadata (all
// but the time taken).
#include <QtTest>
#include <QtWidgets>

#include "cli_process.h"
#include "gui_test_util.h"
#include "sim_dataset.h"

#include <phaselab/core/phantom.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/learned_method.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_panel.h>
#include <phaselab/widgets/parameter_panel.h>

#include <cstdio>
#include <cstring>
#include <map>

using namespace phaselab;
using widgets::MainWindow;
using widgets::MethodPanel;

namespace {

QString exact(double v)
{
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", v);
    return QString::fromLatin1(text);
}

} // namespace

class CliReplayTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_hologram;
    std::map<std::string, std::string> m_models;  // learned method id → a tiny trained model

    QString path(const QString& name) const { return m_dir.filePath(name); }

    // The two files of `a` and `b` hold the same pixels and the same metadata but "seconds".
    void compareResults(const QString& a, const QString& b, const QString& what)
    {
        for (const char* quantity : {"_phase.tif", "_absorption.tif"}) {
            core::TiffInfo ia, ib;
            const core::ImageF x = core::readTiff<float>((a + quantity).toStdString(), &ia);
            const core::ImageF y = core::readTiff<float>((b + quantity).toStdString(), &ib);
            QVERIFY2(x.sameShape(y) &&
                         std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0,
                     qPrintable(what + ": pixels differ in " + quantity));
            nlohmann::json ma = ia.metadata.parameters, mb = ib.metadata.parameters;
            QVERIFY(ma.contains("seconds") && mb.contains("seconds"));
            ma.erase("seconds");
            mb.erase("seconds");
            QVERIFY2(ma == mb, qPrintable(what + ": metadata differ\n" +
                                          QString::fromStdString(ma.dump()) + "\n" +
                                          QString::fromStdString(mb.dump())));
            QCOMPARE(ia.metadata.pixelSizeM, ib.metadata.pixelSizeM);
        }
    }

private slots:
    void initTestCase()
    {
        test::isolateSettings("gui_cli_replay_test");
        QVERIFY(m_dir.isValid());
        QVERIFY(!qEnvironmentVariable("PHASELAB_CLI").isEmpty());
        // IRGN plans its FFTs by measuring; the application and the command line share the
        // plans through the wisdom file, as they do in a user's home.
        qputenv("PHASELAB_FFTW_WISDOM", path("fftw-wisdom").toUtf8());

        const core::DemoSample demo = core::makeDemoSample(64);
        m_hologram = path("holo.tif");
        core::writeTiff(m_hologram.toStdString(), demo.hologram);

        // One tiny model per learned method, at the demo's physics (one epoch: the plumbing is
        // what is tested, not the weights).
        test::SimSpec spec;
        spec.train = 4;
        spec.val = 2;
        spec.size = 32;
        spec.geometry = demo.geometry;
        const std::string data = path("tiny.h5").toStdString();
        test::writeSimulatedDataset(data, spec);
        for (models::Method m :
             {models::Method::Dgn, models::Method::Msd, models::Method::PhaseGan}) {
            models::TrainOptions o;
            o.method = m;
            o.dgn.iterations = 2;
            o.msd.depth = 12;
            o.phasegan.width = 0.125;  // PhaseGAN also trains on a paired split (two shuffles)
            o.dataPath = data;
            o.outPath = path(QString::fromStdString(models::toString(m)) + ".pt").toStdString();
            o.epochs = 1;
            o.batchSize = 2;
            o.device = "cpu";
            models::train(o, nullptr, nullptr);
            m_models[models::toString(m)] = o.outPath;
        }
    }

    void everyMethodGivesTheSameFilesInBothPrograms()
    {
        models::registerLearnedMethods();
        const std::vector<core::MethodInfo> methods = core::MethodRegistry::instance().methods();
        QVERIFY(methods.size() >= 5);
        for (const core::MethodInfo& info : methods) {
            const QString id = QString::fromStdString(info.id);
            // Options: the defaults, but a short IRGN run and the learned methods' test models.
            nlohmann::json options = nlohmann::json::object();
            QStringList methodFlags;
            if (info.kind == core::MethodKind::Iterative) {
                options["newton_steps"] = 4;
                methodFlags << "--newton" << "4";
            }
            if (info.kind == core::MethodKind::Learned) {
                const auto model = m_models.find(info.id);
                QVERIFY2(model != m_models.end(), qPrintable("no test model for " + id));
                options["model"] = model->second;
                options["device"] = "cpu";
                methodFlags << "--model" << QString::fromStdString(model->second) << "--device"
                            << "cpu";
            }

            MainWindow w;
            w.show();
            MethodPanel* p = w.methodPanel();
            p->setAutoUpdate(false);
            w.openInput(m_hologram);
            QVERIFY(test::waitLoaded(w));
            w.parameterPanel()->setGeometry(core::Geometry::dgnPaper());
            w.parameterPanel()->setDeltaOverBeta(30);
            p->setCurrentMethod(id);
            p->setOptions(id, options);
            const widgets::OutcomePtr gui = test::runAndWait(w);
            QVERIFY2(gui, qPrintable(id + ": " + p->blockReason()));
            QCOMPARE(gui->method.id, info.id);
            const QString guiPrefix = path(id + "_gui");
            w.exportResults(guiPrefix);
            const QString session = path(id + "_session.json");
            w.saveSession(session);

            // The command line with its own flags, the physics as the window had it.
            const core::Geometry& g = *gui->request.geometry;
            const test::CliResult flags = test::run(
                QStringList{"reconstruct", "--method", id, "--in", m_hologram, "--out",
                            path(id + "_cli"), "--energy", exact(g.energyKeV), "--distance",
                            exact(g.distanceM), "--pixel", exact(g.pixelSizeM), "--delta-beta",
                            exact(1.0 / gui->request.betaOverDelta)}
                << methodFlags);
            QVERIFY2(flags.code == 0, qPrintable(id + ": " + flags.err));
            compareResults(guiPrefix, path(id + "_cli"), id + " (flags)");

            // The command line replaying the application's session.
            const test::CliResult replay =
                test::run({"reconstruct", "--session", session, "--out", path(id + "_replay")});
            QVERIFY2(replay.code == 0, qPrintable(id + ": " + replay.err));
            compareResults(guiPrefix, path(id + "_replay"), id + " (session)");
        }
    }
};

QTEST_MAIN(CliReplayTest)
#include "cli_replay_test.moc"
