"""Single-shot timers: the window's way of doing work later, between its events."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def single_shot(parent: QObject, interval_ms: int, slot: Callable[[], None]) -> QTimer:
    """A timer of the parent's that calls slot once, interval_ms after each start() (0: once the events are in)."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer
