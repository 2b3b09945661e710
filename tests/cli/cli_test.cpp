// phaselab-cli as a user runs it: help, info, propagate against physics.md's definition, JSON
// output, exit codes and one-line errors for bad input, and a clean stop on Ctrl-C.
#include <QtTest>

#include <phaselab/core/tiff_io.h>

#include "cli_process.h"
#include "test_util.h"

#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>

using namespace phaselab;
namespace fs = std::filesystem;

namespace {

using Result = test::CliResult;
using test::catchesSigint;
using test::parseOneJsonLine;
using test::run;

} // namespace

class CliTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }
    std::string spath(const QString& name) const { return path(name).toStdString(); }

    // A 24×20 object written as float32 TIFFs; returns (B, φ) in double.
    std::pair<core::ImageD, core::ImageD> writeObject()
    {
        const auto B = test::smoothImage<double>(24, 20, 0.3, 1);
        const auto phi = test::smoothImage<double>(24, 20, 1.5, 2);
        core::writeTiff(spath("B.tif"), B.cast<float>());
        core::writeTiff(spath("phi.tif"), phi.cast<float>());
        return {B.cast<float>().cast<double>(), phi.cast<float>().cast<double>()};
    }

    QStringList propagateArgs(const QString& out)
    {
        return {"propagate", "--absorption", path("B.tif"), "--phase", path("phi.tif"),
                "--energy", "13keV", "--distance", "0.2m", "--pixel", "1um", "--out", path(out)};
    }

    void expectFailure(const QStringList& args, int code, const QString& mustMention)
    {
        test::expectFailure(args, code, mustMention);
    }

private slots:
    void initTestCase() { QVERIFY(!qEnvironmentVariable("PHASELAB_CLI").isEmpty()); }

    void helpListsCommands()
    {
        const Result r = run({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("info"));
        QVERIFY(r.out.contains("propagate"));
        QVERIFY(r.out.contains("Exit codes"));
        QCOMPARE(run({"propagate", "--help"}).code, 0);
        QCOMPARE(run({"info", "--help"}).code, 0);
    }

    void propagateMatchesDefinition()
    {
        const auto [B, phi] = writeObject();
        const Result r = run(propagateArgs("I.tif"));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        core::TiffInfo info;
        const core::ImageD I = core::readTiff<double>(spath("I.tif"), &info);
        const core::ImageD ref = test::referenceIntensity(core::Geometry{13.0, 0.2, 1e-6}, B, phi);
        const double rel = test::relativeDifference(I, ref);
        QVERIFY2(rel < 2e-6, qPrintable(QString("relative difference %1").arg(rel)));
        QVERIFY(std::abs(info.metadata.pixelSizeM - 1e-6) < 1e-12);
        QCOMPARE(info.metadata.parameters["geometry"]["energy_keV"].get<double>(), 13.0);
        QCOMPARE(info.metadata.parameters["padding"].get<std::string>(), std::string("periodic"));

        // The same physics in other units gives the same file contents.
        const Result r2 = run({"propagate", "--absorption", path("B.tif"), "--phase",
                               path("phi.tif"), "--energy", "13000eV", "--distance", "200mm",
                               "--pixel", "1000nm", "--out", path("I2.tif")});
        QVERIFY2(r2.code == 0, qPrintable(r2.err));
        QVERIFY(test::relativeDifference(core::readTiff<double>(spath("I2.tif")), I) < 1e-6);
    }

    void jsonOutputIsOneObject()
    {
        writeObject();
        const Result r = run(propagateArgs("Ij.tif") << "--padding" << "unit" << "--json");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QVERIFY(j.is_object());
        QVERIFY(j["seconds"].get<double>() >= 0);
        QVERIFY(r.err.isEmpty());

        const Result info = run({"info", "--in", path("Ij.tif"), "--json"});
        QCOMPARE(info.code, 0);
        const auto ji = nlohmann::json::parse(info.out.toStdString());
        QCOMPARE(ji["shape"], nlohmann::json({20, 24}));
        QCOMPARE(ji["dtype"].get<std::string>(), std::string("float32"));
        QVERIFY(std::abs(ji["metadata"]["pixel_size_m"].get<double>() - 1e-6) < 1e-12);
        QCOMPARE(ji["metadata"]["parameters"]["padding"].get<std::string>(), std::string("unit"));
    }

    void badInputFailsCleanly()
    {
        writeObject();
        auto args = [&](const QString& opt, const QString& value) {
            QStringList a = propagateArgs("bad.tif");
            a[a.indexOf(opt) + 1] = value;
            return a;
        };
        expectFailure(args("--absorption", path("missing.tif")), 3, "missing.tif: no such file");
        expectFailure(args("--energy", "0"), 3, "energy");
        expectFailure(args("--energy", "-13keV"), 3, "energy");
        expectFailure(args("--distance", "-20mm"), 3, "length");
        expectFailure(args("--distance", "0"), 3, "length");
        expectFailure(args("--pixel", "0nm"), 3, "length");
        expectFailure(args("--pixel", "12 furlongs"), 3, "unknown unit");

        // NaN pixels are reported, never propagated.
        core::ImageF nan(24, 20, 0.1f);
        nan(3, 4) = std::numeric_limits<float>::quiet_NaN();
        core::writeTiff(spath("nan.tif"), nan);
        expectFailure(args("--phase", path("nan.tif")), 3, "non-finite");

        // A truncated TIFF and one of an unsupported sample format (16-bit float).
        core::writeTiff(spath("full.tif"), core::ImageF(64, 64, 1.0f));
        fs::copy_file(spath("full.tif"), spath("trunc.tif"));
        fs::resize_file(spath("trunc.tif"), fs::file_size(spath("full.tif")) / 3);
        expectFailure(args("--phase", path("trunc.tif")), 3, "trunc.tif");
        expectFailure({"info", "--in", path("trunc.tif")}, 3, "trunc.tif");

        // A sample format PhaseLab does not read (16-bit float).
        test::writeBytes(spath("half.tif"), test::halfFloatTiff());
        expectFailure(args("--phase", path("half.tif")), 3, "16-bit float TIFF is not supported");

        // Mismatched shapes.
        core::writeTiff(spath("small.tif"), core::ImageF(8, 8, 0.0f));
        expectFailure(args("--phase", path("small.tif")), 3, "shapes differ");

        // Usage errors.
        expectFailure({"propagate", "--phase", path("phi.tif")}, 2, "required");
        expectFailure({"frobnicate"}, 2, "frobnicate");
        expectFailure(args("--padding", "mirror"), 2, "mirror");

        QVERIFY(!fs::exists(spath("bad.tif")));
    }

    // A progress bar on a terminal (a pseudo-terminal from script(1)), none with --json or when
    // stderr is not a terminal.
    void progressBarOnlyOnTerminal()
    {
        QVERIFY2(!QStandardPaths::findExecutable("script").isEmpty(),
                 "script(1) from bsdutils is missing");
        writeObject();
        auto onTerminal = [&](const QStringList& extra) {
            QStringList args = propagateArgs("tty.tif") + extra;
            QString cmd = qEnvironmentVariable("PHASELAB_CLI");
            for (const QString& a : args)
                cmd += " '" + a + "'";
            QProcess p;
            p.start("script", {"-qec", cmd, "/dev/null"});
            p.waitForFinished(60000);
            return QString::fromUtf8(p.readAllStandardOutput());
        };
        const QString tty = onTerminal({});
        QVERIFY2(tty.contains("[###") && tty.contains("100%"), qPrintable(tty));
        const QString json = onTerminal({"--json"});
        QVERIFY2(!json.contains("[#") && json.contains("\"seconds\""), qPrintable(json));
        const Result piped = run(propagateArgs("tty2.tif"));
        QCOMPARE(piped.code, 0);
        QVERIFY(!piped.err.contains("[#"));
    }

    void ctrlCStopsWithoutPartialOutput()
    {
        // Large enough (a 4096² grid) that the job is still running when the signal arrives.
        const int n = 2048;
        core::writeTiff(spath("bigB.tif"), core::ImageF(n, n, 0.1f));
        core::writeTiff(spath("bigP.tif"), test::randomImage<float>(n, n, 0, 1, 3));
        QProcess p;
        p.start(qEnvironmentVariable("PHASELAB_CLI"),
                {"propagate", "--absorption", path("bigB.tif"), "--phase", path("bigP.tif"),
                 "--energy", "13", "--distance", "20mm", "--pixel", "12nm", "--oversample", "2",
                 "--out", path("big_out.tif")});
        QVERIFY(p.waitForStarted());
        QElapsedTimer t;
        t.start();
        while (!catchesSigint(p.processId()) && t.elapsed() < 30000)
            QThread::msleep(5);
        QVERIFY2(catchesSigint(p.processId()), "phaselab-cli never installed its SIGINT handler");
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 4);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains("cancelled"));
        QVERIFY(!fs::exists(spath("big_out.tif")));
        for (const auto& e : fs::directory_iterator(m_dir.path().toStdString()))
            QVERIFY2(e.path().filename().string().find(".part-") == std::string::npos,
                     e.path().c_str());
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "cli_test.moc"
