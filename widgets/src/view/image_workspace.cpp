#include <phaselab/widgets/image_workspace.h>

#include <phaselab/widgets/color_bar.h>

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QStackedWidget>
#include <QTabWidget>
#include <QVBoxLayout>

#include <array>

namespace phaselab::widgets {

namespace {
constexpr std::array<ImageRole, 5> kRoleOrder = {ImageRole::Hologram, ImageRole::Phase,
                                                 ImageRole::Absorption, ImageRole::Residual,
                                                 ImageRole::Reference};
}

QString roleName(ImageRole role)
{
    switch (role) {
    case ImageRole::Hologram: return ImageWorkspace::tr("Hologram");
    case ImageRole::Phase: return ImageWorkspace::tr("Phase");
    case ImageRole::Absorption: return ImageWorkspace::tr("Absorption");
    case ImageRole::Residual: return ImageWorkspace::tr("Residual");
    case ImageRole::Reference: return ImageWorkspace::tr("Reference");
    }
    return {};
}

QString roleId(ImageRole role)
{
    switch (role) {
    case ImageRole::Hologram: return QStringLiteral("hologram");
    case ImageRole::Phase: return QStringLiteral("phase");
    case ImageRole::Absorption: return QStringLiteral("absorption");
    case ImageRole::Residual: return QStringLiteral("residual");
    case ImageRole::Reference: return QStringLiteral("reference");
    }
    return {};
}

DisplayRange DisplaySettings::rangeFor(const core::ImageF& image) const
{
    switch (contrast) {
    case Contrast::MinMax: return minMaxRange(image);
    case Contrast::Symmetric: return symmetricRange(image, highPercent);
    case Contrast::Manual:
        return manual.high > manual.low ? manual : DisplayRange{manual.low, manual.low + 1};
    case Contrast::Percentile: break;
    }
    return percentileRange(image, lowPercent, highPercent);
}

DisplaySettings DisplaySettings::defaultsFor(ImageRole role)
{
    DisplaySettings d;
    switch (role) {
    case ImageRole::Phase:
    case ImageRole::Residual:
        d.map = ColorMap::Diverging;
        d.contrast = Contrast::Symmetric;
        break;
    case ImageRole::Absorption: d.map = ColorMap::Viridis; break;
    case ImageRole::Hologram:
    case ImageRole::Reference: break;
    }
    return d;
}

ImagePanel::ImagePanel(ImageRole role, QWidget* parent)
    : QWidget(parent),
      m_role(role),
      m_title(new QLabel(roleName(role))),
      m_view(new ImageView),
      m_colorBar(new ColorBar),
      m_display(DisplaySettings::defaultsFor(role))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    QFont f = m_title->font();
    f.setBold(true);
    m_title->setFont(f);
    layout->addWidget(m_title);
    auto* row = new QHBoxLayout;
    row->addWidget(m_view, 1);
    row->addWidget(m_colorBar);
    layout->addLayout(row, 1);
    m_view->setColorMap(m_display.map);
    m_colorBar->setColorMap(m_display.map);
}

void ImagePanel::setImage(std::shared_ptr<const core::ImageF> image, const QString& quantity,
                          bool keepView)
{
    const DisplayRange range = m_display.rangeFor(*image);
    m_view->setImage(std::move(image), range, keepView);
    m_colorBar->setRange(range);
    m_colorBar->setLabel(quantity);
}

void ImagePanel::setDisplay(const DisplaySettings& display)
{
    m_display = display;
    m_view->setColorMap(display.map);
    m_colorBar->setColorMap(display.map);
    if (const core::ImageF* img = m_view->image()) {
        const DisplayRange range = display.rangeFor(*img);
        m_view->setDisplayRange(range);
        m_colorBar->setRange(range);
    }
}

ImageWorkspace::ImageWorkspace(QWidget* parent)
    : QWidget(parent),
      m_stack(new QStackedWidget),
      m_tabs(new QTabWidget),
      m_grid(new QWidget),
      m_gridLayout(new QGridLayout(m_grid))
{
    m_gridLayout->setContentsMargins(0, 0, 0, 0);
    m_stack->addWidget(m_tabs);
    m_stack->addWidget(m_grid);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (auto* p = qobject_cast<ImagePanel*>(m_tabs->widget(index)))
            setActiveRole(p->role());
    });
}

ImagePanel* ImageWorkspace::ensurePanel(ImageRole role)
{
    if (ImagePanel* p = m_panels.value(role))
        return p;
    auto* p = new ImagePanel(role);
    p->setObjectName(roleId(role) + QStringLiteral("Panel"));
    m_panels.insert(role, p);
    ImageView* v = p->view();
    v->setPixelSize(m_pixelSizeM);
    v->setTool(m_tool);
    v->setLineWidth(m_lineWidth);
    connect(v, &ImageView::viewChanged, this, [this, v] { synchronise(v); });
    connect(v, &ImageView::cursorMoved, this, [this, role](QPointF pos) {
        emit cursorMoved(role, pos);
    });
    connect(v, &ImageView::cursorLeft, this, &ImageWorkspace::cursorLeft);
    connect(v, &ImageView::lineChanged, this, [this, role](QLineF line) {
        setActiveRole(role);
        emit lineChanged(role, line);
    });
    connect(v, &ImageView::regionChanged, this, [this, role](QRectF region) {
        setActiveRole(role);
        emit regionChanged(role, region);
    });
    arrange();
    return p;
}

void ImageWorkspace::arrange()
{
    // Panels in role order, as tabs or in a two-column grid. Rebuilding the tabs must not make
    // each one current in turn: every change would refresh the display panel's histogram (tens
    // of ms at 1024²), and a new panel arrives with a reconstruction's first preview.
    const QSignalBlocker blocker(m_tabs);
    while (m_tabs->count() > 0)
        m_tabs->removeTab(0);
    int n = 0;
    for (ImageRole role : kRoleOrder) {
        ImagePanel* p = m_panels.value(role);
        if (!p)
            continue;
        if (m_layout == Layout::Tabs) {
            m_tabs->addTab(p, roleName(role));
        } else {
            p->setParent(m_grid);
            m_gridLayout->addWidget(p, n / 2, n % 2);
            p->show();
        }
        ++n;
    }
    m_stack->setCurrentWidget(m_layout == Layout::Tabs ? static_cast<QWidget*>(m_tabs) : m_grid);
    if (m_layout == Layout::Tabs)
        if (ImagePanel* p = m_panels.value(m_active))
            m_tabs->setCurrentWidget(p);
    if (!m_panels.contains(m_active))
        for (ImageRole role : kRoleOrder)
            if (m_panels.contains(role)) {
                setActiveRole(role);  // the first panel becomes the active one
                break;
            }
}

void ImageWorkspace::setImage(ImageRole role, std::shared_ptr<const core::ImageF> image,
                              const QString& quantity)
{
    ImagePanel* p = ensurePanel(role);
    // Keep the zoom of a panel that shows an image of the same size; otherwise match the others.
    const bool keep = p->view()->image() && p->view()->image()->sameShape(*image);
    p->setImage(std::move(image), quantity, keep);
    if (!keep) {
        for (ImagePanel* other : m_panels)
            if (other != p && other->view()->image() &&
                other->view()->image()->sameShape(*p->view()->image())) {
                p->view()->setViewTransform(other->view()->zoom(), other->view()->offset(),
                                            other->view()->isFitted());
                break;
            }
    }
}

void ImageWorkspace::clear(ImageRole role)
{
    if (ImagePanel* p = m_panels.take(role)) {
        p->deleteLater();
        p->setParent(nullptr);
        arrange();
    }
}

void ImageWorkspace::clearAll()
{
    for (ImageRole role : kRoleOrder)
        clear(role);
}

bool ImageWorkspace::has(ImageRole role) const
{
    ImagePanel* p = m_panels.value(role);
    return p && p->view()->image();
}

std::shared_ptr<const core::ImageF> ImageWorkspace::image(ImageRole role) const
{
    ImagePanel* p = m_panels.value(role);
    return p ? p->view()->sharedImage() : nullptr;
}

ImagePanel* ImageWorkspace::panel(ImageRole role) const
{
    return m_panels.value(role);
}

ImageView* ImageWorkspace::view(ImageRole role) const
{
    ImagePanel* p = m_panels.value(role);
    return p ? p->view() : nullptr;
}

void ImageWorkspace::setActiveRole(ImageRole role)
{
    if (!m_panels.contains(role))
        return;
    const bool changed = role != m_active;
    m_active = role;
    if (m_layout == Layout::Tabs && m_tabs->currentWidget() != m_panels.value(role))
        m_tabs->setCurrentWidget(m_panels.value(role));
    if (changed)
        emit activeRoleChanged(role);
}

ImagePanel* ImageWorkspace::activePanel() const
{
    return m_panels.value(m_active);
}

void ImageWorkspace::setLayoutMode(Layout layout)
{
    if (layout == m_layout)
        return;
    m_layout = layout;
    arrange();
}

void ImageWorkspace::setPixelSize(double metres)
{
    m_pixelSizeM = metres;
    for (ImagePanel* p : m_panels)
        p->view()->setPixelSize(metres);
}

void ImageWorkspace::setTool(ImageView::Tool tool)
{
    m_tool = tool;
    for (ImagePanel* p : m_panels)
        p->view()->setTool(tool);
}

void ImageWorkspace::setLineWidth(double pixels)
{
    m_lineWidth = pixels;
    for (ImagePanel* p : m_panels)
        p->view()->setLineWidth(pixels);
}

void ImageWorkspace::setDisplay(ImageRole role, const DisplaySettings& display)
{
    if (ImagePanel* p = m_panels.value(role))
        p->setDisplay(display);
}

void ImageWorkspace::synchronise(ImageView* source)
{
    if (m_syncing || !source->image())
        return;
    m_syncing = true;
    for (ImagePanel* p : m_panels) {
        ImageView* v = p->view();
        if (v != source && v->image() && v->image()->sameShape(*source->image()))
            v->setViewTransform(source->zoom(), source->offset(), source->isFitted());
    }
    m_syncing = false;
}

void ImageWorkspace::fitAll()
{
    for (ImagePanel* p : m_panels)
        p->view()->fitToWindow();
}

void ImageWorkspace::zoomInActive()
{
    if (ImagePanel* p = activePanel())
        p->view()->zoomIn();
}

void ImageWorkspace::zoomOutActive()
{
    if (ImagePanel* p = activePanel())
        p->view()->zoomOut();
}

void ImageWorkspace::actualSizeActive()
{
    if (ImagePanel* p = activePanel())
        p->view()->zoomActualSize();
}

} // namespace phaselab::widgets
