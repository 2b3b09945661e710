#include <phaselab/widgets/display_panel.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace phaselab::widgets {

namespace {

QDoubleSpinBox* percentSpin(double value)
{
    auto* s = new QDoubleSpinBox;
    s->setRange(0.0, 100.0);
    s->setDecimals(2);
    s->setSingleStep(0.1);
    s->setSuffix(QStringLiteral(" %"));
    s->setValue(value);
    s->setKeyboardTracking(false);
    return s;
}

QDoubleSpinBox* valueSpin()
{
    auto* s = new QDoubleSpinBox;
    s->setRange(-1e30, 1e30);
    s->setDecimals(6);
    s->setKeyboardTracking(false);
    return s;
}

} // namespace

DisplayPanel::DisplayPanel(QWidget* parent)
    : QWidget(parent),
      m_map(new QComboBox),
      m_contrast(new QComboBox),
      m_lowPercent(percentSpin(0.5)),
      m_highPercent(percentSpin(99.5)),
      m_low(valueSpin()),
      m_high(valueSpin()),
      m_plot(new QCustomPlot)
{
    for (ColorMap m : kAllColorMaps)
        m_map->addItem(colorMapName(m), colorMapId(m));
    m_contrast->addItem(tr("Percentiles"), int(DisplaySettings::Contrast::Percentile));
    m_contrast->addItem(tr("Minimum – maximum"), int(DisplaySettings::Contrast::MinMax));
    m_contrast->addItem(tr("Symmetric about zero"), int(DisplaySettings::Contrast::Symmetric));
    m_contrast->addItem(tr("Manual"), int(DisplaySettings::Contrast::Manual));

    auto* form = new QFormLayout;
    form->addRow(tr("Colour map:"), m_map);
    form->addRow(tr("Contrast:"), m_contrast);
    form->addRow(tr("Low percentile:"), m_lowPercent);
    form->addRow(tr("High percentile:"), m_highPercent);
    form->addRow(tr("Low value:"), m_low);
    form->addRow(tr("High value:"), m_high);

    m_plot->setMinimumSize(240, 150);
    m_plot->xAxis->setLabel(tr("value"));
    m_plot->yAxis->setLabel(tr("pixels"));
    m_plot->addGraph();
    m_plot->graph(0)->setLineStyle(QCPGraph::lsStepCenter);
    m_plot->graph(0)->setBrush(QColor(80, 120, 200, 90));
    m_lowLine = new QCPItemStraightLine(m_plot);
    m_highLine = new QCPItemStraightLine(m_plot);
    for (QCPItemStraightLine* l : {m_lowLine, m_highLine})
        l->setPen(QPen(QColor(200, 60, 40), 1.5));

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_plot, 1);

    connect(m_map, &QComboBox::currentIndexChanged, this, &DisplayPanel::emitChange);
    connect(m_contrast, &QComboBox::currentIndexChanged, this, [this] {
        updateEnabled();
        emitChange();
    });
    for (QDoubleSpinBox* s : {m_lowPercent, m_highPercent, m_low, m_high})
        connect(s, &QDoubleSpinBox::valueChanged, this, &DisplayPanel::emitChange);
    updateEnabled();
}

DisplaySettings DisplayPanel::settings() const
{
    DisplaySettings d;
    d.map = colorMapFromId(m_map->currentData().toString());
    d.contrast = DisplaySettings::Contrast(m_contrast->currentData().toInt());
    d.lowPercent = m_lowPercent->value();
    d.highPercent = m_highPercent->value();
    d.manual = {m_low->value(), m_high->value()};
    return d;
}

void DisplayPanel::showFor(std::shared_ptr<const core::ImageF> image, const DisplaySettings& s)
{
    m_updating = true;
    m_image = std::move(image);
    m_map->setCurrentIndex(std::max(0, m_map->findData(colorMapId(s.map))));
    m_contrast->setCurrentIndex(std::max(0, m_contrast->findData(int(s.contrast))));
    m_lowPercent->setValue(s.lowPercent);
    m_highPercent->setValue(s.highPercent);
    // Manual fields start from the range currently shown, so switching to manual is seamless.
    const DisplayRange r = m_image ? s.rangeFor(*m_image) : s.manual;
    m_low->setValue(s.contrast == DisplaySettings::Contrast::Manual ? s.manual.low : r.low);
    m_high->setValue(s.contrast == DisplaySettings::Contrast::Manual ? s.manual.high : r.high);
    m_updating = false;
    updateEnabled();
    updateHistogram();
}

void DisplayPanel::emitChange()
{
    if (m_updating)
        return;
    updateHistogram();
    emit settingsChanged(settings());
}

void DisplayPanel::updateEnabled()
{
    const auto c = DisplaySettings::Contrast(m_contrast->currentData().toInt());
    m_lowPercent->setEnabled(c == DisplaySettings::Contrast::Percentile);
    m_highPercent->setEnabled(c == DisplaySettings::Contrast::Percentile ||
                              c == DisplaySettings::Contrast::Symmetric);
    m_low->setEnabled(c == DisplaySettings::Contrast::Manual);
    m_high->setEnabled(c == DisplaySettings::Contrast::Manual);
}

void DisplayPanel::updateHistogram()
{
    if (!m_image || m_image->empty()) {
        m_plot->graph(0)->data()->clear();
        m_plot->replot();
        return;
    }
    const DisplayRange r = settings().rangeFor(*m_image);
    const double pad = 0.25 * (r.high - r.low);
    const double lo = r.low - pad, hi = r.high + pad;
    constexpr int kBins = 128;
    QVector<double> x(kBins), y(kBins, 0.0);
    for (int i = 0; i < kBins; ++i)
        x[i] = lo + (i + 0.5) * (hi - lo) / kBins;
    for (float v : *m_image) {
        if (!std::isfinite(v))
            continue;
        const int b = int((double(v) - lo) / (hi - lo) * kBins);
        if (b >= 0 && b < kBins)
            y[b] += 1;
    }
    m_plot->graph(0)->setData(x, y, true);
    m_plot->xAxis->setRange(lo, hi);
    m_plot->yAxis->setRange(0, *std::max_element(y.begin(), y.end()) * 1.05 + 1);
    m_lowLine->point1->setCoords(r.low, 0);
    m_lowLine->point2->setCoords(r.low, 1);
    m_highLine->point1->setCoords(r.high, 0);
    m_highLine->point2->setCoords(r.high, 1);
    m_plot->replot();
}

} // namespace phaselab::widgets
