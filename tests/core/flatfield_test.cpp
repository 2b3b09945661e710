// Flat/dark correction I = (raw − dark)/(flat − dark): known values, mean and median averaging,
// before/after interpolation, guarded pixels counted, and the NXtomo automatic path.
#include <QtTest>

#include <phaselab/core/checksum.h>
#include <phaselab/core/flatfield.h>
#include <phaselab/core/tiff_io.h>

#include "hdf5_test_util.h"
#include "io_test_util.h"

#include <filesystem>
#include <limits>

using namespace phaselab;
using test::contains;
using test::errorOf;
namespace fs = std::filesystem;

class FlatFieldTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const std::string& name) const
    {
        return (fs::path(m_dir.path().toStdString()) / name).string();
    }

private slots:
    void formulaOnKnownValues()
    {
        // A sample of transmission T(x, y) seen through a non-uniform beam and a dark offset.
        const int w = 16, h = 9;
        core::ImageF T(w, h), beam(w, h), dark(w, h), raw(w, h), flat(w, h);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                T(x, y) = 0.3f + 0.05f * float((x * 7 + y) % 11);
                beam(x, y) = 800.0f + 30.0f * x - 11.0f * y;
                dark(x, y) = 95.0f + float((x + 2 * y) % 5);
                raw(x, y) = dark(x, y) + T(x, y) * beam(x, y);
                flat(x, y) = dark(x, y) + beam(x, y);
            }
        core::FlatFieldReport r;
        const core::ImageF I = core::flatFieldCorrect(raw, flat, &dark, {}, &r);
        for (std::size_t i = 0; i < I.size(); ++i)
            QVERIFY(std::abs(I[i] - T[i]) < 1e-5f);
        QCOMPARE(r.clippedPixels(), std::size_t(0));
        QCOMPARE(r.pixels, std::size_t(w * h));
        // Without a dark, the offset stays in: (raw)/(flat).
        const core::ImageF noDark = core::flatFieldCorrect(raw, flat, nullptr);
        QVERIFY(std::abs(noDark(0, 0) - raw(0, 0) / flat(0, 0)) < 1e-6f);
    }

    void guardedDivisionIsCountedAndFinite()
    {
        core::ImageF raw(4, 2, 500.0f), flat(4, 2, 1000.0f), dark(4, 2, 100.0f);
        flat(0, 0) = 100.0f;   // flat == dark: division by zero
        flat(1, 0) = 100.5f;   // flat − dark = 0.5 ≤ 1e-3 · ~787: guarded
        flat(2, 0) = 50.0f;    // flat below dark
        raw(3, 1) = 20.0f;     // raw below dark: clipped to 0
        core::FlatFieldReport r;
        const core::ImageF I = core::flatFieldCorrect(raw, flat, &dark, {}, &r);
        QCOMPARE(r.guardedPixels, std::size_t(3));
        QCOMPARE(r.negativePixels, std::size_t(1));
        QCOMPARE(r.clippedPixels(), std::size_t(4));
        QCOMPARE(I(0, 0), 1.0f);
        QCOMPARE(I(1, 0), 1.0f);
        QCOMPARE(I(3, 1), 0.0f);
        QVERIFY(std::abs(I(3, 0) - 400.0f / 900.0f) < 1e-6f);
        for (float v : I)
            QVERIFY(std::isfinite(v));
        // Nowhere positive, NaN input, shape mismatch: errors, not garbage.
        QVERIFY(contains(errorOf([&] { core::flatFieldCorrect(raw, dark, &dark); }), "nowhere positive"));
        core::ImageF nan = raw;
        nan(1, 1) = std::numeric_limits<float>::quiet_NaN();
        QVERIFY(contains(errorOf([&] { core::flatFieldCorrect(nan, flat, &dark); }), "non-finite"));
        QVERIFY(contains(errorOf([&] { core::flatFieldCorrect(raw, core::ImageF(3, 3), nullptr); }),
                         "shapes differ"));
    }

    void meanMedianAndInterpolation()
    {
        std::vector<core::ImageF> frames;
        for (float v : {10.0f, 11.0f, 500.0f, 12.0f, 9.0f})  // one outlier (a zinger)
            frames.push_back(core::ImageF(3, 2, v));
        QVERIFY(std::abs(core::averageFrames(frames, core::FrameAveraging::Mean, "f")(0, 0) - 108.4f) < 1e-4f);
        QCOMPARE(core::averageFrames(frames, core::FrameAveraging::Median, "f")(2, 1), 11.0f);
        frames.pop_back();  // even count: mean of the two middle values (11, 12)
        QCOMPARE(core::averageFrames(frames, core::FrameAveraging::Median, "f")(1, 1), 11.5f);
        const core::ImageF a(2, 2, 100.0f), b(2, 2, 200.0f);
        QCOMPARE(core::interpolateFlats(a, b, 0.25)(1, 1), 125.0f);
        QVERIFY(contains(errorOf([&] { core::interpolateFlats(a, b, 1.5); }), "outside [0, 1]"));
        QVERIFY(contains(errorOf([&] { core::parseFrameAveraging("mode"); }), "mode"));
    }

    void explicitFilesAndNxtomoAutomatic()
    {
        // A beam that drifts linearly in time: flats before (frames 0–1) and after (8–9),
        // projections 4–7 in between, darks 2–3. Corrected projections must equal T exactly.
        const int w = 5, h = 4, n = 10;
        const std::vector<int> key = {1, 1, 2, 2, 0, 0, 0, 0, 1, 1};
        std::vector<std::uint16_t> data;
        // Integer counts: T = t10 / 10, so the expected values are exact in uint16.
        for (int k = 0; k < n; ++k)
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    const int beam = 1000 + 20 * k + 3 * x + y;
                    const int t10 = 2 + (x + y) % 5;  // T = t10 / 10
                    int v = 100;
                    if (key[k] == 1)
                        v += 10 * beam;
                    else if (key[k] == 0)
                        v += t10 * beam;
                    data.push_back(std::uint16_t(v));
                }
        const std::string f = path("scan.nxs");
        {
            core::H5Handle hf = test::createH5(f);
            QVERIFY(test::writeH5Dataset(hf.get(), "/entry/instrument/detector/data", H5T_STD_U16LE,
                                         H5T_NATIVE_UINT16, {hsize_t(n), hsize_t(h), hsize_t(w)}, data));
            QVERIFY(test::writeH5Dataset(hf.get(), "/entry/instrument/detector/image_key",
                                         H5T_STD_I32LE, H5T_NATIVE_INT, {hsize_t(n)}, key));
        }
        for (int p = 0; p < 4; ++p) {
            const core::CorrectedFrame c = core::loadCorrectedFrame(f, p);
            QVERIFY(c.corrected);
            QCOMPARE(c.rawFrame, 4 + p);
            // Flat runs centred at 0.5 and 8.5: weight (rawFrame − 0.5) / 8.
            QVERIFY(std::abs(c.provenance["flat_dark"]["interpolation_weight"].get<double>() -
                             (3.5 + p) / 8.0) < 1e-12);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    QVERIFY2(std::abs(c.image(x, y) - 0.1 * (2 + (x + y) % 5)) < 1e-5,
                             qPrintable(QString("p %1 (%2,%3): %4").arg(p).arg(x).arg(y).arg(c.image(x, y))));
        }
        QVERIFY(contains(errorOf([&] { core::loadCorrectedFrame(f, 4); }), "projection 4 does not exist"));
        // Automatic correction off: frames as stored (frame 0 is the first flat), uncorrected.
        core::FlatFieldSources off;
        off.automatic = false;
        const core::CorrectedFrame raw = core::loadCorrectedFrame(f, 0, off);
        QVERIFY(!raw.corrected);
        QCOMPARE(raw.rawFrame, 0);
        QCOMPARE(raw.image(0, 0), float(100 + 10 * 1000));  // flat: dark + 10 · beam(0, 0, 0)

        // Explicit files: a stack of flats (averaged), a dark.
        const core::ImageF dark(w, h, 100.0f);
        std::vector<core::ImageF> flats = {core::ImageF(w, h, 1100.0f), core::ImageF(w, h, 1300.0f)};
        core::writeTiffStack(path("flats.tif"), flats);
        core::writeTiff(path("dark.tif"), dark);
        core::writeTiff(path("raw.tif"), core::ImageF(w, h, 700.0f));
        core::FlatFieldSources src;
        src.flat = path("flats.tif");
        src.dark = path("dark.tif");
        const core::CorrectedFrame e = core::loadCorrectedFrame(path("raw.tif"), 0, src);
        QVERIFY(e.corrected);
        QVERIFY(std::abs(e.image(2, 2) - 600.0f / 1100.0f) < 1e-6f);
        QCOMPARE(e.provenance["file_sha256"].get<std::string>(), core::fileSha256(path("raw.tif")));
        QCOMPARE(e.provenance["flat_dark"]["flat"].get<std::string>(), path("flats.tif"));
        src.flatAfter = path("dark.tif");  // a nonsense "after" flat: 0.5 weight, still guarded
        const core::CorrectedFrame g = core::loadCorrectedFrame(path("raw.tif"), 0, src);
        QVERIFY(std::abs(g.image(0, 0) - 600.0f / 550.0f) < 1e-5f);
        core::FlatFieldSources darkOnly;
        darkOnly.dark = path("dark.tif");
        QVERIFY(contains(errorOf([&] { core::loadCorrectedFrame(path("raw.tif"), 0, darkOnly); }),
                         "needs a flat"));
        core::writeTiff(path("small.tif"), core::ImageF(3, 3, 1.0f));
        src.flatAfter.clear();
        src.flat = path("small.tif");
        QVERIFY(contains(errorOf([&] { core::loadCorrectedFrame(path("raw.tif"), 0, src); }),
                         "shapes differ"));
    }
};

QTEST_APPLESS_MAIN(FlatFieldTest)
#include "flatfield_test.moc"
