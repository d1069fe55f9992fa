"""The dialog that asks for a point by its coordinates: a run's start, or where the probe is pinned, typed exactly.

Held variables are shown, not asked for: the views draw the slice at their held values, and a point typed off it
(z = 2 with z held at 1) sat off the surface shown. Their sliders in the formula panel move them.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QMainWindow, QWidget

from gradviz.app.number_box import NumberBox
from gradviz.app.refusal_label import RefusalLabel
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
        self.refusal_label = RefusalLabel()  # why a number typed was put back: the status bar is behind the dialog
        for name, value in point.items():
            if name in self.held:
                form.addRow(f"{unicode_name(name)}:", QLabel(f"{format_number(self.held[name])}  (held: its slider "
                                                            "beside the ranges moves it)"))
                continue
            box = NumberBox()
            box.setValue(float(value))
            box.setAccessibleName(f"{window_title}: {name}")
            self.refusal_label.watch(box, unicode_name(name))
            box.refusals.connect_to(self.message.emit, self.message_taken_back.emit)
            form.addRow(f"{unicode_name(name)}:", box)
            self.boxes[name] = box
        form.addRow(self.refusal_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if self.boxes:
            first = next(iter(self.boxes.values()))
            first.setFocus()
            first.selectAll()

    def accept(self) -> None:
        """Close taking the numbers, unless the number typed was refused on the way: the dialog stays, saying why.

        Clicking OK took the keys from a box holding 1e13, which put x back and said so behind the closing dialog.
        """
        if not self.refusal_label.holds_open(self.boxes.values()):
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
