#include <phaselab/core/materials.h>

#include <phaselab/core/error.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/units.h>

#include <xraylib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <mutex>

namespace phaselab::core {

namespace {

constexpr double kPi = 3.14159265358979323846;

// xraylib keeps global tables that it initialises lazily; serialise every call to be safe.
std::mutex& xraylibMutex()
{
    static std::mutex m;
    return m;
}

// Turns an xraylib error into InputError and frees it.
void throwIf(xrl_error* err, const std::string& context)
{
    if (!err)
        return;
    const std::string msg = err->message ? err->message : "unknown error";
    xrl_error_free(err);
    throw InputError(context + ": " + msg);
}

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return {};
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

// True when xraylib's compound parser reads the formula (or it is a NIST compound name).
bool formulaKnown(const std::string& formula)
{
    std::lock_guard<std::mutex> lock(xraylibMutex());
    xrl_error* err = nullptr;
    if (compoundData* cd = CompoundParser(formula.c_str(), &err)) {
        FreeCompoundData(cd);
        return true;
    }
    if (err)
        xrl_error_free(err);
    err = nullptr;
    if (compoundDataNIST* nist = GetCompoundDataNISTByName(formula.c_str(), &err)) {
        FreeCompoundDataNIST(nist);
        return true;
    }
    if (err)
        xrl_error_free(err);
    return false;
}

double parseDensity(std::string text, const std::string& item)
{
    text = trim(text);
    for (const char* suffix : {"g/cm3", "g/cm^3", "g/cm³", "g/cc"}) {
        const std::string s(suffix);
        if (text.size() > s.size() && text.compare(text.size() - s.size(), s.size(), s) == 0) {
            text = trim(text.substr(0, text.size() - s.size()));
            break;
        }
    }
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size())
        throw InputError("material '" + item + "': density '" + text +
                         "' is not a number in g/cm³");
    if (!std::isfinite(v) || !(v > 0))
        throw InputError("material '" + item + "': density must be finite and positive");
    return v;
}

} // namespace

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

std::string Material::spec() const
{
    return formula + ":" + formatNumber(densityGcm3, 8);
}

std::vector<Material> dgnMaterials()
{
    return {Material::gold(), Material::palladium(), Material::zinc()};
}

void validateMaterial(const Material& m)
{
    const std::string what = "material '" + (m.name.empty() ? m.formula : m.name) + "'";
    if (trim(m.formula).empty())
        throw InputError(what + ": empty formula");
    if (!std::isfinite(m.densityGcm3) || !(m.densityGcm3 > 0))
        throw InputError(what + ": density must be finite and positive");
    if (!formulaKnown(m.formula))
        throw InputError(what + ": xraylib cannot read the formula '" + m.formula + "'");
}

Material parseMaterial(const std::string& textIn)
{
    const std::string text = trim(textIn);
    if (text.empty())
        throw InputError("material: empty name");
    for (const Material& p : dgnMaterials())
        if (text == p.formula || lower(text) == p.name)
            return p;

    const auto colon = text.rfind(':');
    if (colon != std::string::npos) {
        Material m;
        m.formula = trim(text.substr(0, colon));
        m.name = m.formula;
        m.densityGcm3 = parseDensity(text.substr(colon + 1), text);
        validateMaterial(m);
        return m;
    }

    // A bare element symbol: xraylib's tabulated density of the element.
    int z = 0;
    double density = 0;
    {
        std::lock_guard<std::mutex> lock(xraylibMutex());
        xrl_error* err = nullptr;
        z = SymbolToAtomicNumber(text.c_str(), &err);
        if (err) {
            xrl_error_free(err);
            z = 0;
        }
        if (z > 0) {
            density = ElementDensity(z, &err);
            if (err) {
                xrl_error_free(err);
                density = 0;
            }
        }
    }
    if (z <= 0)
        throw InputError("material '" + text +
                         "': not a preset (gold, palladium, zinc) or an element symbol; write "
                         "formula:density in g/cm³, e.g. SiO2:2.2");
    if (!(density > 0))
        throw InputError("material '" + text + "': xraylib has no density for it; write " +
                         text + ":density");
    return {text, text, density};
}

std::vector<Material> parseMaterialList(const std::string& text)
{
    std::vector<Material> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const std::string item =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (trim(item).empty())
            throw InputError("materials '" + text + "': empty item");
        out.push_back(parseMaterial(item));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return out;
}

RefractiveIndex refractiveIndex(const Material& m, double energyKeV, AbsorptionModel model)
{
    if (!(m.densityGcm3 > 0) || !std::isfinite(m.densityGcm3))
        throw InputError("material '" + m.name + "': density must be positive");
    if (!(energyKeV > 0) || !std::isfinite(energyKeV))
        throw InputError("material '" + m.name + "': energy must be positive");
    const std::string context =
        "material '" + m.formula + "' at " + formatNumber(energyKeV) + " keV";
    std::lock_guard<std::mutex> lock(xraylibMutex());
    xrl_error* err = nullptr;
    const double re = Refractive_Index_Re(m.formula.c_str(), energyKeV, m.densityGcm3, &err);
    throwIf(err, context);
    double beta = 0;
    if (model == AbsorptionModel::Total) {
        beta = Refractive_Index_Im(m.formula.c_str(), energyKeV, m.densityGcm3, &err);
        throwIf(err, context);
    } else {
        // β = μ λ / (4π): the intensity attenuation μ = ρ σ_photo [1/cm], λ in cm.
        const double sigma = CS_Photo_CP(m.formula.c_str(), energyKeV, &err);  // [cm²/g]
        throwIf(err, context);
        const double lambdaCm = kHcKeVNm / energyKeV * 1e-7;
        beta = sigma * m.densityGcm3 * lambdaCm / (4 * kPi);
    }
    return {1.0 - re, beta};
}

} // namespace phaselab::core
