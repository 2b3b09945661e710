#include <phaselab/core/edf_io.h>

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/error.h>
#include <phaselab/version.h>

#include "raw_file.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace phaselab::core {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& problem)
{
    throw InputError(where + ": " + problem);
}

constexpr std::size_t kMaxHeaderBytes = 1 << 20;

enum class Sample { U8, I8, U16, I16, U32, I32, U64, I64, F32, F64 };

struct TypeEntry {
    const char* name;
    Sample sample;
};

// DataType spellings seen in ESRF files (SPEC, PyHST, fabio), compared case-insensitively.
constexpr TypeEntry kTypes[] = {
    {"unsignedbyte", Sample::U8},     {"unsignedchar", Sample::U8},
    {"unsignedinteger8", Sample::U8}, {"signedbyte", Sample::I8},
    {"signedchar", Sample::I8},       {"unsignedshort", Sample::U16},
    {"unsignedshortinteger", Sample::U16}, {"unsignedinteger16", Sample::U16},
    {"signedshort", Sample::I16},     {"signedshortinteger", Sample::I16},
    {"signedinteger16", Sample::I16}, {"unsignedinteger", Sample::U32},
    {"unsignedlong", Sample::U32},    {"unsignedlonginteger", Sample::U32},
    {"unsignedinteger32", Sample::U32}, {"signedinteger", Sample::I32},
    {"signedlong", Sample::I32},      {"signedlonginteger", Sample::I32},
    {"signedinteger32", Sample::I32}, {"unsigned64", Sample::U64},
    {"unsignedinteger64", Sample::U64}, {"signed64", Sample::I64},
    {"signedinteger64", Sample::I64}, {"floatvalue", Sample::F32},
    {"float", Sample::F32},           {"floatieee32", Sample::F32},
    {"real", Sample::F32},            {"doublevalue", Sample::F64},
    {"double", Sample::F64},          {"doubleieee64", Sample::F64},
};

std::size_t sampleBytes(Sample s)
{
    switch (s) {
    case Sample::U8:
    case Sample::I8: return 1;
    case Sample::U16:
    case Sample::I16: return 2;
    case Sample::U32:
    case Sample::I32:
    case Sample::F32: return 4;
    default: return 8;
    }
}

const char* sampleDtype(Sample s)
{
    switch (s) {
    case Sample::U8: return "uint8";
    case Sample::I8: return "int8";
    case Sample::U16: return "uint16";
    case Sample::I16: return "int16";
    case Sample::U32: return "uint32";
    case Sample::I32: return "int32";
    case Sample::U64: return "uint64";
    case Sample::I64: return "int64";
    case Sample::F32: return "float32";
    default: return "float64";
    }
}

std::string lower(std::string s)
{
    for (char& c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

bool parseInt(const std::string& text, long long& out)
{
    if (text.empty() || text.size() > 18)
        return false;
    long long v = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

struct Block {
    std::uint64_t dataOffset = 0;
    int width = 0, height = 0;
    Sample sample = Sample::U16;
    bool bigEndian = false;
};

// Parses the header starting at `offset`; fills `block` and returns the offset after its data.
std::uint64_t parseBlock(const io::RawFile& f, std::uint64_t offset, int index, Block& block,
                         std::vector<std::pair<std::string, std::string>>* keys,
                         std::string* dataTypeName)
{
    const std::string& path = f.path();
    const std::string where = index == 0 ? path : path + " (frame " + std::to_string(index) + ")";
    // Headers are a few KiB: read 4 KiB, growing only while no '}' is in sight.
    std::string head;
    for (std::size_t want = 4096;; want *= 4) {
        head = f.readSome(offset, std::min(want, kMaxHeaderBytes));
        if (head.find('}') != std::string::npos || head.size() < want || want >= kMaxHeaderBytes)
            break;
    }
    std::size_t start = 0;
    while (start < head.size() && std::isspace(static_cast<unsigned char>(head[start])))
        ++start;
    if (start >= head.size() || head[start] != '{')
        fail(where, index == 0 ? "not an EDF file (no '{' header at the start)"
                               : "garbage after frame " + std::to_string(index - 1) +
                                     " (no '{' header)");
    const std::size_t close = head.find('}', start);
    if (close == std::string::npos)
        fail(where, head.size() >= kMaxHeaderBytes ? "EDF header longer than 1 MiB without '}'"
                                                   : "EDF header has no closing '}' (truncated?)");
    std::size_t dataStart = close + 1;
    if (dataStart < head.size() && head[dataStart] == '\r')
        ++dataStart;
    if (dataStart < head.size() && head[dataStart] == '\n')
        ++dataStart;

    long long dim1 = -1, dim2 = -1, size = -1, dim3 = 1;
    std::string byteOrder, dataType, compression;
    std::istringstream in(head.substr(start + 1, close - start - 1));
    std::string item;
    while (std::getline(in, item, ';')) {
        const auto eq = item.find('=');
        if (eq == std::string::npos)
            continue;
        const std::string key = trim(item.substr(0, eq)), value = trim(item.substr(eq + 1));
        if (key.empty())
            continue;
        if (keys)
            keys->emplace_back(key, value);
        const std::string k = lower(key);
        auto intValue = [&](long long& dst) {
            if (!parseInt(value, dst))
                fail(where, "header value " + key + " = \"" + value + "\" is not a size");
        };
        if (k == "dim_1")
            intValue(dim1);
        else if (k == "dim_2")
            intValue(dim2);
        else if (k == "dim_3")
            intValue(dim3);
        else if (k == "size")
            intValue(size);
        else if (k == "byteorder")
            byteOrder = value;
        else if (k == "datatype")
            dataType = value;
        else if (k == "compression")
            compression = value;
    }
    if (dim1 <= 0 || dim2 <= 0)
        fail(where, "EDF header lacks a positive Dim_1 and Dim_2 (got " + std::to_string(dim1) +
                        ", " + std::to_string(dim2) + ")");
    if (dim3 != 1)
        fail(where, "EDF block with Dim_3 = " + std::to_string(dim3) +
                        " (volumes are not supported; one image per block)");
    if ((long double)dim1 * (long double)dim2 > (long double)kMaxImagePixels)
        fail(where, "image of " + std::to_string(dim1) + "×" + std::to_string(dim2) +
                        " pixels is larger than PhaseLab accepts (" +
                        std::to_string(kMaxImagePixels) + " pixels)");
    if (!compression.empty() && lower(compression) != "none" && lower(compression) != "no" &&
        lower(compression) != "nocompression")
        fail(where, "compressed EDF (Compression = " + compression + ") is not supported");
    const std::string lt = lower(dataType);
    const TypeEntry* type = nullptr;
    for (const TypeEntry& e : kTypes)
        if (lt == e.name)
            type = &e;
    if (!type)
        fail(where, dataType.empty() ? "EDF header has no DataType"
                                     : "unknown EDF DataType \"" + dataType + "\"");
    const std::string lb = lower(byteOrder);
    if (lb == "highbytefirst")
        block.bigEndian = true;
    else if (lb == "lowbytefirst" || (lb.empty() && sampleBytes(type->sample) == 1))
        block.bigEndian = false;
    else
        fail(where, byteOrder.empty() ? "EDF header has no ByteOrder"
                                      : "unknown EDF ByteOrder \"" + byteOrder + "\"");
    const std::uint64_t bytes = std::uint64_t(dim1) * std::uint64_t(dim2) * sampleBytes(type->sample);
    if (size >= 0 && std::uint64_t(size) != bytes)
        fail(where, "EDF header says Size = " + std::to_string(size) + " bytes but Dim_1 × Dim_2 × " +
                        std::to_string(sampleBytes(type->sample)) + " = " + std::to_string(bytes));
    block.dataOffset = offset + dataStart;
    if (block.dataOffset > f.size() || bytes > f.size() - block.dataOffset)
        fail(where, "EDF header declares " + std::to_string(bytes) + " bytes of data but only " +
                        std::to_string(block.dataOffset > f.size() ? 0 : f.size() - block.dataOffset) +
                        " remain in the file (truncated or lying header)");
    block.width = int(dim1);
    block.height = int(dim2);
    block.sample = type->sample;
    if (dataTypeName)
        *dataTypeName = dataType;
    return block.dataOffset + bytes;
}

template <typename T, typename S>
void convertRow(const std::uint8_t* src, std::size_t n, bool swap, T* dst)
{
    std::uint8_t b[sizeof(S)];
    S v;
    for (std::size_t i = 0; i < n; ++i) {
        std::memcpy(b, src + i * sizeof(S), sizeof(S));
        if (swap)
            std::reverse(b, b + sizeof(S));
        std::memcpy(&v, b, sizeof(S));
        dst[i] = static_cast<T>(v);
    }
}

template <typename T>
void convert(Sample s, const std::uint8_t* src, std::size_t n, bool swap, T* dst)
{
    switch (s) {
    case Sample::U8: return convertRow<T, std::uint8_t>(src, n, swap, dst);
    case Sample::I8: return convertRow<T, std::int8_t>(src, n, swap, dst);
    case Sample::U16: return convertRow<T, std::uint16_t>(src, n, swap, dst);
    case Sample::I16: return convertRow<T, std::int16_t>(src, n, swap, dst);
    case Sample::U32: return convertRow<T, std::uint32_t>(src, n, swap, dst);
    case Sample::I32: return convertRow<T, std::int32_t>(src, n, swap, dst);
    case Sample::U64: return convertRow<T, std::uint64_t>(src, n, swap, dst);
    case Sample::I64: return convertRow<T, std::int64_t>(src, n, swap, dst);
    case Sample::F32: return convertRow<T, float>(src, n, swap, dst);
    case Sample::F64: return convertRow<T, double>(src, n, swap, dst);
    }
}

bool hostBigEndian()
{
    const std::uint16_t one = 1;
    std::uint8_t b;
    std::memcpy(&b, &one, 1);
    return b == 0;
}

} // namespace

struct EdfFile::Impl {
    std::unique_ptr<io::RawFile> file;
    std::vector<Block> blocks;
    EdfInfo info;
};

EdfFile::EdfFile(const std::string& path) : m_impl(std::make_unique<Impl>())
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        fail(path, "no such file");
    Impl& d = *m_impl;
    d.file = std::make_unique<io::RawFile>(path);
    if (d.file->size() == 0)
        fail(path, "empty file");
    std::uint64_t offset = 0;
    while (true) {
        Block b;
        const int index = int(d.blocks.size());
        if (index >= kMaxTiffPages)
            fail(path, "more than " + std::to_string(kMaxTiffPages) + " EDF frames");
        offset = parseBlock(*d.file, offset, index, b, index == 0 ? &d.info.header : nullptr,
                            index == 0 ? &d.info.dataType : nullptr);
        d.blocks.push_back(b);
        // Trailing padding (spaces, newlines, NULs) after the last frame is harmless.
        const std::string rest = d.file->readSome(offset, 4096);
        if (rest.find('{') == std::string::npos &&
            rest.find_first_not_of(std::string(" \t\r\n\0", 5)) == std::string::npos)
            break;
    }
    const Block& first = d.blocks.front();
    d.info.width = first.width;
    d.info.height = first.height;
    d.info.frames = int(d.blocks.size());
    d.info.dtype = sampleDtype(first.sample);
    d.info.bigEndian = first.bigEndian;
    for (const auto& [k, v] : d.info.header) {
        if (lower(k) == "psize_1") {
            char* end = nullptr;
            const double p = std::strtod(v.c_str(), &end);
            if (end != v.c_str() && p > 0 && std::isfinite(p))
                d.info.metadata.pixelSizeM = p;
        }
    }
}

EdfFile::~EdfFile() = default;
EdfFile::EdfFile(EdfFile&&) noexcept = default;
EdfFile& EdfFile::operator=(EdfFile&&) noexcept = default;

const EdfInfo& EdfFile::info() const noexcept { return m_impl->info; }
int EdfFile::frames() const noexcept { return m_impl->info.frames; }

template <typename T>
Image<T> EdfFile::readFrame(int frame)
{
    Impl& d = *m_impl;
    const std::string& path = d.file->path();
    if (frame < 0 || frame >= d.info.frames)
        fail(path, "frame " + std::to_string(frame) + " does not exist (the file has " +
                       std::to_string(d.info.frames) + (d.info.frames == 1 ? " frame" : " frames") +
                       ", numbered from 0)");
    const Block& b = d.blocks[std::size_t(frame)];
    const std::size_t bps = sampleBytes(b.sample);
    const std::size_t rowBytes = std::size_t(b.width) * bps;
    const bool swap = b.bigEndian != hostBigEndian();
    Image<T> img(b.width, b.height, kNoInit);
    std::vector<std::uint8_t> row(rowBytes);
    for (int y = 0; y < b.height; ++y) {
        if (!d.file->readAt(b.dataOffset + std::uint64_t(y) * rowBytes, row.data(), rowBytes))
            fail(path, "cannot read row " + std::to_string(y) + " of frame " +
                           std::to_string(frame) + " (file changed or truncated?)");
        convert(b.sample, row.data(), std::size_t(b.width), swap, img.row(y));
    }
    return img;
}

template Image<float> EdfFile::readFrame<float>(int);
template Image<double> EdfFile::readFrame<double>(int);

EdfInfo readEdfInfo(const std::string& path)
{
    return EdfFile(path).info();
}

template <typename T>
Image<T> readEdf(const std::string& path, int frame, EdfInfo* info)
{
    EdfFile f(path);
    Image<T> img = f.template readFrame<T>(frame);
    if (info)
        *info = f.info();
    return img;
}

template Image<float> readEdf(const std::string&, int, EdfInfo*);
template Image<double> readEdf(const std::string&, int, EdfInfo*);

namespace {

template <typename T>
const char* edfTypeName()
{
    if constexpr (std::is_same_v<T, std::uint8_t>)
        return "UnsignedByte";
    else if constexpr (std::is_same_v<T, std::int8_t>)
        return "SignedByte";
    else if constexpr (std::is_same_v<T, std::uint16_t>)
        return "UnsignedShort";
    else if constexpr (std::is_same_v<T, std::int16_t>)
        return "SignedShort";
    else if constexpr (std::is_same_v<T, std::uint32_t>)
        return "UnsignedInteger";
    else if constexpr (std::is_same_v<T, std::int32_t>)
        return "SignedInteger";
    else if constexpr (std::is_same_v<T, float>)
        return "FloatValue";
    else
        return "DoubleValue";
}

} // namespace

template <typename T>
void writeEdf(const std::string& path, const Image<T>& image, const ImageMetadata& meta,
              bool bigEndian, const std::vector<std::pair<std::string, std::string>>& extra)
{
    if (image.empty())
        fail(path, "refusing to write an empty image");
    std::ostringstream h;
    h.precision(17);
    h << "{\nHeaderID = EH:000001:000000:000000 ;\nImage = 1 ;\n"
      << "ByteOrder = " << (bigEndian ? "HighByteFirst" : "LowByteFirst") << " ;\n"
      << "DataType = " << edfTypeName<T>() << " ;\n"
      << "Dim_1 = " << image.width() << " ;\nDim_2 = " << image.height() << " ;\n"
      << "Size = " << image.size() * sizeof(T) << " ;\n";
    if (meta.pixelSizeM > 0 && std::isfinite(meta.pixelSizeM))
        h << "PSize_1 = " << meta.pixelSizeM << " ;\nPSize_2 = " << meta.pixelSizeM << " ;\n";
    h << "Software = PhaseLab " << PHASELAB_VERSION << " ;\n";
    for (const auto& [k, v] : extra) {
        if ((k + v).find_first_of(";{}=\n") != std::string::npos)
            fail(path, "EDF header key or value contains ';', '{', '}', '=' or a newline: " + k);
        h << k << " = " << v << " ;\n";
    }
    std::string header = h.str();
    // Pad to a multiple of 512 bytes including the closing "}\n" (ESRF convention).
    const std::size_t total = ((header.size() + 2 + 511) / 512) * 512;
    header.append(total - header.size() - 2, ' ');
    header += "}\n";

    AtomicFile file(path);
    {
        std::ofstream out(file.tempPath(), std::ios::binary);
        out.write(header.data(), std::streamsize(header.size()));
        const bool swap = bigEndian != hostBigEndian();
        std::vector<std::uint8_t> row(std::size_t(image.width()) * sizeof(T));
        for (int y = 0; y < image.height(); ++y) {
            std::memcpy(row.data(), image.row(y), row.size());
            if (swap)
                for (std::size_t i = 0; i < row.size(); i += sizeof(T))
                    std::reverse(row.begin() + std::ptrdiff_t(i),
                                 row.begin() + std::ptrdiff_t(i + sizeof(T)));
            out.write(reinterpret_cast<const char*>(row.data()), std::streamsize(row.size()));
        }
        out.flush();
        if (!out)
            fail(path, "write failed (disk full?)");
    }
    file.commit();
}

template void writeEdf(const std::string&, const Image<std::uint8_t>&, const ImageMetadata&, bool,
                       const std::vector<std::pair<std::string, std::string>>&);
template void writeEdf(const std::string&, const Image<std::int8_t>&, const ImageMetadata&, bool,
                       const std::vector<std::pair<std::string, std::string>>&);
template void writeEdf(const std::string&, const Image<std::uint16_t>&, const ImageMetadata&, bool,
                       const std::vector<std::pair<std::string, std::string>>&);
template void writeEdf(const std::string&, const Image<std::int16_t>&, const ImageMetadata&, bool,
                       const std::vector<std::pair<std::string, std::string>>&);
template void writeEdf(const std::string&, const Image<std::uint32_t>&, const ImageMetadata&, bool,
                       const std::vector<std::pair<std::string, std::string>>&);
template void writeEdf(const std::string&, const Image<std::int32_t>&, const ImageMetadata&, bool,
                       const std::vector<std::pair<std::string, std::string>>&);
template void writeEdf(const std::string&, const Image<float>&, const ImageMetadata&, bool,
                       const std::vector<std::pair<std::string, std::string>>&);
template void writeEdf(const std::string&, const Image<double>&, const ImageMetadata&, bool,
                       const std::vector<std::pair<std::string, std::string>>&);

} // namespace phaselab::core
