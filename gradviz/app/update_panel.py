"""The update panel: the selected run's current step worked out with its numbers, w₁ ← 1 − 0.1·(−4) = 1.4."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from gradviz.app.panel_base import LazyPanel, RunChooser, RunSelection, muted, no_run_text, wrong_sign
from gradviz.core.explain import StepExplanation, explain_step
from gradviz.core.notation import LEFT_ARROW, Style
from gradviz.core.session import Session

EQUATION_SCALE = 1.2  # the worked equations are what a room reads from the back
HANGING_INDENT = 28  # pixels: a line too long for the panel continues indented under itself


def highlight_wrong_sign(line: str) -> str:
    """The rich-text update line with its step operator (the first ' + ' after the arrow) in bold red."""
    head, arrow, tail = line.partition(LEFT_ARROW)
    return head + arrow + tail.replace(" + ", f" {wrong_sign('+')} ", 1)


def _html_block(explanation: StepExplanation) -> list[str]:
    """The rule, the shared lines and each variable's lines in rich text, update signs marked when wrong."""
    mark = highlight_wrong_sign if explanation.sign == "wrong" else str

    def marked_last(lines: tuple[str, ...]) -> list[str]:
        return [*lines[:-1], mark(lines[-1])] if lines else []

    variable_lines = [line for variable in explanation.variables for line in marked_last(variable.lines("html"))]
    return [muted(f"{explanation.title}:"), *marked_last(explanation.rule("html")), "",
            *explanation.shared("html"), *variable_lines]


def _paragraph(line: str) -> str:
    """One line as a paragraph that wraps, if it must, at its spaces with a hanging indent."""
    style = f"margin: 0 0 0 {HANGING_INDENT}px; text-indent: -{HANGING_INDENT}px"
    return f"<p style='{style}'>{line or '&nbsp;'}</p>"


class UpdatePanel(LazyPanel):
    """Shows the selected run's update at the current step: the optimizer's rule, then every number."""

    def __init__(self, session: Session, selection: RunSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._selection = selection
        self.explanation: StepExplanation | None = None

        self.heading = QLabel()
        self.heading.setWordWrap(True)  # a stop reason, or why no run could start, is long
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.equations = QLabel()
        self.equations.setTextFormat(Qt.TextFormat.RichText)
        self.equations.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.equations.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.equations.setWordWrap(True)
        font = self.equations.font()
        font.setPointSizeF(font.pointSizeF() * EQUATION_SCALE)
        self.equations.setFont(font)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self.equations)
        body_layout.addWidget(self.notes)
        body_layout.addStretch(1)
        scroll.setWidget(body)

        top = QHBoxLayout()
        top.addWidget(QLabel("Run:"))
        top.addWidget(RunChooser(session, selection), 1)
        copy_buttons = QHBoxLayout()
        copy_buttons.addStretch(1)
        self.copy_buttons: list[QPushButton] = []  # enabled while there is an update to copy
        for text, style, tip in (("Copy", "unicode", "Copy the lines as plain text"),
                                 ("Copy LaTeX", "latex", "Copy the lines as LaTeX, one per line")):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _checked=False, chosen=style: self.copy(chosen))
            copy_buttons.addWidget(button)
            self.copy_buttons.append(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        layout.addLayout(copy_buttons)

        session.runs_changed.connect(self.schedule_refresh)
        session.step_changed.connect(self.refresh_with_the_views)
        selection.changed.connect(self.schedule_refresh)

    def refresh(self) -> None:
        """Explain the selected run's update at the current step (the last update when the run has stopped)."""
        result, session = self._selection.result(), self._session
        self.explanation = None
        self._enable_copying(False)
        if result is None or session.analysis is None:
            self.heading.setText(muted(no_run_text(session, "to explain")))
            self.equations.setText("")
            self.notes.setText("")
            return
        state = session.step_state(self._selection.index)
        last = len(result.run.steps) - 1
        k = min(state.step_index, last - 1)
        if state.finished:
            message = html.escape(session.stop_message(self._selection.index))
            stopped = f"Step {state.step_index}: the run stopped here — {message}."
            heading = stopped + (f" The last update, step {k} → {k + 1}:" if k >= 0 else "")
        else:
            heading = f"Step {k} → {k + 1}"
        self.heading.setText(f"<b>{heading}</b>")
        if k < 0:
            self.equations.setText("")
            self.notes.setText("")
            return
        self.explanation = explain_step(result, k, session.analysis.compiled, session.analysis.formula.name)
        self._enable_copying(True)
        self.equations.setText("".join(map(_paragraph, _html_block(self.explanation))))
        self.notes.setText("<br>".join(muted(note) for note in (*self.explanation.notes, *result.run.notes)))

    def _enable_copying(self, enabled: bool) -> None:
        """Let the copy buttons work only while an update is shown."""
        for button in self.copy_buttons:
            button.setEnabled(enabled)

    def text(self, style: Style = "unicode") -> str:
        """The rule and the worked lines of the update shown, in one notation style."""
        if self.explanation is None:
            return ""
        return "\n".join((*self.explanation.rule(style), *self.explanation.lines(style)))

    def copy(self, style: Style = "unicode") -> None:
        """Put the worked update on the clipboard."""
        QApplication.clipboard().setText(self.text(style))
