// Several processes as one job over LibTorch's c10d (models/distributed.h), on localhost: the
// torchrun variables, the RankGroup collectives on 2 ranks, data-parallel DGN training equal to
// one process with the same global batch, PhaseGAN on 2 ranks against 1 process, resume of a 2-rank checkpoint on 1 rank, and a rank
// that dies making the other fail within the timeout instead of hanging.
//
// The ranks are child processes of this executable ("--rank-child MODE ARGS…", handled in main()
// before Qt Test) with RANK, WORLD_SIZE, MASTER_ADDR=127.0.0.1 and a free MASTER_PORT.
#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/models/distributed.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/runtime.h>

#include "cli_process.h"
#include "sim_dataset.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace phaselab;

namespace {

constexpr int kTimeoutS = 10;  // PHASELAB_DIST_TIMEOUT of the children

int freePort()
{
    return test::freeLocalPort();
}

models::TrainOptions tinyDgn(const std::string& data, const std::string& out, int epochs,
                             models::Method method = models::Method::Dgn)
{
    models::TrainOptions o;
    o.method = method;
    o.dataPath = data;
    o.outPath = out;
    o.epochs = epochs;
    o.batchSize = 5;  // odd: the parts of 2 ranks are 2 and 3 samples
    o.device = "cpu";
    // Float32: the checks below compare float rounding of split against whole batches, which
    // bfloat16 convolutions would turn into differences of ~1e-3.
    o.precision = models::Precision::Float32;
    o.seed = 3;
    o.dgn.iterations = 2;
    o.dgn.width1 = 8;
    o.dgn.width2 = 8;
    o.msd.depth = 8;
    o.augmentation.flips = true;
    // Batches of 5, 5, 1 and 5, 1: parts of 2 and 3, and an empty part on rank 0.
    o.maxTrainSamples = 11;
    o.maxValSamples = 6;
    o.prefetchBatches = 1;
    return o;
}

// PhaseGAN at its smallest width: 3 unpaired training samples, 1 epoch (2–3 iterations).
models::TrainOptions tinyGan(const std::string& data, const std::string& out, int batch)
{
    models::TrainOptions o;
    o.method = models::Method::PhaseGan;
    o.dataPath = data;
    o.outPath = out;
    o.epochs = 1;
    o.batchSize = batch;
    o.device = "cpu";
    o.seed = 5;
    o.phasegan.width = 0.125;
    o.augmentation.flips = true;
    o.maxTrainSamples = 3;
    o.maxValSamples = 3;
    o.prefetchBatches = 1;
    return o;
}

// ---- the children ------------------------------------------------------------------------------

int fail(const std::string& what)
{
    std::cerr << "child: " << what << "\n";
    return 1;
}

int childCollectives()
{
    auto group = models::connect(models::LaunchEnvironment::fromEnvironment());
    const int r = group->rank();
    if (group->size() != 2)
        return fail("size " + std::to_string(group->size()));
    std::vector<float> all;
    group->gather({float(r + 1), float(10 * r), 0.5f}, all);
    if (r == 0 && all != std::vector<float>{1, 0, 0.5f, 2, 10, 0.5f})
        return fail("gather gave the wrong values");
    std::vector<std::uint8_t> bytes;
    if (r == 0)
        bytes = {'p', 'h', 'a', 's', 'e', 0, 255};
    else
        bytes = {1, 2, 3};
    group->broadcast(bytes);
    if (bytes != std::vector<std::uint8_t>{'p', 'h', 'a', 's', 'e', 0, 255})
        return fail("broadcast gave the wrong bytes");
    std::vector<std::uint8_t> empty;
    if (r == 1)
        empty = {9};
    group->broadcast(empty);
    if (!empty.empty())
        return fail("broadcast of nothing left bytes");
    if (!group->any(r == 1) || group->any(false) || !group->any(true))
        return fail("any gave the wrong flag");
    group->barrier();
    return 0;
}

// Rank 1 leaves after the rendezvous; rank 0's next collective must fail with a clear message.
int childDie(const std::string& what)
{
    auto group = models::connect(models::LaunchEnvironment::fromEnvironment());
    group->barrier();
    if (group->rank() == 1)
        std::_Exit(7);
    try {
        std::vector<float> all;
        if (what == "gather")
            group->gather({1.f}, all);
        else
            group->barrier();
    } catch (const core::RankGroupError& e) {
        std::cerr << e.what() << "\n";
        return 0;
    }
    return fail("no error after the peer died");
}

// Data-parallel training; argv: data out epochs stopAfter dieAtBatch [cancelAtBatch [method]]
// (rank 1 dies or cancels at that batch of the first epoch).
int childTrain(const std::vector<std::string>& args)
{
    models::TrainOptions o =
        tinyDgn(args.at(0), args.at(1), std::stoi(args.at(2)),
                args.size() > 6 ? models::parseMethod(args.at(6)) : models::Method::Dgn);
    o.stopAfterEpochs = std::stoi(args.at(3));
    const int dieAt = std::stoi(args.at(4));
    const int cancelAt = args.size() > 5 ? std::stoi(args.at(5)) : 0;
    const auto env = models::LaunchEnvironment::fromEnvironment();
    o.group = models::connect(env);
    core::CancelToken cancel;
    try {
        const models::TrainResult r =
            models::train(o, nullptr, &cancel, [&](const models::TrainProgress& p) {
                if (dieAt > 0 && env.rank == 1 && p.epoch == 1 && !p.validating && p.batch == dieAt)
                    std::_Exit(7);
                if (cancelAt > 0 && env.rank == 1 && p.epoch == 1 && !p.validating && p.batch == cancelAt)
                    cancel.cancel();
            });
        // Every rank sees the same history: print it for the parent to compare.
        for (const auto& e : r.history)
            std::printf("%d %.9g %.9g\n", e.epoch, e.trainLoss, e.valLoss);
        return r.worldSize == 2 ? 0 : fail("world size " + std::to_string(r.worldSize));
    } catch (const core::Cancelled&) {
        return 4;
    } catch (const core::RankGroupError& e) {
        std::cerr << e.what() << "\n";
        return 5;
    }
}

// PhaseGAN on the ranks; argv: data out batch. Prints the history as childTrain does.
int childGan(const std::vector<std::string>& args)
{
    models::TrainOptions o = tinyGan(args.at(0), args.at(1), std::stoi(args.at(2)));
    o.group = models::connect(models::LaunchEnvironment::fromEnvironment());
    const models::TrainResult r = models::train(o, nullptr, nullptr);
    for (const auto& e : r.history)
        std::printf("%d %.9g %.9g\n", e.epoch, e.trainLoss, e.valLoss);
    return r.worldSize == 2 ? 0 : fail("world size " + std::to_string(r.worldSize));
}

int runChild(int argc, char** argv)
{
    const std::string mode = argv[2];
    std::vector<std::string> args(argv + 3, argv + argc);
    try {
        if (mode == "collectives")
            return childCollectives();
        if (mode == "die")
            return childDie(args.at(0));
        if (mode == "train")
            return childTrain(args);
        if (mode == "gan")
            return childGan(args);
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    return fail("unknown mode " + mode);
}

// ---- the parent --------------------------------------------------------------------------------

struct RankRun {
    int exitCode = -1;
    QByteArray out, err;
};

// Runs `program args` (default: this test as "--rank-child args") on ranks 0 and 1 and waits for
// both (at most `limitS` seconds).
std::vector<RankRun> runRanks(const QStringList& args, int limitS = 120, QString program = {})
{
    const QStringList argv = program.isEmpty() ? QStringList{"--rank-child"} + args : args;
    if (program.isEmpty())
        program = QCoreApplication::applicationFilePath();
    const int port = freePort();
    std::vector<std::unique_ptr<QProcess>> procs;
    for (int rank = 0; rank < 2; ++rank) {
        auto p = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("RANK", QString::number(rank));
        env.insert("WORLD_SIZE", "2");
        env.insert("MASTER_ADDR", "127.0.0.1");
        env.insert("MASTER_PORT", QString::number(port));
        env.insert("PHASELAB_DIST_TIMEOUT", QString::number(kTimeoutS));
        env.insert("OMP_NUM_THREADS", "1");  // two ranks share the cores (torchrun does the same)
        p->setProcessEnvironment(env);
        p->start(program, argv);
        procs.push_back(std::move(p));
    }
    std::vector<RankRun> runs(2);
    for (int rank = 0; rank < 2; ++rank) {
        QProcess& p = *procs[std::size_t(rank)];
        if (!p.waitForFinished(limitS * 1000)) {
            p.kill();
            p.waitForFinished();
        }
        runs[std::size_t(rank)] = {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                                   p.readAllStandardOutput(), p.readAllStandardError()};
    }
    return runs;
}

std::vector<models::EpochRecord> parseHistory(const QByteArray& out)
{
    std::vector<models::EpochRecord> h;
    for (const QByteArray& line : out.split('\n')) {
        const QList<QByteArray> f = line.trimmed().split(' ');
        if (f.size() != 3)
            continue;
        models::EpochRecord r;
        r.epoch = f[0].toInt();
        r.trainLoss = f[1].toDouble();
        r.valLoss = f[2].toDouble();
        h.push_back(r);
    }
    return h;
}

// Largest |a − b| over both outputs of two models on one hologram, relative to max |a|.
double outputDifference(const std::string& a, const std::string& b, const core::ImageF& holo)
{
    auto ma = models::LearnedModel::load(a, "cpu");
    auto mb = models::LearnedModel::load(b, "cpu");
    const auto ra = ma.reconstruct(holo), rb = mb.reconstruct(holo);
    double diff = 0, scale = 1e-12;
    for (const auto& [x, y] : {std::pair{&ra.phase, &rb.phase}, {&ra.absorption, &rb.absorption}})
        for (std::size_t i = 0; i < x->size(); ++i) {
            diff = std::max(diff, double(std::abs((*x)[i] - (*y)[i])));
            scale = std::max(scale, double(std::abs((*x)[i])));
        }
    return diff / scale;
}

} // namespace

class DistributedTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_data;
    test::SimSpec m_spec;

    std::string path(const std::string& name) const
    {
        return (m_dir.path() + "/").toStdString() + name;
    }

    // 32² images for PhaseGAN: PatchGAN's kernels and its last BatchNorm need more than 16².
    test::SimSpec ganSpec() const
    {
        test::SimSpec spec = m_spec;
        spec.size = 32;
        spec.train = 3;
        spec.val = 3;
        return spec;
    }
    std::string ganData() const
    {
        const std::string data = path("gan32.h5");
        if (!std::filesystem::exists(data))
            test::writeSimulatedDataset(data, ganSpec());
        return data;
    }

private slots:
    void initTestCase()
    {
        m_spec.size = 16;
        m_spec.train = 12;
        m_spec.val = 7;
        m_data = path("tiny.h5");
        test::writeSimulatedDataset(m_data, m_spec);
    }

    void environmentFollowsTorchrun()
    {
        for (const char* v : {"RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "LOCAL_RANK",
                              "PHASELAB_DIST_TIMEOUT"})
            ::unsetenv(v);
        auto single = models::LaunchEnvironment::fromEnvironment();
        QCOMPARE(single.worldSize, 1);
        QCOMPARE(single.rank, 0);
        QVERIFY(!single.distributed());
        QCOMPARE(models::connect(single)->size(), 1);

        ::setenv("WORLD_SIZE", "4", 1);
        ::setenv("RANK", "3", 1);
        QVERIFY_THROWS_EXCEPTION(core::InputError, models::LaunchEnvironment::fromEnvironment());
        ::setenv("MASTER_ADDR", "node01", 1);
        ::setenv("MASTER_PORT", "29500", 1);
        ::setenv("PHASELAB_DIST_TIMEOUT", "7.5", 1);
        const auto env = models::LaunchEnvironment::fromEnvironment();
        QCOMPARE(env.rank, 3);
        QCOMPARE(env.worldSize, 4);
        QCOMPARE(env.masterAddr, std::string("node01"));
        QCOMPARE(env.masterPort, 29500);
        QCOMPARE(env.timeoutSeconds, 7.5);
        for (const auto& [name, value] : {std::pair{"RANK", "4"}, {"RANK", "x"},
                                          {"WORLD_SIZE", "0"}, {"MASTER_PORT", "70000"},
                                          {"PHASELAB_DIST_TIMEOUT", "-1"}}) {
            const std::string old = std::getenv(name);
            ::setenv(name, value, 1);
            try {
                models::LaunchEnvironment::fromEnvironment();
                QFAIL(qPrintable(QString("%1=%2 was accepted").arg(name, value)));
            } catch (const core::InputError& e) {
                QVERIFY2(std::strstr(e.what(), name), e.what());
            }
            ::setenv(name, old.c_str(), 1);
        }
        for (const char* v : {"RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT",
                              "PHASELAB_DIST_TIMEOUT"})
            ::unsetenv(v);
    }

    void collectivesOnTwoRanks()
    {
        const auto runs = runRanks({"collectives"}, 60);
        for (const auto& r : runs)
            QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void deadPeerFailsWithinTheTimeout_data()
    {
        QTest::addColumn<QString>("operation");
        QTest::newRow("gather") << "gather";
        QTest::newRow("barrier") << "barrier";
    }

    void deadPeerFailsWithinTheTimeout()
    {
        QFETCH(QString, operation);
        const auto start = std::chrono::steady_clock::now();
        const auto runs = runRanks({"die", operation}, 4 * kTimeoutS);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        QCOMPARE(runs[1].exitCode, 7);
        QVERIFY2(runs[0].exitCode == 0, runs[0].err.constData());
        const QString message = QString::fromUtf8(runs[0].err);
        QVERIFY2(message.contains("rank 0 of 2") && message.contains(operation) &&
                     message.contains("peer may have died"),
                 qPrintable(message));
        QVERIFY2(s < 3 * kTimeoutS, qPrintable(QString::number(s)));
    }

    void dataParallelEqualsOneProcess_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("dgn") << "dgn";
        QTest::newRow("msd") << "msd";
    }

    // Two ranks, each reading its part (0 to 3 of 5 samples) of every global batch, end with the
    // weights of one process trained on the same global batches, and the same history.
    void dataParallelEqualsOneProcess()
    {
        QFETCH(QString, method);
        const std::string tag = method.toStdString();
        const auto start = std::chrono::steady_clock::now();
        const auto runs = runRanks({"train", QString::fromStdString(m_data),
                                    QString::fromStdString(path(tag + "_dp2.pt")), "2", "0", "0",
                                    "0", method});
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        for (const auto& r : runs)
            QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(std::filesystem::exists(path(tag + "_dp2.pt")));
        const auto h0 = parseHistory(runs[0].out), h1 = parseHistory(runs[1].out);

        const models::TrainResult one = models::train(
            tinyDgn(m_data, path(tag + "_dp1.pt"), 2, models::parseMethod(tag)), nullptr, nullptr);
        QCOMPARE(int(h0.size()), 2);
        QCOMPARE(int(h1.size()), 2);
        for (std::size_t e = 0; e < 2; ++e) {
            QCOMPARE(h0[e].trainLoss, h1[e].trainLoss);  // every rank sees the same history
            QCOMPARE(h0[e].valLoss, h1[e].valLoss);
            QVERIFY2(std::abs(h0[e].trainLoss - one.history[e].trainLoss) <=
                         1e-4 * one.history[e].trainLoss,
                     qPrintable(QString("%1 vs %2").arg(h0[e].trainLoss).arg(one.history[e].trainLoss)));
            QVERIFY(std::abs(h0[e].valLoss - one.history[e].valLoss) <= 1e-4 * one.history[e].valLoss);
        }
        const auto info = models::modelInfo(path(tag + "_dp2.pt"));
        QCOMPARE(info["training"]["world_size"].get<int>(), 2);
        QCOMPARE(models::modelInfo(path(tag + "_dp1.pt"))["training"]["world_size"].get<int>(), 1);

        test::Simulator sim(m_spec);
        std::mt19937_64 rng(99);
        const core::ImageF holo = sim.sample(rng).hologram;
        // Compared in float32: the weights are what must agree (bf16 inference, runtime.h,
        // would turn their float rounding differences into bf16 ones).
        const bool bf16 = models::reducedPrecisionInference();
        models::setReducedPrecisionInference(false);
        const double diff = outputDifference(path(tag + "_dp2.pt"), path(tag + "_dp1.pt"), holo);
        models::setReducedPrecisionInference(bf16);
        qInfo("%s, 2 ranks vs 1 process: relative output difference %.3g; 2-rank run %.1f s",
              tag.c_str(), diff, s);
        QVERIFY2(diff < 1e-4, qPrintable(QString::number(diff)));
    }

    void phaseGanDataParallel_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<double>("tolerance");
        // Global batches of 1: rank 0's part is always empty, rank 1 holds the whole batch, so
        // PatchGAN's BatchNorm sees the same batches as in one process: equal within float
        // rounding of the all-reduce.
        QTest::newRow("batch 1") << 1 << 1e-5;
        // Global batches of 2 and 1: parts 1 + 1 and 0 + 1. The gradients are weighted and
        // summed as in one process, but BatchNorm's statistics are those of each rank's part
        // (no synchronised BatchNorm), so the result only comes close.
        QTest::newRow("batch 2") << 2 << 0.05;
    }

    // PhaseGAN on 2 ranks against 1 process with the same global batches: the same history on
    // both ranks, world_size 2, and G_O's outputs.
    void phaseGanDataParallel()
    {
        QFETCH(int, batch);
        QFETCH(double, tolerance);
        const std::string tag = "gan_b" + std::to_string(batch);
        const test::SimSpec spec = ganSpec();
        const std::string data = ganData();
        const auto start = std::chrono::steady_clock::now();
        const auto runs = runRanks({"gan", QString::fromStdString(data),
                                    QString::fromStdString(path(tag + "_dp2.pt")),
                                    QString::number(batch)});
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        for (const auto& r : runs)
            QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto h0 = parseHistory(runs[0].out), h1 = parseHistory(runs[1].out);
        QCOMPARE(int(h0.size()), 1);
        QCOMPARE(int(h1.size()), 1);
        QCOMPARE(h0[0].trainLoss, h1[0].trainLoss);
        QCOMPARE(h0[0].valLoss, h1[0].valLoss);
        QCOMPARE(models::modelInfo(path(tag + "_dp2.pt"))["training"]["world_size"].get<int>(), 2);

        const models::TrainResult one =
            models::train(tinyGan(data, path(tag + "_dp1.pt"), batch), nullptr, nullptr);
        test::Simulator sim(spec);
        std::mt19937_64 rng(99);
        const core::ImageF holo = sim.sample(rng).hologram;
        const double diff = outputDifference(path(tag + "_dp2.pt"), path(tag + "_dp1.pt"), holo);
        const double lossDiff =
            std::abs(h0[0].trainLoss - one.history[0].trainLoss) / std::abs(one.history[0].trainLoss);
        qInfo("PhaseGAN batch %d, 2 ranks vs 1 process: relative output difference %.3g, "
              "train loss %.3g; 2-rank run %.1f s",
              batch, diff, lossDiff, s);
        QVERIFY2(diff < tolerance, qPrintable(QString::number(diff)));
        QVERIFY2(lossDiff < tolerance, qPrintable(QString::number(lossDiff)));
    }

    // A 2-rank run stopped after its first epoch resumes on one process and ends on the same
    // curve as the uninterrupted single-process run.
    void twoRankCheckpointResumesOnOne()
    {
        const auto runs = runRanks({"train", QString::fromStdString(m_data),
                                    QString::fromStdString(path("stop2.pt")), "2", "1", "0"});
        for (const auto& r : runs)
            QVERIFY2(r.exitCode == 4, r.err.constData());  // Cancelled on both ranks
        QVERIFY(std::filesystem::exists(path("stop2.pt.ckpt")));
        QVERIFY(!std::filesystem::exists(path("stop2.pt")));

        models::TrainOptions o = tinyDgn(m_data, path("resumed.pt"), 0);
        o.resumePath = path("stop2.pt.ckpt");
        const models::TrainResult resumed = models::train(o, nullptr, nullptr);
        const models::TrainResult one =
            models::train(tinyDgn(m_data, path("one.pt"), 2), nullptr, nullptr);
        QCOMPARE(int(resumed.history.size()), 2);
        QCOMPARE(resumed.worldSize, 1);
        for (std::size_t e = 0; e < 2; ++e)
            QVERIFY2(std::abs(resumed.history[e].trainLoss - one.history[e].trainLoss) <=
                         1e-4 * one.history[e].trainLoss,
                     qPrintable(QString("epoch %1: %2 vs %3")
                                    .arg(e + 1)
                                    .arg(resumed.history[e].trainLoss)
                                    .arg(one.history[e].trainLoss)));
        QVERIFY(std::abs(resumed.initialValLoss - one.initialValLoss) <= 1e-4 * one.initialValLoss);
    }

    // A rank that dies in the middle of training makes the other stop with RankGroupError.
    void rankDyingInTrainingStopsTheOther()
    {
        const auto start = std::chrono::steady_clock::now();
        const auto runs = runRanks({"train", QString::fromStdString(m_data),
                                    QString::fromStdString(path("die.pt")), "2", "0", "2"},
                                   6 * kTimeoutS);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        QCOMPARE(runs[1].exitCode, 7);
        QVERIFY2(runs[0].exitCode == 5, runs[0].err.constData());
        QVERIFY2(runs[0].err.contains("rank 0 of 2"), runs[0].err.constData());
        QVERIFY2(s < 4 * kTimeoutS, qPrintable(QString::number(s)));
    }

    // A cancel on one rank (its own token) stops both at the same batch, as Cancelled.
    void cancelOnOneRankStopsBoth()
    {
        const auto runs = runRanks({"train", QString::fromStdString(m_data),
                                    QString::fromStdString(path("cancel.pt")), "2", "0", "0", "2"},
                                   6 * kTimeoutS);
        for (const auto& r : runs)
            QVERIFY2(r.exitCode == 4, r.err.constData());
        QVERIFY(!std::filesystem::exists(path("cancel.pt")));
    }

    // `phaselab-cli train` on 2 ranks (DGN, then PhaseGAN): rank 0 prints the JSON (world_size 2),
    // rank 1 nothing on stdout.
    void cliTrainsOnTwoRanks()
    {
        const QString cli = qEnvironmentVariable("PHASELAB_CLI");
        if (cli.isEmpty())
            QSKIP("PHASELAB_CLI not set (run through CTest)");
        const QStringList common{"train", "--data", QString::fromStdString(m_data),
                                 "--epochs", "1", "--batch", "5", "--max-train", "10",
                                 "--max-val", "4", "--device", "cpu", "--json"};
        const auto runs = runRanks(common + QStringList{"--method", "dgn", "--iterations", "2",
                                                        "--width1", "4", "--width2", "4", "--out",
                                                        QString::fromStdString(path("cli2.pt"))},
                                   120, cli);
        for (const auto& r : runs)
            QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto j = nlohmann::json::parse(runs[0].out.toStdString());
        QCOMPARE(j["world_size"].get<int>(), 2);
        QCOMPARE(int(j["history"].size()), 1);
        QVERIFY2(runs[1].out.isEmpty(), runs[1].out.constData());
        QCOMPARE(models::modelInfo(path("cli2.pt"))["training"]["world_size"].get<int>(), 2);

        // PhaseGAN too (it was refused on several ranks before).
        const auto gan = runRanks({"train", "--data", QString::fromStdString(ganData()), "--epochs",
                                   "1", "--batch", "2", "--device", "cpu", "--json", "--method",
                                   "phasegan", "--width", "0.125", "--out",
                                   QString::fromStdString(path("gan.pt"))},
                                  120, cli);
        for (const auto& r : gan)
            QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(nlohmann::json::parse(gan[0].out.toStdString())["world_size"].get<int>(), 2);
        QVERIFY2(gan[1].out.isEmpty(), gan[1].out.constData());
        QCOMPARE(models::modelInfo(path("gan.pt"))["training"]["world_size"].get<int>(), 2);
    }

    // A group of several ranks that is not c10d's is refused before any work.
    void foreignGroupIsRefused()
    {
        struct Fake : core::RankGroup {
            int rank() const override { return 0; }
            int size() const override { return 2; }
            void gather(const std::vector<float>&, std::vector<float>&) override {}
            void broadcast(std::vector<std::uint8_t>&) override {}
            bool any(bool m) override { return m; }
            void barrier() override {}
        };
        models::TrainOptions o = tinyDgn(m_data, path("fake.pt"), 1);
        o.group = std::make_shared<Fake>();
        QVERIFY_THROWS_EXCEPTION(core::InputError, models::train(o, nullptr, nullptr));
    }
};

int main(int argc, char** argv)
{
    if (argc >= 3 && std::strcmp(argv[1], "--rank-child") == 0)
        return runChild(argc, argv);
    QCoreApplication app(argc, argv);
    DistributedTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "distributed_test.moc"
