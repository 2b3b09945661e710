#pragma once

#include <string>

namespace phaselab::models {

/// The compute back-end the learned methods run on. Plain data: no LibTorch types, so widgets and
/// the CLI can include it.
struct RuntimeInfo {
    std::string torchVersion;  ///< LibTorch version, e.g. "1.13.1"
    int intraOpThreads = 1;    ///< LibTorch's intra-op thread count after initialiseRuntime()
    bool cudaAvailable = false;
    int cudaDevices = 0;
    std::string blasLibrary;   ///< resolved path of the BLAS that provides sgemm_
    bool blasOptimised = false;  ///< false for the reference BLAS (30–40× slower for training)
};

/// Sets LibTorch's intra-op thread count to core::threadCount() (Debian's LibTorch starts with one)
/// and describes the runtime. Safe to call more than once and from any thread.
RuntimeInfo initialiseRuntime();

} // namespace phaselab::models
