#include "commands.h"

#include <phaselab/core/error.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/core/units.h>

#include <iostream>
#include <memory>

namespace phaselab::cli {

namespace {

struct InfoOptions {
    std::string in;
    bool json = false;
};

int runInfo(const InfoOptions& o, const Context& ctx)
{
    const core::TiffInfo info = core::readTiffInfo(o.in);
    nlohmann::json meta = nlohmann::json::object();
    if (info.metadata.pixelSizeM > 0)
        meta["pixel_size_m"] = info.metadata.pixelSizeM;
    if (!info.metadata.software.empty())
        meta["software"] = info.metadata.software;
    if (!info.metadata.description.empty())
        meta["description"] = info.metadata.description;
    if (!info.metadata.parameters.is_null())
        meta["parameters"] = info.metadata.parameters;
    meta["compression"] = info.compression;
    meta["tiled"] = info.tiled;
    meta["bigtiff"] = info.bigTiff;

    if (ctx.json) {
        printJson({{"file", o.in},
                   {"format", "tiff"},
                   {"shape", {info.height, info.width}},
                   {"dtype", info.dtype},
                   {"pages", info.pages},
                   {"datasets", nlohmann::json::array()},
                   {"metadata", meta},
                   {"parameters", nullptr}});
        return kExitOk;
    }
    std::cout << o.in << ": TIFF" << (info.bigTiff ? " (BigTIFF)" : "") << ", " << info.width
              << " × " << info.height << " pixels, " << info.dtype << ", " << info.pages
              << (info.pages == 1 ? " page" : " pages") << ", compression " << info.compression
              << (info.tiled ? ", tiled" : "") << "\n";
    if (info.metadata.pixelSizeM > 0)
        std::cout << "pixel size: " << core::formatLength(info.metadata.pixelSizeM) << "\n";
    else
        std::cout << "pixel size: not calibrated\n";
    if (!info.metadata.software.empty())
        std::cout << "software: " << info.metadata.software << "\n";
    if (!info.metadata.parameters.is_null())
        std::cout << "parameters: " << info.metadata.parameters.dump(2) << "\n";
    return kExitOk;
}

} // namespace

Command addInfoCommand(CLI::App& root)
{
    auto o = std::make_shared<InfoOptions>();
    CLI::App* sub = root.add_subcommand(
        "info", "Show shape, type, pages and stored metadata of an image file");
    sub->add_option("--in", o->in, "Input file (TIFF)")->required();
    addJsonFlag(sub, o->json);
    return {sub, &o->json, [o](const Context& ctx) { return runInfo(*o, ctx); }};
}

void addJsonFlag(CLI::App* sub, bool& flag)
{
    sub->add_flag("--json", flag, "Print one JSON object on stdout and nothing else");
}

} // namespace phaselab::cli
