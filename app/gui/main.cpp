// phaselab: the desktop application. `phaselab [FILE.tif]` opens a hologram, or the built-in
// demo hologram when no file is given.
#include <phaselab/core/parallel.h>
#include <phaselab/models/runtime.h>
#include <phaselab/version.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/translations.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QTimer>

#include <cstdio>
#include <cstring>

int main(int argc, char** argv)
{
    // --screenshot renders without a display: choose the offscreen platform before Qt starts.
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--screenshot") == 0 && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("PhaseLab"));
    QApplication::setOrganizationName(QStringLiteral("PhaseLab"));
    QApplication::setApplicationVersion(QStringLiteral(PHASELAB_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "X-ray near-field phase retrieval"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("file"),
                                 QApplication::translate("main", "Hologram to open (TIFF)"),
                                 QStringLiteral("[file]"));
    QCommandLineOption langOption(QStringLiteral("lang"),
                                  QApplication::translate("main", "Interface language (en, fr)"),
                                  QStringLiteral("code"));
    QCommandLineOption shotOption(QStringLiteral("screenshot"),
                                  QStringLiteral("Render the window offscreen to a PNG and exit"),
                                  QStringLiteral("out.png"));
    shotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(langOption);
    parser.addOption(shotOption);
    parser.process(app);

    // --lang wins; otherwise the choice made in View ▸ Language; otherwise the system locale.
    QString language = parser.value(langOption);
    if (language.isEmpty())
        language = QSettings().value(QStringLiteral("ui/language")).toString();
    phaselab::widgets::installTranslations(app, language);
    phaselab::core::setThreadCount(0);
    phaselab::models::initialiseRuntime();

    phaselab::widgets::MainWindow window;
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        window.openDemo();
    else
        window.openFile(files.first());

    const QString shot = parser.value(shotOption);
    if (!shot.isEmpty()) {
        window.resize(1400, 860);
        window.show();
        auto save = [&window, &app, shot] {
            const bool ok = window.grab().save(shot);
            if (!ok)
                std::fprintf(stderr, "phaselab: cannot write %s\n", qPrintable(shot));
            app.exit(ok ? 0 : 1);
        };
        QObject::connect(&window, &phaselab::widgets::MainWindow::loaded, &app,
                         [save] { QTimer::singleShot(200, save); });
        QObject::connect(&window, &phaselab::widgets::MainWindow::loadFailed, &app,
                         [save](const QString& message) {
                             std::fprintf(stderr, "phaselab: %s\n", qPrintable(message));
                             QTimer::singleShot(200, save);
                         });
        return app.exec();
    }
    window.show();
    return app.exec();
}
