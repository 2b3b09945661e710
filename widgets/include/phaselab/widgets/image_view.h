#pragma once

#include <QImage>
#include <QLineF>
#include <QPointF>
#include <QRectF>
#include <QWidget>

#include <memory>
#include <optional>

#include <phaselab/core/image.h>
#include <phaselab/widgets/color_map.h>

class QPainter;

namespace phaselab::widgets {

/// Grey-level display range of an image.
struct DisplayRange {
    double low = 0;
    double high = 1;
};

/// Display range from the low/high percentiles of the finite values (robust to hot pixels);
/// falls back to [min, max] for tiny or flat images.
DisplayRange percentileRange(const core::ImageF& image, double lowPercent = 0.5,
                             double highPercent = 99.5);
/// [min, max] of the finite values.
DisplayRange minMaxRange(const core::ImageF& image);
/// [−m, m] with m the given percentile of |value|: for signed maps centred on zero.
DisplayRange symmetricRange(const core::ImageF& image, double percent = 99.5);

/// Paints a float image with QImage (no OpenGL): smooth zoom around the cursor (wheel), pan
/// (left drag in pan mode, middle drag always), fit to window, 1:1, a colour map, a scale bar in
/// physical units, and interactive line / region tools for the resolution measurements.
/// Pixel (i, j) covers image coordinates [i, i+1) × [j, j+1).
class ImageView : public QWidget {
    Q_OBJECT

public:
    enum class Tool { Pan, Line, Region };

    explicit ImageView(QWidget* parent = nullptr);

    /// Shows `image` (shared, never modified) with the given display range. Keeps the current
    /// zoom when the size is unchanged and `keepView` is set; otherwise fits the view.
    void setImage(std::shared_ptr<const core::ImageF> image, DisplayRange range,
                  bool keepView = false);
    void clearImage();
    void setDisplayRange(DisplayRange range);
    [[nodiscard]] DisplayRange displayRange() const noexcept { return m_range; }
    void setColorMap(ColorMap map);
    [[nodiscard]] ColorMap colorMap() const noexcept { return m_colorMap; }
    [[nodiscard]] const core::ImageF* image() const noexcept { return m_image.get(); }
    [[nodiscard]] std::shared_ptr<const core::ImageF> sharedImage() const { return m_image; }
    /// The image as displayed (colour map and contrast applied), one pixel per image pixel.
    [[nodiscard]] QImage renderedImage() const
    {
        ensureRendered();
        return m_rendered;
    }

    /// Pixel size [m] for the scale bar; 0 hides it.
    void setPixelSize(double metres);
    [[nodiscard]] double pixelSize() const noexcept { return m_pixelSizeM; }
    void setScaleBarVisible(bool visible);
    /// The scale bar's length [m] as last drawn (0 if none).
    [[nodiscard]] double scaleBarLength() const noexcept { return m_scaleBarM; }

    /// Screen pixels per image pixel.
    [[nodiscard]] double zoom() const noexcept { return m_zoom; }
    /// Widget position of image coordinate (0, 0).
    [[nodiscard]] QPointF offset() const noexcept { return m_offset; }
    /// Image coordinates of a widget position.
    [[nodiscard]] QPointF toImage(QPointF widgetPos) const;
    /// Widget position of image coordinates.
    [[nodiscard]] QPointF toWidget(QPointF imagePos) const;
    /// Sets zoom and offset without emitting viewChanged (used to synchronise views); with
    /// `fitted` the view fits itself to its own size instead and keeps doing so on resize.
    void setViewTransform(double zoom, QPointF offset, bool fitted = false);
    /// True while the view follows its size (fit to window), until the user zooms or pans.
    [[nodiscard]] bool isFitted() const noexcept { return m_fitted; }

    void setTool(Tool tool);
    [[nodiscard]] Tool tool() const noexcept { return m_tool; }
    /// The measurement line in image coordinates, if any.
    [[nodiscard]] std::optional<QLineF> line() const { return m_line; }
    void setLine(std::optional<QLineF> line);
    /// Width of the averaging band across the line [pixels], drawn around it.
    void setLineWidth(double pixels);
    [[nodiscard]] std::optional<QRectF> region() const { return m_region; }
    void setRegion(std::optional<QRectF> region);

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
    /// The user zoomed or panned.
    void viewChanged();
    /// The line was drawn or one of its ends dragged (emitted on release).
    void lineChanged(QLineF line);
    /// The region was drawn (emitted on release).
    void regionChanged(QRectF region);

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
    enum class Drag { None, Pan, LineStart, LineEnd, NewLine, Region };

    /// Marks the displayed image stale; it is rebuilt when next painted or read, so images in
    /// hidden tabs cost nothing while a reconstruction streams previews.
    void render();
    void ensureRendered() const;
    void reportCursor(QPointF widgetPos);
    void drawScaleBar(QPainter& p);
    void drawOverlays(QPainter& p);

    std::shared_ptr<const core::ImageF> m_image;
    mutable QImage m_rendered;
    mutable bool m_renderStale = false;
    /// m_rendered smoothly shrunk to the size it is drawn at (zoom < 1), rebuilt when the
    /// image or the zoom changes; panning reuses it.
    mutable QImage m_shrunk;
    mutable qint64 m_shrunkKey = -1;
    qint64 m_renderSerial = 0;  ///< counts render() calls: the key of m_shrunk
    DisplayRange m_range;
    ColorMap m_colorMap = ColorMap::Grey;
    double m_pixelSizeM = 0;
    double m_scaleBarM = 0;
    bool m_scaleBarVisible = true;
    double m_zoom = 1.0;
    QPointF m_offset;  // widget position of image coordinate (0, 0)
    bool m_fitted = true;

    Tool m_tool = Tool::Pan;
    Drag m_drag = Drag::None;
    QPointF m_dragStart;
    QPointF m_offsetAtDragStart;
    std::optional<QLineF> m_line;
    double m_lineWidth = 1;
    std::optional<QRectF> m_region;
};

} // namespace phaselab::widgets
