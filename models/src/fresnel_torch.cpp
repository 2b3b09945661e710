#include "fresnel_torch.h"

#include <phaselab/core/error.h>
#include <phaselab/core/fft.h>

#include <cmath>
#include <string>
#include <vector>

namespace phaselab::models {

namespace {

constexpr double kPi = 3.14159265358979323846;

torch::ScalarType complexOf(torch::ScalarType real)
{
    return real == torch::kDouble ? torch::kComplexDouble : torch::kComplexFloat;
}

// |z|² of a complex tensor, differentiable everywhere (unlike abs at 0).
torch::Tensor squaredMagnitude(const torch::Tensor& z)
{
    return torch::real(z).square() + torch::imag(z).square();
}

} // namespace

TorchFresnel::TorchFresnel(const core::Geometry& g, int height, int width,
                           const core::PropagationOptions& options, torch::Device device,
                           torch::ScalarType realType)
    : m_geometry(g), m_options(options), m_h(height), m_w(width), m_K(options.oversample),
      m_realType(realType)
{
    g.validate();
    if (width <= 0 || height <= 0)
        throw core::InputError("image size " + std::to_string(width) + "×" +
                               std::to_string(height) + " is empty");
    if (m_K < 1 || m_K > 16)
        throw core::InputError("oversampling must be between 1 and 16, got " +
                               std::to_string(m_K));
    if (realType != torch::kFloat && realType != torch::kDouble)
        throw std::invalid_argument("TorchFresnel: real type must be float or double");
    m_layout = core::PadLayout::make(width * m_K, height * m_K, options.padding, options.padFactor);

    // H(ξ) = exp(−iπλD|ξ|²) on the fine grid (pixel Δx/K), physics.md §2; built in double.
    const int gh = m_layout.paddedHeight, gw = m_layout.paddedWidth;
    const double pixel = g.pixelSizeM / m_K;
    const double a = kPi * g.wavelengthM() * g.distanceM;
    std::vector<double> fy2(static_cast<std::size_t>(gh)), fx2(static_cast<std::size_t>(gw));
    for (int k = 0; k < gh; ++k) {
        const double f = core::fftFrequency(k, gh, pixel);
        fy2[std::size_t(k)] = f * f;
    }
    for (int k = 0; k < gw; ++k) {
        const double f = core::fftFrequency(k, gw, pixel);
        fx2[std::size_t(k)] = f * f;
    }
    const auto dopt = torch::TensorOptions().dtype(torch::kDouble);
    const torch::Tensor chi = a * (torch::tensor(fy2, dopt).view({gh, 1}) +
                                   torch::tensor(fx2, dopt).view({1, gw}));
    m_kernel = torch::complex(torch::cos(chi), -torch::sin(chi))
                   .to(complexOf(realType))
                   .to(device)
                   .contiguous();

    if (options.padding == core::Padding::Replicate && !m_layout.isIdentity()) {
        const int fh = m_h * m_K, fw = m_w * m_K;
        std::vector<std::int64_t> rows(static_cast<std::size_t>(gh)), cols(static_cast<std::size_t>(gw));
        for (int y = 0; y < gh; ++y)
            rows[std::size_t(y)] = std::clamp(y - m_layout.offsetY, 0, fh - 1);
        for (int x = 0; x < gw; ++x)
            cols[std::size_t(x)] = std::clamp(x - m_layout.offsetX, 0, fw - 1);
        const auto iopt = torch::TensorOptions().dtype(torch::kLong);
        m_rowIndex = torch::tensor(rows, iopt).to(device);
        m_colIndex = torch::tensor(cols, iopt).to(device);
    }
}

torch::Tensor TorchFresnel::propagate(const torch::Tensor& grid, bool adjoint) const
{
    const torch::Tensor spectrum = torch::fft::fft2(grid);
    return torch::fft::ifft2(spectrum * (adjoint ? m_kernel.conj() : m_kernel));
}

torch::Tensor TorchFresnel::extend(const torch::Tensor& x) const
{
    torch::Tensor fine = x;
    if (m_K > 1) {
        const auto n = x.size(0);
        fine = x.unsqueeze(2).unsqueeze(4).expand({n, m_h, m_K, m_w, m_K}).reshape(
            {n, m_h * m_K, m_w * m_K});
    }
    if (m_layout.isIdentity())
        return fine;
    if (m_options.padding == core::Padding::Replicate)
        return fine.index_select(-2, m_rowIndex).index_select(-1, m_colIndex);
    return windowAdjoint(fine);  // 'unit': T − 1 is zero outside the field
}

torch::Tensor TorchFresnel::extendAdjoint(const torch::Tensor& grid) const
{
    const auto n = grid.size(0);
    const int fh = m_h * m_K, fw = m_w * m_K;
    torch::Tensor fine;
    if (m_layout.isIdentity()) {
        fine = grid;
    } else if (m_options.padding == core::Padding::Replicate) {
        // Adjoint of the gather: scatter-add every grid value onto the pixel it was copied from
        // (physics.md §2). Done on the real view, which every back-end's index_add supports.
        const torch::Tensor r = torch::view_as_real(grid);  // [n, gh, gw, 2]
        const torch::Tensor cols =
            torch::zeros({n, m_layout.paddedHeight, fw, 2}, r.options()).index_add(2, m_colIndex, r);
        const torch::Tensor both =
            torch::zeros({n, fh, fw, 2}, r.options()).index_add(1, m_rowIndex, cols);
        fine = torch::view_as_complex(both);
    } else {
        fine = window(grid);
    }
    if (m_K > 1)
        fine = fine.reshape({n, m_h, m_K, m_w, m_K}).sum({2, 4});
    return fine;
}

torch::Tensor TorchFresnel::window(const torch::Tensor& grid) const
{
    if (m_layout.isIdentity())
        return grid;
    return grid.slice(-2, m_layout.offsetY, m_layout.offsetY + m_h * m_K)
        .slice(-1, m_layout.offsetX, m_layout.offsetX + m_w * m_K);
}

torch::Tensor TorchFresnel::windowAdjoint(const torch::Tensor& w) const
{
    if (m_layout.isIdentity())
        return w;
    const int fh = m_h * m_K, fw = m_w * m_K;
    const std::int64_t left = m_layout.offsetX, top = m_layout.offsetY;
    const std::int64_t right = m_layout.paddedWidth - fw - left;
    const std::int64_t bottom = m_layout.paddedHeight - fh - top;
    if (w.is_complex()) {
        // Pad the real view ([…, fh, fw, 2]) so no back-end needs complex padding kernels.
        const torch::Tensor r = torch::constant_pad_nd(torch::view_as_real(w),
                                                       {0, 0, left, right, top, bottom}, 0);
        return torch::view_as_complex(r);
    }
    return torch::constant_pad_nd(w, {left, right, top, bottom}, 0);
}

torch::Tensor TorchFresnel::bin(const torch::Tensor& fine) const
{
    if (m_K == 1)
        return fine;
    return fine.reshape({fine.size(0), m_h, m_K, m_w, m_K}).mean({2, 4});
}

torch::Tensor TorchFresnel::binAdjoint(const torch::Tensor& g) const
{
    if (m_K == 1)
        return g;
    const auto n = g.size(0);
    return g.unsqueeze(2).unsqueeze(4).expand({n, m_h, m_K, m_w, m_K}).reshape(
               {n, m_h * m_K, m_w * m_K}) /
           double(m_K * m_K);
}

torch::Tensor TorchFresnel::transmittance(const torch::Tensor& f) const
{
    TORCH_CHECK(f.dim() == 4 && f.size(1) == 2 && f.size(2) == m_h && f.size(3) == m_w,
                "TorchFresnel: object must be [N, 2, ", m_h, ", ", m_w, "], got ", f.sizes());
    // ψ = exp(−B − iφ) = e^{−B} · e^{−iφ} (physics.md §2).
    return torch::polar(torch::exp(-f.select(1, 0)), -f.select(1, 1));
}

torch::Tensor TorchFresnel::forward(const torch::Tensor& f) const
{
    return linearize(f).intensity;
}

TorchFresnel::Point TorchFresnel::linearize(const torch::Tensor& f) const
{
    const bool unit = m_options.padding == core::Padding::Unit && !m_layout.isIdentity();
    Point p;
    p.psi = transmittance(f);
    torch::Tensor grid = extend(unit ? p.psi - 1.0 : p.psi);
    torch::Tensor wave = window(propagate(grid, false));
    if (unit)
        wave = wave + 1.0;  // P 1 = 1: add the unit transmission back
    p.wave = wave;
    p.intensity = bin(squaredMagnitude(wave));
    return p;
}

torch::Tensor TorchFresnel::derivative(const Point& p, const torch::Tensor& df) const
{
    // δψ = ψ · (−δB − iδφ); δI = 2 Re(conj(u) · C P E δψ) (physics.md §3).
    const torch::Tensor dpsi = p.psi * torch::complex(-df.select(1, 0), -df.select(1, 1));
    const torch::Tensor du = window(propagate(extend(dpsi), false));
    const torch::Tensor fineI =
        2.0 * (torch::real(p.wave) * torch::real(du) + torch::imag(p.wave) * torch::imag(du));
    return bin(fineI);
}

torch::Tensor TorchFresnel::adjoint(const Point& p, const torch::Tensor& g) const
{
    TORCH_CHECK(g.dim() == 3 && g.size(1) == m_h && g.size(2) == m_w,
                "TorchFresnel: residual must be [N, ", m_h, ", ", m_w, "], got ", g.sizes());
    const torch::Tensor z = extendAdjoint(propagate(windowAdjoint(p.wave * binAdjoint(g)), true));
    const torch::Tensor w = torch::conj(p.psi) * z;
    return torch::stack({-2.0 * torch::real(w), -2.0 * torch::imag(w)}, 1);
}

} // namespace phaselab::models
