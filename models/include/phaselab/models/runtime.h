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

/// Whether DGN inference on the CPU runs its convolutions in bfloat16 (float32 accumulation;
/// the iterate and the Fresnel operator stay float32): by default when the CPU has AVX512_BF16,
/// where oneDNN's bf16 convolutions are 3–4× faster (DGN at 512²: 0.57 against 0.89 s, test
/// NMSE unchanged to < 1 % relative, docs/reproduce-dgn.md). $PHASELAB_BF16 = 0 or 1 overrides
/// the default. It is also what TrainOptions::precision `auto` follows for training (in a
/// ReducedPrecisionTrainingScope); validation always runs in float32 (Float32Scope).
bool reducedPrecisionInference();
/// Sets it for the whole process (tests, comparisons). Enabling it on a CPU without AVX-512
/// makes DGN inference fail in LibTorch: only restore a value reducedPrecisionInference() gave.
void setReducedPrecisionInference(bool enabled);

/// While it lives, the calling thread computes in float32 whatever reducedPrecisionInference()
/// says (training's validation: its figures must not depend on the batch or the world size).
class Float32Scope {
public:
    Float32Scope();
    ~Float32Scope();
    Float32Scope(const Float32Scope&) = delete;
    Float32Scope& operator=(const Float32Scope&) = delete;

private:
    bool m_previous;
};

/// True inside a Float32Scope on this thread.
bool float32Forced();

/// Whether this CPU has native bfloat16 arithmetic (AVX512_BF16 in /proc/cpuinfo), ignoring
/// $PHASELAB_BF16 and setReducedPrecisionInference().
bool cpuHasNativeBf16();

/// While it lives, DGN's convolutions on the calling thread run in bfloat16 also when autograd
/// records (mixed-precision training: float32 weights, gradients, Adam, loss and Fresnel operator;
/// the convolutions' inputs and weights are rounded to bfloat16, oneDNN accumulates in float32).
/// A Float32Scope inside it still forces float32. Training opens it for TrainOptions::precision
/// bfloat16 only; never open it on a CPU without cpuHasNativeBf16().
class ReducedPrecisionTrainingScope {
public:
    ReducedPrecisionTrainingScope();
    ~ReducedPrecisionTrainingScope();
    ReducedPrecisionTrainingScope(const ReducedPrecisionTrainingScope&) = delete;
    ReducedPrecisionTrainingScope& operator=(const ReducedPrecisionTrainingScope&) = delete;

private:
    bool m_previous;
};

/// True inside a ReducedPrecisionTrainingScope on this thread.
bool reducedPrecisionTraining();

} // namespace phaselab::models
