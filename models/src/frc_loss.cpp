#include "frc_loss.h"

#include <phaselab/core/error.h>
#include <phaselab/core/metrics.h>

#include <map>
#include <mutex>
#include <tuple>

namespace phaselab::models {

namespace {

// The bins inside the rings (flat FFT-order indices) and their ring, per size and device: built
// once from core's ring map.
struct RingIndex {
    torch::Tensor bins;   // [M] int64
    torch::Tensor rings;  // [M] int64
};

const RingIndex& ringIndex(int n, const torch::Device& device)
{
    static std::mutex mutex;
    static std::map<std::tuple<int, int, int>, RingIndex> cache;
    const std::lock_guard<std::mutex> lock(mutex);
    const auto key = std::make_tuple(n, int(device.type()), int(device.has_index() ? device.index() : -1));
    auto it = cache.find(key);
    if (it != cache.end())
        return it->second;
    const std::vector<int> map = core::frcRingMap(n);
    std::vector<std::int64_t> bins, rings;
    bins.reserve(map.size());
    rings.reserve(map.size());
    for (std::size_t i = 0; i < map.size(); ++i)
        if (map[i] >= 0) {
            bins.push_back(std::int64_t(i));
            rings.push_back(map[i]);
        }
    auto toTensor = [&](const std::vector<std::int64_t>& v) {
        return torch::from_blob(const_cast<std::int64_t*>(v.data()), {std::int64_t(v.size())},
                                torch::kLong)
            .to(device, /*non_blocking=*/false, /*copy=*/true);
    };
    RingIndex r{toTensor(bins), toTensor(rings)};
    return cache.emplace(key, std::move(r)).first->second;
}

} // namespace

torch::Tensor frcCurve(const torch::Tensor& x, const torch::Tensor& y)
{
    if (x.dim() != 4 || x.sizes() != y.sizes())
        throw core::InputError("FRC loss: inputs must be [N, C, H, W] of one shape");
    const std::int64_t h = x.size(2), w = x.size(3);
    const int n = int(std::min(h, w)) & ~1;
    if (n < 8)
        throw core::InputError("FRC loss: images need an even square of at least 8×8");
    auto crop = [&](const torch::Tensor& t) {
        return t.narrow(2, (h - n) / 2, n).narrow(3, (w - n) / 2, n);
    };
    const std::int64_t b = x.size(0) * x.size(1);
    const torch::Tensor fx = torch::fft::fft2(crop(x)).reshape({b, std::int64_t(n) * n});
    const torch::Tensor fy = torch::fft::fft2(crop(y)).reshape({b, std::int64_t(n) * n});
    const RingIndex& ri = ringIndex(n, x.device());
    const torch::Tensor ax = fx.index_select(1, ri.bins), ay = fy.index_select(1, ri.bins);
    const torch::Tensor xr = torch::real(ax), xi = torch::imag(ax);
    const torch::Tensor yr = torch::real(ay), yi = torch::imag(ay);
    const std::int64_t rings = n / 2;
    const torch::Tensor zeros = torch::zeros({b, rings}, xr.options());
    const torch::Tensor cross = zeros.index_add(1, ri.rings, xr * yr + xi * yi);
    const torch::Tensor px = zeros.index_add(1, ri.rings, xr * xr + xi * xi);
    const torch::Tensor py = zeros.index_add(1, ri.rings, yr * yr + yi * yi);
    // 0 where a ring holds no power (as core's FRC); the clamp keeps the gradient finite there.
    const double tiny = x.scalar_type() == torch::kDouble ? 1e-200 : 1e-30;
    return cross / (px * py).clamp_min(tiny).sqrt();
}

torch::Tensor frcLoss(const torch::Tensor& x, const torch::Tensor& y)
{
    const torch::Tensor frc = frcCurve(x, y);
    const torch::Tensor d = 1.0 - frc.narrow(1, 1, frc.size(1) - 1);
    return (d * d).mean();
}

} // namespace phaselab::models
