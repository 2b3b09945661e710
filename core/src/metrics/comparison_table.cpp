#include <phaselab/core/comparison_table.h>

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/error.h>

#include <cstdio>
#include <fstream>

namespace phaselab::core {

namespace {

std::string number(const char* format, double value)
{
    char text[64];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

std::string csvField(const std::string& text)
{
    if (text.find_first_of(",\"\n") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

// The three figures of one quantity, formatted by `f` or `missing` each when there is none.
template <typename Format>
std::string cells(const std::optional<Evaluation>& e, const std::string& sep,
                  const std::string& missing, Format f)
{
    if (!e)
        return missing + sep + missing + sep + missing;
    return f(e->nmsePercent, 0) + sep + f(e->frc.frcmPercent, 1) + sep + f(e->frc.resolutionM, 2);
}

} // namespace

ComparisonRow compareWithReference(const std::string& method, double seconds,
                                   const ImageF& absorption, const ImageF& phase,
                                   const ImageF* referenceAbsorption,
                                   const ImageF* referencePhase, double pixelSizeM,
                                   const FrcOptions& options)
{
    if (!referenceAbsorption && !referencePhase)
        throw InputError(method + ": no reference to compare with");
    ComparisonRow row;
    row.method = method;
    row.seconds = seconds;
    if (referenceAbsorption)
        row.absorption =
            evaluateReconstruction(absorption, *referenceAbsorption, pixelSizeM, options);
    if (referencePhase)
        row.phase = evaluateReconstruction(phase, *referencePhase, pixelSizeM, options);
    return row;
}

std::string comparisonCsv(const std::vector<ComparisonRow>& rows)
{
    std::string out = "method,seconds,absorption_nmse_percent,absorption_frcm_percent,"
                      "absorption_resolution_m,phase_nmse_percent,phase_frcm_percent,"
                      "phase_resolution_m\n";
    const auto f = [](double v, int) { return number("%.10g", v); };
    for (const ComparisonRow& r : rows)
        out += csvField(r.method) + "," + number("%.10g", r.seconds) + "," +
               cells(r.absorption, ",", "", f) + "," + cells(r.phase, ",", "", f) + "\n";
    return out;
}

std::string comparisonMarkdown(const std::vector<ComparisonRow>& rows)
{
    std::string out = "| Method | Time (s) | B NMSE (%) | B FRCM (%) | B resolution (nm) | "
                      "φ NMSE (%) | φ FRCM (%) | φ resolution (nm) |\n"
                      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    // Column 2 of each quantity is the resolution, shown in nm.
    const auto f = [](double v, int column) {
        return column == 2 ? number("%.1f", v * 1e9) : number("%.3g", v);
    };
    for (const ComparisonRow& r : rows) {
        std::string name;
        for (char c : r.method)
            name += c == '|' ? std::string("\\|") : std::string(1, c);
        out += "| " + name + " | " + number("%.3g", r.seconds) + " | " +
               cells(r.absorption, " | ", "–", f) + " | " + cells(r.phase, " | ", "–", f) + " |\n";
    }
    return out;
}

void writeComparisonTable(const std::string& path, const std::vector<ComparisonRow>& rows)
{
    const bool markdown = path.size() >= 3 && path.compare(path.size() - 3, 3, ".md") == 0;
    AtomicFile file(path);
    {
        std::ofstream out(file.tempPath());
        out << (markdown ? comparisonMarkdown(rows) : comparisonCsv(rows));
        out.flush();
        if (!out)
            throw InputError(path + ": cannot write the comparison table");
    }
    file.commit();
}

} // namespace phaselab::core
