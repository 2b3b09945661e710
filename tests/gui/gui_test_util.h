#pragma once
// Shared by the GUI tests: settings kept out of the user's files, waiting for a load, running
// a method through its buttons.

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_panel.h>

namespace phaselab::test {

/// Test-mode paths and a fresh settings store named after the test.
inline void isolateSettings(const char* testName)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("PhaseLabTest");
    QCoreApplication::setApplicationName(testName);
    QSettings().clear();
}

/// Waits (up to `ms`) until `done` or `failed` has a signal; true for `done`.
inline bool waitEither(QSignalSpy& done, QSignalSpy& failed, int ms)
{
    QElapsedTimer t;
    t.start();
    while (done.isEmpty() && failed.isEmpty() && t.elapsed() < ms)
        QTest::qWait(20);
    return !done.isEmpty();
}

/// The first message of a failed(QString) spy, or "timeout".
inline QByteArray why(const QSignalSpy& failed)
{
    return failed.isEmpty() ? QByteArray("timeout") : failed.first().first().toString().toUtf8();
}

/// Waits (up to `ms`) for the window's next loaded() signal.
inline bool waitLoaded(widgets::MainWindow& w, int ms = 120000)
{
    QSignalSpy loaded(&w, &widgets::MainWindow::loaded);
    return loaded.wait(ms);
}

/// Clicks `button` (Run, Continue) of the method panel and waits (up to `ms`) for its final
/// result; null (with a warning saying why) when the button is disabled or the run fails.
inline widgets::OutcomePtr clickAndWait(widgets::MethodPanel* p, QPushButton* button,
                                        int ms = 120000)
{
    QSignalSpy done(p, &widgets::MethodPanel::resultReady);
    QSignalSpy failed(p, &widgets::MethodPanel::failed);
    if (!button->isEnabled()) {
        qWarning("%s is disabled: %s", qPrintable(button->text()), qPrintable(p->blockReason()));
        return nullptr;
    }
    QTest::mouseClick(button, Qt::LeftButton);
    QElapsedTimer t;
    t.start();
    while (done.isEmpty() && failed.isEmpty() && t.elapsed() < ms)
        QTest::qWait(20);
    if (!failed.isEmpty()) {
        qWarning("failed: %s", qPrintable(failed.first().first().toString()));
        return nullptr;
    }
    return done.isEmpty() ? nullptr : done.first().first().value<widgets::OutcomePtr>();
}

/// Clicks Run and waits for the final result of the current method.
inline widgets::OutcomePtr runAndWait(widgets::MainWindow& w, int ms = 120000)
{
    return clickAndWait(w.methodPanel(), w.methodPanel()->runButton(), ms);
}

} // namespace phaselab::test
