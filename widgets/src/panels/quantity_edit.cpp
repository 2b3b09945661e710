#include <phaselab/widgets/quantity_edit.h>

#include <phaselab/core/error.h>
#include <phaselab/core/units.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QLocale>

#include <cmath>

namespace phaselab::widgets {

QuantityEdit::QuantityEdit(const QString& what, QVector<Unit> units, int defaultUnit,
                           std::function<double(const std::string&)> parse, double minBase,
                           double maxBase, QWidget* parent)
    : QWidget(parent),
      m_what(what),
      m_units(std::move(units)),
      m_parse(std::move(parse)),
      m_min(minBase),
      m_max(maxBase),
      m_edit(new QLineEdit),
      m_unit(new QComboBox)
{
    for (const Unit& u : m_units)
        m_unit->addItem(u.symbol);
    m_unit->setCurrentIndex(defaultUnit);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_unit);
    m_edit->setToolTip(what);
    connect(m_edit, &QLineEdit::textEdited, this, &QuantityEdit::parseText);
    connect(m_edit, &QLineEdit::editingFinished, this, [this] {
        if (isValid())
            showValue();  // normalise "0.02 m" to the selected unit
    });
    connect(m_unit, &QComboBox::currentIndexChanged, this, [this] {
        if (isValid())
            showValue();
        else
            parseText();
    });
}

double QuantityEdit::factor() const
{
    const int i = m_unit->currentIndex();
    return i >= 0 && i < m_units.size() ? m_units[i].factor : 1.0;
}

QString QuantityEdit::unit() const
{
    return m_unit->currentText();
}

void QuantityEdit::setUnit(const QString& symbol)
{
    const int i = m_unit->findText(symbol);
    if (i >= 0)
        m_unit->setCurrentIndex(i);
}

void QuantityEdit::setValue(double base)
{
    const bool wasValid = isValid();
    m_value = base;
    m_error.clear();
    showValue();
    m_edit->setStyleSheet(QString());
    m_edit->setToolTip(m_what);
    if (!wasValid)
        emit validityChanged(true);
    emit valueChanged(m_value);
}

void QuantityEdit::showValue()
{
    m_edit->setText(QString::number(m_value / factor(), 'g', 8));
}

void QuantityEdit::parseText()
{
    const QString text = m_edit->text().trimmed();
    QString error;
    double v = 0;
    bool ok = false;
    const double number = QLocale::c().toDouble(text, &ok);
    if (ok) {
        v = number * factor();
    } else {
        try {
            v = m_parse(text.toStdString());
            ok = true;
        } catch (const core::InputError&) {
            error = tr("%1: '%2' is not a number with a unit").arg(m_what, text);
        }
    }
    if (ok && (!std::isfinite(v) || v <= 0))
        error = tr("%1 must be positive").arg(m_what);
    else if (ok && (v < m_min || v > m_max))
        error = tr("%1 must be between %2 and %3 %4")
                    .arg(m_what)
                    .arg(m_min / factor(), 0, 'g', 4)
                    .arg(m_max / factor(), 0, 'g', 4)
                    .arg(unit());
    const bool wasValid = isValid();
    m_error = error;
    if (error.isEmpty()) {
        m_value = v;
        m_edit->setStyleSheet(QString());
        m_edit->setToolTip(m_what);
        emit valueChanged(m_value);
    } else {
        m_edit->setStyleSheet(QStringLiteral("QLineEdit { border: 2px solid #c62828; }"));
        m_edit->setToolTip(error);
    }
    if (wasValid != isValid())
        emit validityChanged(isValid());
}

QuantityEdit* makeEnergyEdit(QWidget* parent)
{
    return new QuantityEdit(QuantityEdit::tr("Energy"),
                            {{QStringLiteral("keV"), 1.0}, {QStringLiteral("eV"), 1e-3}}, 0,
                            [](const std::string& s) { return core::parseEnergyKeV(s); }, 0.1,
                            1000.0, parent);
}

QuantityEdit* makeDistanceEdit(const QString& what, QWidget* parent)
{
    return new QuantityEdit(what,
                            {{QStringLiteral("mm"), 1e-3},
                             {QStringLiteral("cm"), 1e-2},
                             {QStringLiteral("m"), 1.0},
                             {QStringLiteral("µm"), 1e-6}},
                            0, [](const std::string& s) { return core::parseLengthM(s); }, 1e-9,
                            1e3, parent);
}

QuantityEdit* makePixelEdit(const QString& what, QWidget* parent)
{
    return new QuantityEdit(what,
                            {{QStringLiteral("nm"), 1e-9},
                             {QStringLiteral("µm"), 1e-6},
                             {QStringLiteral("mm"), 1e-3}},
                            0, [](const std::string& s) { return core::parseLengthM(s); }, 1e-12,
                            1e-1, parent);
}

} // namespace phaselab::widgets
