"""Lessons in the window: every shipped lesson plays through with the clicker's PageDown, the caption says where
we are, other keys move between scenes, and lesson files open from the File menu and the command line."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest
from lesson_scenes import looks_while, mixed_lesson, names_the_scene_on_screen
from PySide6.QtCore import QCoreApplication, QEvent, QRect, Qt

from gradviz.app.launch import document_to_open
from gradviz.core.lessons import Lesson, lesson_to_dict, shipped_lessons
from gradviz.core.presets import find_preset

MAX_PRESSES_PER_SCENE = 3  # play, show the end, next scene
pytestmark = pytest.mark.usefixtures("refuse_dialogs")


def press(window, qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """Press a key and wait until the scene it may have opened is shown."""
    qtbot.keyClick(window, key, modifier)
    window.controller.wait()


def shows_scene(window, lesson: Lesson, index: int) -> bool:
    """Whether the window shows scene `index` of the lesson, with its caption."""
    scene = lesson.scenes[index]
    player = window.lesson_player
    return (player.index == index and window.session.analysis.formula.text == scene.scenario.formula
            and player.caption_bar.caption.text() == scene.caption
            and player.caption_bar.counter.text() == f"scene {index + 1} / {len(lesson.scenes)}")


def test_every_shipped_lesson_plays_through_with_page_down(make_main_window, activate, qtbot) -> None:
    window = make_main_window(None)
    activate(window)
    lessons_menu = next(action.menu() for action in window.menuBar().actions() if action.text() == "&Lessons")
    for lesson, action in zip(shipped_lessons(), lessons_menu.actions(), strict=False):
        action.trigger()
        window.controller.wait()
        visited = [window.lesson_player.index]
        assert shows_scene(window, lesson, 0) and window.lesson_player.caption_bar.isVisible()
        for _ in range(MAX_PRESSES_PER_SCENE * len(lesson.scenes)):
            press(window, qtbot, Qt.Key.Key_PageDown)
            if window.lesson_player.index != visited[-1]:
                visited.append(window.lesson_player.index)
                assert shows_scene(window, lesson, visited[-1]), (lesson.title, visited[-1])
                assert window.session.runs, (lesson.title, visited[-1])
        assert visited == list(range(len(lesson.scenes))), lesson.title
        assert window.session.step == window.session.last_step, f"{lesson.title} ends with its last run finished"
        assert lesson.title in window.windowTitle()


def test_keys_move_between_scenes(make_main_window, activate, qtbot) -> None:
    window = make_main_window(None)
    lesson = next(lesson for lesson in shipped_lessons() if lesson.title == "Gradient descent on a bowl")
    window.document.open_lesson(lesson)
    window.controller.wait()
    activate(window)
    player, session = window.lesson_player, window.session

    press(window, qtbot, Qt.Key.Key_End)
    assert shows_scene(window, lesson, 4) and session.step == lesson.scenes[4].scenario.step
    press(window, qtbot, Qt.Key.Key_PageUp)
    assert player.index == 4 and session.step == 0, "back to the start of the run first"
    press(window, qtbot, Qt.Key.Key_PageUp)
    assert shows_scene(window, lesson, 3), "then to the previous scene, as the lesson shows it"
    assert session.step == lesson.scenes[3].scenario.step
    press(window, qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert shows_scene(window, lesson, 4)
    press(window, qtbot, Qt.Key.Key_Home)
    assert shows_scene(window, lesson, 0)
    press(window, qtbot, Qt.Key.Key_Left)
    assert player.index == 0, "nothing before the first scene"
    press(window, qtbot, Qt.Key.Key_Right)
    press(window, qtbot, Qt.Key.Key_Right)
    assert shows_scene(window, lesson, 1), "one step ends scene 1's run, the next Right opens scene 2"
    press(window, qtbot, Qt.Key.Key_Left)
    assert session.step == 0 and player.index == 1
    press(window, qtbot, Qt.Key.Key_Left)
    assert shows_scene(window, lesson, 0)
    player.caption_bar.next_button.click()
    window.controller.wait()
    assert shows_scene(window, lesson, 1)


def test_a_box_with_the_keys_shows_the_next_scene_s_value_and_saving_keeps_it(make_main_window, activate) -> None:
    """With the keys in the η box (nothing typed), the next scene showed η = 0.09 everywhere but there: the box kept
    scene 1's 0.01, and Ctrl+S wrote 0.01 into scene 2. The formula box did the same with a scene's formula."""
    window = make_main_window(None)
    lesson = next(lesson for lesson in shipped_lessons() if lesson.title.startswith("The learning rate"))
    window.document.open_lesson(lesson)
    window.controller.wait()
    activate(window)
    player, session, rate = window.lesson_player, window.session, window.stepper.lr_edit
    rate.setFocus()
    player.caption_bar.next_button.click()
    window.controller.wait()
    assert player.index == 1 and rate.hasFocus()
    assert rate.text() == "0.09" and session.run_specs[0].lr == 0.09
    assert window.commit_typing()  # as saving does
    assert session.run_specs[0].lr == 0.09
    formula_box = window.formula_panel.formula_edit
    window.document.open_lesson(next(lesson for lesson in shipped_lessons() if lesson.title.startswith("The gradient")))
    window.controller.wait()
    formula_box.setFocus()
    player.caption_bar.next_button.click()
    window.controller.wait()
    assert formula_box.hasFocus() and formula_box.text() == session.analysis.formula.text == "f(x, y) = x^2 + y^2"
    assert window.commit_typing()
    window.controller.wait()
    assert session.analysis.formula.text == "f(x, y) = x^2 + y^2"


@pytest.fixture
def scenario_file(tmp_path):
    """A scenario file on disk: the saddle."""
    from gradviz.core.scenario import save_scenario

    path = tmp_path / "saddle.gradviz.json"
    save_scenario(find_preset("saddle").scenario, path)
    return path


def test_scenes_keep_the_window_look_and_a_scenario_file_ends_the_lesson(make_main_window, scenario_file) -> None:
    window = make_main_window("bowl")
    window.session.set_theme("projector")
    window.session.set_presentation_scale(1.8)
    window.document.open_lesson(shipped_lessons()[1])
    window.controller.wait()
    assert (window.session.theme, window.session.presentation_scale) == ("projector", 1.8)
    assert not window.isWindowModified()
    assert window.open_file(scenario_file)
    window.controller.wait()
    assert window.lesson_player.lesson is None and not window.lesson_player.caption_bar.isVisible()
    assert window.windowTitle().startswith(scenario_file.name)


def test_a_lesson_is_presented_at_the_scale_its_scenes_keep_and_edited_at_the_windows(make_main_window) -> None:
    """A lesson whose scenes were saved presented at 2.2 was presented at the lecturer's 1.6, as a scenario file saved
    so was not: its scenes were shown keeping the window's look, their scale dropped with its theme."""
    from dataclasses import replace

    from gradviz.app.presentation import remembered_presentation_scale

    window = make_main_window("bowl")
    session = window.session
    shipped = shipped_lessons()[1]
    first, *others = shipped.scenes
    large = replace(first, scenario=replace(first.scenario, presentation_scale=2.2, theme="projector"))
    window.document.open_lesson(replace(shipped, scenes=(large, *others)))
    window.controller.wait()
    assert (session.theme, session.presentation_scale) == ("default", 1.0), "the editing window keeps its look"
    window.presentation.enter()
    assert session.presentation_scale == pytest.approx(2.2), "the scene's scale on a 1920 × 1080 screen"
    assert window.surface_view.presentation_scale == pytest.approx(2.2)
    window.lesson_player.next_scene()
    window.controller.wait()
    assert session.presentation_scale == pytest.approx(remembered_presentation_scale()), "a scene without one"
    window.lesson_player.previous_scene()
    window.controller.wait()
    assert (session.theme, session.presentation_scale) == ("projector", pytest.approx(2.2))
    window.presentation.leave()
    assert (session.theme, session.presentation_scale) == ("default", 1.0)


def test_the_caption_bar_sits_above_the_panels_and_the_window_makes_room_for_it(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    central, content, bar = window.centralWidget(), window.main_splitter, window.lesson_player.caption_bar
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert content.geometry() == central.rect()
    window.document.open_lesson(shipped_lessons()[1])
    window.controller.wait()
    qtbot.waitUntil(lambda: content.y() > 0)
    assert bar.geometry() == QRect(0, 0, central.width(), bar.heightForWidth(central.width()))
    assert content.geometry() == QRect(0, bar.height(), central.width(), central.height() - bar.height())
    # the content's least height as the scene has it, the bar's on top; the window's may be more: the dock column's,
    # which follows the loss plot's runs
    least = content.minimumSizeHint().height() + bar.minimumSizeHint().height()
    assert central.minimumSizeHint().height() >= least and window.minimumSizeHint().height() >= least
    window.lesson_player.close_lesson()
    qtbot.waitUntil(lambda: content.geometry() == central.rect())
    assert central.minimumSizeHint().height() == content.minimumSizeHint().height(), "the bar's room given back"


@pytest.fixture
def lesson_file(tmp_path):
    """A lesson file on disk: the shipped lesson on the gradient."""
    path = tmp_path / "gradient.json"
    path.write_text(json.dumps(lesson_to_dict(shipped_lessons()[1])), encoding="utf-8")
    return path


def test_a_lesson_file_opens_from_the_file_menu(make_main_window, lesson_file) -> None:
    window = make_main_window("bowl")
    assert window.open_file(lesson_file)
    window.controller.wait()
    assert window.lesson_player.lesson == shipped_lessons()[1] and window.lesson_player.path == lesson_file
    assert window.current_path is None, "Save never writes a scenario over a lesson file"


def slow_analyses(monkeypatch, seconds: float, in_window: bool = False) -> None:
    """Make each formula the worker analyses take this long (a lesson of heavy formulas): those of a file checked,
    or (in_window) those the window shows."""
    import time

    from gradviz.app import formula_controller
    from gradviz.core import analysis

    where = formula_controller if in_window else analysis
    real = where.analyze

    def slow(text: str, *args: object, **kwargs: object):
        time.sleep(seconds)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(where, "analyze", slow)


def test_a_lesson_of_slow_formulas_is_checked_with_the_window_answering(make_main_window, lesson_file, qtbot,
                                                                          monkeypatch) -> None:
    """A lesson of 30 scenes whose formulas took 1.3 s each froze the window for 40 s while they were checked."""
    from PySide6.QtCore import QTimer

    window = make_main_window("bowl")
    slow_analyses(monkeypatch, 0.15)
    ticks: list[int] = []
    ticker = QTimer()
    ticker.timeout.connect(lambda: ticks.append(1))
    ticker.start(20)
    assert window.open_file(lesson_file)
    ticker.stop()
    assert len(ticks) >= 3  # the events went on while its four scenes were checked (a frozen window ticks once)
    window.controller.wait()
    assert window.lesson_player.lesson == shipped_lessons()[1]


def test_checking_a_lesson_can_be_cancelled(make_main_window, lesson_file, monkeypatch, answer_modal) -> None:
    from PySide6.QtWidgets import QProgressDialog

    window = make_main_window("bowl")
    slow_analyses(monkeypatch, 0.3)
    answer_modal(QProgressDialog, QProgressDialog.cancel)
    assert not window.open_file(lesson_file)
    assert window.lesson_player.lesson is None and window.session.analysis.formula.text == "f(x, y) = x^2 + y^2"


def test_a_lesson_file_opens_from_the_command_line(launched, lesson_file) -> None:
    window = launched(*document_to_open(argparse.Namespace(file=str(lesson_file), preset=None)))
    assert window.lesson_player.lesson == shipped_lessons()[1]
    assert shows_scene(window, shipped_lessons()[1], 0)


def test_a_file_given_at_launch_is_checked_with_the_window_shown(lesson_file, monkeypatch) -> None:
    """The formulas of a file given on the command line were checked before the window was built: a lesson of
    200 slow scenes showed nothing for over two minutes."""
    from PySide6.QtWidgets import QApplication

    from gradviz.app import launch
    from gradviz.app.main_window import MainWindow

    opened: list[tuple[MainWindow, bool]] = []

    def open_given_file(window: MainWindow, document: Lesson, path, instead) -> bool:
        opened.append((window, window.isVisible()))
        return real_open(window, document, path, instead)

    def checks(document, going_on=None) -> bool:
        assert opened and opened[0][1], "the window shows before the formulas are checked"
        return True

    real_open = launch.open_given_file
    monkeypatch.setattr(launch, "open_given_file", open_given_file)
    monkeypatch.setattr("gradviz.app.document.check_formulas", checks)
    monkeypatch.setattr(QApplication, "exec", lambda _app: 0)
    monkeypatch.setattr(launch, "freeze_start_up_objects", lambda: None)  # the test process's objects stay collected
    args = argparse.Namespace(file=str(lesson_file), preset=None, screenshot=None, size="1600x1000")
    try:
        assert launch.launch_app(args) == 0
        [(window, shown)] = opened
        window.controller.wait()
        assert shown and shows_scene(window, shipped_lessons()[1], 0)
    finally:
        for window, _shown in opened:
            window.document.forget_changes()
            window.close()


def test_a_file_given_at_launch_whose_check_is_cancelled_leaves_the_preset(launched, lesson_file, monkeypatch,
                                                                           answer_modal) -> None:
    from PySide6.QtWidgets import QProgressDialog

    from gradviz.app.launch import open_given_file

    window = launched(None)
    lesson, path = document_to_open(argparse.Namespace(file=str(lesson_file), preset=None))
    slow_analyses(monkeypatch, 0.3)
    answer_modal(QProgressDialog, QProgressDialog.cancel)
    assert not open_given_file(window, lesson, path, find_preset("bowl"))
    window.controller.wait()
    assert window.lesson_player.lesson is None and window.session.analysis.formula.text == "f(x, y) = x^2 + y^2"
    assert window.statusBar().currentMessage().startswith("gradient.json was not opened: showing")


def test_a_scenes_edits_stay_with_the_lesson_and_save_into_its_file(make_main_window, lesson_file, scenario_file,
                                                                     monkeypatch) -> None:
    """Scene edits were dropped unasked on moving to another scene, though the title said modified."""
    from PySide6.QtWidgets import QMessageBox

    from gradviz.core.lessons import load_lesson

    window = make_main_window("bowl")
    assert window.open_file(lesson_file)
    window.controller.wait()
    player, session = window.lesson_player, window.session
    original = shipped_lessons()[1]
    assert window.save_action.text() == "&Save lesson" and not window.isWindowModified()
    player.show_scene(2)
    window.controller.wait()
    session.update_run(0, lr=0.03)
    assert window.isWindowModified()
    player.next_scene()
    window.controller.wait()
    assert window.isWindowModified(), "the edit stays with the lesson"
    player.previous_scene()
    window.controller.wait()
    assert session.run_specs[0].lr == 0.03, "back to the scene, as it was left"
    assert session.step == original.scenes[2].scenario.step, "its clock as the lesson has it"

    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *_args: asked.append(text)
                        or QMessageBox.StandardButton.Save)
    assert window.open_file(scenario_file)
    window.controller.wait()
    assert asked[0].startswith("The current lesson has changes that were not saved and is about to close.")
    saved = load_lesson(lesson_file)
    assert saved.scenes[2].scenario.runs[0].lr == 0.03 and saved.scenes[1] == original.scenes[1]
    assert window.lesson_player.lesson is None and window.save_action.text() == "&Save scenario"


def test_a_shipped_lessons_edits_are_saved_as_a_new_file_and_the_close_button_asks(make_main_window, monkeypatch,
                                                                                   tmp_path) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from gradviz.core.lessons import load_lesson

    window = make_main_window("bowl")
    window.document.open_lesson(shipped_lessons()[1])
    window.controller.wait()
    window.session.update_run(0, lr=0.07)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *_args: asked.append(text)
                        or QMessageBox.StandardButton.Cancel)
    window.lesson_player.caption_bar.close_button.click()
    assert asked and window.lesson_player.lesson is not None, "Cancel keeps the lesson open"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(tmp_path / "mine"), ""))
    assert window.save()
    assert load_lesson(tmp_path / "mine.json").scenes[0].scenario.runs[0].lr == 0.07
    assert window.lesson_player.path == tmp_path / "mine.json" and not window.isWindowModified()
    window.lesson_player.caption_bar.close_button.click()
    assert len(asked) == 1, "nothing left to ask about"
    assert window.lesson_player.lesson is None and not window.isWindowModified()


def test_ctrl_w_closes_the_lesson_asking_about_its_changes_as_the_close_button_does(make_main_window, activate,
                                                                                    monkeypatch, qtbot) -> None:
    """Closing a lesson had no key and no menu entry: only the caption bar's ✕, out of a keyboard's reach."""
    from PySide6.QtWidgets import QMessageBox

    from gradviz.app.shortcuts_help import shortcut_groups

    window = make_main_window("bowl")
    activate(window)
    player = window.lesson_player
    close = next(action for action in window.actions() if action.text() == "C&lose lesson")
    assert close.shortcut().toString() == "Ctrl+W" and not close.isEnabled()
    lessons = dict(shortcut_groups(window.menuBar(), window))["Lessons"]
    assert ("Ctrl+W", "Close lesson") in lessons
    window.document.open_lesson(shipped_lessons()[1])
    window.controller.wait()
    assert close.isEnabled() and "Ctrl+W" in player.caption_bar.close_button.toolTip()
    window.session.update_run(0, lr=0.07)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *_args: asked.append(text)
                        or answers.pop(0))
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1 and "lesson has changes" in asked[0] and player.lesson is not None, "Cancel keeps it"
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 2 and player.lesson is None and not player.caption_bar.isVisible()
    assert not close.isEnabled() and not window.isWindowModified()


def test_save_lesson_suggests_a_name_from_the_title_in_the_folder_last_used_for_lessons(
        make_main_window, monkeypatch, tmp_path, lesson_file) -> None:
    """Save lesson offered 'lesson.json' in the process's current folder, whatever the lesson's title."""
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    from gradviz.app import lesson_player
    from gradviz.app.lesson_editor import SceneText

    offered: list[str] = []
    chosen = [tmp_path / "talks" / "first", None]
    (tmp_path / "talks").mkdir()

    def save_dialog(_parent, _title, suggested, _filter):
        offered.append(suggested)
        target = chosen.pop(0)
        return (str(target) if target else "", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    monkeypatch.setattr(lesson_player, "ask_scene_text", lambda *_args: SceneText("My descent lesson", "A bowl", ""))
    window = make_main_window("bowl")
    window.lesson_player.add_scene()
    assert window.save()
    assert Path(offered[0]) == Path.home() / "my-descent-lesson.json", "the home folder at first"
    assert window.lesson_player.path == tmp_path / "talks" / "first.json"

    window.lesson_player.close_lesson()
    window.document.open_lesson(shipped_lessons()[2])
    window.controller.wait()
    assert not window.save_as()
    assert Path(offered[1]) == tmp_path / "talks" / "gradient-descent-on-a-bowl.json", "where the last was saved"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _parent, _title, suggested, _filter:
                        offered.append(suggested) or ("", ""))
    assert window.open_file(lesson_file)
    window.controller.wait()
    assert not window.save_as()
    assert Path(offered[2]) == lesson_file, "a lesson opened from a file: that file"
    window.lesson_player.close_lesson()
    window.document.open_lesson(shipped_lessons()[0])
    window.controller.wait()
    assert not window.save_as()
    assert Path(offered[3]).parent == tmp_path, "the folder a lesson was last opened from"


def test_a_lesson_is_made_from_views_edited_and_saved(make_main_window, monkeypatch, tmp_path) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from gradviz.app import lesson_player
    from gradviz.app.lesson_editor import SceneText
    from gradviz.core.lessons import load_lesson

    answers = [SceneText("My lecture", "A bowl", "start here"), SceneText("My lecture", "Too far", ""),
               SceneText("Our lecture", "Too large a step", "η = 1.1 overshoots")]
    monkeypatch.setattr(lesson_player, "ask_scene_text", lambda *_args: answers.pop(0))
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Yes)
    window = make_main_window("bowl")
    player, session = window.lesson_player, window.session
    assert not player.edit_action.isEnabled() and not player.remove_action.isEnabled()
    session.set_step(3)
    player.add_scene()
    assert player.lesson.title == "My lecture" and [scene.caption for scene in player.lesson.scenes] == ["A bowl"]
    assert player.caption_bar.isVisible() and player.caption_bar.caption.text() == "A bowl"
    assert player.lesson.scenes[0].scenario.step == 3 and window.isWindowModified()
    assert "My lecture — scene 1 / 1" in window.windowTitle() and player.edit_action.isEnabled()

    session.update_run(0, lr=1.1)
    player.add_scene()
    window.controller.wait()
    assert player.index == 1 and session.run_specs[0].lr == 1.1
    assert player.caption_bar.counter.text() == "scene 2 / 2"
    player.edit_scene()
    assert player.caption_bar.caption.text() == "Too large a step" and player.lesson.title == "Our lecture"

    player.show_scene(0)
    window.controller.wait()
    assert session.run_specs[0].lr == 0.1 and session.step == 3, "each scene as it was added"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(tmp_path / "lecture"), ""))
    assert window.save() and not window.isWindowModified()
    saved = load_lesson(tmp_path / "lecture.json")
    assert saved.title == "Our lecture" and [scene.caption for scene in saved.scenes] == ["A bowl", "Too large a step"]
    assert saved.scenes[1].notes == "η = 1.1 overshoots" and saved.scenes[1].scenario.runs[0].lr == 1.1

    player.remove_scene()
    window.controller.wait()
    assert [scene.caption for scene in player.lesson.scenes] == ["Too large a step"] and player.index == 0
    assert session.run_specs[0].lr == 1.1 and window.isWindowModified()
    player.remove_scene()
    assert len(player.lesson.scenes) == 1 and "at least one scene" in window.statusBar().currentMessage()


def test_a_gallery_example_picked_while_building_a_lesson_is_added_to_it_not_closing_it(make_main_window,
                                                                                        monkeypatch) -> None:
    """Picking a gallery example asked to save the lesson and closed it: the next Add started a new lesson."""
    from gradviz.app import lesson_player
    from gradviz.app.export_dialog import shown_scene_caption
    from gradviz.app.lesson_editor import SceneText

    answers = [SceneText("Surfaces", "A bowl", ""), SceneText("Surfaces", "Too far", ""),
               SceneText("Surfaces", "Four minima", "")]
    monkeypatch.setattr(lesson_player, "ask_scene_text", lambda *_args: answers.pop(0))
    window = make_main_window("bowl")
    player, session = window.lesson_player, window.session
    player.add_scene()
    session.update_run(0, lr=1.1)
    player.add_scene()
    window.controller.wait()
    session.update_run(0, lr=0.5)  # an edit of scene 2, made before the example is picked
    himmelblau = find_preset("himmelblau")
    window.open_preset(himmelblau)  # no question asked (refuse_dialogs)
    window.controller.wait()
    assert session.analysis.formula.text == himmelblau.scenario.formula
    assert player.lesson is not None and len(player.lesson.scenes) == 2 and player.example is himmelblau
    assert player.caption_bar.counter.text() == "after scene 2 / 2"
    assert player.caption_bar.caption.text().startswith("Himmelblau")
    assert "after scene 2 / 2" in window.windowTitle()
    assert shown_scene_caption(window) == "", "a picture exported now names no scene"
    message = window.statusBar().full_message()
    assert "Add this view as a scene" in message and "Scene 2 keeps its edits" in message
    assert player.lesson.scenes[1].scenario.runs[0].lr == 0.5, "scene 2 keeps the edit made before"

    session.update_run(0, lr=0.002)
    player.add_scene()
    window.controller.wait()
    assert [scene.caption for scene in player.lesson.scenes] == ["A bowl", "Too far", "Four minima"]
    assert player.index == 2 and player.example is None
    assert player.caption_bar.counter.text() == "scene 3 / 3"
    added = player.lesson.scenes[2].scenario
    assert added.formula == himmelblau.scenario.formula and added.runs[0].lr == 0.002
    assert player.lesson.scenes[1].scenario.formula == find_preset("bowl").scenario.formula

    window.open_preset(find_preset("saddle"))
    window.controller.wait()
    session.update_run(0, lr=0.3)
    player.previous_scene()  # back to the scene the example follows, which the example did not change
    window.controller.wait()
    assert player.index == 2 and player.example is None and len(player.lesson.scenes) == 3
    assert session.analysis.formula.text == himmelblau.scenario.formula and session.run_specs[0].lr == 0.002

    window.open_preset(find_preset("saddle"))
    window.controller.wait()
    player.forget_changes()  # no question before the next lesson opens
    window.document.open_lesson(shipped_lessons()[1])
    window.controller.wait()
    assert player.example is None and shows_scene(window, shipped_lessons()[1], 0), "an example goes with its lesson"
    assert "after scene" not in window.windowTitle()


def test_while_a_gallery_example_is_shown_no_scene_is_current_and_the_scene_it_follows_is_not_edited_unseen(
        make_main_window, activate, monkeypatch) -> None:
    """With an example shown after scene 2, the Scenes list showed scene 2 in bold as the scene shown, and Edit the
    scene's caption and Remove this scene acted on scene 2, off screen."""
    from gradviz.app import lesson_player

    window = make_main_window("bowl")
    player = window.lesson_player
    lesson = shipped_lessons()[1]
    window.document.open_lesson(lesson)
    window.controller.wait()
    player.next_scene()
    window.controller.wait()
    panel = open_scene_list(window)
    activate(window)
    assert bold_rows(panel) == [1] and player.edit_action.isEnabled() and player.remove_action.isEnabled()
    window.open_preset(find_preset("himmelblau"))
    window.controller.wait()
    assert player.example is not None and bold_rows(panel) == []
    assert panel.title.text().endswith("Shown: Himmelblau's function, after scene 2, not a scene")
    for action in (player.edit_action, player.remove_action):
        assert not action.isEnabled()
        assert "is shown after scene 2, not as a scene: go back to scene 2 (PgUp)" in action.toolTip()
    panel.list.setCurrentRow(1)
    assert not panel.remove_button.isEnabled() and "go back to scene 2" in panel.remove_button.toolTip()
    asked: list[str] = []
    monkeypatch.setattr(lesson_player.QMessageBox, "question", lambda *args: asked.append(args[2]))
    player.remove_scene_at(1)  # the list's Delete key
    assert len(player.lesson.scenes) == len(lesson.scenes) and asked == [] and player.example is not None
    assert "go back to scene 2 (PgUp) to remove it" in window.statusBar().full_message()
    panel.list.setCurrentRow(0)
    assert panel.remove_button.isEnabled(), "another scene can be removed"

    player.previous_scene()  # back to the scene the example follows
    window.controller.wait()
    assert bold_rows(panel) == [1] and "Shown:" not in panel.title.text()
    assert player.edit_action.isEnabled() and player.remove_action.isEnabled()
    assert "go back" not in player.remove_action.toolTip() and "go back" not in player.remove_action.statusTip()


def test_the_scene_dialog_asks_for_a_caption_and_notes_that_fit(qtbot) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from gradviz.app.lesson_editor import SceneDialog, SceneText
    from gradviz.core.lessons import MAX_NOTES_CHARS

    dialog = SceneDialog(None, "Add a scene", SceneText("Lecture", "", ""))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and dialog.problem.isHidden()
    qtbot.keyClicks(dialog.caption_edit, "  The gradient  ")
    assert ok.isEnabled() and dialog.text() == SceneText("Lecture", "The gradient", "")
    dialog.notes_edit.setPlainText("n" * (MAX_NOTES_CHARS + 1))
    assert not ok.isEnabled() and "at most 10,000" in dialog.problem.text()


def test_the_caption_is_smaller_while_editing_and_as_large_as_ever_while_presenting(make_main_window, qtbot) -> None:
    """The optimizer race at 1093 × 560: the caption at 1.75 times the text size took two large lines while editing,
    and the views kept 85 pixels."""
    from gradviz.app.lesson_player import PRESENTING_CAPTION_FACTOR

    window = make_main_window("bowl", size=(1093, 560))
    window.document.open_lesson(shipped_lessons()[7])
    window.controller.wait()
    window.session.wait_for_runs()
    bar, base = window.lesson_player.caption_bar, window.font().pointSizeF()
    caption = bar.caption
    qtbot.waitUntil(lambda: bar.isVisible() and bar.width() == window.centralWidget().width(), timeout=3000)
    assert caption.font().pointSizeF() <= 1.3 * base
    assert bar.height() <= 2 * caption.fontMetrics().lineSpacing() + 20, "two lines at most"
    qtbot.waitUntil(lambda: window.view_splitter.height() >= 185, timeout=3000)  # was 85, 173 with the caption at 1.75
    window.presentation.enter()
    scale = window.session.presentation_scale
    assert caption.font().pointSizeF() == pytest.approx(base * PRESENTING_CAPTION_FACTOR * scale)
    window.presentation.leave()
    assert caption.font().pointSizeF() <= 1.3 * base


def notes_box_pixels(window) -> int:
    """How many pixels of the caption bar are the notes box's colour."""
    from gradviz.app.view_common import qimage_to_array

    image = qimage_to_array(window.lesson_player.caption_bar.grab().toImage()).astype(int)
    return int(np.sum(np.abs(image[..., :3] - [0xFF, 0xF4, 0xC2]).sum(axis=2) < 12))


def test_n_shows_the_speakers_notes_under_the_caption_while_presenting_from_scene_to_scene(
        make_main_window, activate, qtbot) -> None:
    """The notes showed only as the caption's tooltip: with a clicker in hand there is no mouse to hover with."""
    from gradviz.app.shortcuts_help import shortcut_groups

    window = make_main_window(None)
    lesson = shipped_lessons()[2]
    window.document.open_lesson(lesson)
    window.controller.wait()
    activate(window)
    bar = window.lesson_player.caption_bar
    qtbot.waitUntil(lambda: bar.isVisible())
    assert not bar.notes.isVisible() and notes_box_pixels(window) == 0, "hidden at first"
    press(window, qtbot, Qt.Key.Key_N)
    assert bar.notes.isVisible() and bar.notes_button.isChecked()
    assert lesson.scenes[0].notes[:40] in bar.notes.label.text()
    qtbot.waitUntil(lambda: notes_box_pixels(window) > 10 * bar.width(), timeout=3000)  # a box of their own

    press(window, qtbot, Qt.Key.Key_F11)
    assert not bar.notes.isVisible(), "a projector mirroring the screen shows them only when asked"
    press(window, qtbot, Qt.Key.Key_N)
    assert bar.notes.isVisible() and not bar.notes_button.isVisible(), "the key, not the button, while presenting"
    height = bar.height()
    press(window, qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.lesson_player.index == 1 and bar.notes.isVisible(), "kept shown from scene to scene"
    assert lesson.scenes[1].notes[:40] in bar.notes.label.text()
    base = window.font().pointSizeF()
    assert bar.notes.label.font().pointSizeF() == pytest.approx(base * window.session.presentation_scale)
    press(window, qtbot, Qt.Key.Key_N)
    assert not bar.notes.isVisible()
    qtbot.waitUntil(lambda: bar.height() < height, timeout=3000)
    press(window, qtbot, Qt.Key.Key_Escape)
    assert ("N", "Speaker notes") in dict(shortcut_groups(window.menuBar(), window))["Lessons"]


def test_long_notes_scroll_in_a_box_six_lines_high(make_main_window, qtbot) -> None:
    from dataclasses import replace

    from gradviz.app.lesson_player import NOTES_MOST_LINES

    window = make_main_window(None, size=(1280, 800))
    lesson = shipped_lessons()[2]
    long_notes = " ".join(["The gradient points uphill, across the level lines."] * 60)
    window.document.open_lesson(replace(lesson, scenes=(replace(lesson.scenes[0], notes=long_notes),
                                                        *lesson.scenes[1:])))
    window.controller.wait()
    window.lesson_player.show_notes(True)
    box = window.lesson_player.caption_bar.notes
    lines = box.label.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: box.height() > (NOTES_MOST_LINES - 1) * lines, timeout=3000)
    assert box.height() < (NOTES_MOST_LINES + 2) * lines
    assert box.verticalScrollBar().maximum() > 0, "the rest scrolls"
    window.lesson_player.show_scene(1)
    window.controller.wait()
    qtbot.waitUntil(lambda: box.height() < 3 * lines, timeout=3000)  # a short note takes its own height
    window.lesson_player.close_lesson()
    assert not window.lesson_player.notes_action.isChecked(), "the next lesson starts without them"


# ----- the scenes list (Lessons → Scenes…) ----------------------------------------------------------------------
def open_scene_list(window):
    """The Scenes panel, opened from its entry in the Lessons menu."""
    lessons_menu = next(action.menu() for action in window.menuBar().actions() if action.text() == "&Lessons")
    next(action for action in lessons_menu.actions() if action.text() == "S&cenes…").trigger()
    assert window.scenes_dock.isVisible() and not window.scenes_dock.isFloating()
    return window.scenes_dock.panel


def row_texts(panel) -> list[str]:
    return [panel.list.item(row).text() for row in range(panel.list.count())]


def bold_rows(panel) -> list[int]:
    return [row for row in range(panel.list.count()) if panel.list.item(row).font().bold()]


def captions(lesson: Lesson) -> list[str]:
    return [scene.caption for scene in lesson.scenes]


def test_the_scenes_list_numbers_each_scene_with_its_caption_and_formula_and_follows_the_lesson(
        make_main_window, activate, qtbot) -> None:
    """There was no way to see a whole lesson at once: scene 7 of 12 was seven key presses away, unseen."""
    window = make_main_window(None)
    panel = open_scene_list(window)
    assert panel.hint.isVisible() and not panel.list.isVisible(), "without a lesson it says how to start one"
    assert "Add this view as a scene" in panel.hint.text()
    lesson = shipped_lessons()[0]
    window.document.open_lesson(lesson)
    window.controller.wait()
    activate(window)
    assert not panel.hint.isVisible() and panel.list.isVisible()
    assert panel.title.text() == f"{lesson.title} — 6 scenes"
    # the formulas as the formula panel writes them: scene 4's is spelled by the worker before it is ever shown
    qtbot.waitUntil(lambda: row_texts(panel)[3].endswith("f(x, y) = 3x² + 2xy + y³"))
    assert row_texts(panel)[0] == f"1.  {lesson.scenes[0].caption}\nf(x, y) = x² + 3y"
    assert [text.split("\n")[0] for text in row_texts(panel)] == [
        f"{number}.  {caption}" for number, caption in enumerate(captions(lesson), start=1)]
    assert panel.list.currentRow() == 0 and bold_rows(panel) == [0]

    press(window, qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert panel.list.currentRow() == 1 and bold_rows(panel) == [1]
    press(window, qtbot, Qt.Key.Key_End)
    assert panel.list.currentRow() == 5 and bold_rows(panel) == [5]
    press(window, qtbot, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert panel.list.currentRow() == 4 and bold_rows(panel) == [4]
    window.lesson_player.close_lesson()
    assert panel.hint.isVisible() and panel.list.count() == 0


def test_scenes_are_moved_duplicated_edited_removed_and_saved_from_the_list(
        make_main_window, lesson_file, activate, qtbot, monkeypatch) -> None:
    """A scene added in the wrong place had to be removed and built again."""
    from PySide6.QtWidgets import QMessageBox

    from gradviz.app import lesson_player
    from gradviz.app.lesson_editor import SceneText
    from gradviz.core.lessons import load_lesson

    window = make_main_window("bowl")
    assert window.open_file(lesson_file)
    window.controller.wait()
    activate(window)
    player, session, original = window.lesson_player, window.session, shipped_lessons()[1]
    panel = open_scene_list(window)
    rows = panel.list
    session.update_run(0, lr=0.07)  # scene 1, edited in the window
    rows.setFocus()
    rows.setCurrentRow(0)
    qtbot.keyClick(rows, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert captions(player.lesson) == [original.scenes[index].caption for index in (1, 0, 2, 3)]
    assert player.index == 1 and rows.currentRow() == 1 and bold_rows(panel) == [1]
    assert player.caption_bar.counter.text() == "scene 2 / 4" and "scene 2 / 4" in window.windowTitle()
    assert session.run_specs[0].lr == 0.07, "the scene shown stays shown, with its edit"
    assert window.isWindowModified()
    assert window.save() and not window.isWindowModified()
    saved = load_lesson(lesson_file)
    assert captions(saved) == captions(player.lesson) and saved.scenes[0] == original.scenes[1]
    assert saved.scenes[1].scenario.runs[0].lr == 0.07 and saved.scenes[2:] == original.scenes[2:]

    panel.up_button.click()
    assert captions(player.lesson) == captions(original) and window.isWindowModified()
    panel.down_button.click()
    assert captions(player.lesson) == captions(saved) and not window.isWindowModified(), "as saved again"

    rows.setCurrentRow(2)
    panel.duplicate_button.click()
    assert captions(player.lesson) == [captions(saved)[index] for index in (0, 1, 2, 2, 3)]
    assert rows.currentRow() == 3 and player.index == 1 and window.isWindowModified()

    monkeypatch.setattr(lesson_player, "ask_scene_text", lambda *_args: SceneText(saved.title, "A copy", "mine"))
    panel.edit_button.click()
    assert player.lesson.scenes[3].caption == "A copy" and player.lesson.scenes[3].notes == "mine"
    assert row_texts(panel)[3].startswith("4.  A copy\n") and rows.currentRow() == 3
    assert player.caption_bar.caption.text() == saved.scenes[1].caption, "the scene shown keeps its caption"

    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *_args: asked.append(text) or answer[0])
    rows.setFocus()
    qtbot.keyClick(rows, Qt.Key.Key_Delete)
    assert asked == ["Remove scene 4, “A copy”, from the lesson?"] and len(player.lesson.scenes) == 5
    answer[0] = QMessageBox.StandardButton.Yes
    rows.setCurrentRow(0)
    panel.remove_button.click()
    assert captions(player.lesson) == [*captions(saved)[1:3], "A copy", captions(saved)[3]]
    assert player.index == 0 and rows.currentRow() == 0 and session.run_specs[0].lr == 0.07, "still shown"

    row = rows.visualItemRect(rows.item(3)).center()
    qtbot.mouseClick(rows.viewport(), Qt.MouseButton.LeftButton, pos=row)  # a double-click's first press…
    assert player.index == 0 and rows.currentRow() == 3, "a click selects a scene, not shows it"
    qtbot.mouseDClick(rows.viewport(), Qt.MouseButton.LeftButton, pos=row)  # …and its second
    window.controller.wait()
    assert shows_scene(window, player.lesson, 3) and rows.currentRow() == 3 and bold_rows(panel) == [3]
    rows.setCurrentRow(0)
    qtbot.keyClick(rows, Qt.Key.Key_Return)
    window.controller.wait()
    assert player.index == 0 and session.run_specs[0].lr == 0.07, "back to the scene as it was left"


def test_a_row_dragged_in_the_scenes_list_moves_its_scene(make_main_window, qtbot) -> None:
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QDropEvent

    window = make_main_window(None)
    original = shipped_lessons()[0]
    window.document.open_lesson(original)
    window.controller.wait()
    panel = open_scene_list(window)
    rows, player = panel.list, window.lesson_player

    def drop_first_row(on_row: int, lower_half: bool) -> None:
        rows.setCurrentRow(0)
        target = rows.visualItemRect(rows.item(on_row))
        point = QPoint(target.center().x(), target.bottom() - 2 if lower_half else target.top() + 2)
        mime = rows.model().mimeData([rows.currentIndex()])
        drop = QDropEvent(QPointF(point), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
        rows.dropEvent(drop)  # as the drag gives it to the list (a test cannot start a drag it does not wait in)
        assert drop.isAccepted() and drop.dropAction() == Qt.DropAction.IgnoreAction, "it removes no row of its own"

    drop_first_row(2, lower_half=True)  # after row 3
    qtbot.waitUntil(lambda: captions(player.lesson)[2] == original.scenes[0].caption)
    assert captions(player.lesson) == [original.scenes[index].caption for index in (1, 2, 0, 3, 4, 5)]
    assert player.index == 2 and rows.currentRow() == 2 and rows.count() == 6 and window.isWindowModified()
    moved = player.lesson
    drop_first_row(1, lower_half=False)  # before row 2: where it is already
    qtbot.wait(50)
    assert player.lesson == moved
    drop_first_row(5, lower_half=True)  # after the last row
    qtbot.waitUntil(lambda: player.lesson != moved)
    assert captions(player.lesson) == [original.scenes[index].caption for index in (2, 0, 3, 4, 5, 1)]
    assert player.index == 1


def test_the_scenes_list_is_hidden_while_presenting_and_back_afterwards(make_main_window, activate, qtbot) -> None:
    window = make_main_window(None)
    window.document.open_lesson(shipped_lessons()[2])
    window.controller.wait()
    activate(window)
    open_scene_list(window)
    dock = window.scenes_dock
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not dock.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not dock.isVisible() and "leave presentation mode" in window.presentation.message.text()
    assert not dock.action.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(dock.isVisible, timeout=3000)
    assert dock.action.isChecked()


def test_an_edit_undone_after_its_scene_was_moved_or_captioned_is_undone_in_the_lesson(make_main_window, lesson_file,
                                                                                       monkeypatch) -> None:
    """Moving a scene took its edits into the lesson: undone afterwards with Ctrl+Z, they stayed in the saved file."""
    from gradviz.app import lesson_player
    from gradviz.app.lesson_editor import SceneText
    from gradviz.core.lessons import load_lesson

    window = make_main_window("bowl")
    assert window.open_file(lesson_file)
    window.controller.wait()
    player, session, original = window.lesson_player, window.session, shipped_lessons()[1]
    lr = original.scenes[0].scenario.runs[0].lr
    session.update_run(0, lr=0.07)
    player.move_scene(0, 1)
    assert player.edited_lesson().scenes[1].scenario.runs[0].lr == 0.07
    window.edit_history.undo()
    window.controller.wait()
    assert player.lesson is not None and session.run_specs[0].lr == lr
    assert player.edited_lesson().scenes[1].scenario.runs[0].lr == lr, "undone in the lesson too"
    player.move_scene(1, 0)
    assert not window.isWindowModified(), "the lesson as it was opened"

    session.update_run(0, lr=0.05)
    monkeypatch.setattr(lesson_player, "ask_scene_text", lambda *_args: SceneText(original.title, "Renamed", ""))
    player.edit_scene()
    window.edit_history.undo()
    window.controller.wait()
    assert window.save()
    saved = load_lesson(lesson_file)
    assert saved.scenes[0].caption == "Renamed" and saved.scenes[0].scenario.runs[0].lr == lr


def test_reset_panel_layout_puts_the_scenes_back_beside_the_probe_open_or_closed(make_main_window, qtbot) -> None:
    """Reset panel layout left the scenes where they were, stacked above the probe's tabs when they were open."""
    window = make_main_window(None)
    dock, probe = window.scenes_dock, window.teaching_docks.docks["probe_dock"]
    assert not dock.isVisible(), "closed at first"
    open_scene_list(window)
    assert probe in window.tabifiedDockWidgets(dock), "opened in the probe's tab group"
    dock.setFloating(True)  # dragged out of the dock column
    window.teaching_docks.reset_action.trigger()
    assert not dock.isFloating() and probe in window.tabifiedDockWidgets(dock)
    assert dock.isVisible() and not dock.visibleRegion().isEmpty(), "still open, in front"
    dock.setFloating(True)
    dock.close()
    window.teaching_docks.reset_action.trigger()
    assert not dock.isVisible(), "closed, it stays closed"
    open_scene_list(window)
    assert probe in window.tabifiedDockWidgets(dock)


def test_the_caption_names_a_scene_once_its_views_show_it_and_a_slow_one_says_it_is_coming(make_main_window,
                                                                                          monkeypatch, qtbot) -> None:
    """While the next scene was being prepared, the caption bar, the title and the scenes list already named it over
    the views of the scene before."""
    from gradviz.app.lesson_player import LOADING_HINT_MS

    window = make_main_window(None)
    window.document.open_lesson(mixed_lesson())
    window.controller.wait()
    panel = open_scene_list(window)
    player, status = window.lesson_player, window.statusBar()
    slow_analyses(monkeypatch, 4 * LOADING_HINT_MS / 1000, in_window=True)

    def look() -> tuple[bool, list[int], str]:
        return names_the_scene_on_screen(window), bold_rows(panel), status.full_message()

    looks = looks_while(qtbot, player.next_scene, look, lambda: player.index == 1)
    assert all(named for named, _bold, _message in looks), "the caption and title followed the views, never before"
    assert [bold for _named, bold, _message in looks] == sorted(bold for _named, bold, _message in looks)
    assert {bold[0] for _named, bold, _message in looks} == {0, 1}, "the bold row too"
    messages = [message for _named, _bold, message in looks]
    assert "Loading scene 2…" in messages and messages[0] != "Loading scene 2…", "said once it takes a moment"
    assert looks[-1] == (True, [1], ""), "gone once it is shown"
    player.next_scene()  # a quick scene says nothing
    window.controller.wait()
    assert names_the_scene_on_screen(window) and player.index == 2 and status.full_message() == ""


def darkest_caption_ink(window) -> int:
    """The darkest grey level of the caption's text as drawn (0 black, 255 white)."""
    from gradviz.app.view_common import qimage_to_array

    image = qimage_to_array(window.lesson_player.caption_bar.caption.grab().toImage()).astype(int)
    return int(image[..., :3].mean(axis=2).min())


def changed_tag_pixels(window) -> int:
    """How many pixels of the caption bar are the changed scene's tag's colour."""
    from gradviz.app.view_common import qimage_to_array

    image = qimage_to_array(window.lesson_player.caption_bar.grab().toImage()).astype(int)
    return int(np.sum(np.abs(image[..., :3] - [0xFD, 0xE6, 0xCF]).sum(axis=2) < 12))


def test_a_caption_the_views_no_longer_fit_is_struck_with_what_changed_until_they_fit_it_again(
        make_main_window, activate, monkeypatch, qtbot, tmp_path) -> None:
    """Presenting "The sign of the update", S and − left "w ← w − η·dL/dw with η = 0.1: … towards the minimum at 3"
    above a ball climbing away at η = 0.0794 with w + η∇L, as if nothing had changed."""
    from PySide6.QtWidgets import QFileDialog

    from gradviz.core.lessons import load_lesson
    from gradviz.core.notation import format_number

    window = make_main_window(None, size=(1280, 800))
    lesson = next(candidate for candidate in shipped_lessons() if candidate.title == "The sign of the update")
    window.document.open_lesson(lesson)
    window.controller.wait()
    activate(window)
    player, session, bar = window.lesson_player, window.session, window.lesson_player.caption_bar
    press(window, qtbot, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: bar.isVisible() and darkest_caption_ink(window) < 60, timeout=3000)
    assert bar.changed.isHidden() and changed_tag_pixels(window) == 0, "the scene as written"
    press(window, qtbot, Qt.Key.Key_S)
    press(window, qtbot, Qt.Key.Key_Minus)
    session.wait_for_runs()
    lr = format_number(session.run_specs[0].lr)
    assert session.run_specs[0].sign == "wrong" and lr != "0.1"
    assert bar.changed.text() == f"Changed: η = {lr}, wrong sign", "presenting: the facts, not the lecturer's keys"
    assert bar.caption.text() == lesson.scenes[0].caption and bar.caption.font().strikeOut()
    qtbot.waitUntil(lambda: changed_tag_pixels(window) > 5 * bar.changed.height(), timeout=3000)
    assert darkest_caption_ink(window) > 80, "greyed"
    assert player.shown_changes() == (f"η = {lr}", "wrong sign")

    press(window, qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert player.index == 1 and bar.changed.isHidden() and not bar.caption.font().strikeOut()
    press(window, qtbot, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert player.index == 0 and bar.changed.isVisible(), "the scene comes back as it was left, and says so"

    press(window, qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    session.wait_for_runs()
    assert (session.run_specs[0].lr, session.run_specs[0].sign) == (0.1, "correct")
    assert bar.changed.isHidden() and not bar.caption.font().strikeOut()
    qtbot.waitUntil(lambda: changed_tag_pixels(window) == 0 and darkest_caption_ink(window) < 60, timeout=3000)
    window.edit_history.undo()  # the scene put back is an edit like any other
    window.controller.wait()
    assert session.run_specs[0].sign == "wrong" and bar.changed.isVisible()
    session.update_run(0, lr=0.1, sign="correct")  # back by hand
    assert bar.changed.isHidden()

    session.update_run(0, lr=0.3)
    assert bar.changed.text() == "Changed: η = 0.3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(tmp_path / "faster.json"), ""))
    assert window.save()
    assert bar.changed.isHidden(), "an edit saved into the lesson is what its caption is for now"
    assert load_lesson(tmp_path / "faster.json").scenes[0].scenario.runs[0].lr == 0.3
    session.update_run(0, lr=0.1)
    assert bar.changed.text() == "Changed: η = 0.1"
    press(window, qtbot, Qt.Key.Key_Escape)


def test_a_caption_rewritten_is_written_for_the_scene_as_it_shows_then(make_main_window, monkeypatch) -> None:
    """η changed in class, then the caption rewritten for it: the new words were struck through at once with
    "Changed: η = 0.3", and Shift+R threw away the η they were written for. Only saving made them fit."""
    from gradviz.app import lesson_player
    from gradviz.app.lesson_editor import SceneText

    window = make_main_window(None, size=(1280, 800))
    lesson = next(candidate for candidate in shipped_lessons() if candidate.title == "The sign of the update")
    window.document.open_lesson(lesson)
    window.controller.wait()
    player, session, bar = window.lesson_player, window.session, window.lesson_player.caption_bar
    session.update_run(0, lr=0.3)
    assert bar.changed.text().startswith("Changed: η = 0.3 — ")
    answers = [SceneText(lesson.title, lesson.scenes[0].caption, "Say why it overshoots."),
               SceneText(lesson.title, "η = 0.3: the steps overshoot the minimum at 3.", "Say why it overshoots.")]
    monkeypatch.setattr(lesson_player, "ask_scene_text", lambda *_args: answers.pop(0))
    player.edit_scene()
    assert bar.caption.font().strikeOut() and bar.changed.text().startswith("Changed: η = 0.3 — "), (
        "new notes under the same words: they were written for η = 0.1")
    player.edit_scene()
    assert bar.caption.text() == "η = 0.3: the steps overshoot the minimum at 3."
    assert bar.changed.isHidden() and not bar.caption.font().strikeOut(), "written for what the views show"
    assert window.isWindowModified(), "not saved yet"

    session.update_run(0, lr=0.1)
    assert bar.changed.text().startswith("Changed: η = 0.1 — "), "the old η no longer fits the new words"
    player.reset_scene()
    window.controller.wait()
    session.wait_for_runs()
    assert session.run_specs[0].lr == 0.3 and bar.changed.isHidden(), "Shift+R: back to what the caption says"

    player.show_scene(1)
    window.controller.wait()
    session.update_run(0, lr=0.02)
    player.show_scene(0)
    window.controller.wait()
    answers.append(SceneText(lesson.title, "η = 0.02 creeps towards the minimum.", ""))
    player.edit_scene_at(1)  # the Scenes panel's Caption…: a scene not shown, written for it as it was left
    player.show_scene(1)
    window.controller.wait()
    assert session.run_specs[0].lr == 0.02 and bar.changed.isHidden() and not bar.caption.font().strikeOut()


def test_a_retyped_formula_and_a_curves_arrows_leave_the_caption_and_shift_rs_word_goes_with_the_scene(
        make_main_window, activate, qtbot) -> None:
    """In "The sign of the update", L(w)=(w-3)^2 typed over L(w) = (w - 3)^2 struck the caption with "Changed: another
    formula", and A then D with "arrows downhill" though a curve has no arrows. Presenting, "Scene 1 is back as
    written: Ctrl+Z takes that back." stayed up on the next scene and in the next lesson."""
    window = make_main_window(None, size=(1280, 800))
    lessons = {lesson.title: lesson for lesson in shipped_lessons()}
    window.document.open_lesson(lessons["The sign of the update"])
    window.controller.wait()
    activate(window)
    player, session, bar, status = (window.lesson_player, window.session, window.lesson_player.caption_bar,
                                    window.statusBar())
    press(window, qtbot, Qt.Key.Key_F5)
    box = window.formula_panel.formula_edit
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "L(w)=(w-3)^2")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.analysis.formula.text == "L(w)=(w-3)^2", timeout=5000)
    assert bar.changed.isHidden() and not bar.caption.font().strikeOut(), "the scene's own formula"
    window.setFocus()
    press(window, qtbot, Qt.Key.Key_A)
    press(window, qtbot, Qt.Key.Key_D)
    assert session.view.arrows == "downhill", "A is for a map's arrows; D turns them all the same"
    assert bar.changed.isHidden() and player.shown_changes() == (), "no arrows on a curve to point anywhere"

    back = "Scene 1 is back as written."  # presenting (F5): without the lecturer's Ctrl+Z

    def put_back() -> None:
        press(window, qtbot, Qt.Key.Key_S)
        assert bar.changed.text().startswith("Changed: ") and "wrong sign" in bar.changed.text()
        press(window, qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
        session.wait_for_runs()
        qtbot.wait(50)  # the runs put back come in, their signals heard
        assert bar.changed.isHidden() and status.currentMessage() == back, "said while it holds"

    put_back()
    press(window, qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert player.index == 1 and status.currentMessage() == "", "not said of the next scene"
    press(window, qtbot, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    put_back()
    press(window, qtbot, Qt.Key.Key_Minus)
    assert session.run_specs[0].lr < 0.1 and status.currentMessage() == "", "an edit since: Ctrl+Z takes that back"
    put_back()
    window.document.open_lesson(lessons["Optimizers race"])
    window.controller.wait()
    assert player.lesson.title == "Optimizers race" and status.currentMessage() == "", "not said in another lesson"
