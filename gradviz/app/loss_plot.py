"""The loss plot: f against the step for every run, in the run colours, linear or logarithmic, with the clock."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradviz.app.panel_base import LazyPanel, PanelPlot, muted, run_qcolour, run_title
from gradviz.app.surface_view import TEXT_COLOUR
from gradviz.core.notation import format_number
from gradviz.core.runs import RunResult
from gradviz.core.session import Session

LOG_FLOOR = 1e-12  # relative to the largest |f| shown: what f − min f is lifted by so the minimum can be drawn
CURVE_WIDTH = 2.4
RANGE_PADDING = 0.04  # of each axis's span, on either side
CLOCK_PEN = pg.mkPen((60, 60, 70), width=1.5, style=Qt.PenStyle.DashLine)


@dataclass(frozen=True)
class LossCurves:
    """The heights to plot for each run, the axis title and a sentence saying what they are."""

    heights: tuple[np.ndarray, ...]
    axis_title: str
    caption: str
    log: bool


def loss_curves(runs: tuple[RunResult, ...], name: str, log: bool) -> LossCurves:
    """f per run; on the log scale f itself when it is positive throughout, else f − min f + a tiny lift."""
    values = tuple(result.values for result in runs)
    if not log:
        return LossCurves(values, name, f"{name} at each step", log=False)
    joined = np.concatenate(values) if values else np.zeros(1)
    lowest = float(joined.min())
    if lowest > 0.0:
        return LossCurves(values, name, f"{name} at each step, logarithmic scale", log=True)
    lift = LOG_FLOOR * max(1.0, float(np.abs(joined).max()))
    caption = (f"{name} − min {name} + {format_number(lift, 2)} on a logarithmic scale "
               f"({name} reaches {format_number(lowest)} ≤ 0, whose logarithm does not exist)")
    return LossCurves(tuple(value - lowest + lift for value in values), f"{name} − min {name}", caption, log=True)


def legend_html(runs: tuple[RunResult, ...]) -> str:
    """A legend that flows above the plot instead of covering it: a swatch and a title per run."""
    return " &nbsp; ".join(
        f"<span style='white-space: nowrap'><span style='color:{run_qcolour(index).name()}'>■</span> "
        f"{html.escape(run_title(index, result.spec))}</span>"
        for index, result in enumerate(runs)
    )


class LossPlot(LazyPanel):
    """f against the step for every run, with a legend and a line at the current step."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.plot = PanelPlot()
        item = self.plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")  # long runs redraw fast as the clock line moves
        for side in ("left", "bottom"):
            item.getAxis(side).setPen(pg.mkPen(TEXT_COLOUR))
            item.getAxis(side).setTextPen(pg.mkPen(TEXT_COLOUR))
        item.setLabel("bottom", "step", color=TEXT_COLOUR.name())
        item.getAxis("left").enableAutoSIPrefix(False)
        self.clock_line = pg.InfiniteLine(angle=90, pen=CLOCK_PEN, movable=False)
        item.addItem(self.clock_line, ignoreBounds=True)
        self.curves: list[pg.PlotDataItem] = []

        self.log_box = QCheckBox("log scale")
        self.log_box.setToolTip("Show f on a logarithmic axis: convergence at a steady rate becomes a straight line")
        self.log_box.toggled.connect(self.schedule_refresh)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.log_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)

        session.runs_changed.connect(self.schedule_refresh)
        session.step_changed.connect(self._move_clock)

    def refresh(self) -> None:
        """Draw one curve per run."""
        session = self._session
        item = self.plot.getPlotItem()
        for curve in self.curves:
            item.removeItem(curve)
        name = session.analysis.formula.name if session.analysis else "f"
        shown = loss_curves(session.runs, name, self.log_box.isChecked())
        item.setLogMode(y=shown.log)
        item.setLabel("left", shown.axis_title, color=TEXT_COLOUR.name())
        self.curves = [
            item.plot(np.arange(len(heights)), heights, pen=pg.mkPen(run_qcolour(index), width=CURVE_WIDTH))
            for index, heights in enumerate(shown.heights)
        ]
        self.legend.setText(legend_html(session.runs))
        self.caption.setText(muted(shown.caption))
        self._fit_view(shown)
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
        item.setXRange(0, max(longest - 1, 1), padding=RANGE_PADDING)
        if finite.size:
            low, high = float(finite.min()), float(finite.max())
            if shown.log:
                low, high = math.log10(low), math.log10(high)
            if high - low <= 1e-12 * max(1.0, abs(high)):
                low, high = low - 0.5, high + 0.5
            item.setYRange(low, high, padding=RANGE_PADDING)

    def _move_clock(self, step: int) -> None:
        """Put the clock line at the step; while a run plays, a few times a second (each move redraws the plot)."""
        if self.is_playing:
            self.defer_while_playing()
            return
        self.clock_line.setValue(step)

    def _catch_up(self) -> None:
        super()._catch_up()
        self.clock_line.setValue(self._session.step)
