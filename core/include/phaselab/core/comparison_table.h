#pragma once
// The comparison of reconstruction methods against one reference, as the DGN paper's Table 2
// lays it out: NMSE, FRCM and resolution of the absorption and of the phase, per method, with
// the time each took. Written as CSV or Markdown by the application and the tests alike.

#include <optional>
#include <string>
#include <vector>

#include <phaselab/core/image.h>
#include <phaselab/core/metrics.h>

namespace phaselab::core {

/// One method's row.
struct ComparisonRow {
    std::string method;                 ///< the name shown in the table ("CTF", "dgn", …)
    double seconds = 0;                 ///< wall time of the reconstruction [s]
    std::optional<Evaluation> absorption;  ///< against the reference absorption B, when there is one
    std::optional<Evaluation> phase;       ///< against the reference phase φ, when there is one
};

/// Evaluates a reconstruction (B, φ) [H, W] against the reference images that are given (a
/// null pointer skips that quantity; at least one must be given) with pixel size Δx [m] and
/// `options` (physics.md §6). Throws InputError as evaluateReconstruction() does, or when both
/// references are null.
ComparisonRow compareWithReference(const std::string& method, double seconds,
                                   const ImageF& absorption, const ImageF& phase,
                                   const ImageF* referenceAbsorption,
                                   const ImageF* referencePhase, double pixelSizeM,
                                   const FrcOptions& options = {});

/// CSV: header `method,seconds,absorption_nmse_percent,absorption_frcm_percent,
/// absorption_resolution_m,phase_nmse_percent,phase_frcm_percent,phase_resolution_m`, one row
/// per method, 10 significant digits, empty cells for a quantity without reference. Method
/// names with a comma or quote are quoted (RFC 4180).
std::string comparisonCsv(const std::vector<ComparisonRow>& rows);

/// A Markdown table with the same columns for reading: time in s, NMSE and FRCM in % (3
/// significant digits), resolution in nm; "–" for a quantity without reference.
std::string comparisonMarkdown(const std::vector<ComparisonRow>& rows);

/// Writes comparisonMarkdown() when `path` ends in ".md", comparisonCsv() otherwise,
/// atomically. Throws InputError naming `path` when it cannot be written.
void writeComparisonTable(const std::string& path, const std::vector<ComparisonRow>& rows);

} // namespace phaselab::core
