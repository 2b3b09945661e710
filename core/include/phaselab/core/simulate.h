#pragma once
// Simulated training and test data: the DGN and PhaseGAN protocols (physics.md §7).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <phaselab/core/fresnel.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/materials.h>
#include <phaselab/core/padding.h>
#include <phaselab/core/phantom.h>
#include <phaselab/core/progress.h>

namespace phaselab::core {

/// The two published simulation protocols.
enum class SimulationProtocol {
    /// DGN paper (seed 000): 1–10 ellipsoids and paraboloids of gold, palladium and zinc,
    /// 4× oversampled propagation, Gaussian noise at a PPSNR drawn uniformly in [10, 100] dB.
    Dgn,
    /// PhaseGAN paper (seed 004): 1–N rectangles and circles of one material (δ = 1e-3,
    /// β = 1e-6), thickness up to 10 nm, λ = 1 Å, Δx = 1 µm, D = 10 cm, a smooth random
    /// flat field per frame and Poisson noise at ≈ 6.6e7 photons per frame.
    PhaseGan,
};
/// "dgn" | "phasegan".
std::string toString(SimulationProtocol protocol);
/// Reads "dgn" or "phasegan" (case-insensitive); throws InputError otherwise.
SimulationProtocol parseProtocol(const std::string& text);

/// How the detector corrupts the noiseless intensity.
enum class NoiseModel {
    None,
    /// Additive Gaussian noise of σ = (max I − min I) / 10^(PPSNR/20), PPSNR drawn uniformly in
    /// [ppsnrMinDb, ppsnrMaxDb] per sample (physics.md §6), I the noiseless intensity.
    GaussianPpsnr,
    /// Photon counting: counts ~ Poisson(n̄ · I), n̄ = photonsPerFrame / (H W); the hologram is
    /// counts / n̄, so 1 stays the unattenuated beam.
    Poisson,
};
/// "none" | "gaussian_ppsnr" | "poisson".
std::string toString(NoiseModel noise);

/// Every parameter of a simulation. Start from dgn() or phaseGan() and change what differs.
/// Sizes of shapes are fractions of the image side, so one parameter set serves any size.
struct SimulationParams {
    SimulationProtocol protocol = SimulationProtocol::Dgn;
    Geometry geometry;  ///< E, D, Δx of the detector pixels (effective, at the sample)

    /// DGN: each solid is of one of these materials (drawn uniformly); δ, β from xraylib at
    /// geometry.energyKeV with `absorptionModel`.
    std::vector<Material> materials;
    AbsorptionModel absorptionModel = AbsorptionModel::Photoabsorption;
    /// PhaseGAN: δ and β of every shape.
    double delta = 1e-3;
    double beta = 1e-6;

    int minShapes = 1;                ///< shapes per object, drawn uniformly in [min, max]
    int maxShapes = 10;
    double minSizeFraction = 0.03;    ///< semi-axis, half-side or radius / image side
    double maxSizeFraction = 0.2;
    double minThicknessM = 10e-9;     ///< thickness at a shape's centre, uniform in [min, max] [m]
    double maxThicknessM = 500e-9;
    int supersample = 4;              ///< projected thickness averaged over s × s sub-pixels

    /// Forward model: the object is generated on the N × N detector grid and propagated by
    /// FresnelOperator<float> with this oversampling (each object pixel spread over K × K fine
    /// pixels, intensities binned K × K back to N), so the stored object and the hologram are
    /// related exactly by the operator a reconstruction uses with the same options.
    int oversample = 4;
    Padding padding = Padding::Periodic;
    double padFactor = 2.0;

    NoiseModel noise = NoiseModel::GaussianPpsnr;
    double ppsnrMinDb = 10;           ///< GaussianPpsnr: PPSNR range [dB]
    double ppsnrMaxDb = 100;
    double photonsPerFrame = 6.6e7;   ///< Poisson: expected photons in a flat frame

    /// Flat field: the detector records I · f with f = 1 + Σ_m a_m cos(2π(u_m x + v_m y)/N + θ_m)
    /// over `flatFieldModes` random integer frequencies |u|, |v| ≤ flatFieldMaxCycles (so f is
    /// smooth and periodic), a_m normal with an rms of f − 1 equal to flatFieldRms. 0 disables it.
    double flatFieldRms = 0;
    int flatFieldModes = 15;
    int flatFieldMaxCycles = 4;

    /// The DGN paper's protocol at its geometry (13 keV, 20 mm, 12 nm).
    static SimulationParams dgn();
    /// The PhaseGAN paper's protocol at its geometry (λ = 1 Å, 10 cm, 1 µm).
    static SimulationParams phaseGan();

    /// Throws InputError naming the first invalid parameter.
    void validate() const;
    /// Every parameter, with units in the key names (e.g. "thickness_max_m").
    [[nodiscard]] nlohmann::json toJson() const;
};

/// Identifies one simulated sample. The sample's random numbers come only from these keys, so
/// a sample is the same whichever thread computes it and in whatever order.
struct SampleKey {
    std::uint64_t seed = 0;
    std::uint32_t split = 0;   ///< 0 train, 1 val, 2 test
    std::uint32_t stream = 0;  ///< 0 paired / hologram source, 1 object source of unpaired sets
    std::uint64_t index = 0;
};

/// One simulated sample. All images [N, N] float32.
struct SimulatedSample {
    ImageF absorption;  ///< B = k ∫β dz ≥ 0
    ImageF phase;       ///< φ = k ∫δ dz ≥ 0 [rad]
    ImageF intensity;   ///< noiseless F(B, φ), no flat field (empty when not propagated)
    ImageF hologram;    ///< what the detector records: flat field and noise applied
    /// GaussianPpsnr: the drawn PPSNR. Poisson: 20 log10((max − min)/σ) of the expected frame
    /// with σ = √(mean counts)/n̄, the rms photon noise. None: +∞. [dB]
    double ppsnrDb = 0;
    double photons = 0;  ///< Poisson: photons counted in the frame; otherwise 0
    int shapes = 0;      ///< number of shapes in the object
};

/// Draws samples of one protocol at one image size. Holds a FresnelOperator and its buffers,
/// reused across samples. Not thread-safe: give each thread its own simulator (they share FFT
/// plans). With FftEffort::Estimate the FFT plans, hence the results, never depend on timing;
/// Measure is 3–5× faster here but reproducible across runs only with shared FFTW wisdom
/// (importFftWisdom, as generateDataset() does).
class SampleSimulator {
public:
    /// Validates the parameters and computes the materials' δ, β. Throws InputError.
    SampleSimulator(const SimulationParams& params, int size,
                    FftEffort fftPlanning = FftEffort::Estimate);
    ~SampleSimulator();
    SampleSimulator(SampleSimulator&&) noexcept;
    SampleSimulator& operator=(SampleSimulator&&) noexcept;

    /// The shapes of sample `key` (in pixels, pixel centres at integer + 0.5).
    [[nodiscard]] std::vector<Solid> drawSolids(const SampleKey& key) const;

    /// Sample `key`: its object, and with `propagate` its noiseless and recorded holograms.
    /// The object does not depend on `propagate`.
    SimulatedSample simulate(const SampleKey& key, bool propagate = true);

    /// Creates the forward operator and its FFT plans now (otherwise at the first propagation).
    void prepare();

    [[nodiscard]] int size() const noexcept;
    [[nodiscard]] const SimulationParams& params() const noexcept;
    /// δ, β of each entry of params().materials (DGN) or the single {delta, beta} (PhaseGAN).
    [[nodiscard]] const std::vector<RefractiveIndex>& refractiveIndices() const noexcept;
    /// The propagation options used (oversampling, padding, Estimate planning).
    [[nodiscard]] PropagationOptions propagationOptions() const;

private:
    struct State;
    std::unique_ptr<State> m;
};

/// How many rows each split gets: val = round(count · valFraction), test = round(count ·
/// testFraction), train the rest. Throws InputError for fractions outside [0, 1) or summing
/// above 1.
struct SplitCounts {
    std::size_t train = 0, val = 0, test = 0;
    [[nodiscard]] std::size_t total() const noexcept { return train + val + test; }
};
SplitCounts splitCounts(std::size_t count, double valFraction, double testFraction);

/// A data set to generate.
struct DatasetRequest {
    SimulationParams params = SimulationParams::dgn();
    int size = 128;              ///< N: samples are N × N
    std::size_t count = 1000;    ///< rows over all splits
    std::uint64_t seed = 0;
    double valFraction = 0.1;
    double testFraction = 0.1;
    /// The train split holds holograms and objects of disjoint samples (attribute paired = 0);
    /// val and test stay paired for validation.
    bool unpairedTrain = false;
    int deflateLevel = 4;        ///< 1–9
    /// Samples computed between two writes (0: 4 × threads, bounded to ~256 MB of images).
    int batchSize = 0;
    /// Measure (default): FFT plans chosen by timing, 3–5× faster than Estimate for the 4×
    /// oversampled grids, made reproducible through FFTW wisdom kept at fftWisdomPath: the first
    /// run on a machine saves its plans there and later runs reuse them. Falls back to Estimate
    /// when the wisdom file cannot be written.
    FftEffort fftPlanning = FftEffort::Measure;
    /// Empty: defaultFftWisdomPath(). "none": no wisdom, hence Estimate plans.
    std::string fftWisdomPath;
};

/// Where generateDataset() keeps FFTW wisdom: $PHASELAB_FFTW_WISDOM when set ("none" disables
/// it), else $XDG_CACHE_HOME/phaselab/fftw-wisdom, else ~/.cache/phaselab/fftw-wisdom; empty when
/// there is no home directory.
std::string defaultFftWisdomPath();

/// What generateDataset() did.
struct DatasetReport {
    SplitCounts splits;
    FftEffort fftPlanning = FftEffort::Estimate;  ///< the planning actually used
    double seconds = 0;
    std::uint64_t fileBytes = 0;
    int threads = 0;
};

/// Generates a data set into an HDF5 file (layout: dataset.h). Samples are computed in parallel
/// on threadCount() threads, one sample per thread with single-threaded FFT plans, and written in
/// index order batch by batch, so memory does not grow with the count. The file is written under
/// a temporary name and renamed at the end: a failure or a cancel leaves no file (and any old
/// file untouched). The same request and seed give a bit-identical file for a given thread count
/// (the samples themselves are identical for any thread count; only the `threads` attribute
/// differs), provided the runs share FFTW wisdom (see fftPlanning). Progress goes to `sink`
/// between batches; `cancel` is polled before every sample. Throws InputError for bad
/// parameters or an unwritable path, Cancelled when cancelled.
DatasetReport generateDataset(const DatasetRequest& request, const std::string& path,
                              ProgressSink* sink = nullptr, const CancelToken* cancel = nullptr);

/// Measured PPSNR of a noisy hologram against its noiseless intensity:
/// 20 log10((max I − min I) / rms(hologram − I)) [dB] (physics.md §6).
double measuredPpsnrDb(const ImageF& noiseless, const ImageF& noisy);

} // namespace phaselab::core
