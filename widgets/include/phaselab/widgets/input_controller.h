#pragma once

#include <QObject>
#include <QString>

#include <memory>

#include <phaselab/core/flatfield.h>
#include <phaselab/core/image.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/reconstruction_request.h>

class QWidget;

namespace phaselab::widgets {

class JobRunner;

/// The window's input: loads holograms through core::loadHologram() on a worker thread
/// (cancellable, with progress), holds the current one as an immutable core::LoadedHologram,
/// normalises it on request, and loads reference images for FRC. Opening an HDF5 file or a stack
/// asks for the dataset, frame and flats first (OpenDialog).
class InputController : public QObject {
    Q_OBJECT

public:
    /// `dialogParent` parents the open dialog.
    explicit InputController(QWidget* dialogParent);
    ~InputController() override;

    /// Single images load at once; HDF5 files and stacks open the dialog first.
    void openFile(const QString& path);
    /// Starts loading `spec` (absolute paths are recorded); returns false, doing nothing, while
    /// another load runs.
    bool openInput(const core::InputSpec& spec);
    /// Loads frame `frame` of `spec` ("FILE" or "FILE.h5:/dataset") with flat/dark correction.
    bool openInput(const QString& spec, int frame = 0, const core::FlatFieldSources& sources = {});
    /// Simulates the demo hologram (PhaseLab's phantom at the DGN geometry); `size` in pixels,
    /// InputSpec's default when 0.
    bool openDemo(int size = 0);
    /// Loads an image (any readable format, frame `frame`) as the reference for FRC and NMSE.
    void openReference(const QString& spec, int frame = 0);
    /// Cancels a running load; the current hologram stays.
    void cancel();
    [[nodiscard]] bool isBusy() const;

    /// The current hologram (null before the first load).
    [[nodiscard]] std::shared_ptr<const core::LoadedHologram> current() const { return m_current; }
    /// Divides a copy of the current hologram by its mean (core::normalise, Normalisation::Mean)
    /// and makes it current, so its input spec says normalise = mean; emits normalised().
    /// Throws core::InputError when the mean is not positive.
    void normaliseCurrent();

signals:
    void loadingStarted(const QString& what);
    void progressChanged(double fraction);
    /// A load ended (loaded, failed or cancelled).
    void loadingEnded();
    /// current() is a newly loaded hologram.
    void loaded();
    /// current() is the normalised copy of the hologram before.
    void normalised();
    void loadFailed(const QString& message);
    void loadCancelled();
    void referenceLoaded(std::shared_ptr<const core::ImageF> image, const QString& source);
    void referenceFailed(const QString& message);

private:
    QWidget* m_dialogParent;
    JobRunner* m_loader;
    JobRunner* m_referenceLoader;
    std::shared_ptr<const core::LoadedHologram> m_current;
};

/// A short name for an input: "demo hologram", or the file (with dataset) and frame.
QString inputName(const core::InputSpec& spec);

} // namespace phaselab::widgets
