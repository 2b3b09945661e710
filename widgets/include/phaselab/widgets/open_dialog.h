#pragma once

#include <QDialog>

#include <phaselab/core/flatfield.h>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace phaselab::widgets {

/// Opening a hologram the way beamline data needs it: any format the core reads (TIFF stacks,
/// HDF5 / NeXus, EDF, PNG/JPEG/BMP), the HDF5 dataset and the frame, and flat/dark files
/// (averaged, flats before and after interpolated), or NXtomo's own flats and darks.
class OpenDialog : public QDialog {
    Q_OBJECT

public:
    explicit OpenDialog(QWidget* parent = nullptr);

    /// Inspects `path` and fills the dataset list and frame range.
    void setPath(const QString& path);
    /// "FILE" or "FILE.h5:/dataset".
    [[nodiscard]] QString spec() const;
    [[nodiscard]] int frame() const;
    [[nodiscard]] core::FlatFieldSources sources() const;
    /// What the file holds, or why it cannot be read (shown in the dialog).
    [[nodiscard]] QString summary() const;
    [[nodiscard]] QStringList datasets() const;
    void setDataset(const QString& path);
    void setFrame(int frame);
    void setFlat(const QString& flat, const QString& dark);

private:
    void inspect();
    void updateFrames();

    QLineEdit* m_path;
    QComboBox* m_dataset;
    QSpinBox* m_frame;
    QLabel* m_frames;
    QLabel* m_summary;
    QLineEdit* m_flat;
    QLineEdit* m_flatAfter;
    QLineEdit* m_dark;
    QComboBox* m_average;
    QCheckBox* m_automatic;
    QPushButton* m_ok;
};

} // namespace phaselab::widgets
