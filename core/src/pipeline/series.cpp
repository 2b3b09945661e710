// Multi-distance CTF / IRGN as a ReconstructionOutcome (distance_series.h): the one place that
// turns a registered series into a result the command line and the application show and write.
#include <phaselab/core/distance_series.h>

#include <phaselab/core/classical_methods.h>
#include <phaselab/core/ctf_multi.h>
#include <phaselab/core/error.h>
#include <phaselab/core/reconstruction_method.h>

#include <chrono>
#include <cmath>

namespace phaselab::core {

ReconstructionOutcome reconstructSeries(const DistanceSeries& aligned,
                                              const SeriesSetup& setup,
                                              const ProgressReporter& progress)
{
    aligned.validate();
    ReconstructionOutcome outcome;
    Reconstruction object;
    nlohmann::json details = nlohmann::json::object();
    const auto start = std::chrono::steady_clock::now();
    if (const auto* ctf = dynamic_cast<const CtfMethodOptions*>(setup.options.get())) {
        CtfOptions c = ctf->ctf;
        c.betaDelta = setup.betaOverDelta;
        c.phaseSign = setup.propagation.phaseSign;
        c.padding = setup.propagation.padding;
        c.padFactor = setup.propagation.padFactor;
        progress.step(0.3, "CTF");
        double alpha = 0;
        object = reconstructCtfMultiDistance(aligned.holograms, aligned.geometries, c, &alpha);
        details["ctf_alpha"] = alpha;
    } else if (const auto* irgn = dynamic_cast<const IrgnMethodOptions*>(setup.options.get())) {
        IrgnOptions i = irgn->irgn;
        if (irgn->unknowns == IrgnUnknowns::Homogeneous)
            i.betaDelta = setup.betaOverDelta;
        else
            i.betaDelta.reset();
        i.ctf.betaDelta = setup.betaOverDelta;
        i.ctf.phaseSign = setup.propagation.phaseSign;
        i.propagation = setup.propagation;
        SeriesIrgnHistory history;
        object = reconstructIrgnMultiDistance(aligned, i, &history, progress);
        outcome.iterations = history.iterations;
        outcome.residualHistory = history.residuals;
        outcome.stopReason = history.iterations >= i.newtonSteps ? "iteration_limit" : "discrepancy";
        details["alpha0"] = history.alpha0;
        details["start"] = toString(history.start);
        details["rejected_steps"] = history.rejectedSteps;
        details["cg_iterations_total"] = history.cgIterations;
    } else {
        throw InputError("several distances: the method must be CTF or IRGN, not " +
                               setup.method);
    }
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    outcome.request.input.path = setup.specs.empty() ? std::string() : setup.specs.front();
    outcome.request.input.frame = setup.frame;
    outcome.request.input = outcome.request.input.absolute();
    outcome.request.geometry = aligned.geometries.front();
    outcome.request.propagation = setup.propagation;
    outcome.request.betaOverDelta = setup.betaOverDelta;
    outcome.request.method = setup.method;
    outcome.request.options = setup.options;
    for (const MethodInfo& info : MethodRegistry::instance().methods())
        if (info.id == setup.method)
            outcome.method = info;
    outcome.phase = std::move(object.phase);
    outcome.absorption = std::move(object.absorption);

    // One residual over every distance: the RMS of I_d − F_d(B, φ); the image is the first's.
    double sum = 0;
    for (std::size_t d = 0; d < aligned.holograms.size(); ++d) {
        ImageF r = dataResidual(aligned.holograms[d], outcome.absorption, outcome.phase,
                                            aligned.geometries[d], setup.propagation);
        const double v = rms(r);
        sum += v * v;
        if (d == 0)
            outcome.residual = std::move(r);
    }
    outcome.residualRms = std::sqrt(sum / double(aligned.holograms.size()));
    if (outcome.residualHistory.empty())
        outcome.residualHistory = {outcome.residualRms};

    nlohmann::json regs = nlohmann::json::array();
    std::vector<double> distances;
    for (std::size_t d = 0; d < aligned.geometries.size(); ++d) {
        distances.push_back(aligned.geometries[d].distanceM);
        if (d < setup.registrations.size()) {
            const Registration& r = setup.registrations[d];
            regs.push_back({{"shift_x_px", r.shiftX},
                            {"shift_y_px", r.shiftY},
                            {"magnification", r.magnification},
                            {"peak", r.peak}});
        }
    }
    details["distances_m"] = distances;
    details["inputs"] = setup.specs;
    details["registered"] = setup.registered;
    details["registrations"] = regs;
    if (!setup.registered && aligned.holograms.size() > 1)
        outcome.warnings.push_back("the holograms were not registered: they must already line up");
    outcome.details = details;
    return outcome;
}

} // namespace phaselab::core
