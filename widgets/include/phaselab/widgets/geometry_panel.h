#pragma once

#include <QWidget>

#include <phaselab/core/geometry.h>

class QDoubleSpinBox;
class QLabel;

namespace phaselab::widgets {

/// Energy, distance and pixel size with units, and what follows from them: λ, the pixel Fresnel
/// number F = Δx²/(λD) and the sampling figure N ≥ 1/F (physics.md §1), with a warning when the
/// current image is smaller than 1/F (warn, never refuse).
class GeometryPanel : public QWidget {
    Q_OBJECT

public:
    explicit GeometryPanel(QWidget* parent = nullptr);

    [[nodiscard]] core::Geometry geometry() const;
    void setGeometry(const core::Geometry& g);
    /// Sets only the pixel size [m] (e.g. from a file's calibration).
    void setPixelSize(double metres);
    /// The image size the sampling figure is compared with (largest side, pixels).
    void setImageSize(int pixels);

    [[nodiscard]] QString wavelengthText() const;
    [[nodiscard]] QString fresnelText() const;
    [[nodiscard]] QString samplingText() const;
    [[nodiscard]] bool samplingWarning() const noexcept { return m_samplingWarning; }

signals:
    void geometryChanged(const phaselab::core::Geometry& geometry);

private:
    void updateDerived();

    QDoubleSpinBox* m_energy;
    QDoubleSpinBox* m_distance;
    QDoubleSpinBox* m_pixel;
    QLabel* m_wavelength;
    QLabel* m_fresnel;
    QLabel* m_sampling;
    int m_imageSize = 0;
    bool m_samplingWarning = false;
};

} // namespace phaselab::widgets
