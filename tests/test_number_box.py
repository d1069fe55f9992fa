"""The number box: significant digits shown, any typed number taken (1/10 and −2 too), anything else refused whole."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QWidget
from window_keys import paste_into

from gradviz.app.number_box import NumberBox, typed_text_shown
from gradviz.app.status_bar import ElidingStatusBar
from gradviz.core.notation import format_number


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


def test_takes_numbers_as_typed_and_holds_other_text_to_refuse_it_whole(qtbot) -> None:
    """Other text is shown as typed (Intermediate), to be refused whole: a key refused as typed left the rest to be
    typed on, and 1/10 made 110."""
    box = NumberBox(-10.0, 10.0)
    qtbot.addWidget(box)
    typed = ("2.5e-3", "1/4", "\u22122", "-", "1e", ".", "1/", "abc", "1x", "0.0.5", "11")
    states = {text: box.validate(text, len(text))[0] for text in typed}
    assert states == {"2.5e-3": QValidator.State.Acceptable, "1/4": QValidator.State.Acceptable,
                      "\u22122": QValidator.State.Acceptable, "-": QValidator.State.Intermediate,
                      "1e": QValidator.State.Intermediate, ".": QValidator.State.Intermediate,
                      "1/": QValidator.State.Intermediate, "abc": QValidator.State.Intermediate,
                      "1x": QValidator.State.Intermediate, "0.0.5": QValidator.State.Intermediate,
                      "11": QValidator.State.Intermediate}  # out of range: not yet a value
    for text, value in (("2.5e-3", 0.0025), ("1/4", 0.25), ("-3/4", -0.75), ("1e-3/2", 0.0005)):
        type_over(qtbot, box, text)
        qtbot.keyClick(box, Qt.Key.Key_Return)
        assert box.value() == value and box.text() == format_number(value, ascii_minus=True), text


def box_typed_into(qtbot, value: float, typed: str, reported: list[str], changes: list[float] | None = None
                   ) -> NumberBox:
    """A box holding value, `typed` typed over it and entered; what it refused goes into reported, its value's
    changes into changes."""
    box = NumberBox()
    qtbot.addWidget(box)
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
    ("2,5", "write the decimal point as a point (2.5)"),  # the comma was dropped, as a thousands separator: 25
    ("-1,5e-3", "write the decimal point as a point (-1.5e-3)"),
    ("1,5/2", "write the decimal point as a point (1.5/2)"),
    ("1,000,000", "write it without commas (1000000)"),
    ("1,000", "write a decimal point as a point (1.000), thousands without commas (1000)"),
    ("-12,500", "write a decimal point as a point (-12.500), thousands without commas (-12500)"),
    ("12,50", "write the decimal point as a point (12.50)"), ("1,a", "it is not a number"), (",", "it is not a number"),
    ("-0.5e-999", "-0.5e-999 is too small to tell from 0"),
    ("0e-400", ""), ("-0.0", ""),
    ("0x10", "write it in decimals (16)"),
    ("0x", "it is not a number"), ("0b12", "it is not a number"),  # 0b12: int() raised out of the validator
    ("1/10", ""), ("-1/8", ""), ("0/5", ""), (" 3 / 4 ", "it is not a number"),  # a fraction is written as one number
    ("1/0", "it divides by 0"), ("0/0.0", "it divides by 0"), ("1e-400/2", "1e-400 is too small to tell from 0"),
    ("1e-200/1e200", "1e-200/1e200 is too small to tell from 0"), ("2e12/2", ""), ("1e400/1e400", "1e400/1e400 is "
                                                                                     "not a number"),
    ("1/2/3", "it is not a number"), ("2**3", "it is not a number"), ("1/x", "it is not a number"),  # never evaluated
    ("\u22122", ""), ("\u22121e\u22123", ""), ("\u2013 2", "it is not a number"),  # −2 as the app's messages write it
    ("\u20132", ""), ("\u20122", ""), ("\uff0d2", ""), ("\u2014 2", "it is not a number"),  # dashes copied as minus
])
def test_the_box_says_why_it_cannot_take_a_number(qtbot, typed: str, why: str) -> None:
    box = NumberBox()
    qtbot.addWidget(box)
    assert box.refusal(typed) == why
    accepted = box.validate(typed, len(typed))[0] == QValidator.State.Acceptable
    assert accepted == (not why)


@pytest.mark.parametrize(("typed", "value"), [("1/8", 0.125), ("-3/4", -0.75), ("\u22122.5", -2.5),
                                              ("1e\u22123", 0.001), ("\u2013 0", None), ("2e12/2", 1e12)])
def test_a_fraction_or_a_copied_minus_sign_is_taken_as_the_number_it_writes(qtbot, typed: str,
                                                                             value: float | None) -> None:
    """−2 copied from the app's messages was refused, as 1/8 was, a student's natural way to write a number."""
    box = NumberBox()
    qtbot.addWidget(box)
    box.setValue(5.0)
    paste_into(qtbot, box, typed)
    assert box.value() == (5.0 if value is None else value)


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


def said_box(qtbot, value: float) -> tuple[NumberBox, ElidingStatusBar]:
    """A box named β₁ holding value, and the status bar it says what it refuses in (and takes it back from)."""
    box = NumberBox(0.0, 0.9999)
    bar = ElidingStatusBar()
    for widget in (box, bar):
        qtbot.addWidget(widget)
    box.setValue(value)
    box.say_refusals("β₁", bar.showMessage, bar.take_back)
    return box, bar


@pytest.mark.parametrize(("pasted", "said"), [
    ("1e-400", "β₁ = 1e-400 was not used: 1e-400 is too small to tell from 0 (it stays 0.9)."),  # β₁ became 0
    ("0." + "9" * 10_000, "β₁ = 0.9999999999… was not used: the box takes numbers from 0 to 0.9999 (it stays 0.9)."),
    ("nan", "β₁ = nan was not used: nan is not a number (it stays 0.9)."),
])
def test_a_pasted_number_the_box_cannot_take_is_put_back_saying_why(qtbot, pasted: str, said: str) -> None:
    box, bar = said_box(qtbot, 0.9)
    box.show()
    paste_into(qtbot, box, pasted)
    assert box.value() == 0.9 and bar.full_message() == said


def test_text_that_is_no_number_is_shown_as_typed_said_and_refused_whole_on_enter(qtbot) -> None:
    """A letter typed was refused as a key, and the number typed on made another (0.5q1 made 0.51): now the box shows
    what is typed and says why it is no number; Enter refuses it whole, the box putting its value back; 1e-3 and 0x10
    are typed key by key as ever."""
    box, bar = said_box(qtbot, 0.9)
    type_over(qtbot, box, "0.5q")
    assert box.text() == "0.5q"
    assert bar.full_message() == "β₁ = 0.5q cannot be used: it is not a number; Enter keeps 0.9."
    qtbot.keyClick(box, Qt.Key.Key_Backspace)
    assert box.text() == "0.5" and bar.full_message() == "", "mended: the hint is taken back"
    qtbot.keyClicks(box, "q1")
    assert bar.full_message() == "β₁ = 0.5q1 cannot be used: it is not a number; Enter keeps 0.9."
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 0.9 and box.text() == "0.9", "no number made of the keys around the letter"
    assert bar.full_message() == "β₁ = 0.5q1 was not used: it is not a number (it stays 0.9)."
    type_over(qtbot, box, "1e-3")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 0.001 and bar.full_message() == "", "e writes an exponent; the refusal no longer holds"
    type_over(qtbot, box, "0x10")  # "0x" on the way is no number yet, as "1e" is not
    assert box.text() == "0x10" and bar.full_message() == ""
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 0.001
    assert bar.full_message() == "β₁ = 0x10 was not used: write it in decimals (16) (it stays 0.001)."
    box.setSingleStep(0.01)
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert box.value() == 0.011 and bar.full_message() == "", "a number stepped to: the refusal no longer holds"
    type_over(qtbot, box, "0.0.5")
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert box.value() == 0.011
    assert bar.full_message() == "β₁ = 0.0.5 was not used: it is not a number (it stays 0.011)."


def box_in_window(window, kind: str) -> tuple[QWidget, str, Callable[[], float]]:
    """A number box of the window (a range's end, a held value, η, Adam's β₁, the speed or the step budget), the words
    naming it in messages, and the value it sets (the speed: the play timer's interval)."""
    session, panel = window.session, window.formula_panel
    if kind == "range":
        return panel.high_boxes[0], "x to", lambda: session.plot.ranges["x"][1]
    if kind == "held":
        return panel._fixed_widgets["z"][1], "z held at", lambda: session.fixed["z"]
    if kind == "η":
        return window.stepper.lr_edit, "η =", lambda: session.run_specs[0].lr
    if kind == "speed":
        return window.stepper.speed_box, "speed =", lambda: window.stepper.timer.interval()
    if kind == "budget":
        return window.stepper.budget_box, "step budget =", lambda: session.run_specs[0].max_steps
    session.update_run(0, optimizer="adam", params={"beta1": 0.9, "beta2": 0.999})
    session.wait_for_runs()
    return window.stepper._parameter_boxes["beta1"], "β₁ =", lambda: session.run_specs[0].params["beta1"]


WINDOW_BOXES = [("bowl", "range"), ("three-variables", "held"), ("bowl", "η"), ("bowl", "β₁")]
COMMA_REFUSED = "write the decimal point as a point (2.5)"


def refusal_said(window, name: str, typed: str, why: str = "it is not a number") -> bool:
    """Whether the status bar says the box named `name` did not use `typed`, and why."""
    return window.statusBar().full_message().startswith(f"{name} {typed} was not used: {why} (")


@pytest.mark.parametrize("typed", ["0.0.5", "5e-3x", "1/10x", "abc"])
@pytest.mark.parametrize(("preset", "kind"), WINDOW_BOXES)
def test_text_typed_into_a_window_s_number_box_that_is_no_number_is_refused_whole(make_main_window, qtbot, preset: str,
                                                                                  kind: str, typed: str) -> None:
    """0.0.5 typed made 0.05, and 5e-3x 0.005: a key refused as typed left the rest to make another number."""
    window = make_main_window(preset)
    box, name, taken = box_in_window(window, kind)
    value, shown = taken(), box.text()
    type_over(qtbot, box, typed)
    assert box.text() == typed
    assert window.statusBar().full_message() == (f"{name} {typed} cannot be used: it is not a number; Enter keeps "
                                                 f"{format_number(value)}.")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert taken() == value and box.text() == shown and refusal_said(window, name, typed)


@pytest.mark.parametrize(("preset", "kind"), WINDOW_BOXES)
def test_a_fraction_or_a_number_copied_from_a_message_is_taken_by_a_window_s_number_box(make_main_window, qtbot,
                                                                                       preset: str, kind: str) -> None:
    """η typed 1/10 became 110 (1/8: 18); 1e−3, as the app's messages write it, was refused."""
    window = make_main_window(preset)
    box, _name, taken = box_in_window(window, kind)
    type_over(qtbot, box, "1/8")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    window.session.wait_for_runs()
    assert taken() == 0.125 and window.statusBar().full_message() == ""
    paste_into(qtbot, box, "1e\u22123")
    window.session.wait_for_runs()
    assert taken() == 0.001


@pytest.mark.parametrize(("preset", "kind"), WINDOW_BOXES)
def test_text_pasted_into_a_window_s_number_box_that_is_no_number_is_said(make_main_window, qtbot, preset: str,
                                                                           kind: str) -> None:
    """Pasted 'abc' did nothing and said nothing, where pasted 'nan' was refused saying why."""
    window = make_main_window(preset)
    box, name, taken = box_in_window(window, kind)
    value, shown = taken(), box.text()
    paste_into(qtbot, box, "abc")
    assert box.text() == shown and taken() == value and refusal_said(window, name, "abc")


@pytest.mark.parametrize(("preset", "kind"), WINDOW_BOXES)
def test_a_refusal_is_taken_back_once_the_box_takes_a_number(make_main_window, qtbot, preset: str, kind: str) -> None:
    """'η = −0.5 was not used … (it stays 0.1)' stayed in the status bar after η = 0.05 was typed and taken."""
    window = make_main_window(preset)
    box, name, taken = box_in_window(window, kind)
    bar = window.statusBar()
    for typed in ("0.25", "0.25"):  # a new number, then the one the box holds: either way the refusal no longer holds
        type_over(qtbot, box, "0.0.5")
        qtbot.keyClick(box, Qt.Key.Key_Return)
        assert refusal_said(window, name, "0.0.5")
        type_over(qtbot, box, typed)
        qtbot.keyClick(box, Qt.Key.Key_Return)
        window.session.wait_for_runs()
        assert taken() == 0.25 and bar.full_message() == ""
    type_over(qtbot, box, "0.0.5")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    bar.showMessage("Playing 60 steps per second", 3000)  # said since the refusal: it stays
    type_over(qtbot, box, "0.5")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert taken() == 0.5 and bar.full_message() == "Playing 60 steps per second"


@pytest.mark.parametrize(("preset", "kind"), [("bowl", "range"), ("three-variables", "held")])
def test_a_refusal_is_taken_back_once_the_box_s_value_changes_from_elsewhere(make_main_window, qtbot, preset: str,
                                                                            kind: str) -> None:
    """'x to 0.0.5 was not used … (x stays from −3 to 0.25)' stayed up after the map was zoomed to other ranges (z's
    after its slider moved), until it timed out."""
    window = make_main_window(preset)
    box, name, taken = box_in_window(window, kind)
    type_over(qtbot, box, "0.25")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    type_over(qtbot, box, "0.0.5")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert refusal_said(window, name, "0.0.5") and taken() == 0.25
    if kind == "range":
        window.session.set_range("x", -1.0, 0.5)  # as zooming the map does
    else:
        window.formula_panel._fixed_widgets["z"][0].setValue(window.formula_panel._fixed_widgets["z"][0].maximum())
    assert taken() != 0.25 and window.statusBar().full_message() == ""


def test_an_eta_refused_is_taken_back_once_an_eta_is_typed_or_slid_to(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    edit, slider, session = window.stepper.lr_edit, window.stepper.lr_slider, window.session
    bar = window.statusBar()
    type_over(qtbot, edit, "-0.5")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert bar.full_message() == ("η = -0.5 was not used: η is positive: to step uphill, choose the wrong update sign "
                                  "(S) instead (it stays 0.1).")
    type_over(qtbot, edit, "0.05")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    session.wait_for_runs()
    assert session.run_specs[0].lr == 0.05 and bar.full_message() == ""
    type_over(qtbot, edit, "-0.5")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    slider.setValue(slider.value() + 50)
    session.wait_for_runs()
    assert session.run_specs[0].lr > 0.05 and bar.full_message() == ""


@pytest.mark.parametrize(("preset", "kind"), [*WINDOW_BOXES, ("bowl", "speed"), ("bowl", "budget")])
def test_a_decimal_comma_is_refused_whole_asking_for_a_point(make_main_window, qtbot, preset: str, kind: str) -> None:
    """2,5 typed made 25, the comma dropped as a thousands separator, while the status bar said it was not used."""
    window = make_main_window(preset)
    box, name, taken = box_in_window(window, kind)
    value, shown = taken(), box.text()
    kept = box.value() if isinstance(box, NumberBox) else value
    type_over(qtbot, box, "2,5")
    assert taken() == value
    assert window.statusBar().full_message() == (f"{name} 2,5 cannot be used: {COMMA_REFUSED}; Enter keeps "
                                                 f"{format_number(kept)}.")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    window.session.wait_for_runs()
    assert taken() == value and box.text() == shown and refusal_said(window, name, "2,5", COMMA_REFUSED)
