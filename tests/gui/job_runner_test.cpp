// The worker pattern of architecture.md: work on a QThread, progress and previews throttled,
// results as snapshots, exceptions as failed(), cancel as cancelled() without finished().
#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/widgets/job_runner.h>

#include <atomic>
#include <thread>

using namespace phaselab;
using widgets::JobContext;
using widgets::JobRunner;

class JobRunnerTest : public QObject {
    Q_OBJECT

private slots:
    void finishesWithResultOffTheGuiThread()
    {
        JobRunner runner;
        QSignalSpy finished(&runner, &JobRunner::finished);
        QSignalSpy progress(&runner, &JobRunner::progressChanged);
        std::atomic<bool> offGuiThread{false};
        const auto gui = std::this_thread::get_id();
        QVERIFY(runner.start([&](const JobContext& c) {
            offGuiThread = std::this_thread::get_id() != gui;
            for (int i = 0; i <= 100; ++i)
                c.progress.step(i / 100.0, "counting");
            return std::shared_ptr<const void>(std::make_shared<const int>(42));
        }));
        QVERIFY(runner.isRunning());
        QVERIFY(!runner.start([](const JobContext&) { return std::shared_ptr<const void>(); }));
        QVERIFY(finished.wait(10000));
        QVERIFY(offGuiThread);
        QVERIFY(!runner.isRunning());
        const auto result = finished.first().first().value<std::shared_ptr<const void>>();
        QCOMPARE(*std::static_pointer_cast<const int>(result), 42);
        // 101 reports in a tight loop arrive throttled, the final 100 % always.
        QVERIFY(progress.count() >= 1 && progress.count() < 20);
        QCOMPARE(progress.last().first().toDouble(), 1.0);
    }

    void exceptionsBecomeFailed()
    {
        JobRunner runner;
        QSignalSpy failed(&runner, &JobRunner::failed);
        QSignalSpy finished(&runner, &JobRunner::finished);
        runner.start([](const JobContext&) -> std::shared_ptr<const void> {
            throw core::InputError("holo.tif: truncated");
        });
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().first().toString(), QString("holo.tif: truncated"));
        QCOMPARE(finished.count(), 0);
    }

    void cancelStopsAtTheNextCheck()
    {
        JobRunner runner;
        QSignalSpy cancelled(&runner, &JobRunner::cancelled);
        QSignalSpy finished(&runner, &JobRunner::finished);
        std::atomic<int> steps{0};
        runner.start([&](const JobContext& c) {
            for (;;) {
                c.progress.step(0.5, "waiting");
                ++steps;
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
            return std::shared_ptr<const void>();
        });
        QTRY_VERIFY(steps > 3);
        runner.cancel();
        QVERIFY(cancelled.wait(5000));
        QCOMPARE(finished.count(), 0);
        // A handler may start the next job at once.
        QVERIFY(runner.start([](const JobContext&) { return std::shared_ptr<const void>(); }));
        QVERIFY(finished.wait(5000));
    }

    void previewsReachTheGuiThread()
    {
        JobRunner runner;
        QSignalSpy previews(&runner, &JobRunner::preview);
        QSignalSpy finished(&runner, &JobRunner::finished);
        runner.start([](const JobContext& c) {
            for (int i = 0; i < 5; ++i) {
                c.publish(std::make_shared<const int>(i));
                std::this_thread::sleep_for(std::chrono::milliseconds(120));
            }
            return std::shared_ptr<const void>();
        });
        QVERIFY(finished.wait(10000));
        QVERIFY2(previews.count() >= 3, qPrintable(QString::number(previews.count())));
    }

    void destructorCancelsAndWaits()
    {
        std::atomic<bool> ended{false};
        {
            JobRunner runner;
            runner.start([&](const JobContext& c) {
                for (;;) {
                    c.progress.checkCancel();
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                }
                return std::shared_ptr<const void>();
            });
            QTest::qWait(20);
        }  // must not hang or crash
        ended = true;
        QVERIFY(ended);
    }
};

QTEST_MAIN(JobRunnerTest)
#include "job_runner_test.moc"
