#pragma once
// Flat-field and dark-current correction I = (raw − dark) / (flat − dark), with averaged flats
// and darks, flats before and after a scan interpolated, and every guarded pixel counted.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <phaselab/core/image.h>
#include <phaselab/core/image_io.h>

namespace phaselab::core {

/// How several flat or dark frames become one.
enum class FrameAveraging { Mean, Median };

/// "mean" or "median"; throws InputError otherwise.
FrameAveraging parseFrameAveraging(const std::string& name);

/// Pixel-wise mean or median of `frames` (all [H, W], finite). Throws InputError for an empty
/// list, shape mismatches or NaN/Inf pixels (`what` names the source in messages).
ImageF averageFrames(const std::vector<ImageF>& frames, FrameAveraging averaging,
                     const std::string& what);

/// Pixel-wise mean or median of frames `indices` of `spec` (all frames when empty), read one by
/// one: the mean holds one frame plus the sum, the median holds every listed frame.
ImageF averageFileFrames(const std::string& spec, const std::vector<int>& indices,
                         FrameAveraging averaging);

/// Flat (1 − w) · before + w · after, for a frame a fraction w ∈ [0, 1] of the way from the flats
/// taken before the scan to those taken after it.
ImageF interpolateFlats(const ImageF& before, const ImageF& after, double weight);

/// Guarding the division.
struct FlatFieldOptions {
    /// A pixel whose flat − dark is at most this fraction of the mean positive flat − dark holds
    /// no usable signal (dead or saturated-to-dark detector pixel): it is set to `guardValue`
    /// instead of being divided by (almost) zero, and counted.
    double minRelativeDenominator = 1e-3;
    /// Value of guarded pixels: 1 = unit transmission, neutral for phase retrieval.
    float guardValue = 1.0f;
};

/// What a correction did.
struct FlatFieldReport {
    std::size_t pixels = 0;          ///< pixels corrected
    std::size_t guardedPixels = 0;   ///< flat − dark ≤ threshold: set to guardValue
    std::size_t negativePixels = 0;  ///< raw < dark: clipped to 0
    double threshold = 0;            ///< the absolute denominator threshold used [counts]
    /// guardedPixels + negativePixels.
    [[nodiscard]] std::size_t clippedPixels() const noexcept { return guardedPixels + negativePixels; }
};

/// I = (raw − dark) / (flat − dark) pixel by pixel (dark = 0 when `dark` is null), guarded as
/// FlatFieldOptions says; the result is finite everywhere. Throws InputError for shape
/// mismatches, NaN/Inf inputs, or a flat that is nowhere above the dark.
ImageF flatFieldCorrect(const ImageF& raw, const ImageF& flat, const ImageF* dark,
                        const FlatFieldOptions& options = {}, FlatFieldReport* report = nullptr);

/// Where flats and darks come from for loadCorrectedFrame().
struct FlatFieldSources {
    std::string flat;       ///< flat(s) taken before (or without) the scan: any image spec, all frames averaged
    std::string flatAfter;  ///< optional flats taken after the scan, interpolated with `flat`
    std::string dark;       ///< optional dark(s), all frames averaged
    FrameAveraging averaging = FrameAveraging::Mean;
    /// For an NXtomo file without explicit flat/dark: use its image_key flats and darks, and count
    /// `frame` among projections only. False: frames as stored, uncorrected.
    bool automatic = true;
    FlatFieldOptions options;
};

/// Input files up to this size get their SHA-256 recorded in CorrectedFrame::provenance.
inline constexpr std::uint64_t kMaxChecksumBytes = 1ULL << 30;

/// A frame as loaded for processing, with what was done to it.
struct CorrectedFrame {
    ImageF image;                 ///< float32 [H, W], finite
    ImageFileInfo info;           ///< of the input file
    int rawFrame = 0;             ///< frame index in the file that was read
    bool corrected = false;       ///< flat/dark correction applied
    FlatFieldReport report;
    /// Provenance for output metadata: input, its size and SHA-256 (files ≤ kMaxChecksumBytes),
    /// dataset, frame, flat/dark sources and counts, averaging, interpolation weight, guarded
    /// pixel counts.
    nlohmann::json provenance = nlohmann::json::object();
};

/// Loads frame `frame` of `spec` and applies flat/dark correction:
/// - explicit `flat` (and `dark`, `flatAfter`): each averaged over all its frames; with
///   `flatAfter`, the flat is interpolated with weight w = frame / (frames − 1) of the input
///   (0.5 for a single frame);
/// - otherwise, for an NXtomo file (and `automatic`), `frame` counts projections only
///   (image_key 0); flats (key 1) are averaged per contiguous run, the runs before and after the
///   projection are interpolated linearly in frame index, darks (key 2) are averaged;
/// - otherwise the frame is returned as read.
/// NaN/Inf pixels in any input are reported as an InputError naming the file (never propagated).
CorrectedFrame loadCorrectedFrame(const std::string& spec, int frame,
                                  const FlatFieldSources& sources = {});

/// One input opened once for loading many frames as loadCorrectedFrame() does, with identical
/// results: the file is opened, checksummed and searched for an NXtomo scan once, and flats and
/// darks are averaged once (NXtomo flat runs when first needed), so each frame costs one read
/// plus the point-wise correction. Memory: the averaged flats and darks plus one frame. Not
/// thread-safe (one reading thread).
class CorrectedFrameReader {
public:
    /// Opens `spec`; throws InputError as loadCorrectedFrame() does.
    explicit CorrectedFrameReader(const std::string& spec, const FlatFieldSources& sources = {});
    ~CorrectedFrameReader();
    CorrectedFrameReader(const CorrectedFrameReader&) = delete;
    CorrectedFrameReader& operator=(const CorrectedFrameReader&) = delete;

    /// Frames that read() accepts: the projections of an NXtomo scan read with its image_key,
    /// every frame of the file otherwise.
    [[nodiscard]] int frames() const noexcept;
    [[nodiscard]] const ImageFileInfo& info() const noexcept;
    /// Frame `frame`, as loadCorrectedFrame(spec, frame, sources) returns it.
    CorrectedFrame read(int frame);

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace phaselab::core
