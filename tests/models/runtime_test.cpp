// The LibTorch runtime PhaseLab trains on: all cores, and an optimised BLAS (Debian's reference
// BLAS makes Linear / ConvTranspose2d 30–40× slower; the set-up script installs OpenBLAS).
#include <QtTest>

#include <phaselab/core/parallel.h>
#include <phaselab/models/runtime.h>

#include <thread>

using namespace phaselab;

class RuntimeTest : public QObject {
    Q_OBJECT

private slots:
    void usesAllCores()
    {
        const models::RuntimeInfo rt = models::initialiseRuntime();
        const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
        QCOMPARE(core::threadCount(), cores);
        QCOMPARE(rt.intraOpThreads, cores);
        QVERIFY(!rt.torchVersion.empty());
        qInfo("LibTorch %s, %d intra-op threads, CUDA %s", rt.torchVersion.c_str(),
              rt.intraOpThreads, rt.cudaAvailable ? "available" : "not available");
    }

    void blasIsOptimised()
    {
        const models::RuntimeInfo rt = models::initialiseRuntime();
        qInfo("BLAS in use: %s", rt.blasLibrary.c_str());
        QVERIFY2(!rt.blasLibrary.empty(), "no BLAS symbol found in the process");
        QVERIFY2(rt.blasOptimised,
                 qPrintable("LibTorch calls the reference BLAS (" +
                            QString::fromStdString(rt.blasLibrary) +
                            "); install libopenblas0-pthread (scripts/install-deps.sh does)"));
    }
};

QTEST_APPLESS_MAIN(RuntimeTest)
#include "runtime_test.moc"
