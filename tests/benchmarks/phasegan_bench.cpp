// PhaseGAN's speed (issue 12): one training iteration (D step, then G step, all four networks and
// the propagator) at 256², batch 16, and inference per 256² frame, at width 1 and ¼, with the
// networks' channels-last layout on and off (the default). The reference code (PyTorch, the
// authors' repository) takes 189 s per iteration at full width with OpenBLAS on this machine and
// 0.7–0.8 s per frame; the goals are ≥ 1.5× faster (≤ 126 s) and < 0.3 s per frame.
// Untrained weights: the speed does not depend on their values.
#include "phasegan_networks.h"
#include "phasegan_training.h"

#include <benchmark/benchmark.h>

#include <phaselab/core/parallel.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/runtime.h>

#include <random>

#include <sys/resource.h>

using namespace phaselab;

namespace {

const core::Geometry kPhaseGan = core::Geometry::phaseGanPaper();

// CPU time of the whole process (all threads) [s]: on a machine shared with other jobs, wall time
// overstates the cost; CPU seconds / threads is what an otherwise idle machine would take.
double processCpuSeconds()
{
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    return double(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
           1e-6 * double(r.ru_utime.tv_usec + r.ru_stime.tv_usec);
}

models::PhaseGanOptions options(const benchmark::State& state)
{
    models::PhaseGanOptions o;
    o.width = 1.0 / double(state.range(0));  // 1 → width 1, 4 → width ¼
    models::phaseGanChannelsLast() = state.range(1) != 0;
    return o;
}

void setCounters(benchmark::State& state, double cpu0, const models::PhaseGanOptions& o)
{
    state.counters["process_cpu_s"] = (processCpuSeconds() - cpu0) / double(state.iterations());
    state.counters["threads"] = core::threadCount();
    state.counters["width"] = o.width;
    state.counters["channels_last"] = double(state.range(1));
    state.counters["G_parameters"] = double(models::phaseGanGeneratorParameterCount(o, 1, 2));
}

// Arguments: 1 / width, channels-last (1) or plain NCHW (0).
void BM_TrainingIteration(benchmark::State& state)
{
    models::initialiseRuntime();
    const models::PhaseGanOptions o = options(state);
    constexpr int n = 256, batch = 16;
    torch::manual_seed(1);
    models::PhaseGanCycle cycle(o, kPhaseGan, n, n, torch::kCPU, 2e-4, 1e-4, 10);
    // Near-unit holograms and weak objects of the PhaseGAN protocol's scale.
    const torch::Tensor holograms = 1.0 + 0.05 * torch::randn({batch, 1, n, n});
    const torch::Tensor objects = 0.01 * torch::rand({batch, 2, n, n});
    const double cpu0 = processCpuSeconds();
    for (auto _ : state) {
        const models::PhaseGanCycle::Losses l = cycle.step(holograms, objects);
        benchmark::DoNotOptimize(l.generator);
    }
    setCounters(state, cpu0, o);
    models::phaseGanChannelsLast() = false;
}

void BM_Inference(benchmark::State& state)
{
    models::initialiseRuntime();
    const models::PhaseGanOptions o = options(state);
    models::LearnedModel model = models::LearnedModel::initialise(
        models::Method::PhaseGan, nlohmann::json{{"width", o.width}}, kPhaseGan, 1, "cpu");
    core::ImageF holo(256, 256);
    std::mt19937_64 rng(3);
    std::normal_distribution<float> noise(1.0f, 0.05f);
    for (float& v : holo)
        v = noise(rng);
    model.reconstruct(holo);  // warm-up: allocator, oneDNN primitives
    const double cpu0 = processCpuSeconds();
    for (auto _ : state) {
        const models::Reconstruction r = model.reconstruct(holo);
        benchmark::DoNotOptimize(r.phase.data());
    }
    setCounters(state, cpu0, o);
    models::phaseGanChannelsLast() = false;
}

} // namespace

BENCHMARK(BM_Inference)
    ->Args({1, 1})->Args({1, 0})->Args({4, 1})->Args({4, 0})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TrainingIteration)
    ->Args({1, 1})->Args({1, 0})->Args({4, 1})->Args({4, 0})
    ->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

// main(): bench_main.cpp
