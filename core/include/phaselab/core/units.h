#pragma once

#include <string>

namespace phaselab::core {

/// Parses a photon energy: "13keV", "13000eV", "13 keV"; a bare number is keV.
/// Throws InputError for anything else, for non-finite values and for values ≤ 0.
double parseEnergyKeV(const std::string& text);

/// Parses a length: "20mm", "0.02m", "12nm", "1um", "1µm", "1 cm", "1Å"/"1A"; a bare number is
/// metres. Throws InputError for anything else, for non-finite values and for values ≤ 0.
double parseLengthM(const std::string& text);

/// Formats a length in metres with a fitting SI unit and `digits` significant digits ("12 nm",
/// "1.5 µm", "20 mm").
std::string formatLength(double metres, int digits = 4);

/// Parses a whole string as a finite number ("1e-3", "20"); throws InputError("<what> '<text>':
/// not a number") otherwise.
double parseNumber(const std::string& text, const std::string& what);

/// Formats a value with `digits` significant digits (like printf %g).
std::string formatNumber(double value, int digits = 4);

} // namespace phaselab::core
