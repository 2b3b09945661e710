#pragma once
// "Reconstruct a hologram", once, below Qt: load and check the input, complete the request, run
// the method, refuse non-finite results, compute the one residual, build the one metadata
// object, and write result files atomically. The command line and the application both call
// these functions; neither maps options nor writes result files itself.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <phaselab/core/error.h>
#include <phaselab/core/flatfield.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/progress.h>
#include <phaselab/core/reconstruction_method.h>
#include <phaselab/core/reconstruction_request.h>

namespace phaselab::core {

/// A hologram that is not a normalised intensity (raw detector counts, negative values). The
/// message says why and names the fix; the application offers a one-click normalisation.
class NotNormalisedError : public InputError {
public:
    using InputError::InputError;
};

/// A hologram as loaded, with what was done to it.
struct LoadedHologram {
    ImageF image;                 ///< [H, W] float32, finite
    InputSpec spec;               ///< what was loaded (absolute paths)
    /// Input file, checksum, frame, flat/dark correction, normalisation applied.
    nlohmann::json provenance = nlohmann::json::object();
    bool flatCorrected = false;   ///< a flat/dark correction was applied
    double pixelSizeM = 0;        ///< the file's calibration; 0 if none
    std::optional<Geometry> geometry;  ///< the demo's physics (Demo only)
    /// The demo's ground truth (Demo only), for FRC and NMSE.
    std::shared_ptr<const ImageF> truePhase, trueAbsorption;
    /// Why the image is not a usable normalised intensity (see inputProblem()); empty when fine.
    std::string problem;
};

/// Loads `spec` (any readable format, flat/dark-corrected as it says, normalised as it says) and
/// records the problem, if any, in LoadedHologram::problem without throwing for it. Throws
/// InputError for unreadable files and NaN/Inf pixels, Cancelled when cancelled.
LoadedHologram loadHologram(const InputSpec& spec, const ProgressReporter& progress = {nullptr, nullptr});

/// The frames of one input file opened once, each loaded exactly as loadHologram() loads it
/// (the same pixels, correction and normalisation) with the file's opening, checksum and
/// flat/dark averaging done once (CorrectedFrameReader): the reader of stack reconstructions.
/// Not thread-safe (one reading thread).
class HologramReader {
public:
    /// Opens `spec` (Kind::File; spec.frame is ignored). Throws InputError.
    explicit HologramReader(const InputSpec& spec);
    ~HologramReader();
    HologramReader(const HologramReader&) = delete;
    HologramReader& operator=(const HologramReader&) = delete;

    /// Frames load() accepts (NXtomo: projections, unless read raw).
    [[nodiscard]] int frames() const noexcept;
    [[nodiscard]] const ImageFileInfo& info() const noexcept;
    /// Frame `frame`: the same as loadHologram() of the spec with .frame = frame.
    LoadedHologram load(int frame);

private:
    InputSpec m_spec;
    std::unique_ptr<CorrectedFrameReader> m_reader;
};

/// Reads the true phase [rad] of a simulated hologram from `spec` (any readable format, frame
/// `frame`) into `hologram.truePhase`, so that reconstructions report their phase NMSE per step
/// (ReconstructionOutcome::nmseHistory). Throws InputError for an unreadable file, non-finite
/// pixels or another shape than the hologram's.
void attachTruePhase(LoadedHologram& hologram, const std::string& spec, int frame = 0);

/// Why `image` is clearly not a normalised intensity when no flat field corrected it: a mean
/// typical of raw detector counts (above 10), a mean ≤ 0, or more than 1 % negative pixels.
/// Empty when it may be one (a strongly absorbing hologram with mean 0.3 is fine). `what`
/// names the source in the message, which ends with the fix (--flat, or --normalise
/// mean|percentile).
std::string normalisationProblem(const ImageF& image, const std::string& what);

/// Divides `loaded` by its mean or percentile (Mean, Percentile), records it in the spec and
/// the provenance, and clears the problem. Throws InputError when the divisor is not positive.
void normalise(LoadedHologram& loaded, Normalisation how, double percentile = 50);

/// The request with everything filled in: options (the method's defaults when null, validated),
/// geometry (the method's default when unset; InputError naming the missing physics otherwise),
/// the input spec of `hologram`. Throws InputError for anything invalid, including
/// `method.check()`.
ReconstructionRequest completeRequest(const ReconstructionMethod& method,
                                      ReconstructionRequest request,
                                      const LoadedHologram& hologram);

/// A finished reconstruction: an immutable value the application shows and any program writes.
struct ReconstructionOutcome {
    ReconstructionRequest request;   ///< complete (see completeRequest())
    MethodInfo method;
    ImageF phase;                    ///< φ [rad], [H, W]
    ImageF absorption;               ///< B [1], [H, W]
    ImageF residual;                 ///< I − F(B, φ) on the request's forward model, [H, W]
    double residualRms = 0;          ///< ‖I − F(B, φ)‖₂ / √(H·W): PhaseLab's one residual
    /// residualRms of f_0 … f_k for iterative methods; {residualRms} for one-shot ones.
    std::vector<double> residualHistory;
    /// NMSE [%] of the phase against the hologram's true phase (LoadedHologram::truePhase: the
    /// demo's, or one given with attachTruePhase()), of f_0 … f_k for iterative methods (the
    /// same steps as residualHistory) and {final} for one-shot ones; empty without a truth.
    std::vector<double> nmseHistory;
    int iterations = 0;
    std::string stopReason = "completed";
    double seconds = 0;              ///< wall time of the method, this run (continued runs add up)
    nlohmann::json details = nlohmann::json::object();   ///< method-specific (device, model)
    nlohmann::json inputDetails = nlohmann::json::object();  ///< the hologram's provenance
    std::vector<std::string> warnings;  ///< undersampled kernel, model physics, …
    bool preview = false;            ///< an intermediate estimate, not a result

    /// The one metadata object of a result file: request.toJson() plus phaselab_version,
    /// method_name, iterations, residual, residual_history, stop_reason, seconds, warnings,
    /// details, input_details, and phase_nmse_history when there is one. ReconstructionRequest::fromJson() reads it back.
    [[nodiscard]] nlohmann::json metadata() const;
    /// A short report (the command line's --json output): method, seconds, iterations,
    /// residual, stop_reason, shape [H, W], options, details, warnings, residual_history for
    /// iterative methods, and phase_nmse (final) and phase_nmse_history given a true phase.
    [[nodiscard]] nlohmann::json report() const;
};

/// Runs `method` on `hologram` as `request` says (completed first, see completeRequest()):
/// refuses an input with a problem (NotNormalisedError) and any non-finite result (InputError
/// naming the iteration), computes the residual, and times the run. Previews, when the method
/// has them, arrive on the calling thread as outcomes with preview = true (no residual image).
ReconstructionOutcome reconstruct(
    ReconstructionMethod& method, const ReconstructionRequest& request,
    const LoadedHologram& hologram, const ProgressReporter& progress = {nullptr, nullptr},
    const std::function<void(std::shared_ptr<const ReconstructionOutcome>)>& preview = {});

/// Continues the run that produced `last` for up to `steps` more steps (an iterative method
/// whose canContinue(last.request) is true); the outcome's options carry the new step count,
/// so re-running its request from scratch gives the same result.
ReconstructionOutcome continueReconstruction(
    ReconstructionMethod& method, const ReconstructionOutcome& last,
    const LoadedHologram& hologram, int steps, const ProgressReporter& progress = {nullptr, nullptr},
    const std::function<void(std::shared_ptr<const ReconstructionOutcome>)>& preview = {});

/// I − F(B, φ) with geometry `g` and forward-model options `propagation` (Estimate plans).
ImageF dataResidual(const ImageF& hologram, const ImageF& absorption, const ImageF& phase,
                    const Geometry& g, const PropagationOptions& propagation);
/// ‖x‖₂ / √n.
double rms(const ImageF& x);

/// The files writeResult() writes for `prefix`: PREFIX_phase.tif and PREFIX_absorption.tif.
struct ResultPaths {
    std::string phase, absorption;
};
ResultPaths resultPaths(const std::string& prefix);

/// Writes PREFIX_phase.tif and PREFIX_absorption.tif (float32, pixel calibration, metadata()
/// plus quantity and unit): both or neither, each through a temporary sibling that is renamed
/// only once both are complete. `cancel` is polled before the renames. Throws InputError.
ResultPaths writeResult(const std::string& prefix, const ReconstructionOutcome& outcome,
                        const CancelToken* cancel = nullptr);
/// Reads a pair written by writeResult(): the images and the outcome their metadata describes
/// (request, method, iterations, residual and its history, stop reason, seconds, warnings,
/// details, input details), without the residual image. Throws InputError naming the file.
ReconstructionOutcome readResult(const ResultPaths& paths);
/// The same for several frames: multi-page PREFIX_phase.tif and PREFIX_absorption.tif (BigTIFF
/// above 4 GB), the first outcome's metadata plus `frames` (the frame indices).
ResultPaths writeResultStack(const std::string& prefix,
                             const std::vector<std::shared_ptr<const ReconstructionOutcome>>& outcomes,
                             const CancelToken* cancel = nullptr);

/// The session file's marker key and version.
inline constexpr const char* kSessionKey = "phaselab_session";
inline constexpr int kSessionVersion = 2;

/// A session as JSON: request.toJson() plus phaselab_session, phaselab_version and `extra`
/// (the application's view state, under its own keys).
nlohmann::json sessionJson(const ReconstructionRequest& request,
                           const nlohmann::json& extra = nlohmann::json::object());
/// Writes `j` to `path` atomically (pretty-printed). Throws InputError.
void writeJsonFile(const std::string& path, const nlohmann::json& j);
/// The request stored in a session file (JSON) or in a result TIFF's metadata, so that any
/// result can be re-run. Throws InputError naming the file and the problem.
ReconstructionRequest readRequestFile(const std::string& path);

} // namespace phaselab::core
