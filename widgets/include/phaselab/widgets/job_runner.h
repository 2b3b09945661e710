#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

#include <phaselab/core/progress.h>

class QThread;

namespace phaselab::widgets {

/// What a job of result type T gets on its thread: progress and cancel, and a way to publish
/// intermediate results (previews) of the same type, which reach the GUI thread at most ~10 times
/// a second (later ones within 100 ms of the last are dropped).
template <typename T>
struct JobContext {
    core::ProgressReporter progress;
    std::function<void(std::shared_ptr<const T>)> publish;
};

/// Runs long work (a core/models function taking a ProgressReporter) on a QThread, following
/// architecture.md's worker pattern: progress signals throttled to ~30 Hz, the result handed back
/// as an immutable snapshot std::shared_ptr<const T>, every exception turned into
/// failed(QString), cancel through a thread-safe token. One job at a time; the GUI thread never
/// waits on it except in the destructor.
///
/// Typed at its API: start<T>() takes the job and the GUI-thread callbacks for its result and
/// previews; the one conversion from the type-erased snapshot happens inside.
class JobRunner : public QObject {
    Q_OBJECT

public:
    /// The job runs on the worker thread and returns its result (or throws). It must poll
    /// context.progress between bounded steps so cancel() takes effect.
    template <typename T>
    using Job = std::function<std::shared_ptr<const T>(const JobContext<T>&)>;
    template <typename T>
    using Receiver = std::function<void(std::shared_ptr<const T>)>;

    explicit JobRunner(QObject* parent = nullptr);
    /// Cancels a running job and waits for its thread to end.
    ~JobRunner() override;

    /// Starts `job`; `onFinished` receives its result and `onPreview` (optional) what it
    /// publishes, both on the GUI thread, before finished() / previewed(). Returns false (and
    /// does nothing) while another job is running.
    template <typename T>
    bool start(Job<T> job, Receiver<T> onFinished, Receiver<T> onPreview = {})
    {
        return startErased(
            [job = std::move(job)](const ErasedContext& c) -> std::shared_ptr<const void> {
                const JobContext<T> typed{c.progress, [publish = c.publish](std::shared_ptr<const T> p) {
                                              publish(std::move(p));
                                          }};
                return job(typed);
            },
            [f = std::move(onFinished)](const std::shared_ptr<const void>& r) {
                if (f)
                    f(std::static_pointer_cast<const T>(r));
            },
            [f = std::move(onPreview)](const std::shared_ptr<const void>& p) {
                if (f)
                    f(std::static_pointer_cast<const T>(p));
            });
    }

    /// Requests cancellation; the job ends at its next check and cancelled() is emitted.
    void cancel();
    [[nodiscard]] bool isRunning() const noexcept { return m_thread != nullptr; }

signals:
    void progressChanged(double fraction, const QString& stage);
    /// A preview was handed to the job's onPreview.
    void previewed();
    /// The job's result was handed to its onFinished.
    void finished();
    void failed(const QString& message);
    void cancelled();

private:
    struct ErasedContext {
        core::ProgressReporter progress;
        std::function<void(std::shared_ptr<const void>)> publish;
    };
    using ErasedJob = std::function<std::shared_ptr<const void>(const ErasedContext&)>;
    using ErasedReceiver = std::function<void(const std::shared_ptr<const void>&)>;

    bool startErased(ErasedJob job, ErasedReceiver onFinished, ErasedReceiver onPreview);
    void onThreadFinished();

    struct Outcome {
        enum Kind { Failed, Finished, Cancelled } kind = Failed;
        std::shared_ptr<const void> result;
        QString error;
    };

    QThread* m_thread = nullptr;
    std::shared_ptr<core::CancelToken> m_cancel;
    std::shared_ptr<Outcome> m_outcome;
    ErasedReceiver m_onFinished, m_onPreview;
    /// Counts jobs, so that a preview queued by an earlier job never reaches a later one.
    quint64 m_generation = 0;
};

} // namespace phaselab::widgets
