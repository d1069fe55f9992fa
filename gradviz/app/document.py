"""Nothing lost: opening files safely, unsaved-changes prompts, the title, recent files and crash recovery.

The window counts as modified when what it computes (formula, domain, held values, runs, probe, view
options, title) differs from what was last opened or saved. Moving the clock, the camera, the theme
or the presentation scale is watching, not editing: those are saved and recovered, but do not ask
to be saved on closing. Every state change is written to a recovery file a few seconds later.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QProgressDialog

from gradviz.app.recovery import OrphanedRecovery, RecoveryFile, Shown, orphaned_recoveries
from gradviz.app.settings import (
    RECOVERY_FILE,
    app_settings,
    config_folder,
    remember,
    settings_writes,
    unwritable_reason,
)
from gradviz.core.errors import GradvizError
from gradviz.core.history import edited_part
from gradviz.core.lessons import (
    LESSON_FILE_SUFFIX,
    Lesson,
    check_formulas,
    lesson_file_name,
    load_lesson,
    load_scenario_or_lesson,
    shipped_lessons,
    written_as_in,
)
from gradviz.core.scenario import NEWER_FORMAT, Scenario, load_scenario, save_scenario

if TYPE_CHECKING:
    from gradviz.app.main_window import MainWindow
    from gradviz.core.presets import Preset

LESSON_FILTER = "gradviz lessons (*.json);;All files (*)"
SCENARIO_SAVE_FILTER = "gradviz scenarios (*.gradviz.json);;All files (*)"
SCENARIO_SUFFIX = ".gradviz.json"
LESSON_FOLDER_KEY = "lessons/folder"
AUTOSAVE_MS = 3000
REFUSED_SHOWN_CHARS = 60  # of a refused formula named when closing
MAX_RECENT = 8
RECENT_KEY = "recent/files"
RECOVERY_FOLDER = "recovery"
CHECK_DIALOG_AFTER_MS = 400  # a file's formulas checked this quickly open without a progress dialog
CHECK_POLL_SECONDS = 0.02  # how long the window waits for the check between two rounds of its events
NOT_OPENED_MESSAGE_MS = 15000  # how long the status bar says what could not be opened and why
NOTHING_LOST = "What was shown stays, with its edits."  # after a file, example or new scenario not shown
Choice = QMessageBox.StandardButton


def recent_files() -> list[Path]:
    """Files opened or saved lately, newest first."""
    return [Path(name) for name in app_settings().value(RECENT_KEY, [], type=list)][:MAX_RECENT]


def _remember_recent(paths: list[Path]) -> None:
    remember(RECENT_KEY, [str(path) for path in paths[:MAX_RECENT]])


def lesson_folder() -> Path:
    """The folder a lesson was last opened from or saved to (the home folder at first)."""
    return Path(str(app_settings().value(LESSON_FOLDER_KEY, str(Path.home()))))


def _remember_lesson_folder(path: Path) -> None:
    """Offer the folder of this lesson file the next time a lesson is saved or opened."""
    remember(LESSON_FOLDER_KEY, str(path.resolve().parent))


def with_suffix_if_bare(path: Path, suffix: str) -> Path:
    """The path, with `suffix` added unless it ends in .json (the Open dialog would not list it otherwise).

    A name with a dot of its own ("lecture 2.1", "descent lr=0.1") gets the suffix too.
    """
    return path if path.name.lower().endswith(".json") else path.with_name(path.name + suffix)


def _shipped_as(document: Scenario | Lesson) -> Lesson | None:
    """The shipped lesson of the same title as a kept lesson (what it was before its edits), if there is one."""
    if not isinstance(document, Lesson):
        return None
    return next((lesson for lesson in shipped_lessons() if lesson.title == document.title), None)


def _edits_in_file(path: Path | None, shown: Scenario | Lesson) -> Scenario | Lesson | None:
    """The edits of the file at `path` as a window showing `shown` had it (None if no readable file of its kind).

    A file that leaves the aspect to the viewer had the viewer's: the one `shown` has. A lesson is compared whole.
    """
    if path is None:
        return None
    try:
        if isinstance(shown, Lesson):
            return load_lesson(path)
        saved = edited_part(load_scenario(path))
    except GradvizError:
        return None
    if saved.view.equal_aspect is None:
        saved = replace(saved, view=replace(saved.view, equal_aspect=shown.view.equal_aspect))
    return saved


def _usable(example: Preset | None) -> Preset | None:
    """A gallery example kept from a crash if its formula can be used (else its lesson comes back at its scene)."""
    if example is None:
        return None
    try:
        check_formulas(example.scenario)
    except GradvizError:
        return None
    return example


@dataclass(frozen=True)
class Opening:
    """A file, a shipped lesson, a gallery example or a state kept from a crash on its way to be shown.

    The window takes it (its file's name, its saved state, the recent files) once it is shown; one that fails to be
    shown leaves the window as it was, and the status bar says why.
    """

    document: Scenario | Lesson
    path: Path | None  # the file it came from: the window's name for a scenario once shown (None: untitled)
    refused: str  # what the status bar says, before the reason, if it cannot be shown
    recent: bool = True  # its file heads the recent files once shown
    kept: OrphanedRecovery | None = None  # where a state kept from a crash is: deleted once it is shown
    saved: Scenario | Lesson | None = None  # what a state kept from a crash is unsaved against (its file's, if any)


class DocumentKeeper(QObject):
    """Opens and tracks what the window shows, so that nothing is lost by closing, opening or crashing."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._session = window.session
        self._baseline: Scenario | None = edited_part(self._session.scenario())
        self._forgotten_typing = ""  # a refused formula in the box the window may close without naming
        self._autosaved: tuple[Scenario | Lesson, Shown] | None = None
        self._opening: Opening | None = None
        self.recovery = RecoveryFile(config_folder() / RECOVERY_FOLDER)
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.setInterval(AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self.autosave)
        self.recent_menu = QMenu("Open &recent", window)  # the window's: a menu without a parent outlived it
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        session = self._session
        for signal in (session.formula_changed, session.plot_changed, session.field_changed, session.runs_changed,
                       session.probe_changed, session.view_changed):
            signal.connect(lambda *_: self._changed())
        for signal in (session.step_changed, session.camera_changed, session.theme_changed,
                       session.presenting_scale_changed):
            signal.connect(lambda *_: self._schedule_autosave())
        session.scenario_applied.connect(self._opened)
        window.controller.scenario_failed.connect(self._not_opened)
        window.lesson_player.lesson_opened.connect(self._arrived)
        window.lesson_player.opening_failed.connect(self._not_opened)
        window.lesson_player.scene_changed.connect(self.show_title)
        window.lesson_player.scene_changed.connect(self._schedule_autosave)  # a caption edited, a scene added
        self._save_actions: tuple[QAction, QAction] | None = None
        self.show_title()

    # ----- modified ------------------------------------------------------------------------------------------
    @property
    def modified(self) -> bool:
        """True when the window (or, in a lesson, one of its scenes) holds edits that were not saved."""
        if self._window.lesson_player.lesson is not None:
            return self._window.lesson_player.modified
        return self._baseline is None or edited_part(self._session.scenario()) != self._baseline

    def forget_changes(self) -> None:
        """Take what is shown (and a lesson's edits) as saved (after Discard, or for a window closed by a program)."""
        self._baseline = edited_part(self._session.scenario())
        self._window.lesson_player.forget_changes()
        self._forgotten_typing = self._window.formula_panel.formula_edit.text().strip()
        self.show_title()

    def _changed(self) -> None:
        self.show_title()
        self._schedule_autosave()

    def _taken(self, document: Scenario | Lesson) -> Opening | None:
        """The opening of this document, which has now been shown or refused (None if it was not asked for here)."""
        opening = self._opening
        if opening is None or opening.document is not document:
            return None
        self._opening = None
        return opening

    def _arrived(self, document: Scenario | Lesson) -> Opening | None:
        """Shown: a scenario's file names the window now, a file heads the recent files; its opening, if any."""
        opening = self._taken(document)
        if opening is None:
            return None
        if opening.kept is not None:
            opening.kept.remove()
        if not isinstance(document, Lesson):
            self._window.current_path = opening.path
        if opening.path is not None and opening.recent:
            if isinstance(document, Lesson):
                _remember_lesson_folder(opening.path)
            self.add_recent(opening.path)
        return opening

    def _opened(self, scenario: Scenario) -> None:
        """A scenario is shown: it is what is saved now (a file's, once it is, names the window)."""
        opening = self._arrived(scenario)
        restored = opening is not None and opening.kept is not None
        self._baseline = opening.saved if restored else edited_part(self._session.scenario())
        self._changed()

    def show_title(self) -> None:
        """'name[*] — gradviz': the file, the lesson scene or 'untitled', with Qt's mark when modified."""
        window = self._window
        name = window.lesson_player.scene_title() or (window.current_path.name if window.current_path else "untitled")
        window.setWindowTitle(f"{name}[*] — gradviz")
        self._name_save_actions()
        modified = self.modified
        if window.isWindowModified() != modified:  # setting it sets the title again, a quarter millisecond each time
            window.setWindowModified(modified)

    def _refused_typing(self) -> str:
        """The formula box's text if it was refused (no file keeps it), shortened for a question; else ''."""
        text = self._window.formula_panel.formula_edit.text().strip()
        shown = self._session.analysis.formula.text if self._session.analysis is not None else ""
        if self._session.error is None or not text or text == shown or text == self._forgotten_typing:
            return ""
        return text if len(text) <= REFUSED_SHOWN_CHARS else text[:REFUSED_SHOWN_CHARS - 1] + "…"

    def confirm_discard(self, closing: bool = False) -> bool:
        """Ask whether to save unsaved edits first (a value typed without Enter among them); False: cancelled.

        Closing, a formula typed in the box but refused (which no file keeps) is named in the question too.
        """
        if not self._window.commit_typing():
            return False  # waiting for a slow formula was cancelled: so is what asked
        refused = self._refused_typing() if closing else ""
        lost = f"\n\nThe formula box's “{refused}” could not be used and is not kept." if refused else ""
        if not self.modified:
            if not refused:
                return True
            answer = QMessageBox.question(self._window, "Unused formula", f"Close anyway?{lost}",
                                          Choice.Close | Choice.Cancel, Choice.Cancel)
            return answer == Choice.Close
        what = "lesson" if self._window.lesson_player.lesson is not None else "scenario"
        closes = " and is about to close" if what == "lesson" else ""  # whatever asks, the lesson ends after it
        question = f"The current {what} has changes that were not saved{closes}. Save them?{lost}"
        answer = QMessageBox.question(
            self._window, "Unsaved changes", question, Choice.Save | Choice.Discard | Choice.Cancel, Choice.Save,
        )
        if answer == Choice.Save:
            return self.save()
        return answer == Choice.Discard

    # ----- saving --------------------------------------------------------------------------------------------
    def name_save_actions(self, save: QAction, save_as: QAction) -> None:
        """The File menu's Save and Save As, named after what they save (the scenario, or the lesson)."""
        self._save_actions = (save, save_as)
        self._name_save_actions()

    def _name_save_actions(self) -> None:
        if self._save_actions is not None:
            what = "lesson" if self._window.lesson_player.lesson is not None else "scenario"
            self._save_actions[0].setText(f"&Save {what}")
            self._save_actions[1].setText(f"Save {what} &as…")

    def save(self, ask: bool = False) -> bool:
        """Save the scenario (in a lesson, the lesson with its scenes' edits) to its file; ask for one if it has none.

        A name chosen without a suffix gets the usual one; a file that cannot be written offers another name.
        """
        window = self._window
        if not window.commit_typing():
            return False
        player = window.lesson_player
        lesson = player.lesson is not None
        path = player.path if lesson else window.current_path
        if ask or path is None:
            suggested = str(path) if path is not None else self._suggested_name()
            chosen, _ = QFileDialog.getSaveFileName(window, f"Save {'lesson' if lesson else 'scenario'}", suggested,
                                                    LESSON_FILTER if lesson else SCENARIO_SAVE_FILTER)
            if not chosen:
                return False
            path = with_suffix_if_bare(Path(chosen), LESSON_FILE_SUFFIX if lesson else SCENARIO_SUFFIX)
        try:
            if lesson:
                player.save(path)
            else:
                window.camera_link.pull()
                save_scenario(self._session.scenario(), path)
        except GradvizError as error:
            answer = QMessageBox.question(window, "Cannot save", f"{error}\n\nChoose another file?",
                                          Choice.Yes | Choice.No, Choice.Yes)
            return answer == Choice.Yes and self.save(ask=True)
        if lesson:
            _remember_lesson_folder(path)
        else:
            window.current_path = path
            self._baseline = edited_part(self._session.scenario())
        self.add_recent(path)
        self.show_title()
        window.statusBar().showMessage(f"Saved {path.name}", 4000)
        return True

    def _suggested_name(self) -> str:
        """The file name the Save dialog offers for what has no file yet: a lesson's made from its title, in the folder
        last used for lessons ('lesson.json' in the process's folder was offered whatever the lesson)."""
        lesson = self._window.lesson_player.lesson
        if lesson is None:
            return "untitled.gradviz.json"
        return str(lesson_folder() / lesson_file_name(lesson.title))

    # ----- opening -------------------------------------------------------------------------------------------
    def open_file(self, path: str | os.PathLike[str]) -> bool:
        """Open a scenario or a lesson file; a bad file changes nothing and says why."""
        path = Path(path)
        if not self.confirm_discard():
            return False
        try:
            document = load_scenario_or_lesson(path)
        except GradvizError as error:
            self._say_cannot_open(path, error)
            return False
        return self.open_loaded(document, path)

    def open_loaded(self, document: Scenario | Lesson, path: Path) -> bool:
        """Check the formulas of a file read from `path` (behind a progress dialog with Cancel), then show it.

        False if cancelled (nothing changes) or a formula cannot be used (said so, nothing changes).
        """
        try:
            if not self.check_formulas_answering(document, path.name):
                return False
        except GradvizError as error:
            self._say_cannot_open(path, error)
            return False
        self.show_document(document, path)
        return True

    def _say_cannot_open(self, path: Path, error: GradvizError) -> None:
        """Say why a file cannot be opened; one no longer there leaves the recent files."""
        QMessageBox.warning(self._window, "Cannot open this file", f"{path.name} cannot be opened:\n\n{error}")
        if not path.exists():
            self.forget_recent(path)

    def check_formulas_answering(self, document: Scenario | Lesson, name: str) -> bool:
        """check_formulas in a thread, the window answering, behind a progress dialog with Cancel; False if cancelled.

        Each formula may take the worker's time limit: a lesson of 30 slow scenes froze the window for 40 s.
        The dialog shows only if the check takes a moment; its error, if any, is raised here.
        """
        count = len(document.scenes) if isinstance(document, Lesson) else 1
        checked, cancelled = [0], threading.Event()
        outcome: list[bool | BaseException] = []

        def going_on(done: int, _count: int) -> bool:
            checked[0] = done
            return not cancelled.is_set()

        def check() -> None:
            try:
                outcome.append(check_formulas(document, going_on))
            except BaseException as error:  # raised again on the window's thread
                outcome.append(error)

        thread = threading.Thread(target=check, name="check formulas", daemon=True)
        thread.start()
        dialog = QProgressDialog(f"Checking the formulas of {name}…", "Cancel", 0, count, self._window)
        dialog.setWindowTitle("Opening")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(CHECK_DIALOG_AFTER_MS)
        try:
            while thread.is_alive():
                thread.join(CHECK_POLL_SECONDS)
                QApplication.processEvents()
                dialog.setValue(checked[0])
                if dialog.wasCanceled():
                    cancelled.set()  # the thread ends after the formula it is on; its outcome is not wanted
                    return False
        finally:
            dialog.close()
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    def show_document(self, document: Scenario | Lesson, path: Path) -> None:
        """Show a loaded and checked scenario or lesson that came from `path` (a scenario's, once its formula is in)."""
        window = self._window
        # the window takes the file's name and history once it is shown: one that fails to be drawn leaves all as it was
        self._opening = Opening(document, path, f"{path.name} was not opened")
        if isinstance(document, Lesson):
            window.lesson_player.open_lesson(document, path)
        else:
            window.edit_history.file_opening(document)
            window.open_scenario(document)

    def _not_opened(self, document: Scenario | Lesson, why: str) -> None:
        """What was asked for could not be shown: the window stays as it was (its formula in the formula box: see
        MainWindow.show_formula_on_screen); the status bar says what and why.

        A state kept from a crash stays kept, to be offered again at the next start.
        """
        opening = self._taken(document)
        if opening is None:
            return
        kept = "It is kept, and offered again at the next start." if opening.kept is not None else NOTHING_LOST
        if opening.kept is not None:
            opening.kept.keep()
        self._window.statusBar().showMessage(f"{opening.refused}: {why.rstrip('.')}. {kept}", NOT_OPENED_MESSAGE_MS)

    def open_new(self, scenario: Scenario) -> None:
        """Start again from this scenario, untitled and with undo starting over once it is shown (a lesson open ends
        then); one that fails to be shown leaves all as it was, the file's name and the lesson too."""
        self._opening = Opening(scenario, None, "No new scenario was started", recent=False)
        self._window.edit_history.file_opening(scenario)
        self._window.open_scenario(scenario, keep_look=True)

    def open_example(self, preset: Preset) -> None:
        """Show a gallery example, untitled once it is shown (one that fails to be drawn leaves all as it was)."""
        self._opening = Opening(preset.scenario, None, f"The example “{preset.title}” was not shown", recent=False)
        self._window.open_scenario(preset.scenario, keep_look=True)

    def open_lesson_dialog(self) -> None:
        """Ask for a lesson file and open it."""
        path, _ = QFileDialog.getOpenFileName(self._window, "Open lesson", str(lesson_folder()), LESSON_FILTER)
        if path:
            self.open_file(path)

    def open_lesson(self, lesson: Lesson) -> None:
        """Start a shipped lesson (after asking about unsaved edits)."""
        if self.confirm_discard():
            self._opening = Opening(lesson, None, f"The lesson “{lesson.title}” was not opened")
            self._window.lesson_player.open_lesson(lesson)

    # ----- recent files --------------------------------------------------------------------------------------
    def add_recent(self, path: Path) -> None:
        """Put a file at the top of File → Open recent."""
        path = path.resolve()
        _remember_recent([path, *(known for known in recent_files() if known != path)])

    def forget_recent(self, path: Path) -> None:
        """Take a file off the recent list."""
        _remember_recent([known for known in recent_files() if known != path.resolve()])

    def _fill_recent_menu(self) -> None:
        """List the recent files; one not found now (on a stick unplugged) is listed greyed and kept for later."""
        known = recent_files()
        menu = self.recent_menu
        menu.clear()
        names = [path.name for path in known]
        for number, path in enumerate(known, start=1):
            found = path.is_file()
            folder = f"  ({path.parent.name or path.parent})" if names.count(path.name) > 1 else ""  # names alike
            action = menu.addAction(f"&{number}  {path.name}{folder}" + ("" if found else "  (not found)"))
            action.setToolTip(str(path))
            action.setStatusTip(str(path) if found else f"Not found now: {path}")
            action.setEnabled(found)
            action.triggered.connect(lambda _checked=False, chosen=path: self.open_file(chosen))
        if not known:
            menu.addAction("No recent files").setEnabled(False)
        menu.addSeparator()
        menu.addAction("Clear the list", lambda: _remember_recent([]))

    # ----- crash recovery ------------------------------------------------------------------------------------
    def _schedule_autosave(self) -> None:
        if not self._autosave_timer.isActive():
            self._autosave_timer.start()

    def autosave(self) -> None:
        """Write the state to the recovery file if it changed since the last write."""
        if self._session.analysis is None:
            return
        self._window.camera_link.pull()
        player = self._window.lesson_player
        lesson = player.edited_lesson()
        kept: tuple[Scenario | Lesson, Shown] = (
            (lesson, Shown(player.path, player.index, player.example_shown())) if lesson is not None
            else (self._session.scenario(), Shown(self._window.current_path)))
        if kept == self._autosaved:
            return
        try:
            self.recovery.write(*kept)
        except GradvizError as error:  # said once as writes begin to fail, not at every autosave (see SettingsNotice)
            settings_writes().written.emit(RECOVERY_FILE, unwritable_reason() or str(error))
            return
        settings_writes().written.emit(RECOVERY_FILE, None)
        self._autosaved = kept

    def closed_cleanly(self) -> None:
        """The window closes normally: its recovery file is no longer needed."""
        self._autosave_timer.stop()
        self.recovery.remove()

    def offer_recovery(self) -> bool:
        """If earlier gradviz windows ended without closing, offer their last states back; True if one was restored.

        Newest first, one question each: the first accepted is restored and those after it are kept for the next
        launch (two windows killed at once left two; the older was deleted unseen). A file a newer gradviz wrote is
        left for it, unsaid; an unusable one is said so and removed, and the next is offered. A state whose edits
        are its file's own (only the clock or the camera had moved) is not offered; one that is comes back as that
        file's, its edits marked unsaved.
        """
        restored: Opening | None = None
        restored_shown = Shown()  # the lesson's scene shown then, and the gallery example after it
        orphans = orphaned_recoveries(config_folder() / RECOVERY_FOLDER)
        for index, orphan in enumerate(orphans):
            if restored is not None:
                orphan.keep()
                continue
            try:
                candidate = orphan.load()
                shown = orphan.shown
                candidate_saved = (_edits_in_file(shown.source, candidate) if shown.source is not None
                                   else _shipped_as(candidate))
                edits = candidate if isinstance(candidate, Lesson) else edited_part(candidate)
                if candidate_saved is not None and candidate_saved == edits:
                    orphan.remove()  # nothing but watching since the file was opened or saved
                    continue
                check_formulas(candidate)
            except GradvizError as error:
                if NEWER_FORMAT in str(error):
                    orphan.keep()  # the newer gradviz that wrote it will offer it
                    continue
                QMessageBox.warning(self._window, "Cannot restore",
                                    f"A state kept from an earlier session is unusable:\n\n{error}")
                orphan.remove()
                continue
            others = len(orphans) - index - 1
            more = (f"\n\n{others} more kept from then: offered next, or at the next start if this one is restored."
                    if others else "")
            what = (f"the unsaved changes to {shown.source.name}" if candidate_saved is not None and shown.source
                    else "the last lesson" if isinstance(candidate, Lesson) else "the last state")
            answer = QMessageBox.question(
                self._window, "Restore the last state?",
                f"gradviz closed unexpectedly. Restore {what}?\n\n"
                f"(kept on {orphan.saved_at:%Y-%m-%d at %H:%M:%S}){more}", Choice.Yes | Choice.No, Choice.Yes,
            )
            if answer == Choice.Yes:  # deleted once shown, kept if it cannot be
                if isinstance(candidate, Lesson) and isinstance(candidate_saved, Lesson):
                    candidate = written_as_in(candidate, candidate_saved)  # its captions are for its file's scenes
                restored = Opening(candidate, shown.source if candidate_saved is not None else None,
                                   f"Could not restore {what}", recent=False, kept=orphan, saved=candidate_saved)
                restored_shown = shown
            else:
                orphan.remove()
        if restored is None:
            return False
        self._opening = restored
        document, saved = restored.document, restored.saved
        if isinstance(document, Lesson):
            self._window.lesson_player.restore_lesson(document, restored.path,
                                                      saved if isinstance(saved, Lesson) else None,
                                                      restored_shown.scene, _usable(restored_shown.example))
        else:
            self._window.open_scenario(document)
        return True
