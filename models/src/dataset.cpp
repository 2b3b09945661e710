#include <phaselab/models/dataset.h>

#include <phaselab/core/dataset.h>
#include <phaselab/core/error.h>
#include <phaselab/core/padding.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace phaselab::models {

namespace {

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
    std::unique_ptr<core::DatasetReader> reader;
    int n = 0, h = 0, w = 0;
    core::Geometry geometry;
    bool hasGeometry = false;
    std::string padding = "periodic";
    bool paired = true;

    [[noreturn]] void fail(const std::string& what) const
    {
        throw core::InputError(path + ": " + what);
    }
};

DatasetSplit::DatasetSplit(const std::string& path, const std::string& split)
    : m(std::make_unique<State>())
{
    m->path = path;
    m->name = split;
    // core's reader owns the file format: it opens the file and checks the shapes.
    m->reader = std::make_unique<core::DatasetReader>(path);
    const core::DatasetReader& r = *m->reader;
    if (!r.hasSplit(split))
        m->fail("has no group '" + split + "' with a hologram dataset");
    for (const char* name : {"absorption", "phase"})
        if (!r.contains(split, name))
            m->fail("group '" + split + "' has no dataset '" + name + "'");
    m->n = int(r.count(split));
    m->h = r.height();
    m->w = r.width();
    if (m->n <= 0)
        m->fail("split '" + split + "' is empty");

    const core::DatasetPhysics physics = r.physics(split);
    m->hasGeometry = physics.complete();
    if (physics.energyKeV)
        m->geometry.energyKeV = *physics.energyKeV;
    if (physics.distanceM)
        m->geometry.distanceM = *physics.distanceM;
    if (physics.pixelSizeM)
        m->geometry.pixelSizeM = *physics.pixelSizeM;
    m->padding = physics.padding.value_or("periodic");
    m->paired = r.paired(split);
    try {
        m->geometry.validate();
        core::parsePadding(m->padding);
    } catch (const core::InputError& err) {
        m->fail(err.what());
    }
}

DatasetSplit::~DatasetSplit() = default;

bool DatasetSplit::hasSplit(const std::string& path, const std::string& split)
{
    try {
        return core::DatasetReader(path).hasSplit(split);
    } catch (const core::InputError&) {
        return false;
    }
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
    const std::pair<const char*, float*> rows[] = {
        {"hologram", hologram}, {"absorption", absorption}, {"phase", phase}};
    for (const auto& [name, out] : rows)
        if (out)
            m->reader->readImage(m->name, name, std::size_t(index), out);
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
                         Augmentation augmentation, std::uint64_t seed, int prefetch, Shard shard)
    : m_split(split), m_order(std::move(order)), m_batchSize(std::max(1, batchSize)),
      m_batchCount(int((m_order.size() + std::size_t(m_batchSize) - 1) / std::size_t(m_batchSize))),
      m_augmentation(augmentation), m_seed(seed), m_prefetch(std::size_t(std::max(1, prefetch))),
      m_shard(shard)
{
    if (m_shard.count < 1 || m_shard.index < 0 || m_shard.index >= m_shard.count)
        throw core::InputError("batch loader: shard " + std::to_string(m_shard.index) + " of " +
                               std::to_string(m_shard.count) + " does not exist");
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
            const std::size_t m = last - first;
            const std::size_t parts = std::size_t(m_shard.count), part = std::size_t(m_shard.index);
            const std::size_t mineFirst = first + part * m / parts;
            const std::size_t mineLast = first + (part + 1) * m / parts;
            batch.globalCount = int(m);
            batch.count = int(mineLast - mineFirst);
            batch.height = h;
            batch.width = w;
            batch.hologram.resize(std::size_t(batch.count) * px);
            batch.target.resize(std::size_t(batch.count) * 2 * px);
            for (std::size_t i = first; i < last; ++i) {
                const int op = ops.size() > 1 ? ops[std::size_t(rng() % ops.size())] : 0;
                if (i < mineFirst || i >= mineLast)
                    continue;  // another shard's sample: its augmentation draw is spent all the same
                const std::size_t k = i - mineFirst;
                const int index = m_order[i];
                batch.indices.push_back(index);
                float* holo = batch.hologram.data() + k * px;
                float* absorption = batch.target.data() + (2 * k) * px;
                float* phase = batch.target.data() + (2 * k + 1) * px;
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
