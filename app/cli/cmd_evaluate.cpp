#include "commands.h"
#include "input_options.h"
#include "method_flags.h"

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/curve_csv.h>
#include <phaselab/core/error.h>
#include <phaselab/core/metrics.h>
#include <phaselab/core/reconstruction_method.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/core/units.h>
#include <phaselab/models/reproduce.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace phaselab::cli {

namespace {

struct EvaluateOptions {
    std::string reference, input, pixel;
    InputOptions frames;     // --frame: of the reconstruction
    InputOptions referenceInput;  // --reference-frame
    std::string threshold = "2sigma";
    std::string window = "none";
    std::string rule = "first";
    bool removeMean = false;
    std::string csv;
    std::string region;
    double expected = 0;
    // Scoring a method over a data set split instead of one image.
    std::string data, split = "test", method;
    int images = 0;
    double deltaBeta = 0;
    MethodFlags methodFlags;
    bool json = false;
};

nlohmann::json channelJson(const models::ChannelScores& c)
{
    auto ms = [](const models::MeanStd& m) { return nlohmann::json{{"mean", m.mean}, {"std", m.std}}; };
    return {{"nmse_percent", ms(c.nmsePercent)},
            {"frcm_percent", ms(c.frcmPercent)},
            {"resolution_m", ms(c.resolutionM)}};
}

// `evaluate --data SET.h5 --method M`: the paper's figures (mean and standard deviation of
// NMSE, FRCM and 2σ resolution per channel, time per image) of a method over a split.
int runEvaluateSplit(const EvaluateOptions& o, const Context& ctx)
{
    if (o.method.empty())
        throw core::InputError("--data needs --method (and --model for a learned method)");
    std::unique_ptr<core::MethodOptions> options =
        core::MethodRegistry::instance().defaultOptions(o.method);
    applyMethodFlags(o.methodFlags, *options, o.method);
    options->validate();
    core::ReconstructionRequest request;
    request.method = o.method;
    if (o.deltaBeta != 0)  // 0, the default: none given
        request.betaOverDelta = betaOverDeltaFlag(o.deltaBeta);
    request.options = std::shared_ptr<const core::MethodOptions>(std::move(options));
    const models::MethodScores s =
        models::evaluateSplit(o.data, o.split, request, o.images, ctx.reporter());
    if (ctx.json) {
        printJson({{"data", o.data},
                   {"split", o.split},
                   {"method", s.id},
                   {"images", s.images},
                   {"absorption", channelJson(s.absorption)},
                   {"phase", channelJson(s.phase)},
                   {"seconds_per_image", s.secondsPerImage},
                   {"request", s.request}});
        return kExitOk;
    }
    if (ctx.progress)
        ctx.progress->finish();
    auto line = [](const char* name, const models::ChannelScores& c) {
        std::cout << name << "  NMSE " << core::formatNumber(c.nmsePercent.mean, 4) << " ± "
                  << core::formatNumber(c.nmsePercent.std, 3) << " %   FRCM "
                  << core::formatNumber(c.frcmPercent.mean, 4) << " ± "
                  << core::formatNumber(c.frcmPercent.std, 3) << " %   resolution "
                  << core::formatLength(c.resolutionM.mean) << " ± "
                  << core::formatLength(c.resolutionM.std) << "\n";
    };
    std::cout << s.label << " on " << s.images << " images of " << o.data << " (" << o.split
              << "):\n";
    line("absorption", s.absorption);
    line("phase     ", s.phase);
    std::cout << "time        " << core::formatNumber(s.secondsPerImage, 3) << " s per image\n";
    return kExitOk;
}

// "X0,Y0,X1,Y1" as integers (pixels).
std::array<int, 4> parseRegion(const std::string& text)
{
    std::array<int, 4> v{};
    std::istringstream in(text);
    char comma = 0;
    if (!(in >> v[0] >> comma) || comma != ',' || !(in >> v[1] >> comma) || comma != ',' ||
        !(in >> v[2] >> comma) || comma != ',' || !(in >> v[3]) || !(in >> std::ws).eof())
        throw core::InputError("--region: expected X0,Y0,X1,Y1 in whole pixels, got \"" + text +
                               "\"");
    return v;
}

int runEvaluate(const EvaluateOptions& o, const Context& ctx)
{
    if (!o.data.empty())
        return runEvaluateSplit(o, ctx);
    if (o.reference.empty() || o.input.empty() || o.pixel.empty())
        throw core::InputError("evaluate needs --reference, --input and --pixel (or --data and "
                               "--method to score a method over a data set)");
    const auto start = std::chrono::steady_clock::now();
    const core::ProgressReporter progress = ctx.reporter();
    const double pixelM = core::parseLengthM(o.pixel);
    core::FrcOptions fopt;
    fopt.threshold = core::parseFrcThreshold(o.threshold);
    fopt.window = o.window == "hann" ? core::FrcWindow::Hann : core::FrcWindow::None;
    fopt.rule = core::parseFrcRule(o.rule);

    progress.step(0.0, "reading");
    // Any readable format (TIFF, FILE.h5:/path, EDF, …) at --frame; metrics run in double.
    const core::ImageD ref = loadInput(o.reference, o.referenceInput).cast<double>();
    const core::ImageD rec = loadInput(o.input, o.frames).cast<double>();
    core::requireFinite(ref, o.reference);
    core::requireFinite(rec, o.input);
    core::requireSameShape(rec, ref, o.input + " and " + o.reference);

    progress.step(0.3, "evaluating");
    const core::Evaluation ev = core::evaluateReconstruction(rec, ref, pixelM, fopt, o.removeMean);
    const core::FrcResult& frc = ev.frc;

    bool haveRegion = false;
    core::RegionStats region;
    if (!o.region.empty()) {
        const auto r = parseRegion(o.region);
        region = core::regionStats(rec, core::rectangleMask(rec.width(), rec.height(), r[0], r[1],
                                                            r[2], r[3]),
                                   o.expected);
        haveRegion = true;
    }
    if (!o.csv.empty()) {
        progress.step(0.9, "writing");
        core::writeFrcCsv(o.csv, frc);
    }
    progress.step(1.0, "done");

    const double seconds = secondsSince(start);
    if (ctx.json) {
        nlohmann::json j{
            {"nmse_percent", ev.nmsePercent},
            {"mean_removed", ev.meanRemoved},
            {"frc_rule", core::toString(frc.rule)},
            {"frcm_percent", frc.frcmPercent},
            {"resolution_m", frc.resolutionM},
            {"resolution_at_nyquist", !frc.crossing.crossed},
            {"cutoff_frequency_per_m", frc.cutoffFrequencyPerM},
            {"threshold", core::frcThresholdName(frc.thresholdKind)},
            {"window", o.window},
            {"pixel_size_m", pixelM},
            {"frc",
             {{"frequency_per_m", frc.frequencyPerM},
              {"value", frc.value},
              {"threshold", frc.threshold},
              {"ring_count", frc.ringCount}}},
            {"crop",
             {{"cropped", frc.cropped},
              {"size", frc.size},
              {"x", frc.cropX},
              {"y", frc.cropY},
              {"input_shape", {frc.inputHeight, frc.inputWidth}}}},
            {"seconds", seconds},
        };
        if (haveRegion)
            j["region"] = {{"pixels", region.count},      {"expected", region.expected},
                           {"mean", region.mean},         {"std", region.stdDev},
                           {"ne_percent", region.nePercent}, {"rsd_percent", region.rsdPercent}};
        if (!o.csv.empty())
            j["csv"] = o.csv;
        printJson(j);
    } else {
        if (ctx.progress)
            ctx.progress->finish();
        if (frc.cropped)
            std::cout << "note: " << frc.inputWidth << " × " << frc.inputHeight
                      << " images centre-cropped to " << frc.size << " × " << frc.size
                      << " at (" << frc.cropX << ", " << frc.cropY << ") for the FRC\n";
        std::cout << "NMSE        " << core::formatNumber(ev.nmsePercent) << " %"
                  << (ev.meanRemoved ? " (means removed)" : "") << "\n"
                  << "FRCM        " << core::formatNumber(frc.frcmPercent) << " %\n"
                  << "resolution  " << core::formatLength(frc.resolutionM) << " ("
                  << core::frcThresholdName(frc.thresholdKind) << " threshold, "
                  << (frc.crossing.crossed ? core::toString(frc.rule) + " crossing at ring " +
                                                 core::formatNumber(frc.crossing.ring, 4)
                                           : std::string("never crossed: Nyquist 2Δx"))
                  << ")\n";
        if (haveRegion)
            std::cout << "region      " << region.count << " pixels, mean "
                      << core::formatNumber(region.mean) << ", NE "
                      << core::formatNumber(region.nePercent) << " %, RSD "
                      << core::formatNumber(region.rsdPercent) << " %\n";
        if (!o.csv.empty())
            std::cout << "wrote " << o.csv << "\n";
    }
    return kExitOk;
}

} // namespace

Command addEvaluateCommand(CLI::App& root)
{
    auto o = std::make_shared<EvaluateOptions>();
    CLI::App* sub = root.add_subcommand(
        "evaluate",
        "Compare a reconstruction with its reference: NMSE, FRC, FRCM, resolution; or, with "
        "--data, score a method over a data set split (mean and standard deviation per channel)");
    sub->add_option("--reference", o->reference,
                    "Reference image: TIFF, HDF5 (FILE.h5:/path), EDF, PNG");
    sub->add_option("--reference-frame", o->referenceInput.frame,
                    "Frame of a multi-frame reference (page, HDF5 frame, EDF block)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    sub->add_option("--input", o->input, "Reconstruction to evaluate (same shape and formats)");
    addInputOptions(sub, o->frames, InputOptionSet::FrameOnly);
    sub->add_option("--pixel", o->pixel, "Pixel size: 12nm, 1um (bare number = metres)");
    sub->add_option("--threshold", o->threshold, "FRC resolution threshold")
        ->check(CLI::IsMember({"2sigma", "halfbit", "seventh"}))
        ->capture_default_str();
    sub->add_option("--window", o->window, "Apodisation before the FRC")
        ->check(CLI::IsMember({"none", "hann"}))
        ->capture_default_str();
    sub->add_option("--frc-rule", o->rule,
                    "Resolution from the first crossing (physics.md), or the first crossing that "
                    "starts a sustained run below the threshold (ignores low-ring dips; "
                    "docs/frc_resolution.md)")
        ->check(CLI::IsMember({"first", "sustained"}))
        ->capture_default_str();
    sub->add_flag("--remove-mean", o->removeMean,
                  "NMSE of the mean-free images (a phase is defined up to a constant)");
    sub->add_option("--csv", o->csv,
                    "Write the FRC curve (ring, frequency_per_m, frc, threshold, ring_count)");
    auto* region = sub->add_option("--region", o->region,
                                   "NE/RSD of the input over columns X0…X1−1, rows Y0…Y1−1: "
                                   "X0,Y0,X1,Y1");
    sub->add_option("--expected", o->expected, "Expected value in --region (for NE)")
        ->needs(region);
    region->needs(sub->get_option("--expected"));
    auto* data = sub->add_option("--data", o->data,
                                 "Score --method over a data set (SET.h5 with split groups "
                                 "hologram/absorption/phase and physics attributes) instead");
    sub->add_option("--split", o->split, "Split of --data")
        ->check(CLI::IsMember({"train", "val", "test"}))
        ->capture_default_str()
        ->needs(data);
    sub->add_option("--method", o->method, "Method of --data: ctf, paganin, irgn, dgn, msd, …")
        ->needs(data);
    sub->add_option("--images", o->images, "Score only the first N images of the split (0: all)")
        ->check(CLI::NonNegativeNumber)
        ->needs(data);
    sub->add_option("--delta-beta", o->deltaBeta,
                    "δ/β of a homogeneous sample for --data's method (CTF, Paganin, homogeneous "
                    "IRGN); none: pure phase")
        ->needs(data);
    addMethodFlags(sub, o->methodFlags);
    addJsonFlag(sub, o->json);
    return {sub, &o->json, [o](const Context& ctx) { return runEvaluate(*o, ctx); }};
}

} // namespace phaselab::cli
