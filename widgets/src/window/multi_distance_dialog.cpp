#include <phaselab/widgets/multi_distance_dialog.h>

#include "result_export.h"

#include <phaselab/core/classical_methods.h>
#include <phaselab/core/error.h>
#include <phaselab/core/units.h>
#include <phaselab/widgets/job_runner.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_form.h>
#include <phaselab/widgets/method_panel.h>
#include <phaselab/widgets/parameter_panel.h>
#include <phaselab/widgets/quantity_edit.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace phaselab::widgets {

namespace {

enum Column { kFile, kDistance, kShiftX, kShiftY, kMagnification, kColumns };

/// The 1st and 99th percentiles of `img`: the display range of the overlay.
std::pair<float, float> displayRange(const core::ImageF& img)
{
    std::vector<float> sorted(img.begin(), img.end());
    std::sort(sorted.begin(), sorted.end());
    return {sorted[sorted.size() / 100], sorted[sorted.size() - 1 - sorted.size() / 100]};
}

/// `img`'s grey levels in [0, 255] over `range`.
std::vector<int> grey(const core::ImageF& img, std::pair<float, float> range)
{
    const auto [lo, hi] = range;
    const float scale = hi > lo ? 255.0f / (hi - lo) : 0.0f;
    std::vector<int> out(img.size());
    for (std::size_t i = 0; i < img.size(); ++i)
        out[i] = std::clamp(int(std::lround((img[i] - lo) * scale)), 0, 255);
    return out;
}

} // namespace

MultiDistanceDialog::MultiDistanceDialog(MainWindow* window, QWidget* parent)
    : QDialog(parent),
      m_window(window),
      m_table(new QTableWidget(0, kColumns)),
      m_add(new QPushButton(tr("&Add holograms…"))),
      m_remove(new QPushButton(tr("Re&move"))),
      m_method(new QComboBox),
      m_newton(new QSpinBox),
      m_magnification(new QCheckBox(tr("Search the magnification (±5 %)"))),
      m_register(new QPushButton(tr("Re&gister"))),
      m_reconstruct(new QPushButton(tr("&Reconstruct"))),
      m_cancel(new QPushButton(tr("&Cancel"))),
      m_export(new QPushButton(tr("&Export TIFF…"))),
      m_progress(new QProgressBar),
      m_status(new QLabel),
      m_geometry(new QLabel),
      m_overlay(new QLabel),
      m_runner(new JobRunner(this))
{
    setWindowTitle(tr("Several distances"));
    m_table->setHorizontalHeaderLabels({tr("Hologram"), tr("Distance"), tr("Shift x [px]"),
                                        tr("Shift y [px]"), tr("Magnification")});
    m_table->horizontalHeader()->setSectionResizeMode(kFile, QHeaderView::Stretch);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setToolTip(tr("One hologram per distance, normalised (flat-field corrected); the "
                           "first row is the reference the others are registered onto"));
    m_method->addItem(tr("CTF (several distances)"), QStringLiteral("ctf"));
    m_method->addItem(tr("IRGN (several distances)"), QStringLiteral("irgn"));
    m_newton->setRange(1, 1000);
    m_newton->setValue(core::IrgnOptions{}.newtonSteps);
    m_newton->setToolTip(tr("IRGN: most Newton steps"));
    m_magnification->setToolTip(tr("Register: search the magnification within ±5 % of the "
                                   "pixel-size ratio (cone beam); otherwise shifts only"));
    m_progress->setRange(0, 1000);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_overlay->setMinimumSize(256, 256);
    m_overlay->setAlignment(Qt::AlignCenter);
    m_overlay->setToolTip(tr("Reference (red) and the selected hologram after registration "
                             "(cyan): grey where they agree"));
    m_overlay->setText(tr("Register to see the overlay"));

    auto* rowButtons = new QHBoxLayout;
    rowButtons->addWidget(m_add);
    rowButtons->addWidget(m_remove);
    rowButtons->addStretch(1);
    auto* form = new QFormLayout;
    m_geometry->setToolTip(tr("Set in the main window's Parameters panel; each row's distance "
                              "replaces the distance there"));
    form->addRow(tr("Physics:"), m_geometry);
    form->addRow(tr("Method:"), m_method);
    form->addRow(tr("Newton steps:"), m_newton);
    form->addRow(m_magnification);
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_register);
    actions->addWidget(m_reconstruct);
    actions->addWidget(m_cancel);
    actions->addWidget(m_progress, 1);
    actions->addWidget(m_export);
    auto* top = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    left->addWidget(m_table, 1);
    left->addLayout(rowButtons);
    left->addLayout(form);
    top->addLayout(left, 2);
    top->addWidget(m_overlay, 1);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top, 1);
    layout->addLayout(actions);
    layout->addWidget(m_status);
    layout->addWidget(close);
    resize(900, 480);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_add, &QPushButton::clicked, this, &MultiDistanceDialog::chooseFiles);
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (m_table->currentRow() >= 0)
            removeRow(m_table->currentRow());
    });
    connect(m_register, &QPushButton::clicked, this, [this] { registerSeries(); });
    connect(m_reconstruct, &QPushButton::clicked, this, [this] { reconstruct(); });
    connect(m_cancel, &QPushButton::clicked, this, &MultiDistanceDialog::cancel);
    connect(m_export, &QPushButton::clicked, this, &MultiDistanceDialog::chooseExport);
    connect(m_method, &QComboBox::currentIndexChanged, this,
            [this] { m_newton->setEnabled(method() == QLatin1String("irgn")); });
    connect(m_table, &QTableWidget::currentCellChanged, this,
            [this](int row) { showOverlay(row); });
    connect(m_runner, &JobRunner::progressChanged, this, [this](double f, const QString& stage) {
        m_progress->setValue(int(std::lround(1000 * f)));
        if (!stage.isEmpty())
            m_progress->setFormat(stage + QStringLiteral(" %p%"));
    });
    connect(m_runner, &JobRunner::failed, this, [this](const QString& message) {
        setBusy(false);
        m_status->setText(tr("Failed: %1").arg(message));
        emit failed(message);
    });
    connect(m_runner, &JobRunner::cancelled, this, [this] {
        setBusy(false);
        m_status->setText(tr("Cancelled."));
        emit cancelled();
    });
    connect(m_window->parameterPanel(), &ParameterPanel::parametersChanged, this,
            &MultiDistanceDialog::showGeometry);
    showGeometry();
    m_newton->setEnabled(false);
    setBusy(false);
}

void MultiDistanceDialog::showGeometry()
{
    const ParameterPanel* p = m_window->parameterPanel();
    const core::Geometry g = p->geometry();
    const double bd = p->betaOverDelta();
    m_geometry->setText(tr("%1 keV, pixel %2, %3")
                            .arg(g.energyKeV, 0, 'g', 6)
                            .arg(QString::fromStdString(core::formatLength(g.pixelSizeM)))
                            .arg(bd > 0 ? tr("δ/β %1").arg(1.0 / bd, 0, 'g', 4)
                                        : tr("pure phase object")));
}

MultiDistanceDialog::~MultiDistanceDialog() = default;

void MultiDistanceDialog::addHologram(const QString& spec, double distanceM)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto* file = new QTableWidgetItem(QFileInfo(spec.section(QLatin1Char(':'), 0, 0)).fileName() +
                                      (spec.contains(QStringLiteral(".h5:"))
                                           ? QLatin1Char(':') + spec.section(QLatin1Char(':'), 1)
                                           : QString()));
    file->setData(Qt::UserRole, spec);
    file->setToolTip(spec);
    m_table->setItem(row, kFile, file);
    QuantityEdit* distance = makeDistanceEdit(tr("Distance"));
    distance->setValue(distanceM);
    connect(distance, &QuantityEdit::valueChanged, this, &MultiDistanceDialog::tableChanged);
    connect(distance, &QuantityEdit::validityChanged, this, &MultiDistanceDialog::tableChanged);
    m_table->setCellWidget(row, kDistance, distance);
    for (int c : {kShiftX, kShiftY, kMagnification})
        m_table->setItem(row, c, new QTableWidgetItem(QStringLiteral("—")));
    tableChanged();
}

void MultiDistanceDialog::removeRow(int row)
{
    if (row < 0 || row >= m_table->rowCount() || m_runner->isRunning())
        return;
    m_table->removeRow(row);
    tableChanged();
}

int MultiDistanceDialog::rowCount() const
{
    return m_table->rowCount();
}

void MultiDistanceDialog::setMethod(const QString& id)
{
    m_method->setCurrentIndex(std::max(0, m_method->findData(id)));
}

QString MultiDistanceDialog::method() const
{
    return m_method->currentData().toString();
}

bool MultiDistanceDialog::isRunning() const
{
    return m_runner->isRunning();
}

void MultiDistanceDialog::cancel()
{
    m_runner->cancel();
}

bool MultiDistanceDialog::readTableOrSay(std::vector<std::string>& specs,
                                         std::vector<double>& distances)
{
    try {
        readTable(specs, distances);
        return true;
    } catch (const core::InputError& e) {
        m_status->setText(QString::fromStdString(e.what()));
        return false;
    }
}

void MultiDistanceDialog::readTable(std::vector<std::string>& specs,
                                    std::vector<double>& distances) const
{
    if (m_table->rowCount() < 2)
        throw core::InputError(tr("Add at least two holograms (one per distance)").toStdString());
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const auto* q = qobject_cast<QuantityEdit*>(m_table->cellWidget(row, kDistance));
        if (!q || !q->isValid())
            throw core::InputError(
                tr("Row %1: %2").arg(row + 1).arg(q ? q->error() : tr("no distance")).toStdString());
        specs.push_back(QFile::encodeName(m_table->item(row, kFile)->data(Qt::UserRole).toString())
                            .toStdString());
        distances.push_back(q->value());
    }
}

void MultiDistanceDialog::tableChanged()
{
    // Registrations belong to the table they were made for.
    m_registered.reset();
    for (int row = 0; row < m_table->rowCount(); ++row)
        for (int c : {kShiftX, kShiftY, kMagnification})
            if (QTableWidgetItem* item = m_table->item(row, c))
                item->setText(QStringLiteral("—"));
    m_overlay->setPixmap(QPixmap());
    m_overlay->setText(tr("Register to see the overlay"));
    setBusy(m_runner->isRunning());
}

void MultiDistanceDialog::setBusy(bool busy)
{
    const bool enough = m_table->rowCount() >= 2;
    m_add->setEnabled(!busy);
    m_remove->setEnabled(!busy && m_table->rowCount() > 0);
    m_register->setEnabled(!busy && enough);
    m_reconstruct->setEnabled(!busy && enough);
    m_cancel->setEnabled(busy);
    m_export->setEnabled(!busy && m_result);
    m_method->setEnabled(!busy);
    m_table->setEnabled(!busy);
    if (!busy) {
        m_progress->setValue(0);
        m_progress->setFormat(QStringLiteral("%p%"));
    }
}

bool MultiDistanceDialog::registerSeries()
{
    std::vector<std::string> specs;
    std::vector<double> distances;
    if (m_runner->isRunning() || !readTableOrSay(specs, distances))
        return false;
    const core::Geometry base = m_window->parameterPanel()->geometry();
    core::RegistrationOptions options;
    options.magnificationRange = m_magnification->isChecked() ? 0.05 : 0.0;
    setBusy(true);
    m_status->setText(tr("Registering…"));
    return m_runner->start<RegisteredSeries>(
        [specs, distances, base, options](const JobContext<RegisteredSeries>& c) {
            auto r = std::make_shared<RegisteredSeries>();
            r->specs = specs;
            r->distancesM = distances;
            c.progress.step(0.0, "loading");
            const core::DistanceSeries series = core::loadDistanceSeries(specs, distances, base);
            r->registrations = core::registerSeries(series, options, c.progress);
            r->aligned = core::applyRegistrations(series, r->registrations);
            return std::shared_ptr<const RegisteredSeries>(std::move(r));
        },
        [this](std::shared_ptr<const RegisteredSeries> r) {
            m_registered = std::move(r);
            setBusy(false);
            showRegistrations();
            m_status->setText(tr("Registered %1 holograms onto the first.")
                                  .arg(m_registered->registrations.size()));
            emit registered();
        });
}

void MultiDistanceDialog::showRegistrations()
{
    const auto& regs = m_registered->registrations;
    for (int row = 0; row < m_table->rowCount() && row < int(regs.size()); ++row) {
        m_table->item(row, kShiftX)->setText(QString::number(regs[row].shiftX, 'f', 2));
        m_table->item(row, kShiftY)->setText(QString::number(regs[row].shiftY, 'f', 2));
        m_table->item(row, kMagnification)->setText(QString::number(regs[row].magnification, 'f', 5));
        m_table->item(row, kShiftX)->setToolTip(
            tr("Phase-correlation peak %1 (1 = perfect match)").arg(regs[row].peak, 0, 'g', 3));
    }
    showOverlay(m_table->rowCount() > 1 ? std::max(1, m_table->currentRow()) : 0);
}

void MultiDistanceDialog::showOverlay(int row)
{
    if (!m_registered || row < 0 || row >= int(m_registered->aligned.holograms.size()))
        return;
    const core::ImageF& ref = m_registered->aligned.holograms.front();
    const core::ImageF& mov = m_registered->aligned.holograms[std::size_t(row)];
    // One grey scale for both (the reference's), so that equal values give grey.
    const auto range = displayRange(ref);
    const std::vector<int> r = grey(ref, range), c = grey(mov, range);
    QImage img(ref.width(), ref.height(), QImage::Format_RGB32);
    for (int y = 0; y < ref.height(); ++y) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
        for (int x = 0; x < ref.width(); ++x) {
            const std::size_t i = std::size_t(y) * ref.width() + x;
            line[x] = qRgb(r[i], c[i], c[i]);
        }
    }
    m_overlay->setPixmap(QPixmap::fromImage(
        img.scaled(m_overlay->size().expandedTo(QSize(256, 256)), Qt::KeepAspectRatio,
                   Qt::SmoothTransformation)));
    m_overlay->setToolTip(tr("Row 1 (red) and row %1 registered (cyan)").arg(row + 1));
}

bool MultiDistanceDialog::reconstruct()
{
    std::vector<std::string> specs;
    std::vector<double> distances;
    if (m_runner->isRunning() || !readTableOrSay(specs, distances))
        return false;
    const ParameterPanel* params = m_window->parameterPanel();
    const core::Geometry base = params->geometry();
    core::SeriesSetup setup;
    setup.specs = specs;
    setup.propagation = params->propagation();
    setup.betaOverDelta = params->betaOverDelta();
    setup.method = method().toStdString();
    // The method's options as the main window's form has them, IRGN's steps from here.
    std::unique_ptr<core::MethodOptions> options;
    if (MethodForm* form = m_window->methodPanel()->form(method()))
        options = form->options()->clone();
    else
        options = core::MethodRegistry::instance().defaultOptions(setup.method);
    if (auto* irgn = dynamic_cast<core::IrgnMethodOptions*>(options.get()))
        irgn->irgn.newtonSteps = m_newton->value();
    setup.options = std::move(options);
    std::shared_ptr<const RegisteredSeries> registered = m_registered;
    setBusy(true);
    m_status->setText(tr("Reconstructing…"));
    return m_runner->start<core::ReconstructionOutcome>(
        [setup, registered, distances, base](const JobContext<core::ReconstructionOutcome>& c) {
            core::SeriesSetup s = setup;
            if (registered) {
                s.registrations = registered->registrations;
                s.registered = true;
                return std::make_shared<const core::ReconstructionOutcome>(
                    core::reconstructSeries(registered->aligned, s, c.progress));
            }
            c.progress.step(0.0, "loading");
            const core::DistanceSeries series = core::loadDistanceSeries(s.specs, distances, base);
            s.registrations.assign(series.holograms.size(), core::Registration{});
            const core::DistanceSeries aligned = core::applyRegistrations(series, s.registrations);
            return std::make_shared<const core::ReconstructionOutcome>(
                core::reconstructSeries(aligned, s, c.progress));
        },
        [this](std::shared_ptr<const core::ReconstructionOutcome> o) {
            m_result = std::move(o);
            setBusy(false);
            m_window->showResult(m_result);
            QString msg = tr("%1 from %2 distances: residual %3, in %4 s; shown in the main window.")
                              .arg(MethodForm::displayName(m_result->method))
                              .arg(m_result->details["registrations"].size())
                              .arg(m_result->residualRms, 0, 'g', 4)
                              .arg(m_result->seconds, 0, 'f', 2);
            if (!m_registered)
                msg += QLatin1Char(' ') + tr("(not registered: the holograms must already line up)");
            m_status->setText(msg);
            emit reconstructed();
        });
}

void MultiDistanceDialog::exportResult(const QString& prefix) const
{
    writeResultFiles(m_result.get(), prefix);
}

void MultiDistanceDialog::chooseFiles()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add holograms"), m_window->lastFolder(),
        tr("Images (*.tif *.tiff *.h5 *.hdf5 *.edf *.png);;All files (*)"));
    // A guess to edit: the current distance for the first, then 10 % more per row.
    double d = m_window->parameterPanel()->geometry().distanceM;
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (const auto* q = qobject_cast<QuantityEdit*>(m_table->cellWidget(row, kDistance)))
            d = q->value() * 1.1;
    for (const QString& f : files) {
        addHologram(f, d);
        d *= 1.1;
    }
}

void MultiDistanceDialog::chooseExport()
{
    const QString prefix = QFileDialog::getSaveFileName(
        this, tr("Export phase and absorption (prefix)"),
        m_window->lastFolder() + QStringLiteral("/several_distances"),
        tr("Prefix of the TIFF files (*)"));
    if (prefix.isEmpty())
        return;
    try {
        const core::ResultPaths paths = writeResultFiles(m_result.get(), prefix);
        m_status->setText(tr("Exported %1 and %2")
                              .arg(QFile::decodeName(paths.phase.c_str()),
                                   QFile::decodeName(paths.absorption.c_str())));
    } catch (const std::exception& e) {
        m_status->setText(tr("Cannot export: %1").arg(QString::fromStdString(e.what())));
    }
}

} // namespace phaselab::widgets
