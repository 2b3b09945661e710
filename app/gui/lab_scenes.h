#pragma once
// The lab's screenshot scenes (--view training | compare) on the demo hologram.

#include <QString>

#include <functional>

class QWidget;

namespace phaselab::widgets {
class MainWindow;
}

/// True when `view` is a lab scene.
bool isLabScene(const QString& view);

/// Stages a lab scene and calls `save` with the widget to grab once it is ready:
/// "training": a small DGN-protocol set at the demo geometry is generated from the data panel,
/// then DGN trains on it; the lab window is grabbed mid-run, after its third epoch.
/// "compare": CTF, Paganin and IRGN on the demo hologram with the Table-2 metrics against the
/// demo's truth and the FRC overlay.
void stageLabScene(phaselab::widgets::MainWindow& window, const QString& view,
                   std::function<void(QWidget*)> save);
