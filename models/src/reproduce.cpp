// Scoring methods over simulated splits, and the DGN paper's Table 2 reproduced in resumable
// stages (reproduce.h). Torch-free: training and inference go through learned.h and the method
// registry.
#include <phaselab/models/reproduce.h>

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/classical_methods.h>
#include <phaselab/core/error.h>
#include <phaselab/core/metrics.h>
#include <phaselab/core/padding.h>
#include <phaselab/core/parallel.h>
#include <phaselab/core/reconstruction_method.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/simulate.h>
#include <phaselab/core/units.h>
#include <phaselab/models/dataset.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/learned_method.h>
#include <phaselab/version.h>

#include <array>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>

namespace phaselab::models {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

MeanStd meanStd(const std::vector<double>& v)
{
    MeanStd m;
    if (v.empty())
        return m;
    for (double x : v)
        m.mean += x;
    m.mean /= double(v.size());
    double ss = 0;
    for (double x : v)
        ss += (x - m.mean) * (x - m.mean);
    m.std = std::sqrt(ss / double(v.size()));
    return m;
}

nlohmann::json toJson(const MeanStd& m)
{
    return {{"mean", m.mean}, {"std", m.std}};
}

MeanStd meanStdFromJson(const nlohmann::json& j, const std::string& what)
{
    try {
        return {j.at("mean").get<double>(), j.at("std").get<double>()};
    } catch (const nlohmann::json::exception&) {
        throw core::InputError(what + ": expected {mean, std}");
    }
}

nlohmann::json toJson(const ChannelScores& c)
{
    return {{"nmse_percent", toJson(c.nmsePercent)},
            {"frcm_percent", toJson(c.frcmPercent)},
            {"resolution_m", toJson(c.resolutionM)}};
}

ChannelScores channelFromJson(const nlohmann::json& j, const std::string& what)
{
    if (!j.is_object())
        throw core::InputError(what + ": not an object");
    ChannelScores c;
    c.nmsePercent = meanStdFromJson(j.value("nmse_percent", nlohmann::json()), what + ".nmse_percent");
    c.frcmPercent = meanStdFromJson(j.value("frcm_percent", nlohmann::json()), what + ".frcm_percent");
    c.resolutionM = meanStdFromJson(j.value("resolution_m", nlohmann::json()), what + ".resolution_m");
    return c;
}

// Text written atomically (temporary sibling, then rename).
void writeText(const std::string& path, const std::string& text)
{
    core::AtomicFile file(path);
    {
        std::ofstream out(file.tempPath(), std::ios::binary);
        out << text;
        out.close();
        if (!out)
            throw core::InputError(path + ": cannot be written");
    }
    file.commit();
}

nlohmann::json readJsonFile(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw core::InputError(path + ": cannot be read");
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw core::InputError(path + ": not valid JSON (" + e.what() + ")");
    }
}

// Maps a sub-task's progress [0, 1] onto [from, to] of the whole run, with a label prefix.
class StageSink : public core::ProgressSink {
public:
    StageSink(core::ProgressSink* outer, double from, double to, std::string prefix)
        : m_outer(outer), m_from(from), m_to(to), m_prefix(std::move(prefix))
    {
    }
    void report(double fraction, const std::string& stage) override
    {
        if (m_outer)
            m_outer->report(m_from + (m_to - m_from) * std::clamp(fraction, 0.0, 1.0),
                            m_prefix + stage);
    }

private:
    core::ProgressSink* m_outer;
    double m_from, m_to;
    std::string m_prefix;
};

// ---- The DGN paper, Table 2 -----------------------------------------------------------------

struct PaperRow {
    const char* id;
    const char* label;
    // absorption NMSE, phase NMSE, absorption FRCM, phase FRCM [%]: mean, std
    std::array<double, 8> figures;
    std::array<double, 4> resolutionNm;  // absorption mean, std, phase mean, std
    double seconds;
};

// Mom, Langer, Sixou, "Deep Gauss–Newton for phase retrieval", Opt. Lett. 2023, Table 2:
// 1000 simulated 512² images, 13 keV, 20 mm, 12 nm.
constexpr std::array<PaperRow, 3> kPaper{{
    {"irgn", "IRGN", {85.5, 40.7, 39.3, 15.0, 71.2, 9.95, 68.1, 5.45}, {238, 136, 154, 43}, 116},
    {"msd", "MS-D Net", {13.6, 12.8, 10.6, 10.8, 48.8, 13.8, 47.8, 13.3}, {102, 77.4, 98.5, 135}, 2.60},
    {"dgn", "DGN", {12.1, 13.5, 4.61, 6.20, 35.7, 15.7, 23.0, 16.6}, {72.2, 55.2, 62.3, 37.0}, 5.88},
}};

MethodScores paperScores(const PaperRow& p)
{
    MethodScores s;
    s.id = p.id;
    s.label = p.label;
    s.images = 1000;
    s.absorption.nmsePercent = {p.figures[0], p.figures[1]};
    s.phase.nmsePercent = {p.figures[2], p.figures[3]};
    s.absorption.frcmPercent = {p.figures[4], p.figures[5]};
    s.phase.frcmPercent = {p.figures[6], p.figures[7]};
    s.absorption.resolutionM = {p.resolutionNm[0] * 1e-9, p.resolutionNm[1] * 1e-9};
    s.phase.resolutionM = {p.resolutionNm[2] * 1e-9, p.resolutionNm[3] * 1e-9};
    s.secondsPerImage = p.seconds;
    return s;
}

// IRGN as the paper ran it: joint (B, φ), f₀ = 0, 100 Newton × 10 CG, positivity.
core::IrgnMethodOptions irgnPaperOptions()
{
    core::IrgnMethodOptions o;
    o.unknowns = core::IrgnUnknowns::Joint;
    o.irgn.initialGuess = core::IrgnInitialGuess::Zero;
    o.irgn.newtonSteps = 100;
    o.irgn.cgIterations = 10;
    o.irgn.cgTolerance = 0;  // every CG iteration
    o.irgn.precondition = false;
    o.irgn.monotone = false;
    o.irgn.positivity = true;
    return o;
}

core::ReconstructionRequest requestFor(const std::string& method,
                                       std::shared_ptr<const core::MethodOptions> options)
{
    core::ReconstructionRequest r;
    r.method = method;
    r.options = std::move(options);
    return r;
}

core::ReconstructionRequest learnedRequest(const std::string& method, const std::string& model,
                                           const std::string& device)
{
    auto o = std::make_shared<LearnedMethodOptions>();
    o->model = model;
    o->device = device;
    return requestFor(method, o);
}

std::string fixed(double v, int decimals)
{
    std::ostringstream s;
    s << std::fixed << std::setprecision(decimals) << v;
    return s.str();
}

// Three significant figures, as the paper prints them.
std::string sig3(double v)
{
    if (!std::isfinite(v))
        return "–";
    const double a = std::abs(v);
    const int decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
    return fixed(v, decimals);
}

std::string cell(const MeanStd& m, double scale = 1)
{
    return sig3(m.mean * scale) + " (" + sig3(m.std * scale) + ")";
}

std::string cpuModel()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos)
                return line.substr(line.find_first_not_of(" \t", colon + 1));
        }
    return "unknown CPU";
}

std::string utcNow()
{
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::ostringstream s;
    s << std::put_time(&tm, "%Y-%m-%d %H:%M UTC");
    return s.str();
}

// The better of the two IRGN rows by phase NMSE.
const MethodScores& bestIrgn(const std::vector<MethodScores>& rows)
{
    return rows[0].phase.nmsePercent.mean <= rows[1].phase.nmsePercent.mean ? rows[0] : rows[1];
}

std::string markdownTable(const ReproduceOptions& o, const std::vector<MethodScores>& rows,
                          const nlohmann::json& timing)
{
    std::ostringstream md;
    md << "# DGN paper, Table 2, reproduced by PhaseLab\n\n"
       << "Mean (standard deviation) over the test images; NMSE and FRCM in %, FRC resolution "
          "(2σ threshold) in nm, time in seconds per image. Paper: Mom, Langer, Sixou, Opt. "
          "Lett. 2023, 1000 test images of 512², trained on 10,000 for 100 epochs.\n\n";
    md << "- PhaseLab " << PHASELAB_VERSION << ", " << utcNow() << ", " << cpuModel() << ", "
       << core::threadCount() << " threads, device " << o.device << "\n";
    md << "- Data: DGN protocol (13 keV, 20 mm, 12 nm, Au/Pd/Zn, PPSNR 10–100 dB), " << o.size
       << "², " << o.train << " train / " << (o.val > 0 ? o.val : o.test) << " val / " << o.test
       << " test, seed " << o.seed << "\n";
    md << "- Training: " << o.epochs << " epochs, batch " << o.batch << ", DGN loss "
       << (o.dgnBalancedLoss ? "balanced per channel" : "plain MSE (the paper's)")
       << ", DGN precision " << toString(o.dgnPrecision) << "\n";
    if (timing.is_object() && !timing.empty()) {
        md << "- Stage times (this machine, as run):";
        for (const char* stage : {"simulate", "train-msd", "train-dgn", "tune-irgn", "eval-irgn-paper",
                                  "eval-irgn-tuned", "eval-msd", "eval-dgn"})
            if (timing.contains(stage))
                md << " " << stage << " " << core::formatNumber(timing[stage].get<double>(), 3)
                   << " s;";
        md << "\n";
    }
    if (!o.commandLine.empty())
        md << "- Command: `" << o.commandLine << "`\n";
    md << "\n| Method | Source | NMSE B | NMSE φ | FRCM B | FRCM φ | Resolution B | Resolution φ | Time |\n"
       << "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
    auto line = [&](const std::string& method, const std::string& source, const MethodScores& s) {
        md << "| " << method << " | " << source << " | " << cell(s.absorption.nmsePercent) << " | "
           << cell(s.phase.nmsePercent) << " | " << cell(s.absorption.frcmPercent) << " | "
           << cell(s.phase.frcmPercent) << " | " << cell(s.absorption.resolutionM, 1e9) << " | "
           << cell(s.phase.resolutionM, 1e9) << " | " << sig3(s.secondsPerImage) << " |\n";
    };
    line("IRGN", "paper", paperScores(kPaper[0]));
    line("IRGN", "PhaseLab, paper settings", rows[0]);
    line("IRGN", "PhaseLab, " + rows[1].label.substr(rows[1].label.find(',') + 2), rows[1]);
    line("MS-D Net", "paper", paperScores(kPaper[1]));
    line("MS-D Net", "PhaseLab", rows[2]);
    line("DGN", "paper", paperScores(kPaper[2]));
    line("DGN", "PhaseLab", rows[3]);

    const MethodScores& irgn = bestIrgn(rows);
    const MethodScores& msd = rows[2];
    const MethodScores& dgn = rows[3];
    auto yes = [](bool b) { return b ? "yes" : "**no**"; };
    md << "\n## The paper's ordering\n\n"
       << "- Phase NMSE, DGN < MS-D Net < IRGN (better IRGN row): "
       << yes(dgn.phase.nmsePercent.mean < msd.phase.nmsePercent.mean &&
              msd.phase.nmsePercent.mean < irgn.phase.nmsePercent.mean)
       << " (" << sig3(dgn.phase.nmsePercent.mean) << ", " << sig3(msd.phase.nmsePercent.mean)
       << ", " << sig3(irgn.phase.nmsePercent.mean) << " %)\n"
       << "- DGN has the best resolution, absorption and phase: "
       << yes(dgn.absorption.resolutionM.mean <= msd.absorption.resolutionM.mean &&
              dgn.absorption.resolutionM.mean <= irgn.absorption.resolutionM.mean &&
              dgn.phase.resolutionM.mean <= msd.phase.resolutionM.mean &&
              dgn.phase.resolutionM.mean <= irgn.phase.resolutionM.mean)
       << "\n"
       << "- DGN's absorption NMSE within 2× of MS-D Net's: "
       << yes(dgn.absorption.nmsePercent.mean <= 2 * msd.absorption.nmsePercent.mean) << " ("
       << sig3(dgn.absorption.nmsePercent.mean) << " against "
       << sig3(msd.absorption.nmsePercent.mean) << " %)\n";
    return md.str();
}

std::string csvTable(const ReproduceOptions& o, const std::vector<MethodScores>& rows)
{
    std::ostringstream csv;
    csv << std::setprecision(6)
        << "method,source,images,size,nmse_absorption_mean,nmse_absorption_std,nmse_phase_mean,"
           "nmse_phase_std,frcm_absorption_mean,frcm_absorption_std,frcm_phase_mean,"
           "frcm_phase_std,resolution_absorption_nm_mean,resolution_absorption_nm_std,"
           "resolution_phase_nm_mean,resolution_phase_nm_std,seconds_per_image\n";
    auto line = [&](const std::string& method, const std::string& source, const MethodScores& s,
                    int size) {
        csv << method << "," << source << "," << s.images << "," << size << ","
            << s.absorption.nmsePercent.mean << "," << s.absorption.nmsePercent.std << ","
            << s.phase.nmsePercent.mean << "," << s.phase.nmsePercent.std << ","
            << s.absorption.frcmPercent.mean << "," << s.absorption.frcmPercent.std << ","
            << s.phase.frcmPercent.mean << "," << s.phase.frcmPercent.std << ","
            << s.absorption.resolutionM.mean * 1e9 << "," << s.absorption.resolutionM.std * 1e9
            << "," << s.phase.resolutionM.mean * 1e9 << "," << s.phase.resolutionM.std * 1e9
            << "," << s.secondsPerImage << "\n";
    };
    line("irgn", "paper", paperScores(kPaper[0]), 512);
    line("irgn", "phaselab-paper-settings", rows[0], o.size);
    line("irgn", "phaselab-tuned", rows[1], o.size);
    line("msd", "paper", paperScores(kPaper[1]), 512);
    line("msd", "phaselab", rows[2], o.size);
    line("dgn", "paper", paperScores(kPaper[2]), 512);
    line("dgn", "phaselab", rows[3], o.size);
    return csv.str();
}

} // namespace

// ---- MethodScores ---------------------------------------------------------------------------

nlohmann::json MethodScores::toJson() const
{
    return {{"id", id},
            {"label", label},
            {"images", images},
            {"absorption", models::toJson(absorption)},
            {"phase", models::toJson(phase)},
            {"seconds_per_image", secondsPerImage},
            {"request", request}};
}

MethodScores MethodScores::fromJson(const nlohmann::json& j, const std::string& what)
{
    if (!j.is_object())
        throw core::InputError(what + ": not a JSON object");
    MethodScores s;
    try {
        s.id = j.at("id").get<std::string>();
        s.label = j.at("label").get<std::string>();
        s.images = j.at("images").get<int>();
        s.secondsPerImage = j.at("seconds_per_image").get<double>();
        s.request = j.value("request", nlohmann::json());
    } catch (const nlohmann::json::exception&) {
        throw core::InputError(what + ": missing or mistyped id, label, images or seconds_per_image");
    }
    s.absorption = channelFromJson(j.value("absorption", nlohmann::json()), what + ".absorption");
    s.phase = channelFromJson(j.value("phase", nlohmann::json()), what + ".phase");
    return s;
}

// ---- evaluateSplit --------------------------------------------------------------------------

MethodScores evaluateSplit(const std::string& dataPath, const std::string& split,
                           const core::ReconstructionRequest& request, int maxSamples,
                           const core::ProgressReporter& progress)
{
    registerLearnedMethods();
    const DatasetSplit set(dataPath, split);
    if (!set.paired())
        throw core::InputError(dataPath + ": split '" + split +
                               "' is unpaired (holograms and objects of different samples); "
                               "it cannot score a reconstruction");
    if (!set.hasGeometry())
        throw core::InputError(dataPath + ": no physics attributes (energy_keV, distance_m, "
                                          "pixel_size_m)");
    const int n = maxSamples > 0 ? std::min(maxSamples, set.size()) : set.size();
    if (n < 1)
        throw core::InputError(dataPath + ": split '" + split + "' is empty");

    std::unique_ptr<core::ReconstructionMethod> method =
        core::MethodRegistry::instance().create(request.method);
    core::ReconstructionRequest req = request;
    req.geometry = set.geometry();
    req.propagation.padding = core::parsePadding(set.padding());

    const int w = set.width(), h = set.height();
    core::ImageF absorption(w, h, core::NoInit{}), phase(w, h, core::NoInit{});
    core::FrcOptions frc;
    frc.threshold = core::FrcThreshold::TwoSigma;
    std::array<std::vector<double>, 6> figures;  // NMSE, FRCM, resolution of B, then of φ
    double seconds = 0;
    nlohmann::json completed;

    for (int i = 0; i < n; ++i) {
        progress.step(double(i) / n, "image " + std::to_string(i + 1) + "/" + std::to_string(n));
        core::LoadedHologram hologram;
        hologram.image = core::ImageF(w, h, core::NoInit{});
        set.read(i, hologram.image.data(), absorption.data(), phase.data());
        hologram.spec.kind = core::InputSpec::Kind::File;
        hologram.spec.path = dataPath + ":/" + split + "/hologram";
        hologram.spec.frame = i;
        hologram.spec.normalise = core::Normalisation::None;
        hologram.pixelSizeM = set.geometry().pixelSizeM;

        const core::ReconstructionOutcome out = core::reconstruct(*method, req, hologram);
        seconds += out.seconds;
        if (i == 0) {
            completed = out.request.toJson();
            completed.erase("input");
        }
        const double pixel = set.geometry().pixelSizeM;
        const core::Evaluation b = core::evaluateReconstruction(out.absorption, absorption, pixel, frc);
        const core::Evaluation p = core::evaluateReconstruction(out.phase, phase, pixel, frc);
        figures[0].push_back(b.nmsePercent);
        figures[1].push_back(b.frc.frcmPercent);
        figures[2].push_back(b.frc.resolutionM);
        figures[3].push_back(p.nmsePercent);
        figures[4].push_back(p.frc.frcmPercent);
        figures[5].push_back(p.frc.resolutionM);
    }
    progress.step(1.0, "scored " + std::to_string(n) + " images");

    MethodScores s;
    s.id = request.method;
    s.label = method->info().name;
    s.images = n;
    s.absorption = {meanStd(figures[0]), meanStd(figures[1]), meanStd(figures[2])};
    s.phase = {meanStd(figures[3]), meanStd(figures[4]), meanStd(figures[5])};
    s.secondsPerImage = seconds / n;
    s.request = completed;
    return s;
}

// ---- reproduce ------------------------------------------------------------------------------

const std::vector<std::string>& reproducibleTables()
{
    static const std::vector<std::string> tables{"dgn2023"};
    return tables;
}

void ReproduceOptions::validate() const
{
    if (std::find(reproducibleTables().begin(), reproducibleTables().end(), table) ==
        reproducibleTables().end())
        throw core::InputError("table '" + table + "' is not one of dgn2023");
    if (outDir.empty())
        throw core::InputError("reproduce: an output folder is needed");
    if (size < 16 || size > 4096)
        throw core::InputError("size must be 16 to 4096 pixels, got " + std::to_string(size));
    if (train < 1 || test < 1 || val < 0)
        throw core::InputError("train and test need at least one image, val none or more");
    if (epochs < 1)
        throw core::InputError("epochs must be at least 1, got " + std::to_string(epochs));
    if (batch < 1)
        throw core::InputError("batch must be at least 1, got " + std::to_string(batch));
    if (tuneImages < 1)
        throw core::InputError("tune images must be at least 1, got " + std::to_string(tuneImages));
    if (device != "auto" && device != "cpu" && device != "cuda")
        throw core::InputError("device '" + device + "' is not one of auto, cpu, cuda");
}

nlohmann::json ReproduceOptions::toJson() const
{
    // The settings that decide the results (not the folder, the device or the command line).
    nlohmann::json j = {{"table", table},   {"size", size},   {"train", train},
                        {"val", val > 0 ? val : test},        {"test", test},
                        {"epochs", epochs}, {"batch", batch}, {"seed", seed},
                        {"dgn_loss", dgnBalancedLoss ? "balanced" : "mse"},
                        {"tune_images", tuneImages}};
    if (dgnPrecision != Precision::Auto)  // absent: auto (folders from before the option)
        j["dgn_precision"] = toString(dgnPrecision);
    return j;
}

ReproduceResult reproduce(const ReproduceOptions& o, core::ProgressSink* sink,
                          const core::CancelToken* cancel,
                          const std::function<void(const std::string&)>& onStage)
{
    o.validate();
    const auto start = Clock::now();
    registerLearnedMethods();
    const fs::path dir(o.outDir);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir))
        throw core::InputError(o.outDir + ": cannot create the folder");

    // One run per folder: the settings are recorded on the first call and must match later.
    const std::string settingsPath = (dir / "reproduce.json").string();
    if (fs::exists(settingsPath)) {
        const nlohmann::json recorded = readJsonFile(settingsPath).value("settings", nlohmann::json());
        if (recorded != o.toJson())
            throw core::InputError(o.outDir + " holds a run with other settings (" +
                                   recorded.dump() + "); continue it with those, or use another "
                                   "folder");
    } else {
        writeText(settingsPath, nlohmann::json{{"settings", o.toJson()},
                                               {"command", o.commandLine},
                                               {"phaselab_version", PHASELAB_VERSION}}
                                    .dump(2) + "\n");
    }
    const std::string timingPath = (dir / "stage_seconds.json").string();
    nlohmann::json timing = fs::exists(timingPath) ? readJsonFile(timingPath) : nlohmann::json::object();

    const std::string data = (dir / "data.h5").string();
    const std::string msdModel = (dir / "msd.pt").string();
    const std::string dgnModel = (dir / "dgn.pt").string();
    const std::string tuning = (dir / "irgn_tuning.json").string();
    const int val = o.val > 0 ? o.val : o.test;

    struct Stage {
        const char* name;
        double weight;
        std::string output;
    };
    const std::vector<Stage> stages{
        {"simulate", 0.03, data},
        {"train-msd", 0.30, msdModel},
        {"train-dgn", 0.30, dgnModel},
        {"tune-irgn", 0.07, tuning},
        {"eval-irgn-paper", 0.10, (dir / "scores_irgn_paper.json").string()},
        {"eval-irgn-tuned", 0.10, (dir / "scores_irgn_tuned.json").string()},
        {"eval-msd", 0.03, (dir / "scores_msd.json").string()},
        {"eval-dgn", 0.07, (dir / "scores_dgn.json").string()},
    };

    ReproduceResult result;
    double done = 0;
    const core::ProgressReporter top(sink, cancel);
    for (std::size_t k = 0; k < stages.size(); ++k) {
        const Stage& st = stages[k];
        const std::string prefix = "stage " + std::to_string(k + 1) + "/" +
                                   std::to_string(stages.size()) + " " + st.name + ": ";
        StageSink stageSink(sink, done, done + st.weight, prefix);
        done += st.weight;
        if (fs::exists(st.output)) {
            result.stagesSkipped.push_back(st.name);
            continue;
        }
        top.checkCancel();
        if (onStage)
            onStage(st.name);
        const auto stageStart = Clock::now();
        const core::ProgressReporter reporter(&stageSink, cancel);
        const std::string name = st.name;

        if (name == "simulate") {
            core::DatasetRequest req;
            req.params = core::SimulationParams::dgn();
            req.size = o.size;
            req.count = std::size_t(o.train) + std::size_t(val) + std::size_t(o.test);
            req.seed = o.seed;
            req.valFraction = double(val) / double(req.count);
            req.testFraction = double(o.test) / double(req.count);
            const core::SplitCounts counts =
                core::splitCounts(req.count, req.valFraction, req.testFraction);
            if (int(counts.val) != val || int(counts.test) != o.test)
                throw core::InputError("reproduce: the split sizes cannot be represented");
            core::generateDataset(req, data, &stageSink, cancel);
        } else if (name == "train-msd" || name == "train-dgn") {
            TrainOptions t;
            t.method = name == "train-msd" ? Method::Msd : Method::Dgn;
            t.dgn.balancedLoss = o.dgnBalancedLoss;
            if (t.method == Method::Dgn)
                t.precision = o.dgnPrecision;
            t.dataPath = data;
            t.outPath = st.output;
            t.checkpointPath = st.output + ".ckpt";
            if (fs::exists(t.checkpointPath))
                t.resumePath = t.checkpointPath;  // a stopped training continues
            t.epochs = o.epochs;
            t.batchSize = o.batch;
            t.seed = o.seed;
            t.device = o.device;
            t.commandLine = o.commandLine;
            train(t, &stageSink, cancel);
        } else if (name == "tune-irgn") {
            // A small grid over α₀ (fixed, or the data rule) and q, scored by the sum of the
            // two channels' mean NMSE on the first validation images.
            nlohmann::json trials = nlohmann::json::array();
            double bestScore = std::numeric_limits<double>::infinity();
            nlohmann::json best;
            const std::vector<double> alphas{-1, 10, 1, 0.1, 0.01, 0.001};  // −1: data rule
            const std::vector<double> qs{2.0 / 3.0, 0.9};
            int trial = 0;
            const int trialCount = int(alphas.size() * qs.size());
            for (double a : alphas)
                for (double q : qs) {
                    auto opt = std::make_shared<core::IrgnMethodOptions>(irgnPaperOptions());
                    opt->irgn.alpha0FromData = a < 0;
                    if (a > 0)
                        opt->irgn.alpha0 = a;
                    opt->irgn.q = q;
                    StageSink trialSink(&stageSink, double(trial) / trialCount,
                                        double(trial + 1) / trialCount,
                                        "α₀ " + (a < 0 ? std::string("data") : core::formatNumber(a)) +
                                            ", q " + core::formatNumber(q, 3) + ": ");
                    ++trial;
                    const MethodScores s = evaluateSplit(data, "val", requestFor("irgn", opt),
                                                         o.tuneImages, {&trialSink, cancel});
                    const double score = s.absorption.nmsePercent.mean + s.phase.nmsePercent.mean;
                    nlohmann::json t{{"alpha0", a < 0 ? nlohmann::json("data") : nlohmann::json(a)},
                                     {"q", q},
                                     {"nmse_absorption_percent", s.absorption.nmsePercent.mean},
                                     {"nmse_phase_percent", s.phase.nmsePercent.mean},
                                     {"options", opt->toJson()}};
                    trials.push_back(t);
                    if (std::isfinite(score) && score < bestScore) {
                        bestScore = score;
                        best = t;
                    }
                }
            if (best.is_null())
                throw core::InputError("reproduce: no IRGN setting gave a finite result");
            writeText(st.output,
                      nlohmann::json{{"images", o.tuneImages}, {"best", best}, {"trials", trials}}
                              .dump(2) + "\n");
        } else {
            MethodScores s;
            if (name == "eval-irgn-paper") {
                s = evaluateSplit(data, "test",
                                  requestFor("irgn", std::make_shared<core::IrgnMethodOptions>(
                                                         irgnPaperOptions())),
                                  o.test, reporter);
                s.id = "irgn-paper";
                s.label = "IRGN, paper settings";
            } else if (name == "eval-irgn-tuned") {
                const nlohmann::json best = readJsonFile(tuning).at("best");
                auto opt = std::make_shared<core::IrgnMethodOptions>();
                opt->fromJson(best.at("options"));
                s = evaluateSplit(data, "test", requestFor("irgn", opt), o.test, reporter);
                s.id = "irgn-tuned";
                s.label = "IRGN, tuned α₀ " +
                          (best.at("alpha0").is_string() ? std::string("(data rule)")
                                                         : core::formatNumber(best.at("alpha0").get<double>())) +
                          ", q " + core::formatNumber(best.at("q").get<double>(), 3);
            } else {
                const bool msd = name == "eval-msd";
                s = evaluateSplit(data, "test",
                                  learnedRequest(msd ? "msd" : "dgn", msd ? msdModel : dgnModel,
                                                 o.device),
                                  o.test, reporter);
                s.id = msd ? "msd" : "dgn";
                s.label = msd ? "MS-D Net" : "DGN";
            }
            writeText(st.output, s.toJson().dump(2) + "\n");
        }
        timing[name] = secondsSince(stageStart);
        writeText(timingPath, timing.dump(2) + "\n");
        result.stagesRun.push_back(name);
    }

    for (const char* id : {"irgn_paper", "irgn_tuned", "msd", "dgn"}) {
        const std::string path = (dir / ("scores_" + std::string(id) + ".json")).string();
        result.rows.push_back(MethodScores::fromJson(readJsonFile(path), path));
    }
    result.markdownPath = (dir / "table.md").string();
    result.csvPath = (dir / "table.csv").string();
    writeText(result.markdownPath, markdownTable(o, result.rows, timing));
    writeText(result.csvPath, csvTable(o, result.rows));
    top.step(1.0, "table written");
    result.seconds = secondsSince(start);
    return result;
}

} // namespace phaselab::models
