#pragma once
// Distance autofocus (issue 14): the effective propagation distance that best explains one
// hologram, found by scanning a focus criterion over a distance range and refining its optimum.

#include <string>
#include <vector>

#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/padding.h>
#include <phaselab/core/progress.h>

namespace phaselab::core {

enum class FocusCriterion {
    /// Fit of the hologram's power spectrum by the CTF of the distance (its zero crossings, as
    /// defocus is found in electron microscopy): 1 − R² of P(ξ) ≈ e(|ξ|) s_D(ξ) + n(|ξ|),
    /// s_D = (σ sin χ + (β/δ) cos χ)², e and n smooth. Needs a weak object (linear contrast) and
    /// about 20 or more rings (χ/π at the edge of the spectrum, 1/(4F) at Nyquist); strong phase
    /// (≳ 1 rad) shifts the rings and biases it by several per cent.
    Spectrum,
    /// RMS data residual ‖I − F_D(f)‖ after `residualSteps` steps of homogeneous IRGN (with
    /// `padding`; Paganin start where it applies, CTF otherwise) at each scanned distance D, the
    /// optimum from a parabola through the samples near the best: nonlinear, so strong phase
    /// does not shift it the way it shifts the rings (6 rad spheres at Fresnel number 0.1:
    /// −0.2 … −1.1 % with 2–5 steps, where the spectrum is 19 % off). The residual is slightly
    /// rough in D, so about 1 % is its precision. Costs a short IRGN per sample (41 at 128²: a
    /// few seconds). In the holographic regime (F ≲ 0.01) on strong phase, where those starts
    /// fail, it fails too (+9 … +13 %).
    Residual,
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
    int phaseSign = -1;        ///< the hologram's convention, exp(phaseSign·iφ): −1 (PhaseLab's) or +1
    int residualSteps = 3;     ///< IRGN steps per distance of the residual criterion, ≥ 1
    /// Boundary model of the residual criterion's forward operator (pad factor 2): Unit for a
    /// sample surrounded by empty beam, Periodic for periodic data, as for the reconstruction.
    Padding padding = Padding::Unit;
    void validate() const;
};

struct AutofocusResult {
    double distanceM = 0;                 ///< the refined optimum [m]
    /// The first, coarse scan over the whole range [m] (the curve to show): the criterion on the
    /// low-frequency band where the minimum is wide; the optimum is then refined on wider bands.
    std::vector<double> distancesM;
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
