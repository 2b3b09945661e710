// PhaseGAN's cycle and its training run: unpaired loaders with two independent shuffles, D step
// then G step, step decay, gradient clipping, per-epoch cycle losses, discriminator accuracies
// and validation NMSE / FRCM in the shared history, atomic checkpoints and resume.
#include "phasegan_training.h"

#include "frc_loss.h"
#include "model_io.h"
#include "options_json.h"
#include "phasegan_json.h"

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

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// SplitMix64 (as the shared trainer's): independent seeds per epoch and purpose.
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

void saveModule(const torch::nn::Module& m, torch::serialize::OutputArchive& archive,
                const std::string& key)
{
    torch::serialize::OutputArchive nested;
    m.save(nested);
    archive.write(key, nested);
}

void loadModule(torch::nn::Module& m, torch::serialize::InputArchive& archive,
                const std::string& key, const std::string& path)
{
    torch::serialize::InputArchive nested;
    if (!archive.try_read(key, nested))
        throw core::InputError(path + ": no '" + key + "' weights");
    try {
        m.load(nested);
    } catch (const c10::Error& e) {
        throw core::InputError(path + ": weights do not match the architecture (" +
                               e.what_without_backtrace() + ")");
    }
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

PhaseGanCycle::Losses PhaseGanCycle::step(const torch::Tensor& holograms, const torch::Tensor& objects)
{
    const PhaseGanOptions& o = m_options;
    objectGenerator->train();
    detectorGenerator->train();
    objectDiscriminator->train();
    detectorDiscriminator->train();

    // The generators' forward passes of both cycles (Fig. 2), kept for the G step.
    const torch::Tensor fakeObject = objectGenerator->forward(holograms);            // G_O(I)
    const torch::Tensor cycledIntensity = detector(propagate(fakeObject));           // G_D|H G_O(I)|²
    const torch::Tensor fakeIntensity = detector(propagate(objects));                // G_D|Hψ|²
    const torch::Tensor cycledObject = objectGenerator->forward(fakeIntensity);      // G_O(G_D|Hψ|²)

    Losses l;
    // D step: real against the detached fakes.
    const std::vector<torch::Tensor> dParams = discriminatorParameters();
    setRequiresGrad(dParams, true);
    m_optD->zero_grad();
    {
        const torch::Tensor realO = objectDiscriminator->forward(objects);
        const torch::Tensor fakeO = objectDiscriminator->forward(fakeObject.detach());
        const torch::Tensor realD = detectorDiscriminator->forward(holograms);
        const torch::Tensor fakeD = detectorDiscriminator->forward(fakeIntensity.detach());
        const torch::Tensor lossO = 0.5 * (bce(realO, 1.0) + bce(fakeO, 0.0));
        const torch::Tensor lossD = 0.5 * (bce(realD, 1.0) + bce(fakeD, 0.0));
        (lossO + lossD).backward();
        if (m_clip > 0)
            torch::nn::utils::clip_grad_norm_(dParams, m_clip);
        m_optD->step();
        l.discriminatorObject = lossO.item<double>();
        l.discriminatorDetector = lossD.item<double>();
        l.accuracyObject = accuracy(realO.detach(), fakeO.detach());
        l.accuracyDetector = accuracy(realD.detach(), fakeD.detach());
    }

    // G step against the updated discriminators (their weights frozen meanwhile).
    setRequiresGrad(dParams, false);
    m_optG->zero_grad();
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
    const std::vector<torch::Tensor> gParams = generatorParameters();
    if (m_clip > 0)
        torch::nn::utils::clip_grad_norm_(gParams, m_clip);
    m_optG->step();
    setRequiresGrad(dParams, true);

    l.generator = total.item<double>();
    l.adversarial = adversarial.item<double>();
    l.cycleObject = cycO.item<double>();
    l.cycleIntensity = cycI.item<double>();
    l.frcObject = frcO.item<double>();
    l.frcIntensity = frcI.item<double>();
    return l;
}

void PhaseGanCycle::save(torch::serialize::OutputArchive& a) const
{
    saveModule(*objectGenerator, a, "g_o");
    saveModule(*detectorGenerator, a, "g_d");
    saveModule(*objectDiscriminator, a, "d_o");
    saveModule(*detectorDiscriminator, a, "d_d");
    torch::serialize::OutputArchive g, d;
    m_optG->save(g);
    m_optD->save(d);
    a.write("optimizer_g", g);
    a.write("optimizer_d", d);
}

void PhaseGanCycle::load(torch::serialize::InputArchive& a, const std::string& path)
{
    loadModule(*objectGenerator, a, "g_o", path);
    loadModule(*detectorGenerator, a, "g_d", path);
    loadModule(*objectDiscriminator, a, "d_o", path);
    loadModule(*detectorDiscriminator, a, "d_d", path);
    torch::serialize::InputArchive g, d;
    if (!a.try_read("optimizer_g", g) || !a.try_read("optimizer_d", d))
        throw core::InputError(path + ": no optimiser state");
    m_optG->load(g);
    m_optD->load(d);
}

// ---------------------------------------------------------------------------------------------
// The training run

namespace {

// The resolved settings of a run: options with defaults filled in, or a checkpoint's.
struct Settings {
    PhaseGanOptions gan;
    std::string data;
    int epochs = 100;
    int batchSize = 16;
    double learningRate = 2e-4;
    Schedule schedule = Schedule::Step;
    int stepEpochs = 30;
    double stepGamma = 0.1;
    std::uint64_t seed = 1;
    Augmentation augmentation;
    int maxTrain = 0, maxVal = 0;
    double gradientClip = 10;

    [[nodiscard]] nlohmann::json toJson() const
    {
        return {{"data", data},
                {"epochs", epochs},
                {"batch_size", batchSize},
                {"learning_rate", learningRate},
                {"schedule", models::toString(schedule)},
                {"step_epochs", stepEpochs},
                {"step_gamma", stepGamma},
                {"seed", seed},
                {"augmentation", {{"flips", augmentation.flips}, {"rotations", augmentation.rotations}}},
                {"max_train_samples", maxTrain},
                {"max_val_samples", maxVal},
                {"gradient_clip", gradientClip},
                {"optimizer", "adam"},
                {"loss", "phasegan (bce adversarial, cycle l1, frc)"},
                {"phasegan", phaseGanTrainingJson(gan)}};
    }

    void fromJson(const nlohmann::json& j, const nlohmann::json& architecture, const std::string& path)
    {
        try {
            data = j.value("data", data);
            epochs = j.value("epochs", epochs);
            batchSize = j.value("batch_size", batchSize);
            learningRate = j.value("learning_rate", learningRate);
            schedule = parseSchedule(j.value("schedule", std::string("step")));
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
        gan = phaseGanOptionsFromJson(architecture, j.value("phasegan", nlohmann::json::object()),
                                      path + ": PhaseGAN options");
    }
};

struct RunState {
    double initialValLoss = std::numeric_limits<double>::quiet_NaN();
    int epochsDone = 0;
    std::vector<EpochRecord> history;
    int bestEpoch = 0;
    double bestValLoss = std::numeric_limits<double>::infinity();
};

nlohmann::json numberOrNull(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

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
                          const std::function<void(const TrainProgress&)>& observer)
{
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

    Settings s;
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
        s.fromJson(t, meta.value("architecture", nlohmann::json::object()), options.resumePath);
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
        s.gan = options.phasegan;
        validate(s.gan);
        s.data = options.dataPath;
        s.epochs = options.epochs > 0 ? options.epochs : 100;
        s.batchSize = options.batchSize > 0 ? options.batchSize : 16;
        s.learningRate = options.learningRate > 0 ? options.learningRate
                                                  : defaultLearningRate(Method::PhaseGan);
        s.schedule = options.schedule == Schedule::Auto ? defaultSchedule(Method::PhaseGan)
                                                        : options.schedule;
        s.stepEpochs = options.stepEpochs;
        s.stepGamma = options.stepGamma;
        s.seed = options.seed;
        s.augmentation = options.augmentation;
        s.maxTrain = options.maxTrainSamples;
        s.maxVal = options.maxValSamples;
        s.gradientClip = options.gradientClip > 0   ? options.gradientClip
                         : options.gradientClip < 0 ? 0.0
                                                    : defaultGradientClip(Method::PhaseGan);
    }
    if (s.data.empty())
        throw core::InputError("train: no dataset (--data)");
    if (s.epochs < 1 || s.batchSize < 1 || !(s.learningRate > 0) || !std::isfinite(s.learningRate))
        throw core::InputError("train: epochs, batch size and learning rate must be positive");
    if (s.stepEpochs < 1 || !(s.stepGamma > 0))
        throw core::InputError("train: step schedule needs step epochs ≥ 1 and γ > 0");

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
    if (!resuming && s.gan.padding == core::Padding::Periodic)
        s.gan.padding = core::parsePadding(trainSet.padding());
    const int nTrain = s.maxTrain > 0 ? std::min(s.maxTrain, trainSet.size()) : trainSet.size();
    const int nVal = !valSet ? 0 : s.maxVal > 0 ? std::min(s.maxVal, valSet->size()) : valSet->size();
    if (nTrain < 1)
        throw core::InputError(s.data + ": the training split is empty");

    torch::manual_seed(s.seed);
    PhaseGanCycle cycle(s.gan, trainSet.geometry(), trainSet.height(), trainSet.width(), device,
                        s.learningRate, s.gan.discriminatorLearningRate, s.gradientClip);
    auto best = std::make_shared<PhaseGanGeneratorImpl>(s.gan);
    best->to(device);
    if (resuming) {
        cycle.load(resumeArchive, options.resumePath);
        loadWeights(*best, resumeArchive, "best_model", options.resumePath);
    } else {
        copyWeights(*cycle.objectGenerator, *best);
    }

    const std::string devName = deviceName(device);
    const int trainBatches = (nTrain + s.batchSize - 1) / s.batchSize;
    const int valBatches = (nVal + s.batchSize - 1) / s.batchSize;
    const int stepsPerEpoch = trainBatches + valBatches;
    const double startFraction = double(st.epochsDone) / s.epochs;
    const double pixelSize = trainSet.geometry().pixelSizeM;

    auto metadata = [&](const char* format, const PhaseGanGeneratorImpl& net) {
        nlohmann::json training = s.toJson();
        training["train_samples"] = nTrain;
        training["val_samples"] = nVal;
        training["unpaired"] = !trainSet.paired();
        training["device"] = devName;
        nlohmann::json h = nlohmann::json::array();
        for (const EpochRecord& r : st.history)
            h.push_back(toJson(r));
        training["history"] = h;
        training["epochs_done"] = st.epochsDone;
        training["initial_val_loss"] = numberOrNull(st.initialValLoss);
        training["best_epoch"] = st.bestEpoch;
        training["best_val_loss"] = numberOrNull(st.bestValLoss);
        training["parameter_counts"] = {
            {"g_o", phaseGanGeneratorParameterCount(s.gan, 1, 2)},
            {"g_d", phaseGanGeneratorParameterCount(s.gan, 1, 1)},
            {"d_o", phaseGanDiscriminatorParameterCount(s.gan, 2)},
            {"d_d", phaseGanDiscriminatorParameterCount(s.gan, 1)}};
        nlohmann::json physics = core::toJson(trainSet.geometry());
        physics["padding"] = core::toString(s.gan.padding);
        physics["from_dataset"] = true;
        return nlohmann::json{{"format", format},
                              {"format_version", kFormatVersion},
                              {"method", toString(Method::PhaseGan)},
                              {"architecture", net.architecture()},
                              {"parameter_count", net.parameterCount()},
                              {"physics", physics},
                              {"normalisation", nullptr},
                              {"image_shape", {trainSet.height(), trainSet.width()}},
                              {"training", training},
                              {"torch_version", initialiseRuntime().torchVersion},
                              {"phaselab_version", PHASELAB_VERSION}};
    };

    auto writeCheckpoint = [&] {
        torch::serialize::OutputArchive a;
        writeJson(a, "phaselab_checkpoint", metadata(kCheckpointFormat, *cycle.objectGenerator));
        cycle.save(a);
        saveWeights(*best, a, "best_model");
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

    if (!resuming && nVal > 0) {
        reporter.step(0.0, "validating the initial network");
        st.initialValLoss = validate(*cycle.objectGenerator, *valSet, nVal, s.batchSize, device,
                                     pixelSize, [&](int, int) { reporter.checkCancel(); })
                                .loss;
    }

    int epochsThisRun = 0;
    for (int epoch = st.epochsDone; epoch < s.epochs; ++epoch) {
        const auto epochStart = Clock::now();
        const double lr = learningRateAt(s.schedule, Method::PhaseGan, s.learningRate, epoch,
                                         s.epochs, s.stepEpochs, s.stepGamma);
        const double lrD = lr / s.learningRate * s.gan.discriminatorLearningRate;
        cycle.setLearningRates(lr, lrD);

        // Two independent shuffles of the unpaired split: holograms from one, objects from the
        // other (the loader's hologram and target of different orders).
        BatchLoader holograms(trainSet, shuffledOrder(nTrain, mixSeed(s.seed, std::uint64_t(epoch), 1)),
                              s.batchSize, s.augmentation, mixSeed(s.seed, std::uint64_t(epoch), 2),
                              options.prefetchBatches);
        BatchLoader objects(trainSet, shuffledOrder(nTrain, mixSeed(s.seed, std::uint64_t(epoch), 3)),
                            s.batchSize, s.augmentation, mixSeed(s.seed, std::uint64_t(epoch), 4),
                            options.prefetchBatches);
        PhaseGanCycle::Losses sum;
        int seen = 0, batchIndex = 0;
        report(epoch, 0, 0.0, 0.0, false, 0, trainBatches);
        while (auto hb = holograms.next()) {
            auto ob = objects.next();
            if (!ob)
                break;
            const torch::Tensor x =
                hostToTensor(hb->hologram.data(), hb->count, 1, hb->height, hb->width, device);
            const torch::Tensor y =
                hostToTensor(ob->target.data(), ob->count, 2, ob->height, ob->width, device);
            const PhaseGanCycle::Losses l = cycle.step(x, y);
            if (!std::isfinite(l.generator) || !std::isfinite(l.discriminatorObject) ||
                !std::isfinite(l.discriminatorDetector))
                throw core::InputError("training diverged (generator loss " +
                                       std::to_string(l.generator) + ") in epoch " +
                                       std::to_string(epoch + 1) + "; try a lower learning rate");
            const double c = hb->count;
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
            seen += hb->count;
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
        st.history.push_back(r);
        if (nVal == 0 || r.valLoss < st.bestValLoss) {
            st.bestValLoss = r.valLoss;
            st.bestEpoch = epoch + 1;
            copyWeights(*cycle.objectGenerator, *best);
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

    writeModelFile(options.outPath, *best, metadata(kModelFormat, *best));
    reporter.step(1.0, "trained");

    TrainResult result;
    result.history = st.history;
    result.initialValLoss = st.initialValLoss;
    result.bestEpoch = st.bestEpoch;
    result.bestValLoss = st.bestValLoss;
    result.seconds = secondsSince(runStart);
    result.device = devName;
    result.parameterCount = cycle.objectGenerator->parameterCount();
    result.modelPath = options.outPath;
    result.checkpointPath = checkpointPath;
    return result;
}

} // namespace phaselab::models
