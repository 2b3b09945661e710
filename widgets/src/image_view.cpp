#include <phaselab/widgets/image_view.h>

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <vector>

namespace phaselab::widgets {

DisplayRange percentileRange(const core::ImageF& image, double lowPercent, double highPercent)
{
    // A strided sample of at most ~256k finite values keeps this fast on large frames.
    std::vector<float> v;
    const std::size_t stride = std::max<std::size_t>(1, image.size() / 262144);
    v.reserve(image.size() / stride + 1);
    for (std::size_t i = 0; i < image.size(); i += stride)
        if (std::isfinite(image[i]))
            v.push_back(image[i]);
    if (v.empty())
        return {0, 1};
    auto at = [&](double percent) {
        const std::size_t k = std::min(v.size() - 1, std::size_t(percent / 100.0 * (v.size() - 1) + 0.5));
        std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
        return double(v[k]);
    };
    DisplayRange r{at(lowPercent), at(highPercent)};
    if (!(r.high > r.low)) {
        const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
        r = {double(*mn), double(*mx)};
        if (!(r.high > r.low))
            r.high = r.low + 1;
    }
    return r;
}

ImageView::ImageView(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(200, 200);
}

void ImageView::setImage(std::shared_ptr<const core::ImageF> image, DisplayRange range)
{
    m_image = std::move(image);
    m_range = range;
    render();
    fitToWindow();
}

void ImageView::setDisplayRange(DisplayRange range)
{
    m_range = range;
    render();
    update();
}

void ImageView::render()
{
    if (!m_image || m_image->empty()) {
        m_rendered = QImage();
        return;
    }
    const int w = m_image->width(), h = m_image->height();
    m_rendered = QImage(w, h, QImage::Format_Grayscale8);
    const double scale = 255.0 / (m_range.high - m_range.low);
    for (int y = 0; y < h; ++y) {
        const float* src = m_image->row(y);
        uchar* dst = m_rendered.scanLine(y);
        for (int x = 0; x < w; ++x) {
            const double v = (double(src[x]) - m_range.low) * scale;
            dst[x] = std::isfinite(v) ? uchar(std::clamp(v, 0.0, 255.0) + 0.5) : 0;
        }
    }
}

QPointF ImageView::toImage(QPointF p) const
{
    return (p - m_offset) / m_zoom;
}

QPointF ImageView::toWidget(QPointF p) const
{
    return p * m_zoom + m_offset;
}

void ImageView::fitToWindow()
{
    m_fitted = true;
    if (!m_image || m_image->empty()) {
        update();
        return;
    }
    const double zx = double(width()) / m_image->width();
    const double zy = double(height()) / m_image->height();
    m_zoom = std::max(1e-3, std::min(zx, zy));
    m_offset = QPointF((width() - m_zoom * m_image->width()) / 2,
                       (height() - m_zoom * m_image->height()) / 2);
    update();
    emit viewChanged();
}

void ImageView::zoomActualSize()
{
    if (!m_image)
        return;
    zoomAt(1.0 / m_zoom, QPointF(width() / 2.0, height() / 2.0));
}

void ImageView::zoomIn()
{
    zoomAt(1.25, QPointF(width() / 2.0, height() / 2.0));
}

void ImageView::zoomOut()
{
    zoomAt(1 / 1.25, QPointF(width() / 2.0, height() / 2.0));
}

void ImageView::zoomAt(double factor, QPointF widgetPos)
{
    if (!m_image)
        return;
    const double newZoom = std::clamp(m_zoom * factor, 1e-3, 256.0);
    const QPointF anchor = toImage(widgetPos);
    m_zoom = newZoom;
    m_offset = widgetPos - anchor * m_zoom;
    m_fitted = false;
    update();
    emit viewChanged();
}

void ImageView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Dark));
    if (m_rendered.isNull()) {
        p.setPen(palette().color(QPalette::BrightText));
        p.drawText(rect(), Qt::AlignCenter, tr("No image"));
        return;
    }
    // Smooth when shrinking; sharp pixels when magnifying, so single pixels stay visible.
    p.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 1.0);
    const QRectF target(m_offset, QSizeF(m_rendered.width() * m_zoom, m_rendered.height() * m_zoom));
    p.drawImage(target, m_rendered);
}

void ImageView::resizeEvent(QResizeEvent*)
{
    if (m_fitted)
        fitToWindow();
}

void ImageView::wheelEvent(QWheelEvent* e)
{
    const double steps = e->angleDelta().y() / 120.0;
    if (steps != 0)
        zoomAt(std::pow(1.25, steps), e->position());
    e->accept();
}

void ImageView::mousePressEvent(QMouseEvent* e)
{
    if (e->button() == Qt::LeftButton || e->button() == Qt::MiddleButton) {
        m_dragging = true;
        m_dragStart = e->position();
        m_offsetAtDragStart = m_offset;
        setCursor(Qt::ClosedHandCursor);
    }
}

void ImageView::mouseMoveEvent(QMouseEvent* e)
{
    if (m_dragging) {
        m_offset = m_offsetAtDragStart + (e->position() - m_dragStart);
        m_fitted = false;
        update();
        emit viewChanged();
    }
    reportCursor(e->position());
}

void ImageView::mouseReleaseEvent(QMouseEvent*)
{
    m_dragging = false;
    unsetCursor();
}

void ImageView::mouseDoubleClickEvent(QMouseEvent*)
{
    fitToWindow();
}

void ImageView::leaveEvent(QEvent*)
{
    emit cursorLeft();
}

void ImageView::reportCursor(QPointF widgetPos)
{
    if (!m_image)
        return;
    const QPointF p = toImage(widgetPos);
    if (p.x() >= 0 && p.y() >= 0 && p.x() < m_image->width() && p.y() < m_image->height())
        emit cursorMoved(p);
    else
        emit cursorLeft();
}

} // namespace phaselab::widgets
