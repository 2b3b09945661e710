#pragma once

#include <vector>

#include <phaselab/core/image.h>

namespace phaselab::core {

/// A line across an edge, from (x0, y0) to (x1, y1) in pixel coordinates: pixel (x, y) of an
/// Image has its centre at (x, y), x the column and y the row.
struct EdgeLine {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

struct EdgeProfileOptions {
    /// Width across the line [pixels] over which each profile sample is averaged: max(1,
    /// round(width)) parallel lines one pixel apart, centred on the line.
    double widthPx = 1;
    /// Spacing of the samples along the line [pixels].
    double stepPx = 1;
};

/// Image values along a line, bilinearly interpolated and averaged across its width.
struct EdgeProfile {
    /// Distance of each sample from (x0, y0) along the line [pixels]: 0, step, 2·step, …
    std::vector<double> positionPx;
    /// The averaged image value at each sample.
    std::vector<double> value;
    /// Number of parallel lines averaged.
    int acrossLines = 1;
    double stepPx = 1;
    /// Covariance of the samples for white pixel noise of unit variance, which bilinear
    /// interpolation and the averaging make correlated and unequal: band d holds
    /// Cov(value[i], value[i + d]) for i = 0 … n − 1 − d, d = 0 … bands − 1 (zero beyond).
    /// Empty means independent samples of equal variance (a profile not sampled from an image).
    std::vector<std::vector<double>> noiseCovariance;
};

/// Samples `image` along `line` (physics.md §6, edge-profile resolution). Throws InputError when
/// the line is degenerate, any sample (across the width too) lies outside the image's pixel
/// centres [0, W − 1] × [0, H − 1], the step or width is not finite and positive, or fewer than
/// two samples fit on the line.
template <typename T>
EdgeProfile sampleEdgeProfile(const Image<T>& image, const EdgeLine& line,
                              const EdgeProfileOptions& options = {});

/// A least-squares fit of I(x) = a + b · erf((x − x0) / (√2 σ)) to an edge profile, by Eigen's
/// Levenberg–Marquardt (MINPACK lmder). σ > 0 is reported; b carries the step's sign.
/// Standard errors come from the fit covariance. For independent samples that is
/// s² (JᵀJ)⁻¹ with s² = Σ residual² / (n − 4). For a profile sampled from an image, whose
/// samples share pixels through the interpolation (noise covariance s² C, see
/// EdgeProfile::noiseCovariance), it is s² (JᵀJ)⁻¹ JᵀCJ (JᵀJ)⁻¹ with s² = Σ residual² /
/// tr((I − H) C), H = J (JᵀJ)⁻¹ Jᵀ; this reduces to the former when C is a multiple of I.
/// Either way the image noise is taken to be white; correlated noise (as in most phase
/// reconstructions) makes the standard errors too small.
struct EdgeFit {
    double a = 0, b = 0;
    /// Edge position along the line, from (x0, y0) [pixels].
    double x0Px = 0;
    /// Gaussian width of the edge along the line [pixels].
    double sigmaPx = 0;
    double aStderr = 0, bStderr = 0, x0StderrPx = 0, sigmaStderrPx = 0;

    double pixelSizeM = 0;
    double sigmaM = 0, sigmaStderrM = 0;
    /// Resolution as the Gaussian FWHM = 2 √(2 ln 2) σ [m] and its standard error [m].
    double fwhmM = 0, fwhmStderrM = 0;

    /// Root mean square of the residual (same unit as the image).
    double rmsResidual = 0;
    /// Estimated standard deviation of the white pixel noise behind the residual (of one sample
    /// when the profile carries no noise covariance), same unit as the image.
    double noiseStd = 0;
    int samples = 0;
    int degreesOfFreedom = 0;
    /// Model evaluations the solver used, summed over its starts.
    int evaluations = 0;
    /// The fitted curve and the residual (profile − fit) at each profile sample.
    std::vector<double> fitted, residual;
};

/// Fits the erf edge model to `profile`, converting σ to metres with `pixelSizeM` (the size of
/// one pixel, so one profile step is stepPx · pixelSizeM). Starting values come from the
/// profile's plateaus, the peak of its smoothed derivative and its 25 %–75 % rise; the solver is
/// started from three widths and the best fit kept. Throws InputError when the profile has no
/// edge: fewer than 8 samples, non-finite values, a flat profile, a fitted step that is not
/// significant (|b| < 5 standard errors), an edge outside the line, a width the line is too short
/// to contain (σ > half its length), an edge sharper than the sampling (σ undetermined), or a
/// pixel size that is not finite and positive.
EdgeFit fitEdgeProfile(const EdgeProfile& profile, double pixelSizeM);

/// A sampled profile and its fit.
struct EdgeMeasurement {
    EdgeProfile profile;
    EdgeFit fit;
};

/// sampleEdgeProfile then fitEdgeProfile.
template <typename T>
EdgeMeasurement measureEdge(const Image<T>& image, const EdgeLine& line, double pixelSizeM,
                            const EdgeProfileOptions& options = {});

} // namespace phaselab::core
