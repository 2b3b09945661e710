#include "commands.h"
#include "input_options.h"

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/edge_profile.h>
#include <phaselab/core/curve_csv.h>
#include <phaselab/core/error.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/core/units.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace phaselab::cli {

namespace {

struct EdgeOptions {
    std::string in, line, pixel, csv;
    InputOptions input;
    double width = 1;
    double step = 1;
    bool json = false;
};

// "X0,Y0,X1,Y1" in pixels (pixel centres at whole numbers).
core::EdgeLine parseLine(const std::string& text)
{
    double v[4];
    std::istringstream in(text);
    char comma = 0;
    if (!(in >> v[0] >> comma) || comma != ',' || !(in >> v[1] >> comma) || comma != ',' ||
        !(in >> v[2] >> comma) || comma != ',' || !(in >> v[3]) || !(in >> std::ws).eof())
        throw core::InputError("--line: expected X0,Y0,X1,Y1 in pixels, got \"" + text + "\"");
    return {v[0], v[1], v[2], v[3]};
}

int runEdge(const EdgeOptions& o, const Context& ctx)
{
    const auto start = std::chrono::steady_clock::now();
    const core::ProgressReporter progress = ctx.reporter();
    const double pixelM = core::parseLengthM(o.pixel);
    const core::EdgeLine line = parseLine(o.line);
    core::EdgeProfileOptions popt;
    popt.widthPx = o.width;
    popt.stepPx = o.step;

    progress.step(0.0, "reading");
    // Any readable format (TIFF, FILE.h5:/path, EDF, …) at --frame; the fit runs in double.
    const core::ImageD img = loadInput(o.in, o.input).cast<double>();
    progress.step(0.5, "fitting");
    core::EdgeMeasurement m;
    try {
        m = core::measureEdge(img, line, pixelM, popt);
    } catch (const core::InputError& e) {
        throw core::InputError(o.in + ": " + e.what());
    }
    if (!o.csv.empty()) {
        progress.step(0.9, "writing");
        core::writeEdgeProfileCsv(o.csv, m, pixelM);
    }
    progress.step(1.0, "done");

    const core::EdgeFit& f = m.fit;
    const double seconds = secondsSince(start);
    if (ctx.json) {
        nlohmann::json j{
            {"fwhm_m", f.fwhmM},
            {"fwhm_stderr_m", f.fwhmStderrM},
            {"sigma_m", f.sigmaM},
            {"sigma_stderr_m", f.sigmaStderrM},
            {"x0_px", f.x0Px},
            {"x0_stderr_px", f.x0StderrPx},
            {"a", f.a},
            {"b", f.b},
            {"samples", f.samples},
            {"rms_residual", f.rmsResidual},
            {"noise_std", f.noiseStd},
            {"line", {line.x0, line.y0, line.x1, line.y1}},
            {"width_px", o.width},
            {"step_px", o.step},
            {"pixel_size_m", pixelM},
            {"seconds", seconds},
        };
        if (!o.csv.empty())
            j["csv"] = o.csv;
        printJson(j);
    } else {
        if (ctx.progress)
            ctx.progress->finish();
        std::cout << "FWHM   " << core::formatLength(f.fwhmM) << " ± "
                  << core::formatLength(f.fwhmStderrM, 2) << "\n"
                  << "sigma  " << core::formatLength(f.sigmaM) << " ± "
                  << core::formatLength(f.sigmaStderrM, 2) << "\n"
                  << "edge   at " << core::formatNumber(f.x0Px) << " ± "
                  << core::formatNumber(f.x0StderrPx, 2) << " px along the line, step "
                  << core::formatNumber(f.b) << " × erf, " << f.samples << " samples, rms residual "
                  << core::formatNumber(f.rmsResidual) << "\n";
        if (!o.csv.empty())
            std::cout << "wrote " << o.csv << "\n";
    }
    return kExitOk;
}

} // namespace

Command addEdgeCommand(CLI::App& root)
{
    auto o = std::make_shared<EdgeOptions>();
    CLI::App* sub = root.add_subcommand(
        "edge", "Edge-profile resolution: fit a + b·erf((x − x0)/(√2σ)) across an edge; FWHM = "
                "2√(2 ln 2)σ. x0 is measured in pixels from X0,Y0 along the line");
    sub->add_option("--in", o->in, "Image: TIFF, HDF5 (FILE.h5:/path), EDF, PNG")->required();
    addInputOptions(sub, o->input, InputOptionSet::FrameOnly);
    sub->add_option("--line", o->line,
                    "Line across the edge X0,Y0,X1,Y1 in pixels (pixel centres at whole numbers)")
        ->required();
    sub->add_option("--width", o->width, "Width across the line to average over [pixels]")
        ->capture_default_str();
    sub->add_option("--step", o->step, "Sample spacing along the line [pixels]")
        ->capture_default_str();
    sub->add_option("--pixel", o->pixel, "Pixel size: 12nm, 1um (bare number = metres)")
        ->required();
    sub->add_option("--csv", o->csv, "Write the profile (position_px, position_m, value, fit, residual)");
    addJsonFlag(sub, o->json);
    return {sub, &o->json, [o](const Context& ctx) { return runEdge(*o, ctx); }};
}

} // namespace phaselab::cli
