"""The window without a mouse: Tab reaches the controls, and a control reached with Tab keeps the keys it acts on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget


def tab_to(target: QWidget, backwards: bool = False, presses: int = 80) -> None:
    """Press Tab (or Shift+Tab) on whatever has the focus until the target has it, as a person would."""
    key = Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab
    for _ in range(presses):
        if target.hasFocus():
            return
        QTest.keyClick(QApplication.focusWidget() or target.window(), key)
    assert target.hasFocus(), f"{presses} presses of Tab did not reach {target}"


def keyboard_window(make_main_window, activate, preset: str = "bowl"):
    """A shown, active window with nothing playing."""
    window = make_main_window(preset)
    activate(window)
    window.formula_panel.formula_edit.setFocus(Qt.FocusReason.OtherFocusReason)
    return window


def test_space_and_enter_press_a_button_reached_with_tab(make_main_window, activate, qtbot) -> None:
    """Space started playback, and Enter did nothing, on the Runs panel's buttons: no comparison without a mouse."""
    window = keyboard_window(make_main_window, activate)
    window.teaching_docks.show_panel("runs_dock")
    button = window.teaching_docks.runs_panel.quick_buttons["Race optimizers"]
    tab_to(button)
    QTest.keyClick(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(window.session.run_specs) > 1)
    assert not window.stepper.playing
    window.session.set_runs(window.session.run_specs[:1])
    QTest.keyClick(button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.session.run_specs) > 1)
    assert not window.stepper.playing


def test_a_button_the_mouse_pressed_leaves_space_to_the_window(make_main_window, activate, qtbot) -> None:
    """A lecturer who clicked a button and then presses Space (or the clicker's key) plays the run."""
    window = keyboard_window(make_main_window, activate)
    window.teaching_docks.show_panel("runs_dock")
    button = window.teaching_docks.runs_panel.quick_buttons["Race optimizers"]
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.session.run_specs) > 1)
    assert button.hasFocus()
    QTest.keyClick(button, Qt.Key.Key_Space)
    assert window.stepper.playing


def test_arrows_pick_the_update_sign_reached_with_tab_instead_of_stepping(make_main_window, activate) -> None:
    """→ on the focused 'correct' radio button stepped the run: the sign could not be chosen by keys."""
    window = keyboard_window(make_main_window, activate)
    tab_to(window.stepper.correct_button)
    QTest.keyClick(window.stepper.correct_button, Qt.Key.Key_Right)
    assert window.stepper.wrong_button.isChecked()
    assert window.session.step == 0 and window.session.run_specs[0].sign == "wrong"


def test_a_letter_typed_in_the_optimizer_list_finds_an_optimizer(make_main_window, activate) -> None:
    """Typing 'a' in the optimizer box hid the gradient arrows (the window's A) instead of finding AdaGrad."""
    window = keyboard_window(make_main_window, activate)
    box = window.stepper.optimizer_box
    tab_to(box)
    QTest.keyClick(box, Qt.Key.Key_A)
    assert box.currentText().startswith("Ada")
    assert window.session.view.show_arrows


def test_tab_after_enter_goes_on_from_the_field_left(make_main_window, activate) -> None:
    """After Enter in the η field the next Tab started again at the Gallery box, ten presses away."""
    window = keyboard_window(make_main_window, activate)
    edit = window.stepper.lr_edit
    tab_to(edit)
    edit.selectAll()
    QTest.keyClicks(edit, "0.05")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert window.session.run_specs[0].lr == 0.05
    assert QApplication.focusWidget() is None  # the window has the keys: Space plays, a clicker steps
    QTest.keyClick(window, Qt.Key.Key_Tab)
    after = QApplication.focusWidget()
    assert after is not None and after is not window.formula_panel.preset_box
    QTest.keyClick(after, Qt.Key.Key_Backtab)
    assert edit.hasFocus()


def test_a_letter_in_the_gallery_box_opens_its_list_and_chooses_nothing(make_main_window, activate, qtbot) -> None:
    """'h' in the Gallery box, which has the focus at start-up, opened Himmelblau over what was shown."""
    window = keyboard_window(make_main_window, activate)
    box = window.formula_panel.preset_box
    formula = window.session.analysis.formula.text
    box.setFocus(Qt.FocusReason.OtherFocusReason)
    QTest.keyClick(box, Qt.Key.Key_H)
    qtbot.waitUntil(lambda: box.view().isVisible())
    assert window.session.analysis.formula.text == formula
    box.hidePopup()
