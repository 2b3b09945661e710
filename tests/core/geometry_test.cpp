// Units and geometry of physics.md §1.
#include <QtTest>

#include <phaselab/core/error.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/units.h>

using namespace phaselab;

class GeometryTest : public QObject {
    Q_OBJECT

private slots:
    void dgnPaperGeometry()
    {
        const core::Geometry g = core::Geometry::dgnPaper();
        QVERIFY(std::abs(g.wavelengthM() - 0.0954e-9) < 0.0001e-9);  // λ = 0.0954 nm
        QVERIFY(std::abs(g.fresnelNumber() - 7.55e-5) < 0.01e-5);     // F ≈ 7.55e-5
        QVERIFY(std::abs(g.minimumGridSize() - 1.0 / g.fresnelNumber()) < 1e-6);
        QVERIFY(!g.wellSampled(512));
        QVERIFY(g.wellSampled(13300));
    }

    void phaseGanPaperGeometry()
    {
        const core::Geometry g = core::Geometry::phaseGanPaper();
        QVERIFY(std::abs(g.wavelengthM() - 1e-10) < 1e-16);
        QVERIFY(std::abs(g.energyKeV - 12.398) < 1e-3);
        QVERIFY(std::abs(g.fresnelNumber() - 0.1) < 1e-9);
        QVERIFY(g.wellSampled(11));
        QVERIFY(!g.wellSampled(9));
    }

    void coneBeamConversion()
    {
        core::ConeBeam c;
        c.sourceToSampleM = 0.1;
        c.sourceToDetectorM = 1.0;
        c.detectorPixelM = 6.5e-6;
        QCOMPARE(c.magnification(), 10.0);
        const core::Geometry g = c.effective(17.0);
        QVERIFY(std::abs(g.pixelSizeM - 0.65e-6) < 1e-15);
        QVERIFY(std::abs(g.distanceM - 0.09) < 1e-15);  // z01 (z02 − z01) / z02
        c.sourceToDetectorM = 0.05;
        QVERIFY_THROWS_EXCEPTION(core::InputError, (void)c.effective(17.0));
    }

    void validationNamesTheField()
    {
        for (const core::Geometry& g :
             {core::Geometry{0, 1, 1}, core::Geometry{-13, 1, 1}, core::Geometry{13, 0, 1},
              core::Geometry{13, 1, -1e-9}, core::Geometry{NAN, 1, 1},
              core::Geometry{13, INFINITY, 1}}) {
            try {
                g.validate();
                QFAIL("accepted an invalid geometry");
            } catch (const core::InputError& e) {
                const std::string m = e.what();
                QVERIFY2(m.find("must be a positive number") != std::string::npos, e.what());
            }
        }
    }

    void parsesEnergies()
    {
        QCOMPARE(core::parseEnergyKeV("13keV"), 13.0);
        QCOMPARE(core::parseEnergyKeV("13"), 13.0);
        QCOMPARE(core::parseEnergyKeV("13000eV"), 13.0);
        QCOMPARE(core::parseEnergyKeV(" 17.5 keV "), 17.5);
        for (const char* bad : {"", "keV", "-1keV", "0", "13 furlongs", "nan", "inf"})
            QVERIFY_THROWS_EXCEPTION(core::InputError, core::parseEnergyKeV(bad));
    }

    void parsesLengths()
    {
        QCOMPARE(core::parseLengthM("20mm"), 20e-3);
        QCOMPARE(core::parseLengthM("0.02m"), 0.02);
        QCOMPARE(core::parseLengthM("0.02"), 0.02);
        QCOMPARE(core::parseLengthM("12nm"), 12e-9);
        QCOMPARE(core::parseLengthM("1um"), 1e-6);
        QCOMPARE(core::parseLengthM("1µm"), 1e-6);
        QCOMPARE(core::parseLengthM("10 cm"), 0.1);
        QCOMPARE(core::parseLengthM("1Å"), 1e-10);
        for (const char* bad : {"", "mm", "-20mm", "0nm", "12 parsecs", "1e400"})
            QVERIFY_THROWS_EXCEPTION(core::InputError, core::parseLengthM(bad));
    }

    void formatsLengths()
    {
        QCOMPARE(core::formatLength(12e-9), std::string("12 nm"));
        QCOMPARE(core::formatLength(20e-3), std::string("20 mm"));
        QCOMPARE(core::formatLength(1.5e-6), std::string("1.5 µm"));
        QCOMPARE(core::formatLength(0.0954e-9), std::string("95.4 pm"));
    }
};

QTEST_APPLESS_MAIN(GeometryTest)
#include "geometry_test.moc"
