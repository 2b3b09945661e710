#pragma once
// Distance autofocus (issue 14): the effective propagation distance that best explains one
// hologram, found by scanning a focus criterion over a distance range and refining its optimum.

#include <string>
#include <vector>

#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/progress.h>

namespace phaselab::core {

enum class FocusCriterion {
    /// Fit of the hologram's power spectrum by the CTF of the distance (the zero crossings, as
    /// defocus is found in electron microscopy): robust for weak and moderate objects.
    Spectrum,
};
std::string toString(FocusCriterion c);
/// Throws InputError for an unknown name.
FocusCriterion parseFocusCriterion(const std::string& text);

struct AutofocusOptions {
    double minDistanceM = 0;   ///< range to scan [m], 0 < min < max
    double maxDistanceM = 0;
    int samples = 41;          ///< distances scanned (log-spaced), ≥ 5; then the best is refined
    FocusCriterion criterion = FocusCriterion::Spectrum;
    double betaOverDelta = 0;  ///< of the homogeneous sample (≥ 0)
    void validate() const;
};

struct AutofocusResult {
    double distanceM = 0;                 ///< the refined optimum [m]
    std::vector<double> distancesM;       ///< the scan [m]
    std::vector<double> criterion;        ///< criterion at each scanned distance (lower = better)
    FocusCriterion used = FocusCriterion::Spectrum;
};

/// Finds the distance in [minDistanceM, maxDistanceM] that minimises the criterion for
/// `hologram` (normalised, finite) with `g`'s energy and pixel size (g.distanceM is ignored).
/// Throws InputError for bad input; Cancelled through `progress`.
AutofocusResult autofocus(const ImageF& hologram, const Geometry& g,
                          const AutofocusOptions& options,
                          const ProgressReporter& progress = {nullptr, nullptr});

} // namespace phaselab::core
