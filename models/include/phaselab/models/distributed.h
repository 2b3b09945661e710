#pragma once
// Several processes and hosts as one job (architecture.md, "Scale-out"): the torchrun environment
// contract (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT) read here, and a core::RankGroup over
// LibTorch's c10d (a TCP store for the rendezvous, Gloo on CPUs). PhaseLab is not started by
// Python's torchrun but honours the same variables (docs/distributed.md). Torch-free header.

#include <phaselab/core/rank_group.h>

#include <memory>
#include <string>

namespace phaselab::models {

/// Where this process sits in a job, as a launcher (torchrun, srun wrapper, by hand) describes it.
struct LaunchEnvironment {
    int rank = 0;            ///< RANK, 0 … worldSize − 1
    int worldSize = 1;       ///< WORLD_SIZE
    int localRank = 0;       ///< LOCAL_RANK (informational; 0 when unset)
    std::string masterAddr;  ///< MASTER_ADDR: host or address of rank 0's rendezvous store
    int masterPort = 0;      ///< MASTER_PORT, 1 … 65535
    /// Longest wait of the rendezvous and of every collective before it fails [s]:
    /// PHASELAB_DIST_TIMEOUT, default 120.
    double timeoutSeconds = 120;

    /// Reads the variables above. Unset RANK / WORLD_SIZE mean one process. Throws
    /// core::InputError("WORLD_SIZE=abc: …") for a malformed value, a rank outside the world, or
    /// a missing MASTER_ADDR / MASTER_PORT when WORLD_SIZE > 1.
    static LaunchEnvironment fromEnvironment();

    [[nodiscard]] bool distributed() const { return worldSize > 1; }
};

/// Joins the job `env` describes: rank 0 serves a c10d TCP store on MASTER_PORT, every rank
/// connects to it and builds a Gloo process group (bound to the loopback device when
/// MASTER_ADDR is a loopback address, else to GLOO_SOCKET_IFNAME when set, else to this host's
/// name, as PyTorch does). Blocks until all worldSize ranks have joined or env.timeoutSeconds
/// pass. A world of one gives core::SingleRankGroup without any network. The group's
/// collectives fail with core::RankGroupError naming this rank, the world size, the operation
/// and the likely cause (a peer died or timed out) — never hang.
/// Throws core::RankGroupError when the rendezvous fails.
std::unique_ptr<core::RankGroup> connect(const LaunchEnvironment& env);

} // namespace phaselab::models
