#pragma once

#include <QPointer>
#include <QWidget>

#include <atomic>
#include <memory>

#include <phaselab/core/image.h>
#include <phaselab/models/learned.h>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;

namespace phaselab::widgets {

class ImageView;
class JobRunner;
class LossPlot;
class NumberEdit;
class TrainForm;

/// What a training run in the panel ended with.
struct TrainingOutcome {
    std::vector<models::EpochRecord> history;
    std::string modelPath, checkpointPath;
    std::string device;
    /// True when "Stop at end of epoch" ended it: the model file holds the best epoch so far.
    bool stoppedAtEpochEnd = false;
};

/// Trains a learned method in the background through models::train(): its settings (method,
/// epochs, batch, learning rate, schedule, the method's options, device, with the GPU named when
/// there is one), Start, Stop at end of epoch, Stop now, Resume from a checkpoint; live loss
/// curves (LossPlot), samples/s and ETA, the reconstruction of a fixed validation sample beside
/// its truth after every epoch, and the run's log. One training at a time in the process: a
/// second Start, in this panel or another, is refused with the reason.
class TrainingPanel : public QWidget {
    Q_OBJECT

public:
    explicit TrainingPanel(QWidget* parent = nullptr);
    /// Stops a running training (keeping its checkpoint) and waits for its thread.
    ~TrainingPanel() override;

    /// Fills the settings from `options` (method, data, output, epochs, …).
    void setOptions(const models::TrainOptions& options);
    /// The settings as train() takes them (resume path empty).
    [[nodiscard]] models::TrainOptions options() const;
    void setDataPath(const QString& path);
    void setOutputPath(const QString& path);

    /// Starts training with the settings; returns false and says why (refusalReason(), the log,
    /// failed()) when another training runs or a setting is missing.
    bool start();
    /// Resumes the run saved in `checkpoint` (epochs: the settings' when larger than the
    /// checkpoint's done epochs); the curves continue its history.
    bool resume(const QString& checkpoint);
    /// Ends the run after the current epoch's checkpoint, writing the model of the best epoch.
    void stopAtEpochEnd();
    /// Ends the run at the next batch; the checkpoint of the last finished epoch stays.
    void stopNow();

    [[nodiscard]] bool isRunning() const;
    /// True while any TrainingPanel of the process is training.
    static bool anyRunning();
    [[nodiscard]] QString refusalReason() const { return m_refusal; }
    /// The checkpoint the last run wrote (what Resume offers).
    [[nodiscard]] QString lastCheckpoint() const { return m_lastCheckpoint; }
    [[nodiscard]] LossPlot* lossPlot() const noexcept { return m_plot; }
    [[nodiscard]] QString logText() const;
    [[nodiscard]] QPushButton* startButton() const noexcept { return m_start; }
    [[nodiscard]] QPushButton* stopAtEpochButton() const noexcept { return m_stopEpoch; }
    [[nodiscard]] QPushButton* stopNowButton() const noexcept { return m_stopNow; }
    [[nodiscard]] ImageView* sampleView() const noexcept { return m_sampleView; }
    [[nodiscard]] QString speedText() const;

    /// The live figures of a running training, for the worker's queued calls.
    struct Live;

signals:
    void started();
    /// An epoch finished (its checkpoint written); `epoch` is 1-based.
    void epochFinished(int epoch);
    /// The validation sample's reconstruction after an epoch is shown.
    void sampleShown();
    void finished(const QString& modelPath);
    /// Stopped by Stop now (or closing the window): `checkpoint` keeps the last finished epoch.
    void stopped(const QString& checkpoint);
    void failed(const QString& message);

private:
    bool launch(models::TrainOptions options);
    void showLive(const Live& live);
    void showEpoch(const models::EpochRecord& record, int batches);
    void showSample(std::shared_ptr<const core::ImageF> reconstruction,
                    std::shared_ptr<const core::ImageF> truth);
    void onFinished(const std::shared_ptr<const TrainingOutcome>& outcome);
    void onEnded();
    void chooseData();
    void chooseOutput();
    void chooseResume();
    void showMethodForm();
    void updateButtons();
    void log(const QString& line);

    QComboBox* m_method;
    QStackedWidget* m_forms;
    QLabel* m_paramCount;
    QLineEdit* m_data;
    QLineEdit* m_output;
    QSpinBox* m_epochs;
    QSpinBox* m_batch;
    NumberEdit* m_lr;
    QComboBox* m_schedule;
    QComboBox* m_device;
    QLabel* m_gpu;
    QPushButton* m_start;
    QPushButton* m_stopEpoch;
    QPushButton* m_stopNow;
    QPushButton* m_resume;
    QProgressBar* m_progress;
    QLabel* m_speed;
    QLabel* m_eta;
    LossPlot* m_plot;
    ImageView* m_sampleView;
    ImageView* m_truthView;
    QPlainTextEdit* m_log;
    JobRunner* m_runner;
    std::shared_ptr<std::atomic<bool>> m_stopAtEpoch;
    QString m_refusal;
    QString m_lastCheckpoint;
    int m_batches = 0;
};

} // namespace phaselab::widgets
