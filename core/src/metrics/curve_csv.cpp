#include <phaselab/core/curve_csv.h>

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/error.h>

#include <cstdio>
#include <fstream>

namespace phaselab::core {

void writeFrcCsv(const std::string& path, const FrcResult& frc)
{
    AtomicFile file(path);
    {
        std::ofstream out(file.tempPath());
        out << "ring,frequency_per_m,frc,threshold,ring_count\n";
        char line[160];
        for (std::size_t r = 0; r < frc.value.size(); ++r) {
            std::snprintf(line, sizeof line, "%zu,%.10g,%.10g,%.10g,%zu\n", r,
                          frc.frequencyPerM[r], frc.value[r], frc.threshold[r], frc.ringCount[r]);
            out << line;
        }
        out.flush();
        if (!out)
            throw InputError(path + ": cannot write the FRC curve");
    }
    file.commit();
}

void writeEdgeProfileCsv(const std::string& path, const EdgeMeasurement& m, double pixelSizeM)
{
    AtomicFile file(path);
    {
        std::ofstream out(file.tempPath());
        out << "position_px,position_m,value,fit,residual\n";
        char row[200];
        for (std::size_t i = 0; i < m.profile.value.size(); ++i) {
            std::snprintf(row, sizeof row, "%.10g,%.10g,%.10g,%.10g,%.10g\n",
                          m.profile.positionPx[i], m.profile.positionPx[i] * pixelSizeM,
                          m.profile.value[i], m.fit.fitted[i], m.fit.residual[i]);
            out << row;
        }
        out.flush();
        if (!out)
            throw InputError(path + ": cannot write the edge profile");
    }
    file.commit();
}

} // namespace phaselab::core
