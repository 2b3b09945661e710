#include <phaselab/widgets/method_panel.h>

#include <phaselab/version.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace phaselab::widgets {

nlohmann::json baseParameters(const ReconstructionMethod& method, const ReconstructionInput& in)
{
    const core::Geometry& g = in.geometry;
    return {{"phaselab_version", PHASELAB_VERSION},
            {"method", method.id().toStdString()},
            {"geometry",
             {{"energy_keV", g.energyKeV},
              {"distance_m", g.distanceM},
              {"pixel_size_m", g.pixelSizeM},
              {"wavelength_m", g.wavelengthM()},
              {"fresnel_number", g.fresnelNumber()}}},
            {"padding", core::toString(in.propagation.padding)},
            {"pad_factor", in.propagation.padFactor},
            {"beta_over_delta", in.betaOverDelta},
            {"options", method.options()},
            {"input", in.provenance.empty() ? nlohmann::json(in.source.toStdString())
                                            : in.provenance}};
}

MethodPanel::MethodPanel(std::function<ReconstructionInput()> inputProvider,
                         std::function<QString()> parameterError, QWidget* parent)
    : QWidget(parent),
      m_input(std::move(inputProvider)),
      m_parameterError(std::move(parameterError)),
      m_list(new QComboBox),
      m_description(new QLabel),
      m_options(new QStackedWidget),
      m_auto(new QCheckBox(tr("Update automatically while editing"))),
      m_run(new QPushButton(tr("Run"))),
      m_cancel(new QPushButton(tr("Cancel"))),
      m_progress(new QProgressBar),
      m_reason(new QLabel),
      m_plot(new QCustomPlot),
      m_debounce(new QTimer(this)),
      m_runner(new JobRunner(this))
{
    m_description->setWordWrap(true);
    m_reason->setWordWrap(true);
    m_reason->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_run->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_run->setToolTip(tr("Run the method (Ctrl+R)"));
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_progress->setRange(0, 1000);
    m_auto->setChecked(true);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(300);

    m_plot->setMinimumHeight(150);
    m_plot->xAxis->setLabel(tr("iteration"));
    m_plot->yAxis->setLabel(tr("residual ‖I − F(f)‖"));
    m_plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    m_plot->addGraph();
    m_plot->graph(0)->setPen(QPen(QColor(40, 90, 170), 2));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_list);
    layout->addWidget(m_description);
    layout->addWidget(m_options);
    layout->addWidget(m_auto);
    layout->addLayout(buttons);
    layout->addWidget(m_progress);
    layout->addWidget(m_reason);
    layout->addWidget(m_plot, 1);

    connect(m_list, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_options->setCurrentIndex(i);
        if (ReconstructionMethod* m = currentMethod())
            m_description->setText(m->description());
        inputChanged();
    });
    connect(m_run, &QPushButton::clicked, this, &MethodPanel::run);
    connect(m_cancel, &QPushButton::clicked, this, &MethodPanel::cancel);
    connect(m_auto, &QCheckBox::toggled, this, &MethodPanel::inputChanged);
    connect(m_debounce, &QTimer::timeout, this, [this] {
        if (m_runner->isRunning()) {
            m_rerunPending = true;
            m_runner->cancel();
        } else {
            run();
        }
    });
    connect(m_runner, &JobRunner::progressChanged, this,
            [this](double f, const QString&) { m_progress->setValue(int(f * 1000)); });
    connect(m_runner, &JobRunner::preview, this, [this](std::shared_ptr<const void> p) {
        auto r = std::static_pointer_cast<const ReconstructionResult>(p);
        showResidual(*r);
        emit previewReady(r);
    });
    connect(m_runner, &JobRunner::finished, this, [this](std::shared_ptr<const void> p) {
        auto r = std::static_pointer_cast<const ReconstructionResult>(p);
        m_progress->setValue(1000);
        showResidual(*r);
        updateState();
        emit resultReady(r);
    });
    connect(m_runner, &JobRunner::failed, this, [this](const QString& message) {
        updateState();
        emit failed(message);
    });
    connect(m_runner, &JobRunner::cancelled, this, [this] {
        m_progress->setValue(0);
        updateState();
        if (std::exchange(m_rerunPending, false))
            run();  // a parameter changed while an automatic run was going
        else
            emit cancelled();
    });
    updateState();
}

MethodPanel::~MethodPanel() = default;

void MethodPanel::addMethod(std::unique_ptr<ReconstructionMethod> method)
{
    QWidget* options = method->createOptionsWidget();
    m_options->addWidget(options);
    connect(method.get(), &ReconstructionMethod::optionsChanged, this, &MethodPanel::inputChanged);
    m_list->addItem(method->displayName(), method->id());
    m_list->setItemData(m_list->count() - 1, method->description(), Qt::ToolTipRole);
    m_methods.push_back(std::move(method));
    if (m_methods.size() == 1) {
        m_description->setText(m_methods.front()->description());
        updateState();
    }
}

ReconstructionMethod* MethodPanel::method(const QString& id) const
{
    for (const auto& m : m_methods)
        if (m->id() == id)
            return m.get();
    return nullptr;
}

ReconstructionMethod* MethodPanel::currentMethod() const
{
    const int i = m_list->currentIndex();
    return i >= 0 && i < int(m_methods.size()) ? m_methods[std::size_t(i)].get() : nullptr;
}

void MethodPanel::setCurrentMethod(const QString& id)
{
    const int i = m_list->findData(id);
    if (i >= 0)
        m_list->setCurrentIndex(i);
}

QStringList MethodPanel::methodIds() const
{
    QStringList ids;
    for (const auto& m : m_methods)
        ids << m->id();
    return ids;
}

QString MethodPanel::blockReason() const
{
    ReconstructionMethod* m = currentMethod();
    if (!m)
        return tr("No method available");
    const QString parameters = m_parameterError();
    if (!parameters.isEmpty())
        return parameters;
    const ReconstructionInput input = m_input();
    if (!input.hologram)
        return tr("Open a hologram first");
    return m->validate(input);
}

bool MethodPanel::isRunning() const
{
    return m_runner->isRunning();
}

bool MethodPanel::autoUpdate() const
{
    return m_auto->isChecked();
}

void MethodPanel::setAutoUpdate(bool on)
{
    m_auto->setChecked(on);
}

void MethodPanel::run()
{
    ReconstructionMethod* m = currentMethod();
    const QString reason = blockReason();
    if (!m || !reason.isEmpty() || m_runner->isRunning()) {
        updateState();
        return;
    }
    m_plot->graph(0)->data()->clear();
    m_plot->replot();
    m_progress->setValue(0);
    if (!m_runner->start(m->makeJob(m_input())))
        return;
    updateState();
    emit started(m->id());
}

void MethodPanel::cancel()
{
    m_rerunPending = false;
    m_runner->cancel();
}

void MethodPanel::inputChanged()
{
    updateState();
    ReconstructionMethod* m = currentMethod();
    if (m && m->isInteractive() && m_auto->isChecked() && blockReason().isEmpty())
        m_debounce->start();
}

void MethodPanel::updateState()
{
    const bool running = m_runner->isRunning();
    const QString reason = running ? QString() : blockReason();
    m_run->setEnabled(!running && reason.isEmpty());
    m_cancel->setEnabled(running);
    m_list->setEnabled(!running);
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());
    ReconstructionMethod* m = currentMethod();
    m_auto->setVisible(m && m->isInteractive());
}

void MethodPanel::showResidual(const ReconstructionResult& r)
{
    if (r.residualHistory.empty())
        return;
    QVector<double> x, y;
    for (std::size_t k = 0; k < r.residualHistory.size(); ++k) {
        if (!(r.residualHistory[k] > 0))
            continue;
        x << double(k);
        y << r.residualHistory[k];
    }
    m_plot->graph(0)->setData(x, y, true);
    m_plot->rescaleAxes();
    m_plot->replot();
}

} // namespace phaselab::widgets
