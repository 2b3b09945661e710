#include <phaselab/widgets/geometry_panel.h>

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSignalBlocker>

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

QDoubleSpinBox* makeSpin(double lo, double hi, int decimals, const QString& suffix,
                         const QString& tip)
{
    auto* s = new QDoubleSpinBox;
    s->setRange(lo, hi);
    s->setDecimals(decimals);
    s->setSuffix(suffix);
    s->setToolTip(tip);
    s->setKeyboardTracking(false);
    s->setAccelerated(true);
    s->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    return s;
}

} // namespace

GeometryPanel::GeometryPanel(QWidget* parent)
    : QWidget(parent)
{
    m_energy = makeSpin(0.1, 1000.0, 4, tr(" keV"), tr("Photon energy E"));
    m_distance = makeSpin(1e-4, 1e6, 4, tr(" mm"),
                          tr("Effective propagation distance D (sample to detector)"));
    m_pixel = makeSpin(1e-3, 1e7, 3, tr(" nm"), tr("Effective pixel size Δx at the sample"));
    m_wavelength = new QLabel;
    m_fresnel = new QLabel;
    m_sampling = new QLabel;
    m_sampling->setWordWrap(true);
    for (QLabel* l : {m_wavelength, m_fresnel, m_sampling})
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* form = new QFormLayout(this);
    form->addRow(tr("Energy:"), m_energy);
    form->addRow(tr("Distance:"), m_distance);
    form->addRow(tr("Pixel size:"), m_pixel);
    form->addRow(tr("Wavelength λ:"), m_wavelength);
    form->addRow(tr("Fresnel number F:"), m_fresnel);
    form->addRow(tr("Sampling:"), m_sampling);

    for (QDoubleSpinBox* s : {m_energy, m_distance, m_pixel})
        connect(s, &QDoubleSpinBox::valueChanged, this, [this] {
            updateDerived();
            emit geometryChanged(geometry());
        });
    setGeometry(core::Geometry::dgnPaper());
}

core::Geometry GeometryPanel::geometry() const
{
    return core::Geometry{m_energy->value(), m_distance->value() * 1e-3, m_pixel->value() * 1e-9};
}

void GeometryPanel::setGeometry(const core::Geometry& g)
{
    {
        const QSignalBlocker b1(m_energy), b2(m_distance), b3(m_pixel);
        m_energy->setValue(g.energyKeV);
        m_distance->setValue(g.distanceM * 1e3);
        m_pixel->setValue(g.pixelSizeM * 1e9);
    }
    updateDerived();
    emit geometryChanged(geometry());
}

void GeometryPanel::setPixelSize(double metres)
{
    core::Geometry g = geometry();
    g.pixelSizeM = metres;
    setGeometry(g);
}

void GeometryPanel::setImageSize(int pixels)
{
    m_imageSize = pixels;
    updateDerived();
}

QString GeometryPanel::wavelengthText() const
{
    return m_wavelength->text();
}

QString GeometryPanel::fresnelText() const
{
    return m_fresnel->text();
}

QString GeometryPanel::samplingText() const
{
    return m_sampling->text();
}

void GeometryPanel::updateDerived()
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
}

} // namespace phaselab::widgets
