"""A spin box that writes its value with significant digits, so that any range a view can show reads right in it."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QLineEdit, QWidget

from gradviz.core.notation import format_number
from gradviz.core.scenario import LARGEST_VALUE

# what a number may look like while it is being typed: "", "-", "1.", ".5", "1e", "1e-", "2.5e-3"
_PARTIAL_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d*)?([eE][+-]?\d*)?")
# 0x10, 0b101: a number, written as Python would (or its "0x" being typed)
_INTEGER_LITERAL = re.compile(r"[+-]?0[xXoObB][0-9a-fA-F_]*")
SHOWN_DIGITS = 7
KEPT_DECIMALS = 323  # QDoubleSpinBox rounds its value to this many decimals: its most, which keep every number whole
STEPPED_DIGITS = 15  # a value stepped by the arrows keeps these significant digits: 0.94, not 0.9400000000000001
NOT_A_NUMBER = "it is not a number"
SHOWN_TYPED_LENGTH = 24  # typed text longer than this is shortened in messages, so that their reason shows
SHORTENED_TYPED_LENGTH = 12  # the characters of a long typed text a message keeps (then "…")


def typed_text_shown(text: str) -> str:
    """Typed text as a message names it: as typed (trimmed) if short; a long number's first characters and '…', or
    ∞ where it is too large for a float (a pasted 10,000-digit number left no room for the reason)."""
    typed = text.strip()
    if len(typed) <= SHOWN_TYPED_LENGTH:
        return typed
    try:
        value = float(typed)
    except ValueError:
        value = 0.0
    if math.isinf(value):
        return format_number(value)
    return typed[:SHORTENED_TYPED_LENGTH] + "…"


def text_refusal(text: str) -> str:
    """Why typed text is no number a box can take, whatever its limits ('nan is not a number'), or '' if it is one.

    A number too large for a float is one (infinite): the limits refuse it. 1e−400, too small for one, became 0.
    """
    typed = text.strip()
    try:
        value = float(typed)
    except ValueError:
        return _integer_literal_refusal(typed)
    if math.isnan(value):
        return f"{typed_text_shown(typed)} is not a number"
    if math.isinf(value) and not re.search(r"\d", typed):  # "inf" or "-Infinity", not a number beyond a float's
        return f"{typed_text_shown(typed)} is not a finite number"
    if value == 0.0 and re.search(r"[1-9]", re.split(r"[eE]", typed)[0]):
        return f"{typed_text_shown(typed)} is too small to tell from 0"
    return ""


def _integer_literal_refusal(typed: str) -> str:
    """'write it in decimals (16)' for 0x10 (0b101, 0o17), else NOT_A_NUMBER: 0x alone, 0b12 or text.

    0b12 matched the pattern, and int() raised ValueError out of the box's validator.
    """
    if _INTEGER_LITERAL.fullmatch(typed):
        try:
            return f"write it in decimals ({typed_text_shown(str(int(typed, 0)))})"
        except ValueError:  # 0x alone, 0b12; or too many digits to write in decimals
            pass
    return NOT_A_NUMBER


def input_refusal(name: str, typed: str) -> str:
    """What a number box says of a key or a paste it did not take, keeping its text: 'x from 1.5a cannot be typed:
    it is not a number.' (`name` names the box before the text: 'x from', 'β₁ =')."""
    return f"{name} {typed_text_shown(typed)} cannot be typed: {text_refusal(typed)}."


def forward_refused_input(edit: QLineEdit, refused_input: Callable[[str], None]) -> None:
    """Call refused_input with the text a key or a paste would have made when the edit's validator rejects it.

    The edit keeps its own text; as it was, a letter typed into a number box went without a word.
    """
    edit.inputRejected.connect(lambda: refused_input(edit.text()))  # the text refused, until the edit takes it back


def number_refusal(text: str, low: float, high: float) -> str:
    """Why a box for numbers from low to high cannot take typed text ('it is not a number'), or '' if it can."""
    why = text_refusal(text)
    if why:
        return why
    if not low <= float(text) <= high:
        return f"the box takes numbers from {format_number(low)} to {format_number(high)}"
    return ""


def typed_state(text: str, low: float, high: float) -> QValidator.State:
    """Acceptable: a number from low to high; Intermediate: one being typed, or one refused with a reason (1e13
    beyond the limits, nan, 0x10, or 0x on the way to it); else Invalid (a letter typed into a number)."""
    typed = text.strip()
    why = number_refusal(typed, low, high)
    if not why:
        return QValidator.State.Acceptable
    if why != NOT_A_NUMBER or _PARTIAL_NUMBER.fullmatch(typed) or _INTEGER_LITERAL.fullmatch(typed):
        return QValidator.State.Intermediate
    return QValidator.State.Invalid


class NumberBox(QDoubleSpinBox):
    """A QDoubleSpinBox that shows 0.000125, 1e-06 or 1000001 rather than a fixed number of decimals.

    With three decimals a map zoomed to a hundredth of a unit read "0.123 to 0.124", and the rounded
    values went back into the range at the next edit of the domain.
    """

    refused = Signal(str)  # a number typed beyond the box's limits (or not one yet), as the box puts its value back
    input_refused = Signal(str)  # the text a key or a paste would have made (1.5a): no number, the box keeps its own

    def __init__(self, low: float = -LARGEST_VALUE, high: float = LARGEST_VALUE, parent: QWidget | None = None) -> None:
        """A box for values between low and high."""
        super().__init__(parent)
        self.setDecimals(KEPT_DECIMALS)
        self.setRange(low, high)
        forward_refused_input(self.lineEdit(), self.input_refused.emit)

    def textFromValue(self, value: float) -> str:
        """The value with up to SHOWN_DIGITS significant digits."""
        return format_number(value, SHOWN_DIGITS, ascii_minus=True)

    def valueFromText(self, text: str) -> float:
        """The number typed (the value kept if it is not one the box takes, or if the text is the value as shown).

        Put back after a refused number, the value was read again from its shown digits: 0.1234567891 became 0.1234568.
        """
        if text == self.textFromValue(self.value()) or self.refusal(text):
            return self.value()
        return float(text)

    def refusal(self, text: str) -> str:
        """Why the box cannot take this text as its value ('it is not a number'), or '' if it can."""
        return number_refusal(text, self.minimum(), self.maximum())

    def say_refusals(self, name: str, say: Callable[[str], None]) -> None:
        """Tell `say` (the status bar) why a number typed as `name` was put back: 'β1 = 2 was not used: … (it stays
        0.9).', and why a key was not taken: 'β1 = 0.9a cannot be typed: it is not a number.'"""
        self.refused.connect(lambda typed: say(f"{name} = {typed_text_shown(typed)} was not used: "
                                               f"{self.refusal(typed)} (it stays {format_number(self.value())})."))
        self.input_refused.connect(lambda typed: say(input_refusal(f"{name} =", typed)))

    def validate(self, text: str, position: int) -> tuple[QValidator.State, str, int]:
        """As typed_state says for the box's limits."""
        return typed_state(text, self.minimum(), self.maximum()), text, position

    def stepBy(self, steps: int) -> None:
        """Step from the number typed or shown, as the box does, without a binary fraction's noise in the value.

        Kept to every decimal, 0.9 stepped up by hundredths became 0.9400000000000001, and went so into the run.
        """
        typed = self.lineEdit().text()
        if self.validate(typed, len(typed))[0] != QValidator.State.Acceptable:
            super().stepBy(steps)  # nothing to step from: the box puts its value back
            return
        stepped = self.valueFromText(typed.strip()) + steps * self.singleStep()
        self.setValue(float(f"{stepped:.{STEPPED_DIGITS}g}"))
        self.selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter takes the number typed, or puts the value back and says so (refused), and then goes no further.

        Passed on, Enter on a refused number pressed a dialog's default button: the point dialog closed, x unchanged.
        """
        entered = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        refused = entered and self._refuse_what_cannot_be_taken()
        super().keyPressEvent(event)
        if refused:
            event.accept()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Leaving the box takes the number typed, or puts the value back and says so (refused)."""
        self._refuse_what_cannot_be_taken()
        super().focusOutEvent(event)

    def take_typed(self) -> None:
        """Take the number typed, or put the value back and say so (refused), as leaving the box does."""
        if self._refuse_what_cannot_be_taken():
            self.lineEdit().setText(self.textFromValue(self.value()))
        else:
            self.interpretText()

    def _refuse_what_cannot_be_taken(self) -> bool:
        """Emit refused with the text typed if the box is about to put its value back (1e13 went without a word);
        whether it did."""
        text = self.lineEdit().text()
        if text.strip() and self.validate(text, len(text))[0] != QValidator.State.Acceptable:
            self.refused.emit(text.strip())
            return True
        return False
