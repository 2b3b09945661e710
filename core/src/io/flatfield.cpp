#include <phaselab/core/flatfield.h>

#include <phaselab/core/checksum.h>
#include <phaselab/core/error.h>
#include <phaselab/core/hdf5_io.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

namespace phaselab::core {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& problem)
{
    throw InputError(where + ": " + problem);
}

const char* averagingName(FrameAveraging a)
{
    return a == FrameAveraging::Median ? "median" : "mean";
}

// Runs of consecutive frame indices (flats taken together), each with its centre.
struct FlatRun {
    std::vector<int> frames;
    double centre = 0;
};

std::vector<FlatRun> contiguousRuns(const std::vector<int>& frames)
{
    std::vector<FlatRun> runs;
    for (int f : frames) {
        if (runs.empty() || f != runs.back().frames.back() + 1)
            runs.emplace_back();
        runs.back().frames.push_back(f);
    }
    for (FlatRun& r : runs)
        r.centre = 0.5 * (r.frames.front() + r.frames.back());
    return runs;
}

} // namespace

FrameAveraging parseFrameAveraging(const std::string& name)
{
    if (name == "mean")
        return FrameAveraging::Mean;
    if (name == "median")
        return FrameAveraging::Median;
    throw InputError("averaging: \"" + name + "\" is not mean or median");
}

ImageF averageFrames(const std::vector<ImageF>& frames, FrameAveraging averaging,
                     const std::string& what)
{
    if (frames.empty())
        fail(what, "no frames to average");
    for (std::size_t i = 0; i < frames.size(); ++i) {
        requireSameShape(frames[i], frames[0], what);
        requireFinite(frames[i], what + " (frame " + std::to_string(i) + ")");
    }
    const std::size_t n = frames.size();
    ImageF out(frames[0].width(), frames[0].height(), kNoInit);
    const std::ptrdiff_t size = std::ptrdiff_t(out.size());
    if (averaging == FrameAveraging::Mean || n <= 2) {
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t i = 0; i < size; ++i) {
            double s = 0;
            for (std::size_t k = 0; k < n; ++k)
                s += frames[k][std::size_t(i)];
            out[std::size_t(i)] = float(s / double(n));
        }
        return out;
    }
#pragma omp parallel
    {
        std::vector<float> v(n);
#pragma omp for schedule(static)
        for (std::ptrdiff_t i = 0; i < size; ++i) {
            for (std::size_t k = 0; k < n; ++k)
                v[k] = frames[k][std::size_t(i)];
            const std::size_t mid = n / 2;
            std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(mid), v.end());
            float m = v[mid];
            if (n % 2 == 0)  // even count: mean of the two middle values
                m = 0.5f * (m + *std::max_element(v.begin(), v.begin() + std::ptrdiff_t(mid)));
            out[std::size_t(i)] = m;
        }
    }
    return out;
}

ImageF averageFileFrames(const std::string& spec, const std::vector<int>& indicesIn,
                         FrameAveraging averaging)
{
    FrameReader reader(spec);
    std::vector<int> indices = indicesIn;
    if (indices.empty())
        for (int i = 0; i < reader.frames(); ++i)
            indices.push_back(i);
    if (averaging == FrameAveraging::Median && indices.size() > 2) {
        std::vector<ImageF> frames;
        frames.reserve(indices.size());
        for (int i : indices)
            frames.push_back(reader.read(i));
        return averageFrames(frames, averaging, spec);
    }
    // Mean: one frame in memory plus the running sum.
    ImageD sum;
    for (int i : indices) {
        const ImageF f = reader.read(i);
        requireFinite(f, spec + " (frame " + std::to_string(i) + ")");
        if (sum.empty())
            sum = ImageD(f.width(), f.height());
        requireSameShape(f, sum, spec);
        for (std::size_t p = 0; p < f.size(); ++p)
            sum[p] += f[p];
    }
    if (sum.empty())
        fail(spec, "no frames to average");
    ImageF out(sum.width(), sum.height(), kNoInit);
    const double inv = 1.0 / double(indices.size());
    for (std::size_t p = 0; p < sum.size(); ++p)
        out[p] = float(sum[p] * inv);
    return out;
}

ImageF interpolateFlats(const ImageF& before, const ImageF& after, double weight)
{
    requireSameShape(before, after, "flats before and after");
    if (!(weight >= 0 && weight <= 1))
        throw InputError("flat interpolation weight " + std::to_string(weight) +
                         " is outside [0, 1]");
    ImageF out(before.width(), before.height(), kNoInit);
    const float a = float(1 - weight), b = float(weight);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = a * before[i] + b * after[i];
    return out;
}

ImageF flatFieldCorrect(const ImageF& raw, const ImageF& flat, const ImageF* dark,
                        const FlatFieldOptions& options, FlatFieldReport* reportOut)
{
    requireSameShape(raw, flat, "flat field");
    if (dark)
        requireSameShape(raw, *dark, "dark field");
    requireFinite(raw, "raw frame");
    requireFinite(flat, "flat field");
    if (dark)
        requireFinite(*dark, "dark field");
    if (!(options.minRelativeDenominator >= 0) || !std::isfinite(options.guardValue))
        throw InputError("flat-field guard: invalid options");

    // physics.md: I = (raw − dark) / (flat − dark). The threshold is relative to the typical
    // positive denominator so it means the same for 8-bit and 32-bit detectors.
    double sum = 0;
    std::size_t positive = 0;
    for (std::size_t i = 0; i < flat.size(); ++i) {
        const double d = double(flat[i]) - (dark ? double((*dark)[i]) : 0.0);
        if (d > 0) {
            sum += d;
            ++positive;
        }
    }
    if (positive == 0)
        throw InputError("flat field: flat − dark is nowhere positive (flat and dark swapped?)");
    FlatFieldReport report;
    report.pixels = raw.size();
    report.threshold = options.minRelativeDenominator * sum / double(positive);
    const float threshold = float(report.threshold);
    ImageF out(raw.width(), raw.height(), kNoInit);
    std::size_t guarded = 0, negative = 0;
    const std::ptrdiff_t size = std::ptrdiff_t(raw.size());
#pragma omp parallel for schedule(static) reduction(+ : guarded, negative)
    for (std::ptrdiff_t k = 0; k < size; ++k) {
        const std::size_t i = std::size_t(k);
        const float dk = dark ? (*dark)[i] : 0.0f;
        const float den = flat[i] - dk;
        if (!(den > threshold)) {
            out[i] = options.guardValue;
            ++guarded;
            continue;
        }
        const float v = (raw[i] - dk) / den;
        if (v < 0) {
            out[i] = 0;
            ++negative;
        } else {
            out[i] = v;
        }
    }
    report.guardedPixels = guarded;
    report.negativePixels = negative;
    if (reportOut)
        *reportOut = report;
    return out;
}

struct CorrectedFrameReader::Impl {
    std::string spec;
    FlatFieldSources sources;
    FrameReader reader;
    ImageFileInfo info;
    std::optional<NxTomoInfo> nx;
    bool explicitFlat = false;
    nlohmann::json provenance = nlohmann::json::object();  // file, size, checksum, dataset
    // Averages made once: explicit flat, flat after, dark; NXtomo runs by index and the dark.
    ImageF flat, flatAfter, dark;
    bool haveDark = false;
    std::vector<FlatRun> runs;
    std::map<std::size_t, ImageF> runAverages;

    Impl(const std::string& s, const FlatFieldSources& src) : spec(s), sources(src), reader(s) {}

    const ImageF& runAverage(std::size_t i)
    {
        auto it = runAverages.find(i);
        if (it == runAverages.end())
            it = runAverages.emplace(i, averageFileFrames(spec, runs[i].frames, sources.averaging)).first;
        return it->second;
    }
};

CorrectedFrameReader::CorrectedFrameReader(const std::string& spec, const FlatFieldSources& sources)
{
    const bool explicitFlat = !sources.flat.empty();
    if (!explicitFlat && (!sources.flatAfter.empty() || !sources.dark.empty()))
        throw InputError(spec + ": a dark or after-scan flat needs a flat (--flat)");
    m = std::make_unique<Impl>(spec, sources);
    m->explicitFlat = explicitFlat;
    m->info = m->reader.info();
    if (!explicitFlat && sources.automatic && m->info.format == ImageFormat::Hdf5) {
        const ImageSpec s = parseImageSpec(spec);
        m->nx = findNxTomo(s.path);
        if (m->nx && m->info.dataset != m->nx->dataPath)
            m->nx.reset();  // a different dataset than the scan's was asked for
    }
    m->provenance["input"] = spec;
    m->provenance["file_bytes"] = std::filesystem::file_size(m->info.path);
    // The file's SHA-256 identifies exactly what was processed; hashing runs at a few hundred
    // MB/s, so scans above kMaxChecksumBytes record their size only.
    if (std::filesystem::file_size(m->info.path) <= kMaxChecksumBytes)
        m->provenance["file_sha256"] = fileSha256(m->info.path);
    if (!m->info.dataset.empty())
        m->provenance["dataset"] = m->info.dataset;
    if (m->nx && !m->nx->flatFrames.empty()) {
        if (m->nx->projectionFrames.empty())
            throw InputError(spec + ": NXtomo scan has no projections (image_key 0)");
        m->runs = contiguousRuns(m->nx->flatFrames);
        if (!m->nx->darkFrames.empty()) {
            m->dark = averageFileFrames(spec, m->nx->darkFrames, sources.averaging);
            m->haveDark = true;
        }
    } else if (explicitFlat) {
        m->flat = averageFileFrames(sources.flat, {}, sources.averaging);
        if (!sources.flatAfter.empty())
            m->flatAfter = averageFileFrames(sources.flatAfter, {}, sources.averaging);
        if (!sources.dark.empty()) {
            m->dark = averageFileFrames(sources.dark, {}, sources.averaging);
            m->haveDark = true;
        }
    }
}

CorrectedFrameReader::~CorrectedFrameReader() = default;

int CorrectedFrameReader::frames() const noexcept
{
    return m->nx ? int(m->nx->projectionFrames.size()) : m->info.frames;
}

const ImageFileInfo& CorrectedFrameReader::info() const noexcept { return m->info; }

CorrectedFrame CorrectedFrameReader::read(int frame)
{
    const std::string& spec = m->spec;
    const FlatFieldSources& sources = m->sources;
    const bool explicitFlat = m->explicitFlat;
    CorrectedFrame out;
    if (frame < 0)
        throw InputError(spec + ": frame " + std::to_string(frame) + " is negative");
    out.info = m->info;
    out.provenance = m->provenance;
    const std::optional<NxTomoInfo>& nx = m->nx;

    ImageF flat;
    const ImageF& dark = m->dark;
    const bool haveDark = m->haveDark;
    if (nx && !nx->flatFrames.empty()) {
        if (frame >= int(nx->projectionFrames.size()))
            throw InputError(spec + ": projection " + std::to_string(frame) +
                             " does not exist (the scan has " +
                             std::to_string(nx->projectionFrames.size()) +
                             " projections, numbered from 0)");
        out.rawFrame = nx->projectionFrames[std::size_t(frame)];
        const std::vector<FlatRun>& runs = m->runs;
        std::ptrdiff_t before = -1, after = -1;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            if (runs[i].centre <= out.rawFrame)
                before = std::ptrdiff_t(i);
            else if (after < 0)
                after = std::ptrdiff_t(i);
        }
        double weight = 0;
        if (before >= 0 && after >= 0) {
            weight = (out.rawFrame - runs[std::size_t(before)].centre) /
                     (runs[std::size_t(after)].centre - runs[std::size_t(before)].centre);
            flat = interpolateFlats(m->runAverage(std::size_t(before)),
                                    m->runAverage(std::size_t(after)), weight);
        } else {
            flat = m->runAverage(std::size_t(before >= 0 ? before : after));
        }
        out.provenance["flat_dark"] = {{"source", "nxtomo image_key"},
                                       {"flat_frames", nx->flatFrames.size()},
                                       {"flat_runs", runs.size()},
                                       {"dark_frames", nx->darkFrames.size()},
                                       {"interpolation_weight", weight}};
    } else if (explicitFlat) {
        out.rawFrame = frame;
        flat = m->flat;
        nlohmann::json fd = {{"source", "files"}, {"flat", sources.flat}};
        if (!sources.flatAfter.empty()) {
            const double weight = out.info.frames > 1 ? double(frame) / (out.info.frames - 1) : 0.5;
            flat = interpolateFlats(flat, m->flatAfter, std::min(1.0, weight));
            fd["flat_after"] = sources.flatAfter;
            fd["interpolation_weight"] = std::min(1.0, weight);
        }
        if (!sources.dark.empty())
            fd["dark"] = sources.dark;
        out.provenance["flat_dark"] = fd;
    } else {
        out.rawFrame = frame;
        if (nx) {  // NXtomo without flats: frame still counts projections
            if (frame >= int(nx->projectionFrames.size()))
                throw InputError(spec + ": projection " + std::to_string(frame) +
                                 " does not exist (the scan has " +
                                 std::to_string(nx->projectionFrames.size()) +
                                 " projections, numbered from 0)");
            out.rawFrame = nx->projectionFrames[std::size_t(frame)];
        }
    }
    out.provenance["frame"] = frame;
    out.provenance["raw_frame"] = out.rawFrame;

    ImageF raw = m->reader.read(out.rawFrame);
    requireFinite(raw, spec + (out.info.frames > 1 ? " (frame " + std::to_string(out.rawFrame) + ")"
                                                   : std::string()));
    if (flat.empty()) {
        out.image = std::move(raw);
        return out;
    }
    const std::string flatName = explicitFlat ? sources.flat : spec + " flats";
    requireSameShape(raw, flat, spec + " and " + flatName);
    requireFinite(flat, flatName);
    if (haveDark) {
        requireSameShape(raw, dark, spec + " and " + (explicitFlat ? sources.dark : spec + " darks"));
        requireFinite(dark, explicitFlat ? sources.dark : spec + " darks");
    }
    out.image = flatFieldCorrect(raw, flat, haveDark ? &dark : nullptr, sources.options, &out.report);
    out.corrected = true;
    out.provenance["flat_dark"]["averaging"] = averagingName(sources.averaging);
    out.provenance["flat_dark"]["guarded_pixels"] = out.report.guardedPixels;
    out.provenance["flat_dark"]["negative_pixels"] = out.report.negativePixels;
    out.provenance["flat_dark"]["threshold"] = out.report.threshold;
    return out;
}

CorrectedFrame loadCorrectedFrame(const std::string& spec, int frame,
                                  const FlatFieldSources& sources)
{
    if (frame < 0)
        throw InputError(spec + ": frame " + std::to_string(frame) + " is negative");
    return CorrectedFrameReader(spec, sources).read(frame);
}

} // namespace phaselab::core
