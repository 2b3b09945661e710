#include <phaselab/core/method_options.h>

#include <phaselab/core/error.h>

#include <algorithm>

namespace phaselab::core {

void NoMethodOptions::fromJson(const nlohmann::json& j)
{
    OptionReader(j, "options").finish();
}

OptionReader::OptionReader(const nlohmann::json& j, std::string what)
    : m_json(j), m_what(std::move(what))
{
    if (!j.is_object() && !j.is_null())
        throw InputError(m_what + ": expected a JSON object");
}

const nlohmann::json* OptionReader::find(const char* key)
{
    m_seen.emplace_back(key);
    if (!m_json.is_object())
        return nullptr;
    const auto it = m_json.find(key);
    return it == m_json.end() ? nullptr : &*it;
}

void OptionReader::read(const char* key, double& out)
{
    if (const nlohmann::json* v = find(key)) {
        if (!v->is_number())
            throw InputError(m_what + ": '" + key + "' must be a number");
        out = v->get<double>();
    }
}

void OptionReader::read(const char* key, int& out)
{
    if (const nlohmann::json* v = find(key)) {
        // A whole number written as 20.0 by another tool is still a count.
        if (!v->is_number() || v->get<double>() != double(static_cast<long long>(v->get<double>())))
            throw InputError(m_what + ": '" + key + "' must be a whole number");
        const double d = v->get<double>();
        if (d < -2147483648.0 || d > 2147483647.0)
            throw InputError(m_what + ": '" + key + "' is out of range");
        out = int(d);
    }
}

void OptionReader::read(const char* key, bool& out)
{
    if (const nlohmann::json* v = find(key)) {
        if (!v->is_boolean())
            throw InputError(m_what + ": '" + key + "' must be true or false");
        out = v->get<bool>();
    }
}

void OptionReader::read(const char* key, std::string& out)
{
    if (const nlohmann::json* v = find(key)) {
        if (!v->is_string())
            throw InputError(m_what + ": '" + key + "' must be a string");
        out = v->get<std::string>();
    }
}

nlohmann::json OptionReader::object(const char* key)
{
    if (const nlohmann::json* v = find(key)) {
        if (!v->is_object())
            throw InputError(m_what + ": '" + key + "' must be an object");
        return *v;
    }
    return nlohmann::json::object();
}

void OptionReader::finish() const
{
    if (!m_json.is_object())
        return;
    for (const auto& [key, value] : m_json.items())
        if (std::find(m_seen.begin(), m_seen.end(), key) == m_seen.end())
            throw InputError(m_what + ": unknown key '" + key + "'");
}

} // namespace phaselab::core
