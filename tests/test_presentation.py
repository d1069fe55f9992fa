"""Presentation mode: F11 hides the chrome and enlarges everything, keys and a clicker drive the run, F11 or Esc
brings back the window exactly as it was."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from ink import ink_line_bands
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAction, QColor, QImage, QScreen
from PySide6.QtWidgets import QApplication, QToolBar

from gradviz.app.camera_link import camera_of
from gradviz.app.colormaps import RUN_COLOURS
from gradviz.app.formula_panel import laid_out_equations
from gradviz.app.panel_base import RunChooser
from gradviz.app.presentation import (
    PRESENTING_TEXT_FACTOR,
    largest_presentation_scale,
    remembered_presentation_scale,
    remembered_theme,
    screen_scale_factor,
)
from gradviz.app.run_scheduler import SlicedRunScheduler
from gradviz.app.shortcuts_help import action_help_text, shortcuts_html
from gradviz.core.analysis import analyze
from gradviz.core.descent import MAX_STEP_BUDGET
from gradviz.core.notation import format_number
from gradviz.core.presets import find_preset

SHOT = (320, 240)
pytestmark = pytest.mark.usefixtures("refuse_dialogs")


def proportions(sizes: list[int]) -> tuple[float, ...]:
    """Each pane's share of a splitter, to the percent (the window system may give the whole a few pixels more)."""
    total = sum(sizes) or 1
    return tuple(round(100 * size / total) for size in sizes)


def chrome(window) -> dict[str, object]:
    """What presentation mode hides or rearranges, as it is now."""
    toolbar = window.findChild(QToolBar, "main_toolbar")
    return {
        "menu bar": window.menuBar().isVisible(),
        "status bar": window.statusBar().isVisible(),
        "toolbar": toolbar.isVisible(),
        "formula box": window.formula_panel.formula_edit.isVisible(),
        "run settings": window.stepper.lr_slider.isVisible(),
        "main splitter": proportions(window.main_splitter.sizes()),
        "view splitter": proportions(window.view_splitter.sizes()),
        "full screen": window.isFullScreen(),
    }


def test_presentation_mode_hides_the_chrome_and_gives_it_all_back(make_main_window, activate, qtbot) -> None:
    window = make_main_window("wrong-sign")
    window.view_splitter.setSizes([700, 500])
    window.camera_link.orbit(1, 1)
    activate(window)
    before, camera, scenario = chrome(window), camera_of(window.surface_view), window.session.scenario()

    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: proportions(window.main_splitter.sizes())[1] > before["main splitter"][1])
    presenting = chrome(window)
    assert presenting["full screen"]
    assert not any(presenting[name] for name in ("menu bar", "status bar", "toolbar", "formula box", "run settings"))
    assert window.formula_panel.derivatives_label.isVisible() and window.stepper.readout.isVisible()
    assert (window.session.theme, window.session.presentation_scale) == ("projector", 1.6)
    equations = window.formula_panel.equations_area
    qtbot.waitUntil(lambda: equations.height() < 80, timeout=3000)  # f and its partials on a line: the views' room
    in_a_row = laid_out_equations(window.session.analysis.equations, in_a_row=True)
    assert equations.label.text() == in_a_row
    base_size = window.stepper.readout.font().pointSizeF()

    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.session.presentation_scale == pytest.approx(1.8)
    assert window.stepper.readout.font().pointSizeF() == pytest.approx(base_size * 1.8 / 1.6)
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.session.presentation_scale == pytest.approx(1.4)

    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: chrome(window) == before, timeout=3000)
    assert equations.label.text() != in_a_row, "stacked again beside the range controls"
    assert camera_of(window.surface_view) == camera
    assert window.session.scenario() == scenario
    assert remembered_presentation_scale() == pytest.approx(1.4), "the lecturer's scale is kept for next time"

    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.session.presentation_scale == pytest.approx(1.4)
    for _ in range(10):
        qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    largest = largest_presentation_scale(window.screen().availableGeometry().height())
    assert window.session.presentation_scale == pytest.approx(largest), "as large as the screen has room for"
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: chrome(window) == before, timeout=3000)


def test_presenting_on_a_small_screen_leaves_the_remembered_scale_alone(make_main_window, monkeypatch) -> None:
    """Presented once on a 720-line projector (scale capped at 1.8) and left unchanged, the 2.7 chosen on the usual
    screen was remembered as 1.8."""
    from gradviz.app.presentation import PresentationMode
    from gradviz.app.settings import remember

    window = make_main_window("bowl")
    remember("presentation/scale", 2.7)
    monkeypatch.setattr(PresentationMode, "largest_scale", lambda self: 1.8)
    monkeypatch.setattr(PresentationMode, "_screen_factor", lambda self: 1.0)
    window.presentation.enter()
    assert window.session.presentation_scale == pytest.approx(1.8)
    window.presentation.leave()
    assert remembered_presentation_scale() == pytest.approx(2.7)


def test_keys_and_clicker_drive_the_run_while_presenting(make_main_window, activate, qtbot) -> None:
    window = make_main_window("bowl")
    session, stepper = window.session, window.stepper
    stepper.speed_box.setValue(30)
    activate(window)
    qtbot.keyClick(window, Qt.Key.Key_F11)

    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert stepper.playing
    qtbot.waitUntil(lambda: session.step >= 2, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not stepper.playing
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert session.step == 0

    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert session.step == 1
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert stepper.playing, "the clicker's 'next' plays the run"
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert not stepper.playing and session.step == session.last_step, "pressed again, it shows the end"
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert session.step == 0, "the clicker's 'back' returns to the start"

    qtbot.keyClick(window, Qt.Key.Key_S)
    assert session.run_specs[0].sign == "wrong"
    lr = session.run_specs[0].lr
    qtbot.keyClick(window, Qt.Key.Key_Plus)
    assert session.run_specs[0].lr == pytest.approx(lr * 10**0.1, rel=0.03)
    qtbot.keyClick(window, Qt.Key.Key_Minus)
    assert session.run_specs[0].lr == pytest.approx(lr, rel=0.03)

    azimuth = camera_of(window.surface_view).azimuth
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert session.camera.azimuth == pytest.approx(azimuth + 15.0)
    qtbot.keyClick(window, Qt.Key.Key_T)
    assert session.camera.elevation == pytest.approx(90.0)
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert session.camera.elevation == pytest.approx(window.surface_view.ELEVATION)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.menuBar().isVisible()


def test_the_projector_theme_recolours_the_views_and_is_remembered(make_main_window) -> None:
    window = make_main_window("bowl")
    surface, contour = window.surface_view.render_to_array(*SHOT), window.contour_view.render_to_array(*SHOT)
    window.presentation.toggle_projector_theme()
    assert window.session.theme == "projector" and remembered_theme() == "projector"
    assert np.abs(window.surface_view.render_to_array(*SHOT).astype(int) - surface).mean() > 1
    assert np.abs(window.contour_view.render_to_array(*SHOT).astype(int) - contour).mean() > 1
    again = make_main_window(None)
    assert again.session.theme == "projector", "the theme chosen last time"
    again.open_preset(find_preset("saddle"))
    again.controller.wait()
    assert again.session.theme == "projector", "presets open in the current theme"
    again.open_scenario(find_preset("bowl").scenario, wait=True)
    assert again.session.theme == "default", "a scenario opens as it was saved"


def test_a_scene_still_being_prepared_keeps_the_look_of_the_moment_it_arrives(make_main_window) -> None:
    """A lesson opened, then F11 pressed before its first scene arrived: the scene put back the default look."""
    from gradviz.core.lessons import shipped_lessons

    window = make_main_window("bowl")
    session = window.session
    lesson = shipped_lessons()[0]
    window.lesson_player.open_lesson(lesson)
    window.presentation.enter()
    window.controller.wait()
    assert window.lesson_player.lesson is lesson and window.lesson_player.index == 0
    assert (session.theme, session.presentation_scale) == ("projector", remembered_presentation_scale())
    window.lesson_player.next_scene()
    window.presentation.leave()
    window.controller.wait()
    assert window.lesson_player.index == 1
    assert (session.theme, session.presentation_scale) == ("default", 1.0)
    window.lesson_player.close_lesson()


def test_help_lists_every_shortcut_once_by_menu_on_a_small_screen(make_main_window) -> None:
    window = make_main_window("bowl")
    next(action for action in window.actions() if action.text() == "&Keyboard shortcuts").trigger()
    dialog = window.shortcuts_dialog
    assert dialog is not None and dialog.isVisible()
    shown = dialog.label.text()
    for key in ("F11 / F5", "Esc", "B / .", "Ctrl++ / Ctrl+=", "Ctrl+-", "PgDown", "PgUp", "Ctrl+PgDown", "Home", "End",
                "Shift+Left", "Space", "Right", "Ctrl+0", "Ctrl+Z", "Shift+F1"):
        assert f"<b>{key}</b>" in shown, key
    for menu in ("File", "Edit", "Run", "View", "Lessons", "Help"):
        assert f"<b>{menu}</b>" in shown, menu
    keyed = [action for action in window.actions() if action.shortcuts()]
    assert sum(shown.count(f"<td style='white-space:nowrap'>{action_help_text(action)}</td>")
               for action in keyed) == len(keyed), "each once"
    window.session.update_run(0, lr=0.05)  # an edit: Undo's text names it, the list does not
    window.edit_history.record()
    assert window.edit_history.undo_action.text().startswith("&Undo ")
    dialog.close()
    next(action for action in window.actions() if action.text() == "&Keyboard shortcuts").trigger()
    assert "<td style='white-space:nowrap'>Undo the last edit</td>" in window.shortcuts_dialog.label.text()
    assert dialog.sizeHint().height() < 700 and dialog.sizeHint().width() < 1280, "it fits a 1280×720 projector"


def test_the_shortcuts_take_fewer_columns_on_a_narrow_screen(make_main_window, monkeypatch) -> None:
    """Three columns were 1046 pixels wide: on a 1024-pixel screen the Close button was off its edge."""
    import gradviz.app.shortcuts_help as shortcuts_help

    window = make_main_window("bowl")
    width = window.screen().availableGeometry().width()
    monkeypatch.setattr(shortcuts_help, "DIALOG_SCREEN_SHARE", 1000 / width)  # as if the screen were 1000 wide
    dialog = shortcuts_help.ShortcutsDialog(window)
    assert dialog.label.text().count("<td valign='top'>") == 2 and dialog.sizeHint().width() <= 1000
    monkeypatch.setattr(shortcuts_help, "DIALOG_SCREEN_SHARE", 1.0)
    dialog.fit_columns()
    assert dialog.label.text().count("<td valign='top'>") == 3


def test_the_shortcuts_scroll_on_a_short_screen_with_close_in_view(make_main_window, monkeypatch, qtbot) -> None:
    """1366 × 768 at 125 % is 1093 × 614: the two columns were 745 pixels high, the Close button below the screen."""
    from PySide6.QtWidgets import QDialogButtonBox

    import gradviz.app.presentation as presentation
    import gradviz.app.shortcuts_help as shortcuts_help

    window = make_main_window("bowl")
    room = window.screen().availableGeometry().size()
    share = 540 / room.height()  # as if the screen's room were 540 pixels high (and as much less wide)
    for module in (presentation, shortcuts_help):
        monkeypatch.setattr(module, "DIALOG_SCREEN_SHARE", share)
    next(action for action in window.actions() if action.text() == "&Keyboard shortcuts").trigger()
    dialog = window.shortcuts_dialog
    qtbot.waitExposed(dialog)
    assert dialog.height() <= 540 and dialog.width() <= room.width() * share
    assert dialog.label.text().count("<td valign='top'>") == 2
    close = dialog.findChild(QDialogButtonBox)
    assert close.isVisible() and dialog.rect().contains(close.geometry()), "Close in view"
    bar = dialog.keys_area.verticalScrollBar()
    qtbot.waitUntil(bar.isVisible, timeout=3000)
    assert bar.maximum() > 0, "the keys scroll"
    assert not dialog.keys_area.horizontalScrollBar().isVisible()


def test_the_help_dialogs_are_enlarged_while_presenting_and_still_fit_the_screen(make_main_window) -> None:
    window = make_main_window("bowl")
    trigger = {action.text().replace("&", ""): action for action in window.actions()}
    trigger["Keyboard shortcuts"].trigger()
    normal_keys = window.shortcuts_dialog.size()
    trigger["Writing formulas…"].trigger()
    normal_help = (window.syntax_help.size(), window.syntax_help.browser.font().pointSizeF())
    window.shortcuts_dialog.close()
    window.syntax_help.close()
    window.presentation.enter()
    trigger["Keyboard shortcuts"].trigger()
    trigger["Writing formulas…"].trigger()
    room = window.screen().availableGeometry().size()
    keys, help_dialog = window.shortcuts_dialog, window.syntax_help
    assert keys.label.font().pointSizeF() > 1.3 * QApplication.font().pointSizeF()
    assert keys.width() > 1.3 * normal_keys.width() and keys.height() > 1.3 * normal_keys.height()
    assert keys.sizeHint().width() <= room.width() and keys.sizeHint().height() <= room.height(), "it all shows"
    assert help_dialog.browser.font().pointSizeF() > 1.3 * normal_help[1]
    assert help_dialog.width() > 1.3 * normal_help[0].width() and help_dialog.height() <= room.height()
    window.presentation.leave()
    keys.close()
    trigger["Keyboard shortcuts"].trigger()
    assert window.shortcuts_dialog.label.font().pointSizeF() == QApplication.font().pointSizeF(), "back to normal"


def test_the_clicker_blank_key_blanks_and_brings_back_the_picture(make_main_window, activate, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window)
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert window.centralWidget().isVisible(), "blanking is for presenting only"
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.keyClick(window, Qt.Key.Key_Period)
    assert not window.centralWidget().isVisible()
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert window.centralWidget().isVisible()
    qtbot.keyClick(window, Qt.Key.Key_B)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.centralWidget().isVisible() and window.menuBar().isVisible()


def test_a_clicker_key_on_the_blank_screen_brings_the_picture_back_and_nothing_else(make_main_window, activate,
                                                                                   qtbot) -> None:
    """PgDown on a blank screen played the run out of sight."""
    window = make_main_window("bowl")
    activate(window)
    session = window.session
    qtbot.keyClick(window, Qt.Key.Key_F5)
    for key in (Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_PageUp):
        step = session.step
        qtbot.keyClick(window, Qt.Key.Key_B)
        assert not window.centralWidget().isVisible()
        qtbot.keyClick(window, key)
        assert window.centralWidget().isVisible(), key
        assert session.step == step and not window.stepper.playing, key
    qtbot.keyClick(window, Qt.Key.Key_Right)  # with the picture back, the key steps again
    assert session.step == 1
    window.stepper.set_playing(True)
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert not window.stepper.playing, "a run playing waits for the audience while the screen is blank"
    qtbot.keyClick(window, Qt.Key.Key_B)
    qtbot.keyClick(window, Qt.Key.Key_Escape)


def test_messages_show_over_the_picture_while_presenting_hides_the_status_bar(make_main_window, activate,
                                                                              qtbot) -> None:
    """'This is the last scene of the lesson.' and 'Saved lecture.mp4' went to a hidden status bar."""
    from gradviz.core.lessons import shipped_lessons

    window = make_main_window("bowl")
    activate(window)
    message = window.presentation.message
    window.statusBar().showMessage("Saved lecture.mp4", 8000)
    assert not message.isVisible(), "the status bar shows it"
    qtbot.keyClick(window, Qt.Key.Key_F5)
    window.lesson_player.open_lesson(shipped_lessons()[1])
    window.controller.wait()
    for _ in window.lesson_player.lesson.scenes:
        qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)  # the next scene
        window.controller.wait()
    qtbot.waitUntil(message.isVisible)
    assert message.text() == "This is the last scene of the lesson." and not window.statusBar().isVisible()
    assert window.rect().contains(message.geometry())
    assert not message.geometry().intersects(map_x_axis(window)), "clear of the map's ticks"
    assert not message.geometry().intersects(window_rect(window.stepper.readout)), "not over the runs' readout"
    assert message.font().pointSizeF() > QApplication.font().pointSizeF(), "enlarged as the rest"
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert not message.isVisible(), "the blank screen stays blank"
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert message.isVisible()
    window.statusBar().clearMessage()
    assert not message.isVisible(), "gone with the message"
    window.statusBar().showMessage("Saved lecture.mp4", 8000)
    assert message.isVisible() and message.text() == "Saved lecture.mp4"
    qtbot.keyClick(window, Qt.Key.Key_Home)
    window.controller.wait()
    assert window.statusBar().currentMessage() == "Saved lecture.mp4", "only the last scene's message goes"
    qtbot.keyClick(window, Qt.Key.Key_End)
    qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    window.controller.wait()
    assert message.text() == "This is the last scene of the lesson."
    qtbot.keyClick(window, Qt.Key.Key_Home)
    window.controller.wait()
    assert not message.isVisible(), "said of the last scene, it goes with it"
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not message.isVisible()


def window_rect(widget, part: QRect | None = None) -> QRect:
    """A widget's rectangle, or this part of it, in its window's coordinates."""
    part = widget.rect() if part is None else part
    return QRect(widget.mapTo(widget.window(), part.topLeft()), part.size())


def map_x_axis(window) -> QRect:
    """The map's x axis, its tick labels and title, in the window's coordinates."""
    view = window.contour_view
    axis = view.mapFromScene(view.plot_item.getAxis("bottom").sceneBoundingRect()).boundingRect()
    return window_rect(view.viewport(), axis)


def equations_text(window) -> QRect:
    """Where the equations are written, in the window's coordinates."""
    label = window.formula_panel.derivatives_label
    return window_rect(label, QRect(QPoint(), label.sizeHint()))


def test_messages_while_presenting_go_beside_the_equations_or_under_the_3d_view_never_over_the_maps_ticks(
        make_main_window, qtbot) -> None:
    """Presenting the two-minima lesson at 1280 × 800, "Where descent from each start ends: 2 minima" lay over the
    map's x ticks for its eight seconds. It goes right of the equations, or where they leave no room for it (the L1
    penalty's, with their notes), at the foot of the 3D view."""
    from gradviz.core.lessons import shipped_lessons

    window = make_main_window(None, size=(1280, 800))
    window.presentation.enter()
    window.resize(1280, 800)
    lesson = next(lesson for lesson in shipped_lessons() if lesson.title.startswith("Two minima"))
    window.lesson_player.open_lesson(lesson)
    window.controller.wait()
    window.lesson_player.show_scene(2)
    window.controller.wait()
    message = window.presentation.message
    qtbot.waitUntil(lambda: message.isVisible() and message.text().startswith("Where descent from each start ends"))
    box = message.geometry()
    assert not box.intersects(map_x_axis(window)) and not box.intersects(equations_text(window))
    assert window_rect(window.formula_panel).contains(box), "beside the equations"
    assert not box.intersects(window_rect(window.view_splitter)), "over neither view"
    window.open_scenario(find_preset("l1-penalty").scenario, wait=True)
    qtbot.waitUntil(lambda: message.geometry() != box)
    box = message.geometry()
    assert message.isVisible() and not box.intersects(window_rect(window.formula_panel)), "no room there now"
    assert window_rect(window.surface_view).contains(box) and not box.intersects(map_x_axis(window))
    assert box.bottom() > window_rect(window.surface_view).center().y(), "at the foot of the 3D view"
    window.presentation.leave()


def _assert_no_key_held_twice(window) -> None:
    """No key is the shortcut of two enabled actions (Qt would then run neither)."""
    owners: dict[str, str] = {}
    for action in window.findChildren(QAction):
        if not action.isEnabled():
            continue
        for key in action.shortcuts():
            assert key.toString() not in owners, f"{key.toString()}: {owners.get(key.toString())} and {action.text()}"
            owners[key.toString()] = action.text()


def test_no_two_enabled_actions_share_a_key(make_main_window, monkeypatch) -> None:
    monkeypatch.setattr(SlicedRunScheduler, "quick_wait_seconds", 0.0)
    window = make_main_window("rosenbrock")
    _assert_no_key_held_twice(window)
    window.session.update_run(0, max_steps=MAX_STEP_BUDGET)  # long: computed in the background
    assert window.session.computing is not None and window.stop_computing_action.isEnabled()
    _assert_no_key_held_twice(window)
    window.presentation.enter()
    assert not window.stop_computing_action.isEnabled()  # Esc leaves presentation mode first
    _assert_no_key_held_twice(window)
    window.presentation.leave()
    assert window.stop_computing_action.isEnabled()
    _assert_no_key_held_twice(window)
    window.session.stop_computing()
    window.session.wait_for_runs()
    assert window.session.computing is None and not window.stop_computing_action.isEnabled()


def test_the_probe_legend_leaves_the_map_and_its_tags_readable_when_projected(make_main_window, qtbot) -> None:
    """Projected, the legend (with its note on skewed right angles) covered half the small map and a tag."""
    from gradviz.app.contour_view import LEGEND_SHARE
    from gradviz.core.lessons import shipped_lessons

    window = make_main_window(None, size=(1280, 720))
    lesson = next(lesson for lesson in shipped_lessons() if "learning rate" in lesson.title.lower())
    window.lesson_player.open_lesson(lesson)
    window.lesson_player.next_scene()
    window.controller.wait()
    window.presentation.enter()
    qtbot.wait(100)
    window.contour_view.grab()
    text = window.contour_view.probe_text
    plot = text.plot_rect(text.deviceTransform(window.contour_view.viewportTransform()))
    legend = text.legend_rect
    assert not legend.isEmpty() and len(text.tag_boxes) == 3
    assert legend.width() * legend.height() <= LEGEND_SHARE * plot.width() * plot.height()
    assert not any(tag.intersects(legend) for tag in text.tag_boxes)
    window.presentation.leave()


def test_a_tag_placed_far_from_its_arrow_is_joined_to_it_by_a_line(make_main_window, qtbot) -> None:
    """Projected, the probe at the top of a small map pushed the ∂f/∂x tag far below its arrow, with nothing to
    say which arrow it named."""
    from gradviz.app.view_common import qimage_to_array
    from gradviz.core.lessons import shipped_lessons

    window = make_main_window(None, size=(1100, 720))  # a map small enough for it in its square frame (equal aspect)
    lesson = next(lesson for lesson in shipped_lessons() if lesson.title.startswith("The gradient"))
    window.lesson_player.open_lesson(lesson)
    window.lesson_player.next_scene()  # the probe at (1, 2), near the top of the map
    window.controller.wait()
    window.presentation.enter()
    window.session.set_presentation_scale(1.8)  # tags large enough on this map to be pushed off their arrows
    qtbot.wait(100)
    view = window.contour_view
    image = qimage_to_array(view.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888))
    text = view.probe_text
    assert text.leaders, "a displaced tag gets a leader"
    for line, colour in text.leaders:
        tag = next(box for box in text.tag_boxes if box.adjusted(-1, -1, 1, 1).contains(line.p2()))
        assert not tag.contains(line.p1()), "the line starts at the arrow, off the tag"
        assert line.length() > text.label_font().pixelSize()
        middle = line.pointAt(0.3)
        x, y = round(middle.x()), round(middle.y())
        around = image[y - 1 : y + 2, x - 1 : x + 2, :3].reshape(-1, 3).astype(float)
        distance = np.min(np.linalg.norm(around - 255 * np.array(colour[:3]), axis=1))
        assert distance < 60, f"the line is drawn in its tag's colour {colour}: nearest pixel {distance:.0f} away"
    window.presentation.leave()


def test_the_keys_list_keeps_short_groups_whole_and_splits_a_long_one_under_its_title() -> None:
    def group(title: str, count: int) -> tuple[str, list[tuple[str, str]]]:
        return title, [(f"{title}{index}", f"does {title} {index}") for index in range(count)]

    page = shortcuts_html([group("File", 7), group("Edit", 4), group("Run", 7), group("View", 27), group("Help", 2)])
    columns = page.split("<td valign='top'>")[1:]
    assert len(columns) == 3
    heights = [column.count("<tr>") for column in columns]
    assert max(heights) <= 20, heights  # 52 rows in three columns: none as tall as the View group alone (28)
    holding_run = [column for column in columns if "<b>Run</b>" in column]
    assert len(holding_run) == 1 and all(f"<b>Run{index}</b>" in holding_run[0] for index in range(7)), "kept whole"
    assert "(continued)" not in page.replace("<b>View (continued)</b>", ""), "only View is split"
    assert "<b>View</b>" in columns[1] and "<b>View (continued)</b>" in columns[2]
    assert all(page.count(f"<b>View{index}</b>") == 1 for index in range(27))
    assert not columns[0].endswith("<b>View</b></td></tr></table></td>"), "no title alone at a column's foot"


def test_the_largest_presentation_scale_leaves_the_views_room_on_the_screen() -> None:
    """At 1280 × 720 a scale of 3 left the views about 120 pixels high."""
    assert largest_presentation_scale(720) == pytest.approx(1.8)
    assert largest_presentation_scale(1080) == pytest.approx(2.7)
    assert largest_presentation_scale(2160) == pytest.approx(5.4), "twice 1080's: text keeps its share of the screen"
    assert largest_presentation_scale(300) == pytest.approx(1.0)


def test_a_larger_screen_enlarges_the_presentation_scale_in_proportion() -> None:
    """The remembered scale is the one for 1920 × 1080; a smaller screen keeps it (its text already large for it)."""
    assert screen_scale_factor(QSize(1920, 1080)) == pytest.approx(1.0)
    assert screen_scale_factor(QSize(2560, 1440)) == pytest.approx(4 / 3)
    assert screen_scale_factor(QSize(3840, 2160)) == pytest.approx(2.0)
    assert screen_scale_factor(QSize(2560, 1080)) == pytest.approx(1.0), "an ultrawide screen is no taller"
    assert screen_scale_factor(QSize(1280, 720)) == pytest.approx(1.0)


def test_presenting_on_a_2560_by_1440_screen_draws_the_text_as_large_for_the_screen_as_at_1080(
        make_main_window, activate, qtbot, monkeypatch) -> None:
    """At 2560 × 1440 f, its partials and the readout kept the pixel size of a 1024 × 600 window."""
    window = make_main_window("bowl")
    activate(window)
    readout = window.stepper.readout
    base_size = readout.font().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.session.presentation_scale == pytest.approx(1.6), "the 1920 × 1080 test screen: as ever"
    at_1080 = readout.sizeHint().height()
    qtbot.keyClick(window, Qt.Key.Key_F11)

    monkeypatch.setattr(QScreen, "geometry", lambda _screen: QRect(0, 0, 2560, 1440))
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.session.presentation_scale == pytest.approx(2.13)
    assert readout.font().pointSizeF() == pytest.approx(base_size * PRESENTING_TEXT_FACTOR * 2.13)
    assert readout.sizeHint().height() == pytest.approx(at_1080 * 4 / 3, rel=0.1), "the text's share of the screen"
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.session.presentation_scale == pytest.approx(1.93), "Ctrl+− still makes it smaller"
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert remembered_presentation_scale() == pytest.approx(1.45), "remembered as the scale for 1920 × 1080"
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.session.presentation_scale == pytest.approx(1.93), "the same size again on this screen"
    qtbot.keyClick(window, Qt.Key.Key_F11)


def test_presenting_on_a_3840_by_2160_screen_draws_the_text_as_large_for_the_screen_as_at_1080(
        make_main_window, activate, qtbot, monkeypatch) -> None:
    """A 4K screen needs twice 1080's scale (3.2 for the first 1.6): capped at 3, its text took a smaller share."""
    window = make_main_window("bowl")
    activate(window)
    readout = window.stepper.readout
    qtbot.keyClick(window, Qt.Key.Key_F11)
    at_1080 = readout.sizeHint().height()
    qtbot.keyClick(window, Qt.Key.Key_F11)

    for name in ("geometry", "availableGeometry"):
        monkeypatch.setattr(QScreen, name, lambda _screen: QRect(0, 0, 3840, 2160))
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.session.presentation_scale == pytest.approx(3.2)
    assert readout.sizeHint().height() == pytest.approx(at_1080 * 2, rel=0.1), "the text's share of the screen"
    for _press in range(15):
        qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.session.presentation_scale == pytest.approx(5.4), "as large for the screen as 2.7 at 1080"
    assert window.surface_view.presentation_scale == window.contour_view.presentation_scale == pytest.approx(5.4)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert remembered_presentation_scale() == pytest.approx(2.7)


def test_the_projector_theme_draws_the_runs_in_its_own_colours_everywhere(make_main_window) -> None:
    """The projector theme's run colours were never used: a projector still washed out the yellow and sky-blue runs."""
    from gradviz.app.themes import PROJECTOR_RUN_COLOURS

    window = make_main_window("bowl")
    docks = window.teaching_docks
    docks.runs_panel.quick_buttons["Different start points"].click()
    window.session.wait_for_runs()
    count = len(window.session.runs)
    assert count >= 4
    window.presentation.toggle_projector_theme()
    assert [items.colour for items in window.contour_view.run_items] == [QColor.fromRgbF(*colour)
                                                                          for colour in PROJECTOR_RUN_COLOURS[:count]]
    assert [run.colour for run in window.surface_view._runs] == list(PROJECTOR_RUN_COLOURS[:count])
    chooser_icon = docks.update_panel.findChild(RunChooser).itemIcon(3).pixmap(8, 8).toImage()
    assert chooser_icon.pixelColor(4, 4) == QColor.fromRgbF(*PROJECTOR_RUN_COLOURS[3])
    docks.show_panel("loss_dock")
    window.presentation.toggle_projector_theme()
    window.presentation.toggle_projector_theme()
    QApplication.processEvents()
    assert QColor.fromRgbF(*PROJECTOR_RUN_COLOURS[3]).name() in docks.loss_plot.legend.text()
    assert len(set(PROJECTOR_RUN_COLOURS)) == len(RUN_COLOURS), "as many runs told apart as in the default colours"


def test_long_equations_are_drawn_smaller_while_presenting_so_the_views_keep_their_room(make_main_window,
                                                                                        qtbot) -> None:
    """Beale's three long lines at the largest scale took the views' room on a projector's screen."""
    from gradviz.app.presentation import EQUATIONS_SHARE

    window = make_main_window("beale")
    label, area = window.formula_panel.derivatives_label, window.formula_panel.equations_area
    editing_size = label.font().pointSizeF()
    window.presentation.enter()
    screen_height = window.screen().geometry().height()
    window.session.set_presentation_scale(1.8)  # tags large enough on this map to be pushed off their arrows
    qtbot.waitUntil(lambda: area.sizeHint().height() <= EQUATIONS_SHARE * screen_height, timeout=3000)
    shrunk = label.font().pointSizeF()
    presenting_size = max(editing_size, QApplication.font().pointSizeF() * PRESENTING_TEXT_FACTOR)
    assert editing_size <= shrunk < presenting_size * window.session.presentation_scale
    window.open_scenario(find_preset("bowl").scenario, wait=True, keep_look=True)  # short: drawn at the full scale
    assert label.font().pointSizeF() == pytest.approx(presenting_size * window.session.presentation_scale)
    window.presentation.leave()
    assert label.font().pointSizeF() == pytest.approx(editing_size)


def test_equations_wider_than_their_area_are_drawn_smaller_while_presenting(make_main_window, qtbot) -> None:
    """A partial's cases ran past the right edge behind a scroll bar at 1280 × 800 (relu's loss with an L1 term)."""
    window = make_main_window("bowl")
    window.session.set_analysis(analyze("(relu(w x + b) - y)^2 + 0.1abs(w)"))
    label, area = window.formula_panel.derivatives_label, window.formula_panel.equations_area
    editing_size = label.font().pointSizeF()
    window.presentation.enter()
    window.session.set_presentation_scale(1.8)
    qtbot.waitUntil(lambda: label.sizeHint().width() <= area.viewport().width()
                    and not area.horizontalScrollBar().isVisible(), timeout=3000)
    presenting_size = max(editing_size, QApplication.font().pointSizeF() * PRESENTING_TEXT_FACTOR)
    assert editing_size <= label.font().pointSizeF() <= presenting_size * window.session.presentation_scale
    assert label.sizeHint().width() <= area.viewport().width() and not area.horizontalScrollBar().isVisible()
    window.presentation.leave()


@pytest.mark.parametrize("scale", [1.6, 2.2])
def test_notes_under_the_equations_are_presented_as_large_and_shrink_with_them_to_fit(make_main_window, qtbot,
                                                                                      scale) -> None:
    """The notes on abs, max and an overflow were drawn at the editing notes' size times the scale (14.4 pt under
    21.6 pt equations), and with the equations they took the views' room on a small projector's screen."""
    from gradviz.app.presentation import EQUATIONS_SHARE

    window = make_main_window("bowl", size=(1920, 1080))
    panel = window.formula_panel
    label, notes, area = panel.derivatives_label, panel.notes_label, panel.equations_area
    editing_size = label.font().pointSizeF()
    window.presentation.enter()
    window.session.set_presentation_scale(scale)
    window.session.set_range("x", -30, 30)
    window.session.set_range("y", -30, 30)
    window.session.set_analysis(analyze("abs(x) + max(x, y) + exp(x*y)"))  # the overflow's note comes a moment later
    qtbot.waitUntil(lambda: "overflows" in notes.plain_text(), timeout=3000)
    budget = EQUATIONS_SHARE * window.screen().geometry().height()
    qtbot.waitUntil(lambda: area.height() == area.content_height() <= budget, timeout=3000)
    assert len(notes.plain_text().splitlines()) >= 3
    assert notes.font().pointSizeF() == pytest.approx(label.font().pointSizeF()), "the notes as large as f"
    presenting_size = max(editing_size, QApplication.font().pointSizeF() * PRESENTING_TEXT_FACTOR)
    if scale == 1.6:  # they fit at the full size on this screen
        assert label.font().pointSizeF() == pytest.approx(presenting_size * scale)
    else:
        assert editing_size <= label.font().pointSizeF() < presenting_size * scale
    assert area.viewportMargins().bottom() == 0 and not area.verticalScrollBar().isVisible(), "no note cut off"
    window.presentation.leave()
    assert notes.font().pointSizeF() == pytest.approx(QApplication.font().pointSizeF())


def views_height_as_the_run_stops(window, qtbot) -> tuple[int, int]:
    """The views' height while the run goes on and once it has stopped (each settled), and the readout's lines then."""
    session = window.session
    heights = []
    for step in (0, session.last_step - 1, session.last_step):
        session.set_step(step)
        qtbot.wait(50)
        heights.append(window.view_splitter.height())
    assert "step" in window.stepper.readout.plain_text()
    assert len(set(heights)) == 1, f"the views jumped as the run stopped: {heights}"
    return heights[0], len(window.stepper.readout.plain_text().splitlines())


@pytest.mark.parametrize("presenting", [True, False])
def test_a_lone_runs_stop_message_ends_its_line_where_it_fits_and_the_views_never_jump(make_main_window, qtbot,
                                                                                       presenting) -> None:
    """Presenting, an empty line kept for the stop message under the numbers cost the views 27 pixels at 1.6; now it
    takes the end of the numbers' line where it fits there whole at the last step, known from the run's start.
    Presenting at 1920 × 1080 the readout's text is as large as the 3D view's numbers: the message takes a line of
    its own from the start, and the views still never jump."""
    window = make_main_window("himmelblau", size=(1920, 1080))
    if presenting:
        window.presentation.enter()
        qtbot.wait(100)
    readout = window.stepper.readout
    line_height = readout.fontMetrics().height()
    _views, lines = views_height_as_the_run_stops(window, qtbot)
    message = window.session.runs[0].run.message
    assert lines == (2 if presenting else 1) and readout.plain_text().endswith(message)
    assert readout.height() < (lines + 1) * line_height, "no empty line kept under the numbers"
    assert all(readout.fontMetrics().horizontalAdvance(line) < readout.width()
               for line in readout.plain_text().splitlines())
    if presenting:
        window.presentation.leave()


@pytest.mark.parametrize("presenting", [True, False])
def test_a_stop_message_too_long_for_its_line_keeps_a_line_of_its_own_from_the_start(make_main_window, qtbot,
                                                                                     presenting) -> None:
    """tan(x) + y's message with its remark does not fit after the numbers: its line is kept, empty, until the run
    stops, so the views keep their height; a budget of no steps has no message, and no line is kept for one."""
    window = make_main_window("bowl", size=(1280, 800))
    window.session.set_analysis(analyze("tan(x) + y"))
    window.session.wait_for_runs()
    if presenting:
        window.presentation.enter()
        qtbot.wait(100)
    views, lines = views_height_as_the_run_stops(window, qtbot)
    numbers, stop = window.stepper.readout.plain_text().splitlines()
    head, remark = window.session.runs[0].run.message.split("; ", 1)
    assert lines == 2 and stop.startswith(f"{head};") and stop.endswith(remark) and "f = " in numbers
    window.session.update_run(0, max_steps=0)  # a lesson's first look: the run shown, never stopping
    window.session.wait_for_runs()
    qtbot.wait(50)
    assert len(window.stepper.readout.plain_text().splitlines()) == 1
    assert window.view_splitter.height() > views, "the empty line's room went back to the views"
    if presenting:
        window.presentation.leave()


def test_presenting_draws_the_equations_readout_and_map_text_as_large_as_the_3d_views(make_main_window, qtbot) -> None:
    """At 1920 × 1080 the caption and the 3D view's numbers were large, but f's row, the map's ticks and tags and the
    step readout were drawn at 0.56 to 0.7 of the caption's size: the numbers a lecturer talks about, the smallest."""
    from PySide6.QtGui import QFontInfo

    from gradviz.core.lessons import shipped_lessons

    window = make_main_window(None, size=(1920, 1080))
    lesson = next(lesson for lesson in shipped_lessons() if lesson.title.startswith("The gradient"))
    window.lesson_player.open_lesson(lesson)
    window.lesson_player.next_scene()
    window.controller.wait()
    window.presentation.enter()
    window.resize(1920, 1080)
    qtbot.wait(200)
    window.contour_view.grab()
    caption = QFontInfo(window.lesson_player.caption_bar.caption.font()).pixelSize()
    sizes = {
        "readout": QFontInfo(window.stepper.readout.font()).pixelSize(),
        "equations": QFontInfo(window.formula_panel.derivatives_label.font()).pixelSize(),
        "map ticks": window.contour_view.plot_item.getAxis("left").style["tickFont"].pixelSize(),
        "map tags": window.contour_view.probe_text.label_font().pixelSize(),
    }
    small = {name: round(size / caption, 2) for name, size in sizes.items() if size < 0.8 * caption}
    assert not small, f"drawn smaller than 0.8 of the caption's {caption} pixels: {small}"
    window.presentation.leave()
    assert QFontInfo(window.stepper.readout.font()).pixelSize() < 0.5 * caption, "editing: the readout's own size"


def test_a_small_projector_gives_the_map_its_room(make_main_window, qtbot) -> None:
    """Presenting at 1280 × 800 at scale 2, the map's axis and colour bar took half its view: its plot area was about
    300 of 640 pixels wide."""
    window = make_main_window("bowl", size=(1280, 800))
    window.session.update_run(0, sign="wrong")
    window.controller.wait()
    window.presentation.enter()
    window.resize(1280, 800)
    window.session.set_presentation_scale(2.0)
    qtbot.wait(200)
    view = window.contour_view
    view.grab()
    plot = view.view_box.sceneBoundingRect()
    assert plot.width() >= 0.6 * view.width() and plot.height() >= 0.7 * view.height()
    window.presentation.leave()


def test_presenting_at_1280_by_800_the_readout_keeps_the_point(make_main_window, qtbot) -> None:
    """Presenting at 1280 × 800 the readout left the point out, and kept |∇f| whole: now |∇f| and f go first."""
    window = make_main_window("himmelblau", size=(1280, 800))
    window.presentation.enter()
    window.resize(1280, 800)
    window.session.set_presentation_scale(1.6)
    window.session.set_step(5)
    qtbot.wait(200)
    readout = window.stepper.readout
    x, y = window.session.runs[0].run.steps[5].point
    numbers = readout.plain_text().splitlines()[0]
    assert f"(x, y) = ({format_number(x)}, {format_number(y)})" in numbers and "∇f = (" in numbers
    assert "|∇f|" not in numbers and "…" in numbers, "the line too long for the screen: |∇f| left out"
    assert readout.fontMetrics().horizontalAdvance(numbers) < readout.width()
    window.presentation.leave()


@pytest.mark.parametrize("place", [QRect(0, 0, 1920, 1080), QRect(0, 0, 1900, 1070), QRect(40, 30, 1280, 800)])
def test_leaving_presentation_gives_the_window_its_exact_size_and_place_back(make_main_window, activate, qtbot,
                                                                            place: QRect) -> None:
    """Without a window manager, a window as large as the screen came back 2 pixels narrower, 26 lower, moved."""
    window = make_main_window("bowl", size=place.size().toTuple())
    window.move(place.topLeft())
    activate(window)
    qtbot.waitUntil(lambda: window.geometry() == place, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(window.isFullScreen, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=3000)
    qtbot.wait(600)  # past the late resizes that follow leaving full screen
    assert window.geometry() == place


def present_on_a_screen(window, monkeypatch, qtbot, size: tuple[int, int]) -> None:
    """Enter presentation mode as on a screen of this size (the test display's is 1920 × 1080)."""
    for name in ("geometry", "availableGeometry"):
        monkeypatch.setattr(QScreen, name, lambda _screen: QRect(0, 0, *size))
    window.presentation.enter()
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size() == QSize(*size), timeout=3000)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_a_presented_caption_keeps_each_value_with_its_name_and_balances_its_lines(make_main_window, monkeypatch,
                                                                                   qtbot, size) -> None:
    """Presenting at 1280 × 720 the caption broke "near x =" from "−1.34", and "one" stood alone on its last line."""
    from gradviz.app.caption_lines import NO_BREAK
    from gradviz.core.lessons import shipped_lessons

    window = make_main_window(None, size=size)
    lesson = next(lesson for lesson in shipped_lessons() if lesson.title.startswith("Two minima"))
    window.document.open_lesson(lesson)
    window.controller.wait()
    present_on_a_screen(window, monkeypatch, qtbot, size)
    caption = window.lesson_player.caption_bar.caption
    wrapped = 0
    for index, scene in enumerate(lesson.scenes):
        window.lesson_player.show_scene(index)
        window.controller.wait()
        qtbot.waitUntil(lambda scene=scene: caption.text() == scene.caption, timeout=3000)
        qtbot.wait(50)
        lines = caption.shown_lines()
        assert " ".join(lines).replace(NO_BREAK, " ") == scene.caption, "every word shown, in order"
        assert not any(line.endswith(("=", "≈")) or line.startswith(("=", "≈")) for line in lines), lines
        assert all(f"x{NO_BREAK}={NO_BREAK}{value}" in " ".join(lines) for value in ("−1.34", "1.27", "−0.27")
                   if f"x = {value}" in scene.caption), "a value on the line of its name"
        drawn = ink_line_bands(caption.grab().toImage())
        assert len(drawn) == len(lines), "the lines drawn are those measured"
        left = caption.contentsRect().left()
        widths = [caption.fontMetrics().horizontalAdvance(line) for line in lines]
        assert [right - left for _top, _bottom, right in drawn] == pytest.approx(widths, rel=0.02)
        if len(lines) > 1:
            wrapped += 1
            assert len(lines[-1].split()) > 1 and widths[-1] > 0.5 * widths[0], f"a short last line: {lines}"
            assert max(widths) < 0.95 * caption.contentsRect().width(), "balanced: narrower than the room"
    assert wrapped >= (3 if size[0] == 1280 else 1)
    window.presentation.leave()


def test_a_caption_keeps_values_points_and_units_whole_and_wraps_between_them() -> None:
    from gradviz.app.caption_lines import NO_BREAK, kept_together

    kept = kept_together("near  x = −1.34 (f ≈ −3.55), w ← w − 0.1·∇L at (1, 2) by 20 %; (β = 0.9, same η)")
    assert kept.split(" ") == ["near", f"x{NO_BREAK}={NO_BREAK}−1.34", f"(f{NO_BREAK}≈{NO_BREAK}−3.55),",
                               f"w{NO_BREAK}←{NO_BREAK}w", f"−{NO_BREAK}0.1·∇L", "at", f"(1,{NO_BREAK}2)", "by",
                               f"20{NO_BREAK}%;", f"(β{NO_BREAK}={NO_BREAK}0.9,", "same", "η)"]


def test_a_files_presentation_scale_applies_only_while_presenting_fitted_to_the_screen(make_main_window, monkeypatch,
                                                                                     qtbot, tmp_path) -> None:
    """A file saved while presenting on a 4K screen kept its scale of 3.2, and opened at 3.2 times the size in a
    laptop's editing window. It keeps the scale for a 1920 × 1080 screen now, presented at that on any screen."""
    from PySide6.QtWidgets import QFileDialog

    from gradviz.app.settings import remember
    from gradviz.core.scenario import load_scenario, save_scenario

    saved = tmp_path / "lecture.gradviz.json"
    lecture = make_main_window("bowl")
    with monkeypatch.context() as on_4k:
        present_on_a_screen(lecture, on_4k, qtbot, (3840, 2160))
        lecture.presentation.change_scale(0.2)  # Ctrl++
        assert lecture.session.presentation_scale == pytest.approx(3.4)
        on_4k.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(saved), ""))
        assert lecture.save_as()
        lecture.presentation.leave()
    assert load_scenario(saved).presentation_scale == pytest.approx(1.7), "as the scale for 1920 × 1080"
    remember("presentation/scale", 1.2)  # the laptop's lecturer presents smaller: the file's scale goes first

    laptop = make_main_window("saddle", size=(1280, 720))
    readout = laptop.stepper.readout
    qtbot.waitUntil(lambda: readout.height() > 0, timeout=3000)
    editing = (readout.font().pointSizeF(), readout.height(), laptop.surface_view.presentation_scale)
    assert laptop.open_file(saved)
    laptop.controller.wait()
    qtbot.wait(100)
    assert laptop.session.presentation_scale == 1.0 and laptop.session.scenario().presentation_scale == 1.7
    assert (readout.font().pointSizeF(), readout.height(), laptop.surface_view.presentation_scale) == editing
    laptop.presentation.enter()
    assert laptop.session.presentation_scale == pytest.approx(1.7), "the file's scale on a 1920 × 1080 screen"
    assert laptop.surface_view.presentation_scale == pytest.approx(1.7)
    laptop.presentation.leave()
    with monkeypatch.context() as on_a_projector:
        present_on_a_screen(laptop, on_a_projector, qtbot, (1280, 720))
        assert laptop.session.presentation_scale == pytest.approx(1.7)
        laptop.presentation.leave()
    qtbot.waitUntil(lambda: readout.height() == editing[1], timeout=3000)
    assert laptop.session.presentation_scale == 1.0 and laptop.session.scenario().presentation_scale == 1.7

    older = tmp_path / "older.gradviz.json"  # saved before: the scale the 4K screen drew at
    save_scenario(replace(load_scenario(saved), presentation_scale=3.4), older)
    assert laptop.open_file(older)
    laptop.controller.wait()
    assert laptop.session.presentation_scale == 1.0
    with monkeypatch.context() as on_a_projector:
        present_on_a_screen(laptop, on_a_projector, qtbot, (1280, 720))
        assert laptop.session.presentation_scale == pytest.approx(largest_presentation_scale(720)), "what fits"
        assert laptop.open_file(saved)
        laptop.controller.wait()
        assert laptop.session.presentation_scale == pytest.approx(1.7), "opened while presenting: at its scale"
        laptop.presentation.leave()


def test_presenting_keeps_the_facts_of_the_maps_and_captions_notes_but_not_the_lecturers_keys(make_main_window,
                                                                                                qtbot) -> None:
    """Presenting showed the audience "scales differ (E: equal aspect)" on the map and "Changed: η = 0.174 — Shift+R
    puts the scene back as written" under the caption: keys for the lecturer, as an export leaves them out."""
    from gradviz.core.lessons import shipped_lessons

    window = make_main_window(None, size=(1280, 720))
    lesson = next(candidate for candidate in shipped_lessons() if candidate.title.startswith("The learning rate"))
    window.document.open_lesson(lesson)
    window.controller.wait()
    session, view, bar = window.session, window.contour_view, window.lesson_player.caption_bar
    axis = session.plot.axes[0]
    low, high = session.plot.ranges[axis]
    session.set_range(axis, low, high + 2 * (high - low))  # three times as wide: right angles look skewed
    window._nudge_lr(10)  # a change the caption names
    session.wait_for_runs()

    def legend() -> str:
        view.grab()
        return " | ".join(view.probe_text.legend_texts)

    def caption_note() -> str:
        return bar.changed.text() if bar.changed.isVisible() else ""

    assert "(E: equal aspect)" in legend()
    assert caption_note().startswith("Changed: ") and caption_note().endswith("Shift+R puts the scene back as written")
    window.presentation.enter()
    qtbot.waitUntil(lambda: window.isFullScreen(), timeout=3000)
    assert "equal aspect" not in legend() and ("scales differ" in legend() or "right angle looks skewed" in legend())
    assert caption_note().startswith("Changed: ") and "Shift+R" not in caption_note()
    window.lesson_player.reset_scene()  # Shift+R's word over the picture: the fact, not the lecturer's undo key
    scene = window.lesson_player.index + 1
    qtbot.waitUntil(lambda: window.statusBar().full_message() == f"Scene {scene} is back as written.", timeout=3000)
    window.presentation.leave()
    assert "(E: equal aspect)" in legend() and "Shift+R" in caption_note()
