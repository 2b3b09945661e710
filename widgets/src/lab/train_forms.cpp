#include "train_forms.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QSpinBox>

#include <phaselab/models/runtime.h>

namespace phaselab::widgets {

namespace {

QSpinBox* spin(int lo, int hi, const QString& tip)
{
    auto* s = new QSpinBox;
    s->setRange(lo, hi);
    s->setToolTip(tip);
    return s;
}

// Deep Gauss–Newton: physics.md §5; the defaults are the paper's network (31,300 parameters).
class DgnTrainForm : public TrainForm {
    Q_OBJECT

public:
    explicit DgnTrainForm(QWidget* parent) : TrainForm(parent)
    {
        auto* form = new QFormLayout(this);
        form->setContentsMargins(0, 0, 0, 0);
        form->addRow(tr("Iterations N"), m_iterations);
        form->addRow(tr("Widths"), m_width1);
        form->addRow(QString(), m_width2);
        form->addRow(QString(), m_hessian);
        form->addRow(QString(), m_balanced);
        m_balanced->setToolTip(tr("Divide each channel's squared error by its mean square over the "
                                  "training set, so absorption (10–100× smaller than phase) is "
                                  "learned as well; off: the paper's plain MSE"));
        // Mixed precision: offered where the CPU does bfloat16 natively (models/runtime.h).
        m_precision->addItem(tr("Auto"), int(models::Precision::Auto));
        m_precision->addItem(tr("float32"), int(models::Precision::Float32));
        if (models::cpuHasNativeBf16())
            m_precision->addItem(tr("bfloat16 (mixed)"), int(models::Precision::BFloat16));
        m_precision->setToolTip(
            tr("Arithmetic of the convolutions while training. bfloat16: inputs and weights "
               "rounded to bfloat16 with float32 accumulation, weights, optimiser and loss, about "
               "1.5× faster on CPUs with AVX512_BF16. Auto: bfloat16 where the CPU has it. "
               "Validation always runs in float32."));
        form->addRow(tr("Convolutions"), m_precision);
        for (QSpinBox* s : {m_iterations, m_width1, m_width2})
            connect(s, &QSpinBox::valueChanged, this, &TrainForm::changed);
        for (QCheckBox* c : {m_hessian, m_balanced})
            connect(c, &QCheckBox::toggled, this, &TrainForm::changed);
        connect(m_precision, &QComboBox::currentIndexChanged, this, &TrainForm::changed);
        setOptions({});
    }

    void setOptions(const models::TrainOptions& o) override
    {
        m_iterations->setValue(o.dgn.iterations);
        m_width1->setValue(o.dgn.width1);
        m_width2->setValue(o.dgn.width2);
        m_hessian->setChecked(o.dgn.hessianInput);
        m_balanced->setChecked(o.dgn.balancedLoss);
        const int index = m_precision->findData(int(o.precision));
        m_precision->setCurrentIndex(index >= 0 ? index : 0);
    }
    void apply(models::TrainOptions& o) const override
    {
        o.dgn.iterations = m_iterations->value();
        o.dgn.width1 = m_width1->value();
        o.dgn.width2 = m_width2->value();
        o.dgn.hessianInput = m_hessian->isChecked();
        o.dgn.balancedLoss = m_balanced->isChecked();
        o.precision = models::Precision(m_precision->currentData().toInt());
    }
    std::int64_t parameterCount() const override
    {
        models::TrainOptions o;
        apply(o);
        return models::parameterCount(o.dgn);
    }

private:
    QSpinBox* m_iterations = spin(1, 50, tr("Unrolled Gauss–Newton iterations sharing one block"));
    QSpinBox* m_width1 = spin(1, 256, tr("Channels after the first convolution"));
    QSpinBox* m_width2 = spin(1, 256, tr("Channels after the second convolution"));
    QCheckBox* m_hessian = new QCheckBox(tr("Hessian input F′*F′g (Eq. 4)"));
    QCheckBox* m_balanced = new QCheckBox(tr("Balanced loss (absorption weighs as phase)"));
    QComboBox* m_precision = new QComboBox;
};

// MS-D Net: 100 layers of width 1 and dilations 1…10 give 45,754 parameters.
class MsdTrainForm : public TrainForm {
    Q_OBJECT

public:
    explicit MsdTrainForm(QWidget* parent) : TrainForm(parent)
    {
        auto* form = new QFormLayout(this);
        form->setContentsMargins(0, 0, 0, 0);
        form->addRow(tr("Depth"), m_depth);
        form->addRow(tr("Width"), m_width);
        form->addRow(tr("Largest dilation"), m_dilation);
        for (QSpinBox* s : {m_depth, m_width, m_dilation})
            connect(s, &QSpinBox::valueChanged, this, &TrainForm::changed);
        setOptions({});
    }

    void setOptions(const models::TrainOptions& o) override
    {
        m_depth->setValue(o.msd.depth);
        m_width->setValue(o.msd.width);
        m_dilation->setValue(o.msd.maxDilation);
    }
    void apply(models::TrainOptions& o) const override
    {
        o.msd.depth = m_depth->value();
        o.msd.width = m_width->value();
        o.msd.maxDilation = m_dilation->value();
    }
    std::int64_t parameterCount() const override
    {
        models::TrainOptions o;
        apply(o);
        return models::parameterCount(o.msd);
    }

private:
    QSpinBox* m_depth = spin(1, 500, tr("Layers, each adding its width in feature maps"));
    QSpinBox* m_width = spin(1, 16, tr("Feature maps per layer"));
    QSpinBox* m_dilation = spin(1, 64, tr("Layer i uses dilation (i mod this) + 1"));
};

// PhaseGAN: the width multiplier of its four networks and the weights of its losses (Eq. 1–4);
// the model file holds G_O (22.93 M parameters at width 1).
class PhaseGanTrainForm : public TrainForm {
    Q_OBJECT

public:
    explicit PhaseGanTrainForm(QWidget* parent) : TrainForm(parent)
    {
        for (const auto& [text, w] : {std::pair{QStringLiteral("1"), 1.0},
                                      std::pair{QStringLiteral("½"), 0.5},
                                      std::pair{QStringLiteral("¼"), 0.25},
                                      std::pair{QStringLiteral("⅛"), 0.125}})
            m_width->addItem(text, w);
        m_width->setToolTip(tr("Channel multiplier of the generators and discriminators"));
        for (QDoubleSpinBox* b : {m_cycleObject, m_cycleIntensity, m_frc}) {
            b->setRange(0, 1000);
            b->setDecimals(1);
        }
        m_cycleObject->setToolTip(tr("Weight of the object cycle's L1 loss"));
        m_cycleIntensity->setToolTip(tr("Weight of the intensity cycle's L1 loss"));
        m_frc->setToolTip(tr("Weight of both cycles' FRC losses"));
        auto* form = new QFormLayout(this);
        form->setContentsMargins(0, 0, 0, 0);
        form->addRow(tr("Width"), m_width);
        form->addRow(tr("Object cycle weight"), m_cycleObject);
        form->addRow(tr("Intensity cycle weight"), m_cycleIntensity);
        form->addRow(tr("FRC loss weight"), m_frc);
        connect(m_width, &QComboBox::currentIndexChanged, this, &TrainForm::changed);
        for (QDoubleSpinBox* b : {m_cycleObject, m_cycleIntensity, m_frc})
            connect(b, &QDoubleSpinBox::valueChanged, this, &TrainForm::changed);
        setOptions({});
    }

    void setOptions(const models::TrainOptions& o) override
    {
        const int i = m_width->findData(o.phasegan.width);
        m_width->setCurrentIndex(i >= 0 ? i : 0);
        m_cycleObject->setValue(o.phasegan.cycleObjectWeight);
        m_cycleIntensity->setValue(o.phasegan.cycleIntensityWeight);
        m_frc->setValue(o.phasegan.frcObjectWeight);
    }
    void apply(models::TrainOptions& o) const override
    {
        o.phasegan.width = m_width->currentData().toDouble();
        o.phasegan.cycleObjectWeight = m_cycleObject->value();
        o.phasegan.cycleIntensityWeight = m_cycleIntensity->value();
        o.phasegan.frcObjectWeight = m_frc->value();
        o.phasegan.frcIntensityWeight = m_frc->value();
    }
    std::int64_t parameterCount() const override
    {
        models::TrainOptions o;
        apply(o);
        return models::parameterCount(o.phasegan);
    }

private:
    QComboBox* m_width = new QComboBox;
    QDoubleSpinBox* m_cycleObject = new QDoubleSpinBox;
    QDoubleSpinBox* m_cycleIntensity = new QDoubleSpinBox;
    QDoubleSpinBox* m_frc = new QDoubleSpinBox;
};

} // namespace

TrainForm* createTrainForm(models::Method method, QWidget* parent)
{
    switch (method) {
    case models::Method::Dgn: return new DgnTrainForm(parent);
    case models::Method::Msd: return new MsdTrainForm(parent);
    case models::Method::PhaseGan: return new PhaseGanTrainForm(parent);
    }
    return nullptr;
}

} // namespace phaselab::widgets

#include "train_forms.moc"
