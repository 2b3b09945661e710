#pragma once
// The Fresnel forward operator, its Fréchet derivative and adjoint (physics.md §2–3) as LibTorch
// operations: batched, on any device, float or double, and differentiable by autograd (every step
// is an ATen op, so gradients flow through F, F′ and F′* and through the linearisation point).

#include "torch_pch.h"

#include <phaselab/core/fresnel.h>

namespace phaselab::models {

/// F, F′, F′* on [N, H, W] images, mirroring core::FresnelOperator (same padding layout, same
/// oversampling by K×K replication and block-mean binning). Objects f = (B, φ) are [N, 2, H, W]
/// real tensors (channel 0 absorption B, channel 1 phase φ); intensities are [N, H, W].
class TorchFresnel {
public:
    /// The state at a linearisation point f: ψ = exp(−B − iφ) [N, H, W] complex, u the propagated
    /// fine-grid wave inside the window [N, K·H, K·W] complex (unit transmission added back for
    /// `unit` padding) and I = F(f) [N, H, W].
    struct Point {
        torch::Tensor psi;
        torch::Tensor wave;
        torch::Tensor intensity;
    };

    /// `realType` torch::kFloat or torch::kDouble. Throws core::InputError like core's operator.
    TorchFresnel(const core::Geometry& g, int height, int width,
                 const core::PropagationOptions& options, torch::Device device,
                 torch::ScalarType realType = torch::kFloat);

    /// I = F(f).
    [[nodiscard]] torch::Tensor forward(const torch::Tensor& f) const;
    /// Linearises at f and returns the point (with I = F(f)).
    [[nodiscard]] Point linearize(const torch::Tensor& f) const;
    /// F′[f] df = 2 Re(conj(u) · P E(ψ · (−δB − iδφ))), binned: [N, H, W].
    [[nodiscard]] torch::Tensor derivative(const Point& p, const torch::Tensor& df) const;
    /// F′[f]* g = (−2 Re w, −2 Im w), w = conj(ψ) · E* P* C*(bin*(g) · u): [N, 2, H, W].
    [[nodiscard]] torch::Tensor adjoint(const Point& p, const torch::Tensor& g) const;

    /// ψ ← P ψ (or P* ψ) on the computation grid, [..., gridH, gridW] complex.
    [[nodiscard]] torch::Tensor propagate(const torch::Tensor& grid, bool adjoint) const;

    [[nodiscard]] int height() const noexcept { return m_h; }
    [[nodiscard]] int width() const noexcept { return m_w; }
    [[nodiscard]] const core::PadLayout& layout() const noexcept { return m_layout; }
    [[nodiscard]] const core::Geometry& geometry() const noexcept { return m_geometry; }
    [[nodiscard]] const core::PropagationOptions& options() const noexcept { return m_options; }
    [[nodiscard]] torch::Device device() const { return m_kernel.device(); }
    [[nodiscard]] torch::ScalarType realType() const noexcept { return m_realType; }

private:
    // E: image-size complex field → grid (upsample K×K, then pad by the mode's linear extension).
    [[nodiscard]] torch::Tensor extend(const torch::Tensor& x) const;
    // E*: its exact adjoint (pad adjoint, then K×K block sums).
    [[nodiscard]] torch::Tensor extendAdjoint(const torch::Tensor& grid) const;
    // C: the fine image window of the grid; C*: zero-fill.
    [[nodiscard]] torch::Tensor window(const torch::Tensor& grid) const;
    [[nodiscard]] torch::Tensor windowAdjoint(const torch::Tensor& w) const;
    // Mean over K×K blocks of a fine real image; bin* spreads g / K² over each block.
    [[nodiscard]] torch::Tensor bin(const torch::Tensor& fine) const;
    [[nodiscard]] torch::Tensor binAdjoint(const torch::Tensor& g) const;
    [[nodiscard]] torch::Tensor transmittance(const torch::Tensor& f) const;

    core::Geometry m_geometry;
    core::PropagationOptions m_options;
    int m_h, m_w, m_K;
    core::PadLayout m_layout;  // the fine image (K·W × K·H) inside the grid
    torch::ScalarType m_realType;
    torch::Tensor m_kernel;    // H(ξ) [gridH, gridW] complex on the device
    torch::Tensor m_rowIndex;  // replicate padding: grid row → fine image row [gridH] int64
    torch::Tensor m_colIndex;  // grid column → fine image column [gridW] int64
};

} // namespace phaselab::models
