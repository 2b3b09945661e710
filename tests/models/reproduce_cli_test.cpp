// `phaselab-cli reproduce --table dgn2023` at a tiny scale (32², tens of pairs, one epoch): the
// whole chain from simulation to the Markdown/CSV table, continuing a run stage by stage,
// refusing other settings in the same folder; and `evaluate --data` reproducing the per-channel
// validation NMSE a model file records for its best epoch.
#include <QtTest>

#include <phaselab/models/learned.h>

#include "cli_process.h"
#include "sim_dataset.h"
#include "test_util.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace phaselab;
namespace fs = std::filesystem;

namespace {

std::string readText(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

class ReproduceCliTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void initTestCase() { QVERIFY(!qEnvironmentVariable("PHASELAB_CLI").isEmpty()); }

    // The figures `evaluate --data` prints for a model on its validation split are the ones the
    // training recorded for the model's epoch (within 5 %; same images, same definition, the
    // registry's inference path instead of the training loop's).
    void evaluateReproducesRecordedValidation()
    {
        test::SimSpec spec;
        spec.size = 24;
        spec.train = 20;
        spec.val = 6;
        const QString data = path("eval.h5");
        test::writeSimulatedDataset(data.toStdString(), spec);
        const QString model = path("dgn.pt");
        test::CliResult r = test::run({"train", "--method", "dgn", "--data", data, "--out", model,
                                       "--epochs", "2", "--batch", "5", "--iterations", "3",
                                       "--device", "cpu", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const nlohmann::json info = models::modelInfo(model.toStdString());
        const int best = info["training"]["best_epoch"].get<int>();
        const nlohmann::json& metrics = info["training"]["history"][best - 1]["metrics"];
        QVERIFY2(metrics.contains("val_nmse_absorption_percent"), qPrintable(QString::fromStdString(metrics.dump())));

        r = test::run({"evaluate", "--data", data, "--split", "val", "--method", "dgn", "--model",
                       model, "--device", "cpu", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const nlohmann::json j = test::parseOneJsonLine(r.out);
        QCOMPARE(j["images"].get<int>(), spec.val);
        for (const auto& [channel, key] :
             {std::pair{"absorption", "val_nmse_absorption_percent"},
              std::pair{"phase", "val_nmse_phase_percent"}}) {
            const double recorded = metrics[key].get<double>();
            const double measured = j[channel]["nmse_percent"]["mean"].get<double>();
            QVERIFY2(recorded > 0 && std::abs(measured - recorded) <= 0.05 * recorded,
                     qPrintable(QString("%1: recorded %2 %, evaluate %3 %")
                                    .arg(channel).arg(recorded).arg(measured)));
        }
        QVERIFY(j["seconds_per_image"].get<double>() > 0);

        // Bad input: a missing split file, a method without --data's model.
        r = test::run({"evaluate", "--data", path("none.h5"), "--method", "ctf"});
        QCOMPARE(r.code, 3);
        r = test::run({"evaluate", "--pixel", "12nm"});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("--reference"), qPrintable(r.err));
    }

    void reproduceTinyTable()
    {
        const QString out = path("table2");
        const QStringList args{"reproduce", "--table", "dgn2023", "--out", out, "--size", "32",
                               "--train", "20", "--val", "4", "--test", "4", "--epochs", "1",
                               "--tune-images", "2", "--device", "cpu", "--json"};
        test::CliResult r = test::run(args, 600000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        nlohmann::json j = test::parseOneJsonLine(r.out);
        QCOMPARE(j["stages_run"].size(), std::size_t(8));
        QCOMPARE(j["rows"].size(), std::size_t(4));
        for (const auto& row : j["rows"]) {
            QCOMPARE(row["images"].get<int>(), 4);
            for (const char* channel : {"absorption", "phase"})
                for (const char* figure : {"nmse_percent", "frcm_percent", "resolution_m"}) {
                    const double v = row[channel][figure]["mean"].get<double>();
                    QVERIFY2(std::isfinite(v) && v > 0,
                             qPrintable(QString::fromStdString(row["id"].get<std::string>()) +
                                        " " + channel + " " + figure));
                }
            QVERIFY(row["seconds_per_image"].get<double>() > 0);
        }
        // The paper's settings for IRGN: joint, 100 Newton × 10 CG, positivity.
        const nlohmann::json& irgn = j["rows"][0]["request"]["options"];
        QCOMPARE(irgn["newton_steps"].get<int>(), 100);
        QCOMPARE(irgn["cg_iterations"].get<int>(), 10);
        QVERIFY(irgn["positivity"].get<bool>());
        QCOMPARE(irgn["unknowns"].get<std::string>(), std::string("joint"));

        const std::string md = readText(j["markdown"].get<std::string>());
        for (const char* text : {"| DGN | paper | 12.1 (13.5) | 4.61 (6.20)", "| MS-D Net | PhaseLab |",
                                 "| IRGN | PhaseLab, paper settings |", "## The paper's ordering",
                                 "phaselab-cli reproduce --table dgn2023"})
            QVERIFY2(md.find(text) != std::string::npos, text);
        const std::string csv = readText(j["csv"].get<std::string>());
        QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), std::ptrdiff_t(8));  // header + 7 rows

        // Again: everything is done, nothing is recomputed.
        r = test::run(args, 600000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        j = test::parseOneJsonLine(r.out);
        QCOMPARE(j["stages_run"].size(), std::size_t(0));
        QCOMPARE(j["stages_skipped"].size(), std::size_t(8));

        // A lost stage result: only that stage runs again.
        fs::remove(out.toStdString() + "/scores_dgn.json");
        r = test::run(args, 600000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        j = test::parseOneJsonLine(r.out);
        QCOMPARE(j["stages_run"], nlohmann::json({"eval-dgn"}));

        // Other settings in the same folder are refused, naming the recorded ones.
        QStringList other = args;
        other[other.indexOf("--epochs") + 1] = "2";
        r = test::run(other, 600000);
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("other settings"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(ReproduceCliTest)
#include "reproduce_cli_test.moc"
