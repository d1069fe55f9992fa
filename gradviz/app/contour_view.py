"""2D contour view: filled contours, level lines, the gradient field, descent runs and a draggable start."""

from __future__ import annotations

import math
from collections.abc import Sequence

import contourpy
import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.app.colormaps import DEFAULT_COLORMAP, colormap_lut, lut_to_uint8
from gradviz.app.surface_view import (
    TEXT_COLOUR,
    TrajectoryData,
    format_tick,
    nice_ticks,
    qimage_to_array,
    resolve_index,
)

SKEWED_MEDIAN_POSITION = 0.12
LOG_LEVEL_SPAN = 1e-4
ARROW_GRID = 20
BACKGROUND = QtGui.QColor(255, 255, 255)
LINE_COLOUR = QtGui.QColor(20, 20, 30, 115)
ARROW_COLOUR = QtGui.QColor(25, 25, 35, 235)
HALO_COLOUR = QtGui.QColor(255, 255, 255, 150)
CURVE_COLOUR = QtGui.QColor(40, 70, 160)
TANGENT_COLOUR = QtGui.QColor(200, 60, 40)


def choose_levels(heights: np.ndarray, count: int = 16) -> np.ndarray:
    """Contour levels that show the structure of a height field (pure numpy).

    Round, evenly spaced values in general; when most of the field lies close to its minimum (a
    narrow valley like Rosenbrock's, or an exponential), round 1-2-5 offsets from the minimum that
    grow tenfold every three levels, so the valley floor gets lines too. Empty for flat or empty data.
    """
    finite = np.asarray(heights, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return np.zeros(0)
    lo, hi = float(finite.min()), float(finite.max())
    span = hi - lo
    if span <= 1e-12 * max(1.0, abs(lo), abs(hi)):
        return np.zeros(0)
    if (float(np.median(finite)) - lo) / span >= SKEWED_MEDIAN_POSITION:
        levels = nice_ticks(lo, hi, count)
    else:
        smallest = span * LOG_LEVEL_SPAN
        exponents = range(math.floor(math.log10(smallest)), math.ceil(math.log10(span)) + 1)
        offsets = np.array(sorted(m * 10.0**e for e in exponents for m in (1.0, 2.0, 5.0)))
        offsets = offsets[(offsets >= smallest) & (offsets < span)][-count:]
        decimals = 1 - np.floor(np.log10(offsets)).astype(int)
        levels = np.array([round(lo + offset, int(d)) for offset, d in zip(offsets, decimals, strict=True)])
    return np.unique(levels[(levels > lo) & (levels < hi)])


def level_texts(levels: np.ndarray, span: float) -> list[str]:
    """Labels for levels: with the decimals of their common step, or compact when the spacing varies."""
    steps = np.diff(levels)
    if len(steps) and not np.allclose(steps, steps[0], rtol=1e-6):
        return [f"{level:.4g}" for level in levels]
    step = float(steps[0]) if len(steps) else max(span, 1e-12)
    return [format_tick(float(level), step) for level in levels]


def labelled_level_indices(levels: np.ndarray, most: int = 8) -> np.ndarray:
    """Indices of at most about `most` levels to label, every k-th one, preferring round values."""
    stride = max(1, math.ceil(len(levels) / most))
    steps = np.diff(levels)
    offset = 0
    if stride > 1 and len(steps) and np.allclose(steps, steps[0], rtol=1e-6):
        coarse = stride * steps[0]
        remainders = np.abs(levels / coarse - np.rint(levels / coarse))
        offset = max(range(stride), key=lambda start: int(np.sum(remainders[start::stride] < 1e-6)))
    return np.arange(offset, len(levels), stride)


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


def contour_polylines(xs: np.ndarray, ys: np.ndarray, heights: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """All contour lines of all levels as one (n, 2) array of points, separate lines split by NaN rows."""
    if len(levels) == 0 or len(xs) < 2 or len(ys) < 2:
        return np.zeros((0, 2))
    generator = contourpy.contour_generator(
        xs, ys, np.ma.masked_invalid(heights), line_type=contourpy.LineType.ChunkCombinedNan
    )
    gap = np.full((1, 2), np.nan)
    pieces = [
        part
        for (chunks,) in generator.multi_lines(np.asarray(levels, dtype=np.float64))
        for chunk in chunks
        if chunk is not None
        for part in (chunk, gap)
    ]
    return np.concatenate(pieces) if pieces else np.zeros((0, 2))


def arrow_sample_indices(count: int, wanted: int = ARROW_GRID) -> np.ndarray:
    """About wanted evenly spread indices into an axis of count grid points, away from the edges."""
    if count <= wanted:
        return np.arange(count)
    return np.unique(np.rint(np.linspace(0, count - 1, wanted + 2)[1:-1]).astype(int))


class SmoothImageItem(pg.ImageItem):
    """An ImageItem whose pixels are interpolated when scaled, so the fill looks smooth when projected."""

    def paint(self, painter: QtGui.QPainter, *args: object) -> None:
        """Paint with smooth pixmap scaling."""
        painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
        super().paint(painter, *args)


class GradientArrowItem(pg.GraphicsObject):
    """The gradient field as arrows centred on grid points, all drawn as one path.

    Directions are exact in the plot (data vectors mapped through the current view transform);
    lengths grow with the magnitude up to most of a grid cell, reached at the 90th percentile
    magnitude, so a few huge gradients do not shrink all others; arrows never get shorter than a
    quarter of that, so every direction stays readable, and where the gradient is nearly zero
    (below 1% of that magnitude) no arrow is drawn. Heads have a fixed size in pixels.
    """

    LENGTH_FILL = 0.85
    MIN_FRACTION = 0.25
    FLAT_FRACTION = 0.01
    HEAD_LENGTH = 9.0
    HEAD_HALF_WIDTH = 4.0
    SHAFT_HALF_WIDTH = 0.85

    def __init__(self) -> None:
        """Start with no arrows, pointing uphill."""
        super().__init__()
        self._points = np.zeros((0, 2))
        self._vectors = np.zeros((0, 2))
        self._cell = (1.0, 1.0)
        self._bounds = QtCore.QRectF()
        self._sign = 1.0
        self.pixel_scale = 1.0
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_field(self, xs: np.ndarray, ys: np.ndarray, gx: np.ndarray, gy: np.ndarray) -> None:
        """Subsample the gradient (gx[j, i], gy[j, i] at xs[i], ys[j]) on an about 20×20 grid."""
        self.prepareGeometryChange()
        columns, rows = arrow_sample_indices(len(xs)), arrow_sample_indices(len(ys))
        grid_x, grid_y = np.meshgrid(xs[columns], ys[rows])
        vectors = np.column_stack([gx[np.ix_(rows, columns)].ravel(), gy[np.ix_(rows, columns)].ravel()])
        keep = np.isfinite(vectors).all(axis=1)
        self._points = np.column_stack([grid_x.ravel(), grid_y.ravel()])[keep]
        self._vectors = vectors[keep]
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
        self._points = np.zeros((0, 2))
        self._vectors = np.zeros((0, 2))
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
        screen_vectors = (self._sign * self._vectors) @ linear.T
        screen_lengths = np.linalg.norm(screen_vectors, axis=1)
        magnitudes = np.linalg.norm(self._vectors, axis=1)
        reference = float(np.percentile(magnitudes, 90)) if magnitudes.size else 0.0
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
        direction = tips - tails
        lengths = np.linalg.norm(direction, axis=1, keepdims=True)
        unit = direction / np.maximum(lengths, 1e-9)
        normal = np.column_stack([-unit[:, 1], unit[:, 0]])
        head_length = np.minimum(self.HEAD_LENGTH * scale, 0.45 * lengths)
        head_base = tips - unit * head_length
        head_half = normal * (head_length * self.HEAD_HALF_WIDTH / self.HEAD_LENGTH)
        shaft_half = normal * (self.SHAFT_HALF_WIDTH * scale)
        corners = (
            tails + shaft_half, head_base + shaft_half, head_base + head_half, tips,
            head_base - head_half, head_base - shaft_half, tails - shaft_half,
        )
        return np.stack(corners, axis=1)

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


class ColourBar(pg.PlotItem):
    """A vertical, non-interactive colour bar whose axis shows the contour levels."""

    WIDTH = 20

    def __init__(self) -> None:
        """An empty bar; set_colours and set_ticks fill it."""
        super().__init__()
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.hideAxis("left")
        self.showAxis("right")
        spacer = self.getAxis("bottom")
        spacer.setStyle(showValues=False, tickLength=0)
        spacer.setPen(pg.mkPen(None))
        self.getAxis("right").setWidth(58)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.addItem(self.image)
        self.setRange(xRange=(0.0, 1.0), yRange=(0.0, 1.0), padding=0.0)
        self.layout.setColumnFixedWidth(1, self.WIDTH)
        self.vb.setBorder(pg.mkPen(TEXT_COLOUR))

    def set_colours(self, lut: np.ndarray) -> None:
        """Show the lookup table from bottom (0) to top (1)."""
        self.image.setImage(lut_to_uint8(lut)[:, None, :], levels=None, autoLevels=False)
        self.image.setRect(QtCore.QRectF(0.0, 0.0, 1.0, 1.0))

    def set_ticks(self, fractions: Sequence[float], labels: Sequence[str], title: str) -> None:
        """Label positions 0..1 along the bar, and its title."""
        axis = self.getAxis("right")
        axis.setTicks([list(zip((float(f) for f in fractions), labels, strict=True)), []])
        axis.setLabel(title)


class ContourView(pg.GraphicsLayoutWidget):
    """The map of f: filled contours, level lines, gradient arrows, runs and a draggable start point.

    In curve mode (one variable) it plots f(w) with an optional tangent line instead.
    Signals carry data coordinates.
    """

    hovered = QtCore.Signal(float, float)
    clicked = QtCore.Signal(float, float)
    start_dragged = QtCore.Signal(float, float)
    range_changed = QtCore.Signal(tuple, tuple)

    LINE_WIDTH = 1.0  # exactly one pixel keeps antialiased level lines fast to draw
    CURVE_WIDTH = 3.0
    TANGENT_WIDTH = 2.4
    RUN_WIDTH = 2.6
    MARKER_SIZE = 6.0
    START_SIZE = 12.0
    BALL_SIZE = 17.0
    MARKER_LIMIT = 250

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        """Create an empty view; call set_field or set_curve to show something."""
        super().__init__(parent)
        self.setBackground(BACKGROUND)
        self.setAntialiasing(True)
        self.ci.setContentsMargins(8, 18, 8, 8)
        self.plot_item = self.addPlot(row=0, col=0)
        self.colour_bar = ColourBar()
        self.addItem(self.colour_bar, row=0, col=1)
        self.view_box = self.plot_item.getViewBox()
        self.view_box.setMenuEnabled(False)
        self.plot_item.hideButtons()
        self._style_axes()
        self._lut = colormap_lut(DEFAULT_COLORMAP)
        self.colour_bar.set_colours(self._lut)
        self._curve_mode = False
        self._runs: list[TrajectoryData] = []
        self.run_items: list[RunItems] = []
        self._setting_start = False
        self._fill_arguments: tuple | None = None
        self.pixel_scale = 1.0
        self._build_items()
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.view_box.sigRangeChangedManually.connect(self._on_range_changed_by_user)

    def _style_axes(self) -> None:
        """Readable tick fonts and dark axes for projection."""
        tick_font = QtGui.QFont()
        tick_font.setPixelSize(14)
        for plot in (self.plot_item, self.colour_bar):
            for side in ("left", "bottom", "right"):
                axis = plot.getAxis(side)
                axis.setPen(pg.mkPen(TEXT_COLOUR))
                axis.setTextPen(pg.mkPen(TEXT_COLOUR))
                axis.setStyle(tickFont=tick_font, tickTextOffset=6)
                axis.label.setFont(self._title_font())
        for plot in (self.plot_item, self.colour_bar):
            plot.getAxis("bottom").setHeight(56)
        self.plot_item.getAxis("left").setWidth(64)

    @staticmethod
    def _title_font() -> QtGui.QFont:
        """Italic font for axis titles (variable names)."""
        font = QtGui.QFont()
        font.setPixelSize(17)
        font.setItalic(True)
        return font

    def _build_items(self) -> None:
        """Create the fill, level lines, arrows, curve, tangent and start marker."""
        self.fill_item = SmoothImageItem(axisOrder="row-major")
        self.fill_item.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.level_lines = pg.PlotCurveItem(connect="finite", antialias=True)
        self.level_lines.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.arrows = GradientArrowItem()
        self.curve = pg.PlotCurveItem(antialias=True)
        self.tangent = pg.PlotCurveItem(antialias=True)
        self.tangent_point = pg.ScatterPlotItem(size=11, brush=TANGENT_COLOUR, pen=pg.mkPen("w", width=1.5))
        self.start_marker = pg.TargetItem(
            pos=(0.0, 0.0), size=22, symbol="o", brush=pg.mkBrush(255, 255, 255, 90),
            hoverBrush=pg.mkBrush(255, 255, 255, 160), movable=True,
        )
        self._apply_pen_widths(1.0)
        self.start_marker.sigPositionChanged.connect(self._on_start_moved)
        for z_value, item in enumerate(
            (self.fill_item, self.level_lines, self.arrows, self.curve, self.tangent, self.tangent_point)
        ):
            item.setZValue(z_value)
            self.plot_item.addItem(item)
        self.start_marker.setZValue(50)
        self.plot_item.addItem(self.start_marker)
        self.start_marker.hide()
        for item in (self.curve, self.tangent, self.tangent_point):
            item.hide()

    def _apply_pen_widths(self, scale: float) -> None:
        """Give every line its width times scale (device pixels per window pixel)."""
        self.pixel_scale = scale
        self.level_lines.setPen(pg.mkPen(LINE_COLOUR, width=self.LINE_WIDTH * scale))
        self.curve.setPen(pg.mkPen(CURVE_COLOUR, width=self.CURVE_WIDTH * scale))
        self.tangent.setPen(pg.mkPen(TANGENT_COLOUR, width=self.TANGENT_WIDTH * scale))
        self.start_marker.setPen(pg.mkPen(TEXT_COLOUR, width=2.0 * scale))
        self.start_marker.setHoverPen(pg.mkPen(TANGENT_COLOUR, width=2.5 * scale))
        self.arrows.pixel_scale = scale
        self.arrows.update()
        for items in self.run_items:
            items.apply_pen_widths(scale)

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
    ) -> None:
        """Show heights[j, i] over (xs[i], ys[j]) as filled contours with level lines and gradient arrows.

        NaN cells stay blank. Levels default to choose_levels(heights); level_labels (one per level)
        replace the numbers on the colour bar, e.g. real f values when heights are log-transformed.
        """
        xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        heights = np.asarray(heights, dtype=np.float64)
        if heights.shape != (len(ys), len(xs)):
            raise ValueError(f"heights must have shape (len(ys), len(xs)) = {(len(ys), len(xs))}, got {heights.shape}")
        levels = choose_levels(heights) if levels is None else np.asarray(levels, dtype=np.float64)
        self._show_field_items(True)
        finite = np.isfinite(heights)
        lo, hi = (float(heights[finite].min()), float(heights[finite].max())) if finite.any() else (0.0, 1.0)
        self._set_fill(xs, ys, heights, levels, lo, hi)
        lines = contour_polylines(xs, ys, heights, levels)
        self.level_lines.setData(lines[:, 0], lines[:, 1], connect="finite")
        if gx is not None and gy is not None:
            blank = ~np.isfinite(heights)
            self.arrows.set_field(
                xs, ys, np.where(blank, np.nan, np.asarray(gx, dtype=np.float64)), np.asarray(gy, dtype=np.float64)
            )
        else:
            self.arrows.clear()
        self._set_colour_bar_ticks(levels, lo, hi, level_labels, labels[2])
        self._set_axis_titles(labels[0], labels[1])
        self._set_range((xs[0], xs[-1]), (ys[0], ys[-1]))
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

    def _set_colour_bar_ticks(self, levels: np.ndarray, lo: float, hi: float, level_labels: Sequence[str] | None,
                              title: str) -> None:
        """Put every level (thinned to about 8 labels) on the colour bar at its colour position."""
        shown = labelled_level_indices(levels)
        if level_labels is None:
            texts = level_texts(levels[shown], hi - lo)
        else:
            texts = [list(level_labels)[index] for index in shown]
        self.colour_bar.set_ticks(level_fractions(levels, levels, lo, hi)[shown], texts, title)

    def _set_axis_titles(self, x_title: str, y_title: str) -> None:
        """Name the axes after the plotted variables."""
        self.plot_item.setLabel("bottom", x_title)
        self.plot_item.setLabel("left", y_title)

    def _set_range(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        """Show exactly these ranges (without emitting range_changed)."""
        self.view_box.setRange(xRange=x_range, yRange=y_range, padding=0.0)

    def _show_field_items(self, field_mode: bool) -> None:
        """Switch between the contour map and the curve plot (a mode change hides the start marker)."""
        if self._curve_mode == field_mode:
            self.hide_start_point()
        self._curve_mode = not field_mode
        for item in (self.fill_item, self.level_lines, self.arrows, self.colour_bar):
            item.setVisible(field_mode)
        self.curve.setVisible(not field_mode)
        if field_mode:
            self.hide_tangent()

    def set_colormap(self, lut: np.ndarray) -> None:
        """Use a float (N, 4) lookup table for the fill and the colour bar."""
        self._lut = np.asarray(lut, dtype=np.float32)
        self.colour_bar.set_colours(self._lut)
        if self._fill_arguments is not None:
            self._set_fill(*self._fill_arguments)

    def set_arrow_direction(self, direction: str) -> None:
        """'uphill' shows ∇f, 'downhill' shows −∇f."""
        if direction not in ("uphill", "downhill"):
            raise ValueError(f"direction must be 'uphill' or 'downhill', got {direction!r}")
        self.arrows.set_direction(direction == "uphill")

    def set_arrows_visible(self, visible: bool) -> None:
        """Show or hide the gradient arrows."""
        self.arrows.setVisible(visible and not self._curve_mode)

    def set_curve(self, ws: np.ndarray, fs: np.ndarray, labels: tuple[str, str] = ("w", "f")) -> None:
        """Plot a one-variable f(w) instead of the map."""
        ws, fs = np.asarray(ws, dtype=np.float64), np.asarray(fs, dtype=np.float64)
        self._show_field_items(False)
        self.curve.setData(ws, fs, connect="finite")
        self._set_axis_titles(labels[0], labels[1])
        finite = fs[np.isfinite(fs)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        pad = 0.06 * max(hi - lo, 1e-9)
        self._set_range((ws[0], ws[-1]), (lo - pad, hi + pad))
        self._redraw_runs()

    def set_tangent(self, w0: float, f0: float, slope: float) -> None:
        """Draw the tangent line through (w0, f0) with this slope, across a third of the visible width."""
        (x_lo, x_hi), _ = self.view_box.viewRange()
        half = (x_hi - x_lo) / 6.0
        ws = np.array([w0 - half, w0 + half])
        self.tangent.setData(ws, f0 + slope * (ws - w0))
        self.tangent_point.setData([w0], [f0])
        self.tangent.show()
        self.tangent_point.show()

    def hide_tangent(self) -> None:
        """Remove the tangent line."""
        self.tangent.hide()
        self.tangent_point.hide()

    def set_start_point(self, x: float, y: float) -> None:
        """Place the draggable start marker (does not emit start_dragged)."""
        self._setting_start = True
        try:
            self.start_marker.setPos(float(x), float(y))
        finally:
            self._setting_start = False
        self.start_marker.show()

    def hide_start_point(self) -> None:
        """Remove the start marker."""
        self.start_marker.hide()

    # ---------------------------------------------------------------- runs
    def set_trajectories(self, runs: Sequence[TrajectoryData]) -> None:
        """Draw these descent runs (x, y columns; in curve mode w and the last column)."""
        for items in self.run_items:
            items.remove_from(self.plot_item)
        self._runs = list(runs)
        self.run_items = [RunItems(run.colour, self) for run in self._runs]
        self._redraw_runs()

    def set_current_index(self, index: int, run: int | None = None) -> None:
        """Move the current point of one run (or of all runs)."""
        targets = range(len(self._runs)) if run is None else [run]
        for target in targets:
            self.run_items[target].show_up_to(resolve_index(index, len(self.run_items[target].xs)))

    def _redraw_runs(self) -> None:
        """Give every run its points in the current mode and show them up to their current index."""
        for run, items in zip(self._runs, self.run_items, strict=True):
            points = np.asarray(run.points, dtype=np.float64)
            y_column = points[:, -1] if self._curve_mode else points[:, 1]
            items.set_points(points[:, 0], y_column)
            items.show_up_to(resolve_index(run.current_index, len(points)))

    # ---------------------------------------------------------------- mouse
    def _on_mouse_moved(self, scene_pos: QtCore.QPointF) -> None:
        """Report the data position under the mouse."""
        if self.view_box.sceneBoundingRect().contains(scene_pos):
            point = self.view_box.mapSceneToView(scene_pos)
            self.hovered.emit(float(point.x()), float(point.y()))

    def _on_mouse_clicked(self, event: object) -> None:
        """Report left clicks inside the plot in data coordinates."""
        if event.button() != QtCore.Qt.MouseButton.LeftButton or event.isAccepted():
            return
        scene_pos = event.scenePos()
        if self.view_box.sceneBoundingRect().contains(scene_pos):
            point = self.view_box.mapSceneToView(scene_pos)
            self.clicked.emit(float(point.x()), float(point.y()))

    def _on_start_moved(self, marker: pg.TargetItem) -> None:
        """Report the start marker's position while the user drags it."""
        if not self._setting_start:
            position = marker.pos()
            self.start_dragged.emit(float(position.x()), float(position.y()))

    def _on_range_changed_by_user(self, *_: object) -> None:
        """Report the new visible ranges after the user panned or zoomed."""
        (x_lo, x_hi), (y_lo, y_hi) = self.view_box.viewRange()
        self.range_changed.emit((float(x_lo), float(x_hi)), (float(y_lo), float(y_hi)))

    def data_to_widget(self, x: float, y: float) -> QtCore.QPointF:
        """Widget (viewport) pixel position of a data point, e.g. for simulated clicks."""
        scene_pos = self.view_box.mapViewToScene(QtCore.QPointF(x, y))
        return QtCore.QPointF(self.mapFromScene(scene_pos))

    # ---------------------------------------------------------------- export
    def render_to_painter(self, painter: QtGui.QPainter, width: int, height: int) -> None:
        """Paint the view's picture into a painter's device of this pixel size (also for SVG export).

        The layout is that of a window with the target's aspect ratio and the window's height, then
        scaled, so an export at the window's aspect ratio is the window's picture, scaled.
        """
        scale = height / max(self.height(), 1)
        logical = QtCore.QSizeF(width / scale, height / scale)
        original = self.ci.size()
        resized = abs(logical.width() - original.width()) > 0.5 or abs(logical.height() - original.height()) > 0.5
        if resized:
            self.ci.resize(logical)
        exporting = [item for item in self.scene().items() if hasattr(item, "setExportMode")]
        options = {"antialias": True, "background": BACKGROUND, "painter": painter, "resolutionScale": scale}
        for item in exporting:
            item.setExportMode(True, options)
        self._apply_pen_widths(scale)
        try:
            painter.fillRect(QtCore.QRectF(0, 0, width, height), BACKGROUND)
            painter.setRenderHints(
                QtGui.QPainter.RenderHint.Antialiasing
                | QtGui.QPainter.RenderHint.TextAntialiasing
                | QtGui.QPainter.RenderHint.SmoothPixmapTransform
            )
            source = QtCore.QRectF(QtCore.QPointF(0.0, 0.0), logical)
            self.scene().render(painter, QtCore.QRectF(0, 0, width, height), source)
        finally:
            for item in exporting:
                item.setExportMode(False)
            self._apply_pen_widths(1.0)
            if resized:
                self.ci.resize(original)

    def render_to_array(self, width: int, height: int) -> np.ndarray:
        """Render what the window shows into an (height, width, 4) uint8 RGBA array, scaled to that size."""
        image = QtGui.QImage(int(width), int(height), QtGui.QImage.Format.Format_RGBA8888)
        painter = QtGui.QPainter(image)
        self.render_to_painter(painter, int(width), int(height))
        painter.end()
        return qimage_to_array(image)


class RunItems:
    """The plot items of one run: halo and line up to the current point, markers, start ring and ball."""

    def __init__(self, colour: tuple[float, float, float, float], view: ContourView) -> None:
        """Create the items in the view's plot."""
        qcolour = QtGui.QColor.fromRgbF(*colour)
        outline = pg.mkPen(30, 30, 40, width=1.2)
        self.colour = qcolour
        self.width = view.RUN_WIDTH
        self.halo = pg.PlotCurveItem(antialias=True)
        self.line = pg.PlotCurveItem(antialias=True)
        self.apply_pen_widths(view.pixel_scale)
        self.markers = pg.ScatterPlotItem(size=view.MARKER_SIZE, brush=qcolour, pen=outline)
        self.start = pg.ScatterPlotItem(size=view.START_SIZE, brush=pg.mkBrush("w"), pen=pg.mkPen(qcolour, width=3.0))
        self.ball = pg.ScatterPlotItem(size=view.BALL_SIZE, brush=qcolour, pen=pg.mkPen(30, 30, 40, width=1.6))
        self.marker_limit = view.MARKER_LIMIT
        self.xs = np.zeros(0)
        self.ys = np.zeros(0)
        for z_value, item in enumerate(self.items(), start=20):
            item.setZValue(z_value)
            view.plot_item.addItem(item)

    def apply_pen_widths(self, scale: float) -> None:
        """Line and halo widths times scale."""
        self.halo.setPen(pg.mkPen(HALO_COLOUR, width=(self.width + 3.0) * scale))
        self.line.setPen(pg.mkPen(self.colour, width=self.width * scale))

    def items(self) -> tuple[pg.GraphicsObject, ...]:
        """All items, bottom to top."""
        return (self.halo, self.line, self.markers, self.start, self.ball)

    def remove_from(self, plot_item: pg.PlotItem) -> None:
        """Take the items out of the plot."""
        for item in self.items():
            plot_item.removeItem(item)

    def set_points(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """Store the run's points in plot coordinates."""
        self.xs, self.ys = xs, ys
        self.start.setData(xs[:1], ys[:1])
        show_markers = 2 < len(xs) <= self.marker_limit
        self.markers.setData(xs[1:-1] if show_markers else [], ys[1:-1] if show_markers else [])

    def show_up_to(self, index: int) -> None:
        """Show the path up to and including point index, with the ball there."""
        if len(self.xs) == 0:
            return
        end = index + 1
        for curve in (self.halo, self.line):
            curve.setData(self.xs[:end], self.ys[:end])
        if len(self.markers.data):
            visible = np.arange(1, len(self.xs) - 1) < index
            self.markers.setPointsVisible(visible)
        self.ball.setData(self.xs[index : index + 1], self.ys[index : index + 1])
