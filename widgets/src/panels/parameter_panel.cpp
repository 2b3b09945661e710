#include <phaselab/widgets/parameter_panel.h>

#include <phaselab/core/error.h>
#include <phaselab/core/materials.h>
#include <phaselab/core/reconstruction_request.h>
#include <phaselab/core/units.h>
#include <phaselab/widgets/autofocus_dialog.h>
#include <phaselab/widgets/quantity_edit.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <cmath>

namespace phaselab::widgets {

namespace {

// "7.55 × 10⁻⁵" as rich text; plain decimals between 0.01 and 10⁴.
QString scientific(double v)
{
    if (!std::isfinite(v))
        return QStringLiteral("—");
    const double a = std::abs(v);
    if (a == 0 || (a >= 0.01 && a < 1e4))
        return QString::number(v, 'g', 4);
    const int e = int(std::floor(std::log10(a)));
    const double m = v / std::pow(10.0, e);
    return QStringLiteral("%1 × 10<sup>%2</sup>")
        .arg(QString::number(m, 'f', 2), QString::number(e).replace('-', QChar(0x2212)));
}

} // namespace

ParameterPanel::ParameterPanel(QWidget* parent)
    : QWidget(parent),
      m_energy(makeEnergyEdit()),
      m_distance(makeDistanceEdit(tr("Distance"))),
      m_pixel(makePixelEdit(tr("Pixel size"))),
      m_autofocus(new QPushButton(tr("Autofocus…"))),
      m_wavelength(new QLabel),
      m_fresnel(new QLabel),
      m_sampling(new QLabel),
      m_cone(new QGroupBox(tr("Cone-beam geometry"))),
      m_z01(makeDistanceEdit(tr("Source–sample distance z01"))),
      m_z02(makeDistanceEdit(tr("Source–detector distance z02"))),
      m_detectorPixel(makePixelEdit(tr("Detector pixel size"))),
      m_coneResult(new QLabel),
      m_material(new QComboBox),
      m_formula(new QLineEdit),
      m_density(new QDoubleSpinBox),
      m_ratio(new QLineEdit),
      m_indices(new QLabel),
      m_padding(new QComboBox),
      m_padFactor(new QDoubleSpinBox), m_phaseSign(new QComboBox)
{
    m_energy->setToolTip(tr("Photon energy E"));
    m_distance->setToolTip(tr("Effective propagation distance D (sample to detector)"));
    m_pixel->setToolTip(tr("Effective pixel size Δx at the sample"));
    m_sampling->setWordWrap(true);
    for (QLabel* l : {m_wavelength, m_fresnel, m_sampling, m_indices, m_coneResult})
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* geometryBox = new QGroupBox(tr("Geometry"));
    auto* form = new QFormLayout(geometryBox);
    form->addRow(tr("Energy:"), m_energy);
    m_autofocus->setObjectName(QStringLiteral("autofocusButton"));
    m_autofocus->setToolTip(tr("Find the distance that best explains the hologram (scan of a "
                               "focus criterion around the current distance)"));
    connect(m_autofocus, &QPushButton::clicked, this, [this] { openAutofocus(); });
    auto* distanceRow = new QHBoxLayout;
    distanceRow->setContentsMargins(0, 0, 0, 0);
    distanceRow->addWidget(m_distance, 1);
    distanceRow->addWidget(m_autofocus);
    form->addRow(tr("Distance:"), distanceRow);
    form->addRow(tr("Pixel size:"), m_pixel);
    form->addRow(tr("Wavelength λ:"), m_wavelength);
    form->addRow(tr("Fresnel number F:"), m_fresnel);
    form->addRow(tr("Sampling:"), m_sampling);

    m_cone->setCheckable(true);
    m_cone->setChecked(false);
    m_cone->setToolTip(tr("Convert a cone-beam set-up to the effective parallel-beam distance "
                          "and pixel size"));
    m_detectorPixel->setUnit(QStringLiteral("µm"));
    m_z01->setValue(0.1);
    m_z02->setValue(1.0);
    m_detectorPixel->setValue(6.5e-6);
    auto* coneForm = new QFormLayout(m_cone);
    coneForm->addRow(tr("z01:"), m_z01);
    coneForm->addRow(tr("z02:"), m_z02);
    coneForm->addRow(tr("Detector pixel:"), m_detectorPixel);
    coneForm->addRow(m_coneResult);
    auto* apply = new QPushButton(tr("Use effective distance and pixel size"));
    coneForm->addRow(apply);
    connect(apply, &QPushButton::clicked, this, &ParameterPanel::applyConeBeam);
    for (QuantityEdit* q : {m_z01, m_z02, m_detectorPixel})
        connect(q, &QuantityEdit::valueChanged, this, &ParameterPanel::updateDerived);

    auto* sampleBox = new QGroupBox(tr("Sample"));
    auto* sampleForm = new QFormLayout(sampleBox);
    m_material->addItem(tr("Pure phase object (β = 0)"), QStringLiteral("phase"));
    m_material->addItem(tr("Gold (Au, 19.32 g/cm³)"), QStringLiteral("Au"));
    m_material->addItem(tr("Palladium (Pd, 12.02 g/cm³)"), QStringLiteral("Pd"));
    m_material->addItem(tr("Zinc (Zn, 7.14 g/cm³)"), QStringLiteral("Zn"));
    m_material->addItem(tr("Compound (formula and density)"), QStringLiteral("compound"));
    m_material->addItem(tr("Typed δ/β"), QStringLiteral("typed"));
    m_formula->setPlaceholderText(tr("e.g. SiO2"));
    m_formula->setText(QStringLiteral("SiO2"));
    m_density->setRange(0.001, 30.0);
    m_density->setDecimals(3);
    m_density->setSuffix(tr(" g/cm³"));
    m_density->setValue(2.2);
    m_ratio->setText(QStringLiteral("100"));
    m_ratio->setToolTip(tr("δ/β of the homogeneous sample"));
    sampleForm->addRow(tr("Material:"), m_material);
    sampleForm->addRow(tr("Formula:"), m_formula);
    sampleForm->addRow(tr("Density:"), m_density);
    sampleForm->addRow(tr("δ/β:"), m_ratio);
    sampleForm->addRow(m_indices);
    connect(m_material, &QComboBox::currentIndexChanged, this, &ParameterPanel::changed);
    connect(m_formula, &QLineEdit::textEdited, this, &ParameterPanel::changed);
    connect(m_density, &QDoubleSpinBox::valueChanged, this, &ParameterPanel::changed);
    connect(m_ratio, &QLineEdit::textEdited, this, &ParameterPanel::changed);

    auto* boundaryBox = new QGroupBox(tr("Boundary"));
    auto* boundaryForm = new QFormLayout(boundaryBox);
    m_padding->addItem(tr("Periodic (no padding)"), QStringLiteral("periodic"));
    m_padding->addItem(tr("Replicate edges"), QStringLiteral("replicate"));
    m_padding->addItem(tr("Unit transmission outside"), QStringLiteral("unit"));
    m_padFactor->setRange(1.0, 4.0);
    m_padFactor->setSingleStep(0.25);
    m_padFactor->setValue(2.0);
    m_padFactor->setPrefix(QStringLiteral("× "));
    boundaryForm->addRow(tr("Padding:"), m_padding);
    boundaryForm->addRow(tr("Pad factor:"), m_padFactor);
    m_phaseSign->setObjectName(QStringLiteral("phaseSign"));
    m_phaseSign->addItem(tr("exp(−iφ) (PhaseLab)"), -1);
    m_phaseSign->addItem(tr("exp(+iφ) (conjugate)"), 1);
    m_phaseSign->setToolTip(tr("Phase sign convention of the hologram: files made with "
                               "T = exp(−B + iφ) by other packages need the conjugate setting "
                               "(CTF and IRGN)"));
    boundaryForm->addRow(tr("Phase sign:"), m_phaseSign);
    connect(m_phaseSign, &QComboBox::currentIndexChanged, this, &ParameterPanel::changed);
    connect(m_padding, &QComboBox::currentIndexChanged, this, &ParameterPanel::changed);
    connect(m_padFactor, &QDoubleSpinBox::valueChanged, this, &ParameterPanel::changed);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(geometryBox);
    layout->addWidget(m_cone);
    layout->addWidget(sampleBox);
    layout->addWidget(boundaryBox);
    layout->addStretch(1);

    for (QuantityEdit* q : {m_energy, m_distance, m_pixel}) {
        connect(q, &QuantityEdit::valueChanged, this, &ParameterPanel::changed);
        connect(q, &QuantityEdit::validityChanged, this, &ParameterPanel::changed);
    }
    setGeometry(core::Geometry::dgnPaper());
}

void ParameterPanel::setHologramSource(std::function<std::shared_ptr<const core::ImageF>()> source)
{
    m_hologramSource = std::move(source);
}

AutofocusDialog* ParameterPanel::openAutofocus()
{
    std::shared_ptr<const core::ImageF> hologram = m_hologramSource ? m_hologramSource() : nullptr;
    if (!hologram || hologram->empty()) {
        QMessageBox::information(this, tr("Autofocus"), tr("Open a hologram first."));
        return nullptr;
    }
    auto* dialog = new AutofocusDialog(std::move(hologram), geometry(), betaOverDelta(),
                                       propagation().phaseSign, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setPadding(propagation().padding);
    dialog->minEdit()->setUnit(m_distance->unit());
    dialog->maxEdit()->setUnit(m_distance->unit());
    connect(dialog, &AutofocusDialog::distanceChosen, this, [this](double metres) {
        m_distance->setValue(metres);  // emits valueChanged: the panel's listeners follow
    });
    dialog->show();
    return dialog;
}

core::Geometry ParameterPanel::geometry() const
{
    return core::Geometry{m_energy->value(), m_distance->value(), m_pixel->value()};
}

void ParameterPanel::setGeometry(const core::Geometry& g)
{
    {
        const QSignalBlocker b1(m_energy), b2(m_distance), b3(m_pixel);
        m_energy->setValue(g.energyKeV);
        m_distance->setValue(g.distanceM);
        m_pixel->setValue(g.pixelSizeM);
    }
    changed();
}

void ParameterPanel::setPixelSize(double metres)
{
    core::Geometry g = geometry();
    g.pixelSizeM = metres;
    setGeometry(g);
}

void ParameterPanel::setImageSize(int pixels)
{
    m_imageSize = pixels;
    updateDerived();
}

double ParameterPanel::betaOverDelta() const
{
    return m_betaOverDelta;
}

void ParameterPanel::setDeltaOverBeta(double ratio)
{
    if (!(ratio > 0) || !std::isfinite(ratio)) {
        setMaterialId(QStringLiteral("phase"));
        return;
    }
    // The shortest text that reads back as the same number: a session's δ/β stays exact.
    m_ratio->setText(QString::number(ratio, 'g', QLocale::FloatingPointShortest));
    setMaterialId(QStringLiteral("typed"));
    changed();
}

QString ParameterPanel::materialId() const
{
    return m_material->currentData().toString();
}

void ParameterPanel::setMaterialId(const QString& id)
{
    const int i = m_material->findData(id);
    if (i >= 0)
        m_material->setCurrentIndex(i);
}

core::PropagationOptions ParameterPanel::propagation() const
{
    core::PropagationOptions o;
    o.padding = core::parsePadding(m_padding->currentData().toString().toStdString());
    o.padFactor = m_padFactor->value();
    o.phaseSign = m_phaseSign->currentData().toInt();
    return o;
}

void ParameterPanel::setPhaseSign(int sign)
{
    m_phaseSign->setCurrentIndex(std::max(0, m_phaseSign->findData(sign)));
}

void ParameterPanel::setPadding(core::Padding mode, double factor)
{
    m_padding->setCurrentIndex(
        std::max(0, m_padding->findData(QString::fromStdString(core::toString(mode)))));
    m_padFactor->setValue(factor);
}

nlohmann::json ParameterPanel::toJson() const
{
    return {{"geometry", core::toJson(geometry())},
            {"units",
             {{"energy", m_energy->unit().toStdString()},
              {"distance", m_distance->unit().toStdString()},
              {"pixel", m_pixel->unit().toStdString()}}},
            {"material", materialId().toStdString()},
            {"formula", m_formula->text().toStdString()},
            {"density_g_cm3", m_density->value()},
            {"delta_over_beta_typed", m_ratio->text().toStdString()},
            {"padding", m_padding->currentData().toString().toStdString()},
            {"pad_factor", m_padFactor->value()},
            {"phase_sign", m_phaseSign->currentData().toInt()}};
}

void ParameterPanel::fromJson(const nlohmann::json& j)
{
    if (!j.is_object())
        return;
    const auto units = j.value("units", nlohmann::json::object());
    // Absent keys keep what the fields show.
    auto text = [&j](const char* key, const QString& current) {
        return QString::fromStdString(j.value(key, current.toStdString()));
    };
    auto unit = [&units](const char* key, const QuantityEdit* edit) {
        return QString::fromStdString(units.value(key, edit->unit().toStdString()));
    };
    m_energy->setUnit(unit("energy", m_energy));
    m_distance->setUnit(unit("distance", m_distance));
    m_pixel->setUnit(unit("pixel", m_pixel));
    {
        const QSignalBlocker b1(m_material), b2(m_formula), b3(m_density), b4(m_ratio),
            b5(m_padding), b6(m_padFactor), b7(m_phaseSign);
        m_formula->setText(text("formula", m_formula->text()));
        m_density->setValue(j.value("density_g_cm3", m_density->value()));
        m_ratio->setText(text("delta_over_beta_typed", m_ratio->text()));
        setMaterialId(text("material", materialId()));
        m_padding->setCurrentIndex(std::max(
            0, m_padding->findData(text("padding", m_padding->currentData().toString()))));
        m_padFactor->setValue(j.value("pad_factor", m_padFactor->value()));
        setPhaseSign(j.value("phase_sign", m_phaseSign->currentData().toInt()));
    }
    core::Geometry g = geometry();
    if (j.contains("geometry")) {
        try {
            g = core::geometryFromJson(j["geometry"], "parameters");
        } catch (const core::InputError&) {
            // An invalid geometry in a hand-edited file: keep the fields as they are.
        }
    }
    setGeometry(g);
}

QString ParameterPanel::validationError() const
{
    for (QuantityEdit* q : {m_energy, m_distance, m_pixel})
        if (!q->isValid())
            return q->error();
    return m_materialError;
}

QString ParameterPanel::wavelengthText() const
{
    return m_wavelength->text();
}

QString ParameterPanel::fresnelText() const
{
    return m_fresnel->text();
}

QString ParameterPanel::samplingText() const
{
    return m_sampling->text();
}

void ParameterPanel::changed()
{
    updateMaterial();
    updateDerived();
    m_padFactor->setEnabled(m_padding->currentData().toString() != QStringLiteral("periodic"));
    emit parametersChanged();
    const bool valid = isValid();
    if (valid != m_lastValid) {
        m_lastValid = valid;
        emit validityChanged(valid);
    }
}

void ParameterPanel::updateMaterial()
{
    const QString id = materialId();
    m_formula->setEnabled(id == QStringLiteral("compound"));
    m_density->setEnabled(id == QStringLiteral("compound"));
    m_ratio->setEnabled(id == QStringLiteral("typed"));
    m_materialError.clear();
    m_ratio->setStyleSheet(QString());
    m_formula->setStyleSheet(QString());
    const QString invalidStyle = QStringLiteral("QLineEdit { border: 2px solid #c62828; }");
    if (id == QStringLiteral("phase")) {
        m_betaOverDelta = 0;
        m_indices->setText(tr("β = 0: phase only"));
        return;
    }
    if (id == QStringLiteral("typed")) {
        bool ok = false;
        const double r = QLocale::c().toDouble(m_ratio->text().trimmed(), &ok);
        if (!ok || !(r > 0) || !std::isfinite(r)) {
            m_materialError = tr("δ/β must be a positive number");
            m_ratio->setStyleSheet(invalidStyle);
            m_indices->setText(m_materialError);
            return;
        }
        m_betaOverDelta = 1.0 / r;
        m_indices->setText(tr("β/δ = %1").arg(m_betaOverDelta, 0, 'g', 4));
        return;
    }
    core::Material m;
    if (id == QStringLiteral("Au"))
        m = core::Material::gold();
    else if (id == QStringLiteral("Pd"))
        m = core::Material::palladium();
    else if (id == QStringLiteral("Zn"))
        m = core::Material::zinc();
    else
        m = core::Material{m_formula->text().trimmed().toStdString(),
                           m_formula->text().trimmed().toStdString(), m_density->value()};
    try {
        const core::RefractiveIndex n = core::refractiveIndex(m, m_energy->value());
        if (!(n.delta > 0) || !(n.beta > 0))
            throw core::InputError("no refractive index decrement");
        m_betaOverDelta = n.beta / n.delta;
        m_indices->setText(tr("δ = %1, β = %2, δ/β = %3 at %4 keV")
                               .arg(n.delta, 0, 'g', 4)
                               .arg(n.beta, 0, 'g', 4)
                               .arg(n.delta / n.beta, 0, 'g', 4)
                               .arg(m_energy->value(), 0, 'g', 5));
    } catch (const core::InputError&) {
        m_materialError = tr("Material: '%1' is not a chemical formula xraylib knows")
                              .arg(m_formula->text());
        m_formula->setStyleSheet(invalidStyle);
        m_indices->setText(m_materialError);
    }
}

void ParameterPanel::updateDerived()
{
    const core::Geometry g = geometry();
    m_wavelength->setText(tr("%1 nm").arg(QString::number(g.wavelengthM() * 1e9, 'g', 4)));
    const double F = g.fresnelNumber();
    m_fresnel->setText(scientific(F));
    const double nMin = 1.0 / F;
    m_samplingWarning = m_imageSize > 0 && m_imageSize < nMin;
    QString text = tr("N ≥ 1/F = %1 px").arg(QString::number(std::ceil(nMin), 'f', 0));
    if (m_imageSize > 0) {
        text += m_samplingWarning
                    ? tr("; this image has %1 px: the propagator kernel is undersampled "
                         "(padding helps; the periodic result stays exact)")
                          .arg(m_imageSize)
                    : tr("; this image has %1 px: well sampled").arg(m_imageSize);
    }
    m_sampling->setText(text);
    m_sampling->setStyleSheet(m_samplingWarning ? QStringLiteral("color: #b36b00;") : QString());

    core::ConeBeam c{m_z01->value(), m_z02->value(), m_detectorPixel->value()};
    try {
        const core::Geometry e = c.effective(g.energyKeV);
        m_coneResult->setText(tr("M = %1 → D = %2, Δx = %3")
                                  .arg(c.magnification(), 0, 'g', 5)
                                  .arg(QString::fromStdString(core::formatLength(e.distanceM)),
                                       QString::fromStdString(core::formatLength(e.pixelSizeM))));
    } catch (const core::InputError& e) {
        m_coneResult->setText(QString::fromStdString(e.what()));
    }
}

void ParameterPanel::applyConeBeam()
{
    core::ConeBeam c{m_z01->value(), m_z02->value(), m_detectorPixel->value()};
    try {
        const core::Geometry e = c.effective(m_energy->value());
        setGeometry(e);
    } catch (const core::InputError&) {
        // The result label already says what is wrong.
    }
}

} // namespace phaselab::widgets
