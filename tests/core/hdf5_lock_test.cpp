// lockHdf5() is the one lock around the HDF5 library (hdf5_lock.h): every HDF5 reader and writer
// of core waits for it, it is recursive, and a data set writer and the image readers on two
// threads do not disturb one another.
#include <QtTest>

#include <phaselab/core/dataset.h>
#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/hdf5_lock.h>
#include <phaselab/core/image_io.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

using namespace phaselab;

namespace {

core::ImageF coded(int w, int h, float offset)
{
    core::ImageF img(w, h);
    for (std::size_t p = 0; p < img.size(); ++p)
        img[p] = offset + float(p);
    return img;
}

// Writes a two-row data set with DatasetWriter; row i of each image dataset is coded(offset + i).
void writeSet(const std::string& file, int w, int h, float offset)
{
    core::DatasetWriter writer(file, w, h, 1);
    writer.setAttributes({{"energy_keV", 13.0}, {"distance_m", 0.02}, {"pixel_size_m", 1e-7}});
    writer.createSplit("train", 2, {{"paired", 1}});
    for (int i = 0; i < 2; ++i)
        for (const char* name : {"hologram", "absorption", "phase"})
            writer.writeImage("train", name, std::size_t(i), coded(w, h, offset + float(i)));
    writer.writeScalars("train", "ppsnr_db", 0, {30.0, 40.0});
    writer.close();
}

bool equal(const core::ImageF& a, const core::ImageF& b)
{
    return a.sameShape(b) && std::equal(a.begin(), a.end(), b.begin());
}

} // namespace

class Hdf5LockTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return (m_dir.path() + "/" + name).toStdString(); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const core::ImageF phase = coded(12, 8, 0), absorption = coded(12, 8, 100);
        core::writeHdf5PhaseAbsorption(path("image.h5"), phase, absorption);
        writeSet(path("set.h5"), 12, 8, 0);
    }

    // While this thread holds the lock, each entry point started on another thread must wait:
    // it cannot finish until the lock is released. An entry point behind a mutex of its own (the
    // data set code and the training loader each had one) would finish at once and fail here.
    void everyEntryPointWaitsForTheLock()
    {
        const std::string image = path("image.h5"), set = path("set.h5");
        const std::vector<std::pair<const char*, std::function<void()>>> calls = {
            {"listHdf5Datasets", [&] { (void)core::listHdf5Datasets(image); }},
            {"readHdf5Frame", [&] { (void)core::readHdf5Frame<float>(image, "/phase"); }},
            {"readHdf5Attributes", [&] { (void)core::readHdf5Attributes(image, "/phase"); }},
            {"readImage", [&] { (void)core::readImage(image + ":/absorption"); }},
            {"findNxTomo", [&] { (void)core::findNxTomo(image); }},
            {"writeHdf5Images",
             [&] {
                 const core::ImageF a = coded(4, 4, 0);
                 core::writeHdf5Images(path("written.h5"), {{"a", &a, "1"}});
             }},
            {"DatasetReader", [&] { (void)core::DatasetReader(set).read("train", 1); }},
            {"DatasetWriter", [&] { writeSet(path("set2.h5"), 4, 4, 0); }},
        };
        for (const auto& [name, call] : calls) {
            std::atomic<bool> done{false};
            std::string error;
            bool doneWhileLocked = false;
            std::thread worker;
            {
                const auto lock = core::lockHdf5();
                worker = std::thread([&, fn = call] {
                    try {
                        fn();
                    } catch (const std::exception& e) {
                        error = e.what();
                    }
                    done = true;
                });
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                doneWhileLocked = done;
            }
            worker.join();
            QVERIFY2(!doneWhileLocked, name);
            QVERIFY2(error.empty(), (std::string(name) + ": " + error).c_str());
        }
    }

    // A thread that holds the lock may call the readers and writers: no deadlock.
    void lockIsRecursive()
    {
        const auto outer = core::lockHdf5();
        const auto inner = core::lockHdf5();
        const core::DatasetReader reader(path("set.h5"));
        QVERIFY(equal(reader.readImage("train", "phase", 1), coded(12, 8, 1)));
        QVERIFY(equal(core::readImage(path("image.h5") + ":/phase"), coded(12, 8, 0)));
        writeSet(path("set3.h5"), 4, 4, 0);
    }

    // A data set writer on one thread, the image and data set readers on another, many times:
    // every file comes out whole and every read is exact. A smoke test of the two-thread case:
    // races inside libhdf5 are rare enough that it did not catch a second mutex in five runs of
    // ten times as many rounds; everyEntryPointWaitsForTheLock() is the test that does.
    void writerAndReadersOnTwoThreads()
    {
        const core::ImageF phase = coded(12, 8, 0);
        std::atomic<bool> writerDone{false};
        std::string writerError;
        std::thread writer([&] {
            try {
                for (int i = 0; i < 60; ++i) {
                    const std::string file = path(i % 2 ? "w1.h5" : "w0.h5");
                    writeSet(file, 24, 16, float(i));
                    const core::DatasetReader r(file);
                    if (!equal(r.readImage("train", "hologram", 1), coded(24, 16, float(i + 1))))
                        throw std::runtime_error(file + " read back wrong");
                }
            } catch (const std::exception& e) {
                writerError = e.what();
            }
            writerDone = true;
        });
        // Reads until the writer is done, so that the two overlap all along; failures are counted
        // (a failed QVERIFY here would return before the join).
        int reads = 0, wrong = 0;
        std::string readError;
        try {
            const core::DatasetReader set(path("set.h5"));
            while (!writerDone || reads < 20) {
                wrong += !equal(core::readImage(path("image.h5") + ":/phase"), phase);
                wrong += core::listHdf5Datasets(path("image.h5")).size() != 2;
                wrong += !equal(set.readImage("train", "absorption", std::size_t(reads % 2)),
                                coded(12, 8, float(reads % 2)));
                ++reads;
            }
        } catch (const std::exception& e) {
            readError = e.what();
        }
        writer.join();
        QVERIFY2(readError.empty(), readError.c_str());
        QVERIFY2(writerError.empty(), writerError.c_str());
        QCOMPARE(wrong, 0);
        qInfo("60 data sets written while %d rounds of reads ran", reads);
    }
};

QTEST_APPLESS_MAIN(Hdf5LockTest)
#include "hdf5_lock_test.moc"
