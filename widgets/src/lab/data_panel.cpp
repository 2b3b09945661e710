#include <phaselab/widgets/data_panel.h>

#include "../jobs/reporter_sink.h"

#include <phaselab/core/dataset.h>
#include <phaselab/core/error.h>
#include <phaselab/core/simulate.h>
#include <phaselab/core/units.h>
#include <phaselab/widgets/image_view.h>
#include <phaselab/widgets/job_runner.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace phaselab::widgets {

namespace {

constexpr int kStripSamples = 6;

QString length(double metres)
{
    return QString::fromStdString(core::formatLength(metres, 4));
}

QString physicsText(const core::Geometry& g)
{
    return DataPanel::tr("E = %1 keV, D = %2, Δx = %3")
        .arg(g.energyKeV, 0, 'g', 5)
        .arg(length(g.distanceM), length(g.pixelSizeM));
}

} // namespace

DataPanel::DataPanel(QWidget* parent)
    : QWidget(parent),
      m_protocol(new QComboBox),
      m_size(new QSpinBox),
      m_count(new QSpinBox),
      m_ppsnrLow(new QDoubleSpinBox),
      m_ppsnrHigh(new QDoubleSpinBox),
      m_photons(new QDoubleSpinBox),
      m_seed(new QSpinBox),
      m_unpaired(new QCheckBox(tr("Unpaired training split (PhaseGAN)"))),
      m_sampleMaterial(new QCheckBox),
      m_output(new QLineEdit),
      m_physics(new QLabel),
      m_generate(new QPushButton(tr("Generate"))),
      m_cancel(new QPushButton(tr("Cancel"))),
      m_progress(new QProgressBar),
      m_summary(new QLabel),
      m_strip(new QGridLayout),
      m_runner(new JobRunner(this))
{
    m_protocol->addItem(tr("DGN (ellipsoids and paraboloids of Au, Pd, Zn)"), QStringLiteral("dgn"));
    m_protocol->addItem(tr("PhaseGAN (rectangles and circles, Poisson noise)"),
                        QStringLiteral("phasegan"));
    m_size->setRange(16, 2048);
    m_size->setSuffix(tr(" px"));
    m_count->setRange(3, 10000000);
    for (QDoubleSpinBox* b : {m_ppsnrLow, m_ppsnrHigh}) {
        b->setRange(0, 200);
        b->setSuffix(tr(" dB"));
    }
    m_photons->setRange(1, 1e15);
    m_photons->setDecimals(0);
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_output->setPlaceholderText(tr("data set to write (.h5)"));
    m_output->setObjectName(QStringLiteral("dataOutput"));
    auto* browse = new QPushButton(tr("…"));
    connect(browse, &QPushButton::clicked, this, &DataPanel::chooseOutput);
    auto* outRow = new QHBoxLayout;
    outRow->addWidget(m_output, 1);
    outRow->addWidget(browse);
    auto* noise = new QHBoxLayout;
    noise->addWidget(m_ppsnrLow);
    noise->addWidget(new QLabel(tr("to")));
    noise->addWidget(m_ppsnrHigh);
    m_physics->setWordWrap(true);

    auto* gen = new QGroupBox(tr("Generate a simulated set"));
    auto* form = new QFormLayout(gen);
    form->addRow(tr("Protocol"), m_protocol);
    form->addRow(tr("Physics"), m_physics);
    form->addRow(tr("Image size"), m_size);
    form->addRow(tr("Samples"), m_count);
    form->addRow(tr("Noise (PPSNR)"), noise);
    form->addRow(tr("Photons per frame"), m_photons);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(m_sampleMaterial);
    form->addRow(m_unpaired);
    form->addRow(tr("File"), outRow);
    auto* run = new QHBoxLayout;
    run->addWidget(m_generate);
    run->addWidget(m_cancel);
    run->addWidget(m_progress, 1);
    form->addRow(run);

    auto* openButton = new QPushButton(tr("Open a data set…"));
    connect(openButton, &QPushButton::clicked, this, &DataPanel::chooseExisting);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setObjectName(QStringLiteral("dataSummary"));
    auto* stripWidget = new QWidget;
    stripWidget->setLayout(m_strip);
    auto* scroll = new QScrollArea;
    scroll->setWidget(stripWidget);
    scroll->setWidgetResizable(true);
    scroll->setMinimumHeight(260);
    auto* existing = new QGroupBox(tr("Data set"));
    auto* ex = new QVBoxLayout(existing);
    ex->addWidget(openButton, 0, Qt::AlignLeft);
    ex->addWidget(m_summary);
    ex->addWidget(scroll, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(gen);
    layout->addWidget(existing, 1);

    connect(m_protocol, &QComboBox::currentIndexChanged, this, &DataPanel::updateProtocol);
    connect(m_generate, &QPushButton::clicked, this, &DataPanel::generate);
    connect(m_cancel, &QPushButton::clicked, this, &DataPanel::cancel);
    connect(m_runner, &JobRunner::progressChanged, this, [this](double f, const QString& stage) {
        m_progress->setValue(int(std::lround(f * 1000)));
        m_progress->setFormat(stage);
    });
    connect(m_runner, &JobRunner::cancelled, this, [this] {
        setRunning(false);
        m_progress->setFormat(tr("cancelled"));
        emit cancelled();
    });
    connect(m_runner, &JobRunner::failed, this, [this](const QString& message) {
        setRunning(false);
        m_progress->setFormat(tr("failed"));
        emit failed(message);
    });
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(true);
    setSampleMaterial(std::nullopt);
    setSettings({});
    setGeometry(m_geometry);
    setRunning(false);
}

DataPanel::~DataPanel() = default;

void DataPanel::setGeometry(const core::Geometry& geometry)
{
    m_geometry = geometry;
    m_physics->setText(physicsText(geometry));
}

void DataPanel::setSampleMaterial(const std::optional<core::Material>& material)
{
    m_material = material;
    m_sampleMaterial->setText(
        material ? tr("Solids of the window's sample only (%1)")
                       .arg(QString::fromStdString(material->name))
                 : tr("Solids of the window's sample only (choose Au, Pd or Zn as the sample)"));
    if (!material)
        m_sampleMaterial->setChecked(false);
    updateProtocol();
}

void DataPanel::setSettings(const Settings& s)
{
    m_protocol->setCurrentIndex(std::max(0, m_protocol->findData(s.protocol)));
    m_size->setValue(s.size);
    m_count->setValue(s.count);
    m_ppsnrLow->setValue(s.ppsnrLowDb);
    m_ppsnrHigh->setValue(s.ppsnrHighDb);
    m_photons->setValue(s.photons);
    m_seed->setValue(int(s.seed));
    m_unpaired->setChecked(s.unpaired);
    m_sampleMaterial->setChecked(s.sampleMaterialOnly && m_material);
    m_output->setText(s.path);
    updateProtocol();
}

DataPanel::Settings DataPanel::settings() const
{
    Settings s;
    s.protocol = m_protocol->currentData().toString();
    s.size = m_size->value();
    s.count = m_count->value();
    s.ppsnrLowDb = m_ppsnrLow->value();
    s.ppsnrHighDb = m_ppsnrHigh->value();
    s.photons = m_photons->value();
    s.seed = qulonglong(m_seed->value());
    s.unpaired = m_unpaired->isChecked();
    s.sampleMaterialOnly = m_sampleMaterial->isChecked();
    s.path = m_output->text().trimmed();
    return s;
}

bool DataPanel::isRunning() const
{
    return m_runner->isRunning();
}

bool DataPanel::generate()
{
    const Settings s = settings();
    core::DatasetRequest request;
    try {
        if (s.path.isEmpty())
            throw core::InputError(tr("Choose the file to write").toStdString());
        const bool dgn = s.protocol == QLatin1String("dgn");
        request.params = dgn ? core::SimulationParams::dgn() : core::SimulationParams::phaseGan();
        request.params.geometry = m_geometry;
        if (dgn) {
            if (s.sampleMaterialOnly && m_material)
                request.params.materials = {*m_material};
            request.params.ppsnrMinDb = s.ppsnrLowDb;
            request.params.ppsnrMaxDb = s.ppsnrHighDb;
        } else {
            request.params.photonsPerFrame = s.photons;
        }
        request.size = s.size;
        request.count = std::size_t(s.count);
        request.seed = s.seed;
        request.unpairedTrain = s.unpaired;
        request.params.validate();
        m_geometry.validate();
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
        return false;
    }
    const std::string path = s.path.toStdString();
    const bool ok = m_runner->start<core::DatasetReport>(
        [request, path](const JobContext<core::DatasetReport>& c) {
            // Cancel ends it at its next progress report, between batches of samples.
            ReporterSink sink(c.progress);
            return std::make_shared<const core::DatasetReport>(
                core::generateDataset(request, path, &sink, nullptr));
        },
        [this, path](std::shared_ptr<const core::DatasetReport> report) {
            setRunning(false);
            m_progress->setFormat(tr("%1 samples in %2 s")
                                      .arg(report->splits.total())
                                      .arg(report->seconds, 0, 'f', 1));
            const QString file = QString::fromStdString(path);
            openDataset(file);
            emit generated(file);
        });
    if (!ok) {
        emit failed(tr("A data set is being generated"));
        return false;
    }
    setRunning(true);
    return true;
}

void DataPanel::cancel()
{
    m_runner->cancel();
}

bool DataPanel::openDataset(const QString& path)
{
    try {
        const core::DatasetReader reader(path.toStdString());
        QStringList lines;
        const nlohmann::json attrs = reader.attributes();
        lines << tr("%1 × %2 px, protocol %3, seed %4")
                     .arg(reader.width())
                     .arg(reader.height())
                     .arg(QString::fromStdString(attrs.value("protocol", std::string("?"))))
                     .arg(attrs.contains("seed") ? QString::fromStdString(attrs["seed"].dump())
                                                 : QStringLiteral("?"));
        const std::string first = reader.splits().front();
        const core::DatasetPhysics ph = reader.physics(first);
        if (ph.complete())
            lines << physicsText({*ph.energyKeV, *ph.distanceM, *ph.pixelSizeM}) +
                         (ph.padding ? tr(", padding %1").arg(QString::fromStdString(*ph.padding))
                                     : QString());
        else
            lines << tr("No physics attributes (energy_keV, distance_m, pixel_size_m)");
        for (const std::string& split : reader.splits())
            lines << tr("%1: %2 samples%3")
                         .arg(QString::fromStdString(split))
                         .arg(reader.count(split))
                         .arg(reader.paired(split) ? QString() : tr(" (unpaired)"));
        m_summary->setText(lines.join(QLatin1Char('\n')));
        m_openPath = path;
        showStrip(path);
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
        return false;
    }
    emit datasetOpened(path);
    return true;
}

QString DataPanel::summaryText() const
{
    return m_summary->text();
}

void DataPanel::showStrip(const QString& path)
{
    while (QLayoutItem* item = m_strip->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_stripCount = 0;
    const core::DatasetReader reader(path.toStdString());
    const std::string split = reader.splits().front();
    const int n = int(std::min<std::size_t>(kStripSamples, reader.count(split)));
    const char* rows[] = {"hologram", "phase"};
    for (int r = 0; r < 2; ++r) {
        auto* name = new QLabel(r == 0 ? tr("hologram") : tr("phase"));
        m_strip->addWidget(name, r, 0);
        if (!reader.contains(split, rows[r]))
            continue;
        for (int i = 0; i < n; ++i) {
            auto image = std::make_shared<const core::ImageF>(
                reader.readImage(split, rows[r], std::size_t(i)));
            auto* view = new ImageView;
            view->setScaleBarVisible(false);
            view->setMinimumSize(96, 96);
            view->setImage(image, percentileRange(*image));
            m_strip->addWidget(view, r, i + 1);
        }
    }
    m_stripCount = n;
}

void DataPanel::chooseOutput()
{
    const QString f = QFileDialog::getSaveFileName(this, tr("Data set to write"), m_output->text(),
                                                   tr("HDF5 data sets (*.h5)"));
    if (!f.isEmpty())
        m_output->setText(f);
}

void DataPanel::chooseExisting()
{
    const QString f = QFileDialog::getOpenFileName(this, tr("Open a data set"), m_openPath,
                                                   tr("HDF5 data sets (*.h5 *.hdf5)"));
    if (!f.isEmpty())
        openDataset(f);
}

void DataPanel::updateProtocol()
{
    const bool dgn = m_protocol->currentData().toString() == QLatin1String("dgn");
    m_ppsnrLow->setEnabled(dgn);
    m_ppsnrHigh->setEnabled(dgn);
    m_photons->setEnabled(!dgn);
    m_sampleMaterial->setEnabled(dgn && m_material);
}

void DataPanel::setRunning(bool running)
{
    m_generate->setEnabled(!running);
    m_cancel->setEnabled(running);
}

} // namespace phaselab::widgets
