// FRC at 512² and 2048² (against its bound, one double-precision complex FFT of the square: both
// images go through a single FFT) and one edge-profile fit.
#include <benchmark/benchmark.h>

#include <phaselab/core/edge_profile.h>
#include <phaselab/core/fft.h>
#include <phaselab/core/metrics.h>
#include <phaselab/core/parallel.h>

#include <cmath>
#include <random>

using namespace phaselab::core;

namespace {

ImageF noiseImage(int n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(1.0f, 0.3f);
    ImageF img(n, n);
    for (auto& v : img)
        v = d(rng);
    return img;
}

void BM_Frc(benchmark::State& state)
{
    const int n = int(state.range(0));
    const ImageF a = noiseImage(n, 1), b = noiseImage(n, 2);
    for (auto _ : state) {
        FrcResult r = fourierRingCorrelation(a, b, 12e-9);
        benchmark::DoNotOptimize(r.resolutionM);
    }
    state.counters["threads"] = threadCount();
    state.counters["Mpixel/s"] =
        benchmark::Counter(double(n) * n * state.iterations() / 1e6, benchmark::Counter::kIsRate);
}

void BM_FrcFftBound(benchmark::State& state)
{
    const int n = int(state.range(0));
    Fft2D<double> fft(n, n);
    AlignedBuffer<Complex<double>> buf(std::size_t(n) * n);
    for (std::size_t i = 0; i < buf.size(); ++i)
        buf[i] = Complex<double>(1.0, 0.01 * double(i % 7));
    for (auto _ : state) {
        fft.forward(buf.data());
        benchmark::DoNotOptimize(buf.data());
    }
    state.counters["threads"] = threadCount();
}

// One edge: a 41-sample profile averaged over 21 lines across an oblique noisy edge, then the fit.
void BM_EdgeFit(benchmark::State& state)
{
    const int n = 128;
    std::mt19937 rng(3);
    std::normal_distribution<double> d(0, 0.01);
    const double c = std::cos(0.5), s = std::sin(0.5);
    ImageF img(n, n);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x)
            img(x, y) = float(0.5 * std::erf(((x - 64.3) * c + (y - 63.8) * s) / (std::sqrt(2.0) * 3)) + d(rng));
    const EdgeLine line{64.3 - 20 * c, 63.8 - 20 * s, 64.3 + 20 * c, 63.8 + 20 * s};
    EdgeProfileOptions o;
    o.widthPx = 21;
    for (auto _ : state) {
        EdgeMeasurement m = measureEdge(img, line, 1e-6, o);
        benchmark::DoNotOptimize(m.fit.sigmaM);
    }
}

} // namespace

BENCHMARK(BM_Frc)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FrcFftBound)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_EdgeFit)->Unit(benchmark::kMicrosecond)->UseRealTime();

// main(): bench_main.cpp
