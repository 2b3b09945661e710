#pragma once
// Resident memory of this process for the benchmarks that report it (Linux /proc).

#include <fstream>
#include <string>

namespace phaselab::bench {

/// A /proc/self/status field given in KiB ("VmRSS:", "VmHWM:"), in MiB; 0 when absent.
inline double statusMiB(const char* key)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0)
            return std::stod(line.substr(std::string(key).size())) / 1024.0;
    return 0;
}

/// Resets the peak resident set (VmHWM) to the current one (Linux ≥ 4.0).
inline void resetPeakRss()
{
    std::ofstream("/proc/self/clear_refs") << "5";
}

} // namespace phaselab::bench
