// The worker pattern of architecture.md: work on a QThread, progress and previews throttled,
// results as typed snapshots, exceptions as failed(), cancel as cancelled() without finished().
#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/widgets/job_runner.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

using namespace phaselab;
using widgets::JobRunner;
using IntContext = widgets::JobContext<int>;
using IntPtr = std::shared_ptr<const int>;

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
        IntPtr result;
        bool receivedOnGuiThread = false;
        QVERIFY(runner.start<int>(
            [&](const IntContext& c) {
                offGuiThread = std::this_thread::get_id() != gui;
                for (int i = 0; i <= 100; ++i)
                    c.progress.step(i / 100.0, "counting");
                return std::make_shared<const int>(42);
            },
            [&](IntPtr r) {
                receivedOnGuiThread = std::this_thread::get_id() == gui;
                result = std::move(r);
            }));
        QVERIFY(runner.isRunning());
        QVERIFY(!runner.start<int>([](const IntContext&) { return IntPtr(); }, {}));
        QVERIFY(finished.wait(10000));
        QVERIFY(offGuiThread);
        QVERIFY(receivedOnGuiThread);
        QVERIFY(!runner.isRunning());
        QVERIFY(result);
        QCOMPARE(*result, 42);
        // 101 reports in a tight loop arrive throttled, the final 100 % always.
        QVERIFY(progress.count() >= 1 && progress.count() < 20);
        QCOMPARE(progress.last().first().toDouble(), 1.0);
    }

    void exceptionsBecomeFailed()
    {
        JobRunner runner;
        QSignalSpy failed(&runner, &JobRunner::failed);
        QSignalSpy finished(&runner, &JobRunner::finished);
        bool received = false;
        runner.start<int>([](const IntContext&) -> IntPtr { throw core::InputError("holo.tif: truncated"); },
                          [&](IntPtr) { received = true; });
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().first().toString(), QString("holo.tif: truncated"));
        QCOMPARE(finished.count(), 0);
        QVERIFY(!received);
    }

    void cancelStopsAtTheNextCheck()
    {
        JobRunner runner;
        QSignalSpy cancelled(&runner, &JobRunner::cancelled);
        QSignalSpy finished(&runner, &JobRunner::finished);
        std::atomic<int> steps{0};
        bool received = false;
        runner.start<int>(
            [&](const IntContext& c) {
                for (;;) {
                    c.progress.step(0.5, "waiting");
                    ++steps;
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                }
                return IntPtr();
            },
            [&](IntPtr) { received = true; });
        QTRY_VERIFY(steps > 3);
        runner.cancel();
        QVERIFY(cancelled.wait(5000));
        QCOMPARE(finished.count(), 0);
        QVERIFY(!received);
        // A handler may start the next job at once.
        QVERIFY(runner.start<int>([](const IntContext&) { return std::make_shared<const int>(1); },
                                  [&](IntPtr r) { received = r && *r == 1; }));
        QVERIFY(finished.wait(5000));
        QVERIFY(received);
    }

    void previewsReachTheGuiThread()
    {
        JobRunner runner;
        QSignalSpy previews(&runner, &JobRunner::previewed);
        QSignalSpy finished(&runner, &JobRunner::finished);
        std::vector<int> seen;
        runner.start<int>(
            [](const IntContext& c) {
                for (int i = 0; i < 5; ++i) {
                    c.publish(std::make_shared<const int>(i));
                    std::this_thread::sleep_for(std::chrono::milliseconds(120));
                }
                return IntPtr();
            },
            {}, [&](IntPtr p) { seen.push_back(*p); });
        QVERIFY(finished.wait(10000));
        QVERIFY2(previews.count() >= 3, qPrintable(QString::number(previews.count())));
        QCOMPARE(int(seen.size()), previews.count());
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
    }

    void destructorCancelsAndWaits()
    {
        std::atomic<bool> ended{false};
        {
            JobRunner runner;
            runner.start<int>(
                [&](const IntContext& c) {
                    for (;;) {
                        c.progress.checkCancel();
                        std::this_thread::sleep_for(std::chrono::milliseconds(1));
                    }
                    return IntPtr();
                },
                {});
            QTest::qWait(20);
        }  // must not hang or crash
        ended = true;
        QVERIFY(ended);
    }
};

QTEST_MAIN(JobRunnerTest)
#include "job_runner_test.moc"
