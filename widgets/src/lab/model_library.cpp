#include <phaselab/widgets/model_library.h>

#include <phaselab/core/units.h>
#include <phaselab/widgets/loss_plot.h>

#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace phaselab::widgets {

namespace {

enum Column { Name, Method, Physics, Parameters, Epochs, Date, Columns };

QString physicsText(const models::ModelEntry& e)
{
    if (!e.hasGeometry)
        return ModelLibrary::tr("unknown");
    return QStringLiteral("%1 keV, %2, %3")
        .arg(e.geometry.energyKeV, 0, 'g', 4)
        .arg(QString::fromStdString(core::formatLength(e.geometry.distanceM, 3)),
             QString::fromStdString(core::formatLength(e.geometry.pixelSizeM, 3)));
}

QTableWidgetItem* item(const QString& text)
{
    auto* i = new QTableWidgetItem(text);
    i->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return i;
}

} // namespace

ModelLibrary::ModelLibrary(QWidget* parent)
    : QWidget(parent),
      m_table(new QTableWidget(0, Columns)),
      m_history(new LossPlot),
      m_details(new QLabel),
      m_load(new QPushButton(tr("Load"))),
      m_rename(new QPushButton(tr("Rename…"))),
      m_delete(new QPushButton(tr("Delete"))),
      m_export(new QPushButton(tr("Export…"))),
      m_import(new QPushButton(tr("Import…"))),
      m_refresh(new QPushButton(tr("Refresh")))
{
    m_table->setHorizontalHeaderLabels({tr("Model"), tr("Method"), tr("Trained at"),
                                        tr("Parameters"), tr("Epochs"), tr("Date")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    m_table->setObjectName(QStringLiteral("modelTable"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);

    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ModelLibrary::showSelected);
    connect(m_load, &QPushButton::clicked, this, [this] { loadModel(selectedRow()); });
    connect(m_rename, &QPushButton::clicked, this, &ModelLibrary::askRename);
    connect(m_delete, &QPushButton::clicked, this, [this] { deleteModel(selectedRow()); });
    connect(m_export, &QPushButton::clicked, this, &ModelLibrary::askExport);
    connect(m_import, &QPushButton::clicked, this, &ModelLibrary::askImport);
    connect(m_refresh, &QPushButton::clicked, this, &ModelLibrary::refresh);

    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_load, m_rename, m_delete, m_export, m_import, m_refresh})
        buttons->addWidget(b);
    buttons->addStretch();
    auto* detailBox = new QWidget;
    auto* dl = new QVBoxLayout(detailBox);
    dl->addWidget(m_details);
    dl->addWidget(m_history, 1);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_table);
    split->addWidget(detailBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);
    showSelected();
}

void ModelLibrary::setFolders(const QString& userFolder, const QStringList& shippedFolders)
{
    m_userFolder = userFolder;
    m_shipped = shippedFolders;
    refresh();
}

void ModelLibrary::setGeometry(const core::Geometry& geometry)
{
    m_geometry = geometry;
    refresh();
}

void ModelLibrary::refresh()
{
    const QString keep = selectedRow() >= 0 ? QString::fromStdString(m_entries[selectedRow()].path)
                                            : QString();
    m_entries = models::listModels(m_userFolder.toStdString());
    for (const QString& f : m_shipped)
        for (models::ModelEntry& e : models::listModels(f.toStdString(), true))
            m_entries.push_back(std::move(e));
    const QSignalBlocker block(m_table);
    m_table->setRowCount(int(m_entries.size()));
    int reselect = -1;
    for (int r = 0; r < int(m_entries.size()); ++r) {
        const models::ModelEntry& e = m_entries[std::size_t(r)];
        QString name = QString::fromStdString(e.name);
        if (e.readOnly)
            name += tr(" (shipped)");
        m_table->setItem(r, Name, item(name));
        m_table->setItem(r, Method, item(e.valid ? QString::fromStdString(e.method).toUpper()
                                                 : tr("unreadable")));
        QTableWidgetItem* physics = item(e.valid ? physicsText(e) : QString());
        const QString why = mismatch(r);
        if (!why.isEmpty()) {
            physics->setText(QStringLiteral("⚠ ") + physics->text());
            physics->setForeground(QColor(190, 60, 0));
            physics->setToolTip(why);
        }
        m_table->setItem(r, Physics, physics);
        m_table->setItem(r, Parameters, item(QLocale().toString(qlonglong(e.parameterCount))));
        m_table->setItem(r, Epochs, item(QString::number(e.history.size())));
        m_table->setItem(r, Date, item(QDateTime::fromSecsSinceEpoch(e.modifiedSeconds)
                                           .toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
        if (QString::fromStdString(e.path) == keep)
            reselect = r;
    }
    if (reselect >= 0)
        m_table->selectRow(reselect);
    else
        m_table->clearSelection();
    showSelected();
}

QString ModelLibrary::mismatch(int row) const
{
    if (row < 0 || row >= int(m_entries.size()) || !m_geometry)
        return {};
    const models::ModelEntry& e = m_entries[std::size_t(row)];
    if (!e.valid)
        return QString::fromStdString(e.error);
    if (!e.hasGeometry)
        return tr("Trained on a data set without physics");
    QStringList lines;
    const std::pair<double, double> pairs[] = {{e.geometry.energyKeV, m_geometry->energyKeV},
                                               {e.geometry.distanceM, m_geometry->distanceM},
                                               {e.geometry.pixelSizeM, m_geometry->pixelSizeM}};
    const QString names[] = {tr("energy"), tr("distance"), tr("pixel size")};
    // The tolerance of LearnedModel::geometryWarnings(): 0.5 % relative.
    for (int i = 0; i < 3; ++i)
        if (std::abs(pairs[i].first - pairs[i].second) > 0.005 * std::abs(pairs[i].second))
            lines << tr("trained at another %1").arg(names[i]);
    return lines.join(QStringLiteral("; "));
}

void ModelLibrary::select(int row)
{
    m_table->selectRow(row);
}

int ModelLibrary::selectedRow() const
{
    const auto rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

void ModelLibrary::showSelected()
{
    const int r = selectedRow();
    const bool any = r >= 0;
    const bool writable = any && !m_entries[std::size_t(r)].readOnly;
    m_load->setEnabled(any && m_entries[std::size_t(r)].valid);
    m_rename->setEnabled(writable);
    m_delete->setEnabled(writable);
    m_export->setEnabled(any);
    m_import->setEnabled(!m_userFolder.isEmpty());
    m_history->clear();
    if (!any) {
        m_details->setText(tr("%n model(s) in %1", nullptr, int(m_entries.size())).arg(m_userFolder));
        return;
    }
    const models::ModelEntry& e = m_entries[std::size_t(r)];
    QString text = QString::fromStdString(e.path);
    if (!e.valid)
        text += QLatin1Char('\n') + QString::fromStdString(e.error);
    const QString why = mismatch(r);
    if (!why.isEmpty())
        text += QLatin1Char('\n') + tr("Physics differs from the window's: %1").arg(why);
    m_details->setText(text);
    for (const models::EpochRecord& rec : e.history)
        m_history->addEpoch(rec, 0);
}

bool ModelLibrary::guard(int row, bool writable)
{
    QString why;
    if (row < 0 || row >= int(m_entries.size()))
        why = tr("Select a model first");
    else if (writable && m_entries[std::size_t(row)].readOnly)
        why = tr("Shipped models cannot be changed; export a copy instead");
    if (why.isEmpty())
        return true;
    emit failed(why);
    return false;
}

bool ModelLibrary::loadModel(int row)
{
    if (!guard(row, false))
        return false;
    const models::ModelEntry& e = m_entries[std::size_t(row)];
    if (!e.valid) {
        emit failed(QString::fromStdString(e.error));
        return false;
    }
    emit modelChosen(QString::fromStdString(e.path), QString::fromStdString(e.method));
    return true;
}

bool ModelLibrary::renameModel(int row, const QString& newName)
{
    if (!guard(row, true))
        return false;
    try {
        models::renameModel(m_entries[std::size_t(row)].path, newName.toStdString());
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
        return false;
    }
    refresh();
    return true;
}

bool ModelLibrary::deleteModel(int row, bool ask)
{
    if (!guard(row, true))
        return false;
    const models::ModelEntry& e = m_entries[std::size_t(row)];
    if (ask && QMessageBox::question(this, tr("Delete model"),
                                     tr("Delete %1? This cannot be undone.")
                                         .arg(QString::fromStdString(e.name))) != QMessageBox::Yes)
        return false;
    try {
        models::deleteModel(e.path);
    } catch (const std::exception& ex) {
        emit failed(QString::fromStdString(ex.what()));
        return false;
    }
    refresh();
    return true;
}

bool ModelLibrary::exportModel(int row, const QString& destination)
{
    if (!guard(row, false))
        return false;
    try {
        models::exportModel(m_entries[std::size_t(row)].path, destination.toStdString());
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
        return false;
    }
    return true;
}

bool ModelLibrary::importModel(const QString& source)
{
    try {
        models::importModel(source.toStdString(), m_userFolder.toStdString());
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
        return false;
    }
    refresh();
    return true;
}

void ModelLibrary::askRename()
{
    const int r = selectedRow();
    if (!guard(r, true))
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename model"), tr("New file name"),
                                               QLineEdit::Normal,
                                               QString::fromStdString(m_entries[std::size_t(r)].name),
                                               &ok);
    if (ok)
        renameModel(r, name.trimmed());
}

void ModelLibrary::askExport()
{
    const int r = selectedRow();
    if (!guard(r, false))
        return;
    const QString f = QFileDialog::getSaveFileName(
        this, tr("Export model"), QString::fromStdString(m_entries[std::size_t(r)].name),
        tr("PhaseLab models (*.pt)"));
    if (!f.isEmpty())
        exportModel(r, f);
}

void ModelLibrary::askImport()
{
    const QString f = QFileDialog::getOpenFileName(this, tr("Import model"), QString(),
                                                   tr("PhaseLab models (*.pt);;All files (*)"));
    if (!f.isEmpty())
        importModel(f);
}

} // namespace phaselab::widgets
