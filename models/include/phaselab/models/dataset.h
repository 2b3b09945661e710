#pragma once
// Training data for the learned methods: random access to one split of a PhaseLab HDF5 dataset and a
// batch loader with shuffling, augmentation and a background prefetch thread. Torch-free.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <phaselab/core/geometry.h>

namespace phaselab::models {

/// One split (`train`, `val` or `test`) of a dataset file laid out as architecture.md "Datasets":
/// group `/<split>` with numeric datasets `hologram`, `absorption` and `phase`, each [n, H, W];
/// the physics in attributes `energy_keV`, `distance_m`, `pixel_size_m` (searched on the split
/// group, then the file root, then the hologram dataset) and optionally `padding`
/// ("periodic" | "replicate" | "unit"; default periodic). The file is read through
/// core::DatasetReader, the one reader of that format (core/dataset.h), which also reads the
/// legacy spelling `energy_kev` of older files.
///
/// read() may be called from any thread: every HDF5 call goes through core::lockHdf5(), the one
/// process-wide HDF5 lock (Debian's HDF5 is not built thread-safe).
class DatasetSplit {
public:
    /// Opens `path` and the group `split`. Throws core::InputError("<path>: <problem>") for a
    /// missing file or group, missing datasets, mismatched or non-3D shapes, or invalid physics.
    DatasetSplit(const std::string& path, const std::string& split);
    ~DatasetSplit();
    DatasetSplit(const DatasetSplit&) = delete;
    DatasetSplit& operator=(const DatasetSplit&) = delete;

    /// True when `path` is a data set with a split group `split` holding a hologram dataset
    /// (false when the file cannot be opened or is not a data set).
    static bool hasSplit(const std::string& path, const std::string& split);

    [[nodiscard]] int size() const noexcept;    ///< n, the number of samples
    [[nodiscard]] int height() const noexcept;  ///< H [pixels]
    [[nodiscard]] int width() const noexcept;   ///< W [pixels]
    /// The physics the holograms were simulated or measured with.
    [[nodiscard]] const core::Geometry& geometry() const noexcept;
    /// True when all three physics attributes were found.
    [[nodiscard]] bool hasGeometry() const noexcept;
    /// Boundary handling recorded in the file ("periodic" when absent).
    [[nodiscard]] const std::string& padding() const noexcept;
    /// False when the split's attribute `paired` is 0: holograms and objects come from disjoint
    /// samples (PhaseGAN's unpaired sets), so supervised training cannot use them.
    [[nodiscard]] bool paired() const noexcept;
    [[nodiscard]] const std::string& path() const noexcept;
    [[nodiscard]] const std::string& name() const noexcept;

    /// Reads sample `index` into caller buffers of H·W floats each, row-major [H, W]; any pointer
    /// may be null to skip that dataset. Throws core::InputError for an index out of range or a
    /// failed read.
    void read(int index, float* hologram, float* absorption, float* phase) const;

private:
    struct State;
    std::unique_ptr<State> m;
};

/// A batch of training pairs, host memory, float32 row-major.
struct Batch {
    int count = 0;                 ///< samples in this batch (the last one may be short)
    /// Samples of the global batch this one is a shard of (== count without sharding).
    int globalCount = 0;
    int height = 0, width = 0;     ///< [pixels]; square batches may be rotated by augmentation
    std::vector<float> hologram;   ///< [count, 1, H, W] intensity I
    std::vector<float> target;     ///< [count, 2, H, W] (B, φ) per sample
    std::vector<int> indices;      ///< dataset index of each sample
};

/// Random dihedral augmentation: flips, and quarter turns when the images are square. The Fresnel
/// propagator's kernel depends on |ξ|² only, so a flipped or rotated object has the flipped or
/// rotated hologram (exactly so in periodic mode).
struct Augmentation {
    bool flips = false;
    bool rotations = false;  ///< quarter turns (square images only; ignored otherwise)
};

/// Part `index` of `count` equal parts of every batch (data-parallel training: rank r of a job of
/// W ranks reads part r of each global batch). A batch of m samples gives part r the samples
/// ⌊r·m/W⌋ … ⌊(r+1)·m/W⌋ − 1 of it (sizes differ by at most one; some may be empty).
struct Shard {
    int index = 0;
    int count = 1;
};

/// Splits `split` into batches in a given order and reads them ahead on a background thread.
/// One consumer thread calls next(); destroying the loader stops and joins the reader thread.
/// Exceptions raised while reading are rethrown by next().
class BatchLoader {
public:
    /// @param order  sample indices in the order to deliver them (e.g. a shuffled permutation)
    /// @param batchSize  samples per batch (≥ 1); the last batch holds the remainder
    /// @param seed  seed of the augmentation draws (same seed and order → same batches)
    /// @param prefetch  batches read ahead (≥ 1)
    /// @param shard  the part of each batch to deliver; the augmentation draws are those of the
    ///               whole batch, so the shards of all parts together equal the unsharded batch
    BatchLoader(const DatasetSplit& split, std::vector<int> order, int batchSize,
                Augmentation augmentation = {}, std::uint64_t seed = 0, int prefetch = 2,
                Shard shard = {});
    ~BatchLoader();
    BatchLoader(const BatchLoader&) = delete;
    BatchLoader& operator=(const BatchLoader&) = delete;

    /// The next batch, or nullopt after the last one. Blocks while the reader is behind.
    std::optional<Batch> next();
    /// Number of batches this loader delivers in all.
    [[nodiscard]] int batchCount() const noexcept { return m_batchCount; }

private:
    void run();

    const DatasetSplit& m_split;
    std::vector<int> m_order;
    int m_batchSize;
    int m_batchCount;
    Augmentation m_augmentation;
    std::uint64_t m_seed;
    std::size_t m_prefetch;
    Shard m_shard;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Batch> m_queue;
    int m_delivered = 0;
    bool m_stop = false;
    bool m_done = false;
    std::exception_ptr m_error;
    std::thread m_thread;
};

/// A permutation of 0 … n−1 drawn from `seed` (deterministic on every platform: our own
/// Fisher–Yates on std::mt19937_64, not std::shuffle).
std::vector<int> shuffledOrder(int n, std::uint64_t seed);

/// Mean and standard deviation of the holograms and of each target channel over the first
/// `maxSamples` samples of a split (all when ≤ 0), accumulated in double.
struct DatasetStatistics {
    double hologramMean = 0, hologramStd = 1;
    double absorptionMean = 0, absorptionStd = 1;
    double phaseMean = 0, phaseStd = 1;
    int samples = 0;
};
DatasetStatistics computeStatistics(const DatasetSplit& split, int maxSamples = 0);

} // namespace phaselab::models
