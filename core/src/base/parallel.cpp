#include <phaselab/core/parallel.h>

#include <atomic>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace phaselab::core {
namespace {

int defaultThreadCount()
{
    const unsigned n = std::thread::hardware_concurrency();
    return n > 0 ? int(n) : 1;
}

std::atomic<int> g_threads{0};
thread_local int t_threadsHere = 0;  // ThreadCountScope's override on this thread; 0 = none

} // namespace

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
