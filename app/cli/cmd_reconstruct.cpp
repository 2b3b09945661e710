// `reconstruct`: flag parsing only. The request, the methods and their options, the residual, the
// metadata and the output files belong to core's pipeline (reconstruction_pipeline.h); the
// method flags come from the registered methods' option fields.
#include "commands.h"
#include "input_options.h"
#include "method_flags.h"
#include "rank_env.h"

#include <phaselab/core/classical_methods.h>
#include <phaselab/core/error.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/stack.h>
#include <phaselab/core/units.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <memory>

namespace phaselab::cli {

namespace {

struct ReconstructOptions {
    std::string session, method, in, out;
    std::string energy, distance, pixel;
    std::string padding = "periodic";
    double padFactor = 0;
    int oversample = 1;
    std::string phaseSign = "minus";
    double deltaBeta = 0;
    std::string normalise = "check";
    std::string truth;  ///< true phase of a simulated hologram: per-step NMSE
    double percentile = 50;
    std::string frames;  ///< --frames: a stack range (stack path)
    bool resume = false;
    int workers = 0;
    InputOptions input;
    bool json = false;
    MethodFlags methodFlags;
    std::map<std::string, CLI::Option*> given;  // the non-method options, to tell which were given

    [[nodiscard]] bool has(const std::string& name) const
    {
        const auto it = given.find(name);
        return it != given.end() && it->second->count() > 0;
    }
};

/// The method's options: the session's (same method) or the defaults, with the given flags.
std::shared_ptr<const core::MethodOptions>
methodOptions(const ReconstructOptions& o, const core::ReconstructionRequest& base,
              const std::string& method)
{
    std::unique_ptr<core::MethodOptions> options =
        base.options && base.method == method ? base.options->clone()
                                              : core::MethodRegistry::instance().defaultOptions(method);
    applyMethodFlags(o.methodFlags, *options, method);
    options->validate();
    return options;
}

/// The request: a session's (or a result file's) when given, then every flag given on top.
core::ReconstructionRequest buildRequest(const ReconstructOptions& o,
                                         std::unique_ptr<core::ReconstructionMethod>& methodOut,
                                         std::vector<std::string>& notes)
{
    core::ReconstructionRequest r;
    if (!o.session.empty())
        r = core::readRequestFile(o.session);
    else if (o.method.empty() || o.in.empty())
        throw core::InputError("reconstruct needs --method and --in, or --session FILE");

    const std::string method = o.method.empty() ? r.method : o.method;
    methodOut = core::MethodRegistry::instance().create(method);
    r.options = methodOptions(o, r, method);
    r.method = method;

    // Input: --in replaces the session's hologram; input flags given replace single fields.
    if (!o.in.empty()) {
        r.input = core::InputSpec{};
        r.input.path = o.in;
    }
    if (r.input.kind == core::InputSpec::Kind::File) {
        if (!o.in.empty() || o.has("--frame"))
            r.input.frame = o.input.frame;
        if (o.has("--flat"))
            r.input.flatField.flat = o.input.flat;
        if (o.has("--flat-after"))
            r.input.flatField.flatAfter = o.input.flatAfter;
        if (o.has("--dark"))
            r.input.flatField.dark = o.input.dark;
        if (o.has("--average"))
            r.input.flatField.averaging = core::parseFrameAveraging(o.input.average);
        if (o.has("--raw"))
            r.input.flatField.automatic = !o.input.raw;
        if (o.has("--normalise"))
            r.input.normalise = core::parseNormalisation(o.normalise);
        if (o.has("--percentile"))
            r.input.percentile = o.percentile;
    }

    // Physics: the flags given, over the session's, over the method's default (a model's
    // training physics).
    const bool anyPhysics = o.has("--energy") || o.has("--distance") || o.has("--pixel");
    if (anyPhysics) {
        std::optional<core::Geometry> g = r.geometry ? r.geometry : methodOut->defaultGeometry(*r.options);
        if (!g) {
            for (const char* name : {"--energy", "--distance", "--pixel"})
                if (!o.has(name))
                    throw core::InputError("reconstruct --method " + method + " needs " + name);
            g = core::Geometry{};
        }
        if (o.has("--energy"))
            g->energyKeV = core::parseEnergyKeV(o.energy);
        if (o.has("--distance"))
            g->distanceM = core::parseLengthM(o.distance);
        if (o.has("--pixel"))
            g->pixelSizeM = core::parseLengthM(o.pixel);
        g->validate();
        r.geometry = g;
    } else if (!r.geometry) {
        r.geometry = methodOut->defaultGeometry(*r.options);
        if (!r.geometry) {
            // A learned method without a usable model says why (no file, another method's).
            const std::string why = methodOut->check(r, std::numeric_limits<int>::max(),
                                                     std::numeric_limits<int>::max());
            throw core::InputError(why.empty() ? "reconstruct --method " + method +
                                                     " needs --energy, --distance and --pixel"
                                               : why);
        }
        notes.push_back("no physics given: using the model's training physics (" +
                        core::formatNumber(r.geometry->energyKeV) + " keV, " +
                        core::formatLength(r.geometry->distanceM) + ", " +
                        core::formatLength(r.geometry->pixelSizeM) + ")");
    }

    if (o.has("--padding"))
        r.propagation.padding = core::parsePadding(o.padding);
    if (o.has("--pad-factor"))
        r.propagation.padFactor = o.padFactor;
    if (o.has("--oversample"))
        r.propagation.oversample = o.oversample;
    if (o.has("--phase-sign"))
        r.propagation.phaseSign = o.phaseSign == "plus" ? 1 : -1;
    if (o.has("--delta-beta"))
        r.betaOverDelta = betaOverDeltaFlag(o.deltaBeta);
    return r;
}

/// The stack path: --frames or --resume given, or an .h5 output of a multi-frame input
/// without --frame.
bool wantsStack(const ReconstructOptions& o, const core::ReconstructionRequest& request)
{
    if (o.has("--frames") || o.resume)
        return true;
    if (!core::isHdf5StackOutput(o.out) || o.has("--frame") ||
        request.input.kind != core::InputSpec::Kind::File)
        return false;
    return core::imageInfo(request.input.path).frames > 1;
}

int runStack(const ReconstructOptions& o, const Context& ctx, const core::ReconstructionRequest& request,
             const std::vector<std::string>& notesIn)
{
    std::vector<std::string> notes = notesIn;
    core::StackJob job;
    job.request = request;
    job.frames = core::FrameRange::parse(o.frames.empty() ? "all" : o.frames);
    job.output = o.out;
    job.resume = o.resume;
    job.workers = o.workers;
    const std::unique_ptr<core::RankGroup> group = rankGroupFromEnvironment();
    const std::string methodId = request.method;
    const auto makeMethod = [&methodId] { return core::MethodRegistry::instance().create(methodId); };
    core::StackSummary summary;
    try {
        summary = core::reconstructStack(job, makeMethod, ctx.reporter(), group.get());
    } catch (const core::Cancelled&) {
        const std::string part = core::stackPartPath(o.out);
        if (!core::isHdf5StackOutput(o.out) || group->rank() != 0 || !std::filesystem::exists(part))
            throw;
        if (ctx.progress)
            ctx.progress->finish();
        const std::string message = "cancelled; the frames done so far are kept in " + part +
                                    ": run the same command with --resume to continue it";
        std::cerr << "phaselab-cli: " << message << std::endl;
        if (ctx.json)
            printJson({{"error", message}, {"exit_code", int(kExitCancelled)}, {"partial", part}});
        return kExitCancelled;
    }
    if (group->rank() != 0) {  // rank 0 reports for the job
        if (ctx.progress)
            ctx.progress->finish();
        return kExitOk;
    }
    for (const std::string& w : summary.warnings)
        notes.push_back("warning: " + w);
    if (ctx.json) {
        nlohmann::json j = summary.report();
        j["warnings"] = notes;
        printJson(j);
        return kExitOk;
    }
    if (ctx.progress)
        ctx.progress->finish();
    for (const std::string& n : notes)
        std::cerr << "phaselab-cli: " << n << "\n";
    std::cout << summary.method << ": wrote";
    for (std::size_t i = 0; i < summary.outputs.size(); ++i)
        std::cout << (i == 0 ? " " : " and ") << summary.outputs[i];
    std::cout << " (" << summary.frames << " frames of " << summary.width << " × " << summary.height
              << "; computed " << summary.computed << ", resumed " << summary.skipped << ") in "
              << core::formatNumber(summary.seconds, 3) << " s, "
              << core::formatNumber(summary.framesPerSecond, 3) << " frames/s, " << summary.workers
              << " worker(s), " << summary.mode << " with " << summary.threadsPerFrame
              << " thread(s) per frame";
    if (summary.modeChoice == "measured")
        std::cout << " (measured on the first frame: fft-parallel "
                  << core::formatNumber(summary.fftParallelFps, 3) << ", frame-parallel "
                  << core::formatNumber(summary.frameParallelFps, 3) << " frames/s)";
    std::cout << "\n";
    return kExitOk;
}

int runReconstruct(const ReconstructOptions& o, const Context& ctx)
{
    const core::ProgressReporter progress = ctx.reporter();
    std::vector<std::string> notes;
    std::unique_ptr<core::ReconstructionMethod> method;
    const core::ReconstructionRequest request = buildRequest(o, method, notes);
    if (wantsStack(o, request))
        return runStack(o, ctx, request, notes);

    core::LoadedHologram hologram = core::loadHologram(request.input, progress);
    if (!o.truth.empty())
        core::attachTruePhase(hologram, o.truth);
    if (hologram.provenance.contains("flat_field_warning"))
        notes.push_back(request.input.path + ": flat/dark correction " +
                        hologram.provenance["flat_field_warning"].get<std::string>());
    const core::ReconstructionOutcome outcome =
        core::reconstruct(*method, request, hologram, progress);
    progress.step(1.0, "writing");
    const core::ResultPaths paths = core::writeResult(o.out, outcome, ctx.cancel);

    for (const std::string& w : outcome.warnings)
        notes.push_back("warning: " + w);
    if (ctx.json) {
        nlohmann::json j = outcome.report();
        j["outputs"] = {{"phase", paths.phase}, {"absorption", paths.absorption}};
        j["warnings"] = notes;  // the outcome's warnings and the command's notes
        printJson(j);
        return kExitOk;
    }
    if (ctx.progress)
        ctx.progress->finish();
    for (const std::string& n : notes)
        std::cerr << "phaselab-cli: " << n << "\n";
    std::cout << outcome.method.id << ": wrote " << paths.phase << " and " << paths.absorption
              << " (" << hologram.image.width() << " × " << hologram.image.height() << ")";
    if (outcome.iterations > 0)
        std::cout << " after " << outcome.iterations << " iterations";
    std::cout << ", residual " << core::formatNumber(outcome.residualRms, 4) << ", in "
              << core::formatNumber(outcome.seconds, 3) << " s\n";
    if (!outcome.nmseHistory.empty()) {
        std::cout << "phase NMSE against the truth: " << core::formatNumber(outcome.nmseHistory.back(), 4)
                  << " %";
        if (outcome.nmseHistory.size() > 1)
            std::cout << " (start " << core::formatNumber(outcome.nmseHistory.front(), 4) << " %)";
        std::cout << "\n";
    }
    if (const std::string alpha = core::describeAlpha(outcome.details); !alpha.empty())
        std::cout << alpha << "\n";
    return kExitOk;
}

} // namespace

Command addReconstructCommand(CLI::App& root)
{
    auto o = std::make_shared<ReconstructOptions>();
    CLI::App* sub = root.add_subcommand(
        "reconstruct",
        "Phase retrieval from one hologram: writes PREFIX_phase.tif and PREFIX_absorption.tif "
        "(float32, calibrated, with every parameter as JSON). --session replays a session file "
        "saved by the application, or the parameters of any result TIFF; flags given override it. "
        "With --frames (or an .h5 --out) a whole stack is streamed, frames in parallel; Ctrl-C "
        "keeps an HDF5 stack's finished frames in FILE.h5.part for --resume.");
    std::string methods;
    for (const std::string& id : core::MethodRegistry::instance().ids())
        methods += (methods.empty() ? "" : ", ") + id;
    auto add = [&](const std::string& name, auto& value, const std::string& help) {
        CLI::Option* opt = sub->add_option(name, value, help);
        o->given[name] = opt;
        return opt;
    };
    add("--session", o->session,
        "Session file (JSON) saved by PhaseLab, or a result TIFF whose parameters to re-run");
    add("--method", o->method, "Reconstruction method: " + methods)
        ->check(CLI::IsMember(core::MethodRegistry::instance().ids()));
    add("--in", o->in,
        "Hologram: TIFF, HDF5 (FILE.h5:/path), EDF, PNG; flat-field corrected, or corrected "
        "here with --flat/--dark");
    addInputOptions(sub, o->input);
    for (const char* name : {"--frame", "--flat", "--flat-after", "--dark", "--average", "--raw"})
        o->given[name] = sub->get_option(name);
    add("--normalise", o->normalise,
        "Without a flat field: check (refuse raw counts), none (use as is), mean or percentile "
        "(divide by it)")
        ->check(CLI::IsMember({"check", "none", "mean", "percentile"}))
        ->capture_default_str();
    add("--percentile", o->percentile, "--normalise percentile: P in (0, 100]")
        ->capture_default_str();
    add("--out", o->out,
        "Output prefix: PREFIX_phase.tif, PREFIX_absorption.tif (multi-page for a stack); a "
        "stack to FILE.h5 or FILE.hdf5 is one HDF5 file")->required();
    CLI::Option* frames = add("--frames", o->frames,
        "Reconstruct a stack (multi-page TIFF, 3D HDF5, NXtomo projections): all, A:B, A: or "
        "A:B:STEP (from 0, B excluded), streamed to --out: FILE.h5 (datasets phase, absorption "
        "[n, H, W], frames, done) or PREFIX_phase.tif / PREFIX_absorption.tif. An .h5 --out "
        "with a multi-frame input and no --frame implies --frames all")
        ->check([](const std::string& text) {
            try {
                (void)core::FrameRange::parse(text);
                return std::string();
            } catch (const core::InputError& e) {
                return std::string(e.what());
            }
        });
    CLI::Option* resume = sub->add_flag("--resume", o->resume,
        "Continue the unfinished FILE.h5.part that a cancelled (Ctrl-C) or failed stack run "
        "left, computing only the missing frames; it must come from the same parameters and "
        "frames. TIFF stacks cannot be resumed");
    add("--workers", o->workers,
        "Stack: frames computed at once (0: automatic, one per core for classical methods, "
        "each single-threaded; learned methods use one)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    frames->excludes(o->given["--frame"]);
    resume->excludes(o->given["--frame"]);
    add("--energy", o->energy,
        "Photon energy: 13keV, 13000eV (bare number = keV). Learned methods default to the "
        "model's training physics");
    add("--distance", o->distance, "Propagation distance: 20mm, 0.02m (bare number = metres)");
    add("--pixel", o->pixel, "Pixel size: 12nm, 1um (bare number = metres)");
    add("--padding", o->padding, "Boundary handling")
        ->check(CLI::IsMember({"periodic", "replicate", "unit"}))
        ->capture_default_str();
    add("--pad-factor", o->padFactor, "Grid size / image size for padded modes (default 2)");
    add("--oversample", o->oversample,
        "Forward model: compute at K·N and bin intensities K×K back to N")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    add("--phase-sign", o->phaseSign,
        "Phase sign convention of the hologram: minus, T = exp(−B − iφ) (PhaseLab); plus, "
        "T = exp(−B + iφ), as some other packages store data (CTF and IRGN)")
        ->check(CLI::IsMember({"minus", "plus"}))
        ->capture_default_str();
    add("--delta-beta", o->deltaBeta,
        "δ/β of a homogeneous sample (B = (β/δ)φ); omit for a pure phase object. Paganin needs "
        "it; IRGN's homogeneous unknowns and CTF use it");
    add("--truth", o->truth,
        "True phase [rad] of a simulated hologram (e.g. simulate's PREFIX_phase.tif): reports "
        "the phase NMSE of every step (JSON phase_nmse_history)")
        ->excludes(frames)
        ->excludes(resume);
    addMethodFlags(sub, o->methodFlags);
    addJsonFlag(sub, o->json);
    return {sub, &o->json, [o](const Context& ctx) { return runReconstruct(*o, ctx); }};
}

} // namespace phaselab::cli
