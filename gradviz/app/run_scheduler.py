"""Computes the session's runs in short slices between events, so that a long run never freezes the window.

Runs are plain Python loops: a second thread would hold the interpreter lock and starve the window, and a
second process would spend on copying a long run back what it saves. So they are computed here, in slices
of a few milliseconds, with the event loop (input, painting, the progress display) running in between.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject

from gradviz.app.timers import single_shot
from gradviz.core.errors import DescentError
from gradviz.core.runs import RunBatch
from gradviz.core.session import DeliverRuns, RunOutcome

_log = logging.getLogger(__name__)

# How long a change computes its runs before the window shows it without them: quick runs (the default
# budgets) appear in the same frame as the change that asked for them; only long ones come in later.
QUICK_WAIT_SECONDS = 0.04
# How long each later slice computes before the event loop runs again.
SLICE_SECONDS = 0.008


def advance_without_raising(batch: RunBatch, deadline: float) -> RunOutcome | None:
    """batch.advance, with a DescentError, or any other failure made into one, as the outcome."""
    try:
        return batch.advance(deadline)
    except DescentError as error:
        return error
    except Exception as error:  # a failure becomes a message in the status bar, never a crash
        _log.exception("computing runs failed")
        return DescentError(f"the runs could not be computed ({type(error).__name__}: {error})")


class SlicedRunScheduler(QObject):
    """A session's RunScheduler for the window: only the newest batch is computed, in slices between events."""

    quick_wait_seconds = QUICK_WAIT_SECONDS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._batch: RunBatch | None = None
        self._deliver: DeliverRuns | None = None
        self._timer = single_shot(self, 0, self._compute_slice)

    def submit(self, batch: RunBatch, deliver: DeliverRuns) -> None:
        """Compute at once for a moment; if that does not finish it, go on in slices (dropping earlier batches)."""
        if self._batch is None:  # with a batch in slices already, a change (a drag) is not held up again
            outcome = advance_without_raising(batch, time.perf_counter() + self.quick_wait_seconds)
            if outcome is not None:
                deliver(batch, outcome)
                return
        self._batch, self._deliver = batch, deliver
        self._timer.start()

    def _compute_slice(self, seconds: float = SLICE_SECONDS) -> None:
        batch, deliver = self._batch, self._deliver
        if batch is None or deliver is None:
            return
        outcome = advance_without_raising(batch, time.perf_counter() + seconds)
        if outcome is None:
            self._timer.start()
            return
        self._batch = self._deliver = None
        deliver(batch, outcome)

    def wait(self) -> None:
        """Finish the batch being computed now, in one go, and deliver it."""
        self._timer.stop()
        self._compute_slice(float("inf"))

    def drop(self) -> None:
        """Forget the batch being computed (the window closes)."""
        self._timer.stop()
        self._batch = self._deliver = None
