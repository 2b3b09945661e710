#include <phaselab/core/phantom.h>

#include <phaselab/core/error.h>
#include <phaselab/core/fresnel.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace phaselab::core {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

void addProjectedThickness(const Solid& s, int supersample, ImageD& thickness)
{
    const int S = std::max(1, supersample);
    const double ca = std::cos(s.angle), sa = std::sin(s.angle);
    // Bounding half-width: a rotated Box reaches its corners, the round kinds their major axis.
    const double r = (s.kind == Solid::Kind::Box ? std::hypot(s.semiAxisA, s.semiAxisB)
                                                 : std::max(s.semiAxisA, s.semiAxisB)) +
                     1.0;
    const int x0 = std::max(0, int(std::floor(s.centreX - r)));
    const int x1 = std::min(thickness.width() - 1, int(std::ceil(s.centreX + r)));
    const int y0 = std::max(0, int(std::floor(s.centreY - r)));
    const int y1 = std::min(thickness.height() - 1, int(std::ceil(s.centreY + r)));
    const double inv = 1.0 / (double(S) * S);
#pragma omp parallel for if ((x1 - x0) * (y1 - y0) > 4096)
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
            double acc = 0;
            for (int j = 0; j < S; ++j)
                for (int i = 0; i < S; ++i) {
                    const double dx = x + (i + 0.5) / S - s.centreX;
                    const double dy = y + (j + 0.5) / S - s.centreY;
                    const double u = (ca * dx + sa * dy) / s.semiAxisA;
                    const double v = (-sa * dx + ca * dy) / s.semiAxisB;
                    if (s.kind == Solid::Kind::Box) {
                        if (std::abs(u) < 1.0 && std::abs(v) < 1.0)
                            acc += 1.0;
                        continue;
                    }
                    const double rho2 = u * u + v * v;
                    if (rho2 >= 1.0)
                        continue;
                    switch (s.kind) {
                    case Solid::Kind::Ellipsoid: acc += std::sqrt(1.0 - rho2); break;
                    case Solid::Kind::Paraboloid: acc += 1.0 - rho2; break;
                    default: acc += 1.0; break;
                    }
                }
            thickness(x, y) += s.maxThicknessM * acc * inv;
        }
}

PhaseObject projectSolids(const std::vector<Solid>& solids,
                          const std::vector<RefractiveIndex>& indices, double energyKeV, int width,
                          int height, int supersample)
{
    for (const Solid& s : solids)
        if (s.material < 0 || s.material >= int(indices.size()))
            throw InputError("solid refers to material " + std::to_string(s.material) +
                             " of " + std::to_string(indices.size()));
    const double k = 2 * kPi / wavelengthM(energyKeV);
    PhaseObject obj{ImageD(width, height), ImageD(width, height)};
    ImageD t(width, height);
    for (std::size_t m = 0; m < indices.size(); ++m) {
        bool any = false;
        for (const Solid& s : solids)
            if (s.material == int(m)) {
                if (!any)
                    t.fill(0.0);
                addProjectedThickness(s, supersample, t);
                any = true;
            }
        if (!any)
            continue;
        const double kb = k * indices[m].beta, kd = k * indices[m].delta;
        for (std::size_t i = 0; i < t.size(); ++i) {
            obj.absorption[i] += kb * t[i];
            obj.phase[i] += kd * t[i];
        }
    }
    return obj;
}

PhaseObject projectSolids(const std::vector<Solid>& solids, const std::vector<Material>& materials,
                          double energyKeV, int width, int height, int supersample)
{
    for (const Solid& s : solids)
        if (s.material < 0 || s.material >= int(materials.size()))
            throw InputError("solid refers to material " + std::to_string(s.material) +
                             " of " + std::to_string(materials.size()));
    std::vector<RefractiveIndex> indices(materials.size());
    for (std::size_t m = 0; m < materials.size(); ++m)
        if (std::any_of(solids.begin(), solids.end(),
                        [&](const Solid& s) { return s.material == int(m); }))
            indices[m] = refractiveIndex(materials[m], energyKeV);
    return projectSolids(solids, indices, energyKeV, width, height, supersample);
}

DemoSample makeDemoSample(int size)
{
    if (size < 32)
        throw InputError("demo size must be at least 32 pixels");
    DemoSample d;
    d.geometry = Geometry::dgnPaper();
    const std::vector<Material> materials = {Material::gold(), Material::palladium(),
                                             Material::zinc()};
    // A fixed arrangement in units of the image size, so every size shows the same sample.
    struct Spec {
        Solid::Kind kind;
        double cx, cy, a, b, angle, thicknessNm;
        int material;
    };
    using K = Solid::Kind;
    const Spec specs[] = {
        {K::Ellipsoid, 0.30, 0.32, 0.17, 0.10, 0.5, 220, 0},
        {K::Paraboloid, 0.68, 0.30, 0.14, 0.14, 0.0, 300, 1},
        {K::Ellipsoid, 0.55, 0.62, 0.22, 0.07, -0.7, 400, 2},
        {K::Ellipsoid, 0.25, 0.72, 0.06, 0.06, 0.0, 120, 0},
        {K::Paraboloid, 0.78, 0.74, 0.09, 0.05, 1.1, 250, 0},
        {K::Ellipsoid, 0.47, 0.45, 0.05, 0.12, 0.3, 350, 1},
        {K::Ellipsoid, 0.12, 0.12, 0.035, 0.035, 0.0, 90, 2},
    };
    std::vector<Solid> solids;
    for (const Spec& s : specs) {
        Solid solid;
        solid.kind = s.kind;
        solid.centreX = s.cx * size;
        solid.centreY = s.cy * size;
        solid.semiAxisA = s.a * size;
        solid.semiAxisB = s.b * size;
        solid.angle = s.angle;
        solid.maxThicknessM = s.thicknessNm * 1e-9;
        solid.material = s.material;
        solids.push_back(solid);
    }
    d.object = projectSolids(solids, materials, d.geometry.energyKeV, size, size, 4);

    PropagationOptions opt;
    opt.padding = Padding::Periodic;
    opt.oversample = 4;
    const ImageD clean = propagateIntensity(d.geometry, d.object.absorption, d.object.phase, opt);

    // Gaussian noise at PPSNR = 20 log10((max − min) / σ) = 40 dB (physics.md §6).
    const ImageStats st = imageStats(clean);
    const double sigma = (st.max - st.min) / std::pow(10.0, 40.0 / 20.0);
    std::mt19937_64 rng(20230124);
    std::normal_distribution<double> noise(0.0, sigma);
    d.hologram = ImageF(size, size);
    for (std::size_t i = 0; i < clean.size(); ++i)
        d.hologram[i] = float(clean[i] + noise(rng));
    return d;
}

} // namespace phaselab::core
