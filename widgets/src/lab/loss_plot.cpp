#include <phaselab/widgets/loss_plot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace phaselab::widgets {

LossPlot::LossPlot(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot), m_axisBox(new QComboBox), m_logBox(new QCheckBox)
{
    m_plot->setMinimumHeight(200);
    m_plot->yAxis->setLabel(tr("loss"));
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(QFont(m_plot->font().family(), 8));
    m_plot->addGraph();
    m_plot->graph(0)->setName(tr("training"));
    m_plot->graph(0)->setPen(QPen(QColor(31, 119, 180), 1.5));
    m_plot->addGraph();
    m_plot->graph(1)->setName(tr("validation"));
    m_plot->graph(1)->setPen(QPen(QColor(214, 39, 40), 1.5));
    m_plot->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    m_axisBox->addItem(tr("Epoch"));
    m_axisBox->addItem(tr("Iteration"));
    m_axisBox->setObjectName(QStringLiteral("lossAxis"));
    m_logBox->setText(tr("Log scale"));
    m_logBox->setChecked(true);
    connect(m_axisBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setAxis(i == 0 ? Axis::Epoch : Axis::Iteration); });
    connect(m_logBox, &QCheckBox::toggled, this, &LossPlot::setLogScale);

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("x-axis")));
    bar->addWidget(m_axisBox);
    bar->addWidget(m_logBox);
    bar->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_plot, 1);
    setLogScale(true);
    setAxis(Axis::Epoch);
}

void LossPlot::clear()
{
    m_epochs.clear();
    m_iterations.clear();
    m_batchesPerEpoch = 0;
    m_initialVal = -1;
    redraw();
}

void LossPlot::setInitialValidation(double loss)
{
    m_initialVal = loss;
    redraw();
}

void LossPlot::addEpoch(const models::EpochRecord& record, int batchesPerEpoch)
{
    if (batchesPerEpoch > 0)
        m_batchesPerEpoch = batchesPerEpoch;
    auto same = std::find_if(m_epochs.begin(), m_epochs.end(),
                             [&](const models::EpochRecord& r) { return r.epoch == record.epoch; });
    if (same != m_epochs.end())
        *same = record;
    else
        m_epochs.push_back(record);
    std::sort(m_epochs.begin(), m_epochs.end(),
              [](const auto& a, const auto& b) { return a.epoch < b.epoch; });
    // The epoch's mean loss closes its iterations, so the iteration axis has a point for every
    // epoch even when the throttled live reports of a fast epoch never arrived.
    const double end = double(record.epoch) * std::max(1, m_batchesPerEpoch);
    if (std::isfinite(record.trainLoss) && record.trainLoss > 0 &&
        (m_iterations.empty() || m_iterations.back().iteration < end))
        m_iterations.push_back({end, record.trainLoss});
    redraw();
}

void LossPlot::addIteration(int epoch, int batch, int batches, double loss)
{
    if (batches <= 0 || !std::isfinite(loss) || loss <= 0)
        return;
    m_batchesPerEpoch = batches;
    m_iterations.push_back({double(epoch - 1) * batches + batch, loss});
    if (m_axis == Axis::Iteration)
        redraw();
}

void LossPlot::setAxis(Axis axis)
{
    m_axis = axis;
    m_axisBox->setCurrentIndex(axis == Axis::Epoch ? 0 : 1);
    m_plot->xAxis->setLabel(axis == Axis::Epoch ? tr("epoch") : tr("iteration (batch)"));
    redraw();
}

void LossPlot::setLogScale(bool log)
{
    m_logBox->setChecked(log);
    m_plot->yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (log)
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    else
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    redraw();
}

int LossPlot::trainPoints() const
{
    return m_plot->graph(0)->dataCount();
}

int LossPlot::validationPoints() const
{
    return m_plot->graph(1)->dataCount();
}

void LossPlot::redraw()
{
    QVector<double> tx, ty, vx, vy;
    // One epoch is m_batchesPerEpoch iterations; validation follows the epoch's last batch.
    const double perEpoch = m_axis == Axis::Epoch ? 1.0 : std::max(1, m_batchesPerEpoch);
    if (m_initialVal > 0) {
        vx << 0.0;
        vy << m_initialVal;
    }
    for (const models::EpochRecord& r : m_epochs) {
        if (m_axis == Axis::Epoch && r.trainLoss > 0) {
            tx << r.epoch;
            ty << r.trainLoss;
        }
        if (r.valLoss > 0) {
            vx << r.epoch * perEpoch;
            vy << r.valLoss;
        }
    }
    if (m_axis == Axis::Iteration)
        for (const IterationPoint& p : m_iterations) {
            tx << p.iteration;
            ty << p.loss;
        }
    m_plot->graph(0)->setData(tx, ty);
    m_plot->graph(1)->setData(vx, vy);
    m_plot->rescaleAxes();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace phaselab::widgets
