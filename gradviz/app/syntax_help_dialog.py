"""Help → Writing formulas: the notation, the functions, the limits, and examples a click puts in the formula box."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, QUrl, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from gradviz.core.syntax_help import EXAMPLES, NOTATION, function_rows, limits_text

EXAMPLE_SCHEME = "example"
SYNTAX_HELP_SIZE = QSize(560, 640)  # the dialog's size at the normal text size


def _table(rows: tuple[tuple[str, str], ...], code_first: bool) -> str:
    """Two columns, the first as code or bold text."""
    first = "<code>{}</code>" if code_first else "<b>{}</b>"
    body = "".join(f"<tr><td>{first.format(html.escape(left))}</td><td>{html.escape(right)}</td></tr>"
                   for left, right in rows)
    return f"<table cellspacing='0' cellpadding='3'>{body}</table>"


def syntax_help_html() -> str:
    """The whole help page as rich text; each example is a link whose address is its index."""
    examples = "".join(f"<tr><td><a href='{EXAMPLE_SCHEME}:{index}'><code>{html.escape(text)}</code></a></td>"
                       f"<td>{html.escape(what)}</td></tr>" for index, (text, what) in enumerate(EXAMPLES))
    return (
        "<h3>Writing formulas</h3>"
        "<p>Type a formula as you would write it; it is used when typing pauses. "
        "A click on an example puts it in the formula box.</p>"
        f"<table cellspacing='0' cellpadding='3'>{examples}</table>"
        f"<h4>Notation</h4>{_table(NOTATION, code_first=False)}"
        f"<h4>Functions</h4>{_table(function_rows(), code_first=True)}"
        f"<p style='color:#666'>{html.escape(limits_text())}</p>"
    )


class SyntaxHelpDialog(QDialog):
    """What the formula box understands, beside the window (not modal: a student can try things while reading)."""

    example_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Writing formulas — gradviz")
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # an example goes to the formula box, not to a page
        self.browser.setHtml(syntax_help_html())
        self.browser.anchorClicked.connect(self._link_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(SYNTAX_HELP_SIZE)

    def _link_clicked(self, url: QUrl) -> None:
        if url.scheme() == EXAMPLE_SCHEME and url.path().isdigit() and int(url.path()) < len(EXAMPLES):
            self.example_chosen.emit(EXAMPLES[int(url.path())][0])
