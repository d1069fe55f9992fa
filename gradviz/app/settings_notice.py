"""Says, without blocking, that the settings folder takes no file: layout, recent files and preferences will be lost.

It is asked as the window opens, and told by every write after (settings_writes): saving that stops working later (a
disk that fills) is said once as it stops, and once as it works again.
"""

from __future__ import annotations

import html
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QStatusBar, QToolButton, QWidget

from gradviz.app.settings import SETTINGS_FILE, config_folder, settings_writes, unwritable_reason

NOTICE_TITLE = "Settings not saved"
NOTICE_STYLE = "QToolButton { color: #ffffff; background: #b00020; border-radius: 3px; padding: 1px 6px; }"
STOPPED_SAVING = "Settings are no longer saved"  # how the status bar says that writes began to fail…
SAVING_AGAIN = "Settings are saved again."  # …and that they work again
STOPPED_SAVING_MS = 15000
SAVING_AGAIN_MS = 5000


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
        self._status_bar = status_bar
        reason = unwritable_reason()  # asked as the window opens; then each write says how it went
        self._failing: dict[str, str] = {} if reason is None else {SETTINGS_FILE: reason}  # why, by what was written
        self.setText(f"⚠ {NOTICE_TITLE}")
        self.setAccessibleName(NOTICE_TITLE)
        self.setStyleSheet(NOTICE_STYLE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clicked.connect(self.show_details)
        self.box: QMessageBox | None = None
        status_bar.addPermanentWidget(self)
        self._show_state()
        settings_writes().written.connect(self.note_write)

    @property
    def reason(self) -> str | None:
        """Why the settings folder takes no file now (as the first write still failing said), or None."""
        return next(iter(self._failing.values()), None)

    @property
    def details(self) -> str:
        """What is lost, where and why ('' while settings are saved)."""
        reason = self.reason
        return unwritable_settings_text(reason) if reason is not None else ""

    def note_write(self, written: str, reason: str | None) -> None:
        """Take how a write went (reason None: it worked); say it in the status bar if saving just stopped or started
        working again, and nothing while it goes on failing (a recovery file that could not be written said so at every
        autosave)."""
        was_failing = bool(self._failing)
        if reason is not None:
            self._failing[written] = reason
        else:
            self._failing.pop(written, None)
            if SETTINGS_FILE in self._failing and unwritable_reason() is None:  # the folder takes files again
                del self._failing[SETTINGS_FILE]
        self._show_state()
        if was_failing and not self._failing:
            self._status_bar.showMessage(SAVING_AGAIN, SAVING_AGAIN_MS)
        elif self._failing and not was_failing:
            self._status_bar.showMessage(f"{STOPPED_SAVING}: gradviz cannot write to {config_folder()} "
                                         f"({self.reason}); the red ⚠ button says what is lost.", STOPPED_SAVING_MS)

    def _show_state(self) -> None:
        """Shown, with the reason in its tooltip and box, while a write fails; hidden once they work."""
        self.setToolTip(self.details)
        self.setVisible(bool(self._failing))
        if self.box is not None:
            self.box.setText(self.details)
            if not self._failing:
                self.box.hide()

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
        if self._failing and not SettingsNotice.told_this_run:
            SettingsNotice.told_this_run = True
            self.show_details()

    def about_line(self) -> str:
        """A paragraph for Help → About while settings are not saved (else nothing)."""
        return f"<p><b>{NOTICE_TITLE}:</b> {html.escape(self.details)}</p>" if self._failing else ""
