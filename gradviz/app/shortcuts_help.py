"""Help → Keyboard shortcuts: every key of the window, grouped by the menu that holds it, and the map's own."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QMenuBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gradviz.app.contour_view import MAP_KEYS_HELP, MAP_KEYS_TITLE
from gradviz.app.presentation import DIALOG_SCREEN_SHARE

OTHER_GROUP = "Other keys"
COLUMNS = 3
ROWS_UNDER_A_TITLE = 3  # a group split between columns starts with at least this many of its keys
CONTINUED = "(continued)"  # after a group's title at the top of the column it goes on in


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


def _title_row(title: str) -> str:
    return f"<tr><td colspan='2' style='padding-top:8px'><b>{html.escape(title)}</b></td></tr>"


def _packed(groups: list[tuple[str, list[tuple[str, str]]]], height: int) -> list[list[str]]:
    """Table rows in columns of at most height rows: a group that fits a column is kept whole, a longer one split."""
    columns: list[list[str]] = [[]]
    for title, rows in groups:
        whole, start = len(rows) + 1, min(len(rows), ROWS_UNDER_A_TITLE) + 1
        if columns[-1] and len(columns[-1]) + (whole if whole <= height else start) > height:
            columns.append([])
        columns[-1].append(_title_row(title))
        for keys, text in rows:
            if len(columns[-1]) >= height:
                columns.append([_title_row(f"{title} {CONTINUED}")])
            columns[-1].append(f"<tr><td style='white-space:nowrap; padding-right:8px'><b>{html.escape(keys)}</b></td>"
                               f"<td style='white-space:nowrap'>{html.escape(text)}</td></tr>")
    return columns


def shortcuts_html(groups: list[tuple[str, list[tuple[str, str]]]], column_count: int = COLUMNS) -> str:
    """The groups in menu order as rich text in column_count columns as short as they can be."""
    height = math.ceil(sum(len(rows) + 1 for _, rows in groups) / column_count)
    while len(columns := _packed(groups, height)) > column_count:
        height += 1
    tables = "".join(f"<td valign='top'><table cellspacing='3'>{''.join(column)}</table></td>" for column in columns)
    return f"<table cellspacing='10'><tr>{tables}</tr></table>"


class KeysArea(QScrollArea):
    """The keys, scrolled up and down when the screen is too short for them (the Close button stays in view)."""

    def __init__(self, label: QLabel) -> None:
        """Hold this label at the size it asks for."""
        super().__init__()
        self.setWidget(label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def sizeHint(self) -> QSize:
        """The keys' whole size, and room for a scroll bar beside them should the dialog be made shorter."""
        hint = self.widget().sizeHint()
        return QSize(hint.width() + self.verticalScrollBar().sizeHint().width(), hint.height())


class ShortcutsDialog(QDialog):
    """The window's keys beside it, grouped by menu (not modal: a lecturer can try them while reading)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts — gradviz")
        self.groups = [*shortcut_groups(window.menuBar(), window), (MAP_KEYS_TITLE, list(MAP_KEYS_HELP))]
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self.keys_area = KeysArea(self.label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keys_area)
        layout.addWidget(buttons)
        self.fit_columns()

    def fit_columns(self) -> None:
        """As many columns (up to COLUMNS) as the screen is wide enough for: three were too wide for 1024 pixels."""
        room = self.screen().availableGeometry().width() * DIALOG_SCREEN_SHARE
        for count in range(COLUMNS, 0, -1):
            self.label.setText(shortcuts_html(self.groups, count))
            self.keys_area.updateGeometry()  # the label's new size does not reach the dialog through the area
            if self.sizeHint().width() <= room:
                return
