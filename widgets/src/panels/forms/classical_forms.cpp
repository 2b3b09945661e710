// The forms of the classical methods: CTF, Paganin and IRGN (core/classical_methods.h).
#include "forms.h"

#include <phaselab/core/classical_methods.h>

#include "form_util.h"
#include "number_edit.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

namespace phaselab::widgets {

namespace {

using forms::firstInvalid;
using forms::readInto;
using forms::select;
using forms::selected;
using Domain = NumberEdit::Domain;

/// α low, α high and the transition width of a CTF filter, in any form layout.
struct CtfFields {
    QComboBox* rule = new QComboBox;
    NumberEdit* low = new NumberEdit(Domain::Positive);
    NumberEdit* high = new NumberEdit(Domain::Positive);
    NumberEdit* width = new NumberEdit(Domain::Positive);

    void addTo(QFormLayout* form, MethodForm* owner, const QString& lowTip, const QString& highTip)
    {
        low->setToolTip(lowTip);
        high->setToolTip(highTip);
        width->setToolTip(MethodForm::tr("Width of the erfc transition, relative to the first maximum"));
        rule->addItem(MethodForm::tr("Field of view (fov)"), QStringLiteral("fov"));
        rule->addItem(MethodForm::tr("Generalised cross-validation"), QStringLiteral("gcv"));
        rule->addItem(MethodForm::tr("L-curve corner"), QStringLiteral("lcurve"));
        rule->addItem(MethodForm::tr("Discrepancy (estimated noise)"), QStringLiteral("discrepancy"));
        rule->addItem(MethodForm::tr("Quasi-optimality"), QStringLiteral("quasi"));
        rule->addItem(MethodForm::tr("Manual (α low, α high)"), QStringLiteral("manual"));
        rule->setToolTip(MethodForm::tr(
            "How α is chosen for each hologram; with a rule other than manual, α low caps (fov) "
            "or only sets the ratio α high/α low"));
        form->addRow(MethodForm::tr("α rule:"), rule);
        QObject::connect(rule, &QComboBox::activated, owner, &MethodForm::optionsChanged);
        form->addRow(MethodForm::tr("α low:"), low);
        form->addRow(MethodForm::tr("α high:"), high);
        form->addRow(MethodForm::tr("Transition:"), width);
        for (NumberEdit* e : {low, high, width})
            // textEdited comes from the user only, never from show().
            QObject::connect(e, &QLineEdit::textEdited, owner, &MethodForm::optionsChanged);
    }
    void show(const core::CtfOptions& c) const
    {
        select(rule, core::toString(c.alphaRule));
        low->setValue(c.alphaLow);
        high->setValue(c.alphaHigh);
        width->setValue(c.transitionWidth);
    }
    void apply(core::CtfOptions& c) const
    {
        c.alphaRule = core::parseAlphaRule(selected(rule));
        readInto(low, c.alphaLow);
        readInto(high, c.alphaHigh);
        readInto(width, c.transitionWidth);
    }
    [[nodiscard]] QString invalid(const QString& prefix) const
    {
        return firstInvalid(prefix, {{low, MethodForm::tr("α low")},
                                     {high, MethodForm::tr("α high")},
                                     {width, MethodForm::tr("the transition width")}});
    }
    void setEnabled(bool on) const
    {
        for (NumberEdit* e : {low, high, width})
            e->setEnabled(on);
        rule->setEnabled(on);
    }
};

// ---------------------------------------------------------------------------------------------

class CtfForm final : public MethodForm {
    Q_OBJECT

public:
    explicit CtfForm(const core::MethodInfo& info) : MethodForm(info)
    {
        m_ctf.low->setObjectName(QStringLiteral("ctfAlphaLow"));
        m_ctf.rule->setObjectName(QStringLiteral("ctfAlphaRule"));
        m_ctf.addTo(formLayout(), this, tr("α below the first CTF maximum"),
                    tr("α above the first CTF maximum"));
        m_border->setObjectName(QStringLiteral("ctfBorder"));
        m_border->addItem(tr("Fade into the flat field"), QStringLiteral("fade"));
        m_border->addItem(tr("Padding mode of the physics"), QStringLiteral("padding"));
        formLayout()->addRow(tr("Border:"), m_border);
        connect(m_border, &QComboBox::activated, this, &MethodForm::optionsChanged);
        m_chosen->setObjectName(QStringLiteral("ctfChosenAlpha"));
        m_chosen->setWordWrap(true);
        m_useChosen->setObjectName(QStringLiteral("ctfUseChosenAlpha"));
        m_useChosen->setToolTip(tr("Fix α low and α high at the chosen values (manual rule), "
                                   "to edit them from there"));
        m_useChosen->setEnabled(false);
        formLayout()->addRow(tr("Chosen:"), m_chosen);
        formLayout()->addRow(QString(), m_useChosen);
        connect(m_useChosen, &QPushButton::clicked, this, &CtfForm::useChosen);
    }

    void showOutcomeDetails(const nlohmann::json& details) override
    {
        const std::string text = core::describeAlpha(details);
        m_chosen->setText(QString::fromStdString(text));
        m_lastDetails = details;
        m_useChosen->setEnabled(!text.empty() && details.value("alpha_rule", "") != "manual");
    }

    QString validate() const override { return m_ctf.invalid(tr("CTF: ")); }

protected:
    void showOptions(const core::MethodOptions& o) override
    {
        const core::CtfOptions& c = optionsAs<core::CtfMethodOptions>(o).ctf;
        m_ctf.show(c);
        select(m_border, c.fadeBorder ? "fade" : "padding");
    }
    void applyFields(core::MethodOptions& o) const override
    {
        core::CtfOptions& c = optionsAs<core::CtfMethodOptions>(o).ctf;
        m_ctf.apply(c);
        c.fadeBorder = selected(m_border) == "fade";
    }

private:
    // The override: the chosen α as manual values.
    void useChosen()
    {
        auto o = std::unique_ptr<core::MethodOptions>(options()->clone());
        core::useChosenAlpha(optionsAs<core::CtfMethodOptions>(*o).ctf, m_lastDetails);
        setOptions(*o);
        m_useChosen->setEnabled(false);
    }

    CtfFields m_ctf;
    QComboBox* m_border = new QComboBox;
    QLabel* m_chosen = new QLabel;
    QPushButton* m_useChosen = new QPushButton(tr("Use this α"));
    nlohmann::json m_lastDetails;
};

// ---------------------------------------------------------------------------------------------

class PaganinForm final : public MethodForm {
    Q_OBJECT

public:
    explicit PaganinForm(const core::MethodInfo& info) : MethodForm(info)
    {
        auto* note = new QLabel(tr("δ/β comes from the Sample settings (choose a material or "
                                   "type δ/β)."));
        note->setObjectName(QStringLiteral("paganinNote"));
        note->setWordWrap(true);
        formLayout()->addRow(note);
    }

protected:
    void showOptions(const core::MethodOptions&) override {}
    void applyFields(core::MethodOptions&) const override {}
};

// ---------------------------------------------------------------------------------------------

class IrgnForm final : public MethodForm {
    Q_OBJECT

public:
    explicit IrgnForm(const core::MethodInfo& info) : MethodForm(info)
    {
        m_unknowns->addItem(tr("Homogeneous (sample δ/β)"),
                            QString::fromStdString(core::toString(core::IrgnUnknowns::Homogeneous)));
        m_unknowns->addItem(tr("Joint absorption and phase"),
                            QString::fromStdString(core::toString(core::IrgnUnknowns::Joint)));
        m_unknowns->setObjectName(QStringLiteral("irgnUnknowns"));
        m_alpha->setObjectName(QStringLiteral("irgnAlpha0"));
        m_alpha->setToolTip(tr("α_0 of the first Newton step"));
        m_q->setToolTip(tr("α_k = α_0 q^k, 0 < q < 1"));
        m_newton->setObjectName(QStringLiteral("irgnNewtonSteps"));
        m_newton->setRange(1, 1000000);
        m_cg->setRange(1, 100000);
        m_penalty->addItem(tr("Tikhonov"),
                           QString::fromStdString(core::toString(core::IrgnPenalty::Tikhonov)));
        m_penalty->addItem(tr("Sobolev"),
                           QString::fromStdString(core::toString(core::IrgnPenalty::Sobolev)));
        m_sobolevScale->setToolTip(tr("s of the Sobolev weight (1 + |ξ|²/s²)^m [cycles/pixel]"));
        m_sobolevOrder->setToolTip(tr("m of the Sobolev weight"));
        m_start->addItem(tr("Auto (CTF, Paganin or RAAR, whichever fits the data better)"),
                         QString::fromStdString(core::toString(core::IrgnInitialGuess::Auto)));
        m_start->addItem(tr("Zero"),
                         QString::fromStdString(core::toString(core::IrgnInitialGuess::Zero)));
        m_start->addItem(tr("CTF"),
                         QString::fromStdString(core::toString(core::IrgnInitialGuess::Ctf)));
        m_start->addItem(tr("Paganin (needs δ/β)"),
                         QString::fromStdString(core::toString(core::IrgnInitialGuess::Paganin)));
        m_start->addItem(tr("RAAR (strong phase, small Fresnel numbers)"),
                         QString::fromStdString(core::toString(core::IrgnInitialGuess::Raar)));
        m_start->setObjectName(QStringLiteral("irgnStart"));
        m_noise->setToolTip(tr("Noise standard deviation of the hologram; stop when the RMS "
                               "residual reaches τ times it (0: off)"));
        m_tau->setToolTip(tr("Discrepancy factor τ ≥ 1"));

        QFormLayout* form = formLayout();
        form->addRow(tr("Unknowns:"), m_unknowns);
        form->addRow(tr("α_0:"), m_alpha);
        form->addRow(tr("q:"), m_q);
        form->addRow(tr("Newton steps:"), m_newton);
        form->addRow(tr("CG iterations:"), m_cg);
        form->addRow(tr("Penalty:"), m_penalty);
        form->addRow(tr("Sobolev scale s:"), m_sobolevScale);
        form->addRow(tr("Sobolev order m:"), m_sobolevOrder);
        form->addRow(m_positivity);
        form->addRow(tr("Start from:"), m_start);
        auto* ctfBox = new QGroupBox(tr("CTF start"));
        auto* ctfForm = new QFormLayout(ctfBox);
        m_ctf.addTo(ctfForm, this, tr("CTF start: α below the first CTF maximum"),
                    tr("CTF start: α above the first CTF maximum"));
        form->addRow(ctfBox);
        form->addRow(tr("Noise level (discrepancy stop):"), m_noise);
        form->addRow(tr("τ:"), m_tau);

        for (NumberEdit* e : {m_alpha, m_q, m_sobolevScale, m_sobolevOrder, m_noise, m_tau})
            connect(e, &QLineEdit::textEdited, this, &IrgnForm::edited);
        for (QComboBox* c : {m_unknowns, m_penalty, m_start})
            connect(c, &QComboBox::currentIndexChanged, this, &IrgnForm::edited);
        for (QSpinBox* s : {m_newton, m_cg})
            connect(s, &QSpinBox::valueChanged, this, &IrgnForm::edited);
        connect(m_positivity, &QCheckBox::toggled, this, &IrgnForm::edited);
        connect(m_penalty, &QComboBox::currentIndexChanged, this, &IrgnForm::enableDependent);
        connect(m_start, &QComboBox::currentIndexChanged, this, &IrgnForm::enableDependent);
    }

    QString validate() const override
    {
        const QString own = firstInvalid(tr("IRGN: "), {{m_alpha, tr("α_0")},
                                                        {m_q, tr("q")},
                                                        {m_sobolevScale, tr("the Sobolev scale")},
                                                        {m_sobolevOrder, tr("the Sobolev order")},
                                                        {m_noise, tr("the noise level")},
                                                        {m_tau, tr("τ")}});
        return own.isEmpty() ? m_ctf.invalid(tr("IRGN, CTF start: ")) : own;
    }

protected:
    void showOptions(const core::MethodOptions& options) override
    {
        const auto& o = optionsAs<core::IrgnMethodOptions>(options);
        select(m_unknowns, core::toString(o.unknowns));
        m_alpha->setValue(o.irgn.alpha0);
        m_q->setValue(o.irgn.q);
        m_newton->setValue(o.irgn.newtonSteps);
        m_cg->setValue(o.irgn.cgIterations);
        select(m_penalty, core::toString(o.irgn.penalty));
        m_sobolevScale->setValue(o.irgn.sobolevScale);
        m_sobolevOrder->setValue(o.irgn.sobolevOrder);
        m_positivity->setChecked(o.irgn.positivity);
        select(m_start, core::toString(o.irgn.initialGuess));
        m_ctf.show(o.irgn.ctf);
        m_noise->setValue(o.irgn.noiseLevel);
        m_tau->setValue(o.irgn.tau);
        enableDependent();
    }

    void applyFields(core::MethodOptions& options) const override
    {
        auto& o = optionsAs<core::IrgnMethodOptions>(options);
        o.unknowns = core::parseIrgnUnknowns(selected(m_unknowns));
        readInto(m_alpha, o.irgn.alpha0);
        readInto(m_q, o.irgn.q);
        o.irgn.newtonSteps = m_newton->value();
        o.irgn.cgIterations = m_cg->value();
        o.irgn.penalty = core::parseIrgnPenalty(selected(m_penalty));
        readInto(m_sobolevScale, o.irgn.sobolevScale);
        readInto(m_sobolevOrder, o.irgn.sobolevOrder);
        o.irgn.positivity = m_positivity->isChecked();
        o.irgn.initialGuess = core::parseIrgnInitialGuess(selected(m_start));
        m_ctf.apply(o.irgn.ctf);
        readInto(m_noise, o.irgn.noiseLevel);
        readInto(m_tau, o.irgn.tau);
    }

private:
    /// The Sobolev weight's fields count only for the Sobolev penalty, the CTF start's only
    /// when IRGN starts from CTF.
    void enableDependent()
    {
        const bool sobolev = selected(m_penalty) == core::toString(core::IrgnPenalty::Sobolev);
        m_sobolevScale->setEnabled(sobolev);
        m_sobolevOrder->setEnabled(sobolev);
        m_ctf.setEnabled(selected(m_start) == core::toString(core::IrgnInitialGuess::Ctf));
    }

    QComboBox* m_unknowns = new QComboBox;
    NumberEdit* m_alpha = new NumberEdit(Domain::Positive);
    NumberEdit* m_q = new NumberEdit(Domain::Positive);
    QSpinBox* m_newton = new QSpinBox;
    QSpinBox* m_cg = new QSpinBox;
    QComboBox* m_penalty = new QComboBox;
    NumberEdit* m_sobolevScale = new NumberEdit(Domain::Positive);
    NumberEdit* m_sobolevOrder = new NumberEdit(Domain::NonNegative);
    QCheckBox* m_positivity = new QCheckBox(tr("Keep B, φ ≥ 0"));
    QComboBox* m_start = new QComboBox;
    CtfFields m_ctf;
    NumberEdit* m_noise = new NumberEdit(Domain::NonNegative);
    NumberEdit* m_tau = new NumberEdit(Domain::Positive);
};

} // namespace

std::unique_ptr<MethodForm> makeCtfForm(const core::MethodInfo& info)
{
    return std::make_unique<CtfForm>(info);
}

std::unique_ptr<MethodForm> makePaganinForm(const core::MethodInfo& info)
{
    return std::make_unique<PaganinForm>(info);
}

std::unique_ptr<MethodForm> makeIrgnForm(const core::MethodInfo& info)
{
    return std::make_unique<IrgnForm>(info);
}

} // namespace phaselab::widgets

#include "classical_forms.moc"
