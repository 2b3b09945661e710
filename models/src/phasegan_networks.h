#pragma once
// PhaseGAN's networks (phasegan.h, physics.md §5): the UNet11 generators, the 70×70 PatchGAN
// discriminators, and G_O as the NetworkImpl a PhaseGAN model file holds.

#include "network.h"
#include "torch_pch.h"

#include <phaselab/models/phasegan.h>

namespace phaselab::models {

/// Tests and benchmarks: when true, the PhaseGAN networks run in channels-last memory order
/// (oneDNN's native layout on the CPU). Off by default: phasegan_bench measured no gain at width 1
/// (inference 1.03 vs 1.04 CPU-s per 256² frame) and a loss at width ¼ (0.63 vs 0.11 CPU-s;
/// LibTorch 1.13's transposed convolutions and concatenations are slower in that layout, unlike
/// DGN's 5×5 convolutions). Not thread-safe.
bool& phaseGanChannelsLast();

/// UNet11 (TernausNet; the supplement's Fig. S1): VGG11 encoder, transposed-convolution decoder
/// with skip concatenation, `in` → `out` channels, no output activation. Images whose sides are
/// not multiples of 32 (five 2×2 pools) are edge-padded to the next multiple and cropped back.
class UNet11Impl : public torch::nn::Module {
public:
    UNet11Impl(const PhaseGanOptions& options, int in, int out);
    torch::Tensor forward(const torch::Tensor& x);

    /// conv1, conv2, conv3s, conv3, conv4s, conv4, conv5s, conv5 (VGG11's eight convolutions).
    std::vector<torch::nn::Conv2d> encoder;
    /// centre, dec5, dec4, dec3, dec2: 3×3 convolution then 3×3 transposed convolution (stride 2).
    std::vector<torch::nn::Conv2d> decoderConv;
    std::vector<torch::nn::ConvTranspose2d> decoderUp;
    torch::nn::Conv2d dec1{nullptr};   ///< 3×3 convolution over [dec2, conv1]
    torch::nn::Conv2d final{nullptr};  ///< 1×1 convolution to `out` channels

private:
    torch::Tensor forwardAligned(const torch::Tensor& x);
};
TORCH_MODULE(UNet11);

/// 70×70 PatchGAN (pix2pix / CycleGAN, n_layers = 3): one logit per 70×70 patch.
class PatchGanImpl : public torch::nn::Module {
public:
    PatchGanImpl(const PhaseGanOptions& options, int in);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::Sequential net{nullptr};
};
TORCH_MODULE(PatchGan);

/// G_O behind the shared network interface: hologram [N, 1, H, W] → (B, φ) [N, 2, H, W].
class PhaseGanGeneratorImpl : public NetworkImpl {
public:
    explicit PhaseGanGeneratorImpl(const PhaseGanOptions& options);
    [[nodiscard]] Method method() const override { return Method::PhaseGan; }
    torch::Tensor forward(const torch::Tensor& hologram) override;
    [[nodiscard]] nlohmann::json architecture() const override;
    [[nodiscard]] const PhaseGanOptions& options() const noexcept { return m_options; }

    UNet11 unet{nullptr};

private:
    PhaseGanOptions m_options;
};

/// Initialisation of phasegan.h: generators Kaiming-normal (ReLU gain, fan-in) with zero biases and
/// a N(0, 0.02²) final layer; discriminators N(0, 0.02²), BatchNorm N(1, 0.02²), zero shifts.
void initialiseGenerator(UNet11Impl& net);
void initialiseDiscriminator(PatchGanImpl& net);

} // namespace phaselab::models
