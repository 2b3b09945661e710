#include "commands.h"

#include <phaselab/core/error.h>
#include <phaselab/core/simulate.h>
#include <phaselab/core/units.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iostream>
#include <memory>

namespace phaselab::cli {

namespace {

struct SimulateOptions {
    std::string protocol;
    std::size_t count = 0;
    int size = 128;
    std::uint64_t seed = 0;
    std::string out;
    std::string energy, distance, pixel;
    std::string ppsnr;
    std::string materials;
    std::string thickness;
    std::string shapes;
    std::string noise;
    double photons = 0;
    double delta = -1, beta = -1;
    double flatField = -1;
    int oversample = 0;
    std::string padding;
    bool unpaired = false;
    bool paired = false;
    bool totalAttenuation = false;
    double valFraction = 0.1;
    double testFraction = 0.1;
    int deflate = 4;
    bool json = false;
};

// "LO:HI" → two strings; throws InputError naming the option.
std::pair<std::string, std::string> splitRange(const std::string& text, const std::string& option)
{
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
        throw core::InputError(option + " '" + text + "': expected LO:HI");
    return {text.substr(0, colon), text.substr(colon + 1)};
}

// A thickness bound: a length with unit, or zero (which parseLengthM, for positive lengths,
// refuses) with or without one.
double parseThicknessM(const std::string& text)
{
    try {
        std::size_t used = 0;
        if (std::stod(text, &used) == 0.0 && used > 0)
            return 0.0;
    } catch (const std::exception&) {
    }
    return core::parseLengthM(text);
}

core::SimulationParams buildParams(const SimulateOptions& o)
{
    core::SimulationParams p = core::parseProtocol(o.protocol) == core::SimulationProtocol::Dgn
                                   ? core::SimulationParams::dgn()
                                   : core::SimulationParams::phaseGan();
    if (!o.energy.empty())
        p.geometry.energyKeV = core::parseEnergyKeV(o.energy);
    if (!o.distance.empty())
        p.geometry.distanceM = core::parseLengthM(o.distance);
    if (!o.pixel.empty())
        p.geometry.pixelSizeM = core::parseLengthM(o.pixel);
    if (!o.materials.empty()) {
        if (p.protocol != core::SimulationProtocol::Dgn)
            throw core::InputError("--materials applies to the dgn protocol; use --delta and "
                                   "--beta for phasegan");
        p.materials = core::parseMaterialList(o.materials);
    }
    if (o.totalAttenuation)
        p.absorptionModel = core::AbsorptionModel::Total;
    if (o.delta >= 0)
        p.delta = o.delta;
    if (o.beta >= 0)
        p.beta = o.beta;
    if (!o.thickness.empty()) {
        const auto [lo, hi] = splitRange(o.thickness, "--thickness");
        p.minThicknessM = parseThicknessM(lo);
        p.maxThicknessM = core::parseLengthM(hi);
    }
    if (!o.shapes.empty()) {
        const auto [lo, hi] = splitRange(o.shapes, "--shapes");
        const double a = core::parseNumber(lo, "--shapes"), b = core::parseNumber(hi, "--shapes");
        if (a != std::floor(a) || b != std::floor(b))
            throw core::InputError("--shapes '" + o.shapes + "': expected whole numbers");
        p.minShapes = int(a);
        p.maxShapes = int(b);
    }
    if (!o.noise.empty())
        p.noise = o.noise == "none"       ? core::NoiseModel::None
                  : o.noise == "gaussian" ? core::NoiseModel::GaussianPpsnr
                                          : core::NoiseModel::Poisson;
    if (!o.ppsnr.empty()) {
        const auto [lo, hi] = splitRange(o.ppsnr, "--ppsnr");
        p.ppsnrMinDb = core::parseNumber(lo, "--ppsnr");
        p.ppsnrMaxDb = core::parseNumber(hi, "--ppsnr");
        if (p.ppsnrMaxDb < p.ppsnrMinDb)
            throw core::InputError("--ppsnr '" + o.ppsnr + "': LO must not exceed HI");
        if (o.noise.empty())
            p.noise = core::NoiseModel::GaussianPpsnr;
    }
    if (o.photons > 0) {
        p.photonsPerFrame = o.photons;
        if (o.noise.empty())
            p.noise = core::NoiseModel::Poisson;
    }
    if (o.flatField >= 0)
        p.flatFieldRms = o.flatField;
    if (o.oversample > 0)
        p.oversample = o.oversample;
    if (!o.padding.empty())
        p.padding = core::parsePadding(o.padding);
    p.validate();
    return p;
}

int runSimulate(const SimulateOptions& o, const Context& ctx)
{
    core::DatasetRequest req;
    req.params = buildParams(o);
    req.size = o.size;
    req.count = o.count;
    req.seed = o.seed;
    req.valFraction = o.valFraction;
    req.testFraction = o.testFraction;
    // PhaseGAN trains on unpaired sets: its train split is unpaired unless --paired is given.
    req.unpairedTrain = o.unpaired || (req.params.protocol == core::SimulationProtocol::PhaseGan &&
                                       !o.paired);
    req.deflateLevel = o.deflate;

    const core::DatasetReport rep = core::generateDataset(req, o.out, ctx.progress, ctx.cancel);
    const std::size_t count = rep.splits.total();
    if (ctx.json) {
        printJson({{"count", count},
                   {"seconds", rep.seconds},
                   {"out", o.out},
                   {"protocol", core::toString(req.params.protocol)},
                   {"size", o.size},
                   {"seed", o.seed},
                   {"splits",
                    {{"train", rep.splits.train},
                     {"val", rep.splits.val},
                     {"test", rep.splits.test}}},
                   {"paired_train", !req.unpairedTrain},
                   {"samples_per_second", rep.seconds > 0 ? double(count) / rep.seconds : 0.0},
                   {"file_bytes", rep.fileBytes},
                   {"threads", rep.threads}});
    } else {
        if (ctx.progress)
            ctx.progress->finish();
        std::cout << "wrote " << o.out << ": " << count << " samples of " << o.size << " × "
                  << o.size << " (" << core::toString(req.params.protocol) << "; train "
                  << rep.splits.train << (req.unpairedTrain ? " unpaired" : "") << ", val "
                  << rep.splits.val << ", test " << rep.splits.test << ") in "
                  << core::formatNumber(rep.seconds, 3) << " s, "
                  << core::formatNumber(double(count) / std::max(rep.seconds, 1e-9), 3)
                  << " samples/s on " << rep.threads << " threads, "
                  << core::formatNumber(double(rep.fileBytes) / 1048576.0, 3) << " MiB\n";
        std::cout.flush();
        // The propagation runs on the fine grid: K·N samples of Δx/K (physics.md §1).
        core::Geometry fine = req.params.geometry;
        fine.pixelSizeM /= req.params.oversample;
        const int grid = o.size * req.params.oversample;
        if (req.params.padding == core::Padding::Periodic && !fine.wellSampled(grid))
            std::cerr << "warning: propagation grid of " << grid << " samples is below 1/F = "
                      << core::formatNumber(fine.minimumGridSize())
                      << " of its pixels (kernel undersampled, as in the DGN paper)\n";
    }
    return kExitOk;
}

} // namespace

Command addSimulateCommand(CLI::App& root)
{
    auto o = std::make_shared<SimulateOptions>();
    CLI::App* sub = root.add_subcommand(
        "simulate",
        "Simulated training/test data (HDF5): the DGN or PhaseGAN protocol (physics.md §7)");
    sub->add_option("--protocol", o->protocol,
                    "dgn: ellipsoids/paraboloids of Au, Pd, Zn, 13 keV, 20 mm, 12 nm, 4x "
                    "oversampling, Gaussian noise at PPSNR 10-100 dB; phasegan: rectangles/"
                    "circles, delta 1e-3, beta 1e-6, 1 A, 10 cm, 1 um, flat field, Poisson noise")
        ->required()
        ->check(CLI::IsMember({"dgn", "phasegan"}, CLI::ignore_case));
    sub->add_option("--count", o->count, "Samples over all splits")
        ->required()
        ->check(CLI::PositiveNumber);
    sub->add_option("--size", o->size, "Image side N (N x N samples)")
        ->check(CLI::Range(8, 16384))
        ->capture_default_str();
    sub->add_option("--seed", o->seed, "Random seed (per-sample streams derive from it)")
        ->capture_default_str();
    sub->add_option("--out", o->out, "Output data set (HDF5)")->required();
    sub->add_option("--energy", o->energy, "Photon energy (default: the protocol's): 13keV");
    sub->add_option("--distance", o->distance, "Propagation distance: 20mm, 0.1m");
    sub->add_option("--pixel", o->pixel, "Pixel size: 12nm, 1um");
    sub->add_option("--ppsnr", o->ppsnr,
                    "Gaussian noise, PPSNR drawn uniformly in LO:HI dB (dgn default 10:100)");
    sub->add_option("--photons", o->photons,
                    "Poisson noise with this many photons per flat frame (phasegan default 6.6e7)")
        ->check(CLI::PositiveNumber);
    sub->add_option("--noise", o->noise, "Noise model (default: the protocol's)")
        ->check(CLI::IsMember({"none", "gaussian", "poisson"}));
    sub->add_option("--materials", o->materials,
                    "dgn materials: Au,Pd,Zn (presets), formula:density in g/cm3 (SiO2:2.2), "
                    "or element symbols");
    sub->add_flag("--total-attenuation", o->totalAttenuation,
                  "beta from the total cross-section (photo + Rayleigh + Compton) instead of "
                  "photoabsorption");
    sub->add_option("--delta", o->delta, "phasegan: refractive index decrement")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--beta", o->beta, "phasegan: absorption index")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--thickness", o->thickness,
                    "Shape thickness range LO:HI (dgn 10nm:500nm, phasegan 0:10nm)");
    sub->add_option("--shapes", o->shapes, "Shapes per object MIN:MAX (default 1:10)");
    sub->add_option("--flat-field", o->flatField,
                    "rms of the random flat field (phasegan default 0.05, dgn 0)")
        ->check(CLI::Range(0.0, 0.99));
    sub->add_option("--oversample", o->oversample,
                    "Propagate at K*N and bin back (dgn default 4, phasegan 1)")
        ->check(CLI::Range(1, 16));
    sub->add_option("--padding", o->padding, "Boundary handling (default periodic)")
        ->check(CLI::IsMember({"periodic", "replicate", "unit"}));
    auto* unpaired = sub->add_flag("--unpaired", o->unpaired,
                                   "Train split from disjoint hologram and object samples "
                                   "(default for phasegan)");
    sub->add_flag("--paired", o->paired, "Paired train split also for phasegan")
        ->excludes(unpaired);
    sub->add_option("--val-fraction", o->valFraction, "Fraction of samples in val")
        ->check(CLI::Range(0.0, 0.99))
        ->capture_default_str();
    sub->add_option("--test-fraction", o->testFraction, "Fraction of samples in test")
        ->check(CLI::Range(0.0, 0.99))
        ->capture_default_str();
    sub->add_option("--deflate", o->deflate, "Compression level 1-9")
        ->check(CLI::Range(1, 9))
        ->capture_default_str();
    sub->footer("Splits: val = round(count x val-fraction), test likewise, train the rest. "
                "The same seed, options and thread-independent FFT plans give the same file: "
                "plans are kept as FFTW wisdom in $PHASELAB_FFTW_WISDOM or "
                "~/.cache/phaselab/fftw-wisdom (PHASELAB_FFTW_WISDOM=none: slower Estimate "
                "plans, no file).");
    addJsonFlag(sub, o->json);
    return {sub, &o->json, [o](const Context& ctx) {
                SimulateOptions opts = *o;
                std::transform(opts.protocol.begin(), opts.protocol.end(), opts.protocol.begin(),
                               [](unsigned char c) { return char(std::tolower(c)); });
                return runSimulate(opts, ctx);
            }};
}

} // namespace phaselab::cli
