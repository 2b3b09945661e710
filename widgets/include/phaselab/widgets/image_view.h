#pragma once

#include <QImage>
#include <QPointF>
#include <QWidget>

#include <memory>

#include <phaselab/core/image.h>

namespace phaselab::widgets {

/// Grey-level display range of an image.
struct DisplayRange {
    double low = 0;
    double high = 1;
};

/// Display range from the 0.5 % and 99.5 % percentiles of the finite values (robust to hot
/// pixels); falls back to [min, max] for tiny or flat images.
DisplayRange percentileRange(const core::ImageF& image, double lowPercent = 0.5,
                             double highPercent = 99.5);

/// Paints a float image with QImage (no OpenGL): smooth zoom around the cursor (wheel), pan
/// (left drag), fit to window, 1:1. Pixel (i, j) covers image coordinates [i, i+1) × [j, j+1).
class ImageView : public QWidget {
    Q_OBJECT

public:
    explicit ImageView(QWidget* parent = nullptr);

    /// Shows `image` (shared, never modified) with the given display range; fits it to the view.
    void setImage(std::shared_ptr<const core::ImageF> image, DisplayRange range);
    void setDisplayRange(DisplayRange range);
    [[nodiscard]] DisplayRange displayRange() const noexcept { return m_range; }
    [[nodiscard]] const core::ImageF* image() const noexcept { return m_image.get(); }

    /// Screen pixels per image pixel.
    [[nodiscard]] double zoom() const noexcept { return m_zoom; }
    /// Image coordinates of a widget position.
    [[nodiscard]] QPointF toImage(QPointF widgetPos) const;
    /// Widget position of image coordinates.
    [[nodiscard]] QPointF toWidget(QPointF imagePos) const;

    QSize sizeHint() const override { return {640, 640}; }

public slots:
    void fitToWindow();
    void zoomActualSize();
    void zoomIn();
    void zoomOut();
    /// Zooms by `factor` keeping the image point under `widgetPos` fixed.
    void zoomAt(double factor, QPointF widgetPos);

signals:
    /// The cursor is over image coordinates `imagePos` (inside the image).
    void cursorMoved(QPointF imagePos);
    /// The cursor left the image.
    void cursorLeft();
    void viewChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void render();
    void reportCursor(QPointF widgetPos);

    std::shared_ptr<const core::ImageF> m_image;
    QImage m_rendered;
    DisplayRange m_range;
    double m_zoom = 1.0;
    QPointF m_offset;  // widget position of image coordinate (0, 0)
    bool m_fitted = true;
    bool m_dragging = false;
    QPointF m_dragStart;
    QPointF m_offsetAtDragStart;
};

} // namespace phaselab::widgets
