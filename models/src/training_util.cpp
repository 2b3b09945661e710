#include "training_util.h"

#include "model_io.h"
#include "options_json.h"

#include <phaselab/core/error.h>
#include <phaselab/models/runtime.h>
#include <phaselab/version.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace phaselab::models {

void shareEpochRecord(core::RankGroup& group, EpochRecord& record)
{
    std::vector<std::uint8_t> bytes;
    if (group.rank() == 0) {
        const std::string text = toJson(record).dump();
        bytes.assign(text.begin(), text.end());
    }
    group.broadcast(bytes);
    if (group.rank() != 0)
        record = epochRecordFromJson(nlohmann::json::parse(bytes.begin(), bytes.end()));
}

double secondsSince(TrainClock::time_point t)
{
    return std::chrono::duration<double>(TrainClock::now() - t).count();
}

std::uint64_t mixSeed(std::uint64_t seed, std::uint64_t a, std::uint64_t b)
{
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (a + 1) + 0xBF58476D1CE4E5B9ull * (b + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

std::string formatDuration(double s)
{
    char buf[32];
    if (!(s >= 0) || !std::isfinite(s))
        return "?";
    const long t = long(s + 0.5);
    if (t >= 3600)
        std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
    else if (t >= 60)
        std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
    else
        std::snprintf(buf, sizeof buf, "%lds", t);
    return buf;
}

RunSettings RunSettings::fromOptions(const TrainOptions& o, nlohmann::json architecture)
{
    RunSettings s;
    s.method = o.method;
    s.architecture = std::move(architecture);
    s.data = o.dataPath;
    s.epochs = o.epochs > 0 ? o.epochs : 100;
    s.batchSize = o.batchSize > 0 ? o.batchSize : o.method == Method::PhaseGan ? 16 : 10;
    s.learningRate = o.learningRate > 0 ? o.learningRate : defaultLearningRate(s.method);
    s.schedule = o.schedule;
    s.stepEpochs = o.stepEpochs;
    s.stepGamma = o.stepGamma;
    s.seed = o.seed;
    s.augmentation = o.augmentation;
    s.maxTrain = o.maxTrainSamples;
    s.maxVal = o.maxValSamples;
    s.gradientClip = o.gradientClip > 0   ? o.gradientClip
                     : o.gradientClip < 0 ? 0.0
                                          : defaultGradientClip(s.method);
    s.command = o.commandLine;
    return s;
}

nlohmann::json RunSettings::toJson() const
{
    const bool balanced = method == Method::Dgn && architecture.is_object() &&
                          architecture.value("loss", std::string("mse")) == "balanced";
    const char* loss = method == Method::Msd        ? "mse (normalised outputs)"
                       : method == Method::PhaseGan ? "phasegan (bce adversarial, cycle l1, frc)"
                       : balanced ? "balanced mse (each channel over its training-set mean square)"
                                  : "mse";
    nlohmann::json j = {{"data", data},
            {"epochs", epochs},
            {"batch_size", batchSize},
            {"learning_rate", learningRate},
            {"schedule", toString(schedule == Schedule::Auto ? defaultSchedule(method) : schedule)},
            {"step_epochs", stepEpochs},
            {"step_gamma", stepGamma},
            {"seed", seed},
            {"augmentation", {{"flips", augmentation.flips}, {"rotations", augmentation.rotations}}},
            {"max_train_samples", maxTrain},
            {"max_val_samples", maxVal},
            {"gradient_clip", gradientClip},
            {"precision", precision},
            {"optimizer", "adam"},
            {"loss", loss}};
    if (!command.empty())
        j["command"] = command;
    return j;
}

void RunSettings::fromJson(const nlohmann::json& j, const std::string& path)
{
    try {
        data = j.value("data", data);
        epochs = j.value("epochs", epochs);
        batchSize = j.value("batch_size", batchSize);
        learningRate = j.value("learning_rate", learningRate);
        schedule = parseSchedule(j.value("schedule", std::string("auto")));
        stepEpochs = j.value("step_epochs", stepEpochs);
        stepGamma = j.value("step_gamma", stepGamma);
        seed = j.value("seed", seed);
        if (j.contains("augmentation")) {
            augmentation.flips = j["augmentation"].value("flips", false);
            augmentation.rotations = j["augmentation"].value("rotations", false);
        }
        maxTrain = j.value("max_train_samples", 0);
        maxVal = j.value("max_val_samples", 0);
        gradientClip = j.value("gradient_clip", 0.0);
        precision = j.value("precision", std::string("float32"));
        command = j.value("command", std::string());
    } catch (const nlohmann::json::exception&) {
        throw core::InputError(path + ": damaged training options in the checkpoint");
    }
}

void RunSettings::check() const
{
    if (data.empty())
        throw core::InputError("train: no dataset (--data)");
    if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || !std::isfinite(learningRate))
        throw core::InputError("train: epochs, batch size and learning rate must be positive");
    if (stepEpochs < 1 || !(stepGamma > 0))
        throw core::InputError("train: step schedule needs step epochs ≥ 1 and γ > 0");
}

std::string resolvePrecision(Precision precision, Method method, bool cpuDevice)
{
    const bool possible = method == Method::Dgn && cpuDevice && cpuHasNativeBf16();
    switch (precision) {
    case Precision::Float32:
        return "float32";
    case Precision::Auto:
        // reducedPrecisionInference() is the CPU's support unless $PHASELAB_BF16 says otherwise.
        return possible && reducedPrecisionInference() ? "bfloat16" : "float32";
    case Precision::BFloat16:
        if (method != Method::Dgn)
            throw core::InputError("train: bf16 precision is for DGN only, not " +
                                   toString(method));
        if (!cpuDevice)
            throw core::InputError("train: bf16 precision runs on the CPU only");
        if (!cpuHasNativeBf16())
            throw core::InputError("train: this CPU has no native bfloat16 (AVX512_BF16); "
                                   "use --precision float32 or auto");
        return "bfloat16";
    }
    return "float32";
}

std::string checkpointPathOf(const TrainOptions& options)
{
    if (options.outPath.empty())
        throw core::InputError("train: no output model path");
    const std::string checkpointPath =
        options.checkpointPath.empty() ? options.outPath + ".ckpt" : options.checkpointPath;
    for (const std::string& file : {options.outPath, checkpointPath}) {
        const std::filesystem::path dir = std::filesystem::path(file).parent_path();
        if (!dir.empty() && !std::filesystem::is_directory(dir))
            throw core::InputError(file + ": folder " + dir.string() + " does not exist");
    }
    return checkpointPath;
}

nlohmann::json runMetadata(const char* format, const RunSettings& s, const nlohmann::json& architecture,
                           std::int64_t parameterCount, const nlohmann::json& normalisation,
                           const nlohmann::json& physics, int height, int width, int nTrain,
                           int nVal, const RunState& st, const std::string& device)
{
    nlohmann::json training = s.toJson();
    training["train_samples"] = nTrain;
    training["val_samples"] = nVal;
    training["device"] = device;
    st.writeTo(training);
    return {{"format", format},
            {"format_version", kFormatVersion},
            {"method", toString(s.method)},
            {"architecture", architecture},
            {"parameter_count", parameterCount},
            {"physics", physics},
            {"normalisation", normalisation},
            {"image_shape", {height, width}},
            {"training", training},
            {"torch_version", initialiseRuntime().torchVersion},
            {"phaselab_version", PHASELAB_VERSION}};
}

void RunState::writeTo(nlohmann::json& training) const
{
    auto numberOrNull = [](double v) {
        return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
    };
    nlohmann::json h = nlohmann::json::array();
    for (const EpochRecord& r : history)
        h.push_back(toJson(r));
    training["history"] = h;
    training["epochs_done"] = epochsDone;
    training["initial_val_loss"] = numberOrNull(initialValLoss);
    training["best_epoch"] = bestEpoch;
    training["best_val_loss"] = numberOrNull(bestValLoss);
    training["world_size"] = worldSize;
}

void RunState::readFrom(const nlohmann::json& t)
{
    epochsDone = t.value("epochs_done", 0);
    for (const auto& r : t.value("history", nlohmann::json::array()))
        history.push_back(epochRecordFromJson(r));
    bestEpoch = t.value("best_epoch", 0);
    if (t.contains("initial_val_loss") && t["initial_val_loss"].is_number())
        initialValLoss = t["initial_val_loss"].get<double>();
    if (t.contains("best_val_loss") && t["best_val_loss"].is_number())
        bestValLoss = t["best_val_loss"].get<double>();
}

RunProgress::RunProgress(const core::ProgressReporter& reporter,
                         const std::function<void(const TrainProgress&)>& observer, int epochs,
                         int stepsPerEpoch, double startFraction, TrainClock::time_point runStart)
    : m_reporter(reporter), m_observer(observer), m_epochs(epochs),
      m_stepsPerEpoch(std::max(1, stepsPerEpoch)), m_startFraction(startFraction),
      m_runStart(runStart)
{
    m_live.epochs = epochs;
}

void RunProgress::report(int epoch, int step, double loss, double samplesPerSecond,
                         bool validating, int batch, int batches)
{
    const double fraction = (double(epoch) + double(step) / double(m_stepsPerEpoch)) / m_epochs;
    const double done = fraction - m_startFraction;
    const double eta = done > 1e-9 ? secondsSince(m_runStart) * (1.0 - fraction) / done : -1.0;
    m_live.epoch = epoch + 1;
    m_live.batch = batch;
    m_live.batches = batches;
    m_live.validating = validating;
    m_live.loss = loss;
    m_live.samplesPerSecond = samplesPerSecond;
    m_live.etaSeconds = eta;
    if (m_observer)
        m_observer(m_live);
    char label[160];
    if (validating)
        std::snprintf(label, sizeof label, "epoch %d/%d validating %d/%d ETA %s", epoch + 1,
                      m_epochs, batch, batches, formatDuration(eta).c_str());
    else
        std::snprintf(label, sizeof label, "epoch %d/%d batch %d/%d loss %.3g %.1f samples/s ETA %s",
                      epoch + 1, m_epochs, batch, batches, loss, samplesPerSecond,
                      formatDuration(eta).c_str());
    m_reporter.step(fraction, label);
}

void RunProgress::epochFinished(const EpochRecord& record)
{
    if (!m_observer)
        return;
    TrainProgress done = m_live;
    done.epochFinished = true;
    done.finished = record;
    m_observer(done);
}

TrainResult RunState::result(const TrainOptions& options, const RunSettings& settings,
                             const std::string& checkpointPath, TrainClock::time_point runStart,
                             const std::string& device, std::int64_t parameterCount) const
{
    TrainResult r;
    r.method = settings.method;
    r.precision = settings.precision;
    r.history = history;
    r.initialValLoss = initialValLoss;
    r.bestEpoch = bestEpoch;
    r.bestValLoss = bestValLoss;
    r.seconds = secondsSince(runStart);
    r.device = device;
    r.parameterCount = parameterCount;
    r.modelPath = options.outPath;
    r.checkpointPath = checkpointPath;
    r.worldSize = worldSize;
    return r;
}

} // namespace phaselab::models
