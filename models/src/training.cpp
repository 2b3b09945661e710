// The training engine shared by the learned methods: data, Adam, schedules, validation, best
// model, atomic checkpoints, resume, progress and cancel.
#include "model_io.h"
#include "options_json.h"
#include "phasegan_training.h"
#include "training_util.h"

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

nlohmann::json physicsJson(const DatasetSplit& split)
{
    nlohmann::json p = core::toJson(split.geometry());
    p["padding"] = split.padding();
    p["from_dataset"] = split.hasGeometry();
    return p;
}

nlohmann::json commonMetadata(const char* format, const RunSettings& s, const NetworkImpl& net,
                              const DatasetSplit& train, int nTrain, int nVal, const RunState& st,
                              const std::string& device)
{
    return runMetadata(format, s, net.architecture(), net.parameterCount(), net.normalisation(),
                       physicsJson(train), train.height(), train.width(), nTrain, nVal, st, device);
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

    const auto runStart = TrainClock::now();
    initialiseRuntime();
    const core::ProgressReporter reporter(sink, cancel);

    const std::string checkpointPath = checkpointPathOf(options);
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
        st.readFrom(t);
        if (!options.dataPath.empty())
            s.data = options.dataPath;
        if (options.epochs > 0)
            s.epochs = options.epochs;
    } else {
        s = RunSettings::fromOptions(options, options.method == Method::Dgn ? toJson(options.dgn)
                                                                            : toJson(options.msd));
    }
    s.check();

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
                  commonMetadata(kCheckpointFormat, s, *net, trainSet, nTrain, nVal, st, devName));
        saveWeights(*net, a, "model");
        saveWeights(*best, a, "best_model");
        torch::serialize::OutputArchive optArchive;
        optimizer.save(optArchive);
        a.write("optimizer", optArchive);
        saveArchive(a, checkpointPath);
    };

    RunProgress progress(reporter, observer, s.epochs, stepsPerEpoch, startFraction, runStart);
    auto report = [&](int epoch, int step, double loss, double samplesPerSecond, bool validating,
                      int batch, int batches) {
        progress.report(epoch, step, loss, samplesPerSecond, validating, batch, batches);
    };

    if (!resuming) {
        // The starting point of the validation curve: the untrained network.
        reporter.step(0.0, "validating the initial network");
        st.initialValLoss = evaluate(*net, valSet, nVal, s.batchSize, device,
                                     [&](int, int) { reporter.checkCancel(); });
    }

    int epochsThisRun = 0;
    for (int epoch = st.epochsDone; epoch < s.epochs; ++epoch) {
        const auto epochStart = TrainClock::now();
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
        progress.epochFinished(r);
        ++epochsThisRun;
        if (options.stopAfterEpochs > 0 && epochsThisRun >= options.stopAfterEpochs &&
            epoch + 1 < s.epochs)
            throw core::Cancelled();
        reporter.checkCancel();
    }

    // The model file: the best validation epoch's weights with the full history.
    writeModelFile(options.outPath, *best,
                   commonMetadata(kModelFormat, s, *best, trainSet, nTrain, nVal, st, devName));
    reporter.step(1.0, "trained");

    return st.result(options, checkpointPath, runStart, devName, net->parameterCount());
}

} // namespace phaselab::models
