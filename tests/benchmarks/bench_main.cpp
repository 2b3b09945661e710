// The main() of every benchmark program: the process settings of the applications
// (core::retainLargeAllocations(), the default thread allotment, OpenMP's bounded spin-wait
// through core's process_env.cpp), then Google Benchmark. `--threads=N` (ours, removed before
// Google Benchmark parses the rest) sets FFTW's, OpenMP's and LibTorch's threads. A program
// that needs more set-up defines benchSetUp() (weak here).
#include <benchmark/benchmark.h>

#include <phaselab/core/parallel.h>

#include <string>

/// Set-up of one benchmark program, after the process settings; optional.
void benchSetUp() __attribute__((weak));

int main(int argc, char** argv)
{
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("--threads=", 0) == 0)
            phaselab::core::setThreadCount(std::stoi(arg.substr(10)));
        else
            argv[kept++] = argv[i];
    }
    argc = kept;
    phaselab::core::retainLargeAllocations();  // as the applications do
    if (benchSetUp)
        benchSetUp();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
