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
/// `commandLine`: the invocation, recorded in the model file (training.command).
Command addTrainCommand(CLI::App& root, const std::string& commandLine);
Command addAutofocusCommand(CLI::App& root);
Command addMultiDistanceCommand(CLI::App& root);
/// `commandLine`: the invocation, recorded in the table it writes.
Command addReproduceCommand(CLI::App& root, const std::string& commandLine);


/// Adds --json to a subcommand, bound to `flag`.
void addJsonFlag(CLI::App* sub, bool& flag);

} // namespace phaselab::cli
