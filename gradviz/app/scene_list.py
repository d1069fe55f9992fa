"""Lessons → Scenes…: the lesson's scenes in a list beside the teaching panels, to go to and to rearrange.

Each row gives the scene's number, its caption and its formula as the formula panel writes it ("f(x, y) = x² + 3y";
the formula as typed until the analysis worker has spelled it: a lesson's formulas come from files and are never
parsed in the window's process). The scene shown is in bold, and selected whenever the lesson moves to another;
while a gallery example is shown after a scene, no row is bold and the title says where the example is.
Double-click or Enter shows a scene; Move up / Move down (Ctrl+↑ / Ctrl+↓, or a row dragged), Duplicate, Edit
caption… and Remove… (Delete) change the lesson, marking it modified as any other scene edit does. The scene shown
keeps the edits made in the window wherever it goes. The list is hidden while presenting; without a lesson it says
how to start one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPoint,
    QRect,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QDropEvent, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from gradviz.app.actions import ActionFactory
from gradviz.app.teaching_docks import toggle_dock
from gradviz.app.wrapping_row import WrappingRow
from gradviz.core.analysis import Analysis, formula_line
from gradviz.core.lessons import MAX_SCENES
from gradviz.core.notation import function_line
from gradviz.core.session import Session

if TYPE_CHECKING:
    from gradviz.app.lesson_player import LessonPlayer
    from gradviz.app.main_window import MainWindow

SCENES_KEY = "Ctrl+Shift+L"
NO_LESSON = ("No lesson is open. Choose one in the Lessons menu, or make your own: set up a view and choose "
             "Lessons → Add this view as a scene.")
PRESENTING = "The scenes list is for preparing a lesson: leave presentation mode (Esc) to see it."
NUMBER_ROLE, CAPTION_ROLE, FORMULA_ROLE = (Qt.ItemDataRole.UserRole + offset for offset in range(3))
ROW_PADDING = 4  # pixels around a row's text
WIDEST_NUMBER = "000."  # the number column is as wide as this
FORMULA_SHADE = 0.4  # the formula's colour: this share of the way from the text's colour to the background's
# keys that move in the list (or do nothing there) rather than change the scene shown, while the list has the keys
LIST_KEYS = frozenset({Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Left,
                       Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down})
REMOVE_TIP = "Take the scene out of the lesson, after asking (Delete)"
LIST_TIP = "Double-click or Enter: show the scene. Ctrl+↑ / Ctrl+↓ or drag a row: move it. Delete: remove it."


class _SpellingJob(QRunnable):
    """Spells formula texts in a pool thread, each parsed and printed by the killable worker, one after another."""

    def __init__(self, texts: Iterable[str], found: Callable[[str, str], None]) -> None:
        super().__init__()
        self._texts, self._found = tuple(texts), found

    def run(self) -> None:
        """Tell each text's line (the text itself for a formula that cannot be used)."""
        for text in self._texts:
            try:
                line = formula_line(text)
            except Exception:  # a formula that cannot be used, or any failure, stays as typed: never a crash
                line = text
            with contextlib.suppress(RuntimeError):  # the window closed meanwhile: nobody waits for it
                self._found(text, line)


class FormulaLines(QObject):
    """Formulas as the formula panel writes them, 'f(x, y) = x² + 3y', spelled off the window's thread."""

    spelled = Signal()
    _found = Signal(str, str)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: dict[str, str] = {}
        self._asked: set[str] = set()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._found.connect(self._keep)
        session.formula_changed.connect(self._take_shown)

    def line(self, text: str) -> str:
        """The formula's line, once spelled; the text as typed until then."""
        return self._lines.get(text, text)

    def ask(self, texts: Iterable[str]) -> None:
        """Spell these formula texts in the background (each once); `spelled` says when some are done."""
        unknown = [text for text in dict.fromkeys(texts) if text not in self._lines and text not in self._asked]
        if unknown:
            self._asked.update(unknown)
            self._pool.start(_SpellingJob(unknown, self._found.emit))

    def _take_shown(self, analysis: Analysis | None) -> None:
        """The formula the window shows, analysed already: its line without asking the worker, if one is wanted."""
        if analysis is not None and analysis.formula.text in self._asked - self._lines.keys():
            self._keep(analysis.formula.text, function_line(analysis.formula))

    def _keep(self, text: str, line: str) -> None:
        if self._lines.get(text) != line:
            self._lines[text] = line
            self.spelled.emit()


class SceneRow(QStyledItemDelegate):
    """Draws a scene's row: its number in a column of its own, its caption wrapped beside it, its formula under it."""

    @staticmethod
    def _plain_font(option: QStyleOptionViewItem) -> QFont:
        """The list's own font: the formula's, and the one the number column is measured in (bold rows align too)."""
        return option.widget.font() if option.widget is not None else option.font

    def _number_width(self, option: QStyleOptionViewItem) -> int:
        return QFontMetrics(self._plain_font(option)).horizontalAdvance(WIDEST_NUMBER)

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        """The width the caption and the formula have: the row's, less the padding and the number column."""
        view = option.widget
        row_width = option.rect.width()
        if isinstance(view, QListWidget):  # as wide as the list, which may have been resized since the row was laid out
            row_width = view.viewport().width() - 2 * view.spacing()
        return max(row_width - 2 * ROW_PADDING - self._number_width(option), 40)

    def _caption_height(self, option: QStyleOptionViewItem, caption: str, width: int) -> int:
        flags = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft
        return QFontMetrics(option.font).boundingRect(QRect(0, 0, width, 1 << 16), flags, caption).height()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        """As high as the wrapped caption and the formula's line, with the padding."""
        view_option = QStyleOptionViewItem(option)
        self.initStyleOption(view_option, index)
        width = self._text_width(view_option)
        caption_height = self._caption_height(view_option, index.data(CAPTION_ROLE), width)
        formula_height = QFontMetrics(self._plain_font(option)).height()
        return QSize(width, 2 * ROW_PADDING + caption_height + formula_height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        """The row's background (selected or not), then its number, caption and formula."""
        view_option = QStyleOptionViewItem(option)
        self.initStyleOption(view_option, index)
        view_option.text = ""
        widget = view_option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, view_option, painter, widget)
        selected = bool(view_option.state & QStyle.StateFlag.State_Selected)
        palette = view_option.palette
        text = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        back = palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base)
        metrics = QFontMetrics(view_option.font)
        rect = view_option.rect.adjusted(ROW_PADDING, ROW_PADDING, -ROW_PADDING, -ROW_PADDING)
        number_width = self._number_width(view_option)
        width = self._text_width(view_option)
        caption = index.data(CAPTION_ROLE)
        caption_height = self._caption_height(view_option, caption, width)
        painter.save()
        painter.setFont(view_option.font)
        painter.setPen(text)
        top_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        painter.drawText(QRect(rect.left(), rect.top(), number_width, metrics.height()), top_left,
                         index.data(NUMBER_ROLE))
        painter.drawText(QRect(rect.left() + number_width, rect.top(), width, caption_height),
                         top_left | Qt.TextFlag.TextWordWrap, caption)
        formula_font = self._plain_font(view_option)
        formula_metrics = QFontMetrics(formula_font)
        painter.setFont(formula_font)
        painter.setPen(_between(text, back, FORMULA_SHADE))
        formula = formula_metrics.elidedText(index.data(FORMULA_ROLE), Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(rect.left() + number_width, rect.top() + caption_height, width,
                               formula_metrics.height()), top_left, formula)
        painter.restore()


def _between(colour: QColor, other: QColor, share: float) -> QColor:
    """The colour `share` of the way from `colour` to `other`."""
    return QColor.fromRgbF(*(a + (b - a) * share for a, b in zip(colour.getRgbF()[:3], other.getRgbF()[:3],
                                                                    strict=True)))


class SceneList(QListWidget):
    """The scenes, one row each, that asks for a scene to be shown, moved or removed by key, mouse or drag."""

    go_requested = Signal(int)
    move_requested = Signal(int, int)
    remove_requested = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("scene_list")
        self.setAccessibleName("Scenes")
        self.setToolTip(LIST_TIP)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setSpacing(1)
        self.setItemDelegate(SceneRow(self))
        self.doubleClicked.connect(lambda index: self.go_requested.emit(index.row()))

    def event(self, event: QEvent) -> bool:
        """The keys that move in the list are the list's while it has the keys, not the lesson's (which change scene).

        Home, End, PgUp, PgDown and → are a clicker's keys too: they showed another scene to the class while the
        lecturer only browsed the list.
        """
        if (event.type() == QEvent.Type.ShortcutOverride and event.key() in LIST_KEYS
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter shows the scene, Ctrl+↑ / Ctrl+↓ move it, Delete removes it; other keys move in the list."""
        row, key, modifiers = self.currentRow(), event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        steps = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}
        if row >= 0 and modifiers == Qt.KeyboardModifier.ControlModifier and key in steps:
            to = row + steps[key]
            if 0 <= to < self.count():
                self.move_requested.emit(row, to)
        elif row >= 0 and modifiers == Qt.KeyboardModifier.NoModifier and key in (Qt.Key.Key_Return,
                                                                                   Qt.Key.Key_Enter):
            self.go_requested.emit(row)
        elif row >= 0 and modifiers == Qt.KeyboardModifier.NoModifier and key == Qt.Key.Key_Delete:
            self.remove_requested.emit(row)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        """A row dragged within the list: ask for its scene to be moved there (the list is filled anew from the lesson).

        The drop is taken as no move at all by the drag, which would otherwise remove the rows it started from.
        """
        row, to = self.currentRow(), self.dropped_at(event.position().toPoint())
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if row >= 0 and to != row:
            QTimer.singleShot(0, self, lambda: self.move_requested.emit(row, to))  # once the drag has ended

    def dropped_at(self, point: QPoint) -> int:
        """The place the current row takes dropped here: before the row under the point, or after it past its middle."""
        under = self.indexAt(point)
        place = self.count() if not under.isValid() else under.row() + (point.y() > self.visualRect(under).center().y())
        return place if place <= self.currentRow() else place - 1


class ScenesPanel(QWidget):
    """The lesson's title, its scenes in a list and the buttons that rearrange them; without a lesson, what to do."""

    def __init__(self, player: LessonPlayer, session: Session) -> None:
        super().__init__()
        self._player = player
        self._selecting: int | None = None  # the row to select when the list is filled next, else the scene shown
        self._stale = True
        self.lines = FormulaLines(session, self)
        self.hint = QLabel(NO_LESSON)
        self.hint.setWordWrap(True)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.list = SceneList()
        self.up_button = self._button("Move &up", "Move the scene one place earlier (Ctrl+↑)")
        self.down_button = self._button("Move &down", "Move the scene one place later (Ctrl+↓)")
        self.duplicate_button = self._button("Dupli&cate", "A copy of the scene right after it")
        # Alt+I and Alt+O: Alt+E and Alt+R open the Edit and Run menus
        self.edit_button = self._button("Capt&ion…", "Edit the scene's caption and notes, and the lesson's title")
        self.remove_button = self._button("Rem&ove…", REMOVE_TIP)
        self.buttons = WrappingRow(spacing=6)
        self.buttons.add_group(self.up_button, self.down_button)
        self.buttons.add_group(self.duplicate_button, self.edit_button, self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        layout.addStretch(0)
        self.up_button.clicked.connect(lambda: self._move_selected(-1))
        self.down_button.clicked.connect(lambda: self._move_selected(1))
        self.duplicate_button.clicked.connect(self._duplicate_selected)
        self.edit_button.clicked.connect(self._edit_selected)
        self.remove_button.clicked.connect(lambda: self.remove(self.list.currentRow()))
        self.list.go_requested.connect(player.show_scene)
        self.list.move_requested.connect(self.move)
        self.list.remove_requested.connect(self.remove)
        self.list.currentRowChanged.connect(lambda _row: self._enable_buttons())
        player.scene_changed.connect(self.refresh)
        session.formula_changed.connect(lambda _analysis: self.refresh())  # the scene shown, edited in the window
        self.lines.spelled.connect(self.refresh)
        self.refresh()

    def _button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        return button

    # ----- what it shows ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the lesson's scenes as they are now, the scene shown in bold (while the panel is seen; else later)."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        lesson = self._player.edited_lesson()
        self.hint.setVisible(lesson is None)
        for widget in (self.title, self.list, self.buttons):
            widget.setVisible(lesson is not None)
        if lesson is None:
            self.list.clear()
            return
        count = len(lesson.scenes)
        example = self._player.example
        shown = (f"\nShown: {example.title}, after scene {self._player.index + 1}, not a scene"
                 if example is not None else "")
        self.title.setText(f"{lesson.title or 'Untitled lesson'} — {count} scene{'s' if count != 1 else ''}{shown}")
        formulas = [scene.scenario.formula for scene in lesson.scenes]
        self.list.clear()
        for number, (scene, formula) in enumerate(zip(lesson.scenes, formulas, strict=True), start=1):
            line = self.lines.line(formula)
            item = QListWidgetItem(f"{number}.  {scene.caption}\n{line}")  # what a screen reader says
            for role, value in ((NUMBER_ROLE, f"{number}."), (CAPTION_ROLE, scene.caption), (FORMULA_ROLE, line)):
                item.setData(role, value)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
            item.setToolTip(scene.notes)
            if number - 1 == self._player.index and example is None:
                font = QFont(self.list.font())
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        selected = self._player.index if self._selecting is None else self._selecting
        self.list.setCurrentRow(min(max(selected, 0), count - 1))
        self._enable_buttons()
        self.lines.ask(formulas)

    def showEvent(self, event: QShowEvent) -> None:
        """Catch up with the changes made while the panel was not seen."""
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _enable_buttons(self) -> None:
        row, count = self.list.currentRow(), self.list.count()
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)
        self.duplicate_button.setEnabled(row >= 0 and count < MAX_SCENES)
        self.edit_button.setEnabled(row >= 0)
        hidden = self._player.example_hides_scene("remove it") if row == self._player.index else ""
        self.remove_button.setEnabled(row >= 0 and count > 1 and not hidden)
        self.remove_button.setToolTip(hidden or REMOVE_TIP)

    # ----- what it changes -------------------------------------------------------------------------------------
    def _changing(self, select: int, change: Callable[[], None]) -> None:
        """Make a change to the lesson, then select this row (the list is filled anew as the lesson changes)."""
        self._selecting = select
        try:
            change()
        finally:
            self._selecting = None

    def move(self, row: int, to: int) -> None:
        """Move scene `row` to place `to`."""
        self._changing(to, lambda: self._player.move_scene(row, to))

    def _move_selected(self, step: int) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.move(row, row + step)

    def _duplicate_selected(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self._changing(row + 1, lambda: self._player.duplicate_scene(row))

    def _edit_selected(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self._changing(row, lambda: self._player.edit_scene_at(row))

    def remove(self, row: int) -> None:
        """Remove scene `row`, after asking."""
        if row >= 0:
            self._changing(max(min(row, self.list.count() - 2), 0), lambda: self._player.remove_scene_at(row))


class ScenesDock(QDockWidget):
    """The scenes panel in a dock tabbed with the probe's, closed at first; Lessons → Scenes… shows or hides it."""

    def __init__(self, window: MainWindow, make_action: ActionFactory) -> None:
        super().__init__("Scenes", window)
        self._window = window
        self.setObjectName("scenes_dock")
        self.panel = ScenesPanel(window.lesson_player, window.session)
        self.setWidget(self.panel)
        self.action = make_action("S&cenes…", self.toggle, SCENES_KEY,
                                  "Every scene of the lesson: go to one, move, copy, edit or remove it")
        self.action.setCheckable(True)
        self.toggleViewAction().toggled.connect(self.action.setChecked)
        window.lesson_player.add_scene_list_action(self.action)

    def toggle(self) -> None:
        """Show the scenes (in front of their tab group), or hide them when in front; never while presenting."""
        if self._window.presentation.active:
            self._window.statusBar().showMessage(PRESENTING, 6000)
        else:
            toggle_dock(self)
            if self.isVisible():  # the keys to the list, to browse it at once
                self.panel.list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.action.setChecked(self.toggleViewAction().isChecked())


def place_scenes_dock(window: QMainWindow, dock: QDockWidget, beside: QDockWidget) -> None:
    """Put the scenes dock in the tab group of `beside`, in front if it is open (it opens there when closed)."""
    dock.setFloating(False)
    window.tabifyDockWidget(beside, dock)
    (dock if dock.toggleViewAction().isChecked() else beside).raise_()


def install_scenes_dock(window: MainWindow, make_action: ActionFactory) -> ScenesDock:
    """The scenes dock, closed, tabbed with the probe's, with its entry in the Lessons menu; Reset panel layout puts
    it back there (open or closed as it was)."""
    docks = window.teaching_docks
    beside = docks.docks["probe_dock"]
    dock = ScenesDock(window, make_action)
    window.addDockWidget(window.dockWidgetArea(beside), dock)
    dock.hide()
    place_scenes_dock(window, dock, beside)
    docks.reset_action.triggered.connect(lambda: place_scenes_dock(window, dock, beside))
    return dock
