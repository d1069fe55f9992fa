"""The window's action factory, which panels are given to make their menu actions the window's own."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction

# make(text, slot, shortcut=None, tip="") -> an action of the window, its key working anywhere in it
# (see MainWindow._action).
ActionFactory = Callable[..., QAction]
