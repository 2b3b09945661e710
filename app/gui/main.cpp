// phaselab: the desktop application. `phaselab [FILE.tif]` opens a hologram, or the built-in
// demo hologram when no file is given.
#include "lab_scenes.h"

#include <phaselab/core/classical_methods.h>
#include <phaselab/core/parallel.h>
#include <phaselab/models/runtime.h>
#include <phaselab/version.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_form.h>
#include <phaselab/widgets/method_panel.h>
#include <phaselab/widgets/parameter_panel.h>
#include <phaselab/widgets/resolution_panel.h>
#include <phaselab/widgets/translations.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QSettings>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <cstring>

namespace {

using namespace phaselab::widgets;

// The scenes of the README's screenshots, on the demo hologram: IRGN (homogeneous, δ/β 30,
// positivity, stopped by the discrepancy principle at the demo's 40 dB noise) with the images
// side by side; then a line across the zinc sphere's edge with its erf fit, or the FRC of the
// phase against the demo's truth.
void stageDemoScreenshot(MainWindow& window, const QString& view, std::function<void()> save)
{
    MethodPanel* methods = window.methodPanel();
    methods->setAutoUpdate(false);
    if (view != QLatin1String("reconstruction"))
        if (auto* dock = window.findChild<QDockWidget*>(QStringLiteral("displayDock")))
            dock->hide();  // room for the resolution plots
    QObject::connect(&window, &MainWindow::loaded, &window, [&window, methods] {
        window.workspace()->setLayoutMode(ImageWorkspace::Layout::SideBySide);
        window.parameterPanel()->setDeltaOverBeta(30);
        const phaselab::core::ImageStats st = phaselab::core::imageStats(window.current()->image);
        phaselab::core::IrgnMethodOptions irgn;
        irgn.unknowns = phaselab::core::IrgnUnknowns::Homogeneous;
        irgn.irgn.alpha0 = 10.0;
        irgn.irgn.newtonSteps = 40;
        irgn.irgn.positivity = true;
        irgn.irgn.noiseLevel = (st.max - st.min) / 100;
        methods->setCurrentMethod(QStringLiteral("irgn"));
        methods->form(QStringLiteral("irgn"))->setOptions(irgn);
        methods->run();
    });
    QObject::connect(methods, &MethodPanel::failed, &window, [save](const QString& message) {
        std::fprintf(stderr, "phaselab: %s\n", qPrintable(message));
        save();
    });
    QObject::connect(methods, &MethodPanel::resultReady, &window, [&window, view, save] {
        ResolutionPanel* r = window.resolutionPanel();
        const double s = window.current()->image.width() / 128.0;
        if (view == QLatin1String("profile")) {
            window.workspace()->setActiveRole(ImageRole::Phase);
            r->setBandWidth(5);
            r->measureEdge(ImageRole::Phase, QLineF(44 * s, 92.5 * s, 32 * s, 92.5 * s));
        } else if (view == QLatin1String("frc")) {
            QObject::connect(r, &ResolutionPanel::frcComputed, &window,
                             [save] { QTimer::singleShot(300, save); });
            r->computeFrc(ImageRole::Phase, ImageRole::Reference,
                          phaselab::core::FrcThreshold::TwoSigma);
            return;
        }
        QTimer::singleShot(300, save);
    });
}

} // namespace

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
    QCommandLineOption viewOption(
        QStringLiteral("view"),
        QStringLiteral("With --screenshot on the demo: hologram, reconstruction (IRGN, side by "
                       "side), profile (edge fit), frc (against the demo's truth), training "
                       "(the lab's training panel mid-run) or compare (the lab's compare view)"),
        QStringLiteral("view"), QStringLiteral("hologram"));
    viewOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(langOption);
    parser.addOption(shotOption);
    parser.addOption(viewOption);
    parser.process(app);

    // --lang wins; otherwise the choice made in View ▸ Language; otherwise the system locale.
    QString language = parser.value(langOption);
    if (language.isEmpty())
        language = QSettings().value(QStringLiteral("ui/language")).toString();
    phaselab::widgets::installTranslations(app, language);
    phaselab::core::setThreadCount(0);
    phaselab::core::retainLargeAllocations();
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
        const auto save = [&window, &app, shot] {
            const bool ok = window.grab().save(shot);
            if (!ok)
                std::fprintf(stderr, "phaselab: cannot write %s\n", qPrintable(shot));
            app.exit(ok ? 0 : 1);
        };
        const QString view = parser.value(viewOption);
        if (view != QLatin1String("hologram") && !files.isEmpty()) {
            std::fprintf(stderr, "phaselab: --view %s needs the demo hologram\n", qPrintable(view));
            return 2;
        }
        if (view == QLatin1String("hologram")) {
            QObject::connect(&window, &phaselab::widgets::MainWindow::loaded, &app,
                             [save] { QTimer::singleShot(200, save); });
        } else if (view == QLatin1String("reconstruction") || view == QLatin1String("profile") ||
                   view == QLatin1String("frc")) {
            stageDemoScreenshot(window, view, save);
        } else if (isLabScene(view)) {
            stageLabScene(window, view, [&app, shot](QWidget* widget) {
                const bool ok = widget->grab().save(shot);
                if (!ok)
                    std::fprintf(stderr, "phaselab: cannot write %s\n", qPrintable(shot));
                app.exit(ok ? 0 : 1);
            });
        } else {
            std::fprintf(stderr, "phaselab: unknown --view %s\n", qPrintable(view));
            return 2;
        }
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
