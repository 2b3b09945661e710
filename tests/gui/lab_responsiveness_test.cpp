// The GUI never blocks while the lab works: during a training (live curves, the validation
// sample each epoch) and during data generation, a 5 ms timer on the GUI thread never waits
// longer than 100 ms between ticks (measured as responsiveness_test.cpp does). Runs alone
// (RUN_SERIAL): other tests on the CI cores would measure the machine, not us.
#include <QtTest>
#include <QtWidgets>

#include <phaselab/core/parallel.h>
#include <phaselab/widgets/data_panel.h>
#include <phaselab/widgets/loss_plot.h>
#include <phaselab/widgets/training_panel.h>

#include "gui_test_util.h"
#include "sim_dataset.h"

#include <algorithm>

using namespace phaselab;
using namespace phaselab::widgets;

namespace {

// The longest gap between ticks of a 5 ms timer while `work` runs until `done` (a repaint of
// `widget` every 200 ms: a user looking at it meanwhile).
struct StallMeter {
    QElapsedTimer clock;
    qint64 last = 0, worst = 0;
    int ticks = 0;
    QTimer timer;

    explicit StallMeter(QWidget* widget)
    {
        timer.setTimerType(Qt::PreciseTimer);
        timer.setInterval(5);
        QObject::connect(&timer, &QTimer::timeout, [this, widget] {
            const qint64 now = clock.elapsed();
            worst = std::max(worst, now - last);
            last = now;
            if (++ticks % 40 == 0)
                widget->repaint();
        });
        clock.start();
        timer.start();
    }
};

} // namespace

class LabResponsivenessTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        test::isolateSettings("gui_lab_responsiveness_test");
        core::setThreadCount(0);  // all cores for the worker, as the application does
        qputenv("PHASELAB_FFTW_WISDOM", m_dir.filePath("wisdom").toUtf8());
    }

    void eventLoopNeverStallsDuringTraining()
    {
        test::SimSpec spec;
        spec.size = 64;
        spec.train = 40;
        spec.val = 8;
        const std::string data = m_dir.filePath("train.h5").toStdString();
        test::writeSimulatedDataset(data, spec);
        TrainingPanel panel;
        panel.resize(1200, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        models::TrainOptions o;
        o.dgn.iterations = 3;
        o.dataPath = data;
        o.outPath = m_dir.filePath("r.pt").toStdString();
        o.epochs = 3;
        o.batchSize = 4;
        o.device = "cpu";
        panel.setOptions(o);
        panel.lossPlot()->setAxis(LossPlot::Axis::Iteration);  // redrawn with every report
        QSignalSpy finished(&panel, &TrainingPanel::finished);
        QSignalSpy samples(&panel, &TrainingPanel::sampleShown);
        StallMeter meter(&panel);
        QVERIFY(panel.start());
        QVERIFY(finished.wait(300000));
        meter.timer.stop();
        qInfo("training: %lld ms, %d ticks, %d samples shown, %d curve points, worst gap %lld ms",
              meter.clock.elapsed(), meter.ticks, int(samples.count()),
              panel.lossPlot()->trainPoints(), meter.worst);
        QCOMPARE(samples.count(), 3);
        QVERIFY(panel.lossPlot()->trainPoints() >= 3);
        QVERIFY2(meter.worst < 100, qPrintable(QString("the event loop stalled %1 ms").arg(meter.worst)));
    }

    void eventLoopNeverStallsDuringGeneration()
    {
        DataPanel panel;
        panel.resize(900, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        DataPanel::Settings s;
        s.size = 128;
        s.count = 200;
        s.path = m_dir.filePath("gen.h5");
        panel.setSettings(s);
        QSignalSpy generated(&panel, &DataPanel::generated);
        StallMeter meter(&panel);
        QVERIFY(panel.generate());
        QVERIFY(generated.wait(300000));
        meter.timer.stop();
        qInfo("generation of 200 samples of 128²: %lld ms, %d ticks, worst gap %lld ms",
              meter.clock.elapsed(), meter.ticks, meter.worst);
        QCOMPARE(panel.stripCount(), 6);
        QVERIFY2(meter.worst < 100, qPrintable(QString("the event loop stalled %1 ms").arg(meter.worst)));
    }
};

QTEST_MAIN(LabResponsivenessTest)
#include "lab_responsiveness_test.moc"
