"""Where a picture of text has its dark text: its lines, as a reader sees them."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from gradviz.app.view_common import qimage_to_array

DARK = 110  # a pixel darker than this (the mean of its red, green and blue) is text, on a light background


def ink_line_bands(image: QImage) -> list[tuple[int, int, int]]:
    """The bands of rows with dark text in a light picture, top to bottom, each as (top, bottom, rightmost dark
    column)."""
    dark = dark_pixels(image)
    return [(int(band[0]), int(band[-1]), int(np.flatnonzero(dark[band].any(axis=0))[-1]))
            for band in line_rows(dark)]


def ink_line_lefts(image: QImage) -> list[int]:
    """The leftmost dark column of each band of rows with dark text (see ink_line_bands), top to bottom."""
    dark = dark_pixels(image)
    return [int(np.flatnonzero(dark[band].any(axis=0))[0]) for band in line_rows(dark)]


def dark_pixels(image: QImage) -> np.ndarray:
    """Which pixels of a light picture are dark text."""
    return qimage_to_array(image.convertToFormat(QImage.Format.Format_RGBA8888))[..., :3].mean(axis=2) < DARK


def line_rows(dark: np.ndarray) -> list[np.ndarray]:
    """The rows of each band of rows with dark pixels, top to bottom."""
    rows = np.flatnonzero(dark.any(axis=1))
    return [band for band in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1) if band.size]
