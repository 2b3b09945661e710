#pragma once

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include <phaselab/core/fresnel.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/widgets/job_runner.h>

class QWidget;

namespace phaselab::widgets {

/// Everything a reconstruction takes from the window: the hologram and the physics.
struct ReconstructionInput {
    std::shared_ptr<const core::ImageF> hologram;
    core::Geometry geometry;
    core::PropagationOptions propagation;
    double betaOverDelta = 0;  ///< homogeneous prior (0: pure phase)
    QString source;            ///< the hologram's file or description, for metadata
    nlohmann::json provenance; ///< input file, checksum, frame, flat/dark (may be empty)
};

/// A reconstruction's outcome or one of its previews: an immutable snapshot.
struct ReconstructionResult {
    QString methodId;
    QString methodName;
    std::shared_ptr<const core::ImageF> phase;
    std::shared_ptr<const core::ImageF> absorption;
    std::shared_ptr<const core::ImageF> residual;  ///< I − F(f), may be null
    std::vector<double> residualHistory;           ///< ‖I − F(f_k)‖ per iteration, may be empty
    int iterations = 0;
    double seconds = 0;
    nlohmann::json parameters;  ///< method, geometry, options: written into exported files
    bool preview = false;       ///< true for an intermediate estimate
};

/// A reconstruction method the window offers. Implementations wrap a core or models function
/// (CTF, Paganin, IRGN, the learned methods); the method panel lists them, shows their options,
/// validates, and runs their jobs on a worker thread. Adding a method (PhaseGAN) means adding one
/// implementation and registering it — nothing else changes.
class ReconstructionMethod : public QObject {
    Q_OBJECT

public:
    using QObject::QObject;
    ~ReconstructionMethod() override = default;

    /// Stable id for settings, session files and metadata ("ctf", "irgn").
    [[nodiscard]] virtual QString id() const = 0;
    /// Translated name for the method list.
    [[nodiscard]] virtual QString displayName() const = 0;
    /// One line about the method and its reference, for tooltips and Help.
    [[nodiscard]] virtual QString description() const = 0;
    /// The options form; created once, owned by the caller's widget tree.
    virtual QWidget* createOptionsWidget() = 0;
    /// Empty when the method can run on this input; otherwise the reason (shown by Run).
    [[nodiscard]] virtual QString validate(const ReconstructionInput& input) const = 0;
    /// Fast methods re-run automatically (debounced) while the user edits parameters.
    [[nodiscard]] virtual bool isInteractive() const { return false; }
    /// The work: returns std::shared_ptr<const ReconstructionResult>; may publish previews of
    /// the same type through JobContext::publish; polls JobContext::progress to stay cancellable.
    [[nodiscard]] virtual JobRunner::Job makeJob(const ReconstructionInput& input) const = 0;
    /// Options as JSON (session files) and back.
    [[nodiscard]] virtual nlohmann::json options() const = 0;
    virtual void setOptions(const nlohmann::json& options) = 0;

signals:
    /// An option changed (interactive methods re-run).
    void optionsChanged();
};

/// Common metadata of a result: method, geometry, padding, δ/β, input, PhaseLab version.
nlohmann::json baseParameters(const ReconstructionMethod& method, const ReconstructionInput& input);

} // namespace phaselab::widgets
