#include "lab_scenes.h"

#include <phaselab/core/classical_methods.h>
#include <phaselab/widgets/compare_view.h>
#include <phaselab/widgets/data_panel.h>
#include <phaselab/widgets/lab_window.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_form.h>
#include <phaselab/widgets/method_panel.h>
#include <phaselab/widgets/parameter_panel.h>
#include <phaselab/widgets/training_panel.h>

#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <memory>

using namespace phaselab::widgets;

bool isLabScene(const QString& view)
{
    return view == QLatin1String("training") || view == QLatin1String("compare");
}

void stageLabScene(MainWindow& window, const QString& view, std::function<void(QWidget*)> save)
{
    window.methodPanel()->setAutoUpdate(false);
    LabWindow* lab = window.lab();
    lab->resize(1400, 860);
    auto fail = [save, lab](const QString& message) {
        std::fprintf(stderr, "phaselab: %s\n", qPrintable(message));
        save(lab);
    };
    if (view == QLatin1String("training")) {
        auto dir = std::make_shared<QTemporaryDir>();
        DataPanel* data = lab->dataPanel();
        TrainingPanel* training = lab->trainingPanel();
        QObject::connect(data, &DataPanel::failed, lab, fail);
        QObject::connect(training, &TrainingPanel::failed, lab, fail);
        QObject::connect(&window, &MainWindow::loaded, lab, [lab, data, dir] {
            lab->showTab(LabWindow::Tab::Data);
            DataPanel::Settings s;
            s.size = 64;
            s.count = 240;
            s.seed = 1;
            s.path = dir->filePath(QStringLiteral("demo_set.h5"));
            data->setSettings(s);
            data->generate();
        });
        QObject::connect(data, &DataPanel::generated, lab, [lab, training, dir] {
            lab->showTab(LabWindow::Tab::Training);
            phaselab::models::TrainOptions o = training->options();
            o.method = phaselab::models::Method::Dgn;
            o.dgn.iterations = 4;
            o.epochs = 12;
            o.batchSize = 8;
            o.outPath = dir->filePath(QStringLiteral("dgn_demo.pt")).toStdString();
            training->setOptions(o);
            training->start();
        });
        QObject::connect(training, &TrainingPanel::epochFinished, lab, [lab, save](int epoch) {
            if (epoch == 3)
                QTimer::singleShot(500, lab, [lab, save] { save(lab); });
        });
        return;
    }
    CompareView* compare = lab->compareView();
    QObject::connect(compare, &CompareView::failed, lab, fail);
    QObject::connect(&window, &MainWindow::loaded, lab, [&window, lab, compare] {
        window.parameterPanel()->setDeltaOverBeta(30);
        phaselab::core::IrgnMethodOptions irgn;
        irgn.unknowns = phaselab::core::IrgnUnknowns::Homogeneous;
        irgn.irgn.newtonSteps = 10;
        irgn.irgn.positivity = true;
        window.methodPanel()->form(QStringLiteral("irgn"))->setOptions(irgn);
        lab->showTab(LabWindow::Tab::Compare);
        compare->setCheckedMethods({QStringLiteral("ctf"), QStringLiteral("paganin"),
                                    QStringLiteral("irgn")});
        compare->run();
    });
    QObject::connect(compare, &CompareView::finished, lab,
                     [lab, save] { QTimer::singleShot(500, lab, [lab, save] { save(lab); }); });
}
