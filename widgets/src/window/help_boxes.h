#pragma once
// Help ▸ Methods and references, and Help ▸ About: non-blocking message boxes.

class QWidget;

namespace phaselab::widgets {

/// How to work with PhaseLab, every registered method with its description, the conventions and
/// the references.
void showMethodsHelp(QWidget* parent);
void showAboutBox(QWidget* parent);

} // namespace phaselab::widgets
