"""The number box: significant digits shown, any typed number taken, anything else refused."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator

from gradviz.app.number_box import NumberBox


@pytest.mark.parametrize(("value", "shown"), [(-2.0, "-2"), (0.000125, "0.000125"), (1e-6, "1e-6"),
                                              (1000001.0, "1000001"), (0.123456789, "0.1234568")])
def test_shows_significant_digits_not_fixed_decimals(qtbot, value: float, shown: str) -> None:
    box = NumberBox()
    qtbot.addWidget(box)
    box.setValue(value)
    assert box.text() == shown and box.value() == pytest.approx(value, abs=1e-12)


def test_takes_numbers_as_typed_and_refuses_other_text(qtbot) -> None:
    box = NumberBox(-10.0, 10.0)
    qtbot.addWidget(box)
    states = {text: box.validate(text, len(text))[0] for text in ("2.5e-3", "-", "1e", ".", "abc", "1x", "11")}
    assert states == {"2.5e-3": QValidator.State.Acceptable, "-": QValidator.State.Intermediate,
                      "1e": QValidator.State.Intermediate, ".": QValidator.State.Intermediate,
                      "abc": QValidator.State.Invalid, "1x": QValidator.State.Invalid,
                      "11": QValidator.State.Intermediate}  # out of range: not yet a value
    box.show()
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "2.5e-3")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 0.0025 and box.text() == "0.0025"


@pytest.mark.parametrize(("typed", "refused"), [("1e13", ["1e13"]), ("1e-320", ["1e-320"]), ("2.5", [])])
def test_a_number_put_back_is_reported(qtbot, typed: str, refused: list[str]) -> None:
    """1e13 beyond the limits, or 1e-320 that would be kept as 0: the box puts its value back and says what."""
    box = NumberBox()
    qtbot.addWidget(box)
    box.setKeyboardTracking(False)  # as the range boxes: the value is taken on Enter, not as each digit is typed
    box.setValue(1.0)
    reported: list[str] = []
    box.refused.connect(reported.append)
    box.show()
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, typed)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert reported == refused
    assert box.value() == (1.0 if refused else float(typed))


@pytest.mark.parametrize(("typed", "why"), [
    ("1e13", "the box takes numbers from −1e12 to 1e12"),
    ("1e-13", "the box keeps 12 decimals, which make it 0"),
    ("1.5e-12", "the box keeps 12 decimals, which make it 2e−12"),  # taken, it showed 2e−12 for 1.5e−12
    ("1e", "it is not a number"),
    ("0.1234567891234567", ""),
])
def test_the_box_says_why_it_cannot_take_a_number(qtbot, typed: str, why: str) -> None:
    box = NumberBox()
    qtbot.addWidget(box)
    assert box.refusal(typed) == why
    accepted = box.validate(typed, len(typed))[0] == QValidator.State.Acceptable
    assert accepted == (not why)


def test_a_value_put_back_keeps_its_digits_beyond_those_shown(qtbot) -> None:
    """After a refused number the box read its value again from the 7 digits shown: 0.1234567891 became 0.1234568."""
    box = NumberBox()
    qtbot.addWidget(box)
    box.setKeyboardTracking(False)
    box.setValue(0.1234567891)
    changes: list[float] = []
    box.valueChanged.connect(changes.append)
    box.show()
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "1e13")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 0.1234567891 and box.text() == "0.1234568" and changes == []
