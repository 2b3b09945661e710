#include <phaselab/widgets/method_panel.h>

#include <phaselab/core/error.h>
#include <phaselab/widgets/job_runner.h>
#include <phaselab/widgets/method_form.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <exception>
#include <utility>

namespace phaselab::widgets {

MethodPanel::MethodPanel(Sources sources, QWidget* parent)
    : QWidget(parent),
      m_sources(std::move(sources)),
      m_list(new QComboBox),
      m_description(new QLabel),
      m_forms(new QStackedWidget),
      m_auto(new QCheckBox(tr("Update automatically while editing"))),
      m_run(new QPushButton(tr("Run"))),
      m_cancel(new QPushButton(tr("Cancel"))),
      m_continue(new QPushButton(tr("Continue for"))),
      m_steps(new QSpinBox),
      m_progress(new QProgressBar),
      m_reason(new QLabel),
      m_plot(new QCustomPlot),
      m_debounce(new QTimer(this)),
      m_runner(new JobRunner(this))
{
    m_list->setObjectName(QStringLiteral("methodList"));
    m_description->setWordWrap(true);
    m_reason->setObjectName(QStringLiteral("blockReason"));
    m_reason->setWordWrap(true);
    m_reason->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_run->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_run->setToolTip(tr("Run the method (Ctrl+R)"));
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_continue->setObjectName(QStringLiteral("continueButton"));
    m_continue->setToolTip(tr("Take more steps from where the last run stopped; the residual "
                              "curve continues"));
    m_steps->setObjectName(QStringLiteral("continueSteps"));
    m_steps->setRange(1, 100000);
    m_steps->setSuffix(tr(" more steps"));
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
    auto* more = new QHBoxLayout;
    more->addWidget(m_continue);
    more->addWidget(m_steps, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_list);
    layout->addWidget(m_description);
    layout->addWidget(m_forms);
    layout->addWidget(m_auto);
    layout->addLayout(buttons);
    layout->addLayout(more);
    layout->addWidget(m_progress);
    layout->addWidget(m_reason);
    layout->addWidget(m_plot, 1);

    for (const core::MethodInfo& info : core::MethodRegistry::instance().methods()) {
        std::shared_ptr<core::ReconstructionMethod> method =
            core::MethodRegistry::instance().create(info.id);
        MethodForm* form = createMethodForm(*method).release();
        m_forms->addWidget(form);
        connect(form, &MethodForm::optionsChanged, this, &MethodPanel::inputChanged);
        m_list->addItem(form->displayName(), QString::fromStdString(info.id));
        m_list->setItemData(m_list->count() - 1, form->description(), Qt::ToolTipRole);
        m_entries.push_back({std::move(method), form});
    }
    if (const Entry* e = current())
        m_description->setText(e->form->description());

    connect(m_list, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_forms->setCurrentIndex(i);
        if (const Entry* e = current())
            m_description->setText(e->form->description());
        inputChanged();
    });
    connect(m_run, &QPushButton::clicked, this, &MethodPanel::run);
    connect(m_cancel, &QPushButton::clicked, this, &MethodPanel::cancel);
    connect(m_continue, &QPushButton::clicked, this, &MethodPanel::continueRun);
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
    connect(m_runner, &JobRunner::failed, this, [this](const QString& message) {
        m_continuing = false;
        forgetLastOutcome();
        updateState();
        emit failed(message);
    });
    connect(m_runner, &JobRunner::cancelled, this, [this] {
        m_continuing = false;
        m_progress->setValue(0);
        updateState();
        if (std::exchange(m_rerunPending, false))
            run();  // a parameter changed while an automatic run was going
        else
            emit cancelled();
    });
    updateState();
}

// A running job holds its own references to the method object and the hologram; the runner (a
// child) cancels it and waits when it is destroyed.
MethodPanel::~MethodPanel() = default;

const MethodPanel::Entry* MethodPanel::current() const
{
    const int i = m_list->currentIndex();
    return i >= 0 && i < int(m_entries.size()) ? &m_entries[std::size_t(i)] : nullptr;
}

QStringList MethodPanel::methodIds() const
{
    QStringList ids;
    for (const Entry& e : m_entries)
        ids << QString::fromStdString(e.form->info().id);
    return ids;
}

QString MethodPanel::currentMethodId() const
{
    return m_list->currentData().toString();
}

void MethodPanel::setCurrentMethod(const QString& id)
{
    const int i = m_list->findData(id);
    if (i >= 0)
        m_list->setCurrentIndex(i);
}

MethodForm* MethodPanel::form(const QString& id) const
{
    const int i = m_list->findData(id);
    return i >= 0 ? m_entries[std::size_t(i)].form : nullptr;
}

MethodForm* MethodPanel::currentForm() const
{
    const Entry* e = current();
    return e ? e->form : nullptr;
}

void MethodPanel::setOptions(const QString& id, const nlohmann::json& options)
{
    MethodForm* f = form(id);
    if (!f)
        throw core::InputError("no method '" + id.toStdString() + "'");
    // The registry's defaults, not the method object's: a job may be using that.
    std::unique_ptr<core::MethodOptions> o =
        core::MethodRegistry::instance().defaultOptions(id.toStdString());
    o->fromJson(options);
    f->setOptions(*o);
}

core::ReconstructionRequest MethodPanel::request() const
{
    core::ReconstructionRequest r = m_sources.baseRequest();
    if (const Entry* e = current()) {
        r.method = e->form->info().id;
        r.options = e->form->options();
    }
    return r;
}

QString MethodPanel::check(core::ReconstructionRequest* completed) const
{
    const Entry* e = current();
    if (!e)
        return tr("No method available");
    if (m_runner->isRunning())
        return {};
    const QString parameters = m_sources.parameterError();
    if (!parameters.isEmpty())
        return parameters;
    const HologramPtr hologram = m_sources.hologram();
    if (!hologram)
        return tr("Open a hologram first");
    if (!hologram->problem.empty())
        return QString::fromStdString(hologram->problem);
    const QString field = e->form->validate();
    if (!field.isEmpty())
        return field;
    try {
        core::ReconstructionRequest r = core::completeRequest(*e->method, request(), *hologram);
        if (completed)
            *completed = std::move(r);
    } catch (const std::exception& ex) {
        return QString::fromStdString(ex.what());
    }
    return {};
}

QString MethodPanel::blockReason() const
{
    return check(nullptr);
}

bool MethodPanel::isRunning() const
{
    return m_runner->isRunning();
}

void MethodPanel::forgetLastOutcome()
{
    m_last.reset();
    m_lastHologram.reset();
    m_lastMethod.reset();
    updateState();
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
    const Entry* e = current();
    core::ReconstructionRequest request;
    if (!e || m_runner->isRunning() || !check(&request).isEmpty()) {
        updateState();
        return;
    }
    m_plot->graph(0)->data()->clear();
    m_plot->replot();
    m_continuing = false;
    const HologramPtr hologram = m_sources.hologram();
    const std::shared_ptr<core::ReconstructionMethod> method = e->method;
    startJob(method, hologram,
             [method, request, hologram](const core::ProgressReporter& progress,
                                         const std::function<void(OutcomePtr)>& preview) {
                 return core::reconstruct(*method, request, *hologram, progress, preview);
             });
}

void MethodPanel::continueRun()
{
    updateState();
    if (!m_continue->isEnabled())
        return;
    m_continuing = true;
    const OutcomePtr last = m_last;
    const HologramPtr hologram = m_lastHologram;
    const std::shared_ptr<core::ReconstructionMethod> method = m_lastMethod;
    const int steps = m_steps->value();
    startJob(method, hologram,
             [method, last, hologram, steps](const core::ProgressReporter& progress,
                                             const std::function<void(OutcomePtr)>& preview) {
                 return core::continueReconstruction(*method, *last, *hologram, steps, progress,
                                                     preview);
             });
}

void MethodPanel::cancel()
{
    m_rerunPending = false;
    m_runner->cancel();
}

void MethodPanel::startJob(const std::shared_ptr<core::ReconstructionMethod>& method,
                           const HologramPtr& hologram, Work work)
{
    m_progress->setValue(0);
    const QString id = QString::fromStdString(method->info().id);
    const bool accepted = m_runner->start<core::ReconstructionOutcome>(
        [work = std::move(work)](const JobContext<core::ReconstructionOutcome>& c) {
            return std::make_shared<const core::ReconstructionOutcome>(work(c.progress, c.publish));
        },
        [this, hologram, method](OutcomePtr outcome) {
            m_lastHologram = hologram;
            m_lastMethod = method;
            finishedRun(std::move(outcome));
        },
        [this](OutcomePtr preview) {
            showResidual(*preview);
            emit previewReady(std::move(preview));
        });
    if (!accepted)
        return;
    updateState();
    emit started(id);
}

void MethodPanel::finishedRun(OutcomePtr outcome)
{
    m_last = outcome;
    m_progress->setValue(1000);
    showResidual(*outcome);
    if (m_continuing) {
        // The form shows the options of the continued run (its step count), so that Run would
        // give the same result from scratch.
        MethodForm* f = form(QString::fromStdString(outcome->method.id));
        if (f && f->options()->toJson() != outcome->request.options->toJson())
            f->setOptions(*outcome->request.options);
    } else {
        m_steps->setValue(std::max(1, outcome->iterations));
    }
    m_continuing = false;
    if (MethodForm* f = form(QString::fromStdString(outcome->method.id)))
        f->showOutcomeDetails(outcome->details);
    updateState();
    emit resultReady(std::move(outcome));
}

void MethodPanel::inputChanged()
{
    updateState();
    const Entry* e = current();
    if (e && e->form->info().interactive && m_auto->isChecked() &&
        (m_runner->isRunning() || m_reason->text().isEmpty()))
        m_debounce->start();
}

void MethodPanel::updateState()
{
    const bool running = m_runner->isRunning();
    const Entry* e = current();
    core::ReconstructionRequest completed;
    const QString reason = running ? QString() : check(&completed);
    m_run->setEnabled(e && !running && reason.isEmpty());
    m_cancel->setEnabled(running);
    m_list->setEnabled(!running);
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());
    m_auto->setVisible(e && e->form->info().interactive);
    const bool iterative = e && e->form->info().kind == core::MethodKind::Iterative;
    m_continue->setVisible(iterative);
    m_steps->setVisible(iterative);
    // The method objects are the worker's while a job runs: ask them only when none does.
    m_continue->setEnabled(false);
    if (running || !e)
        return;
    m_continue->setEnabled(m_last && e->method == m_lastMethod &&
                           m_sources.hologram() == m_lastHologram &&
                           e->method->canContinue(m_last->request));
    QStringList warnings;
    try {
        if (reason.isEmpty())
            for (const std::string& w : e->method->warnings(completed))
                warnings << QString::fromStdString(w);
    } catch (const std::exception& ex) {
        // Warnings are advice: one that cannot be worked out is shown as such, never fatal.
        warnings << QString::fromStdString(ex.what());
    }
    e->form->setWarnings(warnings);
}

void MethodPanel::showResidual(const core::ReconstructionOutcome& outcome)
{
    QVector<double> x, y;
    for (std::size_t k = 0; k < outcome.residualHistory.size(); ++k) {
        if (!(outcome.residualHistory[k] > 0))
            continue;
        x << double(k);
        y << outcome.residualHistory[k];
    }
    m_plot->graph(0)->setData(x, y, true);
    m_plot->rescaleAxes();
    m_plot->replot();
}

} // namespace phaselab::widgets
