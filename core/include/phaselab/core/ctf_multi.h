#pragma once
// CTF phase retrieval from holograms at several distances (issue 14).

#include <phaselab/core/ctf.h>

#include <vector>

namespace phaselab::core {

/// Multi-distance CTF, least squares over the distances (physics.md §4 for each distance d):
///   φ̂ = Σ_d A_d F[I_d − 1] / (Σ_d A_d² + 2α),  A_d = −2[σ sin χ_d + (β/δ) cos χ_d],
///   χ_d = πλD_d|ξ|², σ = −phaseSign,  B = (β/δ) φ.
/// The holograms are registered on one grid (same shape, same effective pixel size); only the
/// distances differ. α is uniform: Manual uses options.alphaLow; FieldOfView (the default) sets
/// α = min(Σ_d A_d(ξ_f)²/2, alphaLow) with ξ_f = 1/(2 N Δx) as for one distance. Borders as
/// options.fadeBorder / padding say. Throws InputError for no hologram, mismatched shapes,
/// geometries that differ in anything but the distance, or another α rule.
/// @param chosenAlpha receives the α used when not null
Reconstruction reconstructCtfMultiDistance(const std::vector<ImageF>& holograms,
                                           const std::vector<Geometry>& geometries,
                                           const CtfOptions& options = {},
                                           double* chosenAlpha = nullptr);

} // namespace phaselab::core
