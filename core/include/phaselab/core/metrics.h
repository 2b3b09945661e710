#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <phaselab/core/image.h>

namespace phaselab::core {

/// Normalised mean squared error of a reconstruction against a reference (physics.md §6):
/// NMSE = Σ(x − x_ref)² / Σ x_ref², in percent. Both images [H, W] of the same shape, finite.
/// Throws InputError for mismatched shapes, non-finite pixels, an empty or all-zero reference.
template <typename T>
double nmsePercent(const Image<T>& reconstruction, const Image<T>& reference);

/// NMSE of the mean-free images: x − mean(x) against x_ref − mean(x_ref), in percent. A
/// retrieved phase is defined only up to a constant; this scores the shape, not the offset.
/// Throws InputError as nmsePercent(), and when the reference is constant.
template <typename T>
double nmsePercentWithoutMean(const Image<T>& reconstruction, const Image<T>& reference);

/// The resolution threshold an FRC curve is compared with (physics.md §6).
enum class FrcThreshold {
    TwoSigma,   ///< T(r) = 2 / sqrt(n_r / 2), n_r the pixel count of ring r (the default)
    HalfBit,    ///< ½-bit (van Heel & Schatz 2005): (0.2071 + 1.9102/√n_r) / (1.2071 + 0.9102/√n_r)
    OneSeventh  ///< the constant 1/7
};

/// Parses "2sigma", "halfbit" or "seventh" (the CLI's spelling); throws InputError otherwise.
FrcThreshold parseFrcThreshold(const std::string& text);
/// The CLI spelling of a threshold: "2sigma", "halfbit", "seventh".
std::string frcThresholdName(FrcThreshold threshold);
/// The threshold value for a ring of `ringCount` pixels.
double frcThresholdValue(FrcThreshold threshold, std::size_t ringCount);

/// Apodisation applied to both images before their Fourier transforms.
enum class FrcWindow {
    None,  ///< no window (the default, used for the metric tables)
    Hann   ///< separable Hann window w(x)·w(y), w(x) = sin²(π (x + ½) / N)
};

/// Which crossing of the threshold gives the resolution (docs/frc_resolution.md).
enum class FrcRule {
    FirstCrossing,  ///< the first ring below the threshold (physics.md §6, the default)
    /// The first ring that starts a run of frcSustainedRun(R) rings all below the threshold:
    /// isolated dips, typically in the few lowest rings where a reconstruction's offsets and
    /// slow trends differ, do not end the curve.
    Sustained,
};
/// "first" | "sustained"; throws InputError otherwise.
FrcRule parseFrcRule(const std::string& text);
std::string toString(FrcRule rule);
/// Length of the run the Sustained rule needs for R rings: max(3, ⌈R/20⌉).
int frcSustainedRun(std::size_t rings);

struct FrcOptions {
    FrcThreshold threshold = FrcThreshold::TwoSigma;
    FrcWindow window = FrcWindow::None;
    FrcRule rule = FrcRule::FirstCrossing;
};

/// Where an FRC curve first falls below its threshold.
struct FrcCrossing {
    /// False when the curve never falls below the threshold: the resolution is then Nyquist.
    bool crossed = false;
    /// Fractional ring index of the crossing (linear interpolation between rings); with
    /// crossed == false, N/2 (Nyquist).
    double ring = 0;
};

/// Finds the first crossing of `value` below `threshold`, both indexed by ring r = 0 … R − 1.
/// Ring 0 holds the mean alone and rings whose threshold is ≥ 1 can never be passed by a
/// correlation (|FRC| ≤ 1), so the search starts at the first ring r ≥ 1 with threshold < 1.
/// The crossing is the first such ring r with value < threshold; when the ring before it was at
/// or above its threshold, the crossing ring is interpolated linearly in (value − threshold)
/// between r − 1 and r, otherwise it is r itself. `nyquistRing` is returned when it never falls.
FrcCrossing findFrcCrossing(const std::vector<double>& value, const std::vector<double>& threshold,
                            double nyquistRing);
/// As findFrcCrossing, but the crossing ring must start a run of `run` rings below the
/// threshold (or all remaining rings, when fewer remain); FrcRule::Sustained.
FrcCrossing findSustainedFrcCrossing(const std::vector<double>& value,
                                     const std::vector<double>& threshold, double nyquistRing,
                                     int run);

/// The ring of frequency bin (row i, column j) of an n × n DFT in FFT order (zero frequency at
/// [0, 0]; bins i ≥ n/2 are the negative frequencies): r = round(|k|), k the signed frequency
/// index (physics.md §6). The FRC uses rings 0 … n/2 − 1; larger r lie outside it. The one ring
/// definition of fourierRingCorrelation and of the learned methods' differentiable FRC loss.
int frcRing(int i, int j, int n);

/// frcRing() of every bin of an n × n DFT, row-major [n, n], with −1 for bins outside the rings
/// 0 … n/2 − 1.
std::vector<int> frcRingMap(int n);

/// Fourier ring correlation of two images and what physics.md §6 derives from it.
/// Vectors are indexed by ring r = 0 … N/2 − 1.
struct FrcResult {
    /// Side N of the (even, square) region analysed [pixels].
    int size = 0;
    /// Shape of the images given [pixels].
    int inputWidth = 0, inputHeight = 0;
    /// True when the images were not an even square and were centre-cropped to N × N; the
    /// region analysed starts at column cropX, row cropY of the input.
    bool cropped = false;
    int cropX = 0, cropY = 0;
    /// Pixel size Δx [m] used for the physical frequencies.
    double pixelSizeM = 0;
    FrcThreshold thresholdKind = FrcThreshold::TwoSigma;
    FrcWindow window = FrcWindow::None;

    /// Spatial frequency of each ring, r / (N Δx) [1/m].
    std::vector<double> frequencyPerM;
    /// FRC(r) = Re Σ_r F1 conj(F2) / sqrt(Σ_r |F1|² Σ_r |F2|²); 0 where a ring holds no power.
    std::vector<double> value;
    /// The threshold T(r) of `thresholdKind`.
    std::vector<double> threshold;
    /// Number of frequency-grid pixels n_r in each ring (r = round(|k|)).
    std::vector<std::size_t> ringCount;

    FrcRule rule = FrcRule::FirstCrossing;
    /// The crossing below the threshold by `rule` (findFrcCrossing, findSustainedFrcCrossing).
    FrcCrossing crossing;
    /// Crossing frequency f_c [1/m] (Nyquist 1/(2Δx) when the curve never falls).
    double cutoffFrequencyPerM = 0;
    /// Resolution 1/f_c [m]; 2Δx when the curve never falls below the threshold.
    double resolutionM = 0;
    /// FRCM = mean over r = 1 … N/2 − 1 of (1 − FRC(r))², in percent.
    double frcmPercent = 0;
};

/// FRC between two images of the same shape [H, W] (physics.md §6). F1, F2 are the 2D DFTs of
/// the (optionally windowed) images with the zero frequency at the centre; ring r collects the
/// frequency pixels with round(|k|) = r, k in pixels of the frequency grid. Images that are not
/// an even square are centre-cropped to the largest even square (reported in the result).
/// Computed in double precision whatever T is, with one complex FFT for both images.
/// Throws InputError for mismatched shapes, non-finite pixels, a pixel size that is not finite
/// and positive, an analysed side below 8 pixels or an image with no power at all.
template <typename T>
FrcResult fourierRingCorrelation(const Image<T>& a, const Image<T>& b, double pixelSizeM,
                                 const FrcOptions& options = {});

/// NMSE, FRC, FRCM and resolution of a reconstruction against its reference.
struct Evaluation {
    double nmsePercent = 0;
    bool meanRemoved = false;  ///< nmsePercent is nmsePercentWithoutMean()
    FrcResult frc;
};

/// Evaluates `reconstruction` against `reference` (same shape; NMSE over the whole image, FRC over
/// the centre-cropped even square). Throws InputError as nmsePercent and fourierRingCorrelation.
/// With `removeMean` the NMSE is that of the mean-free images (the FRC ignores the mean anyway:
/// ring 0 holds it alone and is never a crossing).
template <typename T>
Evaluation evaluateReconstruction(const Image<T>& reconstruction, const Image<T>& reference,
                                  double pixelSizeM, const FrcOptions& options = {},
                                  bool removeMean = false);

/// Statistics of a region of homogeneous material and its errors against the expected value
/// (physics.md §6).
struct RegionStats {
    std::size_t count = 0;     ///< pixels in the region
    double expected = 0;       ///< l_t, the value the material should have
    double mean = 0;           ///< l_m
    double stdDev = 0;         ///< s_m, sample standard deviation (n − 1)
    double nePercent = 0;      ///< NE = (l_t − l_m) / l_t, in percent
    double rsdPercent = 0;     ///< RSD = s_m / l_m, in percent
};

/// NE and RSD of `image` over the pixels where `mask` is non-zero (mask [H, W], same shape).
/// Throws InputError for mismatched shapes, fewer than two region pixels, non-finite pixels in
/// the region, a non-finite or zero expected value or a zero region mean.
template <typename T>
RegionStats regionStats(const Image<T>& image, const Image<std::uint8_t>& mask,
                        double expectedValue);

/// A mask [height, width] that is 1 inside the rectangle of columns x0 … x1 − 1 and rows
/// y0 … y1 − 1 (clipped to the image) and 0 elsewhere.
Image<std::uint8_t> rectangleMask(int width, int height, int x0, int y0, int x1, int y1);

} // namespace phaselab::core
