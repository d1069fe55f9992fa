"""The status bar's progress of long runs: how many steps are computed, and a button to stop there."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from gradviz.core.runs import RunBatch
from gradviz.core.session import Session

PROGRESS_REFRESH_MS = 100  # also how long a computation runs before its progress shows (quick ones never do)


class RunProgress(QWidget):
    """'Computing the runs: 12,288 of 100,000 steps [Stop]', shown while runs take longer than a moment."""

    visibility_changed = Signal(bool)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._batch: RunBatch | None = None
        self._shown = False
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(160)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop computing and keep the steps computed so far (Esc)")
        self.stop_button.clicked.connect(session.stop_computing)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.stop_button)
        self._timer = QTimer(self)
        self._timer.setInterval(PROGRESS_REFRESH_MS)
        self._timer.timeout.connect(self._refresh)
        self.hide()
        session.computing_changed.connect(self._computing_changed)

    def _computing_changed(self, batch: RunBatch | None) -> None:
        self._batch = batch
        if batch is None:
            self._timer.stop()
            self._set_shown(False)
        elif not self._timer.isActive():
            self._timer.start()

    def _refresh(self) -> None:
        batch = self._batch
        if batch is None:
            return
        self.bar.setMaximum(max(batch.total_steps, 1))
        self.bar.setValue(min(batch.done_steps, batch.total_steps))
        runs = "run" if len(batch.specs) == 1 else f"{len(batch.specs)} runs"
        state = "Stopping" if batch.stopped else "Computing"
        self.label.setText(f"{state} the {runs}: {batch.done_steps:,} of {batch.total_steps:,} steps")
        self.stop_button.setEnabled(not batch.stopped)
        self._set_shown(True)

    @property
    def shown(self) -> bool:
        """True while the progress is on show (even where the status bar holding it is hidden)."""
        return self._shown

    def _set_shown(self, shown: bool) -> None:
        if shown != self._shown:
            self._shown = shown
            self.setVisible(shown)
            self.visibility_changed.emit(shown)
