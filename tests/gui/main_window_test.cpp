// The first window, driven through its real widgets offscreen: the demo hologram, zoom and pan,
// the physical-unit readout, the geometry fields, opening files (good and broken), the French
// translation and the hidden --screenshot option.
#include <QtTest>
#include <QtWidgets>

#include "gui_test_util.h"

#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/widgets/open_dialog.h>
#include <phaselab/widgets/display_panel.h>
#include <phaselab/widgets/parameter_panel.h>
#include <phaselab/widgets/quantity_edit.h>
#include <phaselab/widgets/resolution_panel.h>

#include <qcustomplot.h>
#include <phaselab/widgets/image_view.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/translations.h>

using namespace phaselab;
using widgets::MainWindow;

class MainWindowTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        // Settings and state never touch the user's files.
        test::isolateSettings("gui_main_window_test");
    }

    void showsDemoHologram()
    {
        MainWindow w;
        w.show();
        w.openDemo(128);
        QVERIFY(w.isBusy());
        QVERIFY(test::waitLoaded(w));
        QVERIFY(!w.isBusy());
        const core::ImageF* img = w.imageView()->image();
        QVERIFY(img);
        QCOMPARE(img->width(), 128);
        QVERIFY(w.current()->spec.kind == core::InputSpec::Kind::Demo);
        QVERIFY(w.current()->truePhase);
        // The icon comes from resources/phaselab.qrc through the SVG plugin.
        QVERIFY(!w.windowIcon().pixmap(32, 32).isNull());
        // A hologram: intensity around 1 with visible fringes.
        const core::ImageStats st = core::imageStats(*img);
        QVERIFY(st.mean > 0.5 && st.mean < 1.2);
        QVERIFY(st.max - st.min > 0.05);

        // DGN geometry with its derived values.
        const core::Geometry g = w.parameterPanel()->geometry();
        QCOMPARE(g.energyKeV, 13.0);
        QVERIFY(std::abs(g.distanceM - 0.02) < 1e-12);
        QVERIFY(std::abs(g.pixelSizeM - 12e-9) < 1e-15);
        QVERIFY2(w.parameterPanel()->wavelengthText().contains("0.09537 nm"),
                 qPrintable(w.parameterPanel()->wavelengthText()));
        QVERIFY2(w.parameterPanel()->fresnelText().contains("7.55"),
                 qPrintable(w.parameterPanel()->fresnelText()));
        QVERIFY(w.parameterPanel()->samplingWarning());  // 128 px < 1/F ≈ 13 245 px
    }

    void zoomPanAndReadout()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openDemo(128);
        QVERIFY(test::waitLoaded(w));
        widgets::ImageView* v = w.imageView();

        // The wheel zooms around the cursor: the image point under it stays put.
        const QPointF cursor(v->width() * 0.3, v->height() * 0.6);
        const QPointF before = v->toImage(cursor);
        const double z0 = v->zoom();
        QWheelEvent wheel(cursor, v->mapToGlobal(cursor), QPoint(), QPoint(0, 240), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(v, &wheel);
        QVERIFY(std::abs(v->zoom() - z0 * 1.5625) < 1e-9);
        const QPointF after = v->toImage(cursor);
        QVERIFY(std::abs(after.x() - before.x()) < 1e-9 && std::abs(after.y() - before.y()) < 1e-9);

        // Dragging pans by the mouse displacement.
        const QPoint start(v->width() / 2, v->height() / 2);
        const QPointF imgAtStart = v->toImage(start);
        QTest::mousePress(v, Qt::LeftButton, Qt::NoModifier, start);
        QTest::mouseMove(v, start + QPoint(40, -25));
        QTest::mouseRelease(v, Qt::LeftButton, Qt::NoModifier, start + QPoint(40, -25));
        const QPointF moved = v->toImage(start + QPoint(40, -25));
        QVERIFY(std::abs(moved.x() - imgAtStart.x()) < 1e-6);
        QVERIFY(std::abs(moved.y() - imgAtStart.y()) < 1e-6);

        // Fit, then the readout at the centre pixel, in nanometres at 12 nm pixels.
        v->fitToWindow();
        const QPointF centre = v->toWidget(QPointF(64.5, 32.5));
        QTest::mouseMove(v, centre.toPoint());
        const QString text = w.readoutText();
        QVERIFY2(text.contains("pixel (64, 32)"), qPrintable(text));
        // Physical position of the cursor: pixel 64.5 × 12 nm = 774 nm (within one pixel, since
        // the mouse sits on whole screen pixels).
        const QRegularExpressionMatch m =
            QRegularExpression("x = ([0-9.]+) nm, y = ([0-9.]+) nm").match(text);
        QVERIFY2(m.hasMatch(), qPrintable(text));
        QVERIFY2(std::abs(m.captured(1).toDouble() - 774) < 12, qPrintable(text));
        QVERIFY2(std::abs(m.captured(2).toDouble() - 390) < 12, qPrintable(text));
        QVERIFY2(text.contains("value"), qPrintable(text));

        v->zoomActualSize();
        QVERIFY(std::abs(v->zoom() - 1.0) < 1e-12);
    }

    void parameterFieldsUpdateDerivedValues()
    {
        widgets::ParameterPanel panel;
        QSignalSpy changed(&panel, &widgets::ParameterPanel::parametersChanged);
        panel.setGeometry(core::Geometry::phaseGanPaper());
        QVERIFY(changed.count() >= 1);
        QVERIFY2(panel.wavelengthText().contains("0.1 nm"), qPrintable(panel.wavelengthText()));
        QVERIFY2(panel.fresnelText() == "0.1", qPrintable(panel.fresnelText()));
        panel.setImageSize(256);
        QVERIFY(!panel.samplingWarning());  // 256 ≥ 1/F = 10

        // Typing a value, with or without a unit, is reflected at once.
        QLineEdit* energy = panel.energyEdit()->lineEdit();
        energy->clear();
        QTest::keyClicks(energy, "24.796");
        QVERIFY(std::abs(panel.geometry().energyKeV - 24.796) < 1e-9);
        QVERIFY2(panel.wavelengthText().contains("0.05 nm"), qPrintable(panel.wavelengthText()));
        QLineEdit* distance = panel.distanceEdit()->lineEdit();
        distance->clear();
        QTest::keyClicks(distance, "0.25 m");
        QVERIFY(std::abs(panel.geometry().distanceM - 0.25) < 1e-12);
        // Switching the unit keeps the value and converts the text.
        panel.distanceEdit()->setUnit("cm");
        QCOMPARE(distance->text(), QString("25"));
        QVERIFY(std::abs(panel.geometry().distanceM - 0.25) < 1e-12);

        // Invalid values are marked at the field and reported with the field's name.
        QVERIFY(panel.isValid());
        QSignalSpy validity(&panel, &widgets::ParameterPanel::validityChanged);
        energy->clear();
        QTest::keyClicks(energy, "-3");
        QVERIFY(!panel.isValid());
        QVERIFY2(panel.validationError().contains("Energy"), qPrintable(panel.validationError()));
        QVERIFY(energy->styleSheet().contains("border"));
        QCOMPARE(validity.count(), 1);
        energy->clear();
        QTest::keyClicks(energy, "abc");
        QVERIFY(panel.validationError().contains("not a number"));
        energy->clear();
        QTest::keyClicks(energy, "13 keV");
        QVERIFY(panel.isValid());
        QVERIFY(energy->styleSheet().isEmpty());
    }

    void materialsAndConeBeam()
    {
        widgets::ParameterPanel panel;
        panel.setGeometry(core::Geometry::dgnPaper());
        panel.setMaterialId("phase");
        QCOMPARE(panel.betaOverDelta(), 0.0);
        panel.setMaterialId("Au");
        // Gold at 13 keV: β/δ of order 0.1 (xraylib; it moves fast near the L edges).
        QVERIFY2(panel.betaOverDelta() > 0.03 && panel.betaOverDelta() < 0.3,
                 qPrintable(QString::number(panel.betaOverDelta())));
        panel.setDeltaOverBeta(250);
        QCOMPARE(panel.materialId(), QString("typed"));
        QVERIFY(std::abs(panel.betaOverDelta() - 1.0 / 250) < 1e-12);
        panel.setMaterialId("compound");
        auto* formula = panel.findChildren<QLineEdit*>().at(0);
        for (QLineEdit* e : panel.findChildren<QLineEdit*>())
            if (e->placeholderText().contains("SiO2"))
                formula = e;
        formula->clear();
        QTest::keyClicks(formula, "Xq9");
        QVERIFY(!panel.isValid());
        QVERIFY2(panel.validationError().contains("Xq9"), qPrintable(panel.validationError()));
        formula->clear();
        QTest::keyClicks(formula, "SiO2");
        QVERIFY(panel.isValid());
        QVERIFY(panel.betaOverDelta() > 0);

        // Cone beam: M = z02/z01 = 10, Δx = 6.5 µm / 10, D = z01 (z02 − z01)/z02 = 90 mm.
        for (QGroupBox* g : panel.findChildren<QGroupBox*>())
            if (g->isCheckable())
                g->setChecked(true);
        for (QPushButton* b : panel.findChildren<QPushButton*>())
            if (b->text().contains("effective"))
                b->click();
        QVERIFY(std::abs(panel.geometry().pixelSizeM - 0.65e-6) < 1e-15);
        QVERIFY(std::abs(panel.geometry().distanceM - 0.09) < 1e-12);
    }

    void workspaceSynchronisesAndDisplays()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openDemo(128);
        QVERIFY(test::waitLoaded(w));
        widgets::ImageWorkspace* ws = w.workspace();
        // The demo brings its ground-truth phase as a reference image.
        QVERIFY(ws->has(widgets::ImageRole::Hologram));
        QVERIFY(ws->has(widgets::ImageRole::Reference));
        ws->setLayoutMode(widgets::ImageWorkspace::Layout::SideBySide);
        QTest::qWait(50);
        widgets::ImageView* a = ws->view(widgets::ImageRole::Hologram);
        widgets::ImageView* b = ws->view(widgets::ImageRole::Reference);
        QVERIFY(a->isVisible() && b->isVisible());
        a->zoomAt(2.0, QPointF(a->width() / 2.0, a->height() / 2.0));
        QVERIFY(std::abs(b->zoom() - a->zoom()) < 1e-12);
        QVERIFY((b->offset() - a->offset()).manhattanLength() < 1e-9);

        // A scale bar in physical units (12 nm pixels): a 1-2-5 length.
        QVERIFY(a->scaleBarLength() == 0 || a->scaleBarLength() > 0);
        a->grab();
        const double len = a->scaleBarLength();
        QVERIFY2(len > 0, "no scale bar drawn");
        const double mantissa = len / std::pow(10.0, std::floor(std::log10(len)));
        QVERIFY2(std::abs(mantissa - 1) < 1e-9 || std::abs(mantissa - 2) < 1e-9 ||
                     std::abs(mantissa - 5) < 1e-9,
                 qPrintable(QString::number(len)));

        // The display panel edits the active image: viridis, manual contrast.
        ws->setActiveRole(widgets::ImageRole::Hologram);
        widgets::DisplaySettings d = w.displayPanel()->settings();
        QCOMPARE(d.map, widgets::ColorMap::Grey);
        const auto combos = w.displayPanel()->findChildren<QComboBox*>();
        combos.at(0)->setCurrentIndex(1);  // colour map: viridis
        QCOMPARE(a->colorMap(), widgets::ColorMap::Viridis);
        combos.at(1)->setCurrentIndex(3);  // contrast: manual
        const auto spins = w.displayPanel()->findChildren<QDoubleSpinBox*>();
        spins.at(2)->setValue(0.9);
        spins.at(3)->setValue(1.1);
        QVERIFY(std::abs(a->displayRange().low - 0.9) < 1e-9);
        QVERIFY(std::abs(a->displayRange().high - 1.1) < 1e-9);
        // The reference (phase) kept its own diverging map.
        QCOMPARE(b->colorMap(), widgets::ColorMap::Diverging);
    }

    void resolutionTools()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openDemo(128);
        QVERIFY(test::waitLoaded(w));
        widgets::ResolutionPanel* r = w.resolutionPanel();

        // FRC of the true phase with itself: NMSE 0, FRC 1 everywhere, resolution 2Δx = 24 nm.
        QSignalSpy frc(r, &widgets::ResolutionPanel::frcComputed);
        r->computeFrc(widgets::ImageRole::Reference, widgets::ImageRole::Reference,
                      core::FrcThreshold::TwoSigma);
        QVERIFY(frc.wait(30000));
        QVERIFY(r->evaluation());
        QCOMPARE(r->evaluation()->nmsePercent, 0.0);
        QVERIFY(std::abs(r->evaluation()->frc.resolutionM - 24e-9) < 1e-12);
        QVERIFY(r->frcPlot()->graph(0)->dataCount() > 10);
        // The hologram is no phase map: a much worse figure.
        r->computeFrc(widgets::ImageRole::Hologram, widgets::ImageRole::Reference,
                      core::FrcThreshold::HalfBit);
        QVERIFY(frc.wait(30000));
        QVERIFY(r->evaluation()->nmsePercent > 50);

        // Draw a line with the mouse across the edge of the small zinc sphere of the true phase
        // (centre (32, 92), radius 7.7 px at 128²): an FWHM of a few pixels.
        w.workspace()->setActiveRole(widgets::ImageRole::Reference);
        QTest::qWait(20);
        for (QPushButton* b : r->findChildren<QPushButton*>())
            if (b->text().contains("line"))
                b->setChecked(true);
        widgets::ImageView* v = w.workspace()->view(widgets::ImageRole::Reference);
        QCOMPARE(v->tool(), widgets::ImageView::Tool::Line);
        QSignalSpy edge(r, &widgets::ResolutionPanel::edgeMeasured);
        const QPoint a = v->toWidget(QPointF(44, 92.5)).toPoint();
        const QPoint b = v->toWidget(QPointF(32, 92.5)).toPoint();
        QTest::mousePress(v, Qt::LeftButton, Qt::NoModifier, a);
        QTest::mouseMove(v, (a + b) / 2);
        QTest::mouseMove(v, b);
        QTest::mouseRelease(v, Qt::LeftButton, Qt::NoModifier, b);
        QVERIFY(edge.count() >= 1);
        QVERIFY2(r->edge(), qPrintable(w.logText()));
        const double fwhm = r->edge()->fit.fwhmM;
        QVERIFY2(fwhm > 5e-9 && fwhm < 100e-9, qPrintable(r->edgeText()));
        QVERIFY(r->edgeText().contains("FWHM"));
        QVERIFY(r->edgePlot()->graph(1)->dataCount() > 5);
        // Dragging an end of the line re-measures.
        const int before = edge.count();
        QTest::mousePress(v, Qt::LeftButton, Qt::NoModifier, a);
        QTest::mouseMove(v, a + QPoint(0, 3));
        QTest::mouseRelease(v, Qt::LeftButton, Qt::NoModifier, a + QPoint(0, 3));
        QVERIFY(edge.count() > before);

        // Profile and FRC plots export as CSV, PNG and PDF.
        const QString csv = m_dir.filePath("edge.csv");
        r->exportCurrent(csv);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readLine().startsWith("position_px,position_m,value,fit"));
        r->exportCurrent(m_dir.filePath("edge.png"));
        QVERIFY(!QImage(m_dir.filePath("edge.png")).isNull());
        r->exportCurrent(m_dir.filePath("edge.pdf"));
        QVERIFY(QFileInfo(m_dir.filePath("edge.pdf")).size() > 500);
        QVERIFY_THROWS_EXCEPTION(core::InputError, r->exportCurrent(m_dir.filePath("edge.bmp")));

        // A region on the hologram: mean near 1 against an expected 1.
        QSignalSpy region(r, &widgets::ResolutionPanel::regionMeasured);
        r->measureRegion(widgets::ImageRole::Hologram, QRectF(2, 2, 20, 20), 1.0);
        QCOMPARE(region.count(), 1);
        QVERIFY(r->region());
        QCOMPARE(r->region()->count, std::size_t(400));
        QVERIFY(std::abs(r->region()->mean - 1.0) < 0.3);
        QVERIFY(r->regionText().contains("NE"));
    }

    void opensCalibratedTiffAndSurvivesBrokenFiles()
    {
        const QString good = m_dir.filePath("calibrated.tif");
        core::ImageF img(40, 30, 1.0f);
        img(5, 5) = 2.0f;
        core::ImageMetadata meta;
        meta.pixelSizeM = 50e-9;
        core::writeTiff(good.toStdString(), img, meta);

        MainWindow w;
        w.show();
        w.openFile(good);
        QVERIFY(test::waitLoaded(w));
        QCOMPARE(w.imageView()->image()->width(), 40);
        // TIFF stores the resolution as a rational: float precision.
        QVERIFY2(std::abs(w.parameterPanel()->geometry().pixelSizeM - 50e-9) < 1e-7 * 50e-9,
                 qPrintable(QString::number(w.parameterPanel()->geometry().pixelSizeM, 'g', 17)));
        QVERIFY(w.windowTitle().contains("calibrated.tif"));
        QCOMPARE(w.recentFiles().value(0), QFileInfo(good).absoluteFilePath());
        QVERIFY(w.logText().contains("calibrated.tif"));

        // A broken file: a clear message, and the current image stays.
        const QString bad = m_dir.filePath("broken.tif");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("II*\0garbage", 11);
        f.close();
        QSignalSpy failed(&w, &MainWindow::loadFailed);
        w.openFile(bad);
        QVERIFY(failed.wait(30000));
        QVERIFY2(failed.first().first().toString().contains("broken.tif"),
                 qPrintable(failed.first().first().toString()));
        QCOMPARE(w.imageView()->image()->width(), 40);
        QVERIFY(w.windowTitle().contains("calibrated.tif"));
        QVERIFY(!w.isBusy());
        QVERIFY(w.logText().contains("broken.tif"));
        // The message box is open but non-blocking; close it.
        for (QMessageBox* box : w.findChildren<QMessageBox*>())
            box->close();
    }

    void opensStacksHdf5AndFlatFields()
    {
        MainWindow w;
        w.show();
        // An HDF5 file opens the dialog, which lists its image datasets.
        const QString h5 = m_dir.filePath("recon.h5");
        core::ImageF phase(24, 16, 0.5f), absorption(24, 16, 0.05f);
        phase(3, 4) = 0.9f;
        core::writeHdf5PhaseAbsorption(h5.toStdString(), phase, absorption);
        w.openFile(h5);
        widgets::OpenDialog* dialog = w.findChild<widgets::OpenDialog*>();
        QVERIFY(dialog && dialog->isVisible());
        QVERIFY2(dialog->datasets().contains("/phase") && dialog->datasets().contains("/absorption"),
                 qPrintable(dialog->datasets().join(", ")));
        dialog->setDataset("/phase");
        QVERIFY(dialog->spec().endsWith("recon.h5:/phase"));
        QSignalSpy loaded(&w, &MainWindow::loaded);
        dialog->accept();
        QVERIFY(loaded.wait(30000));
        QCOMPARE((*w.imageView()->image())(3, 4), 0.9f);

        // A TIFF stack: frame 2 of 3.
        const QString stack = m_dir.filePath("stack.tif");
        std::vector<core::ImageF> frames;
        for (int k = 0; k < 3; ++k)
            frames.emplace_back(8, 8, float(10 + k));
        core::writeTiffStack(stack.toStdString(), frames);
        w.openFile(stack);
        dialog = nullptr;
        for (widgets::OpenDialog* d : w.findChildren<widgets::OpenDialog*>())
            if (d->isVisible())
                dialog = d;
        QVERIFY(dialog);
        QVERIFY2(dialog->summary().contains("3 frames"), qPrintable(dialog->summary()));
        dialog->setFrame(2);
        dialog->accept();
        QVERIFY(loaded.wait(30000));
        QCOMPARE((*w.imageView()->image())(0, 0), 12.0f);
        QVERIFY(w.windowTitle().contains("frame 2"));

        // Flat and dark: I = (raw − dark) / (flat − dark).
        const QString raw = m_dir.filePath("raw.tif"), flat = m_dir.filePath("flat.tif"),
                      dark = m_dir.filePath("dark.tif");
        core::writeTiff(raw.toStdString(), core::ImageF(8, 8, 60.0f));
        core::writeTiff(flat.toStdString(), core::ImageF(8, 8, 110.0f));
        core::writeTiff(dark.toStdString(), core::ImageF(8, 8, 10.0f));
        core::FlatFieldSources sources;
        sources.flat = flat.toStdString();
        sources.dark = dark.toStdString();
        w.openInput(raw, 0, sources);
        QVERIFY(loaded.wait(30000));
        QVERIFY(std::abs((*w.imageView()->image())(4, 4) - 0.5f) < 1e-6f);
        QVERIFY(w.logText().contains("Flat-field correction"));
    }

    void dropAndSettingsPersist()
    {
        const QString file = m_dir.filePath("dropped.tif");
        core::writeTiff(file.toStdString(), core::ImageF(20, 10, 1.0f));
        // QApplication routes drops only to the target of a real drag; call the handler itself.
        struct DropWindow : MainWindow {
            using MainWindow::dragEnterEvent;
            using MainWindow::dropEvent;
        };
        {
            DropWindow w;
            w.show();
            // Drag and drop a file onto the window.
            QMimeData mime;
            mime.setUrls({QUrl::fromLocalFile(file)});
            QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            QSignalSpy loaded(&w, &MainWindow::loaded);
            QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton,
                                  Qt::NoModifier);
            w.dragEnterEvent(&enter);
            QVERIFY(enter.isAccepted());
            w.dropEvent(&drop);
            QVERIFY2(w.isBusy(), "the drop did not start loading");
            QVERIFY(loaded.wait(60000));
            QCOMPARE(w.imageView()->image()->width(), 20);
            w.parameterPanel()->distanceEdit()->setUnit("cm");
            w.close();  // saves settings
        }
        MainWindow again;
        QCOMPARE(again.recentFiles().value(0), QFileInfo(file).absoluteFilePath());
        QCOMPARE(again.parameterPanel()->distanceEdit()->unit(), QString("cm"));
    }

    void frenchTranslation()
    {
        QVERIFY(widgets::installTranslations(*qApp, QStringLiteral("fr")));
        MainWindow w;
        const QStringList menus = [&] {
            QStringList t;
            for (QAction* a : w.menuBar()->actions())
                t << a->text();
            return t;
        }();
        QVERIFY2(menus.contains("&Fichier"), qPrintable(menus.join(", ")));
        QVERIFY2(menus.contains("&Affichage"), qPrintable(menus.join(", ")));
        bool energyLabel = false;
        for (QLabel* l : w.parameterPanel()->findChildren<QLabel*>())
            energyLabel |= l->text() == QStringLiteral("Énergie :");
        QVERIFY(energyLabel);
        for (QTranslator* t : qApp->findChildren<QTranslator*>())
            QCoreApplication::removeTranslator(t);
    }

    void screenshotOption()
    {
        const QString exe = qEnvironmentVariable("PHASELAB_GUI");
        QVERIFY(!exe.isEmpty());
        const QString out = m_dir.filePath("shot.png");
        QProcess p;
        p.start(exe, {"--screenshot", out});
        QVERIFY(p.waitForFinished(180000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QImage shot(out);
        QVERIFY(!shot.isNull());
        QVERIFY(shot.width() >= 800 && shot.height() >= 500);

        // The README's FRC scene: IRGN on the demo, then the FRC against its truth.
        const QString frc = m_dir.filePath("frc.png");
        p.start(exe, {"--screenshot", frc, "--view", "frc"});
        QVERIFY(p.waitForFinished(180000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QVERIFY(!QImage(frc).isNull());
        p.start(exe, {"--screenshot", frc, "--view", "nonsense"});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
    }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
