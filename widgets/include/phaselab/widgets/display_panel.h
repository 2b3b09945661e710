#pragma once

#include <QWidget>

#include <memory>

#include <phaselab/core/image.h>
#include <phaselab/widgets/image_workspace.h>

class QComboBox;
class QDoubleSpinBox;
class QCustomPlot;
class QCPItemStraightLine;

namespace phaselab::widgets {

/// Colour map and contrast of the active image, with its histogram and the display range marked
/// on it. Edits apply at once to the image they were made for.
class DisplayPanel : public QWidget {
    Q_OBJECT

public:
    explicit DisplayPanel(QWidget* parent = nullptr);

    /// Shows the settings and histogram of `image` (may be null).
    void showFor(std::shared_ptr<const core::ImageF> image, const DisplaySettings& settings);
    [[nodiscard]] DisplaySettings settings() const;
    [[nodiscard]] QCustomPlot* histogram() const noexcept { return m_plot; }

signals:
    void settingsChanged(const phaselab::widgets::DisplaySettings& settings);

private:
    void emitChange();
    void updateEnabled();
    void updateHistogram();

    QComboBox* m_map;
    QComboBox* m_contrast;
    QDoubleSpinBox* m_lowPercent;
    QDoubleSpinBox* m_highPercent;
    QDoubleSpinBox* m_low;
    QDoubleSpinBox* m_high;
    QCustomPlot* m_plot;
    QCPItemStraightLine* m_lowLine;
    QCPItemStraightLine* m_highLine;
    std::shared_ptr<const core::ImageF> m_image;
    bool m_updating = false;
};

} // namespace phaselab::widgets
