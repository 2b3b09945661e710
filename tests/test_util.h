#pragma once
// Helpers shared by the core tests: random images, inner products, and an independent
// reference of physics.md §2 by direct (slow) DFT.

#include <complex>
#include <cstdint>
#include <fstream>
#include <string>
#include <tuple>
#include <random>
#include <vector>

#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/simulate.h>

namespace phaselab::test {

template <typename T>
core::Image<T> randomImage(int w, int h, double lo, double hi, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> d(lo, hi);
    core::Image<T> img(w, h);
    for (auto& v : img)
        v = T(d(rng));
    return img;
}

/// `acc` scaled so that its maximum is `amplitude`, as an Image<T>.
template <typename T>
core::Image<T> scaledToMax(const core::Image<double>& acc, double amplitude)
{
    double mx = 0;
    for (double v : acc)
        mx = std::max(mx, v);
    core::Image<T> img(acc.width(), acc.height());
    for (std::size_t i = 0; i < acc.size(); ++i)
        img[i] = T(amplitude * acc[i] / mx);
    return img;
}

/// A smooth random image: a sum of a few random Gaussian bumps, in [0, amplitude].
template <typename T>
core::Image<T> smoothImage(int w, int h, double amplitude, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    core::Image<double> acc(w, h);
    for (int b = 0; b < 6; ++b) {
        const double cx = u(rng) * w, cy = u(rng) * h, s = (0.05 + 0.15 * u(rng)) * w,
                     a = u(rng);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                acc(x, y) += a * std::exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s * s));
    }
    return scaledToMax<T>(acc, amplitude);
}

/// `count` small Gaussian blobs (σ 1.5–4 px) at random places, wrapped periodically, scaled to
/// a maximum of `amplitude`: an object with detail at every scale, for registration.
template <typename T>
core::Image<T> blobImage(int w, int h, double amplitude, unsigned seed, int count = 40)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    core::Image<double> acc(w, h);
    for (int b = 0; b < count; ++b) {
        const double cx = u(rng) * w, cy = u(rng) * h, s = 1.5 + 2.5 * u(rng), a = 0.3 + 0.7 * u(rng);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                double dx = std::abs(x - cx), dy = std::abs(y - cy);
                dx = std::min(dx, w - dx);
                dy = std::min(dy, h - dy);
                acc(x, y) += a * std::exp(-(dx * dx + dy * dy) / (2 * s * s));
            }
    }
    return scaledToMax<T>(acc, amplitude);
}

template <typename T>
double dot(const core::Image<T>& a, const core::Image<T>& b)
{
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        s += double(a[i]) * double(b[i]);
    return s;
}

template <typename T>
double norm(const core::Image<T>& a)
{
    return std::sqrt(dot(a, a));
}

template <typename A, typename B>
double relativeDifference(const core::Image<A>& a, const core::Image<B>& ref)
{
    double num = 0, den = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double d = double(a[i]) - double(ref[i]);
        num += d * d;
        den += double(ref[i]) * double(ref[i]);
    }
    return std::sqrt(num / den);
}

/// Direct 2D DFT, sign −1 (forward) or +1 (backward, unnormalised), O(N²) per sample.
inline std::vector<std::complex<double>> dft2(const std::vector<std::complex<double>>& x, int w,
                                              int h, int sign)
{
    const double pi = 3.14159265358979323846;
    std::vector<std::complex<double>> rows(x.size()), out(x.size());
    for (int y = 0; y < h; ++y)
        for (int k = 0; k < w; ++k) {
            std::complex<double> s = 0;
            for (int x0 = 0; x0 < w; ++x0)
                s += x[std::size_t(y) * w + x0] * std::polar(1.0, sign * 2 * pi * k * x0 / w);
            rows[std::size_t(y) * w + k] = s;
        }
    for (int k = 0; k < w; ++k)
        for (int l = 0; l < h; ++l) {
            std::complex<double> s = 0;
            for (int y = 0; y < h; ++y)
                s += rows[std::size_t(y) * w + k] * std::polar(1.0, sign * 2 * pi * l * y / h);
            out[std::size_t(l) * w + k] = s;
        }
    return out;
}

/// physics.md §2 written out literally: I = |F⁻¹[H · F[exp(−B − iφ)]]|², periodic, double.
inline core::ImageD referenceIntensity(const core::Geometry& g, const core::ImageD& B,
                                       const core::ImageD& phi)
{
    const int w = B.width(), h = B.height();
    const double pi = 3.14159265358979323846;
    std::vector<std::complex<double>> T(B.size());
    for (std::size_t i = 0; i < T.size(); ++i)
        T[i] = std::exp(std::complex<double>(-B[i], -phi[i]));
    auto spec = dft2(T, w, h, -1);
    auto freq = [](int k, int n, double d) { return (k < (n + 1) / 2 ? k : k - n) / (n * d); };
    for (int l = 0; l < h; ++l)
        for (int k = 0; k < w; ++k) {
            const double fx = freq(k, w, g.pixelSizeM), fy = freq(l, h, g.pixelSizeM);
            const double chi = pi * g.wavelengthM() * g.distanceM * (fx * fx + fy * fy);
            spec[std::size_t(l) * w + k] *= std::polar(1.0, -chi);
        }
    auto u = dft2(spec, w, h, +1);
    core::ImageD I(w, h);
    for (std::size_t i = 0; i < I.size(); ++i)
        I[i] = std::norm(u[i] / double(w * h));
    return I;
}

/// A minimal little-endian TIFF with the given (tag, type, value) entries (type 3 SHORT or 4
/// LONG, count 1) and `payload` zero bytes of pixel data right after the header (offset 8), for
/// files PhaseLab's writer cannot produce: unsupported formats, lying headers.
inline std::string craftTiff(
    const std::vector<std::tuple<std::uint16_t, std::uint16_t, std::uint32_t>>& tags,
    std::size_t payload)
{
    std::string s = "II";
    auto u16 = [&](std::uint16_t v) { s.append(reinterpret_cast<const char*>(&v), 2); };
    auto u32 = [&](std::uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); };
    u16(42);
    u32(std::uint32_t(8 + payload));
    s.append(payload, '\0');
    u16(std::uint16_t(tags.size()));
    for (auto [tag, type, value] : tags) {
        u16(tag);
        u16(type);
        u32(1);
        if (type == 3) {  // SHORT, left-justified in the 4-byte field
            u16(std::uint16_t(value));
            u16(0);
        } else {
            u32(value);
        }
    }
    u32(0);
    return s;
}

/// A 4 × 4 single-page TIFF of 16-bit floats, a sample format PhaseLab does not decode.
inline std::string halfFloatTiff()
{
    return craftTiff({{256, 4, 4}, {257, 4, 4}, {258, 3, 16}, {259, 3, 1}, {262, 3, 1},
                      {273, 4, 8}, {277, 3, 1}, {278, 4, 4}, {279, 4, 32}, {339, 3, 3}},
                     32);
}

inline void writeBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

/// `count` holograms of the DGN protocol (size², 40–60 dB PPSNR, no oversampling), sample
/// indices 0 … count−1 of `seed`: other data than a toy image, from the project's simulator.
inline std::vector<core::ImageF> simulatedHolograms(int count, int size, std::uint64_t seed)
{
    core::SimulationParams p = core::SimulationParams::dgn();
    p.oversample = 1;
    p.ppsnrMinDb = 40;
    p.ppsnrMaxDb = 60;
    core::SampleSimulator sim(p, size);
    std::vector<core::ImageF> out;
    for (int i = 0; i < count; ++i)
        out.push_back(sim.simulate({seed, 0, 0, std::uint64_t(i)}).hologram);
    return out;
}

} // namespace phaselab::test
