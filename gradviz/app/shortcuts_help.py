"""Help → Keyboard shortcuts: every key of the window, grouped by the menu that holds it, side by side."""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMainWindow, QMenu, QMenuBar, QVBoxLayout, QWidget

OTHER_GROUP = "Other keys"
COLUMNS = 3


def _keys(action: QAction) -> str:
    """The action's shortcuts as the platform writes them ('Ctrl+Z', 'F11 / F5')."""
    return " / ".join(key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts())


HELP_NAME = "help_name"  # an action's property: what the keys list calls it, where its text changes (Undo 5 settings)


def action_help_text(action: QAction) -> str:
    """What an action does, for the keys list: its help name if it has one, else its text."""
    return str(action.property(HELP_NAME) or action.text()).replace("&", "")


def _menu_actions(menu: QMenu) -> Iterable[QAction]:
    """The actions of a menu and of its submenus, in menu order."""
    for action in menu.actions():
        if action.menu() is not None:
            yield from _menu_actions(action.menu())
        else:
            yield action


def shortcut_groups(menu_bar: QMenuBar, window: QWidget) -> list[tuple[str, list[tuple[str, str]]]]:
    """(menu title, [(keys, what they do)]) for every menu with shortcuts, then the window's keys in no menu."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    listed: set[int] = set()
    for top in menu_bar.actions():
        if top.menu() is None:
            continue
        rows = []
        for action in _menu_actions(top.menu()):
            if action.shortcuts() and id(action) not in listed:
                listed.add(id(action))
                rows.append((_keys(action), action_help_text(action)))
        if rows:
            groups.append((top.text().replace("&", ""), rows))
    others = [(_keys(action), action_help_text(action)) for action in window.actions()
              if action.shortcuts() and id(action) not in listed]
    return [*groups, (OTHER_GROUP, others)] if others else groups


def shortcuts_html(groups: list[tuple[str, list[tuple[str, str]]]], column_count: int = COLUMNS) -> str:
    """The groups as rich text side by side, each group going to the shortest column so far."""
    columns: list[list[str]] = [[] for _ in range(column_count)]
    lengths = [0] * column_count
    for title, rows in groups:
        shortest = lengths.index(min(lengths))
        columns[shortest].append(f"<tr><td colspan='2' style='padding-top:8px'><b>{html.escape(title)}</b></td></tr>")
        columns[shortest] += [f"<tr><td style='white-space:nowrap'><b>{html.escape(keys)}</b></td>"
                              f"<td style='white-space:nowrap'>{html.escape(text)}</td></tr>" for keys, text in rows]
        lengths[shortest] += len(rows) + 1
    tables = "".join(f"<td valign='top'><table cellspacing='3'>{''.join(column)}</table></td>" for column in columns)
    return f"<table cellspacing='10'><tr>{tables}</tr></table>"


class ShortcutsDialog(QDialog):
    """The window's keys beside it, grouped by menu (not modal: a lecturer can try them while reading)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts — gradviz")
        self.label = QLabel(shortcuts_html(shortcut_groups(window.menuBar(), window)))
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(buttons)
