// Where Deep Gauss–Newton spends its time (issue 15): the parts of one inference at 512² and of
// one training step at 128², batch 10, timed separately on the paper's network (10 iterations,
// 31,300 parameters, untrained weights: speed does not depend on their values):
//   Convolutions  G and H of all 10 iterations (forward)
//   Linearize     F(f_k): transmittance, propagation, intensity (10 ×)
//   Derivative    F′ g (10 ×)
//   Adjoint       F′* r and F′* (F′ g) (20 ×)
//   Forward       the whole network without gradients (inference)
//   ForwardGrad   the same while recording the autograd graph (training's forward)
//   TrainStep     forward, balanced loss, backward and Adam step; third argument 1: mixed
//                 precision (bf16 convolutions, ReducedPrecisionTrainingScope; CPUs with
//                 AVX512_BF16 only)
// Autograd bookkeeping is ForwardGrad − Forward; the backward pass is TrainStep − ForwardGrad.
#include <benchmark/benchmark.h>

#include "fresnel_torch.h"
#include "network.h"

#include <phaselab/core/parallel.h>
#include <phaselab/models/runtime.h>

#include <optional>

using namespace phaselab;

namespace {

struct Setup {
    models::DgnImpl net{models::DgnOptions{}};
    torch::Tensor hologram, f, target;
    explicit Setup(int n, int batch)
    {
        models::initialiseRuntime();
        torch::manual_seed(1);
        net.setPhysics(core::Geometry::dgnPaper());
        hologram = 1.0 + 0.05 * torch::randn({batch, 1, n, n});
        f = torch::stack({0.01 * torch::rand({batch, n, n}), 0.2 * torch::rand({batch, n, n})}, 1);
        target = f.clone();
        models::DatasetStatistics s;
        s.absorptionMean = 0.005;
        s.phaseMean = 0.1;
        net.fitNormalisation(s);
    }
};

Setup& setup(int n, int batch)
{
    static std::map<std::pair<int, int>, std::unique_ptr<Setup>> cache;
    auto& s = cache[{n, batch}];
    if (!s)
        s = std::make_unique<Setup>(n, batch);
    return *s;
}

constexpr int kIterations = 10;

void finish(benchmark::State& state)
{
    state.counters["threads"] = core::threadCount();
}

void BM_Convolutions(benchmark::State& state)
{
    Setup& s = setup(int(state.range(0)), int(state.range(1)));
    torch::NoGradGuard noGrad;
    const torch::Tensor four = torch::cat({s.f, s.f}, 1);
    for (auto _ : state)
        for (int k = 0; k < kIterations; ++k) {
            benchmark::DoNotOptimize(s.net.runBlock(s.net.regulariser, s.f).data_ptr());
            benchmark::DoNotOptimize(s.net.runBlock(s.net.update, four).data_ptr());
        }
    finish(state);
}

void BM_Linearize(benchmark::State& state)
{
    Setup& s = setup(int(state.range(0)), int(state.range(1)));
    torch::NoGradGuard noGrad;
    const models::TorchFresnel& op = s.net.fresnelFor(s.hologram);
    for (auto _ : state)
        for (int k = 0; k < kIterations; ++k)
            benchmark::DoNotOptimize(op.linearize(s.f).intensity.data_ptr());
    finish(state);
}

void BM_Derivative(benchmark::State& state)
{
    Setup& s = setup(int(state.range(0)), int(state.range(1)));
    torch::NoGradGuard noGrad;
    const models::TorchFresnel& op = s.net.fresnelFor(s.hologram);
    const models::TorchFresnel::Point p = op.linearize(s.f);
    for (auto _ : state)
        for (int k = 0; k < kIterations; ++k)
            benchmark::DoNotOptimize(op.derivative(p, s.f).data_ptr());
    finish(state);
}

void BM_Adjoint(benchmark::State& state)
{
    Setup& s = setup(int(state.range(0)), int(state.range(1)));
    torch::NoGradGuard noGrad;
    const models::TorchFresnel& op = s.net.fresnelFor(s.hologram);
    const models::TorchFresnel::Point p = op.linearize(s.f);
    const torch::Tensor r = s.hologram.select(1, 0) - p.intensity;
    for (auto _ : state)
        for (int k = 0; k < 2 * kIterations; ++k)
            benchmark::DoNotOptimize(op.adjoint(p, r).data_ptr());
    finish(state);
}

void BM_Forward(benchmark::State& state)
{
    Setup& s = setup(int(state.range(0)), int(state.range(1)));
    torch::NoGradGuard noGrad;
    s.net.eval();
    for (auto _ : state)
        benchmark::DoNotOptimize(s.net.forward(s.hologram).data_ptr());
    finish(state);
}

void BM_ForwardGrad(benchmark::State& state)
{
    Setup& s = setup(int(state.range(0)), int(state.range(1)));
    s.net.train();
    for (auto _ : state)
        benchmark::DoNotOptimize(s.net.loss(s.net.forward(s.hologram), s.target).item<double>());
    finish(state);
}

void BM_TrainStep(benchmark::State& state)
{
    const bool bf16 = state.range(2) != 0;
    if (bf16 && !phaselab::models::cpuHasNativeBf16()) {
        state.SkipWithError("this CPU has no native bfloat16 (AVX512_BF16)");
        return;
    }
    Setup& s = setup(int(state.range(0)), int(state.range(1)));
    s.net.train();
    std::optional<phaselab::models::ReducedPrecisionTrainingScope> reduced;
    if (bf16)
        reduced.emplace();
    torch::optim::Adam adam(s.net.parameters(), torch::optim::AdamOptions(5e-4));
    for (auto _ : state) {
        adam.zero_grad();
        const torch::Tensor loss = s.net.loss(s.net.forward(s.hologram), s.target);
        loss.backward();
        adam.step();
        benchmark::DoNotOptimize(loss.item<double>());
    }
    state.counters["samples/s"] =
        benchmark::Counter(double(state.range(1)) * double(state.iterations()), benchmark::Counter::kIsRate);
    finish(state);
}

// {size, batch}: inference at 512², batch 1; training at 128², batch 10.
#define PROFILE(name) BENCHMARK(name)->Args({512, 1})->Args({128, 10})->Unit(benchmark::kMillisecond)->UseRealTime()
PROFILE(BM_Convolutions);
PROFILE(BM_Linearize);
PROFILE(BM_Derivative);
PROFILE(BM_Adjoint);
PROFILE(BM_Forward);
PROFILE(BM_ForwardGrad);
BENCHMARK(BM_TrainStep)->Args({128, 10, 0})->Args({128, 10, 1})->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

// main(): bench_main.cpp
