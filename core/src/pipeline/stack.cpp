#include <phaselab/core/stack.h>

#include <phaselab/core/error.h>
#include <phaselab/core/hdf5_lock.h>
#include <phaselab/core/parallel.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/core/units.h>
#include <phaselab/version.h>

#include "io/hdf5_handle.h"
#include "io/hdf5_write.h"

#include <fcntl.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace phaselab::core {

// ---- Frame ranges ------------------------------------------------------------------------------

namespace {

bool parseField(const std::string& field, int& value)
{
    if (field.empty())
        return true;
    if (field.size() > 9 || !std::all_of(field.begin(), field.end(),
                                         [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    value = std::stoi(field);
    return true;
}

} // namespace

FrameRange FrameRange::parse(const std::string& textIn)
{
    std::string text;
    for (char c : textIn)
        if (c != ' ')
            text += c;
    const auto bad = [&](const std::string& why) {
        return InputError("frames \"" + textIn + "\": " + why +
                          " (expected all, A:B, A: or A:B:STEP, frames numbered from 0)");
    };
    FrameRange r;
    if (text == "all")
        return r;
    std::vector<std::string> fields(1);
    for (char c : text) {
        if (c == ':')
            fields.emplace_back();
        else
            fields.back() += c;
    }
    if (fields.size() < 2 || fields.size() > 3)
        throw bad("not a range");
    if (!parseField(fields[0], r.start))
        throw bad("the start is not a non-negative integer");
    if (!fields[1].empty()) {
        if (!parseField(fields[1], r.stop))
            throw bad("the stop is not a non-negative integer");
    }
    if (fields.size() == 3 && !fields[2].empty()) {
        if (!parseField(fields[2], r.step) || r.step < 1)
            throw bad("the step is not a positive integer");
    }
    if (r.stop >= 0 && r.stop <= r.start)
        throw bad("selects no frame (the stop must be above the start)");
    return r;
}

std::vector<int> FrameRange::indices(int frameCount) const
{
    if (step < 1 || start < 0)
        throw InputError("frames " + toString() + ": invalid range");
    const int end = stop < 0 ? frameCount : stop;
    if (start >= frameCount || end > frameCount)
        throw InputError("frames " + toString() + ": the stack has " + std::to_string(frameCount) +
                         " frame(s), numbered 0 to " + std::to_string(frameCount - 1));
    std::vector<int> out;
    for (int f = start; f < end; f += step)
        out.push_back(f);
    if (out.empty())
        throw InputError("frames " + toString() + ": selects no frame");
    return out;
}

std::string FrameRange::toString() const
{
    if (start == 0 && stop < 0 && step == 1)
        return "all";
    return std::to_string(start) + ":" + (stop < 0 ? std::string() : std::to_string(stop)) +
           (step == 1 ? std::string() : ":" + std::to_string(step));
}

nlohmann::json StackSummary::report() const
{
    nlohmann::json j = {{"method", method},
            {"frames", frames},
            {"computed", computed},
            {"skipped", skipped},
            {"seconds", seconds},
            {"frames_per_second", framesPerSecond},
            {"shape", {height, width}},
            {"workers", workers},
            {"threads_per_frame", threadsPerFrame},
            {"mode", mode},
            {"mode_choice", modeChoice},
            {"ranks", ranks},
            {"outputs", outputs},
            {"warnings", warnings}};
    if (modeChoice == "measured")
        j["measured_frames_per_second"] = {{"fft_parallel", fftParallelFps},
                                           {"frame_parallel", frameParallelFps}};
    return j;
}

std::string stackPartPath(const std::string& output)
{
    return output + ".part";
}

bool isHdf5StackOutput(const std::string& output)
{
    std::string ext = std::filesystem::path(output).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".h5" || ext == ".hdf5";
}

namespace {

// ---- Writers -------------------------------------------------------------------------------------

/// The one frame of a result that a writer needs, plus the first frame's metadata.
struct FrameResult {
    ImageF phase, absorption;
};

class StackWriter {
public:
    virtual ~StackWriter() = default;
    /// Writes range position `position`; `metadata` is the first written frame's (null later).
    virtual void write(int position, const float* phase, const float* absorption,
                       const nlohmann::json* metadata) = 0;
    /// Completes the output; returns the paths written.
    virtual std::vector<std::string> finish() = 0;
};

std::optional<std::string> readStringAttr(hid_t obj, const char* name)
{
    if (H5Aexists(obj, name) <= 0)
        return std::nullopt;
    H5Handle a(H5Aopen(obj, name, H5P_DEFAULT));
    H5Handle type(H5Aget_type(a.get()));
    if (!type || H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) > 0)
        return std::nullopt;
    const std::size_t size = H5Tget_size(type.get());
    std::string value(size, '\0');
    if (H5Aread(a.get(), type.get(), value.data()) < 0)
        return std::nullopt;
    value.resize(std::strlen(value.c_str()));
    return value;
}

std::optional<double> readDoubleAttr(hid_t obj, const char* name)
{
    if (H5Aexists(obj, name) <= 0)
        return std::nullopt;
    H5Handle a(H5Aopen(obj, name, H5P_DEFAULT));
    double v = 0;
    if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v) < 0)
        return std::nullopt;
    return v;
}

void fsyncPath(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

/// OUT.h5.part: created or reopened, one frame per write, flushed each time, renamed at the end.
class Hdf5StackWriter final : public StackWriter {
public:
    /// Creates (or, with `resume` and an existing .part, reopens and checks) the file.
    Hdf5StackWriter(const std::string& output, const std::string& requestJson,
                    const std::string& rangeText, const std::vector<int>& frames, int width,
                    int height, int threadsPerFrame, bool resume)
        : m_output(output), m_part(stackPartPath(output)), m_n(int(frames.size())), m_width(width),
          m_height(height)
    {
        const auto lock = lockHdf5();
        silenceHdf5Errors();
        if (resume && std::filesystem::exists(m_part))
            reopen(requestJson, frames);
        else
            create(requestJson, rangeText, frames, threadsPerFrame);
    }

    ~Hdf5StackWriter() override { close(); }

    /// Frames already in the file (resume), one byte per range position.
    [[nodiscard]] const std::vector<std::uint8_t>& done() const { return m_done; }
    /// Threads per frame the file was started with.
    [[nodiscard]] int threadsPerFrame() const { return m_threadsPerFrame; }
    [[nodiscard]] bool resumed() const { return m_resumed; }

    void write(int position, const float* phase, const float* absorption,
               const nlohmann::json* metadata) override
    {
        const auto lock = lockHdf5();
        silenceHdf5Errors();
        if (metadata && H5Aexists(m_file.get(), "parameters") <= 0) {
            ImageMetadata meta;
            meta.parameters = *metadata;
            if (metadata->contains("geometry") && (*metadata)["geometry"].contains("pixel_size_m"))
                meta.pixelSizeM = (*metadata)["geometry"]["pixel_size_m"].get<double>();
            writeCommonAttrs(m_file.get(), meta, m_part);
        }
        writeFrame(m_phase.get(), position, phase);
        writeFrame(m_absorption.get(), position, absorption);
        const std::uint8_t one = 1;
        const hsize_t start = hsize_t(position), count = 1;
        H5Handle fspace(H5Dget_space(m_doneSet.get()));
        H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr);
        H5Handle mspace(H5Screate_simple(1, &count, nullptr));
        if (H5Dwrite(m_doneSet.get(), H5T_NATIVE_UINT8, mspace.get(), fspace.get(), H5P_DEFAULT, &one) < 0)
            fail("cannot write the done mask (disk full?)");
        // A cancel or a failed frame leaves a file whose done mask tells what it holds.
        if (H5Fflush(m_file.get(), H5F_SCOPE_LOCAL) < 0)
            fail("cannot flush (disk full?)");
        m_done[std::size_t(position)] = 1;
    }

    std::vector<std::string> finish() override
    {
        if (std::count(m_done.begin(), m_done.end(), std::uint8_t(1)) != m_n)
            fail("not every frame was written");
        close();
        fsyncPath(m_part);
        std::error_code ec;
        std::filesystem::rename(m_part, m_output, ec);
        if (ec)
            throw InputError(m_output + ": cannot rename " + m_part + ": " + ec.message());
        const std::string dir = std::filesystem::path(m_output).parent_path().string();
        fsyncPath(dir.empty() ? "." : dir);
        return {m_output};
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw InputError(m_part + ": " + what); }

    void close()
    {
        const auto lock = lockHdf5();
        m_phase.reset();
        m_absorption.reset();
        m_doneSet.reset();
        m_file.reset();
    }

    void writeFrame(hid_t ds, int position, const float* data)
    {
        const hsize_t start[3] = {hsize_t(position), 0, 0};
        const hsize_t count[3] = {1, hsize_t(m_height), hsize_t(m_width)};
        H5Handle fspace(H5Dget_space(ds));
        H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
        H5Handle mspace(H5Screate_simple(3, count, nullptr));
        if (H5Dwrite(ds, H5T_NATIVE_FLOAT, mspace.get(), fspace.get(), H5P_DEFAULT, data) < 0)
            fail("cannot write frame " + std::to_string(position) + " (disk full?)");
    }

    H5Handle makeFrames(const char* name, const char* unit)
    {
        const hsize_t dims[3] = {hsize_t(m_n), hsize_t(m_height), hsize_t(m_width)};
        H5Handle space(H5Screate_simple(3, dims, nullptr));
        H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
        const hsize_t chunk[3] = {1, dims[1], dims[2]};
        H5Pset_chunk(dcpl.get(), 3, chunk);
        const float zero = 0;
        H5Pset_fill_value(dcpl.get(), H5T_NATIVE_FLOAT, &zero);
        H5Handle ds(H5Dcreate2(m_file.get(), name, H5T_IEEE_F32LE, space.get(), H5P_DEFAULT,
                               dcpl.get(), H5P_DEFAULT));
        if (!ds)
            fail(std::string("cannot create dataset ") + name);
        writeStringAttr(ds.get(), "unit", unit, m_part);
        return ds;
    }

    void create(const std::string& requestJson, const std::string& rangeText,
                const std::vector<int>& frames, int threadsPerFrame)
    {
        m_file = H5Handle(H5Fcreate(m_part.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
        if (!m_file)
            fail("cannot create HDF5 file");
        m_phase = makeFrames("phase", "rad");
        m_absorption = makeFrames("absorption", "1");
        const hsize_t n = hsize_t(m_n);
        H5Handle space(H5Screate_simple(1, &n, nullptr));
        H5Handle framesSet(H5Dcreate2(m_file.get(), "frames", H5T_STD_I32LE, space.get(),
                                      H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        if (!framesSet || H5Dwrite(framesSet.get(), H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                   frames.data()) < 0)
            fail("cannot write the frame indices");
        m_done.assign(frames.size(), 0);
        m_doneSet = H5Handle(H5Dcreate2(m_file.get(), "done", H5T_STD_U8LE, space.get(),
                                        H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        if (!m_doneSet || H5Dwrite(m_doneSet.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL,
                                   H5P_DEFAULT, m_done.data()) < 0)
            fail("cannot write the done mask");
        writeStringAttr(m_file.get(), "request", requestJson, m_part);
        writeStringAttr(m_file.get(), "frame_range", rangeText, m_part);
        writeDoubleAttr(m_file.get(), "threads_per_frame", threadsPerFrame, m_part);
        if (H5Fflush(m_file.get(), H5F_SCOPE_LOCAL) < 0)
            fail("cannot flush (disk full?)");
        m_threadsPerFrame = threadsPerFrame;
    }

    void reopen(const std::string& requestJson, const std::vector<int>& frames)
    {
        const std::string again = "; delete it or run without resume to start again";
        m_file = H5Handle(H5Fopen(m_part.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
        if (!m_file)
            fail("cannot reopen the unfinished stack to resume it" + again);
        const std::optional<std::string> stored = readStringAttr(m_file.get(), "request");
        if (!stored)
            fail("holds no request: not a PhaseLab stack" + again);
        if (*stored != requestJson)
            fail("was started with other parameters or input (its request differs from this "
                 "one), cannot resume it" + again);
        m_phase = H5Handle(H5Dopen2(m_file.get(), "phase", H5P_DEFAULT));
        m_absorption = H5Handle(H5Dopen2(m_file.get(), "absorption", H5P_DEFAULT));
        m_doneSet = H5Handle(H5Dopen2(m_file.get(), "done", H5P_DEFAULT));
        H5Handle framesSet(H5Dopen2(m_file.get(), "frames", H5P_DEFAULT));
        if (!m_phase || !m_absorption || !m_doneSet || !framesSet)
            fail("lacks the phase, absorption, frames or done dataset" + again);
        std::vector<int> storedFrames(frames.size() + 1, -1);
        H5Handle fspace(H5Dget_space(framesSet.get()));
        if (H5Sget_simple_extent_npoints(fspace.get()) != hssize_t(frames.size()) ||
            H5Dread(framesSet.get(), H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                    storedFrames.data()) < 0)
            fail("holds another frame range" + again);
        storedFrames.pop_back();
        if (storedFrames != frames)
            fail("holds another frame range" + again);
        for (hid_t ds : {m_phase.get(), m_absorption.get()}) {
            H5Handle space(H5Dget_space(ds));
            hsize_t dims[3] = {0, 0, 0};
            if (H5Sget_simple_extent_ndims(space.get()) != 3 ||
                H5Sget_simple_extent_dims(space.get(), dims, nullptr) != 3 ||
                dims[0] != hsize_t(m_n) || dims[1] != hsize_t(m_height) || dims[2] != hsize_t(m_width))
                fail("holds frames of another shape or count" + again);
        }
        m_done.assign(frames.size(), 0);
        H5Handle dspace(H5Dget_space(m_doneSet.get()));
        if (H5Sget_simple_extent_npoints(dspace.get()) != hssize_t(frames.size()) ||
            H5Dread(m_doneSet.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                    m_done.data()) < 0)
            fail("cannot read the done mask" + again);
        const std::optional<double> tpf = readDoubleAttr(m_file.get(), "threads_per_frame");
        m_threadsPerFrame = tpf && *tpf >= 1 ? int(*tpf) : 1;
        m_resumed = true;
    }

    std::string m_output, m_part;
    int m_n, m_width, m_height;
    int m_threadsPerFrame = 1;
    bool m_resumed = false;
    std::vector<std::uint8_t> m_done;
    H5Handle m_file, m_phase, m_absorption, m_doneSet;
};

/// PREFIX_phase.tif and PREFIX_absorption.tif, page by page; both renamed at the end, removed
/// when abandoned (TiffStackWriter).
class TiffPairWriter final : public StackWriter {
public:
    TiffPairWriter(const std::string& prefix, std::vector<int> frames, int width, int height)
        : m_paths(resultPaths(prefix)), m_frames(std::move(frames)), m_width(width), m_height(height)
    {
        // Fail now, not after the first frame, when the directory is missing.
        const std::filesystem::path dir = std::filesystem::path(m_paths.phase).parent_path();
        if (!dir.empty() && !std::filesystem::is_directory(dir))
            throw InputError(m_paths.phase + ": the folder does not exist");
    }

    void write(int, const float* phase, const float* absorption, const nlohmann::json* metadata) override
    {
        if (!m_phase) {
            if (!metadata)
                throw std::logic_error("the first frame of a TIFF stack comes without metadata");
            auto meta = [&](const char* quantity, const char* unit) {
                ImageMetadata m;
                m.parameters = *metadata;
                m.parameters["quantity"] = quantity;
                m.parameters["unit"] = unit;
                m.parameters["frames"] = m_frames;
                if (metadata->contains("geometry") && (*metadata)["geometry"].contains("pixel_size_m"))
                    m.pixelSizeM = (*metadata)["geometry"]["pixel_size_m"].get<double>();
                return m;
            };
            const int n = int(m_frames.size());
            m_phase = std::make_unique<TiffStackWriter<float>>(m_paths.phase, m_width, m_height, n,
                                                               meta("phase", "rad"));
            m_absorption = std::make_unique<TiffStackWriter<float>>(
                m_paths.absorption, m_width, m_height, n, meta("absorption", "1"));
        }
        if (m_buffer.empty())
            m_buffer = ImageF(m_width, m_height);
        std::copy(phase, phase + m_buffer.size(), m_buffer.data());
        m_phase->append(m_buffer);
        std::copy(absorption, absorption + m_buffer.size(), m_buffer.data());
        m_absorption->append(m_buffer);
    }

    std::vector<std::string> finish() override
    {
        m_phase->commit();
        m_absorption->commit();
        return {m_paths.phase, m_paths.absorption};
    }

private:
    ResultPaths m_paths;
    std::vector<int> m_frames;
    int m_width, m_height;
    ImageF m_buffer;
    std::unique_ptr<TiffStackWriter<float>> m_phase, m_absorption;
};

// ---- The local pipeline: reader → workers → reorder buffer --------------------------------------

struct Slot {
    FrameResult result;
    nlohmann::json metadata;  // only for the first frame of this process
    std::vector<std::string> warnings;
    std::exception_ptr error;
};

/// Reads, computes and hands out this process's frames in order. The reader thread keeps at
/// most `workers` loaded frames waiting; a worker holds a finished frame back while it is
/// `2 · workers` or more ahead of the one the caller takes next.
class LocalPipeline {
public:
    LocalPipeline(std::unique_ptr<HologramReader> reader, const ReconstructionRequest& request,
                  std::vector<int> frames, std::vector<std::unique_ptr<ReconstructionMethod>> methods,
                  int threadsPerFrame, int width, int height)
        : m_reader(std::move(reader)), m_request(request), m_frames(std::move(frames)),
          m_methods(std::move(methods)), m_threadsPerFrame(threadsPerFrame),
          m_capacity(int(m_methods.size())), m_width(width), m_height(height)
    {
        if (m_frames.empty())
            return;
        m_threads.emplace_back([this] { readLoop(); });
        for (std::size_t w = 0; w < m_methods.size(); ++w)
            m_threads.emplace_back([this, w] { computeLoop(*m_methods[w]); });
    }

    ~LocalPipeline() { stop(); }

    void stop()
    {
        m_stop.cancel();
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_stopped = true;
        }
        m_changed.notify_all();
        for (std::thread& t : m_threads)
            if (t.joinable())
                t.join();
        m_threads.clear();
    }

    /// The next frame's slot (in order), or nullopt when `cancelled()` became true while waiting.
    std::optional<Slot> next(const std::function<bool()>& cancelled)
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        for (;;) {
            auto it = m_done.find(m_next);
            if (it != m_done.end()) {
                Slot s = std::move(it->second);
                m_done.erase(it);
                ++m_next;
                lock.unlock();
                m_changed.notify_all();
                return s;
            }
            lock.unlock();
            if (cancelled())
                return std::nullopt;
            lock.lock();
            m_changed.wait_for(lock, std::chrono::milliseconds(50));
        }
    }

private:
    void readLoop()
    {
        for (std::size_t i = 0; i < m_frames.size(); ++i) {
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_changed.wait(lock, [&] { return m_stopped || int(m_loaded.size()) < m_capacity; });
                if (m_stopped)
                    return;
            }
            try {
                LoadedHologram h = m_reader->load(m_frames[i]);
                std::lock_guard<std::mutex> lock(m_mutex);
                m_loaded.emplace_back(int(i), std::move(h));
            } catch (...) {
                std::lock_guard<std::mutex> lock(m_mutex);
                Slot s;
                s.error = std::current_exception();
                m_done.emplace(int(i), std::move(s));
                m_readerFailed = true;
                m_changed.notify_all();
                return;
            }
            m_changed.notify_all();
        }
    }

    void computeLoop(ReconstructionMethod& method)
    {
        const ThreadCountScope threads(m_threadsPerFrame);
#ifdef _OPENMP
        omp_set_num_threads(m_threadsPerFrame);
#endif
        const ProgressReporter progress(nullptr, &m_stop);
        for (;;) {
            int index = 0;
            LoadedHologram hologram;
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_changed.wait(lock, [&] { return m_stopped || m_readerFailed || !m_loaded.empty(); });
                if (m_stopped || m_loaded.empty())
                    return;
                index = m_loaded.front().first;
                hologram = std::move(m_loaded.front().second);
                m_loaded.pop_front();
            }
            m_changed.notify_all();
            Slot s;
            try {
                ReconstructionRequest request = m_request;
                request.input.frame = m_frames[std::size_t(index)];
                // Pages of a TIFF may differ in size; a stack's rows may not.
                if (hologram.image.width() != m_width || hologram.image.height() != m_height)
                    throw InputError(request.input.path + ": " + std::to_string(hologram.image.width()) +
                                     " × " + std::to_string(hologram.image.height()) +
                                     " pixels, the stack's first frame has " + std::to_string(m_width) +
                                     " × " + std::to_string(m_height));
                ReconstructionOutcome o = reconstruct(method, request, hologram, progress);
                if (index == 0)
                    s.metadata = o.metadata();
                s.warnings = std::move(o.warnings);
                s.result.phase = std::move(o.phase);
                s.result.absorption = std::move(o.absorption);
            } catch (const Cancelled&) {
                if (m_stop.isCancelled())
                    return;
                s.error = std::current_exception();
            } catch (const InputError& e) {
                // Which frame of thousands failed (a raw-count frame, a diverging solve).
                s.error = std::make_exception_ptr(
                    InputError("frame " + std::to_string(m_frames[std::size_t(index)]) + ": " + e.what()));
            } catch (...) {
                s.error = std::current_exception();
            }
            std::unique_lock<std::mutex> lock(m_mutex);
            // Bounded reorder buffer: wait while this frame is far ahead of the one taken next.
            m_changed.wait(lock, [&] { return m_stopped || index < m_next + 2 * m_capacity; });
            if (m_stopped)
                return;
            m_done.emplace(index, std::move(s));
            lock.unlock();
            m_changed.notify_all();
        }
    }

    std::unique_ptr<HologramReader> m_reader;
    ReconstructionRequest m_request;
    std::vector<int> m_frames;
    std::vector<std::unique_ptr<ReconstructionMethod>> m_methods;
    int m_threadsPerFrame;
    int m_capacity;
    int m_width, m_height;
    CancelToken m_stop;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_stopped = false;
    bool m_readerFailed = false;
    std::deque<std::pair<int, LoadedHologram>> m_loaded;
    std::map<int, Slot> m_done;
    int m_next = 0;
    std::vector<std::thread> m_threads;
};

std::vector<std::uint8_t> packHeader(int threadsPerFrame, const std::vector<std::uint8_t>& done)
{
    std::vector<std::uint8_t> bytes(4 + done.size());
    const std::uint32_t t = std::uint32_t(threadsPerFrame);
    std::memcpy(bytes.data(), &t, 4);
    std::copy(done.begin(), done.end(), bytes.begin() + 4);
    return bytes;
}

// Frames per second of the two ways to spend `threads` threads, on one frame (results
// discarded): all threads on one frame, and `threads` frames at once with one thread each, on
// persistent threads as the workers are. Each is run once first, untimed, to plan its FFTs and
// warm its buffers; fast frames are repeated for at least 0.1 s (frame-parallel runs as many
// frames per thread as the all-threads timing needed).
struct ModeTiming {
    double fftFps = 0, frameFps = 0;
};

ModeTiming timeModes(ReconstructionMethod& first,
                     const std::function<std::unique_ptr<ReconstructionMethod>()>& makeMethod,
                     const ReconstructionRequest& request, const LoadedHologram& frame,
                     int threads, const ProgressReporter& progress)
{
    using Clock = std::chrono::steady_clock;
    auto seconds = [](Clock::time_point t) {
        return std::max(1e-9, std::chrono::duration<double>(Clock::now() - t).count());
    };
    ModeTiming m;
    int repeats = 0;
    {
        const ThreadCountScope scope(threads);
        progress.step(0.0, "measuring: one frame on " + std::to_string(threads) + " threads");
        (void)reconstruct(first, request, frame);
        const auto t0 = Clock::now();
        do {
            (void)reconstruct(first, request, frame);
            ++repeats;
        } while (seconds(t0) < 0.1 && repeats < 200);
        m.fftFps = repeats / seconds(t0);
    }
    progress.step(0.0, "measuring: " + std::to_string(threads) + " frames at once");
    std::vector<std::unique_ptr<ReconstructionMethod>> methods;
    for (int i = 0; i < threads; ++i)
        methods.push_back(makeMethod());
    std::mutex mutex;
    std::condition_variable changed;
    int ready = 0;
    bool go = false;
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i)
        workers.emplace_back([&, i] {
            try {
                const ThreadCountScope scope(1);
                (void)reconstruct(*methods[std::size_t(i)], request, frame);  // warm-up
                {
                    std::unique_lock<std::mutex> lock(mutex);
                    ++ready;
                    changed.notify_all();
                    changed.wait(lock, [&] { return go; });
                }
                for (int k = 0; k < repeats; ++k)
                    (void)reconstruct(*methods[std::size_t(i)], request, frame);
            } catch (...) {
                errors[std::size_t(i)] = std::current_exception();
                std::lock_guard<std::mutex> lock(mutex);
                ++ready;  // never leave the others waiting for this one
                changed.notify_all();
            }
        });
    Clock::time_point t0;
    {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return ready == threads; });
        t0 = Clock::now();
        go = true;
        changed.notify_all();
    }
    for (auto& w : workers)
        w.join();
    m.frameFps = double(threads) * repeats / seconds(t0);
    for (const auto& e : errors)
        if (e)
            std::rethrow_exception(e);
    return m;
}

std::string etaText(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return "?";
    if (seconds < 120)
        return formatNumber(std::round(seconds), 3) + " s";
    if (seconds < 7200)
        return formatNumber(std::round(seconds / 60), 3) + " min";
    return formatNumber(seconds / 3600, 2) + " h";
}

} // namespace

StackSummary reconstructStack(const StackJob& job,
                              const std::function<std::unique_ptr<ReconstructionMethod>()>& makeMethod,
                              const ProgressReporter& progress, RankGroup* groupIn)
{
    const auto start = std::chrono::steady_clock::now();
    SingleRankGroup single;
    RankGroup& group = groupIn ? *groupIn : single;
    const int rank = group.rank();
    const int size = group.size();
    const bool hdf5 = isHdf5StackOutput(job.output);
    if (job.output.empty())
        throw InputError("a stack needs an output file (.h5) or prefix");
    if (job.resume && !hdf5)
        throw InputError(job.output + ": only HDF5 stacks (.h5) can be resumed, not TIFF");
    if (job.request.input.kind != InputSpec::Kind::File)
        throw InputError("a stack reconstruction needs an input file");
    if (job.workers < 0)
        throw InputError("workers must be 0 (automatic) or more, got " + std::to_string(job.workers));

    StackSummary summary;
    summary.ranks = size;

    // Set-up on every rank: the same frames, the same completed request, the same first frame.
    auto reader = std::make_unique<HologramReader>(job.request.input);
    const std::vector<int> frames = job.frames.indices(reader->frames());
    summary.frames = int(frames.size());
    std::unique_ptr<ReconstructionMethod> first = makeMethod();
    if (!first)
        throw std::logic_error("reconstructStack: makeMethod returned no method");
    ReconstructionRequest request = job.request;
    request.input.frame = frames.front();
    LoadedHologram probe = reader->load(frames.front());
    request = completeRequest(*first, request, probe);
    summary.method = request.method;
    summary.width = probe.image.width();
    summary.height = probe.image.height();
    ReconstructionRequest stored = request;
    stored.input.frame = 0;
    const std::string requestJson = stored.toJson().dump();

    const int threads = threadCount();
    const bool learned = first->info().kind == MethodKind::Learned;
    int threadsPerFrame = 0;
    summary.modeChoice = "rule";
    if (learned || frames.size() == 1 || threads == 1 || job.workers == 1) {
        threadsPerFrame = threads;
        if (learned || job.workers == 1)
            summary.modeChoice = "given";
    } else {
        const int w = job.workers > 0 ? job.workers : std::min<int>(threads, int(frames.size()));
        threadsPerFrame = std::max(1, threads / w);
        if (job.workers > 0)
            summary.modeChoice = "given";
    }
    // Measured instead when it pays: one process, automatic workers, ≥ 8 frames per thread, and
    // no .part file to continue (that keeps its own threads per frame).
    const bool continuing = job.resume && hdf5 && std::filesystem::exists(stackPartPath(job.output));
    if (!learned && job.workers == 0 && size == 1 && threads > 1 && !continuing &&
        frames.size() >= std::size_t(8) * std::size_t(threads)) {
        const ModeTiming t = timeModes(*first, makeMethod, request, probe, threads, progress);
        summary.modeChoice = "measured";
        summary.fftParallelFps = t.fftFps;
        summary.frameParallelFps = t.frameFps;
        threadsPerFrame = t.frameFps >= 1.1 * t.fftFps ? 1 : threads;
    }
    probe = LoadedHologram{};

    // Rank 0 opens the output; every rank learns the done mask and the threads per frame.
    std::unique_ptr<StackWriter> writer;
    std::vector<std::uint8_t> done(frames.size(), 0);
    std::exception_ptr setupError;
    if (rank == 0) {
        try {
            if (hdf5) {
                auto h = std::make_unique<Hdf5StackWriter>(job.output, requestJson,
                                                           job.frames.toString(), frames,
                                                           summary.width, summary.height,
                                                           threadsPerFrame, job.resume);
                done = h->done();
                if (continuing)
                    summary.modeChoice = "resumed";
                threadsPerFrame = h->threadsPerFrame();
                writer = std::move(h);
            } else {
                writer = std::make_unique<TiffPairWriter>(job.output, frames, summary.width,
                                                          summary.height);
            }
        } catch (...) {
            setupError = std::current_exception();
        }
    }
    if (size > 1) {
        if (group.any(bool(setupError))) {
            if (setupError)
                std::rethrow_exception(setupError);
            throw RankGroupError("rank " + std::to_string(rank) + " of " + std::to_string(size) +
                                 ": rank 0 could not open " + job.output);
        }
        std::vector<std::uint8_t> header = packHeader(threadsPerFrame, done);
        group.broadcast(header);
        if (header.size() != 4 + done.size())
            throw RankGroupError("rank " + std::to_string(rank) + ": the done mask broadcast has " +
                                 std::to_string(header.size()) + " bytes, expected " +
                                 std::to_string(4 + done.size()));
        std::uint32_t t = 0;
        std::memcpy(&t, header.data(), 4);
        threadsPerFrame = int(t);
        std::copy(header.begin() + 4, header.end(), done.begin());
    } else if (setupError) {
        std::rethrow_exception(setupError);
    }

    std::vector<int> pending;  // range positions not yet in the output
    for (std::size_t p = 0; p < frames.size(); ++p)
        if (!done[p])
            pending.push_back(int(p));
    summary.skipped = summary.frames - int(pending.size());
    std::vector<int> mine;  // this rank's frame indices, round by round
    for (std::size_t k = std::size_t(rank); k < pending.size(); k += std::size_t(size))
        mine.push_back(frames[std::size_t(pending[k])]);

    int workers = threadsPerFrame >= threads ? 1 : std::max(1, threads / threadsPerFrame);
    if (job.workers > 0)
        workers = job.workers;
    if (learned)
        workers = 1;
    workers = std::max(1, std::min<int>(workers, std::max<int>(1, int(mine.size()))));
    summary.workers = workers;
    summary.threadsPerFrame = threadsPerFrame;
    summary.mode = workers > 1 ? "frame-parallel" : "fft-parallel";

    std::vector<std::unique_ptr<ReconstructionMethod>> methods;
    methods.push_back(std::move(first));
    while (int(methods.size()) < workers)
        methods.push_back(makeMethod());
    LocalPipeline pipeline(std::move(reader), request, mine, std::move(methods), threadsPerFrame,
                           summary.width, summary.height);

    bool localCancel = false;
    const auto cancelled = [&] {
        if (!localCancel) {
            try {
                progress.checkCancel();
            } catch (const Cancelled&) {
                localCancel = true;
            }
        }
        return localCancel;
    };
    const std::size_t frameSize = std::size_t(summary.width) * std::size_t(summary.height);
    std::vector<float> mineBuffer, all;
    const std::size_t rounds = (pending.size() + std::size_t(size) - 1) / std::size_t(size);
    int written = 0;
    std::exception_ptr writeError;  // rank 0: shared with the other ranks at the next round
    for (std::size_t k = 0; k < rounds; ++k) {
        const bool have = k * std::size_t(size) + std::size_t(rank) < pending.size();
        std::optional<Slot> slot;
        std::exception_ptr error;
        // Polled every round, also when the frame is ready at once (fast frames).
        cancelled();
        if (have && !localCancel) {
            slot = pipeline.next(cancelled);
            if (slot && slot->error)
                error = slot->error;
        }
        bool stop = localCancel || bool(error) || bool(writeError);
        if (size > 1)
            stop = group.any(stop);
        if (stop) {
            pipeline.stop();
            writer.reset();  // HDF5: closes the flushed .part; TIFF: removes the temporaries
            if (error)
                std::rethrow_exception(error);
            if (writeError)
                std::rethrow_exception(writeError);
            if (localCancel)
                throw Cancelled();
            throw RankGroupError("rank " + std::to_string(rank) + " of " + std::to_string(size) +
                                 ": stopped because another rank was cancelled or failed");
        }
        if (k == 0 && slot && rank == 0)
            summary.warnings = slot->warnings;
        const float* phase = nullptr;
        const float* absorption = nullptr;
        if (size > 1) {
            mineBuffer.assign(2 * frameSize, 0.0f);
            if (slot) {
                std::copy(slot->result.phase.begin(), slot->result.phase.end(), mineBuffer.begin());
                std::copy(slot->result.absorption.begin(), slot->result.absorption.end(),
                          mineBuffer.begin() + std::ptrdiff_t(frameSize));
            }
            group.gather(mineBuffer, all);
        }
        if (rank != 0)
            continue;
        for (int r = 0; r < size; ++r) {
            const std::size_t at = k * std::size_t(size) + std::size_t(r);
            if (at >= pending.size())
                break;
            if (size > 1) {
                phase = all.data() + std::size_t(r) * 2 * frameSize;
                absorption = phase + frameSize;
            } else {
                phase = slot->result.phase.data();
                absorption = slot->result.absorption.data();
            }
            const nlohmann::json* metadata = (k == 0 && r == 0) ? &slot->metadata : nullptr;
            try {
                writer->write(pending[at], phase, absorption, metadata);
            } catch (...) {
                writeError = std::current_exception();
                break;
            }
            ++written;
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double fps = seconds > 0 ? written / seconds : 0;
        const int total = int(pending.size());
        if (groupIn == nullptr || rank == 0) {
            try {
                progress.step(double(written) / std::max(1, total),
                              "frame " + std::to_string(summary.skipped + written) + "/" +
                                  std::to_string(summary.frames) + ", " + formatNumber(fps, 3) +
                                  " frames/s, ETA " + etaText((total - written) / std::max(fps, 1e-9)));
            } catch (const Cancelled&) {
                localCancel = true;  // acted on at the next round, with the other ranks
            }
        }
    }
    pipeline.stop();
    summary.computed = int(pending.size());
    std::exception_ptr finishError;
    if (rank == 0 && writeError) {
        writer.reset();
        finishError = writeError;
    } else if (rank == 0) {
        try {
            if (pending.empty() && !hdf5)
                throw InputError(job.output + ": no frames to write");
            summary.outputs = writer->finish();
        } catch (...) {
            finishError = std::current_exception();
        }
    }
    if (size > 1 && group.any(bool(finishError)) && !finishError)
        throw RankGroupError("rank " + std::to_string(rank) + " of " + std::to_string(size) +
                             ": rank 0 could not complete " + job.output);
    if (finishError)
        std::rethrow_exception(finishError);
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    summary.framesPerSecond = summary.seconds > 0 ? summary.computed / summary.seconds : 0;
    if (rank != 0)
        summary.outputs = {hdf5 ? job.output : resultPaths(job.output).phase};
    return summary;
}

} // namespace phaselab::core
