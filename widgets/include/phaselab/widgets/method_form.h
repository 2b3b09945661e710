#pragma once

#include <QStringList>
#include <QWidget>

#include <memory>

#include <phaselab/core/method_options.h>
#include <phaselab/core/reconstruction_method.h>

class QFormLayout;
class QLabel;

namespace phaselab::widgets {

/// A form that edits one value of a method's typed options (core::MethodOptions). The form keeps
/// an options object and shows it in its widgets; options() copies that object and sets the
/// fields the form edits, so every other field (and every default, which lives in the options
/// struct) passes through unchanged. Forms never hold default values of their own.
class MethodForm : public QWidget {
    Q_OBJECT

public:
    MethodForm(core::MethodInfo info, QWidget* parent = nullptr);
    ~MethodForm() override;

    [[nodiscard]] const core::MethodInfo& info() const noexcept { return m_info; }

    /// Copies `options` (of this form's method) and sets every widget from it; emits
    /// optionsChanged() once.
    void setOptions(const core::MethodOptions& options);
    /// The options as edited: a copy of the current options object with the form's fields set
    /// (fields that do not parse keep their previous value; validate() names them).
    [[nodiscard]] std::shared_ptr<const core::MethodOptions> options() const;
    /// Why a field cannot be read (a non-numeric α), naming it; empty when every field parses.
    /// The options' own validate() (ranges) runs when the request is completed.
    [[nodiscard]] virtual QString validate() const { return {}; }

    /// Shows the method's warnings for the current request (a model applied at other physics
    /// than it was trained for) under the fields; an empty list hides them.
    void setWarnings(const QStringList& warnings);
    [[nodiscard]] QStringList warnings() const;
    /// Shows what the last finished run of this method chose (ReconstructionOutcome::details,
    /// e.g. CTF's α); the default shows nothing.
    virtual void showOutcomeDetails(const nlohmann::json& details) { (void)details; }

    [[nodiscard]] QString displayName() const { return displayName(m_info); }
    [[nodiscard]] QString description() const { return description(m_info); }
    /// The translated name of a method PhaseLab knows, else MethodInfo::name.
    static QString displayName(const core::MethodInfo& info);
    /// The translated description of a method PhaseLab knows, else MethodInfo::description.
    static QString description(const core::MethodInfo& info);

signals:
    /// The user edited a field, or setOptions() replaced the options.
    void optionsChanged();

protected:
    /// Where a form adds its rows.
    [[nodiscard]] QFormLayout* formLayout() const noexcept { return m_form; }
    /// Sets the widgets from `options` (the form's options type).
    virtual void showOptions(const core::MethodOptions& options) = 0;
    /// Sets the fields the form edits in `options` (a copy of the current options object).
    virtual void applyFields(core::MethodOptions& options) const = 0;
    /// The options object as last set (not including edits since).
    [[nodiscard]] const core::MethodOptions& storedOptions() const { return *m_options; }
    /// Emits optionsChanged() unless the widgets are being set from options.
    void edited();

private:
    core::MethodInfo m_info;
    std::unique_ptr<core::MethodOptions> m_options;
    QFormLayout* m_form;
    QLabel* m_warnings;
    bool m_showing = false;
};

/// The form for `method`'s options, chosen by options type and method kind: CTF, Paganin, IRGN,
/// any learned method (its model file and device), or a form built from
/// MethodOptions::fields() for any other method. Shows the method's default options.
std::unique_ptr<MethodForm> createMethodForm(const core::ReconstructionMethod& method);

} // namespace phaselab::widgets
