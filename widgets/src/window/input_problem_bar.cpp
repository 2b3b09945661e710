#include <phaselab/widgets/input_problem_bar.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace phaselab::widgets {

InputProblemBar::InputProblemBar(QWidget* parent)
    : QFrame(parent),
      m_message(new QLabel),
      m_normalise(new QPushButton(tr("Normalise (divide by the mean)")))
{
    setObjectName(QStringLiteral("inputProblemBar"));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(QStringLiteral("#inputProblemBar { background: #fff4e5; border: 1px solid #e0a040; }"));
    m_message->setObjectName(QStringLiteral("inputProblem"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_normalise->setObjectName(QStringLiteral("normaliseButton"));
    m_normalise->setToolTip(tr("Divide the hologram by its mean, so that its background is about "
                               "1; sessions and result files record it"));
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(m_message, 1);
    layout->addWidget(m_normalise);
    connect(m_normalise, &QPushButton::clicked, this, &InputProblemBar::normaliseRequested);
    hide();
}

void InputProblemBar::setProblem(const QString& problem)
{
    m_message->setText(problem);
    setVisible(!problem.isEmpty());
}

QString InputProblemBar::problem() const
{
    return m_message->text();
}

} // namespace phaselab::widgets
