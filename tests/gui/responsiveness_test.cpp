// The GUI never blocks: while IRGN runs on a 1024² hologram (previews every Newton step, the
// residual curve live), a timer on the GUI thread never waits longer than 100 ms between ticks.
// Runs alone (RUN_SERIAL): other tests on the two CI cores would measure the machine, not us.
#include <QtTest>
#include <QtWidgets>

#include "gui_test_util.h"

#include <phaselab/core/parallel.h>
#include <phaselab/widgets/image_view.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_panel.h>

#include <algorithm>

using namespace phaselab;
using widgets::MainWindow;
using widgets::MethodPanel;

class ResponsivenessTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        test::isolateSettings("gui_responsiveness_test");
        core::setThreadCount(0);  // all cores for the worker, as the application does
    }

    void eventLoopNeverStallsDuringIrgn1024()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        MethodPanel* p = w.methodPanel();
        p->setAutoUpdate(false);
        QSignalSpy loaded(&w, &MainWindow::loaded);
        w.openDemo(1024);
        QVERIFY(loaded.wait(300000));
        QCOMPARE(w.current()->image.width(), 1024);

        p->setCurrentMethod("irgn");
        p->setOptions("irgn", {{"unknowns", "joint"}, {"newton_steps", 10000}, {"cg_iterations", 10}});
        QSignalSpy previews(p, &MethodPanel::previewReady);
        QSignalSpy cancelled(p, &MethodPanel::cancelled);

        // Ticks every 5 ms; the longest gap between two is the worst stall of the event loop.
        QElapsedTimer clock;
        qint64 last = 0, worst = 0;
        int ticks = 0;
        QTimer timer;
        timer.setTimerType(Qt::PreciseTimer);
        timer.setInterval(5);
        connect(&timer, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            worst = std::max(worst, now - last);
            last = now;
            ++ticks;
            // A user at work meanwhile: zooming and repainting the hologram.
            if (ticks % 40 == 0) {
                if ((ticks / 40) % 2)
                    w.imageView()->zoomIn();
                else
                    w.imageView()->zoomOut();
                w.imageView()->repaint();
            }
        });
        clock.start();
        timer.start();
        QTest::mouseClick(p->runButton(), Qt::LeftButton);
        QVERIFY(p->isRunning());
        // Planning, the first Newton steps and their previews.
        QTRY_VERIFY_WITH_TIMEOUT(previews.count() >= 3, 120000);
        QTest::qWait(2000);
        const int seen = previews.count();
        QTest::mouseClick(p->cancelButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(cancelled.count() == 1, 30000);
        timer.stop();
        qInfo("IRGN 1024²: %lld ms on the clock, %d ticks, %d previews shown, worst gap between "
              "ticks %lld ms",
              clock.elapsed(), ticks, seen, worst);
        QVERIFY2(worst < 100, qPrintable(QString("the event loop stalled %1 ms").arg(worst)));
        QVERIFY(!w.result());
    }
};

QTEST_MAIN(ResponsivenessTest)
#include "responsiveness_test.moc"
