"""The stepper: play, step and reset the descent; learning rate, update sign, optimizer; a live readout."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetricsF,
    QKeyEvent,
    QResizeEvent,
    QValidator,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from gradviz.app.entry_keys import hands_keys_back, takes_keys_when_tabbed_to, typing_in
from gradviz.app.number_box import (
    NumberBox,
    Refusals,
    number_refusal,
    number_text,
    text_refusal,
    typed_number,
    typed_text_shown,
    unusable_hint,
    watch_typing,
)
from gradviz.app.panel_base import no_run_text
from gradviz.app.presenters import run_colour, run_glyph
from gradviz.app.rich_text import RichTextLabel
from gradviz.app.wrapping_row import GROUP_SPACING, WrappingRow
from gradviz.core.descent import OPTIMIZER_NAMES, OPTIMIZER_TITLES, SETTING_TITLES
from gradviz.core.notation import format_number, format_value, format_values, point_text, unicode_name
from gradviz.core.runs import optimizer_text, run_name
from gradviz.core.scenario import MAX_STEPS, PLAY_SPEED, RunSpec
from gradviz.core.session import Session

LR_MIN_LOG, LR_MAX_LOG = -4.0, 1.0
LR_SLIDER_STEPS = 500
MIN_PLAY_SPEED, MAX_PLAY_SPEED = 0.5, 120.0
# Each optimizer's settings that have a box (named as SETTING_TITLES names them): default, lowest, highest.
HYPER_PARAMETERS: dict[str, tuple[tuple[str, float, float, float], ...]] = {
    "momentum": (("momentum", 0.9, 0.0, 0.999),),
    "nesterov": (("momentum", 0.9, 0.0, 0.999),),
    "rmsprop": (("alpha", 0.99, 0.0, 0.9999), ("momentum", 0.0, 0.0, 0.999)),
    "adam": (("beta1", 0.9, 0.0, 0.9999), ("beta2", 0.999, 0.0, 0.99999)),
    "adagrad": (("lr_decay", 0.0, 0.0, 1.0),),
}


def lr_to_slider(lr: float) -> int:
    """Slider position of a learning rate on the logarithmic scale."""
    fraction = (math.log10(max(lr, 1e-12)) - LR_MIN_LOG) / (LR_MAX_LOG - LR_MIN_LOG)
    return round(min(max(fraction, 0.0), 1.0) * LR_SLIDER_STEPS)


def slider_to_lr(position: int) -> float:
    """Learning rate at a slider position, rounded to 3 significant digits."""
    exponent = LR_MIN_LOG + (LR_MAX_LOG - LR_MIN_LOG) * position / LR_SLIDER_STEPS
    return float(f"{10 ** exponent:.3g}")


class NumberEdit(QLineEdit):
    """A line edit as wide as a sample number in its current font (presentation mode enlarges the font).

    Text its validator does not accept, left with Enter or by moving away, is refused (a signal with the text):
    QLineEdit would keep showing it, though nothing uses it. Text typed that can become no number is told of as it is
    typed (unusable_typed); what the edit said of either (its refusals) is taken back once a number is typed and taken.
    """

    refused = Signal(str)
    unusable_typed = Signal(str)

    def __init__(self, sample: str) -> None:
        super().__init__()
        self._sample = sample
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.refusals = Refusals(self)
        watch_typing(self, str.strip, self.unusable_typed, self.refusals)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter on text that is not acceptable refuses it (QLineEdit ignores it)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish_typing()
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Moving away from text that is not acceptable refuses it."""
        self.finish_typing()
        super().focusOutEvent(event)

    def finish_typing(self) -> bool:
        """Refuse text that is not acceptable; take back what was said if a number was typed (it no longer holds);
        whether it refused."""
        if not self.hasAcceptableInput():
            self.refused.emit(self.text())
            return True
        if self.isModified():
            self.refusals.take_back()
        return False

    def sizeHint(self) -> QSize:
        """Room for the sample, the frame and the text margins."""
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._sample) + 2 * hint.height() // 3, hint.height())

    def minimumSizeHint(self) -> QSize:
        """Never squeezed below the sample's width."""
        return self.sizeHint()


LR_TYPED_RANGE = (1e-12, 1e6)  # the η the exact entry takes


class LearningRateValidator(QValidator):
    """η from LR_TYPED_RANGE, read as the number boxes read theirs: any text can be typed, to be taken on Enter if it is
    an η ('0.05', '1/10') and refused whole, saying why (lr_refusal), if not ('-0.1', '0,05', '0.0.5').

    QDoubleValidator swallowed the keystroke: "-0.1" became η = 0.1 without a word; and a pasted " 0.05 ", 1_000,
    nan or 0x10 did nothing, though the other boxes take the first two and say why not of the others.
    """

    def validate(self, text: str, position: int) -> object:
        """Acceptable for an η, else Intermediate (shown, not usable), as the number boxes."""
        state = QValidator.State.Intermediate if lr_refusal(text) else QValidator.State.Acceptable
        return state, text, position


def lr_refusal(text: str) -> str:
    """Why typed text is no η: '… η is positive: …', '… write the decimal point as a point …', why it is no number
    ('nan is not a number'), or its range; '' if it is one."""
    if number_text(text).startswith("-"):
        return "η is positive: to step uphill, choose the wrong update sign (S) instead"
    why = text_refusal(text)
    if why or number_refusal(text, *LR_TYPED_RANGE):
        return why or f"η is a number from {format_number(LR_TYPED_RANGE[0])} to {format_number(LR_TYPED_RANGE[1])}"
    return ""


READOUT_GAP = " &nbsp; "  # between the parts of a readout line
LEFT_OUT = "…"  # where a readout line leaves out parts
# The parts a readout line too long for the panel leaves out first, counted from its end: the update (the stepper's
# controls show it), the point, f; then |∇f| and the gradient, the app's subject; why the run stopped last; the step
# never.
READOUT_LEFT_OUT_FIRST = (-1, -5, -4)
# Presenting, the point is what the lecturer points at: the update, |∇f| and f go first, the point after the gradient
# (at 1280 × 800 the point was left out, beside a whole |∇f|).
PRESENTING_LEFT_OUT_FIRST = (-1, -2, -4)
STATUS_CLAUSES = "; "  # between why a run stopped and what went wrong on the way ("…; step 3 jumped over a pole")
READOUT_NUMBERS = 5  # the parts of a readout line after its stop message: the point, f, ∇f, |∇f|, the update
EMPTY_LINE = "&nbsp;"  # a run's stop-message line before it has stopped


@dataclass(frozen=True)
class StopMessage:
    """A lone run's stop message: its parts as shown now (none until it stops), and its numbers' line when it stops.

    The run is worked out whole before it is shown, so where the message will go is known from its first step: at
    the end of the numbers' line if it fits there whole at the last step, else on a line of its own, kept empty until
    then. Either way the readout is as high before the run stops as after, and the views do not jump.
    """

    shown: list[str]
    last_line: list[str]  # the numbers' line at the run's last step, with the whole message at its end


def clauses(status: str) -> list[str]:
    """A stop message's clauses, each but the last ending in its ';' (one alone: "…(60 steps); …")."""
    parts = [part for part in status.split(STATUS_CLAUSES) if part]
    return [f"{part};" for part in parts[:-1]] + parts[-1:]


def italic_clauses(status: str) -> list[str]:
    """A stop message's clauses as readout parts, in italics (none for no message)."""
    return [f"<i>{html.escape(clause)}</i>" for clause in clauses(status)]


def readout_left_out_first(line: Sequence[str], presenting: bool = False) -> tuple[int, ...]:
    """The parts of a readout line to leave out first: the update, then the stop message's later clauses (what went
    wrong on the way: the tooltip and the Runs panel have them), then the point and f (see READOUT_LEFT_OUT_FIRST);
    presenting, the update, |∇f|, the later clauses and f, so the point stays (see PRESENTING_LEFT_OUT_FIRST).

    A message with a remark ("reached the step budget (60 steps); step 3 jumped over a singularity …") was one part
    kept to the last, and took the point, f and ∇f from the line.
    """
    clauses = len(line) - 1 - READOUT_NUMBERS  # the stop message's, after the step
    remarks = range(2, 1 + clauses)  # those after its first
    order = PRESENTING_LEFT_OUT_FIRST if presenting else READOUT_LEFT_OUT_FIRST
    before_remarks = 2 if presenting else 1
    return (*order[:before_remarks], *reversed(remarks), *order[before_remarks:])
BOLD_ALLOWANCE = 1.06  # a part's width measured in the plain font, times this: some words are bold
MARKUP = re.compile(r"<[^>]+>")


def plain_text(markup: str) -> str:
    """Rich text's words without their markup, as a label's plain text has them (line breaks kept)."""
    return html.unescape(MARKUP.sub("", markup.replace("<br>", "\n"))).replace("\xa0", " ")


def fits_whole(parts: Sequence[str], metrics: QFontMetricsF, width: float) -> bool:
    """Whether a readout line of these parts (rich text) fits in width with none left out."""
    gap = metrics.horizontalAdvance(plain_text(READOUT_GAP))
    return sum(metrics.horizontalAdvance(plain_text(part)) * BOLD_ALLOWANCE for part in parts) + gap * (
        len(parts) - 1) <= width


def fitted(parts: list[str], metrics: QFontMetricsF, width: float, left_out_first: Sequence[int] = ()) -> str:
    """A readout line of these parts (rich text): all if they fit in width, else with parts left out, '…' for them.

    The parts at the indices left_out_first go first, in that order, then the others from the last on, until the
    rest fits; later parts that fit stay, so the line need not stop at the first that does not (the gradient, with
    three variables). The first part (the step) always shows. A line is cut only between parts, never in the middle
    of a number, which would show a wrong one (η = 0.00 for 0.001).
    """
    if width <= 0 or fits_whole(parts, metrics, width):
        return READOUT_GAP.join(parts)
    gap = metrics.horizontalAdvance(plain_text(READOUT_GAP))
    widths = [metrics.horizontalAdvance(plain_text(part)) * BOLD_ALLOWANCE for part in parts]
    first = [index % len(parts) for index in left_out_first]
    order = [index for index in (*first, *range(len(parts) - 1, 0, -1)) if index]
    mark = metrics.horizontalAdvance(" " + LEFT_OUT)
    kept = [True] * len(parts)

    def fits() -> bool:
        pieces = [widths[i] if shown else mark for i, shown in enumerate(kept) if shown or kept[i - 1]]
        return sum(pieces) + gap * (len(pieces) - 1) <= width

    left_out = []
    for index in dict.fromkeys(order):
        kept[index] = False
        left_out.append(index)
        if fits():
            break
    for index in reversed(left_out[:-1]):  # one left out early may fit beside those left out after it
        kept[index] = True
        kept[index] = fits()
    return _joined_leaving_out(parts, kept)


def _joined_leaving_out(parts: list[str], kept: list[bool]) -> str:
    """The kept parts joined by gaps, a '…' for each run of parts left out (' …' after the last part kept)."""
    pieces = [part if shown else LEFT_OUT for part, shown, before in zip(parts, kept, [True, *kept[:-1]], strict=True)
              if shown or before]
    if not kept[-1]:
        return READOUT_GAP.join(pieces[:-1]) + " " + LEFT_OUT
    return READOUT_GAP.join(pieces)


class StepperPanel(QWidget):
    """Controls the session's clock and the settings of its first run."""

    playing_changed = Signal(bool)
    message = Signal(str)  # for the status bar: why something typed was not used
    message_taken_back = Signal(str)  # such a message, which no longer holds: a value was taken since

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._updating = False

        style = self.style()
        self.reset_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward), "Reset")
        self.back_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward), "Back")
        self.play_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Play")
        self.play_button.setCheckable(True)
        self.step_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward), "Step")
        # the buttons' words, shown where they leave η on the same line (see _fit_button_words), else icons alone
        self._button_words = {self.reset_button: "Reset", self.back_button: "Back", self.play_button: "Play",
                              self.step_button: "Step"}
        self._buttons_with_words = True
        self._worded_buttons_width = 0  # the buttons' group width with their words, measured while they show
        for button, tip in ((self.reset_button, "Back to the start (R)"), (self.back_button, "One step back (←)"),
                            (self.play_button, "Play / pause (Space)"), (self.step_button, "One step forward (→)")):
            button.setToolTip(tip)
            button.setAccessibleName(self._button_words[button])  # named also where only its icon shows
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the focus, and Space, where they were
        self.reset_button.clicked.connect(session.reset)
        self.back_button.clicked.connect(lambda: self.step_by(-1))
        self.step_button.clicked.connect(lambda: self.step_by(1))
        self.play_button.toggled.connect(self.set_playing)

        # number boxes, as η's: a letter typed into a spin box of Qt's went without a word
        self.speed_box = hands_keys_back(NumberBox(MIN_PLAY_SPEED, MAX_PLAY_SPEED))
        self.speed_box.setValue(PLAY_SPEED)
        self.speed_box.setSuffix(" steps/s")
        self.speed_box.setAccessibleName("Playback speed")
        self.speed_box.setToolTip("Steps shown per second while playing (] and [ double and halve it)")
        self.speed_box.valueChanged.connect(self._speed_changed)
        self.speed_box.say_refusals("speed", self.message.emit, self.message_taken_back.emit)
        # 0 steps: the start alone, as a lesson's first look at a slope has it
        self.budget_box = hands_keys_back(NumberBox(0, MAX_STEPS, whole=True))
        self.budget_box.setPrefix("budget ")
        self.budget_box.setSuffix(" steps")
        self.budget_box.setAccessibleName("Step budget")
        self.budget_box.setToolTip("The most steps each run takes (0: the start alone)")
        self.budget_box.valueChanged.connect(self._budget_changed)
        self.budget_box.say_refusals("step budget", self.message.emit, self.message_taken_back.emit)

        self.lr_slider = takes_keys_when_tabbed_to(QSlider(Qt.Orientation.Horizontal))
        self.lr_slider.setRange(0, LR_SLIDER_STEPS)
        self.lr_slider.setAccessibleName("Learning rate η (slider)")
        self.lr_slider.setToolTip("Learning rate η on a logarithmic scale, 0.0001 to 10")
        self.lr_slider.setMinimumWidth(100)
        self.lr_slider.valueChanged.connect(self._lr_slider_moved)
        self.lr_edit = NumberEdit("0.000125")
        self.lr_edit.setValidator(LearningRateValidator())
        self.lr_edit.setToolTip("Exact learning rate η")
        self.lr_edit.setAccessibleName("Learning rate η")
        self.lr_edit.editingFinished.connect(self._lr_typed)
        self.lr_edit.refused.connect(self._lr_refused)
        self.lr_edit.unusable_typed.connect(self._lr_unusable)
        self.lr_edit.refusals.connect_to(self.message.emit, self.message_taken_back.emit)
        hands_keys_back(self.lr_edit)

        self.correct_button = QRadioButton("correct −η∇f")
        self.correct_button.setToolTip("The correct update w ← w − η∇f: each step goes against the gradient, "
                                       "downhill (S switches the sign)")
        self.wrong_button = QRadioButton("wrong +η∇f")
        self.wrong_button.setToolTip("The wrong update w ← w + η∇f: each step goes along the gradient, uphill "
                                     "(S switches the sign)")
        self.wrong_button.setStyleSheet("QRadioButton:checked { color: #b00020; font-weight: bold; }")
        self.sign_group = QButtonGroup(self)
        self.sign_group.addButton(self.correct_button)
        self.sign_group.addButton(self.wrong_button)
        self.correct_button.toggled.connect(self._sign_toggled)

        self.optimizer_box = QComboBox()
        self.optimizer_box.setToolTip("Optimizer: how each step is made from the gradient")
        self.optimizer_box.setAccessibleName("Optimizer")
        for name in OPTIMIZER_NAMES:
            self.optimizer_box.addItem(OPTIMIZER_TITLES[name], name)
        self.optimizer_box.activated.connect(lambda _: self._edit_run(optimizer=self.optimizer_box.currentData(),
                                                                      params={}))
        self._parameter_boxes: dict[str, NumberBox] = {}

        self.readout = RichTextLabel()
        self._readout_lines: list[list[str]] = []  # each run's line's parts, fitted to the width as it changes
        self._stop_message: StopMessage | None = None  # a lone run's, placed as it fits (see _fit_readout)
        self._presenting = False  # see set_presenting
        # A long readout (several runs) is cut short to the panel's width rather than widening the whole window or
        # taking the views' height: each line puts the stop reason right after the step, drops its last parts whole
        # where they do not fit (see fitted), and the tooltip has it all.
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.readout.installEventFilter(self)  # a new font (presenting larger) fits the lines again

        # two short rows rather than one long one, each wrapping in a narrow window: the teaching panels keep room
        self.transport_row = WrappingRow()
        self._buttons_group = self.transport_row.add_group(self.reset_button, self.back_button, self.play_button,
                                                           self.step_button)
        self._learning_rate_group = self.transport_row.add_group(QLabel("η"), self.lr_slider, self.lr_edit,
                                                                 stretch=self.lr_slider)
        self._learning_rate_row = self._learning_rate_group.layout()
        self.settings_row = WrappingRow()
        self.settings_row.add_group(self.speed_box, self.budget_box)
        self.settings_row.add_group(QLabel("update:"), self.correct_button, self.wrong_button)
        self.settings_row.add_group(self.optimizer_box)  # its entries name themselves; the tooltip says what it is
        self.parameter_widget = self.settings_row.add_group()  # the optimizer's own settings, when it has some
        self.parameter_row = self.parameter_widget.layout()
        self.parameter_widget.setVisible(False)
        self.controls = QWidget()
        controls_layout = QVBoxLayout(self.controls)
        controls_layout.setContentsMargins(0, 0, 0, 0)
        controls_layout.addWidget(self.transport_row)
        controls_layout.addWidget(self.settings_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 6)
        layout.addWidget(self.controls)
        layout.addWidget(self.readout)

        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self._play_clock = QElapsedTimer()
        self._clock_origin = 0  # the step at which the play clock was (re)started
        self._played_step = -1  # the step playback last showed
        self._speed_changed(self.speed_box.value())
        # when runs are asked for (a long run's settings show before it is in) and when they are in
        session.computing_changed.connect(self._show_settings)
        session.step_changed.connect(self._show_step)
        session.theme_changed.connect(lambda _theme: self._show_step(session.step))  # the runs' dots

    def add_learning_rate_note(self, widget: QWidget) -> None:
        """Show a widget right of the learning-rate box (such as the stability limit)."""
        self._learning_rate_row.addWidget(widget)

    # ----- the clock -----------------------------------------------------------------------------------------
    def step_by(self, delta: int) -> None:
        """Move the clock, pausing playback."""
        self.set_playing(False)
        self._session.step_by(delta)

    def set_playing(self, playing: bool) -> None:
        """Start or pause the animation (from the start again when it had finished)."""
        if playing and self._session.step >= self._session.last_step:
            self._session.reset()
        if playing:
            self._restart_play_clock()
            self.timer.start()
        else:
            self.timer.stop()
        self._updating = True
        self.play_button.setChecked(playing)
        self._button_words[self.play_button] = "Pause" if playing else "Play"
        self._show_button_words()
        self.play_button.setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay))
        self._updating = False
        self.playing_changed.emit(playing)

    @property
    def playing(self) -> bool:
        """True while the animation runs."""
        return self.timer.isActive()

    def toggle_playing(self) -> None:
        """Play if paused, pause if playing."""
        self.set_playing(not self.playing)

    def _restart_play_clock(self) -> None:
        self._play_clock.start()
        self._clock_origin = self._played_step = self._session.step

    def _tick(self) -> None:
        """Show the step the clock has reached: the speed holds even when frames take longer than a step's time.

        Every tick moves on at least one step; when the window draws slower than the speed asks for, steps
        in between are passed over. A jump made meanwhile (the step table, a key) restarts the clock there.
        """
        session = self._session
        if session.step >= session.last_step:
            self.set_playing(False)
            return
        if session.step != self._played_step:
            self._restart_play_clock()
        due = self._clock_origin + int(self._play_clock.elapsed() * self.speed_box.value() / 1000.0)
        self._played_step = min(max(due, session.step + 1), session.last_step)
        session.set_step(self._played_step)

    def scale_speed(self, factor: float) -> float:
        """Play `factor` times as fast (within the speed box's range); the new speed in steps per second."""
        box = self.speed_box
        box.setValue(min(max(box.value() * factor, box.minimum()), box.maximum()))
        return box.value()

    def _speed_changed(self, steps_per_second: float) -> None:
        self.timer.setInterval(max(16, round(1000 / steps_per_second)))
        if self.playing:
            self._restart_play_clock()

    # ----- run settings --------------------------------------------------------------------------------------
    def _edit_run(self, **changes: object) -> None:
        if self._updating or not self._session.run_specs:
            return
        self._session.update_run(0, **changes)

    def _lr_slider_moved(self, position: int) -> None:
        if not self._updating:
            self.lr_edit.refusals.take_back()  # an η typed and refused is no longer what η is said to stay at
            self._edit_run(lr=slider_to_lr(position))

    def _lr_typed(self) -> None:
        """Give the run the η typed ('1/10' is 0.1), unless it is none, or the box shows the run's own."""
        text = self.lr_edit.text()
        if self.lr_edit.isModified() and not lr_refusal(text):
            self._edit_run(lr=typed_number(text))

    def _budget_changed(self, budget: float) -> None:
        """Say 'step' or 'steps' after the budget, and give the run the new one."""
        self.budget_box.setSuffix(" step" if budget == 1 else " steps")
        self._edit_run(max_steps=int(budget))

    def _lr_refused(self, text: str) -> None:
        """Put the run's η back in the box, and say why the typed one was not used."""
        if not self._session.run_specs:
            return
        lr = self._session.run_specs[0].lr
        if text == f"{lr:g}":  # the run's own η (a file's may lie outside what can be typed)
            return
        self.lr_edit.setText(f"{lr:g}")
        typed = typed_text_shown(text) or "(nothing)"
        self.lr_edit.refusals.say(f"η = {typed} was not used: {lr_refusal(text)} (it stays {format_number(lr)}).")

    def _lr_unusable(self, typed: str) -> None:
        """Say why the text typed for η can be no number ('0.0.'), and that Enter keeps the run's η."""
        if self._session.run_specs:
            self.lr_edit.refusals.say(unusable_hint("η =", typed, lr_refusal(typed), self._session.run_specs[0].lr),
                                      hint=True)

    def _sign_toggled(self) -> None:
        self._edit_run(sign="correct" if self.correct_button.isChecked() else "wrong")

    def flip_sign(self) -> None:
        """Switch between the correct and the wrong update sign."""
        (self.wrong_button if self.correct_button.isChecked() else self.correct_button).setChecked(True)

    def _rebuild_parameters(self, optimizer: str) -> None:
        """A box for each of the optimizer's hyper-parameters (their values are the run's: see _show_settings)."""
        while self.parameter_row.count():
            item = self.parameter_row.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self._parameter_boxes = {}
        for key, _default, low, high in HYPER_PARAMETERS.get(optimizer, ()):
            title = SETTING_TITLES[key]
            box = hands_keys_back(NumberBox(low, high))  # 0.99999 as it is: four decimals showed it as 1.0000
            box.setSingleStep(0.01)
            box.valueChanged.connect(lambda value, k=key: self._parameter_edited(k, value))
            box.say_refusals(title, self.message.emit, self.message_taken_back.emit)
            label = QLabel(title)
            label.setBuddy(box)
            box.setAccessibleName(f"{OPTIMIZER_TITLES[optimizer]} {title}")
            self.parameter_row.addWidget(label)
            self.parameter_row.addWidget(box)
            self._parameter_boxes[key] = box
        chained = self.optimizer_box  # Tab reaches the boxes right after the optimizer, not after every other panel
        for box in self._parameter_boxes.values():
            QWidget.setTabOrder(chained, box)
            chained = box
        self.parameter_widget.setVisible(bool(self._parameter_boxes))
        self.settings_row.updateGeometry()

    def _parameter_edited(self, key: str, value: float) -> None:
        if self._updating or not self._session.run_specs:
            return
        self._edit_run(params={**self._session.run_specs[0].params, key: value})

    # ----- from the session ----------------------------------------------------------------------------------
    def _show_settings(self, *_: object) -> None:
        if not self._session.run_specs:
            return
        spec = self._session.run_specs[0]
        self._updating = True
        self.lr_slider.setValue(lr_to_slider(spec.lr))
        if not typing_in(self.lr_edit):
            self.lr_edit.setText(f"{spec.lr:g}")
        (self.correct_button if spec.sign == "correct" else self.wrong_button).setChecked(True)
        self.optimizer_box.setCurrentIndex(max(0, self.optimizer_box.findData(spec.optimizer)))
        self.budget_box.setValue(spec.max_steps)
        if set(self._parameter_boxes) != {p[0] for p in HYPER_PARAMETERS.get(spec.optimizer, ())}:
            self._rebuild_parameters(spec.optimizer)
        defaults = {key: default for key, default, _low, _high in HYPER_PARAMETERS.get(spec.optimizer, ())}
        for key, box in self._parameter_boxes.items():  # the run's own, also after a value it refused
            if not typing_in(box.lineEdit()):
                box.setValue(spec.params.get(key, defaults[key]))
        self._updating = False

    def _gradient_parts(self, name: str, free: tuple[str, ...], gradient: str, norm: float) -> tuple[str, str]:
        """∇f and |∇f|, two parts a narrow line may leave the second of out; with variables held fixed, the partials
        of the run's variables, named as such, and what is held."""
        held = [variable for variable in self._session.variables if variable not in free]
        if not held:
            vector = f"({gradient})" if len(free) > 1 else gradient
            return f"∇{name} = {vector}", f"|∇{name}| = {format_value(norm)}"
        partials = ", ".join(f"∂{name}/∂{unicode_name(variable)}" for variable in free)
        fixed = ", ".join(f"{unicode_name(variable)} = {format_value(self._session.fixed.get(variable, 0.0))}"
                          for variable in held)
        if len(free) == 1:  # one partial: no vector, and its length is its size
            return f"{partials} = {gradient}", f"({fixed} held)"
        return f"({partials}) = ({gradient})", f"length {format_value(norm)} ({fixed} held)"

    @staticmethod
    def _update_text(spec: RunSpec, name: str) -> str:
        """The update the run takes: w − η∇f for plain descent, the optimizer's step on ∇f (or on −∇f) for others,
        the optimizer named with the settings it changes (see optimizer_text)."""
        wrong = "<b style='color:#b00020'>{}</b>"
        correct = spec.sign == "correct"
        if spec.optimizer in ("gd", "newton"):
            sign = "−" if correct else wrong.format("+")
            return f"w {sign} η{'H⁻¹' if spec.optimizer == 'newton' else ''}∇{name}"
        fed = f"∇{name}" if correct else wrong.format(f"−∇{name}")
        return f"{html.escape(optimizer_text(spec))} step on {fed}"

    def _show_step(self, step: int) -> None:
        session = self._session
        if not session.runs or session.analysis is None:
            # a run that could not start says why here, where the run would be (the status bar's word goes)
            refusal = no_run_text(session, "to show") if session.analysis is not None and session.run_refusal else ""
            self._readout_lines = []
            self._stop_message = None
            lines = "<br>".join(html.escape(sentence) for sentence in refusal.split(". ", 1))  # why; what to do
            self.readout.setText(f"<span style='color:#b00020'>{lines}</span>" if refusal else "")
            self.readout.setToolTip(refusal)
            return
        lines = []
        for index, result in enumerate(session.runs):
            state = session.step_state(index)
            status = ""  # why it stopped, once it has: in full for one run, in a word for several (the Runs panel
            if state.finished and result.spec.max_steps > 0:  # gives each in full), whose lines would run past the
                # panel; a budget of no steps (a lesson's first look) has nothing to say why
                status = session.stop_message(index) if len(session.runs) == 1 else result.run.outcome
            lines.append(self._numbers_line(index, state.step_index, status if len(session.runs) > 1 else ""))
        self._readout_lines = lines
        self._stop_message = None
        only = session.runs[0]
        if len(session.runs) == 1 and only.spec.max_steps > 0:  # a run that can stop: its message has a place kept
            last_line = self._numbers_line(0, len(only.run.steps) - 1)
            self._stop_message = StopMessage(italic_clauses(status),
                                             last_line + italic_clauses(session.stop_message(0)))
            lines = [*lines, self._stop_message.shown]
        self.readout.setToolTip(plain_text("<br>".join(READOUT_GAP.join(line) for line in lines if line)))  # all of it
        self._fit_readout()

    def _numbers_line(self, index: int, step_index: int, status: str = "") -> list[str]:
        """Run `index`'s readout line at a step: which run (of several), the step, why it stopped, the numbers."""
        session = self._session
        result = session.runs[index]
        name = session.analysis.formula.name
        record = result.run.steps[step_index]
        noise = session.noise_floor_at(session.variables, result.points[step_index]).of(result.free)
        shown_gradient = noise.shown_gradient(record.gradient)
        gradient = format_values(shown_gradient)
        norm = math.hypot(*shown_gradient)
        update = self._update_text(result.spec, name)
        which = ""
        if len(session.runs) > 1:  # say which run each line is, by its mark in its colour
            colour = QColor.fromRgbF(*run_colour(index, session.theme)).name()
            which = (f"<span style='color:{colour}'>{run_glyph(index)}</span> "
                     f"<b>{html.escape(run_name(result.spec))}</b> &nbsp; ")
        return [
            f"{which}<b>step {step_index}</b> / {len(result.run.steps) - 1}",
            *italic_clauses(status),
            point_text([unicode_name(variable) for variable in result.free], record.point),
            f"{name} = {format_value(noise.shown_value(record.value))}",
            *self._gradient_parts(name, result.free, gradient, norm),
            f"{update}, η = {format_number(result.spec.lr)}",
        ]

    def _fit_readout(self) -> None:
        """Show the readout's lines, each cut after the last of its parts that fits the panel's width (see fitted).

        A lone run's stop message ends its numbers' line where it fits there whole, else has a line of its own (see
        StopMessage): presenting, an empty line kept for it cost the views 27 pixels at the scale of 1.6.
        """
        if not self._readout_lines:  # no run: why (in red) is set once by _show_step, and a new width keeps it
            return
        width = self.readout.contentsRect().width()
        metrics = QFontMetricsF(self.readout.font())
        shown = [fitted(line, metrics, width, readout_left_out_first(line, self._presenting))
                 for line in self._readout_lines]
        stop = self._stop_message
        if stop is not None and fits_whole(stop.last_line, metrics, width):
            shown[0] = READOUT_GAP.join([*self._readout_lines[0], *stop.shown])  # whole at its last step, as checked
        elif stop is not None:  # the remarks ("…; step 15 jumped over a singularity") fit there whole
            shown.append(READOUT_GAP.join(stop.shown) or EMPTY_LINE)
        self.readout.setText("<br>".join(shown))

    def set_presenting(self, presenting: bool) -> None:
        """Presenting, the readout keeps the point longest (see readout_left_out_first)."""
        self._presenting = presenting
        self._fit_readout()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Fit the readout's lines again in its new font: they were cut mid-number (η = 0.0 for 0.01) after Ctrl+=."""
        if watched is self.readout and event.type() == QEvent.Type.FontChange:
            self._fit_readout()
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the transport buttons and the readout's lines to the new width."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_button_words()
            self._fit_readout()

    def _fit_button_words(self) -> None:
        """Words on the transport buttons where η still fits beside them, else icons alone (their tooltips say it all).

        At 1024 pixels, or 1366 at 125 %, the worded buttons pushed η onto a line of its own, taken from the views.
        """
        if self._buttons_with_words:
            self._worded_buttons_width = self._buttons_group.sizeHint().width()
        margins = self.layout().contentsMargins()
        room = self.width() - margins.left() - margins.right()
        needed = self._worded_buttons_width + GROUP_SPACING + self._learning_rate_group.sizeHint().width()
        if (needed <= room) != self._buttons_with_words:
            self._buttons_with_words = needed <= room
            self._show_button_words()

    def _show_button_words(self) -> None:
        """Each transport button's word, or none while they show icons alone."""
        for button, word in self._button_words.items():
            button.setText(word if self._buttons_with_words else "")
