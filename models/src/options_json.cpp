#include "options_json.h"

#include <phaselab/core/error.h>

#include <cmath>

namespace phaselab::models {

namespace {

constexpr double kPi = 3.14159265358979323846;

} // namespace

std::string toString(Method method)
{
    switch (method) {
    case Method::Dgn: return "dgn";
    case Method::Msd: return "msd";
    case Method::PhaseGan: return "phasegan";
    }
    return "?";
}

Method parseMethod(const std::string& text)
{
    if (text == "dgn")
        return Method::Dgn;
    if (text == "msd")
        return Method::Msd;
    if (text == "phasegan")
        return Method::PhaseGan;
    throw core::InputError("method '" + text + "' is not one of dgn, msd, phasegan");
}

std::string toString(Schedule schedule)
{
    switch (schedule) {
    case Schedule::Auto: return "auto";
    case Schedule::Constant: return "constant";
    case Schedule::Cosine: return "cosine";
    case Schedule::Step: return "step";
    }
    return "?";
}

Schedule parseSchedule(const std::string& text)
{
    if (text == "auto")
        return Schedule::Auto;
    if (text == "constant")
        return Schedule::Constant;
    if (text == "cosine")
        return Schedule::Cosine;
    if (text == "step")
        return Schedule::Step;
    throw core::InputError("schedule '" + text + "' is not one of auto, constant, cosine, step");
}

std::string toString(Precision precision)
{
    switch (precision) {
    case Precision::Auto: return "auto";
    case Precision::Float32: return "float32";
    case Precision::BFloat16: return "bf16";
    }
    return "?";
}

Precision parsePrecision(const std::string& text)
{
    if (text == "auto")
        return Precision::Auto;
    if (text == "float32")
        return Precision::Float32;
    if (text == "bf16" || text == "bfloat16")
        return Precision::BFloat16;
    throw core::InputError("precision '" + text + "' is not one of auto, float32, bf16");
}

std::int64_t parameterCount(const DgnOptions& o)
{
    // G: k×k convolutions 2 → w1 → w2 → 2; H: the same from 4 channels (physics.md §5).
    const std::int64_t k2 = std::int64_t(o.kernelSize) * o.kernelSize;
    auto net = [&](std::int64_t in) {
        return (in * o.width1 * k2 + o.width1) + (std::int64_t(o.width1) * o.width2 * k2 + o.width2) +
               (std::int64_t(o.width2) * 2 * k2 + 2);
    };
    return net(2) + net(4);
}

std::int64_t parameterCount(const MsdOptions& o)
{
    // Layer i: 3×3 over 1 + i·width maps → width maps, + bias; final 1×1 over all → 2, + bias.
    std::int64_t n = 0;
    for (int i = 0; i < o.depth; ++i)
        n += std::int64_t(9) * (1 + std::int64_t(i) * o.width) * o.width + o.width;
    const std::int64_t maps = 1 + std::int64_t(o.depth) * o.width;
    return n + maps * 2 + 2;
}

nlohmann::json toJson(const DgnOptions& o)
{
    return {{"iterations", o.iterations},       {"hessian_input", o.hessianInput},
            {"width1", o.width1},               {"width2", o.width2},
            {"kernel_size", o.kernelSize},      {"slope", o.slope},
            {"padding", core::toString(o.padding)}, {"pad_factor", o.padFactor},
            {"loss", o.balancedLoss ? "balanced" : "mse"}};
}

nlohmann::json toJson(const MsdOptions& o)
{
    return {{"depth", o.depth}, {"width", o.width}, {"max_dilation", o.maxDilation}};
}

nlohmann::json toJson(const EpochRecord& r)
{
    nlohmann::json j = {{"epoch", r.epoch},
                        {"train_loss", r.trainLoss},
                        {"val_loss", r.valLoss},
                        {"learning_rate", r.learningRate},
                        {"seconds", r.seconds},
                        {"samples_per_second", r.samplesPerSecond}};
    if (!r.metrics.empty())
        j["metrics"] = r.metrics;
    return j;
}

DgnOptions dgnOptionsFromJson(const nlohmann::json& j, const std::string& what)
{
    DgnOptions o;
    readKey(j, "iterations", o.iterations, what);
    readKey(j, "hessian_input", o.hessianInput, what);
    readKey(j, "width1", o.width1, what);
    readKey(j, "width2", o.width2, what);
    readKey(j, "kernel_size", o.kernelSize, what);
    readKey(j, "slope", o.slope, what);
    std::string padding = core::toString(o.padding);
    readKey(j, "padding", padding, what);
    o.padding = core::parsePadding(padding);
    readKey(j, "pad_factor", o.padFactor, what);
    // Files written before the key existed trained with the plain MSE.
    std::string loss = "mse";
    readKey(j, "loss", loss, what);
    if (loss != "balanced" && loss != "mse")
        throw core::InputError(what + ": DGN loss '" + loss + "' is not one of balanced, mse");
    o.balancedLoss = loss == "balanced";
    validate(o);
    return o;
}

MsdOptions msdOptionsFromJson(const nlohmann::json& j, const std::string& what)
{
    MsdOptions o;
    readKey(j, "depth", o.depth, what);
    readKey(j, "width", o.width, what);
    readKey(j, "max_dilation", o.maxDilation, what);
    validate(o);
    return o;
}

EpochRecord epochRecordFromJson(const nlohmann::json& j)
{
    EpochRecord r;
    const std::string what = "history";
    readKey(j, "epoch", r.epoch, what);
    readKey(j, "train_loss", r.trainLoss, what);
    readKey(j, "val_loss", r.valLoss, what);
    readKey(j, "learning_rate", r.learningRate, what);
    readKey(j, "seconds", r.seconds, what);
    readKey(j, "samples_per_second", r.samplesPerSecond, what);
    readKey(j, "metrics", r.metrics, what);
    return r;
}

void validate(const DgnOptions& o)
{
    if (o.iterations < 1 || o.iterations > 1000)
        throw core::InputError("DGN iterations must be between 1 and 1000, got " +
                               std::to_string(o.iterations));
    if (o.width1 < 1 || o.width2 < 1 || o.width1 > 4096 || o.width2 > 4096)
        throw core::InputError("DGN widths must be between 1 and 4096");
    if (o.kernelSize < 1 || o.kernelSize % 2 == 0 || o.kernelSize > 31)
        throw core::InputError("DGN kernel size must be odd, 1 … 31, got " +
                               std::to_string(o.kernelSize));
    if (!(o.slope >= 0 && o.slope < 1))
        throw core::InputError("DGN LReLU slope must be in [0, 1)");
    if (o.padding != core::Padding::Periodic && !(o.padFactor >= 1 && o.padFactor <= 16))
        throw core::InputError("DGN pad factor must be between 1 and 16");
}

void validate(const MsdOptions& o)
{
    if (o.depth < 1 || o.depth > 1000)
        throw core::InputError("MS-D depth must be between 1 and 1000, got " +
                               std::to_string(o.depth));
    if (o.width < 1 || o.width > 64)
        throw core::InputError("MS-D width must be between 1 and 64, got " +
                               std::to_string(o.width));
    if (o.maxDilation < 1 || o.maxDilation > 64)
        throw core::InputError("MS-D maximum dilation must be between 1 and 64, got " +
                               std::to_string(o.maxDilation));
}

double defaultLearningRate(Method m)
{
    return m == Method::Dgn ? 5e-4 : m == Method::PhaseGan ? 2e-4 : 1e-3;
}

Schedule defaultSchedule(Method m)
{
    return m == Method::Dgn ? Schedule::Cosine
           : m == Method::PhaseGan ? Schedule::Step
                                   : Schedule::Constant;
}

double defaultGradientClip(Method m)
{
    return m == Method::Dgn ? 1.0 : m == Method::PhaseGan ? 10.0 : 0.0;
}

double learningRateAt(Schedule s, Method m, double lr0, int epoch, int epochs, int stepEpochs,
                      double stepGamma)
{
    if (s == Schedule::Auto)
        s = defaultSchedule(m);
    switch (s) {
    case Schedule::Cosine:
        return lr0 * 0.5 * (1.0 + std::cos(kPi * double(epoch) / double(std::max(1, epochs))));
    case Schedule::Step:
        return lr0 * std::pow(stepGamma, double(epoch / std::max(1, stepEpochs)));
    default: return lr0;
    }
}

} // namespace phaselab::models
