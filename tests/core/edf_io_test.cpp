// ESRF EDF: every type in both byte orders, multi-frame files, calibration, and headers that
// lie about their data.
#include <QtTest>

#include <phaselab/core/edf_io.h>
#include <phaselab/core/image_io.h>

#include "io_test_util.h"

#include <filesystem>

using namespace phaselab;
using test::contains;
using test::errorOf;
using test::ramp;
namespace fs = std::filesystem;

namespace {

std::string edfHeader(const std::string& body)
{
    std::string h = "{\n" + body;
    const std::size_t total = ((h.size() + 2 + 511) / 512) * 512;
    h.append(total - h.size() - 2, ' ');
    return h + "}\n";
}

} // namespace

class EdfIoTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const std::string& name) const
    {
        return (fs::path(m_dir.path().toStdString()) / name).string();
    }

    template <typename T>
    void roundTrip(const char* dtype, double scale, double offset)
    {
        const auto img = ramp<T>(13, 7, scale, offset);
        for (bool be : {false, true}) {
            const std::string p = path(std::string(dtype) + (be ? "_be.edf" : "_le.edf"));
            core::writeEdf(p, img, {}, be);
            core::EdfInfo info;
            const core::ImageD back = core::readEdf<double>(p, 0, &info);
            QCOMPARE(info.dtype, std::string(dtype));
            QCOMPARE(info.bigEndian, be);
            QCOMPARE(info.width, 13);
            QCOMPARE(info.height, 7);
            QCOMPARE(info.frames, 1);
            QCOMPARE(fs::file_size(p) % 512, (img.size() * sizeof(T)) % 512);  // 512-byte header
            for (std::size_t i = 0; i < img.size(); ++i)
                QCOMPARE(back[i], double(img[i]));
        }
    }

private slots:
    void everyTypeBothByteOrders()
    {
        roundTrip<std::uint8_t>("uint8", 1, 3);
        roundTrip<std::int8_t>("int8", -1, 40);
        roundTrip<std::uint16_t>("uint16", 517, 1);
        roundTrip<std::int16_t>("int16", -100, 2000);
        roundTrip<std::uint32_t>("uint32", 3.7e7, 7);
        roundTrip<std::int32_t>("int32", -3.1e6, 11);
        roundTrip<float>("float32", 0.125, -3.5);
        roundTrip<double>("float64", 1.0 / 3.0, 1e-300);
    }

    void multiFrameHeaderAndCalibration()
    {
        core::ImageMetadata meta;
        meta.pixelSizeM = 0.65e-6;
        core::writeEdf(path("a.edf"), ramp<std::uint16_t>(5, 3, 1, 0), meta, false,
                       {{"Motor_x", "1.25"}, {"count_time", "0.1"}});
        core::writeEdf(path("b.edf"), ramp<std::uint16_t>(5, 3, 1, 500), meta, true);
        test::writeFileBytes(path("ab.edf"), test::readFileBytes(path("a.edf")) + test::readFileBytes(path("b.edf")));
        core::EdfFile f(path("ab.edf"));
        QCOMPARE(f.frames(), 2);
        QCOMPARE(f.readFrame<float>(1)(4, 2), 510.0f);  // second block is big-endian
        QCOMPARE(f.readFrame<float>(0)(4, 2), 10.0f);
        QCOMPARE(f.info().metadata.pixelSizeM, 0.65e-6);
        bool motor = false;
        for (const auto& [k, v] : f.info().header)
            motor |= k == "Motor_x" && v == "1.25";
        QVERIFY(motor);
        const core::ImageFileInfo info = core::imageInfo(path("ab.edf"));
        QCOMPARE(info.frames, 2);
        QCOMPARE(info.details["header"]["DataType"].get<std::string>(), std::string("UnsignedShort"));
        QCOMPARE(core::readImage(path("ab.edf"), 1)(0, 0), 500.0f);
        QVERIFY(contains(errorOf([&] { core::readImage(path("ab.edf"), 2); }), "frame 2 does not exist"));

        // Another writer's spelling: SignedLong, lower-case keys, no Size.
        std::string other = edfHeader("ByteOrder = LowByteFirst ;\ndatatype = SignedLong ;\n"
                                      "dim_1 = 2 ;\ndim_2 = 1 ;\n");
        const std::int32_t px[2] = {-7, 9};
        other.append(reinterpret_cast<const char*>(px), 8);
        test::writeFileBytes(path("other.edf"), other);
        const core::ImageF o = core::readImage(path("other.edf"));
        QCOMPARE(o(0, 0), -7.0f);
        QCOMPARE(o(1, 0), 9.0f);
    }

    void lyingHeadersAreRefused()
    {
        auto err = [&](const char* name, const std::string& header, std::size_t payload) {
            test::writeFileBytes(path(name), edfHeader(header) + std::string(payload, '\x01'));
            const std::string e = errorOf([&] { core::readImage(path(name)); });
            if (!contains(e, name))
                return "missing file name: " + e;
            return e;
        };
        const std::string base = "ByteOrder = LowByteFirst ;\nDataType = UnsignedShort ;\n";
        // Claims 100×100 (20000 bytes) but holds 100.
        const std::string lie = err("lie.edf", base + "Dim_1 = 100 ;\nDim_2 = 100 ;\n", 100);
        QVERIFY2(contains(lie, "declares 20000 bytes") && contains(lie, "only 100 remain"), lie.c_str());
        const std::string size = err("size.edf", base + "Dim_1 = 2 ;\nDim_2 = 2 ;\nSize = 99 ;\n", 8);
        QVERIFY2(contains(size, "Size = 99"), size.c_str());
        const std::string huge = err("huge.edf", base + "Dim_1 = 1000000 ;\nDim_2 = 1000000 ;\n", 8);
        QVERIFY2(contains(huge, "larger than PhaseLab accepts"), huge.c_str());
        QVERIFY(contains(err("nodim.edf", base, 8), "Dim_1"));
        QVERIFY(contains(err("type.edf", "ByteOrder = LowByteFirst ;\nDataType = Complex ;\n"
                                         "Dim_1 = 2 ;\nDim_2 = 1 ;\n", 8),
                         "unknown EDF DataType \"Complex\""));
        QVERIFY(contains(err("order.edf", "ByteOrder = Middle ;\nDataType = FloatValue ;\n"
                                          "Dim_1 = 2 ;\nDim_2 = 1 ;\n", 8),
                         "ByteOrder"));
        QVERIFY(contains(err("gz.edf", base + "Dim_1 = 2 ;\nDim_2 = 1 ;\nCompression = gzip ;\n", 4),
                         "compressed EDF"));
        QVERIFY(contains(err("neg.edf", base + "Dim_1 = -2 ;\nDim_2 = 1 ;\n", 4), "not a size"));
        test::writeFileBytes(path("open.edf"), "{\nDim_1 = 2 ;\n");
        QVERIFY(contains(errorOf([&] { core::readImage(path("open.edf")); }), "no closing '}'"));
        // Trailing garbage after a valid frame.
        core::writeEdf(path("ok.edf"), ramp<float>(3, 3, 1, 0));
        test::writeFileBytes(path("trail.edf"), test::readFileBytes(path("ok.edf")) + "garbage");
        const std::string trail = errorOf([&] { core::readImage(path("trail.edf")); });
        QVERIFY2(contains(trail, "trail.edf") && contains(trail, "garbage after frame 0"), trail.c_str());
    }
};

QTEST_APPLESS_MAIN(EdfIoTest)
#include "edf_io_test.moc"
