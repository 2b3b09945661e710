#pragma once

#include <QString>
#include <QVector>
#include <QWidget>

#include <functional>
#include <string>

class QComboBox;
class QLineEdit;

namespace phaselab::widgets {

/// A physical value with a unit selector. The number is read in the selected unit; a typed unit
/// ("20 mm", "0.02 m", "13000 eV") is accepted too and converted. Invalid input (not a number,
/// non-positive, out of range) is marked at the field with the reason as tooltip, and value()
/// keeps the last valid value.
class QuantityEdit : public QWidget {
    Q_OBJECT

public:
    struct Unit {
        QString symbol;  ///< shown in the selector ("mm")
        double factor;   ///< value in base units of 1 of this unit (base: m, or keV for energies)
    };
    /// `parse` turns text with a unit into base units (core::parseLengthM / parseEnergyKeV) and
    /// throws core::InputError; `what` names the quantity in messages.
    QuantityEdit(const QString& what, QVector<Unit> units, int defaultUnit,
                 std::function<double(const std::string&)> parse, double minBase, double maxBase,
                 QWidget* parent = nullptr);

    /// The value in base units (last valid one).
    [[nodiscard]] double value() const noexcept { return m_value; }
    void setValue(double base);
    [[nodiscard]] bool isValid() const noexcept { return m_error.isEmpty(); }
    /// Why the current text is invalid (empty when valid).
    [[nodiscard]] QString error() const { return m_error; }
    /// Selects a unit by symbol; the value stays the same, the text is converted.
    void setUnit(const QString& symbol);
    [[nodiscard]] QString unit() const;
    [[nodiscard]] QLineEdit* lineEdit() const noexcept { return m_edit; }
    [[nodiscard]] QComboBox* unitBox() const noexcept { return m_unit; }

signals:
    void valueChanged(double base);
    void validityChanged(bool valid);

private:
    void parseText();
    void showValue();
    [[nodiscard]] double factor() const;

    QString m_what;
    QVector<Unit> m_units;
    std::function<double(const std::string&)> m_parse;
    double m_min, m_max;
    QLineEdit* m_edit;
    QComboBox* m_unit;
    double m_value = 0;
    QString m_error;
};

/// Ready-made editors: energy (keV, eV), distance (mm, cm, m, µm), pixel size (nm, µm, mm).
QuantityEdit* makeEnergyEdit(QWidget* parent = nullptr);
QuantityEdit* makeDistanceEdit(const QString& what, QWidget* parent = nullptr);
QuantityEdit* makePixelEdit(const QString& what, QWidget* parent = nullptr);

} // namespace phaselab::widgets
