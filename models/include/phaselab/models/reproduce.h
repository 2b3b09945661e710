#pragma once
// Published comparisons reproduced with one call: scoring a reconstruction method over a split
// of a simulated data set, and the DGN paper's Table 2 (seed 000: IRGN, MS-D Net and DGN on
// simulated images) from simulation through training to the table. Torch-free: the CLI
// includes it.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <phaselab/core/progress.h>
#include <phaselab/core/reconstruction_request.h>
#include <phaselab/models/learned.h>

namespace phaselab::models {

/// Mean and (population) standard deviation of one figure over a set of images.
struct MeanStd {
    double mean = 0;
    double std = 0;
};

/// The paper's three figures for one channel (physics.md §6): NMSE [%], FRCM [%] and the FRC
/// resolution with the 2σ threshold [m].
struct ChannelScores {
    MeanStd nmsePercent;
    MeanStd frcmPercent;
    MeanStd resolutionM;
};

/// One method scored on a split: both channels and the mean reconstruction time.
struct MethodScores {
    std::string id;       ///< "irgn-paper", "irgn-tuned", "msd", "dgn", or the method id
    std::string label;    ///< what a table shows ("IRGN, paper settings")
    int images = 0;
    ChannelScores absorption;  ///< B
    ChannelScores phase;       ///< φ
    double secondsPerImage = 0;  ///< mean wall time of the method per image (loading excluded)
    nlohmann::json request;      ///< the method and its options (ReconstructionRequest JSON)

    [[nodiscard]] nlohmann::json toJson() const;
    /// Throws core::InputError naming `what` for a malformed object.
    static MethodScores fromJson(const nlohmann::json& j, const std::string& what);
};

/// Reconstructs the first `maxSamples` holograms (all when ≤ 0) of split `split` of a PhaseLab
/// data set (models/dataset.h) with `request`'s method and options, through
/// core::reconstruct() as the application does, with the data set's physics and boundary
/// handling; scores absorption and phase against the split's truth (NMSE without mean removal,
/// FRC with the 2σ threshold and the first crossing). One method object serves every image (a
/// learned model is loaded once). Progress per image; throws core::Cancelled, and
/// core::InputError for a bad data set or request.
MethodScores evaluateSplit(const std::string& dataPath, const std::string& split,
                           const core::ReconstructionRequest& request, int maxSamples,
                           const core::ProgressReporter& progress = {nullptr, nullptr});

/// The published tables reproduce() knows: "dgn2023" (Mom, Langer, Sixou, Opt. Lett. 2023,
/// Table 2).
const std::vector<std::string>& reproducibleTables();

/// A reproduction run. The defaults fit a short run on a workstation; the paper's scale is
/// size 512, train 10000, val 1000, test 1000, epochs 100.
struct ReproduceOptions {
    std::string table = "dgn2023";
    /// Folder of the run: data, models, checkpoints, scores and the tables. Running again with
    /// the same folder and settings continues where a stopped run was; other settings are
    /// refused.
    std::string outDir;
    int size = 128;        ///< image side N [pixels]
    int train = 2000;      ///< training pairs
    int val = 0;           ///< validation pairs (0: as many as test)
    int test = 200;        ///< test images the table is computed on
    int epochs = 20;       ///< epochs of MS-D Net and DGN
    int batch = 10;        ///< batch size of both (the paper's)
    std::string device = "auto";  ///< training and inference device: auto | cpu | cuda
    std::uint64_t seed = 1;       ///< simulation, weights and shuffling
    /// DGN's training loss: balanced per channel (PhaseLab's default) or the paper's plain MSE.
    bool dgnBalancedLoss = true;
    /// DGN's training arithmetic (TrainOptions::precision; auto: bf16 convolutions where the CPU
    /// has them natively).
    Precision dgnPrecision = Precision::Auto;
    /// Validation images on which IRGN's α₀ and q are tuned (the "tuned" row).
    int tuneImages = 10;
    /// The command that started the run, written into the table (empty: not recorded).
    std::string commandLine;

    /// Throws core::InputError naming the first invalid field.
    void validate() const;
    [[nodiscard]] nlohmann::json toJson() const;
};

/// What reproduce() produced.
struct ReproduceResult {
    std::vector<MethodScores> rows;  ///< IRGN (paper settings), IRGN (tuned), MS-D Net, DGN
    std::string markdownPath;        ///< outDir/table.md
    std::string csvPath;             ///< outDir/table.csv
    std::vector<std::string> stagesRun;      ///< stages computed by this call
    std::vector<std::string> stagesSkipped;  ///< stages a previous call had finished
    double seconds = 0;              ///< wall time of this call
};

/// Runs the reproduction in stages, each leaving its result in outDir, written atomically:
/// simulate (data.h5, the DGN protocol at `size`), train-msd and train-dgn (msd.pt, dgn.pt with
/// checkpoints every epoch; a stopped training resumes from its checkpoint), tune-irgn
/// (irgn_tuning.json: α₀ and q of IRGN chosen on `tuneImages` validation images), and
/// eval-irgn-paper, eval-irgn-tuned, eval-msd, eval-dgn (scores_*.json on the test split),
/// then table.md and table.csv with the paper's numbers beside these. A stage whose result
/// exists is skipped, so a cancelled or killed run continues. IRGN's paper settings: joint
/// (B, φ), f₀ = 0, 100 Newton steps of 10 CG iterations each, positivity, α₀ from the data,
/// no safeguard. Progress: fraction of the whole run, label "stage k/8 NAME: …"; `stage` is
/// called at the start of each stage with its name. Throws core::Cancelled (the finished
/// stages stay) and core::InputError.
ReproduceResult reproduce(const ReproduceOptions& options, core::ProgressSink* progress,
                          const core::CancelToken* cancel,
                          const std::function<void(const std::string& stage)>& stage = {});

} // namespace phaselab::models
