#pragma once
// Holograms of one object at several distances (issue 14): loading (several files, or an HDF5
// dataset with a distance axis), registration onto the first distance, and reconstruction by
// multi-distance CTF or multi-distance IRGN (the stacked operator).

#include <string>
#include <vector>

#include <phaselab/core/ctf.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/irgn.h>
#include <phaselab/core/method_options.h>
#include <phaselab/core/progress.h>
#include <phaselab/core/reconstruction.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/registration.h>

namespace phaselab::core {

/// One object at several distances: normalised holograms [H, W] (same shape) and their
/// effective geometries (same energy; distance and pixel size may differ before registration).
struct DistanceSeries {
    std::vector<ImageF> holograms;
    std::vector<Geometry> geometries;
    /// Throws InputError unless there is ≥ 1 hologram, one geometry each, same shapes, same energy,
    /// valid geometries, finite pixels.
    void validate() const;
};

/// Reads a series: `specs` are image specs as readImage() takes them (`FILE`, `FILE.h5:/path`),
/// one per distance, frame `frame` of each; or a single spec of n > 1 frames (a 3D HDF5 dataset
/// [n, H, W], a multi-page TIFF) with one frame per distance, unless `distancesM` holds one
/// distance (then frame `frame` alone). `distancesM` gives the n distances [m]; when empty, a 3D
/// HDF5 dataset's attribute `distances_m` (or `distance_m`, n values; on the dataset, else on the
/// root group) supplies them. Geometry other than the distance comes from `base`. Throws
/// InputError naming the file and the problem.
DistanceSeries loadDistanceSeries(const std::vector<std::string>& specs,
                                  const std::vector<double>& distancesM, const Geometry& base,
                                  int frame = 0);

/// Registers each hologram onto the first (its `Registration` against holograms[0]; the first's
/// is the identity). options.magnification is overridden per hologram by the ratio of the
/// pixel sizes, pixelSize[0] / pixelSize[d] (the cone-beam magnification), and searched within
/// options.magnificationRange of it. What is correlated are single-distance CTF phase maps
/// (pure phase, uniform α = 0.1, each with its own geometry), not the holograms: fringes differ
/// between distances and pull a correlation of holograms off (docs/classical_reconstruction.md).
std::vector<Registration> registerSeries(const DistanceSeries& series,
                                         const RegistrationOptions& options = {},
                                         const ProgressReporter& progress = {nullptr, nullptr});

/// The series resampled onto the first hologram's grid (applyRegistration with fill 1), every
/// geometry given the first's pixel size.
DistanceSeries applyRegistrations(const DistanceSeries& series,
                                  const std::vector<Registration>& registrations);

/// Multi-distance IRGN: the IRGN of irgn.h on the stacked operator F(f) = (F_1(f), …, F_n(f)),
/// F′*F′ = Σ_d F_d′*F_d′, residual over all distances. The series must share one grid (register
/// first). The CTF start and α₀ from data use the multi-distance CTF. `options.truePhase` gives the
/// NMSE history as for one distance. Returns the final estimate; `history` (optional) receives the
/// per-step residuals and NMSE.
struct SeriesIrgnHistory {
    std::vector<double> residuals;  ///< RMS residual over all distances of f_0, …, f_k
    std::vector<double> nmse;       ///< NMSE [%] of the phase of f_0, …, f_k (with truePhase)
    int iterations = 0;             ///< Newton steps taken (k)
    int rejectedSteps = 0;          ///< steps the monotone safeguard halved or rejected
    long long cgIterations = 0;     ///< CG iterations over all Newton steps
    double alpha0 = 0;              ///< α_0 of the first Newton step (chosen from the data by default)
    IrgnInitialGuess start = IrgnInitialGuess::Ctf;  ///< the start taken (auto resolved)
};
Reconstruction reconstructIrgnMultiDistance(const DistanceSeries& series,
                                            const IrgnOptions& options = {},
                                            SeriesIrgnHistory* history = nullptr,
                                            const ProgressReporter& progress = {nullptr, nullptr});

/// What reconstructSeries() is asked to do, beside the (registered) series itself.
struct SeriesSetup {
    std::vector<std::string> specs;                 ///< the inputs, one per distance (provenance)
    int frame = 0;                                  ///< the frame read from each input
    std::vector<Registration> registrations;        ///< one per distance (identity if none)
    bool registered = false;                        ///< whether registrations were searched
    PropagationOptions propagation;
    double betaOverDelta = 0;                       ///< of the homogeneous sample, ≥ 0
    std::string method = "ctf";                     ///< "ctf" or "irgn"
    std::shared_ptr<const MethodOptions> options;   ///< CtfMethodOptions or IrgnMethodOptions
};

/// Multi-distance CTF or IRGN of `aligned` (one grid: applyRegistrations() first) as one
/// ReconstructionOutcome, so that any program shows and writes it like a single hologram's:
/// the request names the first input and distance; the residual is the RMS over every
/// distance of I_d − F_d(B, φ) (its image the first distance's); details carry distances_m,
/// inputs, registered, registrations, and ctf_alpha (CTF) or alpha0, start, rejected_steps and
/// cg_iterations_total (IRGN). Throws InputError for another method or invalid options,
/// Cancelled through `progress`.
ReconstructionOutcome reconstructSeries(const DistanceSeries& aligned, const SeriesSetup& setup,
                                        const ProgressReporter& progress = {nullptr, nullptr});

} // namespace phaselab::core
