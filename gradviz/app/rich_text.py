"""A rich-text label that lays its text out as few times as it can: the panels' tables change with every step.

QLabel lays rich text out again for its size hint, its minimum size hint, each height-for-width question and
its paint, and a selectable QLabel keeps a second document that does it all once more: about 3.5 ms for the
probe's table, against under 1 ms for one document laid out once per text and width.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from PySide6.QtCore import QEvent, QSize, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QAction,
    QContextMenuEvent,
    QFont,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextDocument,
    QTextFrame,
    QTextOption,
    QTextTable,
)
from PySide6.QtWidgets import QMenu, QSizePolicy, QWidget

NO_WRAP = -1.0  # QTextDocument's text width for a layout without wrapping
PLACE_MARK = "\u200b"  # a zero-width space: marks a place in a text, to learn where it is laid out (unwrapped_marks)
LEAST_WIDTH = 0.0  # the text width whose layout is as narrow as the text allows


class RichTextLabel(QWidget):
    """Read-only rich text with QLabel's setText, text and wordWrap, its look, and Copy on right-click.

    Steady, wrapped text keeps the height of its tallest text, and the width asked of its widest, until
    forget_tallest: as the numbers in a table change, a row that wraps on one step and not on the next, or a
    number one digit longer, would otherwise resize the label, or lay out the panel with its plots, on every step.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None, word_wrap: bool = False,
                 steady: bool = False, whole_words: bool = False) -> None:
        """A label showing text, wrapped at its width if word_wrap, and keeping its tallest height if steady.

        With whole_words a line breaks only at a space, never inside a word (or a run of no-break spaces): the label
        is then at least as wide as its widest word. Else, as QLabel does, a word wider than the label breaks
        anywhere (the loss plot's legend read "wrong si" over "gn").
        """
        super().__init__(parent)
        self._whole_words = whole_words
        self._text = ""
        self._word_wrap = word_wrap
        self._steady = steady
        self._tallest: dict[int, int] = {}  # steady: the tallest wrapped height asked for at each width
        self._widest = 0  # steady: the widest size hint given
        self._forget_sizes = False  # steady: forget the tallest and widest at the next text
        self._text_scale = 1.0  # the text's size against the label's font (see set_text_scale)
        self._document = self._new_document()
        self._spare: QTextDocument | None = None  # holds the text last measured by unwrapped_width, for setText
        self._spare_holds: tuple[str, str] | None = None  # that text and its font's key
        self._sizes: dict[float, QSize] = {}  # layout size by text width, for the current text and font
        self._copy_actions: list[QAction] = []  # other ways to copy, offered under Copy
        self._apply_size_policy()
        self.setText(text)

    def row_spans(self) -> list[tuple[float, float]]:
        """Where the rows of the text's top-level tables (the equations' rows, or the rows of their columns) begin and
        end, in the label's pixels, in order.

        From the lines they hold: a table holding a table whose cells are centred (a partial's cases) has its frame
        drawn a few pixels below its text, and a row cut at the frame's top showed the top of the row's first case.
        Seven partials in columns were one row: the equations' area ended above them all, under f.
        """
        self._laid_out(float(self.width()) if self._word_wrap else NO_WRAP)
        document = self._in_text_font()
        layout = document.documentLayout()
        spans = []
        for first, last in _table_rows(document.rootFrame().childFrames()):
            block = document.findBlock(first)
            rects = []
            while block.isValid() and block.position() <= last:
                rects.append(layout.blockBoundingRect(block))
                block = block.next()
            if rects:
                spans.append((min(rect.top() for rect in rects), max(rect.bottom() for rect in rects)))
        return sorted(spans)

    def shown_lines(self) -> list[str]:
        """The text's lines as laid out at the label's width now, without markup (no-break spaces kept)."""
        self._laid_out(float(self.width()) if self._word_wrap else NO_WRAP)
        lines, block = [], self._in_text_font().begin()
        while block.isValid():
            layout = block.layout()
            lines += [block.text()[line.textStart():line.textStart() + line.textLength()]
                      for line in map(layout.lineAt, range(layout.lineCount()))]
            block = block.next()
        return lines

    def text(self) -> str:
        """The text as set (HTML)."""
        return self._text

    def setText(self, text: str) -> None:
        """Show this HTML: repainted, and the window laid out again only if the text needs other room."""
        if text == self._text:
            return
        room = self._room_needed() if self.isVisible() else None
        if self._forget_sizes:
            self._clear_steady_sizes()
        self._text = text
        if self._spare is not None and self._spare_holds == (text, self.text_font().key()):
            self._document, self._spare = self._spare, self._document  # measured already: parsed and laid out
            self._spare_holds = None
        else:
            self._document.clear()  # before the font changes: nothing left to lay out again
            self._in_text_font()
            self._document.setHtml(text)
        self._sizes.clear()
        if room is None or self._room_needed() != room:
            self.updateGeometry()  # a layout pass of the whole window (the readout changes on every step)
        self.update()

    def _new_document(self) -> QTextDocument:
        """An empty document for the label's text: no margin, no undo, the text font."""
        document = QTextDocument(self)
        document.setDocumentMargin(0.0)
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(self.text_font())
        if self._whole_words:
            option = document.defaultTextOption()
            option.setWrapMode(QTextOption.WrapMode.WordWrap)
            document.setDefaultTextOption(option)
        return document

    def unwrapped_width(self, text: str) -> float:
        """The width of this HTML laid out unwrapped in the text font; setText then shows it without parsing it again.

        The formula panel measures a layout of the equations before it shows it: the text was parsed and laid out
        once to be measured, then twice more to be shown.
        """
        return self.unwrapped_size(text).width()

    def unwrapped_size(self, text: str, scale: float | None = None) -> QSizeF:
        """The size of this HTML laid out unwrapped in the text font (at this text scale, else the label's); shown at
        that scale, setText then shows it without parsing it again."""
        font = self.text_font(scale)
        held = (text, font.key())
        if self._spare is None:
            self._spare = self._new_document()
        if self._spare_holds != held:
            self._spare.clear()  # before the font and the width change: nothing left to lay out again
            self._spare.setDefaultFont(font)
            self._spare.setTextWidth(NO_WRAP)
            self._spare.setHtml(text)
            self._spare_holds = held
        return QSizeF(self._spare.idealWidth(), self._spare.size().height())

    def unwrapped_marks(self, text: str, scale: float) -> tuple[float, list[float]]:
        """This HTML's width laid out unwrapped in the text font at this text scale, and how far from its left edge each
        PLACE_MARK in it stands, in order: one layout for all, where measuring the text up to each took one each (the
        formula panel breaks a long line before one of its terms, forty terms to choose from)."""
        document = QTextDocument()
        document.setDocumentMargin(0.0)
        document.setDefaultFont(self.text_font(scale))
        document.setTextWidth(NO_WRAP)
        document.setHtml(text)
        width = document.idealWidth()  # laid out: the blocks have their lines
        layout, offsets = document.documentLayout(), []
        cursor = document.find(PLACE_MARK)
        while not cursor.isNull():
            block = cursor.block()
            at = cursor.selectionStart() - block.position()
            line = block.layout().lineForTextPosition(at)
            offsets.append(layout.blockBoundingRect(block).x() + line.cursorToX(at)[0])
            cursor = document.find(PLACE_MARK, cursor)
        return width, offsets

    def _room_needed(self) -> tuple[QSize, int]:
        """What layouts ask of the label: its size hint (less an ignored width) and, wrapped, its height here."""
        hint = self.sizeHint()
        if self.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Ignored:
            hint = QSize(0, hint.height())
        return hint, self._wrapped_height(self.width()) if self._word_wrap else -1

    def text_font(self, scale: float | None = None) -> QFont:
        """The font the text is drawn in: the label's, times the text scale (or this scale)."""
        font = QFont(self.font())
        scale = self._text_scale if scale is None else scale
        if scale != 1.0:
            font.setPointSizeF(font.pointSizeF() * scale)
        return font

    def set_text_scale(self, scale: float) -> None:
        """Draw the text this many times the label's font size, the font itself unchanged (no FontChange)."""
        if scale != self._text_scale:
            self._text_scale = scale
            self._text_changed()  # the document takes the new font when next laid out (see _in_text_font)

    def _in_text_font(self) -> QTextDocument:
        """The document, in the text font now.

        A new text scale is given to the document only when it is laid out: setting its font lays all its text out
        again, and the formula panel tries one scale after another with new text for each (38 KB of equations
        were laid out three times more, 0.5 s).
        """
        font = self.text_font()
        if self._document.defaultFont() != font:
            self._document.setDefaultFont(font)
        return self._document

    def plain_text(self) -> str:
        """The text without its markup, as Copy puts it on the clipboard."""
        return self._document.toPlainText()

    def wordWrap(self) -> bool:
        """Whether lines wrap at the label's width."""
        return self._word_wrap

    def setWordWrap(self, on: bool) -> None:
        """Wrap lines at the label's width (the label then asks for the height its width needs)."""
        if on != self._word_wrap:
            self._word_wrap = on
            self._apply_size_policy()
            self._text_changed()

    def _apply_size_policy(self) -> None:
        policy = self.sizePolicy()
        policy.setHeightForWidth(self._word_wrap)
        self.setSizePolicy(policy)

    def _text_changed(self) -> None:
        self._sizes.clear()
        self.updateGeometry()
        self.update()

    def _laid_out(self, width: float) -> QSize:
        """The text's size laid out at this text width (NO_WRAP: unwrapped), laying it out only when not cached.

        The document keeps its layout current through new text and fonts: setting the width it has already would
        only lay it all out again (a new formula's equations were laid out twice in a row).
        """
        size = self._sizes.get(width)
        document = self._in_text_font()
        if size is None or document.textWidth() != width:
            if document.textWidth() != width:
                document.setTextWidth(width)
            laid_out = document.size()
            size = QSize(math.ceil(laid_out.width()), math.ceil(laid_out.height()))
            self._sizes[width] = size
        return size

    def sizeHint(self) -> QSize:
        """Unwrapped, the text's size; wrapped, its narrowest width and one line (layouts ask heightForWidth).

        Steady, the width is the widest given since forget_tallest.
        """
        if not self._text:
            hint = QSize(0, 0)
        elif not self._word_wrap:
            hint = self._cached_or_laid_out(NO_WRAP)
        else:
            hint = QSize(self._cached_or_laid_out(LEAST_WIDTH).width(), self.fontMetrics().height())
        if self._steady:
            self._widest = max(self._widest, hint.width())
            hint = QSize(self._widest, hint.height())
        return hint

    def minimumSizeHint(self) -> QSize:
        """As narrow as the text can be laid out (unwrapped: its whole width)."""
        return self.sizeHint()

    def hasHeightForWidth(self) -> bool:
        """Wrapped text is as tall as its width makes it."""
        return self._word_wrap

    def heightForWidth(self, width: int) -> int:
        """The height of the text laid out at this width (steady: the tallest since forget_tallest)."""
        if not self._word_wrap:
            return super().heightForWidth(width)
        height = self._wrapped_height(width)
        if self._steady:
            self._tallest[width] = height
        return height

    def _wrapped_height(self, width: int) -> int:
        """The wrapped text's height at this width, or steady, the tallest given at this width."""
        height = self._cached_or_laid_out(float(width)).height() if self._text else 0
        return max(height, self._tallest.get(width, 0)) if self._steady else height

    def forget_tallest(self) -> None:
        """Steady, start over with the next text: let the label shrink to it (say, for a new formula).

        The window is laid out again only if that text needs other room than the label had.
        """
        self._forget_sizes = True

    def _clear_steady_sizes(self) -> None:
        """Forget the tallest heights and the widest width kept so far."""
        self._forget_sizes = False
        self._tallest.clear()
        self._widest = 0

    def _cached_or_laid_out(self, width: float) -> QSize:
        cached = self._sizes.get(width)
        return cached if cached is not None else self._laid_out(width)

    def changeEvent(self, event: QEvent) -> None:
        """Follow font changes (presentation mode enlarges the text); steady sizes start over in the new font."""
        if event.type() == QEvent.Type.FontChange:
            self._document.setDefaultFont(self.text_font())
            self._clear_steady_sizes()
            self._text_changed()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the text in the palette's window-text colour, vertically centred as QLabel does (steady: at the top)."""
        if not self._text:
            return
        size = self._laid_out(float(self.width()) if self._word_wrap else NO_WRAP)
        context = QAbstractTextDocumentLayout.PaintContext()
        palette = QPalette(self.palette())
        palette.setColor(QPalette.ColorRole.Text, palette.color(QPalette.ColorRole.WindowText))
        context.palette = palette
        painter = QPainter(self)
        if not self._steady:
            painter.translate(0.0, max(0.0, (self.height() - size.height()) / 2.0))
        self._document.documentLayout().draw(painter, context)
        painter.end()

    def add_copy_action(self, action: QAction) -> None:
        """Offer this action on right-click too, under Copy (say, Copy as LaTeX)."""
        self._copy_actions.append(action)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Offer to copy the text (without markup), and any other ways added."""
        if not self._text:
            return
        menu = QMenu(self)
        menu.addAction("Copy", lambda: QGuiApplication.clipboard().setText(self.plain_text()))
        for action in self._copy_actions:
            menu.addAction(action)
        menu.exec(event.globalPos())


def _table_rows(frames: list[QTextFrame]) -> Iterator[tuple[int, int]]:
    """The first and last positions of each of these frames' rows (a frame not a table: the frame whole)."""
    for frame in frames:
        if isinstance(frame, QTextTable):
            for row in range(frame.rows()):
                yield frame.cellAt(row, 0).firstPosition(), frame.cellAt(row, frame.columns() - 1).lastPosition()
        else:
            yield frame.firstPosition(), frame.lastPosition()


class WrappedNoteLabel(RichTextLabel):
    """Wrapped text that asks for the height its current width needs, for parents that never ask heightForWidth.

    A splitter sizes its panels by their size hints alone: a wrapped label there would get one line's height.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty, wrapped label."""
        self._asked_height = 0
        super().__init__(parent=parent, word_wrap=True)

    def _height_at_current_width(self) -> int:
        return self.heightForWidth(max(self.width(), 1)) if self.text() else 0

    def sizeHint(self) -> QSize:
        """The narrowest width the text allows, and its height wrapped at the label's width now."""
        self._asked_height = self._height_at_current_width()
        return QSize(super().sizeHint().width(), self._asked_height)

    def minimumSizeHint(self) -> QSize:
        """As the size hint: the text is never cut off at the bottom."""
        return self.sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """At a new width, ask for the height it needs if that changed."""
        super().resizeEvent(event)
        if self._height_at_current_width() != self._asked_height:
            self.updateGeometry()


class OneLineLabel(QWidget):
    """One line of plain text, centred, cut short with "…" (and whole in its tooltip) when the label is narrower.

    Its size never depends on its text, so a new text only repaints it: QLabel asks the window for a new
    layout at every setText, and the probe's slice titles change at every step.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty label one line of the font high."""
        super().__init__(parent)
        self._text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        """The whole text."""
        return self._text

    def setText(self, text: str) -> None:
        """Show this text (repainted; the layout is left alone)."""
        if text != self._text:
            self._text = text
            self._update_tooltip()
            self.update()

    def _update_tooltip(self) -> None:
        """The whole text as a tooltip while it is cut short."""
        cut = self.fontMetrics().horizontalAdvance(self._text) > self.width()
        self.setToolTip(self._text if cut else "")

    def sizeHint(self) -> QSize:
        """One line high; the width of a short title (the panel gives it its own width)."""
        metrics = self.fontMetrics()
        return QSize(metrics.averageCharWidth() * 12, metrics.height())

    def minimumSizeHint(self) -> QSize:
        """As the size hint."""
        return self.sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """At a new width the text may be cut short, or no longer be."""
        super().resizeEvent(event)
        self._update_tooltip()

    def changeEvent(self, event: QEvent) -> None:
        """A new font (presentation mode) needs another height."""
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the text centred, elided on the right if it is too long."""
        if not self._text:
            return
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        shown = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), shown)
        painter.end()
