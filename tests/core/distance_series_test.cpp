// Distance series (issue 14): multi-distance IRGN on the strong-phase spheres against its
// multi-distance CTF start and the single-distance IRGN; loading several TIFF files or one 3D
// HDF5 dataset with a distances_m attribute; registration of a series whose holograms 2…4 are
// shifted and magnified by known amounts; bad inputs.
#include <QtTest>

#include <phaselab/core/ctf.h>
#include <phaselab/core/ctf_multi.h>
#include <phaselab/core/distance_series.h>
#include <phaselab/core/error.h>
#include <phaselab/core/metrics.h>
#include <phaselab/core/tiff_io.h>

#include "hdf5_test_util.h"
#include "sphere_holograms.h"
#include "test_util.h"

#include <cmath>
#include <limits>

using namespace phaselab;

namespace {

core::IrgnOptions sphereOptions(const core::ImageF& truth, int steps)
{
    core::IrgnOptions o;
    o.betaDelta = 1.0 / test::kSphereDeltaBeta;
    o.initialGuess = core::IrgnInitialGuess::Ctf;
    o.newtonSteps = steps;
    o.propagation.padding = core::Padding::Unit;
    o.truePhase = truth;
    return o;
}

// A numeric array attribute on the object at `path`.
void writeDoubleAttr(hid_t file, const std::string& path, const std::string& name,
                     const std::vector<double>& v)
{
    core::H5Handle obj(H5Oopen(file, path.c_str(), H5P_DEFAULT));
    const hsize_t dims[1] = {v.size()};
    core::H5Handle space(H5Screate_simple(1, dims, nullptr));
    core::H5Handle a(H5Acreate2(obj.get(), name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                                H5P_DEFAULT));
    H5Awrite(a.get(), H5T_NATIVE_DOUBLE, v.data());
}

// A 3D float dataset [n, H, W] at "/holo" with an optional distances attribute.
std::string writeStack(const QString& dir, const std::string& name,
                       const std::vector<core::ImageF>& frames, const std::vector<double>& distances)
{
    const std::string file = (dir + "/" + QString::fromStdString(name)).toStdString();
    const core::H5Handle f = test::createH5(file);
    std::vector<float> data;
    for (const core::ImageF& fr : frames)
        data.insert(data.end(), fr.begin(), fr.end());
    const int w = frames[0].width(), h = frames[0].height();
    if (!test::writeH5Dataset(f.get(), "/holo", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT,
                              {frames.size(), hsize_t(h), hsize_t(w)}, data))
        qFatal("cannot write %s", file.c_str());
    if (!distances.empty())
        writeDoubleAttr(f.get(), "/holo", "distances_m", distances);
    return file;
}

// Measured with registerSeries on the spheres below (128², 6 rad, F = 0.01 … 0.004, Poisson
// noise): see docs/classical_reconstruction.md.
constexpr double kSeriesMagnificationTolerance = 0.006;
constexpr double kSeriesShiftTolerance = 0.3;

bool sameImage(const core::ImageF& a, const core::ImageF& b)
{
    if (!a.sameShape(b))
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i])
            return false;
    return true;
}

} // namespace

class DistanceSeriesTest : public QObject {
    Q_OBJECT

private slots:
    // Four distances, near and far: the multi-distance IRGN ends at or below its multi-distance
    // CTF start and below the single-distance IRGN at the nearest distance.
    void multiDistanceIrgnOnSpheres()
    {
        const int steps = 10;
        for (const std::vector<double>& set :
             {std::vector<double>{0.01, 0.008, 0.006, 0.004},
              std::vector<double>{0.1, 0.07, 0.05, 0.035}}) {
            core::DistanceSeries s;
            core::ImageF truth;
            QString singles;
            double nearestSingle = 0;
            for (double F : set) {
                const test::SphereData d = test::sphereHolograms(128, test::sphereDistanceM(F));
                s.holograms.push_back(d.hologram);
                s.geometries.push_back(d.geometry);
                truth = d.phase;
                // The single-distance IRGN at the nearest distance only (all four:
                // docs/classical_reconstruction.md); the CTF at each.
                core::CtfOptions c1;
                c1.betaDelta = 1.0 / test::kSphereDeltaBeta;
                singles += QString(" F=%1: CTF %2 %;")
                               .arg(F)
                               .arg(core::nmsePercent(core::reconstructCtf(d.hologram, d.geometry, c1).phase,
                                                      d.phase),
                                    0, 'g', 3);
                if (F == set.front()) {
                    core::Irgn single(d.hologram, d.geometry, sphereOptions(d.phase, steps));
                    single.run();
                    nearestSingle = single.nmseHistory().back();
                    singles += QString(" (IRGN %1 %);").arg(nearestSingle, 0, 'g', 3);
                }
            }
            core::SeriesIrgnHistory h;
            core::CtfOptions c;
            c.betaDelta = 1.0 / test::kSphereDeltaBeta;
            const double ctfMulti =
                core::nmsePercent(core::reconstructCtfMultiDistance(s.holograms, s.geometries, c).phase,
                                  truth);
            const core::Reconstruction r =
                core::reconstructIrgnMultiDistance(s, sphereOptions(truth, steps), &h);
            const double multi = core::nmsePercent(r.phase, truth);
            qInfo("single distances:%s", qPrintable(singles));
            qInfo("F = %g … %g: multi-distance CTF %.3g %%, multi-distance IRGN %.3g %% after %d "
                  "steps (residual %.3g → %.3g)",
                  set.front(), set.back(), ctfMulti, multi, h.iterations, h.residuals.front(),
                  h.residuals.back());
            QCOMPARE(h.iterations, steps);
            QCOMPARE(h.nmse.size(), h.residuals.size());
            QVERIFY(std::abs(h.nmse.front() - ctfMulti) < 1e-6 * std::max(1.0, ctfMulti));
            QVERIFY(std::abs(h.nmse.back() - multi) < 1e-9);
            for (std::size_t k = 1; k < h.residuals.size(); ++k)
                QVERIFY(h.residuals[k] <= h.residuals[k - 1]);
            QVERIFY(multi <= ctfMulti);
            QVERIFY(multi < nearestSingle);
        }
    }

    // A series of one hologram is exactly the single-distance IRGN.
    void oneHologramIsTheSingleDistanceIrgn()
    {
        const test::SphereData d = test::sphereHolograms(64, test::sphereDistanceM(0.01));
        core::IrgnOptions o = sphereOptions(d.phase, 3);
        core::Irgn single(d.hologram, d.geometry, o);
        single.run();
        core::SeriesIrgnHistory h;
        const core::Reconstruction r =
            core::reconstructIrgnMultiDistance({{d.hologram}, {d.geometry}}, o, &h);
        QVERIFY(sameImage(r.phase, single.phase()));
        QVERIFY(sameImage(r.absorption, single.absorption()));
        QCOMPARE(h.residuals, single.residualHistory());
        QCOMPARE(h.cgIterations, single.cgIterationsDone());
        QCOMPARE(h.rejectedSteps, single.rejectedSteps());
        o.precondition = true;
        QVERIFY_THROWS_EXCEPTION(
            core::InputError,
            core::reconstructIrgnMultiDistance({{d.hologram, d.hologram}, {d.geometry, d.geometry}}, o));
    }

    void loadTiffFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        std::vector<std::string> specs;
        std::vector<core::ImageF> images;
        for (int i = 0; i < 3; ++i) {
            images.push_back(test::randomImage<float>(40, 30, 0.5, 1.5, 20 + i));
            specs.push_back(dir.filePath(QString("h%1.tif").arg(i)).toStdString());
            core::writeTiff(specs.back(), images.back());
        }
        const core::Geometry base{15.0, 1.0, 100e-9};
        const core::DistanceSeries s = core::loadDistanceSeries(specs, {0.1, 0.2, 0.3}, base);
        QCOMPARE(s.holograms.size(), std::size_t(3));
        for (int i = 0; i < 3; ++i) {
            QVERIFY(sameImage(s.holograms[std::size_t(i)], images[std::size_t(i)]));
            QCOMPARE(s.geometries[std::size_t(i)].distanceM, 0.1 * (i + 1));
            QCOMPARE(s.geometries[std::size_t(i)].pixelSizeM, 100e-9);
            QCOMPARE(s.geometries[std::size_t(i)].energyKeV, 15.0);
        }
        // Wrong count of distances, none, a non-positive one, a missing file, another shape.
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::loadDistanceSeries(specs, {0.1, 0.2}, base));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::loadDistanceSeries(specs, {}, base));
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::loadDistanceSeries(specs, {0.1, 0.0, 0.3}, base));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::loadDistanceSeries({}, {}, base));
        QVERIFY_THROWS_EXCEPTION(
            core::InputError,
            core::loadDistanceSeries({specs[0], dir.filePath("missing.tif").toStdString()},
                                     {0.1, 0.2}, base));
        // A multi-page TIFF: one page per distance, the distances given.
        const std::string pages = dir.filePath("pages.tif").toStdString();
        core::writeTiffStack(pages, images);
        const core::DistanceSeries p = core::loadDistanceSeries({pages}, {0.1, 0.2, 0.3}, base);
        QCOMPARE(p.holograms.size(), std::size_t(3));
        QVERIFY(sameImage(p.holograms[2], images[2]));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::loadDistanceSeries({pages}, {}, base));
        const std::string other = dir.filePath("other.tif").toStdString();
        core::writeTiff(other, core::ImageF(30, 40, 1.0f));
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::loadDistanceSeries({specs[0], other}, {0.1, 0.2}, base));
    }

    void loadHdf5Stack()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        std::vector<core::ImageF> frames;
        for (int i = 0; i < 4; ++i)
            frames.push_back(test::randomImage<float>(24, 20, 0.5, 1.5, 40 + i));
        const std::vector<double> D{0.05, 0.06, 0.08, 0.11};
        const std::string file = writeStack(dir.path(), "stack.h5", frames, D);
        const core::Geometry base{12.0, 1.0, 50e-9};
        const core::DistanceSeries s = core::loadDistanceSeries({file + ":/holo"}, {}, base);
        QCOMPARE(s.holograms.size(), std::size_t(4));
        for (std::size_t i = 0; i < 4; ++i) {
            QVERIFY(sameImage(s.holograms[i], frames[i]));
            QCOMPARE(s.geometries[i].distanceM, D[i]);
            QCOMPARE(s.geometries[i].pixelSizeM, 50e-9);
        }
        // Distances given override the attribute; their count must match the frames.
        const core::DistanceSeries t =
            core::loadDistanceSeries({file + ":/holo"}, {1, 2, 3, 4}, base);
        QCOMPARE(t.geometries[3].distanceM, 4.0);
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::loadDistanceSeries({file + ":/holo"}, {1, 2, 3}, base));
        // One distance: frame `frame` alone.
        const core::DistanceSeries one = core::loadDistanceSeries({file + ":/holo"}, {0.5}, base, 2);
        QCOMPARE(one.holograms.size(), std::size_t(1));
        QVERIFY(sameImage(one.holograms[0], frames[2]));
        // No attribute, or one with the wrong count.
        const std::string bare = writeStack(dir.path(), "bare.h5", frames, {});
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::loadDistanceSeries({bare + ":/holo"}, {}, base));
        const std::string wrong = writeStack(dir.path(), "wrong.h5", frames, {0.1, 0.2});
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::loadDistanceSeries({wrong + ":/holo"}, {}, base));
    }

    // Holograms 2…4 of the spheres magnified and shifted by known amounts; the geometries give
    // the cone-beam magnification only roughly (pixel size ratio 0.2 % off), registerSeries
    // searches around it.
    void registerSeriesFindsKnownTransforms()
    {
        const int n = 128;
        const std::vector<double> F{0.01, 0.008, 0.006, 0.004};
        struct T {
            double m, sx, sy;
        };
        const std::vector<T> truth{{1.0, 0, 0}, {1.012, 3.37, -5.81}, {1.025, -2.4, 1.7},
                                   {1.04, 6.1, 4.25}};
        core::DistanceSeries s, plain;
        core::ImageF phase;
        for (std::size_t d = 0; d < F.size(); ++d) {
            const double D = test::sphereDistanceM(F[d]);
            const test::SphereData a =
                test::sphereHolograms(n, D, 1e5, 7, 6.0, 2.0, truth[d].m, truth[d].sx,
                                      truth[d].sy);
            const test::SphereData b = test::sphereHolograms(n, D);
            // The Fresnel scaling theorem: the object magnified by m on the same detector is the
            // cone-beam geometry of effective pixel Δx/m and effective distance D/m². The
            // nominal pixel size is 0.2 % off (the search finds the rest).
            core::Geometry g = a.geometry;
            if (d > 0) {
                g.pixelSizeM = a.geometry.pixelSizeM / (truth[d].m * 1.002);
                g.distanceM = D / (truth[d].m * truth[d].m);
            }
            s.holograms.push_back(a.hologram);
            s.geometries.push_back(g);
            plain.holograms.push_back(b.hologram);
            plain.geometries.push_back(b.geometry);
            phase = b.phase;
        }
        core::RegistrationOptions o;
        o.magnificationRange = 0.02;
        const std::vector<core::Registration> r = core::registerSeries(s, o);
        QCOMPARE(r.size(), F.size());
        QCOMPARE(r[0].magnification, 1.0);
        QCOMPARE(r[0].shiftX, 0.0);
        double worstM = 0, worstShift = 0;
        for (std::size_t d = 1; d < F.size(); ++d) {
            const double em = std::abs(r[d].magnification / truth[d].m - 1);
            const double ex = std::abs(r[d].shiftX - truth[d].sx);
            const double ey = std::abs(r[d].shiftY - truth[d].sy);
            qInfo("hologram %zu (F = %g): m %.5f (true %.3f, error %.3f %%), shift (%.3f, %.3f) "
                  "(errors %.3f, %.3f px), peak %.3f",
                  d + 1, F[d], r[d].magnification, truth[d].m, 100 * em, r[d].shiftX, r[d].shiftY,
                  ex, ey, r[d].peak);
            worstM = std::max(worstM, em);
            worstShift = std::max({worstShift, ex, ey});
        }
        QVERIFY(worstM < kSeriesMagnificationTolerance);
        QVERIFY(worstShift < kSeriesShiftTolerance);
        const core::DistanceSeries reg = core::applyRegistrations(s, r);
        for (const core::Geometry& g : reg.geometries)
            QCOMPARE(g.pixelSizeM, s.geometries[0].pixelSizeM);
        // The multi-distance CTF (30 % NMSE on these 6 rad spheres even untransformed) of the
        // registered series is no worse than that of the series recorded without any
        // transform, and better than without registration.
        core::CtfOptions c;
        c.betaDelta = 1.0 / test::kSphereDeltaBeta;
        const double ideal = core::nmsePercent(
            core::reconstructCtfMultiDistance(plain.holograms, plain.geometries, c).phase, phase);
        const double registered = core::nmsePercent(
            core::reconstructCtfMultiDistance(reg.holograms, reg.geometries, c).phase, phase);
        const double unregistered = core::nmsePercent(
            core::reconstructCtfMultiDistance(s.holograms, plain.geometries, c).phase, phase);
        qInfo("multi-distance CTF: untransformed series %.3g %%, registered %.3g %%, "
              "unregistered %.3g %%",
              ideal, registered, unregistered);
        QVERIFY(registered < unregistered);
        QVERIFY(registered < 1.1 * ideal);
        // End to end: the 4-distance IRGN of the registered series, against the untransformed
        // series and the series resampled with the true registrations.
        std::vector<core::Registration> exact;
        for (const T& t : truth) {
            core::Registration e;
            e.magnification = t.m;
            e.shiftX = t.sx;
            e.shiftY = t.sy;
            exact.push_back(e);
        }
        const core::DistanceSeries oracle = core::applyRegistrations(s, exact);
        double irgn[3];
        int k = 0;
        for (const core::DistanceSeries* series :
             std::initializer_list<const core::DistanceSeries*>{&plain, &reg, &oracle}) {
            core::SeriesIrgnHistory h;
            core::reconstructIrgnMultiDistance(*series, sphereOptions(phase, 10), &h);
            irgn[k++] = h.nmse.back();
        }
        qInfo("multi-distance IRGN (10 steps): untransformed series %.3g %%, registered %.3g %%, "
              "true registrations %.3g %%",
              irgn[0], irgn[1], irgn[2]);
        QVERIFY(irgn[1] < 1.0);
        QVERIFY(irgn[1] < 4 * irgn[0]);
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::applyRegistrations(s, {r[0]}));
    }

    // Progress runs from 0 to 1 without going back; a cancel request ends registration and
    // the multi-distance IRGN with Cancelled.
    void progressAndCancel()
    {
        struct Recorder : core::ProgressSink {
            std::vector<double> fractions;
            void report(double f, const std::string&) override { fractions.push_back(f); }
        };
        core::DistanceSeries s;
        for (double F : {0.01, 0.008, 0.006}) {
            const test::SphereData d = test::sphereHolograms(64, test::sphereDistanceM(F));
            s.holograms.push_back(d.hologram);
            s.geometries.push_back(d.geometry);
        }
        Recorder rec;
        core::RegistrationOptions o;
        o.magnificationRange = 0.02;
        core::registerSeries(s, o, {&rec, nullptr});
        QVERIFY(!rec.fractions.empty());
        for (std::size_t i = 0; i < rec.fractions.size(); ++i) {
            QVERIFY(rec.fractions[i] >= 0.0 && rec.fractions[i] <= 1.0);
            if (i > 0)
                QVERIFY(rec.fractions[i] >= rec.fractions[i - 1]);
        }
        QCOMPARE(rec.fractions.back(), 1.0);
        core::CancelToken cancel;
        cancel.cancel();
        QVERIFY_THROWS_EXCEPTION(core::Cancelled, core::registerSeries(s, o, {nullptr, &cancel}));
        QVERIFY_THROWS_EXCEPTION(core::Cancelled,
                                 core::registerImages(s.holograms[0], s.holograms[1], o,
                                                      {nullptr, &cancel}));
        QVERIFY_THROWS_EXCEPTION(core::Cancelled,
                                 core::reconstructIrgnMultiDistance(s, {}, nullptr, {nullptr, &cancel}));
    }

    void validateRefusesBadSeries()
    {
        const core::ImageF a(32, 32, 1.0f), b(32, 16, 1.0f);
        core::ImageF nan(32, 32, 1.0f);
        nan(1, 2) = std::numeric_limits<float>::quiet_NaN();
        const core::Geometry g{15.0, 0.1, 100e-9};
        core::Geometry e = g;
        e.energyKeV = 20;
        core::Geometry bad = g;
        bad.distanceM = -1;
        QVERIFY_THROWS_EXCEPTION(core::InputError, (core::DistanceSeries{{}, {}}.validate()));
        QVERIFY_THROWS_EXCEPTION(core::InputError, (core::DistanceSeries{{a, a}, {g}}.validate()));
        QVERIFY_THROWS_EXCEPTION(core::InputError, (core::DistanceSeries{{a, b}, {g, g}}.validate()));
        QVERIFY_THROWS_EXCEPTION(core::InputError, (core::DistanceSeries{{a, nan}, {g, g}}.validate()));
        QVERIFY_THROWS_EXCEPTION(core::InputError, (core::DistanceSeries{{a, a}, {g, e}}.validate()));
        QVERIFY_THROWS_EXCEPTION(core::InputError, (core::DistanceSeries{{a, a}, {g, bad}}.validate()));
        core::DistanceSeries{{a, a}, {g, g}}.validate();
        // The IRGN needs one grid: pixel sizes must agree (register first).
        core::Geometry p = g;
        p.pixelSizeM = 90e-9;
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::reconstructIrgnMultiDistance({{a, a}, {g, p}}));
    }
};

QTEST_GUILESS_MAIN(DistanceSeriesTest)
#include "distance_series_test.moc"
