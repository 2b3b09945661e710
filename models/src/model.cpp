// Model files and the inference facade (LearnedModel, modelInfo).
#include "model_io.h"
#include "options_json.h"
#include "phasegan_json.h"

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/error.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/runtime.h>

#include <cmath>
#include <fstream>
#include <map>

namespace phaselab::models {

// ---------------------------------------------------------------------------------------------
// Helpers shared with training

torch::Device resolveDevice(const std::string& text)
{
    if (text == "cpu")
        return torch::kCPU;
    if (text == "auto")
        return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    if (text == "cuda") {
        if (!torch::cuda::is_available())
            throw core::InputError(
                "device 'cuda' requested, but no CUDA device is usable (LibTorch " +
                initialiseRuntime().torchVersion +
                (torch::cuda::device_count() == 0 ? ", CPU-only build or no GPU)" : ")"));
        return torch::Device(torch::kCUDA, 0);
    }
    throw core::InputError("device '" + text + "' is not one of auto, cpu, cuda");
}

std::string deviceName(const torch::Device& device)
{
    return device.is_cuda() ? "cuda:" + std::to_string(device.has_index() ? device.index() : 0)
                            : "cpu";
}

void saveArchive(torch::serialize::OutputArchive& archive, const std::string& path)
{
    core::AtomicFile file(path);
    try {
        archive.save_to(file.tempPath());
    } catch (const c10::Error& e) {
        throw core::InputError(path + ": cannot write (" + e.what_without_backtrace() + ")");
    }
    file.commit();
}

void loadArchive(torch::serialize::InputArchive& archive, const std::string& path,
                 const torch::Device& device)
{
    if (!std::ifstream(path).good())
        throw core::InputError(path + ": cannot open (missing or unreadable)");
    try {
        archive.load_from(path, device);
    } catch (const c10::Error&) {
        throw core::InputError(path + ": not a PhaseLab model or checkpoint (no LibTorch archive)");
    } catch (const std::exception& e) {
        throw core::InputError(path + ": not a PhaseLab model or checkpoint (" + e.what() + ")");
    }
}

void writeJson(torch::serialize::OutputArchive& archive, const std::string& key,
               const nlohmann::json& value)
{
    archive.write(key, c10::IValue(value.dump()));
}

nlohmann::json readJson(torch::serialize::InputArchive& archive, const std::string& key,
                        const std::string& path)
{
    c10::IValue v;
    if (!archive.try_read(key, v) || !v.isString())
        throw core::InputError(path + ": not a PhaseLab file of this kind (no '" + key + "')");
    try {
        return nlohmann::json::parse(v.toStringRef());
    } catch (const nlohmann::json::exception&) {
        throw core::InputError(path + ": damaged metadata ('" + key + "' is not JSON)");
    }
}

void saveWeights(const torch::nn::Module& net, torch::serialize::OutputArchive& archive,
                 const std::string& key)
{
    torch::serialize::OutputArchive nested;
    net.save(nested);
    archive.write(key, nested);
}

void loadWeights(torch::nn::Module& net, torch::serialize::InputArchive& archive,
                 const std::string& key, const std::string& path)
{
    torch::serialize::InputArchive nested;
    if (!archive.try_read(key, nested))
        throw core::InputError(path + ": no '" + key + "' weights");
    try {
        net.load(nested);
    } catch (const c10::Error& e) {
        throw core::InputError(path + ": weights do not match the architecture (" +
                               e.what_without_backtrace() + ")");
    }
}

void copyWeights(const NetworkImpl& from, NetworkImpl& to)
{
    torch::NoGradGuard noGrad;
    const auto src = from.named_parameters(true);
    for (auto& p : to.named_parameters(true))
        p.value().copy_(src[p.key()]);
    const auto srcBuffers = from.named_buffers(true);
    for (auto& b : to.named_buffers(true))
        b.value().copy_(srcBuffers[b.key()]);
}

Network networkFromMetadata(const nlohmann::json& meta, const std::string& path)
{
    if (!meta.contains("method") || !meta["method"].is_string())
        throw core::InputError(path + ": metadata names no method");
    const Method method = parseMethod(meta["method"].get<std::string>());
    Network net = makeNetwork(method, meta.value("architecture", nlohmann::json::object()));
    if (meta.contains("physics") && meta["physics"].is_object())
        net->setPhysics(core::geometryFromJson(meta["physics"], path + ": physics"));
    return net;
}

void writeModelFile(const std::string& path, const NetworkImpl& net, nlohmann::json metadata)
{
    metadata["format"] = kModelFormat;
    metadata["format_version"] = kFormatVersion;
    metadata["method"] = toString(net.method());
    metadata["architecture"] = net.architecture();
    metadata["parameter_count"] = net.parameterCount();
    metadata["normalisation"] = net.normalisation();
    torch::serialize::OutputArchive a;
    writeJson(a, "phaselab_metadata", metadata);
    saveWeights(net, a, "model");
    saveArchive(a, path);
}

torch::Tensor hostToTensor(const float* data, std::int64_t n, std::int64_t c, std::int64_t h,
                           std::int64_t w, const torch::Device& device)
{
    // from_blob does not own the memory: clone (CPU) or copy to the device.
    const torch::Tensor t = torch::from_blob(const_cast<float*>(data), {n, c, h, w}, torch::kFloat);
    return device.is_cpu() ? t.clone() : t.to(device);
}

// ---------------------------------------------------------------------------------------------
// LearnedModel

struct LearnedModel::State {
    std::string path;
    nlohmann::json meta;
    Network net;
    torch::Device device = torch::kCPU;
    core::Geometry training;
    bool hasGeometry = false;
};

LearnedModel::LearnedModel(std::unique_ptr<State> state) : m(std::move(state)) {}
LearnedModel::~LearnedModel() = default;
LearnedModel::LearnedModel(LearnedModel&&) noexcept = default;
LearnedModel& LearnedModel::operator=(LearnedModel&&) noexcept = default;

LearnedModel LearnedModel::load(const std::string& path, const std::string& device)
{
    initialiseRuntime();
    auto s = std::make_unique<State>();
    s->path = path;
    s->device = resolveDevice(device);
    torch::serialize::InputArchive archive;
    loadArchive(archive, path, torch::kCPU);
    s->meta = readJson(archive, "phaselab_metadata", path);
    if (s->meta.value("format", "") != kModelFormat)
        throw core::InputError(path + ": not a PhaseLab model file (format '" +
                               s->meta.value("format", "") + "')");
    s->net = networkFromMetadata(s->meta, path);
    loadWeights(*s->net, archive, "model", path);
    // A dataset without physics attributes leaves defaults in the file, marked from_dataset = false.
    s->hasGeometry = s->meta.contains("physics") && s->meta["physics"].is_object() &&
                     s->meta["physics"].value("from_dataset", true);
    if (s->hasGeometry)
        s->training = core::geometryFromJson(s->meta["physics"], path + ": physics");
    s->net->to(s->device);
    s->net->eval();
    return LearnedModel(std::move(s));
}

LearnedModel LearnedModel::initialise(Method method, const DgnOptions& dgn, const MsdOptions& msd,
                                      const core::Geometry& geometry, std::uint64_t seed,
                                      const std::string& device)
{
    const nlohmann::json architecture = method == Method::Dgn   ? toJson(dgn)
                                        : method == Method::Msd ? toJson(msd)
                                                                : phaseGanArchitectureJson({});
    return initialise(method, architecture, geometry, seed, device);
}

LearnedModel LearnedModel::initialise(Method method, const nlohmann::json& architecture,
                                      const core::Geometry& geometry, std::uint64_t seed,
                                      const std::string& device)
{
    initialiseRuntime();
    geometry.validate();
    auto s = std::make_unique<State>();
    s->path = "(untrained)";
    s->device = resolveDevice(device);
    torch::manual_seed(seed);
    s->net = makeNetwork(method, architecture);
    s->net->setPhysics(geometry);
    s->training = geometry;
    s->hasGeometry = true;
    s->meta = {{"format", kModelFormat},
               {"format_version", kFormatVersion},
               {"method", toString(method)},
               {"architecture", s->net->architecture()},
               {"parameter_count", s->net->parameterCount()},
               {"physics", core::toJson(geometry)},
               {"normalisation", s->net->normalisation()},
               {"training", nullptr}};
    s->net->to(s->device);
    s->net->eval();
    return LearnedModel(std::move(s));
}

Method LearnedModel::method() const
{
    return m->net->method();
}

const nlohmann::json& LearnedModel::metadata() const
{
    return m->meta;
}

core::Geometry LearnedModel::trainingGeometry() const
{
    return m->training;
}

std::int64_t LearnedModel::parameterCount() const
{
    return m->net->parameterCount();
}

std::string LearnedModel::device() const
{
    return deviceName(m->device);
}

int LearnedModel::iterations() const
{
    return m->net->iterations();
}

std::vector<std::string> LearnedModel::geometryWarnings(const core::Geometry& g) const
{
    return models::geometryWarnings(m->meta, g);
}

std::vector<std::string> geometryWarnings(const nlohmann::json& info, const core::Geometry& g)
{
    std::vector<std::string> out;
    // A dataset without physics attributes leaves defaults in the file, marked from_dataset = false.
    if (!info.contains("physics") || !info["physics"].is_object() ||
        !info["physics"].value("from_dataset", true)) {
        out.push_back("the model records no training physics; it cannot be checked");
        return out;
    }
    const core::Geometry t = core::geometryFromJson(info["physics"], "model physics");
    const std::string method = info.value("method", std::string("learned"));
    auto check = [&](const char* what, double value, double trained, const std::string& unit,
                     double scale) {
        if (std::abs(value - trained) > 5e-3 * std::abs(trained)) {
            char line[256];
            std::snprintf(line, sizeof line,
                          "%s %.6g %s differs from the training value %.6g %s; the %s model may "
                          "reconstruct poorly",
                          what, value * scale, unit.c_str(), trained * scale, unit.c_str(),
                          method.c_str());
            out.emplace_back(line);
        }
    };
    check("energy", g.energyKeV, t.energyKeV, "keV", 1.0);
    check("distance", g.distanceM, t.distanceM, "mm", 1e3);
    check("pixel size", g.pixelSizeM, t.pixelSizeM, "nm", 1e9);
    return out;
}

Reconstruction LearnedModel::reconstruct(const core::ImageF& hologram,
                                         const std::optional<core::Geometry>& geometry)
{
    std::vector<core::ImageF> one{hologram};
    core::ProgressReporter none(nullptr, nullptr);
    return std::move(reconstructStack(one, geometry, 1, none).front());
}

std::vector<Reconstruction> LearnedModel::reconstructStack(
    const std::vector<core::ImageF>& holograms, const std::optional<core::Geometry>& geometry,
    int batchSize, const core::ProgressReporter& progress)
{
    initialiseRuntime();
    if (geometry) {
        geometry->validate();
        m->net->setPhysics(*geometry);
    } else if (m->hasGeometry) {
        m->net->setPhysics(m->training);
    }
    const int minSize = m->net->minimumSize();
    for (std::size_t i = 0; i < holograms.size(); ++i) {
        const core::ImageF& h = holograms[i];
        const std::string what = "hologram " + std::to_string(i + 1);
        if (h.empty())
            throw core::InputError(what + " is empty");
        if (h.width() < minSize || h.height() < minSize)
            throw core::InputError(what + " is " + std::to_string(h.width()) + "×" +
                                   std::to_string(h.height()) + "; " + toString(method()) +
                                   " needs at least " + std::to_string(minSize) + " pixels a side");
        core::requireFinite(h, what);
    }
    torch::NoGradGuard noGrad;
    std::vector<Reconstruction> out(holograms.size());
    const std::size_t batch = std::size_t(std::max(1, batchSize));
    std::size_t i = 0;
    while (i < holograms.size()) {
        progress.step(double(i) / double(holograms.size()), "reconstructing");
        // A batch of consecutive holograms of one size.
        std::size_t j = i + 1;
        while (j < holograms.size() && j - i < batch && holograms[j].sameShape(holograms[i]))
            ++j;
        const int h = holograms[i].height(), w = holograms[i].width();
        const std::size_t px = std::size_t(h) * w;
        std::vector<float> host((j - i) * px);
        for (std::size_t k = i; k < j; ++k)
            std::copy(holograms[k].begin(), holograms[k].end(), host.begin() + (k - i) * px);
        const torch::Tensor x = hostToTensor(host.data(), std::int64_t(j - i), 1, h, w, m->device);
        const torch::Tensor y = m->net->forward(x).to(torch::kCPU).contiguous();
        const float* p = y.data_ptr<float>();
        for (std::size_t k = i; k < j; ++k) {
            Reconstruction& r = out[k];
            r.absorption = core::ImageF(w, h, core::kNoInit);
            r.phase = core::ImageF(w, h, core::kNoInit);
            const float* base = p + (k - i) * 2 * px;
            std::copy(base, base + px, r.absorption.data());
            std::copy(base + px, base + 2 * px, r.phase.data());
        }
        i = j;
    }
    progress.step(1.0, "reconstructed");
    return out;
}

nlohmann::json modelInfo(const std::string& path)
{
    torch::serialize::InputArchive archive;
    loadArchive(archive, path, torch::kCPU);
    nlohmann::json meta = readJson(archive, "phaselab_metadata", path);
    if (meta.value("format", "") != kModelFormat)
        throw core::InputError(path + ": not a PhaseLab model file");
    return meta;
}

bool looksLikeModelFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {0, 0, 0, 0};
    in.read(magic, 4);
    return in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

} // namespace phaselab::models
