#include <phaselab/core/hdf5_lock.h>

namespace phaselab::core {

std::unique_lock<std::recursive_mutex> lockHdf5()
{
    // One instance for the whole process: core is the only library that defines it.
    static std::recursive_mutex mutex;
    return std::unique_lock<std::recursive_mutex>(mutex);
}

} // namespace phaselab::core
