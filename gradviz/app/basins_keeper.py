"""Basins in the window: computed a slice at a time between the window's events, for what is shown, then shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from gradviz.app.timers import single_shot
from gradviz.core.basins import TOO_SLOW, BasinsInProgress, basins_summary, refused
from gradviz.core.session import BasinsKey, Session

SLICE_SECONDS = 0.012  # of the event loop's time at a go: the window keeps answering
MOST_SECONDS = 8.0  # in all; then the basins are refused as too slow to find
DIALOG_AFTER_MS = 300  # a picture waiting for basins shows its progress dialog after this long


class BasinsKeeper(QObject):
    """Computes the basins the session wants (see Session.basins_wanted) and hands them to it when done."""

    def __init__(self, session: Session, tell: Callable[[str], None]) -> None:
        """Follow this session; tell(message) says what the basins show, or why there are none."""
        super().__init__()
        self._session = session
        self._tell = tell
        self._key: BasinsKey | None = None
        self._progress: BasinsInProgress | None = None
        self._timer = single_shot(self, 0, self._advance)
        for signal in (session.field_changed, session.runs_changed, session.view_changed):
            signal.connect(lambda _changed: self.follow())

    @property
    def busy(self) -> bool:
        """Whether basins are being computed."""
        return self._progress is not None

    def follow(self) -> None:
        """Start computing the basins now wanted, unless they are shown or on their way already."""
        wanted = self._session.basins_wanted()
        if wanted is None:
            self._stop()
            return
        if self._session.basins() is not None or (self._key is not None and self._key.same(wanted)):
            return
        self._key = wanted
        self._progress = BasinsInProgress(wanted.analysis.compiled, wanted.domain, wanted.spec)
        self._tell("Finding where descent from each start ends…")
        self._timer.start()

    def wait(self) -> None:
        """Compute the basins on their way to the end now (tests)."""
        while self._progress is not None:
            self._advance()

    def finish(self, parent: QWidget, why: str) -> bool:
        """Compute the basins on their way to the end, behind a progress dialog with Cancel; False if cancelled.

        A picture drawn now needs them (why says what for): without this the window froze while they were found
        at once, for seconds with a slow optimizer. The dialog shows only if they take a moment.
        """
        if self._progress is None:
            return True
        dialog = QProgressDialog(f"Finding where descent from each start ends, {why}…", "Cancel", 0, 0, parent)
        dialog.setWindowTitle("Basins")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(DIALOG_AFTER_MS)
        try:
            while self._progress is not None:
                self._advance()
                QApplication.processEvents()
                if dialog.wasCanceled():
                    return False
        finally:
            dialog.close()
        return True

    def _advance(self) -> None:
        """Compute a slice; hand the basins over when they are done, or refuse them when they take too long."""
        progress, key = self._progress, self._key
        if progress is None or key is None:
            return
        result = progress.advance(SLICE_SECONDS)
        if result is None and progress.elapsed > MOST_SECONDS:
            result = refused(key.domain, TOO_SLOW)
        if result is None:
            self._timer.start()
            return
        self._progress = self._key = None
        self._session.set_basins(key, result)
        self._tell(basins_summary(result))

    def _stop(self) -> None:
        """Give up the basins on their way: they are no longer wanted."""
        self._timer.stop()
        self._progress = self._key = None
