#pragma once
// One entry point for every image file PhaseLab reads: TIFF, HDF5 (`FILE.h5:/path`), ESRF EDF,
// PNG, JPEG and BMP, chosen by magic bytes (then by extension); and the 8/16-bit PNG export.

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include <phaselab/core/image.h>
#include <phaselab/core/tiff_io.h>

namespace phaselab::core {

enum class ImageFormat { Unknown, Tiff, Hdf5, Edf, Png, Jpeg, Bmp };

/// "tiff", "hdf5", "edf", "png", "jpeg", "bmp" or "unknown".
const char* formatName(ImageFormat f);

/// A file and, for HDF5, a dataset path inside it.
struct ImageSpec {
    std::string path;     ///< the file on disk
    std::string dataset;  ///< "/entry/data/data", or empty (the file's default image)
};

/// Splits "FILE.h5:/path/in/file" into file and dataset. A spec naming an existing file is taken
/// whole (so file names with ":/" still work); otherwise the split is at the first ":/" whose
/// left part is an existing file, else at the first ":/". No I/O beyond existence checks.
ImageSpec parseImageSpec(const std::string& spec);

/// The format by magic bytes (TIFF "II*\0"/"MM\0*", BigTIFF, HDF5 signature, "{" EDF header,
/// PNG, JPEG "FF D8 FF", BMP "BM"), or by extension when the bytes say nothing. Throws
/// InputError for a missing or empty file.
ImageFormat detectImageFormat(const std::string& path);

/// Everything known about an image file without decoding its pixels.
struct ImageFileInfo {
    std::string path;     ///< the file
    std::string dataset;  ///< HDF5: the dataset read by default or named in the spec
    ImageFormat format = ImageFormat::Unknown;
    int width = 0, height = 0;
    int frames = 0;       ///< pages (TIFF), frames of a 3D dataset (HDF5), blocks (EDF), 1 otherwise
    std::string dtype;    ///< numpy-style sample type as stored (uint16, float32, …)
    ImageMetadata metadata;
    /// Format-specific facts: TIFF compression/tiled/bigtiff/byte order; HDF5 `datasets` (every
    /// dataset with shape and dtype), `attributes`, `nxtomo` (projection/flat/dark counts); EDF
    /// `header`; PNG/JPEG/BMP `channels`, `bit_depth`, `greyscale` (the conversion applied).
    nlohmann::json details = nlohmann::json::object();
};

/// Shape, type, frames and metadata of `spec` ("FILE", "FILE.h5:/dataset"). For an HDF5 file
/// without a dataset path, the default is the NXtomo detector data when there is one, else the
/// only 2D/3D numeric dataset; with several candidates and no path, info still succeeds (listing
/// them) while readImage() asks for a path. Throws InputError naming the file and the problem.
ImageFileInfo imageInfo(const std::string& spec);

/// Frame `frame` (0-based; TIFF page, HDF5 3D index, EDF block) of `spec` as float32 [H, W].
/// Integer samples keep their values (a 16-bit count of 4000 reads 4000.0f). Colour PNG/JPEG/BMP
/// become grey by ITU-R BT.601 luma, Y = 0.299 R + 0.587 G + 0.114 B (OpenCV's BGR2GRAY, done
/// in float); alpha is dropped. NaN/Inf pixels are returned as stored: callers that need finite
/// data call requireFinite(). Throws InputError naming the file and the problem.
ImageF readImage(const std::string& spec, int frame = 0, ImageFileInfo* info = nullptr);

/// An image file opened once for reading frame after frame, whatever its format (memory: one
/// frame). Not thread-safe.
class FrameReader {
public:
    explicit FrameReader(const std::string& spec);
    ~FrameReader();
    FrameReader(FrameReader&&) noexcept;
    FrameReader& operator=(FrameReader&&) noexcept;

    [[nodiscard]] const ImageFileInfo& info() const noexcept;
    [[nodiscard]] int frames() const noexcept;
    /// Frame `frame` as float32 [H, W]; see readImage().
    ImageF read(int frame);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// PNG/JPEG/BMP read through OpenCV (see readImage() for the grey conversion).
ImageF readRaster(const std::string& path, ImageFileInfo* info = nullptr);

/// Writes `image` as an 8-bit (or 16-bit) grey PNG, atomically: `displayMin` maps to 0 and
/// `displayMax` to 255 (65535), linearly, values outside clipped, NaN written as 0. This is the
/// export "with the current contrast" for slides. Throws InputError naming the file when the
/// range is empty or not finite.
void writePng(const std::string& path, const ImageF& image, double displayMin, double displayMax,
              int bits = 8);

} // namespace phaselab::core
