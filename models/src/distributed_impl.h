#pragma once
// The c10d side of models/distributed.h for the training loops: a RankGroup that also all-reduces
// tensors (the gradients of data-parallel training). Private to models/src.

#include <phaselab/core/rank_group.h>

#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace phaselab::models {

/// A RankGroup over a c10d Gloo process group. Besides the core::RankGroup collectives it sums
/// a CPU tensor over all ranks in place; every failure is a core::RankGroupError.
class C10dRankGroup : public core::RankGroup {
public:
    ~C10dRankGroup() override = default;
    /// Sums a contiguous CPU tensor (float32 or float64) over all ranks, in place.
    virtual void allreduceSum(torch::Tensor& tensor) = 0;
    /// Rank 0's parameters and floating-point buffers of `modules` on every rank: one
    /// all-reduce of rank 0's values (the others contribute zeros), in float64 so they arrive
    /// bit for bit. A collective: every rank passes the same modules.
    void shareModules(const std::vector<torch::nn::Module*>& modules)
    {
        torch::NoGradGuard noGrad;
        std::vector<torch::Tensor> tensors, flat;
        for (torch::nn::Module* m : modules) {
            for (const auto& p : m->parameters(true))
                tensors.push_back(p);
            for (const auto& b : m->buffers(true))
                if (b.is_floating_point())
                    tensors.push_back(b);
        }
        for (const auto& t : tensors)
            flat.push_back(t.detach().to(torch::kCPU, torch::kFloat64).reshape({-1}));
        torch::Tensor all = torch::cat(flat);
        if (rank() != 0)
            all.zero_();
        allreduceSum(all);
        std::int64_t offset = 0;
        for (auto& t : tensors) {
            const std::int64_t n = t.numel();
            t.copy_(all.slice(0, offset, offset + n).view(t.sizes()));
            offset += n;
        }
    }

    /// "rank r of W" for messages.
    [[nodiscard]] std::string who() const
    {
        return "rank " + std::to_string(rank()) + " of " + std::to_string(size());
    }
};

} // namespace phaselab::models
