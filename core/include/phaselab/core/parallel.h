#pragma once

namespace phaselab::core {

/// Number of threads core uses for FFTW and its own OpenMP loops. Defaults to the hardware
/// concurrency (FFTW and OpenMP would otherwise start with one thread or an environment value).
int threadCount();

/// Sets the thread count for later FFT plans and parallel loops; n ≤ 0 restores the default.
/// Call from the main thread before starting work; plans made earlier keep their thread count.
void setThreadCount(int n);

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
