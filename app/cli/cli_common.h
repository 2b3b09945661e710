#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include <phaselab/core/progress.h>

namespace phaselab::cli {

/// Exit codes of the command-line contract (architecture.md).
enum ExitCode : int {
    kExitOk = 0,
    kExitInternal = 1,
    kExitUsage = 2,
    kExitInput = 3,
    kExitCancelled = 4,
};

/// A progress bar on stderr, drawn only when stderr is a terminal and JSON output is off;
/// redrawn at most ten times a second.
class TerminalProgress : public core::ProgressSink {
public:
    explicit TerminalProgress(bool enabled);
    ~TerminalProgress() override;
    void report(double fraction, const std::string& stage) override;
    /// Clears the bar's line.
    void finish();

private:
    bool m_enabled;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_last{};
};

/// What every command gets: output mode, progress and the Ctrl-C cancel token.
struct Context {
    bool json = false;
    TerminalProgress* progress = nullptr;
    const core::CancelToken* cancel = nullptr;
    [[nodiscard]] core::ProgressReporter reporter() const { return {progress, cancel}; }
};

/// The token SIGINT sets. The first Ctrl-C requests a clean stop (exit 4, no partial file);
/// a second one ends the process at once.
const core::CancelToken& installInterruptHandler();

/// Prints a JSON object as the command's one line on stdout.
void printJson(const nlohmann::json& j);

/// β/δ of a `--delta-beta` value δ/β; throws core::InputError unless it is finite and > 0.
double betaOverDeltaFlag(double deltaBeta);

/// Wall-clock seconds since `start`.
double secondsSince(std::chrono::steady_clock::time_point start);

} // namespace phaselab::cli
