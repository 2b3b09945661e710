#include "commands.h"
#include "input_options.h"

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/ctf.h>
#include <phaselab/core/error.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/irgn.h>
#include <phaselab/core/paganin.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/core/units.h>
#include <phaselab/version.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

namespace phaselab::cli {

namespace {

// The learned methods' options (method, files, physics, model, device, input) plus the
// classical ones: a dgn/msd run hands its LearnedOptions part to runLearnedReconstruction().
struct ReconstructOptions : LearnedOptions {
    std::string padding = "periodic";
    double padFactor = 2.0;
    double deltaBeta = 0;       // δ/β, read only when given
    double alpha = 0;           // read only when given: CTF high level, IRGN α_0
    double alphaLow = 1e-3;     // CTF low level
    int newton = 20;
    int cg = 10;
    double q = 2.0 / 3.0;
    bool positivity = false;
    std::string init = "zero";
    std::string penalty = "tikhonov";
    double sobolevScale = 0.1;
    double sobolevOrder = 1.0;
    double noiseLevel = 0.0;
    double tau = 1.5;
    int oversample = 1;
    bool json = false;
    // Set while registering; tell whether an option was given.
    CLI::Option* deltaBetaOption = nullptr;
    CLI::Option* alphaOption = nullptr;

    [[nodiscard]] bool hasDeltaBeta() const { return deltaBetaOption && deltaBetaOption->count() > 0; }
    [[nodiscard]] bool hasAlpha() const { return alphaOption && alphaOption->count() > 0; }

    /// β/δ from --delta-beta, which must then be a finite number > 0.
    [[nodiscard]] double betaDelta() const
    {
        if (!std::isfinite(deltaBeta) || deltaBeta <= 0)
            throw core::InputError("--delta-beta must be a finite ratio δ/β > 0, got " +
                                   core::formatNumber(deltaBeta, 6));
        return 1.0 / deltaBeta;
    }
};

/// What a method hands back to the command: the object, how many iterations it took, its final
/// RMS data residual ‖I − F(f)‖/√n, and its options for the report and the file metadata.
struct MethodResult {
    core::Reconstruction object;
    int iterations = 0;
    double residual = 0;
    nlohmann::json options = nlohmann::json::object();
    nlohmann::json extra = nlohmann::json::object();  // method-specific report fields
};

/// Everything a method needs: the hologram, the physics, the command's options, progress.
struct MethodInput {
    const core::ImageF& hologram;
    const core::Geometry& geometry;
    const core::PropagationOptions& propagation;
    const ReconstructOptions& options;
    const core::ProgressReporter& progress;
};

using MethodFn = MethodResult (*)(const MethodInput&);

/// The one place the command reads a hologram: any format core::readImage() takes, at the
/// chosen frame, flat/dark-corrected as asked; finite pixels only.
core::ImageF loadHologram(const std::string& spec, const InputOptions& input,
                          nlohmann::json& provenance)
{
    LoadedInput details;
    core::ImageF hologram = loadInput(spec, input, &details);
    if (hologram.empty())
        throw core::InputError(spec + ": the image is empty");
    core::requireFinite(hologram, spec);
    provenance = details.provenance;
    return hologram;
}

// RMS of I − F(f) for the direct methods (IRGN reports its own, defined the same way).
double dataResidual(const MethodInput& in, const core::Reconstruction& f)
{
    core::PropagationOptions popt = in.propagation;
    popt.fftPlanning = core::FftEffort::Estimate;
    core::FresnelOperator<float> op(in.geometry, f.phase.width(), f.phase.height(), popt);
    const core::ImageF model = op.forward(f.absorption, f.phase);
    double s = 0;
    for (std::size_t i = 0; i < model.size(); ++i) {
        const double d = double(in.hologram[i]) - double(model[i]);
        s += d * d;
    }
    return std::sqrt(s / double(model.size()));
}

MethodResult runCtf(const MethodInput& in)
{
    const ReconstructOptions& o = in.options;
    core::CtfOptions c;
    c.betaDelta = o.hasDeltaBeta() ? o.betaDelta() : 0.0;
    c.alphaLow = o.alphaLow;
    if (o.hasAlpha())
        c.alphaHigh = o.alpha;
    c.padding = in.propagation.padding;
    c.padFactor = in.propagation.padFactor;
    MethodResult r;
    r.object = core::reconstructCtf(in.hologram, in.geometry, c);
    r.residual = dataResidual(in, r.object);
    r.options = {{"beta_delta", c.betaDelta},
                 {"pure_phase", !o.hasDeltaBeta()},
                 {"alpha_low", c.alphaLow},
                 {"alpha_high", c.alphaHigh},
                 {"transition_width", c.transitionWidth}};
    if (o.hasDeltaBeta())
        r.options["delta_beta"] = o.deltaBeta;
    return r;
}

MethodResult runPaganin(const MethodInput& in)
{
    const ReconstructOptions& o = in.options;
    if (!o.hasDeltaBeta())
        throw core::InputError("paganin needs --delta-beta (δ/β of the homogeneous material)");
    core::PaganinOptions p;
    p.deltaBeta = 1.0 / o.betaDelta();  // betaDelta() validates --delta-beta
    p.padding = in.propagation.padding;
    p.padFactor = in.propagation.padFactor;
    MethodResult r;
    r.object = core::reconstructPaganin(in.hologram, in.geometry, p);
    r.residual = dataResidual(in, r.object);
    r.options = {{"delta_beta", p.deltaBeta}};
    return r;
}

MethodResult runIrgn(const MethodInput& in)
{
    const ReconstructOptions& o = in.options;
    core::IrgnOptions opt;
    if (o.hasAlpha())
        opt.alpha0 = o.alpha;
    opt.q = o.q;
    opt.newtonSteps = o.newton;
    opt.cgIterations = o.cg;
    if (o.hasDeltaBeta())
        opt.betaDelta = o.betaDelta();
    opt.penalty = core::parseIrgnPenalty(o.penalty);
    opt.sobolevScale = o.sobolevScale;
    opt.sobolevOrder = o.sobolevOrder;
    opt.positivity = o.positivity;
    opt.initialGuess = core::parseIrgnInitialGuess(o.init);
    opt.ctf.padding = in.propagation.padding;
    opt.ctf.padFactor = in.propagation.padFactor;
    opt.noiseLevel = o.noiseLevel;
    opt.tau = o.tau;
    opt.propagation = in.propagation;

    core::Irgn irgn(in.hologram, in.geometry, opt);
    // One Newton step at a time: the bar advances after every CG iteration, and Ctrl-C stops
    // within one CG iteration (core::Cancelled, exit 4, nothing written).
    while (!irgn.stopped())
        irgn.step(1, in.progress);

    MethodResult r;
    r.object = irgn.current();
    r.iterations = irgn.iterations();
    r.residual = irgn.residual();
    r.options = {{"variant", opt.betaDelta ? "homogeneous" : "joint"},
                 {"alpha0", opt.alpha0},
                 {"q", opt.q},
                 {"newton_steps", opt.newtonSteps},
                 {"cg_iterations", opt.cgIterations},
                 {"penalty", core::toString(opt.penalty)},
                 {"positivity", opt.positivity},
                 {"initial_guess", core::toString(opt.initialGuess)},
                 {"noise_level", opt.noiseLevel},
                 {"tau", opt.tau}};
    if (opt.betaDelta) {
        r.options["beta_delta"] = *opt.betaDelta;
        r.options["delta_beta"] = o.deltaBeta;
    }
    if (opt.penalty == core::IrgnPenalty::Sobolev) {
        r.options["sobolev_scale_per_pixel"] = opt.sobolevScale;
        r.options["sobolev_order"] = opt.sobolevOrder;
    }
    const char* stop = irgn.stopReason() == core::IrgnStop::Discrepancy ? "discrepancy"
                                                                        : "iteration_limit";
    r.extra = {{"stop_reason", stop}, {"residual_history", irgn.residualHistory()}};
    return r;
}

/// The classical reconstruction methods by name; the learned ones (learnedMethods()) go through
/// runLearnedReconstruction().
const std::map<std::string, MethodFn>& methods()
{
    static const std::map<std::string, MethodFn> table = {
        {"ctf", runCtf},
        {"paganin", runPaganin},
        {"irgn", runIrgn},
    };
    return table;
}

const std::vector<std::string>& learnedMethods()
{
    static const std::vector<std::string> names = {"dgn", "msd"};
    return names;
}

std::vector<std::string> methodNames()
{
    std::vector<std::string> names;
    for (const auto& [name, fn] : methods())
        names.push_back(name);
    for (const std::string& name : learnedMethods())
        names.push_back(name);
    return names;
}

int runReconstruct(const ReconstructOptions& o, const Context& ctx)
{
    if (std::find(learnedMethods().begin(), learnedMethods().end(), o.method) !=
        learnedMethods().end())
        return runLearnedReconstruction(o, ctx);
    const auto start = std::chrono::steady_clock::now();
    const core::ProgressReporter progress = ctx.reporter();
    const auto method = methods().find(o.method);
    if (method == methods().end())
        throw core::InputError("unknown method '" + o.method + "'");
    if (!o.model.empty())
        throw core::InputError("--model is for the learned methods (dgn, msd), not " + o.method);
    for (const auto& [name, value] : {std::pair{"--energy", &o.energy},
                                      std::pair{"--distance", &o.distance},
                                      std::pair{"--pixel", &o.pixel}})
        if (value->empty())
            throw core::InputError("reconstruct --method " + o.method + " needs " + name);

    core::Geometry g;
    g.energyKeV = core::parseEnergyKeV(o.energy);
    g.distanceM = core::parseLengthM(o.distance);
    g.pixelSizeM = core::parseLengthM(o.pixel);
    g.validate();
    core::PropagationOptions popt;
    popt.padding = core::parsePadding(o.padding);
    popt.padFactor = o.padFactor;
    popt.oversample = o.oversample;

    progress.step(0.0, "reading");
    nlohmann::json provenance;
    const core::ImageF hologram = loadHologram(o.in, o.input, provenance);
    // Validates the padding and size before any work.
    const core::PadLayout layout =
        core::PadLayout::make(hologram.width(), hologram.height(), popt.padding, popt.padFactor);

    progress.step(0.0, o.method);
    const MethodResult result = method->second({hologram, g, popt, o, progress});
    progress.checkCancel();
    progress.step(1.0, "writing");

    const double seconds = secondsSince(start);
    nlohmann::json params = {
        {"phaselab_version", PHASELAB_VERSION},
        {"command", "reconstruct"},
        {"method", o.method},
        {"geometry",
         {{"energy_keV", g.energyKeV},
          {"distance_m", g.distanceM},
          {"pixel_size_m", g.pixelSizeM},
          {"wavelength_m", g.wavelengthM()},
          {"fresnel_number", g.fresnelNumber()}}},
        {"padding", o.padding},
        {"pad_factor", o.padFactor},
        {"oversample", o.oversample},
        {"options", result.options},
        {"input", o.in},
        {"iterations", result.iterations},
        {"residual", result.residual},
        {"seconds", seconds},
    };
    if (!provenance.empty())
        params["input_details"] = provenance;  // checksum, frame, flat/dark correction
    const std::string phasePath = o.out + "_phase.tif";
    const std::string absorptionPath = o.out + "_absorption.tif";
    // Both files or neither: each is written to a temporary sibling, then both are renamed.
    core::AtomicFile phaseFile(phasePath), absorptionFile(absorptionPath);
    core::ImageMetadata meta;
    meta.pixelSizeM = g.pixelSizeM;
    meta.parameters = params;
    meta.parameters["quantity"] = "phase";
    meta.parameters["unit"] = "rad";
    core::writeTiff(phaseFile.tempPath(), result.object.phase, meta);
    meta.parameters["quantity"] = "absorption";
    meta.parameters["unit"] = "1";
    core::writeTiff(absorptionFile.tempPath(), result.object.absorption, meta);
    progress.checkCancel();
    phaseFile.commit();
    absorptionFile.commit();

    if (ctx.json) {
        nlohmann::json j = {{"method", o.method},
                            {"seconds", seconds},
                            {"iterations", result.iterations},
                            {"residual", result.residual},
                            {"shape", {hologram.height(), hologram.width()}},
                            {"outputs", {{"phase", phasePath}, {"absorption", absorptionPath}}},
                            {"options", result.options}};
        for (const auto& [key, value] : result.extra.items())
            j[key] = value;
        printJson(j);
    } else {
        if (ctx.progress)
            ctx.progress->finish();
        std::cout << o.method << ": wrote " << phasePath << " and " << absorptionPath << " ("
                  << hologram.width() << " × " << hologram.height() << ")";
        if (result.iterations > 0)
            std::cout << " after " << result.iterations << " iterations";
        std::cout << ", residual " << core::formatNumber(result.residual, 4) << ", in "
                  << core::formatNumber(seconds, 3) << " s\n";
        if (!g.wellSampled(layout.paddedWidth * popt.oversample))
            std::cerr << "warning: grid of " << layout.paddedWidth * popt.oversample
                      << " samples is below 1/F = " << core::formatNumber(g.minimumGridSize())
                      << " (kernel undersampled; results stay periodic-exact)\n";
    }
    return kExitOk;
}

} // namespace

Command addReconstructCommand(CLI::App& root)
{
    auto o = std::make_shared<ReconstructOptions>();
    CLI::App* sub = root.add_subcommand(
        "reconstruct",
        "Phase retrieval from one hologram: writes PREFIX_phase.tif and PREFIX_absorption.tif");
    sub->add_option("--method", o->method, "Reconstruction method")
        ->required()
        ->check(CLI::IsMember(methodNames()));
    sub->add_option("--in", o->in,
                    "Hologram: TIFF, HDF5 (FILE.h5:/path), EDF, PNG; flat-field corrected, or "
                    "corrected here with --flat/--dark")
        ->required();
    addInputOptions(sub, o->input);
    sub->add_option("--out", o->out, "Output prefix: PREFIX_phase.tif, PREFIX_absorption.tif")
        ->required();
    sub->add_option("--energy", o->energy,
                    "Photon energy: 13keV, 13000eV (bare number = keV). Required except for "
                    "dgn/msd, which default to the model's training physics");
    sub->add_option("--distance", o->distance,
                    "Propagation distance: 20mm, 0.02m (bare number = metres)");
    sub->add_option("--pixel", o->pixel, "Pixel size: 12nm, 1um (bare number = metres)");
    sub->add_option("--model", o->model, "dgn, msd: model file written by train");
    sub->add_option("--device", o->device, "dgn, msd: where inference runs")
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
        ->capture_default_str();
    sub->add_option("--padding", o->padding, "Boundary handling")
        ->check(CLI::IsMember({"periodic", "replicate", "unit"}))
        ->capture_default_str();
    sub->add_option("--pad-factor", o->padFactor, "Grid size / image size for padded modes")
        ->capture_default_str();
    o->deltaBetaOption = sub->add_option(
        "--delta-beta", o->deltaBeta,
        "δ/β of a homogeneous object (B = (β/δ)φ). CTF: omit for a pure phase object; "
        "Paganin: required; IRGN: one unknown φ instead of the joint (B, φ)");
    o->alphaOption = sub->add_option(
        "--alpha", o->alpha,
        "Regularisation. CTF: α above the first CTF maximum (default 1e-2); IRGN: α_0 (default "
        "10)");
    sub->add_option("--alpha-low", o->alphaLow, "CTF: α below the first CTF maximum")
        ->capture_default_str();
    sub->add_option("--newton", o->newton, "IRGN: most Newton steps")->capture_default_str();
    sub->add_option("--cg", o->cg, "IRGN: conjugate-gradient iterations per Newton step")
        ->capture_default_str();
    sub->add_option("--q", o->q, "IRGN: α_k = α_0 q^k, 0 < q < 1")->capture_default_str();
    sub->add_flag("--positivity", o->positivity, "IRGN: project B, φ onto ≥ 0 after each step");
    sub->add_option("--init", o->init, "IRGN: initial guess")
        ->check(CLI::IsMember({"zero", "ctf"}))
        ->capture_default_str();
    sub->add_option("--penalty", o->penalty, "IRGN: penalty R")
        ->check(CLI::IsMember({"tikhonov", "sobolev"}))
        ->capture_default_str();
    sub->add_option("--sobolev-scale", o->sobolevScale,
                    "IRGN: s of the Sobolev weight (1 + |ξ|²/s²)^m [cycles/pixel]")
        ->capture_default_str();
    sub->add_option("--sobolev-order", o->sobolevOrder, "IRGN: m of the Sobolev weight")
        ->capture_default_str();
    sub->add_option("--noise-level", o->noiseLevel,
                    "IRGN: noise standard deviation per pixel; > 0 stops by the discrepancy "
                    "principle (RMS residual ≤ τ · noise level)")
        ->capture_default_str();
    sub->add_option("--tau", o->tau, "IRGN: discrepancy factor τ ≥ 1")->capture_default_str();
    sub->add_option("--oversample", o->oversample,
                    "IRGN forward model: compute at K·N and bin intensities K×K back to N")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    addJsonFlag(sub, o->json);
    return {sub, &o->json, [o](const Context& ctx) { return runReconstruct(*o, ctx); }};
}

} // namespace phaselab::cli
