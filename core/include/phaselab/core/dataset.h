#pragma once
// PhaseLab data set files (architecture.md, "Datasets"): HDF5 with one group per split.
//
//   /                      attributes: every physics and simulation parameter (energy_keV,
//                          distance_m, pixel_size_m, padding, …), the seed, the protocol,
//                          phaselab_version, and "parameters" (all of it as JSON)
//   /train /val /test      attributes: count, paired (1, or 0 when holograms and objects come
//                          from disjoint samples), split
//       hologram   [n, H, W] float32   recorded intensity (1 = unattenuated beam)
//       absorption [n, H, W] float32   B = k ∫β dz
//       phase      [n, H, W] float32   φ = k ∫δ dz [rad]
//       ppsnr_db   [n] float64         noise level of each hologram [dB]
//       photons    [n] float64         photons counted per frame (Poisson noise only)
//
// Image datasets are chunked one sample per chunk ([1, H, W]) with the shuffle and deflate
// filters, so any HDF5 reader (h5py, HDF5 C, Fiji's HDF5 plugin) opens them and a loader reads
// sample i with one chunk decode.
//
// DatasetReader and DatasetWriter are the only code that reads or writes this layout: the
// simulator, the training loader (models/dataset.h) and the tests all go through them. They call
// HDF5 under lockHdf5() (hdf5_lock.h).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>

namespace phaselab::core {

/// The split group names, in file order.
inline const std::vector<std::string>& datasetSplits()
{
    static const std::vector<std::string> names = {"train", "val", "test"};
    return names;
}

/// One row of a split.
struct DatasetSample {
    ImageF hologram;    ///< [H, W]
    ImageF absorption;  ///< [H, W]
    ImageF phase;       ///< [H, W]
    double ppsnrDb = 0; ///< NaN when the file stores none
};

/// The physics a split was simulated or measured with, as its attributes record it. Each value
/// is looked up on the split group, then the root group, then the split's hologram dataset; the
/// first place that has it wins. Values found nowhere are empty.
struct DatasetPhysics {
    /// Attribute `energy_keV` [keV]; files of older PhaseLab versions spell it `energy_kev`,
    /// which is read too.
    std::optional<double> energyKeV;
    std::optional<double> distanceM;    ///< attribute `distance_m` [m]
    std::optional<double> pixelSizeM;   ///< attribute `pixel_size_m` [m]
    std::optional<std::string> padding; ///< attribute `padding`: "periodic", "replicate" or "unit"
    /// True when energy, distance and pixel size were all found.
    [[nodiscard]] bool complete() const noexcept;
};

/// Reads a PhaseLab data set (or any HDF5 file with the same layout). Every call holds
/// lockHdf5(), the process-wide HDF5 lock (Debian's HDF5 is not thread-safe), so a reader may be
/// shared by threads; reads from several threads, and from other HDF5 users, are serialised.
class DatasetReader {
public:
    /// Opens the file read-only and checks the layout: every split group with a hologram dataset
    /// is listed, and its hologram, absorption and phase datasets (the latter two when present)
    /// must be numeric [n, H, W] with the same n, H, W in a split and the same H, W in all
    /// splits. Throws InputError naming the file (and the dataset) when it cannot be opened, has
    /// no split group with a hologram, or breaks those rules.
    explicit DatasetReader(const std::string& path);
    ~DatasetReader();
    DatasetReader(DatasetReader&&) noexcept;
    DatasetReader& operator=(DatasetReader&&) noexcept;

    [[nodiscard]] const std::string& path() const noexcept;
    /// Split groups present, in the order train, val, test.
    [[nodiscard]] std::vector<std::string> splits() const;
    [[nodiscard]] bool hasSplit(const std::string& split) const;
    /// True when the split is listed and has a dataset `name` ("absorption", "ppsnr_db", …).
    [[nodiscard]] bool contains(const std::string& split, const std::string& name) const;
    /// Rows in a split (the length of its hologram dataset). Throws InputError for a missing split.
    [[nodiscard]] std::size_t count(const std::string& split) const;
    [[nodiscard]] int width() const noexcept;
    [[nodiscard]] int height() const noexcept;
    /// False when the split's attribute `paired` is 0 (unpaired set: holograms and objects of
    /// disjoint samples); true otherwise. Throws InputError for a missing split.
    [[nodiscard]] bool paired(const std::string& split) const;

    /// Row `index` of dataset `name` ("hologram", "absorption", "phase") of a split.
    /// Throws InputError for a missing split or dataset or an index out of range.
    [[nodiscard]] ImageF readImage(const std::string& split, const std::string& name,
                                   std::size_t index) const;
    /// The same row into a caller buffer of width() × height() floats, row-major [H, W].
    void readImage(const std::string& split, const std::string& name, std::size_t index,
                   float* out) const;
    /// Row `index` of the three image datasets and ppsnr_db.
    [[nodiscard]] DatasetSample read(const std::string& split, std::size_t index) const;
    /// A per-sample scalar dataset ("ppsnr_db", "photons"); empty when absent.
    [[nodiscard]] std::vector<double> readScalars(const std::string& split,
                                                  const std::string& name) const;

    /// The root group's attributes as JSON (numbers, strings, arrays of them).
    [[nodiscard]] nlohmann::json attributes() const;
    /// A split group's attributes.
    [[nodiscard]] nlohmann::json splitAttributes(const std::string& split) const;
    /// The physics attributes of a split (see DatasetPhysics for where they are looked up).
    /// Throws InputError for a missing split.
    [[nodiscard]] DatasetPhysics physics(const std::string& split) const;
    /// E, D, Δx from the root attributes energy_keV (or the legacy energy_kev), distance_m,
    /// pixel_size_m. Throws InputError when one is missing or the geometry is invalid.
    [[nodiscard]] Geometry geometry() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

/// Writes the layout above. Image rows can be encoded (shuffled and deflated) on any thread
/// with encode() and written by the owning thread with writeImage(), which stores the chunk as
/// is (HDF5 direct chunk write). One writer is not thread-safe apart from encode(), but its HDF5
/// calls hold lockHdf5(), so writers and readers on other threads do not disturb one another.
class DatasetWriter {
public:
    /// A row compressed exactly as the datasets' filter pipeline would store it.
    struct EncodedImage {
        int width = 0, height = 0;
        std::vector<unsigned char> bytes;
    };

    /// Creates (truncates) `path` for [height, width] rows. Object times are not recorded, so
    /// the same writes give the same bytes. Throws InputError naming the file on failure.
    DatasetWriter(const std::string& path, int width, int height, int deflateLevel = 4);
    ~DatasetWriter();
    DatasetWriter(const DatasetWriter&) = delete;
    DatasetWriter& operator=(const DatasetWriter&) = delete;

    /// Writes JSON values as attributes of the root group: strings, booleans (int32 0/1),
    /// integers (int64 or uint64), numbers (float64), arrays of numbers or strings; anything
    /// else is stored as its JSON text.
    void setAttributes(const nlohmann::json& attributes);
    /// Creates a split group with `count` rows of hologram, absorption, phase and a float64
    /// dataset [count] for each of `scalars`; `attributes` go onto the group.
    void createSplit(const std::string& split, std::size_t count,
                     const nlohmann::json& attributes,
                     const std::vector<std::string>& scalars = {"ppsnr_db"});

    /// Shuffle + deflate at `deflateLevel`, the datasets' filter pipeline. Thread-safe.
    static EncodedImage encode(const ImageF& image, int deflateLevel);
    /// Stores an encoded row. Throws InputError on a shape mismatch or HDF5 failure.
    void writeImage(const std::string& split, const std::string& name, std::size_t index,
                    const EncodedImage& encoded);
    /// Encodes and stores a row.
    void writeImage(const std::string& split, const std::string& name, std::size_t index,
                    const ImageF& image);
    /// values[i] goes to row first + i of scalar dataset `name`.
    void writeScalars(const std::string& split, const std::string& name, std::size_t first,
                      const std::vector<double>& values);

    /// Closes every HDF5 object and the file (flushing it). Later calls throw.
    void close();

    [[nodiscard]] int deflateLevel() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace phaselab::core
