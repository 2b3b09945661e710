#include <phaselab/core/simulate.h>

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/dataset.h>
#include <phaselab/core/error.h>
#include <phaselab/core/parallel.h>
#include <phaselab/core/units.h>
#include <phaselab/version.h>

#include "random.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>

#include <unistd.h>

namespace phaselab::core {

namespace {

constexpr double kPi = 3.14159265358979323846;

bool finite(double v)
{
    return std::isfinite(v);
}

void require(bool ok, const std::string& message)
{
    if (!ok)
        throw InputError("simulation: " + message);
}

} // namespace

std::string toString(SimulationProtocol protocol)
{
    return protocol == SimulationProtocol::Dgn ? "dgn" : "phasegan";
}

SimulationProtocol parseProtocol(const std::string& text)
{
    std::string t = text;
    std::transform(t.begin(), t.end(), t.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (t == "dgn")
        return SimulationProtocol::Dgn;
    if (t == "phasegan")
        return SimulationProtocol::PhaseGan;
    throw InputError("protocol '" + text + "': expected dgn or phasegan");
}

std::string toString(NoiseModel noise)
{
    switch (noise) {
    case NoiseModel::None: return "none";
    case NoiseModel::GaussianPpsnr: return "gaussian_ppsnr";
    case NoiseModel::Poisson: return "poisson";
    }
    return "none";
}

// =============================================================================================
// Parameters

SimulationParams SimulationParams::dgn()
{
    SimulationParams p;
    p.protocol = SimulationProtocol::Dgn;
    p.geometry = Geometry::dgnPaper();
    p.materials = dgnMaterials();
    p.minShapes = 1;
    p.maxShapes = 10;
    p.minSizeFraction = 0.03;
    p.maxSizeFraction = 0.2;
    p.minThicknessM = 10e-9;
    p.maxThicknessM = 500e-9;
    p.oversample = 4;  // DGN paper: 2048² propagation binned to 512²
    p.noise = NoiseModel::GaussianPpsnr;
    p.ppsnrMinDb = 10;
    p.ppsnrMaxDb = 100;
    p.flatFieldRms = 0;
    return p;
}

SimulationParams SimulationParams::phaseGan()
{
    SimulationParams p;
    p.protocol = SimulationProtocol::PhaseGan;
    p.geometry = Geometry::phaseGanPaper();
    p.materials.clear();
    p.delta = 1e-3;
    p.beta = 1e-6;
    p.minShapes = 1;
    p.maxShapes = 10;
    p.minSizeFraction = 0.03;
    p.maxSizeFraction = 0.2;
    p.minThicknessM = 0;
    p.maxThicknessM = 10e-9;
    p.oversample = 1;
    p.noise = NoiseModel::Poisson;
    p.photonsPerFrame = 6.6e7;
    // The paper draws 15 PCA components of measured XFEL flats; PhaseLab has no such basis and
    // draws 15 smooth periodic modes instead (5 % rms).
    p.flatFieldRms = 0.05;
    p.flatFieldModes = 15;
    p.flatFieldMaxCycles = 4;
    return p;
}

void SimulationParams::validate() const
{
    geometry.validate();
    if (protocol == SimulationProtocol::Dgn) {
        require(!materials.empty(), "the DGN protocol needs at least one material");
        for (const Material& m : materials)
            validateMaterial(m);
    } else {
        require(finite(delta) && delta >= 0, "delta must be finite and ≥ 0");
        require(finite(beta) && beta >= 0, "beta must be finite and ≥ 0");
    }
    require(minShapes >= 1 && maxShapes >= minShapes && maxShapes <= 10000,
            "shape count range must satisfy 1 ≤ min ≤ max ≤ 10000");
    require(finite(minSizeFraction) && finite(maxSizeFraction) && minSizeFraction > 0 &&
                maxSizeFraction >= minSizeFraction && maxSizeFraction <= 0.5,
            "shape size fractions must satisfy 0 < min ≤ max ≤ 0.5");
    require(finite(minThicknessM) && finite(maxThicknessM) && minThicknessM >= 0 &&
                maxThicknessM >= minThicknessM && maxThicknessM > 0,
            "thickness range must satisfy 0 ≤ min ≤ max, max > 0");
    require(supersample >= 1 && supersample <= 16, "supersampling must be 1 to 16");
    require(oversample >= 1 && oversample <= 16, "oversampling must be 1 to 16");
    require(finite(padFactor) && padFactor >= 1, "pad factor must be ≥ 1");
    if (noise == NoiseModel::GaussianPpsnr)
        require(finite(ppsnrMinDb) && finite(ppsnrMaxDb) && ppsnrMaxDb >= ppsnrMinDb,
                "PPSNR range must be finite with LO ≤ HI");
    if (noise == NoiseModel::Poisson)
        require(finite(photonsPerFrame) && photonsPerFrame > 0,
                "photons per frame must be finite and positive");
    require(finite(flatFieldRms) && flatFieldRms >= 0 && flatFieldRms < 1,
            "flat-field rms must be in [0, 1)");
    require(flatFieldModes >= 0 && flatFieldModes <= 1000, "flat-field modes must be 0 to 1000");
    require(flatFieldMaxCycles >= 1 && flatFieldMaxCycles <= 1000,
            "flat-field cycles must be 1 to 1000");
}

nlohmann::json SimulationParams::toJson() const
{
    nlohmann::json j;
    j["protocol"] = toString(protocol);
    j["energy_keV"] = geometry.energyKeV;
    j["distance_m"] = geometry.distanceM;
    j["pixel_size_m"] = geometry.pixelSizeM;
    j["wavelength_m"] = geometry.wavelengthM();
    j["fresnel_number"] = geometry.fresnelNumber();
    if (protocol == SimulationProtocol::Dgn) {
        j["shape_kinds"] = {"ellipsoid", "paraboloid"};
        nlohmann::json specs = nlohmann::json::array(), names = nlohmann::json::array();
        for (const Material& m : materials) {
            specs.push_back(m.spec());
            names.push_back(m.name);
        }
        j["materials"] = specs;
        j["material_names"] = names;
        j["absorption_model"] =
            absorptionModel == AbsorptionModel::Total ? "total" : "photoabsorption";
    } else {
        j["shape_kinds"] = {"rectangle", "circle"};
        j["delta"] = delta;
        j["beta"] = beta;
    }
    j["shapes_min"] = minShapes;
    j["shapes_max"] = maxShapes;
    j["size_min_fraction"] = minSizeFraction;
    j["size_max_fraction"] = maxSizeFraction;
    j["thickness_min_m"] = minThicknessM;
    j["thickness_max_m"] = maxThicknessM;
    j["supersample"] = supersample;
    j["oversample"] = oversample;
    j["object_grid"] = "detector";  // B, φ on the N × N grid; propagated at K·N by replication
    j["padding"] = toString(padding);
    j["pad_factor"] = padFactor;
    j["noise"] = toString(noise);
    if (noise == NoiseModel::GaussianPpsnr) {
        j["ppsnr_min_db"] = ppsnrMinDb;
        j["ppsnr_max_db"] = ppsnrMaxDb;
    }
    if (noise == NoiseModel::Poisson)
        j["photons_per_frame"] = photonsPerFrame;
    j["flat_field_rms"] = flatFieldRms;
    j["flat_field_modes"] = flatFieldModes;
    j["flat_field_max_cycles"] = flatFieldMaxCycles;
    j["intensity_unit"] = "incident beam intensity";
    return j;
}

// =============================================================================================
// SampleSimulator

struct SampleSimulator::State {
    SimulationParams params;
    int size = 0;
    std::vector<RefractiveIndex> indices;
    PropagationOptions options;
    std::optional<FresnelOperator<float>> op;  // made on first use: object-only work needs none

    std::vector<Solid> drawSolids(detail::Rng& rng) const
    {
        // Draw order (fixed; the data set's reproducibility depends on it): count, then per
        // shape kind, material, semi-axes, angle, centre, thickness.
        const double N = size;
        const bool dgn = params.protocol == SimulationProtocol::Dgn;
        const int count = rng.uniformInt(params.minShapes, params.maxShapes);
        std::vector<Solid> solids;
        solids.reserve(std::size_t(count));
        for (int i = 0; i < count; ++i) {
            Solid s;
            const bool first = rng.uniform() < 0.5;
            if (dgn) {
                s.kind = first ? Solid::Kind::Ellipsoid : Solid::Kind::Paraboloid;
                s.material = rng.uniformInt(0, int(params.materials.size()) - 1);
            } else {
                s.kind = first ? Solid::Kind::Box : Solid::Kind::Cylinder;
                s.material = 0;
            }
            s.semiAxisA = rng.uniform(params.minSizeFraction, params.maxSizeFraction) * N;
            s.semiAxisB = rng.uniform(params.minSizeFraction, params.maxSizeFraction) * N;
            if (s.kind == Solid::Kind::Cylinder)
                s.semiAxisB = s.semiAxisA;  // a circle
            s.angle = rng.uniform(0.0, kPi);
            // Keep the whole footprint inside the frame, so B and φ vanish at the border and
            // the periodic propagation sees no cut shapes.
            const double reach = s.kind == Solid::Kind::Box
                                     ? std::hypot(s.semiAxisA, s.semiAxisB)
                                     : std::max(s.semiAxisA, s.semiAxisB);
            const double lo = std::min(reach, N / 2), hi = std::max(N - reach, N / 2);
            s.centreX = rng.uniform(lo, hi);
            s.centreY = rng.uniform(lo, hi);
            s.maxThicknessM = rng.uniform(params.minThicknessM, params.maxThicknessM);
            solids.push_back(s);
        }
        return solids;
    }

    // f = 1 + Σ_m a_m cos(2π(u_m x + v_m y)/N + θ_m), evaluated separably per mode.
    ImageF flatField(detail::Rng& rng) const
    {
        const int N = size;
        ImageF f(N, N, 1.0f);
        const int M = params.flatFieldModes;
        if (!(params.flatFieldRms > 0) || M == 0)
            return f;
        const int c = params.flatFieldMaxCycles;
        const double amp = params.flatFieldRms * std::sqrt(2.0 / M);
        ImageD acc(N, N, 1.0);
        const std::size_t n = static_cast<std::size_t>(N);
        std::vector<double> cx(n), sx(n), cy(n), sy(n);
        for (int m = 0; m < M; ++m) {
            int u = 0, v = 0;
            while (u == 0 && v == 0) {
                u = rng.uniformInt(-c, c);
                v = rng.uniformInt(-c, c);
            }
            const double theta = rng.uniform(0.0, 2 * kPi);
            const double a = amp * rng.normal();
            for (int i = 0; i < N; ++i) {
                const double px = 2 * kPi * u * (i + 0.5) / N;
                const double py = 2 * kPi * v * (i + 0.5) / N + theta;
                cx[std::size_t(i)] = std::cos(px);
                sx[std::size_t(i)] = std::sin(px);
                cy[std::size_t(i)] = std::cos(py);
                sy[std::size_t(i)] = std::sin(py);
            }
            for (int y = 0; y < N; ++y) {
                double* row = acc.row(y);
                const double ay = a * cy[std::size_t(y)], by = a * sy[std::size_t(y)];
                for (int x = 0; x < N; ++x)
                    row[x] += ay * cx[std::size_t(x)] - by * sx[std::size_t(x)];
            }
        }
        for (std::size_t i = 0; i < acc.size(); ++i)
            f[i] = float(std::max(acc[i], 0.01));  // a detector never records negative flux
        return f;
    }

    FresnelOperator<float>& forwardOperator()
    {
        if (!op)
            op.emplace(params.geometry, size, size, options);
        return *op;
    }
};

SampleSimulator::SampleSimulator(const SimulationParams& params, int size, FftEffort fftPlanning)
    : m(std::make_unique<State>())
{
    params.validate();
    if (size < 8 || size > 16384)
        throw InputError("simulation: image size must be 8 to 16384 pixels, got " +
                         std::to_string(size));
    m->params = params;
    m->size = size;
    if (params.protocol == SimulationProtocol::Dgn) {
        for (const Material& mat : params.materials)
            m->indices.push_back(
                refractiveIndex(mat, params.geometry.energyKeV, params.absorptionModel));
    } else {
        m->indices.push_back({params.delta, params.beta});
    }
    m->options.padding = params.padding;
    m->options.padFactor = params.padFactor;
    m->options.oversample = params.oversample;
    m->options.fftPlanning = fftPlanning;
}

void SampleSimulator::prepare()
{
    (void)m->forwardOperator();
}

SampleSimulator::~SampleSimulator() = default;
SampleSimulator::SampleSimulator(SampleSimulator&&) noexcept = default;
SampleSimulator& SampleSimulator::operator=(SampleSimulator&&) noexcept = default;

int SampleSimulator::size() const noexcept
{
    return m->size;
}

const SimulationParams& SampleSimulator::params() const noexcept
{
    return m->params;
}

const std::vector<RefractiveIndex>& SampleSimulator::refractiveIndices() const noexcept
{
    return m->indices;
}

PropagationOptions SampleSimulator::propagationOptions() const
{
    return m->options;
}

std::vector<Solid> SampleSimulator::drawSolids(const SampleKey& key) const
{
    detail::Rng rng(key.seed, key.split, key.stream, key.index);
    return m->drawSolids(rng);
}

SimulatedSample SampleSimulator::simulate(const SampleKey& key, bool propagate)
{
    const SimulationParams& p = m->params;
    const int N = m->size;
    detail::Rng rng(key.seed, key.split, key.stream, key.index);
    const std::vector<Solid> solids = m->drawSolids(rng);

    SimulatedSample s;
    s.shapes = int(solids.size());
    const PhaseObject obj =
        projectSolids(solids, m->indices, p.geometry.energyKeV, N, N, p.supersample);
    s.absorption = obj.absorption.cast<float>();
    s.phase = obj.phase.cast<float>();
    if (!propagate)
        return s;

    s.intensity = m->forwardOperator().forward(s.absorption, s.phase);
    const ImageF flat = m->flatField(rng);
    ImageF recorded(N, N, kNoInit);
    for (std::size_t i = 0; i < recorded.size(); ++i)
        recorded[i] = s.intensity[i] * flat[i];
    const ImageStats st = imageStats(recorded);

    s.hologram = ImageF(N, N, kNoInit);
    switch (p.noise) {
    case NoiseModel::None:
        s.hologram = recorded;
        s.ppsnrDb = std::numeric_limits<double>::infinity();
        break;
    case NoiseModel::GaussianPpsnr: {
        // physics.md §6: PPSNR = 20 log10((max I − min I) / σ).
        s.ppsnrDb = rng.uniform(p.ppsnrMinDb, p.ppsnrMaxDb);
        const double sigma = (st.max - st.min) / std::pow(10.0, s.ppsnrDb / 20.0);
        for (std::size_t i = 0; i < recorded.size(); ++i)
            s.hologram[i] = float(double(recorded[i]) + sigma * rng.normal());
        break;
    }
    case NoiseModel::Poisson: {
        const double perPixel = p.photonsPerFrame / (double(N) * N);
        double total = 0;
        for (std::size_t i = 0; i < recorded.size(); ++i) {
            const double counts = double(rng.poisson(perPixel * std::max(0.0f, recorded[i])));
            total += counts;
            s.hologram[i] = float(counts / perPixel);
        }
        s.photons = total;
        const double sigma = std::sqrt(std::max(st.mean, 0.0) / perPixel);
        s.ppsnrDb = sigma > 0 ? 20 * std::log10((st.max - st.min) / sigma)
                              : std::numeric_limits<double>::infinity();
        break;
    }
    }
    return s;
}

double measuredPpsnrDb(const ImageF& noiseless, const ImageF& noisy)
{
    requireSameShape(noiseless, noisy, "PPSNR");
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, ss = 0;
    for (std::size_t i = 0; i < noiseless.size(); ++i) {
        lo = std::min(lo, double(noiseless[i]));
        hi = std::max(hi, double(noiseless[i]));
        const double d = double(noisy[i]) - double(noiseless[i]);
        ss += d * d;
    }
    const double rms = std::sqrt(ss / double(noiseless.size()));
    return 20 * std::log10((hi - lo) / rms);
}

// =============================================================================================
// Data sets

SplitCounts splitCounts(std::size_t count, double valFraction, double testFraction)
{
    if (!(valFraction >= 0 && valFraction < 1) || !(testFraction >= 0 && testFraction < 1) ||
        valFraction + testFraction > 1)
        throw InputError("split fractions must be in [0, 1) and sum to at most 1");
    SplitCounts c;
    c.val = std::size_t(std::llround(double(count) * valFraction));
    c.test = std::size_t(std::llround(double(count) * testFraction));
    if (c.val + c.test > count)
        c.test = count - c.val;
    c.train = count - c.val - c.test;
    return c;
}

std::string defaultFftWisdomPath()
{
    if (const char* env = std::getenv("PHASELAB_FFTW_WISDOM"))
        return env;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return std::string(xdg) + "/phaselab/fftw-wisdom";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.cache/phaselab/fftw-wisdom";
    return {};
}

namespace {

struct EncodedRow {
    DatasetWriter::EncodedImage hologram, absorption, phase;
    double ppsnrDb = 0;
    double photons = 0;
};

} // namespace

DatasetReport generateDataset(const DatasetRequest& req, const std::string& path,
                              ProgressSink* sink, const CancelToken* cancel)
{
    const auto start = std::chrono::steady_clock::now();
    const ProgressReporter progress(sink, cancel);
    req.params.validate();
    if (req.size < 8 || req.size > 16384)
        throw InputError("simulation: image size must be 8 to 16384 pixels, got " +
                         std::to_string(req.size));
    if (req.count < 1)
        throw InputError("simulation: count must be at least 1");
    if (req.deflateLevel < 1 || req.deflateLevel > 9)
        throw InputError("simulation: deflate level must be 1 to 9");
    const SplitCounts counts = splitCounts(req.count, req.valFraction, req.testFraction);
    const int N = req.size;
    // Workers: all cores, unless their buffers (the forward operator's complex grids at K·N,
    // padded) would take more than half the memory.
    int threads = std::max(1, threadCount());
    {
        const double pad = req.params.padding == Padding::Periodic ? 1.0 : req.params.padFactor;
        const double fine = double(N) * req.params.oversample * pad;
        const double perWorker = 40.0 * fine * fine + 64.0 * double(N) * N;  // bytes
        const long pages = ::sysconf(_SC_PHYS_PAGES), pageSize = ::sysconf(_SC_PAGE_SIZE);
        if (pages > 0 && pageSize > 0) {
            const double budget = 0.5 * double(pages) * double(pageSize);
            threads = std::clamp(int(budget / perWorker), 1, threads);
        }
    }

    // One simulator per thread; the first one, made here, validates materials early. Each
    // sample runs on one thread, so its FFT plans are single-threaded: faster than a threaded
    // plan run serially, and the same for any thread count.
    std::vector<std::unique_ptr<SampleSimulator>> sims(static_cast<std::size_t>(threads));
    std::optional<ThreadCountScope> oneThread(std::in_place, 1);
    FftEffort effort = req.fftPlanning;
    if (effort == FftEffort::Measure) {
        // Measure plans are reproducible only when every run uses the same ones: reuse the
        // wisdom of earlier runs, plan, and save the wisdom for the next run. Without a place
        // to keep it, Estimate plans keep the file reproducible (at 3–5× the FFT time).
        const std::string wisdom =
            req.fftWisdomPath.empty() ? defaultFftWisdomPath() : req.fftWisdomPath;
        bool saved = false;
        if (!wisdom.empty() && wisdom != "none") {
            importFftWisdom(wisdom);
            sims[0] = std::make_unique<SampleSimulator>(req.params, N, FftEffort::Measure);
            sims[0]->prepare();
            std::error_code ec;
            const std::filesystem::path dir = std::filesystem::path(wisdom).parent_path();
            if (!dir.empty())
                std::filesystem::create_directories(dir, ec);
            saved = exportFftWisdom(wisdom);
        }
        if (!saved)
            effort = FftEffort::Estimate;
    }
    if (!sims[0] || effort == FftEffort::Estimate)
        sims[0] = std::make_unique<SampleSimulator>(req.params, N, effort);
    sims[0]->prepare();
    oneThread.reset();

    // Rows computed between two writes: enough to keep every thread busy, few enough that the
    // encoded images of a batch stay near 256 MB at most.
    std::size_t batch = req.batchSize > 0 ? std::size_t(req.batchSize) : std::size_t(4 * threads);
    const std::size_t rowBytes = std::size_t(12) * std::size_t(N) * std::size_t(N);
    if (req.batchSize <= 0)
        batch = std::max<std::size_t>(std::size_t(threads),
                                      std::min(batch, (std::size_t(256) << 20) / rowBytes));

    AtomicFile file(path);
    // Declared after `file`, so it is closed before an uncommitted temporary is removed.
    auto writer = std::make_unique<DatasetWriter>(file.tempPath(), N, N, req.deflateLevel);

    nlohmann::json attrs = req.params.toJson();
    attrs["format"] = "phaselab-dataset";
    attrs["format_version"] = 1;
    attrs["phaselab_version"] = PHASELAB_VERSION;
    attrs["seed"] = std::uint64_t(req.seed);
    attrs["width"] = N;
    attrs["height"] = N;
    attrs["count"] = std::uint64_t(counts.total());
    attrs["train_count"] = std::uint64_t(counts.train);
    attrs["val_count"] = std::uint64_t(counts.val);
    attrs["test_count"] = std::uint64_t(counts.test);
    attrs["val_fraction"] = req.valFraction;
    attrs["test_fraction"] = req.testFraction;
    attrs["unpaired_train"] = req.unpairedTrain;
    attrs["threads"] = threads;
    attrs["deflate_level"] = req.deflateLevel;
    attrs["fft_planning"] = effort == FftEffort::Measure ? "measure" : "estimate";
    attrs["rng"] = "xoshiro256** per sample, seeded by SplitMix64 of (seed, split, stream, index)";
    {
        nlohmann::json d = nlohmann::json::array(), b = nlohmann::json::array();
        for (const RefractiveIndex& n : sims[0]->refractiveIndices()) {
            d.push_back(n.delta);
            b.push_back(n.beta);
        }
        attrs["material_delta"] = d;
        attrs["material_beta"] = b;
    }
    attrs["parameters"] = attrs.dump();
    writer->setAttributes(attrs);

    const bool poisson = req.params.noise == NoiseModel::Poisson;
    std::vector<std::string> scalars = {"ppsnr_db"};
    if (poisson)
        scalars.push_back("photons");

    const std::size_t splitSizes[3] = {counts.train, counts.val, counts.test};
    const std::size_t total = counts.total();
    std::size_t done = 0;
    progress.step(0.0, "simulating");

    for (std::uint32_t splitIndex = 0; splitIndex < 3; ++splitIndex) {
        const std::string& split = datasetSplits()[splitIndex];
        const std::size_t n = splitSizes[splitIndex];
        const bool paired = !(splitIndex == 0 && req.unpairedTrain);
        nlohmann::json splitAttrs;
        splitAttrs["split"] = split;
        splitAttrs["count"] = std::uint64_t(n);
        splitAttrs["paired"] = paired ? 1 : 0;
        splitAttrs["hologram_stream"] = 0;
        splitAttrs["object_stream"] = paired ? 0 : 1;
        writer->createSplit(split, n, splitAttrs, scalars);

        for (std::size_t first = 0; first < n; first += batch) {
            const std::size_t b = std::min(batch, n - first);
            std::vector<EncodedRow> rows(b);
            std::exception_ptr error;
            std::mutex errorMutex;
            std::atomic<bool> stop{false};
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
            for (std::ptrdiff_t j = 0; j < std::ptrdiff_t(b); ++j) {
                if (stop.load() || (cancel && cancel->isCancelled()))
                    continue;
                try {
                    const ThreadCountScope single(1);
#ifdef _OPENMP
                    const std::size_t t = std::size_t(omp_get_thread_num());
#else
                    const std::size_t t = 0;
#endif
                    if (!sims[t])
                        sims[t] = std::make_unique<SampleSimulator>(req.params, N, effort);
                    SampleSimulator& sim = *sims[t];
                    const std::uint64_t index = first + std::size_t(j);
                    SimulatedSample h = sim.simulate({req.seed, splitIndex, 0, index}, true);
                    EncodedRow& row = rows[std::size_t(j)];
                    row.hologram = DatasetWriter::encode(h.hologram, req.deflateLevel);
                    row.ppsnrDb = h.ppsnrDb;
                    row.photons = h.photons;
                    if (!paired)  // the object of another sample: stream 1
                        h = sim.simulate({req.seed, splitIndex, 1, index}, false);
                    row.absorption = DatasetWriter::encode(h.absorption, req.deflateLevel);
                    row.phase = DatasetWriter::encode(h.phase, req.deflateLevel);
                } catch (...) {
                    std::lock_guard<std::mutex> lock(errorMutex);
                    if (!error)
                        error = std::current_exception();
                    stop.store(true);
                }
            }
            if (error)
                std::rethrow_exception(error);
            progress.checkCancel();

            std::vector<double> ppsnr(b), photons(b);
            for (std::size_t j = 0; j < b; ++j) {
                writer->writeImage(split, "hologram", first + j, rows[j].hologram);
                writer->writeImage(split, "absorption", first + j, rows[j].absorption);
                writer->writeImage(split, "phase", first + j, rows[j].phase);
                ppsnr[j] = rows[j].ppsnrDb;
                photons[j] = rows[j].photons;
            }
            writer->writeScalars(split, "ppsnr_db", first, ppsnr);
            if (poisson)
                writer->writeScalars(split, "photons", first, photons);
            done += b;
            progress.step(0.99 * double(done) / double(total), "simulating " + split);
        }
    }
    progress.step(0.99, "writing");
    writer->close();
    writer.reset();
    file.commit();

    DatasetReport report;
    report.splits = counts;
    report.threads = threads;
    report.fftPlanning = effort;
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::error_code ec;
    report.fileBytes = std::uint64_t(std::filesystem::file_size(path, ec));
    if (sink)  // not step(): a cancel arriving now must not report failure for a written file
        sink->report(1.0, "done");
    return report;
}

} // namespace phaselab::core
