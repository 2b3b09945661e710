// The HDF5 dataset reader and the batch loader of the training engine (architecture.md
// "Datasets"): layout, physics attributes, errors, order, prefetch, augmentation consistent with
// the physics, statistics.
#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/hdf5_lock.h>
#include <phaselab/core/image_io.h>
#include <phaselab/models/dataset.h>

#include "core/hdf5_test_util.h"
#include "sim_dataset.h"
#include "test_util.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <numeric>
#include <set>
#include <thread>

using namespace phaselab;

namespace {

// A split whose values encode (sample, dataset, pixel): hologram = 1000 i + p, absorption = −that,
// phase = 0.5 × that.
test::SplitData codedSplit(const std::string& name, int n, int h, int w)
{
    test::SplitData s;
    s.name = name;
    s.n = n;
    s.height = h;
    s.width = w;
    for (int i = 0; i < n; ++i)
        for (int p = 0; p < h * w; ++p) {
            const float v = float(1000 * i + p);
            s.hologram.push_back(v);
            s.absorption.push_back(-v);
            s.phase.push_back(0.5f * v);
        }
    return s;
}

} // namespace

class DatasetTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return (m_dir.path() + "/" + name).toStdString(); }

private slots:
    void readsLayoutAndPhysics()
    {
        const core::Geometry g{17.5, 0.125, 45e-9};
        const std::string file = path("coded.h5");
        test::writeDataset(file, {codedSplit("train", 5, 6, 7), codedSplit("val", 2, 6, 7)}, g, 3,
                           "replicate");
        QVERIFY(models::DatasetSplit::hasSplit(file, "train"));
        QVERIFY(!models::DatasetSplit::hasSplit(file, "test"));
        const models::DatasetSplit train(file, "train");
        QCOMPARE(train.size(), 5);
        QCOMPARE(train.height(), 6);
        QCOMPARE(train.width(), 7);
        QVERIFY(train.hasGeometry());
        QCOMPARE(train.geometry().energyKeV, 17.5);
        QCOMPARE(train.geometry().distanceM, 0.125);
        QCOMPARE(train.geometry().pixelSizeM, 45e-9);
        QCOMPARE(train.padding(), std::string("replicate"));
        // Sets written by older versions spell the energy energy_kev: they still read.
        const std::string lower = path("lower.h5");
        test::writeDataset(lower, {codedSplit("train", 1, 2, 2)}, g, 0, "periodic", "energy_kev");
        const models::DatasetSplit legacy(lower, "train");
        QVERIFY(legacy.hasGeometry());
        QCOMPARE(legacy.geometry().energyKeV, 17.5);
        std::vector<float> h(42), a(42), p(42);
        train.read(3, h.data(), a.data(), p.data());
        for (int k = 0; k < 42; ++k) {
            QCOMPARE(h[std::size_t(k)], float(3000 + k));
            QCOMPARE(a[std::size_t(k)], -float(3000 + k));
            QCOMPARE(p[std::size_t(k)], 0.5f * float(3000 + k));
        }
        train.read(0, nullptr, nullptr, p.data());  // any part alone
        QCOMPARE(p[5], 2.5f);
        QVERIFY_THROWS_EXCEPTION(core::InputError, train.read(5, h.data(), nullptr, nullptr));
    }

    void reportsBadFiles()
    {
        auto message = [](const std::string& file, const std::string& split) -> std::string {
            try {
                models::DatasetSplit s(file, split);
            } catch (const core::InputError& e) {
                return e.what();
            }
            return "";
        };
        const std::string missing = path("missing.h5");
        QVERIFY(message(missing, "train").find(missing) == 0);

        const std::string file = path("noval.h5");
        test::writeDataset(file, {codedSplit("train", 2, 4, 4)}, core::Geometry{});
        const std::string noVal = message(file, "val");
        QVERIFY2(noVal.find("has no group 'val'") != std::string::npos, noVal.c_str());

        const test::SplitData bad = codedSplit("train", 2, 4, 4);
        const std::string shapes = path("shapes.h5");
        {
            // phase [2, 4, 3] against hologram [2, 4, 4]: PhaseLab's writer cannot make this
            // file, raw HDF5 can.
            const std::vector<float> phase(bad.phase.begin(), bad.phase.begin() + 2 * 4 * 3);
            const core::H5Handle f = test::createH5(shapes);
            QVERIFY(test::writeH5Dataset(f.get(), "/train/hologram", H5T_IEEE_F32LE,
                                         H5T_NATIVE_FLOAT, {2, 4, 4}, bad.hologram));
            QVERIFY(test::writeH5Dataset(f.get(), "/train/absorption", H5T_IEEE_F32LE,
                                         H5T_NATIVE_FLOAT, {2, 4, 4}, bad.absorption));
            QVERIFY(test::writeH5Dataset(f.get(), "/train/phase", H5T_IEEE_F32LE,
                                         H5T_NATIVE_FLOAT, {2, 4, 3}, phase));
        }
        const std::string mismatch = message(shapes, "train");
        QVERIFY2(mismatch.find("train/phase") != std::string::npos, mismatch.c_str());

        const std::string notHdf5 = path("text.h5");
        {
            std::ofstream(notHdf5) << "not hdf5";
        }
        QVERIFY(message(notHdf5, "train").find("not an HDF5 file") != std::string::npos);
    }

    void shuffledOrderIsAPermutation()
    {
        const auto a = models::shuffledOrder(100, 5);
        const auto b = models::shuffledOrder(100, 5);
        const auto c = models::shuffledOrder(100, 6);
        QCOMPARE(a, b);
        QVERIFY(a != c);
        QCOMPARE(int(std::set<int>(a.begin(), a.end()).size()), 100);
        QCOMPARE(*std::min_element(a.begin(), a.end()), 0);
        QCOMPARE(*std::max_element(a.begin(), a.end()), 99);
    }

    void loaderDeliversOrderAndRemainder()
    {
        const std::string file = path("loader.h5");
        test::writeDataset(file, {codedSplit("train", 11, 3, 5)}, core::Geometry{});
        const models::DatasetSplit split(file, "train");
        const std::vector<int> order = models::shuffledOrder(11, 9);
        models::BatchLoader loader(split, order, 4, {}, 0, 1);
        QCOMPARE(loader.batchCount(), 3);
        std::vector<int> seen;
        int batches = 0;
        while (auto b = loader.next()) {
            ++batches;
            QCOMPARE(b->count, batches < 3 ? 4 : 3);
            QCOMPARE(int(b->hologram.size()), b->count * 15);
            QCOMPARE(int(b->target.size()), b->count * 30);
            for (int k = 0; k < b->count; ++k) {
                const int index = b->indices[std::size_t(k)];
                seen.push_back(index);
                // hologram, then absorption and phase of the same sample
                QCOMPARE(b->hologram[std::size_t(k * 15 + 7)], float(1000 * index + 7));
                QCOMPARE(b->target[std::size_t(k * 30 + 7)], -float(1000 * index + 7));
                QCOMPARE(b->target[std::size_t(k * 30 + 15 + 7)], 0.5f * float(1000 * index + 7));
            }
        }
        QCOMPARE(seen, order);
        QVERIFY(!loader.next());
    }

    void loaderStopsEarlyWithoutHanging()
    {
        const std::string file = path("early.h5");
        test::writeDataset(file, {codedSplit("train", 40, 8, 8)}, core::Geometry{});
        const models::DatasetSplit split(file, "train");
        for (int i = 0; i < 20; ++i) {
            models::BatchLoader loader(split, models::shuffledOrder(40, i), 2, {}, 0, 2);
            QVERIFY(loader.next().has_value());
        }  // the reader thread is blocked on a full queue; the destructor must stop it
    }

    // Flipped or rotated pairs stay physical: F(augmented object) = augmented hologram (periodic,
    // noise-free), and the augmentation does change some samples.
    void augmentationKeepsPhysics()
    {
        test::SimSpec spec;
        spec.size = 24;
        spec.train = 12;
        spec.val = 0;
        spec.ppsnrLowDb = spec.ppsnrHighDb = 400;  // no noise
        const std::string file = path("aug.h5");
        test::writeSimulatedDataset(file, spec);
        const models::DatasetSplit split(file, "train");
        core::FresnelOperator<float> op(spec.geometry, 24, 24);
        models::Augmentation aug;
        aug.flips = true;
        aug.rotations = true;
        std::vector<int> order(12);
        std::iota(order.begin(), order.end(), 0);
        models::BatchLoader loader(split, order, 5, aug, 42);
        int changed = 0;
        const std::size_t px = 24 * 24;
        std::vector<float> plain(px);
        while (auto b = loader.next()) {
            for (int k = 0; k < b->count; ++k) {
                core::ImageF B(24, 24), phi(24, 24), I(24, 24);
                std::copy_n(b->target.begin() + (2 * k) * px, px, B.begin());
                std::copy_n(b->target.begin() + (2 * k + 1) * px, px, phi.begin());
                std::copy_n(b->hologram.begin() + k * px, px, I.begin());
                const double e = test::relativeDifference(op.forward(B, phi), I);
                QVERIFY2(e < 1e-5, qPrintable(QString("sample %1: %2").arg(k).arg(e)));
                split.read(b->indices[std::size_t(k)], plain.data(), nullptr, nullptr);
                if (!std::equal(plain.begin(), plain.end(), I.begin()))
                    ++changed;
            }
        }
        QVERIFY(changed >= 6);
    }

    // The loader takes core's one HDF5 lock: while a thread holds lockHdf5(), opening a split
    // and reading from it on another thread must wait.
    void loaderWaitsForTheHdf5Lock()
    {
        const std::string file = path("locked.h5");
        test::writeDataset(file, {codedSplit("train", 3, 4, 4)}, core::Geometry{});
        const models::DatasetSplit split(file, "train");
        for (int call = 0; call < 2; ++call) {
            std::atomic<bool> done{false};
            bool doneWhileLocked = false;
            std::string error;
            std::thread reader;
            {
                const auto lock = core::lockHdf5();
                reader = std::thread([&] {
                    try {
                        std::vector<float> h(16);
                        if (call == 0)
                            models::DatasetSplit(file, "train");
                        else
                            split.read(2, h.data(), nullptr, nullptr);
                    } catch (const std::exception& e) {
                        error = e.what();
                    }
                    done = true;
                });
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                doneWhileLocked = done;
            }
            reader.join();
            QVERIFY(!doneWhileLocked);
            QVERIFY2(error.empty(), error.c_str());
        }
    }

    // The simulator's writer on one thread while the training loader (its own thread) and
    // core's image reader read other files: no crash and every value exact. A smoke test;
    // loaderWaitsForTheHdf5Lock() is the one that fails if the loader has a lock of its own.
    void writerLoaderAndImageReaderTogether()
    {
        const std::string data = path("loaded.h5"), image = path("image.h5");
        test::writeDataset(data, {codedSplit("train", 8, 6, 6)}, core::Geometry{});
        core::ImageF phase(6, 6), absorption(6, 6);
        for (std::size_t p = 0; p < phase.size(); ++p) {
            phase[p] = float(p);
            absorption[p] = -float(p);
        }
        core::writeHdf5PhaseAbsorption(image, phase, absorption);

        std::atomic<bool> writerDone{false};
        std::string writerError;
        std::thread writer([&] {
            try {
                for (int i = 0; i < 40; ++i)
                    test::writeDataset(path(i % 2 ? "out1.h5" : "out0.h5"),
                                       {codedSplit("train", 4, 8, 8), codedSplit("val", 2, 8, 8)},
                                       core::Geometry{}, unsigned(i));
            } catch (const std::exception& e) {
                writerError = e.what();
            }
            writerDone = true;
        });
        int rounds = 0, wrong = 0;
        std::string readError;
        try {
            const models::DatasetSplit split(data, "train");
            while (!writerDone || rounds < 5) {
                models::BatchLoader loader(split, models::shuffledOrder(8, unsigned(rounds)), 3);
                while (auto b = loader.next())
                    for (int k = 0; k < b->count; ++k)
                        wrong += b->hologram[std::size_t(k * 36 + 5)] !=
                                 float(1000 * b->indices[std::size_t(k)] + 5);
                const core::ImageF read = core::readImage(image + ":/phase");
                wrong += !std::equal(read.begin(), read.end(), phase.begin());
                wrong += core::listHdf5Datasets(image).size() != 2;
                ++rounds;
            }
        } catch (const std::exception& e) {
            readError = e.what();
        }
        writer.join();
        QVERIFY2(writerError.empty(), writerError.c_str());
        QVERIFY2(readError.empty(), readError.c_str());
        QCOMPARE(wrong, 0);
        // The last set written reads back whole.
        const models::DatasetSplit last(path("out1.h5"), "val");
        std::vector<float> h(64);
        last.read(1, h.data(), nullptr, nullptr);
        QCOMPARE(h[9], 1009.0f);
        qInfo("40 data sets written during %d rounds of loading and reading", rounds);
    }

    void statistics()
    {
        const std::string file = path("stats.h5");
        test::writeDataset(file, {codedSplit("train", 3, 2, 2)}, core::Geometry{});
        const models::DatasetSplit split(file, "train");
        const models::DatasetStatistics st = models::computeStatistics(split);
        // hologram values 0..3, 1000..1003, 2000..2003
        double s = 0, s2 = 0;
        for (int i = 0; i < 3; ++i)
            for (int p = 0; p < 4; ++p) {
                s += 1000 * i + p;
                s2 += double(1000 * i + p) * (1000 * i + p);
            }
        const double mean = s / 12, sd = std::sqrt(s2 / 12 - mean * mean);
        QCOMPARE(st.samples, 3);
        QVERIFY(std::abs(st.hologramMean - mean) < 1e-9);
        QVERIFY(std::abs(st.hologramStd - sd) < 1e-6);
        QVERIFY(std::abs(st.absorptionMean + mean) < 1e-9);
        QVERIFY(std::abs(st.phaseStd - 0.5 * sd) < 1e-6);
        QCOMPARE(models::computeStatistics(split, 1).samples, 1);
    }
};

QTEST_APPLESS_MAIN(DatasetTest)
#include "dataset_test.moc"
