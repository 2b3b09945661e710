#pragma once
// Method flags (`--newton`, `--alpha-low`, …) made from the registered methods' option fields,
// shared by `reconstruct` and `multidistance`: one flag per distinct field flag, its help naming
// what each method does with it, and the given flags applied onto a method's options.

#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <phaselab/core/method_options.h>

namespace phaselab::cli {

/// One method flag (`--newton`), shared by every method whose options have a field with it.
struct MethodFlag {
    core::OptionField::Type type = core::OptionField::Type::Number;
    std::string value;
    bool set = false;
    CLI::Option* option = nullptr;
};
using MethodFlags = std::map<std::string, MethodFlag>;

/// Registers on `sub` one flag per distinct field flag of the methods `ids` (all registered
/// methods when empty), in the group "Method options".
void addMethodFlags(CLI::App* sub, MethodFlags& flags, const std::vector<std::string>& ids = {});

/// Sets the fields of `options` (method `method`) whose flags were given; throws
/// core::InputError for a flag the method does not have or a bad value. Does not validate().
void applyMethodFlags(const MethodFlags& flags, core::MethodOptions& options,
                      const std::string& method);

} // namespace phaselab::cli
