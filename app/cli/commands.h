#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "cli_common.h"
#include "input_options.h"

namespace phaselab::cli {

/// A subcommand: CLI11 fills its options while parsing; run() does the work and returns an exit
/// code, throwing core::InputError / core::Cancelled for main() to map.
struct Command {
    CLI::App* app = nullptr;
    bool* json = nullptr;
    std::function<int(const Context&)> run;
};

Command addInfoCommand(CLI::App& root);
Command addPropagateCommand(CLI::App& root);
Command addEvaluateCommand(CLI::App& root);
Command addEdgeCommand(CLI::App& root);
Command addSimulateCommand(CLI::App& root);
Command addConvertCommand(CLI::App& root);
Command addReconstructCommand(CLI::App& root);
Command addTrainCommand(CLI::App& root);

/// `reconstruct --method dgn|msd --model M`: the reconstruct command's options (a subclass of
/// these) go to runLearnedReconstruction(). Physics strings take unit suffixes; empty ones default to the
/// model's training physics. Writes OUT_phase.tif and OUT_absorption.tif; JSON keys method,
/// seconds, iterations, residual, device, warnings, phase, absorption.
struct LearnedOptions {
    std::string method;                   ///< "dgn" | "msd" (must match the model)
    std::string model, in, out;           ///< model file, hologram TIFF, output prefix
    std::string energy, distance, pixel;  ///< optional physics
    std::string device = "auto";          ///< "auto" | "cpu" | "cuda"
    InputOptions input;                   ///< frame, flat/dark correction of `in`
};
int runLearnedReconstruction(const LearnedOptions& o, const Context& ctx);
/// The metadata JSON of a model file (method, parameter count, physics, training history), for
/// `info`; throws core::InputError for other files. isLearnedModelFile() is a cheap 4-byte check.
nlohmann::json learnedModelInfo(const std::string& path);
bool isLearnedModelFile(const std::string& path);

/// Adds --json to a subcommand, bound to `flag`.
void addJsonFlag(CLI::App* sub, bool& flag);

} // namespace phaselab::cli
