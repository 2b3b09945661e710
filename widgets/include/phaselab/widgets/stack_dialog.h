#pragma once

#include <QDialog>

#include <memory>

#include <phaselab/core/reconstruction_request.h>
#include <phaselab/core/stack.h>

class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace phaselab::widgets {

class JobRunner;
class MainWindow;

/// "Reconstruct the whole stack" (issue 16): every frame, or a range A:B:STEP, of the stack the
/// main window's hologram comes from (multi-page TIFF, 3D HDF5, NXtomo), with the window's
/// current method, options and physics, through core::reconstructStack() in a worker: progress
/// with frames per second and the time left, Cancel, and "Continue the interrupted run" when an
/// HDF5 output's partial file is there. The request is taken when Start is pressed, so later
/// changes in the main window do not touch a running stack.
class StackDialog : public QDialog {
    Q_OBJECT

public:
    explicit StackDialog(MainWindow* window, QWidget* parent = nullptr);
    ~StackDialog() override;

    /// The stack, method and physics as the main window has them now; shown at the top.
    void refresh();
    /// Starts the reconstruction (the Start button); false when busy or the input, frames or
    /// output are not usable (the status line says why).
    bool start();
    void cancel();
    [[nodiscard]] bool isRunning() const;
    /// The summary of the last finished run (null if none).
    [[nodiscard]] std::shared_ptr<const core::StackSummary> summary() const { return m_summary; }

    [[nodiscard]] QLineEdit* framesEdit() const noexcept { return m_frames; }
    [[nodiscard]] QLineEdit* outputEdit() const noexcept { return m_output; }
    [[nodiscard]] QCheckBox* resumeBox() const noexcept { return m_resume; }
    [[nodiscard]] QPushButton* startButton() const noexcept { return m_start; }
    [[nodiscard]] QPushButton* cancelButton() const noexcept { return m_cancel; }
    [[nodiscard]] QProgressBar* progressBar() const noexcept { return m_progress; }
    [[nodiscard]] QLabel* statusLabel() const noexcept { return m_status; }
    [[nodiscard]] QLabel* inputLabel() const noexcept { return m_input; }

signals:
    void finished();
    void failed(const QString& message);
    void cancelled();

private:
    void chooseOutput();
    void outputChanged();
    void setBusy(bool busy);
    /// The job as the dialog describes it now; throws core::InputError saying what is wrong.
    [[nodiscard]] core::StackJob job() const;

    MainWindow* m_window;
    QLabel* m_input;
    QLabel* m_method;
    QLineEdit* m_frames;
    QLineEdit* m_output;
    QPushButton* m_browse;
    QCheckBox* m_resume;
    QPushButton* m_start;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    JobRunner* m_runner;
    int m_frameCount = 0;  ///< frames of the stack (0: no usable stack)
    std::shared_ptr<const core::StackSummary> m_summary;
};

} // namespace phaselab::widgets
