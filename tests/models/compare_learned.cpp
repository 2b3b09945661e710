// A CPU-scale rerun of the DGN paper's comparison (Table 2): DGN vs MS-D Net vs IRGN in phase and
// absorption NMSE on a held-out simulated test set. Not a test (it trains for many minutes): a
// program that prints a table. Simulation: the DGN protocol of physics.md §7 at a small size
// (ellipsoids and paraboloids of Au, Pd, Zn, 4× oversampled propagation, PPSNR 10–100 dB).
//
//   models_compare --dir DIR [--size 32] [--train 1000] [--val 200] [--test 200] [--epochs 10]
//
// IRGN (physics.md §4, paper Eq. 2–3): f_0 = 0, Tikhonov R = identity, α_k = α_0 (2/3)^k, CG on
// (F′*F′ + α_k) δf = F′*(I − F(f_k)) − α_k f_k; α_0 picked from a grid on validation samples.
#include "fresnel_torch.h"

#include <phaselab/models/dataset.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/runtime.h>

#include "sim_dataset.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

using namespace phaselab;

namespace {

struct Args {
    std::string dir;
    int size = 32, train = 1000, val = 200, test = 200, epochs = 10;
    int newton = 20, cg = 10;
};

struct Stats {
    double mean = 0, sd = 0, median = 0;
};

Stats stats(std::vector<double> v)
{
    Stats s;
    std::sort(v.begin(), v.end());
    s.median = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
    for (double x : v)
        s.mean += x;
    s.mean /= double(v.size());
    for (double x : v)
        s.sd += (x - s.mean) * (x - s.mean);
    s.sd = std::sqrt(s.sd / double(v.size()));
    return s;
}

// Per-sample NMSE in percent of [N, H, W] tensors.
std::vector<double> nmse(const torch::Tensor& x, const torch::Tensor& ref)
{
    const torch::Tensor num = (x - ref).square().sum({1, 2});
    const torch::Tensor den = ref.square().sum({1, 2});
    const torch::Tensor r = (100.0 * num / den).to(torch::kCPU, torch::kDouble).contiguous();
    return std::vector<double>(r.data_ptr<double>(), r.data_ptr<double>() + r.numel());
}

struct SplitTensors {
    torch::Tensor hologram;  // [N, H, W]
    torch::Tensor object;    // [N, 2, H, W]
};

SplitTensors readSplit(const models::DatasetSplit& s, int n)
{
    const int h = s.height(), w = s.width();
    SplitTensors t;
    t.hologram = torch::empty({n, h, w}, torch::kFloat);
    t.object = torch::empty({n, 2, h, w}, torch::kFloat);
    for (int i = 0; i < n; ++i)
        s.read(i, t.hologram[i].data_ptr<float>(), t.object[i][0].data_ptr<float>(),
               t.object[i][1].data_ptr<float>());
    return t;
}

// Batched IRGN in double: one CG per sample, inner products per sample.
torch::Tensor irgn(const models::TorchFresnel& op, const torch::Tensor& I, double alpha0, int newton,
                   int cgSteps, bool positivity)
{
    auto dot = [](const torch::Tensor& a, const torch::Tensor& b) {
        return (a * b).sum({1, 2, 3}, true);
    };
    torch::Tensor f = torch::zeros({I.size(0), 2, I.size(1), I.size(2)}, I.options());
    double alpha = alpha0;
    for (int k = 0; k < newton; ++k) {
        const auto p = op.linearize(f);
        auto normal = [&](const torch::Tensor& x) {
            return op.adjoint(p, op.derivative(p, x)) + alpha * x;
        };
        const torch::Tensor rhs = op.adjoint(p, I - p.intensity) - alpha * f;
        torch::Tensor x = torch::zeros_like(f), r = rhs.clone(), d = rhs.clone();
        torch::Tensor rr = dot(r, r);
        for (int j = 0; j < cgSteps; ++j) {
            const torch::Tensor Ad = normal(d);
            const torch::Tensor step = rr / dot(d, Ad).clamp_min(1e-300);
            x = x + step * d;
            r = r - step * Ad;
            const torch::Tensor rr2 = dot(r, r);
            d = r + (rr2 / rr.clamp_min(1e-300)) * d;
            rr = rr2;
        }
        f = f + x;
        if (positivity)
            f = f.clamp_min(0);
        alpha *= 2.0 / 3.0;
    }
    return f;
}

} // namespace

int main(int argc, char** argv)
{
    Args a;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--dir")
            a.dir = v;
        else if (k == "--size")
            a.size = std::stoi(v);
        else if (k == "--train")
            a.train = std::stoi(v);
        else if (k == "--val")
            a.val = std::stoi(v);
        else if (k == "--test")
            a.test = std::stoi(v);
        else if (k == "--epochs")
            a.epochs = std::stoi(v);
        else if (k == "--newton")
            a.newton = std::stoi(v);
    }
    if (a.dir.empty()) {
        std::cerr << "usage: models_compare --dir DIR [--size 32] [--train 1000] [--val 200] "
                     "[--test 200] [--epochs 10] [--newton 20]\n";
        return 2;
    }
    const models::RuntimeInfo rt = models::initialiseRuntime();
    std::filesystem::create_directories(a.dir);
    const std::string data = a.dir + "/set.h5";

    test::SimSpec spec;
    spec.size = a.size;
    spec.train = a.train;
    spec.val = a.val;
    spec.test = a.test;
    // 250 nm pixels: F = Δx²/(λD) ≈ 0.033 ≥ 1/32, the kernel is well sampled at 32².
    spec.geometry = core::Geometry{13.0, 20e-3, 250e-9};
    spec.oversample = 4;
    spec.ppsnrLowDb = 10;
    spec.ppsnrHighDb = 100;
    spec.maxSolids = 10;
    spec.seed = 2023;
    if (!std::filesystem::exists(data)) {
        std::printf("simulating %d/%d/%d samples of %d² (F = %.3g)\n", a.train, a.val, a.test,
                    a.size, spec.geometry.fresnelNumber());
        test::writeSimulatedDataset(data, spec);
    }
    std::printf("LibTorch %s, %d threads, BLAS %s\n", rt.torchVersion.c_str(), rt.intraOpThreads,
                rt.blasLibrary.c_str());

    std::vector<std::pair<models::Method, std::string>> methods = {
        {models::Method::Dgn, a.dir + "/dgn.pt"}, {models::Method::Msd, a.dir + "/msd.pt"}};
    for (const auto& [m, out] : methods) {
        if (std::filesystem::exists(out))
            continue;
        models::TrainOptions o;
        o.method = m;
        o.dataPath = data;
        o.outPath = out;
        o.epochs = a.epochs;
        o.batchSize = 10;
        o.device = "cpu";
        if (std::filesystem::exists(out + ".ckpt"))
            o.resumePath = out + ".ckpt";
        const models::TrainResult r =
            models::train(o, nullptr, nullptr, [&](const models::TrainProgress& p) {
                if (p.epochFinished) {
                    std::printf("  %s epoch %d: train %.4g val %.4g (%.1f samples/s, %.0f s)\n",
                                models::toString(m).c_str(), p.finished.epoch, p.finished.trainLoss,
                                p.finished.valLoss, p.finished.samplesPerSecond, p.finished.seconds);
                    std::fflush(stdout);
                }
            });
        std::printf("%s trained: %lld parameters, %zu epochs in %.0f s, initial val loss %.4g, best "
                    "%.4g (epoch %d)\n",
                    models::toString(m).c_str(), (long long)r.parameterCount, r.history.size(),
                    r.seconds, r.initialValLoss, r.bestValLoss, r.bestEpoch);
    }

    const models::DatasetSplit testSet(data, "test"), valSet(data, "val");
    const SplitTensors test = readSplit(testSet, testSet.size());
    const torch::Tensor refB = test.object.select(1, 0), refPhi = test.object.select(1, 1);

    struct Row {
        std::string name;
        Stats phase, absorption;
        double secondsPerImage;
    };
    std::vector<Row> rows;
    for (const auto& [m, out] : methods) {
        models::LearnedModel model = models::LearnedModel::load(out, "cpu");
        std::vector<core::ImageF> holos;
        for (int i = 0; i < testSet.size(); ++i) {
            core::ImageF img(a.size, a.size, core::kNoInit);
            std::copy_n(test.hologram[i].data_ptr<float>(), img.size(), img.data());
            holos.push_back(std::move(img));
        }
        const auto t0 = std::chrono::steady_clock::now();
        const auto recs = model.reconstructStack(holos, std::nullopt, 10,
                                                 core::ProgressReporter(nullptr, nullptr));
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        torch::Tensor B = torch::empty_like(refB), P = torch::empty_like(refPhi);
        for (std::size_t i = 0; i < recs.size(); ++i) {
            std::copy_n(recs[i].absorption.data(), recs[i].absorption.size(), B[long(i)].data_ptr<float>());
            std::copy_n(recs[i].phase.data(), recs[i].phase.size(), P[long(i)].data_ptr<float>());
        }
        rows.push_back({models::toString(m), stats(nmse(P, refPhi)), stats(nmse(B, refB)),
                        secs / double(recs.size())});
    }

    // IRGN in double; α_0 from a grid on 20 validation samples (phase NMSE).
    const models::TorchFresnel opVal(spec.geometry, a.size, a.size, {}, torch::kCPU, torch::kDouble);
    const int nv = std::min(20, valSet.size());
    const SplitTensors val = readSplit(valSet, nv);
    for (bool positivity : {false, true}) {
        double bestAlpha = 1, bestErr = 1e300;
        for (double alpha0 : {1e-3, 1e-2, 1e-1, 1.0, 10.0}) {
            const torch::Tensor f = irgn(opVal, val.hologram.to(torch::kDouble), alpha0, a.newton,
                                         a.cg, positivity);
            const double e = stats(nmse(f.select(1, 1), val.object.select(1, 1).to(torch::kDouble))).mean;
            if (e < bestErr) {
                bestErr = e;
                bestAlpha = alpha0;
            }
        }
        const auto t0 = std::chrono::steady_clock::now();
        const torch::Tensor f = irgn(opVal, test.hologram.to(torch::kDouble), bestAlpha, a.newton,
                                     a.cg, positivity);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        char name[96];
        std::snprintf(name, sizeof name, "IRGN %d×%d%s, α0 = %g", a.newton, a.cg,
                      positivity ? " + positivity" : "", bestAlpha);
        rows.push_back({name, stats(nmse(f.select(1, 1), refPhi.to(torch::kDouble))),
                        stats(nmse(f.select(1, 0), refB.to(torch::kDouble))),
                        secs / double(testSet.size())});
    }

    std::printf("\n%d test samples of %d² (13 keV, 20 mm, 250 nm; PPSNR 10–100 dB), %d training "
                "samples, %d epochs\n",
                testSet.size(), a.size, a.train, a.epochs);
    std::printf("NMSE in %%: mean (standard deviation) [median]\n");
    std::printf("%-40s %28s %30s %10s\n", "method", "phase", "absorption", "s / image");
    for (const Row& r : rows)
        std::printf("%-40s %8.2f (%7.2f) [%7.2f] %9.2f (%8.2f) [%7.2f] %10.4f\n", r.name.c_str(),
                    r.phase.mean, r.phase.sd, r.phase.median, r.absorption.mean, r.absorption.sd,
                    r.absorption.median, r.secondsPerImage);
    return 0;
}
