#pragma once

#include <QLineF>
#include <QRectF>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

#include <phaselab/core/edge_profile.h>
#include <phaselab/core/metrics.h>
#include <phaselab/widgets/image_workspace.h>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QTabWidget;

namespace phaselab::widgets {

class JobRunner;

/// Resolution and error tools (physics.md §6) on the images of the workspace:
/// - Edge: a line drawn on any image gives the averaged profile, its erf fit overlaid, and the
///   Gaussian FWHM ± standard error in physical units; the band width is adjustable and the
///   line's ends can be dragged (the fit follows).
/// - FRC: two images → the FRC curve with the chosen threshold curve, the resolution marked, NMSE
///   and FRCM (computed on a worker thread).
/// - Region: a rectangle on a homogeneous area → mean, deviation, NE and RSD.
/// Plots export as PNG, PDF and CSV.
class ResolutionPanel : public QWidget {
    Q_OBJECT

public:
    /// `pixelSize` returns the current pixel size [m].
    ResolutionPanel(ImageWorkspace* workspace, std::function<double()> pixelSize,
                    QWidget* parent = nullptr);
    ~ResolutionPanel() override;

    /// The last edge measurement (null if none or the fit was refused).
    [[nodiscard]] const core::EdgeMeasurement* edge() const { return m_edge.get(); }
    [[nodiscard]] QString edgeText() const;
    /// The last FRC evaluation (null if none).
    [[nodiscard]] const core::Evaluation* evaluation() const { return m_evaluation.get(); }
    [[nodiscard]] QString frcText() const;
    [[nodiscard]] const core::RegionStats* region() const { return m_region.get(); }
    [[nodiscard]] QString regionText() const;

    [[nodiscard]] QCustomPlot* edgePlot() const noexcept { return m_edgePlot; }
    [[nodiscard]] QCustomPlot* frcPlot() const noexcept { return m_frcPlot; }

    /// Chooses the FRC images (reconstruction vs reference) and threshold, then computes.
    void computeFrc(ImageRole a, ImageRole b, core::FrcThreshold threshold);
    /// Measures an edge along `line` (image coordinates) on the image of `role`.
    void measureEdge(ImageRole role, QLineF line);
    void measureRegion(ImageRole role, QRectF rect, double expected);
    void setBandWidth(double pixels);
    /// Writes the current plot of the open tab (".png", ".pdf" or ".csv"); throws on failure.
    void exportCurrent(const QString& path) const;

public slots:
    /// Refreshes the FRC image lists and re-measures after the images changed.
    void imagesChanged();

signals:
    void edgeMeasured();
    void frcComputed();
    void regionMeasured();
    void message(const QString& text);

private:
    void remeasureEdge();
    void showFrc();
    void fillRoleBox(QComboBox* box, ImageRole preferred);

    ImageWorkspace* m_workspace;
    std::function<double()> m_pixelSize;
    QTabWidget* m_tabs;
    // Edge
    QDoubleSpinBox* m_band;
    QPushButton* m_drawLine;
    QCustomPlot* m_edgePlot;
    QLabel* m_edgeLabel;
    std::unique_ptr<core::EdgeMeasurement> m_edge;
    std::optional<std::pair<ImageRole, QLineF>> m_line;
    // FRC
    QComboBox* m_frcA;
    QComboBox* m_frcB;
    QComboBox* m_threshold;
    QComboBox* m_frcRule;
    QCheckBox* m_removeMean;
    QPushButton* m_frcRun;
    QCustomPlot* m_frcPlot;
    QLabel* m_frcLabel;
    JobRunner* m_frcRunner;
    std::shared_ptr<const core::Evaluation> m_evaluation;
    // Region
    QPushButton* m_drawRegion;
    QDoubleSpinBox* m_expected;
    QLabel* m_regionLabel;
    std::unique_ptr<core::RegionStats> m_region;
    std::optional<std::pair<ImageRole, QRectF>> m_rect;
};

} // namespace phaselab::widgets
