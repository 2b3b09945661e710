#pragma once
// A test-only reconstruction method whose result has a NaN pixel (an injected failure), shared
// by the pipeline's unit test and the application's GUI test.

#include <phaselab/core/method_options.h>
#include <phaselab/core/reconstruction_method.h>

#include <limits>
#include <memory>

namespace phaselab::test {

/// Method "nan_test": returns NaN at pixel (3, 4) of the phase after 3 "iterations".
class NanMethod final : public core::ReconstructionMethod {
public:
    static const core::MethodInfo& staticInfo()
    {
        static const core::MethodInfo info{"nan_test", "NaN test", "returns NaN",
                                           core::MethodKind::Iterative, false};
        return info;
    }
    const core::MethodInfo& info() const override { return staticInfo(); }
    std::unique_ptr<core::MethodOptions> defaultOptions() const override
    {
        return std::make_unique<core::NoMethodOptions>();
    }
    core::MethodResult solve(const core::ReconstructionRequest&, const core::ImageF& hologram,
                             const core::ProgressReporter&, const core::PreviewFn&) override
    {
        core::MethodResult r;
        r.object.absorption = core::ImageF(hologram.width(), hologram.height(), 0.0f);
        r.object.phase = core::ImageF(hologram.width(), hologram.height(), 0.0f);
        r.object.phase(3, 4) = std::numeric_limits<float>::quiet_NaN();
        r.iterations = 3;
        return r;
    }
};

/// Registers NanMethod in the process-wide registry (idempotent).
inline void registerNanMethod()
{
    core::MethodRegistry::instance().add(NanMethod::staticInfo(),
                                         [] { return std::make_unique<NanMethod>(); });
}

} // namespace phaselab::test
