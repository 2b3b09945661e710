#pragma once

#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

#include <phaselab/core/geometry.h>
#include <phaselab/models/library.h>

class QLabel;
class QPushButton;
class QTableWidget;

namespace phaselab::widgets {

class LossPlot;

/// The trained models (a writable folder) and the shipped ones (read-only folders): each with
/// its method, training physics, parameter count, training history and date; Load, Rename,
/// Delete, Export and Import through models/library.h. A model trained at other physics than
/// the window's is marked.
class ModelLibrary : public QWidget {
    Q_OBJECT

public:
    explicit ModelLibrary(QWidget* parent = nullptr);

    /// Where trained and imported models live (created on demand) and where shipped ones are.
    void setFolders(const QString& userFolder, const QStringList& shippedFolders = {});
    [[nodiscard]] QString userFolder() const { return m_userFolder; }
    /// The window's physics; models trained at another are marked.
    void setGeometry(const core::Geometry& geometry);

    /// Re-reads the folders.
    void refresh();
    [[nodiscard]] const std::vector<models::ModelEntry>& entries() const noexcept
    {
        return m_entries;
    }
    /// Why entry `row` does not fit the window's physics (empty when it does).
    [[nodiscard]] QString mismatch(int row) const;
    void select(int row);
    [[nodiscard]] int selectedRow() const;

    /// Operations on an entry; each says why in failed() and returns false when refused.
    bool loadModel(int row);
    bool renameModel(int row, const QString& newName);
    /// Deletes after asking when `ask` (tests pass false).
    bool deleteModel(int row, bool ask = true);
    bool exportModel(int row, const QString& destination);
    bool importModel(const QString& source);

    [[nodiscard]] QTableWidget* table() const noexcept { return m_table; }
    [[nodiscard]] LossPlot* historyPlot() const noexcept { return m_history; }

signals:
    /// Load: apply this model in the method panel (`method` "dgn", "msd", …).
    void modelChosen(const QString& path, const QString& method);
    void failed(const QString& message);

private:
    void showSelected();
    bool guard(int row, bool writable);
    void askRename();
    void askExport();
    void askImport();

    QString m_userFolder;
    QStringList m_shipped;
    std::optional<core::Geometry> m_geometry;
    std::vector<models::ModelEntry> m_entries;
    QTableWidget* m_table;
    LossPlot* m_history;
    QLabel* m_details;
    QPushButton *m_load, *m_rename, *m_delete, *m_export, *m_import, *m_refresh;
};

} // namespace phaselab::widgets
