#pragma once
// JSON forms of PhaseGanOptions as stored in model files and checkpoints. Torch-free.

#include <nlohmann/json.hpp>

#include <phaselab/models/phasegan.h>

#include <string>

namespace phaselab::models {

/// The architecture part (model files' `architecture`): width, decoder_filters, padding,
/// pad_factor.
nlohmann::json phaseGanArchitectureJson(const PhaseGanOptions& o);
/// The training part (loss weights, discriminator rate, Adam β).
nlohmann::json phaseGanTrainingJson(const PhaseGanOptions& o);
/// Reads both parts (either may be null or lack keys: defaults stay) and validates; wrong types
/// throw core::InputError naming `what`.
PhaseGanOptions phaseGanOptionsFromJson(const nlohmann::json& architecture,
                                        const nlohmann::json& training, const std::string& what);

} // namespace phaselab::models
