#pragma once

#include <QMap>
#include <QWidget>

#include <memory>

#include <phaselab/core/image.h>
#include <phaselab/widgets/image_view.h>

class QLabel;
class QStackedWidget;
class QTabWidget;
class QGridLayout;

namespace phaselab::widgets {

class ColorBar;

/// What an image in the workspace is.
enum class ImageRole { Hologram, Phase, Absorption, Residual, Reference };

QString roleName(ImageRole role);   ///< translated, for tabs and titles
QString roleId(ImageRole role);     ///< stable, for settings and session files

/// How an image's grey levels are chosen.
struct DisplaySettings {
    enum class Contrast { Percentile, MinMax, Symmetric, Manual };
    ColorMap map = ColorMap::Grey;
    Contrast contrast = Contrast::Percentile;
    double lowPercent = 0.5;
    double highPercent = 99.5;
    DisplayRange manual;

    /// The display range these settings give for `image`.
    [[nodiscard]] DisplayRange rangeFor(const core::ImageF& image) const;
    /// Defaults per role: grey for holograms, diverging and symmetric for phase and residual,
    /// viridis for absorption.
    static DisplaySettings defaultsFor(ImageRole role);
};

/// One image with its title, view and colour bar.
class ImagePanel : public QWidget {
    Q_OBJECT

public:
    ImagePanel(ImageRole role, QWidget* parent = nullptr);
    [[nodiscard]] ImageRole role() const noexcept { return m_role; }
    [[nodiscard]] ImageView* view() const noexcept { return m_view; }
    [[nodiscard]] ColorBar* colorBar() const noexcept { return m_colorBar; }
    [[nodiscard]] const DisplaySettings& display() const noexcept { return m_display; }
    /// Shows an image; `quantity` labels the colour bar ("phase [rad]").
    void setImage(std::shared_ptr<const core::ImageF> image, const QString& quantity,
                  bool keepView);
    void setDisplay(const DisplaySettings& display);

private:
    ImageRole m_role;
    QLabel* m_title;
    ImageView* m_view;
    ColorBar* m_colorBar;
    DisplaySettings m_display;
};

/// The central area: hologram, phase, absorption, residual and a reference image as tabs or side
/// by side, with zoom and pan synchronised between images of the same size and the same tool
/// (pan, line, region) in all of them.
class ImageWorkspace : public QWidget {
    Q_OBJECT

public:
    enum class Layout { Tabs, SideBySide };

    explicit ImageWorkspace(QWidget* parent = nullptr);

    /// Shows `image` in the panel of `role` (created on first use).
    void setImage(ImageRole role, std::shared_ptr<const core::ImageF> image,
                  const QString& quantity);
    void clear(ImageRole role);
    void clearAll();
    [[nodiscard]] bool has(ImageRole role) const;
    [[nodiscard]] std::shared_ptr<const core::ImageF> image(ImageRole role) const;
    /// The panel of a role that has an image, or null.
    [[nodiscard]] ImagePanel* panel(ImageRole role) const;
    [[nodiscard]] ImageView* view(ImageRole role) const;

    [[nodiscard]] ImageRole activeRole() const noexcept { return m_active; }
    void setActiveRole(ImageRole role);
    [[nodiscard]] ImagePanel* activePanel() const;

    void setLayoutMode(Layout layout);
    [[nodiscard]] Layout layoutMode() const noexcept { return m_layout; }

    void setPixelSize(double metres);
    void setTool(ImageView::Tool tool);
    void setLineWidth(double pixels);
    void setDisplay(ImageRole role, const DisplaySettings& display);

public slots:
    void fitAll();
    void zoomInActive();
    void zoomOutActive();
    void actualSizeActive();

signals:
    void activeRoleChanged(phaselab::widgets::ImageRole role);
    void cursorMoved(phaselab::widgets::ImageRole role, QPointF imagePos);
    void cursorLeft();
    void lineChanged(phaselab::widgets::ImageRole role, QLineF line);
    void regionChanged(phaselab::widgets::ImageRole role, QRectF region);

private:
    ImagePanel* ensurePanel(ImageRole role);
    void arrange();
    void synchronise(ImageView* source);

    QMap<ImageRole, ImagePanel*> m_panels;
    QStackedWidget* m_stack;
    QTabWidget* m_tabs;
    QWidget* m_grid;
    QGridLayout* m_gridLayout;
    Layout m_layout = Layout::Tabs;
    ImageRole m_active = ImageRole::Hologram;
    double m_pixelSizeM = 0;
    ImageView::Tool m_tool = ImageView::Tool::Pan;
    double m_lineWidth = 1;
    bool m_syncing = false;
};

} // namespace phaselab::widgets
