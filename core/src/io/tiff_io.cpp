#include <phaselab/core/tiff_io.h>

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/error.h>
#include <phaselab/version.h>

#include <tiffio.h>

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

TiffPtr openForReading(const std::string& path)
{
    setupLibtiff();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        fail(path, "no such file");
    if (!std::filesystem::is_regular_file(path, ec))
        fail(path, "not a regular file");
    if (std::filesystem::file_size(path, ec) == 0)
        fail(path, "empty file");
    t_lastError.clear();
    // 'h' would read only the header; 'm' avoids mmap so truncated files fail cleanly on read.
    TIFF* t = TIFFOpen(path.c_str(), "rm");
    if (!t)
        fail(path, "not a readable TIFF (" + lastErrorOr("cannot read the header") + ")");
    return TiffPtr(t);
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

int countPages(TIFF* t)
{
    // libtiff guards against IFD loops; cap the walk so a hostile file cannot stall us.
    int pages = 1;
    const tdir_t start = TIFFCurrentDirectory(t);
    while (pages < 100000 && TIFFReadDirectory(t))
        ++pages;
    TIFFSetDirectory(t, start);
    t_lastError.clear();
    return pages;
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

} // namespace

TiffInfo readTiffInfo(const std::string& path)
{
    TiffPtr t = openForReading(path);
    TiffInfo info = readInfo(t.get(), path);
    info.pages = countPages(t.get());
    return info;
}

template <typename T>
Image<T> readTiff(const std::string& path, TiffInfo* infoOut)
{
    TiffPtr tp = openForReading(path);
    TIFF* t = tp.get();
    TiffInfo info = readInfo(t, path);

    std::uint16_t bits = 1, format = SAMPLEFORMAT_UINT, spp = 1, planar = PLANARCONFIG_CONTIG;
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLEFORMAT, &format);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &planar);
    if (spp != 1)
        fail(path, std::to_string(spp) +
                       " samples per pixel (colour); only single-channel images are supported");
    const RowConverter<T> convert = converterFor<T>(format, bits);
    if (!convert)
        fail(path, std::to_string(bits) + "-bit " +
                       (format == SAMPLEFORMAT_IEEEFP ? "float"
                        : format == SAMPLEFORMAT_INT  ? "signed integer"
                        : format == SAMPLEFORMAT_UINT ? "unsigned integer"
                                                      : "sample format " + std::to_string(format)) +
                       " TIFF is not supported (use 8/16/32-bit integer or 32/64-bit float)");
    if (info.width <= 0 || info.height <= 0 ||
        (long long)info.width * info.height > kMaxImagePixels)
        fail(path, "image of " + std::to_string(std::uint32_t(info.width)) + "×" +
                       std::to_string(std::uint32_t(info.height)) +
                       " pixels is larger than PhaseLab accepts (" +
                       std::to_string(kMaxImagePixels) + " pixels)");

    const int w = info.width, h = info.height;
    const std::size_t bytesPerSample = bits / 8;
    Image<T> img(w, h);
    t_lastError.clear();

    if (TIFFIsTiled(t)) {
        std::uint32_t tw = 0, th = 0;
        TIFFGetField(t, TIFFTAG_TILEWIDTH, &tw);
        TIFFGetField(t, TIFFTAG_TILELENGTH, &th);
        if (tw == 0 || th == 0 || tw > 65536 || th > 65536)
            fail(path, "invalid tile size " + std::to_string(tw) + "×" + std::to_string(th));
        const tmsize_t tileBytes = TIFFTileSize(t);
        if (tileBytes <= 0 || std::size_t(tileBytes) < std::size_t(tw) * th * bytesPerSample)
            fail(path, "invalid tile layout");
        std::vector<std::uint8_t> buf(static_cast<std::size_t>(tileBytes));
        for (std::uint32_t y0 = 0; y0 < std::uint32_t(h); y0 += th)
            for (std::uint32_t x0 = 0; x0 < std::uint32_t(w); x0 += tw) {
                const ttile_t tile = TIFFComputeTile(t, x0, y0, 0, 0);
                if (TIFFReadEncodedTile(t, tile, buf.data(), tileBytes) < 0)
                    fail(path, "cannot decode tile at (" + std::to_string(x0) + ", " +
                                   std::to_string(y0) + "): " + lastErrorOr("truncated file?"));
                const std::uint32_t nx = std::min<std::uint32_t>(tw, w - x0);
                const std::uint32_t ny = std::min<std::uint32_t>(th, h - y0);
                for (std::uint32_t r = 0; r < ny; ++r)
                    convert(buf.data() + std::size_t(r) * tw * bytesPerSample, nx,
                            img.row(int(y0 + r)) + x0);
            }
    } else {
        std::uint32_t rowsPerStrip = 0;
        TIFFGetFieldDefaulted(t, TIFFTAG_ROWSPERSTRIP, &rowsPerStrip);
        if (rowsPerStrip == 0 || rowsPerStrip > std::uint32_t(h))
            rowsPerStrip = std::uint32_t(h);
        const std::size_t rowBytes = std::size_t(w) * bytesPerSample;
        const tstrip_t nStrips = TIFFNumberOfStrips(t);
        std::vector<std::uint8_t> buf(rowBytes * rowsPerStrip);
        for (tstrip_t s = 0; s < nStrips; ++s) {
            const std::uint32_t y0 = s * rowsPerStrip;
            if (y0 >= std::uint32_t(h))
                break;
            const std::uint32_t ny = std::min<std::uint32_t>(rowsPerStrip, h - y0);
            const tmsize_t want = tmsize_t(rowBytes * ny);
            const tmsize_t got = TIFFReadEncodedStrip(t, s, buf.data(), want);
            if (got < want)
                fail(path, "cannot decode rows " + std::to_string(y0) + "–" +
                               std::to_string(y0 + ny - 1) + ": " +
                               lastErrorOr("truncated file?"));
            for (std::uint32_t r = 0; r < ny; ++r)
                convert(buf.data() + r * rowBytes, std::size_t(w), img.row(int(y0 + r)));
        }
    }
    if (infoOut) {
        info.pages = countPages(t);
        *infoOut = std::move(info);
    }
    return img;
}

template Image<float> readTiff(const std::string&, TiffInfo*);
template Image<double> readTiff(const std::string&, TiffInfo*);

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

} // namespace

template <typename T>
void writeTiff(const std::string& path, const Image<T>& image, const ImageMetadata& meta)
{
    setupLibtiff();
    if (image.empty())
        fail(path, "refusing to write an empty image");
    AtomicFile file(path);
    t_lastError.clear();
    // Images above 4 GB need BigTIFF; everything else stays classic TIFF for the widest support.
    const bool big = double(image.size()) * sizeof(T) > 3.9e9;
    TIFF* raw = TIFFOpen(file.tempPath().c_str(), big ? "w8" : "w");
    if (!raw)
        fail(path, "cannot create file (" + lastErrorOr("permission denied?") + ")");
    TiffPtr tp(raw);
    TIFF* t = tp.get();

    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, std::uint32_t(image.width()));
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, std::uint32_t(image.height()));
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, std::uint16_t(8 * sizeof(T)));
    TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, sampleFormatOf<T>());
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, std::uint16_t(1));
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(t, 0));
    const std::string software = std::string("PhaseLab ") + PHASELAB_VERSION;
    TIFFSetField(t, TIFFTAG_SOFTWARE, software.c_str());
    const std::string dateTime = currentDateTime();
    TIFFSetField(t, TIFFTAG_DATETIME, dateTime.c_str());

    // ImageJ description: Fiji reads the calibration unit and the display range from it.
    std::ostringstream desc;
    desc << "ImageJ=1.54f\n";
    if (meta.pixelSizeM > 0 && std::isfinite(meta.pixelSizeM)) {
        const char* unit = "nm";
        double scale = 1e9;
        if (meta.pixelSizeM >= 1e-6 && meta.pixelSizeM < 1e-3) {
            unit = "micron";
            scale = 1e6;
        } else if (meta.pixelSizeM >= 1e-3) {
            unit = "mm";
            scale = 1e3;
        }
        const float res = float(1.0 / (meta.pixelSizeM * scale));  // pixels per unit
        TIFFSetField(t, TIFFTAG_XRESOLUTION, res);
        TIFFSetField(t, TIFFTAG_YRESOLUTION, res);
        TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_NONE);
        desc << "unit=" << unit << "\n";
    }
    if constexpr (std::is_floating_point_v<T>) {
        const ImageStats st = imageStats(image.template cast<double>());
        if (st.max > st.min)
            desc << "min=" << st.min << "\nmax=" << st.max << "\n";
    }
    const std::string description = desc.str();
    TIFFSetField(t, TIFFTAG_IMAGEDESCRIPTION, description.c_str());

    std::vector<std::uint8_t> ijData;
    std::uint32_t ijCounts[2] = {0, 0};
    if (!meta.parameters.is_null()) {
        // JSON escaped to ASCII, stored as ImageJ "info" (UTF-16 in the file's byte order).
        const std::string text = meta.parameters.dump(2, ' ', true);
        const bool be = TIFFIsBigEndian(t);
        appendU32(ijData, kIjMagic, be);
        appendU32(ijData, kIjInfo, be);
        appendU32(ijData, 1, be);
        for (char c : text) {
            ijData.push_back(be ? 0 : std::uint8_t(c));
            ijData.push_back(be ? std::uint8_t(c) : 0);
        }
        ijCounts[0] = 12;
        ijCounts[1] = std::uint32_t(2 * text.size());
        TIFFSetField(t, kTagIjByteCounts, std::uint32_t(2), ijCounts);
        TIFFSetField(t, kTagIjMetadata, std::uint32_t(ijData.size()), ijData.data());
    }

    for (int y = 0; y < image.height(); ++y) {
        if (TIFFWriteScanline(t, const_cast<T*>(image.row(y)), std::uint32_t(y), 0) < 0)
            fail(path, "write failed at row " + std::to_string(y) + " (" +
                           lastErrorOr("disk full?") + ")");
    }
    if (!TIFFWriteDirectory(t))
        fail(path, "write failed (" + lastErrorOr("disk full?") + ")");
    tp.reset();  // TIFFClose flushes
    if (!t_lastError.empty())
        fail(path, "write failed (" + lastErrorOr("") + ")");
    file.commit();
}

template void writeTiff(const std::string&, const Image<std::uint8_t>&, const ImageMetadata&);
template void writeTiff(const std::string&, const Image<std::uint16_t>&, const ImageMetadata&);
template void writeTiff(const std::string&, const Image<std::uint32_t>&, const ImageMetadata&);
template void writeTiff(const std::string&, const Image<std::int16_t>&, const ImageMetadata&);
template void writeTiff(const std::string&, const Image<float>&, const ImageMetadata&);
template void writeTiff(const std::string&, const Image<double>&, const ImageMetadata&);

} // namespace phaselab::core
