#pragma once
// The ranks of this process's job (torchrun's RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT) for
// stack reconstructions: models' c10d group (docs/distributed.md).

#include <memory>

#include <phaselab/core/rank_group.h>

namespace phaselab::cli {

/// The job's RankGroup: a SingleRankGroup for one process, else the c10d group of
/// models::connect() (blocks until every rank has joined or PHASELAB_DIST_TIMEOUT passes).
/// Throws core::InputError for malformed variables, core::RankGroupError when the rendezvous
/// fails.
std::unique_ptr<core::RankGroup> rankGroupFromEnvironment();

} // namespace phaselab::cli
