#pragma once

#include <QColor>
#include <QString>
#include <QVector>
#include <QtGui/qrgb.h>

#include <array>

namespace phaselab::widgets {

/// Colour maps for images: grey for holograms, viridis (perceptually uniform) for magnitudes, a
/// blue–white–red diverging map for signed quantities such as phase.
enum class ColorMap { Grey, Viridis, Diverging };

/// 256-entry lookup table of a map (index 0 = low end of the display range).
const QVector<QRgb>& colorTable(ColorMap map);

/// Colour at t ∈ [0, 1].
QColor colorAt(ColorMap map, double t);

/// Stable identifiers for settings and session files ("grey", "viridis", "diverging").
QString colorMapId(ColorMap map);
ColorMap colorMapFromId(const QString& id, ColorMap fallback = ColorMap::Grey);

/// Translated names for menus.
QString colorMapName(ColorMap map);

inline constexpr std::array<ColorMap, 3> kAllColorMaps = {ColorMap::Grey, ColorMap::Viridis,
                                                          ColorMap::Diverging};

} // namespace phaselab::widgets
