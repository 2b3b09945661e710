#pragma once
// PhaseGAN (Zhang et al., Optica 2021; seed 004 and its supplement; physics.md §5): options and
// parameter counts. Torch-free: the facade (learned.h) includes it for TrainOptions.
//
// Networks. G_O (hologram I, 1 channel → object (B, φ), 2 channels) and G_D (propagated intensity
// |Hψ|², 1 channel → detector intensity, 1 channel) are U-Nets after TernausNet's UNet11, the code
// the paper's supplement cites: a VGG11 encoder (3×3 convolutions 64-128-256-256-512-512-512-512
// with ReLU, five 2×2 max-pools) and a decoder of blocks "3×3 convolution + ReLU, 3×3 transposed
// convolution stride 2 + ReLU" with skip concatenation, 32 base decoder filters, a final 1×1
// convolution without activation: 22.93 M parameters at width 1 (the supplement's 22.93 M).
// D_O (2 channels) and D_D (1 channel) are 70×70 PatchGANs: 4×4 convolutions 64 (stride 2, no
// norm) – 128 – 256 (stride 2) – 512 (stride 1), BatchNorm and LReLU 0.2 after each, a last 4×4
// convolution to one logit per patch: 2.76 M parameters at width 1. The width multiplier scales
// every channel count (the decoder's too); the in/out channels stay.
//
// Initialisation (no pretrained VGG11 weights can be downloaded; the paper initialised the
// encoder from ImageNet): generators He/Kaiming-normal (fan-in, ReLU gain) convolution weights and
// zero biases, the final 1×1 convolution N(0, 0.02²); discriminators N(0, 0.02²) convolution
// weights, zero biases, BatchNorm weights N(1, 0.02²) and zero shifts (CycleGAN's "normal"
// initialisation). All drawn from the run's seed.

#include <cstdint>
#include <string>

#include <phaselab/core/padding.h>

namespace phaselab::models {

/// PhaseGAN's architecture and training weights. Defaults: the paper's synthetic-data setting.
struct PhaseGanOptions {
    // Architecture (stored in model files).
    double width = 1.0;        ///< channel multiplier of all four networks: 1, ½, ¼ or ⅛ (any in (0, 1])
    int decoderFilters = 32;   ///< UNet11's base decoder filters at width 1
    /// G_D outputs its input plus the U-Net's output, so it starts as the identity and learns only
    /// the detector's effects (the paper's intent for G_D); false: the plain U-Net output.
    bool detectorResidual = true;
    /// Boundary handling of the Fresnel propagator H inside the cycle (like DGN's; the trainer
    /// follows the dataset's padding unless a padded mode is asked for).
    core::Padding padding = core::Padding::Periodic;
    double padFactor = 2.0;

    // Losses (Eq. 1–4): L = L_GAN + Σ α · L.
    double adversarialWeight = 1.0;      ///< weight of the generators' BCE adversarial terms
    double cycleObjectWeight = 30.0;     ///< L1 ‖G_O(G_D|Hψ|²) − ψ‖₁
    double cycleIntensityWeight = 20.0;  ///< L1 ‖G_D|H G_O(I)|² − I‖₁
    double frcObjectWeight = 10.0;       ///< FRC loss (FRCM, physics.md §6) of the object cycle
    double frcIntensityWeight = 10.0;    ///< FRC loss of the intensity cycle

    // Optimisers (the generators' rate is TrainOptions::learningRate, default 2e-4).
    double discriminatorLearningRate = 1e-4;
    double adamBeta1 = 0.5;
    double adamBeta2 = 0.999;
};

/// Channels of a layer with `base` channels at width 1: max(1, round(base · width)).
int phaseGanChannels(int base, double width);

/// Parameters of a PhaseGAN U-Net generator with `in` and `out` channels (G_O: 1 → 2, G_D: 1 → 1)
/// and of a PatchGAN discriminator with `in` channels (D_O: 2, D_D: 1), counted without building.
std::int64_t phaseGanGeneratorParameterCount(const PhaseGanOptions& options, int in, int out);
std::int64_t phaseGanDiscriminatorParameterCount(const PhaseGanOptions& options, int in);

/// Parameters of the network a PhaseGAN model file holds: G_O.
std::int64_t parameterCount(const PhaseGanOptions& options);

/// Throws core::InputError naming the first invalid field.
void validate(const PhaseGanOptions& options);

} // namespace phaselab::models
