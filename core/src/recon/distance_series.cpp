#include <phaselab/core/distance_series.h>

#include <phaselab/core/error.h>
#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/units.h>

#include <cmath>

namespace phaselab::core {

namespace {

// Maps a sub-task's progress [0, 1] onto [lo, hi] of the caller's reporter (which also polls
// the caller's cancel token on every report).
class RangeSink : public ProgressSink {
public:
    RangeSink(const ProgressReporter& outer, double lo, double hi)
        : m_outer(outer), m_lo(lo), m_hi(hi)
    {
    }
    void report(double fraction, const std::string& stage) override
    {
        m_outer.step(m_lo + (m_hi - m_lo) * fraction, stage);
    }

private:
    const ProgressReporter& m_outer;
    double m_lo, m_hi;
};

// α of the single-distance CTF phase maps that registerSeries() correlates.
constexpr double kRegistrationCtfAlpha = 0.1;

std::string distanceLabel(std::size_t d)
{
    return "distance series, hologram " + std::to_string(d + 1);
}

// The distances stored with a 3D HDF5 dataset: attribute distances_m (or distance_m) of the
// dataset, else of the file's root group.
std::vector<double> storedDistances(const ImageFileInfo& info, int frames)
{
    const std::string where = info.path + ":" + info.dataset;
    for (const std::string& object : {info.dataset, std::string("/")}) {
        const nlohmann::json attrs = readHdf5Attributes(info.path, object);
        for (const char* name : {"distances_m", "distance_m"}) {
            auto it = attrs.find(name);
            if (it == attrs.end())
                continue;
            std::vector<double> v;
            if (it->is_number())
                v.push_back(it->get<double>());
            else if (it->is_array())
                for (const auto& e : *it)
                    if (e.is_number())
                        v.push_back(e.get<double>());
            if (int(v.size()) != frames)
                throw InputError(where + ": attribute " + name + " has " +
                                 std::to_string(v.size()) + " numeric values for " +
                                 std::to_string(frames) + " frames");
            return v;
        }
    }
    throw InputError(where + ": no distances given and no attribute distances_m (one value per "
                     "frame, metres)");
}

} // namespace

void DistanceSeries::validate() const
{
    if (holograms.empty())
        throw InputError("distance series: no hologram");
    if (holograms.size() != geometries.size())
        throw InputError("distance series: " + std::to_string(holograms.size()) +
                         " holograms but " + std::to_string(geometries.size()) + " geometries");
    for (std::size_t d = 0; d < holograms.size(); ++d) {
        const std::string what = distanceLabel(d);
        if (holograms[d].empty())
            throw InputError(what + ": empty image");
        requireSameShape(holograms[d], holograms[0], what + " and hologram 1");
        requireFinite(holograms[d], what);
        geometries[d].validate();
        if (geometries[d].energyKeV != geometries[0].energyKeV)
            throw InputError(what + ": energy " + formatNumber(geometries[d].energyKeV, 6) +
                             " keV differs from the first hologram's " +
                             formatNumber(geometries[0].energyKeV, 6) + " keV");
    }
}

DistanceSeries loadDistanceSeries(const std::vector<std::string>& specs,
                                  const std::vector<double>& distancesM, const Geometry& base,
                                  int frame)
{
    if (specs.empty())
        throw InputError("distance series: no input file");
    DistanceSeries s;
    std::vector<double> distances = distancesM;
    if (specs.size() == 1) {
        ImageFileInfo info = imageInfo(specs[0]);
        // A stack: a 3D HDF5 dataset (or a multi-page TIFF, EDF with several blocks) with one
        // frame per distance.
        const bool stack = info.frames > 1 && distancesM.size() != 1;
        if (stack) {
            const std::string where =
                info.format == ImageFormat::Hdf5 ? info.path + ":" + info.dataset : info.path;
            if (distances.empty() && info.format != ImageFormat::Hdf5)
                throw InputError(where + ": " + std::to_string(info.frames) +
                                 " frames and no distances given (only HDF5 stores them)");
            if (distances.empty())
                distances = storedDistances(info, info.frames);
            else if (int(distances.size()) != info.frames)
                throw InputError(where + ": " + std::to_string(distances.size()) +
                                 " distances given for " + std::to_string(info.frames) +
                                 " frames");
            FrameReader reader(specs[0]);
            for (int f = 0; f < info.frames; ++f)
                s.holograms.push_back(reader.read(f));
        } else {
            if (distances.size() != 1)
                throw InputError(specs[0] + ": one image needs one distance, got " +
                                 std::to_string(distances.size()));
            s.holograms.push_back(readImage(specs[0], frame));
        }
    } else {
        if (distances.size() != specs.size())
            throw InputError("distance series: " + std::to_string(specs.size()) + " files but " +
                             std::to_string(distances.size()) + " distances");
        for (const std::string& spec : specs) {
            s.holograms.push_back(readImage(spec, frame));
            if (!s.holograms.back().sameShape(s.holograms.front()))
                throw InputError(spec + ": " + std::to_string(s.holograms.back().width()) + "×" +
                                 std::to_string(s.holograms.back().height()) +
                                 " differs from the first file's " +
                                 std::to_string(s.holograms.front().width()) + "×" +
                                 std::to_string(s.holograms.front().height()));
        }
    }
    for (std::size_t d = 0; d < s.holograms.size(); ++d) {
        const std::string name = specs.size() == 1 ? specs[0] : specs[d];
        requireFinite(s.holograms[d], name + (specs.size() == 1 && s.holograms.size() > 1
                                                  ? " frame " + std::to_string(d)
                                                  : std::string()));
        if (!std::isfinite(distances[d]) || distances[d] <= 0)
            throw InputError(name + ": distance " + std::to_string(d + 1) +
                             " must be finite and > 0 m, got " + formatNumber(distances[d], 6));
        Geometry g = base;
        g.distanceM = distances[d];
        s.geometries.push_back(g);
    }
    s.validate();
    return s;
}

std::vector<Registration> registerSeries(const DistanceSeries& series,
                                         const RegistrationOptions& options,
                                         const ProgressReporter& progress)
{
    series.validate();
    std::vector<Registration> out(series.holograms.size());
    out[0].peak = 1.0;
    const std::size_t count = series.holograms.size();
    if (count == 1) {
        progress.step(1.0, "Registration");
        return out;
    }
    // Holograms at different distances have different fringes, which bias a correlation of the
    // holograms themselves (measured on the spheres of the tests: 1.5 % in magnification);
    // single-distance phase maps show the same object at every distance. A uniform, strong α
    // (the same filter shape at every distance, noise held down) made the maps of the spheres
    // at F = 0.01 and 0.006 agree best (magnification within 0.2 %, against 1.8 % with the
    // field-of-view α that follows each distance's CTF).
    CtfOptions ctf;
    ctf.alphaRule = AlphaRule::Manual;
    ctf.alphaLow = ctf.alphaHigh = kRegistrationCtfAlpha;
    auto phaseMap = [&](std::size_t d) {
        return reconstructCtf(series.holograms[d], series.geometries[d], ctf).phase;
    };
    const ImageF reference = phaseMap(0);
    for (std::size_t d = 1; d < count; ++d) {
        RegistrationOptions o = options;
        // Cone beam: a larger effective pixel shows the object smaller (physics.md §1).
        o.magnification = series.geometries[0].pixelSizeM / series.geometries[d].pixelSizeM;
        RangeSink sink(progress, double(d - 1) / double(count - 1), double(d) / double(count - 1));
        out[d] = registerImages(reference, phaseMap(d), o, ProgressReporter(&sink, nullptr));
    }
    progress.step(1.0, "Registration");
    return out;
}

DistanceSeries applyRegistrations(const DistanceSeries& series,
                                  const std::vector<Registration>& registrations)
{
    series.validate();
    if (registrations.size() != series.holograms.size())
        throw InputError("distance series: " + std::to_string(series.holograms.size()) +
                         " holograms but " + std::to_string(registrations.size()) +
                         " registrations");
    DistanceSeries out;
    for (std::size_t d = 0; d < series.holograms.size(); ++d) {
        out.holograms.push_back(applyRegistration(series.holograms[d], registrations[d], 1.0f));
        Geometry g = series.geometries[d];
        g.pixelSizeM = series.geometries[0].pixelSizeM;
        out.geometries.push_back(g);
    }
    return out;
}

Reconstruction reconstructIrgnMultiDistance(const DistanceSeries& series,
                                            const IrgnOptions& options, SeriesIrgnHistory* history,
                                            const ProgressReporter& progress)
{
    series.validate();
    Irgn irgn(series.holograms, series.geometries, options);
    const double alpha0 = irgn.alpha();
    irgn.run(progress);
    if (history) {
        history->alpha0 = alpha0;
        history->start = irgn.start();
        history->residuals = irgn.residualHistory();
        history->nmse = irgn.nmseHistory();
        history->iterations = irgn.iterations();
        history->rejectedSteps = irgn.rejectedSteps();
        history->cgIterations = irgn.cgIterationsDone();
    }
    return irgn.current();
}

} // namespace phaselab::core
