#include <phaselab/core/geometry.h>

#include <phaselab/core/error.h>
#include <phaselab/core/units.h>

#include <cmath>

namespace phaselab::core {

namespace {

void requirePositive(double v, const char* name, const char* unit)
{
    if (!std::isfinite(v) || v <= 0)
        throw InputError(std::string(name) + " must be a positive number of " + unit + ", got " +
                         formatNumber(v, 6));
}

} // namespace

double wavelengthM(double energyKeV)
{
    requirePositive(energyKeV, "energy", "keV");
    return kHcKeVNm / energyKeV * 1e-9;
}

double energyKeVFromWavelength(double wavelength)
{
    requirePositive(wavelength, "wavelength", "metres");
    return kHcKeVNm / (wavelength * 1e9);
}

double Geometry::wavelengthM() const
{
    return core::wavelengthM(energyKeV);
}

double Geometry::fresnelNumber() const
{
    validate();
    return pixelSizeM * pixelSizeM / (wavelengthM() * distanceM);
}

double Geometry::minimumGridSize() const
{
    return 1.0 / fresnelNumber();
}

bool Geometry::wellSampled(int gridSize) const
{
    return double(gridSize) >= minimumGridSize();
}

void Geometry::validate() const
{
    requirePositive(energyKeV, "energy", "keV");
    requirePositive(distanceM, "distance", "metres");
    requirePositive(pixelSizeM, "pixel size", "metres");
}

Geometry Geometry::dgnPaper()
{
    return Geometry{13.0, 20e-3, 12e-9};
}

Geometry Geometry::phaseGanPaper()
{
    return Geometry{energyKeVFromWavelength(1e-10), 0.1, 1e-6};
}

double ConeBeam::magnification() const
{
    requirePositive(sourceToSampleM, "source–sample distance z01", "metres");
    requirePositive(sourceToDetectorM, "source–detector distance z02", "metres");
    if (sourceToDetectorM <= sourceToSampleM)
        throw InputError("source–detector distance z02 must exceed source–sample distance z01");
    return sourceToDetectorM / sourceToSampleM;
}

Geometry ConeBeam::effective(double energyKeV) const
{
    const double M = magnification();
    requirePositive(detectorPixelM, "detector pixel size", "metres");
    Geometry g;
    g.energyKeV = energyKeV;
    g.pixelSizeM = detectorPixelM / M;
    g.distanceM = sourceToSampleM * (sourceToDetectorM - sourceToSampleM) / sourceToDetectorM;
    g.validate();
    return g;
}

} // namespace phaselab::core
