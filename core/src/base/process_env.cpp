// Compiled into every executable that links phaselab::core (an interface source of the core
// target), never into a library: it bounds how long OpenMP threads spin while they wait.
//
// GNU OpenMP (libgomp: core's loops, FFTW's threads and LibTorch's intra-op pool) lets an idle
// thread spin up to 300,000 times before it sleeps. On a quiet machine that saves the wake-up of
// the next parallel region; beside another busy process each spinning thread takes a core the
// other needs, and a solver with thousands of short parallel regions (IRGN's CG) slows 8× or
// more instead of the 2× of a fair share (issue 16, tests/benchmarks/load_bench.cpp).
//
// libgomp reads GOMP_SPINCOUNT once, in its own initialiser, before main() runs; and glibc resets
// the environment to the kernel's copy after the executable's pre-initialisation functions, so
// a setenv() there is lost. The one reliable place is therefore the process's start: when
// neither OMP_WAIT_POLICY nor GOMP_SPINCOUNT is set, the pre-initialisation function below
// re-executes the program once with GOMP_SPINCOUNT added, before any library initialiser has
// run (it costs the dynamic loading again, about 25 ms; LibTorch's start-up runs once). A value
// the user set wins, and if the re-execution fails the program simply goes on with libgomp's
// default.

#include <cstdlib>
#include <cstring>

#include <unistd.h>

namespace {

/// Spins before sleeping: a few microseconds, enough to bridge back-to-back parallel regions
/// of one CG step on a quiet machine, short enough to yield the core quickly under load
/// (chosen by measuring, see docs/benchmarks.md).
char kSpinSetting[] = "GOMP_SPINCOUNT=1000";

bool isSet(char** envp, const char* name)
{
    const std::size_t n = std::strlen(name);
    for (char** e = envp; e && *e; ++e)
        if (std::strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return true;
    return false;
}

void boundOpenMpSpinning(int, char** argv, char** envp)
{
    if (!envp || isSet(envp, "OMP_WAIT_POLICY") || isSet(envp, "GOMP_SPINCOUNT"))
        return;
    std::size_t n = 0;
    while (envp[n])
        ++n;
    char** env = static_cast<char**>(std::malloc((n + 2) * sizeof(char*)));
    if (!env)
        return;
    std::memcpy(env, envp, n * sizeof(char*));
    env[n] = kSpinSetting;
    env[n + 1] = nullptr;
    execve("/proc/self/exe", argv, env);
    std::free(env);  // not re-executed (no /proc): libgomp's default
}

#if defined(__linux__) && defined(__GLIBC__)
__attribute__((section(".preinit_array"), used)) void (*const kBoundOpenMpSpinning)(int, char**, char**) =
    &boundOpenMpSpinning;
#endif

} // namespace
