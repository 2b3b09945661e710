#pragma once
// The one interface every reconstruction method implements, and the registry that lists them.
// Core registers the classical methods (CTF, Paganin, IRGN); models registers the learned ones
// (models::registerLearnedMethods()). The command line and the application both run methods
// through reconstruct() (reconstruction_pipeline.h) and know no method by name.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/method_options.h>
#include <phaselab/core/progress.h>
#include <phaselab/core/reconstruction.h>
#include <phaselab/core/reconstruction_request.h>

namespace phaselab::core {

/// What kind of method it is; the application groups and schedules by it.
enum class MethodKind {
    Direct,     ///< one filter (CTF, Paganin): milliseconds
    Iterative,  ///< steps with previews and a residual history (IRGN); may continue
    Learned,    ///< a trained network from a model file (DGN, MS-D Net, PhaseGAN)
};

/// A method's description.
struct MethodInfo {
    std::string id;           ///< stable id for files and flags ("irgn")
    std::string name;         ///< English display name ("IRGN")
    std::string description;  ///< one English sentence with the reference
    MethodKind kind = MethodKind::Direct;
    /// Fast enough to re-run on every parameter edit (the application does).
    bool interactive = false;
};

/// What a method hands back; the pipeline adds the residual, timing and metadata.
struct MethodResult {
    Reconstruction object;
    int iterations = 0;
    /// RMS residual ‖I − F(f_k)‖₂/√n of f_0 … f_k for iterative methods; empty otherwise.
    std::vector<double> residualHistory;
    /// "completed" (one-shot), "iteration_limit" or "discrepancy" (iterative).
    std::string stopReason = "completed";
    /// Options that differ from the request's, e.g. the Newton step count after a continued
    /// run; null when unchanged.
    std::shared_ptr<const MethodOptions> effectiveOptions;
    /// Method-specific facts for the metadata: device, model file summary, …
    nlohmann::json details = nlohmann::json::object();
    std::vector<std::string> warnings;
};

/// An intermediate estimate of an iterative method, valid only during the call.
struct MethodPreview {
    const ImageF& absorption;
    const ImageF& phase;
    int iteration;
    const std::vector<double>& residualHistory;
};
/// Receives previews on the worker thread; it must copy what it keeps and return quickly.
using PreviewFn = std::function<void(const MethodPreview&)>;

/// One reconstruction method. An object may keep state between runs (a loaded model, the last
/// IRGN solver, so a run can continue); one thread uses it at a time.
class ReconstructionMethod {
public:
    virtual ~ReconstructionMethod() = default;

    [[nodiscard]] virtual const MethodInfo& info() const = 0;
    /// A fresh options object of this method's type, holding the defaults.
    [[nodiscard]] virtual std::unique_ptr<MethodOptions> defaultOptions() const = 0;
    /// Physics to use when a request gives none (a learned model's training physics);
    /// nullopt when the request must give it. May read a file's metadata.
    [[nodiscard]] virtual std::optional<Geometry> defaultGeometry(const MethodOptions& options) const;
    /// Why this (complete) request cannot run on a hologram of `width` × `height` (empty when
    /// it can). Cheap: the application calls it on every edit.
    [[nodiscard]] virtual std::string check(const ReconstructionRequest& request, int width,
                                            int height) const;
    /// Warnings to show with the result (a model applied at other physics than it was trained
    /// for, …). Cheap.
    [[nodiscard]] virtual std::vector<std::string> warnings(const ReconstructionRequest& request) const;

    /// Reconstructs `hologram` (normalised, finite, [H, W]) as `request` says (complete: geometry
    /// and options set, check() empty). Polls `progress` for cancel (throws Cancelled) and
    /// reports previews when the method has them.
    virtual MethodResult solve(const ReconstructionRequest& request, const ImageF& hologram,
                               const ProgressReporter& progress, const PreviewFn& preview) = 0;

    /// True when the last solve() can go on for more steps on `request` (the same request but
    /// for its step count) and stopped at its step limit.
    [[nodiscard]] virtual bool canContinue(const ReconstructionRequest& request) const;
    /// Takes up to `steps` more steps from where the last solve() or continueSolve() stopped.
    /// Throws InputError unless canContinue().
    virtual MethodResult continueSolve(int steps, const ProgressReporter& progress,
                                       const PreviewFn& preview);
};

/// The methods PhaseLab offers, in registration order. Thread-safe.
class MethodRegistry {
public:
    using Factory = std::function<std::unique_ptr<ReconstructionMethod>()>;

    /// The process-wide registry, with core's classical methods already registered.
    static MethodRegistry& instance();

    /// Registers (or replaces) the method `info.id`.
    void add(const MethodInfo& info, Factory factory);
    /// Every method, in registration order.
    [[nodiscard]] std::vector<MethodInfo> methods() const;
    [[nodiscard]] std::vector<std::string> ids() const;
    [[nodiscard]] bool contains(const std::string& id) const;
    /// A new method object; throws InputError naming the registered ids for an unknown one.
    [[nodiscard]] std::unique_ptr<ReconstructionMethod> create(const std::string& id) const;
    /// The defaults of method `id`'s options.
    [[nodiscard]] std::unique_ptr<MethodOptions> defaultOptions(const std::string& id) const;

private:
    MethodRegistry();
    struct Entry {
        MethodInfo info;
        Factory factory;
    };
    [[nodiscard]] Entry entry(const std::string& id) const;
    mutable std::mutex m_mutex;
    std::vector<Entry> m_entries;
};

} // namespace phaselab::core
