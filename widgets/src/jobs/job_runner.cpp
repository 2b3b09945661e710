#include <phaselab/widgets/job_runner.h>

#include <phaselab/core/error.h>

#include <QMetaObject>
#include <QThread>

#include <chrono>
#include <new>

namespace phaselab::widgets {

namespace {

// Forwards progress to the GUI thread at most every 33 ms (plus the final 100 %).
class ThrottledSink : public core::ProgressSink {
public:
    explicit ThrottledSink(JobRunner* target) : m_target(target) {}

    void report(double fraction, const std::string& stage) override
    {
        const auto now = std::chrono::steady_clock::now();
        if (fraction < 1.0 && now - m_last < std::chrono::milliseconds(33))
            return;
        m_last = now;
        // The runner outlives the thread (its destructor waits), and Qt drops queued calls to
        // a context object that is deleted later.
        JobRunner* target = m_target;
        const QString s = QString::fromStdString(stage);
        QMetaObject::invokeMethod(
            target, [target, fraction, s] { emit target->progressChanged(fraction, s); },
            Qt::QueuedConnection);
    }

private:
    JobRunner* m_target;
    std::chrono::steady_clock::time_point m_last{};
};

} // namespace

JobRunner::JobRunner(QObject* parent)
    : QObject(parent)
{
}

JobRunner::~JobRunner()
{
    if (m_thread) {
        m_cancel->cancel();
        m_thread->wait();
        delete m_thread;
    }
}

bool JobRunner::startErased(ErasedJob job, ErasedReceiver onFinished, ErasedReceiver onPreview)
{
    if (m_thread)
        return false;
    m_cancel = std::make_shared<core::CancelToken>();
    m_outcome = std::make_shared<Outcome>();
    m_onFinished = std::move(onFinished);
    m_onPreview = std::move(onPreview);
    const quint64 generation = ++m_generation;
    m_thread = QThread::create([self = this, cancel = m_cancel, outcome = m_outcome,
                                job = std::move(job), generation] {
        ThrottledSink sink(self);
        const core::ProgressReporter reporter(&sink, cancel.get());
        auto lastPreview = std::make_shared<std::chrono::steady_clock::time_point>();
        const ErasedContext context{
            reporter, [self, lastPreview, generation](std::shared_ptr<const void> snapshot) {
                const auto now = std::chrono::steady_clock::now();
                if (now - *lastPreview < std::chrono::milliseconds(100))
                    return;
                *lastPreview = now;
                QMetaObject::invokeMethod(
                    self,
                    [self, snapshot, generation] {
                        if (generation != self->m_generation || !self->m_onPreview)
                            return;
                        self->m_onPreview(snapshot);
                        emit self->previewed();
                    },
                    Qt::QueuedConnection);
            }};
        // The outcome is read on the GUI thread after QThread::finished, which orders it after
        // every write here.
        try {
            outcome->result = job(context);
            reporter.checkCancel();
            outcome->kind = Outcome::Finished;
        } catch (const core::Cancelled&) {
            outcome->kind = Outcome::Cancelled;
        } catch (const std::bad_alloc&) {
            outcome->error = tr("Out of memory");
        } catch (const std::exception& e) {
            outcome->error = QString::fromStdString(e.what());
        } catch (...) {
            outcome->error = tr("Unknown error");
        }
    });
    connect(m_thread, &QThread::finished, this, &JobRunner::onThreadFinished);
    m_thread->start();
    return true;
}

void JobRunner::cancel()
{
    if (m_cancel)
        m_cancel->cancel();
}

void JobRunner::onThreadFinished()
{
    if (!m_thread)
        return;
    m_thread->deleteLater();
    m_thread = nullptr;
    // Hand over after clearing the thread, so a handler may start the next job at once (which
    // replaces the receivers: take them first).
    const std::shared_ptr<Outcome> outcome = std::move(m_outcome);
    const ErasedReceiver onFinished = std::move(m_onFinished);
    m_onFinished = nullptr;
    m_onPreview = nullptr;
    ++m_generation;
    switch (outcome->kind) {
    case Outcome::Finished:
        if (onFinished)
            onFinished(outcome->result);
        emit finished();
        break;
    case Outcome::Cancelled: emit cancelled(); break;
    case Outcome::Failed: emit failed(outcome->error); break;
    }
}

} // namespace phaselab::widgets
