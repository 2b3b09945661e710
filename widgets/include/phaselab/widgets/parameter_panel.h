#pragma once

#include <QWidget>

#include <functional>
#include <memory>

#include <nlohmann/json.hpp>

#include <phaselab/core/fresnel.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>

class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace phaselab::widgets {

class AutofocusDialog;
class QuantityEdit;

/// The physics of a reconstruction (physics.md §1): energy, distance and pixel size with unit
/// selectors, a cone-beam helper, the derived λ, Fresnel number and sampling figure (with a warning
/// when the image is smaller than 1/F), the sample's δ/β from a material (xraylib) or typed, and
/// the padding mode. Invalid fields are marked where they are, and validationError() says why
/// work cannot start.
class ParameterPanel : public QWidget {
    Q_OBJECT

public:
    explicit ParameterPanel(QWidget* parent = nullptr);

    /// The geometry from the fields (the last valid values when a field is invalid).
    [[nodiscard]] core::Geometry geometry() const;
    void setGeometry(const core::Geometry& g);
    /// Sets only the pixel size [m] (e.g. from a file's calibration).
    void setPixelSize(double metres);
    /// The image size the sampling figure is compared with (largest side, pixels).
    void setImageSize(int pixels);

    /// β/δ of the homogeneous sample (0 for a pure phase object).
    [[nodiscard]] double betaOverDelta() const;
    /// Sets a typed δ/β ratio (selects the "typed" entry); ≤ 0 or ∞ selects pure phase.
    void setDeltaOverBeta(double ratio);
    /// The material entry's stable id: "phase", "Au", "Pd", "Zn", "compound", "typed".
    [[nodiscard]] QString materialId() const;
    void setMaterialId(const QString& id);

    [[nodiscard]] core::PropagationOptions propagation() const;
    void setPadding(core::Padding mode, double factor);
    /// −1: T = exp(−B − iφ) (PhaseLab); +1: data in the conjugate convention.
    void setPhaseSign(int sign);

    /// Every parameter and the chosen units, for session files; fromJson() restores them and
    /// ignores keys it does not know.
    [[nodiscard]] nlohmann::json toJson() const;
    void fromJson(const nlohmann::json& j);

    /// Empty when every field is valid; otherwise the first problem, naming the field.
    [[nodiscard]] QString validationError() const;
    [[nodiscard]] bool isValid() const { return validationError().isEmpty(); }

    [[nodiscard]] QString wavelengthText() const;
    [[nodiscard]] QString fresnelText() const;
    [[nodiscard]] QString samplingText() const;
    [[nodiscard]] bool samplingWarning() const noexcept { return m_samplingWarning; }

    [[nodiscard]] QuantityEdit* energyEdit() const noexcept { return m_energy; }
    [[nodiscard]] QuantityEdit* distanceEdit() const noexcept { return m_distance; }
    [[nodiscard]] QuantityEdit* pixelEdit() const noexcept { return m_pixel; }

    /// Where the Autofocus button gets the hologram to scan (null: none loaded yet).
    void setHologramSource(std::function<std::shared_ptr<const core::ImageF>()> source);
    /// The "Autofocus…" button beside the distance field.
    [[nodiscard]] QPushButton* autofocusButton() const noexcept { return m_autofocus; }
    /// Opens the autofocus dialog (the button does) for the current hologram, range ±20 % of
    /// the current distance in its unit; "Use this distance" sets the distance field. Returns
    /// the dialog (deleted when closed), or null when there is no hologram.
    AutofocusDialog* openAutofocus();

signals:
    /// Any parameter changed (valid or not); listeners debounce.
    void parametersChanged();
    void validityChanged(bool valid);

private:
    void updateDerived();
    void updateMaterial();
    void applyConeBeam();
    void changed();

    QuantityEdit* m_energy;
    QuantityEdit* m_distance;
    QuantityEdit* m_pixel;
    QPushButton* m_autofocus;
    std::function<std::shared_ptr<const core::ImageF>()> m_hologramSource;
    QLabel* m_wavelength;
    QLabel* m_fresnel;
    QLabel* m_sampling;
    QGroupBox* m_cone;
    QuantityEdit* m_z01;
    QuantityEdit* m_z02;
    QuantityEdit* m_detectorPixel;
    QLabel* m_coneResult;
    QComboBox* m_material;
    QLineEdit* m_formula;
    QDoubleSpinBox* m_density;
    QLineEdit* m_ratio;
    QLabel* m_indices;
    QComboBox* m_padding;
    QDoubleSpinBox* m_padFactor;
    QComboBox* m_phaseSign;
    int m_imageSize = 0;
    bool m_samplingWarning = false;
    double m_betaOverDelta = 0;
    QString m_materialError;
    bool m_lastValid = true;
};

} // namespace phaselab::widgets
