// A few epochs of the paper's networks (DGN: N = 10, 16/32 channels; MS-D Net: depth 100) with the
// paper's optimiser settings on a small simulated set bring the validation loss well below that of
// the untrained network. Label `slow` (one to four minutes on two shared cores).
#include <QtTest>

#include <phaselab/models/learned.h>

#include "sim_dataset.h"

using namespace phaselab;

class TrainingSlowTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_data;

private slots:
    void initTestCase()
    {
        test::SimSpec spec;
        spec.size = 32;
        spec.train = 160;
        spec.val = 40;
        spec.seed = 11;
        m_data = (m_dir.path() + "/set32.h5").toStdString();
        test::writeSimulatedDataset(m_data, spec);
    }

    void validationLossFalls_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<int>("epochs");
        QTest::newRow("dgn") << int(models::Method::Dgn) << 3;
        QTest::newRow("msd") << int(models::Method::Msd) << 3;
    }

    void validationLossFalls()
    {
        QFETCH(int, method);
        QFETCH(int, epochs);
        const auto m = models::Method(method);
        models::TrainOptions o;
        o.method = m;
        o.dataPath = m_data;
        o.outPath = (m_dir.path() + "/model.pt").toStdString();
        o.epochs = epochs;
        o.batchSize = 10;
        o.device = "cpu";
        o.seed = 3;
        const models::TrainResult r = models::train(o, nullptr, nullptr);
        qInfo("%s, %lld parameters, 160 train / 40 val samples of 32²: initial val loss %.4g",
              models::toString(m).c_str(), (long long)r.parameterCount, r.initialValLoss);
        for (const auto& e : r.history)
            qInfo("  epoch %d: train %.4g, val %.4g, lr %.2g, %.1f samples/s, %.1f s", e.epoch,
                  e.trainLoss, e.valLoss, e.learningRate, e.samplesPerSecond, e.seconds);
        QCOMPARE(int(r.history.size()), epochs);
        QVERIFY2(r.bestValLoss < 0.5 * r.initialValLoss,
                 qPrintable(QString("best %1 vs initial %2").arg(r.bestValLoss).arg(r.initialValLoss)));
        QVERIFY(r.history.back().trainLoss < r.history.front().trainLoss);
    }
};

QTEST_APPLESS_MAIN(TrainingSlowTest)
#include "training_slow_test.moc"
