// The main window's menus and actions (File, View, Reconstruct, Help) and its recent-files
// list; main_window.cpp assembles the window and shows inputs and results.
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/multi_distance_dialog.h>

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
constexpr int kMaxRecent = 8;  // entries of File ▸ Open recent
} // namespace

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
    QAction* several = file->addAction(tr("Several &distances…"), this, [this] { openMultiDistance(); });
    several->setObjectName(QStringLiteral("severalDistancesAction"));
    several->setToolTip(tr("Reconstruct one object from holograms at several distances, "
                           "registered onto the first"));
    QAction* stack = file->addAction(tr("Reconstruct the whole &stack…"), this, [this] { openStack(); });
    stack->setObjectName(QStringLiteral("wholeStackAction"));
    stack->setToolTip(tr("Every frame of the hologram's stack (multi-page TIFF, 3D HDF5, "
                         "NXtomo) with the current method and parameters, to an HDF5 file or a "
                         "multi-page TIFF pair"));
    file->addSeparator();
    QAction* exportResults =
        file->addAction(tr("&Export phase and absorption…"), this, [this] { chooseResultExport(*this); });
    exportResults->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addAction(tr("Export current &view as PNG…"), this, [this] { chooseViewExport(*this); });
    file->addAction(tr("Export &plot…"), this, [this] { choosePlotExport(*this); });
    file->addSeparator();
    QAction* saveSessionAction =
        file->addAction(tr("&Save session…"), this, [this] { chooseSessionSave(*this); });
    saveSessionAction->setShortcut(QKeySequence::Save);
    file->addAction(tr("&Load session…"), this, [this] { chooseSessionLoad(*this); });
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

    QMenu* labMenu = menuBar()->addMenu(tr("&Lab"));
    labMenu->setObjectName(QStringLiteral("labMenu"));
    for (const auto& [text, tab] :
         {std::pair{tr("&Data sets…"), LabWindow::Tab::Data},
          std::pair{tr("&Training…"), LabWindow::Tab::Training},
          std::pair{tr("&Model library…"), LabWindow::Tab::Models},
          std::pair{tr("&Compare methods…"), LabWindow::Tab::Compare}})
        labMenu->addAction(text, this, [this, tab = tab] { lab()->showTab(tab); });

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

void MainWindow::showHelp()
{
    showMethodsHelp(this);
}

void MainWindow::about()
{
    showAboutBox(this);
}

} // namespace phaselab::widgets
