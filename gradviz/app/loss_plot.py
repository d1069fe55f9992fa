"""The loss plot: f against the step for every run, in the run colours, linear or logarithmic, with the clock."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from gradviz.app.panel_base import LazyPanel, PanelPlot, muted, run_qcolour
from gradviz.app.presenters import run_glyph, run_symbol
from gradviz.app.rich_text import RichTextLabel
from gradviz.app.view_common import widened_range
from gradviz.core.notation import NO_BREAK_SPACE, breakable_only_at, format_number
from gradviz.core.runs import RunResult, run_titles
from gradviz.core.session import Session

CURVE_WIDTH = 2.4
RANGE_PADDING = 0.04  # of each axis's span, on either side
CURVES_LEAST_HEIGHT = 54  # pixels of plotting area for the curves, between the room kept for the marks above and below
CLOCK_PEN = pg.mkPen((60, 60, 70), width=1.5, style=Qt.PenStyle.DashLine)
STEP_MARK_SIZE = 10.0  # each run's mark at the clock, in its shape (the legend's ● ■ ▲ …)
STEP_MARK_PEN = pg.mkPen((30, 30, 40), width=1.2)
STACK_GROWTH = 6.0  # pixels each coinciding later run's mark adds to an earlier one's size: they nest, all in sight
MOST_MARK_ROOM = 0.5  # the largest padding (a share of the span shown) a short plot leaves for the marks


@dataclass(frozen=True)
class LossCurves:
    """The heights to plot for each run, the axis title and a sentence saying what they are."""

    heights: tuple[np.ndarray, ...]
    axis_title: str
    caption: str
    log: bool
    refusal: str = ""  # why the log scale asked for is not shown ("" when it is, or was not asked for)


def loss_curves(runs: tuple[RunResult, ...], name: str, log: bool) -> LossCurves:
    """f per run, on the log scale when asked and f > 0 at every step; else linear, saying why where log was asked.

    f ≤ 0 has no logarithm: plotting log(f − min f + a lift) instead drew a made-up quantity whose shape says
    nothing of f's (its plunge at the minimum is the lift's), so the curves stay as f is.
    """
    values = tuple(result.values for result in runs)
    if not any(np.isfinite(value).any() for value in values):
        return LossCurves(values, name, f"{name} at each step: no run has a step to show", log=False)
    if not log:
        return LossCurves(values, name, f"{name} at each step", log=False)
    joined = np.concatenate(values)
    lowest = float(joined[np.isfinite(joined)].min())
    if lowest > 0.0:
        return LossCurves(values, name, f"{name} at each step, logarithmic scale", log=True)
    refusal = f"log scale needs {name} > 0: {name} reaches {format_number(lowest)}"
    return LossCurves(values, name, f"{name} at each step, linear scale", log=False, refusal=refusal)


def legend_html(runs: tuple[RunResult, ...], theme: str = "default") -> str:
    """A legend that flows above the plot instead of covering it: the run's mark (● ■ ▲ …) and title per run, a
    title breaking over lines only after its commas (never inside its brackets), its mark with its first words."""
    return " &nbsp; ".join(
        f"<span style='color:{run_qcolour(index, theme).name()}'>{run_glyph(index)}</span>{NO_BREAK_SPACE}"
        f"{html.escape(breakable_only_at(title, after=(',',)))}"
        for index, title in enumerate(run_titles([result.spec for result in runs]))
    )


def mark_room(run_count: int) -> float:
    """The pixels the runs' nested marks at the clock reach beyond a curve's point: half the largest, and an edge."""
    return (STEP_MARK_SIZE + STACK_GROWTH * max(run_count - 1, 0)) / 2.0 + 1.0


def least_plot_height(run_count: int) -> int:
    """The least plotting area for this many runs: the curves' room, and the marks' room above and below it.

    Five runs' nested marks reach 18 pixels from their point: 90 pixels in all (at 1100 × 640 the readout's five lines
    had left 41, and the marks were cut); one run's, 6 (66 pixels), and the probe's slices keep their room above.
    """
    return CURVES_LEAST_HEIGHT + 2 * math.ceil(mark_room(run_count))


class LossPlot(LazyPanel):
    """f against the step for every run, with a legend and a line at the current step."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        # The plot asks for its least height only, and takes all the height the dock has. Its dock is never shorter
        # than the panel (see PanelScroller): in a small window five runs' readout lines had squeezed the plotting
        # area to 41 pixels, cutting its marks, while the probe's dock above kept room it scrolled anyway.
        self.plot = PanelPlot(preferred=QSize(PanelPlot.PREFERRED.width(), 0), least_plot_height=least_plot_height(1))
        item = self.plot.getPlotItem()
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")  # long runs redraw fast as the clock line moves
        self.plot.set_axis_title("bottom", "step")
        item.getAxis("bottom").whole_numbers = True  # a run of one step: ticks 0 and 1, not 0, 0.2, 0.4…
        item.getAxis("left").enableAutoSIPrefix(False)
        item.getAxis("left").names_offset = False  # the caption names it: a short plot cut it off along the axis
        self.clock_line = pg.InfiniteLine(angle=90, pen=CLOCK_PEN, movable=False)
        item.addItem(self.clock_line, ignoreBounds=True)
        self.curves: list[pg.PlotDataItem] = []  # one per run, kept and refilled: making one costs a millisecond
        # where each run is at the clock, in its shape and colour: runs are told apart without colour too
        self.step_marks = pg.PlotDataItem(pen=None, symbolSize=STEP_MARK_SIZE, symbolPen=STEP_MARK_PEN)
        self.step_marks.setZValue(10)
        item.addItem(self.step_marks, ignoreBounds=True)
        self._heights: tuple[np.ndarray, ...] = ()  # the heights drawn, one array per run
        self._marks_shown: tuple | None = None  # the step marks as last drawn: steps, heights, sizes, runs, theme

        self.log_box = QCheckBox("log scale")
        self.log_box.setToolTip("Show f on a logarithmic axis: convergence at a steady rate becomes a straight line")
        self.log_box.toggled.connect(self.schedule_refresh)
        self.caption = RichTextLabel(word_wrap=True, whole_words=True)
        self.legend = RichTextLabel(word_wrap=True, whole_words=True)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.log_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)

        session.runs_changed.connect(self.schedule_refresh)
        session.theme_changed.connect(self.schedule_refresh)
        session.step_changed.connect(self._move_clock)

    def refresh(self) -> None:
        """Draw one curve per run."""
        session = self._session
        item = self.plot.getPlotItem()
        name = session.analysis.formula.name if session.analysis else "f"
        shown = loss_curves(session.runs, name, self.log_box.isChecked())
        if item.ctrl.logYCheck.isChecked() != shown.log:
            item.setLogMode(y=shown.log)
        self.plot.set_axis_title("left", shown.axis_title)
        while len(self.curves) < len(shown.heights):
            self.curves.append(item.plot(antialias=True))  # smooth like the map's curves, in the window and in exports
        for index, curve in enumerate(self.curves):
            curve.setVisible(index < len(shown.heights))
            if index < len(shown.heights):
                curve.setPen(pg.mkPen(run_qcolour(index, session.theme), width=CURVE_WIDTH))
                curve.setData(np.arange(len(shown.heights[index])), shown.heights[index])
        self._heights = shown.heights
        self.plot.set_least_plot_height(least_plot_height(len(shown.heights)))
        self.legend.setText(legend_html(session.runs, session.theme))
        self._fit_view(shown)
        offset = item.getAxis("left").offset_text()  # what the f axis's labels count from, once the range is set
        caption = muted(f"{shown.caption}; axis labels {offset}" if offset else shown.caption)
        self.caption.setText(f"<b>{html.escape(shown.refusal)}</b><br>{caption}" if shown.refusal else caption)
        self._move_clock(session.step)

    def _fit_view(self, shown: LossCurves) -> None:
        """Show every step and every finite height, measured on the data rather than on what the plot draws.

        pyqtgraph's auto-range measures the drawn curve, which is clipped to the view and thinned to its
        width; the thinning can drop a run's last, diverged step, so the range, the axis width and with it the
        thinning flipped back and forth on every repaint.
        """
        heights = [values[np.isfinite(values) & ((values > 0) if shown.log else True)] for values in shown.heights]
        finite = np.concatenate(heights) if heights else np.zeros(0)
        item = self.plot.getPlotItem()
        item.disableAutoRange()
        longest = max((len(values) for values in shown.heights), default=1)
        steps = (0.0, float(max(longest - 1, 1)))
        x_padding, y_padding = self._paddings(len(shown.heights))
        if not finite.size:  # no old heights stay on the axis
            self.plot.show_range(steps, (0.0, 1.0), x_padding, y_padding)
            return
        low, high = float(finite.min()), float(finite.max())
        if shown.log:
            low, high = math.log10(low), math.log10(high)
        low, high = widened_range(low, high)  # flat: a tenth of their size either way (7.2e10 read 72004899339.2)
        self.plot.show_range(steps, (low, high), x_padding, y_padding)

    def _paddings(self, run_count: int) -> tuple[float, float]:
        """The shares of the steps and heights shown beyond the curves: RANGE_PADDING, or room for a step mark.

        A run's mark at its last step, or at f's lowest value, was cut in half by the plot's edge; marks of runs
        that coincide nest, the first the largest (five runs' 34 pixels were cut in a plot 140 pixels high: the room
        is capped at MOST_MARK_ROOM of the span, not dropped). A padding p of the span is p / (1 + 2p) of the side.
        """
        box = self.plot.getPlotItem().getViewBox().boundingRect()
        mark = mark_room(run_count)
        return tuple(min(max(RANGE_PADDING, mark / (side - 2.0 * mark)), MOST_MARK_ROOM) if side > 3.0 * mark
                     else RANGE_PADDING
                     for side in (box.width(), box.height()))  # (a side of a few pixels: not laid out yet)

    def _move_clock(self, step: int) -> None:
        """Put the clock line at the step; while a run plays, a few times a second (each move redraws the plot)."""
        if self.is_playing:
            self.defer_while_playing()
            return
        self._show_step(step)

    def _catch_up(self) -> None:
        super()._catch_up()
        self._show_step(self._session.step)

    def _show_step(self, step: int) -> None:
        """The clock line at the step, and on each run's curve its mark where that run is (its last step if over)."""
        self.clock_line.setValue(step)
        marks = [(index, min(step, len(heights) - 1)) for index, heights in enumerate(self._heights) if len(heights)]
        marks = [(index, at) for index, at in marks if np.isfinite(self._heights[index][at])]
        theme = self._session.theme
        xs, ys = [at for _, at in marks], [float(self._heights[index][at]) for index, at in marks]
        sizes = self._nested_sizes(np.array(xs, dtype=float), np.array(ys, dtype=float)).tolist()
        shown = (xs, ys, sizes, [index for index, _ in marks], theme)
        if shown == self._marks_shown:  # a new formula's runs came with the clock: the marks are drawn once
            return
        self._marks_shown = shown
        self.step_marks.setData(
            xs, ys,
            symbol=[run_symbol(index) for index, _ in marks],
            symbolBrush=[run_qcolour(index, theme) for index, _ in marks],
            symbolSize=sizes,
        )

    def draw_marks_at(self, scale: float) -> None:
        """Draw the step marks as shapes at this many picture pixels per plot pixel (a frame the plot is scaled into).

        pyqtgraph draws marks from a bitmap of their size on screen: scaled up into a large frame they looked blurred.
        """
        self.step_marks.scatter.setExportMode(True, {"resolutionScale": scale, "antialias": True})
        self.step_marks.setSymbolPen(pg.mkPen(STEP_MARK_PEN.color(), width=STEP_MARK_PEN.widthF() * scale))

    def _nested_sizes(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Each mark's size: larger by STACK_GROWTH for every later run's mark it would hide under.

        Runs converging to the same f had their marks piled into one blob; nested, each shape and colour shows.
        """
        if self.plot.getPlotItem().ctrl.logYCheck.isChecked():
            ys = np.log10(np.maximum(ys, np.finfo(float).tiny))
        pixel_width, pixel_height = self.plot.getPlotItem().getViewBox().viewPixelSize()
        near = ((np.abs(xs[:, None] - xs[None, :]) < STEP_MARK_SIZE * pixel_width)
                & (np.abs(ys[:, None] - ys[None, :]) < STEP_MARK_SIZE * pixel_height))
        later = np.triu(near, k=1).sum(axis=1)  # marks drawn after (over) each one that it would hide under
        return STEP_MARK_SIZE + STACK_GROWTH * later
