// Stack reconstruction (stack.h): frame ranges; simulated TIFF and HDF5 stacks reconstructed
// frame by frame exactly as single reconstruct() calls; the HDF5 layout and attributes; a
// cancelled run that leaves a valid .part which resume completes bit-for-bit; refused
// mismatched resumes; two in-process ranks that give the 1-rank file bit-for-bit; and peak
// memory that stays far below the stack's size.
#include <QtTest>

#include "test_util.h"

#include <phaselab/core/classical_methods.h>
#include <phaselab/core/error.h>
#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/hdf5_lock.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/parallel.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/simulate.h>
#include <phaselab/core/stack.h>
#include <phaselab/core/tiff_io.h>

#include "core/fake_rank_group.h"
#include "core/hdf5_test_util.h"
#include "io/hdf5_handle.h"

#include <tiffio.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace phaselab;
namespace fs = std::filesystem;

namespace {

bool bitEqual(const core::ImageF& a, const core::ImageF& b)
{
    return a.sameShape(b) && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}


core::StackJob ctfJob(const std::string& input, const std::string& output, const std::string& frames)
{
    core::StackJob job;
    job.request.input.path = input;
    job.request.method = "ctf";
    job.request.geometry = core::Geometry::dgnPaper();
    job.request.betaOverDelta = 0.05;
    job.frames = core::FrameRange::parse(frames);
    job.output = output;
    job.workers = 2;
    return job;
}

std::unique_ptr<core::ReconstructionMethod> makeCtf()
{
    return core::MethodRegistry::instance().create("ctf");
}

/// Cancels its token once `after` frames were reported written.
class CancelAfter : public core::ProgressSink {
public:
    CancelAfter(core::CancelToken& token, int after) : m_token(token), m_after(after) {}
    void report(double, const std::string& stage) override
    {
        if (++m_reports >= m_after)
            m_token.cancel();
        m_lastStage = stage;
    }
    std::string m_lastStage;

private:
    core::CancelToken& m_token;
    int m_after;
    int m_reports = 0;
};

std::vector<std::uint8_t> readDone(const std::string& file)
{
    const auto lock = core::lockHdf5();
    core::H5Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!f)
        return {};
    core::H5Handle ds(H5Dopen2(f.get(), "done", H5P_DEFAULT));
    core::H5Handle space(H5Dget_space(ds.get()));
    std::vector<std::uint8_t> done(std::size_t(H5Sget_simple_extent_npoints(space.get())));
    H5Dread(ds.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done.data());
    return done;
}

std::vector<int> readFrames(const std::string& file)
{
    const auto lock = core::lockHdf5();
    core::H5Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    core::H5Handle ds(H5Dopen2(f.get(), "frames", H5P_DEFAULT));
    core::H5Handle space(H5Dget_space(ds.get()));
    std::vector<int> frames(std::size_t(H5Sget_simple_extent_npoints(space.get())));
    H5Dread(ds.get(), H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, frames.data());
    return frames;
}

/// Every frame of both datasets equal, bit for bit.
bool sameStack(const std::string& a, const std::string& b, int frames)
{
    for (const char* name : {"phase", "absorption"})
        for (int i = 0; i < frames; ++i)
            if (!bitEqual(core::readImage(a + ":/" + name, i), core::readImage(b + ":/" + name, i)))
                return false;
    return true;
}

long statusKb(const char* key)
{
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind(key, 0) == 0)
            return std::stol(line.substr(std::strlen(key) + 1));
    return -1;
}

bool resetPeakRss()
{
    std::ofstream f("/proc/self/clear_refs");
    f << "5";
    return bool(f.flush());
}

} // namespace

class StackTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_tiff, m_h5;  // 12-frame simulated stacks, 64²

    std::string path(const std::string& name) const { return m_dir.filePath(QString::fromStdString(name)).toStdString(); }

private slots:
    void initTestCase()
    {
        core::registerClassicalMethods(core::MethodRegistry::instance());
        QVERIFY(m_dir.isValid());
        m_tiff = path("holograms.tif");
        core::writeTiffStack(m_tiff, test::simulatedHolograms(12, 64, 7));
        core::DatasetRequest d;
        d.params = core::SimulationParams::dgn();
        d.params.oversample = 1;
        d.params.ppsnrMinDb = 40;
        d.params.ppsnrMaxDb = 60;
        d.size = 64;
        d.count = 12;
        d.seed = 11;
        d.valFraction = d.testFraction = 0;
        d.fftWisdomPath = "none";
        core::generateDataset(d, path("set.h5"));
        m_h5 = path("set.h5") + ":/train/hologram";
    }

    void frameRangeParsing()
    {
        QCOMPARE(core::FrameRange::parse("all").indices(4), (std::vector<int>{0, 1, 2, 3}));
        QCOMPARE(core::FrameRange::parse("1:3").indices(10), (std::vector<int>{1, 2}));
        QCOMPARE(core::FrameRange::parse("2:").indices(4), (std::vector<int>{2, 3}));
        QCOMPARE(core::FrameRange::parse("0:10:4").indices(10), (std::vector<int>{0, 4, 8}));
        QCOMPARE(core::FrameRange::parse("5::2").indices(9), (std::vector<int>{5, 7}));
        QCOMPARE(core::FrameRange::parse(":2").indices(9), (std::vector<int>{0, 1}));
        QCOMPARE(core::FrameRange::parse("0:10:4").toString(), std::string("0:10:4"));
        QCOMPARE(core::FrameRange::parse("all").toString(), std::string("all"));
        for (const char* bad : {"", "x", "1", "1-3", "3:1", "2:2", "1:2:0", "-1:3", "1:2:3:4", "a:b", "1.5:3"}) {
            try {
                core::FrameRange::parse(bad);
                QFAIL(qPrintable(QString("accepted \"%1\"").arg(bad)));
            } catch (const core::InputError& e) {
                QVERIFY2(std::string(e.what()).find("frames") != std::string::npos, e.what());
            }
        }
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::FrameRange::parse("0:11").indices(10));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::FrameRange::parse("10:").indices(10));
        try {
            (void)core::FrameRange::parse("3:20").indices(12);
            QFAIL("accepted a range past the end");
        } catch (const core::InputError& e) {
            QVERIFY2(std::string(e.what()).find("12 frame") != std::string::npos, e.what());
        }
    }

    /// Each frame of the HDF5 and the TIFF output is what reconstruct() gives for that frame.
    void stackMatchesSingleFrames_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("output");
        QTest::addColumn<QString>("frames");
        QTest::newRow("tiff → h5") << QString::fromStdString(m_tiff) << "a.h5" << "1:12:2";
        QTest::newRow("h5 → tiff") << QString::fromStdString(m_h5) << "b" << "0:7";
    }
    void stackMatchesSingleFrames()
    {
        QFETCH(QString, input);
        QFETCH(QString, output);
        QFETCH(QString, frames);
        const core::StackJob job = ctfJob(input.toStdString(), path(output.toStdString()), frames.toStdString());
        const core::StackSummary s = core::reconstructStack(job, makeCtf);
        const std::vector<int> indices = job.frames.indices(12);
        QCOMPARE(s.frames, int(indices.size()));
        QCOMPARE(s.computed, s.frames);
        QCOMPARE(s.skipped, 0);
        QCOMPARE(s.workers, 2);
        QCOMPARE(s.mode, std::string("frame-parallel"));
        QVERIFY(s.framesPerSecond > 0);
        const bool hdf5 = core::isHdf5StackOutput(job.output);
        QCOMPARE(s.outputs.size(), std::size_t(hdf5 ? 1 : 2));
        for (const std::string& o : s.outputs)
            QVERIFY(fs::exists(o));
        QVERIFY(!fs::exists(core::stackPartPath(job.output)));

        auto ctf = makeCtf();
        const core::ThreadCountScope threads(s.threadsPerFrame);
        for (std::size_t i = 0; i < indices.size(); ++i) {
            core::ReconstructionRequest r = job.request;
            r.input.frame = indices[i];
            const core::LoadedHologram h = core::loadHologram(r.input);
            const core::ReconstructionOutcome o = core::reconstruct(*ctf, r, h);
            core::ImageF phase, absorption;
            if (hdf5) {
                phase = core::readImage(job.output + ":/phase", int(i));
                absorption = core::readImage(job.output + ":/absorption", int(i));
            } else {
                phase = core::readTiffPage<float>(s.outputs[0], int(i));
                absorption = core::readTiffPage<float>(s.outputs[1], int(i));
            }
            QVERIFY2(bitEqual(phase, o.phase), qPrintable(QString("phase of frame %1").arg(indices[i])));
            QVERIFY2(bitEqual(absorption, o.absorption), qPrintable(QString("absorption of frame %1").arg(indices[i])));
        }
        // Not identical frames: the check above compares different reconstructions.
        QVERIFY(!bitEqual(core::readImage(hdf5 ? job.output + ":/phase" : s.outputs[0], 0),
                          core::readImage(hdf5 ? job.output + ":/phase" : s.outputs[0], 1)));
        if (!hdf5) {
            const core::TiffInfo info = core::readTiffInfo(s.outputs[0]);
            QCOMPARE(info.metadata.parameters["frames"].get<std::vector<int>>(), indices);
        }
    }

    /// With automatic workers and ≥ 8 frames per thread, both modes are timed on the first frame
    /// and the faster taken (frame-parallel only when ≥ 10 % faster); with fewer frames the rule
    /// decides, with workers given they do. The output is the same either way.
    void modeIsMeasuredWhenItPays()
    {
        const core::ThreadCountScope two(2);
        const std::string input = path("sixteen.tif");
        core::writeTiffStack(input, test::simulatedHolograms(16, 64, 5));
        core::StackJob job = ctfJob(input, path("measured.h5"), "all");
        job.workers = 0;
        const core::StackSummary s = core::reconstructStack(job, makeCtf);
        QCOMPARE(s.modeChoice, std::string("measured"));
        QVERIFY(s.fftParallelFps > 0 && s.frameParallelFps > 0);
        const bool frameParallel = s.frameParallelFps >= 1.1 * s.fftParallelFps;
        QCOMPARE(s.threadsPerFrame, frameParallel ? 1 : 2);
        QCOMPARE(s.mode, std::string(frameParallel ? "frame-parallel" : "fft-parallel"));
        const nlohmann::json r = s.report();
        QCOMPARE(r["mode_choice"].get<std::string>(), std::string("measured"));
        QCOMPARE(r["measured_frames_per_second"]["frame_parallel"].get<double>(), s.frameParallelFps);
        qInfo("64² CTF, 2 threads: fft-parallel %.1f, frame-parallel %.1f frames/s → %s",
              s.fftParallelFps, s.frameParallelFps, s.mode.c_str());

        job.frames = core::FrameRange::parse("0:4");
        job.output = path("rule.h5");
        const core::StackSummary few = core::reconstructStack(job, makeCtf);
        QCOMPARE(few.modeChoice, std::string("rule"));
        QVERIFY(!few.report().contains("measured_frames_per_second"));
        job.workers = 2;
        job.output = path("given.h5");
        QCOMPARE(core::reconstructStack(job, makeCtf).modeChoice, std::string("given"));
    }

    void hdf5Layout()
    {
        core::StackJob job = ctfJob(m_h5, path("layout.h5"), "2:11:3");
        core::reconstructStack(job, makeCtf);
        const std::vector<core::Hdf5DatasetInfo> sets = core::listHdf5Datasets(job.output);
        std::map<std::string, core::Hdf5DatasetInfo> byPath;
        for (const auto& d : sets)
            byPath[d.path] = d;
        for (const char* name : {"/phase", "/absorption"}) {
            QVERIFY(byPath.count(name));
            QCOMPARE(byPath[name].shape, (std::vector<std::uint64_t>{3, 64, 64}));
            QCOMPARE(byPath[name].dtype, std::string("float32"));
        }
        QCOMPARE(readFrames(job.output), (std::vector<int>{2, 5, 8}));
        QCOMPARE(readDone(job.output), (std::vector<std::uint8_t>{1, 1, 1}));
        {
            const auto lock = core::lockHdf5();
            core::H5Handle f(H5Fopen(job.output.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
            core::H5Handle ds(H5Dopen2(f.get(), "phase", H5P_DEFAULT));
            core::H5Handle dcpl(H5Dget_create_plist(ds.get()));
            hsize_t chunk[3] = {0, 0, 0};
            QCOMPARE(H5Pget_chunk(dcpl.get(), 3, chunk), 3);
            QCOMPARE(chunk[0], hsize_t(1));
            QCOMPARE(chunk[1], hsize_t(64));
            QCOMPARE(chunk[2], hsize_t(64));
            for (const char* attr : {"request", "frame_range", "threads_per_frame", "parameters",
                                     "software", "geometry.energy_keV", "method"})
                QVERIFY2(H5Aexists(f.get(), attr) > 0, attr);
        }
        const nlohmann::json attrs = core::readHdf5Attributes(job.output, "/");
        const nlohmann::json params = nlohmann::json::parse(attrs["parameters"].get<std::string>());
        QCOMPARE(params["method"].get<std::string>(), std::string("ctf"));
        QCOMPARE(params["input"]["frame"].get<int>(), 2);
        QVERIFY(std::abs(attrs["pixel_size_m"].get<double>() - 12e-9) < 1e-15);
        QVERIFY(std::abs(params["geometry"]["energy_keV"].get<double>() - 13) < 1e-12);
        // The parameters read back as a request (re-runnable).
        const core::ReconstructionRequest back = core::ReconstructionRequest::fromJson(params, "layout");
        QCOMPARE(back.method, std::string("ctf"));
        QVERIFY(std::abs(back.betaOverDelta - 0.05) < 1e-12);
    }

    /// A cancel leaves a valid .part with its done mask; resume computes only the rest and
    /// gives the uninterrupted run's file bit for bit.
    void cancelThenResume()
    {
        const std::string whole = path("whole.h5"), cut = path("cut.h5");
        core::StackJob job = ctfJob(m_tiff, whole, "all");
        core::reconstructStack(job, makeCtf);

        job.output = cut;
        core::CancelToken token;
        CancelAfter sink(token, 4);
        QVERIFY_THROWS_EXCEPTION(core::Cancelled,
                                 core::reconstructStack(job, makeCtf, {&sink, &token}));
        QVERIFY(!fs::exists(cut));
        const std::string part = core::stackPartPath(cut);
        QVERIFY(fs::exists(part));
        const std::vector<std::uint8_t> done = readDone(part);  // opens: a valid HDF5 file
        QCOMPARE(done.size(), std::size_t(12));
        const int doneCount = int(std::count(done.begin(), done.end(), 1));
        QVERIFY2(doneCount >= 4 && doneCount < 12, qPrintable(QString::number(doneCount)));
        QVERIFY(sink.m_lastStage.find("frames/s") != std::string::npos);
        QVERIFY(sink.m_lastStage.find("ETA") != std::string::npos);

        job.resume = true;
        const core::StackSummary s = core::reconstructStack(job, makeCtf);
        QCOMPARE(s.skipped, doneCount);
        QCOMPARE(s.computed, 12 - doneCount);
        QVERIFY(fs::exists(cut));
        QVERIFY(!fs::exists(part));
        QVERIFY(sameStack(whole, cut, 12));
        QCOMPARE(readDone(cut), std::vector<std::uint8_t>(12, 1));
    }

    void refuseMismatchedResume()
    {
        const std::string out = path("mismatch.h5");
        core::StackJob job = ctfJob(m_tiff, out, "0:8");
        core::CancelToken token;
        CancelAfter sink(token, 2);
        QVERIFY_THROWS_EXCEPTION(core::Cancelled,
                                 core::reconstructStack(job, makeCtf, {&sink, &token}));
        QVERIFY(fs::exists(core::stackPartPath(out)));
        job.resume = true;
        core::StackJob other = job;
        other.request.betaOverDelta = 0.1;
        try {
            core::reconstructStack(other, makeCtf);
            QFAIL("resumed with other parameters");
        } catch (const core::InputError& e) {
            QVERIFY2(std::string(e.what()).find("other parameters") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find(".part") != std::string::npos, e.what());
        }
        other = job;
        other.frames = core::FrameRange::parse("0:9");
        try {
            core::reconstructStack(other, makeCtf);
            QFAIL("resumed with another frame range");
        } catch (const core::InputError& e) {
            QVERIFY2(std::string(e.what()).find("range") != std::string::npos, e.what());
        }
        other = job;
        other.output = path("mismatch");
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstructStack(other, makeCtf));
        // The .part is untouched by the refusals and still resumes.
        QVERIFY(core::reconstructStack(job, makeCtf).computed > 0);
    }

    /// An NXtomo scan with darks and drifting flats before and after: flats averaged once for
    /// the stack give each projection exactly what loadHologram() gives it.
    void nxtomoStackMatchesSingleFrames()
    {
        const int n = 6, size = 64;
        const std::vector<core::ImageF> t = test::simulatedHolograms(n, size, 31);
        // key: flats 0–1, darks 2–3, projections 4–9, flats 10–11.
        std::vector<int> key = {1, 1, 2, 2};
        for (int i = 0; i < n; ++i)
            key.push_back(0);
        key.push_back(1);
        key.push_back(1);
        std::vector<float> data;
        int projection = 0;
        for (std::size_t k = 0; k < key.size(); ++k)
            for (int y = 0; y < size; ++y)
                for (int x = 0; x < size; ++x) {
                    const float beam = 1000.0f + 15.0f * float(k) + 2.0f * float(x) + float(y);
                    const float dark = 100.0f + float((x * 7 + y * 3) % 11);
                    float v = dark;
                    if (key[k] == 1)
                        v += beam;
                    else if (key[k] == 0)
                        v += t[std::size_t(projection)](x, y) * beam;
                    data.push_back(v);
                    if (key[k] == 0 && y == size - 1 && x == size - 1)
                        ++projection;
                }
        const std::string file = path("scan.nxs");
        {
            const auto lock = core::lockHdf5();
            core::H5Handle hf = test::createH5(file);
            QVERIFY(test::writeH5Dataset(hf.get(), "/entry/instrument/detector/data", H5T_IEEE_F32LE,
                                         H5T_NATIVE_FLOAT,
                                         {hsize_t(key.size()), hsize_t(size), hsize_t(size)}, data));
            QVERIFY(test::writeH5Dataset(hf.get(), "/entry/instrument/detector/image_key",
                                         H5T_STD_I32LE, H5T_NATIVE_INT, {hsize_t(key.size())}, key));
        }
        const core::StackJob job = ctfJob(file, path("nx.h5"), "all");
        const core::StackSummary s = core::reconstructStack(job, makeCtf);
        QCOMPARE(s.frames, n);
        QCOMPARE(readFrames(job.output), (std::vector<int>{0, 1, 2, 3, 4, 5}));
        auto ctf = makeCtf();
        const core::ThreadCountScope threads(s.threadsPerFrame);
        for (int p = 0; p < n; ++p) {
            core::ReconstructionRequest r = job.request;
            r.input.frame = p;
            const core::LoadedHologram h = core::loadHologram(r.input);
            QVERIFY(h.flatCorrected);
            const core::ReconstructionOutcome o = core::reconstruct(*ctf, r, h);
            QVERIFY2(bitEqual(core::readImage(job.output + ":/phase", p), o.phase),
                     qPrintable(QString("projection %1").arg(p)));
        }
    }

    /// A multi-page TIFF whose third page has another size stops with an error naming it,
    /// never writing past a row.
    void pageOfAnotherSize()
    {
        const std::vector<core::ImageF> a = test::simulatedHolograms(3, 64, 41);
        const std::vector<core::ImageF> b = test::simulatedHolograms(1, 32, 42);
        const std::string input = path("mixed.tif");
        TIFF* t = TIFFOpen(input.c_str(), "w");
        QVERIFY(t);
        for (const core::ImageF* img : {&a[0], &a[1], &b[0], &a[2]}) {
            TIFFSetField(t, TIFFTAG_IMAGEWIDTH, img->width());
            TIFFSetField(t, TIFFTAG_IMAGELENGTH, img->height());
            TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
            TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 32);
            TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_IEEEFP);
            TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
            TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
            TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, img->height());
            for (int y = 0; y < img->height(); ++y)
                QVERIFY(TIFFWriteScanline(t, const_cast<float*>(img->row(y)), std::uint32_t(y), 0) >= 0);
            QVERIFY(TIFFWriteDirectory(t));
        }
        TIFFClose(t);
        core::StackJob job = ctfJob(input, path("mixed.h5"), "all");
        try {
            core::reconstructStack(job, makeCtf);
            QFAIL("a page of another size passed");
        } catch (const core::InputError& e) {
            QVERIFY2(std::string(e.what()).rfind("frame 2: ", 0) == 0, e.what());
            QVERIFY2(std::string(e.what()).find("32 × 32") != std::string::npos, e.what());
        }
        QCOMPARE(readDone(core::stackPartPath(job.output)), (std::vector<std::uint8_t>{1, 1, 0, 0}));
    }

    /// A frame that fails (raw counts among normalised frames) stops the run with an error
    /// naming it; the frames before it stay in the .part.
    void failingFrameKeepsPart()
    {
        std::vector<core::ImageF> frames = test::simulatedHolograms(6, 64, 21);
        for (float& v : frames[3])
            v *= 1000;
        const std::string input = path("one_bad.tif"), out = path("one_bad.h5");
        core::writeTiffStack(input, frames);
        core::StackJob job = ctfJob(input, out, "all");
        job.workers = 1;
        try {
            core::reconstructStack(job, makeCtf);
            QFAIL("a raw-count frame passed");
        } catch (const core::InputError& e) {
            QVERIFY2(std::string(e.what()).rfind("frame 3: ", 0) == 0, e.what());
        }
        QVERIFY(!fs::exists(out));
        QCOMPARE(readDone(core::stackPartPath(out)), (std::vector<std::uint8_t>{1, 1, 1, 0, 0, 0}));
    }

    /// Two ranks (threads sharing a mailbox) write the 1-rank file bit for bit, also with a
    /// last round where rank 1 has no frame.
    void twoRanksMatchOneRank()
    {
        const std::string one = path("one.h5"), two = path("two.h5");
        core::StackJob job = ctfJob(m_tiff, one, "0:7");
        const core::StackSummary s1 = core::reconstructStack(job, makeCtf);
        job.output = two;
        test::Mailbox box(2);
        test::FakeRankGroup g0(box, 0), g1(box, 1);
        core::StackSummary s[2];
        std::exception_ptr errors[2];
        auto runRank = [&](int r, core::RankGroup* g) {
            try {
                s[r] = core::reconstructStack(job, makeCtf, {nullptr, nullptr}, g);
            } catch (...) {
                errors[r] = std::current_exception();
            }
        };
        std::thread t1(runRank, 1, &g1);
        runRank(0, &g0);
        t1.join();
        for (auto& e : errors)
            if (e)
                std::rethrow_exception(e);
        QCOMPARE(s[0].ranks, 2);
        QCOMPARE(s[0].computed, 7);
        QCOMPARE(s[0].threadsPerFrame, s1.threadsPerFrame);
        QVERIFY(fs::exists(two));
        QVERIFY(sameStack(one, two, 7));
        QCOMPARE(readDone(two), std::vector<std::uint8_t>(7, 1));
    }

    /// A cancel on rank 1 stops both ranks at the next round; rank 0 keeps a valid .part.
    void twoRanksCancel()
    {
        const std::string out = path("two_cancel.h5");
        core::StackJob job = ctfJob(m_tiff, out, "all");
        test::Mailbox box(2);
        test::FakeRankGroup g0(box, 0), g1(box, 1);
        core::CancelToken token1;
        token1.cancel();  // rank 1 is interrupted at once
        std::exception_ptr errors[2];
        std::thread t1([&] {
            try {
                core::reconstructStack(job, makeCtf, {nullptr, &token1}, &g1);
            } catch (...) {
                errors[1] = std::current_exception();
            }
        });
        try {
            core::reconstructStack(job, makeCtf, {nullptr, nullptr}, &g0);
        } catch (...) {
            errors[0] = std::current_exception();
        }
        t1.join();
        QVERIFY(errors[0] && errors[1]);
        QVERIFY_THROWS_EXCEPTION(core::Cancelled, std::rethrow_exception(errors[1]));
        QVERIFY_THROWS_EXCEPTION(core::RankGroupError, std::rethrow_exception(errors[0]));
        QVERIFY(!fs::exists(out));
        QCOMPARE(readDone(core::stackPartPath(out)).size(), std::size_t(12));
    }

    /// 60 frames of 512² (60 MB in, 120 MB out) in a few frames' worth of memory. The same
    /// measurement sees a stack-sized allocation, so it cannot pass for want of resolution.
    void peakMemoryStaysSmall()
    {
        if (!resetPeakRss())
            QSKIP("/proc/self/clear_refs is not writable here");
        const int n = 60, size = 512;
        const std::string input = path("big.tif");
        {
            const std::vector<core::ImageF> few = test::simulatedHolograms(3, size, 3);
            core::TiffStackWriter<float> w(input, size, size, n);
            for (int i = 0; i < n; ++i)
                w.append(few[std::size_t(i % 3)]);
            w.commit();
        }
        const double stackMb = 3.0 * n * size * size * 4 / (1 << 20);  // in + phase + absorption
        core::StackJob job = ctfJob(input, path("big.h5"), "all");
        job.request.geometry = core::Geometry{13, 2e-3, 50e-9};
        QVERIFY(resetPeakRss());
        const long base = statusKb("VmRSS:");
        const core::StackSummary s = core::reconstructStack(job, makeCtf);
        const double usedMb = double(statusKb("VmHWM:") - base) / 1024;
        qInfo("stack of %.0f MB: peak RSS grew by %.1f MB (%d workers, %.1f frames/s)", stackMb,
              usedMb, s.workers, s.framesPerSecond);
        QCOMPARE(s.computed, n);
        QVERIFY2(usedMb < stackMb / 2, qPrintable(QString::number(usedMb)));

        QVERIFY(resetPeakRss());
        const long base2 = statusKb("VmRSS:");
        std::vector<float> whole(std::size_t(3) * n * size * size);
        for (std::size_t i = 0; i < whole.size(); i += 1024)
            whole[i] = float(i);
        const double wholeMb = double(statusKb("VmHWM:") - base2) / 1024;
        QVERIFY2(wholeMb > 0.9 * stackMb, qPrintable(QString::number(wholeMb)));
        QVERIFY(whole[1024] == 1024.0f);
    }
};

QTEST_APPLESS_MAIN(StackTest)
#include "stack_test.moc"
