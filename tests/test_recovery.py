"""Nothing lost: the whole state round-trips through a file, unsaved edits ask first, bad files change nothing,
recent files are remembered, files dropped on the window open, and the state comes back after a crash."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from failures import fail_drawing
from lesson_scenes import looks_while, mixed_lesson, names_the_scene_on_screen
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from gradviz.app import document, main_window
from gradviz.app.camera_link import camera_of
from gradviz.core.errors import FormulaError
from gradviz.core.lessons import (
    Lesson,
    Scene,
    lesson_to_dict,
    load_lesson,
    save_lesson,
    shipped_lessons,
    with_scene_moved,
)
from gradviz.core.presets import find_preset
from gradviz.core.scenario import MAX_FILE_BYTES, RunSpec, load_scenario, save_scenario, scenario_to_dict

Choice = QMessageBox.StandardButton


class Dialogs:
    """Stands in for the message boxes: answers questions with `answer` and records every message shown."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: QMessageBox.StandardButton = Choice.Discard) -> None:
        self.answer = answer
        self.questions: list[str] = []
        self.warnings: list[str] = []
        monkeypatch.setattr(QMessageBox, "question", self._question)
        monkeypatch.setattr(QMessageBox, "warning", self._warning)

    def _question(self, _parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        self.questions.append(text)
        return self.answer

    def _warning(self, _parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        self.warnings.append(text)
        return Choice.Ok


def save_through_dialog(window, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Save As, with the file dialog answering `path`."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(path), ""))
    assert window.save_as()


def edit_everything(window) -> None:
    """Change every part of the state a scenario holds, as a user could."""
    session = window.session
    window.open_scenario(find_preset("three-variables").scenario, wait=True)
    session.set_range("x", -2.5, 1.5)
    session.set_resolution(120)
    session.set_fixed("z", 0.75)
    session.set_runs([
        RunSpec(start={"x": 1.0, "y": 1.2}, optimizer="momentum", lr=0.05, max_steps=40, params={"momentum": 0.8},
                label="slow"),
        RunSpec(start={"x": -1.5, "y": 0.5}, optimizer="adam", lr=0.2, sign="wrong", max_steps=25,
                params={"beta1": 0.85, "beta2": 0.99}),
    ])
    session.set_step(7)
    session.set_probe({"x": 0.5, "y": -0.25})
    session.set_view(arrows="downhill", log_height=True, show_arrows=False, contour_fill=False)
    window.camera_link.orbit(2, -1)
    session.set_theme("projector")
    session.set_presenting_scale(2.2)  # as a file saved while presenting keeps it


def test_every_scenario_field_round_trips_through_the_window(make_main_window, monkeypatch, tmp_path) -> None:
    window = make_main_window("bowl")
    edit_everything(window)
    window.surface_view.orbit(10.0, 5.0)  # as a mouse drag does, behind the session's back
    target = tmp_path / "everything.gradviz.json"
    save_through_dialog(window, monkeypatch, target)
    saved = window.session.scenario()
    assert saved.camera == camera_of(window.surface_view), "the live camera is saved"
    assert saved.camera.azimuth is not None and saved.step == 7 and saved.fixed == {"z": 0.75}

    again = make_main_window(None)
    assert again.open_file(target)
    again.controller.wait()
    assert again.session.scenario() == saved
    assert camera_of(again.surface_view) == camera_of(window.surface_view) == saved.camera
    assert again.current_path == target
    assert not again.isWindowModified() and "everything.gradviz.json" in again.windowTitle()


def test_edits_are_tracked_and_closing_asks_first(make_main_window, monkeypatch, tmp_path) -> None:
    window = make_main_window("bowl")
    dialogs = Dialogs(monkeypatch, Choice.Cancel)
    window.session.set_step(5)
    window.camera_link.orbit(1, 0)
    assert not window.isWindowModified(), "watching (clock, camera) is not editing"
    window.session.update_run(0, lr=0.3)
    assert window.isWindowModified() and window.windowTitle().startswith("untitled")

    assert not window.close(), "Cancel keeps the window open"
    assert window.isVisible() and len(dialogs.questions) == 1
    dialogs.answer = Choice.Save
    target = tmp_path / "kept.gradviz.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(target), ""))
    assert window.close()
    assert load_scenario(target).runs[0].lr == 0.3

    other = make_main_window("bowl")
    original = other.session.run_specs[0].lr
    other.session.update_run(0, lr=0.3)
    other.session.update_run(0, lr=original)
    assert not other.isWindowModified(), "undoing an edit by hand leaves nothing to save"
    other.session.update_run(0, lr=0.3)
    dialogs.answer = Choice.Discard
    assert other.close()


def test_opening_another_file_asks_about_unsaved_edits(make_main_window, monkeypatch, tmp_path) -> None:
    window = make_main_window("bowl")
    dialogs = Dialogs(monkeypatch, Choice.Cancel)
    path = tmp_path / "saddle.gradviz.json"
    save_scenario(find_preset("saddle").scenario, path)
    window.session.update_run(0, lr=0.3)
    assert not window.open_file(path)
    assert window.session.analysis.formula.text == find_preset("bowl").scenario.formula
    dialogs.answer = Choice.Discard
    assert window.open_file(path)
    window.controller.wait()
    assert window.session.analysis.formula.text == "f(x, y) = x^2 - y^2"
    assert not window.isWindowModified()


def bad_files(folder: Path) -> dict[str, Path]:
    """One file for each way a file can be unusable."""
    good = scenario_to_dict(find_preset("saddle").scenario)
    contents = {
        "corrupt": b'{"format": "gradviz-scenario", "version": 2, "formula": ',
        "huge": b" " * (MAX_FILE_BYTES + 1),
        "foreign": json.dumps({"format": "something-else", "version": 1}).encode(),
        "newer": json.dumps({**good, "version": 99}).encode(),
        "bad-formula": json.dumps({**good, "formula": "x^2 + import os"}).encode(),
        "bad-lesson-scene": json.dumps(
            {**lesson_to_dict(shipped_lessons()[0]), "scenes": [
                {"caption": "ok", "scenario": {**good, "formula": "sin(x"}}]}).encode(),
    }
    paths = {}
    for name, content in contents.items():
        paths[name] = folder / f"{name}.json"
        paths[name].write_bytes(content)
    paths["missing"] = folder / "missing.json"
    return paths


def test_bad_files_say_why_and_change_nothing(make_main_window, monkeypatch, tmp_path) -> None:
    window = make_main_window("bowl")
    window.session.update_run(0, lr=0.2)
    window.document.forget_changes()
    dialogs = Dialogs(monkeypatch)
    before, path_before = window.session.scenario(), window.current_path
    for name, path in bad_files(tmp_path).items():
        assert not window.open_file(path), name
        window.controller.wait()
        assert window.session.scenario() == before, name
        assert window.current_path == path_before and window.lesson_player.lesson is None, name
    expected = ["corrupt JSON", "too large", "not a gradviz scenario", "newer gradviz", "formula:", "scene 1:",
                "does not exist"]
    assert len(dialogs.warnings) == len(expected)
    for message, words in zip(dialogs.warnings, expected, strict=True):
        assert words in message


def refuse_the_saddle(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """The saddle's formula, checked as usable when its file is read, fails later: drawn, or analysed again."""
    if how == "drawing":
        fail_drawing(monkeypatch, "x**2 - y**2")
    else:
        refuse_analysing(monkeypatch, "- y")


def refuse_analysing(monkeypatch: pytest.MonkeyPatch, typed_part: str) -> None:
    """Formulas with typed_part in them fail to be analysed in the window, as when the formula engine cannot start."""
    import gradviz.app.formula_controller as formula_controller

    analyze = formula_controller.analyze

    def refusing(text: str):
        if typed_part in text:
            raise FormulaError("the formula engine could not be started; please try again")
        return analyze(text)

    monkeypatch.setattr(formula_controller, "analyze", refusing)


def refused_on_screen(window, qtbot, said: str) -> None:
    """Wait until the status bar says `said` of what could not be shown; the formula box shows the formula on screen
    again, without an error (the refused one stayed there, and Enter put it in what was shown)."""
    qtbot.waitUntil(lambda: said in window.statusBar().full_message(), timeout=5000)
    assert window.formula_panel.formula_edit.text() == window.session.analysis.formula.text
    assert window.session.error is None and not window.formula_panel.error_label.isVisible()


def a_file_open_with_an_edit(make_main_window, tmp_path: Path) -> tuple[main_window.MainWindow, Path, float]:
    """A window showing a scenario file, run 1's η then set to 0.3 (an edit to undo); the file and the η it had."""
    window = make_main_window("bowl")
    opened = tmp_path / "kept.gradviz.json"
    save_scenario(find_preset("bowl").scenario, opened)
    assert window.open_file(opened)
    window.controller.wait()
    lr = window.session.run_specs[0].lr
    window.session.update_run(0, lr=0.3)
    window.edit_history.record()
    return window, opened, lr


def window_state(window: main_window.MainWindow) -> tuple[object, ...]:
    """What a file that fails to open must leave as it was: title, saved mark, recent files, the scenario shown."""
    return window.windowTitle(), window.isWindowModified(), document.recent_files(), window.session.scenario()


@pytest.mark.parametrize("how", ["drawing", "analysing"])
def test_a_file_that_fails_to_show_leaves_title_recent_files_and_undo_as_they_were(make_main_window, monkeypatch,
                                                                                   qtbot, tmp_path, how: str) -> None:
    """A file whose drawing failed left the window named after it, marked saved, on the recent list and with undo
    started over: the last scenario was shown again under the file's name, and Ctrl+S wrote it into that file."""
    window, opened, lr = a_file_open_with_an_edit(make_main_window, tmp_path)
    Dialogs(monkeypatch)  # Discard
    refuse_the_saddle(monkeypatch, how)
    failing = tmp_path / "saddle.gradviz.json"
    save_scenario(find_preset("saddle").scenario, failing)
    before = window_state(window)
    window.open_file(failing)
    window.controller.wait()
    refused_on_screen(window, qtbot, "saddle.gradviz.json was not opened: ")
    assert window.statusBar().full_message().endswith(document.NOTHING_LOST)
    box = window.formula_panel.formula_edit
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the failed formula left there went into the file's scenario
    window.controller.wait()
    after = window_state(window)
    assert after == before and window.current_path == opened
    assert window.edit_history.undo_action.isEnabled()
    window.edit_history.undo()
    window.controller.wait()
    assert window.session.run_specs[0].lr == lr, "the edit before the failed opening is undone"
    window.open_preset(find_preset("himmelblau"))
    window.controller.wait()
    window.edit_history.record()
    assert window.edit_history.history.previous is not None, "a preset opened later can be undone: no file opens"


@pytest.mark.parametrize("how", ["drawing", "analysing"])
def test_a_lesson_whose_first_scene_fails_to_show_is_not_opened(make_main_window, monkeypatch, qtbot, tmp_path,
                                                                how: str) -> None:
    """A lesson file whose first scene failed to be drawn set up its caption bar, title and recent-files entry at
    once: the lesson looked open over the scenario shown before, and its edits could no longer be undone."""
    window, opened, lr = a_file_open_with_an_edit(make_main_window, tmp_path)
    Dialogs(monkeypatch)  # Discard
    refuse_the_saddle(monkeypatch, how)
    failing = tmp_path / "saddles.json"
    save_lesson(Lesson("Saddles", (Scene("A saddle", find_preset("saddle").scenario),
                                   Scene("A bowl", find_preset("bowl").scenario))), failing)
    before = window_state(window)
    window.open_file(failing)
    window.controller.wait()
    refused_on_screen(window, qtbot, "saddles.json was not opened")
    after = window_state(window)
    player = window.lesson_player
    assert after == before and window.current_path == opened
    assert player.lesson is None and player.path is None and player.caption_bar.isHidden()
    assert "saddles.json was not opened" in window.statusBar().full_message()
    window.edit_history.undo()
    window.controller.wait()
    assert window.session.run_specs[0].lr == lr, "the edit before the failed opening is undone"
    working = tmp_path / "bowls.json"
    save_lesson(Lesson("Bowls", (Scene("A bowl", find_preset("bowl").scenario),)), working)
    window.open_file(working)
    window.controller.wait()
    assert player.lesson is not None and player.path == working and player.caption_bar.isVisible()
    assert "Bowls — scene 1 / 1" in window.windowTitle() and window.current_path is None
    assert document.recent_files()[0] == working.resolve(), "a lesson shown heads the recent files"


def test_a_lesson_open_stays_open_when_the_next_one_fails_to_show(make_main_window, monkeypatch, qtbot) -> None:
    """Opening a lesson whose first scene is refused replaced the lesson open: its caption, title and scene went."""
    window = make_main_window("bowl")
    player, shipped = window.lesson_player, shipped_lessons()[1]
    window.document.open_lesson(shipped)
    window.controller.wait()
    player.next_scene()
    window.controller.wait()
    before = (player.lesson, player.index, player.caption_bar.counter.text(), window.windowTitle(),
              window.session.scenario())
    refuse_the_saddle(monkeypatch, "analysing")
    window.document.open_lesson(Lesson("Saddles", (Scene("A saddle", find_preset("saddle").scenario),)))
    window.controller.wait()
    refused_on_screen(window, qtbot, "was not opened")
    after = (player.lesson, player.index, player.caption_bar.counter.text(), window.windowTitle(),
             window.session.scenario())
    assert after == before and player.caption_bar.isVisible()
    assert window.statusBar().full_message().startswith("The lesson “Saddles” was not opened: the formula engine")


@pytest.mark.parametrize("how", ["drawing", "analysing"])
def test_a_gallery_example_that_fails_to_show_leaves_the_files_name_and_undo(make_main_window, monkeypatch, qtbot,
                                                                             tmp_path, how: str) -> None:
    """A gallery example that failed to be drawn cleared the file's name at once: the file's edits stayed shown as
    'untitled', and Ctrl+S asked for a new file instead of writing them into theirs."""
    window, opened, lr = a_file_open_with_an_edit(make_main_window, tmp_path)
    Dialogs(monkeypatch)  # Discard
    refuse_the_saddle(monkeypatch, how)
    before = window_state(window)
    window.open_preset(find_preset("saddle"))
    window.controller.wait()
    refused_on_screen(window, qtbot, "The example “Saddle x² − y²” was not shown: ")
    after = window_state(window)
    assert after == before and window.current_path == opened
    assert window.statusBar().full_message().endswith(document.NOTHING_LOST)
    window.edit_history.undo()
    window.controller.wait()
    assert window.session.run_specs[0].lr == lr, "the edit before the failed example is undone"
    window.open_preset(find_preset("himmelblau"))
    window.controller.wait()
    assert window.current_path is None and window.windowTitle().startswith("untitled"), "an example shown is untitled"


def test_a_new_scenario_that_fails_to_show_leaves_the_file_and_the_lesson_open(make_main_window, monkeypatch,
                                                                               qtbot, tmp_path) -> None:
    """File → New closed the lesson and cleared the file's name before its example was shown: one that failed left
    the file's edits shown as 'untitled', its formula and error in the box, and the lesson gone."""
    from lesson_scenes import scene_on_screen

    window, opened, lr = a_file_open_with_an_edit(make_main_window, tmp_path)
    Dialogs(monkeypatch)  # Discard
    first = find_preset(main_window.DEFAULT_PRESET).scenario.formula
    with monkeypatch.context() as failing:
        refuse_analysing(failing, first)
        before = window_state(window)
        window.new_scenario()
        window.controller.wait()
        refused_on_screen(window, qtbot, "No new scenario was started: the formula engine could not be started")
        assert window_state(window) == before and window.current_path == opened
        window.edit_history.undo()
        window.controller.wait()
        assert window.session.run_specs[0].lr == lr, "the file's edit is still there to undo"

        window.document.open_lesson(mixed_lesson())
        window.controller.wait()
        window.session.update_run(0, lr=0.25)
        window.new_scenario()
        window.controller.wait()
        refused_on_screen(window, qtbot, "No new scenario was started")
        player = window.lesson_player
        assert player.lesson is not None and player.caption_bar.isVisible() and scene_on_screen(window) == 0
        assert window.isWindowModified() and player.edited_lesson().scenes[0].scenario.runs[0].lr == 0.25
    window.new_scenario()
    window.controller.wait()
    assert window.session.analysis.formula.text == first and window.lesson_player.lesson is None
    assert window.current_path is None and window.windowTitle().startswith("untitled")


def test_an_undo_that_fails_to_show_keeps_the_history_and_can_be_tried_again(make_main_window, monkeypatch,
                                                                             qtbot) -> None:
    """An undo whose formula failed to be analysed again left it with its error in the formula box over the views of
    the formula after it, and the history one step back from what was shown."""
    window = make_main_window("bowl")
    window.open_preset(find_preset("saddle"))
    window.controller.wait()
    window.edit_history.record()
    history = window.edit_history.history
    shown = history.current
    with monkeypatch.context() as failing:
        refuse_analysing(failing, "x^2 + y^2")
        window.edit_history.undo()
        window.controller.wait()
        refused_on_screen(window, qtbot, "Not undone: formula, as the formula engine could not be started")
    assert window.statusBar().full_message().endswith("What is shown stays, and Undo can be tried again.")
    assert window.formula_panel.formula_edit.text() == "f(x, y) = x^2 - y^2"
    assert history.current == shown and history.next is None and window.edit_history.undo_action.isEnabled()
    window.edit_history.undo()
    window.controller.wait()
    assert window.session.analysis.formula.text == "f(x, y) = x^2 + y^2", "tried again: undone"


def test_a_lesson_kept_from_a_crash_whose_scene_fails_to_show_says_so_and_stays_kept(make_main_window,
                                                                                     monkeypatch, qtbot) -> None:
    """A lesson restored at start-up whose scene could not be shown left the status bar silent, and the kept lesson
    (the unsaved edits offered back) was deleted all the same."""
    from gradviz.app.recovery import RecoveryFile, Shown

    lesson = Lesson("Saddles", (Scene("A bowl", find_preset("bowl").scenario),
                                Scene("A saddle", find_preset("saddle").scenario)))
    recovery = RecoveryFile(document.config_folder() / document.RECOVERY_FOLDER)
    recovery.write(lesson, Shown(None, 1))
    recovery._lock.unlock()  # the process gone, its files left behind
    dialogs = Dialogs(monkeypatch, Choice.Yes)
    window = make_main_window("himmelblau")
    before = (window.windowTitle(), window.session.scenario())
    with monkeypatch.context() as failing:
        refuse_the_saddle(failing, "analysing")
        assert window.document.offer_recovery()
        window.controller.wait()
        refused_on_screen(window, qtbot, "Could not restore")
    assert "Restore the last lesson?" in dialogs.questions[0]
    assert (window.windowTitle(), window.session.scenario()) == before and window.lesson_player.lesson is None
    message = window.statusBar().full_message()
    assert message.startswith("Could not restore the last lesson: the formula engine could not be started")
    assert message.endswith("It is kept, and offered again at the next start.")
    assert recovery.path.exists(), "kept for the next start"
    assert window.document.offer_recovery(), "offered again"
    window.controller.wait()
    assert window.lesson_player.lesson == lesson and window.lesson_player.index == 1
    assert not recovery.path.exists(), "restored: no longer kept"


@pytest.mark.parametrize("how", ["drawing", "analysing"])
def test_a_scene_that_fails_to_show_leaves_the_lesson_at_the_scene_shown_and_is_skipped(make_main_window,
                                                                                       monkeypatch, qtbot,
                                                                                       how: str) -> None:
    """Moving on to a scene whose formula was refused or failed to be drawn, the caption said that scene while the
    window showed the one before, whose edits made then were not kept; PgDn again failed again."""
    window = make_main_window("bowl")
    player, session = window.lesson_player, window.session
    lesson = mixed_lesson()
    window.document.open_lesson(lesson)
    window.controller.wait()
    session.update_run(0, lr=0.3)
    refuse_the_saddle(monkeypatch, how)
    looks = looks_while(qtbot, player.next_scene, lambda: names_the_scene_on_screen(window),
                        lambda: "could not be shown" in window.statusBar().full_message())
    assert all(looks), "the caption never named the scene on its way"
    refused_on_screen(window, qtbot, "could not be shown")
    assert player.index == 0 and player.caption_bar.counter.text() == "scene 1 / 3"
    assert player.caption_bar.caption.text() == "A bowl" and "Mixed — scene 1 / 3" in window.windowTitle()
    assert session.analysis.formula.text == lesson.scenes[0].scenario.formula
    message = window.statusBar().full_message()
    assert message.startswith("Scene 2 could not be shown: ")
    assert message.endswith("Scene 1 stays shown; moving on skips scene 2.")
    session.update_run(0, lr=0.25)
    assert player.edited_lesson().scenes[0].scenario.runs[0].lr == 0.25, "an edit made now is the scene's"
    assert window.isWindowModified()

    player.next_scene()  # PgDn again: past the scene that could not be shown
    window.controller.wait()
    assert player.index == 2 and session.analysis.formula.text == lesson.scenes[2].scenario.formula
    assert window.statusBar().full_message() == "Skipped scene 2: it could not be shown."
    player.previous_scene()
    window.controller.wait()
    assert player.index == 0 and session.run_specs[0].lr == 0.25, "back past it, to scene 1 as it was left"
    assert player.edited_lesson().scenes[1] == lesson.scenes[1], "the scene not shown is as it was"


@pytest.mark.parametrize("how", ["drawing", "analysing"])
def test_after_a_scene_fails_the_formula_box_holds_the_scene_shown_and_the_lesson_file_is_unchanged(
        make_main_window, monkeypatch, qtbot, tmp_path, how: str) -> None:
    """After a scene failed to be shown, the formula box kept its formula and error over the views of the scene
    before: Enter there put the failed scene's formula into the scene shown, and Save into the lesson file."""
    path = tmp_path / "mixed.json"
    save_lesson(mixed_lesson(), path)
    written, opened = path.read_bytes(), load_lesson(path)
    window = make_main_window("bowl")
    assert window.open_file(path)
    window.controller.wait()
    player, box = window.lesson_player, window.formula_panel.formula_edit
    with monkeypatch.context() as failing:
        refuse_the_saddle(failing, how)
        player.next_scene()
        window.controller.wait()
        refused_on_screen(window, qtbot, "Scene 2 could not be shown: ")
    assert box.text() == opened.scenes[0].scenario.formula
    why = "the formula engine could not be started" if how == "analysing" else "this formula could not be drawn"
    assert why in window.statusBar().full_message()
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the saddle can be drawn now: the box would have put it in scene 1
    window.controller.wait()
    assert names_the_scene_on_screen(window) and player.index == 0
    assert not window.isWindowModified() and player.edited_lesson() == opened
    assert path.read_bytes() == written and window.save() and load_lesson(path) == opened


def test_a_gallery_example_that_fails_to_show_in_a_lesson_says_so_and_leaves_the_scene(make_main_window,
                                                                                     monkeypatch, qtbot) -> None:
    """A gallery example picked in a lesson that failed to be shown left its formula and error in the formula box and
    said nothing of the example."""
    window = make_main_window(None)
    window.document.open_lesson(mixed_lesson())
    window.controller.wait()
    refuse_the_saddle(monkeypatch, "analysing")
    window.open_preset(find_preset("saddle"))
    window.controller.wait()
    refused_on_screen(window, qtbot, "The example “Saddle x² − y²” was not shown: the formula engine")
    assert window.statusBar().full_message().endswith("Scene 1 stays shown.")
    assert window.lesson_player.example is None and names_the_scene_on_screen(window)


def test_the_scene_shown_stays_when_the_scene_to_be_shown_in_its_place_cannot_be(make_main_window, monkeypatch,
                                                                                 qtbot) -> None:
    """Removing the scene shown when the scene after it failed to be shown left the caption at that scene, over the
    views of a scene no longer in the lesson."""
    Dialogs(monkeypatch, Choice.Yes)
    window = make_main_window(None)
    lesson = with_scene_moved(mixed_lesson(), 1, 2)  # the bowl, four minima, the saddle
    window.document.open_lesson(lesson)
    window.controller.wait()
    player = window.lesson_player
    player.show_scene(1)
    window.controller.wait()
    window.session.update_run(0, lr=0.002)
    refuse_the_saddle(monkeypatch, "analysing")
    looks = looks_while(qtbot, player.remove_scene, lambda: names_the_scene_on_screen(window),
                        lambda: "not removed" in window.statusBar().full_message())
    assert all(looks) and player.index == 1 and player.caption_bar.counter.text() == "scene 2 / 3"
    refused_on_screen(window, qtbot, "Scene 2 was not removed: scene 3, to be shown in its place, could not be "
                                     "shown: the formula engine could not be started")
    assert player.edited_lesson().scenes[1].scenario.runs[0].lr == 0.002, "nor its edit"
    assert [scene.caption for scene in player.lesson.scenes] == ["A bowl", "Four minima", "A saddle"]

    player.remove_scene()  # again: the scene before it takes its place, past the one that could not be shown
    window.controller.wait()
    assert [scene.caption for scene in player.lesson.scenes] == ["A bowl", "A saddle"]
    assert names_the_scene_on_screen(window) and player.caption_bar.counter.text() == "scene 1 / 2"


@pytest.mark.parametrize("how", [None, "drawing", "analysing"])
def test_scenes_moved_while_one_is_on_its_way_leave_the_caption_on_what_is_shown(make_main_window, monkeypatch, qtbot,
                                                                                 how: str | None) -> None:
    """Scenes moved while the next one was being prepared left the caption naming that scene if it could not be
    shown, over the views of the scene before."""
    window = make_main_window(None)
    window.document.open_lesson(mixed_lesson())
    window.controller.wait()
    player = window.lesson_player
    if how is not None:
        refuse_the_saddle(monkeypatch, how)

    def move_while_the_saddle_comes() -> None:
        player.next_scene()
        player.move_scene(2, 0)  # four minima first: the bowl shown is scene 2 now, the saddle on its way scene 3

    looks = looks_while(qtbot, move_while_the_saddle_comes, lambda: names_the_scene_on_screen(window),
                        lambda: player.index == 2 or "could not be shown" in window.statusBar().full_message())
    assert all(looks), "the caption named the scene shown, at its new place"
    assert [scene.caption for scene in player.lesson.scenes] == ["Four minima", "A bowl", "A saddle"]
    if how is None:
        assert player.index == 2, "the scene on its way is shown at its new place"
    else:
        refused_on_screen(window, qtbot, "Scene 3 could not be shown: ")
        assert player.index == 1


def test_recent_files_keep_the_last_eight_and_grey_missing_ones(make_main_window, monkeypatch, tmp_path) -> None:
    window = make_main_window("bowl")
    dialogs = Dialogs(monkeypatch)
    paths = [tmp_path / f"scenario{number}.gradviz.json" for number in range(10)]
    for path in paths:
        save_scenario(find_preset("bowl").scenario, path)
        assert window.open_file(path)
        window.controller.wait()
    assert document.recent_files() == [path.resolve() for path in reversed(paths[2:])]

    paths[9].unlink()
    again = make_main_window(None)
    again.document.recent_menu.aboutToShow.emit()
    actions = again.document.recent_menu.actions()
    assert [action.text() for action in actions[:2]] == ["&1  scenario9.gradviz.json  (not found)",
                                                         "&2  scenario8.gradviz.json"]
    assert len(actions) == 8 + 2 and not actions[0].isEnabled() and actions[1].isEnabled()
    assert paths[9].resolve() in document.recent_files(), "kept: the stick it is on may come back"
    paths[8].unlink()
    again.document.recent_menu.actions()[1].trigger()
    assert "does not exist" in dialogs.warnings[-1]
    assert paths[8].resolve() not in document.recent_files()


def test_changes_are_autosaved_and_a_clean_close_removes_them(make_main_window, monkeypatch, qtbot) -> None:
    monkeypatch.setattr(document, "AUTOSAVE_MS", 20)
    window = make_main_window("bowl")
    recovery = window.document.recovery.path
    window.session.update_run(0, lr=0.25)
    window.session.set_step(4)
    qtbot.waitUntil(lambda: recovery.exists() and load_scenario(recovery).step == 4, timeout=3000)
    assert load_scenario(recovery) == window.session.scenario()
    window.document.forget_changes()
    window.close()
    assert not recovery.exists()


CRASHING_WINDOW = """
import os
import sys
import time
from gradviz.core.analysis import default_worker
default_worker().start()  # first, as the gradviz command starts it: SymPy loads there while the window loads here
from gradviz.app.launch import configure_qt
configure_qt()
from PySide6.QtWidgets import QApplication
from gradviz.app.main_window import MainWindow
from gradviz.core.presets import find_preset
app = QApplication([])
window = MainWindow()
if len(sys.argv) > 1:  # a file, and whether to edit it
    window.open_file(sys.argv[1])
    window.controller.wait()
    if sys.argv[2] == "edit":
        window.session.update_run(0, lr=0.0015)
else:
    window.open_scenario(find_preset("rosenbrock").scenario, wait=True)
    window.session.update_run(0, lr=0.0015, max_steps=300)
window.session.set_step(120)
window.document.autosave()
print(window.document.recovery.path, flush=True)
os._exit(9)
"""


def crash_windows(count: int, *file_and_edit: str) -> list[Path]:
    """Run `count` windows at once, each in a process of its own that keeps its state and then dies without closing;
    their recovery files.

    Given a scenario file and "edit" or "watch", the windows show that file, edited or only watched.
    """
    processes = [subprocess.Popen([sys.executable, "-c", CRASHING_WINDOW, *file_and_edit], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(count)]
    kept = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 9, err
            kept.append(Path(out.strip()))
    finally:
        for process in processes:
            process.kill()  # any still running after a failure
    return kept


def crash_a_window(*file_and_edit: str) -> Path:
    """Run a window in another process that keeps its state and then dies without closing; its recovery file (see
    crash_windows)."""
    (kept,) = crash_windows(1, *file_and_edit)
    return kept


def test_the_state_comes_back_after_a_crash(launched, monkeypatch) -> None:
    recovery = crash_a_window()
    crashed = load_scenario(recovery)
    dialogs = Dialogs(monkeypatch, Choice.Yes)
    window = launched(find_preset("bowl"))
    assert window.document.offer_recovery()
    window.controller.wait()
    assert "closed unexpectedly" in dialogs.questions[0]
    assert window.session.scenario() == crashed
    assert window.session.step == 120 and window.session.run_specs[0].lr == 0.0015
    assert window.isWindowModified() and window.current_path is None
    assert not recovery.exists()
    assert not launched(find_preset("bowl")).document.offer_recovery(), "offered once only"


def restored_after_crashes(launched, monkeypatch: pytest.MonkeyPatch, path: Path):
    """A window showing the file crashes having only watched it (not offered), then having edited it (restored)."""
    dialogs = Dialogs(monkeypatch, Choice.Yes)
    watched = crash_a_window(str(path), "watch")
    assert not launched(find_preset("bowl")).document.offer_recovery()
    assert dialogs.questions == [] and not watched.exists(), "only the clock had moved: nothing to offer"
    crash_a_window(str(path), "edit")
    window = launched(find_preset("bowl"))
    assert window.document.offer_recovery()
    window.controller.wait()
    assert f"unsaved changes to {path.name}" in dialogs.questions[0]
    return window


def test_a_files_state_comes_back_as_that_files_and_watching_is_not_offered(launched, monkeypatch,
                                                                             tmp_path) -> None:
    path = tmp_path / "valley.gradviz.json"
    save_scenario(find_preset("rosenbrock").scenario, path)
    window = restored_after_crashes(launched, monkeypatch, path)
    assert window.current_path == path and window.isWindowModified()
    assert window.windowTitle().startswith("valley.gradviz.json")
    assert window.save() and load_scenario(path).runs[0].lr == 0.0015, "Ctrl+S writes to the file, no dialog"


def test_a_lessons_edits_come_back_after_a_crash_and_watching_it_is_not_offered(launched, monkeypatch,
                                                                                 tmp_path) -> None:
    """A lesson's scene edits (or a lesson made in the window) were not kept for crash recovery."""
    path = tmp_path / "gradient.json"
    lesson = shipped_lessons()[1]
    save_lesson(lesson, path)
    window = restored_after_crashes(launched, monkeypatch, path)
    player = window.lesson_player
    assert player.lesson.title == lesson.title and player.path == path and player.index == 0
    assert window.session.run_specs[0].lr == 0.0015 and window.isWindowModified()
    assert player.shown_changes() == ("η = 0.0015",), "the caption, as its file's, is written for the file's η"
    assert player.caption_bar.caption_struck
    assert window.save() and load_lesson(path).scenes[0].scenario.runs[0].lr == 0.0015, "Ctrl+S writes the lesson"
    assert not player.caption_bar.caption_struck, "saved, the edit is what the caption is for"


def test_a_gallery_example_shown_in_a_lesson_comes_back_after_a_crash_with_its_edits(make_main_window, monkeypatch,
                                                                                      tmp_path) -> None:
    """A gallery example shown after a scene was not kept: the lesson came back at that scene, the example and the
    edits made in it gone."""
    from gradviz.app.recovery import EXAMPLE_SUFFIX, RECOVERY_SUFFIX

    path = tmp_path / "gradient.json"
    save_lesson(shipped_lessons()[1], path)
    crashed = make_main_window("bowl")
    assert crashed.open_file(path)
    crashed.controller.wait()
    crashed.lesson_player.show_scene(1)
    crashed.controller.wait()
    crashed.session.update_run(0, lr=0.07)  # scene 2 edited: the lesson has changes to offer back
    himmelblau = find_preset("himmelblau")
    crashed.open_preset(himmelblau)
    crashed.controller.wait()
    crashed.session.update_run(0, lr=0.002)
    crashed.session.set_step(5)
    crashed.document.autosave()
    crashed.document.recovery._lock.unlock()  # it ends without closing: its files stay, their lock free
    kept = crashed.document.recovery.path
    kept_example = kept.with_name(kept.name.removesuffix(RECOVERY_SUFFIX) + EXAMPLE_SUFFIX)
    assert load_scenario(kept_example).runs[0].lr == 0.002

    dialogs = Dialogs(monkeypatch, Choice.Yes)
    window = make_main_window("bowl")
    assert window.document.offer_recovery()
    window.controller.wait()
    player, session = window.lesson_player, window.session
    assert "Restore the unsaved changes to gradient.json?" in dialogs.questions[0]
    assert player.example is not None and player.example.title == himmelblau.title and player.index == 1
    assert player.caption_bar.counter.text() == "after scene 2 / 4" and player.shown_caption() == ""
    assert session.analysis.formula.text == himmelblau.scenario.formula
    assert session.run_specs[0].lr == 0.002 and session.step == 5, "with its edits and its clock"
    assert player.path == path and window.isWindowModified()
    assert player.edited_lesson().scenes[1].scenario.runs[0].lr == 0.07
    assert not kept.exists() and not kept_example.exists(), "restored: no longer kept"
    session.update_run(0, lr=0.004)
    window.edit_history.record()
    window.edit_history.undo()
    window.controller.wait()
    assert session.run_specs[0].lr == 0.002 and player.example is not None, "undone within the example"
    player.previous_scene()
    window.controller.wait()
    assert player.example is None and player.index == 1 and session.run_specs[0].lr == 0.07


def test_a_kept_gallery_example_that_cannot_be_read_leaves_its_lesson_at_its_scene(make_main_window,
                                                                                    monkeypatch) -> None:
    from gradviz.app.recovery import EXAMPLE_SUFFIX, RECOVERY_SUFFIX, RecoveryFile, Shown

    recovery = RecoveryFile(document.config_folder() / document.RECOVERY_FOLDER)
    recovery.write(mixed_lesson(), Shown(None, 2, find_preset("himmelblau")))  # made in the window: always offered
    recovery._lock.unlock()  # the process gone, its files left behind
    recovery.path.with_name(recovery.path.name.removesuffix(RECOVERY_SUFFIX) + EXAMPLE_SUFFIX).write_text("{")
    Dialogs(monkeypatch, Choice.Yes)
    window = make_main_window("bowl")
    assert window.document.offer_recovery()
    window.controller.wait()
    assert window.lesson_player.example is None and window.lesson_player.index == 2
    assert names_the_scene_on_screen(window)


def test_a_shipped_lesson_kept_is_offered_only_if_edited(make_main_window, monkeypatch) -> None:
    """A shipped lesson only watched (a scene moved to, a gallery example shown) was offered after a crash and came
    back as modified."""
    from dataclasses import replace

    from gradviz.app.recovery import RecoveryFile, Shown

    lesson = shipped_lessons()[1]
    dialogs = Dialogs(monkeypatch, Choice.Yes)
    folder = document.config_folder() / document.RECOVERY_FOLDER

    def crashed_with(kept, example=None) -> None:
        recovery = RecoveryFile(folder)
        recovery.write(kept, Shown(None, 1, example))
        recovery._lock.unlock()  # the process gone, its files left behind

    crashed_with(lesson)
    crashed_with(lesson, find_preset("himmelblau"))
    window = make_main_window("bowl")
    assert not window.document.offer_recovery() and dialogs.questions == []

    first = lesson.scenes[0]
    edited = replace(first, scenario=first.scenario.with_runs((replace(first.scenario.runs[0], lr=0.07),)))
    crashed_with(replace(lesson, scenes=(edited, *lesson.scenes[1:])))
    assert window.document.offer_recovery()
    window.controller.wait()
    assert "Restore the last lesson?" in dialogs.questions[0] and window.lesson_player.index == 1
    assert window.lesson_player.lesson.scenes[0].scenario.runs[0].lr == 0.07 and window.isWindowModified()


def test_a_declined_or_unusable_recovery_changes_nothing(launched, monkeypatch) -> None:
    dialogs = Dialogs(monkeypatch, Choice.No)
    recovery = crash_a_window()
    window = launched(find_preset("bowl"))
    before = window.session.scenario()
    assert not window.document.offer_recovery()
    assert not recovery.exists() and window.session.scenario() == before

    recovery = crash_a_window()
    recovery.write_text('{"format": "gradviz-scenario", "version": 2, "formula": "x^2", "plot": {}}')
    assert not window.document.offer_recovery()
    assert "plot.axes" in dialogs.warnings[-1] and window.session.scenario() == before


def test_every_crashed_window_is_offered_and_a_newer_ones_state_is_kept(launched, monkeypatch) -> None:
    """Two windows killed at once left two states: one was offered, the other deleted unseen; an unusable newest one
    took the good older one with it, and a newer gradviz's was deleted."""
    import os
    import time

    older, newer = crash_windows(2)
    os.utime(older, (time.time() - 60, time.time() - 60))
    newer.write_text(newer.read_text(encoding="utf-8").replace('"version": 2', '"version": 99', 1), encoding="utf-8")
    dialogs = Dialogs(monkeypatch, Choice.Yes)
    window = launched(find_preset("bowl"))
    assert window.document.offer_recovery()
    window.controller.wait()  # a state restored is deleted once it is shown
    assert dialogs.warnings == [] and len(dialogs.questions) == 1
    assert newer.exists() and not older.exists()  # the newer gradviz's state waits for it; the older came back
    third, fourth = crash_windows(2)
    os.utime(third, (time.time() - 60, time.time() - 60))
    dialogs.answer = Choice.No
    assert not launched(find_preset("bowl")).document.offer_recovery()
    assert len(dialogs.questions) == 3 and "more kept from then" in dialogs.questions[1]  # each offered in turn
    assert not third.exists() and not fourth.exists()
    newer.unlink()


def drag_event(kind: type, urls: list[QUrl], kept: list[QMimeData]) -> object:
    """A drag-enter or drop event over the window, carrying URLs as a file manager's would (its data kept alive)."""
    kept.append(QMimeData())
    kept[-1].setUrls(urls)
    return kind(QPointF(400, 300), Qt.DropAction.CopyAction, kept[-1], Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier)


def drag_and_drop(window, path: Path, kept: list[QMimeData]) -> None:
    """Drag a file over the window (Qt delivers a drop only to where the drag's entry was taken) and drop it."""
    QApplication.sendEvent(window, drag_event(QDragEnterEvent, [QUrl.fromLocalFile(str(path))], kept))
    QApplication.sendEvent(window, drag_event(QDropEvent, [QUrl.fromLocalFile(str(path))], kept))


def test_a_file_dropped_on_the_window_opens(make_main_window, monkeypatch, tmp_path) -> None:
    window = make_main_window("bowl")
    dialogs = Dialogs(monkeypatch)
    path = tmp_path / "saddle.gradviz.json"
    save_scenario(find_preset("saddle").scenario, path)
    other = tmp_path / "other.json"
    other.write_text("{}")
    assert window.acceptDrops()
    kept: list[QMimeData] = []  # an event holds its data by a bare pointer
    for urls in ([QUrl.fromLocalFile(str(path)), QUrl.fromLocalFile(str(other))], [QUrl("https://example.org/a")]):
        enter = drag_event(QDragEnterEvent, urls, kept)
        QApplication.sendEvent(window, enter)
        assert not enter.isAccepted(), "one local file, or nothing"
    enter = drag_event(QDragEnterEvent, [QUrl.fromLocalFile(str(path))], kept)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drag_and_drop(window, path, kept)
    window.controller.wait()
    assert window.session.analysis.formula.text == "f(x, y) = x^2 - y^2"
    assert window.current_path == path
    drag_and_drop(window, other, kept)
    assert "other.json cannot be opened" in dialogs.warnings[-1]
    assert window.session.analysis.formula.text == "f(x, y) = x^2 - y^2"


def test_a_value_typed_without_enter_is_saved_and_asked_about(make_main_window, monkeypatch, qtbot, tmp_path) -> None:
    """η typed and saved with Ctrl+S kept the old η in the file (the title said nothing was unsaved), and Ctrl+Q
    quit without asking, the typed value lost: a value is taken in when saving or closing, as Enter would."""
    from PySide6.QtTest import QTest

    window = make_main_window("bowl")
    dialogs = Dialogs(monkeypatch, Choice.Cancel)
    path = tmp_path / "typed.gradviz.json"
    window.current_path = path
    assert window.save()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    box = window.stepper.lr_edit
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    box.selectAll()
    QTest.keyClicks(box, "0.045")
    assert window.save()
    assert load_scenario(path).runs[0].lr == 0.045 and not window.isWindowModified()
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, "0.02")
    window.close()  # Cancel: the window stays, and the typed η with it
    assert dialogs.questions and window.isVisible() and window.session.run_specs[0].lr == 0.02
    assert window.save()
    for typed_box, name, lr in ((box, "η =", 0.03), (window.formula_panel.high_boxes[0], "x to", 0.04)):
        typed_box.setFocus()
        qtbot.waitUntil(typed_box.hasFocus)
        typed_box.selectAll()
        QTest.keyClicks(typed_box, "0.0.5")
        saved_lr = load_scenario(path).runs[0].lr
        window.session.update_run(0, lr=lr)  # an edit to save
        assert not window.save(), "no number: refused, saying why, and nothing saved (the bar said 'Saved')"
        assert window.statusBar().full_message().startswith(f"{name} 0.0.5 was not used: it is not a number (")
        assert load_scenario(path).runs[0].lr == saved_lr and window.isWindowModified()
        assert window.save() and load_scenario(path).runs[0].lr == lr, "saved once the box was put back"
        assert load_scenario(path).plot.ranges["x"][1] == 3


def test_a_failed_save_offers_another_name_and_a_bare_name_gets_the_suffix(make_main_window, monkeypatch,
                                                                          tmp_path) -> None:
    window = make_main_window("bowl")
    kept = tmp_path / "kept.gradviz.json"
    save_through_dialog(window, monkeypatch, kept)
    kept.chmod(0o444)
    window.session.update_run(0, lr=0.3)
    dialogs = Dialogs(monkeypatch, Choice.No)
    assert not window.save()
    assert "read-only" in dialogs.questions[-1] and "another name" in dialogs.questions[-1]
    assert window.isWindowModified() and window.current_path == kept

    dialogs.answer = Choice.Yes
    offered: list[str] = []

    def save_dialog(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        offered.append(suggested)
        return str(tmp_path / "lecture 2.1"), ""  # a dot of its own is no suffix

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    assert window.save()
    assert offered == [str(kept)], "Save As starts from the file's own name"
    assert window.current_path == tmp_path / "lecture 2.1.gradviz.json"
    assert load_scenario(window.current_path).runs[0].lr == 0.3 and not window.isWindowModified()


def test_file_new_starts_again_untitled_after_asking(make_main_window, monkeypatch, tmp_path) -> None:
    window = make_main_window("saddle")
    kept = tmp_path / "saddle.gradviz.json"
    save_through_dialog(window, monkeypatch, kept)
    window.session.update_run(0, lr=0.3)
    dialogs = Dialogs(monkeypatch, Choice.Cancel)
    window.new_scenario()
    assert dialogs.questions and window.current_path == kept, "Cancel keeps the edited file"

    dialogs.answer = Choice.Discard
    window.new_scenario()
    window.controller.wait()
    assert window.session.analysis.formula.text == find_preset(main_window.DEFAULT_PRESET).scenario.formula
    assert window.current_path is None and window.windowTitle().startswith("untitled")
    assert not window.isWindowModified() and not window.edit_history.undo_action.isEnabled(), "undo starts over"
    assert "New scenario" in window.statusBar().currentMessage()


def test_closing_names_a_refused_formula_left_in_the_box(make_main_window, monkeypatch, qtbot) -> None:
    """A formula typed but refused is in no file: it was lost on quitting, unasked."""
    window = make_main_window("bowl")
    dialogs = Dialogs(monkeypatch, Choice.Cancel)
    window.formula_panel.formula_edit.setText("x^2 + (y")
    window.controller.submit("x^2 + (y", immediately=True)
    window.controller.wait()
    qtbot.waitUntil(lambda: window.session.error is not None)
    assert not window.isWindowModified()
    assert not window.close() and "“x^2 + (y” could not be used" in dialogs.questions[-1]
    window.session.update_run(0, lr=0.3)
    assert not window.close() and "not saved" in dialogs.questions[-1] and "x^2 + (y" in dialogs.questions[-1]
    dialogs.answer = Choice.Discard
    assert window.close()


def slow_typed_formula(window, monkeypatch, seconds: float, text: str) -> None:
    """Type a formula whose analysis takes this long, and let its analysis start."""
    import time

    from gradviz.app import formula_controller

    real = formula_controller.analyze

    def slow(text: str, *args: object, **kwargs: object):
        time.sleep(seconds)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(formula_controller, "analyze", slow)
    window.formula_panel.formula_edit.setText(text)
    window.controller.submit(text, immediately=True)
    assert window.controller.busy


def test_a_slow_formula_is_waited_for_with_the_window_answering_and_can_be_given_up(make_main_window, monkeypatch,
                                                                                   tmp_path, answer_modal) -> None:
    """Choosing a preset or closing while a slow formula was analysed froze the window for 3 s."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog

    window = make_main_window("bowl")
    slow_typed_formula(window, monkeypatch, 1.2, "x^2 + 3y^2")
    ticks = [time.perf_counter()]
    ticker = QTimer()
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
    ticker.start(20)
    target = tmp_path / "typed.gradviz.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(target), ""))
    assert window.save()
    ticker.stop()
    ticks.append(time.perf_counter())
    # a frozen window would not tick for the analysis's 1.2 s; a quiet machine ticks every 20 ms, a busy one gave
    # 4 ticks in all (counting them failed), so the longest wait between ticks is what tells
    longest = max(later - earlier for earlier, later in itertools.pairwise(ticks))
    assert len(ticks) >= 4 and longest < 0.9, "the window's events went on while the formula was analysed"
    assert load_scenario(target).formula == "x^2 + 3y^2", "the typed formula is what is saved"

    slow_typed_formula(window, monkeypatch, 1.2, "x^2 + 5y^2")
    answer_modal(QProgressDialog, QProgressDialog.cancel)
    window.open_preset(find_preset("himmelblau"))
    window.controller.wait()
    assert window.session.analysis.formula.text != find_preset("saddle").scenario.formula, "cancelled: not opened"


def test_recent_files_named_alike_say_their_folders(make_main_window, tmp_path) -> None:
    window = make_main_window("bowl")
    paths = [tmp_path / folder / "lecture.gradviz.json" for folder in ("week1", "week2")]
    for path in paths:
        path.parent.mkdir()
        save_scenario(find_preset("bowl").scenario, path)
        window.document.add_recent(path)
    window.document.recent_menu.aboutToShow.emit()
    names = [action.text() for action in window.document.recent_menu.actions()[:2]]
    assert names == ["&1  lecture.gradviz.json  (week2)", "&2  lecture.gradviz.json  (week1)"]
