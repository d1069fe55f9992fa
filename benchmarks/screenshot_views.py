"""Render both views for a few classic functions into PNG files, to look at them.

Run under a display, e.g. ``xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX +render"
python benchmarks/screenshot_views.py [folder]`` (default folder: /tmp/gradviz_shots).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6 import QtGui, QtWidgets

from gradviz.app.colormaps import RUN_COLOURS, colormap_lut
from gradviz.app.contour_view import ContourView, choose_levels
from gradviz.app.exporter import keep_singletons_alive
from gradviz.app.surface_view import SurfaceView
from gradviz.app.view_common import TrajectoryData

SIZE = (1280, 720)
Function = Callable[[np.ndarray, np.ndarray], np.ndarray]
Gradient = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Example:
    """A function to show, its domain, starts of descent runs and how to draw it."""

    name: str
    f: Function
    gradient: Gradient
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    starts: tuple[tuple[float, float], ...]
    learning_rate: float
    steps: int
    log_height: bool = False
    colormap: str = "viridis"
    camera: tuple[float, float] | None = None  # elevation, azimuth in degrees


EXAMPLES = (
    Example("bowl", lambda x, y: x**2 + y**2, lambda x, y: (2 * x, 2 * y), (-2, 2), (-2, 2),
            ((-1.6, 1.7), (1.8, 1.2)), 0.1, 40),
    Example("rosenbrock", lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
            lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)), (-2, 2), (-1, 3),
            ((-1.2, 1.0),), 0.0015, 1500, log_height=True, camera=(50.0, -100.0)),
    Example("saddle", lambda x, y: x**2 - y**2, lambda x, y: (2 * x, -2 * y), (-2, 2), (-2, 2),
            ((-1.8, 0.05),), 0.1, 30, colormap="blue_white_red"),
    Example("sin_cos", lambda x, y: np.sin(x) + np.cos(y), lambda x, y: (np.cos(x), -np.sin(y)), (-4, 4), (-4, 4),
            ((0.8, -0.6), (2.6, 1.2)), 0.3, 40),
)


def descend(example: Example, start: tuple[float, float]) -> np.ndarray:
    """Plain gradient descent from start: (steps, 3) rows of x, y, f."""
    point = np.array(start, dtype=float)
    rows = []
    for _ in range(example.steps):
        rows.append((point[0], point[1], float(example.f(point[0], point[1]))))
        point = point - example.learning_rate * np.array(example.gradient(point[0], point[1]))
    return np.array(rows)


def log_height(values: np.ndarray) -> np.ndarray:
    """Heights for log-height mode: log10(1 + f) for f ≥ 0."""
    return np.log10(1.0 + values)


def save(pixels: np.ndarray, path: Path) -> None:
    """Write an (h, w, 4) RGBA array as PNG."""
    height, width = pixels.shape[:2]
    QtGui.QImage(pixels.data, width, height, width * 4, QtGui.QImage.Format.Format_RGBA8888).save(str(path))


def shoot(example: Example, surface: SurfaceView, contour: ContourView, folder: Path) -> list[Path]:
    """Render both views of one example."""
    xs = np.linspace(*example.x_range, 200)
    ys = np.linspace(*example.y_range, 200)
    grid_x, grid_y = np.meshgrid(xs, ys)
    values = example.f(grid_x, grid_y)
    gx, gy = example.gradient(grid_x, grid_y)
    runs = [descend(example, start) for start in example.starts]
    heights, ticks, labels = values, None, None
    levels = choose_levels(values)
    if example.log_height:
        heights = log_height(values)
        ticks = [(float(log_height(v)), f"{v:g}") for v in (0, 1, 10, 100, 1000)]
        labels = [f"{level:g}" for level in levels]
        levels = log_height(levels)
        for run in runs:
            run[:, 2] = log_height(run[:, 2])
    lut = colormap_lut(example.colormap)
    trajectories = [TrajectoryData(run, RUN_COLOURS[i], len(run) - 1) for i, run in enumerate(runs)]
    surface.set_colormap(lut)
    surface.set_surface(xs, ys, heights, (float(heights.min()), float(heights.max())), ("w1", "w2", "f"),
                        z_ticks=ticks, levels=levels)
    surface.set_trajectories(trajectories)
    surface.reset_view()
    if example.camera is not None:
        surface.setCameraPosition(elevation=example.camera[0], azimuth=example.camera[1])
    contour.set_colormap(lut)
    contour.set_field(xs, ys, heights, gx, gy, levels=levels, labels=("w1", "w2", "f"), level_labels=labels)
    contour.set_trajectories(trajectories)
    contour.set_start_point(*example.starts[0])
    contour.set_arrow_direction("downhill")
    paths = [folder / f"surface_{example.name}.png", folder / f"contour_{example.name}.png"]
    save(surface.render_to_array(*SIZE), paths[0])
    save(contour.render_to_array(*SIZE), paths[1])
    return paths


def shoot_curve(surface: SurfaceView, contour: ContourView, folder: Path) -> list[Path]:
    """Render the one-variable mode: a double well with a run and a tangent."""
    ws = np.linspace(-3.0, 3.0, 400)

    def f(w: np.ndarray) -> np.ndarray:
        return w**4 / 4 - w**2 + 0.3 * w

    run = [-2.6]
    for _ in range(25):
        run.append(run[-1] - 0.06 * (run[-1] ** 3 - 2 * run[-1] + 0.3))
    points = np.column_stack([run, f(np.array(run))])
    surface.set_colormap(colormap_lut("viridis"))
    surface.set_curve(ws, f(ws), (float(f(ws).min()), float(f(ws).max())), ("w", "f"))
    surface.set_trajectories([TrajectoryData(points, RUN_COLOURS[0], 4)])
    contour.set_curve(ws, f(ws), ("w", "f"))
    contour.set_trajectories([TrajectoryData(points, RUN_COLOURS[0], 4)])
    w0 = run[4]
    contour.set_tangent(w0, float(f(np.array(w0))), w0**3 - 2 * w0 + 0.3)
    paths = [folder / "surface_curve.png", folder / "contour_curve.png"]
    save(surface.render_to_array(*SIZE), paths[0])
    save(contour.render_to_array(*SIZE), paths[1])
    return paths


def main() -> int:
    """Render every example into the folder given on the command line."""
    keep_singletons_alive()  # PySide6 6.12 leaks references to None/True on Python < 3.12
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/gradviz_shots")
    folder.mkdir(parents=True, exist_ok=True)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv)
    surface, contour = SurfaceView(), ContourView()
    for view in (surface, contour):
        view.resize(*SIZE)
        view.show()
    app.processEvents()
    written = [path for example in EXAMPLES for path in shoot(example, surface, contour, folder)]
    written += shoot_curve(surface, contour, folder)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
