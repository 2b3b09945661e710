#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

#include <phaselab/core/progress.h>

class QThread;

namespace phaselab::widgets {

/// Runs long work (a core/models function taking a ProgressReporter) on a QThread, following
/// architecture.md's worker pattern: progress signals throttled to ~30 Hz, the result handed back
/// as an immutable snapshot, every exception turned into failed(QString), cancel through a
/// thread-safe token. One job at a time; the GUI thread never waits on it except in the destructor.
/// What a job gets on its thread: progress and cancel, and a way to publish intermediate
/// results (previews), which reach the GUI thread as preview() signals at most ~10 times a second.
struct JobContext {
    core::ProgressReporter progress;
    std::function<void(std::shared_ptr<const void>)> publish;
};

class JobRunner : public QObject {
    Q_OBJECT

public:
    /// The job runs on the worker thread and returns its result (or throws). It must poll
    /// context.progress between bounded steps so cancel() takes effect.
    using Job = std::function<std::shared_ptr<const void>(const JobContext&)>;

    explicit JobRunner(QObject* parent = nullptr);
    /// Cancels a running job and waits for its thread to end.
    ~JobRunner() override;

    /// Starts `job`; returns false (and does nothing) while another job is running.
    bool start(Job job);
    /// Requests cancellation; the job ends at its next check and cancelled() is emitted.
    void cancel();
    [[nodiscard]] bool isRunning() const noexcept { return m_thread != nullptr; }

signals:
    void progressChanged(double fraction, const QString& stage);
    /// An intermediate result published by the job (an immutable snapshot).
    void preview(std::shared_ptr<const void> snapshot);
    void finished(std::shared_ptr<const void> result);
    void failed(const QString& message);
    void cancelled();

private:
    void onThreadFinished();

    struct Outcome {
        enum Kind { Failed, Finished, Cancelled } kind = Failed;
        std::shared_ptr<const void> result;
        QString error;
    };

    QThread* m_thread = nullptr;
    std::shared_ptr<core::CancelToken> m_cancel;
    std::shared_ptr<Outcome> m_outcome;
};

} // namespace phaselab::widgets
