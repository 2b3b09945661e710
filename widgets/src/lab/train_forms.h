#pragma once
// The architecture options of each trainable method as a form of the training panel. The one
// place that maps a method to its form: a new trainable method adds one case in
// createTrainForm() and its form class.

#include <phaselab/models/learned.h>

#include <QWidget>

#include <memory>

namespace phaselab::widgets {

/// Edits the options of one method inside models::TrainOptions.
class TrainForm : public QWidget {
    Q_OBJECT

public:
    using QWidget::QWidget;
    /// Shows the method's options of `options`.
    virtual void setOptions(const models::TrainOptions& options) = 0;
    /// Writes the method's options into `options` (the others are left as they are).
    virtual void apply(models::TrainOptions& options) const = 0;
    /// The network's parameter count with the options shown.
    [[nodiscard]] virtual std::int64_t parameterCount() const = 0;

signals:
    void changed();
};

/// The form of `method`; null for a method the application cannot train.
TrainForm* createTrainForm(models::Method method, QWidget* parent = nullptr);

} // namespace phaselab::widgets
