#pragma once

#include <phaselab/core/fft.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>
#include <phaselab/core/padding.h>
#include <phaselab/core/reconstruction.h>

namespace phaselab::core {

/// Parameters of Paganin's single-distance, homogeneous-object phase retrieval (physics.md §4).
struct PaganinOptions {
    /// δ/β of the homogeneous material. > 0.
    double deltaBeta = 100.0;
    /// Boundary handling of the hologram: Periodic (none), Replicate (edge values) or Unit
    /// (flat field, I = 1, outside the image).
    Padding padding = Padding::Periodic;
    /// Pad by padFactor (whatever `padding` says) with the edge values faded smoothly into the
    /// flat field: Paganin's filter is wide (√(λD δ/β) can exceed the image), so any step or
    /// offset at the border would spread into the whole phase.
    bool fadeBorder = true;
    double padFactor = 2.0;  ///< grid size / image size for Replicate and Unit (≥ 1)
    FftEffort fftPlanning = core::fftEffort();

    /// Throws InputError naming the first invalid field.
    void validate() const;
};

/// Paganin (TIE-homogeneous) reconstruction for one image shape (physics.md §4):
///   φ = −(δ/β)/2 · ln F⁻¹[ F[I] / (1 + πλD(δ/β)|ξ|²) ],  B = (β/δ) φ.
/// The filtered intensity is clamped to a small positive value before the logarithm. Filter
/// and plans are built once; reconstruct() costs one real-to-complex FFT pair of the grid. Not thread-safe per
/// object.
class Paganin {
public:
    /// Throws InputError for an invalid geometry, size or options.
    Paganin(const Geometry& g, int width, int height, const PaganinOptions& options = {});

    /// (B, φ) from a flat-field-corrected intensity I (background ≈ 1), [H, W] float32.
    Reconstruction reconstruct(const ImageF& hologram);

    [[nodiscard]] const PaganinOptions& options() const noexcept { return m_options; }

private:
    Geometry m_geometry;
    PaganinOptions m_options;
    PadLayout m_layout;
    RealFft2D<float> m_fft;
    AlignedBuffer<float> m_filterX, m_filterY;  // per-axis πλD(δ/β)ξ² terms (+1 in y)
    AlignedBuffer<Complex<float>> m_spectrum;   // [ny, nx/2 + 1]
    AlignedBuffer<float> m_grid;                // real (padded) grid [ny, nx]
};

/// One-shot convenience: Paganin(g, W, H, options).reconstruct(hologram).
Reconstruction reconstructPaganin(const ImageF& hologram, const Geometry& g,
                                  const PaganinOptions& options = {});

} // namespace phaselab::core
