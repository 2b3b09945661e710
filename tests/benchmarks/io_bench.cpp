// Reading a detector stack frame by frame (issue 3): a 100-frame 2048² 16-bit TIFF, generated in
// the temporary folder, decoded page after page to float32 by TiffStack and by the format
// dispatcher (FrameReader). Memory must stay near one frame whatever the number of frames:
// the peak resident set during the read is reported next to the size of one float32 frame.
// The file was just written, so it is read from the page cache (decode cost, not disk speed).
#include <benchmark/benchmark.h>

#include "bench_memory.h"

#include <phaselab/core/image_io.h>
#include <phaselab/core/tiff_io.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

using namespace phaselab::core;
namespace fs = std::filesystem;

namespace {

using phaselab::bench::resetPeakRss;
using phaselab::bench::statusMiB;

fs::path benchDir()
{
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("phaselab_io_bench_" + std::to_string(getpid()));
        fs::create_directories(d);
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(fs::temp_directory_path() / ("phaselab_io_bench_" + std::to_string(getpid())), ec);
        });
        return d;
    }();
    return dir;
}

// The stack for (frames, size), written once per process with the streaming writer.
std::string stackFile(int frames, int size)
{
    static std::map<std::pair<int, int>, std::string> made;
    auto& p = made[{frames, size}];
    if (!p.empty())
        return p;
    p = (benchDir() / ("stack_" + std::to_string(frames) + "x" + std::to_string(size) + ".tif")).string();
    TiffStackWriter<std::uint16_t> w(p, size, size, frames);
    Image<std::uint16_t> frame(size, size);
    for (int k = 0; k < frames; ++k) {
        for (int y = 0; y < size; ++y)
            for (int x = 0; x < size; ++x)
                frame(x, y) = std::uint16_t((x * 7 + y * 13 + k * 101) & 0xFFFF);
        w.append(frame);
    }
    w.commit();
    return p;
}



template <typename Reader>
void readStack(benchmark::State& state, Reader&& open)
{
    const int frames = int(state.range(0)), size = int(state.range(1));
    const std::string path = stackFile(frames, size);
    double before = 0, peak = 0;
    double checksum = 0;
    for (auto _ : state) {
        state.PauseTiming();
        resetPeakRss();
        before = statusMiB("VmRSS:");
        state.ResumeTiming();
        auto reader = open(path);
        for (int k = 0; k < frames; ++k) {
            const ImageF f = reader(k);
            checksum += f[std::size_t(k)];
            benchmark::DoNotOptimize(f.data());
        }
        state.PauseTiming();
        peak = std::max(peak, statusMiB("VmHWM:"));
        state.ResumeTiming();
    }
    const double frameMiB = double(size) * size * sizeof(float) / (1024.0 * 1024.0);
    state.counters["frames/s"] =
        benchmark::Counter(double(frames) * state.iterations(), benchmark::Counter::kIsRate);
    state.SetBytesProcessed(std::int64_t(state.iterations()) * frames * size * size * 2);
    state.counters["frame_MiB"] = frameMiB;
    state.counters["stack_MiB"] = double(frames) * size * size * 2 / (1024.0 * 1024.0);
    state.counters["rss_before_MiB"] = before;
    state.counters["peak_rss_MiB"] = peak;
    state.counters["peak_growth_frames"] = (peak - before) / frameMiB;
    benchmark::DoNotOptimize(checksum);
}

void BM_TiffStackFrameByFrame(benchmark::State& state)
{
    readStack(state, [](const std::string& path) {
        auto stack = std::make_shared<TiffStack>(path);
        return [stack](int k) { return stack->readPage<float>(k); };
    });
}

void BM_FrameReaderFrameByFrame(benchmark::State& state)
{
    readStack(state, [](const std::string& path) {
        auto reader = std::make_shared<FrameReader>(path);
        return [reader](int k) { return reader->read(k); };
    });
}

} // namespace

BENCHMARK(BM_TiffStackFrameByFrame)->Args({100, 2048})->Args({4, 256})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FrameReaderFrameByFrame)->Args({100, 2048})->Args({4, 256})->Unit(benchmark::kMillisecond)->UseRealTime();

// main(): bench_main.cpp
