"""The formula editor: the formula box, inline errors, the derivatives in math notation, domain and presets."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from gradviz.app.entry_keys import (
    hands_keys_back,
    leave_field,
    lets_undo_through,
    takes_keys_when_tabbed_to,
    types_text,
    typing_in,
)
from gradviz.app.formula_controller import FormulaController
from gradviz.app.number_box import NumberBox, text_refusal, typed_number, typed_text_shown
from gradviz.app.rich_text import PLACE_MARK, RichTextLabel, WrappedNoteLabel
from gradviz.core.analysis import Analysis
from gradviz.core.errors import FormulaError
from gradviz.core.grid import GridField, blank_note
from gradviz.core.notation import TermBreaks, format_number, partial_label, term_breaks, unicode_name
from gradviz.core.presets import Preset, all_presets
from gradviz.core.scenario import GRID_RESOLUTIONS, PlotSettings, range_problem
from gradviz.core.session import Session

FIXED_SLIDER_STEPS = 400
HELD_SLIDER_LEAST = 64  # a held value's slider's least width: in their own row, four fit a line at 1280 pixels
HELD_VALUES_GAP = 10  # pixels more between one held value's box and the next one's name
PARTIALS_STACKED = 3  # partial derivatives shown one under another; more go into columns beside them
EQUATION_COLUMN_GAP = 28  # pixels between columns of partials
ROW_SIZES_KEPT = 256  # equations' sizes unwrapped remembered (per text and font), so resizing measures nothing
ERROR_BACKGROUND = "#ffd7d7"  # behind what is wrong: the part of a formula, range boxes that are not a range
LEAST_EQUATION_LINES = 2.6  # the equations area's least height, in text lines: one partial's fraction, then it scrolls
DOMAIN_ROWS = 3  # the range controls' rows (x, y, grid), and the held values' rows per column beside them: their
# height is the formula panel's, whatever the formula (held values the equations have no room beside add a row)
EQUATION_TEXT_SCALES = (1.0, 0.9, 0.8)  # taller equations are drawn smaller, down to the notes' size, then scroll
EQUATIONS_MARKUP_LIMIT = 5000  # characters of rich text f and its partials may take together; past it, the partials
# (and f, if it alone is past it) are named with their length instead: laying out 38 KB of nested atan's partials
# stalled the window 0.9 s, 8.5 KB of eight partials 0.24 s (the panel lays them out at each width the window tries);
# the tutorials' model loss with five held values, (y − w₁x₁ − w₂x₂ − w₃x₃)², takes 4.7 KB, laid out in 0.1 s
TAGS = re.compile(r"<[^>]*>")
GRID_WORDS = {False: "grid", True: "curve"}  # the resolution box's name: for a map, and for a one-variable curve
GRID_TIPS = {False: "Grid points along each plotted axis: more draw finer, fewer draw faster",
             True: "Points the curve is drawn through: more draw finer, fewer draw faster"}
NO_SIZE_LIMIT = (1 << 24) - 1  # Qt's QWIDGETSIZE_MAX: a widget's maximum size when it has none


@dataclass(frozen=True)
class HeldValuesPlace:
    """Where the held values sit: beside the range controls, DOMAIN_ROWS to a column, their sliders at their least
    width if narrow; or (per_line) in a row of their own under the equations and the range controls, so many a line."""

    per_line: int | None = None
    narrow: bool = False


class EquationsArea(QScrollArea):
    """The equations and the notes under them, scrolled when they need more room than the area has.

    Beside the range controls the area is as high as those (see hold_height), whatever the formula: a preset's
    stacked partials, cases or notes made the panel taller, and the views jumped from one formula to the next. The
    equations then scroll sideways when wider than the panel (a long formula's widened it, and the window took the
    room from the docks and kept it) and down when taller. Without a held height (presenting), the area asks for
    the equations' height; made shorter (a splitter's handle dragged), it keeps about one equation and scrolls.
    """

    LEAST_WIDTH = 160
    room_changed = Signal()  # the area's width or the label's font changed: the equations may fit another way

    def __init__(self, label: RichTextLabel, notes: QWidget, error: QWidget) -> None:
        """Hold these equations with these notes under them and an error over them, following the size they ask for.

        The error shows in the area, in the place of the equations it keeps (see show_error): above the area, it made
        the panel taller while it showed, and the views moved as a student typed.
        """
        super().__init__()
        self.label = label
        self.notes = notes
        self.error = error
        error.setParent(self)
        error.setAutoFillBackground(True)  # the equations kept under it do not show through
        error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(label)
        column.addWidget(notes)
        column.addStretch(1)
        label.installEventFilter(self)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab passes it by: the wheel scrolls it, Ctrl+Shift+C copies it
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # until made shorter: see resizeEvent
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        # the width the range controls leave, whatever the equations' own: wider, they pushed those narrower
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(self.LEAST_WIDTH)
        self.viewport().setAutoFillBackground(False)
        content.setAutoFillBackground(False)
        self._asked_with_bar = False
        self._held_height: int | None = None
        self.viewport().installEventFilter(self)

    def show_error(self, shown: bool) -> None:
        """Show the error in the equations' place, or the equations again (the last good ones, kept under it).

        Over the equations, in a scroll area of their height, an error of three lines scrolled them out of sight
        behind a scroll bar a few pixels long; beside a held variable's slider the area was narrow, and a long
        formula's error was cut mid-line. The area is now at least as high as the error needs at its width.
        """
        if shown != self.error.isVisibleTo(self):
            self.error.setVisible(shown)
            self.error.raise_()
            self.updateGeometry()
        self._place_error()
        self.show_vertical_bar_if_needed()

    def _error_height(self) -> int:
        """The height the error needs at the area's width, or 0 while it is hidden."""
        return self.error.heightForWidth(self.width()) if self.error.isVisibleTo(self) else 0

    def _place_error(self) -> None:
        """Lay the error over the whole area, if shown, asking for more height where its text needs it."""
        if self.error.isVisibleTo(self):
            self.error.setGeometry(self.rect())
            if self._error_height() > self.height():
                self.updateGeometry()

    def hold_height(self, height: int | None) -> None:
        """Ask for this height whatever the equations (None: for the equations' own height)."""
        if height != self._held_height:
            self._held_height = height
            self.updateGeometry()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The label asked for another size (its updateGeometry reaches the viewport): ask the panel in turn."""
        if watched is self.viewport() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        elif watched is self.label and event.type() == QEvent.Type.FontChange:
            self.room_changed.emit()
        return super().eventFilter(watched, event)

    def _needs_bar(self) -> bool:
        return self.widget().minimumSizeHint().width() > self.width()

    def sizeHint(self) -> QSize:
        """The held height, else the equations' at the area's width (once shown) with a scroll bar's more when they
        are wider than the area.

        The content's own hint wraps the notes at the equations' width: presenting at 1920 × 1080, a note wrapped
        there left a line's gap under the notes that the views lost.
        """
        content = self.widget().sizeHint()
        self._asked_with_bar = self._needs_bar()
        if self._held_height is not None:
            return QSize(content.width(), max(self._held_height, self._error_height()))
        bar = self.horizontalScrollBar().sizeHint().height() if self._asked_with_bar else 0
        height = self.content_height() if self.viewport().isVisible() else content.height()
        return QSize(content.width(), max(height + bar, self._error_height()))

    def minimumSizeHint(self) -> QSize:
        """Narrow, and about one equation high (no higher than the size hint), or as high as the error shown."""
        one_equation = math.ceil(self.label.fontMetrics().lineSpacing() * LEAST_EQUATION_LINES)
        return QSize(self.LEAST_WIDTH, max(min(one_equation, self.sizeHint().height()), self._error_height()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Ask for the scroll bar's room when a new width makes it appear or go; scroll down when made shorter.

        The vertical bar is offered only for a height below the equations' own: a new formula's taller equations
        showed it for a moment, before the area grew to them, and that narrower moment painted the window twice.
        """
        super().resizeEvent(event)
        self._place_error()
        self.show_vertical_bar_if_needed()
        if event.size().width() != event.oldSize().width():
            self.room_changed.emit()
        if self._needs_bar() != self._asked_with_bar:
            self.updateGeometry()

    def content_height(self, width: int | None = None) -> int:
        """The equations', notes' and error's height at this width (else the area's now)."""
        column = self.widget().layout()
        width = self.viewport().width() if width is None else width
        return column.heightForWidth(width) if column.hasHeightForWidth() else column.sizeHint().height()

    def show_vertical_bar_if_needed(self) -> None:
        """Offer the vertical scroll bar while the equations and notes are taller than the area (neither bar while the
        error is in their place)."""
        covered = self.error.isVisibleTo(self)
        bar = self.horizontalScrollBar().sizeHint().height() if self._needs_bar() and not covered else 0
        content_height = self.content_height()
        squeezed = self.height() - bar < content_height and not covered
        policy = Qt.ScrollBarPolicy.ScrollBarAsNeeded if squeezed else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        if policy != self.verticalScrollBarPolicy():  # set again, it lays the bars out anew and repaints the window
            self.setVerticalScrollBarPolicy(policy)
        across = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if covered else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        if across != self.horizontalScrollBarPolicy():
            self.setHorizontalScrollBarPolicy(across)
        self._end_on_a_whole_line(self.height() - bar, self.height() - bar - content_height if squeezed else 0)

    def _end_on_a_whole_line(self, room: int, overflow: int) -> None:
        """Show the content down to its last whole note line, or row of equations, where it runs -overflow pixels
        past the room the area has.

        The abs preset's second note, and the lower half of max(x, 2y, 1 − x)'s partials under their braces,
        showed above the scroll bar, read as a fault; the area now ends above them, and scrolls to them. Ending where
        the first row cut began showed the tops of the powers on its first line, as stray dashes.
        """
        gap = 0
        notes = self.notes.heightForWidth(self.viewport().width()) if self.notes.isVisibleTo(self) else 0
        notes_shown = notes + overflow  # the notes' pixels in sight
        if overflow < 0 and notes_shown > 0:  # the notes run past: end on a whole one of their lines
            gap = notes_shown % self.notes.fontMetrics().lineSpacing()
        elif overflow < 0:  # the equations do: end under the last whole row, if the first that runs past is in sight
            self.widget().layout().activate()
            top = self.label.y()
            rows = [(top + start, top + end) for start, end in self.label.row_spans()]
            cut = next((index for index, (start, end) in enumerate(rows) if end > room and start > 0), None)
            if cut is not None and rows[cut][0] < room:
                # not where the cut row begins: a power on its first line reaches above that
                whole_ends = [end for _start, end in rows[:cut] if end <= room]
                gap = room - math.ceil(whole_ends[-1] if whole_ends else rows[cut][0])
        if self.viewportMargins().bottom() != gap:
            self.setViewportMargins(0, 0, 0, gap)


FORMULA_BOX_MAX_CHARS = 100_000  # a paste this long still reports its length (QLineEdit cut it at 32,767), and
# a key typed into it takes some 40 ms; a million took 200 ms a key
EXCERPT_CONTEXT = 30  # characters shown on each side of the part an error marks…
EXCERPT_MARK = 40  # …and of that part, at most (a formula of 1945 characters filled the panel)


def marked_excerpt(text: str, position: int, end: int | None) -> str:
    """The formula around an error as rich text, the part at fault underlined, cut short with … where long."""
    start = max(0, min(position, len(text)))
    stop = max(start + 1, min(end or start + 1, len(text)))
    fault = text[start:stop]
    if len(fault) > EXCERPT_MARK:
        fault = fault[: EXCERPT_MARK // 2] + "…" + fault[-(EXCERPT_MARK // 2):]
    before = text[max(0, start - EXCERPT_CONTEXT):start]
    after = text[stop:stop + EXCERPT_CONTEXT]
    before = ("…" if start > EXCERPT_CONTEXT else "") + before
    after += "…" if stop + EXCERPT_CONTEXT < len(text) else ""
    marked = (html.escape(before) + f"<u style='color:#b00020; background:{ERROR_BACKGROUND}'>"
              + (html.escape(fault) or "&nbsp;") + "</u>" + html.escape(after))
    where = f"column {start + 1}" + (f" of {len(text)}" if len(text) > 2 * EXCERPT_CONTEXT else "")
    return f"<span style='font-family:monospace'>{marked}</span> <span style='color:#666'>({where})</span>"


class GalleryBox(QComboBox):
    """The preset picker: a choice replaces what is shown, so it is made in its list, never by a key or the wheel.

    A plain combo box takes ↑ / ↓, a typed letter and the mouse wheel as a choice: with the keys on the box at
    start-up, a clicker's ↓ threw away the lesson just opened. Here those keys open the list (where a letter finds
    an entry and Enter chooses it), and the wheel scrolls the window.
    """

    LIST_KEYS = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down})  # PgDown, PgUp, Home and End are the clicker's anyway

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys that would choose another entry open the list instead."""
        plain = not event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier)
        if plain and (event.key() in self.LIST_KEYS or types_text(event)):
            self.showPopup()
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        """The wheel chooses nothing here."""
        event.ignore()


class FormulaPanel(QWidget):
    """Edits the session's formula and domain; shows f and its partial derivatives."""

    preset_chosen = Signal(object)
    message = Signal(str)  # for the status bar: why a held value typed was not used
    message_taken_back = Signal(str)  # such a message, which no longer holds: a value was taken since
    field_note_changed = Signal()  # the note on where f has no value came or went, after the formula's own notes

    def __init__(self, session: Session, controller: FormulaController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._controller = controller
        self._updating = False

        self.preset_box = GalleryBox()
        self.preset_box.addItem("Gallery…", None)
        for preset in all_presets():
            self.preset_box.addItem(preset.title, preset)
            self.preset_box.setItemData(self.preset_box.count() - 1, preset.description, Qt.ItemDataRole.ToolTipRole)
        # the box as wide as its label, its list as wide as the longest title: the formula box gets the room
        self.preset_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.preset_box.setMinimumContentsLength(len("Gallery…") + 2)
        self.preset_box.view().setMinimumWidth(self.preset_box.view().sizeHintForColumn(0) + 24)
        self.preset_box.activated.connect(self._preset_activated)

        self.formula_edit = lets_undo_through(QLineEdit())
        self.formula_edit.setAccessibleName("Formula")
        self.formula_edit.setMaxLength(FORMULA_BOX_MAX_CHARS)
        self.formula_edit.setPlaceholderText("Type a formula (Shift+F1: how), e.g. 3x² + 2xy + y³  or  "
                                             "L(w1, w2) = (5 − w1 − 2w2)^2")
        self.formula_edit.setToolTip("The formula, used when typing pauses. Help → Writing formulas (Shift+F1) lists "
                                     "the notation and the functions, with examples to try.")
        font = self.formula_edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.formula_edit.setFont(font)
        self.formula_edit.setClearButtonEnabled(True)
        self.formula_edit.textEdited.connect(controller.submit)
        self.formula_edit.returnPressed.connect(self._formula_entered)
        self.status_label = QLabel()
        self.status_label.setMinimumWidth(90)

        self.error_label = QLabel()
        self.error_label.setTextFormat(Qt.TextFormat.RichText)
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)

        self.derivatives_label = RichTextLabel()
        self.derivatives_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        math_font = QFont(self.derivatives_label.font())
        math_font.setPointSizeF(math_font.pointSizeF() * 1.25)
        self.derivatives_label.setFont(math_font)
        # Notes (abs has no slope at 0…) wrap at the panel's width: unwrapped, a long one widened the panel, and
        # the window took the room from the docks and kept it.
        self.notes_label = WrappedNoteLabel()
        self.notes_label.setVisible(False)
        self._formula_notes: tuple[str, ...] = ()
        self._field_note = ""  # why all or part of the picture is blank, where f has no finite value (see blank_note)

        self.axis_boxes = [QComboBox(), QComboBox()]
        self.low_boxes = [self._range_box(row) for row in range(2)]
        self.high_boxes = [self._range_box(row) for row in range(2)]
        self.resolution_box = QComboBox()
        for resolution in GRID_RESOLUTIONS:
            self.resolution_box.addItem(resolution_text(resolution), resolution)
        self.resolution_box.activated.connect(self._resolution_chosen)
        for box in self.axis_boxes:
            box.activated.connect(self._axes_edited)
        domain_grid = self._domain_grid = QGridLayout()
        domain_grid.setContentsMargins(0, 0, 0, 0)
        self._range_words = [(QLabel("from"), QLabel("to")) for _ in range(2)]
        for row, (from_word, to_word) in enumerate(self._range_words):
            domain_grid.addWidget(self.axis_boxes[row], row, 0)
            domain_grid.addWidget(from_word, row, 1)
            domain_grid.addWidget(self.low_boxes[row], row, 2)
            domain_grid.addWidget(to_word, row, 3)
            domain_grid.addWidget(self.high_boxes[row], row, 4)
        self._grid_word = QLabel(GRID_WORDS[False])
        self._grid_word.setBuddy(self.resolution_box)
        domain_grid.addWidget(self._grid_word, 2, 0)
        domain_grid.addWidget(self.resolution_box, 2, 2, 1, 3)
        self.resolution_box.setAccessibleName("Grid resolution")
        self.resolution_box.setToolTip(GRID_TIPS[False])
        self.preset_box.setAccessibleName("Gallery of examples")
        self.held_values = QWidget()  # hidden while empty, and while its rows are made (see _rebuild_fixed)
        self.held_values.hide()
        self.held_grid = QGridLayout(self.held_values)  # beside the ranges, DOMAIN_ROWS a column, or a row of their own
        self.held_grid.setContentsMargins(0, 0, 0, 0)
        self._held_place = HeldValuesPlace()
        self._fixed_widgets: dict[str, tuple[QSlider, NumberBox]] = {}
        self._held_labels: dict[str, QLabel] = {}
        self._fixed_ranges: dict[str, tuple[float, float]] = {}

        self.editor_row = QWidget()
        top = QHBoxLayout(self.editor_row)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.preset_box)
        top.addWidget(self.formula_edit, 1)
        top.addWidget(self.status_label)
        middle = QHBoxLayout()
        self.equations_area = EquationsArea(self.derivatives_label, self.notes_label, self.error_label)
        self._equations: Sequence[str] = ()
        self._labels_on_the_line: Sequence[str] = ()  # the same with ∂f/∂x on the line, not stacked
        self._row_sizes: dict[tuple[str, str], QSizeF] = {}  # the equations' size unwrapped, by text and font
        self._mark_offsets_kept: dict[tuple[str, str], tuple[float, dict[int, float]]] = {}  # see _mark_offsets
        self.equations_area.room_changed.connect(self._lay_out_equations)
        middle.addWidget(self.equations_area, 1, Qt.AlignmentFlag.AlignTop)
        self.domain_widget = QWidget()
        self.domain_widget.installEventFilter(self)  # hidden while presenting: the held values' own row with it
        domain_row = self._domain_row = QHBoxLayout(self.domain_widget)
        domain_row.setContentsMargins(0, 0, 0, 0)
        range_column, self._held_column = QVBoxLayout(), QVBoxLayout()
        range_column.addLayout(domain_grid)
        self._held_column.addWidget(self.held_values)
        for column in (range_column, self._held_column):
            column.addStretch(1)
            domain_row.addLayout(column)
        middle.addWidget(self.domain_widget, 0, Qt.AlignmentFlag.AlignTop)
        self._middle = middle
        self._held_row = QHBoxLayout()  # the held values when they leave the equations too little room beside them
        self._held_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.addWidget(self.editor_row)
        layout.addLayout(middle)
        layout.addLayout(self._held_row)

        session.formula_changed.connect(self._show_formula)
        session.error_changed.connect(self._show_error)
        session.plot_changed.connect(self._show_plot)
        session.field_changed.connect(self._field_changed)
        controller.busy_changed.connect(self._show_busy)
        controller.text_kept.connect(self.show_formula_text)

    def _range_box(self, row: int) -> NumberBox:
        box = hands_keys_back(NumberBox())
        box.setMinimumWidth(80)
        box.valueChanged.connect(lambda _value: self._range_edited(row))
        box.refused.connect(lambda typed: self._range_refused(row, box, typed))
        box.unusable_typed.connect(lambda typed: self._range_unusable(row, box, typed))
        box.refusals.connect_to(self.message.emit, self.message_taken_back.emit)
        return box

    def edit_formula(self) -> None:
        """Put the cursor in the formula box, its text selected to type over."""
        self.formula_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.formula_edit.selectAll()

    def _formula_entered(self) -> None:
        """Use the formula now, and hand the keys back to the window: Space plays again, a clicker steps."""
        self._controller.submit(self.formula_edit.text(), immediately=True)
        leave_field(self.formula_edit)

    def show_formula_text(self, text: str) -> None:
        """Put a formula in the box, as typed text; a long one shows from its start, not its end."""
        self.formula_edit.setText(text)
        self.formula_edit.setCursorPosition(0)

    # ----- from the session ----------------------------------------------------------------------------------
    def _show_formula(self, analysis: Analysis) -> None:
        formula, derivatives = analysis.formula, analysis.derivatives
        if self.formula_edit.text() != formula.text and not typing_in(self.formula_edit):
            self.show_formula_text(formula.text)
        self._formula_notes = derivatives.shown_notes
        self._equations = equations_to_show(analysis)
        self._labels_on_the_line = with_labels_on_the_line(analysis, self._equations)
        self._show_notes()
        self._rebuild_fixed(formula.variables)
        self._lay_out_equations()
        self.equations_area.updateGeometry()  # now, not a posted event later (the area hears of the label's)

    def _show_error_with_the_box(self) -> None:
        """An error shows while the formula box does: presenting hides the box, and its error with it."""
        self.equations_area.show_error(bool(self.error_label.text()) and self.editor_row.isVisibleTo(self))

    def _lay_out_equations(self) -> None:
        """The shortest layout of f and its partials that fits the area's width, else f and the partials stacked;
        beside the range controls, drawn smaller (to the notes' size at least) when taller than those.

        All in a row where the range controls are hidden (presenting); beside them, f on a line and its partials
        in a row under it, in the range controls' height: a new formula then moves nothing else in the window
        (three variables stacked four equations high, a partial's cases or abs's notes took the views' room).
        Held values the equations do not fit beside take a row of their own under them (see _held_values_place).
        """
        if not self._equations:
            return
        area = self.equations_area
        self._show_error_with_the_box()
        beside_ranges = self.domain_widget.isVisibleTo(self)
        held = self._domain_height() if beside_ranges else None
        area.hold_height(held)
        if held is None:
            self._show_equations(self._equations, EQUATION_TEXT_SCALES[0], area.viewport().width(), in_a_row=True)
        else:
            place = self._held_values_place(held)
            if place != self._held_place:
                self._arrange_held_values(place)
                self._show_held_values()
            self._fit_beside_ranges(held, self._room_beside_ranges(place))
        area.show_vertical_bar_if_needed()
        if not area.viewport().isVisible():
            # The label tells the area of its new height only through a shown viewport: laid out before the window
            # was shown (a preset opened at launch, the window then fitted to a laptop's screen), ∂f/∂y was cut off.
            area.updateGeometry()

    def _show_equations(self, equations: Sequence[str], scale: float, room: int, in_a_row: bool = False) -> None:
        """Show these equations at this text scale, in the first layout that fits this width."""
        self.derivatives_label.set_text_scale(scale)
        self.derivatives_label.setText(self._fitting_layout(equations, in_a_row, room, scale))

    def _fit_beside_ranges(self, held: int, room: int) -> None:
        """The equations in the range controls' height and this width: at the largest text scale that fits, to the
        notes' size; then, if they are still taller or wider, with the partials' labels ∂f/∂x on the line (each row a
        text line high) at the largest scale where they fit; then with those lines broken between terms to fit the
        width, at the largest scale where they fit the height, else at the smallest.

        Beale's function at 1280 × 720 showed f and ∂f/∂x, and ∂f/∂y only behind the scroll bar: its three rows,
        two of them as high as a stacked ∂f/∂x, were 96 pixels high beside the range controls' 80. At 1093 pixels
        wide, a long ∂f/∂x ran past the panel's edge, to be read by scrolling sideways.
        An error shown over the equations does not shrink them.
        """
        area, label = self.equations_area, self.derivatives_label
        for equations in (self._equations, self._labels_on_the_line):
            for scale in EQUATION_TEXT_SCALES:
                self._show_equations(equations, scale, room)
                fits_across = self._unwrapped_size(label.text(), scale).width() <= room
                if area.content_height(room) <= held and fits_across:
                    return
        if fits_across:  # only too tall, on the line at the smallest size: the rows past the area scroll into view
            return
        for scale in EQUATION_TEXT_SCALES:
            broken = [self._broken_between_terms(equation, scale, room) for equation in self._labels_on_the_line]
            self._show_equations(broken, scale, room)
            if area.content_height(room) <= held:
                return

    def _broken_between_terms(self, equation: str, scale: float, room: int) -> str:
        """This equation's row, wider than the room at this text scale, broken over lines to fit it: each line ends
        before a + or − at the least bracket depth among those it can end at, the last of them. As it is where it
        fits, or has nowhere to break."""
        if self._unwrapped_size(equation, scale).width() <= room or not (breaks := term_breaks(equation)).places:
            return equation
        whole, offset_at = self._mark_offsets(breaks, scale)
        places, breaking = list(breaks.places), []
        line_start = line_indent = 0.0  # the row's width before the line begins, and the line's indent
        while places and line_indent + whole - line_start > room:
            fitting = [place for place in places if line_indent + offset_at[place.at] - line_start <= room]
            chosen = min(fitting, key=lambda place: (place.depth, -place.at)) if fitting else places[0]
            breaking.append(chosen)
            line_start, line_indent = offset_at[chosen.at], offset_at[chosen.indent_at]
            places = [place for place in places if place.at > chosen.at]
        return breaks.broken_at(breaking)

    def _mark_offsets(self, breaks: TermBreaks, scale: float) -> tuple[float, dict[int, float]]:
        """The row's width unwrapped at this text scale, and how far from its left edge each of its places and the
        cells their further lines start in stand, by position in the row (measured once per row and font)."""
        marked, positions = breaks.marked(PLACE_MARK)
        key = (marked, self.derivatives_label.text_font(scale).key())
        if key not in self._mark_offsets_kept:
            if len(self._mark_offsets_kept) > ROW_SIZES_KEPT:
                self._mark_offsets_kept.clear()
            width, offsets = self.derivatives_label.unwrapped_marks(marked, scale)
            self._mark_offsets_kept[key] = (width, dict(zip(positions, offsets, strict=True)))
        return self._mark_offsets_kept[key]

    def _fits_whole(self, held: int, room: int) -> bool:
        """Whether the equations alone (without notes) fit this height and width whole, neither broken nor scrolled."""
        for equations in (self._equations, self._labels_on_the_line):
            for scale in EQUATION_TEXT_SCALES:
                size = self._unwrapped_size(self._fitting_layout(equations, False, room, scale), scale)
                if size.width() <= room and size.height() <= held:
                    return True
        return False

    def _held_values_place(self, held: int) -> HeldValuesPlace:
        """Beside the range controls while the equations fit whole beside them and the held values' columns (the
        sliders narrower if that makes them fit); else in a row of their own under them, as many to a line as fit,
        spread evenly over the lines.

        Four held values' sliders beside the range controls of a 1280 × 800 window left the equations 160 pixels:
        they showed "f(w₁, w₂, b, y, x₁, x₂) = (y" and a scroll bar, and no partial at all. In a row of their own the
        held values make the panel a line taller, for such formulas only, and give the equations the width.
        """
        count = len(self._fixed_widgets)
        if not count:
            return HeldValuesPlace()
        beside = (HeldValuesPlace(), HeldValuesPlace(narrow=True))
        fitting = next((place for place in beside if self._fits_whole(held, self._room_beside_ranges(place))), None)
        if fitting is not None:
            return fitting
        width = self._panel_inner_width()
        per_line = next((wide for wide in range(count, 1, -1)
                         if self._held_grid_width(lambda position, wide=wide: position % wide, least=True) <= width),
                        1)
        return HeldValuesPlace(per_line=math.ceil(count / math.ceil(count / per_line)))

    def _room_beside_ranges(self, place: HeldValuesPlace) -> int:
        """The equations' width beside the range controls, and beside the held values' columns if they are there."""
        width = self._panel_inner_width() - self._middle.spacing() - self._domain_grid.sizeHint().width()
        if place.per_line is None and self._fixed_widgets:
            width -= self._domain_row.spacing() + self._held_grid_width(lambda position: position // DOMAIN_ROWS,
                                                                         least=place.narrow)
        return max(width, EquationsArea.LEAST_WIDTH)

    def _panel_inner_width(self) -> int:
        margins = self.layout().contentsMargins()
        return self.width() - margins.left() - margins.right()

    def _held_grid_width(self, column_of: Callable[[int], int], least: bool) -> int:
        """The held values' grid's width with the nth of them in column column_of(n) (a name, a slider and a box), each
        widget as wide as it asks to be, or (least) at its least width."""
        widest: dict[tuple[int, int], int] = {}
        for position, widgets in enumerate(self._held_value_widgets()):
            column = column_of(position)
            for offset, widget in enumerate(widgets):
                width = least_width(widget) if least else widget.sizeHint().width()
                # a name's margin as it would be there (see _arrange_held_values), not as it is
                width += (HELD_VALUES_GAP if column and not offset else 0) - widget.contentsMargins().left()
                widest[column, offset] = max(widest.get((column, offset), 0), width)
        return sum(widest.values()) + max(self.held_grid.horizontalSpacing(), 0) * (len(widest) - 1)

    def _fitting_layout(self, equations: Sequence[str], in_a_row: bool, room: int, scale: float) -> str:
        """The first of these layouts whose width fits the room at this text scale: all in a row (if asked), f over a
        row of partials, f over columns of partials (as many as fit, for more than a few), else f and the partials one
        under another.

        Six partials in two columns ran past the right edge of a 1093-pixel window, to be read by scrolling sideways:
        one under another, they scroll down, whole rows in sight. Seven in three columns did at 1280 pixels, where two
        columns fit.
        """
        shorter = [laid_out_equations(equations, partials_in_a_row=True)]
        shorter += [laid_out_equations(equations, columns=columns)
                    for columns in range(most_partial_columns(len(equations) - 1), 1, -1)]
        if in_a_row:
            shorter.insert(0, laid_out_equations(equations, in_a_row=True))
        fitting = (text for text in shorter if self._unwrapped_size(text, scale).width() <= room)
        return next(fitting, laid_out_equations(equations, columns=1))

    def _domain_height(self) -> int:
        """The range controls' height in DOMAIN_ROWS rows, whichever of them show."""
        range_row = max(self.axis_boxes[0].sizeHint().height(), self.low_boxes[0].sizeHint().height())
        grid_row = self.resolution_box.sizeHint().height()
        spacing = max(self._domain_grid.verticalSpacing(), 0)
        return (DOMAIN_ROWS - 1) * (range_row + spacing) + grid_row

    def _unwrapped_size(self, text: str, scale: float) -> QSizeF:
        """The equations' size laid out as this text, unwrapped, in the label's font at this text scale, measured once
        per text and font."""
        font = self.derivatives_label.text_font(scale)
        key = (text, font.key())
        if key not in self._row_sizes:
            if len(self._row_sizes) > ROW_SIZES_KEPT:
                self._row_sizes.clear()
            self._row_sizes[key] = self.derivatives_label.unwrapped_size(text, scale)
        return self._row_sizes[key]

    def _field_changed(self, field: GridField) -> None:
        """Say so under the equations when there is nothing to draw or part is blank; follow a held value's slider."""
        analysis = self._session.analysis
        note = blank_note(field, analysis.formula.name) if analysis is not None else ""
        if note != self._field_note:
            self._field_note = note
            self._show_notes()
            self._lay_out_equations()
            self.field_note_changed.emit()
        self._show_fixed_values()

    def _show_notes(self) -> None:
        """Why all or part of the picture is blank (if so) in the error colour, first, where it shows without scrolling;
        then the formula's notes in grey."""
        rows = [f"<span style='color:#666'>{html.escape(note)}</span>" for note in self._formula_notes]
        if self._field_note:
            rows.insert(0, f"<b style='color:#b00020'>⚠ {html.escape(self._field_note)}</b>")
        self.notes_label.setText("<br>".join(rows))
        self.notes_label.setVisible(bool(rows))

    def _show_error(self, error: FormulaError | None) -> None:
        self.formula_edit.setStyleSheet("" if error is None else "QLineEdit { background: #fff0f0; color: #1a1a1a; }")
        if error is None:
            self.error_label.clear()
            self.equations_area.show_error(False)
            return
        text = self.formula_edit.text()
        message = f"<b style='color:#b00020'>⚠ {html.escape(error.message)}</b>"
        if error.position is not None and text:
            message += f"<br>{marked_excerpt(text, error.position, error.end)}"
        if len(text) >= self.formula_edit.maxLength():
            message += f"<br>The formula box holds {len(text):,} characters at most: a longer paste was cut there."
        kept = "The views keep showing the last formula that worked. " if self._session.analysis is not None else ""
        message += f"<br><span style='color:#666'>{kept}Shift+F1: what can be typed.</span>"
        self.error_label.setText(message)
        self.equations_area.updateGeometry()  # another error may need another height
        self._show_error_with_the_box()

    def _show_busy(self, busy: bool) -> None:
        self.status_label.setText("working…" if busy else "")

    def _show_plot(self, plot: PlotSettings) -> None:
        self._updating = True
        variables = self._session.variables
        for row in range(2):
            visible = row < len(plot.axes)
            for widget in (self.axis_boxes[row], self.low_boxes[row], self.high_boxes[row], *self._range_words[row]):
                widget.setVisible(visible)
            if not visible:
                continue
            name = plot.axes[row]
            box = self.axis_boxes[row]
            box.clear()
            for variable in variables or (name,):
                box.addItem(unicode_name(variable), variable)
            box.setCurrentIndex(max(0, box.findData(name)))
            box.setEnabled(len(variables) > len(plot.axes))
            box.setAccessibleName(f"Plotted variable {row + 1}")
            self.low_boxes[row].setAccessibleName(f"{name} from")
            self.high_boxes[row].setAccessibleName(f"{name} to")
            low, high = plot.ranges[name]
            self.low_boxes[row].setValue(low)
            self.high_boxes[row].setValue(high)
            self._mark_range(row, "")
        index = self.resolution_box.findData(plot.resolution)
        if index < 0:
            self.resolution_box.addItem("", plot.resolution)
            index = self.resolution_box.count() - 1
        self._name_resolutions(curve=len(plot.axes) == 1)
        self.resolution_box.setCurrentIndex(index)
        self._updating = False
        self._rebuild_fixed(variables)

    def _name_resolutions(self, curve: bool) -> None:
        """The resolution's choices as a map's grid ("200 × 200") or as points along a curve ("200 points")."""
        self._grid_word.setText(GRID_WORDS[curve])
        self.resolution_box.setToolTip(GRID_TIPS[curve])
        for index in range(self.resolution_box.count()):
            self.resolution_box.setItemText(index, resolution_text(int(self.resolution_box.itemData(index)), curve))

    def _rebuild_fixed(self, variables: tuple[str, ...]) -> None:
        wanted = [name for name in variables if name in self._session.fixed]
        if list(self._fixed_widgets) == wanted:
            self._show_fixed_values()
            return
        # Shown one by one in the shown panel, each new row widget laid the window out again (eight variables: six
        # times, the equations each time); made while hidden, they are laid out once, when it shows them all.
        self.held_values.hide()
        while self.held_grid.count():
            widget = self.held_grid.takeAt(0).widget()
            widget.hide()
            widget.deleteLater()
        self._fixed_widgets, self._held_labels = {}, {}
        for name in wanted:
            slider = takes_keys_when_tabbed_to(QSlider(Qt.Orientation.Horizontal))
            slider.setRange(0, FIXED_SLIDER_STEPS)
            slider.setMinimumWidth(HELD_SLIDER_LEAST)
            spin = hands_keys_back(NumberBox())
            spin.setSingleStep(0.1)
            self._set_fixed_widgets(name, slider, spin)
            slider.valueChanged.connect(lambda value, n=name: self._fixed_slider_moved(n, value))
            spin.valueChanged.connect(lambda value, n=name: self._fixed_edited(n, value))
            spin.refused.connect(lambda typed, n=name, box=spin: self._fixed_refused(n, box, typed))
            spin.unusable_typed.connect(lambda typed, n=name, box=spin: box.say_unusable(f"{unicode_name(n)} held at",
                                                                                        typed))
            spin.refusals.connect_to(self.message.emit, self.message_taken_back.emit)
            label = QLabel(f"{unicode_name(name)} held at")
            label.setToolTip(f"{unicode_name(name)} is not plotted: it is held fixed at this value in every view and "
                             "run")
            label.setBuddy(spin)
            slider.setAccessibleName(f"{name} held at (slider)")
            spin.setAccessibleName(f"{name} held at")
            self._fixed_widgets[name] = (slider, spin)
            self._held_labels[name] = label
        self._arrange_held_values(self._held_place)
        self._show_held_values()
        chained: QWidget = self.resolution_box  # Tab reaches the held values right after the grid
        for slider, spin in self._fixed_widgets.values():
            QWidget.setTabOrder(chained, slider)
            QWidget.setTabOrder(slider, spin)
            chained = spin

    def _held_value_widgets(self) -> list[tuple[QWidget, QWidget, QWidget]]:
        """Each held value's name, slider and box, in the formula's order."""
        return [(self._held_labels[name], *widgets) for name, widgets in self._fixed_widgets.items()]

    def _arrange_held_values(self, place: HeldValuesPlace) -> None:
        """Put the held values in this place: beside the range controls, DOMAIN_ROWS to a column, or in a row of their
        own under the equations and the range controls."""
        per_line = place.per_line
        if (per_line is None) != (self._held_place.per_line is None):
            (self._held_row if per_line is None else self._held_column).removeWidget(self.held_values)
            if per_line is None:
                self._held_column.insertWidget(0, self.held_values)
            else:
                self._held_row.insertWidget(0, self.held_values)
        self._held_place = place
        for widgets in self._held_value_widgets():
            for widget in widgets:
                self.held_grid.removeWidget(widget)
        for position, (label, slider, box) in enumerate(self._held_value_widgets()):
            if per_line is None:
                row, column = position % DOMAIN_ROWS, position // DOMAIN_ROWS
            else:
                row, column = divmod(position, per_line)
            label.setContentsMargins(HELD_VALUES_GAP if column else 0, 0, 0, 0)
            slider.setMaximumWidth(HELD_SLIDER_LEAST if place.narrow else NO_SIZE_LIMIT)
            for offset, widget in enumerate((label, slider, box)):
                self.held_grid.addWidget(widget, row, 3 * column + offset)
        # beside them, no taller than the range controls: three rows of held values' boxes (a pixel taller than the
        # grid's list) made the panel a pixel taller, and the views moved
        self.held_values.setMaximumHeight(self._domain_height() if per_line is None else NO_SIZE_LIMIT)

    def _show_held_values(self) -> None:
        """Show the held values if there are any, and (in a row of their own) while the range controls show."""
        beside = self._held_place.per_line is None
        shown = bool(self._fixed_widgets) and (beside or self.domain_widget.isVisibleTo(self))
        if shown == self.held_values.isHidden():
            self.held_values.setVisible(shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The range controls were hidden or shown (presenting): the held values' own row follows them."""
        if watched is self.domain_widget and event.type() in (QEvent.Type.Hide, QEvent.Type.Show):
            self._show_held_values()
        return super().eventFilter(watched, event)

    def _show_fixed_values(self) -> None:
        """Show the session's held values in their sliders and boxes (moving a slider changes its box too)."""
        for name, (slider, spin) in self._fixed_widgets.items():
            self._set_fixed_widgets(name, slider, spin)

    def _set_fixed_widgets(self, name: str, slider: QSlider, spin: NumberBox) -> None:
        self._updating = True
        value = self._session.fixed.get(name, 0.0)
        low, high = self._fixed_ranges.get(name, (float("inf"), float("-inf")))
        if not low <= value <= high:
            low, high = self._fixed_ranges[name] = fixed_slider_range(value)
        slider.setValue(round((value - low) / (high - low) * FIXED_SLIDER_STEPS))
        spin.setValue(value)
        self._updating = False

    # ----- to the session ------------------------------------------------------------------------------------
    def _fixed_slider_moved(self, name: str, position: int) -> None:
        if self._updating:
            return
        low, high = self._fixed_ranges[name]
        self._session.set_fixed(name, round(low + (high - low) * position / FIXED_SLIDER_STEPS, 6))

    def _fixed_edited(self, name: str, value: float) -> None:
        if self._updating:
            return
        if fixed_slider_range(value)[1] < self._fixed_ranges.get(name, (0.0, 0.0))[1]:
            self._fixed_ranges[name] = fixed_slider_range(value)  # typed: the slider spans it again (±20 at 0.001)
        self._session.set_fixed(name, value)
        self._set_fixed_widgets(name, *self._fixed_widgets[name])

    def _fixed_refused(self, name: str, box: NumberBox, typed: str) -> None:
        """A held value the box cannot take (1e13, beyond its limits) is put back: say why."""
        kept, shown = format_number(self._session.fixed.get(name, box.value())), unicode_name(name)
        box.refusals.say(f"{shown} held at {typed_text_shown(typed)} was not used: {box.refusal(typed)} "
                         f"({shown} stays at {kept}).")

    def _range_edited(self, row: int) -> None:
        """The range of this row's axis only: the other axis keeps its range exactly (say, as the map was zoomed)."""
        if self._updating or self._session.analysis is None or row >= len(self._session.plot.axes):
            return
        low, high = self.low_boxes[row].value(), self.high_boxes[row].value()
        axis = self._session.plot.axes[row]
        self._session.set_range(axis, low, high)
        problem = range_problem(low, high)
        if problem:  # refused (the status bar says why); the typed ends stay to be put right, marked
            self._mark_range(row, f"{unicode_name(axis)} is not a range: {problem}. The views keep the range they "
                                  "show until it is.")

    def _range_refused(self, row: int, box: NumberBox, typed: str) -> None:
        """A number the box cannot hold (1e13) is put back: the session says why, as for any range refused; text that
        is no number (nan, 1e−400, too small for one) the box says why of."""
        if self._updating or self._session.analysis is None or row >= len(self._session.plot.axes):
            return
        axis, is_low = self._session.plot.axes[row], box is self.low_boxes[row]
        low, high = self.low_boxes[row].value(), self.high_boxes[row].value()
        why = text_refusal(typed)
        if why:
            kept_low, kept_high = (format_number(end) for end in self._session.range_of(axis))
            box.refusals.say(f"{self._range_end_name(row, box)} {typed_text_shown(typed)} was not used: {why} "
                             f"({unicode_name(axis)} stays from {kept_low} to {kept_high}).")
            return
        value = typed_number(typed)
        self._session.set_range(axis, *((value, high) if is_low else (low, value)))

    def _range_unusable(self, row: int, box: NumberBox, typed: str) -> None:
        """Text typed or pasted into a range box that can become no number (0.5q): say why, as it stays until Enter."""
        if row < len(self._session.plot.axes):
            box.say_unusable(self._range_end_name(row, box), typed)

    def _range_end_name(self, row: int, box: NumberBox) -> str:
        """'x from' or 'θ to': the end of a plotted range a range box holds."""
        return f"{unicode_name(self._session.plot.axes[row])} {'from' if box is self.low_boxes[row] else 'to'}"

    def _mark_range(self, row: int, problem: str) -> None:
        """Mark a row's range boxes as not a range (problem says why), or ('') as the one shown."""
        for box in (self.low_boxes[row], self.high_boxes[row]):
            box.setStyleSheet(f"background: {ERROR_BACKGROUND}; color: #1a1a1a" if problem else "")
            box.setToolTip(problem)

    def _resolution_chosen(self) -> None:
        if not self._updating and self._session.analysis is not None:
            self._session.set_resolution(int(self.resolution_box.currentData()))

    def _axes_edited(self) -> None:
        if self._updating:
            return
        plot = self._session.plot
        axes = tuple(self.axis_boxes[row].currentData() for row in range(len(plot.axes)))
        changed = [row for row, name in enumerate(axes) if name != plot.axes[row]]
        if len(set(axes)) != len(axes) and len(changed) == 1:  # the other box's variable: the two swap
            row = changed[0]
            other = plot.axes.index(axes[row])
            swapped = list(plot.axes)
            swapped[row], swapped[other] = plot.axes[other], plot.axes[row]
            axes = tuple(swapped)
        if len(set(axes)) != len(axes):
            self._show_plot(plot)
            return
        ranges = {name: self._session.range_of(name) for name in axes}
        self._session.set_plot(PlotSettings(axes=axes, ranges=ranges, resolution=plot.resolution))

    def _preset_activated(self, index: int) -> None:
        preset: Preset | None = self.preset_box.itemData(index)
        self.preset_box.setCurrentIndex(0)
        if preset is not None:
            self.preset_chosen.emit(preset)


def resolution_text(resolution: int, curve: bool = False) -> str:
    """A resolution as the grid box says it: '200 × 200' for a map, '200 points' for a curve."""
    return f"{resolution} points" if curve else f"{resolution} × {resolution}"


def equations_to_show(analysis: Analysis) -> tuple[str, ...]:
    """f and its partials as rich text; past EQUATIONS_MARKUP_LIMIT together, the partials (and f, if it alone is)
    as notes naming them and their length."""
    equations = analysis.equations
    if sum(map(len, equations)) <= EQUATIONS_MARKUP_LIMIT:
        return equations
    formula = analysis.formula
    first = (equations[0] if len(equations[0]) <= EQUATIONS_MARKUP_LIMIT
             else too_long_note(unicode_name(formula.name), equations[0]))
    return (first, *(too_long_note(partial_label(formula.name, name), equation)
                     for name, equation in zip(formula.variables, equations[1:], strict=True)))


def with_labels_on_the_line(analysis: Analysis, equations: Sequence[str]) -> tuple[str, ...]:
    """f and the partials' rows with their labels written on the line, ∂f/∂x as in running text, not stacked."""
    name = analysis.formula.name
    return (equations[0], *(equation.replace(partial_label(name, variable, "html"),
                                             partial_label(name, variable, "inline-html"), 1)
                            for variable, equation in zip(analysis.formula.variables, equations[1:], strict=True)))


def too_long_note(name: str, equation: str) -> str:
    """A row saying the equation of `name` is too long to show here, with its length and where to get it whole."""
    length = len(html.unescape(TAGS.sub("", equation)))
    return ("<table cellspacing='0' cellpadding='0' style='margin-top: 3px; margin-bottom: 3px'><tr><td>"
            f"<i>{html.escape(name)}</i> <span style='color:#666'>is too long to show here ({length:,} characters): "
            "Copy as LaTeX, or <tt>gradviz derive</tt> on the command line, gives it whole</span></td></tr></table>")


def equations_in_a_row(equations: Sequence[str]) -> str:
    """These equations side by side, as rich text."""
    cells = "".join(f"<td valign='middle' style='padding-right:{EQUATION_COLUMN_GAP}px'>{equation}</td>"
                    for equation in equations)
    return f"<table cellspacing='0' cellpadding='0'><tr>{cells}</tr></table>"


def laid_out_equations(equations: Sequence[str], in_a_row: bool = False, partials_in_a_row: bool = False,
                       columns: int | None = None) -> str:
    """f's equation, then its partials stacked, in columns side by side when there are more than a few (or in so many
    columns); or all in a row; or (partials_in_a_row) f on a line, its partials in a row under it.

    Seven variables stacked eight equations high and left the views a third of the window; presenting at 720
    pixels, f = x + 2y's three short equations stacked took a quarter of the screen.
    """
    if in_a_row:
        return equations_in_a_row(equations)
    first, partials = equations[0], list(equations[1:])
    if partials_in_a_row:
        return first + equations_in_a_row(partials)
    columns = most_partial_columns(len(partials)) if columns is None else columns
    if columns <= 1:
        return "".join(equations)
    depth = math.ceil(len(partials) / columns)
    cells = ["".join(f"<td style='padding-right:{EQUATION_COLUMN_GAP}px'>{partial}</td>"
                     for partial in partials[row::depth]) for row in range(depth)]
    return first + "<table cellspacing='0' cellpadding='0'>" + "".join(f"<tr>{row}</tr>" for row in cells) + "</table>"


def most_partial_columns(count: int) -> int:
    """How many columns this many partials are set out in where the width allows: PARTIALS_STACKED to a column."""
    return math.ceil(count / PARTIALS_STACKED)


def least_width(widget: QWidget) -> int:
    """The least width a layout gives this widget."""
    return max(widget.minimumWidth(), widget.minimumSizeHint().width())


def fixed_slider_range(value: float) -> tuple[float, float]:
    """The range a held-fixed slider covers around its value: a symmetric span that grows with the value."""
    span = max(3.0, 2.0 * abs(value))
    return -span, span
