#include "method_flags.h"

#include <phaselab/core/error.h>
#include <phaselab/core/reconstruction_method.h>
#include <phaselab/core/units.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace phaselab::cli {

namespace {

/// Sets `patch[a][b]…` for a dotted key "a.b".
void setDotted(nlohmann::json& patch, const std::string& key, nlohmann::json value)
{
    nlohmann::json* node = &patch;
    std::size_t start = 0;
    for (std::size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
        node = &(*node)[key.substr(start, dot - start)];
        start = dot + 1;
    }
    (*node)[key.substr(start)] = std::move(value);
}

/// The value at a dotted key, or null.
nlohmann::json getDotted(const nlohmann::json& j, const std::string& key)
{
    const nlohmann::json* node = &j;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = key.find('.', start);
        const std::string part = key.substr(start, dot == std::string::npos ? dot : dot - start);
        if (!node->is_object() || !node->contains(part))
            return nullptr;
        node = &(*node)[part];
        if (dot == std::string::npos)
            return *node;
        start = dot + 1;
    }
}

/// A flag's text as the field's JSON type.
nlohmann::json parseFlagValue(const std::string& flag, const core::OptionField& field,
                              const std::string& text)
{
    using Type = core::OptionField::Type;
    switch (field.type) {
    case Type::Boolean: return true;
    case Type::Text: return text;
    case Type::Choice:
        if (std::find(field.choices.begin(), field.choices.end(), text) == field.choices.end()) {
            std::string list;
            for (const std::string& c : field.choices)
                list += (list.empty() ? "" : ", ") + c;
            throw core::InputError("--" + flag + " must be one of " + list + ", got '" + text + "'");
        }
        return text;
    case Type::Integer:
    case Type::Number: {
        const double v = core::parseNumber(text, "--" + flag);
        if (field.type == Type::Integer) {
            if (v != std::floor(v) || std::fabs(v) > 2e9)
                throw core::InputError("--" + flag + " '" + text + "': not a whole number");
            return int(v);
        }
        return v;
    }
    }
    return nullptr;
}

/// A default value for help texts: numbers as 6 significant digits.
std::string defaultText(const nlohmann::json& d)
{
    if (d.is_string())
        return d.get<std::string>();
    if (d.is_number())
        return core::formatNumber(d.get<double>(), 6);
    return d.dump();
}

/// Registers one flag per distinct field flag of the registered methods' options; its help
/// lists what each method does with it.
} // namespace

void addMethodFlags(CLI::App* sub, MethodFlags& out, const std::vector<std::string>& ids)
{
    struct Entry {
        core::OptionField::Type type;
        std::vector<std::pair<std::string, std::string>> uses;  // (help, methods)
        std::vector<std::string> choices;
    };
    std::map<std::string, Entry> flags;
    std::vector<std::string> order;
    for (const core::MethodInfo& info : core::MethodRegistry::instance().methods()) {
        if (!ids.empty() && std::find(ids.begin(), ids.end(), info.id) == ids.end())
            continue;
        const auto options = core::MethodRegistry::instance().defaultOptions(info.id);
        const nlohmann::json defaults = options->toJson();
        for (const core::OptionField& f : options->fields()) {
            const nlohmann::json d = getDotted(defaults, f.key);
            std::string help = f.help;
            if (f.type != core::OptionField::Type::Boolean && !d.is_null() &&
                !(d.is_string() && d.get<std::string>().empty()))
                help += " (default " + defaultText(d) + ")";
            auto [it, fresh] = flags.try_emplace(f.flag, Entry{f.type, {}, {}});
            if (fresh)
                order.push_back(f.flag);
            auto use = std::find_if(it->second.uses.begin(), it->second.uses.end(),
                                    [&](const auto& u) { return u.first == help; });
            if (use == it->second.uses.end())
                it->second.uses.emplace_back(help, info.id);
            else
                use->second += ", " + info.id;
            for (const std::string& c : f.choices)
                if (std::find(it->second.choices.begin(), it->second.choices.end(), c) ==
                    it->second.choices.end())
                    it->second.choices.push_back(c);
        }
    }
    for (const std::string& flag : order) {
        const Entry& e = flags[flag];
        std::string help;
        for (const auto& [text, methods] : e.uses)
            help += (help.empty() ? "" : "; ") + methods + ": " + text;
        MethodFlag& mf = out[flag];
        mf.type = e.type;
        if (mf.type == core::OptionField::Type::Boolean)
            mf.option = sub->add_flag("--" + flag, mf.set, help);
        else
            mf.option = sub->add_option("--" + flag, mf.value, help);
        if (mf.type == core::OptionField::Type::Choice)
            mf.option->check(CLI::IsMember(e.choices));  // a typo is a usage error
        mf.option->group("Method options");
    }
}

void applyMethodFlags(const MethodFlags& flags, core::MethodOptions& options,
                      const std::string& method)
{
    const std::vector<core::OptionField> fields = options.fields();
    nlohmann::json patch = nlohmann::json::object();
    for (const auto& [flag, f] : flags) {
        if (!f.set && f.option->count() == 0)
            continue;
        const auto field = std::find_if(fields.begin(), fields.end(),
                                        [&](const core::OptionField& x) { return x.flag == flag; });
        if (field == fields.end())
            throw core::InputError("--" + flag + " is not an option of " + method);
        setDotted(patch, field->key, parseFlagValue(flag, *field, f.value));
    }
    options.fromJson(patch);
}

} // namespace phaselab::cli
