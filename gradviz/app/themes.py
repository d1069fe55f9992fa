"""Colour themes: the colour map, the run colours and the colours of the text around the views."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradviz.app.colormaps import DEFAULT_COLORMAP, RUN_COLOURS, RgbaColour, colormap_lut, hex_to_rgba

PROJECTOR_RUN_COLOURS: tuple[RgbaColour, ...] = (
    RUN_COLOURS[0], RUN_COLOURS[5], RUN_COLOURS[1], RUN_COLOURS[4], RUN_COLOURS[3],
    hex_to_rgba("#7b3294"), hex_to_rgba("#8c510a"), RUN_COLOURS[7],
)  # Okabe–Ito without yellow and sky blue, which a projector washes out on white; a dark purple and brown for
# as many runs as the default colours hold; black last, as it is the colour of the gradient arrows
PROJECTOR_MAP_START = 0.3  # projectors crush viridis' darkest purples, so the projector map starts above them


@dataclass(frozen=True)
class Theme:
    """How a theme colours things: heights, runs, and the text panels around the views."""

    name: str
    lut: np.ndarray
    run_colours: tuple[RgbaColour, ...]
    text_colour: str
    panel_background: str


def _projector_lut(size: int = 256) -> np.ndarray:
    """Viridis without its darkest end: colour-blind safe, ordered by lightness, and readable when projected."""
    full = colormap_lut(DEFAULT_COLORMAP, size)
    positions = np.linspace(PROJECTOR_MAP_START, 1.0, size) * (size - 1)
    lut = np.ones((size, 4), dtype=np.float32)
    for channel in range(3):
        lut[:, channel] = np.interp(positions, np.arange(size), full[:, channel])
    return lut


THEMES: dict[str, Theme] = {
    "default": Theme("default", colormap_lut(DEFAULT_COLORMAP), RUN_COLOURS, "", ""),
    "projector": Theme("projector", _projector_lut(), PROJECTOR_RUN_COLOURS, "#000000", "#ffffff"),
}


def theme_named(name: str) -> Theme:
    """The theme of this name (the default theme for a name this version does not know)."""
    return THEMES.get(name, THEMES["default"])

