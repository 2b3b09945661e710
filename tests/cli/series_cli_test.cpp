// `phaselab-cli autofocus` and `phaselab-cli multidistance` as a user runs them (issue 14):
// autofocus finds the distance of a simulated hologram from a guess 20 % off; multi-distance
// CTF and IRGN from two and four TIFFs (registered or not) and from one HDF5 3D dataset; bad
// input gives one clear line and a non-zero exit.
#include <QtTest>

#include <phaselab/core/fresnel.h>
#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/phantom.h>
#include <phaselab/core/tiff_io.h>

#include "cli_process.h"
#include "test_util.h"

#include <hdf5.h>
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

constexpr double kPixelM = 1e-6;
const QStringList kPhysics{"--energy", "12.398keV", "--pixel", "1um"};

/// `img` moved by (dx, dy) whole pixels, periodically.
core::ImageD roll(const core::ImageD& img, int dx, int dy)
{
    const int w = img.width(), h = img.height();
    core::ImageD out(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            out(((x + dx) % w + w) % w, ((y + dy) % h + h) % h) = img(x, y);
    return out;
}

} // namespace

class SeriesCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }
    std::string spath(const QString& name) const { return path(name).toStdString(); }

    // A weak homogeneous object (β/δ = 0.1), its phase.
    core::ImageD m_phi;

    core::ImageD hologram(double distanceM, int dx = 0, int dy = 0) const
    {
        core::Geometry g = core::Geometry::phaseGanPaper();
        g.distanceM = distanceM;
        const core::ImageD phi = roll(m_phi, dx, dy);
        core::ImageD B(phi.width(), phi.height());
        for (std::size_t i = 0; i < B.size(); ++i)
            B[i] = 0.1 * phi[i];
        return core::propagateIntensity(g, B, phi);
    }

    void expectFailure(const QStringList& args, int code, const QString& mustMention)
    {
        test::expectFailure(args, code, mustMention);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(!qEnvironmentVariable("PHASELAB_CLI").isEmpty());
        m_phi = test::blobImage<double>(96, 96, 0.1, 5);
    }

    void helpListsTheCommands()
    {
        const Result r = run({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("autofocus"));
        QVERIFY(r.out.contains("multidistance"));
        const Result a = run({"autofocus", "--help"});
        QCOMPARE(a.code, 0);
        for (const char* opt : {"--min-distance", "--max-distance", "--distance", "--range",
                                "--samples", "--criterion", "--delta-beta", "--phase-sign", "--curve",
                                "--padding", "--json"})
            QVERIFY2(a.out.contains(opt), opt);
        const Result m = run({"multidistance", "--help"});
        QCOMPARE(m.code, 0);
        for (const char* opt : {"--input", "--distance", "--method", "--register",
                                "--magnification-range", "--alpha", "--newton", "--delta-beta",
                                "--out", "--json"})
            QVERIFY2(m.out.contains(opt), opt);
    }

    // The demo hologram (known distance), scanned around a guess 20 % too far: the found
    // distance is within 3 % of the truth, the curve is written, the Fresnel number printed.
    void autofocusFindsTheDistance()
    {
        const core::DemoSample demo = core::makeDemoSample(256);
        core::writeTiff(spath("demo.tif"), demo.hologram);
        const double truth = demo.geometry.distanceM;
        const QString energy = QString::number(demo.geometry.energyKeV, 'g', 10) + "keV";
        const QString pixel = QString::number(demo.geometry.pixelSizeM, 'g', 10) + "m";
        const QString guess = QString::number(1.2 * truth, 'g', 10) + "m";
        const Result r = run({"autofocus", "--in", path("demo.tif"), "--energy", energy, "--pixel",
                              pixel, "--distance", guess, "--curve", path("curve.csv"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const nlohmann::json j = parseOneJsonLine(r.out);
        QVERIFY2(j.is_object(), qPrintable(r.out));
        const double found = j["distance_m"].get<double>();
        QVERIFY2(std::abs(found / truth - 1) < 0.03,
                 qPrintable(QString("found %1 m, truth %2 m").arg(found).arg(truth)));
        core::Geometry g = demo.geometry;
        g.distanceM = found;
        QVERIFY(std::abs(j["fresnel_number"].get<double>() / g.fresnelNumber() - 1) < 1e-9);
        QVERIFY(std::abs(j["range_m"][0].get<double>() - 0.96 * truth) < 1e-9 * truth);
        QCOMPARE(j["curve"]["distance_m"].size(), j["curve"]["value"].size());

        std::ifstream csv(spath("curve.csv"));
        std::string header;
        std::getline(csv, header);
        QCOMPARE(header, std::string("distance_m,criterion"));
        int rows = 0;
        for (std::string line; std::getline(csv, line);)
            ++rows;
        QCOMPARE(rows, int(j["curve"]["value"].size()));

        // The text output names the distance and the Fresnel number.
        const Result t = run({"autofocus", "--in", path("demo.tif"), "--energy", energy, "--pixel",
                              pixel, "--min-distance", QString::number(0.9 * truth, 'g', 10),
                              "--max-distance", QString::number(1.3 * truth, 'g', 10),
                              "--samples", "21"});
        QVERIFY2(t.code == 0, qPrintable(t.err));
        QVERIFY2(t.out.contains("Fresnel number"), qPrintable(t.out));

        // The residual criterion with the demo's periodic boundary.
        const Result res = run({"autofocus", "--in", path("demo.tif"), "--energy", energy,
                                "--pixel", pixel, "--distance", guess, "--samples", "11",
                                "--criterion", "residual", "--padding", "periodic", "--json"});
        QVERIFY2(res.code == 0, qPrintable(res.err));
        const nlohmann::json jr = parseOneJsonLine(res.out);
        QCOMPARE(jr["criterion"].get<std::string>(), std::string("residual"));
        QCOMPARE(jr["curve"]["value"].size(), std::size_t(11));
        const double byResidual = jr["distance_m"].get<double>();
        std::printf("demo, residual criterion (11 samples): %+.3f %%\n", 100 * (byResidual / truth - 1));
        QVERIFY2(std::abs(byResidual / truth - 1) < 0.03, qPrintable(QString::number(byResidual)));
    }

    void autofocusRefusesBadInput()
    {
        core::writeTiff(spath("flat.tif"), hologram(0.1).cast<float>());
        const QStringList base{"autofocus", "--in", path("flat.tif"), "--energy", "12.398keV",
                               "--pixel", "1um"};
        expectFailure(base, 3, "needs a range");
        expectFailure(QStringList(base) << "--min-distance" << "20cm" << "--max-distance" << "10cm",
                      3, "must be below --max-distance");
        expectFailure(QStringList(base) << "--min-distance" << "5cm", 3, "needs both");
        expectFailure(QStringList(base) << "--distance" << "10cm" << "--range" << "1.5", 3, "--range");
        expectFailure(QStringList(base) << "--distance" << "-3mm", 3, "");
        // Choices are checked by the parser: a usage error (2), like --phase-sign's.
        expectFailure(QStringList(base) << "--distance" << "10cm" << "--criterion" << "nonsense",
                      2, "nonsense");
        expectFailure(QStringList(base) << "--distance" << "10cm" << "--padding" << "nonsense",
                      2, "nonsense");
        expectFailure({"autofocus", "--in", path("missing.tif"), "--energy", "12.398keV",
                       "--pixel", "1um", "--distance", "10cm"},
                      3, "missing.tif");
        expectFailure({"autofocus", "--in", path("flat.tif"), "--distance", "10cm"}, 2, "--energy");
    }

    // Two distances, CTF: the phase matches the object, the files carry the usual metadata.
    void multiDistanceCtfFromTwoTiffs()
    {
        core::writeTiff(spath("d1.tif"), hologram(0.10).cast<float>());
        core::writeTiff(spath("d2.tif"), hologram(0.14).cast<float>());
        const Result r = run(QStringList{"multidistance", "--input", path("d1.tif"), "--input",
                                         path("d2.tif"), "--distance", "10cm,14cm", "--method",
                                         "ctf", "--delta-beta", "10", "--alpha-rule", "manual",
                                         "--alpha-low", "1e-8", "--border", "padding", "--out",
                                         path("two"), "--json"}
                             + kPhysics);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const nlohmann::json j = parseOneJsonLine(r.out);
        QVERIFY2(j.is_object(), qPrintable(r.out));
        QCOMPARE(j["method"].get<std::string>(), std::string("ctf"));
        QCOMPARE(j["distances_m"].size(), std::size_t(2));
        QVERIFY(std::abs(j["distances_m"][1].get<double>() - 0.14) < 1e-12);
        QVERIFY(j["alpha"].get<double>() > 0);
        QVERIFY(j["residual"].get<double>() >= 0);
        core::TiffInfo info;
        const core::ImageD phase = core::readTiff<double>(spath("two_phase.tif"), &info);
        QVERIFY(fs::exists(spath("two_absorption.tif")));
        QVERIFY(std::abs(info.metadata.pixelSizeM - kPixelM) < 1e-12);
        QCOMPARE(info.metadata.parameters["method"].get<std::string>(), std::string("ctf"));
        const double err = test::relativeDifference(phase, m_phi);
        QVERIFY2(err * err < 1e-2, qPrintable(QString("phase NMSE %1").arg(err * err)));
    }

    // Four distances, the later ones shifted by whole pixels: --register finds the shifts
    // within half a pixel and IRGN reconstructs from the registered series.
    void multiDistanceRegistersFourTiffs()
    {
        const double d[4] = {0.10, 0.12, 0.15, 0.19};
        const int dx[4] = {0, 3, -2, 4}, dy[4] = {0, -1, 2, 3};
        QStringList a{"multidistance", "--distance", "10cm,12cm,15cm,19cm", "--method", "irgn",
                      "--newton", "3", "--delta-beta", "10", "--register", "--out",
                      path("four"), "--json"};
        for (int i = 0; i < 4; ++i) {
            const QString name = QString("s%1.tif").arg(i);
            core::writeTiff(spath(name), hologram(d[i], dx[i], dy[i]).cast<float>());
            a << "--input" << path(name);
        }
        const Result r = run(a + kPhysics);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const nlohmann::json j = parseOneJsonLine(r.out);
        QVERIFY2(j.is_object(), qPrintable(r.out));
        QCOMPARE(j["method"].get<std::string>(), std::string("irgn"));
        QCOMPARE(j["registrations"].size(), std::size_t(4));
        for (int i = 0; i < 4; ++i) {
            const auto& reg = j["registrations"][i];
            QVERIFY2(std::abs(reg["shift_x_px"].get<double>() - dx[i]) < 0.5 &&
                         std::abs(reg["shift_y_px"].get<double>() - dy[i]) < 0.5,
                     qPrintable(QString::fromStdString(reg.dump())));
            QVERIFY(std::abs(reg["magnification"].get<double>() - 1) < 1e-6);
        }
        QVERIFY(j["iterations"].get<int>() >= 1);
        QVERIFY(j["residual_history"].size() >= 2);
        QVERIFY(j["details"]["cg_iterations_total"].get<long long>() >= 1);
        QVERIFY(j["details"]["rejected_steps"].get<int>() >= 0);
        // α_0 chosen from the data, and the start auto took.
        QVERIFY(j["details"]["alpha0"].get<double>() > 0);
        const std::string start = j["details"]["start"].get<std::string>();
        QVERIFY2(start == "ctf" || start == "paganin", start.c_str());
        QVERIFY(fs::exists(spath("four_phase.tif")));
    }

    // One HDF5 3D dataset [n, H, W] with its distances as an attribute; HDF5 output.
    void multiDistanceFromHdf5Stack()
    {
        const double d[3] = {0.10, 0.13, 0.17};
        const hsize_t n = 3, h = hsize_t(m_phi.height()), w = hsize_t(m_phi.width());
        std::vector<float> data;
        for (double di : d) {
            const core::ImageD I = hologram(di);
            for (std::size_t i = 0; i < I.size(); ++i)
                data.push_back(float(I[i]));
        }
        const std::string file = spath("series.h5");
        const hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        const hsize_t dims[3] = {n, h, w};
        const hid_t space = H5Screate_simple(3, dims, nullptr);
        const hid_t ds = H5Dcreate2(f, "holograms", H5T_IEEE_F32LE, space, H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT);
        QVERIFY(H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) >= 0);
        const hid_t aspace = H5Screate_simple(1, &n, nullptr);
        const hid_t attr = H5Acreate2(ds, "distances_m", H5T_IEEE_F64LE, aspace, H5P_DEFAULT,
                                      H5P_DEFAULT);
        QVERIFY(H5Awrite(attr, H5T_NATIVE_DOUBLE, d) >= 0);
        H5Aclose(attr);
        H5Sclose(aspace);
        H5Dclose(ds);
        H5Sclose(space);
        H5Fclose(f);

        const Result r = run(QStringList{"multidistance", "--input", path("series.h5") + ":/holograms",
                                         "--delta-beta", "10", "--out", path("out.h5"), "--json"}
                             + kPhysics);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const nlohmann::json j = parseOneJsonLine(r.out);
        QVERIFY2(j.is_object(), qPrintable(r.out));
        QCOMPARE(j["distances_m"].size(), std::size_t(3));
        QVERIFY(std::abs(j["distances_m"][2].get<double>() - 0.17) < 1e-12);
        const core::ImageD phase = core::readHdf5Frame<double>(spath("out.h5"), "/phase");
        QCOMPARE(int(phase.width()), int(w));
        const double err = test::relativeDifference(phase, m_phi);
        QVERIFY2(err * err < 0.05, qPrintable(QString("phase NMSE %1").arg(err * err)));

        // Explicit distances override the attribute; a wrong count is refused.
        expectFailure(QStringList{"multidistance", "--input", path("series.h5") + ":/holograms",
                                  "--distance", "10cm,12cm", "--out", path("bad")} + kPhysics,
                      3, "series.h5");
    }

    // Ctrl-C during a long multi-distance IRGN: exit 4, no output file, no temporary left.
    void ctrlCStopsMultiDistanceWithoutPartialOutput()
    {
        const int n = 384;
        core::writeTiff(spath("big1.tif"), test::randomImage<float>(n, n, 0.9, 1.1, 3));
        core::writeTiff(spath("big2.tif"), test::randomImage<float>(n, n, 0.9, 1.1, 4));
        QProcess p;
        p.start(qEnvironmentVariable("PHASELAB_CLI"),
                {"multidistance", "--input", path("big1.tif"), "--input", path("big2.tif"),
                 "--distance", "20mm,25mm", "--energy", "13", "--pixel", "12nm", "--method",
                 "irgn", "--newton", "100000", "--out", path("bigout")});
        QVERIFY(p.waitForStarted());
        QElapsedTimer t;
        t.start();
        while (!catchesSigint(p.processId()) && t.elapsed() < 30000)
            QThread::msleep(5);
        QVERIFY2(catchesSigint(p.processId()), "phaselab-cli never installed its SIGINT handler");
        QThread::msleep(300);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 4);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains("cancelled"));
        QVERIFY(!fs::exists(spath("bigout_phase.tif")));
        QVERIFY(!fs::exists(spath("bigout_absorption.tif")));
        for (const auto& e : fs::directory_iterator(m_dir.path().toStdString()))
            QVERIFY2(e.path().filename().string().find(".part-") == std::string::npos,
                     e.path().c_str());
    }

    void multiDistanceRefusesBadInput()
    {
        core::writeTiff(spath("b1.tif"), hologram(0.10).cast<float>());
        core::writeTiff(spath("b2.tif"), hologram(0.14).cast<float>());
        const QStringList two{"multidistance", "--input", path("b1.tif"), "--input", path("b2.tif"),
                              "--energy", "12.398keV", "--pixel", "1um", "--out", path("bad")};
        expectFailure(QStringList(two) << "--distance" << "10cm", 3, "as many --distance");
        expectFailure(QStringList(two) << "--distance" << "10cm,fish", 3, "--distance");
        expectFailure({"multidistance", "--input", path("b1.tif"), "--input", path("b2.tif"),
                       "--energy", "12.398keV", "--pixel", "1um,2um,3um", "--distance",
                       "10cm,14cm", "--out", path("bad")},
                      3, "--pixel");
        expectFailure(QStringList(two) << "--distance" << "10cm,14cm" << "--method" << "paganin",
                      2, "--method");
        expectFailure({"multidistance", "--input", path("b1.tif"), "--input", path("nothere.tif"),
                       "--distance", "10cm,14cm", "--energy", "12.398keV", "--pixel", "1um",
                       "--out", path("bad")},
                      3, "nothere.tif");
        QVERIFY(!fs::exists(spath("bad_phase.tif")));
    }
};

QTEST_GUILESS_MAIN(SeriesCliTest)
#include "series_cli_test.moc"
