// Every reader/writer pair and sample type through the public API: TIFF (types, compressions,
// strips/tiles, byte orders, BigTIFF, stacks, ImageJ contiguous stacks), PNG/JPEG/BMP through
// OpenCV, the format dispatcher and `FILE.h5:/path` specs; and bad files of every kind failing
// with the file name and the problem.
#include <QtTest>

#include <phaselab/core/checksum.h>
#include <phaselab/core/edf_io.h>
#include <phaselab/core/flatfield.h>
#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/tiff_io.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "io_test_util.h"

#include <cmath>
#include <filesystem>
#include <limits>

using namespace phaselab;
using test::contains;
using test::errorOf;
using test::ramp;
namespace fs = std::filesystem;

namespace {

// A little-endian classic TIFF of 16-bit frames laid out as ImageJ writes stacks above 4 GB:
// one directory whose description says images=N, then `frames` frames back to back.
std::string imagejContiguousTiff(int w, int h, const std::string& description,
                                 const std::vector<std::vector<std::uint16_t>>& frames)
{
    std::string s = "II";
    auto u16 = [&](std::uint16_t v) { s.append(reinterpret_cast<const char*>(&v), 2); };
    auto u32 = [&](std::uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); };
    u16(42);
    u32(8);
    const std::uint32_t ifdEnd = 8 + 2 + 10 * 12 + 4;
    const std::uint32_t descLen = std::uint32_t(description.size() + 1);
    const std::uint32_t dataAt = (ifdEnd + descLen + 1) & ~1u;
    u16(10);
    auto entry = [&](std::uint16_t tag, std::uint16_t type, std::uint32_t count, std::uint32_t v) {
        u16(tag);
        u16(type);
        u32(count);
        if (type == 3 && count == 1) {
            u16(std::uint16_t(v));
            u16(0);
        } else {
            u32(v);
        }
    };
    entry(256, 4, 1, std::uint32_t(w));
    entry(257, 4, 1, std::uint32_t(h));
    entry(258, 3, 1, 16);
    entry(259, 3, 1, 1);
    entry(262, 3, 1, 1);
    entry(270, 2, descLen, ifdEnd);
    entry(273, 4, 1, dataAt);
    entry(277, 3, 1, 1);
    entry(278, 4, 1, std::uint32_t(h));
    entry(279, 4, 1, std::uint32_t(w * h * 2));
    u32(0);
    s += description;
    s.push_back('\0');
    s.resize(dataAt, '\0');
    for (const auto& f : frames)
        s.append(reinterpret_cast<const char*>(f.data()), f.size() * 2);
    return s;
}

} // namespace

class ImageIoTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const std::string& name) const
    {
        return (fs::path(m_dir.path().toStdString()) / name).string();
    }

    template <typename T>
    void tiffRoundTrip(const char* dtype, double scale, double offset)
    {
        const auto img = ramp<T>(37, 29, scale, offset);
        int n = 0;
        for (const char* comp : {"none", "lzw", "deflate", "packbits"})
            for (int tile : {0, 16})
                for (bool be : {false, true})
                    for (bool big : {false, true}) {
                        core::TiffWriteOptions opt;
                        opt.compression = comp;
                        opt.tileSize = tile;
                        opt.bigEndian = be;
                        opt.forceBigTiff = big;
                        const std::string p = path(std::string(dtype) + "_" + std::to_string(n++) + ".tif");
                        core::writeTiff(p, img, {}, opt);
                        core::TiffInfo info;
                        const core::ImageD back = core::readTiff<double>(p, &info);
                        const std::string what = p + " " + comp;
                        QVERIFY2(info.dtype == dtype, what.c_str());
                        QVERIFY2(info.compression == comp, what.c_str());
                        QCOMPARE(info.tiled, tile > 0);
                        QCOMPARE(info.bigEndian, be);
                        QCOMPARE(info.bigTiff, big);
                        QCOMPARE(info.width, 37);
                        QCOMPARE(info.height, 29);
                        for (std::size_t i = 0; i < img.size(); ++i)
                            QCOMPARE(back[i], double(img[i]));
                        // And through the dispatcher, as float32.
                        const core::ImageF f = core::readImage(p);
                        QCOMPARE(f(5, 7), float(img(5, 7)));
                    }
    }

private slots:
    void tiffEveryTypeCompressionLayoutAndByteOrder()
    {
        tiffRoundTrip<std::uint8_t>("uint8", 1, 3);
        tiffRoundTrip<std::int8_t>("int8", -1, 60);
        tiffRoundTrip<std::uint16_t>("uint16", 517, 1);
        tiffRoundTrip<std::int16_t>("int16", -100, 2000);
        tiffRoundTrip<std::uint32_t>("uint32", 3.7e7, 7);
        tiffRoundTrip<std::int32_t>("int32", -3.1e6, 12345);
        tiffRoundTrip<float>("float32", 0.125, -3.5);
        tiffRoundTrip<double>("float64", 1.0 / 3.0, 1e-300);
    }

    void tiffStackStreamsPagesWithCalibration()
    {
        core::ImageMetadata meta;
        meta.pixelSizeM = 650e-9;
        meta.parameters = {{"method", "ctf"}, {"geometry", {{"energy_keV", 17.5}}}};
        std::vector<core::ImageF> frames;
        for (int k = 0; k < 5; ++k)
            frames.push_back(ramp<float>(20, 12, 0.5, 100.0 * k));
        core::writeTiffStack(path("stack.tif"), frames, meta);

        core::TiffStack stack(path("stack.tif"));
        QCOMPARE(stack.pages(), 5);
        QVERIFY(std::abs(stack.info().metadata.pixelSizeM - 650e-9) < 1e-6 * 650e-9);
        QCOMPARE(stack.info().metadata.parameters["geometry"]["energy_keV"].get<double>(), 17.5);
        QVERIFY(contains(stack.info().metadata.description, "images=5"));
        QVERIFY(contains(stack.info().metadata.description, "unit=nm"));
        // Out of order, then in order: each page has its own values.
        for (int k : {3, 0, 4, 1, 2, 3})
            QCOMPARE(stack.readPage<float>(k)(2, 1), 100.0f * k + 0.5f * (2 + 3));
        QCOMPARE(core::readTiffPage<float>(path("stack.tif"), 4)(0, 0), 400.0f);
        QCOMPARE(core::readImage(path("stack.tif"), 2)(0, 0), 200.0f);
        QVERIFY(contains(errorOf([&] { stack.readPage<float>(5); }), "page 5 does not exist"));
        QCOMPARE(core::imageInfo(path("stack.tif")).frames, 5);

        // Streaming writer: BigTIFF when forced, and every frame must arrive before commit.
        core::TiffWriteOptions big;
        big.forceBigTiff = true;
        big.compression = "deflate";
        {
            core::TiffStackWriter<std::uint16_t> w(path("big.tif"), 8, 4, 3, meta, big);
            QVERIFY(w.bigTiff());
            for (int k = 0; k < 3; ++k)
                w.append(ramp<std::uint16_t>(8, 4, 1, 1000 * k));
            w.commit();
        }
        const core::TiffInfo bi = core::readTiffInfo(path("big.tif"));
        QVERIFY(bi.bigTiff);
        QCOMPARE(bi.pages, 3);
        QCOMPARE(core::readTiffPage<float>(path("big.tif"), 2)(1, 1), 2004.0f);
        {
            core::TiffStackWriter<float> w(path("short.tif"), 4, 4, 3);
            w.append(core::ImageF(4, 4, 1.0f));
            QVERIFY(contains(errorOf([&] { w.commit(); }), "1 of 3"));
            QVERIFY(contains(errorOf([&] { w.append(core::ImageF(5, 4)); }), "5×4"));
        }
        QVERIFY(!fs::exists(path("short.tif")));
        // The BigTIFF threshold: 4 GB of pixels need it, 3.9 GB do not.
        QVERIFY(core::tiffNeedsBigTiff(4.3e9));
        QVERIFY(!core::tiffNeedsBigTiff(3.9e9));
    }

    void imagejContiguousStacksAndHeadersThatLie()
    {
        const int w = 6, h = 4;
        std::vector<std::vector<std::uint16_t>> frames(3, std::vector<std::uint16_t>(w * h));
        for (int k = 0; k < 3; ++k)
            for (int i = 0; i < w * h; ++i)
                frames[k][i] = std::uint16_t(1000 * k + i);
        test::writeFileBytes(path("ij.tif"),
                         imagejContiguousTiff(w, h, "ImageJ=1.54f\nimages=3\nslices=3\n", frames));
        core::TiffStack s(path("ij.tif"));
        QCOMPARE(s.pages(), 3);
        QCOMPARE(s.readPage<float>(2)(1, 2), float(2000 + 2 * w + 1));
        QCOMPARE(s.readPage<float>(0)(5, 3), float(3 * w + 5));

        // A TIFF claiming 10⁹ pages is refused at once, before any allocation.
        test::writeFileBytes(path("billion.tif"),
                         imagejContiguousTiff(w, h, "ImageJ=1.54f\nimages=1000000000\n", frames));
        const std::string billion = errorOf([&] { core::readTiffInfo(path("billion.tif")); });
        QVERIFY2(contains(billion, "billion.tif") && contains(billion, "1000000000 images"),
                 billion.c_str());
        // 5 images announced, 3 present.
        test::writeFileBytes(path("five.tif"),
                         imagejContiguousTiff(w, h, "ImageJ=1.54f\nimages=5\n", frames));
        const std::string five = errorOf([&] { core::readImage(path("five.tif"), 4); });
        QVERIFY2(contains(five, "five.tif") && contains(five, "claims 5 images"), five.c_str());

        // A directory chain that loops back on itself.
        std::string loop = imagejContiguousTiff(w, h, "plain", frames);
        const std::uint32_t self = 8;
        std::memcpy(loop.data() + 8 + 2 + 10 * 12, &self, 4);
        test::writeFileBytes(path("loop.tif"), loop);
        const std::string l = errorOf([&] { core::readTiffInfo(path("loop.tif")); });
        QVERIFY2(contains(l, "loop.tif") && contains(l, "loops back"), l.c_str());
    }

    void rasterFormatsThroughOpenCv()
    {
        // 8- and 16-bit PNG written by PhaseLab with a display range, read back exactly.
        const core::ImageF img = ramp<float>(31, 17, 1.0, 0.0);  // 0 … 78
        core::writePng(path("g8.png"), img, 0.0, 255.0);
        core::ImageFileInfo info;
        const core::ImageF back = core::readImage(path("g8.png"), 0, &info);
        QCOMPARE(info.format, core::ImageFormat::Png);
        QCOMPARE(info.dtype, std::string("uint8"));
        QCOMPARE(info.width, 31);
        for (std::size_t i = 0; i < img.size(); ++i)
            QCOMPARE(back[i], img[i]);
        core::writePng(path("g16.png"), img, 0.0, 65535.0, 16);
        QCOMPARE(core::imageInfo(path("g16.png")).dtype, std::string("uint16"));
        QCOMPARE(core::readImage(path("g16.png"))(30, 16), img(30, 16));
        // Contrast: [10, 20] maps to [0, 255], clipped outside, NaN → 0.
        core::ImageF c(4, 1);
        c(0, 0) = 5;
        c(1, 0) = 15;
        c(2, 0) = 25;
        c(3, 0) = std::numeric_limits<float>::quiet_NaN();
        core::writePng(path("contrast.png"), c, 10, 20);
        const core::ImageF cb = core::readImage(path("contrast.png"));
        QCOMPARE(cb(0, 0), 0.0f);
        QCOMPARE(cb(1, 0), 128.0f);  // 127.5 rounds up
        QCOMPARE(cb(2, 0), 255.0f);
        QCOMPARE(cb(3, 0), 0.0f);
        QVERIFY(contains(errorOf([&] { core::writePng(path("bad.png"), c, 3, 3); }), "bad.png"));

        // Colour BMP → grey by BT.601 luma, computed in float.
        cv::Mat bgr(3, 2, CV_8UC3);
        bgr.at<cv::Vec3b>(0, 0) = {0, 0, 255};    // red
        bgr.at<cv::Vec3b>(0, 1) = {0, 255, 0};    // green
        bgr.at<cv::Vec3b>(1, 0) = {255, 0, 0};    // blue
        bgr.at<cv::Vec3b>(1, 1) = {10, 20, 30};
        bgr.at<cv::Vec3b>(2, 0) = {255, 255, 255};
        bgr.at<cv::Vec3b>(2, 1) = {0, 0, 0};
        QVERIFY(cv::imwrite(path("colour.bmp"), bgr));
        core::ImageFileInfo bi;
        const core::ImageF grey = core::readImage(path("colour.bmp"), 0, &bi);
        QCOMPARE(bi.format, core::ImageFormat::Bmp);
        QCOMPARE(bi.details["channels"].get<int>(), 3);
        QVERIFY(contains(bi.details["greyscale"].get<std::string>(), "0.299 R + 0.587 G + 0.114 B"));
        QVERIFY(std::abs(grey(0, 0) - 0.299f * 255) < 1e-3);
        QVERIFY(std::abs(grey(1, 0) - 0.587f * 255) < 1e-3);
        QVERIFY(std::abs(grey(0, 1) - 0.114f * 255) < 1e-3);
        QVERIFY(std::abs(grey(1, 1) - (0.299f * 30 + 0.587f * 20 + 0.114f * 10)) < 1e-3);
        QVERIFY(std::abs(grey(0, 2) - 255.0f) < 1e-3);

        // JPEG (lossy): a smooth grey ramp comes back within a few grey levels.
        cv::Mat g(32, 48, CV_8UC1);
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 48; ++x)
                g.at<std::uint8_t>(y, x) = std::uint8_t(2 * x + y);
        QVERIFY(cv::imwrite(path("ramp.jpg"), g, {cv::IMWRITE_JPEG_QUALITY, 98}));
        core::ImageFileInfo ji;
        const core::ImageF jg = core::readImage(path("ramp.jpg"), 0, &ji);
        QCOMPARE(ji.format, core::ImageFormat::Jpeg);
        QCOMPARE(core::imageInfo(path("ramp.jpg")).width, 48);
        QCOMPARE(core::imageInfo(path("ramp.jpg")).height, 32);
        double worst = 0;
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 48; ++x)
                worst = std::max(worst, std::abs(double(jg(x, y)) - (2 * x + y)));
        QVERIFY2(worst <= 3, qPrintable(QString::number(worst)));
    }

    void dispatcherChoosesByMagicThenExtension()
    {
        const auto img = ramp<std::uint16_t>(9, 5, 3, 1);
        core::writeTiff(path("really_tiff.png"), img);  // magic wins over the extension
        QCOMPARE(core::detectImageFormat(path("really_tiff.png")), core::ImageFormat::Tiff);
        QCOMPARE(core::readImage(path("really_tiff.png"))(8, 4), float(img(8, 4)));
        core::writeEdf(path("e.edf"), img);
        QCOMPARE(core::detectImageFormat(path("e.edf")), core::ImageFormat::Edf);
        QCOMPARE(core::readImage(path("e.edf"))(8, 4), float(img(8, 4)));

        const core::ImageF phase = ramp<float>(9, 5, 0.25, -1);
        const core::ImageF absorption = ramp<float>(9, 5, 0.01, 0);
        core::writeHdf5PhaseAbsorption(path("out.h5"), phase, absorption);
        // Two image datasets: info lists them, reading needs a path.
        const core::ImageFileInfo hi = core::imageInfo(path("out.h5"));
        QCOMPARE(hi.format, core::ImageFormat::Hdf5);
        QCOMPARE(hi.details["datasets"].size(), std::size_t(2));
        const std::string which = errorOf([&] { core::readImage(path("out.h5")); });
        QVERIFY2(contains(which, "name one as"), which.c_str());
        QCOMPARE(core::readImage(path("out.h5") + ":/phase")(8, 4), phase(8, 4));
        QCOMPARE(core::readImage(path("out.h5") + ":/absorption")(3, 2), absorption(3, 2));

        // Spec parsing: an existing file is taken whole; otherwise split at ":/".
        QCOMPARE(core::parseImageSpec(path("out.h5") + ":/entry/data").dataset,
                 std::string("/entry/data"));
        QCOMPARE(core::parseImageSpec(path("out.h5")).dataset, std::string());
        const std::string colon = path("odd:/name.tif");
        QCOMPARE(core::parseImageSpec(colon).path, path("odd"));
        QVERIFY(contains(errorOf([&] { core::readImage(colon); }), "no such file"));
        QVERIFY(contains(errorOf([&] { core::readImage(path("e.edf") + ":/x"); }), "needs HDF5"));
    }

    void sha256KnownAnswers()
    {
        // FIPS 180-4 examples.
        QCOMPARE(core::sha256Hex("", 0),
                 std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(core::sha256Hex("abc", 3),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        const std::string two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        QCOMPARE(core::sha256Hex(two.data(), two.size()),
                 std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        const std::string million(1000000, 'a');
        test::writeFileBytes(path("million.txt"), million);
        QCOMPARE(core::fileSha256(path("million.txt")),
                 std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
        QVERIFY(contains(errorOf([&] { core::fileSha256(path("none.bin")); }), "none.bin"));
    }

    void badFilesNameTheFileAndTheProblem()
    {
        test::writeFileBytes(path("zero.tif"), "");
        test::writeFileBytes(path("zero.h5"), "");
        test::writeFileBytes(path("zero.png"), "");
        for (const char* f : {"zero.tif", "zero.h5", "zero.png"}) {
            const std::string e = errorOf([&] { core::readImage(path(f)); });
            QVERIFY2(contains(e, f) && contains(e, "empty file"), e.c_str());
        }
        QVERIFY(contains(errorOf([&] { core::readImage(path("nope.tif")); }), "no such file"));
        test::writeFileBytes(path("junk.dat"), "just some text, no image here");
        const std::string junk = errorOf([&] { core::imageInfo(path("junk.dat")); });
        QVERIFY2(contains(junk, "junk.dat") && contains(junk, "unknown image format"), junk.c_str());
        // A wrong magic behind a known extension.
        test::writeFileBytes(path("fake.tif"), "XX*\0 not a tiff at all");
        QVERIFY(contains(errorOf([&] { core::readImage(path("fake.tif")); }), "not a readable TIFF"));
        test::writeFileBytes(path("fake.h5"), "this is no HDF5 file");
        QVERIFY(contains(errorOf([&] { core::readImage(path("fake.h5")); }), "not an HDF5 file"));

        // Truncated files of every format.
        core::writeTiff(path("t.tif"), ramp<float>(64, 64, 1, 0));
        core::writePng(path("t.png"), ramp<float>(64, 64, 1, 0), 0, 255);
        core::writeEdf(path("t.edf"), ramp<float>(64, 64, 1, 0));
        const core::ImageF big = ramp<float>(64, 64, 1, 0);
        core::writeHdf5Images(path("t.h5"), {{"img", &big, "1"}});
        cv::Mat g(64, 64, CV_8UC1, cv::Scalar(7));
        cv::imwrite(path("t.jpg"), g);
        cv::imwrite(path("t.bmp"), g);
        for (const char* f : {"t.tif", "t.png", "t.edf", "t.h5", "t.jpg", "t.bmp"}) {
            const std::string cut = std::string("cut_") + f;
            fs::copy_file(path(f), path(cut));
            fs::resize_file(path(cut), fs::file_size(path(f)) / 2);
            const std::string e = errorOf([&] {
                core::readImage(path(cut) + (std::string(f) == "t.h5" ? ":/img" : ""));
            });
            QVERIFY2(contains(e, cut) && e != "(no error)", (cut + ": " + e).c_str());
        }

        // A PNG header claiming 10⁶ × 10⁶ pixels: refused before decoding.
        std::string png = test::readFileBytes(path("t.png"));
        const unsigned char million[4] = {0x00, 0x0F, 0x42, 0x40};
        std::memcpy(png.data() + 16, million, 4);
        std::memcpy(png.data() + 20, million, 4);
        test::writeFileBytes(path("huge.png"), png);
        const std::string huge = errorOf([&] { core::readImage(path("huge.png")); });
        QVERIFY2(contains(huge, "huge.png") && contains(huge, "larger than PhaseLab accepts"),
                 huge.c_str());

        // NaN/Inf pixels: read as stored, reported by the loading path that processing uses.
        core::ImageF nan(8, 8, 1.0f);
        nan(1, 1) = std::numeric_limits<float>::quiet_NaN();
        nan(2, 2) = std::numeric_limits<float>::infinity();
        core::writeTiff(path("nan.tif"), nan);
        QVERIFY(std::isnan(core::readImage(path("nan.tif"))(1, 1)));
        const std::string nanErr = errorOf([&] { core::loadCorrectedFrame(path("nan.tif"), 0); });
        QVERIFY2(contains(nanErr, "nan.tif") && contains(nanErr, "2 non-finite"), nanErr.c_str());
        QVERIFY(contains(errorOf([&] { core::readImage(path("nan.tif"), 1); }),
                         "page 1 does not exist"));
    }
};

QTEST_APPLESS_MAIN(ImageIoTest)
#include "image_io_test.moc"
