#include <phaselab/widgets/method_form.h>

#include <phaselab/core/classical_methods.h>
#include <phaselab/models/learned_method.h>

#include "forms.h"

#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace phaselab::widgets {

MethodForm::MethodForm(core::MethodInfo info, QWidget* parent)
    : QWidget(parent), m_info(std::move(info)), m_form(new QFormLayout), m_warnings(new QLabel)
{
    m_warnings->setObjectName(QStringLiteral("methodWarnings"));
    m_warnings->setWordWrap(true);
    m_warnings->setStyleSheet(QStringLiteral("color: #b26a00;"));
    m_warnings->hide();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(m_form);
    layout->addWidget(m_warnings);
}

MethodForm::~MethodForm() = default;

void MethodForm::setOptions(const core::MethodOptions& options)
{
    m_options = options.clone();
    m_showing = true;
    showOptions(*m_options);
    m_showing = false;
    emit optionsChanged();
}

std::shared_ptr<const core::MethodOptions> MethodForm::options() const
{
    std::shared_ptr<core::MethodOptions> out = m_options->clone();
    applyFields(*out);
    return out;
}

void MethodForm::setWarnings(const QStringList& warnings)
{
    m_warnings->setText(warnings.join(QLatin1Char('\n')));
    m_warnings->setVisible(!warnings.isEmpty());
}

QStringList MethodForm::warnings() const
{
    const QString text = m_warnings->text();
    return text.isEmpty() ? QStringList() : text.split(QLatin1Char('\n'));
}

void MethodForm::edited()
{
    if (!m_showing)
        emit optionsChanged();
}

QString MethodForm::displayName(const core::MethodInfo& info)
{
    if (info.id == "ctf")
        return tr("CTF");
    if (info.id == "paganin")
        return tr("Paganin");
    if (info.id == "irgn")
        return tr("IRGN");
    if (info.id == "dgn")
        return tr("Deep Gauss–Newton");
    if (info.id == "msd")
        return tr("MS-D Net");
    return QString::fromStdString(info.name);
}

QString MethodForm::description(const core::MethodInfo& info)
{
    if (info.id == "ctf")
        return tr("Contrast-transfer-function inversion, single distance, for weak or "
                  "homogeneous objects; two-level regularisation around the first CTF maximum. "
                  "Instant: follows your edits.");
    if (info.id == "paganin")
        return tr("TIE-homogeneous phase retrieval (Paganin et al. 2002) with the sample's δ/β; "
                  "robust, low-pass. Instant: follows your edits.");
    if (info.id == "irgn")
        return tr("Iteratively regularised Gauss–Newton (Maretzke et al. 2016): Newton steps "
                  "solved by conjugate gradients, α_k = α_0 q^k; joint (B, φ) or homogeneous. "
                  "Shows previews and the residual as it goes.");
    if (info.id == "dgn")
        return tr("Deep Gauss–Newton (Mom, Langer, Sixou 2023): a learned, unrolled "
                  "Gauss–Newton iteration with the Fresnel operator inside. Needs a model "
                  "trained with phaselab-cli train --method dgn.");
    if (info.id == "msd")
        return tr("Mixed-Scale Dense network (Pelt & Sethian 2018): a purely learned "
                  "hologram-to-object map. Needs a model trained with phaselab-cli train "
                  "--method msd at the same physics as the data.");
    return QString::fromStdString(info.description);
}

std::unique_ptr<MethodForm> createMethodForm(const core::ReconstructionMethod& method)
{
    const core::MethodInfo& info = method.info();
    const std::unique_ptr<core::MethodOptions> defaults = method.defaultOptions();
    const core::MethodOptions* o = defaults.get();
    std::unique_ptr<MethodForm> form;
    if (dynamic_cast<const core::CtfMethodOptions*>(o))
        form = makeCtfForm(info);
    else if (dynamic_cast<const core::IrgnMethodOptions*>(o))
        form = makeIrgnForm(info);
    else if (dynamic_cast<const models::LearnedMethodOptions*>(o))
        form = makeLearnedForm(info);
    else if (info.id == "paganin")
        form = makePaganinForm(info);
    else
        form = makeGenericForm(info, *defaults);
    form->setOptions(*defaults);
    return form;
}

} // namespace phaselab::widgets
