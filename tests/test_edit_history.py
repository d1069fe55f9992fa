"""The Edit menu: an edit comes back with Ctrl+Z, goes again with Ctrl+Shift+Z; f and its partials copy as LaTeX."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from test_main_window import SHOT, activate, type_formula, type_into

from gradviz.core.lessons import shipped_lessons
from gradviz.core.presets import find_preset


def settle(window, qtbot) -> None:
    """Finish what an edit or an undo started, then let the window record it (as a pause of the user's does)."""
    window.controller.wait()
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=5000)
    window.session.wait_for_runs()
    window.edit_history.record()


def press(window, qtbot, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    """A key pressed with the keys on the window (not in a text box), then the work it starts finished."""
    window.setFocus()
    qtbot.keyClick(window, key, modifiers)
    settle(window, qtbot)


def undo(window, qtbot) -> None:
    press(window, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def redo(window, qtbot) -> None:
    press(window, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def test_a_formula_replaced_by_a_preset_comes_back(make_main_window, monkeypatch, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window, qtbot)
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Discard)
    assert not window.edit_history.undo_action.isEnabled(), "nothing was edited yet"
    type_formula(window, qtbot, "sin(x) * y^2")
    settle(window, qtbot)
    mine = window.surface_view.render_to_array(*SHOT)
    window.open_preset(find_preset("himmelblau"))
    settle(window, qtbot)
    assert window.edit_history.undo_action.text() == "&Undo formula"

    undo(window, qtbot)
    assert window.session.analysis.formula.text == "sin(x) * y^2"
    assert window.formula_panel.formula_edit.text() == "sin(x) * y^2"
    assert np.abs(window.surface_view.render_to_array(*SHOT).astype(int) - mine).mean() < 1
    assert window.statusBar().currentMessage().startswith("Undone: formula")
    assert window.edit_history.redo_action.text() == "&Redo formula"

    redo(window, qtbot)
    assert window.session.analysis.formula.text == find_preset("himmelblau").scenario.formula
    undo(window, qtbot)
    undo(window, qtbot)
    assert window.session.analysis.formula.text == find_preset("bowl").scenario.formula
    assert not window.edit_history.undo_action.isEnabled()


def test_run_settings_come_back_one_edit_at_a_time_and_the_clock_stays(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window, qtbot)
    session, stepper = window.session, window.stepper
    first = session.run_specs[0]
    type_into(qtbot, stepper.lr_edit, "0.25")
    settle(window, qtbot)
    stepper.flip_sign()
    window.contour_view.start_dragged.emit(-1.0, 2.0)  # a drag of the start marker: many moves, one edit
    window.contour_view.start_dragged.emit(-1.5, 2.5)
    settle(window, qtbot)
    session.set_step(4)
    assert window.edit_history.undo_action.text() == "&Undo start point and update sign"

    undo(window, qtbot)
    assert session.run_specs[0].lr == 0.25 and session.run_specs[0].sign == first.sign
    assert session.run_specs[0].start == first.start
    assert session.step == 4, "undo edits; the clock is watching"
    assert stepper.lr_edit.text() == "0.25"
    undo(window, qtbot)
    assert session.run_specs[0] == first
    assert float(stepper.lr_edit.text()) == first.lr
    redo(window, qtbot)
    redo(window, qtbot)
    assert session.run_specs[0].start == {"x": -1.5, "y": 2.5} and session.run_specs[0].sign != first.sign
    assert window.statusBar().currentMessage() == "Redone: start point and update sign"
    assert not window.edit_history.redo_action.isEnabled()


def test_an_edit_not_yet_settled_is_the_one_undone(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window, qtbot)
    settle(window, qtbot)
    window.session.set_view(log_height=True)
    assert window.edit_history.undo_action.isEnabled()
    undo(window, qtbot)
    assert not window.session.view.log_height
    assert window.log_action.isChecked() is False


@pytest.mark.parametrize("what", ["camera", "presentation"])
def test_undo_leaves_what_is_watched_and_how_as_it_is(make_main_window, qtbot, what: str) -> None:
    window = make_main_window("bowl")
    activate(window, qtbot)
    window.session.update_run(0, lr=0.3)
    settle(window, qtbot)
    if what == "camera":
        window.camera_link.orbit(3, 1)
    else:
        window.presentation.toggle()
    camera = window.session.camera
    undo(window, qtbot)
    assert window.session.run_specs[0].lr != 0.3
    assert window.session.camera == camera
    assert window.presentation.active is (what == "presentation")
    if window.presentation.active:
        window.presentation.toggle()


def test_undo_in_a_lesson_stays_within_the_scene_and_keeps_the_lesson_open(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window, qtbot)
    lesson = shipped_lessons()[0]
    window.lesson_player.open_lesson(lesson)
    settle(window, qtbot)
    window.session.update_run(0, lr=window.session.run_specs[0].lr * 2)
    settle(window, qtbot)
    window.lesson_player.next_scene()
    settle(window, qtbot)
    assert not window.edit_history.undo_action.isEnabled(), "the scene is where undo starts (PageUp goes back)"
    scene_lr = window.session.run_specs[0].lr
    window.session.update_run(0, lr=scene_lr * 2)
    undo(window, qtbot)
    assert window.session.run_specs[0].lr == scene_lr
    assert window.lesson_player.lesson.scenes[1:] == lesson.scenes[1:], "scene 1's edit stays with the lesson"
    assert window.lesson_player.caption_bar.isVisible()
    assert window.lesson_player.index == 1
    assert window.session.analysis.formula.text == lesson.scenes[1].scenario.formula
    assert not window.edit_history.undo_action.isEnabled()


def test_a_gallery_examples_edits_in_a_lesson_are_undone_within_it(make_main_window, qtbot) -> None:
    """A gallery example shown after a scene starts the history over as a scene does; its edits come back one at a
    time, the example, the lesson and the scene before it staying as they are."""
    window = make_main_window("bowl")
    activate(window, qtbot)
    player, session = window.lesson_player, window.session
    window.document.open_lesson(shipped_lessons()[1])
    settle(window, qtbot)
    session.update_run(0, lr=0.07)  # scene 1's edit
    settle(window, qtbot)
    gallery = next(action.menu() for action in window.menuBar().actions() if action.text() == "&Gallery")
    himmelblau = find_preset("himmelblau")
    next(action for action in gallery.actions() if action.text().endswith(himmelblau.title)).trigger()
    settle(window, qtbot)
    assert player.example is himmelblau and not window.edit_history.undo_action.isEnabled()
    session.update_run(0, lr=0.002)
    settle(window, qtbot)
    session.update_run(0, sign="wrong")
    undo(window, qtbot)
    assert session.run_specs[0].sign == "correct" and session.run_specs[0].lr == 0.002
    undo(window, qtbot)
    assert session.run_specs[0] == himmelblau.scenario.runs[0] and not window.edit_history.undo_action.isEnabled()
    redo(window, qtbot)
    assert session.run_specs[0].lr == 0.002
    assert player.example is himmelblau and player.caption_bar.counter.text() == "after scene 1 / 4"
    assert session.analysis.formula.text == himmelblau.scenario.formula
    assert player.edited_lesson().scenes[0].scenario.runs[0].lr == 0.07, "the scene keeps its own edit"


def test_undo_keeps_an_edit_unsaved(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window, qtbot)
    window.session.update_run(0, lr=0.3)
    settle(window, qtbot)
    window.session.update_run(0, sign="wrong")
    assert window.isWindowModified()
    undo(window, qtbot)
    assert window.isWindowModified(), "the learning rate is still not the one saved"
    undo(window, qtbot)
    assert not window.isWindowModified(), "back to what was opened"


def test_the_probe_following_the_mouse_is_no_edit_and_stays_where_it_is(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window, qtbot)
    window.session.update_run(0, lr=0.3)
    settle(window, qtbot)
    for x in (0.5, 1.0, 1.5):
        window.session.set_probe({"x": x, "y": 1.0})
        settle(window, qtbot)
    assert window.edit_history.undo_action.text() == "&Undo learning rate"
    undo(window, qtbot)
    assert window.session.run_specs[0].lr != 0.3
    assert window.session.probe == {"x": 1.5, "y": 1.0}


def test_f_and_its_partials_are_copied_as_latex_as_typed(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window, qtbot)
    type_formula(window, qtbot, "2.1x^2 + 0.5|y|^3")
    press(window, qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.clipboard().text().splitlines() == [
        r"f(x, y) = 2.1 x^{2} + 0.5 \left|{y}\right|^{3}",
        r"\frac{\partial f}{\partial x} = 4.2 x",
        r"\frac{\partial f}{\partial y} = 1.5 y \left|{y}\right|",
    ]
    assert window.statusBar().currentMessage() == "Copied f and its 2 partials as LaTeX, one per line."
    assert window.copy_latex_action in window.formula_panel.derivatives_label._copy_actions


def test_ctrl_z_in_a_text_box_undoes_its_typing_then_the_windows_edits(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window, qtbot)
    window.session.update_run(0, lr=0.3)
    settle(window, qtbot)
    box = window.formula_panel.formula_edit
    box.setFocus()
    qtbot.keyClicks(box, " + 1")
    typed = box.text()
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert box.text() != typed, "the box's own typing first"
    assert window.session.run_specs[0].lr == 0.3
    while box.isUndoAvailable():
        qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(window, qtbot)
    assert window.session.run_specs[0].lr != 0.3, "then, with nothing left to undo in the box, the window's edit"


def test_ctrl_z_in_a_number_box_with_nothing_typed_undoes_the_windows_edit(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window, qtbot)
    window.stepper.flip_sign()
    settle(window, qtbot)
    for box in (window.stepper.budget_box, window.formula_panel.low_boxes[0]):
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        settle(window, qtbot)
        qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        settle(window, qtbot)
    assert window.session.run_specs[0].sign == "wrong"
    assert window.statusBar().currentMessage() == "Redone: update sign"


def test_a_formula_typed_in_pauses_is_one_edit_while_the_box_has_the_keys(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window, qtbot)
    before = window.session.analysis.formula.text
    type_formula(window, qtbot, "x^2 + y")
    settle(window, qtbot)  # a pause: recorded
    box = window.formula_panel.formula_edit
    box.end(False)
    qtbot.keyClicks(box, "^2 + 1")
    qtbot.waitUntil(lambda: not window.controller._timer.isActive(), timeout=3000)
    settle(window, qtbot)
    assert window.session.analysis.formula.text == "x^2 + y^2 + 1"
    assert window.edit_history.undo_action.text() == "&Undo formula"
    window.edit_history.undo()
    settle(window, qtbot)
    assert window.session.analysis.formula.text == before, "the whole typing at once"
    type_formula(window, qtbot, "x*y")
    settle(window, qtbot)
    window.setFocus()  # the keys back to the window: the next typing is another edit
    type_formula(window, qtbot, "x*y + 1")
    settle(window, qtbot)
    window.edit_history.undo()
    settle(window, qtbot)
    assert window.session.analysis.formula.text == "x*y"


def test_typing_on_after_a_preset_opened_is_another_edit(make_main_window, monkeypatch, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window, qtbot)
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Discard)
    type_formula(window, qtbot, "x*y")
    settle(window, qtbot)
    window.open_preset(find_preset("saddle"))  # the formula box keeps the keys
    settle(window, qtbot)
    box = window.formula_panel.formula_edit
    assert box.hasFocus()
    box.end(False)
    qtbot.keyClicks(box, " + 1")
    qtbot.waitUntil(lambda: not window.controller._timer.isActive(), timeout=3000)
    settle(window, qtbot)
    window.edit_history.undo()
    settle(window, qtbot)
    assert window.session.analysis.formula.text == find_preset("saddle").scenario.formula
    window.edit_history.undo()
    settle(window, qtbot)
    assert window.session.analysis.formula.text == "x*y"


def test_undo_stops_at_a_file_opened(make_main_window, qtbot, tmp_path) -> None:
    """Undone past File → Open, the window showed the earlier formula under the file's name, and Ctrl+S wrote it
    into the file."""
    from gradviz.core.scenario import save_scenario

    window = make_main_window("himmelblau")
    activate(window, qtbot)
    window.session.update_run(0, lr=0.02)
    settle(window, qtbot)
    path = tmp_path / "bowl.gradviz.json"
    save_scenario(find_preset("bowl").scenario, path)
    window.document.forget_changes()
    assert window.open_file(path)
    window.controller.wait()
    settle(window, qtbot)
    assert not window.edit_history.undo_action.isEnabled()
    window.session.update_run(0, lr=0.3)
    settle(window, qtbot)
    undo(window, qtbot)
    assert window.session.run_specs[0].lr == find_preset("bowl").scenario.runs[0].lr  # back to the file, no further
    assert not window.edit_history.undo_action.isEnabled()
