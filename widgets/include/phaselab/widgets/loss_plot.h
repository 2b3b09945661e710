#pragma once

#include <QWidget>

#include <vector>

#include <phaselab/models/learned.h>

class QCustomPlot;
class QComboBox;
class QCheckBox;

namespace phaselab::widgets {

/// Training and validation loss curves of a training run, on a log scale, against the epoch or
/// the iteration (batch). Epoch records come from the run's history (resumed runs show their
/// earlier epochs); iteration points are the running mean training loss reported live.
class LossPlot : public QWidget {
    Q_OBJECT

public:
    enum class Axis { Epoch, Iteration };

    explicit LossPlot(QWidget* parent = nullptr);

    /// Forgets every point.
    void clear();
    /// Validation loss of the untrained network, drawn at epoch 0.
    void setInitialValidation(double loss);
    /// A finished epoch (replaces an earlier record of the same epoch).
    void addEpoch(const models::EpochRecord& record, int batchesPerEpoch);
    /// The running mean training loss after batch `batch` of `batches` of epoch `epoch`
    /// (1-based).
    void addIteration(int epoch, int batch, int batches, double loss);
    void setAxis(Axis axis);
    [[nodiscard]] Axis axis() const noexcept { return m_axis; }
    void setLogScale(bool log);

    /// Points drawn now in the training and the validation curve.
    [[nodiscard]] int trainPoints() const;
    [[nodiscard]] int validationPoints() const;
    /// The epoch records shown, in epoch order.
    [[nodiscard]] const std::vector<models::EpochRecord>& epochs() const noexcept
    {
        return m_epochs;
    }
    [[nodiscard]] QCustomPlot* plot() const noexcept { return m_plot; }

private:
    void redraw();

    struct IterationPoint {
        double iteration, loss;
    };
    QCustomPlot* m_plot;
    QComboBox* m_axisBox;
    QCheckBox* m_logBox;
    Axis m_axis = Axis::Epoch;
    std::vector<models::EpochRecord> m_epochs;
    std::vector<IterationPoint> m_iterations;
    int m_batchesPerEpoch = 0;
    double m_initialVal = -1;
};

} // namespace phaselab::widgets
