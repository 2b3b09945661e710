#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <phaselab/core/ctf.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/progress.h>
#include <phaselab/core/reconstruction.h>

namespace phaselab::core {

/// The penalty R of the Newton steps (physics.md §4).
enum class IrgnPenalty {
    Tikhonov,  ///< R = identity (the DGN paper)
    Sobolev,   ///< R = F⁻¹ (1 + |ξ|²/s²)^m F, ξ in cycles per pixel
};
std::string toString(IrgnPenalty penalty);
/// "tikhonov" | "sobolev"; throws InputError otherwise.
IrgnPenalty parseIrgnPenalty(const std::string& text);

/// Where the iteration starts; f_0 is also the centre of the penalty R(f − f_0).
enum class IrgnInitialGuess {
    Zero,  ///< f_0 = (0, 0) (the DGN paper)
    Ctf,   ///< f_0 = the CTF reconstruction with IrgnOptions::ctf (β/δ taken from betaDelta)
    Paganin,  ///< f_0 = the Paganin reconstruction with δ/β = 1/betaDelta (needs β/δ > 0)
    /// Both CTF and Paganin when Paganin applies (homogeneous, β/δ > 0, exp(−iφ) convention),
    /// and the one with the smaller data residual ‖I − F(f_0)‖; CTF otherwise. In the
    /// holographic regime (pixel Fresnel number < kIrgnRaarFresnelNumber) with unit padding,
    /// one distance and the homogeneous unknown, the RAAR start competes too.
    Auto,
    /// f_0 = holographic RAAR (raar.h, its default iterations) with the solver's β/δ and
    /// propagation: the start for strong phase at small Fresnel numbers. Needs the homogeneous
    /// unknown, one distance, unit or periodic padding and oversample 1.
    Raar,
};
/// Below this pixel Fresnel number IrgnInitialGuess::Auto also tries the RAAR start.
inline constexpr double kIrgnRaarFresnelNumber = 0.02;
std::string toString(IrgnInitialGuess guess);
/// "zero" | "ctf" | "paganin" | "raar" | "auto"; throws InputError otherwise.
IrgnInitialGuess parseIrgnInitialGuess(const std::string& text);

/// Parameters of the iteratively regularised Gauss–Newton method (physics.md §3–4).
struct IrgnOptions {
    double alpha0 = 10.0;                ///< α_0 > 0: regularisation of the first Newton step
    /// Choose α_0 from the hologram instead: the CTF α (rule of `ctf`, fov by default) that the
    /// direct method would use on it, divided by q^20, so that step 20 reaches it.
    bool alpha0FromData = true;
    double q = 2.0 / 3.0;                ///< α_k = α_0 q^k, 0 < q < 1
    int newtonSteps = 20;                ///< most Newton steps (≥ 1); the DGN paper uses 100
    int cgIterations = 30;               ///< most CG iterations per Newton step (≥ 1)
    /// Inner stopping rule: CG stops once its (preconditioned) residual has fallen by this
    /// factor, ‖r_j‖_M ≤ cgTolerance · ‖r_0‖_M (inexact Newton); 0 runs all cgIterations.
    double cgTolerance = 0.1;
    /// Precondition CG with the CTF's Fourier-diagonal approximation of F′*F′ + α R
    /// (weak-object model at f = 0: A² per frequency, a 2 × 2 block for the joint problem).
    /// Off by default: exact for weak objects, but on strong-phase objects (6 rad) the f = 0
    /// symbol is far from F′*F′ at f_k, and truncated PCG then over-weights the low
    /// frequencies (measured: 254 % NMSE against 5 % without, issue 14).
    bool precondition = false;
    /// Monotone safeguard: a Newton step that raises the data residual is halved up to three
    /// times, then rejected (α_k raised by 1/q instead), so no step ends above its start.
    bool monotone = true;
    /// When set, the homogeneous variant: one unknown φ with B = (β/δ) φ, β/δ ≥ 0. When unset,
    /// the joint (B, φ) problem of the DGN paper.
    std::optional<double> betaDelta;
    IrgnPenalty penalty = IrgnPenalty::Tikhonov;
    double sobolevScale = 0.1;   ///< s of the Sobolev weight [cycles/pixel], > 0
    double sobolevOrder = 1.0;   ///< m of the Sobolev weight, ≥ 0
    bool positivity = false;     ///< project B, φ onto ≥ 0 after every Newton step
    /// Optional support [H, W]: pixels with value 0 are held at f_0 (nothing is updated there).
    std::optional<ImageF> support;
    IrgnInitialGuess initialGuess = IrgnInitialGuess::Auto;
    CtfOptions ctf;              ///< CTF settings for IrgnInitialGuess::Ctf
    /// Discrepancy principle: stop once the RMS residual ‖I − F(f_k)‖/√n ≤ τ·noiseLevel.
    /// noiseLevel is the noise standard deviation per pixel in intensity units; 0 turns it off.
    double noiseLevel = 0.0;
    double tau = 1.5;            ///< τ ≥ 1
    /// Optional true phase [H, W] (a simulation's): NMSE of each step in nmseHistory().
    std::optional<ImageF> truePhase;
    /// Forward model options; the solver always plans its FFTs with FftEffort::Measure.
    PropagationOptions propagation;

    /// Throws InputError naming the first invalid field.
    void validate() const;
};

/// Why an Irgn stopped taking steps.
enum class IrgnStop {
    Running,         ///< more steps may be taken
    IterationLimit,  ///< newtonSteps were taken
    Discrepancy,     ///< the residual fell below τ·noiseLevel
};

/// The iteratively regularised Gauss–Newton method (Maretzke et al. 2016; DGN paper Eq. 2–3;
/// physics.md §4) as a steppable object:
///   f_{k+1} = f_k + δf,  (F′*F′ + α_k R) δf = F′*(I − F(f_k)) − α_k R(f_k − f_0),
/// solved matrix-free by preconditioned conjugate gradients on FresnelOperator<float> (at most
/// `cgIterations`, fewer by the cgTolerance rule), α_k = α_0 q^k, with the monotone safeguard. step() runs Newton steps; between them current() and residual() read the
/// estimate. Cancellation is polled after every CG iteration: a cancelled step throws Cancelled
/// and leaves the estimate at the last completed step, so stepping may resume.
/// Not thread-safe: one thread steps it; copy the snapshot from current() for other threads.
class Irgn {
public:
    /// Plans the operator (FFTW Measure: up to seconds the first time a shape is seen) and
    /// computes f_0 and F(f_0). `hologram` is the measured intensity [H, W] (background ≈ 1).
    /// `progress` sees the RAAR start's iterations (seconds to minutes) and may cancel them
    /// (Cancelled). Throws InputError for invalid parameters, a non-finite hologram or a
    /// support mismatch.
    Irgn(const ImageF& hologram, const Geometry& g, IrgnOptions options = {},
         const ProgressReporter& progress = {nullptr, nullptr});
    /// Multi-distance IRGN (issue 14; distance_series.h): the stacked operator
    /// F(f) = (F_1(f), …, F_D(f)) on holograms of one object at D distances, registered onto one
    /// grid: F′*F′ = Σ_d F_d′*F_d′, residual() the RMS over all D·H·W values. The CTF start and
    /// α_0 from data use reconstructCtfMultiDistance (its α rules: fov or manual); a Paganin
    /// start uses the first hologram. `holograms` [H, W] each, one geometry each (same energy and
    /// pixel size, the distances differ). One hologram gives exactly the single-distance Irgn.
    /// Throws InputError as above, for mismatched shapes or geometries, and for
    /// IrgnOptions::precondition with more than one distance.
    Irgn(const std::vector<ImageF>& holograms, const std::vector<Geometry>& geometries,
         IrgnOptions options = {}, const ProgressReporter& progress = {nullptr, nullptr});
    ~Irgn();
    Irgn(Irgn&&) noexcept;
    Irgn& operator=(Irgn&&) noexcept;

    /// Runs up to `count` more Newton steps, fewer when the iteration limit or the discrepancy
    /// principle stops it; returns the number taken. Reports progress as the fraction of
    /// newtonSteps done (stage "Newton k/N") after every CG iteration and throws Cancelled
    /// between CG iterations when cancellation was requested.
    int step(int count = 1, const ProgressReporter& progress = {nullptr, nullptr});
    /// Steps until stopped(); returns the number of steps taken.
    int run(const ProgressReporter& progress = {nullptr, nullptr});
    /// Raises the Newton step limit by `more` (≥ 0), so that a run stopped at its limit can go
    /// on where it stopped (α_k continues its sequence). A discrepancy stop stays.
    void extendSteps(int more);

    /// The current estimate f_k (a copy: a snapshot other threads may keep).
    [[nodiscard]] Reconstruction current() const;
    [[nodiscard]] const ImageF& absorption() const noexcept;
    [[nodiscard]] const ImageF& phase() const noexcept;
    /// RMS data residual ‖I − F(f_k)‖₂ / √(H·W) of the current estimate.
    [[nodiscard]] double residual() const noexcept;
    /// Residuals of f_0, f_1, …, f_k (iterations() + 1 values).
    [[nodiscard]] const std::vector<double>& residualHistory() const noexcept;
    /// NMSE [%] of the phase of f_0, …, f_k against IrgnOptions::truePhase; empty without it.
    [[nodiscard]] const std::vector<double>& nmseHistory() const noexcept;
    /// Newton steps whose trial raised the residual and were halved or rejected.
    [[nodiscard]] int rejectedSteps() const noexcept;
    /// Newton steps taken (k).
    [[nodiscard]] int iterations() const noexcept;
    /// CG iterations completed over all Newton steps, cancelled steps included.
    [[nodiscard]] long long cgIterationsDone() const noexcept;
    /// α_k of the next Newton step.
    [[nodiscard]] double alpha() const noexcept;
    [[nodiscard]] IrgnStop stopReason() const noexcept;
    [[nodiscard]] bool stopped() const noexcept { return stopReason() != IrgnStop::Running; }
    [[nodiscard]] const IrgnOptions& options() const noexcept;
    /// The start actually used: Zero, Ctf, Paganin or Raar (Auto's choice).
    [[nodiscard]] IrgnInitialGuess start() const noexcept;
    /// Number of distances (holograms) of the stacked operator; 1 for the single-distance Irgn.
    [[nodiscard]] int distanceCount() const noexcept;

private:
    struct State;
    std::unique_ptr<State> m;
};

} // namespace phaselab::core
