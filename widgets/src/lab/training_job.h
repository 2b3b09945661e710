#pragma once
// The work of one training run of the training panel, on the worker thread: models::train()
// with live figures, each finished epoch, and the reconstruction of a fixed validation sample by
// the epoch's weights handed to callbacks; "stop at end of epoch" through a flag. Qt-free.

#include <phaselab/core/image.h>
#include <phaselab/core/progress.h>
#include <phaselab/models/learned.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace phaselab::widgets {

struct TrainingOutcome;

/// What a run reports while it goes; each callback is called on the worker thread.
struct TrainingCallbacks {
    /// Live figures, at most every 100 ms.
    std::function<void(const models::TrainProgress&)> live;
    /// A finished epoch (its checkpoint written) and the batches per epoch.
    std::function<void(const models::EpochRecord&, int batches)> epoch;
    /// The phase of validation sample 0 by the weights of the epoch just finished, and its truth.
    std::function<void(std::shared_ptr<const core::ImageF>, std::shared_ptr<const core::ImageF>)>
        sample;
};

/// The checkpoint train() writes for `options`.
std::string checkpointPath(const models::TrainOptions& options);

/// Runs models::train(options) reporting to `progress` (which throws core::Cancelled on cancel,
/// ending the run at its next batch with the last epoch's checkpoint kept). When
/// `stopAtEpochEnd` is set, the run ends after the current epoch and the model file of its best
/// epoch is written from the checkpoint.
TrainingOutcome runTraining(const models::TrainOptions& options,
                            const core::ProgressReporter& progress,
                            const std::atomic<bool>& stopAtEpochEnd,
                            const TrainingCallbacks& callbacks);

} // namespace phaselab::widgets
