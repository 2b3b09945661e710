#include <phaselab/core/tiff_io.h>

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/error.h>
#include <phaselab/version.h>

#include "raw_file.h"

#include <tiffio.h>


#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>
#include <unordered_set>
#include <vector>

namespace phaselab::core {

namespace {

// ImageJ's private tags (registered with Adobe): byte counts of, and the metadata blocks.
constexpr ttag_t kTagIjByteCounts = 50838;
constexpr ttag_t kTagIjMetadata = 50839;
constexpr std::uint32_t kIjMagic = 0x494a494a;  // "IJIJ"
constexpr std::uint32_t kIjInfo = 0x696e666f;   // "info"

thread_local std::string t_lastError;

void errorHandler(const char* module, const char* fmt, va_list ap)
{
    char buf[512];
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    t_lastError = buf;
}

TIFFExtendProc g_parentExtender = nullptr;

void tagExtender(TIFF* tif)
{
    static const TIFFFieldInfo fields[] = {
        {kTagIjByteCounts, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_LONG, FIELD_CUSTOM, 1, 1,
         const_cast<char*>("IJMetadataByteCounts")},
        {kTagIjMetadata, TIFF_VARIABLE2, TIFF_VARIABLE2, TIFF_BYTE, FIELD_CUSTOM, 1, 1,
         const_cast<char*>("IJMetadata")},
    };
    TIFFMergeFieldInfo(tif, fields, sizeof fields / sizeof fields[0]);
    if (g_parentExtender)
        g_parentExtender(tif);
}

void setupLibtiff()
{
    static std::once_flag once;
    std::call_once(once, [] {
        TIFFSetErrorHandler(errorHandler);
        TIFFSetWarningHandler(nullptr);  // unknown private tags are common; stay quiet
        g_parentExtender = TIFFSetTagExtender(tagExtender);
    });
}

struct TiffCloser {
    void operator()(TIFF* t) const noexcept { TIFFClose(t); }
};
using TiffPtr = std::unique_ptr<TIFF, TiffCloser>;

[[noreturn]] void fail(const std::string& path, const std::string& problem)
{
    throw InputError(path + ": " + problem);
}

std::string lastErrorOr(const char* fallback)
{
    std::string e = t_lastError;
    t_lastError.clear();
    return e.empty() ? fallback : e;
}

std::string dtypeName(int format, int bits)
{
    const char* base = format == SAMPLEFORMAT_IEEEFP ? "float"
                       : format == SAMPLEFORMAT_INT  ? "int"
                                                     : "uint";
    return std::string(base) + std::to_string(bits);
}

std::string compressionName(std::uint16_t c)
{
    switch (c) {
    case COMPRESSION_NONE: return "none";
    case COMPRESSION_LZW: return "lzw";
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE: return "deflate";
    case COMPRESSION_PACKBITS: return "packbits";
    case COMPRESSION_JPEG: return "jpeg";
    case COMPRESSION_LZMA: return "lzma";
    case COMPRESSION_ZSTD: return "zstd";
    default: return "code " + std::to_string(c);
    }
}

double unitInMetres(std::string unit)
{
    if (unit == "nm" || unit == "nanometer" || unit == "nanometre")
        return 1e-9;
    if (unit == "micron" || unit == "um" || unit == "µm" || unit == "\\u00B5m" || unit == "μm")
        return 1e-6;
    if (unit == "mm")
        return 1e-3;
    if (unit == "cm")
        return 1e-2;
    if (unit == "m" || unit == "meter" || unit == "metre")
        return 1.0;
    if (unit == "inch")
        return 0.0254;
    return 0;
}

// "key=value" lines of an ImageJ description.
std::string imagejValue(const std::string& description, const std::string& key)
{
    std::istringstream in(description);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + "=", 0) == 0)
            return line.substr(key.size() + 1);
    }
    return {};
}

std::uint32_t readU32(const std::uint8_t* p, bool bigEndian)
{
    return bigEndian ? (std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 |
                        std::uint32_t(p[2]) << 8 | p[3])
                     : (std::uint32_t(p[3]) << 24 | std::uint32_t(p[2]) << 16 |
                        std::uint32_t(p[1]) << 8 | p[0]);
}

void appendU32(std::vector<std::uint8_t>& out, std::uint32_t v, bool bigEndian)
{
    for (int i = 0; i < 4; ++i) {
        const int shift = bigEndian ? 24 - 8 * i : 8 * i;
        out.push_back(std::uint8_t(v >> shift));
    }
}

// The ImageJ "info" string from tags 50838/50839, or "" (ImageJ writes integers and UTF-16
// characters in the file's byte order).
std::string readImagejInfo(TIFF* t)
{
    std::uint32_t nCounts = 0, nData = 0;
    const std::uint32_t* counts = nullptr;
    const std::uint8_t* data = nullptr;
    if (!TIFFGetField(t, kTagIjByteCounts, &nCounts, &counts) || !counts || nCounts < 2)
        return {};
    if (!TIFFGetField(t, kTagIjMetadata, &nData, &data) || !data)
        return {};
    const bool be = TIFFIsBigEndian(t);
    const std::uint32_t headerSize = counts[0];
    if (headerSize < 4 || headerSize > nData || (headerSize - 4) % 8 != 0)
        return {};
    if (readU32(data, be) != kIjMagic)
        return {};
    std::size_t offset = headerSize;
    std::size_t countIndex = 1;
    for (std::uint32_t h = 4; h + 8 <= headerSize; h += 8) {
        const std::uint32_t type = readU32(data + h, be);
        const std::uint32_t n = readU32(data + h + 4, be);
        for (std::uint32_t k = 0; k < n; ++k, ++countIndex) {
            if (countIndex >= nCounts)
                return {};
            const std::uint32_t len = counts[countIndex];
            if (offset + len > nData)
                return {};
            if (type == kIjInfo) {
                std::string s;
                for (std::uint32_t i = 0; i + 1 < len; i += 2) {
                    const unsigned c = be ? (data[offset + i] << 8 | data[offset + i + 1])
                                          : (data[offset + i + 1] << 8 | data[offset + i]);
                    if (c < 0x80)
                        s.push_back(char(c));
                    else if (c < 0x800) {
                        s.push_back(char(0xC0 | (c >> 6)));
                        s.push_back(char(0x80 | (c & 0x3F)));
                    } else {
                        s.push_back(char(0xE0 | (c >> 12)));
                        s.push_back(char(0x80 | ((c >> 6) & 0x3F)));
                        s.push_back(char(0x80 | (c & 0x3F)));
                    }
                }
                return s;
            }
            offset += len;
        }
    }
    return {};
}

TiffInfo readInfo(TIFF* t, const std::string& path)
{
    TiffInfo info;
    std::uint32_t w = 0, h = 0;
    if (!TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w) || !TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h))
        fail(path, "TIFF has no image size");
    if (w == 0 || h == 0)
        fail(path, "TIFF image is empty (" + std::to_string(w) + "×" + std::to_string(h) + ")");
    info.width = w > 0x7fffffffu ? -1 : int(w);
    info.height = h > 0x7fffffffu ? -1 : int(h);
    std::uint16_t bits = 1, format = SAMPLEFORMAT_UINT, spp = 1, compression = COMPRESSION_NONE;
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLEFORMAT, &format);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &compression);
    info.dtype = dtypeName(format, bits);
    if (spp != 1)
        info.dtype += "×" + std::to_string(spp);
    info.compression = compressionName(compression);
    info.tiled = TIFFIsTiled(t);
    info.bigTiff = TIFFIsBigTIFF(t);
    info.bigEndian = TIFFIsBigEndian(t);

    char* desc = nullptr;
    if (TIFFGetField(t, TIFFTAG_IMAGEDESCRIPTION, &desc) && desc)
        info.metadata.description = desc;
    char* software = nullptr;
    if (TIFFGetField(t, TIFFTAG_SOFTWARE, &software) && software)
        info.metadata.software = software;

    // Calibration: trust only an explicit unit (ImageJ description or centimetre resolution unit);
    // the 72-dpi default most writers put in XResolution means nothing physical.
    float xres = 0;
    std::uint16_t resUnit = RESUNIT_NONE;
    TIFFGetFieldDefaulted(t, TIFFTAG_RESOLUTIONUNIT, &resUnit);
    if (TIFFGetField(t, TIFFTAG_XRESOLUTION, &xres) && xres > 0 && std::isfinite(xres)) {
        double unitM = 0;
        const std::string ijUnit = imagejValue(info.metadata.description, "unit");
        if (info.metadata.description.rfind("ImageJ=", 0) == 0 && !ijUnit.empty())
            unitM = unitInMetres(ijUnit);
        else if (resUnit == RESUNIT_CENTIMETER)
            unitM = 1e-2;
        if (unitM > 0)
            info.metadata.pixelSizeM = unitM / double(xres);
    }

    const std::string ijInfo = readImagejInfo(t);
    if (!ijInfo.empty()) {
        auto j = nlohmann::json::parse(ijInfo, nullptr, false);
        info.metadata.parameters = j.is_discarded() ? nlohmann::json(ijInfo) : j;
    }
    return info;
}

// ---- The IFD chain, walked without libtiff: offsets only, loop- and length-checked ----------

using io::RawFile;

std::uint64_t decodeUInt(const std::uint8_t* p, int bytes, bool bigEndian)
{
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v = bigEndian ? (v << 8) | p[i] : v | (std::uint64_t(p[i]) << (8 * i));
    return v;
}

struct IfdChain {
    bool bigEndian = false;
    bool bigTiff = false;
    std::vector<std::uint64_t> offsets;
};

IfdChain walkIfdChain(const RawFile& f, const std::string& path)
{
    IfdChain chain;
    std::uint8_t head[16] = {};
    if (f.size() < 8 || !f.readAt(0, head, std::min<std::uint64_t>(16, f.size())))
        fail(path, "not a readable TIFF (file of " + std::to_string(f.size()) +
                       " bytes is too short for a TIFF header)");
    if (head[0] == 'I' && head[1] == 'I')
        chain.bigEndian = false;
    else if (head[0] == 'M' && head[1] == 'M')
        chain.bigEndian = true;
    else
        fail(path, "not a readable TIFF (wrong magic bytes: no II/MM byte-order mark)");
    const auto version = decodeUInt(head + 2, 2, chain.bigEndian);
    std::uint64_t next = 0;
    if (version == 42) {
        next = decodeUInt(head + 4, 4, chain.bigEndian);
    } else if (version == 43) {
        if (f.size() < 16 || decodeUInt(head + 4, 2, chain.bigEndian) != 8)
            fail(path, "not a readable TIFF (malformed BigTIFF header)");
        chain.bigTiff = true;
        next = decodeUInt(head + 8, 8, chain.bigEndian);
    } else {
        fail(path, "not a readable TIFF (wrong magic number " + std::to_string(version) +
                       ", expected 42 or 43)");
    }
    const int countBytes = chain.bigTiff ? 8 : 2;
    const int entryBytes = chain.bigTiff ? 20 : 12;
    const int offsetBytes = chain.bigTiff ? 8 : 4;
    std::unordered_set<std::uint64_t> seen;
    while (next != 0) {
        const std::size_t page = chain.offsets.size();
        if (page >= std::size_t(kMaxTiffPages))
            fail(path, "TIFF has more than " + std::to_string(kMaxTiffPages) +
                           " pages; refusing to follow its directory chain further");
        if (!seen.insert(next).second)
            fail(path, "TIFF directory chain loops back at page " + std::to_string(page) +
                           " (corrupt file)");
        std::uint8_t buf[8];
        if (!f.readAt(next, buf, std::size_t(countBytes)))
            fail(path, "directory of page " + std::to_string(page) + " at byte " +
                           std::to_string(next) + " lies beyond the end of the file (" +
                           std::to_string(f.size()) + " bytes; truncated?)");
        const std::uint64_t entries = decodeUInt(buf, countBytes, chain.bigEndian);
        if (entries == 0 || entries > 4096)
            fail(path, "directory of page " + std::to_string(page) + " claims " +
                           std::to_string(entries) + " entries (corrupt file)");
        const std::uint64_t nextPos = next + std::uint64_t(countBytes) + entries * entryBytes;
        if (!f.readAt(nextPos, buf, std::size_t(offsetBytes)))
            fail(path, "directory of page " + std::to_string(page) +
                           " runs past the end of the file (truncated?)");
        chain.offsets.push_back(next);
        next = decodeUInt(buf, offsetBytes, chain.bigEndian);
    }
    if (chain.offsets.empty())
        fail(path, "not a readable TIFF (no image directory)");
    return chain;
}

// ImageJ writes stacks above 4 GB as one directory followed by all frames back to back, with
// "images=N" in its description (tifffile reads them the same way).
struct ImagejContiguous {
    long long images = 0;
    std::uint64_t offset = 0;     ///< first frame's pixel data
    std::uint64_t frameBytes = 0;
};

long long parseCount(const std::string& text)
{
    if (text.empty() || text.size() > 18)
        return -1;
    long long v = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

ImagejContiguous imagejContiguous(TIFF* t, const TiffInfo& info, const RawFile& f,
                                  const std::string& path)
{
    ImagejContiguous c;
    if (info.metadata.description.rfind("ImageJ=", 0) != 0)
        return c;
    const std::string imagesText = imagejValue(info.metadata.description, "images");
    if (imagesText.empty())
        return c;
    const long long images = parseCount(imagesText);
    if (images < 0)
        fail(path, "ImageJ description has an invalid image count \"" + imagesText + "\"");
    if (images <= 1)
        return c;
    if (images > kMaxTiffPages)
        fail(path, "ImageJ description claims " + std::to_string(images) + " images, more than " +
                       std::to_string(kMaxTiffPages) + " pages PhaseLab accepts");
    std::uint16_t compression = COMPRESSION_NONE, bits = 1;
    TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &compression);
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bits);
    if (compression != COMPRESSION_NONE || TIFFIsTiled(t))
        fail(path, "ImageJ description claims " + std::to_string(images) +
                       " images in one compressed or tiled directory");
    const std::uint64_t* offsets = nullptr;
    if (!TIFFGetField(t, TIFFTAG_STRIPOFFSETS, &offsets) || !offsets)
        fail(path, "first page has no strip offsets");
    c.images = images;
    c.offset = offsets[0];
    c.frameBytes = std::uint64_t(info.width) * std::uint64_t(info.height) * (bits / 8);
    const long double need = (long double)c.offset + (long double)c.frameBytes * images;
    if (need > (long double)f.size())
        fail(path, "ImageJ description claims " + std::to_string(images) + " images of " +
                       std::to_string(info.width) + "×" + std::to_string(info.height) + " (" +
                       std::to_string((unsigned long long)need) + " bytes) but the file has only " +
                       std::to_string(f.size()) + " bytes");
    return c;
}

template <typename T, typename S>
void convertRow(const std::uint8_t* src, std::size_t n, T* dst)
{
    S tmp;
    for (std::size_t i = 0; i < n; ++i) {
        std::memcpy(&tmp, src + i * sizeof(S), sizeof(S));
        dst[i] = static_cast<T>(tmp);
    }
}

template <typename T>
using RowConverter = void (*)(const std::uint8_t*, std::size_t, T*);

template <typename T>
RowConverter<T> converterFor(int format, int bits)
{
    if (format == SAMPLEFORMAT_UINT || format == SAMPLEFORMAT_VOID) {
        switch (bits) {
        case 8: return convertRow<T, std::uint8_t>;
        case 16: return convertRow<T, std::uint16_t>;
        case 32: return convertRow<T, std::uint32_t>;
        }
    } else if (format == SAMPLEFORMAT_INT) {
        switch (bits) {
        case 8: return convertRow<T, std::int8_t>;
        case 16: return convertRow<T, std::int16_t>;
        case 32: return convertRow<T, std::int32_t>;
        }
    } else if (format == SAMPLEFORMAT_IEEEFP) {
        switch (bits) {
        case 32: return convertRow<T, float>;
        case 64: return convertRow<T, double>;
        }
    }
    return nullptr;
}

bool hostIsBigEndian()
{
    const std::uint16_t one = 1;
    std::uint8_t b;
    std::memcpy(&b, &one, 1);
    return b == 0;
}

void swapBytes(std::uint8_t* p, std::size_t n, std::size_t width)
{
    if (width <= 1)
        return;
    for (std::size_t i = 0; i < n; ++i, p += width)
        std::reverse(p, p + width);
}

struct PageLayout {
    int width = 0, height = 0;
    std::uint16_t bits = 1, format = SAMPLEFORMAT_UINT;
};

// Checks the current directory's sample layout and size before anything is allocated.
template <typename T>
PageLayout checkPage(TIFF* t, const std::string& where, RowConverter<T>& convert)
{
    PageLayout l;
    std::uint32_t w = 0, h = 0;
    if (!TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w) || !TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h))
        fail(where, "TIFF has no image size");
    if (w == 0 || h == 0)
        fail(where, "TIFF image is empty (" + std::to_string(w) + "×" + std::to_string(h) + ")");
    std::uint16_t spp = 1;
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &l.bits);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLEFORMAT, &l.format);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
    if (spp != 1)
        fail(where, std::to_string(spp) +
                        " samples per pixel (colour); only single-channel images are supported");
    convert = converterFor<T>(l.format, l.bits);
    if (!convert)
        fail(where, std::to_string(l.bits) + "-bit " +
                        (l.format == SAMPLEFORMAT_IEEEFP ? "float"
                         : l.format == SAMPLEFORMAT_INT  ? "signed integer"
                         : l.format == SAMPLEFORMAT_UINT ? "unsigned integer"
                                                         : "sample format " + std::to_string(l.format)) +
                        " TIFF is not supported (use 8/16/32-bit integer or 32/64-bit float)");
    if ((long double)w * (long double)h > (long double)kMaxImagePixels)
        fail(where, "image of " + std::to_string(w) + "×" + std::to_string(h) +
                        " pixels is larger than PhaseLab accepts (" +
                        std::to_string(kMaxImagePixels) + " pixels)");
    l.width = int(w);
    l.height = int(h);
    return l;
}

// Decodes libtiff's current directory.
template <typename T>
Image<T> decodeCurrent(TIFF* t, const std::string& path, const std::string& where)
{
    RowConverter<T> convert = nullptr;
    const PageLayout l = checkPage<T>(t, where, convert);
    const int w = l.width, h = l.height;
    const std::size_t bytesPerSample = l.bits / 8;
    t_lastError.clear();

    if (TIFFIsTiled(t)) {
        std::uint32_t tw = 0, th = 0;
        TIFFGetField(t, TIFFTAG_TILEWIDTH, &tw);
        TIFFGetField(t, TIFFTAG_TILELENGTH, &th);
        if (tw == 0 || th == 0 || tw > 65536 || th > 65536)
            fail(where, "invalid tile size " + std::to_string(tw) + "×" + std::to_string(th));
        const tmsize_t tileBytes = TIFFTileSize(t);
        if (tileBytes <= 0 || std::size_t(tileBytes) < std::size_t(tw) * th * bytesPerSample)
            fail(where, "invalid tile layout");
        Image<T> img(w, h, kNoInit);
        std::vector<std::uint8_t> buf(static_cast<std::size_t>(tileBytes));
        for (std::uint32_t y0 = 0; y0 < std::uint32_t(h); y0 += th)
            for (std::uint32_t x0 = 0; x0 < std::uint32_t(w); x0 += tw) {
                const ttile_t tile = TIFFComputeTile(t, x0, y0, 0, 0);
                if (TIFFReadEncodedTile(t, tile, buf.data(), tileBytes) < 0)
                    fail(where, "cannot decode tile at (" + std::to_string(x0) + ", " +
                                    std::to_string(y0) + "): " + lastErrorOr("truncated file?"));
                const std::uint32_t nx = std::min<std::uint32_t>(tw, w - x0);
                const std::uint32_t ny = std::min<std::uint32_t>(th, h - y0);
                for (std::uint32_t r = 0; r < ny; ++r)
                    convert(buf.data() + std::size_t(r) * tw * bytesPerSample, nx,
                            img.row(int(y0 + r)) + x0);
            }
        return img;
    }
    std::uint32_t rowsPerStrip = 0;
    TIFFGetFieldDefaulted(t, TIFFTAG_ROWSPERSTRIP, &rowsPerStrip);
    if (rowsPerStrip == 0 || rowsPerStrip > std::uint32_t(h))
        rowsPerStrip = std::uint32_t(h);
    const std::size_t rowBytes = std::size_t(w) * bytesPerSample;
    const tstrip_t nStrips = TIFFNumberOfStrips(t);
    const std::uint32_t needStrips = (std::uint32_t(h) + rowsPerStrip - 1) / rowsPerStrip;
    if (nStrips < needStrips)
        fail(where, "has " + std::to_string(nStrips) + " strips for " + std::to_string(h) +
                        " rows of " + std::to_string(rowsPerStrip) + " (corrupt file)");
    Image<T> img(w, h, kNoInit);
    std::vector<std::uint8_t> buf(rowBytes * rowsPerStrip);
    for (tstrip_t s = 0; s < needStrips; ++s) {
        const std::uint32_t y0 = s * rowsPerStrip;
        const std::uint32_t ny = std::min<std::uint32_t>(rowsPerStrip, h - y0);
        const tmsize_t want = tmsize_t(rowBytes * ny);
        const tmsize_t got = TIFFReadEncodedStrip(t, s, buf.data(), want);
        if (got < want)
            fail(where, "cannot decode rows " + std::to_string(y0) + "–" +
                            std::to_string(y0 + ny - 1) + ": " + lastErrorOr("truncated file?"));
        for (std::uint32_t r = 0; r < ny; ++r)
            convert(buf.data() + r * rowBytes, std::size_t(w), img.row(int(y0 + r)));
    }
    return img;
}

TiffPtr openTiff(const std::string& path)
{
    t_lastError.clear();
    // 'm' avoids mmap so truncated files fail cleanly on read.
    TIFF* t = TIFFOpen(path.c_str(), "rm");
    if (!t)
        fail(path, "not a readable TIFF (" + lastErrorOr("cannot read the header") + ")");
    return TiffPtr(t);
}

void checkRegularFile(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        fail(path, "no such file");
    if (!std::filesystem::is_regular_file(path, ec))
        fail(path, "not a regular file");
    if (std::filesystem::file_size(path, ec) == 0)
        fail(path, "empty file");
}

} // namespace

struct TiffStack::Impl {
    std::string path;
    std::unique_ptr<RawFile> raw;
    TiffPtr tiff;
    IfdChain chain;
    ImagejContiguous contiguous;
    TiffInfo info;
    tdir_t current = 0;
};

TiffStack::TiffStack(const std::string& path) : m_impl(std::make_unique<Impl>())
{
    setupLibtiff();
    checkRegularFile(path);
    Impl& d = *m_impl;
    d.path = path;
    d.raw = std::make_unique<RawFile>(path);
    d.chain = walkIfdChain(*d.raw, path);
    d.tiff = openTiff(path);
    d.info = readInfo(d.tiff.get(), path);
    d.info.pages = int(d.chain.offsets.size());
    if (d.chain.offsets.size() == 1) {
        d.contiguous = imagejContiguous(d.tiff.get(), d.info, *d.raw, path);
        if (d.contiguous.images > 1)
            d.info.pages = int(d.contiguous.images);
    }
}

TiffStack::~TiffStack() = default;
TiffStack::TiffStack(TiffStack&&) noexcept = default;
TiffStack& TiffStack::operator=(TiffStack&&) noexcept = default;

const TiffInfo& TiffStack::info() const noexcept { return m_impl->info; }
int TiffStack::pages() const noexcept { return m_impl->info.pages; }
const std::string& TiffStack::path() const noexcept { return m_impl->path; }

template <typename T>
Image<T> TiffStack::readPage(int page)
{
    Impl& d = *m_impl;
    if (page < 0 || page >= d.info.pages)
        fail(d.path, "page " + std::to_string(page) + " does not exist (the file has " +
                         std::to_string(d.info.pages) +
                         (d.info.pages == 1 ? " page" : " pages") + ", numbered from 0)");
    const std::string where =
        d.info.pages > 1 ? d.path + " (page " + std::to_string(page) + ")" : d.path;
    if (d.contiguous.images > 1 && page > 0) {
        // ImageJ's contiguous frames: same layout as page 0, raw bytes in the file's byte order.
        RowConverter<T> convert = nullptr;
        if (d.current != 0) {
            if (!TIFFSetDirectory(d.tiff.get(), 0))
                fail(where, "cannot re-read the first directory");
            d.current = 0;
        }
        const PageLayout l = checkPage<T>(d.tiff.get(), where, convert);
        const std::size_t bps = l.bits / 8;
        const std::size_t rowBytes = std::size_t(l.width) * bps;
        Image<T> img(l.width, l.height, kNoInit);
        std::vector<std::uint8_t> row(rowBytes);
        const std::uint64_t base = d.contiguous.offset + std::uint64_t(page) * d.contiguous.frameBytes;
        const bool swap = d.info.bigEndian != hostIsBigEndian();
        for (int y = 0; y < l.height; ++y) {
            if (!d.raw->readAt(base + std::uint64_t(y) * rowBytes, row.data(), rowBytes))
                fail(where, "cannot read row " + std::to_string(y) + " (truncated file?)");
            if (swap)
                swapBytes(row.data(), std::size_t(l.width), bps);
            convert(row.data(), std::size_t(l.width), img.row(y));
        }
        return img;
    }
    t_lastError.clear();
    if (tdir_t(page) != d.current) {
        const bool ok = tdir_t(page) == d.current + 1 ? TIFFReadDirectory(d.tiff.get()) != 0
                                                      : TIFFSetDirectory(d.tiff.get(), tdir_t(page)) != 0;
        if (!ok)
            fail(where, "cannot read its directory (" + lastErrorOr("corrupt file?") + ")");
        d.current = tdir_t(page);
    }
    return decodeCurrent<T>(d.tiff.get(), d.path, where);
}

template Image<float> TiffStack::readPage<float>(int);
template Image<double> TiffStack::readPage<double>(int);

TiffInfo readTiffInfo(const std::string& path)
{
    TiffStack stack(path);
    return stack.info();
}

template <typename T>
Image<T> readTiffPage(const std::string& path, int page, TiffInfo* infoOut)
{
    TiffStack stack(path);
    Image<T> img = stack.template readPage<T>(page);
    if (infoOut)
        *infoOut = stack.info();
    return img;
}

template <typename T>
Image<T> readTiff(const std::string& path, TiffInfo* infoOut)
{
    return readTiffPage<T>(path, 0, infoOut);
}

template Image<float> readTiff(const std::string&, TiffInfo*);
template Image<double> readTiff(const std::string&, TiffInfo*);
template Image<float> readTiffPage(const std::string&, int, TiffInfo*);
template Image<double> readTiffPage(const std::string&, int, TiffInfo*);

// ---- Writing ---------------------------------------------------------------------------------

namespace {

template <typename T>
constexpr std::uint16_t sampleFormatOf()
{
    if constexpr (std::is_floating_point_v<T>)
        return SAMPLEFORMAT_IEEEFP;
    else if constexpr (std::is_signed_v<T>)
        return SAMPLEFORMAT_INT;
    else
        return SAMPLEFORMAT_UINT;
}

std::string currentDateTime()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char buf[20];
    std::strftime(buf, sizeof buf, "%Y:%m:%d %H:%M:%S", &tm);
    return buf;
}

std::uint16_t compressionCode(const std::string& path, const std::string& name)
{
    if (name == "none" || name.empty())
        return COMPRESSION_NONE;
    if (name == "lzw")
        return COMPRESSION_LZW;
    if (name == "deflate" || name == "zip")
        return COMPRESSION_ADOBE_DEFLATE;
    if (name == "packbits")
        return COMPRESSION_PACKBITS;
    fail(path, "unknown TIFF compression \"" + name + "\" (use none, lzw, deflate or packbits)");
}

// Everything a page needs before its pixels: layout, calibration, and on the first page the
// ImageJ description (stack size, unit, display range) and the parameters as ImageJ "info".
template <typename T>
void setPageTags(TIFF* t, const std::string& path, int width, int height, int pageIndex,
                 int pages, const ImageMetadata& meta, const TiffWriteOptions& opt,
                 double displayMin, double displayMax)
{
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, std::uint32_t(width));
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, std::uint32_t(height));
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, std::uint16_t(8 * sizeof(T)));
    TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, sampleFormatOf<T>());
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, std::uint16_t(1));
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, compressionCode(path, opt.compression));
    if (opt.tileSize > 0) {
        if (opt.tileSize % 16 != 0 || opt.tileSize > 4096)
            fail(path, "tile size " + std::to_string(opt.tileSize) +
                           " is not a multiple of 16 up to 4096");
        TIFFSetField(t, TIFFTAG_TILEWIDTH, std::uint32_t(opt.tileSize));
        TIFFSetField(t, TIFFTAG_TILELENGTH, std::uint32_t(opt.tileSize));
    } else {
        TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(t, 0));
    }
    if (pages > 1) {
        TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
        TIFFSetField(t, TIFFTAG_PAGENUMBER, std::uint16_t(std::min(pageIndex, 65535)),
                     std::uint16_t(std::min(pages, 65535)));
    }
    const std::string software = std::string("PhaseLab ") + PHASELAB_VERSION;
    TIFFSetField(t, TIFFTAG_SOFTWARE, software.c_str());
    const std::string dateTime = currentDateTime();
    TIFFSetField(t, TIFFTAG_DATETIME, dateTime.c_str());

    const bool calibrated = meta.pixelSizeM > 0 && std::isfinite(meta.pixelSizeM);
    const char* unit = "nm";
    double scale = 1e9;
    if (meta.pixelSizeM >= 1e-6 && meta.pixelSizeM < 1e-3) {
        unit = "micron";
        scale = 1e6;
    } else if (meta.pixelSizeM >= 1e-3) {
        unit = "mm";
        scale = 1e3;
    }
    if (calibrated) {
        const float res = float(1.0 / (meta.pixelSizeM * scale));  // pixels per unit
        TIFFSetField(t, TIFFTAG_XRESOLUTION, res);
        TIFFSetField(t, TIFFTAG_YRESOLUTION, res);
        TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_NONE);
    }
    if (pageIndex != 0)
        return;

    // ImageJ description: Fiji reads the stack size, calibration unit and display range from it.
    std::ostringstream desc;
    desc.precision(9);
    desc << "ImageJ=1.54f\n";
    if (pages > 1)
        desc << "images=" << pages << "\nslices=" << pages << "\n";
    if (calibrated)
        desc << "unit=" << unit << "\n";
    if (pages > 1)
        desc << "loop=false\n";
    if (displayMax > displayMin)
        desc << "min=" << displayMin << "\nmax=" << displayMax << "\n";
    const std::string description = desc.str();
    TIFFSetField(t, TIFFTAG_IMAGEDESCRIPTION, description.c_str());

    if (!meta.parameters.is_null()) {
        // JSON escaped to ASCII, stored as ImageJ "info" (UTF-16 in the file's byte order).
        const std::string text = meta.parameters.dump(2, ' ', true);
        const bool be = TIFFIsBigEndian(t);
        std::vector<std::uint8_t> ijData;
        appendU32(ijData, kIjMagic, be);
        appendU32(ijData, kIjInfo, be);
        appendU32(ijData, 1, be);
        for (char c : text) {
            ijData.push_back(be ? 0 : std::uint8_t(c));
            ijData.push_back(be ? std::uint8_t(c) : 0);
        }
        std::uint32_t ijCounts[2] = {12, std::uint32_t(2 * text.size())};
        TIFFSetField(t, kTagIjByteCounts, std::uint32_t(2), ijCounts);
        TIFFSetField(t, kTagIjMetadata, std::uint32_t(ijData.size()), ijData.data());
    }
}

template <typename T>
void writePixels(TIFF* t, const std::string& path, const Image<T>& image, int tileSize)
{
    if (tileSize > 0) {
        std::vector<T> tile(std::size_t(tileSize) * tileSize);
        for (int y0 = 0; y0 < image.height(); y0 += tileSize)
            for (int x0 = 0; x0 < image.width(); x0 += tileSize) {
                std::fill(tile.begin(), tile.end(), T{});
                const int nx = std::min(tileSize, image.width() - x0);
                const int ny = std::min(tileSize, image.height() - y0);
                for (int r = 0; r < ny; ++r)
                    std::copy_n(image.row(y0 + r) + x0, nx, tile.data() + std::size_t(r) * tileSize);
                if (TIFFWriteTile(t, tile.data(), std::uint32_t(x0), std::uint32_t(y0), 0, 0) < 0)
                    fail(path, "write failed at tile (" + std::to_string(x0) + ", " +
                                   std::to_string(y0) + ") (" + lastErrorOr("disk full?") + ")");
            }
        return;
    }
    // libtiff byte-swaps (big-endian files) and encodes in place: hand it a scratch row, never
    // the caller's pixels.
    std::vector<T> row(std::size_t(image.width()));
    for (int y = 0; y < image.height(); ++y) {
        std::copy_n(image.row(y), image.width(), row.data());
        if (TIFFWriteScanline(t, row.data(), std::uint32_t(y), 0) < 0)
            fail(path, "write failed at row " + std::to_string(y) + " (" +
                           lastErrorOr("disk full?") + ")");
    }
}

const char* openMode(bool big, bool bigEndian)
{
    if (big)
        return bigEndian ? "w8b" : "w8l";
    return bigEndian ? "wb" : "wl";
}

} // namespace

bool tiffNeedsBigTiff(double bytes) noexcept
{
    // 2³² bytes minus a margin for directories, tags and the ImageJ metadata.
    return bytes > 4294967296.0 - 64.0 * 1024 * 1024;
}

template <typename T>
void writeTiff(const std::string& path, const Image<T>& image, const ImageMetadata& meta,
               const TiffWriteOptions& options)
{
    if (image.empty())
        fail(path, "refusing to write an empty image");
    TiffWriteOptions opt = options;
    if (!(opt.displayMax > opt.displayMin)) {
        opt.displayMin = opt.displayMax = 0;
        if constexpr (std::is_floating_point_v<T>) {
            const ImageStats st = imageStats(image);
            if (st.max > st.min) {
                opt.displayMin = st.min;
                opt.displayMax = st.max;
            }
        }
    }
    TiffStackWriter<T> writer(path, image.width(), image.height(), 1, meta, opt);
    writer.append(image);
    writer.commit();
}

template <typename T>
struct TiffStackWriter<T>::Impl {
    std::string path;
    std::unique_ptr<AtomicFile> file;
    TiffPtr tiff;
    int width = 0, height = 0, pages = 0, written = 0;
    bool big = false;
    ImageMetadata meta;
    TiffWriteOptions options;
};

template <typename T>
TiffStackWriter<T>::TiffStackWriter(const std::string& path, int width, int height, int pages,
                                    const ImageMetadata& meta, const TiffWriteOptions& options)
    : m_impl(std::make_unique<Impl>())
{
    setupLibtiff();
    Impl& d = *m_impl;
    d.path = path;
    if (width <= 0 || height <= 0 || pages <= 0)
        fail(path, "refusing to write an empty stack (" + std::to_string(width) + "×" +
                       std::to_string(height) + "×" + std::to_string(pages) + ")");
    if (pages > kMaxTiffPages)
        fail(path, "refusing to write more than " + std::to_string(kMaxTiffPages) + " pages");
    compressionCode(path, options.compression);  // validates before the file exists
    d.width = width;
    d.height = height;
    d.pages = pages;
    d.meta = meta;
    d.options = options;
    d.big = options.forceBigTiff ||
            tiffNeedsBigTiff(double(width) * double(height) * double(pages) * sizeof(T));
    d.file = std::make_unique<AtomicFile>(path);
    t_lastError.clear();
    TIFF* raw = TIFFOpen(d.file->tempPath().c_str(), openMode(d.big, options.bigEndian));
    if (!raw)
        fail(path, "cannot create file (" + lastErrorOr("permission denied?") + ")");
    d.tiff.reset(raw);
}

template <typename T>
TiffStackWriter<T>::~TiffStackWriter() = default;

template <typename T>
bool TiffStackWriter<T>::bigTiff() const noexcept
{
    return m_impl->big;
}

template <typename T>
void TiffStackWriter<T>::append(const Image<T>& frame)
{
    Impl& d = *m_impl;
    if (!d.tiff)
        fail(d.path, "stack writer is already closed");
    if (d.written >= d.pages)
        fail(d.path, "more frames appended than the " + std::to_string(d.pages) + " announced");
    if (frame.width() != d.width || frame.height() != d.height)
        fail(d.path, "frame " + std::to_string(d.written) + " is " +
                         std::to_string(frame.width()) + "×" + std::to_string(frame.height()) +
                         ", the stack is " + std::to_string(d.width) + "×" + std::to_string(d.height));
    TIFF* t = d.tiff.get();
    setPageTags<T>(t, d.path, d.width, d.height, d.written, d.pages, d.meta, d.options,
                   d.options.displayMin, d.options.displayMax);
    writePixels(t, d.path, frame, d.options.tileSize);
    if (!TIFFWriteDirectory(t))
        fail(d.path, "write failed (" + lastErrorOr("disk full?") + ")");
    ++d.written;
}

template <typename T>
void TiffStackWriter<T>::commit()
{
    Impl& d = *m_impl;
    if (d.written != d.pages)
        fail(d.path, "stack has " + std::to_string(d.written) + " of " +
                         std::to_string(d.pages) + " announced frames; not written");
    d.tiff.reset();  // TIFFClose flushes
    if (!t_lastError.empty())
        fail(d.path, "write failed (" + lastErrorOr("") + ")");
    d.file->commit();
}

template <typename T>
void writeTiffStack(const std::string& path, const std::vector<Image<T>>& frames,
                    const ImageMetadata& meta, const TiffWriteOptions& options)
{
    if (frames.empty())
        fail(path, "refusing to write an empty stack");
    TiffWriteOptions opt = options;
    if (!(opt.displayMax > opt.displayMin) && std::is_floating_point_v<T>) {
        double lo = 0, hi = 0;
        bool any = false;
        for (const auto& f : frames) {
            const ImageStats st = imageStats(f.template cast<double>());
            if (st.nonFinite == f.size())
                continue;
            lo = any ? std::min(lo, st.min) : st.min;
            hi = any ? std::max(hi, st.max) : st.max;
            any = true;
        }
        opt.displayMin = lo;
        opt.displayMax = hi;
    }
    TiffStackWriter<T> writer(path, frames[0].width(), frames[0].height(), int(frames.size()),
                              meta, opt);
    for (const auto& f : frames)
        writer.append(f);
    writer.commit();
}

#define PHASELAB_TIFF_WRITERS(T)                                                                 \
    template void writeTiff(const std::string&, const Image<T>&, const ImageMetadata&,            \
                            const TiffWriteOptions&);                                             \
    template class TiffStackWriter<T>;                                                            \
    template void writeTiffStack(const std::string&, const std::vector<Image<T>>&,                \
                                 const ImageMetadata&, const TiffWriteOptions&);

PHASELAB_TIFF_WRITERS(std::uint8_t)
PHASELAB_TIFF_WRITERS(std::uint16_t)
PHASELAB_TIFF_WRITERS(std::uint32_t)
PHASELAB_TIFF_WRITERS(std::int8_t)
PHASELAB_TIFF_WRITERS(std::int16_t)
PHASELAB_TIFF_WRITERS(std::int32_t)
PHASELAB_TIFF_WRITERS(float)
PHASELAB_TIFF_WRITERS(double)

} // namespace phaselab::core
