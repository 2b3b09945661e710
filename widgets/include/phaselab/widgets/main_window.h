#pragma once

#include <QMainWindow>

#include <functional>
#include <memory>

#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/progress.h>

class QLabel;
class QProgressBar;
class QCustomPlot;

namespace phaselab::widgets {

class ColorBar;
class GeometryPanel;
class ImageView;
class JobRunner;

/// An image as loaded, with where it came from and what its file said about it.
struct LoadedImage {
    core::ImageF image;
    QString source;          ///< file path, or a description of the demo
    double pixelSizeM = 0;   ///< from the file's calibration; 0 if none
    bool isDemo = false;
    core::Geometry geometry; ///< the demo's geometry (isDemo only)
};

/// PhaseLab's main window: the image viewer with its colour bar and histogram, the geometry
/// panel, a status-bar readout in physical units, and file loading on a worker thread.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Starts loading a TIFF in the background; loaded() or loadFailed() follows.
    void openFile(const QString& path);
    /// Starts simulating the demo hologram (PhaseLab's built-in phantom at the DGN geometry).
    void openDemo(int size = 512);

    [[nodiscard]] ImageView* imageView() const noexcept { return m_view; }
    [[nodiscard]] GeometryPanel* geometryPanel() const noexcept { return m_geometry; }
    [[nodiscard]] const LoadedImage* current() const noexcept { return m_current.get(); }
    /// The status-bar readout ("x = …, y = …, value").
    [[nodiscard]] QString readoutText() const;
    [[nodiscard]] bool isBusy() const;

signals:
    void loaded();
    void loadFailed(const QString& message);

private:
    void createActions();
    void startLoad(const QString& what,
                   std::function<std::shared_ptr<const void>(const core::ProgressReporter&)> job);
    void showLoaded(std::shared_ptr<const LoadedImage> image);
    void showCursor(QPointF imagePos);
    void updateHistogram();
    void chooseFile();
    void about();

    ImageView* m_view;
    ColorBar* m_colorBar;
    GeometryPanel* m_geometry;
    QCustomPlot* m_histogram;
    QLabel* m_readout;
    QProgressBar* m_progress;
    JobRunner* m_loader;
    std::shared_ptr<const LoadedImage> m_current;
    std::shared_ptr<const core::ImageF> m_shownImage;
};

} // namespace phaselab::widgets
