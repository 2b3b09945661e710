#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace phaselab::widgets {

/// A warning bar above the images: why the loaded hologram is not a normalised intensity
/// (core::LoadedHologram::problem, word for word) and a one-click fix. Hidden when there is none.
class InputProblemBar : public QFrame {
    Q_OBJECT

public:
    explicit InputProblemBar(QWidget* parent = nullptr);

    /// Shows `problem`, or hides the bar when it is empty.
    void setProblem(const QString& problem);
    [[nodiscard]] QString problem() const;
    [[nodiscard]] QPushButton* normaliseButton() const noexcept { return m_normalise; }

signals:
    /// The user asked to divide the hologram by its mean.
    void normaliseRequested();

private:
    QLabel* m_message;
    QPushButton* m_normalise;
};

} // namespace phaselab::widgets
