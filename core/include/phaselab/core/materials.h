#pragma once

#include <string>
#include <vector>

namespace phaselab::core {

/// A material by chemical formula and mass density, e.g. {"gold", "Au", 19.32}.
/// The formula is anything xraylib's compound parser reads ("Au", "SiO2", "Ca5(PO4)3OH") or a
/// NIST compound name xraylib knows ("Water, Liquid").
struct Material {
    std::string name;
    std::string formula;
    double densityGcm3 = 0;  ///< [g/cm³]

    static Material gold();       ///< Au, 19.32 g/cm³
    static Material palladium();  ///< Pd, 12.02 g/cm³
    static Material zinc();       ///< Zn, 7.14 g/cm³

    /// "formula:density" as parseMaterial() reads it back, e.g. "Au:19.32".
    [[nodiscard]] std::string spec() const;
};

/// The three materials of the DGN paper's simulations: gold, palladium, zinc (in that order).
std::vector<Material> dgnMaterials();

/// Reads a user-named material. Accepted forms:
///  - a preset by name or symbol: "gold"/"Au", "palladium"/"Pd", "zinc"/"Zn" (case-insensitive
///    names, exact symbols);
///  - "formula:density" with the density in g/cm³, optionally suffixed "g/cm3" or "g/cc":
///    "Si3N4:3.44", "H2O:1.0g/cm3";
///  - a bare element symbol ("Cu"): the element's density from xraylib.
/// Throws InputError naming the text and the problem (unknown formula, missing, non-finite or
/// non-positive density).
Material parseMaterial(const std::string& text);

/// A comma-separated list of parseMaterial() items, e.g. "Au,Pd,Zn" or "Au,SiO2:2.2".
/// Throws InputError for an empty list or any bad item.
std::vector<Material> parseMaterialList(const std::string& text);

/// Throws InputError unless xraylib parses the formula and the density is finite and positive.
void validateMaterial(const Material& material);

/// Which cross-section β is computed from.
enum class AbsorptionModel {
    /// Photoabsorption only: β = ρ σ_photo λ / (4π), the imaginary part of the forward
    /// scattering factor f2 that the Henke (CXRO) and Chantler (NIST FFAST) tables give and that
    /// enters the refractive index. The default.
    Photoabsorption,
    /// Total attenuation (photo + Rayleigh + Compton), xraylib's Refractive_Index_Im: a few
    /// percent above the tables (Au +4 %, Pd +6 % at 13 keV); use it to model loss of the
    /// direct beam to scattering.
    Total,
};

/// Refractive index decrement and absorption index, n = 1 − δ + iβ.
struct RefractiveIndex {
    double delta = 0;
    double beta = 0;
};

/// δ and β of a material at a photon energy [keV], from xraylib: δ = 1 − Refractive_Index_Re
/// (anomalous scattering factors included); β from the cross-section `model` selects. Values
/// change fast near absorption edges (gold's L edges lie at 11.9, 13.7 and 14.4 keV): compute,
/// never hard-code. Thread-safe (calls into xraylib are serialised). Throws InputError for an
/// unknown formula, a non-positive density or an energy outside xraylib's tables.
RefractiveIndex refractiveIndex(const Material& material, double energyKeV,
                                AbsorptionModel model = AbsorptionModel::Photoabsorption);

} // namespace phaselab::core
