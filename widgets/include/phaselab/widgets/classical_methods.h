#pragma once

#include <memory>

#include <phaselab/widgets/reconstruction_method.h>

namespace phaselab::widgets {

/// CTF (physics.md §4): single distance, homogeneous β/δ from the parameter panel or pure phase,
/// two-level regularisation. Interactive: re-runs while the user edits.
std::unique_ptr<ReconstructionMethod> makeCtfMethod();
/// Paganin (TIE-homogeneous) with the panel's δ/β. Interactive.
std::unique_ptr<ReconstructionMethod> makePaganinMethod();
/// IRGN (physics.md §3–4): joint (B, φ) or homogeneous, Tikhonov or Sobolev, positivity, CTF or
/// zero start, discrepancy stop; previews every few Newton steps and the residual curve.
std::unique_ptr<ReconstructionMethod> makeIrgnMethod();

} // namespace phaselab::widgets
