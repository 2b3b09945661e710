#include "cli_common.h"

#include <phaselab/core/error.h>
#include <phaselab/core/units.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>

#include <unistd.h>

namespace phaselab::cli {

namespace {

core::CancelToken g_interrupt;

extern "C" void onInterrupt(int)
{
    g_interrupt.cancel();        // lock-free atomic store: async-signal-safe
    std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C stops at once
}

} // namespace

TerminalProgress::TerminalProgress(bool enabled)
    : m_enabled(enabled && ::isatty(STDERR_FILENO))
{
}

TerminalProgress::~TerminalProgress()
{
    finish();
}

void TerminalProgress::report(double fraction, const std::string& stage)
{
    if (!m_enabled)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && fraction < 1.0 && now - m_last < std::chrono::milliseconds(100))
        return;
    m_last = now;
    if (fraction < 0)
        fraction = 0;
    if (fraction > 1)
        fraction = 1;
    constexpr int kWidth = 30;
    const int filled = int(fraction * kWidth + 0.5);
    std::string bar(std::size_t(filled), '#');
    bar.append(std::size_t(kWidth - filled), '-');
    std::fprintf(stderr, "\r[%s] %3d%% %-30.30s", bar.c_str(), int(fraction * 100 + 0.5),
                 stage.c_str());
    std::fflush(stderr);
    m_drawn = true;
}

void TerminalProgress::finish()
{
    if (m_enabled && m_drawn) {
        std::fprintf(stderr, "\r%70s\r", "");
        std::fflush(stderr);
        m_drawn = false;
    }
}

const core::CancelToken& installInterruptHandler()
{
    struct sigaction sa {};
    sa.sa_handler = onInterrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    return g_interrupt;
}

void printJson(const nlohmann::json& j)
{
    std::cout << j.dump() << std::endl;
}

double betaOverDeltaFlag(double deltaBeta)
{
    if (!std::isfinite(deltaBeta) || deltaBeta <= 0)
        throw core::InputError("--delta-beta must be a finite ratio δ/β > 0, got " +
                               core::formatNumber(deltaBeta, 6));
    return 1.0 / deltaBeta;
}

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace phaselab::cli
