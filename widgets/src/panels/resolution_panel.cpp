#include <phaselab/widgets/resolution_panel.h>

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/curve_csv.h>
#include <phaselab/core/error.h>
#include <phaselab/core/units.h>
#include <phaselab/widgets/job_runner.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QTextStream>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <cmath>

namespace phaselab::widgets {

namespace {

QString lengthText(double metres)
{
    return QString::fromStdString(core::formatLength(metres, 4));
}

QCustomPlot* makePlot(const QString& x, const QString& y)
{
    auto* p = new QCustomPlot;
    p->setMinimumHeight(180);
    p->xAxis->setLabel(x);
    p->yAxis->setLabel(y);
    p->legend->setVisible(true);
    p->legend->setFont(QFont(p->font().family(), 8));
    return p;
}

} // namespace

ResolutionPanel::ResolutionPanel(ImageWorkspace* workspace, std::function<double()> pixelSize,
                                 QWidget* parent)
    : QWidget(parent),
      m_workspace(workspace),
      m_pixelSize(std::move(pixelSize)),
      m_tabs(new QTabWidget),
      m_band(new QDoubleSpinBox),
      m_drawLine(new QPushButton(tr("Draw a line"))),
      m_edgePlot(makePlot(tr("position along the line [nm]"), tr("value"))),
      m_edgeLabel(new QLabel),
      m_frcA(new QComboBox),
      m_frcB(new QComboBox),
      m_threshold(new QComboBox), m_frcRule(new QComboBox), m_removeMean(new QCheckBox),
      m_frcRun(new QPushButton(tr("Compute FRC"))),
      m_frcPlot(makePlot(tr("spatial frequency [1/µm]"), tr("FRC"))),
      m_frcLabel(new QLabel),
      m_frcRunner(new JobRunner(this)),
      m_drawRegion(new QPushButton(tr("Draw a region"))),
      m_expected(new QDoubleSpinBox),
      m_regionLabel(new QLabel)
{
    // Edge tab.
    m_band->setRange(1, 200);
    m_band->setValue(5);
    m_band->setDecimals(0);
    m_band->setSuffix(tr(" px"));
    m_band->setToolTip(tr("Width of the band across the line over which the profile is averaged"));
    m_drawLine->setCheckable(true);
    m_drawLine->setToolTip(tr("Drag on an image to draw a line across an edge; drag its ends to "
                              "adjust it"));
    m_edgeLabel->setWordWrap(true);
    m_edgeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_edgePlot->addGraph();  // samples
    m_edgePlot->graph(0)->setLineStyle(QCPGraph::lsNone);
    m_edgePlot->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
    m_edgePlot->graph(0)->setName(tr("profile"));
    m_edgePlot->addGraph();  // fit
    m_edgePlot->graph(1)->setPen(QPen(QColor(200, 60, 40), 2));
    m_edgePlot->graph(1)->setName(tr("erf fit"));
    auto* edge = new QWidget;
    auto* edgeForm = new QFormLayout;
    edgeForm->addRow(tr("Band width:"), m_band);
    auto* edgeLayout = new QVBoxLayout(edge);
    edgeLayout->addWidget(m_drawLine);
    edgeLayout->addLayout(edgeForm);
    edgeLayout->addWidget(m_edgePlot, 1);
    edgeLayout->addWidget(m_edgeLabel);
    m_tabs->addTab(edge, tr("Edge"));

    // FRC tab.
    m_threshold->addItem(tr("2σ"), int(core::FrcThreshold::TwoSigma));
    m_threshold->addItem(tr("½ bit"), int(core::FrcThreshold::HalfBit));
    m_threshold->addItem(tr("1/7"), int(core::FrcThreshold::OneSeventh));
    m_frcLabel->setWordWrap(true);
    m_frcLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_frcPlot->addGraph();
    m_frcPlot->graph(0)->setPen(QPen(QColor(40, 90, 170), 2));
    m_frcPlot->graph(0)->setName(tr("FRC"));
    m_frcPlot->addGraph();
    m_frcPlot->graph(1)->setPen(QPen(QColor(120, 120, 120), 1.5, Qt::DashLine));
    m_frcPlot->graph(1)->setName(tr("threshold"));
    auto* frc = new QWidget;
    auto* frcForm = new QFormLayout;
    frcForm->addRow(tr("Image:"), m_frcA);
    frcForm->addRow(tr("Against:"), m_frcB);
    frcForm->addRow(tr("Threshold:"), m_threshold);
    m_frcRule->setObjectName(QStringLiteral("frcRule"));
    m_frcRule->addItem(tr("First crossing"), int(core::FrcRule::FirstCrossing));
    m_frcRule->addItem(tr("Sustained crossing (skips low-ring dips)"), int(core::FrcRule::Sustained));
    m_frcRule->setToolTip(tr("Sustained: the crossing must start a run of rings below the "
                             "threshold, so a dip in the lowest rings does not end the curve"));
    frcForm->addRow(tr("Crossing:"), m_frcRule);
    m_removeMean->setObjectName(QStringLiteral("frcRemoveMean"));
    m_removeMean->setText(tr("Remove the means for the NMSE"));
    m_removeMean->setToolTip(tr("A retrieved phase is defined up to a constant"));
    frcForm->addRow(QString(), m_removeMean);
    auto* frcLayout = new QVBoxLayout(frc);
    frcLayout->addLayout(frcForm);
    frcLayout->addWidget(m_frcRun);
    frcLayout->addWidget(m_frcPlot, 1);
    frcLayout->addWidget(m_frcLabel);
    m_tabs->addTab(frc, tr("FRC"));

    // Region tab.
    m_drawRegion->setCheckable(true);
    m_expected->setRange(-1e9, 1e9);
    m_expected->setDecimals(6);
    m_expected->setValue(1.0);
    m_expected->setToolTip(tr("Expected value l_t of the homogeneous material"));
    m_regionLabel->setWordWrap(true);
    m_regionLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* region = new QWidget;
    auto* regionForm = new QFormLayout;
    regionForm->addRow(tr("Expected value:"), m_expected);
    auto* regionLayout = new QVBoxLayout(region);
    regionLayout->addWidget(m_drawRegion);
    regionLayout->addLayout(regionForm);
    regionLayout->addWidget(m_regionLabel);
    regionLayout->addStretch(1);
    m_tabs->addTab(region, tr("Region"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    connect(m_drawLine, &QPushButton::toggled, this, [this](bool on) {
        if (on)
            m_drawRegion->setChecked(false);
        m_workspace->setTool(on ? ImageView::Tool::Line : ImageView::Tool::Pan);
    });
    connect(m_drawRegion, &QPushButton::toggled, this, [this](bool on) {
        if (on)
            m_drawLine->setChecked(false);
        m_workspace->setTool(on ? ImageView::Tool::Region : ImageView::Tool::Pan);
    });
    connect(m_band, &QDoubleSpinBox::valueChanged, this, [this](double w) {
        m_workspace->setLineWidth(w);
        remeasureEdge();
    });
    connect(m_expected, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (m_rect)
            measureRegion(m_rect->first, m_rect->second, v);
    });
    connect(m_workspace, &ImageWorkspace::lineChanged, this,
            [this](ImageRole role, QLineF line) { measureEdge(role, line); });
    connect(m_workspace, &ImageWorkspace::regionChanged, this, [this](ImageRole role, QRectF r) {
        measureRegion(role, r, m_expected->value());
    });
    connect(m_frcRun, &QPushButton::clicked, this, [this] {
        computeFrc(ImageRole(m_frcA->currentData().toInt()),
                   ImageRole(m_frcB->currentData().toInt()),
                   core::FrcThreshold(m_threshold->currentData().toInt()));
    });
    connect(m_frcRunner, &JobRunner::failed, this, [this](const QString& msg) {
        m_frcRun->setEnabled(true);
        m_frcLabel->setText(msg);
        emit message(msg);
    });
    m_workspace->setLineWidth(m_band->value());
    imagesChanged();
}

ResolutionPanel::~ResolutionPanel() = default;

void ResolutionPanel::setBandWidth(double pixels)
{
    m_band->setValue(pixels);
}

void ResolutionPanel::fillRoleBox(QComboBox* box, ImageRole preferred)
{
    const QVariant current = box->currentData();
    box->clear();
    for (ImageRole r : {ImageRole::Phase, ImageRole::Absorption, ImageRole::Reference,
                        ImageRole::Hologram, ImageRole::Residual})
        if (m_workspace->has(r))
            box->addItem(roleName(r), int(r));
    int i = box->findData(current);
    if (i < 0)
        i = box->findData(int(preferred));
    box->setCurrentIndex(std::max(0, i));
}

void ResolutionPanel::imagesChanged()
{
    fillRoleBox(m_frcA, ImageRole::Phase);
    fillRoleBox(m_frcB, ImageRole::Reference);
    m_frcRun->setEnabled(m_frcA->count() > 0 && !m_frcRunner->isRunning());
    remeasureEdge();
}

void ResolutionPanel::measureEdge(ImageRole role, QLineF line)
{
    m_line = std::make_pair(role, line);
    m_tabs->setCurrentIndex(0);  // the Edge page shows the result
    if (m_workspace->view(role))
        m_workspace->view(role)->setLine(line);
    remeasureEdge();
}

void ResolutionPanel::remeasureEdge()
{
    if (!m_line)
        return;
    const auto image = m_workspace->image(m_line->first);
    m_edge.reset();
    m_edgePlot->graph(0)->data()->clear();
    m_edgePlot->graph(1)->data()->clear();
    if (!image) {
        m_edgePlot->replot();
        return;
    }
    const QLineF l = m_line->second;
    core::EdgeProfileOptions opt;
    opt.widthPx = m_band->value();
    try {
        m_edge = std::make_unique<core::EdgeMeasurement>(core::measureEdge(
            *image, core::EdgeLine{l.x1(), l.y1(), l.x2(), l.y2()}, m_pixelSize(), opt));
    } catch (const std::exception& e) {
        m_edgeLabel->setText(tr("No fit: %1").arg(QString::fromStdString(e.what())));
        m_edgePlot->replot();
        emit edgeMeasured();
        return;
    }
    const core::EdgeProfile& p = m_edge->profile;
    const core::EdgeFit& f = m_edge->fit;
    const double toNm = m_pixelSize() * 1e9;
    QVector<double> x, y, fit;
    for (std::size_t i = 0; i < p.positionPx.size(); ++i) {
        x << p.positionPx[i] * toNm;
        y << p.value[i];
        fit << (i < f.fitted.size() ? f.fitted[i] : 0.0);
    }
    m_edgePlot->graph(0)->setData(x, y, true);
    m_edgePlot->graph(1)->setData(x, fit, true);
    m_edgePlot->rescaleAxes();
    m_edgePlot->yAxis->scaleRange(1.1);  // a margin: the extreme samples stay visible
    m_edgePlot->replot();
    m_edgeLabel->setText(edgeText());
    emit edgeMeasured();
}

QString ResolutionPanel::edgeText() const
{
    if (!m_edge)
        return {};
    const core::EdgeFit& f = m_edge->fit;
    return tr("FWHM = %1 ± %2 (σ = %3), edge at %4 px along the line, %5 samples × %6 lines")
        .arg(lengthText(f.fwhmM), lengthText(f.fwhmStderrM), lengthText(f.sigmaM))
        .arg(f.x0Px, 0, 'f', 2)
        .arg(f.samples)
        .arg(m_edge->profile.acrossLines);
}

void ResolutionPanel::computeFrc(ImageRole a, ImageRole b, core::FrcThreshold threshold)
{
    const auto imgA = m_workspace->image(a);
    const auto imgB = m_workspace->image(b);
    if (!imgA || !imgB) {
        m_frcLabel->setText(tr("Choose two images"));
        return;
    }
    m_tabs->setCurrentIndex(1);  // the FRC page shows the result
    m_frcA->setCurrentIndex(std::max(0, m_frcA->findData(int(a))));
    m_frcB->setCurrentIndex(std::max(0, m_frcB->findData(int(b))));
    m_threshold->setCurrentIndex(std::max(0, m_threshold->findData(int(threshold))));
    const double pixel = m_pixelSize();
    core::FrcOptions opt;
    opt.threshold = threshold;
    opt.rule = core::FrcRule(m_frcRule->currentData().toInt());
    const bool removeMean = m_removeMean->isChecked();
    m_frcRun->setEnabled(false);
    m_frcLabel->setText(tr("Computing…"));
    m_frcRunner->start<core::Evaluation>(
        [imgA, imgB, pixel, opt, removeMean](const JobContext<core::Evaluation>&) {
            return std::make_shared<const core::Evaluation>(
                core::evaluateReconstruction(*imgA, *imgB, pixel, opt, removeMean));
        },
        [this](std::shared_ptr<const core::Evaluation> e) {
            m_evaluation = std::move(e);
            m_frcRun->setEnabled(true);
            showFrc();
            emit frcComputed();
        });
}

void ResolutionPanel::showFrc()
{
    const core::FrcResult& r = m_evaluation->frc;
    QVector<double> f, v, t;
    for (std::size_t i = 1; i < r.value.size(); ++i) {
        f << r.frequencyPerM[i] * 1e-6;
        v << r.value[i];
        t << r.threshold[i];
    }
    m_frcPlot->graph(0)->setData(f, v, true);
    m_frcPlot->graph(1)->setData(f, t, true);
    // The resolution as a vertical marker at the crossing frequency.
    m_frcPlot->clearItems();
    if (r.crossing.crossed) {
        auto* marker = new QCPItemStraightLine(m_frcPlot);
        marker->setPen(QPen(QColor(200, 60, 40), 1.5));
        marker->point1->setCoords(r.cutoffFrequencyPerM * 1e-6, 0);
        marker->point2->setCoords(r.cutoffFrequencyPerM * 1e-6, 1);
    }
    m_frcPlot->xAxis->setRange(0, f.isEmpty() ? 1 : f.last());
    m_frcPlot->yAxis->setRange(-0.2, 1.05);
    m_frcPlot->replot();
    m_frcLabel->setText(frcText());
}

QString ResolutionPanel::frcText() const
{
    if (!m_evaluation)
        return {};
    const core::Evaluation& e = *m_evaluation;
    QString text = tr("resolution %1 (%2 criterion)%3; NMSE %4 %%5; FRCM %6 %")
                       .arg(lengthText(e.frc.resolutionM),
                            QString::fromStdString(core::frcThresholdName(e.frc.thresholdKind)),
                            e.frc.crossing.crossed ? QString() : tr(", never crossed: Nyquist"))
                       .arg(e.nmsePercent, 0, 'g', 4)
                       .arg(e.meanRemoved ? tr(" (means removed)") : QString())
                       .arg(e.frc.frcmPercent, 0, 'g', 4);
    if (e.frc.cropped)
        text += tr("; FRC on the centred %1 × %1 square").arg(e.frc.size);
    return text;
}

void ResolutionPanel::measureRegion(ImageRole role, QRectF rect, double expected)
{
    m_rect = std::make_pair(role, rect);
    const auto image = m_workspace->image(role);
    if (!image)
        return;
    if (m_workspace->view(role))
        m_workspace->view(role)->setRegion(rect);
    try {
        const auto mask = core::rectangleMask(image->width(), image->height(), int(rect.left()),
                                              int(rect.top()), int(std::ceil(rect.right())),
                                              int(std::ceil(rect.bottom())));
        m_region = std::make_unique<core::RegionStats>(core::regionStats(*image, mask, expected));
        m_regionLabel->setText(regionText());
    } catch (const std::exception& e) {
        m_region.reset();
        m_regionLabel->setText(QString::fromStdString(e.what()));
    }
    emit regionMeasured();
}

QString ResolutionPanel::regionText() const
{
    if (!m_region)
        return {};
    const core::RegionStats& r = *m_region;
    return tr("%1 pixels: mean %2, deviation %3; NE %4 %, RSD %5 %")
        .arg(r.count)
        .arg(r.mean, 0, 'g', 5)
        .arg(r.stdDev, 0, 'g', 4)
        .arg(r.nePercent, 0, 'g', 4)
        .arg(r.rsdPercent, 0, 'g', 4);
}

void ResolutionPanel::exportCurrent(const QString& path) const
{
    const bool frc = m_tabs->currentIndex() == 1;
    const std::string file = QFile::encodeName(path).toStdString();
    if (path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive)) {
        // The command line's CSV, through core.
        if (frc && m_evaluation)
            core::writeFrcCsv(file, m_evaluation->frc);
        else if (!frc && m_edge)
            core::writeEdgeProfileCsv(file, *m_edge, m_pixelSize());
        else
            throw core::InputError(path.toStdString() + ": nothing measured yet");
        return;
    }
    QCustomPlot* plot = frc ? m_frcPlot : m_edgePlot;
    core::AtomicFile out(file);
    const QString temp = QFile::decodeName(out.tempPath().c_str());
    bool ok = false;
    if (path.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive))
        ok = plot->savePng(temp, 0, 0, 2.0);
    else if (path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive))
        ok = plot->savePdf(temp);
    else
        throw core::InputError(path.toStdString() + ": use .png, .pdf or .csv");
    if (!ok)
        throw core::InputError(path.toStdString() + ": cannot write");
    out.commit();
}

} // namespace phaselab::widgets
