"""The dialog that asks for a point by its coordinates: a run's start, or where the probe is pinned, typed exactly.

Held variables are shown, not asked for: the views draw the slice at their held values, and a point typed off it
(z = 2 with z held at 1) sat off the surface shown. Their sliders in the formula panel move them.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QMainWindow, QWidget

from gradviz.app.number_box import NumberBox
from gradviz.app.status_bar import ElidingStatusBar
from gradviz.core.notation import format_number, unicode_name

MESSAGE_MS = 8000  # how long the status bar says why a number was put back


class PointDialog(QDialog):
    """One number box per free variable, filled with the point as it is; OK takes the numbers typed."""

    message = Signal(str)  # for the status bar: why a number typed was put back, or why text typed is none
    message_taken_back = Signal(str)  # such a message, which no longer holds: a number was typed and taken since

    def __init__(self, parent: QWidget | None, window_title: str, prompt: str, point: Mapping[str, float],
                 held: Mapping[str, float] | None = None) -> None:
        super().__init__(parent)
        self.held = {name: float(value) for name, value in (held or {}).items() if name in point}
        self.setWindowTitle(window_title)
        form = QFormLayout(self)
        form.addRow(QLabel(prompt))
        self.boxes: dict[str, NumberBox] = {}
        for name, value in point.items():
            if name in self.held:
                form.addRow(f"{unicode_name(name)}:", QLabel(f"{format_number(self.held[name])}  (held: its slider "
                                                            "beside the ranges moves it)"))
                continue
            box = NumberBox()
            box.setValue(float(value))
            box.setAccessibleName(f"{window_title}: {name}")
            box.say_refusals(unicode_name(name), self.message.emit, self.message_taken_back.emit)
            box.refused.connect(self._put_back)
            form.addRow(f"{unicode_name(name)}:", box)
            self.boxes[name] = box
        self.refusal_label = QLabel()  # why a number typed was put back, here: the status bar is behind the dialog
        self.refusal_label.setWordWrap(True)
        self.refusal_label.setTextFormat(Qt.TextFormat.PlainText)
        self.refusal_label.setStyleSheet("color: #b00020")
        self.refusal_label.hide()
        # a number was just put back: OK (its click took the keys) keeps the dialog, unless a number was taken since
        self._refusal_unread = False
        self.message.connect(self._show_refusal)
        self.message_taken_back.connect(self._take_back_refusal)
        form.addRow(self.refusal_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if self.boxes:
            first = next(iter(self.boxes.values()))
            first.setFocus()
            first.selectAll()

    def _show_refusal(self, text: str) -> None:
        self.refusal_label.setText(text)
        self.refusal_label.show()
        self.adjustSize()  # the dialog grows to the reason's lines: as it was, they were cut off at its bottom

    def _take_back_refusal(self, text: str) -> None:
        """A number was taken since the refusal shown: it no longer holds, nor holds the dialog open."""
        if self.refusal_label.text() == text:
            self.refusal_label.hide()
            self.refusal_label.clear()
            self._refusal_unread = False
            self.adjustSize()

    def _put_back(self, _typed: str) -> None:
        self._refusal_unread = True

    def accept(self) -> None:
        """Close taking the numbers, unless the number typed was refused on the way: the dialog stays, saying why.

        Clicking OK took the keys from a box holding 1e13, which put x back and said so behind the closing dialog.
        """
        for box in self.boxes.values():
            box.take_typed()  # OK pressed with the keys still in a box (a click takes them first)
        if self._refusal_unread:
            self._refusal_unread = False  # read: OK again takes the numbers as they are now
            return
        super().accept()

    def point(self) -> dict[str, float]:
        """The coordinates as typed, and the held values."""
        for box in self.boxes.values():
            box.interpretText()  # a number typed and not yet taken (the box still has the keys)
        return {**{name: box.value() for name, box in self.boxes.items()}, **self.held}


def ask_point(parent: QWidget, window_title: str, prompt: str, point: Mapping[str, float],
              held: Mapping[str, float] | None = None) -> dict[str, float] | None:
    """The point the user types, held variables at their values (None if cancelled); the dialog is deleted after.

    A number a box puts back (1e13, beyond the limits) is said in the status bar of the parent's window.
    """
    dialog = PointDialog(parent, window_title, prompt, point, held)
    window = parent.window()
    if isinstance(window, QMainWindow):
        dialog.message.connect(lambda text: window.statusBar().showMessage(text, MESSAGE_MS))
        if isinstance(window.statusBar(), ElidingStatusBar):
            dialog.message_taken_back.connect(window.statusBar().take_back)
    try:
        return dialog.point() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
