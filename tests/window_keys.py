"""Driving the window by its keys, as a person without a mouse does."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLabel, QWidget


def tab_to(target: QWidget, backwards: bool = False, presses: int = 80) -> None:
    """Press Tab (or Shift+Tab) on whatever has the focus until the target has it, as a person would."""
    key = Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab
    for _ in range(presses):
        if target.hasFocus():
            return
        QTest.keyClick(QApplication.focusWidget() or target.window(), key)
    assert target.hasFocus(), f"{presses} presses of Tab did not reach {target}"


def paste_into(qtbot, box: QWidget, pasted: str) -> None:
    """Paste `pasted` over a box's text (Ctrl+V, as a person would) and press Enter."""
    QApplication.clipboard().setText(pasted)
    box.setFocus()
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def type_over(box: QAbstractSpinBox, typed: str) -> None:
    """Type over the number in a box, key by key (Enter not pressed)."""
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, typed)


def whole_lines(label: QLabel) -> bool:
    """Whether a word-wrapped label is as tall as its lines: a dialog cut the last line of why a number was refused
    off."""
    QApplication.processEvents()
    return label.height() >= label.heightForWidth(label.width())
