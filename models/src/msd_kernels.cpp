#include "msd_kernels.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace phaselab::models::msd {

namespace {

// Reflect padding without repeating the edge (PyTorch's 'reflect'): valid for −(n−1) ≤ i ≤ 2n − 2.
inline std::int64_t reflect(std::int64_t i, std::int64_t n)
{
    return i < 0 ? -i : (i >= n ? 2 * n - 2 - i : i);
}

// acc[x] += Σ_{ky,kx} k[3ky + kx] · row_ky[reflect(x + d·(kx − 1))] for one output row.
template <typename T>
inline __attribute__((always_inline)) void accumulateRowBody(T* __restrict acc,
                                                             const T* __restrict r0,
                                                             const T* __restrict r1,
                                                             const T* __restrict r2, const T* k,
                                                             std::int64_t width, std::int64_t d)
{
    const T k0 = k[0], k1 = k[1], k2 = k[2], k3 = k[3], k4 = k[4], k5 = k[5], k6 = k[6],
            k7 = k[7], k8 = k[8];
    for (std::int64_t x = d; x < width - d; ++x)
        acc[x] += k0 * r0[x - d] + k1 * r0[x] + k2 * r0[x + d] + k3 * r1[x - d] + k4 * r1[x] +
                  k5 * r1[x + d] + k6 * r2[x - d] + k7 * r2[x] + k8 * r2[x + d];
    auto border = [&](std::int64_t x) {
        const std::int64_t l = reflect(x - d, width), r = reflect(x + d, width);
        acc[x] += k0 * r0[l] + k1 * r0[x] + k2 * r0[r] + k3 * r1[l] + k4 * r1[x] + k5 * r1[r] +
                  k6 * r2[l] + k7 * r2[x] + k8 * r2[r];
    };
    for (std::int64_t x = 0; x < std::min(d, width); ++x)
        border(x);
    for (std::int64_t x = std::max(d, width - d); x < width; ++x)
        border(x);
}

// For a block of len pixels of one input map x (with its gradient dx) and the nine adjoint-shifted
// output gradients G_t (plane stride `stride`): dk[t] += Σ x · G_t and dx += Σ_t k[t] · G_t.
// Written with GCC vector types: nine vector accumulators for the dot products stay in registers
// (plain loops do not vectorise: float reductions need reassociation).
template <typename T>
inline __attribute__((always_inline)) void blockBody(const T* __restrict x, T* __restrict dx,
                                                     const T* __restrict G, std::int64_t stride,
                                                     const T* k, T* dk, std::int64_t len)
{
    typedef T V __attribute__((vector_size(32)));
    constexpr int L = int(sizeof(V) / sizeof(T));
    V acc[9];
    for (int t = 0; t < 9; ++t)
        acc[t] = V{};
    std::int64_t p = 0;
    for (; p + L <= len; p += L) {
        V xv, sum;
        std::memcpy(&xv, x + p, sizeof xv);
        std::memcpy(&sum, dx + p, sizeof sum);
        for (int t = 0; t < 9; ++t) {
            V g;
            std::memcpy(&g, G + t * stride + p, sizeof g);
            acc[t] += xv * g;
            sum += k[t] * g;
        }
        std::memcpy(dx + p, &sum, sizeof sum);
    }
    for (int t = 0; t < 9; ++t) {
        T s = 0;
        for (int l = 0; l < L; ++l)
            s += acc[t][l];
        for (std::int64_t q = p; q < len; ++q)
            s += x[q] * G[t * stride + q];
        dk[t] += s;
    }
    for (std::int64_t q = p; q < len; ++q) {
        T sum = 0;
        for (int t = 0; t < 9; ++t)
            sum += k[t] * G[t * stride + q];
        dx[q] += sum;
    }
}

using RowFn = void (*)(float*, const float*, const float*, const float*, const float*,
                       std::int64_t, std::int64_t);
using BlockFn = void (*)(const float*, float*, const float*, std::int64_t, const float*, float*,
                         std::int64_t);

void rowDefault(float* acc, const float* r0, const float* r1, const float* r2, const float* k,
                std::int64_t width, std::int64_t d)
{
    accumulateRowBody(acc, r0, r1, r2, k, width, d);
}
void blockDefault(const float* x, float* dx, const float* G, std::int64_t stride, const float* k,
                  float* dk, std::int64_t len)
{
    blockBody(x, dx, G, stride, k, dk, len);
}

#if defined(__GNUC__) && defined(__x86_64__)
// The same bodies compiled for AVX2 + FMA, chosen at run time (the build targets baseline x86-64).
__attribute__((target("avx2,fma"))) void rowAvx2(float* acc, const float* r0, const float* r1,
                                                 const float* r2, const float* k,
                                                 std::int64_t width, std::int64_t d)
{
    accumulateRowBody(acc, r0, r1, r2, k, width, d);
}
__attribute__((target("avx2,fma"))) void blockAvx2(const float* x, float* dx, const float* G,
                                                   std::int64_t stride, const float* k, float* dk,
                                                   std::int64_t len)
{
    blockBody(x, dx, G, stride, k, dk, len);
}
bool hasAvx2()
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
bool hasAvx2()
{
    return false;
}
#endif

RowFn rowKernel()
{
#if defined(__GNUC__) && defined(__x86_64__)
    static const RowFn fn = hasAvx2() ? rowAvx2 : rowDefault;
#else
    static const RowFn fn = rowDefault;
#endif
    return fn;
}

BlockFn blockKernel()
{
#if defined(__GNUC__) && defined(__x86_64__)
    static const BlockFn fn = hasAvx2() ? blockAvx2 : blockDefault;
#else
    static const BlockFn fn = blockDefault;
#endif
    return fn;
}

inline void accumulateRow(float* acc, const float* r0, const float* r1, const float* r2,
                          const float* k, std::int64_t width, std::int64_t d)
{
    rowKernel()(acc, r0, r1, r2, k, width, d);
}
inline void accumulateRow(double* acc, const double* r0, const double* r1, const double* r2,
                          const double* k, std::int64_t width, std::int64_t d)
{
    accumulateRowBody(acc, r0, r1, r2, k, width, d);
}
inline void block(const float* x, float* dx, const float* G, std::int64_t stride, const float* k,
                  float* dk, std::int64_t len)
{
    blockKernel()(x, dx, G, stride, k, dk, len);
}
inline void block(const double* x, double* dx, const double* G, std::int64_t stride,
                  const double* k, double* dk, std::int64_t len)
{
    blockBody(x, dx, G, stride, k, dk, len);
}

} // namespace

template <typename T>
void layerForward(T* maps, const Shape& s, std::int64_t c, std::int64_t w, const T* weight,
                  const T* bias, std::int64_t d)
{
    const std::int64_t H = s.height, W = s.width, HW = H * W, C = s.channels;
    at::parallel_for(0, s.n * H, 1, [&](std::int64_t begin, std::int64_t end) {
        std::vector<T> acc(static_cast<std::size_t>(W));
        for (std::int64_t r = begin; r < end; ++r) {
            const std::int64_t n = r / H, y = r % H;
            T* sample = maps + n * C * HW;
            const std::int64_t y0 = reflect(y - d, H), y2 = reflect(y + d, H);
            for (std::int64_t o = 0; o < w; ++o) {
                std::fill(acc.begin(), acc.end(), bias[o]);
                const T* k = weight + o * c * 9;
                for (std::int64_t j = 0; j < c; ++j, k += 9) {
                    const T* plane = sample + j * HW;
                    accumulateRow(acc.data(), plane + y0 * W, plane + y * W, plane + y2 * W, k, W,
                                  d);
                }
                T* out = sample + (c + o) * HW + y * W;
                for (std::int64_t x = 0; x < W; ++x)
                    out[x] = acc[std::size_t(x)] > T(0) ? acc[std::size_t(x)] : T(0);
            }
        }
    });
}

template <typename T>
void layerBackward(const T* maps, T* grad, const Shape& s, std::int64_t c, std::int64_t w,
                   const T* weight, std::int64_t d, T* dWeight, T* dBias, T* scratch)
{
    const std::int64_t N = s.n, H = s.height, W = s.width, HW = H * W, C = s.channels;
    T* g = scratch;           // [N, w, HW]: the gradient through the ReLU
    T* G = scratch + N * w * HW;  // [N, w, 9, HW]: its adjoint shifts S_t* g

    // g = dL/dout · [out > 0] (the stored maps are the ReLU outputs), with per-map sums for the bias.
    std::vector<T> biasPart(static_cast<std::size_t>(N * w), T(0));
    at::parallel_for(0, N * w, 1, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) {
            const std::int64_t n = i / w, o = i % w;
            const T* dout = grad + n * C * HW + (c + o) * HW;
            const T* out = maps + n * C * HW + (c + o) * HW;
            T* gi = g + i * HW;
            T sum = 0;
            for (std::int64_t p = 0; p < HW; ++p) {
                gi[p] = out[p] > T(0) ? dout[p] : T(0);
                sum += gi[p];
            }
            biasPart[std::size_t(i)] = sum;
        }
    });
    for (std::int64_t o = 0; o < w; ++o) {
        T sum = 0;
        for (std::int64_t n = 0; n < N; ++n)
            sum += biasPart[std::size_t(n * w + o)];
        dBias[o] = sum;
    }

    // G_t = S_t* g: the adjoint of "read at reflect(p + d·(t − 1))" scatters each value back.
    at::parallel_for(0, N * w * 9, 1, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) {
            const std::int64_t t = i % 9, no = i / 9;
            const std::int64_t dy = d * (t / 3 - 1), dx = d * (t % 3 - 1);
            T* plane = G + i * HW;
            std::fill(plane, plane + HW, T(0));
            const T* src = g + no * HW;
            const std::int64_t lo = std::max<std::int64_t>(0, -dx);
            const std::int64_t hi = std::min<std::int64_t>(W, W - dx);
            for (std::int64_t y = 0; y < H; ++y) {
                T* dst = plane + reflect(y + dy, H) * W;
                const T* row = src + y * W;
                for (std::int64_t x = lo; x < hi; ++x)
                    dst[x + dx] += row[x];
                for (std::int64_t x = 0; x < lo; ++x)
                    dst[reflect(x + dx, W)] += row[x];
                for (std::int64_t x = std::max(hi, lo); x < W; ++x)
                    dst[reflect(x + dx, W)] += row[x];
            }
        }
    });

    // Per pixel block: dW[o, j, t] += ⟨x_j, G_{o,t}⟩ and dx_j += Σ_{o,t} W[o, j, t] G_{o,t}.
    constexpr std::int64_t kBlock = 2048;
    const std::int64_t blocks = (HW + kBlock - 1) / kBlock;
    const std::int64_t nw = w * c * 9;
    const int threads = at::get_num_threads();
    std::vector<T> partial(static_cast<std::size_t>(threads * nw), T(0));
    at::parallel_for(0, N * blocks, 1, [&](std::int64_t begin, std::int64_t end) {
        T* dW = partial.data() + std::int64_t(at::get_thread_num()) * nw;
        for (std::int64_t i = begin; i < end; ++i) {
            const std::int64_t n = i / blocks, p0 = (i % blocks) * kBlock;
            const std::int64_t len = std::min(kBlock, HW - p0);
            const T* Gn = G + n * w * 9 * HW + p0;
            for (std::int64_t j = 0; j < c; ++j) {
                const T* x = maps + n * C * HW + j * HW + p0;
                T* dx = grad + n * C * HW + j * HW + p0;
                for (std::int64_t o = 0; o < w; ++o)
                    block(x, dx, Gn + o * 9 * HW, HW, weight + (o * c + j) * 9,
                          dW + (o * c + j) * 9, len);
            }
        }
    });
    std::fill(dWeight, dWeight + nw, T(0));
    for (int t = 0; t < threads; ++t)
        for (std::int64_t k = 0; k < nw; ++k)
            dWeight[k] += partial[std::size_t(t * nw + k)];
}

template void layerForward<float>(float*, const Shape&, std::int64_t, std::int64_t, const float*,
                                  const float*, std::int64_t);
template void layerForward<double>(double*, const Shape&, std::int64_t, std::int64_t,
                                   const double*, const double*, std::int64_t);
template void layerBackward<float>(const float*, float*, const Shape&, std::int64_t, std::int64_t,
                                   const float*, std::int64_t, float*, float*, float*);
template void layerBackward<double>(const double*, double*, const Shape&, std::int64_t,
                                    std::int64_t, const double*, std::int64_t, double*, double*,
                                    double*);

} // namespace phaselab::models::msd
