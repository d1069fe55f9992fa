"""What the teaching panels share: refreshing only what is seen, the selected run, its chooser and swatches."""

from __future__ import annotations

import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap, QShowEvent
from PySide6.QtWidgets import QComboBox, QWidget

from gradviz.app.colormaps import RUN_COLOURS
from gradviz.app.presenters import run_colour, run_symbol
from gradviz.app.view_common import TEXT_COLOUR, SteadyLabelAxis, show_axes, steady_axes
from gradviz.core.descent import Run
from gradviz.core.notation import format_number, unicode_name
from gradviz.core.runs import RunResult, run_titles
from gradviz.core.session import Session

MAX_RUNS = len(RUN_COLOURS)  # one distinct colour per run
SWATCH_SIZE = 14
CHOOSER_CHARACTERS = 16  # the run drop-downs' narrowest width; longer titles show in full when opened
WRONG_SIGN_COLOUR = "#b00020"
MUTED_COLOUR = "#666670"
OUTCOME_COLOURS = {"converged": "#1b7f3b", "max_steps": MUTED_COLOUR, "diverged": WRONG_SIGN_COLOUR,
                   "singular_hessian": WRONG_SIGN_COLOUR}
SCENE_CHANGED_COLOUR = "#8a4500"  # what the views changed from a lesson scene as its caption was written for
NOT_A_MINIMUM_COLOUR = "#a35c00"  # stopped at ∇f = 0, but at a maximum, a saddle point or an unknown start: no success


def outcome_colour(run: Run) -> str:
    """The colour a run's stop reason is written in: green for a minimum, amber for another point ∇f = 0, …"""
    if run.missed_minimum:
        return NOT_A_MINIMUM_COLOUR
    return OUTCOME_COLOURS.get(run.stop_reason, MUTED_COLOUR)


def run_qcolour(index: int, theme: str = "default") -> QColor:
    """Run `index`'s colour (the one every view uses, in a theme's colours) as a QColor."""
    return QColor.fromRgbF(*run_colour(index, theme))


def run_swatch(index: int, theme: str = "default") -> QIcon:
    """Run `index`'s mark (● ■ ▲ …, the shape of its steps on the map) in its colour, with a dark edge."""
    pixmap = QPixmap(SWATCH_SIZE, SWATCH_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(SWATCH_SIZE / 2, SWATCH_SIZE / 2)
    painter.scale(SWATCH_SIZE - 2, SWATCH_SIZE - 2)
    painter.setPen(QPen(QColor(30, 30, 40), 1.0 / SWATCH_SIZE))
    painter.setBrush(run_qcolour(index, theme))
    painter.drawPath(Symbols[run_symbol(index)])
    painter.end()
    return QIcon(pixmap)


class RunSelection(QObject):
    """Which run the update panel and the step table explain; follows the session's runs (default run 0)."""

    changed = Signal(int)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._index = 0
        session.runs_changed.connect(self._runs_changed)

    @property
    def index(self) -> int:
        """The selected run's index (0 when there are no runs)."""
        return self._index

    def select(self, index: int) -> None:
        """Select run `index` (clamped to the runs there are)."""
        index = max(0, min(int(index), len(self._session.runs) - 1))
        if index != self._index:
            self._index = index
            self.changed.emit(index)

    def result(self) -> RunResult | None:
        """The selected run, or None when there are no runs."""
        runs = self._session.runs
        return runs[self._index] if self._index < len(runs) else None

    def _runs_changed(self, runs: tuple[RunResult, ...]) -> None:
        if self._index >= len(runs):
            self.select(len(runs) - 1)


class RunChooser(QComboBox):
    """A drop-down of the session's runs bound to the shared selection."""

    def __init__(self, session: Session, selection: RunSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._selection = selection
        self._filling = False
        self.setToolTip("The run this panel explains (also chosen in the Runs panel)")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(CHOOSER_CHARACTERS)
        self.activated.connect(selection.select)
        session.runs_changed.connect(lambda _runs: self._fill())
        session.theme_changed.connect(lambda _theme: self._fill())
        selection.changed.connect(self._show_selection)
        self._fill()

    def _fill(self) -> None:
        self._filling = True
        self.clear()
        runs = self._session.runs
        for index, title in enumerate(run_titles([result.spec for result in runs])):
            self.addItem(run_swatch(index, self._session.theme), title)
        self._filling = False
        self._show_selection(self._selection.index)

    def _show_selection(self, index: int) -> None:
        if index < self.count():
            self.setCurrentIndex(index)


REFRESH_EVENT = QEvent.Type(QEvent.registerEventType())
PLAYBACK_REFRESH_MS = 200  # while the run plays, panels catch up five times a second; the views draw every step


class LazyPanel(QWidget):
    """A panel that redraws from the session at most once per event-loop pass, and only while it is seen.

    A redraw is posted as an event, which the window delivers just before it repaints (see single_repaint),
    so the step's changes in every view reach the screen in the same repaint. Changes that arrive
    while the panel is not seen (closed, or behind another tab: its dock says so through set_seen) mark
    it stale; it catches up when it is seen again.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stale = True
        self._seen = True
        self._posted = False
        self._playing = False
        self._playback_timer = QTimer(self)
        self._playback_timer.setSingleShot(True)
        self._playback_timer.setInterval(PLAYBACK_REFRESH_MS)
        self._playback_timer.timeout.connect(self._catch_up)

    def refresh(self) -> None:
        """Redraw everything from the session (each panel its own way)."""
        raise NotImplementedError

    def schedule_refresh(self, *_: object) -> None:
        """Ask for a redraw: soon if the panel is seen, else when it is next seen."""
        self._stale = True
        if self._seen and self.isVisible():
            self._post_refresh()

    def refresh_with_the_views(self, *_: object) -> None:
        """Redraw at once if seen, so the panel reaches the screen in the same repaint as the views.

        For the clock: step_changed is the last signal of every change, and playback sends it many
        times a second.
        """
        self._stale = True
        if not (self._seen and self.isVisible()):
            return
        if self._playing:
            self.defer_while_playing()
            return
        self._stale = False
        self.refresh()

    @property
    def is_playing(self) -> bool:
        """Whether a run is playing (the panel then redraws a few times a second)."""
        return self._playing

    def defer_while_playing(self) -> None:
        """Catch up at the next of the few redraws a second made while a run plays."""
        if not self._playback_timer.isActive():
            self._playback_timer.start()

    def set_playing(self, playing: bool) -> None:
        """While the run plays, redraw a few times a second instead of on every step; catch up on pause."""
        self._playing = playing
        if not playing:
            self._playback_timer.stop()
            self._catch_up()

    def _catch_up(self) -> None:
        if self._stale and self._seen and self.isVisible():
            self._stale = False
            self.refresh()

    def is_current(self) -> bool:
        """Whether the panel shows the session as it is now (no redraw pending)."""
        return not self._stale and not self._posted

    def set_seen(self, seen: bool) -> None:
        """Whether the panel is on screen (its dock is open and its tab in front); catch up when it is."""
        self._seen = seen
        if seen and self._stale and self.isVisible():
            self._post_refresh()

    def _post_refresh(self) -> None:
        if not self._posted:
            self._posted = True
            QCoreApplication.postEvent(self, QEvent(REFRESH_EVENT))

    def event(self, event: QEvent) -> bool:
        """Redraw when the posted refresh arrives."""
        if event.type() != REFRESH_EVENT:
            return super().event(event)
        self._posted = False
        if self._stale:
            self._stale = False
            self.refresh()
        return True

    def showEvent(self, event: QShowEvent) -> None:
        """Catch up with changes made while hidden."""
        super().showEvent(event)
        if self._stale:
            self._post_refresh()


def no_run_text(session: Session, missing: str) -> str:
    """'No run to explain.', or why the run asked for could not start and what to do about it."""
    if not session.run_refusal:
        return f"No run {missing}."
    elsewhere = "Click the contour map (or use Run → Set the start point…) to start it elsewhere"
    if session.fixed:  # the held values may be what leaves f undefined (ln z with z held at 0)
        held = ", ".join(f"{unicode_name(name)} = {format_number(value)}" for name, value in session.fixed.items())
        return f"No run {missing}: it {session.run_refusal}. {elsewhere}, or change the held values ({held})."
    return f"No run {missing}: it {session.run_refusal}. {elsewhere}."


def muted(text: str) -> str:
    """Rich text in the panels' quiet grey."""
    return f"<span style='color:{MUTED_COLOUR}'>{text}</span>"


def wrong_sign(text: str) -> str:
    """Rich text in the wrong sign's red, bold."""
    return f"<b style='color:{WRONG_SIGN_COLOUR}'>{text}</b>"


ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class OpaqueGridAxis(SteadyLabelAxis):
    """An axis whose grid lines are drawn under the plot's curves in opaque colours that look like pyqtgraph's.

    pyqtgraph fades grid lines with a translucent pen, and Qt draws translucent lines a pixel at a time: the
    grid of one small plot cost over a millisecond on every repaint. Mixed with the white background, the
    same colours are opaque and drawn as spans, at a fiftieth of that.
    """

    BACKGROUND = QColor(255, 255, 255)
    whole_numbers = False  # ticks at whole numbers only (steps), never 0.2, 0.4…

    def tickSpacing(self, low: float, high: float, size: float) -> list[tuple[float, float]]:
        """pyqtgraph's tick spacings; with whole_numbers, none finer than 1."""
        levels = super().tickSpacing(low, high, size)
        if not self.whole_numbers:
            return levels
        return [(spacing, offset) for spacing, offset in levels if spacing >= 1.0] or [(1.0, 0.0)]

    def generateDrawSpecs(self, p: QPainter) -> tuple | None:
        """pyqtgraph's tick and grid lines, their pens made opaque over the background."""
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis_spec, tick_specs, text_specs = specs
        opaque: dict[int, QPen] = {}  # pyqtgraph shares one pen among the lines of a tick level
        for pen, *_ in tick_specs:
            if id(pen) not in opaque:
                opaque[id(pen)] = opaque_over(pen, self.BACKGROUND)
        return axis_spec, [(opaque[id(pen)], *ends) for pen, *ends in tick_specs], text_specs

    def setGrid(self, grid: bool | float) -> None:
        """Show the grid (alpha) or not; a shown grid goes under the plot's curves."""
        super().setGrid(grid)
        view = self.linkedView()
        self.setZValue(0.5 if grid is False or view is None else view.zValue() - 1.0)


def opaque_over(pen: QPen, background: QColor) -> QPen:
    """The pen with its translucent colour mixed into the background, so that it draws the same, opaque."""
    colour = pen.color()
    if colour.alpha() == 255:
        return pen
    alpha = colour.alphaF()
    mixed = QColor.fromRgbF(*(alpha * part + (1.0 - alpha) * under for part, under in
                              zip(colour.getRgbF()[:3], background.getRgbF()[:3], strict=True)))
    opaque = QPen(pen)
    opaque.setColor(mixed)
    return opaque


class PanelPlot(pg.PlotWidget):
    """A white plot for a dock panel that asks for little room, so a panel's plots share what the dock has.

    pyqtgraph's plots ask for 640×480; in a dock that scrolls, that would make the panel taller than the
    dock and show only part of each plot.
    """

    PREFERRED = QSize(300, 140)

    def __init__(self, preferred: QSize = PREFERRED, least_plot_height: int = 0) -> None:
        """A white plot with a faint grid, dark axes and no menu, whose axes draw their grids opaque.

        least_plot_height: the fewest pixels the plotting area itself takes, under the step axis and its title.
        """
        super().__init__(background="w", axisItems=steady_axes(OpaqueGridAxis))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # nothing in it takes keys: Tab passes it by
        self._preferred = preferred
        self._least_plot_height = least_plot_height
        item = self.getPlotItem()
        show_axes(item, "left", "bottom")
        item.hideButtons()
        item.setMenuEnabled(False)
        item.showGrid(x=True, y=True, alpha=0.15)
        for side in ("left", "bottom"):
            item.getAxis(side).setPen(pg.mkPen(TEXT_COLOUR))
            item.getAxis(side).setTextPen(pg.mkPen(TEXT_COLOUR))
            # major and minor ticks only: pyqtgraph's third level (a tenth of the major spacing) is all but
            # invisible in a small plot, and it costs a quarter of the axis's drawing when the range changes
            item.getAxis(side).setStyle(maxTickLevel=1)
        # the tick labels' room only grows: a narrower axis for the next formula would move the plot and redraw it all
        item.getAxis("left").setStyle(autoReduceTextSpace=False)

    def set_text_font(self, font: QFont) -> None:
        """Write the axes' labels and titles in this font rather than the application's (an export's are fixed)."""
        for side in ("left", "bottom"):
            axis = self.getPlotItem().getAxis(side)
            axis.setStyle(tickFont=font)
            axis.label.setFont(font)
            axis._adjustSize()  # the title's room, measured in the application's font until now
        self.updateGeometry()  # the axes' room, and with it the least height, may have changed

    def set_least_plot_height(self, height: int) -> None:
        """Take at least this many pixels for the plotting area itself (the layouts are told only of a change)."""
        if height != self._least_plot_height:
            self._least_plot_height = height
            self.updateGeometry()

    def sizeHint(self) -> QSize:
        """A small preferred size, never below the least one; the layout gives the plot whatever room is left."""
        return self._preferred.expandedTo(self.minimumSizeHint())

    def minimumSizeHint(self) -> QSize:
        """Room for the least plotting area with the axes and titles around it (if the plot has a least area)."""
        least = super().minimumSizeHint()
        if not self._least_plot_height:
            return least
        item = self.getPlotItem()
        top, bottom = item.layout.getContentsMargins()[1::2]
        around = sum(item.getAxis(side).maximumHeight() for side in ("top", "bottom") if item.getAxis(side).isVisible())
        return QSize(least.width(), self._least_plot_height + round(around + top + bottom))

    def show_range(self, x_range: tuple[float, float], y_range: tuple[float, float], x_padding: float,
                   y_padding: float) -> None:
        """Show these ranges, each widened by its padding (a share of its span) on either side, in one update.

        Setting x and y apart moves the view twice, and each move updates the axes and every item.
        """
        (x_low, x_high), (y_low, y_high) = x_range, y_range
        x_pad, y_pad = x_padding * (x_high - x_low), y_padding * (y_high - y_low)
        self.getPlotItem().setRange(xRange=(x_low - x_pad, x_high + x_pad), yRange=(y_low - y_pad, y_high + y_pad),
                                    padding=0.0)

    def set_axis_title(self, side: str, title: str) -> None:
        """Name an axis in the panels' text colour (an unchanged title is left alone: setting it redraws the axis)."""
        if not self.getPlotItem().getAxis(side).shows_title(title):
            self.getPlotItem().setLabel(side, title, color=TEXT_COLOUR.name())
            if side in ("top", "bottom") and self._least_plot_height:
                self.updateGeometry()  # the title's room is part of the least height
