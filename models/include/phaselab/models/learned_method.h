#pragma once
// The learned reconstruction methods behind core's method registry (reconstruction_method.h):
// "dgn", "msd" and "phasegan" apply a trained model file. Torch-free: widgets and the CLI include it.

#include <string>
#include <vector>

#include <phaselab/core/method_options.h>
#include <phaselab/core/reconstruction_method.h>

namespace phaselab::models {

/// Options of a learned method: JSON keys `model` (the model file written by train) and `device`
/// ("auto" | "cpu" | "cuda").
class LearnedMethodOptions final : public core::MethodOptionsBase<LearnedMethodOptions> {
public:
    std::string model;
    std::string device = "auto";

    [[nodiscard]] nlohmann::json toJson() const override;
    void fromJson(const nlohmann::json& j) override;
    /// Checks the device name; the model file is checked by the method (check()).
    void validate() const override;
    [[nodiscard]] std::vector<core::OptionField> fields() const override;
};

/// Registers "dgn", "msd" and "phasegan" in `registry`. Idempotent; the CLI and the application call it at
/// start. Each method object keeps its loaded model between runs (reloaded only when the file,
/// its modification time or the device changes).
void registerLearnedMethods(core::MethodRegistry& registry = core::MethodRegistry::instance());

/// How many times learned method objects have loaded model weights in this process (the
/// application's log and the tests of the model cache read it).
int modelLoadCount();

} // namespace phaselab::models
