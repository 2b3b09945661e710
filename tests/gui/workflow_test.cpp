// The beamline workflow through the real widgets, offscreen: demo hologram → parameters → CTF
// and IRGN → a line across an edge → FWHM → FRC against the demo's ground truth → export TIFF,
// with the exported values and calibration checked; a cancelled IRGN; fields that block Run with
// their reason; the learned methods with a model file (physics shown, mismatch warned).
#include <QtTest>
#include <QtWidgets>

#include "gui_test_util.h"

#include <phaselab/core/tiff_io.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/learned_method.h>
#include <phaselab/widgets/image_view.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_panel.h>
#include <phaselab/widgets/parameter_panel.h>
#include <phaselab/widgets/quantity_edit.h>
#include <phaselab/widgets/resolution_panel.h>

#include <qcustomplot.h>

#include "sim_dataset.h"

#include <cmath>

using namespace phaselab;
using widgets::ImageRole;
using widgets::MainWindow;
using widgets::MethodPanel;
using Result = widgets::OutcomePtr;

namespace {

double phaseNmsePercent(const core::ImageF& phase, const core::ImageF& truth)
{
    double num = 0, den = 0;
    for (std::size_t i = 0; i < phase.size(); ++i) {
        num += (double(phase[i]) - truth[i]) * (double(phase[i]) - truth[i]);
        den += double(truth[i]) * truth[i];
    }
    return 100 * num / den;
}

} // namespace

class WorkflowTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    /// The one child named `name` on screen (each method's options page has its own).
    template <typename T>
    static T* visibleChild(QWidget* parent, const char* name)
    {
        for (T* c : parent->findChildren<T*>(name))
            if (c->isVisible())
                return c;
        return nullptr;
    }

    /// Types `text` into a line edit, as a user would.
    static void retype(QLineEdit* edit, const QString& text)
    {
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Backspace);
        QTest::keyClicks(edit, text);
    }

private slots:
    void initTestCase()
    {
        qRegisterMetaType<Result>();
        test::isolateSettings("gui_workflow_test");
        QVERIFY(m_dir.isValid());
    }

    void demoToExportedPhase()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        MethodPanel* p = w.methodPanel();
        QCOMPARE(p->methodIds(), (QStringList{"ctf", "paganin", "irgn", "dgn", "msd", "phasegan"}));
        p->setAutoUpdate(false);
        constexpr int n = 256;
        w.openDemo(n);
        QVERIFY(test::waitLoaded(w));
        const core::ImageF truth = *w.current()->truePhase;

        // Parameters as a user types them: the demo's geometry, re-entered with other units.
        widgets::ParameterPanel* params = w.parameterPanel();
        retype(params->energyEdit()->lineEdit(), "13 keV");
        retype(params->distanceEdit()->lineEdit(), "2 cm");
        retype(params->pixelEdit()->lineEdit(), "0.012 µm");
        QVERIFY2(params->isValid(), qPrintable(params->validationError()));
        QVERIFY(std::abs(params->geometry().distanceM - 0.02) < 1e-12);
        QVERIFY(std::abs(params->geometry().pixelSizeM - 12e-9) < 1e-16);

        // CTF with a homogeneous prior δ/β = 30 (between the phantom's Au, Pd and Zn).
        params->setDeltaOverBeta(30);
        p->setCurrentMethod("ctf");
        const Result ctf = test::runAndWait(w);
        QVERIFY(ctf);
        QCOMPARE(ctf->method.id, std::string("ctf"));
        QCOMPARE(ctf->phase.width(), n);
        const double ctfNmse = phaseNmsePercent(ctf->phase, truth);
        qInfo("CTF on the %d² demo: phase NMSE %.2f %%, %.3f s", n, ctfNmse, ctf->seconds);
        QVERIFY(ctfNmse < 100);
        QVERIFY(w.workspace()->view(ImageRole::Phase)->image());
        QVERIFY(w.workspace()->view(ImageRole::Residual)->image());

        // IRGN, homogeneous, positivity, stopped by the discrepancy principle at the demo's
        // noise (PPSNR 40 dB: σ = range / 100): previews, the residual falling, a live curve.
        const core::ImageStats holo = core::imageStats(w.current()->image);
        const double sigma = (holo.max - holo.min) / 100;
        p->setCurrentMethod("irgn");
        p->setOptions("irgn", {{"unknowns", "homogeneous"},
                               {"alpha0", 10.0},
                               {"newton_steps", 30},
                               {"cg_iterations", 10},
                               {"positivity", true},
                               {"noise_level", sigma}});
        QSignalSpy previews(p, &MethodPanel::previewReady);
        const Result irgn = test::runAndWait(w);
        QVERIFY(irgn);
        QVERIFY(irgn->iterations > 2 && irgn->iterations < 30);
        QCOMPARE(irgn->stopReason, std::string("discrepancy"));
        QVERIFY(irgn->residualHistory.back() <= 1.5 * sigma);
        QVERIFY(previews.count() >= 1);  // throttled to 10 per second
        QVERIFY(previews.first().first().value<Result>()->preview);
        QCOMPARE(irgn->residualHistory.size(), std::size_t(irgn->iterations + 1));
        QVERIFY(irgn->residualHistory.back() < 0.5 * irgn->residualHistory.front());
        QCOMPARE(p->residualPlot()->graph(0)->dataCount(), irgn->iterations + 1);
        const double irgnNmse = phaseNmsePercent(irgn->phase, truth);
        qInfo("IRGN homogeneous on the %d² demo: phase NMSE %.2f %%, %d Newton steps, %.2f s, "
              "residual %.3g → %.3g (σ %.3g)",
              n, irgnNmse, irgn->iterations, irgn->seconds, irgn->residualHistory.front(),
              irgn->residualHistory.back(), sigma);
        QVERIFY(irgnNmse < 5);
        QVERIFY(irgnNmse < 0.5 * ctfNmse);
        QCOMPARE(w.result(), irgn);
        QVERIFY(w.statusBar()->currentMessage().contains("NMSE"));

        // A line across the edge of the zinc sphere (centre (32, 92), radius 7.7 px at 128²) on
        // the reconstructed phase: an FWHM of a few pixels, in nm, with its error.
        w.workspace()->setActiveRole(ImageRole::Phase);
        widgets::ResolutionPanel* r = w.resolutionPanel();
        for (QPushButton* b : r->findChildren<QPushButton*>())
            if (b->text().contains("line"))
                b->setChecked(true);
        widgets::ImageView* v = w.workspace()->view(ImageRole::Phase);
        QCOMPARE(v->tool(), widgets::ImageView::Tool::Line);
        const double s = n / 128.0;
        const QPoint a = v->toWidget(QPointF(44 * s, 92.5 * s)).toPoint();
        const QPoint b = v->toWidget(QPointF(32 * s, 92.5 * s)).toPoint();
        QSignalSpy edge(r, &widgets::ResolutionPanel::edgeMeasured);
        QTest::mousePress(v, Qt::LeftButton, Qt::NoModifier, a);
        QTest::mouseMove(v, (a + b) / 2);
        QTest::mouseMove(v, b);
        QTest::mouseRelease(v, Qt::LeftButton, Qt::NoModifier, b);
        QVERIFY(edge.count() >= 1);
        QVERIFY2(r->edge(), qPrintable(w.logText()));
        const core::EdgeFit& fit = r->edge()->fit;
        qInfo("edge of the IRGN phase: %s", qPrintable(r->edgeText()));
        QVERIFY2(fit.fwhmM > 12e-9 && fit.fwhmM < 120e-9, qPrintable(r->edgeText()));
        QVERIFY(fit.fwhmStderrM > 0 && fit.fwhmStderrM < fit.fwhmM);
        QVERIFY(r->edgeText().contains("nm"));

        // FRC of the reconstruction against the demo's ground truth.
        QSignalSpy frc(r, &widgets::ResolutionPanel::frcComputed);
        r->computeFrc(ImageRole::Phase, ImageRole::Reference, core::FrcThreshold::TwoSigma);
        QVERIFY(frc.wait(60000));
        const core::Evaluation* e = r->evaluation();
        QVERIFY(e);
        qInfo("FRC IRGN vs truth: %s", qPrintable(r->frcText()));
        QVERIFY(std::abs(e->nmsePercent - irgnNmse) < 1e-3 * std::max(1.0, irgnNmse));
        QVERIFY(e->frc.resolutionM >= 24e-9 && e->frc.resolutionM < 1e-6);
        QVERIFY(r->frcPlot()->graph(0)->dataCount() > 50);

        // Export: 32-bit float TIFF with the values, the pixel size and the parameters.
        const QString prefix = m_dir.filePath("demo_irgn");
        w.exportResults(prefix);
        core::TiffInfo info;
        const core::ImageF phase =
            core::readTiff<float>((prefix + "_phase.tif").toStdString(), &info);
        QCOMPARE(info.dtype, std::string("float32"));
        QVERIFY(phase.sameShape(irgn->phase));
        for (std::size_t i = 0; i < phase.size(); ++i)
            QCOMPARE(phase[i], irgn->phase[i]);
        QVERIFY(std::abs(info.metadata.pixelSizeM - 12e-9) < 1e-15);
        QVERIFY2(QString::fromStdString(info.metadata.description).contains("unit="),
                 info.metadata.description.c_str());
        QCOMPARE(info.metadata.parameters.value("method", ""), std::string("irgn"));
        QCOMPARE(info.metadata.parameters.value("quantity", ""), std::string("phase"));
        QCOMPARE(info.metadata.parameters["geometry"].value("distance_m", 0.0), 0.02);
        QCOMPARE(info.metadata.parameters["options"].value("newton_steps", 0), 30);
        // The metadata is the request: it reads back as the one that ran.
        QCOMPARE(core::ReconstructionRequest::fromJson(info.metadata.parameters, "phase").toJson(),
                 irgn->request.toJson());
        const core::ImageF absorption =
            core::readTiff<float>((prefix + "_absorption.tif").toStdString());
        QCOMPARE(absorption[absorption.size() / 3], irgn->absorption[absorption.size() / 3]);
        QVERIFY(QDir(m_dir.path()).entryList({"*.tmp*", "*~"}, QDir::Files).isEmpty());

        // Two reconstructions compared: the IRGN phase kept as the reference, then CTF against it.
        w.usePhaseAsReference();
        p->setCurrentMethod("ctf");
        const Result ctf2 = test::runAndWait(w);
        QVERIFY(ctf2);
        r->computeFrc(ImageRole::Phase, ImageRole::Reference, core::FrcThreshold::TwoSigma);
        QVERIFY(frc.wait(60000));
        const double ctfVsIrgn = r->evaluation()->nmsePercent;
        qInfo("CTF against the IRGN phase: %s", qPrintable(r->frcText()));
        QVERIFY(ctfVsIrgn > 1);
        // The same reference from the exported file gives the same figure.
        QSignalSpy refLoaded(&w, &MainWindow::referenceLoaded);
        w.openReference(prefix + "_phase.tif");
        QVERIFY(refLoaded.wait(30000));
        r->computeFrc(ImageRole::Phase, ImageRole::Reference, core::FrcThreshold::TwoSigma);
        QVERIFY(frc.wait(60000));
        QCOMPARE(r->evaluation()->nmsePercent, ctfVsIrgn);
        // A broken reference file: a message, and the session stays as it was.
        QFile broken(m_dir.filePath("broken.tif"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("II*\0garbage");
        broken.close();
        QSignalSpy failed(&w, &MainWindow::loadFailed);
        w.openReference(broken.fileName());
        QVERIFY(failed.wait(30000));
        QVERIFY2(failed.first().first().toString().contains("broken.tif"),
                 qPrintable(failed.first().first().toString()));
        QCOMPARE(w.result(), ctf2);
        QVERIFY(w.workspace()->image(ImageRole::Reference));
        QCOMPARE(w.current()->image.width(), n);
    }

    void interactiveMethodsFollowEdits()
    {
        MainWindow w;
        w.show();
        MethodPanel* p = w.methodPanel();
        p->setCurrentMethod("paganin");
        QVERIFY(p->autoUpdate());
        QSignalSpy done(p, &MethodPanel::resultReady);
        w.openDemo(128);
        QVERIFY(test::waitLoaded(w));
        w.parameterPanel()->setDeltaOverBeta(30);
        // Loading and the δ/β edit fall within one debounce interval or two: at least one run.
        QTRY_VERIFY_WITH_TIMEOUT(done.count() >= 1, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!p->isRunning(), 20000);
        QTest::qWait(500);
        const int runs = done.count();
        // Typing a new distance re-runs Paganin after the debounce, without Run.
        retype(w.parameterPanel()->distanceEdit()->lineEdit(), "25 mm");
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > runs, 20000);
        const Result last = done.last().first().value<Result>();
        QCOMPARE(last->method.id, std::string("paganin"));
        QCOMPARE(last->request.geometry->distanceM, 0.025);
    }

    void cancelledIrgnKeepsTheWindow()
    {
        MainWindow w;
        w.show();
        MethodPanel* p = w.methodPanel();
        p->setAutoUpdate(false);
        w.openDemo(256);
        QVERIFY(test::waitLoaded(w));
        p->setCurrentMethod("irgn");
        p->setOptions("irgn", {{"unknowns", "joint"}, {"newton_steps", 5000}});
        QSignalSpy previews(p, &MethodPanel::previewReady);
        QSignalSpy done(p, &MethodPanel::resultReady);
        QSignalSpy cancelled(p, &MethodPanel::cancelled);
        QTest::mouseClick(p->runButton(), Qt::LeftButton);
        QVERIFY(p->isRunning());
        QVERIFY(!p->runButton()->isEnabled());
        QVERIFY(p->cancelButton()->isEnabled());
        QVERIFY(previews.wait(60000));
        QElapsedTimer t;
        t.start();
        QTest::mouseClick(p->cancelButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(cancelled.count() == 1, 10000);
        qInfo("IRGN stopped %lld ms after Cancel", t.elapsed());
        QVERIFY(!p->isRunning());
        QCOMPARE(done.count(), 0);
        QVERIFY(!w.result());  // no result; the previews stay on screen as they were
        QVERIFY(p->runButton()->isEnabled());
        QVERIFY(w.logText().contains("cancelled"));
        // The window still answers: a timer fires and the view zooms.
        QElapsedTimer tick;
        tick.start();
        QTest::qWait(50);
        QVERIFY(tick.elapsed() < 1000);
        w.workspace()->setActiveRole(ImageRole::Hologram);
        const double zoom = w.imageView()->zoom();
        w.imageView()->zoomIn();
        QVERIFY(w.imageView()->zoom() > zoom);
    }

    void invalidFieldsBlockRun()
    {
        MainWindow w;
        w.show();
        MethodPanel* p = w.methodPanel();
        p->setAutoUpdate(false);
        p->setCurrentMethod("ctf");
        // Nothing loaded yet.
        QVERIFY(!p->runButton()->isEnabled());
        QVERIFY(p->blockReason().contains("Open a hologram"));
        w.openDemo(128);
        QVERIFY(test::waitLoaded(w));
        QVERIFY(p->runButton()->isEnabled());
        QVERIFY(p->reasonLabel()->isHidden());

        // A bad energy: marked at the field, Run disabled, the reason under it.
        QLineEdit* energy = w.parameterPanel()->energyEdit()->lineEdit();
        retype(energy, "-13");
        QVERIFY(!p->runButton()->isEnabled());
        QVERIFY(p->reasonLabel()->isVisible());
        QVERIFY2(p->reasonLabel()->text().contains("Energy"), qPrintable(p->reasonLabel()->text()));
        QVERIFY(energy->styleSheet().contains("border"));
        retype(energy, "13");
        QVERIFY(p->runButton()->isEnabled());

        // A method's own option: CTF's α.
        auto* alpha = visibleChild<QLineEdit>(p, "ctfAlphaLow");
        QVERIFY(alpha);
        retype(alpha, "zero");
        QVERIFY(!p->runButton()->isEnabled());
        QVERIFY(p->reasonLabel()->text().contains("α"));
        QVERIFY(alpha->styleSheet().contains("border"));
        retype(alpha, "1e-3");
        QVERIFY(p->runButton()->isEnabled());

        // Paganin needs δ/β; the learned methods a model file: the shipped one by default,
        // and without it the reason says so.
        w.parameterPanel()->setDeltaOverBeta(0);
        p->setCurrentMethod("paganin");
        QVERIFY(!p->runButton()->isEnabled());
        QVERIFY(p->reasonLabel()->text().contains("δ/β"));
        p->setCurrentMethod("dgn");
        p->setOptions("dgn", {{"model", ""}});
        QVERIFY(!p->runButton()->isEnabled());
        QVERIFY(p->reasonLabel()->text().contains("model file"));
        // Clicking the disabled button starts nothing.
        QTest::mouseClick(p->runButton(), Qt::LeftButton);
        QVERIFY(!p->isRunning());
        // A file that is no model: its problem is the reason.
        const QString bogus = m_dir.filePath("not_a_model.pt");
        {
            QFile f(bogus);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("this is not a model");
        }
        p->setOptions("dgn", {{"model", bogus.toStdString()}});
        QVERIFY(!p->runButton()->isEnabled());
        QVERIFY2(p->reasonLabel()->text().contains("not_a_model.pt"),
                 qPrintable(p->reasonLabel()->text()));
    }

    // The demo hologram as the application opens it: every method, learned ones included (the
    // models PhaseLab ships), is ready to run without a setting changed.
    void demoOpensWithEveryMethodReady()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        MethodPanel* p = w.methodPanel();
        p->setAutoUpdate(false);
        w.openDemo();
        QVERIFY(test::waitLoaded(w));
        for (const QString& id : p->methodIds()) {
            p->setCurrentMethod(id);
            QVERIFY2(p->runButton()->isEnabled(),
                     qPrintable(id + ": " + p->reasonLabel()->text()));
        }
        // The shipped DGN runs on it.
        p->setCurrentMethod("dgn");
        const Result dgn = test::runAndWait(w);
        QVERIFY(dgn);
        QCOMPARE(dgn->method.id, std::string("dgn"));
        qInfo("shipped DGN on the demo: phase NMSE %.3g %%, %.2f s",
              phaseNmsePercent(dgn->phase, *w.current()->truePhase), dgn->seconds);
    }

    void learnedMethodsWithModelFiles()
    {
        // Two tiny models trained here at the demo's physics (one epoch: the weights are poor,
        // the plumbing is what is tested).
        const core::Geometry demo{13.0, 20e-3, 12e-9};
        test::SimSpec spec;
        spec.train = 6;
        spec.val = 2;
        spec.size = 32;
        spec.geometry = demo;
        const std::string data = m_dir.filePath("tiny.h5").toStdString();
        test::writeSimulatedDataset(data, spec);
        auto trainTiny = [&](models::Method method, const QString& name) {
            models::TrainOptions o;
            o.method = method;
            o.dgn.iterations = 2;
            o.msd.depth = 12;
            o.dataPath = data;
            o.outPath = m_dir.filePath(name).toStdString();
            o.epochs = 1;
            o.batchSize = 2;
            o.device = "cpu";
            models::train(o, nullptr, nullptr);
            return QString::fromStdString(o.outPath);
        };
        const QString dgnFile = trainTiny(models::Method::Dgn, "tiny_dgn.pt");
        const QString msdFile = trainTiny(models::Method::Msd, "tiny_msd.pt");

        MainWindow w;
        w.show();
        MethodPanel* p = w.methodPanel();
        p->setAutoUpdate(false);
        w.openDemo(128);
        QVERIFY(test::waitLoaded(w));
        p->setCurrentMethod("dgn");
        auto* path = visibleChild<QLineEdit>(p, "modelPath");
        QVERIFY(path);
        retype(path, dgnFile);
        QTest::keyClick(path, Qt::Key_Return);
        auto* info = visibleChild<QLabel>(p, "modelInfo");
        QVERIFY(info);
        QVERIFY2(info->text().contains("parameters") && info->text().contains("13 keV"),
                 qPrintable(info->text()));
        QVERIFY(p->runButton()->isEnabled());
        QVERIFY(!visibleChild<QLabel>(p, "methodWarnings"));  // same physics: no warning

        // The model loads once: two runs in a row read its weights one time.
        const int loadsBefore = models::modelLoadCount();
        const Result dgn = test::runAndWait(w);
        QVERIFY(dgn);
        QCOMPARE(models::modelLoadCount(), loadsBefore + 1);
        QCOMPARE(dgn->method.id, std::string("dgn"));
        QCOMPARE(dgn->iterations, 2);
        QCOMPARE(dgn->phase.width(), 128);
        for (float x : dgn->phase)
            QVERIFY(std::isfinite(x));
        QVERIFY(dgn->details["model"].value("parameter_count", 0) > 1000);
        const Result again = test::runAndWait(w);
        QVERIFY(again);
        QCOMPARE(models::modelLoadCount(), loadsBefore + 1);
        QCOMPARE(again->phase.width(), 128);

        // Another distance: the warning names it, Run still allowed.
        retype(w.parameterPanel()->distanceEdit()->lineEdit(), "30 mm");
        QLabel* warning = visibleChild<QLabel>(p, "methodWarnings");
        QVERIFY(warning);
        QVERIFY2(warning->text().contains("distance"), qPrintable(warning->text()));
        QVERIFY(p->runButton()->isEnabled());

        // MS-D Net refuses a DGN file, accepts its own.
        p->setCurrentMethod("msd");
        p->setOptions("msd", {{"model", dgnFile.toStdString()}});
        QVERIFY(!p->runButton()->isEnabled());
        QVERIFY2(p->blockReason().contains("dgn model"), qPrintable(p->blockReason()));
        p->setOptions("msd", {{"model", msdFile.toStdString()}, {"device", "cpu"}});
        QVERIFY2(p->runButton()->isEnabled(), qPrintable(p->blockReason()));
        const Result msd = test::runAndWait(w);
        QVERIFY(msd);
        QCOMPARE(msd->method.id, std::string("msd"));
        QCOMPARE(msd->details.value("device", ""), std::string("cpu"));
        QCOMPARE(msd->absorption.height(), 128);
    }
};

QTEST_MAIN(WorkflowTest)
#include "workflow_test.moc"
