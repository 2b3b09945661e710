#pragma once

#include <memory>

#include <phaselab/widgets/reconstruction_method.h>

namespace phaselab::widgets {

/// Deep Gauss–Newton (physics.md §5, seed paper 000) applied with a trained model file: the file's
/// architecture and training physics are shown, a warning appears when the window's physics
/// differs, and the network's Fresnel operator uses the window's geometry.
std::unique_ptr<ReconstructionMethod> makeDgnMethod();
/// MS-D Net (Pelt & Sethian 2018) applied with a trained model file; physics-free, so the
/// training physics must match the data (warned when it does not).
std::unique_ptr<ReconstructionMethod> makeMsdMethod();

} // namespace phaselab::widgets
