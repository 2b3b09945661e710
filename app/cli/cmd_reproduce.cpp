// `reproduce`: a published comparison (the DGN paper's Table 2) from simulation to table, in
// resumable stages (models/reproduce.h).
#include "commands.h"

#include <phaselab/core/error.h>
#include <phaselab/core/units.h>
#include <phaselab/models/reproduce.h>

#include <iostream>
#include <memory>

namespace phaselab::cli {

namespace {

struct ReproduceCliOptions {
    models::ReproduceOptions run;
    std::string dgnLoss = "balanced";
    std::string dgnPrecision = "auto";
    std::string commandLine;
    bool json = false;
};

nlohmann::json rowJson(const models::MethodScores& s)
{
    return s.toJson();
}

int runReproduce(const ReproduceCliOptions& cli, const Context& ctx)
{
    models::ReproduceOptions o = cli.run;
    o.dgnBalancedLoss = cli.dgnLoss == "balanced";
    o.dgnPrecision = models::parsePrecision(cli.dgnPrecision);
    o.commandLine = cli.commandLine;
    const models::ReproduceResult r =
        models::reproduce(o, ctx.progress, ctx.cancel, [&](const std::string& stage) {
            if (!ctx.json) {
                if (ctx.progress)
                    ctx.progress->finish();
                std::cerr << "phaselab-cli: " << stage << "\n";
            }
        });
    if (ctx.progress)
        ctx.progress->finish();
    if (ctx.json) {
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& s : r.rows)
            rows.push_back(rowJson(s));
        printJson({{"table", o.table},
                   {"markdown", r.markdownPath},
                   {"csv", r.csvPath},
                   {"stages_run", r.stagesRun},
                   {"stages_skipped", r.stagesSkipped},
                   {"seconds", r.seconds},
                   {"rows", rows}});
        return kExitOk;
    }
    if (!r.stagesSkipped.empty())
        std::cout << "continued: " << r.stagesSkipped.size() << " stages were done already\n";
    for (const auto& s : r.rows)
        std::cout << s.label << ": phase NMSE " << core::formatNumber(s.phase.nmsePercent.mean, 4)
                  << " %, absorption NMSE " << core::formatNumber(s.absorption.nmsePercent.mean, 4)
                  << " %, " << core::formatNumber(s.secondsPerImage, 3) << " s per image\n";
    std::cout << "wrote " << r.markdownPath << " and " << r.csvPath << " in "
              << core::formatNumber(r.seconds, 3) << " s\n";
    return kExitOk;
}

} // namespace

Command addReproduceCommand(CLI::App& root, const std::string& commandLine)
{
    auto o = std::make_shared<ReproduceCliOptions>();
    o->commandLine = commandLine;
    models::ReproduceOptions& r = o->run;
    CLI::App* sub = root.add_subcommand(
        "reproduce",
        "Reproduce a published table: simulate the data, train MS-D Net and DGN, run IRGN with "
        "the paper's settings and with a tuned alpha, score all on the test images, and write "
        "OUT/table.md and OUT/table.csv beside the paper's numbers. Running the same command "
        "again continues a stopped run. The paper's scale: --size 512 --train 10000 --val 1000 "
        "--test 1000 --epochs 100");
    sub->add_option("--table", r.table, "Which table: dgn2023 (Mom et al., Opt. Lett. 2023, Table 2)")
        ->check(CLI::IsMember(models::reproducibleTables()))
        ->capture_default_str();
    sub->add_option("--out", r.outDir, "Folder of the run (data, models, scores, tables)")
        ->required();
    sub->add_option("--size", r.size, "Image side N [pixels]")
        ->check(CLI::Range(16, 4096))
        ->capture_default_str();
    sub->add_option("--train", r.train, "Training pairs")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    sub->add_option("--val", r.val, "Validation pairs (0: as many as --test)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    sub->add_option("--test", r.test, "Test images the table is computed on")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    sub->add_option("--epochs", r.epochs, "Epochs of MS-D Net and DGN")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    sub->add_option("--batch", r.batch, "Batch size of both networks")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    sub->add_option("--device", r.device, "Training and inference device")
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
        ->capture_default_str();
    sub->add_option("--seed", r.seed, "Seed of the simulation, weights and shuffling")
        ->capture_default_str();
    sub->add_option("--dgn-loss", o->dgnLoss,
                    "DGN training loss: balanced per channel, or mse (the paper's)")
        ->check(CLI::IsMember({"balanced", "mse"}))
        ->capture_default_str();
    sub->add_option("--dgn-precision", o->dgnPrecision,
                    "DGN's training convolutions: auto (bf16 where the CPU has AVX512_BF16), "
                    "float32 or bf16 (train --precision)")
        ->check(CLI::IsMember({"auto", "float32", "bf16", "bfloat16"}))
        ->capture_default_str();
    sub->add_option("--tune-images", r.tuneImages,
                    "Validation images on which IRGN's alpha0 and q are tuned")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    addJsonFlag(sub, o->json);
    return {sub, &o->json, [o](const Context& ctx) { return runReproduce(*o, ctx); }};
}

} // namespace phaselab::cli
