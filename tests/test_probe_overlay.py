"""The partial derivatives at the probe: slices and tangents in 3D, component and gradient arrows on the map."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import replace

import contourpy
import numpy as np
import pytest
from OpenGL import GL
from polylines import distances_to_polyline
from PySide6 import QtCore
from PySide6.QtWidgets import QApplication, QDockWidget

from gradviz.app.colormaps import PARTIAL_COLOURS
from gradviz.app.contour_view import ContourView, LevelLineItem, ProbeArrowsItem, to_device
from gradviz.app.probe_presenter import ProbePresenter, level_line, plane_equation, tangent_segment
from gradviz.app.surface_view import CURVE_FRONT, finite_runs
from gradviz.app.view_common import (
    LegendLayout,
    qimage_to_array,
    simplified_indices,
    simplified_path_indices,
    thinned_smooth_indices,
)
from gradviz.core.analysis import analyze_in_process
from gradviz.core.height_scale import HeightScale, height_scale_for
from gradviz.core.notation import NO_BREAK_SPACE
from gradviz.core.presets import find_preset
from gradviz.core.probe import probe_at
from gradviz.core.session import Session

# The seeds' and the issue's examples: (preset, its probe point, the partials there)
EXAMPLES = (
    ("bowl-at-1-2", (1.0, 2.0), (2.0, 4.0)),
    ("elongated-bowl", (-2.5, 1.0), (-5.0, 20.0)),
    ("x2y-plus-xy2", (2.0, 3.0), (21.0, 16.0)),
    ("sin-plus-cos", (0.5, 0.5), (math.cos(0.5), -math.sin(0.5))),
    ("rosenbrock", (-1.5, 2.0), (-155.0, -50.0)),
    ("cubic-mixed", (1.0, 2.0), (10.0, 14.0)),
)
SHOT = (480, 360)


def session_for(preset: str, log_height: bool = False) -> Session:
    """A session showing a preset (probe pinned at the preset's worked point, its start), analysed in this process."""
    scenario = find_preset(preset).scenario
    scenario = replace(scenario, view=replace(scenario.view, log_height=log_height), probe=dict(scenario.runs[0].start))
    session = Session()
    session.apply_scenario(scenario, analyze_in_process(scenario.formula))
    return session


def slope_of(segment: np.ndarray, axis: int) -> float:
    """Rise over run of a segment (2, k) along one column, the height being the last column."""
    return float((segment[1, -1] - segment[0, -1]) / (segment[1, axis] - segment[0, axis]))


def angle_between(first: np.ndarray, second: np.ndarray) -> float:
    """The angle in degrees between two vectors."""
    cosine = abs(float(first @ second)) / (np.linalg.norm(first) * np.linalg.norm(second))
    return math.degrees(math.acos(min(cosine, 1.0)))


def local_direction(polyline: np.ndarray, point: np.ndarray) -> tuple[np.ndarray, float]:
    """The direction of a polyline at the vertex nearest a point (chord of its neighbours), and that distance."""
    distances = np.hypot(*(polyline - point).T)
    index = int(np.nanargmin(distances))
    before, after = polyline[max(index - 1, 0)], polyline[min(index + 1, len(polyline) - 1)]
    return after - before, float(distances[index])


@pytest.mark.parametrize(("preset", "point", "partials"), EXAMPLES)
def test_overlays_show_the_partials_perpendicular_gradient_and_level_line(preset, point, partials) -> None:
    session = session_for(preset)
    assert session.probe == pytest.approx(dict(zip(session.plot.axes, point, strict=True)))
    surface, contour = ProbePresenter(session, None, None).compute()
    assert surface.point[:2] == pytest.approx(point)
    for axis, (line, partial) in enumerate(zip(surface.slices, partials, strict=True)):
        assert slope_of(line.tangent, axis) == pytest.approx(partial, rel=1e-9)
        assert line.colour == PARTIAL_COLOURS[axis]
        assert np.any(np.all(line.curve == surface.point, axis=1)), "the slice passes through the point"
    x_arrow, y_arrow, gradient = (np.subtract(arrow.tip, arrow.tail) for arrow in contour.arrows)
    assert x_arrow[1] == 0.0 and y_arrow[0] == 0.0, "∂f/∂x is horizontal, ∂f/∂y vertical"
    assert x_arrow + y_arrow == pytest.approx(gradient, rel=1e-12, abs=1e-15)
    assert gradient / np.linalg.norm(gradient) == pytest.approx(np.divide(partials, np.hypot(*partials)), rel=1e-9)
    direction, distance = local_direction(contour.level_line, np.array(point))
    span = max(high - low for low, high in session.plot.ranges.values())
    assert distance < 0.01 * span, "the highlighted level line runs through the point"
    assert angle_between(direction, gradient) == pytest.approx(90.0, abs=1.0)
    compiled = session.analysis.compiled
    values = [compiled.value_and_gradient(vertex)[0] for vertex in contour.level_line[::25]]
    assert values == pytest.approx([probe_at(compiled, session.probe, session.plot.axes).value] * len(values),
                                   rel=1e-6, abs=1e-9), "every vertex of the level line lies on the level"


def test_with_the_field_showing_minus_gradient_the_probe_arrows_point_downhill_too() -> None:
    """Lesson 2's flipped field: the probe's arrows are −∂f/∂x, −∂f/∂y and −∇f, the way the field's arrows point."""
    session = session_for("bowl-at-1-2")
    uphill = ProbePresenter(session, None, None).compute()[1]
    session.set_view(arrows="downhill")
    downhill = ProbePresenter(session, None, None).compute()[1]
    up_gradient, down_gradient = (np.subtract(arrows[-1].tip, arrows[-1].tail) for arrows in (uphill.arrows,
                                                                                              downhill.arrows))
    ratio = np.linalg.norm(down_gradient) / np.linalg.norm(up_gradient)  # each the longest its edge of the map allows
    for up, down in zip(uphill.arrows, downhill.arrows, strict=True):
        assert down.tail == up.tail
        assert np.subtract(down.tip, down.tail) == pytest.approx(-ratio * np.subtract(up.tip, up.tail))
    assert [arrow.label for arrow in downhill.arrows] == ["−∂f/∂x = −2", "−∂f/∂y = −4", "−∇f = (−2, −4)"]
    assert [arrow.label for arrow in uphill.arrows] == ["∂f/∂x = 2", "∂f/∂y = 4", "∇f = (2, 4)"]
    (_along, up_ascent), (_along2, down_ascent) = uphill.right_angle, downhill.right_angle
    assert np.asarray(down_ascent) == pytest.approx(-np.asarray(up_ascent)), "the right angle is marked on the −∇f side"


def test_level_line_near_a_narrow_valley_tip_is_the_whole_line_not_a_scrap() -> None:
    # Rosenbrock's level f(−1.4178, 1.9995) turns round within a grid cell of this point; the grid also
    # traces a five-point scrap of it beside the point
    session = session_for("rosenbrock")
    point = (-1.41782452, 1.999492)
    probe = probe_at(session.analysis.compiled, dict(zip(("x", "y"), point, strict=True)), ("x", "y"))
    line = level_line(session.analysis.compiled, probe, session.field)
    assert len(line) > 100
    assert local_direction(line, np.array(point))[1] < 0.05


def test_log_height_draws_the_tangents_of_the_drawn_curves() -> None:
    session = session_for("rosenbrock", log_height=True)
    surface, _ = ProbePresenter(session, None, None).compute()
    scale = height_scale_for(session.field, log=True)
    f0 = 12.5
    assert surface.point[2] == pytest.approx(float(scale.forward(f0)))
    for axis, (line, partial) in enumerate(zip(surface.slices, (-155.0, -50.0), strict=True)):
        assert slope_of(line.tangent, axis) == pytest.approx(float(scale.slope(f0)) * partial, rel=1e-9)
    assert "Log height" in surface.legend[-1].text and surface.legend[-1].note
    log = HeightScale(log=True, reference=-2.0)
    values, step = np.array([-5.0, -2.0, 0.5, 40.0]), 1e-6
    estimate = (log.forward(values + step) - log.forward(values - step)) / (2 * step)
    assert log.slope(values) == pytest.approx(estimate, rel=1e-6)
    assert np.array_equal(HeightScale().slope(values), np.ones(4))


def test_arrows_fade_away_as_a_run_converges_and_none_point_where_the_gradient_is_negligible() -> None:
    session = session_for("himmelblau")
    session.set_probe(None)  # at run 1's current point
    lengths, notes = [], []
    for step in range(session.last_step + 1):
        session.set_step(step)
        _surface, contour = ProbePresenter(session, None, None).compute()
        lengths.append(float(np.hypot(*np.subtract(contour.arrows[-1].tip, contour.arrows[-1].tail))))
        notes.append([row.text for row in contour.legend if row.note])
    result = session.runs[0].run
    assert result.stop_reason == "converged" and math.hypot(*result.steps[-1].gradient) < 1e-6
    assert lengths[0] > 1.0 and lengths[-1] == 0.0  # a long arrow at the start; none at (3, 2), where |∇f| < 1e-6
    assert all(later <= earlier * 1.2 for earlier, later in itertools.pairwise(lengths[5:]))  # shrinking as it nears
    assert notes[-1] == ["∇f ≈ 0 here (|∇f| = 8.62842e−7), too short to draw: a minimum"]
    assert notes[0] == []
    assert contour.right_angle is None  # at the end: no direction for the level line to be at right angles to


@pytest.mark.parametrize("corner", [4.0, 4.6, 4.95, 5.0])
def test_near_the_edge_the_arrows_stay_on_the_map_and_a_note_says_when_they_are_cut_short(corner) -> None:
    """Himmelblau's ∇f at (c, −c) points out of the map's corner: the arrows end inside it, shorter nearer the edge."""
    session = session_for("himmelblau")
    session.set_probe({"x": corner, "y": -corner})
    _surface, contour = ProbePresenter(session, None, None).compute()
    for arrow in contour.arrows:
        assert all(-5.0 <= value <= 5.0 for value in arrow.tip)
    gradient_length = float(np.hypot(*np.subtract(contour.arrows[-1].tip, contour.arrows[-1].tail)))
    assert (corner == 4.0) == (gradient_length > 0.8)
    # the note is the view's to add, where the arrow it draws is too short to see (in pixels)
    assert contour.edge_note.text == "arrows cut short by the edge of the map (the tags give their values)"
    assert not any(row.note for row in contour.legend)


def test_the_notes_name_the_function_and_the_plotted_variables() -> None:
    session = session_for("shifted-bowl", log_height=True)  # L(w1, w2)
    surface, contour = ProbePresenter(session, None, None).compute()
    assert surface.legend[-1].text.endswith("their slopes in L")
    assert contour.aspect_note.text.startswith("w₁ and w₂ drawn at different scales")
    assert contour.aspect_note.short == "scales differ (E: equal aspect)"
    _, exported = ProbePresenter(session, None, None, key_hints=False).compute()
    assert exported.aspect_note.text.endswith("the right angle looks skewed"), "a picture for slides has no keys"
    assert exported.aspect_note.short == "scales differ"


def test_tangent_plane_and_its_equation() -> None:
    session = session_for("cubic-mixed")
    presenter = ProbePresenter(session, None, None)
    presenter.set_plane_shown(True)
    surface = presenter.surface_overlay
    corners = surface.plane
    assert corners.shape == (4, 3)
    assert corners[:, 2] == pytest.approx(15 + 10 * (corners[:, 0] - 1) + 14 * (corners[:, 1] - 2), rel=1e-12)
    assert surface.legend[-1].text.replace(NO_BREAK_SPACE, " ") == "tangent plane: f ≈ 15 + 10(x − 1) + 14(y − 2)"
    loss = session_for("two-weight-loss").analysis.compiled
    probe = probe_at(loss, {"w1": -1.5, "w2": 0.0}, ("w1", "w2"))
    assert plane_equation(probe, "L").replace(NO_BREAK_SPACE, " ") == "tangent plane: L ≈ 42.25 − 13(w₁ + 1.5) − 26w₂"
    presenter.set_plane_shown(False)
    assert presenter.surface_overlay.plane is None


def test_the_tangent_planes_legend_row_breaks_only_before_a_term(qapp) -> None:
    """Wrapped at its spaces, the 3D legend's row read "f ≈ 1.97043 − 3.955(x +" above "0.9926) + …"."""
    session = session_for("rosenbrock")
    presenter = ProbePresenter(session, None, None)
    presenter.set_plane_shown(True)
    row = presenter.surface_overlay.legend[-1]
    font = QApplication.font()
    whole = LegendLayout(font, (row,), 10.0, 4000.0).size.width()
    for lines in (2, 3, 4):  # widths that break it onto more lines
        layout = LegendLayout(font, (row,), 10.0, whole / lines + 30.0)
        texts = [text.replace(NO_BREAK_SPACE, " ") for _row, text, _first, _indent in layout.lines]
        assert len(texts) > 1 and " ".join(texts) == row.text.replace(NO_BREAK_SPACE, " ")
        equation = next(index for index, text in enumerate(texts) if "≈" in text)
        assert all(text.count("(") == text.count(")") for text in texts), texts
        assert all(text.startswith(("+ ", "− ")) for text in texts[equation + 1:]), texts


def test_tangent_segments_look_alike_whatever_their_slope() -> None:
    for slope in (0.0, 0.5, -40.0):
        ends = tangent_segment(1.0, 2.0, slope, x_span=4.0, h_span=10.0, share=0.25)
        assert slope_of(ends, 0) == pytest.approx(slope, rel=1e-12, abs=1e-15)
        assert math.hypot((ends[1, 0] - ends[0, 0]) / 4.0, (ends[1, 1] - ends[0, 1]) / 10.0) == pytest.approx(0.5)


# ----- the views -------------------------------------------------------------------------------------------
def test_views_draw_what_they_are_given(make_main_window) -> None:
    window = make_main_window("cubic-mixed")
    surface_view, contour_view = window.surface_view, window.contour_view
    surface_view.render_to_array(*SHOT)
    item = surface_view.probe_item
    tangents = [stroke for stroke in item.strokes if stroke.mode == GL.GL_LINES]
    assert [stroke.colour for stroke in tangents] == list(PARTIAL_COLOURS)
    for axis, (stroke, partial) in enumerate(zip(tangents, (10.0, 14.0), strict=True)):
        ends = surface_view.scene_mapping.to_data(item.scene_vertices[stroke.first: stroke.first + 2])
        assert slope_of(ends, axis) == pytest.approx(partial, rel=1e-9)
    surface_view.make_current()
    GL.glBindBuffer(GL.GL_ARRAY_BUFFER, item.buffer.buffer_id)
    data = GL.glGetBufferSubData(GL.GL_ARRAY_BUFFER, 0, item.scene_vertices.size * 4)
    GL.glBindBuffer(GL.GL_ARRAY_BUFFER, 0)
    surface_view.done_current()
    uploaded = np.frombuffer(bytes(data), dtype=np.float32).reshape(-1, 3)
    assert uploaded == pytest.approx(item.scene_vertices, abs=1e-6), "the GPU holds the overlay's vertices"
    level = contour_view.probe_level.overlay.level_line
    direction, distance = local_direction(level, np.array([1.0, 2.0]))
    assert distance < 0.05
    assert angle_between(direction, np.array([10.0, 14.0])) == pytest.approx(90.0, abs=1.0)
    transform = contour_view.probe_arrows.deviceTransform(contour_view.viewportTransform())
    drawn = contour_view.probe_level.device_polyline(transform)
    full = to_device(transform, level)
    assert 2 <= len(drawn) < len(full) / 2, "the drawn level line is thinned"
    assert distances_to_polyline(full, drawn).max() <= LevelLineItem.TOLERANCE + 1e-9, "and looks the same"
    (x_tail, x_tip), (y_tail, y_tip), (tail, tip) = contour_view.probe_arrows.arrow_pixels(transform)
    assert x_tip[0] > x_tail[0] and x_tip[1] == pytest.approx(x_tail[1], abs=1e-9), "∂f/∂x points right"
    assert y_tip[1] < y_tail[1] and y_tip[0] == pytest.approx(y_tail[0], abs=1e-9), "∂f/∂y points up"
    assert (x_tip - x_tail) + (y_tip - y_tail) == pytest.approx(tip - tail)


def test_the_lines_over_a_curve_lie_inside_their_clipping_box(make_main_window) -> None:
    """Over a curve the probe's lines lie just in front of its tube, well inside the clipping box (lines at the
    box's very edge had every other fragment dropped by rounding, and a tangent came out as scattered dots)."""
    window = make_main_window("double-well")
    view = window.surface_view
    view.render_to_array(*SHOT)
    item = view.probe_item
    low, high = item.box
    assert item.strokes and (item.scene_vertices[:, 1] == -CURVE_FRONT).all()  # the camera stands at −y
    assert (item.scene_vertices[:, :2] > np.array(low[:2])).all() and (item.scene_vertices[:, :2] < high[:2]).all()


def test_the_partial_x_colour_runs_right_from_the_point_on_the_map(make_main_window) -> None:
    window = make_main_window("cubic-mixed", size=(1800, 1000))
    for dock in window.findChildren(QDockWidget):
        dock.hide()  # give the map the room it has without the teaching panels
    for _ in range(5):
        QApplication.processEvents()
    view = window.contour_view
    image = view.render_to_array(view.width(), view.height()).astype(int)
    start = view.data_to_widget(1.0, 2.0)
    arrow = window.probe_presenter.contour_overlay.arrows[0]
    end = view.data_to_widget(*arrow.tip)
    row = round(start.y())
    columns = range(round(start.x()) + 14, round(end.x()) - 18)  # past the run's ball, before the head
    assert len(columns) > 10
    red = np.array(PARTIAL_COLOURS[0][:3]) * 255

    def is_partial_x_colour(pixel: np.ndarray) -> bool:
        """The arrow's hue (shading may darken it): chromaticity close to the ∂f/∂x colour's."""
        rgb = pixel[:3].astype(float) + 1.0
        return bool(np.abs(rgb / rgb.sum() - (red + 1.0) / (red + 1.0).sum()).max() < 0.06 and rgb.max() > 80)

    assert all(is_partial_x_colour(image[row, column]) for column in columns)
    above = image[row - 30, columns[0]: columns[-1]]
    assert not any(is_partial_x_colour(pixel) for pixel in above), "only along the arrow"


def test_moving_the_clock_moves_the_overlay_without_resending_the_surface(make_main_window) -> None:
    window = make_main_window("bowl")
    session, view = window.session, window.surface_view
    session.set_probe(None)  # follow the descent point
    view.render_to_array(*SHOT)
    mesh_uploads, overlay_uploads = view.mesh_item.upload_count, view.probe_item.upload_count
    before = view.probe_overlay.point.copy()
    for step in (1, 2, 3):
        session.set_step(step)
        view.render_to_array(*SHOT)
    assert view.mesh_item.upload_count == mesh_uploads
    assert view.probe_item.upload_count == overlay_uploads + 3
    assert view.probe_overlay.point[:2] == pytest.approx(session.runs[0].points[3])
    assert not np.allclose(view.probe_overlay.point, before)
    contour = window.contour_view.probe_overlay
    assert contour.point == pytest.approx(tuple(session.runs[0].points[3]))


def test_one_variable_shows_the_probe_tangent_and_its_slope(make_main_window) -> None:
    window = make_main_window("double-well")
    view = window.contour_view
    slope = 4 * 0.3**3 - 6.8 * 0.3 + 0.5
    assert view.tangent.isVisible() and view.tangent_halo.isVisible()
    xs, ys = view.tangent.getData()
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(slope, rel=1e-9)
    overlay = view.probe_overlay
    assert overlay.tangent_label == "slope ∂f/∂x = −1.432"
    window.session.set_probe({"x": -1.0})
    xs, ys = view.tangent.getData()
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(-4 + 6.8 + 0.5, rel=1e-9)
    (line,) = window.surface_view.probe_overlay.slices
    assert slope_of(line.tangent, 0) == pytest.approx(-4 + 6.8 + 0.5, rel=1e-9)
    window.probe_presenter.set_shown(False)
    assert view.tangent.isVisible() and not view.tangent_halo.isVisible(), "back to the descent point's tangent"


def test_toggles_in_the_view_menu(make_main_window, qtbot) -> None:
    window = make_main_window("two-weight-loss")
    presenter, view = window.probe_presenter, window.contour_view
    actions = presenter.actions
    assert actions["partials"].isChecked() and not actions["plane"].isChecked()
    assert [action.shortcut().toString() for action in actions.values()] == ["G", "Shift+G", "E"]
    actions["partials"].trigger()
    assert window.surface_view.probe_overlay is None and view.probe_overlay is None
    assert not actions["plane"].isEnabled()
    actions["partials"].trigger()
    assert view.probe_overlay is not None
    window.session.set_range("w1", -1.0, 9.0)  # twice as wide as tall: right angles look skewed
    text = view.probe_text

    def drawn_legend() -> tuple:
        qtbot.wait(20)
        transform = text.deviceTransform(view.viewportTransform())
        return text.scales_differ(transform), text.legend_rows(transform)

    differ, rows = drawn_legend()
    assert differ and rows[-1].note, "the skewed right angle is pointed out"
    actions["aspect"].trigger()
    assert view.equal_aspect and view.view_box.state["aspectLocked"] == 1.0
    differ, rows = drawn_legend()
    assert not differ and not rows[-1].note
    (x_low, x_high), (y_low, y_high) = view.view_box.viewRange()
    assert x_low <= -1.0 and x_high >= 9.0 and y_low <= -1.0 and y_high >= 4.0, "the whole domain stays in view"
    again = make_main_window(None)
    assert again.contour_view.equal_aspect, "remembered"


def test_scenes_about_right_angles_are_drawn_with_equal_aspect(make_main_window, qtbot) -> None:
    from gradviz.core.lessons import shipped_lessons

    window = make_main_window("two-weight-loss", size=(1280, 720))
    view, session = window.contour_view, window.session

    def units_per_pixel() -> tuple[float, float]:
        qtbot.wait(20)
        return view.view_box.viewPixelSize()

    across, up = units_per_pixel()
    assert not view.equal_aspect and abs(across / up - 1.0) > 0.05, "a 1280 × 720 window skews a square domain"
    gradient_lesson = next(lesson for lesson in shipped_lessons() if lesson.title.startswith("The gradient"))
    window.open_scenario(gradient_lesson.scenes[1].scenario, wait=True)  # ∇f = (2, 4), perpendicular to the circle
    across, up = units_per_pixel()
    assert view.equal_aspect and window.probe_presenter.actions["aspect"].isChecked()
    assert across == pytest.approx(up, rel=1e-6), "∇f crosses the circle at a right angle on the screen"
    (x_low, x_high), (y_low, y_high) = view.view_box.viewRange()
    assert x_low <= -3.0 and x_high >= 3.0 and y_low <= -3.0 and y_high >= 3.0, "the whole domain stays in view"
    window.open_scenario(find_preset("bowl").scenario, wait=True)  # says nothing: the viewer's choice (unequal)
    assert not view.equal_aspect and not window.probe_presenter.actions["aspect"].isChecked()
    window.probe_presenter.actions["aspect"].trigger()
    assert view.equal_aspect and session.view.equal_aspect
    window.edit_history.undo()
    qtbot.waitUntil(lambda: not view.equal_aspect)  # an edit like any other view option
    assert window.statusBar().currentMessage() == "Undone: equal aspect"
    window.open_scenario(find_preset("bowl").scenario, wait=True)
    assert view.equal_aspect, "the remembered choice, for scenarios that make none"


def test_an_export_keeps_the_domains_shape_whatever_its_scenario_asks_and_notes_a_strip_only_when_asked() -> None:
    """A picture keeps the plotted ranges' shape where its map has room: it drew x² + 2y² over its square domain at
    different scales unless the scenario (or the window) asked for equal aspect. A strip is drawn at different
    scales either way, the window's note on it only when equal aspect was asked for."""
    from gradviz.app.contour_view import EQUAL_ASPECT_DROPPED
    from gradviz.app.exporter import FrameRenderer
    from gradviz.core.scenario import scenario_from_dict, scenario_to_dict

    scenario = find_preset("bowl-at-1-2").scenario
    assert scenario.view.equal_aspect
    assert scenario_from_dict(scenario_to_dict(scenario)) == scenario
    data = scenario_to_dict(replace(scenario, view=replace(scenario.view, equal_aspect=None)))
    assert "equal_aspect" not in data["view"], "a scenario that leaves it open says nothing"
    strip = replace(scenario.plot, ranges={"x": (-10.0, 10.0), "y": (-1.0, 1.0)})
    for equal, plot, shape_kept in ((True, scenario.plot, True), (False, scenario.plot, True), (True, strip, False),
                                    (False, strip, False)):
        session = Session()
        session.apply_scenario(replace(scenario, plot=plot, view=replace(scenario.view, equal_aspect=equal)),
                               analyze_in_process(scenario.formula))
        exporter = FrameRenderer(session, (1280, 720))
        try:
            exporter.render_step(0)
            across, up = exporter.contour_view.view_box.viewPixelSize()
            assert (abs(across / up - 1.0) < 1e-6) == shape_kept
            legend = " ".join(exporter.contour_view.probe_text.legend_texts)
            assert (EQUAL_ASPECT_DROPPED.short in legend or EQUAL_ASPECT_DROPPED.text in legend) == (
                equal and not shape_kept)
        finally:
            exporter.close()


def test_undefined_stretches_of_a_slice_are_left_out() -> None:
    heights = [1.0, np.nan, 1.0, 2.0, 3.0, np.nan, 5.0, 6.0]
    assert finite_runs(np.column_stack([np.arange(8.0), np.zeros(8), heights])) == [(2, 5), (6, 8)]
    session = Session()
    session.set_analysis(analyze_in_process("log(x) + y^2"))
    session.set_probe({"x": 1.0, "y": 0.5})
    surface, contour = ProbePresenter(session, None, None).compute()
    along_x = surface.slices[0].curve
    assert np.isnan(along_x[:, 2]).any() and np.isfinite(along_x[along_x[:, 0] > 0, 2]).all()
    assert len(finite_runs(along_x)) == 1
    assert contour.arrows[0].tip[0] > 1.0, "∂f/∂x = 1/x > 0 points right"


def test_one_change_computes_the_overlays_once_for_what_they_show(make_main_window, monkeypatch) -> None:
    window = make_main_window("rosenbrock")
    presenter = window.probe_presenter
    calls = []
    compute = presenter.compute
    monkeypatch.setattr(presenter, "compute", lambda: calls.append(1) or compute())
    window.session.set_step(window.session.step)  # nothing changed: nothing computed
    assert calls == []
    window.session.set_step(window.session.step + 1)
    assert len(calls) == 1
    window.session.set_analysis(analyze_in_process("(1 - x)^2 + 50(y - x^2)^2"))  # field, runs and clock signals
    assert len(calls) <= 3, "the field's signal computes; the runs' and the clock's only if the point moved"
    surface_overlay, contour_overlay = presenter.surface_overlay, presenter.contour_overlay
    assert contour_overlay is not None and surface_overlay is not None
    assert contour_overlay.point == pytest.approx(window.session.runs[0].points[window.session.step][:2])


@pytest.mark.parametrize("thinned_indices", [simplified_indices, thinned_smooth_indices])
def test_thinning_a_polyline_keeps_it_within_tolerance_and_keeps_its_ends(thinned_indices: Callable) -> None:
    turns = np.linspace(0.0, 2 * np.pi, 800)
    ellipse = np.column_stack([300 + 200 * np.cos(turns), 300 + 80 * np.sin(turns)])
    for tolerance in (0.1, 1.0):
        thinned = ellipse[thinned_indices(ellipse, tolerance)]
        assert len(thinned) < len(ellipse) / 4
        assert np.array_equal(thinned[[0, -1]], ellipse[[0, -1]])
        assert distances_to_polyline(ellipse, thinned).max() <= tolerance
    straight = np.column_stack([np.linspace(0, 10, 50), np.linspace(0, 5, 50)])
    assert np.array_equal(thinned_indices(straight, 0.1), [0, 49])
    spike = np.array([[0.0, 0.0], [5.0, 0.0], [-3.0, 0.0], [10.0, 0.0]])  # doubles back along its own chord
    assert np.array_equal(thinned_indices(spike, 0.1), np.arange(4))
    assert np.array_equal(thinned_indices(spike[:2], 0.1), [0, 1])
    corner = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [2.0, 2.0]])  # a level line through a saddle
    assert np.array_equal(thinned_indices(corner, 0.1), [0, 2, 4])


def test_a_level_line_is_thinned_as_far_by_halving_as_by_douglas_peucker() -> None:
    """A level line traced on a grid (vertices where it crosses the grid lines) loses as many vertices either way."""
    xs = np.linspace(-2.0, 2.0, 200)
    heights = (1 - xs[None, :]) ** 2 + 100 * (xs[:, None] - xs[None, :] ** 2) ** 2
    line = max(contourpy.contour_generator(xs, xs, heights).lines(4.0), key=len) * 140.0  # about a map's pixels
    halved, peucker = thinned_smooth_indices(line, 0.1), simplified_indices(line, 0.1)
    assert len(peucker) < len(line) / 4
    assert len(halved) <= 1.2 * len(peucker)
    assert distances_to_polyline(line, line[halved]).max() <= 0.1


def test_a_long_path_of_small_steps_is_thinned_within_tolerance() -> None:
    """A 30,000-step run crawls in steps far below a pixel: a few dozen points draw it."""
    generator = np.random.default_rng(3)
    steps = generator.normal(size=(30_000, 2)) * 0.002 + np.array([0.01, 0.004])  # a wandering drift, in pixels
    path = np.cumsum(steps, axis=0)
    kept = simplified_path_indices(path, 0.25)
    assert kept[0] == 0 and kept[-1] == len(path) - 1 and np.all(np.diff(kept) > 0)
    assert len(kept) < len(path) / 50
    assert distances_to_polyline(path, path[kept]).max() <= 0.25


def test_a_slice_on_the_surface_breaks_where_it_leaps_past_a_pole() -> None:
    """f(x, y0) of 1/x + y² runs from the floor to the top of the box between two samples: no line there."""
    session = session_for("bowl")
    session.set_analysis(analyze_in_process("1/x + y^2"))
    session.set_probe({"x": 1.5, "y": 0.5})
    surface, _ = ProbePresenter(session, None, None).compute()
    along_x = surface.slices[0].curve
    assert np.isnan(along_x[:, 2]).sum() == 1
    assert not np.isnan(surface.slices[1].curve[:, 2]).any(), "along y, f is a parabola"


def test_a_slice_breaks_where_f_jumps_on_either_side_of_the_point() -> None:
    """atan(y/x) jumps across x = 0: the slice along x breaks there, wherever the probe point lies."""
    session = session_for("bowl")
    session.set_analysis(analyze_in_process("atan(y/x)"))
    for x0 in (1.5, -1.5, 0.001):
        session.set_probe({"x": x0, "y": 0.5})
        surface, _ = ProbePresenter(session, None, None).compute()
        along_x = surface.slices[0].curve
        gap = np.flatnonzero(np.isnan(along_x[:, 2]))
        assert len(gap) == 1 and abs(along_x[gap[0], 0]) < 0.05, x0
        joined = np.delete(along_x, gap, axis=0)
        steps = np.abs(np.diff(joined[:, 2]))
        assert steps[gap[0] - 1] > 2.0 and np.delete(steps, gap[0] - 1).max() < 0.5, "the jump only at the gap"
        assert not np.isnan(surface.slices[1].curve[:, 2]).any(), "along y, atan(y/x) has no jump"


def test_the_level_line_through_the_point_stops_at_a_jump() -> None:
    """atan(y/x) = c is the ray through the point, not also the jump along x = 0, which leaps past every level."""
    session = session_for("bowl")
    session.set_analysis(analyze_in_process("atan(y/x)"))
    session.set_probe({"x": 2.5, "y": -1.5})
    _, contour = ProbePresenter(session, None, None).compute()
    line = contour.level_line
    assert len(line) > 10
    along_the_jump = (np.abs(line[:, 0]) < 0.1) & (np.abs(line[:, 1]) > 0.5)
    assert not along_the_jump.any()
    assert np.allclose(line[:, 1] / line[:, 0], -1.5 / 2.5, atol=0.02), "on the ray y = −0.6x"


def test_over_a_curve_the_probe_legend_keeps_off_the_curve(make_main_window) -> None:
    """The two-minima curve in log height: the legend's corner, chosen for the point alone, hid the deeper minimum."""
    window = make_main_window("double-well")
    window.session.set_view(log_height=True)
    view = window.contour_view
    view.grab()
    transform = view.probe_text.deviceTransform(view.viewportTransform())
    curve = to_device(transform, np.column_stack([view.curve.xData, view.curve.yData]))
    legend = view.probe_text.legend_rect
    assert not legend.isEmpty()
    inside = ((curve[:, 0] >= legend.left()) & (curve[:, 0] <= legend.right()) & (curve[:, 1] >= legend.top())
              & (curve[:, 1] <= legend.bottom()))
    assert np.count_nonzero(inside) < 0.02 * len(curve)


def test_at_a_saddle_the_level_line_is_the_whole_cross_and_no_arrow_points_anywhere() -> None:
    """The saddle trap's run stops at x² − y²'s saddle with |∇f| = 9e−07: the map showed half the ✕ (a '<')."""
    session = session_for("saddle-trap")
    session.set_probe(None)
    session.set_step(session.last_step)
    _surface, contour = ProbePresenter(session, None, None).compute()
    assert all(arrow.tip == arrow.tail for arrow in contour.arrows) and contour.right_angle is None
    assert [row.text for row in contour.legend if row.note] == [
        "∇f ≈ 0 here (|∇f| = 9.25596e−7), too short to draw: a saddle point, not a minimum"]
    line = contour.level_line
    pieces = np.split(line, np.flatnonzero(~np.isfinite(line).all(axis=1)))
    finite = line[np.isfinite(line).all(axis=1)]
    assert len(pieces) >= 2 and np.allclose(np.abs(finite[:, 0]), np.abs(finite[:, 1]), atol=0.05)  # on y = ±x
    for sign_x, sign_y in itertools.product((-1, 1), repeat=2):  # all four arms, out to the map's corners
        arm = finite[(np.sign(finite[:, 0]) == sign_x) & (np.sign(finite[:, 1]) == sign_y)]
        assert len(arm) and np.abs(arm).max() > 1.5


def test_a_part_too_short_to_draw_beside_a_drawn_gradient_still_gets_its_tag(make_main_window) -> None:
    """The saddle's ∂f/∂y = −0.1 beside ∂f/∂x = 3.6 is under the 6 pixels an arrow needs; the legend says the tags
    give the values, so its tag is there (and a zero part's tag along its axis)."""
    from gradviz.app.contour_view import ProbeArrowsItem, tag_direction

    window = make_main_window("saddle", size=(1400, 900))
    view = window.contour_view
    view.grab()
    transform = view.probe_text.deviceTransform(view.viewportTransform())
    (_x_tail, _x_tip), (y_tail, y_tip), _gradient = view.probe_arrows.arrow_pixels(transform)
    assert np.hypot(*(y_tip - y_tail)) < ProbeArrowsItem.SHORTEST
    assert {"∇f = (3.6, −0.1)", "∂f/∂x = 3.6", "∂f/∂y = −0.1"} == set(view.probe_text.tag_texts)
    assert tag_direction(np.zeros(2), np.zeros(2), 1) == pytest.approx([0.0, -1.0])
    assert tag_direction(np.zeros(2), np.array([0.0, 3.0]), 1) == pytest.approx([0.0, 1.0])


@pytest.mark.parametrize("preset", ["himmelblau", "shifted-bowl", "x2y-plus-xy2"])
def test_the_probe_tags_on_the_map_keep_off_the_arrows(make_main_window, preset) -> None:
    """At 1280 × 720 Himmelblau's ∂f/∂y tag covered the ∇f arrow beside it."""
    from gradviz.app.view_common import segment_boxes

    window = make_main_window(preset, size=(1280, 720))
    view = window.contour_view
    view.grab()
    transform = view.probe_text.deviceTransform(view.viewportTransform())
    shafts = [box for tail, tip in view.probe_arrows.arrow_pixels(transform)
              for box in segment_boxes(tail, tail + 0.9 * (tip - tail), 6.0, 0.0)]  # short of the tip, its tag's place
    tags = view.probe_text.tag_boxes
    assert len(tags) == 3 and not any(tag.intersects(shaft) for tag in tags for shaft in shafts)


def test_a_level_that_crosses_none_of_the_map_is_not_named_in_the_legend() -> None:
    """The bowl climbed with the wrong sign: its legend named 'level line f = 325.9', a level nowhere on the map."""
    session = session_for("bowl")
    session.update_run(0, sign="wrong", lr=0.3, max_steps=12)
    session.wait_for_runs()
    session.set_probe(None)
    session.set_step(session.last_step)
    _surface, contour = ProbePresenter(session, None, None).compute()
    assert len(contour.level_line) == 0 and session.runs[0].run.steps[-1].value > session.field.values.max()
    assert not any(row.text.startswith("level line") for row in contour.legend)
    session.set_step(0)
    _surface, contour = ProbePresenter(session, None, None).compute()
    assert len(contour.level_line) > 1 and any(row.text.startswith("level line") for row in contour.legend)


def test_at_the_presentation_scale_the_probe_arrows_show_over_the_ball(make_main_window) -> None:
    """Presenting at 1280 × 720, the ball (enlarged) hid ∂f/∂x's short arrow, which starts at its centre."""
    window = make_main_window("plane-x-2y", size=(1280, 720))
    window.session.set_presentation_scale(1.6)
    view = window.contour_view
    image = qimage_to_array(view.grab().toImage())
    transform = view.probe_arrows.deviceTransform(view.viewportTransform())
    (tail, tip), *_ = view.probe_arrows.arrow_pixels(transform)  # ∂f/∂x: along +x from the ball's centre
    ball_radius = ContourView.BALL_SIZE * 1.6 / 2  # the ball's, in pixels, presenting
    inside = tail + (tip - tail) / np.hypot(*(tip - tail)) * 0.85 * ball_radius  # past the point's white dot
    red = np.array([255 * c for c in PARTIAL_COLOURS[0][:3]])  # unveiled: the start marker lies under the arrows
    row, column = round(float(inside[1])), round(float(inside[0]))
    patch = image[row - 2:row + 3, column - 2:column + 3, :3].astype(float)
    assert np.abs(patch - red).max(axis=2).min() < 25  # the arrow's red over the ball (the ball's orange before)


def test_the_start_marker_lies_under_the_ball_near_the_start(make_main_window) -> None:
    """Rosenbrock at 1280 × 720, step 4: the start marker's translucent disc was drawn over the ball, whitening it."""
    window = make_main_window("rosenbrock", size=(1280, 720))
    window.session.set_step(4)
    view = window.contour_view
    image = qimage_to_array(view.grab().toImage())
    ball = view.run_items[0].ball
    centre = view.data_to_widget(float(ball.data["x"][0]), float(ball.data["y"][0]))
    marker = view.mapFromScene(view.start_marker.scenePos())
    rows, columns = np.indices(image.shape[:2])
    in_ball = np.hypot(columns - centre.x(), rows - centre.y()) < 0.9 * ContourView.BALL_SIZE / 2
    in_marker = np.hypot(columns - marker.x(), rows - marker.y()) < view.start_marker.scale / 2
    overlap = in_ball & in_marker
    assert overlap.sum() > 100  # the marker covers much of the ball
    orange = np.array(ball.opts["brush"].color().getRgb()[:3], dtype=float)
    ball_coloured = np.abs(image[..., :3].astype(float) - orange).max(axis=2) < 40  # veiled: 57 off, or more
    assert (ball_coloured & overlap).sum() > 0.2 * overlap.sum()  # the ball's own colour there (none), not whitened


def test_critical_names_on_the_map_keep_off_the_probes_level_line(make_main_window, qtbot) -> None:
    """Saddle-trap at 1280 × 720, step 4: the level line cut through "saddle", which sat right on the ∂f/∂x tag."""
    window = make_main_window("saddle-trap", size=(1280, 720))
    view = window.contour_view
    qtbot.wait(300)  # shown at step 0, where the arrow moved "saddle" below its mark: names stay till something meets
    window.session.set_step(4)
    qtbot.wait(300)
    transform = view.critical_points.deviceTransform(view.viewportTransform())
    names = view.critical_points.name_boxes(transform)
    assert [text for text, _box, _colour in view.critical_points.label_placer(transform).tags] == ["saddle"]
    level = view.probe_level.device_polyline(transform)
    assert len(level) > 1
    shares = np.linspace(0.0, 1.0, 200)[:, None, None]
    along = (level[:-1] + (level[1:] - level[:-1]) * shares).reshape(-1, 2)  # points every pixel or so along it
    along = along[np.isfinite(along).all(axis=1)]
    for box in names:
        inside = (along[:, 0] > box.left() - 1) & (along[:, 0] < box.right() + 1) \
            & (along[:, 1] > box.top() - 1) & (along[:, 1] < box.bottom() + 1)
        assert not inside.any()  # the line runs clear of the name
        for tag in view.probe_text.tag_boxes:
            assert not box.adjusted(-0.5, -0.5, 0.5, 0.5).intersects(tag)  # apart


def test_a_critical_name_with_no_room_beside_its_mark_goes_farther_with_a_leader(qapp) -> None:
    """Lesson 9, scene 1 exported at 1280 × 720: Himmelblau's maximum lies between the probe's ∇f and ∂f/∂y arrows
    and its "max" was left out, on the one lesson about critical points. The map places it farther, with a line."""
    from PySide6.QtGui import QFont

    from gradviz.app.view_common import place_critical_tags

    centre = np.array([200.0, 200.0])
    walls = [QtCore.QRectF(150.0, 150.0, 100.0, 36.0), QtCore.QRectF(150.0, 214.0, 100.0, 36.0),
             QtCore.QRectF(150.0, 186.0, 42.0, 28.0), QtCore.QRectF(208.0, 186.0, 42.0, 28.0)]  # no room near it
    font = QFont()
    font.setPixelSize(13)
    bounds = QtCore.QRectF(0.0, 0.0, 400.0, 400.0)
    near = place_critical_tags(None, centre[None, :], ["maximum"], 1.0, font, bounds, walls)
    assert near.tags == []
    far = place_critical_tags(None, centre[None, :], ["maximum"], 1.0, font, bounds, walls, far=True)
    ((text, box, _colour),), ((leader, _line_colour),) = far.tags, far.leaders
    assert text == "max" and not any(box.intersects(wall) for wall in walls) and bounds.contains(box)
    assert (leader.x1(), leader.y1()) == tuple(centre), "the line runs back to the ▲"


def test_the_probe_tags_on_the_map_keep_off_the_drawn_path(make_main_window) -> None:
    """Elongated bowl at 1280 × 720, step 4: the ∂f/∂x tag lay across the zigzag path, two segments and a step dot."""
    window = make_main_window("elongated-bowl", size=(1280, 720))
    window.session.set_step(4)
    view = window.contour_view
    view.grab()
    transform = view.probe_text.deviceTransform(view.viewportTransform())
    path = to_device(transform, view.run_items[0].drawn_path())
    assert len(path) == 5
    shares = np.linspace(0.0, 1.0, 400)[:, None, None]
    along = (path[:-1] + (path[1:] - path[:-1]) * shares).reshape(-1, 2)  # a point every pixel or so
    assert len(view.probe_text.tag_boxes) == 3
    for box in view.probe_text.tag_boxes:
        inside = (along[:, 0] >= box.left()) & (along[:, 0] <= box.right()) & (along[:, 1] >= box.top()) \
            & (along[:, 1] <= box.bottom())
        assert not inside.any()


def test_the_3d_probe_tags_keep_off_the_legend(make_main_window) -> None:
    """Presenting at 1280 × 720, the 3D legend ('Log height: …') hid Rosenbrock's ∂f/∂x tag."""
    window = make_main_window("rosenbrock", size=(1280, 720))
    window.session.set_presentation_scale(1.6)
    view = window.surface_view
    view.render_to_array(view.width(), view.height())
    _labels, tags = view.drawn_labels
    assert len(tags) == 2 and not view.drawn_legend.isEmpty()
    assert not any(tag.intersects(view.drawn_legend) for tag in tags)


def test_no_right_angle_mark_is_left_beside_an_arrow_too_short_to_draw(make_main_window) -> None:
    """Near the end of a run the ∇f arrow was too short to draw, but its right-angle mark still floated there."""
    window = make_main_window("himmelblau", size=(1280, 720))
    session, arrows = window.session, window.contour_view.probe_arrows
    session.set_presentation_scale(1.6)  # a small map, presenting: arrows fall below the shortest drawn sooner
    session.set_probe(None)  # following the ball
    transform = arrows.deviceTransform(window.contour_view.viewportTransform())
    shown = []
    for step in range(session.last_step + 1):
        session.set_step(step)
        tail, tip = arrows.arrow_pixels(transform)[-1]
        long_enough = float(np.hypot(*(tip - tail))) >= arrows.SHORTEST * arrows.pixel_scale
        shown.append((arrows.overlay.right_angle is not None, long_enough, arrows.right_angle_shown(transform)))
    assert (True, True, True) in shown and (True, False, False) in shown  # a mark only beside an arrow drawn
    assert all(drawn == (has_mark and long_enough) for has_mark, long_enough, drawn in shown)


@pytest.mark.parametrize("lesson", range(3))
def test_presenting_the_probe_legend_keeps_off_the_arrows(make_main_window, lesson) -> None:
    """Presenting at 1280 × 720, the map's legend lay on ∂f/∂y's head and the ∇f arrow (lesson two's first scene)."""
    from gradviz.app.view_common import segment_boxes
    from gradviz.core.lessons import shipped_lessons

    window = make_main_window(None, size=(1280, 720))
    window.presentation.enter()
    window.resize(1280, 720)  # no window manager here: full screen does not resize the window
    window.lesson_player.open_lesson(shipped_lessons()[lesson])
    window.controller.wait()
    QApplication.processEvents()
    view = window.contour_view
    view.grab()
    transform = view.probe_text.deviceTransform(view.viewportTransform())
    shafts = [box for tail, tip in view.probe_arrows.arrow_pixels(transform)
              for box in segment_boxes(tail, tip, 6.0, 0.0)]
    assert not view.probe_text.legend_rect.isEmpty()
    assert not any(view.probe_text.legend_rect.intersects(shaft) for shaft in shafts)


def test_the_3d_probe_marker_is_not_drawn_once_the_point_leaves_the_box(make_main_window) -> None:
    """The saddle's escape run left the plot (y = 11.9): its probe ring floated above the colour bar."""
    window = make_main_window("saddle", size=(1280, 720))
    session = window.session
    session.update_run(0, start={"x": 0.0, "y": 0.5}, lr=0.2, max_steps=12)
    session.wait_for_runs()
    session.set_probe(None)
    item = window.surface_view.probe_item
    session.set_step(0)
    assert item.marker_shown()
    session.set_step(session.last_step)
    assert abs(session.runs[0].run.steps[-1].point[1]) > 3.0 and not item.marker_shown()


def test_no_probe_dot_is_drawn_over_the_ball_it_follows(make_main_window) -> None:
    """With the arrows over the ball, the probe's white dot sat on it too: the ball marks the point already."""
    from gradviz.app.presenters import run_colour

    window = make_main_window("himmelblau")
    window.session.set_probe(None)
    window.session.set_step(5)
    view = window.contour_view
    image = qimage_to_array(view.grab().toImage())
    transform = view.probe_arrows.deviceTransform(view.viewportTransform())
    centre = to_device(transform, np.array([view.probe_arrows.overlay.point]))[0]
    # away from the arrows (and their tails' halos, 2–3 pixels round the point), inside the dot (5 pixels round it)
    up_right = centre + np.array([1.0, -1.0]) / np.sqrt(2) * 0.45 * ContourView.BALL_SIZE / 2
    pixel = image[round(float(up_right[1])), round(float(up_right[0])), :3].astype(float)
    ball = 255 * np.array(run_colour(0)[:3])
    assert np.abs(pixel - ball).max() < 90 and pixel.min() < 150, pixel  # the ball's (shaded) orange, not the white dot


def test_a_small_3d_view_keeps_its_legend_to_a_share_of_the_picture(make_main_window) -> None:
    """At 1024 × 768 the 3D legend's log-height note covered the height axis's title and the top of the surface (a
    view that small is now at 900 pixels: below 1280 the docks give the views room first)."""
    from gradviz.app.surface_view import LEGEND_SHARE

    heights = {}
    for size in ((900, 768), (1600, 1000)):
        view = make_main_window("rosenbrock", size=size).surface_view
        view.render_to_array(view.width(), view.height())
        legend = view.drawn_legend
        assert not legend.isEmpty() and legend.width() * legend.height() <= LEGEND_SHARE * view.width() * view.height()
        heights[size] = legend.height()
    assert heights[(900, 768)] < heights[(1600, 1000)] / 2  # f at the point alone; the note too in a larger view


def test_a_legend_wider_than_its_room_is_shortened_then_left_out(qapp) -> None:
    """On an equal-aspect map 80 pixels wide the legend's box ran past the map's edge: "f = 170" read "f = 17"."""
    from PySide6.QtGui import QFont, QFontMetricsF

    from gradviz.app.view_common import LegendRow, fitted_legend

    font = QFont()
    rows = (LegendRow("level line f = 170", colour=(0.0, 0.0, 0.0, 1.0), short="f = 170"),)
    wide = fitted_legend(font, rows, 20.0, 400.0, 1e6)
    assert wide is not None and wide.lines[0][1] == "level line f = 170"
    for room in range(10, 400, 5):
        legend = fitted_legend(font, rows, 20.0, float(room), 1e6)
        assert legend is None or legend.size.width() <= room, room
        assert legend is None or "f = 170" in " ".join(line[1] for line in legend.lines), room
    short_width = QFontMetricsF(font).horizontalAdvance("f = 170")
    assert fitted_legend(font, rows, 20.0, short_width / 2, 1e6) is None, "no room even for f = 170: left out"


def test_critical_points_names_keep_off_the_probe_arrows(make_main_window) -> None:
    """Himmelblau at 1280 × 720 with critical points and basins: the ∂f/∂x arrow ran through the saddle's name at
    (−3.07, −0.08), drawn over it as "saddl"."""
    from gradviz.app.view_common import clipped_segment

    window = make_main_window("himmelblau", size=(1280, 720))
    window.session.set_view(critical_points=True, basins=True)
    window.controller.wait()
    view = window.contour_view
    points = view.critical_points

    critical = window.session.critical_points()
    assert critical is not None and critical.complete, critical  # a busy machine once left them all unmarked
    view.grab()
    transform = points.deviceTransform(view.viewportTransform())
    names = [(text, box) for text, box, _colour in points.label_placer(transform).tags]
    assert "saddle" in [text for text, _box in names]
    arrows = view.probe_arrows.arrow_pixels(transform)
    assert len(arrows) == 3
    crossed = [text for text, box in names for tail, tip in arrows if clipped_segment(tail, tip, box) is not None]
    assert not crossed, f"the probe's arrows run through {crossed}"


def drawn_line_points(view: object) -> np.ndarray:
    """Points every pixel along the 3D probe's slice curves and the run's path as drawn, in logical pixels."""
    from gradviz.app.view_common import line_samples

    frame = QtCore.QRectF(0.0, 0.0, view.width(), view.height())
    to_pixels = view.scene_projector(view.width(), view.height())
    lines = [to_pixels(view._data_to_scene(line.curve)) for line in view.probe_overlay.slices]
    lines.append(to_pixels(view.trajectory_item.path_points(0)))
    return line_samples(lines, 1.0, frame)


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_the_3d_probe_tags_keep_off_the_slices_and_the_path(make_main_window, size) -> None:
    """Himmelblau at step 12: ∂f/∂y's tag lay over the x slice's curve and the end of the run's path."""
    window = make_main_window("himmelblau", size=size)
    window.session.set_probe(None)  # following the ball
    window.session.set_step(12)
    view = window.surface_view
    view.render_to_array(view.width(), view.height())
    points = drawn_line_points(view)
    _labels, tags = view.drawn_labels
    assert len(tags) == 2 and len(points) > 200
    for tag in tags:
        inner = tag.adjusted(1.0, 1.0, -1.0, -1.0)
        assert not any(inner.contains(QtCore.QPointF(x, y)) for x, y in points), tag


def test_a_tag_with_no_place_clear_of_the_lines_takes_the_one_covering_least(qapp) -> None:
    """Where every place near its anchor covers some line, a tag goes where it covers the fewest of its points."""
    from PySide6.QtGui import QFont

    from gradviz.app.view_common import TagPlacer

    bounds = QtCore.QRectF(0.0, 0.0, 400.0, 400.0)
    grid = np.stack(np.meshgrid(np.arange(0.0, 400.0, 4.0), np.arange(0.0, 400.0, 4.0)), axis=-1).reshape(-1, 2)
    crossed = grid[(grid[:, 0] < 200.0) | (grid[:, 0] % 16.0 == 0.0)]  # lines everywhere, sparser on the right
    anchor, left = np.array([200.0, 200.0]), np.array([-1.0, 0.0])
    plain = TagPlacer(None, QFont(), 5.0, bounds).place("∂f/∂x = 1.5", anchor, left, (0.0, 0.0, 0.0, 1.0))
    placer = TagPlacer(None, QFont(), 5.0, bounds, crossed=crossed)
    box = placer.place("∂f/∂x = 1.5", anchor, left, (0.0, 0.0, 0.0, 1.0))

    def covered(rect: QtCore.QRectF) -> int:
        return sum(rect.contains(QtCore.QPointF(x, y)) for x, y in crossed)

    assert box is not None and plain is not None
    assert 0 < covered(box) < covered(plain) and box.left() > anchor[0]  # turned to the sparse side


@pytest.mark.parametrize(("preset", "size"), [("wrong-sign", (1920, 1080)), ("double-well", (1600, 1000))])
def test_the_slope_label_keeps_off_the_curve_and_the_runs_paths(make_main_window, preset, size) -> None:
    """At step 5 the map's "slope ∂L/∂w = −14.93" lay over the wrong-sign run's path and the curve."""
    from gradviz.app.view_common import line_samples

    window = make_main_window(preset, size=size)
    window.session.set_step(5)
    view = window.contour_view
    view.grab()
    text = view.probe_text
    transform = text.deviceTransform(view.viewportTransform())
    landmarks = view.basins_legend.landmarks
    lines = [landmarks.curve_pixels(transform), *(to_device(transform, path) for path in landmarks.paths)]
    samples = line_samples(lines, 2.0, text.plot_rect(transform))
    (slope_tag,) = (box for box, tag in zip(text.tag_boxes, text.tag_texts, strict=True) if tag.startswith("slope"))
    assert not any(slope_tag.contains(QtCore.QPointF(x, y)) for x, y in samples)


def gradient_arrow_pixels(view: ContourView) -> float:
    """The length in device pixels of the ∇f arrow the map draws at the probe."""
    tail, tip = view.probe_arrows.arrow_pixels(view.probe_arrows.deviceTransform(view.viewportTransform()))[-1]
    return float(np.hypot(*(tip - tail)))


def test_the_arrows_shrink_with_the_gradient_as_the_ball_arrives_in_the_window_and_an_export(make_main_window) -> None:
    """Himmelblau: |∇f| is 26 at step 0, 18 at step 8, 0.07 at step 24 and 0.0006 at step 40; the arrows were about
    as long at each. They shrink in proportion down to a quarter of their length, keep that while the run is on
    its way (at a hundredth of the start's |∇f| Rosenbrock's valley had no arrows), and vanish as it arrives."""
    from gradviz.app.exporter import FrameRenderer, copy_session
    from gradviz.app.probe_presenter import ARROW_FLOOR

    window = make_main_window("himmelblau", size=(1280, 720))
    session = window.session
    session.set_probe(None)  # following the ball
    steps = (0, 8, 24, 40)
    norms = [math.hypot(*session.runs[0].run.steps[step].gradient) for step in steps]
    assert norms[0] == pytest.approx(26.08, abs=0.01) and norms[2] < 0.1 and norms[3] < 0.001
    renderer = FrameRenderer(copy_session(session), (1280, 720), "contour", False)
    pixels, lengths = {}, {}
    for view, show, drawn in (("window", session.set_step, window.contour_view),
                              ("export", renderer.show_step, renderer.contour_view)):
        for step in steps:
            show(step)
            drawn.grab()
            pixels[view, step] = gradient_arrow_pixels(drawn)
            arrow = drawn.probe_arrows.overlay.arrows[-1]  # ∇f's, in the map's units
            lengths[view, step] = math.dist(arrow.tail, arrow.tip)
    renderer.close()
    for view in ("window", "export"):
        assert pixels[view, 0] > 40  # a readable arrow at the start…
        assert lengths[view, 8] / lengths[view, 0] == pytest.approx(norms[1] / norms[0])  # …in proportion to |∇f|…
        assert lengths[view, 24] / lengths[view, 0] == pytest.approx(ARROW_FLOOR)  # …down to a floor…
        assert pixels[view, 24] > 20
        assert pixels[view, 40] < ProbeArrowsItem.SHORTEST  # …then too short to draw: the legend gives ∇f instead
    text = window.contour_view.probe_text
    window.contour_view.grab()
    assert any(line.startswith("∇f = (−0.0002286, 0.0005519)") for line in text.legend_texts), text.legend_texts


@pytest.mark.parametrize("preset", ["beale", "himmelblau", "bowl"])
def test_a_run_s_start_has_arrows_to_read_however_steep_the_rest_of_the_map(make_main_window, preset: str) -> None:
    """Beale's start (|∇f| = 99 against the map's median 1286) had its arrows hidden under the ball at the median's
    scale, their tags beside nothing: the arrows are full length at the start's |∇f| (within the field's range)."""
    window = make_main_window(preset, size=(1280, 720))
    window.session.set_probe(None)
    window.session.set_step(0)
    view = window.contour_view
    shorter_side = min(view.plot_item.vb.width(), view.plot_item.vb.height())
    assert gradient_arrow_pixels(view) > 0.2 * shorter_side
