// The first window, driven through its real widgets offscreen: the demo hologram, zoom and pan,
// the physical-unit readout, the geometry fields, opening files (good and broken), the French
// translation and the hidden --screenshot option.
#include <QtTest>
#include <QtWidgets>

#include <phaselab/core/tiff_io.h>
#include <phaselab/widgets/geometry_panel.h>
#include <phaselab/widgets/image_view.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/translations.h>

using namespace phaselab;
using widgets::MainWindow;

class MainWindowTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    static bool waitLoaded(MainWindow& w)
    {
        QSignalSpy loaded(&w, &MainWindow::loaded);
        return loaded.wait(120000);
    }

private slots:
    void initTestCase()
    {
        // Settings and state never touch the user's files.
        QStandardPaths::setTestModeEnabled(true);
    }

    void showsDemoHologram()
    {
        MainWindow w;
        w.show();
        w.openDemo(128);
        QVERIFY(w.isBusy());
        QVERIFY(waitLoaded(w));
        QVERIFY(!w.isBusy());
        const core::ImageF* img = w.imageView()->image();
        QVERIFY(img);
        QCOMPARE(img->width(), 128);
        QVERIFY(w.current()->isDemo);
        // The icon comes from resources/phaselab.qrc through the SVG plugin.
        QVERIFY(!w.windowIcon().pixmap(32, 32).isNull());
        // A hologram: intensity around 1 with visible fringes.
        const core::ImageStats st = core::imageStats(*img);
        QVERIFY(st.mean > 0.5 && st.mean < 1.2);
        QVERIFY(st.max - st.min > 0.05);

        // DGN geometry with its derived values.
        const core::Geometry g = w.geometryPanel()->geometry();
        QCOMPARE(g.energyKeV, 13.0);
        QVERIFY(std::abs(g.distanceM - 0.02) < 1e-12);
        QVERIFY(std::abs(g.pixelSizeM - 12e-9) < 1e-15);
        QVERIFY2(w.geometryPanel()->wavelengthText().contains("0.09537 nm"),
                 qPrintable(w.geometryPanel()->wavelengthText()));
        QVERIFY2(w.geometryPanel()->fresnelText().contains("7.55"),
                 qPrintable(w.geometryPanel()->fresnelText()));
        QVERIFY(w.geometryPanel()->samplingWarning());  // 128 px < 1/F ≈ 13 245 px
    }

    void zoomPanAndReadout()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openDemo(128);
        QVERIFY(waitLoaded(w));
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

    void geometryFieldsUpdateDerivedValues()
    {
        widgets::GeometryPanel panel;
        QSignalSpy changed(&panel, &widgets::GeometryPanel::geometryChanged);
        panel.setGeometry(core::Geometry::phaseGanPaper());
        QVERIFY(changed.count() >= 1);
        QVERIFY2(panel.wavelengthText().contains("0.1 nm"), qPrintable(panel.wavelengthText()));
        QVERIFY2(panel.fresnelText() == "0.1", qPrintable(panel.fresnelText()));
        panel.setImageSize(256);
        QVERIFY(!panel.samplingWarning());  // 256 ≥ 1/F = 10

        // Typing a value in a field is reflected at once.
        const auto spins = panel.findChildren<QDoubleSpinBox*>();
        QCOMPARE(spins.size(), 3);
        QDoubleSpinBox* energy = spins[0];
        energy->setValue(24.796);
        QVERIFY(std::abs(panel.geometry().energyKeV - 24.796) < 1e-9);
        QVERIFY2(panel.wavelengthText().contains("0.05 nm"), qPrintable(panel.wavelengthText()));
        // Fields refuse non-physical values: the minimum is positive.
        energy->setValue(0);
        QVERIFY(panel.geometry().energyKeV > 0);
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
        QVERIFY(waitLoaded(w));
        QCOMPARE(w.imageView()->image()->width(), 40);
        QVERIFY(std::abs(w.geometryPanel()->geometry().pixelSizeM - 50e-9) < 1e-15);
        QVERIFY(w.windowTitle().contains("calibrated.tif"));

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
        // The message box is open but non-blocking; close it.
        for (QMessageBox* box : w.findChildren<QMessageBox*>())
            box->close();
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
        for (QLabel* l : w.geometryPanel()->findChildren<QLabel*>())
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
    }
};

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
