#include <phaselab/widgets/compare_view.h>

#include <phaselab/core/error.h>
#include <phaselab/widgets/image_view.h>
#include <phaselab/widgets/job_runner.h>

#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <chrono>

namespace phaselab::widgets {

struct CompareView::Result {
    QString id, name;
    std::shared_ptr<const core::ReconstructionOutcome> outcome;  ///< null when it failed
    QString error;
    std::optional<core::ComparisonRow> row;
};

namespace {

// Default method choice: the classical ones and every learned one; PhaseLab's colour cycle.
const QColor kColours[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                           QColor(214, 39, 40),  QColor(148, 103, 189), QColor(140, 86, 75),
                           QColor(227, 119, 194), QColor(127, 127, 127)};

QTableWidgetItem* cell(const QString& text)
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

CompareView::CompareView(Sources sources, QWidget* parent)
    : QWidget(parent),
      m_sources(std::move(sources)),
      m_methods(new QListWidget),
      m_run(new QPushButton(tr("Run all"))),
      m_cancel(new QPushButton(tr("Cancel"))),
      m_export(new QPushButton(tr("Export table…"))),
      m_status(new QLabel),
      m_grid(new QGridLayout),
      m_table(new QTableWidget(0, 7)),
      m_frcPlot(new QCustomPlot),
      m_runner(new JobRunner(this))
{
    if (!m_sources.referencePhase)
        m_sources.referencePhase = [this] {
            const auto h = m_sources.hologram ? m_sources.hologram() : nullptr;
            return h ? h->truePhase : nullptr;
        };
    if (!m_sources.referenceAbsorption)
        m_sources.referenceAbsorption = [this] {
            const auto h = m_sources.hologram ? m_sources.hologram() : nullptr;
            return h ? h->trueAbsorption : nullptr;
        };
    for (const core::MethodInfo& m : core::MethodRegistry::instance().methods()) {
        auto* item = new QListWidgetItem(QString::fromStdString(m.name), m_methods);
        item->setData(Qt::UserRole, QString::fromStdString(m.id));
        item->setToolTip(QString::fromStdString(m.description));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    m_methods->setMaximumWidth(200);
    m_methods->setObjectName(QStringLiteral("compareMethods"));

    m_table->setHorizontalHeaderLabels(
        {tr("Time (s)"), tr("B NMSE (%)"), tr("B FRCM (%)"), tr("B resolution (nm)"),
         tr("φ NMSE (%)"), tr("φ FRCM (%)"), tr("φ resolution (nm)")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setObjectName(QStringLiteral("compareTable"));

    m_frcPlot->setMinimumHeight(180);
    m_frcPlot->xAxis->setLabel(tr("spatial frequency [1/µm]"));
    m_frcPlot->yAxis->setLabel(tr("phase FRC"));
    m_frcPlot->legend->setVisible(true);
    m_frcPlot->legend->setFont(QFont(m_frcPlot->font().family(), 8));

    connect(m_run, &QPushButton::clicked, this, &CompareView::run);
    connect(m_cancel, &QPushButton::clicked, this, &CompareView::cancel);
    connect(m_export, &QPushButton::clicked, this, &CompareView::chooseExport);
    connect(m_runner, &JobRunner::progressChanged, this,
            [this](double, const QString& stage) { m_status->setText(stage); });
    connect(m_runner, &JobRunner::cancelled, this, [this] {
        m_status->setText(tr("Cancelled"));
        m_run->setEnabled(true);
    });
    connect(m_runner, &JobRunner::failed, this, [this](const QString& message) {
        m_status->setText(message);
        m_run->setEnabled(true);
        emit failed(message);
    });

    auto* left = new QVBoxLayout;
    left->addWidget(new QLabel(tr("Methods")));
    left->addWidget(m_methods, 1);
    left->addWidget(m_run);
    left->addWidget(m_cancel);
    left->addWidget(m_export);
    auto* gridWidget = new QWidget;
    gridWidget->setLayout(m_grid);
    auto* scroll = new QScrollArea;
    scroll->setWidget(gridWidget);
    scroll->setWidgetResizable(true);
    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(m_table);
    bottom->addWidget(m_frcPlot);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(scroll);
    right->addWidget(bottom);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    right->setSizes({560, 300});  // the images first; the table has a row per method
    auto* rightBox = new QVBoxLayout;
    rightBox->addWidget(m_status);
    rightBox->addWidget(right, 1);
    auto* layout = new QHBoxLayout(this);
    layout->addLayout(left);
    layout->addLayout(rightBox, 1);
    m_cancel->setEnabled(false);
}

CompareView::~CompareView() = default;

QStringList CompareView::methodIds() const
{
    QStringList ids;
    for (int i = 0; i < m_methods->count(); ++i)
        ids << m_methods->item(i)->data(Qt::UserRole).toString();
    return ids;
}

void CompareView::setCheckedMethods(const QStringList& ids)
{
    for (int i = 0; i < m_methods->count(); ++i) {
        QListWidgetItem* item = m_methods->item(i);
        item->setCheckState(ids.contains(item->data(Qt::UserRole).toString()) ? Qt::Checked
                                                                              : Qt::Unchecked);
    }
}

QStringList CompareView::checkedMethods() const
{
    QStringList ids;
    for (int i = 0; i < m_methods->count(); ++i)
        if (m_methods->item(i)->checkState() == Qt::Checked)
            ids << m_methods->item(i)->data(Qt::UserRole).toString();
    return ids;
}

bool CompareView::isRunning() const
{
    return m_runner->isRunning();
}

void CompareView::cancel()
{
    m_runner->cancel();
}

bool CompareView::run()
{
    const auto hologram = m_sources.hologram ? m_sources.hologram() : nullptr;
    const QStringList ids = checkedMethods();
    QString problem;
    if (!hologram)
        problem = tr("Load a hologram first");
    else if (ids.isEmpty())
        problem = tr("Check at least one method");
    else if (isRunning())
        problem = tr("A comparison is running");
    if (!problem.isEmpty()) {
        m_status->setText(problem);
        emit failed(problem);
        return false;
    }
    clearResults();
    // Everything the worker needs, taken now on the GUI thread.
    struct Job {
        QString id;
        core::ReconstructionRequest request;
    };
    std::vector<Job> jobs;
    for (const QString& id : ids) {
        Job j{id, m_sources.baseRequest()};
        j.request.method = id.toStdString();
        j.request.options = m_sources.options ? m_sources.options(id) : nullptr;
        jobs.push_back(std::move(j));
    }
    const auto refPhase = m_sources.referencePhase();
    const auto refAbsorption = m_sources.referenceAbsorption();
    const QPointer<CompareView> self(this);
    m_runner->start<int>(
        [jobs, hologram, refPhase, refAbsorption, self](const JobContext<int>& c) {
            const int n = int(jobs.size());
            for (int k = 0; k < n; ++k) {
                auto r = std::make_shared<Result>();
                r->id = jobs[std::size_t(k)].id;
                c.progress.step(double(k) / n, "running " + r->id.toStdString());
                try {
                    auto method = core::MethodRegistry::instance().create(r->id.toStdString());
                    r->name = QString::fromStdString(method->info().name);
                    auto outcome = std::make_shared<core::ReconstructionOutcome>(
                        core::reconstruct(*method, jobs[std::size_t(k)].request, *hologram,
                                          c.progress));
                    const double dx = outcome->request.geometry->pixelSizeM;
                    if (refPhase || refAbsorption)
                        r->row = core::compareWithReference(
                            r->name.toStdString(), outcome->seconds, outcome->absorption,
                            outcome->phase, refAbsorption.get(), refPhase.get(), dx);
                    r->outcome = std::move(outcome);
                } catch (const core::Cancelled&) {
                    throw;
                } catch (const std::exception& e) {
                    r->error = QString::fromStdString(e.what());
                }
                if (r->name.isEmpty())
                    r->name = r->id;
                std::shared_ptr<const Result> done = r;
                QMetaObject::invokeMethod(
                    self, [self, done] { if (self) self->showResult(done); },
                    Qt::QueuedConnection);
            }
            return std::make_shared<const int>(n);
        },
        [this](std::shared_ptr<const int>) {
            m_run->setEnabled(true);
            m_cancel->setEnabled(false);
            m_status->setText(tr("%1 methods compared").arg(m_columns));
            emit finished();
        });
    m_run->setEnabled(false);
    m_cancel->setEnabled(true);
    return true;
}

void CompareView::clearResults()
{
    while (QLayoutItem* item = m_grid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_views.clear();
    m_rows.clear();
    m_failures.clear();
    m_columns = 0;
    m_table->setRowCount(0);
    m_frcPlot->clearGraphs();
    m_frcPlot->replot();
}

void CompareView::showResult(const std::shared_ptr<const Result>& r)
{
    if (m_columns == 0) {
        // Column 0 names the rows.
        m_grid->addWidget(new QLabel(tr("phase φ")), 1, 0);
        m_grid->addWidget(new QLabel(tr("absorption B")), 2, 0);
    }
    const int col = ++m_columns;
    auto* title = new QLabel;
    title->setAlignment(Qt::AlignCenter);
    m_grid->addWidget(title, 0, col);
    if (!r->outcome) {
        title->setText(tr("%1: failed").arg(r->name));
        auto* why = new QLabel(r->error);
        why->setWordWrap(true);
        m_grid->addWidget(why, 1, col);
        m_failures[r->id] = r->error;
        emit methodFinished(r->id, false);
        return;
    }
    const core::ReconstructionOutcome& o = *r->outcome;
    title->setText(tr("%1 — %2 s").arg(r->name).arg(o.seconds, 0, 'g', 3));
    const std::shared_ptr<const core::ImageF> images[] = {
        std::shared_ptr<const core::ImageF>(r->outcome, &o.phase),
        std::shared_ptr<const core::ImageF>(r->outcome, &o.absorption)};
    for (int row = 0; row < 2; ++row) {
        auto* view = new ImageView;
        view->setMinimumSize(160, 160);
        view->setPixelSize(o.request.geometry->pixelSizeM);
        view->setImage(images[row], percentileRange(*images[row]));
        view->setToolTip(row == 0 ? tr("%1: phase φ").arg(r->name)
                                  : tr("%1: absorption B").arg(r->name));
        connect(view, &ImageView::viewChanged, this, [this, view] { synchronise(view); });
        m_grid->addWidget(view, row + 1, col);
        m_views.push_back(view);
    }
    if (r->row) {
        m_rows.push_back(*r->row);
        addTableRow(*r->row);
        if (r->row->phase) {
            const core::FrcResult& frc = r->row->phase->frc;
            QCPGraph* g = m_frcPlot->addGraph();
            g->setName(r->name);
            g->setPen(QPen(kColours[(m_frcPlot->graphCount() - 1) % 8], 1.5));
            QVector<double> x, y;
            for (std::size_t i = 1; i < frc.value.size(); ++i) {
                x << frc.frequencyPerM[i] * 1e-6;
                y << frc.value[i];
            }
            g->setData(x, y);
            m_frcPlot->rescaleAxes();
            m_frcPlot->yAxis->setRange(-0.1, 1.05);
            m_frcPlot->replot(QCustomPlot::rpQueuedReplot);
        }
    }
    emit methodFinished(r->id, true);
}

void CompareView::addTableRow(const core::ComparisonRow& row)
{
    const int i = m_table->rowCount();
    m_table->insertRow(i);
    m_table->setVerticalHeaderItem(i, new QTableWidgetItem(QString::fromStdString(row.method)));
    m_table->setItem(i, 0, cell(QString::number(row.seconds, 'g', 3)));
    int c = 1;
    for (const auto* e : {&row.absorption, &row.phase}) {
        if (*e) {
            m_table->setItem(i, c, cell(QString::number((*e)->nmsePercent, 'g', 3)));
            m_table->setItem(i, c + 1, cell(QString::number((*e)->frc.frcmPercent, 'g', 3)));
            m_table->setItem(i, c + 2, cell(QString::number((*e)->frc.resolutionM * 1e9, 'f', 1)));
        } else {
            for (int k = 0; k < 3; ++k)
                m_table->setItem(i, c + k, cell(QStringLiteral("–")));
        }
        c += 3;
    }
}

std::vector<ImageView*> CompareView::views() const
{
    return m_views;
}

void CompareView::exportTable(const QString& path) const
{
    if (m_rows.empty())
        throw core::InputError(tr("No table to export: load a reference and run the methods")
                                   .toStdString());
    core::writeComparisonTable(path.toStdString(), m_rows);
}

void CompareView::chooseExport()
{
    const QString f = QFileDialog::getSaveFileName(this, tr("Export the table"), QString(),
                                                   tr("CSV (*.csv);;Markdown (*.md)"));
    if (f.isEmpty())
        return;
    try {
        exportTable(f);
        m_status->setText(tr("Table written to %1").arg(f));
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Export"), QString::fromStdString(e.what()));
    }
}

void CompareView::synchronise(ImageView* source)
{
    if (m_synchronising)
        return;
    m_synchronising = true;
    for (ImageView* v : m_views)
        if (v != source && v->image() && source->image() &&
            v->image()->width() == source->image()->width())
            v->setViewTransform(source->zoom(), source->offset(), source->isFitted());
    m_synchronising = false;
}

} // namespace phaselab::widgets
