#pragma once
// The window's export part: result TIFFs through core::writeResult, the active view as PNG, the
// open plot; each with its file dialog.

#include <phaselab/core/reconstruction_pipeline.h>

#include <QString>

namespace phaselab::widgets {

class ImageWorkspace;
class MainWindow;

/// Writes PREFIX_phase.tif and PREFIX_absorption.tif; throws core::InputError when `outcome` is
/// null or the files cannot be written.
core::ResultPaths writeResultFiles(const core::ReconstructionOutcome* outcome, const QString& prefix);
/// Saves the active image as displayed (colour map, contrast) to a PNG, atomically.
void writeViewPng(const ImageWorkspace& workspace, const QString& path);

/// File ▸ Export: asks for a file and writes it, reporting in the window's log or an error box.
void chooseResultExport(MainWindow& window);
void chooseViewExport(MainWindow& window);
void choosePlotExport(MainWindow& window);

} // namespace phaselab::widgets
