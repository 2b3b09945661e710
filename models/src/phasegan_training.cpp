// PhaseGAN's cycle and its training run: unpaired loaders with two independent shuffles, D step
// then G step, step decay, gradient clipping, per-epoch cycle losses, discriminator accuracies
// and validation NMSE / FRCM in the shared history, atomic checkpoints and resume.
#include "phasegan_training.h"

#include "distributed_impl.h"

#include "frc_loss.h"
#include "model_io.h"
#include "options_json.h"
#include "phasegan_json.h"
#include "training_util.h"

#include <phaselab/core/error.h>
#include <phaselab/core/metrics.h>
#include <phaselab/models/runtime.h>
#include <phaselab/version.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

namespace phaselab::models {

namespace {

torch::Tensor bce(const torch::Tensor& logits, double label)
{
    return torch::binary_cross_entropy_with_logits(logits, torch::full_like(logits, label));
}

double accuracy(const torch::Tensor& realLogits, const torch::Tensor& fakeLogits)
{
    const double right = (realLogits > 0).sum().item<double>() + (fakeLogits < 0).sum().item<double>();
    return right / double(realLogits.numel() + fakeLogits.numel());
}

void setRequiresGrad(const std::vector<torch::Tensor>& params, bool on)
{
    for (const torch::Tensor& p : params)
        const_cast<torch::Tensor&>(p).set_requires_grad(on);
}

std::vector<torch::Tensor> concat(std::vector<torch::Tensor> a, const std::vector<torch::Tensor>& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// The cycle

PhaseGanCycle::PhaseGanCycle(const PhaseGanOptions& options, const core::Geometry& geometry,
                             int height, int width, const torch::Device& device,
                             double generatorRate, double discriminatorRate, double clip)
    : m_options(options), m_device(device), m_clip(clip)
{
    validate(m_options);
    objectGenerator = std::make_shared<PhaseGanGeneratorImpl>(m_options);
    detectorGenerator = UNet11(m_options, 1, 1);
    initialiseGenerator(*detectorGenerator);
    objectDiscriminator = PatchGan(m_options, 2);
    initialiseDiscriminator(*objectDiscriminator);
    detectorDiscriminator = PatchGan(m_options, 1);
    initialiseDiscriminator(*detectorDiscriminator);
    objectGenerator->to(device);
    detectorGenerator->to(device);
    objectDiscriminator->to(device);
    detectorDiscriminator->to(device);

    core::PropagationOptions po;
    po.padding = m_options.padding;
    po.padFactor = m_options.padFactor;
    m_fresnel = std::make_unique<TorchFresnel>(geometry, height, width, po, device, torch::kFloat);

    const auto betas = std::make_tuple(m_options.adamBeta1, m_options.adamBeta2);
    m_optG = std::make_unique<torch::optim::Adam>(
        generatorParameters(), torch::optim::AdamOptions(generatorRate).betas(betas));
    m_optD = std::make_unique<torch::optim::Adam>(
        discriminatorParameters(), torch::optim::AdamOptions(discriminatorRate).betas(betas));
}

std::vector<torch::Tensor> PhaseGanCycle::generatorParameters() const
{
    return concat(objectGenerator->parameters(), detectorGenerator->parameters());
}

std::vector<torch::Tensor> PhaseGanCycle::discriminatorParameters() const
{
    return concat(objectDiscriminator->parameters(), detectorDiscriminator->parameters());
}

torch::Tensor PhaseGanCycle::propagate(const torch::Tensor& objects) const
{
    return m_fresnel->forward(objects).unsqueeze(1);
}

torch::Tensor PhaseGanCycle::detector(const torch::Tensor& propagated)
{
    const torch::Tensor out = detectorGenerator->forward(propagated);
    return m_options.detectorResidual ? propagated + out : out;
}

void PhaseGanCycle::setLearningRates(double generator, double discriminator)
{
    for (auto& g : m_optG->param_groups())
        static_cast<torch::optim::AdamOptions&>(g.options()).lr(generator);
    for (auto& g : m_optD->param_groups())
        static_cast<torch::optim::AdamOptions&>(g.options()).lr(discriminator);
}

namespace {

// The data-parallel reduction of one step: this rank's gradients of `params` times `weight` and
// `scalars` in one flattened all-reduce; the sums replace both (undefined gradients count as 0).
void reduceStep(const std::vector<torch::Tensor>& params, std::vector<double>& scalars,
                double weight, const std::function<void(torch::Tensor&)>& allreduceSum)
{
    std::vector<torch::Tensor> parts;
    for (const auto& p : params)
        parts.push_back(p.grad().defined()
                            ? p.grad().detach().to(torch::kCPU, torch::kFloat32).reshape({-1}) * weight
                            : torch::zeros({p.numel()}, torch::kFloat32));
    std::vector<float> s(scalars.begin(), scalars.end());
    parts.push_back(torch::tensor(s, torch::kFloat32));
    torch::Tensor flat = torch::cat(parts).contiguous();
    allreduceSum(flat);
    torch::NoGradGuard noGrad;
    std::int64_t offset = 0;
    for (const auto& p : params) {
        const torch::Tensor g = flat.slice(0, offset, offset + p.numel()).view(p.sizes()).to(p.device());
        auto& param = const_cast<torch::Tensor&>(p);
        if (param.grad().defined())
            param.mutable_grad().copy_(g);
        else
            param.mutable_grad() = g.clone();
        offset += p.numel();
    }
    for (std::size_t i = 0; i < scalars.size(); ++i)
        scalars[i] = flat[offset + std::int64_t(i)].item<float>();
}

} // namespace

PhaseGanCycle::Losses PhaseGanCycle::step(const torch::Tensor& holograms, const torch::Tensor& objects,
                                          DataParallel* dp)
{
    const PhaseGanOptions& o = m_options;
    objectGenerator->train();
    detectorGenerator->train();
    objectDiscriminator->train();
    detectorDiscriminator->train();
    // An empty part (data-parallel, fewer samples than ranks) takes no forward pass: its
    // gradients and loss sums are zero in the all-reduces.
    const bool empty = holograms.size(0) == 0;
    const double n = dp ? double(dp->count) : 1.0;
    const double weight = dp && dp->globalCount > 0 ? n / dp->globalCount : 1.0;

    // The generators' forward passes of both cycles (Fig. 2), kept for the G step.
    torch::Tensor fakeObject, cycledIntensity, fakeIntensity, cycledObject;
    if (!empty) {
        fakeObject = objectGenerator->forward(holograms);            // G_O(I)
        cycledIntensity = detector(propagate(fakeObject));           // G_D|H G_O(I)|²
        fakeIntensity = detector(propagate(objects));                // G_D|Hψ|²
        cycledObject = objectGenerator->forward(fakeIntensity);      // G_O(G_D|Hψ|²)
    }

    Losses l;
    // D step: real against the detached fakes.
    const std::vector<torch::Tensor> dParams = discriminatorParameters();
    setRequiresGrad(dParams, true);
    m_optD->zero_grad();
    {
        if (!empty) {
            const torch::Tensor realO = objectDiscriminator->forward(objects);
            const torch::Tensor fakeO = objectDiscriminator->forward(fakeObject.detach());
            const torch::Tensor realD = detectorDiscriminator->forward(holograms);
            const torch::Tensor fakeD = detectorDiscriminator->forward(fakeIntensity.detach());
            const torch::Tensor lossO = 0.5 * (bce(realO, 1.0) + bce(fakeO, 0.0));
            const torch::Tensor lossD = 0.5 * (bce(realD, 1.0) + bce(fakeD, 0.0));
            (lossO + lossD).backward();
            l.discriminatorObject = lossO.item<double>();
            l.discriminatorDetector = lossD.item<double>();
            l.accuracyObject = accuracy(realO.detach(), fakeO.detach());
            l.accuracyDetector = accuracy(realD.detach(), fakeD.detach());
        }
        if (dp) {
            std::vector<double> sc{l.discriminatorObject * n, l.discriminatorDetector * n,
                                   l.accuracyObject * n, l.accuracyDetector * n,
                                   dp->stopRequested ? 1.0 : 0.0};
            reduceStep(dParams, sc, weight, dp->allreduceSum);
            const double g = std::max(1, dp->globalCount);
            l.discriminatorObject = sc[0] / g;
            l.discriminatorDetector = sc[1] / g;
            l.accuracyObject = sc[2] / g;
            l.accuracyDetector = sc[3] / g;
            if (sc[4] > 0) {
                dp->stopped = true;
                m_optD->zero_grad();
                return l;
            }
        }
        if (m_clip > 0)
            torch::nn::utils::clip_grad_norm_(dParams, m_clip);
        m_optD->step();
    }

    // G step against the updated discriminators (their weights frozen meanwhile).
    setRequiresGrad(dParams, false);
    m_optG->zero_grad();
    const std::vector<torch::Tensor> gParams = generatorParameters();
    if (!empty) {
        const torch::Tensor adversarial = bce(objectDiscriminator->forward(fakeObject), 1.0) +
                                          bce(detectorDiscriminator->forward(fakeIntensity), 1.0);
        const torch::Tensor cycO = torch::l1_loss(cycledObject, objects);
        const torch::Tensor cycI = torch::l1_loss(cycledIntensity, holograms);
        const torch::Tensor frcO = frcLoss(cycledObject, objects);
        const torch::Tensor frcI = frcLoss(cycledIntensity, holograms);
        const torch::Tensor total = o.adversarialWeight * adversarial + o.cycleObjectWeight * cycO +
                                    o.cycleIntensityWeight * cycI + o.frcObjectWeight * frcO +
                                    o.frcIntensityWeight * frcI;
        total.backward();
        l.generator = total.item<double>();
        l.adversarial = adversarial.item<double>();
        l.cycleObject = cycO.item<double>();
        l.cycleIntensity = cycI.item<double>();
        l.frcObject = frcO.item<double>();
        l.frcIntensity = frcI.item<double>();
    }
    if (dp) {
        std::vector<double> sc{l.generator * n,  l.adversarial * n, l.cycleObject * n,
                               l.cycleIntensity * n, l.frcObject * n, l.frcIntensity * n};
        reduceStep(gParams, sc, weight, dp->allreduceSum);
        const double g = std::max(1, dp->globalCount);
        l.generator = sc[0] / g;
        l.adversarial = sc[1] / g;
        l.cycleObject = sc[2] / g;
        l.cycleIntensity = sc[3] / g;
        l.frcObject = sc[4] / g;
        l.frcIntensity = sc[5] / g;
    }
    if (m_clip > 0)
        torch::nn::utils::clip_grad_norm_(gParams, m_clip);
    m_optG->step();
    setRequiresGrad(dParams, true);
    return l;
}

void PhaseGanCycle::save(torch::serialize::OutputArchive& a) const
{
    saveWeights(*objectGenerator, a, "g_o");
    saveWeights(*detectorGenerator, a, "g_d");
    saveWeights(*objectDiscriminator, a, "d_o");
    saveWeights(*detectorDiscriminator, a, "d_d");
    torch::serialize::OutputArchive g, d;
    m_optG->save(g);
    m_optD->save(d);
    a.write("optimizer_g", g);
    a.write("optimizer_d", d);
}

void PhaseGanCycle::load(torch::serialize::InputArchive& a, const std::string& path)
{
    loadWeights(*objectGenerator, a, "g_o", path);
    loadWeights(*detectorGenerator, a, "g_d", path);
    loadWeights(*objectDiscriminator, a, "d_o", path);
    loadWeights(*detectorDiscriminator, a, "d_d", path);
    torch::serialize::InputArchive g, d;
    if (!a.try_read("optimizer_g", g) || !a.try_read("optimizer_d", d))
        throw core::InputError(path + ": no optimiser state");
    m_optG->load(g);
    m_optD->load(d);
}

// ---------------------------------------------------------------------------------------------
// The training run

namespace {

// Validation of G_O on the paired split: MSE of (B, φ) (the loss DGN and MS-D report), NMSE of
// phase and absorption and FRCM of the phase through core's metrics, means over the samples.
struct Validation {
    double loss = 0, phaseNmse = 0, absorptionNmse = 0, phaseFrcm = 0;
};

Validation validate(PhaseGanGeneratorImpl& net, const DatasetSplit& split, int n, int batchSize,
                    const torch::Device& device, double pixelSizeM,
                    const std::function<void(int, int)>& onBatch)
{
    torch::NoGradGuard noGrad;
    net.eval();
    std::vector<int> order(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        order[std::size_t(i)] = i;
    BatchLoader loader(split, std::move(order), batchSize);
    Validation v;
    int seen = 0, b = 0;
    while (auto batch = loader.next()) {
        const torch::Tensor x =
            hostToTensor(batch->hologram.data(), batch->count, 1, batch->height, batch->width, device);
        const torch::Tensor y =
            hostToTensor(batch->target.data(), batch->count, 2, batch->height, batch->width, device);
        const torch::Tensor pred = net.forward(x);
        v.loss += torch::mse_loss(pred, y).item<double>() * batch->count;
        const torch::Tensor host = pred.to(torch::kCPU).contiguous();
        const std::size_t px = std::size_t(batch->height) * std::size_t(batch->width);
        for (int k = 0; k < batch->count; ++k) {
            auto image = [&](const float* p) {
                core::ImageF im(batch->width, batch->height, core::kNoInit);
                std::copy(p, p + px, im.data());
                return im;
            };
            const float* pp = host.data_ptr<float>() + std::size_t(k) * 2 * px;
            const float* tp = batch->target.data() + std::size_t(k) * 2 * px;
            const core::ImageF absorption = image(pp), phase = image(pp + px);
            const core::ImageF refAbsorption = image(tp), refPhase = image(tp + px);
            v.phaseNmse += core::nmsePercent(phase, refPhase);
            v.absorptionNmse += core::nmsePercent(absorption, refAbsorption);
            v.phaseFrcm += core::fourierRingCorrelation(phase, refPhase, pixelSizeM).frcmPercent;
        }
        seen += batch->count;
        onBatch(++b, loader.batchCount());
    }
    if (seen > 0) {
        v.loss /= seen;
        v.phaseNmse /= seen;
        v.absorptionNmse /= seen;
        v.phaseFrcm /= seen;
    }
    return v;
}

} // namespace

bool isPhaseGanCheckpoint(const std::string& path)
{
    try {
        torch::serialize::InputArchive archive;
        loadArchive(archive, path, torch::kCPU);
        const nlohmann::json meta = readJson(archive, "phaselab_checkpoint", path);
        return meta.value("format", "") == kCheckpointFormat &&
               meta.value("method", "") == toString(Method::PhaseGan);
    } catch (const std::exception&) {
        return false;
    }
}

TrainResult trainPhaseGan(const TrainOptions& options, core::ProgressSink* sink,
                          const core::CancelToken* cancel,
                          const std::function<void(const TrainProgress&)>& observer,
                          C10dRankGroup* group)
{
    const auto runStart = TrainClock::now();
    initialiseRuntime();
    const int rank = group ? group->rank() : 0;
    const int worldSize = group ? group->size() : 1;
    // On several ranks a cancel travels with the gradients as a shared stop flag (training.cpp).
    const core::ProgressReporter reporter(sink, group ? nullptr : cancel);
    auto cancelRequested = [&] { return cancel && cancel->isCancelled(); };
    // True on every rank when any rank failed to write a file (rank 0 writes them).
    auto share = [&](bool failed, const char* what) {
        if (group && group->any(failed) && !failed)
            throw core::RankGroupError(group->who() + ": rank 0 could not write the " +
                                       std::string(what) + "; see its message");
    };
    const std::string checkpointPath = checkpointPathOf(options);
    const torch::Device device = resolveDevice(options.device);

    RunSettings s;
    PhaseGanOptions gan = options.phasegan;
    RunState st;
    torch::serialize::InputArchive resumeArchive;
    const bool resuming = !options.resumePath.empty();
    if (resuming) {
        loadArchive(resumeArchive, options.resumePath, device);
        const nlohmann::json meta = readJson(resumeArchive, "phaselab_checkpoint", options.resumePath);
        if (meta.value("format", "") != kCheckpointFormat)
            throw core::InputError(options.resumePath + ": not a PhaseLab training checkpoint");
        if (meta.value("method", "") != toString(Method::PhaseGan))
            throw core::InputError(options.resumePath + ": not a PhaseGAN checkpoint");
        const nlohmann::json& t = meta["training"];
        s.method = Method::PhaseGan;
        s.fromJson(t, options.resumePath);
        gan = phaseGanOptionsFromJson(meta.value("architecture", nlohmann::json::object()),
                                      t.value("phasegan", nlohmann::json::object()),
                                      options.resumePath + ": PhaseGAN options");
        st.readFrom(t);
        if (!options.dataPath.empty())
            s.data = options.dataPath;
        if (options.epochs > 0)
            s.epochs = options.epochs;
    } else {
        validate(gan);
        TrainOptions o = options;
        o.method = Method::PhaseGan;
        s = RunSettings::fromOptions(o, nullptr);
    }
    if (s.schedule == Schedule::Auto)
        s.schedule = defaultSchedule(Method::PhaseGan);
    s.check();

    // The unpaired training split (holograms and objects drawn independently), and the paired
    // validation split when the file has one.
    const DatasetSplit trainSet(s.data, "train");
    if (!trainSet.hasGeometry())
        throw core::InputError(s.data + ": no physics attributes (energy_keV, distance_m, "
                                        "pixel_size_m); PhaseGAN's propagator needs them");
    std::unique_ptr<DatasetSplit> valSet;
    if (DatasetSplit::hasSplit(s.data, "val")) {
        valSet = std::make_unique<DatasetSplit>(s.data, "val");
        if (!valSet->paired())
            valSet.reset();  // unpaired validation data cannot be scored
        else if (valSet->height() != trainSet.height() || valSet->width() != trainSet.width())
            throw core::InputError(s.data + ": 'train' and 'val' images differ in size");
    }
    if (std::min(trainSet.height(), trainSet.width()) < 8)
        throw core::InputError(s.data + ": images are too small for PhaseGAN (at least 8×8)");
    if (!resuming && gan.padding == core::Padding::Periodic)
        gan.padding = core::parsePadding(trainSet.padding());
    const int nTrain = s.maxTrain > 0 ? std::min(s.maxTrain, trainSet.size()) : trainSet.size();
    const int nVal = !valSet ? 0 : s.maxVal > 0 ? std::min(s.maxVal, valSet->size()) : valSet->size();
    if (nTrain < 1)
        throw core::InputError(s.data + ": the training split is empty");

    torch::manual_seed(s.seed);
    PhaseGanCycle cycle(gan, trainSet.geometry(), trainSet.height(), trainSet.width(), device,
                        s.learningRate, gan.discriminatorLearningRate, s.gradientClip);
    auto best = std::make_shared<PhaseGanGeneratorImpl>(gan);
    best->to(device);
    if (resuming) {
        cycle.load(resumeArchive, options.resumePath);
        loadWeights(*best, resumeArchive, "best_model", options.resumePath);
    }
    // Rank 0's weights of the four networks on every rank.
    if (group)
        group->shareModules({cycle.objectGenerator.get(), cycle.detectorGenerator.get(),
                             cycle.objectDiscriminator.get(), cycle.detectorDiscriminator.get()});
    if (!resuming)
        copyWeights(*cycle.objectGenerator, *best);
    st.worldSize = worldSize;

    const std::string devName = deviceName(device);
    const int trainBatches = (nTrain + s.batchSize - 1) / s.batchSize;
    const int valBatches = (nVal + s.batchSize - 1) / s.batchSize;
    const int stepsPerEpoch = trainBatches + valBatches;
    const double startFraction = double(st.epochsDone) / s.epochs;
    const double pixelSize = trainSet.geometry().pixelSizeM;
    nlohmann::json physics = core::toJson(trainSet.geometry());
    physics["padding"] = core::toString(gan.padding);
    physics["from_dataset"] = true;

    auto metadata = [&](const char* format, const PhaseGanGeneratorImpl& net) {
        nlohmann::json meta = runMetadata(format, s, net.architecture(), net.parameterCount(),
                                          nullptr, physics, trainSet.height(), trainSet.width(),
                                          nTrain, nVal, st, devName);
        nlohmann::json& training = meta["training"];
        training["phasegan"] = phaseGanTrainingJson(gan);
        training["unpaired"] = !trainSet.paired();
        training["parameter_counts"] = {{"g_o", phaseGanGeneratorParameterCount(gan, 1, 2)},
                                        {"g_d", phaseGanGeneratorParameterCount(gan, 1, 1)},
                                        {"d_o", phaseGanDiscriminatorParameterCount(gan, 2)},
                                        {"d_d", phaseGanDiscriminatorParameterCount(gan, 1)}};
        return meta;
    };

    auto writeCheckpoint = [&] {
        if (rank != 0)
            return;
        torch::serialize::OutputArchive a;
        writeJson(a, "phaselab_checkpoint", metadata(kCheckpointFormat, *cycle.objectGenerator));
        cycle.save(a);
        saveWeights(*best, a, "best_model");
        saveArchive(a, checkpointPath);
    };

    RunProgress progress(reporter, observer, s.epochs, stepsPerEpoch, startFraction, runStart);
    auto report = [&](int epoch, int step, double loss, double samplesPerSecond, bool validating,
                      int batch, int batches) {
        progress.report(epoch, step, loss, samplesPerSecond, validating, batch, batches);
    };

    if (!resuming && nVal > 0) {
        reporter.step(0.0, "validating the initial network");
        st.initialValLoss = validate(*cycle.objectGenerator, *valSet, nVal, s.batchSize, device,
                                     pixelSize, [&](int, int) { reporter.checkCancel(); })
                                .loss;
    }

    int epochsThisRun = 0;
    for (int epoch = st.epochsDone; epoch < s.epochs; ++epoch) {
        const auto epochStart = TrainClock::now();
        const double lr = learningRateAt(s.schedule, Method::PhaseGan, s.learningRate, epoch,
                                         s.epochs, s.stepEpochs, s.stepGamma);
        const double lrD = lr / s.learningRate * gan.discriminatorLearningRate;
        cycle.setLearningRates(lr, lrD);

        // Two independent shuffles of the unpaired split: holograms from one, objects from the
        // other (the loader's hologram and target of different orders).
        BatchLoader holograms(trainSet, shuffledOrder(nTrain, mixSeed(s.seed, std::uint64_t(epoch), 1)),
                              s.batchSize, s.augmentation, mixSeed(s.seed, std::uint64_t(epoch), 2),
                              options.prefetchBatches, Shard{rank, worldSize});
        BatchLoader objects(trainSet, shuffledOrder(nTrain, mixSeed(s.seed, std::uint64_t(epoch), 3)),
                            s.batchSize, s.augmentation, mixSeed(s.seed, std::uint64_t(epoch), 4),
                            options.prefetchBatches, Shard{rank, worldSize});
        PhaseGanCycle::Losses sum;
        int seen = 0, batchIndex = 0;
        report(epoch, 0, 0.0, 0.0, false, 0, trainBatches);
        while (auto hb = holograms.next()) {
            auto ob = objects.next();
            if (!ob)
                break;
            // An empty part (more ranks than samples in this global batch) is an empty tensor.
            const torch::Tensor x =
                hb->count == 0 ? torch::empty({0, 1, hb->height, hb->width}, device)
                               : hostToTensor(hb->hologram.data(), hb->count, 1, hb->height, hb->width, device);
            const torch::Tensor y =
                ob->count == 0 ? torch::empty({0, 2, ob->height, ob->width}, device)
                               : hostToTensor(ob->target.data(), ob->count, 2, ob->height, ob->width, device);
            PhaseGanCycle::DataParallel dp;
            if (group) {
                dp.count = hb->count;
                dp.globalCount = hb->globalCount;
                dp.allreduceSum = [&](torch::Tensor& t) { group->allreduceSum(t); };
                dp.stopRequested = cancelRequested();
            }
            const PhaseGanCycle::Losses l = cycle.step(x, y, group ? &dp : nullptr);
            if (dp.stopped)
                throw core::Cancelled();
            if (!std::isfinite(l.generator) || !std::isfinite(l.discriminatorObject) ||
                !std::isfinite(l.discriminatorDetector))
                throw core::InputError("training diverged (generator loss " +
                                       std::to_string(l.generator) + ") in epoch " +
                                       std::to_string(epoch + 1) + "; try a lower learning rate");
            // With several ranks the losses are the global batch's already.
            const double c = group ? hb->globalCount : hb->count;
            sum.generator += l.generator * c;
            sum.adversarial += l.adversarial * c;
            sum.cycleObject += l.cycleObject * c;
            sum.cycleIntensity += l.cycleIntensity * c;
            sum.frcObject += l.frcObject * c;
            sum.frcIntensity += l.frcIntensity * c;
            sum.discriminatorObject += l.discriminatorObject * c;
            sum.discriminatorDetector += l.discriminatorDetector * c;
            sum.accuracyObject += l.accuracyObject * c;
            sum.accuracyDetector += l.accuracyDetector * c;
            seen += int(c);
            ++batchIndex;
            report(epoch, batchIndex, sum.generator / seen, seen / secondsSince(epochStart), false,
                   batchIndex, trainBatches);
        }
        const double trainSeconds = secondsSince(epochStart);
        const double mean = 1.0 / std::max(1, seen);

        EpochRecord r;
        r.epoch = epoch + 1;
        r.trainLoss = sum.generator * mean;
        r.learningRate = lr;
        r.metrics = {{"adversarial", sum.adversarial * mean},
                     {"cycle_object_l1", sum.cycleObject * mean},
                     {"cycle_intensity_l1", sum.cycleIntensity * mean},
                     {"frc_object", sum.frcObject * mean},
                     {"frc_intensity", sum.frcIntensity * mean},
                     {"d_object_loss", sum.discriminatorObject * mean},
                     {"d_detector_loss", sum.discriminatorDetector * mean},
                     {"d_object_accuracy", sum.accuracyObject * mean},
                     {"d_detector_accuracy", sum.accuracyDetector * mean},
                     {"discriminator_learning_rate", lrD}};
        if (nVal > 0) {
            const Validation v = validate(
                *cycle.objectGenerator, *valSet, nVal, s.batchSize, device, pixelSize,
                [&](int b, int nb) { report(epoch, trainBatches + b, r.trainLoss, 0.0, true, b, nb); });
            r.valLoss = v.loss;
            r.metrics["val_phase_nmse_percent"] = v.phaseNmse;
            r.metrics["val_absorption_nmse_percent"] = v.absorptionNmse;
            r.metrics["val_phase_frcm_percent"] = v.phaseFrcm;
        } else {
            // No paired validation: the epoch's generator loss stands in; the last epoch is kept.
            r.valLoss = r.trainLoss;
        }
        r.seconds = secondsSince(epochStart);
        r.samplesPerSecond = trainSeconds > 0 ? seen / trainSeconds : 0.0;
        if (group) {
            // Rank 0's record on every rank (its timings; losses and validation agree already:
            // every rank validates the same G_O weights on the whole split).
            shareEpochRecord(*group, r);
        }
        st.history.push_back(r);
        if (nVal == 0 || r.valLoss < st.bestValLoss) {
            st.bestValLoss = r.valLoss;
            st.bestEpoch = epoch + 1;
            copyWeights(*cycle.objectGenerator, *best);
        }
        st.epochsDone = epoch + 1;
        {
            bool failed = false;
            try {
                writeCheckpoint();
            } catch (...) {
                failed = true;
                share(true, "checkpoint");
                throw;
            }
            share(failed, "checkpoint");
        }
        progress.epochFinished(r);
        ++epochsThisRun;
        if (options.stopAfterEpochs > 0 && epochsThisRun >= options.stopAfterEpochs &&
            epoch + 1 < s.epochs)
            throw core::Cancelled();
        if (group && group->any(cancelRequested()))
            throw core::Cancelled();
        reporter.checkCancel();
    }

    try {
        if (rank == 0)
            writeModelFile(options.outPath, *best, metadata(kModelFormat, *best));
    } catch (...) {
        share(true, "model file");
        throw;
    }
    share(false, "model file");
    reporter.step(1.0, "trained");

    return st.result(options, s, checkpointPath, runStart, devName,
                     cycle.objectGenerator->parameterCount());
}

} // namespace phaselab::models
