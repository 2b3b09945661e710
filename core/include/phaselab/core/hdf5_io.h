#pragma once
// HDF5 images: every dataset listed with shape and type, any 2D dataset or one frame of a 3D
// dataset read by path, NeXus NXtomo scans (image_key), and PhaseLab's phase/absorption output.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <phaselab/core/image.h>
#include <phaselab/core/tiff_io.h>

namespace phaselab::core {

/// One dataset of an HDF5 file.
struct Hdf5DatasetInfo {
    std::string path;                  ///< absolute, e.g. "/entry/data/data"
    std::vector<std::uint64_t> shape;  ///< HDF5 order (slowest first): [H, W] or [n, H, W]
    std::string dtype;                 ///< numpy-style (uint16, float32, …) or "string", "compound", …
    /// True for 2D/3D integer or float datasets: the ones PhaseLab can read as images.
    [[nodiscard]] bool isImage() const;
};

/// Largest number of objects listHdf5Datasets() visits before it stops (hostile files).
inline constexpr std::size_t kMaxHdf5Objects = 100000;

/// Every dataset in the file, depth first in name order, with shape and type. Throws
/// InputError("<file>: <problem>") when the file is missing or not HDF5.
std::vector<Hdf5DatasetInfo> listHdf5Datasets(const std::string& file);

/// Shape and type of one dataset. Throws InputError naming the file and the path when the path
/// does not exist or names a group (the message lists the datasets there).
Hdf5DatasetInfo hdf5DatasetInfo(const std::string& file, const std::string& dataset);

/// The attributes PhaseLab knows (pixel_size_m, parameters, software, unit(s), NX_class,
/// definition, long_name, signal, axes, title, energy_keV, distance_m, method) of the object at
/// `objectPath` ("/" for the file) as JSON: numbers, fixed-length strings and small numeric
/// arrays; others are described by their type. Two limits protect against bugs that fuzzing
/// found in libhdf5 1.10 on corrupt files: attributes are looked up by name, never by walking the
/// attribute table (a crash), and variable-length strings are named but not read (an endless
/// loop in the global heap).
nlohmann::json readHdf5Attributes(const std::string& file, const std::string& objectPath);

/// PhaseLab's calibration and parameters from the attributes of `dataset` and of the root group:
/// `pixel_size_m` (metres) and `parameters` (a JSON string).
ImageMetadata readHdf5Metadata(const std::string& file, const std::string& dataset);

/// A 2D dataset or a 3D stack [n, H, W] opened once and read frame by frame through a hyperslab
/// (memory: one frame). Integer and float types are converted by HDF5. Not thread-safe.
class Hdf5Stack {
public:
    /// Opens `dataset` in `file`. Throws InputError for a missing path, a group, a dataset that is
    /// not 2D or 3D, a non-numeric type, or frames larger than kMaxImagePixels.
    Hdf5Stack(const std::string& file, const std::string& dataset);
    ~Hdf5Stack();
    Hdf5Stack(Hdf5Stack&&) noexcept;
    Hdf5Stack& operator=(Hdf5Stack&&) noexcept;

    [[nodiscard]] const Hdf5DatasetInfo& info() const noexcept;
    [[nodiscard]] int frames() const noexcept;  ///< 1 for a 2D dataset
    [[nodiscard]] int width() const noexcept;
    [[nodiscard]] int height() const noexcept;

    /// Frame `frame` (0-based; 0 for a 2D dataset) as [H, W] of T (float or double).
    template <typename T>
    Image<T> readFrame(int frame);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// One frame of a dataset; see Hdf5Stack.
template <typename T>
Image<T> readHdf5Frame(const std::string& file, const std::string& dataset, int frame = 0);

/// A NeXus NXtomo scan: one 3D detector dataset whose frames are projections, flats and darks
/// as told by `image_key` (0 projection, 1 flat, 2 dark; 3 "invalid" frames are skipped).
struct NxTomoInfo {
    std::string dataPath;      ///< the 3D detector dataset
    std::string imageKeyPath;  ///< the image_key dataset
    std::vector<int> imageKey; ///< one per frame of dataPath
    std::vector<int> projectionFrames, flatFrames, darkFrames;  ///< frame indices in dataPath
};

/// The NXtomo scan in `file`, if any: looked for under each top-level group at
/// instrument/detector/{data,image_key} and data/{data,image_key}. Throws InputError when an
/// image_key exists but does not match its data (length, values).
std::optional<NxTomoInfo> findNxTomo(const std::string& file);

/// One image to write: a name (dataset name under "/"), its pixels, and the unit of its values.
struct NamedImage {
    std::string name;
    const ImageF* image = nullptr;
    std::string unit;  ///< "rad" for phase, "1" (dimensionless) for absorption and intensity
};

/// Writes the images as float32 datasets "/<name>" [H, W] (chunked, deflate-compressed) in a new
/// HDF5 file, atomically. The root group and every dataset carry `pixel_size_m` (when
/// calibrated), `parameters` (meta.parameters as a JSON string), `software`, and each scalar of
/// meta.parameters as an attribute named by its JSON path ("geometry.energy_keV"); datasets also
/// get `unit`. Strings are fixed-length UTF-8 (h5py returns them as bytes: `.decode()`), never
/// variable-length: see readHdf5Attributes(). All images must have the same shape. Throws
/// InputError naming the file.
void writeHdf5Images(const std::string& file, const std::vector<NamedImage>& images,
                     const ImageMetadata& meta = {});

/// PhaseLab's reconstruction output: datasets "/phase" (rad) and "/absorption" (B, dimensionless).
void writeHdf5PhaseAbsorption(const std::string& file, const ImageF& phase,
                              const ImageF& absorption, const ImageMetadata& meta = {});

} // namespace phaselab::core
