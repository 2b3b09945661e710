#include "rank_env.h"

#include <phaselab/core/error.h>

#include <cstdlib>
#include <string>

namespace phaselab::cli {

std::unique_ptr<core::RankGroup> rankGroupFromEnvironment()
{
    const char* worldSize = std::getenv("WORLD_SIZE");
    if (worldSize && std::atoi(worldSize) > 1)
        throw core::InputError(std::string("WORLD_SIZE=") + worldSize +
                               ": multi-process stacks need the c10d group, which this "
                               "phaselab-cli does not have yet; run one process (unset WORLD_SIZE)");
    return std::make_unique<core::SingleRankGroup>();
}

} // namespace phaselab::cli
