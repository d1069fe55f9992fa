"""Edit → Undo and Redo: every edit of the session, once it settles, can be taken back and made again."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QKeySequence

from gradviz.app.actions import ActionFactory
from gradviz.app.shortcuts_help import HELP_NAME
from gradviz.core.history import EditHistory, change_name, edited_part
from gradviz.core.scenario import Scenario

if TYPE_CHECKING:
    from gradviz.app.main_window import MainWindow

NOT_RESTORED_MESSAGE_MS = 15000  # how long the status bar says why an undo could not be shown
SETTLE_MS = 500  # an edit is recorded once the session has been still this long: a slider's drag is one edit


class UndoKeeper(QObject):
    """Records the session's edits (formula, domain, held values, runs, view options) and goes back and forth.

    The clock, the camera, the look and the probe (which follows the mouse, if asked) are watching, not editing:
    undo leaves them as they are.
    """

    def __init__(self, window: MainWindow, make_action: ActionFactory) -> None:
        """Follow the window's session; make_action(text, slot, shortcut) makes the window's Undo and Redo."""
        super().__init__(window)
        self._window = window
        self._session = window.session
        self.history: EditHistory[Scenario] = EditHistory()
        self._awaiting: Scenario | None = None  # what an undo or redo is bringing back, until it has arrived
        self._asked: tuple[Scenario, bool, str] | None = None  # the state asked for, if redone, what it changes
        self._typing = False  # the last edit recorded was a formula typed in the box, which still has the keys
        self._file_scenario: Scenario | None = None  # a file's scenario on its way: the history starts over with it
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self.record)
        self.undo_action = make_action("&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = make_action("&Redo", self.redo, QKeySequence.StandardKey.Redo)
        for action, name in ((self.undo_action, "Undo the last edit"), (self.redo_action, "Redo what was undone")):
            action.setProperty(HELP_NAME, name)  # their texts name the edit at hand ("Undo 5 settings")
        session = self._session
        for signal in (session.formula_changed, session.plot_changed, session.field_changed, session.runs_changed,
                       session.view_changed):
            signal.connect(lambda *_: self._changed())
        session.scenario_applied.connect(self._opened)
        window.controller.scenario_failed.connect(self._not_restored)
        window.formula_panel.formula_edit.editingFinished.connect(self._typing_ended)  # Enter, or the keys elsewhere
        self._show_actions()

    def _changed(self) -> None:
        """Something may have been edited: record it once the session is still, and let Undo take it back now."""
        self._timer.start()
        if self.history.current is not None:
            self.undo_action.setEnabled(True)

    def _typing_ended(self) -> None:
        """The formula box gave the keys back: a formula typed next is another edit."""
        self._typing = False

    def file_opening(self, scenario: Scenario) -> None:
        """This scenario, once shown, is a file's: undo starts over with it (not if it cannot be shown).

        Undone past File → Open, the window showed the earlier document under the file's name, and Ctrl+S wrote it
        into the file; a file that failed to be drawn took the history of what stayed shown with it.
        """
        self._file_scenario = scenario

    def _opened(self, scenario: Scenario) -> None:
        """A whole scenario was opened: an edit at once; a lesson's scene or a file starts the history over.

        Undo stays within a scene: the caption belongs to it, and PageUp goes back to the scene before.
        """
        self._typing = False  # opened, not typed: no typing carries on into it
        from_file, self._file_scenario = scenario is self._file_scenario, None
        if self._window.lesson_player.lesson is None and not from_file:  # a preset (its opening can be undone)
            self.record()
        else:
            self._timer.stop()
            self._awaiting = None
            self.history.start_over(self._state())
            self._show_actions()
        self._typing = False  # nor out of it, though the formula box may have the keys

    def _state(self) -> Scenario:
        """What the session shows, as undo records it."""
        return replace(edited_part(self._session.scenario()), probe=None)

    def record(self) -> None:
        """Take what the session shows now as the newest edit, unless it is the last one recorded."""
        self._timer.stop()
        if self._awaiting is not None:
            if self._window.controller.busy:  # the formula of an undone state is being analysed again
                self._timer.start()
                return
            self._awaiting = None
        if self._session.analysis is not None:
            state, current = self._state(), self.history.current
            typing = self._window.formula_panel.formula_edit.hasFocus()
            if typing and self._typing and current is not None and state.formula != current.formula:
                self.history.amend(state)  # the same formula still being typed: one edit, undone at once
            elif self.history.record(state):
                self._typing = typing and current is not None and state.formula != current.formula
        self._show_actions()

    def undo(self) -> None:
        """Go back to the state before the last edit (an edit not yet recorded is the one taken back)."""
        self._go(forward=False)

    def redo(self) -> None:
        """Make the last undone edit again."""
        self._go(forward=True)

    def _go(self, forward: bool) -> None:
        """Undo or redo: show the state before (or after) the current one, and say what changed."""
        self.record()
        history = self.history
        current, other = history.current, history.next if forward else history.previous
        if current is None or other is None:
            self._window.statusBar().showMessage(f"Nothing to {'redo' if forward else 'undo'}.", 4000)
            return
        state = history.redo() if forward else history.undo()
        assert state is not None  # there was one to go to
        self._awaiting = state
        self._typing = False  # typing after an undo is a new edit
        probe = None if self._session.probe is None else dict(self._session.probe)
        change = change_name(current, other) if forward else change_name(other, current)
        asked = replace(state, probe=probe)
        self._asked = (asked, forward, change)
        self._window.open_scenario(asked, restore=True)
        self._show_actions()
        self._window.statusBar().showMessage(f"{'Redone' if forward else 'Undone'}: {change}", 4000)

    def _not_restored(self, scenario: Scenario, why: str) -> None:
        """An undo's or redo's state could not be shown (its formula failed to be analysed again): the history goes back
        to what is shown, so that it can be tried again, and the status bar says what and why."""
        if self._asked is None or scenario is not self._asked[0]:
            return
        _scenario, forward, change = self._asked
        self._asked = self._awaiting = None
        if forward:
            self.history.undo()
        else:
            self.history.redo()
        self._show_actions()
        self._window.statusBar().showMessage(
            f"Not {'redone' if forward else 'undone'}: {change}, as {why.rstrip('.')}. What is shown stays, and "
            f"{'Redo' if forward else 'Undo'} can be tried again.", NOT_RESTORED_MESSAGE_MS)

    def _show_actions(self) -> None:
        """Name what Undo and Redo would change, and enable only what can be done."""
        history = self.history
        current, previous, following = history.current, history.previous, history.next
        can_undo = current is not None and previous is not None
        can_redo = current is not None and following is not None
        self.undo_action.setEnabled(can_undo or (current is not None and self._timer.isActive()))
        self.undo_action.setText(f"&Undo {change_name(previous, current)}" if can_undo else "&Undo")
        self.redo_action.setEnabled(can_redo)
        self.redo_action.setText(f"&Redo {change_name(current, following)}" if can_redo else "&Redo")
