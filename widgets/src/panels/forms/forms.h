#pragma once
// The method forms the factory (createMethodForm) chooses from.

#include <phaselab/widgets/method_form.h>

#include <memory>

namespace phaselab::widgets {

std::unique_ptr<MethodForm> makeCtfForm(const core::MethodInfo& info);
std::unique_ptr<MethodForm> makePaganinForm(const core::MethodInfo& info);
std::unique_ptr<MethodForm> makeIrgnForm(const core::MethodInfo& info);
/// Any learned method whose options are models::LearnedMethodOptions.
std::unique_ptr<MethodForm> makeLearnedForm(const core::MethodInfo& info);
/// One row per field of `options.fields()`.
std::unique_ptr<MethodForm> makeGenericForm(const core::MethodInfo& info,
                                            const core::MethodOptions& options);

/// The options as type T; throws std::logic_error when a form is given another method's options.
template <typename T>
const T& optionsAs(const core::MethodOptions& options)
{
    const auto* o = dynamic_cast<const T*>(&options);
    if (!o)
        throw std::logic_error("a method form got options of another method");
    return *o;
}
template <typename T>
T& optionsAs(core::MethodOptions& options)
{
    auto* o = dynamic_cast<T*>(&options);
    if (!o)
        throw std::logic_error("a method form got options of another method");
    return *o;
}

} // namespace phaselab::widgets
