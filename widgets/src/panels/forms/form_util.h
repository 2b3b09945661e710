#pragma once
// Small helpers shared by the method forms.

#include "number_edit.h"

#include <QComboBox>
#include <QString>

#include <string>
#include <utility>
#include <vector>

namespace phaselab::widgets::forms {

/// Selects the entry whose data is `value` (a core spelling such as "joint"); keeps the current
/// one when there is none.
inline void select(QComboBox* box, const std::string& value)
{
    const int i = box->findData(QString::fromStdString(value));
    if (i >= 0)
        box->setCurrentIndex(i);
}

/// The core spelling of the selected entry.
inline std::string selected(const QComboBox* box)
{
    return box->currentData().toString().toStdString();
}

/// "<prefix><name> must be …" for the first enabled field that does not read as a number of its
/// domain; empty when all do.
inline QString firstInvalid(const QString& prefix,
                            const std::vector<std::pair<const NumberEdit*, QString>>& fields)
{
    for (const auto& [edit, name] : fields)
        if (edit->isEnabled() && !edit->isValid())
            return prefix + name + QLatin1Char(' ') + edit->requirement();
    return {};
}

/// Sets `out` from `edit` when it reads as a number of its domain; keeps `out` otherwise.
inline void readInto(const NumberEdit* edit, double& out)
{
    if (edit->isValid())
        out = edit->value();
}

} // namespace phaselab::widgets::forms
