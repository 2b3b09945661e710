#pragma once
// CPU kernels of the MS-D Net dense layers (physics.md §5): a 3×3 convolution with dilation d and
// reflect padding over the first c maps of a sample, plus bias and ReLU, and its backward pass.
// Raw row-major buffers, no LibTorch types; parallel over rows / pixel blocks with ATen's thread
// pool. A generic ATen implementation (any device) lives in networks.cpp; tests compare both with
// torch::conv2d.
//
// Layout: `maps` is [N, C, H, W] contiguous; layer inputs are channels [0, c) of each sample, the
// layer writes channels [c, c + w). Weights are [w, c, 9] (tap t = 3·ky + kx, as [w, c, 3, 3]
// row-major), biases [w]. Reflect padding maps index −i to i and n − 1 + i to n − 1 − i, so every
// dilation must be smaller than H and W.

#include <cstdint>

namespace phaselab::models::msd {

struct Shape {
    std::int64_t n = 1, channels = 1, height = 1, width = 1;
};

/// maps[:, c + o] = ReLU(bias[o] + Σ_{j<c} Σ_t weight[o, j, t] · maps[:, j](reflect(p + d·(t − 1)))).
template <typename T>
void layerForward(T* maps, const Shape& s, std::int64_t c, std::int64_t w, const T* weight,
                  const T* bias, std::int64_t d);

/// The backward pass of one layer. `grad` [N, C, H, W] holds dL/dmaps with channels [c, c + w)
/// complete; on return dL/d(input maps) is added into channels [0, c). Writes dWeight [w, c, 9] and
/// dBias [w] (overwritten). `scratch` must hold N·w·10·H·W values.
template <typename T>
void layerBackward(const T* maps, T* grad, const Shape& s, std::int64_t c, std::int64_t w,
                   const T* weight, std::int64_t d, T* dWeight, T* dBias, T* scratch);

} // namespace phaselab::models::msd
