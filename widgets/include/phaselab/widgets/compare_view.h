#pragma once

#include <QStringList>
#include <QWidget>

#include <functional>
#include <map>
#include <memory>

#include <phaselab/core/comparison_table.h>
#include <phaselab/core/method_options.h>
#include <phaselab/core/reconstruction_pipeline.h>

class QCustomPlot;
class QGridLayout;
class QLabel;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace phaselab::widgets {

class ImageView;
class JobRunner;

/// Runs several registered methods on the current hologram, one after the other on a worker,
/// and shows their phase and absorption in a grid with synchronised zoom, each with the time it
/// took. With a reference (the demo's truth, or a loaded reference phase) it fills a table like
/// the DGN paper's Table 2 (core::ComparisonRow: NMSE, FRCM, resolution of B and φ per method),
/// exported as CSV or Markdown, and overlays every method's phase FRC in one plot.
class CompareView : public QWidget {
    Q_OBJECT

public:
    struct Sources {
        /// The request without method and options (input, geometry, propagation, β/δ).
        std::function<core::ReconstructionRequest()> baseRequest;
        /// The current hologram (null when none is loaded).
        std::function<std::shared_ptr<const core::LoadedHologram>()> hologram;
        /// The options a method runs with (the method panel's form); null: its defaults.
        std::function<std::shared_ptr<const core::MethodOptions>(const QString& id)> options;
        /// The reference phase and absorption (either may be null); by default the demo's truth.
        std::function<std::shared_ptr<const core::ImageF>()> referencePhase, referenceAbsorption;
    };

    explicit CompareView(Sources sources, QWidget* parent = nullptr);
    ~CompareView() override;

    /// The registered methods offered, and which are checked.
    [[nodiscard]] QStringList methodIds() const;
    void setCheckedMethods(const QStringList& ids);
    [[nodiscard]] QStringList checkedMethods() const;

    /// Runs the checked methods; false (and failed()) without a hologram or while running.
    bool run();
    void cancel();
    [[nodiscard]] bool isRunning() const;

    /// The table's rows, in the order the methods finished (methods without reference or that
    /// failed have none).
    [[nodiscard]] const std::vector<core::ComparisonRow>& rows() const noexcept { return m_rows; }
    /// Methods that failed, with their messages.
    [[nodiscard]] const std::map<QString, QString>& failures() const noexcept { return m_failures; }
    /// Writes the table (Markdown for ".md", CSV otherwise); throws core::InputError.
    void exportTable(const QString& path) const;
    [[nodiscard]] QTableWidget* table() const noexcept { return m_table; }
    [[nodiscard]] QCustomPlot* frcPlot() const noexcept { return m_frcPlot; }
    /// The phase view of each finished method, in grid order.
    [[nodiscard]] std::vector<ImageView*> views() const;

    /// One method's result, handed from the worker to the GUI thread.
    struct Result;

signals:
    /// One method finished (`ok` false when it failed).
    void methodFinished(const QString& id, bool ok);
    /// Every checked method has run.
    void finished();
    void failed(const QString& message);

private:
    void showResult(const std::shared_ptr<const Result>& result);
    void addTableRow(const core::ComparisonRow& row);
    void chooseExport();
    void synchronise(ImageView* source);
    void clearResults();

    Sources m_sources;
    QListWidget* m_methods;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QPushButton* m_export;
    QLabel* m_status;
    QGridLayout* m_grid;
    QTableWidget* m_table;
    QCustomPlot* m_frcPlot;
    JobRunner* m_runner;
    std::vector<ImageView*> m_views;
    std::vector<core::ComparisonRow> m_rows;
    std::map<QString, QString> m_failures;
    int m_columns = 0;
    bool m_synchronising = false;
};

} // namespace phaselab::widgets
