#pragma once

#include <QDialog>

#include <memory>

#include <phaselab/core/autofocus.h>
#include <phaselab/core/geometry.h>
#include <phaselab/core/image.h>

class QComboBox;
class QCustomPlot;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace phaselab::widgets {

class JobRunner;
class QuantityEdit;

/// Finds the effective propagation distance of the current hologram (core::autofocus): a range
/// (default ±20 % of the current distance, with units) and a sample count, the scan in a worker
/// with progress and Cancel, the criterion curve with the optimum marked, and "Use this
/// distance", which emits distanceChosen().
class AutofocusDialog : public QDialog {
    Q_OBJECT

public:
    /// `hologram` (normalised) is scanned with `g`'s energy and pixel size; g.distanceM centres
    /// the default range. `betaOverDelta` ≥ 0 of the homogeneous sample; `phaseSign` the
    /// hologram's convention (−1 PhaseLab's, +1 conjugate).
    AutofocusDialog(std::shared_ptr<const core::ImageF> hologram, const core::Geometry& g,
                    double betaOverDelta, int phaseSign = -1, QWidget* parent = nullptr);
    ~AutofocusDialog() override;

    /// The boundary model of the residual criterion (the request's padding; default unit).
    void setPadding(core::Padding padding) { m_padding = padding; }

    /// Starts the scan (the Run button); false while one runs or the range is invalid.
    bool run();
    /// Requests cancellation of a running scan.
    void cancel();
    [[nodiscard]] bool isRunning() const;

    /// The last result (null before the first finished scan).
    [[nodiscard]] std::shared_ptr<const core::AutofocusResult> result() const { return m_result; }

    [[nodiscard]] QuantityEdit* minEdit() const noexcept { return m_min; }
    [[nodiscard]] QuantityEdit* maxEdit() const noexcept { return m_max; }
    [[nodiscard]] QSpinBox* samplesBox() const noexcept { return m_samples; }
    [[nodiscard]] QComboBox* criterionBox() const noexcept { return m_criterion; }
    [[nodiscard]] QPushButton* runButton() const noexcept { return m_run; }
    [[nodiscard]] QPushButton* cancelButton() const noexcept { return m_cancel; }
    [[nodiscard]] QPushButton* useButton() const noexcept { return m_use; }
    [[nodiscard]] QCustomPlot* plot() const noexcept { return m_plot; }
    [[nodiscard]] QLabel* resultLabel() const noexcept { return m_label; }

signals:
    /// A scan finished; result() holds it.
    void focused();
    void failed(const QString& message);
    void cancelled();
    /// "Use this distance" was pressed with the found distance [m].
    void distanceChosen(double metres);

private:
    void showResult();
    void setRunning(bool running);

    std::shared_ptr<const core::ImageF> m_hologram;
    core::Geometry m_geometry;
    double m_betaOverDelta;
    int m_phaseSign;
    core::Padding m_padding = core::AutofocusOptions{}.padding;
    QuantityEdit* m_min;
    QuantityEdit* m_max;
    QSpinBox* m_samples;
    QComboBox* m_criterion;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QPushButton* m_use;
    QProgressBar* m_progress;
    QLabel* m_label;
    QCustomPlot* m_plot;
    JobRunner* m_runner;
    std::shared_ptr<const core::AutofocusResult> m_result;
};

} // namespace phaselab::widgets
