"""Workarounds for defects of the Qt bindings that would otherwise crash gradviz."""

from __future__ import annotations

import ctypes
import sys

_IMMORTAL_SHARE = 1 << 40
_applied = False


def keep_singletons_alive() -> None:
    """Make the reference counts of None, True and False unreachable by leaks (once; Python < 3.12 only).

    PySide6 6.12 drops a reference to None on every call of some void methods (QWidget.update,
    QPainter.save, drawPolygon, ...) and to True on some calls taking a flag. On Python 3.11, where
    these objects are not immortal, the count reaches zero after some thousands of calls and the
    interpreter aborts ("none_dealloc"): an animation or an export makes that many calls in seconds.
    Python 3.12 makes these objects immortal; this does the same by adding a huge count to each.
    """
    global _applied
    if sys.version_info >= (3, 12) or _applied:
        return
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _IMMORTAL_SHARE
    _applied = True
