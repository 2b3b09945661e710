#pragma once

#include <string>

namespace phaselab::core {

/// Boundary handling of the propagator, physics.md §2.
enum class Padding {
    Periodic,   ///< no padding: the exactly periodic reference definition
    Replicate,  ///< pad the exit wave with its edge values
    Unit,       ///< propagate T − 1 zero-padded: unit transmission outside the field
};

std::string toString(Padding mode);
/// "periodic" | "replicate" | "unit"; throws InputError otherwise.
Padding parsePadding(const std::string& text);

/// Smallest n' ≥ n whose prime factors are all in {2, 3, 5, 7} (fast for FFTW).
int fftFriendlySize(int n);

/// Where a width × height image sits inside its padded computation grid.
struct PadLayout {
    int width = 0, height = 0;              ///< image size
    int paddedWidth = 0, paddedHeight = 0;  ///< computation grid
    int offsetX = 0, offsetY = 0;           ///< image origin inside the grid (centred)

    /// Periodic: the grid is the image. Other modes: each side is padFactor × size rounded up to an
    /// FFT-friendly size. Throws InputError for padFactor < 1 or non-positive sizes.
    static PadLayout make(int width, int height, Padding mode, double padFactor);
    [[nodiscard]] bool isIdentity() const noexcept
    {
        return paddedWidth == width && paddedHeight == height;
    }
};

/// Linear padding operators and their exact adjoints (physics.md §2) for T = float, double,
/// std::complex<float>, std::complex<double>. `image` has width·height values, `padded`
/// paddedWidth·paddedHeight, both row-major; input and output never alias.
template <typename T>
void padReplicate(const T* image, const PadLayout& layout, T* padded);
/// Adjoint of padReplicate: each grid value is added onto the image pixel it was copied from.
template <typename T>
void padReplicateAdjoint(const T* padded, const PadLayout& layout, T* image);
/// Pads with a constant; padConstant(·, 0) is the adjoint of crop.
template <typename T>
void padConstant(const T* image, const PadLayout& layout, T value, T* padded);
/// Extracts the image window from the grid; its adjoint is zero-filling (padConstant with 0).
template <typename T>
void crop(const T* padded, const PadLayout& layout, T* image);

} // namespace phaselab::core
