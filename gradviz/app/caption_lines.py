"""A lesson caption's lines as an audience reads them: a value kept with its name, the lines about equally long.

Wrapped as a plain label wraps it, "near x = −1.34" broke after the "=", leaving "x =" at the end of one line and
the number on the next, and a last word such as "one" stood alone on the bottom line of a presented caption.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QWidget

from gradviz.app.view_common import wrapped

NO_BREAK = "\u00a0"  # a space that neither ends a line nor lets one begin
RELATION_SPACES = re.compile(r" ([=≈≠≤≥<>←]) ")  # "x = −1.34", "f ≈ 0.2", "w ← w − η·∇f": the name with its value
SIGN_SPACE = re.compile(r"(?<=[−+±]) (?=[\d.])")  # "w − 0.1·∇L": the sign with its number
UNIT_SPACE = re.compile(r"(?<=\d) (?=[%°×])")  # "20 %": the number with its unit
POINT = re.compile(r"\([^()]*,[^()]*\)")  # "(1, 2)", "(cos x, −sin y)": a point or vector stays on one line…
POINT_MOST_SPACES = 3  # …when it is this short ("(β = 0.9, same η)" is a phrase: it may wrap)
WIDTH_PRECISION = 0.5  # pixels: how close the balanced width comes to the narrowest that keeps the lines' count
SHOWN_LINES_KEPT = 32  # a label's lines remembered per text, font and width (layouts ask for many widths)


def kept_together(text: str) -> str:
    """The text on one line (spaces collapsed), with no-break spaces where a line break would split a value."""
    text = POINT.sub(lambda point: point.group().replace(" ", NO_BREAK) if point.group().count(" ") <= POINT_MOST_SPACES
                     else point.group(), " ".join(text.split()))
    text = RELATION_SPACES.sub(rf"{NO_BREAK}\1{NO_BREAK}", text)
    text = SIGN_SPACE.sub(NO_BREAK, text)
    return UNIT_SPACE.sub(NO_BREAK, text)


def balanced_lines(metrics: QFontMetricsF, text: str, width: float) -> list[str]:
    """The text wrapped at spaces in as few lines as at this width, each about as long: the narrowest width that
    needs no more lines (a last word alone on its line shares the line before's words)."""
    lines = wrapped(metrics, text, width)
    if len(lines) < 2:
        return lines
    narrow, wide = width / (len(lines) + 1), width  # at `wide` the text takes its lines; at `narrow` more
    while wide - narrow > WIDTH_PRECISION:
        middle = (narrow + wide) / 2
        if len(wrapped(metrics, text, middle)) <= len(lines):
            wide = middle
        else:
            narrow = middle
    return wrapped(metrics, text, wide)


def caption_lines(metrics: QFontMetricsF, caption: str, width: float) -> list[str]:
    """A caption's lines at this width in this font: values kept with their names, the lines balanced."""
    return balanced_lines(metrics, kept_together(caption), width)


class CaptionLabel(QLabel):
    """A plain-text label whose text is drawn in caption_lines: text() is the caption as written."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self._lines: dict[tuple[str, str, int], list[str]] = {}

    def shown_lines(self, width: int | None = None) -> list[str]:
        """The lines the caption is drawn in at this width of the text (the label's now, if None)."""
        width = self.contentsRect().width() if width is None else width
        key = (self.text(), self.font().key(), width)
        if key not in self._lines:
            if len(self._lines) >= SHOWN_LINES_KEPT:
                self._lines.clear()
            self._lines[key] = caption_lines(QFontMetricsF(self.font()), self.text(), width)
        return self._lines[key]

    def _lines_height(self, lines: list[str]) -> int:
        """The height these lines are drawn in."""
        return self.fontMetrics().boundingRect(QRect(0, 0, 1 << 20, 1 << 20), int(self.alignment()),
                                               "\n".join(lines)).height()

    def heightForWidth(self, width: int) -> int:
        """The height of the caption's lines at this width of the label."""
        margins = self.contentsMargins()
        text_width = width - margins.left() - margins.right()
        return self._lines_height(self.shown_lines(text_width)) + margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:
        """QLabel's width, the height of the lines at it."""
        width = super().sizeHint().width()
        return QSize(width, self.heightForWidth(width))

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the caption's lines in the label's alignment, colour and font."""
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment()), self.palette(),
                                  self.isEnabled(), "\n".join(self.shown_lines()), self.foregroundRole())
