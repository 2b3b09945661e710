#include <phaselab/widgets/input_controller.h>

#include <phaselab/core/error.h>
#include <phaselab/core/image_io.h>
#include <phaselab/widgets/job_runner.h>
#include <phaselab/widgets/open_dialog.h>

#include <QFile>
#include <QFileInfo>

namespace phaselab::widgets {

QString inputName(const core::InputSpec& spec)
{
    if (spec.kind == core::InputSpec::Kind::Demo)
        return InputController::tr("demo hologram");
    const core::ImageSpec parsed = core::parseImageSpec(spec.path);
    QString name = QFileInfo(QFile::decodeName(parsed.path.c_str())).fileName();
    if (!parsed.dataset.empty())
        name += QLatin1Char(':') + QString::fromStdString(parsed.dataset);
    if (spec.frame > 0)
        name += InputController::tr(" [frame %1]").arg(spec.frame);
    return name;
}

InputController::InputController(QWidget* dialogParent)
    : QObject(dialogParent),
      m_dialogParent(dialogParent),
      m_loader(new JobRunner(this)),
      m_referenceLoader(new JobRunner(this))
{
    connect(m_loader, &JobRunner::progressChanged, this,
            [this](double f, const QString&) { emit progressChanged(f); });
    connect(m_loader, &JobRunner::failed, this, [this](const QString& message) {
        emit loadingEnded();
        emit loadFailed(message);
    });
    connect(m_loader, &JobRunner::cancelled, this, [this] {
        emit loadingEnded();
        emit loadCancelled();
    });
    connect(m_referenceLoader, &JobRunner::failed, this, &InputController::referenceFailed);
}

InputController::~InputController() = default;

void InputController::openFile(const QString& path)
{
    bool needsDialog = false;
    try {
        const core::ImageFileInfo info = core::imageInfo(QFile::encodeName(path).toStdString());
        needsDialog = info.format == core::ImageFormat::Hdf5 || info.frames > 1;
    } catch (const std::exception&) {
        // Unreadable: loading reports the problem in the usual way.
    }
    if (!needsDialog) {
        openInput(path);
        return;
    }
    auto* dialog = new OpenDialog(m_dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setPath(path);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        openInput(dialog->spec(), dialog->frame(), dialog->sources());
    });
    dialog->open();
}

bool InputController::openInput(const QString& spec, int frame,
                                const core::FlatFieldSources& sources)
{
    core::InputSpec s;
    s.kind = core::InputSpec::Kind::File;
    s.path = QFile::encodeName(spec).toStdString();
    s.frame = frame;
    s.flatField = sources;
    return openInput(s);
}

bool InputController::openDemo(int size)
{
    core::InputSpec s;
    s.kind = core::InputSpec::Kind::Demo;
    if (size > 0)
        s.demoSize = size;
    return openInput(s);
}

bool InputController::openInput(const core::InputSpec& specIn)
{
    if (m_loader->isRunning())
        return false;
    // Absolute paths, so recent files and sessions work from anywhere.
    const core::InputSpec spec = specIn.absolute();
    emit loadingStarted(spec.kind == core::InputSpec::Kind::Demo
                            ? tr("Simulating the demo hologram…")
                            : tr("Loading %1…").arg(inputName(spec)));
    return m_loader->start<core::LoadedHologram>(
        [spec](const JobContext<core::LoadedHologram>& c) {
            return std::make_shared<const core::LoadedHologram>(
                core::loadHologram(spec, c.progress));
        },
        [this](std::shared_ptr<const core::LoadedHologram> hologram) {
            m_current = std::move(hologram);
            emit loadingEnded();
            emit loaded();
        });
}

void InputController::openReference(const QString& spec, int frame)
{
    if (m_referenceLoader->isRunning())
        return;
    const std::string file = QFile::encodeName(spec).toStdString();
    m_referenceLoader->start<core::ImageF>(
        [file, frame](const JobContext<core::ImageF>& c) {
            c.progress.step(0.0, "reading");
            return std::make_shared<const core::ImageF>(core::readImage(file, frame));
        },
        [this, spec](std::shared_ptr<const core::ImageF> image) {
            emit referenceLoaded(std::move(image), spec);
        });
}

void InputController::cancel()
{
    m_loader->cancel();
}

bool InputController::isBusy() const
{
    return m_loader->isRunning();
}

void InputController::normaliseCurrent()
{
    if (!m_current)
        return;
    auto copy = std::make_shared<core::LoadedHologram>(*m_current);
    core::normalise(*copy, core::Normalisation::Mean);
    m_current = std::move(copy);
    emit normalised();
}

} // namespace phaselab::widgets
