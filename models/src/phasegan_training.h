#pragma once
// PhaseGAN's training (Zhang et al. 2021, Eq. 1–4; physics.md §5): the cycle of the two generators
// with the differentiable Fresnel propagator between them, the two discriminators, and the
// training run behind models::train().

#include "fresnel_torch.h"
#include "phasegan_networks.h"
#include "torch_pch.h"

#include <phaselab/core/geometry.h>
#include <phaselab/core/progress.h>
#include <phaselab/models/learned.h>

#include <functional>
#include <memory>
#include <string>

namespace phaselab::models {

class C10dRankGroup;

/// The four networks, the propagator H (its kernel built once, for one image size) and the two
/// Adam optimisers (generators G_O + G_D; discriminators D_O + D_D).
class PhaseGanCycle {
public:
    /// Figures of one iteration (losses before the weights, as in Eq. 1–4).
    struct Losses {
        double generator = 0;        ///< the generators' total weighted loss
        double adversarial = 0;      ///< BCE(D_O(G_O(I)), 1) + BCE(D_D(G_D|Hψ|²), 1)
        double cycleObject = 0;      ///< mean |G_O(G_D|Hψ|²) − ψ|
        double cycleIntensity = 0;   ///< mean |G_D|H G_O(I)|² − I|
        double frcObject = 0;        ///< FRC loss (FRCM / 100) of the object cycle
        double frcIntensity = 0;     ///< FRC loss of the intensity cycle
        double discriminatorObject = 0;    ///< ½ (BCE(D_O(ψ), 1) + BCE(D_O(G_O(I)), 0))
        double discriminatorDetector = 0;  ///< ½ (BCE(D_D(I), 1) + BCE(D_D(G_D|Hψ|²), 0))
        double accuracyObject = 0;   ///< fraction of D_O's patches classified right (real and fake)
        double accuracyDetector = 0; ///< the same for D_D
    };

    /// Networks drawn from the current torch seed in the order G_O, G_D, D_O, D_D.
    /// `clip` ≤ 0: no gradient clipping.
    PhaseGanCycle(const PhaseGanOptions& options, const core::Geometry& geometry, int height,
                  int width, const torch::Device& device, double generatorRate,
                  double discriminatorRate, double clip);

    /// Data-parallel iteration (training on several ranks): this rank holds `count` samples of a
    /// global batch of `globalCount` (count may be 0). Each step's gradients are weighted by
    /// count/globalCount and summed over the ranks by `allreduceSum` (one flattened float32 CPU
    /// tensor per step, with the loss sums and the stop flag) before clipping and Adam, so the
    /// update is that of the whole global batch (up to PatchGAN's BatchNorm statistics, which
    /// are those of each rank's part).
    struct DataParallel {
        int count = 0, globalCount = 0;
        std::function<void(torch::Tensor&)> allreduceSum;
        bool stopRequested = false;  ///< this rank asks all to stop
        bool stopped = false;        ///< set when any rank asked: step() returned before updating
    };

    /// One iteration on holograms I [N, 1, H, W] and an unpaired batch of objects ψ = (B, φ)
    /// [N, 2, H, W]: the generators' forward passes, the discriminators' step on the detached
    /// fakes, then the generators' step against the updated discriminators. With `dp`, the
    /// losses returned are the global batch's means (the same on every rank).
    Losses step(const torch::Tensor& holograms, const torch::Tensor& objects,
                DataParallel* dp = nullptr);

    /// |H ψ|² [N, 1, H, W] of objects [N, 2, H, W] (the propagator of the training physics).
    [[nodiscard]] torch::Tensor propagate(const torch::Tensor& objects) const;
    /// G_D of a propagated intensity (with its residual connection when the options ask for it).
    torch::Tensor detector(const torch::Tensor& propagated);

    void setLearningRates(double generator, double discriminator);
    /// The networks' parameters and buffers, each group in a fixed order.
    [[nodiscard]] std::vector<torch::Tensor> generatorParameters() const;
    [[nodiscard]] std::vector<torch::Tensor> discriminatorParameters() const;

    void save(torch::serialize::OutputArchive& archive) const;
    void load(torch::serialize::InputArchive& archive, const std::string& path);

    [[nodiscard]] const PhaseGanOptions& options() const noexcept { return m_options; }

    std::shared_ptr<PhaseGanGeneratorImpl> objectGenerator;  ///< G_O, as model files hold it
    UNet11 detectorGenerator{nullptr};                       ///< G_D
    PatchGan objectDiscriminator{nullptr};                   ///< D_O
    PatchGan detectorDiscriminator{nullptr};                 ///< D_D

private:
    PhaseGanOptions m_options;
    torch::Device m_device;
    double m_clip;
    std::unique_ptr<TorchFresnel> m_fresnel;
    std::unique_ptr<torch::optim::Adam> m_optG, m_optD;
};

/// True when `path` is a PhaseLab training checkpoint of a PhaseGAN run (false for anything else,
/// unreadable files included: train() then reports the problem).
bool isPhaseGanCheckpoint(const std::string& path);

/// models::train() for Method::PhaseGan (and PhaseGAN checkpoints): unpaired `train` split,
/// optional paired `val` split. The same contract as train().
/// `group`: the c10d group of a data-parallel run (null for one process).
TrainResult trainPhaseGan(const TrainOptions& options, core::ProgressSink* progress,
                          const core::CancelToken* cancel,
                          const std::function<void(const TrainProgress&)>& observer,
                          C10dRankGroup* group = nullptr);

} // namespace phaselab::models
