#include <phaselab/core/fft.h>

#include <phaselab/core/parallel.h>

#include <fftw3.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <tuple>

#include <unistd.h>

namespace phaselab::core {

template <typename T>
void AlignedBuffer<T>::Free::operator()(T* p) const noexcept
{
    std::free(p);
}

template <typename T>
void AlignedBuffer<T>::resize(std::size_t n)
{
    if (n == m_size)
        return;
    m_data.reset();
    m_size = 0;
    if (n == 0)
        return;
    // aligned_alloc needs a size that is a multiple of the alignment.
    const std::size_t bytes = ((n * sizeof(T) + 63) / 64) * 64;
    void* p = std::aligned_alloc(64, bytes);
    if (!p)
        throw std::bad_alloc();
    m_data.reset(static_cast<T*>(p));
    m_size = n;
}

template class AlignedBuffer<float>;
template class AlignedBuffer<double>;
template class AlignedBuffer<Complex<float>>;
template class AlignedBuffer<Complex<double>>;

namespace {

std::mutex g_planMutex;  // FFTW's planner is not thread-safe; execution is.
std::atomic<FftEffort> g_effort{FftEffort::Estimate};

void initThreadsOnce()
{
    static std::once_flag once;
    std::call_once(once, [] {
        fftw_init_threads();
        fftwf_init_threads();
        // Bound the first-time cost of FFTW_MEASURE on large grids.
        fftw_set_timelimit(5.0);
        fftwf_set_timelimit(5.0);
    });
}

unsigned plannerFlags(FftEffort effort)
{
    return effort == FftEffort::Measure ? FFTW_MEASURE : FFTW_ESTIMATE;
}

using PlanKey = std::tuple<int, int, int, int, int>;  // ny, nx, sign, threads, effort

template <typename Real>
struct FftwApi;

template <>
struct FftwApi<double> {
    using Plan = fftw_plan;
    using Cplx = fftw_complex;
    static Plan plan(int ny, int nx, Cplx* buf, int sign, unsigned flags)
    {
        return fftw_plan_dft_2d(ny, nx, buf, buf, sign, flags);
    }
    static void withThreads(int n) { fftw_plan_with_nthreads(n); }
    static void execute(void* p, Cplx* data) { fftw_execute_dft(Plan(p), data, data); }
};

template <>
struct FftwApi<float> {
    using Plan = fftwf_plan;
    using Cplx = fftwf_complex;
    static Plan plan(int ny, int nx, Cplx* buf, int sign, unsigned flags)
    {
        return fftwf_plan_dft_2d(ny, nx, buf, buf, sign, flags);
    }
    static void withThreads(int n) { fftwf_plan_with_nthreads(n); }
    static void execute(void* p, Cplx* data) { fftwf_execute_dft(Plan(p), data, data); }
};

// Plans live as long as the process: the number of distinct shapes a session sees is small.
template <typename Real>
void* cachedPlan(int ny, int nx, int sign, FftEffort effort)
{
    using Api = FftwApi<Real>;
    static std::map<PlanKey, void*> cache;
    const int threads = threadCount();
    const unsigned flags = plannerFlags(effort);
    const PlanKey key{ny, nx, sign, threads, int(flags)};

    std::lock_guard<std::mutex> lock(g_planMutex);
    initThreadsOnce();
    if (auto it = cache.find(key); it != cache.end())
        return it->second;

    // Planning with FFTW_MEASURE overwrites its arrays: plan on scratch of the same alignment.
    AlignedBuffer<Complex<Real>> scratch(std::size_t(ny) * nx);
    Api::withThreads(threads);
    auto plan = Api::plan(ny, nx, reinterpret_cast<typename Api::Cplx*>(scratch.data()), sign,
                          flags);
    if (!plan)
        throw std::runtime_error("FFTW could not plan a " + std::to_string(ny) + "×" +
                                 std::to_string(nx) + " transform");
    void* p = reinterpret_cast<void*>(plan);
    cache.emplace(key, p);
    return p;
}

// Real-data plans (r2c forward, c2r backward, out of place), cached like the complex ones.
template <typename Real>
struct FftwRealApi;

template <>
struct FftwRealApi<double> {
    using Plan = fftw_plan;
    using Cplx = fftw_complex;
    static Plan forward(int ny, int nx, double* in, Cplx* out, unsigned flags)
    {
        return fftw_plan_dft_r2c_2d(ny, nx, in, out, flags);
    }
    static Plan backward(int ny, int nx, Cplx* in, double* out, unsigned flags)
    {
        return fftw_plan_dft_c2r_2d(ny, nx, in, out, flags);
    }
    static void withThreads(int n) { fftw_plan_with_nthreads(n); }
    static void executeForward(void* p, double* in, Cplx* out)
    {
        fftw_execute_dft_r2c(Plan(p), in, out);
    }
    static void executeBackward(void* p, Cplx* in, double* out)
    {
        fftw_execute_dft_c2r(Plan(p), in, out);
    }
};

template <>
struct FftwRealApi<float> {
    using Plan = fftwf_plan;
    using Cplx = fftwf_complex;
    static Plan forward(int ny, int nx, float* in, Cplx* out, unsigned flags)
    {
        return fftwf_plan_dft_r2c_2d(ny, nx, in, out, flags);
    }
    static Plan backward(int ny, int nx, Cplx* in, float* out, unsigned flags)
    {
        return fftwf_plan_dft_c2r_2d(ny, nx, in, out, flags);
    }
    static void withThreads(int n) { fftwf_plan_with_nthreads(n); }
    static void executeForward(void* p, float* in, Cplx* out)
    {
        fftwf_execute_dft_r2c(Plan(p), in, out);
    }
    static void executeBackward(void* p, Cplx* in, float* out)
    {
        fftwf_execute_dft_c2r(Plan(p), in, out);
    }
};

template <typename Real>
void* cachedRealPlan(int ny, int nx, int sign, FftEffort effort)
{
    using Api = FftwRealApi<Real>;
    static std::map<PlanKey, void*> cache;
    const int threads = threadCount();
    const unsigned flags = plannerFlags(effort);
    const PlanKey key{ny, nx, sign, threads, int(flags)};

    std::lock_guard<std::mutex> lock(g_planMutex);
    initThreadsOnce();
    if (auto it = cache.find(key); it != cache.end())
        return it->second;

    AlignedBuffer<Real> real(std::size_t(ny) * nx);
    AlignedBuffer<Complex<Real>> half(std::size_t(ny) * (nx / 2 + 1));
    auto* spectrum = reinterpret_cast<typename Api::Cplx*>(half.data());
    Api::withThreads(threads);
    auto plan = sign == FFTW_FORWARD ? Api::forward(ny, nx, real.data(), spectrum, flags)
                                     : Api::backward(ny, nx, spectrum, real.data(), flags);
    if (!plan)
        throw std::runtime_error("FFTW could not plan a " + std::to_string(ny) + "×" +
                                 std::to_string(nx) + " real transform");
    void* p = reinterpret_cast<void*>(plan);
    cache.emplace(key, p);
    return p;
}

} // namespace

void setFftEffort(FftEffort effort)
{
    g_effort.store(effort);
}

FftEffort fftEffort()
{
    return g_effort.load();
}

template <typename Real>
Fft2D<Real>::Fft2D(int ny, int nx, FftEffort effort)
    : m_ny(ny), m_nx(nx)
{
    if (ny <= 0 || nx <= 0)
        throw std::invalid_argument("Fft2D: non-positive size");
    m_forward = cachedPlan<Real>(ny, nx, FFTW_FORWARD, effort);
    m_backward = cachedPlan<Real>(ny, nx, FFTW_BACKWARD, effort);
}

template <typename Real>
void Fft2D<Real>::forward(Complex<Real>* data) const
{
    FftwApi<Real>::execute(m_forward, reinterpret_cast<typename FftwApi<Real>::Cplx*>(data));
}

template <typename Real>
void Fft2D<Real>::backward(Complex<Real>* data) const
{
    FftwApi<Real>::execute(m_backward, reinterpret_cast<typename FftwApi<Real>::Cplx*>(data));
}

template class Fft2D<float>;
template class Fft2D<double>;

namespace {
constexpr const char* kWisdomHeader = "phaselab-fftw-wisdom 1\n";
constexpr const char* kWisdomFloat = "\n-- float --\n";
} // namespace

bool importFftWisdom(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string header(kWisdomHeader);
    const auto split = text.find(kWisdomFloat);
    if (text.compare(0, header.size(), header) != 0 || split == std::string::npos)
        return false;
    const std::string d = text.substr(header.size(), split - header.size());
    const std::string f = text.substr(split + std::strlen(kWisdomFloat));
    std::lock_guard<std::mutex> lock(g_planMutex);
    initThreadsOnce();
    return fftw_import_wisdom_from_string(d.c_str()) != 0 &&
           fftwf_import_wisdom_from_string(f.c_str()) != 0;
}

bool exportFftWisdom(const std::string& path)
{
    std::string text(kWisdomHeader);
    {
        std::lock_guard<std::mutex> lock(g_planMutex);
        initThreadsOnce();
        char* d = fftw_export_wisdom_to_string();
        char* f = fftwf_export_wisdom_to_string();
        if (d && f)
            text += std::string(d) + kWisdomFloat + std::string(f);
        std::free(d);
        std::free(f);
        if (!d || !f)
            return false;
    }
    const std::string temp = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!(out << text) || !out.flush()) {
            std::remove(temp.c_str());
            return false;
        }
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        std::remove(temp.c_str());
        return false;
    }
    return true;
}

template <typename Real>
RealFft2D<Real>::RealFft2D(int ny, int nx, FftEffort effort)
    : m_ny(ny), m_nx(nx)
{
    if (ny <= 0 || nx <= 0)
        throw std::invalid_argument("RealFft2D: non-positive size");
    m_forward = cachedRealPlan<Real>(ny, nx, FFTW_FORWARD, effort);
    m_backward = cachedRealPlan<Real>(ny, nx, FFTW_BACKWARD, effort);
}

template <typename Real>
void RealFft2D<Real>::forward(const Real* real, Complex<Real>* spectrum) const
{
    // FFTW's r2c leaves an out-of-place input intact; its signature is not const.
    FftwRealApi<Real>::executeForward(m_forward, const_cast<Real*>(real),
                                      reinterpret_cast<typename FftwRealApi<Real>::Cplx*>(spectrum));
}

template <typename Real>
void RealFft2D<Real>::backward(Complex<Real>* spectrum, Real* real) const
{
    FftwRealApi<Real>::executeBackward(
        m_backward, reinterpret_cast<typename FftwRealApi<Real>::Cplx*>(spectrum), real);
}

template class RealFft2D<float>;
template class RealFft2D<double>;

double fftFrequency(int k, int n, double d)
{
    const int m = k < (n + 1) / 2 ? k : k - n;
    return double(m) / (double(n) * d);
}

} // namespace phaselab::core
