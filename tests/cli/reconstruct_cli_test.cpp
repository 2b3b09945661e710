// `phaselab-cli reconstruct` as a user runs it: CTF, Paganin and IRGN on simulated holograms,
// the output files (float32, calibration, parameters), the JSON report, exit codes and one-line
// errors for bad parameters, and a clean stop on Ctrl-C with no partial output.
#include <QtTest>

#include <phaselab/core/fresnel.h>
#include <phaselab/core/metrics.h>
#include <phaselab/core/tiff_io.h>

#include "cli_process.h"
#include "test_util.h"

#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>

using namespace phaselab;
namespace fs = std::filesystem;

namespace {

using Result = test::CliResult;
using test::catchesSigint;
using test::parseOneJsonLine;
using test::run;

double nmse(const core::ImageD& x, const core::ImageD& ref)
{
    const double r = test::relativeDifference(x, ref);
    return r * r;
}

} // namespace

class ReconstructCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }
    std::string spath(const QString& name) const { return path(name).toStdString(); }

    // A weak homogeneous object (β/δ = 0.1) at the PhaseGAN geometry (λ = 1 Å, 10 cm, 1 µm),
    // its noiseless hologram written as float32 TIFF; returns the phase.
    core::ImageD writeHologram(const QString& name, int n = 64)
    {
        const core::ImageD phi = test::smoothImage<double>(n, n, 0.05, 3);
        core::ImageD B(n, n);
        for (std::size_t i = 0; i < B.size(); ++i)
            B[i] = 0.1 * phi[i];
        const core::ImageD I = core::propagateIntensity(core::Geometry::phaseGanPaper(), B, phi);
        core::writeTiff(spath(name), I.cast<float>());
        return phi;
    }

    QStringList args(const QString& method, const QString& in, const QString& out)
    {
        return {"reconstruct", "--method", method, "--in", path(in), "--out", path(out),
                "--energy", "12.398keV", "--distance", "10cm", "--pixel", "1um"};
    }

    void expectFailure(const QStringList& args, int code, const QString& mustMention)
    {
        test::expectFailure(args, code, mustMention);
    }

    void expectNoOutputs(const QString& prefix)
    {
        QVERIFY(!fs::exists(spath(prefix + "_phase.tif")));
        QVERIFY(!fs::exists(spath(prefix + "_absorption.tif")));
    }

private slots:
    void initTestCase() { QVERIFY(!qEnvironmentVariable("PHASELAB_CLI").isEmpty()); }

    void helpListsReconstruct()
    {
        const Result r = run({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("reconstruct"));
        const Result h = run({"reconstruct", "--help"});
        QCOMPARE(h.code, 0);
        for (const char* opt : {"--method", "--delta-beta", "--alpha", "--newton", "--cg",
                                "--positivity", "--padding", "--json"})
            QVERIFY2(h.out.contains(opt), opt);
    }

    void ctfWritesCalibratedOutputs()
    {
        const core::ImageD phi = writeHologram("holo.tif");
        const Result r = run(args("ctf", "holo.tif", "ctf") << "--delta-beta" << "10"
                                                            << "--alpha" << "1e-8"
                                                            << "--alpha-low" << "1e-8"
                                                            << "--alpha-rule" << "manual"
                                                            << "--border" << "padding");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("ctf_phase.tif"));
        core::TiffInfo info;
        const core::ImageD phase = core::readTiff<double>(spath("ctf_phase.tif"), &info);
        QCOMPARE(info.dtype, std::string("float32"));
        QCOMPARE(info.width, 64);
        QVERIFY(std::abs(info.metadata.pixelSizeM - 1e-6) < 1e-12);
        const nlohmann::json& p = info.metadata.parameters;
        QCOMPARE(p["method"].get<std::string>(), std::string("ctf"));
        QCOMPARE(p["quantity"].get<std::string>(), std::string("phase"));
        QCOMPARE(p["input"]["path"].get<std::string>(), fs::absolute(spath("holo.tif")).string());
        QVERIFY(!p["phaselab_version"].get<std::string>().empty());
        QVERIFY(std::abs(p["geometry"]["distance_m"].get<double>() - 0.1) < 1e-12);
        QVERIFY(std::abs(p["beta_over_delta"].get<double>() - 0.1) < 1e-12);
        QCOMPARE(p["propagation"]["padding"].get<std::string>(), std::string("periodic"));
        const double err = nmse(phase, phi);
        QVERIFY2(err < 1e-3, qPrintable(QString("phase NMSE %1").arg(err)));

        core::TiffInfo absInfo;
        const core::ImageD absorption = core::readTiff<double>(spath("ctf_absorption.tif"), &absInfo);
        QCOMPARE(absInfo.metadata.parameters["quantity"].get<std::string>(), std::string("absorption"));
        for (std::size_t i = 0; i < absorption.size(); ++i)
            QVERIFY(std::abs(absorption[i] - 0.1 * phase[i]) < 1e-6);
    }

    void paganinAndPaddingRun()
    {
        writeHologram("holo.tif");
        const Result r = run(args("paganin", "holo.tif", "pag")
                             << "--delta-beta" << "10" << "--padding" << "replicate" << "--json");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["method"].get<std::string>(), std::string("paganin"));
        QCOMPARE(j["iterations"].get<int>(), 0);
        QVERIFY(j["residual"].get<double>() >= 0);
        QVERIFY(fs::exists(spath("pag_phase.tif")));
        QVERIFY(fs::exists(spath("pag_absorption.tif")));
        QCOMPARE(core::readTiffInfo(spath("pag_phase.tif"))
                     .metadata.parameters["propagation"]["padding"]
                     .get<std::string>(),
                 std::string("replicate"));
    }

    // The α CTF chose is printed (text) and reported (details in --json and the metadata);
    // --alpha-rule switches the rule.
    void ctfReportsChosenAlpha()
    {
        writeHologram("holo.tif");
        const Result text = run(args("ctf", "holo.tif", "fov") << "--delta-beta" << "10");
        QVERIFY2(text.code == 0, qPrintable(text.err));
        QVERIFY2(text.out.contains("rule fov"), qPrintable(text.out));
        const Result r = run(args("ctf", "holo.tif", "gcv") << "--delta-beta" << "10"
                                                            << "--alpha-rule" << "gcv" << "--json");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["details"]["alpha_rule"].get<std::string>(), std::string("gcv"));
        QCOMPARE(j["options"]["alpha_rule"].get<std::string>(), std::string("gcv"));
        QVERIFY(j["details"]["alpha_low"].get<double>() > 0);
        core::TiffInfo info;
        core::readTiff<double>(spath("gcv_phase.tif"), &info);
        QCOMPARE(info.metadata.parameters["details"]["alpha_low"].get<double>(),
                 j["details"]["alpha_low"].get<double>());
    }

    // Options that the chosen configuration does not use are named in a warning, in the text
    // output (stderr) and in the JSON's warnings.
    void unusedOptionsAreWarned()
    {
        writeHologram("holo.tif");
        const Result text = run(args("ctf", "holo.tif", "w1") << "--delta-beta" << "10"
                                                              << "--alpha" << "0.5");
        QVERIFY2(text.code == 0, qPrintable(text.err));
        QVERIFY2(text.err.contains("warning: alpha_high does not apply"), qPrintable(text.err));
        const Result j = run(args("irgn", "holo.tif", "w2")
                             << "--delta-beta" << "10" << "--newton" << "1" << "--init" << "zero"
                             << "--alpha0-rule" << "manual" << "--alpha-low" << "1e-5"
                             << "--tau" << "2" << "--json");
        QVERIFY2(j.code == 0, qPrintable(j.err));
        const auto w = nlohmann::json::parse(j.out.toStdString())["warnings"];
        QString all;
        for (const auto& x : w)
            all += QString::fromStdString(x.get<std::string>()) + "\n";
        QVERIFY2(all.contains("ctf.alpha_low does not apply"), qPrintable(all));
        QVERIFY2(all.contains("tau does not apply: tau needs noise_level > 0"), qPrintable(all));
        const Result pag = run(args("irgn", "holo.tif", "w3") << "--init" << "paganin");
        QCOMPARE(pag.code, 3);  // no δ/β: refused with the reason
        QVERIFY2(pag.err.contains("Paganin start needs"), qPrintable(pag.err));
        const Result raar = run(args("irgn", "holo.tif", "w4")
                                << "--delta-beta" << "10" << "--init" << "raar" << "--unknowns"
                                << "joint");
        QCOMPARE(raar.code, 3);
        QVERIFY2(raar.err.contains("RAAR start needs the homogeneous"), qPrintable(raar.err));
        // Fresnel number 0.01 with the default periodic padding: the holographic-regime hint.
        QStringList far = args("irgn", "holo.tif", "w5") << "--delta-beta" << "10" << "--newton"
                                                         << "1" << "--json";
        far[far.indexOf("--distance") + 1] = "1m";
        const Result h = run(far);
        QVERIFY2(h.code == 0, qPrintable(h.err));
        const std::string hint = nlohmann::json::parse(h.out.toStdString())["warnings"].dump();
        QVERIFY2(QString::fromStdString(hint).contains("--padding unit"), hint.c_str());
    }

    // --phase-sign plus is stored with the request; Paganin refuses it with the reason.
    void phaseSignIsARequestField()
    {
        writeHologram("holo.tif");
        const Result r = run(args("ctf", "holo.tif", "plus") << "--delta-beta" << "10"
                                                             << "--phase-sign" << "plus" << "--json");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        core::TiffInfo info;
        core::readTiff<double>(spath("plus_phase.tif"), &info);
        QCOMPARE(info.metadata.parameters["propagation"]["phase_sign"].get<int>(), 1);
        const Result p = run(args("paganin", "holo.tif", "pp") << "--delta-beta" << "10"
                                                               << "--phase-sign" << "plus");
        QCOMPARE(p.code, 3);
        QVERIFY2(p.err.contains("exp(+iφ)"), qPrintable(p.err));
    }

    void irgnReportsJson()
    {
        const core::ImageD phi = writeHologram("holo.tif");
        const Result r = run(args("irgn", "holo.tif", "irgn")
                             << "--delta-beta" << "10" << "--alpha" << "0.1" << "--newton" << "8" << "--cg" << "5"
                             << "--positivity" << "--json");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["method"].get<std::string>(), std::string("irgn"));
        QCOMPARE(j["iterations"].get<int>(), 8);
        QVERIFY(j["seconds"].get<double>() > 0);
        const auto history = j["residual_history"].get<std::vector<double>>();
        QCOMPARE(history.size(), std::size_t(9));
        QCOMPARE(j["residual"].get<double>(), history.back());
        QVERIFY(history.back() < 0.2 * history.front());
        QCOMPARE(j["options"]["unknowns"].get<std::string>(), std::string("homogeneous"));
        QCOMPARE(j["options"]["positivity"].get<bool>(), true);
        // The default start is auto: which one it took is in the details.
        QCOMPARE(j["options"]["initial_guess"].get<std::string>(), std::string("auto"));
        const std::string start = j["details"]["start"].get<std::string>();
        QVERIFY2(start == "ctf" || start == "paganin", start.c_str());

        core::TiffInfo info;
        const core::ImageD phase = core::readTiff<double>(spath("irgn_phase.tif"), &info);
        QCOMPARE(info.metadata.parameters["method"].get<std::string>(), std::string("irgn"));
        QCOMPARE(info.metadata.parameters["options"]["newton_steps"].get<int>(), 8);
        QCOMPARE(info.metadata.parameters["options"]["cg_iterations"].get<int>(), 5);
        QCOMPARE(info.metadata.parameters["iterations"].get<int>(), 8);
        for (double v : phase)
            QVERIFY(v >= 0);
        QVERIFY2(nmse(phase, phi) < 0.05, qPrintable(QString::number(nmse(phase, phi))));

        // The joint problem and the discrepancy stop run too.
        const Result joint = run(args("irgn", "holo.tif", "joint")
                                 << "--unknowns" << "joint" << "--newton" << "3" << "--noise-level"
                                 << "1e-6" << "--json");
        QVERIFY2(joint.code == 0, qPrintable(joint.err));
        const auto jj = nlohmann::json::parse(joint.out.toStdString());
        QCOMPARE(jj["options"]["unknowns"].get<std::string>(), std::string("joint"));
        QCOMPARE(jj["stop_reason"].get<std::string>(), std::string("iteration_limit"));
    }

    // --truth: the phase NMSE of every Newton step (f_0 … f_k, as the residual history), the
    // metric's value at the end, in the JSON, the text output and the result file; a truth of
    // another shape is refused.
    void truthGivesNmsePerStep()
    {
        const core::ImageD phi = writeHologram("holo.tif");
        core::writeTiff(spath("truth.tif"), phi.cast<float>());
        const Result r = run(args("irgn", "holo.tif", "withtruth")
                             << "--delta-beta" << "10" << "--newton" << "6" << "--truth"
                             << path("truth.tif") << "--json");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto j = nlohmann::json::parse(r.out.toStdString());
        const auto nmseSteps = j["phase_nmse_history"].get<std::vector<double>>();
        QCOMPARE(nmseSteps.size(), j["residual_history"].get<std::vector<double>>().size());
        const core::ImageD phase = core::readTiff<double>(spath("withtruth_phase.tif"));
        const double finalNmse = core::nmsePercent(phase.cast<float>(), phi.cast<float>());
        QVERIFY(std::abs(j["phase_nmse"].get<double>() - finalNmse) < 1e-6 * std::max(1.0, finalNmse));
        QVERIFY(std::abs(nmseSteps.back() - finalNmse) < 1e-6 * std::max(1.0, finalNmse));
        QVERIFY2(nmseSteps.back() < nmseSteps.front(),
                 qPrintable(QString("%1 → %2").arg(nmseSteps.front()).arg(nmseSteps.back())));
        core::TiffInfo info;
        (void)core::readTiff<double>(spath("withtruth_phase.tif"), &info);
        QCOMPARE(info.metadata.parameters["phase_nmse_history"].size(), nmseSteps.size());

        const Result text = run(args("ctf", "holo.tif", "ctftruth") << "--truth" << path("truth.tif"));
        QVERIFY2(text.code == 0, qPrintable(text.err));
        QVERIFY2(text.out.contains("phase NMSE against the truth"), qPrintable(text.out));

        core::writeTiff(spath("small.tif"), core::ImageF(32, 32, 0.1f));
        expectFailure(args("ctf", "holo.tif", "bad") << "--truth" << path("small.tif"), 3, "small.tif");
    }

    void badParametersFailCleanly()
    {
        writeHologram("holo.tif", 32);
        expectFailure(args("irgn", "holo.tif", "bad") << "--alpha" << "0", 3, "α_0");
        expectFailure(args("irgn", "holo.tif", "bad") << "--alpha" << "-2", 3, "α_0");
        expectFailure(args("irgn", "holo.tif", "bad") << "--q" << "1", 3, "q must");
        expectFailure(args("irgn", "holo.tif", "bad") << "--q" << "0", 3, "q must");
        expectFailure(args("irgn", "holo.tif", "bad") << "--newton" << "0", 3, "Newton");
        expectFailure(args("irgn", "holo.tif", "bad") << "--cg" << "0", 3, "CG");
        expectFailure(args("ctf", "holo.tif", "bad") << "--alpha" << "0", 3, "α");
        expectFailure(args("ctf", "holo.tif", "bad") << "--delta-beta" << "-1", 3, "--delta-beta");
        expectFailure(args("paganin", "holo.tif", "bad"), 3, "--delta-beta");
        expectFailure(args("ctf", "missing.tif", "bad"), 3, "missing.tif");

        core::ImageF nan(32, 32, 1.0f);
        nan(3, 4) = std::numeric_limits<float>::quiet_NaN();
        core::writeTiff(spath("nan.tif"), nan);
        expectFailure(args("irgn", "nan.tif", "bad"), 3, "non-finite");
        expectFailure(args("ctf", "nan.tif", "bad"), 3, "nan.tif");

        expectFailure(args("frobnicate", "holo.tif", "bad"), 2, "frobnicate");
        expectFailure({"reconstruct", "--method", "ctf", "--in", path("holo.tif")}, 2, "required");
        expectFailure(args("irgn", "holo.tif", "bad") << "--penalty" << "l1", 2, "l1");
        // Physics is required for the classical methods (the learned ones default to the model's).
        expectFailure({"reconstruct", "--method", "ctf", "--in", path("holo.tif"), "--out",
                       path("bad"), "--distance", "20mm", "--pixel", "12nm"},
                      3, "--energy");
        expectFailure(args("ctf", "holo.tif", "bad") << "--model" << "m.pt", 3, "--model");
        // Without --model the shipped model runs; a model file that is not there is named.
        expectFailure(args("dgn", "holo.tif", "bad") << "--model" << path("missing.pt"), 3,
                      "missing.pt");
        expectNoOutputs("bad");
    }

    // Raw detector counts without a flat field: refused (exit 3) with the reason and the fix,
    // nothing written; an explicit normalisation runs.
    void rawCountsAreRefusedWithTheFix()
    {
        writeHologram("holo.tif", 48);
        core::ImageF raw = core::readTiff<float>(spath("holo.tif"));
        for (float& v : raw)
            v *= 30000.0f;
        core::writeTiff(spath("raw.tif"), raw.cast<std::uint16_t>());
        for (const char* method : {"ctf", "irgn"}) {
            const Result r = run(args(method, "raw.tif", "raw"));
            QVERIFY2(r.code == 3, qPrintable(r.err));
            QVERIFY2(r.err.contains("raw detector counts") && r.err.contains("--flat") &&
                         r.err.contains("--normalise mean|percentile"),
                     qPrintable(r.err));
            expectNoOutputs("raw");
        }
        const Result ok = run(args("ctf", "raw.tif", "raw") << "--normalise" << "mean" << "--json");
        QVERIFY2(ok.code == 0, qPrintable(ok.err));
        const auto p = core::readTiffInfo(spath("raw_phase.tif")).metadata.parameters;
        QCOMPARE(p["input"]["normalise"].get<std::string>(), std::string("mean"));
        QVERIFY(p["input_details"].contains("normalisation"));
    }

    // A NaN in a result is never a success: IRGN on raw counts taken as they are diverges; the
    // command fails naming the Newton step, and writes nothing.
    void nonFiniteResultFails()
    {
        writeHologram("holo.tif", 48);
        core::ImageF raw = core::readTiff<float>(spath("holo.tif"));
        for (float& v : raw)
            v *= 30000.0f;
        core::writeTiff(spath("raw.tif"), raw);
        // Without the monotone safeguard (which would reject the diverging steps).
        const Result r = run(args("irgn", "raw.tif", "nan")
                             << "--normalise" << "none" << "--unknowns" << "joint" << "--init"
                             << "zero" << "--alpha0-rule" << "manual" << "--safeguard" << "none");
        QVERIFY2(r.code == 3, qPrintable(QString::number(r.code) + r.out + r.err));
        QVERIFY2(r.err.contains("non-finite") && r.err.contains("Newton step"), qPrintable(r.err));
        expectNoOutputs("nan");
    }

    // Any result re-runs from its own TIFF: --session FILE_phase.tif gives the same pixels and
    // the same metadata but for the time taken; flags given on top override it.
    void resultTiffReplays()
    {
        writeHologram("holo.tif", 48);
        const Result first = run(args("irgn", "holo.tif", "orig")
                                 << "--delta-beta" << "10" << "--newton" << "4" << "--alpha-low"
                                 << "1e-6" << "--init" << "ctf");
        QVERIFY2(first.code == 0, qPrintable(first.err));
        const Result again = run({"reconstruct", "--session", path("orig_phase.tif"), "--out",
                                  path("replay")});
        QVERIFY2(again.code == 0, qPrintable(again.err));
        for (const char* q : {"_phase.tif", "_absorption.tif"}) {
            core::TiffInfo a, b;
            const core::ImageF x = core::readTiff<float>(spath(QString("orig") + q), &a);
            const core::ImageF y = core::readTiff<float>(spath(QString("replay") + q), &b);
            QVERIFY(std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0);
            nlohmann::json ma = a.metadata.parameters, mb = b.metadata.parameters;
            ma.erase("seconds");
            mb.erase("seconds");
            QCOMPARE(mb, ma);
        }
        const auto p = core::readTiffInfo(spath("orig_phase.tif")).metadata.parameters;
        QCOMPARE(p["options"]["ctf"]["alpha_low"].get<double>(), 1e-6);  // not ignored any more
        QCOMPARE(p["options"]["initial_guess"].get<std::string>(), std::string("ctf"));
        const Result more = run({"reconstruct", "--session", path("orig_phase.tif"), "--out",
                                 path("more"), "--newton", "6", "--json"});
        QVERIFY2(more.code == 0, qPrintable(more.err));
        QCOMPARE(nlohmann::json::parse(more.out.toStdString())["iterations"].get<int>(), 6);
        expectFailure({"reconstruct", "--session", path("holo.tif"), "--out", path("bad")}, 3,
                      "no PhaseLab reconstruction parameters");
    }

    void ctrlCStopsIrgnWithoutPartialOutput()
    {
        const int n = 512;
        core::writeTiff(spath("big.tif"), test::randomImage<float>(n, n, 0.9, 1.1, 3));
        QProcess p;
        p.start(qEnvironmentVariable("PHASELAB_CLI"),
                {"reconstruct", "--method", "irgn", "--in", path("big.tif"), "--out",
                 path("big"), "--energy", "13", "--distance", "20mm", "--pixel", "12nm",
                 "--newton", "100000", "--padding", "replicate"});
        QVERIFY(p.waitForStarted());
        QElapsedTimer t;
        t.start();
        while (!catchesSigint(p.processId()) && t.elapsed() < 30000)
            QThread::msleep(5);
        QVERIFY2(catchesSigint(p.processId()), "phaselab-cli never installed its SIGINT handler");
        QThread::msleep(300);  // let it get into the Newton steps
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 4);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains("cancelled"));
        expectNoOutputs("big");
        for (const auto& e : fs::directory_iterator(m_dir.path().toStdString()))
            QVERIFY2(e.path().filename().string().find(".part-") == std::string::npos,
                     e.path().c_str());
    }
};

QTEST_GUILESS_MAIN(ReconstructCliTest)
#include "reconstruct_cli_test.moc"
