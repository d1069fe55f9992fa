"""Geometry the tests measure drawn paths with."""

from __future__ import annotations

import numpy as np

CHUNK = 2000  # points measured at a time (each against every segment)


def distances_to_polyline(points: np.ndarray, polyline: np.ndarray) -> np.ndarray:
    """The distance of each point (n, d) to the nearest segment of a polyline (m, d)."""
    points, polyline = np.asarray(points, dtype=np.float64), np.asarray(polyline, dtype=np.float64)
    starts, ends = polyline[:-1], polyline[1:]
    along = ends - starts
    lengths = np.maximum(np.sum(along * along, axis=1), 1e-300)
    found = []
    for first in range(0, len(points), CHUNK):
        offset = points[first : first + CHUNK, None, :] - starts[None, :, :]
        share = np.clip(np.sum(offset * along, axis=2) / lengths, 0.0, 1.0)
        found.append(np.min(np.linalg.norm(offset - share[..., None] * along, axis=2), axis=1))
    return np.concatenate(found) if found else np.zeros(0)


def blended_pixels(pixels: np.ndarray, colour: np.ndarray, background: float = 255.0) -> int:
    """How many RGB pixels are a mix of a line's colour and a plain background, between a fifth and four fifths.

    An antialiased line has such pixels along its edges; an aliased one has none (only the colour and the background).
    """
    towards = np.asarray(colour, dtype=np.float64)[:3] - background
    offset = np.asarray(pixels, dtype=np.float64)[..., :3] - background
    share = offset @ towards / (towards @ towards)
    apart = np.linalg.norm(offset - share[..., None] * towards, axis=-1)
    return int(((share > 0.2) & (share < 0.8) & (apart < 20.0)).sum())
