#pragma once
// The model library and the training facts the application shows: which methods train, which
// GPU there is, the model files of a folder (list, rename, delete, import, export) and the
// checkpoints of running trainings. Torch-free: widgets include it.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <phaselab/core/geometry.h>
#include <phaselab/models/learned.h>

namespace phaselab::models {

/// The methods train() accepts, in the order a user is offered them. The one list: a new
/// trainable method is added here (and gets its options form in the application).
const std::vector<Method>& trainableMethods();

/// The GPU of the machine and whether LibTorch can train on it.
struct GpuInfo {
    bool available = false;  ///< torch::cuda::is_available(): LibTorch can use it
    int devices = 0;         ///< CUDA devices LibTorch sees
    /// The first GPU's model as the NVIDIA driver names it ("NVIDIA H200"), also when LibTorch
    /// cannot use it (a CPU-only build); "CUDA device 0" when LibTorch has one the driver does
    /// not name; empty when there is none.
    std::string name;
};
GpuInfo gpuInfo();

/// One model file of a library folder, from its metadata (modelInfo()) and the file system.
struct ModelEntry {
    std::string path;                 ///< absolute path of the file
    std::string name;                 ///< file name without the folder
    bool valid = false;               ///< false: `error` says why the file could not be read
    std::string error;
    std::string method;               ///< "dgn", "msd", …
    std::int64_t parameterCount = 0;
    bool hasGeometry = false;         ///< false when the training set had no physics
    core::Geometry geometry;          ///< the physics the model was trained with
    std::vector<EpochRecord> history; ///< the training history (empty for untrained files)
    std::int64_t modifiedSeconds = 0; ///< last modification, seconds since the Unix epoch
    bool readOnly = false;            ///< shipped models: the folder cannot be changed
};

/// The folders searched for the models PhaseLab ships (resources/models in the source tree),
/// in order, those that exist: each entry of $PHASELAB_MODELS_DIR (':'-separated), the
/// program's ../share/phaselab/models (an installed copy), and the source tree's
/// resources/models (a build tree).
std::vector<std::string> shippedModelFolders();

/// The shipped model of `method` for the physics `geometry`: among the shipped model files of
/// that method, the first whose training physics agrees with `geometry` (geometryWarnings()
/// empty), else the first of the method; with no geometry, the first. Empty when none is
/// shipped. The learned methods' default options name it, so DGN, MS-D Net and PhaseGAN run
/// without a model of one's own.
std::string shippedModel(Method method, const core::Geometry* geometry = nullptr);

/// The model's entry for `path`; never throws (an unreadable file gives valid = false).
ModelEntry describeModel(const std::string& path);

/// Every regular file in `folder` that looks like a model file (looksLikeModelFile()), sorted
/// by name; an absent folder lists nothing. `readOnly` marks each entry (shipped models).
std::vector<ModelEntry> listModels(const std::string& folder, bool readOnly = false);

/// Renames a model file inside its folder to `newName` (a plain file name, no separators).
/// Returns the new path. Throws core::InputError when the name is empty or has a separator,
/// the target exists, or the rename fails.
std::string renameModel(const std::string& path, const std::string& newName);

/// Deletes a model file. Throws core::InputError when `path` is not a PhaseLab model file or
/// cannot be removed.
void deleteModel(const std::string& path);

/// Copies `path` to `destination` atomically (temporary sibling, then rename) after checking
/// that it is a PhaseLab model file (modelInfo()). Throws core::InputError otherwise.
void exportModel(const std::string& path, const std::string& destination);

/// Copies the model file `source` into `folder` under its own name (an existing name gets
/// " (2)", " (3)", … before its extension); returns the new path. Throws core::InputError for
/// a file that is not a PhaseLab model or a folder that cannot be written.
std::string importModel(const std::string& source, const std::string& folder);

/// The metadata of a training checkpoint (train()'s per-epoch file): `method`,
/// `architecture`, `physics`, `training` {history, epochs_done, epochs, …}. Throws
/// core::InputError when `path` is not a PhaseLab checkpoint.
nlohmann::json checkpointInfo(const std::string& path);

/// What the application shows of a checkpoint: the run's settings and history so far.
struct CheckpointSummary {
    Method method = Method::Dgn;
    std::string dataPath;              ///< the data set it trains on
    int epochsDone = 0;                ///< finished epochs
    int epochs = 0;                    ///< the run's total
    int batchSize = 0;
    int trainSamples = 0;              ///< training samples per epoch
    double initialValLoss = 0;         ///< validation loss before the first epoch (0: unknown)
    std::vector<EpochRecord> history;  ///< every finished epoch
};
/// checkpointInfo() as typed values. Throws core::InputError as checkpointInfo().
CheckpointSummary checkpointSummary(const std::string& path);

/// Writes, atomically, a model file holding the current weights of a checkpoint (`best` false)
/// or its best validation epoch's (`best` true), with the checkpoint's metadata, so that
/// LearnedModel::load() can apply a training that is still running. PhaseGAN's checkpoints
/// hold the object generator of the best epoch only: both give that one. Throws
/// core::InputError for a file that is not a checkpoint.
void modelFromCheckpoint(const std::string& checkpoint, const std::string& modelPath,
                         bool best = false);

} // namespace phaselab::models
