"""What the 3D surface view and the contour panel share: the data they are given, ticks, colours, images."""

from __future__ import annotations

import functools
import html
import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from gradviz.app.colormaps import RgbaColour
from gradviz.core.height_scale import round_step
from gradviz.core.scenario import MAX_PRESENTATION_SCALE, MIN_PRESENTATION_SCALE

TEXT_COLOUR = QtGui.QColor(40, 40, 48)
NOTE_COLOUR = QtGui.QColor(95, 95, 105)
LINE_SPACING = 1.15  # legend rows, in font heights
TAG_PATCH_COLOUR = QtGui.QColor(255, 255, 255, 220)
PROBE_FONT_PIXELS = 14  # the probe's tags and legend, at the least, in both views (times the presentation scale)
# The application font the views' text sizes were made for: Qt's default on Linux (9 pt, 12 pixels at 96 dpi).
# In the window, a larger application font draws the views' text larger by as much, up to MAX_FONT_SCALE times.
REFERENCE_FONT_POINTS = 9.0
MAX_FONT_SCALE = 2.0
VIEW_HEIGHT_PER_FONT_SCALE = 240  # a view's height each unit of font scale needs: a short view's text grows less
TICK_WIDENINGS = (1, 2, 5, 10, 20, 50, 100)  # how far a horizontal axis may widen its tick spacing for long labels
TITLE_NUDGE = 5  # pixels pyqtgraph moves a vertical axis's title out past the axis's outer edge
TITLE_GAP = 3  # pixels between an axis's longest tick label and its title
WIDTH_SLACK = 16  # pixels of room a widened axis keeps beyond what its labels need, rather than narrow at once
LABEL_GAP = 1.0  # of a cap height (an average character's width side by side): the least room between tick labels
LINE_SAMPLE_SPACING = 4.0  # pixels between the points sampled along drawn lines, which tags keep off (times the scale)
LINE_CLEARANCE = 3.0  # pixels a tag keeps clear of the middle of a drawn line (times the presentation scale)
MOST_TICK_DIGITS = 5  # significant digits a tick label may need; an axis whose labels need more counts from an offset
OFFSET_LABEL_DIGITS = 3  # significant digits at most of labels counted from an offset (8.4 over f = 1008.4)
MOST_LABEL_DIGITS = 15  # significant digits a label may have: as many as a double holds for sure
MOST_STEPS_TRIED = 40  # round steps range_with_labelled_ticks tries, up from the finest: ten powers of ten
STEP_ROUNDING = 1e-6  # of a tick step: a tick value this near a multiple of its step is that multiple (on_step)


def app_font_scale() -> float:
    """How much larger the window's views draw their text for the application font: 1 to MAX_FONT_SCALE."""
    font = QtGui.QGuiApplication.font()
    points = font.pointSizeF() if font.pointSizeF() > 0 else QtGui.QFontInfo(font).pointSizeF()  # or set in pixels
    return min(max(points / REFERENCE_FONT_POINTS, 1.0), MAX_FONT_SCALE)


def bounded_presentation_scale(scale: float) -> float:
    """The presentation scale a view draws at for this one: MIN_PRESENTATION_SCALE to MAX_PRESENTATION_SCALE."""
    return min(max(float(scale), MIN_PRESENTATION_SCALE), MAX_PRESENTATION_SCALE)


def reference_font() -> QtGui.QFont:
    """The application's font family at the reference size: what an export's plots write in, whatever the desktop."""
    font = QtGui.QFont()
    font.setPointSizeF(REFERENCE_FONT_POINTS)
    return font


class FontScaledView:
    """A view whose text is drawn font_scale times larger than the presentation scale makes it, as far as it has room.

    The window's views are asked for the application font's scale (app_font_scale); an export's keep 1, so its
    frames are the same whatever the desktop's font. A view too short for the text asked for draws it smaller
    (never smaller than at font scale 1): the scale changes only when the view is resized, never per frame.
    """

    font_scale = 1.0
    _asked_font_scale = 1.0
    presentation_scale = 1.0

    @property
    def text_scale(self) -> float:
        """How many times larger the view's text is drawn: the presentation scale times the font scale."""
        return self.presentation_scale * self.font_scale

    def set_font_scale(self, scale: float) -> None:
        """Draw the view's text this many times larger (1 to MAX_FONT_SCALE) where the view has room for it."""
        self._asked_font_scale = min(max(float(scale), 1.0), MAX_FONT_SCALE)
        self._fit_font_scale()

    def _fit_font_scale(self) -> None:
        """The font scale asked for, or less in a short view (in steps of a tenth), times the view's size factor (in
        steps of a tenth too: a window resized by a pixel does not draw its text anew)."""
        room = round(self.height() / VIEW_HEIGHT_PER_FONT_SCALE, 1)
        scale = max(1.0, min(self._asked_font_scale, room)) * round(self.size_text_factor(), 1)
        if scale != self.font_scale:
            self.font_scale = scale
            self._show_font_scale()

    def size_text_factor(self) -> float:
        """How much larger a view this large draws its text (1: the same at every size)."""
        return 1.0

    def _show_font_scale(self) -> None:
        """Draw the text at the new font scale."""
        raise NotImplementedError

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        """Lay the view out again, its text at the font scale it has room for."""
        super().resizeEvent(event)
        self._fit_font_scale()


class SteadyLabelAxis(pg.AxisItem):
    """A pyqtgraph axis that redraws only what changed: its ticks when its range does, its title when its text does.

    pyqtgraph drops the axis picture whenever its view reports a range, changed or not (a new formula over the
    same domain regenerated the contour map's ticks, about 3 ms), and sets the title again, shown or hidden,
    each time laying out a text document: about sixteen needless layouts per new formula in the window.
    """

    _shown_label: tuple | None = None  # the title's text and the scales the drawn tick labels used
    least_width: int | None = None  # see set_least_width
    width_slack = WIDTH_SLACK  # see set_least_width
    offset = 0.0  # what the tick labels count from (named in the title): 0, or see tick_offset
    label_overhang = 0.0  # pixels the labels may reach past the ends of a vertical axis (see set_tick_step)
    names_offset = True  # False: the offset is named elsewhere (a slice plot's title line), never in the axis title

    def __init__(self, *args: object, **kwargs: object) -> None:
        """pyqtgraph's axis, its values written as they are (format_tick gives them the digits they need).

        pyqtgraph scales values of at most 1 by an SI prefix when the axis has a title: f from 0.1 to 0.5 read
        100 to 500 under "f (x0.001)".
        """
        super().__init__(*args, **kwargs)
        self.enableAutoSIPrefix(False)

    def setRange(self, mn: float, mx: float) -> None:
        """Show this range of values (an unchanged range keeps the drawn ticks)."""
        if self.picture is not None and [mn, mx] == list(self.range):
            return
        super().setRange(mn, mx)
        self._count_from(0.0 if self.logMode else tick_offset(mn, mx))
        self.picture = None
        self._fit_width()
        self.update()

    def _count_from(self, offset: float) -> None:
        """Label the ticks as their values less this offset, which the title names (shown for it if need be)."""
        if offset == self.offset:
            return
        self.offset = offset
        self.showLabel(bool(self.labelText))
        self._updateLabel()

    def _shown_offset(self) -> float:
        """The offset the tick labels count from: none for ticks given with their labels (setTicks)."""
        return self.offset if self._tickLevels is None else 0.0

    def offset_text(self) -> str:
        """The offset the tick labels count from as it is added to them ("+7.2e10"), or "" for none."""
        return offset_title("", self._shown_offset(), abs(self.range[1] - self.range[0]))

    def showLabel(self, show: bool = True) -> None:
        """Show the title or not; an axis counting from an offset always shows it (it names the offset)."""
        super().showLabel(show or (self.names_offset and self._shown_offset() != 0.0))

    def labelString(self) -> str:
        """pyqtgraph's title, the offset the ticks count from written after it ("f − 7.2e10", or "+7.2e10" alone)."""
        offset = self._shown_offset()
        if offset == 0.0 or not self.names_offset:
            return super().labelString()
        text = offset_title(self.labelText, offset, abs(self.range[1] - self.range[0]))
        style = ";".join(f"{key}: {value}" for key, value in self.labelStyle.items())
        return f"<span style='{style}'>{html.escape(text)}</span>"

    def setTicks(self, ticks: list | None) -> None:
        """Label these ticks (None: the axis's own), with the room they need."""
        super().setTicks(ticks)
        self.showLabel(bool(self.labelText))
        self._updateLabel()
        self._fit_width()

    def set_least_width(self, width: int, slack: int = WIDTH_SLACK) -> None:
        """A vertical axis this wide, or wider where its labels need it: pyqtgraph leaves out labels that do not fit.
        Widened, it keeps up to slack pixels more than its labels need rather than narrow at once.

        (A one-variable curve's f labels, −999992, left its axis bare.)
        """
        self.least_width, self.width_slack = int(width), slack
        self._fit_width(exact=True)

    def _fit_width(self, exact: bool = False) -> None:
        """Widen (or narrow back) a vertical axis of set_least_width to fit its labels and, at its edge, its title;
        unless exact, it keeps a width up to its slack wider than they need."""
        if self.least_width is None or self.orientation not in ("left", "right"):
            return
        width = max(self.least_width, self._needed_width(self._label_texts()))
        kept = self.fixedWidth or self.least_width
        if not exact and kept != self.least_width and width <= kept <= width + self.width_slack:
            return  # a little more room than needed stays: a new width lays the plot out again
        if width != self.fixedWidth:
            self.setWidth(width)

    def width_over(self, span: tuple[float, float], length: float) -> int:
        """The width a vertical axis needs for its labels over this range when this many pixels long (the labels
        it was given, if it was) and its title."""
        return self._needed_width(self._label_texts(span, length))

    def _needed_width(self, texts: list[str]) -> int:
        """The width a vertical axis needs for these tick labels and, at its edge, its title."""
        metrics = self._tick_metrics()
        widest = max((metrics.horizontalAdvance(text) for text in texts), default=0.0)
        title = self.label.boundingRect().height() - TITLE_NUDGE if self.label.isVisible() else 0.0
        return math.ceil(max(self.style["tickLength"], 0) + self.style["tickTextOffset"][0] + widest + TITLE_GAP
                         + title)

    def _tick_metrics(self) -> QtGui.QFontMetricsF:
        """The metrics of the tick labels' font (the application's unless the axis has its own)."""
        return QtGui.QFontMetricsF(self.style["tickFont"] or QtGui.QFont())

    def label_pitch(self) -> float:
        """The least distance from the middle of one label to the next's along a vertical axis (see apart)."""
        return (1.0 + LABEL_GAP) * self._tick_metrics().capHeight()

    def label_inset(self) -> float:
        """How far from the end of a vertical axis drawing a grid a tick must be for pyqtgraph to draw its label: half
        the label's height (0.8 of a line's), which would cross the end nearer."""
        return 0.4 * math.ceil(self._tick_metrics().height()) + 0.5

    def set_tick_step(self, step: float) -> None:
        """Tick every multiple of this step, a vertical axis's labels reaching below its low end where they must (a
        tick there is labelled; the plot's bottom axis leaves them room); for 0 where pyqtgraph would, inside it."""
        spacing = [(step, 0.0)] if step else None
        if spacing != self._tickSpacing:
            self.prepareGeometryChange()  # the bounds grow or shrink by the labels' overhang
            self.label_overhang = self.label_inset() if step and self.orientation in ("left", "right") else 0.0
            self.setTickSpacing(levels=spacing)

    def boundingRect(self) -> QtCore.QRectF:
        """pyqtgraph's bounds, reaching below a vertical axis's low end by label_overhang (see set_tick_step):
        pyqtgraph leaves out a label that would cross an end of an axis drawing a grid."""
        rect = super().boundingRect()
        return rect.adjusted(0.0, 0.0, 0.0, self.label_overhang) if self.label_overhang else rect

    def labels_drawn_over(self, span: tuple[float, float], length: float) -> int:
        """How many labels a vertical axis over this range, this many pixels long, draws with pyqtgraph's ticks: those
        of its first level whose label (0.8 of a line high) stays within its ends, apart from one another (see apart).
        A label this leaves out may be drawn (a pixel's doubt), one it counts always is."""
        low, high = sorted(span)
        saved, self._tickSpacing = self._tickSpacing, None  # pyqtgraph's own ticks, not those set
        try:
            levels = self.tickValues(low, high, length) if high > low and length > 0 else []
        finally:
            self._tickSpacing = saved
        if not levels or not len(levels[0][1]):
            return 0
        spacing, values = levels[0]
        metrics = self._tick_metrics()
        middles = (np.asarray(values, dtype=float) - low) / (high - low) * length
        inside = (middles >= self.label_inset()) & (middles <= length - self.label_inset())
        offset = tick_offset(low, high)
        texts = [format_tick((value - offset) * self.scale, spacing * self.scale)
                 for value, kept in zip(values, inside, strict=True) if kept]
        cap = metrics.capHeight()
        middles = middles[inside]
        return len(spaced_labels(middles - cap / 2.0, middles + cap / 2.0, LABEL_GAP * cap, texts))

    def _label_texts(self, span: tuple[float, float] | None = None, length: float | None = None) -> list[str]:
        """The labels of the first tick level, as they would be drawn over a range at a length (the axis's own)."""
        if self._tickLevels is not None:
            return [text for _value, text in self._tickLevels[0]] if self._tickLevels else []
        low, high = sorted(self.range if span is None else span)
        levels = self.tickValues(low, high, max(self.geometry().height() if length is None else length, 1.0))
        if not levels or not levels[0][1]:
            return []
        spacing, values = levels[0]
        return self.tickStrings(values, self.autoSIPrefixScale * self.scale, spacing)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:  # noqa: N803
        """pyqtgraph's tick spacing, widened along a horizontal axis until the labels fit side by side.

        pyqtgraph spaces ticks by pixels alone and always labels the first level: long labels (1000000.2) overlapped.
        """
        levels = super().tickSpacing(minVal, maxVal, size)
        if not levels or self.orientation not in ("top", "bottom") or size <= 0 or not self.style["showValues"]:
            return levels
        major, offset = levels[0]
        prefix = self.autoSIPrefixScale
        metrics = self._tick_metrics()
        offset = self._shown_offset()
        labels = (format_tick((value - offset) * prefix, major * prefix) for value in (minVal, maxVal))
        room = max(metrics.horizontalAdvance(label) for label in labels) + 2.0 * metrics.averageCharWidth()
        span = abs(maxVal - minVal)
        fitting = (factor for factor in TICK_WIDENINGS if span / (major * factor) * room <= size)
        factor = next(fitting, TICK_WIDENINGS[-1])
        if factor == 1:
            return levels
        return [(major * factor, offset), levels[0]]  # the usual spacing stays, as minor ticks

    def generateDrawSpecs(self, p: QtGui.QPainter) -> tuple | None:
        """pyqtgraph's lines and labels, less labels that would overlap the one before (a short colour bar's)."""
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis_spec, tick_specs, text_specs = specs
        vertical = self.orientation in ("left", "right")
        return axis_spec, tick_specs, apart(text_specs, vertical, self._tick_metrics())

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Tick labels as the 3D view writes them, with the digits that tell neighbours apart (not 1e+06 thrice).

        Ticks too close together for their size to be told apart in a few digits count from the axis's offset.
        """
        if self.logMode:
            return super().tickStrings(values, scale, spacing)
        offset = self._shown_offset()
        return [format_tick((value - offset) * scale, spacing * scale) for value in values]

    def shows_title(self, title: str) -> bool:
        """Whether this title is shown already (setting it again would redraw the axis)."""
        return self.labelText == title and self.label.isVisible()

    def _updateLabel(self) -> None:
        """pyqtgraph's title update, skipped when neither the title nor the tick labels' scale changed."""
        shown = (self.labelString(), self.autoSIPrefixScale, self.scale)
        if shown == self._shown_label:
            return
        self._shown_label = shown
        self.label.setHtml(shown[0])
        self._adjustSize()
        self.picture = None
        self.update()


@dataclass(frozen=True)
class TrajectoryData:
    """One descent run to draw: its points in data coordinates, its colour, its marks' shape and its current step.

    Points are (n, 3) rows of (x, y, height) over a surface, or (n, 2) rows of (w, height) over a
    curve; heights are in the same units as the heights given to the view (already transformed by
    the caller in log-height mode). A negative current_index counts from the end, like Python indexing.
    """

    points: np.ndarray
    colour: RgbaColour
    current_index: int = -1
    symbol: str = "o"  # the shape of its step marks on the map (pyqtgraph's symbol names)
    # where its point is at a step ('w = −112, f = 13228', then shorter forms), for off the map
    where: Callable[[int], tuple[str, ...]] | None = None


def level_fractions(heights: np.ndarray, levels: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Colour-map position 0..1 of each height, giving every band between levels an equal share.

    The anchors are lo, the levels and hi; with evenly spaced levels this is a linear map from
    [lo, hi], with log-spaced levels it is logarithmic-like, so each band gets a distinct colour.
    """
    anchors = np.unique(np.concatenate([[lo], np.asarray(levels, dtype=np.float64), [hi]]))
    anchors = anchors[(anchors >= lo) & (anchors <= hi)]
    if len(anchors) < 2:
        return np.full(np.shape(heights), 0.5)
    return np.interp(heights, anchors, np.linspace(0.0, 1.0, len(anchors)))


@dataclass(frozen=True, eq=False)
class ColourLevels:
    """How heights take the colour map, the same in both views.

    Each band between lo, the levels and hi gets an equal share of it (see level_fractions); ticks are the
    colour bar's labelled levels as (colour-map position, text).
    """

    levels: np.ndarray
    lo: float
    hi: float
    ticks: tuple[tuple[float, str], ...]
    offset: float = 0.0  # what the ticks' texts count from (see tick_offset), named in the bar's title

    def fractions(self, heights: np.ndarray) -> np.ndarray:
        """Each height's colour-map position (heights beyond lo and hi take the end colours)."""
        return level_fractions(heights, self.levels, self.lo, self.hi)

    def title(self, name: str) -> str:
        """The colour bar's title for f of this name: "f − 1000" where the ticks count from 1000 (see offset_title)."""
        return offset_title(name, self.offset, self.hi - self.lo)


@dataclass(frozen=True)
class LegendRow:
    """One line of a probe legend: text, and the colour of the swatch before it (None: a plain or note line)."""

    text: str
    colour: RgbaColour | None = None
    note: bool = False
    short: str = ""  # a shorter text for the line, used when the legend has little room
    kept: bool = False  # a note the legend keeps (shortened) however little room it has: the picture cannot say it


@dataclass(frozen=True, eq=False)
class SliceLine:
    """One partial derivative on the 3D view: f along one axis through the point and the tangent there.

    Points are in data coordinates with heights in the drawn scale, (n, 3) rows of (x, y, height) over a
    surface or (n, 2) rows of (w, height) over a curve. ``curve`` may be empty (over a curve the ribbon
    is the slice already); ``tangent`` holds the two ends of the tangent segment, or is None.
    """

    curve: np.ndarray
    tangent: np.ndarray | None
    colour: RgbaColour
    label: str
    short: str = ""  # the label without its value (the name alone), for a view with little room


@dataclass(frozen=True, eq=False)
class SurfaceProbeOverlay:
    """The partial derivatives at one point, ready for the 3D view: slices, tangents, tangent plane, legend.

    ``plane`` holds the tangent plane's corners (k, 3) in drawing order (data coordinates, drawn heights),
    or is None when the plane is not shown.
    """

    point: np.ndarray
    slices: tuple[SliceLine, ...]
    plane: np.ndarray | None = None
    legend: tuple[LegendRow, ...] = ()


@dataclass(frozen=True)
class OverlayArrow:
    """An arrow on the contour panel in data coordinates, with the short label at its tip."""

    tail: tuple[float, float]
    tip: tuple[float, float]
    colour: RgbaColour
    label: str
    weight: float = 1.0  # relative thickness
    short: str = ""  # the label without its value (the name alone), for a map with little room


@dataclass(frozen=True)
class OverlayGuide:
    """A dashed segment in data coordinates (the completion lines of the vector sum)."""

    start: tuple[float, float]
    end: tuple[float, float]
    colour: RgbaColour


@dataclass(frozen=True, eq=False)
class ContourProbeOverlay:
    """The partial derivatives at one point, ready for the contour panel.

    Over a map: the component arrows and the gradient arrow (``arrows``), dashed completion lines, the
    level line through the point ((n, 2), NaN rows between pieces) and the two unit directions (along
    the level line, along ∇f) of the right-angle mark. Over a curve: ``tangent``, the two ends of the
    tangent segment, and ``tangent_label``, both in ``colour``. ``aspect_note`` is added to the legend when
    the axes are drawn at different scales (so right angles look skewed); ``edge_note`` when the edge of the map
    cut the ∇f arrow (the last arrow) so short that, drawn, it hardly reaches past the ball; ``faded_note``, giving
    ∇f, when that arrow is too short to be drawn at all (a run closing in on a minimum), so its tag is not drawn.
    """

    point: tuple[float, float]
    colour: RgbaColour
    arrows: tuple[OverlayArrow, ...] = ()
    guides: tuple[OverlayGuide, ...] = ()
    level_line: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    level_colour: RgbaColour = (1.0, 1.0, 1.0, 1.0)
    right_angle: tuple[tuple[float, float], tuple[float, float]] | None = None
    tangent: np.ndarray | None = None
    tangent_label: str = ""
    legend: tuple[LegendRow, ...] = ()
    aspect_note: LegendRow | None = None
    edge_note: LegendRow | None = None
    faded_note: LegendRow | None = None


def apart(text_specs: list[tuple], vertical: bool, metrics: QtGui.QFontMetricsF) -> list[tuple]:
    """pyqtgraph's (rect, flags, text) label specs along an axis, less those that would overlap or touch.

    pyqtgraph draws every label it is given: the colour bar's levels, thinned to about eight, ran into one another
    in a short map (and 0.058 almost touched 0.0561 for 1/(x² + y²)). See spaced_labels.
    """
    ordered = sorted(text_specs, key=lambda spec: spec[0].center().y() if vertical else spec[0].center().x())
    if vertical:  # the labels' ink: digits, a cap height tall
        centres = np.array([spec[0].center().y() for spec in ordered])
        starts, ends = centres - metrics.capHeight() / 2.0, centres + metrics.capHeight() / 2.0
        gap = LABEL_GAP * metrics.capHeight()
    else:
        starts = np.array([spec[0].left() for spec in ordered])
        ends = np.array([spec[0].right() for spec in ordered])
        gap = LABEL_GAP * metrics.averageCharWidth()
    kept_ids = {id(ordered[index]) for index in spaced_labels(starts, ends, gap, [spec[2] for spec in ordered])}
    return [spec for spec in text_specs if id(spec) in kept_ids]  # in pyqtgraph's order


def spaced_labels(starts: np.ndarray, ends: np.ndarray, gap: float, texts: Sequence[str]) -> np.ndarray:
    """Indices of the labels to keep (each from start to end along an axis, in order), each at least gap from the next.

    Evenly spaced labels keep every k-th one, k as small as will do, with a "0" among them if there is one: 1, 3,
    5, not 1, 3, 4 where the spacing wavers by a pixel. Labels spaced otherwise (log levels) are kept one by one,
    each far enough from the one kept before.
    """
    count = len(starts)
    if count < 2:
        return np.arange(count)
    centres = (starts + ends) / 2.0
    spacings = np.diff(centres)
    if np.allclose(spacings, spacings[0], rtol=0.05):
        return every_kth_label(texts, lambda first, second: starts[second] - ends[first] >= gap)
    kept_list = [0]
    for index in range(1, count):
        if starts[index] - ends[kept_list[-1]] >= gap:
            kept_list.append(index)
    return np.array(kept_list)


def spaced_boxes(boxes: Sequence[QtCore.QRectF], gap: float, texts: Sequence[str]) -> np.ndarray:
    """Indices of the evenly spaced labels in these boxes to keep (every k-th), each at least gap from the next.

    Apart means gap or more across or up and down: the labels along an edge of the 3D box run slantwise.
    """
    return every_kth_label(texts, lambda first, second: not boxes[first].adjusted(-gap, -gap, gap, gap).intersects(
        boxes[second]))


def every_kth_label(texts: Sequence[str], apart: Callable[[int, int], bool]) -> np.ndarray:
    """Indices of every k-th label, k as small as leaves each kept label apart from the next, a "0" among them
    unless it would be alone where two others keep apart: −10 and 10, not 0 alone, on a short axis."""
    count = len(texts)
    anchor = list(texts).index("0") if "0" in texts else None

    def spaced(kept: np.ndarray) -> bool:
        return all(apart(int(first), int(second)) for first, second in itertools.pairwise(kept))

    for stride in range(1, count):
        kept = np.arange(0 if anchor is None else anchor % stride, count, stride)
        if len(kept) == 1:  # a lone 0 says nothing of the scale
            return next((other for wider in range(stride, count) for first in range(wider)
                         if len(other := np.arange(first, count, wider)) > 1 and spaced(other)), kept)
        if spaced(kept):
            return kept
    return np.arange(0 if anchor is None else anchor, count, max(count, 1))


def steady_axes(axis_class: type[SteadyLabelAxis] = SteadyLabelAxis) -> dict[str, SteadyLabelAxis]:
    """Axes for all four sides of a pyqtgraph plot, the hidden ones too.

    pyqtgraph's own hidden axes set their empty title again (a text layout each) at every change of the range.
    """
    return {side: axis_class(side) for side in ("left", "bottom", "right", "top")}


def show_axes(plot: pg.PlotItem, *sides: str) -> None:
    """Show these axes of a plot and hide the others (pyqtgraph shows every axis it is given)."""
    for side in ("left", "bottom", "right", "top"):
        plot.showAxis(side, side in sides)


def qcolour(colour: RgbaColour, alpha: float = 1.0) -> QtGui.QColor:
    """A QColor from an RGBA tuple in 0..1, its alpha multiplied by `alpha`."""
    return QtGui.QColor.fromRgbF(colour[0], colour[1], colour[2], colour[3] * alpha)


def resolve_index(index: int, count: int) -> int:
    """A Python-style index clamped into 0..count-1."""
    if index < 0:
        index += count
    return min(max(index, 0), max(count - 1, 0))


def widened_range(lo: float, hi: float) -> tuple[float, float]:
    """The range itself, or a small one around it when it is empty or not finite."""
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return (0.0, 1.0)
    if hi < lo:
        lo, hi = hi, lo
    if hi - lo <= 1e-12 * max(1.0, abs(lo), abs(hi)):
        pad = max(0.5, 0.1 * abs(lo))
        return (lo - pad, hi + pad)
    return (lo, hi)


def plotted_range(lo: float, hi: float) -> tuple[float, float]:
    """A plotted variable's range as it is, however narrow (the session takes any low < high), else widened.

    widened_range takes a height range 1e-12 wide for rounding noise; a plotted range 0 to 1e-12 is the user's,
    and the 3D view drew an empty box for it while the map drew the surface.
    """
    lo, hi = float(lo), float(hi)
    return (lo, hi) if math.isfinite(lo) and math.isfinite(hi) and lo < hi else widened_range(lo, hi)


def simplify_polyline(points: np.ndarray, tolerance: float) -> np.ndarray:
    """The vertices of a polyline (n, 2) that keep it within tolerance of itself (Douglas–Peucker, ends kept)."""
    return points[simplified_indices(points, tolerance)]


def simplified_indices(points: np.ndarray, tolerance: float) -> np.ndarray:
    """The indices, in order, of the vertices of a polyline (n, d) that keep it within tolerance of itself.

    Douglas–Peucker, ends kept. Distances are to the kept chord as a segment, so no spike is lost; every round
    adds, for each chord still farther than tolerance from a vertex it skips, the farthest such vertex, and
    looks no more at the vertices of chords that are close enough (a quarter less time for a 2,000-step run).
    Each coordinate is worked on as a column of its own: indexing rows of (n, d) took a third of the time.
    """
    count = len(points)
    if count < 3:
        return np.arange(count)
    columns = [np.ascontiguousarray(points[:, axis], dtype=np.float64) for axis in range(points.shape[1])]
    keep = np.zeros(count, dtype=bool)
    keep[[0, -1]] = True
    skipped = np.arange(1, count - 1)  # the vertices under a chord not yet known to be close enough: they shrink
    limit = tolerance * tolerance
    while len(skipped):
        kept = np.flatnonzero(keep)
        chord = np.searchsorted(kept, skipped)  # each skipped vertex's chord, by the index of its end among the kept
        first, last = kept[chord - 1], kept[chord]
        offsets = [column[skipped] - column[first] for column in columns]
        alongs = [column[last] - column[first] for column in columns]
        length_squared = sum(along * along for along in alongs)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.clip(sum(offset * along for offset, along in zip(offsets, alongs, strict=True))
                            / length_squared, 0.0, 1.0)
        share[length_squared == 0] = 0.0
        distance = sum((offset - share * along) ** 2 for offset, along in zip(offsets, alongs, strict=True))
        starts = np.flatnonzero(np.diff(chord, prepend=-1))  # where each chord's skipped vertices begin
        farthest = np.repeat(np.maximum.reduceat(distance, starts), np.diff(starts, append=len(chord)))
        too_far = farthest > limit
        candidates = np.flatnonzero(too_far & (distance == farthest))
        added = candidates[np.diff(chord[candidates], prepend=-1) != 0]  # the first farthest vertex of each chord
        keep[skipped[added]] = True
        too_far[added] = False
        skipped = skipped[too_far]
    return np.flatnonzero(keep)


def thinned_smooth_indices(points: np.ndarray, tolerance: float) -> np.ndarray:
    """The indices, in order, of the vertices of a smooth polyline (n, 2) that keep it within tolerance of itself.

    For a line of many vertices close to their chords, such as a level line traced on a fine grid: each round
    drops every other vertex (the odd ones, then the even ones) whose two neighbours' chord, as a segment, passes
    within tolerance of every vertex of the line between them, until two rounds drop none. It keeps as few
    vertices as simplified_indices on such a line in a third of its time (fewer rounds, each on the x and y
    columns alone); on a long wandering path, whose vertices go a few at a time, it takes longer.
    """
    count = len(points)
    if count < 3:
        return np.arange(count)
    xs, ys = (np.ascontiguousarray(points[:, axis], dtype=np.float64) for axis in (0, 1))
    kept = np.arange(count)
    limit = tolerance * tolerance
    idle_rounds, first_tried = 0, 1
    while idle_rounds < 2 and len(kept) > 2:
        tried = np.arange(first_tried, len(kept) - 1, 2)  # positions among the kept, each between two kept
        first_tried = 3 - first_tried
        if not len(tried):
            idle_rounds += 1
            continue
        spans = kept[tried + 1] - kept[tried - 1] - 1
        starts = np.cumsum(spans) - spans  # where each tried vertex's stretch begins among the between vertices
        owner = np.repeat(np.arange(len(tried)), spans)
        between = np.arange(int(starts[-1] + spans[-1])) + np.repeat(kept[tried - 1] + 1 - starts, spans)
        left, right = kept[tried - 1][owner], kept[tried + 1][owner]
        along_x, along_y = xs[right] - xs[left], ys[right] - ys[left]
        offset_x, offset_y = xs[between] - xs[left], ys[between] - ys[left]
        length_squared = along_x * along_x + along_y * along_y
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.clip((offset_x * along_x + offset_y * along_y) / length_squared, 0.0, 1.0)
        share[length_squared == 0] = 0.0
        gap_x, gap_y = offset_x - share * along_x, offset_y - share * along_y
        dropped = np.maximum.reduceat(gap_x * gap_x + gap_y * gap_y, starts) <= limit
        if dropped.any():
            kept = np.delete(kept, tried[dropped])
            idle_rounds = 0
        else:
            idle_rounds += 1
    return kept


SIMPLIFIED_FROM = 2000  # points: a run's path this long or longer is drawn simplified, in both views


def simplified_path_indices(points: np.ndarray, tolerance: float) -> np.ndarray:
    """simplified_indices for a long path (n, d) of many small steps, at a fraction of its cost.

    The path is first thinned to a point each tolerance / 2 along it (which stays within that of itself), then
    simplified to tolerance / 2: Douglas–Peucker alone took 60 ms for a 33,000-step run.
    """
    count = len(points)
    if count < 3:
        return np.arange(count)
    along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    bucket = np.floor(along / (tolerance / 2.0))
    thinned = np.flatnonzero(np.diff(bucket, prepend=-1.0) > 0)
    if thinned[-1] != count - 1:
        thinned = np.append(thinned, count - 1)
    return thinned[simplified_indices(points[thinned], tolerance / 2.0)]


def nice_ticks(lo: float, hi: float, target_count: int = 5) -> np.ndarray:
    """Round tick values (steps of 1, 2, 2.5 or 5 × 10^k) inside [lo, hi], about target_count of them."""
    lo, hi = widened_range(lo, hi)
    step = round_step((hi - lo) / max(target_count, 1))
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return np.arange(first, last + 1) * step


def range_with_labelled_ticks(low: float, high: float, length: float, pitch: float,
                              high_inset: float) -> tuple[float, float, float]:
    """A round tick step (see round_step) for an axis over low..high, this many pixels long, and the range to show
    with it, in as little more than low..high as will do: two labelled ticks at least, pitch pixels apart or more,
    the higher high_inset pixels from the high end at least (pyqtgraph leaves out a label that would cross it).

    Ticks are half a pitch apart at least, every other one labelled where they are closer than a pitch (see
    spaced_labels): a slice's short f axis read one label, 8.5 alone of 1008.4 to 1009 (from 1008.37 to 1009.1 it
    reads 8.5 and 9), 0 alone of −9.7 to 10.2 (from −10 to 13.6: −10 and 10). (low, high, 0) where no step does:
    an empty range, an axis too short for two labels.
    """
    span = high - low
    if not (math.isfinite(span) and span > 0.0) or length <= pitch + high_inset:
        return low, high, 0.0
    share = high_inset / length  # of the range, above the higher labelled tick
    best = (low, high, 0.0)  # the range's ends and the step
    step = round_step(span * pitch / length / 2.0)
    for _ in range(MOST_STEPS_TRIED):
        for first, apart in itertools.product(range(math.floor(low / step) - 1, math.ceil(high / step) + 1), (1, 2)):
            below, above = first * step, (first + apart) * step  # the labelled ticks, and every one between them
            width = max(span, high - below, (above - low) / (1.0 - share), (above - below) / (1.0 - share))
            if ((above - below) * length / width >= pitch and 2.0 * step * length / width >= pitch
                    and (not best[2] or width < best[1] - best[0])):
                best = (min(low, below), min(low, below) + width, step)
        step = round_step(step * 1.01)  # the next round step
        if best[2] and step >= best[1] - best[0]:  # a coarser step needs a wider range than the best one
            break
    return best


def on_step(value: float, step: float) -> float:
    """A tick value within rounding of a multiple of its step (STEP_ROUNDING of a step) as that multiple, else as is.

    Ticks are sums, the first tick plus so many steps: on an axis counting from 1.5 in steps of 5e-8, the tick at
    1.5 read 2.22e-16.
    """
    if not (math.isfinite(value) and math.isfinite(step)) or step == 0.0:
        return value
    steps = value / abs(step)
    if not math.isfinite(steps) or abs(steps - round(steps)) > STEP_ROUNDING:
        return value
    return round(steps) * abs(step)


def format_tick(value: float, step: float) -> str:
    """Text for a tick value with as many decimals as the tick step needs.

    Large or tiny values get an exponent, and as many significant digits as tell one tick from the next
    (ticks 100000, 100005, 100010: not 1e5 three times). A value within rounding of a multiple of the step is
    written as that multiple (see on_step): the tick at 0 reads 0, never 2.22e-16.
    """
    value = on_step(value, step)
    if value == 0.0:
        return "0"
    if abs(value) >= 1e5 or abs(step) < 1e-4:
        resolved = math.floor(math.log10(abs(value))) - math.floor(math.log10(max(abs(step), 1e-300))) + 1
        mantissa, exponent = f"{value:.{min(max(resolved, 3), MOST_LABEL_DIGITS)}g}".partition("e")[::2]
        return f"{mantissa}e{int(exponent)}" if exponent else mantissa
    decimals = 0
    while decimals < 8 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6 * step * 10**decimals:
        decimals += 1
    return f"{value:.{decimals}f}"


def tick_offset(lo: float, hi: float) -> float:
    """What an axis over lo..hi counts its ticks from: 0 unless labels would need over MOST_TICK_DIGITS digits.

    f from 72004899338 to 72004899346 was labelled 72004899338, 72004899340…; counted from 72004899300 the
    labels read 38, 40, 42. The offset is as round a value as leaves the labels OFFSET_LABEL_DIGITS digits or fewer:
    a multiple of a power of ten in the range (999.8 to 1000.2 counts from 1000: −0.2, 0, 0.2), else the one
    next to it towards 0, so the labels have f's sign (1008.4 to 1009 counts from 1000: 8.4, 8.6, 9, not from
    1009: −0.6, −0.4, 0).
    """
    lo, hi = sorted((float(lo), float(hi)))
    span, size = hi - lo, max(abs(lo), abs(hi))
    if not (math.isfinite(span) and math.isfinite(size)) or span <= 0.0 or size == 0.0:
        return 0.0
    if label_digits(size, span) <= MOST_TICK_DIGITS:
        return 0.0
    for exponent in range(math.floor(math.log10(size)), math.ceil(math.log10(span)) - 1, -1):
        unit = 10.0**exponent
        inside = math.ceil(lo / unit) * unit
        offset = inside if inside <= hi else math.trunc((lo if lo > 0.0 else hi) / unit) * unit
        if offset != 0.0 and label_digits(max(abs(lo - offset), abs(hi - offset)), span) <= OFFSET_LABEL_DIGITS:
            return offset
    return round((lo + hi) / 2.0 / unit) * unit


def label_digits(size: float, span: float) -> int:
    """About the significant digits labels of values up to this size need to tell ticks over a range this wide apart."""
    return math.floor(math.log10(size)) - math.floor(math.log10(span)) + 2 if size > 0.0 else 1


def offset_text(offset: float, span: float) -> str:
    """The size of an axis's offset (see tick_offset) over a range this wide, in the digits it has (5, not 5.0000)."""
    unit = 10.0 ** math.ceil(math.log10(span))
    while unit * 10.0 <= abs(offset) and abs(offset / (unit * 10.0) - round(offset / (unit * 10.0))) < 1e-6:
        unit *= 10.0
    return format_tick(abs(offset), unit)


def offset_title(title: str, offset: float, span: float) -> str:
    """An axis's title naming the offset its tick labels count from over a range this wide (see tick_offset):
    "f − 7.2e10", the labels being f less it; without a title, the offset as added to them ("+7.2e10"); for no
    offset the title as it is."""
    if offset == 0.0:
        return title
    size = offset_text(offset, span)
    return f"{title} {'−' if offset > 0 else '+'} {size}" if title else f"{'+' if offset > 0 else '−'}{size}"


def qimage_to_array(image: QtGui.QImage) -> np.ndarray:
    """Copy a QImage into an (h, w, 4) uint8 RGBA array."""
    rgba = image.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    width, height = rgba.width(), rgba.height()
    rows = np.frombuffer(rgba.constBits(), dtype=np.uint8).reshape(height, rgba.bytesPerLine())
    return rows[:, : width * 4].reshape(height, width, 4).copy()


def wrapped(metrics: QtGui.QFontMetricsF, text: str, width: float) -> list[str]:
    """Text broken into lines at spaces so each fits the width (a single long word stays whole)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


@functools.lru_cache(maxsize=1024)
def wrapped_advances(font: QtGui.QFont, text: str, width: float) -> tuple[tuple[str, float], ...]:
    """Text wrapped at this width in this font (see wrapped), each line with its advance: a legend is laid out at
    every step, in each of its forms where it must try shorter ones, with the same notes each time. The font is kept
    as the key: it must not be changed afterwards."""
    metrics = QtGui.QFontMetricsF(font)
    return tuple((line, metrics.horizontalAdvance(line)) for line in wrapped(metrics, text, width))


class LegendLayout:
    """Legend rows laid out in a box at most max_width wide.

    A coloured stroke goes before each coloured row, long rows are wrapped (their further lines indented
    alike) and notes are in italics.
    """

    def __init__(self, font: QtGui.QFont, rows: tuple[LegendRow, ...], swatch: float, max_width: float) -> None:
        """Wrap the rows in this font, strokes `swatch` pixels long."""
        self.font = font
        self.note_font = QtGui.QFont(font)
        self.note_font.setItalic(True)
        self.swatch = swatch
        metrics = QtGui.QFontMetricsF(font)
        self.pad = metrics.height() * 0.45
        self.line_height = metrics.height() * LINE_SPACING
        self.lines: list[tuple[LegendRow, str, bool, float]] = []  # row, text, first line of its row, indent
        width = 0.0
        for row in rows:
            indent = swatch + self.pad if row.colour is not None else 0.0
            lines = wrapped_advances(self.note_font if row.note else font, row.text, max_width - 2 * self.pad - indent)
            for index, (text, advance) in enumerate(lines):
                self.lines.append((row, text, index == 0, indent))
                width = max(width, indent + advance)
        self.size = QtCore.QSizeF(width + 2 * self.pad,
                                  len(self.lines) * self.line_height + 2 * self.pad - metrics.height() * 0.15)

    def paint(self, painter: QtGui.QPainter, top_left: QtCore.QPointF) -> None:
        """Draw the box with its top-left corner here."""
        if not self.lines:
            return
        metrics = QtGui.QFontMetricsF(self.font)
        painter.save()
        painter.setRenderHints(QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing)
        painter.setPen(QtGui.QPen(QtGui.QColor(60, 60, 70, 90), 1.0))
        painter.setBrush(QtGui.QColor(255, 255, 255, 230))
        painter.drawRoundedRect(QtCore.QRectF(top_left, self.size), self.pad * 0.8, self.pad * 0.8)
        for index, (row, text, first, indent) in enumerate(self.lines):
            middle = top_left.y() + self.pad + index * self.line_height + metrics.height() / 2
            x = top_left.x() + self.pad
            if first and row.colour is not None:
                stroke = (QtCore.QPointF(x, middle), QtCore.QPointF(x + self.swatch, middle))
                painter.setPen(QtGui.QPen(QtGui.QColor(40, 40, 48, 170), self.swatch * 0.3 + 2.0))
                painter.drawLine(*stroke)
                painter.setPen(QtGui.QPen(qcolour(row.colour), self.swatch * 0.3))
                painter.drawLine(*stroke)
            painter.setFont(self.note_font if row.note else self.font)
            painter.setPen(NOTE_COLOUR if row.note else TEXT_COLOUR)
            painter.drawText(QtCore.QPointF(x + indent, middle + metrics.capHeight() / 2), text)
        painter.restore()


def fitted_legend(font: QtGui.QFont, rows: tuple[LegendRow, ...], swatch: float, max_width: float,
                  most_area: float) -> LegendLayout | None:
    """The legend laid out to cover at most most_area square pixels, or None without rows.

    While it would cover more, its notes are shortened (those that have a short form), the last first; then its
    plain rows (f at the point) are left out, as long as a row with a swatch is left (the level line's row gives f
    too); then its notes, the last first, but for a note to keep (arrows the edge cut too short to see: the picture
    cannot say so); then its other rows are shortened (the level line's row to "f = 5.7"), the last first. A legend
    that still covers twice the area, or is wider than max_width (a word wider than a narrow map: its box ran past the
    map's edge and "f = 170" read "f = 17"), is left out: the picture is too small for it.
    """
    return next(legend_forms(font, rows, swatch, max_width, most_area), None)


def legend_forms(font: QtGui.QFont, rows: tuple[LegendRow, ...], swatch: float, max_width: float,
                 most_area: float) -> Iterator[LegendLayout]:
    """The legend as fitted_legend lays it out, then each more compact form after it, shortened further a step at a
    time the same way (for a map with no room for it where it hides nothing)."""

    def fits(legend: LegendLayout, area: float) -> bool:
        return legend.size.width() <= max_width and legend.size.width() * legend.size.height() <= area

    forms = shortened_rows(rows)
    legend = None
    for shortened in forms:
        if not shortened:  # a legend of notes only, each left out
            return
        legend = LegendLayout(font, shortened, swatch, max_width)
        if fits(legend, most_area):
            yield legend
            yield from (LegendLayout(font, further, swatch, max_width) for further in forms if further)
            return
    if legend is not None and fits(legend, 2 * most_area):
        yield legend


def shortened_rows(rows: tuple[LegendRow, ...]) -> Iterator[tuple[LegendRow, ...]]:
    """The rows, then shortened a step at a time in fitted_legend's order while a step is left."""
    shorts = {row.short for row in rows if row.short}
    yield rows
    while True:
        notes = [index for index, row in enumerate(rows) if row.note and not (row.kept and row.text in shorts)]
        to_shorten = [index for index, row in enumerate(rows) if row.short and row.text not in shorts]
        notes_to_shorten = [index for index in to_shorten if rows[index].note]
        plain = [index for index, row in enumerate(rows) if row.colour is None and not row.note]
        droppable = plain if any(row.colour is not None for row in rows) else []
        if not (notes or droppable or to_shorten):
            return
        if notes_to_shorten or not (notes or droppable):
            last = (notes_to_shorten or to_shorten)[-1]
            rows = (*rows[:last], replace(rows[last], text=rows[last].short), *rows[last + 1:])
        elif droppable:
            rows = rows[:droppable[0]] + rows[droppable[0] + 1:]
        else:
            rows = rows[:notes[-1]] + rows[notes[-1] + 1:]
        yield rows


@functools.lru_cache(maxsize=1024)
def _tag_extent(font_description: str, text: str) -> tuple[float, float, float]:
    """Text advance, line height and padding of a tag in the bold form of the described font."""
    font = QtGui.QFont()
    font.fromString(font_description)
    metrics = QtGui.QFontMetricsF(bold(font))
    return metrics.horizontalAdvance(text), metrics.height(), metrics.height() * 0.22


def bold(font: QtGui.QFont) -> QtGui.QFont:
    """A bold copy of a font."""
    heavy = QtGui.QFont(font)
    heavy.setBold(True)
    return heavy


def paint_tag(painter: QtGui.QPainter, bold_font: QtGui.QFont, text: str, box: QtCore.QRectF,
              colour: RgbaColour) -> None:
    """A short label in its colour and the bold font on a light rounded patch filling the box."""
    radius = box.height() * 0.3
    painter.save()
    painter.setRenderHints(QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing)
    painter.setPen(QtCore.Qt.PenStyle.NoPen)
    painter.setBrush(TAG_PATCH_COLOUR)
    painter.drawRoundedRect(box, radius, radius)
    painter.setFont(bold_font)
    painter.setPen(qcolour(colour))
    painter.drawText(box, QtCore.Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


class TagPlacer:
    """Puts tags beside anchor points where they fit in the bounds and overlap no earlier tag.

    Each tag is turned around its anchor, then moved further out, until it fits (failing that, it at least
    stays in the bounds).
    """

    TURNS = (0.0, 35.0, -35.0, 70.0, -70.0, 90.0, -90.0, 110.0, -110.0, 145.0, -145.0, 180.0)  # degrees
    REACHES = (1.0, 3.0, 6.0, 10.0, 15.0)  # gaps, in multiples of the first
    LEADER_GAPS = 4.0  # a tag farther than this many gaps from its anchor gets a thin line back to it
    _TURN_COS_SIN = (np.cos(np.radians(TURNS)), np.sin(np.radians(TURNS)))

    def __init__(self, painter: QtGui.QPainter | None, font: QtGui.QFont, gap: float, bounds: QtCore.QRectF,
                 avoid: tuple[QtCore.QRectF, ...] = (), crossed: np.ndarray | None = None,
                 crossed_pad: float = 0.0, crossed_weights: np.ndarray | None = None) -> None:
        """Tags in this font `gap` pixels clear of their anchors, off the boxes to avoid; the painter (if any) draws.

        crossed holds points (n, 2) sampled along lines drawn under the tags (see line_samples): a tag covers as
        few of them as it can, counting those within crossed_pad pixels of its box (the lines' half width), each
        as much as its weight in crossed_weights (n,) where given (a run's dot more than a point of its line), else
        once.
        """
        self.painter = painter
        self.crossed = np.zeros((0, 2)) if crossed is None else crossed
        self.crossed_pad = crossed_pad
        self.crossed_weights = crossed_weights
        self.font = font
        self._bold_font = bold(font)
        self._font_description = font.toString()  # measuring looks tags up by it: made once, not per candidate
        self.gap = gap
        self.bounds = bounds
        self.taken: list[QtCore.QRectF] = list(avoid)
        self.leaders: list[tuple[QtCore.QLineF, RgbaColour]] = []  # lines from displaced tags to their anchors
        self.tags: list[tuple[str, QtCore.QRectF, RgbaColour]] = []  # text, box, colour: as placed

    def place(self, text: str, anchor: np.ndarray, direction: np.ndarray, colour: RgbaColour,
              optional: bool = False, shorter: str = "", most_covered: float = math.inf) -> QtCore.QRectF | None:
        """Place a tag beyond anchor along the unit pixel direction (or turned from it) and return its box.

        The tags are drawn by draw, once all are placed: their leader lines first, so no line crosses a tag.

        The position inside the bounds and clear of earlier tags that covers the fewest crossed points wins (the
        first by reach, then turn, of those covering as few); failing that the first inside the bounds, failing that
        the first clear one moved into the bounds, failing that the first moved in (a tag is never cut at the bounds'
        edge); but a tag with no place inside the bounds and its anchor out of them is left out (None). An optional
        tag is left out rather than cover another or stray out of the bounds (a small map has no room). A tag with a
        shorter text (∇f for ∇f = (…)) tries it before it covers another or the legend. Given most_covered, a tag
        takes only a place that covers at most that much of the crossed points too, else is left out as an optional
        one is.
        """
        area = self._reach(text, anchor)  # every candidate lies in it: only what is taken there can be in the way
        nearby = [other for other in self.taken if other.intersects(area)]
        corners, width, height = self._candidate_corners(text, anchor, direction)
        nearest = self._first_free(corners[:len(self.TURNS)], width, height, nearby)
        if nearest is not None:  # what the search below finds first: it covers nothing, so none covers less
            return self._keep(text, nearest, anchor, colour)
        covers = self._covers(corners, width, height, area)
        corners = corners.tolist()  # QRectF takes Python floats fastest
        first_inside = first_clear = None  # indices of candidates, in the order offered
        for index in np.argsort(covers, kind="stable").tolist() if covers.any() else range(len(corners)):
            if covers[index] > most_covered:
                break  # the others, in order of what they cover, cover more
            box = QtCore.QRectF(*corners[index], width, height)
            clear = not any(box.intersects(other) for other in nearby)
            if self.bounds.contains(box):
                if clear:
                    return self._keep(text, box, anchor, colour)
                first_inside = index if first_inside is None else min(first_inside, index)
            elif clear:
                first_clear = index if first_clear is None else min(first_clear, index)
        if first_inside is None and not self.bounds.contains(float(anchor[0]), float(anchor[1])):
            return None  # what it names is out of sight
        if shorter and shorter != text:
            return self.place(shorter, anchor, direction, colour, optional, most_covered=most_covered)
        if optional or most_covered < math.inf:
            return None
        if first_inside is not None:
            box = QtCore.QRectF(*corners[first_inside], width, height)
        else:
            box = moved_inside(QtCore.QRectF(*corners[first_clear or 0], width, height), self.bounds)
        return self._keep(text, box, anchor, colour)

    def _first_free(self, corners: np.ndarray, width: float, height: float, nearby: Sequence[QtCore.QRectF]
                    ) -> QtCore.QRectF | None:
        """The first of these candidate boxes that covers none of the crossed points, inside the bounds and clear of
        what is taken, if one is: most tags find one at the nearest reach, and looking there alone, at the crossed
        points round it alone, took a third of the time of weighing every candidate."""
        (left, top), (right, bottom) = corners.min(axis=0), corners.max(axis=0)
        around = QtCore.QRectF(float(left), float(top), float(right - left) + width, float(bottom - top) + height)
        for index in np.flatnonzero(self._covers(corners, width, height, around) == 0).tolist():
            box = QtCore.QRectF(*corners[index].tolist(), width, height)
            if self.bounds.contains(box) and not any(box.intersects(other) for other in nearby):
                return box
        return None

    def _covers(self, corners: np.ndarray, width: float, height: float, area: QtCore.QRectF) -> np.ndarray:
        """How many crossed points each candidate box (top-left corners, one size) covers, within crossed_pad of it,
        each counted as much as its weight.

        Every candidate lies in area: only the crossed points near it are counted.
        """
        pad = self.crossed_pad
        near = in_box(self.crossed, area.adjusted(-pad, -pad, pad, pad))
        crossed = self.crossed[near]
        if not len(crossed):
            return np.zeros(len(corners), dtype=int)
        lefts, tops = corners[:, 0:1] - pad, corners[:, 1:2] - pad
        xs, ys = crossed[:, 0], crossed[:, 1]
        inside = (xs >= lefts) & (xs <= lefts + width + 2 * pad) & (ys >= tops) & (ys <= tops + height + 2 * pad)
        return inside.sum(axis=1) if self.crossed_weights is None else inside @ self.crossed_weights[near]

    def _keep(self, text: str, box: QtCore.QRectF, anchor: np.ndarray, colour: RgbaColour) -> QtCore.QRectF:
        """Take the box for the tag (with a leader back to a far anchor) and return it."""
        start = QtCore.QPointF(float(anchor[0]), float(anchor[1]))
        end = QtCore.QPointF(min(max(start.x(), box.left()), box.right()), min(max(start.y(), box.top()), box.bottom()))
        if QtCore.QLineF(start, end).length() > self.LEADER_GAPS * self.gap:
            self.leaders.append((QtCore.QLineF(start, end), colour))
        self.tags.append((text, box, colour))
        self.taken.append(box)
        return box

    def draw(self) -> None:
        """Draw the placed tags: thin lines in their colours from far-off tags to their anchors, then the tags."""
        painter = self.painter
        painter.save()
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        for line, colour in self.leaders:
            painter.setPen(QtGui.QPen(qcolour(colour), max(1.0, self.gap / 3.0)))
            painter.drawLine(line)
        painter.restore()
        for text, box, colour in self.tags:
            paint_tag(painter, self._bold_font, text, box, colour)

    def fitted_texts(self, tags: Sequence[tuple[str, str]], most_share: float, lead: bool) -> list[str]:
        """The text to show of each (full, short) tag: as little shortened as lets them fit the bounds.

        All are in full while together they cover at most most_share of the bounds and each fits in them; failing
        that (with lead) the first in full and the others short; failing that all short.
        """
        fulls, shorts = [full for full, _ in tags], [short or full for full, short in tags]
        choices = (fulls, *((fulls[:1] + shorts[1:],) if lead else ()), shorts)
        most_area = most_share * self.bounds.width() * self.bounds.height()
        for texts in choices[:-1]:
            area = sum(width * height for width, height in map(self.tag_size, texts))
            if all(self.fits(text) for text in texts) and area <= most_area:
                return texts
        return choices[-1]

    def place_fitting(self, texts: Sequence[str], anchor: np.ndarray, direction: np.ndarray, colour: RgbaColour,
                      most_covered: Sequence[float] = (0.0,)) -> QtCore.QRectF | None:
        """Place the first of a tag's texts (fullest first) that has a place inside the bounds clear of what is taken
        and covering at most the first of most_covered of the crossed points, else at most the next, and so on; else
        the first with a place clear of what is taken (covering as little as it can), else the shortest that fits
        in the bounds wherever place puts it (see place); none if none fits: a tag wider than the bounds was cut at
        their edge."""
        fitting = [text for text in texts if self.fits(text)]
        tries = [*((text, most) for most in most_covered for text in fitting),
                 *((text, math.inf) for text in fitting[:-1])]
        for text, most in tries:
            box = self.place(text, anchor, direction, colour, optional=True, most_covered=most)
            if box is not None:
                return box
        return self.place(fitting[-1], anchor, direction, colour) if fitting else None

    def fits(self, text: str) -> bool:
        """Whether a tag with this text fits in the bounds."""
        width, height = self.tag_size(text)
        return width <= self.bounds.width() and height <= self.bounds.height()

    def tag_size(self, text: str) -> tuple[float, float]:
        """The width and height of a tag's box (its text on its patch)."""
        width, box_height, _half_width, _half_height = self._tag_sizes(text)
        return width, box_height

    def _reach(self, text: str, anchor: np.ndarray) -> QtCore.QRectF:
        """The box holding every place _candidates offers the tag around this anchor."""
        width, box_height, half_width, half_height = self._tag_sizes(text)
        farthest = self.gap * max(self.REACHES) + half_width + half_height
        across, down = farthest + width / 2, farthest + box_height / 2
        return QtCore.QRectF(float(anchor[0]) - across, float(anchor[1]) - down, 2 * across, 2 * down)

    def _tag_sizes(self, text: str) -> tuple[float, float, float, float]:
        """A tag's box (bold text on a small patch): its width and height, and the half sizes its distance uses."""
        advance, height, pad = _tag_extent(self._font_description, text)
        width, box_height = advance + 2 * pad, height + pad
        return width, box_height, width / 2, height * 0.61

    def _candidate_corners(self, text: str, anchor: np.ndarray, direction: np.ndarray
                           ) -> tuple[np.ndarray, float, float]:
        """The top-left corners (n, 2) of the tag's boxes at each reach and turn, nearest first, and their size."""
        width, box_height, half_width, half_height = self._tag_sizes(text)
        dx, dy = float(direction[0]), float(direction[1])
        cos, sin = self._TURN_COS_SIN
        tx, ty = cos * dx - sin * dy, sin * dx + cos * dy
        distance = self.gap * np.asarray(self.REACHES)[:, None] + np.abs(tx) * half_width + np.abs(ty) * half_height
        lefts = float(anchor[0]) + tx * distance - width / 2
        tops = float(anchor[1]) + ty * distance - box_height / 2
        return np.column_stack([lefts.ravel(), tops.ravel()]), width, box_height


CRITICAL_MARKER_PIXELS = 13.0  # a critical point's mark, times the presentation scale
CRITICAL_FILL = QtGui.QColor(255, 255, 255)
CRITICAL_EDGE = QtGui.QColor(20, 20, 28)
CRITICAL_TEXT = (0.16, 0.16, 0.19, 1.0)
CRITICAL_NAMES = {"minimum": "min", "maximum": "max", "saddle": "saddle", "inflection": "inflection"}
# Where a name goes first, in device pixels (y down): above a peak and below a pit, where a curve leaves room.
CRITICAL_TAG_DIRECTIONS = {"minimum": np.array([0.0, 1.0]), "maximum": np.array([0.0, -1.0]),
                           "saddle": np.array([1.0, 0.0]), "inflection": np.array([1.0, 0.0])}


def critical_marker(kind: str, centre: QtCore.QPointF, size: float) -> QtGui.QPainterPath:
    """The mark of a critical point of this kind, size pixels across: ▼ minimum, ▲ maximum, ✕ saddle, ◆ inflection."""
    half = size / 2
    if kind == "saddle":
        arm = half * 0.32
        outline = [(-half, -half + arm), (-half + arm, -half), (0, -arm), (half - arm, -half), (half, -half + arm),
                   (arm, 0), (half, half - arm), (half - arm, half), (0, arm), (-half + arm, half), (-half, half - arm),
                   (-arm, 0)]
    elif kind == "inflection":
        outline = [(0, -half), (half, 0), (0, half), (-half, 0)]
    else:
        tip = half if kind == "minimum" else -half  # device y grows downwards: ▼ points down
        outline = [(-half, -tip * 0.8), (half, -tip * 0.8), (0, tip)]
    path = QtGui.QPainterPath()
    path.addPolygon(QtGui.QPolygonF([centre + QtCore.QPointF(x, y) for x, y in outline]))
    path.closeSubpath()
    return path


class NearTagPlacer(TagPlacer):
    """A TagPlacer that keeps each tag beside its anchor: with no room there, a tag is left out (if optional)."""

    REACHES = (1.0, 1.8)


def critical_name(kind: str, kink: bool = False) -> str:
    """A critical point's name beside its mark: "min", "saddle", and at a kink of f "saddle (kink)"."""
    return f"{CRITICAL_NAMES[kind]} (kink)" if kink else CRITICAL_NAMES[kind]


def place_critical_tags(painter: QtGui.QPainter | None, centres: np.ndarray, kinds: Sequence[str], scale: float,
                        font: QtGui.QFont, bounds: QtCore.QRectF,
                        avoid: Sequence[QtCore.QRectF] = (), crossed: np.ndarray | None = None,
                        crossed_pad: float = 0.0, kinks: Sequence[bool] = (), far: bool = False) -> NearTagPlacer:
    """Critical points' names placed beside their marks (centres in device pixels), clear of the marks and of avoid.

    Each name goes first where CRITICAL_TAG_DIRECTIONS says, then turned round its mark; with no room, it is left
    out (the mark stays), or with far, once the others are placed, tried as far off as a TagPlacer's tags go, a
    leader line back to its mark (the map's maximum between the probe's ∇f and ∂f/∂y arrows, Himmelblau's in
    lesson 9). Names cover as little as they can of the lines sampled in crossed (see TagPlacer). The points that
    kinks flags are at a kink of f (none if empty): named "saddle (kink)", or "saddle" where that has no room.
    """
    half = CRITICAL_MARKER_PIXELS * scale / 2
    marks = [square_around(centre, half) for centre in centres]
    placer = NearTagPlacer(painter, font, CRITICAL_MARKER_PIXELS * scale * 0.6, bounds, (*avoid, *marks), crossed,
                           crossed_pad)
    left_out = []
    for centre, kind, kink in zip(centres, kinds, kinks or [False] * len(kinds), strict=True):
        name, shorter = critical_name(kind, kink), CRITICAL_NAMES[kind] if kink else ""
        if placer.place(name, centre, CRITICAL_TAG_DIRECTIONS[kind], CRITICAL_TEXT, optional=True,
                        shorter=shorter) is None:
            left_out.append((name, shorter, centre, kind))
    if far and left_out:
        placer.REACHES = TagPlacer.REACHES  # this placer's own, from here on
        for name, shorter, centre, kind in left_out:
            placer.place(name, centre, CRITICAL_TAG_DIRECTIONS[kind], CRITICAL_TEXT, optional=True, shorter=shorter)
    return placer


def draw_critical_points(painter: QtGui.QPainter, centres: np.ndarray, kinds: Sequence[str], scale: float,
                         placer: TagPlacer, mark_opacity: float = 1.0) -> None:
    """Each critical point's mark, white with a dark edge, then the names the placer placed (in device pixels), all
    at mark_opacity (points the surface hides: a faint "min" beside a "max" in full reads as behind it)."""
    painter.save()
    painter.setOpacity(painter.opacity() * mark_opacity)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QtGui.QPen(CRITICAL_EDGE, 1.5 * scale))
    painter.setBrush(CRITICAL_FILL)
    for (x, y), kind in zip(centres, kinds, strict=True):
        painter.drawPath(critical_marker(kind, QtCore.QPointF(x, y), CRITICAL_MARKER_PIXELS * scale))
    placer.painter = painter
    placer.draw()
    painter.restore()


POINTER_OUTLINE = QtGui.QColor(30, 30, 40)
POINTER_SIZE = 22.0  # pixels from the tip of the arrow at a ball that left the picture to its tail


def path_exit(path: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Where a path whose end lies outside a box last left it, and the step it left by.

    Rows of path are points; the box bounds as many of their first coordinates as it has. The last step that touches
    the box counts, be it one from inside or one across it from outside to outside (a diverging run's later steps:
    the pointer stayed where the run first left, on the side opposite its ball). None when the path ends inside the
    box, or no step of it touches the box.
    """
    corner = path[:, :len(low)]
    if len(path) < 2 or np.all((low <= corner[-1]) & (corner[-1] <= high)):
        return None
    touching, _first, last = clip_parameters(path[:-1], path[1:], low, high)
    if not touching.any():
        return None
    index = int(np.flatnonzero(touching)[-1])
    step = path[index + 1] - path[index]
    return path[index] + last[index] * step, step


def arrow_outlines(tails: np.ndarray, tips: np.ndarray, head_length: float, head_half_width: float,
                   shaft_half_width: float | np.ndarray) -> np.ndarray:
    """Closed outlines (n, 7, 2) of arrows from tails to tips (pixels): a shaft and a triangular head each.

    Heads never take more than 45% of an arrow; shaft_half_width may differ per arrow.
    """
    direction = tips - tails
    lengths = np.linalg.norm(direction, axis=1, keepdims=True)
    unit = direction / np.maximum(lengths, 1e-9)
    normal = np.column_stack([-unit[:, 1], unit[:, 0]])
    head = np.minimum(head_length, 0.45 * lengths)
    head_base = tips - unit * head
    head_half = normal * (head * head_half_width / head_length)
    shaft_half = normal * np.reshape(shaft_half_width, (-1, 1))
    corners = (
        tails + shaft_half, head_base + shaft_half, head_base + head_half, tips,
        head_base - head_half, head_base - shaft_half, tails - shaft_half,
    )
    return np.stack(corners, axis=1)


def draw_pointer(painter: QtGui.QPainter, tip: np.ndarray, direction: np.ndarray, size: float,
                 colour: QtGui.QColor) -> QtGui.QPolygonF:
    """Draw an arrow size pixels long ending at tip, pointing along the unit direction; return its outline.

    It points at a run's ball that has left the picture, in the run's colour.
    """
    outline = arrow_outlines((tip - direction * size)[None, :], tip[None, :], 0.45 * size, 0.32 * size, 0.11 * size)
    pointer = QtGui.QPolygonF([QtCore.QPointF(*corner) for corner in outline[0]])
    painter.save()
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setPen(QtGui.QPen(POINTER_OUTLINE, max(1.0, size / 16.0)))
    painter.setBrush(colour)
    painter.drawPolygon(pointer)
    painter.restore()
    return pointer


def finite_runs(points: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of at least two consecutive rows without NaN (where f is undefined)."""
    finite = np.isfinite(points).all(axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate([[False], finite, [False]]).astype(np.int8)))
    return [(int(start), int(stop)) for start, stop in zip(edges[::2], edges[1::2], strict=True) if stop - start > 1]


def joined_by_gaps(pieces: Sequence[np.ndarray]) -> np.ndarray:
    """Polylines (each (n, 2)) as one array, each apart from the next by a row of NaN; (0, 2) for none."""
    if not pieces:
        return np.zeros((0, 2))
    gap = np.full((1, 2), np.nan)
    return np.concatenate([part for piece in pieces for part in (piece, gap)][:-1])


def moved_inside(box: QtCore.QRectF, bounds: QtCore.QRectF) -> QtCore.QRectF:
    """The box moved the least way into the bounds (to their top left where it is the larger)."""
    left = max(min(box.left(), bounds.right() - box.width()), bounds.left())
    top = max(min(box.top(), bounds.bottom() - box.height()), bounds.top())
    return QtCore.QRectF(left, top, box.width(), box.height())


def square_around(centre: np.ndarray, half: float) -> QtCore.QRectF:
    """The square of this half-size around a pixel position (a marker's box, for TagPlacer to avoid)."""
    return QtCore.QRectF(float(centre[0]) - half, float(centre[1]) - half, 2 * half, 2 * half)


def clipped_segment(start: np.ndarray, end: np.ndarray, rect: QtCore.QRectF) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of a line inside a rectangle (Liang–Barsky), None if none of it is."""
    delta = end - start
    low, high = 0.0, 1.0
    for move, room in ((-delta[0], start[0] - rect.left()), (delta[0], rect.right() - start[0]),
                       (-delta[1], start[1] - rect.top()), (delta[1], rect.bottom() - start[1])):
        if move == 0.0:
            if room < 0.0:
                return None
            continue
        share = float(room / move)
        if move < 0.0:
            low = max(low, share)
        else:
            high = min(high, share)
        if low > high:
            return None
    return start + delta * low, start + delta * high


def clip_parameters(starts: np.ndarray, ends: np.ndarray, low: np.ndarray,
                    high: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which lines (rows of starts and ends) touch a box, and from what share of each to what share its part in the box
    runs (vectorised Liang–Barsky); the box bounds as many of their first coordinates as low and high have."""
    count = len(low)
    starts, ends = np.asarray(starts, dtype=np.float64)[:, :count], np.asarray(ends, dtype=np.float64)[:, :count]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        delta = ends - starts
        first, last = np.zeros(len(starts)), np.ones(len(starts))
        touching = np.isfinite(delta).all(axis=1) & np.isfinite(starts).all(axis=1)
        for k in range(count):
            for move, room in ((-delta[:, k], starts[:, k] - low[k]), (delta[:, k], high[k] - starts[:, k])):
                touching &= (move != 0.0) | (room >= 0.0)
                share = room / move
                first = np.where(move < 0.0, np.maximum(first, share), first)
                last = np.where(move > 0.0, np.minimum(last, share), last)
        return touching & (first <= last), first, last


def clipped_segments(starts: np.ndarray, ends: np.ndarray, rect: QtCore.QRectF) -> tuple[np.ndarray, np.ndarray]:
    """The parts inside a rectangle of the lines (rows of starts and ends, (n, 2) each) that have any."""
    starts, ends = np.asarray(starts, dtype=np.float64), np.asarray(ends, dtype=np.float64)
    touching, first, last = clip_parameters(starts, ends, np.array([rect.left(), rect.top()]),
                                            np.array([rect.right(), rect.bottom()]))
    delta = (ends - starts)[touching]
    return starts[touching] + delta * first[touching, None], starts[touching] + delta * last[touching, None]


def points_in(points: np.ndarray, box: QtCore.QRectF) -> np.ndarray:
    """The points (n, 2) inside a box (edges included)."""
    return points[in_box(points, box)]


def in_box(points: np.ndarray, box: QtCore.QRectF) -> np.ndarray:
    """Whether each of the points (n, 2) is inside a box (edges included), as (n,) booleans."""
    xs, ys = points[:, 0], points[:, 1]
    return (xs >= box.left()) & (xs <= box.right()) & (ys >= box.top()) & (ys <= box.bottom())


def line_samples(polylines: Sequence[np.ndarray], spacing: float, within: QtCore.QRectF) -> np.ndarray:
    """Points about spacing pixels apart along polylines ((n, 2) pixels each; NaN rows break them), inside within.

    For tags to keep off drawn lines (see TagPlacer's crossed). A segment longer than within's diagonal (a diverged
    run's step, millions of pixels long) is sampled along its part inside within alone: its samples stay few, and
    spread over all of it they missed the part in sight, where a tag lay over it.
    """
    points = joined_by_gaps(polylines)  # sampled in one go: a dozen short lines one by one took half a millisecond
    starts, ends = points[:-1], points[1:]
    finite = np.isfinite(starts).all(axis=1) & np.isfinite(ends).all(axis=1)
    starts, ends = starts[finite], ends[finite]
    diagonal = math.hypot(within.width(), within.height())
    long = np.flatnonzero(np.hypot(*(ends - starts).T) > diagonal)
    if len(long):  # each cut to its part inside within, all at once; none inside: out of sight, nothing sampled
        touching, first, last = clip_parameters(starts[long], ends[long], np.array([within.left(), within.top()]),
                                                np.array([within.right(), within.bottom()]))
        first, last = np.where(touching, first, 0.0), np.where(touching, last, 0.0)
        delta = ends[long] - starts[long]
        starts[long], ends[long] = starts[long] + delta * first[:, None], starts[long] + delta * last[:, None]
    lengths = np.minimum(np.hypot(*(ends - starts).T), diagonal)
    counts = np.ceil(lengths / spacing).astype(int) + 1
    segment = np.repeat(np.arange(len(starts)), counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    share = (np.arange(len(segment)) - first) / np.maximum(counts[segment] - 1, 1)
    return points_in(starts[segment] + (ends[segment] - starts[segment]) * share[:, None], within)


def segment_boxes(start: np.ndarray, end: np.ndarray, chunk: float, pad: float,
                  within: QtCore.QRectF | None = None) -> list[QtCore.QRectF]:
    """Boxes covering a line in pixels, a chunk of it each, padded (an arrow's shaft, for TagPlacer to avoid).

    Given within, only the part of the line inside it is covered: a diverged run's step can be billions of
    pixels long, and covering all of it froze the window for most of a minute.
    """
    if within is not None:
        inside = clipped_segment(start, end, within)
        if inside is None:
            return []
        start, end = inside
    length = float(np.hypot(*(end - start)))
    count = max(1, math.ceil(length / chunk))
    ends = start + (end - start) * np.linspace(0.0, 1.0, count + 1)[:, None]
    return [QtCore.QRectF(QtCore.QPointF(*np.minimum(a, b)), QtCore.QPointF(*np.maximum(a, b))).adjusted(
        -pad, -pad, pad, pad) for a, b in itertools.pairwise(ends)]


