#include <phaselab/core/materials.h>

#include <phaselab/core/error.h>
#include <phaselab/core/units.h>

#include <xraylib.h>

#include <cmath>
#include <mutex>

namespace phaselab::core {

Material Material::gold()
{
    return {"gold", "Au", 19.32};
}

Material Material::palladium()
{
    return {"palladium", "Pd", 12.02};
}

Material Material::zinc()
{
    return {"zinc", "Zn", 7.14};
}

RefractiveIndex refractiveIndex(const Material& m, double energyKeV)
{
    if (!(m.densityGcm3 > 0) || !std::isfinite(m.densityGcm3))
        throw InputError("material '" + m.name + "': density must be positive");
    if (!(energyKeV > 0) || !std::isfinite(energyKeV))
        throw InputError("material '" + m.name + "': energy must be positive");
    // xraylib keeps global tables that it initialises lazily; serialise calls to be safe.
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    xrl_error* err = nullptr;
    const double re = Refractive_Index_Re(m.formula.c_str(), energyKeV, m.densityGcm3, &err);
    if (err) {
        const std::string msg = err->message ? err->message : "unknown error";
        xrl_error_free(err);
        throw InputError("material '" + m.formula + "' at " + formatNumber(energyKeV) +
                         " keV: " + msg);
    }
    const double im = Refractive_Index_Im(m.formula.c_str(), energyKeV, m.densityGcm3, &err);
    if (err) {
        const std::string msg = err->message ? err->message : "unknown error";
        xrl_error_free(err);
        throw InputError("material '" + m.formula + "' at " + formatNumber(energyKeV) +
                         " keV: " + msg);
    }
    return {1.0 - re, im};
}

} // namespace phaselab::core
