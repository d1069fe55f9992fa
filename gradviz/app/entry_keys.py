"""Entry fields that hand the keyboard back to the window: after Enter, and for an undo they cannot use.

A field keeps the keyboard focus after Enter, and takes the keys a lecturer's clicker and the window's shortcuts
send (→ moves its cursor, Space types a space). Once its value is entered, the window should have them again.
A field also takes Ctrl+Z and Ctrl+Shift+Z for its own typing; with none to undo or redo, they are the window's.
A control reached with Tab keeps the keys it acts on (Space presses a button, → picks the next radio button, a
letter finds an entry in a list); one the mouse gave the focus leaves them to the window. After Enter, the next Tab
goes on from the field that was left. A combo box or tab bar reached with Tab is framed in the accent colour: the
style's own mark (a pale tint, a thin light-blue border) was hard to see, on a projector most of all.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QProxyStyle,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QTabBar,
    QToolButton,
    QWidget,
)

Entry = TypeVar("Entry", bound=QLineEdit | QAbstractSpinBox)


class _UndoFallThrough(QObject):
    """Leaves undo and redo to the window's shortcuts where a field has no typing of its own to undo or redo."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Refuse the shortcut override of an undo or redo the field could do nothing with."""
        if event.type() != QEvent.Type.ShortcutOverride:
            return False
        text = watched.lineEdit() if isinstance(watched, QAbstractSpinBox) else watched
        if not isinstance(text, QLineEdit) or not isinstance(event, QKeyEvent):
            return False
        idle = ((event.matches(QKeySequence.StandardKey.Undo) and not text.isUndoAvailable())
                or (event.matches(QKeySequence.StandardKey.Redo) and not text.isRedoAvailable()))
        if idle:
            event.ignore()  # not taken by the field: the window's shortcut runs
        return idle


_UNDO_FALL_THROUGH: list[_UndoFallThrough] = []  # one filter for every field, made with the first


def lets_undo_through(entry: Entry) -> Entry:
    """Let Ctrl+Z and Ctrl+Shift+Z reach the window when this field has nothing to undo or redo; returns the field."""
    if not _UNDO_FALL_THROUGH:
        _UNDO_FALL_THROUGH.append(_UndoFallThrough())
    entry.installEventFilter(_UNDO_FALL_THROUGH[0])
    return entry


def hands_keys_back(entry: Entry) -> Entry:
    """Make Enter in this field leave it (its value is taken as usual first), and let undo through; returns it."""
    if isinstance(entry, QLineEdit):
        entry.returnPressed.connect(lambda: leave_field(entry))
    else:
        entry.editingFinished.connect(lambda: leave_field(entry))  # on Enter, or on leaving it anyway
    return lets_undo_through(entry)


_LEFT_FIELD: list[weakref.ref[QWidget]] = []  # the field Enter last left, where the next Tab goes on from


def leave_field(entry: QWidget) -> None:
    """Give the keys back to the window, and remember the field for the next Tab."""
    if entry.hasFocus():
        _LEFT_FIELD[:] = [weakref.ref(entry)]
        entry.clearFocus()


def field_left() -> QWidget | None:
    """The field Enter last left, if it is still shown and nothing has the focus since."""
    field = _LEFT_FIELD[0]() if _LEFT_FIELD else None
    if field is None or QApplication.focusWidget() is not None or not field.isVisible():
        return None
    return field


NAVIGATION_KEYS = frozenset({Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp,
                             Qt.Key.Key_PageDown, Qt.Key.Key_Home, Qt.Key.Key_End})
PRESS_KEYS = frozenset({Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter})
ARROW_KEYS = frozenset({Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down})
TAB_BAR_KEYS = ARROW_KEYS | {Qt.Key.Key_Home, Qt.Key.Key_End}
SPIN_BOX_KEYS = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown})
FOCUSED_SLIDER_STYLE = ("QSlider { border: 1px solid transparent; border-radius: 3px; }"
                        " QSlider:focus { border-color: palette(highlight); }")
KEYBOARD_FOCUS = "gradviz_keyboard_focus"  # the property set on a control the keyboard gave the focus
FOCUS_FRAME_WIDTH = 2  # pixels: the frame around a combo box, or a tab bar's current tab, reached with Tab


def typing_in(edit: QLineEdit) -> bool:
    """Whether text is being typed into edit: it has the keys and text typed since it last showed a value.

    A field that only held the keys kept the value of the scene before: the next scene's η = 0.09 showed everywhere
    but in the η box, which went on saying 0.01, and saving took that 0.01 for typed into scene 2.
    """
    return edit.hasFocus() and edit.isModified()


def types_text(event: QKeyEvent) -> bool:
    """Whether the key types a visible character (a letter, a digit, a sign)."""
    text = event.text()
    return bool(text.strip()) and text.isprintable()


def control_keys(control: QObject, event: QKeyEvent) -> bool:
    """Whether this control acts on this unmodified key (a combo box or list also on typed letters)."""
    key = event.key()
    if isinstance(control, QAbstractSlider):
        return key in NAVIGATION_KEYS
    if isinstance(control, QRadioButton):
        return key in PRESS_KEYS | ARROW_KEYS
    if isinstance(control, QAbstractButton):
        return key in PRESS_KEYS
    if isinstance(control, QComboBox | QAbstractItemView):
        return key in NAVIGATION_KEYS | PRESS_KEYS or types_text(event)
    if isinstance(control, QTabBar):
        return key in TAB_BAR_KEYS
    if isinstance(control, QAbstractSpinBox):
        return key in SPIN_BOX_KEYS
    return False


class _ControlKeys(QObject):
    """Claims a control's keys from the window's shortcuts while the keyboard gave it the focus (see the module)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Accept the shortcut override of a key the control acts on; Enter presses a focused button.

        A click on the control gives its keys back to the window (a lecturer who tabbed to a button, then clicked
        it, pressed Space to play and ran the button again).
        """
        if event.type() == QEvent.Type.MouseButtonPress:
            watched.setProperty(KEYBOARD_FOCUS, False)
            watched.update()  # no focus frame
            return False
        if not isinstance(event, QKeyEvent) or not watched.property(KEYBOARD_FOCUS):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if event.type() == QEvent.Type.ShortcutOverride and control_keys(watched, event):
            event.accept()
        elif (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
              and isinstance(watched, QPushButton | QToolButton)):
            watched.animateClick()
            return True
        return False


def _keyboard_focused(option: QStyleOption, widget: QWidget | None) -> bool:
    """Whether the control drawn has the focus, and the keyboard gave it."""
    return bool(option.state & QStyle.StateFlag.State_HasFocus) and widget is not None and bool(
        widget.property(KEYBOARD_FOCUS))


def draw_focus_frame(painter: QPainter, rect: QRect, palette: QPalette) -> None:
    """A frame FOCUS_FRAME_WIDTH pixels wide just inside rect, in the palette's accent (highlight) colour."""
    colour, width = palette.color(QPalette.ColorRole.Highlight), FOCUS_FRAME_WIDTH
    for band in (QRect(rect.left(), rect.top(), rect.width(), width),
                 QRect(rect.left(), rect.bottom() - width + 1, rect.width(), width),
                 QRect(rect.left(), rect.top(), width, rect.height()),
                 QRect(rect.right() - width + 1, rect.top(), width, rect.height())):
        painter.fillRect(band, colour)


class FocusFrameStyle(QProxyStyle):
    """The application's style, with a focus frame around a combo box or tab bar tab that Tab gave the keys."""

    def drawComplexControl(self, control: QStyle.ComplexControl, option: QStyleOption, painter: QPainter,
                           widget: QWidget | None = None) -> None:
        """Draw the control; a combo box the keyboard reached gets its frame."""
        super().drawComplexControl(control, option, painter, widget)
        if control == QStyle.ComplexControl.CC_ComboBox and _keyboard_focused(option, widget):
            draw_focus_frame(painter, option.rect, option.palette)

    def drawControl(self, element: QStyle.ControlElement, option: QStyleOption, painter: QPainter,
                    widget: QWidget | None = None) -> None:
        """Draw the element; the current tab of a tab bar the keyboard reached gets its frame."""
        super().drawControl(element, option, painter, widget)
        if element == QStyle.ControlElement.CE_TabBarTab and _keyboard_focused(option, widget):
            draw_focus_frame(painter, option.rect, option.palette)


_FOCUS_FRAME_STYLE: list[FocusFrameStyle] = []  # one for every combo box and tab bar, living as long as they may


def frames_keyboard_focus(control: QComboBox | QTabBar) -> None:
    """Draw this control in the application's style, framed while the keyboard gives it the focus."""
    if not _FOCUS_FRAME_STYLE:
        base = QStyleFactory.create(QApplication.style().name())  # the proxy owns it: not the application's own
        _FOCUS_FRAME_STYLE.append(FocusFrameStyle(base))
    if control.style() is not _FOCUS_FRAME_STYLE[0]:
        control.setStyle(_FOCUS_FRAME_STYLE[0])


_CONTROL_KEYS: list[_ControlKeys] = []
CONTROLS = (QAbstractSlider, QAbstractButton, QComboBox, QAbstractItemView, QTabBar, QAbstractSpinBox)  # their keys


class KeyboardFocus(QObject):
    """Marks the controls Tab reaches as the keyboard's, so they keep their keys (see the module)."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._tabbing = False
        if not _CONTROL_KEYS:
            _CONTROL_KEYS.append(_ControlKeys())  # one filter for every control, living as long as they may
        QApplication.instance().focusChanged.connect(self._focus_changed)  # type: ignore[union-attr]

    @contextmanager
    def tabbing(self) -> Iterator[None]:
        """While moving the focus with Tab or Shift+Tab: the control reached is the keyboard's."""
        self._tabbing = True
        try:
            yield
        finally:
            self._tabbing = False

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not isinstance(new, CONTROLS):
            return
        if new.property(KEYBOARD_FOCUS) is None:
            new.installEventFilter(_CONTROL_KEYS[0])
            new.setProperty(KEYBOARD_FOCUS, False)
            if isinstance(new, QComboBox | QTabBar):
                frames_keyboard_focus(new)
        if self._tabbing:
            new.setProperty(KEYBOARD_FOCUS, True)
        elif old is not None or QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            new.setProperty(KEYBOARD_FOCUS, False)  # else the window was activated again: the control stays as it was
        new.update()  # framed or not as the keyboard has it


def takes_keys_when_tabbed_to(slider: QAbstractSlider) -> QAbstractSlider:
    """A slider the mouse moves without taking the keyboard, and that Tab reaches to move it by keys; returns it.

    Clicked or dragged, it leaves the keys to the window (a lecturer's clicker still steps the run); reached with
    Tab, its arrows, PgUp/PgDown, Home and End move it, not the run or the lesson.
    """
    slider.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    slider.setStyleSheet(FOCUSED_SLIDER_STYLE)  # the style draws no focus on a slider: the frame shows it has the keys
    return slider


ENTRY_KEYS = "123456789abcdefghijklmnopqrstuvwxyz"  # the underlined keys of a long menu's entries, in order


def numbered_entry(position: int, title: str, taken: str = "") -> str:
    """A long menu's entry (the gallery, the lessons) with its own underlined key: '&1 Bowl', … '&a …'.

    The keys in taken are the menu's other entries' and are passed over.
    """
    keys = [key for key in ENTRY_KEYS if key not in taken]
    escaped = title.replace("&", "&&")
    return f"&{keys[position]}  {escaped}" if position < len(keys) else escaped
