// Issue 16 in the application: File ▸ Reconstruct the whole stack runs the current method and
// parameters over the frames of the open stack (core::reconstructStack in a worker), with
// progress, Cancel that leaves a resumable HDF5 .part, and "Continue the interrupted run".
#include <QtTest>
#include <QtWidgets>

#include "gui_test_util.h"
#include "test_util.h"

#include <phaselab/core/fresnel.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/reconstruction_pipeline.h>
#include <phaselab/core/stack.h>
#include <phaselab/core/tiff_io.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_panel.h>
#include <phaselab/widgets/parameter_panel.h>
#include <phaselab/widgets/stack_dialog.h>

#include <cmath>

using namespace phaselab;
using widgets::MainWindow;
using widgets::StackDialog;

namespace {

constexpr int kSize = 96;
constexpr int kFrames = 6;

/// Frame `k` of the stack: a weak object (β/δ = 0.1) moved by 7k pixels, at the PhaseGAN
/// paper's geometry, with 1 % noise.
core::ImageF frame(int k)
{
    const core::ImageD phi0 = test::blobImage<double>(kSize, kSize, 0.2, 11);
    core::ImageD phi(kSize, kSize), B(kSize, kSize);
    for (int y = 0; y < kSize; ++y)
        for (int x = 0; x < kSize; ++x)
            phi((x + 7 * k) % kSize, y) = phi0(x, y);
    for (std::size_t i = 0; i < B.size(); ++i)
        B[i] = 0.1 * phi[i];
    core::ImageF h = core::propagateIntensity(core::Geometry::phaseGanPaper(), B, phi).cast<float>();
    unsigned state = 12345u + unsigned(k);
    for (float& v : h) {
        state = state * 1664525u + 1013904223u;
        v += 0.01f * (float(state >> 8) / float(1u << 24) - 0.5f) * 3.46f;
    }
    return h;
}



} // namespace

class StackGuiTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_stack;

    /// The window with the stack open at frame 0, the test physics and `method`.
    bool openStack(MainWindow& w, const QString& method)
    {
        w.show();
        w.methodPanel()->setAutoUpdate(false);
        w.openInput(m_stack, 0);
        if (!test::waitLoaded(w))
            return false;
        w.parameterPanel()->setGeometry(core::Geometry::phaseGanPaper());
        w.parameterPanel()->setDeltaOverBeta(10);
        w.methodPanel()->setCurrentMethod(method);
        return true;
    }

    static StackDialog* openFromMenu(MainWindow& w)
    {
        auto* action = w.findChild<QAction*>(QStringLiteral("wholeStackAction"));
        if (!action)
            return nullptr;
        action->trigger();
        return w.findChild<StackDialog*>();
    }

private slots:
    void initTestCase()
    {
        test::isolateSettings("gui_stack_test");
        QVERIFY(m_dir.isValid());
        m_stack = m_dir.filePath(QStringLiteral("stack.tif"));
        std::vector<core::ImageF> frames;
        for (int k = 0; k < kFrames; ++k)
            frames.push_back(frame(k));
        core::writeTiffStack(m_stack.toStdString(), frames);
    }

    // Frames 1, 3, 5 with CTF: the dialog names the stack and its frame count, the HDF5 output
    // holds the three frames, each as a single-frame reconstruction of that frame gives it.
    void reconstructsTheChosenFrames()
    {
        MainWindow w;
        QVERIFY(openStack(w, QStringLiteral("ctf")));
        StackDialog* d = openFromMenu(w);
        QVERIFY(d && d->isVisible());
        QVERIFY2(d->inputLabel()->text().contains(QStringLiteral("6 frames")),
                 qPrintable(d->inputLabel()->text()));
        QVERIFY(d->outputEdit()->text().endsWith(QStringLiteral("_reconstructed.h5")));
        QVERIFY(d->startButton()->isEnabled());
        QVERIFY(!d->cancelButton()->isEnabled());

        // A range beyond the stack is refused with the frame count.
        d->framesEdit()->setText(QStringLiteral("4:9"));
        QVERIFY(!d->start());
        QVERIFY2(d->statusLabel()->text().contains(QStringLiteral("6 frame")),
                 qPrintable(d->statusLabel()->text()));

        const QString out = m_dir.filePath(QStringLiteral("odd.h5"));
        d->framesEdit()->setText(QStringLiteral("1:6:2"));
        d->outputEdit()->setText(out);
        QSignalSpy done(d, &StackDialog::finished);
        QSignalSpy failed(d, &StackDialog::failed);
        QTest::mouseClick(d->startButton(), Qt::LeftButton);
        QVERIFY(d->isRunning() || !done.isEmpty());
        QVERIFY2(test::waitEither(done, failed, 120000), test::why(failed).constData());
        QVERIFY(d->summary());
        QCOMPARE(d->summary()->frames, 3);
        QCOMPARE(d->summary()->computed, 3);
        QVERIFY(QFileInfo::exists(out));
        QVERIFY(!QFileInfo::exists(out + QStringLiteral(".part")));
        QVERIFY(d->statusLabel()->text().contains(QStringLiteral("3 frames")));

        core::ReconstructionRequest request = w.methodPanel()->request();
        auto method = core::MethodRegistry::instance().create("ctf");
        const std::vector<int> source = {1, 3, 5};
        for (int i = 0; i < 3; ++i) {
            request.input.frame = source[std::size_t(i)];
            const core::LoadedHologram h = core::loadHologram(request.input);
            const core::ReconstructionOutcome single = core::reconstruct(*method, request, h);
            const core::ImageF stacked = core::readImage((out + QStringLiteral(":/phase")).toStdString(), i);
            QCOMPARE(stacked.width(), kSize);
            double diff = 0, norm = 0;
            for (std::size_t p = 0; p < stacked.size(); ++p) {
                diff = std::max(diff, double(std::abs(stacked[p] - single.phase[p])));
                norm = std::max(norm, double(std::abs(single.phase[p])));
            }
            QVERIFY2(norm > 0.05 && diff <= 1e-5 * norm,
                     qPrintable(QStringLiteral("frame %1: max |Δφ| %2 of %3").arg(source[i]).arg(diff).arg(norm)));
        }
    }

    // IRGN over all frames, cancelled after the first frames: the .part stays and "Continue
    // the interrupted run" is offered; continuing computes only the rest, and the file equals
    // an uninterrupted run's.
    void cancelThenContinue()
    {
        MainWindow w;
        QVERIFY(openStack(w, QStringLiteral("irgn")));
        StackDialog* d = openFromMenu(w);
        QVERIFY(d);
        const QString out = m_dir.filePath(QStringLiteral("irgn.h5"));
        const QString part = out + QStringLiteral(".part");
        d->outputEdit()->setText(out);
        QVERIFY(!d->resumeBox()->isEnabled());

        QSignalSpy cancelled(d, &StackDialog::cancelled);
        QSignalSpy done(d, &StackDialog::finished);
        QSignalSpy failed(d, &StackDialog::failed);
        QVERIFY(d->start());
        QElapsedTimer t;
        t.start();
        while (d->progressBar()->value() == 0 && done.isEmpty() && failed.isEmpty() && t.elapsed() < 120000)
            QTest::qWait(5);
        QVERIFY2(failed.isEmpty(), test::why(failed).constData());
        QVERIFY2(done.isEmpty(), "the whole stack finished before Cancel could be pressed");
        QTest::mouseClick(d->cancelButton(), Qt::LeftButton);
        QVERIFY2(test::waitEither(cancelled, failed, 120000), test::why(failed).constData());
        QVERIFY(QFileInfo::exists(part));
        QVERIFY(!QFileInfo::exists(out));
        QVERIFY(d->resumeBox()->isEnabled());
        QVERIFY(d->resumeBox()->isChecked());
        QVERIFY(d->statusLabel()->text().contains(QStringLiteral(".part")));

        QVERIFY(d->start());
        QVERIFY2(test::waitEither(done, failed, 120000), test::why(failed).constData());
        QCOMPARE(d->summary()->frames, kFrames);
        QVERIFY(d->summary()->skipped >= 1);
        QCOMPARE(d->summary()->computed + d->summary()->skipped, kFrames);
        QVERIFY(QFileInfo::exists(out));
        QVERIFY(!QFileInfo::exists(part));

        // The same job uninterrupted, in the test's own thread.
        core::StackJob job;
        job.request = w.methodPanel()->request();
        job.output = m_dir.filePath(QStringLiteral("irgn_whole.h5")).toStdString();
        core::reconstructStack(job, [] { return core::MethodRegistry::instance().create("irgn"); });
        for (int k = 0; k < kFrames; ++k) {
            const core::ImageF a = core::readImage((out + QStringLiteral(":/phase")).toStdString(), k);
            const core::ImageF b = core::readImage(job.output + ":/phase", k);
            QVERIFY2(std::equal(a.begin(), a.end(), b.begin()), qPrintable(QStringLiteral("frame %1").arg(k)));
        }
    }

    // Without a stack (the demo) the dialog says what to open and Start stays off.
    void demoHasNoStack()
    {
        MainWindow w;
        w.show();
        w.methodPanel()->setAutoUpdate(false);
        w.openDemo(64);
        QVERIFY(test::waitLoaded(w));
        StackDialog* d = openFromMenu(w);
        QVERIFY(d);
        QVERIFY(!d->startButton()->isEnabled());
        QVERIFY(d->inputLabel()->text().contains(QStringLiteral("open")));
        QVERIFY(!d->start());
    }
};

QTEST_MAIN(StackGuiTest)
#include "stack_gui_test.moc"
