// DGN, MS-D Net and PhaseGAN as registry methods: a model file's metadata answers check(), warnings() and
// the default physics cheaply; its weights load once and stay loaded between runs.
#include <phaselab/models/learned_method.h>

#include <phaselab/core/error.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/library.h>

#include <atomic>
#include <filesystem>
#include <optional>

namespace phaselab::models {

namespace {

std::atomic<int> g_loads{0};

/// A model file's identity: path, modification time and size, so an overwritten file reloads.
std::string fileStamp(const std::string& path)
{
    std::error_code ec;
    const auto time = std::filesystem::last_write_time(path, ec);
    if (ec)
        return {};
    const auto size = std::filesystem::file_size(path, ec);
    return path + "|" + std::to_string(time.time_since_epoch().count()) + "|" +
           std::to_string(ec ? 0 : size);
}

class LearnedMethod final : public core::ReconstructionMethod {
public:
    explicit LearnedMethod(Method method) : m_method(method), m_info(infoOf(method)) {}

    static core::MethodInfo infoOf(Method method)
    {
        if (method == Method::Dgn)
            return {"dgn", "Deep Gauss–Newton",
                    "Deep Gauss–Newton (Mom, Langer, Sixou 2023): a learned, unrolled Gauss–Newton "
                    "iteration with the Fresnel operator inside; needs a model trained with "
                    "phaselab-cli train --method dgn.",
                    core::MethodKind::Learned, false};
        if (method == Method::PhaseGan)
            return {"phasegan", "PhaseGAN",
                    "PhaseGAN (Zhang et al. 2021): a U-Net trained without paired ground truth, "
                    "on a set of holograms and a separate set of objects, with the Fresnel "
                    "propagator inside a CycleGAN cycle; needs a model trained with phaselab-cli "
                    "train --method phasegan at the physics of the data.",
                    core::MethodKind::Learned, false};
        return {"msd", "MS-D Net",
                "Mixed-Scale Dense network (Pelt & Sethian 2018): a purely learned "
                "hologram-to-object map; needs a model trained with phaselab-cli train --method "
                "msd at the physics of the data.",
                core::MethodKind::Learned, false};
    }

    const core::MethodInfo& info() const override { return m_info; }
    std::unique_ptr<core::MethodOptions> defaultOptions() const override
    {
        // The shipped model of the method, so that it runs without one's own (empty if none).
        auto o = std::make_unique<LearnedMethodOptions>();
        o->model = shippedModel(m_method);
        return o;
    }

    std::optional<core::Geometry> defaultGeometry(const core::MethodOptions& options) const override
    {
        const nlohmann::json* meta = metadata(of(options).model);
        if (!meta)
            return std::nullopt;
        return core::geometryFromJson(meta->value("physics", nlohmann::json::object()),
                                      of(options).model + ": training physics");
    }

    std::string check(const core::ReconstructionRequest& r, int width, int height) const override
    {
        const LearnedMethodOptions& o = of(*r.options);
        if (o.model.empty())
            return m_info.name + " needs a trained model file (--model, or choose one): train one "
                                 "with phaselab-cli train --method " +
                   m_info.id;
        const nlohmann::json* meta = metadata(o.model);
        if (!meta)
            return m_error;
        if (m_method == Method::Msd) {
            const int dmax =
                meta->value("architecture", nlohmann::json::object()).value("max_dilation", 10);
            if (width <= dmax || height <= dmax)
                return "MS-D Net needs images larger than " + std::to_string(dmax) +
                       " pixels on both axes";
        }
        return {};
    }

    std::vector<std::string> warnings(const core::ReconstructionRequest& r) const override
    {
        const nlohmann::json* meta = metadata(of(*r.options).model);
        if (!meta || !r.geometry)
            return {};
        return geometryWarnings(*meta, *r.geometry);
    }

    core::MethodResult solve(const core::ReconstructionRequest& r, const core::ImageF& hologram,
                             const core::ProgressReporter& progress, const core::PreviewFn&) override
    {
        const LearnedMethodOptions& o = of(*r.options);
        const std::string key = fileStamp(o.model) + "|" + o.device;
        if (!m_model || key != m_modelKey) {
            progress.step(0.0, "loading the model");
            m_model.reset();
            m_model = LearnedModel::load(o.model, o.device);
            if (m_model->method() != m_method) {
                const std::string other = toString(m_model->method());
                m_model.reset();
                throw core::InputError(o.model + ": is a " + other + " model, not " + m_info.id);
            }
            m_modelKey = key;
            ++g_loads;
        }
        progress.step(0.1, "reconstructing");
        std::vector<Reconstruction> out =
            m_model->reconstructStack({hologram}, r.geometry, 1, progress);
        const nlohmann::json& meta = m_model->metadata();
        core::MethodResult result;
        result.object.absorption = std::move(out.front().absorption);
        result.object.phase = std::move(out.front().phase);
        result.iterations = m_model->iterations();
        const nlohmann::json training = meta.value("training", nlohmann::json::object());
        result.details = {
            {"device", m_model->device()},
            {"model",
             {{"file", o.model},
              {"parameter_count", m_model->parameterCount()},
              {"architecture", meta.value("architecture", nlohmann::json::object())},
              {"training_physics", meta.value("physics", nlohmann::json::object())},
              {"best_epoch", training.value("best_epoch", 0)}}}};
        return result;
    }

private:
    static const LearnedMethodOptions& of(const core::MethodOptions& options)
    {
        const auto* o = dynamic_cast<const LearnedMethodOptions*>(&options);
        if (!o)
            throw core::InputError("a learned method got options of another method");
        return *o;
    }

    /// The file's metadata, read once per file stamp; null (m_error set) when unusable.
    const nlohmann::json* metadata(const std::string& path) const
    {
        if (path.empty())
            return nullptr;
        const std::string stamp = fileStamp(path);
        if (stamp.empty()) {
            m_metaStamp.clear();
            m_error = path + ": cannot open the model file";
            return nullptr;
        }
        if (stamp != m_metaStamp) {
            m_metaStamp = stamp;
            m_meta.reset();
            m_error.clear();
            try {
                nlohmann::json meta = modelInfo(path);
                if (meta.value("method", std::string()) != m_info.id)
                    m_error = path + ": is a " + meta.value("method", std::string("?")) +
                              " model, not " + m_info.id;
                else
                    m_meta = std::move(meta);
            } catch (const std::exception& e) {
                m_error = e.what();
            }
        }
        return m_meta ? &*m_meta : nullptr;
    }

    Method m_method;
    core::MethodInfo m_info;
    std::optional<LearnedModel> m_model;
    std::string m_modelKey;
    mutable std::string m_metaStamp, m_error;
    mutable std::optional<nlohmann::json> m_meta;
};

} // namespace

nlohmann::json LearnedMethodOptions::toJson() const
{
    return {{"model", model}, {"device", device}};
}

void LearnedMethodOptions::fromJson(const nlohmann::json& j)
{
    core::OptionReader r(j, "learned method options");
    r.read("model", model);
    r.read("device", device);
    r.finish();
}

void LearnedMethodOptions::validate() const
{
    if (device != "auto" && device != "cpu" && device != "cuda")
        throw core::InputError("device '" + device + "' is not one of auto, cpu, cuda");
}

std::vector<core::OptionField> LearnedMethodOptions::fields() const
{
    using Type = core::OptionField::Type;
    return {{"model", "model",
             "model file written by phaselab-cli train (default: the model PhaseLab ships for "
             "the method)",
             Type::Text, {}},
            {"device", "device", "where inference runs", Type::Choice, {"auto", "cpu", "cuda"}}};
}

int modelLoadCount()
{
    return g_loads.load();
}

void registerLearnedMethods(core::MethodRegistry& registry)
{
    for (Method m : {Method::Dgn, Method::Msd, Method::PhaseGan})
        registry.add(LearnedMethod::infoOf(m), [m] { return std::make_unique<LearnedMethod>(m); });
}

} // namespace phaselab::models
