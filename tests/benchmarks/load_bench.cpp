// Speed on a shared machine (issue 16): the DGN paper's IRGN at a small budget (10 Newton × 10 CG,
// 512², periodic) quiet, beside a twin process doing the same work (two ranks on one node, or the
// application beside a script), and beside a busy multi-threaded program that never waits. The
// counter `slowdown` is the time against the quiet run of this program: a fair share of two
// cores is 2×, the goal at most 3×.
//
// The load runs in a child process, this program re-executed with PHASELAB_LOAD_BENCH_MODE set; it stops when
// the benchmark kills it or when this process goes away.
#include <benchmark/benchmark.h>

#include <phaselab/core/fresnel.h>
#include <phaselab/core/irgn.h>
#include <phaselab/core/parallel.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace phaselab::core;

namespace {

constexpr int kSize = 512;

// Gaussian bumps, φ ≤ 0.6 rad, B = 0.1 φ, at the DGN geometry with 1 % noise (as irgn_bench).
ImageF makeHologram()
{
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    ImageD phi(kSize, kSize);
    for (int b = 0; b < 8; ++b) {
        const double cx = u(rng) * kSize, cy = u(rng) * kSize;
        const double s = (0.03 + 0.1 * u(rng)) * kSize, a = u(rng);
        for (int y = 0; y < kSize; ++y)
            for (int x = 0; x < kSize; ++x)
                phi(x, y) += a * std::exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s * s));
    }
    const double mx = *std::max_element(phi.begin(), phi.end());
    ImageD B(kSize, kSize);
    for (std::size_t i = 0; i < phi.size(); ++i) {
        phi[i] *= 0.6 / mx;
        B[i] = 0.1 * phi[i];
    }
    const ImageD I = propagateIntensity(Geometry::dgnPaper(), B, phi);
    std::normal_distribution<double> noise(0.0, 0.01);
    ImageF h(kSize, kSize);
    for (std::size_t i = 0; i < I.size(); ++i)
        h[i] = float(I[i] + noise(rng));
    return h;
}

const ImageF& hologram()
{
    static const ImageF h = makeHologram();
    return h;
}

/// One 10 × 10 solve of the DGN paper's IRGN (f_0 = 0, fixed α_0, every CG iteration run, no
/// safeguard: a fixed amount of work), with measured plans (cached after the first).
void solve()
{
    IrgnOptions o;
    o.newtonSteps = 10;
    o.cgIterations = 10;
    o.cgTolerance = 0;
    o.alpha0FromData = false;
    o.initialGuess = IrgnInitialGuess::Zero;
    o.monotone = false;
    o.propagation.fftPlanning = FftEffort::Measure;
    Irgn irgn(hologram(), Geometry::dgnPaper(), o);
    irgn.run();
    benchmark::DoNotOptimize(irgn.residual());
}

double g_quietSeconds;  // mean of the quiet run, for the slowdown counters

/// The environment variable that makes this program a load child (benchSetUp()).
constexpr const char* kLoadMode = "PHASELAB_LOAD_BENCH_MODE";

/// Starts this program as a load child (`mode` "twin" or "busy") that dies with us; waits
/// until it has warmed up (planned its FFTs, started its threads).
pid_t startLoad(const char* mode)
{
    const pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        setenv(kLoadMode, mode, 1);
        execl("/proc/self/exe", "load_bench", static_cast<char*>(nullptr));
        _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return pid;
}

void stopLoad(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

void timeSolves(benchmark::State& state)
{
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        solve();
        state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
}

void BM_Irgn10x10Quiet(benchmark::State& state)
{
    solve();  // plans
    const auto t0 = std::chrono::steady_clock::now();
    timeSolves(state);
    g_quietSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() /
                     double(state.iterations());
    state.counters["threads"] = threadCount();
}

void besideLoad(benchmark::State& state, const char* mode)
{
    solve();
    const pid_t child = startLoad(mode);
    const auto t0 = std::chrono::steady_clock::now();
    timeSolves(state);
    const double mean = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() /
                        double(state.iterations());
    stopLoad(child);
    if (g_quietSeconds > 0)
        state.counters["slowdown"] = mean / g_quietSeconds;
    state.counters["threads"] = threadCount();
}

void BM_Irgn10x10BesideTwin(benchmark::State& state) { besideLoad(state, "twin"); }
void BM_Irgn10x10BesideBusy(benchmark::State& state) { besideLoad(state, "busy"); }

/// The twin: the same solve, again and again.
[[noreturn]] void runTwin()
{
    for (;;)
        solve();
}

/// A busy multi-threaded program that never waits: one spinning arithmetic thread per core.
[[noreturn]] void runBusy()
{
    std::vector<std::thread> threads;
    for (int t = 0; t < threadCount(); ++t)
        threads.emplace_back([] {
            volatile double x = 1.0;
            for (;;)
                x = std::sqrt(x * x + 1e-9);
        });
    for (auto& t : threads)
        t.join();
    std::abort();
}

} // namespace

BENCHMARK(BM_Irgn10x10Quiet)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Irgn10x10BesideTwin)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Irgn10x10BesideBusy)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);

// main(): bench_main.cpp. A load child runs its loop instead of the benchmarks.
void benchSetUp()
{
    const char* mode = std::getenv(kLoadMode);
    if (mode && std::strcmp(mode, "twin") == 0)
        runTwin();
    if (mode && std::strcmp(mode, "busy") == 0)
        runBusy();
}
