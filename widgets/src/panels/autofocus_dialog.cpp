#include <phaselab/widgets/autofocus_dialog.h>

#include <phaselab/core/error.h>
#include <phaselab/core/units.h>
#include <phaselab/widgets/job_runner.h>
#include <phaselab/widgets/quantity_edit.h>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace phaselab::widgets {

AutofocusDialog::AutofocusDialog(std::shared_ptr<const core::ImageF> hologram,
                                 const core::Geometry& g, double betaOverDelta, int phaseSign,
                                 QWidget* parent)
    : QDialog(parent),
      m_hologram(std::move(hologram)),
      m_geometry(g),
      m_betaOverDelta(betaOverDelta),
      m_phaseSign(phaseSign),
      m_min(makeDistanceEdit(tr("Smallest distance"))),
      m_max(makeDistanceEdit(tr("Largest distance"))),
      m_samples(new QSpinBox),
      m_criterion(new QComboBox),
      m_run(new QPushButton(tr("&Run"))),
      m_cancel(new QPushButton(tr("&Cancel scan"))),
      m_use(new QPushButton(tr("&Use this distance"))),
      m_progress(new QProgressBar),
      m_label(new QLabel),
      m_plot(new QCustomPlot),
      m_runner(new JobRunner(this))
{
    setWindowTitle(tr("Autofocus: find the distance"));
    m_min->setObjectName(QStringLiteral("autofocusMin"));
    m_max->setObjectName(QStringLiteral("autofocusMax"));
    // The units of the current distance field: ±20 % around it.
    for (QuantityEdit* q : {m_min, m_max})
        q->setUnit(QStringLiteral("mm"));
    m_min->setValue(0.8 * g.distanceM);
    m_max->setValue(1.2 * g.distanceM);
    m_min->setToolTip(tr("Smallest distance scanned (default: the current distance − 20 %)"));
    m_max->setToolTip(tr("Largest distance scanned (default: the current distance + 20 %)"));
    m_samples->setRange(5, 1001);
    m_samples->setValue(core::AutofocusOptions{}.samples);
    m_samples->setToolTip(tr("Distances scanned (log-spaced); the best one is then refined"));
    m_criterion->setObjectName(QStringLiteral("autofocusCriterion"));
    m_criterion->addItem(tr("Power spectrum (weak objects, fast)"),
                         QString::fromStdString(core::toString(core::FocusCriterion::Spectrum)));
    m_criterion->addItem(tr("Data residual of a few IRGN steps (strong phase, slower)"),
                         QString::fromStdString(core::toString(core::FocusCriterion::Residual)));
    m_criterion->setToolTip(
        tr("Spectrum: fits the CTF's rings to the hologram's power spectrum; strong phase moves "
           "the rings. Residual: reconstructs at each distance and keeps the one whose model "
           "fits the hologram best; about 1 % on strong phase, fails at Fresnel numbers below "
           "about 0.01"));
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setWordWrap(true);
    m_label->setText(tr("Scan a focus criterion over the range."));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_use->setEnabled(false);
    m_cancel->setEnabled(false);

    m_plot->setMinimumSize(360, 220);
    m_plot->xAxis->setLabel(tr("Distance [mm]"));
    m_plot->yAxis->setLabel(tr("Criterion (lower is better)"));
    m_plot->addGraph();  // the scan
    m_plot->graph(0)->setName(tr("criterion"));
    m_plot->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
    m_plot->addGraph();  // the optimum
    m_plot->graph(1)->setName(tr("optimum"));
    m_plot->graph(1)->setLineStyle(QCPGraph::lsImpulse);
    m_plot->graph(1)->setPen(QPen(Qt::red, 2));
    m_plot->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, 9));
    m_plot->legend->setVisible(true);

    auto* form = new QFormLayout;
    form->addRow(tr("From:"), m_min);
    form->addRow(tr("To:"), m_max);
    form->addRow(tr("Samples:"), m_samples);
    form->addRow(tr("Criterion:"), m_criterion);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close);
    close->addButton(m_use, QDialogButtonBox::AcceptRole);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_label);
    layout->addWidget(close);

    connect(m_run, &QPushButton::clicked, this, [this] { run(); });
    connect(m_cancel, &QPushButton::clicked, this, &AutofocusDialog::cancel);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_use, &QPushButton::clicked, this, [this] {
        if (m_result) {
            emit distanceChosen(m_result->distanceM);
            accept();
        }
    });
    connect(m_runner, &JobRunner::progressChanged, this,
            [this](double f, const QString&) { m_progress->setValue(int(std::lround(1000 * f))); });
    connect(m_runner, &JobRunner::failed, this, [this](const QString& message) {
        setRunning(false);
        m_label->setText(tr("Autofocus failed: %1").arg(message));
        emit failed(message);
    });
    connect(m_runner, &JobRunner::cancelled, this, [this] {
        setRunning(false);
        m_label->setText(tr("Cancelled."));
        emit cancelled();
    });
}

AutofocusDialog::~AutofocusDialog() = default;

bool AutofocusDialog::isRunning() const
{
    return m_runner->isRunning();
}

bool AutofocusDialog::run()
{
    if (m_runner->isRunning())
        return false;
    if (!m_hologram) {
        m_label->setText(tr("Open a hologram first."));
        return false;
    }
    if (!m_min->isValid() || !m_max->isValid() || m_min->value() >= m_max->value()) {
        m_label->setText(tr("The range is invalid: the smallest distance must be below the "
                            "largest."));
        return false;
    }
    core::AutofocusOptions o;
    o.minDistanceM = m_min->value();
    o.maxDistanceM = m_max->value();
    o.samples = m_samples->value();
    o.criterion = core::parseFocusCriterion(m_criterion->currentData().toString().toStdString());
    o.betaOverDelta = m_betaOverDelta;
    o.phaseSign = m_phaseSign;
    o.padding = m_padding;
    const core::Geometry g = m_geometry;
    const std::shared_ptr<const core::ImageF> hologram = m_hologram;
    setRunning(true);
    m_label->setText(tr("Scanning…"));
    return m_runner->start<core::AutofocusResult>(
        [hologram, g, o](const JobContext<core::AutofocusResult>& c) {
            return std::make_shared<const core::AutofocusResult>(
                core::autofocus(*hologram, g, o, c.progress));
        },
        [this](std::shared_ptr<const core::AutofocusResult> r) {
            m_result = std::move(r);
            setRunning(false);
            showResult();
            emit focused();
        });
}

void AutofocusDialog::cancel()
{
    m_runner->cancel();
}

void AutofocusDialog::setRunning(bool running)
{
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_use->setEnabled(!running && m_result);
    m_min->setEnabled(!running);
    m_max->setEnabled(!running);
    m_samples->setEnabled(!running);
    m_criterion->setEnabled(!running);
    if (!running)
        m_progress->setValue(0);
}

void AutofocusDialog::showResult()
{
    const core::AutofocusResult& r = *m_result;
    QVector<double> x, y;
    for (std::size_t i = 0; i < r.distancesM.size() && i < r.criterion.size(); ++i) {
        x << r.distancesM[i] * 1e3;
        y << r.criterion[i];
    }
    m_plot->graph(0)->setData(x, y);
    // The optimum: an impulse from the axis floor up to the curve's value there.
    double atOptimum = y.isEmpty() ? 0 : y.first();
    double best = std::abs(r.distanceM * 1e3 - (x.isEmpty() ? 0 : x.first()));
    for (int i = 0; i < x.size(); ++i)
        if (std::abs(x[i] - r.distanceM * 1e3) < best) {
            best = std::abs(x[i] - r.distanceM * 1e3);
            atOptimum = y[i];
        }
    m_plot->graph(1)->setData(QVector<double>{r.distanceM * 1e3}, QVector<double>{atOptimum});
    m_plot->rescaleAxes();
    m_plot->yAxis->scaleRange(1.1, m_plot->yAxis->range().center());
    m_plot->replot();
    core::Geometry g = m_geometry;
    g.distanceM = r.distanceM;
    m_label->setText(tr("Best distance %1 (Fresnel number %2), criterion %3.")
                         .arg(QString::fromStdString(core::formatLength(r.distanceM, 5)),
                              QString::number(g.fresnelNumber(), 'g', 4),
                              QString::fromStdString(core::toString(r.used))));
}

} // namespace phaselab::widgets
