#pragma once

#include <phaselab/core/image.h>

namespace phaselab::core {

/// An object estimate f = (B, φ) (physics.md §2): absorption B = k∫β dz and phase shift
/// φ = k∫δ dz [rad], both [H, W] float32 and ≥ 0 for matter. What every reconstruction method
/// returns.
struct Reconstruction {
    ImageF absorption;
    ImageF phase;
};

} // namespace phaselab::core
