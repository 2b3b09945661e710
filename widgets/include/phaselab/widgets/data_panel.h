#pragma once

#include <QWidget>

#include <phaselab/core/geometry.h>
#include <phaselab/core/materials.h>

#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace phaselab::widgets {

class JobRunner;

/// Training data: generates a simulated set (core::generateDataset(), DGN or PhaseGAN protocol)
/// at the window's geometry, with size, count, noise range, seed and paired or unpaired
/// training split, in the background with progress and Cancel; or opens an existing HDF5 set and
/// shows its physics, its counts per split and a strip of its first samples.
class DataPanel : public QWidget {
    Q_OBJECT

public:
    explicit DataPanel(QWidget* parent = nullptr);
    ~DataPanel() override;

    /// The physics new sets are simulated with (the window's parameters).
    void setGeometry(const core::Geometry& geometry);
    [[nodiscard]] core::Geometry geometry() const noexcept { return m_geometry; }
    /// The window's sample material, offered instead of the DGN protocol's three (Au, Pd, Zn);
    /// nullopt when the window's sample is no single element of the protocol.
    void setSampleMaterial(const std::optional<core::Material>& material);
    [[nodiscard]] const std::optional<core::Material>& sampleMaterial() const noexcept
    {
        return m_material;
    }

    /// The generation settings, as the fields show them.
    struct Settings {
        QString protocol = QStringLiteral("dgn");  ///< "dgn" | "phasegan"
        int size = 64;                              ///< N [pixels]
        int count = 100;                            ///< samples over all splits
        double ppsnrLowDb = 10, ppsnrHighDb = 100;  ///< DGN noise range [dB]
        double photons = 6.6e7;                     ///< PhaseGAN photons per frame
        qulonglong seed = 0;
        bool unpaired = false;                      ///< unpaired training split
        /// DGN: solids of the window's sample material only (when setSampleMaterial() gave one).
        bool sampleMaterialOnly = false;
        QString path;                               ///< the HDF5 file to write
    };
    void setSettings(const Settings& settings);
    [[nodiscard]] Settings settings() const;

    /// Starts generating; false (and failed()) when a setting is wrong or a run is going on.
    bool generate();
    void cancel();
    [[nodiscard]] bool isRunning() const;

    /// Opens an existing set: its physics, counts and a strip of samples; false (and failed())
    /// when it is not a readable PhaseLab data set.
    bool openDataset(const QString& path);
    [[nodiscard]] QString datasetPath() const { return m_openPath; }
    /// The description of the opened set (physics and counts).
    [[nodiscard]] QString summaryText() const;
    /// Samples shown in the strip.
    [[nodiscard]] int stripCount() const noexcept { return m_stripCount; }
    [[nodiscard]] QPushButton* generateButton() const noexcept { return m_generate; }
    [[nodiscard]] QPushButton* cancelButton() const noexcept { return m_cancel; }

signals:
    /// A set was written to `path`.
    void generated(const QString& path);
    void cancelled();
    /// A set was opened (after generation too).
    void datasetOpened(const QString& path);
    void failed(const QString& message);

private:
    void chooseOutput();
    void chooseExisting();
    void updateProtocol();
    void showStrip(const QString& path);
    void setRunning(bool running);

    core::Geometry m_geometry{13.0, 20e-3, 12e-9};
    QComboBox* m_protocol;
    QSpinBox* m_size;
    QSpinBox* m_count;
    QDoubleSpinBox* m_ppsnrLow;
    QDoubleSpinBox* m_ppsnrHigh;
    QDoubleSpinBox* m_photons;
    QSpinBox* m_seed;
    QCheckBox* m_unpaired;
    QCheckBox* m_sampleMaterial;
    std::optional<core::Material> m_material;
    QLineEdit* m_output;
    QLabel* m_physics;
    QPushButton* m_generate;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_summary;
    QGridLayout* m_strip;
    JobRunner* m_runner;
    QString m_openPath;
    int m_stripCount = 0;
};

} // namespace phaselab::widgets
