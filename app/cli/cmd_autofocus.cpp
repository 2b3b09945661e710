// `autofocus`: the propagation distance that best explains one hologram (core/autofocus.h),
// scanned over a range given as --min-distance/--max-distance or as --distance ± --range.
#include "commands.h"
#include "input_options.h"

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/autofocus.h>
#include <phaselab/core/error.h>
#include <phaselab/core/units.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>

namespace phaselab::cli {

namespace {

struct AutofocusCliOptions {
    std::string in, energy, pixel;
    std::string distance, minDistance, maxDistance;
    double range = 0.2;
    int samples = core::AutofocusOptions{}.samples;
    std::string criterion = core::toString(core::AutofocusOptions{}.criterion);
    double deltaBeta = 0;
    std::string phaseSign = "minus";
    std::string padding = core::toString(core::AutofocusOptions{}.padding);
    std::string curve;
    InputOptions input;
    bool json = false;
    CLI::Option* rangeOption = nullptr;
    CLI::Option* deltaBetaOption = nullptr;
};

/// The scan range [m]: --min-distance/--max-distance, or --distance D ± range·D.
std::pair<double, double> scanRange(const AutofocusCliOptions& o)
{
    const bool bounds = !o.minDistance.empty() || !o.maxDistance.empty();
    if (bounds && !o.distance.empty())
        throw core::InputError("autofocus takes --min-distance/--max-distance or --distance with "
                               "--range, not both");
    if (bounds) {
        if (o.minDistance.empty() || o.maxDistance.empty())
            throw core::InputError("autofocus needs both --min-distance and --max-distance");
        const double lo = core::parseLengthM(o.minDistance);
        const double hi = core::parseLengthM(o.maxDistance);
        if (lo >= hi)
            throw core::InputError("--min-distance (" + core::formatLength(lo) +
                                   ") must be below --max-distance (" + core::formatLength(hi) + ")");
        return {lo, hi};
    }
    if (o.distance.empty())
        throw core::InputError("autofocus needs a range: --min-distance and --max-distance, or "
                               "--distance D (with --range, default ±20 %)");
    if (!std::isfinite(o.range) || o.range <= 0 || o.range >= 1)
        throw core::InputError("--range must be a fraction in (0, 1), got " +
                               core::formatNumber(o.range, 6));
    const double d = core::parseLengthM(o.distance);
    return {d * (1 - o.range), d * (1 + o.range)};
}

/// The criterion curve as CSV (distance_m, criterion), written atomically.
void writeCurveCsv(const std::string& path, const core::AutofocusResult& r)
{
    core::AtomicFile file(path);
    {
        std::ofstream out(file.tempPath());
        out.precision(10);
        out << "distance_m,criterion\n";
        for (std::size_t i = 0; i < r.distancesM.size() && i < r.criterion.size(); ++i)
            out << r.distancesM[i] << ',' << r.criterion[i] << '\n';
        out.flush();
        if (!out)
            throw core::InputError(path + ": cannot write the curve");
    }
    file.commit();
}

int runAutofocus(const AutofocusCliOptions& o, const Context& ctx)
{
    const auto start = std::chrono::steady_clock::now();
    core::AutofocusOptions options;
    std::tie(options.minDistanceM, options.maxDistanceM) = scanRange(o);
    options.samples = o.samples;
    options.criterion = core::parseFocusCriterion(o.criterion);
    if (o.deltaBetaOption->count() > 0)
        options.betaOverDelta = betaOverDeltaFlag(o.deltaBeta);
    options.phaseSign = o.phaseSign == "plus" ? 1 : -1;
    options.padding = core::parsePadding(o.padding);
    options.validate();
    core::Geometry g;
    g.energyKeV = core::parseEnergyKeV(o.energy);
    g.pixelSizeM = core::parseLengthM(o.pixel);

    const core::ProgressReporter progress = ctx.reporter();
    progress.step(0.0, "reading");
    LoadedInput details;
    const core::ImageF hologram = loadInput(o.in, o.input, &details);
    const core::AutofocusResult result = core::autofocus(hologram, g, options, progress);
    g.distanceM = result.distanceM;
    if (!o.curve.empty())
        writeCurveCsv(o.curve, result);

    if (ctx.json) {
        nlohmann::json j;
        j["distance_m"] = result.distanceM;
        j["fresnel_number"] = g.fresnelNumber();
        j["criterion"] = core::toString(result.used);
        j["range_m"] = {options.minDistanceM, options.maxDistanceM};
        j["samples"] = options.samples;
        j["curve"] = {{"distance_m", result.distancesM}, {"value", result.criterion}};
        if (!o.curve.empty())
            j["curve_csv"] = o.curve;
        j["input"] = details.provenance;
        j["seconds"] = secondsSince(start);
        printJson(j);
        return kExitOk;
    }
    if (ctx.progress)
        ctx.progress->finish();
    std::cout << "distance " << core::formatLength(result.distanceM, 6) << " (Fresnel number "
              << core::formatNumber(g.fresnelNumber(), 4) << "), scanned "
              << core::formatLength(options.minDistanceM) << " to "
              << core::formatLength(options.maxDistanceM) << " in " << result.distancesM.size()
              << " steps by the " << core::toString(result.used) << " criterion\n";
    if (!o.curve.empty())
        std::cout << "wrote " << o.curve << "\n";
    return kExitOk;
}

} // namespace

Command addAutofocusCommand(CLI::App& root)
{
    auto o = std::make_shared<AutofocusCliOptions>();
    CLI::App* sub = root.add_subcommand(
        "autofocus",
        "Finds the effective propagation distance of a hologram: scans a focus criterion over "
        "a distance range and refines its optimum; prints the distance and Fresnel number.");
    sub->add_option("--in", o->in,
                    "Hologram: TIFF, HDF5 (FILE.h5:/path), EDF, PNG; flat-field corrected, or "
                    "corrected here with --flat/--dark")
        ->required();
    addInputOptions(sub, o->input);
    sub->add_option("--energy", o->energy, "Photon energy: 13keV, 13000eV (bare number = keV)")
        ->required();
    sub->add_option("--pixel", o->pixel, "Pixel size: 12nm, 1um (bare number = metres)")->required();
    sub->add_option("--min-distance", o->minDistance,
                    "Smallest distance scanned: 20mm, 0.02m (bare number = metres)");
    sub->add_option("--max-distance", o->maxDistance, "Largest distance scanned");
    sub->add_option("--distance", o->distance,
                    "A guess of the distance; the scan covers it ± --range");
    o->rangeOption = sub->add_option("--range", o->range,
                                     "With --distance: the scanned fraction either side (0.2 = "
                                     "±20 %)")
                         ->capture_default_str();
    sub->add_option("--samples", o->samples, "Distances scanned (log-spaced), ≥ 5")
        ->check(CLI::Range(5, 100000))
        ->capture_default_str();
    sub->add_option("--criterion", o->criterion,
                    "Focus criterion: spectrum (CTF fit of the power spectrum: weak objects, "
                    "fast) or residual (data residual of 5 IRGN steps per distance: strong "
                    "phase, seconds to minutes)")
        ->check(CLI::IsMember({"spectrum", "residual"}))
        ->capture_default_str();
    o->deltaBetaOption = sub->add_option(
        "--delta-beta", o->deltaBeta,
        "δ/β of a homogeneous sample (B = (β/δ)φ); omit for a pure phase object");
    sub->add_option("--phase-sign", o->phaseSign,
                    "Phase sign convention of the hologram: minus, T = exp(−B − iφ) (PhaseLab); "
                    "plus, T = exp(−B + iφ)")
        ->check(CLI::IsMember({"minus", "plus"}))
        ->capture_default_str();
    sub->add_option("--padding", o->padding,
                    "Boundary model of the residual criterion: unit (a sample surrounded by "
                    "empty beam), periodic or replicate")
        ->check(CLI::IsMember({"unit", "periodic", "replicate"}))
        ->capture_default_str();
    sub->add_option("--curve", o->curve,
                    "Write the criterion curve as CSV (distance_m, criterion)");
    addJsonFlag(sub, o->json);
    return {sub, &o->json, [o](const Context& ctx) { return runAutofocus(*o, ctx); }};
}

} // namespace phaselab::cli
