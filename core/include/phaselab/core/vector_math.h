#pragma once
// Branch-free float exp and sincos that GCC vectorises (plain loops, no libm calls). glibc's
// scalar expf/sincosf cost ~10 ns per pixel here, more than the FFTs of the forward model; these
// run at SIMD width. Accuracy (tested in vector_math_test): exp relative error < 4e-7 on
// [−87, 88]; sin/cos absolute error < 2e-7·max(1, |x|/100) — float-level for phases far beyond
// what any hologram has.

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace phaselab::core::vmath {

inline std::int32_t bitsOf(float x)
{
    std::int32_t b;
    std::memcpy(&b, &x, sizeof b);
    return b;
}

inline float fromBits(std::int32_t b)
{
    float x;
    std::memcpy(&x, &b, sizeof x);
    return x;
}

/// e^x in float.
inline float exp(float x)
{
    // Clamp to the normal range (written as max/min so it compiles to SIMD min/max).
    x = std::max(x, -87.0f);
    x = std::min(x, 88.0f);
    // n = round(x / ln2) by the 1.5·2²³ trick (ties to even, no SSE4.1 needed).
    const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    // x − n ln2 with ln2 split in two so the products are exact (Cody–Waite).
    const float r = (x - n * 0.693145751953125f) - n * 1.42860682030941723e-6f;
    // e^r on |r| ≤ ln2/2, Taylor to degree 6 (error < 1.3e-7).
    float p = 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    return p * fromBits((static_cast<std::int32_t>(n) + 127) << 23);
}

/// sin x and cos x in float.
inline void sincos(float x, float& s, float& c)
{
    const float n = (x * 0.636619772367581343f + 12582912.0f) - 12582912.0f;  // round(x·2/π)
    // x − n π/2 with π/2 split in three parts (Cody–Waite); r ∈ [−π/4, π/4].
    const float r = ((x - n * 1.5703125f) - n * 4.837512969970703125e-4f) -
                    n * 7.549789954891882e-8f;
    const float r2 = r * r;
    // Minimax polynomials on [−π/4, π/4] (Cephes sinf/cosf coefficients).
    const float sr =
        r + r * r2 * (-1.6666654611e-1f + r2 * (8.3321608736e-3f + r2 * -1.9515295891e-4f));
    const float cr = 1.0f - 0.5f * r2 +
                     r2 * r2 *
                         (4.166664568298827e-2f +
                          r2 * (-1.388731625493765e-3f + r2 * 2.443315711809948e-5f));
    // Quadrant q: (sin, cos) = (s, c), (c, −s), (−s, −c), (−c, s). Selects and signs as bit
    // operations, so the loop stays branch-free.
    const std::int32_t q = static_cast<std::int32_t>(n);
    const std::int32_t swap = -(q & 1);  // all ones when q is odd
    const std::int32_t sb = bitsOf(sr), cb = bitsOf(cr);
    const std::int32_t sinBits = (sb & ~swap) | (cb & swap);
    const std::int32_t cosBits = (cb & ~swap) | (sb & swap);
    s = fromBits(sinBits ^ ((q & 2) << 30));
    c = fromBits(cosBits ^ (((q + 1) & 2) << 30));
}

} // namespace phaselab::core::vmath
