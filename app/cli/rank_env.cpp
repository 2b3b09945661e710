#include "rank_env.h"

#include <phaselab/models/distributed.h>

namespace phaselab::cli {

std::unique_ptr<core::RankGroup> rankGroupFromEnvironment()
{
    return models::connect(models::LaunchEnvironment::fromEnvironment());
}

} // namespace phaselab::cli
