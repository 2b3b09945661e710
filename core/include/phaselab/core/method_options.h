#pragma once
// The options of a reconstruction method as one typed value with one JSON spelling, and the
// description of each field that the command line turns into flags and the application into
// tooltips. Defaults live in the option structs (their member initialisers) and nowhere else.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace phaselab::core {

/// One user-visible field of a method's options.
struct OptionField {
    enum class Type { Number, Integer, Boolean, Choice, Text };
    /// JSON key, with '.' for a nested object ("ctf.alpha_low").
    std::string key;
    /// Command-line flag without the leading dashes ("alpha-low"). Several methods may share a
    /// flag; each maps it to its own key.
    std::string flag;
    /// One line for help texts and tooltips, with the unit.
    std::string help;
    Type type = Type::Number;
    std::vector<std::string> choices;  ///< Type::Choice: the accepted values
};

/// The options of one reconstruction method (a CtfMethodOptions, an IrgnMethodOptions, a learned
/// method's model file and device, …). Values are plain data: copy with clone(), pass across
/// threads as immutable snapshots.
class MethodOptions {
public:
    virtual ~MethodOptions() = default;

    /// Every field, with the keys of fields() (nested objects for dotted keys).
    [[nodiscard]] virtual nlohmann::json toJson() const = 0;
    /// Sets the fields present in `j` (an object); absent keys keep their values, unknown keys
    /// throw InputError naming them, and so do values of the wrong type. Does not validate().
    virtual void fromJson(const nlohmann::json& j) = 0;
    /// Throws InputError naming the first invalid field.
    virtual void validate() const = 0;
    [[nodiscard]] virtual std::unique_ptr<MethodOptions> clone() const = 0;
    /// The user-visible fields, in display order.
    [[nodiscard]] virtual std::vector<OptionField> fields() const = 0;
};

/// Implements clone() for a final options type.
template <typename Derived>
class MethodOptionsBase : public MethodOptions {
public:
    [[nodiscard]] std::unique_ptr<MethodOptions> clone() const override
    {
        return std::make_unique<Derived>(static_cast<const Derived&>(*this));
    }
};

/// Options with no fields (a method whose parameters all come from the request).
class NoMethodOptions final : public MethodOptionsBase<NoMethodOptions> {
public:
    [[nodiscard]] nlohmann::json toJson() const override { return nlohmann::json::object(); }
    void fromJson(const nlohmann::json& j) override;
    void validate() const override {}
    [[nodiscard]] std::vector<OptionField> fields() const override { return {}; }
};

/// Reads JSON option objects field by field for MethodOptions::fromJson(): every read() names
/// a key it accepts; finish() throws InputError for keys nobody read, so a typo in a session
/// file is an error instead of a silent default.
class OptionReader {
public:
    /// `what` names the options in messages ("irgn options"). Throws unless `j` is an object.
    OptionReader(const nlohmann::json& j, std::string what);

    /// Sets `out` from key `key` when present; throws InputError for a wrong type.
    void read(const char* key, double& out);
    void read(const char* key, int& out);
    void read(const char* key, bool& out);
    void read(const char* key, std::string& out);
    /// A nested object, or an empty object when absent; marks the key as read.
    [[nodiscard]] nlohmann::json object(const char* key);
    /// Throws InputError naming the first key no read() asked for.
    void finish() const;

private:
    const nlohmann::json* find(const char* key);

    const nlohmann::json& m_json;
    std::string m_what;
    std::vector<std::string> m_seen;
};

} // namespace phaselab::core
