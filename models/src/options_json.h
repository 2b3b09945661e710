#pragma once
// JSON forms of the facade's option structs, as stored in model files and checkpoints. Torch-free.

#include <nlohmann/json.hpp>

#include <phaselab/core/error.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/reconstruction_request.h>  // core::toJson(Geometry), core::geometryFromJson
#include <phaselab/models/learned.h>

namespace phaselab::models {

/// Reads `key` of object `j` into `out` when present (else `out` keeps its value); a wrong type
/// throws core::InputError naming `what` and the key.
template <typename T>
void readKey(const nlohmann::json& j, const char* key, T& out, const std::string& what)
{
    if (!j.is_object() || !j.contains(key))
        return;
    try {
        out = j.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
        throw core::InputError(what + ": '" + key + "' has the wrong type");
    }
}

nlohmann::json toJson(const DgnOptions& o);
nlohmann::json toJson(const MsdOptions& o);
nlohmann::json toJson(const EpochRecord& r);

/// Missing keys keep their defaults; wrong types throw core::InputError naming `what`.
DgnOptions dgnOptionsFromJson(const nlohmann::json& j, const std::string& what);
MsdOptions msdOptionsFromJson(const nlohmann::json& j, const std::string& what);
EpochRecord epochRecordFromJson(const nlohmann::json& j);

/// Throws core::InputError naming the first invalid field (sizes, counts, slope, …).
void validate(const DgnOptions& o);
void validate(const MsdOptions& o);

/// Method defaults of physics.md §5.
double defaultLearningRate(Method m);
Schedule defaultSchedule(Method m);
/// Global gradient-norm clipping by default: 1 for DGN (an unrolled recurrence whose rare exploding
/// batches would otherwise stall Adam), none (0) for MS-D Net, 10 for PhaseGAN (per network group).
double defaultGradientClip(Method m);
/// The rate of epoch e (0-based) of E under a schedule (Auto resolved by the method).
double learningRateAt(Schedule s, Method m, double lr0, int epoch, int epochs, int stepEpochs,
                      double stepGamma);

} // namespace phaselab::models
