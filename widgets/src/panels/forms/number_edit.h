#pragma once
// A number field of a method form: shows a value in short form, and gives back the exact value
// it was set to until the user edits the text, so that options pass through a form unchanged.

#include <QLineEdit>

namespace phaselab::widgets {

class NumberEdit : public QLineEdit {
    Q_OBJECT

public:
    /// What the field accepts; anything else is marked at the field.
    enum class Domain { Positive, NonNegative, Any };

    explicit NumberEdit(Domain domain, QWidget* parent = nullptr);

    /// Shows `value` (6 significant digits) and remembers it exactly.
    void setValue(double value);
    /// The value set, while the text is unchanged; otherwise the number typed (NaN if none).
    [[nodiscard]] double value() const;
    /// True when the text is a finite number in the field's domain.
    [[nodiscard]] bool isValid() const;
    /// What the field needs, for messages ("must be a positive number").
    [[nodiscard]] QString requirement() const;

private:
    void mark();

    Domain m_domain;
    double m_value = 0;
    QString m_shown;
};

} // namespace phaselab::widgets
