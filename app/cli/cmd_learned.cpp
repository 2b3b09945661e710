// `reconstruct --method dgn|msd --model M`: learned reconstruction of one hologram, and the model
// summary for `info`. The `reconstruct` command calls runLearnedReconstruction() for dgn and msd.
#include "commands.h"

#include <phaselab/core/error.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/core/units.h>
#include <phaselab/models/learned.h>
#include <phaselab/version.h>

#include <cmath>
#include <iostream>

namespace phaselab::cli {

namespace {

// Physics for the reconstruction: the options where given, else the model's training physics.
core::Geometry learnedGeometry(const LearnedOptions& o, const models::LearnedModel& model,
                               std::vector<std::string>& notes)
{
    core::Geometry g = model.trainingGeometry();
    const bool any = !o.energy.empty() || !o.distance.empty() || !o.pixel.empty();
    if (!o.energy.empty())
        g.energyKeV = core::parseEnergyKeV(o.energy);
    if (!o.distance.empty())
        g.distanceM = core::parseLengthM(o.distance);
    if (!o.pixel.empty())
        g.pixelSizeM = core::parseLengthM(o.pixel);
    g.validate();
    if (!any)
        notes.push_back("no physics given: using the model's training physics (" +
                        core::formatNumber(g.energyKeV) + " keV, " + core::formatLength(g.distanceM) +
                        ", " + core::formatLength(g.pixelSizeM) + ")");
    return g;
}

// ‖F(B, φ) − I‖ / ‖I‖ with the core forward operator (periodic, as the networks compute).
double relativeResidual(const core::Geometry& g, const models::Reconstruction& r,
                        const core::ImageF& hologram)
{
    core::FresnelOperator<float> op(g, hologram.width(), hologram.height());
    const core::ImageF model = op.forward(r.absorption, r.phase);
    double num = 0, den = 0;
    for (std::size_t i = 0; i < model.size(); ++i) {
        const double d = double(model[i]) - double(hologram[i]);
        num += d * d;
        den += double(hologram[i]) * double(hologram[i]);
    }
    return den > 0 ? std::sqrt(num / den) : 0.0;
}

} // namespace

int runLearnedReconstruction(const LearnedOptions& o, const Context& ctx)
{
    const auto start = std::chrono::steady_clock::now();
    const core::ProgressReporter progress = ctx.reporter();
    const models::Method method = models::parseMethod(o.method);
    if (o.model.empty())
        throw core::InputError("reconstruct --method " + o.method + " needs --model MODEL");

    progress.step(0.0, "loading model");
    models::LearnedModel model = models::LearnedModel::load(o.model, o.device);
    if (model.method() != method)
        throw core::InputError(o.model + ": is a " + models::toString(model.method()) +
                               " model, not " + o.method);
    std::vector<std::string> notes;
    const core::Geometry g = learnedGeometry(o, model, notes);
    for (const std::string& w : model.geometryWarnings(g))
        notes.push_back("warning: " + w);

    progress.step(0.1, "reading");
    LoadedInput loaded;
    const core::ImageF hologram = loadInput(o.in, o.input, &loaded);
    core::requireFinite(hologram, o.in);

    progress.step(0.2, "reconstructing");
    const models::Reconstruction r = model.reconstruct(hologram, g);
    progress.step(0.8, "writing");
    const double residual = relativeResidual(g, r, hologram);

    const nlohmann::json& meta = model.metadata();
    nlohmann::json params = {
        {"phaselab_version", PHASELAB_VERSION},
        {"command", "reconstruct"},
        {"method", o.method},
        {"model",
         {{"file", o.model},
          {"parameter_count", model.parameterCount()},
          {"architecture", meta.value("architecture", nlohmann::json::object())},
          {"training_physics", meta.value("physics", nlohmann::json::object())}}},
        {"geometry",
         {{"energy_keV", g.energyKeV},
          {"distance_m", g.distanceM},
          {"pixel_size_m", g.pixelSizeM},
          {"wavelength_m", g.wavelengthM()},
          {"fresnel_number", g.fresnelNumber()}}},
        {"iterations", model.iterations()},
        {"residual", residual},
        {"device", model.device()},
        {"input", o.in},
    };
    if (!loaded.provenance.empty())
        params["input_details"] = loaded.provenance;  // checksum, frame, flat/dark correction
    core::ImageMetadata metaOut;
    metaOut.pixelSizeM = g.pixelSizeM;
    params["quantity"] = "phase";
    metaOut.parameters = params;
    const std::string phasePath = o.out + "_phase.tif";
    const std::string absorptionPath = o.out + "_absorption.tif";
    core::writeTiff(phasePath, r.phase, metaOut);
    params["quantity"] = "absorption";
    metaOut.parameters = params;
    core::writeTiff(absorptionPath, r.absorption, metaOut);
    progress.step(1.0, "done");

    const double seconds = secondsSince(start);
    for (const std::string& n : notes)
        std::cerr << "phaselab-cli: " << n << "\n";
    if (ctx.json) {
        printJson({{"method", o.method},
                   {"seconds", seconds},
                   {"iterations", model.iterations()},
                   {"residual", residual},
                   {"device", model.device()},
                   {"warnings", notes},
                   {"phase", phasePath},
                   {"absorption", absorptionPath}});
    } else {
        if (ctx.progress)
            ctx.progress->finish();
        std::cout << "wrote " << phasePath << " and " << absorptionPath << " (" << o.method
                  << ", " << hologram.width() << " × " << hologram.height() << ", residual "
                  << core::formatNumber(residual, 3) << ") in " << core::formatNumber(seconds, 3)
                  << " s\n";
    }
    return kExitOk;
}

nlohmann::json learnedModelInfo(const std::string& path)
{
    return models::modelInfo(path);
}

bool isLearnedModelFile(const std::string& path)
{
    return models::looksLikeModelFile(path);
}

} // namespace phaselab::cli
