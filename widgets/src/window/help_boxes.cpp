#include "help_boxes.h"

#include <phaselab/core/reconstruction_method.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_form.h>
#include <phaselab/version.h>

#include <QMessageBox>

namespace phaselab::widgets {

void showMethodsHelp(QWidget* parent)
{
    QString methods;
    for (const core::MethodInfo& info : core::MethodRegistry::instance().methods())
        methods += QStringLiteral("<li><b>%1</b>: %2</li>")
                       .arg(MethodForm::displayName(info), MethodForm::description(info));
    auto* box = new QMessageBox(parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(MainWindow::tr("PhaseLab help"));
    box->setTextFormat(Qt::RichText);
    const QString text = MainWindow::tr(
        "<h3>Working with PhaseLab</h3>"
        "<ol><li>Open a hologram (File ▸ Open, drag and drop, or the demo).</li>"
        "<li>Set energy, distance and pixel size; pick the material or type δ/β.</li>"
        "<li>Choose a method and press Run (Ctrl+R); Escape cancels.</li>"
        "<li>Draw a line across an edge for its FWHM, or compare two images by FRC.</li>"
        "<li>Export phase and absorption as calibrated 32-bit TIFF (Ctrl+E).</li></ol>"
        "<h3>Methods</h3><ul>%1</ul>"
        "<h3>Conventions and references</h3>"
        "<p>Object (B, φ) with T = exp(−B − iφ), Fresnel propagator exp(−iπλD|ξ|²); metrics "
        "NMSE, FRC with the 2σ criterion, FRCM, erf edge fit (FWHM = 2.3548 σ).</p>"
        "<p>Deep Gauss–Newton: K. Mom, M. Langer, B. Sixou, Optics Letters 48(5), 1136 (2023). "
        "PhaseGAN: Y. Zhang et al., Optics Express 29(13), 19593 (2021). MS-D Net: D. Pelt, "
        "J. Sethian, PNAS 115(2), 254 (2018). IRGN: S. Maretzke et al., Optics Express 24(6), "
        "6490 (2016). Paganin: D. Paganin et al., J. Microscopy 206, 33 (2002).</p>");
    box->setText(
        text.arg(methods.isEmpty() ? MainWindow::tr("<li>none registered</li>") : methods));
    box->open();
}

void showAboutBox(QWidget* parent)
{
    QMessageBox::about(
        parent, MainWindow::tr("About PhaseLab"),
        MainWindow::tr("<h3>PhaseLab %1</h3><p>X-ray near-field (in-line holography) phase "
                       "retrieval: Fresnel forward model, classical and learned reconstruction, "
                       "resolution metrics.</p>")
            .arg(QStringLiteral(PHASELAB_VERSION)));
}

} // namespace phaselab::widgets
