#include <phaselab/core/parallel.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#ifdef __linux__
#include <sched.h>
#endif

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace phaselab::core {
namespace {

/// The first positive integer of `text` (OMP_NUM_THREADS may be a list "4,2"); 0 if none.
int leadingCount(const char* text)
{
    if (!text)
        return 0;
    char* end = nullptr;
    const long v = std::strtol(text, &end, 10);
    return end != text && v > 0 && v < 1 << 20 ? int(v) : 0;
}

/// CPUs the scheduler lets this process run on (taskset, cpusets); 0 if unknown.
int affinityCount()
{
#ifdef __linux__
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        return CPU_COUNT(&set);
#endif
    return 0;
}

/// The CFS bandwidth limit of this process's cgroup in CPUs, rounded up (a container's or a
/// SLURM job's --cpus); 0 when unlimited or unknown. cgroup v2 `cpu.max`, else v1.
int cgroupCpuLimit()
{
    const auto ceilRatio = [](double quota, double period) {
        return quota > 0 && period > 0 ? int(std::ceil(quota / period - 1e-9)) : 0;
    };
    {
        std::ifstream f("/sys/fs/cgroup/cpu.max");
        std::string quota;
        double period = 0;
        if (f >> quota >> period && quota != "max")
            return ceilRatio(std::strtod(quota.c_str(), nullptr), period);
    }
    std::ifstream q("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), p("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
    double quota = 0, period = 0;
    if (q >> quota && p >> period)
        return ceilRatio(quota, period);
    return 0;
}

int defaultThreadCount()
{
    return threadAllotment(std::getenv("OMP_NUM_THREADS"), std::getenv("SLURM_CPUS_PER_TASK"),
                           int(std::thread::hardware_concurrency()), affinityCount(),
                           cgroupCpuLimit());
}

std::atomic<int> g_threads{0};
thread_local int t_threadsHere = 0;  // ThreadCountScope's override on this thread; 0 = none

} // namespace

int threadAllotment(const char* ompNumThreads, const char* slurmCpusPerTask, int hardware,
                    int affinity, int cgroupLimit)
{
    if (const int omp = leadingCount(ompNumThreads); omp > 0)
        return omp;
    int n = hardware > 0 ? hardware : 1;
    for (const int limit : {affinity, cgroupLimit, leadingCount(slurmCpusPerTask)})
        if (limit > 0)
            n = std::min(n, limit);
    return n;
}

int threadCount()
{
    if (t_threadsHere > 0)
        return t_threadsHere;
    int n = g_threads.load();
    if (n <= 0) {
        n = defaultThreadCount();
        g_threads.store(n);
#ifdef _OPENMP
        omp_set_num_threads(n);
#endif
    }
    return n;
}

void setThreadCount(int n)
{
    g_threads.store(n > 0 ? n : defaultThreadCount());
#ifdef _OPENMP
    omp_set_num_threads(g_threads.load());
#endif
}

void retainLargeAllocations()
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

} // namespace phaselab::core

namespace phaselab::core {

ThreadCountScope::ThreadCountScope(int n) : m_previous(t_threadsHere)
{
    if (n > 0)
        t_threadsHere = n;
}

ThreadCountScope::~ThreadCountScope()
{
    t_threadsHere = m_previous;
}

} // namespace phaselab::core
