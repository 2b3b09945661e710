// The vectorised float exp and sincos used by the forward model, against libm in double.
#include <QtTest>

#include <phaselab/core/vector_math.h>

#include <cmath>

using namespace phaselab::core;

class VectorMathTest : public QObject {
    Q_OBJECT

private slots:
    void expIsFloatAccurate()
    {
        double worst = 0;
        for (double x = -87.0; x < 88.0; x += 0.000731) {
            const float xf = float(x);
            const double ref = std::exp(double(xf));
            worst = std::max(worst, std::abs(double(vmath::exp(xf)) - ref) / ref);
        }
        QVERIFY2(worst < 4e-7, qPrintable(QString::number(worst)));
        QCOMPARE(vmath::exp(0.0f), 1.0f);
        // Clamped, never garbage, outside the normal range.
        QVERIFY(vmath::exp(-1000.0f) >= 0 && vmath::exp(-1000.0f) < 1e-37f);
        QVERIFY(std::isfinite(vmath::exp(1000.0f)) && vmath::exp(1000.0f) > 1e38f);
    }

    void sincosIsFloatAccurate()
    {
        double worst = 0;
        for (double x = -3000.0; x < 3000.0; x += 0.00913) {
            const float xf = float(x);
            float s, c;
            vmath::sincos(xf, s, c);
            const double es = std::abs(s - std::sin(double(xf)));
            const double ec = std::abs(c - std::cos(double(xf)));
            worst = std::max(worst, std::max(es, ec) / std::max(1.0, std::abs(x) / 100));
        }
        QVERIFY2(worst < 2e-7, qPrintable(QString::number(worst)));
        float s, c;
        vmath::sincos(0.0f, s, c);
        QCOMPARE(s, 0.0f);
        QCOMPARE(c, 1.0f);
    }
};

QTEST_APPLESS_MAIN(VectorMathTest)
#include "vector_math_test.moc"
