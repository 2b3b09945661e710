// `convert`: one frame of any input, flat/dark-corrected, written as float32 TIFF (with ImageJ
// calibration and provenance), HDF5, or an 8/16-bit PNG with a display range (for slides).
#include "commands.h"
#include "input_options.h"

#include <phaselab/core/error.h>
#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/core/units.h>
#include <phaselab/version.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

namespace phaselab::cli {

namespace {

struct ConvertOptions {
    std::string in, out, range, pixel;
    int bits = 8;
    InputOptions input;
    bool json = false;
};

std::string lowerExtension(const std::string& path)
{
    std::string e = std::filesystem::path(path).extension().string();
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return e;
}

// "LO:HI" → pair; empty → the image's finite min and max.
std::pair<double, double> displayRange(const std::string& text, const core::ImageF& img)
{
    if (text.empty()) {
        const core::ImageStats st = core::imageStats(img);
        return {st.min, st.max > st.min ? st.max : st.min + 1};
    }
    const auto colon = text.find(':');
    try {
        if (colon == std::string::npos)
            throw std::invalid_argument("no colon");
        std::size_t a = 0, b = 0;
        const double lo = std::stod(text.substr(0, colon), &a);
        const double hi = std::stod(text.substr(colon + 1), &b);
        if (a != colon || b != text.size() - colon - 1 || !(hi > lo))
            throw std::invalid_argument("bad range");
        return {lo, hi};
    } catch (const std::exception&) {
        throw core::InputError("--range: \"" + text + "\" is not LO:HI with LO < HI");
    }
}

int runConvert(const ConvertOptions& o, const Context& ctx)
{
    const auto start = std::chrono::steady_clock::now();
    const core::ProgressReporter progress = ctx.reporter();
    progress.step(0.0, "reading");
    LoadedInput loaded;
    const core::ImageF img = loadInput(o.in, o.input, &loaded);
    progress.step(0.6, "writing");

    core::ImageMetadata meta;
    meta.pixelSizeM = o.pixel.empty() ? loaded.frame.info.metadata.pixelSizeM : core::parseLengthM(o.pixel);
    meta.parameters = {{"phaselab_version", PHASELAB_VERSION},
                       {"command", "convert"},
                       {"input", loaded.provenance}};
    const std::string ext = lowerExtension(o.out);
    nlohmann::json result = {{"out", o.out}, {"shape", {img.height(), img.width()}}};
    if (ext == ".png") {
        const auto [lo, hi] = displayRange(o.range, img);
        core::writePng(o.out, img, lo, hi, o.bits);
        result["range"] = {lo, hi};
    } else if (ext == ".h5" || ext == ".hdf5") {
        core::writeHdf5Images(o.out, {{"image", &img, loaded.frame.corrected ? "1" : ""}}, meta);
    } else if (ext == ".tif" || ext == ".tiff") {
        core::writeTiff(o.out, img, meta);
    } else {
        throw core::InputError(o.out + ": unknown output type (use .tif, .h5 or .png)");
    }
    progress.step(1.0, "done");
    result["seconds"] = secondsSince(start);
    result["flat_corrected"] = loaded.frame.corrected;
    if (loaded.frame.corrected) {
        result["guarded_pixels"] = loaded.frame.report.guardedPixels;
        result["negative_pixels"] = loaded.frame.report.negativePixels;
    }
    if (ctx.json) {
        printJson(result);
    } else {
        if (ctx.progress)
            ctx.progress->finish();
        std::cout << "wrote " << o.out << " (" << img.width() << " × " << img.height()
                  << (loaded.frame.corrected ? ", flat/dark corrected" : "") << ")\n";
    }
    return kExitOk;
}

} // namespace

Command addConvertCommand(CLI::App& root)
{
    auto o = std::make_shared<ConvertOptions>();
    CLI::App* sub = root.add_subcommand(
        "convert", "One frame of any image file, flat/dark-corrected, to TIFF, HDF5 or PNG");
    sub->add_option("--in", o->in, "Input: TIFF, HDF5 (FILE.h5:/path), EDF, PNG, JPEG, BMP")
        ->required();
    sub->add_option("--out", o->out,
                    "Output: .tif (float32, ImageJ calibration), .h5 (dataset /image) or .png")
        ->required();
    sub->add_option("--range", o->range,
                    "PNG display range LO:HI mapped to black:white (default: image min:max)");
    sub->add_option("--bits", o->bits, "PNG depth")->check(CLI::IsMember({8, 16}))->capture_default_str();
    sub->add_option("--pixel", o->pixel, "Pixel size to record (default: the input's calibration)");
    addInputOptions(sub, o->input);
    addJsonFlag(sub, o->json);
    return {sub, &o->json, [o](const Context& ctx) { return runConvert(*o, ctx); }};
}

} // namespace phaselab::cli
