#include <phaselab/core/dataset.h>

#include <phaselab/core/error.h>
#include <phaselab/core/hdf5_lock.h>

#include "io/hdf5_handle.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>

namespace phaselab::core {

namespace {

void check(herr_t status, const std::string& what)
{
    if (status < 0)
        throw InputError(what);
}

H5Handle checked(hid_t id, const std::string& what)
{
    if (id < 0)
        throw InputError(what);
    return H5Handle(id);
}

bool linkExists(hid_t loc, const std::string& name)
{
    return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0;
}

H5Handle stringType()
{
    H5Handle t(H5Tcopy(H5T_C_S1));
    H5Tset_size(t.get(), H5T_VARIABLE);
    H5Tset_cset(t.get(), H5T_CSET_UTF8);
    return t;
}

// ---------------------------------------------------------------------------------------------
// Attributes <-> JSON

void writeAttribute(hid_t obj, const std::string& name, const nlohmann::json& v,
                    const std::string& where)
{
    const std::string what = where + ": cannot write attribute '" + name + "'";
    auto create = [&](hid_t fileType, hid_t space) {
        if (H5Aexists(obj, name.c_str()) > 0)
            H5Adelete(obj, name.c_str());
        return checked(H5Acreate2(obj, name.c_str(), fileType, space, H5P_DEFAULT, H5P_DEFAULT),
                       what);
    };
    auto scalar = [&](hid_t fileType, hid_t memType, const void* data) {
        H5Handle space(H5Screate(H5S_SCALAR));
        H5Handle a = create(fileType, space.get());
        check(H5Awrite(a.get(), memType, data), what);
    };

    if (v.is_string()) {
        const std::string s = v.get<std::string>();
        const char* p = s.c_str();
        H5Handle t = stringType();
        scalar(t.get(), t.get(), &p);
    } else if (v.is_boolean()) {
        const int x = v.get<bool>() ? 1 : 0;
        scalar(H5T_STD_I32LE, H5T_NATIVE_INT, &x);
    } else if (v.is_number_unsigned()) {
        const std::uint64_t x = v.get<std::uint64_t>();
        scalar(H5T_STD_U64LE, H5T_NATIVE_UINT64, &x);
    } else if (v.is_number_integer()) {
        const std::int64_t x = v.get<std::int64_t>();
        scalar(H5T_STD_I64LE, H5T_NATIVE_INT64, &x);
    } else if (v.is_number_float()) {
        const double x = v.get<double>();
        scalar(H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &x);
    } else if (v.is_array() && std::all_of(v.begin(), v.end(),
                                           [](const nlohmann::json& e) { return e.is_number(); })) {
        const hsize_t n = v.size();
        H5Handle space(H5Screate_simple(1, &n, nullptr));
        const bool integral = std::all_of(v.begin(), v.end(), [](const nlohmann::json& e) {
            return e.is_number_integer() || e.is_number_unsigned();
        });
        if (integral && n > 0) {
            std::vector<std::int64_t> x;
            for (const auto& e : v)
                x.push_back(e.get<std::int64_t>());
            H5Handle a = create(H5T_STD_I64LE, space.get());
            check(H5Awrite(a.get(), H5T_NATIVE_INT64, x.data()), what);
        } else {
            std::vector<double> x;
            for (const auto& e : v)
                x.push_back(e.get<double>());
            H5Handle a = create(H5T_IEEE_F64LE, space.get());
            check(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, x.data()), what);
        }
    } else if (v.is_array() && !v.empty() &&
               std::all_of(v.begin(), v.end(),
                           [](const nlohmann::json& e) { return e.is_string(); })) {
        std::vector<std::string> strings;
        for (const auto& e : v)
            strings.push_back(e.get<std::string>());
        std::vector<const char*> ptrs;
        for (const auto& s : strings)
            ptrs.push_back(s.c_str());
        const hsize_t n = ptrs.size();
        H5Handle space(H5Screate_simple(1, &n, nullptr));
        H5Handle t = stringType();
        H5Handle a = create(t.get(), space.get());
        check(H5Awrite(a.get(), t.get(), ptrs.data()), what);
    } else {
        writeAttribute(obj, name, nlohmann::json(v.dump()), where);
    }
}

nlohmann::json readAttribute(hid_t attr)
{
    H5Handle type(H5Aget_type(attr));
    H5Handle space(H5Aget_space(attr));
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    const bool isScalar = H5Sget_simple_extent_type(space.get()) == H5S_SCALAR;
    if (n < 0)
        return nullptr;
    const H5T_class_t cls = H5Tget_class(type.get());
    nlohmann::json values = nlohmann::json::array();
    if (cls == H5T_STRING) {
        if (H5Tis_variable_str(type.get()) > 0) {
            H5Handle mem = stringType();
            std::vector<char*> ptrs(std::size_t(n), nullptr);
            if (H5Aread(attr, mem.get(), ptrs.data()) < 0)
                return nullptr;
            for (char* p : ptrs)
                values.push_back(p ? std::string(p) : std::string());
            H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
        } else {
            const std::size_t len = H5Tget_size(type.get());
            std::vector<char> buf(len * std::size_t(n) + 1, '\0');
            H5Handle mem(H5Tcopy(type.get()));
            if (H5Aread(attr, mem.get(), buf.data()) < 0)
                return nullptr;
            for (hssize_t i = 0; i < n; ++i) {
                const char* p = buf.data() + len * std::size_t(i);
                values.push_back(std::string(p, strnlen(p, len)));
            }
        }
    } else if (cls == H5T_INTEGER) {
        if (H5Tget_sign(type.get()) == H5T_SGN_NONE) {
            std::vector<std::uint64_t> x(static_cast<std::size_t>(n));
            if (H5Aread(attr, H5T_NATIVE_UINT64, x.data()) < 0)
                return nullptr;
            for (auto e : x)
                values.push_back(e);
        } else {
            std::vector<std::int64_t> x(static_cast<std::size_t>(n));
            if (H5Aread(attr, H5T_NATIVE_INT64, x.data()) < 0)
                return nullptr;
            for (auto e : x)
                values.push_back(e);
        }
    } else if (cls == H5T_FLOAT) {
        std::vector<double> x(static_cast<std::size_t>(n));
        if (H5Aread(attr, H5T_NATIVE_DOUBLE, x.data()) < 0)
            return nullptr;
        for (auto e : x)
            values.push_back(e);
    } else {
        return nullptr;
    }
    if (isScalar && values.size() == 1)
        return values[0];
    return values;
}

herr_t collectAttribute(hid_t loc, const char* name, const H5A_info_t*, void* data)
{
    auto* out = static_cast<nlohmann::json*>(data);
    H5Handle a(H5Aopen(loc, name, H5P_DEFAULT));
    if (a)
        (*out)[name] = readAttribute(a.get());
    return 0;
}

nlohmann::json readAttributes(hid_t obj)
{
    nlohmann::json out = nlohmann::json::object();
    hsize_t idx = 0;
    H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, collectAttribute, &out);
    return out;
}

// One attribute looked up by name (never by walking the attribute table; see hdf5_io.cpp's
// attributesOf()): its JSON value, or null when absent or unreadable.
nlohmann::json readNamedAttribute(hid_t obj, const char* name)
{
    if (H5Aexists(obj, name) <= 0)
        return nullptr;
    H5Handle a(H5Aopen(obj, name, H5P_DEFAULT));
    return a ? readAttribute(a.get()) : nlohmann::json();
}

// A number stored as a scalar or as a one-element array.
std::optional<double> readNumber(hid_t obj, const char* name)
{
    nlohmann::json v = readNamedAttribute(obj, name);
    if (v.is_array() && v.size() == 1)
        v = v[0];
    if (!v.is_number())
        return std::nullopt;
    return v.get<double>();
}

std::optional<std::string> readString(hid_t obj, const char* name)
{
    const nlohmann::json v = readNamedAttribute(obj, name);
    if (!v.is_string())
        return std::nullopt;
    return v.get<std::string>();
}

// The beam energy [keV]. `energy_keV` is the one spelling (architecture.md); the simulator wrote
// `energy_kev` before PhaseLab settled on it, so that spelling is still read, here and only here,
// for data sets written by those versions.
std::optional<double> readEnergyKeV(hid_t obj)
{
    if (auto e = readNumber(obj, "energy_keV"))
        return e;
    return readNumber(obj, "energy_kev");
}

// The physics attributes on `places`, the first place that has each value winning.
DatasetPhysics physicsOn(std::initializer_list<hid_t> places)
{
    DatasetPhysics p;
    for (hid_t o : places) {
        if (o < 0)
            continue;
        if (!p.energyKeV)
            p.energyKeV = readEnergyKeV(o);
        if (!p.distanceM)
            p.distanceM = readNumber(o, "distance_m");
        if (!p.pixelSizeM)
            p.pixelSizeM = readNumber(o, "pixel_size_m");
        if (!p.padding)
            p.padding = readString(o, "padding");
    }
    return p;
}

std::string shapeText(const std::vector<hsize_t>& dims)
{
    std::string t = "[";
    for (std::size_t i = 0; i < dims.size(); ++i)
        t += (i ? ", " : "") + std::to_string(dims[i]);
    return t + "]";
}

const char* kImageNames[] = {"hologram", "absorption", "phase"};

} // namespace

// =============================================================================================
// DatasetWriter

struct DatasetWriter::Impl {
    std::string path;
    int width = 0, height = 0, level = 4;
    H5Handle file;
    std::map<std::string, H5Handle> groups;
    std::map<std::string, H5Handle> datasets;  // "split/name"
    std::map<std::string, std::size_t> rows;   // "split/name" → count

    hid_t dataset(const std::string& split, const std::string& name) const
    {
        auto it = datasets.find(split + "/" + name);
        if (it == datasets.end())
            throw InputError(path + ": no dataset " + split + "/" + name);
        return it->second.get();
    }
    void requireOpen() const
    {
        if (!file)
            throw std::logic_error("DatasetWriter used after close()");
    }
};

DatasetWriter::DatasetWriter(const std::string& path, int width, int height, int deflateLevel)
    : m(std::make_unique<Impl>())
{
    const auto lock = lockHdf5();
    silenceHdf5Errors();
    if (width <= 0 || height <= 0)
        throw InputError(path + ": image size must be positive");
    if (deflateLevel < 1 || deflateLevel > 9)
        throw InputError(path + ": deflate level must be 1 to 9");
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0 || H5Zfilter_avail(H5Z_FILTER_SHUFFLE) <= 0)
        throw InputError(path + ": this HDF5 library has no deflate or shuffle filter");
    m->path = path;
    m->width = width;
    m->height = height;
    m->level = deflateLevel;
    // No modification times in object headers: the same writes give the same bytes.
    H5Handle fcpl(H5Pcreate(H5P_FILE_CREATE));
    H5Pset_obj_track_times(fcpl.get(), 0);
    m->file = checked(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), H5P_DEFAULT),
                      path + ": cannot create the HDF5 file");
}

DatasetWriter::~DatasetWriter()
{
    if (m) {
        const auto lock = lockHdf5();
        m->datasets.clear();
        m->groups.clear();
        m->file.reset();
    }
}

int DatasetWriter::deflateLevel() const noexcept
{
    return m->level;
}

void DatasetWriter::setAttributes(const nlohmann::json& attributes)
{
    const auto lock = lockHdf5();
    m->requireOpen();
    for (auto it = attributes.begin(); it != attributes.end(); ++it)
        writeAttribute(m->file.get(), it.key(), it.value(), m->path);
}

void DatasetWriter::createSplit(const std::string& split, std::size_t count,
                                const nlohmann::json& attributes,
                                const std::vector<std::string>& scalars)
{
    const auto lock = lockHdf5();
    m->requireOpen();
    const std::string where = m->path + ":/" + split;
    H5Handle gcpl(H5Pcreate(H5P_GROUP_CREATE));
    H5Pset_obj_track_times(gcpl.get(), 0);
    H5Handle group = checked(H5Gcreate2(m->file.get(), split.c_str(), H5P_DEFAULT, gcpl.get(),
                                        H5P_DEFAULT),
                             where + ": cannot create the group");
    for (auto it = attributes.begin(); it != attributes.end(); ++it)
        writeAttribute(group.get(), it.key(), it.value(), where);

    // Images: [n, H, W] float32, one sample per chunk, shuffle + deflate. The first dimension
    // may grow (maxdims unlimited), which also allows an empty split with a [1, H, W] chunk.
    const hsize_t dims[3] = {hsize_t(count), hsize_t(m->height), hsize_t(m->width)};
    const hsize_t maxdims[3] = {H5S_UNLIMITED, hsize_t(m->height), hsize_t(m->width)};
    const hsize_t chunk[3] = {1, hsize_t(m->height), hsize_t(m->width)};
    for (const char* name : kImageNames) {
        H5Handle space(H5Screate_simple(3, dims, maxdims));
        H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
        H5Pset_chunk(dcpl.get(), 3, chunk);
        H5Pset_shuffle(dcpl.get());
        H5Pset_deflate(dcpl.get(), unsigned(m->level));
        H5Pset_obj_track_times(dcpl.get(), 0);
        H5Handle d = checked(H5Dcreate2(group.get(), name, H5T_IEEE_F32LE, space.get(),
                                        H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                             where + ": cannot create dataset " + name);
        m->datasets[split + "/" + name] = std::move(d);
        m->rows[split + "/" + name] = count;
    }
    for (const std::string& name : scalars) {
        const hsize_t n = count, maxn = H5S_UNLIMITED;
        const hsize_t c = std::max<hsize_t>(1, std::min<hsize_t>(n, 4096));
        H5Handle space(H5Screate_simple(1, &n, &maxn));
        H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
        H5Pset_chunk(dcpl.get(), 1, &c);
        H5Pset_obj_track_times(dcpl.get(), 0);
        H5Handle d = checked(H5Dcreate2(group.get(), name.c_str(), H5T_IEEE_F64LE, space.get(),
                                        H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                             where + ": cannot create dataset " + name);
        m->datasets[split + "/" + name] = std::move(d);
        m->rows[split + "/" + name] = count;
    }
    m->groups[split] = std::move(group);
}

DatasetWriter::EncodedImage DatasetWriter::encode(const ImageF& image, int deflateLevel)
{
    // The shuffle filter stores byte 0 of every value, then byte 1, … (HDF5's H5Z_FILTER_SHUFFLE);
    // the deflate filter is a zlib stream of that (compress2).
    const std::size_t n = image.size();
    std::vector<unsigned char> shuffled(n * 4);
    const auto* src = reinterpret_cast<const unsigned char*>(image.data());
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t b = 0; b < 4; ++b)
            shuffled[b * n + i] = src[i * 4 + b];
    EncodedImage out;
    out.width = image.width();
    out.height = image.height();
    uLongf size = compressBound(uLong(shuffled.size()));
    out.bytes.resize(size);
    if (compress2(out.bytes.data(), &size, shuffled.data(), uLong(shuffled.size()),
                  std::clamp(deflateLevel, 1, 9)) != Z_OK)
        throw std::runtime_error("zlib could not compress an image");
    out.bytes.resize(size);
    return out;
}

void DatasetWriter::writeImage(const std::string& split, const std::string& name,
                               std::size_t index, const EncodedImage& encoded)
{
    const auto lock = lockHdf5();
    m->requireOpen();
    if (encoded.width != m->width || encoded.height != m->height)
        throw InputError(m->path + ": image of " + std::to_string(encoded.width) + "×" +
                         std::to_string(encoded.height) + " in a set of " +
                         std::to_string(m->width) + "×" + std::to_string(m->height));
    const hid_t d = m->dataset(split, name);
    if (index >= m->rows[split + "/" + name])
        throw InputError(m->path + ": row " + std::to_string(index) + " beyond " + split + "/" +
                         name);
    const hsize_t offset[3] = {hsize_t(index), 0, 0};
    check(H5Dwrite_chunk(d, H5P_DEFAULT, 0, offset, encoded.bytes.size(), encoded.bytes.data()),
          m->path + ": cannot write " + split + "/" + name + " row " + std::to_string(index));
}

void DatasetWriter::writeImage(const std::string& split, const std::string& name,
                               std::size_t index, const ImageF& image)
{
    writeImage(split, name, index, encode(image, m->level));
}

void DatasetWriter::writeScalars(const std::string& split, const std::string& name,
                                 std::size_t first, const std::vector<double>& values)
{
    if (values.empty())
        return;
    const auto lock = lockHdf5();
    m->requireOpen();
    const hid_t d = m->dataset(split, name);
    if (first + values.size() > m->rows[split + "/" + name])
        throw InputError(m->path + ": rows beyond " + split + "/" + name);
    H5Handle fileSpace(H5Dget_space(d));
    const hsize_t start = first, count = values.size();
    H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr);
    H5Handle memSpace(H5Screate_simple(1, &count, nullptr));
    check(H5Dwrite(d, H5T_NATIVE_DOUBLE, memSpace.get(), fileSpace.get(), H5P_DEFAULT,
                   values.data()),
          m->path + ": cannot write " + split + "/" + name);
}

void DatasetWriter::close()
{
    const auto lock = lockHdf5();
    if (!m->file)
        return;
    m->datasets.clear();
    m->groups.clear();
    check(H5Fflush(m->file.get(), H5F_SCOPE_GLOBAL), m->path + ": cannot flush the file");
    m->file.reset();
}

// =============================================================================================
// DatasetReader

bool DatasetPhysics::complete() const noexcept
{
    return energyKeV && distanceM && pixelSizeM;
}

struct DatasetReader::Impl {
    std::string path;
    H5Handle file;
    int width = 0, height = 0;
    std::vector<std::string> splits;
    mutable std::map<std::string, H5Handle> datasets;

    bool hasSplit(const std::string& split) const
    {
        return std::find(splits.begin(), splits.end(), split) != splits.end();
    }

    hid_t dataset(const std::string& split, const std::string& name, bool required = true) const
    {
        const std::string key = split + "/" + name;
        auto it = datasets.find(key);
        if (it != datasets.end())
            return it->second.get();
        if (!hasSplit(split)) {
            if (!required)
                return H5I_INVALID_HID;
            throw InputError(path + ": no split '" + split + "'");
        }
        if (!linkExists(file.get(), split) || !linkExists(file.get(), key)) {
            if (!required)
                return H5I_INVALID_HID;
            throw InputError(path + ": no dataset /" + key);
        }
        H5Handle d(H5Dopen2(file.get(), key.c_str(), H5P_DEFAULT));
        if (!d) {
            if (!required)
                return H5I_INVALID_HID;
            throw InputError(path + ": cannot open /" + key);
        }
        const hid_t id = d.get();
        datasets[key] = std::move(d);
        return id;
    }

    std::vector<hsize_t> dims(hid_t d) const
    {
        H5Handle space(H5Dget_space(d));
        const int rank = H5Sget_simple_extent_ndims(space.get());
        std::vector<hsize_t> out(std::size_t(std::max(rank, 0)));
        if (rank > 0)
            H5Sget_simple_extent_dims(space.get(), out.data(), nullptr);
        return out;
    }

    // The image datasets of a split hold numbers, are [n, H, W], and agree with the hologram.
    void validateSplit(const std::string& split)
    {
        std::vector<hsize_t> holoDims;
        for (const char* name : kImageNames) {
            const hid_t d = dataset(split, name, false);
            if (d < 0)
                continue;
            const std::string where = path + ": /" + split + "/" + name;
            H5Handle type(H5Dget_type(d));
            const H5T_class_t cls = type ? H5Tget_class(type.get()) : H5T_NO_CLASS;
            if (cls != H5T_FLOAT && cls != H5T_INTEGER)
                throw InputError(where + " is not numeric");
            const std::vector<hsize_t> dims = this->dims(d);
            if (dims.size() != 3)
                throw InputError(where + " has shape " + shapeText(dims) + ", not [n, H, W]");
            if (holoDims.empty())
                holoDims = dims;  // the hologram, always present in a listed split
            else if (dims != holoDims)
                throw InputError(where + " has shape " + shapeText(dims) + " but /" + split +
                                 "/hologram has " + shapeText(holoDims));
        }
        if (width == 0) {
            height = int(holoDims[1]);
            width = int(holoDims[2]);
        } else if (height != int(holoDims[1]) || width != int(holoDims[2])) {
            throw InputError(path + ": splits have different image sizes");
        }
    }

    hid_t group(const std::string& split, H5Handle& holder) const
    {
        if (!hasSplit(split))
            throw InputError(path + ": no split '" + split + "'");
        holder = checked(H5Gopen2(file.get(), split.c_str(), H5P_DEFAULT),
                         path + ": cannot open /" + split);
        return holder.get();
    }
};

DatasetReader::DatasetReader(const std::string& path)
{
    const auto lock = lockHdf5();
    silenceHdf5Errors();
    // Built here and moved in at the end, so that a throw closes the handles under the lock.
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    if (H5Fis_hdf5(path.c_str()) <= 0)
        throw InputError(path + ": not an HDF5 file (or cannot be read)");
    impl->file = checked(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT),
                         path + ": cannot open the HDF5 file");
    for (const std::string& s : datasetSplits())
        if (linkExists(impl->file.get(), s) && linkExists(impl->file.get(), s + "/hologram")) {
            impl->splits.push_back(s);
            impl->validateSplit(s);
        }
    if (impl->splits.empty())
        throw InputError(path + ": no train, val or test group with a hologram dataset");
    m = std::move(impl);
}

DatasetReader::~DatasetReader()
{
    if (m) {
        const auto lock = lockHdf5();
        m.reset();
    }
}

DatasetReader::DatasetReader(DatasetReader&&) noexcept = default;

DatasetReader& DatasetReader::operator=(DatasetReader&& other) noexcept
{
    if (this != &other) {
        // Closes the file this reader held: under the lock, as in the destructor.
        const auto lock = lockHdf5();
        m = std::move(other.m);
    }
    return *this;
}

const std::string& DatasetReader::path() const noexcept
{
    return m->path;
}

std::vector<std::string> DatasetReader::splits() const
{
    return m->splits;
}

bool DatasetReader::hasSplit(const std::string& split) const
{
    return m->hasSplit(split);
}

bool DatasetReader::contains(const std::string& split, const std::string& name) const
{
    const auto lock = lockHdf5();
    return m->dataset(split, name, false) >= 0;
}

std::size_t DatasetReader::count(const std::string& split) const
{
    const auto lock = lockHdf5();
    return std::size_t(m->dims(m->dataset(split, "hologram"))[0]);
}

int DatasetReader::width() const noexcept
{
    return m->width;
}

int DatasetReader::height() const noexcept
{
    return m->height;
}

bool DatasetReader::paired(const std::string& split) const
{
    const auto lock = lockHdf5();
    H5Handle g;
    return readNumber(m->group(split, g), "paired").value_or(1.0) != 0;
}

void DatasetReader::readImage(const std::string& split, const std::string& name,
                              std::size_t index, float* out) const
{
    const auto lock = lockHdf5();
    silenceHdf5Errors();  // the training loader reads on threads of its own
    const hid_t d = m->dataset(split, name);
    const auto dims = m->dims(d);
    if (dims.size() != 3 || int(dims[1]) != m->height || int(dims[2]) != m->width)
        throw InputError(m->path + ": /" + split + "/" + name + " is not [n, " +
                         std::to_string(m->height) + ", " + std::to_string(m->width) + "]");
    if (index >= dims[0])
        throw InputError(m->path + ": row " + std::to_string(index) + " of /" + split + "/" +
                         name + " is out of range (" + std::to_string(dims[0]) + " rows)");
    H5Handle fileSpace(H5Dget_space(d));
    const hsize_t start[3] = {hsize_t(index), 0, 0};
    const hsize_t count[3] = {1, hsize_t(m->height), hsize_t(m->width)};
    H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
    H5Handle memSpace(H5Screate_simple(3, count, nullptr));
    check(H5Dread(d, H5T_NATIVE_FLOAT, memSpace.get(), fileSpace.get(), H5P_DEFAULT, out),
          m->path + ": cannot read row " + std::to_string(index) + " of /" + split + "/" + name);
}

ImageF DatasetReader::readImage(const std::string& split, const std::string& name,
                                std::size_t index) const
{
    ImageF img(m->width, m->height, kNoInit);
    readImage(split, name, index, img.data());
    return img;
}

DatasetSample DatasetReader::read(const std::string& split, std::size_t index) const
{
    const auto lock = lockHdf5();
    DatasetSample s;
    s.hologram = readImage(split, "hologram", index);
    s.absorption = readImage(split, "absorption", index);
    s.phase = readImage(split, "phase", index);
    s.ppsnrDb = std::numeric_limits<double>::quiet_NaN();
    const hid_t d = m->dataset(split, "ppsnr_db", false);
    if (d >= 0) {
        const auto dims = m->dims(d);
        if (dims.size() == 1 && index < dims[0]) {
            H5Handle fileSpace(H5Dget_space(d));
            const hsize_t start = index, one = 1;
            H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, &start, nullptr, &one, nullptr);
            H5Handle memSpace(H5Screate_simple(1, &one, nullptr));
            H5Dread(d, H5T_NATIVE_DOUBLE, memSpace.get(), fileSpace.get(), H5P_DEFAULT,
                    &s.ppsnrDb);
        }
    }
    return s;
}

std::vector<double> DatasetReader::readScalars(const std::string& split,
                                               const std::string& name) const
{
    const auto lock = lockHdf5();
    const hid_t d = m->dataset(split, name, false);
    if (d < 0)
        return {};
    const auto dims = m->dims(d);
    if (dims.size() != 1)
        throw InputError(m->path + ": /" + split + "/" + name + " is not one-dimensional");
    std::vector<double> out(static_cast<std::size_t>(dims[0]));
    if (!out.empty())
        check(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
              m->path + ": cannot read /" + split + "/" + name);
    return out;
}

nlohmann::json DatasetReader::attributes() const
{
    const auto lock = lockHdf5();
    return readAttributes(m->file.get());
}

nlohmann::json DatasetReader::splitAttributes(const std::string& split) const
{
    const auto lock = lockHdf5();
    H5Handle g;
    return readAttributes(m->group(split, g));
}

DatasetPhysics DatasetReader::physics(const std::string& split) const
{
    const auto lock = lockHdf5();
    H5Handle g;
    const hid_t group = m->group(split, g);
    return physicsOn({group, m->file.get(), m->dataset(split, "hologram")});
}

Geometry DatasetReader::geometry() const
{
    const auto lock = lockHdf5();
    const DatasetPhysics p = physicsOn({m->file.get()});
    auto require = [&](const std::optional<double>& value, const char* key) {
        if (!value)
            throw InputError(m->path + ": attribute '" + std::string(key) + "' is missing");
    };
    require(p.energyKeV, "energy_keV");
    require(p.distanceM, "distance_m");
    require(p.pixelSizeM, "pixel_size_m");
    Geometry g;
    g.energyKeV = *p.energyKeV;
    g.distanceM = *p.distanceM;
    g.pixelSizeM = *p.pixelSizeM;
    g.validate();
    return g;
}

} // namespace phaselab::core
