#pragma once
// Helpers shared by the training loops (training.cpp: DGN and MS-D Net; phasegan_training.cpp):
// seeds, durations, the run's tracked state in checkpoints, and live progress. Torch-free.

#include <phaselab/core/progress.h>
#include <phaselab/core/rank_group.h>
#include <phaselab/models/learned.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace phaselab::models {

using TrainClock = std::chrono::steady_clock;

double secondsSince(TrainClock::time_point t);

/// SplitMix64: independent seeds per epoch and purpose from one user seed.
std::uint64_t mixSeed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0);

/// "42s", "3m05s", "1h02m"; "?" for a negative or non-finite value.
std::string formatDuration(double seconds);

/// The resolved settings of a run: options with the method's defaults filled in, or a
/// checkpoint's (JSON `training` object of model files and checkpoints).
struct RunSettings {
    Method method = Method::Dgn;
    nlohmann::json architecture;
    std::string data;
    int epochs = 100;
    int batchSize = 10;
    double learningRate = 0;
    Schedule schedule = Schedule::Auto;
    int stepEpochs = 30;
    double stepGamma = 0.1;
    std::uint64_t seed = 1;
    Augmentation augmentation;
    int maxTrain = 0, maxVal = 0;
    double gradientClip = 0;
    /// "float32" or "bfloat16": DGN's convolutions during training (resolvePrecision()).
    std::string precision = "float32";
    /// The command that started the run (TrainOptions::commandLine; kept on resume).
    std::string command;

    /// From the options of a new run (defaults: 100 epochs, batch 10 (PhaseGAN 16), the method's
    /// rate, schedule and clipping).
    static RunSettings fromOptions(const TrainOptions& o, nlohmann::json architecture);
    [[nodiscard]] nlohmann::json toJson() const;
    void fromJson(const nlohmann::json& j, const std::string& path);
    /// Throws core::InputError for a missing dataset or non-positive epochs, batch, rate or step.
    void check() const;
};

/// What TrainOptions::precision means for `method` on `device` here: "bfloat16" or "float32".
/// Throws core::InputError for an explicit bfloat16 that the method or machine cannot do.
std::string resolvePrecision(Precision precision, Method method, bool cpuDevice);

/// The checkpoint path of a run (OUT.ckpt unless given); throws core::InputError when there is no
/// output path or a folder of the output or checkpoint does not exist.
/// Data-parallel training: rank 0's epoch record replaces every other rank's (its timings; the
/// losses agree already), so that all ranks return the same history. A collective.
void shareEpochRecord(core::RankGroup& group, EpochRecord& record);

std::string checkpointPathOf(const TrainOptions& options);

/// The metadata of a model file or checkpoint (learned.h, modelInfo()).
nlohmann::json runMetadata(const char* format, const RunSettings& s, const nlohmann::json& architecture,
                           std::int64_t parameterCount, const nlohmann::json& normalisation,
                           const nlohmann::json& physics, int height, int width, int nTrain,
                           int nVal, const struct RunState& st, const std::string& device);

/// Everything a run tracks besides the weights and settings.
struct RunState {
    double initialValLoss = std::numeric_limits<double>::quiet_NaN();
    int epochsDone = 0;
    std::vector<EpochRecord> history;
    int bestEpoch = 0;
    double bestValLoss = std::numeric_limits<double>::infinity();
    /// Ranks of the run writing the file (`world_size`; not read back: a checkpoint resumes on
    /// any number of ranks).
    int worldSize = 1;

    /// Adds history, epochs_done, initial_val_loss, best_epoch, best_val_loss to `training`.
    void writeTo(nlohmann::json& training) const;
    /// Reads them back from a checkpoint's `training` object.
    void readFrom(const nlohmann::json& training);
    /// The TrainResult of a finished run whose files are options.outPath and `checkpointPath`;
    /// its method and precision are the run's settings.
    TrainResult result(const TrainOptions& options, const RunSettings& settings,
                       const std::string& checkpointPath, TrainClock::time_point runStart,
                       const std::string& device, std::int64_t parameterCount) const;
};

/// Live progress of a training run: the observer's TrainProgress and the progress label
/// "epoch e/E batch b/B loss … samples/s ETA …" (or "validating b/B").
class RunProgress {
public:
    RunProgress(const core::ProgressReporter& reporter,
                const std::function<void(const TrainProgress&)>& observer, int epochs,
                int stepsPerEpoch, double startFraction, TrainClock::time_point runStart);

    /// `epoch` 0-based; `step` of stepsPerEpoch (training batches, then validation batches).
    void report(int epoch, int step, double loss, double samplesPerSecond, bool validating,
                int batch, int batches);
    /// Tells the observer an epoch finished (after its checkpoint).
    void epochFinished(const EpochRecord& record);

private:
    const core::ProgressReporter& m_reporter;
    const std::function<void(const TrainProgress&)>& m_observer;
    int m_epochs, m_stepsPerEpoch;
    double m_startFraction;
    TrainClock::time_point m_runStart;
    TrainProgress m_live;
};

} // namespace phaselab::models
