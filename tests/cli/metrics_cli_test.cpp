// phaselab-cli evaluate and edge as a user runs them: known answers through the real binary,
// JSON keys of the contract, CSV curves, cropping notes, exit codes and one-line errors.
#include <QtTest>

#include <phaselab/core/metrics.h>
#include <phaselab/core/tiff_io.h>

#include "cli_process.h"
#include "test_util.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

using namespace phaselab;
namespace fs = std::filesystem;

namespace {

using Result = test::CliResult;
using test::catchesSigint;
using test::parseOneJsonLine;
using test::run;

core::ImageF noiseImage(int w, int h, double mean, double sd, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> d(mean, sd);
    core::ImageF img(w, h);
    for (auto& v : img)
        v = float(d(rng));
    return img;
}

std::vector<std::string> readLines(const std::string& path)
{
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);)
        lines.push_back(l);
    return lines;
}

} // namespace

class MetricsCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }
    std::string spath(const QString& name) const { return path(name).toStdString(); }

    void expectFailure(const QStringList& args, int code, const QString& mustMention)
    {
        test::expectFailure(args, code, mustMention);
    }

    // An erf edge along x at column 32.0 with σ = 2.5 px, a = 1, b = 0.5, tiny noise.
    void writeEdge(const QString& name, double sigma, double noise)
    {
        core::ImageF img(64, 48);
        std::mt19937 rng(9);
        std::normal_distribution<double> d(0, noise > 0 ? noise : 1);
        for (int y = 0; y < 48; ++y)
            for (int x = 0; x < 64; ++x)
                img(x, y) = float(1.0 + 0.5 * std::erf((x - 32.0) / (std::sqrt(2.0) * sigma)) +
                                  (noise > 0 ? d(rng) : 0.0));
        core::writeTiff(spath(name), img);
    }

private slots:
    void initTestCase() { QVERIFY(!qEnvironmentVariable("PHASELAB_CLI").isEmpty()); }

    void helpListsCommands()
    {
        const Result r = run({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("evaluate"));
        QVERIFY(r.out.contains("edge"));
        QCOMPARE(run({"evaluate", "--help"}).code, 0);
        QCOMPARE(run({"edge", "--help"}).code, 0);
    }

    void evaluateKnownAnswers()
    {
        // rec = 1.1 · ref: NMSE = 1 %, FRC = 1 at every ring, FRCM = 0, resolution 2Δx.
        const core::ImageF ref = noiseImage(64, 64, 2.0, 1.0, 1);
        core::ImageF rec = ref;
        for (auto& v : rec)
            v *= 1.1f;
        core::writeTiff(spath("ref.tif"), ref);
        core::writeTiff(spath("rec.tif"), rec);
        const Result r = run({"evaluate", "--reference", path("ref.tif"), "--input",
                              path("rec.tif"), "--pixel", "1um", "--json", "--csv",
                              path("frc.csv")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.err.isEmpty());
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QVERIFY(std::abs(j["nmse_percent"].get<double>() - 1.0) < 1e-4);
        QVERIFY(std::abs(j["frcm_percent"].get<double>()) < 1e-9);
        QVERIFY(std::abs(j["resolution_m"].get<double>() - 2e-6) < 1e-15);
        QCOMPARE(j["threshold"].get<std::string>(), std::string("2sigma"));
        const auto& frc = j["frc"];
        QCOMPARE(frc["frequency_per_m"].size(), std::size_t(32));
        QCOMPARE(frc["value"].size(), std::size_t(32));
        QCOMPARE(frc["threshold"].size(), std::size_t(32));
        QVERIFY(std::abs(frc["frequency_per_m"][5].get<double>() - 5.0 / (64 * 1e-6)) < 1e-6);
        for (const auto& v : frc["value"])
            QVERIFY(std::abs(v.get<double>() - 1.0) < 1e-9);
        QCOMPARE(frc["threshold"][1].get<double>(), 1.0);  // ring 1: 8 pixels, 2/√4
        QCOMPARE(j["crop"]["cropped"].get<bool>(), false);

        const auto lines = readLines(spath("frc.csv"));
        QCOMPARE(lines.size(), std::size_t(33));
        QCOMPARE(lines[0], std::string("ring,frequency_per_m,frc,threshold,ring_count"));
        QCOMPARE(lines[2].substr(0, 2), std::string("1,"));
        QVERIFY(QString::fromStdString(lines[2]).endsWith(",1,1,8"));
    }

    // --remove-mean: an offset reconstruction scores 0 % (and says so); --frc-rule is reported.
    void evaluateRemovesTheMean()
    {
        const core::ImageF ref = noiseImage(64, 64, 2.0, 1.0, 1);
        core::ImageF rec = ref;
        for (auto& v : rec)
            v += 5.0f;
        core::writeTiff(spath("ref.tif"), ref);
        core::writeTiff(spath("off.tif"), rec);
        const QStringList base{"evaluate", "--reference", path("ref.tif"), "--input",
                               path("off.tif"), "--pixel", "1um"};
        const Result plain = run(QStringList(base) << "--json");
        QVERIFY2(plain.code == 0, qPrintable(plain.err));
        QVERIFY(nlohmann::json::parse(plain.out.toStdString())["nmse_percent"].get<double>() > 100);
        const Result r = run(QStringList(base) << "--remove-mean" << "--frc-rule" << "sustained"
                                               << "--json");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QVERIFY(j["nmse_percent"].get<double>() < 1e-6);
        QCOMPARE(j["mean_removed"].get<bool>(), true);
        QCOMPARE(j["frc_rule"].get<std::string>(), std::string("sustained"));
        const Result text = run(QStringList(base) << "--remove-mean");
        QVERIFY(text.out.contains("means removed"));
    }

    void evaluateMatchesCoreAndThresholds()
    {
        // A noisy copy: the CLI reports what core computes, for each threshold.
        const core::ImageF ref = noiseImage(96, 96, 0.0, 1.0, 2);
        const core::ImageD refSmooth = test::smoothImage<double>(96, 96, 3.0, 3);
        core::ImageF a(96, 96), b(96, 96);
        const core::ImageF n2 = noiseImage(96, 96, 0.0, 0.3, 4);
        for (std::size_t i = 0; i < a.size(); ++i) {
            a[i] = float(refSmooth[i]) + 0.2f * ref[i];
            b[i] = a[i] + n2[i];
        }
        core::writeTiff(spath("a.tif"), a);
        core::writeTiff(spath("b.tif"), b);
        for (const char* t : {"2sigma", "halfbit", "seventh"}) {
            const Result r = run({"evaluate", "--reference", path("a.tif"), "--input",
                                  path("b.tif"), "--pixel", "12nm", "--threshold", t, "--json"});
            QVERIFY2(r.code == 0, qPrintable(r.err));
            const auto j = nlohmann::json::parse(r.out.toStdString());
            core::FrcOptions o;
            o.threshold = core::parseFrcThreshold(t);
            const auto ev = core::evaluateReconstruction(b.cast<double>(), a.cast<double>(),
                                                         12e-9, o);
            QVERIFY(std::abs(j["nmse_percent"].get<double>() / ev.nmsePercent - 1) < 1e-9);
            QVERIFY(std::abs(j["frcm_percent"].get<double>() / ev.frc.frcmPercent - 1) < 1e-9);
            QVERIFY(std::abs(j["resolution_m"].get<double>() / ev.frc.resolutionM - 1) < 1e-9);
            QVERIFY(j["resolution_m"].get<double>() > 24e-9);  // the noise shows: worse than 2Δx
            QCOMPARE(j["threshold"].get<std::string>(), std::string(t));
            QVERIFY(std::abs(j["frc"]["threshold"][10].get<double>() - ev.frc.threshold[10]) <
                    1e-12);
        }
        // Text mode prints the figures.
        const Result r = run({"evaluate", "--reference", path("a.tif"), "--input", path("b.tif"),
                              "--pixel", "12nm"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("NMSE"));
        QVERIFY(r.out.contains("FRCM"));
        QVERIFY(r.out.contains("resolution"));
    }

    void evaluateCropsNonSquareAndSaysSo()
    {
        core::writeTiff(spath("w.tif"), noiseImage(101, 80, 1.0, 0.5, 5));
        core::writeTiff(spath("w2.tif"), noiseImage(101, 80, 1.0, 0.5, 6));
        const Result r = run({"evaluate", "--reference", path("w.tif"), "--input", path("w2.tif"),
                              "--pixel", "1um"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("centre-cropped to 80 × 80 at (10, 0)"), qPrintable(r.out));
        const Result rj = run({"evaluate", "--reference", path("w.tif"), "--input",
                               path("w2.tif"), "--pixel", "1um", "--json"});
        const auto j = nlohmann::json::parse(rj.out.toStdString());
        QCOMPARE(j["crop"]["cropped"].get<bool>(), true);
        QCOMPARE(j["crop"]["size"].get<int>(), 80);
        QCOMPARE(j["crop"]["x"].get<int>(), 10);
        QCOMPARE(j["frc"]["value"].size(), std::size_t(40));
    }

    void evaluateRegion()
    {
        core::ImageF img(32, 32, 7.0f);
        img(4, 4) = 5.0f;
        img(5, 4) = 9.0f;
        core::writeTiff(spath("r.tif"), img);
        const Result r = run({"evaluate", "--reference", path("r.tif"), "--input", path("r.tif"),
                              "--pixel", "1um", "--region", "4,4,6,5", "--expected", "8",
                              "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto j = nlohmann::json::parse(r.out.toStdString());
        // Region {5, 9}: mean 7, sd 2√2; NE = (8 − 7)/8 = 12.5 %, RSD = 2√2/7.
        QCOMPARE(j["region"]["pixels"].get<int>(), 2);
        QVERIFY(std::abs(j["region"]["ne_percent"].get<double>() - 12.5) < 1e-9);
        QVERIFY(std::abs(j["region"]["rsd_percent"].get<double>() - 100 * 2 * std::sqrt(2.0) / 7) <
                1e-6);
        expectFailure({"evaluate", "--reference", path("r.tif"), "--input", path("r.tif"),
                       "--pixel", "1um", "--region", "4,4,6"},
                      2, "expected");
        expectFailure({"evaluate", "--reference", path("r.tif"), "--input", path("r.tif"),
                       "--pixel", "1um", "--region", "4,4,6", "--expected", "8"},
                      3, "--region");
    }

    void edgeRecoversKnownWidth()
    {
        writeEdge("edge.tif", 2.5, 0.001);
        const Result r = run({"edge", "--in", path("edge.tif"), "--line", "12,24,52,24",
                              "--width", "21", "--pixel", "50nm", "--json", "--csv",
                              path("edge.csv")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.err.isEmpty());
        const auto j = nlohmann::json::parse(r.out.toStdString());
        const double sigma = j["sigma_m"].get<double>();
        QVERIFY2(std::abs(sigma / (2.5 * 50e-9) - 1) < 0.01, qPrintable(QString::number(sigma)));
        QVERIFY(std::abs(j["fwhm_m"].get<double>() / sigma - 2.3548200450309493) < 1e-9);
        QVERIFY(j["fwhm_stderr_m"].get<double>() > 0);
        QVERIFY(j["fwhm_stderr_m"].get<double>() < 0.01 * j["fwhm_m"].get<double>());
        QVERIFY(std::abs(j["x0_px"].get<double>() - 20.0) < 0.05);

        const auto lines = readLines(spath("edge.csv"));
        QCOMPARE(lines.size(), std::size_t(42));
        QCOMPARE(lines[0], std::string("position_px,position_m,value,fit,residual"));

        const Result text = run({"edge", "--in", path("edge.tif"), "--line", "12,24,52,24",
                                 "--pixel", "50nm"});
        QVERIFY2(text.code == 0, qPrintable(text.err));
        QVERIFY(text.out.contains("FWHM"));
        QVERIFY(text.out.contains("nm"));
    }

    void badInputFailsCleanly()
    {
        writeEdge("e.tif", 2.0, 0.0);
        core::writeTiff(spath("flat.tif"), core::ImageF(64, 48, 1.0f));
        core::writeTiff(spath("small.tif"), core::ImageF(16, 16, 1.0f));
        const QString e = path("e.tif");
        expectFailure({"edge", "--in", path("flat.tif"), "--line", "12,24,52,24", "--pixel", "1um"},
                      3, "flat");
        expectFailure({"edge", "--in", e, "--line", "12,24,52", "--pixel", "1um"}, 3, "--line");
        expectFailure({"edge", "--in", e, "--line", "a,b,c,d", "--pixel", "1um"}, 3, "--line");
        expectFailure({"edge", "--in", e, "--line", "12,24,90,24", "--pixel", "1um"}, 3, "leaves");
        expectFailure({"edge", "--in", e, "--line", "30,24,33,24", "--pixel", "1um"}, 3,
                      "too short");
        expectFailure({"edge", "--in", e, "--line", "12,24,52,24", "--pixel", "0"}, 3, "length");
        expectFailure({"edge", "--in", path("missing.tif"), "--line", "12,24,52,24", "--pixel",
                       "1um"},
                      3, "missing.tif");
        expectFailure({"edge", "--in", e, "--pixel", "1um"}, 2, "--line");

        expectFailure({"evaluate", "--reference", e, "--input", path("small.tif"), "--pixel",
                       "1um"},
                      3, "shapes differ");
        expectFailure({"evaluate", "--reference", e, "--input", e, "--pixel", "1um",
                       "--threshold", "3sigma"},
                      2, "3sigma");
        expectFailure({"evaluate", "--reference", path("missing.tif"), "--input", e, "--pixel",
                       "1um"},
                      3, "missing.tif");
        core::ImageF nan(64, 48, 1.0f);
        nan(3, 3) = std::nanf("");
        core::writeTiff(spath("nan.tif"), nan);
        expectFailure({"evaluate", "--reference", e, "--input", path("nan.tif"), "--pixel", "1um"},
                      3, "non-finite");
        // A CSV into a missing folder fails without output.
        expectFailure({"evaluate", "--reference", e, "--input", e, "--pixel", "1um", "--csv",
                       path("nofolder/frc.csv")},
                      3, "nofolder");
        QVERIFY(!fs::exists(spath("nofolder")));
        // JSON mode on failure: the error as JSON on stdout, the line on stderr.
        const Result r = run({"edge", "--in", path("flat.tif"), "--line", "12,24,52,24",
                              "--pixel", "1um", "--json"});
        QCOMPARE(r.code, 3);
        QCOMPARE(nlohmann::json::parse(r.out.toStdString())["exit_code"].get<int>(), 3);
    }
};

QTEST_GUILESS_MAIN(MetricsCliTest)
#include "metrics_cli_test.moc"
