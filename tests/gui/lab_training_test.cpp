// The training panel on a tiny simulated set: one DGN epoch from Start draws the curves and the
// validation sample; Stop now in the middle of an epoch keeps the checkpoint and Resume
// continues the same history; Stop at end of epoch writes the model; a second Start is refused
// with its reason; closing the panel mid-run keeps the last checkpoint.
#include <QtTest>
#include <QtWidgets>

#include <phaselab/models/learned.h>
#include <phaselab/models/library.h>
#include <phaselab/core/simulate.h>
#include <phaselab/widgets/data_panel.h>
#include <phaselab/widgets/image_view.h>
#include <phaselab/widgets/loss_plot.h>
#include <phaselab/widgets/training_panel.h>

#include "gui_test_util.h"
#include "sim_dataset.h"

#include <filesystem>

using namespace phaselab;
using widgets::TrainingPanel;

class LabTrainingTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_data;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    models::TrainOptions tiny(const QString& out, int epochs) const
    {
        models::TrainOptions o;
        o.method = models::Method::Dgn;
        o.dgn.iterations = 2;
        o.dgn.width1 = o.dgn.width2 = 4;
        o.dataPath = m_data;
        o.outPath = path(out).toStdString();
        o.epochs = epochs;
        o.batchSize = 2;
        o.device = "cpu";
        return o;
    }

private slots:
    void initTestCase()
    {
        test::isolateSettings("gui_lab_training_test");
        qputenv("PHASELAB_FFTW_WISDOM", path("wisdom").toUtf8());
        test::SimSpec spec;
        spec.size = 32;
        spec.train = 24;
        spec.val = 4;
        m_data = path("tiny.h5").toStdString();
        test::writeSimulatedDataset(m_data, spec);
    }

    void oneDgnEpochDrawsTheCurves()
    {
        TrainingPanel panel;
        panel.show();
        panel.setOptions(tiny("one.pt", 1));
        QCOMPARE(panel.lossPlot()->trainPoints(), 0);
        QCOMPARE(panel.lossPlot()->validationPoints(), 0);
        QSignalSpy finished(&panel, &TrainingPanel::finished);
        QSignalSpy sample(&panel, &TrainingPanel::sampleShown);
        QTest::mouseClick(panel.startButton(), Qt::LeftButton);
        QVERIFY(panel.isRunning());
        QVERIFY(!panel.startButton()->isEnabled());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().first().toString(), path("one.pt"));
        QCOMPARE(panel.lossPlot()->trainPoints(), 1);
        QCOMPARE(panel.lossPlot()->validationPoints(), 1);
        QCOMPARE(panel.lossPlot()->epochs().at(0).epoch, 1);
        QVERIFY(panel.lossPlot()->epochs().at(0).valLoss > 0);
        QCOMPARE(sample.count(), 1);
        QVERIFY(panel.sampleView()->image());
        QCOMPARE(panel.sampleView()->image()->width(), 32);
        QVERIFY(panel.logText().contains("epoch 1"));
        QVERIFY(panel.speedText().contains("samples/s"));
        const nlohmann::json info = models::modelInfo(path("one.pt").toStdString());
        QCOMPARE(int(info["training"]["history"].size()), 1);
        // The iteration axis shows the running loss of the batches seen live.
        panel.lossPlot()->setAxis(widgets::LossPlot::Axis::Iteration);
        QVERIFY(panel.lossPlot()->trainPoints() >= 1);
        QCOMPARE(panel.lossPlot()->validationPoints(), 1);
        QVERIFY(panel.startButton()->isEnabled());
    }

    // PhaseGAN end to end: an unpaired set generated from the data panel, then one epoch.
    void phaseGanOnAnUnpairedSetFromTheDataPanel()
    {
        widgets::DataPanel data;
        data.setGeometry(core::SimulationParams::phaseGan().geometry);
        widgets::DataPanel::Settings s;
        s.protocol = "phasegan";
        s.size = 32;
        s.count = 16;
        s.unpaired = true;
        s.path = path("unpaired.h5");
        data.setSettings(s);
        QSignalSpy generated(&data, &widgets::DataPanel::generated);
        QVERIFY(data.generate());
        QVERIFY(generated.wait(120000));
        QVERIFY(data.summaryText().contains("(unpaired)"));

        TrainingPanel panel;
        models::TrainOptions o = tiny("gan.pt", 1);
        o.method = models::Method::PhaseGan;
        o.phasegan.width = 0.125;
        o.dataPath = s.path.toStdString();
        o.batchSize = 4;
        panel.setOptions(o);
        QVERIFY(panel.options().method == models::Method::PhaseGan);
        QCOMPARE(panel.options().phasegan.width, 0.125);
        QSignalSpy finished(&panel, &TrainingPanel::finished);
        QSignalSpy sample(&panel, &TrainingPanel::sampleShown);
        QVERIFY(panel.start());
        QVERIFY2(finished.wait(300000), qPrintable(panel.logText()));
        QCOMPARE(int(panel.lossPlot()->epochs().size()), 1);
        QCOMPARE(sample.count(), 1);
        const nlohmann::json info = models::modelInfo(path("gan.pt").toStdString());
        QCOMPARE(info["method"].get<std::string>(), std::string("phasegan"));
    }

    void stopInTheMiddleThenResume()
    {
        TrainingPanel panel;
        panel.setOptions(tiny("resumed.pt", 3));
        QSignalSpy stopped(&panel, &TrainingPanel::stopped);
        QSignalSpy finished(&panel, &TrainingPanel::finished);
        // Stop now as soon as epoch 1 is reported: the worker is then inside epoch 2 (its
        // validation sample preview or first batches).
        connect(&panel, &TrainingPanel::epochFinished, &panel, [&panel](int epoch) {
            if (epoch == 1)
                panel.stopNow();
        });
        QVERIFY(panel.start());
        QVERIFY(stopped.wait(120000));
        QVERIFY(finished.isEmpty());
        const QString ckpt = stopped.first().first().toString();
        QCOMPARE(ckpt, path("resumed.pt.ckpt"));
        QCOMPARE(models::checkpointInfo(ckpt.toStdString())["training"]["epochs_done"].get<int>(), 1);
        QVERIFY(!QFileInfo::exists(path("resumed.pt")));
        QCOMPARE(int(panel.lossPlot()->epochs().size()), 1);
        const double epoch1 = panel.lossPlot()->epochs().at(0).trainLoss;

        disconnect(&panel, &TrainingPanel::epochFinished, &panel, nullptr);
        QVERIFY(panel.resume(ckpt));
        QVERIFY(finished.wait(120000));
        const auto& epochs = panel.lossPlot()->epochs();
        QCOMPARE(int(epochs.size()), 3);
        QCOMPARE(epochs[0].epoch, 1);
        QCOMPARE(epochs[0].trainLoss, epoch1);  // the history continues, epoch 1 kept
        QCOMPARE(epochs[2].epoch, 3);
        const nlohmann::json info = models::modelInfo(path("resumed.pt").toStdString());
        QCOMPARE(int(info["training"]["history"].size()), 3);
        QCOMPARE(info["training"]["history"][0]["train_loss"].get<double>(), epoch1);
    }

    void stopAtEpochEndWritesTheModel()
    {
        TrainingPanel panel;
        panel.setOptions(tiny("early.pt", 5));
        QSignalSpy finished(&panel, &TrainingPanel::finished);
        QVERIFY(panel.start());
        // Asked during the first epoch (its initial validation has not even ended).
        QTest::mouseClick(panel.stopAtEpochButton(), Qt::LeftButton);
        QVERIFY(!panel.stopAtEpochButton()->isEnabled());
        QVERIFY(finished.wait(120000));
        QCOMPARE(int(panel.lossPlot()->epochs().size()), 1);
        const nlohmann::json info = models::modelInfo(path("early.pt").toStdString());
        QCOMPARE(info["training"]["epochs_done"].get<int>(), 1);
        QVERIFY2(panel.logText().contains("Stopped after epoch 1"), qPrintable(panel.logText()));
    }

    void secondTrainingIsRefused()
    {
        TrainingPanel a, b;
        a.setOptions(tiny("a.pt", 2));
        b.setOptions(tiny("b.pt", 1));
        QSignalSpy stopped(&a, &TrainingPanel::stopped);
        QVERIFY(a.start());
        QVERIFY(TrainingPanel::anyRunning());
        QSignalSpy failed(&b, &TrainingPanel::failed);
        QVERIFY(!b.start());
        QVERIFY(b.refusalReason().contains("Another training"));
        QCOMPARE(failed.count(), 1);
        QVERIFY(b.logText().contains("Another training"));
        a.stopNow();
        QVERIFY(stopped.wait(60000));
        QVERIFY(!TrainingPanel::anyRunning());
        // With the settings incomplete, Start says what is missing.
        b.setDataPath({});
        QVERIFY(!b.start());
        QVERIFY(b.refusalReason().contains("data set"));
    }

    void closingMidRunKeepsTheCheckpoint()
    {
        auto* panel = new TrainingPanel;
        panel->setOptions(tiny("closed.pt", 4));
        QSignalSpy epoch(panel, &TrainingPanel::epochFinished);
        QVERIFY(panel->start());
        QVERIFY(epoch.wait(120000));
        delete panel;  // cancels and waits for the worker
        const nlohmann::json info = models::checkpointInfo(path("closed.pt.ckpt").toStdString());
        QVERIFY(info["training"]["epochs_done"].get<int>() >= 1);
        QVERIFY(!TrainingPanel::anyRunning());
    }
};

QTEST_MAIN(LabTrainingTest)
#include "lab_training_test.moc"
