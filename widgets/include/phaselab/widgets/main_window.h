#pragma once

#include <QMainWindow>
#include <QStringList>

#include <memory>

#include <phaselab/core/flatfield.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/widgets/image_workspace.h>
#include <phaselab/widgets/method_panel.h>

class QCloseEvent;
class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace phaselab::widgets {

class DisplayPanel;
class InputController;
class InputProblemBar;
class LabWindow;
class MultiDistanceDialog;
class ParameterPanel;
class ResolutionPanel;
class StackDialog;

/// PhaseLab's main window: the image workspace (hologram, phase, absorption, residual, reference
/// as tabs or side by side, synchronised) under a bar that names a problem of the input, docks
/// for the method, parameters, display, resolution and the log, a status-bar read-out in
/// physical units with the loading progress and its Cancel, menus, recent files, drag and drop,
/// and settings that persist. Its parts: InputController (loading), session_io (sessions),
/// result_export (files); reconstruction runs in the MethodPanel through core's pipeline.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a file: single images load at once; HDF5 files and stacks open the dialog that
    /// picks the dataset, the frame and flats/darks first.
    void openFile(const QString& path);
    /// Starts loading frame `frame` of `spec` ("FILE" or "FILE.h5:/dataset") with flat/dark
    /// correction in the background; loaded() or loadFailed() follows.
    void openInput(const QString& spec, int frame = 0, const core::FlatFieldSources& sources = {});
    /// Starts loading an input as a request names it (file or demo, with normalisation);
    /// returns false (a message says why) while another input is loading.
    bool openInput(const core::InputSpec& spec);
    /// Loads an image (any readable format, `FILE.h5:/path`, frame `frame`) in the background as
    /// the Reference image, for FRC and NMSE against a reconstruction; referenceLoaded() or
    /// loadFailed() follows. The hologram and results stay as they are.
    void openReference(const QString& spec, int frame = 0);
    /// Keeps the current reconstruction's phase as the Reference image, so that a later
    /// reconstruction (another method or parameters) can be compared with it by FRC.
    void usePhaseAsReference();
    /// Starts simulating the demo hologram (PhaseLab's built-in phantom at the DGN geometry);
    /// `size` in pixels, the input's default when 0.
    void openDemo(int size = 0);
    /// Opens the "Several distances" dialog (File menu); deleted when closed.
    MultiDistanceDialog* openMultiDistance();
    /// Opens "Reconstruct the whole stack" (File menu) for the current input; deleted when closed.
    StackDialog* openStack();
    /// Divides the current hologram by its mean (the input bar's Normalise button).
    void normaliseInput();

    [[nodiscard]] ImageWorkspace* workspace() const noexcept { return m_workspace; }
    /// The hologram's view (for tests and screenshots).
    [[nodiscard]] ImageView* imageView() const;
    [[nodiscard]] ParameterPanel* parameterPanel() const noexcept { return m_parameters; }
    [[nodiscard]] DisplayPanel* displayPanel() const noexcept { return m_display; }
    [[nodiscard]] ResolutionPanel* resolutionPanel() const noexcept { return m_resolution; }
    [[nodiscard]] MethodPanel* methodPanel() const noexcept { return m_methods; }
    [[nodiscard]] InputController* input() const noexcept { return m_input; }
    /// The bar above the images that names the input's problem, with its Normalise button.
    [[nodiscard]] InputProblemBar* inputProblemBar() const noexcept { return m_problemBar; }
    /// The lab window (data, training, models, compare), created on first use.
    LabWindow* lab();
    /// The current hologram (null before the first load).
    [[nodiscard]] const core::LoadedHologram* current() const;

    /// The last finished reconstruction (null if none, and after a failed one).
    [[nodiscard]] OutcomePtr result() const { return m_result; }
    /// Shows an outcome: its images (previews too) and, for a finished one, makes it the result
    /// with its summary in the status bar.
    void showResult(OutcomePtr outcome);
    /// The request without method and options: the input, geometry, propagation and β/δ now.
    [[nodiscard]] core::ReconstructionRequest baseRequest() const;

    /// Writes PREFIX_phase.tif and PREFIX_absorption.tif (core::writeResult); throws
    /// core::InputError on failure or when there is no result.
    void exportResults(const QString& prefix) const;
    /// Saves the active image as displayed (colour map, contrast) to a PNG; throws on failure.
    void exportViewPng(const QString& path) const;
    /// Saves the session (core::sessionJson of the result's request, or of the current one when
    /// there is no result, plus the view state) and the result as PATH_phase.tif and
    /// PATH_absorption.tif (PATH without ".json"); throws on failure.
    void saveSession(const QString& path) const;
    /// Restores a session: parameters, method and options, the view; loads its input in the
    /// background, then shows its result (sessionLoaded() follows). Throws core::InputError for
    /// an unreadable session.
    void loadSession(const QString& path);
    /// The status-bar readout ("x = …, y = …, value").
    [[nodiscard]] QString readoutText() const;
    [[nodiscard]] bool isBusy() const;
    [[nodiscard]] QStringList recentFiles() const;
    /// Appends a line to the log panel (with a time stamp).
    void log(const QString& message);
    [[nodiscard]] QString logText() const;
    /// Shows `message` in the status bar, the log and a non-blocking message box.
    void showError(const QString& title, const QString& message);
    [[nodiscard]] QString lastFolder() const { return m_lastFolder; }

signals:
    void loaded();
    void referenceLoaded();
    void loadFailed(const QString& message);
    /// A session's input has loaded and its result is shown.
    void sessionLoaded();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createDocks();
    void createStatusBar();
    void createActions();
    void restoreSettings();
    void saveSettings() const;
    void showLoaded();
    void showHologram();
    void showImages(const OutcomePtr& outcome);
    void clearResultImages();
    void showCursor(ImageRole role, QPointF imagePos);
    void showActiveDisplay();
    void addRecentFile(const QString& path);
    void updateRecentMenu();
    void chooseFile();
    void chooseExport(int what);
    void about();
    void showHelp();

    ImageWorkspace* m_workspace;
    InputProblemBar* m_problemBar;
    ParameterPanel* m_parameters;
    DisplayPanel* m_display;
    ResolutionPanel* m_resolution = nullptr;
    MethodPanel* m_methods = nullptr;
    InputController* m_input;
    QPlainTextEdit* m_log;
    QLabel* m_readout;
    QProgressBar* m_progress;
    QPushButton* m_cancelLoading;
    QMenu* m_recentMenu = nullptr;
    LabWindow* m_lab = nullptr;
    OutcomePtr m_result;
    QStringList m_recent;
    QString m_lastFolder;
};

} // namespace phaselab::widgets
