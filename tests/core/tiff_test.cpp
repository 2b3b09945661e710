// TIFF in and out: every supported sample type, calibration and parameters, atomic writes, and
// bad files that must fail with a clear message instead of crashing.
#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/core/tiff_io.h>

#include <tiffio.h>

#include "test_util.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>

using namespace phaselab;
namespace fs = std::filesystem;

namespace {

template <typename T>
core::Image<T> ramp(int w, int h, double scale, double offset)
{
    core::Image<T> img(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img(x, y) = T(offset + scale * (x + 3 * y));
    return img;
}

template <typename F>
std::string errorOf(F&& f)
{
    try {
        f();
    } catch (const core::InputError& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

class TiffTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const char* name) const { return (fs::path(m_dir.path().toStdString()) / name).string(); }

    template <typename T>
    void roundTrip(const char* name, const char* dtype, double scale, double offset)
    {
        const auto img = ramp<T>(37, 23, scale, offset);
        core::writeTiff(path(name), img);
        core::TiffInfo info;
        const core::ImageD back = core::readTiff<double>(path(name), &info);
        QCOMPARE(info.dtype, std::string(dtype));
        QCOMPARE(info.width, 37);
        QCOMPARE(info.height, 23);
        QCOMPARE(info.pages, 1);
        for (std::size_t i = 0; i < img.size(); ++i)
            QCOMPARE(back[i], double(img[i]));
    }

private slots:
    void roundTripsEveryType()
    {
        roundTrip<std::uint8_t>("u8.tif", "uint8", 1, 3);
        roundTrip<std::uint16_t>("u16.tif", "uint16", 517, 1);
        roundTrip<std::uint32_t>("u32.tif", "uint32", 3.7e7, 7);
        roundTrip<std::int16_t>("i16.tif", "int16", -100, 2000);
        roundTrip<float>("f32.tif", "float32", 0.125, -3.5);
        roundTrip<double>("f64.tif", "float64", 1.0 / 3.0, 1e-300);
    }

    void storesCalibrationAndParameters()
    {
        core::ImageMetadata meta;
        meta.pixelSizeM = 12e-9;
        meta.parameters = {{"method", "propagate"}, {"energy_keV", 13.0}, {"note", "δ/β → ok"}};
        const auto img = ramp<float>(16, 8, 0.5, 1);
        core::writeTiff(path("cal.tif"), img, meta);
        const core::TiffInfo info = core::readTiffInfo(path("cal.tif"));
        QVERIFY2(std::abs(info.metadata.pixelSizeM - 12e-9) < 1e-6 * 12e-9,
                 qPrintable(QString::number(info.metadata.pixelSizeM)));
        QCOMPARE(info.metadata.parameters.value("method", ""), std::string("propagate"));
        QCOMPARE(info.metadata.parameters.value("energy_keV", 0.0), 13.0);
        QCOMPARE(info.metadata.parameters.value("note", ""), std::string("δ/β → ok"));
        QVERIFY(info.metadata.description.rfind("ImageJ=", 0) == 0);
        QVERIFY(info.metadata.description.find("unit=nm") != std::string::npos);
        QVERIFY(info.metadata.software.rfind("PhaseLab ", 0) == 0);

        meta.pixelSizeM = 6.5e-6;  // micrometre range → ImageJ unit "micron"
        core::writeTiff(path("cal_um.tif"), img, meta);
        const core::TiffInfo um = core::readTiffInfo(path("cal_um.tif"));
        QVERIFY(std::abs(um.metadata.pixelSizeM - 6.5e-6) < 1e-6 * 6.5e-6);
        QVERIFY(um.metadata.description.find("unit=micron") != std::string::npos);

        // The stored values, read back through libtiff directly: ImageJ's calibration fields.
        TIFF* t = TIFFOpen(path("cal.tif").c_str(), "r");
        QVERIFY(t);
        float xres = 0;
        std::uint16_t unit = 0;
        QVERIFY(TIFFGetField(t, TIFFTAG_XRESOLUTION, &xres));
        TIFFGetFieldDefaulted(t, TIFFTAG_RESOLUTIONUNIT, &unit);
        TIFFClose(t);
        QVERIFY(std::abs(xres - 1.0f / 12.0f) < 1e-7);
        QCOMPARE(int(unit), int(RESUNIT_NONE));
    }

    void readsTiledAndCompressed()
    {
        // Written with libtiff directly: tiled, LZW, 16-bit, big-endian.
        const int w = 40, h = 33;
        TIFF* t = TIFFOpen(path("tiled.tif").c_str(), "wb");
        QVERIFY(t);
        TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
        TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
        TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 16);
        TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
        TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
        TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
        TIFFSetField(t, TIFFTAG_TILEWIDTH, 16);
        TIFFSetField(t, TIFFTAG_TILELENGTH, 16);
        std::vector<std::uint16_t> tile(16 * 16);
        for (int ty = 0; ty < h; ty += 16)
            for (int tx = 0; tx < w; tx += 16) {
                for (int y = 0; y < 16; ++y)
                    for (int x = 0; x < 16; ++x)
                        tile[y * 16 + x] = std::uint16_t((tx + x) * 100 + (ty + y));
                QVERIFY(TIFFWriteTile(t, tile.data(), tx, ty, 0, 0) >= 0);
            }
        TIFFClose(t);
        core::TiffInfo info;
        const core::ImageF img = core::readTiff<float>(path("tiled.tif"), &info);
        QVERIFY(info.tiled);
        QCOMPARE(info.compression, std::string("lzw"));
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                QCOMPARE(img(x, y), float(x * 100 + y));
    }

    void badFilesGiveClearErrors()
    {
        QVERIFY(errorOf([&] { core::readTiff<float>(path("missing.tif")); }).find("no such file") !=
                std::string::npos);

        test::writeBytes(path("empty.tif"), "");
        QVERIFY(errorOf([&] { core::readTiff<float>(path("empty.tif")); }).find("empty file") !=
                std::string::npos);

        test::writeBytes(path("text.tif"), "this is not a TIFF file at all\n");
        QVERIFY(errorOf([&] { core::readTiff<float>(path("text.tif")); }).find("not a readable TIFF") !=
                std::string::npos);

        // A valid file cut in half: the pixel data is missing.
        core::writeTiff(path("whole.tif"), ramp<float>(64, 64, 1, 0));
        const auto size = fs::file_size(path("whole.tif"));
        fs::copy_file(path("whole.tif"), path("truncated.tif"));
        fs::resize_file(path("truncated.tif"), size / 2);
        const std::string trunc = errorOf([&] { core::readTiff<float>(path("truncated.tif")); });
        QVERIFY2(trunc.find("truncated.tif") != std::string::npos, trunc.c_str());
        QVERIFY2(trunc != "(no error)", trunc.c_str());

        // 16-bit float: a sample format PhaseLab does not decode.
        test::writeBytes(path("half.tif"), test::halfFloatTiff());
        const std::string half = errorOf([&] { core::readTiff<float>(path("half.tif")); });
        QVERIFY2(half.find("16-bit float TIFF is not supported") != std::string::npos, half.c_str());

        // RGB: three samples per pixel.
        test::writeBytes(path("rgb.tif"), test::craftTiff({{256, 4, 2}, {257, 4, 2}, {258, 3, 8}, {259, 3, 1},
                                               {262, 3, 2}, {273, 4, 8}, {277, 3, 3}, {278, 4, 2},
                                               {279, 4, 12}},
                                              12));
        const std::string rgb = errorOf([&] { core::readTiff<float>(path("rgb.tif")); });
        QVERIFY2(rgb.find("samples per pixel") != std::string::npos, rgb.c_str());

        // A header claiming 10⁶ × 10⁶ float pixels: refused before any allocation.
        test::writeBytes(path("huge.tif"), test::craftTiff({{256, 4, 1000000}, {257, 4, 1000000}, {258, 3, 32},
                                                {259, 3, 1}, {262, 3, 1}, {273, 4, 8},
                                                {277, 3, 1}, {278, 4, 1000000},
                                                {279, 4, 16}, {339, 3, 3}},
                                               16));
        const std::string huge = errorOf([&] { core::readTiff<float>(path("huge.tif")); });
        QVERIFY2(huge.find("larger than PhaseLab accepts") != std::string::npos, huge.c_str());
    }

    void writesAtomically()
    {
        const std::string nowhere = path("no/such/dir/out.tif");
        QVERIFY(errorOf([&] { core::writeTiff(nowhere, ramp<float>(4, 4, 1, 0)); })
                    .find("does not exist") != std::string::npos);

        // Overwriting keeps the target valid, and no temporary file is left behind.
        core::writeTiff(path("atomic.tif"), ramp<float>(8, 8, 1, 0));
        core::writeTiff(path("atomic.tif"), ramp<float>(8, 8, 2, 0));
        QCOMPARE(core::readTiff<float>(path("atomic.tif"))(1, 0), 2.0f);
        for (const auto& e : fs::directory_iterator(m_dir.path().toStdString()))
            QVERIFY2(e.path().filename().string().find(".part-") == std::string::npos,
                     e.path().c_str());
    }
};

QTEST_APPLESS_MAIN(TiffTest)
#include "tiff_test.moc"
