#include "training_job.h"

#include "../jobs/reporter_sink.h"

#include <phaselab/core/dataset.h>
#include <phaselab/models/library.h>
#include <phaselab/widgets/training_panel.h>

#include <chrono>
#include <filesystem>
#include <random>

namespace phaselab::widgets {

namespace {

// A scratch file for the preview model, removed with the object.
class ScratchFile {
public:
    ScratchFile()
    {
        std::random_device rd;
        m_path = (std::filesystem::temp_directory_path() /
                  ("phaselab-preview-" + std::to_string(rd()) + ".pt"))
                     .string();
    }
    ~ScratchFile()
    {
        std::error_code ec;
        std::filesystem::remove(m_path, ec);
    }
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;
    [[nodiscard]] const std::string& path() const noexcept { return m_path; }

private:
    std::string m_path;
};

} // namespace

std::string checkpointPath(const models::TrainOptions& o)
{
    return o.checkpointPath.empty() ? o.outPath + ".ckpt" : o.checkpointPath;
}

TrainingOutcome runTraining(const models::TrainOptions& o, const core::ProgressReporter& progress,
                            const std::atomic<bool>& stopAtEpochEnd,
                            const TrainingCallbacks& callbacks)
{
    // The fixed validation sample: the first of the `val` split.
    const std::string data = o.dataPath.empty() && !o.resumePath.empty()
                                 ? models::checkpointSummary(o.resumePath).dataPath
                                 : o.dataPath;
    core::ImageF hologram;
    auto truth = std::make_shared<core::ImageF>();
    {
        const core::DatasetReader reader(data);
        if (reader.hasSplit("val") && reader.count("val") > 0) {
            hologram = reader.readImage("val", "hologram", 0);
            *truth = reader.readImage("val", "phase", 0);
        }
    }
    const ScratchFile previewModel;
    const std::string ckpt = checkpointPath(o);
    auto lastLive = std::chrono::steady_clock::time_point{};
    bool stoppedAtEpochEnd = false;
    auto observer = [&](const models::TrainProgress& p) {
        if (p.epochFinished) {
            if (callbacks.epoch)
                callbacks.epoch(p.finished, p.batches);
            if (!hologram.empty() && callbacks.sample) {
                models::modelFromCheckpoint(ckpt, previewModel.path());
                callbacks.sample(std::make_shared<const core::ImageF>(
                                     models::LearnedModel::load(previewModel.path(), "cpu")
                                         .reconstruct(hologram)
                                         .phase),
                                 truth);
            }
            if (stopAtEpochEnd.load()) {
                stoppedAtEpochEnd = true;
                throw core::Cancelled();
            }
            return;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now - lastLive > std::chrono::milliseconds(100) && callbacks.live) {
            lastLive = now;
            callbacks.live(p);
        }
    };
    ReporterSink sink(progress);
    TrainingOutcome out;
    out.checkpointPath = ckpt;
    out.modelPath = o.outPath;
    try {
        const models::TrainResult r = models::train(o, &sink, nullptr, observer);
        out.history = r.history;
        out.device = r.device;
    } catch (const core::Cancelled&) {
        if (!stoppedAtEpochEnd)
            throw;
        models::modelFromCheckpoint(ckpt, o.outPath, true);
        out.stoppedAtEpochEnd = true;
        out.history = models::checkpointSummary(ckpt).history;
    }
    return out;
}

} // namespace phaselab::widgets
