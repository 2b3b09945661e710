#include "phasegan_networks.h"

#include "phasegan_json.h"

namespace phaselab::models {

namespace {

namespace F = torch::nn::functional;

torch::nn::Conv2d conv3(int in, int out)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1));
}

torch::Tensor toLayout(const torch::Tensor& x)
{
    return phaseGanChannelsLast() && x.dim() == 4 ? x.contiguous(torch::MemoryFormat::ChannelsLast)
                                                  : x;
}

} // namespace

bool& phaseGanChannelsLast()
{
    static bool on = false;
    return on;
}

UNet11Impl::UNet11Impl(const PhaseGanOptions& o, int in, int out)
{
    const double w = o.width;
    const int e1 = phaseGanChannels(64, w), e2 = phaseGanChannels(128, w),
              e3 = phaseGanChannels(256, w), e4 = phaseGanChannels(512, w),
              e5 = phaseGanChannels(512, w), nf = phaseGanChannels(o.decoderFilters, w);
    const int enc[8][2] = {{in, e1}, {e1, e2}, {e2, e3}, {e3, e3},
                           {e3, e4}, {e4, e4}, {e4, e5}, {e5, e5}};
    const char* encNames[8] = {"conv1", "conv2", "conv3s", "conv3", "conv4s", "conv4", "conv5s", "conv5"};
    for (int i = 0; i < 8; ++i)
        encoder.push_back(register_module(encNames[i], conv3(enc[i][0], enc[i][1])));
    // DecoderBlock(in, middle, out) of TernausNet's UNet11.
    const int dec[5][3] = {{e5, nf * 16, nf * 8},
                           {nf * 8 + e5, nf * 16, nf * 8},
                           {nf * 8 + e4, nf * 16, nf * 4},
                           {nf * 4 + e3, nf * 8, nf * 2},
                           {nf * 2 + e2, nf * 4, nf}};
    const char* decNames[5] = {"center", "dec5", "dec4", "dec3", "dec2"};
    for (int i = 0; i < 5; ++i) {
        const std::string name = decNames[i];
        decoderConv.push_back(register_module(name + "_conv", conv3(dec[i][0], dec[i][1])));
        decoderUp.push_back(register_module(
            name + "_up", torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(
                                                         dec[i][1], dec[i][2], 3)
                                                         .stride(2)
                                                         .padding(1)
                                                         .output_padding(1))));
    }
    dec1 = register_module("dec1", conv3(nf + e1, nf));
    final = register_module("final", torch::nn::Conv2d(torch::nn::Conv2dOptions(nf, out, 1)));
}

torch::Tensor UNet11Impl::forwardAligned(const torch::Tensor& x)
{
    auto pool = [](const torch::Tensor& t) { return torch::max_pool2d(t, 2, 2); };
    auto cr = [](torch::nn::Conv2d& c, const torch::Tensor& t) { return c->forward(t).relu_(); };
    const torch::Tensor c1 = cr(encoder[0], toLayout(x));
    const torch::Tensor c2 = cr(encoder[1], pool(c1));
    const torch::Tensor c3 = cr(encoder[3], cr(encoder[2], pool(c2)));
    const torch::Tensor c4 = cr(encoder[5], cr(encoder[4], pool(c3)));
    const torch::Tensor c5 = cr(encoder[7], cr(encoder[6], pool(c4)));
    auto block = [&](int i, const torch::Tensor& t) {
        return decoderUp[std::size_t(i)]->forward(cr(decoderConv[std::size_t(i)], t)).relu_();
    };
    const torch::Tensor centre = block(0, pool(c5));
    const torch::Tensor d5 = block(1, torch::cat({centre, c5}, 1));
    const torch::Tensor d4 = block(2, torch::cat({d5, c4}, 1));
    const torch::Tensor d3 = block(3, torch::cat({d4, c3}, 1));
    const torch::Tensor d2 = block(4, torch::cat({d3, c2}, 1));
    const torch::Tensor d1 = cr(dec1, torch::cat({d2, c1}, 1));
    return final->forward(d1).contiguous();
}

torch::Tensor UNet11Impl::forward(const torch::Tensor& x)
{
    const std::int64_t h = x.size(2), w = x.size(3);
    const std::int64_t ph = (32 - h % 32) % 32, pw = (32 - w % 32) % 32;
    if (ph == 0 && pw == 0)
        return forwardAligned(x);
    // Edge padding split evenly, then the centre crop.
    const torch::Tensor padded =
        F::pad(x, F::PadFuncOptions({pw / 2, pw - pw / 2, ph / 2, ph - ph / 2})
                      .mode(torch::kReplicate));
    return forwardAligned(padded).narrow(2, ph / 2, h).narrow(3, pw / 2, w).contiguous();
}

PatchGanImpl::PatchGanImpl(const PhaseGanOptions& o, int in)
{
    const double w = o.width;
    const int d1 = phaseGanChannels(64, w), d2 = phaseGanChannels(128, w),
              d3 = phaseGanChannels(256, w), d4 = phaseGanChannels(512, w);
    auto c4 = [](int a, int b, int stride, bool bias) {
        return torch::nn::Conv2d(
            torch::nn::Conv2dOptions(a, b, 4).stride(stride).padding(1).bias(bias));
    };
    auto lrelu = [] {
        return torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2).inplace(true));
    };
    net = register_module(
        "net", torch::nn::Sequential(c4(in, d1, 2, true), lrelu(),                            //
                                     c4(d1, d2, 2, false), torch::nn::BatchNorm2d(d2), lrelu(),  //
                                     c4(d2, d3, 2, false), torch::nn::BatchNorm2d(d3), lrelu(),  //
                                     c4(d3, d4, 1, false), torch::nn::BatchNorm2d(d4), lrelu(),  //
                                     c4(d4, 1, 1, true)));
}

torch::Tensor PatchGanImpl::forward(const torch::Tensor& x)
{
    return net->forward(toLayout(x)).contiguous();
}

PhaseGanGeneratorImpl::PhaseGanGeneratorImpl(const PhaseGanOptions& options) : m_options(options)
{
    validate(m_options);
    unet = register_module("unet", UNet11(m_options, 1, 2));
    initialiseGenerator(*unet);
}

torch::Tensor PhaseGanGeneratorImpl::forward(const torch::Tensor& hologram)
{
    return unet->forward(hologram);
}

nlohmann::json PhaseGanGeneratorImpl::architecture() const
{
    return phaseGanArchitectureJson(m_options);
}

void initialiseGenerator(UNet11Impl& net)
{
    torch::NoGradGuard noGrad;
    for (auto& c : net.encoder) {
        torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanIn, torch::kReLU);
        c->bias.zero_();
    }
    for (std::size_t i = 0; i < net.decoderConv.size(); ++i) {
        torch::nn::init::kaiming_normal_(net.decoderConv[i]->weight, 0.0, torch::kFanIn, torch::kReLU);
        net.decoderConv[i]->bias.zero_();
        // On a transposed convolution's [in, out, k, k] weight torch's "fan-in" is out·k²; each
        // output of a stride-2 3×3 transposed convolution sums about in·k²/4 terms, so this draws
        // weights somewhat smaller than He's gain for the true fan-in (ReLU nets tolerate it).
        torch::nn::init::kaiming_normal_(net.decoderUp[i]->weight, 0.0, torch::kFanIn, torch::kReLU);
        net.decoderUp[i]->bias.zero_();
    }
    torch::nn::init::kaiming_normal_(net.dec1->weight, 0.0, torch::kFanIn, torch::kReLU);
    net.dec1->bias.zero_();
    torch::nn::init::normal_(net.final->weight, 0.0, 0.02);
    net.final->bias.zero_();
}

void initialiseDiscriminator(PatchGanImpl& net)
{
    torch::NoGradGuard noGrad;
    for (auto& m : net.net->modules(false)) {
        if (auto* c = m->as<torch::nn::Conv2dImpl>()) {
            torch::nn::init::normal_(c->weight, 0.0, 0.02);
            if (c->bias.defined())
                c->bias.zero_();
        } else if (auto* b = m->as<torch::nn::BatchNorm2dImpl>()) {
            torch::nn::init::normal_(b->weight, 1.0, 0.02);
            b->bias.zero_();
        }
    }
}

} // namespace phaselab::models
