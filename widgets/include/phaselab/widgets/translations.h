#pragma once

#include <QString>

class QCoreApplication;

namespace phaselab::widgets {

/// Installs PhaseLab's translation for `language` ("fr", "fr_FR", …; empty = the system locale)
/// and Qt's own when present. Returns true when a PhaseLab translation was loaded; English needs
/// none and returns false.
bool installTranslations(QCoreApplication& app, const QString& language = {});

} // namespace phaselab::widgets
