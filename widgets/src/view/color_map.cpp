#include <phaselab/widgets/color_map.h>

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <vector>

namespace phaselab::widgets {

namespace {

struct Anchor {
    double t;
    int r, g, b;
};

// Viridis sampled at nine evenly spaced points (matplotlib's published values), interpolated
// linearly in between; RdBu-style diverging map through a near-white centre.
const std::vector<Anchor>& anchors(ColorMap map)
{
    static const std::vector<Anchor> grey = {{0, 0, 0, 0}, {1, 255, 255, 255}};
    static const std::vector<Anchor> viridis = {
        {0.000, 0x44, 0x01, 0x54}, {0.125, 0x48, 0x28, 0x78}, {0.250, 0x3e, 0x49, 0x89},
        {0.375, 0x31, 0x68, 0x8e}, {0.500, 0x26, 0x82, 0x8e}, {0.625, 0x1f, 0x9e, 0x89},
        {0.750, 0x35, 0xb7, 0x79}, {0.875, 0x6e, 0xce, 0x58}, {1.000, 0xfd, 0xe7, 0x25}};
    static const std::vector<Anchor> diverging = {
        {0.00, 0x05, 0x30, 0x61}, {0.25, 0x43, 0x93, 0xc3}, {0.50, 0xf7, 0xf7, 0xf7},
        {0.75, 0xd6, 0x60, 0x4d}, {1.00, 0x67, 0x00, 0x1f}};
    switch (map) {
    case ColorMap::Viridis: return viridis;
    case ColorMap::Diverging: return diverging;
    case ColorMap::Grey: break;
    }
    return grey;
}

QVector<QRgb> buildTable(ColorMap map)
{
    QVector<QRgb> table(256);
    for (int i = 0; i < 256; ++i)
        table[i] = colorAt(map, i / 255.0).rgb();
    return table;
}

} // namespace

QColor colorAt(ColorMap map, double t)
{
    const auto& a = anchors(map);
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
    std::size_t k = 1;
    while (k + 1 < a.size() && a[k].t < t)
        ++k;
    const Anchor& lo = a[k - 1];
    const Anchor& hi = a[k];
    const double u = (t - lo.t) / (hi.t - lo.t);
    auto mix = [u](int x, int y) { return int(std::lround(x + u * (y - x))); };
    return QColor(mix(lo.r, hi.r), mix(lo.g, hi.g), mix(lo.b, hi.b));
}

const QVector<QRgb>& colorTable(ColorMap map)
{
    static const QVector<QRgb> grey = buildTable(ColorMap::Grey);
    static const QVector<QRgb> viridis = buildTable(ColorMap::Viridis);
    static const QVector<QRgb> diverging = buildTable(ColorMap::Diverging);
    switch (map) {
    case ColorMap::Viridis: return viridis;
    case ColorMap::Diverging: return diverging;
    case ColorMap::Grey: break;
    }
    return grey;
}

QString colorMapId(ColorMap map)
{
    switch (map) {
    case ColorMap::Viridis: return QStringLiteral("viridis");
    case ColorMap::Diverging: return QStringLiteral("diverging");
    case ColorMap::Grey: break;
    }
    return QStringLiteral("grey");
}

ColorMap colorMapFromId(const QString& id, ColorMap fallback)
{
    for (ColorMap m : kAllColorMaps)
        if (colorMapId(m) == id)
            return m;
    return fallback;
}

QString colorMapName(ColorMap map)
{
    switch (map) {
    case ColorMap::Viridis: return QCoreApplication::translate("ColorMap", "Viridis");
    case ColorMap::Diverging: return QCoreApplication::translate("ColorMap", "Diverging (blue–red)");
    case ColorMap::Grey: break;
    }
    return QCoreApplication::translate("ColorMap", "Grey");
}

} // namespace phaselab::widgets
