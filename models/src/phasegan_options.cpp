// PhaseGAN's options: parameter counts without building the networks, validation, JSON.
#include "options_json.h"
#include "phasegan_json.h"

#include <phaselab/core/error.h>

#include <cmath>

namespace phaselab::models {

namespace {

std::int64_t conv(std::int64_t in, std::int64_t out, std::int64_t k, bool bias = true)
{
    return in * out * k * k + (bias ? out : 0);
}

} // namespace

int phaseGanChannels(int base, double width)
{
    return std::max(1, int(std::lround(double(base) * width)));
}

std::int64_t phaseGanGeneratorParameterCount(const PhaseGanOptions& o, int in, int out)
{
    // UNet11 (see phasegan.h): VGG11 encoder, decoder blocks (3×3 conv, 3×3 transposed conv).
    const double w = o.width;
    const std::int64_t e1 = phaseGanChannels(64, w), e2 = phaseGanChannels(128, w),
                       e3 = phaseGanChannels(256, w), e4 = phaseGanChannels(512, w),
                       e5 = phaseGanChannels(512, w), nf = phaseGanChannels(o.decoderFilters, w);
    std::int64_t n = conv(in, e1, 3) + conv(e1, e2, 3) + conv(e2, e3, 3) + conv(e3, e3, 3) +
                     conv(e3, e4, 3) + conv(e4, e4, 3) + conv(e4, e5, 3) + conv(e5, e5, 3);
    auto block = [](std::int64_t a, std::int64_t mid, std::int64_t b) {
        return conv(a, mid, 3) + conv(mid, b, 3);  // transposed: weight [mid, b, 3, 3], bias b
    };
    n += block(e5, nf * 16, nf * 8);           // centre
    n += block(nf * 8 + e5, nf * 16, nf * 8);  // dec5
    n += block(nf * 8 + e4, nf * 16, nf * 4);  // dec4
    n += block(nf * 4 + e3, nf * 8, nf * 2);   // dec3
    n += block(nf * 2 + e2, nf * 4, nf);       // dec2
    n += conv(nf + e1, nf, 3);                 // dec1
    n += conv(nf, out, 1);                     // final
    return n;
}

std::int64_t phaseGanDiscriminatorParameterCount(const PhaseGanOptions& o, int in)
{
    const double w = o.width;
    const std::int64_t d1 = phaseGanChannels(64, w), d2 = phaseGanChannels(128, w),
                       d3 = phaseGanChannels(256, w), d4 = phaseGanChannels(512, w);
    // Convolutions before a BatchNorm carry no bias; BatchNorm has weight and shift.
    return conv(in, d1, 4) + conv(d1, d2, 4, false) + 2 * d2 + conv(d2, d3, 4, false) + 2 * d3 +
           conv(d3, d4, 4, false) + 2 * d4 + conv(d4, 1, 4);
}

std::int64_t parameterCount(const PhaseGanOptions& o)
{
    return phaseGanGeneratorParameterCount(o, 1, 2);
}

void validate(const PhaseGanOptions& o)
{
    if (!(o.width > 0 && o.width <= 4))
        throw core::InputError("PhaseGAN width must be in (0, 4], got " + std::to_string(o.width));
    if (o.decoderFilters < 1 || o.decoderFilters > 1024)
        throw core::InputError("PhaseGAN decoder filters must be between 1 and 1024");
    if (o.padding != core::Padding::Periodic && !(o.padFactor >= 1 && o.padFactor <= 16))
        throw core::InputError("PhaseGAN pad factor must be between 1 and 16");
    for (double v : {o.adversarialWeight, o.cycleObjectWeight, o.cycleIntensityWeight,
                     o.frcObjectWeight, o.frcIntensityWeight})
        if (!(v >= 0 && std::isfinite(v)))
            throw core::InputError("PhaseGAN loss weights must be finite and non-negative");
    if (!(o.discriminatorLearningRate > 0 && std::isfinite(o.discriminatorLearningRate)))
        throw core::InputError("PhaseGAN discriminator learning rate must be positive");
    if (!(o.adamBeta1 >= 0 && o.adamBeta1 < 1) || !(o.adamBeta2 >= 0 && o.adamBeta2 < 1))
        throw core::InputError("PhaseGAN Adam betas must be in [0, 1)");
}

nlohmann::json phaseGanArchitectureJson(const PhaseGanOptions& o)
{
    return {{"width", o.width},
            {"decoder_filters", o.decoderFilters},
            {"detector_residual", o.detectorResidual},
            {"padding", core::toString(o.padding)},
            {"pad_factor", o.padFactor}};
}

nlohmann::json phaseGanTrainingJson(const PhaseGanOptions& o)
{
    return {{"adversarial_weight", o.adversarialWeight},
            {"cycle_object_weight", o.cycleObjectWeight},
            {"cycle_intensity_weight", o.cycleIntensityWeight},
            {"frc_object_weight", o.frcObjectWeight},
            {"frc_intensity_weight", o.frcIntensityWeight},
            {"discriminator_learning_rate", o.discriminatorLearningRate},
            {"adam_beta1", o.adamBeta1},
            {"adam_beta2", o.adamBeta2}};
}

PhaseGanOptions phaseGanOptionsFromJson(const nlohmann::json& a, const nlohmann::json& t,
                                        const std::string& what)
{
    PhaseGanOptions o;
    readKey(a, "width", o.width, what);
    readKey(a, "decoder_filters", o.decoderFilters, what);
    readKey(a, "detector_residual", o.detectorResidual, what);
    std::string padding = core::toString(o.padding);
    readKey(a, "padding", padding, what);
    o.padding = core::parsePadding(padding);
    readKey(a, "pad_factor", o.padFactor, what);
    readKey(t, "adversarial_weight", o.adversarialWeight, what);
    readKey(t, "cycle_object_weight", o.cycleObjectWeight, what);
    readKey(t, "cycle_intensity_weight", o.cycleIntensityWeight, what);
    readKey(t, "frc_object_weight", o.frcObjectWeight, what);
    readKey(t, "frc_intensity_weight", o.frcIntensityWeight, what);
    readKey(t, "discriminator_learning_rate", o.discriminatorLearningRate, what);
    readKey(t, "adam_beta1", o.adamBeta1, what);
    readKey(t, "adam_beta2", o.adamBeta2, what);
    validate(o);
    return o;
}

} // namespace phaselab::models
