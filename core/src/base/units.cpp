#include <phaselab/core/units.h>

#include <phaselab/core/error.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace phaselab::core {

namespace {

// Splits "  13.5 keV " into 13.5 and "keV"; throws InputError when no number leads.
std::pair<double, std::string> splitNumberUnit(const std::string& text, const char* what)
{
    const char* begin = text.c_str();
    while (std::isspace(static_cast<unsigned char>(*begin)))
        ++begin;
    char* end = nullptr;
    const double v = std::strtod(begin, &end);
    if (end == begin)
        throw InputError(std::string(what) + " '" + text + "' does not start with a number");
    std::string unit(end);
    while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.front())))
        unit.erase(unit.begin());
    while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.back())))
        unit.pop_back();
    if (!std::isfinite(v) || v <= 0)
        throw InputError(std::string(what) + " must be positive and finite, got '" + text + "'");
    return {v, unit};
}

} // namespace

double parseEnergyKeV(const std::string& text)
{
    auto [v, unit] = splitNumberUnit(text, "energy");
    if (unit.empty() || unit == "keV" || unit == "kev")
        return v;
    if (unit == "eV" || unit == "ev")
        return v * 1e-3;
    if (unit == "MeV")
        return v * 1e3;
    throw InputError("energy '" + text + "': unknown unit '" + unit + "' (use keV or eV)");
}

double parseLengthM(const std::string& text)
{
    auto [v, unit] = splitNumberUnit(text, "length");
    static const std::vector<std::pair<std::string, double>> units = {
        {"", 1.0},       {"m", 1.0},       {"cm", 1e-2},       {"mm", 1e-3},  {"um", 1e-6},
        {"µm", 1e-6},    {"μm", 1e-6},     {"micron", 1e-6},   {"nm", 1e-9},  {"pm", 1e-12},
        {"A", 1e-10},    {"Å", 1e-10},     {"angstrom", 1e-10}};
    for (const auto& [name, factor] : units)
        if (unit == name)
            return v * factor;
    throw InputError("length '" + text + "': unknown unit '" + unit +
                     "' (use m, cm, mm, um, µm, nm or Å)");
}

std::string formatNumber(double value, int digits)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, value);
    return buf;
}

std::string formatLength(double metres, int digits)
{
    if (!std::isfinite(metres))
        return formatNumber(metres, digits) + " m";
    const double a = std::fabs(metres);
    struct U {
        double factor;
        const char* name;
    };
    static const U units[] = {{1.0, "m"}, {1e-3, "mm"}, {1e-6, "µm"}, {1e-9, "nm"}, {1e-12, "pm"}};
    for (const U& u : units)
        if (a >= u.factor)
            return formatNumber(metres / u.factor, digits) + " " + u.name;
    if (a == 0)
        return "0 m";
    return formatNumber(metres / 1e-12, digits) + " pm";
}

double parseNumber(const std::string& text, const std::string& what)
{
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !std::isfinite(v))
        throw InputError(what + " '" + text + "': not a number");
    return v;
}

} // namespace phaselab::core
