"""Where a map draws its runs' marks, for tests that check what lies over them."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QTransform

from gradviz.app.contour_view import ContourView, to_device


def step_dot_pixels(view: ContourView, transform: QTransform) -> np.ndarray:
    """The dots of the steps every run has passed, in device pixels (n, 2)."""
    return to_device(transform, np.vstack([np.zeros((0, 2)), *(items.step_dots() for items in view.run_items)]))


def run_mark_pixels(view: ContourView, transform: QTransform) -> np.ndarray:
    """Every run's start ring, the dots of its steps passed and its ball, in device pixels (n, 2)."""
    ends = [point for items in view.run_items for point, _size in items.end_marks()]
    return np.vstack([to_device(transform, np.array(ends).reshape(-1, 2)), step_dot_pixels(view, transform)])


def marks_in(box: QRectF, marks: np.ndarray) -> list[tuple[float, float]]:
    """The marks (n, 2) whose centres lie in a box."""
    return [(float(x), float(y)) for x, y in marks if box.contains(float(x), float(y))]


def changed_box(first: np.ndarray, second: np.ndarray, least: int = 40) -> QRectF:
    """The box around every pixel where two pictures of a view differ by more than least in a channel (empty if
    none does)."""
    changed = np.argwhere(np.abs(first[..., :3].astype(int) - second[..., :3].astype(int)).max(axis=2) > least)
    if not len(changed):
        return QRectF()
    (top, left), (bottom, right) = changed.min(axis=0), changed.max(axis=0)
    return QRectF(float(left), float(top), float(right - left + 1), float(bottom - top + 1))
