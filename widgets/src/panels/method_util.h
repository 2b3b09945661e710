#pragma once
// Helpers shared by the ReconstructionMethod implementations (classical and learned).

#include <phaselab/core/fresnel.h>
#include <phaselab/widgets/reconstruction_method.h>

#include <chrono>
#include <cmath>
#include <memory>

namespace phaselab::widgets::detail {

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// I − F(B, φ) on the input's geometry and padding: the residual view of a result.
inline std::shared_ptr<const core::ImageF> residualImage(const ReconstructionInput& in,
                                                         const core::ImageF& absorption,
                                                         const core::ImageF& phase)
{
    core::FresnelOperator<float> op(in.geometry, phase.width(), phase.height(), in.propagation);
    core::ImageF model = op.forward(absorption, phase);
    for (std::size_t i = 0; i < model.size(); ++i)
        model[i] = (*in.hologram)[i] - model[i];
    return std::make_shared<const core::ImageF>(std::move(model));
}

/// RMS of an image: ‖x‖₂ / √n.
inline double rms(const core::ImageF& img)
{
    double s = 0;
    for (float v : img)
        s += double(v) * v;
    return std::sqrt(s / double(img.size() > 0 ? img.size() : 1));
}

/// What every result of method `m` on `in` starts with: ids, names and the parameters.
inline std::shared_ptr<ReconstructionResult> newResult(const ReconstructionMethod& m,
                                                      const ReconstructionInput& in)
{
    auto out = std::make_shared<ReconstructionResult>();
    out->methodId = m.id();
    out->methodName = m.displayName();
    out->parameters = baseParameters(m, in);
    return out;
}

/// Stores (B, φ) in `out` with the residual image I − F(B, φ) and its RMS as the one-entry
/// residual history: the outcome of a one-shot method (CTF, Paganin, a learned network).
inline void setObject(ReconstructionResult& out, const ReconstructionInput& in,
                      core::ImageF absorption, core::ImageF phase)
{
    out.residual = residualImage(in, absorption, phase);
    out.residualHistory = {rms(*out.residual)};
    out.phase = std::make_shared<const core::ImageF>(std::move(phase));
    out.absorption = std::make_shared<const core::ImageF>(std::move(absorption));
}

} // namespace phaselab::widgets::detail
