#include <phaselab/core/image_io.h>

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/edf_io.h>
#include <phaselab/core/error.h>
#include <phaselab/core/hdf5_io.h>

#include "raw_file.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace phaselab::core {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& problem)
{
    throw InputError(where + ": " + problem);
}

bool isRegularFile(const std::string& p)
{
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec);
}

std::string extensionOf(const std::string& path)
{
    std::string e = std::filesystem::path(path).extension().string();
    for (char& c : e)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return e;
}

std::uint32_t be32(const std::uint8_t* p)
{
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}
std::uint32_t le32(const std::uint8_t* p)
{
    return std::uint32_t(p[3]) << 24 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[1]) << 8 | p[0];
}
std::uint16_t le16(const std::uint8_t* p) { return std::uint16_t(p[1] << 8 | p[0]); }
std::uint16_t be16(const std::uint8_t* p) { return std::uint16_t(p[0] << 8 | p[1]); }

// Width, height, channels and bit depth from a PNG/JPEG/BMP header, so that absurd sizes are
// refused before OpenCV allocates, and `info` works without decoding.
struct RasterHeader {
    long long width = 0, height = 0;
    int channels = 0, bits = 0;
};

RasterHeader rasterHeader(const io::RawFile& f, ImageFormat format)
{
    const std::string& path = f.path();
    RasterHeader r;
    if (format == ImageFormat::Png) {
        std::uint8_t h[26];
        if (!f.readAt(0, h, sizeof h) || std::memcmp(h + 12, "IHDR", 4) != 0)
            fail(path, "PNG without an IHDR header (truncated or corrupt file)");
        r.width = be32(h + 16);
        r.height = be32(h + 20);
        // libpng may accept a file cut after its pixel data; a complete PNG ends with IEND.
        const std::string tail = f.readSome(f.size() >= 12 ? f.size() - 12 : 0, 12);
        if (tail.find("IEND") == std::string::npos)
            fail(path, "PNG has no IEND chunk at its end (truncated file?)");
        r.bits = h[24];
        switch (h[25]) {
        case 0: r.channels = 1; break;
        case 2: r.channels = 3; break;
        case 3: r.channels = 3; r.bits = 8; break;  // palette, expanded to BGR
        case 4: r.channels = 2; break;
        case 6: r.channels = 4; break;
        default: fail(path, "PNG colour type " + std::to_string(h[25]) + " is invalid");
        }
    } else if (format == ImageFormat::Bmp) {
        std::uint8_t h[30];
        if (!f.readAt(0, h, sizeof h))
            fail(path, "BMP header is truncated");
        const std::uint32_t dib = le32(h + 14);
        if (dib == 12) {
            r.width = le16(h + 18);
            r.height = le16(h + 20);
            r.bits = le16(h + 24);
        } else if (dib >= 40 && dib <= 1024) {
            r.width = std::int32_t(le32(h + 18));
            r.height = std::llabs(std::int32_t(le32(h + 22)));
            r.bits = le16(h + 28);
        } else {
            fail(path, "BMP with an unknown header size " + std::to_string(dib));
        }
        std::uint8_t c4[4] = {};
        const std::uint32_t comp = dib >= 40 && f.readAt(30, c4, 4) ? le32(c4) : 0;
        if (comp == 0 || comp == 3) {  // uncompressed rows: the file must hold them all
            const std::uint64_t stride = ((std::uint64_t(r.width) * r.bits + 31) / 32) * 4;
            const std::uint64_t need = std::uint64_t(le32(h + 10)) + stride * std::uint64_t(r.height);
            if (need > f.size())
                fail(path, "BMP header declares " + std::to_string(need) + " bytes but the file has " +
                               std::to_string(f.size()) + " (truncated file?)");
        }
        r.channels = r.bits <= 8 ? 1 : r.bits == 32 ? 4 : 3;
        r.bits = 8;
    } else if (format == ImageFormat::Jpeg) {
        const std::string s = f.readSome(0, 4 << 20);
        std::size_t p = 2;
        while (p + 4 <= s.size()) {
            if (std::uint8_t(s[p]) != 0xFF) {
                ++p;
                continue;
            }
            const std::uint8_t m = std::uint8_t(s[p + 1]);
            if (m == 0xFF) {
                ++p;
                continue;
            }
            if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
                p += 2;
                continue;
            }
            const std::size_t len = be16(reinterpret_cast<const std::uint8_t*>(s.data()) + p + 2);
            const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
            if (sof) {
                if (p + 10 > s.size())
                    break;
                const auto* q = reinterpret_cast<const std::uint8_t*>(s.data()) + p + 4;
                r.bits = q[0];
                r.height = be16(q + 1);
                r.width = be16(q + 3);
                r.channels = q[5];
                break;
            }
            if (len < 2)
                break;
            p += 2 + len;
        }
        if (r.width == 0)
            fail(path, "JPEG without a frame header (truncated or corrupt file)");
        // libjpeg fills a cut-off file with grey and only warns; a complete JPEG ends with EOI.
        const std::string tail = f.readSome(f.size() >= 1024 ? f.size() - 1024 : 0, 1024);
        if (tail.find("\xFF\xD9") == std::string::npos)
            fail(path, "JPEG has no end-of-image marker (truncated file?)");
    }
    if (r.width <= 0 || r.height <= 0)
        fail(path, std::string(formatName(format)) + " image is empty (" +
                       std::to_string(r.width) + "×" + std::to_string(r.height) + ")");
    if ((long double)r.width * (long double)r.height > (long double)kMaxImagePixels)
        fail(path, "image of " + std::to_string(r.width) + "×" + std::to_string(r.height) +
                       " pixels is larger than PhaseLab accepts (" +
                       std::to_string(kMaxImagePixels) + " pixels)");
    return r;
}

constexpr const char* kGreyRule =
    "ITU-R BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B (alpha dropped), values kept in the "
    "file's range";

void fillRasterInfo(const RasterHeader& r, ImageFormat format, ImageFileInfo& info)
{
    info.format = format;
    info.width = int(r.width);
    info.height = int(r.height);
    info.frames = 1;
    info.dtype = r.bits > 8 ? "uint16" : "uint8";
    info.details["channels"] = r.channels;
    info.details["bit_depth"] = r.bits;
    info.details["greyscale"] = r.channels == 1 ? "none (grey file)" : kGreyRule;
}

// The dataset an HDF5 file without a path means: the NXtomo detector data, else its only image.
std::string defaultDataset(const std::string& file, const std::vector<Hdf5DatasetInfo>& all,
                           const std::optional<NxTomoInfo>& nx, bool required)
{
    if (nx)
        return nx->dataPath;
    std::vector<std::string> images;
    for (const auto& d : all)
        if (d.isImage())
            images.push_back(d.path);
    if (images.size() == 1)
        return images[0];
    if (!required)
        return {};
    if (images.empty())
        fail(file, "HDF5 file has no 2D or 3D numeric dataset to read as an image");
    std::string list;
    for (std::size_t i = 0; i < images.size() && i < 8; ++i)
        list += (i ? ", " : "") + images[i];
    fail(file, "HDF5 file has " + std::to_string(images.size()) + " image datasets (" + list +
                   (images.size() > 8 ? ", …" : "") + "); name one as " + file + ":/path");
}

nlohmann::json datasetsJson(const std::vector<Hdf5DatasetInfo>& all)
{
    nlohmann::json a = nlohmann::json::array();
    for (const auto& d : all) {
        if (a.size() >= 10000)
            break;
        a.push_back({{"path", d.path}, {"shape", d.shape}, {"dtype", d.dtype}});
    }
    return a;
}

} // namespace

const char* formatName(ImageFormat f)
{
    switch (f) {
    case ImageFormat::Tiff: return "tiff";
    case ImageFormat::Hdf5: return "hdf5";
    case ImageFormat::Edf: return "edf";
    case ImageFormat::Png: return "png";
    case ImageFormat::Jpeg: return "jpeg";
    case ImageFormat::Bmp: return "bmp";
    default: return "unknown";
    }
}

ImageSpec parseImageSpec(const std::string& spec)
{
    if (spec.empty())
        throw InputError("(empty file name): no input file given");
    if (isRegularFile(spec))
        return {spec, {}};
    std::size_t pos = spec.find(":/");
    const std::size_t first = pos;
    while (pos != std::string::npos) {
        if (pos > 0 && isRegularFile(spec.substr(0, pos)))
            return {spec.substr(0, pos), spec.substr(pos + 1)};
        pos = spec.find(":/", pos + 1);
    }
    if (first != std::string::npos && first > 0)
        return {spec.substr(0, first), spec.substr(first + 1)};
    return {spec, {}};
}

ImageFormat detectImageFormat(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        fail(path, "no such file");
    if (!std::filesystem::is_regular_file(path, ec))
        fail(path, "not a regular file");
    io::RawFile f(path);
    if (f.size() == 0)
        fail(path, "empty file");
    const std::string h = f.readSome(0, 16);
    auto starts = [&](const char* magic, std::size_t n) {
        return h.size() >= n && std::memcmp(h.data(), magic, n) == 0;
    };
    if (starts("II*\0", 4) || starts("MM\0*", 4) || starts("II+\0", 4) || starts("MM\0+", 4))
        return ImageFormat::Tiff;
    if (starts("\x89HDF\r\n\x1a\n", 8))
        return ImageFormat::Hdf5;
    if (starts("\x89PNG\r\n\x1a\n", 8))
        return ImageFormat::Png;
    if (starts("\xFF\xD8\xFF", 3))
        return ImageFormat::Jpeg;
    if (starts("BM", 2) && f.size() >= 30)
        return ImageFormat::Bmp;
    const std::size_t b = h.find_first_not_of(" \t\r\n");
    if (b != std::string::npos && h[b] == '{')
        return ImageFormat::Edf;
    // HDF5 allows a user block before the signature (512, 1024, … bytes).
    for (std::uint64_t off = 512; off < f.size() && off <= (1u << 20); off *= 2)
        if (f.readSome(off, 8) == std::string("\x89HDF\r\n\x1a\n", 8))
            return ImageFormat::Hdf5;
    const std::string ext = extensionOf(path);
    if (ext == ".tif" || ext == ".tiff")
        return ImageFormat::Tiff;
    if (ext == ".h5" || ext == ".hdf5" || ext == ".hdf" || ext == ".nxs" || ext == ".nx5")
        return ImageFormat::Hdf5;
    if (ext == ".edf")
        return ImageFormat::Edf;
    if (ext == ".png")
        return ImageFormat::Png;
    if (ext == ".jpg" || ext == ".jpeg")
        return ImageFormat::Jpeg;
    if (ext == ".bmp")
        return ImageFormat::Bmp;
    return ImageFormat::Unknown;
}

ImageF readRaster(const std::string& path, ImageFileInfo* infoOut)
{
    const ImageFormat format = detectImageFormat(path);
    if (format != ImageFormat::Png && format != ImageFormat::Jpeg && format != ImageFormat::Bmp)
        fail(path, "not a PNG, JPEG or BMP file");
    RasterHeader r;
    {
        io::RawFile f(path);
        r = rasterHeader(f, format);
    }
    cv::Mat m;
    try {
        m = cv::imread(path, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        fail(path, std::string("cannot decode ") + formatName(format) + " (" + e.what() + ")");
    }
    if (m.empty())
        fail(path, std::string("cannot decode ") + formatName(format) +
                       " (truncated or corrupt file?)");
    if (m.cols != r.width || m.rows != r.height)
        fail(path, "decoded size differs from the header");
    cv::Mat f32;
    m.convertTo(f32, CV_MAKETYPE(CV_32F, m.channels()));
    cv::Mat grey;
    switch (f32.channels()) {
    case 1: grey = f32; break;
    case 2: cv::extractChannel(f32, grey, 0); break;  // grey + alpha
    case 3: cv::cvtColor(f32, grey, cv::COLOR_BGR2GRAY); break;
    case 4: cv::cvtColor(f32, grey, cv::COLOR_BGRA2GRAY); break;
    default: fail(path, std::to_string(f32.channels()) + " channels are not supported");
    }
    ImageF img(grey.cols, grey.rows, kNoInit);
    for (int y = 0; y < grey.rows; ++y)
        std::memcpy(img.row(y), grey.ptr<float>(y), sizeof(float) * std::size_t(grey.cols));
    if (infoOut) {
        ImageFileInfo info;
        info.path = path;
        fillRasterInfo(r, format, info);
        info.details["channels"] = m.channels();
        info.details["greyscale"] = m.channels() == 1 ? "none (grey file)" : kGreyRule;
        info.dtype = m.depth() == CV_16U ? "uint16" : m.depth() == CV_8U ? "uint8" : info.dtype;
        *infoOut = std::move(info);
    }
    return img;
}

ImageFileInfo imageInfo(const std::string& specText)
{
    const ImageSpec spec = parseImageSpec(specText);
    const ImageFormat format = detectImageFormat(spec.path);
    if (!spec.dataset.empty() && format != ImageFormat::Hdf5)
        fail(spec.path, std::string("is a ") + formatName(format) +
                            " file; a dataset path (\":" + spec.dataset + "\") needs HDF5");
    ImageFileInfo info;
    info.path = spec.path;
    info.format = format;
    switch (format) {
    case ImageFormat::Tiff: {
        const TiffInfo t = readTiffInfo(spec.path);
        info.width = t.width;
        info.height = t.height;
        info.frames = t.pages;
        info.dtype = t.dtype;
        info.metadata = t.metadata;
        info.details = {{"compression", t.compression},
                        {"tiled", t.tiled},
                        {"bigtiff", t.bigTiff},
                        {"byte_order", t.bigEndian ? "big-endian" : "little-endian"}};
        break;
    }
    case ImageFormat::Edf: {
        const EdfInfo e = readEdfInfo(spec.path);
        info.width = e.width;
        info.height = e.height;
        info.frames = e.frames;
        info.dtype = e.dtype;
        info.metadata = e.metadata;
        nlohmann::json header = nlohmann::json::object();
        for (const auto& [k, v] : e.header)
            header[k] = v;
        info.details = {{"data_type", e.dataType},
                        {"byte_order", e.bigEndian ? "HighByteFirst" : "LowByteFirst"},
                        {"header", header}};
        break;
    }
    case ImageFormat::Hdf5: {
        const auto all = listHdf5Datasets(spec.path);
        const auto nx = findNxTomo(spec.path);
        info.details["datasets"] = datasetsJson(all);
        if (nx)
            info.details["nxtomo"] = {{"data", nx->dataPath},
                                      {"image_key", nx->imageKeyPath},
                                      {"projections", nx->projectionFrames.size()},
                                      {"flats", nx->flatFrames.size()},
                                      {"darks", nx->darkFrames.size()}};
        info.details["file_attributes"] = readHdf5Attributes(spec.path, "/");
        info.dataset = spec.dataset.empty() ? defaultDataset(spec.path, all, nx, false)
                                            : spec.dataset;
        if (!info.dataset.empty()) {
            Hdf5Stack s(spec.path, info.dataset);
            info.dataset = s.info().path;
            info.width = s.width();
            info.height = s.height();
            info.frames = s.frames();
            info.dtype = s.info().dtype;
            info.metadata = readHdf5Metadata(spec.path, info.dataset);
            info.details["attributes"] = readHdf5Attributes(spec.path, info.dataset);
        }
        break;
    }
    case ImageFormat::Png:
    case ImageFormat::Jpeg:
    case ImageFormat::Bmp: {
        io::RawFile f(spec.path);
        fillRasterInfo(rasterHeader(f, format), format, info);
        break;
    }
    default:
        fail(spec.path, "unknown image format (expected TIFF, HDF5, EDF, PNG, JPEG or BMP; "
                        "the first bytes match none of them)");
    }
    return info;
}

struct FrameReader::Impl {
    ImageFileInfo info;
    std::unique_ptr<TiffStack> tiff;
    std::unique_ptr<Hdf5Stack> hdf5;
    std::unique_ptr<EdfFile> edf;
};

FrameReader::FrameReader(const std::string& specText) : m_impl(std::make_unique<Impl>())
{
    const ImageSpec spec = parseImageSpec(specText);
    Impl& d = *m_impl;
    d.info = imageInfo(specText);
    switch (d.info.format) {
    case ImageFormat::Tiff: d.tiff = std::make_unique<TiffStack>(spec.path); break;
    case ImageFormat::Edf: d.edf = std::make_unique<EdfFile>(spec.path); break;
    case ImageFormat::Hdf5:
        if (d.info.dataset.empty()) {
            defaultDataset(spec.path, listHdf5Datasets(spec.path), findNxTomo(spec.path), true);
            fail(spec.path, "HDF5 file has no dataset to read");
        }
        d.hdf5 = std::make_unique<Hdf5Stack>(spec.path, d.info.dataset);
        break;
    default: break;
    }
}

FrameReader::~FrameReader() = default;
FrameReader::FrameReader(FrameReader&&) noexcept = default;
FrameReader& FrameReader::operator=(FrameReader&&) noexcept = default;

const ImageFileInfo& FrameReader::info() const noexcept { return m_impl->info; }
int FrameReader::frames() const noexcept { return m_impl->info.frames; }

ImageF FrameReader::read(int frame)
{
    Impl& d = *m_impl;
    if (d.tiff)
        return d.tiff->readPage<float>(frame);
    if (d.hdf5)
        return d.hdf5->readFrame<float>(frame);
    if (d.edf)
        return d.edf->readFrame<float>(frame);
    if (frame != 0)
        fail(d.info.path, "frame " + std::to_string(frame) +
                              " does not exist (the file has 1 frame, numbered 0)");
    return readRaster(d.info.path);
}

ImageF readImage(const std::string& spec, int frame, ImageFileInfo* info)
{
    FrameReader r(spec);
    ImageF img = r.read(frame);
    if (info)
        *info = r.info();
    return img;
}

void writePng(const std::string& path, const ImageF& image, double lo, double hi, int bits)
{
    if (image.empty())
        fail(path, "refusing to write an empty image");
    if (!(std::isfinite(lo) && std::isfinite(hi) && hi > lo))
        fail(path, "display range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                       "] is empty or not finite");
    if (bits != 8 && bits != 16)
        fail(path, "PNG depth must be 8 or 16 bits, not " + std::to_string(bits));
    const double top = bits == 8 ? 255.0 : 65535.0;
    cv::Mat m(image.height(), image.width(), bits == 8 ? CV_8UC1 : CV_16UC1);
    const double scale = top / (hi - lo);
    for (int y = 0; y < image.height(); ++y) {
        const float* src = image.row(y);
        for (int x = 0; x < image.width(); ++x) {
            double v = (double(src[x]) - lo) * scale;
            v = std::isnan(v) ? 0.0 : std::clamp(v, 0.0, top);
            if (bits == 8)
                m.at<std::uint8_t>(y, x) = std::uint8_t(std::lround(v));
            else
                m.at<std::uint16_t>(y, x) = std::uint16_t(std::lround(v));
        }
    }
    std::vector<std::uint8_t> buf;
    try {
        if (!cv::imencode(".png", m, buf))
            fail(path, "PNG encoding failed");
    } catch (const cv::Exception& e) {
        fail(path, std::string("PNG encoding failed (") + e.what() + ")");
    }
    AtomicFile file(path);
    {
        std::ofstream out(file.tempPath(), std::ios::binary);
        out.write(reinterpret_cast<const char*>(buf.data()), std::streamsize(buf.size()));
        out.flush();
        if (!out)
            fail(path, "write failed (disk full?)");
    }
    file.commit();
}

} // namespace phaselab::core
