#pragma once
// The window's session part: a session is core::sessionJson() of the request that made the
// result (or of the current request), plus the view state under "gui", and the result's TIFFs
// next to it; `phaselab-cli reconstruct --session FILE` replays it.

#include <QString>

namespace phaselab::widgets {

class MainWindow;

/// Writes the session file `path` and, when there is a result, PATH_phase.tif and
/// PATH_absorption.tif (PATH without ".json"). Throws core::InputError.
void saveSession(const MainWindow& window, const QString& path);
/// Reads `path` (throws core::InputError before changing anything when it or its result files
/// cannot be read), restores the parameters, method, options and view, and loads the input; once
/// it has loaded, restores the request's physics and shows the result (sessionLoaded()).
void loadSession(MainWindow& window, const QString& path);

/// File ▸ Save session / Load session with their file dialogs.
void chooseSessionSave(MainWindow& window);
void chooseSessionLoad(MainWindow& window);

} // namespace phaselab::widgets
