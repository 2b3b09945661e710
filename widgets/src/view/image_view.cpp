#include <phaselab/widgets/image_view.h>

#include <phaselab/core/units.h>

#include <QMouseEvent>
#include <QSignalBlocker>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace phaselab::widgets {

namespace {

// A strided sample of at most ~256k finite values keeps range estimates fast on large frames.
std::vector<float> finiteSample(const core::ImageF& image, bool absolute)
{
    std::vector<float> v;
    const std::size_t stride = std::max<std::size_t>(1, image.size() / 65536);
    v.reserve(image.size() / stride + 1);
    for (std::size_t i = 0; i < image.size(); i += stride)
        if (std::isfinite(image[i]))
            v.push_back(absolute ? std::abs(image[i]) : image[i]);
    return v;
}

double percentileOf(std::vector<float>& v, double percent)
{
    const std::size_t k =
        std::min(v.size() - 1, std::size_t(percent / 100.0 * double(v.size() - 1) + 0.5));
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
    return double(v[k]);
}

DisplayRange widen(DisplayRange r)
{
    if (!(r.high > r.low)) {
        const double pad = std::max(1e-12, std::abs(r.low) * 1e-6);
        r = {r.low - pad, r.low + pad};
    }
    return r;
}

constexpr double kHandleRadius = 6.0;  // screen pixels

} // namespace

DisplayRange percentileRange(const core::ImageF& image, double lowPercent, double highPercent)
{
    std::vector<float> v = finiteSample(image, false);
    if (v.empty())
        return {0, 1};
    DisplayRange r{percentileOf(v, lowPercent), percentileOf(v, highPercent)};
    if (!(r.high > r.low))
        r = minMaxRange(image);
    return widen(r);
}

DisplayRange minMaxRange(const core::ImageF& image)
{
    const core::ImageStats st = core::imageStats(image);
    if (st.nonFinite == image.size())
        return {0, 1};
    return widen({st.min, st.max});
}

DisplayRange symmetricRange(const core::ImageF& image, double percent)
{
    std::vector<float> v = finiteSample(image, true);
    if (v.empty())
        return {-1, 1};
    const double m = percentileOf(v, percent);
    return widen({-m, m});
}

ImageView::ImageView(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(160, 160);
}

void ImageView::setImage(std::shared_ptr<const core::ImageF> image, DisplayRange range,
                         bool keepView)
{
    const bool sameSize = m_image && image && m_image->sameShape(*image);
    m_image = std::move(image);
    m_range = range;
    render();
    if (keepView && sameSize)
        update();
    else
        fitToWindow();
}

void ImageView::clearImage()
{
    m_image.reset();
    m_rendered = QImage();
    update();
}

void ImageView::setDisplayRange(DisplayRange range)
{
    m_range = range;
    render();
    update();
}

void ImageView::setColorMap(ColorMap map)
{
    m_colorMap = map;
    if (!m_rendered.isNull())
        m_rendered.setColorTable(colorTable(map));
    if (!m_shrunk.isNull())
        m_shrunk.setColorTable(colorTable(map));
    update();
}

void ImageView::setPixelSize(double metres)
{
    m_pixelSizeM = std::isfinite(metres) && metres > 0 ? metres : 0;
    update();
}

void ImageView::setScaleBarVisible(bool visible)
{
    m_scaleBarVisible = visible;
    update();
}

void ImageView::render()
{
    m_renderStale = true;
    ++m_renderSerial;
}

namespace {

// Float values → 8-bit indices of the colour map (non-finite pixels black, as the window's load
// message says). One thread: this runs on the GUI thread, next to a worker that uses every core,
// where an OpenMP team would wait for descheduled threads.
QImage toIndexed(const float* data, int w, int h, DisplayRange range, ColorMap map)
{
    QImage out(w, h, QImage::Format_Indexed8);
    out.setColorTable(colorTable(map));
    const float scale = float(255.0 / (range.high - range.low));
    const float low = float(range.low);
    for (int y = 0; y < h; ++y) {
        const float* src = data + std::size_t(y) * std::size_t(w);
        uchar* dst = out.scanLine(y);
        for (int x = 0; x < w; ++x) {
            const float v = (src[x] - low) * scale;
            dst[x] = !std::isfinite(src[x]) ? uchar(0)
                     : v > 0.0f             ? (v < 255.0f ? uchar(v + 0.5f) : uchar(255))
                                            : uchar(0);
        }
    }
    return out;
}

// Area average of `image` onto a tw × th grid (tw ≤ width, th ≤ height): every source pixel
// adds to the target pixel it falls in; non-finite pixels are left out (NaN where none is left).
std::vector<float> shrink(const core::ImageF& image, int tw, int th)
{
    const int w = image.width(), h = image.height();
    std::vector<float> sum(std::size_t(tw) * std::size_t(th), 0.0f);
    std::vector<float> count(sum.size(), 0.0f);
    std::vector<int> column(static_cast<std::size_t>(w));
    for (int x = 0; x < w; ++x)
        column[std::size_t(x)] = int(std::int64_t(x) * tw / w);
    for (int y = 0; y < h; ++y) {
        const float* src = image.row(y);
        const std::size_t row = std::size_t(std::int64_t(y) * th / h) * std::size_t(tw);
        float* s = sum.data() + row;
        float* c = count.data() + row;
        for (int x = 0; x < w; ++x) {
            const bool finite = std::isfinite(src[x]);  // branch-free: no mispredictions
            const int t = column[std::size_t(x)];
            s[t] += finite ? src[x] : 0.0f;
            c[t] += finite ? 1.0f : 0.0f;
        }
    }
    for (std::size_t i = 0; i < sum.size(); ++i)
        sum[i] = count[i] > 0 ? sum[i] / count[i] : std::numeric_limits<float>::quiet_NaN();
    return sum;
}

} // namespace

void ImageView::ensureRendered() const
{
    if (!m_renderStale)
        return;
    m_renderStale = false;
    if (!m_image || m_image->empty()) {
        m_rendered = QImage();
        return;
    }
    m_rendered = toIndexed(m_image->data(), m_image->width(), m_image->height(), m_range,
                           m_colorMap);
}

QPointF ImageView::toImage(QPointF p) const
{
    return (p - m_offset) / m_zoom;
}

QPointF ImageView::toWidget(QPointF p) const
{
    return p * m_zoom + m_offset;
}

void ImageView::setViewTransform(double zoom, QPointF offset, bool fitted)
{
    if (fitted) {
        const QSignalBlocker block(this);
        fitToWindow();
        return;
    }
    m_zoom = std::clamp(zoom, 1e-3, 256.0);
    m_offset = offset;
    m_fitted = false;
    update();
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

void ImageView::setTool(Tool tool)
{
    m_tool = tool;
    setCursor(tool == Tool::Pan ? Qt::ArrowCursor : Qt::CrossCursor);
}

void ImageView::setLine(std::optional<QLineF> line)
{
    m_line = line;
    update();
}

void ImageView::setLineWidth(double pixels)
{
    m_lineWidth = std::max(1.0, pixels);
    update();
}

void ImageView::setRegion(std::optional<QRectF> region)
{
    m_region = region;
    update();
}

void ImageView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Dark));
    if (!m_image || m_image->empty()) {
        p.setPen(palette().color(QPalette::BrightText));
        p.drawText(rect(), Qt::AlignCenter, tr("No image"));
        return;
    }
    // Area-averaged when shrinking; sharp pixels when magnifying, so single pixels stay visible.
    const QRectF target(m_offset, QSizeF(m_image->width() * m_zoom, m_image->height() * m_zoom));
    if (m_zoom < 1.0) {
        // Shrinking: from a cached copy at the drawn size (cheap repaints while panning).
        const QSize size = target.size().toSize().expandedTo(QSize(1, 1)).boundedTo(
            QSize(m_image->width(), m_image->height()));
        const qint64 key = m_renderSerial;
        if (m_shrunk.size() != size || m_shrunkKey != key) {
            const std::vector<float> small = shrink(*m_image, size.width(), size.height());
            m_shrunk = toIndexed(small.data(), size.width(), size.height(), m_range, m_colorMap);
            m_shrunkKey = key;
        }
        p.drawImage(target, m_shrunk);
    } else {
        ensureRendered();
        p.drawImage(target, m_rendered);
    }
    drawOverlays(p);
    drawScaleBar(p);
}

void ImageView::drawOverlays(QPainter& p)
{
    p.setRenderHint(QPainter::Antialiasing, true);
    if (m_line) {
        const QPointF a = toWidget(m_line->p1()), b = toWidget(m_line->p2());
        if (m_lineWidth > 1 && m_line->length() > 0) {
            // The averaging band: a rectangle of the line's length and the band's width.
            const QPointF n = QPointF(-m_line->dy(), m_line->dx()) / m_line->length() *
                              (m_lineWidth / 2 * m_zoom);
            QPainterPath band;
            band.moveTo(a + n);
            band.lineTo(b + n);
            band.lineTo(b - n);
            band.lineTo(a - n);
            band.closeSubpath();
            p.fillPath(band, QColor(255, 200, 0, 50));
        }
        p.setPen(QPen(QColor(255, 200, 0), 1.5));
        p.drawLine(a, b);
        p.setBrush(QColor(255, 200, 0));
        p.drawEllipse(a, kHandleRadius / 2, kHandleRadius / 2);
        p.drawEllipse(b, kHandleRadius / 2, kHandleRadius / 2);
        p.setBrush(Qt::NoBrush);
    }
    if (m_region) {
        const QRectF r(toWidget(m_region->topLeft()), toWidget(m_region->bottomRight()));
        p.setPen(QPen(QColor(0, 220, 255), 1.5, Qt::DashLine));
        p.drawRect(r);
    }
}

void ImageView::drawScaleBar(QPainter& p)
{
    m_scaleBarM = 0;
    if (!m_scaleBarVisible || m_pixelSizeM <= 0 || m_zoom <= 0)
        return;
    // The largest 1-2-5 × 10^k length not longer than a fifth of the view.
    const double metresPerScreenPixel = m_pixelSizeM / m_zoom;
    const double target = width() / 5.0 * metresPerScreenPixel;
    const double decade = std::pow(10.0, std::floor(std::log10(target)));
    double length = decade;
    for (double m : {2.0, 5.0, 10.0})
        if (m * decade <= target)
            length = m * decade;
    const double px = length / metresPerScreenPixel;
    if (px < 10)
        return;
    m_scaleBarM = length;
    const QString label = QString::fromStdString(core::formatLength(length, 3));
    const QFontMetrics fm = fontMetrics();
    const int margin = 12;
    const QRectF bar(margin, height() - margin - 6, px, 6);
    const QRectF box(bar.left() - 6, bar.top() - fm.height() - 6, std::max(px, double(fm.horizontalAdvance(label))) + 12,
                     fm.height() + 18);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.fillRect(box, QColor(0, 0, 0, 140));
    p.fillRect(bar, Qt::white);
    p.setPen(Qt::white);
    p.drawText(QRectF(bar.left(), box.top() + 2, box.width() - 12, fm.height()),
               Qt::AlignLeft | Qt::AlignVCenter, label);
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
    const QPointF pos = e->position();
    m_dragStart = pos;
    m_offsetAtDragStart = m_offset;
    if (e->button() == Qt::MiddleButton || (e->button() == Qt::LeftButton && m_tool == Tool::Pan)) {
        m_drag = Drag::Pan;
        setCursor(Qt::ClosedHandCursor);
        return;
    }
    if (e->button() != Qt::LeftButton || !m_image)
        return;
    const QPointF img = toImage(pos);
    if (m_tool == Tool::Line) {
        // Grab an end of the existing line, or start a new one.
        if (m_line && QLineF(toWidget(m_line->p1()), pos).length() <= 2 * kHandleRadius)
            m_drag = Drag::LineStart;
        else if (m_line && QLineF(toWidget(m_line->p2()), pos).length() <= 2 * kHandleRadius)
            m_drag = Drag::LineEnd;
        else {
            m_line = QLineF(img, img);
            m_drag = Drag::NewLine;
        }
    } else if (m_tool == Tool::Region) {
        m_region = QRectF(img, img);
        m_drag = Drag::Region;
    }
    update();
}

void ImageView::mouseMoveEvent(QMouseEvent* e)
{
    const QPointF pos = e->position();
    const QPointF img = toImage(pos);
    switch (m_drag) {
    case Drag::Pan:
        m_offset = m_offsetAtDragStart + (pos - m_dragStart);
        m_fitted = false;
        update();
        emit viewChanged();
        break;
    case Drag::LineStart: m_line->setP1(img); update(); break;
    case Drag::LineEnd:
    case Drag::NewLine: m_line->setP2(img); update(); break;
    case Drag::Region:
        m_region = QRectF(toImage(m_dragStart), img).normalized();
        update();
        break;
    case Drag::None: break;
    }
    reportCursor(pos);
}

void ImageView::mouseReleaseEvent(QMouseEvent*)
{
    const Drag drag = std::exchange(m_drag, Drag::None);
    setCursor(m_tool == Tool::Pan ? Qt::ArrowCursor : Qt::CrossCursor);
    if ((drag == Drag::LineStart || drag == Drag::LineEnd || drag == Drag::NewLine) && m_line) {
        if (m_line->length() < 1.0 && drag == Drag::NewLine) {
            m_line.reset();  // a click, not a line
            update();
            return;
        }
        emit lineChanged(*m_line);
    } else if (drag == Drag::Region && m_region && m_region->width() >= 1 &&
               m_region->height() >= 1) {
        emit regionChanged(*m_region);
    }
}

void ImageView::mouseDoubleClickEvent(QMouseEvent*)
{
    if (m_tool == Tool::Pan)
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
