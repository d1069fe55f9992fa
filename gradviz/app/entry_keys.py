"""Entry fields that hand the keyboard back to the window: after Enter, and for an undo they cannot use.

A field keeps the keyboard focus after Enter, and takes the keys a lecturer's clicker and the window's shortcuts
send (→ moves its cursor, Space types a space). Once its value is entered, the window should have them again.
A field also takes Ctrl+Z and Ctrl+Shift+Z for its own typing; with none to undo or redo, they are the window's.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit

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
