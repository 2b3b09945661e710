// The application on core's reconstruction pipeline, through its real widgets offscreen: a
// raw-count hologram is named at the input and blocks Run until one click normalises it; IRGN
// continues for N more steps to the result of one longer run; a method whose result is NaN fails
// and leaves no result; a saved session holds exactly the request that ran (replaying it with
// core's functions, as phaselab-cli does, gives the saved result bit for bit) and loads back.
#include <QtTest>
#include <QtWidgets>

#include "gui_test_util.h"
#include "nan_method.h"

#include <phaselab/core/classical_methods.h>
#include <phaselab/core/error.h>
#include <phaselab/core/phantom.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/widgets/input_controller.h>
#include <phaselab/widgets/input_problem_bar.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_form.h>
#include <phaselab/widgets/method_panel.h>
#include <phaselab/widgets/parameter_panel.h>
#include <phaselab/widgets/quantity_edit.h>

#include <qcustomplot.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>

using namespace phaselab;
using widgets::ImageRole;
using widgets::MainWindow;
using widgets::MethodPanel;
using widgets::OutcomePtr;

namespace {

bool bitEqual(const core::ImageF& a, const core::ImageF& b)
{
    return a.sameShape(b) && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

void closeMessageBoxes(QWidget& w)
{
    for (QMessageBox* box : w.findChildren<QMessageBox*>())
        box->close();
}

} // namespace

class PipelineGuiTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        test::isolateSettings("gui_pipeline_test");
        QVERIFY(m_dir.isValid());
        test::registerNanMethod();
    }

    // (a) Raw detector counts: the input's problem, word for word, above the images and as
    // Run's reason; one click divides by the mean, and the request records it.
    void rawCountsBlockRunUntilNormalised()
    {
        const core::DemoSample demo = core::makeDemoSample(64);
        core::Image<std::uint16_t> counts(64, 64);
        for (std::size_t i = 0; i < counts.size(); ++i)
            counts[i] = std::uint16_t(std::lround(30000.0 * demo.hologram[i]));
        const QString file = m_dir.filePath("counts.tif");
        core::writeTiff(file.toStdString(), counts);

        MainWindow w;
        w.show();
        MethodPanel* p = w.methodPanel();
        p->setAutoUpdate(false);
        p->setCurrentMethod("ctf");
        w.openFile(file);
        QVERIFY(test::waitLoaded(w));
        const std::string problem = w.current()->problem;
        QVERIFY2(QString::fromStdString(problem).contains("raw detector counts"), problem.c_str());
        widgets::InputProblemBar* bar = w.inputProblemBar();
        QVERIFY(bar->isVisible());
        QCOMPARE(bar->problem(), QString::fromStdString(problem));
        QVERIFY(!p->runButton()->isEnabled());
        QCOMPARE(p->blockReason(), QString::fromStdString(problem));
        QCOMPARE(p->reasonLabel()->text(), QString::fromStdString(problem));
        QTest::mouseClick(p->runButton(), Qt::LeftButton);
        QVERIFY(!p->isRunning());

        QTest::mouseClick(bar->normaliseButton(), Qt::LeftButton);
        QVERIFY(!bar->isVisible());
        QVERIFY(w.current()->problem.empty());
        QVERIFY(w.current()->spec.normalise == core::Normalisation::Mean);
        const core::ImageStats st = core::imageStats(w.current()->image);
        QVERIFY(std::abs(st.mean - 1.0) < 1e-4);
        // The view shows the normalised hologram.
        QCOMPARE((*w.workspace()->image(ImageRole::Hologram))(5, 5), w.current()->image(5, 5));
        QVERIFY2(p->runButton()->isEnabled(), qPrintable(p->blockReason()));
        QVERIFY(p->reasonLabel()->isHidden());

        const OutcomePtr ctf = test::clickAndWait(p, p->runButton());
        QVERIFY(ctf);
        QVERIFY(ctf->request.input.normalise == core::Normalisation::Mean);
        QCOMPARE(ctf->inputDetails["normalisation"].value("method", ""), std::string("mean"));
    }

    // (b) IRGN for 2 Newton steps, then "Continue for 3 more": 5 steps, the curve continued, and
    // the same result as one run of 5 steps.
    void irgnContinuesForMoreSteps()
    {
        MainWindow w;
        w.show();
        MethodPanel* p = w.methodPanel();
        p->setAutoUpdate(false);
        w.openDemo(64);
        QVERIFY(test::waitLoaded(w));
        w.parameterPanel()->setDeltaOverBeta(30);
        p->setCurrentMethod("ctf");
        QVERIFY(p->continueButton()->isHidden());  // one-shot methods do not continue
        p->setCurrentMethod("irgn");
        p->setOptions("irgn", {{"newton_steps", 2}, {"positivity", true}});
        QVERIFY(p->continueButton()->isVisible());
        QVERIFY(!p->continueButton()->isEnabled());  // nothing to continue yet

        const OutcomePtr first = test::clickAndWait(p, p->runButton());
        QVERIFY(first);
        QCOMPARE(first->iterations, 2);
        QCOMPARE(first->stopReason, std::string("iteration_limit"));
        QVERIFY(p->continueButton()->isEnabled());
        QCOMPARE(p->residualPlot()->graph(0)->dataCount(), 3);

        p->continueSteps()->setValue(3);
        const OutcomePtr more = test::clickAndWait(p, p->continueButton());
        QVERIFY(more);
        QCOMPARE(more->iterations, 5);
        QCOMPARE(more->residualHistory.size(), std::size_t(6));
        QCOMPARE(p->residualPlot()->graph(0)->dataCount(), 6);
        QCOMPARE(more->request.options->toJson()["newton_steps"].get<int>(), 5);
        QCOMPARE(w.result(), more);
        // The form shows the continued run's options, so Run now repeats it from scratch.
        QCOMPARE(p->currentForm()->options()->toJson(), more->request.options->toJson());

        const OutcomePtr straight = test::clickAndWait(p, p->runButton());
        QVERIFY(straight);
        QCOMPARE(straight->iterations, 5);
        QVERIFY(bitEqual(straight->phase, more->phase));
        QVERIFY(bitEqual(straight->absorption, more->absorption));
        QCOMPARE(straight->residualHistory, more->residualHistory);

        // Edited options leave the last run continuable (its request is the outcome's); another
        // hologram does not.
        p->setOptions("irgn", {{"newton_steps", 5}, {"positivity", true}, {"alpha0", 20.0}});
        QVERIFY(p->continueButton()->isEnabled());
        w.openDemo(64);
        QVERIFY(test::waitLoaded(w));
        QVERIFY(!p->continueButton()->isEnabled());
        QVERIFY(!w.result());
    }

    // (d) A method whose result is NaN: the failure is shown and no result is kept.
    void failedReconstructionKeepsNoResult()
    {
        MainWindow w;
        w.show();
        MethodPanel* p = w.methodPanel();
        p->setAutoUpdate(false);
        QVERIFY(p->methodIds().contains("nan_test"));
        w.openDemo(64);
        QVERIFY(test::waitLoaded(w));
        p->setCurrentMethod("ctf");
        QVERIFY(test::clickAndWait(p, p->runButton()));
        QVERIFY(w.result());
        QVERIFY(w.workspace()->has(ImageRole::Phase));

        p->setCurrentMethod("nan_test");
        QVERIFY2(p->runButton()->isEnabled(), qPrintable(p->blockReason()));
        QSignalSpy failed(p, &MethodPanel::failed);
        QSignalSpy done(p, &MethodPanel::resultReady);
        QTest::mouseClick(p->runButton(), Qt::LeftButton);
        QVERIFY(failed.wait(30000));
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains("non-finite"), qPrintable(message));
        QCOMPARE(done.count(), 0);
        QVERIFY(!w.result());
        QVERIFY(!p->lastOutcome());
        QVERIFY(!w.workspace()->has(ImageRole::Phase));
        QVERIFY(!w.workspace()->has(ImageRole::Absorption));
        QVERIFY(w.logText().contains("non-finite"));
        bool shown = false;
        for (QMessageBox* box : w.findChildren<QMessageBox*>())
            shown |= box->text().contains("non-finite");
        QVERIFY(shown);
        QVERIFY_THROWS_EXCEPTION(core::InputError, w.exportResults(m_dir.filePath("none")));
        QVERIFY(!QFileInfo::exists(m_dir.filePath("none_phase.tif")));
        closeMessageBoxes(w);
    }

    // A session holds the request that ran: core's functions (those phaselab-cli reconstruct
    // --session runs) replay it to the saved result, bit for bit; loading it restores the panel,
    // the method and its options, and the result.
    void sessionsReplayTheRequestThatRan()
    {
        const QString session = m_dir.filePath("irgn_session.json");
        OutcomePtr saved;
        QString units;
        {
            MainWindow w;
            w.show();
            MethodPanel* p = w.methodPanel();
            p->setAutoUpdate(false);
            w.openDemo(64);
            QVERIFY(test::waitLoaded(w));
            w.parameterPanel()->setMaterialId("Au");
            w.parameterPanel()->distanceEdit()->setUnit("cm");
            p->setCurrentMethod("irgn");
            p->setOptions("irgn", {{"newton_steps", 2}, {"alpha0", 3.0}});
            QVERIFY(test::clickAndWait(p, p->runButton()));
            p->continueSteps()->setValue(2);
            saved = test::clickAndWait(p, p->continueButton());
            QVERIFY(saved);
            QCOMPARE(saved->iterations, 4);
            // Edits after the run change the window, not the session's request.
            p->setOptions("irgn", {{"newton_steps", 9}});
            w.saveSession(session);
        }
        const QString stem = m_dir.filePath("irgn_session");
        QVERIFY(QFileInfo::exists(stem + "_phase.tif") && QFileInfo::exists(stem + "_absorption.tif"));
        QVERIFY(QDir(m_dir.path()).entryList({"*.tmp*", "*~"}, QDir::Files).isEmpty());
        std::ifstream f(session.toStdString());
        const nlohmann::json j = nlohmann::json::parse(f);
        QCOMPARE(j.value(core::kSessionKey, 0), core::kSessionVersion);
        QCOMPARE(j["options"].value("newton_steps", 0), 4);
        QCOMPARE(j["gui"]["parameters"].value("material", ""), std::string("Au"));
        QCOMPARE(j["gui"]["parameters"]["units"].value("distance", ""), std::string("cm"));

        const core::ReconstructionRequest request = core::readRequestFile(session.toStdString());
        QCOMPARE(request.toJson(), saved->request.toJson());
        auto method = core::MethodRegistry::instance().create(request.method);
        const core::ReconstructionOutcome replay =
            core::reconstruct(*method, request, core::loadHologram(request.input));
        const core::ImageF phase = core::readTiff<float>((stem + "_phase.tif").toStdString());
        const core::ImageF absorption =
            core::readTiff<float>((stem + "_absorption.tif").toStdString());
        QVERIFY(bitEqual(replay.phase, phase));
        QVERIFY(bitEqual(replay.absorption, absorption));
        QVERIFY(bitEqual(saved->phase, phase));

        MainWindow again;
        again.show();
        again.methodPanel()->setAutoUpdate(false);
        QSignalSpy loaded(&again, &MainWindow::sessionLoaded);
        again.loadSession(session);
        QVERIFY(loaded.wait(60000));
        QCOMPARE(again.methodPanel()->currentMethodId(), QString("irgn"));
        QCOMPARE(again.methodPanel()->request().toJson(), request.toJson());
        QCOMPARE(again.parameterPanel()->materialId(), QString("Au"));
        QCOMPARE(again.parameterPanel()->distanceEdit()->unit(), QString("cm"));
        QCOMPARE(again.parameterPanel()->betaOverDelta(), request.betaOverDelta);
        const OutcomePtr shown = again.result();
        QVERIFY(shown);
        QVERIFY(bitEqual(shown->phase, phase));
        QCOMPARE(shown->iterations, 4);
        QCOMPARE(shown->residual.width(), 64);
        QVERIFY(again.workspace()->has(ImageRole::Residual));
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 again.loadSession(m_dir.filePath("missing.json")));
    }

    // The exported files are core::writeResult's: their metadata is the outcome's.
    void exportWritesTheOutcomeMetadata()
    {
        MainWindow w;
        w.show();
        MethodPanel* p = w.methodPanel();
        p->setAutoUpdate(false);
        w.openDemo(64);
        QVERIFY(test::waitLoaded(w));
        p->setCurrentMethod("ctf");
        const OutcomePtr ctf = test::clickAndWait(p, p->runButton());
        QVERIFY(ctf);
        const QString prefix = m_dir.filePath("exported");
        w.exportResults(prefix);
        core::TiffInfo info;
        core::readTiff<float>((prefix + "_phase.tif").toStdString(), &info);
        nlohmann::json expected = ctf->metadata();
        expected["quantity"] = "phase";
        expected["unit"] = "rad";
        QCOMPARE(info.metadata.parameters, expected);
    }
};

QTEST_MAIN(PipelineGuiTest)
#include "pipeline_gui_test.moc"
