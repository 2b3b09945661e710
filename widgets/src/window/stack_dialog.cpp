#include <phaselab/widgets/stack_dialog.h>

#include <phaselab/core/error.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/reconstruction_method.h>
#include <phaselab/core/units.h>
#include <phaselab/widgets/job_runner.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_panel.h>

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace phaselab::widgets {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

/// Frames a stack reconstruction can read from `spec`: NXtomo projections, else the file's frames.
int stackFrames(const core::ImageFileInfo& info)
{
    if (info.details.contains("nxtomo") && info.details["nxtomo"].contains("projections"))
        return info.details["nxtomo"]["projections"].get<int>();
    return info.frames;
}

} // namespace

StackDialog::StackDialog(MainWindow* window, QWidget* parent)
    : QDialog(parent),
      m_window(window),
      m_input(new QLabel),
      m_method(new QLabel),
      m_frames(new QLineEdit(QStringLiteral("all"))),
      m_output(new QLineEdit),
      m_browse(new QPushButton(tr("&Browse…"))),
      m_resume(new QCheckBox(tr("Continue the interrupted run"))),
      m_start(new QPushButton(tr("&Start"))),
      m_cancel(new QPushButton(tr("&Cancel"))),
      m_progress(new QProgressBar),
      m_status(new QLabel),
      m_runner(new JobRunner(this))
{
    setWindowTitle(tr("Reconstruct the whole stack"));
    m_input->setWordWrap(true);
    m_input->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_method->setWordWrap(true);
    m_frames->setToolTip(tr("all, A:B (frames A to B−1), A: (A to the end) or A:B:STEP; frames "
                            "are numbered from 0"));
    m_output->setToolTip(tr("An HDF5 file (.h5): datasets phase and absorption [n, H, W], "
                            "resumable after a cancel; any other name is a prefix for the "
                            "multi-page TIFF pair PREFIX_phase.tif and PREFIX_absorption.tif"));
    m_resume->setToolTip(tr("An HDF5 output whose run was cancelled or interrupted leaves "
                            "OUTPUT.part: continue it, computing only the missing frames"));
    m_progress->setRange(0, 1000);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* outputRow = new QHBoxLayout;
    outputRow->addWidget(m_output, 1);
    outputRow->addWidget(m_browse);
    auto* form = new QFormLayout;
    form->addRow(tr("Stack:"), m_input);
    form->addRow(tr("Method:"), m_method);
    form->addRow(tr("&Frames:"), m_frames);
    form->addRow(tr("&Output:"), outputRow);
    form->addRow(m_resume);
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_start);
    actions->addWidget(m_cancel);
    actions->addWidget(m_progress, 1);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(actions);
    layout->addWidget(m_status);
    layout->addStretch(1);
    layout->addWidget(close);
    resize(640, 300);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_browse, &QPushButton::clicked, this, &StackDialog::chooseOutput);
    connect(m_output, &QLineEdit::textChanged, this, &StackDialog::outputChanged);
    connect(m_start, &QPushButton::clicked, this, [this] { start(); });
    connect(m_cancel, &QPushButton::clicked, this, &StackDialog::cancel);
    connect(m_runner, &JobRunner::progressChanged, this, [this](double f, const QString& stage) {
        m_progress->setValue(int(std::lround(1000 * f)));
        if (!stage.isEmpty())
            m_status->setText(stage);
    });
    connect(m_runner, &JobRunner::failed, this, [this](const QString& message) {
        setBusy(false);
        m_status->setText(tr("Failed: %1").arg(message));
        outputChanged();
        emit failed(message);
    });
    connect(m_runner, &JobRunner::cancelled, this, [this] {
        setBusy(false);
        const bool hdf5 = core::isHdf5StackOutput(QFile::encodeName(m_output->text()).toStdString());
        m_status->setText(hdf5 ? tr("Cancelled. The frames done so far are kept in %1; Start "
                                    "with “Continue the interrupted run” goes on from there.")
                                     .arg(qs(core::stackPartPath(
                                         QFile::encodeName(m_output->text()).toStdString())))
                               : tr("Cancelled. Nothing was written."));
        outputChanged();
        emit cancelled();
    });
    refresh();
    setBusy(false);
}

StackDialog::~StackDialog() = default;

void StackDialog::refresh()
{
    const core::ReconstructionRequest r = m_window->methodPanel()->request();
    m_frameCount = 0;
    if (r.input.kind != core::InputSpec::Kind::File || r.input.path.empty()) {
        m_input->setText(tr("No stack: open a multi-page TIFF, a 3D HDF5 dataset or an NXtomo "
                            "scan first (File ▸ Open)."));
    } else {
        try {
            const core::ImageFileInfo info = core::imageInfo(r.input.path);
            m_frameCount = stackFrames(info);
            m_input->setText(tr("%1: %2 frames of %3 × %4 pixels%5")
                                 .arg(qs(r.input.path))
                                 .arg(m_frameCount)
                                 .arg(info.width)
                                 .arg(info.height)
                                 .arg(r.input.hasFlat() ? tr(", flat/dark-corrected") : QString()));
            if (m_output->text().isEmpty()) {
                const QFileInfo fi(qs(info.path));
                m_output->setText(QDir(fi.absolutePath()).filePath(fi.completeBaseName() +
                                                                   QStringLiteral("_reconstructed.h5")));
            }
        } catch (const core::InputError& e) {
            m_input->setText(qs(e.what()));
        }
    }
    QString physics;
    if (r.geometry)
        physics = tr("%1 keV, %2, pixel %3")
                      .arg(r.geometry->energyKeV, 0, 'g', 6)
                      .arg(qs(core::formatLength(r.geometry->distanceM)))
                      .arg(qs(core::formatLength(r.geometry->pixelSizeM)));
    m_method->setText(tr("%1 with the options of the Method panel; %2")
                          .arg(qs(r.method))
                          .arg(physics.isEmpty() ? tr("the model's physics") : physics));
    outputChanged();
    setBusy(m_runner->isRunning());
}

void StackDialog::chooseOutput()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Stack output"), m_output->text(),
        tr("HDF5 (*.h5 *.hdf5);;Multi-page TIFF prefix (*)"));
    if (!path.isEmpty())
        m_output->setText(path);
}

void StackDialog::outputChanged()
{
    const std::string out = QFile::encodeName(m_output->text()).toStdString();
    const bool part = !out.empty() && core::isHdf5StackOutput(out) &&
                      QFileInfo::exists(qs(core::stackPartPath(out)));
    m_resume->setEnabled(part && !m_runner->isRunning());
    m_resume->setChecked(part);
}

void StackDialog::setBusy(bool busy)
{
    m_start->setEnabled(!busy && m_frameCount > 0);
    m_cancel->setEnabled(busy);
    m_frames->setEnabled(!busy);
    m_output->setEnabled(!busy);
    m_browse->setEnabled(!busy);
    if (busy)
        m_resume->setEnabled(false);
    if (!busy)
        m_progress->setValue(m_summary ? 1000 : 0);
}

core::StackJob StackDialog::job() const
{
    core::StackJob job;
    job.request = m_window->methodPanel()->request();
    if (m_frameCount <= 0)
        throw core::InputError(m_input->text().toStdString());
    job.frames = core::FrameRange::parse(m_frames->text().trimmed().toStdString());
    (void)job.frames.indices(m_frameCount);  // says which frame does not exist
    job.output = QFile::encodeName(m_output->text().trimmed()).toStdString();
    if (job.output.empty())
        throw core::InputError(tr("Choose an output file").toStdString());
    job.resume = m_resume->isEnabled() && m_resume->isChecked();
    return job;
}

bool StackDialog::start()
{
    if (m_runner->isRunning())
        return false;
    refresh();
    core::StackJob stack;
    try {
        stack = job();
    } catch (const core::InputError& e) {
        m_status->setText(qs(e.what()));
        return false;
    }
    m_summary.reset();
    setBusy(true);
    m_status->setText(tr("Starting…"));
    const std::string method = stack.request.method;
    return m_runner->start<core::StackSummary>(
        [stack, method](const JobContext<core::StackSummary>& c) {
            auto make = [method] { return core::MethodRegistry::instance().create(method); };
            return std::make_shared<const core::StackSummary>(
                core::reconstructStack(stack, make, c.progress));
        },
        [this](std::shared_ptr<const core::StackSummary> s) {
            m_summary = std::move(s);
            setBusy(false);
            QStringList outputs;
            for (const std::string& o : m_summary->outputs)
                outputs << qs(o);
            m_status->setText(tr("%1 frames (%2 computed, %3 already done) in %4 s, %5 frames/s "
                                 "(%6): %7")
                                  .arg(m_summary->frames)
                                  .arg(m_summary->computed)
                                  .arg(m_summary->skipped)
                                  .arg(m_summary->seconds, 0, 'f', 1)
                                  .arg(m_summary->framesPerSecond, 0, 'g', 3)
                                  .arg(qs(m_summary->mode))
                                  .arg(outputs.join(QStringLiteral(", "))));
            m_window->log(m_status->text());
            outputChanged();
            emit finished();
        });
}

void StackDialog::cancel()
{
    m_runner->cancel();
}

bool StackDialog::isRunning() const
{
    return m_runner->isRunning();
}

} // namespace phaselab::widgets
