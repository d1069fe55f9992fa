"""A row of control groups that wraps onto more lines when the window is narrow, so the docks keep their room."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

GROUP_SPACING = 16  # between groups on a line, as the stepper's rows space theirs
LINE_SPACING = 4


class WrappingRow(QWidget):
    """Groups of controls laid out left to right, starting a new line where the next group would not fit.

    Each group keeps its preferred size and stays whole. The row asks for the height its current width needs:
    splitters and box layouts ask a widget for its size hints only, never for a height at a width. A one-line
    row at 1280 pixels thus wraps at 1024 instead of holding the window wide and squeezing the docks.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = GROUP_SPACING) -> None:
        """An empty row whose groups stand this far apart on a line."""
        super().__init__(parent)
        self._spacing = spacing
        self._groups: list[QWidget] = []
        self._stretching: set[QWidget] = set()
        self._asked_height = 0
        self._asked_hints = (QSize(), QSize())  # the size hint and least size the layouts last heard of
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def add_group(self, *widgets: QWidget, stretch: QWidget | None = None) -> QWidget:
        """Add these widgets as one group (never split across lines); returns the group.

        With a stretch widget (one of them), the group fills the rest of its line, that widget taking the room.
        """
        group = QWidget(self)
        layout = QHBoxLayout(group)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            layout.addWidget(widget, 1 if widget is stretch else 0)
        if stretch is not None:
            self._stretching.add(group)
        self._groups.append(group)
        self.updateGeometry()
        return group

    def _shown_groups(self) -> list[QWidget]:
        return [group for group in self._groups if not group.isHidden()]

    def _lines(self, width: int) -> list[list[QWidget]]:
        """The groups on each line at this width (a group wider than the width gets a line of its own)."""
        lines: list[list[QWidget]] = []
        used = 0
        for group in self._shown_groups():
            group_width = group.sizeHint().width()
            if lines and used + self._spacing + group_width <= width:
                lines[-1].append(group)
                used += self._spacing + group_width
            else:
                lines.append([group])
                used = group_width
        return lines

    def _height_of(self, lines: list[list[QWidget]]) -> int:
        heights = [max(group.sizeHint().height() for group in line) for line in lines]
        return sum(heights) + LINE_SPACING * max(len(heights) - 1, 0)

    def _height_at_current_width(self) -> int:
        return self._height_of(self._lines(max(self.width(), 1)))

    def sizeHint(self) -> QSize:
        """Every group on one line, at the height the current width needs."""
        groups = self._shown_groups()
        width = sum(group.sizeHint().width() for group in groups) + self._spacing * max(len(groups) - 1, 0)
        self._asked_height = self._height_at_current_width()
        hint = QSize(width, self._asked_height)
        self._asked_hints = (hint, self._asked_hints[1])
        return hint

    def minimumSizeHint(self) -> QSize:
        """As wide as the widest group, at the height the current width needs."""
        width = max((group.sizeHint().width() for group in self._shown_groups()), default=0)
        self._asked_height = self._height_at_current_width()
        least = QSize(width, self._asked_height)
        self._asked_hints = (self._asked_hints[0], least)
        return least

    def place_groups(self) -> None:
        """Put each group at its preferred size on its line, lines top to bottom."""
        top = 0
        for line in self._lines(max(self.width(), 1)):
            left = 0
            line_height = max(group.sizeHint().height() for group in line)
            for group in line:
                hint = group.sizeHint()
                width = max(hint.width(), self.width() - left) if group in self._stretching else hint.width()
                group.setGeometry(left, top + (line_height - hint.height()) // 2, width, hint.height())
                left += width + self._spacing
            top += line_height + LINE_SPACING

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Place the groups at the new width; ask for another height if it needs one."""
        super().resizeEvent(event)
        self.place_groups()
        if self._height_at_current_width() != self._asked_height:
            self.updateGeometry()

    def event(self, event: QEvent) -> bool:
        """A group's size or visibility changed: place the groups again, and ask for other room if they need it.

        A group that only changed its own width within its line (the stability note, at every new formula)
        lays out nothing else.
        """
        if event.type() == QEvent.Type.LayoutRequest:
            asked = self._asked_hints
            self.place_groups()
            if (self.sizeHint(), self.minimumSizeHint()) != asked:
                self.updateGeometry()
            return True
        return super().event(event)
