#pragma once
// ESRF Data Format (EDF): an ASCII header "{ Key = Value ; … }" padded to a multiple of 512
// bytes, followed by raw pixels in the byte order and type the header declares. A file may hold
// several such blocks (frames) back to back.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <phaselab/core/image.h>
#include <phaselab/core/tiff_io.h>

namespace phaselab::core {

/// What an EDF file holds, from its headers (no pixels decoded).
struct EdfInfo {
    int width = 0;          ///< Dim_1 of the first frame (fastest axis)
    int height = 0;         ///< Dim_2 of the first frame
    int frames = 0;         ///< header + data blocks in the file
    std::string dtype;      ///< numpy-style: uint8 … float64
    std::string dataType;   ///< as declared (UnsignedShort, FloatValue, …)
    bool bigEndian = false; ///< ByteOrder = HighByteFirst
    /// Header keys and values of the first frame, in file order.
    std::vector<std::pair<std::string, std::string>> header;
    /// Calibration from PSize_1 [m] (ESRF convention), when present.
    ImageMetadata metadata;
};

/// Reads the headers of every block. Throws InputError("<path>: <problem>") for a missing, empty
/// or non-EDF file, an unknown DataType or ByteOrder, a compressed block, a header whose sizes
/// disagree (Size ≠ Dim_1 × Dim_2 × bytes) or claim more data than the file holds.
EdfInfo readEdfInfo(const std::string& path);

/// An EDF file opened once and read frame by frame (memory: one frame). Not thread-safe.
class EdfFile {
public:
    explicit EdfFile(const std::string& path);
    ~EdfFile();
    EdfFile(EdfFile&&) noexcept;
    EdfFile& operator=(EdfFile&&) noexcept;

    [[nodiscard]] const EdfInfo& info() const noexcept;
    [[nodiscard]] int frames() const noexcept;
    /// Frame `frame` (0-based) as [Dim_2, Dim_1] of T (float or double).
    template <typename T>
    Image<T> readFrame(int frame);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// One frame of an EDF file; see EdfFile.
template <typename T>
Image<T> readEdf(const std::string& path, int frame = 0, EdfInfo* info = nullptr);

/// Writes a single-frame EDF of T (uint8, uint16, int16, int32, uint32, float, double)
/// atomically, in the given byte order, with PSize_1/PSize_2 [m] when calibrated and `extra`
/// header keys (values must not contain ';', '{' or '}'). Throws InputError naming the file.
template <typename T>
void writeEdf(const std::string& path, const Image<T>& image, const ImageMetadata& meta = {},
              bool bigEndian = false,
              const std::vector<std::pair<std::string, std::string>>& extra = {});

} // namespace phaselab::core
