// Issue 14 in the application: the autofocus dialog beside the distance field (scan in a
// worker, the curve with its optimum, "Use this distance"), and the several-distances dialog
// (table of holograms, Register with the overlay, Reconstruct into the main window, export,
// Cancel).
#include <QtTest>
#include <QtWidgets>

#include "gui_test_util.h"
#include "test_util.h"
#include "core/sphere_holograms.h"

#include <phaselab/core/fresnel.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/widgets/autofocus_dialog.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/multi_distance_dialog.h>
#include <phaselab/widgets/parameter_panel.h>
#include <phaselab/widgets/quantity_edit.h>

#include <qcustomplot.h>

#include <cstdio>
#include <filesystem>

using namespace phaselab;
using widgets::AutofocusDialog;
using widgets::MainWindow;
using widgets::MultiDistanceDialog;

namespace {

/// A weak object (β/δ = 0.1) at λ = 1 Å, 1 µm pixels, at `distanceM`, moved by (dx, dy) pixels.
core::ImageF hologram(int n, double distanceM, int dx = 0, int dy = 0)
{
    const core::ImageD phi0 = test::blobImage<double>(n, n, 0.1, 7);
    core::ImageD phi(n, n), B(n, n);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x)
            phi(((x + dx) % n + n) % n, ((y + dy) % n + n) % n) = phi0(x, y);
    for (std::size_t i = 0; i < B.size(); ++i)
        B[i] = 0.1 * phi[i];
    core::Geometry g = core::Geometry::phaseGanPaper();
    g.distanceM = distanceM;
    return core::propagateIntensity(g, B, phi).cast<float>();
}



} // namespace

class SeriesGuiTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString writeHologram(const QString& name, int n, double d, int dx = 0, int dy = 0)
    {
        const QString path = m_dir.filePath(name);
        core::writeTiff(path.toStdString(), hologram(n, d, dx, dy));
        return path;
    }

    /// A window at the test holograms' physics (12.398 keV, 1 µm, β/δ 0.1).
    static void setPhysics(MainWindow& w)
    {
        core::Geometry g = core::Geometry::phaseGanPaper();
        w.parameterPanel()->setGeometry(g);
        w.parameterPanel()->setDeltaOverBeta(10);
    }

    static MultiDistanceDialog* openFromMenu(MainWindow& w)
    {
        auto* action = w.findChild<QAction*>(QStringLiteral("severalDistancesAction"));
        if (!action)
            return nullptr;
        action->trigger();
        return w.findChild<MultiDistanceDialog*>();
    }

private slots:
    void initTestCase() { test::isolateSettings("gui_series_test"); }

    // The demo hologram with the distance set 20 % too far: the dialog's default range is
    // ±20 % of it in the field's unit, the scan finds the demo's distance, the curve and its
    // optimum are plotted, and "Use this distance" sets the field.
    void autofocusUsesTheFoundDistance()
    {
        MainWindow w;
        w.show();
        w.methodPanel()->setAutoUpdate(false);
        w.openDemo(256);
        QVERIFY(test::waitLoaded(w));
        widgets::ParameterPanel* p = w.parameterPanel();
        const double truth = p->geometry().distanceM;
        p->distanceEdit()->setValue(1.2 * truth);
        QVERIFY(p->autofocusButton() && p->autofocusButton()->isEnabled());

        QTest::mouseClick(p->autofocusButton(), Qt::LeftButton);
        AutofocusDialog* d = p->findChild<AutofocusDialog*>();
        QVERIFY(d && d->isVisible());
        QCOMPARE(d->minEdit()->unit(), p->distanceEdit()->unit());
        QVERIFY(std::abs(d->minEdit()->value() - 0.96 * truth) < 1e-9);
        QVERIFY(std::abs(d->maxEdit()->value() - 1.44 * truth) < 1e-9);
        QVERIFY(!d->useButton()->isEnabled());

        QSignalSpy focused(d, &AutofocusDialog::focused);
        QSignalSpy failed(d, &AutofocusDialog::failed);
        QTest::mouseClick(d->runButton(), Qt::LeftButton);
        QVERIFY(d->cancelButton()->isEnabled());
        QVERIFY2(test::waitEither(focused, failed, 240000), test::why(failed).constData());
        const auto r = d->result();
        QVERIFY(r);
        QVERIFY2(std::abs(r->distanceM / truth - 1) < 0.03,
                 qPrintable(QString("found %1, truth %2").arg(r->distanceM).arg(truth)));
        QCOMPARE(d->plot()->graph(0)->dataCount(), int(r->distancesM.size()));
        QCOMPARE(d->plot()->graph(1)->dataCount(), 1);
        QVERIFY(d->resultLabel()->text().contains(QStringLiteral("Fresnel")));
        QVERIFY(d->useButton()->isEnabled());

        QSignalSpy changed(p, &widgets::ParameterPanel::parametersChanged);
        QTest::mouseClick(d->useButton(), Qt::LeftButton);
        QCOMPARE(p->geometry().distanceM, r->distanceM);
        QVERIFY(!changed.isEmpty());
    }

    // The residual criterion from the dialog: 6 rad spheres at F = 0.1 (where the spectrum
    // criterion is 19 % off), the range centred 20 % too far; the curve has every sample.
    void autofocusResidualCriterion()
    {
        const test::SphereData s = test::sphereHolograms(64, test::sphereDistanceM(0.1));
        core::Geometry guess = s.geometry;
        guess.distanceM *= 1.2;
        AutofocusDialog d(std::make_shared<const core::ImageF>(s.hologram), guess,
                          1.0 / test::kSphereDeltaBeta, -1);
        QCOMPARE(d.criterionBox()->count(), 2);
        d.criterionBox()->setCurrentIndex(1);
        d.samplesBox()->setValue(21);
        QSignalSpy focused(&d, &AutofocusDialog::focused);
        QSignalSpy failed(&d, &AutofocusDialog::failed);
        QVERIFY(d.run());
        QVERIFY(!d.criterionBox()->isEnabled());
        QVERIFY2(test::waitEither(focused, failed, 120000), test::why(failed).constData());
        const auto r = d.result();
        QVERIFY(r && r->used == core::FocusCriterion::Residual);
        QCOMPARE(d.plot()->graph(0)->dataCount(), 21);
        QVERIFY(d.resultLabel()->text().contains(QStringLiteral("residual")));
        QVERIFY(d.criterionBox()->isEnabled());
        std::printf("dialog, residual criterion, 64² spheres: %+.2f %%\n",
                    100 * (r->distanceM / s.geometry.distanceM - 1));
    }

    // Cancel stops a scan: cancelled(), no result, Run enabled again.
    void autofocusCancels()
    {
        const auto holo = std::make_shared<const core::ImageF>(hologram(512, 0.1));
        AutofocusDialog d(holo, core::Geometry::phaseGanPaper(), 0.1, -1);
        d.samplesBox()->setValue(1001);
        QSignalSpy cancelled(&d, &AutofocusDialog::cancelled);
        QSignalSpy focused(&d, &AutofocusDialog::focused);
        QSignalSpy failed(&d, &AutofocusDialog::failed);
        QVERIFY(d.run());
        d.cancel();
        QVERIFY2(test::waitEither(cancelled, failed, 60000), test::why(failed).constData());
        QVERIFY(focused.isEmpty());
        QVERIFY(!d.result());
        QVERIFY(d.runButton()->isEnabled());
        QVERIFY(!d.useButton()->isEnabled());
    }

    void autofocusWithoutHologramSaysSo()
    {
        MainWindow w;
        QTimer::singleShot(0, [] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget()))
                box->accept();
        });
        QVERIFY(!w.parameterPanel()->openAutofocus());
    }

    // Three TIFFs, the later ones shifted: Register shows each row's shift and the overlay;
    // Reconstruct (CTF) puts the result into the main window; Export writes the TIFF pair.
    void severalDistancesRegisterReconstructExport()
    {
        MainWindow w;
        w.show();
        setPhysics(w);
        MultiDistanceDialog* d = openFromMenu(w);
        QVERIFY(d);
        QVERIFY(!d->registerButton()->isEnabled());  // fewer than two holograms
        QVERIFY2(d->geometryLabel()->text().contains(QStringLiteral("1 µm")),
                 qPrintable(d->geometryLabel()->text()));
        d->addHologram(writeHologram("a.tif", 96, 0.10), 0.10);
        d->addHologram(writeHologram("b.tif", 96, 0.11, 3, -2), 0.11);
        d->addHologram(writeHologram("c.tif", 96, 0.12, -1, 4), 0.12);
        QCOMPARE(d->rowCount(), 3);
        QVERIFY(d->registerButton()->isEnabled());

        QSignalSpy registered(d, &MultiDistanceDialog::registered);
        QSignalSpy failed(d, &MultiDistanceDialog::failed);
        QTest::mouseClick(d->registerButton(), Qt::LeftButton);
        QVERIFY2(test::waitEither(registered, failed, 120000), test::why(failed).constData());
        QVERIFY(d->registration());
        QCOMPARE(int(d->registration()->registrations.size()), 3);
        const int truth[3][2] = {{0, 0}, {3, -2}, {-1, 4}};
        for (int row = 0; row < 3; ++row) {
            const double shiftX = d->table()->item(row, 2)->text().toDouble();
            const double shiftY = d->table()->item(row, 3)->text().toDouble();
            QVERIFY2(std::abs(shiftX - truth[row][0]) < 1 && std::abs(shiftY - truth[row][1]) < 1,
                     qPrintable(QString("row %1: shift %2, %3").arg(row).arg(shiftX).arg(shiftY)));
        }
        QVERIFY(!d->overlayLabel()->pixmap().isNull());
        const QImage overlay = d->overlayLabel()->pixmap().toImage();
        QVERIFY(overlay.width() >= 96);

        QSignalSpy reconstructed(d, &MultiDistanceDialog::reconstructed);
        QTest::mouseClick(d->reconstructButton(), Qt::LeftButton);
        QVERIFY(d->cancelButton()->isEnabled());
        QVERIFY2(test::waitEither(reconstructed, failed, 120000), test::why(failed).constData());
        QVERIFY(d->result());
        QCOMPARE(w.result(), d->result());
        QCOMPARE(d->result()->method.id, std::string("ctf"));
        QCOMPARE(d->result()->phase.width(), 96);
        QVERIFY(d->exportButton()->isEnabled());

        const QString prefix = m_dir.filePath("series");
        d->exportResult(prefix);
        core::TiffInfo info;
        core::readTiff<float>((prefix + "_phase.tif").toStdString(), &info);
        QCOMPARE(info.dtype, std::string("float32"));
        QVERIFY(std::abs(info.metadata.pixelSizeM - 1e-6) < 1e-12);
        QVERIFY(std::filesystem::exists((prefix + "_absorption.tif").toStdString()));

        // Editing a distance drops the registration (it belonged to the old table).
        qobject_cast<widgets::QuantityEdit*>(d->table()->cellWidget(2, 1))->setValue(0.125);
        QVERIFY(!d->registration());
        d->removeRow(2);
        QCOMPARE(d->rowCount(), 2);
    }

    // IRGN on a large series, cancelled at once: cancelled(), no result, buttons back.
    void severalDistancesCancel()
    {
        MainWindow w;
        setPhysics(w);
        MultiDistanceDialog d(&w);
        for (int i = 0; i < 3; ++i)
            d.addHologram(writeHologram(QString("big%1.tif").arg(i), 384, 0.1 + 0.02 * i),
                          0.1 + 0.02 * i);
        d.setMethod(QStringLiteral("irgn"));
        d.newtonBox()->setValue(500);
        QSignalSpy cancelled(&d, &MultiDistanceDialog::cancelled);
        QSignalSpy reconstructed(&d, &MultiDistanceDialog::reconstructed);
        QSignalSpy failed(&d, &MultiDistanceDialog::failed);
        QVERIFY(d.reconstruct());
        QVERIFY(d.isRunning());
        QVERIFY(!d.reconstructButton()->isEnabled());
        QTest::mouseClick(d.cancelButton(), Qt::LeftButton);
        QVERIFY2(test::waitEither(cancelled, failed, 120000), test::why(failed).constData());
        QVERIFY(reconstructed.isEmpty());
        QVERIFY(!d.result());
        QVERIFY(d.reconstructButton()->isEnabled());
    }

    // A missing file fails with its name; an invalid table refuses to start.
    void severalDistancesBadInput()
    {
        MainWindow w;
        setPhysics(w);
        MultiDistanceDialog d(&w);
        d.addHologram(writeHologram("ok.tif", 64, 0.1), 0.1);
        QVERIFY(!d.registerSeries());
        QVERIFY(d.statusLabel()->text().contains(QStringLiteral("two")));
        d.addHologram(m_dir.filePath("gone.tif"), 0.12);
        QSignalSpy failed(&d, &MultiDistanceDialog::failed);
        QVERIFY(d.registerSeries());
        QVERIFY(failed.wait(60000));
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("gone.tif")),
                 qPrintable(failed.first().first().toString()));
        QVERIFY(d.registerButton()->isEnabled());
    }
};

QTEST_MAIN(SeriesGuiTest)
#include "series_gui_test.moc"
