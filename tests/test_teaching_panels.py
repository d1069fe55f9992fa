"""The teaching panels in the window: probe, worked update, step table, loss plot, runs side by side, η guidance."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from polylines import blended_pixels
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QTabBar

from gradviz.app.loss_plot import loss_curves
from gradviz.app.panel_base import WRONG_SIGN_COLOUR, OpaqueGridAxis, PanelPlot, opaque_over
from gradviz.app.presenters import run_colour
from gradviz.app.probe_panel import check_table
from gradviz.app.stepper_panel import lr_to_slider
from gradviz.app.teaching_docks import (
    DOCK_LEAST,
    DOCK_ORDER,
    DOCK_TITLES,
    SHORT_TITLES_BELOW,
    VIEW_LEAST,
    TeachingDocks,
    dock_column_width,
    install_teaching_docks,
    share_dock_column,
)
from gradviz.app.view_common import qimage_to_array
from gradviz.core.analysis import analyze, analyze_in_process
from gradviz.core.errors import GradvizError
from gradviz.core.lessons import shipped_lessons
from gradviz.core.notation import NO_BREAK_SPACE, format_number
from gradviz.core.probe import probe_at
from gradviz.core.runs import run_titles
from gradviz.core.scenario import RunSpec
from gradviz.core.step_table import from_csv, step_table


@pytest.fixture
def open_window(make_main_window):
    """A 1600×1000 window showing a preset, with its teaching docks."""

    def make(preset: str):
        window = make_main_window(preset, size=(1600, 1000))
        docks = window.teaching_docks if hasattr(window, "teaching_docks") else install_teaching_docks(window)
        return window, docks

    return make


def seen(docks: TeachingDocks, dock_name: str, panel, qtbot) -> None:
    """Bring a panel's dock to the front and wait until it shows the session as it is."""
    docks.show_panel(dock_name)
    qtbot.waitUntil(panel.is_current, timeout=3000)


def test_probe_panel_shows_the_core_values_and_tangent_slopes(open_window, qtbot) -> None:
    for preset, partials, labels in (("cubic-mixed", (10.0, 14.0), ("∂f/∂x", "∂f/∂y")),
                                     ("two-weight-loss", (-4.0, -8.0), ("∂L/∂w₁", "∂L/∂w₂"))):
        _window, docks = open_window(preset)
        panel = docks.probe_panel
        seen(docks, "probe_dock", panel, qtbot)
        assert panel.probe.axis_partials == pytest.approx(partials)
        rows = dict(panel.rows)
        assert [rows[label] for label in labels] == [f"{value:g}".replace("-", "−") for value in partials]
        assert all(check.agrees for check in panel.probe.checks)
        for plot, slope in zip(panel.slice_plots, partials, strict=True):
            xs, ys = plot.tangent.getData()
            assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(slope)


def test_the_gradient_check_says_kink_with_its_one_sided_slopes_instead_of_a_cross() -> None:
    """On max(x, y)'s crease the check marked both partials ✗: the central difference averages two slopes there."""
    probe = probe_at(analyze_in_process("max(x, y)").compiled, {"x": 1.0, "y": 1.0}, ("x", "y"))
    table = QTextDocument()
    table.setHtml(check_table(probe, "f"))
    text = table.toPlainText()
    assert "✗" not in text and text.count("kink: one-sided slopes 0 and 1") == 2
    missed = probe_at(analyze_in_process("sin(400000 pi x) + y").compiled, {"x": 0.0, "y": 0.0}, ("x", "y"))
    assert "✗" in check_table(missed, "f") and "kink" not in check_table(missed, "f")  # wiggles the steps all miss


def test_the_gradient_checks_step_stays_on_one_line(qapp) -> None:
    """In a narrow dock 'max(1, |v|)' broke after its first bar: 'max(1, |' on one line, 'v|)' on the next."""
    probe = probe_at(analyze_in_process("x^2 + y").compiled, {"x": 1.0, "y": 1.0}, ("x", "y"))
    document = QTextDocument()
    document.setHtml(check_table(probe, "f"))
    for width in range(200, 420, 7):  # the phrase alone is about 150 pixels wide
        document.setTextWidth(width)
        document.size()  # laid out
        block, lines = document.begin(), []
        while block.isValid():
            layout = block.layout()
            lines += [block.text()[line.textStart():line.textStart() + line.textLength()]
                      for line in map(layout.lineAt, range(layout.lineCount()))]
            block = block.next()
        assert any("max(1,\u00a0|\u2060v|)" in line for line in lines), (width, lines)


def check_cells(text: str) -> dict[str, list[str]]:
    """The gradient check's rows in its plain text, by partial: exact, estimate, difference and mark."""
    lines = text.splitlines()
    return {line: lines[index + 1:index + 4] for index, line in enumerate(lines) if line.startswith("∂")}


def test_the_gradient_check_shows_an_estimate_to_the_digits_it_has(open_window, qtbot) -> None:
    """At Himmelblau's minimum the estimate of ∂f/∂x is 1.1e−8, all of it the step's error: it showed as 1.079999024e−8
    beside the exact 0, which a student reads as a mismatch. Within its error of 0 it is 0."""
    window, docks = open_window("himmelblau")
    panel = docks.probe_panel
    window.session.set_probe({"x": 3.0, "y": 2.0})
    seen(docks, "probe_dock", panel, qtbot)
    estimates = [check.estimate for check in panel.probe.checks]
    assert estimates == [pytest.approx(1.08e-8, rel=1e-3), pytest.approx(3.2e-9, rel=1e-3)]  # as computed
    cells = check_cells(panel.check_label.plain_text())
    assert cells == {"∂f/∂x": ["0", "0", "0 ✓"], "∂f/∂y": ["0", "0", "0 ✓"]}
    window.session.set_probe({"x": 1.0, "y": 2.0})  # away from it the estimates have 9 digits, −36 and −32 to them
    qtbot.waitUntil(lambda: panel.probe.point["x"] == 1.0, timeout=3000)
    assert [check.estimate for check in panel.probe.checks] != [-36.0, -32.0]
    cells = check_cells(panel.check_label.plain_text())
    assert cells == {"∂f/∂x": ["−36", "−36", "0 ✓"], "∂f/∂y": ["−32", "−32", "0 ✓"]}


def test_the_gradient_check_rounds_away_the_steps_error_and_says_why_it_cannot_tell() -> None:
    """exp(300y)'s estimate 300.00045 is off by the step's error (|D(2h) − D(h)| = 0.00135): it shows as 300, ✓.
    sin(10⁵x) bends within h: its estimate 84147 could be off by 47000, and the check says it cannot tell."""
    steep = probe_at(analyze_in_process("exp(300y) + x").compiled, {"x": 0.0, "y": 0.0}, ("x", "y"))
    table = QTextDocument()
    table.setHtml(check_table(steep, "f"))
    assert check_cells(table.toPlainText())["∂f/∂y"] == ["300", "300", "0 ✓"]
    wiggly = probe_at(analyze_in_process("sin(100000x) + y").compiled, {"x": 0.0, "y": 0.0}, ("x", "y"))
    table.setHtml(check_table(wiggly, "f"))
    text = table.toPlainText()
    assert check_cells(text)["∂f/∂x"] == ["100000", "80000", "20000 ?"]
    assert "f bends so sharply within h" in text and "is so large" not in text
    large = probe_at(analyze_in_process("1e8 + x^2 + y").compiled, {"x": 0.001, "y": 0.0}, ("x", "y"))
    table.setHtml(check_table(large, "f"))
    assert "f is so large beside its change over 2h" in table.toPlainText()


@pytest.mark.parametrize(("text", "point", "partials"), [
    ("relu(x) - relu(-x) + y", {"x": 0.0, "y": 0.5}, ["1", "1"]),  # x + y: ∂f/∂x read 0, each relu's slope at 0
    ("max(x, y) - min(x, y) - abs(x - y)", {"x": 1.0, "y": 1.0}, ["0", "0"]),  # 0: it read (1, −1)
])
def test_where_kinks_cancel_the_probe_reads_the_slope_of_f_and_its_check_agrees(open_window, qtbot, text: str,
                                                                                point: dict[str, float],
                                                                                partials: list[str]) -> None:
    """On the kinks of terms that cancel, the probe read a partial unlike f's slope there, and its gradient check
    marked it ✗ against the central difference; the equations over it printed two sets of cases for one value."""
    window, docks = open_window("bowl")
    window.session.set_analysis(analyze(text))
    window.session.set_probe(point)
    panel = docks.probe_panel
    seen(docks, "probe_dock", panel, qtbot)
    rows = dict(panel.rows)
    assert [rows["∂f/∂x"], rows["∂f/∂y"]] == partials
    assert "✗" not in panel.check_label.plain_text() and "kink" not in panel.check_label.plain_text()
    equations = window.formula_panel.derivatives_label.plain_text()
    assert equations.split()[-8:] == ["∂f", "∂x", "=", partials[0], "∂f", "∂y", "=", partials[1]]


def test_a_partial_dwarfed_by_another_is_no_rounding_in_the_probe_panel(open_window, qtbot) -> None:
    """x¹⁰⁰ + y¹⁰⁰ at (2.5, 1.5) showed ∂f/∂y = 0, under 100y⁹⁹: its 2.7e19 is a trillionth of ∂f/∂x's 2.5e41,
    the size the floor of rounding was taken from for every partial."""
    window, docks = open_window("bowl")
    window.session.set_analysis(analyze("x^100 + y^100"))
    window.session.set_probe({"x": 2.5, "y": 1.5})
    panel = docks.probe_panel
    seen(docks, "probe_dock", panel, qtbot)
    rows = dict(panel.rows)
    assert [rows["∂f/∂x"], rows["∂f/∂y"]] == [format_number(100 * 2.5**99), format_number(100 * 1.5**99)]
    assert panel.probe.gradient["y"] == pytest.approx(2.7104e19, rel=1e-4)


def test_both_slices_show_without_scrolling_in_a_1280_by_720_window(make_main_window, qtbot) -> None:
    window = make_main_window("himmelblau", size=(1280, 720))
    docks = window.teaching_docks
    panel = docks.probe_panel
    seen(docks, "probe_dock", panel, qtbot)
    window.session.set_step(5)
    qtbot.waitUntil(panel.is_current, timeout=3000)
    scroller = next(area for area in window.findChildren(QScrollArea) if area.widget() is panel)
    for plot in panel.slice_plots:
        bottom = plot.mapTo(scroller.viewport(), QPoint(0, plot.height())).y()
        assert plot.isVisible() and bottom <= scroller.viewport().height()
        assert plot.plot.height() >= 60


def test_with_a_variable_held_the_probe_gives_the_whole_length_and_the_plotted_part(open_window, qtbot) -> None:
    """x² + 2y² + 3z² at (1, 1) with z = 1: |∇f| = |(2, 4, 6)|; its x, y part |(2, 4)|, the readout's length."""
    window, docks = open_window("three-variables")
    window.session.set_probe({"x": 1.0, "y": 1.0})
    panel = docks.probe_panel
    seen(docks, "probe_dock", panel, qtbot)
    rows = dict(panel.rows)
    assert rows["held"] == "z = 1"
    assert rows["|∇f|"] == format_number(float(np.sqrt(4 + 16 + 36)))
    assert rows["its x, y part"] == format_number(float(np.sqrt(4 + 16)))


def test_the_steepest_ascent_angle_wraps_as_a_whole_phrase() -> None:
    """At 1280 × 720 the row wrapped as '… −144° from the x' over a lone 'axis'."""
    from gradviz.app.probe_panel import probe_rows
    from gradviz.core.analysis import analyze_in_process
    from gradviz.core.probe import probe_at

    probe = probe_at(analyze_in_process("x^2 + y^2").compiled, {"x": 1.0, "y": 1.0}, ("x", "y"))
    assert dict(probe_rows(probe, "f"))["steepest ascent"] == "(0.707, 0.707), 45° from\u00a0the\u00a0x\u00a0axis"


def test_where_f_is_undefined_the_probe_says_so_under_its_point_without_gaps(open_window, qtbot) -> None:
    """sqrt(1 − x² − y²) at (2.5, −1.5): no slices to draw; the reason stays under the point, not spread apart."""
    window, docks = open_window("bowl")
    panel = docks.probe_panel
    seen(docks, "probe_dock", panel, qtbot)
    window.session.set_analysis(analyze("sqrt(1 - x^2 - y^2)"))
    qtbot.waitUntil(lambda: panel.is_current() and panel.probe is not None and not panel.probe.valid, timeout=3000)
    qtbot.wait(20)
    assert panel.rows[-1] == ("", "f is undefined at this point")
    assert not any(plot.isVisible() for plot in panel.slice_plots)
    label = panel.values_label
    assert label.y() + label.height() < 0.4 * panel.height(), "the rows sit under the modes and the hint"


def test_a_slice_across_a_pole_is_drawn_in_a_range_that_shows_the_rest(open_window, qtbot) -> None:
    """f(x, y0) of 1/x + y² runs off near x = 0; the plot's heights stay in a range where the point shows."""
    window, docks = open_window("bowl")
    window.session.set_analysis(analyze("1/x + y^2"))
    window.session.set_probe({"x": 1.5, "y": 0.5})
    panel = docks.probe_panel
    seen(docks, "probe_dock", panel, qtbot)
    low, high = panel.slice_plots[0].plot.getPlotItem().viewRange()[1]
    values = panel.slices[0].values
    assert np.nanmax(np.abs(values)) > 50, "the slice passes the pole"
    assert -10 < low < 0 < 1 / 1.5 + 0.25 < high < 15


def test_no_panel_draws_a_line_up_a_pole(open_window, qtbot) -> None:
    """tan(x) leaps from −∞ to ∞ at ±π/2: the map's curve and the probe's slice break there."""
    window, docks = open_window("bowl")
    window.session.set_analysis(analyze("tan(x)"))
    window.session.set_probe({"x": 0.5})
    panel = docks.probe_panel
    seen(docks, "probe_dock", panel, qtbot)
    for heights in (window.contour_view.curve.yData, panel.slice_plots[0].curve.yData):
        assert np.isnan(heights).sum() == 2, "one break at each pole in (−3, 3)"


def test_the_first_slice_shows_whole_under_the_values_in_a_1280_by_720_window(make_main_window, qtbot) -> None:
    """The slope's picture comes right under its numbers; the gradient check follows (scrolled to, if need be)."""
    window = make_main_window("rosenbrock", size=(1280, 720))
    panel = window.teaching_docks.probe_panel
    seen(window.teaching_docks, "probe_dock", panel, qtbot)
    qtbot.wait(50)
    scroll_area = panel.parentWidget()
    while not isinstance(scroll_area, QScrollArea):
        scroll_area = scroll_area.parentWidget()
    viewport = scroll_area.viewport()
    plot = panel.slice_plots[0]
    shown = QRect(plot.mapTo(viewport, QPoint(0, 0)), plot.size())
    assert viewport.rect().contains(shown)
    assert panel.values_label.y() < plot.y() < panel.check_label.y()


def test_probe_tables_keep_their_height_while_stepping_and_shrink_for_a_new_formula(make_main_window, qtbot) -> None:
    window = make_main_window("rosenbrock", size=(1280, 720))  # a narrow dock: a row wraps on some steps only
    panel = window.teaching_docks.probe_panel
    seen(window.teaching_docks, "probe_dock", panel, qtbot)
    heights, plot_sizes = set(), set()
    for _ in range(6):
        window.session.step_by(1)
        qtbot.waitUntil(panel.is_current, timeout=3000)
        qtbot.wait(10)
        heights.add(panel.values_label.height())
        plot_sizes.add(tuple(plot.plot.size().toTuple() for plot in panel.slice_plots))
    assert len(heights) == 1 and len(plot_sizes) == 1, "the panel and its plots stay put as the numbers change"
    tall = heights.pop()
    window.formula_panel.formula_edit.setText("x^2")
    window.controller.submit("x^2", immediately=True)
    window.controller.wait()
    qtbot.waitUntil(lambda: panel.is_current() and window.session.variables == ("x",), timeout=3000)
    qtbot.wait(10)
    assert panel.values_label.height() < tall  # fewer rows for one variable


def test_ctrl_click_pins_the_probe_and_the_mouse_mode_follows_the_pointer(open_window, qtbot) -> None:
    window, docks = open_window("bowl")
    start = dict(window.session.run_specs[0].start)
    view = window.contour_view
    target = view.data_to_widget(-1.0, 2.0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     QPoint(round(target.x()), round(target.y())))
    assert window.session.probe == pytest.approx({"x": -1.0, "y": 2.0}, abs=0.05)
    assert window.session.run_specs[0].start == start
    control = docks.probe_control
    assert control.pinned_action.isChecked()
    control.mouse_action.trigger()
    view.hovered.emit(0.5, -0.25)
    assert window.session.probe == {"x": 0.5, "y": -0.25}
    control.mouse_action.trigger()
    assert window.session.probe is None
    assert control.descent_action.isChecked()


def test_update_panel_works_the_step_out_and_marks_the_wrong_sign(open_window, qtbot) -> None:
    window, docks = open_window("two-weight-loss")
    panel = docks.update_panel
    seen(docks, "update_dock", panel, qtbot)
    assert "w₁ ← 1 − 0.1·(−4) = 1.4" in panel.text().splitlines()
    assert "<i>w</i><sub>1</sub> ← 1 − 0.1·(−4) = 1.4" in panel.equations.text()
    window.session.update_run(0, sign="wrong")
    qtbot.waitUntil(panel.is_current, timeout=3000)
    assert "w₁ ← 1 + 0.1·(−4) = 0.6" in panel.text().splitlines()
    assert "color:#b00020'>+</b> 0.1·(−4)" in panel.equations.text()


def test_a_converged_run_is_said_so_whole_in_the_readout_and_the_update_panel(open_window, qtbot) -> None:
    """'converged at step 58 (|∇f| = 8.6e−7 < 1e−6)' lost its '< 1e−6)': rich text took '<' for a tag."""
    window, docks = open_window("bowl")
    session, panel = window.session, docks.update_panel
    session.update_run(0, max_steps=500)
    session.set_step(session.last_step)
    message = session.runs[0].run.message
    assert message.startswith("converged at step") and "<" in message
    assert message in window.stepper.readout.plain_text()
    seen(docks, "update_dock", panel, qtbot)
    shown = QTextDocument()
    shown.setHtml(panel.heading.text())
    assert message in shown.toPlainText()


def test_step_table_rows_highlight_copy_and_save(open_window, qtbot, tmp_path) -> None:
    window, docks = open_window("elongated-bowl")
    panel = docks.step_table_panel
    window.session.set_step(7)
    seen(docks, "step_table_dock", panel, qtbot)
    run = window.session.runs[0].run
    assert panel.model.rowCount() == len(run.steps)
    assert panel.model.current_row == 7
    assert panel.model.data(panel.model.index(7, 1)) == format_number(run.steps[7].point[0])
    # rows 2 and 3 chosen through the selection model: selectRow follows the keyboard modifiers Qt last saw, which
    # another test in the same process may have left held (row 2 alone was then lost once)
    flags = panel.view.selectionModel().SelectionFlag
    panel.view.selectionModel().select(panel.model.index(2, 0), flags.ClearAndSelect | flags.Rows)
    panel.view.selectionModel().select(panel.model.index(3, 0), flags.Select | flags.Rows)
    panel.copy_action.trigger()
    copied = from_csv(QApplication.clipboard().text())
    assert copied.rows == step_table(window.session.runs[0]).rows[2:4]
    panel.save(tmp_path / "steps.md")
    assert (tmp_path / "steps.md").read_text(encoding="utf-8").startswith("| k | x | y | f |")
    with pytest.raises(GradvizError, match="suffix"):
        panel.save(tmp_path / "steps.txt")
    with pytest.raises(GradvizError, match="cannot"):
        panel.save(tmp_path / "missing" / "steps.csv")
    assert not panel.view.tabKeyNavigation(), "Tab leaves the table (it went from cell to cell, hundreds of them)"


def test_step_table_names_the_held_values(open_window, qtbot, tmp_path) -> None:
    window, docks = open_window("three-variables")
    panel = docks.step_table_panel
    seen(docks, "step_table_dock", panel, qtbot)
    assert panel.summary.text().endswith("; z = 1 held")
    window.session.set_fixed("z", -0.5)
    qtbot.waitUntil(lambda: panel.summary.text().endswith("; z = −0.5 held"), timeout=3000)
    panel.save(tmp_path / "steps.csv")
    saved = from_csv((tmp_path / "steps.csv").read_text(encoding="utf-8"))
    assert saved.held == (("z", -0.5),) and saved.rows == step_table(window.session.runs[0]).rows


def test_step_table_columns_fit_every_cell_of_a_long_run(open_window, qtbot) -> None:
    window, docks = open_window("rosenbrock")
    window.session.set_step(1200)  # the current row, in bold, has a four-digit k
    panel = docks.step_table_panel
    seen(docks, "step_table_dock", panel, qtbot)
    assert panel.model.rowCount() == len(window.session.runs[0].run.steps) > 1000
    header = panel.view.horizontalHeader()
    header.setResizeContentsPrecision(-1)  # Qt measures every row: slow, but the reference
    for column in range(panel.model.columnCount()):
        needed = max(panel.view.sizeHintForColumn(column), header.sectionSizeHint(column))
        assert needed <= panel.view.columnWidth(column) <= 1.15 * needed + 2  # room for bold text, no more


def test_the_loss_panel_fits_a_small_window_without_scrolling(make_main_window, qtbot) -> None:
    """At 1280×720 the panel asked for a 140-pixel plot, so its dock scrolled and hid the step axis's labels."""
    window = make_main_window("double-well", size=(1280, 720))  # two runs: a two-line legend
    docks = window.teaching_docks
    seen(docks, "loss_dock", docks.loss_plot, qtbot)
    scroll_area = docks.loss_plot.parentWidget()
    while not isinstance(scroll_area, QScrollArea):
        scroll_area = scroll_area.parentWidget()
    qtbot.waitUntil(lambda: scroll_area.widget().height() == scroll_area.viewport().height(), timeout=2000)
    assert scroll_area.verticalScrollBar().maximum() == 0
    plot = docks.loss_plot.plot
    bottom_axis = plot.getPlotItem().getAxis("bottom")
    axis_bottom = plot.mapTo(scroll_area.widget(), plot.mapFromScene(bottom_axis.sceneBoundingRect().bottomLeft()))
    assert axis_bottom.y() <= scroll_area.viewport().height()


@pytest.mark.parametrize("size", [(1100, 640), (1024, 600)])
def test_the_loss_plot_keeps_room_for_five_runs_marks_in_a_small_window(make_main_window, qtbot, size) -> None:
    """At 1100×640 five runs' readout lines squeezed the plotting area to 41 pixels and cut its marks: the probe's
    dock above, which scrolls anyway, now gives way."""
    from gradviz.app.loss_plot import least_plot_height

    window = make_main_window("himmelblau", size=size)
    docks = window.teaching_docks
    docks.runs_panel.quick_buttons["Different start points"].click()
    window.session.wait_for_runs()
    assert len(window.session.runs) == 5
    loss_plot = docks.loss_plot
    seen(docks, "loss_dock", loss_plot, qtbot)
    scroll_area = loss_plot.parentWidget().parentWidget()
    assert isinstance(scroll_area, QScrollArea)
    view_box = loss_plot.plot.getPlotItem().getViewBox()
    assert least_plot_height(5) == 90
    qtbot.waitUntil(lambda: view_box.boundingRect().height() >= least_plot_height(5), timeout=2000)
    # the legend of five runs wraps at the dock's width, and the dock above gives way after it
    qtbot.waitUntil(lambda: scroll_area.verticalScrollBar().maximum() == 0, timeout=2000)
    assert docks.docks["probe_dock"].height() > docks.docks["loss_dock"].height() / 2, "the probe keeps some room"
    marks = loss_plot.step_marks.scatter.data
    (x_low, x_high), (y_low, y_high) = view_box.viewRange()
    pixel_width, pixel_height = view_box.viewPixelSize()
    for x, y, mark in zip(marks["x"], marks["y"], marks["size"], strict=True):
        assert x_low <= x - mark / 2 * pixel_width and x + mark / 2 * pixel_width <= x_high, "each mark whole"
        assert y_low <= y - mark / 2 * pixel_height and y + mark / 2 * pixel_height <= y_high, "each mark whole"


def test_the_runs_panel_shows_its_buttons_in_a_small_window(make_main_window, qtbot) -> None:
    """At 1280×720 the panel's dock scrolled, with Remove run and Keep only this run below its fold."""
    window = make_main_window("double-well", size=(1280, 720))  # two runs, each with its outcome line
    docks = window.teaching_docks
    panel = docks.runs_panel
    docks.show_panel("runs_dock")
    qtbot.waitUntil(panel.isVisible, timeout=2000)
    scroll_area = panel.parentWidget()
    while not isinstance(scroll_area, QScrollArea):
        scroll_area = scroll_area.parentWidget()
    tree = panel.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2 and panel.height() == scroll_area.viewport().height(),
                    timeout=2000)  # the runs listed, in the dock's final height
    assert scroll_area.verticalScrollBar().maximum() == 0
    for button in (*panel.quick_buttons.values(), panel.remove_button, panel.keep_button):
        bottom = button.mapTo(panel, button.rect().bottomLeft()).y()
        assert button.isVisible() and bottom < scroll_area.viewport().height(), button.text()
    assert tree.visualItemRect(tree.topLevelItem(0).child(0)).bottom() < tree.viewport().height(), (
        "the first run's outcome line is in view")


def test_loss_plot_draws_every_run_and_says_why_f_below_0_stays_on_a_linear_scale(open_window, qtbot) -> None:
    """With log scale ticked, f ≤ 0 was drawn as log(f − min f + 1e−12): a plunge at the lowest step that f has not."""
    window, docks = open_window("saddle")
    docks.runs_panel.quick_buttons["Race optimizers"].click()
    plot = docks.loss_plot
    seen(docks, "loss_dock", plot, qtbot)
    assert len(plot.curves) == len(window.session.runs) == 3
    plot.log_box.setChecked(True)
    qtbot.waitUntil(plot.is_current, timeout=3000)
    lowest = min(float(np.nanmin(result.values)) for result in window.session.runs)
    assert lowest < 0
    assert f"log scale needs f &gt; 0: f reaches {format_number(lowest)}" in plot.caption.text()
    assert "linear scale" in plot.caption.text() and not plot.plot.getPlotItem().ctrl.logYCheck.isChecked()
    for curve, result in zip(plot.curves, window.session.runs, strict=True):  # f itself, below 0 too
        assert np.array_equal(curve.yData, result.values)
    low, high = plot.plot.getPlotItem().viewRange()[1]
    assert low < lowest and high > 0
    plot.log_box.setChecked(False)
    qtbot.waitUntil(plot.is_current, timeout=3000)
    assert "needs" not in plot.caption.text()
    assert plot.clock_line.value() == window.session.step
    window.session.set_runs(window.session.run_specs[:1])
    qtbot.waitUntil(plot.is_current, timeout=3000)
    drawn = [curve for curve in plot.curves if curve.isVisible()]
    assert len(drawn) == 1 and np.array_equal(drawn[0].yData, loss_curves(window.session.runs, "f", True).heights[0])


def test_the_panels_say_why_no_run_could_start_and_the_loss_plot_keeps_no_old_heights(open_window, qtbot) -> None:
    """sqrt(1 − x² − y²) from (2.5, −1.5): the run cannot start; the axis showed the previous formula's heights."""
    window, docks = open_window("rosenbrock")
    plot = docks.loss_plot
    seen(docks, "loss_dock", plot, qtbot)
    assert plot.plot.getPlotItem().viewRange()[1][1] > 5
    window.session.set_analysis(analyze("sqrt(1 - x^2 - y^2)"))
    window.session.set_start({"x": 2.5, "y": -1.5})
    window.session.wait_for_runs()
    qtbot.waitUntil(lambda: plot.is_current() and "no run" in plot.caption.text(), timeout=3000)
    low, high = plot.plot.getPlotItem().viewRange()[1]
    assert -0.1 < low < 0.0 and 1.0 < high < 1.1
    for dock, panel, label in (("update_dock", docks.update_panel, docks.update_panel.heading),
                               ("step_table_dock", docks.step_table_panel, docks.step_table_panel.summary)):
        seen(docks, dock, panel, qtbot)
        text = label.text()
        assert "No run" in text and "cannot start from" in text and "Click the contour map" in text, dock
    assert "cannot start from" in docks.runs_panel.count_label.toolTip()
    readout = window.stepper.readout
    assert "cannot start from" in readout.text()
    width = readout.width()
    window.resize(window.width() - 80, window.height())  # a new width fits the readout again: the why stays
    qtbot.waitUntil(lambda: readout.width() != width, timeout=3000)
    assert "cannot start from" in readout.text()
    assert not any(button.isEnabled() for button in docks.update_panel.copy_buttons)
    assert not any(control.isEnabled() for control in docks.step_table_panel.export_controls)
    window.session.set_start({"x": 0.5, "y": 0.25})
    window.session.wait_for_runs()
    qtbot.waitUntil(docks.step_table_panel.is_current, timeout=3000)
    assert window.session.run_refusal == "" and all(c.isEnabled() for c in docks.step_table_panel.export_controls)


def test_quick_comparisons_run_in_lockstep(open_window, qtbot) -> None:
    window, docks = open_window("elongated-bowl")
    session, buttons = window.session, docks.runs_panel.quick_buttons
    buttons["Add the wrong-sign twin"].click()
    assert [spec.sign for spec in session.run_specs] == ["correct", "wrong"]
    for text, count in (("Compare learning rates", 4), ("Race optimizers", 3), ("Different start points", 5)):
        buttons[text].click()
        assert len(session.runs) == count, text
        for step in (0, 9, 10_000):
            session.set_step(step)
            assert [session.step_state(i).step_index for i in range(count)] == [
                min(session.step, len(result.run.steps) - 1) for result in session.runs]
    assert docks.runs_panel.tree.topLevelItemCount() < 5, "behind the Loss panel's tab the list waits"
    docks.show_panel("runs_dock")
    qtbot.waitUntil(docks.runs_panel.is_current, timeout=3000)
    assert docks.runs_panel.tree.topLevelItemCount() == 5
    docks.selection.select(2)
    docks.runs_panel.remove_selected()
    assert len(session.runs) == 4


def test_learning_rate_guidance_marks_the_stability_limit(open_window) -> None:
    window, docks = open_window("elongated-bowl")
    guidance = docks.lr_guidance
    assert guidance.guidance.limit == pytest.approx(0.1)
    assert "stable below η = 0.1" in guidance.text()
    assert guidance.tick.position == lr_to_slider(0.1)
    window.session.update_run(0, lr=0.15)
    assert "#b00020" in guidance.text()
    for text, note in (("x^2 - 3y^2", "overshoots above η = 1"), ("-x^2 - y^2", "no η limit at this start"),
                       ("(5 - x - 2y)^2", "stable below η = 0.2")):
        window.session.set_analysis(analyze(text))
        assert note in guidance.text(), text
    window.session.update_run(0, sign="wrong")
    assert "wrong sign: uphill at any η" in guidance.text() and guidance.tick.position is None


def test_a_learning_rate_past_the_starts_limit_is_not_red_where_the_run_holds(open_window) -> None:
    """The Rosenbrock preset's own η = 0.001, past its start's 0.000956, showed in red while the run went down."""
    window, docks = open_window("rosenbrock")
    guidance = docks.lr_guidance
    assert window.session.runs[0].run.stop_reason != "diverged" and window.session.runs[0].spec.lr == 0.001
    assert "past the start's limit 0.000956" in guidance.text() and "#b00020" not in guidance.text()
    assert "yet this run goes down (f from 12.5 to 0.195057)" in guidance.toolTip()
    window.session.update_run(0, lr=0.003)  # lesson 6: this one diverges
    window.session.wait_for_runs()
    assert window.session.runs[0].run.stop_reason == "diverged"
    assert "#b00020" in guidance.text() and "stable below η = 0.000956" in guidance.text()


@pytest.mark.parametrize(("preset", "lr", "said"), [("shifted-bowl", 1.1, "is past it: f went from"),
                                                   ("shifted-bowl", 1.0, "is the limit itself"),  # bounces
                                                   ("elongated-bowl", 0.11, "is past it: f went from")])
def test_a_run_that_grows_or_bounces_within_its_budget_is_past_the_limit_in_red(open_window, preset, lr, said) -> None:
    """η = 1.1 on the shifted bowl reached L = 3.2e10 in its 60 steps and was said to hold ("does not diverge")."""
    window, docks = open_window(preset)
    window.session.update_run(0, lr=lr)
    window.session.wait_for_runs()
    assert window.session.runs[0].run.stop_reason != "diverged", "not yet past the divergence bound"
    guidance = docks.lr_guidance
    assert "#b00020" in guidance.text() and said in guidance.toolTip() and "f went from" in guidance.toolTip()


def test_a_run_that_drops_then_bounces_for_ever_does_not_hold(open_window) -> None:
    """log cosh x at η = 3 drops, then bounces between two points for ever: it was said to go down."""
    window, docks = open_window("bowl")
    window.session.set_analysis(analyze("log(cosh(x)) + 0.1y^2"))
    window.session.update_run(0, start={"x": 0.01, "y": 3.0}, lr=3.0)
    window.session.wait_for_runs()
    run = window.session.runs[0].run
    assert run.stop_reason != "diverged" and run.final_step.value < run.steps[0].value
    assert "#b00020" in docks.lr_guidance.text()


def test_learning_rates_are_compared_about_the_limit_only_where_it_applies(open_window) -> None:
    """Adam's runs were labelled "just below/above the limit 0.1", GD's limit, and all ran out of steps alike."""
    from gradviz.app.runs_panel import learning_rate_specs

    window, _docks = open_window("elongated-bowl")
    session = window.session
    for changes, about_the_limit in (({}, True), ({"optimizer": "adam"}, False), ({"sign": "wrong"}, False)):
        session.update_run(0, **{"optimizer": "gd", "sign": "correct", **changes})
        session.wait_for_runs()
        labels = [spec.label for spec in learning_rate_specs(session, 0)]
        assert any("the limit" in label for label in labels) == about_the_limit, (changes, labels)


def limit_tick_pixels(slider) -> int:
    """How many pixels of the slider, as drawn, are the stability limit's red."""
    pixels = qimage_to_array(slider.grab().toImage())[..., :3].astype(int)
    red = QColor(WRONG_SIGN_COLOUR)
    return int(np.all(np.abs(pixels - [red.red(), red.green(), red.blue()]) <= 40, axis=2).sum())


def test_the_limit_tick_is_drawn_only_where_there_is_a_limit(open_window, qtbot) -> None:
    window, docks = open_window("elongated-bowl")
    slider = window.stepper.lr_slider
    assert limit_tick_pixels(slider) >= slider.height() // 2
    window.session.set_analysis(analyze("-x^2 - y^2"))  # curving down everywhere: no limit
    qtbot.waitUntil(lambda: docks.lr_guidance.tick.position is None)
    assert limit_tick_pixels(slider) == 0
    window.session.set_analysis(analyze("x^2 + 5y^2"))
    qtbot.waitUntil(lambda: docks.lr_guidance.tick.position is not None)
    assert limit_tick_pixels(slider) >= slider.height() // 2


def test_a_new_stability_limit_leaves_the_learning_rate_slider_in_place(open_window, qtbot) -> None:
    window, docks = open_window("elongated-bowl")
    slider = window.stepper.lr_slider
    qtbot.wait(20)
    where = slider.geometry()
    for lr in (0.0001234, 0.15):  # a long limit note, then the red one in bold
        window.session.update_run(0, lr=lr)
        window.session.update_run(0, start={"x": 0.00123, "y": 1.5})
        qtbot.wait(20)
        assert slider.geometry() == where, docks.lr_guidance.text()


def test_each_panel_has_a_named_dock_and_a_menu_entry(open_window, qtbot) -> None:
    _window, docks = open_window("bowl")
    assert tuple(docks.docks) == DOCK_ORDER
    titles = [action.text() for action in docks.panels_menu.actions() if action.shortcut().toString()]
    assert titles == [DOCK_TITLES[name] for name in DOCK_ORDER], "in full, a narrow dock's tab short or not"
    assert all(dock.objectName() == name for name, dock in docks.docks.items())
    step_table_entry = docks.panels_menu.actions()[2]
    step_table_entry.trigger()
    assert docks.docks["step_table_dock"].isVisible()
    step_table_entry.trigger()
    assert not docks.docks["step_table_dock"].isVisible()


def test_default_layout_shows_the_probe_panels_plots_whole(make_main_window, qtbot) -> None:
    window = make_main_window("himmelblau", size=(1600, 1000))
    qtbot.wait(100)
    panel = window.teaching_docks.probe_panel
    viewport = panel.parentWidget()
    assert panel.height() <= viewport.height() + 60, "the panel fits its dock, give or take an axis title"
    for plot in panel.slice_plots:
        assert plot.isVisible()
        assert 100 <= plot.plot.height() <= 300


def test_loss_plot_clock_follows_playback_and_is_exact_on_pause(open_window, qtbot) -> None:
    window, docks = open_window("rosenbrock")
    clock = docks.loss_plot.clock_line
    window.stepper.speed_box.setValue(60)
    window.stepper.set_playing(True)
    qtbot.waitUntil(lambda: clock.value() >= 10, timeout=3000)  # it moves while the run plays
    window.stepper.set_playing(False)
    assert clock.value() == window.session.step
    window.session.set_step(3)
    assert clock.value() == 3


def test_loss_plot_frames_every_run_and_holds_still(make_main_window, qtbot) -> None:
    """Long runs on Beale's function, one diverging: the view shows them whole and stays put until something changes.

    pyqtgraph's own auto-range measured the thinned curve, which can lose the diverged last step; the range
    then flipped between two values on every repaint, and the plot never stopped repainting.
    """
    window = make_main_window(None)
    docks = window.teaching_docks
    window.open_scenario(shipped_lessons()[-1].scenes[-1].scenario, wait=True)
    window.session.set_step(window.session.last_step)
    plot = docks.loss_plot
    seen(docks, "loss_dock", plot, qtbot)
    qtbot.wait(200)
    view = plot.plot.getPlotItem().getViewBox()
    (x_low, x_high), (y_low, y_high) = view.viewRange()
    for result in window.session.runs:
        finite = result.values[np.isfinite(result.values)]
        assert y_low <= finite.min() and finite.max() <= y_high
        assert x_low <= 0 and len(result.values) - 1 <= x_high
    paints = []
    plot.plot.viewport().installEventFilter(watcher := PaintCounter(paints))
    qtbot.wait(500)
    plot.plot.viewport().removeEventFilter(watcher)
    assert len(paints) <= 1, "the plot keeps repainting by itself"


class PaintCounter(QObject):
    """Append to a list at every paint of the watched widget."""

    def __init__(self, paints: list[int]) -> None:
        super().__init__()
        self.paints = paints

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Count and let the paint go on."""
        if event.type() == QEvent.Type.Paint:
            self.paints.append(1)
        return False


def test_panel_plot_grids_are_opaque_look_the_same_and_lie_under_the_curves(qtbot) -> None:
    plot = PanelPlot()
    qtbot.addWidget(plot)
    plot.resize(300, 160)
    item = plot.getPlotItem()
    item.showGrid(x=True, y=True, alpha=0.15)
    item.plot([0.0, 1.0, 2.0], [0.0, 4.0, 1.0])
    half_black = QPen(QColor(0, 0, 0, 128))
    assert opaque_over(half_black, QColor(255, 255, 255)).color().getRgb() == pytest.approx((127, 127, 127, 255), abs=1)
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        assert isinstance(axis, OpaqueGridAxis)
        assert axis.zValue() < item.getViewBox().zValue()
        image = QImage(300, 160, QImage.Format.Format_ARGB32_Premultiplied)  # kept: a painter outliving it crashes
        painter = QPainter(image)
        _, tick_specs, _ = axis.generateDrawSpecs(painter)
        painter.end()
        assert len(tick_specs) > 4
        assert all(pen.color().alpha() == 255 for pen, *_ in tick_specs)
        assert {pen.color().getRgb() for pen, *_ in tick_specs} != {(40, 40, 48, 255)}, "grid lines are light"
    assert not item.getAxis("right").isVisible() and not item.getAxis("top").isVisible()


def test_a_1280_by_720_window_leaves_the_probe_panel_room_for_its_values(make_main_window, qtbot) -> None:
    window = make_main_window("rosenbrock", size=(1280, 720))
    probe_dock = window.teaching_docks.docks["probe_dock"]
    qtbot.waitUntil(lambda: probe_dock.width() >= dock_column_width(1280) - 8)
    assert dock_column_width(1280) == 384 and dock_column_width(1920) == 480 and dock_column_width(900) == DOCK_LEAST
    scroller = probe_dock.widget()
    assert not scroller.horizontalScrollBar().isVisible(), "the probe's values and gradient check fit across"
    assert window.centralWidget().width() >= 2 * 400, "and the two views keep most of the window"


def test_a_1024_by_600_window_gives_the_views_room_before_the_docks(make_main_window, qtbot) -> None:
    """At 1024 × 600 the docks kept a third of the width and the map's plot was 165 pixels wide."""
    window = make_main_window("himmelblau", size=(1024, 600))
    probe_dock = window.teaching_docks.docks["probe_dock"]
    assert dock_column_width(1024) == 1024 - 2 * VIEW_LEAST
    qtbot.waitUntil(lambda: abs(probe_dock.width() - dock_column_width(1024)) <= 8)
    assert min(window.surface_view.width(), window.contour_view.width()) >= VIEW_LEAST - 10
    qtbot.wait(50)
    window.contour_view.grab()
    assert window.contour_view.plot_item.getViewBox().sceneBoundingRect().width() >= 200, "the map's plot is wider"
    assert not probe_dock.widget().horizontalScrollBar().isVisible(), "the probe's values wrap in the narrower dock"


def test_panel_plot_axes_only_grow_so_the_plot_stays_put(qtbot) -> None:
    plot = PanelPlot()
    qtbot.addWidget(plot)
    plot.resize(320, 200)
    plot.show()
    qtbot.waitExposed(plot)
    left = plot.getPlotItem().getAxis("left")
    widths = []
    for high in (1.0, 123456.0, 2.0):
        plot.show_range((0.0, 1.0), (0.0, high), 0.0, 0.0)
        for _ in range(2):  # painting measures the labels; the next layout pass gives the axis its width
            plot.grab()
            qtbot.wait(10)
        widths.append(left.width())
    assert widths[1] > widths[0]  # room for the long labels
    assert widths[2] == widths[1]  # kept for the short ones that follow


@pytest.mark.parametrize("undocked", ["floating", "closed"])
def test_reset_panel_layout_docks_every_panel_again(open_window, qtbot, undocked) -> None:
    """A floating dock, taken out of the layout before it was docked again, ended up nowhere."""
    window, docks = open_window("bowl")
    probe = docks.docks["probe_dock"]
    if undocked == "floating":
        probe.setFloating(True)
    else:
        probe.close()
    reset = next(action for action in docks.panels_menu.actions() if action.text() == "Reset panel layout")
    reset.trigger()
    QApplication.processEvents()
    for dock in docks.docks.values():
        assert not dock.isFloating() and window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert [dock.objectName() for dock in window.tabifiedDockWidgets(probe)] == ["update_dock", "step_table_dock"]


@pytest.mark.parametrize("budget", [1, 3, 200])
def test_the_loss_plot_marks_whole_steps_only(open_window, qtbot, budget) -> None:
    """A lesson's one-step run had its step axis ticked 0, 0.2, 0.4 … 1.0."""
    window, docks = open_window("bowl")
    window.session.update_run(0, max_steps=budget)
    window.session.wait_for_runs()
    plot = docks.loss_plot
    seen(docks, "loss_dock", plot, qtbot)
    axis = plot.plot.getPlotItem().getAxis("bottom")
    low, high = plot.plot.getPlotItem().getViewBox().viewRange()[0]
    ticks = [value for _spacing, values in axis.tickValues(low, high, axis.width()) for value in values]
    assert len(ticks) >= 2 and all(float(value).is_integer() for value in ticks)


def test_a_run_that_converges_to_a_maximum_is_not_written_in_the_colour_of_success() -> None:
    """Newton's method on the two-minima curve from its hump converges to the maximum: it was green, as a minimum."""
    from gradviz.app.panel_base import NOT_A_MINIMUM_COLOUR, OUTCOME_COLOURS, outcome_colour
    from gradviz.core.analysis import analyze_in_process
    from gradviz.core.runs import RunBatch
    from gradviz.core.scenario import RunSpec

    compiled = analyze_in_process("x^4 - 3.4x^2 + 0.5x").compiled
    specs = (RunSpec(start={"x": 0.1}, optimizer="newton", lr=1.0, max_steps=50),
             RunSpec(start={"x": 1.5}, optimizer="gd", lr=0.01, max_steps=2000))
    batch = RunBatch(compiled, specs, ("x",))
    hump, valley = batch.advance(float("inf"))
    assert hump.run.outcome == "stopped at a maximum" and valley.run.outcome == "converged"
    assert outcome_colour(hump.run) == NOT_A_MINIMUM_COLOUR
    assert outcome_colour(valley.run) == OUTCOME_COLOURS["converged"]


def test_runs_that_read_alike_are_told_apart_by_their_starts_or_parameters() -> None:
    """Two runs of one η from two starts were both '… gradient descent, η = 0.1' in the legend and the chooser."""
    left, right = RunSpec(start={"x": -1.0, "y": 2.0}), RunSpec(start={"x": 1.5, "y": 2.0})
    assert run_titles([left, RunSpec(start={"x": 1.0, "y": 2.0}, lr=0.2)]) == (
        "1. Gradient descent, η = 0.1", "2. Gradient descent, η = 0.2")
    assert run_titles([left, right]) == ("1. Gradient descent, η = 0.1, from (−1, 2)",
                                         "2. Gradient descent, η = 0.1, from (1.5, 2)")
    heavy, light = (RunSpec(start={"x": 1.0}, optimizer="momentum", params={"momentum": beta}) for beta in (0.9, 0.5))
    assert run_titles([heavy, light]) == ("1. Momentum, η = 0.1", "2. Momentum (momentum = 0.5), η = 0.1")
    tuned, plain = (RunSpec(start={"x": 1.0}, optimizer="adam", params=params)
                    for params in ({"beta1": 0.8, "beta2": 0.99}, {"beta1": 0.9}))  # 0.9: Adam's own β₁, given
    assert run_titles([tuned, plain]) == ("1. Adam (β₁ = 0.8, β₂ = 0.99), η = 0.1", "2. Adam, η = 0.1")
    labelled = RunSpec(start={"x": 1.5, "y": 2.0}, label="η = 0.1")
    assert run_titles([left, labelled]) == ("1. Gradient descent, η = 0.1", "2. η = 0.1")


def test_an_optimizers_settings_are_named_everywhere_as_its_boxes_name_them(open_window, qtbot) -> None:
    """Adam at β₁ = 0.8 was '1. Adam, η = 0.1, beta1 = 0.8, beta2 = 0.99' in the loss legend and the run choosers,
    plain 'Adam' in the Runs list, the map's basins legend and the readout, beside the stepper's β₁ and β₂ boxes; and
    Nesterov momentum was 'Nesterov' in the optimizer list and in the readout's 'Nesterov step on ∇f'."""
    from gradviz.app.caption_lines import NO_BREAK
    from gradviz.app.panel_base import RunChooser

    window, docks = open_window("himmelblau")
    session = window.session
    start = session.run_specs[0].start
    session.set_runs([RunSpec(start=start, optimizer="adam", params={"beta1": 0.8, "beta2": 0.99}),
                      RunSpec(start=start, optimizer="adam"),
                      RunSpec(start=start, optimizer="nesterov", lr=0.01)])
    session.set_view(basins=True)
    session.wait_for_runs()
    window.basins_keeper.wait()
    boxes = [label.text() for label in window.stepper.parameter_widget.findChildren(QLabel) if label.buddy()]
    assert boxes == ["β₁", "β₂"]
    tuned = "Adam (β₁ = 0.8, β₂ = 0.99)"
    seen(docks, "runs_dock", docks.runs_panel, qtbot)
    tree = docks.runs_panel.tree
    assert [tree.topLevelItem(index).text(1) for index in range(3)] == [tuned, "Adam", "Nesterov momentum"]
    titles = [f"1. {tuned}, η = 0.1", "2. Adam, η = 0.1", "3. Nesterov momentum, η = 0.01"]
    seen(docks, "loss_dock", docks.loss_plot, qtbot)
    assert docks.loss_plot.legend.plain_text().split("   ") == [f"{mark} {title}" for mark, title in
                                                               zip("●■▲", titles, strict=True)]
    for panel in (docks.step_table_panel, docks.update_panel):
        chooser = panel.findChild(RunChooser)
        assert [chooser.itemText(index) for index in range(chooser.count())] == titles
    legend = window.contour_view.basins_legend.rows[0].text
    assert legend.replace(NO_BREAK, " ") == f"each start's end, {tuned}, η = 0.1"
    assert "β₂ = 0.99" not in legend, "a setting wraps with its value"
    readout = window.stepper.readout.plain_text()
    assert f"{tuned} step on ∇f" in readout and "Nesterov momentum step on ∇f, η = 0.01" in readout
    box = window.stepper.optimizer_box
    assert [box.itemText(index) for index in range(box.count())] == [
        "Gradient descent", "Momentum", "Nesterov momentum", "AdaGrad", "RMSProp", "Adam", "Newton's method"]
    shown = " ".join([readout, legend, *titles, *(tree.topLevelItem(index).text(1) for index in range(3))])
    assert "beta" not in shown and "Nesterov," not in shown


def test_runs_are_told_apart_by_their_marks_shape_as_well_as_colour(make_main_window) -> None:
    """To a deuteranope runs 1 and 3 (descent and Adam in the race) were two olives: they had only colour."""
    from gradviz.app.loss_plot import legend_html
    from gradviz.app.panel_base import run_swatch

    window = make_main_window("bowl")
    window.teaching_docks.runs_panel.quick_buttons["Race optimizers"].click()
    window.session.wait_for_runs()
    runs = window.session.runs
    assert [items.markers.opts["symbol"] for items in window.contour_view.run_items] == ["o", "s", "t1"]
    assert [items.ball.opts["symbol"] for items in window.contour_view.run_items] == ["o", "s", "t1"]
    assert [run.shape for run in window.surface_view.trajectory_item._runs] == [0.0, 1.0, 2.0]
    legend = legend_html(runs)
    assert legend.index("●") < legend.index("■") < legend.index("▲")
    circle, square = (run_swatch(index).pixmap(14, 14).toImage() for index in (0, 1))
    assert circle.pixelColor(1, 1).alpha() == 0 and square.pixelColor(2, 2).alpha() == 255  # a square fills corners


def test_the_loss_legend_breaks_between_words_only(make_main_window, qtbot) -> None:
    """At 1024 × 640 the wrong-sign preset's legend read "wrong si" over "gn": a run's title wider than the legend
    broke anywhere."""
    window = make_main_window("wrong-sign", size=(1024, 640))
    docks = window.teaching_docks
    seen(docks, "loss_dock", docks.loss_plot, qtbot)
    legend = docks.loss_plot.legend
    words = legend.plain_text().split()
    assert "sign" in words
    narrowest = legend.minimumSizeHint().width()
    assert legend.width() >= narrowest, "the dock is at least as wide as the legend's widest word"
    for width in range(legend.width(), narrowest - 1, -7):
        legend.resize(width, legend.heightForWidth(width))
        lines = [line.replace(NO_BREAK_SPACE, " ").strip() for line in legend.shown_lines()]
        assert " ".join(lines).split() == words, (width, lines)
        assert all(line.endswith(",") or next_line[0] in "●■▲" for line, next_line in itertools.pairwise(lines)), (
            width, lines)


def loss_plot_of_runs(make_main_window, quick_button: str) -> tuple:
    """The bowl's session and loss plot, drawn for the runs one of the Runs panel's quick buttons makes."""
    window = make_main_window("bowl")
    window.teaching_docks.runs_panel.quick_buttons[quick_button].click()
    window.session.wait_for_runs()
    loss_plot = window.teaching_docks.loss_plot
    loss_plot.refresh()
    return window.session, loss_plot


def test_the_loss_plot_draws_its_curves_smooth(open_window, qtbot) -> None:
    """The window's loss curve was aliased: a staircase of the run's colour with no blended edge pixel."""
    _window, docks = open_window("rosenbrock")
    seen(docks, "loss_dock", docks.loss_plot, qtbot)
    image = qimage_to_array(docks.loss_plot.plot.grab().toImage())
    assert blended_pixels(image, np.array(run_colour(0)) * 255) > 100


def test_the_loss_plot_marks_where_each_run_is_at_the_clock_in_its_shape(make_main_window) -> None:
    """The loss legend's ● ■ ▲ sit on the curves at the clock: which curve is which without telling colours apart."""
    from gradviz.app.loss_plot import STEP_MARK_SIZE

    session, loss_plot = loss_plot_of_runs(make_main_window, "Race optimizers")
    for clock in (5, session.last_step):  # at the end, a run that stopped earlier is marked at its last step
        session.set_step(clock)
        marks = loss_plot.step_marks.scatter.data
        steps = [min(clock, len(result.values) - 1) for result in session.runs]
        assert marks["x"].tolist() == steps
        assert marks["y"].tolist() == [result.values[step] for result, step in zip(session.runs, steps, strict=True)]
        assert list(marks["symbol"]) == ["o", "s", "t1"]
    view_box = loss_plot.plot.getPlotItem().getViewBox()
    (x_low, x_high), (y_low, y_high) = view_box.viewRange()
    pixel_width, pixel_height = view_box.viewPixelSize()
    half = STEP_MARK_SIZE / 2
    assert all(x_low <= x - half * pixel_width and x + half * pixel_width <= x_high for x in marks["x"])
    assert all(y_low <= y - half * pixel_height and y + half * pixel_height <= y_high for y in marks["y"]), (
        "whole at the plot's edges: at the last step, at the lowest f")


def test_the_loss_plot_draws_its_marks_again_only_when_they_change(make_main_window, monkeypatch) -> None:
    """A new formula's runs arrive with the clock: the marks were drawn twice (their symbols made each time)."""
    window = make_main_window("bowl")
    session, loss_plot = window.session, window.teaching_docks.loss_plot
    loss_plot.refresh()
    session.set_step(3)
    drawn: list[object] = []
    set_data = loss_plot.step_marks.setData
    monkeypatch.setattr(loss_plot.step_marks, "setData", lambda *args, **kwargs: (drawn.append(args),
                                                                                  set_data(*args, **kwargs)))
    session.set_step(3)
    assert drawn == []
    session.set_step(4)
    assert len(drawn) == 1 and loss_plot.step_marks.scatter.data["x"].tolist() == [4]


def drawn_tick_labels(axis) -> list[str]:
    """The tick labels an axis draws, as its picture would."""
    image = QImage(400, 300, QImage.Format.Format_ARGB32_Premultiplied)  # kept: a painter outliving it crashes
    painter = QPainter(image)
    _, _, text_specs = axis.generateDrawSpecs(painter)
    painter.end()
    return [text for _rect, _flags, text in text_specs]


def test_ticks_close_together_for_their_size_count_from_an_offset_the_title_names(qtbot) -> None:
    """exp(10x) + y² along y at x = 2.5: f from 72004899337 to 72004899346 was labelled in eleven digits."""
    from gradviz.app.view_common import offset_text, tick_offset

    assert tick_offset(72004899337.0, 72004899346.0) == 72004899300.0  # labels 38, 40…: as f less it, two digits
    assert offset_text(72004899300.0, 9.0) == "7.20048993e10"
    assert tick_offset(1000.0, 1001.0) == 0.0 and tick_offset(0.0, 3e12) == 0.0  # few digits tell these apart
    assert tick_offset(-1000003.0, -999997.0) == -1e6 and offset_text(5.0, 1e-4) == "5"
    plot = PanelPlot()
    qtbot.addWidget(plot)
    plot.resize(320, 200)
    plot.set_axis_title("left", "f")
    left = plot.getPlotItem().getAxis("left")
    plot.show_range((0.0, 1.0), (72004899337.0, 72004899346.0), 0.0, 0.0)
    labels = drawn_tick_labels(left)
    assert len(labels) >= 3 and all(len(label) <= 3 for label in labels), labels
    assert len(set(labels)) == len(labels)
    assert left.label.toPlainText().strip() == "f − 7.20048993e10"
    plot.show_range((0.0, 1.0), (0.0, 3e12), 0.0, 0.0)
    plot.show()
    qtbot.waitExposed(plot)
    plot.grab()
    assert {"1e12", "2e12"} <= set(drawn_tick_labels(left)) and left.label.toPlainText().strip() == "f"


@pytest.mark.parametrize(("low", "high", "offset"), [(1008.41, 1009.0, 1000.0), (999.8, 1000.2, 1000.0),
                                                   (1009.5, 1010.2, 1010.0), (-1009.0, -1008.41, -1000.0),
                                                   (1008.7025, 1008.705, 1008.7), (1000.0, 1000.000002, 1000.0)])
def test_an_axis_counts_from_the_roundest_offset_that_leaves_its_labels_short(low, high, offset) -> None:
    """f from 1008.4 to 1009 counted from 1009, its labels −0.6, −0.4, −0.2, 0: it counts from 1000 now (8.4, 8.6…),
    as roundly as leaves the labels three digits, from a round value within the range where there is one, else from
    the one next to it towards 0 (the labels have f's sign)."""
    from gradviz.app.view_common import tick_offset

    assert tick_offset(low, high) == pytest.approx(offset, rel=1e-15)
    counted = [abs(low - offset), abs(high - offset)]
    assert max(counted) < 100 * (high - low), "in three digits at the ticks' precision"


def test_a_short_axis_is_given_two_labelled_ticks_in_as_little_more_than_its_range_as_will_do() -> None:
    """A slice's f axis 36 pixels long over 1008.37 to 1009.04 labelled 8.5 alone: pyqtgraph's ticks 8.4 … 9.0 are
    too close for more, and it leaves out the 9 at the top edge. The step and range given take two labels or more,
    pitch pixels apart, clear of the top: every other tick of 0.2 as it is (8.4, 8.8), 1008 and 1009 in 28 pixels."""
    from gradviz.app.view_common import range_with_labelled_ticks

    pitch, inset = 19.0, 6.1
    assert range_with_labelled_ticks(0.0, 1.0, 20.0, pitch, inset) == (0.0, 1.0, 0.0)  # too short for two
    rng = np.random.default_rng(3)
    for _ in range(300):
        low = float(rng.uniform(-2000.0, 2000.0))
        high = low + float(10.0 ** rng.uniform(-7.0, 3.0))
        length = float(rng.uniform(26.0, 200.0))
        start, end, step = range_with_labelled_ticks(low, high, length, pitch, inset)
        assert start <= low and end >= high and step > 0.0, (low, high, length)
        ticks = np.arange(np.ceil(start / step - 1e-9), np.floor(end / step + 1e-9) + 1) * step
        pixels = (ticks - start) / (end - start) * length
        labelled = pixels[pixels <= length - inset + 1e-4]  # every other one at most is left unlabelled
        assert len(labelled) >= 2 and labelled[-1] - labelled[0] >= pitch - 1e-4, (low, high, length, step)
        assert 2.0 * step / (end - start) * length >= pitch - 1e-4, "a labelled tick, then one between at most"
        assert end - start <= max(4.0 * (high - low), 2.0 * step), "no wider than it must be"
    assert range_with_labelled_ticks(1008.3747, 1009.0355, 36.4, pitch, inset) == (1008.3747, 1009.0355, 0.2)
    start, end, step = range_with_labelled_ticks(1008.3747, 1009.0355, 28.4, pitch, inset)
    assert (start, step) == (1008.0, 1.0) and 1009.0 + inset / 28.4 * (end - start) <= end < 1009.5


def test_a_slices_short_f_axis_labels_two_ticks_from_a_round_offset(open_window, qtbot) -> None:
    """x² + y² + 1000 probed at (2.95, 0.01) over x from 2.9 to 3: the slice along x labelled its f axis −0.2 alone,
    counted from +1009, and the one along y 0.004 alone. Each labels two ticks or more now, whole on the plot (its
    range widened a little where it must be), counted from 1000 along x (8.5, 9.0), as the window's bars and the
    loss plot count, or as they are (1008, 1009); so in a smaller window, and over ±0.001 (8e-7 alone)."""
    window, docks = open_window("bowl")
    window.controller.submit("x^2 + y^2 + 1000", immediately=True)
    qtbot.waitUntil(lambda: window.session.analysis.formula.text == "x^2 + y^2 + 1000", timeout=5000)
    seen(docks, "probe_dock", docks.probe_panel, qtbot)
    near_3 = ({"+1000", ""}, {"+1008.7", ""})  # in a short plot, 1008 and 1009 read as they are
    for size, ranges, probed, counted_from in (((1600, 1000), ((2.9, 3.0), (-0.05, 0.05)), (2.95, 0.01), near_3),
                                               ((1280, 720), ((2.9, 3.0), (-0.05, 0.05)), (2.95, 0.01), near_3),
                                               ((1280, 720), ((-0.001, 0.001), (-0.001, 0.001)), (0.0003, -0.0002),
                                                ({"+1000"}, {"+1000"}))):
        window.resize(*size)
        for axis_name, axis_range in zip("xy", ranges, strict=True):
            window.session.set_range(axis_name, *axis_range)
        window.session.set_probe(dict(zip("xy", probed, strict=True)))
        qtbot.waitUntil(docks.probe_panel.is_current, timeout=3000)
        for plot, curve, offsets in zip(docks.probe_panel.slice_plots, docks.probe_panel.slices, counted_from,
                                        strict=True):
            item = plot.plot.getPlotItem()
            axis = item.getAxis("left")
            # drawn, the axis takes the width its labels need (pyqtgraph leaves out those wider than it was)
            qtbot.waitUntil(lambda axis=axis, plot=plot: plot.grab() and len(drawn_tick_labels(axis)) >= 2,
                            timeout=3000)
            labels = drawn_tick_labels(axis)
            offset = plot.title.text().partition("; axis labels ")[2]
            assert len(labels) >= 2 and offset in offsets, (labels, plot.title.text(), size)
            values = sorted(float(offset or "0") + float(label) for label in labels)
            shown_low, shown_high = item.getViewBox().viewRange()[1]
            assert shown_low <= min(curve.values) and max(curve.values) <= shown_high
            assert shown_low <= values[0] < values[-1] <= shown_high, (labels, shown_low, shown_high)
            assert shown_high - shown_low < 3.0 * np.ptp(curve.values), "widened no more than it must be"
            top = max(label_middles(axis))  # the highest label's digits inside the plot, not cut off above it
            assert top - QFontMetricsF(axis.style["tickFont"] or QFont()).capHeight() / 2.0 >= 0.0
    seen(docks, "loss_dock", docks.loss_plot, qtbot)
    assert "+1009" not in docks.loss_plot.caption.text()


def label_middles(axis) -> list[float]:
    """Where the middles of an axis's drawn labels are, up and down its plot widget (0 at its top)."""
    image = QImage(400, 300, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    _, _, text_specs = axis.generateDrawSpecs(painter)
    painter.end()
    view = axis.scene().views()[0]
    return [view.mapFromScene(axis.mapToScene(rect.center())).y() for rect, _flags, _text in text_specs]


def test_the_probes_slices_and_the_loss_plot_label_exp_10x_in_few_digits(open_window, qtbot) -> None:
    """The slice along y names its axis's offset in its title; a run's one flat height reads 7e10, not 72004899339.2."""
    window, docks = open_window("bowl")
    window.controller.submit("exp(10*x) + y^2", immediately=True)
    qtbot.waitUntil(lambda: window.session.analysis.formula.text == "exp(10*x) + y^2", timeout=5000)
    window.session.wait_for_runs()
    seen(docks, "probe_dock", docks.probe_panel, qtbot)
    along_y = docks.probe_panel.slice_plots[1]
    labels = drawn_tick_labels(along_y.plot.getPlotItem().getAxis("left"))
    assert labels and all(len(label) <= 4 for label in labels), labels
    assert along_y.title.text().endswith("; axis labels +7.2004899e10")
    seen(docks, "loss_dock", docks.loss_plot, qtbot)
    labels = drawn_tick_labels(docks.loss_plot.plot.getPlotItem().getAxis("left"))
    assert labels and all(len(label) <= 6 for label in labels), labels
    window.session.update_run(0, lr=1e-20)  # f stays near 7.2e10: the labels count from an offset
    window.session.wait_for_runs()
    docks.loss_plot.refresh()
    axis = docks.loss_plot.plot.getPlotItem().getAxis("left")
    assert axis.offset_text().startswith("+7.2")
    assert docks.loss_plot.caption.text().endswith(f"; axis labels {axis.offset_text()}</span>")
    assert "7.2" not in axis.labelString(), "named in the caption: a short plot cut it off along the axis"


def assert_on_their_step(labels: list[str]) -> None:
    """Tick labels (of one axis, any levels) that are whole multiples of their spacing: the one at 0 reads 0."""
    values = [float(label.replace("−", "-")) for label in labels]
    assert len(set(values)) >= 2, labels
    step = float(f"{min(np.diff(sorted(set(values)))):.3g}")  # the labels' spacing, whatever rounding one shows
    for label, value in zip(labels, values, strict=True):
        multiple = round(value / step) * step
        assert abs(value - multiple) <= 1e-9 * abs(multiple), f"{label} is no multiple of {step:g} in {labels}"


@pytest.mark.parametrize(("x_range", "probed"), [((-1e-7, 1e-7), (1.5, 1.5)), ((-1e7, 1e7), (3e6, 1.5)),
                                                  ((999.995, 1000.005), (1000.0, 1.5)),
                                                  ((1000.0, 1000.002), (1000.001, 1.5))])
def test_every_axis_labels_its_ticks_as_multiples_of_their_step(open_window, qtbot, x_range, probed) -> None:
    """x from −1e-7 to 1e-7 probed at x = 1.5: the slice's axis, counting from 1.5, read −5e-8, 2.22e-16, 5e-8."""
    window, docks = open_window("bowl")
    window.session.set_range("x", *x_range)
    window.session.set_probe(dict(zip("xy", probed, strict=True)))
    window.session.update_run(0, lr=1e-9)  # f hardly moves: the loss plot's axis counts from an offset too
    window.session.wait_for_runs()
    seen(docks, "probe_dock", docks.probe_panel, qtbot)
    along_x = docks.probe_panel.slice_plots[0].plot.getPlotItem().getAxis("bottom")
    labelled = [along_x, window.contour_view.plot_item.getAxis("bottom")]  # a slice's short f axis has a label or two
    seen(docks, "loss_dock", docks.loss_plot, qtbot)
    labelled.append(docks.loss_plot.plot.getPlotItem().getAxis("left"))
    for axis in labelled:
        assert_on_their_step(drawn_tick_labels(axis))
    assert "0" in drawn_tick_labels(along_x), "the probe's x is a tick, counted from"
    drawn = window.surface_view.axis_labels
    for ticks in (drawn.x_ticks, drawn.z_ticks):
        assert_on_their_step([text for _value, text in ticks])
    assert_on_their_step(list(window.contour_view.colour_bar.tick_labels()))


def test_the_loss_plots_marks_of_runs_that_meet_nest_so_each_shows(make_main_window) -> None:
    """Five starts on x² + y² all end at f = 0: their marks piled into one blob; nested, the first is the largest."""
    from gradviz.app.loss_plot import STACK_GROWTH, STEP_MARK_SIZE

    session, loss_plot = loss_plot_of_runs(make_main_window, "Different start points")
    session.set_step(session.last_step)
    sizes = loss_plot.step_marks.scatter.data["size"].tolist()
    count = len(session.runs)
    assert sizes == [STEP_MARK_SIZE + STACK_GROWTH * (count - 1 - index) for index in range(count)]
    marks = loss_plot.step_marks.scatter.data
    view_box = loss_plot.plot.getPlotItem().getViewBox()
    assert view_box.boundingRect().height() < 8 * (max(sizes) / 2 + 1)  # short: the room for marks was dropped here
    y_low = view_box.viewRange()[1][0]
    pixel_height = view_box.viewPixelSize()[1]
    assert all(y_low <= y - size / 2 * pixel_height for y, size in zip(marks["y"], marks["size"], strict=True)), (
        "the largest mark, at the lowest f, whole above the plot's edge")
    session.set_runs(session.run_specs[:1])  # a run alone keeps the usual size
    session.wait_for_runs()
    loss_plot.refresh()
    assert loss_plot.step_marks.scatter.data["size"].tolist() == [STEP_MARK_SIZE]


def test_a_learning_rate_at_the_limit_itself_is_said_to_swing(open_window) -> None:
    """η = 0.1 on x² + 10y², 2/λmax itself, read "past the start's limit 0.1": y flips between ±1.5 for ever."""
    window, docks = open_window("elongated-bowl")
    window.session.update_run(0, lr=0.1)
    window.session.wait_for_runs()
    guidance = docks.lr_guidance
    assert "at the limit 0.1: swings" in guidance.text() and "#b00020" in guidance.text()
    assert "η = 0.1 is the limit itself" in guidance.toolTip()
    window.session.update_run(0, lr=0.1001)  # just past it: past, as before
    window.session.wait_for_runs()
    assert "at the limit" not in guidance.text() and "is past it" in guidance.toolTip()


KINK_ZIG_ZAG = "zig-zagging across a kink of f: a fixed step cannot settle there"


def zig_zag_across_a_kink(window: object) -> str:
    """Run abs(x) + abs(y) with a large η to its end; the run's stop message."""
    session = window.session  # type: ignore[attr-defined]
    session.set_analysis(analyze("abs(x) + abs(y)"))
    session.update_run(0, lr=0.7)
    session.wait_for_runs()
    session.set_step(session.last_step)
    message = session.runs[0].run.message
    assert KINK_ZIG_ZAG in message
    return message


def test_a_runs_stop_remark_is_wrapped_whole_in_the_runs_panel(make_main_window, qtbot) -> None:
    """The outcome row was one line, cut at the panel's edge: '… zig-zagging across a kink of f: a fix…'."""
    window = make_main_window("bowl", size=(1600, 1000))
    window.teaching_docks.show_panel("runs_dock")
    message = zig_zag_across_a_kink(window)
    tree = window.teaching_docks.runs_panel.tree
    qtbot.wait(40)
    outcome = tree.topLevelItem(0).child(0)
    assert outcome.text(0) == message, "the whole message, nothing left out"
    index = tree.indexFromItem(outcome)
    rect = tree.visualRect(index)
    metrics = tree.fontMetrics()
    assert metrics.horizontalAdvance(message) > rect.width(), "too long for one line here"
    wrapped = metrics.boundingRect(QRect(0, 0, rect.width() - 28, 10_000), int(Qt.TextFlag.TextWordWrap), message)
    assert rect.height() >= wrapped.height() >= 2 * metrics.height(), "as tall as its wrapped lines"
    image = qimage_to_array(tree.viewport().grab(rect).toImage())
    ink_rows = np.flatnonzero((image[..., :3].astype(int).sum(axis=2) < 600).any(axis=1))
    assert ink_rows.size and ink_rows.max() - ink_rows.min() > 1.5 * metrics.height(), "drawn on two lines"


def test_the_stop_remark_gets_a_readout_line_of_its_own(make_main_window, qtbot) -> None:
    """At 1600 pixels the remark was left out of the readout's one long line; the line under the numbers, kept
    empty until the run stops, holds it whole, and the stepper does not change height when it appears."""
    window = make_main_window("bowl", size=(1600, 1000))
    stepper = window.stepper
    window.session.set_analysis(analyze("abs(x) + abs(y)"))
    window.session.update_run(0, lr=0.7)
    window.session.wait_for_runs()
    qtbot.wait(40)
    running = stepper.height()
    message = zig_zag_across_a_kink(window)
    qtbot.wait(40)
    lines = stepper.readout.plain_text().splitlines()
    assert len(lines) == 2 and lines[0].startswith("step 60") and "…" not in lines[1]
    assert lines[1].replace(" ", "") == message.replace(" ", "")
    assert stepper.height() == running


def test_rounding_on_landing_at_the_minimum_shows_as_zero_everywhere(make_main_window) -> None:
    """The 3D tags said ∂L/∂w = 0 while the readout said L = 1.97215e−31, the legend 'level line L = 1.972e−31'."""
    from gradviz.app.exporter import Caption
    from gradviz.app.probe_panel import slice_title

    window = make_main_window("linear-model-loss")
    session = window.session
    session.update_run(0, lr=0.1)
    session.wait_for_runs()
    session.set_step(1)
    assert 0.0 < session.runs[0].values[1] < 1e-30  # the run keeps what it computed
    readout = window.stepper.readout.toolTip()
    assert "L = 0 " in readout + " " and "∇L = (0, 0)" in readout and "|∇L| = 0" in readout
    assert "e−" not in readout.split("converged")[0]
    caption = Caption(session, (1280, 720))
    assert caption.run_line(session, 0)[-2].text == "L = 0"
    _surface, contour = window.probe_presenter.compute()
    legend = [row.text for row in contour.legend]
    assert "level line L\u00a0=\u00a00" in legend and not any("e−" in text for text in legend)
    panel = window.teaching_docks.probe_panel
    panel.refresh()
    probe = panel.probe
    assert probe is not None and probe.value == 0.0
    assert [slice_title(probe, curve, "L").split(" = ")[-1] for curve in panel.slices] == ["0", "0"]
    table = window.teaching_docks.step_table_panel
    table.refresh()
    f_column = 3  # k, w, b, L, ∂L/∂w, ∂L/∂b, …
    assert [table.model.cell_text(1, column) for column in (f_column, f_column + 1, f_column + 2)] == ["0", "0", "0"]


def test_a_run_stopped_on_rounding_says_its_gradient_as_the_readout_shows_it(open_window, qtbot) -> None:
    """One step of (3 − 2w − b)² read "|∇L| = 0" and "converged at step 1 (|∇L| = 1.99e−15 < 1e−6)" on one line."""
    window, docks = open_window("linear-model-loss")
    session = window.session
    session.update_run(0, lr=0.1)
    session.wait_for_runs()
    session.set_step(session.last_step)
    run = session.runs[0].run
    assert "(|∇f| = 1.99e−15 < 1e−6)" in run.message, "the run keeps what it computed"
    said = "converged at step 1 (|∇L| = 0 < 1e−6)"
    readout = window.stepper.readout.plain_text()
    assert "|∇L| = 0 " in readout and said in readout and "e−15" not in readout
    runs_panel = docks.runs_panel
    seen(docks, "runs_dock", runs_panel, qtbot)
    assert runs_panel.tree.topLevelItem(0).child(0).text(0) == f"{said}: a minimum"
    update_panel = docks.update_panel
    seen(docks, "update_dock", update_panel, qtbot)
    heading = QTextDocument()
    heading.setHtml(update_panel.heading.text())
    assert said in heading.toPlainText()


def dock_tabs(window) -> dict[str, tuple[str, bool]]:
    """Each dock tab's tooltip: its text, and whether the text fits the tab (else Qt cuts it short with "…")."""
    tabs = {}
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            for index in range(bar.count()):
                fits = bar.tabRect(index).width() >= bar.tabSizeHint(index).width()
                tabs[bar.tabToolTip(index)] = (bar.tabText(index), fits)
    return tabs


def test_a_narrow_dock_column_names_its_tabs_shortly_the_full_name_their_tooltip(make_main_window, qtbot) -> None:
    """At 1024 × 600 the dock tabs read "Pro…", "Update equati…" and "Step ta…"."""
    window = make_main_window("himmelblau", size=(1024, 600))
    probe_dock = window.teaching_docks.docks["probe_dock"]
    qtbot.waitUntil(lambda: abs(probe_dock.width() - dock_column_width(1024)) <= 8)
    qtbot.wait(50)
    assert dock_tabs(window) == {"Probe": ("Probe", True), "Update equation": ("Update", True),
                                 "Step table": ("Steps", True), "Loss": ("Loss", True), "Runs": ("Runs", True)}
    assert [action.text() for action in window.teaching_docks.panels_menu.actions()[:3]] == [
        "Probe", "Update equation", "Step table"], "the menu names them in full"
    window.resize(1600, 1000)
    share_dock_column(window, window.teaching_docks.docks)
    qtbot.waitUntil(lambda: probe_dock.width() >= SHORT_TITLES_BELOW)
    qtbot.wait(50)
    assert {tip: text for tip, (text, _fits) in dock_tabs(window).items()} == {
        name: name for name in ("Probe", "Update equation", "Step table", "Loss", "Runs")}


def test_a_narrow_runs_dock_names_its_comparisons_shortly_two_a_line(make_main_window, qtbot) -> None:
    """At 900 × 700 the four comparison buttons stood one a line, and the Runs dock scrolled."""
    window = make_main_window("himmelblau", size=(900, 700))
    docks = window.teaching_docks.docks
    docks["runs_dock"].raise_()
    qtbot.waitUntil(lambda: abs(docks["probe_dock"].width() - dock_column_width(900)) <= 8)
    qtbot.wait(50)
    buttons = list(window.teaching_docks.runs_panel.quick_buttons.items())
    assert [button.text() for _full, button in buttons] == [
        "Wrong-sign twin", "Learning rates", "Race optimizers", "Start points"]
    assert all(button.toolTip().startswith(f"{full}: ") for full, button in buttons)
    tops = [button.mapTo(window, QPoint(0, 0)).y() for _full, button in buttons]
    assert tops[0] == tops[1] < tops[2] == tops[3]  # two a line
    assert all(button.width() >= button.sizeHint().width() for _full, button in buttons)  # each whole
    window.resize(1600, 1000)
    share_dock_column(window, docks)
    qtbot.waitUntil(lambda: docks["probe_dock"].width() >= SHORT_TITLES_BELOW)
    qtbot.wait(50)
    assert [(full, button.text()) for full, button in buttons] == [(full, full) for full, _button in buttons]
    assert not any(button.toolTip().startswith(full) for full, button in buttons)


def test_every_readout_of_f_at_the_probe_and_the_check_columns_read_alike(open_window, qtbot) -> None:
    """x² + y² + 1000 at (1.5, 1.5): the 3D legend said f(1.5, 1.5) = 1004 while the probe said 1004.5; eˣ's check at
    x = 20 set 4.85165e8 beside 485165199, and sin(x)·cos(y)'s at x = π −0.955336 beside −0.955336489."""
    window, docks = open_window("bowl")
    window.session.set_analysis(analyze("x^2 + y^2 + 1000"))
    window.session.set_probe({"x": 1.5, "y": 1.5})
    panel = docks.probe_panel
    seen(docks, "probe_dock", panel, qtbot)
    assert dict(panel.rows)["f"] == "1004.5"
    qtbot.waitUntil(lambda: window.surface_view.probe_overlay is not None, timeout=3000)
    assert window.surface_view.probe_overlay.legend[0].text == "f(1.5, 1.5) = 1004.5"
    qtbot.waitUntil(lambda: bool(window.contour_view.probe_text.legend_texts), timeout=3000)
    assert any(text.endswith("= 1004.5") for text in window.contour_view.probe_text.legend_texts)
    window._show_hover(1.5, 1.5)
    assert "f = 1004.5 " in window.hover_label.text()
    window.session.set_analysis(analyze("exp(x) + y"))
    window.session.set_probe({"x": 20.0, "y": 0.0})
    qtbot.waitUntil(lambda: panel.probe is not None and panel.probe.point["x"] == 20.0, timeout=3000)
    cells = check_cells(panel.check_label.plain_text())
    assert cells["∂f/∂x"][:2] == ["485165195", "485165199"] and cells["∂f/∂y"][:2] == ["1", "1"]
    window.session.set_analysis(analyze("sin(x) cos(y)"))
    window.session.set_probe({"x": math.pi, "y": 0.3})
    qtbot.waitUntil(lambda: panel.probe is not None and panel.probe.point["x"] == math.pi, timeout=3000)
    assert check_cells(panel.check_label.plain_text())["∂f/∂x"][:2] == ["−0.9553364891", "−0.9553364890"]


def test_the_hover_readout_writes_the_point_f_and_its_gradient_as_the_probe_panel_does(open_window, qtbot) -> None:
    """Under the pointer the status bar wrote ∇f to 4 digits (0.823 where the probe panel wrote 0.823045) and a partial
    below the noise floor as computed (∂f/∂y = 9.3e−10 where terms of some 1e6 cancel to 0), where the panel, the
    stepper and the legends write 0."""
    from PySide6.QtTest import QTest

    window, docks = open_window("bowl")
    session, view = window.session, window.contour_view
    session.set_analysis(analyze("x^2/3 + 1e6((y + 1)^3 - y^3 - 3y^2 - 3y)"))
    compiled = session.analysis.compiled
    for target in (0.6, 0.7, 0.55, 0.57):  # where ∂f/∂y computes as rounding, not as exactly 0
        QTest.mouseMove(view.viewport(), view.data_to_widget(-1.0, -1.0).toPoint())  # from elsewhere: a move is seen
        with qtbot.waitSignal(view.hovered, timeout=3000) as hovered:
            QTest.mouseMove(view.viewport(), view.data_to_widget(1.2345, target).toPoint())
        x, y = hovered.args
        if compiled.value_and_gradient(np.array([x, y]))[1][1] != 0.0:
            break
    session.set_probe({"x": x, "y": y})
    panel = docks.probe_panel
    seen(docks, "probe_dock", panel, qtbot)
    rows = dict(panel.rows)
    shown_x, shown_y = rows["at"].removeprefix("(x, y) = (").removesuffix(")").split(", ")
    assert rows["∂f/∂y"] == "0" and session.analysis.compiled.value_and_gradient(np.array([x, y]))[1][1] != 0.0
    assert window.hover_label.text() == (f"x = {shown_x}, y = {shown_y}   f = {rows['f']}   "
                                         f"∇f = ({rows['∂f/∂x']}, {rows['∂f/∂y']})")


def test_the_probe_off_the_map_shows_rounding_as_0_as_on_it(open_window, qtbot) -> None:
    """cos(x) + y at x = π on a map of ±3: ∂f/∂x computes as −1.2e−16, rounding. Off the map no noise floor applied,
    and the panel read −1.22465e−16, its check −1.2246e−16 beside an estimate of 0.0000e−16."""
    window, docks = open_window("bowl")
    window.session.set_analysis(analyze("cos(x) + y"))
    window.session.set_probe({"x": math.pi, "y": 1.0})
    panel = docks.probe_panel
    seen(docks, "probe_dock", panel, qtbot)
    assert window.session.plot.ranges["x"] == (-3.0, 3.0)
    assert dict(panel.rows)["∂f/∂x"] == "0" and dict(panel.rows)["∂f/∂y"] == "1"
    assert check_cells(panel.check_label.plain_text())["∂f/∂x"] == ["0", "0", "0 ✓"]


def test_the_probe_legends_write_the_point_as_the_panel_does(open_window, qtbot) -> None:
    """The legends on the map and in 3D wrote the probe point to 4 digits, f(1.235, −0.5) = 2.024, beside the panel's
    (x, y) = (1.23457, −0.5) and f = 2.02416."""
    window, docks = open_window("bowl")
    window.session.set_probe({"x": 1.234567, "y": -0.5})
    panel = docks.probe_panel
    seen(docks, "probe_dock", panel, qtbot)
    rows = dict(panel.rows)
    assert rows["at"] == "(x, y) = (1.23457, −0.5)"
    value_row = f"f(1.23457, −0.5) = {rows['f']}"
    qtbot.waitUntil(lambda: window.surface_view.probe_overlay is not None, timeout=3000)
    assert window.surface_view.probe_overlay.legend[0].text == value_row
    qtbot.waitUntil(lambda: bool(window.contour_view.probe_text.legend_texts), timeout=3000)
    assert window.contour_view.probe_text.legend_texts[0].replace("\u00a0", " ") == value_row
