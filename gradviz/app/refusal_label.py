"""Why a number typed into a dialog's box was put back, said in the dialog: the window's status bar is behind it."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from gradviz.app.number_box import NumberBox


class RefusalLabel(QLabel):
    """A dialog's line saying why a number typed was put back, or why text typed is none, until a number is taken.

    A number put back as the dialog is accepted keeps it open, once (see holds_open): clicking OK took the keys from
    a box holding 1e13, which put x back and said so behind the closing dialog.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet("color: #b00020")
        self.hide()
        # a number was put back as the keys went to the button accepting the dialog: its click, next, keeps the dialog
        self._unread = False

    def watch(self, box: NumberBox, name: str) -> None:
        """Say here what the box says of a number typed as `name` ('fps = 2,5 was not used: …'), until it holds no
        longer."""
        box.say_refusals(name, self.show_refusal, self.take_back)
        box.refused.connect(self._put_back)

    def show_refusal(self, text: str) -> None:
        """Say text, the dialog growing to its lines: as it was, they were cut off at its bottom."""
        self.setText(text)
        self.show()
        self.window().adjustSize()

    def take_back(self, text: str) -> None:
        """A number was taken since the refusal shown: it no longer holds, nor holds the dialog open."""
        if self.text() == text:
            self.hide()
            self.clear()
            self._unread = False
            self.window().adjustSize()

    def _put_back(self, _typed: str) -> None:
        """Hold the dialog open for the reason if the keys left the box for its accepting button (pressed: its click
        comes next).

        Put back on Enter, or as the keys went to another box, the reason was read: Save pressed later did nothing.
        """
        focused = QApplication.focusWidget()
        buttons = focused.parent() if focused is not None else None
        self._unread = (isinstance(buttons, QDialogButtonBox)
                        and buttons.buttonRole(focused) == QDialogButtonBox.ButtonRole.AcceptRole)

    def holds_open(self, boxes: Iterable[NumberBox]) -> bool:
        """Take the numbers typed into the boxes (accepted with the keys still in one, as a shortcut leaves them);
        whether a number was put back on the way, which the dialog stays open to show.

        Once: accepting again takes the numbers as they are now.
        """
        refused = [box.take_typed() for box in boxes]  # each box, not up to the first refusing
        unread, self._unread = self._unread or any(refused), False
        return unread
