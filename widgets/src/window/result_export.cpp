#include "result_export.h"

#include <phaselab/core/atomic_file.h>
#include <phaselab/core/error.h>
#include <phaselab/widgets/image_workspace.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/resolution_panel.h>

#include <QFile>
#include <QFileDialog>

#include <exception>

namespace phaselab::widgets {

core::ResultPaths writeResultFiles(const core::ReconstructionOutcome* outcome, const QString& prefix)
{
    if (!outcome)
        throw core::InputError(MainWindow::tr("There is no reconstruction to export yet").toStdString());
    return core::writeResult(QFile::encodeName(prefix).toStdString(), *outcome);
}

void writeViewPng(const ImageWorkspace& workspace, const QString& path)
{
    ImagePanel* p = workspace.activePanel();
    if (!p || !p->view()->image())
        throw core::InputError(MainWindow::tr("There is no image to export").toStdString());
    const std::string file = QFile::encodeName(path).toStdString();
    core::AtomicFile out(file);
    // QImage picks the format from the suffix; the temporary name has none.
    if (!p->view()->renderedImage().save(QFile::decodeName(out.tempPath().c_str()), "PNG"))
        throw core::InputError(file + ": cannot write the PNG");
    out.commit();
}

namespace {

/// Asks for a file name, then runs `write` on it; failures go to an error box.
template <typename Write>
void askAndWrite(MainWindow& w, const QString& title, const QString& suggestion,
                 const QString& filter, Write write)
{
    const QString path = QFileDialog::getSaveFileName(&w, title, suggestion, filter);
    if (path.isEmpty())
        return;
    try {
        write(path);
    } catch (const std::exception& e) {
        w.showError(MainWindow::tr("Cannot export"), QString::fromStdString(e.what()));
    }
}

} // namespace

void chooseResultExport(MainWindow& w)
{
    askAndWrite(w, MainWindow::tr("Export phase and absorption (prefix)"),
                w.lastFolder() + QStringLiteral("/reconstruction"),
                MainWindow::tr("Prefix of the TIFF files (*)"), [&w](const QString& prefix) {
                    const core::ResultPaths paths = writeResultFiles(w.result().get(), prefix);
                    w.log(MainWindow::tr("Exported %1 and %2")
                              .arg(QFile::decodeName(paths.phase.c_str()),
                                   QFile::decodeName(paths.absorption.c_str())));
                });
}

void chooseViewExport(MainWindow& w)
{
    askAndWrite(w, MainWindow::tr("Export view"), w.lastFolder(), MainWindow::tr("PNG image (*.png)"),
                [&w](const QString& path) {
                    writeViewPng(*w.workspace(), path);
                    w.log(MainWindow::tr("Exported %1").arg(path));
                });
}

void choosePlotExport(MainWindow& w)
{
    askAndWrite(w, MainWindow::tr("Export plot"), w.lastFolder(),
                MainWindow::tr("PNG image (*.png);;PDF document (*.pdf);;CSV table (*.csv)"),
                [&w](const QString& path) {
                    w.resolutionPanel()->exportCurrent(path);
                    w.log(MainWindow::tr("Exported %1").arg(path));
                });
}

} // namespace phaselab::widgets
