// Interoperability with the Python tools scientists use: files PhaseLab writes are read by
// Debian's python3-tifffile and python3-h5py with the same values and calibration, and files
// those tools write are read by PhaseLab. Skipped (saying so) only when python3, tifffile, h5py
// or numpy is absent.
#include <QtTest>

#include <phaselab/core/hdf5_io.h>
#include <phaselab/core/image_io.h>
#include <phaselab/core/tiff_io.h>

#include "io_test_util.h"

#include <filesystem>

using namespace phaselab;
using test::ramp;

namespace {

// Debian's interpreter first: the packages live in its dist-packages, which another python3
// earlier on PATH (pyenv, conda) does not see.
QString findPython()
{
    for (const QString& candidate : {QString("/usr/bin/python3"), QString("python3")}) {
        QProcess p;
        p.start(candidate, {"-c", "import tifffile, h5py, numpy"});
        if (p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0)
            return candidate;
    }
    return {};
}

} // namespace

class PythonInteropTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_python;
    std::string path(const std::string& name) const
    {
        return (std::filesystem::path(m_dir.path().toStdString()) / name).string();
    }

    QString runScript(const QString& mode, bool& ok)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(m_python, {PHASELAB_INTEROP_SCRIPT, mode, m_dir.path()});
        ok = p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        return QString::fromUtf8(p.readAll());
    }

private slots:
    void initTestCase()
    {
        m_python = findPython();
        if (m_python.isEmpty())
            QSKIP("python3 with tifffile, h5py and numpy not found (Debian: python3-tifffile "
                  "python3-h5py python3-numpy); interoperability not checked");
        qInfo("using %s", qPrintable(m_python));
    }

    void pythonReadsPhaseLabFiles()
    {
        core::ImageMetadata meta;
        meta.pixelSizeM = 12e-9;
        meta.parameters = {{"method", "ctf"}, {"geometry", {{"energy_keV", 13.0}}}};
        core::writeTiff(path("pl_f32.tif"), ramp<float>(37, 23, 0.125, -3.5), meta);
        core::ImageMetadata stackMeta;
        stackMeta.pixelSizeM = 650e-9;
        std::vector<core::ImageF> frames;
        for (int k = 0; k < 3; ++k)
            frames.push_back(ramp<float>(20, 12, 0.5, 100.0 * k));
        core::writeTiffStack(path("pl_stack.tif"), frames, stackMeta);
        core::TiffWriteOptions o;
        o.compression = "lzw";
        core::writeTiff(path("pl_u16_lzw.tif"), ramp<std::uint16_t>(37, 23, 517, 1), {}, o);
        o = {};
        o.bigEndian = true;
        core::writeTiff(path("pl_i16_be.tif"), ramp<std::int16_t>(37, 23, -100, 2000), {}, o);
        o = {};
        o.compression = "deflate";
        o.tileSize = 16;
        core::writeTiff(path("pl_i32_deflate_tiled.tif"), ramp<std::int32_t>(37, 23, -3.1e6, 12345), {}, o);
        o = {};
        o.compression = "packbits";
        core::writeTiff(path("pl_u8_packbits.tif"), ramp<std::uint8_t>(37, 23, 1, 3), {}, o);
        o = {};
        o.forceBigTiff = true;
        core::writeTiff(path("pl_bigtiff.tif"), ramp<float>(37, 23, 0.125, -3.5), {}, o);
        const core::ImageF phase = ramp<float>(37, 23, 0.125, -3.5);
        const core::ImageF absorption = ramp<float>(37, 23, 0.001, 0);
        core::writeHdf5PhaseAbsorption(path("pl_rec.h5"), phase, absorption, meta);

        bool ok = false;
        const QString out = runScript("check", ok);
        qInfo("%s", qPrintable(out.trimmed()));
        QVERIFY2(ok, qPrintable(out));
    }

    void phaseLabReadsPythonFiles()
    {
        bool ok = false;
        const QString out = runScript("write", ok);
        QVERIFY2(ok, qPrintable(out));
        auto same = [](const core::ImageD& a, const core::ImageD& b) {
            if (!a.sameShape(b))
                return false;
            for (std::size_t i = 0; i < a.size(); ++i)
                if (a[i] != b[i])
                    return false;
            return true;
        };
        core::TiffInfo info;
        QVERIFY(same(core::readTiff<double>(path("py_u16_tiled_deflate.tif"), &info),
                     ramp<std::uint16_t>(37, 23, 517, 1).cast<double>()));
        QVERIFY(info.tiled);
        QCOMPARE(info.compression, std::string("deflate"));
        QVERIFY(same(core::readTiff<double>(path("py_i32_be.tif"), &info),
                     ramp<std::int32_t>(37, 23, -3.1e6, 12345).cast<double>()));
        QVERIFY(info.bigEndian);
        QVERIFY(same(core::readTiff<double>(path("py_f64_bigtiff.tif"), &info),
                     ramp<double>(37, 23, 1.0 / 3.0, 0.25)));
        QVERIFY(info.bigTiff);
        QVERIFY(same(core::readTiff<double>(path("py_i8.tif")),
                     ramp<std::int8_t>(37, 23, -1, 60).cast<double>()));
        core::TiffStack stack(path("py_imagej_stack.tif"));
        QCOMPARE(stack.pages(), 4);
        QVERIFY(std::abs(stack.info().metadata.pixelSizeM - 0.65e-6) < 1e-12);
        for (int k = 0; k < 4; ++k)
            QVERIFY(same(stack.readPage<double>(k), ramp<float>(20, 12, 0.5, 100.0 * k).cast<double>()));
        const core::ImageF h = core::readImage(path("py_data.h5") + ":/entry/data/data", 2);
        QVERIFY(same(h.cast<double>(), ramp<std::uint16_t>(37, 23, 1, 2000).cast<double>()));
        QVERIFY(same(core::readImage(path("py_data.h5") + ":/entry/float2d").cast<double>(),
                     ramp<float>(37, 23, 0.125, -3.5).cast<double>()));
    }
};

QTEST_APPLESS_MAIN(PythonInteropTest)
#include "python_interop_test.moc"
