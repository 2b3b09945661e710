#pragma once

#include <QMainWindow>
#include <QStringList>

#include <functional>
#include <memory>

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

/// An image as loaded, with where it came from and what its file said about it.
struct LoadedImage {
    core::ImageF image;
    QString source;          ///< file path, or a description of the demo
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

    /// Starts loading a hologram in the background; loaded() or loadFailed() follows.
    void openFile(const QString& path);
    /// Starts simulating the demo hologram (PhaseLab's built-in phantom at the DGN geometry).
    void openDemo(int size = 512);

    [[nodiscard]] ImageWorkspace* workspace() const noexcept { return m_workspace; }
    /// The hologram's view (for tests and screenshots).
    [[nodiscard]] ImageView* imageView() const;
    [[nodiscard]] ParameterPanel* parameterPanel() const noexcept { return m_parameters; }
    [[nodiscard]] DisplayPanel* displayPanel() const noexcept { return m_display; }
    [[nodiscard]] ResolutionPanel* resolutionPanel() const noexcept { return m_resolution; }
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
    void about();
    void showError(const QString& title, const QString& message);

    ImageWorkspace* m_workspace;
    ParameterPanel* m_parameters;
    DisplayPanel* m_display;
    ResolutionPanel* m_resolution;
    QPlainTextEdit* m_log;
    QLabel* m_readout;
    QProgressBar* m_progress;
    QMenu* m_recentMenu = nullptr;
    JobRunner* m_loader;
    std::shared_ptr<const LoadedImage> m_current;
    QStringList m_recent;
    QString m_lastFolder;
};

} // namespace phaselab::widgets
