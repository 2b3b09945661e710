// Stack reconstruction (issue 16): a 200-frame 1024² float32 stack of simulated holograms,
// generated once in the temporary folder, reconstructed by CTF through core::reconstructStack
// into an HDF5 file, with automatic workers (frame-parallel on several cores) and with one
// worker (FFT-parallel), against a plain loop of reconstruct calls, one frame after the other
// (frames read through one HologramReader, nothing written). Counters: frames/s, the peak
// resident set grown during the run (VmHWM after a reset), the process's ru_maxrss, and the
// mode chosen. Goal: peak memory under 500 MB whatever the stack size.
#include <benchmark/benchmark.h>

#include "bench_memory.h"

#include <phaselab/core/classical_methods.h>
#include <phaselab/core/parallel.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/simulate.h>
#include <phaselab/core/stack.h>
#include <phaselab/core/tiff_io.h>

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using namespace phaselab::core;
namespace fs = std::filesystem;

namespace {

using phaselab::bench::resetPeakRss;
using phaselab::bench::statusMiB;

constexpr int kFrames = 200;
constexpr int kSize = 1024;

fs::path benchDir()
{
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("phaselab_stack_bench_" + std::to_string(getpid()));
        fs::create_directories(d);
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(fs::temp_directory_path() /
                               ("phaselab_stack_bench_" + std::to_string(getpid())),
                           ec);
        });
        return d;
    }();
    return dir;
}

// 200 frames cycling through 8 simulated holograms (DGN protocol, no oversampling), float32.
const std::string& stackFile()
{
    static const std::string path = [] {
        const std::string p = (benchDir() / "stack.tif").string();
        SimulationParams params = SimulationParams::dgn();
        params.oversample = 1;
        params.ppsnrMinDb = 40;
        params.ppsnrMaxDb = 60;
        SampleSimulator sim(params, kSize);
        std::vector<ImageF> few;
        for (int i = 0; i < 8; ++i)
            few.push_back(sim.simulate({1, 0, 0, std::uint64_t(i)}).hologram);
        TiffStackWriter<float> w(p, kSize, kSize, kFrames);
        for (int k = 0; k < kFrames; ++k)
            w.append(few[std::size_t(k % 8)]);
        w.commit();
        return p;
    }();
    return path;
}



double maxRssMiB()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;
}

ReconstructionRequest ctfRequest()
{
    ReconstructionRequest r;
    r.input.path = stackFile();
    r.method = "ctf";
    r.geometry = Geometry::dgnPaper();
    r.betaOverDelta = 0.05;
    return r;
}

void ensureMethods()
{
    static const bool done = [] {
        retainLargeAllocations();  // as phaselab-cli does at start-up
        registerClassicalMethods(MethodRegistry::instance());
        return true;
    }();
    (void)done;
}

// range(0): workers (0 automatic, 1 FFT-parallel).
void BM_StackToHdf5(benchmark::State& state)
{
    ensureMethods();
    StackJob job;
    job.request = ctfRequest();
    job.output = (benchDir() / "out.h5").string();
    job.workers = int(state.range(0));
    StackSummary s;
    double grown = 0;
    for (auto _ : state) {
        resetPeakRss();
        const double base = statusMiB("VmRSS:");
        s = reconstructStack(job, [] { return MethodRegistry::instance().create("ctf"); });
        grown = statusMiB("VmHWM:") - base;
        fs::remove(job.output);
    }
    state.counters["frames_per_s"] = s.framesPerSecond;
    state.counters["peak_rss_grown_MiB"] = grown;
    state.counters["ru_maxrss_MiB"] = maxRssMiB();
    state.counters["workers"] = s.workers;
    state.counters["threads_per_frame"] = s.threadsPerFrame;
    state.SetLabel(s.mode);
}

// The plain loop: one reconstruct per frame, FFTs on all threads, nothing written. Frames come
// from one HologramReader: loadHologram() per frame would also re-hash the 800 MB file each time
// (its provenance checksum), which is not what is compared here.
void BM_LoopOfSingleReconstructs(benchmark::State& state)
{
    ensureMethods();
    const ReconstructionRequest request = ctfRequest();
    auto ctf = MethodRegistry::instance().create("ctf");
    HologramReader reader(request.input);
    double fps = 0, grown = 0;
    for (auto _ : state) {
        resetPeakRss();
        const double base = statusMiB("VmRSS:");
        const auto start = std::chrono::steady_clock::now();
        for (int k = 0; k < kFrames; ++k) {
            ReconstructionRequest r = request;
            r.input.frame = k;
            const LoadedHologram h = reader.load(k);
            benchmark::DoNotOptimize(reconstruct(*ctf, r, h));
        }
        fps = kFrames / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        grown = statusMiB("VmHWM:") - base;
    }
    state.counters["frames_per_s"] = fps;
    state.counters["peak_rss_grown_MiB"] = grown;
    state.counters["ru_maxrss_MiB"] = maxRssMiB();
}

} // namespace

BENCHMARK(BM_StackToHdf5)->Arg(0)->Arg(1)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_LoopOfSingleReconstructs)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

// main(): bench_main.cpp
