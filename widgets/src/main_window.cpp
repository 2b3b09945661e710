#include <phaselab/widgets/main_window.h>

#include <phaselab/core/phantom.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/core/units.h>
#include <phaselab/widgets/display_panel.h>
#include <phaselab/widgets/job_runner.h>
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
      m_log(new QPlainTextEdit),
      m_readout(new QLabel),
      m_progress(new QProgressBar),
      m_loader(new JobRunner(this))
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
    makeDock(this, tr("Display"), QStringLiteral("displayDock"), m_display,
             Qt::RightDockWidgetArea);
    m_resolution = new ResolutionPanel(
        m_workspace, [this] { return m_parameters->geometry().pixelSizeM; });
    makeDock(this, tr("Resolution"), QStringLiteral("resolutionDock"), m_resolution,
             Qt::RightDockWidgetArea);
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
    file->addSeparator();
    file->addAction(tr("Export &plot…"), this, &MainWindow::exportPlot);
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

    QMenu* help = menuBar()->addMenu(tr("&Help"));
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
    const std::string file = QFile::encodeName(path).toStdString();
    m_lastFolder = QFileInfo(path).absolutePath();
    startLoad(tr("Loading %1…").arg(QFileInfo(path).fileName()),
              [file, path](const JobContext& context) {
                  const core::ProgressReporter& progress = context.progress;
                  progress.step(0.0, "reading");
                  auto out = std::make_shared<LoadedImage>();
                  core::TiffInfo info;
                  out->image = core::readTiff<float>(file, &info);
                  out->source = path;
                  out->pixelSizeM = info.metadata.pixelSizeM;
                  progress.step(1.0, "done");
                  return std::shared_ptr<const void>(std::move(out));
              });
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
    m_resolution->imagesChanged();
    if (m_current->isDemo)
        m_parameters->setGeometry(m_current->geometry);
    else if (m_current->pixelSizeM > 0)
        m_parameters->setPixelSize(m_current->pixelSizeM);
    m_workspace->setPixelSize(m_parameters->geometry().pixelSizeM);
    m_parameters->setImageSize(std::max(hologram->width(), hologram->height()));
    showActiveDisplay();
    if (!m_current->isDemo)
        addRecentFile(m_current->source);

    const QString name = m_current->isDemo ? tr("demo hologram")
                                           : QFileInfo(m_current->source).fileName();
    setWindowTitle(tr("%1 — PhaseLab").arg(name));
    const core::ImageStats st = core::imageStats(*hologram);
    QString msg = tr("%1: %2 × %3 pixels, values %4 … %5")
                      .arg(name)
                      .arg(hologram->width())
                      .arg(hologram->height())
                      .arg(st.min, 0, 'g', 5)
                      .arg(st.max, 0, 'g', 5);
    if (st.nonFinite > 0)
        msg += tr("; warning: %n non-finite (NaN/Inf) pixel(s), shown black", "",
                  int(std::min<std::size_t>(st.nonFinite, 2147483647u)));
    statusBar()->showMessage(msg);
    log(msg);
    emit loaded();
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
        this, tr("Open hologram"), m_lastFolder, tr("TIFF images (*.tif *.tiff);;All files (*)"));
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
