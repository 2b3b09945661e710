#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <phaselab/core/image.h>

namespace phaselab::core {

/// Physical calibration and PhaseLab parameters stored with an image file.
struct ImageMetadata {
    /// Pixel size [m]; 0 when the file carries no physical calibration.
    double pixelSizeM = 0;
    /// Reconstruction / simulation parameters (a JSON object), null when absent. PhaseLab stores it
    /// as the ImageJ "Info" property (tag 50839), so Fiji shows it under Image ▸ Show Info.
    nlohmann::json parameters;
    /// The raw ImageDescription text (read only).
    std::string description;
    /// The Software tag (read only; PhaseLab writes its name and version).
    std::string software;
};

/// What a TIFF file holds, read from its header without decoding pixels. Shape, type and layout
/// describe the first page; `pages` counts the image file directories (IFDs) in the chain.
struct TiffInfo {
    int width = 0;
    int height = 0;
    int pages = 0;
    std::string dtype;        ///< numpy-style: uint8, uint16, uint32, int8, int16, int32, float32, float64
    std::string compression;  ///< none, lzw, deflate, packbits, …
    bool tiled = false;
    bool bigTiff = false;
    bool bigEndian = false;   ///< byte order of the file ("MM")
    ImageMetadata metadata;
};

/// Largest image PhaseLab decodes (pixels); larger headers are refused before any allocation.
inline constexpr long long kMaxImagePixels = 1LL << 29;

/// Most pages PhaseLab follows in one TIFF; a longer (or looping) IFD chain is refused with an
/// InputError instead of being walked for ever.
inline constexpr int kMaxTiffPages = 1000000;

/// Reads the header of a TIFF file (first page, page count). Throws InputError("<path>: <problem>")
/// for a missing, truncated or unsupported file, an IFD chain that loops or is longer than
/// kMaxTiffPages.
TiffInfo readTiffInfo(const std::string& path);

/// Reads the first page of a single-channel 8/16/32-bit integer or 32/64-bit float TIFF,
/// converting the values to T (float or double). Striped and tiled layouts and any compression
/// libtiff decodes are accepted. Throws InputError naming the file and the problem; never
/// allocates more than the header-checked size.
template <typename T>
Image<T> readTiff(const std::string& path, TiffInfo* info = nullptr);

/// Reads page `page` (0-based) of a TIFF, as readTiff(). For several pages of one file use
/// TiffStack, which opens the file once.
template <typename T>
Image<T> readTiffPage(const std::string& path, int page, TiffInfo* info = nullptr);

/// A multi-page TIFF opened for reading frame by frame: memory stays at one decoded frame plus one
/// strip or tile, whatever the number of pages. Opening walks the IFD chain once (offsets only,
/// no pixels), so any page is then reached directly. Not thread-safe: one reader per thread.
class TiffStack {
public:
    /// Opens `path` and walks its pages. Throws InputError as readTiffInfo().
    explicit TiffStack(const std::string& path);
    ~TiffStack();
    TiffStack(TiffStack&&) noexcept;
    TiffStack& operator=(TiffStack&&) noexcept;
    TiffStack(const TiffStack&) = delete;
    TiffStack& operator=(const TiffStack&) = delete;

    /// Header of the first page, with `pages` filled in.
    [[nodiscard]] const TiffInfo& info() const noexcept;
    [[nodiscard]] int pages() const noexcept;
    [[nodiscard]] const std::string& path() const noexcept;

    /// Decodes page `page` (0-based) as [H, W] of T (float or double). Pages may differ in
    /// shape and type; each is checked before allocation. Throws InputError naming the file, the
    /// page and the problem.
    template <typename T>
    Image<T> readPage(int page);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Layout choices for writing a TIFF. The defaults give the widest compatibility: uncompressed,
/// striped, little-endian classic TIFF, switching to BigTIFF only when the data exceed 4 GB.
struct TiffWriteOptions {
    std::string compression = "none";  ///< none, lzw, deflate or packbits
    int tileSize = 0;                  ///< 0: strips; otherwise square tiles of this side (multiple of 16)
    bool bigEndian = false;            ///< write "MM" (big-endian) instead of "II"
    bool forceBigTiff = false;         ///< BigTIFF even for small files (readers' tests, very large stacks)
    /// ImageJ display range written as min=/max=; when equal, writeTiff() takes the image's
    /// range and TiffStackWriter writes none.
    double displayMin = 0, displayMax = 0;
};

/// True when `bytes` of pixel data need BigTIFF (classic TIFF offsets are 32-bit; a margin is
/// kept for the directories and metadata).
[[nodiscard]] bool tiffNeedsBigTiff(double bytes) noexcept;

/// Writes a single-page, single-channel TIFF of T (uint8, uint16, uint32, int8, int16, int32,
/// float, double) atomically. When meta.pixelSizeM > 0 the file carries ImageJ calibration
/// (XResolution / YResolution in pixels per unit, "unit=" in an ImageJ description) so Fiji shows
/// physical sizes; meta.parameters, when set, is stored as JSON. Throws InputError naming the file.
template <typename T>
void writeTiff(const std::string& path, const Image<T>& image, const ImageMetadata& meta = {},
               const TiffWriteOptions& options = {});

/// Writes a multi-page TIFF frame by frame, atomically: nothing appears at `path` before
/// commit(); destroying an uncommitted writer removes the temporary file. The first page carries
/// the ImageJ hyperstack description (`images=`, `slices=`), calibration and parameters, so Fiji
/// opens it as a stack with physical units. BigTIFF is chosen when pages × frame bytes exceed
/// 4 GB. Memory: one frame at a time. Not thread-safe.
template <typename T>
class TiffStackWriter {
public:
    /// Prepares a stack of `pages` frames of width × height. Throws InputError naming the file.
    TiffStackWriter(const std::string& path, int width, int height, int pages,
                    const ImageMetadata& meta = {}, const TiffWriteOptions& options = {});
    ~TiffStackWriter();
    TiffStackWriter(const TiffStackWriter&) = delete;
    TiffStackWriter& operator=(const TiffStackWriter&) = delete;

    /// Appends the next frame ([H, W], the shape given at construction).
    void append(const Image<T>& frame);
    /// Checks that all pages were appended, closes the file and renames it onto the target.
    void commit();
    [[nodiscard]] bool bigTiff() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Writes all `frames` (same shape) as one multi-page TIFF with TiffStackWriter; the ImageJ
/// display range (min/max) is taken over every frame.
template <typename T>
void writeTiffStack(const std::string& path, const std::vector<Image<T>>& frames,
                    const ImageMetadata& meta = {}, const TiffWriteOptions& options = {});

} // namespace phaselab::core
