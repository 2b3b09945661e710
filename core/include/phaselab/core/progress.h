#pragma once

#include <atomic>
#include <string>

#include <phaselab/core/error.h>

namespace phaselab::core {

/// A cancel flag that any thread may set and long-running work polls between bounded steps.
/// Thread-safe; not copyable (share it by reference or pointer).
class CancelToken {
public:
    CancelToken() = default;
    CancelToken(const CancelToken&) = delete;
    CancelToken& operator=(const CancelToken&) = delete;

    void cancel() noexcept { m_cancelled.store(true, std::memory_order_relaxed); }
    void reset() noexcept { m_cancelled.store(false, std::memory_order_relaxed); }
    [[nodiscard]] bool isCancelled() const noexcept
    {
        return m_cancelled.load(std::memory_order_relaxed);
    }
    /// Throws Cancelled when the flag is set.
    void throwIfCancelled() const
    {
        if (isCancelled())
            throw Cancelled();
    }

private:
    std::atomic<bool> m_cancelled{false};
};

/// Receives progress from long-running work. Implementations: a terminal bar (CLI), a throttled
/// Qt signal (GUI). report() is called from the worker thread; it must be cheap.
class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    /// @param fraction in [0, 1]; @param stage a short human-readable label ("propagating").
    virtual void report(double fraction, const std::string& stage) = 0;
};

/// Reports to an optional sink and polls an optional token; both may be null.
class ProgressReporter {
public:
    ProgressReporter(ProgressSink* sink, const CancelToken* cancel) : m_sink(sink), m_cancel(cancel) {}

    /// Reports progress, then throws Cancelled when cancellation was requested.
    void step(double fraction, const std::string& stage) const
    {
        if (m_sink)
            m_sink->report(fraction, stage);
        checkCancel();
    }
    void checkCancel() const
    {
        if (m_cancel)
            m_cancel->throwIfCancelled();
    }

private:
    ProgressSink* m_sink;
    const CancelToken* m_cancel;
};

} // namespace phaselab::core
