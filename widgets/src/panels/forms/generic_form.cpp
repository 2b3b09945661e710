// A form built from MethodOptions::fields(): one row per field, read and written through the
// options' JSON spelling, for any method without a form of its own.
#include "forms.h"

#include <phaselab/core/error.h>

#include "form_util.h"
#include "number_edit.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

#include <limits>
#include <vector>

namespace phaselab::widgets {

namespace {

using Type = core::OptionField::Type;

/// "ctf.alpha_low" → "/ctf/alpha_low".
nlohmann::json::json_pointer pointer(const std::string& dottedKey)
{
    std::string p = "/" + dottedKey;
    for (char& c : p)
        if (c == '.')
            c = '/';
    return nlohmann::json::json_pointer(p);
}

class GenericForm final : public MethodForm {
    Q_OBJECT

public:
    GenericForm(const core::MethodInfo& info, const core::MethodOptions& options)
        : MethodForm(info)
    {
        for (const core::OptionField& f : options.fields()) {
            QWidget* w = nullptr;
            switch (f.type) {
            case Type::Number: {
                auto* e = new NumberEdit(NumberEdit::Domain::Any);
                connect(e, &QLineEdit::textEdited, this, &GenericForm::edited);
                w = e;
                break;
            }
            case Type::Integer: {
                auto* s = new QSpinBox;
                s->setRange(std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
                connect(s, &QSpinBox::valueChanged, this, &GenericForm::edited);
                w = s;
                break;
            }
            case Type::Boolean: {
                auto* c = new QCheckBox;
                connect(c, &QCheckBox::toggled, this, &GenericForm::edited);
                w = c;
                break;
            }
            case Type::Choice: {
                auto* c = new QComboBox;
                for (const std::string& choice : f.choices)
                    c->addItem(QString::fromStdString(choice), QString::fromStdString(choice));
                connect(c, &QComboBox::currentIndexChanged, this, &GenericForm::edited);
                w = c;
                break;
            }
            case Type::Text: {
                auto* e = new QLineEdit;
                connect(e, &QLineEdit::textEdited, this, &GenericForm::edited);
                w = e;
                break;
            }
            }
            w->setObjectName(QString::fromStdString(f.key));
            w->setToolTip(QString::fromStdString(f.help));
            formLayout()->addRow(QString::fromStdString(f.key) + QLatin1Char(':'), w);
            m_rows.push_back({f, w});
        }
        if (m_rows.empty())
            formLayout()->addRow(new QLabel(tr("This method has no options.")));
    }

    QString validate() const override
    {
        for (const Row& r : m_rows)
            if (auto* e = qobject_cast<const NumberEdit*>(r.widget); e && !e->isValid())
                return QString::fromStdString(r.field.key) + QLatin1Char(' ') + e->requirement();
        try {
            (void)options();  // the options' own reading: wrong values throw
        } catch (const core::InputError& e) {
            return QString::fromStdString(e.what());
        }
        return {};
    }

protected:
    void showOptions(const core::MethodOptions& options) override
    {
        const nlohmann::json j = options.toJson();
        for (const Row& r : m_rows) {
            const auto p = pointer(r.field.key);
            if (!j.contains(p))
                continue;
            const nlohmann::json& v = j.at(p);
            switch (r.field.type) {
            case Type::Number:
                static_cast<NumberEdit*>(r.widget)->setValue(v.get<double>());
                break;
            case Type::Integer: static_cast<QSpinBox*>(r.widget)->setValue(v.get<int>()); break;
            case Type::Boolean: static_cast<QCheckBox*>(r.widget)->setChecked(v.get<bool>()); break;
            case Type::Choice:
                forms::select(static_cast<QComboBox*>(r.widget), v.get<std::string>());
                break;
            case Type::Text:
                static_cast<QLineEdit*>(r.widget)->setText(QString::fromStdString(v.get<std::string>()));
                break;
            }
        }
    }

    /// Throws core::InputError when the options refuse a value.
    void applyFields(core::MethodOptions& options) const override
    {
        nlohmann::json patch = nlohmann::json::object();
        for (const Row& r : m_rows) {
            const auto p = pointer(r.field.key);
            switch (r.field.type) {
            case Type::Number:
                if (auto* e = static_cast<const NumberEdit*>(r.widget); e->isValid())
                    patch[p] = e->value();
                break;
            case Type::Integer: patch[p] = static_cast<const QSpinBox*>(r.widget)->value(); break;
            case Type::Boolean:
                patch[p] = static_cast<const QCheckBox*>(r.widget)->isChecked();
                break;
            case Type::Choice: patch[p] = forms::selected(static_cast<const QComboBox*>(r.widget)); break;
            case Type::Text:
                patch[p] = static_cast<const QLineEdit*>(r.widget)->text().toStdString();
                break;
            }
        }
        options.fromJson(patch);
    }

private:
    struct Row {
        core::OptionField field;
        QWidget* widget;
    };
    std::vector<Row> m_rows;
};

} // namespace

std::unique_ptr<MethodForm> makeGenericForm(const core::MethodInfo& info,
                                            const core::MethodOptions& options)
{
    return std::make_unique<GenericForm>(info, options);
}

} // namespace phaselab::widgets

#include "generic_form.moc"
