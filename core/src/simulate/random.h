#pragma once
// A small, fully specified random number generator for the simulators: the same seed gives the
// same numbers with any compiler and standard library (std::*_distribution gives no such
// promise), so a data set is reproducible from its recorded seed.

#include <cmath>
#include <cstdint>

namespace phaselab::core::detail {

/// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mix.
inline std::uint64_t splitMix64(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// xoshiro256** (Blackman, Vigna 2018) seeded through SplitMix64 from a tuple of keys, so that
/// (seed, split, stream, index) give independent, non-overlapping streams.
class Rng {
public:
    Rng(std::uint64_t seed, std::uint64_t a = 0, std::uint64_t b = 0, std::uint64_t c = 0)
    {
        std::uint64_t st = seed;
        std::uint64_t mix = splitMix64(st);
        for (std::uint64_t key : {a, b, c}) {
            st = mix ^ (key * 0xD1B54A32D192ED03ull);
            mix = splitMix64(st);
        }
        st = mix;
        for (auto& s : m_s)
            s = splitMix64(st);
    }

    std::uint64_t next()
    {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    /// Uniform in [0, 1) with 53 random bits.
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
    /// Uniform in [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Uniform integer in [lo, hi] (hi − lo small: the modulo bias is below 2⁻⁵⁰).
    int uniformInt(int lo, int hi)
    {
        return lo + int(next() % std::uint64_t(std::int64_t(hi) - lo + 1));
    }

    /// Standard normal deviate (Box–Muller, both values used).
    double normal()
    {
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        double u1 = uniform();
        while (u1 <= 0.0)
            u1 = uniform();
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double a = 6.283185307179586476925 * u2;
        m_spare = r * std::sin(a);
        m_hasSpare = true;
        return r * std::cos(a);
    }

    /// Poisson deviate of mean `mean` ≥ 0: inversion by multiplication for small means,
    /// Hörmann's transformed rejection with squeeze (PTRS, 1993) for mean ≥ 10. Exact in both.
    std::uint64_t poisson(double mean)
    {
        if (!(mean > 0))
            return 0;
        if (mean < 10) {
            const double limit = std::exp(-mean);
            std::uint64_t k = 0;
            double p = uniform();
            while (p > limit) {
                ++k;
                p *= uniform();
            }
            return k;
        }
        const double slam = std::sqrt(mean);
        const double loglam = std::log(mean);
        const double b = 0.931 + 2.53 * slam;
        const double a = -0.059 + 0.02483 * b;
        const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
        const double vr = 0.9277 - 3.6224 / (b - 2);
        for (;;) {
            const double u = uniform() - 0.5;
            const double v = uniform();
            const double us = 0.5 - std::abs(u);
            const double k = std::floor((2 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= vr)
                return std::uint64_t(k);
            if (k < 0 || (us < 0.013 && v > us))
                continue;
            if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <=
                -mean + k * loglam - logFactorial(k))
                return std::uint64_t(k);
        }
    }

private:
    // ln k! exactly for small k, by Stirling's series above (error < 1e-12 for k ≥ 10). Avoids
    // std::lgamma, which writes the global signgam and so races between threads.
    static double logFactorial(double k)
    {
        static const double table[10] = {0.0,
                                         0.0,
                                         0.69314718055994530942,
                                         1.79175946922805500081,
                                         3.17805383034794561964,
                                         4.78749174278204599425,
                                         6.57925121201010099506,
                                         8.52516136106541430017,
                                         10.6046029027452502284,
                                         12.8018274800814696112};
        if (k < 10)
            return table[int(k)];
        const double r = 1.0 / k, r2 = r * r;
        return (k + 0.5) * std::log(k) - k + 0.91893853320467274178 +
               r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 / 1680)));
    }

    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    std::uint64_t m_s[4];
    double m_spare = 0;
    bool m_hasSpare = false;
};

} // namespace phaselab::core::detail
