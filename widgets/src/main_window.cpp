#include <phaselab/widgets/main_window.h>

#include <phaselab/core/phantom.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/core/units.h>
#include <phaselab/widgets/color_bar.h>
#include <phaselab/widgets/geometry_panel.h>
#include <phaselab/widgets/image_view.h>
#include <phaselab/widgets/job_runner.h>
#include <phaselab/version.h>

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QStatusBar>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace phaselab::widgets {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_view(new ImageView),
      m_colorBar(new ColorBar),
      m_geometry(new GeometryPanel),
      m_histogram(new QCustomPlot),
      m_readout(new QLabel),
      m_progress(new QProgressBar),
      m_loader(new JobRunner(this))
{
    setWindowTitle(tr("PhaseLab"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/phaselab.svg")));
    auto* central = new QWidget;
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_colorBar);
    setCentralWidget(central);

    auto* geometryDock = new QDockWidget(tr("Geometry"), this);
    geometryDock->setObjectName(QStringLiteral("geometryDock"));
    geometryDock->setWidget(m_geometry);
    addDockWidget(Qt::RightDockWidgetArea, geometryDock);

    m_histogram->setMinimumSize(260, 170);
    m_histogram->xAxis->setLabel(tr("value"));
    m_histogram->yAxis->setLabel(tr("pixels"));
    m_histogram->addGraph();
    m_histogram->graph(0)->setLineStyle(QCPGraph::lsStepCenter);
    m_histogram->graph(0)->setBrush(QColor(80, 120, 200, 90));
    auto* histogramDock = new QDockWidget(tr("Histogram"), this);
    histogramDock->setObjectName(QStringLiteral("histogramDock"));
    histogramDock->setWidget(m_histogram);
    addDockWidget(Qt::RightDockWidgetArea, histogramDock);

    m_progress->setMaximumWidth(220);
    m_progress->setRange(0, 1000);
    m_progress->hide();
    m_readout->setMinimumWidth(420);
    statusBar()->addPermanentWidget(m_readout);
    statusBar()->addPermanentWidget(m_progress);

    createActions();
    if (QMenu* view = menuBar()->findChild<QMenu*>(QStringLiteral("viewMenu"))) {
        view->addSeparator();
        view->addAction(geometryDock->toggleViewAction());
        view->addAction(histogramDock->toggleViewAction());
    }

    connect(m_view, &ImageView::cursorMoved, this, &MainWindow::showCursor);
    connect(m_view, &ImageView::cursorLeft, m_readout, &QLabel::clear);
    connect(m_loader, &JobRunner::progressChanged, this, [this](double f, const QString&) {
        m_progress->setValue(int(f * 1000));
    });
    connect(m_loader, &JobRunner::finished, this, [this](std::shared_ptr<const void> r) {
        m_progress->hide();
        showLoaded(std::static_pointer_cast<const LoadedImage>(r));
    });
    connect(m_loader, &JobRunner::failed, this, [this](const QString& message) {
        m_progress->hide();
        statusBar()->showMessage(message, 10000);
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Cannot open"), message,
                                    QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();  // window-modal, never blocks the event loop
        emit loadFailed(message);
    });
    connect(m_loader, &JobRunner::cancelled, this, [this] {
        m_progress->hide();
        statusBar()->showMessage(tr("Cancelled"), 5000);
    });
    resize(1280, 820);
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open…"), this, &MainWindow::chooseFile);
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &demo hologram"), this, [this] { openDemo(); });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    view->addAction(tr("Zoom &in"), QKeySequence::ZoomIn, m_view, &ImageView::zoomIn);
    view->addAction(tr("Zoom &out"), QKeySequence::ZoomOut, m_view, &ImageView::zoomOut);
    view->addAction(tr("&Fit to window"), QKeySequence(Qt::CTRL | Qt::Key_0), m_view,
                    &ImageView::fitToWindow);
    view->addAction(tr("&Actual size (1:1)"), QKeySequence(Qt::CTRL | Qt::Key_1), m_view,
                    &ImageView::zoomActualSize);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About PhaseLab"), this, &MainWindow::about);
}

void MainWindow::startLoad(
    const QString& what,
    std::function<std::shared_ptr<const void>(const core::ProgressReporter&)> job)
{
    if (m_loader->isRunning()) {
        statusBar()->showMessage(tr("Still loading; wait or cancel first"), 5000);
        return;
    }
    statusBar()->showMessage(what);
    m_progress->setValue(0);
    m_progress->show();
    m_loader->start(std::move(job));
}

void MainWindow::openFile(const QString& path)
{
    const std::string file = QFile::encodeName(path).toStdString();
    startLoad(tr("Loading %1…").arg(QFileInfo(path).fileName()),
              [file, path](const core::ProgressReporter& progress) {
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
              [size](const core::ProgressReporter& progress) {
                  progress.step(0.0, "simulating");
                  core::DemoSample demo = core::makeDemoSample(size);
                  auto out = std::make_shared<LoadedImage>();
                  out->image = std::move(demo.hologram);
                  out->isDemo = true;
                  out->geometry = demo.geometry;
                  out->pixelSizeM = demo.geometry.pixelSizeM;
                  out->source = tr("demo hologram (Au/Pd/Zn phantom, 13 keV, 20 mm, 12 nm)");
                  progress.step(1.0, "done");
                  return std::shared_ptr<const void>(std::move(out));
              });
}

void MainWindow::showLoaded(std::shared_ptr<const LoadedImage> image)
{
    m_current = std::move(image);
    // Alias the image inside the snapshot: the view shares it without copying.
    m_shownImage = std::shared_ptr<const core::ImageF>(m_current, &m_current->image);
    const DisplayRange range = percentileRange(*m_shownImage);
    m_view->setImage(m_shownImage, range);
    m_colorBar->setRange(range);
    m_colorBar->setLabel(tr("intensity"));
    if (m_current->isDemo)
        m_geometry->setGeometry(m_current->geometry);
    else if (m_current->pixelSizeM > 0)
        m_geometry->setPixelSize(m_current->pixelSizeM);
    m_geometry->setImageSize(std::max(m_shownImage->width(), m_shownImage->height()));
    updateHistogram();

    const QString name = m_current->isDemo ? tr("demo hologram")
                                           : QFileInfo(m_current->source).fileName();
    setWindowTitle(tr("%1 — PhaseLab").arg(name));
    const core::ImageStats st = core::imageStats(*m_shownImage);
    QString msg = tr("%1: %2 × %3 pixels, values %4 … %5")
                      .arg(name)
                      .arg(m_shownImage->width())
                      .arg(m_shownImage->height())
                      .arg(st.min, 0, 'g', 5)
                      .arg(st.max, 0, 'g', 5);
    if (st.nonFinite > 0)
        msg += tr("; warning: %n non-finite (NaN/Inf) pixel(s), shown black", "",
                  int(std::min<std::size_t>(st.nonFinite, 2147483647u)));
    statusBar()->showMessage(msg);
    emit loaded();
}

void MainWindow::updateHistogram()
{
    if (!m_shownImage)
        return;
    const DisplayRange r = m_view->displayRange();
    const double pad = 0.25 * (r.high - r.low);
    const double lo = r.low - pad, hi = r.high + pad;
    constexpr int kBins = 128;
    QVector<double> x(kBins), y(kBins, 0.0);
    for (int i = 0; i < kBins; ++i)
        x[i] = lo + (i + 0.5) * (hi - lo) / kBins;
    for (float v : *m_shownImage) {
        if (!std::isfinite(v))
            continue;
        const int b = int((v - lo) / (hi - lo) * kBins);
        if (b >= 0 && b < kBins)
            y[b] += 1;
    }
    m_histogram->graph(0)->setData(x, y, true);
    m_histogram->xAxis->setRange(lo, hi);
    m_histogram->yAxis->setRange(0, *std::max_element(y.begin(), y.end()) * 1.05 + 1);
    m_histogram->replot();
}

void MainWindow::showCursor(QPointF p)
{
    if (!m_shownImage)
        return;
    const int ix = int(p.x()), iy = int(p.y());
    const double dx = m_geometry->geometry().pixelSizeM;
    const float v = (*m_shownImage)(ix, iy);
    m_readout->setText(tr("x = %1, y = %2   pixel (%3, %4)   value %5")
                           .arg(QString::fromStdString(core::formatLength(p.x() * dx, 4)),
                                QString::fromStdString(core::formatLength(p.y() * dx, 4)))
                           .arg(ix)
                           .arg(iy)
                           .arg(double(v), 0, 'g', 6));
}

QString MainWindow::readoutText() const
{
    return m_readout->text();
}

bool MainWindow::isBusy() const
{
    return m_loader->isRunning();
}

void MainWindow::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open hologram"), QString(), tr("TIFF images (*.tif *.tiff);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
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
