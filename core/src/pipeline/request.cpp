#include <phaselab/core/reconstruction_request.h>

#include <phaselab/core/error.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/padding.h>
#include <phaselab/core/reconstruction_method.h>

#include <filesystem>

namespace phaselab::core {

namespace {

std::string absoluteSpec(const std::string& spec)
{
    if (spec.empty())
        return spec;
    const ImageSpec parsed = parseImageSpec(spec);
    std::error_code ec;
    std::filesystem::path p = std::filesystem::absolute(parsed.path, ec);
    if (ec)
        return spec;
    std::string out = p.lexically_normal().string();
    if (!parsed.dataset.empty())
        out += ":" + parsed.dataset;
    return out;
}

} // namespace

std::string toString(Normalisation n)
{
    switch (n) {
    case Normalisation::Check: return "check";
    case Normalisation::None: return "none";
    case Normalisation::Mean: return "mean";
    case Normalisation::Percentile: return "percentile";
    }
    return "?";
}

Normalisation parseNormalisation(const std::string& text)
{
    for (Normalisation n : {Normalisation::Check, Normalisation::None, Normalisation::Mean,
                            Normalisation::Percentile})
        if (text == toString(n))
            return n;
    throw InputError("normalisation '" + text + "' is not one of check, none, mean, percentile");
}

InputSpec InputSpec::absolute() const
{
    InputSpec s = *this;
    if (kind == Kind::File) {
        s.path = absoluteSpec(path);
        s.flatField.flat = absoluteSpec(flatField.flat);
        s.flatField.flatAfter = absoluteSpec(flatField.flatAfter);
        s.flatField.dark = absoluteSpec(flatField.dark);
    }
    return s;
}

nlohmann::json InputSpec::toJson() const
{
    if (kind == Kind::Demo)
        return {{"kind", "demo"}, {"size", demoSize}};
    return {{"kind", "file"},
            {"path", path},
            {"frame", frame},
            {"flat", flatField.flat},
            {"flat_after", flatField.flatAfter},
            {"dark", flatField.dark},
            {"averaging", flatField.averaging == FrameAveraging::Median ? "median" : "mean"},
            {"automatic", flatField.automatic},
            {"normalise", toString(normalise)},
            {"percentile", percentile}};
}

InputSpec InputSpec::fromJson(const nlohmann::json& j)
{
    OptionReader r(j, "input");
    InputSpec s;
    std::string kind = "file";
    r.read("kind", kind);
    if (kind == "demo") {
        s.kind = Kind::Demo;
        r.read("size", s.demoSize);
        r.finish();
        if (s.demoSize < 16 || s.demoSize > 4096)
            throw InputError("input: demo size must be 16 to 4096 pixels");
        return s;
    }
    if (kind != "file")
        throw InputError("input: kind must be 'file' or 'demo', got '" + kind + "'");
    r.read("path", s.path);
    r.read("frame", s.frame);
    r.read("flat", s.flatField.flat);
    r.read("flat_after", s.flatField.flatAfter);
    r.read("dark", s.flatField.dark);
    std::string averaging = "mean";
    r.read("averaging", averaging);
    s.flatField.averaging = parseFrameAveraging(averaging);
    r.read("automatic", s.flatField.automatic);
    std::string normalise = toString(s.normalise);
    r.read("normalise", normalise);
    s.normalise = parseNormalisation(normalise);
    r.read("percentile", s.percentile);
    r.finish();
    if (s.path.empty())
        throw InputError("input: no file named");
    if (s.frame < 0)
        throw InputError("input: frame must be ≥ 0");
    if (!(s.percentile > 0 && s.percentile <= 100))
        throw InputError("input: percentile must be in (0, 100]");
    return s;
}

nlohmann::json toJson(const Geometry& g)
{
    return {{"energy_keV", g.energyKeV},
            {"distance_m", g.distanceM},
            {"pixel_size_m", g.pixelSizeM},
            {"wavelength_m", g.wavelengthM()},
            {"fresnel_number", g.fresnelNumber()}};
}

Geometry geometryFromJson(const nlohmann::json& j, const std::string& what)
{
    if (!j.is_object())
        throw InputError(what + ": geometry must be an object");
    Geometry g;
    for (const auto& [key, field] : {std::pair{"energy_keV", &g.energyKeV},
                                     std::pair{"distance_m", &g.distanceM},
                                     std::pair{"pixel_size_m", &g.pixelSizeM}}) {
        const auto it = j.find(key);
        if (it == j.end())
            throw InputError(what + ": geometry has no '" + key + "'");
        if (!it->is_number())
            throw InputError(what + ": geometry '" + key + "' must be a number");
        *field = it->get<double>();
    }
    g.validate();
    return g;
}

nlohmann::json ReconstructionRequest::toJson() const
{
    nlohmann::json j = {{"input", input.toJson()},
                        {"propagation",
                         {{"padding", core::toString(propagation.padding)},
                          {"pad_factor", propagation.padFactor},
                          {"oversample", propagation.oversample},
                          {"phase_sign", propagation.phaseSign}}},
                        {"beta_over_delta", betaOverDelta},
                        {"method", method}};
    if (geometry)
        j["geometry"] = core::toJson(*geometry);
    j["options"] = options ? options->toJson()
                           : (MethodRegistry::instance().contains(method)
                                  ? MethodRegistry::instance().defaultOptions(method)->toJson()
                                  : nlohmann::json::object());
    return j;
}

ReconstructionRequest ReconstructionRequest::fromJson(const nlohmann::json& j,
                                                      const std::string& what)
{
    if (!j.is_object())
        throw InputError(what + ": not a JSON object");
    ReconstructionRequest r;
    try {
        if (!j.contains("method") || !j["method"].is_string())
            throw InputError("names no method");
        r.method = j["method"].get<std::string>();
        if (!MethodRegistry::instance().contains(r.method))
            throw InputError("method '" + r.method + "' is not available here");
        if (!j.contains("input"))
            throw InputError("names no input");
        r.input = InputSpec::fromJson(j["input"]);
        if (j.contains("geometry"))
            r.geometry = geometryFromJson(j["geometry"], "geometry");
        if (j.contains("propagation")) {
            OptionReader p(j["propagation"], "propagation");
            std::string padding = core::toString(r.propagation.padding);
            p.read("padding", padding);
            r.propagation.padding = parsePadding(padding);
            p.read("pad_factor", r.propagation.padFactor);
            p.read("oversample", r.propagation.oversample);
            p.read("phase_sign", r.propagation.phaseSign);
            requirePhaseSign(r.propagation.phaseSign);
            p.finish();
        }
        if (j.contains("beta_over_delta")) {
            if (!j["beta_over_delta"].is_number())
                throw InputError("beta_over_delta must be a number");
            r.betaOverDelta = j["beta_over_delta"].get<double>();
        }
        std::unique_ptr<MethodOptions> options = MethodRegistry::instance().defaultOptions(r.method);
        if (j.contains("options"))
            options->fromJson(j["options"]);
        options->validate();
        r.options = std::move(options);
    } catch (const InputError& e) {
        throw InputError(what + ": " + e.what());
    }
    return r;
}

} // namespace phaselab::core
