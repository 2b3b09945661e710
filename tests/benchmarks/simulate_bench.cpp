// Data set generation speed (issue 5): samples per second of the DGN protocol at 128² and 512²
// on all cores, file writing included, and the cost of one sample on one thread.
#include <benchmark/benchmark.h>

#include <phaselab/core/parallel.h>
#include <phaselab/core/simulate.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace phaselab::core;

namespace {

std::string tempPath(const char* name)
{
    return (std::filesystem::temp_directory_path() /
            (std::string("phaselab_bench_") + std::to_string(::getpid()) + "_" + name))
        .string();
}

// A whole set: count samples (paired, 80/10/10) written to a temporary HDF5 file.
void BM_GenerateDgnSet(benchmark::State& state)
{
    const int n = int(state.range(0));
    DatasetRequest req;
    req.params = SimulationParams::dgn();
    req.size = n;
    // Enough samples for several batches on every thread, few enough for a quick smoke run.
    req.count = std::size_t(n <= 128 ? 16 * threadCount() : 2 * threadCount());
    const std::string path = tempPath("set.h5");
    {
        // FFT plans (or their wisdom) and first-touch costs, outside the timing.
        DatasetRequest warm = req;
        warm.count = std::size_t(threadCount());
        generateDataset(warm, path);
    }
    std::uint64_t bytes = 0;
    for (auto _ : state) {
        req.seed++;
        const DatasetReport r = generateDataset(req, path);
        bytes = r.fileBytes;
    }
    std::remove(path.c_str());
    state.counters["threads"] = threadCount();
    state.counters["samples/s"] = benchmark::Counter(double(req.count) * state.iterations(),
                                                     benchmark::Counter::kIsRate);
    state.counters["KiB/sample"] = double(bytes) / 1024.0 / double(req.count);
}

// One sample (object, 4× oversampled propagation, noise) on the calling thread.
void BM_SimulateDgnSample(benchmark::State& state)
{
    const int n = int(state.range(0));
    {
        const ThreadCountScope single(1);
        SampleSimulator sim(SimulationParams::dgn(), n);
        (void)sim.simulate({1, 0, 0, 0});  // plans and buffers, outside the timing
        std::uint64_t i = 1;
        for (auto _ : state)
            benchmark::DoNotOptimize(sim.simulate({1, 0, 0, i++}));
    }
    state.counters["samples/s"] =
        benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

} // namespace

BENCHMARK(BM_GenerateDgnSet)->Arg(128)->Arg(512)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SimulateDgnSample)->Arg(128)->Arg(512)->Unit(benchmark::kMillisecond)->UseRealTime();

// main(): bench_main.cpp
