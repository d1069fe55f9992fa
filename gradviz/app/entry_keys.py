"""Entry fields that hand the keyboard back to the window: after Enter, and for an undo they cannot use.

A field keeps the keyboard focus after Enter, and takes the keys a lecturer's clicker and the window's shortcuts
send (→ moves its cursor, Space types a space). Once its value is entered, the window should have them again.
A field also takes Ctrl+Z and Ctrl+Shift+Z for its own typing; with none to undo or redo, they are the window's.
A slider takes the keyboard only when reached with Tab: then its arrow and page keys move it rather than the run.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QLineEdit

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
        entry.returnPressed.connect(entry.clearFocus)
    else:
        entry.editingFinished.connect(entry.clearFocus)  # on Enter, or on leaving it anyway
    return lets_undo_through(entry)


SLIDER_KEYS = frozenset({Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp,
                         Qt.Key.Key_PageDown, Qt.Key.Key_Home, Qt.Key.Key_End})


class _SliderKeys(QObject):
    """Claims a focused slider's keys from the window's shortcuts (→ steps the run, PgUp goes back a scene)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Accept the shortcut override of an unmodified arrow, page, Home or End key: the slider moves."""
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.key() in SLIDER_KEYS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            event.accept()
        return False


_SLIDER_KEYS: list[_SliderKeys] = []


def takes_keys_when_tabbed_to(slider: QAbstractSlider) -> QAbstractSlider:
    """A slider the mouse moves without taking the keyboard, and that Tab reaches to move it by keys; returns it.

    Clicked or dragged, it leaves the keys to the window (a lecturer's clicker still steps the run); reached with
    Tab, its arrows, PgUp/PgDown, Home and End move it, not the run or the lesson.
    """
    if not _SLIDER_KEYS:
        _SLIDER_KEYS.append(_SliderKeys())
    slider.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    slider.installEventFilter(_SLIDER_KEYS[0])
    return slider
