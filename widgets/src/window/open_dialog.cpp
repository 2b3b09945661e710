#include <phaselab/widgets/open_dialog.h>

#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/image_io.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace phaselab::widgets {

namespace {

QString imageFilter()
{
    return OpenDialog::tr("Images (*.tif *.tiff *.h5 *.hdf5 *.nxs *.hdf *.edf *.png *.jpg "
                          "*.jpeg *.bmp);;All files (*)");
}

// A line edit with a Browse… button.
QWidget* fileRow(QLineEdit* edit, QWidget* dialog)
{
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* browse = new QPushButton(OpenDialog::tr("Browse…"));
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, dialog, [edit, dialog] {
        const QString f = QFileDialog::getOpenFileName(
            dialog, OpenDialog::tr("Choose a file"), QFileInfo(edit->text()).absolutePath(),
            imageFilter());
        if (!f.isEmpty()) {
            edit->setText(f);
            emit edit->editingFinished();
        }
    });
    return row;
}

} // namespace

OpenDialog::OpenDialog(QWidget* parent)
    : QDialog(parent),
      m_path(new QLineEdit),
      m_dataset(new QComboBox),
      m_frame(new QSpinBox),
      m_frames(new QLabel),
      m_summary(new QLabel),
      m_flat(new QLineEdit),
      m_flatAfter(new QLineEdit),
      m_dark(new QLineEdit),
      m_average(new QComboBox),
      m_automatic(new QCheckBox(tr("Use the NXtomo file's own flats and darks")))
{
    setWindowTitle(tr("Open hologram"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_average->addItem(tr("Mean"), QStringLiteral("mean"));
    m_average->addItem(tr("Median"), QStringLiteral("median"));
    m_automatic->setChecked(true);
    m_flat->setPlaceholderText(tr("none"));
    m_flatAfter->setPlaceholderText(tr("none"));
    m_dark->setPlaceholderText(tr("none"));

    auto* input = new QGroupBox(tr("Hologram"));
    auto* inputForm = new QFormLayout(input);
    inputForm->addRow(tr("File:"), fileRow(m_path, this));
    inputForm->addRow(tr("Dataset:"), m_dataset);
    auto* frameRow = new QHBoxLayout;
    frameRow->addWidget(m_frame);
    frameRow->addWidget(m_frames, 1);
    inputForm->addRow(tr("Frame:"), frameRow);
    inputForm->addRow(m_summary);

    auto* flat = new QGroupBox(tr("Flat-field correction  I = (raw − dark) / (flat − dark)"));
    auto* flatForm = new QFormLayout(flat);
    flatForm->addRow(tr("Flat(s) before:"), fileRow(m_flat, this));
    flatForm->addRow(tr("Flat(s) after:"), fileRow(m_flatAfter, this));
    flatForm->addRow(tr("Dark(s):"), fileRow(m_dark, this));
    flatForm->addRow(tr("Averaging:"), m_average);
    flatForm->addRow(m_automatic);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Open);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(input);
    layout->addWidget(flat);
    layout->addWidget(buttons);
    connect(m_path, &QLineEdit::editingFinished, this, &OpenDialog::inspect);
    connect(m_dataset, &QComboBox::currentIndexChanged, this, &OpenDialog::updateFrames);
    resize(640, 420);
}

void OpenDialog::setPath(const QString& path)
{
    m_path->setText(path);
    inspect();
}

void OpenDialog::inspect()
{
    m_dataset->clear();
    m_ok->setEnabled(false);
    const std::string path = QFile::encodeName(m_path->text()).toStdString();
    if (path.empty()) {
        m_summary->clear();
        return;
    }
    try {
        const core::ImageFileInfo info = core::imageInfo(path);
        if (info.format == core::ImageFormat::Hdf5) {
            // Every readable 2D/3D dataset, the default one first.
            for (const core::Hdf5DatasetInfo& d : core::listHdf5Datasets(path)) {
                if (!d.isImage())
                    continue;
                QStringList dims;
                for (std::uint64_t s : d.shape)
                    dims << QString::number(s);
                const QString text = QStringLiteral("%1   [%2] %3")
                                         .arg(QString::fromStdString(d.path), dims.join(" × "),
                                              QString::fromStdString(d.dtype));
                if (d.path == info.dataset)
                    m_dataset->insertItem(0, text, QString::fromStdString(d.path));
                else
                    m_dataset->addItem(text, QString::fromStdString(d.path));
            }
            m_dataset->setCurrentIndex(0);
        }
        m_dataset->setEnabled(m_dataset->count() > 0);
        m_automatic->setEnabled(info.details.contains("nxtomo"));
        updateFrames();
    } catch (const std::exception& e) {
        m_summary->setText(QString::fromStdString(e.what()));
    }
}

void OpenDialog::updateFrames()
{
    try {
        const core::ImageFileInfo info = core::imageInfo(QFile::encodeName(spec()).toStdString());
        const int frames = std::max(1, info.frames);
        const bool nx = info.details.contains("nxtomo");
        m_summary->setText(tr("%1: %2 × %3 pixels, %4, %5%6")
                               .arg(QString::fromLatin1(core::formatName(info.format)))
                               .arg(info.width)
                               .arg(info.height)
                               .arg(QString::fromStdString(info.dtype))
                               .arg(frames == 1 ? tr("1 frame") : tr("%1 frames").arg(frames))
                               .arg(nx ? tr("; NXtomo scan") : QString()));
        m_frame->setRange(0, frames - 1);
        m_frames->setText(tr("of %1").arg(frames));
        m_ok->setEnabled(true);
    } catch (const std::exception& e) {
        m_summary->setText(QString::fromStdString(e.what()));
        m_ok->setEnabled(false);
    }
}

QString OpenDialog::spec() const
{
    const QString dataset = m_dataset->currentData().toString();
    return dataset.isEmpty() ? m_path->text() : m_path->text() + QLatin1Char(':') + dataset;
}

int OpenDialog::frame() const
{
    return m_frame->value();
}

core::FlatFieldSources OpenDialog::sources() const
{
    core::FlatFieldSources s;
    s.flat = QFile::encodeName(m_flat->text().trimmed()).toStdString();
    s.flatAfter = QFile::encodeName(m_flatAfter->text().trimmed()).toStdString();
    s.dark = QFile::encodeName(m_dark->text().trimmed()).toStdString();
    s.averaging = core::parseFrameAveraging(m_average->currentData().toString().toStdString());
    s.automatic = m_automatic->isChecked();
    return s;
}

QString OpenDialog::summary() const
{
    return m_summary->text();
}

QStringList OpenDialog::datasets() const
{
    QStringList out;
    for (int i = 0; i < m_dataset->count(); ++i)
        out << m_dataset->itemData(i).toString();
    return out;
}

void OpenDialog::setDataset(const QString& path)
{
    const int i = m_dataset->findData(path);
    if (i >= 0)
        m_dataset->setCurrentIndex(i);
}

void OpenDialog::setFrame(int frame)
{
    m_frame->setValue(frame);
}

void OpenDialog::setFlat(const QString& flat, const QString& dark)
{
    m_flat->setText(flat);
    m_dark->setText(dark);
}

} // namespace phaselab::widgets
