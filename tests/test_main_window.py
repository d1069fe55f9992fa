"""The desktop window, driven as a user would: type, pick presets, click, step, play; pixels of real renderings."""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import replace

import numpy as np
import pytest
from failures import fail_drawing
from ink import ink_line_bands, ink_line_lefts
from polylines import distances_to_polyline
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QCursor, QFocusEvent, QMouseEvent, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QToolBar, QWidget
from run_marks import changed_box, marks_in, run_mark_pixels, step_dot_pixels
from window_keys import paste_into, tab_to

from gradviz.app.contour_view import to_device
from gradviz.app.formula_panel import (
    FORMULA_BOX_MAX_CHARS,
    HELD_SLIDER_LEAST,
    laid_out_equations,
    with_labels_on_the_line,
)
from gradviz.app.panel_base import no_run_text
from gradviz.app.presenters import run_colour
from gradviz.app.surface_view import BOX_HALF_WIDTH, BOX_HEIGHT, FLOOR_Z, TrajectoryItem
from gradviz.app.teaching_docks import DOCK_LEAST, dock_column_width
from gradviz.app.view_common import qimage_to_array, segment_boxes
from gradviz.core.analysis import analyze
from gradviz.core.descent import OPTIMIZER_NAMES
from gradviz.core.notation import format_number
from gradviz.core.presets import find_preset

SHOT = (480, 360)


def activate(window, qtbot) -> None:
    """Make the window the active one, as it is when a person uses it (window shortcuts need that)."""
    with qtbot.waitActive(window):
        window.activateWindow()


def type_formula(window, qtbot, text: str) -> None:
    """Replace the formula box's text by typing, then wait for the analysis to be applied."""
    box = window.formula_panel.formula_edit
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.waitUntil(lambda: not window.controller._timer.isActive(), timeout=3000)
    window.controller.wait()
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=5000)


def colour_distance(image: np.ndarray, colour: tuple[float, ...]) -> np.ndarray:
    target = np.array(colour[:3]) * 255
    return np.linalg.norm(image[..., :3].astype(float) - target, axis=-1)


def test_typing_a_formula_changes_surface_contours_and_derivatives(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    before_3d = window.surface_view.render_to_array(*SHOT)
    before_2d = window.contour_view.render_to_array(*SHOT)
    type_formula(window, qtbot, "x^2 - y^2")
    assert window.session.analysis.formula.text == "x^2 - y^2"
    field = window.session.field
    middle = len(field.xs) // 2
    assert field.values[0, middle] == pytest.approx(field.xs[middle] ** 2 - field.ys[0] ** 2, abs=1e-9)
    after_3d = window.surface_view.render_to_array(*SHOT)
    after_2d = window.contour_view.render_to_array(*SHOT)
    assert np.abs(after_3d.astype(int) - before_3d).mean() > 2
    assert np.abs(after_2d.astype(int) - before_2d).mean() > 2
    text = window.formula_panel.derivatives_label.text()
    assert "2<i>x</i>" in text.replace(" ", "") or "2" in text


def test_the_formula_panel_shows_f_as_typed(make_main_window, qtbot) -> None:
    """Terms in the typed order and decimals as typed: 0.3y + 1.5sin(x) would not read as what was typed."""
    window = make_main_window("bowl")
    type_formula(window, qtbot, "1.5*sin(x) + 0.3y")
    text = window.formula_panel.derivatives_label.plain_text()
    assert "1.5sin(x) + 0.3y" in text and "1.5cos(x)" in text and "/10" not in text


def test_the_formula_panel_shows_logarithms_and_powers_of_ten_as_typed_and_notes_eulers_number(
        make_main_window, qtbot) -> None:
    """log10(x y) read ln(xy)/ln(10), 1e10 x^2 read 10000000000x², and e in d*e was Euler's number without a word."""
    window = make_main_window("bowl")
    panel = window.formula_panel
    type_formula(window, qtbot, "log10(x y) + 1e10 x^2 + 1e-10 y^2")
    equations = panel.derivatives_label.text()
    assert "log<sub>10</sub>(<i>x</i><i>y</i>) + 10<sup>10</sup><i>x</i><sup>2</sup> + 10<sup>−10</sup><i>y</i>" in (
        equations)
    assert "2·10<sup>10</sup><i>x</i>" in equations and "<i>x</i>·ln(10)" in equations  # ∂f/∂x as a textbook has it
    assert not panel.notes_label.isVisible()
    type_formula(window, qtbot, "a^2 + 2b^2 + 3c^2 + d*e + sin(e)")
    qtbot.waitUntil(panel.notes_label.isVisible, timeout=3000)
    assert panel.notes_label.plain_text() == "e is read as Euler's number 2.718…: for a variable use another letter"
    assert window.session.variables == ("a", "b", "c", "d")


def test_long_notes_wrap_under_the_equations_and_leave_the_docks_their_width(make_main_window, qtbot) -> None:
    """Unwrapped, abs's two notes widened the formula panel; the window took the room from the docks for good."""
    window = make_main_window("bowl", size=(1180, 720))
    dock = window.teaching_docks.docks["probe_dock"]
    qtbot.wait(50)
    width = dock.width()
    type_formula(window, qtbot, "abs(x) + abs(y)")
    notes = window.formula_panel.notes_label
    qtbot.waitUntil(notes.isVisible, timeout=3000)
    qtbot.wait(50)
    assert "not differentiable" in notes.plain_text()
    assert dock.width() == width
    line = notes.fontMetrics().height()
    needed = notes.heightForWidth(notes.width())
    assert needed > 2.5 * line, "two notes, one of them wrapped"
    assert notes.height() >= needed, "nothing cut off at the bottom"
    assert notes.geometry().top() >= window.formula_panel.derivatives_label.geometry().bottom()
    type_formula(window, qtbot, "x^2 + y^2")
    qtbot.waitUntil(lambda: not notes.isVisible(), timeout=3000)
    assert dock.width() == width


def test_notes_on_kinks_that_cancel_are_not_shown_under_the_equations(make_main_window, qtbot) -> None:
    """max(x, y) + min(x, y) read ∂f/∂x = 1 and ∂f/∂y = 1 above notes on max's and min's kinks: x + y has none."""
    window = make_main_window("bowl")
    notes = window.formula_panel.notes_label
    type_formula(window, qtbot, "max(x, y) - min(y, x)")  # 2max(x, y) − x − y: its kink stays
    qtbot.waitUntil(notes.isVisible, timeout=3000)
    assert "max is not differentiable" in notes.plain_text() and "infinitely thin spike" in notes.plain_text()
    type_formula(window, qtbot, "max(x, y) + min(x, y)")
    qtbot.waitUntil(lambda: not notes.isVisible(), timeout=3000)
    assert window.formula_panel.derivatives_label.plain_text().split() == [
        "f(x,", "y)", "=", "max(x,", "y)", "+", "min(x,", "y)", "∂f", "∂x", "=", "1", "∂f", "∂y", "=", "1"]


def test_long_equations_break_over_lines_and_leave_the_docks_their_width(make_main_window, qtbot) -> None:
    """A long formula's equations took the docks' room, then ran past the panel's edge behind a scroll bar: now a
    line too long breaks between terms, its fractions whole, in the width the range controls leave."""
    window = make_main_window("bowl", size=(1280, 720))
    dock = window.teaching_docks.docks["probe_dock"]
    area = window.formula_panel.equations_area
    qtbot.wait(50)
    width = dock.width()
    type_formula(window, qtbot, "(4 - 2.1x^2 + x^4/3)x^2 + x y + (-4 + 4y^2)y^2 + sin(3x) cos(2y) exp(-x^2)")
    label = window.formula_panel.derivatives_label
    qtbot.waitUntil(lambda: len(label.row_spans()) == 4, timeout=3000)  # f, ∂f/∂x on two lines, ∂f/∂y
    qtbot.wait(50)
    assert dock.width() == width
    assert not area.horizontalScrollBar().isVisible()
    assert label.unwrapped_width(label.text()) <= area.viewport().width(), "the equations in the panel's width"
    assert max(right for *_rows, right in ink_line_bands(area.viewport().grab().toImage())) < area.viewport().width()
    assert area.viewport().height() >= label.sizeHint().height() or area.verticalScrollBar().isVisible(), (
        "and not cut off at the bottom without a way to see it")
    type_formula(window, qtbot, "x^2 + y^2")
    qtbot.waitUntil(lambda: not area.horizontalScrollBar().isVisible(), timeout=3000)
    assert dock.width() == width


def test_every_optimizer_leaves_the_docks_their_width(make_main_window, qtbot) -> None:
    """An optimizer's settings get a row of their own: beside the others, Adam's took the docks' room for good."""
    window = make_main_window("bowl", size=(1280, 720))
    dock = window.teaching_docks.docks["probe_dock"]
    stepper = window.stepper
    qtbot.wait(50)
    width = dock.width()
    for optimizer in OPTIMIZER_NAMES:
        window.session.update_run(0, optimizer=optimizer)
        window.session.wait_for_runs()
        qtbot.wait(30)
        assert dock.width() == width, optimizer
        assert stepper.parameter_widget.isVisible() == bool(stepper._parameter_boxes), optimizer
    assert window.session.run_specs[0].optimizer == OPTIMIZER_NAMES[-1]


def shown_groups(row: QWidget) -> list[QWidget]:
    """The groups of controls a wrapping row shows."""
    return [group for group in row.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if group.isVisible()]


def line_count(row: QWidget) -> int:
    """The lines a wrapping row's groups take."""
    centres = sorted(group.geometry().center().y() for group in shown_groups(row))
    return 1 + sum(later - earlier > 8 for earlier, later in itertools.pairwise(centres))


def test_the_stepper_rows_wrap_in_a_narrow_window(make_main_window, qtbot) -> None:
    """At 1024 pixels the transport buttons show icons alone, keeping η beside them, and at 900 the settings take two
    lines, leaving the docks room; wide, the buttons have their words and each row takes one line."""
    window = make_main_window("bowl", size=(900, 768))
    stepper = window.stepper
    qtbot.wait(50)
    rows = (stepper.transport_row, stepper.settings_row)
    buttons = (stepper.reset_button, stepper.back_button, stepper.play_button, stepper.step_button)
    assert [len(shown_groups(row)) for row in rows] == [2, 3] and [line_count(row) for row in rows] == [1, 2]
    assert all(not button.text() and button.toolTip() for button in buttons), "icons alone, the tooltips say it"
    for row in rows:
        assert all(row.rect().contains(group.geometry()) for group in shown_groups(row)), "every control shows whole"
    assert window.teaching_docks.docks["probe_dock"].width() >= DOCK_LEAST
    learning_rate = stepper.lr_slider.parentWidget()
    assert learning_rate.geometry().right() == stepper.transport_row.width() - 1, "η fills the rest of its line"
    assert stepper.lr_slider.width() > stepper.lr_slider.minimumWidth()
    probe_area = window.teaching_docks.docks["probe_dock"].findChild(QScrollArea)
    assert not probe_area.horizontalScrollBar().isVisible(), "the probe's buttons wrap in the narrow dock"
    window.teaching_docks.show_panel("runs_dock")
    qtbot.wait(50)
    runs_area = window.teaching_docks.docks["runs_dock"].findChild(QScrollArea)
    assert not runs_area.horizontalScrollBar().isVisible(), "the runs panel fits the narrow dock"
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: [line_count(row) for row in rows] == [1, 1], timeout=3000)
    for row in rows:
        assert all(row.rect().contains(group.geometry()) for group in shown_groups(row))
    assert [button.text() for button in buttons] == ["Reset", "Back", "Play", "Step"]
    stepper.set_playing(True)
    assert stepper.play_button.text() == "Pause"
    stepper.set_playing(False)


def test_the_stepper_takes_two_lines_on_a_small_laptop_screen(make_main_window, qtbot) -> None:
    """1366 × 768 at 125 % (a 1093 × 560 window): the stepper wrapped to four lines, 133 of the 475 pixels between
    the bars; the update signs' long texts pushed the optimizer onto a line of its own."""
    window = make_main_window("cubic-mixed", size=(1093, 560))
    stepper = window.stepper
    rows = (stepper.transport_row, stepper.settings_row)
    # the dock column takes its width a moment after the window shows (later on a busy machine), the rows then
    # theirs: Play as its icon alone, each row on one line
    qtbot.waitUntil(lambda: not stepper.play_button.text() and [line_count(row) for row in rows] == [1, 1],
                    timeout=3000)
    for row in rows:
        assert all(row.rect().contains(group.geometry()) for group in shown_groups(row)), "every control shows whole"
    assert stepper.sizeHint().height() < 100  # was 133
    assert stepper.correct_button.text() == "correct −η∇f" and "w ← w − η∇f" in stepper.correct_button.toolTip()
    assert stepper.wrong_button.text() == "wrong +η∇f" and "w ← w + η∇f" in stepper.wrong_button.toolTip()
    assert not stepper.play_button.text() and not stepper.play_button.icon().isNull()


def test_the_status_bar_takes_back_a_refusal_that_no_longer_holds(make_main_window, qtbot) -> None:
    """A run that could not start, or a formula not used, is no longer reported once the next one works."""
    window = make_main_window("bowl")
    status = window.statusBar()
    type_formula(window, qtbot, "sqrt(1 - x^2 - y^2)")  # the run's start lies outside the disk
    window.session.wait_for_runs()
    assert status.currentMessage().startswith("The run cannot start")
    type_formula(window, qtbot, "log(x) + y")
    window.session.wait_for_runs()
    assert window.session.runs and status.currentMessage() == ""
    type_formula(window, qtbot, "x^2 + (")
    qtbot.waitUntil(lambda: status.currentMessage().startswith("Formula not used"), timeout=3000)
    type_formula(window, qtbot, "x^2 + y^2")
    qtbot.waitUntil(lambda: window.session.error is None, timeout=3000)
    assert status.currentMessage() == ""
    window.session.set_range("x", 5, 3)  # a new range typed from its start: refused until its end is typed
    assert "x stays from −3 to 3" in status.currentMessage()
    window.session.set_range("x", 5, 10)
    assert status.currentMessage() == "", "the range is in: its refusal no longer holds"


def test_the_gallery_box_leaves_the_formula_box_the_room(make_main_window) -> None:
    """The box is as wide as its label; its list opens as wide as the longest title."""
    window = make_main_window("rosenbrock", size=(1024, 768))
    panel = window.formula_panel
    box, edit = panel.preset_box, panel.formula_edit
    assert box.width() < 0.3 * edit.width()
    assert edit.fontMetrics().horizontalAdvance(edit.text()) < edit.width(), "Rosenbrock's formula shows whole"
    assert box.view().minimumWidth() > box.view().sizeHintForColumn(0)


def test_the_toolbar_buttons_are_the_actions_their_icons_show(make_main_window) -> None:
    """The save icon saves: counted by position in the File menu, it had become Open lesson."""
    window = make_main_window("bowl")
    toolbar = window.findChild(QToolBar)
    texts = [action.text().replace("&", "") for action in toolbar.actions() if not action.isSeparator()]
    assert texts == ["Open scenario…", "Save scenario", "Play / pause", "Step forward", "Reset", "Reset 3D view",
                     "Top view", "Arrows show −∇f (descent direction)", "Log height", "Critical points (∇f = 0)",
                     "Basins: where descent from each start ends"]
    tips = {action.iconText(): action.toolTip() for action in toolbar.actions() if not action.isSeparator()}
    assert tips["Play / pause"] == "Play / pause (Space)" and tips["Top view"] == "Top view (T)"
    assert tips["Save scenario"] == "Save scenario (Ctrl+S)"


def test_a_long_formula_opened_shows_from_its_start(make_main_window) -> None:
    window = make_main_window("six-hump-camel", size=(900, 700))  # at 1000 the views' room leaves the box 500 wide
    box = window.formula_panel.formula_edit
    assert box.fontMetrics().horizontalAdvance(box.text()) > box.width(), "the formula is longer than the box"
    assert box.cursorPosition() == 0


def test_an_error_shows_over_the_equations_and_moves_no_view(make_main_window, qtbot) -> None:
    """The error's three lines above the equations made the panel taller while it showed: the views moved as a
    student typed, and back when the formula was mended."""
    window = make_main_window("bowl", size=(1280, 800))
    qtbot.wait(40)
    panel = window.formula_panel
    heights = (window.surface_view.height(), window.contour_view.height())
    scale = panel.derivatives_label.text_font().pointSizeF()
    type_formula(window, qtbot, "x^2 ++ y^2 + sin(x")
    qtbot.waitUntil(panel.error_label.isVisible, timeout=3000)
    qtbot.wait(40)
    assert (window.surface_view.height(), window.contour_view.height()) == heights
    area = panel.equations_area
    top = panel.error_label.mapTo(area, QPoint(0, 0)).y()
    assert top == 0 and panel.error_label.height() == area.height(), "in the equations' place"
    assert panel.derivatives_label.text_font().pointSizeF() == scale, "the equations keep their size"
    type_formula(window, qtbot, "x^2 + 2y^2")
    qtbot.waitUntil(lambda: not panel.error_label.isVisible(), timeout=3000)
    qtbot.wait(40)
    assert (window.surface_view.height(), window.contour_view.height()) == heights


def test_an_error_wraps_in_sight_and_hides_with_the_formula_box_while_presenting(make_main_window, qtbot) -> None:
    """At 1024 × 600 the error wrapped at the widest equation's width, its second line cut mid-word; presenting, it
    stayed, small, over the enlarged equations, though the box it speaks of was hidden."""
    window = make_main_window("six-hump-camel", size=(1024, 600))
    panel = window.formula_panel
    type_formula(window, qtbot, "x^2 ++ y^2")
    qtbot.waitUntil(panel.error_label.isVisible, timeout=3000)
    qtbot.wait(40)
    assert panel.error_label.width() <= panel.equations_area.width()
    window.presentation.enter()
    qtbot.waitUntil(lambda: not panel.error_label.isVisible(), timeout=3000)
    window.presentation.leave()
    qtbot.waitUntil(panel.error_label.isVisible, timeout=3000)


@pytest.mark.parametrize("size", [(1280, 720), (1024, 640)])
def test_an_error_is_shown_whole_in_the_equations_place(make_main_window, qtbot, size) -> None:
    """"3x^2+" showed its error in a scroll area of the equations' height, its scroll bar a few pixels long and the
    partials scrolled away; beside a held variable's slider a long formula's error was cut mid-line."""
    long_formula = " + ".join(f"sin({k}*x)*cos({k}*z)/{k}" for k in range(1, 80))
    for preset, text in (("bowl", "3x^2+"), ("three-variables", long_formula)):
        window = make_main_window(preset, size=size)
        panel, area = window.formula_panel, window.formula_panel.equations_area
        equations = panel.derivatives_label.text()
        window.try_formula(text)
        window.controller.wait()
        qtbot.waitUntil(panel.error_label.isVisible, timeout=3000)
        qtbot.wait(40)
        label = panel.error_label
        shown = label.visibleRegion().boundingRect()
        assert shown.height() >= label.heightForWidth(label.width()), (preset, size, shown, label.size())
        assert shown.width() == label.width() <= area.width()
        assert not area.verticalScrollBar().isVisible() and not area.horizontalScrollBar().isVisible()
        assert panel.derivatives_label.visibleRegion().isEmpty(), "the error is in the equations' place"
        window.try_formula(window.session.analysis.formula.text)
        window.controller.wait()
        qtbot.waitUntil(lambda label=label: not label.isVisible(), timeout=3000)
        assert panel.derivatives_label.text() == equations and not panel.derivatives_label.visibleRegion().isEmpty()


def test_a_formula_that_fails_to_draw_says_so_and_the_last_good_one_stays(make_main_window, qtbot,
                                                                         monkeypatch) -> None:
    """A failure drawing a formula (a bug) left its equations over the views of the formula before, and said
    nothing: the traceback went to the terminal alone."""
    window = make_main_window("bowl")
    fail_drawing(monkeypatch, "7*y")
    type_formula(window, qtbot, "x^2 + 7y^2")
    qtbot.waitUntil(lambda: window.session.error is not None, timeout=5000)
    assert "could not be drawn (ValueError: setting an array element" in window.session.error.message
    assert window.session.analysis.formula.text.endswith("x^2 + y^2"), "the last formula that worked, shown again"
    assert "f(x, y) = x2 + y2" in window.formula_panel.derivatives_label.plain_text()
    assert window.formula_panel.error_label.isVisible()
    assert window.formula_panel.formula_edit.text() == "x^2 + 7y^2", "what was typed stays"


def test_a_bad_formula_keeps_the_last_good_surface(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    field = window.session.field
    window.surface_view.render_to_array(*SHOT)
    uploads = window.surface_view.mesh_item.upload_count
    type_formula(window, qtbot, "x^2 + sinx")
    assert window.session.error is not None
    assert "sin(x)" in window.session.error.message
    assert window.formula_panel.error_label.isVisible()
    assert "column" in window.formula_panel.error_label.text()
    assert window.session.field is field
    assert window.surface_view.mesh_item.upload_count == uploads
    assert window.surface_view.render_to_array(*SHOT)[..., :3].std() > 10
    assert window.formula_panel.formula_edit.text() == "x^2 + sinx"


def test_a_new_formula_gives_the_3d_view_no_runs_of_the_old_one(make_main_window, monkeypatch) -> None:
    """The new surface placed the old formula's runs on it first: a 2,000-step run simplified only to be dropped."""
    window = make_main_window("rosenbrock")
    old_lengths = [len(result.run.steps) for result in window.session.runs]
    given: list[list[int]] = []
    set_runs = TrajectoryItem.set_runs

    def recording_set_runs(item: TrajectoryItem, scene_points: list[np.ndarray], *args: object) -> None:
        given.append([len(points) for points in scene_points])
        set_runs(item, scene_points, *args)

    monkeypatch.setattr(TrajectoryItem, "set_runs", recording_set_runs)
    window.session.set_analysis(analyze("100x^2 + 100y^2"))  # converges long before the step budget
    window.session.wait_for_runs()
    new_lengths = [len(result.run.steps) for result in window.session.runs]
    assert new_lengths != old_lengths
    assert given[-1] == new_lengths
    assert all(lengths in ([], new_lengths) for lengths in given), given


def test_an_error_in_a_very_long_formula_shows_the_text_around_it_and_keeps_the_equations_in_view(
        make_main_window, qtbot) -> None:
    """A 1945-character formula was echoed whole under the box, hiding the equations and the hint."""
    window = make_main_window("bowl")
    panel = window.formula_panel
    equations_height = panel.equations_area.height()
    text = " + ".join(f"sin({k}*x)*cos({k}*y)/{k}" for k in range(1, 80))
    window.try_formula(text)
    window.controller.wait()
    qtbot.wait(20)
    shown = QTextDocument()
    shown.setHtml(panel.error_label.text())
    plain = shown.toPlainText()
    assert "the formula is too long" in plain and f"of {len(text)})" in plain
    assert len(plain) < 400 and "…" in plain
    assert "The views keep showing the last formula that worked." in plain
    assert panel.equations_area.height() >= 0.9 * equations_height
    assert panel.formula_edit.text() == text


def test_the_marked_excerpt_cuts_long_text_around_the_fault() -> None:
    from gradviz.app.formula_panel import marked_excerpt

    short = marked_excerpt("x^2 + sinx", 6, 10)
    assert "<u" in short and "sinx</u>" in short and "…" not in short and "(column 7)" in short
    long = "1" * 100 + "BAD" + "2" * 100
    excerpt = marked_excerpt(long, 100, 103)
    assert "…" + "1" * 30 + "<u" in excerpt and "</u>" + "2" * 30 + "…</span>" in excerpt
    assert "BAD</u>" in excerpt and "(column 101 of 203)" in excerpt


def test_a_formula_with_no_finite_value_in_the_ranges_says_so_under_the_equations(make_main_window, qtbot) -> None:
    """ln(−x² − 1) left both views empty with only a status message, gone after 8 seconds, to say why."""
    window = make_main_window("bowl")
    notes = window.formula_panel.notes_label
    for text, why in (("ln(-x^2-1)+y", "f is undefined (a logarithm or a root of negative numbers"),
                      ("exp(1000x^2 + 1000) + y", "f is too large for the computer&#x27;s numbers"),
                      ("x^2 + y^2", None)):
        type_formula(window, qtbot, text)
        if why is None:
            assert "Nothing to draw" not in notes.text()
            continue
        assert notes.isVisible() and why in notes.text() and "everywhere for x from −3 to 3, y from −3 to 3" in (
            notes.text()), text
    window.session.set_analysis(analyze("sqrt(x - 10) + y"))  # defined past x = 10 only
    assert "Nothing to draw" in notes.text()
    window.session.set_range("x", 0.0, 20.0)
    assert "Nothing to draw" not in notes.text(), "other ranges draw it"
    window.session.set_analysis(analyze("x*y*z + ln(z - 5)"))  # z held at 1: no range helps, another z does
    assert "Try other held values (z = 1 now) or other ranges." in notes.text()
    assert "or change the held values (z = 1)." in no_run_text(window.session, "to explain")
    window.session.set_fixed("z", 6.0)
    assert "Nothing to draw" not in notes.text() and window.session.runs


def test_a_formula_that_overflows_in_part_of_the_ranges_says_it_is_left_blank_there(make_main_window, qtbot) -> None:
    """exp(xy) over ±30 passes 1.8e308 in two corners: the map and the surface were blank there without a word."""
    window = make_main_window("bowl")
    notes = window.formula_panel.notes_label
    type_formula(window, qtbot, "exp(x*y)")
    window.session.set_range("x", -10.0, 10.0)
    window.session.set_range("y", -10.0, 10.0)
    assert "overflows" not in notes.text()  # 2.7e43 at most: all of it drawn
    window.session.set_range("x", -30.0, 30.0)
    window.session.set_range("y", -30.0, 30.0)
    assert notes.isVisible() and "⚠ f overflows (beyond ±1.8e308) on 1% of the grid: left blank there." in notes.text()
    window.session.set_range("x", 0.0, 30.0)
    window.session.set_range("y", -30.0, 0.0)  # xy ≤ 0 here: nothing overflows
    assert "overflows" not in notes.text()


def test_picking_a_preset_shows_it_everywhere(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    box = window.formula_panel.preset_box
    index = next(i for i in range(box.count()) if box.itemData(i) and box.itemData(i).id == "two-weight-loss")
    box.activated.emit(index)
    window.controller.wait()
    qtbot.waitUntil(lambda: window.session.plot.axes == ("w1", "w2"), timeout=5000)
    assert window.session.runs[0].spec.lr == 0.1
    assert "<i>w</i><sub>1</sub>" in window.formula_panel.derivatives_label.text()
    assert window.surface_view.axis_labels.titles == ("w₁", "w₂", "L"), "axes named as the equations name them"
    assert window.contour_view.plot_item.getAxis("bottom").labelText == "w₁"


def test_keys_and_the_wheel_on_the_gallery_box_choose_nothing(make_main_window, qtbot) -> None:
    """With the keys on the gallery box, a clicker's ↓ replaced the lesson just opened by the first example."""
    from PySide6.QtGui import QWheelEvent

    window = make_main_window("bowl")
    activate(window, qtbot)
    box = window.formula_panel.preset_box
    box.setFocus()
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Up):  # PgDown, Home and End are the clicker's, as everywhere
        qtbot.keyClick(box, key)
        assert box.view().isVisible(), "the list opens to choose from"
        box.hidePopup()
    centre = QPointF(box.rect().center())
    wheel = QWheelEvent(centre, box.mapToGlobal(centre), QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(box, wheel)
    window.controller.wait()
    assert box.currentIndex() == 0 and window.session.analysis.formula.text == "f(x, y) = x^2 + y^2"


def test_clicking_the_contour_panel_sets_the_start(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    view = window.contour_view
    target = view.data_to_widget(-1.0, 2.0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(round(target.x()), round(target.y())))
    start = window.session.run_specs[0].start
    assert start["x"] == pytest.approx(-1.0, abs=0.05)
    assert start["y"] == pytest.approx(2.0, abs=0.05)
    assert window.session.runs[0].points[0][0] == pytest.approx(start["x"])


def test_a_clicked_start_is_as_precise_as_a_pixel_not_more(make_main_window, qtbot) -> None:
    """A click set the start at (0.501859, −1.23217): its digits past a pixel's size said nothing of where the user
    pointed, and the readouts, the step table and a saved file carried them."""
    window = make_main_window("bowl")
    view = window.contour_view
    width, height = view.view_box.viewPixelSize()
    assert 0.001 < width < 0.1 and 0.001 < height < 0.1  # a pixel spans some hundredths: two or three decimals
    target = view.data_to_widget(0.501859, -1.23217)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(round(target.x()), round(target.y())))
    start = window.session.run_specs[0].start
    for value, pixel, pointed in ((start["x"], width, 0.501859), (start["y"], height, -1.23217)):
        assert value == pytest.approx(pointed, abs=1.5 * pixel)  # where the user pointed, within the pixel…
        decimals = -math.floor(math.log10(pixel))
        assert value == round(value, decimals) and len(repr(value).partition(".")[2]) <= decimals  # …no finer


def test_keyboard_steps_and_plays(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    activate(window, qtbot)
    window.surface_view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.session.step == 2
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.session.step == 1
    window.stepper.speed_box.setValue(60)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.stepper.timer.isActive()
    qtbot.waitUntil(lambda: window.session.step >= 5, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.stepper.timer.isActive()
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert window.session.step == 0
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    assert window.stepper.speed_box.value() == 120 and "120 steps per second" in window.statusBar().currentMessage()
    qtbot.keyClick(window, Qt.Key.Key_BracketLeft)
    qtbot.keyClick(window, Qt.Key.Key_BracketLeft)
    assert window.stepper.speed_box.value() == 30


def test_turning_the_3d_view_with_the_mouse_reaches_the_session(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    view, session = window.surface_view, window.session
    before = session.camera
    centre = QPoint(view.width() // 2, view.height() // 2)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseMove(view, centre + QPoint(60, 0))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=centre + QPoint(60, 0))
    assert session.camera != before
    assert session.camera.azimuth == pytest.approx(view.cameraParams()["azimuth"])


def test_a_surface_after_a_curve_is_seen_from_the_surface_camera(make_main_window, qtbot) -> None:
    """Typing a two-variable formula after a one-variable one shows the whole surface, not the curve's close side view.

    The curve's camera stands lower and nearer (its box is shallow); kept for a surface, it cut the box off at the
    view's sides. The camera shown is the session's, so a saved file holds it.
    """
    from gradviz.app.surface_view import SurfaceView
    from gradviz.core.analysis import analyze

    window = make_main_window("bowl")
    view, session = window.surface_view, window.session
    surface_camera = dict(view.cameraParams())
    width, height = view.width(), view.height()

    def edge_ink() -> float:
        """The share of pixels in the outer tenth of the frame's sides that differ from the background."""
        image = view.render_to_array(width, height)[..., :3].astype(int)
        background = image[2, width // 2]  # the top middle is clear of the box
        edges = np.concatenate([image[:, : width // 10], image[:, -width // 10:]], axis=1)
        return float((np.abs(edges - background).sum(axis=2) > 60).mean())

    for text, elevation in (("x^3 - 3x", SurfaceView.CURVE_ELEVATION), ("sin(x)/x + y^2/10", SurfaceView.ELEVATION)):
        session.set_analysis(analyze(text))
        session.wait_for_runs()
        assert view.cameraParams()["elevation"] == elevation, text
        assert session.camera.elevation == pytest.approx(elevation), text
    assert view.cameraParams()["distance"] == pytest.approx(surface_camera["distance"])
    assert edge_ink() < 0.06  # the box, labels and colour bar keep inside the frame (0.16 with the curve's camera)


@pytest.mark.timing
def test_playback_keeps_to_the_speed_asked_for(make_main_window, qtbot) -> None:
    window = make_main_window("rosenbrock")
    stepper, session = window.stepper, window.session
    stepper.speed_box.setValue(50)
    stepper.set_playing(True)
    qtbot.wait(1000)
    reached = session.step
    assert 35 <= reached <= 60, "about 50 steps in a second, however long each frame takes to draw"
    session.set_step(3)  # a jump while playing (say, from the step table): the clock goes on from there
    qtbot.waitUntil(lambda: session.step != 3, timeout=2000)
    assert 4 <= session.step <= 10
    stepper.set_playing(False)


def test_sign_and_learning_rate_controls_change_the_run(make_main_window, qtbot) -> None:
    window = make_main_window("wrong-sign")
    activate(window, qtbot)
    stepper = window.stepper
    assert stepper.wrong_button.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_S)
    assert window.session.run_specs[0].sign == "correct"
    type_into(qtbot, stepper.lr_edit, "0.25")
    assert window.session.run_specs[0].lr == 0.25
    values = window.session.runs[0].values
    assert values[-1] < values[0]
    qtbot.keyClick(window, Qt.Key.Key_Plus)
    assert window.session.run_specs[0].lr == pytest.approx(0.25 * 10**0.1, rel=0.03)


def test_trajectory_is_drawn_in_both_views(make_main_window) -> None:
    window = make_main_window("bowl")
    session = window.session
    session.set_step(3)
    colour = run_colour(0)
    point = session.runs[0].points[3]
    surface = window.surface_view
    surface.top_view()  # nothing can hide the ball from straight above
    width, height = surface.width(), surface.height()
    scene = surface.scene_mapping.to_scene(np.array([[point[0], point[1], session.runs[0].values[3]]]))
    pixel = surface.project_scene_points(scene, width, height)[0]
    image = surface.render_to_array(width, height)
    x, y = round(pixel[0]), round(pixel[1])
    near = colour_distance(image[max(0, y - 8): y + 9, max(0, x - 8): x + 9], colour)
    assert near.min() < 60, "no pixel of the run's colour near the projected current point in 3D"
    contour_image = window.contour_view.render_to_array(window.contour_view.width(), window.contour_view.height())
    position = window.contour_view.data_to_widget(point[0], point[1])
    cx, cy = round(position.x()), round(position.y())
    near2d = colour_distance(contour_image[max(0, cy - 8): cy + 9, max(0, cx - 8): cx + 9], colour)
    assert near2d.min() < 60, "no pixel of the run's colour at the current point on the contour panel"


def test_three_variables_get_a_held_fixed_slider(make_main_window, qtbot) -> None:
    window = make_main_window("three-variables")
    assert list(window.formula_panel._fixed_widgets) == ["z"]
    slider, spin = window.formula_panel._fixed_widgets["z"]
    before = window.session.field.values.copy()
    spin.setValue(0.0)
    assert window.session.fixed["z"] == 0.0
    assert np.allclose(before - window.session.field.values, 3.0)
    slider.setValue(slider.value() + 40)  # the box follows the slider (it kept the value typed before)
    assert window.session.fixed["z"] > 0.0 and spin.value() == window.session.fixed["z"]
    spin.setValue(10.0)
    assert slider.value() == slider.maximum() // 2 + slider.maximum() // 4, "the slider spans ±20 around 10"
    spin.setValue(0.5)
    assert slider.value() == round(slider.maximum() * 3.5 / 6), "typed back near 0: ±3 again, not ±20"
    slider.setValue(slider.value() + 40)
    assert window.session.fixed["z"] == pytest.approx(-3.0 + 6.0 * slider.value() / slider.maximum())
    window.formula_panel.axis_boxes[1].setCurrentIndex(2)
    window.formula_panel.axis_boxes[1].activated.emit(2)
    assert window.session.plot.axes == ("x", "z")
    assert set(window.session.fixed) == {"y"}


def test_choosing_the_other_boxs_variable_swaps_the_axes_and_ranges_come_back(make_main_window) -> None:
    """Choosing y for the first axis of (x, y) jumped back to x without a word; y came back over −3…3."""
    window = make_main_window("three-variables")
    session, boxes = window.session, window.formula_panel.axis_boxes
    y_range = session.plot.ranges["y"]
    assert y_range != (-3.0, 3.0)

    def choose(row: int, name: str) -> None:
        index = boxes[row].findData(name)
        boxes[row].setCurrentIndex(index)
        boxes[row].activated.emit(index)

    choose(0, "y")
    assert session.plot.axes == ("y", "x") and [box.currentData() for box in boxes] == ["y", "x"]
    assert session.plot.ranges["y"] == y_range
    choose(0, "z")
    choose(1, "x")
    assert session.plot.axes == ("z", "x") and "y" in session.fixed
    choose(0, "y")
    assert session.plot.axes == ("y", "x") and session.plot.ranges["y"] == y_range, "y over the preset's range"


def test_the_readout_names_the_partials_a_run_with_held_variables_follows(make_main_window) -> None:
    window = make_main_window("three-variables")  # f = x² + 2y² + 3z², z held at 1
    window.session.set_step(0)
    x, y = window.session.runs[0].run.steps[0].point
    text = window.stepper.readout.text()
    length = format_number(math.hypot(2 * x, 4 * y))
    partials = f"({format_number(2 * x)}, {format_number(4 * y)})"
    assert f"(∂f/∂x, ∂f/∂y) = {partials} &nbsp; length {length} (z = 1 held)" in text
    assert "|∇f|" not in text  # ∇f has a z part too (6z): its length is not this one
    window.session.set_plot(replace(window.session.plot, axes=("x",), ranges={"x": (-3.0, 3.0)}))
    window.session.set_step(0)
    (x,) = window.session.runs[0].run.steps[0].point
    held = ", ".join(f"{name} = {format_number(window.session.fixed[name])}" for name in ("y", "z"))
    assert f"∂f/∂x = {format_number(2 * x)} &nbsp; ({held} held)" in window.stepper.readout.text()  # not (∂f/∂x) = (4)


@pytest.mark.parametrize(("optimizer", "sign", "shown"), [
    ("gd", "correct", "w − η∇f, η = 0.1"),
    ("gd", "wrong", "w <b style='color:#b00020'>+</b> η∇f, η = 0.1"),
    ("newton", "correct", "w − ηH⁻¹∇f, η = 0.1"),
    ("adam", "correct", "Adam step on ∇f, η = 0.1"),
    ("momentum", "wrong", "Momentum step on <b style='color:#b00020'>−∇f</b>, η = 0.1"),
])
def test_the_readout_names_the_update_each_optimizer_takes(make_main_window, optimizer: str, sign: str,
                                                           shown: str) -> None:
    """Adam's update is not w − η∇f: the readout names the optimizer's step, and what it is fed."""
    window = make_main_window("bowl")
    window.session.update_run(0, optimizer=optimizer, sign=sign, lr=0.1)
    window.session.wait_for_runs()
    assert shown in window.stepper.readout.text()


def test_enter_in_a_field_hands_the_keys_back_to_the_window(make_main_window, qtbot) -> None:
    """Ctrl+L to type a formula, Enter to use it: then → steps and Space plays, as a clicker expects; so too after
    the learning rate, the budget or a range is typed."""
    window = make_main_window("bowl")
    activate(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    box = window.formula_panel.formula_edit
    assert box.hasFocus() and box.selectedText() == box.text()
    qtbot.keyClicks(box, "x^2 + 3y^2")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    window.controller.wait()
    qtbot.waitUntil(lambda: window.session.analysis.formula.text == "x^2 + 3y^2", timeout=3000)
    assert not box.hasFocus()
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Right)  # where a key press goes
    assert window.session.step == 1 and box.text() == "x^2 + 3y^2"
    rate = window.stepper.lr_edit
    rate.setFocus()
    rate.selectAll()
    qtbot.keyClicks(rate, "0.05")
    qtbot.keyClick(rate, Qt.Key.Key_Return)
    window.session.wait_for_runs()
    assert not rate.hasFocus() and window.session.run_specs[0].lr == 0.05
    for box, typed in ((window.stepper.budget_box, "80"), (window.formula_panel.low_boxes[0], "-2")):
        box.setFocus()
        box.selectAll()
        qtbot.keyClicks(box, typed)
        qtbot.keyClick(box, Qt.Key.Key_Return)
        assert not box.hasFocus() and box.value() == float(typed)


def test_enter_in_the_box_while_a_preset_loads_brings_the_whole_preset(make_main_window, qtbot, monkeypatch) -> None:
    """The box shows an example's formula while it loads: Enter there drew that formula alone over the bowl's ranges
    and run, and the example never came."""
    from gradviz.app import formula_controller
    from gradviz.core.analysis import analyze_in_process

    window = make_main_window("bowl")
    himmelblau = find_preset("himmelblau").scenario

    def slow_analyze(text: str) -> object:
        time.sleep(0.3)  # a formula that takes a moment: the box already shows it
        return analyze_in_process(text)

    monkeypatch.setattr(formula_controller, "analyze", slow_analyze)
    window.open_scenario(himmelblau)
    box = window.formula_panel.formula_edit
    assert box.text() == himmelblau.formula
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert window.controller.wait()
    assert window.session.analysis.formula.text == himmelblau.formula
    assert window.session.plot.ranges == himmelblau.plot.ranges
    assert [spec.start for spec in window.session.run_specs] == [spec.start for spec in himmelblau.runs]


def test_the_readout_writes_one_variable_plainly(make_main_window) -> None:
    window = make_main_window("double-well")
    window.session.set_step(0)
    (w,) = window.session.runs[0].run.steps[0].point
    name = window.session.variables[0]
    text = window.stepper.readout.text()
    assert f"{name} = {format_number(w)} " in text and f"({name})" not in text


def test_the_readout_shows_a_stop_reason_whole_in_a_narrow_window(make_main_window) -> None:
    """At 1280 wide, 'diverged at step 26: …' came last and was cut off at the panel's edge: it now has a line of
    its own under the numbers, whose parts that do not fit are left out whole; the tooltip holds it all."""
    window = make_main_window("saddle", size=(1280, 720))
    session, readout = window.session, window.stepper.readout
    session.update_run(0, sign="wrong", lr=0.5, max_steps=60)
    session.wait_for_runs()
    session.set_step(session.last_step)
    text = readout.plain_text()
    reason = session.runs[0].run.message
    numbers, stop = text.splitlines()
    assert reason.startswith("diverged after step") and stop == reason
    whole = readout.toolTip()
    assert whole.startswith(numbers.removesuffix(" …")) and whole.endswith(reason) and "η = 0.5" in whole
    for line in (numbers, stop):  # cut between their parts, not in one
        assert readout.fontMetrics().horizontalAdvance(line) < readout.width()
    session.set_step(2)
    assert "diverged" not in readout.plain_text()


def test_a_stop_message_with_a_remark_keeps_the_point_and_f_in_the_readout(make_main_window) -> None:
    """tan(x) + y at 1280: 'reached the step budget (60 steps); step 3 jumped over a singularity (…)' stayed whole
    and the point, f and ∇f were left out; then the remark was; on a line of its own it is read whole."""
    window = make_main_window("bowl", size=(1280, 800))
    session, readout = window.session, window.stepper.readout
    session.set_analysis(analyze("tan(x) + y"))
    session.wait_for_runs()
    session.set_step(session.last_step)
    message = session.runs[0].run.message
    head, remark = message.split("; ", 1)
    text, whole = readout.plain_text(), readout.toolTip()
    numbers, stop = text.splitlines()
    assert head in whole and remark in whole and f"{head};" in stop and remark in stop
    assert f"f = {format_number(session.runs[0].values[-1])}" in numbers and "(x, y) = (" in numbers
    assert all(readout.fontMetrics().horizontalAdvance(line) < readout.width() for line in (numbers, stop))


def test_a_readout_line_too_long_for_the_panel_keeps_the_gradient_and_later_parts_that_fit(make_main_window,
                                                                                          qtbot) -> None:
    """Three variables at 1093 × 560: the line stopped at 'f = 3.11947 …', the gradient and the update left out
    with half the line free, as the first part that did not fit ended it (at 1010 pixels now: the docks narrower
    below 1280 leave the line room at 1093)."""
    window = make_main_window("three-variables", size=(1010, 560))
    probe_dock = window.teaching_docks.docks["probe_dock"]
    qtbot.waitUntil(lambda: abs(probe_dock.width() - dock_column_width(1010)) <= 8)  # the column at its start width
    session, readout = window.session, window.stepper.readout
    session.set_step(5)
    text, whole = readout.plain_text().splitlines()[0], readout.toolTip()
    assert text.startswith("step 5 / 60") and "(∂f/∂x, ∂f/∂y) = (" in text and "(z = 1 held)" in text
    assert text.endswith("w − η∇f, η = 0.1") and "…" in text, "the point left out, in the middle"
    assert whole.startswith("step 5 / 60   (x, y) = (") and whole.endswith("w − η∇f, η = 0.1")
    assert readout.fontMetrics().horizontalAdvance(text) < readout.width()


def test_with_several_runs_the_readout_says_in_a_word_why_each_stopped(make_main_window) -> None:
    """Five runs over Himmelblau: each line's 'converged at step 17 (|∇f| = 3.74e−07 < 1e−06)' ran past the panel."""
    from gradviz.app.runs_panel import start_point_specs

    window = make_main_window("himmelblau", size=(1600, 1000))
    session, readout = window.session, window.stepper.readout
    session.set_runs(start_point_specs(session, 0))
    session.wait_for_runs()
    session.set_step(session.last_step)
    lines = readout.plain_text().splitlines()
    assert len(lines) == len(session.runs) == 5
    assert all(result.run.outcome in line and f"{result.run.outcome} at step" not in line
               for line, result in zip(lines, session.runs, strict=True))
    assert max(readout.fontMetrics().horizontalAdvance(line) for line in lines) < readout.width()
    session.update_run(0, label="η < 0.1 & <b>bold</b>")  # a label from a scenario file is text, not markup
    session.wait_for_runs()
    assert readout.plain_text().splitlines()[0].startswith("● η < 0.1 & <b>bold</b>")


def test_one_variable_shows_a_curve_with_its_tangent(make_main_window) -> None:
    window = make_main_window("double-well")
    assert window.session.plot.axes == ("x",)
    assert window.contour_view.tangent.isVisible()
    image = window.surface_view.render_to_array(*SHOT)
    assert image[..., :3].std() > 10


def test_log_height_labels_the_colour_bars_with_round_values(make_main_window) -> None:
    window = make_main_window("himmelblau")  # log height, lowest value on the grid 0.007495
    assert window.session.view.log_height
    contour_labels = window.contour_view.colour_bar.tick_labels()
    assert len(contour_labels) >= 4
    assert all(float(label) == float(f"{float(label):.1g}") for label in contour_labels)  # 200, 50, 10, 2, 0.5…
    surface_labels = [label for _, label in window.surface_view.axis_labels.z_ticks]
    assert surface_labels[0] == "0.01"  # a hundredth of 1, the smallest tick kept: 0.007 read as odd among them
    assert surface_labels[1:] == ["1", "10", "100"]  # 0.1 would sit on 0.007
    assert [text for _, text in window.surface_view.colour_bar_ticks()] == list(contour_labels)  # the same bar


def test_log_height_carried_over_to_a_signed_f_labels_it_about_zero(make_main_window, qtbot) -> None:
    """x² − y² after Himmelblau in log height: the bar read −2, −3.5, −3.9, −3.98, −3.995, −3.999; nothing above −2."""
    window = make_main_window("himmelblau")
    type_formula(window, qtbot, "x^2 - y^2")
    assert window.session.view.log_height
    contour_labels = list(window.contour_view.colour_bar.tick_labels())
    surface_labels = [label for _, label in window.surface_view.axis_labels.z_ticks]
    for labels in (contour_labels, surface_labels):
        values = [float(label.replace("−", "-")) for label in labels]
        assert "0" in labels and min(values) < 0 < max(values), labels
        assert all(float(f"{value:.1g}") == value for value in values), labels  # round values: no −3.999
        assert sorted(values) == sorted(-value for value in values), labels  # as many below 0 as above it
    assert [text for _, text in window.surface_view.colour_bar_ticks()] == contour_labels


@pytest.mark.parametrize(("preset", "formula"), [("six-hump-camel", None), ("bowl", "x^3 - 3x + y^2")])
def test_a_signed_f_in_log_height_labels_its_colour_bar_where_the_3d_axis_does(make_main_window, qtbot, preset,
                                                                               formula) -> None:
    """The map's bar labelled every third level from 0 (−0.9, −0.5, 1) beside the 3D axis's −0.5, 0, 1, 4."""
    window = make_main_window(preset)
    if formula:
        type_formula(window, qtbot, formula)
    window.session.set_view(log_height=True)
    qtbot.waitUntil(lambda: window.surface_view.axis_labels.z_ticks != (), timeout=3000)
    levels = window.surface_view._colour_levels.levels  # the map's, which the 3D view takes
    bar = list(window.contour_view.colour_bar.tick_labels())
    axis = [(height, label) for height, label in window.surface_view.axis_labels.z_ticks]
    at_levels = [label for height, label in axis if np.isclose(levels, height, rtol=1e-9, atol=1e-12).any()]
    assert len(at_levels) >= 2 and "0" in at_levels
    assert set(at_levels) <= set(bar), (at_levels, bar)
    assert [text for _, text in window.surface_view.colour_bar_ticks()] == bar


@pytest.mark.parametrize(("formula", "span", "log"), [("x^2 + y^2 + 1000", 0.01, True),
                                                     ("x^2 + y^2 + 1e7", 0.01, True),
                                                     ("x^8 + y^8 + 1000", 0.1, False)])
def test_heights_near_a_large_value_read_apart_on_the_3d_axis_and_the_colour_bar(make_main_window, qtbot, formula,
                                                                                 span, log) -> None:
    """x² + y² + 1000 over ±0.01 in log height: the 3D axis and the colour bar read 1000 at every tick."""
    window = make_main_window("bowl")
    type_formula(window, qtbot, formula)
    for axis in ("x", "y"):
        window.session.set_range(axis, -span, span)
    window.session.set_view(log_height=log)

    def read_numbers() -> tuple[list[float], list[float]]:
        heights = [label for _height, label in sorted(window.surface_view.axis_labels.z_ticks)]
        bar = window.contour_view.colour_bar
        return tuple([offset_named(title) + float(label.replace("−", "-")) for label in labels]
                     for title, labels in ((window.surface_view.axis_labels.titles[2], heights),
                                           (bar.title(), bar.tick_labels())))

    least = float(formula.rpartition("+ ")[2])
    qtbot.waitUntil(lambda: all(value >= least for labels in read_numbers() for value in labels), timeout=5000)
    for values in read_numbers():
        assert len(values) >= 3 and all(np.diff(values) > 0), values  # each label unlike the one below it


def offset_named(title: str) -> float:
    """The offset an axis's title says its labels count from: 1000 in "f − 1000", −2 in "x + 2", 0 in "f"."""
    _name, sign, size = title.rsplit(" ", 2) if title.count(" ") >= 2 else ("", "", "0")
    return {"−": 1.0, "+": -1.0}.get(sign, 0.0) * float(size)


def test_heights_near_a_large_value_count_from_an_offset_on_the_3d_axis_and_the_colour_bars(make_main_window,
                                                                                            qtbot) -> None:
    """x² + y² + 1000 over ±0.001: the 3D height axis and both colour bars read 1000.0000002, 1000.0000006… where the
    map's axes count from an offset named in their titles. They count from 1000 now, in a few digits, under f − 1000;
    the 3D axis's title is drawn before its labels, left of the box, and ordinary ranges keep their titles."""
    window = make_main_window("bowl")
    view, bar = window.surface_view, window.contour_view.colour_bar
    assert (*view.axis_labels.titles, view.colour_bar_title(), bar.title()) == ("x", "y", "f", "f", "f")
    type_formula(window, qtbot, "x^2 + y^2 + 1000")
    for axis in ("x", "y"):
        window.session.set_range(axis, -0.001, 0.001)
    qtbot.waitUntil(lambda: view.axis_labels.titles[2] == "f − 1000", timeout=5000)
    assert view.axis_labels.titles[:2] == ("x", "y")  # ±0.001 reads in a few digits as it is
    values = window.session.field.values
    lowest, span = float(values.min()), float(np.ptp(values))
    read = {"3D height axis": (view.axis_labels.titles[2], [text for _, text in view.axis_labels.z_ticks]),
            "3D colour bar": (view.colour_bar_title(), [text for _, text in view.colour_bar_ticks()]),
            "map's colour bar": (bar.title(), list(bar.tick_labels()))}
    for where, (title, labels) in read.items():
        assert title == "f − 1000" and len(labels) >= 3 and all(len(label) <= 6 for label in labels), (where, labels)
        heights = sorted(1000.0 + float(label.replace("−", "-")) for label in labels)
        assert all(np.diff(heights) > 0) and lowest - span / 4 <= heights[0] < heights[-1] <= lowest + 1.25 * span, (
            where, labels)
    width, height = view.width(), view.height()
    view.render_to_array(width, height)
    titles = [box for text, box in view.drawn_axis_texts if text == "f − 1000"]  # the axis's and the colour bar's
    half_width, half_depth = BOX_HALF_WIDTH, view.scene_mapping.half_depth
    corners = [(x, y, z) for x in (-half_width, half_width) for y in (-half_depth, half_depth)
               for z in (FLOOR_Z, BOX_HEIGHT)]
    box_corners = view.project_scene_points(np.array(corners), width, height)
    assert len(titles) == 2 and min(box.right() for box in titles) <= box_corners[:, 0].min(), titles


def test_the_probe_tags_in_3d_keep_off_the_axis_labels(make_main_window) -> None:
    window = make_main_window("rosenbrock")
    window.session.set_step(window.session.last_step)  # the tags once covered a tick label and the x axis title
    view = window.surface_view
    view.render_to_array(1280 // 2, 720 - 74)
    label_boxes, tags = view.drawn_labels
    assert len(tags) == 2 and len(label_boxes) > 10
    assert not any(tag.intersects(box) for tag in tags for box in label_boxes)


def test_the_probe_tags_on_the_map_never_cover_one_another(make_main_window) -> None:
    """At (1, 1), near the top of a short map, the ∂f/∂y tag found no room near its arrow and covered the ∇f tag."""
    window = make_main_window("three-variables", size=(1280, 624))
    window.contour_view.grab()
    tags = window.contour_view.probe_text.tag_boxes
    assert len(tags) == 3
    assert not any(first.intersects(second) for index, first in enumerate(tags) for second in tags[index + 1:])


def test_a_small_map_leaves_out_the_partials_tags_rather_than_pile_them_up(make_main_window) -> None:
    """At 1024×640 with three variables the map is about 190 px tall: ∇f keeps its tag, the partials' tags only
    show where they fit, and no two tags cover each other."""
    window = make_main_window("three-variables", size=(1024, 640))
    window.contour_view.grab()
    tags = window.contour_view.probe_text.tag_boxes
    assert 1 <= len(tags) <= 3
    assert not any(first.intersects(second) for index, first in enumerate(tags) for second in tags[index + 1:])


def drawn_map_plot(window) -> QRectF:
    """The map's plot rectangle in the view's pixels, after painting it."""
    view, text = window.contour_view, window.contour_view.probe_text
    view.grab()
    return text.plot_rect(text.deviceTransform(view.viewportTransform()))


def test_a_small_map_names_the_arrows_and_keeps_the_descent_path_in_sight(make_main_window) -> None:
    """At 1366×768 and 125 % (1093×560) the map's plot is about 200×90 px: the ∇f tag with its values and the
    legend's "level line f = 5.699" covered half of it, the path under them."""
    window = make_main_window("rosenbrock", size=(1093, 448))
    window.session.set_step(60)
    text = window.contour_view.probe_text
    plot = drawn_map_plot(window)
    assert plot.height() < 100
    assert text.tag_texts[0] == "∇f" and set(text.tag_texts[1:]) <= {"∂f/∂x", "∂f/∂y"}
    assert text.legend_texts == ("f\u00a0=\u00a05.69863",)
    covered = sum(box.width() * box.height() for box in (*text.tag_boxes, text.legend_rect))
    assert covered < 0.35 * plot.width() * plot.height()
    window.resize(1600, 1000)  # a larger map keeps the values
    drawn_map_plot(window)
    assert text.tag_texts[0] == "∇f = (−0.5498, 1.523)" and len(text.tag_texts) == 3


def test_a_tag_wider_than_room_on_a_narrow_map_is_never_cut_at_its_edge(make_main_window) -> None:
    """At 1024×705 the three-variables map is 163 px wide: "∇f = (0.6554, 0.311)" went past its right edge."""
    window = make_main_window("three-variables", size=(1024, 705))
    window.session.set_step(5)
    plot = drawn_map_plot(window)
    tags = window.contour_view.probe_text.tag_boxes
    assert tags and all(plot.contains(tag) for tag in tags)


def test_a_tag_with_no_room_of_its_own_shortens_before_it_covers_the_legend(qapp) -> None:
    """On a 1366 × 768 laptop at 125 % the three-variables ∇f tag, moved into the map, lay over the legend."""
    from PySide6.QtGui import QFont

    from gradviz.app.view_common import TagPlacer

    font = QFont()
    font.setPixelSize(14)
    plot = QRectF(0, 0, 200, 120)
    legend = QRectF(0, 60, 200, 60)  # the lower half: the tag in full finds no place clear of it above
    placer = TagPlacer(None, font, 4.0, plot, (legend,))
    box = placer.place("∇f = (0.6554, 0.3110)", np.array([150.0, 50.0]), np.array([1.0, 0.0]), (0, 0, 0, 1),
                       shorter="∇f")
    assert box is not None and plot.contains(box) and not box.intersects(legend)
    assert placer.tags[0][0] == "∇f"
    roomy = TagPlacer(None, font, 4.0, QRectF(0, 0, 600, 400), (legend,))
    roomy.place("∇f = (0.6554, 0.3110)", np.array([150.0, 50.0]), np.array([1.0, 0.0]), (0, 0, 0, 1), shorter="∇f")
    assert roomy.tags[0][0] == "∇f = (0.6554, 0.3110)", "in full where it finds room"


def test_the_3d_view_keeps_its_titles_and_tags_whole_when_small(make_main_window) -> None:
    """In a 372×131 view the x title and tick labels ran off the foot of the view, and the tags in full lay over
    one another and under the legend."""
    window = make_main_window("three-variables", size=(1093, 420))
    window.session.set_step(5)
    view = window.surface_view
    width, height = view.width(), view.height()
    view.render_to_array(width, height)
    label_boxes, tags = view.drawn_labels
    frame = QRectF(0, 0, width, height)
    assert height < 150 and all(frame.contains(box) for box in label_boxes)
    assert any(box.bottom() > height * 0.75 for box in label_boxes)  # the x title, moved in, not left out
    shown = [*tags, view.drawn_legend]
    assert not any(first.intersects(second) for index, first in enumerate(shown) for second in shown[index + 1:])


def test_the_probe_tags_on_the_map_keep_off_the_start_marker(make_main_window) -> None:
    """Three variables at step 5: the ∇f tag lay over the start marker, which a lecturer drags."""
    window = make_main_window("three-variables", size=(1280, 720))
    window.session.set_step(5)
    view = window.contour_view
    view.grab()
    marker = view.start_marker
    centre, half = view.mapFromScene(marker.scenePos()), marker.scale / 2
    marker_box = QRectF(centre.x() - half, centre.y() - half, 2 * half, 2 * half)
    tags = view.probe_text.tag_boxes
    assert len(tags) == 3
    assert not any(tag.intersects(marker_box) for tag in tags)


def test_a_crowded_probe_legend_keeps_a_short_hint_of_unequal_scales(make_main_window) -> None:
    """In a 1280×720 window the note on skewed right angles made the legend too big, and it was left out."""
    from gradviz.app.contour_view import LEGEND_SHARE

    window = make_main_window("exercise-loss", size=(1280, 720))
    axis = window.session.plot.axes[0]
    low, high = window.session.plot.ranges[axis]
    window.session.set_range(axis, low, high + (high - low))  # twice as wide: right angles look skewed
    view, text = window.contour_view, window.contour_view.probe_text

    def drawn_legend() -> tuple[str, ...]:
        view.grab()
        plot = text.plot_rect(text.deviceTransform(view.viewportTransform()))
        assert text.legend_rect.width() * text.legend_rect.height() <= LEGEND_SHARE * plot.width() * plot.height()
        return text.legend_texts

    assert drawn_legend()[-1] == "scales differ (E: equal aspect)"
    view.resize(1000, 900)  # room for the whole note, but it would reach across the valley's floor: kept short
    assert drawn_legend()[-1] == "scales differ (E: equal aspect)"
    view.resize(1600, 900)  # room for it clear of the valley
    assert "the right angle looks skewed" in " ".join(drawn_legend())


def test_a_small_map_leaves_f_at_the_point_to_the_level_line_in_its_legend(make_main_window) -> None:
    """In a 1024-pixel window f at the point, with three coordinates, covered a third of the map; the level line's
    row gives f too."""
    from gradviz.app.contour_view import LEGEND_SHARE

    window = make_main_window("three-variables", size=(900, 768))  # the map of 1024 pixels before the docks gave way
    window.session.set_step(5)  # f(0.32768, 0.07776, 1) = 3.11947: a long row
    view, text = window.contour_view, window.contour_view.probe_text
    view.grab()
    plot = text.plot_rect(text.deviceTransform(view.viewportTransform()))
    shown = " ".join(text.legend_texts).replace("\u00a0", " ")  # its lines, as wrapped
    assert shown == "∇f here: its x, y part (z held) level line f = 3.11947"
    assert text.legend_rect.width() * text.legend_rect.height() <= LEGEND_SHARE * plot.width() * plot.height()
    assert text.legend_texts[-1].endswith("f\u00a0=\u00a03.11947")  # the equation is not broken: "f =" / "3.11947"
    view.resize(900, 800)
    view.grab()
    shown = " ".join(text.legend_texts).replace("\u00a0", " ")
    assert shown.startswith("f(0.32768, 0.07776, 1) = 3.11947 ") and shown.endswith(" level line f = 3.11947")


@pytest.mark.parametrize(("size", "noted"), [((1024, 768), True), ((1600, 1000), False)])
def test_arrows_the_edge_cut_too_short_to_see_are_noted_however_small_the_map(make_main_window, size, noted) -> None:
    """Rosenbrock's start by the map's left edge: at 1024 pixels its ∇f arrow, cut by the edge, hid under the ball
    with no note (the rule measured the arrow against the ranges, not the pixels it is drawn in)."""
    window = make_main_window("rosenbrock", size=size)
    view, text = window.contour_view, window.contour_view.probe_text
    view.grab()
    assert ("cut short by the edge" in " ".join(text.legend_texts)) == noted, text.legend_texts


def test_layout_is_remembered(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    window.view_splitter.setSizes([900, 300])
    sizes = window.view_splitter.sizes()
    window.close()
    again = make_main_window(None)
    again_sizes = again.view_splitter.sizes()
    assert again_sizes[0] / sum(again_sizes) == pytest.approx(sizes[0] / sum(sizes), abs=0.01)


def test_the_first_launch_opens_the_window_within_the_screen(launched) -> None:
    """With no remembered size the window opened 1600 × 1000 on any screen: on a 1366 × 768 laptop the stepper
    and the status bar were below its edge."""
    from gradviz.app.main_window import FIRST_SIZE_SCREEN_SHARE

    window = launched(find_preset("bowl"))
    room = window.screen().availableGeometry().size()
    assert window.width() == min(1600, round(room.width() * FIRST_SIZE_SCREEN_SHARE))
    assert window.height() == min(1000, round(room.height() * FIRST_SIZE_SCREEN_SHARE))
    assert window.height() < room.height()


@pytest.mark.parametrize("damage", [{"window/state": "abc"}, {"window/state": ""}, {"window/geometry": "12"},
                                    {"window/main_splitter": "12", "window/view_splitter": 7}])
def test_a_damaged_layout_in_the_settings_is_ignored(make_main_window, damage) -> None:
    """state=abc in gradviz.ini crashed the app at every launch (a str given to restoreState in showEvent)."""
    from gradviz.app.settings import app_settings

    make_main_window("bowl").close()  # a real layout saved first
    settings = app_settings()
    for key, value in damage.items():
        settings.setValue(key, value)
    settings.sync()
    window = make_main_window(None)
    assert window.isVisible() and window.width() > 0 and window.view_splitter.sizes()[0] > 0


def test_a_run_that_cannot_start_says_so(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    type_formula(window, qtbot, "log(x) + y^2")
    assert window.session.analysis.formula.text == "log(x) + y^2"
    window.session.set_start({"x": 1.0, "y": 1.0})
    good = window.session.runs
    window.session.set_start({"x": -1.0, "y": 1.0})
    assert window.session.runs is good
    assert "cannot start" in window.statusBar().currentMessage()


def test_every_preset_renders_something(make_main_window) -> None:
    window = make_main_window("bowl")
    from gradviz.core.presets import all_presets

    for preset in all_presets()[:6]:
        window.open_scenario(preset.scenario, wait=True)
        image = window.surface_view.render_to_array(240, 180)
        assert image[..., :3].std() > 8, preset.id
    assert find_preset("bowl")


def test_zooming_the_contour_panel_changes_the_domain_everywhere(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    uploads = window.surface_view.mesh_item.upload_count
    window.contour_view.view_box.scaleBy((0.5, 0.5))
    window.contour_view.view_box.sigRangeChangedManually.emit(window.contour_view.view_box.state["mouseEnabled"])
    qtbot.waitUntil(lambda: window.session.plot.ranges["x"][1] < 2.5, timeout=3000)
    low, high = window.session.plot.ranges["x"]
    assert high - low == pytest.approx(3.0, rel=0.1)
    assert window.session.field.xs[0] == pytest.approx(low)
    window.surface_view.render_to_array(*SHOT)
    assert window.surface_view.mesh_item.upload_count > uploads
    qtbot.wait(400)
    assert window.session.plot.ranges["x"] == (low, high), "the domain keeps changing by itself"


def test_a_zoomed_domain_reads_right_in_the_range_boxes_and_survives_other_edits(make_main_window, qtbot) -> None:
    """Zoomed to x in [0.12345, 0.12367], the boxes read 0.123 and 0.124, and a new grid resolution (or an edit of y's
    range) put those rounded values back into the domain: the map jumped."""
    window = make_main_window("bowl")
    session, panel = window.session, window.formula_panel
    session.set_range("x", 0.12345, 0.12367)
    session.set_range("y", -1e-6, 1e-6)
    assert (panel.low_boxes[0].text(), panel.high_boxes[0].text()) == ("0.12345", "0.12367")
    assert (panel.low_boxes[1].text(), panel.high_boxes[1].text()) == ("-1e-6", "1e-6")
    index = panel.resolution_box.findData(100)
    panel.resolution_box.setCurrentIndex(index)
    panel.resolution_box.activated.emit(index)
    assert session.plot.resolution == 100
    assert session.plot.ranges == {"x": (0.12345, 0.12367), "y": (-1e-6, 1e-6)}
    box = panel.high_boxes[1]
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "2.5e-6")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert session.plot.ranges == {"x": (0.12345, 0.12367), "y": (-1e-6, 2.5e-6)}


def test_one_variable_shows_one_range_row(make_main_window) -> None:
    window = make_main_window("double-well")
    panel = window.formula_panel
    shown = [[widget.isVisible() for widget in (panel.axis_boxes[row], panel.low_boxes[row], *panel._range_words[row])]
             for row in range(2)]
    assert shown == [[True] * 4, [False] * 4]


def test_start_up_objects_are_kept_out_of_later_collections() -> None:
    import gc

    from gradviz.app.launch import freeze_start_up_objects

    kept = []
    try:
        freeze_start_up_objects()
        kept.append(gc.get_freeze_count())
    finally:
        gc.unfreeze()
    assert kept[0] > 10_000, "the modules and objects alive now are frozen"
    assert gc.get_freeze_count() == 0


def test_an_analysis_finishing_after_its_window_closed_is_dropped_quietly() -> None:
    from gradviz.app.formula_controller import _AnalysisJob

    delivered = []

    def deleted_signal(result: object, generation: int) -> None:
        delivered.append((result, generation))
        raise RuntimeError("Signal source has been deleted")

    _AnalysisJob("x^2 + y^2", 7, deleted_signal).run()
    assert len(delivered) == 1 and delivered[0][1] == 7 and delivered[0][0].formula.text == "x^2 + y^2"


def ball_box(centre: tuple[float, float], size: float) -> QRectF:
    """The square a run's ball of this size covers around its centre."""
    return QRectF(centre[0] - size / 2, centre[1] - size / 2, size, size)


def test_the_probe_tags_on_the_map_keep_off_the_balls_of_other_runs(make_main_window) -> None:
    """A second run's ball where the first run's ∇f tag would go: the tag moves off it."""
    from gradviz.core.scenario import RunSpec

    window = make_main_window("bowl", size=(1280, 720))
    view = window.contour_view
    view.grab()
    tag = view.probe_text.tag_boxes[0]
    point = view.plot_item.vb.mapSceneToView(view.mapToScene(tag.center().toPoint()))
    window.session.set_runs([window.session.run_specs[0], RunSpec(start={"x": point.x(), "y": point.y()})])
    window.session.wait_for_runs()
    view.grab()
    ball = view.mapFromScene(view.plot_item.vb.mapViewToScene(point))
    assert tag.contains(QPointF(ball))  # it would have covered the ball
    box = ball_box((ball.x(), ball.y()), view.BALL_SIZE)
    assert not any(tag.intersects(box) for tag in view.probe_text.tag_boxes)


def test_the_probe_tags_in_3d_keep_off_the_balls_of_other_runs(make_main_window) -> None:
    """A second run's ball where one of the first run's tags would go (over the surface): the tag moves off it."""
    from gradviz.core.scenario import RunSpec

    window = make_main_window("bowl", size=(1280, 720))
    session, view = window.session, window.surface_view
    size = (view.width(), view.height())
    view.render_to_array(*size)
    field = session.field
    xs, ys = np.meshgrid(field.xs, field.ys)
    grid = np.column_stack([xs.ravel(), ys.ravel(), field.values.ravel()])
    pixels = view.scene_projector(*size)(view._data_to_scene(grid))
    nearest_points = [int(np.argmin(np.hypot(*(pixels - (tag.center().x(), tag.center().y())).T)))
                      for tag in view.drawn_labels[1]]
    tag, nearest = next((tag, nearest) for tag, nearest in zip(view.drawn_labels[1], nearest_points, strict=True)
                        if tag.contains(QPointF(*pixels[nearest])))
    start = {"x": float(grid[nearest, 0]), "y": float(grid[nearest, 1])}
    session.set_runs([session.run_specs[0], RunSpec(start=start, max_steps=0)])
    session.wait_for_runs()
    view.render_to_array(*size)
    boxes = [ball_box(ball, view.trajectory_item.BALL_SIZE)
             for ball in view.scene_projector(*size)(view.trajectory_item.ball_points())]
    assert tag.intersects(boxes[1])  # it would have covered the ball
    assert not any(tag.intersects(box) for tag in view.drawn_labels[1] for box in boxes)


def box_distance(box: QRectF, point: np.ndarray) -> float:
    """Pixels from a point to the nearest point of a box (0 inside it)."""
    across = max(box.left() - point[0], 0.0, point[0] - box.right())
    down = max(box.top() - point[1], 0.0, point[1] - box.bottom())
    return math.hypot(across, down)


@pytest.mark.parametrize(("preset", "size", "scale", "step"), [
    ("rosenbrock", (1600, 1000), 1.0, 30),  # the ∂f/∂x tag sat mid-surface, the ∂f/∂y tag far left
    ("bowl", (1600, 1000), 1.6, 9),  # presenting: '∂f/∂y = −0.4027' sat by the axis labels, bottom left
    ("bowl", (1280, 800), 1.0, 0),
    ("himmelblau", (1280, 800), 1.0, 62),  # the ∂f/∂x tag sat on the far side of the surface
    ("cubic-mixed", (1600, 1000), 1.0, 3),
])
def test_the_3d_probe_tags_sit_by_their_lines_near_the_point(make_main_window, preset, size, scale, step) -> None:
    """Each tag lies beside its own tangent line near the point, or by the end of a short one, or a leader in its colour
    joins it to that line.

    At the end of a long tangent line a tag sat far from the point, by other labels."""
    window = make_main_window(preset, size=size)
    session, view = window.session, window.surface_view
    if preset == "rosenbrock":
        session.update_run(0, max_steps=60, lr=0.001)
        session.wait_for_runs()
    session.set_presentation_scale(scale)
    session.set_step(step)
    width, height = view.width(), view.height()
    view.render_to_array(width, height)
    to_pixels = view.scene_projector(width, height)
    overlay = view.probe_overlay
    point = to_pixels(view._data_to_scene(np.asarray(overlay.point)[None, :]))[0]
    tags = {colour: box for _text, box, colour in view.drawn_tags}
    assert len(tags) == 2
    for line in overlay.slices:
        box = tags[line.colour]
        halves = view._tangent_pixels(line, to_pixels)
        if box_distance(box, point) <= 2.0 * box.height():
            continue
        ends = [np.asarray(end) for _start, end in halves
                if np.hypot(*(np.asarray(end) - np.asarray(_start))) <= 4.0 * box.height()]
        if any(box_distance(box, end) <= box.height() for end in ends):
            continue  # at the end of a short tangent, beside it (a place clear of the lines drawn)
        joined = [leader for leader, colour in view.drawn_leaders if colour == line.colour
                  and box_distance(box, np.array([leader.x2(), leader.y2()])) < 1.0
                  and min(distances_to_polyline(np.array([[leader.x1(), leader.y1()]]), np.array(half))[0]
                          for half in halves) < 1.0]
        assert joined, (line.label, box, point)


def test_a_ball_that_leaves_the_map_is_pointed_at_from_its_edge(make_main_window) -> None:
    """The wrong sign climbs out of the map within a few steps: a pointer in the run's colour shows which way."""
    window = make_main_window("two-weight-loss", size=(1280, 720))
    session, view, surface = window.session, window.contour_view, window.surface_view
    session.update_run(0, sign="wrong", max_steps=8)
    view.grab()
    surface.render_to_array(surface.width(), surface.height())
    assert view.off_map.pointers == [] and surface.exit_pointers == []
    session.set_step(4)
    surface_pixels = surface.render_to_array(surface.width(), surface.height())
    assert len(surface.exit_pointers) == 1  # where the path leaves the box, pointing on along it
    corners = surface.exit_pointers[0]
    middle = (corners.at(2) + corners.at(3) + corners.at(4)) / 3
    run_rgb = np.array(run_colour(0)[:3]) * 255
    assert np.abs(surface_pixels[round(middle.y()), round(middle.x()), :3] - run_rgb).max() < 40
    image = view.grab().toImage()
    assert len(view.off_map.pointers) == 1
    pointer = view.off_map.pointers[0].boundingRect()
    ball = view.run_items[0].ball_point
    (low_x, high_x), (low_y, high_y) = view.view_box.viewRange()
    assert not (low_x <= ball[0] <= high_x and low_y <= ball[1] <= high_y)
    plot = view.off_map.plot_rect(view.off_map.deviceTransform(view.viewportTransform()))
    assert plot.contains(pointer) and pointer.bottom() > plot.bottom() - 40  # at the bottom: the run left there
    colour = view.run_items[0].colour
    corners = view.off_map.pointers[0]
    centre = image.pixelColor(((corners.at(2) + corners.at(3) + corners.at(4)) / 3).toPoint())
    assert max(abs(centre.red() - colour.red()), abs(centre.green() - colour.green()),
               abs(centre.blue() - colour.blue())) < 40
    session.set_step(0)
    view.grab()
    assert view.off_map.pointers == []


def test_the_edge_pointer_says_where_the_ball_went(make_main_window, qtbot) -> None:
    """(w − 3)² from w = 0 with the wrong sign climbs off the plot: the window showed an unlabelled pointer alone."""
    window = make_main_window("double-well", size=(1280, 720))
    type_formula(window, qtbot, "(w-3)^2")
    session, view = window.session, window.contour_view
    session.set_runs([replace(session.run_specs[0], sign="wrong", lr=0.2, max_steps=20, start={"w": 0.0})])
    session.set_step(session.last_step)
    tagged = qimage_to_array(view.grab().toImage())
    ((text, box),) = view.off_map.tags
    w, f = session.runs[0].points[-1][0], session.runs[0].values[-1]
    assert w < -3.0 and text == f"w = {format_number(w, 4)}, f = {format_number(f, 5)} ↖"  # up the left arm
    (pointer,) = view.off_map.pointers
    plot = view.off_map.plot_rect(view.off_map.deviceTransform(view.viewportTransform()))
    assert plot.contains(box) and box.intersects(pointer.boundingRect().adjusted(-30, -30, 30, 30))
    view.run_items[0].where = None  # the pointer alone, as it was
    view.off_map.update()
    bare = qimage_to_array(view.grab().toImage())
    area = (slice(round(box.top()), round(box.bottom())), slice(round(box.left()), round(box.right())))
    assert np.abs(tagged[area].astype(int) - bare[area]).max() > 100  # the tag is drawn
    session.set_step(1)
    view.grab()
    assert view.off_map.tags == [] and view.off_map.pointers == []


@pytest.mark.parametrize("size", [(1280, 720), (1024, 640)])
def test_the_edge_pointers_tag_is_shortened_to_lie_wholly_inside_a_narrow_map(make_main_window, qtbot, size) -> None:
    """(w − 3)² with the wrong sign (S), then x² + 10y² at its last step, the basins shown (W): the tag
    '(x, y) = (8.793, 8.334e7), f = 6.9463e16 ↑' was wider than the map and ran off its right edge."""
    window = make_main_window("double-well", size=size)
    type_formula(window, qtbot, "(w-3)^2")
    activate(window, qtbot)
    qtbot.keyClick(window.formula_panel.formula_edit, Qt.Key.Key_Return)  # Enter hands the keys back
    qtbot.keyClick(window, Qt.Key.Key_S)
    type_formula(window, qtbot, "x^2 + 10y^2")
    qtbot.keyClick(window.formula_panel.formula_edit, Qt.Key.Key_Return)
    session, view = window.session, window.contour_view
    assert session.run_specs[0].sign == "wrong"
    session.set_step(session.last_step)
    qtbot.keyClick(window, Qt.Key.Key_W)
    window.basins_keeper.wait()
    tagged = qimage_to_array(view.grab().toImage())
    ((text, box),) = view.off_map.tags
    transform = view.off_map.deviceTransform(view.viewportTransform())
    plot = view.off_map.plot_rect(transform)
    assert text.endswith("(8.793, 8.334e7) ↑") and plot.contains(box), (text, box, plot)
    assert not box.intersects(view.basins_legend.boxes(transform)[0])
    view.run_items[0].where = None  # the pointer alone
    view.off_map.update()
    drawn = changed_box(tagged, qimage_to_array(view.grab().toImage()))
    assert drawn.width() > 50 and plot.adjusted(-1, -1, 1, 1).contains(drawn), (drawn, plot)  # no pixel beyond it


@pytest.mark.parametrize("size", [(1280, 720), (1600, 1000)])
def test_the_edge_pointers_tag_keeps_off_the_path_it_points_along(make_main_window, size) -> None:
    """(x − 3)² + y² from (0, 0.5) with the wrong sign walks off the map's left edge: the tag lay back along the
    path, over its dots and its start."""
    window = make_main_window("bowl", size=size)
    session, view = window.session, window.contour_view
    session.set_analysis(analyze("(x-3)^2 + y^2"))
    session.set_runs([replace(session.run_specs[0], start={"x": 0.0, "y": 0.5}, lr=0.05, sign="wrong", max_steps=40)])
    session.wait_for_runs()
    session.set_step(40)
    image = qimage_to_array(view.grab().toImage())
    ((text, box),) = view.off_map.tags
    transform = view.off_map.deviceTransform(view.viewportTransform())
    plot = view.off_map.plot_rect(transform)
    assert text.startswith("(x, y) = (−132.8, 22.63)") and text.endswith("←") and plot.contains(box)
    marks = run_mark_pixels(view, transform)
    assert len(marks) == 41 and marks_in(box, marks) == []
    dots = [dot for dot in step_dot_pixels(view, transform) if plot.contains(*dot)]
    assert len(dots) >= 5
    run_rgb = np.array(run_colour(0)[:3]) * 255
    for x, y in dots:  # each drawn in the run's colour: none under the tag's patch
        assert np.abs(image[round(y), round(x), :3] - run_rgb).max() < 60, (x, y)


def test_z_zooms_out_to_show_a_run_that_left_the_map(make_main_window, qtbot) -> None:
    window = make_main_window("two-weight-loss", size=(1280, 720))
    activate(window, qtbot)
    session, view = window.session, window.contour_view
    session.update_run(0, sign="wrong", max_steps=8)
    session.set_step(4)
    view.grab()
    assert len(view.off_map.pointers) == 1
    qtbot.keyClick(window, Qt.Key.Key_Z)
    assert session.plot.ranges["w2"][0] < session.runs[0].run.points[4][1]
    view.grab()
    assert view.off_map.pointers == []
    assert len(view.probe_text.tag_boxes) == 3, "the legend leaves the point's tags their room"
    assert window.formula_panel.low_boxes[1].value() == session.plot.ranges["w2"][0]
    qtbot.keyClick(window, Qt.Key.Key_Z)  # again: back, and the arrow with it
    assert session.plot.ranges == find_preset("two-weight-loss").scenario.plot.ranges
    assert "Back to the ranges before" in window.statusBar().currentMessage()
    view.grab()
    assert len(view.off_map.pointers) == 1
    session.set_step(0)
    qtbot.keyClick(window, Qt.Key.Key_Z)
    assert "inside the plotted ranges already" in window.statusBar().currentMessage()
    session.set_runs([])
    qtbot.keyClick(window, Qt.Key.Key_Z)
    assert window.statusBar().currentMessage() == "No run to zoom out to."


def test_the_probe_legend_leaves_the_balls_of_the_runs_uncovered(make_main_window) -> None:
    """A second run oscillating across the valley had its ball under the legend, in the corner farthest from
    the probe point."""
    from dataclasses import replace

    window = make_main_window("two-weight-loss", size=(1600, 1000))
    session, view = window.session, window.contour_view
    first = session.run_specs[0]
    session.set_runs([first, replace(first, start={"w1": 3.0, "w2": 3.5}, lr=0.2, max_steps=30)])
    session.wait_for_runs()
    session.set_step(5)
    view.grab()
    ball = view.mapFromScene(view.view_box.mapViewToScene(QPointF(*view.run_items[1].ball_point)))
    assert not view.probe_text.legend_rect.isEmpty()
    assert not view.probe_text.legend_rect.intersects(ball_box((ball.x(), ball.y()), view.BALL_SIZE))


def test_the_3d_tangent_tag_of_a_curve_keeps_off_its_other_valley(make_main_window) -> None:
    """Double well at the shallow minimum: the tag lay along the tangent, over the deep valley at x ≈ −1.35."""
    window = make_main_window("double-well", size=(1920, 1080))
    session, view = window.session, window.surface_view
    session.set_step(session.last_step)
    session.set_presentation_scale(1.6)
    size = (view.width(), view.height())
    view.render_to_array(*size)
    (tag,) = view.drawn_labels[1]
    ws = np.linspace(-2.2, 0.0, 60)
    valley = view.scene_projector(*size)(view._data_to_scene(np.column_stack([ws, ws**4 - 3.4 * ws**2 + 0.5 * ws])))
    assert not any(tag.contains(QPointF(*point)) for point in valley)
    assert tag.top() < view.scene_projector(*size)(view._data_to_scene(np.array([[1.265, -2.248]])))[0][1]


def white_share(image: np.ndarray) -> float:
    """The share of an image's pixels that are white, or nearly."""
    return float((image[..., :3].min(axis=-1) > 245).mean())


def test_the_map_is_filled_or_drawn_in_lines_with_or_without_arrows_as_switched(make_main_window, qtbot,
                                                                                  monkeypatch) -> None:
    """F and A switch the map's fill and arrows, without drawing the 3D surface again; a scenario's switches show."""
    window = make_main_window("himmelblau")
    activate(window, qtbot)
    surfaces_drawn = []
    monkeypatch.setattr(window.surface_view, "set_surface", lambda *args, **kwargs: surfaces_drawn.append(args))
    contour = window.contour_view
    filled = contour.render_to_array(*SHOT)
    assert contour.arrows.isVisible() and window.show_arrows_action.isChecked() and window.fill_action.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_A)
    assert not window.session.view.show_arrows and not window.show_arrows_action.isChecked()
    assert not contour.arrows.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F)
    assert not window.session.view.contour_fill and not window.fill_action.isChecked()
    lines = contour.render_to_array(*SHOT)
    assert white_share(lines) > white_share(filled) + 0.3
    qtbot.keyClick(window, Qt.Key.Key_D)  # the arrows' direction: the map's too
    assert surfaces_drawn == []
    qtbot.keyClick(window, Qt.Key.Key_L)  # a new height scale is drawn everywhere
    assert len(surfaces_drawn) == 1

    window.open_scenario(find_preset("saddle").scenario, wait=True)  # a scenario brings its own switches
    assert contour.arrows.isVisible() and contour.fill_item.isVisible() and window.fill_action.isChecked()
    type_formula(window, qtbot, "x^4 - 3x^2")  # a curve: no map to switch
    assert not window.fill_action.isEnabled() and not window.show_arrows_action.isEnabled()
    type_formula(window, qtbot, "x^2 + y^2")
    assert window.fill_action.isEnabled() and window.show_arrows_action.isEnabled()


def test_critical_points_are_marked_counted_and_drawn_in_exports(make_main_window, qtbot) -> None:
    """C marks where ∇f = 0 in both views, on maps and curves, says what it marked; the image export draws them."""
    from gradviz.app.exporter import ExportOptions, render_image

    window = make_main_window("himmelblau")
    activate(window, qtbot)
    options = ExportOptions(kind="image", size=(480, 360), panels="contour", overlay=False)
    unmarked = render_image(window.session, options)
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert window.session.view.critical_points and window.critical_action.isChecked()
    assert window.statusBar().currentMessage() == "Marked 4 minima, a maximum and 4 saddle points: where ∇f = 0."
    marks = window.contour_view.critical_points.points
    assert sorted(kind for _x, _y, kind, _kink in marks) == ["maximum", *["minimum"] * 4, *["saddle"] * 4]
    assert np.abs(render_image(window.session, options).astype(int) - unmarked).mean() > 0.5
    window.session.set_analysis(analyze("L(w1, w2) = abs(w1) + abs(w2)"))  # a new formula gets its count, by its name
    assert window.statusBar().currentMessage() == "Marked a minimum: at a kink of L, where ∇L is undefined."

    type_formula(window, qtbot, "x^4 - 3.4x^2 + 0.5x")  # a curve: its points at their drawn heights
    presenter = window.contour_presenter
    points = window.session.critical_points().points
    assert [kind for _w, _height, kind, _kink in window.contour_view.critical_points.points] == [
        "minimum", "maximum", "minimum"]
    drawn = presenter.scale.forward(np.array([point.value for point in points]))
    assert np.allclose([height for _w, height, _kind, _kink in window.contour_view.critical_points.points], drawn)

    type_formula(window, qtbot, "sin(10x) sin(10y)")  # too many to mark: none, and the status bar says so
    assert window.contour_view.critical_points.points == []
    assert window.statusBar().currentMessage() == ("Critical points not marked: there are too many here to find one "
                                                   "by one. Narrow the plotted ranges.")
    type_formula(window, qtbot, "x^2 - y^2")
    assert window.contour_view.critical_points.points == [(0.0, 0.0, "saddle", False)]
    window.surface_view.render_to_array(*SHOT)  # the 3D view marks it too, on the surface
    assert len(window.surface_view.drawn_critical_points) == 1 and window.surface_view.drawn_critical_names == (
        "saddle",)
    window.critical_action.trigger()
    assert window.contour_view.critical_points.points == [] and not window.critical_action.isChecked()


def test_kinks_of_f_are_marked_or_said_to_be_unsearched(make_main_window, qtbot) -> None:
    """abs(x − 2y) + 3abs(x + y) marked nothing ("too many here"); abs(x − y) said ∇f = 0 nowhere, and no more."""
    window = make_main_window("himmelblau")
    activate(window, qtbot)
    type_formula(window, qtbot, "abs(x - 2y) + 3abs(x + y)")
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert window.statusBar().currentMessage() == "Marked a minimum: at a kink of f, where ∇f is undefined."
    assert window.contour_view.critical_points.kinds() == ["minimum"]
    qtbot.keyClick(window, Qt.Key.Key_C)
    type_formula(window, qtbot, "abs(x) - abs(y)")  # a saddle where the kinks cross: it marked nothing
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert window.statusBar().currentMessage() == "Marked a saddle point: at a kink of f, where ∇f is undefined."
    contour = window.contour_view.critical_points
    assert contour.points == [(0.0, 0.0, "saddle", True)]  # named as one in both views, as the status bar says
    transform = contour.deviceTransform(window.contour_view.viewportTransform())
    assert [text for text, _box, _colour in contour.label_placer(transform).tags] == ["saddle (kink)"]
    window.surface_view.render_to_array(*SHOT)
    assert window.surface_view.drawn_critical_names == ("saddle (kink)",)
    qtbot.keyClick(window, Qt.Key.Key_C)
    type_formula(window, qtbot, "abs(x - y)")
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert window.statusBar().currentMessage() == (
        "No critical points in the plotted ranges: ∇f = 0 nowhere here. Minima, maxima and saddles at kinks of f, "
        "where ∇f is undefined, were not looked for: too many places to try.")


def test_a_diverged_run_past_a_critical_point_keeps_its_names_placed_quickly(make_main_window, monkeypatch,
                                                                           qtbot) -> None:
    """A wrong-sign run from beside x² − y²'s saddle leaves in steps billions of pixels long: the names' placement
    covered each whole step with boxes (up to most of a minute, or out of memory), now only what is on the map."""
    import gradviz.app.contour_view as contour_module

    window = make_main_window("saddle-trap")
    session, view = window.session, window.contour_view
    session.set_view(critical_points=True)
    session.set_start({"x": 0.2, "y": 0.0})
    session.update_run(0, lr=1e5, sign="wrong", max_steps=2)
    session.wait_for_runs()
    assert abs(session.runs[0].run.steps[-1].point[0]) > 1e4  # millions of pixels off the map
    session.set_step(session.last_step)
    qtbot.wait(20)
    made: list[int] = []
    monkeypatch.setattr(contour_module, "segment_boxes",
                        lambda *args: made.append(len(boxes := segment_boxes(*args))) or boxes)
    view.critical_points._placed = None  # as a zoom, a pan or a resize makes it place the names again
    view.critical_points.update()
    view.viewport().repaint()
    assert made and sum(made) <= 200


def test_a_formula_that_overflows_at_the_rim_and_a_probe_far_off_draw_without_warnings(make_main_window,
                                                                                           qtbot) -> None:
    """exp(1000x) runs past the largest float beside the map's finite part; a probe pinned 1e100 away puts the 3D
    overlay's vertices past single precision. Both printed overflow warnings (errors in this suite)."""
    window = make_main_window("bowl")
    window.session.set_analysis(analyze("exp(1000x) + y"))
    window.repaint()
    window.session.set_analysis(analyze("x^2 + y^2"))
    window.session.set_probe({"x": 1e100, "y": 0.0})
    window.surface_view.render_to_array(*SHOT)
    window.repaint()
    assert not window.surface_view.probe_item.marker_shown()


def test_a_slider_reached_with_tab_moves_by_its_keys_and_a_dragged_one_leaves_them_to_the_run(make_main_window,
                                                                                               qtbot) -> None:
    """→ on a focused η slider stepped the run instead (the window's shortcut won); PgUp went back a step."""
    window = make_main_window("three-variables")
    activate(window, qtbot)
    session, slider = window.session, window.stepper.lr_slider
    held_slider = window.formula_panel._fixed_widgets["z"][0]
    window.formula_panel.formula_edit.setFocus(Qt.FocusReason.OtherFocusReason)
    for moved in (slider, held_slider):
        tab_to(moved)
        value, step = moved.value(), session.step
        qtbot.keyClick(moved, Qt.Key.Key_Right)
        qtbot.keyClick(moved, Qt.Key.Key_PageUp)
        assert moved.value() > value and session.step == step
        qtbot.keyClick(moved, Qt.Key.Key_Home)
        assert moved.value() == moved.minimum()
    assert session.runs[0].spec.lr == pytest.approx(1e-4)  # the η slider's left end
    window.setFocus()
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=slider.rect().center())
    assert not slider.hasFocus(), "a click leaves the keys to the window"
    step = session.step
    qtbot.keyClick(window, Qt.Key.Key_Right)  # a clicker's next
    assert session.step == step + 1


def test_basins_colour_each_start_by_where_descent_ends(make_main_window, qtbot) -> None:
    """W colours the starts by where run 1's descent ends, computed between the window's events; a new η or
    optimizer finds them again; the image export draws them."""
    from dataclasses import replace

    from gradviz.app.colormaps import BASIN_COLOURS
    from gradviz.app.exporter import ExportOptions, render_image

    window = make_main_window("double-well")
    activate(window, qtbot)
    session, view = window.session, window.contour_view
    options = ExportOptions(kind="image", size=(480, 360), panels="contour", overlay=False)
    plain = render_image(session, options)
    qtbot.keyClick(window, Qt.Key.Key_W)
    assert session.view.basins and window.basins_action.isChecked() and window.basins_keeper.busy
    window.basins_keeper.wait()
    assert window.statusBar().currentMessage() == "Where descent from each start ends: 2 minima (52%, 48%)."
    assert view.basins_image.isVisible() and len(view.basins_legend.rows) == 3
    image = view.render_to_array(view.width(), view.height())
    for x, colour in ((-1.5, BASIN_COLOURS[0]), (1.5, BASIN_COLOURS[1])):  # the band under the curve, each side
        low = view._domain_range[1][0]
        point = view.data_to_widget(x, low + 0.02 * (view._domain_range[1][1] - low))
        patch = image[round(point.y()) - 1:round(point.y()) + 2, round(point.x()) - 1:round(point.x()) + 2]
        assert colour_distance(patch, colour).min() < 40
    assert np.abs(render_image(session, options).astype(int) - plain).mean() > 0.3

    session.set_runs([replace(spec, lr=0.12) for spec in session.run_specs])  # the band shown was η = 0.02's
    assert not view.basins_image.isVisible() and window.basins_keeper.busy
    window.basins_keeper.wait()
    assert view.basins_image.isVisible() and view.basins_legend.rows[0].text == "each start's end, η\u00a0=\u00a00.12"
    session.set_runs([replace(spec, optimizer="newton") for spec in session.run_specs])
    window.basins_keeper.wait()
    assert not view.basins_image.isVisible()
    assert window.statusBar().currentMessage() == ("No basins: Newton's method solves each step with its point's own "
                                                   "Hessian, not for many starts at once.")
    window.basins_action.trigger()
    assert not session.view.basins and session.basins() is None and not window.basins_keeper.busy


def test_a_long_status_message_ends_at_a_whole_word_and_its_tooltip_has_it_all(make_main_window) -> None:
    """The l1-penalty preset's description ran past the window's edge and was cut mid-word ("without cor")."""
    from gradviz.core.presets import find_preset

    window = make_main_window(None, size=(1280, 720))
    window.open_preset(find_preset("l1-penalty"))
    bar = window.statusBar()
    description = find_preset("l1-penalty").description
    shown = bar.currentMessage()
    assert shown.endswith(" …") and description.startswith(shown.removesuffix(" …") + " ")
    assert bar.fontMetrics().horizontalAdvance(shown) <= bar.message_width() and bar.toolTip() == description
    window.resize(3000, 720)  # room for it all
    QApplication.processEvents()
    assert bar.currentMessage() == description and bar.toolTip() == ""
    bar.showMessage("Short.", 4000)
    assert bar.currentMessage() == "Short." and bar.toolTip() == ""


def test_a_status_message_shown_before_the_window_is_fitted_beside_the_widgets_right_of_it(qtbot) -> None:
    """The first launch's preset description was fitted to the whole bar, the widgets right of it (the size grip,
    the hover readout) not yet placed, and was cut mid-word at them ("no lower bound: star")."""
    from gradviz.app.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window, before_close_func=lambda shown: shown.document.forget_changes())
    window.open_preset(find_preset("cubic-mixed"))
    window.controller.wait()
    window.hover_label.setText("x = 1.234, y = −0.5678   f = 12.345   ∇f = (1.2345, −6.789)")
    window.resize(1366, 700)
    window.show()
    qtbot.waitExposed(window)
    bar = window.statusBar()
    qtbot.waitUntil(lambda: window.hover_label.x() > bar.width() // 2, timeout=3000)
    shown = bar.currentMessage()
    assert shown.endswith(" …") and find_preset("cubic-mixed").description.startswith(shown.removesuffix(" …"))
    assert bar.fontMetrics().horizontalAdvance(shown) <= window.hover_label.x() - 2 - 6


def test_a_range_whose_start_is_not_below_its_end_is_refused_and_marked_until_put_right(make_main_window) -> None:
    window = make_main_window("bowl")
    panel, session = window.formula_panel, window.session
    low, high = session.plot.ranges["x"]
    panel.low_boxes[0].setValue(high + 1.0)  # typed first, before the end: not a range yet
    assert session.plot.ranges["x"] == (low, high)
    assert window.statusBar().full_message().startswith(f"x from {format_number(high + 1.0)} to")
    assert "stays from" in window.statusBar().full_message()
    assert all(box.styleSheet() and box.toolTip() for box in (panel.low_boxes[0], panel.high_boxes[0]))
    panel.high_boxes[0].setValue(high + 5.0)  # the end put right: the range the two boxes say
    assert session.plot.ranges["x"] == (high + 1.0, high + 5.0)
    assert not any(box.styleSheet() or box.toolTip() for box in (panel.low_boxes[0], panel.high_boxes[0]))


def test_a_range_or_held_value_refused_names_its_variable_as_the_panel_does(make_main_window, qtbot) -> None:
    """w₁'s range refused was named 'w1 from 2 to 1 is not a range', and w₃'s held value 'w3 held at', where the range
    boxes and the axes said w₁."""
    window = make_main_window("shifted-bowl")
    panel, session = window.formula_panel, window.session
    kept_low, kept_high = (format_number(end) for end in session.plot.ranges["w1"])
    type_into(qtbot, panel.high_boxes[0], "-1e11")  # below its start: not a range
    assert window.statusBar().full_message() == (f"w₁ from {kept_low} to −1e11 is not a range: its start must be "
                                                 f"below its end (w₁ stays from {kept_low} to {kept_high}).")
    assert panel.high_boxes[0].toolTip().startswith("w₁ is not a range")
    window.open_scenario(replace(session.scenario(), formula="L(w1, w2, w3) = w1^2 + w2^2 + w3^2"), wait=True)
    labels = [label.text() for label in panel.held_values.findChildren(QLabel) if label.isVisible()]
    assert "w₃ held at" in labels
    type_into(qtbot, panel._fixed_widgets["w3"][1], "1e13")
    assert window.statusBar().full_message() == (f"w₃ held at 1e13 was not used: the box takes numbers from −1e12 to "
                                                 f"1e12 (w₃ stays at {format_number(session.fixed['w3'])}).")


def test_the_hover_readout_critical_points_and_a_run_refused_name_variables_as_the_panel_does(make_main_window
                                                                                                ) -> None:
    """The hover readout said 'w1 = …, w2 = …', a run refused 'change the held values (w3 = 1)' and the critical
    points 'of the slice w3 = 1: where ∂L/∂w1 = ∂L/∂w2 = 0', where the axes and the boxes say w₁."""
    window = make_main_window("shifted-bowl")
    session = window.session
    window.open_scenario(replace(session.scenario(), formula="L(w1, w2, w3) = w1^2 + w2^2 + 3w3^2"), wait=True)
    window.contour_view.hovered.emit(0.5, -0.25)
    assert window.hover_label.text().startswith("w₁ = 0.5, w₂ = −0.25   L = ")
    window.critical_action.trigger()
    held = format_number(session.fixed["w3"])
    assert window.statusBar().full_message() == f"Marked a minimum of the slice w₃ = {held}: where ∂L/∂w₁ = ∂L/∂w₂ = 0."
    window.open_scenario(replace(session.scenario(), formula="L(w1, w2, w3) = w1^2 + w2^2 + ln(w3 - 5)"), wait=True)
    assert f"or change the held values (w₃ = {format_number(session.fixed['w3'])})." in no_run_text(session, "to show")


@pytest.mark.parametrize(("row_box", "typed", "named", "why", "pasted"), [
    ("high", "1e13", "x from 0 to 1e13", "its ends must be numbers from −1e12 to 1e12", False),
    ("low", "-1e308", "x from −1e308 to 3", "its ends must be numbers from −1e12 to 1e12", False),
    ("high", "1.0000000000001e12", "x from 0 to 1000000000000.1", "its ends must be numbers from", False),  # named 1e12
    ("high", "9" * 400, "x from 0 to ∞", "its ends must be numbers from", False),  # past a float's largest, 1.8e308
    # pasted, as a person enters 10,000 digits: typed, each key had the box read all the text so far (half a minute)
    ("high", "9" * 10_000, "x from 0 to ∞", "its ends must be numbers from", True),
])
def test_a_number_a_range_box_cannot_take_is_put_back_saying_why(make_main_window, qtbot, row_box: str, typed: str,
                                                                  named: str, why: str, pasted: bool) -> None:
    """Typing 1e13 or −1e308 into a range box put the old value back without a word; 1e−320 was named 9.99989e−321."""
    window = make_main_window("bowl")
    panel, session = window.formula_panel, window.session
    session.set_range("x", 0.0, 3.0)
    box = panel.high_boxes[0] if row_box == "high" else panel.low_boxes[0]
    (paste_into if pasted else type_into)(qtbot, box, typed)
    message = window.statusBar().full_message()
    assert session.plot.ranges["x"] == (0.0, 3.0) and why in message and "x stays from 0 to 3" in message
    assert message.startswith(f"{named} is not a range")
    assert (panel.low_boxes[0].value(), panel.high_boxes[0].value()) == (0.0, 3.0)


def type_into(qtbot, box: QWidget, typed: str) -> None:
    """Type `typed` over a box's text and press Enter."""
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, typed)
    qtbot.keyClick(box, Qt.Key.Key_Return)


@pytest.mark.parametrize(("row_box", "pasted", "said"), [
    ("high", "1e-400", "x to 1e-400 was not used: 1e-400 is too small to tell from 0"),  # the range became 0 to 0
    ("low", "nan", "x from nan was not used: nan is not a number"),
    ("low", "-inf", "x from -inf was not used: -inf is not a finite number"),
])
def test_text_a_range_box_cannot_read_as_a_number_is_put_back_saying_why(make_main_window, qtbot, row_box: str,
                                                                        pasted: str, said: str) -> None:
    window = make_main_window("bowl")
    panel, session = window.formula_panel, window.session
    session.set_range("x", 0.0, 3.0)
    paste_into(qtbot, panel.high_boxes[0] if row_box == "high" else panel.low_boxes[0], pasted)
    assert window.statusBar().full_message() == f"{said} (x stays from 0 to 3)."
    assert session.plot.ranges["x"] == (0.0, 3.0)
    assert (panel.low_boxes[0].value(), panel.high_boxes[0].value()) == (0.0, 3.0)


def test_a_held_value_pasted_too_long_to_show_is_named_short_beside_why(make_main_window, qtbot) -> None:
    """A 10,000-digit number pasted: the status bar showed only 'z held at …', the reason past its end."""
    window = make_main_window("three-variables")
    window.session.set_fixed("z", 0.5)
    paste_into(qtbot, window.formula_panel._fixed_widgets["z"][1], "1." + "0" * 10_000 + "1e13")
    assert window.statusBar().full_message() == ("z held at 1.0000000000… was not used: the box takes numbers from "
                                                 "−1e12 to 1e12 (z stays at 0.5).")
    assert window.session.fixed["z"] == 0.5


def test_a_held_value_the_box_cannot_take_is_put_back_saying_why(make_main_window, qtbot) -> None:
    """z held at 1e13 typed: the box put the old value back without a word (and read it again rounded)."""
    window = make_main_window("three-variables")
    session = window.session
    session.set_fixed("z", 0.1234567891)
    box = window.formula_panel._fixed_widgets["z"][1]
    type_into(qtbot, box, "1e13")
    assert session.fixed["z"] == 0.1234567891 and box.text() == "0.1234568"
    assert window.statusBar().full_message() == ("z held at 1e13 was not used: the box takes numbers from −1e12 to "
                                                 "1e12 (z stays at 0.123457).")


@pytest.mark.parametrize(("row_box", "typed", "kept"), [("high", "1e-13", (-3.0, 1e-13)),
                                                        ("low", "-2.5e-300", (-2.5e-300, 3.0))])
def test_a_range_end_below_a_trillionth_is_kept_as_typed(make_main_window, qtbot, row_box: str, typed: str,
                                                         kept: tuple[float, float]) -> None:
    """x from −3 to 1e−13: the range took 1e−13 but its box showed 0 (its twelve decimals), and the next edit of the
    other end put 0 in the range."""
    window = make_main_window("bowl")
    panel, session = window.formula_panel, window.session
    session.set_range("x", -3.0 if row_box == "high" else 0.0, 3.0)
    box = panel.high_boxes[0] if row_box == "high" else panel.low_boxes[0]
    type_into(qtbot, box, typed)
    assert session.plot.ranges["x"] == kept and box.value() == float(typed) and box.text() == typed
    other, other_end = (panel.low_boxes[0], "-2") if row_box == "high" else (panel.high_boxes[0], "2")
    type_into(qtbot, other, other_end)
    assert float(typed) in session.plot.ranges["x"], "the other end edited: this one stays as typed"


def test_a_range_end_making_it_too_narrow_stays_typed_and_marked(make_main_window, qtbot) -> None:
    """x from 0 to 1e−320: as any number that makes no range, the box keeps it, marked, and the status bar says why."""
    window = make_main_window("bowl")
    panel, session = window.formula_panel, window.session
    session.set_range("x", 0.0, 3.0)
    type_into(qtbot, panel.high_boxes[0], "1e-320")
    message = window.statusBar().full_message()
    assert message.startswith("x from 0 to 1e−320 is not a range") and "too narrow" in message
    assert session.plot.ranges["x"] == (0.0, 3.0) and panel.high_boxes[0].text() == "1e-320"
    assert panel.high_boxes[0].styleSheet() and "not a range" in panel.high_boxes[0].toolTip()


def test_a_held_value_below_a_trillionth_is_kept_as_typed(make_main_window, qtbot) -> None:
    """z held at 1e−13 typed was put back: the box kept twelve decimals, which made it 0."""
    window = make_main_window("three-variables")
    box = window.formula_panel._fixed_widgets["z"][1]
    type_into(qtbot, box, "1e-13")
    assert window.session.fixed["z"] == 1e-13 and box.text() == "1e-13"


def test_a_range_too_narrow_to_tell_its_ends_apart_is_refused_and_marked(make_main_window) -> None:
    """x from 1e11 to 100000000000.001: both boxes read 1e11, the 3D view drew a flat black sheet."""
    window = make_main_window("bowl")
    panel, session = window.formula_panel, window.session
    panel.low_boxes[0].setValue(1e11)  # not a range yet: its end is below it
    panel.high_boxes[0].setValue(100000000000.001)
    assert session.plot.ranges["x"] == (-3.0, 3.0)
    assert "too narrow for numbers this size" in window.statusBar().full_message()
    assert all("too narrow" in box.toolTip() and box.styleSheet() for box in (panel.low_boxes[0], panel.high_boxes[0]))
    panel.high_boxes[0].setValue(1.00001e11)
    assert session.plot.ranges["x"] == (1e11, 1.00001e11)
    assert panel.low_boxes[0].text() != panel.high_boxes[0].text()


def test_a_hyper_parameter_box_shows_its_whole_range_and_the_run_s_own_value(make_main_window, qtbot) -> None:
    """One ▲ on Adam's β₂ (0.999) showed 1.0000, the run was refused (β₂ < 1) and the box kept showing 1.0000."""
    window = make_main_window("bowl")
    session, stepper = window.session, window.stepper
    session.update_run(0, optimizer="adam")
    session.wait_for_runs()
    box = stepper._parameter_boxes["beta2"]
    assert box.text() == "0.999"
    box.stepUp()  # as far as the box goes: 0.99999, which a run takes
    session.wait_for_runs()
    assert box.text() == "0.99999" and session.runs[0].spec.params["beta2"] == pytest.approx(0.99999)
    assert session.runs[0].run.steps, "the run ran"
    session.update_run(0, params={**session.runs[0].spec.params, "beta2": 0.95})
    session.wait_for_runs()
    assert box.text() == "0.95", "the box follows the run's value"


def test_a_hyper_parameter_the_box_cannot_take_is_put_back_saying_why(make_main_window, qtbot) -> None:
    """β₂ = 1.5 typed: the box put 0.999 back without a word, as the learning rate's box did not."""
    window = make_main_window("bowl")
    session, stepper = window.session, window.stepper
    session.update_run(0, optimizer="adam")
    session.wait_for_runs()
    params = session.run_specs[0].params
    type_into(qtbot, stepper._parameter_boxes["beta2"], "1.5")
    assert session.run_specs[0].params == params and stepper._parameter_boxes["beta2"].value() == 0.999
    assert window.statusBar().full_message() == ("β₂ = 1.5 was not used: the box takes numbers from 0 to 0.99999 "
                                                 "(it stays 0.999).")


def test_an_eta_the_box_cannot_take_is_put_back_and_said_why(make_main_window, qtbot) -> None:
    window = make_main_window("bowl")
    edit, lr = window.stepper.lr_edit, window.session.run_specs[0].lr
    for typed, leave, why in (("1e-13", "enter", "η is a number from 1e−12"), ("1e", "focus", "it is not a number")):
        edit.setFocus()
        edit.selectAll()
        qtbot.keyClicks(edit, typed)
        if leave == "enter":
            qtbot.keyClick(edit, Qt.Key.Key_Return)
        else:  # moving away (sent: a window without a window manager is not active, and gets no focus events)
            QApplication.sendEvent(edit, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason))
        assert edit.text() == f"{lr:g}" and window.session.run_specs[0].lr == lr, typed
        assert window.statusBar().full_message().startswith(f"η = {typed} was not used: {why}")
    for typed, why in (("-0.1", "η is positive: to step uphill, choose the wrong update sign (S) instead"),
                       ("0,05", "write the decimal point as a point (0.05)")):
        edit.setFocus()
        edit.selectAll()
        qtbot.keyClicks(edit, typed)
        assert edit.text() == typed, "the minus sign and the comma are not swallowed"
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        assert edit.text() == f"{lr:g}" and window.session.run_specs[0].lr == lr, typed
        assert window.statusBar().full_message() == f"η = {typed} was not used: {why} (it stays {lr:g})."
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "2.5e-3")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.session.run_specs[0].lr == 0.0025, "a negative exponent is fine"


def test_the_eta_box_reads_and_refuses_pasted_text_as_the_number_boxes_do(make_main_window, qtbot) -> None:
    """Pasted nan, inf, 0x10, 1_000 or " 0.05 " did nothing in the η box, and said nothing, as other boxes did not."""
    window = make_main_window("bowl")
    edit, session = window.stepper.lr_edit, window.session
    for pasted, taken in ((" 0.05 ", 0.05), ("1_000", 1000.0)):
        paste_into(qtbot, edit, pasted)
        assert session.run_specs[0].lr == taken, pasted
    lr = session.run_specs[0].lr
    for pasted, why in (("nan", "nan is not a number"), ("inf", "inf is not a finite number"),
                        ("0x10", "write it in decimals (16)"), ("1e-400", "1e-400 is too small to tell from 0")):
        paste_into(qtbot, edit, pasted)
        assert session.run_specs[0].lr == lr and edit.text() == f"{lr:g}", pasted
        assert window.statusBar().full_message() == f"η = {pasted} was not used: {why} (it stays {lr:g})."


def test_the_budget_box_shows_a_budget_of_none_or_one_step_as_it_is(make_main_window) -> None:
    window = make_main_window("bowl")
    box, session = window.stepper.budget_box, window.session
    for budget, text in ((0, "budget 0 steps"), (1, "budget 1 step"), (25, "budget 25 steps")):
        session.update_run(0, max_steps=budget)
        session.wait_for_runs()
        assert (box.value(), box.text(), session.last_step) == (budget, text, budget)
    box.setValue(0)  # typed: the start alone
    session.wait_for_runs()
    assert session.run_specs[0].max_steps == 0 and session.last_step == 0


def test_the_budget_and_speed_boxes_say_why_they_cannot_take_what_is_typed(make_main_window, qtbot) -> None:
    """A letter typed into the step budget or the speed was swallowed without a word, as the number boxes' were."""
    window = make_main_window("bowl")
    box, session, bar = window.stepper.budget_box, window.session, window.statusBar()
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "6a")
    assert box.text() == "budget 6a steps" and bar.full_message() == ("step budget = 6a cannot be used: it is not a "
                                                                        "number; Enter keeps 60.")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.text() == "budget 60 steps" and session.run_specs[0].max_steps == 60
    assert bar.full_message() == "step budget = 6a was not used: it is not a number (it stays 60)."
    type_into(qtbot, box, "2.5")
    assert box.text() == "budget 60 steps" and bar.full_message() == (
        "step budget = 2.5 was not used: the box takes whole numbers from 0 to 100000 (it stays 60).")
    type_into(qtbot, box, "1e3")
    session.wait_for_runs()
    assert session.run_specs[0].max_steps == 1000 and box.text() == "budget 1000 steps" and bar.full_message() == ""
    speed = window.stepper.speed_box
    type_into(qtbot, speed, "fast")
    assert speed.value() == 8 and speed.text() == "8 steps/s"
    assert bar.full_message() == "speed = fast was not used: it is not a number (it stays 8)."


def test_the_speed_box_takes_no_part_of_a_number_as_it_is_typed(make_main_window, qtbot) -> None:
    """Speed 8 typed 1/10 became 1 on the way (1000 became 100, 5x 5): the box took each number typed so far, and
    said it stayed at that."""
    window = make_main_window("bowl")
    speed, bar, timer = window.stepper.speed_box, window.statusBar(), window.stepper.timer
    changes: list[float] = []
    speed.valueChanged.connect(changes.append)
    for typed, why in (("1/10", "the box takes numbers from 0.5 to 120"), ("1000", "the box takes numbers from 0.5 to "
                                                                                   "120"),
                       ("12,5", "write the decimal point as a point (12.5)")):
        type_into(qtbot, speed, typed)
        assert speed.value() == 8 and speed.text() == "8 steps/s" and timer.interval() == 125, typed
        assert bar.full_message() == f"speed = {typed} was not used: {why} (it stays 8).", typed
    speed.setFocus()
    speed.selectAll()
    qtbot.keyClicks(speed, "5x")
    assert speed.value() == 8 and timer.interval() == 125
    assert bar.full_message() == "speed = 5x cannot be used: it is not a number; Enter keeps 8."
    qtbot.keyClick(speed, Qt.Key.Key_Backspace)
    assert speed.value() == 8 and changes == [], "5 is taken on Enter, not as it is typed"
    qtbot.keyClick(speed, Qt.Key.Key_Return)
    assert speed.value() == 5 and timer.interval() == 200 and changes == [5]


def test_the_basins_legend_names_the_bowls_minimum_at_0_0_and_places_as_the_readouts_write_them(make_main_window,
                                                                                                  qtbot) -> None:
    """On the bowl the legend read "min (−6.11e−23, 9.81e−8)", the rounding where the runs stopped, and Himmelblau's
    minima to 3 digits, (−2.81, 3.13), where the probe panel writes −2.80512 and 3.13131."""
    window = make_main_window("bowl")
    activate(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_W)
    window.basins_keeper.wait()
    assert [row.text for row in window.contour_view.basins_legend.rows if row.colour is not None] == ["min (0, 0)"]
    window.open_scenario(find_preset("himmelblau").scenario, wait=True)
    assert not window.session.view.basins  # the example opens as it was saved, without them
    qtbot.keyClick(window, Qt.Key.Key_W)
    window.basins_keeper.wait()
    places = [row.text for row in window.contour_view.basins_legend.rows if row.colour is not None]
    assert "min (3, 2)" in places and "min (−2.80512, 3.13131)" in places, places


def test_copying_a_picture_waits_for_the_basins_behind_a_dialog_that_can_cancel(make_main_window, qtbot,
                                                                                  monkeypatch) -> None:
    """Copy picture found the basins at once when the window had not yet: the window froze for seconds."""
    from PySide6.QtWidgets import QProgressDialog

    from gradviz.app.export_dialog import copy_picture_from
    from gradviz.app.exporter import ExportOptions

    window = make_main_window("himmelblau")
    session, keeper = window.session, window.basins_keeper
    monkeypatch.setattr("gradviz.app.export_dialog.remembered_options", lambda kind, log: ExportOptions(
        kind="image", size=(320, 240), panels="contour", overlay=False))
    session.set_view(basins=True)
    assert keeper.busy and session.basins() is None
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    QApplication.clipboard().clear()
    copy_picture_from(window)
    assert window.statusBar().currentMessage() == "Cancelled copying the picture: the basins were still being found."
    assert QApplication.clipboard().image().isNull() and keeper.busy  # still on their way, in the window's slices
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: False)
    copy_picture_from(window)
    qtbot.waitUntil(lambda: not QApplication.clipboard().image().isNull(), timeout=30_000)
    assert not keeper.busy and session.basins() is not None and not session.basins().refusal
    assert QApplication.clipboard().image().size().toTuple() == (320, 240)


def test_no_floor_tick_label_sits_at_the_foot_of_the_height_axis(make_main_window, monkeypatch) -> None:
    """Two-weight-loss: w₁'s "−1" stood right under L's 20, 40, 60, reading as a height of −1."""
    from gradviz.app import surface_view

    drawn: list[tuple[str, float, float]] = []
    original = surface_view.TextPlacer.draw

    def recording(self, font, x, y, text, *args, **kwargs):
        shown = original(self, font, x, y, text, *args, **kwargs)
        if shown:
            drawn.append((text, x, y))
        return shown

    monkeypatch.setattr(surface_view.TextPlacer, "draw", recording)
    window = make_main_window("two-weight-loss")
    view = window.surface_view
    view.render_to_array(view.width(), view.height())
    heights = [(x, y) for text, x, y in drawn if text in {t for _, t in view.axis_labels.z_ticks}]
    floor_ticks = {text for _, text in (*view.axis_labels.x_ticks, *view.axis_labels.y_ticks)}
    floor = [(x, y) for text, x, y in drawn if text in floor_ticks]
    assert heights and floor
    lowest = max(heights, key=lambda point: point[1])  # the height label nearest the floor
    assert min(math.hypot(x - lowest[0], y - lowest[1]) for x, y in floor) > 45.0  # "−1" was 39 pixels from "20"


def test_a_presets_description_leaves_the_status_bar_when_another_formula_is_shown(make_main_window) -> None:
    """A lesson opened right after start-up showed x² + 3y under the start-up example's description."""
    from gradviz.core.presets import find_preset

    window = make_main_window(None)
    window.open_preset(find_preset("cubic-mixed"))
    window.controller.wait()
    assert window.statusBar().full_message() == find_preset("cubic-mixed").description  # its own formula: kept
    window.open_scenario(find_preset("plane-x2-3y").scenario, wait=True)
    assert window.statusBar().currentMessage() == ""
    window.statusBar().showMessage("Something else.", 4000)
    window.open_scenario(find_preset("bowl").scenario, wait=True)
    assert window.statusBar().currentMessage() == "Something else."  # other messages stay their time


def test_a_larger_presentation_scale_fits_the_readout_again_without_cutting_a_number(make_main_window, qtbot) -> None:
    """After Ctrl+= the readout kept its lines fitted to the smaller font: the label cut them at 'η = 0.0' (0.01)."""
    from gradviz.app.runs_panel import start_point_specs

    window = make_main_window("himmelblau", size=(1280, 720))
    session, readout = window.session, window.stepper.readout
    session.set_runs(start_point_specs(session, 0)[:3])
    session.wait_for_runs()
    for scale in (1.6, 2.0, 2.4):
        session.set_presentation_scale(scale)
        qtbot.wait(10)
        lines = readout.plain_text().splitlines()
        assert max(readout.fontMetrics().horizontalAdvance(line) for line in lines) < readout.width(), scale
        assert all(line.endswith((" …", f"η = {format_number(result.spec.lr)}"))
                   for line, result in zip(lines, session.runs, strict=True)), lines


def test_the_readout_and_runs_panel_call_the_function_by_its_name(make_main_window) -> None:
    """L(w₁, w₂): the readout said 'converged at step 1 (|∇f| = 0 …)' beside ∇L and |∇L|."""
    window = make_main_window("shifted-bowl")  # L(w1, w2) = (w1 − 3)² + (w2 + 1)²
    session = window.session
    session.update_run(0, max_steps=500)
    session.wait_for_runs()
    session.set_step(session.last_step)
    assert session.runs[0].run.stop_reason == "converged" and "|∇f|" in session.runs[0].run.message
    assert "|∇L| = " in window.stepper.readout.plain_text() and "∇f" not in window.stepper.readout.plain_text()


def test_many_partials_go_into_columns_and_leave_the_views_their_room(make_main_window, qtbot) -> None:
    """Seven variables stacked eight equations high: the views kept 195 of 768 pixels."""
    window = make_main_window("bowl", size=(1366, 768))
    area = window.formula_panel.equations_area
    type_formula(window, qtbot, "x^2 + y^2 + z^2")  # f, then its three partials in a row under it
    in_two_lines = area.sizeHint().height()
    type_formula(window, qtbot, "a*x + b*y + c*z + x^2 + d*y^2")
    label = window.formula_panel.derivatives_label
    assert len(label.row_spans()) <= 4, "seven partials in three rows at most"
    assert area.sizeHint().height() <= in_two_lines * 2.5, "f and three rows of partials, not eight equations"
    assert label.text().count("∂") == 2 * 7, "every partial, once"


def test_a_kinks_partials_show_as_cases_in_the_height_of_a_partials_fraction(make_main_window, qtbot) -> None:
    """max's partials read {1 if x > y; 0 otherwise} on one line: now a tall brace with a row per case, as high as
    the ∂f/∂x beside it, so the panel leaves the views the room it did."""
    window = make_main_window("bowl")
    area = window.formula_panel.equations_area
    with_fractions = area.sizeHint().height()
    type_formula(window, qtbot, "max(x, y)")
    assert window.formula_panel.derivatives_label.text().count('rowspan="2"') == 2
    assert window.formula_panel.derivatives_label.plain_text().count("otherwise") == 2
    assert with_fractions <= area.sizeHint().height() <= with_fractions + 6


@pytest.mark.parametrize(("preset", "width"),
                         [("cubic-mixed", 1093), ("three-variables", 1093), ("three-variables", 1280)])
def test_f_and_a_row_of_its_partials_leave_the_range_controls_to_set_the_panel_height(make_main_window, qtbot,
                                                                                      preset: str, width: int) -> None:
    """The equations stacked f and each partial: three variables took 203 of 475 pixels on a 1093 × 560 window,
    with a wide gap between the equations and the range controls. The held z's row beside the range controls leaves
    the row of three partials too little room there: they are stacked under f, ∂f/∂x written on the line to fit."""
    window = make_main_window(preset, size=(width, 560))
    qtbot.wait(100)  # the held values' row is in place
    panel = window.formula_panel
    in_a_row = laid_out_equations(window.session.analysis.equations, partials_in_a_row=True)
    if preset == "three-variables" and width < 1280:
        on_the_line = with_labels_on_the_line(window.session.analysis, window.session.analysis.equations)
        assert panel.derivatives_label.text() == laid_out_equations(on_the_line)
        assert panel.derivatives_label.unwrapped_width(in_a_row) > panel.equations_area.viewport().width()
        assert panel.equations_area.content_height() <= panel.equations_area.viewport().height()
        return
    assert panel.equations_area.sizeHint().height() <= panel.domain_widget.sizeHint().height()
    assert panel.derivatives_label.text() == laid_out_equations(window.session.analysis.equations,
                                                                partials_in_a_row=True)
    assert panel.equations_area.y() == panel.domain_widget.y(), "the equations at the top beside the range controls"
    assert panel.height() <= panel.editor_row.height() + panel.domain_widget.height() + 20


def test_values_near_the_largest_float_are_drawn_without_overflowing(make_main_window) -> None:
    """Heights and slopes about 1e304 overflowed in the colour table, the arrows' lengths and the level lines' check
    (warnings here are errors): a product of fourteen 20th powers reaches them."""
    window = make_main_window("bowl")
    formula = "*".join(f"(x + {i}y + {i})^20" for i in range(1, 15))
    window.session.set_analysis(analyze(formula, timeout=30.0))
    assert np.nanmax(window.session.field.values) > 1e300
    for view in (window.surface_view, window.contour_view):
        assert view.grab().width() > 0


def test_the_views_get_most_of_a_small_laptop_window_and_a_drag_hides_no_panel(make_main_window, qtbot) -> None:
    """1366 × 768 at 125 % (a 1093 × 560 window): the views had 177 of the 475 pixels between the bars, 131 with three
    variables; dragging a handle to give them more did nothing, or hid the formula panel or the stepper whole."""
    window = make_main_window("cubic-mixed", size=(1093, 560))
    splitter, panel, stepper = window.main_splitter, window.formula_panel, window.stepper
    qtbot.wait(50)
    assert window.view_splitter.height() >= 240  # the readout keeps a line for the run's stop message
    for pane in (panel, stepper):
        assert pane.height() == pane.sizeHint().height(), "the panels take the height they ask for, no more"
    window.open_scenario(find_preset("three-variables").scenario, wait=True)
    qtbot.waitUntil(lambda: window.view_splitter.height() >= 230, timeout=3000)
    assert panel.height() == panel.sizeHint().height()

    height = panel.height()
    # partials too wide for a row, and too high beside the range controls even with ∂f/∂x on the line
    type_formula(window, qtbot, "sin(3x) cos(2y) exp(-x^2 - y^2) / (1 + x^2 + y^2)")
    area = panel.equations_area
    qtbot.waitUntil(area.verticalScrollBar().isVisible, timeout=3000)
    assert panel.height() == height, "taller equations scroll in the same room"
    assert area.content_height() > area.viewport().height()
    splitter.moveSplitter(0, 1)  # the handle under the formula panel dragged to the top
    qtbot.wait(20)
    assert panel.height() == panel.minimumSizeHint().height() > 0 and panel.formula_edit.isVisible()
    assert area.verticalScrollBar().isVisible(), "the equations scroll"
    splitter.moveSplitter(splitter.height(), 2)  # the handle over the stepper dragged to the bottom
    qtbot.wait(20)
    assert stepper.height() >= stepper.sizeHint().height() and stepper.play_button.isVisible()
    assert splitter.sizes()[2] > 0


def test_equations_laid_out_before_the_window_shows_are_given_their_height(qtbot) -> None:
    """A preset opened at launch, then the window fitted to a laptop's screen: the partials stacked, but the
    equations kept the height of one row, and ∂f/∂y was cut off."""
    from gradviz.app.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window, before_close_func=lambda shown: shown.document.forget_changes())
    window.resize(1600, 1000)
    window.open_scenario(find_preset("himmelblau").scenario, wait=True)
    window.resize(1229, 691)
    window.show()
    qtbot.waitExposed(window)
    area = window.formula_panel.equations_area
    qtbot.waitUntil(lambda: area.height() >= area.widget().sizeHint().height())
    window.stepper.set_playing(False)


def test_a_run_that_cannot_start_says_why_in_the_readout(make_main_window) -> None:
    """ln(xy) from (2.5, −1.5): the readout went blank; only the status bar said why, for eight seconds."""
    from gradviz.core.analysis import analyze_in_process

    window = make_main_window("bowl")
    window.session.set_analysis(analyze_in_process("log(x*y)"))
    window.session.wait_for_runs()
    readout = window.stepper.readout
    assert window.session.runs == () and "No run to show: it cannot start from (x, y) = (2.5, −1.5)" in readout.text()
    assert "f is undefined there, outside its domain" in readout.plain_text()
    assert "Click the contour map" in readout.plain_text()
    window.session.set_start({"x": 1.0, "y": 1.0})
    window.session.wait_for_runs()
    assert "No run" not in readout.plain_text() and "step 0" in readout.plain_text()


SWITCHED_PRESETS = ("bowl", "three-variables", "l1-penalty", "beale", "six-hump-camel", "himmelblau", "double-well")


@pytest.mark.parametrize("size", [(1280, 800), (1600, 1000)])
def test_the_views_keep_their_height_from_one_preset_to_the_next(make_main_window, qtbot, size) -> None:
    """Stacked partials, cases, abs's notes or a held z made the formula panel taller: at 1280 × 800 the views were
    407 to 505 pixels high across the gallery, and jumped as a lecturer switched presets."""
    window = make_main_window("bowl", size=size)
    heights = {}
    for preset in SWITCHED_PRESETS:
        window.open_scenario(find_preset(preset).scenario, wait=True)
        qtbot.wait(40)
        heights[preset] = (window.surface_view.height(), window.contour_view.height())
    assert max(heights.values())[0] - min(heights.values())[0] <= 3, heights
    assert max(heights.values())[1] - min(heights.values())[1] <= 3, heights
    area = window.formula_panel.equations_area
    window.open_scenario(find_preset("l1-penalty").scenario, wait=True)
    qtbot.wait(40)
    if area.content_height() > area.viewport().height():
        assert area.verticalScrollBar().isVisible(), "what does not fit scrolls into view"


def test_taller_equations_are_drawn_smaller_to_fit_and_simple_ones_at_full_size(make_main_window, qtbot) -> None:
    """Beside the range controls, equations taller than those are drawn smaller, to the notes' size at least."""
    window = make_main_window("bowl", size=(1280, 800))
    panel = window.formula_panel
    label, area = panel.derivatives_label, panel.equations_area
    assert label.text_font().pointSizeF() == pytest.approx(label.font().pointSizeF()), "the bowl at full size"
    assert area.content_height() <= area.viewport().height()
    window.open_scenario(find_preset("six-hump-camel").scenario, wait=True)  # its partials stacked at full size
    qtbot.wait(40)
    assert label.text_font().pointSizeF() < label.font().pointSizeF()
    assert label.text_font().pointSizeF() >= panel.notes_label.font().pointSizeF() - 0.01
    assert area.content_height() <= area.viewport().height() or area.verticalScrollBar().isVisible()


def test_beales_three_equations_fit_beside_the_range_controls_of_a_1280_by_720_window(make_main_window,
                                                                                     qtbot) -> None:
    """Beale's ∂f/∂y was behind the equations' scroll bar at 1280 × 720: at the notes' size its three rows, two as
    high as a stacked ∂f/∂x, took 96 pixels beside the range controls' 80. ∂f/∂x is written on the line then."""
    from gradviz.core.notation import partial_label

    window = make_main_window("beale", size=(1280, 720))
    panel = window.formula_panel
    area, label = panel.equations_area, panel.derivatives_label
    qtbot.wait(40)
    assert not area.verticalScrollBar().isVisible() and not area.horizontalScrollBar().isVisible()
    assert area.content_height() <= area.viewport().height()
    text = label.text()
    assert partial_label("f", "y", "inline-html") in text and partial_label("f", "y", "html") not in text
    rows = ink_line_bands(area.viewport().grab().toImage())
    assert len(rows) == 3, "f, ∂f/∂x and ∂f/∂y in sight, each on its line"
    assert rows[-1][1] < area.viewport().height() - 1 and max(right for *_rows, right in rows) < area.viewport().width()
    assert label.text_font().pointSizeF() >= panel.notes_label.font().pointSizeF() - 0.01

    window.open_scenario(find_preset("bowl-at-1-2").scenario, wait=True)  # short: as ever, ∂f/∂x stacked, full size
    qtbot.wait(40)
    assert partial_label("f", "x", "html") in label.text()
    assert label.text_font().pointSizeF() == pytest.approx(label.font().pointSizeF())


def test_notes_past_the_equations_area_show_whole_lines_only(make_main_window, qtbot) -> None:
    """The l1 penalty's second note showed its top half above the scroll bar at 1280 × 800 (its two notes fit now
    that its partials are written on one line each: a power undefined for w₁ < 0 adds a note on top)."""
    window = make_main_window("l1-penalty", size=(1280, 800))
    window.session.set_analysis(analyze("(5 - w1 - 2w2)^2 + 3abs(w1) + 3abs(w2) + 0.1w1^1.5"))
    qtbot.wait(40)
    area = window.formula_panel.equations_area
    notes = area.notes
    assert area.content_height() > area.viewport().height(), "the notes run past the area here"
    line = notes.fontMetrics().lineSpacing()
    notes_in_sight = area.viewport().height() - notes.mapTo(area.widget(), QPoint(0, 0)).y()
    assert notes_in_sight >= line and notes_in_sight % line == 0, "the first note whole, and no part of a line"
    assert area.verticalScrollBar().isVisible()


def test_equations_past_the_area_show_whole_rows_only(make_main_window, qtbot) -> None:
    """max(x, 2y, 1 − x) + (x − y)²'s ∂f/∂y showed the top of its brace above the bottom edge at 1280 × 800; ended
    where that row began, the area showed the tops of the powers on its first line."""
    window = make_main_window("bowl", size=(1280, 800))
    window.session.set_analysis(analyze("max(x, 2y, 1 - x) + (x - y)^2"))
    qtbot.wait(60)
    area = window.formula_panel.equations_area
    assert area.content_height() > area.viewport().height(), "the equations run past the area here"
    top = area.label.mapTo(area.widget(), QPoint(0, 0)).y()
    rows = [(top + start, top + end) for start, end in area.label.row_spans()]
    sight = area.viewport().height()
    room = sight + area.viewportMargins().bottom()  # the area's height; the view ends a little above it
    first_cut = next(row for row in rows if row[1] > room)
    last_whole = rows[rows.index(first_cut) - 1]
    assert sight == math.ceil(last_whole[1]), ("the area ends under the last row it holds whole", rows, sight)
    assert rows.index(first_cut) >= 2, "f and ∂f/∂x whole above it"
    assert area.verticalScrollBar().isVisible()
    assert all(top <= last_whole[1] for top, _bottom, _right in ink_line_bands(area.viewport().grab().toImage())), (
        "no ink of the row cut off")


def test_held_values_sit_beside_the_ranges_not_under_them(make_main_window, qtbot) -> None:
    """z's slider under the grid row made the panel a row taller for three variables; a fourth held value starts a
    column of its own after three."""
    window = make_main_window("three-variables", size=(1280, 800))
    qtbot.wait(40)
    panel = window.formula_panel
    slider, _spin = panel._fixed_widgets["z"]
    assert slider.isVisible() and slider.geometry().bottom() <= panel.domain_widget.height()
    assert slider.mapTo(panel, QPoint(0, 0)).x() > panel.resolution_box.mapTo(panel, QPoint(0, 0)).x()
    height = panel.domain_widget.height()
    window.session.set_analysis(analyze("a + b + c + d + x^2 + y^2"))
    qtbot.wait(200)  # laid out in full: three rows of held values' boxes made the panel a pixel taller a moment later
    assert list(panel._fixed_widgets) == ["a", "b", "c", "d"]
    assert panel.domain_widget.height() == height, "four held values in two columns of three rows at most"


def in_panel(widget: QWidget, panel: QWidget) -> QRect:
    """A widget's rectangle in the panel's coordinates."""
    return QRect(widget.mapTo(panel, QPoint(0, 0)), widget.size())


@pytest.mark.parametrize(("size", "formula", "held_lines"), [
    ((1280, 800), "(y - w1 x1 - w2 x2 - b)^2", 1),
    ((1280, 720), "(y - w1 x1 - w2 x2)^2", 1),
    ((1280, 800), "(y - w1 x1 - w2 x2 - w3 x3)^2", 2),
])
def test_many_held_values_take_a_row_of_their_own_and_leave_the_equations_the_width(
        make_main_window, qtbot, size: tuple[int, int], formula: str, held_lines: int) -> None:
    """The tutorials' model loss at 1280 × 800: four held values' sliders beside the range controls left the
    equations 160 pixels, "f(w₁, w₂, b, y, x₁, x₂) = (y" and scroll bars, no partial in sight (341 pixels and f
    alone for three held values at 1280 × 720); five held values' partials were named "too long to show here"."""
    window = make_main_window("bowl", size=size)
    panel = window.formula_panel
    area, label = panel.equations_area, panel.derivatives_label
    height = panel.height()
    type_formula(window, qtbot, formula)
    qtbot.wait(100)
    slider_tops = set()
    for slider, box in panel._fixed_widgets.values():
        assert slider.isVisible() and in_panel(slider, panel).top() > in_panel(area, panel).bottom(), "under them"
        assert slider.width() >= HELD_SLIDER_LEAST and in_panel(box, panel).right() < panel.width()
        slider_tops.add(in_panel(slider, panel).top())
    assert len(slider_tops) == held_lines
    assert panel.height() == panel.sizeHint().height() == height + panel.layout().spacing() + panel.held_values.height()
    assert area.width() > panel.width() // 2, "the equations have the width the range controls leave"

    assert not area.horizontalScrollBar().isVisible()
    plain = label.plain_text()
    assert "too long" not in plain and plain.index("∂f/∂w1") < plain.index("∂f/∂", plain.index("∂f/∂w1") + 1)
    bands = ink_line_bands(area.viewport().grab().toImage())
    assert len(bands) >= 4, "f and three rows of partials, ∂f/∂w₁'s first, in sight"
    assert max(right for *_rows, right in bands) < area.viewport().width() - 1
    if held_lines == 1:
        assert not area.verticalScrollBar().isVisible() and area.content_height() <= area.viewport().height()
    else:
        assert area.verticalScrollBar().isVisible(), "the last row scrolls into view"


def test_held_values_beside_the_ranges_narrow_their_sliders_where_that_leaves_the_equations_room(
        make_main_window, qtbot) -> None:
    """The one-input model's loss (y − wx − b)² at 1280 × 720: x's and y's sliders beside the range controls left
    its four partials 349 pixels, 21 too few, and a scroll bar under them; narrower, they leave the room, and the
    panel its height."""
    window = make_main_window("bowl", size=(1280, 720))
    panel = window.formula_panel
    area = panel.equations_area
    height = panel.height()
    type_formula(window, qtbot, "(y - w x - b)^2")
    qtbot.wait(100)
    assert panel.height() == height
    for slider, _box in panel._fixed_widgets.values():
        assert slider.width() == HELD_SLIDER_LEAST
        assert in_panel(slider, panel).left() > in_panel(panel.resolution_box, panel).right(), "beside the ranges"
    assert not area.horizontalScrollBar().isVisible() and not area.verticalScrollBar().isVisible()
    bands = ink_line_bands(area.viewport().grab().toImage())
    assert len(bands) == 3 and max(right for *_rows, right in bands) < area.viewport().width() - 1, (
        "f, then its partials in two rows of two, whole")


def test_held_values_in_their_own_row_stay_as_they_move_and_hide_while_presenting(make_main_window, qtbot) -> None:
    """The row of held values follows the equations, not the notes: a held value that leaves f undefined
    everywhere adds a note under the equations, and the views stay as they are; presenting hides the row with the
    range controls."""
    window = make_main_window("bowl", size=(1280, 800))
    panel = window.formula_panel
    type_formula(window, qtbot, "(y - w1 x1 - w2 x2 - b)^2 + ln(b)")
    qtbot.wait(100)
    heights = (panel.height(), window.surface_view.height(), window.contour_view.height())
    below = in_panel(panel.equations_area, panel).bottom()
    assert in_panel(panel.held_values, panel).top() > below
    slider = panel._fixed_widgets["b"][0]
    slider.setValue(slider.minimum())  # b held at −3: ln(b) has no value anywhere
    qtbot.waitUntil(panel.notes_label.isVisible, timeout=3000)
    qtbot.wait(100)
    assert window.session.fixed["b"] < 0
    assert (panel.height(), window.surface_view.height(), window.contour_view.height()) == heights
    assert in_panel(panel.held_values, panel).top() > below
    window.presentation.enter()
    qtbot.waitUntil(lambda: not panel.held_values.isVisible(), timeout=3000)
    window.presentation.leave()
    qtbot.waitUntil(panel.held_values.isVisible, timeout=3000)
    qtbot.wait(100)
    assert in_panel(panel.held_values, panel).top() > in_panel(panel.equations_area, panel).bottom()


@pytest.mark.parametrize(("preset", "formula", "scrolls"), [
    ("beale", None, False),  # f, ∂f/∂x on two lines, ∂f/∂y
    ("bowl", "sin(3x) cos(2y) exp(-x^2 - y^2) + x^3 y^2", True),  # the same, ∂f/∂y's second line scrolled to
])
def test_long_equations_break_between_terms_in_a_small_laptop_window(make_main_window, qtbot, preset: str,
                                                                     formula: str | None, scrolls: bool) -> None:
    """At 1093 × 560 Beale's ∂f/∂x, and sin(3x)cos(2y)exp(−x² − y²) + x³y²'s, ran past the panel's right edge, to be
    read by scrolling sideways: now they break before a term, the further line right of ' = '."""
    window = make_main_window(preset, size=(1093, 560))
    if formula is not None:
        type_formula(window, qtbot, formula)
    qtbot.wait(100)
    area = window.formula_panel.equations_area
    assert not area.horizontalScrollBar().isVisible()
    image = area.viewport().grab().toImage()
    bands, lefts = ink_line_bands(image), ink_line_lefts(image)
    assert len(bands) == 4 and max(right for *_rows, right in bands) < area.viewport().width() - 1
    assert lefts[2] > lefts[1] + 20, "∂f/∂x's second line starts under ' = ', right of ∂f/∂x"
    assert area.verticalScrollBar().isVisible() == scrolls


def test_equal_aspect_on_a_much_wider_domain_keeps_the_map_and_says_why_the_scales_differ(make_main_window) -> None:
    """x from −10 to 10 and y from −1 to 1 at equal aspect left a strip 30 px high where the min's name, the ∇f tag
    and the legend piled up, its colour bar a line; now the map keeps its room and its legend says why."""
    from gradviz.app.contour_view import EQUAL_ASPECT_DROPPED

    window = make_main_window("bowl", size=(1280, 800))
    session, view = window.session, window.contour_view
    session.set_range("x", -10.0, 10.0)
    session.set_range("y", -1.0, 1.0)
    session.set_view(equal_aspect=True)
    view.grab()
    frame = view.view_box.sceneBoundingRect()
    assert view.aspect_dropped and not view.view_box.state["aspectLocked"]
    assert frame.height() > 0.6 * view.height(), "the map, not a strip"
    legend = " ".join(view.probe_text.legend_texts)
    assert EQUAL_ASPECT_DROPPED.text in legend or EQUAL_ASPECT_DROPPED.short in legend
    session.set_range("y", -5.0, 5.0)  # twice as wide as high: equal aspect fits
    view.grab()
    frame = view.view_box.sceneBoundingRect()
    assert not view.aspect_dropped and view.view_box.state["aspectLocked"] == 1.0
    assert frame.width() == pytest.approx(2 * frame.height(), rel=0.03)
    assert not any(EQUAL_ASPECT_DROPPED.short in text for text in view.probe_text.legend_texts)


@pytest.mark.parametrize("pasted_length", [100_000, 150_000])
def test_a_long_paste_is_refused_with_its_real_length_or_said_to_be_cut(make_main_window, qtbot,
                                                                        pasted_length: int) -> None:
    """The box cut a 100,000-character paste at 32,767 characters, and the refusal then gave that length."""
    window = make_main_window("bowl")
    panel = window.formula_panel
    QApplication.clipboard().setText(("x+" * pasted_length)[:pasted_length])
    panel.formula_edit.clear()
    panel.formula_edit.paste()
    panel._formula_entered()
    window.controller.wait()
    qtbot.wait(20)
    shown = QTextDocument()
    shown.setHtml(panel.error_label.text())
    plain = shown.toPlainText()
    kept = min(pasted_length, FORMULA_BOX_MAX_CHARS)
    assert len(panel.formula_edit.text()) == kept
    assert f"the formula is too long ({kept} characters" in plain
    assert ("a longer paste was cut there" in plain) == (pasted_length >= FORMULA_BOX_MAX_CHARS)


def test_equations_too_long_to_lay_out_quickly_are_named_with_their_length(make_main_window) -> None:
    """Laying out 38 KB of nested atan's partials stalled the window 0.9 s. The limit, 5 KB, shows the tutorials'
    model loss with five held values (4.7 KB); thirty |x − ky|³ terms (5.1 KB) are past it."""
    window = make_main_window("bowl")
    window.session.set_analysis(analyze(" + ".join(f"|x - {k}y|^3" for k in range(30))))
    plain = window.formula_panel.derivatives_label.plain_text()
    assert plain.strip().replace("\n", "").startswith("f(x, y) = |x|3 + |x − y|3")  # f's line broken at a term
    assert "∂f/∂x is too long to show here (" in plain and "∂f/∂y is too long to show here (" in plain
    assert "gradviz derive" in plain


def test_every_gallery_formula_shows_its_equations_whole() -> None:
    from gradviz.app.formula_panel import equations_to_show
    from gradviz.core.presets import all_presets

    for preset in all_presets():
        analysis = analyze(preset.scenario.formula)
        assert equations_to_show(analysis) == analysis.equations, preset.id


def test_a_formula_of_eight_variables_lays_the_equations_out_for_its_held_values_at_once(make_main_window,
                                                                                      qtbot) -> None:
    """Its six held values' sliders and boxes showed one by one, each laying the window out again: the equations
    beside them were laid out anew for each of seven narrower widths. Now for two at most: the held values' rows in
    place, then the central area's new placing of the panel."""
    window = make_main_window("rosenbrock", size=(1280, 720))
    panel = window.formula_panel
    widths: list[int] = []
    panel.equations_area.room_changed.connect(lambda: widths.append(panel.equations_area.width()))
    window.session.set_analysis(analyze(" + ".join(f"x{i}^2" for i in range(1, 9))))
    qtbot.wait(200)
    held = [panel.held_grid.itemAt(index).widget() for index in range(panel.held_grid.count())]
    assert len(held) == 18 and all(widget.isVisible() for widget in held)  # x3 … x8: a name, a slider, a box each
    assert len(set(widths)) <= 2, widths


def test_the_hover_readout_follows_a_new_formula_under_a_still_pointer(make_main_window, qtbot) -> None:
    """Hovered at (−1, 1) on cubic-mixed, the readout kept that formula's f and ∇f through the scenes opened after it
    while the mouse stayed put; it is the new formula's at the pointer now, and gone once the pointer left the map."""
    window = make_main_window("cubic-mixed")
    view = window.contour_view
    position = view.data_to_widget(-1.0, 1.0)
    QCursor.setPos(view.viewport().mapToGlobal(position.toPoint()))
    QApplication.sendEvent(view.viewport(), QMouseEvent(QEvent.Type.MouseMove, position, view.viewport().mapToGlobal(
        position), Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
    assert window.hover_label.text().startswith("x = −")
    assert "∇f = (−4" in window.hover_label.text()
    window.open_scenario(replace(window.session.scenario(), formula="f(x, y) = x + 10y"), wait=True)
    assert window.hover_label.text().endswith("∇f = (1, 10)")
    QCursor.setPos(window.formula_panel.mapToGlobal(window.formula_panel.rect().center()))
    qtbot.waitUntil(lambda: view.pointer_point() is None, timeout=3000)
    window.open_scenario(find_preset("booth").scenario, wait=True)
    assert window.hover_label.text() == ""


def test_the_hover_readout_goes_as_the_pointer_leaves_the_map(make_main_window, monkeypatch) -> None:
    """Moved off the map, onto its axes or out of the view, the pointer left the readout of the last point it was
    over, as if it were still there."""
    import pyqtgraph as pg

    monkeypatch.setitem(pg.CONFIG_OPTIONS, "mouseRateLimit", 0)  # the map's scene drops moves that come too often
    window = make_main_window("cubic-mixed")
    QCursor.setPos(window.mapToGlobal(QPoint(window.width() + 200, window.height() + 200)))  # the moves are these
    view = window.contour_view
    viewport = view.viewport()
    label = window.hover_label

    def move_to(position: QPointF) -> None:
        QApplication.sendEvent(viewport, QMouseEvent(QEvent.Type.MouseMove, position, viewport.mapToGlobal(position),
                                                     Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                                                     Qt.KeyboardModifier.NoModifier))

    move_to(view.data_to_widget(-1.0, 1.0))
    assert label.text().startswith("x = −1")
    move_to(QPointF(4.0, viewport.height() / 2))  # on the y axis's labels
    assert label.text() == ""
    move_to(view.data_to_widget(0.5, 0.5))
    assert label.text().startswith("x = 0.5")
    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))  # out of the view
    assert label.text() == ""


def test_what_the_status_bar_said_of_critical_points_goes_with_them(make_main_window, qtbot) -> None:
    """"Marked a saddle point: where ∇f = 0." stayed in the status bar over Booth and Himmelblau opened after it,
    which mark none."""
    window = make_main_window("cubic-mixed")
    window.open_scenario(replace(window.session.scenario(), formula="f(x, y) = x^2 - y^2"), wait=True)
    window.critical_action.trigger()
    assert window.statusBar().full_message() == "Marked a saddle point: where ∇f = 0."
    for preset in ("booth", "himmelblau"):
        window.open_scenario(find_preset(preset).scenario, wait=True)
        assert not window.session.view.critical_points
        assert window.statusBar().full_message() == "", preset
    window.critical_action.trigger()  # marked again, then taken away with C: so is their count
    assert window.statusBar().full_message().startswith("Marked 4 minima")
    window.statusBar().showMessage("Saved lecture.mp4")  # another's message stays
    window.critical_action.trigger()
    assert window.statusBar().full_message() == "Saved lecture.mp4"


def test_the_resolution_box_counts_a_curves_points_not_a_grid(make_main_window, qtbot) -> None:
    """One-variable formulas, drawn as a curve through 200 points, said "grid 200 × 200" in the formula panel."""
    window = make_main_window("cubic-mixed")
    panel, session = window.formula_panel, window.session
    assert (panel._grid_word.text(), panel.resolution_box.currentText()) == ("grid", "200 × 200")
    for formula in ("log(x)", "x^3 - 3x"):
        type_formula(window, qtbot, formula)
        assert session.plot.axes == ("x",) and session.field.xs.size == session.plot.resolution == 200
        assert (panel._grid_word.text(), panel.resolution_box.currentText()) == ("curve", "200 points")
    assert panel.resolution_box.itemText(0) == "50 points"
    window.open_scenario(find_preset("booth").scenario, wait=True)
    assert (panel._grid_word.text(), panel.resolution_box.currentText()) == ("grid", "200 × 200")


def test_the_gradient_tag_with_no_room_at_the_tip_goes_whole_beside_the_point(make_main_window) -> None:
    """With the default preset's map 500 px wide the ∇f tip stands by the map's top edge, between ∂f/∂y's tag and the
    colour bar: its tag was cut to "∇f", with room for it whole on the other side of the point."""
    window = make_main_window("cubic-mixed", size=(1400, 900))
    window.view_splitter.setSizes([sum(window.view_splitter.sizes()) - 500, 500])
    view, text = window.contour_view, window.contour_view.probe_text
    plot = drawn_map_plot(window)
    assert text.tag_texts[0] == "∇f = (10, 14)"
    point = to_device(text.deviceTransform(view.viewportTransform()), np.array([[1.0, 2.0]]))[0]
    tag = text.tag_boxes[0]
    assert plot.contains(tag) and tag.top() > point[1]  # under the point, away from the arrow going up
    assert not any(tag.intersects(other) for other in text.tag_boxes[1:])
