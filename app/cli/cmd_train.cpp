// `train`: trains a learned method (DGN, MS-D Net, PhaseGAN) on an HDF5 dataset with checkpoints and resume.
#include "commands.h"

#include <phaselab/core/error.h>
#include <phaselab/core/padding.h>
#include <phaselab/core/units.h>
#include <phaselab/models/distributed.h>
#include <phaselab/models/learned.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include <unistd.h>

namespace phaselab::cli {

namespace {

struct TrainCliOptions {
    std::string method = "dgn";
    std::string data, out, checkpoint, resume;
    std::string device = "auto";
    std::string schedule = "auto";
    std::string precision = "auto";
    int epochs = 0, batch = 0, stepEpochs = 30;
    double lr = 0;
    std::uint64_t seed = 1;
    bool flips = false, rotations = false;
    int maxTrain = 0, maxVal = 0;
    // DGN
    int iterations = 10;
    bool gradientInput = false;
    std::string loss = "balanced";
    std::string commandLine;
    int width1 = 16, width2 = 32;
    std::string padding = "dataset";
    // MS-D Net
    int depth = 100;
    // PhaseGAN
    models::PhaseGanOptions gan;
    double clip = 0;
    bool json = false;
};

// A one-line live status on a terminal (the full label: epoch, batch, loss, samples/s, ETA), at
// most ten redraws a second, plus a line per finished epoch. Silent with --json or off a terminal.
class TrainStatus : public core::ProgressSink {
public:
    explicit TrainStatus(bool enabled) : m_tty(enabled && ::isatty(STDERR_FILENO)), m_lines(enabled) {}
    ~TrainStatus() override { clear(); }

    void report(double fraction, const std::string& stage) override
    {
        if (!m_tty)
            return;
        const auto now = std::chrono::steady_clock::now();
        if (m_drawn && fraction < 1.0 && now - m_last < std::chrono::milliseconds(100))
            return;
        m_last = now;
        std::fprintf(stderr, "\r%3d%% %-75.75s", int(fraction * 100 + 0.5), stage.c_str());
        std::fflush(stderr);
        m_drawn = true;
    }

    void epoch(const models::EpochRecord& r, int epochs)
    {
        if (!m_lines)
            return;
        clear();
        std::fprintf(stderr,
                     "epoch %d/%d  train loss %.4g  val loss %.4g  lr %.3g  %.1f samples/s  %.1f s\n",
                     r.epoch, epochs, r.trainLoss, r.valLoss, r.learningRate, r.samplesPerSecond,
                     r.seconds);
        if (!r.metrics.empty()) {  // a method's further figures (PhaseGAN's), one line
            std::string line = "  ";
            for (const auto& [key, value] : r.metrics)
                line += " " + key + " " + core::formatNumber(value, 4);
            std::fprintf(stderr, "%s\n", line.c_str());
        }
    }

    void clear()
    {
        if (m_tty && m_drawn) {
            std::fprintf(stderr, "\r%82s\r", "");
            std::fflush(stderr);
            m_drawn = false;
        }
    }

private:
    bool m_tty, m_lines;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_last{};
};

int runTrain(const TrainCliOptions& o, const Context& ctx)
{
    models::TrainOptions t;
    t.method = models::parseMethod(o.method);
    t.dataPath = o.data;
    t.outPath = o.out;
    t.checkpointPath = o.checkpoint;
    t.resumePath = o.resume;
    t.epochs = o.epochs;
    t.batchSize = o.batch;
    t.learningRate = o.lr;
    t.schedule = models::parseSchedule(o.schedule);
    t.stepEpochs = o.stepEpochs;
    t.seed = o.seed;
    t.device = o.device;
    t.precision = models::parsePrecision(o.precision);
    t.augmentation.flips = o.flips;
    t.augmentation.rotations = o.rotations;
    t.maxTrainSamples = o.maxTrain;
    t.maxValSamples = o.maxVal;
    t.dgn.iterations = o.iterations;
    t.dgn.hessianInput = !o.gradientInput;
    t.dgn.balancedLoss = o.loss == "balanced";
    t.dgn.width1 = o.width1;
    t.dgn.width2 = o.width2;
    if (o.padding != "dataset")
        t.dgn.padding = core::parsePadding(o.padding);
    t.msd.depth = o.depth;
    t.phasegan = o.gan;
    if (t.method == models::Method::PhaseGan && o.padding != "dataset")
        t.phasegan.padding = core::parsePadding(o.padding);
    t.gradientClip = o.clip;
    t.commandLine = o.commandLine;

    // A job of several ranks (torchrun's variables, docs/distributed.md): only rank 0 talks.
    const models::LaunchEnvironment env = models::LaunchEnvironment::fromEnvironment();
    const bool lead = env.rank == 0;
    if (env.distributed()) {
        if (lead && !ctx.json)
            std::cerr << "phaselab-cli: training on " << env.worldSize << " ranks (rendezvous "
                      << env.masterAddr << ":" << env.masterPort << ", timeout "
                      << core::formatNumber(env.timeoutSeconds) << " s)\n";
        t.group = models::connect(env);
    }

    TrainStatus status(!ctx.json && lead);
    models::TrainResult r;
    try {
        r = models::train(t, &status, ctx.cancel, [&](const models::TrainProgress& p) {
            if (p.epochFinished)
                status.epoch(p.finished, p.epochs);
        });
    } catch (const core::Cancelled&) {
        status.clear();
        if (!lead)
            throw;
        const std::string ckpt = o.checkpoint.empty() ? o.out + ".ckpt" : o.checkpoint;
        std::cerr << "phaselab-cli: training stopped; the last finished epoch is in " << ckpt
                  << " (continue with --resume " << ckpt << ")\n";
        throw;
    }
    status.clear();
    if (!lead)
        return kExitOk;

    const models::EpochRecord last = r.history.empty() ? models::EpochRecord{} : r.history.back();
    if (ctx.json) {
        nlohmann::json history = nlohmann::json::array();
        for (const auto& e : r.history)
            {
            nlohmann::json h = {{"epoch", e.epoch},
                                {"train_loss", e.trainLoss},
                                {"val_loss", e.valLoss},
                                {"learning_rate", e.learningRate},
                                {"seconds", e.seconds},
                                {"samples_per_second", e.samplesPerSecond}};
            if (!e.metrics.empty())
                h["metrics"] = e.metrics;
            history.push_back(h);
        }
        printJson({{"epochs", int(r.history.size())},
                   {"train_loss", last.trainLoss},
                   {"val_loss", last.valLoss},
                   {"seconds", r.seconds},
                   {"initial_val_loss", r.initialValLoss},
                   {"best_epoch", r.bestEpoch},
                   {"best_val_loss", r.bestValLoss},
                   {"method", models::toString(r.method)},  // a resumed checkpoint's
                   {"parameter_count", r.parameterCount},
                   {"device", r.device},
                   {"precision", r.precision},
                   {"world_size", r.worldSize},
                   {"model", r.modelPath},
                   {"checkpoint", r.checkpointPath},
                   {"history", history}});
    } else {
        std::cout << "trained " << models::toString(r.method) << " (" << r.parameterCount << " parameters) on "
                  << r.device << (r.precision == "bfloat16" ? " (bf16 convolutions)" : "")
                  << (r.worldSize > 1 ? " × " + std::to_string(r.worldSize) + " ranks" : std::string())
                  << " for " << r.history.size() << " epochs in "
                  << core::formatNumber(r.seconds, 3) << " s; best validation loss "
                  << core::formatNumber(r.bestValLoss) << " at epoch " << r.bestEpoch
                  << " (initially " << core::formatNumber(r.initialValLoss) << ")\n"
                  << "wrote " << r.modelPath << " (checkpoint " << r.checkpointPath << ")\n";
    }
    return kExitOk;
}

} // namespace

Command addTrainCommand(CLI::App& root, const std::string& commandLine)
{
    auto o = std::make_shared<TrainCliOptions>();
    o->commandLine = commandLine;
    CLI::App* sub = root.add_subcommand(
        "train", "Train a learned reconstruction (dgn: Deep Gauss-Newton, msd: MS-D Net, phasegan: "
                 "PhaseGAN on an unpaired train split) on an HDF5 dataset with train/val groups; "
                 "checkpoints every epoch. Data-parallel over several processes/hosts (all three "
                 "methods) when RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT are set as torchrun does "
                 "(PHASELAB_DIST_TIMEOUT seconds, default 120; docs/distributed.md)");
    sub->add_option("--method", o->method, "Method")
        ->check(CLI::IsMember({"dgn", "msd", "phasegan"}))
        ->capture_default_str();
    sub->add_option("--data", o->data, "Dataset SET.h5 (groups train, val; hologram, absorption, "
                                       "phase [n,H,W]; physics attributes)");
    sub->add_option("--out", o->out, "Model file to write (the best validation epoch)")->required();
    sub->add_option("--checkpoint", o->checkpoint, "Checkpoint file (default: OUT.ckpt)");
    sub->add_option("--resume", o->resume,
                    "Continue from a checkpoint (architecture, seed and schedule come from it)");
    sub->add_option("--epochs", o->epochs, "Total epochs (default 100, or the checkpoint's)")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--batch", o->batch, "Batch size (default 10)")->check(CLI::NonNegativeNumber);
    sub->add_option("--lr", o->lr, "Initial learning rate of Adam (default: DGN 5e-4, MS-D 1e-3)")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--schedule", o->schedule,
                    "Learning-rate schedule (auto: cosine for DGN, constant for MS-D)")
        ->check(CLI::IsMember({"auto", "constant", "cosine", "step"}))
        ->capture_default_str();
    sub->add_option("--device", o->device, "Compute device")
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
        ->capture_default_str();
    sub->add_option("--precision", o->precision,
                    "DGN's convolutions in training: bf16 (mixed precision: bfloat16 inputs and "
                    "weights, float32 accumulation, weights, Adam and loss; about 1.5x faster), "
                    "float32, or auto (bf16 where the CPU has AVX512_BF16); validation is float32")
        ->check(CLI::IsMember({"auto", "float32", "bf16", "bfloat16"}))
        ->capture_default_str();
    sub->add_option("--seed", o->seed, "Seed of weights, shuffling and augmentation")
        ->capture_default_str();
    sub->add_flag("--flips", o->flips, "Augment with random flips");
    sub->add_flag("--rotations", o->rotations, "Augment with random quarter turns (square images)");
    sub->add_option("--max-train", o->maxTrain, "Use only the first N training samples")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--max-val", o->maxVal, "Use only the first N validation samples")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--iterations", o->iterations, "DGN: unrolled iterations N")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    sub->add_flag("--gradient-input", o->gradientInput,
                  "DGN: feed H [f, g] instead of [f, F'*F' g] (the paper's text variant)");
    sub->add_option("--loss", o->loss,
                    "DGN: balanced (each channel's squared error over its training-set mean "
                    "square, so absorption counts as much as phase) or mse (the paper's plain MSE)")
        ->check(CLI::IsMember({"balanced", "mse"}))
        ->capture_default_str();
    sub->add_option("--width1", o->width1, "DGN: channels of the first convolutions")
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    sub->add_option("--width2", o->width2, "DGN: channels of the second convolutions")
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    sub->add_option("--padding", o->padding,
                    "DGN: boundary handling of the network's Fresnel operator (dataset: as recorded)")
        ->check(CLI::IsMember({"dataset", "periodic", "replicate", "unit"}))
        ->capture_default_str();
    sub->add_option("--depth", o->depth, "MS-D Net: layers")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    sub->add_option("--clip", o->clip,
                    "Largest gradient norm (0: the method's, DGN 1, PhaseGAN 10, MS-D none; "
                    "negative: never clip)");
    models::PhaseGanOptions& g = o->gan;
    sub->add_option("--width", g.width, "PhaseGAN: channel multiplier of all four networks "
                                        "(1, 0.5, 0.25, 0.125)")
        ->check(CLI::Range(0.01, 4.0))
        ->capture_default_str();
    sub->add_option("--lr-d", g.discriminatorLearningRate,
                    "PhaseGAN: discriminators' learning rate (generators': --lr, default 2e-4)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    sub->add_option("--beta1", g.adamBeta1, "PhaseGAN: Adam beta1")
        ->check(CLI::Range(0.0, 0.999))
        ->capture_default_str();
    sub->add_option("--adv-weight", g.adversarialWeight, "PhaseGAN: adversarial loss weight")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    sub->add_option("--cycle-object-weight", g.cycleObjectWeight,
                    "PhaseGAN: object cycle L1 weight")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    sub->add_option("--cycle-intensity-weight", g.cycleIntensityWeight,
                    "PhaseGAN: intensity cycle L1 weight")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    sub->add_option("--frc-object-weight", g.frcObjectWeight, "PhaseGAN: object cycle FRC weight")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    sub->add_option("--frc-intensity-weight", g.frcIntensityWeight,
                    "PhaseGAN: intensity cycle FRC weight")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    sub->add_option("--step-epochs", o->stepEpochs, "Step schedule: epochs between decays")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    addJsonFlag(sub, o->json);
    return {sub, &o->json, [o](const Context& ctx) {
                if (o->data.empty() && o->resume.empty())
                    throw core::InputError("train: --data is required (or --resume a checkpoint)");
                return runTrain(*o, ctx);
            }};
}

} // namespace phaselab::cli
