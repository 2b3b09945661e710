#pragma once
// The processes of one job that share its work (torchrun's RANK and WORLD_SIZE), as core sees
// them: an interface without a transport. models/ implements it over LibTorch's c10d (TCP store
// for the rendezvous, Gloo on CPUs); core's stack reconstruction uses it to split frames across
// ranks and to collect them on rank 0, which alone writes files. A single process is
// SingleRankGroup.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace phaselab::core {

/// A collective failed: a peer died, timed out or disagreed. The message names the rank and the
/// operation ("rank 1 of 2: gather timed out after 60 s; a peer may have died").
class RankGroupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Ranks 0 … size()−1 of one job. Every method except rank() and size() is a collective: all
/// ranks call it, in the same order, or it fails with RankGroupError after the group's timeout
/// (it never hangs). Not thread-safe: one thread per process drives it.
class RankGroup {
public:
    virtual ~RankGroup() = default;

    [[nodiscard]] virtual int rank() const = 0;
    [[nodiscard]] virtual int size() const = 0;

    /// Every rank passes `mine`, of the same length on every rank. On rank 0, `all` becomes the
    /// ranks' buffers concatenated in rank order (size() · mine.size() values); elsewhere it is
    /// left as it is.
    virtual void gather(const std::vector<float>& mine, std::vector<float>& all) = 0;
    /// Rank 0's `bytes` replaces every other rank's (any length; rank 0's is kept).
    virtual void broadcast(std::vector<std::uint8_t>& bytes) = 0;
    /// True on every rank when any rank passes true (a cancel or a failure to share).
    virtual bool any(bool mine) = 0;
    virtual void barrier() = 0;
};

/// The group of one process: rank 0 of 1. gather copies, broadcast and barrier do nothing.
class SingleRankGroup final : public RankGroup {
public:
    [[nodiscard]] int rank() const override { return 0; }
    [[nodiscard]] int size() const override { return 1; }
    void gather(const std::vector<float>& mine, std::vector<float>& all) override { all = mine; }
    void broadcast(std::vector<std::uint8_t>&) override {}
    bool any(bool mine) override { return mine; }
    void barrier() override {}
};

} // namespace phaselab::core
