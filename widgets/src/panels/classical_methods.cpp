#include <phaselab/widgets/classical_methods.h>

#include <phaselab/core/ctf.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/irgn.h>
#include <phaselab/core/paganin.h>

#include "method_util.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QWidget>

#include <chrono>
#include <cmath>

namespace phaselab::widgets {

namespace {

using detail::Clock;
using detail::secondsSince;

// A positive value over many decades, typed in scientific notation ("1e-3").
class ScientificEdit : public QLineEdit {
public:
    ScientificEdit(double value, const QString& tip)
    {
        setValue(value);
        setToolTip(tip);
        // Marked at the field: the method's validate() also blocks Run with the reason.
        connect(this, &QLineEdit::textChanged, this, [this] {
            setStyleSheet(valid() ? QString()
                                  : QStringLiteral("QLineEdit { border: 2px solid #c62828; }"));
        });
    }
    void setValue(double v) { setText(QString::number(v, 'g', 6)); }
    [[nodiscard]] bool valid() const
    {
        bool ok = false;
        const double v = QLocale::c().toDouble(text().trimmed(), &ok);
        return ok && v > 0 && std::isfinite(v);
    }
    [[nodiscard]] double value() const { return QLocale::c().toDouble(text().trimmed()); }
};

// The job of a one-shot method: `solve` maps the input to (B, φ) on the worker thread.
template <typename Solve>
JobRunner::Job directJob(const ReconstructionInput& in,
                         std::shared_ptr<const ReconstructionResult> base, const char* stage,
                         Solve solve)
{
    return [in, base, stage, solve](const JobContext& c) {
        const auto t0 = Clock::now();
        c.progress.step(0.0, stage);
        core::Reconstruction r = solve(in);
        auto out = std::make_shared<ReconstructionResult>(*base);
        detail::setObject(*out, in, std::move(r.absorption), std::move(r.phase));
        out->seconds = secondsSince(t0);
        c.progress.step(1.0, "done");
        return std::shared_ptr<const void>(std::move(out));
    };
}


// ---------------------------------------------------------------------------------------------

class CtfMethod : public ReconstructionMethod {
    Q_OBJECT

public:
    QString id() const override { return QStringLiteral("ctf"); }
    QString displayName() const override { return tr("CTF"); }
    QString description() const override
    {
        return tr("Contrast-transfer-function inversion, single distance, for weak or "
                  "homogeneous objects; two-level regularisation around the first CTF maximum. "
                  "Instant: follows your edits.");
    }
    bool isInteractive() const override { return true; }

    QWidget* createOptionsWidget() override
    {
        auto* w = new QWidget;
        auto* form = new QFormLayout(w);
        m_low = new ScientificEdit(1e-3, tr("α below the first CTF maximum"));
        m_low->setObjectName(QStringLiteral("ctfAlphaLow"));
        m_high = new ScientificEdit(1e-2, tr("α above the first CTF maximum"));
        m_width = new QDoubleSpinBox;
        m_width->setRange(0.01, 2.0);
        m_width->setSingleStep(0.05);
        m_width->setValue(0.1);
        m_width->setToolTip(tr("Width of the erfc transition, relative to the first maximum"));
        form->addRow(tr("α low:"), m_low);
        form->addRow(tr("α high:"), m_high);
        form->addRow(tr("Transition:"), m_width);
        for (QLineEdit* e : {static_cast<QLineEdit*>(m_low), static_cast<QLineEdit*>(m_high)})
            connect(e, &QLineEdit::textEdited, this, &ReconstructionMethod::optionsChanged);
        connect(m_width, &QDoubleSpinBox::valueChanged, this,
                &ReconstructionMethod::optionsChanged);
        return w;
    }

    QString validate(const ReconstructionInput&) const override
    {
        if (!m_low->valid() || !m_high->valid())
            return tr("CTF: α must be a positive number");
        return {};
    }

    core::CtfOptions ctfOptions(const ReconstructionInput& in) const
    {
        core::CtfOptions o;
        o.betaDelta = in.betaOverDelta;
        o.alphaLow = m_low->value();
        o.alphaHigh = m_high->value();
        o.transitionWidth = m_width->value();
        o.padding = in.propagation.padding;
        o.padFactor = in.propagation.padFactor;
        return o;
    }

    JobRunner::Job makeJob(const ReconstructionInput& in) const override
    {
        const core::CtfOptions o = ctfOptions(in);
        auto base = detail::newResult(*this, in);
        return directJob(in, base, "CTF", [o](const ReconstructionInput& i) {
            return core::reconstructCtf(*i.hologram, i.geometry, o);
        });
    }

    nlohmann::json options() const override
    {
        return {{"alpha_low", m_low->value()},
                {"alpha_high", m_high->value()},
                {"transition", m_width->value()}};
    }
    void setOptions(const nlohmann::json& j) override
    {
        m_low->setValue(j.value("alpha_low", 1e-3));
        m_high->setValue(j.value("alpha_high", 1e-2));
        m_width->setValue(j.value("transition", 0.1));
    }

private:
    ScientificEdit* m_low = nullptr;
    ScientificEdit* m_high = nullptr;
    QDoubleSpinBox* m_width = nullptr;
};

// ---------------------------------------------------------------------------------------------

class PaganinMethod : public ReconstructionMethod {
    Q_OBJECT

public:
    QString id() const override { return QStringLiteral("paganin"); }
    QString displayName() const override { return tr("Paganin"); }
    QString description() const override
    {
        return tr("TIE-homogeneous phase retrieval (Paganin et al. 2002) with the sample's δ/β; "
                  "robust, low-pass. Instant: follows your edits.");
    }
    bool isInteractive() const override { return true; }
    QWidget* createOptionsWidget() override
    {
        auto* w = new QWidget;
        auto* form = new QFormLayout(w);
        m_note = new QLineEdit;
        m_note->setReadOnly(true);
        m_note->setText(tr("δ/β from the Sample settings"));
        form->addRow(m_note);
        return w;
    }
    QString validate(const ReconstructionInput& in) const override
    {
        if (!(in.betaOverDelta > 0))
            return tr("Paganin needs an absorbing sample: choose a material or type δ/β");
        return {};
    }
    JobRunner::Job makeJob(const ReconstructionInput& in) const override
    {
        core::PaganinOptions o;
        o.deltaBeta = 1.0 / in.betaOverDelta;
        o.padding = in.propagation.padding;
        o.padFactor = in.propagation.padFactor;
        auto base = detail::newResult(*this, in);
        return directJob(in, base, "Paganin", [o](const ReconstructionInput& i) {
            return core::reconstructPaganin(*i.hologram, i.geometry, o);
        });
    }
    nlohmann::json options() const override { return nlohmann::json::object(); }
    void setOptions(const nlohmann::json&) override {}

private:
    QLineEdit* m_note = nullptr;
};

// ---------------------------------------------------------------------------------------------

class IrgnMethod : public ReconstructionMethod {
    Q_OBJECT

public:
    QString id() const override { return QStringLiteral("irgn"); }
    QString displayName() const override { return tr("IRGN"); }
    QString description() const override
    {
        return tr("Iteratively regularised Gauss–Newton (Maretzke et al. 2016): Newton steps "
                  "solved by conjugate gradients, α_k = α_0 q^k; joint (B, φ) or homogeneous. "
                  "Shows previews and the residual as it goes.");
    }

    QWidget* createOptionsWidget() override
    {
        auto* w = new QWidget;
        auto* form = new QFormLayout(w);
        m_mode = new QComboBox;
        m_mode->addItem(tr("Homogeneous (sample δ/β)"), QStringLiteral("homogeneous"));
        m_mode->addItem(tr("Joint absorption and phase"), QStringLiteral("joint"));
        m_alpha = new ScientificEdit(1.0, tr("α_0 of the first Newton step"));
        m_alpha->setObjectName(QStringLiteral("irgnAlpha0"));
        m_q = new QDoubleSpinBox;
        m_q->setRange(0.05, 0.99);
        m_q->setDecimals(3);
        m_q->setValue(2.0 / 3.0);
        m_newton = new QSpinBox;
        m_newton->setRange(1, 10000);
        m_newton->setValue(20);
        m_cg = new QSpinBox;
        m_cg->setRange(1, 1000);
        m_cg->setValue(10);
        m_penalty = new QComboBox;
        m_penalty->addItem(tr("Tikhonov"), QStringLiteral("tikhonov"));
        m_penalty->addItem(tr("Sobolev"), QStringLiteral("sobolev"));
        m_start = new QComboBox;
        m_start->addItem(tr("Zero"), QStringLiteral("zero"));
        m_start->addItem(tr("CTF"), QStringLiteral("ctf"));
        m_positivity = new QCheckBox(tr("Keep B, φ ≥ 0"));
        m_noise = new QDoubleSpinBox;
        m_noise->setRange(0, 10);
        m_noise->setDecimals(5);
        m_noise->setSingleStep(0.001);
        m_noise->setToolTip(tr("Noise standard deviation of the hologram; stop when the RMS "
                               "residual reaches 1.5 times it (0: off)"));
        m_preview = new QSpinBox;
        m_preview->setRange(1, 1000);
        m_preview->setValue(2);
        form->addRow(tr("Unknowns:"), m_mode);
        form->addRow(tr("α_0:"), m_alpha);
        form->addRow(tr("q:"), m_q);
        form->addRow(tr("Newton steps:"), m_newton);
        form->addRow(tr("CG iterations:"), m_cg);
        form->addRow(tr("Penalty:"), m_penalty);
        form->addRow(tr("Start from:"), m_start);
        form->addRow(m_positivity);
        form->addRow(tr("Noise level (discrepancy stop):"), m_noise);
        form->addRow(tr("Preview every:"), m_preview);
        connect(m_alpha, &QLineEdit::textEdited, this, &ReconstructionMethod::optionsChanged);
        connect(m_mode, &QComboBox::currentIndexChanged, this,
                &ReconstructionMethod::optionsChanged);
        return w;
    }

    QString validate(const ReconstructionInput&) const override
    {
        if (!m_alpha->valid())
            return tr("IRGN: α_0 must be a positive number");
        return {};
    }

    core::IrgnOptions irgnOptions(const ReconstructionInput& in) const
    {
        core::IrgnOptions o;
        o.alpha0 = m_alpha->value();
        o.q = m_q->value();
        o.newtonSteps = m_newton->value();
        o.cgIterations = m_cg->value();
        if (m_mode->currentData().toString() == QStringLiteral("homogeneous"))
            o.betaDelta = in.betaOverDelta;
        o.penalty = core::parseIrgnPenalty(m_penalty->currentData().toString().toStdString());
        o.initialGuess =
            core::parseIrgnInitialGuess(m_start->currentData().toString().toStdString());
        o.ctf.betaDelta = in.betaOverDelta;
        o.ctf.padding = in.propagation.padding;
        o.ctf.padFactor = in.propagation.padFactor;
        o.positivity = m_positivity->isChecked();
        o.noiseLevel = m_noise->value();
        o.propagation = in.propagation;
        return o;
    }

    JobRunner::Job makeJob(const ReconstructionInput& in) const override
    {
        const core::IrgnOptions o = irgnOptions(in);
        const int previewEvery = m_preview->value();
        auto base = detail::newResult(*this, in);
        return [in, o, previewEvery, base](const JobContext& c) {
            const auto t0 = Clock::now();
            c.progress.step(0.0, "planning");
            core::Irgn irgn(*in.hologram, in.geometry, o);
            auto snapshot = [&](bool preview) {
                auto out = std::make_shared<ReconstructionResult>(*base);
                core::Reconstruction r = irgn.current();
                out->phase = std::make_shared<const core::ImageF>(std::move(r.phase));
                out->absorption = std::make_shared<const core::ImageF>(std::move(r.absorption));
                out->residualHistory = irgn.residualHistory();
                out->iterations = irgn.iterations();
                out->seconds = secondsSince(t0);
                out->preview = preview;
                return out;
            };
            while (!irgn.stopped()) {
                irgn.step(1, c.progress);
                if (irgn.iterations() % previewEvery == 0 && !irgn.stopped())
                    c.publish(snapshot(true));
            }
            auto out = snapshot(false);
            out->residual = detail::residualImage(in, *out->absorption, *out->phase);
            out->parameters["stop"] = irgn.stopReason() == core::IrgnStop::Discrepancy
                                          ? "discrepancy"
                                          : "iterations";
            out->seconds = secondsSince(t0);
            return std::shared_ptr<const void>(std::move(out));
        };
    }

    nlohmann::json options() const override
    {
        return {{"unknowns", m_mode->currentData().toString().toStdString()},
                {"alpha0", m_alpha->value()},
                {"q", m_q->value()},
                {"newton", m_newton->value()},
                {"cg", m_cg->value()},
                {"penalty", m_penalty->currentData().toString().toStdString()},
                {"start", m_start->currentData().toString().toStdString()},
                {"positivity", m_positivity->isChecked()},
                {"noise_level", m_noise->value()},
                {"preview_every", m_preview->value()}};
    }

    void setOptions(const nlohmann::json& j) override
    {
        auto select = [](QComboBox* box, const std::string& v) {
            const int i = box->findData(QString::fromStdString(v));
            if (i >= 0)
                box->setCurrentIndex(i);
        };
        select(m_mode, j.value("unknowns", "homogeneous"));
        m_alpha->setValue(j.value("alpha0", 1.0));
        m_q->setValue(j.value("q", 2.0 / 3.0));
        m_newton->setValue(j.value("newton", 20));
        m_cg->setValue(j.value("cg", 10));
        select(m_penalty, j.value("penalty", "tikhonov"));
        select(m_start, j.value("start", "zero"));
        m_positivity->setChecked(j.value("positivity", false));
        m_noise->setValue(j.value("noise_level", 0.0));
        m_preview->setValue(j.value("preview_every", 2));
    }

private:
    QComboBox* m_mode = nullptr;
    ScientificEdit* m_alpha = nullptr;
    QDoubleSpinBox* m_q = nullptr;
    QSpinBox* m_newton = nullptr;
    QSpinBox* m_cg = nullptr;
    QComboBox* m_penalty = nullptr;
    QComboBox* m_start = nullptr;
    QCheckBox* m_positivity = nullptr;
    QDoubleSpinBox* m_noise = nullptr;
    QSpinBox* m_preview = nullptr;
};

} // namespace

std::unique_ptr<ReconstructionMethod> makeCtfMethod()
{
    return std::make_unique<CtfMethod>();
}

std::unique_ptr<ReconstructionMethod> makePaganinMethod()
{
    return std::make_unique<PaganinMethod>();
}

std::unique_ptr<ReconstructionMethod> makeIrgnMethod()
{
    return std::make_unique<IrgnMethod>();
}

} // namespace phaselab::widgets

#include "classical_methods.moc"
