#pragma once
// The ranks of this process's job (torchrun's RANK and WORLD_SIZE) for stack reconstructions.
// Kept tiny on purpose: the c10d implementation (models/) replaces its body.

#include <memory>

#include <phaselab/core/rank_group.h>

namespace phaselab::cli {

/// The job's RankGroup. For now a SingleRankGroup; throws core::InputError ("multi-process
/// stacks need the c10d group") when WORLD_SIZE says more than one process.
std::unique_ptr<core::RankGroup> rankGroupFromEnvironment();

} // namespace phaselab::cli
