// PhaseGAN's quality check (issue 12), not a test: phase NMSE and FRCM on a paired split of a
// data set for a trained PhaseGAN model, the untrained network of the same architecture (seed 1),
// and CTF at the data's physics (β/δ given; α_low picked from a grid on the same split, so the
// CTF row is optimistic). Prints a table.
//
//   models_phasegan_compare --data SET.h5 --model MODEL.pt [--split val] [--beta-delta 1e-3]
#include <phaselab/core/ctf.h>
#include <phaselab/core/metrics.h>
#include <phaselab/models/dataset.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace phaselab;

namespace {

struct Row {
    double meanNmse = 0, medianNmse = 0, meanFrcm = 0;
};

Row score(const std::vector<core::ImageF>& phases, const std::vector<core::ImageF>& truth,
          double pixelSizeM)
{
    Row r;
    std::vector<double> nmse;
    for (std::size_t i = 0; i < phases.size(); ++i) {
        nmse.push_back(core::nmsePercent(phases[i], truth[i]));
        r.meanFrcm += core::fourierRingCorrelation(phases[i], truth[i], pixelSizeM).frcmPercent;
    }
    for (double v : nmse)
        r.meanNmse += v;
    r.meanNmse /= double(nmse.size());
    r.meanFrcm /= double(nmse.size());
    std::sort(nmse.begin(), nmse.end());
    r.medianNmse = nmse[nmse.size() / 2];
    return r;
}

std::vector<core::ImageF> phasesOf(models::LearnedModel& model, const std::vector<core::ImageF>& holos)
{
    const core::ProgressReporter none(nullptr, nullptr);
    std::vector<core::ImageF> out;
    for (auto& r : model.reconstructStack(holos, std::nullopt, 8, none))
        out.push_back(std::move(r.phase));
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    std::string data, modelPath, split = "val";
    double betaDelta = 1e-3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--data")
            data = v;
        else if (k == "--model")
            modelPath = v;
        else if (k == "--split")
            split = v;
        else if (k == "--beta-delta")
            betaDelta = std::stod(v);
    }
    if (data.empty() || modelPath.empty()) {
        std::fprintf(stderr, "usage: models_phasegan_compare --data SET.h5 --model MODEL.pt "
                             "[--split val] [--beta-delta 1e-3]\n");
        return 2;
    }
    models::initialiseRuntime();
    const models::DatasetSplit set(data, split);
    if (!set.paired()) {
        std::fprintf(stderr, "%s: split %s is unpaired\n", data.c_str(), split.c_str());
        return 2;
    }
    const int w = set.width(), h = set.height();
    std::vector<core::ImageF> holos, truth;
    for (int i = 0; i < set.size(); ++i) {
        core::ImageF holo(w, h), phase(w, h);
        set.read(i, holo.data(), nullptr, phase.data());
        holos.push_back(std::move(holo));
        truth.push_back(std::move(phase));
    }
    const core::Geometry g = set.geometry();

    models::LearnedModel trained = models::LearnedModel::load(modelPath, "cpu");
    const nlohmann::json info = trained.metadata();
    models::LearnedModel untrained = models::LearnedModel::initialise(
        models::Method::PhaseGan, info.value("architecture", nlohmann::json::object()), g, 1, "cpu");

    std::printf("%s, split %s: %d samples %d×%d\n", data.c_str(), split.c_str(), set.size(), w, h);
    std::printf("%-34s %12s %12s %12s\n", "method", "NMSE mean %", "NMSE median %", "FRCM mean %");
    auto print = [](const std::string& name, const Row& r) {
        std::printf("%-34s %12.3f %12.3f %12.3f\n", name.c_str(), r.meanNmse, r.medianNmse, r.meanFrcm);
    };
    print("PhaseGAN (trained)", score(phasesOf(trained, holos), truth, g.pixelSizeM));
    print("PhaseGAN (untrained, seed 1)", score(phasesOf(untrained, holos), truth, g.pixelSizeM));
    // CTF with its default α rule (-1), then a manual α grid (the rule would cap every α).
    for (double alpha : {-1.0, 1e-4, 1e-3, 1e-2, 1e-1, 1.0}) {
        core::CtfOptions o;
        o.betaDelta = betaDelta;
        if (alpha < 0) {
            core::Ctf ctf(g, w, h, o);
            std::vector<core::ImageF> phases;
            for (const core::ImageF& holo : holos)
                phases.push_back(ctf.reconstruct(holo).phase);
            print("CTF (default α rule)", score(phases, truth, g.pixelSizeM));
            continue;
        }
        o.alphaRule = core::AlphaRule::Manual;
        o.alphaLow = alpha;
        o.alphaHigh = 10 * alpha;
        core::Ctf ctf(g, w, h, o);
        std::vector<core::ImageF> phases;
        for (const core::ImageF& holo : holos)
            phases.push_back(ctf.reconstruct(holo).phase);
        char name[64];
        std::snprintf(name, sizeof name, "CTF (alpha %.0e / %.0e)", alpha, 10 * alpha);
        print(name, score(phases, truth, g.pixelSizeM));
    }
    return 0;
}
