// phaselab-cli with the file formats of issue 3: `info` on TIFF stacks, HDF5 (datasets, NXtomo),
// EDF and PNG; `propagate` reading `FILE.h5:/path` with `--frame`; one-line errors for bad paths.
#include <QtTest>

#include <phaselab/core/edf_io.h>
#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/tiff_io.h>

#include "core/hdf5_test_util.h"
#include "cli_process.h"
#include "test_util.h"

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace phaselab;

namespace {

using Result = test::CliResult;
using test::catchesSigint;
using test::parseOneJsonLine;
using test::run;

nlohmann::json runJson(const QStringList& args)
{
    const Result r = run(args);
    if (r.code != 0)
        qWarning("%s", qPrintable(r.err));
    return r.code == 0 ? nlohmann::json::parse(r.out.toStdString()) : nlohmann::json();
}

} // namespace

class CliIoTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }
    std::string spath(const QString& name) const { return path(name).toStdString(); }

private slots:
    void infoListsEveryFormat()
    {
        // TIFF stack.
        std::vector<core::ImageF> frames(3, core::ImageF(6, 4, 1.0f));
        core::ImageMetadata meta;
        meta.pixelSizeM = 1e-6;
        core::writeTiffStack(spath("s.tif"), frames, meta);
        auto j = runJson({"info", "--in", path("s.tif"), "--json"});
        QCOMPARE(j["format"].get<std::string>(), std::string("tiff"));
        QCOMPARE(j["pages"].get<int>(), 3);
        QCOMPARE(j["shape"], nlohmann::json({3, 4, 6}));
        QCOMPARE(j["metadata"]["pixel_size_m"].get<double>(), 1e-6);

        // HDF5 NXtomo: datasets, NXtomo counts, default dataset.
        {
            core::H5Handle f = test::createH5(spath("scan.h5"));
            test::writeH5Dataset(f.get(), "/entry/data/data", H5T_STD_U16LE, H5T_NATIVE_UINT16,
                                 {4, 3, 5}, std::vector<std::uint16_t>(60, 7));
            test::writeH5Dataset(f.get(), "/entry/data/image_key", H5T_STD_I32LE, H5T_NATIVE_INT,
                                 {4}, std::vector<int>{2, 1, 0, 0});
        }
        j = runJson({"info", "--in", path("scan.h5"), "--json"});
        QCOMPARE(j["format"].get<std::string>(), std::string("hdf5"));
        QCOMPARE(j["datasets"].size(), std::size_t(2));
        QCOMPARE(j["dataset"].get<std::string>(), std::string("/entry/data/data"));
        QCOMPARE(j["metadata"]["nxtomo"]["projections"].get<int>(), 2);
        QCOMPARE(j["dtype"].get<std::string>(), std::string("uint16"));
        const Result text = run({"info", "--in", path("scan.h5")});
        QCOMPARE(text.code, 0);
        QVERIFY2(text.out.contains("/entry/data/image_key  [4]  int32"), qPrintable(text.out));
        QVERIFY2(text.out.contains("2 projections, 1 flats, 1 darks"), qPrintable(text.out));

        // EDF and PNG.
        core::writeEdf(spath("e.edf"), core::Image<std::int16_t>(5, 2, -3));
        j = runJson({"info", "--in", path("e.edf"), "--json"});
        QCOMPARE(j["dtype"].get<std::string>(), std::string("int16"));
        QCOMPARE(j["metadata"]["header"]["DataType"].get<std::string>(), std::string("SignedShort"));
        core::writePng(spath("p.png"), core::ImageF(7, 3, 0.5f), 0, 1);
        j = runJson({"info", "--in", path("p.png"), "--json"});
        QCOMPARE(j["format"].get<std::string>(), std::string("png"));
        QCOMPARE(j["shape"], nlohmann::json({3, 7}));

        // Bad paths: exit 3, one line naming the file and the problem.
        for (const auto& [spec, what] : std::vector<std::pair<QString, QString>>{
                 {path("scan.h5") + ":/entry/nope", "no such dataset"},
                 {path("scan.h5") + ":/entry", "is a group"},
                 {path("scan.h5") + ":/entry/data/image_key", "1 dimension"},
                 {path("missing.tif"), "no such file"}}) {
            const Result r = run({"info", "--in", spec});
            QCOMPARE(r.code, 3);
            QVERIFY2(r.err.contains(what) && r.err.trimmed().count('\n') == 0, qPrintable(r.err));
        }
    }

    void convertAppliesFlatsAndExports()
    {
        // NXtomo: dark (key 2), flat (key 1), two projections (key 0); automatic correction.
        const int w = 4, h = 3;
        std::vector<std::uint16_t> data;
        for (int k = 0; k < 4; ++k)
            for (int i = 0; i < w * h; ++i)
                data.push_back(std::uint16_t(k == 0 ? 100 : k == 1 ? 1100 : 100 + 250 * k));
        {
            core::H5Handle f = test::createH5(spath("tomo.h5"));
            test::writeH5Dataset(f.get(), "/entry/instrument/detector/data", H5T_STD_U16LE,
                                 H5T_NATIVE_UINT16, {4, hsize_t(h), hsize_t(w)}, data);
            test::writeH5Dataset(f.get(), "/entry/instrument/detector/image_key", H5T_STD_I32LE,
                                 H5T_NATIVE_INT, {4}, std::vector<int>{2, 1, 0, 0});
        }
        auto j = runJson({"convert", "--in", path("tomo.h5"), "--frame", "1", "--out",
                          path("p1.tif"), "--pixel", "2um", "--json"});
        QVERIFY(j["flat_corrected"].get<bool>());
        core::TiffInfo info;
        const core::ImageF p1 = core::readTiff<float>(spath("p1.tif"), &info);
        QVERIFY(std::abs(p1(2, 1) - 750.0f / 1000.0f) < 1e-6f);  // (850 − 100)/(1100 − 100)
        QCOMPARE(info.metadata.pixelSizeM, 2e-6);
        QCOMPARE(info.metadata.parameters["input"]["raw_frame"].get<int>(), 3);
        QCOMPARE(info.metadata.parameters["input"]["flat_dark"]["source"].get<std::string>(),
                 std::string("nxtomo image_key"));
        // --raw: frames as stored (frame 1 is the flat), no correction.
        runJson({"convert", "--in", path("tomo.h5"), "--raw", "--frame", "1", "--out",
                 path("f1raw.tif"), "--json"});
        QCOMPARE(core::readTiff<float>(spath("f1raw.tif"))(0, 0), 1100.0f);

        // Explicit files, a guarded pixel reported on stderr and in JSON, PNG with a range.
        core::ImageF raw(w, h, 600.0f), flat(w, h, 1100.0f), dark(w, h, 100.0f);
        flat(0, 0) = 100.0f;
        core::writeTiff(spath("raw.tif"), raw);
        core::writeTiff(spath("flat.tif"), flat);
        core::writeTiff(spath("dark.tif"), dark);
        const Result r = run({"convert", "--in", path("raw.tif"), "--flat", path("flat.tif"),
                              "--dark", path("dark.tif"), "--out", path("c.png"), "--range", "0:1",
                              "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("guarded 1 pixel"), qPrintable(r.err));
        j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["guarded_pixels"].get<int>(), 1);
        const core::ImageF png = core::readImage(spath("c.png"));
        QCOMPARE(png(1, 1), 128.0f);  // 0.5 of [0, 1] → 127.5 → 128
        QCOMPARE(png(0, 0), 255.0f);  // guarded pixel = 1
        runJson({"convert", "--in", path("raw.tif"), "--out", path("c.h5"), "--json"});
        QCOMPARE(core::readImage(spath("c.h5") + ":/image")(3, 2), 600.0f);

        const Result bad = run({"convert", "--in", path("raw.tif"), "--out", path("x.png"),
                                "--range", "5:1"});
        QCOMPARE(bad.code, 3);
        QVERIFY(bad.err.contains("--range"));
        const Result nan = run({"convert", "--in", path("raw.tif"), "--flat", path("missing.tif"),
                                "--out", path("y.tif")});
        QCOMPARE(nan.code, 3);
        QVERIFY2(nan.err.contains("missing.tif: no such file"), qPrintable(nan.err));
        QVERIFY(!QFile::exists(path("x.png")) && !QFile::exists(path("y.tif")));
    }

    void propagateReadsHdf5FramesAndWritesProvenance()
    {
        const auto B = test::smoothImage<float>(24, 20, 0.3, 1);
        const auto phi = test::smoothImage<float>(24, 20, 1.5, 2);
        core::ImageF zeros(24, 20, 0.0f);
        {
            core::H5Handle f = test::createH5(spath("obj.h5"));
            std::vector<float> stack(zeros.begin(), zeros.end());
            stack.insert(stack.end(), phi.begin(), phi.end());
            test::writeH5Dataset(f.get(), "/phase", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {2, 20, 24}, stack);
            std::vector<float> b(B.begin(), B.end());
            b.insert(b.end(), B.begin(), B.end());
            test::writeH5Dataset(f.get(), "/absorption", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {2, 20, 24}, b);
        }
        core::writeTiff(spath("B.tif"), B);
        core::writeTiff(spath("phi.tif"), phi);
        const QStringList physics = {"--energy", "13keV", "--distance", "0.2m", "--pixel", "1um"};
        Result r = run(QStringList{"propagate", "--absorption", path("obj.h5") + ":/absorption",
                                   "--phase", path("obj.h5") + ":/phase", "--frame", "1",
                                   "--out", path("I_h5.tif")} + physics);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = run(QStringList{"propagate", "--absorption", path("B.tif"), "--phase", path("phi.tif"),
                            "--out", path("I_tif.tif")} + physics);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        core::TiffInfo info;
        const core::ImageD a = core::readTiff<double>(spath("I_h5.tif"), &info);
        const core::ImageD b = core::readTiff<double>(spath("I_tif.tif"));
        QVERIFY(test::relativeDifference(a, b) < 1e-7);
        QCOMPARE(info.metadata.parameters["input_details"]["phase"]["raw_frame"].get<int>(), 1);
        QCOMPARE(info.metadata.parameters["input_details"]["phase"]["dataset"].get<std::string>(),
                 std::string("/phase"));
        // Frame 0 of the phase stack is zero: a different result, so --frame really chose.
        r = run(QStringList{"propagate", "--absorption", path("obj.h5") + ":/absorption",
                            "--phase", path("obj.h5") + ":/phase", "--out", path("I0.tif")} + physics);
        QCOMPARE(r.code, 0);
        QVERIFY(test::relativeDifference(core::readTiff<double>(spath("I0.tif")), b) > 1e-3);
        r = run(QStringList{"propagate", "--absorption", path("B.tif"), "--phase", path("phi.tif"),
                            "--frame", "2", "--out", path("bad.tif")} + physics);
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("B.tif") && r.err.contains("page 2 does not exist"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("bad.tif")));

        // evaluate and edge read the same inputs: frame 1 of the HDF5 stack is phi.tif.
        const Result ev = run({"evaluate", "--reference", path("phi.tif"), "--input",
                               path("obj.h5") + ":/phase", "--frame", "1", "--pixel", "1um",
                               "--json"});
        QVERIFY2(ev.code == 0, qPrintable(ev.err));
        QCOMPARE(nlohmann::json::parse(ev.out.toStdString())["nmse_percent"].get<double>(), 0.0);
        const Result edge = run({"edge", "--in", path("obj.h5") + ":/phase", "--frame", "9",
                                 "--line", "2,10,20,10", "--pixel", "1um"});
        QCOMPARE(edge.code, 3);
        QVERIFY2(edge.err.contains("obj.h5") && edge.err.contains("9"), qPrintable(edge.err));
    }
};

QTEST_APPLESS_MAIN(CliIoTest)
#include "cli_io_test.moc"
