#include <phaselab/core/reconstruction_pipeline.h>

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/flatfield.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/metrics.h>
#include <phaselab/core/padding.h>
#include <phaselab/core/phantom.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/core/units.h>
#include <phaselab/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>

namespace phaselab::core {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Raw counts start at hundreds; a normalised hologram has a mean near 1 (0.3 for a strongly
// absorbing sample), so 10 separates the two with a wide margin on both sides.
constexpr double kRawCountMean = 10.0;
constexpr double kMaxNegativeFraction = 0.01;

std::string percentString(double fraction)
{
    return formatNumber(100.0 * fraction, 3) + " %";
}

} // namespace

std::string normalisationProblem(const ImageF& image, const std::string& what)
{
    if (image.empty())
        return {};
    double sum = 0;
    std::size_t negative = 0;
    float lo = image[0], hi = image[0];
    for (float v : image) {
        sum += v;
        negative += v < 0.0f ? 1 : 0;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    const double mean = sum / double(image.size());
    const double negativeFraction = double(negative) / double(image.size());
    const std::string fix =
        ". Give the flat field (--flat FILE, and --dark FILE) or normalise explicitly "
        "(--normalise mean|percentile).";
    const std::string range = "mean " + formatNumber(mean, 5) + ", values " +
                              formatNumber(lo, 5) + " … " + formatNumber(hi, 5);
    if (mean > kRawCountMean)
        return what + ": looks like raw detector counts (" + range +
               "), not a normalised intensity with background ≈ 1" + fix;
    if (mean <= 0 || negativeFraction > kMaxNegativeFraction)
        return what + ": " + percentString(negativeFraction) + " of the pixels are negative (" +
               range + "), so this is not a normalised intensity" + fix;
    return {};
}

void normalise(LoadedHologram& loaded, Normalisation how, double percentile)
{
    if (how != Normalisation::Mean && how != Normalisation::Percentile)
        return;
    ImageF& img = loaded.image;
    if (img.empty())
        throw InputError("normalise: the image is empty");
    double divisor = 0;
    if (how == Normalisation::Mean) {
        double s = 0;
        for (float v : img)
            s += v;
        divisor = s / double(img.size());
    } else {
        if (!(percentile > 0 && percentile <= 100))
            throw InputError("normalise: percentile must be in (0, 100]");
        std::vector<float> values(img.begin(), img.end());
        const std::size_t k = std::min(values.size() - 1,
                                       std::size_t(std::llround(percentile / 100.0 * double(values.size() - 1))));
        std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
        divisor = values[k];
    }
    if (!(std::isfinite(divisor) && divisor > 0))
        throw InputError(loaded.spec.path + ": cannot normalise by " + toString(how) +
                         ": it is " + formatNumber(divisor, 5) + ", not a positive level");
    const float scale = float(1.0 / divisor);
    for (float& v : img)
        v *= scale;
    loaded.spec.normalise = how;
    loaded.spec.percentile = percentile;
    loaded.provenance["normalisation"] = {{"method", toString(how)}, {"divisor", divisor}};
    if (how == Normalisation::Percentile)
        loaded.provenance["normalisation"]["percentile"] = percentile;
    loaded.problem.clear();
}

LoadedHologram loadHologram(const InputSpec& specIn, const ProgressReporter& progress)
{
    LoadedHologram out;
    out.spec = specIn.absolute();
    const InputSpec& spec = out.spec;
    progress.step(0.0, "reading");
    if (spec.kind == InputSpec::Kind::Demo) {
        if (spec.demoSize < 16 || spec.demoSize > 4096)
            throw InputError("demo: size must be 16 to 4096 pixels");
        DemoSample demo = makeDemoSample(spec.demoSize);
        out.image = std::move(demo.hologram);
        out.geometry = demo.geometry;
        out.pixelSizeM = demo.geometry.pixelSizeM;
        out.truePhase = std::make_shared<const ImageF>(demo.object.phase.cast<float>());
        out.trueAbsorption = std::make_shared<const ImageF>(demo.object.absorption.cast<float>());
        out.provenance = {{"demo", spec.demoSize}};
        progress.step(1.0, "done");
        return out;
    }
    if (spec.path.empty())
        throw InputError("no input file given");
    LoadedHologram loaded = HologramReader(spec).load(spec.frame);
    progress.step(1.0, "done");
    return loaded;
}

HologramReader::HologramReader(const InputSpec& spec) : m_spec(spec.absolute())
{
    if (m_spec.kind != InputSpec::Kind::File || m_spec.path.empty())
        throw InputError("no input file given");
    m_reader = std::make_unique<CorrectedFrameReader>(m_spec.path, m_spec.flatField);
}

HologramReader::~HologramReader() = default;

int HologramReader::frames() const noexcept { return m_reader->frames(); }

const ImageFileInfo& HologramReader::info() const noexcept { return m_reader->info(); }

LoadedHologram HologramReader::load(int frame)
{
    LoadedHologram out;
    out.spec = m_spec;
    out.spec.frame = frame;
    const InputSpec& spec = out.spec;
    CorrectedFrame f = m_reader->read(frame);
    if (f.image.empty())
        throw InputError(spec.path + ": the image is empty");
    requireFinite(f.image, spec.path);
    out.image = std::move(f.image);
    out.provenance = std::move(f.provenance);
    out.flatCorrected = f.corrected;
    out.pixelSizeM = f.info.metadata.pixelSizeM;
    if (f.corrected && f.report.clippedPixels() > 0)
        out.provenance["flat_field_warning"] =
            "guarded " + std::to_string(f.report.guardedPixels) + " pixel(s) where flat - dark <= " +
            formatNumber(f.report.threshold, 4) + " (set to 1) and clipped " +
            std::to_string(f.report.negativePixels) + " pixel(s) below the dark to 0";
    switch (spec.normalise) {
    case Normalisation::Mean:
    case Normalisation::Percentile: {
        const Normalisation how = spec.normalise;
        normalise(out, how, spec.percentile);
        break;
    }
    case Normalisation::Check:
        if (!out.flatCorrected)
            out.problem = normalisationProblem(out.image, spec.path);
        break;
    case Normalisation::None: break;
    }
    return out;
}

ReconstructionRequest completeRequest(const ReconstructionMethod& method,
                                      ReconstructionRequest r, const LoadedHologram& hologram)
{
    const MethodInfo& info = method.info();
    if (r.method.empty())
        r.method = info.id;
    if (r.method != info.id)
        throw InputError("the request is for " + r.method + ", not " + info.id);
    r.input = hologram.spec;
    std::unique_ptr<MethodOptions> options =
        r.options ? r.options->clone() : method.defaultOptions();
    options->validate();
    if (!r.geometry) {
        r.geometry = method.defaultGeometry(*options);
        if (!r.geometry)
            throw InputError(info.id + " needs the physics: energy, distance and pixel size "
                                       "(--energy, --distance, --pixel)");
    }
    r.geometry->validate();
    r.options = std::move(options);
    if (!(std::isfinite(r.betaOverDelta) && r.betaOverDelta >= 0))
        throw InputError("β/δ must be a finite number ≥ 0, got " + formatNumber(r.betaOverDelta, 6));
    if (r.propagation.oversample < 1 || r.propagation.oversample > 16)
        throw InputError("oversampling must be 1 to 16, got " +
                         std::to_string(r.propagation.oversample));
    requirePhaseSign(r.propagation.phaseSign);
    if (r.propagation.phaseSign > 0 && info.kind == MethodKind::Learned)
        throw InputError(info.id + " was trained in PhaseLab's exp(−iφ) convention; phase sign +1 "
                                   "(exp(+iφ) data) is supported by CTF and IRGN");
    if (hologram.image.empty())
        throw InputError("no hologram loaded");
    // Validates padding mode, factor and size.
    PadLayout::make(hologram.image.width(), hologram.image.height(), r.propagation.padding,
                    r.propagation.padFactor);
    const std::string reason = method.check(r, hologram.image.width(), hologram.image.height());
    if (!reason.empty())
        throw InputError(reason);
    return r;
}

ImageF dataResidual(const ImageF& hologram, const ImageF& absorption, const ImageF& phase,
                    const Geometry& g, const PropagationOptions& propagation)
{
    PropagationOptions p = propagation;
    p.fftPlanning = FftEffort::Estimate;
    FresnelOperator<float> op(g, phase.width(), phase.height(), p);
    ImageF model = op.forward(absorption, phase);
    for (std::size_t i = 0; i < model.size(); ++i)
        model[i] = hologram[i] - model[i];
    return model;
}

double rms(const ImageF& x)
{
    double s = 0;
    for (float v : x)
        s += double(v) * double(v);
    return x.empty() ? 0.0 : std::sqrt(s / double(x.size()));
}

void attachTruePhase(LoadedHologram& hologram, const std::string& spec, int frame)
{
    ImageF truth = readImage(spec, frame);
    if (!truth.sameShape(hologram.image))
        throw InputError("true phase " + spec + ": " + std::to_string(truth.width()) + " × " +
                         std::to_string(truth.height()) + " pixels, the hologram has " +
                         std::to_string(hologram.image.width()) + " × " +
                         std::to_string(hologram.image.height()));
    for (float v : truth)
        if (!std::isfinite(v))
            throw InputError("true phase " + spec + ": non-finite (NaN/Inf) pixels");
    hologram.truePhase = std::make_shared<const ImageF>(std::move(truth));
}

namespace {

/// NMSE [%] of `phase` against `truth`; NaN when the truth is constant zero (no NMSE).
double phaseNmse(const ImageF& phase, const ImageF& truth)
{
    try {
        return nmsePercent(phase, truth);
    } catch (const InputError&) {
        return std::numeric_limits<double>::quiet_NaN();
    }
}

/// Phase NMSE of each step a method previews (by iteration), kept while it runs.
struct NmseRecorder {
    std::shared_ptr<const ImageF> truth;
    std::vector<double> byIteration;

    void record(int iteration, const ImageF& phase)
    {
        if (!truth || iteration < 0)
            return;
        if (byIteration.size() <= std::size_t(iteration))
            byIteration.resize(std::size_t(iteration) + 1, std::numeric_limits<double>::quiet_NaN());
        byIteration[std::size_t(iteration)] = phaseNmse(phase, *truth);
    }
    /// f_0 … f_k when every step was seen, else {final}; empty without a truth or an NMSE.
    std::vector<double> history(int iterations, const ImageF& finalPhase)
    {
        if (!truth)
            return {};
        record(iterations, finalPhase);
        byIteration.resize(std::size_t(iterations) + 1);
        const bool complete = std::all_of(byIteration.begin(), byIteration.end(),
                                          [](double v) { return std::isfinite(v); });
        if (complete)
            return byIteration;
        const double last = byIteration.back();
        return std::isfinite(last) ? std::vector<double>{last} : std::vector<double>{};
    }
};

} // namespace

namespace {

using PreviewSink = std::function<void(std::shared_ptr<const ReconstructionOutcome>)>;

// Previews as outcomes: the estimate and its history, no residual image (that costs a
// propagation; the final outcome has it).
PreviewFn previewAdapter(const PreviewSink& sink, const ReconstructionRequest& request,
                         const MethodInfo& info, Clock::time_point t0, double secondsBefore,
                         NmseRecorder* nmse)
{
    if (!sink && !(nmse && nmse->truth))
        return {};
    return [sink, request, info, t0, secondsBefore, nmse](const MethodPreview& p) {
        if (nmse)
            nmse->record(p.iteration, p.phase);
        if (!sink)
            return;
        auto o = std::make_shared<ReconstructionOutcome>();
        o->request = request;
        o->method = info;
        o->absorption = p.absorption;
        o->phase = p.phase;
        o->residualHistory = p.residualHistory;
        o->residualRms = p.residualHistory.empty() ? 0.0 : p.residualHistory.back();
        o->iterations = p.iteration;
        o->stopReason = "running";
        o->seconds = secondsBefore + secondsSince(t0);
        o->preview = true;
        if (nmse && nmse->truth)
            o->nmseHistory = nmse->history(p.iteration, p.phase);
        sink(std::move(o));
    };
}

std::size_t countNonFinite(const ImageF& img)
{
    std::size_t n = 0;
    for (float v : img)
        n += std::isfinite(v) ? 0 : 1;
    return n;
}

// The outcome of a finished solve: refuses non-finite results, adds the one residual.
ReconstructionOutcome finish(MethodResult result, ReconstructionRequest request,
                             const MethodInfo& info, const LoadedHologram& hologram,
                             std::vector<std::string> warnings, double seconds)
{
    const std::size_t bad =
        countNonFinite(result.object.phase) + countNonFinite(result.object.absorption);
    if (bad > 0)
        throw InputError(info.name + ": the result has " + std::to_string(bad) +
                         " non-finite (NaN/Inf) values" +
                         (result.iterations > 0
                              ? " after iteration " + std::to_string(result.iterations)
                              : std::string()) +
                         "; nothing was written");
    if (!result.object.phase.sameShape(hologram.image) ||
        !result.object.absorption.sameShape(hologram.image))
        throw std::logic_error(info.id + " returned an object of another shape than the hologram");
    ReconstructionOutcome o;
    if (result.effectiveOptions)
        request.options = result.effectiveOptions;
    o.request = std::move(request);
    o.method = info;
    o.residual = dataResidual(hologram.image, result.object.absorption, result.object.phase,
                              *o.request.geometry, o.request.propagation);
    o.residualRms = rms(o.residual);
    o.residualHistory = result.residualHistory.empty() ? std::vector<double>{o.residualRms}
                                                       : std::move(result.residualHistory);
    o.phase = std::move(result.object.phase);
    o.absorption = std::move(result.object.absorption);
    o.iterations = result.iterations;
    o.stopReason = result.stopReason;
    o.seconds = seconds;
    o.details = std::move(result.details);
    o.inputDetails = hologram.provenance;
    o.warnings = std::move(warnings);
    for (std::string& w : result.warnings)
        o.warnings.push_back(std::move(w));
    return o;
}

} // namespace

ReconstructionOutcome reconstruct(ReconstructionMethod& method,
                                  const ReconstructionRequest& requestIn,
                                  const LoadedHologram& hologram, const ProgressReporter& progress,
                                  const PreviewSink& preview)
{
    if (!hologram.problem.empty())
        throw NotNormalisedError(hologram.problem);
    const ReconstructionRequest request = completeRequest(method, requestIn, hologram);
    std::vector<std::string> warnings = method.warnings(request);
    const PadLayout layout =
        PadLayout::make(hologram.image.width(), hologram.image.height(),
                        request.propagation.padding, request.propagation.padFactor);
    const int grid = std::max(layout.paddedWidth, layout.paddedHeight) * request.propagation.oversample;
    if (!request.geometry->wellSampled(grid))
        warnings.push_back("grid of " + std::to_string(grid) + " samples is below 1/F = " +
                           formatNumber(request.geometry->minimumGridSize()) +
                           " (kernel undersampled; results stay periodic-exact)");
    const auto t0 = Clock::now();
    NmseRecorder nmse{hologram.truePhase, {}};
    MethodResult result = method.solve(request, hologram.image, progress,
                                       previewAdapter(preview, request, method.info(), t0, 0.0, &nmse));
    progress.checkCancel();
    ReconstructionOutcome o = finish(std::move(result), request, method.info(), hologram,
                                     std::move(warnings), secondsSince(t0));
    o.nmseHistory = nmse.history(o.iterations, o.phase);
    return o;
}

ReconstructionOutcome continueReconstruction(ReconstructionMethod& method,
                                             const ReconstructionOutcome& last,
                                             const LoadedHologram& hologram, int steps,
                                             const ProgressReporter& progress,
                                             const PreviewSink& preview)
{
    if (!method.canContinue(last.request))
        throw InputError(method.info().name + ": this result cannot be continued (another "
                                              "method, changed options, or not stopped at its step limit)");
    const auto t0 = Clock::now();
    NmseRecorder nmse{hologram.truePhase, {}};
    if (nmse.truth && last.nmseHistory.size() == std::size_t(last.iterations) + 1)
        nmse.byIteration = last.nmseHistory;  // the steps before continue the history
    MethodResult result = method.continueSolve(
        steps, progress,
        previewAdapter(preview, last.request, method.info(), t0, last.seconds, &nmse));
    progress.checkCancel();
    ReconstructionOutcome o = finish(std::move(result), last.request, method.info(), hologram,
                                     last.warnings, last.seconds + secondsSince(t0));
    o.nmseHistory = nmse.history(o.iterations, o.phase);
    return o;
}

nlohmann::json ReconstructionOutcome::metadata() const
{
    nlohmann::json j = request.toJson();
    j["phaselab_version"] = PHASELAB_VERSION;
    j["method_name"] = method.name;
    j["iterations"] = iterations;
    j["residual"] = residualRms;
    j["residual_history"] = residualHistory;
    j["stop_reason"] = stopReason;
    j["seconds"] = seconds;
    j["warnings"] = warnings;
    j["details"] = details;
    j["input_details"] = inputDetails;
    if (!nmseHistory.empty())
        j["phase_nmse_history"] = nmseHistory;
    return j;
}

nlohmann::json ReconstructionOutcome::report() const
{
    nlohmann::json j = {{"method", method.id},
                        {"seconds", seconds},
                        {"iterations", iterations},
                        {"residual", residualRms},
                        {"stop_reason", stopReason},
                        {"shape", {phase.height(), phase.width()}},
                        {"options", request.options ? request.options->toJson() : nlohmann::json::object()},
                        {"details", details},
                        {"warnings", warnings}};
    if (method.kind == MethodKind::Iterative)
        j["residual_history"] = residualHistory;
    if (!nmseHistory.empty()) {
        j["phase_nmse"] = nmseHistory.back();
        if (method.kind == MethodKind::Iterative)
            j["phase_nmse_history"] = nmseHistory;
    }
    return j;
}

ResultPaths resultPaths(const std::string& prefix)
{
    return {prefix + "_phase.tif", prefix + "_absorption.tif"};
}

namespace {

ImageMetadata resultMeta(const ReconstructionOutcome& o, const char* quantity, const char* unit)
{
    ImageMetadata meta;
    meta.pixelSizeM = o.request.geometry ? o.request.geometry->pixelSizeM : 0.0;
    meta.parameters = o.metadata();
    meta.parameters["quantity"] = quantity;
    meta.parameters["unit"] = unit;
    return meta;
}

} // namespace

ResultPaths writeResult(const std::string& prefix, const ReconstructionOutcome& outcome,
                        const CancelToken* cancel)
{
    const ResultPaths paths = resultPaths(prefix);
    // Both files or neither: each goes to a temporary sibling; both are renamed at the end.
    AtomicFile phase(paths.phase), absorption(paths.absorption);
    writeTiff(phase.tempPath(), outcome.phase, resultMeta(outcome, "phase", "rad"));
    writeTiff(absorption.tempPath(), outcome.absorption, resultMeta(outcome, "absorption", "1"));
    if (cancel)
        cancel->throwIfCancelled();
    phase.commit();
    absorption.commit();
    return paths;
}

ReconstructionOutcome readResult(const ResultPaths& paths)
{
    ReconstructionOutcome o;
    TiffInfo info;
    o.phase = readTiff<float>(paths.phase, &info);
    o.absorption = readTiff<float>(paths.absorption);
    if (!o.phase.sameShape(o.absorption))
        throw InputError(paths.absorption + ": another shape than " + paths.phase);
    const nlohmann::json& j = info.metadata.parameters;
    o.request = ReconstructionRequest::fromJson(j, paths.phase);
    for (const MethodInfo& m : MethodRegistry::instance().methods())
        if (m.id == o.request.method)
            o.method = m;
    try {
        o.residualRms = j.value("residual", 0.0);
        o.residualHistory = j.value("residual_history", std::vector<double>{});
        o.nmseHistory = j.value("phase_nmse_history", std::vector<double>{});
        o.iterations = j.value("iterations", 0);
        o.stopReason = j.value("stop_reason", o.stopReason);
        o.seconds = j.value("seconds", 0.0);
        o.warnings = j.value("warnings", std::vector<std::string>{});
        o.details = j.value("details", nlohmann::json::object());
        o.inputDetails = j.value("input_details", nlohmann::json::object());
    } catch (const nlohmann::json::exception& e) {
        throw InputError(paths.phase + ": unreadable result metadata (" + e.what() + ")");
    }
    return o;
}

ResultPaths writeResultStack(const std::string& prefix,
                             const std::vector<std::shared_ptr<const ReconstructionOutcome>>& outcomes,
                             const CancelToken* cancel)
{
    if (outcomes.empty() || !outcomes.front())
        throw InputError(prefix + ": no frames to write");
    const ResultPaths paths = resultPaths(prefix);
    std::vector<ImageF> phases, absorptions;
    nlohmann::json frames = nlohmann::json::array();
    for (const auto& o : outcomes) {
        phases.push_back(o->phase);
        absorptions.push_back(o->absorption);
        frames.push_back(o->request.input.frame);
    }
    ImageMetadata pm = resultMeta(*outcomes.front(), "phase", "rad");
    ImageMetadata am = resultMeta(*outcomes.front(), "absorption", "1");
    pm.parameters["frames"] = frames;
    am.parameters["frames"] = frames;
    AtomicFile phase(paths.phase), absorption(paths.absorption);
    writeTiffStack(phase.tempPath(), phases, pm);
    writeTiffStack(absorption.tempPath(), absorptions, am);
    if (cancel)
        cancel->throwIfCancelled();
    phase.commit();
    absorption.commit();
    return paths;
}

nlohmann::json sessionJson(const ReconstructionRequest& request, const nlohmann::json& extra)
{
    nlohmann::json j = request.toJson();
    j[kSessionKey] = kSessionVersion;
    j["phaselab_version"] = PHASELAB_VERSION;
    for (const auto& [key, value] : extra.items())
        j[key] = value;
    return j;
}

void writeJsonFile(const std::string& path, const nlohmann::json& j)
{
    AtomicFile out(path);
    {
        std::ofstream f(out.tempPath());
        f << j.dump(2) << "\n";
        if (!f.flush())
            throw InputError(path + ": cannot write");
    }
    out.commit();
}

ReconstructionRequest readRequestFile(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
        throw InputError(path + ": cannot open");
    char first = 0;
    f >> first;
    f.seekg(0);
    nlohmann::json j;
    if (first == '{') {
        j = nlohmann::json::parse(f, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            throw InputError(path + ": not valid JSON");
        if (!j.contains(kSessionKey))
            throw InputError(path + ": not a PhaseLab session file");
        if (!j[kSessionKey].is_number_integer() || j[kSessionKey].get<int>() != kSessionVersion)
            throw InputError(path + ": session format " + j[kSessionKey].dump() +
                             " is not the one this version reads (" +
                             std::to_string(kSessionVersion) + ")");
    } else {
        f.close();
        const TiffInfo info = readTiffInfo(path);
        j = info.metadata.parameters;
        if (!j.is_object() || !j.contains("method") || !j.contains("input"))
            throw InputError(path + ": carries no PhaseLab reconstruction parameters");
    }
    return ReconstructionRequest::fromJson(j, path);
}

} // namespace phaselab::core
