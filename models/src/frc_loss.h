#pragma once
// The Fourier ring correlation of physics.md §6 as a differentiable LibTorch loss (PhaseGAN's L_FRC),
// on core's ring definition (core::frcRingMap): the loss of two images is their FRCM as a fraction,
// so frcLoss(a, b) · 100 equals core::fourierRingCorrelation(a, b).frcmPercent (no window).

#include "torch_pch.h"

namespace phaselab::models {

/// FRC(r) of each image and channel: x, y [N, C, H, W] (same shape, float or double) → [N·C, R],
/// R = n/2 rings, n the largest even square (centre crop like core's FRC). Rings without power
/// give 0. Differentiable in x and y.
torch::Tensor frcCurve(const torch::Tensor& x, const torch::Tensor& y);

/// Mean over images, channels and rings r = 1 … R − 1 of (1 − FRC(r))²: FRCM / 100.
torch::Tensor frcLoss(const torch::Tensor& x, const torch::Tensor& y);

} // namespace phaselab::models
