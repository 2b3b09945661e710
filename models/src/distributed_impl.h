#pragma once
// The c10d side of models/distributed.h for the training loops: a RankGroup that also all-reduces
// tensors (the gradients of data-parallel training). Private to models/src.

#include <phaselab/core/rank_group.h>

#include <memory>
#include <string>

#include <torch/torch.h>

namespace phaselab::models {

/// A RankGroup over a c10d Gloo process group. Besides the core::RankGroup collectives it sums
/// a CPU tensor over all ranks in place; every failure is a core::RankGroupError.
class C10dRankGroup : public core::RankGroup {
public:
    ~C10dRankGroup() override = default;
    /// Sums a contiguous CPU tensor (float32 or float64) over all ranks, in place.
    virtual void allreduceSum(torch::Tensor& tensor) = 0;
    /// "rank r of W" for messages.
    [[nodiscard]] std::string who() const
    {
        return "rank " + std::to_string(rank()) + " of " + std::to_string(size());
    }
};

} // namespace phaselab::models
