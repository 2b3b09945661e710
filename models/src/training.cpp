// The training engine shared by the learned methods: data, Adam, schedules, validation, best
// model, atomic checkpoints, resume, progress and cancel.
#include "model_io.h"
#include "options_json.h"
#include "phasegan_training.h"

#include <phaselab/core/error.h>
#include <phaselab/core/units.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/runtime.h>
#include <phaselab/version.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

namespace phaselab::models {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// SplitMix64: independent seeds per epoch and purpose from one user seed.
std::uint64_t mixSeed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0)
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

// The resolved settings of a run: options with defaults filled in, or a checkpoint's.
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

    [[nodiscard]] nlohmann::json toJson() const
    {
        return {{"data", data},
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
                {"optimizer", "adam"},
                {"loss", method == Method::Msd ? "mse (normalised outputs)" : "mse"}};
    }

    void fromJson(const nlohmann::json& j, const std::string& path)
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
        } catch (const nlohmann::json::exception&) {
            throw core::InputError(path + ": damaged training options in the checkpoint");
        }
    }
};

// Everything the run tracks besides the weights.
struct RunState {
    double initialValLoss = std::numeric_limits<double>::quiet_NaN();
    int epochsDone = 0;
    std::vector<EpochRecord> history;
    int bestEpoch = 0;
    double bestValLoss = std::numeric_limits<double>::infinity();
};

nlohmann::json historyJson(const std::vector<EpochRecord>& history)
{
    nlohmann::json h = nlohmann::json::array();
    for (const EpochRecord& r : history)
        h.push_back(toJson(r));
    return h;
}

nlohmann::json physicsJson(const DatasetSplit& split)
{
    nlohmann::json p = core::toJson(split.geometry());
    p["padding"] = split.padding();
    p["from_dataset"] = split.hasGeometry();
    return p;
}

nlohmann::json commonMetadata(const char* format, const RunSettings& s, const NetworkImpl& net,
                              const DatasetSplit& train, const DatasetSplit& val, int nTrain,
                              int nVal, const RunState& st, const std::string& device)
{
    nlohmann::json training = s.toJson();
    training["train_samples"] = nTrain;
    training["val_samples"] = nVal;
    training["device"] = device;
    training["history"] = historyJson(st.history);
    training["epochs_done"] = st.epochsDone;
    training["initial_val_loss"] =
        std::isfinite(st.initialValLoss) ? nlohmann::json(st.initialValLoss) : nlohmann::json(nullptr);
    training["best_epoch"] = st.bestEpoch;
    training["best_val_loss"] =
        std::isfinite(st.bestValLoss) ? nlohmann::json(st.bestValLoss) : nlohmann::json(nullptr);
    return {{"format", format},
            {"format_version", kFormatVersion},
            {"method", toString(s.method)},
            {"architecture", net.architecture()},
            {"parameter_count", net.parameterCount()},
            {"physics", physicsJson(train)},
            {"normalisation", net.normalisation()},
            {"image_shape", {train.height(), train.width()}},
            {"training", training},
            {"torch_version", initialiseRuntime().torchVersion},
            {"phaselab_version", PHASELAB_VERSION}};
}

// Mean loss over the first n samples of a split, no gradients.
double evaluate(NetworkImpl& net, const DatasetSplit& split, int n, int batchSize,
                const torch::Device& device, const std::function<void(int, int)>& onBatch)
{
    torch::NoGradGuard noGrad;
    net.eval();
    std::vector<int> order(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        order[std::size_t(i)] = i;
    BatchLoader loader(split, std::move(order), batchSize);
    double sum = 0;
    int seen = 0, b = 0;
    while (auto batch = loader.next()) {
        const torch::Tensor x =
            hostToTensor(batch->hologram.data(), batch->count, 1, batch->height, batch->width, device);
        const torch::Tensor y =
            hostToTensor(batch->target.data(), batch->count, 2, batch->height, batch->width, device);
        sum += net.loss(net.forward(x), y).item<double>() * batch->count;
        seen += batch->count;
        onBatch(++b, loader.batchCount());
    }
    return seen > 0 ? sum / seen : 0.0;
}

} // namespace

TrainResult train(const TrainOptions& options, core::ProgressSink* sink,
                  const core::CancelToken* cancel,
                  const std::function<void(const TrainProgress&)>& observer)
{
    // PhaseGAN trains four networks on unpaired sets: its own loop (phasegan_training.cpp).
    if (options.method == Method::PhaseGan ||
        (!options.resumePath.empty() && isPhaseGanCheckpoint(options.resumePath)))
        return trainPhaseGan(options, sink, cancel, observer);

    const auto runStart = Clock::now();
    initialiseRuntime();
    const core::ProgressReporter reporter(sink, cancel);

    if (options.outPath.empty())
        throw core::InputError("train: no output model path");
    const std::string checkpointPath =
        options.checkpointPath.empty() ? options.outPath + ".ckpt" : options.checkpointPath;
    for (const std::string& file : {options.outPath, checkpointPath}) {
        const std::filesystem::path dir = std::filesystem::path(file).parent_path();
        if (!dir.empty() && !std::filesystem::is_directory(dir))
            throw core::InputError(file + ": folder " + dir.string() + " does not exist");
    }
    const torch::Device device = resolveDevice(options.device);

    // Settings: the checkpoint's when resuming (architecture, seed, schedule…), else the options.
    RunSettings s;
    RunState st;
    nlohmann::json resumeMeta;
    torch::serialize::InputArchive resumeArchive;
    const bool resuming = !options.resumePath.empty();
    if (resuming) {
        loadArchive(resumeArchive, options.resumePath, device);
        resumeMeta = readJson(resumeArchive, "phaselab_checkpoint", options.resumePath);
        if (resumeMeta.value("format", "") != kCheckpointFormat)
            throw core::InputError(options.resumePath + ": not a PhaseLab training checkpoint");
        s.method = parseMethod(resumeMeta.value("method", ""));
        s.architecture = resumeMeta.value("architecture", nlohmann::json::object());
        const nlohmann::json& t = resumeMeta["training"];
        s.fromJson(t, options.resumePath);
        st.epochsDone = t.value("epochs_done", 0);
        for (const auto& r : t.value("history", nlohmann::json::array()))
            st.history.push_back(epochRecordFromJson(r));
        st.bestEpoch = t.value("best_epoch", 0);
        if (t.contains("initial_val_loss") && t["initial_val_loss"].is_number())
            st.initialValLoss = t["initial_val_loss"].get<double>();
        if (t.contains("best_val_loss") && t["best_val_loss"].is_number())
            st.bestValLoss = t["best_val_loss"].get<double>();
        if (!options.dataPath.empty())
            s.data = options.dataPath;
        if (options.epochs > 0)
            s.epochs = options.epochs;
    } else {
        s.method = options.method;
        s.architecture = s.method == Method::Dgn ? toJson(options.dgn) : toJson(options.msd);
        s.data = options.dataPath;
        s.epochs = options.epochs > 0 ? options.epochs : 100;
        s.batchSize = options.batchSize > 0 ? options.batchSize : 10;
        s.learningRate =
            options.learningRate > 0 ? options.learningRate : defaultLearningRate(s.method);
        s.schedule = options.schedule;
        s.stepEpochs = options.stepEpochs;
        s.stepGamma = options.stepGamma;
        s.seed = options.seed;
        s.augmentation = options.augmentation;
        s.maxTrain = options.maxTrainSamples;
        s.maxVal = options.maxValSamples;
        s.gradientClip = options.gradientClip > 0   ? options.gradientClip
                         : options.gradientClip < 0 ? 0.0
                                                    : defaultGradientClip(s.method);
    }
    if (s.data.empty())
        throw core::InputError("train: no dataset (--data)");
    if (s.epochs < 1 || s.batchSize < 1 || !(s.learningRate > 0) || !std::isfinite(s.learningRate))
        throw core::InputError("train: epochs, batch size and learning rate must be positive");
    if (s.stepEpochs < 1 || !(s.stepGamma > 0))
        throw core::InputError("train: step schedule needs step epochs ≥ 1 and γ > 0");

    const DatasetSplit trainSet(s.data, "train");
    const DatasetSplit valSet(s.data, "val");
    for (const DatasetSplit* split : {&trainSet, &valSet})
        if (!split->paired())
            throw core::InputError(s.data + ": split '" + split->name() +
                                   "' is unpaired (holograms and objects from different samples); "
                                   + toString(s.method) + " trains on paired sets");
    if (trainSet.height() != valSet.height() || trainSet.width() != valSet.width())
        throw core::InputError(s.data + ": 'train' and 'val' images differ in size");
    const int nTrain = s.maxTrain > 0 ? std::min(s.maxTrain, trainSet.size()) : trainSet.size();
    const int nVal = s.maxVal > 0 ? std::min(s.maxVal, valSet.size()) : valSet.size();

    if (s.method == Method::Dgn) {
        if (!trainSet.hasGeometry())
            throw core::InputError(s.data + ": no physics attributes (energy_keV, distance_m, "
                                            "pixel_size_m); DGN needs them");
        // The network's Fresnel operator follows the dataset's boundary handling unless the
        // options ask for a padded mode themselves.
        if (!resuming && s.architecture.value("padding", "periodic") == "periodic")
            s.architecture["padding"] = trainSet.padding();
    }

    torch::manual_seed(s.seed);
    Network net = makeNetwork(s.method, s.architecture);
    net->setPhysics(trainSet.geometry());
    if (!resuming)
        net->fitNormalisation(computeStatistics(trainSet, std::min(nTrain, 2000)));
    Network best = makeNetwork(s.method, s.architecture);
    best->setPhysics(trainSet.geometry());
    if (resuming) {
        loadWeights(*net, resumeArchive, "model", options.resumePath);
        loadWeights(*best, resumeArchive, "best_model", options.resumePath);
    } else {
        copyWeights(*net, *best);
    }
    if (net->minimumSize() > std::min(trainSet.height(), trainSet.width()))
        throw core::InputError(s.data + ": images are too small for " + toString(s.method));
    net->to(device);

    torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(s.learningRate));
    if (resuming) {
        torch::serialize::InputArchive optArchive;
        if (!resumeArchive.try_read("optimizer", optArchive))
            throw core::InputError(options.resumePath + ": no optimiser state");
        optimizer.load(optArchive);  // the archive was loaded onto `device`
    }

    const std::string devName = deviceName(device);
    const int trainBatches = (nTrain + s.batchSize - 1) / s.batchSize;
    const int valBatches = (nVal + s.batchSize - 1) / s.batchSize;
    const int stepsPerEpoch = trainBatches + valBatches;
    const double startFraction = double(st.epochsDone) / s.epochs;

    auto writeCheckpoint = [&] {
        torch::serialize::OutputArchive a;
        writeJson(a, "phaselab_checkpoint",
                  commonMetadata(kCheckpointFormat, s, *net, trainSet, valSet, nTrain, nVal, st,
                                 devName));
        saveWeights(*net, a, "model");
        saveWeights(*best, a, "best_model");
        torch::serialize::OutputArchive optArchive;
        optimizer.save(optArchive);
        a.write("optimizer", optArchive);
        saveArchive(a, checkpointPath);
    };

    TrainProgress live;
    live.epochs = s.epochs;
    auto report = [&](int epoch, int step, double loss, double samplesPerSecond, bool validating,
                      int batch, int batches) {
        const double fraction =
            (double(epoch) + double(step) / double(std::max(1, stepsPerEpoch))) / s.epochs;
        const double done = fraction - startFraction;
        const double eta = done > 1e-9 ? secondsSince(runStart) * (1.0 - fraction) / done : -1.0;
        live.epoch = epoch + 1;
        live.batch = batch;
        live.batches = batches;
        live.validating = validating;
        live.loss = loss;
        live.samplesPerSecond = samplesPerSecond;
        live.etaSeconds = eta;
        if (observer)
            observer(live);
        char label[160];
        if (validating)
            std::snprintf(label, sizeof label, "epoch %d/%d validating %d/%d ETA %s", epoch + 1,
                          s.epochs, batch, batches, formatDuration(eta).c_str());
        else
            std::snprintf(label, sizeof label,
                          "epoch %d/%d batch %d/%d loss %.3g %.1f samples/s ETA %s", epoch + 1,
                          s.epochs, batch, batches, loss, samplesPerSecond,
                          formatDuration(eta).c_str());
        reporter.step(fraction, label);
    };

    if (!resuming) {
        // The starting point of the validation curve: the untrained network.
        reporter.step(0.0, "validating the initial network");
        st.initialValLoss = evaluate(*net, valSet, nVal, s.batchSize, device,
                                     [&](int, int) { reporter.checkCancel(); });
    }

    int epochsThisRun = 0;
    for (int epoch = st.epochsDone; epoch < s.epochs; ++epoch) {
        const auto epochStart = Clock::now();
        const double lr = learningRateAt(s.schedule, s.method, s.learningRate, epoch, s.epochs,
                                         s.stepEpochs, s.stepGamma);
        for (auto& group : optimizer.param_groups())
            static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);

        net->train();
        BatchLoader loader(trainSet, shuffledOrder(nTrain, mixSeed(s.seed, std::uint64_t(epoch), 1)),
                           s.batchSize, s.augmentation, mixSeed(s.seed, std::uint64_t(epoch), 2),
                           options.prefetchBatches);
        double lossSum = 0;
        int seen = 0, batchIndex = 0;
        report(epoch, 0, 0.0, 0.0, false, 0, trainBatches);
        while (auto batch = loader.next()) {
            const torch::Tensor x = hostToTensor(batch->hologram.data(), batch->count, 1,
                                                 batch->height, batch->width, device);
            const torch::Tensor y = hostToTensor(batch->target.data(), batch->count, 2,
                                                 batch->height, batch->width, device);
            optimizer.zero_grad();
            const torch::Tensor loss = net->loss(net->forward(x), y);
            loss.backward();
            if (s.gradientClip > 0)
                torch::nn::utils::clip_grad_norm_(net->parameters(), s.gradientClip);
            optimizer.step();
            const double l = loss.item<double>();
            if (!std::isfinite(l))
                throw core::InputError("training diverged (loss " + std::to_string(l) +
                                       ") in epoch " + std::to_string(epoch + 1) +
                                       "; try a lower learning rate");
            lossSum += l * batch->count;
            seen += batch->count;
            ++batchIndex;
            report(epoch, batchIndex, lossSum / seen, seen / secondsSince(epochStart), false,
                   batchIndex, trainBatches);
        }
        const double trainSeconds = secondsSince(epochStart);
        const double valLoss = evaluate(*net, valSet, nVal, s.batchSize, device, [&](int b, int nb) {
            report(epoch, trainBatches + b, lossSum / std::max(1, seen), 0.0, true, b, nb);
        });

        EpochRecord r;
        r.epoch = epoch + 1;
        r.trainLoss = seen > 0 ? lossSum / seen : 0.0;
        r.valLoss = valLoss;
        r.learningRate = lr;
        r.seconds = secondsSince(epochStart);
        r.samplesPerSecond = trainSeconds > 0 ? seen / trainSeconds : 0.0;
        st.history.push_back(r);
        if (valLoss < st.bestValLoss) {
            st.bestValLoss = valLoss;
            st.bestEpoch = epoch + 1;
            copyWeights(*net, *best);
        }
        st.epochsDone = epoch + 1;
        writeCheckpoint();
        if (observer) {
            TrainProgress done = live;
            done.epochFinished = true;
            done.finished = r;
            observer(done);
        }
        ++epochsThisRun;
        if (options.stopAfterEpochs > 0 && epochsThisRun >= options.stopAfterEpochs &&
            epoch + 1 < s.epochs)
            throw core::Cancelled();
        reporter.checkCancel();
    }

    // The model file: the best validation epoch's weights with the full history.
    writeModelFile(options.outPath, *best,
                   commonMetadata(kModelFormat, s, *best, trainSet, valSet, nTrain, nVal, st, devName));
    reporter.step(1.0, "trained");

    TrainResult result;
    result.history = st.history;
    result.initialValLoss = st.initialValLoss;
    result.bestEpoch = st.bestEpoch;
    result.bestValLoss = st.bestValLoss;
    result.seconds = secondsSince(runStart);
    result.device = devName;
    result.parameterCount = net->parameterCount();
    result.modelPath = options.outPath;
    result.checkpointPath = checkpointPath;
    return result;
}

} // namespace phaselab::models
