"""The number box: significant digits shown, any typed number taken, anything else refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QWidget
from window_keys import paste_into

from gradviz.app.number_box import NumberBox, typed_text_shown


def type_over(qtbot, box: NumberBox, text: str) -> None:
    """Type text over what the box shows, as a user does: shown, focused, all selected."""
    box.show()
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)


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
    type_over(qtbot, box, "2.5e-3")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 0.0025 and box.text() == "0.0025"


def box_typed_into(qtbot, value: float, typed: str, reported: list[str], changes: list[float] | None = None
                   ) -> NumberBox:
    """A box holding value, `typed` typed over it and entered; what it refused goes into reported, its value's
    changes into changes."""
    box = NumberBox()
    qtbot.addWidget(box)
    box.setKeyboardTracking(False)  # as the range boxes: the value is taken on Enter, not as each digit is typed
    box.setValue(value)
    box.refused.connect(reported.append)
    box.valueChanged.connect((changes if changes is not None else []).append)
    type_over(qtbot, box, typed)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    return box


@pytest.mark.parametrize(("typed", "refused"), [("1e13", ["1e13"]), ("1e-320", []), ("1e-13", []), ("2.5", [])])
def test_a_number_put_back_is_reported(qtbot, typed: str, refused: list[str]) -> None:
    """1e13 beyond the limits: the box puts its value back and says what; 1e-13 or 1e-320 it keeps as typed."""
    reported: list[str] = []
    box = box_typed_into(qtbot, 1.0, typed, reported)
    assert reported == refused
    assert box.value() == (1.0 if refused else float(typed))


@pytest.mark.parametrize(("typed", "why"), [
    ("1e13", "the box takes numbers from −1e12 to 1e12"),
    ("1e-13", ""),  # its twelve decimals made it 0
    ("1.5e-12", ""),  # …and 2e−12
    ("1e", "it is not a number"),
    ("0.1234567891234567", ""),
    (" 5 ", ""), ("1_000", ""),  # as Python reads numbers
    ("nan", "nan is not a number"),  # it said: the box takes numbers from −1e12 to 1e12
    ("-inf", "-inf is not a finite number"),
    ("1e400", "the box takes numbers from −1e12 to 1e12"),  # a number, beyond a float's
    ("1e-400", "1e-400 is too small to tell from 0"),  # it became 0 without a word
    ("-0.5e-999", "-0.5e-999 is too small to tell from 0"),
    ("0e-400", ""), ("-0.0", ""),
    ("0x10", "write it in decimals (16)"),
    ("0x", "it is not a number"), ("0b12", "it is not a number"),  # 0b12: int() raised out of the validator
])
def test_the_box_says_why_it_cannot_take_a_number(qtbot, typed: str, why: str) -> None:
    box = NumberBox()
    qtbot.addWidget(box)
    assert box.refusal(typed) == why
    accepted = box.validate(typed, len(typed))[0] == QValidator.State.Acceptable
    assert accepted == (not why)


def test_a_value_put_back_keeps_its_digits_beyond_those_shown(qtbot) -> None:
    """After a refused number the box read its value again from the 7 digits shown: 0.1234567891 became 0.1234568."""
    reported: list[str] = []
    changes: list[float] = []
    box = box_typed_into(qtbot, 0.1234567891, "1e13", reported, changes)
    assert box.value() == 0.1234567891 and box.text() == "0.1234568" and changes == [] and reported == ["1e13"]


@pytest.mark.parametrize("value", [1e-13, 1.5e-12, -2.5e-300, 1e-320, 0.1234567891234567])
def test_the_box_keeps_and_shows_every_number_it_takes(qtbot, value: float) -> None:
    """With twelve decimals the box kept 1e−13 as 0, and a range end typed so disagreed with the range it made."""
    box = NumberBox()
    qtbot.addWidget(box)
    box.setValue(value)
    assert box.value() == value and float(box.text()) == pytest.approx(value, rel=1e-6)


def test_steps_by_the_arrows_keep_no_binary_noise(qtbot) -> None:
    """0.9 stepped up by hundredths became 0.9400000000000001 once every decimal was kept; a typed number steps too."""
    box = NumberBox(0.0, 1.0)
    qtbot.addWidget(box)
    box.setSingleStep(0.01)
    box.setValue(0.9)
    changes: list[float] = []
    box.valueChanged.connect(changes.append)
    for _ in range(12):
        box.stepBy(1)
    assert changes == [0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0], "up to its top, then no more"
    type_over(qtbot, box, "0.5")
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.value() == 0.49 and box.text() == "0.49"


@pytest.mark.parametrize(("typed", "shown"), [(" 1.0000000000001e12 ", "1.0000000000001e12"), ("9" * 10_000, "∞"),
                                              ("-" + "9" * 10_000, "−∞"), ("0." + "9" * 10_000, "0.9999999999…"),
                                              ("n" * 10_000, "nnnnnnnnnnnn…")])
def test_a_message_names_typed_text_short_enough_to_leave_room_for_why(typed: str, shown: str) -> None:
    assert typed_text_shown(typed) == shown


@pytest.mark.parametrize(("pasted", "said"), [
    ("1e-400", "β₁ = 1e-400 was not used: 1e-400 is too small to tell from 0 (it stays 0.9)."),  # β₁ became 0
    ("0." + "9" * 10_000, "β₁ = 0.9999999999… was not used: the box takes numbers from 0 to 0.9999 (it stays 0.9)."),
    ("nan", "β₁ = nan was not used: nan is not a number (it stays 0.9)."),
])
def test_a_pasted_number_the_box_cannot_take_is_put_back_saying_why(qtbot, pasted: str, said: str) -> None:
    box = NumberBox(0.0, 0.9999)
    qtbot.addWidget(box)
    box.setKeyboardTracking(False)
    box.setValue(0.9)
    messages: list[str] = []
    box.say_refusals("β₁", messages.append)
    box.show()
    paste_into(qtbot, box, pasted)
    assert box.value() == 0.9 and messages == [said]


def said_box(qtbot, value: float, messages: list[str]) -> NumberBox:
    """A box named β₁ holding value, which tells messages what it refuses."""
    box = NumberBox(0.0, 0.9999)
    qtbot.addWidget(box)
    box.setKeyboardTracking(False)
    box.setValue(value)
    box.say_refusals("β₁", messages.append)
    return box


def test_a_letter_typed_is_not_taken_and_said_why_while_an_exponent_is_typed_as_ever(qtbot) -> None:
    """A letter typed into the box went without a word (pasted, 0x10 said why): now it says why, the box keeping its
    text; 1e-3 and 0x10 are typed key by key as ever."""
    messages: list[str] = []
    box = said_box(qtbot, 0.9, messages)
    type_over(qtbot, box, "0.5")
    qtbot.keyClick(box, Qt.Key.Key_Q)
    assert box.text() == "0.5" and messages == ["β₁ = 0.5q cannot be typed: it is not a number."]
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 0.5, "the number typed before the letter is taken"
    type_over(qtbot, box, "1e-3")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 0.001 and len(messages) == 1, "e writes an exponent"
    type_over(qtbot, box, "0x10")  # "0x" on the way is no number yet, as "1e" is not
    assert box.text() == "0x10" and len(messages) == 1
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 0.001 and messages[1:] == ["β₁ = 0x10 was not used: write it in decimals (16) (it stays "
                                                     "0.001)."]


def box_in_window(window, kind: str) -> tuple[QWidget, str, Callable[[], float]]:
    """A number box of the window (a range's end, a held value, η or Adam's β₁), the words naming it in messages, and
    the value it sets."""
    session, panel = window.session, window.formula_panel
    if kind == "range":
        return panel.high_boxes[0], "x to", lambda: session.plot.ranges["x"][1]
    if kind == "held":
        return panel._fixed_widgets["z"][1], "z held at", lambda: session.fixed["z"]
    if kind == "η":
        return window.stepper.lr_edit, "η =", lambda: session.run_specs[0].lr
    session.update_run(0, optimizer="adam", params={"beta1": 0.9, "beta2": 0.999})
    session.wait_for_runs()
    return window.stepper._parameter_boxes["beta1"], "β₁ =", lambda: session.run_specs[0].params["beta1"]


WINDOW_BOXES = [("bowl", "range"), ("three-variables", "held"), ("bowl", "η"), ("bowl", "β₁")]


@pytest.mark.parametrize(("preset", "kind"), WINDOW_BOXES)
def test_a_letter_typed_into_a_window_s_number_box_is_said_and_the_number_typed_kept(make_main_window, qtbot,
                                                                                       preset: str, kind: str) -> None:
    window = make_main_window(preset)
    box, name, taken = box_in_window(window, kind)
    type_over(qtbot, box, "0.5")
    qtbot.keyClick(box, Qt.Key.Key_Q)
    assert box.text() == "0.5"
    assert window.statusBar().full_message() == f"{name} 0.5q cannot be typed: it is not a number."
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert taken() == 0.5


@pytest.mark.parametrize(("preset", "kind"), WINDOW_BOXES)
def test_text_pasted_into_a_window_s_number_box_that_is_no_number_is_said(make_main_window, qtbot, preset: str,
                                                                           kind: str) -> None:
    """Pasted 'abc' did nothing and said nothing, where pasted 'nan' was refused saying why."""
    window = make_main_window(preset)
    box, name, taken = box_in_window(window, kind)
    value, shown = taken(), box.text()
    paste_into(qtbot, box, "abc")
    assert box.text() == shown and taken() == value
    assert window.statusBar().full_message() == f"{name} abc cannot be typed: it is not a number."
