// The training engine shared by the learned methods: data, Adam, schedules, validation, best
// model, atomic checkpoints, resume, progress and cancel.
#include "distributed_impl.h"
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
#include <optional>

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

// The ranks of a data-parallel run; `dist` null for one process.
struct Ranks {
    C10dRankGroup* dist = nullptr;
    int rank = 0, size = 1;

    [[nodiscard]] Shard shard() const { return {rank, size}; }

    // True on every rank when any rank fails (`failed`): rank 0 shares the outcome of writing a
    // file so that the others do not report success for a run whose files are missing.
    void share(bool failed, const char* what) const
    {
        if (dist && dist->any(failed) && !failed)
            throw core::RankGroupError(dist->who() + ": rank 0 could not write the " +
                                       std::string(what) + "; see its message");
    }

    // Rank 0's epoch record on every rank.
    void shareRecord(EpochRecord& r) const
    {
        if (dist)
            shareEpochRecord(*dist, r);
    }
};

// Rank 0's parameters and buffers on every rank (they agree already when all ranks seeded and
// loaded alike; this makes it so whatever the platform's initialisation).
void shareWeights(NetworkImpl& net, const Ranks& ranks)
{
    if (ranks.dist)
        ranks.dist->shareModules({&net});
}

// Validation figures of the first n samples of a split, no gradients: the mean loss and the
// mean per-sample NMSE [%] of each channel (physics.md §6, as `evaluate` computes it on one
// image). Each rank evaluates its part of every batch and the sums meet in one all-reduce.
struct ValidationScores {
    double loss = 0;
    double nmseAbsorption = 0, nmsePhase = 0;
};

ValidationScores evaluate(NetworkImpl& net, const DatasetSplit& split, int n, int batchSize,
                          const torch::Device& device, const std::function<void(int, int)>& onBatch,
                          const Ranks& ranks = {})
{
    torch::NoGradGuard noGrad;
    const Float32Scope float32;  // figures independent of batch split and CPU (runtime.h)
    net.eval();
    std::vector<int> order(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        order[std::size_t(i)] = i;
    BatchLoader loader(split, std::move(order), batchSize, {}, 0, 2, ranks.shard());
    double sum = 0, nmseB = 0, nmsePhi = 0;
    int seen = 0, b = 0;
    while (auto batch = loader.next()) {
        if (batch->count == 0) {
            onBatch(++b, loader.batchCount());
            continue;
        }
        const torch::Tensor x =
            hostToTensor(batch->hologram.data(), batch->count, 1, batch->height, batch->width, device);
        const torch::Tensor y =
            hostToTensor(batch->target.data(), batch->count, 2, batch->height, batch->width, device);
        const torch::Tensor p = net.forward(x);
        sum += net.loss(p, y).item<double>() * batch->count;
        // Σ over samples of 100 · Σ(p − y)² / Σ y², per channel, in double.
        const torch::Tensor err = (p - y).to(torch::kFloat64).square().sum({2, 3});
        const torch::Tensor ref = y.to(torch::kFloat64).square().sum({2, 3}).clamp_min(1e-300);
        const torch::Tensor nmse = (100.0 * err / ref).sum(0).to(torch::kCPU);
        nmseB += nmse[0].item<double>();
        nmsePhi += nmse[1].item<double>();
        seen += batch->count;
        onBatch(++b, loader.batchCount());
    }
    if (ranks.dist) {
        torch::Tensor t = torch::tensor({sum, nmseB, nmsePhi, double(seen)}, torch::kFloat64);
        ranks.dist->allreduceSum(t);
        sum = t[0].item<double>();
        nmseB = t[1].item<double>();
        nmsePhi = t[2].item<double>();
        seen = int(std::lround(t[3].item<double>()));
    }
    if (seen == 0)
        return {};
    return {sum / seen, nmseB / seen, nmsePhi / seen};
}

} // namespace

TrainResult train(const TrainOptions& options, core::ProgressSink* sink,
                  const core::CancelToken* cancel,
                  const std::function<void(const TrainProgress&)>& observer)
{
    Ranks ranks;
    if (options.group && options.group->size() > 1) {
        ranks.dist = dynamic_cast<C10dRankGroup*>(options.group.get());
        if (!ranks.dist)
            throw core::InputError("train: a group of several ranks must come from models::connect()");
        ranks.rank = ranks.dist->rank();
        ranks.size = ranks.dist->size();
    }

    // PhaseGAN trains four networks on unpaired sets: its own loop (phasegan_training.cpp).
    if (options.method == Method::PhaseGan ||
        (!options.resumePath.empty() && isPhaseGanCheckpoint(options.resumePath))) {
        resolvePrecision(options.precision, Method::PhaseGan, true);  // float32; refuses bf16
        return trainPhaseGan(options, sink, cancel, observer, ranks.dist);
    }

    const auto runStart = TrainClock::now();
    initialiseRuntime();
    // On several ranks a cancel must stop all of them at the same batch: it travels with the
    // gradients as a shared stop flag instead of throwing here on one rank alone.
    const core::ProgressReporter reporter(sink, ranks.dist ? nullptr : cancel);
    auto cancelRequested = [&] { return cancel && cancel->isCancelled(); };

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
    // Resolved on this machine, also when resuming (the checkpoint's machine may differ).
    s.precision = resolvePrecision(options.precision, s.method, device.is_cpu());
    const bool bf16 = s.precision == "bfloat16";

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
    // Also when resuming: DGN's balanced loss keeps its weights outside the saved tensors, and
    // MS-D Net's normalisation buffers are overwritten by the checkpoint's below.
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
    shareWeights(*net, ranks);
    if (!resuming)
        copyWeights(*net, *best);
    st.worldSize = ranks.size;

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
        if (ranks.rank != 0)
            return;
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
                                     [&](int, int) { reporter.checkCancel(); }, ranks)
                                .loss;
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
                           options.prefetchBatches, ranks.shard());
        double lossSum = 0;
        int seen = 0, batchIndex = 0;
        double computeSeconds = 0, allreduceSeconds = 0;
        report(epoch, 0, 0.0, 0.0, false, 0, trainBatches);
        auto stepStart = TrainClock::now();
        while (auto batch = loader.next()) {
            optimizer.zero_grad();
            double l = 0;
            if (batch->count > 0) {
                const torch::Tensor x = hostToTensor(batch->hologram.data(), batch->count, 1,
                                                     batch->height, batch->width, device);
                const torch::Tensor y = hostToTensor(batch->target.data(), batch->count, 2,
                                                     batch->height, batch->width, device);
                std::optional<ReducedPrecisionTrainingScope> reduced;
                if (bf16)
                    reduced.emplace();
                const torch::Tensor loss = net->loss(net->forward(x), y);
                loss.backward();
                l = loss.item<double>();
            }
            int count = batch->count;
            if (ranks.dist) {
                // The global batch's gradient is the part-size-weighted mean of the parts'
                // gradients (each loss is a mean over its part); the loss sum and the stop
                // flag ride along in the same all-reduce.
                const double weight = double(batch->count) / double(batch->globalCount);
                std::vector<torch::Tensor> parts;
                for (const auto& p : net->parameters())
                    parts.push_back(p.grad().defined()
                                        ? p.grad().detach().to(torch::kCPU).reshape({-1}) * weight
                                        : torch::zeros({p.numel()}, torch::kFloat32));
                parts.push_back(torch::tensor({float(l * batch->count),
                                               cancelRequested() ? 1.0f : 0.0f}));
                torch::Tensor flat = torch::cat(parts);
                computeSeconds += secondsSince(stepStart);
                const auto reduceStart = TrainClock::now();
                ranks.dist->allreduceSum(flat);
                allreduceSeconds += secondsSince(reduceStart);
                stepStart = TrainClock::now();
                const std::int64_t n = flat.numel();
                if (flat[n - 1].item<float>() > 0)
                    throw core::Cancelled();
                count = batch->globalCount;
                l = double(flat[n - 2].item<float>()) / count;
                std::int64_t offset = 0;
                torch::NoGradGuard noGrad;
                for (auto& p : net->parameters()) {
                    const torch::Tensor g =
                        flat.slice(0, offset, offset + p.numel()).view(p.sizes()).to(p.device());
                    if (p.grad().defined())
                        p.mutable_grad().copy_(g);
                    else
                        p.mutable_grad() = g.clone();
                    offset += p.numel();
                }
            }
            if (s.gradientClip > 0)
                torch::nn::utils::clip_grad_norm_(net->parameters(), s.gradientClip);
            optimizer.step();
            if (!std::isfinite(l))
                throw core::InputError("training diverged (loss " + std::to_string(l) +
                                       ") in epoch " + std::to_string(epoch + 1) +
                                       "; try a lower learning rate");
            lossSum += l * count;
            seen += count;
            ++batchIndex;
            report(epoch, batchIndex, lossSum / seen, seen / secondsSince(epochStart), false,
                   batchIndex, trainBatches);
        }
        const double trainSeconds = secondsSince(epochStart);
        const ValidationScores val = evaluate(*net, valSet, nVal, s.batchSize, device,
                                              [&](int b, int nb) {
            report(epoch, trainBatches + b, lossSum / std::max(1, seen), 0.0, true, b, nb);
        }, ranks);
        const double valLoss = val.loss;

        EpochRecord r;
        r.epoch = epoch + 1;
        r.trainLoss = seen > 0 ? lossSum / seen : 0.0;
        r.valLoss = valLoss;
        r.learningRate = lr;
        r.seconds = secondsSince(epochStart);
        r.samplesPerSecond = trainSeconds > 0 ? seen / trainSeconds : 0.0;
        r.metrics["val_nmse_absorption_percent"] = val.nmseAbsorption;
        r.metrics["val_nmse_phase_percent"] = val.nmsePhase;
        if (ranks.dist && batchIndex > 0) {
            computeSeconds += secondsSince(stepStart);
            r.metrics["step_compute_s"] = computeSeconds / batchIndex;
            r.metrics["step_allreduce_s"] = allreduceSeconds / batchIndex;
        }
        ranks.shareRecord(r);
        st.history.push_back(r);
        if (valLoss < st.bestValLoss) {
            st.bestValLoss = valLoss;
            st.bestEpoch = epoch + 1;
            copyWeights(*net, *best);
        }
        st.epochsDone = epoch + 1;
        {
            bool failed = false;
            try {
                writeCheckpoint();
            } catch (...) {
                failed = true;
                ranks.share(true, "checkpoint");
                throw;
            }
            ranks.share(failed, "checkpoint");
        }
        progress.epochFinished(r);
        ++epochsThisRun;
        if (options.stopAfterEpochs > 0 && epochsThisRun >= options.stopAfterEpochs &&
            epoch + 1 < s.epochs)
            throw core::Cancelled();
        if (ranks.dist ? ranks.dist->any(cancelRequested()) : false)
            throw core::Cancelled();
        reporter.checkCancel();
    }

    // The model file: the best validation epoch's weights with the full history.
    try {
        if (ranks.rank == 0)
            writeModelFile(options.outPath, *best,
                           commonMetadata(kModelFormat, s, *best, trainSet, nTrain, nVal, st, devName));
    } catch (...) {
        ranks.share(true, "model file");
        throw;
    }
    ranks.share(false, "model file");
    reporter.step(1.0, "trained");

    return st.result(options, s, checkpointPath, runStart, devName, net->parameterCount());
}

} // namespace phaselab::models
