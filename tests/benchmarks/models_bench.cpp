// The learned methods' speed (issue 7): inference on one hologram (targets on the 2-core CI
// machine at 512²: DGN ≤ 3 s, the paper's 5.88 s on its GPU set-up; MS-D Net ≤ 2.6 s, the paper's
// figure) and training throughput in samples/s at 128², batch 10. Untrained weights: speed does
// not depend on their values. Uses the torch-free facade only.
#include <benchmark/benchmark.h>

#include <phaselab/core/parallel.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/runtime.h>

#include "../models/sim_dataset.h"

#include <filesystem>
#include <map>

#include <sys/resource.h>
#include <unistd.h>

using namespace phaselab;

namespace {

const core::Geometry kPaper = core::Geometry::dgnPaper();

// CPU time of the whole process (all threads) [s]: on a machine shared with other jobs, wall time
// overstates the cost; CPU seconds / threads is what an otherwise idle machine would take.
double processCpuSeconds()
{
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    return double(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
           1e-6 * double(r.ru_utime.tv_usec + r.ru_stime.tv_usec);
}

core::ImageF hologram(int n)
{
    test::SimSpec spec;
    spec.size = n;
    spec.geometry = kPaper;
    spec.maxThicknessM = 150e-9;
    test::Simulator sim(spec);
    std::mt19937_64 rng(3);
    return sim.sample(rng).hologram;
}

void BM_Inference(benchmark::State& state, models::Method method)
{
    models::initialiseRuntime();
    const int n = int(state.range(0));
    models::LearnedModel model =
        models::LearnedModel::initialise(method, {}, {}, kPaper, 1, "cpu");
    const core::ImageF holo = hologram(n);
    model.reconstruct(holo);  // warm-up: operator set-up, allocator, oneDNN primitives
    const double cpu0 = processCpuSeconds();
    for (auto _ : state) {
        const models::Reconstruction r = model.reconstruct(holo);
        benchmark::DoNotOptimize(r.phase.data());
    }
    state.counters["process_cpu_s"] = (processCpuSeconds() - cpu0) / double(state.iterations());
    state.counters["threads"] = core::threadCount();
    state.counters["parameters"] = double(model.parameterCount());
}

// A temporary folder of this process, removed at exit.
struct BenchDir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("phaselab_models_bench_" + std::to_string(::getpid()));
    BenchDir() { std::filesystem::create_directories(path); }
    ~BenchDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

// A dataset file per image size, written once into the temporary folder.
std::string datasetFor(int n)
{
    static BenchDir benchDir;
    static std::map<int, std::string> files;
    auto it = files.find(n);
    if (it != files.end())
        return it->second;
    const auto& dir = benchDir.path;
    const std::string path = (dir / ("set" + std::to_string(n) + ".h5")).string();
    test::SimSpec spec;
    spec.size = n;
    spec.train = 40;
    spec.val = 10;
    spec.geometry = kPaper;
    test::writeSimulatedDataset(path, spec);
    return files[n] = path;
}

void BM_Training(benchmark::State& state, models::Method method, models::Precision precision)
{
    if (precision == models::Precision::BFloat16 && !models::cpuHasNativeBf16()) {
        state.SkipWithError("this CPU has no native bfloat16 (AVX512_BF16)");
        return;
    }
    const int n = int(state.range(0));
    const std::string data = datasetFor(n);
    const auto dir = std::filesystem::path(data).parent_path();
    double samplesPerSecond = 0;
    const double cpu0 = processCpuSeconds();
    for (auto _ : state) {
        models::TrainOptions o;
        o.method = method;
        o.dataPath = data;
        o.outPath = (dir / "bench_model.pt").string();
        o.epochs = 1;
        o.batchSize = 10;
        o.device = "cpu";
        o.precision = precision;
        const models::TrainResult r = models::train(o, nullptr, nullptr);
        samplesPerSecond = r.history.back().samplesPerSecond;
    }
    state.counters["samples/s"] = samplesPerSecond;
    state.counters["process_cpu_s"] = (processCpuSeconds() - cpu0) / double(state.iterations());
    state.counters["threads"] = core::threadCount();
}

} // namespace

BENCHMARK_CAPTURE(BM_Inference, dgn, models::Method::Dgn)
    ->Arg(128)->Arg(512)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Inference, msd, models::Method::Msd)
    ->Arg(128)->Arg(512)->Unit(benchmark::kMillisecond)->UseRealTime();
// One epoch of 40 samples (four batches of 10) plus validation of 10; samples/s counts training
// only (forward, backward and Adam step). DGN in float32 and in mixed precision (bf16
// convolutions, TrainOptions::precision); MS-D Net trains in float32.
BENCHMARK_CAPTURE(BM_Training, dgn_float32, models::Method::Dgn, models::Precision::Float32)
    ->Arg(32)->Arg(128)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Training, dgn_bf16, models::Method::Dgn, models::Precision::BFloat16)
    ->Arg(32)->Arg(128)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Training, msd, models::Method::Msd, models::Precision::Float32)
    ->Arg(32)->Arg(128)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

// main(): bench_main.cpp
