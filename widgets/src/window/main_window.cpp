#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/multi_distance_dialog.h>
#include <phaselab/widgets/stack_dialog.h>

#include <phaselab/core/error.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/metrics.h>
#include <phaselab/core/units.h>
#include <phaselab/models/learned_method.h>
#include <phaselab/widgets/display_panel.h>
#include <phaselab/widgets/input_controller.h>
#include <phaselab/widgets/input_problem_bar.h>
#include <phaselab/widgets/lab_window.h>
#include <phaselab/widgets/method_form.h>
#include <phaselab/widgets/parameter_panel.h>
#include <phaselab/widgets/quantity_edit.h>
#include <phaselab/widgets/resolution_panel.h>

#include "help_boxes.h"
#include "result_export.h"
#include "session_io.h"

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QIcon>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>

#include <algorithm>

namespace phaselab::widgets {

namespace {

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

/// An image inside an immutable snapshot, sharing the snapshot's lifetime (no copy).
template <typename Owner>
std::shared_ptr<const core::ImageF> alias(const std::shared_ptr<Owner>& owner,
                                          const core::ImageF& image)
{
    return std::shared_ptr<const core::ImageF>(owner, &image);
}
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_workspace(new ImageWorkspace),
      m_problemBar(new InputProblemBar),
      m_parameters(new ParameterPanel),
      m_display(new DisplayPanel),
      m_input(new InputController(this)),
      m_log(new QPlainTextEdit),
      m_readout(new QLabel),
      m_progress(new QProgressBar),
      m_cancelLoading(new QPushButton(tr("Cancel")))
{
    // The learned methods join core's classical ones in the registry (idempotent).
    models::registerLearnedMethods();
    setWindowTitle(tr("PhaseLab"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/phaselab.svg")));
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    auto* centre = new QWidget;
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->addWidget(m_problemBar);
    centreLayout->addWidget(m_workspace, 1);
    setCentralWidget(centre);

    createDocks();
    createStatusBar();
    createActions();

    connect(m_problemBar, &InputProblemBar::normaliseRequested, this, &MainWindow::normaliseInput);
    m_parameters->setHologramSource([this]() -> std::shared_ptr<const core::ImageF> {
        const core::LoadedHologram* h = current();
        if (!h || h->image.empty())
            return nullptr;
        return std::make_shared<const core::ImageF>(h->image);
    });
    connect(m_input, &InputController::loadingStarted, this, [this](const QString& what) {
        statusBar()->showMessage(what);
        log(what);
        m_progress->setValue(0);
        m_progress->show();
        m_cancelLoading->show();
    });
    connect(m_input, &InputController::progressChanged, this,
            [this](double f) { m_progress->setValue(int(f * 1000)); });
    connect(m_input, &InputController::loadingEnded, this, [this] {
        m_progress->hide();
        m_cancelLoading->hide();
    });
    connect(m_input, &InputController::loaded, this, &MainWindow::showLoaded);
    connect(m_input, &InputController::normalised, this, [this] {
        showHologram();
        log(tr("Normalised the hologram by its mean"));
        m_methods->inputChanged();
    });
    connect(m_input, &InputController::loadFailed, this, [this](const QString& message) {
        showError(tr("Cannot open"), message);
        emit loadFailed(message);
    });
    connect(m_input, &InputController::loadCancelled, this,
            [this] { statusBar()->showMessage(tr("Loading cancelled"), 5000); });
    connect(m_input, &InputController::referenceLoaded, this,
            [this](std::shared_ptr<const core::ImageF> image, const QString& source) {
                m_workspace->setImage(ImageRole::Reference, image, tr("reference"));
                m_resolution->imagesChanged();
                log(tr("Reference: %1 (%2 × %3)").arg(source).arg(image->width()).arg(image->height()));
                emit referenceLoaded();
            });
    connect(m_input, &InputController::referenceFailed, this, [this](const QString& message) {
        showError(tr("Cannot open the reference"), message);
        emit loadFailed(message);
    });

    connect(m_workspace, &ImageWorkspace::cursorMoved, this, &MainWindow::showCursor);
    connect(m_workspace, &ImageWorkspace::cursorLeft, m_readout, &QLabel::clear);
    connect(m_workspace, &ImageWorkspace::activeRoleChanged, this, &MainWindow::showActiveDisplay);
    connect(m_display, &DisplayPanel::settingsChanged, this, [this](const DisplaySettings& s) {
        m_workspace->setDisplay(m_workspace->activeRole(), s);
    });
    connect(m_parameters, &ParameterPanel::parametersChanged, this, [this] {
        m_workspace->setPixelSize(m_parameters->geometry().pixelSizeM);
    });
    resize(1400, 860);
    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks()
{
    auto* parameterScroll = new QScrollArea;
    parameterScroll->setWidget(m_parameters);
    parameterScroll->setWidgetResizable(true);
    parameterScroll->setMinimumWidth(380);
    makeDock(this, tr("Parameters"), QStringLiteral("parametersDock"), parameterScroll,
             Qt::RightDockWidgetArea);
    QDockWidget* displayDock = makeDock(this, tr("Display"), QStringLiteral("displayDock"),
                                        m_display, Qt::RightDockWidgetArea);

    m_methods = new MethodPanel({[this] { return baseRequest(); }, [this] { return m_input->current(); },
                                 [this] { return m_parameters->validationError(); }});
    QDockWidget* methodDock = makeDock(this, tr("Method"), QStringLiteral("methodDock"),
                                       m_methods, Qt::LeftDockWidgetArea);
    methodDock->setMinimumWidth(300);
    connect(m_parameters, &ParameterPanel::parametersChanged, m_methods,
            &MethodPanel::inputChanged);
    connect(m_methods, &MethodPanel::started, this, [this](const QString& id) {
        if (MethodForm* f = m_methods->form(id))
            statusBar()->showMessage(tr("Running %1…").arg(f->displayName()));
    });
    connect(m_methods, &MethodPanel::previewReady, this, &MainWindow::showResult);
    connect(m_methods, &MethodPanel::resultReady, this, &MainWindow::showResult);
    connect(m_methods, &MethodPanel::failed, this, [this](const QString& message) {
        // A failed run keeps no result: nothing of it can be mistaken for one, or exported.
        m_result.reset();
        clearResultImages();
        showError(tr("Reconstruction failed"), message);
    });
    connect(m_methods, &MethodPanel::cancelled, this, [this] {
        if (m_result)
            showImages(m_result);
        statusBar()->showMessage(tr("Reconstruction cancelled; the previous result is kept"), 8000);
        log(tr("Reconstruction cancelled"));
    });

    m_resolution = new ResolutionPanel(m_workspace,
                                       [this] { return m_parameters->geometry().pixelSizeM; });
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
}

void MainWindow::createStatusBar()
{
    m_progress->setMaximumWidth(220);
    m_progress->setRange(0, 1000);
    m_progress->hide();
    m_cancelLoading->setObjectName(QStringLiteral("cancelLoading"));
    m_cancelLoading->setToolTip(tr("Stop loading; the current hologram stays"));
    m_cancelLoading->hide();
    connect(m_cancelLoading, &QPushButton::clicked, m_input, &InputController::cancel);
    m_readout->setMinimumWidth(420);
    statusBar()->addPermanentWidget(m_readout);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancelLoading);
}

MultiDistanceDialog* MainWindow::openMultiDistance()
{
    auto* dialog = new MultiDistanceDialog(this, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

StackDialog* MainWindow::openStack()
{
    auto* dialog = new StackDialog(this, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
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
    if (m_lab && !m_lab->confirmClose()) {
        event->ignore();
        return;
    }
    if (m_lab)
        m_lab->hide();  // the application ends with its main window
    saveSettings();
    event->accept();
}

LabWindow* MainWindow::lab()
{
    if (!m_lab)
        m_lab = new LabWindow(*this, this);
    return m_lab;
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

void MainWindow::openFile(const QString& path)
{
    m_lastFolder = QFileInfo(path).absolutePath();
    m_input->openFile(path);
}

void MainWindow::openInput(const QString& spec, int frame, const core::FlatFieldSources& sources)
{
    if (!m_input->openInput(spec, frame, sources))
        statusBar()->showMessage(tr("Still loading; wait or cancel first"), 5000);
}

bool MainWindow::openInput(const core::InputSpec& spec)
{
    if (m_input->openInput(spec))
        return true;
    statusBar()->showMessage(tr("Still loading; wait or cancel first"), 5000);
    return false;
}

void MainWindow::openDemo(int size)
{
    if (!m_input->openDemo(size))
        statusBar()->showMessage(tr("Still loading; wait or cancel first"), 5000);
}

void MainWindow::openReference(const QString& spec, int frame)
{
    m_input->openReference(spec, frame);
}

void MainWindow::usePhaseAsReference()
{
    if (!m_result) {
        statusBar()->showMessage(tr("There is no reconstructed phase yet"), 5000);
        return;
    }
    const QString name = MethodForm::displayName(m_result->method);
    m_workspace->setImage(ImageRole::Reference, alias(m_result, m_result->phase),
                          tr("phase φ [rad] of %1").arg(name));
    m_workspace->setDisplay(ImageRole::Reference, DisplaySettings::defaultsFor(ImageRole::Phase));
    m_resolution->imagesChanged();
    log(tr("Reference: the phase of %1").arg(name));
}

void MainWindow::normaliseInput()
{
    try {
        m_input->normaliseCurrent();
    } catch (const std::exception& e) {
        showError(tr("Cannot normalise"), QString::fromStdString(e.what()));
    }
}

const core::LoadedHologram* MainWindow::current() const
{
    return m_input->current().get();
}

core::ReconstructionRequest MainWindow::baseRequest() const
{
    core::ReconstructionRequest r;
    if (const auto h = m_input->current())
        r.input = h->spec;
    r.geometry = m_parameters->geometry();
    r.propagation = m_parameters->propagation();
    r.betaOverDelta = m_parameters->betaOverDelta();
    return r;
}

void MainWindow::showHologram()
{
    const std::shared_ptr<const core::LoadedHologram> h = m_input->current();
    m_workspace->setImage(ImageRole::Hologram, alias(h, h->image), quantityLabel(ImageRole::Hologram));
    m_problemBar->setProblem(QString::fromStdString(h->problem));
    showActiveDisplay();
}

void MainWindow::showLoaded()
{
    const std::shared_ptr<const core::LoadedHologram> h = m_input->current();
    const bool demo = h->spec.kind == core::InputSpec::Kind::Demo;
    m_workspace->clearAll();
    m_result.reset();
    m_methods->forgetLastOutcome();
    showHologram();
    if (h->truePhase) {
        m_workspace->setImage(ImageRole::Reference, h->truePhase, tr("true phase φ [rad]"));
        m_workspace->setDisplay(ImageRole::Reference, DisplaySettings::defaultsFor(ImageRole::Phase));
    }
    m_workspace->setActiveRole(ImageRole::Hologram);
    m_resolution->imagesChanged();
    if (h->geometry)
        m_parameters->setGeometry(*h->geometry);
    // The demo opens ready for every method: Paganin needs a homogeneous prior, and pure phase
    // is no sample of the demo's (Au, Pd, Zn: δ/β 8, 26, 13 at 13 keV); 30 gave IRGN 0.87 % on
    // the 256² demo (gui_workflow_test). A prior the user chose is kept.
    if (demo && m_parameters->betaOverDelta() <= 0 && m_parameters->materialId() == QLatin1String("phase"))
        m_parameters->setDeltaOverBeta(30);
    if (!h->geometry && h->pixelSizeM > 0)
        m_parameters->setPixelSize(h->pixelSizeM);
    m_workspace->setPixelSize(m_parameters->geometry().pixelSizeM);
    m_parameters->setImageSize(std::max(h->image.width(), h->image.height()));
    showActiveDisplay();
    if (!demo)
        addRecentFile(QFile::decodeName(core::parseImageSpec(h->spec.path).path.c_str()));
    if (h->provenance.contains("flat_dark"))
        log(tr("Flat-field correction: %1")
                .arg(QString::fromStdString(h->provenance["flat_dark"].dump())));
    if (h->provenance.contains("flat_field_warning"))
        log(QString::fromStdString(h->provenance["flat_field_warning"].get<std::string>()));

    const QString name = inputName(h->spec);
    setWindowTitle(tr("%1 — PhaseLab").arg(name));
    const core::ImageStats st = core::imageStats(h->image);
    const QString msg = tr("%1: %2 × %3 pixels, values %4 … %5")
                            .arg(name)
                            .arg(h->image.width())
                            .arg(h->image.height())
                            .arg(st.min, 0, 'g', 5)
                            .arg(st.max, 0, 'g', 5);
    statusBar()->showMessage(msg);
    log(msg);
    if (!h->problem.empty())
        log(QString::fromStdString(h->problem));
    m_methods->inputChanged();
    emit loaded();
}

void MainWindow::showImages(const OutcomePtr& o)
{
    // The workspace shares the images inside the outcome: no copies.
    m_workspace->setImage(ImageRole::Phase, alias(o, o->phase), quantityLabel(ImageRole::Phase));
    m_workspace->setImage(ImageRole::Absorption, alias(o, o->absorption),
                          quantityLabel(ImageRole::Absorption));
    if (!o->residual.empty())
        m_workspace->setImage(ImageRole::Residual, alias(o, o->residual),
                              quantityLabel(ImageRole::Residual));
}

void MainWindow::clearResultImages()
{
    for (ImageRole role : {ImageRole::Phase, ImageRole::Absorption, ImageRole::Residual})
        m_workspace->clear(role);
    m_resolution->imagesChanged();
    showActiveDisplay();
}

void MainWindow::showResult(OutcomePtr o)
{
    if (!o)
        return;
    showImages(o);
    if (o->preview)
        return;
    m_result = o;
    if (m_workspace->activeRole() == ImageRole::Hologram)
        m_workspace->setActiveRole(ImageRole::Phase);
    m_resolution->imagesChanged();
    showActiveDisplay();
    QString msg = tr("%1 finished in %2 s")
                      .arg(MethodForm::displayName(o->method))
                      .arg(o->seconds, 0, 'f', 2);
    if (o->iterations > 0)
        msg += tr(", %1 iterations").arg(o->iterations);
    msg += tr(", residual %1").arg(o->residualRms, 0, 'g', 4);
    const core::LoadedHologram* h = current();
    if (h && h->truePhase && o->phase.sameShape(*h->truePhase)) {
        try {
            msg += tr("; phase NMSE against the demo's truth %1 %")
                       .arg(core::nmsePercent(o->phase, *h->truePhase), 0, 'g', 3);
        } catch (const core::InputError&) {
            // An all-zero truth has no NMSE.
        }
    }
    statusBar()->showMessage(msg);
    log(msg);
    for (const std::string& w : o->warnings)
        log(tr("Warning: %1").arg(QString::fromStdString(w)));
}

void MainWindow::exportResults(const QString& prefix) const
{
    writeResultFiles(m_result.get(), prefix);
}

void MainWindow::exportViewPng(const QString& path) const
{
    writeViewPng(*m_workspace, path);
}

void MainWindow::saveSession(const QString& path) const
{
    widgets::saveSession(*this, path);
}

void MainWindow::loadSession(const QString& path)
{
    widgets::loadSession(*this, path);
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
    return m_input->isBusy();
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

} // namespace phaselab::widgets
