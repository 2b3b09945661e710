#include <phaselab/widgets/main_window.h>

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/error.h>
#include <phaselab/core/phantom.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/core/units.h>
#include <phaselab/widgets/classical_methods.h>
#include <phaselab/widgets/display_panel.h>
#include <phaselab/widgets/job_runner.h>
#include <phaselab/widgets/learned_methods.h>
#include <phaselab/widgets/method_panel.h>
#include <phaselab/widgets/open_dialog.h>
#include <phaselab/widgets/parameter_panel.h>
#include <phaselab/widgets/quantity_edit.h>
#include <phaselab/widgets/resolution_panel.h>
#include <phaselab/version.h>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QIcon>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>

#include <algorithm>
#include <fstream>

namespace phaselab::widgets {

namespace {
constexpr int kMaxRecent = 8;

QDockWidget* makeDock(QMainWindow* window, const QString& title, const QString& name,
                      QWidget* content, Qt::DockWidgetArea area)
{
    auto* dock = new QDockWidget(title, window);
    dock->setObjectName(name);
    dock->setWidget(content);
    window->addDockWidget(area, dock);
    return dock;
}

QString quantityLabel(ImageRole role)
{
    switch (role) {
    case ImageRole::Hologram: return MainWindow::tr("intensity");
    case ImageRole::Phase: return MainWindow::tr("phase φ [rad]");
    case ImageRole::Absorption: return MainWindow::tr("absorption B");
    case ImageRole::Residual: return MainWindow::tr("I − F(f)");
    case ImageRole::Reference: return MainWindow::tr("reference");
    }
    return {};
}
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_workspace(new ImageWorkspace),
      m_parameters(new ParameterPanel),
      m_display(new DisplayPanel),
      m_resolution(nullptr),
      m_methods(nullptr),
      m_log(new QPlainTextEdit),
      m_readout(new QLabel),
      m_progress(new QProgressBar),
      m_loader(new JobRunner(this)),
      m_referenceLoader(new JobRunner(this))
{
    setWindowTitle(tr("PhaseLab"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/phaselab.svg")));
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    setCentralWidget(m_workspace);

    auto* parameterScroll = new QScrollArea;
    parameterScroll->setWidget(m_parameters);
    parameterScroll->setWidgetResizable(true);
    parameterScroll->setMinimumWidth(380);
    makeDock(this, tr("Parameters"), QStringLiteral("parametersDock"), parameterScroll,
             Qt::RightDockWidgetArea);
    QDockWidget* displayDock = makeDock(this, tr("Display"), QStringLiteral("displayDock"),
                                        m_display, Qt::RightDockWidgetArea);
    m_methods = new MethodPanel([this] { return reconstructionInput(); },
                                [this] { return m_parameters->validationError(); });
    m_methods->addMethod(makeCtfMethod());
    m_methods->addMethod(makePaganinMethod());
    m_methods->addMethod(makeIrgnMethod());
    m_methods->addMethod(makeDgnMethod());
    m_methods->addMethod(makeMsdMethod());
    QDockWidget* methodDock = makeDock(this, tr("Method"), QStringLiteral("methodDock"),
                                       m_methods, Qt::LeftDockWidgetArea);
    methodDock->setMinimumWidth(300);
    connect(m_parameters, &ParameterPanel::parametersChanged, m_methods,
            &MethodPanel::inputChanged);
    connect(m_methods, &MethodPanel::started, this, [this](const QString& id) {
        if (ReconstructionMethod* m = m_methods->method(id))
            statusBar()->showMessage(tr("Running %1…").arg(m->displayName()));
    });
    connect(m_methods, &MethodPanel::previewReady, this, &MainWindow::showResult);
    connect(m_methods, &MethodPanel::resultReady, this, &MainWindow::showResult);
    connect(m_methods, &MethodPanel::failed, this,
            [this](const QString& message) { showError(tr("Reconstruction failed"), message); });
    connect(m_methods, &MethodPanel::cancelled, this, [this] {
        statusBar()->showMessage(tr("Reconstruction cancelled; the previous result is kept"), 8000);
        log(tr("Reconstruction cancelled"));
    });

    m_resolution = new ResolutionPanel(
        m_workspace, [this] { return m_parameters->geometry().pixelSizeM; });
    QDockWidget* resolutionDock = makeDock(this, tr("Resolution"),
                                           QStringLiteral("resolutionDock"), m_resolution,
                                           Qt::RightDockWidgetArea);
    // Right: the parameters above, display and resolution as tabs below (a saved layout wins).
    tabifyDockWidget(displayDock, resolutionDock);
    resolutionDock->raise();
    connect(m_resolution, &ResolutionPanel::message, this, &MainWindow::log);
    connect(m_resolution, &ResolutionPanel::edgeMeasured, this, [this] {
        if (!m_resolution->edgeText().isEmpty())
            log(tr("Edge: %1").arg(m_resolution->edgeText()));
    });
    connect(m_resolution, &ResolutionPanel::frcComputed, this,
            [this] { log(tr("FRC: %1").arg(m_resolution->frcText())); });
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);
    QDockWidget* logDock =
        makeDock(this, tr("Log"), QStringLiteral("logDock"), m_log, Qt::BottomDockWidgetArea);
    logDock->hide();

    m_progress->setMaximumWidth(220);
    m_progress->setRange(0, 1000);
    m_progress->hide();
    m_readout->setMinimumWidth(420);
    statusBar()->addPermanentWidget(m_readout);
    statusBar()->addPermanentWidget(m_progress);

    createActions();

    connect(m_workspace, &ImageWorkspace::cursorMoved, this, &MainWindow::showCursor);
    connect(m_workspace, &ImageWorkspace::cursorLeft, m_readout, &QLabel::clear);
    connect(m_workspace, &ImageWorkspace::activeRoleChanged, this, &MainWindow::showActiveDisplay);
    connect(m_display, &DisplayPanel::settingsChanged, this, [this](const DisplaySettings& s) {
        m_workspace->setDisplay(m_workspace->activeRole(), s);
    });
    connect(m_parameters, &ParameterPanel::parametersChanged, this, [this] {
        m_workspace->setPixelSize(m_parameters->geometry().pixelSizeM);
    });
    connect(m_loader, &JobRunner::progressChanged, this, [this](double f, const QString&) {
        m_progress->setValue(int(f * 1000));
    });
    connect(m_loader, &JobRunner::finished, this, [this](std::shared_ptr<const void> r) {
        m_progress->hide();
        showLoaded(std::static_pointer_cast<const LoadedImage>(r));
    });
    connect(m_loader, &JobRunner::failed, this, [this](const QString& message) {
        m_progress->hide();
        showError(tr("Cannot open"), message);
        emit loadFailed(message);
    });
    connect(m_referenceLoader, &JobRunner::finished, this, [this](std::shared_ptr<const void> r) {
        auto loaded = std::static_pointer_cast<const LoadedImage>(r);
        m_workspace->setImage(ImageRole::Reference,
                              std::shared_ptr<const core::ImageF>(loaded, &loaded->image),
                              tr("reference"));
        m_resolution->imagesChanged();
        log(tr("Reference: %1 (%2 × %3)")
                .arg(loaded->source)
                .arg(loaded->image.width())
                .arg(loaded->image.height()));
        emit referenceLoaded();
    });
    connect(m_referenceLoader, &JobRunner::failed, this, [this](const QString& message) {
        showError(tr("Cannot open the reference"), message);
        emit loadFailed(message);
    });
    connect(m_loader, &JobRunner::cancelled, this, [this] {
        m_progress->hide();
        statusBar()->showMessage(tr("Cancelled"), 5000);
    });
    resize(1400, 860);
    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open…"), this, &MainWindow::chooseFile);
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &demo hologram"), QKeySequence(Qt::CTRL | Qt::Key_D), this,
                    [this] { openDemo(); });
    m_recentMenu = file->addMenu(tr("Open &recent"));
    file->addAction(tr("Open re&ference image…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open a reference image"), m_lastFolder,
            tr("Images (*.tif *.tiff *.h5 *.hdf5 *.nxs *.edf *.png *.jpg *.bmp);;All files (*)"));
        if (!path.isEmpty())
            openReference(path);
    });
    file->addAction(tr("&Keep the phase as reference"), this, &MainWindow::usePhaseAsReference);
    file->addSeparator();
    QAction* exportResults =
        file->addAction(tr("&Export phase and absorption…"), this, [this] { chooseExport(0); });
    exportResults->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addAction(tr("Export current &view as PNG…"), this, [this] { chooseExport(1); });
    file->addAction(tr("Export &plot…"), this, &MainWindow::exportPlot);
    file->addSeparator();
    QAction* saveSessionAction =
        file->addAction(tr("&Save session…"), this, [this] { chooseExport(2); });
    saveSessionAction->setShortcut(QKeySequence::Save);
    file->addAction(tr("&Load session…"), this, [this] { chooseExport(3); });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    view->addAction(tr("Zoom &in"), QKeySequence::ZoomIn, m_workspace,
                    &ImageWorkspace::zoomInActive);
    view->addAction(tr("Zoom &out"), QKeySequence::ZoomOut, m_workspace,
                    &ImageWorkspace::zoomOutActive);
    view->addAction(tr("&Fit to window"), QKeySequence(Qt::CTRL | Qt::Key_0), m_workspace,
                    &ImageWorkspace::fitAll);
    view->addAction(tr("&Actual size (1:1)"), QKeySequence(Qt::CTRL | Qt::Key_1), m_workspace,
                    &ImageWorkspace::actualSizeActive);
    view->addSeparator();
    auto* layoutGroup = new QActionGroup(this);
    QAction* tabs = view->addAction(tr("Images as &tabs"));
    QAction* side = view->addAction(tr("Images &side by side"));
    tabs->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    side->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    for (QAction* a : {tabs, side}) {
        a->setCheckable(true);
        layoutGroup->addAction(a);
    }
    tabs->setChecked(true);
    connect(tabs, &QAction::triggered, this,
            [this] { m_workspace->setLayoutMode(ImageWorkspace::Layout::Tabs); });
    connect(side, &QAction::triggered, this,
            [this] { m_workspace->setLayoutMode(ImageWorkspace::Layout::SideBySide); });
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());

    QMenu* language = view->addMenu(tr("&Language"));
    auto* languageGroup = new QActionGroup(this);
    const QString currentLanguage = QSettings().value(QStringLiteral("ui/language")).toString();
    for (const auto& [code, name] : {std::pair{QStringLiteral(""), tr("System default")},
                                     std::pair{QStringLiteral("en"), QStringLiteral("English")},
                                     std::pair{QStringLiteral("fr"), QStringLiteral("Français")}}) {
        QAction* a = language->addAction(name);
        a->setCheckable(true);
        a->setChecked(code == currentLanguage);
        languageGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, code = code] {
            QSettings().setValue(QStringLiteral("ui/language"), code);
            statusBar()->showMessage(tr("The language changes when PhaseLab starts again"), 8000);
        });
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* helpAction = help->addAction(tr("&Methods and references"), this, &MainWindow::showHelp);
    helpAction->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About PhaseLab"), this, &MainWindow::about);
    updateRecentMenu();
}

void MainWindow::restoreSettings()
{
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_recent = s.value(QStringLiteral("files/recent")).toStringList();
    m_lastFolder = s.value(QStringLiteral("files/lastFolder")).toString();
    const QString energyUnit = s.value(QStringLiteral("units/energy")).toString();
    const QString distanceUnit = s.value(QStringLiteral("units/distance")).toString();
    const QString pixelUnit = s.value(QStringLiteral("units/pixel")).toString();
    if (!energyUnit.isEmpty())
        m_parameters->energyEdit()->setUnit(energyUnit);
    if (!distanceUnit.isEmpty())
        m_parameters->distanceEdit()->setUnit(distanceUnit);
    if (!pixelUnit.isEmpty())
        m_parameters->pixelEdit()->setUnit(pixelUnit);
    updateRecentMenu();
}

void MainWindow::saveSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("files/recent"), m_recent);
    s.setValue(QStringLiteral("files/lastFolder"), m_lastFolder);
    s.setValue(QStringLiteral("units/energy"), m_parameters->energyEdit()->unit());
    s.setValue(QStringLiteral("units/distance"), m_parameters->distanceEdit()->unit());
    s.setValue(QStringLiteral("units/pixel"), m_parameters->pixelEdit()->unit());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) {
        openFile(urls.first().toLocalFile());
        event->acceptProposedAction();
    }
}

void MainWindow::startLoad(const QString& what, JobRunner::Job job)
{
    if (m_loader->isRunning()) {
        statusBar()->showMessage(tr("Still loading; wait or cancel first"), 5000);
        return;
    }
    statusBar()->showMessage(what);
    log(what);
    m_progress->setValue(0);
    m_progress->show();
    m_loader->start(std::move(job));
}

void MainWindow::openFile(const QString& path)
{
    m_lastFolder = QFileInfo(path).absolutePath();
    bool needsDialog = false;
    try {
        const core::ImageFileInfo info = core::imageInfo(QFile::encodeName(path).toStdString());
        needsDialog = info.format == core::ImageFormat::Hdf5 || info.frames > 1;
    } catch (const std::exception&) {
        // Unreadable: loading reports the problem in the usual way.
    }
    if (!needsDialog) {
        openInput(path);
        return;
    }
    auto* dialog = new OpenDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setPath(path);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        openInput(dialog->spec(), dialog->frame(), dialog->sources());
    });
    dialog->open();
}

void MainWindow::openInput(const QString& specText, int frame,
                           const core::FlatFieldSources& sources)
{
    // Absolute paths, so recent files and sessions work from anywhere.
    const core::ImageSpec parsed = core::parseImageSpec(QFile::encodeName(specText).toStdString());
    QString spec = QFileInfo(QFile::decodeName(parsed.path.c_str())).absoluteFilePath();
    if (!parsed.dataset.empty())
        spec += QLatin1Char(':') + QString::fromStdString(parsed.dataset);
    const std::string file = QFile::encodeName(spec).toStdString();
    startLoad(tr("Loading %1…").arg(QFileInfo(spec).fileName()),
              [file, spec, frame, sources](const JobContext& context) {
                  const core::ProgressReporter& progress = context.progress;
                  progress.step(0.0, "reading");
                  core::CorrectedFrame f = core::loadCorrectedFrame(file, frame, sources);
                  auto out = std::make_shared<LoadedImage>();
                  out->image = std::move(f.image);
                  out->source = spec;
                  out->frame = frame;
                  out->sources = sources;
                  out->pixelSizeM = f.info.metadata.pixelSizeM;
                  out->provenance = std::move(f.provenance);
                  progress.step(1.0, "done");
                  return std::shared_ptr<const void>(std::move(out));
              });
}

void MainWindow::openReference(const QString& spec, int frame)
{
    if (m_referenceLoader->isRunning())
        return;
    const std::string file = QFile::encodeName(spec).toStdString();
    m_referenceLoader->start([file, frame, spec](const JobContext& context) {
        context.progress.step(0.0, "reading");
        auto out = std::make_shared<LoadedImage>();
        out->image = core::readImage(file, frame);
        out->source = spec;
        out->frame = frame;
        return std::shared_ptr<const void>(std::move(out));
    });
}

void MainWindow::usePhaseAsReference()
{
    if (!m_result || !m_result->phase) {
        statusBar()->showMessage(tr("There is no reconstructed phase yet"), 5000);
        return;
    }
    m_workspace->setImage(ImageRole::Reference, m_result->phase,
                          tr("phase φ [rad] of %1").arg(m_result->methodName));
    m_workspace->setDisplay(ImageRole::Reference, DisplaySettings::defaultsFor(ImageRole::Phase));
    m_resolution->imagesChanged();
    log(tr("Reference: the phase of %1").arg(m_result->methodName));
}

void MainWindow::openDemo(int size)
{
    startLoad(tr("Simulating the demo hologram…"),
              [size](const JobContext& context) {
                  const core::ProgressReporter& progress = context.progress;
                  progress.step(0.0, "simulating");
                  core::DemoSample demo = core::makeDemoSample(size);
                  auto out = std::make_shared<LoadedImage>();
                  out->image = std::move(demo.hologram);
                  out->isDemo = true;
                  out->geometry = demo.geometry;
                  out->pixelSizeM = demo.geometry.pixelSizeM;
                  out->truePhase =
                      std::make_shared<const core::ImageF>(demo.object.phase.cast<float>());
                  out->trueAbsorption =
                      std::make_shared<const core::ImageF>(demo.object.absorption.cast<float>());
                  out->source = tr("demo hologram (Au/Pd/Zn phantom, 13 keV, 20 mm, 12 nm)");
                  progress.step(1.0, "done");
                  return std::shared_ptr<const void>(std::move(out));
              });
}

void MainWindow::showLoaded(std::shared_ptr<const LoadedImage> image)
{
    m_current = std::move(image);
    // Alias the image inside the snapshot: the workspace shares it without copying.
    auto hologram = std::shared_ptr<const core::ImageF>(m_current, &m_current->image);
    m_workspace->clearAll();
    m_workspace->setImage(ImageRole::Hologram, hologram, quantityLabel(ImageRole::Hologram));
    if (m_current->isDemo && m_current->truePhase) {
        m_workspace->setImage(ImageRole::Reference, m_current->truePhase,
                              tr("true phase φ [rad]"));
        m_workspace->setDisplay(ImageRole::Reference, DisplaySettings::defaultsFor(ImageRole::Phase));
    }
    m_workspace->setActiveRole(ImageRole::Hologram);
    m_result.reset();
    if (m_pendingResult)
        showResult(std::exchange(m_pendingResult, nullptr));
    m_resolution->imagesChanged();
    if (m_current->isDemo)
        m_parameters->setGeometry(m_current->geometry);
    else if (m_current->pixelSizeM > 0)
        m_parameters->setPixelSize(m_current->pixelSizeM);
    m_workspace->setPixelSize(m_parameters->geometry().pixelSizeM);
    m_parameters->setImageSize(std::max(hologram->width(), hologram->height()));
    showActiveDisplay();
    if (!m_current->isDemo)
        addRecentFile(QString::fromStdString(core::parseImageSpec(
            QFile::encodeName(m_current->source).toStdString()).path));
    if (m_current->provenance.contains("flat_dark"))
        log(tr("Flat-field correction: %1")
                .arg(QString::fromStdString(m_current->provenance["flat_dark"].dump())));

    const QString name = m_current->isDemo
                             ? tr("demo hologram")
                             : QFileInfo(m_current->source).fileName() +
                                   (m_current->frame > 0 ? tr(" [frame %1]").arg(m_current->frame)
                                                         : QString());
    setWindowTitle(tr("%1 — PhaseLab").arg(name));
    const core::ImageStats st = core::imageStats(*hologram);
    QString msg = tr("%1: %2 × %3 pixels, values %4 … %5")
                      .arg(name)
                      .arg(hologram->width())
                      .arg(hologram->height())
                      .arg(st.min, 0, 'g', 5)
                      .arg(st.max, 0, 'g', 5);
    if (st.nonFinite > 0)
        msg += tr("; warning: %1 non-finite (NaN/Inf) pixels, shown black").arg(st.nonFinite);
    statusBar()->showMessage(msg);
    log(msg);
    m_methods->inputChanged();
    emit loaded();
}

ReconstructionInput MainWindow::reconstructionInput() const
{
    ReconstructionInput in;
    if (m_current)
        in.hologram = std::shared_ptr<const core::ImageF>(m_current, &m_current->image);
    in.geometry = m_parameters->geometry();
    in.propagation = m_parameters->propagation();
    in.betaOverDelta = m_parameters->betaOverDelta();
    in.source = m_current ? m_current->source : QString();
    if (m_current)
        in.provenance = m_current->provenance;
    return in;
}

void MainWindow::showResult(std::shared_ptr<const ReconstructionResult> r)
{
    if (!r)
        return;
    if (r->phase)
        m_workspace->setImage(ImageRole::Phase, r->phase, quantityLabel(ImageRole::Phase));
    if (r->absorption)
        m_workspace->setImage(ImageRole::Absorption, r->absorption,
                              quantityLabel(ImageRole::Absorption));
    if (r->residual)
        m_workspace->setImage(ImageRole::Residual, r->residual, quantityLabel(ImageRole::Residual));
    if (r->preview)
        return;
    m_result = r;
    if (m_workspace->activeRole() == ImageRole::Hologram && r->phase)
        m_workspace->setActiveRole(ImageRole::Phase);
    m_resolution->imagesChanged();
    showActiveDisplay();
    QString msg = tr("%1 finished in %2 s").arg(r->methodName).arg(r->seconds, 0, 'f', 2);
    if (r->iterations > 0)
        msg += tr(", %1 iterations").arg(r->iterations);
    if (!r->residualHistory.empty())
        msg += tr(", residual %1").arg(r->residualHistory.back(), 0, 'g', 4);
    if (m_current && m_current->isDemo && m_current->truePhase && r->phase &&
        r->phase->sameShape(*m_current->truePhase)) {
        double num = 0, den = 0;
        for (std::size_t i = 0; i < r->phase->size(); ++i) {
            const double d = double((*r->phase)[i]) - double((*m_current->truePhase)[i]);
            num += d * d;
            den += double((*m_current->truePhase)[i]) * double((*m_current->truePhase)[i]);
        }
        if (den > 0)
            msg += tr("; phase NMSE against the demo's truth %1 %").arg(100 * num / den, 0, 'g', 3);
    }
    statusBar()->showMessage(msg);
    log(msg);
}

void MainWindow::exportResults(const QString& prefix) const
{
    if (!m_result || !m_result->phase)
        throw core::InputError(tr("There is no reconstruction to export yet").toStdString());
    core::ImageMetadata meta;
    meta.pixelSizeM = m_result->parameters.value("geometry", nlohmann::json::object())
                          .value("pixel_size_m", m_parameters->geometry().pixelSizeM);
    meta.parameters = m_result->parameters;
    meta.parameters["seconds"] = m_result->seconds;
    meta.parameters["iterations"] = m_result->iterations;
    const std::string base = QFile::encodeName(prefix).toStdString();
    meta.parameters["quantity"] = "phase";
    core::writeTiff(base + "_phase.tif", *m_result->phase, meta);
    if (m_result->absorption) {
        meta.parameters["quantity"] = "absorption";
        core::writeTiff(base + "_absorption.tif", *m_result->absorption, meta);
    }
}

void MainWindow::exportViewPng(const QString& path) const
{
    ImagePanel* p = m_workspace->activePanel();
    if (!p || !p->view()->image())
        throw core::InputError(tr("There is no image to export").toStdString());
    const std::string file = QFile::encodeName(path).toStdString();
    core::AtomicFile out(file);
    // QImage picks the format from the suffix; the temporary name has none.
    if (!p->view()->renderedImage().save(QFile::decodeName(out.tempPath().c_str()), "PNG"))
        throw core::InputError(file + ": cannot write the PNG");
    out.commit();
}

void MainWindow::saveSession(const QString& path) const
{
    if (!m_current)
        throw core::InputError(tr("There is nothing to save yet").toStdString());
    nlohmann::json j;
    j["phaselab_session"] = 1;
    j["phaselab_version"] = PHASELAB_VERSION;
    if (m_current->isDemo)
        j["input"] = {{"kind", "demo"}, {"size", m_current->image.width()}};
    else
        j["input"] = {{"kind", "file"},
                      {"spec", m_current->source.toStdString()},
                      {"frame", m_current->frame},
                      {"flat", m_current->sources.flat},
                      {"flat_after", m_current->sources.flatAfter},
                      {"dark", m_current->sources.dark},
                      {"averaging", m_current->sources.averaging == core::FrameAveraging::Median
                                        ? "median"
                                        : "mean"},
                      {"automatic", m_current->sources.automatic}};
    j["parameters"] = m_parameters->toJson();
    if (ReconstructionMethod* m = m_methods->currentMethod())
        j["method"] = {{"id", m->id().toStdString()}, {"options", m->options()}};
    j["layout"] = m_workspace->layoutMode() == ImageWorkspace::Layout::Tabs ? "tabs" : "side";
    QString stem = path;
    if (stem.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive))
        stem.chop(5);
    if (m_result && m_result->phase) {
        exportResults(stem);
        j["result"] = {{"method", m_result->methodId.toStdString()},
                       {"method_name", m_result->methodName.toStdString()},
                       {"phase", QFileInfo(stem + "_phase.tif").fileName().toStdString()},
                       {"absorption",
                        m_result->absorption
                            ? QFileInfo(stem + "_absorption.tif").fileName().toStdString()
                            : std::string()},
                       {"seconds", m_result->seconds},
                       {"iterations", m_result->iterations}};
    }
    const std::string file = QFile::encodeName(path).toStdString();
    core::AtomicFile out(file);
    {
        std::ofstream f(out.tempPath());
        f << j.dump(2) << "\n";
        if (!f.flush())
            throw core::InputError(file + ": cannot write");
    }
    out.commit();
}

void MainWindow::loadSession(const QString& path)
{
    const std::string file = QFile::encodeName(path).toStdString();
    std::ifstream f(file);
    if (!f)
        throw core::InputError(file + ": cannot open");
    const nlohmann::json j = nlohmann::json::parse(f, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("phaselab_session"))
        throw core::InputError(file + ": not a PhaseLab session file");
    const nlohmann::json input = j.value("input", nlohmann::json::object());
    const std::string kind = input.value("kind", "");
    if (kind != "demo" && kind != "file")
        throw core::InputError(file + ": the session names no input");

    // Results first (they are shown once the input has loaded), so a missing file fails early.
    std::shared_ptr<ReconstructionResult> result;
    if (j.contains("result")) {
        const nlohmann::json r = j["result"];
        const QString dir = QFileInfo(path).absolutePath();
        result = std::make_shared<ReconstructionResult>();
        result->methodId = QString::fromStdString(r.value("method", ""));
        result->methodName = QString::fromStdString(r.value("method_name", ""));
        result->seconds = r.value("seconds", 0.0);
        result->iterations = r.value("iterations", 0);
        core::TiffInfo info;
        const std::string phase =
            QFile::encodeName(dir + "/" + QString::fromStdString(r.value("phase", ""))).toStdString();
        result->phase = std::make_shared<const core::ImageF>(core::readTiff<float>(phase, &info));
        result->parameters = info.metadata.parameters;
        const std::string absorption = r.value("absorption", "");
        if (!absorption.empty())
            result->absorption = std::make_shared<const core::ImageF>(core::readTiff<float>(
                QFile::encodeName(dir + "/" + QString::fromStdString(absorption)).toStdString()));
    }
    m_parameters->fromJson(j.value("parameters", nlohmann::json::object()));
    if (j.contains("method")) {
        const QString id = QString::fromStdString(j["method"].value("id", ""));
        m_methods->setCurrentMethod(id);
        if (ReconstructionMethod* m = m_methods->method(id))
            m->setOptions(j["method"].value("options", nlohmann::json::object()));
    }
    m_workspace->setLayoutMode(j.value("layout", "tabs") == "side"
                                   ? ImageWorkspace::Layout::SideBySide
                                   : ImageWorkspace::Layout::Tabs);
    m_pendingResult = result;
    // The input's own loading would reset the geometry: keep the session's.
    const nlohmann::json parameters = j.value("parameters", nlohmann::json::object());
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(this, &MainWindow::loaded, this, [this, parameters, connection] {
        disconnect(*connection);
        m_parameters->fromJson(parameters);
    });
    log(tr("Session %1").arg(path));
    if (kind == "demo")
        openDemo(input.value("size", 512));
    else {
        core::FlatFieldSources sources;
        sources.flat = input.value("flat", "");
        sources.flatAfter = input.value("flat_after", "");
        sources.dark = input.value("dark", "");
        sources.averaging = core::parseFrameAveraging(input.value("averaging", "mean"));
        sources.automatic = input.value("automatic", true);
        openInput(QString::fromStdString(input.value("spec", "")), input.value("frame", 0),
                  sources);
    }
}

void MainWindow::chooseExport(int what)
{
    try {
        QString path;
        switch (what) {
        case 0:
            path = QFileDialog::getSaveFileName(this, tr("Export phase and absorption (prefix)"),
                                                m_lastFolder + "/reconstruction",
                                                tr("Prefix of the TIFF files (*)"));
            if (!path.isEmpty()) {
                exportResults(path);
                log(tr("Exported %1_phase.tif and %1_absorption.tif").arg(path));
            }
            break;
        case 1:
            path = QFileDialog::getSaveFileName(this, tr("Export view"), m_lastFolder,
                                                tr("PNG image (*.png)"));
            if (!path.isEmpty()) {
                exportViewPng(path);
                log(tr("Exported %1").arg(path));
            }
            break;
        case 2:
            path = QFileDialog::getSaveFileName(this, tr("Save session"), m_lastFolder,
                                                tr("PhaseLab session (*.json)"));
            if (!path.isEmpty()) {
                saveSession(path);
                log(tr("Saved session %1").arg(path));
            }
            break;
        case 3:
            path = QFileDialog::getOpenFileName(this, tr("Load session"), m_lastFolder,
                                                tr("PhaseLab session (*.json)"));
            if (!path.isEmpty())
                loadSession(path);
            break;
        }
    } catch (const std::exception& e) {
        showError(tr("Cannot complete"), QString::fromStdString(e.what()));
    }
}

void MainWindow::showActiveDisplay()
{
    ImagePanel* p = m_workspace->activePanel();
    if (p)
        m_display->showFor(p->view()->sharedImage(), p->display());
    else
        m_display->showFor(nullptr, DisplaySettings{});
}

void MainWindow::showCursor(ImageRole role, QPointF p)
{
    const std::shared_ptr<const core::ImageF> img = m_workspace->image(role);
    if (!img)
        return;
    const int ix = int(p.x()), iy = int(p.y());
    const double dx = m_parameters->geometry().pixelSizeM;
    const float v = (*img)(ix, iy);
    m_readout->setText(tr("x = %1, y = %2   pixel (%3, %4)   value %5")
                           .arg(QString::fromStdString(core::formatLength(p.x() * dx, 4)),
                                QString::fromStdString(core::formatLength(p.y() * dx, 4)))
                           .arg(ix)
                           .arg(iy)
                           .arg(double(v), 0, 'g', 6));
}

ImageView* MainWindow::imageView() const
{
    return m_workspace->view(ImageRole::Hologram);
}

QString MainWindow::readoutText() const
{
    return m_readout->text();
}

bool MainWindow::isBusy() const
{
    return m_loader->isRunning();
}

QStringList MainWindow::recentFiles() const
{
    return m_recent;
}

void MainWindow::log(const QString& message)
{
    m_log->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) +
                           message);
}

QString MainWindow::logText() const
{
    return m_log->toPlainText();
}

void MainWindow::showError(const QString& title, const QString& message)
{
    statusBar()->showMessage(message, 10000);
    log(title + QStringLiteral(": ") + message);
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();  // window-modal, never blocks the event loop
}

void MainWindow::addRecentFile(const QString& path)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    m_recent.removeAll(abs);
    m_recent.prepend(abs);
    while (m_recent.size() > kMaxRecent)
        m_recent.removeLast();
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    for (const QString& path : m_recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openFile(path); })
            ->setToolTip(path);
    m_recentMenu->setEnabled(!m_recent.isEmpty());
}

void MainWindow::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open hologram"), m_lastFolder,
        tr("Images (*.tif *.tiff *.h5 *.hdf5 *.nxs *.hdf *.edf *.png *.jpg *.jpeg *.bmp);;"
           "All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

void MainWindow::exportPlot()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export plot"), m_lastFolder,
        tr("PNG image (*.png);;PDF document (*.pdf);;CSV table (*.csv)"));
    if (path.isEmpty())
        return;
    try {
        m_resolution->exportCurrent(path);
        log(tr("Exported %1").arg(path));
    } catch (const std::exception& e) {
        showError(tr("Cannot export"), QString::fromStdString(e.what()));
    }
}

void MainWindow::showHelp()
{
    QString methods;
    for (const QString& id : m_methods->methodIds())
        if (ReconstructionMethod* m = m_methods->method(id))
            methods += QStringLiteral("<li><b>%1</b>: %2</li>").arg(m->displayName(), m->description());
    auto* box = new QMessageBox(this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(tr("PhaseLab help"));
    box->setTextFormat(Qt::RichText);
    box->setText(
        tr("<h3>Working with PhaseLab</h3>"
           "<ol><li>Open a hologram (File ▸ Open, drag and drop, or the demo).</li>"
           "<li>Set energy, distance and pixel size; pick the material or type δ/β.</li>"
           "<li>Choose a method and press Run (Ctrl+R); Escape cancels.</li>"
           "<li>Draw a line across an edge for its FWHM, or compare two images by FRC.</li>"
           "<li>Export phase and absorption as calibrated 32-bit TIFF (Ctrl+E).</li></ol>"
           "<h3>Methods</h3><ul>%1</ul>"
           "<h3>Conventions and references</h3>"
           "<p>Object (B, φ) with T = exp(−B − iφ), Fresnel propagator exp(−iπλD|ξ|²); metrics "
           "NMSE, FRC with the 2σ criterion, FRCM, erf edge fit (FWHM = 2.3548 σ).</p>"
           "<p>Deep Gauss–Newton: K. Mom, M. Langer, B. Sixou, Optics Letters 48(5), 1136 (2023). "
           "PhaseGAN: Y. Zhang et al., Optics Express 29(13), 19593 (2021). MS-D Net: D. Pelt, "
           "J. Sethian, PNAS 115(2), 254 (2018). IRGN: S. Maretzke et al., Optics Express 24(6), "
           "6490 (2016). Paganin: D. Paganin et al., J. Microscopy 206, 33 (2002).</p>")
            .arg(methods.isEmpty() ? tr("<li>none registered</li>") : methods));
    box->open();
}

void MainWindow::about()
{
    QMessageBox::about(
        this, tr("About PhaseLab"),
        tr("<h3>PhaseLab %1</h3><p>X-ray near-field (in-line holography) phase retrieval: "
           "Fresnel forward model, classical and learned reconstruction, resolution "
           "metrics.</p>")
            .arg(QStringLiteral(PHASELAB_VERSION)));
}

} // namespace phaselab::widgets
