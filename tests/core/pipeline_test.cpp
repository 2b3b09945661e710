// The reconstruction pipeline (reconstruction_pipeline.h): the registry, options with one JSON
// spelling and their defaults, requests and sessions that read back, the input check for raw
// counts, refusal of non-finite results, the one residual, atomic result files, and an IRGN run
// that continues exactly where it stopped.
#include <QtTest>

#include <phaselab/core/metrics.h>

#include <phaselab/core/classical_methods.h>
#include <phaselab/core/error.h>
#include <phaselab/core/fresnel.h>
#include <phaselab/core/paganin.h>
#include <phaselab/core/phantom.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/tiff_io.h>

#include "nan_method.h"
#include "test_util.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>

using namespace phaselab;
namespace fs = std::filesystem;

namespace {

bool bitEqual(const core::ImageF& a, const core::ImageF& b)
{
    return a.sameShape(b) && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

} // namespace

class PipelineTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    core::DemoSample m_demo;

    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

    core::LoadedHologram demoInput() const
    {
        core::LoadedHologram h;
        h.image = m_demo.hologram;
        h.spec.kind = core::InputSpec::Kind::Demo;
        h.spec.demoSize = m_demo.hologram.width();
        h.geometry = m_demo.geometry;
        return h;
    }

    core::ReconstructionRequest request(const std::string& method) const
    {
        core::ReconstructionRequest r;
        r.method = method;
        r.geometry = m_demo.geometry;
        r.betaOverDelta = 1.0 / 30;
        return r;
    }

private slots:
    void initTestCase()
    {
        // Estimate plans: results do not depend on FFTW's timing (nor on a wisdom file).
        qputenv("PHASELAB_FFTW_WISDOM", "none");
        QVERIFY(m_dir.isValid());
        m_demo = core::makeDemoSample(64);
    }

    void registryListsTheClassicalMethods()
    {
        const std::vector<std::string> ids = core::MethodRegistry::instance().ids();
        for (const char* id : {"ctf", "paganin", "irgn"})
            QVERIFY2(std::find(ids.begin(), ids.end(), id) != ids.end(), id);
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::MethodRegistry::instance().create("nope"));
        try {
            (void)core::MethodRegistry::instance().create("nope");
        } catch (const core::InputError& e) {
            QVERIFY2(std::string(e.what()).find("irgn") != std::string::npos, e.what());
        }
    }

    // Defaults live in the solver structs: the registry's options hold exactly those values.
    void defaultsComeFromTheSolverStructs()
    {
        const auto irgn = core::MethodRegistry::instance().defaultOptions("irgn");
        const nlohmann::json j = irgn->toJson();
        const core::IrgnOptions solver;
        QCOMPARE(j["alpha0"].get<double>(), solver.alpha0);
        QCOMPARE(j["newton_steps"].get<int>(), solver.newtonSteps);
        QCOMPARE(j["cg_iterations"].get<int>(), solver.cgIterations);
        QCOMPARE(j["ctf"]["alpha_low"].get<double>(), solver.ctf.alphaLow);
        const auto ctf = core::MethodRegistry::instance().defaultOptions("ctf");
        QCOMPARE(ctf->toJson()["alpha_high"].get<double>(), core::CtfOptions{}.alphaHigh);
    }

    // One spelling: toJson → fromJson → toJson is the identity; unknown keys and wrong types are
    // errors; every field's key is in the JSON.
    void optionsJsonRoundTrip()
    {
        for (const std::string& id : core::MethodRegistry::instance().ids()) {
            auto a = core::MethodRegistry::instance().defaultOptions(id);
            auto b = core::MethodRegistry::instance().defaultOptions(id);
            b->fromJson(a->toJson());
            QCOMPARE(b->toJson(), a->toJson());
            for (const core::OptionField& f : a->fields()) {
                nlohmann::json node = a->toJson();
                std::size_t start = 0;
                for (std::size_t dot; (dot = f.key.find('.', start)) != std::string::npos;
                     start = dot + 1)
                    node = node[f.key.substr(start, dot - start)];
                QVERIFY2(node.contains(f.key.substr(start)), (id + ": " + f.key).c_str());
            }
            QVERIFY_THROWS_EXCEPTION(core::InputError, b->fromJson({{"no_such_key", 1}}));
        }
        core::IrgnMethodOptions o;
        o.fromJson({{"newton_steps", 7}, {"ctf", {{"alpha_low", 1e-6}}}, {"unknowns", "joint"}});
        QCOMPARE(o.irgn.newtonSteps, 7);
        QCOMPARE(o.irgn.ctf.alphaLow, 1e-6);
        QVERIFY(o.unknowns == core::IrgnUnknowns::Joint);
        QVERIFY_THROWS_EXCEPTION(core::InputError, o.fromJson({{"newton_steps", "many"}}));
        QVERIFY_THROWS_EXCEPTION(core::InputError, o.fromJson({{"newton_steps", 2.5}}));
        o.fromJson({{"q", 1.5}});
        QVERIFY_THROWS_EXCEPTION(core::InputError, o.validate());
    }

    void requestAndSessionReadBack()
    {
        core::ReconstructionRequest r = request("irgn");
        r.input.path = "/data/holo.h5:/entry/data";
        r.input.frame = 3;
        r.input.flatField.dark = "/data/dark.tif";
        r.input.normalise = core::Normalisation::Percentile;
        r.propagation.padding = core::Padding::Replicate;
        r.propagation.oversample = 2;
        auto o = std::make_shared<core::IrgnMethodOptions>();
        o->irgn.newtonSteps = 42;
        r.options = o;
        const nlohmann::json j = r.toJson();
        const core::ReconstructionRequest back = core::ReconstructionRequest::fromJson(j, "test");
        QCOMPARE(back.toJson(), j);
        QCOMPARE(j["geometry"]["energy_keV"].get<double>(), m_demo.geometry.energyKeV);

        const std::string session = path("session.json");
        core::writeJsonFile(session, core::sessionJson(r, {{"gui", {{"layout", "tabs"}}}}));
        QCOMPARE(core::readRequestFile(session).toJson(), j);
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::readRequestFile(path("missing.json")));
        test::writeBytes(path("bad.json"), "{\"phaselab_session\": 2, \"method\": 3}");
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::readRequestFile(path("bad.json")));
    }

    // Raw counts without a flat field are refused with the fix; a strongly absorbing but
    // normalised hologram is not; negative values are; explicit normalisation clears it.
    void rawCountsAreRefused()
    {
        core::ImageF raw = m_demo.hologram;
        for (float& v : raw)
            v *= 30000.0f;
        const std::string problem = core::normalisationProblem(raw, "raw.tif");
        QVERIFY2(problem.find("raw detector counts") != std::string::npos, problem.c_str());
        QVERIFY2(problem.find("--flat") != std::string::npos, problem.c_str());
        QVERIFY2(problem.find("--normalise mean|percentile") != std::string::npos, problem.c_str());

        core::ImageF absorbing = m_demo.hologram;
        for (float& v : absorbing)
            v *= 0.3f;
        QVERIFY(core::normalisationProblem(absorbing, "a").empty());
        QVERIFY(core::normalisationProblem(m_demo.hologram, "a").empty());
        core::ImageF negative = m_demo.hologram;
        for (std::size_t i = 0; i < negative.size(); i += 10)
            negative[i] = -0.5f;
        QVERIFY(!core::normalisationProblem(negative, "n").empty());

        const std::string file = path("raw.tif");
        core::writeTiff(file, raw.cast<std::uint16_t>());
        core::InputSpec spec;
        spec.path = file;
        core::LoadedHologram loaded = core::loadHologram(spec);
        QVERIFY(!loaded.problem.empty());
        auto ctf = core::MethodRegistry::instance().create("ctf");
        QVERIFY_THROWS_EXCEPTION(core::NotNormalisedError,
                                 core::reconstruct(*ctf, request("ctf"), loaded));
        core::normalise(loaded, core::Normalisation::Mean);
        QVERIFY(loaded.problem.empty());
        QVERIFY(loaded.spec.normalise == core::Normalisation::Mean);
        const core::ReconstructionOutcome out = core::reconstruct(*ctf, request("ctf"), loaded);
        QVERIFY(out.request.input.normalise == core::Normalisation::Mean);

        // The same by the spec: loading with normalise=mean gives the same image.
        spec.normalise = core::Normalisation::Mean;
        const core::LoadedHologram again = core::loadHologram(spec);
        QVERIFY(again.problem.empty());
        QVERIFY(bitEqual(again.image, loaded.image));
        spec.normalise = core::Normalisation::Percentile;
        const core::LoadedHologram median = core::loadHologram(spec);
        QVERIFY(median.problem.empty());
        std::vector<float> v(median.image.begin(), median.image.end());
        std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
        QVERIFY(std::abs(v[v.size() / 2] - 1.0f) < 1e-3f);
    }

    void nonFiniteResultIsAFailure()
    {
        test::registerNanMethod();
        auto m = core::MethodRegistry::instance().create("nan_test");
        try {
            (void)core::reconstruct(*m, request("nan_test"), demoInput());
            QFAIL("a NaN result was accepted");
        } catch (const core::InputError& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find("non-finite") != std::string::npos, e.what());
            QVERIFY2(msg.find("iteration 3") != std::string::npos, e.what());
        }
    }

    // The one residual: RMS of I − F(B, φ) with the request's forward model, for every method.
    void residualIsOneDefinition()
    {
        auto ctf = core::MethodRegistry::instance().create("ctf");
        const core::ReconstructionOutcome out = core::reconstruct(*ctf, request("ctf"), demoInput());
        const core::ImageF res = core::dataResidual(m_demo.hologram, out.absorption, out.phase,
                                                    m_demo.geometry, {});
        QCOMPARE(out.residualRms, core::rms(res));
        QCOMPARE(out.residualHistory.size(), std::size_t(1));
        QCOMPARE(out.residualHistory.front(), out.residualRms);
        QCOMPARE(out.stopReason, std::string("completed"));

        auto irgn = core::MethodRegistry::instance().create("irgn");
        core::ReconstructionRequest r = request("irgn");
        auto o = std::make_shared<core::IrgnMethodOptions>();
        o->irgn.newtonSteps = 3;
        r.options = o;
        const core::ReconstructionOutcome it = core::reconstruct(*irgn, r, demoInput());
        QCOMPARE(it.iterations, 3);
        QCOMPARE(it.residualHistory.size(), std::size_t(4));
        // IRGN's own history ends at the same residual (its operator plans differ in the last bits).
        QVERIFY(std::abs(it.residualHistory.back() / it.residualRms - 1) < 1e-4);
    }

    // Continue for N more steps = one run of first + N steps, bit for bit; the outcome's options
    // say first + N, so its request re-runs to the same result.
    void irgnContinuesWhereItStopped()
    {
        auto irgn = core::MethodRegistry::instance().create("irgn");
        core::ReconstructionRequest r = request("irgn");
        auto o = std::make_shared<core::IrgnMethodOptions>();
        o->irgn.newtonSteps = 2;
        o->irgn.positivity = true;
        r.options = o;
        core::LoadedHologram in = demoInput();
        in.truePhase = std::make_shared<const core::ImageF>(m_demo.object.phase.cast<float>());
        int previews = 0;
        const core::ReconstructionOutcome first = core::reconstruct(
            *irgn, r, in, {nullptr, nullptr},
            [&](std::shared_ptr<const core::ReconstructionOutcome> p) {
                QVERIFY(p->preview);
                ++previews;
            });
        QCOMPARE(previews, 2);  // the start f_0 and after step 1 (not after the last)
        QVERIFY(irgn->canContinue(first.request));
        const core::ReconstructionOutcome more = core::continueReconstruction(*irgn, first, in, 3);
        QCOMPARE(more.iterations, 5);
        QCOMPARE(more.request.options->toJson()["newton_steps"].get<int>(), 5);
        QCOMPARE(more.residualHistory.size(), std::size_t(6));

        auto fresh = core::MethodRegistry::instance().create("irgn");
        const core::ReconstructionOutcome straight = core::reconstruct(*fresh, more.request, in);
        QVERIFY(bitEqual(straight.phase, more.phase));
        QVERIFY(bitEqual(straight.absorption, more.absorption));
        // With a truth: the phase NMSE of every step, continued across the two runs.
        QCOMPARE(first.nmseHistory.size(), std::size_t(3));
        QCOMPARE(more.nmseHistory.size(), std::size_t(6));
        QCOMPARE(straight.nmseHistory, more.nmseHistory);
        QCOMPARE(more.nmseHistory.back(), core::nmsePercent(more.phase, *in.truePhase));
        QCOMPARE(more.report()["phase_nmse_history"].size(), std::size_t(6));

        // Another request (other α) cannot continue this solver.
        core::ReconstructionRequest changed = more.request;
        auto o2 = std::make_shared<core::IrgnMethodOptions>(*o);
        o2->irgn.alpha0 *= 2;
        changed.options = o2;
        QVERIFY(!irgn->canContinue(changed));
    }

    // Both files or neither; the metadata reads back as the request.
    void resultFilesAreAtomicAndReplayable()
    {
        auto paganin = core::MethodRegistry::instance().create("paganin");
        const core::ReconstructionOutcome out =
            core::reconstruct(*paganin, request("paganin"), demoInput());
        core::CancelToken cancel;
        cancel.cancel();
        const std::string prefix = path("pag");
        QVERIFY_THROWS_EXCEPTION(core::Cancelled, core::writeResult(prefix, out, &cancel));
        QVERIFY(!fs::exists(prefix + "_phase.tif"));
        QVERIFY(!fs::exists(prefix + "_absorption.tif"));
        QCOMPARE(fs::directory_iterator(m_dir.path().toStdString()) == fs::directory_iterator(),
                 false);  // earlier tests' files
        for (const auto& e : fs::directory_iterator(m_dir.path().toStdString()))
            QVERIFY2(e.path().string().find("pag") == std::string::npos, e.path().c_str());

        const core::ResultPaths paths = core::writeResult(prefix, out);
        core::TiffInfo info;
        const core::ImageF phase = core::readTiff<float>(paths.phase, &info);
        QVERIFY(bitEqual(phase, out.phase));
        QCOMPARE(info.metadata.parameters["quantity"].get<std::string>(), std::string("phase"));
        QCOMPARE(info.metadata.parameters["residual"].get<double>(), out.residualRms);
        QCOMPARE(core::readRequestFile(paths.absorption).toJson(), out.request.toJson());
        // And the pair reads back as the outcome it was written from.
        const core::ReconstructionOutcome back = core::readResult(paths);
        QVERIFY(bitEqual(back.phase, out.phase));
        QVERIFY(bitEqual(back.absorption, out.absorption));
        QCOMPARE(back.metadata(), out.metadata());
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::readResult({paths.phase, path("missing_absorption.tif")}));

        // Paganin needs δ/β: the reason, before any work.
        core::ReconstructionRequest noRatio = request("paganin");
        noRatio.betaOverDelta = 0;
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstruct(*paganin, noRatio, demoInput()));
        // Classical methods need the physics.
        core::ReconstructionRequest noPhysics = request("ctf");
        noPhysics.geometry.reset();
        auto ctf = core::MethodRegistry::instance().create("ctf");
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::reconstruct(*ctf, noPhysics, demoInput()));
    }

    void stacksAreWrittenAsOneFilePair()
    {
        auto ctf = core::MethodRegistry::instance().create("ctf");
        std::vector<std::shared_ptr<const core::ReconstructionOutcome>> frames;
        for (int i = 0; i < 3; ++i)
            frames.push_back(std::make_shared<const core::ReconstructionOutcome>(
                core::reconstruct(*ctf, request("ctf"), demoInput())));
        const core::ResultPaths p = core::writeResultStack(path("stack"), frames);
        core::TiffInfo info = core::readTiffInfo(p.phase);
        QCOMPARE(info.pages, 3);
        QVERIFY(bitEqual(core::readTiffPage<float>(p.absorption, 2), frames[2]->absorption));
    }
};

QTEST_APPLESS_MAIN(PipelineTest)
#include "pipeline_test.moc"
