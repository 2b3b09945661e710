#pragma once

#include <QWidget>

#include <functional>

class QTabWidget;

namespace phaselab::widgets {

class CompareView;
class DataPanel;
class MainWindow;
class ModelLibrary;
class TrainingPanel;

/// The lab: generate or open training data, train in the background, keep the models, compare
/// methods on the main window's hologram. A window of its own, tied to the main window's
/// geometry, hologram, reference and method options.
class LabWindow : public QWidget {
    Q_OBJECT

public:
    enum class Tab { Data, Training, Models, Compare };

    explicit LabWindow(MainWindow& main, QWidget* parent = nullptr);
    ~LabWindow() override;

    void showTab(Tab tab);
    [[nodiscard]] DataPanel* dataPanel() const noexcept { return m_data; }
    [[nodiscard]] TrainingPanel* trainingPanel() const noexcept { return m_training; }
    [[nodiscard]] ModelLibrary* library() const noexcept { return m_library; }
    [[nodiscard]] CompareView* compareView() const noexcept { return m_compare; }

    /// Whether the application may close now: while a training runs, asks (through the
    /// question function) and, when the user agrees, stops it (its last checkpoint stays);
    /// a running data generation is cancelled (it leaves no file).
    bool confirmClose();
    /// Replaces the yes/no question of confirmClose() (tests answer without a dialog).
    void setQuestion(std::function<bool(const QString&)> ask) { m_ask = std::move(ask); }

    /// Where trained models are kept: <app data>/models.
    static QString defaultModelFolder();

private:
    void updateGeometry();

    MainWindow& m_main;
    QTabWidget* m_tabs;
    DataPanel* m_data;
    TrainingPanel* m_training;
    ModelLibrary* m_library;
    CompareView* m_compare;
    std::function<bool(const QString&)> m_ask;
};

} // namespace phaselab::widgets
