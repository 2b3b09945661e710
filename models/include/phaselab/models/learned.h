#pragma once
// The torch-free facade of the learned reconstruction methods (physics.md §5): Deep Gauss–Newton,
// MS-D Net and PhaseGAN. Training, model files and inference; widgets and the CLI include only this header.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/padding.h>
#include <phaselab/core/progress.h>
#include <phaselab/core/rank_group.h>
#include <phaselab/models/dataset.h>
#include <phaselab/models/phasegan.h>

namespace phaselab::models {

/// The learned reconstruction methods this module trains and applies.
enum class Method {
    Dgn,  ///< Deep Gauss–Newton (Mom, Langer, Sixou, Opt. Lett. 2023; seed 000)
    Msd,  ///< Mixed-Scale Dense network (Pelt & Sethian 2018; Mom et al. 2022)
    PhaseGan,  ///< PhaseGAN (Zhang et al. 2021; seed 004): unpaired, Fresnel inside a CycleGAN
};

/// "dgn" | "msd" | "phasegan".
std::string toString(Method method);
/// Parses "dgn", "msd" or "phasegan"; throws core::InputError otherwise.
Method parseMethod(const std::string& text);

/// Deep Gauss–Newton architecture (physics.md §5, paper Eq. 4 and Fig. 1). The defaults give the
/// paper's network: 31,300 parameters.
struct DgnOptions {
    int iterations = 10;         ///< N unrolled iterations of the one shared block Γθ
    bool hessianInput = true;    ///< H fed [f_k, F′*F′ g] (Eq. 4); false: [f_k, g] (the text variant)
    int width1 = 16;             ///< channels after the first 5×5 convolution of G and H
    int width2 = 32;             ///< channels after the second
    int kernelSize = 5;          ///< odd convolution size
    double slope = 0.3;          ///< LReLU slope α, max(x, αx)
    /// Boundary handling of the Fresnel operator inside the network; padded modes cost 4× FFT work.
    core::Padding padding = core::Padding::Periodic;
    double padFactor = 2.0;
    /// Training loss (not the network: no parameter depends on it). True: the squared error of
    /// each channel divided by that channel's mean square over the training set, so absorption
    /// and phase weigh alike although B is 10–100× smaller than φ (the sum of the two channels'
    /// NMSE, up to constants); false: the plain MSE of the physical values, the paper's, which
    /// leaves absorption almost untrained at small scale (docs/reproduce-dgn.md). Model files
    /// without the key were trained with the plain MSE.
    bool balancedLoss = true;
};

/// MS-D Net architecture (physics.md §5). The defaults give 45,754 parameters for 1 → 2 channels.
struct MsdOptions {
    int depth = 100;        ///< layers, each adding `width` maps
    int width = 1;          ///< maps per layer (the paper's 1)
    int maxDilation = 10;   ///< layer i uses dilation (i mod maxDilation) + 1
};

/// Parameter count of the network an option set describes (no model is built).
std::int64_t parameterCount(const DgnOptions& options);
std::int64_t parameterCount(const MsdOptions& options);

/// Learning-rate schedule over epochs (stepped once per epoch).
enum class Schedule {
    Auto,      ///< the method's paper setting: cosine for DGN, constant for MS-D Net
    Constant,
    Cosine,    ///< lr_e = lr₀ · ½(1 + cos(π e / E)), e = 0 … E−1 (Loshchilov & Hutter, no restarts)
    Step,      ///< lr_e = lr₀ · γ^⌊e / stepEpochs⌋
};
std::string toString(Schedule schedule);
/// "auto" | "constant" | "cosine" | "step"; throws core::InputError otherwise.
Schedule parseSchedule(const std::string& text);

/// Arithmetic of DGN's convolutions during training (validation always runs in float32).
enum class Precision {
    /// bfloat16 for DGN on a CPU that has it natively (cpuHasNativeBf16(), unless
    /// $PHASELAB_BF16=0), float32 otherwise
    Auto,
    Float32,
    /// Mixed precision: the convolutions' inputs and weights rounded to bfloat16, float32
    /// accumulation, weights, gradients, Adam, loss and Fresnel operator (1.7× faster per step
    /// at 128², batch 10, docs/benchmarks.md). DGN on a CPU with native bfloat16 only: elsewhere
    /// train() throws core::InputError.
    BFloat16,
};
std::string toString(Precision precision);
/// "auto" | "float32" | "bf16" (also "bfloat16"); throws core::InputError otherwise.
Precision parsePrecision(const std::string& text);

/// What a training run does. Zero / empty values mean "the method's default" (physics.md §5):
/// DGN lr 5e-4 cosine, MS-D lr 1e-3 constant, batch 10, 100 epochs.
struct TrainOptions {
    Method method = Method::Dgn;
    DgnOptions dgn;
    MsdOptions msd;
    /// PhaseGAN: architecture, loss weights, discriminator rate, Adam β. Its generator rate is
    /// `learningRate` (0: 2e-4), its schedule `Auto` = step ×0.1 every 30 epochs, batch 0: 16,
    /// gradient clip 0: 10 (global norm per network group). Trains on an unpaired `train` split;
    /// a paired `val` split, when present, gives validation metrics and the best epoch.
    PhaseGanOptions phasegan;

    std::string dataPath;        ///< HDF5 dataset with `train` and `val` groups (architecture.md)
    std::string outPath;         ///< model file written at the end (the best validation epoch)
    /// Checkpoint written atomically after every epoch; empty: outPath + ".ckpt".
    std::string checkpointPath;
    /// Resume from this checkpoint: model, optimiser, schedule, history and best model continue
    /// where it stopped; the architecture and seed come from the checkpoint.
    std::string resumePath;

    int epochs = 0;              ///< total epochs (0: 100, or the checkpoint's when resuming)
    int batchSize = 0;           ///< 0: 10
    double learningRate = 0;     ///< initial rate of Adam (0: the method's)
    Schedule schedule = Schedule::Auto;
    int stepEpochs = 30;         ///< Step schedule: epochs between decays
    double stepGamma = 0.1;      ///< Step schedule: decay factor
    /// Largest global L2 norm of the gradient before the Adam step (clip_grad_norm_). 0: the
    /// method's default (DGN 1: its unrolled recurrence can explode on a rare batch early in
    /// training, and one such gradient stalls Adam for thousands of steps; MS-D Net: none);
    /// negative: never clip.
    double gradientClip = 0;
    std::uint64_t seed = 1;      ///< weights, shuffling and augmentation draws
    std::string device = "auto"; ///< "auto" | "cpu" | "cuda"
    Augmentation augmentation;
    /// DGN's convolution arithmetic. A resumed run resolves it again on its own machine; the
    /// model file records what the last part of the run used (`training.precision`).
    Precision precision = Precision::Auto;
    int maxTrainSamples = 0;     ///< use only the first n training samples (0: all)
    int maxValSamples = 0;       ///< use only the first n validation samples (0: all)
    int prefetchBatches = 2;     ///< batches the loader reads ahead on its own thread
    /// Stop (as if cancelled, throwing core::Cancelled) after this many epochs of this run have
    /// finished (0: never). For tests of resume and for time-boxed runs.
    int stopAfterEpochs = 0;
    /// The ranks of a data-parallel job (models/distributed.h: connect()); null or a group of
    /// one: this process alone. Every rank calls train() with the same options and dataset (and
    /// resume checkpoint, readable on every host). Each global batch of `batchSize` samples (the
    /// same shuffled order on every rank) is split into `size()` parts differing by at most one
    /// sample; rank r computes the gradient of its part and the gradients are summed over the
    /// ranks weighted by part size, so every step equals the single-process step with the same
    /// global batch. Validation is split the same way. Only rank 0 writes the checkpoint and the
    /// model file; every rank returns the same history. A cancel on any rank stops all at the
    /// next batch (core::Cancelled everywhere); a rank that dies makes the others throw
    /// core::RankGroupError within the group's timeout. DGN and MS-D Net only: PhaseGAN throws
    /// core::InputError for a group of several ranks.
    std::shared_ptr<core::RankGroup> group;
    /// The command that started the run, recorded in the checkpoint and the model file
    /// (`training.command`) so that a shipped model says how to recreate it; a resumed run
    /// keeps the checkpoint's. Empty: not recorded.
    std::string commandLine;
};

/// One epoch of a training run.
struct EpochRecord {
    int epoch = 0;             ///< 1-based
    double trainLoss = 0;      ///< mean over the epoch's training samples
    double valLoss = 0;        ///< mean over the validation samples after the epoch
    double learningRate = 0;   ///< the rate used during the epoch
    double seconds = 0;        ///< wall time of the epoch including validation
    double samplesPerSecond = 0;  ///< training throughput of the epoch
    /// Further per-epoch figures of a method (JSON key `metrics`), e.g. PhaseGAN's cycle losses,
    /// discriminator accuracies and validation NMSE / FRCM. DGN and MS-D Net: the mean
    /// per-image validation NMSE [%] of each channel (`val_nmse_absorption_percent`,
    /// `val_nmse_phase_percent`, as `evaluate` computes it); on several ranks also rank 0's
    /// mean seconds per step in computation (`step_compute_s`: loading, forward, backward,
    /// optimiser) and in the gradient all-reduce (`step_allreduce_s`).
    std::map<std::string, double> metrics;
};

/// Live figures of a running training, passed to TrainOptions' observer.
struct TrainProgress {
    int epoch = 0, epochs = 0;      ///< 1-based current epoch, total
    int batch = 0, batches = 0;     ///< 1-based batch within the epoch, total
    bool validating = false;
    double loss = 0;                ///< running mean training loss of the epoch
    double samplesPerSecond = 0;
    double etaSeconds = 0;          ///< estimate for the rest of the run
    /// True on the one report after an epoch's validation and checkpoint; `finished` holds it.
    bool epochFinished = false;
    EpochRecord finished;
};

/// The outcome of train().
struct TrainResult {
    std::vector<EpochRecord> history;  ///< every epoch since the start (resumed runs included)
    /// Validation loss of the freshly initialised network, before the first epoch.
    double initialValLoss = 0;
    int bestEpoch = 0;
    double bestValLoss = 0;
    double seconds = 0;                ///< wall time of this call
    std::string device;                ///< "cpu" or "cuda:0"
    /// The trained method: a resumed checkpoint's, whatever TrainOptions::method says.
    Method method = Method::Dgn;
    /// "float32" or "bfloat16": DGN's convolutions in this call (TrainOptions::precision)
    std::string precision = "float32";
    std::int64_t parameterCount = 0;
    std::string modelPath, checkpointPath;
    int worldSize = 1;                 ///< ranks the run trained on (TrainOptions::group)
};

/// Trains a model (physics.md §5) on `options.dataPath`, reporting through `progress` (fraction of
/// the run and a label "epoch e/E batch b/B loss … samples/s ETA …") and `observer` when set,
/// and polling `cancel` after every batch. Writes the checkpoint after every epoch and the model
/// file of the best validation epoch at the end, both atomically. A cancelled (core::Cancelled) or
/// killed run keeps the checkpoint of its last finished epoch. Throws core::InputError for a bad
/// dataset or option; the work runs on the calling thread (plus one loader thread).
TrainResult train(const TrainOptions& options, core::ProgressSink* progress,
                  const core::CancelToken* cancel,
                  const std::function<void(const TrainProgress&)>& observer = {});

/// (B, φ) of one reconstruction, [H, W] float32, same size as the hologram.
struct Reconstruction {
    core::ImageF absorption;
    core::ImageF phase;
};

/// A trained model loaded from a file, ready for inference on any image size the architecture
/// supports (DGN: any; MS-D Net: larger than maxDilation on both axes). Not thread-safe: one
/// thread at a time per object.
class LearnedModel {
public:
    /// Loads a model file written by train(). `device` "auto" | "cpu" | "cuda". Throws
    /// core::InputError("<path>: <problem>") for a missing or foreign file.
    static LearnedModel load(const std::string& path, const std::string& device = "auto");

    /// A model with freshly initialised, untrained weights (seeded): for benchmarks, tests and
    /// previews of an architecture. Its metadata has no training history.
    static LearnedModel initialise(Method method, const DgnOptions& dgn, const MsdOptions& msd,
                                   const core::Geometry& geometry, std::uint64_t seed = 1,
                                   const std::string& device = "auto");
    /// The same for any method, its architecture as stored in model files (toJson of the
    /// method's options; PhaseGAN: width, decoder_filters, padding, pad_factor).
    static LearnedModel initialise(Method method, const nlohmann::json& architecture,
                                   const core::Geometry& geometry, std::uint64_t seed = 1,
                                   const std::string& device = "auto");

    ~LearnedModel();
    LearnedModel(LearnedModel&&) noexcept;
    LearnedModel& operator=(LearnedModel&&) noexcept;

    [[nodiscard]] Method method() const;
    /// The file's metadata (see modelInfo()).
    [[nodiscard]] const nlohmann::json& metadata() const;
    /// The physics the model was trained with.
    [[nodiscard]] core::Geometry trainingGeometry() const;
    [[nodiscard]] std::int64_t parameterCount() const;
    [[nodiscard]] std::string device() const;
    /// DGN: N unrolled iterations; MS-D Net: 1.
    [[nodiscard]] int iterations() const;

    /// One line per difference (> 0.5 % relative in E, D or Δx) between `g` and the training
    /// physics; empty when they agree.
    [[nodiscard]] std::vector<std::string> geometryWarnings(const core::Geometry& g) const;

    /// Reconstructs one hologram I [H, W]. DGN uses `geometry` in its Fresnel operator (the training
    /// physics when absent); MS-D Net ignores it. Throws core::InputError for non-finite pixels or
    /// an unsupported size.
    Reconstruction reconstruct(const core::ImageF& hologram,
                               const std::optional<core::Geometry>& geometry = std::nullopt);

    /// Reconstructs a stack, `batchSize` holograms per forward pass (images of different sizes go
    /// in separate batches). Reports progress per batch and honours cancel.
    std::vector<Reconstruction> reconstructStack(const std::vector<core::ImageF>& holograms,
                                                 const std::optional<core::Geometry>& geometry,
                                                 int batchSize,
                                                 const core::ProgressReporter& progress);

private:
    struct State;
    explicit LearnedModel(std::unique_ptr<State> state);
    std::unique_ptr<State> m;
};

/// The metadata of a model file as one JSON object: `format`, `method`, `architecture` (options),
/// `parameter_count`, `physics` {energy_keV, distance_m, pixel_size_m, padding}, `normalisation`,
/// `training` {options, history, best_epoch, best_val_loss, data}, `image_shape`, `torch_version`,
/// `phaselab_version`. Throws core::InputError when `path` is not a PhaseLab model file.
nlohmann::json modelInfo(const std::string& path);

/// geometryWarnings() of a model file's metadata (modelInfo()) against `g`, without loading it.
std::vector<std::string> geometryWarnings(const nlohmann::json& info, const core::Geometry& g);

/// True when `path` starts like a model file (a zip archive); cheap, reads 4 bytes.
bool looksLikeModelFile(const std::string& path);

} // namespace phaselab::models
