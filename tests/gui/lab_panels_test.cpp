// The lab's other panels: a tiny data set generated from the data panel (and a cancelled one
// that leaves no file), the compare view's Table-2 rows for CTF, Paganin and IRGN on the demo
// hologram against its truth (each cell is core's metric of the shown image), the model
// library deleting a file and marking a physics mismatch, and the main window's close asking
// while a training runs.
#include <QtTest>
#include <QtWidgets>

#include <phaselab/core/classical_methods.h>
#include <phaselab/core/dataset.h>
#include <phaselab/core/metrics.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/learned_method.h>
#include <phaselab/models/library.h>
#include <phaselab/widgets/compare_view.h>
#include <phaselab/widgets/data_panel.h>
#include <phaselab/widgets/image_view.h>
#include <phaselab/widgets/lab_window.h>
#include <phaselab/widgets/loss_plot.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_form.h>
#include <phaselab/widgets/method_panel.h>
#include <phaselab/widgets/model_library.h>
#include <phaselab/widgets/parameter_panel.h>
#include <phaselab/widgets/training_panel.h>

#include <qcustomplot.h>

#include "gui_test_util.h"
#include "sim_dataset.h"

#include <fstream>
#include <sstream>

using namespace phaselab;
using namespace phaselab::widgets;

class LabPanelsTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

    // A one-epoch tiny DGN model at `g`.
    QString tinyModel(const QString& name, const core::Geometry& g)
    {
        test::SimSpec spec;
        spec.size = 16;
        spec.train = 4;
        spec.val = 2;
        spec.geometry = g;
        const std::string data = path(name + ".h5").toStdString();
        test::writeSimulatedDataset(data, spec);
        models::TrainOptions o;
        o.dgn.iterations = 2;
        o.dgn.width1 = o.dgn.width2 = 4;
        o.dataPath = data;
        o.outPath = path(name).toStdString();
        o.epochs = 1;
        o.batchSize = 2;
        o.device = "cpu";
        models::train(o, nullptr, nullptr);
        return path(name);
    }

private slots:
    void initTestCase()
    {
        test::isolateSettings("gui_lab_panels_test");
        qputenv("PHASELAB_FFTW_WISDOM", path("wisdom").toUtf8());
        models::registerLearnedMethods();
    }

    void generateATinySet()
    {
        DataPanel panel;
        panel.show();
        panel.setGeometry({13.0, 20e-3, 100e-9});
        DataPanel::Settings s;
        s.size = 32;
        s.count = 10;
        s.seed = 3;
        s.ppsnrLowDb = 30;
        s.ppsnrHighDb = 40;
        s.path = path("generated.h5");
        s.sampleMaterialOnly = true;
        panel.setSampleMaterial(core::Material::gold());
        panel.setSettings(s);
        QSignalSpy generated(&panel, &DataPanel::generated);
        QTest::mouseClick(panel.generateButton(), Qt::LeftButton);
        QVERIFY(panel.isRunning());
        QVERIFY(!panel.generateButton()->isEnabled());
        QVERIFY(generated.wait(120000));
        QCOMPARE(generated.first().first().toString(), s.path);

        const core::DatasetReader reader(s.path.toStdString());
        QCOMPARE(reader.width(), 32);
        QCOMPARE(reader.count("train") + reader.count("val") + reader.count("test"), std::size_t(10));
        QCOMPARE(reader.geometry().pixelSizeM, 100e-9);
        // The window's sample material only.
        QCOMPARE(reader.attributes()["materials"], nlohmann::json::array({"Au:19.32"}));
        const auto ppsnr = reader.readScalars("train", "ppsnr_db");
        for (double p : ppsnr)
            QVERIFY(p >= 30 && p <= 40);
        // The panel shows the set it wrote: physics, counts, a strip of samples.
        QCOMPARE(panel.datasetPath(), s.path);
        QVERIFY(panel.summaryText().contains(QStringLiteral("train: %1").arg(reader.count("train"))));
        QVERIFY(panel.summaryText().contains("100 nm"));
        QCOMPARE(panel.stripCount(), 6);
    }

    void cancelledGenerationLeavesNoFile()
    {
        DataPanel panel;
        DataPanel::Settings s;
        s.size = 256;
        s.count = 5000;
        s.path = path("cancelled.h5");
        panel.setSettings(s);
        QSignalSpy cancelled(&panel, &DataPanel::cancelled);
        QVERIFY(panel.generate());
        QTest::qWait(300);
        QTest::mouseClick(panel.cancelButton(), Qt::LeftButton);
        QVERIFY(cancelled.wait(60000));
        QVERIFY(!QFileInfo::exists(s.path));
        // A set that is not one is refused with the reason.
        QSignalSpy failed(&panel, &DataPanel::failed);
        std::ofstream(path("junk.h5").toStdString()) << "junk";
        QVERIFY(!panel.openDataset(path("junk.h5")));
        QCOMPARE(failed.count(), 1);
    }

    void compareFillsTheTable()
    {
        core::InputSpec spec;
        spec.kind = core::InputSpec::Kind::Demo;
        spec.demoSize = 128;
        const auto hologram = std::make_shared<const core::LoadedHologram>(core::loadHologram(spec));
        QVERIFY(hologram->truePhase && hologram->trueAbsorption);
        CompareView::Sources sources;
        sources.hologram = [hologram] { return hologram; };
        sources.baseRequest = [hologram] {
            core::ReconstructionRequest r;
            r.input = hologram->spec;
            r.geometry = hologram->geometry;
            r.betaOverDelta = 1.0 / 30;
            return r;
        };
        // A one-epoch DGN at the demo's physics: a learned method in the table (its weights are
        // poor; the plumbing is what is tested).
        const std::string dgnModel = tinyModel("compare_dgn.pt", *hologram->geometry).toStdString();
        sources.options = [dgnModel](const QString& id) -> std::shared_ptr<const core::MethodOptions> {
            if (id == QLatin1String("dgn")) {
                auto o = std::make_shared<models::LearnedMethodOptions>();
                o->model = dgnModel;
                o->device = "cpu";
                return o;
            }
            if (id == QLatin1String("msd"))  // no model, not even the shipped one: it must fail
                return std::make_shared<models::LearnedMethodOptions>();
            if (id != QLatin1String("irgn"))
                return nullptr;
            auto o = std::make_shared<core::IrgnMethodOptions>();
            o->irgn.newtonSteps = 3;
            return o;
        };
        CompareView view(sources);
        view.show();
        QVERIFY(view.methodIds().contains("msd"));  // every registered method is offered
        // MS-D Net without a model fails with its reason; the others fill the table.
        view.setCheckedMethods({"ctf", "paganin", "irgn", "dgn", "msd"});
        QSignalSpy finished(&view, &CompareView::finished);
        QVERIFY(view.run());
        QVERIFY(finished.wait(180000));
        QCOMPARE(int(view.rows().size()), 4);
        QCOMPARE(view.table()->rowCount(), 4);
        QCOMPARE(int(view.failures().size()), 1);
        QVERIFY(view.failures().count("msd") == 1);
        QCOMPARE(view.frcPlot()->graphCount(), 4);
        const double dx = hologram->geometry->pixelSizeM;
        for (int m = 0; m < 4; ++m) {
            const core::ComparisonRow& row = view.rows()[std::size_t(m)];
            QVERIFY(row.absorption && row.phase);
            QVERIFY(row.seconds > 0);
            // The cell is core's metric of the phase image the grid shows.
            const core::ImageF& shown = *view.views()[std::size_t(2 * m)]->image();
            const core::Evaluation e = core::evaluateReconstruction(shown, *hologram->truePhase, dx);
            QCOMPARE(row.phase->nmsePercent, e.nmsePercent);
            QCOMPARE(view.table()->item(m, 4)->text(), QString::number(e.nmsePercent, 'g', 3));
            QVERIFY(row.phase->frc.resolutionM >= 2 * dx);
        }
        QCOMPARE(QString::fromStdString(view.rows()[0].method), QStringLiteral("CTF"));

        // Synchronised zoom across the grid.
        ImageView* first = view.views().front();
        first->zoomIn();
        for (ImageView* v : view.views())
            QCOMPARE(v->zoom(), first->zoom());

        view.exportTable(path("table.csv"));
        view.exportTable(path("table.md"));
        std::stringstream csv, md;
        csv << std::ifstream(path("table.csv").toStdString()).rdbuf();
        md << std::ifstream(path("table.md").toStdString()).rdbuf();
        QCOMPARE(csv.str(), core::comparisonCsv(view.rows()));
        QCOMPARE(md.str(), core::comparisonMarkdown(view.rows()));
        const std::string csvText = csv.str();
        QCOMPARE(int(std::count(csvText.begin(), csvText.end(), '\n')), 5);
    }

    void libraryDeletesAndMarks()
    {
        const core::Geometry demo{13.0, 20e-3, 12e-9};
        QDir().mkpath(path("models"));
        const QString a = tinyModel("models/a.pt", demo);
        const QString b = tinyModel("models/b.pt", {17.0, 20e-3, 12e-9});
        ModelLibrary lib;
        lib.setFolders(path("models"));
        lib.setGeometry(demo);
        QCOMPARE(int(lib.entries().size()), 2);
        QCOMPARE(lib.table()->rowCount(), 2);
        QVERIFY(lib.mismatch(0).isEmpty());
        QVERIFY(lib.mismatch(1).contains("energy"));
        QVERIFY(lib.table()->item(1, 2)->text().startsWith(QStringLiteral("⚠")));
        QCOMPARE(lib.entries()[0].parameterCount,
                 models::LearnedModel::load(a.toStdString(), "cpu").parameterCount());
        lib.select(0);
        QCOMPARE(lib.historyPlot()->validationPoints(), 1);

        QSignalSpy chosen(&lib, &ModelLibrary::modelChosen);
        QVERIFY(lib.loadModel(0));
        QCOMPARE(chosen.first().at(0).toString(), QFileInfo(a).absoluteFilePath());
        QCOMPARE(chosen.first().at(1).toString(), QStringLiteral("dgn"));

        QVERIFY(lib.deleteModel(1, false));
        QVERIFY(!QFileInfo::exists(b));
        QCOMPARE(int(lib.entries().size()), 1);
        QVERIFY(lib.renameModel(0, "renamed.pt"));
        QVERIFY(QFileInfo::exists(path("models/renamed.pt")));
        QVERIFY(lib.exportModel(0, path("exported.pt")));
        QVERIFY(lib.importModel(path("exported.pt")));
        QCOMPARE(int(lib.entries().size()), 2);
        QSignalSpy failed(&lib, &ModelLibrary::failed);
        QVERIFY(!lib.importModel(path("generated.h5")));
        QCOMPARE(failed.count(), 1);
    }

    void closingTheWindowAsksDuringTraining()
    {
        test::SimSpec spec;
        spec.size = 32;
        spec.train = 24;
        spec.val = 4;
        const std::string data = path("close.h5").toStdString();
        test::writeSimulatedDataset(data, spec);
        QString ckpt;
        {
            MainWindow w;
            w.show();
            LabWindow* lab = w.lab();
            // The data panel follows the window's geometry and sample material.
            w.parameterPanel()->setMaterialId("Pd");
            QVERIFY(lab->dataPanel()->sampleMaterial());
            QCOMPARE(lab->dataPanel()->sampleMaterial()->formula, std::string("Pd"));
            w.parameterPanel()->setMaterialId("phase");
            QVERIFY(!lab->dataPanel()->sampleMaterial());
            QCOMPARE(lab->dataPanel()->geometry().pixelSizeM,
                     w.parameterPanel()->geometry().pixelSizeM);
            // Load in the library applies the model in the method panel.
            const QString model = tinyModel("load.pt", {13.0, 20e-3, 12e-9});
            emit lab->library()->modelChosen(model, "dgn");
            const auto held = w.methodPanel()->form("dgn")->options();
            const auto* chosen = dynamic_cast<const models::LearnedMethodOptions*>(held.get());
            QVERIFY(chosen);
            QCOMPARE(QString::fromStdString(chosen->model), model);
            QCOMPARE(w.methodPanel()->currentMethodId(), QStringLiteral("dgn"));
            TrainingPanel* t = lab->trainingPanel();
            models::TrainOptions o;
            o.dgn.iterations = 2;
            o.dgn.width1 = o.dgn.width2 = 4;
            o.dataPath = data;
            o.outPath = path("close.pt").toStdString();
            o.epochs = 50;
            o.batchSize = 2;
            o.device = "cpu";
            t->setOptions(o);
            QSignalSpy epoch(t, &TrainingPanel::epochFinished);
            QVERIFY(t->start());
            QVERIFY(epoch.wait(120000));
            QStringList asked;
            lab->setQuestion([&asked](const QString& q) {
                asked << q;
                return false;
            });
            QVERIFY(!w.close());  // the user said no: still training
            QCOMPARE(asked.size(), 1);
            QVERIFY(t->isRunning());
            lab->setQuestion([](const QString&) { return true; });
            QSignalSpy stopped(t, &TrainingPanel::stopped);
            lab->showTab(LabWindow::Tab::Training);
            QVERIFY(w.close());
            QVERIFY(!lab->isVisible());  // the application ends with its main window
            QVERIFY(stopped.wait(60000));
            ckpt = t->lastCheckpoint();
        }
        QVERIFY(models::checkpointInfo(ckpt.toStdString())["training"]["epochs_done"].get<int>() >= 1);
    }
};

QTEST_MAIN(LabPanelsTest)
#include "lab_panels_test.moc"
