"""A spin box that writes its value with significant digits, so that any range a view can show reads right in it."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

from gradviz.core.notation import format_number
from gradviz.core.scenario import LARGEST_VALUE

# what a number may look like while it is being typed: "", "-", "1.", ".5", "1e", "1e-", "2.5e-3"
_PARTIAL_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d*)?([eE][+-]?\d*)?")
SHOWN_DIGITS = 7
KEPT_DECIMALS = 12  # QDoubleSpinBox rounds its value to this many decimals


class NumberBox(QDoubleSpinBox):
    """A QDoubleSpinBox that shows 0.000125, 1e-06 or 1000001 rather than a fixed number of decimals.

    With three decimals a map zoomed to a hundredth of a unit read "0.123 to 0.124", and the rounded
    values went back into the range at the next edit of the domain.
    """

    refused = Signal(str)  # a number typed beyond the box's limits (or not one yet), as the box puts its value back

    def __init__(self, low: float = -LARGEST_VALUE, high: float = LARGEST_VALUE, parent: QWidget | None = None) -> None:
        """A box for values between low and high."""
        super().__init__(parent)
        self.setDecimals(KEPT_DECIMALS)
        self.setRange(low, high)

    def textFromValue(self, value: float) -> str:
        """The value with up to SHOWN_DIGITS significant digits."""
        return format_number(value, SHOWN_DIGITS, ascii_minus=True)

    def valueFromText(self, text: str) -> float:
        """The number typed (the value kept if it is not one)."""
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, position: int) -> tuple[QValidator.State, str, int]:
        """Acceptable: a number in range; Intermediate: one being typed, out of range or too small to keep (1e-320
        would be kept as 0); else Invalid."""
        typed = text.strip()
        try:
            value = float(typed)
        except ValueError:
            state = QValidator.State.Intermediate if _PARTIAL_NUMBER.fullmatch(typed) else QValidator.State.Invalid
            return state, text, position
        inside = self.minimum() <= value <= self.maximum() and (value == 0.0 or round(value, KEPT_DECIMALS) != 0.0)
        return (QValidator.State.Acceptable if inside else QValidator.State.Intermediate), text, position

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter takes the number typed, or puts the value back and says so (refused)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._refuse_what_cannot_be_taken()
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Leaving the box takes the number typed, or puts the value back and says so (refused)."""
        self._refuse_what_cannot_be_taken()
        super().focusOutEvent(event)

    def _refuse_what_cannot_be_taken(self) -> None:
        """Emit refused with the text typed if the box is about to put its value back: 1e13 went without a word."""
        text = self.lineEdit().text()
        if text.strip() and self.validate(text, len(text))[0] != QValidator.State.Acceptable:
            self.refused.emit(text.strip())
