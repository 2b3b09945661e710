#include <phaselab/core/hdf5_io.h>

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/error.h>
#include <phaselab/core/hdf5_lock.h>
#include <phaselab/version.h>

#include "io/hdf5_handle.h"
#include "io/hdf5_write.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

namespace phaselab::core {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& problem)
{
    throw InputError(where + ": " + problem);
}

// Never follow external links: a file must not make PhaseLab open another file.
herr_t denyExternalLink(const char*, const char*, const char*, const char*, unsigned*, hid_t,
                        void*)
{
    return -1;
}

H5Handle linkAccess()
{
    H5Handle lapl(H5Pcreate(H5P_LINK_ACCESS));
    if (lapl)
        H5Pset_elink_cb(lapl.get(), denyExternalLink, nullptr);
    return lapl;
}

std::string dtypeOf(hid_t type)
{
    const H5T_class_t cls = H5Tget_class(type);
    const std::size_t size = H5Tget_size(type);
    switch (cls) {
    case H5T_INTEGER:
        return std::string(H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") +
               std::to_string(8 * size);
    case H5T_FLOAT: return "float" + std::to_string(8 * size);
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    case H5T_ENUM: return "enum";
    case H5T_ARRAY: return "array";
    case H5T_BITFIELD: return "bitfield";
    case H5T_OPAQUE: return "opaque";
    case H5T_REFERENCE: return "reference";
    case H5T_VLEN: return "vlen";
    default: return "unknown";
    }
}

bool isNumeric(hid_t type)
{
    const H5T_class_t cls = H5Tget_class(type);
    return cls == H5T_INTEGER || cls == H5T_FLOAT;
}

H5Handle openFile(const std::string& file)
{
    silenceHdf5Errors();
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        fail(file, "no such file");
    if (!std::filesystem::is_regular_file(file, ec))
        fail(file, "not a regular file");
    if (std::filesystem::file_size(file, ec) == 0)
        fail(file, "empty file");
    if (H5Fis_hdf5(file.c_str()) <= 0)
        fail(file, "not an HDF5 file (no HDF5 signature)");
    H5Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!f)
        fail(file, "cannot open as HDF5 (truncated or corrupt file?)");
    return f;
}

std::string normalisePath(std::string p)
{
    if (p.empty() || p[0] != '/')
        p = "/" + p;
    while (p.size() > 1 && p.back() == '/')
        p.pop_back();
    return p;
}

std::string joinPath(const std::string& group, const std::string& name)
{
    return group == "/" ? "/" + name : group + "/" + name;
}

struct Collected {
    std::vector<std::string> names;
};

herr_t collectName(hid_t, const char* name, const H5L_info_t*, void* data)
{
    auto* c = static_cast<Collected*>(data);
    if (c->names.size() >= kMaxHdf5Objects)
        return 1;  // stop
    c->names.emplace_back(name);
    return 0;
}

Hdf5DatasetInfo describeDataset(hid_t ds, const std::string& path)
{
    Hdf5DatasetInfo info;
    info.path = path;
    H5Handle space(H5Dget_space(ds));
    H5Handle type(H5Dget_type(ds));
    if (type)
        info.dtype = dtypeOf(type.get());
    if (space) {
        const int rank = H5Sget_simple_extent_ndims(space.get());
        if (rank > 0 && rank <= 32) {
            hsize_t dims[32] = {};
            H5Sget_simple_extent_dims(space.get(), dims, nullptr);
            info.shape.assign(dims, dims + rank);
        }
    }
    return info;
}

void visitGroup(hid_t file, const std::string& group, int depth, std::set<haddr_t>& seen,
                std::vector<Hdf5DatasetInfo>& out, std::size_t& visited, const H5Handle& lapl)
{
    if (depth > 64 || visited >= kMaxHdf5Objects)
        return;
    H5Handle g(H5Gopen2(file, group.c_str(), H5P_DEFAULT));
    if (!g)
        return;
    Collected names;
    hsize_t idx = 0;
    if (H5Literate(g.get(), H5_INDEX_NAME, H5_ITER_INC, &idx, collectName, &names) < 0) {
        // Some files lack a name index; fall back to creation order is not worth it: keep what
        // was collected.
    }
    for (const std::string& name : names.names) {
        if (++visited >= kMaxHdf5Objects)
            return;
        H5L_info_t li{};
        if (H5Lget_info(g.get(), name.c_str(), &li, H5P_DEFAULT) < 0 || li.type != H5L_TYPE_HARD)
            continue;  // soft links are listed where they point; external links are never followed
        H5Handle obj(H5Oopen(g.get(), name.c_str(), lapl.get()));
        if (!obj)
            continue;
        H5O_info_t oi{};
        if (H5Oget_info2(obj.get(), &oi, H5O_INFO_BASIC) < 0 || !seen.insert(oi.addr).second)
            continue;
        const std::string path = joinPath(group, name);
        const H5I_type_t kind = H5Iget_type(obj.get());
        if (kind == H5I_DATASET)
            out.push_back(describeDataset(obj.get(), path));
        else if (kind == H5I_GROUP)
            visitGroup(file, path, depth + 1, seen, out, visited, lapl);
    }
}

std::vector<Hdf5DatasetInfo> listOpen(hid_t file)
{
    std::vector<Hdf5DatasetInfo> out;
    std::set<haddr_t> seen;
    std::size_t visited = 0;
    const H5Handle lapl = linkAccess();
    visitGroup(file, "/", 0, seen, out, visited, lapl);
    return out;
}

std::string listForMessage(const std::vector<Hdf5DatasetInfo>& all, const std::string& under)
{
    std::string s;
    int n = 0;
    for (const auto& d : all) {
        if (!under.empty() && under != "/" && d.path.rfind(under + "/", 0) != 0)
            continue;
        if (n == 8) {
            s += ", …";
            break;
        }
        s += (n++ ? ", " : "") + d.path;
    }
    return s.empty() ? "none" : s;
}

std::string shapeText(const std::vector<std::uint64_t>& shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// Opens `dataset` as a dataset, with a message that helps when it is missing or a group.
H5Handle openDataset(hid_t file, const std::string& fileName, const std::string& dataset)
{
    const std::string path = normalisePath(dataset);
    const std::string where = fileName + ":" + path;
    const H5Handle lapl = linkAccess();
    // Check each component so that a missing parent gives "no such path" instead of an HDF5 error.
    std::string partial;
    std::size_t pos = 1;
    while (pos <= path.size() && path != "/") {
        const std::size_t next = path.find('/', pos);
        partial = path.substr(0, next == std::string::npos ? path.size() : next);
        if (H5Lexists(file, partial.c_str(), H5P_DEFAULT) <= 0)
            fail(where, "no such dataset (" + partial + " does not exist; datasets in the file: " +
                            listForMessage(listOpen(file), "") + ")");
        if (next == std::string::npos)
            break;
        pos = next + 1;
    }
    H5Handle obj(H5Oopen(file, path.c_str(), lapl.get()));
    if (!obj)
        fail(where, "cannot open (dangling or external link?)");
    const H5I_type_t kind = H5Iget_type(obj.get());
    if (kind == H5I_GROUP)
        fail(where, "is a group, not a dataset (datasets under it: " +
                        listForMessage(listOpen(file), path) + ")");
    if (kind != H5I_DATASET)
        fail(where, "is not a dataset");
    return obj;
}

} // namespace

bool Hdf5DatasetInfo::isImage() const
{
    const bool numeric = dtype.rfind("uint", 0) == 0 || dtype.rfind("int", 0) == 0 ||
                         dtype.rfind("float", 0) == 0;
    return numeric && (shape.size() == 2 || shape.size() == 3);
}

std::vector<Hdf5DatasetInfo> listHdf5Datasets(const std::string& file)
{
    const auto lock = lockHdf5();
    const H5Handle f = openFile(file);
    return listOpen(f.get());
}

Hdf5DatasetInfo hdf5DatasetInfo(const std::string& file, const std::string& dataset)
{
    const auto lock = lockHdf5();
    const H5Handle f = openFile(file);
    const H5Handle ds = openDataset(f.get(), file, dataset);
    return describeDataset(ds.get(), normalisePath(dataset));
}

namespace {

nlohmann::json attributeValue(hid_t attr)
{
    H5Handle type(H5Aget_type(attr));
    H5Handle space(H5Aget_space(attr));
    if (!type || !space)
        return nullptr;
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls == H5T_STRING) {
        if (n != 1)
            return "(" + std::to_string(n) + " strings)";
        // Variable-length strings live in the file's global heap, and libhdf5 1.10 loops for
        // ever on some corrupt global heap collections (found by fuzz_hdf5): they are never
        // read. PhaseLab writes fixed-length strings.
        if (H5Tis_variable_str(type.get()) != 0)
            return "(variable-length string, not read)";
        const std::size_t size = H5Tget_size(type.get());
        if (size == 0 || size > (1u << 20))
            return nullptr;
        std::string buf(size, '\0');
        H5Handle mem(H5Tcopy(H5T_C_S1));
        H5Tset_size(mem.get(), size);
        H5Tset_cset(mem.get(), H5Tget_cset(type.get()));  // HDF5 converts no cset into another
        if (H5Aread(attr, mem.get(), buf.data()) < 0)
            return nullptr;
        buf.resize(std::strlen(buf.c_str()));
        return buf;
    }
    if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
        if (H5Tget_size(type.get()) > 16)
            return "(" + dtypeOf(type.get()) + ")";
        if (n < 1 || n > 64)
            return "(" + std::to_string(n) + " values, " + dtypeOf(type.get()) + ")";
        std::vector<double> v(static_cast<std::size_t>(n));
        if (H5Aread(attr, H5T_NATIVE_DOUBLE, v.data()) < 0)
            return nullptr;
        if (n == 1)
            return v[0];
        return v;
    }
    return "(" + dtypeOf(type.get()) + ")";
}

// Attributes are read by name only. Iterating an object's attribute table (H5Aiterate2) let
// fuzz_hdf5 crash libhdf5 1.10 inside its own table clean-up on corrupt files, so PhaseLab never
// walks the table: it asks for the names it knows.
constexpr const char* kKnownAttributes[] = {
    "pixel_size_m", "parameters", "software", "unit", "units", "NX_class", "definition",
    "long_name", "signal", "axes", "title", "energy_keV", "distance_m", "distances_m", "method"};

nlohmann::json attributesOf(hid_t obj)
{
    nlohmann::json j = nlohmann::json::object();
    for (const char* name : kKnownAttributes) {
        if (H5Aexists(obj, name) <= 0)
            continue;
        H5Handle a(H5Aopen(obj, name, H5P_DEFAULT));
        if (a)
            j[name] = attributeValue(a.get());
    }
    return j;
}

void applyMetadata(const nlohmann::json& attrs, ImageMetadata& meta)
{
    if (auto it = attrs.find("pixel_size_m"); it != attrs.end() && it->is_number()) {
        const double p = it->get<double>();
        if (p > 0 && std::isfinite(p))
            meta.pixelSizeM = p;
    }
    if (auto it = attrs.find("parameters"); it != attrs.end() && it->is_string()) {
        auto j = nlohmann::json::parse(it->get<std::string>(), nullptr, false);
        meta.parameters = j.is_discarded() ? *it : j;
    }
    if (auto it = attrs.find("software"); it != attrs.end() && it->is_string())
        meta.software = it->get<std::string>();
}

} // namespace

nlohmann::json readHdf5Attributes(const std::string& file, const std::string& objectPath)
{
    const auto lock = lockHdf5();
    const H5Handle f = openFile(file);
    const std::string path = normalisePath(objectPath);
    if (path != "/" && H5Lexists(f.get(), path.c_str(), H5P_DEFAULT) <= 0)
        fail(file + ":" + path, "no such object");
    const H5Handle lapl = linkAccess();
    H5Handle obj(H5Oopen(f.get(), path.c_str(), lapl.get()));
    if (!obj)
        fail(file + ":" + path, "cannot open");
    return attributesOf(obj.get());
}

ImageMetadata readHdf5Metadata(const std::string& file, const std::string& dataset)
{
    const auto lock = lockHdf5();
    const H5Handle f = openFile(file);
    ImageMetadata meta;
    applyMetadata(attributesOf(f.get()), meta);
    const H5Handle ds = openDataset(f.get(), file, dataset);
    applyMetadata(attributesOf(ds.get()), meta);
    return meta;
}

// ---- Frames ----------------------------------------------------------------------------------

struct Hdf5Stack::Impl {
    std::string file, where;
    H5Handle f, ds, space;
    Hdf5DatasetInfo info;
    int frames = 1, width = 0, height = 0;
};

Hdf5Stack::Hdf5Stack(const std::string& file, const std::string& dataset)
{
    const auto lock = lockHdf5();
    // Built here and moved in at the end, so that a throw closes the handles under the lock.
    auto impl = std::make_unique<Impl>();
    Impl& d = *impl;
    d.file = file;
    d.where = file + ":" + normalisePath(dataset);
    d.f = openFile(file);
    d.ds = openDataset(d.f.get(), file, dataset);
    d.info = describeDataset(d.ds.get(), normalisePath(dataset));
    H5Handle type(H5Dget_type(d.ds.get()));
    if (!type || !isNumeric(type.get()))
        fail(d.where, "has type " + d.info.dtype + "; PhaseLab reads integer or float images");
    const std::size_t rank = d.info.shape.size();
    if (rank != 2 && rank != 3)
        fail(d.where, "has " + std::to_string(rank) + (rank == 1 ? " dimension " : " dimensions ") +
                          shapeText(d.info.shape) +
                          "; PhaseLab reads 2D images [H, W] or 3D stacks [n, H, W]");
    const std::uint64_t h = d.info.shape[rank - 2], w = d.info.shape[rank - 1];
    const std::uint64_t n = rank == 3 ? d.info.shape[0] : 1;
    if (w == 0 || h == 0 || n == 0)
        fail(d.where, "is empty " + shapeText(d.info.shape));
    if ((long double)w * (long double)h > (long double)kMaxImagePixels)
        fail(d.where, "frames of " + std::to_string(w) + "×" + std::to_string(h) +
                          " pixels are larger than PhaseLab accepts (" +
                          std::to_string(kMaxImagePixels) + " pixels)");
    if (n > std::uint64_t(kMaxTiffPages))
        fail(d.where, "has " + std::to_string(n) + " frames, more than PhaseLab accepts (" +
                          std::to_string(kMaxTiffPages) + ")");
    d.width = int(w);
    d.height = int(h);
    d.frames = int(n);
    d.space.reset();
    d.space = H5Handle(H5Dget_space(d.ds.get()));
    if (!d.space)
        fail(d.where, "cannot read its dataspace");
    m_impl = std::move(impl);
}

Hdf5Stack::~Hdf5Stack()
{
    if (m_impl) {
        const auto lock = lockHdf5();
        m_impl.reset();
    }
}
Hdf5Stack::Hdf5Stack(Hdf5Stack&&) noexcept = default;
Hdf5Stack& Hdf5Stack::operator=(Hdf5Stack&& other) noexcept
{
    if (this != &other) {
        // Closes the handles this stack held: under the lock, as in the destructor.
        const auto lock = lockHdf5();
        m_impl = std::move(other.m_impl);
    }
    return *this;
}

const Hdf5DatasetInfo& Hdf5Stack::info() const noexcept { return m_impl->info; }
int Hdf5Stack::frames() const noexcept { return m_impl->frames; }
int Hdf5Stack::width() const noexcept { return m_impl->width; }
int Hdf5Stack::height() const noexcept { return m_impl->height; }

template <typename T>
Image<T> Hdf5Stack::readFrame(int frame)
{
    const auto lock = lockHdf5();
    silenceHdf5Errors();
    Impl& d = *m_impl;
    if (frame < 0 || frame >= d.frames)
        fail(d.where, "frame " + std::to_string(frame) + " does not exist (the dataset has " +
                          std::to_string(d.frames) + (d.frames == 1 ? " frame" : " frames") +
                          ", numbered from 0)");
    const bool stack = d.info.shape.size() == 3;
    hsize_t start[3] = {hsize_t(frame), 0, 0};
    hsize_t count[3] = {1, hsize_t(d.height), hsize_t(d.width)};
    if (!stack) {
        start[0] = 0;
        count[0] = hsize_t(d.height);
        count[1] = hsize_t(d.width);
    }
    if (H5Sselect_hyperslab(d.space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0)
        fail(d.where, "cannot select frame " + std::to_string(frame));
    const hsize_t memDims[2] = {hsize_t(d.height), hsize_t(d.width)};
    H5Handle mem(H5Screate_simple(2, memDims, nullptr));
    Image<T> img(d.width, d.height, kNoInit);
    const hid_t memType = std::is_same_v<T, float> ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
    if (H5Dread(d.ds.get(), memType, mem.get(), d.space.get(), H5P_DEFAULT, img.data()) < 0)
        fail(d.where, "cannot read frame " + std::to_string(frame) +
                          " (truncated or corrupt file, or a filter HDF5 cannot decode)");
    return img;
}

template Image<float> Hdf5Stack::readFrame<float>(int);
template Image<double> Hdf5Stack::readFrame<double>(int);

template <typename T>
Image<T> readHdf5Frame(const std::string& file, const std::string& dataset, int frame)
{
    Hdf5Stack s(file, dataset);
    return s.template readFrame<T>(frame);
}

template Image<float> readHdf5Frame(const std::string&, const std::string&, int);
template Image<double> readHdf5Frame(const std::string&, const std::string&, int);

// ---- NXtomo ----------------------------------------------------------------------------------

std::optional<NxTomoInfo> findNxTomo(const std::string& file)
{
    const auto lock = lockHdf5();
    const H5Handle f = openFile(file);
    Collected top;
    hsize_t idx = 0;
    H5Literate(f.get(), H5_INDEX_NAME, H5_ITER_INC, &idx, collectName, &top);
    const H5Handle lapl = linkAccess();
    for (const std::string& entry : top.names) {
        for (const char* sub : {"instrument/detector", "data"}) {
            const std::string base = "/" + entry + "/" + sub;
            const std::string dataPath = base + "/data", keyPath = base + "/image_key";
            auto exists = [&](const std::string& p) {
                std::string partial;
                std::size_t pos = 1;
                while (true) {
                    const std::size_t next = p.find('/', pos);
                    partial = p.substr(0, next);
                    if (H5Lexists(f.get(), partial.c_str(), H5P_DEFAULT) <= 0)
                        return false;
                    if (next == std::string::npos)
                        return true;
                    pos = next + 1;
                }
            };
            if (!exists(dataPath) || !exists(keyPath))
                continue;
            H5Handle data(H5Dopen2(f.get(), dataPath.c_str(), H5P_DEFAULT));
            H5Handle key(H5Dopen2(f.get(), keyPath.c_str(), H5P_DEFAULT));
            if (!data || !key)
                continue;
            const Hdf5DatasetInfo di = describeDataset(data.get(), dataPath);
            const Hdf5DatasetInfo ki = describeDataset(key.get(), keyPath);
            const std::string where = file + ":" + keyPath;
            if (ki.shape.size() != 1 || di.shape.size() != 3)
                fail(where, "image_key " + shapeText(ki.shape) + " does not describe the frames of " +
                                dataPath + " " + shapeText(di.shape));
            if (ki.shape[0] != di.shape[0])
                fail(where, "image_key has " + std::to_string(ki.shape[0]) + " entries but " +
                                dataPath + " has " + std::to_string(di.shape[0]) + " frames");
            if (ki.shape[0] > std::uint64_t(kMaxTiffPages))
                fail(where, "too many frames (" + std::to_string(ki.shape[0]) + ")");
            H5Handle kt(H5Dget_type(key.get()));
            if (!kt || H5Tget_class(kt.get()) != H5T_INTEGER)
                fail(where, "image_key is " + ki.dtype + ", not integer");
            NxTomoInfo nx;
            nx.dataPath = dataPath;
            nx.imageKeyPath = keyPath;
            nx.imageKey.resize(std::size_t(ki.shape[0]));
            if (H5Dread(key.get(), H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                        nx.imageKey.data()) < 0)
                fail(where, "cannot read image_key");
            for (std::size_t i = 0; i < nx.imageKey.size(); ++i) {
                switch (nx.imageKey[i]) {
                case 0: nx.projectionFrames.push_back(int(i)); break;
                case 1: nx.flatFrames.push_back(int(i)); break;
                case 2: nx.darkFrames.push_back(int(i)); break;
                case 3: break;  // NXtomo "invalid"
                default:
                    fail(where, "image_key[" + std::to_string(i) + "] = " +
                                    std::to_string(nx.imageKey[i]) +
                                    " (expected 0 projection, 1 flat, 2 dark, 3 invalid)");
                }
            }
            return nx;
        }
    }
    return std::nullopt;
}

// ---- Writing ---------------------------------------------------------------------------------

// Fixed-length UTF-8, null-terminated: readable without the global heap (see attributeValue).
void writeStringAttr(hid_t obj, const std::string& name, const std::string& value,
                     const std::string& file)
{
    H5Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.get(), value.size() + 1);
    H5Tset_strpad(type.get(), H5T_STR_NULLTERM);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    H5Handle space(H5Screate(H5S_SCALAR));
    H5Handle a(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!a || H5Awrite(a.get(), type.get(), value.c_str()) < 0)
        fail(file, "cannot write attribute " + name);
}

void writeDoubleAttr(hid_t obj, const std::string& name, double value, const std::string& file)
{
    H5Handle space(H5Screate(H5S_SCALAR));
    H5Handle a(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                          H5P_DEFAULT));
    if (!a || H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &value) < 0)
        fail(file, "cannot write attribute " + name);
}

// Each scalar of the parameters as its own attribute, so h5py users read attrs["method"] or
// attrs["geometry.energy_keV"] directly.
namespace {
void writeFlatAttrs(hid_t obj, const nlohmann::json& j, const std::string& prefix,
                    const std::string& file, int depth = 0)
{
    if (depth > 8)
        return;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string name = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (name == "parameters" || name == "pixel_size_m" || name == "software" || name == "unit")
            continue;
        if (it->is_object())
            writeFlatAttrs(obj, *it, name, file, depth + 1);
        else if (it->is_number())
            writeDoubleAttr(obj, name, it->get<double>(), file);
        else if (it->is_string())
            writeStringAttr(obj, name, it->get<std::string>(), file);
        else if (it->is_boolean())
            writeStringAttr(obj, name, it->get<bool>() ? "true" : "false", file);
    }
}
} // namespace

void writeCommonAttrs(hid_t obj, const ImageMetadata& meta, const std::string& file)
{
    writeStringAttr(obj, "software", std::string("PhaseLab ") + PHASELAB_VERSION, file);
    if (meta.pixelSizeM > 0 && std::isfinite(meta.pixelSizeM))
        writeDoubleAttr(obj, "pixel_size_m", meta.pixelSizeM, file);
    if (!meta.parameters.is_null()) {
        writeStringAttr(obj, "parameters", meta.parameters.dump(), file);
        if (meta.parameters.is_object())
            writeFlatAttrs(obj, meta.parameters, "", file);
    }
}


void writeHdf5Images(const std::string& file, const std::vector<NamedImage>& images,
                     const ImageMetadata& meta)
{
    const auto lock = lockHdf5();
    silenceHdf5Errors();
    if (images.empty())
        fail(file, "refusing to write an HDF5 file without images");
    std::set<std::string> names;
    for (const NamedImage& im : images) {
        if (!im.image || im.image->empty())
            fail(file, "image \"" + im.name + "\" is empty");
        if (im.name.empty() || im.name.find('/') != std::string::npos || !names.insert(im.name).second)
            fail(file, "invalid or repeated dataset name \"" + im.name + "\"");
        requireSameShape(*im.image, *images[0].image, file);
    }
    AtomicFile out(file);
    {
        H5Handle f(H5Fcreate(out.tempPath().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
        if (!f)
            fail(file, "cannot create HDF5 file");
        writeCommonAttrs(f.get(), meta, file);
        for (const NamedImage& im : images) {
            const ImageF& img = *im.image;
            const hsize_t dims[2] = {hsize_t(img.height()), hsize_t(img.width())};
            H5Handle space(H5Screate_simple(2, dims, nullptr));
            H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
            const hsize_t chunk[2] = {std::min<hsize_t>(dims[0], 256), std::min<hsize_t>(dims[1], 256)};
            H5Pset_chunk(dcpl.get(), 2, chunk);
            H5Pset_deflate(dcpl.get(), 4);
            H5Handle ds(H5Dcreate2(f.get(), im.name.c_str(), H5T_IEEE_F32LE, space.get(),
                                   H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
            if (!ds)
                fail(file, "cannot create dataset " + im.name);
            if (H5Dwrite(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, img.data()) < 0)
                fail(file, "cannot write dataset " + im.name + " (disk full?)");
            writeCommonAttrs(ds.get(), meta, file);
            if (!im.unit.empty())
                writeStringAttr(ds.get(), "unit", im.unit, file);
        }
        if (H5Fflush(f.get(), H5F_SCOPE_GLOBAL) < 0)
            fail(file, "cannot flush (disk full?)");
    }
    out.commit();
}

void writeHdf5PhaseAbsorption(const std::string& file, const ImageF& phase,
                              const ImageF& absorption, const ImageMetadata& meta)
{
    writeHdf5Images(file, {{"phase", &phase, "rad"}, {"absorption", &absorption, "1"}}, meta);
}

} // namespace phaselab::core
