#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <string>

namespace phaselab::core {

template <typename Real>
using Complex = std::complex<Real>;

/// A heap array aligned to 64 bytes, as FFTW's SIMD code and core's kernels expect.
/// Move-only; contents are uninitialised after construction or resize().
template <typename T>
class AlignedBuffer {
public:
    AlignedBuffer() = default;
    explicit AlignedBuffer(std::size_t n) { resize(n); }
    AlignedBuffer(AlignedBuffer&&) noexcept = default;
    AlignedBuffer& operator=(AlignedBuffer&&) noexcept = default;

    void resize(std::size_t n);
    [[nodiscard]] std::size_t size() const noexcept { return m_size; }
    [[nodiscard]] T* data() noexcept { return m_data.get(); }
    [[nodiscard]] const T* data() const noexcept { return m_data.get(); }
    T& operator[](std::size_t i) noexcept { return m_data.get()[i]; }
    const T& operator[](std::size_t i) const noexcept { return m_data.get()[i]; }

private:
    struct Free {
        void operator()(T* p) const noexcept;
    };
    std::unique_ptr<T, Free> m_data;
    std::size_t m_size = 0;
};

/// How hard FFTW searches for a fast plan. Estimate plans at once; Measure times candidate plans
/// the first time a shape is seen (seconds at 2048², cached for the life of the process) and
/// runs faster, which pays off for iterative solvers that apply the operator thousands of times.
enum class FftEffort { Estimate, Measure };
/// The effort used when none is given; Estimate unless changed.
void setFftEffort(FftEffort effort);
FftEffort fftEffort();

/// In-place, unnormalised 2D complex FFT on a [ny, nx] row-major grid (FFTW, float or double).
/// Plans are created once per (precision, shape, thread count) and shared; execute() is
/// thread-safe. Arrays passed in must be 64-byte aligned (AlignedBuffer) and hold ny·nx values.
template <typename Real>
class Fft2D {
public:
    Fft2D(int ny, int nx, FftEffort effort = fftEffort());

    /// X̂(ξ) = Σ x e^{−2πi ξ·r} (FFTW_FORWARD).
    void forward(Complex<Real>* data) const;
    /// x(r) = Σ X̂ e^{+2πi ξ·r} (FFTW_BACKWARD), not divided by ny·nx.
    void backward(Complex<Real>* data) const;

    [[nodiscard]] int nx() const noexcept { return m_nx; }
    [[nodiscard]] int ny() const noexcept { return m_ny; }

private:
    int m_ny, m_nx;
    void* m_forward;
    void* m_backward;
};

/// FFTW wisdom: the plans FftEffort::Measure chose by timing, for float and double. Measure may
/// pick different algorithms in two runs (they round differently in the last bits); a run that
/// imports the wisdom an earlier run exported gets that run's plans, hence the same results.
/// Both calls take the planner lock, so they are safe alongside Fft2D construction.
/// importFftWisdom returns false (and changes nothing) when the file is missing or unreadable.
bool importFftWisdom(const std::string& path);
/// Writes the wisdom of every plan made so far to `path` (temporary file, then rename).
/// Returns false when it cannot be written.
bool exportFftWisdom(const std::string& path);
/// Out-of-place 2D FFT of real data on a [ny, nx] row-major grid and its half spectrum
/// [ny, nx/2 + 1] (FFTW r2c / c2r, float or double): about half the work and memory of Fft2D for
/// real images, and far faster with FftEffort::Estimate at large sizes. Plans are cached per
/// (precision, shape, thread count, effort) like Fft2D's; execute is thread-safe. Arrays must be
/// 64-byte aligned (AlignedBuffer).
template <typename Real>
class RealFft2D {
public:
    RealFft2D(int ny, int nx, FftEffort effort = fftEffort());

    /// spectrum[ky, kx] = Σ x e^{−2πi ξ·r} for 0 ≤ kx ≤ nx/2 (FFTW_FORWARD); `real` is kept.
    void forward(const Real* real, Complex<Real>* spectrum) const;
    /// real = Σ X̂ e^{+2πi ξ·r} over the Hermitian-completed spectrum, not divided by ny·nx.
    /// Overwrites `spectrum`.
    void backward(Complex<Real>* spectrum, Real* real) const;

    [[nodiscard]] int nx() const noexcept { return m_nx; }
    [[nodiscard]] int ny() const noexcept { return m_ny; }
    /// nx/2 + 1: the width of the half spectrum.
    [[nodiscard]] int spectrumWidth() const noexcept { return m_nx / 2 + 1; }

private:
    int m_ny, m_nx;
    void* m_forward;
    void* m_backward;
};

/// Sample frequencies in cycles per unit length for n samples of spacing d, in FFT order
/// (numpy.fft.fftfreq): k / (n d) for k < ceil(n/2), then (k − n) / (n d).
double fftFrequency(int k, int n, double d);

} // namespace phaselab::core
