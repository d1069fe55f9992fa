"""Colour maps for heights and a colour-blind-safe palette for descent runs, without matplotlib."""

from __future__ import annotations

import numpy as np

RgbaColour = tuple[float, float, float, float]

# Evenly spaced control points (RGB in 0..1) sampled from the published tables; linear
# interpolation between them stays within 0.02 of the originals.
_VIRIDIS_POINTS = (
    (0.267, 0.005, 0.329), (0.277, 0.050, 0.376), (0.282, 0.095, 0.417), (0.283, 0.136, 0.453),
    (0.279, 0.175, 0.483), (0.271, 0.214, 0.507), (0.259, 0.252, 0.525), (0.245, 0.288, 0.537),
    (0.230, 0.322, 0.546), (0.214, 0.356, 0.551), (0.199, 0.388, 0.555), (0.186, 0.419, 0.557),
    (0.173, 0.449, 0.558), (0.161, 0.479, 0.558), (0.149, 0.508, 0.557), (0.138, 0.537, 0.555),
    (0.128, 0.567, 0.551), (0.121, 0.593, 0.545), (0.120, 0.622, 0.535), (0.130, 0.651, 0.522),
    (0.154, 0.680, 0.504), (0.191, 0.708, 0.482), (0.239, 0.736, 0.456), (0.296, 0.762, 0.424),
    (0.361, 0.786, 0.388), (0.431, 0.808, 0.346), (0.506, 0.829, 0.300), (0.586, 0.847, 0.250),
    (0.668, 0.862, 0.196), (0.752, 0.875, 0.143), (0.835, 0.886, 0.103), (0.916, 0.896, 0.101),
    (0.993, 0.906, 0.144),
)

# CET-D1: perceptually uniform blue-white-red diverging map (Kovesi, CC-BY).
_BLUE_WHITE_RED_POINTS = (
    (0.128, 0.316, 0.858), (0.243, 0.351, 0.865), (0.321, 0.386, 0.872), (0.384, 0.423, 0.878),
    (0.440, 0.460, 0.885), (0.492, 0.497, 0.891), (0.540, 0.535, 0.897), (0.585, 0.574, 0.903),
    (0.629, 0.613, 0.908), (0.671, 0.653, 0.913), (0.712, 0.693, 0.918), (0.752, 0.733, 0.923),
    (0.791, 0.774, 0.928), (0.829, 0.815, 0.932), (0.867, 0.857, 0.936), (0.903, 0.893, 0.935),
    (0.932, 0.907, 0.915), (0.945, 0.887, 0.875), (0.948, 0.843, 0.817), (0.947, 0.794, 0.757),
    (0.943, 0.746, 0.697), (0.937, 0.697, 0.638), (0.929, 0.648, 0.580), (0.919, 0.599, 0.522),
    (0.907, 0.550, 0.466), (0.893, 0.500, 0.410), (0.878, 0.450, 0.355), (0.860, 0.398, 0.301),
    (0.842, 0.344, 0.248), (0.821, 0.287, 0.195), (0.800, 0.224, 0.142), (0.777, 0.148, 0.086),
    (0.752, 0.008, 0.022),
)

_CONTROL_POINTS = {"viridis": _VIRIDIS_POINTS, "blue_white_red": _BLUE_WHITE_RED_POINTS}

COLORMAP_NAMES: tuple[str, ...] = tuple(_CONTROL_POINTS)
DEFAULT_COLORMAP = "viridis"


def hex_to_rgba(code: str) -> RgbaColour:
    """Convert '#rrggbb' to an opaque RGBA tuple in 0..1."""
    return (int(code[1:3], 16) / 255, int(code[3:5], 16) / 255, int(code[5:7], 16) / 255, 1.0)


# Okabe–Ito palette, ordered so the first runs stand out on viridis and on blue-white-red.
RUN_COLOURS: tuple[RgbaColour, ...] = tuple(
    hex_to_rgba(code)
    for code in ("#d55e00", "#cc79a7", "#56b4e9", "#e69f00", "#009e73", "#0072b2", "#f0e442", "#000000")
)

# Each run's marks on the map take a shape of their own as well as a colour (runs 1 and 3 look alike to a
# deuteranope): pyqtgraph's symbol, and the character that draws it in text (legends, readouts, lists).
RUN_SYMBOLS: tuple[tuple[str, str], ...] = (("o", "●"), ("s", "■"), ("t1", "▲"), ("d", "◆"), ("t", "▼"), ("p", "⬟"),
                                            ("h", "⬢"), ("star", "★"))

# The partial derivatives at the probe, alike in both views: ∂f/∂x crimson, ∂f/∂y blue (told apart by
# lightness too), ∇f near-black; the level line through the point white. All are drawn with outlines or
# halos, so they read on every colour of the map.
PARTIAL_COLOURS: tuple[RgbaColour, RgbaColour] = (hex_to_rgba("#d7263d"), hex_to_rgba("#1f5fd6"))
GRADIENT_COLOUR: RgbaColour = hex_to_rgba("#17171d")
LEVEL_COLOUR: RgbaColour = (1.0, 1.0, 1.0, 1.0)

# Basins, one light colour per place where descent ends (deepest first; ColorBrewer's Set3, the paler of its
# kind), over which the map's level lines, arrows and runs stay readable; a start whose run diverges is grey, one
# still moving at the end white.
BASIN_COLOURS: tuple[RgbaColour, ...] = tuple(
    hex_to_rgba(code)
    for code in ("#80b1d3", "#fdb462", "#b3de69", "#bc80bd", "#fb8072", "#8dd3c7", "#ffed6f", "#bebada", "#fccde5",
                 "#ccebc5", "#d9d9d9", "#ffffb3", "#e5c494")
)
DIVERGED_COLOUR: RgbaColour = hex_to_rgba("#6e6e78")
UNSETTLED_COLOUR: RgbaColour = (1.0, 1.0, 1.0, 1.0)


def colormap_lut(name: str = DEFAULT_COLORMAP, size: int = 256) -> np.ndarray:
    """Return the named colour map as a (size, 4) float32 RGBA lookup table in 0..1."""
    if name not in _CONTROL_POINTS:
        raise ValueError(f"unknown colour map {name!r}; choose one of {', '.join(COLORMAP_NAMES)}")
    points = np.asarray(_CONTROL_POINTS[name], dtype=np.float64)
    positions = np.linspace(0.0, 1.0, len(points))
    samples = np.linspace(0.0, 1.0, size)
    lut = np.ones((size, 4), dtype=np.float32)
    for channel in range(3):
        lut[:, channel] = np.interp(samples, positions, points[:, channel])
    return lut


def lut_to_uint8(lut: np.ndarray) -> np.ndarray:
    """Convert a float lookup table in 0..1 to uint8 RGBA (for images and textures)."""
    return np.clip(np.rint(lut * 255.0), 0, 255).astype(np.uint8)


def sample_lut(lut: np.ndarray, fractions: np.ndarray | float) -> np.ndarray:
    """Colours at fractions 0..1 along the table (nearest entry, clamped), shape (..., 4)."""
    indices = np.rint(np.clip(np.asarray(fractions, dtype=np.float64), 0.0, 1.0) * (len(lut) - 1))
    return lut[indices.astype(np.intp)]
