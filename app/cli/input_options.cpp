#include "input_options.h"

#include <phaselab/core/error.h>

#include <iostream>

namespace phaselab::cli {

void addInputOptions(CLI::App* sub, InputOptions& o, InputOptionSet set)
{
    sub->add_option("--frame", o.frame,
                    "Frame of a multi-frame input (TIFF page, HDF5 3D index, EDF block), from 0; "
                    "for an NXtomo scan the projection index")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    if (set == InputOptionSet::FrameOnly) {
        o.raw = true;  // not holograms: never flat-field them
        return;
    }
    sub->add_option("--flat", o.flat,
                    "Flat field(s): image or stack (FILE or FILE.h5:/path), frames averaged; "
                    "I = (raw - dark)/(flat - dark)");
    sub->add_option("--flat-after", o.flatAfter,
                    "Flats taken after the scan, interpolated with --flat by frame position");
    sub->add_option("--dark", o.dark, "Dark field(s): image or stack, frames averaged");
    sub->add_option("--average", o.average, "How several flat/dark frames are combined")
        ->check(CLI::IsMember({"mean", "median"}))
        ->capture_default_str();
    sub->add_flag("--raw", o.raw,
                  "Read frames as stored: no automatic NXtomo flat/dark correction, and --frame "
                  "indexes every frame of the data instead of the projections");
}

core::ImageF loadInput(const std::string& spec, const InputOptions& o, LoadedInput* details)
{
    core::FlatFieldSources src;
    src.flat = o.flat;
    src.flatAfter = o.flatAfter;
    src.dark = o.dark;
    src.averaging = core::parseFrameAveraging(o.average);
    src.automatic = !o.raw;
    core::CorrectedFrame f = core::loadCorrectedFrame(spec, o.frame, src);
    if (f.corrected && f.report.clippedPixels() > 0)
        std::cerr << "warning: " << spec << ": flat/dark correction guarded "
                  << f.report.guardedPixels << " pixel(s) where flat - dark <= "
                  << f.report.threshold << " (set to 1) and clipped " << f.report.negativePixels
                  << " pixel(s) below the dark to 0\n";
    core::ImageF img = std::move(f.image);
    if (details) {
        details->provenance = f.provenance;
        details->frame = std::move(f);
    }
    return img;
}

} // namespace phaselab::cli
