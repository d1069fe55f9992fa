"""The dialog that asks for a point by its coordinates: a run's start, or where the probe is pinned, typed exactly."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from gradviz.app.number_box import NumberBox
from gradviz.core.notation import unicode_name


class PointDialog(QDialog):
    """One number box per variable, filled with the point as it is; OK takes the numbers typed."""

    def __init__(self, parent: QWidget | None, window_title: str, prompt: str, point: Mapping[str, float]) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title)
        form = QFormLayout(self)
        form.addRow(QLabel(prompt))
        self.boxes: dict[str, NumberBox] = {}
        for name, value in point.items():
            box = NumberBox()
            box.setValue(float(value))
            box.setAccessibleName(f"{window_title}: {name}")
            form.addRow(f"{unicode_name(name)}:", box)
            self.boxes[name] = box
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if self.boxes:
            first = next(iter(self.boxes.values()))
            first.setFocus()
            first.selectAll()

    def point(self) -> dict[str, float]:
        """The coordinates as typed."""
        return {name: box.value() for name, box in self.boxes.items()}


def ask_point(parent: QWidget, window_title: str, prompt: str, point: Mapping[str, float]) -> dict[str, float] | None:
    """The point the user types (None if cancelled); the dialog is deleted once answered."""
    dialog = PointDialog(parent, window_title, prompt, point)
    try:
        return dialog.point() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
