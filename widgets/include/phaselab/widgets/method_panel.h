#pragma once

#include <QWidget>

#include <functional>
#include <memory>
#include <vector>

#include <phaselab/widgets/reconstruction_method.h>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTimer;

namespace phaselab::widgets {

/// Chooses a method, shows its options, and runs it on a worker thread: Run and Cancel, a
/// progress bar, the reason when Run is blocked, the residual curve live (QCustomPlot) from the
/// method's previews, and an automatic debounced re-run for fast methods while parameters change.
class MethodPanel : public QWidget {
    Q_OBJECT

public:
    /// `inputProvider` gathers the current input; `parameterError` says why the window's
    /// parameters are invalid (empty when valid).
    MethodPanel(std::function<ReconstructionInput()> inputProvider,
                std::function<QString()> parameterError, QWidget* parent = nullptr);
    ~MethodPanel() override;

    /// Adds a method (the panel owns it).
    void addMethod(std::unique_ptr<ReconstructionMethod> method);
    [[nodiscard]] ReconstructionMethod* method(const QString& id) const;
    [[nodiscard]] ReconstructionMethod* currentMethod() const;
    void setCurrentMethod(const QString& id);
    [[nodiscard]] QStringList methodIds() const;

    /// Why Run is disabled now (empty when it is enabled).
    [[nodiscard]] QString blockReason() const;
    [[nodiscard]] bool isRunning() const;
    [[nodiscard]] QPushButton* runButton() const noexcept { return m_run; }
    [[nodiscard]] QPushButton* cancelButton() const noexcept { return m_cancel; }
    [[nodiscard]] QCustomPlot* residualPlot() const noexcept { return m_plot; }
    /// The label under Run that shows blockReason().
    [[nodiscard]] QLabel* reasonLabel() const noexcept { return m_reason; }
    [[nodiscard]] bool autoUpdate() const;
    void setAutoUpdate(bool on);

public slots:
    /// Starts the current method if nothing blocks it; returns through resultReady / failed.
    void run();
    void cancel();
    /// Re-checks what blocks Run (call when the hologram or parameters change); schedules an
    /// automatic re-run for interactive methods.
    void inputChanged();

signals:
    void started(const QString& methodId);
    void previewReady(std::shared_ptr<const phaselab::widgets::ReconstructionResult> result);
    void resultReady(std::shared_ptr<const phaselab::widgets::ReconstructionResult> result);
    void failed(const QString& message);
    void cancelled();

private:
    void updateState();
    void showResidual(const ReconstructionResult& r);

    std::function<ReconstructionInput()> m_input;
    std::function<QString()> m_parameterError;
    std::vector<std::unique_ptr<ReconstructionMethod>> m_methods;
    QComboBox* m_list;
    QLabel* m_description;
    QStackedWidget* m_options;
    QCheckBox* m_auto;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_reason;
    QCustomPlot* m_plot;
    QTimer* m_debounce;
    JobRunner* m_runner;
    bool m_rerunPending = false;
};

} // namespace phaselab::widgets
