"""The rich-text label: QLabel's look and sizing, laid out once per text and width."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QTimer
from PySide6.QtGui import QColor, QContextMenuEvent, QImage, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from gradviz.app.rich_text import OneLineLabel, RichTextLabel

PARAGRAPH = "<b>Gradient check</b>: " + "the exact partial beside the central-difference estimate " * 3


def dark_pixels(widget: QWidget) -> int:
    """How many pixels of the widget's rendering are dark (text)."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    rgb = pixels[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[..., :3]
    return int((rgb.max(axis=2) < 100).sum())


def test_wrapped_text_is_taller_when_narrower_and_paints_every_line(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    label = RichTextLabel(PARAGRAPH, word_wrap=True)
    QVBoxLayout(host).addWidget(label)
    assert label.hasHeightForWidth()
    assert label.heightForWidth(150) > 2 * label.heightForWidth(600)
    assert label.minimumSizeHint().width() < 150  # a narrow dock wraps it rather than scrolling sideways
    host.resize(200, 400)
    host.show()
    qtbot.waitExposed(host)
    assert label.height() >= label.heightForWidth(label.width())
    narrow_ink = dark_pixels(label)
    host.resize(700, 400)
    qtbot.wait(20)
    assert abs(dark_pixels(label) - narrow_ink) < 0.25 * narrow_ink  # the same words, on fewer lines
    assert narrow_ink > 200


def test_unwrapped_text_asks_for_its_whole_width():
    label = RichTextLabel("<b>step 3</b> / 40 &nbsp; f = 1.25")
    assert not label.hasHeightForWidth()
    assert label.sizeHint().width() > label.fontMetrics().horizontalAdvance("step 3 / 40")
    assert label.minimumSizeHint() == label.sizeHint()


def test_text_is_laid_out_again_only_when_it_changes(qtbot):
    label = RichTextLabel("<i>x</i><sup>2</sup>", word_wrap=True)
    qtbot.addWidget(label)
    label.heightForWidth(300)
    document = label.findChild(type(label._document))
    revisions = document.revision()
    label.setText("<i>x</i><sup>2</sup>")
    assert document.revision() == revisions and label.text() == "<i>x</i><sup>2</sup>"
    label.setText("<i>y</i><sup>2</sup>")
    assert label.plain_text() == "y2"


EQUATIONS = ("<table><tr><td><i>f</i> = <i>x</i><sup>2</sup> + 3<i>x</i><i>y</i></td>"
             "<td>&nbsp; ∂<i>f</i>/∂<i>x</i> = 2<i>x</i> + 3<i>y</i></td></tr></table>")


def shown_directly(text: str, scale: float, qtbot) -> RichTextLabel:
    """A label that was given this text at this scale without measuring it first."""
    label = RichTextLabel()
    qtbot.addWidget(label)
    label.set_text_scale(scale)
    label.setText(text)
    return label


def test_a_measured_text_is_shown_as_measured_without_being_parsed_again(qtbot):
    label = RichTextLabel("<i>y</i>")
    qtbot.addWidget(label)
    label.set_text_scale(0.9)
    direct = shown_directly(EQUATIONS, 0.9, qtbot)
    fresh = QTextDocument()
    fresh.setDocumentMargin(0.0)
    fresh.setDefaultFont(direct.text_font())
    fresh.setHtml(EQUATIONS)
    assert label.unwrapped_width(EQUATIONS) == fresh.idealWidth()
    measured = label._spare
    revision = measured.revision()
    label.setText(EQUATIONS)
    assert label._document is measured and measured.revision() == revision  # not parsed again
    assert (label.plain_text(), label.sizeHint()) == (direct.plain_text(), direct.sizeHint())
    label.setText("<i>y</i>")
    assert label.plain_text() == "y" and label.sizeHint() == shown_directly("<i>y</i>", 0.9, qtbot).sizeHint()


def test_a_text_measured_in_another_font_or_another_text_is_not_shown_as_measured(qtbot):
    label = RichTextLabel()
    qtbot.addWidget(label)
    label.unwrapped_width(EQUATIONS)
    label.set_text_scale(0.8)
    label.setText(EQUATIONS)  # measured at scale 1: laid out again, smaller
    assert label.sizeHint() == shown_directly(EQUATIONS, 0.8, qtbot).sizeHint()
    assert label.sizeHint().width() < shown_directly(EQUATIONS, 1.0, qtbot).sizeHint().width()
    label.unwrapped_width("<b>g</b> = 1")
    label.setText(EQUATIONS.replace("3", "4"))
    assert "4" in label.plain_text() and "g" not in label.plain_text()


def test_follows_font_and_palette_changes(qtbot):
    label = RichTextLabel("<b>f = 170</b>")
    qtbot.addWidget(label)
    small = label.sizeHint()
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    label.setFont(font)
    assert label.sizeHint().height() > 1.5 * small.height()
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("black"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("white"))
    label.setPalette(palette)
    label.setAutoFillBackground(True)
    label.resize(label.sizeHint())
    image = label.grab().toImage()
    colours = {image.pixelColor(x, y).lightness() for x in range(image.width()) for y in range(image.height())}
    assert max(colours) > 200  # the text drawn in the window-text colour, as QLabel draws it


def test_copy_puts_the_text_without_markup_on_the_clipboard(qtbot):
    label = RichTextLabel("<table><tr><td>∂f/∂x</td><td><b>−14</b></td></tr></table>")
    qtbot.addWidget(label)
    label.show()
    offered: list[str] = []

    def choose_copy() -> None:
        menu = QApplication.activePopupWidget()
        offered.extend(action.text() for action in menu.actions())
        menu.actions()[0].trigger()
        menu.close()

    QApplication.clipboard().clear()
    QTimer.singleShot(50, choose_copy)
    corner = QPoint(3, 3)
    label.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, corner, label.mapToGlobal(corner)))
    assert offered == ["Copy"]
    copied = QApplication.clipboard().text()
    assert "∂f/∂x" in copied and "−14" in copied and "<" not in copied


class LayoutRequests(QObject):
    """Counts the layout requests a widget receives."""

    def __init__(self, watched: QWidget) -> None:
        super().__init__()
        self.requests: list[int] = []
        QApplication.processEvents()  # the layout requests of showing the window
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.requests.append(1)
        return False


def shown_in_a_host(qtbot, label: QWidget, width: int = 0) -> QWidget:
    """The label alone in a shown window (of this width, if given)."""
    host = QWidget()
    qtbot.addWidget(host)
    QVBoxLayout(host).addWidget(label)
    if width:
        host.resize(width, 200)
    host.show()
    qtbot.waitExposed(host)
    return host


def test_a_text_needing_the_same_room_does_not_lay_the_window_out_again(qtbot):
    label = RichTextLabel("<b>step 1</b> f = 0.25")
    host = shown_in_a_host(qtbot, label)
    counter = LayoutRequests(host)
    requests = counter.requests
    label.setText("<b>step 2</b> f = 0.25")  # digits are equally wide: the same room
    QApplication.processEvents()
    assert requests == []
    label.setText("<b>step 3</b> f = 0.25, and a much longer note after it")
    QApplication.processEvents()
    assert requests
    assert label.width() >= label.sizeHint().width()


def test_a_steady_table_keeps_its_room_until_told_to_forget_it(qtbot):
    def row(value: str) -> str:
        return f"<p style='white-space:pre'>f = <b>{value}</b></p>"  # unbroken: as wide as its number

    label = RichTextLabel(row("1.5"), word_wrap=True, steady=True)
    host = shown_in_a_host(qtbot, label, 300)
    counter = LayoutRequests(host)
    requests = counter.requests
    narrow = label.sizeHint().width()
    label.setText(row("1.52345678"))  # a longer number, once
    QApplication.processEvents()
    assert len(requests) == 1 and label.sizeHint().width() > narrow
    requests.clear()
    label.setText(row("1.6"))  # shorter again: the room is kept
    QApplication.processEvents()
    assert requests == []
    label.forget_tallest()  # a new formula: the next text gets the room it needs, no more
    label.setText(row("1.7"))
    QApplication.processEvents()
    assert requests and label.sizeHint().width() == narrow


def test_a_one_line_label_repaints_a_new_text_without_a_layout_and_cuts_a_long_one_short(qtbot):
    label = OneLineLabel()
    label.setText("f(x, 2): slope ∂f/∂x = 31.5")
    host = shown_in_a_host(qtbot, label, 400)
    counter = LayoutRequests(host)
    requests = counter.requests
    assert label.height() >= label.fontMetrics().height()
    ink = dark_pixels(label)
    assert ink > 50 and label.toolTip() == ""
    label.setText("f(x, 2.25): slope ∂f/∂x = −1234.56789")
    QApplication.processEvents()
    assert requests == [] and dark_pixels(label) > ink
    host.resize(90, 200)
    qtbot.waitUntil(lambda: label.width() <= 90)
    assert host.width() == 90
    assert label.toolTip() == "f(x, 2.25): slope ∂f/∂x = −1234.56789"  # cut short: the whole text in its tooltip
    assert label.minimumSizeHint().width() < 90  # a long title never widens its panel


def test_row_spans_hold_exactly_the_rows_drawn(qtbot):
    """A partial's cases (a table of centred cells in a row's table) drew their first line 5 px above the row's
    frame: the equations area, ending where that frame began, showed the top of the line's letters."""
    from gradviz.app.formula_panel import laid_out_equations
    from gradviz.core.analysis import analyze

    label = RichTextLabel()
    qtbot.addWidget(label)
    label.setText(laid_out_equations(analyze("max(x, 2y, 1 - x) + max(y, 2x, 1 - y) + relu(x - y)").equations))
    label.resize(label.sizeHint())
    image = label.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    inked = (pixels[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[..., :3].max(axis=2) < 128)
    ink_rows = np.flatnonzero(inked.any(axis=1))
    spans = label.row_spans()
    assert len(spans) == 3, "f, ∂f/∂x and ∂f/∂y"
    for row in ink_rows:
        assert any(start <= row < end for start, end in spans), (row, spans)
    for start, end in spans:
        held = ink_rows[(ink_rows >= start) & (ink_rows < end)]
        assert held[0] - start <= 3 and end - held[-1] <= 6, ("a span no larger than its row", start, end, held)


def test_a_new_text_scale_is_laid_out_once_with_the_text_it_comes_with(qtbot):
    """Setting the scale laid the old text out again at once: the formula panel then set new text, 0.5 s lost
    for 38 KB of equations."""
    label = RichTextLabel("<b>" + "x + " * 200 + "</b>")
    qtbot.addWidget(label)
    wide = label.sizeHint().width()
    font_before = label._document.defaultFont()
    label.set_text_scale(0.8)
    assert label._document.defaultFont() == font_before, "not laid out again for the old text"
    label.setText("<b>" + "y + " * 200 + "</b>")
    assert label._document.defaultFont() == label.text_font()
    assert label.sizeHint().width() < 0.9 * wide
