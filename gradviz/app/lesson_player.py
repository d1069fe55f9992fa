"""Lessons in the window: a caption bar with the scene number, and keys that step, play and move between scenes.

Moving through a lesson, as a presenter's clicker does it:

* PageDown (clicker "next"): play the scene's run; while it plays, jump to its end; at its end, go to
  the next scene.
* PageUp (clicker "back"): while the run plays or is past its start, go back to its start; at the
  start, go to the previous scene.
* Right / Left: one step forward / back; past the end / before the start of the run, the next /
  previous scene.
* Ctrl+PageDown / Ctrl+PageUp: the next / previous scene at once; Home / End: the first / last scene.
* N: the speaker's notes for the scene in a box of their own under the caption, or not. Hidden at first
  and again on entering presentation mode (a projector mirroring the screen shows them only when asked),
  kept shown or hidden from scene to scene.

Without a lesson the same keys play and step the run. A scene is shown as its lesson describes it,
in the window's current theme and at the window's scale; presenting, it is presented at the scale its file keeps for
it (saved while presenting), else the lecturer's, as a scenario file is. The caption bar names it once its views are
on screen (one slow to prepare says so in the status bar meanwhile); one that cannot be shown leaves the lesson, the
caption and the formula box at what was shown (the status bar says why), and moving on from there skips it. Opening a
file (a scenario or a lesson) ends the lesson; a gallery example picked in a lesson is shown after the current scene
without ending it, not as a scene of its own until Lessons → Add this view as a scene adds it (the scene keeps the edits
made before; moving on leaves the example, and the scene, as they were).

A scene's edits (a learning rate changed in class, a run added) stay with the lesson when another
scene is shown: going back shows the scene as it was left, the title is marked as modified, and
File → Save writes the lesson with them. A caption is written for its scene as read, added, last
saved or as it was when the caption was rewritten (see Scene.written_for): while the views differ
from that in what a caption states (see scene_changes), it is struck through with what changed
under it, and Shift+R puts the scene back.
Lessons → Add this view as a scene makes a lesson (or adds to the one open) from what the window
shows; its caption and notes can be edited, a scene removed.
Lessons → Scenes… lists every scene to go to, move, copy, edit or remove (see scene_list).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gradviz.app.actions import ActionFactory
from gradviz.app.caption_lines import CaptionLabel
from gradviz.app.entry_keys import numbered_entry
from gradviz.app.lesson_editor import SceneText, ask_scene_text
from gradviz.app.panel_base import MUTED_COLOUR, SCENE_CHANGED_COLOUR
from gradviz.core.errors import ScenarioError
from gradviz.core.history import edited_part
from gradviz.core.lessons import (
    MAX_SCENES,
    Lesson,
    Scene,
    as_saved,
    changes_text,
    save_lesson,
    scene_changes,
    shipped_lessons,
    with_caption,
    with_scene,
    with_scene_copied,
    with_scene_moved,
    without_scene,
)
from gradviz.core.presets import Preset
from gradviz.core.scenario import Scenario

if TYPE_CHECKING:
    from gradviz.app.main_window import MainWindow

LAST_SCENE_MESSAGE = "This is the last scene of the lesson."
LOADING_HINT_MS = 300  # a scene still being prepared after this long says so in the status bar (a quick one does not)
FAILED_MESSAGE_MS = 15000  # how long the status bar says why a scene or an example was not shown
PRESENTING_CAPTION_FACTOR = 1.75  # the caption's text size while presenting (times the presentation scale)…
EDITING_CAPTION_FACTOR = 1.2  # …and while editing: at 1.75 it took two or three lines of the views' height
COUNTER_FONT_FACTOR = 1.2
LESSON_MENU_KEYS = "sernwcl"  # the Lessons menu's own: add a &scene, &edit the caption, &remove the scene,
# speaker &notes, the scene as &written, the s&cenes panel, c&lose the lesson
CLOSE_LESSON_KEY = "Ctrl+W"
EDIT_TIP = "The caption, the speaker's notes and the lesson's title"
REMOVE_TIP = "Take the scene shown out of the lesson, after asking"
NOTES_MOST_LINES = 6  # longer notes scroll in their box
NO_NOTES = "No notes for this scene."
NOTES_STYLE = ("QScrollArea#speaker_notes { background: #fff4c2; border: 1px solid #b08d1a; border-radius: 4px; }"
               "QLabel#speaker_notes_text { background: #fff4c2; color: #1a1a1a; padding: 4px 8px; }")
CHANGED_STYLE = (f"QLabel#scene_changed {{ background: #fde6cf; color: {SCENE_CHANGED_COLOUR}; "
                 f"border: 1px solid {SCENE_CHANGED_COLOUR}; border-radius: 4px; padding: 2px 8px; }}")
STRUCK_CAPTION_STYLE = f"color: {MUTED_COLOUR};"  # a caption the views no longer fit, struck through too
RESET_SCENE_KEY = "Shift+R"  # R puts the run back at its start; Shift+R the whole scene as written


def _enlarged(font: QFont, factor: float, bold: bool = False) -> QFont:
    """A copy of the font, `factor` times as large."""
    larger = QFont(font)
    larger.setPointSizeF(font.pointSizeF() * factor)
    larger.setBold(bold)
    return larger


class NotesBox(QScrollArea):
    """The speaker's notes for the scene in a box of their own, as high as they are up to NOTES_MOST_LINES, scrolled."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("speaker_notes")
        self.setStyleSheet(NOTES_STYLE)
        self.label = QLabel()
        self.label.setObjectName("speaker_notes_text")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self.label)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def show_notes(self, notes: str) -> None:
        """Show these notes (or say there are none), headed 'Notes'."""
        text = html.escape(notes).replace("\n", "<br>") if notes else f"<i>{NO_NOTES}</i>"
        self.label.setText(f"<b>Notes</b>&nbsp;&nbsp;{text}")
        self.updateGeometry()

    def hasHeightForWidth(self) -> bool:
        """Its height follows its width, as the wrapped notes' does."""
        return True

    def heightForWidth(self, width: int) -> int:
        """The notes' height at this width, up to NOTES_MOST_LINES lines, with the box's frame."""
        frame = 2 * self.frameWidth()
        most = self.label.contentsMargins().top() + self.label.contentsMargins().bottom() + round(
            NOTES_MOST_LINES * self.label.fontMetrics().lineSpacing())
        return min(self.label.heightForWidth(width - frame), most) + frame

    def sizeHint(self) -> QSize:
        """As wide as it is given, as high as its notes are there."""
        hint = super().sizeHint()
        return QSize(hint.width(), self.heightForWidth(max(self.width(), hint.width())))

    def minimumSizeHint(self) -> QSize:
        """A line of notes at least."""
        return QSize(super().minimumSizeHint().width(), self.label.fontMetrics().lineSpacing() + 2 * self.frameWidth())


class CaptionBar(QFrame):
    """The current scene's caption above the views, with "scene 3 / 7" and buttons to move between scenes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.counter = QLabel()
        self.counter.setFont(_enlarged(self.font(), COUNTER_FONT_FACTOR, bold=True))
        self.counter.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.counter.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.caption = CaptionLabel()  # a value kept with its name, the lines balanced
        self.caption.setFont(_enlarged(self.font(), EDITING_CAPTION_FACTOR))
        self.caption.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.previous_button = self._button("◀", "Previous scene (Ctrl+PageUp)")
        self.next_button = self._button("▶", "Next scene (Ctrl+PageDown)")
        self.notes_button = self._button("Notes", "Speaker notes (N)")  # takes the Lessons menu's action
        self.close_button = self._button("✕", f"Close the lesson ({CLOSE_LESSON_KEY})")
        self.buttons = QWidget()
        button_row = QHBoxLayout(self.buttons)
        button_row.setContentsMargins(0, 0, 0, 0)
        for button in (self.previous_button, self.next_button, self.notes_button, self.close_button):
            button_row.addWidget(button)
        self.changed = QLabel()  # how the views differ from what the caption was written for
        self.changed.setObjectName("scene_changed")
        self.changed.setStyleSheet(CHANGED_STYLE)
        self.changed.setFont(_enlarged(self.font(), COUNTER_FONT_FACTOR, bold=True))
        self.changed.setWordWrap(True)
        self.changed.hide()
        self.notes = NotesBox()
        self.notes.hide()
        self._notes_shown = False
        row = QHBoxLayout()
        row.addWidget(self.counter)
        row.addSpacing(14)
        row.addWidget(self.caption, 1)
        row.addWidget(self.buttons, 0, Qt.AlignmentFlag.AlignTop)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(10, 6, 10, 6)
        rows.addLayout(row)
        rows.addWidget(self.changed)
        rows.addWidget(self.notes)
        self.hide()

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])  # "Previous scene", not its glyph
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reached with Tab; a click leaves the keys to the clicker
        return button

    def show_scene(self, lesson: Lesson, index: int) -> None:
        """Show scene `index` of the lesson: its number, its caption and, if shown, its speaker notes (also the
        caption's tooltip)."""
        scene = lesson.scenes[index]
        self.counter.setText(f"scene {index + 1} / {len(lesson.scenes)}")
        self.counter.setToolTip(lesson.title)
        self.caption.setText(scene.caption)
        self.caption.setToolTip(scene.notes)
        self.notes.show_notes(scene.notes)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(lesson.scenes) - 1)
        self.show()

    def show_example(self, lesson: Lesson, index: int, example: Preset) -> None:
        """Show that a gallery example is on screen after scene `index`, not as a scene of the lesson."""
        count = len(lesson.scenes)
        self.counter.setText(f"after scene {index + 1} / {count}")
        self.counter.setToolTip(lesson.title)
        self.caption.setText(f"{example.title}, from the gallery: not a scene yet. Lessons → Add this view as a scene "
                             f"adds it here.")
        self.caption.setToolTip(example.description)
        self.notes.show_notes("")
        self.previous_button.setEnabled(True)  # back to the scene it follows
        self.next_button.setEnabled(index < count - 1)
        self.show()

    def show_notes(self, shown: bool) -> None:
        """Show the speaker's notes under the caption, or hide them."""
        self._notes_shown = shown
        self.notes.setVisible(shown)

    def show_changes(self, text: str, details: str = "") -> None:
        """Say under the caption how the views differ from what it was written for, the caption struck through and
        greyed; '' once they fit it again. details: all the changes, where the text names only the first ones."""
        if (text, details) == (self.changed.text(), self.changed.toolTip()):
            return  # asked at every change of the session: restyling the caption each time is not free
        self.changed.setText(text)
        self.changed.setToolTip(details)
        self.changed.setVisible(bool(text))
        self._mark_caption()

    @property
    def caption_struck(self) -> bool:
        """Whether the caption is shown as no longer fitting the views."""
        return not self.changed.isHidden()

    def _mark_caption(self) -> None:
        """The caption struck through and greyed while the views differ from what it was written for, else plain."""
        struck = self.caption_struck
        font = self.caption.font()
        if font.strikeOut() != struck:
            font.setStrikeOut(struck)
            self.caption.setFont(font)
        style = STRUCK_CAPTION_STYLE if struck else ""
        if self.caption.styleSheet() != style:
            self.caption.setStyleSheet(style)

    @property
    def notes_shown(self) -> bool:
        """Whether the speaker's notes are shown (while the bar is)."""
        return self._notes_shown

    def scaled_widgets(self) -> tuple[QWidget, ...]:
        """The labels that grow with the presentation scale alone (the caption: see show_caption_scale)."""
        return (self.counter, self.changed, self.notes.label)

    def show_caption_scale(self, scale: float, presenting: bool) -> None:
        """The caption's text at its size for presenting or editing, times the presentation scale: a size of the
        application font as it is now (a font chosen while running reaches the caption too)."""
        factor = PRESENTING_CAPTION_FACTOR if presenting else EDITING_CAPTION_FACTOR
        self.caption.setFont(_enlarged(QApplication.font(), factor * scale))
        self._mark_caption()


class CentralArea(QWidget):
    """The window's central widget: the caption bar above the content (the panels and views), placed by hand.

    With a layout, every change of a panel's preferred size inside (a new formula's equations, a new limit
    beside the learning rate) went on up to the window, which laid out its docks and toolbars again and
    repainted the dock column a second time. Here such a change only places the two children again; the
    window hears of it only when the least size of the area changes.
    """

    def __init__(self, caption_bar: QWidget, content: QWidget) -> None:
        super().__init__()
        self.caption_bar = caption_bar
        self.content = content
        caption_bar.setParent(self)
        content.setParent(self)
        self._least = self.minimumSizeHint()

    def _caption_height(self, width: int) -> int:
        """The caption bar's height at this width (0 while it is hidden)."""
        if self.caption_bar.isHidden():
            return 0
        height = self.caption_bar.heightForWidth(width)
        return height if height >= 0 else self.caption_bar.sizeHint().height()

    def _stacked(self, caption: QSize, content: QSize) -> QSize:
        """The size of the caption bar (if shown) above the content."""
        if self.caption_bar.isHidden():
            return content
        return QSize(max(caption.width(), content.width()), caption.height() + content.height())

    def sizeHint(self) -> QSize:
        """The content's preferred size, with the caption bar's above it."""
        return self._stacked(self.caption_bar.sizeHint(), self.content.sizeHint())

    def minimumSizeHint(self) -> QSize:
        """The content's least size, with the caption bar's above it."""
        content = self.content.minimumSizeHint().expandedTo(self.content.minimumSize())
        return self._stacked(self.caption_bar.minimumSizeHint(), content)

    def place_children(self) -> None:
        """The caption bar across the top at the height its width needs, the content below it."""
        width, height = self.width(), self.height()
        caption_height = min(self._caption_height(width), height)
        if not self.caption_bar.isHidden():
            self.caption_bar.setGeometry(0, 0, width, caption_height)
        self.content.setGeometry(0, caption_height, width, height - caption_height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Place the children in the new size."""
        super().resizeEvent(event)
        self.place_children()

    def event(self, event: QEvent) -> bool:
        """A child's size or visibility changed: place the children again; tell the window only of a new least size.

        Shown, the area checks its least size too: changes made while it was hidden sent it no layout request.
        """
        if event.type() not in (QEvent.Type.LayoutRequest, QEvent.Type.Show):
            return super().event(event)
        self.place_children()
        least = self.minimumSizeHint()
        if least != self._least:
            self._least = least
            self.updateGeometry()
        return event.type() == QEvent.Type.LayoutRequest or super().event(event)


@dataclass(frozen=True)
class LessonOpening:
    """A lesson on its way: taken as open once its scene `index` (or the gallery example kept after it) is shown, left
    unopened if that fails."""

    lesson: Lesson
    path: Path | None
    saved: Lesson | None  # what its edits are unsaved against
    index: int
    example: Preset | None = None  # a gallery example shown after scene `index` with its edits, as recovery kept it

    @property
    def scenario(self) -> Scenario:
        """The scenario asked to be shown: the example's, else the scene's."""
        return self.example.scenario if self.example is not None else self.lesson.scenes[self.index].scenario


@dataclass(frozen=True)
class SceneRequest:
    """A scene on its way to the screen: scene `index` of `lesson`, the lesson as it is once that scene is shown.

    That is the lesson open or, when the scene shown is being removed, the lesson without it (its scene `removing`):
    the scene shown goes only once another is shown in its place, and stays if that one cannot be.
    """

    lesson: Lesson
    index: int
    scenario: Scenario  # the scene's, as asked for (the one that arrives is this very object)
    removing: int | None = None

    @property
    def index_now(self) -> int:
        """The scene's index in the lesson open until it is shown (with the scene being removed)."""
        return self.index + (self.removing is not None and self.index >= self.removing)


class LessonPlayer(QObject):
    """Shows a lesson's scenes one after another in the window and moves through them by key or clicker.

    The caption bar, the title and the scenes list name what the views show: a scene asked for (which the formula
    worker prepares first) is named once it is shown, and one that cannot be shown leaves them, the formula box and
    the lesson as they were, the status bar saying why. A lesson opened is held back until one of its scenes is shown:
    one whose first scene fails to be drawn leaves the window as it was (the lesson shown before, if any, stays open),
    and `opening_failed` says why.
    """

    scene_changed = Signal()
    lesson_opened = Signal(object)  # a lesson asked for is open: its scene is shown
    opening_failed = Signal(object, str)  # a lesson asked for could not be shown, and why: nothing changed

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._session = window.session
        self._stepper = window.stepper
        self.lesson: Lesson | None = None  # with the edits of scenes left behind
        self._saved: Lesson | None = None  # as opened or last saved
        self.path: Path | None = None
        self.index = 0  # the scene shown, or the one the gallery example shown follows
        self._request: SceneRequest | None = None  # a scene on its way to the screen
        self._arrived: Scenario | None = None  # the edits of the scene shown as it was shown (None: not the scene's)
        self._opening: LessonOpening | None = None
        self._example_asked: Preset | None = None  # a gallery example on its way, to be shown after the scene
        self.example: Preset | None = None  # the gallery example shown after the scene `index`, not one of its scenes
        self.unshowable: int | None = None  # a scene that just could not be shown: moving on skips it
        self._loading_text = ""  # what the status bar says while a scene slow to prepare is on its way
        self._reset_notice = ""  # the status bar's word that Shift+R put the scene back, while it holds
        self._reset_edits: Scenario | None = None  # the edits the scene was put back to, once shown
        self.key_hints = True  # the caption names the keys that act on it (not while presenting: for the lecturer)
        self._loading_hint = QTimer(self)
        self._loading_hint.setSingleShot(True)
        self._loading_hint.setInterval(LOADING_HINT_MS)
        self._loading_hint.timeout.connect(self._show_loading_hint)
        self.caption_bar = CaptionBar()
        self.caption_bar.previous_button.clicked.connect(self.previous_scene)
        self.caption_bar.next_button.clicked.connect(self.next_scene)
        self.caption_bar.close_button.clicked.connect(self.close_asking)
        self._place_caption_bar()
        self._session.scenario_applied.connect(self._scenario_applied)
        session = self._session
        for signal in (session.formula_changed, session.plot_changed, session.field_changed, session.computing_changed,
                       session.runs_changed, session.probe_changed, session.view_changed):
            signal.connect(lambda *_: self._show_changes())
        window.controller.scenario_failed.connect(self._scenario_failed)
        window.controller.scenario_dropped.connect(self._scenario_dropped)

    def _place_caption_bar(self) -> None:
        """Put the caption bar above the window's central widget."""
        window = self._window
        window.setCentralWidget(CentralArea(self.caption_bar, window.takeCentralWidget()))

    def add_actions(self, menu: QMenu, make_action: ActionFactory) -> None:
        """Fill the Lessons menu: the shipped lessons, then the keys that move through scenes."""
        for position, lesson in enumerate(shipped_lessons()):
            action = menu.addAction(numbered_entry(position, lesson.title, taken=LESSON_MENU_KEYS))
            action.setStatusTip(f"{len(lesson.scenes)} scenes")
            action.triggered.connect(lambda _checked=False, chosen=lesson: self._window.document.open_lesson(chosen))
        menu.addSeparator()
        menu.addAction(make_action("Add this view as a &scene…", self.add_scene, None,
                                   "After the current scene, or as the first of a new lesson; Ctrl+S saves it"))
        self.edit_action = make_action("&Edit the scene's caption…", self.edit_scene, None, EDIT_TIP)
        self.remove_action = make_action("&Remove this scene", self.remove_scene, None, REMOVE_TIP)
        self.notes_action = make_action("Speaker &notes", self.show_notes, "N",
                                        "The scene's notes for the speaker under the caption, or not")
        self.notes_action.setIconText("Notes")
        self.reset_action = make_action("Put the scene back as &written", self.reset_scene, RESET_SCENE_KEY,
                                        "Undo the scene's changes since its caption was written: its formula, runs, "
                                        "held values, arrows and probe as the lesson has them")
        self.close_action = make_action("C&lose lesson", self.close_asking, CLOSE_LESSON_KEY,
                                        "End the lesson, asking about unsaved changes; the view shown stays")
        self.notes_action.setCheckable(True)
        self.caption_bar.notes_button.setDefaultAction(self.notes_action)
        menu.addAction(self.edit_action)
        menu.addAction(self.remove_action)
        menu.setToolTipsVisible(True)  # why the scene's entries are off while a gallery example is shown
        menu.addAction(self.notes_action)
        menu.addAction(self.reset_action)
        self.scene_changed.connect(self._enable_editing)
        self._enable_editing()
        self._lessons_menu, self._scene_keys = menu, menu.addSeparator()
        for text, slot, key in (
            ("Next: play, finish, next scene", self.advance, "PgDown"),
            ("Back: to the start, previous scene", self.retreat, "PgUp"),
            ("Next scene", self.next_scene, "Ctrl+PgDown"),
            ("Previous scene", self.previous_scene, "Ctrl+PgUp"),
            ("First scene", self.first_scene, "Home"),
            ("Last scene", self.last_scene, "End"),
        ):
            menu.addAction(make_action(text, slot, key))
        menu.addSeparator()
        menu.addAction(self.close_action)

    def add_scene_list_action(self, action: QAction) -> None:
        """Put the scenes panel's entry in the Lessons menu, after the scene's own entries."""
        self._lessons_menu.insertAction(self._scene_keys, action)

    # ----- scenes --------------------------------------------------------------------------------------------
    def shown_caption(self) -> str:
        """The caption the audience sees above the views: the scene shown's ('' without a lesson, and while a gallery
        example is shown: it is no scene)."""
        if self.lesson is None or self.example is not None:
            return ""
        return self.lesson.scenes[self.index].caption

    def open_lesson(self, lesson: Lesson, path: Path | None = None) -> None:
        """Start a lesson at its first scene, once that is shown."""
        self._start_opening(LessonOpening(lesson, path, lesson, 0))

    def restore_lesson(self, lesson: Lesson, path: Path | None, saved: Lesson | None, index: int,
                       example: Preset | None = None) -> None:
        """A lesson kept by crash recovery, at the scene shown then (or the gallery example shown after it, with its
        edits): its edits unsaved against `saved` (its file's)."""
        self._start_opening(LessonOpening(lesson, path, saved, min(index, len(lesson.scenes) - 1), example))

    def _start_opening(self, opening: LessonOpening) -> None:
        """Ask for the opening lesson's scene; the lesson, its caption and the title come once it is shown.

        Set up at once, a lesson whose first scene failed to be drawn looked open over the scenario shown before.
        """
        self._opening = opening
        self._request = self._example_asked = None  # given up for the lesson: if it fails, what is shown stays
        self._stop_loading_hint()
        self._window.open_scenario(opening.scenario, keep_look=True)

    def close_lesson(self) -> None:
        """End the lesson; what is shown stays."""
        if self.lesson is None:
            return
        self.lesson, self._saved, self.path, self._request, self._arrived = None, None, None, None, None
        self.example = self._example_asked = None
        self.unshowable = None
        self._stop_loading_hint()
        self.caption_bar.hide()
        self.show_notes(False)  # the next lesson starts without them
        self._forget_reset_notice()
        self.scene_changed.emit()

    def close_asking(self) -> None:
        """The caption bar's ✕ and Lessons → Close lesson: end the lesson, after asking about its unsaved edits."""
        document = self._window.document
        if document.confirm_discard():
            self.close_lesson()
            document.forget_changes()  # saved or discarded: what stays on screen is a new, untitled scenario

    @property
    def _on_its_way(self) -> bool:
        """Whether a scene, a gallery example or a lesson is on its way to the screen (the session changes to it)."""
        return self._request is not None or self._example_asked is not None or self._opening is not None

    def edited_lesson(self) -> Lesson | None:
        """The lesson with every scene as last shown: the edits of the scene shown too (while nothing is on its way to
        take its place: they are taken in once it has been shown or has failed to be)."""
        lesson = self.lesson
        if lesson is None or self._arrived is None or self._on_its_way:
            return lesson
        shown = self._session.scenario()
        if edited_part(shown) == self._arrived:
            return lesson
        scene = lesson.scenes[self.index]
        watched = scene.scenario  # the clock, camera and look stay the lesson's
        edited = replace(shown, step=watched.step, camera=watched.camera, theme=watched.theme,
                         presentation_scale=watched.presentation_scale)
        return with_scene(lesson, self.index, replace(scene, scenario=edited))

    def _take_edits(self) -> None:
        """The scene shown's edits into the lesson; what it shows now is where its next edits start from (so that an
        edit undone afterwards is undone in the lesson too)."""
        self.lesson = self.edited_lesson()
        if self._arrived is not None and not self._on_its_way:
            self._arrived = edited_part(self._session.scenario())

    @property
    def modified(self) -> bool:
        """True when a scene of the open lesson holds edits that were not saved."""
        return self.lesson is not None and self.edited_lesson() != self._saved

    def forget_changes(self) -> None:
        """Take the lesson's scenes as they are now as saved."""
        self._take_edits()
        self._saved = self.lesson

    def save(self, path: Path) -> None:
        """Save the lesson with its scenes' edits to `path` (GradvizError if it cannot be)."""
        self._take_edits()
        lesson = self.lesson
        if lesson is None:
            return
        save_lesson(lesson, path)
        self.lesson, self.path = as_saved(lesson), path  # saved, the scenes' edits are what their captions are for
        if self._request is not None:  # the lesson as it is once the scene on its way is shown: saved too
            self._request = replace(self._request, lesson=as_saved(self._request.lesson))
        self.forget_changes()
        self._show_changes()
        self.scene_changed.emit()

    def example_shown(self) -> Preset | None:
        """The gallery example shown after the scene, with the window's edits of it (None if none is shown)."""
        if self.lesson is None or self.example is None:
            return None
        return replace(self.example, scenario=self._session.scenario())

    # ----- making and editing lessons ----------------------------------------------------------------------------
    def _enable_editing(self) -> None:
        """The scene's entries act on the scene shown: off without a lesson, and while a gallery example is shown."""
        for action in (self.notes_action, self.reset_action, self.close_action):
            action.setEnabled(self.lesson is not None)
        for action, tip, doing in ((self.edit_action, EDIT_TIP, "edit its caption"),
                                   (self.remove_action, REMOVE_TIP, "remove it")):
            action.setEnabled(self.lesson is not None and self.example is None)
            why = self.example_hides_scene(doing)
            action.setStatusTip(why or tip)
            action.setToolTip(why)

    def example_hides_scene(self, doing: str) -> str:
        """Why the scene the gallery example shown follows cannot be acted on as the scene shown ('' if none is)."""
        if self.example is None:
            return ""
        scene = self.index + 1
        return (f"{self.example.title} is shown after scene {scene}, not as a scene: go back to scene {scene} (PgUp) "
                f"to {doing}.")

    def show_notes(self, shown: bool) -> None:
        """N: the current scene's speaker notes under the caption, from scene to scene, or not."""
        self.notes_action.setChecked(shown)
        self.caption_bar.show_notes(shown)

    def add_scene(self) -> None:
        """What the window shows as a new scene after the current one, or as the first scene of a new lesson.

        The changes made since the current scene was shown go into the new scene, not into that one: a lesson is
        built by setting up a view, adding it, changing it, adding again.
        """
        window = self._window
        if self.lesson is not None and len(self.lesson.scenes) >= MAX_SCENES:
            window.statusBar().showMessage(f"A lesson holds at most {MAX_SCENES} scenes.", 6000)
            return
        if self.lesson is not None and not self._can_change():
            return
        # a scenario's unsaved edits go into the new lesson's first scene (unsaved too, and asked about as such)
        title = self.lesson.title if self.lesson is not None else window.session.title
        text = ask_scene_text(window, "Add a scene" if self.lesson else "New lesson from this view",
                              SceneText(title, "", ""))
        if text is None:
            return
        window.camera_link.pull()
        scene = Scene(text.caption, self._session.scenario(), text.notes)
        if self.lesson is None:
            window.current_path = None
            self.lesson, self._saved, self.path = Lesson(text.title, (scene,)), None, None
            self._shown(0, None)
            return
        lesson, after = self.lesson, self.index + 1
        moved = self._arrived is not None and edited_part(self._session.scenario()) != self._arrived
        self.lesson = replace(lesson, title=text.title, scenes=(*lesson.scenes[:after], scene, *lesson.scenes[after:]))
        self._arrived = None  # the changes went into the new scene
        self._request = None  # a scene on its way is given up for the one added
        self.unshowable = None
        self.show_scene(after)
        if moved:
            window.statusBar().showMessage(f"Added scene {after + 1} with the changes made since scene {after} was "
                                           f"shown; scene {after} stays as it was.", 8000)

    def edit_scene(self) -> None:
        """Edit the current scene's caption and notes, and the lesson's title."""
        self.edit_scene_at(self.index)

    def edit_scene_at(self, index: int) -> None:
        """Edit scene `index`'s caption and notes, and the lesson's title."""
        if not self._can_change(index):
            return
        scene = self.lesson.scenes[index]
        window_title = "Edit the scene" if index == self.index else f"Edit scene {index + 1}"
        text = ask_scene_text(self._window, window_title, SceneText(self.lesson.title, scene.caption, scene.notes))
        if text is None:
            return
        lesson = self.edited_lesson()
        edited = with_caption(lesson.scenes[index], text.caption, text.notes)
        self._rearranged(replace(with_scene(lesson, index, edited), title=text.title), lambda place: place)

    def remove_scene(self) -> None:
        """Take the current scene out of the lesson (after asking), showing the one after it, or before."""
        self.remove_scene_at(self.index)

    def remove_scene_at(self, index: int) -> None:
        """Take scene `index` out of the lesson, after asking; the scene shown goes once the one after it (or before)
        is shown in its place, and stays if that cannot be shown."""
        window = self._window
        if not self._can_change(index):
            return
        if len(self.lesson.scenes) == 1:
            window.statusBar().showMessage(f"A lesson keeps at least one scene: close it with ✕ ({CLOSE_LESSON_KEY}) "
                                           "instead.", 6000)
            return
        if index == self.index and self.example is not None:
            window.statusBar().showMessage(self.example_hides_scene("remove it"), 8000)
            return
        if self._request is not None and index == self._request.index:
            window.statusBar().showMessage(f"Scene {index + 1} is on its way to the screen: remove it once it is "
                                           "shown.", 6000)
            return
        caption = self.lesson.scenes[index].caption
        answer = QMessageBox.question(window, "Remove the scene",
                                      f"Remove scene {index + 1}, “{caption}”, from the lesson?",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        if index != self.index:  # the scene shown stays, with its edits
            self._rearranged(without_scene(self.edited_lesson(), index), lambda place: place - (index < place))
            return
        after, before = index + 1, index - 1  # the scene after it, unless that just could not be shown
        usable_after = after < len(self.lesson.scenes) and (after != self.unshowable or before < 0)
        self._ask_scene(index if usable_after else before, removing=index)  # numbered as in the lesson without it

    def move_scene(self, index: int, to: int) -> None:
        """Put scene `index` at position `to`, the others keeping their order; the scene shown stays shown."""
        if index == to or not self._can_change(index, to):
            return
        order = list(range(len(self.lesson.scenes)))
        order.insert(to, order.pop(index))
        self._rearranged(with_scene_moved(self.edited_lesson(), index, to), order.index)

    def duplicate_scene(self, index: int) -> None:
        """A copy of scene `index` (with its edits) right after it; the scene shown stays shown."""
        if not self._can_change(index):
            return
        try:
            lesson = with_scene_copied(self.edited_lesson(), index)
        except ScenarioError:
            self._window.statusBar().showMessage(f"A lesson holds at most {MAX_SCENES} scenes.", 6000)
            return
        self._rearranged(lesson, lambda place: place + (index < place))

    def _can_change(self, *indices: int) -> bool:
        """Whether the open lesson has these scenes and can be changed now: not while the scene shown is being
        removed (the status bar says to wait until the scene in its place is shown)."""
        if self.lesson is None or not all(0 <= index < len(self.lesson.scenes) for index in indices):
            return False
        request = self._request
        if request is None or request.removing is None:
            return True
        self._window.statusBar().showMessage(f"Scene {request.removing + 1} is being removed: change the lesson once "
                                             f"scene {request.index_now + 1} is shown in its place.", 6000)
        return False

    def _show_caption(self) -> None:
        """The caption bar for what is shown: scene `index`, or the gallery example after it."""
        if self.example is not None:
            self.caption_bar.show_example(self.lesson, self.index, self.example)
        else:
            self.caption_bar.show_scene(self.lesson, self.index)
        self._show_changes()

    def shown_changes(self) -> tuple[str, ...]:
        """How the views differ from what the caption of the scene shown was written for (see scene_changes): () if
        they fit it, without a lesson and while a gallery example is shown."""
        analysis = self._session.analysis
        if self.lesson is None or self.example is not None or analysis is None:
            return ()
        written = self.lesson.scenes[self.index].written_for
        assert written is not None  # a scene's is its own scenario if not given
        return scene_changes(written, self._session.scenario(), analysis.formula)

    def _show_changes(self) -> None:
        """The caption struck through, with what changed and how to put it back, while the views no longer fit it.

        Changing η or the update sign in class left "η = 0.1: … towards the minimum at 3" over a run climbing away at
        η = 0.0316.
        """
        changes = self.shown_changes()
        hint = f" — {RESET_SCENE_KEY} puts the scene back as written" if self.key_hints else ""
        text = changes_text(changes) + hint if changes else ""
        self.caption_bar.show_changes(text, ", ".join(changes))
        self._follow_reset_notice(changes)

    def show_key_hints(self, shown: bool) -> None:
        """Name the keys that act on the caption (the editing window), or not (presenting: the audience sees it)."""
        self.key_hints = shown
        self._show_changes()

    def _follow_reset_notice(self, changes: tuple[str, ...]) -> None:
        """Take back the status bar's "Scene 1 is back as written: Ctrl+Z takes that back." once the scene put back is
        edited again; it stayed up before the audience on the next scene and in the next lesson."""
        if not self._reset_notice or self._window.controller.busy:  # the scene as written not shown yet
            return
        edits = replace(edited_part(self._session.scenario()), probe=None)  # a probe following the mouse edits nothing
        if self._reset_edits is None and not changes:
            self._reset_edits = edits
        elif changes or edits != self._reset_edits:
            self._forget_reset_notice()

    def _forget_reset_notice(self) -> None:
        """Clear the status bar's word that Shift+R put the scene back, if it still says so."""
        notice, self._reset_notice, self._reset_edits = self._reset_notice, "", None
        status = self._window.statusBar()
        if notice and status.currentMessage() == notice:
            status.clearMessage()

    def reset_scene(self) -> None:
        """Shift+R: the scene shown as its caption was written for it (as read, added, last saved or captioned anew),
        its clock, camera and look kept; Ctrl+Z takes it back as an edit. Not for a gallery example after the scene."""
        if self.lesson is None or self._on_its_way:
            return
        if self.example is not None:
            self._window.statusBar().showMessage(self.example_hides_scene("put it back as written"), 8000)
            return
        written = self.lesson.scenes[self.index].written_for
        assert written is not None
        self._window.open_scenario(written, restore=True)
        undo = ": Ctrl+Z takes that back" if self.key_hints else ""  # presenting, the audience reads it
        self._reset_notice = f"Scene {self.index + 1} is back as written{undo}."
        self._reset_edits = None  # until the scene as written is shown
        self._window.statusBar().showMessage(self._reset_notice, 6000)

    def _rearranged(self, lesson: Lesson, place: Callable[[int], int]) -> None:
        """Take the lesson as changed around the scene shown: scene `i` (neither the scene shown nor one on its way
        removed) is its scene place(i) now. The scene shown is not shown anew, nor one on its way asked for again.

        The edits made in the window since the scene was shown are the scene's now, at its new place: what the window
        shows is taken as the scene's state, so that an edit undone afterwards is undone in the lesson too.
        """
        self.lesson, self.index = lesson, place(self.index)
        if self._request is not None:  # still asked for as it was: it is shown at its new place
            self._request = replace(self._request, lesson=lesson, index=place(self._request.index))
        self.unshowable = None  # its number may belong to another scene now
        self._take_edits()
        self._show_caption()
        self.scene_changed.emit()

    def _heading_to(self) -> tuple[Lesson | None, int, bool]:
        """The lesson moved through, the scene on screen or on its way, and whether a gallery example after it is:
        keys pressed while a scene, an example or a lesson is on its way move on from there."""
        if self._opening is not None:
            return self._opening.lesson, self._opening.index, self._opening.example is not None
        if self._request is not None:
            return self._request.lesson, self._request.index, False
        return self.lesson, self.index, self._example_asked is not None or self.example is not None

    def show_scene(self, index: int) -> None:
        """Show scene `index` as the lesson describes it, or as it was left."""
        lesson = self._heading_to()[0]
        if lesson is None or not 0 <= index < len(lesson.scenes):
            return
        if self._window.statusBar().currentMessage() == LAST_SCENE_MESSAGE:
            self._window.statusBar().clearMessage()  # no longer true of the scene shown
        if self._opening is not None:
            self._start_opening(replace(self._opening, index=index, example=None))
            return
        self._ask_scene(index)

    def _ask_scene(self, index: int, removing: int | None = None) -> None:
        """Ask for scene `index` of the lesson as it is once that scene is shown: the lesson open, or without its scene
        `removing` (the scene shown, which goes once this one is shown). A scene still on its way is given up for it,
        the lesson it was headed to (a scene being removed with it) going on with this one.
        """
        self._take_edits()
        pending = self._request
        if removing is None and pending is not None:
            lesson, removing = pending.lesson, pending.removing
        else:
            lesson = without_scene(self.lesson, removing) if removing is not None else self.lesson
        request = SceneRequest(lesson, index, lesson.scenes[index].scenario, removing)
        self._request, self._example_asked = request, None  # an example on its way is given up for the scene
        doing = f"Removing scene {removing + 1}: loading" if removing is not None else "Loading"
        self._loading_text = f"{doing} scene {request.index_now + 1}…"
        self._loading_hint.start()
        self._window.open_scenario(request.scenario, keep_look=True)

    def _show_loading_hint(self) -> None:
        """A scene slow to prepare: the status bar says it is coming (the caption names the scene shown until then)."""
        if self._request is not None:
            self._window.statusBar().showMessage(self._loading_text)

    def _stop_loading_hint(self) -> None:
        """Nothing is loading now: the hint goes, if it shows."""
        self._loading_hint.stop()
        if self._loading_text and self._window.statusBar().full_message() == self._loading_text:
            self._window.statusBar().clearMessage()

    def next_scene(self) -> None:
        """The next scene (at the last one, say so), past one that just could not be shown."""
        lesson, index, _after_example = self._heading_to()
        if lesson is not None and index == len(lesson.scenes) - 1:
            self._window.statusBar().showMessage(LAST_SCENE_MESSAGE, 4000)
            return
        self.show_scene(self._skipping(index + 1, 1))

    def previous_scene(self) -> None:
        """The previous scene (from a gallery example shown after a scene: that scene), past one not shown just now."""
        _lesson, index, after_example = self._heading_to()
        self.show_scene(self._skipping(index - (not after_example), -1))

    def _skipping(self, index: int, step: int) -> int:
        """Scene `index`, or the one past it `step` on if it just could not be shown (and there is one to go to).

        A presenter pressing PgDn again after a scene failed to be shown got the same failure again and again.
        """
        lesson = self._heading_to()[0]
        if index != self.unshowable or lesson is None or not 0 <= index + step < len(lesson.scenes):
            return index
        self._window.statusBar().showMessage(f"Skipped scene {index + 1}: it could not be shown.", 6000)
        return index + step

    def first_scene(self) -> None:
        """The first scene."""
        self.show_scene(0)

    def last_scene(self) -> None:
        """The last scene."""
        lesson = self._heading_to()[0]
        if lesson is not None:
            self.show_scene(len(lesson.scenes) - 1)

    def scene_title(self) -> str:
        """'Lesson title — scene 3 / 7' while a lesson is open, else ''."""
        if self.lesson is None:
            return ""
        where = f"{self.example.title}, after scene" if self.example is not None else "scene"
        return f"{self.lesson.title or 'untitled lesson'} — {where} {self.index + 1} / {len(self.lesson.scenes)}"

    def _shown(self, index: int, example: Preset | None) -> None:
        """Scene `index`, or the gallery example after it, is on screen now: the caption, the title and the scenes
        list say so, and the window's edits from now on are the scene's (not the example's)."""
        self.index, self.example = index, example
        self._arrived = None if example is not None else edited_part(self._session.scenario())
        self._forget_reset_notice()  # said of the scene before
        self._stop_loading_hint()
        self._show_caption()
        self.scene_changed.emit()

    def _scenario_applied(self, scenario: Scenario) -> None:
        """The scene asked for is shown (an opening lesson's: the lesson is open now); any other scenario ends it."""
        opening, self._opening = self._opening, None
        request = self._request
        if opening is not None and scenario is opening.scenario:
            self._window.current_path = None
            self.lesson, self._saved, self.path = opening.lesson, opening.saved, opening.path
            self._request = self._example_asked = None  # an example shown in the lesson before goes with it
            self.unshowable = None
            self._present_at_scenes_scale(opening.lesson.scenes[opening.index].scenario)
            self._shown(opening.index, opening.example)
            self.lesson_opened.emit(self.lesson)
        elif request is not None and scenario is request.scenario:
            self._request, self.lesson = None, request.lesson
            if request.removing is not None or self.unshowable == request.index:  # renumbered, or shown this time
                self.unshowable = None
            self._present_at_scenes_scale(scenario)
            self._shown(request.index, None)
        elif self._example_asked is not None and scenario is self._example_asked.scenario:
            example, self._example_asked = self._example_asked, None
            self._shown(self.index, example)
            scene = self.index + 1
            self._window.statusBar().showMessage(
                f"{example.title} is shown after scene {scene}, not as a scene: Lessons → Add this view as a "
                f"scene (Alt+L, S) adds it. Scene {scene} keeps its edits and stays as it was.", 10000)
        elif self.lesson is not None:
            self.close_lesson()

    def _present_at_scenes_scale(self, scene: Scenario) -> None:
        """A scene shown is presented at the scale its file keeps for it, as a scenario file is (see
        Session.set_presenting_scale); the editing window keeps its own scale, and the window keeps its theme.

        Shown keeping the window's look (which a scene on its way must not undo when presenting is entered or left
        meanwhile), a lesson saved while presenting at 2.4 was presented at the lecturer's 1.6 again.
        """
        self._session.set_presenting_scale(scene.presentation_scale)

    def _scenario_failed(self, scenario: Scenario, why: str) -> None:
        """What was asked for could not be shown: all stays as it was, the formula box too, and the status bar (or,
        for a lesson opening, `opening_failed`) says why."""
        if self._opening is not None and scenario is self._opening.scenario:
            lesson, self._opening = self._opening.lesson, None
            self.opening_failed.emit(lesson, why)
        elif self._example_asked is not None and scenario is self._example_asked.scenario:
            example, self._example_asked = self._example_asked, None
            self._not_shown(f"The example “{example.title}” was not shown: {why.rstrip('.')}. {self._what_stays()} "
                            "stays shown.")
        elif self._request is not None and scenario is self._request.scenario:
            self._scene_failed(why)

    def _scene_failed(self, why: str) -> None:
        """The scene asked for could not be shown: the lesson stays at what is shown, which keeps its edits.

        The caption said the scene asked for while the window showed the one before, whose edits were then lost, and
        the formula box kept the failed scene's formula: Enter there put it in the scene shown. Moving on from there
        skips the scene (it is asked for again from the scenes list, Home or End).
        """
        request, self._request = self._request, None
        failed = request.index_now + 1
        self.unshowable = failed - 1
        reason = why.rstrip(".")
        if request.removing is not None:
            message = (f"Scene {request.removing + 1} was not removed: scene {failed}, to be shown in its place, could "
                       f"not be shown: {reason}. Scene {request.removing + 1} stays shown and in the lesson.")
        else:
            message = (f"Scene {failed} could not be shown: {reason}. {self._what_stays()} stays shown; moving on "
                       f"skips scene {failed}.")
        self._not_shown(message)
        self.scene_changed.emit()  # edits made while it was on its way are the scene shown's

    def _what_stays(self) -> str:
        """What stays shown when something asked for is not: 'Scene 2', or 'Saddle, after scene 2,'."""
        scene = self.index + 1
        return f"{self.example.title}, after scene {scene}," if self.example is not None else f"Scene {scene}"

    def _not_shown(self, message: str) -> None:
        """Something asked for in the lesson could not be shown: the status bar says why (the window puts the formula
        on screen back in the formula box: see MainWindow.show_formula_on_screen)."""
        self._stop_loading_hint()
        self._window.statusBar().showMessage(message, FAILED_MESSAGE_MS)

    def _scenario_dropped(self, scenario: Scenario) -> None:
        """Newer work (a formula typed, an undo) took the place of a scene, example or lesson on its way: it is not
        shown, and what is shown stays, as it was."""
        if self._request is not None and scenario is self._request.scenario:
            self._request = None
            self._stop_loading_hint()
            self.scene_changed.emit()  # edits made while it was on its way are the scene shown's
        elif self._example_asked is not None and scenario is self._example_asked.scenario:
            self._example_asked = None
        elif self._opening is not None and scenario is self._opening.scenario:
            self._opening = None

    def show_example(self, example: Preset) -> bool:
        """Show a gallery example after the current scene, the lesson staying open; False if no lesson is open.

        The example is not a scene until Lessons → Add this view as a scene adds it after the current one, which keeps
        the edits made before it and is not changed by it: moving to a scene leaves the example behind.
        """
        if self.lesson is None or self._opening is not None:
            return False
        if not self._window.commit_typing():
            return True  # waiting for a slow formula was cancelled: so is the example
        self._take_edits()
        self._request = None  # a scene on its way is given up for the example (a scene being removed stays)
        self._example_asked = example
        self._stop_loading_hint()
        self._window.open_scenario(example.scenario, keep_look=True)
        return True

    # ----- keys and clicker ------------------------------------------------------------------------------------
    @property
    def _busy(self) -> bool:
        """True while a scene or its runs are still being prepared (keys wait, so a double press skips nothing)."""
        return (self._on_its_way and self._window.controller.busy) or self._session.computing is not None

    def advance(self) -> None:
        """PageDown: play the run; while it plays, show its end; at its end, the next scene."""
        session, stepper = self._session, self._stepper
        if self._busy:
            return
        if stepper.playing:
            stepper.set_playing(False)
            session.set_step(session.last_step)
        elif session.step < session.last_step:
            stepper.set_playing(True)
        elif self.lesson is not None:
            self.next_scene()

    def retreat(self) -> None:
        """PageUp: back to the start of the run; at its start, the previous scene."""
        session, stepper = self._session, self._stepper
        if self._busy:
            return
        if stepper.playing or session.step > 0:
            stepper.set_playing(False)
            session.reset()
        elif self.lesson is not None:
            self.previous_scene()

    def step_forward(self) -> None:
        """Right: one step forward; at the end of a lesson scene's run, the next scene."""
        if self._busy:
            return
        if self.lesson is not None and self._session.step >= self._session.last_step:
            self.next_scene()
        else:
            self._stepper.step_by(1)

    def step_back(self) -> None:
        """Left: one step back; at the start of a lesson scene's run, the previous scene."""
        if self._busy:
            return
        if self.lesson is not None and self._session.step == 0:
            self.previous_scene()
        else:
            self._stepper.step_by(-1)
