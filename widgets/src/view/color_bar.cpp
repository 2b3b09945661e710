#include <phaselab/widgets/color_bar.h>

#include <QLinearGradient>
#include <QPainter>

namespace phaselab::widgets {

ColorBar::ColorBar(QWidget* parent)
    : QWidget(parent)
{
}

void ColorBar::setRange(DisplayRange range)
{
    m_range = range;
    update();
}

void ColorBar::setColorMap(ColorMap map)
{
    m_map = map;
    update();
}

void ColorBar::setLabel(const QString& label)
{
    m_label = label;
    update();
}

void ColorBar::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QFontMetrics fm = fontMetrics();
    const int top = fm.height() * 2, bottom = height() - fm.height();
    const QRect bar(6, top, 18, std::max(10, bottom - top));
    QLinearGradient g(bar.topLeft(), bar.bottomLeft());
    for (int i = 0; i <= 16; ++i)
        g.setColorAt(i / 16.0, colorAt(m_map, 1.0 - i / 16.0));
    p.fillRect(bar, g);
    p.setPen(palette().color(QPalette::WindowText));
    p.drawRect(bar.adjusted(0, 0, -1, -1));
    p.drawText(QRect(0, 0, width(), top - 4), Qt::AlignLeft | Qt::AlignBottom | Qt::TextWordWrap,
               m_label);
    // Five ticks from high (top) to low (bottom).
    for (int i = 0; i <= 4; ++i) {
        const double t = i / 4.0;
        const int y = bar.top() + int(t * (bar.height() - 1));
        const double v = m_range.high + t * (m_range.low - m_range.high);
        p.drawLine(bar.right() + 1, y, bar.right() + 5, y);
        p.drawText(QRect(bar.right() + 8, y - fm.height() / 2, width() - bar.right() - 8,
                         fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, QString::number(v, 'g', 4));
    }
}

} // namespace phaselab::widgets
