// The Table-2 comparison: each cell is core's metric of that quantity (NMSE of a scaled copy is
// (c − 1)² exactly, a perfect copy correlates at every ring), missing references give empty
// cells, and the CSV / Markdown files hold one row per method.
#include <QtTest>

#include <phaselab/core/comparison_table.h>
#include <phaselab/core/error.h>

#include <fstream>
#include <random>
#include <sstream>

using namespace phaselab;

namespace {

core::ImageF randomImage(int n, unsigned seed)
{
    core::ImageF img(n, n);
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(1.0f, 0.3f);
    for (float& v : img)
        v = d(rng);
    return img;
}

core::ImageF scaled(const core::ImageF& a, float c)
{
    core::ImageF out = a;
    for (float& v : out)
        v *= c;
    return out;
}

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

} // namespace

class ComparisonTableTest : public QObject {
    Q_OBJECT

private slots:
    void cellsAreTheMetrics()
    {
        const core::ImageF refB = randomImage(32, 1), refP = randomImage(32, 2);
        const double dx = 12e-9;
        const core::ComparisonRow exact =
            core::compareWithReference("exact", 0.5, refB, refP, &refB, &refP, dx);
        QVERIFY(exact.absorption && exact.phase);
        QCOMPARE(exact.phase->nmsePercent, 0.0);
        QVERIFY(exact.phase->frc.frcmPercent < 1e-9);
        QVERIFY(!exact.phase->frc.crossing.crossed);
        QCOMPARE(exact.phase->frc.resolutionM, 2 * dx);  // never crosses: Nyquist

        // Scaling by c: NMSE = (c − 1)² · 100 %, the FRC is unchanged.
        const core::ComparisonRow half = core::compareWithReference(
            "half", 1.0, scaled(refB, 0.5f), scaled(refP, 1.5f), &refB, &refP, dx);
        QVERIFY(std::abs(half.absorption->nmsePercent - 25.0) < 1e-4);
        QVERIFY(std::abs(half.phase->nmsePercent - 25.0) < 1e-4);
        QVERIFY(half.phase->frc.frcmPercent < 1e-9);

        // Unrelated images: the metrics say so, as core's evaluation does.
        const core::ImageF other = randomImage(32, 3);
        const core::ComparisonRow bad =
            core::compareWithReference("bad", 1.0, other, other, nullptr, &refP, dx);
        QVERIFY(!bad.absorption);
        const core::Evaluation direct = core::evaluateReconstruction(other, refP, dx);
        QCOMPARE(bad.phase->nmsePercent, direct.nmsePercent);
        QCOMPARE(bad.phase->frc.frcmPercent, direct.frc.frcmPercent);
        QVERIFY(bad.phase->frc.frcmPercent > 10);

        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::compareWithReference("x", 0, refB, refP, nullptr, nullptr, dx));
        QVERIFY_THROWS_EXCEPTION(core::InputError, core::compareWithReference(
                                                       "x", 0, refB, randomImage(16, 4), nullptr,
                                                       &refP, dx));
    }

    void csvAndMarkdown()
    {
        const core::ImageF ref = randomImage(32, 5);
        std::vector<core::ComparisonRow> rows = {
            core::compareWithReference("CTF", 0.25, scaled(ref, 0.5f), ref, &ref, &ref, 1e-8),
            core::compareWithReference("DGN, \"tiny\"", 2.0, ref, ref, nullptr, &ref, 1e-8)};
        const auto csv = lines(core::comparisonCsv(rows));
        QCOMPARE(int(csv.size()), 3);
        QCOMPARE(csv[0], std::string("method,seconds,absorption_nmse_percent,absorption_frcm_percent,"
                                     "absorption_resolution_m,phase_nmse_percent,"
                                     "phase_frcm_percent,phase_resolution_m"));
        QVERIFY(csv[1].rfind("CTF,0.25,25,", 0) == 0);
        // Quoted name, no absorption: three empty cells.
        QVERIFY2(csv[2].rfind("\"DGN, \"\"tiny\"\"\",2,,,,0,", 0) == 0, csv[2].c_str());

        const auto md = lines(core::comparisonMarkdown(rows));
        QCOMPARE(int(md.size()), 4);
        QVERIFY(md[2].find("| CTF | 0.25 | 25 |") == 0);
        QVERIFY(md[2].find("| 20.0 |") != std::string::npos);  // 2Δx = 20 nm
        QVERIFY(md[3].find("| – | – | – |") != std::string::npos);

        QTemporaryDir dir;
        const std::string csvPath = (dir.path() + "/t.csv").toStdString();
        const std::string mdPath = (dir.path() + "/t.md").toStdString();
        core::writeComparisonTable(csvPath, rows);
        core::writeComparisonTable(mdPath, rows);
        std::stringstream a, b;
        a << std::ifstream(csvPath).rdbuf();
        b << std::ifstream(mdPath).rdbuf();
        QCOMPARE(a.str(), core::comparisonCsv(rows));
        QCOMPARE(b.str(), core::comparisonMarkdown(rows));
        QVERIFY_THROWS_EXCEPTION(core::InputError,
                                 core::writeComparisonTable("/no/such/dir/t.csv", rows));
    }
};

QTEST_APPLESS_MAIN(ComparisonTableTest)
#include "comparison_table_test.moc"
