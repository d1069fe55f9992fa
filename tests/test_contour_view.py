"""The 2D contour view, checked on real renderings and simulated mouse input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from polylines import distances_to_polyline
from PySide6 import QtCore, QtGui, QtSvg, QtWidgets

from gradviz.app.colormaps import colormap_lut, lut_to_uint8
from gradviz.app.contour_view import (
    AXIS_LEAST_WIDTH,
    TOP_LEFT_FIRST,
    ContourExport,
    ContourView,
    LegendObstacles,
    choose_levels,
    contour_polylines,
    labelled_level_indices,
    least_hiding_place,
    level_fractions,
    level_texts,
    line_colours,
    log_scale_levels,
    map_colour_levels,
    spaced_ticks,
)
from gradviz.app.view_common import (
    LABEL_GAP,
    ContourProbeOverlay,
    LegendRow,
    TrajectoryData,
    clipped_segment,
    clipped_segments,
    path_exit,
    qimage_to_array,
    segment_boxes,
    spaced_labels,
)

WIDTH, HEIGHT = 640, 420
LEFT = QtCore.Qt.MouseButton.LeftButton


@pytest.fixture
def view(qtbot):
    """A shown contour view of a fixed size."""
    widget = ContourView()
    qtbot.addWidget(widget)
    widget.resize(WIDTH, HEIGHT)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def grid(count: int = 101) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A square grid over [-2, 2]² and its meshgrid x and y."""
    xs = np.linspace(-2.0, 2.0, count)
    grid_x, grid_y = np.meshgrid(xs, xs)
    return xs, grid_x, grid_y


def luminance(image: np.ndarray) -> np.ndarray:
    """Per-pixel brightness."""
    return image[..., :3].astype(float) @ np.array([0.3, 0.59, 0.11])


def viewport_point(view: ContourView, x: float, y: float) -> QtCore.QPoint:
    """Viewport pixel of a data point."""
    return view.data_to_widget(x, y).toPoint()


def send_mouse(view: ContourView, kind: QtCore.QEvent.Type, point: QtCore.QPoint, buttons) -> None:
    """Deliver one mouse event with an explicit button state to the viewport."""
    position = QtCore.QPointF(point)
    global_position = QtCore.QPointF(view.viewport().mapToGlobal(point))
    button = LEFT if kind != QtCore.QEvent.Type.MouseMove else QtCore.Qt.MouseButton.NoButton
    event = QtGui.QMouseEvent(kind, position, global_position, button, buttons, QtCore.Qt.KeyboardModifier.NoModifier)
    QtWidgets.QApplication.sendEvent(view.viewport(), event)


def drag(qtbot, view: ContourView, start: QtCore.QPoint, end: QtCore.QPoint, steps: int = 8) -> None:
    """Press at start, move in steps (at a human pace) to end with the left button held, release."""
    send_mouse(view, QtCore.QEvent.Type.MouseButtonPress, start, LEFT)
    for fraction in np.linspace(0.0, 1.0, steps + 1)[1:]:
        qtbot.wait(25)
        point = QtCore.QPoint(
            round(start.x() + (end.x() - start.x()) * fraction), round(start.y() + (end.y() - start.y()) * fraction)
        )
        send_mouse(view, QtCore.QEvent.Type.MouseMove, point, LEFT)
    send_mouse(view, QtCore.QEvent.Type.MouseButtonRelease, end, QtCore.Qt.MouseButton.NoButton)


def pixel_size(view: ContourView) -> float:
    """Data units per viewport pixel along x."""
    return abs(view.data_to_widget(1.0, 0.0).x() - view.data_to_widget(0.0, 0.0).x()) ** -1


def test_level_lines_are_drawn(view):
    xs, grid_x, grid_y = grid()
    heights = grid_x**2 + grid_y**2
    view.set_field(xs, xs, heights, levels=np.array([2.0]))
    with_line = luminance(view.render_to_array(WIDTH, HEIGHT))
    view.level_lines.hide()
    without_line = luminance(view.render_to_array(WIDTH, HEIGHT))
    on_circle = view.data_to_widget(np.sqrt(2.0), 0.0)
    inside = view.data_to_widget(0.5, 0.0)
    x, y = round(on_circle.x()), round(on_circle.y())
    darkening = without_line[y - 1 : y + 2, x - 2 : x + 3] - with_line[y - 1 : y + 2, x - 2 : x + 3]
    assert darkening.max() > 25
    x, y = round(inside.x()), round(inside.y())
    assert abs(without_line[y, x] - with_line[y, x]) < 2
    lines = contour_polylines(xs, xs, heights, np.array([2.0]))
    points = lines[np.isfinite(lines).all(axis=1)]
    assert np.allclose(np.hypot(points[:, 0], points[:, 1]), np.sqrt(2.0), atol=0.01)


def test_line_contours_draw_each_level_in_its_colour_on_white(view):
    """Without the fill the map is white, each level line in its colour-map colour (darkened to show on white)."""
    xs, grid_x, grid_y = grid()
    view.set_arrows_visible(False)
    view.set_field(xs, xs, grid_x**2 + grid_y**2, levels=np.array([1.0, 4.0]))
    filled = view.render_to_array(WIDTH, HEIGHT)
    view.set_contour_fill(False)
    assert not view.fill_item.isVisible() and not view.level_lines.isVisible() and view.coloured_lines.isVisible()
    lines = view.render_to_array(WIDTH, HEIGHT)
    inside = view.data_to_widget(0.5, 0.0)
    x, y = round(inside.x()), round(inside.y())
    assert luminance(filled)[y, x] < 200 and luminance(lines)[y, x] > 250  # the fill was there, now white
    colours = line_colours(view._lut, level_fractions(np.array([1.0, 4.0]), np.array([1.0, 4.0]), 0.0, 8.0))
    for radius, colour in zip((1.0, 2.0), colours, strict=True):
        on_circle = view.data_to_widget(radius / np.sqrt(2.0), radius / np.sqrt(2.0))
        x, y = round(on_circle.x()), round(on_circle.y())
        patch = lines[y - 2 : y + 3, x - 2 : x + 3, :3].reshape(-1, 3).astype(float)
        nearest = patch[np.argmin(np.abs(patch - 255.0 * colour[:3]).sum(axis=1))]
        assert np.abs(nearest - 255.0 * colour[:3]).max() < 40, (radius, nearest, colour)
    assert not np.allclose(colours[0], colours[1], atol=0.1)  # two levels, two colours
    view.set_contour_fill(True)
    assert np.array_equal(view.render_to_array(WIDTH, HEIGHT), filled)


def test_line_colours_keep_the_hue_and_darken_only_light_colours():
    lut = np.array([[0.1, 0.0, 0.3, 1.0], [1.0, 0.95, 0.1, 1.0]])
    dark, light = line_colours(lut, np.array([0.0, 1.0]))
    assert np.allclose(dark, lut[0])
    assert light[:3] @ np.array([0.2126, 0.7152, 0.0722]) == pytest.approx(0.55)
    assert np.allclose(light[:3] / light[0], lut[1, :3] / lut[1, 0])


def test_hidden_arrows_and_line_contours_stay_so_through_a_curve(view):
    xs, grid_x, grid_y = grid(41)
    view.set_arrows_visible(False)
    view.set_contour_fill(False)
    view.set_field(xs, xs, grid_x**2 + grid_y**2, 2 * grid_x, 2 * grid_y)
    view.set_curve(xs, xs**2)
    assert not any(item.isVisible() for item in (view.arrows, view.coloured_lines, view.fill_item))
    view.set_field(xs, xs, grid_x**2 + grid_y**2, 2 * grid_x, 2 * grid_y)
    assert not view.arrows.isVisible() and not view.fill_item.isVisible() and view.coloured_lines.isVisible()
    view.set_arrows_visible(True)
    view.set_contour_fill(True)
    assert view.arrows.isVisible() and view.fill_item.isVisible() and not view.coloured_lines.isVisible()


def test_critical_points_are_marked_and_named_clear_of_each_other(view):
    xs, grid_x, grid_y = grid()
    view.set_arrows_visible(False)
    view.set_field(xs, xs, grid_x**2 - grid_y**2)
    plain = luminance(view.render_to_array(WIDTH, HEIGHT))
    points = [(0.0, 0.0, "saddle"), (1.0, 1.0, "minimum"), (1.15, 1.0, "maximum"), (1.9, -1.0, "inflection")]
    view.set_critical_points(np.array([point[:2] for point in points]), [point[2] for point in points])
    marked = luminance(view.render_to_array(WIDTH, HEIGHT))
    for x, y, _kind in points:
        centre = view.data_to_widget(x, y)
        column, row = round(centre.x()), round(centre.y())
        patch = (slice(row - 6, row + 7), slice(column - 6, column + 7))
        assert (marked[patch] < 60).any() and (np.abs(marked[patch] - plain[patch]) > 40).any()  # a dark edge
    transform = view.critical_points.deviceTransform(view.viewportTransform())
    marks = view.critical_points.mark_boxes(transform)
    tags = view.critical_points.label_placer(transform).taken[len(marks):]
    assert len(tags) == len(points)
    plot = view.critical_points.plot_rect(transform)
    for index, tag in enumerate(tags):
        assert plot.contains(tag)  # the one at the right edge is named on its left
        assert not any(tag.intersects(other) for other in [*marks, *tags[:index], *tags[index + 1:]])
    view.set_critical_points(np.zeros((0, 2)), ())
    assert np.array_equal(luminance(view.render_to_array(WIDTH, HEIGHT)), plain)


def test_a_critical_point_at_a_kink_is_named_so(view):
    """abs(x) − abs(y)'s saddle at its crossed kinks was named "saddle", as a smooth one; the status bar said more."""
    xs, grid_x, grid_y = grid()
    view.set_arrows_visible(False)
    view.set_field(xs, xs, np.abs(grid_x) - np.abs(grid_y))
    view.set_critical_points(np.zeros((1, 2)), ["saddle"])
    smooth = luminance(view.render_to_array(WIDTH, HEIGHT))
    view.set_critical_points(np.zeros((1, 2)), ["saddle"], [True])
    kink = luminance(view.render_to_array(WIDTH, HEIGHT))
    transform = view.critical_points.deviceTransform(view.viewportTransform())
    (_mark, tag) = view.critical_points.label_placer(transform).taken
    assert [text for text, _box, _colour in view.critical_points.label_placer(transform).tags] == ["saddle (kink)"]
    centre = view.data_to_widget(0.0, 0.0)
    beyond_saddle = (slice(round(tag.top()), round(tag.bottom())), slice(round(tag.center().x()), round(tag.right())))
    assert round(centre.x()) < round(tag.center().x())  # named on the mark's right, its longer name ending further
    assert (np.abs(kink[beyond_saddle] - smooth[beyond_saddle]) > 60).any()


def test_critical_points_names_keep_off_the_basins_legend(view):
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 - grid_y**2)
    legend = (LegendRow("each start's end, η = 0.1", note=True), LegendRow("min (1.85, 1.35)", (0.5, 0.7, 0.9, 1.0)))
    view.set_basins(np.full((4, 4, 4), 200, dtype=np.uint8), (-2.0, 2.0), (-2.0, 2.0), legend)
    transform = view.critical_points.deviceTransform(view.viewportTransform())
    (box,) = view.basins_legend.boxes(transform)
    beside = transform.inverted()[0].map(QtCore.QPointF(box.left() - 12.0, box.center().y()))
    view.set_critical_points(np.array([[beside.x(), beside.y()]]), ["saddle"])  # its name goes right: into the box
    (tag,) = view.critical_points.label_placer(transform).taken[2:]  # after the legend's box and the mark
    assert not tag.intersects(box)
    view.set_basins(None, (0.0, 1.0))
    (tag,) = view.critical_points.label_placer(transform).taken[1:]
    assert tag.intersects(box)  # where it goes without the legend


def test_level_lines_stay_translucent_when_widened_for_presenting(view):
    """At the presentation scale the lines are 1.6 pixels wide; drawn as translucent paths, Qt took 100 ms a repaint.

    They are drawn as opaque segments into the item's cache, which is laid over the map translucently: the map's
    colour still shows through them, as before.
    """
    xs, grid_x, grid_y = grid()
    view.set_presentation_scale(1.6)
    view.set_field(xs, xs, grid_x**2 + grid_y**2, levels=np.array([2.0]))
    pen = view.level_lines.opts["pen"]
    assert pen.widthF() == pytest.approx(1.6) and pen.color().alpha() == 255
    assert view.level_lines.opts["segmentedLineMode"] == "on" and view.level_lines.opacity() < 0.5
    with_line = luminance(view.render_to_array(WIDTH, HEIGHT))
    view.level_lines.hide()
    without_line = luminance(view.render_to_array(WIDTH, HEIGHT))
    on_circle = view.data_to_widget(np.sqrt(2.0), 0.0)
    x, y = round(on_circle.x()), round(on_circle.y())
    near = (slice(y - 2, y + 3), slice(x - 3, x + 4))
    darkest = np.unravel_index(np.argmin(with_line[near] - without_line[near]), with_line[near].shape)
    assert without_line[near][darkest] - with_line[near][darkest] > 25  # a line is drawn
    assert with_line[near][darkest] > 0.45 * without_line[near][darkest]  # and the map shows through it


def ink_along(inked: np.ndarray, tails: np.ndarray, tips: np.ndarray, fraction: float) -> int:
    """Darkened pixels in small windows this far along from tail to tip, over all arrows."""
    centres = np.round(tails + fraction * (tips - tails)).astype(int)
    return int(sum(inked[y - 2 : y + 3, x - 2 : x + 3].sum() for x, y in centres))


def test_arrows_point_uphill_then_downhill(view):
    xs, grid_x, _ = grid(41)
    view.set_field(xs, xs, grid_x, np.ones_like(grid_x), np.zeros_like(grid_x))
    view.set_arrows_visible(False)
    plain = luminance(view.render_to_array(WIDTH, HEIGHT))
    view.set_arrows_visible(True)
    for direction, sign in (("uphill", 1.0), ("downhill", -1.0)):
        view.set_arrow_direction(direction)
        transform = view.arrows.deviceTransform(view.viewportTransform())
        tails, tips = view.arrows.arrow_geometry(transform)
        assert len(tips) > 100
        assert np.all(np.sign(tips[:, 0] - tails[:, 0]) == sign)
        assert np.allclose(tips[:, 1], tails[:, 1])
        inked = (plain - luminance(view.render_to_array(WIDTH, HEIGHT))) > 40
        assert ink_along(inked, tails, tips, 0.65) > 1.5 * ink_along(inked, tails, tips, 0.35)


def test_click_reports_data_coordinates(view, qtbot):
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    with qtbot.waitSignal(view.clicked, timeout=2000) as blocker:
        qtbot.mouseClick(view.viewport(), LEFT, pos=viewport_point(view, 0.5, -0.25))
    x, y = blocker.args
    tolerance = 1.5 * pixel_size(view)
    assert abs(x - 0.5) < tolerance
    assert abs(y + 0.25) < 2 * tolerance


def test_hover_reports_data_coordinates(view, qtbot):
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x + grid_y)
    with qtbot.waitSignal(view.hovered, timeout=2000) as blocker:
        send_mouse(view, QtCore.QEvent.Type.MouseMove, viewport_point(view, -1.0, 1.0), QtCore.Qt.MouseButton.NoButton)
    x, y = blocker.args
    assert abs(x + 1.0) < 0.05 and abs(y - 1.0) < 0.05


def test_dragging_the_start_marker_reports_positions_live(view, qtbot):
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    positions: list[tuple[float, float]] = []
    clicks: list[tuple[float, float]] = []
    view.start_dragged.connect(lambda x, y: positions.append((x, y)))
    view.clicked.connect(lambda x, y: clicks.append((x, y)))
    view.set_start_point(-1.0, -1.0)
    assert positions == []
    drag(qtbot, view, viewport_point(view, -1.0, -1.0), viewport_point(view, 1.0, 0.5))
    assert len(positions) >= 3
    assert abs(positions[-1][0] - 1.0) < 0.05 and abs(positions[-1][1] - 0.5) < 0.05
    assert clicks == []


def test_panning_reports_the_new_range(view, qtbot):
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    ranges: list[tuple] = []
    view.range_changed.connect(lambda x_range, y_range: ranges.append((x_range, y_range)))
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    assert ranges == []
    drag(qtbot, view, viewport_point(view, 0.0, 0.0), viewport_point(view, -1.0, 0.0))
    assert ranges
    (x_lo, x_hi), (y_lo, _) = ranges[-1]
    assert x_lo == pytest.approx(-1.0, abs=0.05) and x_hi == pytest.approx(3.0, abs=0.05)
    assert y_lo == pytest.approx(-2.0, abs=0.05)


def test_changing_the_colour_map_recolours_the_fill(view):
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2, levels=np.array([1.0, 2.0, 4.0]))
    centre = view.data_to_widget(0.0, 0.0)
    x, y = round(centre.x()), round(centre.y())
    before = view.render_to_array(WIDTH, HEIGHT)[y, x, :3].astype(int)
    diverging = colormap_lut("blue_white_red")
    view.set_colormap(diverging)
    after = view.render_to_array(WIDTH, HEIGHT)[y, x, :3].astype(int)
    assert np.abs(after - lut_to_uint8(diverging)[0, :3]).max() <= 6
    assert np.abs(after - before).max() > 40


def test_nan_cells_stay_blank(view):
    xs, grid_x, grid_y = grid()
    with np.errstate(invalid="ignore", divide="ignore"):
        heights = np.log(grid_x) + grid_y**2
    heights[~np.isfinite(heights)] = np.nan
    with np.errstate(divide="ignore"):
        view.set_field(xs, xs, heights, 1.0 / grid_x, 2.0 * grid_y)
    image = view.render_to_array(WIDTH, HEIGHT)
    blank = view.data_to_widget(-1.0, 0.3)
    filled = view.data_to_widget(1.0, 0.3)
    assert image[round(blank.y()), round(blank.x()), :3].min() >= 250
    assert image[round(filled.y()), round(filled.x()), :3].min() < 200


def pole_field() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """1/x + y² on a grid that straddles x = 0: the pole's cells dwarf every other height."""
    xs = np.linspace(-2.0, 2.0, 100)
    grid_x, grid_y = np.meshgrid(xs, xs)
    return xs, 1.0 / grid_x + grid_y**2, -1.0 / grid_x**2, 2.0 * grid_y


def pixel(view: ContourView, image: np.ndarray, x: float, y: float, reach: int = 0) -> np.ndarray:
    """The rendered colour at a data point (the median over pixels this far around it: a level line may cross it)."""
    point = view.data_to_widget(x, y)
    row, column = round(point.y()), round(point.x())
    patch = image[row - reach:row + reach + 1, column - reach:column + reach + 1, :3].reshape(-1, 3)
    return np.median(patch, axis=0).astype(int)


def test_a_height_range_keeps_a_pole_from_flattening_the_map(view):
    """Colours and levels span the range given (the 3D view's); heights beyond it take the end colours."""
    xs, heights, gx, gy = pole_field()
    view.set_field(xs, xs, heights, gx, gy)
    flat = view.render_to_array(WIDTH, HEIGHT)
    near, far = pixel(view, flat, 1.0, 0.0, 2), pixel(view, flat, 1.0, 1.8, 2)  # f = 1 and f = 4.24
    assert np.abs(near - far).max() < 25, "without a range, the pole's heights take almost every colour"
    view.set_field(xs, xs, heights, gx, gy, height_range=(-6.0, 8.0))
    image = view.render_to_array(WIDTH, HEIGHT)
    assert np.abs(pixel(view, image, 1.0, 0.0, 2) - pixel(view, image, 1.0, 1.8, 2)).max() > 40
    top, bottom = lut_to_uint8(view._lut)[-1, :3].astype(int), lut_to_uint8(view._lut)[0, :3].astype(int)
    assert np.abs(pixel(view, image, 0.03, 0.0) - top).max() <= 6, "beyond the range: the top colour"
    assert np.abs(pixel(view, image, -0.03, 0.0) - bottom).max() <= 6
    labels = [float(text.replace("−", "-")) for text in view.colour_bar.tick_labels()]
    assert len(labels) >= 4 and min(labels) >= -6.0 and max(labels) <= 8.0


def test_no_stack_of_level_lines_runs_along_a_pole(view):
    xs, heights, gx, gy = pole_field()  # the pole runs between the columns at x = ±0.0202
    view.set_field(xs, xs, heights, gx, gy)
    near_the_pole = np.abs(np.asarray(view.level_lines.xData)) < 0.01
    assert near_the_pole.sum() > 100, "every level f leaps past gets a line along the pole"
    view.set_field(xs, xs, heights, gx, gy, height_range=(-6.0, 8.0))
    line_xs = np.asarray(view.level_lines.xData)
    assert not (np.abs(line_xs) < 0.01).any()
    assert np.isfinite(line_xs).sum() > 100, "the other lines stay"


def test_level_lines_and_the_curve_stop_at_a_jump(view):
    """atan(y/x) leaps from −π/2 to π/2 across x = 0: each level it leaps past had a line stacked along x = 0."""
    xs = np.linspace(-3.0, 3.0, 60)  # x = ±0.05 either side of the jump
    grid_x, grid_y = np.meshgrid(xs, xs)
    heights = np.arctan(grid_y / grid_x)
    view.set_field(xs, xs, heights)
    assert (np.abs(np.asarray(view.level_lines.xData)) < 0.04).sum() > 50
    between_columns = np.zeros((60, 59), dtype=bool)
    between_columns[:, 29] = True
    view.set_field(xs, xs, heights, jumps=(np.zeros((59, 60), dtype=bool), between_columns))
    line_xs = np.asarray(view.level_lines.xData)
    assert not (np.abs(line_xs) < 0.04).any() and np.isfinite(line_xs).sum() > 100, "the other lines stay"
    view.set_curve(xs, np.arctan(1.0 / xs), jumps=between_columns[0])
    curve_xs, curve_fs = view.curve.getData()
    assert np.isnan(curve_fs).sum() == 1 and abs(curve_xs[np.isnan(curve_fs)][0]) < 1e-12


def test_levels_given_outside_the_height_range_are_left_out_with_their_labels(view):
    xs, heights, gx, gy = pole_field()
    view.set_field(xs, xs, heights, gx, gy, levels=np.array([-20.0, -1.0, 1.0, 2.0, 20.0]),
                   level_labels=["a", "b", "c", "d", "e"], height_range=(-6.0, 8.0))
    assert view.colour_bar.tick_labels() == ("b", "c", "d")


def test_a_curve_shows_its_height_range(view):
    ws = np.linspace(-3.0, 3.0, 200)
    view.set_curve(ws, 1.0 / ws, height_range=(-9.0, 9.0))
    low, high = view.view_box.viewRange()[1]
    assert -10.5 < low < -9.0 and 9.0 < high < 10.5
    view.set_curve(ws, 1.0 / ws)
    assert view.view_box.viewRange()[1][1] > 60.0, "without a range, all of f"


def drawn_tick_labels(axis: object) -> list[tuple[QtCore.QRectF, str]]:
    """The tick labels an axis draws now, with their boxes (in the axis's coordinates)."""
    image = QtGui.QImage(400, 400, QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    try:
        return [(rect, text) for rect, _flags, text in axis.generateDrawSpecs(painter)[2]]
    finally:
        painter.end()


def drawn_tick_texts(axis: object) -> list[str]:
    """The tick labels an axis draws now."""
    return [text for _rect, text in drawn_tick_labels(axis)]


def test_a_curve_in_log_height_labels_its_height_axis_with_values_of_f(view):
    """Given the log-height ticks, the curve's axis shows f (−2.25, −1, 10), not log heights; a tick too close to
    the one below it is left out (its label would overlap); the map's y axis gets its own ticks back."""
    ws = np.linspace(-3.0, 3.0, 200)
    log_heights = np.log1p(ws**4 - 3 * ws**2 + 2.25)
    ticks = [(float(np.log1p(f + 2.25)), text) for f, text in ((-2.25, "−2.25"), (-2.1, "−2.1"), (-1.0, "−1"),
                                                                (10.0, "10"))]
    view.set_curve(ws, log_heights, height_ticks=ticks)
    assert drawn_tick_texts(view.plot_item.getAxis("left")) == ["−2.25", "−1", "10"]
    assert spaced_ticks(ticks, 0.5) == [ticks[0], ticks[2], ticks[3]]
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    assert "−2.25" not in drawn_tick_texts(view.plot_item.getAxis("left"))
    assert len(drawn_tick_texts(view.plot_item.getAxis("left"))) >= 3


def test_the_colour_bar_makes_room_for_long_level_labels(view, qtbot):
    """Nine-digit levels given with their labels (log height over x² + y² + 100000000 reads 100000000.5, 100000001…)
    are all drawn: pyqtgraph leaves out labels that do not fit the axis. Levels it writes itself that would need nine
    digits count from an offset the title names, in the usual width."""
    xs, grid_x, grid_y = grid()
    bar = view.colour_bar
    axis = bar.getAxis("right")
    bowl = grid_x**2 + grid_y**2
    levels = np.array([0.5, 1.0, 2.0, 4.0, 6.0])
    nine_digits = [f"{100000000 + level:.10g}" for level in levels]
    widths = {}
    for case, heights, given, title in (("short", bowl, None, "f"), ("five digits", 1000.0 * bowl, None, "f"),
                                        ("from an offset", bowl + 1e8, None, "f − 1e8"),
                                        ("nine digits", bowl, nine_digits, "f"), ("short again", bowl, None, "f")):
        view.set_field(xs, xs, heights, levels=None if given is None else levels, level_labels=given)
        qtbot.wait(50)  # the layout gives the axis its new width
        assert drawn_tick_texts(axis) == list(bar.tick_labels()), case
        widths[case] = axis.width()
        title_box = bar.titleLabel.mapRectToScene(bar.titleLabel.itemRect())
        assert bar.title() == title and title_box.bottom() <= bar.vb.sceneBoundingRect().top() + 1, "the title is above"
    assert widths["five digits"] == AXIS_LEAST_WIDTH, "five-digit levels fit the usual width"
    assert widths["from an offset"] == AXIS_LEAST_WIDTH and bar.tick_labels() != ()
    assert widths["nine digits"] > AXIS_LEAST_WIDTH
    assert widths["short again"] == AXIS_LEAST_WIDTH  # short labels: back to the usual width


def test_axes_write_small_values_as_they_are(view, qtbot):
    """sqrt(w) − w/2 between 0.1 and 0.5: pyqtgraph labelled the f axis 100 to 500 under "f (x0.001)"."""
    ws = np.linspace(0.1, 0.9, 100)
    view.set_curve(ws, np.sqrt(ws) - ws / 2, labels=("w", "f"))
    qtbot.wait(20)
    axis = view.plot_item.getAxis("left")
    assert "(x" not in axis.labelString()
    values = [float(text) for text in drawn_tick_texts(axis)]
    assert values and all(0.2 <= value <= 0.5 for value in values), values
    assert all(0.1 <= float(text) <= 0.9 for text in drawn_tick_texts(view.plot_item.getAxis("bottom")))


def test_a_short_colour_bar_leaves_out_labels_that_would_run_into_one_another(view, qtbot):
    """In a map 150 px tall, eight level labels (about 17 px each) do not fit along the bar: every other one shows."""
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    axis = view.colour_bar.getAxis("right")
    assert drawn_tick_texts(axis) == list(view.colour_bar.tick_labels())
    view.resize(WIDTH, 150)
    qtbot.wait(50)
    labels = drawn_tick_labels(axis)
    assert 2 <= len(labels) < len(view.colour_bar.tick_labels())
    assert not any(first.intersects(second) for (first, _), (second, _) in itertools.pairwise(labels))
    assert {text for _, text in labels} <= set(view.colour_bar.tick_labels())


def test_labels_too_close_give_way_evenly_and_uneven_ones_one_by_one() -> None:
    starts = np.arange(6) * 12.0  # labels 8 long, 12 apart: 4 between them, less than the gap of 6
    assert spaced_labels(starts, starts + 8.0, 6.0, ["-2", "-1", "0", "1", "2", "3"]).tolist() == [0, 2, 4]
    assert spaced_labels(starts, starts + 8.0, 6.0, ["-1", "0", "1", "2", "3", "4"]).tolist() == [1, 3, 5], "0 kept"
    assert spaced_labels(starts, starts + 8.0, 4.0, list("abcdef")).tolist() == list(range(6))
    uneven = np.array([0.0, 10.0, 40.0, 45.0, 60.0])
    assert spaced_labels(uneven, uneven + 8.0, 6.0, list("abcde")).tolist() == [0, 2, 4]
    three = starts[:3]  # a short axis's −10, 0, 10 kept 0 alone, which tells nothing of the scale
    assert spaced_labels(three, three + 8.0, 6.0, ["-10", "0", "10"]).tolist() == [0, 2]
    assert spaced_labels(three, three + 8.0, 20.0, ["-10", "0", "10"]).tolist() == [1], "no two keep apart"


def test_the_colour_bars_labels_of_1_over_x2_plus_y2_never_touch_at_any_height(view, qtbot):
    """0.058 and 0.0561 almost touched: labels keep a cap height apart, every k-th one kept, in maps of any height."""
    xs, grid_x, grid_y = grid(100)  # (no grid point at the pole)
    view.set_field(xs, xs, 1.0 / (grid_x**2 + grid_y**2))
    axis = view.colour_bar.getAxis("right")
    cap = QtGui.QFontMetricsF(axis.style["tickFont"] or QtGui.QFont()).capHeight()
    every = list(view.colour_bar.tick_labels())
    thinned = 0
    for height in range(150, 330, 12):
        view.resize(WIDTH, height)
        qtbot.wait(20)
        labels = drawn_tick_labels(axis)
        centres = sorted(rect.center().y() for rect, _text in labels)
        assert all(below - above >= (1.0 + LABEL_GAP) * cap - 0.01 for above, below in itertools.pairwise(centres))
        indices = sorted(every.index(text) for _rect, text in labels)
        assert len(set(np.diff(indices))) <= 1, f"evenly: {indices} of {every}"
        thinned += len(labels) < len(every)
    assert thinned, "some heights leave labels out"


def test_a_curve_with_long_values_labels_them_from_an_offset_its_title_names(view, qtbot):
    """f = w² − 1000000: labels like −999992 did not fit the axis's usual room, and pyqtgraph left them all out.

    Counted from −1e6 they read 0 to 10 under the title "f + 1e6", in the axis's usual room.
    """
    ws = np.linspace(-3.0, 3.0, 200)
    axis = view.plot_item.getAxis("left")
    usual = axis.width()
    view.set_curve(ws, ws**2 - 1e6)
    qtbot.wait(50)
    texts = drawn_tick_texts(axis)
    assert len(texts) >= 3 and all(0 <= float(text) <= 10 for text in texts), texts
    assert axis.label.toPlainText().strip() == "f + 1e6" and axis.width() == usual
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    qtbot.wait(50)
    assert axis.width() == usual and drawn_tick_texts(axis)


def test_axes_over_an_offset_range_label_each_tick_apart_without_overlap(view, qtbot):
    """x from 1000000 to 1000001: pyqtgraph wrote 1e+06 under every tick; written whole, the labels overlapped."""
    xs = np.linspace(1e6, 1e6 + 1.0, 101)
    ys = np.linspace(-1.0, 1.0, 101)
    grid_x, grid_y = np.meshgrid(xs - 1e6, ys)
    view.set_field(xs, ys, grid_x**2 + grid_y**2)
    qtbot.wait(50)
    labels = drawn_tick_labels(view.plot_item.getAxis("bottom"))
    texts = [text for _rect, text in labels]
    assert len(texts) >= 2 and len(set(texts)) == len(texts), texts
    assert all(0.0 <= float(text) <= 1.0 for text in texts)  # counted from 1e6: the title says "x − 1e6"
    assert view.plot_item.getAxis("bottom").label.toPlainText().strip() == "x − 1e6"
    rects = [rect for rect, _text in labels]
    assert not any(first.intersects(second) for index, first in enumerate(rects) for second in rects[index + 1:])


def test_a_long_runs_path_is_drawn_simplified_to_its_point(view):
    """Jumping the clock to the end of a 30,000-step run drew 30,000 points twice: the path is drawn simplified."""
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    turns = np.linspace(0.0, 3.0, 20_000)
    path = np.column_stack([1.5 * np.cos(turns) * np.exp(-turns / 3), 1.5 * np.sin(turns) * np.exp(-turns / 3),
                            np.zeros_like(turns)])
    view.set_trajectories([TrajectoryData(path, (0.0, 0.5, 1.0, 1.0), 12_345)])
    line = view.run_items[0].line
    assert 2 < len(line.xData) < 1000
    assert (line.xData[-1], line.yData[-1]) == (path[12_345, 0], path[12_345, 1]), "on to the ball"
    drawn = np.column_stack([line.xData, line.yData])
    pixel = max(view.view_box.viewPixelSize())
    assert distances_to_polyline(path[:12_346, :2], drawn).max() <= 0.5 * pixel


def test_runs_follow_the_current_index(view):
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    path = np.column_stack([np.linspace(-1.5, 0.0, 10), np.linspace(1.0, 0.0, 10), np.zeros(10)])
    view.set_trajectories([TrajectoryData(path, (0.0, 0.5, 1.0, 1.0), 3)])
    ball = view.run_items[0].ball
    assert ball.data["x"].tolist() == [path[3, 0]]
    view.set_current_index(7)
    assert ball.data["x"].tolist() == [path[7, 0]]
    assert len(view.run_items[0].line.xData) == 8
    view.set_current_index(-1)
    assert ball.data["y"].tolist() == [0.0]


def test_a_diverging_runs_steps_from_off_the_map_to_off_it_are_drawn_faint(view):
    """η = 0.11 on x² + 10y²: y flips sign and grows 1.2× per step. Once off the map, each step crossed it as a solid
    line with a halo, and together they hid the map under an orange band; now they are thin faint lines."""
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + 10 * grid_y**2)
    factors = np.array([1 - 2 * 0.11, 1 - 20 * 0.11])
    path = np.array([(-1.8, 0.7) * factors**step for step in range(26)])
    path = np.column_stack([path, np.zeros(len(path))])
    colour = (0.95, 0.45, 0.05, 1.0)
    view.set_trajectories([TrajectoryData(path, colour, 25)])
    items = view.run_items[0]
    outside = np.any(np.abs(path[:, :2]) > 2.0, axis=1)
    jumps = outside[:-1] & outside[1:]
    assert 10 < jumps.sum() < 25 and not jumps[:3].any()
    assert np.array_equal(items.off_plot_steps(path[:, 0], path[:, 1]), jumps)
    image = view.render_to_array(WIDTH, HEIGHT)[..., :3].astype(float)
    run_coloured = np.linalg.norm(image - 255 * np.array(colour[:3]), axis=-1) < 60
    top_left, bottom_right = (view.data_to_widget(x, y).toPoint() for x, y in ((-0.4, 1.0), (0.0, -1.0)))
    rows, columns = slice(top_left.y(), bottom_right.y()), slice(top_left.x(), bottom_right.x())
    band = run_coloured[rows, columns]
    assert band.mean() < 0.1, "the steps crossing the map are faint, not solid (half of it was run-coloured)"
    first = path[0, :2] + 0.5 * (path[1, :2] - path[0, :2])  # the first step, inside the map, in the run's colour
    centre = view.data_to_widget(*first).toPoint()
    assert run_coloured[centre.y() - 3:centre.y() + 4, centre.x() - 3:centre.x() + 4].any()
    view.set_trajectories([])
    bare = view.render_to_array(WIDTH, HEIGHT)[..., :3].astype(float)
    assert np.abs(image[rows, columns] - bare[rows, columns]).max() > 40, "yet they are drawn"
    view.set_trajectories([TrajectoryData(path[:4], colour, 3)])  # the same items, a run that stays on the map
    assert items.line.opts["connect"] == "all" and len(items.jumps.xData) == 0
    assert view.render_to_array(WIDTH, HEIGHT).any()


def test_the_off_map_tags_glyph_points_where_the_ball_is(view):
    """A run that left the map downwards and leapt up past its top right (the optimizer race's GD at step 2) was
    tagged '(3115, 1105) ↓' at the bottom, where it had left: the glyph now points from there to the ball."""
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    path = np.array([(0.0, 0.0, 0.0), (0.5, -5.0, 0.0), (30.0, 20.0, 0.0)])
    view.set_trajectories([TrajectoryData(path, (0.95, 0.45, 0.05, 1.0), 2)])
    view.run_items[0].where = lambda index: (f"point {index}",)
    view.render_to_array(WIDTH, HEIGHT)
    ((text, box),) = view.off_map.tags
    assert text == "point 2 ↗" and box.bottom() > view.data_to_widget(0.0, -1.0).y(), "tagged where it left, below"


def test_faint_steps_on_the_same_pixels_read_as_faint_as_one(view):
    """Six steps crossing the map along the same line (x stays, y flips and grows) blended one over another into a
    nearly solid line; their union is filled once, as faint as a single step."""
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    path = np.array([(-1.0, 0.0), *((0.5, 3.0 * (-3.0) ** k) for k in range(7))])
    colour = (0.95, 0.45, 0.05, 1.0)
    view.set_trajectories([TrajectoryData(np.column_stack([path, np.zeros(len(path))]), colour, len(path) - 1)])
    assert view.run_items[0].off_plot_steps(path[:, 0], path[:, 1]).sum() == 6
    image = view.render_to_array(WIDTH, HEIGHT)[..., :3].astype(float)
    view.set_trajectories([])
    bare = view.render_to_array(WIDTH, HEIGHT)[..., :3].astype(float)
    run = 255 * np.array(colour[:3])
    for y in (-1.5, -0.7, 1.2):
        centre = view.data_to_widget(0.5, y).toPoint()
        drawn, under = image[centre.y(), centre.x() - 3:centre.x() + 4], bare[centre.y(), centre.x() - 3:centre.x() + 4]
        share = np.sum((drawn - under) * (run - under), axis=1) / np.sum((run - under) ** 2, axis=1)
        assert 0.15 < max(share) < 0.6, f"at y = {y} the crossing steps cover {max(share):.0%} of the run's colour"


def test_runs_move_with_the_mode_and_stay_put_on_a_new_field(view):
    """A run shows its (x, y) on the map and its (w, f) on the curve; a new map leaves it where it is."""
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    path = np.column_stack([[1.0, 0.5, 0.25], [-1.0, -0.5, -0.25], [2.0, 0.5, 0.125]])
    view.set_trajectories([TrajectoryData(path, (0.0, 0.5, 1.0, 1.0), 1)])
    assert view.run_items[0].ys.tolist() == [-1.0, -0.5, -0.25]
    view.set_curve(xs, xs**2)
    assert view.run_items[0].ys.tolist() == [2.0, 0.5, 0.125], "the curve shows f, the last column"
    view.set_field(xs, xs, grid_x**2 - grid_y)
    assert view.run_items[0].ys.tolist() == [-1.0, -0.5, -0.25]
    view.set_field(xs, xs, grid_x + grid_y)
    assert view.run_items[0].ys.tolist() == [-1.0, -0.5, -0.25]
    assert view.run_items[0].ball.data["x"].tolist() == [0.5]


def test_curve_mode_with_tangent(view):
    ws = np.linspace(-2.0, 2.0, 200)
    view.set_curve(ws, ws**2, labels=("w", "f"))
    view.set_tangent(1.0, 1.0, 2.0)
    xs, ys = view.tangent.getData()
    assert np.allclose(ys, 1.0 + 2.0 * (xs - 1.0))
    assert xs[0] < 1.0 < xs[-1]
    assert not view.fill_item.isVisible()
    run = np.column_stack([[1.5, 1.0, 0.5], [2.25, 1.0, 0.25]])
    view.set_trajectories([TrajectoryData(run, (1.0, 0.0, 0.0, 1.0), -1)])
    assert view.run_items[0].ball.data["y"].tolist() == [0.25]
    image = view.render_to_array(WIDTH, HEIGHT)
    point = view.data_to_widget(0.0, 0.0)
    near_curve = image[round(point.y()) - 3 : round(point.y()) + 4, round(point.x()) - 3 : round(point.x()) + 4, :3]
    assert near_curve.min() < 120


def test_export_is_the_window_picture_scaled(view, qtbot):
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2, 2 * grid_x, 2 * grid_y)
    qtbot.wait(50)
    window = view.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    window_pixels = np.frombuffer(window.constBits(), dtype=np.uint8).reshape(window.height(), -1)
    window_pixels = window_pixels[:, : window.width() * 4].reshape(window.height(), window.width(), 4)
    small = view.render_to_array(window.width(), window.height()).astype(float)
    assert np.abs(window_pixels.astype(float) - small).mean() < 4.0
    large = view.render_to_array(2 * WIDTH, 2 * HEIGHT).astype(float)
    halved = large.reshape(HEIGHT, 2, WIDTH, 2, 4).mean(axis=(1, 3))
    assert np.abs(halved - small).mean() < 8.0
    square = view.render_to_array(500, 500)
    assert square.shape == (500, 500, 4)
    assert view.ci.size().width() == pytest.approx(WIDTH)


def test_the_same_painting_exports_to_svg(view):
    xs, grid_x, grid_y = grid(41)
    view.set_field(xs, xs, grid_x**2 + grid_y**2, 2 * grid_x, 2 * grid_y, labels=("w1", "w2", "f"))
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    generator = QtSvg.QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QtCore.QSize(WIDTH, HEIGHT))
    generator.setViewBox(QtCore.QRect(0, 0, WIDTH, HEIGHT))
    painter = QtGui.QPainter(generator)
    view.render_to_painter(painter, WIDTH, HEIGHT)
    painter.end()
    svg = bytes(buffer.data()).decode()
    assert svg.count("<path") > 10
    assert "<image" in svg
    assert ">w1" in svg


def test_choose_levels_even_for_bowls_and_growing_for_valleys():
    xs, grid_x, grid_y = grid()
    bowl_levels = choose_levels(grid_x**2 + grid_y**2)
    assert np.allclose(np.diff(bowl_levels), np.diff(bowl_levels)[0])
    assert 8 <= len(bowl_levels) <= 20
    ys = np.linspace(-1.0, 3.0, 101)
    valley_x, valley_y = np.meshgrid(xs, ys)
    valley = choose_levels((1 - valley_x) ** 2 + 100 * (valley_y - valley_x**2) ** 2)
    ratios = valley[1:] / valley[:-1]
    assert valley[0] < 2.0 < 1000.0 < valley[-1]
    assert np.all(ratios >= 1.9)
    assert choose_levels(np.ones((5, 5))).size == 0
    assert choose_levels(np.full((5, 5), np.nan)).size == 0


def test_levels_growing_from_a_lowest_value_that_is_not_round_are_round():
    """exp(−x²) over [−3, 3] is lowest at 0.000123: the levels above it once read 0.00022, 0.00062, 0.0021."""
    _, grid_x, _ = grid()
    heights = np.exp(-(1.5 * grid_x) ** 2)
    levels = choose_levels(heights)
    assert levels[0] > heights.min() and levels.size >= 8
    assert all(float(f"{level:.1g}") == level for level in levels if level > 2 * heights.min())
    assert {0.001, 0.002, 0.01, 0.05} <= set(levels.tolist())


def test_log_scale_levels_are_round_values_growing_from_the_lowest():
    values = np.array([[0.007495, 3.0], [40.0, 2509.0]])
    levels = log_scale_levels(values)
    assert list(levels) == [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]
    below_zero = log_scale_levels(np.array([-3.2, 120.0]))
    assert below_zero[0] > -3.2 and np.all(np.diff(below_zero) > 0)
    assert list(below_zero[-4:]) == [10, 20, 50, 100]
    assert log_scale_levels(np.ones((5, 5))).size == 0
    assert log_scale_levels(np.full((5, 5), np.nan)).size == 0


def test_log_scale_levels_of_a_signed_f_go_both_ways_from_zero():
    """x² − y²'s colour bar, in log height, read −3.999, −3.998, −3.995, … up from its −4."""
    levels = log_scale_levels(np.array([-4.0, 4.0]), reference=0.0)
    assert 0 in levels and np.array_equal(levels, -levels[::-1]) and np.all(np.diff(levels) > 0)
    assert list(levels[-3:]) == [0.5, 1, 2]
    assert list(log_scale_levels(np.array([-10.0, 2500.0]), reference=0.0)[-3:]) == [500, 1000, 2000]
    assert list(log_scale_levels(np.array([1.0, 30.0]), reference=0.0)) == list(log_scale_levels(np.array([1.0, 30.0])))


def test_level_colours_give_each_band_an_equal_share():
    levels = np.array([1.0, 10.0, 100.0])
    fractions = level_fractions(np.array([0.0, 1.0, 10.0, 100.0, 1000.0]), levels, 0.0, 1000.0)
    assert fractions.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert level_texts(np.array([0.5, 1.0, 1.5]), 2.0) == ["0.5", "1.0", "1.5"]
    assert level_texts(levels, 1000.0) == ["1", "10", "100"]
    assert level_texts(np.array([10.0, 1000.0, 20000.0, -1e7]), 1.0) == ["10", "1000", "20000", "-1e7"]
    near_1000 = np.array([1000.000001, 1000.000002, 1000.000005])  # x⁸ + y⁸ + 1000 near 0: each read 1000
    assert level_texts(near_1000, 1e-5) == ["1000.000001", "1000.000002", "1000.000005"]
    half_steps = np.arange(-3.5, 3.75, 0.5)
    shown = labelled_level_indices(half_steps)
    assert half_steps[shown].tolist() == [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]
    assert level_texts(half_steps[shown], 7.0) == ["-3", "-2", "-1", "0", "1", "2", "3"]


def run_colour_pixels(image: np.ndarray) -> int:
    """How many pixels are in the magenta of the test run."""
    rgb = image[..., :3].astype(int)
    return int(((rgb[..., 0] > 170) & (rgb[..., 2] > 170) & (rgb[..., 1] < 80)).sum())


def dark_text_pixels(image: np.ndarray) -> int:
    """How many pixels are as dark as the axis text, in the margins left of and below the plot."""
    dark = luminance(image) < 110
    return int(dark[:, :70].sum() + dark[-60:, :].sum())


def test_presentation_scale_enlarges_runs_text_and_axes(view):
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2, 2 * grid_x, 2 * grid_y, labels=("w1", "w2", "f"))
    view.set_colormap(np.tile([[0.85, 0.9, 0.85, 1.0]], (16, 1)))  # pale, so dark pixels are text and lines
    path = np.column_stack([np.linspace(-1.5, 0.0, 10), np.linspace(1.0, 0.0, 10), np.zeros(10)])
    view.set_trajectories([TrajectoryData(path, (1.0, 0.0, 1.0, 1.0), 6)])
    view.set_arrows_visible(False)
    normal = view.render_to_array(WIDTH, HEIGHT)
    view.set_presentation_scale(2.0)
    large = view.render_to_array(WIDTH, HEIGHT)
    assert run_colour_pixels(large) > 2.0 * run_colour_pixels(normal)
    assert dark_text_pixels(large) > 1.8 * dark_text_pixels(normal)
    axis = view.plot_item.getAxis("left")
    assert axis.style["tickFont"].pixelSize() == 28
    assert axis.label.font().pixelSize() == 34
    assert AXIS_LEAST_WIDTH < axis.maximumWidth() < 2 * AXIS_LEAST_WIDTH, "as wide as its labels need, no wider"
    # an export draws at the presentation scale and leaves it so
    assert view.run_items[0].line.opts["pen"].widthF() == pytest.approx(2 * view.RUN_WIDTH)
    assert view.run_items[0].ball.opts["size"] == pytest.approx(2 * view.BALL_SIZE)
    view.set_presentation_scale(1.0)
    again = view.render_to_array(WIDTH, HEIGHT)
    assert np.abs(again.astype(int) - normal.astype(int)).mean() < 1.0


def export_pictures(export: ContourExport) -> tuple[np.ndarray, np.ndarray]:
    """An export's picture drawn over its cached static layer, then drawn whole."""
    pictures = []
    for cached in (True, False):
        image = QtGui.QImage(*export.size, QtGui.QImage.Format.Format_RGBA8888)
        painter = QtGui.QPainter(image)
        export.paint(painter, cached)
        painter.end()
        pictures.append(qimage_to_array(image))
    return pictures[0], pictures[1]


def field_with_a_run(view: ContourView) -> None:
    """A bowl with arrows and a run that starts outside the plot, crossing the left axis's ticks."""
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2, 2 * grid_x, 2 * grid_y)
    path = np.column_stack([np.linspace(-2.2, 1.5, 12), np.linspace(-1.9, 1.0, 12), np.zeros(12)])
    view.set_trajectories([TrajectoryData(path, (1.0, 0.0, 1.0, 1.0), 0)])
    view.set_start_point(-1.8, -1.8)


def test_export_frames_over_the_cached_static_layer_are_the_whole_picture(view):
    field_with_a_run(view)
    frames = []
    with view.exporting(2 * WIDTH, 2 * HEIGHT) as export:
        for index in (0, 1, 5, 11):
            view.set_current_index(index)
            cached, whole = export_pictures(export)
            assert np.array_equal(cached, whole)
            frames.append(cached)
        assert export.static_draws == 1
    assert (frames[0] != frames[-1]).any()


def test_a_static_change_between_export_frames_draws_the_static_layer_again(view):
    field_with_a_run(view)
    xs, grid_x, grid_y = grid()
    changes = [
        lambda: view.set_colormap(colormap_lut("blue_white_red")),
        lambda: view.set_field(xs, xs, (grid_x - 1.0) ** 2 + grid_y**2, 2 * (grid_x - 1.0), 2 * grid_y),
        lambda: view.set_arrow_direction("downhill"),
        lambda: view.set_arrows_visible(False),
        lambda: view.set_contour_fill(False),
        lambda: view.set_critical_points(np.zeros((1, 2)), ["minimum"]),
        lambda: view.set_basins(np.full((4, 4, 4), 200, dtype=np.uint8), (-2.0, 2.0), (-2.0, 2.0),
                                [LegendRow("ends at min (0, 0)", (0.5, 0.7, 0.9, 1.0))]),
        lambda: view.set_colormap(colormap_lut("viridis")),
        lambda: view.view_box.setRange(xRange=(-1.0, 1.0), padding=0.0),
        lambda: view.set_presentation_scale(1.5),
    ]
    with view.exporting(WIDTH, HEIGHT) as export:
        before, _ = export_pictures(export)
        for draws, change in enumerate(changes, start=2):
            change()
            cached, whole = export_pictures(export)
            assert export.static_draws == draws
            assert np.array_equal(cached, whole), draws
            assert (cached != before).any()
            before = cached


def test_an_item_with_a_graphics_effect_is_drawn_whole(view):
    field_with_a_run(view)
    view.run_items[0].ball.setGraphicsEffect(QtWidgets.QGraphicsColorizeEffect())
    with view.exporting(WIDTH, HEIGHT) as export:
        cached, whole = export_pictures(export)
        assert export.static_draws == 0
    assert np.array_equal(cached, whole)


def test_exporting_leaves_the_view_as_it_was(view):
    field_with_a_run(view)
    before = view.render_to_array(WIDTH, HEIGHT)
    layout_size = view.ci.size()
    with view.exporting(3 * WIDTH, 3 * HEIGHT):
        assert view.pixel_scale == pytest.approx(3 * HEIGHT / view.height())
        with view.exporting(3 * WIDTH, 3 * HEIGHT) as again:
            assert again.size == (3 * WIDTH, 3 * HEIGHT)
        with pytest.raises(RuntimeError, match="already exporting"), view.exporting(WIDTH, HEIGHT):
            pass
    assert view.pixel_scale == 1.0
    assert view.ci.size() == layout_size
    assert all(getattr(item, "_exportOpts", False) is False for item in view.scene().items())
    assert np.array_equal(view.render_to_array(WIDTH, HEIGHT), before)


def test_runs_reuse_their_plot_items_across_changes(qtbot) -> None:
    view = ContourView()
    qtbot.addWidget(view)
    red, blue, green = (0.9, 0.1, 0.1, 1.0), (0.1, 0.1, 0.9, 1.0), (0.1, 0.8, 0.1, 1.0)
    path = np.array([[0.0, 0.0, 1.0], [0.5, 0.5, 0.5], [1.0, 0.2, 0.1]])
    view.set_trajectories([TrajectoryData(path, red), TrajectoryData(path, blue)])
    first, second = view.run_items
    view.set_trajectories([])
    assert view.run_items == [] and not first.line.isVisible() and not second.ball.isVisible()
    view.set_trajectories([TrajectoryData(path[:2], red), TrajectoryData(np.zeros((0, 3)), green)])
    assert view.run_items == [first, second] and first.line.isVisible() and second.ball.isVisible()
    assert first.line.xData.tolist() == [0.0, 0.5] and first.ball.data["x"].tolist() == [0.5]
    assert len(second.line.xData) == 0, "an empty run draws nothing"
    assert second.colour == QtGui.QColor.fromRgbF(*green) and second.ball.opts["brush"].color() == second.colour
    assert second.line.opts["pen"].color() == second.colour


def test_axes_redraw_their_ticks_only_when_the_range_or_title_changes(view, qtbot, monkeypatch):
    xs, grid_x, grid_y = grid()
    regenerated: list[str] = []
    for side in ("left", "bottom"):
        axis = view.plot_item.getAxis(side)
        original = axis.generateDrawSpecs
        monkeypatch.setattr(axis, "generateDrawSpecs",
                            lambda painter, side=side, original=original: regenerated.append(side) or original(painter))
    view.set_field(xs, xs, grid_x**2 + grid_y**2, labels=("x", "y", "f"))
    view.grab()
    regenerated.clear()
    view.set_field(xs, xs, np.sin(grid_x) + grid_y, labels=("x", "y", "g"))  # a new formula, same domain
    view.grab()
    assert regenerated == []
    view.set_field(xs, xs, np.sin(grid_x) + grid_y, labels=("u", "y", "g"))
    view.grab()
    assert regenerated == ["bottom"]
    assert view.plot_item.getAxis("bottom").labelText == "u"
    view.set_field(xs * 2.0, xs, np.sin(grid_x) + grid_y, labels=("u", "y", "g"))
    view.grab()
    assert "bottom" in regenerated[1:]


def test_the_fill_and_the_level_lines_reach_the_rim_of_the_domain(view):
    """sqrt(1 − x² − y²) on a coarse grid: the fill ended in a staircase of cells short of and beyond its circle,
    and a level line within the last cell was mostly missing."""
    from gradviz.core.analysis import analyze_in_process
    from gradviz.core.grid import Domain, evaluate_grid

    field = evaluate_grid(analyze_in_process("sqrt(1 - x^2 - y^2)").compiled,
                          Domain(("x", "y"), ((-1.5, 1.5), (-1.5, 1.5)), 25))
    view.set_equal_aspect(True)

    def edge_errors(rim: object) -> np.ndarray:
        """How far (pixels) the coloured disk's edge lies from the circle, along rays at many angles."""
        view.set_field(field.xs, field.ys, field.values, rim=rim)
        image = qimage_to_array(view.grab().toImage())
        centre = view.data_to_widget(0.0, 0.0)
        unit = view.data_to_widget(1.0, 0.0).x() - centre.x()
        errors = []
        for angle in np.radians(np.arange(0.0, 360.0, 9.0) + 4.0):
            radii = np.arange(0.6, 1.4, 0.5 / unit)
            points = [(round(centre.x() + unit * r * np.cos(angle)), round(centre.y() - unit * r * np.sin(angle)))
                      for r in radii]
            blank = [bool(np.all(image[y, x, :3] > 245)) for x, y in points]
            errors.append(unit * abs(radii[blank.index(True)] - 1.0))
        return np.array(errors)

    assert edge_errors(None).max() > 4.0, "a staircase of cells"
    assert edge_errors(field.rim).max() < 3.0

    def level_line_length(rim: object) -> float:
        """How long the level line f = 0.2 is drawn (a circle of radius 0.98, inside the last cells)."""
        view.set_field(field.xs, field.ys, field.values, levels=np.array([0.2]), rim=rim)
        points = np.column_stack(view.level_lines.getData())
        return float(np.nansum(np.hypot(*np.diff(points, axis=0).T)))

    circle = 2 * np.pi * np.sqrt(0.96)
    assert level_line_length(None) < 0.5 * circle, "the line was traced on the defined cells only"
    assert level_line_length(field.rim) > 0.95 * circle


def test_a_path_leaves_a_box_where_its_last_step_out_crosses_the_side():
    low, high = np.array([0.0, 0.0]), np.array([4.0, 2.0])
    path = np.array([[1.0, 1.0], [5.0, 1.0], [3.0, 1.0], [3.0, 3.0]])  # out through x = 4, back, out through y = 2
    point, step = path_exit(path, low, high)
    assert np.allclose(point, [3.0, 2.0]) and np.allclose(step, [0.0, 2.0])
    point, _ = path_exit(np.array([[1.0, 1.0], [-1.0, -3.0]]), low, high)  # the corner: y = 0 comes first
    assert np.allclose(point, [0.5, 0.0])
    assert path_exit(path[:3], low, high) is None, "it ends inside"
    assert path_exit(np.array([[5.0, 5.0], [6.0, 6.0]]), low, high) is None, "it never touches the box"
    diverging = np.array([[1.0, 1.0], [1.5, -1.0], [2.0, 3.0], [2.5, -5.0]])  # leaves below, then crosses twice
    point, step = path_exit(diverging, low, high)
    assert np.allclose(point, [2.5 - 0.5 * 5.0 / 8.0, 0.0]) and np.allclose(step, [0.5, -8.0]), \
        "the last crossing counts: the pointer stood where the run first left, on the side away from its ball"
    point, _ = path_exit(diverging[1:], low, high)  # it starts outside and crosses
    assert np.allclose(point[1], 0.0)


def test_clipped_segments_keep_the_parts_inside_a_rectangle():
    """Vectorised Liang–Barsky: crossing, inside, outside, touching a corner, and infinite ends."""
    rect = QtCore.QRectF(0.0, 0.0, 4.0, 2.0)
    starts = np.array([[-1.0, 1.0], [1.0, 0.5], [5.0, 5.0], [-1.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    ends = np.array([[5.0, 1.0], [2.0, 1.5], [6.0, 6.0], [1.0, 3.0], [np.inf, 1.0], [1e300, -1e300]])
    inside_starts, inside_ends = clipped_segments(starts, ends, rect)
    assert np.allclose(inside_starts[:3], [[0.0, 1.0], [1.0, 0.5], [0.0, 2.0]])
    assert np.allclose(inside_ends[:3], [[4.0, 1.0], [2.0, 1.5], [0.0, 2.0]])
    assert len(inside_starts) == 4, "the infinite one is dropped"
    assert np.allclose(inside_starts[3], [1.0, 1.0]) and np.allclose(inside_ends[3], [2.0, 0.0])


def test_the_basins_legend_drops_its_title_before_the_places_its_colours_name(view, qtbot):
    """Presenting at 1280 × 720 the two-minima legend read 'min', 'min': which colour was which minimum?"""
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    rows = (LegendRow("each start's end, η = 0.12", note=True),
            LegendRow("min x = −1.34", (0.5, 0.7, 0.9, 1.0), short="min"),
            LegendRow("min x = 1.27", (0.9, 0.6, 0.3, 1.0), short="min"))
    view.set_basins(np.full((4, 4, 4), 200, dtype=np.uint8), (-2.0, 2.0), (-2.0, 2.0), rows)
    seen = []
    for width, height in ((900, 700), (520, 340), (420, 280), (330, 230), (260, 180), (160, 120)):
        view.resize(width, height)
        QtWidgets.QApplication.processEvents()
        laid_out = view.basins_legend.legend_box(view.basins_legend.deviceTransform(view.viewportTransform()))
        texts = () if laid_out is None else tuple(text for _row, text, *_ in laid_out[0].lines)
        if not seen or seen[-1] != texts:
            seen.append(texts)
    full = ("each start's end, η = 0.12", "min x = −1.34", "min x = 1.27")
    assert seen == [full, full[1:], ("min", "min"), ()]  # the places stay after the title goes, while they fit


def test_critical_points_names_keep_off_the_start_marker(view):
    """Lesson nine's start sat on Himmelblau's maximum's name, which read 'ax'."""
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 - grid_y**2)
    view.set_critical_points(np.array([[0.0, 0.0]]), ["maximum"])  # named above its mark first
    transform = view.critical_points.deviceTransform(view.viewportTransform())
    (name,) = view.critical_points.label_placer(transform).taken[1:]
    above = transform.inverted()[0].map(name.center())
    view.set_start_point(above.x(), above.y())  # the start where the name was
    marker, _mark, moved = view.critical_points.label_placer(transform).taken
    assert name.intersects(marker) and not moved.intersects(marker)


def test_critical_points_names_keep_off_the_runs_paths(view, qtbot):
    """The saddle trap's run ends on x² − y²'s saddle along y = 0, right where the name 'saddle' went."""
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 - grid_y**2)
    view.set_critical_points(np.array([[0.0, 0.0]]), ["saddle"])  # named to the right of its mark first
    qtbot.wait(20)  # laid out for the new field before its transform is taken
    transform = view.critical_points.deviceTransform(view.viewportTransform())
    (alone,) = view.critical_points.label_placer(transform).taken[1:]
    path = np.column_stack([np.linspace(1.8, 0.0, 12), np.zeros(12), np.zeros(12)])
    view.set_trajectories([TrajectoryData(points=path, colour=(0.9, 0.4, 0.1, 1.0), current_index=0)])
    placer = view.critical_points.label_placer(transform)
    (name,) = placer.taken[-1:]
    line = QtCore.QRectF(view.data_to_widget(0.0, 0.0), view.data_to_widget(1.8, 0.0)).normalized().adjusted(
        0.0, -1.0, 0.0, 1.0)
    assert alone.intersects(line) and not name.intersects(line)
    view.set_current_index(11)  # playing the run does not move the name
    assert view.critical_points.label_placer(transform) is placer


def test_a_segment_is_clipped_to_a_rectangle_and_boxes_cover_only_that_part() -> None:
    rect = QtCore.QRectF(0.0, 0.0, 100.0, 50.0)
    start, end = np.array([50.0, 25.0]), np.array([50.0 + 3e9, 25.0])
    inside = clipped_segment(start, end, rect)
    assert inside is not None and np.allclose(inside[0], start) and np.allclose(inside[1], [100.0, 25.0])
    assert clipped_segment(np.array([-10.0, -10.0]), np.array([-5.0, 80.0]), rect) is None
    through = clipped_segment(np.array([-50.0, 25.0]), np.array([150.0, 25.0]), rect)
    assert through is not None and np.allclose(through, [[0.0, 25.0], [100.0, 25.0]])
    assert len(segment_boxes(start, end, 16.0, 2.0, rect)) == 4  # 50 px inside: four chunks, not 190 million
    assert segment_boxes(np.array([200.0, 0.0]), np.array([300.0, 0.0]), 16.0, 2.0, rect) == []


def test_a_flat_fs_colour_bar_names_the_one_value_it_takes() -> None:
    """0x + 0y + 5 has no level lines: both colour bars had no label at all."""
    flat = map_colour_levels(np.full((10, 10), 5.0), (4.5, 5.5))
    assert len(flat.levels) == 0 and flat.ticks == ((0.5, "5"),)
    assert map_colour_levels(np.full((10, 10), np.nan), (-1.0, 1.0)).ticks == ()


def test_arrows_away_from_poles_are_sized_and_those_beside_them_capped(view):
    """On tan(x) + y the columns beside the poles set the arrows' scale: the rest were too short to draw at all."""
    from gradviz.core.analysis import analyze_in_process
    from gradviz.core.session import Session

    session = Session()
    session.set_analysis(analyze_in_process("tan(x) + y"))
    field = session.field
    view.set_field(field.xs, field.ys, field.values, *field.gradient, height_range=field.display_range,
                   jumps=field.jumps)
    view.set_arrows_visible(False)
    plain = luminance(view.render_to_array(WIDTH, HEIGHT))
    view.set_arrows_visible(True)
    inked = (plain - luminance(view.render_to_array(WIDTH, HEIGHT))) > 40
    transform = view.arrows.deviceTransform(view.viewportTransform())
    tails, tips = view.arrows.arrow_geometry(transform)
    lengths = np.linalg.norm(tips - tails, axis=1)
    middles = (tails + tips) / 2
    left, right = (view.data_to_widget(x, 0.0).x() for x in (-1.0, 1.0))
    away = (middles[:, 0] > left) & (middles[:, 0] < right)
    assert away.sum() > 80, "arrows are drawn between the poles"
    assert lengths[away].min() > 0.6 * lengths.max(), "visibly sized, not at the shortest length"
    assert np.isclose(lengths.max(), lengths[~away].max()), "those beside the poles are capped at the full length"
    assert ink_along(inked[:, round(left) : round(right)], tails[away] - [round(left), 0],
                     tips[away] - [round(left), 0], 0.5) > 4 * away.sum(), "and they are painted"


@pytest.mark.parametrize("size", [(760, 320), (300, 640)])
def test_equal_aspect_fits_the_frame_to_the_domain_leaving_no_white_band_inside_it(view, size) -> None:
    """A square domain in a wide or a tall view: the frame was as large as ever, with white bands inside it beside the
    map (or above and below it) where f was never drawn; now the frame is square, in a picture of another shape too."""
    xs, grid_x, grid_y = grid()
    view.resize(*size)
    view.set_field(xs, xs, grid_x + 2 * grid_y)
    view.grab()
    free = view.view_box.sceneBoundingRect()
    view.set_equal_aspect(True)
    view.grab()

    def assert_filled_to_the_frame(image: np.ndarray, box: QtCore.QRectF) -> None:
        """Every pixel a little inside the frame's four sides is coloured."""
        left, top, right, bottom = (round(box.left()) + 3, round(box.top()) + 3, round(box.right()) - 4,
                                    round(box.bottom()) - 4)
        edges = np.concatenate([image[top, left:right], image[bottom, left:right],
                                image[top:bottom, left], image[top:bottom, right]])
        assert not np.any(np.all(edges[:, :3] > 245, axis=1)), "white inside the frame"

    assert np.allclose(view.view_box.viewRange(), [[-2.0, 2.0], [-2.0, 2.0]], atol=0.02)
    box = view.view_box.sceneBoundingRect()
    assert box.width() == pytest.approx(box.height(), abs=2.0)
    assert box.width() == pytest.approx(min(free.width(), free.height()), abs=2.0), "as large as there is room for"
    assert_filled_to_the_frame(qimage_to_array(view.grab().toImage()), box)
    with view.exporting(900, 300) as export:
        assert np.allclose(view.view_box.viewRange(), [[-2.0, 2.0], [-2.0, 2.0]], atol=0.02)
        box = view.view_box.sceneBoundingRect()
        scale = export.size[1] / export.source.height()
        picture = view.render_to_array(900, 300)
    assert_filled_to_the_frame(picture, QtCore.QRectF(box.topLeft() * scale, box.size() * scale))
    view.set_equal_aspect(False)
    view.grab()
    assert view.view_box.sceneBoundingRect() == free, "without equal aspect the map takes all the room again"


def drawn_arrows(qtbot, view: ContourView, size: tuple[int, int], scale: float) -> int:
    """How many ∇f arrows a bowl's map draws in a view of this size at this presentation scale."""
    view.resize(*size)
    view.set_presentation_scale(scale)
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2, 2 * grid_x, 2 * grid_y)
    qtbot.wait(50)
    tails, _tips = view.arrows.arrow_geometry(view.arrows.deviceTransform(view.viewportTransform()))
    return len(tails)


def test_a_map_presented_on_a_4k_screen_draws_as_many_arrows_as_on_a_1080_one(qtbot, view):
    """Presenting at 3.2 on a 3840 × 2160 screen, about 6 arrows crossed the map (12 at 1.6 on 1920 × 1080): the
    count followed the scale alone, though the map was twice as wide. A window at scale 1 keeps its 20."""
    at_1080 = drawn_arrows(qtbot, view, (958, 910), 1.6)
    assert at_1080 == pytest.approx(12**2, abs=2), "1920 × 1080 presenting: as before"
    assert drawn_arrows(qtbot, view, (1918, 1854), 3.2) == at_1080
    assert drawn_arrows(qtbot, view, (443, 411), 1.0) == pytest.approx(20**2, abs=2), "a 1280 × 720 window's map"
    assert drawn_arrows(qtbot, view, (1723, 1865), 1.0) == pytest.approx(20**2, abs=2), "20 at most"


def map_width_drawn(image: np.ndarray) -> int:
    """Pixels from the left edge of the map's colours to their right edge before the colour bar (a gap of white)."""
    saturation = image[..., :3].max(axis=2).astype(int) - image[..., :3].min(axis=2)
    columns = np.flatnonzero((saturation > 60).sum(axis=0) > 0.3 * image.shape[0])
    gaps = np.flatnonzero(np.diff(columns) > 8)
    return int((columns[gaps[0]] if len(gaps) else columns[-1]) - columns[0] + 1)


def test_a_narrow_map_gives_its_axes_only_the_room_their_labels_need(qtbot, view) -> None:
    """In a 1024 × 600 window the map is 375 pixels wide: its y axis and its colour bar's were 64 pixels each, and its
    frame not 190 pixels wide. They take what their labels need, and keep it as the frame is fitted to the domain."""
    xs = np.linspace(-5.0, 5.0, 101)
    grid_x, grid_y = np.meshgrid(xs, xs)
    view.resize(375, 291)
    view.set_field(xs, xs, grid_x**2 + grid_y**2, 2 * grid_x, 2 * grid_y)
    qtbot.wait(50)
    left, bar = view.plot_item.getAxis("left"), view.colour_bar.getAxis("right")
    widths = (left.width(), bar.width())
    assert sum(widths) <= 90, f"the axes took {widths}"
    for axis in (left, bar):
        assert drawn_tick_texts(axis) == axis._label_texts(), "every label is drawn"
    assert map_width_drawn(view.render_to_array(375, 291)) >= 230, "the map is drawn the wider"
    view.set_equal_aspect(True)
    qtbot.wait(50)
    assert (left.width(), bar.width()) == widths, "the fitted frame's ticks leave them as they were"
    view.resize(640, 420)
    qtbot.wait(50)
    assert left.width() == bar.width() == AXIS_LEAST_WIDTH, "a wider map's axes as ever"


BASINS_ROWS = (LegendRow("each start's end, η = 0.1", note=True), LegendRow("min (1.5, 1.5)", (0.5, 0.7, 0.9, 1.0)))


def basins_box(view: ContourView) -> QtCore.QRectF:
    """The basins' legend's box in device pixels, in the view as laid out."""
    QtWidgets.QApplication.processEvents()
    (box,) = view.basins_legend.boxes(view.basins_legend.deviceTransform(view.viewportTransform()))
    return box


def test_the_basins_legend_keeps_off_a_minimum_and_a_runs_path_and_stays_put_while_it_plays(view):
    """Fixed in the top right, the legend hid a minimum there; it chooses its corner from what stays put."""
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, (grid_x - 1.5) ** 2 + (grid_y - 1.5) ** 2)
    without_legend = luminance(view.render_to_array(WIDTH, HEIGHT))
    view.set_basins(np.zeros((4, 4, 4), dtype=np.uint8), (-2.0, 2.0), (-2.0, 2.0), BASINS_ROWS)  # clear: no tint
    box = basins_box(view)
    pit = view.data_to_widget(1.5, 1.5)
    assert not box.adjusted(-8, -8, 8, 8).contains(pit) and box.center().x() < WIDTH / 2  # the top left
    with_legend = luminance(view.render_to_array(WIDTH, HEIGHT))
    x, y = round(pit.x()), round(pit.y())
    assert np.abs(with_legend - without_legend)[y - 10:y + 11, x - 10:x + 11].max() < 1  # the pit shows as it was
    assert np.abs(with_legend - without_legend).max() > 60  # the legend is drawn
    path = np.column_stack([np.linspace(-1.8, 1.5, 12), np.linspace(1.8, 1.5, 12), np.zeros(12)])
    view.set_trajectories([TrajectoryData(path, (0.9, 0.4, 0.1, 1.0), current_index=0)])
    moved = basins_box(view)
    assert moved.center().y() > HEIGHT / 2  # off the run's path along the top: a bottom corner
    for step in range(len(path)):
        view.set_current_index(step)
        assert basins_box(view) == moved


def test_the_probe_legend_never_covers_the_basins_legend(view):
    """The probe's legend counted the basins' legend as one mark hidden: over two critical points elsewhere, it was
    drawn over it. Neither moves onto the other while the probe goes along a run."""
    xs, grid_x, grid_y = grid()
    view.set_field(xs, xs, grid_x**2 + grid_y**2)
    view.set_critical_points(np.array([[-1.8, 1.8], [-1.6, 1.6], [-1.8, -1.8], [-1.6, -1.6], [1.8, -1.8],
                                       [1.6, -1.6]]), ["saddle"] * 6)  # two in each corner but the top right
    view.set_basins(np.zeros((4, 4, 4), dtype=np.uint8), (-2.0, 2.0), (-2.0, 2.0), BASINS_ROWS)
    basins = basins_box(view)
    assert basins.center().x() > WIDTH / 2 and basins.center().y() < HEIGHT / 2  # the top right
    rows = (LegendRow("f(0, 0) = 0"), LegendRow("level line f = 0", (1.0, 1.0, 1.0, 1.0)))
    for x in np.linspace(0.0, 1.0, 4):
        view.set_probe_overlay(ContourProbeOverlay(point=(x, x), colour=(0.9, 0.4, 0.1, 1.0), legend=rows))
        view.render_to_array(WIDTH, HEIGHT)
        legend = view.probe_text.legend_rect
        assert not legend.isEmpty() and not legend.intersects(basins)
        assert view.probe_text.legend_texts == ("f(0, 0) = 0", "level line f = 0")


def legend_place(size: QtCore.QSizeF, obstacles: LegendObstacles,
                 taken: list[QtCore.QRectF]) -> QtCore.QRectF | None:
    """Where a legend of this size goes in a 400 × 300 plot, 8 pixels in from its edges."""
    placed = least_hiding_place([size], QtCore.QRectF(0.0, 0.0, 400.0, 300.0), 8.0, obstacles, TOP_LEFT_FIRST, taken)
    return None if placed is None else placed[1]


def test_a_legend_finds_no_corner_rather_than_cover_another():
    obstacles = LegendObstacles((), (), ())
    taken = [QtCore.QRectF(142.0, 8.0, 250.0, 200.0)]
    assert legend_place(QtCore.QSizeF(120.0, 80.0), obstacles, []) == QtCore.QRectF(8, 8, 120, 80)
    assert legend_place(QtCore.QSizeF(120.0, 80.0), obstacles, taken).topLeft() == QtCore.QPointF(8.0, 8.0)
    assert legend_place(QtCore.QSizeF(300.0, 80.0), obstacles, taken).topLeft() == QtCore.QPointF(8.0, 212.0)
    assert legend_place(QtCore.QSizeF(300.0, 120.0), obstacles, taken) is None
