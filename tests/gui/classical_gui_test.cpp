// Issue 14 in the application: the CTF form's α rule, the α a run chose and its override, the
// border; IRGN's Paganin start; the phase sign in the parameter panel and the request; the
// FRC panel's mean removal and crossing rule.
#include <QtTest>
#include <QtWidgets>

#include "gui_test_util.h"
#include "test_util.h"

#include <phaselab/core/classical_methods.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_form.h>
#include <phaselab/widgets/method_panel.h>
#include <phaselab/widgets/parameter_panel.h>
#include <phaselab/widgets/resolution_panel.h>

using namespace phaselab;
using widgets::MainWindow;
using widgets::MethodPanel;
using widgets::OutcomePtr;

class ClassicalGuiTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { test::isolateSettings("gui_classical_test"); }

    // The CTF run shows the α its rule chose; "Use this α" turns it into manual values, and
    // the next run uses exactly them.
    void ctfShowsChosenAlphaWithOverride()
    {
        MainWindow w;
        w.show();
        MethodPanel* p = w.methodPanel();
        p->setAutoUpdate(false);
        w.openDemo(64);
        QVERIFY(test::waitLoaded(w));
        w.parameterPanel()->setDeltaOverBeta(30);
        p->setCurrentMethod("ctf");
        widgets::MethodForm* f = p->form("ctf");
        auto* rule = f->findChild<QComboBox*>("ctfAlphaRule");
        auto* chosen = f->findChild<QLabel*>("ctfChosenAlpha");
        auto* use = f->findChild<QPushButton*>("ctfUseChosenAlpha");
        QVERIFY(rule && chosen && use && f->findChild<QComboBox*>("ctfBorder"));
        QCOMPARE(rule->currentData().toString(), QString("fov"));
        QVERIFY(!use->isEnabled());

        const OutcomePtr first = test::clickAndWait(p, p->runButton());
        QVERIFY(first);
        const double low = first->details["alpha_low"].get<double>();
        QVERIFY(chosen->text().contains("rule fov"));
        QVERIFY(use->isEnabled());
        use->click();
        QCOMPARE(rule->currentData().toString(), QString("manual"));
        const auto& o = dynamic_cast<const core::CtfMethodOptions&>(*f->options());
        QVERIFY(o.ctf.alphaRule == core::AlphaRule::Manual);
        QCOMPARE(o.ctf.alphaLow, low);

        const OutcomePtr second = test::clickAndWait(p, p->runButton());
        QVERIFY(second);
        QCOMPARE(second->details["alpha_rule"].get<std::string>(), std::string("manual"));
        QCOMPARE(second->details["alpha_low"].get<double>(), low);
        QVERIFY(test::relativeDifference(second->phase, first->phase) < 1e-6);
    }

    // IRGN offers the Paganin and RAAR starts; the phase sign goes into the request and the
    // session JSON.
    void irgnStartAndPhaseSign()
    {
        MainWindow w;
        w.show();
        MethodPanel* p = w.methodPanel();
        p->setAutoUpdate(false);
        p->setCurrentMethod("irgn");
        auto* start = p->form("irgn")->findChild<QComboBox*>("irgnStart");
        QVERIFY(start);
        QCOMPARE(start->currentData().toString(), QString("auto"));  // the default
        QVERIFY(start->findData(QString("paganin")) >= 0);
        start->setCurrentIndex(start->findData(QString("paganin")));
        QVERIFY(dynamic_cast<const core::IrgnMethodOptions&>(*p->form("irgn")->options())
                    .irgn.initialGuess == core::IrgnInitialGuess::Paganin);
        // The RAAR start (holographic regime) is offered too.
        QVERIFY(start->findData(QString("raar")) >= 0);
        start->setCurrentIndex(start->findData(QString("raar")));
        QVERIFY(dynamic_cast<const core::IrgnMethodOptions&>(*p->form("irgn")->options())
                    .irgn.initialGuess == core::IrgnInitialGuess::Raar);

        widgets::ParameterPanel* params = w.parameterPanel();
        auto* sign = params->findChild<QComboBox*>("phaseSign");
        QVERIFY(sign);
        QCOMPARE(params->propagation().phaseSign, -1);
        sign->setCurrentIndex(sign->findData(1));
        QCOMPARE(params->propagation().phaseSign, 1);
        const nlohmann::json j = params->toJson();
        QCOMPARE(j["phase_sign"].get<int>(), 1);
        sign->setCurrentIndex(sign->findData(-1));
        params->fromJson(j);
        QCOMPARE(params->propagation().phaseSign, 1);
    }

    // The FRC panel: an offset copy of the reference scores 0 % NMSE with the means removed.
    void frcPanelRemovesTheMean()
    {
        MainWindow w;
        w.show();
        w.openDemo(64);
        QVERIFY(test::waitLoaded(w));
        widgets::ResolutionPanel* r = w.resolutionPanel();
        auto* remove = r->findChild<QCheckBox*>("frcRemoveMean");
        auto* rule = r->findChild<QComboBox*>("frcRule");
        QVERIFY(remove && rule);
        remove->setChecked(true);
        rule->setCurrentIndex(rule->findData(int(core::FrcRule::Sustained)));
        QSignalSpy done(r, &widgets::ResolutionPanel::frcComputed);
        r->computeFrc(widgets::ImageRole::Reference, widgets::ImageRole::Reference,
                      core::FrcThreshold::TwoSigma);
        QVERIFY(done.wait(30000));
        QVERIFY(r->evaluation()->meanRemoved);
        QVERIFY(r->evaluation()->frc.rule == core::FrcRule::Sustained);
        QVERIFY(r->evaluation()->nmsePercent < 1e-9);
    }
};

QTEST_MAIN(ClassicalGuiTest)
#include "classical_gui_test.moc"
