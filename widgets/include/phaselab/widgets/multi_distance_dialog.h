#pragma once

#include <QDialog>

#include <memory>
#include <string>
#include <vector>

#include <phaselab/core/distance_series.h>
#include <phaselab/core/reconstruction_pipeline.h>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace phaselab::widgets {

class JobRunner;
class MainWindow;

/// A series loaded and registered onto its first hologram: what the overlay shows and what
/// Reconstruct uses while the table is unchanged.
struct RegisteredSeries {
    std::vector<std::string> specs;
    std::vector<double> distancesM;
    std::vector<core::Registration> registrations;
    core::DistanceSeries aligned;  ///< on the first hologram's grid
};

/// Holograms of one object at several distances (issue 14): a table of files and distances
/// (with units), the geometry (energy, pixel size, β/δ, padding) of the main window, "Register"
/// in a worker with the shift and magnification per row and an overlay of the reference (red)
/// and the registered hologram (cyan), multi-distance CTF or IRGN in a worker with progress and
/// Cancel; the result goes to the main window's views (and File ▸ Export) and can be exported
/// here as 32-bit TIFF.
class MultiDistanceDialog : public QDialog {
    Q_OBJECT

public:
    /// `window` supplies the geometry and shows the result.
    explicit MultiDistanceDialog(MainWindow* window, QWidget* parent = nullptr);
    ~MultiDistanceDialog() override;

    /// Adds a row: an image spec (`FILE` or `FILE.h5:/path`) and its distance [m].
    void addHologram(const QString& spec, double distanceM);
    void removeRow(int row);
    [[nodiscard]] int rowCount() const;
    /// "ctf" or "irgn".
    void setMethod(const QString& id);
    [[nodiscard]] QString method() const;

    /// Starts registering the rows onto the first (the Register button); false when busy or
    /// the table is invalid (the status line says why).
    bool registerSeries();
    /// Starts the reconstruction (the Reconstruct button), on the registered series while it
    /// matches the table, else on the holograms as loaded.
    bool reconstruct();
    void cancel();
    [[nodiscard]] bool isRunning() const;

    [[nodiscard]] std::shared_ptr<const RegisteredSeries> registration() const { return m_registered; }
    [[nodiscard]] std::shared_ptr<const core::ReconstructionOutcome> result() const { return m_result; }
    /// Writes PREFIX_phase.tif and PREFIX_absorption.tif of the result (core::writeResult);
    /// throws core::InputError when there is none or writing fails.
    void exportResult(const QString& prefix) const;
    /// Shows the overlay of row `row` against the first (after Register).
    void showOverlay(int row);

    [[nodiscard]] QTableWidget* table() const noexcept { return m_table; }
    [[nodiscard]] QPushButton* registerButton() const noexcept { return m_register; }
    [[nodiscard]] QPushButton* reconstructButton() const noexcept { return m_reconstruct; }
    [[nodiscard]] QPushButton* cancelButton() const noexcept { return m_cancel; }
    [[nodiscard]] QPushButton* exportButton() const noexcept { return m_export; }
    [[nodiscard]] QSpinBox* newtonBox() const noexcept { return m_newton; }
    [[nodiscard]] QLabel* overlayLabel() const noexcept { return m_overlay; }
    [[nodiscard]] QLabel* statusLabel() const noexcept { return m_status; }
    /// The physics taken from the main window (energy, pixel size, δ/β).
    [[nodiscard]] QLabel* geometryLabel() const noexcept { return m_geometry; }

signals:
    void registered();
    void reconstructed();
    void failed(const QString& message);
    void cancelled();

private:
    void chooseFiles();
    void chooseExport();
    void tableChanged();
    void setBusy(bool busy);
    void showRegistrations();
    void showGeometry();
    /// The table's specs and distances; throws core::InputError naming the row.
    void readTable(std::vector<std::string>& specs, std::vector<double>& distances) const;
    /// readTable(), its error shown in the status line; false then.
    bool readTableOrSay(std::vector<std::string>& specs, std::vector<double>& distances);

    MainWindow* m_window;
    QTableWidget* m_table;
    QPushButton* m_add;
    QPushButton* m_remove;
    QComboBox* m_method;
    QSpinBox* m_newton;
    QCheckBox* m_magnification;
    QPushButton* m_register;
    QPushButton* m_reconstruct;
    QPushButton* m_cancel;
    QPushButton* m_export;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_geometry;
    QLabel* m_overlay;
    JobRunner* m_runner;
    std::shared_ptr<const RegisteredSeries> m_registered;
    std::shared_ptr<const core::ReconstructionOutcome> m_result;
};

} // namespace phaselab::widgets
