// phaselab-cli: the headless twin of the PhaseLab application (architecture.md, "The
// command-line contract"). Links core + models only.
#include "commands.h"

#include <phaselab/core/error.h>
#include <phaselab/core/parallel.h>
#include <phaselab/core/rank_group.h>
#include <phaselab/models/learned_method.h>
#include <phaselab/models/runtime.h>
#include <phaselab/version.h>

#include <iostream>
#include <vector>

namespace {

using namespace phaselab;

void printVersion()
{
    const models::RuntimeInfo rt = models::initialiseRuntime();
    std::cout << "PhaseLab " << PHASELAB_VERSION << "\n"
              << "threads: " << core::threadCount() << "\n"
              << "LibTorch: " << rt.torchVersion << " (" << rt.intraOpThreads
              << " intra-op threads, CUDA " << (rt.cudaAvailable ? "available" : "not available")
              << ")\n"
              << "BLAS: " << (rt.blasLibrary.empty() ? "unknown" : rt.blasLibrary)
              << (rt.blasOptimised ? "" : "  (reference BLAS: training will be slow; install "
                                          "libopenblas0-pthread)")
              << "\n";
}

int reportError(const std::string& message, int code, bool json)
{
    std::cerr << "phaselab-cli: " << message << std::endl;
    if (json)
        cli::printJson({{"error", message}, {"exit_code", code}});
    return code;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"PhaseLab command line: X-ray near-field phase retrieval.\n"
                 "Physical values take unit suffixes: energy 13keV or 13000eV (bare = keV); "
                 "lengths 20mm, 0.02m, 12nm, 1um (bare = metres).\n"
                 "Exit codes: 0 success, 2 usage error, 3 invalid input, 4 cancelled (Ctrl-C).",
                 "phaselab-cli"};
    app.require_subcommand(0, 1);
    bool version = false;
    int threads = 0;
    app.add_flag("--version", version, "Print versions, threads and the BLAS in use");
    app.add_option("--threads", threads, "Threads for FFTs and LibTorch (default: all cores)")
        ->check(CLI::NonNegativeNumber);

    // The learned methods join the registry before `reconstruct` lists the methods and flags.
    models::registerLearnedMethods();
    std::vector<cli::Command> commands;
    commands.push_back(cli::addInfoCommand(app));
    commands.push_back(cli::addPropagateCommand(app));
    commands.push_back(cli::addEvaluateCommand(app));
    commands.push_back(cli::addEdgeCommand(app));
    commands.push_back(cli::addSimulateCommand(app));
    commands.push_back(cli::addConvertCommand(app));
    commands.push_back(cli::addReconstructCommand(app));
    std::string commandLine = "phaselab-cli";
    for (int i = 1; i < argc; ++i)
        commandLine += std::string(" ") + argv[i];
    commands.push_back(cli::addTrainCommand(app, commandLine));
    commands.push_back(cli::addAutofocusCommand(app));
    commands.push_back(cli::addMultiDistanceCommand(app));
    commands.push_back(cli::addReproduceCommand(app, commandLine));

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return cli::kExitUsage;
    }

    core::setThreadCount(threads);
    core::retainLargeAllocations();
    if (version) {
        printVersion();
        return cli::kExitOk;
    }

    for (const cli::Command& cmd : commands) {
        if (!cmd.app->parsed())
            continue;
        cli::Context ctx;
        ctx.json = *cmd.json;
        cli::TerminalProgress progress(!ctx.json);
        ctx.progress = &progress;
        ctx.cancel = &cli::installInterruptHandler();
        try {
            models::initialiseRuntime();
            return cmd.run(ctx);
        } catch (const core::InputError& e) {
            progress.finish();
            return reportError(e.what(), cli::kExitInput, ctx.json);
        } catch (const core::Cancelled&) {
            progress.finish();
            return reportError("cancelled; no output written", cli::kExitCancelled, ctx.json);
        } catch (const core::RankGroupError& e) {
            // A job of several ranks lost a peer or timed out: the message names rank and cause.
            progress.finish();
            return reportError(e.what(), cli::kExitInternal, ctx.json);
        } catch (const std::bad_alloc&) {
            progress.finish();
            return reportError("out of memory", cli::kExitInput, ctx.json);
        } catch (const std::exception& e) {
            progress.finish();
            return reportError(std::string("internal error: ") + e.what(), cli::kExitInternal,
                               ctx.json);
        }
    }
    std::cout << app.help();
    return cli::kExitUsage;
}
