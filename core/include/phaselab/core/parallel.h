#pragma once

namespace phaselab::core {

/// Number of threads core uses for FFTW and its own OpenMP loops. Defaults to the hardware
/// concurrency (FFTW and OpenMP would otherwise start with one thread or an environment value).
int threadCount();

/// Sets the thread count for later FFT plans and parallel loops; n ≤ 0 restores the default.
/// Call from the main thread before starting work; plans made earlier keep their thread count.
void setThreadCount(int n);

} // namespace phaselab::core
