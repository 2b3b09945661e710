#pragma once
// The options of the classical methods as the registry, the application's forms and the command
// line see them. Each wraps the solver's own option struct, whose member initialisers are the
// only defaults; the fields the request owns (padding, β/δ, the forward model) are not stored.

#include <string>
#include <vector>

#include <phaselab/core/ctf.h>
#include <phaselab/core/irgn.h>
#include <phaselab/core/method_options.h>

namespace phaselab::core {

/// CTF (method "ctf"): JSON keys alpha_low, alpha_high, transition_width.
class CtfMethodOptions final : public MethodOptionsBase<CtfMethodOptions> {
public:
    CtfOptions ctf;  ///< betaDelta and padding come from the request

    [[nodiscard]] nlohmann::json toJson() const override;
    void fromJson(const nlohmann::json& j) override;
    void validate() const override;
    [[nodiscard]] std::vector<OptionField> fields() const override;
};

/// Which unknowns IRGN solves for.
enum class IrgnUnknowns {
    Homogeneous,  ///< one unknown φ, B = (β/δ) φ with the request's β/δ (0: pure phase)
    Joint,        ///< B and φ independently (the DGN paper)
};
std::string toString(IrgnUnknowns u);
/// "homogeneous" | "joint"; throws InputError otherwise.
IrgnUnknowns parseIrgnUnknowns(const std::string& text);

/// IRGN (method "irgn"): JSON keys unknowns, alpha0, q, newton_steps, cg_iterations, penalty,
/// sobolev_scale, sobolev_order, positivity, initial_guess, ctf {alpha_low, alpha_high,
/// transition_width}, noise_level, tau.
class IrgnMethodOptions final : public MethodOptionsBase<IrgnMethodOptions> {
public:
    IrgnUnknowns unknowns = IrgnUnknowns::Homogeneous;
    /// betaDelta, support, ctf.betaDelta, ctf padding and the forward model come from the request.
    IrgnOptions irgn;

    [[nodiscard]] nlohmann::json toJson() const override;
    void fromJson(const nlohmann::json& j) override;
    void validate() const override;
    [[nodiscard]] std::vector<OptionField> fields() const override;
};

/// One line describing the CTF α in an outcome's details ("α_low 1.6e-07, α_high 1.6e-06 (rule
/// fov; 2.9 × the homogeneous denominator A(0)²/2)"); empty when the details hold no α.
std::string describeAlpha(const nlohmann::json& details);

/// Fixes `options` at the α an outcome's details report (rule manual, α_low and α_high as
/// chosen): the override of a data-chosen α. Unchanged when the details hold no α.
void useChosenAlpha(CtfOptions& options, const nlohmann::json& details);

/// Registers "ctf", "paganin" and "irgn" in `registry` (MethodRegistry::instance() does this).
class MethodRegistry;
void registerClassicalMethods(MethodRegistry& registry);

} // namespace phaselab::core
