"""Time the views as a user sees them: new surface or field until painted, and one animation frame.

Run under a display, e.g. ``xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX +render"
python benchmarks/bench_views.py``. Prints medians in milliseconds.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph.opengl as pg_gl
from OpenGL import GL
from PySide6 import QtCore, QtOpenGLWidgets, QtWidgets

from gradviz.app.colormaps import RUN_COLOURS
from gradviz.app.contour_view import ContourView
from gradviz.app.exporter import keep_singletons_alive
from gradviz.app.surface_view import SurfaceView
from gradviz.app.view_common import TrajectoryData

SIZES = (100, 200, 400)
REPEATS = 7
FRAMES = 25
WINDOW = (1280, 720)


class PaintCounter(QtCore.QObject):
    """Counts paint events reaching a widget."""

    def __init__(self, widget: QtWidgets.QWidget) -> None:
        """Watch this widget."""
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        """Count, never consume."""
        if event.type() == QtCore.QEvent.Type.Paint:
            self.count += 1
        return False

    def ensure_painted_since(self, count: int, app: QtWidgets.QApplication) -> None:
        """Deliver pending events until a paint newer than count happened."""
        while self.count <= count:
            app.sendPostedEvents()
            app.processEvents()


class FrameWaiter:
    """Waits in an event loop until a GL widget has presented a new frame."""

    def __init__(self, widget: QtWidgets.QWidget) -> None:
        """Quit the running wait whenever the widget swaps a frame."""
        self.loop = QtCore.QEventLoop()
        widget.frameSwapped.connect(self.loop.quit)

    def wait_next(self, app: QtWidgets.QApplication) -> None:
        """Run events until the next frame is on screen."""
        self.loop.exec()


def bowl(count: int, shift: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x² + y² on a count × count grid over [-2, 2]²."""
    xs = np.linspace(-2.0, 2.0, count)
    grid_x, grid_y = np.meshgrid(xs, xs)
    return xs, grid_x, grid_x**2 + grid_y**2 + shift


class Samples:
    """Wall-clock and CPU seconds (all threads of this process, so software GL counts) of repeated runs."""

    def __init__(self) -> None:
        """Start empty."""
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __str__(self) -> str:
        """Median wall time, minimum wall time and median CPU time, in milliseconds."""
        wall, cpu = statistics.median(self.wall), statistics.median(self.cpu)
        return f"{1000 * wall:6.1f} ({1000 * min(self.wall):5.1f}, cpu {1000 * cpu:5.1f})"


def median_ms(samples: Samples) -> str:
    """The samples as text: median (min, median CPU) in milliseconds."""
    return str(samples)


def timed(action: Callable[[int], None], repeats: int) -> Samples:
    """Wall and CPU times of action(k) for k in range(repeats)."""
    samples = Samples()
    for k in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        action(k)
        samples.wall.append(time.perf_counter() - start)
        samples.cpu.append(time.process_time() - start_cpu)
    return samples


def settle(app: QtWidgets.QApplication, milliseconds: int) -> None:
    """Let timers fire and the window catch up."""
    loop = QtCore.QEventLoop()
    QtCore.QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def show(widget: QtWidgets.QWidget, app: QtWidgets.QApplication) -> None:
    """Show at the benchmark size and wait until it is on screen."""
    widget.resize(*WINDOW)
    widget.show()
    settle(app, 300)


def bench_surface(app: QtWidgets.QApplication) -> None:
    """set_surface until the window shows it, ours against pyqtgraph's GLSurfacePlotItem."""
    view = SurfaceView()
    show(view, app)
    waiter = FrameWaiter(view)
    stock = pg_gl.GLViewWidget()
    show(stock, app)
    stock_waiter = FrameWaiter(stock)
    print(f"surface: set + first paint in a {WINDOW[0]}×{WINDOW[1]} window, ms: median (min, cpu) of {REPEATS}")
    print("   grid   SurfaceView                 antialiased export           GLSurfacePlotItem")
    for count in SIZES:
        def ours(k: int, count: int = count) -> None:
            xs, _, heights = bowl(count, 0.01 * k)
            view.set_surface(xs, xs, heights, (0.0, 8.0))
            view.update()
            waiter.wait_next(app)

        ours_times = timed(ours, REPEATS)
        export_times = timed(lambda k: (view.mark_scene_changed(), view.render_to_array(*WINDOW)), REPEATS)
        stock_item = pg_gl.GLSurfacePlotItem(shader="heightColor", computeNormals=True, smooth=True)
        stock.addItem(stock_item)

        def theirs(k: int, count: int = count, item: pg_gl.GLSurfacePlotItem = stock_item) -> None:
            xs, _, heights = bowl(count, 0.01 * k)
            item.setData(x=xs, y=xs, z=heights.T)
            stock.update()
            stock_waiter.wait_next(app)

        stock_times = timed(theirs, REPEATS)
        stock.removeItem(stock_item)
        print(f"  {count:4d}²  {median_ms(ours_times)}   {median_ms(export_times)}   {median_ms(stock_times)}")
    view.close()
    stock.close()


def bench_contour(app: QtWidgets.QApplication) -> None:
    """set_field (levels, lines, arrows) until the widget is repainted."""
    view = ContourView()
    show(view, app)
    print(f"contour: set_field + paint in a {WINDOW[0]}×{WINDOW[1]} window, ms: median (min, cpu) of {REPEATS}")
    for count in SIZES:
        def action(k: int, count: int = count) -> None:
            xs, grid_x, heights = bowl(count, 0.01 * k)
            view.set_field(xs, xs, heights, 2 * grid_x, 2 * grid_x.T)
            view.viewport().repaint()

        print(f"  {count:4d}²  {median_ms(timed(action, REPEATS))}")
    view.close()


def descent_path(steps: int = 60) -> np.ndarray:
    """A gradient-descent path on the bowl."""
    points = [np.array([-1.7, 1.4])]
    for _ in range(steps - 1):
        points.append(points[-1] * 0.9)
    xy = np.array(points)
    return np.column_stack([xy, (xy**2).sum(axis=1)])


def animated_pair(count: int) -> tuple[SurfaceView, ContourView, np.ndarray]:
    """A surface view and a contour view of the bowl, each with one descent run."""
    xs, grid_x, heights = bowl(count)
    path = descent_path()
    surface, contour = SurfaceView(), ContourView()
    surface.set_surface(xs, xs, heights, (0.0, 8.0))
    contour.set_field(xs, xs, heights, 2 * grid_x, 2 * grid_x.T)
    for view in (surface, contour):
        view.set_trajectories([TrajectoryData(path, RUN_COLOURS[0], 0)])
    return surface, contour, path


def time_frames(app: QtWidgets.QApplication, surface: SurfaceView | None, contour: ContourView | None,
                length: int) -> Samples:
    """Wall times of animation steps: move the current point, wait until the given views repainted."""
    waiter = FrameWaiter(surface) if surface is not None else None
    painted = PaintCounter(contour.viewport()) if contour is not None else None

    def frame(k: int) -> None:
        index = (k + 1) % length
        before = painted.count if painted is not None else 0
        for view in (surface, contour):
            if view is not None:
                view.set_current_index(index)
        if waiter is not None:
            waiter.wait_next(app)
        if painted is not None:
            painted.ensure_painted_since(before, app)

    timed(frame, 3)
    return timed(frame, FRAMES)


def bench_animation(app: QtWidgets.QApplication) -> None:
    """One animation step (current point moves, views repaint) at a 200² grid."""
    surface, contour, path = animated_pair(200)
    window = QtWidgets.QWidget()
    layout = QtWidgets.QHBoxLayout(window)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(surface)
    layout.addWidget(contour)
    show(window, app)
    settle(app, 400)
    print(f"animation: set_current_index until repainted, 200² grid, ms: median (min, cpu) of {FRAMES}")
    mesh_draws = surface.mesh_item.draw_count
    both = time_frames(app, surface, contour, len(path))
    assert surface.mesh_item.draw_count == mesh_draws, "an animation frame redrew the mesh"
    print(f"  both views side by side in one {WINDOW[0]}×{WINDOW[1]} window   {median_ms(both)}")
    window.hide()
    for view in (surface, contour):
        layout.removeWidget(view)
        view.setParent(None)
        show(view, app)
        settle(app, 400)
        alone = time_frames(app, view if view is surface else None, view if view is contour else None, len(path))
        print(f"  {type(view).__name__} alone in a {WINDOW[0]}×{WINDOW[1]} window             {median_ms(alone)}")
        view.hide()
    empty = EmptyGlWidget()
    show(empty, app)
    waiter = FrameWaiter(empty)
    baseline = timed(lambda _: (empty.update(), waiter.wait_next(app)), FRAMES)
    print(f"  for scale: an empty QOpenGLWidget frame, {WINDOW[0]}×{WINDOW[1]}           {median_ms(baseline)}")
    empty.hide()


class EmptyGlWidget(QtOpenGLWidgets.QOpenGLWidget):
    """A GL widget that only clears: what Qt itself costs per frame."""

    def paintGL(self) -> None:
        """Clear to white."""
        GL.glClearColor(1.0, 1.0, 1.0, 1.0)
        GL.glClear(GL.GL_COLOR_BUFFER_BIT)


def main() -> int:
    """Run all benchmarks."""
    keep_singletons_alive()  # PySide6 6.12 leaks references to None/True on Python < 3.12
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv)
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; software OpenGL likely")
    bench_surface(app)
    bench_contour(app)
    bench_animation(app)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
