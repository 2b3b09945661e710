#include <phaselab/widgets/training_panel.h>

#include "../panels/forms/number_edit.h"
#include "train_forms.h"
#include "training_job.h"

#include <phaselab/core/dataset.h>
#include <phaselab/core/error.h>
#include <phaselab/core/parallel.h>
#include <phaselab/core/reconstruction_method.h>
#include <phaselab/models/library.h>
#include <phaselab/widgets/image_view.h>
#include <phaselab/widgets/job_runner.h>
#include <phaselab/widgets/loss_plot.h>

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QVBoxLayout>

#include <chrono>
#include <cmath>

namespace phaselab::widgets {

struct TrainingPanel::Live {
    models::TrainProgress progress;
};

namespace {

// The panel that trains now (one training per process: two would share the cores by accident).
QPointer<TrainingPanel>& activePanel()
{
    static QPointer<TrainingPanel> panel;
    return panel;
}

QString durationText(double seconds)
{
    if (!(seconds >= 0) || !std::isfinite(seconds))
        return QStringLiteral("–");
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar('0'));
    if (s >= 60)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
    return QStringLiteral("%1 s").arg(s);
}

} // namespace

TrainingPanel::TrainingPanel(QWidget* parent)
    : QWidget(parent),
      m_method(new QComboBox),
      m_forms(new QStackedWidget),
      m_paramCount(new QLabel),
      m_data(new QLineEdit),
      m_output(new QLineEdit),
      m_epochs(new QSpinBox),
      m_batch(new QSpinBox),
      m_lr(new NumberEdit(NumberEdit::Domain::Positive)),
      m_schedule(new QComboBox),
      m_device(new QComboBox),
      m_gpu(new QLabel),
      m_start(new QPushButton(tr("Start"))),
      m_stopEpoch(new QPushButton(tr("Stop at end of epoch"))),
      m_stopNow(new QPushButton(tr("Stop now"))),
      m_resume(new QPushButton(tr("Resume…"))),
      m_progress(new QProgressBar),
      m_speed(new QLabel),
      m_eta(new QLabel),
      m_plot(new LossPlot),
      m_sampleView(new ImageView),
      m_truthView(new ImageView),
      m_log(new QPlainTextEdit),
      m_runner(new JobRunner(this)),
      m_stopAtEpoch(std::make_shared<std::atomic<bool>>(false))
{
    for (models::Method m : models::trainableMethods()) {
        TrainForm* form = createTrainForm(m);
        const std::string id = models::toString(m);
        QString name = QString::fromStdString(id).toUpper();
        for (const core::MethodInfo& info : core::MethodRegistry::instance().methods())
            if (info.id == id)
                name = QString::fromStdString(info.name);
        m_method->addItem(name, QString::fromStdString(id));
        m_forms->addWidget(form);
        connect(form, &TrainForm::changed, this, &TrainingPanel::showMethodForm);
    }
    m_method->setObjectName(QStringLiteral("trainMethod"));
    connect(m_method, &QComboBox::currentIndexChanged, this, &TrainingPanel::showMethodForm);

    m_data->setObjectName(QStringLiteral("trainData"));
    m_data->setPlaceholderText(tr("HDF5 data set with train and val splits"));
    m_output->setObjectName(QStringLiteral("trainOutput"));
    m_output->setPlaceholderText(tr("model file to write"));
    m_epochs->setRange(1, 100000);
    m_epochs->setValue(100);
    m_batch->setRange(1, 4096);
    m_batch->setValue(10);
    m_lr->setToolTip(tr("Initial learning rate of Adam; empty or 0: the method's (DGN 5e-4, "
                        "MS-D Net 1e-3, PhaseGAN 2e-4)"));
    m_lr->clear();
    for (const char* s : {"auto", "constant", "cosine", "step"})
        m_schedule->addItem(QString::fromLatin1(s), QString::fromLatin1(s));
    m_schedule->setItemText(0, tr("the method's (auto)"));
    m_schedule->setItemText(1, tr("constant"));
    m_schedule->setItemText(2, tr("cosine"));
    m_schedule->setItemText(3, tr("step"));

    const models::GpuInfo gpu = models::gpuInfo();
    m_device->addItem(tr("auto"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("GPU (CUDA)"), QStringLiteral("cuda"));
    if (!gpu.available)
        if (auto* item = qobject_cast<QStandardItemModel*>(m_device->model())->item(2))
            item->setEnabled(false);
    m_gpu->setObjectName(QStringLiteral("gpuInfo"));
    m_gpu->setWordWrap(true);
    const QString gpuName = QString::fromStdString(gpu.name);
    if (gpu.available)
        m_gpu->setText(tr("GPU: %1 (%2 device(s))").arg(gpuName).arg(gpu.devices));
    else if (!gpuName.isEmpty())
        m_gpu->setText(tr("GPU %1 present, but this LibTorch build cannot use it: training runs "
                          "on the CPU (%2 threads)")
                           .arg(gpuName)
                           .arg(core::threadCount()));
    else
        m_gpu->setText(tr("No GPU: training runs on the CPU (%1 threads)").arg(core::threadCount()));

    auto* browseData = new QPushButton(tr("…"));
    auto* browseOut = new QPushButton(tr("…"));
    connect(browseData, &QPushButton::clicked, this, &TrainingPanel::chooseData);
    connect(browseOut, &QPushButton::clicked, this, &TrainingPanel::chooseOutput);
    auto row = [](QWidget* a, QWidget* b) {
        auto* h = new QHBoxLayout;
        h->addWidget(a, 1);
        h->addWidget(b);
        return h;
    };
    auto* settings = new QGroupBox(tr("Settings"));
    auto* form = new QFormLayout(settings);
    form->addRow(tr("Method"), m_method);
    form->addRow(m_forms);
    form->addRow(tr("Parameters"), m_paramCount);
    form->addRow(tr("Data set"), row(m_data, browseData));
    form->addRow(tr("Model file"), row(m_output, browseOut));
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Learning rate"), m_lr);
    form->addRow(tr("Schedule"), m_schedule);
    form->addRow(tr("Device"), m_device);
    form->addRow(m_gpu);

    m_start->setObjectName(QStringLiteral("trainStart"));
    m_stopEpoch->setToolTip(tr("Finish the current epoch, then save the model of the best epoch"));
    m_stopNow->setToolTip(tr("Stop at the next batch; the checkpoint of the last finished epoch "
                             "stays, and Resume continues from it"));
    connect(m_start, &QPushButton::clicked, this, &TrainingPanel::start);
    connect(m_stopEpoch, &QPushButton::clicked, this, &TrainingPanel::stopAtEpochEnd);
    connect(m_stopNow, &QPushButton::clicked, this, &TrainingPanel::stopNow);
    connect(m_resume, &QPushButton::clicked, this, &TrainingPanel::chooseResume);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_start, m_stopEpoch, m_stopNow, m_resume})
        buttons->addWidget(b);

    m_progress->setRange(0, 1000);
    m_speed->setObjectName(QStringLiteral("trainSpeed"));
    auto* figures = new QHBoxLayout;
    figures->addWidget(m_progress, 1);
    figures->addWidget(m_speed);
    figures->addWidget(m_eta);

    for (ImageView* v : {m_sampleView, m_truthView}) {
        v->setMinimumSize(140, 140);
        v->setScaleBarVisible(false);
    }
    auto* samples = new QGroupBox(tr("Validation sample: phase after the last epoch | truth"));
    auto* sampleRow = new QHBoxLayout(samples);
    sampleRow->addWidget(m_sampleView);
    sampleRow->addWidget(m_truthView);

    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setObjectName(QStringLiteral("trainLog"));

    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->addWidget(settings);
    leftLayout->addLayout(buttons);
    leftLayout->addStretch();
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(m_plot);
    right->addWidget(samples);
    right->addWidget(m_log);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(figures);
    layout->addWidget(split, 1);

    connect(m_runner, &JobRunner::progressChanged, this, [this](double f, const QString& stage) {
        m_progress->setValue(int(std::lround(f * 1000)));
        m_progress->setFormat(stage);
        m_progress->setTextVisible(true);
    });
    connect(m_runner, &JobRunner::cancelled, this, [this] {
        log(tr("Stopped; the checkpoint of the last finished epoch is kept: %1").arg(m_lastCheckpoint));
        onEnded();
        emit stopped(m_lastCheckpoint);
    });
    connect(m_runner, &JobRunner::failed, this, [this](const QString& message) {
        log(tr("Training failed: %1").arg(message));
        onEnded();
        emit failed(message);
    });
    showMethodForm();
    updateButtons();
}

TrainingPanel::~TrainingPanel()
{
    if (m_runner->isRunning())
        m_runner->cancel();
}

void TrainingPanel::setOptions(const models::TrainOptions& o)
{
    m_method->setCurrentIndex(
        std::max(0, m_method->findData(QString::fromStdString(models::toString(o.method)))));
    for (int i = 0; i < m_forms->count(); ++i)
        static_cast<TrainForm*>(m_forms->widget(i))->setOptions(o);
    m_data->setText(QString::fromStdString(o.dataPath));
    m_output->setText(QString::fromStdString(o.outPath));
    if (o.epochs > 0)
        m_epochs->setValue(o.epochs);
    if (o.batchSize > 0)
        m_batch->setValue(o.batchSize);
    if (o.learningRate > 0)
        m_lr->setValue(o.learningRate);
    else
        m_lr->clear();
    m_schedule->setCurrentIndex(
        std::max(0, m_schedule->findData(QString::fromStdString(models::toString(o.schedule)))));
    m_device->setCurrentIndex(std::max(0, m_device->findData(QString::fromStdString(o.device))));
    showMethodForm();
}

models::TrainOptions TrainingPanel::options() const
{
    models::TrainOptions o;
    o.method = models::parseMethod(m_method->currentData().toString().toStdString());
    static_cast<const TrainForm*>(m_forms->currentWidget())->apply(o);
    o.dataPath = m_data->text().trimmed().toStdString();
    o.outPath = m_output->text().trimmed().toStdString();
    o.epochs = m_epochs->value();
    o.batchSize = m_batch->value();
    o.learningRate = m_lr->text().trimmed().isEmpty() || !m_lr->isValid() ? 0.0 : m_lr->value();
    o.schedule = models::parseSchedule(m_schedule->currentData().toString().toStdString());
    o.device = m_device->currentData().toString().toStdString();
    return o;
}

void TrainingPanel::setDataPath(const QString& path)
{
    m_data->setText(path);
}

void TrainingPanel::setOutputPath(const QString& path)
{
    m_output->setText(path);
}

bool TrainingPanel::isRunning() const
{
    return m_runner->isRunning();
}

bool TrainingPanel::anyRunning()
{
    return activePanel() && activePanel()->isRunning();
}

QString TrainingPanel::logText() const
{
    return m_log->toPlainText();
}

QString TrainingPanel::speedText() const
{
    return m_speed->text() + QLatin1Char(' ') + m_eta->text();
}

bool TrainingPanel::start()
{
    const models::TrainOptions o = options();
    if (!m_lr->text().trimmed().isEmpty() && !m_lr->isValid())
        m_refusal = tr("The learning rate %1").arg(m_lr->requirement());
    else if (o.dataPath.empty())
        m_refusal = tr("Choose a data set to train on");
    else if (o.outPath.empty())
        m_refusal = tr("Choose the model file to write");
    else {
        m_plot->clear();
        return launch(o);
    }
    log(m_refusal);
    emit failed(m_refusal);
    return false;
}

bool TrainingPanel::resume(const QString& checkpoint)
{
    models::TrainOptions o = options();
    models::CheckpointSummary c;
    try {
        c = models::checkpointSummary(checkpoint.toStdString());
    } catch (const std::exception& e) {
        m_refusal = QString::fromStdString(e.what());
        log(m_refusal);
        emit failed(m_refusal);
        return false;
    }
    const int done = c.epochsDone;
    o.resumePath = checkpoint.toStdString();
    o.checkpointPath = o.resumePath;
    o.epochs = o.epochs > done ? o.epochs : 0;  // 0: the checkpoint's own total
    if (o.outPath.empty()) {
        QString out = checkpoint;
        out.chop(out.endsWith(QLatin1String(".ckpt")) ? 5 : 0);
        o.outPath = out.toStdString();
        m_output->setText(out);
    }
    m_plot->clear();
    if (c.initialValLoss > 0)
        m_plot->setInitialValidation(c.initialValLoss);
    const int batches = (c.trainSamples + std::max(1, c.batchSize) - 1) / std::max(1, c.batchSize);
    for (const models::EpochRecord& rec : c.history)
        m_plot->addEpoch(rec, batches);
    log(tr("Resuming %1 after epoch %2").arg(checkpoint).arg(done));
    return launch(o);
}

bool TrainingPanel::launch(models::TrainOptions o)
{
    if (anyRunning() || m_runner->isRunning()) {
        m_refusal = tr("Another training is running; two trainings would share the processor "
                       "cores. Stop it or wait until it ends.");
        log(m_refusal);
        emit failed(m_refusal);
        return false;
    }
    m_refusal.clear();
    m_stopAtEpoch->store(false);
    m_lastCheckpoint = QString::fromStdString(checkpointPath(o));
    const QPointer<TrainingPanel> self(this);
    const auto stopAtEpoch = m_stopAtEpoch;
    const bool ok = m_runner->start<TrainingOutcome>(
        [o, self, stopAtEpoch](const JobContext<TrainingOutcome>& c) {
            // Every callback hands a copy to the GUI thread; Qt drops the call if the panel is
            // gone by then.
            TrainingCallbacks callbacks;
            callbacks.live = [self](const models::TrainProgress& p) {
                const Live live{p};
                QMetaObject::invokeMethod(
                    self, [self, live] { if (self) self->showLive(live); }, Qt::QueuedConnection);
            };
            callbacks.epoch = [self](const models::EpochRecord& r, int batches) {
                QMetaObject::invokeMethod(
                    self, [self, r, batches] { if (self) self->showEpoch(r, batches); },
                    Qt::QueuedConnection);
            };
            callbacks.sample = [self](std::shared_ptr<const core::ImageF> rec,
                                      std::shared_ptr<const core::ImageF> truth) {
                QMetaObject::invokeMethod(
                    self, [self, rec, truth] { if (self) self->showSample(rec, truth); },
                    Qt::QueuedConnection);
            };
            return std::make_shared<const TrainingOutcome>(
                runTraining(o, c.progress, *stopAtEpoch, callbacks));
        },
        [this](std::shared_ptr<const TrainingOutcome> outcome) { onFinished(outcome); });
    if (!ok)
        return false;
    activePanel() = this;
    log(tr("Training %1 on %2 → %3 (%4 epochs, batch %5, device %6)")
            .arg(QString::fromStdString(models::toString(o.method)).toUpper(),
                 QString::fromStdString(o.dataPath.empty() ? o.resumePath : o.dataPath),
                 QString::fromStdString(o.outPath))
            .arg(o.epochs)
            .arg(o.batchSize)
            .arg(QString::fromStdString(o.device)));
    updateButtons();
    emit started();
    return true;
}

void TrainingPanel::stopAtEpochEnd()
{
    if (!isRunning())
        return;
    m_stopAtEpoch->store(true);
    log(tr("Stopping at the end of this epoch…"));
    m_stopEpoch->setEnabled(false);
}

void TrainingPanel::stopNow()
{
    if (!isRunning())
        return;
    log(tr("Stopping now…"));
    m_runner->cancel();
}

void TrainingPanel::showLive(const Live& live)
{
    const models::TrainProgress& p = live.progress;
    if (!p.validating && p.batch > 0) {
        m_batches = p.batches;
        m_plot->addIteration(p.epoch, p.batch, p.batches, p.loss);
        m_speed->setText(tr("%1 samples/s").arg(p.samplesPerSecond, 0, 'f', 1));
    }
    m_eta->setText(tr("ETA %1").arg(durationText(p.etaSeconds)));
}

void TrainingPanel::showEpoch(const models::EpochRecord& r, int batches)
{
    m_plot->addEpoch(r, batches);
    m_speed->setText(tr("%1 samples/s").arg(r.samplesPerSecond, 0, 'f', 1));
    log(tr("epoch %1: training loss %2, validation loss %3, learning rate %4, %5")
            .arg(r.epoch)
            .arg(r.trainLoss, 0, 'g', 4)
            .arg(r.valLoss, 0, 'g', 4)
            .arg(r.learningRate, 0, 'g', 3)
            .arg(durationText(r.seconds)));
    emit epochFinished(r.epoch);
}

void TrainingPanel::showSample(std::shared_ptr<const core::ImageF> reconstruction,
                               std::shared_ptr<const core::ImageF> truth)
{
    // Both on the truth's range, so that the two compare by eye.
    const DisplayRange range = percentileRange(*truth);
    m_sampleView->setImage(std::move(reconstruction), range, true);
    m_truthView->setImage(std::move(truth), range, true);
    emit sampleShown();
}

void TrainingPanel::onFinished(const std::shared_ptr<const TrainingOutcome>& outcome)
{
    for (const models::EpochRecord& r : outcome->history)
        m_plot->addEpoch(r, 0);
    log(outcome->stoppedAtEpochEnd
            ? tr("Stopped after epoch %1; model of the best epoch written to %2")
                  .arg(outcome->history.empty() ? 0 : outcome->history.back().epoch)
                  .arg(QString::fromStdString(outcome->modelPath))
            : tr("Finished on %1; model written to %2")
                  .arg(QString::fromStdString(outcome->device),
                       QString::fromStdString(outcome->modelPath)));
    m_progress->setValue(m_progress->maximum());
    onEnded();
    emit finished(QString::fromStdString(outcome->modelPath));
}

void TrainingPanel::onEnded()
{
    if (activePanel() == this)
        activePanel() = nullptr;
    updateButtons();
}

void TrainingPanel::chooseData()
{
    const QString f = QFileDialog::getOpenFileName(this, tr("Training data set"), m_data->text(),
                                                   tr("HDF5 data sets (*.h5 *.hdf5)"));
    if (!f.isEmpty())
        m_data->setText(f);
}

void TrainingPanel::chooseOutput()
{
    const QString f = QFileDialog::getSaveFileName(this, tr("Model file"), m_output->text(),
                                                   tr("PhaseLab models (*.pt)"));
    if (!f.isEmpty())
        m_output->setText(f);
}

void TrainingPanel::chooseResume()
{
    const QString f = QFileDialog::getOpenFileName(this, tr("Resume from checkpoint"),
                                                   m_lastCheckpoint,
                                                   tr("Checkpoints (*.ckpt);;All files (*)"));
    if (f.isEmpty())
        return;
    try {
        // Resume runs to the checkpoint's own total unless the user asks for more afterwards.
        m_epochs->setValue(models::checkpointSummary(f.toStdString()).epochs);
    } catch (const std::exception&) {
        // resume() says what is wrong with the file.
    }
    resume(f);
}

void TrainingPanel::showMethodForm()
{
    m_forms->setCurrentIndex(std::max(0, m_method->currentIndex()));
    const auto* form = static_cast<const TrainForm*>(m_forms->currentWidget());
    m_paramCount->setText(form ? QLocale().toString(qlonglong(form->parameterCount())) : QString());
}

void TrainingPanel::updateButtons()
{
    const bool running = isRunning();
    m_start->setEnabled(!running);
    m_resume->setEnabled(!running);
    m_stopEpoch->setEnabled(running);
    m_stopNow->setEnabled(running);
}

void TrainingPanel::log(const QString& line)
{
    m_log->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) +
                           line);
}

} // namespace phaselab::widgets
