#pragma once

#include <QWidget>

#include <phaselab/widgets/image_view.h>

namespace phaselab::widgets {

/// A vertical grey-level bar with the values of its ends and middle, matching an ImageView.
class ColorBar : public QWidget {
    Q_OBJECT

public:
    explicit ColorBar(QWidget* parent = nullptr);
    void setRange(DisplayRange range);
    void setColorMap(ColorMap map);
    /// Quantity shown above the bar ("intensity", "phase [rad]").
    void setLabel(const QString& label);
    QSize sizeHint() const override { return {90, 300}; }
    QSize minimumSizeHint() const override { return {70, 120}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    DisplayRange m_range;
    ColorMap m_map = ColorMap::Grey;
    QString m_label;
};

} // namespace phaselab::widgets
