#pragma once

#include <QWidget>

#include <functional>
#include <memory>
#include <vector>

#include <phaselab/core/reconstruction_method.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/reconstruction_request.h>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTimer;

namespace phaselab::widgets {

class JobRunner;
class MethodForm;

/// A finished reconstruction or one of its previews (preview = true): an immutable value.
using OutcomePtr = std::shared_ptr<const core::ReconstructionOutcome>;
/// A loaded hologram as the window holds it: an immutable value.
using HologramPtr = std::shared_ptr<const core::LoadedHologram>;

/// Lists the methods of core::MethodRegistry with a form for each, and runs the chosen one through
/// core::reconstruct() on a worker thread: Run and Cancel, a progress bar, the reason when Run is
/// blocked, the residual curve live (QCustomPlot, log scale) from previews, "Continue for N more
/// steps" for an iterative method that stopped at its step limit, and a debounced automatic
/// re-run of interactive methods while parameters change. Owns one method object per method for
/// its lifetime, so a loaded model stays loaded and IRGN's solver survives a finished run; the GUI
/// thread never calls a method object while a job runs.
class MethodPanel : public QWidget {
    Q_OBJECT

public:
    /// What the window gives a run.
    struct Sources {
        /// The request without method and options: input spec, geometry, propagation, β/δ.
        std::function<core::ReconstructionRequest()> baseRequest;
        /// The current hologram (null when none is loaded).
        std::function<HologramPtr()> hologram;
        /// Why the window's parameters are invalid (empty when valid).
        std::function<QString()> parameterError;
    };

    explicit MethodPanel(Sources sources, QWidget* parent = nullptr);
    ~MethodPanel() override;

    [[nodiscard]] QStringList methodIds() const;
    [[nodiscard]] QString currentMethodId() const;
    void setCurrentMethod(const QString& id);
    /// The form of method `id` (null for an unknown id).
    [[nodiscard]] MethodForm* form(const QString& id) const;
    [[nodiscard]] MethodForm* currentForm() const;
    /// Sets method `id`'s options from JSON (its own spelling, core's defaults for absent keys);
    /// throws core::InputError for unknown keys or wrong types.
    void setOptions(const QString& id, const nlohmann::json& options);

    /// The request a run would make now: the window's base request, the current method and its
    /// form's options (not completed: see core::completeRequest()).
    [[nodiscard]] core::ReconstructionRequest request() const;
    /// Why Run is disabled now (empty when it is enabled, and while running).
    [[nodiscard]] QString blockReason() const;
    [[nodiscard]] bool isRunning() const;
    /// The last finished outcome of this panel (null if none, and after a failure).
    [[nodiscard]] OutcomePtr lastOutcome() const { return m_last; }
    /// Forgets the last outcome (a new hologram was loaded, or a session replaced it).
    void forgetLastOutcome();

    [[nodiscard]] QPushButton* runButton() const noexcept { return m_run; }
    [[nodiscard]] QPushButton* cancelButton() const noexcept { return m_cancel; }
    [[nodiscard]] QPushButton* continueButton() const noexcept { return m_continue; }
    [[nodiscard]] QSpinBox* continueSteps() const noexcept { return m_steps; }
    [[nodiscard]] QCustomPlot* residualPlot() const noexcept { return m_plot; }
    /// The label under Run that shows blockReason().
    [[nodiscard]] QLabel* reasonLabel() const noexcept { return m_reason; }
    [[nodiscard]] bool autoUpdate() const;
    void setAutoUpdate(bool on);

public slots:
    /// Starts the current method if nothing blocks it; returns through resultReady / failed.
    void run();
    /// Continues the last outcome for continueSteps() more steps (when Continue is enabled).
    void continueRun();
    void cancel();
    /// Re-checks what blocks Run (call when the hologram or parameters change); schedules an
    /// automatic re-run for interactive methods.
    void inputChanged();

signals:
    void started(const QString& methodId);
    void previewReady(phaselab::widgets::OutcomePtr outcome);
    void resultReady(phaselab::widgets::OutcomePtr outcome);
    void failed(const QString& message);
    void cancelled();

private:
    struct Entry {
        std::shared_ptr<core::ReconstructionMethod> method;
        MethodForm* form;
    };
    [[nodiscard]] const Entry* current() const;
    /// The completed request for the current method, or the reason it cannot run.
    [[nodiscard]] QString check(core::ReconstructionRequest* completed) const;
    /// The work of a job: a reconstruction or a continuation, with progress and previews.
    using Work = std::function<core::ReconstructionOutcome(
        const core::ProgressReporter&, const std::function<void(OutcomePtr)>&)>;
    void startJob(const std::shared_ptr<core::ReconstructionMethod>& method,
                  const HologramPtr& hologram, Work work);
    void finishedRun(OutcomePtr outcome);
    void updateState();
    void showResidual(const core::ReconstructionOutcome& outcome);

    Sources m_sources;
    std::vector<Entry> m_entries;
    QComboBox* m_list;
    QLabel* m_description;
    QStackedWidget* m_forms;
    QCheckBox* m_auto;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QPushButton* m_continue;
    QSpinBox* m_steps;
    QProgressBar* m_progress;
    QLabel* m_reason;
    QCustomPlot* m_plot;
    QTimer* m_debounce;
    JobRunner* m_runner;
    bool m_rerunPending = false;
    /// The last finished outcome, the hologram it was computed on and the method that made it.
    OutcomePtr m_last;
    HologramPtr m_lastHologram;
    std::shared_ptr<core::ReconstructionMethod> m_lastMethod;
    /// Whether the job running now is a continuation (its curve extends the last one).
    bool m_continuing = false;
};

} // namespace phaselab::widgets
