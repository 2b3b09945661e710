// The forward operator against the FFTs it needs (issue: within 1.3× of that bound, all cores).
// F costs one forward and one inverse FFT of the grid plus point-wise work (physics.md §3).
#include <benchmark/benchmark.h>

#include <phaselab/core/fft.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/parallel.h>

#include <random>

using namespace phaselab::core;

namespace {

template <typename Real>
Image<Real> randomImage(int n, double hi, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> d(0, hi);
    Image<Real> img(n, n);
    for (auto& v : img)
        v = Real(d(rng));
    return img;
}

void setCounters(benchmark::State& state, int n)
{
    state.counters["threads"] = threadCount();
    state.counters["Mpixel/s"] =
        benchmark::Counter(double(n) * n * state.iterations() / 1e6, benchmark::Counter::kIsRate);
}

// The bound: one forward and one backward in-place FFT of the same grid.
template <typename Real, FftEffort kEffort = FftEffort::Measure>
void BM_FftPair(benchmark::State& state)
{
    const int n = int(state.range(0));
    Fft2D<Real> fft(n, n, kEffort);
    AlignedBuffer<Complex<Real>> buf(std::size_t(n) * n);
    for (std::size_t i = 0; i < buf.size(); ++i)
        buf[i] = Complex<Real>(Real(1), Real(0.01 * (i % 7)));
    for (auto _ : state) {
        fft.forward(buf.data());
        fft.backward(buf.data());
        benchmark::DoNotOptimize(buf.data());
    }
    setCounters(state, n);
}

template <typename Real>
void BM_Forward(benchmark::State& state)
{
    const int n = int(state.range(0));
    FresnelOperator<Real> op(Geometry::dgnPaper(), n, n);
    const auto B = randomImage<Real>(n, 0.1, 1);
    const auto phi = randomImage<Real>(n, 1.0, 2);
    for (auto _ : state) {
        Image<Real> I = op.forward(B, phi);
        benchmark::DoNotOptimize(I.data());
    }
    setCounters(state, n);
}

template <typename Real>
void BM_Derivative(benchmark::State& state)
{
    const int n = int(state.range(0));
    FresnelOperator<Real> op(Geometry::dgnPaper(), n, n);
    op.linearize(randomImage<Real>(n, 0.1, 1), randomImage<Real>(n, 1.0, 2));
    const auto hB = randomImage<Real>(n, 1, 3), hP = randomImage<Real>(n, 1, 4);
    for (auto _ : state) {
        Image<Real> d = op.derivative(hB, hP);
        benchmark::DoNotOptimize(d.data());
    }
    setCounters(state, n);
}

template <typename Real>
void BM_Adjoint(benchmark::State& state)
{
    const int n = int(state.range(0));
    FresnelOperator<Real> op(Geometry::dgnPaper(), n, n);
    op.linearize(randomImage<Real>(n, 0.1, 1), randomImage<Real>(n, 1.0, 2));
    const auto g = randomImage<Real>(n, 1, 5);
    Image<Real> gB, gP;
    for (auto _ : state) {
        op.adjoint(g, gB, gP);
        benchmark::DoNotOptimize(gB.data());
    }
    setCounters(state, n);
}

} // namespace

#define PHASELAB_SIZES ->Arg(512)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime()
BENCHMARK_TEMPLATE(BM_FftPair, float) PHASELAB_SIZES;
BENCHMARK_TEMPLATE(BM_Forward, float) PHASELAB_SIZES;
BENCHMARK_TEMPLATE(BM_Derivative, float) PHASELAB_SIZES;
BENCHMARK_TEMPLATE(BM_Adjoint, float) PHASELAB_SIZES;
BENCHMARK_TEMPLATE(BM_FftPair, double) PHASELAB_SIZES;
// What one-shot work (GUI previews, the CLI) gets without measured plans.
BENCHMARK_TEMPLATE(BM_FftPair, float, FftEffort::Estimate) PHASELAB_SIZES;
BENCHMARK_TEMPLATE(BM_Forward, double) PHASELAB_SIZES;

// main(): bench_main.cpp. Steady-state speed: measured FFTW plans, as iterative solvers use them.
void benchSetUp()
{
    setFftEffort(FftEffort::Measure);
}
