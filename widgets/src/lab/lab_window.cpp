#include <phaselab/widgets/lab_window.h>

#include <phaselab/models/learned.h>
#include <phaselab/models/learned_method.h>
#include <phaselab/models/library.h>
#include <phaselab/widgets/compare_view.h>
#include <phaselab/widgets/data_panel.h>
#include <phaselab/widgets/input_controller.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_form.h>
#include <phaselab/widgets/method_panel.h>
#include <phaselab/widgets/model_library.h>
#include <phaselab/widgets/parameter_panel.h>
#include <phaselab/widgets/training_panel.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QVBoxLayout>

namespace phaselab::widgets {

LabWindow::LabWindow(MainWindow& main, QWidget* parent)
    : QWidget(parent, Qt::Window),
      m_main(main),
      m_tabs(new QTabWidget),
      m_data(new DataPanel),
      m_training(new TrainingPanel),
      m_library(new ModelLibrary),
      m_compare(new CompareView(
          {[&main] { return main.baseRequest(); }, [&main] { return main.input()->current(); },
           [&main](const QString& id) -> std::shared_ptr<const core::MethodOptions> {
               MethodForm* form = main.methodPanel()->form(id);
               return form ? form->options() : nullptr;
           },
           // The demo's truth when there is one, else the window's Reference image (a phase).
           [&main]() -> std::shared_ptr<const core::ImageF> {
               const auto h = main.input()->current();
               if (h && h->truePhase)
                   return h->truePhase;
               return main.workspace()->image(ImageRole::Reference);
           },
           [&main]() -> std::shared_ptr<const core::ImageF> {
               const auto h = main.input()->current();
               return h ? h->trueAbsorption : nullptr;
           }})),
      m_ask([this](const QString& question) {
          return QMessageBox::question(this, tr("PhaseLab"), question) == QMessageBox::Yes;
      })
{
    setWindowTitle(tr("PhaseLab — Lab"));
    m_tabs->addTab(m_data, tr("Data"));
    m_tabs->addTab(m_training, tr("Training"));
    m_tabs->addTab(m_library, tr("Models"));
    m_tabs->addTab(m_compare, tr("Compare"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);
    resize(1200, 800);

    const QString folder = defaultModelFolder();
    QDir().mkpath(folder);
    // The shipped models (resources/models, or an installed copy) as read-only folders.
    QStringList shipped;
    for (const std::string& f : models::shippedModelFolders())
        shipped << QString::fromStdString(f);
    m_library->setFolders(folder, shipped);
    m_training->setOutputPath(
        folder + QStringLiteral("/model_%1.pt")
                     .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd_HHmm"))));

    connect(m_data, &DataPanel::datasetOpened, m_training, &TrainingPanel::setDataPath);
    connect(m_training, &TrainingPanel::finished, m_library, &ModelLibrary::refresh);
    connect(m_library, &ModelLibrary::modelChosen, this,
            [this](const QString& path, const QString& method) {
                MethodPanel* p = m_main.methodPanel();
                MethodForm* form = p->form(method);
                const std::shared_ptr<const core::MethodOptions> held =
                    form ? form->options() : nullptr;
                const auto* current = dynamic_cast<const models::LearnedMethodOptions*>(held.get());
                if (!current)
                    return;
                models::LearnedMethodOptions options = *current;  // keeps the chosen device
                options.model = path.toStdString();
                form->setOptions(options);
                p->setCurrentMethod(method);
                m_main.log(tr("Model %1 loaded into the method panel").arg(path));
            });
    connect(m_main.parameterPanel(), &ParameterPanel::parametersChanged, this,
            &LabWindow::updateGeometry);
    updateGeometry();
}

LabWindow::~LabWindow() = default;

QString LabWindow::defaultModelFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/models");
}

void LabWindow::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(int(tab));
    show();
    raise();
    activateWindow();
}

bool LabWindow::confirmClose()
{
    if (m_training->isRunning()) {
        if (!m_ask(tr("A training is running. Stop it and close? The checkpoint of its last "
                      "finished epoch is kept, and Resume continues from it.")))
            return false;
        m_training->stopNow();
    }
    if (m_data->isRunning())
        m_data->cancel();
    return true;
}

void LabWindow::updateGeometry()
{
    const core::Geometry g = m_main.parameterPanel()->geometry();
    m_data->setGeometry(g);
    const QString material = m_main.parameterPanel()->materialId();
    std::optional<core::Material> sample;
    for (const core::Material& m : core::dgnMaterials())
        if (QString::fromStdString(m.formula) == material)
            sample = m;
    m_data->setSampleMaterial(sample);
    m_library->setGeometry(g);
}

} // namespace phaselab::widgets
