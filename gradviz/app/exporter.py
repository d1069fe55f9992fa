"""Export descent runs as images and videos, drawn by the same views and presenters as the window.

The exporter builds its own hidden SurfaceView and ContourView, wired by the window's presenters to an
independent copy of the session (camera included), so the window can be used or changed while an export
runs. A frame draws each shown panel at its pixel size with the views' own export rendering (the 3D view's
``render_to_array``; the contour view's ``exporting`` context, held for the whole export, straight into the
frame over a cached picture of what the clock does not move), side by side (3D left, contour right, as in the
window), then paints the optional caption with QPainter.

Panels are laid out at a logical height of LAYOUT_HEIGHT pixels whatever the frame size (half the frame
height below 360), then scaled: a 4K frame is the 720p frame drawn sharper, not a wider picture with tiny
text. The caption's font scales with the frame height in the same way. A portrait frame (taller than wide) is
scaled by its width instead and has the two panels one above the other. The views' presentation scale is the
session's made for that layout from the screen it was chosen on (see export_presentation_scale).
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import zip_longest
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import sympy
from PySide6 import QtCore, QtGui

from gradviz.app.camera_link import camera_of, show_camera
from gradviz.app.caption_lines import caption_lines
from gradviz.app.contour_view import ContourExport, ContourView
from gradviz.app.loss_plot import LossPlot
from gradviz.app.panel_base import MUTED_COLOUR, SCENE_CHANGED_COLOUR, WRONG_SIGN_COLOUR, outcome_colour
from gradviz.app.presentation import REFERENCE_SCREEN, scale_view
from gradviz.app.presenters import ContourPresenter, SurfacePresenter, run_colour, run_glyph
from gradviz.app.probe_presenter import ProbePresenter
from gradviz.app.qt_workarounds import keep_singletons_alive
from gradviz.app.stepper_panel import MIN_PLAY_SPEED
from gradviz.app.surface_view import TEXT_COLOUR, SurfaceView
from gradviz.app.themes import theme_named
from gradviz.app.view_common import bounded_presentation_scale, reference_font
from gradviz.core.basins import basins
from gradviz.core.lessons import changes_text
from gradviz.core.notation import format_number, format_value, function_line, held_text, unicode_math
from gradviz.core.runs import RunResult, first_step_outside, optimizer_text, point_text, run_name
from gradviz.core.scenario import PLAY_SPEED, Camera
from gradviz.core.session import Session
from gradviz.export.writers import (
    ExportCancelled,
    ExportError,
    Mp4Writer,
    ProgressCallback,
    check_writable_folder,
    write_atomically,
    write_png,
    writer_for,
)

KINDS = ("image", "video")
PACES = ("speed", "frames")  # steps per second, as the window plays; or steps per frame, each shown step a frame
IMAGE_SUFFIXES = (".png", ".svg")
PANELS = ("both", "3d", "contour")
LAYOUT_HEIGHT = 720
MIN_LAYOUT_SCALE = 0.5
MIN_SIDE, MAX_SIDE = 16, 8192
MIN_FPS, MAX_FPS = 1.0, 120.0
MIN_SPEED, MAX_SPEED = MIN_PLAY_SPEED, 100_000.0  # steps per second: faster than the window plays, for long runs
MAX_STEPS_PER_FRAME = 10_000  # a frame for every 10,000th step: the longest run (100,000 steps) in 11 frames
MAX_HOLD_SECONDS = 60.0
MAX_ORBIT_DEGREES = 3600.0
TIMING_SLACK = 1e-9  # of a frame or a step: a step due on a frame is on it, not one frame later by rounding
LOSS_SHARE = 0.24  # of the frame's height under the caption, for the loss strip
LOSS_LEAST = 110  # layout pixels: room for the plot's axes and a curve
LOSS_LEAST_FRAME_HEIGHT = 240
LOSS_RIGHT_MARGIN = 16  # layout pixels between the loss plot's right end and the frame's edge
# A map given the domain's shape unasked keeps at least this many layout pixels each way (see shape_to_spare): squared
# to 407 pixels above a loss strip, Himmelblau's map left its legend no corner clear of a minimum.
EXPORT_ASPECT_LEAST_PIXELS = 0.6 * LAYOUT_HEIGHT
CAPTION_FONT_FRACTION = 0.026
CAPTION_MIN_FONT_PIXELS = 9
CAPTION_MAX_RUNS = 4
SCENE_CAPTION_FACTOR = 1.3  # a lesson scene's caption, times the caption's text size: larger, as the window's is
SCENE_CAPTION_FLAGS = int(QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignTop
                          | QtCore.Qt.TextFlag.TextWordWrap)
CAPTION_BACKGROUND = QtGui.QColor(247, 247, 249)
CAPTION_RULE = QtGui.QColor(40, 40, 48, 60)


@dataclass(frozen=True)
class ExportOptions:
    """What to export and how: frame size, panels, caption and, for videos, timing and camera orbit.

    A video plays at fps frames per second. Its pace is 'speed': steps_per_second, as the window plays (each step
    held for its frames, steps passed over when faster than the frames); or 'frames': one frame for each shown
    step, steps_per_frame > 1 skipping steps (the last step is always shown). hold_seconds repeats the last frame;
    orbit_degrees turns the 3D camera by that many degrees over the whole video (0: a still camera). With the
    overlay, a lesson scene's caption (the one the window shows above the views) heads the frame's caption: struck
    through, and followed by scene_changes, while the views differ from what it was written for (see scene_changes).
    screen_height is that of the screen the session's presentation scale was chosen for (the window's), which the
    views' text keeps its share of (see export_presentation_scale).
    """

    kind: str = "video"
    size: tuple[int, int] = (1280, 720)
    fps: float = 30.0
    pace: str = "speed"
    steps_per_second: float = PLAY_SPEED
    steps_per_frame: int = 1
    panels: str = "both"
    overlay: bool = True
    loss: bool = False  # f against the step for every run, in a strip under the panels
    loss_log: bool = False  # that strip on a logarithmic scale
    hold_seconds: float = 1.0
    orbit_degrees: float = 0.0
    scene_caption: str = ""  # a lesson scene's caption for the audience, at the head of the frame's caption
    scene_changes: tuple[str, ...] = ()  # how the views differ from what that caption was written for
    screen_height: int = REFERENCE_SCREEN.height()

    def __post_init__(self) -> None:
        """Refuse options that cannot be exported, with a message fit for a user."""
        if self.kind not in KINDS:
            raise ExportError(f"the export kind must be one of {', '.join(KINDS)}, not '{self.kind}'")
        if self.panels not in PANELS:
            raise ExportError(f"panels must be one of {', '.join(PANELS)}, not '{self.panels}'")
        width, height = self.size
        least_width = 2 * MIN_SIDE if self.panels == "both" else MIN_SIDE
        if not (least_width <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
            raise ExportError(f"the frame size must be {least_width} to {MAX_SIDE} pixels wide and {MIN_SIDE} to "
                              f"{MAX_SIDE} high, not {width}×{height}")
        if self.loss and height < LOSS_LEAST_FRAME_HEIGHT:
            raise ExportError(f"the loss curve needs a frame at least {LOSS_LEAST_FRAME_HEIGHT} pixels high, "
                              f"not {height}")
        if not MIN_FPS <= self.fps <= MAX_FPS:
            raise ExportError(f"fps must be between {MIN_FPS:g} and {MAX_FPS:g}, not {self.fps:g}")
        if self.pace not in PACES:
            raise ExportError(f"the pace must be one of {', '.join(PACES)}, not '{self.pace}'")
        if not MIN_SPEED <= self.steps_per_second <= MAX_SPEED:
            raise ExportError(f"the speed must be {MIN_SPEED:g} to {MAX_SPEED:g} steps per second, "
                              f"not {self.steps_per_second:g}")
        if not 1 <= self.steps_per_frame <= MAX_STEPS_PER_FRAME:
            raise ExportError(f"steps per frame must be 1 to {MAX_STEPS_PER_FRAME:,}, not {self.steps_per_frame:,}")
        if not 0.0 <= self.hold_seconds <= MAX_HOLD_SECONDS:
            raise ExportError(f"the hold must be 0 to {MAX_HOLD_SECONDS:g} seconds, not {self.hold_seconds:g}")
        if self.screen_height < 1:
            raise ExportError(f"the screen's height must be a positive number of pixels, not {self.screen_height}")
        if not abs(self.orbit_degrees) <= MAX_ORBIT_DEGREES:
            raise ExportError(f"the orbit must be within ±{MAX_ORBIT_DEGREES:g} degrees, not {self.orbit_degrees:g}")

    @property
    def loss_scale(self) -> str:
        """'' for no loss strip, else its scale: 'linear' or 'log'."""
        return ("log" if self.loss_log else "linear") if self.loss else ""

    @property
    def hold_frames(self) -> int:
        """How many extra frames show the last step."""
        return round(self.hold_seconds * self.fps)


@dataclass(frozen=True)
class PanelSlot:
    """Where one panel goes in the frame: its top-left corner and pixel size, and the widget size it is laid out at."""

    name: str
    left: int
    top: int
    size: tuple[int, int]
    layout_size: tuple[int, int]


def layout_scale(size: tuple[int, int]) -> float:
    """Frame pixels per layout pixel: a landscape frame's panels are laid out about LAYOUT_HEIGHT high, then scaled; a
    portrait frame is scaled by its width, so its text is as large across it as a landscape frame's is up it."""
    return max(min(size) / LAYOUT_HEIGHT, MIN_LAYOUT_SCALE)


def export_presentation_scale(scale: float, screen_height: int) -> float:
    """The presentation scale an export's views draw at for the session's, chosen on a screen this many pixels high.

    A frame's panels are laid out LAYOUT_HEIGHT high, then scaled, so the views' text takes the share of the picture it
    takes of that screen, and a picture the screen's size has the screen's text size: presenting at 3.2 on a 3840 ×
    2160 screen draws as at 1.6 on 1920 × 1080, 1.07. At the screen's 3.2 itself, a picture's text was three times the
    share it took of the screen, the 3D panel squeezed to a third of its room. Never below the views' least, 1.
    """
    return bounded_presentation_scale(round(scale * LAYOUT_HEIGHT / screen_height, 2))


def panel_slots(size: tuple[int, int], panels: str, top: int = 0, loss: bool = False) -> tuple[PanelSlot, ...]:
    """The panels of a frame of this size below its top rows: side by side (3D left of contour, as in the window),
    or in a portrait frame one above the other (3D above), each the whole width.

    With loss, the loss plot takes a strip of the whole width under them. Every panel is laid out at the scale of
    the whole frame's height, so text is alike with or without a caption.
    """
    width, height = size
    names = ("3d", "contour") if panels == "both" else (panels,)
    scale = layout_scale(size)
    strip = max(round((height - top) * LOSS_SHARE), min(round(LOSS_LEAST * scale), height - top - 1)) if loss else 0
    panel_height = height - top - strip

    def slot(name: str, left: int, slot_top: int, slot_width: int, slot_height: int) -> PanelSlot:
        layout = (max(1, round(slot_width / scale)), max(1, round(slot_height / scale)))
        return PanelSlot(name, left, slot_top, (slot_width, slot_height), layout)

    stacked = height > width
    length = panel_height if stacked else width
    edges = [round(length * i / len(names)) for i in range(len(names) + 1)]
    slots = [slot(name, 0, top + start, width, end - start) if stacked else slot(name, start, top, end - start,
                                                                                    panel_height)
             for name, start, end in zip(names, edges[:-1], edges[1:], strict=True)]
    if loss:
        slots.append(slot("loss", 0, top + panel_height, width, strip))
    return tuple(slots)


def frame_layout(session: Session, size: tuple[int, int], panels: str, overlay: bool, loss: bool,
                 scene_caption: str = "", still_step: int | None = None, scene_changes: tuple[str, ...] = (),
                 ) -> tuple[Caption | None, tuple[PanelSlot, ...]]:
    """The caption (None without the overlay) and the panels' slots of a frame (of every step, or of still_step's
    alone), or ExportError if they do not fit."""
    caption, slots = unchecked_layout(session, size, panels, overlay, loss, scene_caption, still_step, scene_changes)
    if min(slot.size[1] for slot in slots) < MIN_SIDE:
        top = caption.height if caption is not None else 0
        least = size[1]
        while least < MAX_SIDE and min(slot.size[1] for slot in slots) < MIN_SIDE:
            # a row for each panel stacked and the strip; a taller frame may stack its panels, or wrap its caption less
            least = max(least + 1, min(slot.top for slot in slots) + MIN_SIDE * len({slot.top for slot in slots}))
            slots = unchecked_layout(session, (size[0], least), panels, overlay, loss, scene_caption, still_step,
                                     scene_changes)[1]
        raise ExportError(f"a frame {size[1]} pixels high is too low for its caption ({top} pixels) and the panels: "
                          f"make it at least {least} pixels high, or leave the caption out")
    return caption, slots


def unchecked_layout(session: Session, size: tuple[int, int], panels: str, overlay: bool, loss: bool,
                     scene_caption: str = "", still_step: int | None = None, scene_changes: tuple[str, ...] = (),
                     ) -> tuple[Caption | None, tuple[PanelSlot, ...]]:
    """The caption and the panels' slots of a frame, whether or not the panels have room."""
    caption = Caption(session, size, scene_caption, still_step, scene_changes) if overlay else None
    return caption, panel_slots(size, panels, caption.height if caption is not None else 0, loss)


def frame_steps(last_step: int, options: ExportOptions, plays: bool = True) -> list[int]:
    """The session steps shown by successive frames (before the last is held), always ending on the last.

    At a speed, step k comes at k / steps_per_second seconds, on the first frame from then on, and stays until the
    next step's frame: 10 steps at 8 steps per second reach step 10 at 1.25 s. By frames, every
    steps_per_frame-th step has one frame. Numbered frames (plays False) have one picture for each step shown,
    unless the camera turns meanwhile.
    """
    if options.pace == "frames":
        steps = list(range(0, last_step + 1, options.steps_per_frame))
    else:
        frames_per_step = options.fps / options.steps_per_second
        moving = math.ceil(last_step * frames_per_step - TIMING_SLACK)  # the frames before the last step's
        steps = [math.floor(frame / frames_per_step + TIMING_SLACK) for frame in range(moving)]
    if not steps or steps[-1] != last_step:
        steps.append(last_step)
    return steps if plays or options.orbit_degrees else list(dict.fromkeys(steps))


def shape_to_spare(view: ContourView) -> bool:
    """Whether the map laid out at equal aspect keeps room to spare for its legend and tags: a frame at least
    EXPORT_ASPECT_LEAST_PIXELS wide and high, as it has beside the 3D panel at 16:9 (470 pixels)."""
    frame = view.view_box.size()
    return not view.aspect_dropped and min(frame.width(), frame.height()) >= EXPORT_ASPECT_LEAST_PIXELS


def lay_out_hidden(view: pg.GraphicsView, plot_item: pg.PlotItem, size: tuple[int, int]) -> None:
    """Size a hidden plot (the contour view, the loss plot) and lay it out as a shown window of that size would be.

    A hidden widget gets its resize event only when shown: without it the plot layout keeps its default size
    and every render lays the axes out anew at the frame's size and back (slow). pyqtgraph places an axis
    title only when its axis is resized, so the titles are placed again for their current text.
    """
    view.resize(*size)
    resize = QtGui.QResizeEvent(QtCore.QSize(*size), QtCore.QSize(*size))
    QtCore.QCoreApplication.sendEvent(view.viewport(), resize)
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.LayoutRequest)
    for axis in (plot_item.getAxis("left"), plot_item.getAxis("bottom")):
        axis.resizeEvent()


EXPORT_BASINS_SECONDS = 30.0  # an export waits this long for basins it has to find itself


def copy_session(session: Session) -> Session:
    """An independent session showing the same scenario with the same analysed formula."""
    if session.analysis is None:
        raise ExportError("there is nothing to export yet: no formula has been analysed")
    copy = Session()
    copy.apply_scenario(session.scenario(), session.analysis)
    copy.set_presentation_scale(session.presentation_scale)  # drawn as the window draws now
    wanted = copy.basins_wanted()
    if wanted is not None:  # the window's, if it has them; else found now, as a picture needs them
        shown = session.basins()
        copy.set_basins(wanted, shown if shown is not None else basins(wanted.analysis.compiled, wanted.domain,
                                                                       wanted.spec, EXPORT_BASINS_SECONDS))
    return copy


def array_as_image(array: np.ndarray) -> QtGui.QImage:
    """A QImage painting straight into a contiguous (height, width, 4) uint8 RGBA array (keep the array alive)."""
    height, width = array.shape[:2]
    return QtGui.QImage(array.data, width, height, array.strides[0], QtGui.QImage.Format.Format_RGBA8888)


# --------------------------------------------------------------------------------------------
# The caption


def formula_title(session: Session) -> str:
    """'f(x, y) = …' in Unicode math."""
    return function_line(session.analysis.formula)


@dataclass(frozen=True)
class CaptionSegment:
    """A piece of caption text in one colour."""

    text: str
    colour: QtGui.QColor


class Caption:
    """The caption strip across the top of a frame: a lesson scene's caption, the formula, then each run's step, η,
    update rule and f.

    A strip above the panels rather than a box over them, so it never hides what the views draw in
    their corners (legends, axis titles). The columns are measured once over every step of every run,
    so the numbers do not shift as the video plays. A run's note and outcome follow its own f, as wide as it is
    at the steps that show them, with no gap held for them; a video keeps the rows they will need under their run,
    a still picture only those it shows.
    """

    def __init__(self, session: Session, frame_size: tuple[int, int], scene_caption: str = "",
                 still_step: int | None = None, scene_changes: tuple[str, ...] = ()) -> None:
        """Lay out the caption for this session in a frame of this size (the formula is cut short to fit), headed by
        the scene's caption, wrapped at words, if there is one (struck through, and what changed said under it, with
        scene_changes); for every step, or for still_step's alone."""
        frame_width, frame_height = frame_size
        pixels = max(round(min(frame_width, frame_height) * CAPTION_FONT_FRACTION), CAPTION_MIN_FONT_PIXELS)
        self.font = QtGui.QFont()
        self.font.setPixelSize(pixels)
        self.title_font = QtGui.QFont(self.font)
        self.title_font.setPixelSize(round(pixels * 1.12))
        self.title_font.setWeight(QtGui.QFont.Weight.DemiBold)
        self.metrics = QtGui.QFontMetricsF(self.font)
        self.title_metrics = QtGui.QFontMetricsF(self.title_font)
        self.scene_font = QtGui.QFont(self.font)
        self.scene_font.setPixelSize(round(pixels * SCENE_CAPTION_FACTOR))
        self.gap = self.metrics.horizontalAdvance("   ")
        self.padding = 0.55 * self.metrics.height()
        self.margin = 0.8 * self.metrics.height()
        self.title = self._title(session, frame_width - 2 * self.margin)
        self.room = frame_width - 2 * self.margin
        scene_metrics = QtGui.QFontMetricsF(self.scene_font)  # the scene's caption in the caption bar's lines
        self.scene_caption = "\n".join(caption_lines(scene_metrics, scene_caption, self.room))
        self.scene_changes = changes_text(scene_changes) if self.scene_caption and scene_changes else ""
        self.changes_font = QtGui.QFont(self.font)
        self.changes_font.setWeight(QtGui.QFont.Weight.DemiBold)
        self.scene_rect = QtCore.QRectF()  # where the scene's caption is drawn (empty without one)
        self.changes_rect = QtCore.QRectF()  # where what changed since it was written is said (empty if nothing)
        self.scene_height = 0.0
        if self.scene_caption:
            self.scene_rect = self._wrapped_rect(self.scene_font, self.scene_caption, self.padding)
            last = self.scene_rect
            if self.scene_changes:
                last = self.changes_rect = self._wrapped_rect(
                    self.changes_font, self.scene_changes, last.bottom() + 0.15 * self.metrics.height())
            self.scene_height = last.bottom() - self.padding + 0.3 * self.metrics.height()
        self._first_outside: dict[int, int | None] = {}  # each run's first step off the plotted ranges
        self._value_texts: dict[int, list[str]] = {}  # each run's f at every step, as written (see value_texts)
        self.shown_runs = min(len(session.runs), CAPTION_MAX_RUNS)
        self.more_runs = len(session.runs) - self.shown_runs
        column_widths = self._column_widths(session, still_step)
        marked = len(session.runs) > 1
        self.column_lefts = self._column_lefts(column_widths, marked)
        self.indent = self.column_lefts[1] if marked and len(column_widths) > 1 else 0.0
        self.column_places = self._wrapped_columns(column_widths)
        self.tail_starts = [self._tail_start(session, index, still_step) for index in range(self.shown_runs)]
        self.run_rows = [self._rows_needed(session, index, still_step) for index in range(self.shown_runs)]
        lines = sum(self.run_rows) + (1 if self.more_runs else 0)
        self.line_height = 1.15 * self.metrics.height()
        self.height = math.ceil(self.scene_height + self.title_metrics.height() + lines * self.line_height
                                + 2 * self.padding)
        self.width = frame_width

    def _wrapped_rect(self, font: QtGui.QFont, text: str, top: float) -> QtCore.QRectF:
        """Where the text is drawn in this font from `top`, across the frame within its margins, wrapped at words."""
        wrapped = QtGui.QFontMetricsF(font).boundingRect(QtCore.QRectF(0, 0, self.room, 1e6), SCENE_CAPTION_FLAGS,
                                                         text)
        return QtCore.QRectF(self.margin, top, self.room, math.ceil(wrapped.height()))

    def _title(self, session: Session, width: float) -> str:
        """The formula, cut short to fit the width, then the values of the variables held fixed (never cut)."""
        held = held_text(tuple(session.fixed.items()))
        suffix = f"   ({held})" if held else ""
        room = width - self.title_metrics.horizontalAdvance(suffix)
        if room < width / 2:  # so many held values that the formula would be lost: cut the whole line instead
            return self.title_metrics.elidedText(formula_title(session) + suffix, QtCore.Qt.TextElideMode.ElideRight,
                                                 width)
        return self.title_metrics.elidedText(formula_title(session), QtCore.Qt.TextElideMode.ElideRight, room) + suffix

    @staticmethod
    def _point_name(session: Session, index: int) -> str:
        """How the moving point is written in the update rule: 'w' for one variable w, '(x, y)' for several."""
        free = [unicode_math(sympy.Symbol(name, real=True)) for name in session.runs[index].free]
        return free[0] if len(free) == 1 else f"({', '.join(free)})"

    def run_line(self, session: Session, index: int, step_index: int | None = None) -> list[CaptionSegment]:
        """The caption line of run `index` at its current step (or at step_index): its columns, then its tail."""
        if step_index is None:
            step_index = session.step_state(index).step_index
        return self.run_columns(session, index, step_index) + self.run_tail(session, index, step_index)

    def run_columns(self, session: Session, index: int, step_index: int) -> list[CaptionSegment]:
        """Run `index`'s step, η, update rule and f at step_index, in the columns every run lines up in.

        Where any run has a label (a lesson's "small η"), each line gives its run's, as the window's readout does.
        """
        result = session.runs[index]
        spec = result.spec
        name = session.analysis.formula.name
        last = len(result.run.steps) - 1
        correct = spec.sign == "correct"
        if spec.optimizer in ("gd", "newton"):  # the rule as the window's readout gives it (see StepperPanel)
            point = self._point_name(session, index)
            rule = f"{point} ← {point} {'−' if correct else '+'} η{'H⁻¹' if spec.optimizer == 'newton' else ''}∇{name}"
        else:  # the optimizer's step, taken on ∇f (on −∇f with the wrong sign): 'Adam, −∇f' read as Adam down −∇f
            rule = f"{optimizer_text(spec)} step on {'' if correct else '−'}∇{name}"
        text = QtGui.QColor(TEXT_COLOUR)
        swatch = QtGui.QColor.fromRgbF(*run_colour(index, session.theme))
        segments = [CaptionSegment(run_glyph(index), swatch)] if len(session.runs) > 1 else []
        if any(other.spec.label for other in session.runs):  # the runs' names, as the window's readout gives them
            segments.append(CaptionSegment(run_name(spec), text))
        learning_rate = f"η = {format_number(spec.lr)}"
        segments += [
            CaptionSegment(f"step {step_index} / {last}", text),
            *([] if learning_rate in spec.label else [CaptionSegment(learning_rate, text)]),  # the label gives it
            CaptionSegment(rule, text if spec.sign == "correct" else QtGui.QColor(WRONG_SIGN_COLOUR)),
            CaptionSegment(self.value_texts(session, result)[step_index], text),
        ]
        return segments

    def run_tail(self, session: Session, index: int, step_index: int) -> list[CaptionSegment]:
        """What follows run `index`'s columns at step_index, one after the other with no gap held: the note once its
        point has left the plotted range, then at its last step why it stopped (after the note, which stays put)."""
        result = session.runs[index]
        tail = []
        left = self.left_range_text(session, index, step_index)
        if left:
            tail.append(CaptionSegment(left, QtGui.QColor(WRONG_SIGN_COLOUR)))
        if step_index == len(result.run.steps) - 1 and result.spec.max_steps > 0:  # no steps: nothing to say why
            tail.append(CaptionSegment(result.run.outcome, QtGui.QColor(outcome_colour(result.run))))
        return tail

    def line_places(self, index: int, columns: int, tail: list[CaptionSegment]) -> list[tuple[int, float]]:
        """Each segment of run `index`'s line: its row within the run's lines and its left there: the first `columns`
        in the columns, then the tail's one after another, going on under the marker where the frame's width ends."""
        places = list(self.column_places[:columns])
        row, left = self.tail_starts[index]
        for segment in tail:
            width = self.metrics.horizontalAdvance(segment.text)
            if left + width > self.room and left > self.indent:
                row, left = row + 1, self.indent
            places.append((row, left))
            left += width + self.gap
        return places

    def _tail_start(self, session: Session, index: int, still_step: int | None) -> tuple[int, float]:
        """Where run `index`'s note or outcome begins: a gap after its own f, as wide as f is at the steps that show
        them (the note's from the point's leaving the plot on, so it stays put; the outcome's alone at the last step).

        Held for f's widest over the whole run, the outcome of a run ending at f = 2.0353e−5 stood apart from it.
        """
        values = self.value_texts(session, session.runs[index])
        last = len(values) - 1
        first = self._first_outside_step(session, index)
        shown = ([min(still_step, last)] if still_step is not None
                 else range(last if first is None else min(first, last), last + 1))
        row, left = self.column_places[len(self.run_columns(session, index, last)) - 1]
        return row, left + self._widest({values[step] for step in shown}) + self.gap

    def _rows_needed(self, session: Session, index: int, still_step: int | None) -> int:
        """The rows run `index`'s lines take at still_step, or the most they take at any step (so a video's panels
        stay put): only steps with a tail can take more than the columns."""
        last = len(session.runs[index].run.steps) - 1
        if still_step is not None:
            steps = [min(still_step, last)]
        else:
            first = self._first_outside_step(session, index)
            steps = [0, *range(last if first is None else min(first, last), last + 1)]
        columns = len(self.run_columns(session, index, last))
        return max(1 + max(row for row, _left in self.line_places(index, columns, self.run_tail(session, index, step)))
                   for step in steps)

    def left_range_text(self, session: Session, index: int, step_index: int) -> str:
        """'left the plotted range at step 5, now w = −112' once run `index`'s point is off the picture (its ball
        shows as an edge pointer alone), else ''."""
        result = session.runs[index]
        first = self._first_outside_step(session, index)
        if first is None or first > step_index:
            return ""
        free = [session.variables.index(name) for name in result.free]
        return f"left the plotted range at step {first}, now {point_text(result.free, result.points[step_index, free])}"

    def _first_outside_step(self, session: Session, index: int) -> int | None:
        """The first step of run `index` whose point is off the plotted ranges, None if it never is (kept)."""
        if index not in self._first_outside:
            columns = [session.variables.index(name) for name in session.plot.axes]
            self._first_outside[index] = first_step_outside(session.runs[index].points, columns,
                                                            [session.plot.ranges[name] for name in session.plot.axes])
        return self._first_outside[index]

    def value_texts(self, session: Session, result: RunResult) -> list[str]:
        """'f = 0.115293' at each step of a run, as the window's readouts write it (format_value), 0 where it is
        rounding (written once per run: a frame asks for one step's)."""
        key = id(result)  # the session holds its runs while the caption is drawn
        if key not in self._value_texts:
            shown = session.noise_floor_at(session.variables, result.points).shown_values(result.values)
            self._value_texts[key] = [f"{session.analysis.formula.name} = {format_value(value)}"
                                      for value in shown.tolist()]
        return self._value_texts[key]

    def _column_lefts(self, widths: list[float], marked: bool) -> list[float]:
        """Where each column of these widths starts, from the line's left edge, then where the widest line ends.

        The run's colour marker (with several runs: marked) is followed by a space, the other columns by a wider gap.
        """
        gaps = [self.metrics.horizontalAdvance(" ") if marked and column == 0 else self.gap
                for column in range(len(widths))]
        lefts = [0.0]
        for width, gap in zip(widths, gaps, strict=True):
            lefts.append(lefts[-1] + width + gap)
        if len(lefts) > 1:
            lefts[-1] -= gaps[-1]
        return lefts

    def _wrapped_columns(self, widths: list[float]) -> list[tuple[int, float]]:
        """Each column's row within its run's lines and its left there: a line wider than the frame goes on under
        its marker, at a column's start, as a portrait frame needs (the columns stay aligned across the runs)."""
        places: list[tuple[int, float]] = []
        row, shift = 0, 0.0
        for left, width in zip(self.column_lefts, widths, strict=False):
            if left + width - shift > self.room and left - shift > self.indent:
                row, shift = row + 1, left - self.indent
            places.append((row, left - shift))
        return places

    def _column_widths(self, session: Session, still_step: int | None) -> list[float]:
        """The widest text of each column of the shown runs, f's (the last) measured at every step or at still_step's
        alone (a still picture's tails then start right after its widest f)."""
        widths: list[float] = []
        for index in range(self.shown_runs):
            result = session.runs[index]
            line = self.run_columns(session, index, len(result.run.steps) - 1)  # 'step 30 / 30', the widest step
            sizes = [self.metrics.horizontalAdvance(segment.text) for segment in line]
            values = self.value_texts(session, result)
            sizes[-1] = self._widest(set(values) if still_step is None else {values[min(still_step, len(values) - 1)]})
            widths = [max(pair) for pair in zip_longest(sizes, widths, fillvalue=0.0)]  # a shorter line keeps the rest
        return widths

    def _widest(self, texts: set[str]) -> float:
        """The width of the widest text, measuring only the longest ones (digits have one width)."""
        longest = max(len(text) for text in texts)
        return max(self.metrics.horizontalAdvance(text) for text in texts if len(text) >= longest - 1)

    def paint(self, painter: QtGui.QPainter, session: Session) -> None:
        """Draw the strip, height pixels high across the frame's top, for the session's current step."""
        painter.save()
        painter.setRenderHints(QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(QtCore.QRectF(0, 0, self.width, self.height), CAPTION_BACKGROUND)
        painter.setPen(QtGui.QPen(CAPTION_RULE, max(1.0, self.metrics.height() / 20)))
        painter.drawLine(QtCore.QPointF(0, self.height - 0.5), QtCore.QPointF(self.width, self.height - 0.5))
        left = self.margin
        if self.scene_caption:
            struck = QtGui.QFont(self.scene_font)
            struck.setStrikeOut(bool(self.scene_changes))  # the views no longer show what it says
            painter.setFont(struck)
            painter.setPen(QtGui.QColor(MUTED_COLOUR) if self.scene_changes else TEXT_COLOUR)
            painter.drawText(self.scene_rect, SCENE_CAPTION_FLAGS, self.scene_caption)
            painter.setFont(self.changes_font)
            painter.setPen(QtGui.QColor(SCENE_CHANGED_COLOUR))
            painter.drawText(self.changes_rect, SCENE_CAPTION_FLAGS, self.scene_changes)
        baseline = self.padding + self.scene_height + self.title_metrics.ascent()
        painter.setFont(self.title_font)
        painter.setPen(TEXT_COLOUR)
        painter.drawText(QtCore.QPointF(left, baseline), self.title)
        painter.setFont(self.font)
        baseline += self.title_metrics.descent() + 0.15 * self.metrics.height() + self.metrics.ascent()
        for index in range(self.shown_runs):
            step_index = session.step_state(index).step_index
            columns = self.run_columns(session, index, step_index)
            tail = self.run_tail(session, index, step_index)
            for segment, (row, column_left) in zip(columns + tail, self.line_places(index, len(columns), tail),
                                                   strict=True):
                painter.setPen(segment.colour)
                text = self.metrics.elidedText(segment.text, QtCore.Qt.TextElideMode.ElideRight,
                                               self.room - column_left)  # a column wider than the frame alone
                painter.drawText(QtCore.QPointF(left + column_left, baseline + row * self.line_height), text)
            baseline += self.run_rows[index] * self.line_height
        if self.more_runs:
            painter.setPen(TEXT_COLOUR)
            painter.drawText(QtCore.QPointF(left, baseline), f"and {self.more_runs} more runs")
        painter.restore()


# --------------------------------------------------------------------------------------------
# Frames


class FrameRenderer:
    """Renders a session's steps as export frames with hidden views wired to it as the window's are.

    The same presenters draw the runs, the field and the partial derivatives at the probe point, in the
    session's theme and presentation scale (made for the frame: see export_presentation_scale). The map keeps the
    plotted ranges' shape wherever it has room to spare (see shape_to_spare), as the window's does with equal aspect
    (E), whether or not the window has it: level lines round on a course page. Equal aspect asked for is kept as in
    the window (a strip drawn at different scales, with its note).

    The session should be the renderer's own (see copy_session): rendering moves its clock and may set its aspect.
    """

    def __init__(self, session: Session, size: tuple[int, int], panels: str = "both", overlay: bool = True,
                 loss: str = "", scene_caption: str = "", still_step: int | None = None,
                 screen_height: int = REFERENCE_SCREEN.height(), scene_changes: tuple[str, ...] = ()) -> None:
        """Build the views for the panels asked for, laid out for frames of size (width, height).

        loss: '' for none, else the scale ('linear' or 'log') of the loss plot in a strip under the panels;
        scene_caption: a lesson scene's, heading the caption; still_step: the one step of a still picture, whose
        caption holds no room for what later steps say; screen_height: the height of the screen the session's
        presentation scale is for; scene_changes: how the views differ from what the scene's caption was written for.
        """
        if session.analysis is None or session.field is None:
            raise ExportError("there is nothing to export yet: no formula has been analysed")
        keep_singletons_alive()
        self.session = session
        self.size = (int(size[0]), int(size[1]))
        self.caption, self.slots = frame_layout(session, self.size, panels, overlay, bool(loss), scene_caption,
                                                still_step, scene_changes)
        names = [slot.name for slot in self.slots]
        self.surface_view = SurfaceView() if "3d" in names else None
        self.contour_view = ContourView() if "contour" in names else None
        equal_asked = bool(session.view.equal_aspect)
        if self.contour_view is not None:
            session.set_view(equal_aspect=True)  # before the presenters draw: a strip is seen once laid out (below)
        look = theme_named(session.theme)
        self._presenters: list[object] = []
        for view in (self.surface_view, self.contour_view):
            if view is not None:
                view.set_colormap(look.lut)
                scale_view(view, export_presentation_scale(session.presentation_scale, screen_height))
        if self.surface_view is not None:
            self.surface_view.resize(*self.slot("3d").layout_size)
            self._presenters.append(SurfacePresenter(session, self.surface_view))
        if self.contour_view is not None:
            self._presenters.append(ContourPresenter(session, self.contour_view))
        self._presenters.append(ProbePresenter(session, self.surface_view, self.contour_view, key_hints=False))
        self._exports = contextlib.ExitStack()
        self.contour_export: ContourExport | None = None
        if self.contour_view is not None:
            lay_out_hidden(self.contour_view, self.contour_view.plot_item, self.slot("contour").layout_size)
            if not equal_asked and not shape_to_spare(self.contour_view):  # unasked: a strip, or little room left
                session.set_view(equal_aspect=False)
            self.contour_export = self._exports.enter_context(self.contour_view.exporting(*self.slot("contour").size))
        self.loss_plot: LossPlot | None = None
        if loss:  # the window's loss panel; its plot is drawn into the strip
            self.loss_plot = LossPlot(session)
            self.loss_plot.log_box.setChecked(loss == "log")
            self.loss_plot.refresh()
            plot = self.loss_plot.plot
            plot.set_text_font(reference_font())  # the window's follows the desktop's font; a frame does not
            plot_layout = plot.getPlotItem().layout
            left, top, _right, bottom = plot_layout.getContentsMargins()
            plot_layout.setContentsMargins(left, top, LOSS_RIGHT_MARGIN, bottom)  # its axes ran to the frame's edge
            lay_out_hidden(plot, plot.getPlotItem(), self.slot("loss").layout_size)
            self.loss_plot.draw_marks_at(self.slot("loss").size[1] / self.slot("loss").layout_size[1])
        self._orbit = 0.0
        self.camera: Camera | None = None
        if self.surface_view is not None:
            show_camera(self.surface_view, session.camera)
            self.camera = camera_of(self.surface_view)

    def show_step(self, step: int, orbit: float = 0.0) -> None:
        """Move the session's clock to a step and turn the 3D camera by orbit degrees from its start."""
        self.session.set_step(step)
        if orbit != self._orbit and self.surface_view is not None and self.camera is not None:
            show_camera(self.surface_view, replace(self.camera, azimuth=self.camera.azimuth + orbit))
            self._orbit = orbit

    def render_step(self, step: int, orbit: float = 0.0) -> np.ndarray:
        """The frame for a step as a (height, width, 4) uint8 RGBA array (see render_pieces)."""
        *_, frame = self.render_pieces(step, orbit)
        assert frame is not None
        return frame

    def render_pieces(self, step: int, orbit: float = 0.0) -> Iterator[np.ndarray | None]:
        """The frame for a step drawn in two pieces: None after the first, then the (height, width, 4) RGBA array.

        The 3D panel is copied in from its rendering (started first, so OpenGL draws it while the contour panel
        paints straight into the frame from its cached static layer, and while the caller's window handles its
        events between the pieces), then the caption.
        """
        self.show_step(step, orbit)
        width, height = self.size
        frame = np.empty((height, width, 4), dtype=np.uint8)
        image = array_as_image(frame)
        # OpenGL draws the 3D panel on its own threads while the contour panel is painted here
        pending = self.surface_view.start_render(*self.slot("3d").size) if self.surface_view is not None else None
        if self.contour_view is not None or self.loss_plot is not None:
            painter = QtGui.QPainter(image)
            if self.contour_view is not None:
                self.paint_contour_panel(painter)
            if self.loss_plot is not None:
                self.paint_loss_strip(painter)
            painter.end()
        yield None
        if pending is not None:
            slot = self.slot("3d")
            frame[slot.top : slot.top + slot.size[1], slot.left : slot.left + slot.size[0]] = (
                self.surface_view.finish_render(pending))
        if self.caption is not None:
            painter = QtGui.QPainter(image)
            self.caption.paint(painter, self.session)
            painter.end()
        yield frame

    def paint_contour_panel(self, painter: QtGui.QPainter, cached: bool = True) -> None:
        """The contour view's export rendering in its place in the frame, drawn whole or over its static layer."""
        assert self.contour_export is not None
        slot = self.slot("contour")
        painter.save()
        painter.translate(slot.left, slot.top)
        painter.setClipRect(0, 0, *slot.size)
        self.contour_export.paint(painter, cached)
        painter.restore()

    def paint_loss_strip(self, painter: QtGui.QPainter) -> None:
        """The loss plot, its clock line at the current step, scaled into its strip under the panels."""
        assert self.loss_plot is not None
        slot = self.slot("loss")
        layout_width, layout_height = slot.layout_size
        painter.save()
        painter.setRenderHints(QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing)
        # the layout size is the strip's rounded to whole layout pixels: keeping its aspect left a column unpainted
        self.loss_plot.plot.render(painter, QtCore.QRectF(slot.left, slot.top, *slot.size),
                                   QtCore.QRect(0, 0, layout_width, layout_height),
                                   QtCore.Qt.AspectRatioMode.IgnoreAspectRatio)
        painter.restore()

    def slot(self, name: str) -> PanelSlot:
        """Where a panel goes in the frame."""
        return next(slot for slot in self.slots if slot.name == name)

    def paint_contour(self, painter: QtGui.QPainter) -> None:
        """Paint the contour panel and the caption at the current step with a painter (for vector output)."""
        if self.contour_view is None:
            raise ExportError("this export has no contour panel")
        self.paint_contour_panel(painter, cached=False)
        if self.caption is not None:
            self.caption.paint(painter, self.session)

    def close(self) -> None:
        """Release the views (call on the GUI thread once rendering is over)."""
        self._exports.close()
        self.contour_export = None
        if self.surface_view is not None:
            self.surface_view.release_gl()
        for widget in (self.surface_view, self.contour_view, self.loss_plot):
            if widget is not None:
                widget.deleteLater()
        self.surface_view = self.contour_view = self.loss_plot = None
        self._presenters.clear()


def renderer_for(session: Session, options: ExportOptions, still_step: int | None = None) -> FrameRenderer:
    """A renderer of the session's frames (a copy of the window's: see copy_session) as the options ask, or of the
    one step of a still picture."""
    return FrameRenderer(session, options.size, options.panels, options.overlay, options.loss_scale,
                         options.scene_caption, still_step, options.screen_height, options.scene_changes)


# --------------------------------------------------------------------------------------------
# Exports


class VideoExport:
    """One video export, advanced a frame at a time so that a caller can keep its window live and stop it.

    The target is checked when the export is made, before anything is drawn. Call render_next() until
    complete, then close() (on the GUI thread) and finish() (on any thread: it waits for the encoder);
    or abort() at any time, which deletes the partial output. draw_seconds and write_seconds add up the
    time spent drawing frames and handing them to the encoder.
    """

    def __init__(self, session: Session, options: ExportOptions, path: str | os.PathLike[str]) -> None:
        """Check the target, copy the session and build the renderer."""
        self.writer = writer_for(path)
        self.path = Path(path)
        self.options = options
        session_copy = copy_session(session)
        self.steps = frame_steps(session_copy.last_step, options, self.writer.plays)
        self.total = len(self.steps) + held_frames(options, self.writer.plays)
        self.done = 0
        self.draw_seconds = 0.0
        self.write_seconds = 0.0
        self._renderer: FrameRenderer | None = renderer_for(session_copy, options)
        self._last_frame: np.ndarray | None = None
        self._last_step = -1

    @property
    def complete(self) -> bool:
        """Whether every frame has been handed to the encoder."""
        return self.done >= self.total

    def render_next(self) -> None:
        """Draw the next frame and hand it to the encoder (a step held on is drawn again only while orbiting)."""
        started = time.perf_counter()
        index = self.done
        orbit = self.options.orbit_degrees * index / self.total
        step = self.steps[min(index, len(self.steps) - 1)]
        if step != self._last_step or orbit or self._last_frame is None:
            assert self._renderer is not None
            frame = self._renderer.render_step(step, orbit)
        else:
            frame = self._last_frame
        drawn = time.perf_counter()
        if index == 0:
            self.writer.setup(self.path, self.options.size, self.options.fps)
        self.writer.grab_frame(frame)
        self._last_frame, self._last_step = frame, step
        self.done += 1
        self.draw_seconds += drawn - started
        self.write_seconds += time.perf_counter() - drawn

    def close(self) -> None:
        """Release the renderer's views and the last frame (GUI thread)."""
        self._last_frame = None
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None

    def finish(self) -> Path:
        """Complete the file and move it onto the target (for a GIF, this is when it is encoded)."""
        return self.writer.finish()

    def stop_encoding(self) -> None:
        """From any thread: make a finish() still encoding end with ExportCancelled (the GIF's encoder killed)."""
        self.writer.stop()

    def abort(self) -> None:
        """Stop: kill the encoder, delete partial output, release the views."""
        self.writer.abort()
        self.close()


class ImageExport:
    """One picture drawn in pieces, driven as a VideoExport is: the window handles its events between them.

    A 4K picture took the window away for two seconds, and a 1280×720 copy or SVG a quarter of one. The pieces:
    the views are built, the panels drawn (the 3D one started first), the 3D panel and the caption put in (an SVG:
    the map and caption drawn into it); finish() then writes the PNG or SVG on any thread. Without a target the
    picture is kept for the clipboard (see picture).
    """

    def __init__(self, session: Session, options: ExportOptions, path: str | os.PathLike[str] | None,
                 step: int | None = None) -> None:
        """Check the target (a .png or .svg, or None for a picture kept), copy the session; step defaults to the
        session's current one."""
        self.target = None if path is None else check_image_target(path, options)
        self.svg = self.target is not None and self.target.suffix.lower() == ".svg"
        self.options = replace(options, panels="contour", loss=False) if self.svg else options
        self.step = session.step if step is None else step
        self._session = copy_session(session)
        self._renderer: FrameRenderer | None = None
        self._pieces: Iterator[np.ndarray | None] | None = None
        self._frame: np.ndarray | None = None
        self._drawing: bytes | None = None
        self._stopping = False
        self.total = 2 if self.svg else 3
        self.done = 0

    @property
    def complete(self) -> bool:
        """Whether the picture is drawn (and can be written by finish)."""
        return self.done >= self.total

    def render_next(self) -> None:
        """Do the next piece of the drawing."""
        if self._renderer is None:
            self._renderer = renderer_for(self._session, self.options, self.step)
            self._pieces = self._renderer.render_pieces(self.step) if not self.svg else None
        elif self.svg:
            self._drawing = contour_svg(self._renderer, self.step)
        else:
            assert self._pieces is not None
            self._frame = next(self._pieces)
        self.done += 1

    def close(self) -> None:
        """Release the renderer's views (GUI thread); the drawn picture is kept for finish()."""
        self._pieces = None
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None

    def picture(self) -> QtGui.QImage:
        """The drawn picture as an image of its own (for the clipboard)."""
        if self._frame is None:
            raise ExportError("the picture was not drawn")
        return array_as_image(self._frame).copy()

    def finish(self) -> Path | None:
        """Encode and write the PNG or SVG (on any thread), None without a target; ExportCancelled if stopped before
        it was written."""
        if self._frame is None and self._drawing is None:
            raise ExportError("the picture was not drawn")
        if self._stopping:
            raise ExportCancelled(f"drawing {self.target.name if self.target else 'the picture'} was stopped; "
                                  "nothing was saved")
        if self.target is None:
            return None
        if self._drawing is not None:
            return write_atomically(self.target, self._drawing)
        return write_png(self.target, self._frame)

    def stop_encoding(self) -> None:
        """From any thread: a finish() not yet writing ends with ExportCancelled."""
        self._stopping = True

    def abort(self) -> None:
        """Stop: drop the picture and release the views (nothing has been written)."""
        self._stopping = True
        self._frame = self._drawing = None
        self.close()


def export_video(session: Session, options: ExportOptions, path: str | os.PathLike[str],
                 progress_callback: ProgressCallback | None = None) -> Path:
    """Export every step of the session's runs as an MP4, a GIF or a folder of PNG frames; returns the path.

    progress_callback(done, total) is called after each frame; raising ExportCancelled from it stops the
    export and deletes the partial output, as does any other failure.
    """
    job = VideoExport(session, options, path)
    try:
        while not job.complete:
            job.render_next()
            if progress_callback is not None:
                progress_callback(job.done, job.total)
        job.close()
        return job.finish()
    except BaseException:
        job.abort()
        raise


def export_image(session: Session, options: ExportOptions, path: str | os.PathLike[str],
                 step: int | None = None) -> Path:
    """Save one step (default: the session's current step) as a PNG, or the contour panel as SVG for '.svg'."""
    target = check_image_target(path, options)
    if target.suffix.lower() == ".svg":
        return export_contour_svg(session, options, target, step)
    return write_png(target, render_image(session, options, step))


def render_image(session: Session, options: ExportOptions, step: int | None = None) -> np.ndarray:
    """One step (default: the session's current step) as an export frame, a (height, width, 4) RGBA array."""
    step = session.step if step is None else step
    renderer = renderer_for(copy_session(session), options, step)
    try:
        return renderer.render_step(step)
    finally:
        renderer.close()


def check_image_target(path: str | os.PathLike[str], options: ExportOptions) -> Path:
    """The target of an image export as a Path, or an ExportError unless it is a .png or .svg that can be written."""
    target = Path(path)
    if target.suffix.lower() not in IMAGE_SUFFIXES:
        raise ExportError(f"cannot save an image as {target.name}: use .png, or .svg for the contour panel")
    if target.suffix.lower() == ".svg" and options.panels != "contour":
        raise ExportError("an SVG holds the contour panel only; choose the contour panel")
    if target.suffix.lower() == ".svg" and options.loss:
        raise ExportError("an SVG holds the contour panel only; leave out the loss curve, or save a PNG")
    if target.is_dir():
        raise ExportError(f"{target} is a folder; give a file name")
    check_writable_folder(target.parent)
    return target


def check_target(path: str | os.PathLike[str], options: ExportOptions) -> None:
    """An ExportError unless the target suits the kind of export and can be written; call before drawing."""
    if options.kind == "video":
        if isinstance(writer_for(path), Mp4Writer) and (options.size[0] % 2 or options.size[1] % 2):
            width, height = options.size
            raise ExportError(f"an MP4 needs an even width and height (H.264 stores colour per 2×2 pixels); "
                              f"{width}×{height} would come out as {width + width % 2}×{height + height % 2}, "
                              f"so choose {width - width % 2}×{height - height % 2} or "
                              f"{width + width % 2}×{height + height % 2}")
    else:
        check_image_target(path, options)


def export_contour_svg(session: Session, options: ExportOptions, path: str | os.PathLike[str],
                       step: int | None = None) -> Path:
    """Save the contour panel (and the caption) at a step as an SVG drawing of options.size."""
    target = check_image_target(path, options)
    step = session.step if step is None else step
    renderer = renderer_for(copy_session(session), replace(options, panels="contour", loss=False), step)
    try:
        return write_atomically(target, contour_svg(renderer, step))
    finally:
        renderer.close()


def contour_svg(renderer: FrameRenderer, step: int) -> bytes:
    """The renderer's contour panel (and caption) at a step as an SVG drawing of its frame size."""
    from PySide6.QtSvg import QSvgGenerator

    renderer.show_step(step)
    drawing = QtCore.QBuffer()
    drawing.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(drawing)
    generator.setSize(QtCore.QSize(*renderer.size))
    generator.setViewBox(QtCore.QRect(0, 0, *renderer.size))
    generator.setResolution(QtGui.QPicture().logicalDpiX())  # axes are cached as QPictures, scaled by DPI
    generator.setTitle(formula_title(renderer.session))
    painter = QtGui.QPainter(generator)
    if not painter.isActive():
        raise ExportError("cannot draw the SVG")
    renderer.paint_contour(painter)
    painter.end()
    data = drawing.data().data()
    if not data:
        raise ExportError("cannot draw the SVG")
    return data


def held_frames(options: ExportOptions, plays: bool) -> int:
    """The frames that hold the last step: a video's, or numbered frames' only while the camera turns (each differs)."""
    return options.hold_frames if plays or options.orbit_degrees else 0


def frame_count(session: Session, options: ExportOptions, plays: bool = True) -> int:
    """How many frames a video export of this session would have (plays: a video, not numbered frames)."""
    return len(frame_steps(session.last_step, options, plays)) + held_frames(options, plays)
