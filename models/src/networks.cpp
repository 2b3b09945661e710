#include "network.h"

#include "msd_kernels.h"
#include "options_json.h"
#include "phasegan_json.h"
#include "phasegan_networks.h"

#include <phaselab/core/error.h>
#include <phaselab/models/runtime.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace phaselab::models {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// Lower bound of the absorption at which DGN evaluates its Fresnel operator (see forward()).
constexpr double kMinAbsorption = 0.0;

int dilationOf(int layer, int maxDilation)
{
    return layer % maxDilation + 1;
}

torch::nn::Sequential convBlock(int in, const DgnOptions& o)
{
    auto conv = [&](int a, int b) {
        return torch::nn::Conv2d(
            torch::nn::Conv2dOptions(a, b, o.kernelSize).padding(o.kernelSize / 2));
    };
    auto lrelu = [&] {
        return torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(o.slope));
    };
    return torch::nn::Sequential(conv(in, o.width1), lrelu(), conv(o.width1, o.width2), lrelu(),
                                 conv(o.width2, 2));
}

// The dense part of MS-D Net as one autograd node. Inputs: x [N, 1, H, W], the layer weights
// [w, c_i, 3, 3] and biases [w]; output: all maps [N, 1 + depth·w, H, W].
//
// Layer i (c_i = 1 + i·w input maps, dilation d): z = Wᵢ · maps[:, :c_i] as a GEMM with Wᵢ
// [9w, c_i] (tap-major rows), then out(p) = b + Σ_t z_t(reflect(p + d·(t − 1))), computed as
// reflection-padding the nine tap planes by d and summing shifted windows; ReLU.
struct MsdDenseFunction : public torch::autograd::Function<MsdDenseFunction> {
    static torch::Tensor tapMatrix(const torch::Tensor& weight)
    {
        const auto w = weight.size(0), c = weight.size(1);
        // [w, c, 3, 3] → [w, 9, c] → [9w, c]
        return weight.reshape({w, c, 9}).permute({0, 2, 1}).reshape({w * 9, c});
    }

    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x,
                                 torch::TensorList weights, torch::TensorList biases,
                                 int64_t maxDilation)
    {
        const auto n = x.size(0), h = x.size(2), wd = x.size(3);
        const auto depth = std::int64_t(weights.size());
        const auto width = weights.empty() ? 1 : weights[0].size(0);
        const auto channels = 1 + depth * width;
        const auto hw = h * wd;
        torch::Tensor maps = torch::empty({n, channels, h, wd}, x.options());
        maps.narrow(1, 0, 1).copy_(x);
        if (maps.is_cpu() && !msdUseGenericPath()) {
            const msd::Shape shape{n, channels, h, wd};
            for (std::int64_t i = 0; i < depth; ++i) {
                const auto d = std::int64_t(dilationOf(int(i), int(maxDilation)));
                const torch::Tensor k = weights[std::size_t(i)].contiguous();
                const torch::Tensor b = biases[std::size_t(i)].contiguous();
                if (maps.scalar_type() == torch::kDouble)
                    msd::layerForward(maps.data_ptr<double>(), shape, 1 + i * width, width,
                                      k.data_ptr<double>(), b.data_ptr<double>(), d);
                else
                    msd::layerForward(maps.data_ptr<float>(), shape, 1 + i * width, width,
                                      k.data_ptr<float>(), b.data_ptr<float>(), d);
            }
            saveState(ctx, maps, weights, maxDilation);
            return maps;
        }
        const torch::Tensor flat = maps.view({n, channels, hw});
        for (std::int64_t i = 0; i < depth; ++i) {
            const auto c = 1 + i * width;
            const auto d = std::int64_t(dilationOf(int(i), int(maxDilation)));
            const torch::Tensor z =
                torch::matmul(tapMatrix(weights[std::size_t(i)]), flat.narrow(1, 0, c))
                    .view({n, width * 9, h, wd});
            const torch::Tensor zp =
                torch::reflection_pad2d(z, {d, d, d, d}).view({n, width, 9, h + 2 * d, wd + 2 * d});
            torch::Tensor acc = biases[std::size_t(i)].view({1, width, 1, 1}).expand({n, width, h, wd}).clone();
            for (int t = 0; t < 9; ++t) {
                const auto ky = t / 3, kx = t % 3;
                acc.add_(zp.select(2, t).narrow(2, ky * d, h).narrow(3, kx * d, wd));
            }
            maps.narrow(1, c, width).copy_(acc.clamp_min_(0));
        }
        saveState(ctx, maps, weights, maxDilation);
        return maps;
    }

    static void saveState(AutogradContext* ctx, const torch::Tensor& maps, torch::TensorList weights,
                          int64_t maxDilation)
    {
        std::vector<torch::Tensor> saved{maps};
        saved.insert(saved.end(), weights.begin(), weights.end());
        ctx->save_for_backward(saved);
        ctx->saved_data["max_dilation"] = maxDilation;
    }

    static tensor_list backward(AutogradContext* ctx, tensor_list gradOutputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor& maps = saved[0];
        const auto depth = std::int64_t(saved.size()) - 1;
        const auto maxDilation = ctx->saved_data["max_dilation"].toInt();
        const auto n = maps.size(0), channels = maps.size(1), h = maps.size(2), wd = maps.size(3);
        const auto width = depth > 0 ? saved[1].size(0) : 1;
        const auto hw = h * wd;

        torch::Tensor grad = gradOutputs[0].defined() ? gradOutputs[0].contiguous().clone()
                                                      : torch::zeros_like(maps);
        const torch::Tensor gradFlat = grad.view({n, channels, hw});
        const torch::Tensor flat = maps.view({n, channels, hw});
        std::vector<torch::Tensor> dWeights(static_cast<std::size_t>(depth)), dBiases(static_cast<std::size_t>(depth));
        const bool cpuKernels = maps.is_cpu() && !msdUseGenericPath();
        if (cpuKernels) {
            const msd::Shape shape{n, channels, h, wd};
            const torch::Tensor scratch = torch::empty({n * width * 10 * hw}, maps.options());
            const torch::Tensor m = maps.contiguous();
            for (std::int64_t i = depth - 1; i >= 0; --i) {
                const auto c = 1 + i * width;
                const auto d = std::int64_t(dilationOf(int(i), int(maxDilation)));
                const torch::Tensor k = saved[std::size_t(i + 1)].contiguous();
                torch::Tensor dw = torch::empty({width, c, 3, 3}, maps.options());
                torch::Tensor db = torch::empty({width}, maps.options());
                if (maps.scalar_type() == torch::kDouble)
                    msd::layerBackward(m.data_ptr<double>(), grad.data_ptr<double>(), shape, c,
                                       width, k.data_ptr<double>(), d, dw.data_ptr<double>(),
                                       db.data_ptr<double>(), scratch.data_ptr<double>());
                else
                    msd::layerBackward(m.data_ptr<float>(), grad.data_ptr<float>(), shape, c,
                                       width, k.data_ptr<float>(), d, dw.data_ptr<float>(),
                                       db.data_ptr<float>(), scratch.data_ptr<float>());
                dWeights[std::size_t(i)] = dw;
                dBiases[std::size_t(i)] = db;
            }
        }
        // The generic path (any device): GEMMs and shifted sums with ATen ops.
        for (std::int64_t i = cpuKernels ? -1 : depth - 1; i >= 0; --i) {
            const auto c = 1 + i * width;
            const auto d = std::int64_t(dilationOf(int(i), int(maxDilation)));
            const torch::Tensor& weight = saved[std::size_t(i + 1)];
            // Through the ReLU: the stored maps are its outputs, positive exactly where it passed.
            const torch::Tensor out = maps.narrow(1, c, width);
            const torch::Tensor g = grad.narrow(1, c, width) * out.gt(0).to(out.scalar_type());
            dBiases[std::size_t(i)] = g.sum({0, 2, 3});
            // Adjoint of "reflect-pad the tap planes, sum shifted windows".
            torch::Tensor dzp = torch::zeros({n, width, 9, h + 2 * d, wd + 2 * d}, maps.options());
            for (int t = 0; t < 9; ++t) {
                const auto ky = t / 3, kx = t % 3;
                dzp.select(2, t).narrow(2, ky * d, h).narrow(3, kx * d, wd).copy_(g);
            }
            const torch::Tensor shape = torch::empty({n, width * 9, h, wd}, maps.options());
            const torch::Tensor dz =
                torch::reflection_pad2d_backward(dzp.view({n, width * 9, h + 2 * d, wd + 2 * d}),
                                                 shape, {d, d, d, d})
                    .view({n, width * 9, hw});
            const torch::Tensor in = flat.narrow(1, 0, c);
            // dW = Σ_n dz_n · in_nᵀ  [9w, c]  →  [w, c, 3, 3]
            const torch::Tensor dTap = torch::matmul(dz, in.transpose(1, 2)).sum(0);
            dWeights[std::size_t(i)] =
                dTap.view({width, 9, c}).permute({0, 2, 1}).reshape({width, c, 3, 3});
            // d(in) += Wᵀ · dz
            gradFlat.narrow(1, 0, c).add_(torch::matmul(tapMatrix(weight).t(), dz));
        }
        tensor_list result;
        result.push_back(grad.narrow(1, 0, 1));
        result.insert(result.end(), dWeights.begin(), dWeights.end());
        result.insert(result.end(), dBiases.begin(), dBiases.end());
        result.emplace_back();  // maxDilation
        return result;
    }
};

} // namespace

bool& msdUseGenericPath()
{
    static bool generic = false;
    return generic;
}

std::int64_t NetworkImpl::parameterCount() const
{
    std::int64_t n = 0;
    for (const auto& p : parameters())
        n += p.numel();
    return n;
}

torch::Tensor NetworkImpl::loss(const torch::Tensor& prediction, const torch::Tensor& target) const
{
    return torch::mse_loss(prediction, target);
}

// ---------------------------------------------------------------------------------------------
// DGN

DgnImpl::DgnImpl(const DgnOptions& options) : m_options(options)
{
    validate(options);
    regulariser = register_module("G", convBlock(2, options));
    update = register_module("H", convBlock(4, options));
}

nlohmann::json DgnImpl::architecture() const
{
    return toJson(m_options);
}

void DgnImpl::fitNormalisation(const DatasetStatistics& s)
{
    // Mean squares, not variances: the balanced loss is then Σ_c NMSE_c (physics.md §6) of the
    // batch up to the per-sample normalisation. A floor keeps an all-zero channel harmless.
    auto meanSquare = [](double mean, double sd) { return std::max(mean * mean + sd * sd, 1e-12); };
    m_absorptionMeanSquare = meanSquare(s.absorptionMean, s.absorptionStd);
    m_phaseMeanSquare = meanSquare(s.phaseMean, s.phaseStd);
}

nlohmann::json DgnImpl::normalisation() const
{
    if (!m_options.balancedLoss)
        return nullptr;
    return {{"loss_mean_square", {m_absorptionMeanSquare, m_phaseMeanSquare}}};
}

torch::Tensor DgnImpl::loss(const torch::Tensor& prediction, const torch::Tensor& target) const
{
    if (!m_options.balancedLoss)
        return torch::mse_loss(prediction, target);
    const torch::Tensor err = (prediction - target).square().mean({0, 2, 3});  // per channel
    // ½ Σ_c: the same scale as an MSE of unit-variance channels.
    return 0.5 * (err[0] / m_absorptionMeanSquare + err[1] / m_phaseMeanSquare);
}

void DgnImpl::setPhysics(const core::Geometry& g)
{
    g.validate();
    if (g.energyKeV == m_geometry.energyKeV && g.distanceM == m_geometry.distanceM &&
        g.pixelSizeM == m_geometry.pixelSizeM)
        return;  // keep the cached operator
    m_geometry = g;
    m_fresnel.reset();
}

const TorchFresnel& DgnImpl::fresnelFor(const torch::Tensor& hologram)
{
    const int h = int(hologram.size(2)), w = int(hologram.size(3));
    const auto& g = m_geometry;
    if (!m_fresnel || m_fresnel->height() != h || m_fresnel->width() != w ||
        m_fresnel->device() != hologram.device() ||
        m_fresnel->realType() != hologram.scalar_type()) {
        core::PropagationOptions po;
        po.padding = m_options.padding;
        po.padFactor = m_options.padFactor;
        m_fresnel = std::make_unique<TorchFresnel>(g, h, w, po, hologram.device(),
                                                   hologram.scalar_type());
    }
    return *m_fresnel;
}

torch::Tensor DgnImpl::runBlock(const torch::nn::Sequential& block, const torch::Tensor& input) const
{
    // Channels-last layout: oneDNN runs these 5×5 convolutions with few channels about 1.7× faster
    // (forward and backward) than in NCHW here. The weights stay NCHW in the module and files.
    // Inference on a CPU with native bfloat16 (reducedPrecisionInference(), runtime.h) runs the
    // convolutions in bfloat16 with float32 accumulation inside oneDNN: the iterate, the Fresnel operator and the
    // block's output stay float32, so only G's and H's own arithmetic is rounded (the shipped
    // DGN's test NMSE moves by < 1 % relative, docs/reproduce-dgn.md). Training does the same
    // inside a ReducedPrecisionTrainingScope (TrainOptions::precision): autograd carries the
    // gradients back through the casts to the float32 weights.
    const bool wanted = torch::GradMode::is_enabled() ? reducedPrecisionTraining()
                                                      : reducedPrecisionInference();
    const bool bf16 = input.device().is_cpu() && input.scalar_type() == torch::kFloat && wanted &&
                      !float32Forced();
    torch::Tensor x = input.contiguous(torch::MemoryFormat::ChannelsLast);
    if (bf16)
        x = x.to(torch::kBFloat16);
    const std::int64_t pad = m_options.kernelSize / 2;
    for (const auto& m : block->children()) {
        if (const auto* conv = dynamic_cast<const torch::nn::Conv2dImpl*>(m.get())) {
            torch::Tensor w = conv->weight.contiguous(torch::MemoryFormat::ChannelsLast);
            torch::Tensor b = conv->bias;
            if (bf16) {
                w = w.to(torch::kBFloat16);
                b = b.to(torch::kBFloat16);
            }
            x = torch::conv2d(x, w, b, torch::IntArrayRef{1, 1}, torch::IntArrayRef{pad, pad});
        } else {
            x = torch::leaky_relu_(x, m_options.slope);  // the LReLU between convolutions
        }
    }
    return bf16 ? x.to(torch::kFloat) : x;
}

torch::Tensor DgnImpl::forward(const torch::Tensor& hologram)
{
    TORCH_CHECK(hologram.dim() == 4 && hologram.size(1) == 1, "DGN: hologram must be [N, 1, H, W]");
    const TorchFresnel& op = fresnelFor(hologram);
    const torch::Tensor intensity = hologram.select(1, 0);
    torch::Tensor f = torch::zeros({hologram.size(0), 2, hologram.size(2), hologram.size(3)},
                                   hologram.options());  // f_0 = 0
    for (int k = 0; k < m_options.iterations; ++k) {
        // DGN paper Eq. (4): g = F′*(I − F(f_k)) + G(f_k), s = F′*F′ g.
        // The operator is evaluated at the physical part of the iterate, B ≥ 0 (matter only
        // absorbs, physics.md §2); f itself is not clamped. The LReLU lets B go negative, and
        // |ψ| = e^{−B} > 1 scales F′*F′ by e^{−4B}: on a rare batch early in training the
        // unrolled recurrence then explodes (losses of 1e5 after 1e-3) and stalls Adam.
        const torch::Tensor fPhys =
            torch::cat({f.narrow(1, 0, 1).clamp_min(kMinAbsorption), f.narrow(1, 1, 1)}, 1);
        const TorchFresnel::Point p = op.linearize(fPhys);
        const torch::Tensor g = op.adjoint(p, intensity - p.intensity) + runBlock(regulariser, f);
        const torch::Tensor s = m_options.hessianInput ? op.adjoint(p, op.derivative(p, g)) : g;
        // f_{k+1} = LReLU_α(f_k + H([f_k, s])): positivity by the leaky ReLU.
        f = torch::leaky_relu(f + runBlock(update, torch::cat({f, s}, 1)), m_options.slope);
    }
    return f;
}

// ---------------------------------------------------------------------------------------------
// MS-D Net

MsdImpl::MsdImpl(const MsdOptions& options) : m_options(options)
{
    validate(options);
    const int w = options.width;
    for (int i = 0; i < options.depth; ++i) {
        const int c = 1 + i * w;
        // He initialisation over the 9·c inputs of a layer, zero bias (as Pelt's msdnet).
        weights.push_back(register_parameter("weight_" + std::to_string(i),
                                             torch::randn({w, c, 3, 3}) * std::sqrt(2.0 / (9.0 * c))));
        biases.push_back(register_parameter("bias_" + std::to_string(i), torch::zeros({w})));
    }
    const int maps = 1 + options.depth * w;
    // The final layer starts at zero: the first prediction is the training-set mean.
    finalWeight = register_parameter("final_weight", torch::zeros({2, maps, 1, 1}));
    finalBias = register_parameter("final_bias", torch::zeros({2}));
    inputMean = register_buffer("input_mean", torch::zeros({1}));
    inputStd = register_buffer("input_std", torch::ones({1}));
    outputMean = register_buffer("output_mean", torch::zeros({1, 2, 1, 1}));
    outputStd = register_buffer("output_std", torch::ones({1, 2, 1, 1}));
}

nlohmann::json MsdImpl::architecture() const
{
    return toJson(m_options);
}

void MsdImpl::fitNormalisation(const DatasetStatistics& s)
{
    torch::NoGradGuard noGrad;
    inputMean.fill_(s.hologramMean);
    inputStd.fill_(s.hologramStd);
    outputMean.view({2})[0].fill_(s.absorptionMean);
    outputMean.view({2})[1].fill_(s.phaseMean);
    outputStd.view({2})[0].fill_(s.absorptionStd);
    outputStd.view({2})[1].fill_(s.phaseStd);
}

nlohmann::json MsdImpl::normalisation() const
{
    const torch::Tensor om = outputMean.to(torch::kCPU, torch::kDouble).view({2});
    const torch::Tensor os = outputStd.to(torch::kCPU, torch::kDouble).view({2});
    return {{"input_mean", inputMean.item<double>()},
            {"input_std", inputStd.item<double>()},
            {"absorption_mean", om[0].item<double>()},
            {"absorption_std", os[0].item<double>()},
            {"phase_mean", om[1].item<double>()},
            {"phase_std", os[1].item<double>()}};
}

torch::Tensor MsdImpl::denseMaps(const torch::Tensor& x)
{
    TORCH_CHECK(x.size(2) > m_options.maxDilation && x.size(3) > m_options.maxDilation,
                "MS-D Net: images must be larger than the maximum dilation ", m_options.maxDilation);
    return MsdDenseFunction::apply(x, torch::TensorList(weights), torch::TensorList(biases),
                                   std::int64_t(m_options.maxDilation));
}

torch::Tensor MsdImpl::forward(const torch::Tensor& hologram)
{
    TORCH_CHECK(hologram.dim() == 4 && hologram.size(1) == 1,
                "MS-D Net: hologram must be [N, 1, H, W]");
    const torch::Tensor x = (hologram - inputMean) / inputStd;
    const torch::Tensor maps = denseMaps(x.contiguous());
    const torch::Tensor y = torch::conv2d(maps, finalWeight, finalBias);
    return y * outputStd + outputMean;
}

torch::Tensor MsdImpl::loss(const torch::Tensor& prediction, const torch::Tensor& target) const
{
    // MSE of the normalised outputs, so absorption and phase weigh alike (as msdnet trains).
    return ((prediction - target) / outputStd).square().mean();
}

torch::Tensor msdReferenceMaps(const MsdImpl& net, const torch::Tensor& x)
{
    const MsdOptions& o = net.options();
    std::vector<torch::Tensor> maps{x};
    for (int i = 0; i < o.depth; ++i) {
        const std::int64_t d = dilationOf(i, o.maxDilation);
        const torch::Tensor in = torch::reflection_pad2d(torch::cat(maps, 1), {d, d, d, d});
        const torch::Tensor y = torch::conv2d(in, net.weights[std::size_t(i)],
                                              net.biases[std::size_t(i)], torch::IntArrayRef{1, 1},
                                              torch::IntArrayRef{0, 0}, torch::IntArrayRef{d, d});
        maps.push_back(torch::relu(y));
    }
    return torch::cat(maps, 1);
}

Network makeNetwork(Method method, const nlohmann::json& architecture)
{
    if (method == Method::Dgn)
        return std::make_shared<DgnImpl>(dgnOptionsFromJson(architecture, "DGN architecture"));
    if (method == Method::PhaseGan)
        return std::make_shared<PhaseGanGeneratorImpl>(
            phaseGanOptionsFromJson(architecture, nullptr, "PhaseGAN architecture"));
    return std::make_shared<MsdImpl>(msdOptionsFromJson(architecture, "MS-D architecture"));
}

} // namespace phaselab::models
