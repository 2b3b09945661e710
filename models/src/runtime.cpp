#include <phaselab/models/runtime.h>

#include <phaselab/core/parallel.h>

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <dlfcn.h>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>

namespace phaselab::models {

namespace {

// The shared object that provides the BLAS symbol LibTorch calls (Debian's alternatives decide
// which implementation libblas.so.3 is), resolved through symlinks.
std::string blasPath()
{
    void* sym = dlsym(RTLD_DEFAULT, "sgemm_");
    Dl_info info{};
    if (!sym || !dladdr(sym, &info) || !info.dli_fname)
        return {};
    char resolved[PATH_MAX];
    if (realpath(info.dli_fname, resolved))
        return resolved;
    return info.dli_fname;
}

bool isOptimisedBlas(const std::string& path)
{
    for (const char* name : {"openblas", "blis", "mkl", "atlas"})
        if (path.find(name) != std::string::npos)
            return true;
    return false;
}

} // namespace

RuntimeInfo initialiseRuntime()
{
    static std::once_flag once;
    std::call_once(once, [] { at::set_num_threads(core::threadCount()); });

    RuntimeInfo r;
    r.torchVersion = TORCH_VERSION;
    r.intraOpThreads = at::get_num_threads();
    r.cudaAvailable = torch::cuda::is_available();
    r.cudaDevices = r.cudaAvailable ? int(torch::cuda::device_count()) : 0;
    r.blasLibrary = blasPath();
    r.blasOptimised = isOptimisedBlas(r.blasLibrary);
    return r;
}

// Reduced precision: whether the CPU has bfloat16, the process-wide inference switch, and the
// thread-local scopes of validation and mixed-precision training.
namespace {

bool readCpuBf16()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("flags", 0) == 0)
            return line.find(" avx512_bf16") != std::string::npos;
    return false;
}

bool cpuHasBf16()
{
    if (const char* env = std::getenv("PHASELAB_BF16"))
        return std::string(env) != "0";
    return cpuHasNativeBf16();
}

std::atomic<bool>& reducedPrecisionFlag()
{
    static std::atomic<bool> flag{cpuHasBf16()};
    return flag;
}

thread_local bool t_float32 = false;
thread_local bool t_bf16Training = false;

} // namespace

bool reducedPrecisionInference()
{
    return reducedPrecisionFlag().load(std::memory_order_relaxed);
}

void setReducedPrecisionInference(bool enabled)
{
    reducedPrecisionFlag().store(enabled, std::memory_order_relaxed);
}

Float32Scope::Float32Scope() : m_previous(t_float32)
{
    t_float32 = true;
}

Float32Scope::~Float32Scope()
{
    t_float32 = m_previous;
}

bool float32Forced()
{
    return t_float32;
}

bool cpuHasNativeBf16()
{
    static const bool has = readCpuBf16();
    return has;
}

ReducedPrecisionTrainingScope::ReducedPrecisionTrainingScope() : m_previous(t_bf16Training)
{
    t_bf16Training = true;
}

ReducedPrecisionTrainingScope::~ReducedPrecisionTrainingScope()
{
    t_bf16Training = m_previous;
}

bool reducedPrecisionTraining()
{
    return t_bf16Training;
}

} // namespace phaselab::models
