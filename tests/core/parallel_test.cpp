// The default thread count (issue 16): OMP_NUM_THREADS wins, else the smallest of the
// hardware, the affinity mask, the cgroup CPU limit and SLURM_CPUS_PER_TASK. This test runs
// with OMP_NUM_THREADS=1 in its environment, as a user or torchrun would set it.
// And OpenMP's bounded spin-wait (core/src/base/process_env.cpp): every executable that links
// core starts libgomp with GOMP_SPINCOUNT=1000 unless the user chose a wait policy.
#include <QProcess>
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

    /// What libgomp itself says it uses (OMP_DISPLAY_ENV=VERBOSE prints its settings as it
    /// starts), in a child process of this program with the given environment.
    void openMpSpinIsBounded_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("absent");
        QTest::newRow("default") << QString() << "GOMP_SPINCOUNT = '1000'" << QString();
        QTest::newRow("user spin count") << "GOMP_SPINCOUNT=77" << "GOMP_SPINCOUNT = '77'"
                                         << "GOMP_SPINCOUNT = '1000'";
        QTest::newRow("user wait policy") << "OMP_WAIT_POLICY=active"
                                          << "OMP_WAIT_POLICY = 'ACTIVE'"
                                          << "GOMP_SPINCOUNT = '1000'";
    }
    void openMpSpinIsBounded()
    {
        QFETCH(QString, setting);
        QFETCH(QString, expected);
        QFETCH(QString, absent);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("GOMP_SPINCOUNT");
        env.remove("OMP_WAIT_POLICY");
        env.insert("OMP_DISPLAY_ENV", "VERBOSE");
        if (!setting.isEmpty())
            env.insert(setting.section('=', 0, 0), setting.section('=', 1));
        QProcess child;
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {"-functions"});
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitCode(), 0);
        const QString display = QString::fromLocal8Bit(child.readAllStandardError());
        QVERIFY2(display.contains(expected), qPrintable(display));
        if (!absent.isEmpty())
            QVERIFY2(!display.contains(absent), qPrintable(display));
    }
};

QTEST_MAIN(ParallelTest)
#include "parallel_test.moc"
