"""Turns typed text into an analysed formula off the GUI thread, then hands it to the session."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from gradviz.core.analysis import Analysis, analyze
from gradviz.core.errors import FormulaError
from gradviz.core.scenario import Scenario
from gradviz.core.session import Session

_log = logging.getLogger(__name__)

TYPING_PAUSE_MS = 300
SETTLE_AT_ONCE_MS = 250  # an analysis still going after this is waited for behind a dialog, the window answering
SETTLE_POLL_MS = 20


class _AnalysisJob(QRunnable):
    """Analyses one formula text in a pool thread (the symbolic work itself runs in a killable process)."""

    def __init__(self, text: str, generation: int, done: Callable[[object, int], None]) -> None:
        super().__init__()
        self._text, self._generation, self._done = text, generation, done

    def run(self) -> None:
        """Analyse and report the result or the error."""
        try:
            result: object = analyze(self._text)
        except FormulaError as error:
            result = error
        except Exception as error:  # any failure becomes a message, never a crash
            result = FormulaError(f"this formula could not be analysed ({type(error).__name__}: {error})")
        with contextlib.suppress(RuntimeError):  # the window closed while this was analysed: nobody waits for it
            self._done(result, self._generation)


class FormulaController(QObject):
    """Debounces typing, analyses the newest text in the background and applies only the newest result."""

    finished = Signal(object, int)
    busy_changed = Signal(bool)
    text_kept = Signal(str)  # a formula that could not be drawn: its text stays in the box, the last good one shown
    scenario_failed = Signal(object, str)  # a scenario asked for that could not be shown, and why: nothing changed
    scenario_dropped = Signal(object)  # a scenario asked for, given up for newer work before it was shown

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._generation = 0
        self._pending_text = ""
        self._applied_text: str | None = None
        self._busy = False
        self._scenario: Scenario | None = None
        self._keep_look = False  # the scenario is shown in the theme and scale of the moment it arrives
        self._restore = False  # the scenario is an undo's: only its edits are shown (Session.restore_edits)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self._start)
        self.finished.connect(self._apply)

    @property
    def busy(self) -> bool:
        """True while a formula is being analysed."""
        return self._busy

    def submit(self, text: str, immediately: bool = False) -> None:
        """Analyse `text` once typing pauses (or now)."""
        self._pending_text = text
        if immediately:
            self._timer.stop()
            self._start()
        else:
            self._timer.start()

    def submit_scenario(self, scenario: Scenario, keep_look: bool = False, restore: bool = False) -> None:
        """Analyse a scenario's formula in the background, then show the whole scenario.

        keep_look: in the theme and presentation scale shown when it arrives (a preset or a lesson's scene, which
        must not undo presentation mode entered or left meanwhile). restore: show only its edits, as an undo does.
        """
        self._timer.stop()
        self._pending_text = scenario.formula
        self._keep_look, self._restore = keep_look, restore
        self._start(scenario)

    def _start(self, scenario: Scenario | None = None) -> None:
        text = self._pending_text
        if scenario is None and text == self._applied_text and self._session.error is None:
            return
        if scenario is None and self._scenario is not None and text == self._scenario.formula:
            # Enter in the box while a scene loads, its formula shown there: that scene comes whole, not its
            # formula alone over the scene still shown (its ranges, runs and caption were lost)
            return
        dropped, self._scenario = self._scenario, scenario
        self._generation += 1
        self._set_busy(True)
        self._pool.clear()  # texts queued behind a slow one are stale now: only the newest is analysed
        self._pool.start(_AnalysisJob(text, self._generation, self.finished.emit))
        if dropped is not None and dropped is not scenario:  # its result is not wanted now: it will not be shown
            self.scenario_dropped.emit(dropped)

    def _apply(self, result: object, generation: int) -> None:
        if generation != self._generation:
            return
        self._set_busy(False)
        scenario, self._scenario = self._scenario, None
        if not isinstance(result, Analysis):
            self._refuse(scenario, result)  # type: ignore[arg-type]
            return
        self._applied_text = result.formula.text
        shown = self._session.analysis
        shown_edits = self._session.scenario()
        try:
            if scenario is None:
                self._session.set_analysis(result)
            elif self._restore:
                self._session.restore_edits(scenario, result)
            else:
                self._session.apply_scenario(scenario, result, self._keep_look)
        except FormulaError as error:
            self._refuse(scenario, error)
        except Exception as error:  # a bug drawing it: say so, and show the last formula that worked again
            _log.exception("drawing %r failed", result.formula.text)
            also = "" if shown is None else self._show_again(shown_edits, shown)
            self.text_kept.emit(result.formula.text)
            self._refuse(scenario, FormulaError(
                f"this formula could not be drawn ({type(error).__name__}: {error}){also}; please report it"))

    def _refuse(self, scenario: Scenario | None, error: FormulaError) -> None:
        """Show why the formula (of this scenario, if one was asked for) could not be shown; tell who asked for it."""
        self._session.set_error(error)
        if scenario is not None:
            self.scenario_failed.emit(scenario, error.message)

    def _show_again(self, edits: Scenario, analysis: Analysis) -> str:
        """Show the last formula that worked with its plot, held values and runs as they were; '' or why not.

        Only its formula shown again kept the failed one's ranges (±1e308 from a file), which failed to draw as well;
        the exception escaped and every formula typed after was dropped. If this fails too, the session still holds
        those edits whole (the next formula starts from them) and the message says so.
        """
        try:
            self._session.restore_edits(edits, analysis)
            self._session.set_step(edits.step)
        except Exception as error:
            _log.exception("drawing %r again failed", analysis.formula.text)
            return f", nor the one before it again ({type(error).__name__}: {error})"
        return ""

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    def settle(self, parent: QWidget | None = None) -> bool:
        """Analyse typing still within its pause now, and wait for the newest result to be shown (Save, Close).

        A formula quick to analyse is waited for at once; a slow one with the window answering, behind a dialog
        whose Cancel gives up waiting (False): choosing a preset or closing while one was analysed froze the
        window for 3 s.
        """
        if self._timer.isActive():
            self._timer.stop()
            self._start()
        if not self._busy or self._pool.waitForDone(SETTLE_AT_ONCE_MS):
            self.wait()
            return True
        dialog = QProgressDialog("Analysing the formula typed…", "Cancel", 0, 0, parent)
        dialog.setWindowTitle("Formula")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.show()
        try:
            while self._busy:
                if dialog.wasCanceled():
                    return False
                self._pool.waitForDone(SETTLE_POLL_MS)
                QApplication.processEvents()
        finally:
            dialog.close()
        self._session.wait_for_runs()
        return True

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until queued analyses finish and their results are applied (for tests and the command line)."""
        from PySide6.QtCore import QCoreApplication

        done = self._pool.waitForDone(timeout_ms)
        QCoreApplication.sendPostedEvents(self)
        self._session.wait_for_runs()
        return done
