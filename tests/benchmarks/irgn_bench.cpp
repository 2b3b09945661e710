// IRGN and the direct methods against the FFTs they need (issue 6). Targets on the 2-core CI
// machine: the DGN paper's 100 Newton × 10 CG at 512² periodic in ≤ 10 s (the paper: 116 s),
// and each operator within 1.3× of its FFT bound. The counter `fft_pairs` says how many
// forward+inverse FFT pairs of the computation grid one iteration needs: divide the time by
// fft_pairs × BM_FftPair of the same grid for the ratio to the bound.
#include <benchmark/benchmark.h>

#include <phaselab/core/autofocus.h>
#include <phaselab/core/ctf.h>
#include <phaselab/core/ctf_multi.h>
#include <phaselab/core/distance_series.h>
#include <phaselab/core/fft.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/irgn.h>
#include <phaselab/core/paganin.h>
#include <phaselab/core/parallel.h>
#include <phaselab/core/raar.h>
#include <phaselab/core/registration.h>

#include <cmath>
#include <map>
#include <random>
#include <string>

using namespace phaselab::core;

namespace {

// A smooth object (Gaussian bumps, φ ≤ 0.6 rad, B = 0.1 φ) and its hologram at the DGN
// geometry, periodic, with 1 % noise.
struct Problem {
    ImageF B, phi, hologram;
};

Problem makeProblem(int n)
{
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    ImageD phi(n, n);
    for (int b = 0; b < 8; ++b) {
        const double cx = u(rng) * n, cy = u(rng) * n, s = (0.03 + 0.1 * u(rng)) * n, a = u(rng);
        for (int y = 0; y < n; ++y)
            for (int x = 0; x < n; ++x)
                phi(x, y) += a * std::exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s * s));
    }
    double mx = 0;
    for (double v : phi)
        mx = std::max(mx, v);
    ImageD B(n, n);
    for (std::size_t i = 0; i < phi.size(); ++i) {
        phi[i] *= 0.6 / mx;
        B[i] = 0.1 * phi[i];
    }
    const ImageD I = propagateIntensity(Geometry::dgnPaper(), B, phi);
    std::normal_distribution<double> noise(0.0, 0.01);
    Problem p{B.cast<float>(), phi.cast<float>(), ImageF(n, n)};
    for (std::size_t i = 0; i < I.size(); ++i)
        p.hologram[i] = float(I[i] + noise(rng));
    return p;
}

const Problem& problem(int n)
{
    static std::map<int, Problem> cache;
    auto it = cache.find(n);
    if (it == cache.end())
        it = cache.emplace(n, makeProblem(n)).first;
    return it->second;
}

PropagationOptions propagation(int padded)
{
    PropagationOptions o;
    o.padding = padded ? Padding::Replicate : Padding::Periodic;
    o.padFactor = 2.0;
    o.fftPlanning = FftEffort::Measure;
    return o;
}

void setCounters(benchmark::State& state, int n, double fftPairs)
{
    state.counters["threads"] = threadCount();
    state.counters["fft_pairs"] = fftPairs;
    state.counters["Mpixel/s"] =
        benchmark::Counter(double(n) * n * state.iterations() / 1e6, benchmark::Counter::kIsRate);
}

// The bound: one forward and one backward in-place FFT of an n × n grid, measured plans.
void BM_FftPair(benchmark::State& state)
{
    const int n = int(state.range(0));
    Fft2D<float> fft(n, n, FftEffort::Measure);
    AlignedBuffer<Complex<float>> buf(std::size_t(n) * n);
    for (std::size_t i = 0; i < buf.size(); ++i)
        buf[i] = Complex<float>(1.0f, 0.01f * float(i % 7));
    for (auto _ : state) {
        fft.forward(buf.data());
        fft.backward(buf.data());
        benchmark::DoNotOptimize(buf.data());
    }
    setCounters(state, n, 1);
}

// One F′ and one F′* application: what each CG iteration costs (2 FFT pairs).
void BM_OperatorPair(benchmark::State& state)
{
    const int n = int(state.range(0));
    const int padded = int(state.range(1));
    const Problem& p = problem(n);
    FresnelOperator<float> op(Geometry::dgnPaper(), n, n, propagation(padded));
    op.linearize(p.B, p.phi);
    ImageF gB, gP;
    for (auto _ : state) {
        const ImageF d = op.derivative(p.B, p.phi);
        op.adjoint(d, gB, gP);
        benchmark::DoNotOptimize(gP.data());
    }
    state.SetLabel(padded ? "replicate 2x" : "periodic");
    setCounters(state, n, 2);
}

// One Newton step with 10 CG iterations of the joint (B, φ) problem: 10 × (F′ + F′*) plus
// F(f) and F′*(I − F(f)), i.e. 22 FFT pairs when CG runs all 10 iterations.
void BM_NewtonStep(benchmark::State& state)
{
    const int n = int(state.range(0));
    const int padded = int(state.range(1));
    IrgnOptions o;
    o.newtonSteps = 1 << 30;
    o.cgIterations = 10;
    o.propagation = propagation(padded);
    Irgn irgn(problem(n).hologram, Geometry::dgnPaper(), o);
    const long long cg0 = irgn.cgIterationsDone();
    for (auto _ : state)
        irgn.step(1);
    const double steps = double(state.iterations());
    const double cgPerStep = double(irgn.cgIterationsDone() - cg0) / steps;
    state.counters["cg_per_step"] = cgPerStep;
    state.SetLabel(padded ? "replicate 2x" : "periodic");
    setCounters(state, n, 2 * cgPerStep + 2);
}

// The DGN paper's IRGN: joint (B, φ), f_0 = 0, Tikhonov, 100 Newton steps × 10 CG (paper:
// 116 s per 512² image). Construction (plans cached after the first) is included.
void BM_Irgn100x10(benchmark::State& state)
{
    const int n = int(state.range(0));
    const int padded = int(state.range(1));
    IrgnOptions o;
    o.newtonSteps = 100;
    o.cgIterations = 10;
    o.propagation = propagation(padded);
    long long cg = 0;
    double residual = 0;
    for (auto _ : state) {
        Irgn irgn(problem(n).hologram, Geometry::dgnPaper(), o);
        irgn.run();
        cg += irgn.cgIterationsDone();
        residual = irgn.residual();
    }
    const double cgPerRun = double(cg) / double(state.iterations());
    state.counters["cg_total"] = cgPerRun;
    state.counters["residual"] = residual;
    state.SetLabel(padded ? "replicate 2x" : "periodic");
    setCounters(state, n, 2 * cgPerRun + 2 * 100 + 1);
}

// One-shot CTF and Paganin (filter set-up included, FFTW Estimate plans as the CLI uses them).
void BM_Ctf(benchmark::State& state)
{
    const int n = int(state.range(0));
    const int padded = int(state.range(1));
    const ImageF I = problem(512).hologram;  // content does not matter for the speed
    ImageF big(n, n);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x)
            big(x, y) = I(x % 512, y % 512);
    CtfOptions c;
    c.betaDelta = 0.1;
    c.alphaRule = AlphaRule::Manual;  // the filter alone; the α rules are BM_CtfAlphaRule
    c.fadeBorder = false;
    c.padding = padded ? Padding::Replicate : Padding::Periodic;
    c.fftPlanning = FftEffort::Estimate;
    for (auto _ : state) {
        Reconstruction r = reconstructCtf(big, Geometry::dgnPaper(), c);
        benchmark::DoNotOptimize(r.phase.data());
    }
    state.SetLabel(padded ? "replicate 2x" : "periodic");
    setCounters(state, n, 1);
}

void BM_Paganin(benchmark::State& state)
{
    const int n = int(state.range(0));
    const int padded = int(state.range(1));
    const ImageF I = problem(512).hologram;
    ImageF big(n, n);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x)
            big(x, y) = I(x % 512, y % 512);
    PaganinOptions p;
    p.deltaBeta = 10;
    p.fadeBorder = false;
    p.padding = padded ? Padding::Replicate : Padding::Periodic;
    p.fftPlanning = FftEffort::Estimate;
    for (auto _ : state) {
        Reconstruction r = reconstructPaganin(big, Geometry::dgnPaper(), p);
        benchmark::DoNotOptimize(r.phase.data());
    }
    state.SetLabel(padded ? "replicate 2x" : "periodic");
    setCounters(state, n, 1);
}

// Issue 14: CTF with α chosen per hologram (the default faded border, 2× padding), by rule.
void BM_CtfAlphaRule(benchmark::State& state)
{
    const int n = int(state.range(0));
    const AlphaRule rule = AlphaRule(state.range(1));
    const ImageF& I = problem(n).hologram;
    CtfOptions c;
    c.betaDelta = 0.1;
    c.alphaRule = rule;
    c.fftPlanning = FftEffort::Estimate;
    for (auto _ : state) {
        Reconstruction r = reconstructCtf(I, Geometry::dgnPaper(), c);
        benchmark::DoNotOptimize(r.phase.data());
    }
    state.SetLabel(toString(rule) + ", fade 2x");
    setCounters(state, n, 1);
}

// Multi-distance CTF of four holograms (fov α, faded 2× border).
void BM_CtfMulti4(benchmark::State& state)
{
    const int n = int(state.range(0));
    const ImageF& I = problem(n).hologram;  // the speed does not depend on the content
    std::vector<ImageF> holograms(4, I);
    std::vector<Geometry> geometries;
    for (double D : {0.02, 0.025, 0.03, 0.04}) {
        Geometry g = Geometry::dgnPaper();
        g.distanceM = D;
        geometries.push_back(g);
    }
    CtfOptions c;
    c.betaDelta = 0.1;
    c.fftPlanning = FftEffort::Estimate;
    for (auto _ : state) {
        Reconstruction r = reconstructCtfMultiDistance(holograms, geometries, c);
        benchmark::DoNotOptimize(r.phase.data());
    }
    setCounters(state, n, 4);
}

// Paganin with the default faded border (2× padding).
void BM_PaganinFade(benchmark::State& state)
{
    const int n = int(state.range(0));
    const ImageF& I = problem(n).hologram;
    PaganinOptions p;
    p.deltaBeta = 10;
    p.fftPlanning = FftEffort::Estimate;
    for (auto _ : state) {
        Reconstruction r = reconstructPaganin(I, Geometry::dgnPaper(), p);
        benchmark::DoNotOptimize(r.phase.data());
    }
    setCounters(state, n, 1);
}

// IRGN with issue 14's defaults (CTF start, α_0 from the data, inner CG rule, monotone
// safeguard), periodic, 5 Newton steps; range(1) = 1 adds the CTF preconditioner.
void BM_IrgnDefaults5(benchmark::State& state)
{
    const int n = int(state.range(0));
    const Problem& p = problem(n);
    IrgnOptions o;
    o.betaDelta = 0.1;
    o.newtonSteps = 5;
    o.precondition = state.range(1) != 0;
    long long cg = 0;
    for (auto _ : state) {
        Irgn irgn(p.hologram, Geometry::dgnPaper(), o);
        irgn.run();
        cg = irgn.cgIterationsDone();
        benchmark::DoNotOptimize(irgn.phase().data());
    }
    state.counters["cg_iterations"] = double(cg);
    state.SetLabel(o.precondition ? "preconditioned" : "plain CG");
}

// Distance autofocus (spectrum criterion) over ±20 % of the true distance: one FFT, then the
// coarse scan (41 distances) and the coarse-to-fine refinement of up to three minima.
// Autofocus options for the problem: ±20 % around the DGN geometry's distance, β/δ = 0.1.
AutofocusOptions focusRange(const Geometry& g)
{
    AutofocusOptions o;
    o.minDistanceM = 0.8 * g.distanceM;
    o.maxDistanceM = 1.2 * g.distanceM;
    o.betaOverDelta = 0.1;
    return o;
}

void BM_Autofocus(benchmark::State& state)
{
    const int n = int(state.range(0));
    const Problem& p = problem(n);
    const Geometry g = Geometry::dgnPaper();
    const AutofocusOptions o = focusRange(g);
    double found = 0;
    for (auto _ : state) {
        const AutofocusResult r = autofocus(p.hologram, g, o);
        found = r.distanceM;
    }
    state.counters["error_percent"] = 100.0 * (found / g.distanceM - 1.0);
}

// The residual criterion: 11 distances over ±20 %, 3 IRGN steps each with periodic padding
// (the problem's), after a warm-up scan of 5 that plans the FFTs.
void BM_AutofocusResidual(benchmark::State& state)
{
    const int n = int(state.range(0));
    const Problem& p = problem(n);
    const Geometry g = Geometry::dgnPaper();
    AutofocusOptions o = focusRange(g);
    o.criterion = FocusCriterion::Residual;
    o.padding = Padding::Periodic;  // the problem's hologram is periodic
    o.samples = 5;
    benchmark::DoNotOptimize(autofocus(p.hologram, g, o).distanceM);
    o.samples = 11;
    double found = 0;
    for (auto _ : state)
        found = autofocus(p.hologram, g, o).distanceM;
    state.counters["error_percent"] = 100.0 * (found / g.distanceM - 1.0);
    state.counters["s_per_distance"] =
        benchmark::Counter(double(o.samples), benchmark::Counter::kIsIterationInvariantRate |
                                                  benchmark::Counter::kInvert);
}

// Issue 14: holographic RAAR on the problem's n × n hologram (unit padding ×2: a 2n × 2n
// grid), 50 iterations after a warm-up that plans the FFTs (RAAR always plans with Measure);
// the counters give the time per iteration and of the default 2000 iterations.
void BM_Raar(benchmark::State& state)
{
    const int n = int(state.range(0));
    const Problem& p = problem(n);
    RaarOptions o;
    o.betaDelta = 0.1;
    o.iterations = 50;
    RaarOptions warm = o;
    warm.iterations = 1;
    benchmark::DoNotOptimize(reconstructRaar(p.hologram, Geometry::dgnPaper(), warm).phase.data());
    for (auto _ : state)
        benchmark::DoNotOptimize(reconstructRaar(p.hologram, Geometry::dgnPaper(), o).phase.data());
    // Time per unit (inverted rates): per iteration, and for the default 2000 iterations.
    const auto perUnit =
        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert;
    state.counters["s_per_iteration"] = benchmark::Counter(o.iterations, perUnit);
    state.counters["default_2000_s"] = benchmark::Counter(o.iterations / 2000.0, perUnit);
}

// Least-squares unwrapping with congruence of an n × n wrapped phase (one RAAR iteration
// runs it once).
void BM_UnwrapPhase(benchmark::State& state)
{
    const int n = int(state.range(0));
    ImageF wrapped = problem(n).hologram;
    for (float& v : wrapped)
        v = 40.0f * v;  // many wraps
    for (auto _ : state)
        benchmark::DoNotOptimize(unwrapPhase(wrapped).data());
}

// Issue 14: registration of an n × n image magnified by 1.023 and shifted by (3.37, −5.81) px
// (applyRegistration of the problem's hologram with the inverse mapping), magnification
// searched over ±5 %, shift refined ×100.
void BM_RegisterMagnification(benchmark::State& state)
{
    const int n = int(state.range(0));
    const ImageF& reference = problem(n).hologram;
    // applyRegistration(x, r) maps `moving` onto the reference; the inverse makes a moving image.
    Registration inverse;
    inverse.magnification = 1.0 / 1.023;
    inverse.shiftX = -3.37 / 1.023;
    inverse.shiftY = 5.81 / 1.023;
    const ImageF moving = applyRegistration(reference, inverse);
    RegistrationOptions o;
    o.magnificationRange = 0.05;
    Registration r;
    for (auto _ : state)
        r = registerImages(reference, moving, o);
    state.counters["magnification"] = r.magnification;
    state.counters["shift_x"] = r.shiftX;
    state.counters["shift_y"] = r.shiftY;
    setCounters(state, n, 0);
}

// Bicubic resampling of an n × n image by applyRegistration.
void BM_ApplyRegistration(benchmark::State& state)
{
    const int n = int(state.range(0));
    const ImageF& image = problem(n).hologram;
    Registration r;
    r.magnification = 1.023;
    r.shiftX = 3.37;
    r.shiftY = -5.81;
    for (auto _ : state) {
        ImageF out = applyRegistration(image, r);
        benchmark::DoNotOptimize(out.data());
    }
    setCounters(state, n, 0);
}

// Multi-distance IRGN (the stacked operator) on holograms of the problem's object at four
// distances, issue 14's defaults as BM_IrgnDefaults5 (homogeneous β/δ = 0.1, CTF start from the
// multi-distance CTF), periodic, 5 Newton steps; FFTW planning excluded.
void BM_IrgnMultiDistance4x5(benchmark::State& state)
{
    const int n = int(state.range(0));
    const Problem& p = problem(n);
    DistanceSeries series;
    for (double D : {0.02, 0.025, 0.03, 0.04}) {
        Geometry g = Geometry::dgnPaper();
        g.distanceM = D;
        series.holograms.push_back(propagateIntensity(g, p.B, p.phi));
        series.geometries.push_back(g);
    }
    IrgnOptions o;
    o.betaDelta = 0.1;
    o.newtonSteps = 5;
    {
        // FFTW Measure planning of the grid, once per process, outside the timing.
        IrgnOptions once = o;
        once.newtonSteps = 1;
        Irgn warm(series.holograms[0], series.geometries[0], once);
    }
    long long cg = 0;
    double residual = 0;
    for (auto _ : state) {
        Irgn irgn(series.holograms, series.geometries, o);
        irgn.run();
        cg = irgn.cgIterationsDone();
        residual = irgn.residual();
        benchmark::DoNotOptimize(irgn.phase().data());
    }
    state.counters["cg_iterations"] = double(cg);
    state.counters["residual"] = residual;
    setCounters(state, n, 0);
}

} // namespace

BENCHMARK(BM_RegisterMagnification)->Arg(1024)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_ApplyRegistration)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_IrgnMultiDistance4x5)
    ->Arg(1024)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
BENCHMARK(BM_CtfAlphaRule)
    ->Args({1024, int(AlphaRule::FieldOfView)})
    ->Args({1024, int(AlphaRule::Gcv)})
    ->Args({1024, int(AlphaRule::LCurve)})
    ->Args({1024, int(AlphaRule::Discrepancy)})
    ->Args({1024, int(AlphaRule::QuasiOptimal)})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_CtfMulti4)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PaganinFade)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Autofocus)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AutofocusResidual)->Arg(1024)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_Raar)->Arg(1024)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_UnwrapPhase)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_IrgnDefaults5)
    ->Args({1024, 0})
    ->Args({1024, 1})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
BENCHMARK(BM_FftPair)->Arg(512)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_OperatorPair)->Args({512, 0})->Args({512, 1})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_NewtonStep)->Args({512, 0})->Args({512, 1})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Irgn100x10)
    ->Args({512, 0})
    ->Args({512, 1})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
BENCHMARK(BM_Ctf)->Args({2048, 0})->Args({2048, 1})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Paganin)->Args({2048, 0})->Args({2048, 1})->Unit(benchmark::kMillisecond)->UseRealTime();

// main(): bench_main.cpp (with --threads=N).
