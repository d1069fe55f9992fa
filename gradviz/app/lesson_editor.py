"""The dialog that names a lesson's scene: its caption on screen, the speaker's notes, and the lesson's title."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from gradviz.core.lessons import MAX_CAPTION_CHARS, MAX_NOTES_CHARS, MAX_TITLE_CHARS

NOTES_LINES = 6  # the notes box's height, in lines


@dataclass(frozen=True)
class SceneText:
    """What the dialog asks: the lesson's title, the scene's caption and its notes for the speaker."""

    title: str
    caption: str
    notes: str


class SceneDialog(QDialog):
    """Asks for a scene's caption and notes, and the lesson's title; OK only with a caption and notes that fit."""

    def __init__(self, parent: QWidget | None, window_title: str, text: SceneText) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title)
        self.title_edit = QLineEdit(text.title)
        self.title_edit.setMaxLength(MAX_TITLE_CHARS)
        self.title_edit.setPlaceholderText("The lesson's title, shown in the window's title")
        self.caption_edit = QLineEdit(text.caption)
        self.caption_edit.setMaxLength(MAX_CAPTION_CHARS)
        self.caption_edit.setPlaceholderText("What the audience reads above the picture")
        self.notes_edit = QPlainTextEdit(text.notes)
        self.notes_edit.setPlaceholderText("For the speaker: N shows them under the caption, while presenting too")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.notes_edit.fontMetrics().lineSpacing() * NOTES_LINES + 12)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Lesson &title", self.title_edit)
        form.addRow("&Caption", self.caption_edit)
        form.addRow("Speaker &notes", self.notes_edit)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        for edit in (self.caption_edit, self.notes_edit):
            edit.textChanged.connect(self._check)
        self._check()
        self.resize(max(self.sizeHint().width(), 560), self.sizeHint().height())
        self.caption_edit.setFocus()

    def text(self) -> SceneText:
        """The title, caption and notes as typed (trimmed)."""
        return SceneText(self.title_edit.text().strip(), self.caption_edit.text().strip(),
                         self.notes_edit.toPlainText().strip())

    def _check(self) -> None:
        """OK once there is a caption; notes too long say so."""
        text = self.text()
        problem = (f"The notes are {len(text.notes):,} characters long: at most {MAX_NOTES_CHARS:,}."
                   if len(text.notes) > MAX_NOTES_CHARS else "")
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(text.caption) and not problem)


def ask_scene_text(parent: QWidget, window_title: str, text: SceneText) -> SceneText | None:
    """The title, caption and notes the user gives (None if cancelled); the dialog is deleted once answered."""
    dialog = SceneDialog(parent, window_title, text)
    try:
        return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
