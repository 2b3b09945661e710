#pragma once
// Hands the progress of a core/models function that takes a ProgressSink to a job's
// ProgressReporter, whose step() also throws core::Cancelled once the job is cancelled: such a
// function then stops at its next report.

#include <phaselab/core/progress.h>

namespace phaselab::widgets {

class ReporterSink : public core::ProgressSink {
public:
    explicit ReporterSink(const core::ProgressReporter& reporter) : m_reporter(reporter) {}
    void report(double fraction, const std::string& stage) override
    {
        m_reporter.step(fraction, stage);
    }

private:
    const core::ProgressReporter& m_reporter;
};

} // namespace phaselab::widgets
