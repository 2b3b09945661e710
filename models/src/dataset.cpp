#include <phaselab/models/dataset.h>

#include <phaselab/core/error.h>
#include <phaselab/core/hdf5_handle.h>
#include <phaselab/core/hdf5_lock.h>
#include <phaselab/core/padding.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

namespace phaselab::models {

namespace {

std::optional<double> readScalarAttribute(hid_t object, const char* name)
{
    if (H5Aexists(object, name) <= 0)
        return std::nullopt;
    core::H5Handle attr(H5Aopen(object, name, H5P_DEFAULT));
    if (!attr)
        return std::nullopt;
    core::H5Handle space(H5Aget_space(attr.get()));
    if (!space || H5Sget_simple_extent_npoints(space.get()) != 1)
        return std::nullopt;
    core::H5Handle type(H5Aget_type(attr.get()));
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_FLOAT && cls != H5T_INTEGER)
        return std::nullopt;
    double v = 0;
    if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v) < 0)
        return std::nullopt;
    return v;
}

std::optional<std::string> readStringAttribute(hid_t object, const char* name)
{
    if (H5Aexists(object, name) <= 0)
        return std::nullopt;
    core::H5Handle attr(H5Aopen(object, name, H5P_DEFAULT));
    core::H5Handle type(H5Aget_type(attr.get()));
    if (!type || H5Tget_class(type.get()) != H5T_STRING)
        return std::nullopt;
    core::H5Handle memType(H5Tcopy(H5T_C_S1));
    if (H5Tis_variable_str(type.get()) > 0) {
        H5Tset_size(memType.get(), H5T_VARIABLE);
        char* text = nullptr;
        if (H5Aread(attr.get(), memType.get(), &text) < 0 || !text)
            return std::nullopt;
        std::string s(text);
        H5free_memory(text);
        return s;
    }
    const std::size_t size = H5Tget_size(type.get());
    std::string s(size + 1, '\0');
    H5Tset_size(memType.get(), size + 1);
    if (H5Aread(attr.get(), memType.get(), s.data()) < 0)
        return std::nullopt;
    s.resize(std::strlen(s.c_str()));
    return s;
}

// Applies dihedral operation `op` (bit 0: flip x, bit 1: flip y, bit 2: transpose; transposes only
// for square images) to an [h, w] image.
void dihedral(const float* src, int w, int h, int op, float* dst)
{
    const bool t = (op & 4) != 0, fx = (op & 1) != 0, fy = (op & 2) != 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int a = t ? y : x, b = t ? x : y;
            const int sx = fx ? w - 1 - a : a, sy = fy ? h - 1 - b : b;
            dst[std::size_t(y) * w + x] = src[std::size_t(sy) * w + sx];
        }
}

} // namespace

struct DatasetSplit::State {
    std::string path, name;
    core::H5Handle file, group, hologram, absorption, phase;
    int n = 0, h = 0, w = 0;
    core::Geometry geometry;
    bool hasGeometry = false;
    std::string padding = "periodic";
    bool paired = true;

    [[noreturn]] void fail(const std::string& what) const
    {
        throw core::InputError(path + ": " + what);
    }

    core::H5Handle openDataset(const char* ds)
    {
        if (H5Lexists(group.get(), ds, H5P_DEFAULT) <= 0)
            fail("group '" + name + "' has no dataset '" + ds + "'");
        core::H5Handle d(H5Dopen2(group.get(), ds, H5P_DEFAULT));
        if (!d)
            fail("cannot open dataset '" + name + "/" + ds + "'");
        core::H5Handle space(H5Dget_space(d.get()));
        if (H5Sget_simple_extent_ndims(space.get()) != 3)
            fail("dataset '" + name + "/" + ds + "' is not [n, H, W]");
        hsize_t dims[3] = {0, 0, 0};
        H5Sget_simple_extent_dims(space.get(), dims, nullptr);
        core::H5Handle type(H5Dget_type(d.get()));
        const H5T_class_t cls = H5Tget_class(type.get());
        if (cls != H5T_FLOAT && cls != H5T_INTEGER)
            fail("dataset '" + name + "/" + ds + "' is not numeric");
        if (n == 0 && h == 0) {
            n = int(dims[0]);
            h = int(dims[1]);
            w = int(dims[2]);
        } else if (int(dims[0]) != n || int(dims[1]) != h || int(dims[2]) != w) {
            fail("dataset '" + name + "/" + ds + "' has shape [" + std::to_string(dims[0]) + ", " +
                 std::to_string(dims[1]) + ", " + std::to_string(dims[2]) + "], hologram has [" +
                 std::to_string(n) + ", " + std::to_string(h) + ", " + std::to_string(w) + "]");
        }
        return d;
    }

    void readPhysics()
    {
        const hid_t places[] = {group.get(), file.get(), hologram.get()};
        std::optional<double> e, d, p;
        for (hid_t o : places) {
            if (!e)
                e = readScalarAttribute(o, "energy_keV");
            if (!e)  // the simulator of issue 5 writes it in lower case
                e = readScalarAttribute(o, "energy_kev");
            if (!d)
                d = readScalarAttribute(o, "distance_m");
            if (!p)
                p = readScalarAttribute(o, "pixel_size_m");
            if (padding == "periodic")
                if (auto s = readStringAttribute(o, "padding"))
                    padding = *s;
        }
        hasGeometry = e && d && p;
        if (auto pr = readScalarAttribute(group.get(), "paired"))
            paired = *pr != 0;
        if (e)
            geometry.energyKeV = *e;
        if (d)
            geometry.distanceM = *d;
        if (p)
            geometry.pixelSizeM = *p;
        try {
            geometry.validate();
            core::parsePadding(padding);
        } catch (const core::InputError& err) {
            fail(err.what());
        }
    }

    void readOne(const core::H5Handle& ds, int index, float* out) const
    {
        core::H5Handle fileSpace(H5Dget_space(ds.get()));
        const hsize_t start[3] = {hsize_t(index), 0, 0};
        const hsize_t count[3] = {1, hsize_t(h), hsize_t(w)};
        H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
        core::H5Handle memSpace(H5Screate_simple(3, count, nullptr));
        if (H5Dread(ds.get(), H5T_NATIVE_FLOAT, memSpace.get(), fileSpace.get(), H5P_DEFAULT,
                    out) < 0)
            fail("cannot read sample " + std::to_string(index) + " of '" + name + "'");
    }
};

DatasetSplit::DatasetSplit(const std::string& path, const std::string& split)
    : m(std::make_unique<State>())
{
    const auto lock = core::lockHdf5();
    core::silenceHdf5Errors();
    m->path = path;
    m->name = split;
    if (H5Fis_hdf5(path.c_str()) <= 0)
        m->fail("not an HDF5 file (or missing)");
    m->file = core::H5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!m->file)
        m->fail("cannot open");
    if (H5Lexists(m->file.get(), split.c_str(), H5P_DEFAULT) <= 0)
        m->fail("has no group '" + split + "'");
    m->group = core::H5Handle(H5Gopen2(m->file.get(), split.c_str(), H5P_DEFAULT));
    if (!m->group)
        m->fail("'" + split + "' is not a group");
    m->hologram = m->openDataset("hologram");
    m->absorption = m->openDataset("absorption");
    m->phase = m->openDataset("phase");
    if (m->n <= 0 || m->h <= 0 || m->w <= 0)
        m->fail("split '" + split + "' is empty");
    m->readPhysics();
}

DatasetSplit::~DatasetSplit()
{
    const auto lock = core::lockHdf5();
    m.reset();
}

bool DatasetSplit::hasSplit(const std::string& path, const std::string& split)
{
    const auto lock = core::lockHdf5();
    core::silenceHdf5Errors();
    if (H5Fis_hdf5(path.c_str()) <= 0)
        return false;
    core::H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    return file && H5Lexists(file.get(), split.c_str(), H5P_DEFAULT) > 0;
}

int DatasetSplit::size() const noexcept
{
    return m->n;
}
int DatasetSplit::height() const noexcept
{
    return m->h;
}
int DatasetSplit::width() const noexcept
{
    return m->w;
}
const core::Geometry& DatasetSplit::geometry() const noexcept
{
    return m->geometry;
}
bool DatasetSplit::hasGeometry() const noexcept
{
    return m->hasGeometry;
}
const std::string& DatasetSplit::padding() const noexcept
{
    return m->padding;
}
bool DatasetSplit::paired() const noexcept
{
    return m->paired;
}
const std::string& DatasetSplit::path() const noexcept
{
    return m->path;
}
const std::string& DatasetSplit::name() const noexcept
{
    return m->name;
}

void DatasetSplit::read(int index, float* hologram, float* absorption, float* phase) const
{
    if (index < 0 || index >= m->n)
        m->fail("sample " + std::to_string(index) + " is out of range (split '" + m->name +
                "' has " + std::to_string(m->n) + ")");
    const auto lock = core::lockHdf5();
    core::silenceHdf5Errors();
    if (hologram)
        m->readOne(m->hologram, index, hologram);
    if (absorption)
        m->readOne(m->absorption, index, absorption);
    if (phase)
        m->readOne(m->phase, index, phase);
}

// ---------------------------------------------------------------------------------------------

std::vector<int> shuffledOrder(int n, std::uint64_t seed)
{
    std::vector<int> order(std::size_t(std::max(n, 0)));
    for (int i = 0; i < n; ++i)
        order[std::size_t(i)] = i;
    std::mt19937_64 rng(seed);
    for (int i = n - 1; i > 0; --i) {
        const int j = int(rng() % std::uint64_t(i + 1));
        std::swap(order[std::size_t(i)], order[std::size_t(j)]);
    }
    return order;
}

DatasetStatistics computeStatistics(const DatasetSplit& split, int maxSamples)
{
    const int n = maxSamples > 0 ? std::min(maxSamples, split.size()) : split.size();
    const std::size_t px = std::size_t(split.height()) * split.width();
    std::vector<float> a(px), b(px), c(px);
    double s[3] = {0, 0, 0}, s2[3] = {0, 0, 0};
    for (int i = 0; i < n; ++i) {
        split.read(i, a.data(), b.data(), c.data());
        const std::vector<float>* v[3] = {&a, &b, &c};
        for (int k = 0; k < 3; ++k) {
            double t = 0, t2 = 0;
            for (float x : *v[k]) {
                t += x;
                t2 += double(x) * x;
            }
            s[k] += t;
            s2[k] += t2;
        }
    }
    DatasetStatistics st;
    st.samples = n;
    const double count = double(n) * double(px);
    auto finish = [&](int k, double& mean, double& sd) {
        mean = count > 0 ? s[k] / count : 0.0;
        const double var = count > 0 ? std::max(0.0, s2[k] / count - mean * mean) : 1.0;
        sd = std::sqrt(var);
        if (!(sd > 1e-12))
            sd = 1.0;  // a constant channel: scale 1 keeps the normalisation invertible
    };
    finish(0, st.hologramMean, st.hologramStd);
    finish(1, st.absorptionMean, st.absorptionStd);
    finish(2, st.phaseMean, st.phaseStd);
    return st;
}

// ---------------------------------------------------------------------------------------------

BatchLoader::BatchLoader(const DatasetSplit& split, std::vector<int> order, int batchSize,
                         Augmentation augmentation, std::uint64_t seed, int prefetch)
    : m_split(split), m_order(std::move(order)), m_batchSize(std::max(1, batchSize)),
      m_batchCount(int((m_order.size() + std::size_t(m_batchSize) - 1) / std::size_t(m_batchSize))),
      m_augmentation(augmentation), m_seed(seed), m_prefetch(std::size_t(std::max(1, prefetch)))
{
    m_thread = std::thread([this] { run(); });
}

BatchLoader::~BatchLoader()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

std::optional<Batch> BatchLoader::next()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_queue.empty() || m_done || m_error; });
    if (!m_queue.empty()) {
        Batch b = std::move(m_queue.front());
        m_queue.pop_front();
        ++m_delivered;
        lock.unlock();
        m_changed.notify_all();
        return b;
    }
    if (m_error)
        std::rethrow_exception(m_error);
    return std::nullopt;
}

void BatchLoader::run()
{
    try {
        const int h = m_split.height(), w = m_split.width();
        const std::size_t px = std::size_t(h) * w;
        const bool square = h == w;
        // The dihedral() operations the options allow: flips are {x, y, both}; rotations are
        // 180° (both flips) and, on square images, 90° and 270° (transpose and one flip).
        std::vector<int> ops{0};
        if (m_augmentation.flips)
            ops.insert(ops.end(), {1, 2, 3});
        else if (m_augmentation.rotations)
            ops.push_back(3);
        if (m_augmentation.rotations && square)
            ops.insert(ops.end(), {5, 6});
        if (m_augmentation.flips && m_augmentation.rotations && square)
            ops.insert(ops.end(), {4, 7});
        std::mt19937_64 rng(m_seed);
        std::vector<float> scratch(px * 3);
        for (int b = 0; b < m_batchCount; ++b) {
            Batch batch;
            const std::size_t first = std::size_t(b) * std::size_t(m_batchSize);
            const std::size_t last = std::min(m_order.size(), first + std::size_t(m_batchSize));
            batch.count = int(last - first);
            batch.height = h;
            batch.width = w;
            batch.hologram.resize(std::size_t(batch.count) * px);
            batch.target.resize(std::size_t(batch.count) * 2 * px);
            for (std::size_t i = first; i < last; ++i) {
                const std::size_t k = i - first;
                const int index = m_order[i];
                batch.indices.push_back(index);
                float* holo = batch.hologram.data() + k * px;
                float* absorption = batch.target.data() + (2 * k) * px;
                float* phase = batch.target.data() + (2 * k + 1) * px;
                const int op = ops.size() > 1 ? ops[std::size_t(rng() % ops.size())] : 0;
                if (op == 0) {
                    m_split.read(index, holo, absorption, phase);
                } else {
                    m_split.read(index, scratch.data(), scratch.data() + px, scratch.data() + 2 * px);
                    dihedral(scratch.data(), w, h, op, holo);
                    dihedral(scratch.data() + px, w, h, op, absorption);
                    dihedral(scratch.data() + 2 * px, w, h, op, phase);
                }
            }
            std::unique_lock<std::mutex> lock(m_mutex);
            m_changed.wait(lock, [this] { return m_stop || m_queue.size() < m_prefetch; });
            if (m_stop)
                return;
            m_queue.push_back(std::move(batch));
            lock.unlock();
            m_changed.notify_all();
        }
    } catch (...) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_error = std::current_exception();
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_done = true;
    }
    m_changed.notify_all();
}

} // namespace phaselab::models
