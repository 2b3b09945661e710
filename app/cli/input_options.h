#pragma once
// Shared input handling for every command that reads an image: `--frame N`, `--flat F`,
// `--flat-after F`, `--dark D`, `--average mean|median`, `--raw`, and loading through the core
// dispatcher (TIFF, HDF5 `FILE.h5:/path`, EDF, PNG/JPEG/BMP) with flat/dark correction.

#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <phaselab/core/flatfield.h>
#include <phaselab/core/image.h>

namespace phaselab::cli {

/// Options bound by addInputOptions().
struct InputOptions {
    int frame = 0;             ///< TIFF page / HDF5 frame / EDF block; NXtomo: projection index
    std::string flat;          ///< flat(s) before the scan (all frames averaged)
    std::string flatAfter;     ///< flats after the scan, interpolated with `flat`
    std::string dark;          ///< dark(s) (all frames averaged)
    std::string average = "mean";
    bool raw = false;          ///< frames as stored: no NXtomo correction, frame = raw index
};

/// Which options a command takes: the frame only (inputs that are not holograms, e.g. the
/// absorption and phase of `propagate`), or the frame plus flat/dark correction.
enum class InputOptionSet { FrameOnly, FrameAndFlatField };

/// Adds the options of `set` to `sub`, bound to `o`.
void addInputOptions(CLI::App* sub, InputOptions& o,
                     InputOptionSet set = InputOptionSet::FrameAndFlatField);

/// What loadInput() did, for JSON output and the output file's parameters.
struct LoadedInput {
    core::CorrectedFrame frame;
    /// Provenance: file, dataset, frame, flat/dark sources, averaging, guarded pixel counts.
    nlohmann::json provenance;
};

/// Loads `spec` (any format core::readImage() takes, including `FILE.h5:/path`) at `o.frame`,
/// flat/dark-corrected as `o` asks (automatically for NXtomo unless `o.raw`). Prints a warning
/// on stderr when pixels were guarded or clipped. Throws core::InputError naming the file and
/// the problem (missing file, bad frame, NaN/Inf pixels, …).
core::ImageF loadInput(const std::string& spec, const InputOptions& o,
                       LoadedInput* details = nullptr);

} // namespace phaselab::cli
