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
NOT_A_NUMBER = "it is not a number"


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
        """The number typed (the value kept if it is not one, or if the text is the value as shown).

        Put back after a refused number, the value was read again from its shown digits: 0.1234567891 became 0.1234568.
        """
        if text == self.textFromValue(self.value()):
            return self.value()
        try:
            return float(text)
        except ValueError:
            return self.value()

    def refusal(self, text: str) -> str:
        """Why the box cannot take this text as its value ('it is not a number'), or '' if it can."""
        try:
            value = float(text)
        except ValueError:
            return NOT_A_NUMBER
        if not self.minimum() <= value <= self.maximum():
            return f"the box takes numbers from {format_number(self.minimum())} to {format_number(self.maximum())}"
        kept = round(value, KEPT_DECIMALS)
        if format_number(kept, SHOWN_DIGITS) != format_number(value, SHOWN_DIGITS):
            return f"the box keeps {KEPT_DECIMALS} decimals, which make it {format_number(kept, SHOWN_DIGITS)}"
        return ""

    def validate(self, text: str, position: int) -> tuple[QValidator.State, str, int]:
        """Acceptable: a number the box can take (see refusal); Intermediate: one being typed, or one it cannot take
        (1e13 beyond its limits, 1e-13 that 12 decimals make 0); else Invalid."""
        typed = text.strip()
        refusal = self.refusal(typed)
        if not refusal:
            state = QValidator.State.Acceptable
        elif refusal != NOT_A_NUMBER or _PARTIAL_NUMBER.fullmatch(typed):
            state = QValidator.State.Intermediate
        else:
            state = QValidator.State.Invalid
        return state, text, position

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
