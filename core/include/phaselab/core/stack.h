#pragma once
// Stack reconstruction: every frame (or a range of frames) of a multi-page TIFF, a 3D HDF5
// dataset or an NXtomo scan reconstructed as core::reconstruct() does one frame, streamed:
// a reader thread, compute workers and the calling thread as writer, joined by bounded queues,
// so memory stays a few frames' worth whatever the stack size. The output is an HDF5 file
// (resumable) or a multi-page TIFF pair; frames can be split across the ranks of a RankGroup.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <phaselab/core/progress.h>
#include <phaselab/core/rank_group.h>
#include <phaselab/core/reconstruction_method.h>
#include <phaselab/core/reconstruction_request.h>

namespace phaselab::core {

/// Frames start:stop:step of a stack, Python-like: half-open, stop omitted = to the end.
struct FrameRange {
    int start = 0;
    int stop = -1;  ///< exclusive; −1: the frame count
    int step = 1;   ///< ≥ 1

    /// Parses "all", "A:B", "A:" or "A:B:STEP" (A, B ≥ 0 integers, STEP ≥ 1; "A:B:" and ":B"
    /// also work, an empty field taking its default). Throws InputError quoting the text.
    static FrameRange parse(const std::string& text);
    /// The frame indices for a stack of `frameCount` frames. Throws InputError when the range
    /// names a frame that does not exist or selects none.
    [[nodiscard]] std::vector<int> indices(int frameCount) const;
    /// "all", "A:B", "A:" or "A:B:STEP" (parse() reads it back).
    [[nodiscard]] std::string toString() const;
};

/// What to reconstruct and where to write it.
struct StackJob {
    /// The reconstruction of every frame: input (the stack file, flat/dark, normalisation; its
    /// .frame is replaced by each frame index), physics, method and options.
    ReconstructionRequest request;
    FrameRange frames;
    /// `.h5`/`.hdf5`: one HDF5 file (resumable); anything else is a prefix: PREFIX_phase.tif
    /// and PREFIX_absorption.tif (multi-page, BigTIFF above 4 GB; not resumable).
    std::string output;
    /// HDF5: continue stackPartPath(output) when it exists (it must hold the same request and
    /// frames, else InputError), computing only the frames not yet done. False: start afresh.
    bool resume = false;
    /// Compute workers on this process; 0: automatic (see reconstructStack()).
    int workers = 0;
};

/// What a stack reconstruction did.
struct StackSummary {
    std::string method;     ///< the method id
    int frames = 0;         ///< frames in the range
    int computed = 0;       ///< frames computed in this run (all ranks)
    int skipped = 0;        ///< frames already done in the resumed .part file
    double seconds = 0;     ///< wall time of this run
    double framesPerSecond = 0;  ///< computed / seconds
    int width = 0, height = 0;
    int workers = 0;        ///< compute workers per process
    int threadsPerFrame = 0;  ///< FFT / OpenMP threads of each frame's computation
    /// "frame-parallel" (several workers, one thread each) or "fft-parallel" (one worker, all threads).
    std::string mode;
    /// How the mode was chosen: "measured" (both timed on the first frame, the faster taken),
    /// "rule" (too few frames to pay for a measurement, or several ranks), "given" (workers set,
    /// or a learned method: one worker), or "resumed" (the threads per frame of the .part file).
    std::string modeChoice;
    /// With modeChoice "measured": frames per second of each mode on the first frame.
    double fftParallelFps = 0, frameParallelFps = 0;
    int ranks = 1;
    std::vector<std::string> outputs;  ///< the file(s) written
    std::vector<std::string> warnings; ///< of the first frame's outcome
    /// The command line's --json object: method, frames, computed, skipped, seconds, frames_per_second,
    /// shape, workers, threads_per_frame, mode, mode_choice, ranks, outputs, warnings, and
    /// measured_frames_per_second {fft_parallel, frame_parallel} when the mode was measured.
    [[nodiscard]] nlohmann::json report() const;
};

/// The temporary sibling an HDF5 stack is written to before it is renamed to `output`:
/// `output` + ".part".
std::string stackPartPath(const std::string& output);

/// True when `output` names an HDF5 stack (ends in .h5 or .hdf5, any case).
bool isHdf5StackOutput(const std::string& output);

/// Reconstructs the frames of `job` and writes them, streaming.
///
/// Each frame is loaded as loadHologram() would load it (flats and darks averaged once, see
/// HologramReader), reconstructed by reconstruct() on a method from `makeMethod` (one per
/// worker, all made on the calling thread), and written in frame order; the result of every frame
/// is bit-for-bit what reconstruct() gives for that frame run with threadsPerFrame threads
/// (ThreadCountScope). Memory: about 3 frames per worker plus the workers' own buffers.
///
/// Workers (job.workers = 0): learned methods, and stacks of one frame, run one worker with all
/// threadCount() threads ("fft-parallel"). For classical methods on a single process with at
/// least 8 frames per thread, both modes are measured on the first frame before the run
/// (each run once to plan and warm up, then timed: one frame with all threads against
/// threadCount() frames at once, one thread each; results discarded), and the faster is taken,
/// frame-parallel only when it is at least 10 % faster since it holds one method's buffers per
/// worker (≈ 90 MB each for CTF at 1024²). Otherwise the rule: min(threadCount(), frames)
/// workers, each with threadCount() / workers threads ("frame-parallel" with enough frames).
/// Frames need no synchronisation, so frame-parallel avoids the FFT and OpenMP threads'
/// scaling loss and barrier waits: on the shared 2-core test machine it ran CTF at 23 against
/// 6 frames/s at 512² and 70–99 against 7–8 at 256², and the same ≈ 5 frames/s at 1024²
/// (docs/benchmarks.md). Given
/// workers W > 1, each gets threadCount() / W threads. A resumed file keeps the threads per
/// frame it was started with, so the resumed frames are computed the same way as the others.
///
/// HDF5 output: datasets `phase` (rad) and `absorption` float32 [n, H, W] (one chunk per
/// frame), `frames` int32 [n] (source frame indices), `done` uint8 [n]; root attributes
/// `software`, `pixel_size_m`, `parameters` (the first frame's ReconstructionOutcome::metadata()
/// as JSON) and each of its scalars by JSON path ("geometry.energy_keV"), `request` (the
/// completed request as JSON, for resume), `frame_range`, `threads_per_frame`. Written to
/// stackPartPath(output), flushed after every frame (a cancel or a failed frame leaves a valid
/// file whose `done` says what is in it; after a crash the last flushed state is usually
/// readable, but HDF5 1.10 has no journal) and renamed to `output` when complete. With resume
/// and no .part, the stack is started afresh.
///
/// Ranks: with a group of size S > 1, the frames still to do are dealt round by round: in round
/// k, rank r computes the (k·S + r)-th of them; every rank gathers [phase, absorption] of its
/// frame (zeros when it has none in the last round) to rank 0, which alone touches the output.
/// Rank 0 broadcasts the done mask and threads per frame first, and a cancel or failure on any
/// rank stops all of them at the next round (RankGroup::any). Each frame's computation does
/// not depend on S (same threads per frame on every rank, Estimate FFT planning unless the
/// method plans with Measure itself, as IRGN does), so the output is bit-for-bit the 1-rank
/// output when every rank runs on the same kind of machine with the same thread count.
///
/// Progress: fraction of frames written, label "frame k/n, F frames/s, ETA T s". Throws
/// InputError (bad input, range, output, mismatched resume; the .part is kept), Cancelled (the
/// HDF5 .part is kept, valid and resumable; TIFF temporaries are removed), RankGroupError.
StackSummary reconstructStack(const StackJob& job,
                              const std::function<std::unique_ptr<ReconstructionMethod>()>& makeMethod,
                              const ProgressReporter& progress = {nullptr, nullptr},
                              RankGroup* group = nullptr);

} // namespace phaselab::core
