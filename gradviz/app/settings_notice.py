"""Says, without blocking, that the settings folder takes no file: layout, recent files and preferences will be lost."""

from __future__ import annotations

import html
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QStatusBar, QToolButton, QWidget

from gradviz.app.settings import config_folder, unwritable_reason

NOTICE_TITLE = "Settings not saved"
NOTICE_STYLE = "QToolButton { color: #ffffff; background: #b00020; border-radius: 3px; padding: 1px 6px; }"


def unwritable_settings_text(reason: str) -> str:
    """What is lost, where and why, in plain words."""
    return (f"gradviz cannot write to its settings folder {config_folder()} ({reason}). It works on, but the window "
            "layout, recent files and preferences will be forgotten when it closes, and no crash-recovery copy is "
            "kept. Make the folder writable, or set GRADVIZ_CONFIG_DIR to one that is.")


class SettingsNotice(QToolButton):
    """A red button kept in the status bar while settings cannot be written; clicked, it says why without blocking.

    The first window of a run also says it at once, in a box that does not block: a message in the status bar went
    unseen, and the layout and recent files were gone at the next start.
    """

    told_this_run: ClassVar[bool] = False

    def __init__(self, status_bar: QStatusBar, parent: QWidget) -> None:
        super().__init__(parent)
        self.reason = unwritable_reason()  # asked once, as the window opens
        self.details = unwritable_settings_text(self.reason) if self.reason else ""
        self.setText(f"⚠ {NOTICE_TITLE}")
        self.setToolTip(self.details)
        self.setAccessibleName(NOTICE_TITLE)
        self.setStyleSheet(NOTICE_STYLE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clicked.connect(self.show_details)
        self.box: QMessageBox | None = None
        status_bar.addPermanentWidget(self)
        self.setVisible(self.reason is not None)

    def show_details(self) -> None:
        """Say where and why settings are not saved, in a box that leaves the window usable."""
        if self.box is None:
            self.box = QMessageBox(QMessageBox.Icon.Warning, NOTICE_TITLE, self.details, QMessageBox.StandardButton.Ok,
                                   self.window())
            self.box.setWindowModality(Qt.WindowModality.NonModal)
        self.box.show()
        self.box.raise_()

    def tell_once(self) -> None:
        """Show the details the first time a window with this notice shows in this run."""
        if self.reason is not None and not SettingsNotice.told_this_run:
            SettingsNotice.told_this_run = True
            self.show_details()

    def about_line(self) -> str:
        """A paragraph for Help → About while settings are not saved (else nothing)."""
        return f"<p><b>{NOTICE_TITLE}:</b> {html.escape(self.details)}</p>" if self.reason else ""
