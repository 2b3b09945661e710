// The model library: model files of a folder, checkpoints of running trainings, the GPU.
#include <phaselab/models/library.h>

#include "model_io.h"
#include "training_util.h"

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/error.h>
#include <phaselab/core/reconstruction_request.h>
#include <phaselab/models/runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace phaselab::models {

namespace fs = std::filesystem;

const std::vector<Method>& trainableMethods()
{
    static const std::vector<Method> methods = {Method::Dgn, Method::Msd, Method::PhaseGan};
    return methods;
}

namespace {

// The driver's name of the first NVIDIA GPU (/proc/driver/nvidia/gpus/*/information,
// "Model:  NVIDIA H200"); empty when there is none.
std::string nvidiaModelName()
{
    std::error_code ec;
    std::vector<fs::path> gpus;
    for (const auto& e : fs::directory_iterator("/proc/driver/nvidia/gpus", ec))
        gpus.push_back(e.path());
    std::sort(gpus.begin(), gpus.end());
    for (const fs::path& gpu : gpus) {
        std::ifstream in(gpu / "information");
        std::string line;
        while (std::getline(in, line))
            if (line.rfind("Model:", 0) == 0) {
                const auto first = line.find_first_not_of(" \t", 6);
                if (first != std::string::npos)
                    return line.substr(first);
            }
    }
    return {};
}

std::int64_t modifiedSeconds(const fs::path& p)
{
    std::error_code ec;
    const auto t = fs::last_write_time(p, ec);
    if (ec)
        return 0;
    // file_clock → system_clock (C++17: through the difference of the two clocks' now()).
    const auto sys = std::chrono::system_clock::now() +
                     std::chrono::duration_cast<std::chrono::system_clock::duration>(
                         t - fs::file_time_type::clock::now());
    return std::chrono::duration_cast<std::chrono::seconds>(sys.time_since_epoch()).count();
}

void copyAtomically(const std::string& from, const std::string& to)
{
    core::AtomicFile out(to);
    std::error_code ec;
    fs::copy_file(from, out.tempPath(), fs::copy_options::overwrite_existing, ec);
    if (ec)
        throw core::InputError(to + ": cannot copy " + from + " (" + ec.message() + ")");
    out.commit();
}

nlohmann::json readCheckpointMeta(torch::serialize::InputArchive& archive, const std::string& path)
{
    loadArchive(archive, path, torch::kCPU);
    nlohmann::json meta = readJson(archive, "phaselab_checkpoint", path);
    if (meta.value("format", "") != kCheckpointFormat)
        throw core::InputError(path + ": not a PhaseLab training checkpoint");
    return meta;
}

} // namespace

GpuInfo gpuInfo()
{
    const RuntimeInfo r = initialiseRuntime();
    GpuInfo g;
    g.available = r.cudaAvailable;
    g.devices = r.cudaDevices;
    g.name = nvidiaModelName();
    if (g.available && g.name.empty())
        g.name = "CUDA device 0";
    return g;
}

ModelEntry describeModel(const std::string& path)
{
    ModelEntry e;
    const fs::path p = fs::absolute(path);
    e.path = p.string();
    e.name = p.filename().string();
    e.modifiedSeconds = modifiedSeconds(p);
    try {
        const nlohmann::json meta = modelInfo(e.path);
        e.method = meta.value("method", "");
        e.parameterCount = meta.value("parameter_count", std::int64_t(0));
        if (meta.contains("physics") && meta["physics"].is_object() &&
            meta["physics"].value("from_dataset", true)) {
            e.geometry = core::geometryFromJson(meta["physics"], e.path + ": physics");
            e.hasGeometry = true;
        }
        if (meta.contains("training") && meta["training"].is_object()) {
            RunState state;
            state.readFrom(meta["training"]);
            e.history = state.history;
        }
        e.valid = true;
    } catch (const std::exception& ex) {
        e.error = ex.what();
    }
    return e;
}

std::vector<std::string> shippedModelFolders()
{
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("PHASELAB_MODELS_DIR")) {
        std::string list = env;
        std::size_t start = 0;
        while (start <= list.size()) {
            const std::size_t end = std::min(list.find(':', start), list.size());
            if (end > start)
                candidates.push_back(list.substr(start, end - start));
            start = end + 1;
        }
    }
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        candidates.push_back((exe.parent_path() / ".." / "share" / "phaselab" / "models").string());
#ifdef PHASELAB_SOURCE_MODELS_DIR
    candidates.push_back(PHASELAB_SOURCE_MODELS_DIR);
#endif
    std::vector<std::string> out;
    for (const std::string& c : candidates) {
        const fs::path p = fs::weakly_canonical(c, ec);
        if (ec || !fs::is_directory(p, ec))
            continue;
        if (std::find(out.begin(), out.end(), p.string()) == out.end())
            out.push_back(p.string());
    }
    return out;
}

std::string shippedModel(Method method, const core::Geometry* geometry)
{
    std::string first;
    for (const std::string& folder : shippedModelFolders())
        for (const ModelEntry& e : listModels(folder, true)) {
            if (!e.valid || e.method != toString(method))
                continue;
            if (!geometry)
                return e.path;
            if (first.empty())
                first = e.path;
            if (e.hasGeometry && geometryWarnings(modelInfo(e.path), *geometry).empty())
                return e.path;
        }
    return first;
}

std::vector<ModelEntry> listModels(const std::string& folder, bool readOnly)
{
    std::vector<ModelEntry> out;
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(folder, ec)) {
        if (!f.is_regular_file() || !looksLikeModelFile(f.path().string()))
            continue;
        // A checkpoint is a model's companion, not a model.
        if (f.path().extension() == ".ckpt")
            continue;
        out.push_back(describeModel(f.path().string()));
        out.back().readOnly = readOnly;
    }
    std::sort(out.begin(), out.end(),
              [](const ModelEntry& a, const ModelEntry& b) { return a.name < b.name; });
    return out;
}

std::string renameModel(const std::string& path, const std::string& newName)
{
    if (newName.empty() || newName.find('/') != std::string::npos || newName == "." ||
        newName == "..")
        throw core::InputError("'" + newName + "' is not a file name");
    const fs::path target = fs::path(path).parent_path() / newName;
    if (fs::exists(target))
        throw core::InputError(target.string() + ": a file of that name exists");
    std::error_code ec;
    fs::rename(path, target, ec);
    if (ec)
        throw core::InputError(path + ": cannot rename (" + ec.message() + ")");
    return target.string();
}

void deleteModel(const std::string& path)
{
    modelInfo(path);  // refuses anything that is not a model file
    std::error_code ec;
    if (!fs::remove(path, ec) || ec)
        throw core::InputError(path + ": cannot delete (" +
                               (ec ? ec.message() : std::string("no such file")) + ")");
}

void exportModel(const std::string& path, const std::string& destination)
{
    modelInfo(path);
    copyAtomically(path, destination);
}

std::string importModel(const std::string& source, const std::string& folder)
{
    modelInfo(source);
    std::error_code ec;
    fs::create_directories(folder, ec);
    const fs::path src(source);
    fs::path target = fs::path(folder) / src.filename();
    for (int i = 2; fs::exists(target); ++i)
        target = fs::path(folder) /
                 (src.stem().string() + " (" + std::to_string(i) + ")" + src.extension().string());
    copyAtomically(source, target.string());
    return target.string();
}

nlohmann::json checkpointInfo(const std::string& path)
{
    torch::serialize::InputArchive archive;
    return readCheckpointMeta(archive, path);
}

CheckpointSummary checkpointSummary(const std::string& path)
{
    const nlohmann::json info = checkpointInfo(path);
    const nlohmann::json training = info.value("training", nlohmann::json::object());
    // The training loops' own readers of their checkpoints (training_util.h).
    RunSettings settings;
    settings.fromJson(training, path);
    RunState state;
    state.readFrom(training);
    CheckpointSummary c;
    c.method = parseMethod(info.value("method", ""));
    c.dataPath = settings.data;
    c.epochs = settings.epochs;
    c.batchSize = settings.batchSize;
    c.trainSamples = training.value("train_samples", 0);
    c.epochsDone = state.epochsDone;
    c.history = state.history;
    c.initialValLoss = std::isfinite(state.initialValLoss) ? state.initialValLoss : 0.0;
    return c;
}

void modelFromCheckpoint(const std::string& checkpoint, const std::string& modelPath, bool best)
{
    torch::serialize::InputArchive archive;
    nlohmann::json meta = readCheckpointMeta(archive, checkpoint);
    Network net = networkFromMetadata(meta, checkpoint);
    // PhaseGAN's checkpoints keep the whole cycle, and its object generator as a model only for
    // the best epoch: that one stands for the current weights too.
    torch::serialize::InputArchive probe;
    const bool hasCurrent = !best && archive.try_read("model", probe);
    loadWeights(*net, archive, hasCurrent ? "model" : "best_model", checkpoint);
    writeModelFile(modelPath, *net, std::move(meta));
}

} // namespace phaselab::models
