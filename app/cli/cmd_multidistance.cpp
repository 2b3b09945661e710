// `multidistance`: one object from holograms at several distances (core/distance_series.h):
// load the series, optionally register it onto the first distance, reconstruct by
// multi-distance CTF or IRGN, and write the result the way `reconstruct` does (core::writeResult,
// or PhaseLab's HDF5 output), atomically.
#include "commands.h"
#include "input_options.h"
#include "method_flags.h"

#include <phaselab/core/classical_methods.h>
#include <phaselab/core/distance_series.h>
#include <phaselab/core/error.h>
#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/padding.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/units.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>

namespace phaselab::cli {

namespace {

struct MultiDistanceOptions {
    std::vector<std::string> inputs;
    std::string distances, energy, pixel;
    std::string method = "ctf";
    bool registerSeries = false;
    double magnificationRange = 0;
    std::string padding = "periodic";
    std::string phaseSign = "minus";
    double deltaBeta = 0;
    std::string out;
    InputOptions input;
    bool json = false;
    MethodFlags methodFlags;
    CLI::Option* deltaBetaOption = nullptr;
};

/// "20mm,25mm,0.03" as lengths [m]; `what` names the flag in errors.
std::vector<double> parseLengthList(const std::string& text, const std::string& what)
{
    std::vector<double> values;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (item.empty())
            throw core::InputError(what + " '" + text + "': empty entry in the list");
        try {
            values.push_back(core::parseLengthM(item));
        } catch (const core::InputError& e) {
            throw core::InputError(what + ": " + e.what());
        }
    }
    return values;
}

bool isHdf5Path(const std::string& path)
{
    auto ends = [&](const std::string& s) {
        return path.size() >= s.size() &&
               std::equal(s.rbegin(), s.rend(), path.rbegin(),
                          [](char a, char b) { return std::tolower(a) == std::tolower(b); });
    };
    return ends(".h5") || ends(".hdf5") || ends(".nxs");
}

int runMultiDistance(const MultiDistanceOptions& o, const Context& ctx)
{
    const auto start = std::chrono::steady_clock::now();
    const core::ProgressReporter progress = ctx.reporter();
    if (o.inputs.empty())
        throw core::InputError("multidistance needs --input (several files, or one HDF5 3D "
                               "dataset FILE.h5:/path)");

    // Physics: one energy; distances listed (or from the HDF5 attribute); one pixel size, or one
    // per distance (cone beam: the effective pixel shrinks with the magnification).
    core::Geometry base;
    base.energyKeV = core::parseEnergyKeV(o.energy);
    const std::vector<double> pixels = parseLengthList(o.pixel, "--pixel");
    base.pixelSizeM = pixels.at(0);
    const std::vector<double> distances =
        o.distances.empty() ? std::vector<double>{} : parseLengthList(o.distances, "--distance");
    if (o.inputs.size() > 1 && distances.size() != o.inputs.size())
        throw core::InputError("multidistance: " + std::to_string(o.inputs.size()) +
                               " inputs need as many --distance values, got " +
                               std::to_string(distances.size()));

    std::unique_ptr<core::MethodOptions> methodOptions =
        core::MethodRegistry::instance().defaultOptions(o.method);
    applyMethodFlags(o.methodFlags, *methodOptions, o.method);
    methodOptions->validate();

    core::PropagationOptions propagation;
    propagation.padding = core::parsePadding(o.padding);
    propagation.phaseSign = o.phaseSign == "plus" ? 1 : -1;
    double betaOverDelta = 0;
    if (o.deltaBetaOption->count() > 0)
        betaOverDelta = betaOverDeltaFlag(o.deltaBeta);

    progress.step(0.0, "reading");
    core::DistanceSeries series = core::loadDistanceSeries(o.inputs, distances, base, o.input.frame);
    if (pixels.size() > 1) {
        if (pixels.size() != series.geometries.size())
            throw core::InputError("--pixel: " + std::to_string(pixels.size()) +
                                   " values for " + std::to_string(series.geometries.size()) +
                                   " distances (give one, or one per distance)");
        for (std::size_t d = 0; d < pixels.size(); ++d)
            series.geometries[d].pixelSizeM = pixels[d];
    }
    series.validate();

    std::vector<core::Registration> registrations(series.holograms.size());
    if (o.registerSeries) {
        core::RegistrationOptions ro;
        ro.magnificationRange = o.magnificationRange;
        registrations = core::registerSeries(series, ro, progress);
    }
    // The series on the first distance's grid (the identity when not registered, which also
    // brings every pixel size to the first's).
    const core::DistanceSeries aligned = core::applyRegistrations(series, registrations);

    core::SeriesSetup setup;
    setup.specs = o.inputs;
    setup.frame = o.input.frame;
    setup.registrations = registrations;
    setup.registered = o.registerSeries;
    setup.propagation = propagation;
    setup.betaOverDelta = betaOverDelta;
    setup.method = o.method;
    setup.options = std::move(methodOptions);
    core::ReconstructionOutcome outcome = core::reconstructSeries(aligned, setup, progress);
    const nlohmann::json& details = outcome.details;
    const std::vector<double> distancesM = details["distances_m"].get<std::vector<double>>();
    const nlohmann::json& regs = details["registrations"];

    progress.step(1.0, "writing");
    nlohmann::json outputs;
    if (isHdf5Path(o.out)) {
        core::ImageMetadata meta;
        meta.pixelSizeM = outcome.request.geometry->pixelSizeM;
        meta.parameters = outcome.metadata();
        ctx.reporter().checkCancel();
        core::writeHdf5PhaseAbsorption(o.out, outcome.phase, outcome.absorption, meta);
        outputs = {{"hdf5", o.out}};
    } else {
        const core::ResultPaths paths = core::writeResult(o.out, outcome, ctx.cancel);
        outputs = {{"phase", paths.phase}, {"absorption", paths.absorption}};
    }

    if (ctx.json) {
        nlohmann::json j = outcome.report();
        j["outputs"] = outputs;
        j["distances_m"] = distancesM;
        j["registrations"] = regs;
        if (details.contains("ctf_alpha"))
            j["alpha"] = details["ctf_alpha"];
        j["total_seconds"] = secondsSince(start);
        printJson(j);
        return kExitOk;
    }
    if (ctx.progress)
        ctx.progress->finish();
    for (const std::string& w : outcome.warnings)
        std::cerr << "phaselab-cli: warning: " << w << "\n";
    std::cout << o.method << " from " << aligned.holograms.size() << " distances (";
    for (std::size_t d = 0; d < distancesM.size(); ++d)
        std::cout << (d ? ", " : "") << core::formatLength(distancesM[d]);
    std::cout << "): wrote ";
    if (outputs.contains("hdf5"))
        std::cout << o.out;
    else
        std::cout << outputs["phase"].get<std::string>() << " and "
                  << outputs["absorption"].get<std::string>();
    if (outcome.iterations > 0)
        std::cout << " after " << outcome.iterations << " iterations";
    std::cout << ", residual " << core::formatNumber(outcome.residualRms, 4) << "\n";
    if (o.registerSeries)
        for (std::size_t d = 0; d < registrations.size(); ++d)
            std::cout << "  distance " << d << ": shift (" << core::formatNumber(registrations[d].shiftX, 4)
                      << ", " << core::formatNumber(registrations[d].shiftY, 4)
                      << ") px, magnification "
                      << core::formatNumber(registrations[d].magnification, 6) << "\n";
    if (details.contains("ctf_alpha"))
        std::cout << "α " << core::formatNumber(details["ctf_alpha"].get<double>(), 4) << "\n";
    return kExitOk;
}

} // namespace

Command addMultiDistanceCommand(CLI::App& root)
{
    auto o = std::make_shared<MultiDistanceOptions>();
    CLI::App* sub = root.add_subcommand(
        "multidistance",
        "Phase retrieval from holograms of one object at several distances: multi-distance CTF "
        "or IRGN, optionally after registering every hologram onto the first. Writes "
        "PREFIX_phase.tif and PREFIX_absorption.tif, or FILE.h5 with /phase and /absorption.");
    sub->add_option("--input", o->inputs,
                    "Hologram at one distance (repeat, in the order of --distance), or one HDF5 "
                    "3D dataset FILE.h5:/path [n, H, W] with one frame per distance; normalised "
                    "(flat-field corrected)")
        ->required();
    addInputOptions(sub, o->input, InputOptionSet::FrameOnly);
    sub->add_option("--distance", o->distances,
                    "Distances, comma separated with units: 20mm,25mm,31mm (bare number = "
                    "metres); for a 3D HDF5 dataset default: its attribute distances_m");
    sub->add_option("--energy", o->energy, "Photon energy: 13keV, 13000eV (bare number = keV)")
        ->required();
    sub->add_option("--pixel", o->pixel,
                    "Effective pixel size: 12nm, 1um (bare number = metres); one value, or one "
                    "per distance (cone beam)")
        ->required();
    sub->add_option("--method", o->method, "Reconstruction method: ctf or irgn")
        ->check(CLI::IsMember({"ctf", "irgn"}))
        ->capture_default_str();
    sub->add_flag("--register", o->registerSeries,
                  "Register every hologram onto the first (shift and magnification) before "
                  "reconstructing");
    sub->add_option("--magnification-range", o->magnificationRange,
                    "With --register: search the magnification within ± this fraction of the "
                    "pixel-size ratio (0 keeps it fixed)")
        ->check(CLI::Range(0.0, 0.5))
        ->capture_default_str();
    sub->add_option("--padding", o->padding, "Boundary handling")
        ->check(CLI::IsMember({"periodic", "replicate", "unit"}))
        ->capture_default_str();
    sub->add_option("--phase-sign", o->phaseSign,
                    "Phase sign convention of the holograms: minus (PhaseLab) or plus")
        ->check(CLI::IsMember({"minus", "plus"}))
        ->capture_default_str();
    o->deltaBetaOption = sub->add_option(
        "--delta-beta", o->deltaBeta,
        "δ/β of a homogeneous sample (B = (β/δ)φ); omit for a pure phase object");
    sub->add_option("--out", o->out,
                    "Output prefix (PREFIX_phase.tif, PREFIX_absorption.tif) or an HDF5 file "
                    "(.h5)")
        ->required();
    addMethodFlags(sub, o->methodFlags, {"ctf", "irgn"});
    addJsonFlag(sub, o->json);
    return {sub, &o->json, [o](const Context& ctx) { return runMultiDistance(*o, ctx); }};
}

} // namespace phaselab::cli
