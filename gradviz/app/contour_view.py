"""2D contour view: filled contours, level lines, the gradient field, descent runs and a draggable start."""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

import contourpy
import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.app.colormaps import DEFAULT_COLORMAP, RgbaColour, colormap_lut, lut_to_uint8
from gradviz.app.view_common import (
    CRITICAL_MARKER_PIXELS,
    LINE_CLEARANCE,
    LINE_SAMPLE_SPACING,
    POINTER_SIZE,
    PROBE_FONT_PIXELS,
    SIMPLIFIED_FROM,
    TEXT_COLOUR,
    WIDTH_SLACK,
    ColourLevels,
    ContourProbeOverlay,
    FontScaledView,
    LegendLayout,
    LegendRow,
    NearTagPlacer,
    OverlayArrow,
    TagPlacer,
    TrajectoryData,
    arrow_outlines,
    bounded_presentation_scale,
    clipped_segments,
    draw_critical_points,
    draw_pointer,
    finite_runs,
    format_tick,
    joined_by_gaps,
    legend_forms,
    level_fractions,
    line_samples,
    nice_ticks,
    path_exit,
    place_critical_tags,
    points_in,
    qcolour,
    qimage_to_array,
    resolve_index,
    segment_boxes,
    show_axes,
    simplified_path_indices,
    simplify_polyline,
    square_around,
    steady_axes,
    thinned_smooth_indices,
    tick_offset,
)
from gradviz.core.critical import grid_extremes
from gradviz.core.grid import Rim, broken_curve, contourable, unjoined_neighbours
from gradviz.core.notation import format_number, format_numbers_apart, round_to_resolution

SKEWED_MEDIAN_POSITION = 0.12
LOG_LEVEL_SPAN = 1e-4
ARROW_GRID = 20  # arrows across the map at most, and always in a window drawn at scale 1 (see arrow_count)
# Pixels between arrows at presentation scale 1, times the scale: 12 arrows across a presented 1920 × 1080 map's 750
# pixels at 1.6. A 3840 × 2160 screen presenting at twice the scale has a map twice as wide, so the same 12.
ARROW_SPACING = 39.0
SIMPLIFIED_PIXELS = 0.25  # a long run's path (SIMPLIFIED_FROM points or more) is drawn within this much of itself
TICK_GAP = 0.08  # of the height range: fixed height ticks closer than this to the one below are left out
BACKGROUND = QtGui.QColor(255, 255, 255)
# Level lines are stroked opaque into the item's cache, which is then laid over the map at this opacity: the
# look of translucent lines, at the cost of opaque ones (Qt strokes wide translucent lines a pixel at a time:
# 100 ms for the lines of a 200² map at the presentation scale's 1.6 pixels, against 1 ms opaque).
LINE_COLOUR = QtGui.QColor(20, 20, 30)
LINE_OPACITY = 115 / 255
PATH_REACH = 3.5  # marks' sizes: a run's path this near a critical point's mark is kept clear of its name…
PATH_CHUNK = 16.0  # …in boxes along it this many pixels long…
PATH_PAD = 2.0  # …padded this much…
MOST_PATH_BOXES = 200  # …at most this many in all (each name tries two dozen places against every one)
START_MARKER_Z = 19  # the start marker: above the probe's level line and guides, below the runs' items (the ball)
PROBE_ARROWS_Z = 30  # above the runs' items (20 and up) and the start marker, below the probe's tags (40)
ARROW_CHUNK = 24.0  # pixels of a probe arrow each box the tags keep off covers…
ARROW_PAD = 2.0  # …padded this much (less than the tags' gap, so a tag still sits right at its own arrow's tip)
CURVE_SAMPLES = 200  # points of a curve the probe's legend counts when choosing its corner…
CURVE_SHARE_OF_A_MARK = 0.05  # …each this share of them counting as much as covering a ball or a mark
PATH_SHARE_OF_A_MARK = 0.25  # of a run's whole path: covering this share counts as much as covering a ball or a mark
PIT_CLEARANCE = 16.0  # pixels each way around a minimum of the map (marked or not): its pit, for the probe legend
CURVE_BAND = 0.05  # of a curve plot's height: its basins' band along the bottom, under the curve's lowest point
BASINS_OPACITY = 0.85  # the basins' colours over the map: its level lines and arrows are drawn above them
LINE_LEAST_CONTRAST_LUMINANCE = 0.55  # a map drawn with lines only: lighter level colours are darkened to this
ARROW_COLOUR = QtGui.QColor(25, 25, 35, 235)
HALO_COLOUR = QtGui.QColor(255, 255, 255, 150)
JUMP_ALPHA = 0.45  # a run's step from off the plot to off it again: this opaque…
JUMP_WIDTH = 1.0  # …and this wide (pixels, before the presentation scale), no halo
CURVE_COLOUR = QtGui.QColor(40, 70, 160)
TANGENT_COLOUR = QtGui.QColor(200, 60, 40)
HALO_COLOUR_STRONG = QtGui.QColor(255, 255, 255)  # opaque, as translucent wide strokes cost Qt far more
EDGE_COLOUR = QtGui.QColor(20, 20, 28)  # opaque: a translucent wide stroke costs Qt four times as much
# An off-map tag over a step's dot hides as much as over this many points sampled along a line (see TagPlacer's
# crossed): more than a tag ever covers of lines, so that it lies across a path, or along it, rather than over a dot.
DOT_WEIGHT = 10_000.0
POINT_CLEARANCE = 11.0  # labels keep this far (pixels) from the point, where a run's ball may sit
TAGS_ROOM = 70.0  # pixels each way from the point that its arrows' tags usually take
TAGS_SHARE = 0.2  # of the map, at most, that the arrows' tags cover in full: beyond it they are shortened to names
ASPECT_TOLERANCE = 0.1  # 10% skews a right angle by up to about 5.5°
LAYOUT_MARGINS = (8, 18, 8, 8)  # left, top, right, bottom: the room around the map and its colour bar
CRAMPED_PIXELS = 24  # a ∇f arrow the edge cut reaching less than this past a ball's edge gets a note
# The vertical axes are this wide at least (wider as their labels need): grown with the text as well, they took 200 of a
# presented map's 640 pixels at 1280 × 800 and left its plot area 300 pixels wide.
AXIS_LEAST_WIDTH = 64
# A map narrower than this (in a 1024 × 600 window, 375 pixels) has its two vertical axes only as wide as the labels
# of its whole domain need, and its title (at AXIS_LEAST_WIDTH they took 170 of its pixels): ticks spaced anew as the
# frame is fitted to the domain, or a run drawn, leave it so. Zoomed in, the axis widens for longer labels as ever.
NARROW_MAP_PIXELS = 420
AXIS_HEIGHT_ROOM = 16  # the bottom axis's height: this much, and this much more…
AXIS_HEIGHT_PER_TEXT_SCALE = 40  # …for each unit of text scale (its labels and title)
LEGEND_SHARE = 0.2  # of the map, at most, that the probe legend covers (its notes go first)
# Equal aspect is kept while the map's frame stays at least this many pixels high and wide (or half its room, in a
# smaller view): x from −10 to 10 and y from −1 to 1 left a strip 30 pixels high, where names, tags and the legend
# piled up, and its colour bar a line. Past it the scales differ, and the legend says why (see EQUAL_ASPECT_DROPPED).
EQUAL_ASPECT_LEAST_PIXELS = 100
EQUAL_ASPECT_DROPPED = LegendRow("drawn at different scales: at equal scales this domain is a thin strip", note=True,
                                 short="scales differ: equal would be a strip", kept=True)
# A view at least this high and wide draws its text larger, as the 3D view does (its numbers grow with its frame up
# to 18 pixels from the map's 14): presenting at 1920 × 1080, the map's ticks and tags were three quarters the size of
# the 3D view's beside them.
LARGE_VIEW_PIXELS = 616.0  # where the 3D view's numbers reach the map's size (14 pixels, at 1/44 of its frame)…
LARGEST_SIZE_TEXT_FACTOR = 18.0 / 14.0  # …up to the 3D view's largest
RIM_LEAST_FRACTION = 0.02  # of a grid step: a rim closer to the defined point is taken as this far
# The map's own keys, while it has them: after the mouse (or these keys) panned or zoomed it, until a click sets
# the start there (then → steps the run again, as a clicker expects).
PAN_KEYS = {QtCore.Qt.Key.Key_Left: (-1, 0), QtCore.Qt.Key.Key_Right: (1, 0), QtCore.Qt.Key.Key_Up: (0, 1),
            QtCore.Qt.Key.Key_Down: (0, -1)}
ZOOM_KEYS = {QtCore.Qt.Key.Key_Plus: 1 / 1.25, QtCore.Qt.Key.Key_Equal: 1 / 1.25, QtCore.Qt.Key.Key_Minus: 1.25}
FIT_KEY = QtCore.Qt.Key.Key_0
GIVE_BACK_KEY = QtCore.Qt.Key.Key_Escape  # the keys go back to the window (→ steps the run again)
MAP_KEYS = frozenset({*PAN_KEYS, *ZOOM_KEYS, FIT_KEY, GIVE_BACK_KEY})
KEYS_FRAME_WIDTH = 2  # pixels of the frame drawn round the map while it has its keys
PAN_SHARE = 0.1  # an arrow key moves the map by this share of its width or height
MAP_KEYS_HELP = (("← → ↑ ↓", "Pan the map"), ("+ / −", "Zoom the map in / out about its centre"),
                 ("0", "The map's ranges as opened"),
                 ("Esc", "Give the keys back (a click also sets the start)"))
MAP_KEYS_TITLE = "Contour map (after dragging or scrolling it)"


def choose_levels(heights: np.ndarray, count: int = 16) -> np.ndarray:
    """Contour levels that show the structure of a height field (pure numpy).

    Round, evenly spaced values in general; when most of the field lies close to its minimum (a
    narrow valley like Rosenbrock's, or an exponential), round 1-2-5 offsets from the minimum that
    grow tenfold every three levels, so the valley floor gets lines too. Empty for flat or empty data.
    """
    finite = finite_values(heights)
    if not is_spread(finite):
        return np.zeros(0)
    lo, hi = float(finite.min()), float(finite.max())
    if (float(np.median(finite)) - lo) / (hi - lo) >= SKEWED_MEDIAN_POSITION:
        levels = nice_ticks(lo, hi, count)
        return np.unique(levels[(levels > lo) & (levels < hi)])
    return offset_levels(lo, hi, count)


def log_scale_levels(values: np.ndarray, count: int = 16, reference: float | None = None) -> np.ndarray:
    """Contour levels in f for a log height scale: round values at 1-2-5 offsets from the lowest one (pure numpy).

    Levels evenly spaced in log height would be labelled 1.72, 6.39, 19.1, 53.6…; these read 1, 2, 5, 10, 20…
    With a reference within the values (0, for a signed f), the offsets are from it, either way, and it is a level:
    −10, −5, −2, −1, 0, 1, 2, 5, 10, not −3.999, −3.998, −3.995 above x² − y²'s −4.
    """
    finite = finite_values(values)
    if not is_spread(finite):
        return np.zeros(0)
    lo, hi = float(finite.min()), float(finite.max())
    if reference is None or not lo < reference < hi:
        return offset_levels(lo, hi, count)
    above, below = np.log1p(hi - reference), np.log1p(reference - lo)  # each side's share of the drawn height
    count_above = min(max(round(count * above / (above + below)), 1), count - 1)
    return np.concatenate([-offset_levels(-reference, -lo, count - count_above)[::-1], [reference],
                           offset_levels(reference, hi, count_above)])


def finite_values(values: np.ndarray) -> np.ndarray:
    """The finite entries of an array, flattened, as floats."""
    values = np.asarray(values, dtype=np.float64)
    return values[np.isfinite(values)]


def is_spread(finite: np.ndarray) -> bool:
    """Whether finite values differ by more than rounding (not empty, not flat): worth contour levels."""
    if finite.size == 0:
        return False
    lo, hi = float(finite.min()), float(finite.max())
    return hi - lo > 1e-12 * max(1.0, abs(lo), abs(hi))


def offset_levels(lo: float, hi: float, count: int) -> np.ndarray:
    """At most count levels between lo and hi at 1-2-5 offsets from lo, growing tenfold every three levels.

    Each level is lo plus its offset, rounded to the offset's leading digit, so the levels are round numbers
    even where lo is not (0.0075 + 10 gives 10; 0.000123 + 0.002 gives 0.002, not 0.0021) and always above lo.
    """
    span = hi - lo
    smallest = span * LOG_LEVEL_SPAN
    exponents = range(math.floor(math.log10(smallest)), math.ceil(math.log10(span)) + 1)
    offsets = np.array(sorted(m * 10.0**e for e in exponents for m in (1.0, 2.0, 5.0)))
    offsets = offsets[(offsets >= smallest) & (offsets < span)][-count:]
    decimals = -np.floor(np.log10(offsets)).astype(int)
    levels = np.array([round(lo + offset, int(d)) for offset, d in zip(offsets, decimals, strict=True)])
    return np.unique(levels[(levels > lo) & (levels < hi)])


def level_texts(levels: np.ndarray, span: float, offset: float = 0.0) -> list[str]:
    """Labels for levels, counted from an offset (see tick_offset): with the decimals of their common step, or
    compact when the spacing varies (with the digits that tell them apart: 1000.000001, 1000.000002 over f = 1000,
    not 1000 twice)."""
    steps = np.diff(levels)
    counted = np.asarray(levels, dtype=np.float64) - offset
    if len(steps) and not np.allclose(steps, steps[0], rtol=1e-6):
        return format_numbers_apart(counted, 4, ascii_minus=True)
    step = float(steps[0]) if len(steps) else max(span, 1e-12)
    return [format_tick(float(level), step) for level in counted]


def labelled_level_indices(levels: np.ndarray, most: int = 8, preferred: np.ndarray | None = None) -> np.ndarray:
    """Indices of at most about `most` levels to label, every k-th one, preferring round values (0 above all).

    Given preferred values (the 3D view's height ticks), the levels at them are labelled, and of the others only
    those at least two levels from any of them (a stretch the 3D axis leaves bare): a signed f in log height had
    its colour bar label −0.9, −0.5, 1 beside the 3D axis's −0.5, 0, 1, 4.
    """
    usual = round_level_indices(levels, most)
    if preferred is None or not len(levels) or not len(preferred):
        return usual
    tolerance = 1e-9 * max(float(np.abs(levels).max()), 1.0)
    matched = np.flatnonzero(np.abs(levels[:, None] - np.asarray(preferred)[None, :]).min(axis=1) <= tolerance)
    if len(matched) < 2:
        return usual
    apart = np.abs(usual[:, None] - matched[None, :]).min(axis=1) >= 2
    return np.union1d(matched, usual[apart])


def round_level_indices(levels: np.ndarray, most: int) -> np.ndarray:
    """Indices of at most about `most` levels to label, every k-th one, preferring round values (0 above all)."""
    stride = max(1, math.ceil(len(levels) / most))
    steps = np.diff(levels)
    offset = 0
    if stride > 1 and len(steps) and np.allclose(steps, steps[0], rtol=1e-6):
        coarse = stride * steps[0]
        remainders = np.abs(levels / coarse - np.rint(levels / coarse))
        offset = max(range(stride), key=lambda start: int(np.sum(remainders[start::stride] < 1e-6)))
    elif stride > 1 and np.any(levels == 0):  # log levels either way from 0: labelled alike both ways
        offset = int(np.flatnonzero(levels == 0)[0]) % stride
    return np.arange(offset, len(levels), stride)


def drawn_range(heights: np.ndarray, height_range: tuple[float, float] | None) -> tuple[float, float]:
    """The finite heights' extent, cut to height_range where they overlap ((0, 1) for no finite height)."""
    finite = heights[np.isfinite(heights)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if height_range is not None and max(lo, height_range[0]) < min(hi, height_range[1]):
        lo, hi = max(lo, float(height_range[0])), min(hi, float(height_range[1]))
    return lo, hi


def map_colour_levels(heights: np.ndarray, height_range: tuple[float, float] | None = None,
                      levels: np.ndarray | None = None, level_labels: Sequence[str] | None = None,
                      labelled_heights: np.ndarray | None = None) -> ColourLevels:
    """The map's levels and colours for these heights: choose_levels(heights) unless given, within height_range.

    level_labels (one per level) label the colour bar instead of the levels' numbers (real f in log height);
    the levels at labelled_heights (the 3D view's height ticks) are the ones labelled, where two or more are levels.
    """
    lo, hi = drawn_range(heights, height_range)
    if levels is None:
        levels = choose_levels(np.clip(heights, lo, hi))
    else:
        levels = np.asarray(levels, dtype=np.float64)
        inside = (levels >= lo) & (levels <= hi)
        if level_labels is not None:
            level_labels = [label for label, kept in zip(level_labels, inside, strict=True) if kept]
        levels = levels[inside]
    shown = labelled_level_indices(levels, preferred=labelled_heights)
    offset = tick_offset(lo, hi) if level_labels is None else 0.0  # f − 1000 over 1000.0000002 to 1000.0000018
    texts = level_texts(levels[shown], hi - lo, offset) if level_labels is None else [level_labels[i] for i in shown]
    fractions = level_fractions(levels, levels, lo, hi)[shown]
    ticks = tuple(zip(fractions.tolist(), texts, strict=True))
    finite = heights[np.isfinite(heights)]
    if not len(levels) and finite.size and level_labels is None and float(np.ptp(finite)) == 0.0:
        value = float(finite[0])  # a flat f has no level lines: the bar names the one value it takes (5, not nothing)
        ticks = ((0.5 if hi <= lo else float(np.clip((value - lo) / (hi - lo), 0.0, 1.0)), format_number(value)),)
        offset = 0.0
    return ColourLevels(levels, lo, hi, ticks, offset)


def contour_heights(heights: np.ndarray) -> np.ndarray:
    """Heights for contourpy: masked where undefined, as they are without gaps (a mask slows it by a sixth)."""
    return heights if bool(np.isfinite(heights).all()) else np.ma.masked_invalid(heights)


def contour_polylines_by_level(xs: np.ndarray, ys: np.ndarray, heights: np.ndarray,
                               levels: np.ndarray) -> list[np.ndarray]:
    """The contour lines of each level as an (n, 2) array of points, separate lines ended by a NaN row."""
    if len(levels) == 0 or len(xs) < 2 or len(ys) < 2:
        return [np.zeros((0, 2)) for _ in levels]
    generator = contourpy.contour_generator(
        xs, ys, contour_heights(heights), line_type=contourpy.LineType.ChunkCombinedNan
    )
    gap = np.full((1, 2), np.nan)
    by_level = []
    for (chunks,) in generator.multi_lines(np.asarray(levels, dtype=np.float64)):
        pieces = [part for chunk in chunks if chunk is not None for part in (chunk, gap)]
        by_level.append(np.concatenate(pieces) if pieces else np.zeros((0, 2)))
    return by_level


def contour_polylines(xs: np.ndarray, ys: np.ndarray, heights: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """All contour lines of all levels as one (n, 2) array of points, separate lines split by NaN rows."""
    by_level = contour_polylines_by_level(xs, ys, heights, levels)
    return np.concatenate(by_level) if by_level else np.zeros((0, 2))


def arrow_count(map_width: float, scale: float) -> int:
    """Arrows across a map this many pixels wide at this presentation scale: ARROW_SPACING × scale apart, but never
    fewer than ARROW_GRID / scale (a small map keeps the count it always had) nor more than ARROW_GRID."""
    spaced = round(map_width / (ARROW_SPACING * scale))
    return min(max(spaced, round(ARROW_GRID / scale)), ARROW_GRID)


def arrow_sample_indices(count: int, wanted: int = ARROW_GRID) -> np.ndarray:
    """About wanted evenly spread indices into an axis of count grid points, away from the edges."""
    if count <= wanted:
        return np.arange(count)
    return np.unique(np.rint(np.linspace(0, count - 1, wanted + 2)[1:-1]).astype(int))


def near_marked(marked: np.ndarray, rows: np.ndarray, columns: np.ndarray, reach: tuple[int, int]) -> np.ndarray:
    """For each (row, column) pair of the samples' grid (rows × columns, flattened), whether a marked grid point
    lies within reach = (rows, columns) of it."""
    if not marked.any():
        return np.zeros(len(rows) * len(columns), dtype=bool)
    counts = np.zeros((marked.shape[0] + 1, marked.shape[1] + 1), dtype=np.int64)  # summed-area table
    counts[1:, 1:] = marked.astype(np.int64).cumsum(axis=0).cumsum(axis=1)
    low_rows, high_rows = np.maximum(rows - reach[0], 0), np.minimum(rows + reach[0] + 1, marked.shape[0])
    low_columns, high_columns = np.maximum(columns - reach[1], 0), np.minimum(columns + reach[1] + 1, marked.shape[1])
    inside = (counts[np.ix_(high_rows, high_columns)] - counts[np.ix_(low_rows, high_columns)]
              - counts[np.ix_(high_rows, low_columns)] + counts[np.ix_(low_rows, low_columns)])
    return (inside > 0).ravel()


def spaced_ticks(ticks: Sequence[tuple[float, str]], gap: float) -> list[tuple[float, str]]:
    """The ticks from the lowest up, leaving out each closer than gap to the one kept below it (labels overlap)."""
    kept: list[tuple[float, str]] = []
    for height, text in sorted(ticks, key=lambda tick: tick[0]):
        if not kept or height - kept[-1][0] >= gap:
            kept.append((height, text))
    return kept


def past_the_rim(xs: np.ndarray, ys: np.ndarray, heights: np.ndarray, rim: Rim) -> tuple[np.ndarray, np.ndarray]:
    """Heights carried one grid step past the rim, and a field positive where f is defined, negative where not.

    At each undefined grid point beside the domain the height goes on in a straight line from its defined neighbour
    through f's value where f stops, and the field goes from +1 there to 0 where f stops: interpolated between grid
    points, both put the rim where it is (pure numpy).
    """
    columns = len(xs)
    rows, cols = np.divmod(rim.points, columns)
    source_rows, source_cols = np.divmod(rim.sources, columns)
    reached_cols = (rim.coordinates[0] - xs[0]) / (xs[1] - xs[0])
    reached_rows = (rim.coordinates[1] - ys[0]) / (ys[1] - ys[0])
    fraction = np.hypot(reached_cols - source_cols, reached_rows - source_rows) / np.hypot(
        cols - source_cols, rows - source_rows)
    fraction = np.clip(fraction, RIM_LEAST_FRACTION, 1.0)
    carried = heights.copy()
    source_heights = heights.flat[rim.sources]
    with np.errstate(over="ignore", invalid="ignore"):  # a rim of exp(1000x) runs past the largest float: inf
        carried.flat[rim.points] = source_heights + (rim.values - source_heights) / fraction
    side = np.where(np.isnan(heights), -1.0, 1.0)
    side.flat[rim.points] = (fraction - 1.0) / fraction
    return carried, side


def positive_region(side: np.ndarray) -> QtGui.QPainterPath:
    """Where side > 0, as a path in image pixels (grid point (i, j) at the centre of pixel i of row j)."""
    rows, columns = side.shape
    generator = contourpy.contour_generator(np.arange(columns) + 0.5, np.arange(rows) + 0.5, side,
                                            fill_type=contourpy.FillType.OuterOffset)
    path = QtGui.QPainterPath()
    path.setFillRule(QtCore.Qt.FillRule.OddEvenFill)
    for points, offsets in zip(*generator.filled(0.0, 2.0), strict=True):
        for start, end in itertools.pairwise(offsets):
            path.addPolygon(QtGui.QPolygonF([QtCore.QPointF(x, y) for x, y in points[start:end]]))
            path.closeSubpath()
    return path


class ClippedCurveItem(pg.PlotCurveItem):
    """A PlotCurveItem drawn only inside a clip path (in plot coordinates), when it has one."""

    clip: QtGui.QPainterPath | None = None

    def paint(self, painter: QtGui.QPainter, *args: object) -> None:
        """Paint inside the clip path, if there is one."""
        painter.save()
        if self.clip is not None:
            painter.setClipPath(self.clip, QtCore.Qt.ClipOperation.IntersectClip)
        super().paint(painter, *args)
        painter.restore()


def line_colours(lut: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """Colours (k, 4) in 0..1 for level lines at these colour-map positions, light ones darkened to show on white.

    A colour's luminance is brought down to LINE_LEAST_CONTRAST_LUMINANCE at most, keeping its hue (pure numpy).
    """
    colours = np.asarray(lut, dtype=np.float64)[np.rint(np.asarray(fractions) * (len(lut) - 1)).astype(np.intp)].copy()
    luminance = colours[:, :3] @ np.array([0.2126, 0.7152, 0.0722])
    colours[:, :3] *= np.minimum(1.0, LINE_LEAST_CONTRAST_LUMINANCE / np.maximum(luminance, 1e-9))[:, np.newaxis]
    colours[:, 3] = 1.0
    return colours


class ColouredLinesItem(pg.GraphicsObject):
    """Level lines each in its level's colour (the map drawn with lines only), inside a clip path if given.

    The lines' paths are made when first painted: a map drawn filled never pays for them.
    """

    clip: QtGui.QPainterPath | None = None

    def __init__(self) -> None:
        """An item with no lines yet."""
        super().__init__()
        self._lines: list[np.ndarray] = []
        self._colours: list[QtGui.QColor] = []
        self._paths: list[QtGui.QPainterPath] | None = []
        self._bounds = QtCore.QRectF()
        self.line_width = 1.0

    def set_lines(self, lines: Sequence[np.ndarray], colours: np.ndarray, bounds: QtCore.QRectF) -> None:
        """Show each (n, 2) array of points (lines split by NaN rows) in its colour (0..1 RGBA), all within bounds."""
        self.prepareGeometryChange()
        self._lines = list(lines)
        self._paths = None
        self._bounds = QtCore.QRectF(bounds)
        self.set_colours(colours)

    def set_colours(self, colours: np.ndarray) -> None:
        """Give the lines these colours (0..1 RGBA, one per line)."""
        self._colours = [QtGui.QColor.fromRgbF(*map(float, colour)) for colour in colours]
        self.update()

    def set_width(self, width: float) -> None:
        """Stroke the lines this many device pixels wide."""
        self.line_width = width
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        """The field's extent, which holds every line."""
        return self._bounds

    def paint(self, painter: QtGui.QPainter, *_args: object) -> None:
        """Stroke each level's lines with a cosmetic pen of its colour."""
        if self._paths is None:
            self._paths = [pg.arrayToQPath(line[:, 0], line[:, 1], connect="finite") for line in self._lines]
        painter.save()
        if self.clip is not None:
            painter.setClipPath(self.clip, QtCore.Qt.ClipOperation.IntersectClip)
        for path, colour in zip(self._paths, self._colours, strict=True):
            pen = QtGui.QPen(colour, self.line_width)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawPath(path)
        painter.restore()


class SmoothImageItem(pg.ImageItem):
    """An ImageItem whose pixels are interpolated when scaled, so the fill looks smooth when projected.

    Clipped to a path (in image pixels), its edge is that path's rather than its pixels' staircase.
    """

    clip: QtGui.QPainterPath | None = None

    def paint(self, painter: QtGui.QPainter, *args: object) -> None:
        """Paint with smooth pixmap scaling, inside the clip path if there is one."""
        painter.save()
        painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
        if self.clip is not None:
            painter.setClipPath(self.clip, QtCore.Qt.ClipOperation.IntersectClip)
        super().paint(painter, *args)
        painter.restore()


class GradientArrowItem(pg.GraphicsObject):
    """The gradient field as arrows centred on grid points, all drawn as one path.

    Directions are exact in the plot (data vectors mapped through the current view transform);
    lengths grow with the magnitude up to most of a grid cell, reached at the 90th percentile
    magnitude, so a few huge gradients do not shrink all others; arrows never get shorter than a
    quarter of that, so every direction stays readable, and where the gradient is nearly zero
    (below 1% of that magnitude) no arrow is drawn. Heads have a fixed size in pixels.
    Arrows within POLE_REACH arrow cells of a pole, a jump or an undefined point are left out of
    that percentile and drawn at its full length: on tan(x) + y the columns beside the poles, a
    fifth of the arrows, set the scale and left the rest too short to be drawn.
    """

    LENGTH_FILL = 0.85
    MIN_FRACTION = 0.25
    FLAT_FRACTION = 0.01
    HEAD_LENGTH = 9.0
    HEAD_HALF_WIDTH = 4.0
    SHAFT_HALF_WIDTH = 0.85
    POLE_REACH = 2

    def __init__(self) -> None:
        """Start with no arrows, pointing uphill."""
        super().__init__()
        self._points = np.zeros((0, 2))
        self._vectors = np.zeros((0, 2))
        self._scaling = np.zeros(0, dtype=bool)  # the arrows that set the length scale (those away from poles)
        self._cell = (1.0, 1.0)
        self._bounds = QtCore.QRectF()
        self._sign = 1.0
        self.density = ARROW_GRID
        self._field: tuple[np.ndarray | None, ...] | None = None
        self.pixel_scale = 1.0
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_density(self, wanted: int) -> None:
        """Sample about wanted × wanted arrows (fewer for larger arrows in presentation mode)."""
        if wanted != self.density:
            self.density = wanted
            if self._field is not None:
                self.set_field(*self._field)

    def set_field(self, xs: np.ndarray, ys: np.ndarray, gx: np.ndarray, gy: np.ndarray,
                  singular: np.ndarray | None = None) -> None:
        """Subsample the gradient (gx[j, i], gy[j, i] at xs[i], ys[j]) on an about density × density grid.

        singular[j, i], if given, marks the grid points beside a pole or a jump of f, or where it is undefined.
        """
        self.prepareGeometryChange()
        self._field = (xs, ys, gx, gy, singular)
        columns, rows = arrow_sample_indices(len(xs), self.density), arrow_sample_indices(len(ys), self.density)
        grid_x, grid_y = np.meshgrid(xs[columns], ys[rows])
        vectors = np.column_stack([gx[np.ix_(rows, columns)].ravel(), gy[np.ix_(rows, columns)].ravel()])
        keep = np.isfinite(vectors).all(axis=1)
        self._points = np.column_stack([grid_x.ravel(), grid_y.ravel()])[keep]
        self._vectors = vectors[keep]
        reach = (self.POLE_REACH * len(ys) // max(len(rows), 1), self.POLE_REACH * len(xs) // max(len(columns), 1))
        beside_poles = (np.zeros(len(keep), dtype=bool) if singular is None
                        else near_marked(np.asarray(singular, dtype=bool), rows, columns, reach))[keep]
        self._scaling = ~beside_poles if not beside_poles.all() else np.ones(len(beside_poles), dtype=bool)
        self._cell = (
            abs(xs[-1] - xs[0]) / max(len(columns), 1),
            abs(ys[-1] - ys[0]) / max(len(rows), 1),
        )
        self._bounds = QtCore.QRectF(
            float(min(xs[0], xs[-1])), float(min(ys[0], ys[-1])), float(abs(xs[-1] - xs[0])), float(abs(ys[-1] - ys[0]))
        ).adjusted(-self._cell[0], -self._cell[1], self._cell[0], self._cell[1])
        self.update()

    def clear(self) -> None:
        """Show no arrows."""
        self.prepareGeometryChange()
        self._field = None
        self._points = np.zeros((0, 2))
        self._vectors = np.zeros((0, 2))
        self._scaling = np.zeros(0, dtype=bool)
        self.update()

    def set_direction(self, uphill: bool) -> None:
        """Point along the gradient (uphill) or against it (downhill, the descent direction)."""
        self._sign = 1.0 if uphill else -1.0
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        """The field's extent in data coordinates, padded by a cell."""
        return self._bounds

    def arrow_geometry(self, transform: QtGui.QTransform) -> tuple[np.ndarray, np.ndarray]:
        """Tails and tips (n, 2) in device pixels for a data-to-device transform."""
        if len(self._points) == 0:
            return np.zeros((0, 2)), np.zeros((0, 2))
        linear = np.array([[transform.m11(), transform.m21()], [transform.m12(), transform.m22()]])
        offset = np.array([transform.dx(), transform.dy()])
        centres = self._points @ linear.T + offset
        vectors = self._vectors / largest_finite(self._vectors)  # ∇f near 1e300 would overflow: only ratios count
        screen_vectors = (self._sign * vectors) @ linear.T
        screen_lengths = np.linalg.norm(screen_vectors, axis=1)
        magnitudes = np.linalg.norm(vectors, axis=1)
        reference = float(np.percentile(magnitudes[self._scaling], 90)) if magnitudes.size else 0.0
        cell_pixels = np.linalg.norm(np.array(self._cell) * np.abs(np.diag(linear))) / math.sqrt(2.0)
        relative = magnitudes / max(reference, 1e-300)
        lengths = self.LENGTH_FILL * cell_pixels * np.clip(relative, self.MIN_FRACTION, 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            directions = screen_vectors / screen_lengths[:, None]
        visible = (relative >= self.FLAT_FRACTION) & (screen_lengths > 0) & np.isfinite(directions).all(axis=1)
        half = directions[visible] * (lengths[visible, None] / 2)
        return centres[visible] - half, centres[visible] + half

    def arrow_outlines(self, transform: QtGui.QTransform) -> np.ndarray:
        """Closed outlines (n, 7, 2) in device pixels: a thin shaft and a triangular head per arrow."""
        tails, tips = self.arrow_geometry(transform)
        scale = self.pixel_scale
        return arrow_outlines(tails, tips, self.HEAD_LENGTH * scale, self.HEAD_HALF_WIDTH * scale,
                              self.SHAFT_HALF_WIDTH * scale)

    def paint(self, painter: QtGui.QPainter, *args: object) -> None:
        """Fill every arrow outline in device pixels with a thin light halo around it.

        Polygons are drawn one by one: Qt rasterises many small polygons far faster than one path
        holding all of them.
        """
        outlines = self.arrow_outlines(painter.transform())
        if len(outlines) == 0:
            return
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        halo = QtGui.QPen(HALO_COLOUR, self.pixel_scale)
        halo.setCosmetic(True)
        painter.setPen(halo)
        painter.setBrush(ARROW_COLOUR)
        polygon = pg.functions.create_qpolygonf(outlines.shape[1])
        corners = pg.functions.ndarray_from_qpolygonf(polygon)
        for outline in outlines:
            corners[:] = outline
            painter.drawPolygon(polygon)
        painter.restore()


class ViewOverlayItem(pg.GraphicsObject):
    """Something drawn over the whole visible plot in device pixels: its bounds are the visible range."""

    def __init__(self) -> None:
        """Start with nothing to draw."""
        super().__init__()
        self.overlay: ContourProbeOverlay | None = None
        self.pixel_scale = 1.0
        self.font_scale = 1.0  # the text's, beyond the pixel scale (see ContourView.set_font_scale)

    def set_overlay(self, overlay: ContourProbeOverlay | None) -> None:
        """Draw this overlay (None: nothing)."""
        self.overlay = overlay
        self.update()

    def set_pixel_scale(self, scale: float) -> None:
        """Draw this many times larger (device pixels per window pixel, times the presentation scale)."""
        if scale != self.pixel_scale:
            self.pixel_scale = scale
            self.update()

    def set_font_scale(self, scale: float) -> None:
        """Draw text this many times larger again than the pixel scale does."""
        if scale != self.font_scale:
            self.font_scale = scale
            self.update()

    def boundingRect(self) -> QtCore.QRectF:
        """The visible data range (the item may draw anywhere in it)."""
        view_box = self.getViewBox()
        return QtCore.QRectF() if view_box is None else view_box.viewRect()

    def viewRangeChanged(self) -> None:
        """Follow the visible range."""
        self.prepareGeometryChange()
        super().viewRangeChanged()

    def label_font(self) -> QtGui.QFont:
        """The labels' font at the current pixel and font scales."""
        font = QtGui.QFont()
        font.setPixelSize(round(PROBE_FONT_PIXELS * self.pixel_scale * self.font_scale))
        return font

    def plot_rect(self, transform: QtGui.QTransform) -> QtCore.QRectF:
        """The visible plot in device pixels."""
        rect = self.getViewBox().viewRect()
        corners = to_device(transform, np.array([[rect.left(), rect.top()], [rect.right(), rect.bottom()]]))
        left, right = sorted(corners[:, 0])
        top, bottom = sorted(corners[:, 1])
        return QtCore.QRectF(left, top, right - left, bottom - top)


class OffMapItem(ViewOverlayItem):
    """Where a run's ball has left the visible plot (a wrong sign, too large a step), a pointer in the run's colour,
    tagged with where the ball is ('w = −112, f = 13228 ↗').

    The pointer's tip is where the run's path last crossed out of the plot, and it points the way the path went on.
    """

    def __init__(self, basins_legend: BasinsLegendItem, landmarks: MapLandmarks) -> None:
        """Start with no runs; the tags keep off the basins' legend, the start marker and the critical points."""
        super().__init__()
        self.basins_legend = basins_legend
        self.landmarks = landmarks
        self.runs: list[RunItems] = []
        self.pointers: list[QtGui.QPolygonF] = []  # the pointers last drawn, in device pixels…
        self.tags: list[tuple[str, QtCore.QRectF]] = []  # …and their tags: what each reads and its box

    def set_runs(self, runs: list[RunItems]) -> None:
        """Point at these runs' balls when they are outside the plot.

        Repainted only while a ball is outside (the item spans the plot: a repaint is the whole map's).
        """
        was_outside = self._any_outside()
        self.runs = runs
        if was_outside or self._any_outside():
            self.update()

    def _any_outside(self) -> bool:
        """Whether a ball lies outside the visible range."""
        view_box = self.getViewBox()
        if view_box is None:
            return False
        (low_x, high_x), (low_y, high_y) = view_box.viewRange()
        return not all(low_x <= x <= high_x and low_y <= y <= high_y
                       for x, y in (items.ball_point for items in self.runs if items.ball_point is not None))

    def paint(self, painter: QtGui.QPainter, *args: object) -> None:
        """A pointer where each run whose ball is outside the plot left it, tagged with where the ball is."""
        self.pointers, self.tags = [], []
        if not self.runs:
            return
        transform = painter.transform()
        plot = self.plot_rect(transform)
        low, high = np.array([plot.left(), plot.top()]), np.array([plot.right(), plot.bottom()])
        size = POINTER_SIZE * self.pixel_scale
        painter.save()
        painter.resetTransform()
        tags: list[tuple[list[str], np.ndarray, np.ndarray, RgbaColour]] = []  # texts, anchor, direction, colour
        for items in self.runs:
            ball = items.ball_point
            if ball is None or plot.contains(QtCore.QPointF(*to_device(transform, np.array([ball]))[0])):
                continue
            leaving = path_exit(to_device(transform, items.path()), low, high)
            if leaving is not None:
                tip, step = leaving
                direction = step / float(np.hypot(*step))
                self.pointers.append(draw_pointer(painter, tip, direction, size, items.colour))
                if items.where is not None:
                    # over a map the glyph points where the ball is (it may have leapt back past the map); on a
                    # curve the way the run went on along it ("↖" up the left arm, not "↑" where f has grown most)
                    towards = to_device(transform, np.array([ball]))[0] - tip
                    on_curve = self.landmarks.curve.isVisible() or not np.isfinite(towards).all() or not towards.any()
                    glyph = arrow_glyph(direction if on_curve else towards)
                    tags.append(([f"{text} {glyph}" for text in items.where(items.current)], tip - direction * size,
                                 -direction, items.colour.getRgbF()))
        if tags:
            placer = self._tag_placer(painter, transform, plot)
            for texts, anchor, direction, colour in tags:
                placer.place_fitting(texts, anchor, direction, colour, (0.0, DOT_WEIGHT - 1.0))  # nothing, then no dot
            placer.draw()
            self.tags = [(text, box) for text, box, _colour in placer.tags]
        painter.restore()

    def _tag_placer(self, painter: QtGui.QPainter, transform: QtGui.QTransform, plot: QtCore.QRectF) -> TagPlacer:
        """A placer of the tags inside the plot, off the runs' starts and balls, the basins' legend, the start marker
        and the critical points, and covering as little as they can of the steps' dots (each as much as DOT_WEIGHT
        points of a line), then of the runs' paths and a one-variable curve: an exported video's tag lay over the
        dots of the path it pointed along."""
        scale = self.pixel_scale
        ends = [square_around(to_device(transform, np.array([point]))[0], size * scale / 2)
                for items in self.runs for point, size in items.end_marks()]
        avoid = (*self.basins_legend.boxes(transform), *self.landmarks.start_marker_box(transform),
                 *self.landmarks.critical_points.boxes(transform), *(end for end in ends if end.intersects(plot)))
        paths = [to_device(transform, items.drawn_path()) for items in self.runs]
        dots = points_in(to_device(transform, np.vstack([items.step_dots() for items in self.runs])), plot)
        lines = line_samples([self.landmarks.curve_pixels(transform), *paths], LINE_SAMPLE_SPACING * scale, plot)
        weights = np.concatenate([np.ones(len(lines)), np.full(len(dots), DOT_WEIGHT)])
        return TagPlacer(painter, self.label_font(), 4.0 * scale, plot, avoid, np.vstack([lines, dots]),
                         LINE_CLEARANCE * scale, weights)


def arrow_glyph(direction: np.ndarray) -> str:
    """The arrow (→, ↗, ↑ …) nearest a direction in device pixels (y down)."""
    angle = math.degrees(math.atan2(-float(direction[1]), float(direction[0])))
    return "→↗↑↖←↙↓↘"[round(angle / 45.0) % 8]


# The corners of the plot in the order a legend tries them (right, bottom): ties go to the first, so a picture comes
# out the same each time. The probe's legend starts at the top left, the basins' at the top right.
TOP_LEFT_FIRST = ((False, False), (False, True), (True, False), (True, True))
TOP_RIGHT_FIRST = ((True, False), (False, False), (True, True), (False, True))
ALL_CORNERS = TOP_LEFT_FIRST
KNOWN_BOXES_KEPT = 512  # boxes whose hidden landmarks a legend remembers for a view, at most (sizes change by steps)


def edges_of(rects: Iterable[QtCore.QRectF]) -> np.ndarray:
    """Rectangles as (n, 4) rows of left, top, right, bottom."""
    return np.array([rect.getCoords() for rect in rects], dtype=np.float64).reshape(-1, 4)


class LegendObstacles:
    """What a legend box keeps off, in device pixels, and how much of it a box hides (see hidden)."""

    def __init__(self, marks: Iterable[QtCore.QRectF], pits: Iterable[QtCore.QRectF],
                 lines: Sequence[tuple[np.ndarray, float]]) -> None:
        """Marks count once each if touched, pits by the share of each hidden, lines ((n, 2) points with the share
        of them that counts as one mark) by the share of their points hidden."""
        self.marks = edges_of(mark for mark in marks if not mark.isEmpty())  # none touched, as Qt's intersects says
        self.pits = edges_of(pit for pit in pits if not pit.isEmpty())
        self.lines = tuple((pixels, share) for pixels, share in lines if len(pixels))
        self.landmarks: tuple[LegendObstacles, dict[tuple[float, float, float, float], float]] | None = None

    def with_landmarks(self, landmarks: LegendObstacles,
                       known: dict[tuple[float, float, float, float], float]) -> LegendObstacles:
        """These obstacles and the landmarks', whose part each box hides is kept in known by the box's rectangle:
        they stay put while a run plays, and scoring them each step took a millisecond of it."""
        if len(known) > KNOWN_BOXES_KEPT:
            known.clear()
        self.landmarks = (landmarks, known)
        return self

    def hidden(self, box: QtCore.QRectF) -> float:
        """How much a legend in this box hides, in marks."""
        return float(self.hidden_in([box])[0])

    def hidden_in(self, boxes: Sequence[QtCore.QRectF]) -> np.ndarray:
        """How much a legend in each of these boxes hides, in marks (all at once: a legend tries a dozen places at
        every step of a run played)."""
        left, top, right, bottom = (edges[:, None] for edges in edges_of(boxes).T)
        marks, pits = self.marks, self.pits
        covered = np.sum((marks[:, 0] < right) & (marks[:, 2] > left) & (marks[:, 1] < bottom) & (marks[:, 3] > top),
                         axis=1, dtype=np.float64)
        if len(pits):
            widths = np.maximum(np.minimum(pits[:, 2], right) - np.maximum(pits[:, 0], left), 0.0)
            heights = np.maximum(np.minimum(pits[:, 3], bottom) - np.maximum(pits[:, 1], top), 0.0)
            covered += np.sum(widths * heights / ((pits[:, 2] - pits[:, 0]) * (pits[:, 3] - pits[:, 1])), axis=1)
        for pixels, share_of_a_mark in self.lines:
            xs, ys = pixels[:, 0], pixels[:, 1]
            inside = (xs >= left) & (xs <= right) & (ys >= top) & (ys <= bottom)
            covered += np.sum(inside, axis=1) / len(pixels) / share_of_a_mark
        if self.landmarks is not None:
            landmarks, known = self.landmarks
            rects = [box.getRect() for box in boxes]
            new = [index for index, rect in enumerate(rects) if rect not in known]
            if new:
                known.update(zip((rects[index] for index in new),
                                 landmarks.hidden_in([boxes[index] for index in new]).tolist(), strict=True))
            covered += np.array([known[rect] for rect in rects])
        return covered


def corner_edges(plot: QtCore.QRectF, size: QtCore.QSizeF,
                 margin: float) -> tuple[dict[bool, float], dict[bool, float]]:
    """A box of this size's left by whether it is at the plot's right, and its top by whether at the bottom."""
    return ({False: plot.left() + margin, True: plot.right() - margin - size.width()},
            {False: plot.top() + margin, True: plot.bottom() - margin - size.height()})


def corner_boxes(plot: QtCore.QRectF, size: QtCore.QSizeF, margin: float,
                 corners: Sequence[tuple[bool, bool]]) -> list[QtCore.QRectF]:
    """A box of this size in each of these corners (right, bottom) of the plot, margin inside its edges."""
    lefts, tops = corner_edges(plot, size, margin)
    return [QtCore.QRectF(lefts[right], tops[bottom], size.width(), size.height()) for right, bottom in corners]


def side_boxes(plot: QtCore.QRectF, size: QtCore.QSizeF, margin: float,
               taken: Sequence[QtCore.QRectF]) -> list[QtCore.QRectF]:
    """More places for a box of this size inside the plot: the middle of each side, then each corner's box moved
    along a side just clear of a taken box (another legend there: stacked under, over or beside it)."""
    width, height = size.width(), size.height()
    lefts, tops = corner_edges(plot, size, margin)
    middle_left, middle_top = plot.center().x() - width / 2, plot.center().y() - height / 2
    places = [(middle_left, tops[False]), (middle_left, tops[True]), (lefts[False], middle_top),
              (lefts[True], middle_top)]
    for other in taken:
        for right, bottom in ALL_CORNERS:
            places.append((lefts[right], other.top() - margin - height if bottom else other.bottom() + margin))
            places.append((other.left() - margin - width if right else other.right() + margin, tops[bottom]))
    slack = 0.5  # a pixel's rounding: a box at a corner's edge is inside
    return [QtCore.QRectF(left, top, width, height) for left, top in places
            if lefts[False] - slack <= left <= lefts[True] + slack and tops[False] - slack <= top <= tops[True] + slack]


def least_hiding_place(sizes: Iterable[QtCore.QSizeF], plot: QtCore.QRectF, margin: float,
                       obstacles: LegendObstacles, corners: Sequence[tuple[bool, bool]],
                       taken: Sequence[QtCore.QRectF] = (),
                       then: Callable[[QtCore.QRectF], tuple[float, ...]] = lambda _box: ()) -> \
        tuple[int, QtCore.QRectF] | None:
    """Which of a legend's sizes (its forms, fullest first) to draw, and its box: in the corner of the plot that hides
    least of the obstacles, then is best by then (larger first); ties go to the first of corners. Where every free
    corner of the full legend hides something, the middles of the sides and the places beside the taken boxes (see
    side_boxes) are tried too, and the shorter forms (Himmelblau's minimum in every corner): the fullest form with a
    place that hides nothing, else the place that hides least, a fuller form, then a corner, kept on a tie. It never
    lies over a taken box (another legend): where every place would, there is none.

    The places are scored together: a legend is placed at every step of a run played.
    """
    places: list[tuple[int, int, QtCore.QRectF]] = []  # each place's form, tier (0: a corner) and box
    hidden: list[float] = []
    for form, size in enumerate(sizes):
        for tier in (0, 1):
            boxes = corner_boxes(plot, size, margin, corners) if tier == 0 else side_boxes(plot, size, margin, taken)
            free = [box for box in boxes if not any(box.intersects(other) for other in taken)]
            places += [(form, tier, box) for box in free]
            hidden += obstacles.hidden_in(free).tolist() if free else []
            if 0.0 in hidden:
                break
        if 0.0 in hidden:
            break
    if not places:
        return None
    fewest = min(hidden)
    least = [place for place, covered in zip(places, hidden, strict=True) if covered == fewest]
    form, tier = min((form, tier) for form, tier, _box in least)
    return form, max((box for *kind, box in least if kind == [form, tier]), key=then)


def placed_form(forms: Iterable[LegendLayout], plot: QtCore.QRectF, margin: float, obstacles: LegendObstacles,
                corners: Sequence[tuple[bool, bool]], taken: Sequence[QtCore.QRectF] = (),
                then: Callable[[QtCore.QRectF], tuple[float, ...]] = lambda _box: ()) -> \
        tuple[LegendLayout, QtCore.QRectF] | None:
    """The form of a legend (fullest first) least_hiding_place chooses, and its box; the shorter forms are laid out
    only if they are tried."""
    laid_out: list[LegendLayout] = []

    def sizes() -> Iterator[QtCore.QSizeF]:
        for form in forms:
            laid_out.append(form)
            yield form.size

    placed = least_hiding_place(sizes(), plot, margin, obstacles, corners, taken, then)
    return None if placed is None else (laid_out[placed[0]], placed[1])


class MapLandmarks:
    """What stays put while a run is stepped or played, which the map's legends keep off: the map's minima, the runs'
    whole paths, a one-variable curve, the start marker and the critical points' marks."""

    def __init__(self, start_marker: pg.TargetItem, critical_points: CriticalPointsItem,
                 curve: pg.PlotCurveItem) -> None:
        """Start with no minima and no paths."""
        self.start_marker = start_marker
        self.critical_points = critical_points
        self.curve = curve
        self.pits = np.zeros((0, 2))  # the map's minima, marked or not, in plot coordinates
        self.paths: tuple[np.ndarray, ...] = ()  # the runs' whole paths (n, 2), in plot coordinates
        self.start_arrows = np.zeros((0, 2, 2))  # the probe's arrows at run 1's start: (n, 2, 2) tails and tips
        self.revision = 0  # counts the changes of the minima, paths and start arrows (and of the curve, set with them)

    def set_pits(self, points: np.ndarray) -> None:
        """The map's minima at these (n, 2) plot points, marked or not (where descent goes)."""
        self.pits = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        self.revision += 1

    def set_paths(self, paths: Sequence[np.ndarray]) -> None:
        """The runs' whole paths ((n, 2) each, plot coordinates)."""
        self.paths = tuple(paths)
        self.revision += 1

    def set_start_arrows(self, arrows: np.ndarray) -> bool:
        """The probe's arrows as drawn at run 1's start ((n, 2, 2) tails and tips, plot coordinates: where a student
        looks first, at step 0); whether they changed."""
        arrows = np.asarray(arrows, dtype=np.float64).reshape(-1, 2, 2)
        if np.array_equal(arrows, self.start_arrows):
            return False
        self.start_arrows = arrows
        self.revision += 1
        return True

    def key(self, transform: QtGui.QTransform) -> tuple:
        """What a legend placed among the landmarks depends on, beyond the view's transform."""
        return (self.revision, tuple(box.getRect() for box in self.start_marker_box(transform)),
                self.critical_points.isVisible(), tuple(self.critical_points.points))

    def start_marker_box(self, transform: QtGui.QTransform) -> tuple[QtCore.QRectF, ...]:
        """The start marker's box in device pixels, while it shows (none otherwise)."""
        return marker_box(self.start_marker, transform)

    def fixed_marks(self, transform: QtGui.QTransform, plot: QtCore.QRectF, pixel_scale: float) -> list[QtCore.QRectF]:
        """The start marker's box, boxes along the probe's arrows at the start (see shaft_boxes) and the critical
        points' marks (not their names, which keep off the legends)."""
        marks = self.critical_points.mark_boxes(transform) if self.critical_points.isVisible() else []
        arrows = shaft_boxes([to_device(transform, arrow) for arrow in self.start_arrows], pixel_scale, plot)
        return [*self.start_marker_box(transform), *arrows, *marks]

    def curve_pixels(self, transform: QtGui.QTransform) -> np.ndarray:
        """About CURVE_SAMPLES points of the one-variable curve in device pixels (none over a map)."""
        curve = self.curve
        if not curve.isVisible() or curve.xData is None or len(curve.xData) == 0:
            return np.zeros((0, 2))
        stride = max(len(curve.xData) // CURVE_SAMPLES, 1)
        points = np.column_stack([curve.xData[::stride], curve.yData[::stride]])
        return to_device(transform, points[np.isfinite(points).all(axis=1)])

    def obstacles(self, transform: QtGui.QTransform, pixel_scale: float,
                  marks: Sequence[QtCore.QRectF]) -> LegendObstacles:
        """These marks, the minima's pits, and the curve and the runs' whole paths, for a legend to keep off."""
        pits = [square_around(pit, PIT_CLEARANCE * pixel_scale) for pit in to_device(transform, self.pits)]
        lines = [(self.curve_pixels(transform), CURVE_SHARE_OF_A_MARK),
                 *((to_device(transform, path), PATH_SHARE_OF_A_MARK) for path in self.paths)]
        return LegendObstacles(marks, pits, lines)


class BasinsLegendItem(ViewOverlayItem):
    """What the basins' colours mean, in the corner of the plot that hides least of what stays put through a run
    (see MapLandmarks), so that it keeps its corner while a run is played (nothing while no basins are shown)."""

    def __init__(self, landmarks: MapLandmarks) -> None:
        """Start with no rows; the legend will keep off these landmarks."""
        super().__init__()
        self.landmarks = landmarks
        self.rows: tuple[LegendRow, ...] = ()
        self._laid_out: tuple[tuple, tuple[LegendLayout, QtCore.QRectF] | None] | None = None  # with what it was for

    def set_rows(self, rows: Sequence[LegendRow]) -> None:
        """Show these rows (none: no legend)."""
        self.rows = tuple(rows)
        self._laid_out = None
        self.update()

    def legend_box(self, transform: QtGui.QTransform) -> tuple[LegendLayout, QtCore.QRectF] | None:
        """The legend laid out, and its box in device pixels (None without rows, or on a map too small for it).

        Where the whole legend would cover more than LEGEND_SHARE of the map, its title is left out, then its
        rows are shortened (their places left out too); if even those would, there is none. Where it would hide
        something wherever it goes, those shorter forms are tried too (see least_hiding_place).
        """
        if not self.rows:
            return None
        key = (transform.m11(), transform.m22(), transform.dx(), transform.dy(), self.pixel_scale, self.font_scale,
               self.landmarks.key(transform))
        if self._laid_out is None or self._laid_out[0] != key:  # the probe's legend asks at every step
            self._laid_out = (key, self._lay_out(transform))
        return self._laid_out[1]

    def _lay_out(self, transform: QtGui.QTransform) -> tuple[LegendLayout, QtCore.QRectF] | None:
        """The legend laid out where it hides least (see least_hiding_place), in the form legend_box says."""
        plot = self.plot_rect(transform)
        font = self.label_font()
        swatch = QtGui.QFontMetricsF(font).height() * 1.2
        untitled = tuple(row for row in self.rows if not row.note)  # each colour still names its place
        short = tuple(replace(row, text=row.short) for row in self.rows if row.short)
        most_area = LEGEND_SHARE * plot.width() * plot.height()
        forms = (LegendLayout(font, rows, swatch, plot.width() * 0.7) for rows in (self.rows, untitled, short) if rows)
        fitting = (legend for legend in forms if legend.size.width() * legend.size.height() <= most_area)
        marks = self.landmarks.fixed_marks(transform, plot, self.pixel_scale)
        obstacles = self.landmarks.obstacles(transform, self.pixel_scale, marks)
        return placed_form(fitting, plot, 8.0 * self.pixel_scale, obstacles, TOP_RIGHT_FIRST)

    def boxes(self, transform: QtGui.QTransform) -> list[QtCore.QRectF]:
        """The legend's box in device pixels, if shown (the probe's legend and tags keep off it)."""
        laid_out = self.legend_box(transform) if self.isVisible() else None
        return [] if laid_out is None else [laid_out[1]]

    def paint(self, painter: QtGui.QPainter, *_args: object) -> None:
        """The legend box, in its corner."""
        laid_out = self.legend_box(painter.transform())
        if laid_out is None:
            return
        painter.save()
        painter.resetTransform()
        laid_out[0].paint(painter, laid_out[1].topLeft())
        painter.restore()


class CriticalPointsItem(ViewOverlayItem):
    """Marks where the gradient is zero, each point with its kind's mark and name ("min", "max", "saddle (kink)"...)."""

    def __init__(self, legend: BasinsLegendItem | None = None, start_marker: pg.TargetItem | None = None,
                 probe_arrows: ProbeArrowsItem | None = None, probe_level: LevelLineItem | None = None) -> None:
        """Start with no points; their names will keep off the legend, the start marker, the probe's arrows and its
        level line."""
        super().__init__()
        self.points: list[tuple[float, float, str, bool]] = []  # x, y, kind, at a kink of f
        self.legend = legend
        self.start_marker = start_marker
        self.probe_arrows = probe_arrows
        self.probe_level = probe_level
        self._paths: tuple[np.ndarray, ...] = ()  # the runs' whole paths (n, 2), in data coordinates
        self._paths_revision = 0
        # The last placement of the names, with what it was for: placing sixty names takes 20 ms, and the item is
        # painted again whenever anything in the plot changes (an item cache would draw exports off by a subpixel).
        self._placed: tuple[tuple, NearTagPlacer] | None = None

    def set_points(self, points: Sequence[tuple[float, float, str, bool]]) -> None:
        """Mark these (x, y, kind, at a kink of f) points, in data coordinates."""
        self.points = list(points)
        self._placed = None
        self.update()

    def set_paths(self, paths: Sequence[np.ndarray]) -> None:
        """Keep the names off these runs' paths ((n, 2) each, data coordinates): the whole of each, not only up to
        the current step, so that playing a run does not move them."""
        self._paths = tuple(paths)
        self._paths_revision += 1
        if self.points:
            self.update()

    def path_boxes(self, transform: QtGui.QTransform, centres: np.ndarray) -> list[QtCore.QRectF]:
        """Boxes along the runs' paths where they pass near a mark, in device pixels (the names keep off them)."""
        reach = PATH_REACH * CRITICAL_MARKER_PIXELS * self.pixel_scale
        pad = PATH_PAD * self.pixel_scale
        plot = self.plot_rect(transform).adjusted(-pad, -pad, pad, pad)
        boxes: list[QtCore.QRectF] = []
        for path in self._paths:
            pixels = to_device(transform, path)
            pixels = pixels[np.isfinite(pixels).all(axis=1)]
            if len(pixels) < 2 or len(centres) == 0:
                continue
            pixels = simplify_polyline(pixels, pad)  # a run's many small steps: a few lines
            near = np.min(np.hypot(*(pixels[:, None, :] - centres[None, :, :]).transpose(2, 0, 1)), axis=1) < reach
            for index in np.flatnonzero(near[:-1] | near[1:]):
                boxes += segment_boxes(pixels[index], pixels[index + 1], PATH_CHUNK * self.pixel_scale, pad, plot)
                if len(boxes) >= MOST_PATH_BOXES:
                    return boxes[:MOST_PATH_BOXES]
        return boxes

    def centres(self, transform: QtGui.QTransform) -> np.ndarray:
        """The points in device pixels, shape (n, 2)."""
        return to_device(transform, np.array([point[:2] for point in self.points]).reshape(-1, 2))

    def level_samples(self, transform: QtGui.QTransform) -> np.ndarray:
        """Points along the probe's level line as drawn, in device pixels (n, 2): the names keep off it."""
        level = self.probe_level
        if level is None or not level.isVisible() or level.overlay is None:
            return np.zeros((0, 2))
        return line_samples([level.device_polyline(transform)], LINE_SAMPLE_SPACING * self.pixel_scale,
                            self.plot_rect(transform))

    def kinds(self) -> list[str]:
        """Each point's kind."""
        return [kind for _x, _y, kind, _kink in self.points]

    def kinks(self) -> list[bool]:
        """Whether each point is at a kink of f."""
        return [kink for _x, _y, _kind, kink in self.points]

    def mark_boxes(self, transform: QtGui.QTransform) -> list[QtCore.QRectF]:
        """Each point's mark in device pixels."""
        half = CRITICAL_MARKER_PIXELS * self.pixel_scale / 2
        return [square_around(centre, half) for centre in self.centres(transform)]

    def label_placer(self, transform: QtGui.QTransform) -> NearTagPlacer:
        """The points' names placed beside their marks, where they fit (see place_critical_tags).

        Kept until the points, the view's transform, the pixel scale, the legend or the start marker change, or the
        probe's arrows or level line run through a name: the probe's tags ask at every step. Names keep off the basins'
        legend, the start marker and the probe's arrows, which are drawn over them (Himmelblau's ∂f/∂x arrow cut
        "saddle" to "saddl"); a name that finds no room is left out, its mark stays. Where they can, they keep off the
        level line too (it cut through the "e" of the saddle-trap's "saddle"). Placed anew only when an arrow or the
        level line meets a name: at every step, with the arrows, it took a few milliseconds of each step with the
        points shown.
        """
        avoid = [*(self.legend.boxes(transform) if self.legend is not None else ()),
                 *(marker_box(self.start_marker, transform) if self.start_marker is not None else ())]
        arrows = self.probe_arrows.shaft_boxes(transform) if self.probe_arrows is not None else []
        key = (transform.m11(), transform.m12(), transform.m21(), transform.m22(), transform.dx(), transform.dy(),
               self.pixel_scale, self.font_scale, tuple(box.getRect() for box in avoid), self._paths_revision)
        placed = self._placed[1] if self._placed is not None and self._placed[0] == key else None
        level = self.level_samples(transform)
        pad = LINE_CLEARANCE * self.pixel_scale
        if placed is None or any(box.intersects(arrow) for _text, box, _colour in placed.tags for arrow in arrows) \
                or any(len(points_in(level, box.adjusted(-pad, -pad, pad, pad))) for _text, box, _ in placed.tags):
            centres = self.centres(transform)
            placed = place_critical_tags(None, centres, self.kinds(), self.pixel_scale, self.label_font(),
                                         self.plot_rect(transform),
                                         [*avoid, *arrows, *self.path_boxes(transform, centres)], level, pad,
                                         self.kinks(), far=True)
            self._placed = (key, placed)
        return placed

    def name_boxes(self, transform: QtGui.QTransform) -> list[QtCore.QRectF]:
        """The names' boxes in device pixels, as placed."""
        if not self.points or not self.isVisible():
            return []
        return [box for _text, box, _colour in self.label_placer(transform).tags]

    def boxes(self, transform: QtGui.QTransform) -> list[QtCore.QRectF]:
        """What the points take in device pixels: each mark and its name tag (the probe's tags keep off them)."""
        if not self.points or not self.isVisible():
            return []
        return self.label_placer(transform).taken

    def paint(self, painter: QtGui.QPainter, *_args: object) -> None:
        """Each point's mark, white with a dark edge, and its name on a light patch beside it."""
        if not self.points:
            return
        transform = painter.transform()
        painter.save()
        painter.resetTransform()
        draw_critical_points(painter, self.centres(transform), self.kinds(), self.pixel_scale,
                             self.label_placer(transform))
        painter.restore()


def shaft_boxes(arrows: Iterable[Sequence[np.ndarray]], scale: float, plot: QtCore.QRectF) -> list[QtCore.QRectF]:
    """Boxes along each probe arrow (tail and tip in device pixels) long enough to be drawn, inside the plot: zoomed
    far in, an arrow can run millions of pixels past it."""
    return [box for tail, tip in arrows if np.hypot(*(tip - tail)) >= ProbeArrowsItem.SHORTEST * scale
            for box in segment_boxes(tail, tip, ARROW_CHUNK * scale, ARROW_PAD * scale, plot)]


def marker_box(marker: pg.TargetItem, transform: QtGui.QTransform) -> tuple[QtCore.QRectF, ...]:
    """A target marker's box in device pixels, while it shows (none otherwise)."""
    if not marker.isVisible():
        return ()
    position = marker.pos()
    centre = to_device(transform, np.array([[position.x(), position.y()]]))[0]
    return (square_around(centre, marker.scale / 2),)


def transform_key(transform: QtGui.QTransform) -> tuple[float, ...]:
    """A transform's nine numbers: what a placement made through it depends on."""
    return (transform.m11(), transform.m12(), transform.m13(), transform.m21(), transform.m22(), transform.m23(),
            transform.m31(), transform.m32(), transform.m33())


def area(rect: QtCore.QRectF) -> float:
    """A rectangle's area in square pixels (0 for an empty one, as an intersection that is none)."""
    return 0.0 if rect.isEmpty() else rect.width() * rect.height()


def tag_direction(tail: np.ndarray, tip: np.ndarray, index: int) -> np.ndarray:
    """The unit direction (device pixels) a probe arrow's tag is placed along: the arrow's own, or for a part of
    length zero its axis's (index 1: ∂f/∂y, up the map; 2: ∂f/∂x, to the right)."""
    length = float(np.hypot(*(tip - tail)))
    if length > 0.0:
        return (tip - tail) / length
    return np.array([0.0, -1.0]) if index == 1 else np.array([1.0, 0.0])


def to_device(transform: QtGui.QTransform, points: np.ndarray) -> np.ndarray:
    """Data points (n, 2) in device pixels through a data-to-device transform."""
    linear = np.array([[transform.m11(), transform.m21()], [transform.m12(), transform.m22()]])
    return np.asarray(points, dtype=np.float64).reshape(-1, 2) @ linear.T + np.array([transform.dx(), transform.dy()])


class LevelLineItem(ViewOverlayItem):
    """The level line through the probe point, drawn in device pixels over a darker halo.

    The line is thinned to the vertices that keep it within a tenth of a pixel of itself before it is
    stroked: a level line traced on a fine grid has hundreds of vertices a few pixels apart, and stroking
    wide antialiased lines costs per vertex (Rosenbrock's 800 took 2.8 ms, thinned to 92 0.6 ms; thinning
    them takes 0.5 ms, see thinned_smooth_indices). The thinned line is kept until the overlay or the view changes.
    """

    TOLERANCE = 0.1  # device pixels
    HALO_WIDTH = 5.0
    LINE_WIDTH = 2.6

    def __init__(self) -> None:
        """Start with nothing to draw."""
        super().__init__()
        self._drawn: tuple[tuple, QtGui.QPainterPath] | None = None

    def device_polyline(self, transform: QtGui.QTransform) -> np.ndarray:
        """The thinned level line (n, 2) in device pixels for a data-to-device transform; pieces apart by NaN rows."""
        if self.overlay is None or len(self.overlay.level_line) < 2:
            return np.zeros((0, 2))
        points = to_device(transform, self.overlay.level_line)
        return joined_by_gaps([points[start:stop][thinned_smooth_indices(points[start:stop], self.TOLERANCE)]
                               for start, stop in finite_runs(points)])

    def _path(self, transform: QtGui.QTransform) -> QtGui.QPainterPath:
        """The thinned line as a path, made again only when the overlay or the transform has changed."""
        key = (id(self.overlay), transform.m11(), transform.m12(), transform.m21(), transform.m22(), transform.dx(),
               transform.dy())
        if self._drawn is None or self._drawn[0] != key:
            points = self.device_polyline(transform)
            self._drawn = (key, pg.functions.arrayToQPath(points[:, 0], points[:, 1], connect="finite"))
        return self._drawn[1]

    def paint(self, painter: QtGui.QPainter, *args: object) -> None:
        """The halo, then the line in the overlay's level colour."""
        overlay = self.overlay
        if overlay is None or len(overlay.level_line) < 2:
            return
        path = self._path(painter.transform())
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        for colour, width in ((EDGE_COLOUR, self.HALO_WIDTH), (qcolour(overlay.level_colour), self.LINE_WIDTH)):
            pen = QtGui.QPen(colour, width * self.pixel_scale)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawPath(path)
        painter.restore()


class ProbeArrowsItem(ViewOverlayItem):
    """The arrows of the partial derivatives and the gradient at the probe, the right-angle mark and the point.

    Arrows are drawn in device pixels from their data-space ends, so their directions and the vector
    sum are exact in the plot; heads and widths have fixed pixel sizes. The right-angle mark is the
    image of a small data-space square between the level line and ∇f: square when both axes are drawn
    at the same scale, skewed otherwise — as the angle itself looks.
    """

    HEAD_LENGTH = 15.0
    HEAD_HALF_WIDTH = 6.5
    SHAFT_HALF_WIDTH = 1.7
    MARK_SIZE = 20.0
    POINT_SIZE = 10.0
    SHORTEST = 6.0  # arrows shorter than this (pixels) are left out

    def arrow_pixels(self, transform: QtGui.QTransform) -> list[tuple[np.ndarray, np.ndarray]]:
        """Tail and tip in device pixels of each arrow, for a data-to-device transform."""
        if self.overlay is None:
            return []
        return [tuple(to_device(transform, np.array([arrow.tail, arrow.tip]))) for arrow in self.overlay.arrows]

    def shaft_boxes(self, transform: QtGui.QTransform) -> list[QtCore.QRectF]:
        """Boxes along each arrow that is drawn, in device pixels (tags, names and the legend keep off them)."""
        if not self.isVisible():
            return []
        return shaft_boxes(self.arrow_pixels(transform), self.pixel_scale, self.plot_rect(transform))

    balls = np.zeros((0, 2))  # where the runs' balls are (plot coordinates): a ball marks the point it sits on

    def at_a_ball(self) -> bool:
        """Whether a run's ball sits on the probe point."""
        if self.overlay is None or not len(self.balls):
            return False
        return bool(np.any(np.all(np.isclose(self.balls, self.overlay.point), axis=1)))

    def set_balls(self, balls: np.ndarray) -> None:
        """Where the runs' balls are now; repainted only if whether one sits on the point changes."""
        before = self.at_a_ball()
        self.balls = balls
        if self.at_a_ball() != before:
            self.update()

    def right_angle_shown(self, transform: QtGui.QTransform) -> bool:
        """Whether the right-angle mark is drawn: there is one, beside a ∇f arrow long enough to be drawn."""
        if self.overlay is None or self.overlay.right_angle is None:
            return False
        return self.gradient_drawn(transform)

    def gradient_drawn(self, transform: QtGui.QTransform) -> bool:
        """Whether the ∇f arrow (the last) is long enough to be drawn."""
        if self.overlay is None or not self.overlay.arrows:
            return False
        tail, tip = self.arrow_pixels(transform)[-1]
        return float(np.hypot(*(tip - tail))) >= self.SHORTEST * self.pixel_scale

    def paint(self, painter: QtGui.QPainter, *args: object) -> None:
        """Right-angle mark, arrows (halo, fill, dark edge), then the point."""
        overlay = self.overlay
        if overlay is None:
            return
        transform = painter.transform()
        scale = self.pixel_scale
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        centre = to_device(transform, np.array([overlay.point]))[0]
        if self.right_angle_shown(transform):
            self._paint_right_angle(painter, transform, centre)
        for arrow, (tail, tip) in zip(overlay.arrows, self.arrow_pixels(transform), strict=True):
            if np.hypot(*(tip - tail)) < self.SHORTEST * scale:
                continue
            outline = arrow_outlines(tail[None, :], tip[None, :], self.HEAD_LENGTH * scale,
                                     self.HEAD_HALF_WIDTH * scale, self.SHAFT_HALF_WIDTH * scale * arrow.weight)[0]
            polygon = QtGui.QPolygonF([QtCore.QPointF(*corner) for corner in outline])
            halo = QtGui.QPen(HALO_COLOUR_STRONG, 4.0 * scale)
            halo.setJoinStyle(QtCore.Qt.PenJoinStyle.RoundJoin)
            painter.setPen(halo)
            painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            painter.drawPolygon(polygon)
            painter.setPen(QtGui.QPen(EDGE_COLOUR, 1.0 * scale))
            painter.setBrush(qcolour(arrow.colour))
            painter.drawPolygon(polygon)
        if overlay.tangent is None and not self.at_a_ball():  # a curve's tangent point, or a run's ball, marks it
            painter.setPen(QtGui.QPen(EDGE_COLOUR, 1.6 * scale))
            painter.setBrush(QtGui.QColor(255, 255, 255))
            radius = self.POINT_SIZE * scale / 2
            painter.drawEllipse(QtCore.QPointF(*centre), radius, radius)
        painter.restore()

    def _paint_right_angle(self, painter: QtGui.QPainter, transform: QtGui.QTransform, centre: np.ndarray) -> None:
        """The small square (or its skewed image) in the corner between the level line and ∇f."""
        along, gradient = (np.asarray(direction, dtype=np.float64) for direction in self.overlay.right_angle)
        linear = to_device(transform, np.array([along, gradient, (0.0, 0.0)]))
        legs = linear[:2] - linear[2]
        size = self.MARK_SIZE * self.pixel_scale / max(float(np.linalg.norm(legs, axis=1).max()), 1e-12)
        first, second = legs * size
        corner = [QtCore.QPointF(*(centre + first)), QtCore.QPointF(*(centre + first + second)),
                  QtCore.QPointF(*(centre + second))]
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        painter.setPen(QtGui.QPen(EDGE_COLOUR, 4.0 * self.pixel_scale))
        painter.drawPolyline(corner)
        painter.setPen(QtGui.QPen(qcolour(self.overlay.level_colour), 2.0 * self.pixel_scale))
        painter.drawPolyline(corner)


class ProbeTextItem(ViewOverlayItem):
    """The labels of the probe overlay (at the arrow tips, beside a curve's tangent) and its legend.

    The legend goes in the corner of the plot where it hides least (see _legend_place), never over the basins'
    legend; when the axes are drawn at different scales it adds the overlay's note that right angles look skewed.
    """

    def __init__(self, arrows: ProbeArrowsItem, basins_legend: BasinsLegendItem) -> None:
        """Label the arrows; keep the labels off the balls, the basins' legend and its landmarks (the start marker,
        the critical points; over a one-variable curve the legend also keeps off as much of the curve as it can)."""
        super().__init__()
        self._arrows = arrows
        self._basins_legend = basins_legend
        self._landmarks = basins_legend.landmarks
        self._balls = np.zeros((0, 2))  # where the runs' current points are, in plot coordinates
        self._ball_half = 0.0  # half a ball's size in pixels
        self._paths: tuple[np.ndarray, ...] = ()  # the runs' paths as drawn (n, 2), in plot coordinates
        self.legend_rect = QtCore.QRectF()
        # the landmarks (minima, whole paths, curve) for the view they were worked out for, and what each box tried
        # for the legend hides of them: they stay put while a run plays, and scoring them took a millisecond a step
        self._landmarks_hidden: tuple[tuple, LegendObstacles, dict[tuple[float, float, float, float], float]] = (
            (), LegendObstacles((), (), ()), {})
        self.legend_texts: tuple[str, ...] = ()  # the lines of the legend last drawn
        self.tag_boxes: tuple[QtCore.QRectF, ...] = ()  # the tags last drawn, in device pixels…
        self.tag_texts: tuple[str, ...] = ()  # …and what they read
        self.leaders: tuple[tuple[QtCore.QLineF, RgbaColour], ...] = ()  # lines from far-off tags to their anchors
        self.aspect_dropped = False  # the map's equal aspect left out: the domain would be a strip (the legend says)

    def scales_differ(self, transform: QtGui.QTransform) -> bool:
        """Whether one unit of x and one unit of y are drawn at lengths more than ASPECT_TOLERANCE apart."""
        x_scale, y_scale = math.hypot(transform.m11(), transform.m12()), math.hypot(transform.m21(), transform.m22())
        return abs(x_scale / max(y_scale, 1e-300) - 1.0) > ASPECT_TOLERANCE

    def arrow_too_short(self, transform: QtGui.QTransform) -> bool:
        """Whether the ∇f arrow, drawn, reaches less than CRAMPED_PIXELS past a ball's edge."""
        overlay = self.overlay
        if overlay is None or not overlay.arrows:
            return False
        gradient = overlay.arrows[-1]
        tail, tip = (transform.map(QtCore.QPointF(*end)) for end in (gradient.tail, gradient.tip))
        drawn = QtCore.QLineF(tail, tip)
        return drawn.length() < self._ball_half + CRAMPED_PIXELS * self.pixel_scale

    def legend_rows(self, transform: QtGui.QTransform) -> tuple[LegendRow, ...]:
        """The legend as drawn: the overlay's rows, and the edge and aspect notes where they apply."""
        overlay = self.overlay
        if overlay is None:
            return ()
        rows = overlay.legend
        if overlay.edge_note and self.arrow_too_short(transform):
            rows = (*rows, overlay.edge_note)
        elif overlay.faded_note and not self._arrows.gradient_drawn(transform):  # no arrow, so no tag gives ∇f
            rows = (*rows, overlay.faded_note)
        if self.aspect_dropped:
            rows = (*rows, EQUAL_ASPECT_DROPPED)
        elif overlay.aspect_note and overlay.right_angle is not None and self.scales_differ(transform):
            rows = (*rows, overlay.aspect_note)
        return rows

    def paint(self, painter: QtGui.QPainter, *args: object) -> None:
        """The legend, then the tip labels and the tangent's slope label around it."""
        overlay = self.overlay
        if overlay is None:
            return
        transform = painter.transform()
        scale = self.pixel_scale
        font = self.label_font()
        painter.save()
        painter.resetTransform()
        point = to_device(transform, np.array([overlay.point]))[0]
        shafts = self._shaft_boxes(transform)
        placed = self._legend_place(transform, self._legend_forms(transform, font), shafts)
        legend, self.legend_rect = (None, QtCore.QRectF()) if placed is None else placed
        self.legend_texts = () if legend is None else tuple(text for _row, text, *_ in legend.lines)
        if legend is not None:
            legend.paint(painter, self.legend_rect.topLeft())
        avoid = (square_around(point, POINT_CLEARANCE * scale), *self._legend_boxes(),
                 *self._landmarks.start_marker_box(transform), *self._ball_boxes(transform),
                 *self._landmarks.critical_points.boxes(transform), *self._basins_legend.boxes(transform), *shafts)
        plot = self.plot_rect(transform)
        paths = line_samples([to_device(transform, path) for path in self._paths], LINE_SAMPLE_SPACING * scale, plot)
        def new_placer() -> TagPlacer:
            return TagPlacer(painter, font, 4.0 * scale, plot, avoid, paths, LINE_CLEARANCE * scale)  # off the paths

        placer = new_placer()
        arrows = self._tagged_arrows(transform)
        texts = placer.fitted_texts([(arrow.label, arrow.short) for _, arrow, _, _ in arrows], TAGS_SHARE, lead=True)
        if self._place_arrow_tags(placer, arrows, texts, whole_gradient=False):
            whole = new_placer()
            if not self._place_arrow_tags(whole, arrows, texts, whole_gradient=True) and (
                    len(whole.tags) >= len(placer.tags)):
                placer = whole
        if overlay.tangent is not None and overlay.tangent_label:
            self._place_tangent_label(placer, transform)
        placer.draw()
        self.tag_boxes = tuple(placer.taken[len(avoid):])
        self.tag_texts = tuple(text for text, _box, _colour in placer.tags)
        self.leaders = tuple(placer.leaders)
        painter.restore()

    @staticmethod
    def _place_arrow_tags(placer: TagPlacer, arrows: Sequence[tuple[int, OverlayArrow, np.ndarray, np.ndarray]],
                          texts: Sequence[str], whole_gradient: bool) -> bool:
        """Place the arrows' tags (see _tagged_arrows) with these texts, the partials' only where they fit; whether
        ∇f's tag, meant in full, was cut to its name for want of room.

        With whole_gradient, a ∇f tag with no room in full beyond the arrow's tip goes beyond its tail (the probe
        point) instead, on the far side from the arrow, before it is cut: on the default preset's map 500 pixels
        wide the tip stood by the top edge, between ∂f/∂y's tag and the colour bar, and read "∇f" alone, with room
        for the whole tag below the point. (paint keeps that placing only where the partials' tags lose nothing by it.)
        """
        cut = False
        for text, (index, arrow, tail, tip) in zip(texts, arrows, strict=True):
            direction = tag_direction(tail, tip, index)
            if index == 0 and text != arrow.short:
                if whole_gradient and any(placer.place(text, anchor, way, arrow.colour, optional=True) is not None
                                          for anchor, way in ((tip, direction), (tail, -direction))):
                    continue
                box = placer.place(text, tip, direction, arrow.colour, shorter=arrow.short)
                cut = box is not None and placer.tags[-1][0] == arrow.short
                continue
            placer.place(text, tip, direction, arrow.colour, optional=index > 0, shorter=arrow.short)
        return cut

    def _tagged_arrows(self, transform: QtGui.QTransform) -> list[tuple[int, OverlayArrow, np.ndarray, np.ndarray]]:
        """The arrows that get a tag, ∇f first (it gets the place it asks for), with their index in that order and
        their tails and tips in device pixels: those drawn, and a part too short to draw beside a ∇f that is drawn
        (the saddle's ∂f/∂y = −0.1 beside ∂f/∂x = 3.6: the legend says the tags give the values)."""
        shortest = ProbeArrowsItem.SHORTEST * self.pixel_scale
        arrows = [(index, arrow, tail, tip) for index, (arrow, (tail, tip))
                  in enumerate(reversed(list(zip(self.overlay.arrows, self._arrows.arrow_pixels(transform),
                                                 strict=True))))]
        drawn = [np.hypot(*(tip - tail)) >= shortest for _, _, tail, tip in arrows]
        return [entry for entry, long_enough in zip(arrows, drawn, strict=True)
                if entry[1].label and (long_enough or (entry[0] > 0 and drawn[0]))]

    def _legend_boxes(self) -> tuple[QtCore.QRectF, ...]:
        """The legend's box as last drawn, if it was."""
        return () if self.legend_rect.isEmpty() else (self.legend_rect,)

    def set_balls(self, points: np.ndarray, half: float, paths: Sequence[np.ndarray] = ()) -> None:
        """Keep the tags off balls at these plot points, half pixels each way (a run's current points), and where
        they can off the runs' paths as drawn ((n, 2) each, plot coordinates)."""
        paths = tuple(paths)
        if half == self._ball_half and np.array_equal(points, self._balls) \
                and [path.shape for path in paths] == [path.shape for path in self._paths]:
            return
        self._balls, self._ball_half, self._paths = points, half, paths
        if self.overlay is not None:
            self.update()

    def _ball_boxes(self, transform: QtGui.QTransform) -> list[QtCore.QRectF]:
        """The runs' balls' boxes in device pixels."""
        if not len(self._balls):
            return []
        return [square_around(centre, self._ball_half) for centre in to_device(transform, self._balls)]

    def _legend_forms(self, transform: QtGui.QTransform, font: QtGui.QFont) -> Iterator[LegendLayout]:
        """The legend laid out to cover at most LEGEND_SHARE of the map, then its more compact forms (see
        legend_forms)."""
        plot = self.plot_rect(transform)
        swatch = QtGui.QFontMetricsF(font).height() * 1.2
        return legend_forms(font, self.legend_rows(transform), swatch, plot.width() - 16.0 * self.pixel_scale,
                            LEGEND_SHARE * plot.width() * plot.height())

    def _place_tangent_label(self, placer: TagPlacer, transform: QtGui.QTransform) -> None:
        """The slope label above the middle of the tangent's right half, or where it covers least of the curve, the
        runs' whole paths and the tangent (it lay over the curve and the path: the wrong-sign run's step 5)."""
        overlay = self.overlay
        ends = to_device(transform, overlay.tangent)
        landmarks, scale = self._landmarks, self.pixel_scale
        lines = [landmarks.curve_pixels(transform), *(to_device(transform, path) for path in landmarks.paths), ends]
        placer.crossed = line_samples(lines, LINE_SAMPLE_SPACING * scale, placer.bounds)
        placer.crossed_pad = LINE_CLEARANCE * scale
        centre = to_device(transform, np.array([overlay.point]))[0]
        right = ends[int(np.argmax(ends[:, 0]))]
        anchor = (centre + right) / 2
        direction = right - centre
        normal = np.array([direction[1], -direction[0]]) / max(float(np.hypot(*direction)), 1e-9)
        if normal[1] > 0:
            normal = -normal
        placer.place(overlay.tangent_label, anchor, normal, overlay.colour)

    def _shaft_boxes(self, transform: QtGui.QTransform) -> list[QtCore.QRectF]:
        """Boxes along each probe arrow that is drawn, in device pixels (tags and the legend keep off them)."""
        return self._arrows.shaft_boxes(transform)

    def _legend_place(self, transform: QtGui.QTransform, forms: Iterable[LegendLayout],
                      shafts: Sequence[QtCore.QRectF]) -> tuple[LegendLayout, QtCore.QRectF] | None:
        """The legend, in the first of its forms that has a place hiding nothing of what matters (else the one that
        hides least), and its box: in the corner of the plot that hides least of what matters, then least of the room
        of the point's tags, then the farthest from the point; never over the basins' legend (see
        least_hiding_place).

        What matters: the point, the runs' balls, the start marker (which a lecturer drags), the critical points and
        their names and the arrows' shafts boxes, each once if touched; the share of each minimum's pit hidden (marked
        or not: Himmelblau's lower-left one was under the legend); of each run's whole path (the same in every frame
        of a video), each PATH_SHARE_OF_A_MARK of its points once; and of a curve (the two-minima curve's deeper
        minimum was under the legend), each CURVE_SHARE_OF_A_MARK of its drawn points once.
        """
        point = to_device(transform, np.array([self.overlay.point]))[0]
        marks = [square_around(point, POINT_CLEARANCE * self.pixel_scale), *self._ball_boxes(transform),
                 *self._landmarks.start_marker_box(transform), *self._landmarks.critical_points.boxes(transform),
                 *shafts]
        tags_room = square_around(point, TAGS_ROOM * self.pixel_scale)

        def then(box: QtCore.QRectF) -> tuple[float, float]:
            return -float(box.intersects(tags_room)), math.hypot(box.center().x() - point[0],
                                                                 box.center().y() - point[1])

        plot, margin = self.plot_rect(transform), 8.0 * self.pixel_scale
        key = (transform_key(transform), plot.getRect(), self.pixel_scale, self._landmarks.revision)
        if self._landmarks_hidden[0] != key:
            self._landmarks_hidden = key, self._landmarks.obstacles(transform, self.pixel_scale, ()), {}
        _key, landmarks, known = self._landmarks_hidden
        obstacles = LegendObstacles(marks, (), ()).with_landmarks(landmarks, known)
        return placed_form(forms, plot, margin, obstacles, TOP_LEFT_FIRST, self._basins_legend.boxes(transform), then)


def largest_finite(values: np.ndarray) -> float:
    """The largest finite |value| (1 if there is none, or it is 0): a scale that keeps arithmetic on them finite."""
    finite = np.abs(values[np.isfinite(values)])
    largest = float(finite.max()) if finite.size else 0.0
    return largest if largest > 0.0 else 1.0


class ColourBar(pg.PlotItem):
    """A vertical, non-interactive colour bar whose axis shows the contour levels, its title above it.

    Above the bar (as in the 3D view), the title leaves the labels the axis's whole room: levels up to
    six digits wide (100016) fit its usual width, so a new formula seldom changes it (a new width lays the map out).
    """

    WIDTH = 20
    TITLE_HEIGHT = 26
    TITLE_SIZE = 17  # pixels, as the map's axis titles

    def __init__(self) -> None:
        """An empty bar; set_colours and set_ticks fill it."""
        super().__init__(axisItems=steady_axes())
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.hideButtons()
        show_axes(self, "right", "bottom")
        spacer = self.getAxis("bottom")
        spacer.setStyle(showValues=False, tickLength=0)
        spacer.setPen(pg.mkPen(None))
        self.getAxis("right").set_least_width(AXIS_LEAST_WIDTH)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.addItem(self.image)
        self.setRange(xRange=(0.0, 1.0), yRange=(0.0, 1.0), padding=0.0)
        self.layout.setColumnFixedWidth(1, self.WIDTH)
        self.vb.setBorder(pg.mkPen(TEXT_COLOUR))
        self._labels: tuple[str, ...] = ()
        self._title = ""
        self._text_scale = 1.0
        self._show_title()

    def set_scale(self, scale: float, text_scale: float) -> None:
        """Widen the bar by the presentation scale and its title by the text's; its labels take the room they need."""
        self._text_scale = text_scale
        self.layout.setColumnFixedWidth(1, round(self.WIDTH * scale))
        self._show_title()

    def _show_title(self) -> None:
        """Write the title above the bar in the axis titles' italic, in a row of its own."""
        height = round(self.TITLE_HEIGHT * self._text_scale)
        self.setTitle(self._title, size=f"{round(self.TITLE_SIZE * self._text_scale)}px", italic=True,
                      color=TEXT_COLOUR)
        self.titleLabel.setMaximumHeight(height)
        self.layout.setRowFixedHeight(0, height)

    def set_colours(self, lut: np.ndarray) -> None:
        """Show the lookup table from bottom (0) to top (1)."""
        self.image.setImage(lut_to_uint8(lut)[:, None, :], levels=None, autoLevels=False)
        self.image.setRect(QtCore.QRectF(0.0, 0.0, 1.0, 1.0))

    def set_ticks(self, fractions: Sequence[float], labels: Sequence[str], title: str) -> None:
        """Label positions 0..1 along the bar, and its title."""
        if title != self._title:
            self._title = title
            self._show_title()
        self.getAxis("right").setTicks([list(zip((float(f) for f in fractions), labels, strict=True)), []])
        self._labels = tuple(labels)

    def title(self) -> str:
        """The title above the bar, as last set."""
        return self._title

    def tick_labels(self) -> tuple[str, ...]:
        """The labels along the bar, as last set."""
        return self._labels


class ContourView(FontScaledView, pg.GraphicsLayoutWidget):
    """The map of f: filled contours, level lines, gradient arrows, runs and a draggable start point.

    In curve mode (one variable) it plots f(w) with an optional tangent line instead.
    Signals carry data coordinates.
    """

    hovered = QtCore.Signal(float, float)
    hover_left = QtCore.Signal()  # the pointer left the plot (for the axes, the colour bar or another widget)
    clicked = QtCore.Signal(float, float)
    start_dragged = QtCore.Signal(float, float)
    range_changed = QtCore.Signal(tuple, tuple)
    fit_requested = QtCore.Signal()  # the map's fit key: back to the ranges as opened
    keys_taken = QtCore.Signal(bool)  # the map took its keys (framed), or gave them back to the window

    LINE_WIDTH = 1.0  # exactly one pixel keeps antialiased level lines fast to draw
    COLOURED_LINE_WIDTH = 1.6  # lines alone carry the map: wider, and opaque
    CURVE_WIDTH = 3.0
    TANGENT_WIDTH = 2.4
    RUN_WIDTH = 2.6
    MARKER_SIZE = 6.0
    START_SIZE = 12.0
    BALL_SIZE = 17.0
    MARKER_LIMIT = 250
    START_MARKER_SIZE = 22.0
    TANGENT_POINT_SIZE = 11.0

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        """Create an empty view; call set_field or set_curve to show something."""
        super().__init__(parent)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.ClickFocus)  # as the 3D view: Tab passes by (Run → Set start…)
        self.setBackground(BACKGROUND)
        self.setAntialiasing(True)
        self.ci.setContentsMargins(*LAYOUT_MARGINS)
        self.plot_item = self.addPlot(row=0, col=0, axisItems=steady_axes())
        show_axes(self.plot_item, "left", "bottom")
        self.colour_bar = ColourBar()
        self.addItem(self.colour_bar, row=0, col=1)
        self.view_box = self.plot_item.getViewBox()
        self.view_box.setMenuEnabled(False)
        self.plot_item.hideButtons()
        self.pixel_scale = 1.0
        self.presentation_scale = 1.0
        self._domain_range: tuple[tuple[float, float], tuple[float, float]] | None = None
        self._style_axes()
        self._lut = colormap_lut(DEFAULT_COLORMAP)
        self.colour_bar.set_colours(self._lut)
        self._curve_mode = False
        self._runs: list[TrajectoryData] = []
        self.run_items: list[RunItems] = []  # the shown runs' items: the first of the pool
        self._run_pool: list[RunItems] = []
        self._setting_start = False
        self._has_keys = False  # the map's keys are its own, not the window's (see PAN_KEYS)
        self._keys_allowed = True  # the map may take its keys (not while presenting: the clicker's are the run's)
        self._fill_arguments: tuple | None = None
        self._filled = True
        self._arrows_shown = True
        self._line_fractions = np.zeros(0)
        self._probe_overlay: ContourProbeOverlay | None = None
        self._descent_tangent: tuple[float, float, float] | None = None
        self._height_ticks: list[tuple[float, str]] | None = None  # the curve's height axis ticks, when not its own
        self._equal_aspect = False
        self._aspect_room = (0, 0)  # pixels taken from the frame's width, or its height, to give it the domain's shape
        self.aspect_dropped = False  # equal aspect asked for, but the domain's shape would leave a strip
        self.static_revision = 0  # counts changes to what the clock does not move (see ContourExport)
        self._export: ContourExport | None = None
        self._build_items()
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.view_box.sigRangeChangedManually.connect(self._on_range_changed_by_user)
        self._refit_timer = QtCore.QTimer(self)  # the frame fitted again once a layout has placed it (see resizeEvent)
        self._refit_timer.setSingleShot(True)
        self._refit_timer.setInterval(0)
        self._refit_timer.timeout.connect(self._fit_frame_to_domain)
        self.view_box.sigResized.connect(lambda _box: self._refit_timer.start())
        self.view_box.sigResized.connect(lambda _box: self._fit_arrow_count())

    def _style_axes(self) -> None:
        """Readable tick fonts and dark axes: lines times the presentation scale, text and its room the text scale."""
        scale, text_scale = self.presentation_scale, self.text_scale
        tick_font = QtGui.QFont()
        tick_font.setPixelSize(round(14 * text_scale))
        for plot in (self.plot_item, self.colour_bar):
            for side in ("left", "bottom", "right"):
                axis = plot.getAxis(side)
                axis.setPen(pg.mkPen(TEXT_COLOUR, width=scale))
                axis.setTextPen(pg.mkPen(TEXT_COLOUR))
                axis.setStyle(tickFont=tick_font, tickTextOffset=round(6 * scale))
                axis.label.setFont(self._title_font(text_scale))
        for plot in (self.plot_item, self.colour_bar):
            plot.getAxis("bottom").setHeight(round(AXIS_HEIGHT_ROOM + AXIS_HEIGHT_PER_TEXT_SCALE * text_scale))
        self._fit_axes_least_width(refit=True)
        self.colour_bar.set_scale(scale, text_scale)

    def _fit_axes_least_width(self, refit: bool = False) -> None:
        """Give the vertical axes their usual least width, or in a narrow map that of their labels over the domain
        and no slack (see NARROW_MAP_PIXELS), fitted to their labels anew if it changed or refit asks (their text
        did)."""
        left, bar = self.plot_item.getAxis("left"), self.colour_bar.getAxis("right")
        least, slack = {left: AXIS_LEAST_WIDTH, bar: AXIS_LEAST_WIDTH}, WIDTH_SLACK
        if self.ci.size().width() < NARROW_MAP_PIXELS:  # the labels of a frame as high as the view: the most it has
            span = self._domain_range[1] if self._domain_range is not None else tuple(left.range)
            least = {left: left.width_over(span, self.ci.size().height()), bar: bar.width_over((0.0, 1.0), 1.0)}
            slack = 0
        for axis, width in least.items():
            if refit or axis.least_width != width or axis.width_slack != slack:
                axis.set_least_width(width, slack)

    @staticmethod
    def _title_font(scale: float = 1.0) -> QtGui.QFont:
        """Italic font for axis titles (variable names)."""
        font = QtGui.QFont()
        font.setPixelSize(round(17 * scale))
        font.setItalic(True)
        return font

    def set_presentation_scale(self, scale: float) -> None:
        """Draw lines, markers, arrows, the probe overlay and text this many times larger (see
        bounded_presentation_scale)."""
        scale = bounded_presentation_scale(scale)
        if scale == self.presentation_scale:
            return
        self.presentation_scale = scale
        self._static_changed()
        self._style_axes()
        self._fit_arrow_count()
        self._apply_pen_widths(self.pixel_scale)
        self._show_balls()

    def _fit_arrow_count(self) -> None:
        """Sample as many arrows as the map's width holds at the presentation scale (see arrow_count)."""
        count = arrow_count(self.view_box.width(), self.presentation_scale)
        if count != self.arrows.density:
            self._static_changed()
            self.arrows.set_density(count)

    def size_text_factor(self) -> float:
        """A large view's text is larger, up to the 3D view's largest numbers (see LARGE_VIEW_PIXELS)."""
        return min(max(min(self.width(), self.height()) / LARGE_VIEW_PIXELS, 1.0), LARGEST_SIZE_TEXT_FACTOR)

    def _show_font_scale(self) -> None:
        """Draw the axes' text, the tags and the legends at the new font scale."""
        self._static_changed()
        self._style_axes()
        for item in (self.critical_points, self.basins_legend, self.probe_text):
            item.set_font_scale(self.font_scale)

    def _build_items(self) -> None:
        """Create the fill, level lines, arrows, curve, tangent, start marker and the probe overlay's items."""
        self.fill_item = SmoothImageItem(axisOrder="row-major")
        self.fill_item.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.level_lines = ClippedCurveItem(connect="finite", antialias=True)
        self.level_lines.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.level_lines.setOpacity(LINE_OPACITY)
        self.level_lines.setSegmentedLineMode("on")
        self.basins_image = SmoothImageItem(axisOrder="row-major")  # over the fill, under the lines: see set_basins
        self.basins_image.setZValue(0.5)
        self.basins_image.setOpacity(BASINS_OPACITY)
        self.basins_image.hide()
        self.plot_item.addItem(self.basins_image)
        self.coloured_lines = ColouredLinesItem()
        self.coloured_lines.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.coloured_lines.setZValue(1)
        self.coloured_lines.hide()
        self.plot_item.addItem(self.coloured_lines)
        self.arrows = GradientArrowItem()
        self.curve = pg.PlotCurveItem(antialias=True)
        self.tangent = pg.PlotCurveItem(antialias=True)
        self.tangent_point = pg.ScatterPlotItem(size=self.TANGENT_POINT_SIZE, brush=TANGENT_COLOUR,
                                                pen=pg.mkPen("w", width=1.5))
        self.start_marker = pg.TargetItem(
            pos=(0.0, 0.0), size=self.START_MARKER_SIZE, symbol="o", brush=pg.mkBrush(255, 255, 255, 90),
            hoverBrush=pg.mkBrush(255, 255, 255, 160), movable=True,
        )
        self._build_probe_items()
        self._apply_pen_widths(1.0)
        self.start_marker.sigPositionChanged.connect(self._on_start_moved)
        for z_value, item in enumerate(
            (self.fill_item, self.level_lines, self.arrows, self.curve, self.tangent, self.tangent_point)
        ):
            item.setZValue(z_value)
            self.plot_item.addItem(item)
        self.start_marker.setZValue(START_MARKER_Z)  # under the ball: its translucent disc veiled it at the start
        self.plot_item.addItem(self.start_marker)
        self.start_marker.hide()
        for item in (self.curve, self.tangent, self.tangent_point):
            item.hide()

    def _build_probe_items(self) -> None:
        """Create the probe overlay's items: level line, dashed guides, a halo for the tangent, arrows, text."""
        self.probe_level = LevelLineItem()
        self.probe_guides = [pg.PlotCurveItem(antialias=True) for _ in range(2)]
        self.tangent_halo = pg.PlotCurveItem(antialias=True)
        self.tangent_halo.setZValue(3.5)
        self.plot_item.addItem(self.tangent_halo, ignoreBounds=True)
        self.probe_arrows = ProbeArrowsItem()
        self.critical_points = CriticalPointsItem(None, self.start_marker, self.probe_arrows, self.probe_level)
        self.critical_points.setZValue(6)  # under the probe, the runs
        self.plot_item.addItem(self.critical_points, ignoreBounds=True)
        self.landmarks = MapLandmarks(self.start_marker, self.critical_points, self.curve)
        self.basins_legend = BasinsLegendItem(self.landmarks)
        self.basins_legend.setZValue(38)
        self.plot_item.addItem(self.basins_legend, ignoreBounds=True)
        self.critical_points.legend = self.basins_legend
        self.probe_text = ProbeTextItem(self.probe_arrows, self.basins_legend)
        layers = (self.probe_level, *self.probe_guides, self.probe_arrows)
        for z_value, item in enumerate(layers, start=10):
            item.setZValue(z_value)
        self.probe_arrows.setZValue(PROBE_ARROWS_Z)  # over the runs: the arrows start at the ball, which hid them
        self.probe_text.setZValue(40)
        self.off_map = OffMapItem(self.basins_legend, self.landmarks)
        self.off_map.setZValue(39)
        self.plot_item.addItem(self.off_map, ignoreBounds=True)
        for item in (*layers, self.probe_text):
            self.plot_item.addItem(item, ignoreBounds=True)

    def _apply_pen_widths(self, device_scale: float) -> None:
        """Give every line its width times device_scale (device pixels per window pixel) and the presentation scale.

        Markers drawn by size in pixels (runs, start point) take the presentation scale only; an export's
        resolution scale enlarges them itself.
        """
        self.pixel_scale = device_scale
        scale = device_scale * self.presentation_scale
        self.start_marker.scale = self.START_MARKER_SIZE * self.presentation_scale
        self.start_marker.update()
        self.tangent_point.setSize(self.TANGENT_POINT_SIZE * self.presentation_scale)
        self.tangent_point.setPen(pg.mkPen("w", width=1.5 * self.presentation_scale))
        self.level_lines.setPen(pg.mkPen(LINE_COLOUR, width=self.LINE_WIDTH * scale))
        self.coloured_lines.set_width(self.COLOURED_LINE_WIDTH * scale)
        self.curve.setPen(pg.mkPen(CURVE_COLOUR, width=self.CURVE_WIDTH * scale))
        self.start_marker.setPen(pg.mkPen(TEXT_COLOUR, width=2.0 * scale))
        self.start_marker.setHoverPen(pg.mkPen(TANGENT_COLOUR, width=2.5 * scale))
        self.arrows.pixel_scale = scale
        self.arrows.update()
        for overlay in (self.critical_points, self.basins_legend):  # not with the probe's pens: those change at steps
            overlay.set_pixel_scale(scale)
        for items in self._run_pool:
            items.apply_pen_widths(scale, self.presentation_scale)
        self._apply_probe_pens(device_scale)
        self._show_tangent()

    def _apply_probe_pens(self, device_scale: float) -> None:
        """The probe overlay's line widths and colours times device_scale and the presentation scale."""
        scale = device_scale * self.presentation_scale
        overlay = self._probe_overlay
        guides = overlay.guides if overlay is not None else ()
        for item, guide in zip(self.probe_guides, guides, strict=False):
            item.setPen(pg.mkPen(qcolour(guide.colour), width=2.0 * scale, style=QtCore.Qt.PenStyle.DashLine))
        self.tangent_halo.setPen(pg.mkPen(HALO_COLOUR_STRONG, width=(self.TANGENT_WIDTH + 3.0) * scale))
        for item in (self.probe_level, self.probe_arrows, self.probe_text, self.off_map):
            item.pixel_scale = scale
            item.update()

    # ---------------------------------------------------------------- data
    def set_field(
        self,
        xs: np.ndarray,
        ys: np.ndarray,
        heights: np.ndarray,
        gx: np.ndarray | None = None,
        gy: np.ndarray | None = None,
        levels: np.ndarray | None = None,
        labels: tuple[str, str, str] = ("x", "y", "f"),
        level_labels: Sequence[str] | None = None,
        height_range: tuple[float, float] | None = None,
        jumps: Sequence[np.ndarray] = (),
        rim: Rim | None = None,
        colour_levels: ColourLevels | None = None,
    ) -> None:
        """Show heights[j, i] over (xs[i], ys[j]) as filled contours with level lines and gradient arrows.

        NaN cells stay blank; with the rim of the domain (its values in the heights' scale) the fill reaches it,
        its edge a line through the rim's points rather than a staircase of cells. Levels default to
        choose_levels(heights); level_labels (one per level) replace the numbers on the colour bar, e.g. real f
        values when heights are log-transformed.
        With a height_range (the 3D view's, say), the colours and levels span only that range and heights
        beyond it take the end colours: near a pole of 1/x the rest of the map keeps its colours and lines.
        colour_levels, if given, are all of that at once (see map_colour_levels: the 3D view takes the same).
        Level lines stop short of a pole and of a jump of f (jumps between rows and between columns: see
        jump_edges), where they would stack up.
        """
        xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        heights = np.asarray(heights, dtype=np.float64)
        if heights.shape != (len(ys), len(xs)):
            raise ValueError(f"heights must have shape (len(ys), len(xs)) = {(len(ys), len(xs))}, got {heights.shape}")
        colour = colour_levels or map_colour_levels(heights, height_range, levels, level_labels)
        levels, lo, hi = colour.levels, colour.lo, colour.hi
        self._static_changed()
        mode_changed = self._show_field_items(True)
        drawn = heights  # the fill and the lines reach the rim, not a cell short of it:
        self.fill_item.clip = self.level_lines.clip = self.coloured_lines.clip = None
        if rim is not None and len(xs) > 1 and len(ys) > 1:  # carried a cell past it, clipped to it
            drawn, side = past_the_rim(xs, ys, heights, rim)
            region = positive_region(side)
            self.fill_item.clip = region
            dx, dy = xs[1] - xs[0], ys[1] - ys[0]
            self.level_lines.clip = QtGui.QTransform(dx, 0.0, 0.0, dy, xs[0] - dx / 2, ys[0] - dy / 2).map(region)
            self.coloured_lines.clip = self.level_lines.clip
        self._set_fill(xs, ys, drawn, levels, lo, hi)
        self._set_pits(np.array([point for point, sign in grid_extremes((xs, ys), heights) if sign > 0]))
        by_level = contour_polylines_by_level(xs, ys, contourable(drawn, lo, hi, jumps), levels)
        lines = np.concatenate(by_level) if by_level else np.zeros((0, 2))
        self.level_lines.setData(lines[:, 0], lines[:, 1], connect="finite")
        self._line_fractions = level_fractions(levels, levels, lo, hi)
        self.coloured_lines.set_lines(by_level, line_colours(self._lut, self._line_fractions),
                                      QtCore.QRectF(xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0]))
        if gx is not None and gy is not None:
            blank = ~np.isfinite(heights)
            self.arrows.set_field(xs, ys, np.where(blank, np.nan, np.asarray(gx, dtype=np.float64)),
                                  np.asarray(gy, dtype=np.float64), blank | unjoined_neighbours(heights, lo, hi, jumps))
        else:
            self.arrows.clear()
        self.colour_bar.set_ticks([fraction for fraction, _ in colour.ticks], [text for _, text in colour.ticks],
                                  colour.title(labels[2]))
        self._set_axis_titles(labels[0], labels[1])
        self._set_height_ticks(None)  # the left axis is y again
        self._set_range((xs[0], xs[-1]), (ys[0], ys[-1]))
        if mode_changed:  # the runs' points are the view's (x, y), the same on any field: only the mode moves them
            self._redraw_runs()

    def _set_fill(self, xs: np.ndarray, ys: np.ndarray, heights: np.ndarray, levels: np.ndarray,
                  lo: float, hi: float) -> None:
        """Colour the cells through the colour map (level-equalised), NaN cells transparent."""
        self._fill_arguments = (xs, ys, heights, levels, lo, hi)
        finite = np.isfinite(heights)
        fractions = level_fractions(np.where(finite, heights, lo), levels, lo, hi)
        rgba = lut_to_uint8(self._lut)[np.rint(fractions * (len(self._lut) - 1)).astype(np.intp)]
        rgba[~finite] = 0
        self.fill_item.setImage(rgba, autoLevels=False)
        dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1)
        dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
        self.fill_item.setRect(
            QtCore.QRectF(xs[0] - dx / 2, ys[0] - dy / 2, (xs[-1] - xs[0]) + dx, (ys[-1] - ys[0]) + dy)
        )

    def _set_axis_titles(self, x_title: str, y_title: str) -> None:
        """Name the axes after the plotted variables (setting an unchanged title would redraw the axis)."""
        for side, title in (("bottom", x_title), ("left", y_title)):
            if not self.plot_item.getAxis(side).shows_title(title):
                self.plot_item.setLabel(side, title)

    def _set_range(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        """Show exactly these ranges, or more of one with equal aspect (without emitting range_changed)."""
        self._domain_range = (x_range, y_range)
        self._fit_axes_least_width()
        self._fit_frame_to_domain()
        self.view_box.setRange(xRange=x_range, yRange=y_range, padding=0.0)
        self._fit_frame_to_domain()  # the left axis labelled for the range: a narrow map's may have narrowed

    def _show_field_items(self, field_mode: bool) -> bool:
        """Switch between the contour map and the curve plot (a mode change hides the start marker); True if it did."""
        mode_changed = self._curve_mode == field_mode
        if mode_changed:
            self.hide_start_point()
        self._curve_mode = not field_mode
        self._show_map_layers()
        self.colour_bar.setVisible(field_mode)
        self.curve.setVisible(not field_mode)
        if field_mode:
            self.hide_tangent()
        self._fit_frame_to_domain()
        return mode_changed

    def _show_map_layers(self) -> None:
        """Show the fill and its dark level lines or the coloured lines alone, and the arrows if wanted (maps only)."""
        field_mode = not self._curve_mode
        for item in (self.fill_item, self.level_lines):
            item.setVisible(field_mode and self._filled)
        self.coloured_lines.setVisible(field_mode and not self._filled)
        self.arrows.setVisible(field_mode and self._arrows_shown)

    def set_critical_points(self, points: np.ndarray, kinds: Sequence[str], kinks: Sequence[bool] = ()) -> None:
        """Mark critical points of these kinds at (n, 2) points: (x, y), or (w, height) on a curve; those kinks flags
        (none if empty) are at a kink of f, named so ("saddle (kink)")."""
        kinks = kinks or [False] * len(kinds)
        points = [(float(x), float(y), kind, bool(kink))
                  for (x, y), kind, kink in zip(np.reshape(points, (-1, 2)), kinds, kinks, strict=True)]
        if points != self.critical_points.points:
            self._static_changed()
            self.critical_points.set_points(points)
            self._landmarks_moved()

    def set_basins(self, image: np.ndarray | None, x_range: tuple[float, float],
                   y_range: tuple[float, float] | None = None, legend: Sequence[LegendRow] = ()) -> None:
        """Colour the starts by where descent from them ends: an RGBA image (row 0 at the bottom) over these ranges.

        Over a curve (y_range None) it is a band along the bottom of the plot. None removes the basins.
        """
        if image is None and not self.basins_image.isVisible():
            return
        self._static_changed()
        self.basins_legend.set_rows(legend if image is not None else ())
        if image is None:
            self.basins_image.hide()
            return
        if y_range is None:  # a band under a curve, in the room left below its lowest point (see set_curve)
            _, (low, high) = self._domain_range or ((0.0, 1.0), (0.0, 1.0))
            y_range = (low, low + CURVE_BAND * (high - low))
        self.basins_image.setImage(image, autoLevels=False)
        self.basins_image.setRect(QtCore.QRectF(x_range[0], y_range[0], x_range[1] - x_range[0],
                                                y_range[1] - y_range[0]))
        self.basins_image.show()

    def set_contour_fill(self, filled: bool) -> None:
        """Draw the map as filled contours with dark level lines, or (False) as level lines in their colours alone."""
        if filled != self._filled:
            self._filled = filled
            self._static_changed()
            self._show_map_layers()

    def set_colormap(self, lut: np.ndarray) -> None:
        """Use a float (N, 4) lookup table for the fill, the coloured level lines and the colour bar."""
        self._lut = np.asarray(lut, dtype=np.float32)
        self._static_changed()
        self.colour_bar.set_colours(self._lut)
        self.coloured_lines.set_colours(line_colours(self._lut, self._line_fractions))
        if self._fill_arguments is not None:
            self._set_fill(*self._fill_arguments)

    def set_arrow_direction(self, direction: str) -> None:
        """'uphill' shows ∇f, 'downhill' shows −∇f."""
        if direction not in ("uphill", "downhill"):
            raise ValueError(f"direction must be 'uphill' or 'downhill', got {direction!r}")
        self._static_changed()
        self.arrows.set_direction(direction == "uphill")

    def set_arrows_visible(self, visible: bool) -> None:
        """Show or hide the gradient arrows (a curve has none)."""
        if visible != self._arrows_shown:
            self._arrows_shown = visible
            self._static_changed()
            self._show_map_layers()

    def set_curve(self, ws: np.ndarray, fs: np.ndarray, labels: tuple[str, str] = ("w", "f"),
                  height_range: tuple[float, float] | None = None,
                  height_ticks: Sequence[tuple[float, str]] | None = None, jumps: np.ndarray | None = None) -> None:
        """Plot a one-variable f(w) instead of the map, showing the height_range if given (else all of f).

        height_ticks, if given, are the height axis's (height, text) ticks: in log height, real f values.
        The curve breaks at a pole and at a jump of f (jumps, one per gap between samples: see jump_edges).
        """
        ws, fs = np.asarray(ws, dtype=np.float64), np.asarray(fs, dtype=np.float64)
        self._static_changed()
        mode_changed = self._show_field_items(False)
        self._set_axis_titles(labels[0], labels[1])
        lo, hi = drawn_range(fs, height_range)
        self._set_height_ticks(None if height_ticks is None else spaced_ticks(height_ticks, TICK_GAP * (hi - lo)))
        ws, fs = broken_curve(ws, fs, lo, hi, jumps)
        self.curve.setData(ws, fs, connect="finite")
        self._set_pits(np.zeros((0, 2)))  # the legends keep off the curve itself, minima and all
        pad = 0.06 * max(hi - lo, 1e-9)
        self._set_range((ws[0], ws[-1]), (lo - pad, hi + pad))
        if mode_changed:
            self._redraw_runs()

    def _set_height_ticks(self, ticks: Sequence[tuple[float, str]] | None) -> None:
        """Label the left axis with these ticks, or (None) with the axis's own."""
        ticks = None if ticks is None else [(float(height), text) for height, text in ticks]
        if ticks != self._height_ticks:
            self._height_ticks = ticks
            self.plot_item.getAxis("left").setTicks(None if ticks is None else [ticks, []])

    def set_tangent(self, w0: float, f0: float, slope: float) -> None:
        """Draw the tangent line through (w0, f0) with this slope, across a third of the visible width.

        While a probe overlay shows a curve's tangent, that one is drawn instead (in the probe's colour).
        """
        self._descent_tangent = (float(w0), float(f0), float(slope))
        self._show_tangent()

    def hide_tangent(self) -> None:
        """Remove the tangent line (a probe overlay's tangent stays)."""
        self._descent_tangent = None
        self._show_tangent()

    def _show_tangent(self) -> None:
        """Draw the probe's tangent over a curve if there is one, else the one set by set_tangent, else none."""
        overlay = self._probe_overlay
        scale = self.pixel_scale * self.presentation_scale
        if self._curve_mode and overlay is not None and overlay.tangent is not None:
            ends, point, colour, halo = overlay.tangent, overlay.point, qcolour(overlay.colour), True
        elif self._descent_tangent is not None:
            w0, f0, slope = self._descent_tangent
            (x_lo, x_hi), _ = self.view_box.viewRange()
            ws = np.array([w0 - (x_hi - x_lo) / 6.0, w0 + (x_hi - x_lo) / 6.0])
            ends, point, colour, halo = np.column_stack([ws, f0 + slope * (ws - w0)]), (w0, f0), TANGENT_COLOUR, False
        else:
            for item in (self.tangent, self.tangent_point, self.tangent_halo):
                item.hide()
            return
        self.tangent.setPen(pg.mkPen(colour, width=self.TANGENT_WIDTH * scale))
        self.tangent_point.setBrush(pg.mkBrush(colour))
        for item in (self.tangent, self.tangent_halo):
            item.setData(ends[:, 0], ends[:, 1])
            item.show()
        self.tangent_halo.setVisible(halo)
        self.tangent_point.setData([point[0]], [point[1]])
        self.tangent_point.show()

    # ---------------------------------------------------------------- probe
    def set_probe_overlay(self, overlay: ContourProbeOverlay | None) -> None:
        """Draw the partial derivatives at a point (None removes them): arrows, level line, labels, legend."""
        self._probe_overlay = overlay
        empty = np.zeros(0)
        self.probe_level.set_overlay(overlay)
        guides = overlay.guides if overlay is not None else ()
        for index, item in enumerate(self.probe_guides):
            if index < len(guides):
                (x1, y1), (x2, y2) = guides[index].start, guides[index].end
                item.setData(np.array([x1, x2]), np.array([y1, y2]))
            else:
                item.setData(empty, empty)
        self._apply_probe_pens(self.pixel_scale)
        self._show_tangent()
        self.probe_arrows.set_overlay(overlay)
        self.probe_text.set_overlay(overlay)
        if self.critical_points.points:
            self.critical_points.update()  # its names keep off the arrows

    @property
    def probe_overlay(self) -> ContourProbeOverlay | None:
        """The overlay drawn now."""
        return self._probe_overlay

    def set_equal_aspect(self, equal: bool) -> None:
        """Draw a unit of x as long as a unit of y, so right angles look right (maps only, not curves)."""
        if bool(equal) == self._equal_aspect:
            return
        self._equal_aspect = bool(equal)
        self._static_changed()
        self._apply_aspect()

    @property
    def equal_aspect(self) -> bool:
        """Whether maps are drawn with equal aspect."""
        return self._equal_aspect

    def _apply_aspect(self) -> None:
        """Lock or free the aspect ratio and show the whole domain again."""
        self._fit_frame_to_domain()
        if self._domain_range is not None:
            self.view_box.setRange(xRange=self._domain_range[0], yRange=self._domain_range[1], padding=0.0)

    def _fit_frame_to_domain(self) -> None:
        """With equal aspect, narrow or lower the map's frame to the domain's shape, the room left over around it.

        Locking the aspect alone showed more of x or y than the domain, white bands inside the frame where f was
        never evaluated (above y = 3 and below y = −3 on a wide screen); now the fill reaches the frame on all sides.
        The view is laid out at once: an export paints right after laying it out at its size.
        """
        if self.closed:  # its items are gone
            return
        for plot in (self.plot_item, self.colour_bar):  # an axis's new width (a title shown, new labels) laid out first
            QtCore.QCoreApplication.sendPostedEvents(plot, QtCore.QEvent.Type.LayoutRequest)
        layout = self.ci.layout
        layout.activate()  # the frame as placed with the room it has now
        room = (0, 0)
        box = self.view_box.size()
        width, height = box.width() + self._aspect_room[0], box.height() + self._aspect_room[1]
        wanted = self._equal_aspect and not self._curve_mode
        dropped = False
        if wanted and self._domain_range is not None and min(width, height) > 0:
            (x_lo, x_hi), (y_lo, y_hi) = self._domain_range
            if x_hi > x_lo and y_hi > y_lo:
                aspect = (x_hi - x_lo) / (y_hi - y_lo)
                room = (max(round(width - aspect * height), 0), max(round(height - width / aspect), 0))
                least = EQUAL_ASPECT_LEAST_PIXELS * self.pixel_scale
                dropped = any(side - taken < min(least, side / 2) for side, taken in zip((width, height), room,
                                                                                        strict=True))
                room = (0, 0) if dropped else room
        self.view_box.setAspectLocked(wanted and not dropped, ratio=1.0)
        if dropped != self.aspect_dropped:
            self.aspect_dropped = dropped
            self.probe_text.aspect_dropped = dropped
            self.probe_text.update()
            self._static_changed()
        if room != self._aspect_room:
            self._set_aspect_room(room)
            layout.activate()

    def _set_aspect_room(self, room: tuple[int, int]) -> None:
        """Leave this many pixels of width and height beside and above and below the map and its colour bar."""
        self._aspect_room = room
        left, top, right, bottom = LAYOUT_MARGINS
        wide, high = room[0] / 2, room[1] / 2
        self.ci.setContentsMargins(left + wide, top + high, right + wide, bottom + high)

    def _resize_layout(self, resize: Callable[[], None]) -> None:
        """Lay the view out at a new size from the whole room (the room left beside the frame would hold the layout at
        least as large as before: its margins count in its least size), then fit the frame to the domain again."""
        self._set_aspect_room((0, 0))
        resize()
        self._fit_axes_least_width()
        self._fit_frame_to_domain()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        """Lay the view out at its new size, the frame fitted to the domain (see _fit_frame_to_domain)."""
        if not hasattr(self, "view_box") or self.closed:  # pyqtgraph lays the view out while it is built, or closed
            super().resizeEvent(event)
            return
        self._resize_layout(lambda: super(ContourView, self).resizeEvent(event))

    def set_start_point(self, x: float, y: float) -> None:
        """Place the draggable start marker (does not emit start_dragged)."""
        self._setting_start = True
        try:
            self.start_marker.setPos(float(x), float(y))
        finally:
            self._setting_start = False
        self.start_marker.show()
        self._start_marker_moved()

    def hide_start_point(self) -> None:
        """Remove the start marker."""
        self.start_marker.hide()
        self._start_marker_moved()

    def set_start_arrows(self, arrows: np.ndarray) -> None:
        """The probe's arrows as drawn at run 1's start, (n, 2, 2) tails and tips in plot coordinates (none: the probe
        is elsewhere): the legends keep off them, and stay put while the run plays."""
        if self.landmarks.set_start_arrows(arrows):
            self._landmarks_moved()

    def _set_pits(self, points: np.ndarray) -> None:
        """The legends keep off the map's minima at these (n, 2) plot points, marked or not (where descent goes)."""
        self.landmarks.set_pits(points)
        self._landmarks_moved()

    def _landmarks_moved(self) -> None:
        """Repaint the legends, which keep off the landmarks (and the probe's tags, which keep off the legends)."""
        if self.basins_legend.rows:
            self.basins_legend.update()
        if self.probe_text.overlay is not None:
            self.probe_text.update()

    def _start_marker_moved(self) -> None:
        """The legends, the probe's tags and the critical points' names keep off the marker: have them placed again."""
        self._landmarks_moved()
        if self.critical_points.points:
            self.critical_points.update()

    # ---------------------------------------------------------------- runs
    def set_trajectories(self, runs: Sequence[TrajectoryData]) -> None:
        """Draw these descent runs (x, y columns; in curve mode w and the last column)."""
        self._runs = list(runs)
        while len(self._run_pool) < len(self._runs):  # items are made once per run index, then reused
            self._run_pool.append(RunItems(self._runs[len(self._run_pool)].colour, self))
        for index, items in enumerate(self._run_pool):
            shown = index < len(self._runs)
            if shown:
                items.set_colour(self._runs[index].colour)
                items.set_symbol(self._runs[index].symbol)
                items.where = self._runs[index].where
            items.set_visible(shown)
        self.run_items = self._run_pool[: len(self._runs)]
        self._redraw_runs()

    def set_current_index(self, index: int, run: int | None = None) -> None:
        """Move the current point of one run (or of all runs)."""
        targets = range(len(self._runs)) if run is None else [run]
        for target in targets:
            self.run_items[target].show_up_to(resolve_index(index, len(self.run_items[target].xs)))
        self._show_balls()

    def _redraw_runs(self) -> None:
        """Give every run its points in the current mode and show them up to their current index."""
        paths = []
        for run, items in zip(self._runs, self.run_items, strict=True):
            points = np.asarray(run.points, dtype=np.float64)
            y_column = points[:, -1] if self._curve_mode else points[:, 1]
            items.set_points(points[:, 0], y_column)
            items.show_up_to(resolve_index(run.current_index, len(points)))
            paths.append(np.column_stack([points[:, 0], y_column]))
        self.critical_points.set_paths(paths)
        self.landmarks.set_paths(paths)
        self._landmarks_moved()
        self._show_balls()

    def _show_balls(self) -> None:
        """Tell the probe's tags where the runs' balls are now, and point at those off the plot."""
        shown = [items for items in self.run_items if items.ball_point is not None]
        balls = np.array([items.ball_point for items in shown]).reshape(-1, 2)
        paths = [items.drawn_path() for items in shown if items.line.isVisible()]
        self.probe_text.set_balls(balls, self.BALL_SIZE * self.presentation_scale / 2, paths)
        self.probe_arrows.set_balls(balls)
        self.off_map.set_runs(shown)

    # ---------------------------------------------------------------- mouse
    def _on_mouse_moved(self, scene_pos: QtCore.QPointF) -> None:
        """Report the data position under the mouse."""
        point = self._plot_point(scene_pos)
        if point is not None:
            self.hovered.emit(*point)
        else:
            self.hover_left.emit()

    def leaveEvent(self, event: QtCore.QEvent) -> None:
        """The pointer left the view: what was under it is no longer."""
        super().leaveEvent(event)
        self.hover_left.emit()

    def _plot_point(self, scene_pos: QtCore.QPointF) -> tuple[float, float] | None:
        """The data point at a scene position, or None outside the plot's frame."""
        if not self.view_box.sceneBoundingRect().contains(scene_pos):
            return None
        return self.pixel_point(self.view_box.mapSceneToView(scene_pos))

    def pixel_point(self, point: QtCore.QPointF) -> tuple[float, float]:
        """A data point the pointer gave, to the decimal place of one pixel (0.502, not 0.501859, for a click)."""
        width, height = self.view_box.viewPixelSize()
        return round_to_resolution(float(point.x()), width), round_to_resolution(float(point.y()), height)

    def pointer_point(self) -> tuple[float, float] | None:
        """The data point under the mouse pointer now, or None if the pointer is not over the plot."""
        cursor = QtGui.QCursor.pos()
        under = QtWidgets.QApplication.widgetAt(cursor)
        if under is None or not self.isVisible() or not (under is self or self.isAncestorOf(under)):
            return None  # another window, or a dialog, lies over the map there
        return self._plot_point(self.mapToScene(self.viewport().mapFromGlobal(cursor)))

    def _on_mouse_clicked(self, event: object) -> None:
        """Report left clicks inside the plot in data coordinates."""
        if event.button() != QtCore.Qt.MouseButton.LeftButton or event.isAccepted():
            return
        scene_pos = event.scenePos()
        if self.view_box.sceneBoundingRect().contains(scene_pos):
            self._give_keys_back()  # the start was set: → steps the run from it
            self.clicked.emit(*self.pixel_point(self.view_box.mapSceneToView(scene_pos)))

    def _on_start_moved(self, marker: pg.TargetItem) -> None:
        """Report the start marker's position while the user drags it."""
        if not self._setting_start:
            self.start_dragged.emit(*self.pixel_point(marker.pos()))

    def _on_range_changed_by_user(self, *_: object) -> None:
        """Report the new visible ranges after the user panned or zoomed; the map's keys go on doing so."""
        (x_lo, x_hi), (y_lo, y_hi) = self.view_box.viewRange()
        if not self.hasFocus():
            self.setFocus(QtCore.Qt.FocusReason.MouseFocusReason)
        if not self._has_keys and self._keys_allowed and self.hasFocus():
            self._has_keys = True
            self.viewport().update()
            self.keys_taken.emit(True)
        self.range_changed.emit((float(x_lo), float(x_hi)), (float(y_lo), float(y_hi)))

    # ---------------------------------------------------------------- keys
    @property
    def has_keys(self) -> bool:
        """Whether the map's keys (arrows, + and −, 0) pan and zoom it now instead of acting on the window."""
        return self._has_keys and self.hasFocus()

    def _is_map_key(self, event: QtGui.QKeyEvent) -> bool:
        """Whether the key is one of the map's, pressed without Ctrl, Alt or Meta, while the map has its keys."""
        modifiers = event.modifiers() & ~(QtCore.Qt.KeyboardModifier.ShiftModifier
                                          | QtCore.Qt.KeyboardModifier.KeypadModifier)
        return self.has_keys and event.key() in MAP_KEYS and modifiers == QtCore.Qt.KeyboardModifier.NoModifier

    def event(self, event: QtCore.QEvent) -> bool:
        """Take the map's keys from the window's shortcuts (→ steps, + raises η) while the map has them."""
        if event.type() == QtCore.QEvent.Type.ShortcutOverride and self._is_map_key(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        """Arrows pan the map a tenth of its size, + and − zoom it about its centre, 0 asks for the ranges as opened."""
        if not self._is_map_key(event):
            super().keyPressEvent(event)
            return
        event.accept()
        key = event.key()
        if key == GIVE_BACK_KEY:
            self._give_keys_back()
            return
        if key == FIT_KEY:
            self.fit_requested.emit()
            return
        if key in PAN_KEYS:
            (x_lo, x_hi), (y_lo, y_hi) = self.view_box.viewRange()
            across, up = PAN_KEYS[key]
            self.view_box.translateBy(x=across * PAN_SHARE * (x_hi - x_lo), y=up * PAN_SHARE * (y_hi - y_lo))
        else:
            self.view_box.scaleBy(s=(ZOOM_KEYS[key], ZOOM_KEYS[key]))
        self.view_box.sigRangeChangedManually.emit(self.view_box.state["mouseEnabled"])  # as a drag or the wheel

    def focusOutEvent(self, event: QtGui.QFocusEvent) -> None:
        """The keys go back to the window with the focus."""
        self._give_keys_back()
        super().focusOutEvent(event)

    def allow_keys(self, allowed: bool) -> None:
        """Let the map take its keys once dragged or scrolled, or not (presenting): then they go back at once."""
        self._keys_allowed = allowed
        if not allowed:
            self._give_keys_back()

    def _give_keys_back(self) -> None:
        """The window's keys are the window's again (→ steps the run); the frame goes."""
        if self._has_keys:
            self._has_keys = False
            self.viewport().update()
            self.keys_taken.emit(False)

    def drawForeground(self, painter: QtGui.QPainter, rect: QtCore.QRectF) -> None:
        """A frame round the map while it has its keys: the arrows then pan it, not step the run."""
        super().drawForeground(painter, rect)
        if self._has_keys:
            painter.save()
            painter.resetTransform()
            pen = QtGui.QPen(self.palette().color(QtGui.QPalette.ColorRole.Highlight), KEYS_FRAME_WIDTH)
            pen.setJoinStyle(QtCore.Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            half = KEYS_FRAME_WIDTH / 2
            painter.drawRect(QtCore.QRectF(self.viewport().rect()).adjusted(half, half, -half, -half))
            painter.restore()

    def data_to_widget(self, x: float, y: float) -> QtCore.QPointF:
        """Widget (viewport) pixel position of a data point, e.g. for simulated clicks."""
        scene_pos = self.view_box.mapViewToScene(QtCore.QPointF(x, y))
        return QtCore.QPointF(self.mapFromScene(scene_pos))

    # ---------------------------------------------------------------- export
    @contextlib.contextmanager
    def exporting(self, width: int, height: int) -> Iterator[ContourExport]:
        """Lay the view out and style it for pictures of this pixel size while the context lasts.

        The layout is that of a window with the target's aspect ratio and the window's height, then
        scaled, so an export at the window's aspect ratio is the window's picture, scaled. Entering it
        again at the same size (e.g. render_to_painter within it) reuses the export.
        """
        size = (int(width), int(height))
        if self._export is not None:
            if self._export.size != size:
                raise RuntimeError(f"already exporting at {self._export.size}, not {size}")
            yield self._export
            return
        scale = size[1] / max(self.height(), 1)
        logical = QtCore.QSizeF(size[0] / scale, size[1] / scale)
        original = self.ci.size()
        resized = abs(logical.width() - original.width()) > 0.5 or abs(logical.height() - original.height()) > 0.5
        self._export = ContourExport(self, size, scale, logical)
        try:
            if resized:
                self._resize_layout(lambda: self.ci.resize(logical))
            self._export.enter_export_mode()
            self._apply_pen_widths(scale)
            yield self._export
        finally:
            self._export = None
            for item in self.scene().items():
                if hasattr(item, "setExportMode"):
                    item.setExportMode(False)
            self._apply_pen_widths(1.0)
            if resized:
                self._resize_layout(lambda: self.ci.resize(original))

    def step_items(self) -> list[QtWidgets.QGraphicsItem]:
        """The items that a step of the clock may change, all in the plot: runs, probe overlay, tangent, start marker,
        and the critical points' names (they keep off the probe's arrows).

        An export caches the picture of every other item (see ContourExport): an item that follows the clock must be
        listed here.
        """
        runs = [item for items in self.run_items for item in items.items()]
        probe = [self.probe_level, *self.probe_guides, self.probe_arrows, self.probe_text,
                 *((self.critical_points,) if self.critical_points.points else ())]
        return [*runs, *probe, self.tangent_halo, self.tangent, self.tangent_point, self.start_marker]

    def _static_changed(self) -> None:
        """Note a change to something the clock does not move: an export draws its static layer again."""
        self.static_revision += 1

    def render_to_painter(self, painter: QtGui.QPainter, width: int, height: int) -> None:
        """Paint the view's picture into a painter's device of this pixel size (also for SVG export); see exporting."""
        with self.exporting(width, height) as export:
            export.paint(painter)

    def render_to_array(self, width: int, height: int) -> np.ndarray:
        """Render what the window shows into an (height, width, 4) uint8 RGBA array, scaled to that size."""
        image = QtGui.QImage(int(width), int(height), QtGui.QImage.Format.Format_RGBA8888)
        painter = QtGui.QPainter(image)
        self.render_to_painter(painter, int(width), int(height))
        painter.end()
        return qimage_to_array(image)


class UnionStrokeCurve(pg.PlotCurveItem):
    """A curve of separate segments whose translucent line is laid once where segments cross or lie on each other.

    Qt strokes a thin line segment by segment, blending each: a diverging run's faint steps, the later ones on the
    same few pixels, added up to a solid band (the learning-rate lesson's η = 0.11 by step 30). The segments are
    clipped to the plot, outlined in device pixels and filled as one shape, so the whole reads as faint as one line.
    """

    def paint(self, painter: QtGui.QPainter, *args: object) -> None:
        """Fill the outline of every joined segment's visible part, at once, in the pen's colour."""
        xs, ys = self.getData()
        connect = self.opts["connect"]
        view_box = self.getViewBox()
        if xs is None or len(xs) < 2 or not isinstance(connect, np.ndarray) or view_box is None:
            return
        transform = painter.transform()
        points = to_device(transform, np.column_stack([xs, ys]))
        joined = np.flatnonzero(connect[:-1])
        pen = QtGui.QPen(self.opts["pen"])
        width = max(pen.widthF(), 1.0)
        plot = transform.mapRect(view_box.viewRect()).adjusted(-width, -width, width, width)
        starts, ends = clipped_segments(points[joined], points[joined + 1], plot)
        if not len(starts):
            return
        ends_in_turn = np.stack([starts, ends], axis=1).reshape(-1, 2)
        segments = pg.functions.arrayToQPath(ends_in_turn[:, 0], ends_in_turn[:, 1], connect="pairs")
        stroker = QtGui.QPainterPathStroker()
        stroker.setWidth(width)
        stroker.setCapStyle(QtCore.Qt.PenCapStyle.FlatCap)
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, bool(self.opts["antialias"]))
        painter.fillPath(stroker.createStroke(segments), pen.color())
        painter.restore()


class RunItems:
    """The plot items of one run: halo and line up to the current point, markers, start ring and ball.

    A step from outside the plot to outside it again (a diverging run, its points ever farther off) is drawn as
    a thin faint line: drawn as the others, the steps of the learning-rate lesson's η = 0.11 crossed the map as a
    solid orange band, twenty lines side by side, over the picture the lesson is about. The off-map pointer says
    where the run went.
    """

    def __init__(self, colour: tuple[float, float, float, float], view: ContourView) -> None:
        """Create the items in the view's plot."""
        self.colour = QtGui.QColor.fromRgbF(*colour)
        self.width = view.RUN_WIDTH
        self.sizes = (view.MARKER_SIZE, view.START_SIZE, view.BALL_SIZE)
        self.halo = pg.PlotCurveItem(antialias=True)
        self.line = pg.PlotCurveItem(antialias=True)
        self.jumps = UnionStrokeCurve(antialias=True)  # the steps from off the plot to off it again, faint
        self.markers = pg.ScatterPlotItem(brush=self.colour)
        self.start = pg.ScatterPlotItem(brush=pg.mkBrush("w"))
        self.ball = pg.ScatterPlotItem(brush=self.colour)
        self.scales = (view.pixel_scale * view.presentation_scale, view.presentation_scale)
        self.apply_pen_widths(*self.scales)
        self.marker_limit = view.MARKER_LIMIT
        self.view_box = view.view_box
        self.xs = np.zeros(0)
        self.ys = np.zeros(0)
        self._simplified: tuple[np.ndarray, tuple[float, float]] | None = None  # kept indices, for this pixel size
        self.ball_point: tuple[float, float] | None = None  # where the ball is (None: no ball)
        self.current = 0  # the index of the point with the ball
        # where the point is at a step, said off the map: its forms, fullest first
        self.where: Callable[[int], tuple[str, ...]] | None = None
        for z_value, item in enumerate(self.items(), start=20):
            item.setZValue(z_value)
            view.plot_item.addItem(item)

    def apply_pen_widths(self, scale: float, marker_scale: float = 1.0) -> None:
        """Line and halo widths times scale; marker, start and ball sizes (and their outlines) times marker_scale."""
        self.scales = (scale, marker_scale)
        self.halo.setPen(pg.mkPen(HALO_COLOUR, width=(self.width + 3.0) * scale))
        self.line.setPen(pg.mkPen(self.colour, width=self.width * scale))
        faint = QtGui.QColor(self.colour)
        faint.setAlphaF(JUMP_ALPHA)
        self.jumps.setPen(pg.mkPen(faint, width=JUMP_WIDTH * scale))
        marker_size, start_size, ball_size = (size * marker_scale for size in self.sizes)
        self.markers.setSize(marker_size)
        self.markers.setPen(pg.mkPen(30, 30, 40, width=1.2 * marker_scale))
        self.start.setSize(start_size)
        self.start.setPen(pg.mkPen(self.colour, width=3.0 * marker_scale))
        self.ball.setSize(ball_size)
        self.ball.setPen(pg.mkPen(30, 30, 40, width=1.6 * marker_scale))

    def items(self) -> tuple[pg.GraphicsObject, ...]:
        """All items, bottom to top."""
        return (self.jumps, self.halo, self.line, self.markers, self.start, self.ball)

    def set_colour(self, colour: tuple[float, float, float, float]) -> None:
        """Draw the run in this colour."""
        qcolour = QtGui.QColor.fromRgbF(*colour)
        if qcolour == self.colour:
            return
        self.colour = qcolour
        self.markers.setBrush(qcolour)
        self.ball.setBrush(qcolour)
        self.apply_pen_widths(*self.scales)

    def set_symbol(self, symbol: str) -> None:
        """Draw the run's step marks and its ball in this shape (the start stays a ring, common to every run)."""
        if symbol != self.markers.opts["symbol"]:
            self.markers.setSymbol(symbol)
            self.ball.setSymbol(symbol)

    def set_visible(self, visible: bool) -> None:
        """Show or hide every item of the run."""
        for item in self.items():
            item.setVisible(visible)

    def set_points(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """Store the run's points in plot coordinates."""
        self.xs, self.ys = xs, ys
        self._simplified = None
        self.start.setData(xs[:1], ys[:1])
        show_markers = 2 < len(xs) <= self.marker_limit
        self.markers.setData(xs[1:-1] if show_markers else [], ys[1:-1] if show_markers else [])

    def show_up_to(self, index: int) -> None:
        """Show the path up to and including point index, with the ball there."""
        if len(self.xs) == 0:
            for item in (self.jumps, self.halo, self.line, self.ball):
                item.setData([], [])
            self.ball_point = None
            return
        drawn = self.drawn_indices(index)
        xs, ys = (self.xs[: index + 1], self.ys[: index + 1]) if drawn is None else (self.xs[drawn], self.ys[drawn])
        if len(xs) < 2:  # a path of one point draws nothing, but left an empty path (d="") in an SVG
            xs, ys = xs[:0], ys[:0]
        jumps = self.off_plot_steps(xs, ys)
        if jumps.any():
            finite = np.isfinite(xs) & np.isfinite(ys)
            joined = np.append(~jumps & finite[:-1] & finite[1:], False)  # whether point i joins point i + 1
            for curve in (self.halo, self.line):
                curve.setData(xs, ys, connect=joined)
            self.jumps.setData(xs, ys, connect=np.append(jumps, False))
        else:
            for curve in (self.halo, self.line):
                curve.setData(xs, ys, connect="all")  # a curve keeps the connect it was last given
            self.jumps.setData([], [], connect="all")
        if len(self.markers.data):
            visible = np.arange(1, len(self.xs) - 1) < index
            self.markers.setPointsVisible(visible)
        self.ball.setData(self.xs[index : index + 1], self.ys[index : index + 1])
        self.ball_point = (float(self.xs[index]), float(self.ys[index]))
        self.current = index

    def off_plot_steps(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Whether each step between these points (n − 1 of them) goes from outside the plot shown to outside it."""
        if len(xs) < 2:
            return np.zeros(0, dtype=bool)
        (low_x, high_x), (low_y, high_y) = self.view_box.viewRange()
        with np.errstate(invalid="ignore"):
            outside = ~((xs >= low_x) & (xs <= high_x) & (ys >= low_y) & (ys <= high_y))
        return outside[:-1] & outside[1:]

    def end_marks(self) -> list[tuple[tuple[float, float], float]]:
        """The run's start ring and its ball as drawn: each plot point with its size in pixels before any scale."""
        if len(self.xs) == 0:
            return []
        _marker_size, start_size, ball_size = self.sizes
        start = ((float(self.xs[0]), float(self.ys[0])), start_size)
        return [start] if self.ball_point is None else [start, (self.ball_point, ball_size)]

    def step_dots(self) -> np.ndarray:
        """The dots of the steps passed, as drawn (see show_up_to): (n, 2) plot points, none for a long run."""
        if not len(self.markers.data):
            return np.zeros((0, 2))
        return np.column_stack([self.xs[1:self.current], self.ys[1:self.current]])

    def drawn_path(self) -> np.ndarray:
        """The path as drawn up to the ball, (n, 2) in plot coordinates (none for a path of one point)."""
        xs, ys = self.line.getData()
        return np.zeros((0, 2)) if xs is None else np.column_stack([xs, ys])

    def drawn_indices(self, index: int) -> np.ndarray | None:
        """The points drawn of the path up to point index: all (None) for a short run, else a simplified path's.

        A long run's path is simplified to SIMPLIFIED_PIXELS on screen (again when the view is zoomed twice as far
        in or out): jumping the clock to the end of a 30,000-step run drew 30,000 points twice.
        """
        if len(self.xs) < SIMPLIFIED_FROM or not (np.isfinite(self.xs).all() and np.isfinite(self.ys).all()):
            return None
        pixel = self._pixel_size()
        if self._simplified is None or not all(0.5 <= now / then <= 2.0
                                               for now, then in zip(pixel, self._simplified[1], strict=True)):
            in_pixels = np.column_stack([self.xs / pixel[0], self.ys / pixel[1]])
            self._simplified = (simplified_path_indices(in_pixels, SIMPLIFIED_PIXELS), pixel)
        kept = self._simplified[0]
        kept = kept[: np.searchsorted(kept, index, side="right")]
        return kept if kept[-1] == index else np.append(kept, index)

    def _pixel_size(self) -> tuple[float, float]:
        """Plot units per screen pixel across and up (a thousandth of the range shown before the view has a size)."""
        width, height = self.view_box.viewPixelSize()
        if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
            (x_low, x_high), (y_low, y_high) = self.view_box.viewRange()
            width, height = (x_high - x_low) / 1000.0, (y_high - y_low) / 1000.0
        return max(width, 1e-300), max(height, 1e-300)

    def path(self) -> np.ndarray:
        """The points up to the ball, as rows (x, y)."""
        return np.column_stack([self.xs[: self.current + 1], self.ys[: self.current + 1]])


def transparency_plan(item: QtWidgets.QGraphicsItem, shown: set[QtWidgets.QGraphicsItem],
                      transparent: list[QtWidgets.QGraphicsItem], independent: list[QtWidgets.QGraphicsItem]) -> bool:
    """Add the items under item (itself included) to make transparent so that only the shown ones paint.

    An item with nothing shown under it hides its whole subtree; one with something shown under it hides only
    itself, its children going independent of its opacity (Qt skips the children of a transparent item unless
    they ignore its opacity). Returns whether anything under item is shown.
    """
    below: tuple[list[QtWidgets.QGraphicsItem], list[QtWidgets.QGraphicsItem]] = ([], [])
    shown_below = False
    for child in item.childItems():
        shown_below |= transparency_plan(child, shown, *below)
    if item in shown or shown_below:
        if item not in shown:
            transparent.append(item)
            independent.extend(item.childItems())
        transparent.extend(below[0])
        independent.extend(below[1])
        return True
    transparent.append(item)
    return False


@contextlib.contextmanager
def painting_only(items: Iterable[QtWidgets.QGraphicsItem], shown: set[QtWidgets.QGraphicsItem]) -> Iterator[None]:
    """While the context lasts, of these top-level items and their children only the shown ones paint.

    The others are made fully transparent (which Qt skips) rather than hidden: hiding a widget would change the
    layout. A shown item under a transparent one keeps its own opacity only (all items here are opaque).
    """
    transparent: list[QtWidgets.QGraphicsItem] = []
    independent: list[QtWidgets.QGraphicsItem] = []
    for item in items:
        transparency_plan(item, shown, transparent, independent)
    saved = [(item, item.opacity(), item.flags()) for item in (*transparent, *independent)]
    try:
        for item in independent:
            item.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemIgnoresParentOpacity, True)
        for item in transparent:
            item.setOpacity(0.0)
        yield
    finally:
        for item, opacity, flags in saved:
            item.setOpacity(opacity)
            if item.flags() != flags:
                item.setFlags(flags)


def draws_whole_pixels(painter: QtGui.QPainter) -> bool:
    """Whether a painter draws on an image, moved by whole pixels at most (so an image is copied in one to one)."""
    transform = painter.combinedTransform()
    return (isinstance(painter.device(), QtGui.QImage)
            and transform.type().value <= QtGui.QTransform.TransformationType.TxTranslate.value
            and float(transform.dx()).is_integer() and float(transform.dy()).is_integer())


def clipping_items(item: QtWidgets.QGraphicsItem) -> list[QtWidgets.QGraphicsItem]:
    """The items whose shapes clip an item's painting, outermost first: ancestors clipping children, then itself."""
    flags = QtWidgets.QGraphicsItem.GraphicsItemFlag
    clippers = [item] if item.flags() & flags.ItemClipsToShape else []
    parent = item.parentItem()
    while parent is not None:
        if parent.flags() & flags.ItemClipsChildrenToShape:
            clippers.append(parent)
        parent = parent.parentItem()
    return clippers[::-1]


class ContourExport:
    """A contour view laid out and styled for pictures of one pixel size (made by ContourView.exporting).

    paint() draws the whole picture, or, cached, the same picture for a frame of an animation: a copy of the
    picture of everything the clock does not move (the static layer, drawn again whenever the view's static
    revision, its ranges, its layout or its set of shown items changed), with the dynamic layer painted over it: the
    items a step may change (step_items) and whatever is stacked above the lowest of them within the plot, such
    as the axes' ticks.
    """

    HINTS = (QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing
             | QtGui.QPainter.RenderHint.SmoothPixmapTransform)
    FORMAT = QtGui.QImage.Format.Format_ARGB32_Premultiplied  # Qt draws into it several times faster than RGBA

    def __init__(self, view: ContourView, size: tuple[int, int], scale: float, logical: QtCore.QSizeF) -> None:
        """Draw the view's logical area onto size pixels, scale device pixels per layout pixel."""
        self.view = view
        self.size = size
        self.target = QtCore.QRectF(0.0, 0.0, *size)
        self.source = QtCore.QRectF(QtCore.QPointF(0.0, 0.0), logical)
        self.options = {"antialias": True, "background": BACKGROUND, "resolutionScale": scale}
        self.static_draws = 0  # how many times the static layer was drawn
        self._static_layer: QtGui.QImage | None = None
        self._static_state: tuple | None = None
        self._picture = QtGui.QImage(*size, self.FORMAT)

    def enter_export_mode(self) -> None:
        """Switch every item to drawing for this export (items added since the last picture too)."""
        for item in self.view.scene().items():
            if hasattr(item, "setExportMode") and getattr(item, "_exportOpts", False) is not self.options:
                item.setExportMode(True, self.options)

    def paint(self, painter: QtGui.QPainter, cached: bool = False) -> None:
        """Draw the picture into the painter's device (an image, an SVG, ...), from the static layer if cached.

        On an image at whole pixels the picture is drawn in an image of Qt's fastest format, then copied in one to
        one; elsewhere, or if an item has a graphics effect (which only the scene's render applies), drawn whole.
        """
        self.enter_export_mode()
        if not draws_whole_pixels(painter):
            self._render(painter)
            return
        layers = self.layers() if cached else None
        if layers is not None and any(item.graphicsEffect() is not None for layer in layers for item in layer):
            layers = None
        static = self.static_layer(layers[0]) if layers is not None else None
        picture = QtGui.QPainter(self._picture)
        try:
            if layers is None:
                self._render(picture)
            else:
                picture.setCompositionMode(QtGui.QPainter.CompositionMode.CompositionMode_Source)
                picture.drawImage(QtCore.QPointF(0.0, 0.0), static)
                picture.setCompositionMode(QtGui.QPainter.CompositionMode.CompositionMode_SourceOver)
                self._paint_items(picture, layers[1])
        finally:
            picture.end()
        painter.save()
        painter.setCompositionMode(QtGui.QPainter.CompositionMode.CompositionMode_Source)
        painter.drawImage(QtCore.QPointF(0.0, 0.0), self._picture)
        painter.restore()

    def layers(self) -> tuple[list[QtWidgets.QGraphicsItem], list[QtWidgets.QGraphicsItem]]:
        """The scene's items as the static layer and the dynamic one drawn over it every frame, each bottom to top.

        The dynamic layer holds the step items with their children and every other shown item stacked above the
        lowest of them that reaches into the plot (which clips the step items), so layering keeps the stacking order.
        """
        view = self.view
        moving: set[QtWidgets.QGraphicsItem] = set()
        pending = list(view.step_items())
        while pending:
            item = pending.pop()
            moving.add(item)
            pending.extend(item.childItems())
        stacked = view.scene().items(QtCore.Qt.SortOrder.AscendingOrder)
        lowest = next((index for index, item in enumerate(stacked) if item in moving), len(stacked))
        margin = self.source.width() / self.target.width()  # a device pixel
        plot = view.view_box.sceneBoundingRect().adjusted(-margin, -margin, margin, margin)
        dynamic = [item for item in stacked[lowest:]
                   if item in moving or (item.isVisible() and item.sceneBoundingRect().intersects(plot))]
        ids = {id(item) for item in dynamic}
        return [item for item in stacked if id(item) not in ids], dynamic

    def static_layer(self, static: Sequence[QtWidgets.QGraphicsItem]) -> QtGui.QImage:
        """The picture of the static layer, drawn again if anything it depends on changed since it was last drawn."""
        view = self.view
        (x_lo, x_hi), (y_lo, y_hi) = view.view_box.viewRange()
        state = (view.static_revision, (x_lo, x_hi, y_lo, y_hi), view.view_box.sceneBoundingRect().getRect(),
                 view.ci.geometry().getRect(), tuple((id(item), item.isVisible()) for item in static))
        if self._static_layer is None or state != self._static_state:
            self._static_layer = QtGui.QImage(*self.size, self.FORMAT)
            painter = QtGui.QPainter(self._static_layer)
            try:
                self._render(painter, set(static))
            finally:
                painter.end()
            self._static_state = state
            self.static_draws += 1
        return self._static_layer

    def _render(self, painter: QtGui.QPainter, shown: set[QtWidgets.QGraphicsItem] | None = None) -> None:
        """Fill the background and render the scene (only the shown items, if given) onto the target."""
        painter.fillRect(self.target, BACKGROUND)
        painter.setRenderHints(self.HINTS)
        scene = self.view.scene()
        if shown is None:
            scene.render(painter, self.target, self.source)
            return
        with painting_only([item for item in scene.items() if item.parentItem() is None], shown):
            scene.render(painter, self.target, self.source)

    def _paint_items(self, painter: QtGui.QPainter, items: Sequence[QtWidgets.QGraphicsItem]) -> None:
        """Paint these items, bottom to top, as the scene's render would, without visiting the others.

        Each item paints itself at its device transform and opacity within the shapes that clip it, as in
        QGraphicsScene::render (which keeps the aspect ratio), protected by save and restore. Qt's own items are told
        their bounding rect is exposed, as there; pyqtgraph's ignore the style option (and their bounding rects cost).
        """
        ratio = min(self.target.width() / self.source.width(), self.target.height() / self.source.height())
        base = (QtGui.QTransform().translate(self.target.left(), self.target.top()).scale(ratio, ratio)
                .translate(-self.source.left(), -self.source.top()))
        option = QtWidgets.QStyleOptionGraphicsItem()
        painter.setRenderHints(self.HINTS)
        painter.setClipRect(self.target, QtCore.Qt.ClipOperation.IntersectClip)
        for item in items:
            opacity = item.effectiveOpacity()
            if (not item.isVisible() or opacity < 0.001
                    or item.flags() & QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemHasNoContents):
                continue
            painter.save()
            for clipper in clipping_items(item):
                painter.setWorldTransform(clipper.deviceTransform(base))
                painter.setClipPath(clipper.shape(), QtCore.Qt.ClipOperation.IntersectClip)
            painter.setWorldTransform(item.deviceTransform(base))
            painter.setOpacity(opacity)
            if not isinstance(item, pg.GraphicsItem):
                option.exposedRect = item.boundingRect()
                option.rect = option.exposedRect.toRect()
            item.paint(painter, option, None)
            painter.restore()
