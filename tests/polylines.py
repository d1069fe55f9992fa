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
