#include "session_io.h"

#include <phaselab/core/error.h>
#include <phaselab/widgets/main_window.h>
#include <phaselab/widgets/method_form.h>
#include <phaselab/widgets/method_panel.h>
#include <phaselab/widgets/parameter_panel.h>

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>

#include <exception>
#include <fstream>

namespace phaselab::widgets {

namespace {

constexpr const char* kGuiKey = "gui";

std::string localPath(const QString& path)
{
    return QFile::encodeName(path).toStdString();
}

QString stemOf(QString path)
{
    if (path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive))
        path.chop(5);
    return path;
}

/// Sets the parameter panel to the request's physics. The material (from the view state) stays
/// when it gives the request's β/δ; otherwise the request's δ/β is typed in.
void applyPhysics(ParameterPanel& p, const core::ReconstructionRequest& r)
{
    if (r.geometry)
        p.setGeometry(*r.geometry);
    p.setPadding(r.propagation.padding, r.propagation.padFactor);
    p.setPhaseSign(r.propagation.phaseSign);
    if (p.betaOverDelta() != r.betaOverDelta)
        p.setDeltaOverBeta(r.betaOverDelta > 0 ? 1.0 / r.betaOverDelta : 0.0);
}

} // namespace

void saveSession(const MainWindow& w, const QString& path)
{
    if (!w.current())
        throw core::InputError(MainWindow::tr("There is nothing to save yet").toStdString());
    // The request that made the result is what replays it; without one, the current request.
    const OutcomePtr result = w.result();
    const core::ReconstructionRequest request =
        result ? result->request : w.methodPanel()->request();
    nlohmann::json gui = {
        {"parameters", w.parameterPanel()->toJson()},
        {"layout", w.workspace()->layoutMode() == ImageWorkspace::Layout::Tabs ? "tabs" : "side"}};
    if (result) {
        const core::ResultPaths paths = core::writeResult(localPath(stemOf(path)), *result);
        gui["result"] = {
            {"phase", QFileInfo(QFile::decodeName(paths.phase.c_str())).fileName().toStdString()},
            {"absorption",
             QFileInfo(QFile::decodeName(paths.absorption.c_str())).fileName().toStdString()}};
    }
    core::writeJsonFile(localPath(path), core::sessionJson(request, {{kGuiKey, gui}}));
}

void loadSession(MainWindow& w, const QString& path)
{
    if (w.isBusy())
        throw core::InputError(MainWindow::tr("Still loading; wait or cancel first").toStdString());
    const std::string file = localPath(path);
    const core::ReconstructionRequest request = core::readRequestFile(file);
    nlohmann::json gui;
    {
        std::ifstream f(file);
        const nlohmann::json j = nlohmann::json::parse(f, nullptr, false);
        gui = j.is_object() ? j.value(kGuiKey, nlohmann::json::object()) : nlohmann::json::object();
    }
    if (!gui.is_object())
        throw core::InputError(file + ": '" + kGuiKey + "' is not an object");

    // The result files first, so that a missing one fails before anything changes.
    std::shared_ptr<core::ReconstructionOutcome> result;
    if (gui.contains("result")) {
        const QDir dir = QFileInfo(path).absoluteDir();
        const nlohmann::json r = gui["result"];
        result = std::make_shared<core::ReconstructionOutcome>(core::readResult(
            {localPath(dir.filePath(QString::fromStdString(r.value("phase", std::string())))),
             localPath(dir.filePath(QString::fromStdString(r.value("absorption", std::string()))))}));
    }

    ParameterPanel* parameters = w.parameterPanel();
    parameters->fromJson(gui.value("parameters", nlohmann::json::object()));
    applyPhysics(*parameters, request);
    MethodPanel* methods = w.methodPanel();
    methods->setCurrentMethod(QString::fromStdString(request.method));
    if (MethodForm* form = methods->form(QString::fromStdString(request.method)))
        form->setOptions(*request.options);
    w.workspace()->setLayoutMode(gui.value("layout", std::string("tabs")) == "side"
                                     ? ImageWorkspace::Layout::SideBySide
                                     : ImageWorkspace::Layout::Tabs);
    w.log(MainWindow::tr("Session %1").arg(path));

    // Once the input has loaded: its own calibration (or the demo's physics) replaced the
    // request's, so restore those, then show the result.
    auto done = std::make_shared<QMetaObject::Connection>();
    auto failed = std::make_shared<QMetaObject::Connection>();
    *done = QObject::connect(&w, &MainWindow::loaded, &w, [&w, request, result, done, failed] {
        QObject::disconnect(*done);
        QObject::disconnect(*failed);
        applyPhysics(*w.parameterPanel(), request);
        const core::LoadedHologram* h = w.current();
        if (result && h && request.geometry && result->phase.sameShape(h->image)) {
            result->residual = core::dataResidual(h->image, result->absorption, result->phase,
                                                  *result->request.geometry,
                                                  result->request.propagation);
            w.showResult(result);
        }
        emit w.sessionLoaded();
    });
    *failed = QObject::connect(&w, &MainWindow::loadFailed, &w, [done, failed] {
        QObject::disconnect(*done);
        QObject::disconnect(*failed);
    });
    if (!w.openInput(request.input)) {
        QObject::disconnect(*done);
        QObject::disconnect(*failed);
        throw core::InputError(MainWindow::tr("Still loading; wait or cancel first").toStdString());
    }
}

void chooseSessionSave(MainWindow& w)
{
    const QString path = QFileDialog::getSaveFileName(&w, MainWindow::tr("Save session"),
                                                      w.lastFolder(),
                                                      MainWindow::tr("PhaseLab session (*.json)"));
    if (path.isEmpty())
        return;
    try {
        saveSession(w, path);
        w.log(MainWindow::tr("Saved session %1").arg(path));
    } catch (const std::exception& e) {
        w.showError(MainWindow::tr("Cannot save the session"), QString::fromStdString(e.what()));
    }
}

void chooseSessionLoad(MainWindow& w)
{
    const QString path = QFileDialog::getOpenFileName(&w, MainWindow::tr("Load session"),
                                                      w.lastFolder(),
                                                      MainWindow::tr("PhaseLab session (*.json)"));
    if (path.isEmpty())
        return;
    try {
        loadSession(w, path);
    } catch (const std::exception& e) {
        w.showError(MainWindow::tr("Cannot load the session"), QString::fromStdString(e.what()));
    }
}

} // namespace phaselab::widgets
