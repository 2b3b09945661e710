#pragma once

#include <string>

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

/// What a TIFF file holds, read from its header without decoding pixels.
struct TiffInfo {
    int width = 0;
    int height = 0;
    int pages = 0;
    std::string dtype;        ///< numpy-style: uint8, uint16, uint32, int8, int16, int32, float32, float64
    std::string compression;  ///< none, lzw, deflate, packbits, …
    bool tiled = false;
    bool bigTiff = false;
    ImageMetadata metadata;
};

/// Largest image PhaseLab decodes (pixels); larger headers are refused before any allocation.
inline constexpr long long kMaxImagePixels = 1LL << 29;

/// Reads the header of a TIFF file. Throws InputError("<path>: <problem>") for a missing,
/// truncated or unsupported file.
TiffInfo readTiffInfo(const std::string& path);

/// Reads the first page of a single-channel 8/16/32-bit integer or 32/64-bit float TIFF,
/// converting the values to T (float or double). Striped and tiled layouts and any compression
/// libtiff decodes are accepted. Throws InputError naming the file and the problem; never
/// allocates more than the header-checked size.
template <typename T>
Image<T> readTiff(const std::string& path, TiffInfo* info = nullptr);

/// Writes a single-page, single-channel TIFF of T (uint8, uint16, uint32, int16, float, double)
/// atomically. When meta.pixelSizeM > 0 the file carries ImageJ calibration (XResolution /
/// YResolution in pixels per unit, "unit=" in an ImageJ description) so Fiji shows physical
/// sizes; meta.parameters, when set, is stored as JSON. Throws InputError naming the file.
template <typename T>
void writeTiff(const std::string& path, const Image<T>& image, const ImageMetadata& meta = {});

} // namespace phaselab::core
