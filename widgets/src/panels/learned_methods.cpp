#include <phaselab/widgets/learned_methods.h>

#include <phaselab/core/error.h>
#include <phaselab/models/learned.h>

#include "method_util.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QWidget>

#include <exception>
#include <optional>

namespace phaselab::widgets {

namespace {

using detail::Clock;
using detail::secondsSince;

// One ReconstructionMethod per learned architecture; the model file decides the weights.
class LearnedMethod : public ReconstructionMethod {
    Q_OBJECT

public:
    explicit LearnedMethod(models::Method method) : m_method(method) {}

    QString id() const override { return QString::fromStdString(models::toString(m_method)); }
    QString displayName() const override
    {
        return m_method == models::Method::Dgn ? tr("Deep Gauss–Newton") : tr("MS-D Net");
    }
    QString description() const override
    {
        return m_method == models::Method::Dgn
                   ? tr("Deep Gauss–Newton (Mom, Langer, Sixou 2023): a learned, unrolled "
                        "Gauss–Newton iteration with the Fresnel operator inside. Needs a model "
                        "trained with phaselab-cli train --method dgn.")
                   : tr("Mixed-Scale Dense network (Pelt & Sethian 2018): a purely learned "
                        "hologram-to-object map. Needs a model trained with phaselab-cli train "
                        "--method msd at the same physics as the data.");
    }

    QWidget* createOptionsWidget() override
    {
        auto* w = new QWidget;
        auto* form = new QFormLayout(w);
        m_path = new QLineEdit;
        m_path->setObjectName(QStringLiteral("modelPath"));
        m_path->setPlaceholderText(tr("model file (.pt)"));
        m_path->setToolTip(tr("A model file written by phaselab-cli train"));
        auto* browse = new QPushButton(tr("Browse…"));
        auto* row = new QHBoxLayout;
        row->addWidget(m_path, 1);
        row->addWidget(browse);
        m_device = new QComboBox;
        m_device->addItem(tr("Automatic (GPU when present)"), QStringLiteral("auto"));
        m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
        m_device->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
        m_info = new QLabel;
        m_info->setObjectName(QStringLiteral("modelInfo"));
        m_info->setWordWrap(true);
        m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_warning = new QLabel;
        m_warning->setObjectName(QStringLiteral("modelWarning"));
        m_warning->setWordWrap(true);
        m_warning->setStyleSheet(QStringLiteral("color: #b26a00;"));
        m_warning->hide();
        form->addRow(tr("Model:"), row);
        form->addRow(tr("Device:"), m_device);
        form->addRow(m_info);
        form->addRow(m_warning);
        connect(browse, &QPushButton::clicked, w, [this, w] {
            const QString file = QFileDialog::getOpenFileName(
                w, tr("Open a trained model"), QFileInfo(m_path->text()).absolutePath(),
                tr("PhaseLab models (*.pt);;All files (*)"));
            if (!file.isEmpty())
                setModelPath(file);
        });
        connect(m_path, &QLineEdit::editingFinished, this,
                [this] { setModelPath(m_path->text()); });
        connect(m_device, &QComboBox::currentIndexChanged, this,
                &ReconstructionMethod::optionsChanged);
        showInfo();
        return w;
    }

    /// Reads the file's metadata (not its weights) and shows its architecture and physics.
    void setModelPath(const QString& path)
    {
        m_path->setText(path);
        m_meta.reset();
        m_error.clear();
        if (!path.trimmed().isEmpty()) {
            try {
                nlohmann::json meta =
                    models::modelInfo(QFile::encodeName(path.trimmed()).toStdString());
                if (meta.value("method", std::string()) != models::toString(m_method))
                    m_error = tr("%1 is a %2 model, not %3")
                                  .arg(QFileInfo(path).fileName(),
                                       QString::fromStdString(meta.value("method", "?")),
                                       displayName());
                else
                    m_meta = std::move(meta);
            } catch (const std::exception& e) {
                m_error = QString::fromUtf8(e.what());
            }
        }
        showInfo();
        emit optionsChanged();
    }

    QString validate(const ReconstructionInput& in) const override
    {
        if (m_path->text().trimmed().isEmpty()) {
            showWarnings({});
            return tr("%1 needs a trained model file: train one with phaselab-cli train "
                      "--method %2, then choose it here")
                .arg(displayName(), id());
        }
        if (!m_error.isEmpty()) {
            showWarnings({});
            return m_error;
        }
        if (!m_meta)
            return tr("Press Enter in the model field to read the file");
        showWarnings(models::geometryWarnings(*m_meta, in.geometry));
        if (m_method == models::Method::Msd && in.hologram) {
            const int dmax = m_meta->value("architecture", nlohmann::json::object())
                                 .value("max_dilation", 10);
            if (in.hologram->width() <= dmax || in.hologram->height() <= dmax)
                return tr("MS-D Net needs images larger than %1 pixels on both axes").arg(dmax);
        }
        return {};
    }

    JobRunner::Job makeJob(const ReconstructionInput& in) const override
    {
        const std::string path = QFile::encodeName(m_path->text().trimmed()).toStdString();
        const std::string device = m_device->currentData().toString().toStdString();
        auto base = detail::newResult(*this, in);
        if (m_meta)
            base->parameters["model"] = {
                {"file", m_path->text().trimmed().toStdString()},
                {"method", m_meta->value("method", "")},
                {"parameter_count", m_meta->value("parameter_count", 0)},
                {"physics", m_meta->value("physics", nlohmann::json::object())},
                {"best_epoch",
                 m_meta->value("training", nlohmann::json::object()).value("best_epoch", 0)}};
        return [in, path, device, base](const JobContext& c) {
            const auto t0 = Clock::now();
            c.progress.step(0.0, "loading the model");
            models::LearnedModel model = models::LearnedModel::load(path, device);
            c.progress.step(0.1, "reconstructing");
            std::vector<models::Reconstruction> r =
                model.reconstructStack({*in.hologram}, in.geometry, 1, c.progress);
            c.progress.step(0.9, "residual");
            auto out = std::make_shared<ReconstructionResult>(*base);
            out->parameters["device"] = model.device();
            out->iterations = model.iterations();
            detail::setObject(*out, in, std::move(r.front().absorption), std::move(r.front().phase));
            out->seconds = secondsSince(t0);
            c.progress.step(1.0, "done");
            return std::shared_ptr<const void>(std::move(out));
        };
    }

    nlohmann::json options() const override
    {
        return {{"model", m_path->text().trimmed().toStdString()},
                {"device", m_device->currentData().toString().toStdString()}};
    }
    void setOptions(const nlohmann::json& j) override
    {
        const int i = m_device->findData(QString::fromStdString(j.value("device", "auto")));
        if (i >= 0)
            m_device->setCurrentIndex(i);
        setModelPath(QString::fromStdString(j.value("model", "")));
    }

private:
    void showInfo()
    {
        if (!m_meta) {
            m_info->setText(m_error.isEmpty() ? tr("No model chosen.") : m_error);
            return;
        }
        const nlohmann::json& m = *m_meta;
        const nlohmann::json physics = m.value("physics", nlohmann::json::object());
        const nlohmann::json training = m.value("training", nlohmann::json::object());
        m_info->setText(
            tr("%1 parameters; trained at %2 keV, %3 mm, %4 nm pixels; best epoch %5, "
               "validation loss %6")
                .arg(m.value("parameter_count", 0))
                .arg(physics.value("energy_keV", 0.0), 0, 'g', 5)
                .arg(physics.value("distance_m", 0.0) * 1e3, 0, 'g', 5)
                .arg(physics.value("pixel_size_m", 0.0) * 1e9, 0, 'g', 5)
                .arg(training.value("best_epoch", 0))
                .arg(training.value("best_val_loss", 0.0), 0, 'g', 4));
    }

    void showWarnings(const std::vector<std::string>& lines) const
    {
        QStringList text;
        for (const std::string& l : lines)
            text << QString::fromStdString(l);
        m_warning->setText(text.join(QLatin1Char('\n')));
        m_warning->setVisible(!text.isEmpty());
    }

    models::Method m_method;
    QLineEdit* m_path = nullptr;
    QComboBox* m_device = nullptr;
    QLabel* m_info = nullptr;
    QLabel* m_warning = nullptr;
    std::optional<nlohmann::json> m_meta;
    QString m_error;
};

} // namespace

std::unique_ptr<ReconstructionMethod> makeDgnMethod()
{
    return std::make_unique<LearnedMethod>(models::Method::Dgn);
}

std::unique_ptr<ReconstructionMethod> makeMsdMethod()
{
    return std::make_unique<LearnedMethod>(models::Method::Msd);
}

} // namespace phaselab::widgets

#include "learned_methods.moc"
