#pragma once

#include <string>

namespace phaselab::core {

/// A material by chemical formula and mass density, e.g. {"gold", "Au", 19.32}.
struct Material {
    std::string name;
    std::string formula;
    double densityGcm3 = 0;  ///< [g/cm³]

    static Material gold();
    static Material palladium();
    static Material zinc();
};

/// Refractive index decrement and absorption index, n = 1 − δ + iβ.
struct RefractiveIndex {
    double delta = 0;
    double beta = 0;
};

/// δ and β of a material at a photon energy [keV], from xraylib (Refractive_Index_Re returns 1 − δ;
/// Refractive_Index_Im returns β from the total cross-section). Throws InputError for an
/// unknown formula, a non-positive density or an energy outside xraylib's tables.
RefractiveIndex refractiveIndex(const Material& material, double energyKeV);

} // namespace phaselab::core
