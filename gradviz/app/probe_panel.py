"""The probe: where it is (the descent point, a pinned point, the mouse) and the panel of values and slices there."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gradviz.app.contour_view import ContourView
from gradviz.app.panel_base import LazyPanel, PanelPlot, muted, wrong_sign
from gradviz.app.point_dialog import ask_point
from gradviz.app.rich_text import OneLineLabel, RichTextLabel
from gradviz.app.view_common import range_with_labelled_ticks
from gradviz.app.wrapping_row import WrappingRow
from gradviz.core.grid import broken_curve, robust_range
from gradviz.core.notation import format_number, format_value, partial_label, point_text, unicode_name
from gradviz.core.probe import (
    RELATIVE_STEP,
    SLICE_HEIGHT_MARGIN,
    GradientCheck,
    Probe,
    SliceCurve,
    check_texts,
    probe_at,
    slice_curves,
)
from gradviz.core.session import Session

PROBE_MODE_SHORTCUT = "P"
DIFFERENCE_DIGITS = 2
KINK_SLOPE_DIGITS = 6  # the one-sided slopes on a kink, estimates to about the step's size
SLICE_HEIGHT = 100
NO_BREAK = "\u00a0"  # a space a wrapped line does not break at
# How low a slice plot may get in a short dock (both slopes still show at 1280 × 720, above the check).
SLICE_MIN_HEIGHT = 64
CURVE_PEN = pg.mkPen((40, 70, 160), width=2.2)
TANGENT_PEN = pg.mkPen((200, 60, 40), width=2)
POINT_BRUSH = pg.mkBrush(200, 60, 40)
CLICK_EVENTS = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick)


def current_probe_point(session: Session, at_start: bool = False) -> dict[str, float] | None:
    """The point the probe shows: the session's probe, else run 0's point at the clock (at_start: at step 0), else
    run 0's start."""
    if session.analysis is None:
        return None
    if session.probe is not None:
        return dict(session.probe)
    return run_point(session, at_start)


def run_point(session: Session, at_start: bool = True) -> dict[str, float] | None:
    """Run 1's start (or, not at_start, its point at the clock), whatever the probe shows; its start as set before it
    is run, None without one."""
    variables = session.variables
    if session.runs and session.runs[0].points.shape[1] == len(variables):
        row = session.runs[0].points[0 if at_start else session.step_state(0).step_index]
        return dict(zip(variables, row.tolist(), strict=True))
    return dict(session.run_specs[0].start) if session.run_specs else None


class ProbeControl(QObject):
    """Chooses where the probe is: the descent point (default), a point pinned by Ctrl+click, or the mouse."""

    def __init__(self, session: Session, contour_view: ContourView, window: QMainWindow) -> None:
        super().__init__(window)
        self._session = session
        self._view = contour_view
        self._following_mouse = False
        self.group = QActionGroup(self)
        self.descent_action = self._mode_action(window, "Probe the descent point", "descent point",
                                                self.follow_descent, "Show derivatives where run 1 is now")
        self.pinned_action = self._mode_action(window, "Probe a pinned point", "pinned point", self.pin_here,
                                               "Ctrl+click the contour map to pin the probe anywhere")
        self.mouse_action = self._mode_action(window, "Probe under the mouse", "mouse", self._toggle_mouse,
                                              f"The probe follows the mouse over the contour map "
                                              f"({PROBE_MODE_SHORTCUT} switches it on and off)")
        self.mouse_action.setShortcut(QKeySequence(PROBE_MODE_SHORTCUT))
        self.mouse_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self._window = window
        self.typed_action = QAction("Pin the probe &at…", self)
        self.typed_action.setStatusTip("Type the coordinates of the point to probe")
        self.typed_action.triggered.connect(self.pin_typed)
        window.addAction(self.typed_action)
        contour_view.viewport().installEventFilter(self)
        contour_view.hovered.connect(self._hovered)
        session.probe_changed.connect(lambda _probe: self._show_mode())
        self._show_mode()

    @property
    def actions(self) -> tuple[QAction, ...]:
        """The three probe modes, for menus and buttons."""
        return (self.descent_action, self.pinned_action, self.mouse_action)

    def _mode_action(self, window: QMainWindow, text: str, short_text: str, slot: object, tip: str) -> QAction:
        action = QAction(text, self.group)
        action.setIconText(short_text)
        action.setCheckable(True)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        window.addAction(action)
        return action

    def follow_descent(self) -> None:
        """Probe wherever run 1 is at the current step."""
        self._following_mouse = False
        self._session.set_probe(None)

    def pin_here(self) -> None:
        """Keep the probe where it is now (Ctrl+click the contour map to move it)."""
        self._following_mouse = False
        self._session.set_probe(current_probe_point(self._session))

    def pin_at(self, x: float, y: float) -> None:
        """Pin the probe at a point of the contour map (x alone when one variable is plotted)."""
        self._following_mouse = False
        self._session.set_probe(dict(zip(self._session.plot.axes, (x, y), strict=False)))

    def pin_typed(self) -> None:
        """Pin the probe at coordinates typed in a dialog, starting from where it is now."""
        point = current_probe_point(self._session)
        if point is None:
            return
        typed = ask_point(self._window, "Probe", "Pin the probe at:", point, self._session.fixed)
        if typed is not None:
            self._following_mouse = False
            self._session.set_probe(typed)

    def _toggle_mouse(self) -> None:
        if self._following_mouse:
            self.follow_descent()
            return
        self._following_mouse = True
        self._session.set_probe(current_probe_point(self._session))

    def _hovered(self, x: float, y: float) -> None:
        if self._following_mouse and self._session.analysis is not None:
            self._session.set_probe(dict(zip(self._session.plot.axes, (x, y), strict=False)))

    def _show_mode(self) -> None:
        if self._session.probe is None:
            self._following_mouse = False
        chosen = (self.descent_action if self._session.probe is None
                  else self.mouse_action if self._following_mouse else self.pinned_action)
        chosen.setChecked(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+click on the contour map pins the probe there instead of moving the start."""
        if event.type() not in CLICK_EVENTS or not isinstance(event, QMouseEvent):
            return False
        if event.button() != Qt.MouseButton.LeftButton or not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False
        if event.type() == QEvent.Type.MouseButtonPress:
            scene_position = self._view.mapToScene(event.position().toPoint())
            if self._view.view_box.sceneBoundingRect().contains(scene_position):
                self.pin_at(*self._view.pixel_point(self._view.view_box.mapSceneToView(scene_position)))
        return True


class SlicePlot(QWidget):
    """f along one axis through the probe, with the tangent line whose slope is the partial derivative."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = OneLineLabel()  # a new title at every step repaints it without laying out the panel
        self.plot = PanelPlot(preferred=QSize(PanelPlot.PREFERRED.width(), SLICE_MIN_HEIGHT))
        self.plot.setMinimumHeight(SLICE_MIN_HEIGHT)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        item = self.plot.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.disableAutoRange()  # show_slice sets the range from the data
        item.getAxis("left").names_offset = False  # the title line names it: a short plot cut it off along the axis
        # plain curve and scatter items: a PlotDataItem would add its own bookkeeping to every update
        self.curve = pg.PlotCurveItem(pen=CURVE_PEN, connect="finite")
        self.tangent = pg.PlotCurveItem(pen=TANGENT_PEN)
        self.point = pg.ScatterPlotItem(symbol="o", size=9, brush=POINT_BRUSH, pen=None)
        for shown in (self.curve, self.tangent, self.point):
            item.addItem(shown)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        self._ranges: tuple[tuple[float, float], tuple[float, float]] | None = None  # the slice's, before margins
        self._title = ""
        item.getViewBox().sigResized.connect(self._refit)

    def show_slice(self, curve: SliceCurve, title: str) -> None:
        """Draw one slice and its tangent, the title naming what the f axis's labels count from if not 0."""
        self.plot.set_axis_title("bottom", unicode_name(curve.axis))
        values = np.where(np.isfinite(curve.values), curve.values, np.nan)
        self._ranges = None
        if np.isfinite(values).any():  # the range the 3D view would draw (a pole does not flatten the rest)
            low, high = robust_range(values)
            if curve.tangent is not None and math.isfinite(curve.f0):
                low, high = min(low, curve.f0), max(high, curve.f0)  # and the point
            self._ranges = (float(curve.coordinates[0]), float(curve.coordinates[-1])), (float(low), float(high))
            self._show_ranges()
            self.curve.setData(*broken_curve(curve.coordinates, values, low, high, curve.jumps))
        else:
            self.curve.setData(curve.coordinates, values)
        self._show_title(title)
        if curve.tangent is None:
            self.tangent.setData([], [])
            self.point.setData([], [])
            return
        (x1, y1), (x2, y2) = curve.tangent
        self.tangent.setData([x1, x2], [y1, y2])
        self.point.setData([curve.x0], [curve.f0])

    def _show_ranges(self) -> None:
        """Show the slice's ranges, f's with its margin; where its short axis would label fewer than two ticks so,
        widened with ticks that take two labels or more (see range_with_labelled_ticks)."""
        (x_low, x_high), (low, high) = self._ranges
        margin = SLICE_HEIGHT_MARGIN * (high - low)
        item = self.plot.getPlotItem()
        axis = item.getAxis("left")
        low, high, length = low - margin, high + margin, item.getViewBox().height()
        step = 0.0
        if axis.labels_drawn_over((low, high), length) < 2:
            low, high, step = range_with_labelled_ticks(low, high, length, axis.label_pitch() + 1.0,
                                                        axis.label_inset())
        axis.set_tick_step(step)
        self.plot.show_range((x_low, x_high), (low, high), 0.02, 0.0)

    def _refit(self) -> None:
        """Fit the f axis's range and ticks to the plot's new height, and name their offset in the title again."""
        if self._ranges is not None:
            self._show_ranges()
            self._show_title(self._title)

    def _show_title(self, title: str) -> None:
        """The title, and after it what the f axis's labels (38, 40…) count from: "…; axis labels +7.2e10"."""
        self._title = title
        offset = self.plot.getPlotItem().getAxis("left").offset_text()
        self.title.setText(f"{title}; axis labels {offset}" if offset else title)


class ProbePanel(LazyPanel):
    """The values at the probe: f, its partials, |∇f|, the steepest ascent, a gradient check, and two slices."""

    def __init__(self, session: Session, control: ProbeControl, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.probe: Probe | None = None
        self.slices: tuple[SliceCurve, ...] = ()
        self.rows: list[tuple[str, str]] = []
        self._tables_for: tuple[object, tuple[str, ...]] | None = None

        modes = WrappingRow(spacing=6)  # in a narrow dock the buttons wrap rather than run off its edge
        modes.add_group(QLabel("Probe at:"))
        for action in control.actions:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            modes.add_group(button)
        hint = QLabel(muted(f"Ctrl+click the contour map to pin the probe (or View → Probe → Pin the probe at…); "
                            f"{PROBE_MODE_SHORTCUT} follows the mouse."))
        hint.setWordWrap(True)
        self.values_label = RichTextLabel(word_wrap=True, steady=True)
        self.check_label = RichTextLabel(word_wrap=True, steady=True)
        self.slice_plots = (SlicePlot(), SlicePlot())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(modes)
        layout.addWidget(hint)
        layout.addWidget(self.values_label)
        for plot in self.slice_plots:  # the slopes' pictures right under their numbers, the check after them
            layout.addWidget(plot, 1)
        layout.addWidget(self.check_label)
        layout.addStretch(0)  # takes the room the plots leave when hidden (f undefined at the point), or nothing

        for signal in (session.probe_changed, session.runs_changed, session.field_changed):
            signal.connect(self.schedule_refresh)
        session.step_changed.connect(self._step_changed)

    def _step_changed(self, _step: int) -> None:
        if self._session.probe is None:  # following the descent point
            self.refresh_with_the_views()

    def refresh(self) -> None:
        """Recompute the probe and the slices at the current probe point."""
        session = self._session
        point = current_probe_point(session)
        if point is None or session.analysis is None:
            self._show_nothing("Type a formula to probe it.")
            return
        compiled, axes = session.analysis.compiled, session.plot.axes
        if (session.analysis, axes) != self._tables_for:  # the tables keep their tallest height until then
            self._tables_for = (session.analysis, axes)
            self.values_label.forget_tallest()
            self.check_label.forget_tallest()
        name = session.analysis.formula.name
        self.probe = probe_at(compiled, point, axes, name, session.noise_floor_at(tuple(point), tuple(point.values())))
        self.slices = slice_curves(compiled, point, axes, session.plot.ranges) if self.probe.valid else ()
        self.rows = probe_rows(self.probe, name)
        self.values_label.setText(html_rows(self.rows))
        self.check_label.setText(check_table(self.probe, name))
        for index, plot in enumerate(self.slice_plots):
            plot.setVisible(index < len(self.slices))
            if index < len(self.slices):
                plot.show_slice(self.slices[index], slice_title(self.probe, self.slices[index], name))

    def _show_nothing(self, message: str) -> None:
        self.probe, self.slices, self.rows = None, (), []
        self.values_label.setText(muted(message))
        self.check_label.setText("")
        for plot in self.slice_plots:
            plot.hide()


def _point_text(probe: Probe, names: tuple[str, ...]) -> str:
    """'(x, y) = (1, 2)' for these variables."""
    return point_text([unicode_name(name) for name in names], [probe.point[name] for name in names])


def _ascent_text(probe: Probe) -> str:
    """The unit vector of steepest ascent in the plotted plane and its angle from the first axis."""
    direction = probe.plane_ascent_direction
    if direction is None:
        return f"none: the gradient is zero here ({probe.flat_kind or 'a flat point'})"
    vector = "(" + ", ".join(format_number(component, 3) for component in direction) + ")"
    if len(direction) == 1:
        return f"{vector}: towards {'larger' if direction[0] > 0 else 'smaller'} {unicode_name(probe.axes[0])}"
    angle = math.degrees(math.atan2(direction[1], direction[0]))
    plane = (f" in the ({', '.join(map(unicode_name, probe.axes))}) plane"
             if len(probe.variables) > len(probe.axes) else "")
    axis = f"from the {unicode_name(probe.axes[0])} axis".replace(" ", NO_BREAK)  # wrapped whole, never "… x" / "axis"
    return f"{vector}{plane}, {format_number(angle, 3)}° {axis}"


def probe_rows(probe: Probe, name: str) -> list[tuple[str, str]]:
    """The (label, value) rows the probe panel shows."""
    held = tuple(variable for variable in probe.variables if variable not in probe.axes)
    rows = [("at", _point_text(probe, probe.axes))]
    if held:
        rows.append(("held", _point_text(probe, held)))
    if not probe.valid:
        return [*rows, ("", probe.reason)]  # the reason names the function itself
    rows.append((name, format_value(probe.value)))
    rows += [(partial_label(name, variable), format_value(probe.gradient[variable])) for variable in probe.variables]
    rows.append((f"|∇{name}|", format_value(probe.gradient_norm)))
    if held:  # the length a run in the plotted variables sees (the stepper's readout gives it too)
        plotted = ", ".join(map(unicode_name, probe.axes))
        rows.append((f"its {plotted} part", format_value(math.hypot(*probe.axis_partials))))
    rows.append(("steepest ascent", _ascent_text(probe)))
    return rows


def html_rows(rows: list[tuple[str, str]]) -> str:
    """Rows as a two-column rich-text table, labels in grey."""
    body = "".join(f"<tr><td align='right'>{muted(label)}</td><td><b>{value}</b></td></tr>" for label, value in rows)
    return f"<table cellspacing='0' cellpadding='2'>{body}</table>"


CHECK_MARKS = {True: "✓", False: wrong_sign("✗"), None: muted("?")}
CANNOT_TELL_NOTES = {  # by whether rounding or the step makes most of the estimate's error
    True: "?: {name} is so large beside its change over 2h that the estimate's rounding could be a tenth of the slope: "
          "it cannot check it here",
    False: "?: {name} bends so sharply within h that the estimate's error could be a tenth of the slope: it cannot "
           "check it here",
}


def check_rows(check: GradientCheck, label: str) -> str:
    """One partial's check as table rows: the exact partial and its estimate to the digits it has, written alike
    (check_texts), and their difference
    marked ✓, ✗ or ?; on a kink, where the central difference averages the slopes on its two sides, a row with those
    slopes under it instead of ✗."""
    mark = CHECK_MARKS[check.agrees] if check.one_sided is None else ""
    exact, estimate = check_texts(check)
    row = (f"<tr><td>{label}</td><td align='right'>{exact}</td><td align='right'>{estimate}</td>"
           f"<td align='right'>{format_number(check.shown_difference, DIFFERENCE_DIGITS)} {mark}</td></tr>")
    if check.one_sided is None:
        return row
    below, above = (format_number(slope, KINK_SLOPE_DIGITS) for slope in check.one_sided)
    kink = muted(f"kink: one-sided slopes {below} and {above}")
    return f"{row}<tr><td></td><td colspan='3' align='right'>{kink}</td></tr>"


def check_table(probe: Probe, name: str) -> str:
    """The gradient check: each exact partial beside its central difference, with their difference."""
    if not probe.checks:
        return ""
    header = "".join(f"<th align='right'>{title}</th>" for title in ("", "exact", "estimate", "difference"))
    body = "".join(check_rows(check, partial_label(name, check.variable)) for check in probe.checks)
    # on one line: it broke after '|' (a word joiner holds it to the 'v', no-break spaces the rest)
    step = f"h = {format_number(RELATIVE_STEP)}·max(1, |\u2060v|)".replace(" ", "\u00a0")
    formula = (f"({name}(v + h) − {name}(v − h)) / 2h with {step}; "
               f"each estimate to the digits its error (rounding and step) leaves it")
    causes = sorted({check.rounding_dominates for check in probe.checks if check.agrees is None}, reverse=True)
    untold = "<br>".join(muted(CANNOT_TELL_NOTES[cause].format(name=name)) for cause in causes)
    return (f"<b>Gradient check</b>: the exact partial beside the central-difference estimate<br>{muted(formula)}"
            f"<table cellspacing='0' cellpadding='3'><tr>{header}</tr>{body}</table>{untold}")


def slice_title(probe: Probe, curve: SliceCurve, name: str) -> str:
    """'f(x, 2): slope ∂f/∂x = 10' — f along one axis with every other variable held at the probe."""
    arguments = ", ".join(unicode_name(variable) if variable == curve.axis else format_value(probe.point[variable])
                          for variable in probe.variables)
    slope = probe.gradient[curve.axis]  # the partial there, 0 where it is rounding
    return f"{name}({arguments}): slope {partial_label(name, curve.axis)} = {format_value(slope)}"
