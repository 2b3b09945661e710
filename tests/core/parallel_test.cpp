// The default thread count (issue 16): OMP_NUM_THREADS wins, else the smallest of the
// hardware, the affinity mask, the cgroup CPU limit and SLURM_CPUS_PER_TASK. This test runs
// with OMP_NUM_THREADS=1 in its environment, as a user or torchrun would set it.
#include <QtTest>

#include <phaselab/core/parallel.h>

using namespace phaselab;

class ParallelTest : public QObject {
    Q_OBJECT

private slots:
    void allotment()
    {
        QCOMPARE(core::threadAllotment(nullptr, nullptr, 16, 0, 0), 16);
        QCOMPARE(core::threadAllotment("3", nullptr, 16, 8, 2), 3);      // the user's word wins
        QCOMPARE(core::threadAllotment("4,2", nullptr, 16, 0, 0), 4);    // a nested list: its first
        QCOMPARE(core::threadAllotment(nullptr, nullptr, 16, 6, 0), 6);  // taskset / cpuset
        QCOMPARE(core::threadAllotment(nullptr, nullptr, 16, 16, 2), 2); // docker --cpus 1.5 → 2
        QCOMPARE(core::threadAllotment(nullptr, "5", 16, 8, 0), 5);      // a SLURM task
        QCOMPARE(core::threadAllotment("", "x", 0, 0, 0), 1);            // nothing known
        QCOMPARE(core::threadAllotment("0", nullptr, 4, 0, 0), 4);       // 0 is not a count
        QCOMPARE(core::threadAllotment("-2", nullptr, 4, 0, 0), 4);
    }

    void environmentIsRespected()
    {
        QCOMPARE(qgetenv("OMP_NUM_THREADS"), QByteArray("1"));
        QCOMPARE(core::threadCount(), 1);
        core::setThreadCount(2);  // --threads still overrides it
        QCOMPARE(core::threadCount(), 2);
        core::setThreadCount(0);  // and 0 restores the default
        QCOMPARE(core::threadCount(), 1);
    }
};

QTEST_APPLESS_MAIN(ParallelTest)
#include "parallel_test.moc"
