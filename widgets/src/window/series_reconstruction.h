#pragma once
// Multi-distance CTF / IRGN on a registered series, as a ReconstructionOutcome, so that the
// window shows it and core::writeResult writes it like any other result.

#include <memory>
#include <string>
#include <vector>

#include <phaselab/core/distance_series.h>
#include <phaselab/core/method_options.h>
#include <phaselab/core/reconstruction_pipeline.h>

namespace phaselab::widgets {

struct SeriesSetup {
    std::vector<std::string> specs;          ///< one per distance, as loaded
    std::vector<core::Registration> registrations;  ///< one per distance (identity if none)
    core::PropagationOptions propagation;
    double betaOverDelta = 0;
    std::string method = "ctf";              ///< "ctf" or "irgn"
    std::shared_ptr<const core::MethodOptions> options;  ///< CtfMethodOptions / IrgnMethodOptions
};

/// Reconstructs `aligned` (one grid) as `setup` says; throws core::InputError for another method
/// or invalid options, core::Cancelled through `progress`.
core::ReconstructionOutcome reconstructSeries(const core::DistanceSeries& aligned,
                                              const SeriesSetup& setup,
                                              const core::ProgressReporter& progress);

} // namespace phaselab::widgets
