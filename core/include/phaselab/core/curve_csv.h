#pragma once
// The CSV forms of PhaseLab's measured curves, written by the command line and the application
// alike: one header row, one row per sample, numbers with 10 significant digits.

#include <string>

#include <phaselab/core/edge_profile.h>
#include <phaselab/core/metrics.h>

namespace phaselab::core {

/// Columns ring, frequency_per_m, frc, threshold, ring_count; written atomically. Throws
/// InputError naming `path` when it cannot be written.
void writeFrcCsv(const std::string& path, const FrcResult& frc);

/// Columns position_px, position_m (with `pixelSizeM`), value, fit, residual; written
/// atomically. Throws InputError naming `path` when it cannot be written.
void writeEdgeProfileCsv(const std::string& path, const EdgeMeasurement& m, double pixelSizeM);

} // namespace phaselab::core
