#pragma once
// The networks of the learned methods (physics.md §5) behind one interface the training engine
// and the inference facade share.

#include "fresnel_torch.h"
#include "torch_pch.h"

#include <nlohmann/json.hpp>

#include <phaselab/models/dataset.h>
#include <phaselab/models/learned.h>

#include <memory>
#include <optional>

namespace phaselab::models {

/// A learned reconstruction network: hologram [N, 1, H, W] → object (B, φ) [N, 2, H, W] in
/// physical units (physics.md §2 signs). Parameters are trainable; data-dependent constants
/// (normalisation) are buffers, saved with the weights but not counted as parameters.
class NetworkImpl : public torch::nn::Module {
public:
    [[nodiscard]] virtual Method method() const = 0;
    virtual torch::Tensor forward(const torch::Tensor& hologram) = 0;
    /// The training loss of a prediction against the target, both [N, 2, H, W]. Default: MSE.
    [[nodiscard]] virtual torch::Tensor loss(const torch::Tensor& prediction,
                                             const torch::Tensor& target) const;
    /// Fits data-dependent constants from the training set before training starts.
    virtual void fitNormalisation(const DatasetStatistics&) {}
    /// The normalisation as JSON (null when the method has none).
    [[nodiscard]] virtual nlohmann::json normalisation() const { return nullptr; }
    /// The architecture options as JSON (model files, `info`).
    [[nodiscard]] virtual nlohmann::json architecture() const = 0;
    /// The physics a physics-aware network computes with (DGN); ignored by the others.
    virtual void setPhysics(const core::Geometry&) {}
    /// Smallest image side the network accepts.
    [[nodiscard]] virtual int minimumSize() const { return 1; }
    /// Unrolled iterations (DGN) or 1.
    [[nodiscard]] virtual int iterations() const { return 1; }

    [[nodiscard]] std::int64_t parameterCount() const;
};

using Network = std::shared_ptr<NetworkImpl>;

/// Deep Gauss–Newton, paper Eq. (4) with shared weights (physics.md §5):
/// f_0 = 0; g = F′*(I − F(f_k)) + G(f_k); s = F′*F′ g; f_{k+1} = LReLU_α(f_k + H([f_k, s])).
/// F, F′ and F′* are evaluated at (max(B, 0), φ): a safeguard against an exploding recurrence
/// (see forward()); the iterates themselves keep LReLU's small negative values.
class DgnImpl : public NetworkImpl {
public:
    explicit DgnImpl(const DgnOptions& options);
    [[nodiscard]] Method method() const override { return Method::Dgn; }
    torch::Tensor forward(const torch::Tensor& hologram) override;
    [[nodiscard]] nlohmann::json architecture() const override;
    /// Plain MSE, or with DgnOptions::balancedLoss each channel's squared error divided by its
    /// training-set mean square (fitNormalisation()).
    [[nodiscard]] torch::Tensor loss(const torch::Tensor& prediction,
                                     const torch::Tensor& target) const override;
    /// The balanced loss's channel mean squares (no effect on inference; not saved as weights,
    /// recorded in the metadata as `normalisation`).
    void fitNormalisation(const DatasetStatistics& s) override;
    [[nodiscard]] nlohmann::json normalisation() const override;
    void setPhysics(const core::Geometry& g) override;
    [[nodiscard]] int iterations() const override { return m_options.iterations; }
    [[nodiscard]] const DgnOptions& options() const noexcept { return m_options; }
    /// The Fresnel operator for an input's size, device and precision (cached).
    const TorchFresnel& fresnelFor(const torch::Tensor& hologram);

    torch::nn::Sequential regulariser{nullptr};  ///< G: 2 → w1 → w2 → 2
    torch::nn::Sequential update{nullptr};       ///< H: 4 → w1 → w2 → 2

    /// G or H on a [N, C, H, W] input: k×k convolutions with LReLU_α between them, channels-last
    /// (public for the profile benchmark).
    [[nodiscard]] torch::Tensor runBlock(const torch::nn::Sequential& block,
                                         const torch::Tensor& input) const;

private:

    DgnOptions m_options;
    double m_absorptionMeanSquare = 1, m_phaseMeanSquare = 1;  ///< balanced loss's weights
    core::Geometry m_geometry;
    std::unique_ptr<TorchFresnel> m_fresnel;
};

/// Mixed-Scale Dense network (Pelt & Sethian 2018), physics.md §5: layer i is a 3×3 convolution
/// with dilation (i mod maxDilation) + 1 and reflect padding over the input and every earlier map,
/// plus bias and ReLU; a final 1×1 convolution over all maps, no activation. Inputs and outputs
/// are normalised to zero mean and unit variance with statistics of the training set.
///
/// The dense layers run in one custom autograd function that keeps the maps in a single
/// preallocated buffer and computes each layer as a [9·width, maps] GEMM plus nine shifted sums,
/// with a hand-written backward pass: memory O(depth · H · W) instead of the O(depth² · H · W)
/// of concatenating maps per layer.
class MsdImpl : public NetworkImpl {
public:
    explicit MsdImpl(const MsdOptions& options);
    [[nodiscard]] Method method() const override { return Method::Msd; }
    torch::Tensor forward(const torch::Tensor& hologram) override;
    [[nodiscard]] torch::Tensor loss(const torch::Tensor& prediction,
                                     const torch::Tensor& target) const override;
    void fitNormalisation(const DatasetStatistics& s) override;
    [[nodiscard]] nlohmann::json normalisation() const override;
    [[nodiscard]] nlohmann::json architecture() const override;
    [[nodiscard]] int minimumSize() const override { return m_options.maxDilation + 1; }
    [[nodiscard]] const MsdOptions& options() const noexcept { return m_options; }

    /// All maps [N, 1 + depth·width, H, W] of a normalised input [N, 1, H, W] (channel 0 is the
    /// input itself), through the custom autograd function.
    torch::Tensor denseMaps(const torch::Tensor& normalisedInput);

    std::vector<torch::Tensor> weights;  ///< layer i: [width, 1 + i·width, 3, 3]
    std::vector<torch::Tensor> biases;   ///< layer i: [width]
    torch::Tensor finalWeight;           ///< [2, 1 + depth·width, 1, 1]
    torch::Tensor finalBias;             ///< [2]
    torch::Tensor inputMean, inputStd;   ///< buffers [1]
    torch::Tensor outputMean, outputStd; ///< buffers [1, 2, 1, 1]

private:
    MsdOptions m_options;
};

/// A fresh network of a method with its architecture (JSON as from architecture()), weights
/// initialised from the current torch seed.
Network makeNetwork(Method method, const nlohmann::json& architecture);

/// Tests only: when true, MS-D Net runs its generic ATen path on the CPU too (the one CUDA uses)
/// instead of the CPU kernels of msd_kernels.h. Not thread-safe; default false.
bool& msdUseGenericPath();

/// The reference MS-D forward pass with plain ATen ops (torch::conv2d with reflect padding over
/// concatenated maps), used by tests to check the custom autograd function. Memory-hungry.
torch::Tensor msdReferenceMaps(const MsdImpl& net, const torch::Tensor& normalisedInput);

} // namespace phaselab::models
