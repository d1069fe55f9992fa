"""A status bar whose long messages end at a whole word with '…' instead of being cut off mid-word at its edge."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QEvent, QObject
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizeGrip, QStatusBar, QWidget

MESSAGE_LEFT = 6  # where QStatusBar starts its message, and how far before its first permanent widget it ends…
MESSAGE_GAP = 2
MESSAGE_RIGHT_MARGIN = 12  # …or before its right edge, with none
PLACING_EVENTS = frozenset({QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide})


class ElidingStatusBar(QStatusBar):
    """Shows a message too long for it up to its last whole word that fits, then '…'; the tooltip has all of it.

    A preset's description ran past the window's edge and was cut in the middle of a word ("without cor"). It is
    fitted again whenever the bar or a permanent widget beside the message moves, grows or shows: when the window
    first showed, those widgets were not yet placed, and the message was cut by the hover readout mid-word.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._message = ""
        self._timeout = 0
        self._shown = QElapsedTimer()
        self.messageChanged.connect(self._message_changed)

    def showMessage(self, message: str, timeout: int = 0) -> None:
        """Show the message (for timeout milliseconds, 0: until the next), shortened to fit if it must be."""
        self._message, self._timeout = message, timeout
        self._shown.start()
        self._show_fitted(timeout)

    def take_back(self, message: str) -> None:
        """Clear this message if it shows (it no longer holds); one shown after it stays."""
        if message and self._message == message:
            self.clearMessage()

    def full_message(self) -> str:
        """The message being shown, whole."""
        return self._message

    def _show_fitted(self, timeout: int) -> None:
        fitted = fitted_message(self._message, self.fontMetrics().horizontalAdvance, self.message_width())
        super().showMessage(fitted, timeout)
        self.setToolTip(self._message if fitted != self._message else "")

    def _message_changed(self, text: str) -> None:
        if not text:  # its time ran out, or it was cleared
            self._message = ""
            self.setToolTip("")

    def addPermanentWidget(self, widget: QWidget, stretch: int = 0) -> None:
        """Add a widget right of the message, which is fitted again whenever the widget is placed anew."""
        super().addPermanentWidget(widget, stretch)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A permanent widget moved, grew or showed: the message may have another width."""
        if event.type() in PLACING_EVENTS and self._message and self.isVisible():
            self._fit_again()
        return False

    def message_width(self) -> int:
        """The pixels the message has: from the left to the first permanent widget shown (as QStatusBar lays it)."""
        permanent = [child.x() for child in self.findChildren(QWidget) if child.parent() is self
                     and child.isVisible() and not isinstance(child, QSizeGrip) and child.x() > MESSAGE_LEFT]
        right = min(permanent) - MESSAGE_GAP if permanent else self.width() - MESSAGE_RIGHT_MARGIN
        return right - MESSAGE_LEFT

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the message to the new width, for the rest of its time."""
        super().resizeEvent(event)
        if self._message and event.size().width() != event.oldSize().width():
            self._fit_again()

    def _fit_again(self) -> None:
        """Fit the message to the width it has now, for the rest of its time (if that changes what shows)."""
        fitted = fitted_message(self._message, self.fontMetrics().horizontalAdvance, self.message_width())
        if fitted != self.currentMessage():
            self._show_fitted(max(self._timeout - self._shown.elapsed(), 1) if self._timeout else 0)


class ReadoutLabel(QLabel):
    """A readout in the status bar whose new text never lays the window out: its size is fixed, widened only for a
    text wider than any it showed (and again when its font changes).

    A label sized to its text asks its window for a new layout at every text: the hover readout, read again for a
    new formula under a still pointer, laid the whole window out (docks and toolbars too) and painted it twice.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fit_font()

    def setText(self, text: str) -> None:
        """Show the text, widening the label first if it is wider than the label."""
        super().setText(text)
        wanted = self.sizeHint().width()
        if wanted > self.width():
            self.setFixedWidth(wanted)

    def changeEvent(self, event: QEvent) -> None:
        """A new font: the label's height, and its width, are this font's."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_font()

    def _fit_font(self) -> None:
        text = self.text()
        super().setText("Ag")  # a line's height in this font, with or without a text
        height = self.sizeHint().height()
        super().setText(text)
        self.setFixedSize(self.sizeHint().width() if text else 0, height)


def fitted_message(message: str, advance: Callable[[str], float], width: int) -> str:
    """The message if advance(message) fits in width, else as many of its first words as fit with ' …' after them."""
    if width <= 0 or advance(message) <= width:
        return message
    words = message.split(" ")
    low, high = 1, len(words)  # the most words that fit (at least one, whatever its width)
    while low < high:
        middle = (low + high + 1) // 2
        if advance(" ".join(words[:middle]) + " …") <= width:
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low]) + " …"
