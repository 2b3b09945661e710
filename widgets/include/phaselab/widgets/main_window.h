#pragma once

#include <QMainWindow>
#include <QStringList>

#include <functional>
#include <memory>

#include <phaselab/core/flatfield.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/progress.h>
#include <phaselab/widgets/image_workspace.h>
#include <phaselab/widgets/job_runner.h>

class QCloseEvent;
class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QProgressBar;

namespace phaselab::widgets {

class DisplayPanel;
class ParameterPanel;
class ResolutionPanel;
class MethodPanel;
struct ReconstructionResult;
struct ReconstructionInput;

/// An image as loaded, with where it came from and what its file said about it.
struct LoadedImage {
    core::ImageF image;
    QString source;          ///< file path or spec, or a description of the demo
    int frame = 0;           ///< frame of a stack / 3D dataset
    core::FlatFieldSources sources;  ///< flat/dark correction requested
    nlohmann::json provenance;  ///< input file, checksum, flat/dark correction
    double pixelSizeM = 0;   ///< from the file's calibration; 0 if none
    bool isDemo = false;
    core::Geometry geometry; ///< the demo's geometry (isDemo only)
    /// The demo's ground truth (isDemo only), for FRC and NMSE against the reconstruction.
    std::shared_ptr<const core::ImageF> truePhase, trueAbsorption;
};

/// PhaseLab's main window: the image workspace (hologram, phase, absorption, residual, reference
/// as tabs or side by side, synchronised), docks for parameters, display and the log, a status-bar
/// read-out in physical units, files loaded on a worker thread, recent files, drag and drop, and
/// settings that persist (layout, folders, units, colour maps).
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
    /// Loads an image (any readable format, `FILE.h5:/path`, frame `frame`) in the background as
    /// the Reference image, for FRC and NMSE against a reconstruction; referenceLoaded() or
    /// loadFailed() follows. The hologram and results stay as they are.
    void openReference(const QString& spec, int frame = 0);
    /// Keeps the current reconstruction's phase as the Reference image, so that a later
    /// reconstruction (another method or parameters) can be compared with it by FRC.
    void usePhaseAsReference();
    /// Starts simulating the demo hologram (PhaseLab's built-in phantom at the DGN geometry).
    void openDemo(int size = 512);

    [[nodiscard]] ImageWorkspace* workspace() const noexcept { return m_workspace; }
    /// The hologram's view (for tests and screenshots).
    [[nodiscard]] ImageView* imageView() const;
    [[nodiscard]] ParameterPanel* parameterPanel() const noexcept { return m_parameters; }
    [[nodiscard]] DisplayPanel* displayPanel() const noexcept { return m_display; }
    [[nodiscard]] ResolutionPanel* resolutionPanel() const noexcept { return m_resolution; }
    [[nodiscard]] MethodPanel* methodPanel() const noexcept { return m_methods; }
    /// The last finished reconstruction (null if none).
    [[nodiscard]] std::shared_ptr<const ReconstructionResult> result() const { return m_result; }
    /// What a reconstruction would get now.
    [[nodiscard]] ReconstructionInput reconstructionInput() const;

    /// Writes PREFIX_phase.tif and PREFIX_absorption.tif (32-bit float, calibration, the full
    /// parameters); throws core::InputError on failure.
    void exportResults(const QString& prefix) const;
    /// Saves the active image as displayed (colour map, contrast) to a PNG; throws on failure.
    void exportViewPng(const QString& path) const;
    /// Saves the session: input, parameters, method and options, and the results as TIFF files
    /// next to it (PATH_phase.tif, PATH_absorption.tif); throws on failure.
    void saveSession(const QString& path) const;
    /// Restores a session saved by saveSession (loads the input in the background; loaded()
    /// follows); throws core::InputError for an unreadable session.
    void loadSession(const QString& path);
    [[nodiscard]] const LoadedImage* current() const noexcept { return m_current.get(); }
    /// The status-bar readout ("x = …, y = …, value").
    [[nodiscard]] QString readoutText() const;
    [[nodiscard]] bool isBusy() const;
    [[nodiscard]] QStringList recentFiles() const;
    /// Appends a line to the log panel (with a time stamp).
    void log(const QString& message);
    [[nodiscard]] QString logText() const;

signals:
    void loaded();
    void referenceLoaded();
    void loadFailed(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void restoreSettings();
    void saveSettings() const;
    void startLoad(const QString& what, JobRunner::Job job);
    void showLoaded(std::shared_ptr<const LoadedImage> image);
    void showCursor(ImageRole role, QPointF imagePos);
    void showActiveDisplay();
    void addRecentFile(const QString& path);
    void updateRecentMenu();
    void chooseFile();
    void exportPlot();
    void showResult(std::shared_ptr<const ReconstructionResult> result);
    void chooseExport(int what);
    void about();
    void showHelp();
    void showError(const QString& title, const QString& message);

    ImageWorkspace* m_workspace;
    ParameterPanel* m_parameters;
    DisplayPanel* m_display;
    ResolutionPanel* m_resolution;
    MethodPanel* m_methods;
    QPlainTextEdit* m_log;
    QLabel* m_readout;
    QProgressBar* m_progress;
    QMenu* m_recentMenu = nullptr;
    JobRunner* m_loader;
    JobRunner* m_referenceLoader;
    std::shared_ptr<const LoadedImage> m_current;
    std::shared_ptr<const ReconstructionResult> m_result;
    /// Results of a session being restored, shown once its input has loaded.
    std::shared_ptr<const ReconstructionResult> m_pendingResult;
    QStringList m_recent;
    QString m_lastFolder;
};

} // namespace phaselab::widgets
