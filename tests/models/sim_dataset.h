#pragma once
// Tiny simulated training sets in the dataset layout of architecture.md ("Datasets"), written
// through core::DatasetWriter, the one writer of that format (the simulator of issue 5 is not
// used here): random ellipsoids and paraboloids of gold, palladium and zinc (DGN protocol,
// physics.md §7, at a small scale), propagated with core::FresnelOperator, Gaussian noise at a
// random PPSNR.

#include <phaselab/core/dataset.h>
#include <phaselab/core/error.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/phantom.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace phaselab::test {

struct SimSpec {
    int train = 64, val = 16, test = 0;
    int size = 32;  ///< square images [pixels]
    /// 13 keV, 20 mm, 200 nm: F ≈ 0.021, so 1/F ≈ 48 and a 64² grid samples the kernel well.
    core::Geometry geometry{13.0, 20e-3, 200e-9};
    unsigned seed = 7;
    double ppsnrLowDb = 25, ppsnrHighDb = 60;  ///< noise drawn uniformly in this range
    int oversample = 1;
    int maxSolids = 6;
    double maxThicknessM = 400e-9;
};

/// One simulated sample: object (B, φ) and noisy hologram, float32 [size, size].
struct SimSample {
    core::ImageF absorption, phase, hologram;
};

class Simulator {
public:
    explicit Simulator(const SimSpec& spec)
        : m_spec(spec),
          m_op(spec.geometry, spec.size, spec.size,
               [&] {
                   core::PropagationOptions o;
                   o.oversample = spec.oversample;
                   return o;
               }()),
          m_materials{core::Material::gold(), core::Material::palladium(), core::Material::zinc()}
    {
    }

    SimSample sample(std::mt19937_64& rng)
    {
        std::uniform_real_distribution<double> u(0.0, 1.0);
        const int n = m_spec.size;
        const int count = 1 + int(u(rng) * m_spec.maxSolids);
        std::vector<core::Solid> solids;
        for (int i = 0; i < count; ++i) {
            core::Solid s;
            s.kind = u(rng) < 0.5 ? core::Solid::Kind::Ellipsoid : core::Solid::Kind::Paraboloid;
            s.centreX = u(rng) * n;
            s.centreY = u(rng) * n;
            s.semiAxisA = (0.05 + 0.2 * u(rng)) * n;
            s.semiAxisB = (0.05 + 0.2 * u(rng)) * n;
            s.angle = u(rng) * 3.14159265358979;
            s.maxThicknessM = (0.1 + 0.9 * u(rng)) * m_spec.maxThicknessM;
            s.material = int(u(rng) * 3) % 3;
            solids.push_back(s);
        }
        const core::PhaseObject obj =
            core::projectSolids(solids, m_materials, m_spec.geometry.energyKeV, n, n, 2);
        SimSample out;
        out.absorption = obj.absorption.cast<float>();
        out.phase = obj.phase.cast<float>();
        out.hologram = m_op.forward(out.absorption, out.phase);
        float lo = out.hologram[0], hi = out.hologram[0];
        for (float v : out.hologram) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        const double ppsnr = m_spec.ppsnrLowDb + (m_spec.ppsnrHighDb - m_spec.ppsnrLowDb) * u(rng);
        const double sigma = std::max(1e-6, double(hi - lo)) / std::pow(10.0, ppsnr / 20.0);
        std::normal_distribution<double> noise(0.0, sigma);
        for (float& v : out.hologram)
            v = float(v + noise(rng));
        return out;
    }

private:
    SimSpec m_spec;
    core::FresnelOperator<float> m_op;
    std::vector<core::Material> m_materials;
};

/// One split's arrays, each [n, H, W] row-major.
struct SplitData {
    std::string name;
    int n = 0, height = 0, width = 0;
    std::vector<float> hologram, absorption, phase;
    /// Attributes of the split group, e.g. {"paired", 0} to mark an unpaired set.
    nlohmann::json attributes = nlohmann::json::object();
};

/// Writes splits (all of one image size) in the dataset layout with the physics, `seed`,
/// `padding` and a protocol name as root attributes. `energyKey` "energy_kev" writes the energy
/// as PhaseLab versions before energy_keV did.
inline void writeDataset(const std::string& path, const std::vector<SplitData>& splits,
                         const core::Geometry& g, unsigned seed = 0,
                         const std::string& padding = "periodic",
                         const char* energyKey = "energy_keV")
{
    if (splits.empty())
        throw std::runtime_error(path + ": no split to write");
    core::DatasetWriter writer(path, splits[0].width, splits[0].height, 1);
    writer.setAttributes({{energyKey, g.energyKeV},
                          {"distance_m", g.distanceM},
                          {"pixel_size_m", g.pixelSizeM},
                          {"seed", seed},
                          {"padding", padding},
                          {"protocol", "test-solids"}});
    for (const SplitData& sp : splits) {
        writer.createSplit(sp.name, std::size_t(sp.n), sp.attributes, {});
        const std::size_t px = std::size_t(sp.height) * std::size_t(sp.width);
        const std::pair<const char*, const std::vector<float>*> arrays[] = {
            {"hologram", &sp.hologram}, {"absorption", &sp.absorption}, {"phase", &sp.phase}};
        core::ImageF row(sp.width, sp.height);
        for (const auto& [name, data] : arrays) {
            if (data->size() != std::size_t(sp.n) * px)
                throw std::runtime_error(path + ": " + sp.name + "/" + name + " is not [n, H, W]");
            for (int i = 0; i < sp.n; ++i) {
                std::copy_n(data->begin() + std::ptrdiff_t(std::size_t(i) * px), px, row.begin());
                writer.writeImage(sp.name, name, std::size_t(i), row);
            }
        }
    }
    writer.close();
}

/// Simulates `count` samples of `spec` into a split.
inline SplitData simulateSplit(const std::string& name, int count, const SimSpec& spec,
                               Simulator& sim, std::mt19937_64& rng)
{
    SplitData sp;
    sp.name = name;
    sp.n = count;
    sp.height = sp.width = spec.size;
    const std::size_t px = std::size_t(spec.size) * spec.size;
    sp.hologram.resize(count * px);
    sp.absorption.resize(count * px);
    sp.phase.resize(count * px);
    for (int i = 0; i < count; ++i) {
        const SimSample s = sim.sample(rng);
        std::copy(s.hologram.begin(), s.hologram.end(), sp.hologram.begin() + i * px);
        std::copy(s.absorption.begin(), s.absorption.end(), sp.absorption.begin() + i * px);
        std::copy(s.phase.begin(), s.phase.end(), sp.phase.begin() + i * px);
    }
    return sp;
}

/// Writes `spec` as an HDF5 dataset at `path` (groups train / val / test as counts allow).
inline void writeSimulatedDataset(const std::string& path, const SimSpec& spec)
{
    Simulator sim(spec);
    std::mt19937_64 rng(spec.seed);
    std::vector<SplitData> splits;
    const std::pair<const char*, int> counts[] = {{"train", spec.train}, {"val", spec.val},
                                                  {"test", spec.test}};
    for (const auto& [name, count] : counts)
        if (count > 0)
            splits.push_back(simulateSplit(name, count, spec, sim, rng));
    writeDataset(path, splits, spec.geometry, spec.seed);
}

} // namespace phaselab::test
