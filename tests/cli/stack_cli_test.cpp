// `reconstruct --frames` / `--resume` (stack.h through the command line): HDF5 and TIFF stacks,
// the JSON report, an .h5 output implying the whole stack, bad ranges (exit 2 or 3), and a
// Ctrl-C that keeps a resumable .part which --resume completes exactly.
#include <QtTest>

#include <phaselab/core/image_io.h>
#include <phaselab/core/simulate.h>
#include <phaselab/core/tiff_io.h>

#include "cli_process.h"
#include "test_util.h"

#include <csignal>
#include <cstring>
#include <filesystem>

using namespace phaselab;
using test::expectFailure;
using test::run;
namespace fs = std::filesystem;

namespace {


bool bitEqual(const core::ImageF& a, const core::ImageF& b)
{
    return a.sameShape(b) && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

double maxAbsDiff(const core::ImageF& a, const core::ImageF& b)
{
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        m = std::max(m, double(std::abs(a[i] - b[i])));
    return m;
}

} // namespace

class StackCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_set;   // simulate's HDF5 set: /train/hologram [8, 64, 64]
    QString m_tiff;  // a 6-page TIFF stack, 64²

    QString path(const QString& name) const { return m_dir.filePath(name); }
    std::string spath(const QString& name) const { return path(name).toStdString(); }
    QStringList physics() const { return {"--energy", "13", "--distance", "20mm", "--pixel", "12nm"}; }

private slots:
    void initTestCase()
    {
        QVERIFY(!qEnvironmentVariable("PHASELAB_CLI").isEmpty());
        QVERIFY(m_dir.isValid());
        const auto r = run({"simulate", "--protocol", "dgn", "--count", "10", "--size", "64",
                            "--seed", "5", "--out", path("set.h5"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        m_set = path("set.h5") + ":/train/hologram";
        m_tiff = path("holo.tif");
        core::writeTiffStack(m_tiff.toStdString(), test::simulatedHolograms(6, 64, 9));
    }

    void framesToHdf5WithJson()
    {
        const auto r = run(QStringList{"reconstruct", "--method", "ctf", "--in", m_set, "--frames",
                                       "1:7:2", "--out", path("a.h5"), "--json"} + physics());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const nlohmann::json j = test::parseOneJsonLine(r.out);
        QVERIFY2(j.is_object(), qPrintable(r.out));
        QCOMPARE(j["frames"].get<int>(), 3);
        QCOMPARE(j["computed"].get<int>(), 3);
        QCOMPARE(j["skipped"].get<int>(), 0);
        QVERIFY(j["seconds"].get<double>() > 0);
        QVERIFY(j["frames_per_second"].get<double>() > 0);
        QVERIFY(j["workers"].get<int>() >= 1);
        QVERIFY(j["mode"] == "frame-parallel" || j["mode"] == "fft-parallel");
        QCOMPARE(j["outputs"].get<std::vector<std::string>>(), std::vector<std::string>{spath("a.h5")});
        QVERIFY(fs::exists(spath("a.h5")));
        QVERIFY(!fs::exists(spath("a.h5.part")));

        // Frame 5 of the input is the stack's third frame: the single-frame command agrees.
        const auto single = run(QStringList{"reconstruct", "--method", "ctf", "--in", m_set,
                                            "--frame", "5", "--out", path("single")} + physics());
        QVERIFY2(single.code == 0, qPrintable(single.err));
        const core::ImageF stackPhase = core::readImage(spath("a.h5") + ":/phase", 2);
        const core::ImageF singlePhase = core::readImage(spath("single_phase.tif"));
        QVERIFY2(maxAbsDiff(stackPhase, singlePhase) < 1e-5,
                 qPrintable(QString::number(maxAbsDiff(stackPhase, singlePhase))));
        QVERIFY(maxAbsDiff(stackPhase, core::readImage(spath("a.h5") + ":/phase", 1)) > 1e-3);
    }

    void framesToTiffPair()
    {
        const auto r = run(QStringList{"reconstruct", "--method", "ctf", "--in", m_tiff, "--frames",
                                       "all", "--out", path("t")} + physics());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("6 frames"), qPrintable(r.out));
        for (const char* name : {"t_phase.tif", "t_absorption.tif"}) {
            const core::TiffInfo info = core::readTiffInfo(spath(name));
            QCOMPARE(info.pages, 6);
        }
    }

    void hdf5OutputImpliesWholeStack()
    {
        const auto r = run(QStringList{"reconstruct", "--method", "ctf", "--in", m_tiff, "--out",
                                       path("whole.h5"), "--json"} + physics());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(test::parseOneJsonLine(r.out)["frames"].get<int>(), 6);
        // --frame keeps the single-frame behaviour (a TIFF pair named after the prefix).
        const auto one = run(QStringList{"reconstruct", "--method", "ctf", "--in", m_tiff, "--frame",
                                         "2", "--out", path("one")} + physics());
        QVERIFY2(one.code == 0, qPrintable(one.err));
        QVERIFY(fs::exists(spath("one_phase.tif")));
    }

    void badFramesAndFlags()
    {
        const QStringList base = QStringList{"reconstruct", "--method", "ctf", "--in", m_tiff} + physics();
        expectFailure(base + QStringList{"--frames", "3:1", "--out", path("x.h5")}, 2, "frames");
        expectFailure(base + QStringList{"--frames", "a:b", "--out", path("x.h5")}, 2, "frames");
        expectFailure(base + QStringList{"--frames", "0:99", "--out", path("x.h5")}, 3, "6 frame(s)");
        expectFailure(base + QStringList{"--frames", "all", "--frame", "1", "--out", path("x.h5")}, 2,
                      "--frame");
        expectFailure(base + QStringList{"--resume", "--out", path("x")}, 3, "resume");
        QVERIFY(!fs::exists(spath("x.h5")));
        QVERIFY(!fs::exists(spath("x.h5.part")));
        const auto help = run({"reconstruct", "--help"});
        QVERIFY(help.out.contains("--frames"));
        QVERIFY(help.out.contains("--resume"));
        QVERIFY(help.out.contains("TIFF stacks cannot be resumed"));
    }

    /// `args` as rank `rank` of a job of `world` processes on this host (one thread each).
    static void startRank(QProcess& p, int rank, int world, int port, const QStringList& args)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("RANK", QString::number(rank));
        env.insert("WORLD_SIZE", QString::number(world));
        env.insert("MASTER_ADDR", "127.0.0.1");
        env.insert("MASTER_PORT", QString::number(port));
        env.insert("PHASELAB_DIST_TIMEOUT", "10");
        env.insert("OMP_NUM_THREADS", "1");
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("PHASELAB_CLI"), args);
    }

    /// The same stack on 2 ranks (c10d over localhost) and on 1: rank 0 alone writes, and the
    /// file is the 1-rank file bit for bit. Frames 0–4 of 6, so that the last round has one.
    void twoRanksEqualOne()
    {
        const QStringList base = QStringList{"reconstruct", "--method", "ctf", "--in", m_tiff,
                                             "--frames", "0:5", "--workers", "1"} + physics();
        QProcess one;
        startRank(one, 0, 1, test::freeLocalPort(), base + QStringList{"--out", path("r1.h5")});
        QVERIFY(one.waitForFinished(120000));
        QVERIFY2(one.exitCode() == 0, one.readAllStandardError().constData());

        const int port = test::freeLocalPort();
        QProcess r0, r1;
        startRank(r0, 0, 2, port, base + QStringList{"--out", path("r2.h5"), "--json"});
        startRank(r1, 1, 2, port, base + QStringList{"--out", path("r2.h5"), "--json"});
        QVERIFY(r0.waitForFinished(120000) && r1.waitForFinished(120000));
        QVERIFY2(r0.exitCode() == 0, r0.readAllStandardError().constData());
        QVERIFY2(r1.exitCode() == 0, r1.readAllStandardError().constData());
        const nlohmann::json j = test::parseOneJsonLine(QString::fromUtf8(r0.readAllStandardOutput()));
        QVERIFY(j.is_object());
        QCOMPARE(j["ranks"].get<int>(), 2);
        QCOMPARE(j["computed"].get<int>(), 5);
        for (const char* name : {":/phase", ":/absorption"})
            for (int i = 0; i < 5; ++i)
                QVERIFY(bitEqual(core::readImage(spath("r2.h5") + name, i),
                                 core::readImage(spath("r1.h5") + name, i)));
        QVERIFY(!fs::exists(spath("r2.h5.part")));
    }

    /// Rank 1 never comes: rank 0 fails within the timeout with a message that says so, and
    /// leaves no output.
    void missingRankFailsClearly()
    {
        QProcess r0;
        QElapsedTimer t;
        t.start();
        startRank(r0, 0, 2, test::freeLocalPort(),
                  QStringList{"reconstruct", "--method", "ctf", "--in", m_tiff, "--frames", "all",
                              "--out", path("lonely.h5")} + physics());
        QVERIFY(r0.waitForFinished(60000));
        QVERIFY(t.elapsed() < 45000);
        QVERIFY(r0.exitCode() != 0);
        const QString err = QString::fromUtf8(r0.readAllStandardError());
        QVERIFY2(err.contains("rank 0 of 2"), qPrintable(err));
        QVERIFY(!fs::exists(spath("lonely.h5")));
    }

    /// Ctrl-C keeps OUT.h5.part and says how to continue; --resume completes it into the file an
    /// uninterrupted run writes, bit for bit.
    void ctrlCThenResume()
    {
        const int n = 60, size = 512;
        {
            const std::vector<core::ImageF> few = test::simulatedHolograms(3, size, 4);
            core::TiffStackWriter<float> w(spath("big.tif"), size, size, n);
            for (int i = 0; i < n; ++i)
                w.append(few[std::size_t(i % 3)]);
            w.commit();
        }
        const QStringList args = QStringList{"reconstruct", "--method", "ctf", "--in", path("big.tif"),
                                             "--frames", "all", "--workers", "2", "--energy", "13",
                                             "--distance", "2mm", "--pixel", "50nm"};
        const auto whole = run(args + QStringList{"--out", path("whole_big.h5")});
        QVERIFY2(whole.code == 0, qPrintable(whole.err));

        const std::string part = spath("cut.h5.part");
        QProcess p;
        p.start(qEnvironmentVariable("PHASELAB_CLI"), args + QStringList{"--out", path("cut.h5")});
        QVERIFY(p.waitForStarted());
        QElapsedTimer t;
        t.start();
        // Interrupt once a few frames (1 MiB each per dataset) are in the .part.
        const auto written = [&] { return fs::exists(part) ? fs::file_size(part) : 0; };
        while (!(written() > 6u << 20 && test::catchesSigint(p.processId())) &&
               t.elapsed() < 60000 && p.state() == QProcess::Running)
            QThread::msleep(1);
        QVERIFY2(fs::exists(part), "no .part appeared");
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 4);
        QVERIFY2(err.contains("cut.h5.part") && err.contains("--resume"), qPrintable(err));
        QVERIFY(!fs::exists(spath("cut.h5")));
        QVERIFY(fs::exists(part));

        const auto resumed = run(args + QStringList{"--out", path("cut.h5"), "--resume", "--json"});
        QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
        const nlohmann::json j = test::parseOneJsonLine(resumed.out);
        QCOMPARE(j["computed"].get<int>() + j["skipped"].get<int>(), n);
        QVERIFY(j["skipped"].get<int>() >= 1);
        QVERIFY(j["computed"].get<int>() >= 1);
        qInfo("Ctrl-C after %d of %d frames", j["skipped"].get<int>(), n);
        QVERIFY(!fs::exists(part));
        for (const char* name : {":/phase", ":/absorption"})
            for (int i = 0; i < n; i += 7)
                QVERIFY(bitEqual(core::readImage(spath("cut.h5") + name, i),
                                 core::readImage(spath("whole_big.h5") + name, i)));
    }
};

QTEST_GUILESS_MAIN(StackCliTest)
#include "stack_cli_test.moc"
