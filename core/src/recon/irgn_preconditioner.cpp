#include "irgn_preconditioner.h"

#include "recon_common.h"

#include <cmath>

namespace phaselab::core::recon {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

CtfPreconditioner::CtfPreconditioner(const Geometry& g, int width, int height, bool homogeneous,
                                     double ratio, double sobolevScale, double sobolevOrder,
                                     int phaseSign)
    : m_w(width), m_h(height), m_homogeneous(homogeneous), m_ratio(ratio),
      m_fft(height, width, FftEffort::Measure), m_a(std::size_t(width) * height),
      m_b(homogeneous ? 0 : std::size_t(width) * height)
{
    const std::size_t n = std::size_t(width) * height;
    m_sin.resize(n);
    m_cos.resize(n);
    m_weight.resize(n);
    const double a = kPi * g.wavelengthM() * g.distanceM;
    for (int y = 0; y < height; ++y) {
        const double fy = fftFrequency(y, height, g.pixelSizeM);
        const double py = fftFrequency(y, height, 1.0);
        for (int x = 0; x < width; ++x) {
            const double fx = fftFrequency(x, width, g.pixelSizeM);
            const double px = fftFrequency(x, width, 1.0);
            const double chi = a * (fx * fx + fy * fy);
            const std::size_t i = std::size_t(y) * width + x;
            m_sin[i] = float(-phaseSign * std::sin(chi));
            m_cos[i] = float(std::cos(chi));
            m_weight[i] = sobolevScale > 0
                              ? float(std::pow(1.0 + (px * px + py * py) /
                                                         (sobolevScale * sobolevScale),
                                               sobolevOrder))
                              : 1.0f;
        }
    }
}

void CtfPreconditioner::apply(const float* const* in, float* const* out, double alpha)
{
    const std::ptrdiff_t n = std::ptrdiff_t(m_sin.size());
    const float norm = float(1.0 / double(n));  // of the unnormalised inverse FFT
    const float al = float(alpha);
    Complex<float>* a = m_a.data();
    const float* s = m_sin.data();
    const float* c = m_cos.data();
    const float* w = m_weight.data();
    if (m_homogeneous) {
        const float* x = in[0];
#pragma omp parallel for schedule(static) if (parallelWorth(std::size_t(n)))
        for (std::ptrdiff_t i = 0; i < n; ++i)
            a[i] = Complex<float>(x[i], 0.0f);
        m_fft.forward(a);
        const float r = float(m_ratio);
#pragma omp parallel for schedule(static) if (parallelWorth(std::size_t(n)))
        for (std::ptrdiff_t i = 0; i < n; ++i) {
            const float A = -2.0f * (s[i] + r * c[i]);
            a[i] *= norm / (A * A + al * w[i]);
        }
        m_fft.backward(a);
        float* o = out[0];
#pragma omp parallel for schedule(static) if (parallelWorth(std::size_t(n)))
        for (std::ptrdiff_t i = 0; i < n; ++i)
            o[i] = a[i].real();
        return;
    }
    // Joint (B, φ): the 2 × 2 symbol mixes the channels, so each gets its own FFT.
    Complex<float>* b = m_b.data();
    const float* x0 = in[0];
    const float* x1 = in[1];
#pragma omp parallel for schedule(static) if (parallelWorth(std::size_t(n)))
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        a[i] = Complex<float>(x0[i], 0.0f);
        b[i] = Complex<float>(x1[i], 0.0f);
    }
    m_fft.forward(a);
    m_fft.forward(b);
#pragma omp parallel for schedule(static) if (parallelWorth(std::size_t(n)))
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        const float reg = al * w[i];
        const float m00 = 4.0f * c[i] * c[i] + reg, m11 = 4.0f * s[i] * s[i] + reg;
        const float m01 = 4.0f * s[i] * c[i];
        const float det = m00 * m11 - m01 * m01;
        const Complex<float> bB = a[i], bP = b[i];
        a[i] = (norm / det) * (m11 * bB - m01 * bP);
        b[i] = (norm / det) * (m00 * bP - m01 * bB);
    }
    m_fft.backward(a);
    m_fft.backward(b);
    float* o0 = out[0];
    float* o1 = out[1];
#pragma omp parallel for schedule(static) if (parallelWorth(std::size_t(n)))
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        o0[i] = a[i].real();
        o1[i] = b[i].real();
    }
}

} // namespace phaselab::core::recon
