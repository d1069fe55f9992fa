"""Entry fields that hand the keyboard back to the window once a value is entered.

A field keeps the keyboard focus after Enter, and takes the keys a lecturer's clicker and the window's shortcuts
send (→ moves its cursor, Space types a space). Once its value is entered, the window should have them again.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit

Entry = TypeVar("Entry", bound=QLineEdit | QAbstractSpinBox)


def hands_keys_back(entry: Entry) -> Entry:
    """Make Enter in this field leave it (its value is taken as usual first); returns the field."""
    if isinstance(entry, QLineEdit):
        entry.returnPressed.connect(entry.clearFocus)
    else:
        entry.editingFinished.connect(entry.clearFocus)  # on Enter, or on leaving it anyway
    return entry
