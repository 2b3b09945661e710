#pragma once

namespace phaselab::core {

/// Number of threads core uses for FFTW and its own OpenMP loops (and models for LibTorch).
/// Defaults to threadAllotment() of this process: OMP_NUM_THREADS when set, else the CPUs it
/// may use (hardware, affinity mask, cgroup CPU limit, SLURM_CPUS_PER_TASK, the smallest).
int threadCount();

/// The default thread count from its sources, each 0/null when absent: OMP_NUM_THREADS (its
/// first value) wins; otherwise the smallest of the hardware concurrency, the affinity mask's
/// CPUs (taskset, cpusets), the cgroup CPU limit (quota / period, rounded up: a container's or
/// a job's --cpus) and SLURM_CPUS_PER_TASK. At least 1.
int threadAllotment(const char* ompNumThreads, const char* slurmCpusPerTask, int hardware,
                    int affinity, int cgroupLimit);

/// Sets the thread count for later FFT plans and parallel loops; n ≤ 0 restores the default.
/// Call from the main thread before starting work; plans made earlier keep their thread count.
void setThreadCount(int n);

/// Keeps freed image-sized buffers in the process instead of returning them to the kernel
/// (glibc: fixed mmap and trim thresholds of 256 MiB and 1 GiB). Without it every fresh
/// megapixel temporary is mapped anew and pays a page fault per 4 KiB: at 2048² that is ~7 ms
/// of a 33 ms forward operator. Call once at start-up, before large allocations; no-op
/// elsewhere than glibc.
void retainLargeAllocations();

/// For work that is already parallel at a coarser level (one sample per thread): while the
/// scope lives, threadCount() returns n on the calling thread only, so FFT plans made there use
/// n threads. Scopes nest; n ≤ 0 leaves the count unchanged.
class ThreadCountScope {
public:
    explicit ThreadCountScope(int n);
    ~ThreadCountScope();
    ThreadCountScope(const ThreadCountScope&) = delete;
    ThreadCountScope& operator=(const ThreadCountScope&) = delete;

private:
    int m_previous;
};

} // namespace phaselab::core
