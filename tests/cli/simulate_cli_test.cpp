// phaselab-cli simulate as a user runs it: both protocols, the file it writes, physics options,
// JSON output, reproducibility, exit codes for bad input and a clean stop on Ctrl-C.
#include <QtTest>

#include "cli_process.h"

#include <phaselab/core/dataset.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace phaselab;
namespace fs = std::filesystem;

namespace {

using Result = test::CliResult;
using test::catchesSigint;
using test::parseOneJsonLine;
using test::run;

std::string bytes(const QString& path)
{
    std::ifstream in(path.toStdString(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

class SimulateCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

    void expectFailure(const QStringList& args, int code, const QString& mustMention)
    {
        test::expectFailure(args, code, mustMention, Qt::CaseInsensitive);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(!qEnvironmentVariable("PHASELAB_CLI").isEmpty());
        // The runs share FFTW wisdom through this file (and leave the user's cache alone).
        qputenv("PHASELAB_FFTW_WISDOM", m_dir.filePath("fftw-wisdom").toUtf8());
    }

    void helpDescribesTheCommand()
    {
        const Result top = run({"--help"});
        QCOMPARE(top.code, 0);
        QVERIFY(top.out.contains("simulate"));
        const Result r = run({"simulate", "--help"});
        QCOMPARE(r.code, 0);
        for (const char* opt : {"--protocol", "--count", "--size", "--seed", "--out", "--energy",
                                "--distance", "--pixel", "--ppsnr", "--unpaired", "--materials",
                                "--val-fraction", "--test-fraction", "--json"})
            QVERIFY2(r.out.contains(opt), opt);
    }

    void dgnSetWithJson()
    {
        const Result r = run({"simulate", "--protocol", "dgn", "--count", "12", "--size", "32",
                              "--seed", "3", "--out", path("dgn.h5"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["count"].get<int>(), 12);
        QVERIFY(j["seconds"].get<double>() > 0);
        QCOMPARE(j["splits"]["train"].get<int>(), 10);
        QVERIFY(r.err.isEmpty());

        core::DatasetReader reader(path("dgn.h5").toStdString());
        QCOMPARE(int(reader.count("train")), 10);
        QCOMPARE(int(reader.count("val")), 1);
        QCOMPARE(int(reader.count("test")), 1);
        QCOMPARE(reader.width(), 32);
        QVERIFY(reader.paired("train"));
        const auto a = reader.attributes();
        QCOMPARE(a["protocol"].get<std::string>(), std::string("dgn"));
        QCOMPARE(a["seed"].get<std::uint64_t>(), std::uint64_t(3));
        QCOMPARE(a["energy_keV"].get<double>(), 13.0);
        QVERIFY(!a.contains("energy_kev"));  // one spelling
        QCOMPARE(a["oversample"].get<int>(), 4);

        // The same command writes the same bytes.
        const Result again = run({"simulate", "--protocol", "dgn", "--count", "12", "--size", "32",
                                  "--seed", "3", "--out", path("dgn2.h5")});
        QVERIFY2(again.code == 0, qPrintable(again.err));
        QVERIFY(again.out.contains("wrote"));
        QVERIFY(bytes(path("dgn.h5")) == bytes(path("dgn2.h5")));
    }

    void phaseGanSetIsUnpaired()
    {
        const Result r = run({"simulate", "--protocol", "phasegan", "--count", "10", "--size",
                              "32", "--seed", "1", "--out", path("pg.h5"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        core::DatasetReader reader(path("pg.h5").toStdString());
        QVERIFY(!reader.paired("train"));
        QVERIFY(reader.paired("val"));
        const auto a = reader.attributes();
        QCOMPARE(a["protocol"].get<std::string>(), std::string("phasegan"));
        QCOMPARE(a["delta"].get<double>(), 1e-3);
        QCOMPARE(a["beta"].get<double>(), 1e-6);
        QCOMPARE(a["photons_per_frame"].get<double>(), 6.6e7);
        QVERIFY(std::abs(a["wavelength_m"].get<double>() - 1e-10) < 1e-15);
        QCOMPARE(reader.readScalars("train", "photons").size(), reader.count("train"));

        const Result paired = run({"simulate", "--protocol", "phasegan", "--count", "5", "--size",
                                   "16", "--paired", "--out", path("pgp.h5")});
        QVERIFY2(paired.code == 0, qPrintable(paired.err));
        QVERIFY(core::DatasetReader(path("pgp.h5").toStdString()).paired("train"));
    }

    void physicsOptionsAreRecorded()
    {
        const Result r = run({"simulate", "--protocol", "dgn", "--count", "8", "--size", "32",
                              "--seed", "9", "--energy", "20keV", "--distance", "5mm", "--pixel",
                              "10nm", "--ppsnr", "30:40", "--materials", "Au,SiO2:2.2",
                              "--thickness", "50nm:100nm", "--shapes", "2:3", "--unpaired",
                              "--val-fraction", "0.25", "--test-fraction", "0", "--out",
                              path("opts.h5"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        core::DatasetReader reader(path("opts.h5").toStdString());
        const auto a = reader.attributes();
        QCOMPARE(a["energy_keV"].get<double>(), 20.0);
        QVERIFY(!a.contains("energy_kev"));  // one spelling
        QVERIFY(std::abs(a["distance_m"].get<double>() - 5e-3) < 1e-15);
        QVERIFY(std::abs(a["pixel_size_m"].get<double>() - 10e-9) < 1e-20);
        QCOMPARE(a["materials"], nlohmann::json({"Au:19.32", "SiO2:2.2"}));
        QVERIFY(std::abs(a["thickness_max_m"].get<double>() - 100e-9) < 1e-20);
        QCOMPARE(a["shapes_min"].get<int>(), 2);
        QVERIFY(!reader.paired("train"));
        QCOMPARE(int(reader.count("val")), 2);
        QCOMPARE(int(reader.count("test")), 0);
        for (const char* split : {"train", "val"})
            for (double v : reader.readScalars(split, "ppsnr_db"))
                QVERIFY(v >= 30 && v <= 40);
    }

    void badInputFailsCleanly()
    {
        const QStringList base = {"simulate", "--protocol", "dgn", "--count", "4",
                                  "--size",   "16",         "--out", path("bad.h5")};
        expectFailure(QStringList(base) << "--materials" << "Xx:1", 3, "Xx");
        expectFailure(QStringList(base) << "--materials" << "Au:-2", 3, "density");
        expectFailure(QStringList(base) << "--ppsnr" << "50:10", 3, "ppsnr");
        expectFailure(QStringList(base) << "--ppsnr" << "abc", 3, "ppsnr");
        expectFailure(QStringList(base) << "--energy" << "-1keV", 3, "energy");
        expectFailure(QStringList(base) << "--thickness" << "5nm", 3, "thickness");
        expectFailure(QStringList(base) << "--shapes" << "3:1", 3, "shape");
        expectFailure(QStringList(base) << "--val-fraction" << "0.6" << "--test-fraction" << "0.6",
                      3, "fraction");
        expectFailure({"simulate", "--protocol", "dgn", "--count", "4", "--out",
                       path("missing/dir/x.h5")},
                      3, "missing");
        QVERIFY(!fs::exists(path("bad.h5").toStdString()));

        // Usage errors.
        expectFailure({"simulate", "--protocol", "cyclegan", "--count", "4", "--out",
                       path("bad.h5")},
                      2, "cyclegan");
        expectFailure({"simulate", "--protocol", "dgn", "--out", path("bad.h5")}, 2, "count");
        expectFailure({"simulate", "--protocol", "dgn", "--count", "0", "--out", path("bad.h5")},
                      2, "count");
        expectFailure(QStringList(base) << "--paired" << "--unpaired", 2, "paired");
        QVERIFY(!fs::exists(path("bad.h5").toStdString()));
    }

    void ctrlCStopsWithoutPartialOutput()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("big.h5");
        QProcess p;
        p.start(qEnvironmentVariable("PHASELAB_CLI"),
                {"simulate", "--protocol", "dgn", "--count", "1000000", "--size", "64", "--out",
                 out});
        QVERIFY(p.waitForStarted());
        QElapsedTimer t;
        t.start();
        while (!catchesSigint(p.processId()) && t.elapsed() < 30000)
            QThread::msleep(5);
        QThread::msleep(500);  // well inside the run: some batches are written to the temp file
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 4);
        QVERIFY(!fs::exists(out.toStdString()));
        QVERIFY2(fs::is_empty(dir.path().toStdString()), "a temporary file was left behind");
    }
};

QTEST_GUILESS_MAIN(SimulateCliTest)
#include "simulate_cli_test.moc"
