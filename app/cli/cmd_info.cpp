#include "commands.h"

#include <phaselab/models/learned.h>

#include <phaselab/core/error.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/units.h>

#include <iostream>
#include <memory>

namespace phaselab::cli {

namespace {

struct InfoOptions {
    std::string in;
    bool json = false;
};

std::string shapeText(const nlohmann::json& shape)
{
    std::string s;
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? " × " : "") + std::to_string(shape[i].get<std::uint64_t>());
    return s;
}

void printAttributes(const char* title, const nlohmann::json& attrs)
{
    if (!attrs.is_object() || attrs.empty())
        return;
    std::cout << title << ":\n";
    for (auto it = attrs.begin(); it != attrs.end(); ++it) {
        std::string v = it->is_string() ? it->get<std::string>() : it->dump();
        if (v.size() > 120)
            v = v.substr(0, 117) + "...";
        std::cout << "  " << it.key() << " = " << v << "\n";
    }
}

// A model file written by `train`: its method, size, training physics and history.
int runModelInfo(const InfoOptions& o, const Context& ctx)
{
    const nlohmann::json meta = models::modelInfo(o.in);
    if (ctx.json) {
        printJson({{"file", o.in}, {"format", "model"}, {"model", meta}});
        return kExitOk;
    }
    const nlohmann::json physics = meta.value("physics", nlohmann::json::object());
    const nlohmann::json training = meta.value("training", nlohmann::json::object());
    std::cout << o.in << ": PhaseLab model, " << meta.value("method", std::string("?")) << ", "
              << meta.value("parameter_count", std::int64_t(0)) << " parameters\n";
    std::cout << "architecture: " << meta.value("architecture", nlohmann::json::object()).dump()
              << "\n";
    if (!physics.empty())
        std::cout << "training physics: " << core::formatNumber(physics.value("energy_keV", 0.0))
                  << " keV, " << core::formatLength(physics.value("distance_m", 0.0)) << ", pixel "
                  << core::formatLength(physics.value("pixel_size_m", 0.0)) << "\n";
    const nlohmann::json history = training.value("history", nlohmann::json::array());
    if (!history.empty())
        std::cout << "training: " << history.size() << " epochs, best epoch "
                  << training.value("best_epoch", 0) << " (validation loss "
                  << core::formatNumber(training.value("best_val_loss", 0.0), 4) << ")\n";
    std::cout << "LibTorch " << meta.value("torch_version", std::string("?")) << ", PhaseLab "
              << meta.value("phaselab_version", std::string("?")) << "\n";
    return kExitOk;
}

int runInfo(const InfoOptions& o, const Context& ctx)
{
    if (models::looksLikeModelFile(o.in))
        return runModelInfo(o, ctx);
    const core::ImageFileInfo info = core::imageInfo(o.in);
    const std::string format = core::formatName(info.format);
    nlohmann::json meta = nlohmann::json::object();
    if (info.metadata.pixelSizeM > 0)
        meta["pixel_size_m"] = info.metadata.pixelSizeM;
    if (!info.metadata.software.empty())
        meta["software"] = info.metadata.software;
    if (!info.metadata.description.empty())
        meta["description"] = info.metadata.description;
    if (!info.metadata.parameters.is_null())
        meta["parameters"] = info.metadata.parameters;
    for (auto it = info.details.begin(); it != info.details.end(); ++it)
        if (it.key() != "datasets")
            meta[it.key()] = *it;
    const bool hasImage = info.width > 0;

    if (ctx.json) {
        nlohmann::json shape = nullptr;
        if (hasImage)
            shape = info.frames > 1 ? nlohmann::json{info.frames, info.height, info.width}
                                    : nlohmann::json{info.height, info.width};
        printJson({{"file", info.path},
                   {"format", format},
                   {"dataset", info.dataset.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.dataset)},
                   {"shape", shape},
                   {"dtype", hasImage ? nlohmann::json(info.dtype) : nlohmann::json(nullptr)},
                   {"pages", info.frames},
                   {"frames", info.frames},
                   {"datasets", info.details.value("datasets", nlohmann::json::array())},
                   {"metadata", meta},
                   {"parameters", info.metadata.parameters}});
        return kExitOk;
    }

    std::cout << info.path << ": " << format;
    if (info.format == core::ImageFormat::Tiff && info.details.value("bigtiff", false))
        std::cout << " (BigTIFF)";
    if (!info.dataset.empty())
        std::cout << ", dataset " << info.dataset;
    if (hasImage) {
        std::cout << ", " << info.width << " × " << info.height << " pixels, " << info.dtype << ", "
                  << info.frames << (info.format == core::ImageFormat::Tiff
                                         ? (info.frames == 1 ? " page" : " pages")
                                         : (info.frames == 1 ? " frame" : " frames"));
    }
    if (info.details.contains("compression"))
        std::cout << ", compression " << info.details["compression"].get<std::string>()
                  << (info.details.value("tiled", false) ? ", tiled" : "");
    std::cout << "\n";
    if (hasImage) {
        if (info.metadata.pixelSizeM > 0)
            std::cout << "pixel size: " << core::formatLength(info.metadata.pixelSizeM) << "\n";
        else
            std::cout << "pixel size: not calibrated\n";
    }
    if (!info.metadata.software.empty())
        std::cout << "software: " << info.metadata.software << "\n";
    if (info.details.contains("datasets")) {
        std::cout << "datasets:\n";
        for (const auto& d : info.details["datasets"])
            std::cout << "  " << d["path"].get<std::string>() << "  [" << shapeText(d["shape"])
                      << "]  " << d["dtype"].get<std::string>() << "\n";
    }
    if (info.details.contains("nxtomo")) {
        const auto& nx = info.details["nxtomo"];
        std::cout << "NXtomo: " << nx["data"].get<std::string>() << ", " << nx["projections"]
                  << " projections, " << nx["flats"] << " flats, " << nx["darks"]
                  << " darks (image_key " << nx["image_key"].get<std::string>() << ")\n";
    }
    if (info.details.contains("channels"))
        std::cout << "channels: " << info.details["channels"] << ", bit depth "
                  << info.details["bit_depth"] << "; grey conversion: "
                  << info.details["greyscale"].get<std::string>() << "\n";
    if (info.details.contains("header"))
        printAttributes("EDF header", info.details["header"]);
    if (info.details.contains("file_attributes"))
        printAttributes("file attributes", info.details["file_attributes"]);
    if (info.details.contains("attributes"))
        printAttributes("dataset attributes", info.details["attributes"]);
    if (!info.metadata.parameters.is_null())
        std::cout << "parameters: " << info.metadata.parameters.dump(2) << "\n";
    return kExitOk;
}

} // namespace

Command addInfoCommand(CLI::App& root)
{
    auto o = std::make_shared<InfoOptions>();
    CLI::App* sub = root.add_subcommand(
        "info", "Show shape, type, pages/frames, datasets and stored metadata of an image file");
    sub->add_option("--in", o->in,
                    "Input file: TIFF, HDF5 (FILE.h5 or FILE.h5:/path/to/dataset), EDF, PNG, "
                    "JPEG, BMP, or a model file written by train")
        ->required();
    addJsonFlag(sub, o->json);
    return {sub, &o->json, [o](const Context& ctx) { return runInfo(*o, ctx); }};
}

void addJsonFlag(CLI::App* sub, bool& flag)
{
    sub->add_flag("--json", flag, "Print one JSON object on stdout and nothing else");
}

} // namespace phaselab::cli
