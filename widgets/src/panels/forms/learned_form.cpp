// The form of any learned method (models::LearnedMethodOptions): the model file with what its
// metadata says (parameter count, training physics), and the device. Whether the file suits the
// method, and whether its physics match the request, the method itself says (check(), warnings()).
#include "forms.h"

#include <phaselab/core/reconstruction_request.h>
#include <phaselab/models/learned.h>
#include <phaselab/models/learned_method.h>

#include "form_util.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

#include <exception>

namespace phaselab::widgets {

namespace {

class LearnedForm final : public MethodForm {
    Q_OBJECT

public:
    explicit LearnedForm(const core::MethodInfo& info) : MethodForm(info)
    {
        m_path->setObjectName(QStringLiteral("modelPath"));
        m_path->setPlaceholderText(tr("model file (.pt)"));
        m_path->setToolTip(tr("A model file written by phaselab-cli train"));
        auto* browse = new QPushButton(tr("Browse…"));
        browse->setObjectName(QStringLiteral("modelBrowse"));
        auto* row = new QHBoxLayout;
        row->addWidget(m_path, 1);
        row->addWidget(browse);
        m_device->setObjectName(QStringLiteral("modelDevice"));
        for (const core::OptionField& f : models::LearnedMethodOptions().fields())
            if (f.key == "device")
                for (const std::string& choice : f.choices)
                    m_device->addItem(deviceLabel(choice), QString::fromStdString(choice));
        m_info->setObjectName(QStringLiteral("modelInfo"));
        m_info->setWordWrap(true);
        m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
        QFormLayout* form = formLayout();
        form->addRow(tr("Model:"), row);
        form->addRow(tr("Device:"), m_device);
        form->addRow(m_info);

        connect(browse, &QPushButton::clicked, this, [this] {
            const QString file = QFileDialog::getOpenFileName(
                this, tr("Open a trained model"), QFileInfo(m_path->text()).absolutePath(),
                tr("PhaseLab models (*.pt);;All files (*)"));
            if (file.isEmpty())
                return;
            m_path->setText(file);
            modelChanged();
        });
        connect(m_path, &QLineEdit::editingFinished, this, [this] {
            if (m_path->text() != m_shownPath)
                modelChanged();
        });
        connect(m_device, &QComboBox::currentIndexChanged, this, &LearnedForm::edited);
    }

protected:
    void showOptions(const core::MethodOptions& options) override
    {
        const auto& o = optionsAs<models::LearnedMethodOptions>(options);
        m_path->setText(QFile::decodeName(o.model.c_str()));
        forms::select(m_device, o.device);
        showModelInfo();
    }

    void applyFields(core::MethodOptions& options) const override
    {
        auto& o = optionsAs<models::LearnedMethodOptions>(options);
        o.model = QFile::encodeName(m_path->text().trimmed()).toStdString();
        o.device = forms::selected(m_device);
    }

private:
    static QString deviceLabel(const std::string& device)
    {
        if (device == "auto")
            return tr("Automatic (GPU when present)");
        if (device == "cpu")
            return tr("CPU");
        if (device == "cuda")
            return tr("CUDA GPU");
        return QString::fromStdString(device);
    }

    void modelChanged()
    {
        showModelInfo();
        edited();
    }

    /// What the file's metadata says (not its weights: they load when the method runs).
    void showModelInfo()
    {
        m_shownPath = m_path->text();
        const QString path = m_path->text().trimmed();
        if (path.isEmpty()) {
            m_info->setText(tr("No model chosen."));
            return;
        }
        try {
            const std::string file = QFile::encodeName(path).toStdString();
            const nlohmann::json m = models::modelInfo(file);
            const core::Geometry physics = core::geometryFromJson(
                m.value("physics", nlohmann::json::object()), file + ": training physics");
            const nlohmann::json training = m.value("training", nlohmann::json::object());
            m_info->setText(
                tr("%1 model, %2 parameters; trained at %3 keV, %4 mm, %5 nm pixels; best epoch "
                   "%6, validation loss %7")
                    .arg(QString::fromStdString(m.value("method", std::string("?"))))
                    .arg(m.value("parameter_count", 0))
                    .arg(physics.energyKeV, 0, 'g', 5)
                    .arg(physics.distanceM * 1e3, 0, 'g', 5)
                    .arg(physics.pixelSizeM * 1e9, 0, 'g', 5)
                    .arg(training.value("best_epoch", 0))
                    .arg(training.value("best_val_loss", 0.0), 0, 'g', 4));
        } catch (const std::exception& e) {
            m_info->setText(QString::fromStdString(e.what()));
        }
    }

    QLineEdit* m_path = new QLineEdit;
    QComboBox* m_device = new QComboBox;
    QLabel* m_info = new QLabel;
    QString m_shownPath;
};

} // namespace

std::unique_ptr<MethodForm> makeLearnedForm(const core::MethodInfo& info)
{
    return std::make_unique<LearnedForm>(info);
}

} // namespace phaselab::widgets

#include "learned_form.moc"
