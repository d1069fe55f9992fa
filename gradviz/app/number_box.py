"""A spin box that writes its value with significant digits, so that any range a view can show reads right in it."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from PySide6.QtCore import QLocale, QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QFocusEvent, QKeyEvent, QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QLineEdit, QWidget

from gradviz.core.notation import format_number
from gradviz.core.scenario import LARGEST_VALUE

# the dashes a copied number may have for its minus sign: the app's own (−2, as its messages write numbers), the figure
# and en dashes of word processors, the small and full-width hyphen-minus; where a number has a dash, it is its minus
MINUS_SIGNS = str.maketrans(dict.fromkeys("\u2212\u2012\u2013\ufe63\uff0d", "-"))
# what a number may look like while it is being typed: "", "-", "1.", ".5", "1e", "1e-", "2.5e-3"
_PARTIAL_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d*)?([eE][+-]?\d*)?")
# a number written in decimals: 2, -0.5, .5, 1e-3 (each digit matched one way only: 10,000 digits pasted took minutes)
_DECIMAL = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_FRACTION = re.compile(rf"({_DECIMAL})/({_DECIMAL})")  # 1/10, as a student writes η: each part read by float()
_PARTIAL_FRACTION = re.compile(rf"{_DECIMAL}/{_PARTIAL_NUMBER.pattern}")  # 1/ on the way to 1/10
# 0x10, 0b101: a number, written as Python would (or its "0x" being typed)
_INTEGER_LITERAL = re.compile(r"[+-]?0[xXoObB][0-9a-fA-F_]*")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")  # 1,000,000 or 12,345.5: commas grouping digits
SHOWN_DIGITS = 7
KEPT_DECIMALS = 323  # QDoubleSpinBox rounds its value to this many decimals: its most, which keep every number whole
STEPPED_DIGITS = 15  # a value stepped by the arrows keeps these significant digits: 0.94, not 0.9400000000000001
NOT_A_NUMBER = "it is not a number"
DIVIDES_BY_ZERO = "it divides by 0"
SHOWN_TYPED_LENGTH = 24  # typed text longer than this is shortened in messages, so that their reason shows
SHORTENED_TYPED_LENGTH = 12  # the characters of a long typed text a message keeps (then "…")


def number_text(text: str) -> str:
    """Typed text as its number is read: trimmed, its minus signs '-' ('−2' copied from a message is -2)."""
    return text.strip().translate(MINUS_SIGNS)


def typed_number(text: str) -> float:
    """The number typed text writes: as float() reads it ('1e-3', ' 5 ', '1_000', '−2'), or a fraction of two numbers
    written in decimals ('1/10' is 0.1); ValueError for any other text, or a division by 0.

    Text is read by float() alone, never evaluated: '2**3' or '1/x' is no number.
    """
    typed = number_text(text)
    fraction = _FRACTION.fullmatch(typed)
    if fraction is None:
        return float(typed)
    numerator, denominator = (float(part) for part in fraction.groups())
    if denominator == 0:
        raise ValueError(DIVIDES_BY_ZERO)
    return numerator / denominator


def typed_text_shown(text: str) -> str:
    """Typed text as a message names it: as typed (trimmed) if short; a long number's first characters and '…', or
    ∞ where it is too large for a float (a pasted 10,000-digit number left no room for the reason)."""
    typed = text.strip()
    if len(typed) <= SHOWN_TYPED_LENGTH:
        return typed
    try:
        value = typed_number(typed)
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
    fraction = _FRACTION.fullmatch(number_text(typed))
    if fraction is not None:  # 1e-400/2: its part is too small; 1/0 divides by 0
        why = text_refusal(fraction[1]) or text_refusal(fraction[2])
        if why or float(fraction[2]) == 0:
            return why or DIVIDES_BY_ZERO
    try:
        value = typed_number(typed)
    except ValueError:
        return _comma_refusal(number_text(typed)) or _integer_literal_refusal(number_text(typed))
    if math.isnan(value):
        return f"{typed_text_shown(typed)} is not a number"
    if math.isinf(value) and not re.search(r"\d", typed):  # "inf" or "-Infinity", not a number beyond a float's
        return f"{typed_text_shown(typed)} is not a finite number"
    if value == 0.0 and re.search(r"[1-9]", re.split(r"[eE/]", typed)[0]):  # the mantissa (of the numerator) is not 0
        return f"{typed_text_shown(typed)} is too small to tell from 0"
    return ""


def could_become_number(text: str) -> bool:
    """Whether typed text is a number, or could be as more is typed ('1e', '1/', '0x'): not '0.0.', '1x', '0,' or
    '2,5' (said as it is typed, to be written with a point)."""
    typed = number_text(text)
    if "," in typed:
        return False
    partial = (_PARTIAL_NUMBER, _PARTIAL_FRACTION, _INTEGER_LITERAL)
    return text_refusal(typed) != NOT_A_NUMBER or any(pattern.fullmatch(typed) for pattern in partial)


def _comma_refusal(typed: str) -> str:
    """'write the decimal point as a point (2.5)' for 2,5, 'write it without commas (1000000)' for 1,000,000, both
    ways for 1,000 (a thousand to some, one to others); '' for text with no comma, or no number with its commas mended.

    A spin box of Qt's dropped a comma as a thousands separator: 2,5 typed was refused, and then became 25.
    """
    pointed = typed.replace(",", ".")
    if typed.count(",") == 1 and _THOUSANDS.fullmatch(typed) and "." not in typed:  # 1,000: a thousand, or 1.000?
        return (f"write a decimal point as a point ({typed_text_shown(pointed)}), thousands without commas "
                f"({typed_text_shown(typed.replace(',', ''))})")
    if typed.count(",") == 1 and _is_number(pointed):
        return f"write the decimal point as a point ({typed_text_shown(pointed)})"
    if _THOUSANDS.fullmatch(typed):
        return f"write it without commas ({typed_text_shown(typed.replace(',', ''))})"
    return ""


def _is_number(text: str) -> bool:
    """Whether typed_number reads text as a number."""
    try:
        typed_number(text)
    except ValueError:
        return False
    return True


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


def unusable_hint(name: str, typed: str, why: str, kept: float) -> str:
    """What a box says of text typed that can become no number, which it shows until Enter puts its value back: 'x to
    0.5q cannot be used: it is not a number; Enter keeps 3.' (`name` names the box before the text: 'x to', 'η =')."""
    return f"{name} {typed_text_shown(typed)} cannot be used: {why}; Enter keeps {format_number(kept)}."


class Refusals(QObject):
    """What a number box said it could not use (for the status bar), taken back once it no longer holds.

    'η = −0.5 was not used: … (it stays 0.1)' stayed in the status bar after η = 0.05 was typed and taken.
    """

    said = Signal(str)
    taken_back = Signal(str)  # what was said, now that it no longer holds

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._said = ""
        self._hint = False  # what was said is of text still being typed (see unusable_hint)

    def say(self, text: str, hint: bool = False) -> None:
        """Say text; a hint, of text still being typed, is taken back as soon as the text could be a number again."""
        self._said, self._hint = text, hint
        self.said.emit(text)

    def take_back(self, hint_only: bool = False) -> None:
        """Take back what was said last (with hint_only, only a hint): a value was taken, or the typing mended."""
        if self._said and (self._hint or not hint_only):
            self.taken_back.emit(self._said)
            self._said = ""

    def connect_to(self, say: Callable[[str], None], take_back: Callable[[str], None]) -> None:
        """Have say show what is said, and take_back take it away."""
        self.said.connect(say)
        self.taken_back.connect(take_back)


def watch_typing(edit: QLineEdit, typed_part: Callable[[str], str], unusable_typed: SignalInstance,
                 refusals: Refusals) -> None:
    """As text is typed or pasted into edit, emit unusable_typed with its number's part (typed_part) where it can
    become no number ('0.0.'), and take the hint said of it back where it could again (a key was taken back).

    The edit shows the text as typed: a key refused as it was typed left the rest to be typed on, and '1/10' made 110.
    """

    def edited(text: str) -> None:
        typed = typed_part(text)
        if could_become_number(typed):
            refusals.take_back(hint_only=True)
        else:
            unusable_typed.emit(typed)

    edit.textEdited.connect(edited)


def number_refusal(text: str, low: float, high: float, whole: bool = False) -> str:
    """Why a box for numbers from low to high (whole ones, with whole) cannot take typed text ('it is not a number'),
    or '' if it can."""
    why = text_refusal(text)
    if why:
        return why
    value = typed_number(text)
    if not low <= value <= high or (whole and not value.is_integer()):
        return f"the box takes {'whole ' if whole else ''}numbers from {format_number(low)} to {format_number(high)}"
    return ""


def typed_state(text: str, low: float, high: float, whole: bool = False) -> QValidator.State:
    """Acceptable: a number the box takes; else Intermediate, whatever is typed: a number on its way (1e), one refused
    with a reason (1e13 beyond the limits, nan, 0x10), or text that is none (0.0.5), refused whole on Enter.

    Invalid, a key that made no number was refused, and what was typed on after it made another number without a
    word: 1/10 typed became 110, 0.0.5 became 0.05, 5e-3x 0.005.
    """
    return QValidator.State.Intermediate if number_refusal(text, low, high, whole) else QValidator.State.Acceptable


class NumberBox(QDoubleSpinBox):
    """A QDoubleSpinBox that shows 0.000125, 1e-06 or 1000001 rather than a fixed number of decimals.

    With three decimals a map zoomed to a hundredth of a unit read "0.123 to 0.124", and the rounded
    values went back into the range at the next edit of the domain.
    """

    refused = Signal(str)  # text typed the box cannot take (1e13, 0.0.5), as Enter or leaving it puts its value back
    unusable_typed = Signal(str)  # text typed that can become no number (0.5q): the box shows it until Enter

    def __init__(self, low: float = -LARGEST_VALUE, high: float = LARGEST_VALUE, parent: QWidget | None = None,
                 whole: bool = False) -> None:
        """A box for values between low and high (whole numbers only, with whole)."""
        super().__init__(parent)
        self._whole = whole
        # the box reads and writes numbers its own way (typed_number, format_number), never the desktop's: the C
        # locale, no group separator
        locale = QLocale.c()
        locale.setNumberOptions(QLocale.NumberOption.OmitGroupSeparator | QLocale.NumberOption.RejectGroupSeparator)
        self.setLocale(locale)
        # a value is taken whole, on Enter or leaving the box: the speed took 1 on the way to 1/10, the point dialog 1e1
        # on the way to 1e13
        self.setKeyboardTracking(False)
        self.setDecimals(KEPT_DECIMALS)
        self.setRange(low, high)
        self.refusals = Refusals(self)  # what the box said it could not use, taken back once a value is taken
        watch_typing(self.lineEdit(), self.typed_part, self.unusable_typed, self.refusals)
        # A value from elsewhere (the map zoomed, a slider moved) ends what was said too: '(x stays from −3 to 0.25)'
        # stayed up over other ranges until it timed out
        self.valueChanged.connect(lambda _value: self.refusals.take_back())

    def typed_part(self, text: str) -> str:
        """The number's part of the box's text, without its prefix and suffix: 'budget 60 steps' → '60'."""
        return text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()

    def textFromValue(self, value: float) -> str:
        """The value with up to SHOWN_DIGITS significant digits."""
        return format_number(value, SHOWN_DIGITS, ascii_minus=True)

    def valueFromText(self, text: str) -> float:
        """The number typed (the value kept if it is not one the box takes, or if the text is the value as shown).

        Put back after a refused number, the value was read again from its shown digits: 0.1234567891 became 0.1234568.
        """
        typed = self.typed_part(text)
        if typed == self.textFromValue(self.value()) or self.refusal(typed):
            return self.value()
        return typed_number(typed)

    def refusal(self, text: str) -> str:
        """Why the box cannot take this text as its value ('it is not a number'), or '' if it can."""
        return number_refusal(self.typed_part(text), self.minimum(), self.maximum(), self._whole)

    def say_refusals(self, name: str, say: Callable[[str], None], take_back: Callable[[str], None]) -> None:
        """Tell `say` (the status bar) why a number typed as `name` was put back: 'β₁ = 2 was not used: … (it stays
        0.9).', and of text typed that is no number: 'β₁ = 0.9a cannot be used: it is not a number; Enter keeps 0.9.';
        and `take_back` once that no longer holds."""
        self.refused.connect(lambda typed: self.refusals.say(
            f"{name} = {typed_text_shown(typed)} was not used: {self.refusal(typed)} (it stays "
            f"{format_number(self.value())})."))
        self.unusable_typed.connect(lambda typed: self.say_unusable(f"{name} =", typed))
        self.refusals.connect_to(say, take_back)

    def say_unusable(self, name: str, typed: str) -> None:
        """Say why text typed cannot be used (see unusable_hint), until it could be or a value is taken."""
        self.refusals.say(unusable_hint(name, typed, self.refusal(typed), self.value()), hint=True)

    def validate(self, text: str, position: int) -> tuple[QValidator.State, str, int]:
        """As typed_state says for the number typed and the box's limits."""
        return typed_state(self.typed_part(text), self.minimum(), self.maximum(), self._whole), text, position

    def fixup(self, text: str) -> str:
        """Text as typed: refused whole, never mended into another number.

        Qt's fixup dropped a comma as a thousands separator after the box had refused 2,5: x to 2,5 became 25.
        """
        return text

    def stepBy(self, steps: int) -> None:
        """Step from the number typed or shown, as the box does, without a binary fraction's noise in the value.

        Kept to every decimal, 0.9 stepped up by hundredths became 0.9400000000000001, and went so into the run.
        """
        typed = self.lineEdit().text()
        if self.validate(typed, len(typed))[0] != QValidator.State.Acceptable:
            self._finish_typing()  # text that is no number is refused, saying why
            super().stepBy(steps)  # nothing to step from: the box puts its value back
            return
        stepped = self.valueFromText(typed) + steps * self.singleStep()
        self.setValue(float(f"{stepped:.{STEPPED_DIGITS}g}"))
        self.selectAll()
        self.refusals.take_back()  # a number stepped to: what was said of one typed before no longer holds

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter takes the number typed, or puts the value back and says so (refused), and then goes no further.

        Passed on, Enter on a refused number pressed a dialog's default button: the point dialog closed, x unchanged.
        """
        entered = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        refused = entered and self._finish_typing()
        super().keyPressEvent(event)
        if refused:
            event.accept()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Leaving the box takes the number typed, or puts the value back and says so (refused)."""
        self._finish_typing()
        super().focusOutEvent(event)

    def take_typed(self) -> bool:
        """Take the number typed, or put the value back and say so (refused), as leaving the box does; whether it
        refused."""
        if self._finish_typing():
            self.lineEdit().setText(self.prefix() + self.textFromValue(self.value()) + self.suffix())
            return True
        self.interpretText()
        return False

    def _finish_typing(self) -> bool:
        """Emit refused with the text typed if the box is about to put its value back (1e13 went without a word), or
        take back what the box said if a number was typed (even its own value: what was said no longer holds);
        whether it refused."""
        text = self.lineEdit().text()
        typed = self.typed_part(text)
        if typed and self.validate(text, len(text))[0] != QValidator.State.Acceptable:
            self.refused.emit(typed)
            return True
        if self.lineEdit().isModified():
            self.refusals.take_back()
        return False
