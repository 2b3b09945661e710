#include "number_edit.h"

#include <QLocale>

#include <cmath>
#include <limits>

namespace phaselab::widgets {

NumberEdit::NumberEdit(Domain domain, QWidget* parent)
    : QLineEdit(parent), m_domain(domain)
{
    connect(this, &QLineEdit::textChanged, this, &NumberEdit::mark);
}

void NumberEdit::setValue(double value)
{
    m_value = value;
    m_shown = QString::number(value, 'g', 6);
    setText(m_shown);
}

double NumberEdit::value() const
{
    if (text() == m_shown)
        return m_value;
    bool ok = false;
    const double v = QLocale::c().toDouble(text().trimmed(), &ok);
    return ok ? v : std::numeric_limits<double>::quiet_NaN();
}

bool NumberEdit::isValid() const
{
    const double v = value();
    if (!std::isfinite(v))
        return false;
    switch (m_domain) {
    case Domain::Positive: return v > 0;
    case Domain::NonNegative: return v >= 0;
    case Domain::Any: return true;
    }
    return true;
}

QString NumberEdit::requirement() const
{
    switch (m_domain) {
    case Domain::Positive: return tr("must be a positive number");
    case Domain::NonNegative: return tr("must be a number ≥ 0");
    case Domain::Any: break;
    }
    return tr("must be a number");
}

void NumberEdit::mark()
{
    // Marked at the field; the form's validate() also blocks Run with the reason.
    setStyleSheet(isValid() ? QString() : QStringLiteral("QLineEdit { border: 2px solid #c62828; }"));
}

} // namespace phaselab::widgets
