#pragma once
// Shared by the GUI tests: settings kept out of the user's files, and waiting for a load.

#include <QCoreApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>

#include <phaselab/widgets/main_window.h>

namespace phaselab::test {

/// Test-mode paths and a fresh settings store named after the test.
inline void isolateSettings(const char* testName)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("PhaseLabTest");
    QCoreApplication::setApplicationName(testName);
    QSettings().clear();
}

/// Waits (up to `ms`) for the window's next loaded() signal.
inline bool waitLoaded(widgets::MainWindow& w, int ms = 120000)
{
    QSignalSpy loaded(&w, &widgets::MainWindow::loaded);
    return loaded.wait(ms);
}

} // namespace phaselab::test
