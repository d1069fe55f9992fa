"""The 3D surface view, checked on real renderings under the virtual display."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from polylines import distances_to_polyline
from PySide6 import QtCore, QtGui

from gradviz.app.colormaps import colormap_lut
from gradviz.app.surface_view import (
    BAR_GAP,
    BOX_HALF_WIDTH,
    BOX_HEIGHT,
    FLOOR_Z,
    TRAJECTORY_LIFT,
    MeshBreaks,
    SceneMapping,
    SurfaceView,
    TrajectoryItem,
    cells_across_jumps,
    clip_segment,
    coarse_grid_triangles,
    grid_normals,
    grid_triangles,
    labelled_ticks,
    level_coordinates,
    qmatrix_to_array,
)
from gradviz.app.view_common import TrajectoryData, format_tick, nice_ticks, qimage_to_array
from gradviz.core.analysis import analyze_in_process
from gradviz.core.grid import Domain, evaluate_grid

WIDTH, HEIGHT = 640, 400
MAGENTA = (1.0, 0.0, 1.0, 1.0)


@pytest.fixture
def view(qtbot):
    """A shown surface view of a fixed size."""
    widget = SurfaceView()
    qtbot.addWidget(widget)
    widget.resize(WIDTH, HEIGHT)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def bowl(count: int = 101) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x² + y² over [-2, 2]²."""
    xs = np.linspace(-2.0, 2.0, count)
    grid_x, grid_y = np.meshgrid(xs, xs)
    return xs, xs, grid_x**2 + grid_y**2


def project(view: SurfaceView, data_points: np.ndarray, lift: float = 0.0) -> np.ndarray:
    """Pixel positions of data points, computed with the view's own projection and model-view matrices."""
    scene = view.scene_mapping.to_scene(np.asarray(data_points, dtype=float))
    scene[:, 2] += lift
    viewport = (0, 0, WIDTH, HEIGHT)
    matrix = qmatrix_to_array(view.projectionMatrix(viewport, viewport) * view.viewMatrix())
    clip = np.column_stack([scene, np.ones(len(scene))]) @ matrix.T
    ndc = clip[:, :2] / clip[:, 3:]
    return np.column_stack([(ndc[:, 0] + 1) / 2 * WIDTH, (1 - ndc[:, 1]) / 2 * HEIGHT])


def colormap_position(pixel: np.ndarray, lut: np.ndarray) -> float:
    """Where along the colour map a lit pixel lies, matching chromaticity (lighting scales brightness)."""
    rgb = pixel[:3].astype(float) + 1.0
    table = lut[:, :3].astype(float) * 255.0 + 1.0
    distances = np.linalg.norm(table / table.sum(axis=1, keepdims=True) - rgb / rgb.sum(), axis=1)
    return float(np.argmin(distances)) / (len(lut) - 1)


def pixel_at(image: np.ndarray, position: np.ndarray) -> np.ndarray:
    """The pixel at a (x, y) position."""
    return image[round(float(position[1])), round(float(position[0]))]


def is_neutral_light(pixel: np.ndarray) -> bool:
    """Whether a pixel is background or the pale grey of the box (not a colour-map colour)."""
    rgb = pixel[:3].astype(int)
    return bool(rgb.min() >= 225 and rgb.max() - rgb.min() <= 12)


def test_bowl_rendering_is_coloured_by_height(view):
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0), labels=("w1", "w2", "f"))
    view.top_view()
    image = view.render_to_array(WIDTH, HEIGHT)
    assert image.shape == (HEIGHT, WIDTH, 4)
    assert image[..., :3].std() > 20
    lut = colormap_lut("viridis")
    centre, corner = project(view, np.array([[0.0, 0.0, 0.0], [1.9, 1.9, 7.22]]))
    assert colormap_position(pixel_at(image, centre), lut) < 0.15
    assert colormap_position(pixel_at(image, corner), lut) > 0.8


def test_given_the_maps_colour_levels_a_colour_means_the_same_height_as_on_the_map(view):
    """Booth's function: the map's levels crowd near the minimum (0.5, 1, 2, 5, 10, 20, 50…), and the 3D view
    coloured evenly up to 2600 showed nearly all of it in the colour map's darkest tenth."""
    from gradviz.app.contour_view import map_colour_levels

    xs = np.linspace(-10.0, 10.0, 101)
    grid_x, grid_y = np.meshgrid(xs, xs)
    heights = (grid_x + 2 * grid_y - 7) ** 2 + (2 * grid_x + grid_y - 5) ** 2
    colour_levels = map_colour_levels(heights)
    lut = colormap_lut("viridis")
    points = np.array([[1.0, 3.0], [2.0, 3.5], [0.0, 0.0], [-4.0, 6.0]])  # f = 0, 2.5, 74, 50
    values = (points[:, 0] + 2 * points[:, 1] - 7) ** 2 + (2 * points[:, 0] + points[:, 1] - 5) ** 2
    for given, expected in ((None, (values - values.min()) / (heights.max() - heights.min())),
                            (colour_levels, colour_levels.fractions(values))):
        view.set_surface(xs, xs, heights, (float(heights.min()), float(heights.max())), colour_levels=given)
        view.top_view()
        image = view.render_to_array(WIDTH, HEIGHT)
        pixels = project(view, np.column_stack([points, values]))
        measured = [colormap_position(pixel_at(image, pixel), lut) for pixel in pixels]
        assert measured == pytest.approx(expected, abs=0.08)
    assert colour_levels.fractions(values)[2] > 0.5  # f = 74: above the middle of the colours, as on the map
    assert [text for _, text in view.colour_bar_ticks()] == [text for _, text in colour_levels.ticks]


def test_default_camera_shows_the_surface(view):
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    image = view.render_to_array(WIDTH, HEIGHT)
    saturation = image[..., :3].max(axis=2).astype(int) - image[..., :3].min(axis=2)
    assert (saturation > 60).mean() > 0.1


@pytest.mark.parametrize("x_range", [(0.0, 1e-12), (1.0, 1.0 + 1e-9), (-1e12, 1e12)])
def test_any_range_the_session_takes_is_drawn(view, x_range):
    """x from 0 to 1e-12 drew an empty box (taken for an empty range and widened to ±0.5) where the map drew f."""
    xs = np.linspace(*x_range, 51)
    ys = np.linspace(-2.0, 2.0, 51)
    heights = np.broadcast_to(ys[:, None] ** 2, (51, 51)).copy()
    view.set_surface(xs, ys, heights, (0.0, 4.0))
    image = view.render_to_array(WIDTH, HEIGHT)
    saturation = image[..., :3].max(axis=2).astype(int) - image[..., :3].min(axis=2)
    assert (saturation > 60).mean() > 0.1


def test_nan_cells_are_not_drawn(view):
    xs = np.linspace(-2.0, 2.0, 81)
    grid_x, grid_y = np.meshgrid(xs, xs)
    with np.errstate(invalid="ignore", divide="ignore"):
        heights = np.log(grid_x) + grid_y**2
    heights[~np.isfinite(heights)] = np.nan
    view.set_surface(xs, xs, heights, (-3.0, 4.0))
    view.top_view()
    image = view.render_to_array(WIDTH, HEIGHT)
    left, right = project(view, np.array([[-1.5, 0.5, -3.0], [1.0, 0.5, 0.25]]))
    assert is_neutral_light(pixel_at(image, left))
    assert not is_neutral_light(pixel_at(image, right))


def test_a_surface_reaches_the_rim_of_its_domain(view):
    """sqrt(1 − x² − y²) on a coarse grid: the hemisphere stopped a ragged grid step short of its circle."""
    field = evaluate_grid(analyze_in_process("sqrt(1 - x^2 - y^2)").compiled,
                          Domain(("x", "y"), ((-1.5, 1.5), (-1.5, 1.5)), 21))
    angles = np.radians(np.arange(8) * 45.0 + 20.0)
    near_the_rim = np.column_stack([0.93 * np.cos(angles), 0.93 * np.sin(angles), np.full(8, 0.1)])

    def covered(rim: object) -> int:
        view.set_surface(field.xs, field.ys, field.values, (0.0, 1.0), rim=rim)
        view.top_view()
        image = view.render_to_array(WIDTH, HEIGHT)
        return sum(not is_neutral_light(pixel_at(image, point)) for point in project(view, near_the_rim))

    assert covered(None) <= 4, "a ragged step short of the circle"
    assert covered(field.rim) == 8


def test_display_range_clamps_heights(view):
    xs = np.linspace(-2.0, 2.0, 81)
    grid_x, _ = np.meshgrid(xs, xs)
    view.set_surface(xs, xs, grid_x**3, (-1.0, 1.0))
    assert view.scene_mapping.scene_z(np.array([-8.0, 8.0])).tolist() == [0.0, BOX_HEIGHT]
    view.top_view()
    image = view.render_to_array(WIDTH, HEIGHT)
    lut = colormap_lut("viridis")
    low, high, middle = project(view, np.array([[-1.9, 0.0, -1.0], [1.9, 0.0, 1.0], [0.0, 0.0, 0.0]]))
    assert colormap_position(pixel_at(image, low), lut) < 0.1
    assert colormap_position(pixel_at(image, high), lut) > 0.9
    assert 0.3 < colormap_position(pixel_at(image, middle), lut) < 0.7


def test_trajectory_ball_is_drawn_at_the_current_point(view):
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    path = np.array([[1.5 * 0.8**k, -1.2 * 0.8**k, 0.0] for k in range(12)])
    path[:, 2] = path[:, 0] ** 2 + path[:, 1] ** 2
    view.set_trajectories([TrajectoryData(path, MAGENTA, 6)])
    image = view.render_to_array(WIDTH, HEIGHT)
    x, y = project(view, path[6:7], lift=TRAJECTORY_LIFT)[0].round().astype(int)
    window = image[y - 4 : y + 5, x - 4 : x + 5, :3].astype(int)
    magenta = (window[..., 0] > 140) & (window[..., 2] > 140) & (window[..., 1] < 90)
    assert magenta.sum() >= 10


def test_a_released_view_asked_for_a_frame_draws_no_items_and_does_not_crash(view, qtbot):
    """A window closing lays itself out again: its 3D view, its buffers deleted, drew with them and crashed."""
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    path = np.array([[1.5 * 0.8**k, -1.2 * 0.8**k, 0.0] for k in range(12)])
    view.set_trajectories([TrajectoryData(path, MAGENTA, 6)])
    drawn = view.render_to_array(WIDTH, HEIGHT)
    view.release_gl()
    view.update()
    qtbot.wait(view.SETTLE_MS + 100)  # the prerendered frame, a repaint, and no antialiased redraw after them
    empty = view.render_to_array(WIDTH, HEIGHT)
    colours = [len(np.unique(image[..., :3].reshape(-1, 3), axis=0)) for image in (drawn, empty)]
    assert empty.shape == drawn.shape and colours[1] < colours[0] / 10  # the frame, axes and labels alone


@pytest.mark.parametrize(("symbol", "corners"), [("o", (False, False, False, False)), ("s", (True, True, True, True)),
                                                 ("t1", (False, False, True, True))])
def test_the_ball_takes_its_runs_shape(view, symbol, corners):
    """Runs differ by shape as well as colour in 3D too: a square ball fills the corners, a triangle points up."""
    xs = np.linspace(-2.0, 2.0, 21)
    view.set_surface(xs, xs, np.zeros((21, 21)), (-1.0, 1.0))
    view.top_view()  # the ball lies over the flat surface, nothing in front of it
    view.set_presentation_scale(3.0)  # a ball 60 pixels wide
    bare = view.render_to_array(WIDTH, HEIGHT).astype(int)
    path = np.array([[1.5, 0.0, 0.0], [0.0, 0.0, 0.0]])  # the start and the path well clear of the ball's corners
    view.set_trajectories([TrajectoryData(path, MAGENTA, 1, symbol=symbol)])
    image = view.render_to_array(WIDTH, HEIGHT).astype(int)
    x, y = project(view, path[1:], lift=TRAJECTORY_LIFT)[0].round().astype(int)
    reach = round(0.38 * 3.0 * TrajectoryItem.BALL_SIZE)  # beyond a round ball's edge, inside a square's
    found = []
    for dy, dx in ((-reach, -reach), (-reach, reach), (reach, -reach), (reach, reach)):  # top left … bottom right
        rows, columns = slice(y + dy - 1, y + dy + 2), slice(x + dx - 1, x + dx + 2)
        found.append(bool((np.abs(image[rows, columns, :3] - bare[rows, columns, :3]).sum(axis=2) > 60).all()))
    assert tuple(found) == corners


def test_the_path_runs_under_its_start_ring_marks_and_ball(view):
    """The path, drawn first at the same depth, hid the right half of the start ring's white and the marks' shapes."""
    xs = np.linspace(-2.0, 2.0, 21)
    view.set_surface(xs, xs, np.zeros((21, 21)), (-1.0, 1.0))
    view.top_view()
    view.set_presentation_scale(3.0)
    path = np.column_stack([np.linspace(-1.0, 1.0, 5), np.zeros(5), np.zeros(5)])
    view.set_trajectories([TrajectoryData(path, MAGENTA, 4)])
    image = view.render_to_array(WIDTH, HEIGHT).astype(int)
    start = project(view, path[:1], lift=TRAJECTORY_LIFT)[0].round().astype(int)
    ring_centre = image[start[1] - 1 : start[1] + 2, start[0] + 4 : start[0] + 7, :3]  # on the path's side
    assert (ring_centre.min(axis=2) > 230).all(), "the start ring's white centre is whole"


def test_a_long_runs_path_is_drawn_simplified_and_looks_the_same(view, monkeypatch):
    """Jumping the clock to the end of a 30,000-step run drew 30,000 smooth lines twice (about 20 ms)."""
    import gradviz.app.surface_view as surface_module

    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    turns = np.linspace(0.0, 4.0, 30_000)
    path = np.column_stack([1.8 * np.cos(turns) * np.exp(-turns / 2), 1.8 * np.sin(turns) * np.exp(-turns / 2)])
    path = np.column_stack([path, (path**2).sum(axis=1)])
    images = {}
    for simplified in (True, False):
        monkeypatch.setattr(surface_module, "SIMPLIFIED_FROM", 2000 if simplified else 10**9)
        view.set_trajectories([TrajectoryData(path, MAGENTA, 25_000)])
        images[simplified] = view.render_to_array(WIDTH, HEIGHT).astype(int)
        kept = view.trajectory_item._runs[0].kept
        assert (kept is not None and len(kept) < len(path) / 20) if simplified else kept is None
        drawn, scene = view.trajectory_item.path_points(0), view.trajectory_item._points[:25_001]
        if simplified:  # from the start to the ball, close to every point passed
            assert np.array_equal(drawn[[0, -1]], scene[[0, -1]])
            assert distances_to_polyline(scene, drawn).max() <= surface_module.SIMPLIFIED_SCENE * 1.01
        else:
            assert np.array_equal(drawn, scene)
    difference = np.abs(images[True][..., :3] - images[False][..., :3]).max(axis=2)
    assert (difference > 60).mean() < 0.001, "the same picture"


def test_animation_step_does_not_upload_or_redraw_the_mesh(view):
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    path = np.column_stack([np.linspace(-1, 1, 20), np.zeros(20), np.linspace(-1, 1, 20) ** 2])
    view.set_trajectories([TrajectoryData(path, MAGENTA, 0)])
    view.render_to_array(WIDTH, HEIGHT)
    mesh_uploads = view.mesh_item.upload_count
    run_uploads = view.trajectory_item.upload_count
    mesh_draws = view.mesh_item.draw_count
    first = view.render_to_array(WIDTH, HEIGHT)
    for index in range(1, 6):
        view.set_current_index(index)
        moved = view.render_to_array(WIDTH, HEIGHT)
    assert view.mesh_item.upload_count == mesh_uploads
    assert view.trajectory_item.upload_count == run_uploads
    assert view.mesh_item.draw_count == mesh_draws
    assert np.abs(moved.astype(int) - first).sum() > 0
    view.set_surface(xs, ys, heights + 1.0, (0.0, 9.0))
    view.render_to_array(WIDTH, HEIGHT)
    assert view.mesh_item.upload_count == mesh_uploads + 1


def wait_until_settled(view: SurfaceView, qtbot) -> None:
    """Until the antialiased frame, drawn once the picture has settled, is painted (a fixed wait fell short on a
    busy machine, and the frame came in during the test)."""
    qtbot.waitUntil(lambda: view._settled and view._smoothing is None, timeout=5000)
    if view.isVisible():
        qtbot.waitUntil(lambda: view._painted_revision == view._frame_revision, timeout=3000)


def test_window_frames_reuse_the_static_layer(view, qtbot):
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    path = np.column_stack([np.linspace(-1, 1, 20), np.zeros(20), np.linspace(-1, 1, 20) ** 2])
    view.set_trajectories([TrajectoryData(path, MAGENTA, 0)])
    view.grab()
    wait_until_settled(view, qtbot)
    view.grab()
    mesh_draws = view.mesh_item.draw_count
    for index in range(1, 4):
        view.set_current_index(index)
        view.grab()
    assert view.mesh_item.draw_count == mesh_draws
    view.orbit(10.0, 0.0)
    view.grab()
    assert view.mesh_item.draw_count == mesh_draws + 1


def test_the_settled_frame_is_antialiased_in_the_background_and_shows_once_finished(view, qtbot):
    """The supersampled layer is handed to OpenGL and reduced once drawn: the window no longer waits ~45 ms for it."""
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    path = np.column_stack([np.linspace(-1, 1, 20), np.zeros(20), np.linspace(-1, 1, 20) ** 2])
    view.set_trajectories([TrajectoryData(path, MAGENTA, 0)])
    quick = qimage_to_array(view.grab().toImage())
    view._settle_timer.stop()
    view._settle()
    assert view._smoothing is not None and not view._settled, "handed to OpenGL, not waited for"
    qtbot.waitUntil(lambda: view._settled, timeout=3000)
    assert view._smoothing is None
    smooth = qimage_to_array(view.grab().toImage())
    exported = view.render_to_array(WIDTH, HEIGHT)  # an export is always drawn antialiased, in one go
    assert np.abs(smooth[..., :3].astype(int) - exported[..., :3]).max() <= 1
    assert np.abs(smooth[..., :3].astype(int) - quick[..., :3]).mean() > 0.05, "smoother than the quick frame"


def test_an_antialiased_layer_the_picture_changed_under_is_dropped(view, qtbot):
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    view.grab()
    view._settle_timer.stop()
    view._settle()
    reductions = []
    original = view._reduce_framebuffer
    view._reduce_framebuffer = lambda *args: reductions.append(args) or original(*args)
    view.orbit(10.0, 0.0)
    view.grab()
    qtbot.waitUntil(lambda: view._smoothing is None, timeout=3000)
    assert reductions == [] and not view._settled
    qtbot.waitUntil(lambda: view._settled, timeout=3000)  # its own wait draws the turned picture antialiased
    assert len(reductions) == 1


def test_a_repaint_the_view_did_not_ask_for_shows_the_last_frame_again(view, qtbot):
    """Moved or uncovered by the window, the view drew its whole frame anew: 10–15 ms for the same picture."""
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    view.grab()
    wait_until_settled(view, qtbot)
    view.grab()
    frames = []
    original = view._start_frame
    view._start_frame = lambda *args: frames.append(args) or original(*args)
    before = view.grab().toImage()
    view.repaint()  # a repaint without a change (update() was not called)
    assert frames == [] and view.grab().toImage() == before
    view.orbit(10.0, 0.0)  # a change: drawn anew
    view.repaint()
    assert len(frames) == 1


def test_a_formula_with_taller_equations_draws_the_3d_frame_once_at_the_views_size(make_main_window, qtbot):
    """Himmelblau's long partials, stacked, made the equations taller than the bowl's in a row, and the views shorter:
    the frame started early, at the old size, was drawn again at the new one. The views now keep their height (the
    equations are drawn smaller in the formula panel's height), and the frame is drawn once."""
    from gradviz.core.presets import find_preset

    window = make_main_window("bowl", size=(1280, 720))
    view = window.surface_view
    wait_until_settled(view, qtbot)
    height = view.height()
    sizes = []
    original = view._start_frame
    view._start_frame = lambda purpose, *rest: sizes.append((purpose, *rest[:2])) or original(purpose, *rest)
    window.open_preset(find_preset("himmelblau"))  # analysed in the worker, shown when it arrives
    qtbot.waitUntil(lambda: "11" in window.session.analysis.formula.text, timeout=10000)
    qtbot.waitUntil(lambda: view._painted_revision == view._frame_revision, timeout=3000)
    assert view.height() == height
    assert sizes == [("window", view.deviceWidth(), view.deviceHeight())]


def test_export_is_the_window_picture_scaled(view, qtbot):
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    small = view.render_to_array(WIDTH, HEIGHT).astype(float)
    large = view.render_to_array(2 * WIDTH, 2 * HEIGHT).astype(float)
    halved = large.reshape(HEIGHT, 2, WIDTH, 2, 4).mean(axis=(1, 3))
    assert np.abs(halved - small).mean() < 6.0
    view.update()
    qtbot.wait(400)
    window = view.grab().toImage()
    window_pixels = np.frombuffer(
        window.convertToFormat(window.Format.Format_RGBA8888).constBits(), dtype=np.uint8
    ).reshape(HEIGHT, -1)[:, : WIDTH * 4].reshape(HEIGHT, WIDTH, 4)
    assert np.abs(window_pixels.astype(float) - small).mean() < 3.0


def test_curve_mode_draws_a_ribbon(view):
    ws = np.linspace(-2.0, 2.0, 200)
    view.set_curve(ws, ws**2, (0.0, 4.0), labels=("w", "f"))
    view.set_trajectories([TrajectoryData(np.column_stack([[1.5, 0.5], [2.25, 0.25]]), MAGENTA, -1)])
    image = view.render_to_array(WIDTH, HEIGHT)
    saturation = image[..., :3].max(axis=2).astype(int) - image[..., :3].min(axis=2)
    assert (saturation > 60).mean() > 0.01
    assert view.axis_labels.titles == ("w", "", "f")


def test_a_curves_tube_fits_in_the_box_at_its_lowest_and_highest(view):
    """Clamped to the box, the tube round sin x was cut flat at its peaks and troughs (the double well's minima)."""
    from gradviz.app.surface_view import CURVE_HALF_THICKNESS

    ws = np.linspace(-3.0, 3.0, 300)
    view.set_curve(ws, np.sin(ws), (-1.0, 1.0), labels=("x", "f"))
    low, high = view.scene_mapping.scene_z(np.array([-1.0, 1.0]))
    assert low - CURVE_HALF_THICKNESS >= -1e-9 and high + CURVE_HALF_THICKNESS <= BOX_HEIGHT + 1e-9
    assert low - CURVE_HALF_THICKNESS == pytest.approx(0.0) and high + CURVE_HALF_THICKNESS == pytest.approx(BOX_HEIGHT)


def test_a_curve_shows_where_it_is_steep(view):
    """The tube along a curve is as thick from any side: a steep stretch shows as well as a flat one.

    (Drawn as a flat strip lying along y, the curve was seen edge-on wherever it was steep, and vanished there.)
    """
    ws = np.linspace(-2.0, 2.0, 200)
    view.set_curve(ws, 0.8 * np.tanh(4.0 * ws), (-1.0, 1.0))
    image = view.render_to_array(WIDTH, HEIGHT)
    coloured = image[..., :3].min(axis=2) < 150  # every colour of the map has a dark channel; the box is light grey
    steep = np.linspace(-0.15, 0.15, 7)
    flat = np.array([-1.5, 1.5])
    for w in (*steep, *flat):
        column, row = np.rint(project(view, [[w, 0.0, 0.8 * math.tanh(4.0 * w)]])[0]).astype(int)
        assert coloured[row - 2:row + 3, column - 2:column + 3].all(), w  # the tube covers the point around


def test_log_height_ticks_show_given_labels_inside_the_range(view):
    xs, ys, heights = bowl()
    ticks = [(np.log1p(value), f"{value:g}") for value in (0, 1, 10, 100)]
    view.set_surface(xs, ys, np.log1p(heights), (0.0, np.log1p(8.0)), z_ticks=ticks)
    assert [text for _, text in view.axis_labels.z_ticks] == ["0", "1"]


def test_scene_mapping_fits_any_ranges_into_the_box():
    mapping = SceneMapping((-100.0, 100.0), (0.0, 1.0), (0.0, 1e6))
    scene = mapping.to_scene(np.array([[-100.0, 0.0, 0.0], [100.0, 1.0, 1e6], [0.0, 0.5, 2e6]]))
    assert scene[:, 0].tolist() == [-1.0, 1.0, 0.0]
    assert scene[:, 1].tolist() == [-1.0, 1.0, 0.0]
    assert scene[:, 2].tolist() == [0.0, BOX_HEIGHT, BOX_HEIGHT]


def test_top_and_reset_view(view):
    view.top_view()
    assert view.opts["elevation"] == 90.0
    view.reset_view()
    assert view.opts["elevation"] == SurfaceView.ELEVATION


def test_grid_triangles_skip_invalid_points():
    finite = np.ones((3, 4), dtype=bool)
    assert grid_triangles(finite).shape == (2 * 2 * 3, 3)
    finite[1, 1] = False
    triangles = grid_triangles(finite)
    assert not np.isin(triangles, [1 * 4 + 1]).any()
    assert len(triangles) == 12 - 6


def test_coarse_triangles_use_every_other_grid_line():
    finite = np.ones((5, 6), dtype=bool)
    triangles = coarse_grid_triangles(finite)
    rows, columns = np.divmod(triangles, 6)
    assert set(rows.ravel().tolist()) == {0, 2, 4}
    assert set(columns.ravel().tolist()) == {0, 2, 4, 5}
    assert len(triangles) == 2 * 2 * 3
    finite[2, 2] = False
    assert not np.isin(coarse_grid_triangles(finite), [2 * 6 + 2]).any()


def test_no_wall_is_drawn_where_the_surface_leaps_past_a_pole(view):
    """1/x + y²: the triangles between x < 0 and x > 0 next to the pole would stand from the floor to the top."""
    xs = np.linspace(-3.0, 3.0, 122)  # no sample at 0: the pole lies between two columns
    grid_x, grid_y = np.meshgrid(xs, xs)
    heights = 1.0 / grid_x + grid_y**2
    view.set_surface(xs, xs, heights, (-6.0, 12.0))
    for triangles in (view.mesh_item.triangles.pending, view.mesh_item.coarse_triangles.pending):
        corners = heights.ravel()[triangles]
        assert len(triangles) > 0
        assert not ((corners > 12.0).any(axis=1) & (corners < -6.0).any(axis=1)).any()
    kept = view.mesh_item.triangles.pending
    assert len(kept) == 2 * 121 * 121 - 2 * 121, "one column of cells, at the pole, is left out"
    view.set_surface(xs, xs, heights, (-1e6, 1e6))
    assert len(view.mesh_item.triangles.pending) == 2 * 121 * 121, "inside the range, nothing is left out"


def test_grid_triangles_leave_out_leaps_between_the_ends_only():
    finite = np.ones((2, 3), dtype=bool)
    above = np.array([[True, False, False], [True, False, False]])
    below = np.array([[False, True, False], [False, True, False]])
    triangles = grid_triangles(finite, MeshBreaks(above, below))
    assert len(triangles) == 2, "the cell between the ends is left out, the next one kept"
    assert len(grid_triangles(finite, MeshBreaks(above, np.zeros_like(below)))) == 4


def test_cells_with_a_jump_along_a_side_are_left_open_in_both_meshes():
    between_rows = np.zeros((4, 6), dtype=bool)
    between_columns = np.zeros((5, 5), dtype=bool)
    between_columns[:, 2] = True  # f jumps between columns 2 and 3 on every row
    cells = cells_across_jumps((between_rows, between_columns), (5, 6))
    assert cells.shape == (4, 5) and cells[:, 2].all() and not np.delete(cells, 2, axis=1).any()
    finite = np.ones((5, 6), dtype=bool)
    triangles = grid_triangles(finite, MeshBreaks(cells=cells))
    columns = np.sort(triangles % 6, axis=1)
    assert len(triangles) == 2 * 4 * 4 and not ((columns[:, 0] <= 2) & (columns[:, -1] >= 3)).any()
    coarse = coarse_grid_triangles(finite, MeshBreaks(cells=cells))
    coarse_columns = np.sort(coarse % 6, axis=1)
    assert len(coarse) == 2 * 2 * 2, "the coarse cell over columns 2 to 4 holds the jump"
    assert not ((coarse_columns[:, 0] <= 2) & (coarse_columns[:, -1] >= 3)).any()
    assert cells_across_jumps((between_rows, np.zeros_like(between_columns)), (5, 6)) is None
    curve = cells_across_jumps((np.array([False, True, False]),), (5, 4))
    assert curve.shape == (4, 3) and curve[:, 1].all() and not curve[:, [0, 2]].any()


def test_no_wall_is_drawn_where_f_jumps(view):
    """atan(y/x) leaps from −π/2 to π/2 across x = 0: the cells there stay open, in the surface and in the tube."""
    xs = np.linspace(-3.0, 3.0, 40)
    grid_x, grid_y = np.meshgrid(xs, xs)
    between_columns = np.zeros((40, 39), dtype=bool)
    between_columns[:, 19] = True
    view.set_surface(xs, xs, np.arctan(grid_y / grid_x), (-1.6, 1.6), jumps=(np.zeros((39, 40), bool), between_columns))
    assert len(view.mesh_item.triangles.pending) == 2 * 39 * 38
    view.set_curve(xs, np.arctan(1.0 / xs), (-1.6, 1.6), jumps=between_columns[0])
    tube = view.mesh_item.triangles.pending
    assert len(tube) == 2 * 4 * 38, "every row of the tube is open between the two samples"


def test_level_coordinates_are_integers_on_levels_and_held_beyond():
    levels = np.array([1.0, 2.0, 4.0])
    coordinates = level_coordinates(np.array([1.0, 3.0, 4.0, -10.0, 10.0]), levels, 1.0)
    assert coordinates.tolist() == [0.0, 1.5, 2.0, -0.5, 2.5]


def test_ticks_are_round_and_well_formatted():
    assert nice_ticks(0.0, 8.0).tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert nice_ticks(-100.0, 100.0).tolist() == [-100.0, -50.0, 0.0, 50.0, 100.0]
    assert format_tick(-1.75, 0.25) == "-1.75"
    assert format_tick(1e6, 2e5) == "1e6"
    assert format_tick(0.0, 0.5) == "0"
    assert format_tick(2.220446049250313e-16, 5e-8) == "0"  # 1.5000000000000002 counted from 1.5
    assert format_tick(-1.0000000005838672e-07, 5e-8) == "-1e-7"


def test_ticks_of_a_large_value_that_varies_little_tell_each_other_apart():
    """f = x² + y² + 100000 has ticks 100000, 100005, …: each label says which (they all read 1e5)."""
    for low, high in ((100000.0, 100018.0), (1e6, 1e6 + 1.0), (1.0, 1.00001), (1000.0, 1000.00000002)):
        ticks = labelled_ticks(low, high)
        texts = [text for _, text in ticks]
        assert len(ticks) >= 3 and len(set(texts)) == len(texts), texts
        for value, text in ticks:
            assert float(text) == pytest.approx(value, rel=1e-12)


def magenta_pixels(image: np.ndarray) -> int:
    """How many pixels are in the run's colour."""
    rgb = image[..., :3].astype(int)
    return int(((rgb[..., 0] > 140) & (rgb[..., 2] > 140) & (rgb[..., 1] < 90)).sum())


def dark_text_pixels(image: np.ndarray) -> int:
    """How many pixels are dark grey, like the tick labels and titles (the colour map never is)."""
    rgb = image[..., :3].astype(int)
    return int(((rgb.max(axis=2) < 110) & (rgb.max(axis=2) - rgb.min(axis=2) < 25)).sum())


def test_presentation_scale_enlarges_runs_and_text(view):
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0), labels=("w1", "w2", "f"))
    path = np.array([[1.5 * 0.8**k, -1.2 * 0.8**k, 0.0] for k in range(12)])
    path[:, 2] = path[:, 0] ** 2 + path[:, 1] ** 2
    view.set_trajectories([TrajectoryData(path, MAGENTA, 6)])
    normal = view.render_to_array(WIDTH, HEIGHT)
    view.set_presentation_scale(2.0)
    large = view.render_to_array(WIDTH, HEIGHT)
    assert magenta_pixels(large) > 2.0 * magenta_pixels(normal)
    assert dark_text_pixels(large) > 1.8 * dark_text_pixels(normal)
    tick_font = view._fonts(WIDTH, HEIGHT, 2.0)[0]
    assert tick_font.pixelSize() == 2 * view._fonts(WIDTH, HEIGHT)[0].pixelSize()
    view.set_presentation_scale(1.0)
    assert np.array_equal(view.render_to_array(WIDTH, HEIGHT), normal)
    assert np.array_equal(view.render_to_array(WIDTH, HEIGHT, presentation_scale=2.0), large)


def test_camera_changed_follows_the_wheel_not_a_click(view, qtbot):

    centre = QtCore.QPointF(WIDTH / 2, HEIGHT / 2)
    with qtbot.assertNotEmitted(view.camera_changed):
        qtbot.mouseClick(view, QtCore.Qt.MouseButton.LeftButton, pos=centre.toPoint())
    wheel = QtGui.QWheelEvent(centre, view.mapToGlobal(centre), QtCore.QPoint(), QtCore.QPoint(0, 120),
                              QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier,
                              QtCore.Qt.ScrollPhase.NoScrollPhase, False)
    with qtbot.waitSignal(view.camera_changed, timeout=1000):
        QtCore.QCoreApplication.sendEvent(view, wheel)


def test_views_share_one_context_and_an_export_view_gives_its_buffers_back(view, qtbot):
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    before = view.render_to_array(WIDTH, HEIGHT)
    export_view = SurfaceView()
    qtbot.addWidget(export_view)
    export_view.resize(WIDTH, HEIGHT)
    export_view.set_surface(xs, ys, heights + 1.0, (0.0, 9.0))
    export_view.render_to_array(WIDTH, HEIGHT)
    assert export_view.context() is view.context()
    assert export_view.mesh_item.vertex_buffer.buffer_id != 0
    export_view.release_gl()
    assert export_view.mesh_item.vertex_buffer.buffer_id == 0
    assert np.array_equal(view.render_to_array(WIDTH, HEIGHT), before), "the other view's picture is untouched"


def test_a_frame_started_early_is_the_picture_of_the_latest_change(view, qtbot):
    from PySide6.QtCore import QCoreApplication

    from gradviz.app.surface_view import PRERENDER_EVENT

    def pixels(image) -> np.ndarray:
        return qimage_to_array(image)[..., :3].astype(int)

    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    path = np.column_stack([np.linspace(-1, 1, 20), np.zeros(20), np.linspace(-1, 1, 20) ** 2])
    view.set_trajectories([TrajectoryData(path, MAGENTA, 0)])
    view.render_window_image()
    view.set_current_index(5)
    QCoreApplication.sendPostedEvents(view, PRERENDER_EVENT)
    assert view._prerendered is not None, "the frame was handed to OpenGL before the repaint"
    early = pixels(view.render_window_image())
    assert np.array_equal(early, pixels(view.render_window_image()))
    view.set_current_index(6)
    QCoreApplication.sendPostedEvents(view, PRERENDER_EVENT)
    view.set_current_index(12)  # a change after the early start: that frame is not used
    assert np.array_equal(pixels(view.render_window_image()), pixels(view.render_window_image()))
    assert not np.array_equal(early, pixels(view.render_window_image()))


@pytest.mark.parametrize("xs", [np.linspace(-2.0, 3.0, 40), np.geomspace(0.1, 10.0, 40)], ids=["even", "uneven"])
def test_normals_of_a_plane_are_its_unit_normal(xs):
    ys = np.linspace(-1.0, 1.0, 30)
    grid_x, grid_y = np.meshgrid(xs, ys)
    heights = 0.5 * grid_x - 2.0 * grid_y
    expected = np.array([-0.5, 2.0, 1.0]) / np.sqrt(0.25 + 4.0 + 1.0)
    assert np.allclose(grid_normals(xs, ys, heights), expected, atol=1e-9)
    heights[5, 7] = np.nan  # its neighbours use the slopes on their other side; the point itself stands upright
    normals = grid_normals(xs, ys, heights)
    assert np.allclose(normals[5, 7], (0.0, 0.0, 1.0)) and np.allclose(normals[5, 8], expected)
    assert np.allclose(np.linalg.norm(normals, axis=-1), 1.0)


def test_an_opengl_error_in_the_cached_copy_falls_back_to_drawing_every_layer(view, monkeypatch):
    from OpenGL import GL

    from gradviz.app.surface_view import gl_failed

    view.make_current()
    GL.glEnable(0x7FFF)  # no such capability: OpenGL records an error (PyOpenGL no longer raises one)
    assert gl_failed() and not gl_failed()
    view.done_current()
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    cached = view.render_to_array(WIDTH, HEIGHT)
    monkeypatch.setattr(view, "_copy_framebuffer", lambda *args: GL.glEnable(0x7FFF))
    view.mark_scene_changed()
    fallen_back = view.render_to_array(WIDTH, HEIGHT)
    assert not view._use_static_cache
    difference = np.abs(fallen_back[..., :3].astype(int) - cached[..., :3].astype(int))
    assert np.percentile(difference, 99) < 60  # the same picture, drawn straight into the frame


@pytest.mark.parametrize(
    ("presentation_scale", "size"), [(1.0, (WIDTH, HEIGHT)), (2.0, (WIDTH, 480)), (2.0, (900, 400))]
)
def test_the_colour_bar_and_height_labels_keep_clear_of_the_box(view, presentation_scale, size):
    """In any frame, at any text size and whichever way the box is turned, every label lies inside the frame,
    the height labels have their room left of the box and the colour bar is right of it."""
    view.resize(*size)
    xs, ys, heights = bowl()
    ticks = [(np.log1p(value - 2.532e-05), text) for value, text in ((2.532e-05, "2.532e−05"), (1, "1"), (10, "10"))]
    view.set_surface(xs, ys, np.log1p(heights), (0.0, np.log1p(8.0)), z_ticks=ticks)
    view.set_presentation_scale(presentation_scale)
    w, d = BOX_HALF_WIDTH, view.scene_mapping.half_depth
    box = np.array([(x, y, z) for x in (-w, w) for y in (-d, d) for z in (FLOOR_Z, BOX_HEIGHT)])
    for azimuth in (-60.0, 30.0, 135.0):
        view.setCameraPosition(azimuth=azimuth)
        view.render_to_array(*size)
        corners = view.project_scene_points(box, *size)
        labels = view._static_text["export"].label_boxes
        assert all(label.left() >= 0.0 and label.right() <= size[0] for label in labels)
        # (the box's corners may reach past the picture by a hair: it is fitted by its bounding sphere)
        assert corners[:, 0].min() >= view.text_room(*size)[1] - 0.01 * size[0], "the height labels fit left of it"
        assert view._colour_bar_left > corners[:, 0].max()
        gap = BAR_GAP * QtGui.QFontMetricsF(view._fonts(*size, presentation_scale)[0]).height()
        bar = view._colour_bar_left
        assert all(label.right() <= bar - gap or label.left() >= bar for label in labels), "axis titles clear of it"


def test_crowded_height_labels_of_a_signed_f_give_way_evenly_on_both_sides(view, monkeypatch):
    """30xy in log height: the axis kept −1 and dropped 0 and 1, reading 100, 10, −1, −10, −100."""
    from gradviz.app.surface_view import TextPlacer
    from gradviz.core.height_scale import HeightScale

    scale = HeightScale(log=True, reference=0.0)
    ticks = scale.ticks((-180.0, 180.0))
    xs = np.linspace(-3.0, 3.0, 31)
    grid_x, grid_y = np.meshgrid(xs, xs)
    view.resize(WIDTH, 200)  # a short axis: the labels near 0 crowd
    view.set_surface(xs, xs, scale.forward(20.0 * grid_x * grid_y), scale.display_range((-180.0, 180.0)), z_ticks=ticks)
    drawn: list[str] = []
    paint_z_axis = view._paint_z_axis

    def recording(placer: TextPlacer, *args: object) -> None:
        """The height axis's labels that were drawn (not skipped)."""
        draw = placer.draw
        placer.draw = lambda font, x, y, text, *rest, **options: (  # type: ignore[method-assign]
            draw(font, x, y, text, *rest, **options) and (drawn.append(text) or True))
        paint_z_axis(placer, *args)
        placer.draw = draw  # type: ignore[method-assign]

    monkeypatch.setattr(view, "_paint_z_axis", recording)
    view.render_to_array(WIDTH, 200)
    heights = [float(text.replace("−", "-")) for text in drawn if text in {label for _, label in ticks}]
    assert len(heights) < len(ticks), "crowded: some give way"
    assert 0.0 in heights and sorted(heights) == sorted(-value for value in heights)


def test_height_labels_keep_a_gap_from_each_other(view, monkeypatch):
    """Himmelblau in log height, in a tall frame: the height axis's 1 sat directly on its 0.007, touching."""
    from gradviz.app.surface_view import TextPlacer
    from gradviz.app.view_common import LABEL_GAP

    xs, ys, heights = bowl()
    lowest = 0.007495
    ticks = [(float(np.log1p(value - lowest)), text) for value, text in ((lowest, "0.007"), (1, "1"), (10, "10"))]
    drawn: list[QtCore.QRectF] = []
    paint_z_axis = view._paint_z_axis

    def recording(placer: TextPlacer, *args: object) -> None:
        """The text boxes of the height axis's tick labels that were drawn (not skipped)."""
        draw = placer.draw
        placer.draw = lambda font, x, y, text, *rest, **options: (  # type: ignore[method-assign]
            draw(font, x, y, text, *rest, **options) and text in texts
            and (drawn.append(placer.text_of(placer.taken[-1])) or True))
        paint_z_axis(placer, *args)
        placer.draw = draw  # type: ignore[method-assign]

    texts = {text for _, text in ticks}
    monkeypatch.setattr(view, "_paint_z_axis", recording)
    view.set_surface(xs, ys, np.log1p(heights * 10.0), (0.0, np.log1p(80.0)), z_ticks=ticks)
    for width, height in ((1080, 1920), (540, 960), (WIDTH, HEIGHT)):
        drawn.clear()
        view.render_to_array(width, height)
        cap = QtGui.QFontMetricsF(view._fonts(width, height)[0]).capHeight()
        assert len(drawn) >= 2, (width, height)
        for first, second in itertools.combinations(drawn, 2):
            assert box_distance(first, second) >= LABEL_GAP * cap - 0.01, (width, height, first, second)


def box_distance(first: QtCore.QRectF, second: QtCore.QRectF) -> float:
    """How far apart two boxes are, across or up and down (negative where they overlap)."""
    return max(second.top() - first.bottom(), first.top() - second.bottom(),
               second.left() - first.right(), first.left() - second.right())


@pytest.mark.parametrize("presentation_scale", [1.0, 1.6, 2.0])
def test_critical_point_names_keep_a_gap_from_the_tick_labels(view, monkeypatch, presentation_scale):
    """The two-minima curve presented: the left minimum's "min" touched the x axis's −1, reading "min-1"."""
    from gradviz.app.view_common import LABEL_GAP, PROBE_FONT_PIXELS

    ws = np.linspace(-2.2, 2.2, 401)
    fs = ws**4 - 3.4 * ws**2 + 0.5 * ws
    view.set_curve(ws, fs, (float(fs.min()), float(fs.max())), labels=("x", "f"))
    minima = [-1.3395, 1.2653]
    view.set_critical_points(np.array([[w, 0.0, w**4 - 3.4 * w**2 + 0.5 * w] for w in (*minima, 0.0738)]),
                             ["minimum", "minimum", "maximum"])
    view.set_presentation_scale(presentation_scale)
    axis_labels: list[QtCore.QRectF] = []
    paint_critical_points = view._paint_critical_points

    def recording(painter, to_pixels, width, height, taken):
        """The axes' labels the names keep off."""
        axis_labels[:] = taken
        return paint_critical_points(painter, to_pixels, width, height, taken)

    monkeypatch.setattr(view, "_paint_critical_points", recording)
    font = QtGui.QFont()
    font.setPixelSize(round(PROBE_FONT_PIXELS * view.text_scale))
    gap = LABEL_GAP * QtGui.QFontMetricsF(font).capHeight()
    for width, height in ((760, 620), (640, 400), (960, 540)):
        view.render_to_array(width, height)
        assert view.drawn_critical_boxes and axis_labels
        for name in view.drawn_critical_boxes:
            assert min(box_distance(name, label) for label in axis_labels) >= gap - 0.01, (width, height, name)


def test_cells_with_every_corner_moved_onto_the_rim_are_left_out():
    """Moved corners all round a cell would bridge a gap of f's domain; one corner on the grid keeps the cell."""
    finite = np.ones((3, 3), dtype=bool)
    moved = np.array([[True, True, False], [True, True, True], [False, True, True]])
    triangles = grid_triangles(finite, MeshBreaks(moved=moved))
    assert len(triangles) == 2 * 2, "the top-left and bottom-right cells, all moved, are left out"
    assert not np.isin(triangles, [0]).any() and not np.isin(triangles, [8]).any()


def mark_contrast(marked: np.ndarray, plain: np.ndarray, centre: QtCore.QPointF) -> float:
    """The largest change a critical point's mark made to the picture within 6 pixels of its centre."""
    patch = (slice(round(centre.y()) - 6, round(centre.y()) + 7), slice(round(centre.x()) - 6, round(centre.x()) + 7))
    return float(np.abs(marked[patch][..., :3].astype(int) - plain[patch][..., :3]).max())


def test_a_minimum_at_a_kink_the_near_face_hides_is_still_marked(view):
    """abs(x) + 2abs(y): the V's near face, almost edge-on to the camera, hid the minimum's mark at its foot."""
    xs = np.linspace(-3.0, 3.0, 200)
    grid_x, grid_y = np.meshgrid(xs, xs)
    view.set_surface(xs, xs, np.abs(grid_x) + 2 * np.abs(grid_y), (0.0, 9.0))
    plain = view.render_to_array(WIDTH, HEIGHT)
    view.set_critical_points(np.array([[0.0, 0.0, 0.0]]), ["minimum"])
    marked = view.render_to_array(WIDTH, HEIGHT)
    assert len(view.drawn_critical_points) == 1 and view.faint_critical_points == view.drawn_critical_points
    assert mark_contrast(marked, plain, view.drawn_critical_points[0]) > 40


def test_critical_points_are_marked_faintly_where_the_surface_hides_them(view):
    """A hill's top is marked; a point at its far foot is hidden behind it (marked faintly), and seen again from
    above or below."""
    xs = np.linspace(-2.0, 2.0, 101)
    grid_x, grid_y = np.meshgrid(xs, xs)
    view.set_surface(xs, xs, 8.0 * np.exp(-(grid_x**2 + grid_y**2)), (0.0, 8.0))
    camera = view.cameraPosition()
    away = -np.array([camera.x(), camera.y()]) / math.hypot(camera.x(), camera.y())
    foot = 1.8 * away
    points = np.array([[0.0, 0.0, 8.0], [*foot, 8.0 * math.exp(-float(foot @ foot))]])
    plain = view.render_to_array(WIDTH, HEIGHT)
    view.set_critical_points(points, ["maximum", "minimum"])
    scene = view.scene_mapping.to_scene(points)
    assert view.hidden_by_surface(scene).tolist() == [False, True]
    marked = view.render_to_array(WIDTH, HEIGHT)
    assert len(view.drawn_critical_points) == 2 and view.faint_critical_points == view.drawn_critical_points[1:]
    top = view.drawn_critical_points[0]
    patch = (slice(round(top.y()) - 6, round(top.y()) + 7), slice(round(top.x()) - 6, round(top.x()) + 7))
    assert (marked[patch][..., :3].max(axis=-1) < 60).any()  # the mark's dark edge
    assert (np.abs(marked[patch].astype(int) - plain[patch]).max(axis=-1) > 60).any()
    foot_mark = mark_contrast(marked, plain, view.drawn_critical_points[1])
    assert 0.25 < foot_mark / mark_contrast(marked, plain, top) < 0.75, "the hidden foot's mark is there, faint"
    name_contrast = []  # its name too: a "min" in full beside a "max" read as in sight
    for box in view.drawn_critical_boxes:
        rows, columns = slice(round(box.top()), round(box.bottom())), slice(round(box.left()), round(box.right()))
        name_contrast.append(float(np.abs(marked[rows, columns, :3].astype(int) - plain[rows, columns, :3]).max()))
    assert view.drawn_critical_names == ("max", "min")
    assert 0.25 < name_contrast[1] / name_contrast[0] < 0.75, "the hidden foot's name is faint as its mark"
    view.top_view()
    assert view.hidden_by_surface(scene).tolist() == [False, False]
    view.set_critical_points(np.zeros((0, 3)), ())
    view.reset_view()
    assert np.array_equal(view.render_to_array(WIDTH, HEIGHT), plain)
    xs, ys, heights = bowl()
    view.set_surface(xs, ys, heights, (0.0, 8.0))
    bottom = view.scene_mapping.to_scene(np.array([[0.0, 0.0, 0.0]]))
    for elevation in (32.0, -30.0):  # from below, the bowl's underside: its bottom is in sight
        view.setCameraPosition(elevation=elevation)
        assert not view.hidden_by_surface(bottom)[0]


def test_the_colour_bars_labels_never_touch_and_give_way_evenly(view, monkeypatch):
    """Height ticks every 0.25 crowd a short bar: every k-th label shows, each a cap height from the next."""
    from gradviz.app.surface_view import TextPlacer
    from gradviz.app.view_common import LABEL_GAP

    xs, ys, heights = bowl()
    ticks = [(float(value), f"{value:g}") for value in np.arange(0.0, 8.01, 0.25)]
    drawn: list[tuple[float, str]] = []
    paint_colour_bar = view._paint_colour_bar

    def recording(placer: TextPlacer, *args: object) -> None:
        """The colour bar's labels that were drawn (not skipped), with their heights in the frame."""
        draw = placer.draw
        placer.draw = lambda font, x, y, text, *rest, **options: (  # type: ignore[method-assign]
            draw(font, x, y, text, *rest, **options) and (drawn.append((y, text)) or True))
        paint_colour_bar(placer, *args)
        placer.draw = draw  # type: ignore[method-assign]

    monkeypatch.setattr(view, "_paint_colour_bar", recording)
    view.set_surface(xs, ys, heights, (0.0, 8.0), z_ticks=ticks)
    texts = [text for _, text in ticks]
    for height in range(300, 560, 20):
        drawn.clear()
        view.render_to_array(WIDTH, height)
        cap = QtGui.QFontMetricsF(view._fonts(WIDTH, height)[0]).capHeight()
        labels = sorted((y, text) for y, text in drawn if text in texts)
        assert len(labels) >= 3
        assert all(below - above >= (1.0 + LABEL_GAP) * cap - 0.01
                   for (above, _), (below, _) in itertools.pairwise(labels)), (height, labels)
        indices = sorted(texts.index(text) for _, text in labels)
        assert len(set(np.diff(indices))) == 1 and 0 in indices, f"evenly, from 0: {indices}"


@pytest.mark.parametrize("rate", [1.2, 50.0])
def test_a_diverging_path_is_cut_where_it_leaves_the_box_not_laid_along_its_lid(make_main_window, rate) -> None:
    """The bowl at η = 1.2 or 50 leaves the box at step 1: its later steps, far above the heights drawn, were drawn at
    the lid's height, so the steps between them crossed the box as bars floating over the surface."""
    window = make_main_window("bowl", size=(1280, 720))
    session, surface = window.session, window.surface_view
    session.update_run(0, lr=rate, max_steps=6)
    session.set_step(session.last_step)
    item = surface.trajectory_item
    drawn = item.path_points(0).astype(np.float64)
    run = session.runs[0]
    true = surface.scene_mapping.to_scene(np.column_stack([run.points[:, :2], run.values]), clamp=False)
    true[:, 2] += TRAJECTORY_LIFT
    assert len(drawn) == len(true) >= 4
    for (start, end), (true_start, true_end) in zip(itertools.pairwise(drawn), itertools.pairwise(true), strict=True):
        inside, true_inside = clip_segment(start, end, *item.box), clip_segment(true_start, true_end, *item.box)
        assert (inside is None) == (true_inside is None)  # what is drawn of a step in the box is the step itself
        if inside is not None:
            assert np.allclose(inside, true_inside, atol=1e-4)
    surface.render_to_array(surface.width(), surface.height())
    (point, _step, _colour), = item.exits()
    _low, high = item.box
    if rate == 50.0:  # step 1 lands 80 000 above the bowl's top, straight over it: the path leaves by the lid
        assert point[2] == pytest.approx(high[2]) and np.all(np.abs(point[:2]) < 0.9 * np.array(high[:2]))
