"""Learning-rate guidance on the stepper: GD's stability limit 2/λmax at run 1's start, as a tick and a label."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QSlider, QStyle, QStyleOptionSlider, QWidget

from gradviz.app.panel_base import WRONG_SIGN_COLOUR, muted, wrong_sign
from gradviz.app.stepper_panel import LR_MAX_LOG, LR_MIN_LOG, StepperPanel, lr_to_slider
from gradviz.core.comparisons import LrGuidance, goes_down, learning_rate_guidance
from gradviz.core.descent import Run
from gradviz.core.notation import format_number
from gradviz.core.session import Session

LIMIT_COLOUR = QColor(WRONG_SIGN_COLOUR)
TICK_WIDTH = 3.0
WIDEST_NOTE = "overshoots above η = 0.000123"  # the note's longest usual text, as wide as it gets
EXPLANATION = ("Gradient descent settles near this start only while η < 2/λmax, λmax being the largest "
               "eigenvalue of the Hessian there (the steepest curvature); above it every step overshoots "
               "further along that direction.")


def guidance_for(session: Session, index: int) -> LrGuidance | None:
    """GD's stability limit at run `index`'s start, over its free variables (None without a formula or run)."""
    if session.analysis is None or index >= len(session.runs):
        return None
    result = session.runs[index]
    return learning_rate_guidance(session.analysis.compiled, result.spec.start, result.free)


class LimitTick(QWidget):
    """A red tick drawn over the learning-rate slider at the stability limit; it lets every click through."""

    def __init__(self, slider: QSlider) -> None:
        super().__init__(slider)
        self._slider = slider
        self.position: int | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.resize(slider.size())
        slider.installEventFilter(self)

    def set_position(self, position: int | None) -> None:
        """Put the tick at a slider position (None: no tick).

        The widget stays shown, drawing nothing without a position: showing and hiding a child lays out its
        parent again, and the window repainted the slider's row a second time after a new formula.
        """
        if position != self.position:
            self.position = position
            self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Cover the slider whenever it is resized."""
        if event.type() == QEvent.Type.Resize:
            self.resize(self._slider.size())
        return False

    def tick_x(self) -> float:
        """The tick's x in pixels: the centre of the slider's handle when the slider is at the limit."""
        option = QStyleOptionSlider()
        self._slider.initStyleOption(option)
        style = self._slider.style()
        groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove,
                                      self._slider)
        handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle,
                                      self._slider)
        span = groove.width() - handle.width()
        slider = self._slider
        offset = QStyle.sliderPositionFromValue(slider.minimum(), slider.maximum(), self.position or 0, span)
        return groove.x() + handle.width() / 2 + offset

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the tick across the slider's height."""
        if self.position is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(LIMIT_COLOUR, TICK_WIDTH))
        x = self.tick_x()
        painter.drawLine(QPointF(x, 1), QPointF(x, self.height() - 1))
        painter.end()


class LrGuidanceDisplay(QLabel):
    """'stable below η = 0.1' beside the learning rate, red when η is past the limit, and the tick on the slider."""

    def __init__(self, session: Session, stepper: StepperPanel) -> None:
        super().__init__()
        self._session = session
        self.guidance: LrGuidance | None = None
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setMinimumWidth(self.widest_text_width())
        self.tick = LimitTick(stepper.lr_slider)
        stepper.add_learning_rate_note(self)
        session.runs_changed.connect(lambda _runs: self.refresh())
        self.refresh()

    def widest_text_width(self) -> int:
        """Room for the longest usual note, in bold: a new limit then leaves the slider where it is."""
        bold = QFont(self.font())
        bold.setBold(True)
        return math.ceil(QFontMetricsF(bold).horizontalAdvance(WIDEST_NOTE))

    @staticmethod
    def _run_note(lr: float, run: Run, holds: bool, at_limit: bool) -> str:
        """The tooltip's line on run 1 at an η past (or at) its start's limit: what its f did."""
        first, last = format_number(run.steps[0].value), format_number(run.final_step.value)
        if holds:
            return (f"\nη = {format_number(lr)} is past it, yet this run goes down (f from {first} to {last}): where "
                    "it goes the steepest curvature is gentler than at its start.")
        went = f"f went from {first} to {last} in {len(run.steps) - 1} steps"
        if at_limit:
            return (f"\nη = {format_number(lr)} is the limit itself: along the steepest direction every step lands as "
                    f"far on the other side, so the run swings there without settling ({went}).")
        return f"\nη = {format_number(lr)} is past it: {went}."

    def refresh(self) -> None:
        """Recompute the limit at run 1's start and show it."""
        self.guidance = guidance_for(self._session, 0)
        if self.guidance is None:
            self.clear()
            self.tick.set_position(None)
            return
        if self._session.runs[0].spec.sign != "correct":
            self.setText(muted("wrong sign: uphill at any η"))
            self.setToolTip("With the wrong sign every step climbs, whatever η is: no η keeps the run down.")
            self.tick.set_position(None)
            return
        if self.guidance.limit is None:
            self.setText(muted("no η limit at this start"))
            self.setToolTip(f"No stability limit at the start: {self.guidance.reason}.")
            self.tick.set_position(None)
            return
        spec = self._session.runs[0].spec
        limit = format_number(self.guidance.limit, 3)
        text = f"overshoots above η = {limit}" if self.guidance.saddle else f"stable below η = {limit}"
        text = text if spec.optimizer == "gd" else f"GD {text}"
        past = spec.optimizer == "gd" and spec.lr >= self.guidance.limit
        # η = 2/λmax itself: along the steepest direction each step lands as far on the other side (x² + 10y² at 0.1)
        at_limit = past and not self.guidance.saddle and math.isclose(spec.lr, self.guidance.limit, rel_tol=1e-9)
        run = self._session.runs[0].run
        holds = past and not self.guidance.saddle and not at_limit and goes_down(run)
        if holds:  # Rosenbrock's gallery run at η = 0.001, past the start's 0.000956, goes on down the valley
            text = muted(f"past the start's limit {limit}")
        elif at_limit:
            text = f"at the limit {limit}: swings"
        self.setText(wrong_sign(text) if past and not holds else text)
        saddle = f"\nNot near a minimum: {self.guidance.reason}." if self.guidance.saddle else ""
        run_note = self._run_note(spec.lr, run, holds, at_limit) if past and not self.guidance.saddle else ""
        self.setToolTip(f"{EXPLANATION}{saddle}\nHere λmax = {format_number(self.guidance.lambda_max)}, so 2/λmax = "
                        f"{format_number(self.guidance.limit)}. The red tick on the slider marks it.{run_note}")
        on_slider = 10**LR_MIN_LOG <= self.guidance.limit <= 10**LR_MAX_LOG
        self.tick.set_position(lr_to_slider(self.guidance.limit) if on_slider else None)
