// HDF5: listing, 2D and 3D reads by path with type conversion, NXtomo image_key, PhaseLab's
// phase/absorption output with attributes, and every kind of bad path or dataset.
#include <QtTest>

#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/image_io.h>

#include "hdf5_test_util.h"
#include "io/hdf5_handle.h"
#include "io_test_util.h"

#include <cmath>
#include <filesystem>

using namespace phaselab;
using test::contains;
using test::errorOf;
namespace fs = std::filesystem;

class Hdf5IoTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const std::string& name) const
    {
        return (fs::path(m_dir.path().toStdString()) / name).string();
    }

    // [n, h, w] with value 1000 k + 10 y + x.
    template <typename T>
    static std::vector<T> stackValues(int n, int h, int w)
    {
        std::vector<T> v;
        for (int k = 0; k < n; ++k)
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    v.push_back(T(1000 * k + 10 * y + x));
        return v;
    }

    void writeMixedFile(const std::string& file)
    {
        core::H5Handle f = test::createH5(file);
        QVERIFY(f);
        QVERIFY(test::writeH5Dataset(f.get(), "/entry/data/data", H5T_STD_U16LE, H5T_NATIVE_UINT16,
                                     {4, 5, 7}, stackValues<std::uint16_t>(4, 5, 7)));
        QVERIFY(test::writeH5Dataset(f.get(), "/entry/image2d", H5T_STD_I32BE, H5T_NATIVE_INT32,
                                     {5, 7}, stackValues<std::int32_t>(1, 5, 7)));
        QVERIFY(test::writeH5Dataset(f.get(), "/entry/double2d", H5T_IEEE_F64BE, H5T_NATIVE_DOUBLE,
                                     {3, 2}, std::vector<double>{0.5, -1.5, 2.25, 1e-3, 7, 8}));
        QVERIFY(test::writeH5Dataset(f.get(), "/meta/angles", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT,
                                     {4}, std::vector<float>{0, 1, 2, 3}));
        QVERIFY(test::writeH5Dataset(f.get(), "/meta/four_d", H5T_NATIVE_UINT8, H5T_NATIVE_UINT8,
                                     {2, 2, 2, 2}, std::vector<std::uint8_t>(16, 1)));
        // A string dataset (fixed length).
        core::H5Handle st(H5Tcopy(H5T_C_S1));
        H5Tset_size(st.get(), 6);
        QVERIFY(test::writeH5Dataset(f.get(), "/meta/names", st.get(), st.get(), {2, 2},
                                     std::vector<char>(24, 'a')));
    }

private slots:
    void listsEveryDatasetWithShapeAndType()
    {
        writeMixedFile(path("mixed.h5"));
        const auto all = core::listHdf5Datasets(path("mixed.h5"));
        QCOMPARE(all.size(), std::size_t(6));
        auto find = [&](const std::string& p) {
            for (const auto& d : all)
                if (d.path == p)
                    return d;
            return core::Hdf5DatasetInfo{};
        };
        QCOMPARE(find("/entry/data/data").shape, (std::vector<std::uint64_t>{4, 5, 7}));
        QCOMPARE(find("/entry/data/data").dtype, std::string("uint16"));
        QCOMPARE(find("/entry/image2d").dtype, std::string("int32"));
        QCOMPARE(find("/entry/double2d").dtype, std::string("float64"));
        QCOMPARE(find("/meta/angles").shape, (std::vector<std::uint64_t>{4}));
        QCOMPARE(find("/meta/names").dtype, std::string("string"));
        QVERIFY(find("/entry/image2d").isImage());
        QVERIFY(!find("/meta/angles").isImage());
        QVERIFY(!find("/meta/four_d").isImage());
    }

    void readsFramesAndConvertsTypes()
    {
        writeMixedFile(path("mixed.h5"));
        const std::string f = path("mixed.h5");
        core::Hdf5Stack s(f, "/entry/data/data");
        QCOMPARE(s.frames(), 4);
        QCOMPARE(s.width(), 7);
        QCOMPARE(s.height(), 5);
        for (int k : {2, 0, 3})
            QCOMPARE(s.readFrame<float>(k)(6, 4), float(1000 * k + 46));
        QCOMPARE(core::readHdf5Frame<double>(f, "entry/image2d")(3, 2), 23.0);  // big-endian int32
        const core::ImageD d = core::readHdf5Frame<double>(f, "/entry/double2d");
        QCOMPARE(d.width(), 2);
        QCOMPARE(d(1, 0), -1.5);
        QCOMPARE(d(1, 1), 1e-3);
        // Through the dispatcher with FILE:/path and a frame index.
        core::ImageFileInfo info;
        const core::ImageF img = core::readImage(f + ":/entry/data/data", 3, &info);
        QCOMPARE(img(0, 0), 3000.0f);
        QCOMPARE(info.frames, 4);
        QCOMPARE(info.dtype, std::string("uint16"));
        QCOMPARE(info.dataset, std::string("/entry/data/data"));
    }

    void badPathsAndShapesNameTheProblem()
    {
        writeMixedFile(path("mixed.h5"));
        const std::string f = path("mixed.h5");
        auto err = [&](const std::string& spec, int frame = 0) {
            return errorOf([&] { core::readImage(spec, frame); });
        };
        const std::string missing = err(f + ":/entry/nothing");
        QVERIFY2(contains(missing, "mixed.h5:/entry/nothing") && contains(missing, "no such dataset") &&
                     contains(missing, "/entry/data/data"),
                 missing.c_str());
        QVERIFY(contains(err(f + ":/no/such/deep/path"), "/no does not exist"));
        const std::string group = err(f + ":/entry/data");
        QVERIFY2(contains(group, "is a group") && contains(group, "/entry/data/data"), group.c_str());
        const std::string oneD = err(f + ":/meta/angles");
        QVERIFY2(contains(oneD, "1 dimension") && contains(oneD, "[4]"), oneD.c_str());
        const std::string fourD = err(f + ":/meta/four_d");
        QVERIFY2(contains(fourD, "4 dimensions"), fourD.c_str());
        QVERIFY(contains(err(f + ":/meta/names"), "has type string"));
        QVERIFY(contains(err(f + ":/entry/data/data", 4), "frame 4 does not exist"));
        // Several images and no path: info succeeds, reading asks for one.
        QVERIFY(contains(err(f), "name one as"));
        QCOMPARE(core::imageInfo(f).details["datasets"].size(), std::size_t(6));
        QVERIFY(contains(errorOf([&] { core::hdf5DatasetInfo(f, "/entry"); }), "is a group"));
    }

    void absurdShapesAreRefusedBeforeReading()
    {
        // Chunked datasets whose shapes claim 10⁶ × 10⁶ pixels and 10⁹ frames; HDF5 stores no
        // chunk for them, so the files are tiny.
        const std::string f = path("absurd.h5");
        {
            core::H5Handle h = test::createH5(f);
            auto sparse = [&](const char* name, std::vector<hsize_t> dims, std::vector<hsize_t> chunk) {
                core::H5Handle space(H5Screate_simple(int(dims.size()), dims.data(), nullptr));
                core::H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
                H5Pset_chunk(dcpl.get(), int(chunk.size()), chunk.data());
                core::H5Handle ds(H5Dcreate2(h.get(), name, H5T_STD_U16LE, space.get(), H5P_DEFAULT,
                                             dcpl.get(), H5P_DEFAULT));
                return bool(ds);
            };
            QVERIFY(sparse("huge", {1000000, 1000000}, {64, 64}));
            QVERIFY(sparse("billion", {1000000000, 4, 4}, {1, 4, 4}));
        }
        QVERIFY(fs::file_size(f) < 100000);
        const std::string huge = errorOf([&] { core::readImage(f + ":/huge"); });
        QVERIFY2(contains(huge, "absurd.h5:/huge") && contains(huge, "larger than PhaseLab accepts"),
                 huge.c_str());
        const std::string billion = errorOf([&] { core::readImage(f + ":/billion"); });
        QVERIFY2(contains(billion, "1000000000 frames"), billion.c_str());
    }

    void nxtomoImageKeys()
    {
        const std::string f = path("scan.nxs");
        {
            core::H5Handle h = test::createH5(f);
            // 2 darks, 2 flats, 3 projections, 2 flats.
            QVERIFY(test::writeH5Dataset(h.get(), "/entry/instrument/detector/data", H5T_STD_U16LE,
                                         H5T_NATIVE_UINT16, {9, 3, 4},
                                         stackValues<std::uint16_t>(9, 3, 4)));
            QVERIFY(test::writeH5Dataset(h.get(), "/entry/instrument/detector/image_key",
                                         H5T_STD_I32LE, H5T_NATIVE_INT, {9},
                                         std::vector<int>{2, 2, 1, 1, 0, 0, 0, 1, 1}));
            test::writeH5StringAttr(h.get(), "/entry", "NX_class", "NXentry");
        }
        const auto nx = core::findNxTomo(f);
        QVERIFY(nx);
        QCOMPARE(nx->dataPath, std::string("/entry/instrument/detector/data"));
        QCOMPARE(nx->projectionFrames, (std::vector<int>{4, 5, 6}));
        QCOMPARE(nx->flatFrames, (std::vector<int>{2, 3, 7, 8}));
        QCOMPARE(nx->darkFrames, (std::vector<int>{0, 1}));
        const core::ImageFileInfo info = core::imageInfo(f);  // default dataset: the scan
        QCOMPARE(info.dataset, std::string("/entry/instrument/detector/data"));
        QCOMPARE(info.details["nxtomo"]["projections"].get<int>(), 3);
        QCOMPARE(info.details["nxtomo"]["flats"].get<int>(), 4);

        // image_key that does not match the data.
        const std::string bad = path("badkey.nxs");
        {
            core::H5Handle h = test::createH5(bad);
            test::writeH5Dataset(h.get(), "/entry/data/data", H5T_STD_U16LE, H5T_NATIVE_UINT16,
                                 {3, 2, 2}, stackValues<std::uint16_t>(3, 2, 2));
            test::writeH5Dataset(h.get(), "/entry/data/image_key", H5T_STD_I32LE, H5T_NATIVE_INT,
                                 {2}, std::vector<int>{0, 1});
        }
        const std::string e = errorOf([&] { core::findNxTomo(bad); });
        QVERIFY2(contains(e, "badkey.nxs") && contains(e, "2 entries"), e.c_str());
    }

    void fuzzFindingsStayHandled()
    {
        // Files from fuzz_hdf5 that hung (global-heap loop) or crashed (attribute table) inside
        // libhdf5 1.10 before PhaseLab stopped reading variable-length strings and iterating
        // attribute tables. Each must now end in a result or an InputError (a hang would run
        // into the CTest timeout).
        int files = 0;
        for (const auto& e : fs::directory_iterator(PHASELAB_TEST_DATA_DIR "/fuzz")) {
            if (e.path().extension() != ".h5")
                continue;
            ++files;
            const std::string f = e.path().string();
            errorOf([&] { core::imageInfo(f); });
            errorOf([&] { core::readHdf5Attributes(f, "/"); });
            errorOf([&] { core::findNxTomo(f); });
            std::vector<core::Hdf5DatasetInfo> all;
            errorOf([&] { all = core::listHdf5Datasets(f); });
            for (const auto& d : all) {
                errorOf([&] { core::readHdf5Metadata(f, d.path); });
                if (d.isImage())
                    errorOf([&] { core::readImage(f + ":" + d.path); });
            }
        }
        QCOMPARE(files, 2);
    }

    void phaseAbsorptionOutputWithAttributes()
    {
        core::ImageF phase(6, 4), absorption(6, 4);
        for (std::size_t i = 0; i < phase.size(); ++i) {
            phase[i] = -0.25f * float(i);
            absorption[i] = 0.001f * float(i);
        }
        core::ImageMetadata meta;
        meta.pixelSizeM = 12e-9;
        meta.parameters = {{"method", "ctf"},
                           {"geometry", {{"energy_keV", 13.0}, {"distance_m", 0.02}}},
                           {"alpha", 1e-3}};
        core::writeHdf5PhaseAbsorption(path("rec.h5"), phase, absorption, meta);
        const core::ImageF p = core::readHdf5Frame<float>(path("rec.h5"), "/phase");
        const core::ImageF b = core::readHdf5Frame<float>(path("rec.h5"), "/absorption");
        for (std::size_t i = 0; i < phase.size(); ++i) {
            QCOMPARE(p[i], phase[i]);
            QCOMPARE(b[i], absorption[i]);
        }
        const core::ImageMetadata m = core::readHdf5Metadata(path("rec.h5"), "/phase");
        QCOMPARE(m.pixelSizeM, 12e-9);
        QCOMPARE(m.parameters["geometry"]["energy_keV"].get<double>(), 13.0);
        QVERIFY(m.software.rfind("PhaseLab ", 0) == 0);
        const auto attrs = core::readHdf5Attributes(path("rec.h5"), "/phase");
        QCOMPARE(attrs["unit"].get<std::string>(), std::string("rad"));
        QCOMPARE(attrs["method"].get<std::string>(), std::string("ctf"));
        QCOMPARE(attrs["pixel_size_m"].get<double>(), 12e-9);
        // Every scalar parameter is also its own attribute (read here with the C API).
        {
            core::H5Handle f(H5Fopen(path("rec.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
            core::H5Handle a(H5Aopen(f.get(), "geometry.energy_keV", H5P_DEFAULT));
            double v = 0;
            QVERIFY(a && H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v) >= 0);
            QCOMPARE(v, 13.0);
            core::H5Handle alpha(H5Aopen(f.get(), "alpha", H5P_DEFAULT));
            QVERIFY(alpha && H5Aread(alpha.get(), H5T_NATIVE_DOUBLE, &v) >= 0);
            QCOMPARE(v, 1e-3);
        }
        QCOMPARE(core::imageInfo(path("rec.h5") + ":/absorption").metadata.pixelSizeM, 12e-9);

        // Atomic: a failed write leaves nothing; shape mismatch is refused up front.
        const core::ImageF small(3, 3);
        QVERIFY(contains(errorOf([&] { core::writeHdf5PhaseAbsorption(path("x.h5"), phase, small); }),
                         "shapes differ"));
        QVERIFY(!fs::exists(path("x.h5")));
        for (const auto& e : fs::directory_iterator(m_dir.path().toStdString()))
            QVERIFY2(!contains(e.path().filename().string(), ".part-"), e.path().c_str());
    }
};

QTEST_APPLESS_MAIN(Hdf5IoTest)
#include "hdf5_io_test.moc"
