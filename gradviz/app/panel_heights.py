"""The heights of the panels above and below the views: what they ask for, the views the rest; never collapsed."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QSplitter

PANES_AROUND_THE_VIEWS = (0, 2)  # the formula panel above the views, the stepper below them


class PanelHeights(QObject):
    """Gives a vertical splitter's first and last panes the heights they ask for whenever they ask for new ones.

    QSplitter keeps a pane at the height it asked for when first shown, or at its least height if that is more:
    the stepper kept the height of its rows wrapped at the window's first width, and a formula panel that had
    grown for three variables stayed tall. A drag on a handle holds until a pane asks for another height; it
    shrinks a pane to its least height at most (the equations then scroll), and never hides it: the formula
    box or Play vanished at a drag, and nothing showed how to bring them back.
    """

    def __init__(self, splitter: QSplitter) -> None:
        """Fit this splitter's outer panes from now on, and let neither collapse."""
        super().__init__(splitter)
        self._splitter = splitter
        self._asked: tuple[int, ...] = ()  # the heights the panes asked for when last fitted
        for index in PANES_AROUND_THE_VIEWS:
            splitter.setCollapsible(index, False)
        splitter.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A pane's size hint may have changed (or the splitter shows): fit the panes if they ask anew."""
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Show):
            self.fit()
        return False

    def fit(self) -> None:
        """The outer panes at the heights they ask for, the views between them the rest (if they ask anew)."""
        splitter = self._splitter
        asked = tuple(splitter.widget(index).sizeHint().height() for index in PANES_AROUND_THE_VIEWS)
        if asked == self._asked:
            return
        self._asked = asked
        views = splitter.height() - sum(asked) - 2 * splitter.handleWidth()
        splitter.setSizes([asked[0], max(views, 1), asked[1]])
