// Simulated data (physics.md §7): projected thickness, the hologram = forward operator applied to
// the stored object, PPSNR, the PhaseGAN detector model, the data set file and its
// reproducibility, cancellation.
#include <QtTest>

#include <phaselab/core/dataset.h>
#include <phaselab/core/error.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/parallel.h>
#include <phaselab/core/phantom.h>
#include <phaselab/core/simulate.h>

#include "../../core/src/simulate/random.h"  // the simulators' private generator

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace phaselab;
namespace fs = std::filesystem;

namespace {

std::string fileBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

double maxAbsDiff(const core::ImageF& a, const core::ImageF& b)
{
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        m = std::max(m, std::abs(double(a[i]) - double(b[i])));
    return m;
}

bool identical(const core::ImageF& a, const core::ImageF& b)
{
    return a.sameShape(b) && std::equal(a.begin(), a.end(), b.begin());
}

double sum(const core::ImageD& img)
{
    double s = 0;
    for (double v : img)
        s += v;
    return s;
}

// Cancels its token at the first report whose stage names the given split.
class CancelAt : public core::ProgressSink {
public:
    CancelAt(core::CancelToken& token, std::string stage) : m_token(token), m_stage(std::move(stage))
    {
    }
    void report(double, const std::string& stage) override
    {
        ++reports;
        if (stage.find(m_stage) != std::string::npos)
            m_token.cancel();
    }
    int reports = 0;

private:
    core::CancelToken& m_token;
    std::string m_stage;
};

} // namespace

class SimulateTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void initTestCase()
    {
        // FFTW wisdom of generateDataset() goes to the test's folder, not the user's cache.
        qputenv("PHASELAB_FFTW_WISDOM", m_dir.filePath("fftw-wisdom").toUtf8());
    }

    // ∫ t dA = V: (4/3)π a b c for an ellipsoid (t_max = 2c), (π/2) a b h for a paraboloid cap,
    // π a b h for a disc, 4 a b h for a box; rotated and off-centre, in pixel units.
    void projectedThicknessIntegratesToVolume()
    {
        struct Case {
            core::Solid::Kind kind;
            double factor;  // V / (a b t_max)
        };
        const Case cases[] = {{core::Solid::Kind::Ellipsoid, 2.0 * M_PI / 3.0},
                              {core::Solid::Kind::Paraboloid, M_PI / 2.0},
                              {core::Solid::Kind::Cylinder, M_PI},
                              {core::Solid::Kind::Box, 4.0}};
        for (const Case& c : cases) {
            core::Solid s;
            s.kind = c.kind;
            s.centreX = 40.3;
            s.centreY = 37.8;
            s.semiAxisA = 17.3;
            s.semiAxisB = 9.1;
            s.angle = 0.61;
            s.maxThicknessM = 250e-9;
            core::ImageD t(96, 80);
            core::addProjectedThickness(s, 4, t);
            const double volume = c.factor * s.semiAxisA * s.semiAxisB * s.maxThicknessM;
            const double err = std::abs(sum(t) - volume) / volume;
            qInfo("kind %d: volume error %.2e", int(c.kind), err);
            QVERIFY2(err < 2e-3, qPrintable(QString::number(err)));
            // No thickness outside the footprint's bounding box, none negative.
            for (double v : t)
                QVERIFY(v >= 0 && v <= s.maxThicknessM * (1 + 1e-12));
        }
        // Overlapping solids add.
        core::Solid a;
        a.centreX = a.centreY = 20;
        a.semiAxisA = a.semiAxisB = 8;
        a.maxThicknessM = 1e-7;
        core::ImageD one(40, 40), two(40, 40);
        core::addProjectedThickness(a, 4, one);
        core::addProjectedThickness(a, 4, two);
        core::addProjectedThickness(a, 4, two);
        QVERIFY(std::abs(sum(two) - 2 * sum(one)) < 1e-9 * sum(one));
    }

    // B = kβt, φ = kδt per material, summed over materials.
    void objectFromMaterials()
    {
        const core::Geometry g = core::Geometry::dgnPaper();
        core::Solid s;
        s.centreX = s.centreY = 16.5;  // the centre of pixel (16, 16)
        s.semiAxisA = s.semiAxisB = 6;
        s.maxThicknessM = 100e-9;
        s.material = 1;
        const std::vector<core::RefractiveIndex> n = {{1e-5, 1e-6}, {3e-5, 2e-6}};
        const core::PhaseObject o = core::projectSolids({s}, n, g.energyKeV, 32, 32, 4);
        const double k = 2 * M_PI / g.wavelengthM();
        // The pixel average of 2c√(1 − ρ²) over ρ ≤ 1/12 is 0.2 % below the centre value.
        QVERIFY(std::abs(o.phase(16, 16) - k * 3e-5 * 100e-9) < 5e-3 * o.phase(16, 16));
        QVERIFY(o.phase(16, 16) < k * 3e-5 * 100e-9);
        QVERIFY(std::abs(o.absorption(16, 16) / o.phase(16, 16) - 2e-6 / 3e-5) < 1e-12);
        s.material = 2;
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 (void)core::projectSolids({s}, n, g.energyKeV, 32, 32, 4));
    }

    // DGN protocol draws: 1–10 solids of the three materials, inside the frame, B, φ ≥ 0.
    void dgnObjectsFollowTheProtocol()
    {
        core::SampleSimulator sim(core::SimulationParams::dgn(), 64);
        QCOMPARE(int(sim.refractiveIndices().size()), 3);
        int minCount = 100, maxCount = 0;
        std::array<int, 3> materialUse{};
        std::array<int, 2> kinds{};
        for (std::uint64_t i = 0; i < 300; ++i) {
            const auto solids = sim.drawSolids({5, 0, 0, i});
            minCount = std::min(minCount, int(solids.size()));
            maxCount = std::max(maxCount, int(solids.size()));
            for (const core::Solid& s : solids) {
                ++materialUse[std::size_t(s.material)];
                ++kinds[s.kind == core::Solid::Kind::Ellipsoid ? 0 : 1];
                QVERIFY(s.kind == core::Solid::Kind::Ellipsoid ||
                        s.kind == core::Solid::Kind::Paraboloid);
                const double reach = std::max(s.semiAxisA, s.semiAxisB);
                QVERIFY(s.centreX - reach >= -1e-9 && s.centreX + reach <= 64 + 1e-9);
                QVERIFY(s.maxThicknessM >= 10e-9 && s.maxThicknessM <= 500e-9);
            }
        }
        QCOMPARE(minCount, 1);
        QCOMPARE(maxCount, 10);
        for (int u : materialUse)
            QVERIFY(u > 300);
        QVERIFY(kinds[0] > 500 && kinds[1] > 500);

        const core::SimulatedSample s = sim.simulate({5, 0, 0, 3});
        QVERIFY(core::imageStats(s.absorption).min >= 0);
        QVERIFY(core::imageStats(s.phase).max > 0);
        // The object alone is the same object.
        const core::SimulatedSample o = sim.simulate({5, 0, 0, 3}, false);
        QVERIFY(identical(o.absorption, s.absorption) && identical(o.phase, s.phase));
        QVERIFY(o.hologram.empty());
    }

    // The acceptance test: the noiseless hologram is the forward operator (float, 4×
    // oversampling) applied to the stored object.
    void noiselessHologramIsTheForwardOperator()
    {
        const int N = 64;
        core::SimulationParams p = core::SimulationParams::dgn();
        core::SampleSimulator sim(p, N);
        core::PropagationOptions opt;
        opt.padding = core::Padding::Periodic;
        opt.oversample = 4;
        core::FresnelOperator<float> op(p.geometry, N, N, opt);
        core::PropagationOptions opt1 = opt;
        opt1.oversample = 1;
        core::FresnelOperator<float> op1(p.geometry, N, N, opt1);
        for (std::uint64_t i = 0; i < 4; ++i) {
            const core::SimulatedSample s = sim.simulate({11, 2, 0, i});
            const core::ImageF ref = op.forward(s.absorption, s.phase);
            const double diff = maxAbsDiff(s.intensity, ref);
            QVERIFY2(diff < 1e-6, qPrintable(QString::number(diff)));
            // The oversampling matters: without it the hologram is measurably different.
            QVERIFY(maxAbsDiff(s.intensity, op1.forward(s.absorption, s.phase)) > 1e-4);
            // And the noisy hologram is not the noiseless one.
            QVERIFY(maxAbsDiff(s.hologram, s.intensity) > 0);
        }

        // The same through the file: noise off, read back, compare.
        p.noise = core::NoiseModel::None;
        core::DatasetRequest req;
        req.params = p;
        req.size = N;
        req.count = 6;
        req.seed = 3;
        req.fftWisdomPath = "none";  // Estimate plans: no planning time in this test
        const std::string file = path("noiseless.h5");
        core::generateDataset(req, file);
        core::DatasetReader reader(file);
        for (const std::string& split : reader.splits())
            for (std::size_t i = 0; i < reader.count(split); ++i) {
                const core::DatasetSample row = reader.read(split, i);
                const double diff = maxAbsDiff(row.hologram, op.forward(row.absorption, row.phase));
                QVERIFY2(diff < 1e-6, qPrintable(QString::number(diff)));
            }
    }

    // The acceptance test: measured PPSNR within 0.5 dB of the drawn value.
    void measuredPpsnrMatchesDrawnValue()
    {
        const int N = 128;
        core::SampleSimulator sim(core::SimulationParams::dgn(), N);
        double lo = 1e9, hi = -1e9;
        for (std::uint64_t i = 0; i < 12; ++i) {
            const core::SimulatedSample s = sim.simulate({21, 0, 0, i});
            QVERIFY(s.ppsnrDb >= 10 && s.ppsnrDb <= 100);
            const double measured = core::measuredPpsnrDb(s.intensity, s.hologram);
            qInfo("drawn %.2f dB, measured %.2f dB", s.ppsnrDb, measured);
            QVERIFY2(std::abs(measured - s.ppsnrDb) < 0.5,
                     qPrintable(QString("drawn %1 measured %2").arg(s.ppsnrDb).arg(measured)));
            lo = std::min(lo, s.ppsnrDb);
            hi = std::max(hi, s.ppsnrDb);
        }
        QVERIFY(hi - lo > 20);  // drawn, not constant

        // From a file: the stored ppsnr_db against the noise measured on the stored hologram.
        core::DatasetRequest req;
        req.size = N;
        req.count = 5;
        req.seed = 8;
        req.params.ppsnrMinDb = 20;
        req.params.ppsnrMaxDb = 40;
        req.fftWisdomPath = "none";
        const std::string file = path("ppsnr.h5");
        core::generateDataset(req, file);
        core::DatasetReader reader(file);
        core::PropagationOptions opt;
        opt.oversample = 4;
        core::FresnelOperator<float> op(reader.geometry(), N, N, opt);
        const auto stored = reader.readScalars("train", "ppsnr_db");
        QCOMPARE(stored.size(), reader.count("train"));
        for (std::size_t i = 0; i < stored.size(); ++i) {
            const core::DatasetSample row = reader.read("train", i);
            QCOMPARE(row.ppsnrDb, stored[i]);
            QVERIFY(stored[i] >= 20 && stored[i] <= 40);
            const double measured =
                core::measuredPpsnrDb(op.forward(row.absorption, row.phase), row.hologram);
            QVERIFY2(std::abs(measured - stored[i]) < 0.5,
                     qPrintable(QString("stored %1 measured %2").arg(stored[i]).arg(measured)));
        }
    }

    // PhaseGAN: rectangles and circles, φ = kδt and B = kβt, a smooth flat field, Poisson noise
    // at the requested photon count.
    void phaseGanDetectorModel()
    {
        const int N = 64;
        const core::SimulationParams p = core::SimulationParams::phaseGan();
        QVERIFY(std::abs(p.geometry.wavelengthM() - 1e-10) < 1e-15);
        QCOMPARE(p.geometry.pixelSizeM, 1e-6);
        QCOMPARE(p.geometry.distanceM, 0.1);
        core::SampleSimulator sim(p, N);
        const double k = 2 * M_PI / p.geometry.wavelengthM();
        const double perPixel = p.photonsPerFrame / (N * N);
        for (std::uint64_t i = 0; i < 6; ++i) {
            const auto solids = sim.drawSolids({2, 0, 0, i});
            double tmax = 0;
            for (const core::Solid& s : solids) {
                QVERIFY(s.kind == core::Solid::Kind::Box || s.kind == core::Solid::Kind::Cylinder);
                QVERIFY(s.maxThicknessM <= 10e-9);
                tmax += s.maxThicknessM;
            }
            const core::SimulatedSample s = sim.simulate({2, 0, 0, i});
            QVERIFY(core::imageStats(s.phase).max <= k * 1e-3 * tmax * (1 + 1e-5));
            for (std::size_t j = 0; j < s.phase.size(); ++j)
                if (s.phase[j] > 1e-4f)
                    QVERIFY(std::abs(s.absorption[j] / s.phase[j] - 1e-3) < 1e-5);

            // Poisson: the residual variance is mean(recorded)/n̄ and counts sum to `photons`.
            const core::SimulatedSample flat = sim.simulate({2, 0, 0, i});
            QVERIFY(identical(flat.hologram, s.hologram));  // deterministic
            double total = 0;
            for (float v : s.hologram)
                total += double(v) * perPixel;
            QVERIFY(std::abs(total - s.photons) < 1e-3 * s.photons);
            QVERIFY(std::abs(s.photons / p.photonsPerFrame - 1) < 0.2);
        }
        // Noise statistics on one frame without flat field.
        core::SimulationParams q = p;
        q.flatFieldRms = 0;
        core::SampleSimulator plain(q, 128);
        const core::SimulatedSample s = plain.simulate({4, 0, 0, 0});
        double var = 0, mean = 0;
        for (std::size_t j = 0; j < s.hologram.size(); ++j) {
            const double d = double(s.hologram[j]) - s.intensity[j];
            var += d * d;
            mean += s.intensity[j];
        }
        var /= double(s.hologram.size());
        mean /= double(s.hologram.size());
        const double expected = mean / (q.photonsPerFrame / (128.0 * 128.0));
        QVERIFY2(std::abs(var / expected - 1) < 0.05,
                 qPrintable(QString("variance %1, expected %2").arg(var).arg(expected)));

        // The flat field: smooth, ~5 % rms, different per frame.
        core::SimulationParams nf = p;
        nf.noise = core::NoiseModel::None;
        core::SampleSimulator noiseless(nf, N);
        const core::SimulatedSample a = noiseless.simulate({9, 0, 0, 0});
        const core::SimulatedSample b = noiseless.simulate({9, 0, 0, 1});
        double rms = 0;
        for (std::size_t j = 0; j < a.hologram.size(); ++j) {
            const double f = a.hologram[j] / a.intensity[j];
            rms += (f - 1) * (f - 1);
        }
        rms = std::sqrt(rms / double(a.hologram.size()));
        QVERIFY2(rms > 0.01 && rms < 0.15, qPrintable(QString::number(rms)));
        QVERIFY(maxAbsDiff(a.hologram, b.hologram) > 0);
    }

    // The file layout issue 7 reads (architecture.md "Datasets") and its attributes.
    void fileLayoutAndAttributes()
    {
        core::DatasetRequest req;
        req.size = 32;
        req.count = 20;
        req.seed = 42;
        req.valFraction = 0.1;
        req.testFraction = 0.15;
        const std::string file = path("layout.h5");
        const core::DatasetReport rep = core::generateDataset(req, file);
        QCOMPARE(int(rep.splits.train), 15);
        QCOMPARE(int(rep.splits.val), 2);
        QCOMPARE(int(rep.splits.test), 3);
        QVERIFY(rep.fileBytes > 0);
        QCOMPARE(rep.fileBytes, std::uint64_t(fs::file_size(file)));

        core::DatasetReader r(file);
        QCOMPARE(int(r.splits().size()), 3);
        QCOMPARE(int(r.count("train")), 15);
        QCOMPARE(int(r.count("val")), 2);
        QCOMPARE(int(r.count("test")), 3);
        QCOMPARE(r.width(), 32);
        QCOMPARE(r.height(), 32);
        QVERIFY(r.paired("train") && r.paired("val") && r.paired("test"));
        const nlohmann::json a = r.attributes();
        QCOMPARE(QString::fromStdString(a["protocol"].get<std::string>()), QString("dgn"));
        QCOMPARE(a["seed"].get<std::uint64_t>(), std::uint64_t(42));
        QCOMPARE(a["energy_keV"].get<double>(), 13.0);
        QVERIFY(!a.contains("energy_kev"));  // one spelling
        QCOMPARE(a["distance_m"].get<double>(), 0.02);
        QCOMPARE(a["pixel_size_m"].get<double>(), 12e-9);
        QCOMPARE(a["oversample"].get<int>(), 4);
        QCOMPARE(a["ppsnr_min_db"].get<double>(), 10.0);
        QCOMPARE(a["ppsnr_max_db"].get<double>(), 100.0);
        QCOMPARE(int(a["materials"].size()), 3);
        QCOMPARE(QString::fromStdString(a["materials"][0].get<std::string>()), QString("Au:19.32"));
        QCOMPARE(int(a["material_delta"].size()), 3);
        QVERIFY(a["phaselab_version"].is_string());
        QVERIFY(a["parameters"].is_string());
        const nlohmann::json params = nlohmann::json::parse(a["parameters"].get<std::string>());
        QCOMPARE(params["seed"].get<std::uint64_t>(), std::uint64_t(42));
        QCOMPARE(r.geometry().energyKeV, 13.0);
        const nlohmann::json sa = r.splitAttributes("val");
        QCOMPARE(sa["paired"].get<int>(), 1);
        QCOMPARE(sa["count"].get<int>(), 2);

        QCOMPARE(QString::fromStdString(a["fft_planning"].get<std::string>()), QString("measure"));
        QVERIFY(rep.fftPlanning == core::FftEffort::Measure);
        QVERIFY(fs::exists(path("fftw-wisdom")));

        // Rows are the simulator's samples for (seed, split, stream 0, index); same plans
        // (single-threaded Measure, as the generator's workers use).
        const core::ThreadCountScope single(1);
        core::SampleSimulator sim(req.params, 32, core::FftEffort::Measure);
        const core::SimulatedSample s = sim.simulate({42, 1, 0, 1});
        const core::DatasetSample row = r.read("val", 1);
        QVERIFY(identical(row.absorption, s.absorption));
        QVERIFY(identical(row.phase, s.phase));
        QVERIFY(identical(row.hologram, s.hologram));
        QCOMPARE(row.ppsnrDb, s.ppsnrDb);

        // Reader errors name the file and the problem.
        QVERIFY_THROWS_EXCEPTION(core::InputError, (void)r.read("train", 15));
        QVERIFY_THROWS_EXCEPTION(core::InputError, (void)r.count("bogus"));
        QVERIFY_THROWS_EXCEPTION(core::InputError, (void)r.readImage("train", "nope", 0));
        std::ofstream(path("not.h5")) << "not hdf5";
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::DatasetReader(path("not.h5")));
    }

    // The reader of hand-written sets: rows into caller buffers, the physics looked up on the
    // split, the root, then the hologram, and the legacy spelling energy_kev.
    void readerOfWrittenSets()
    {
        const int w = 5, h = 3;
        auto coded = [&](int row, float scale) {
            core::ImageF img(w, h);
            for (int p = 0; p < w * h; ++p)
                img[std::size_t(p)] = scale * float(100 * row + p);
            return img;
        };
        const std::string file = path("written.h5");
        {
            core::DatasetWriter writer(file, w, h, 1);
            // The spelling of PhaseLab versions before energy_keV.
            writer.setAttributes({{"energy_kev", 17.5}, {"distance_m", 0.125},
                                  {"pixel_size_m", 45e-9}, {"padding", "replicate"}});
            writer.createSplit("train", 2, {{"paired", 0}, {"distance_m", 0.5}}, {});
            writer.createSplit("test", 1, nlohmann::json::object(), {});
            for (const char* split : {"train", "test"})
                for (int i = 0; i < (split == std::string("train") ? 2 : 1); ++i) {
                    writer.writeImage(split, "hologram", std::size_t(i), coded(i, 1));
                    writer.writeImage(split, "absorption", std::size_t(i), coded(i, -1));
                    writer.writeImage(split, "phase", std::size_t(i), coded(i, 0.5f));
                }
            writer.close();
        }
        const core::DatasetReader r(file);
        QCOMPARE(r.splits(), std::vector<std::string>({"train", "test"}));
        QVERIFY(r.contains("train", "phase"));
        QVERIFY(!r.contains("train", "ppsnr_db"));
        QVERIFY(!r.contains("val", "hologram"));
        QVERIFY(!r.paired("train"));
        QVERIFY(r.paired("test"));
        std::vector<float> row(std::size_t(w * h));
        r.readImage("train", "absorption", 1, row.data());
        QCOMPARE(row[7], -107.0f);
        QVERIFY(std::isnan(r.read("test", 0).ppsnrDb));

        const core::Geometry g = r.geometry();
        QCOMPARE(g.energyKeV, 17.5);
        QCOMPARE(g.distanceM, 0.125);
        const core::DatasetPhysics train = r.physics("train"), test = r.physics("test");
        QVERIFY(train.complete());
        QCOMPARE(*train.energyKeV, 17.5);
        QCOMPARE(*train.distanceM, 0.5);  // the split's own value first
        QCOMPARE(*test.distanceM, 0.125);
        QCOMPARE(*test.padding, std::string("replicate"));
        QVERIFY_THROWS_EXCEPTION(core::InputError, (void)r.physics("val"));

        // energy_keV wins over the legacy spelling; without physics, geometry() names what is
        // missing.
        const std::string both = path("both.h5"), none = path("none.h5");
        for (const std::string& f : {both, none}) {
            core::DatasetWriter writer(f, w, h, 1);
            if (f == both)
                writer.setAttributes({{"energy_keV", 20.0}, {"energy_kev", 10.0},
                                      {"distance_m", 0.1}, {"pixel_size_m", 1e-6}});
            writer.createSplit("val", 1, nlohmann::json::object(), {});
            for (const char* name : {"hologram", "absorption", "phase"})
                writer.writeImage("val", name, 0, coded(0, 1));
        }
        QCOMPARE(core::DatasetReader(both).geometry().energyKeV, 20.0);
        QVERIFY(!core::DatasetReader(none).physics("val").complete());
        try {
            (void)core::DatasetReader(none).geometry();
            QFAIL("no exception");
        } catch (const core::InputError& e) {
            QVERIFY2(std::string(e.what()).find("energy_keV") != std::string::npos, e.what());
        }
    }

    // Unpaired: holograms and objects of disjoint samples in train, paired val/test.
    void unpairedSetsUseDisjointSamples()
    {
        core::DatasetRequest req;
        req.params = core::SimulationParams::phaseGan();
        req.size = 32;
        req.count = 10;
        req.seed = 77;
        req.unpairedTrain = true;
        const std::string file = path("unpaired.h5");
        core::generateDataset(req, file);
        core::DatasetReader r(file);
        QVERIFY(!r.paired("train"));
        QVERIFY(r.paired("val"));
        QCOMPARE(r.splitAttributes("train")["paired"].get<int>(), 0);
        QCOMPARE(r.readScalars("train", "photons").size(), r.count("train"));
        QCOMPARE(QString::fromStdString(r.attributes()["noise"].get<std::string>()),
                 QString("poisson"));

        const core::ThreadCountScope single(1);
        core::SampleSimulator sim(req.params, 32, core::FftEffort::Measure);
        for (std::size_t i = 0; i < r.count("train"); ++i) {
            const core::DatasetSample row = r.read("train", i);
            const core::SimulatedSample holoSource = sim.simulate({77, 0, 0, i});
            const core::SimulatedSample objSource = sim.simulate({77, 0, 1, i}, false);
            QVERIFY(identical(row.hologram, holoSource.hologram));
            QVERIFY(identical(row.phase, objSource.phase));
            QVERIFY(!identical(row.phase, holoSource.phase));
        }
        const core::DatasetSample v = r.read("val", 0);
        QVERIFY(identical(v.phase, sim.simulate({77, 1, 0, 0}, false).phase));
    }

    // The acceptance test: the same seed gives the same file; another seed does not.
    // The samples do not depend on the thread count either (per-sample seeds, one-thread FFTs).
    void sameSeedSameFile()
    {
        core::DatasetRequest req;
        req.size = 32;
        req.count = 24;
        req.seed = 1234;
        req.batchSize = 5;  // several batches
        core::generateDataset(req, path("a.h5"));
        core::generateDataset(req, path("b.h5"));
        QVERIFY(fileBytes(path("a.h5")) == fileBytes(path("b.h5")));
        req.seed = 1235;
        core::generateDataset(req, path("c.h5"));
        QVERIFY(fileBytes(path("a.h5")) != fileBytes(path("c.h5")));

        // Without FFTW wisdom: Estimate plans, equally reproducible, same values to float
        // rounding.
        req.seed = 1234;
        req.fftWisdomPath = "none";
        const core::DatasetReport est = core::generateDataset(req, path("e1.h5"));
        QVERIFY(est.fftPlanning == core::FftEffort::Estimate);
        core::generateDataset(req, path("e2.h5"));
        QVERIFY(fileBytes(path("e1.h5")) == fileBytes(path("e2.h5")));
        {
            core::DatasetReader ra(path("a.h5")), re(path("e1.h5"));
            QCOMPARE(QString::fromStdString(re.attributes()["fft_planning"].get<std::string>()),
                     QString("estimate"));
            for (std::size_t i = 0; i < ra.count("train"); ++i)
                QVERIFY(maxAbsDiff(ra.read("train", i).hologram, re.read("train", i).hologram) <
                        1e-5);
        }
        req.fftWisdomPath.clear();

        req.seed = 1234;
        const int threads = core::threadCount();
        core::setThreadCount(1);
        core::generateDataset(req, path("one.h5"));
        core::setThreadCount(threads);
        core::DatasetReader ra(path("a.h5")), r1(path("one.h5"));
        for (std::size_t i = 0; i < ra.count("train"); ++i) {
            const auto x = ra.read("train", i), y = r1.read("train", i);
            QVERIFY(identical(x.absorption, y.absorption));
            QVERIFY(identical(x.phase, y.phase));
            QVERIFY(identical(x.hologram, y.hologram));  // single-threaded plans either way
        }
    }

    // The acceptance test: a cancel leaves no file (and no temporary), and an existing
    // file of that name is left as it was.
    void cancelLeavesNoFile()
    {
        QTemporaryDir dir;
        const std::string file = dir.filePath("cancel.h5").toStdString();
        core::DatasetRequest req;
        req.size = 32;
        req.count = 200;
        req.batchSize = 8;
        core::CancelToken token;
        CancelAt sink(token, "train");
        QVERIFY_THROWS_EXCEPTION(core::Cancelled,
                                 core::generateDataset(req, file, &sink, &token));
        QVERIFY(sink.reports >= 1);
        QVERIFY(!fs::exists(file));
        QVERIFY(fs::is_empty(dir.path().toStdString()));

        std::ofstream(file) << "old";
        token.reset();
        CancelAt again(token, "val");
        QVERIFY_THROWS_EXCEPTION(core::Cancelled,
                                 core::generateDataset(req, file, &again, &token));
        QCOMPARE(QString::fromStdString(fileBytes(file)), QString("old"));
        QCOMPARE(int(std::distance(fs::directory_iterator(dir.path().toStdString()),
                                   fs::directory_iterator())),
                 1);
    }

    void rejectsBadRequests()
    {
        core::DatasetRequest req;
        req.size = 32;
        req.count = 4;
        const std::string file = path("bad.h5");
        auto expectInputError = [&](const core::DatasetRequest& r) {
            QVERIFY_THROWS_EXCEPTION(core::InputError, core::generateDataset(r, file));
            QVERIFY(!fs::exists(file));
        };
        core::DatasetRequest r = req;
        r.size = 4;
        expectInputError(r);
        r = req;
        r.count = 0;
        expectInputError(r);
        r = req;
        r.params.ppsnrMinDb = 50;
        r.params.ppsnrMaxDb = 10;
        expectInputError(r);
        r = req;
        r.params.materials.clear();
        expectInputError(r);
        r = req;
        r.params.maxShapes = 0;
        expectInputError(r);
        r = req;
        r.valFraction = 0.7;
        r.testFraction = 0.6;
        expectInputError(r);
        r = req;
        r.params.materials = {{"bogus", "Xx", 1.0}};
        expectInputError(r);
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::generateDataset(req, path("no/such/dir/x.h5")));
        QVERIFY_THROWS_EXCEPTION(core::InputError, (void)core::parseProtocol("cyclegan"));
        QVERIFY(core::parseProtocol("PhaseGAN") == core::SimulationProtocol::PhaseGan);
    }

    // The generator's distributions: mean and variance of uniform, normal and Poisson (both the
    // small-mean and the transformed-rejection branch), and independent streams per key.
    void randomNumberDistributions()
    {
        const int n = 200000;
        core::detail::Rng rng(99, 1, 2, 3);
        double su = 0, suu = 0, sn = 0, snn = 0;
        for (int i = 0; i < n; ++i) {
            const double u = rng.uniform(), z = rng.normal();
            QVERIFY(u >= 0 && u < 1);
            su += u;
            suu += u * u;
            sn += z;
            snn += z * z;
        }
        QVERIFY(std::abs(su / n - 0.5) < 0.005);
        QVERIFY(std::abs(suu / n - 0.25 - 1.0 / 12) < 0.005);
        QVERIFY(std::abs(sn / n) < 0.01);
        QVERIFY(std::abs(snn / n - 1) < 0.01);
        for (double mean : {0.3, 4.0, 9.9, 10.0, 37.0, 1007.0}) {
            double s = 0, ss = 0;
            for (int i = 0; i < n; ++i) {
                const double k = double(rng.poisson(mean));
                s += k;
                ss += k * k;
            }
            const double m = s / n, v = ss / n - m * m;
            // Standard errors: √(mean/n) for the mean, ≈ mean·√(2/n) for the variance.
            QVERIFY2(std::abs(m - mean) < 5 * std::sqrt(mean / n),
                     qPrintable(QString("mean %1 for %2").arg(m).arg(mean)));
            QVERIFY2(std::abs(v - mean) < 5 * mean * std::sqrt(2.0 / n) + 0.01,
                     qPrintable(QString("variance %1 for %2").arg(v).arg(mean)));
        }
        // P(0) of a Poisson(4) is e^-4.
        int zeros = 0;
        for (int i = 0; i < n; ++i)
            zeros += rng.poisson(4.0) == 0;
        QVERIFY(std::abs(double(zeros) / n - std::exp(-4.0)) < 0.002);

        core::detail::Rng a(1, 0, 0, 5), b(1, 0, 0, 5), c(1, 0, 1, 5), d(2, 0, 0, 5);
        const auto x = a.next();
        QCOMPARE(b.next(), x);
        QVERIFY(c.next() != x && d.next() != x);
        QVERIFY(core::detail::Rng(0, 0, 0, 0).next() != core::detail::Rng(0, 0, 0, 1).next());
    }

    void splitCountsRound()
    {
        const core::SplitCounts c = core::splitCounts(12000, 1.0 / 12, 1.0 / 12);
        QCOMPARE(int(c.train), 10000);
        QCOMPARE(int(c.val), 1000);
        QCOMPARE(int(c.test), 1000);
        const core::SplitCounts d = core::splitCounts(1, 0.1, 0.1);
        QCOMPARE(int(d.total()), 1);
        QCOMPARE(int(d.train), 1);
    }
};

QTEST_APPLESS_MAIN(SimulateTest)
#include "simulate_test.moc"
