"""Presentation mode: full screen without menus or editing controls, everything enlarged, in the projector theme.

The session's theme and presentation scale are what the window is drawn with. Entering presentation
mode sets them to the projector theme and the scale the scenario is presented at (its file's, saved while it was
presented), else the lecturer's remembered scale (1.6 at first; Ctrl+Plus and Ctrl+Minus change both), which is
the scale for a 1920 × 1080 screen: a larger screen draws everything as much larger, so text takes the same share
of it (2.13 at 2560 × 1440, 3.2 at 3840 × 2160), and a smaller one as large as it has room for. Outside presentation
mode a file's scale is only kept: the window keeps its own. Leaving puts back the theme, the scale, the window,
its bars, docks and splitter positions exactly as they were. Nothing else in the session changes. B or the period
key (a clicker's "blank screen" button) blanks the screen while presenting, and brings the picture back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import QApplication, QDialog, QDockWidget, QLabel, QMenu, QStyle, QToolBar, QWidget

from gradviz.app.actions import ActionFactory
from gradviz.app.settings import app_settings, remember
from gradviz.app.themes import theme_named
from gradviz.app.view_common import app_font_scale
from gradviz.core.scenario import MAX_PRESENTATION_SCALE, MIN_PRESENTATION_SCALE, THEMES

if TYPE_CHECKING:
    from gradviz.app.contour_view import ContourView
    from gradviz.app.main_window import MainWindow
    from gradviz.app.surface_view import SurfaceView

DEFAULT_PRESENTATION_SCALE = 1.6
REFERENCE_SCREEN = QSize(1920, 1080)  # the remembered scale is the one for a screen of this size
SCALE_STEP = 0.2
SCREEN_PIXELS_PER_SCALE = 400  # the screen height each unit of presentation scale needs for the views to keep room
PRESENTATION_THEME = "projector"
BLANK_COLOUR = "#000000"
THEME_KEY = "view/theme"
SCALE_KEY = "presentation/scale"


LAYOUT_SETTLE_DELAYS_MS = (50, 150, 400)
# The keys a presentation clicker sends for next and back (and play): while the screen is blank, they bring it back.
CLICKER_KEYS = frozenset({Qt.Key.Key_PageDown, Qt.Key.Key_PageUp, Qt.Key.Key_Right, Qt.Key.Key_Left,
                          Qt.Key.Key_Space})
# A status message while presenting: at most this share of the window wide, and this many lines high where it goes
# beside the equations or at the foot of the 3D view (see PresentationMode.message_rooms)…
MESSAGE_WIDTH_SHARE = 0.7
MESSAGE_MOST_LINES = 3
MESSAGE_GAP = 24  # …and this many pixels (times the presentation scale) from the equations or the view's foot
MESSAGE_STYLE = ("QLabel { background: rgba(20, 20, 20, 215); color: white; border-radius: 6px; "
                 "padding: 6px 12px; }")
# While presenting, the equations, their notes and the readout are drawn at least this many times the application
# font (times the presentation scale): the 3D view's numbers, at 18 pixels for a 12-pixel font. At the usual size,
# f's row and the step readout were the smallest text on the screen, the numbers a lecturer talks about.
PRESENTING_TEXT_FACTOR = 1.5
EQUATIONS_SHARE = 0.25  # of the screen's height: while presenting, taller equations and notes are drawn smaller…
EQUATIONS_SCALE_STEP = 0.1  # …in steps of this much presentation scale, down to the editing size at least
DIALOG_SCREEN_SHARE = 0.95  # the share of the screen an enlarged dialog may take at most
# How much smaller an enlarged dialog's text is tried each time it does not fit.
DIALOG_SCALE_STEP = 0.05


def remembered_presentation_scale() -> float:
    """The presentation scale the lecturer chose last time, for a 1920 × 1080 screen (1.6 at first)."""
    value = app_settings().value(SCALE_KEY, DEFAULT_PRESENTATION_SCALE)
    try:
        scale = float(value)
    except (TypeError, ValueError):
        return DEFAULT_PRESENTATION_SCALE
    return min(max(scale, MIN_PRESENTATION_SCALE), MAX_PRESENTATION_SCALE)


def largest_presentation_scale(screen_height: int) -> float:
    """The largest presentation scale a screen this high has room for: 1.8 on a 720-pixel projector, 2.7 at 1080,
    5.4 at 2160 (as much larger for the screen as 2.7 at 1080).

    At 1280 × 720 a scale of 3 left the views about 120 pixels high, and 2 squeezed the map to 300 × 150.
    """
    return max(MIN_PRESENTATION_SCALE, min(MAX_PRESENTATION_SCALE, round(screen_height / SCREEN_PIXELS_PER_SCALE, 1)))


def screen_scale_factor(screen: QSize) -> float:
    """How many times as large as a 1920 × 1080 screen this one is, at least 1: the scale grows by this much on it.

    At 2560 × 1440 the scale of 1.6 drew f, its partials and the readout at the pixels of a 1024 × 600 window, half
    their share of a 1080-pixel screen. A smaller screen keeps the scale, as far as it has room for it: text drawn
    smaller for it would be hard to read from the back of a hall.
    """
    return max(1.0, min(screen.width() / REFERENCE_SCREEN.width(), screen.height() / REFERENCE_SCREEN.height()))


def remembered_theme() -> str:
    """The theme chosen last time in the View menu."""
    theme = str(app_settings().value(THEME_KEY, "default"))
    return theme if theme in THEMES else "default"


def enlarge_dialog(dialog: QDialog, scale: float, natural: QSize | None = None) -> None:
    """Draw a dialog's text scale times larger, at a size grown to match: less if it would not fit its screen.

    natural: the dialog's size at the normal text size (None: what its layout asks for at each text size).
    Whatever it asks for, the dialog is no larger than its screen's room (the keys list scrolls in it then).
    """
    room = dialog.screen().availableGeometry().size() * DIALOG_SCREEN_SHARE

    def wanted_at(fitting: float) -> QSize:
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * fitting)
        dialog.setFont(font)
        return dialog.sizeHint() if natural is None else natural * fitting

    fitting = max(1.0, scale)
    wanted = wanted_at(fitting)
    overflow = max(wanted.width() / room.width(), wanted.height() / room.height())
    if overflow > 1.0:  # its size grows about as its text: one guess, then small steps (each a layout of all of it)
        fitting = max(1.0, fitting / overflow)
        wanted = wanted_at(fitting)
        while fitting > 1.0 and (wanted.width() > room.width() or wanted.height() > room.height()):
            fitting = max(1.0, fitting - DIALOG_SCALE_STEP)
            wanted = wanted_at(fitting)
    dialog.resize(wanted.boundedTo(room))


def scale_view(view: SurfaceView | ContourView, scale: float) -> None:
    """Enlarge a view's lines, markers and text."""
    view.set_presentation_scale(scale)


class LookPresenter:
    """Draws the window in the session's theme and presentation scale: colour map, text panels, fonts."""

    def __init__(self, window: MainWindow, scaled_widgets: Sequence[QWidget], presenting: Callable[[], bool],
                 presented_text: Sequence[QWidget] = ()) -> None:
        """Draw these widgets' text larger by the presentation scale; presenting() says if presentation mode is on.

        presented_text: those of them drawn at least PRESENTING_TEXT_FACTOR times the application font while presenting.
        """
        self._window = window
        self._presenting = presenting
        self._base_fonts = [(widget, QFont(widget.font())) for widget in scaled_widgets]
        self._presented_text = tuple(presented_text)
        session = window.session
        session.theme_changed.connect(lambda _theme: self.show_theme())
        session.presentation_scale_changed.connect(lambda _scale: self.show_scale())
        session.formula_changed.connect(lambda _analysis: self.fit_equations())  # after the panel laid them out
        window.formula_panel.field_note_changed.connect(self.fit_equations)
        self.show_theme()
        self.show_scale()
        self.show_font_scale()

    def show_theme(self) -> None:
        """Colour the views and the panels around them in the session's theme."""
        window = self._window
        theme = theme_named(window.session.theme)
        window.surface_view.set_colormap(theme.lut)
        window.contour_view.set_colormap(theme.lut)
        window.contour_presenter.redraw()  # the contour fill takes a new colour map on its next drawing
        palette = QPalette(QApplication.palette())
        if theme.panel_background:
            for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
                palette.setColor(role, QColor(theme.panel_background))
            for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
                palette.setColor(role, QColor(theme.text_colour))
        window.centralWidget().setPalette(palette)
        window.centralWidget().setAutoFillBackground(bool(theme.panel_background))

    def show_scale(self) -> None:
        """Enlarge the text panels and the views by the session's presentation scale."""
        scale = self._window.session.presentation_scale
        for widget, base in self._base_fonts:
            self._scale_font(widget, self._presented_base(widget, base), scale)
        self.fit_equations()
        for view in (self._window.surface_view, self._window.contour_view):
            scale_view(view, scale)
        self.show_caption_scale()

    def show_font_scale(self) -> None:
        """Draw the views' text as much larger as the application font is (see app_font_scale)."""
        scale = app_font_scale()
        for view in (self._window.surface_view, self._window.contour_view):
            view.set_font_scale(scale)

    def _presented_base(self, widget: QWidget, base: QFont) -> QFont:
        """The widget's font at scale 1: while presenting, the equations' and readout's at least PRESENTING_TEXT_FACTOR
        times the application font."""
        if widget not in self._presented_text or not self._presenting():
            return base
        font = QFont(base)
        font.setPointSizeF(max(base.pointSizeF(), QApplication.font().pointSizeF() * PRESENTING_TEXT_FACTOR))
        return font

    @staticmethod
    def _scale_font(widget: QWidget, base: QFont, scale: float) -> None:
        """Give the widget its base font this many times larger (unless it has that font already)."""
        font = QFont(base)
        font.setPointSizeF(base.pointSizeF() * scale)
        if font != widget.font():
            widget.setFont(font)

    def fit_equations(self) -> None:
        """While presenting, draw equations and notes taller together than EQUATIONS_SHARE of the screen, or equations
        wider than their area, smaller, to the editing size at least: Beale's three long lines at 1.8× left the views
        of a 1280 × 720 projector 150 pixels high, and a partial's cases ran past the right edge at 1280 × 800 behind
        a scroll bar. The notes shrink with the equations, at the same size: three notes under abs and max's
        partials took the views' room at 1280 × 800."""
        if not self._presenting():
            return
        panel = self._window.formula_panel
        label, notes, area = panel.derivatives_label, panel.notes_label, panel.equations_area
        fitted = [(widget, self._presented_base(widget, base)) for widget, base in self._base_fonts
                  if widget in (label, notes)]
        budget = EQUATIONS_SHARE * self._window.screen().geometry().height()
        scale = self._window.session.presentation_scale

        def draw_at(scale: float) -> None:
            for widget, base in fitted:  # the panel lays the equations out anew for the font
                self._scale_font(widget, base, scale)

        def fits() -> bool:
            equations = label.sizeHint()
            notes_height = 0
            if notes.isVisibleTo(panel):  # wrapped at the area's width, under the equations
                notes_height = notes.heightForWidth(area.viewport().width()) + area.widget().layout().spacing()
            return equations.height() + notes_height <= budget and equations.width() <= area.viewport().width()

        draw_at(scale)  # a new formula starts from the full size again
        while scale > 1.0 and not fits():
            scale = max(1.0, scale - EQUATIONS_SCALE_STEP)
            draw_at(scale)

    def show_caption_scale(self) -> None:
        """The lesson's caption at its size for presenting or editing, times the presentation scale."""
        self._window.lesson_player.caption_bar.show_caption_scale(self._window.session.presentation_scale,
                                                                  self._presenting())


@dataclass(frozen=True)
class MessageRoom:
    """A part of the window a presenting message may cover, and where in it the message goes."""

    rect: QRect
    alignment: Qt.AlignmentFlag


class PresentingMessage(QLabel):
    """The status bar's message while presenting hides the bar: a label over the picture where it covers nothing
    that matters (see PresentationMode.message_rooms).

    "Saved lecture.mp4", "This is the last scene of the lesson." and a refused run were not seen at all.
    It takes no room in the layout (the picture does not move) and goes when the message does.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("presenting_message")
        self.setStyleSheet(MESSAGE_STYLE)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def show_message(self, text: str, scale: float, rooms: Sequence[MessageRoom]) -> None:
        """Show this text (an empty one: hide), enlarged by the presentation scale, in the first of these rooms it fits
        in MESSAGE_MOST_LINES lines at most (else in the last)."""
        if not text or not rooms:
            self.hide()
            return
        window = self.parentWidget()
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * max(scale, 1.0))
        self.setFont(font)
        self.setText(text)
        self.setWordWrap(False)  # on one line if it fits (a wrapping label's size hint wraps early)
        one_line = self.sizeHint()
        self.setWordWrap(True)
        most_height = one_line.height() + (MESSAGE_MOST_LINES - 1) * self.fontMetrics().lineSpacing()
        for room in rooms:
            width = min(one_line.width(), room.rect.width(), round(window.width() * MESSAGE_WIDTH_SHARE))
            size = QSize(width, self.heightForWidth(width))
            if size.height() <= min(room.rect.height(), most_height):
                break
        self.setGeometry(QStyle.alignedRect(Qt.LayoutDirection.LeftToRight, room.alignment, size, room.rect))
        self.show()
        self.raise_()


@dataclass(frozen=True)
class _WindowLayout:
    """Everything presentation mode changes, as it was before."""

    window_state: Qt.WindowState
    geometry: QByteArray
    placed: QRect  # the window's own rectangle, given back exactly when it was neither maximized nor full screen
    bars_and_docks: QByteArray
    splitters: tuple[QByteArray, ...]
    menu_bar_visible: bool
    status_bar_visible: bool
    theme: str
    scale: float
    presenting_scale: float  # the scenario's, kept in a file saved while presenting


class PresentationMode(QObject):
    """F11: the window full screen for a lecture hall; F11 or Esc: back to the editing window as it was."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._saved: _WindowLayout | None = None
        window.session.set_theme(remembered_theme())
        panel = window.formula_panel
        presented_text = (panel.derivatives_label, panel.notes_label, window.stepper.readout)
        scaled = (*presented_text, *window.lesson_player.caption_bar.scaled_widgets())
        self.look = LookPresenter(window, scaled, lambda: self.active, presented_text)
        self._presenting_at = MIN_PRESENTATION_SCALE  # the scale for a 1920 × 1080 screen presented at, while active
        window.session.presenting_scale_changed.connect(lambda _scale: self._present_scenarios_scale())
        window.run_progress.visibility_changed.connect(self._show_run_progress)
        self.message = PresentingMessage(window)
        window.statusBar().messageChanged.connect(lambda _text: self._show_message())
        for changed in (window.session.formula_changed, window.session.presentation_scale_changed):
            changed.connect(lambda *_: self._place_message_again())

    def _place_message_again(self) -> None:
        """A message shown while new equations, or equations at another size, are laid out: place it again once
        they are (it could be over them now, or have room beside them)."""
        if self.message.isVisible():
            QTimer.singleShot(0, self._window, self._show_message)

    @property
    def active(self) -> bool:
        """True while presenting."""
        return self._saved is not None

    def add_actions(self, menu: QMenu, make_action: ActionFactory) -> None:
        """Put presentation mode, the projector theme and the scale keys in the View menu."""
        presenting = make_action("Presentation &mode", self.toggle, "F11",
                                 "Full screen, large and high-contrast, without editing controls")
        presenting.setShortcuts(["F11", "F5"])
        menu.addAction(presenting)
        self._leave_action = make_action("L&eave presentation mode", self.leave, "Esc")
        self._leave_action.setEnabled(self.active)  # Esc also stops long runs: only one may hold it at a time
        menu.addAction(self._leave_action)
        blank = make_action("&Blank the screen while presenting", self.toggle_blank, "B")
        blank.setShortcuts(["B", "."])
        menu.addAction(blank)
        larger = make_action("Larger &for presenting", lambda: self.change_scale(SCALE_STEP), "Ctrl++")
        larger.setShortcuts(["Ctrl++", "Ctrl+="])
        menu.addAction(larger)
        menu.addAction(make_action("&Smaller for presenting", lambda: self.change_scale(-SCALE_STEP), "Ctrl+-"))
        projector = make_action("Pro&jector theme", self.toggle_projector_theme, None,
                                "Light, high-contrast colours that survive a projector")
        projector.setCheckable(True)
        projector.setChecked(self._window.session.theme == PRESENTATION_THEME)
        self._window.session.theme_changed.connect(lambda theme: projector.setChecked(theme == PRESENTATION_THEME))
        menu.addAction(projector)

    def _show_run_progress(self, visible: bool) -> None:
        """While presenting, the status bar comes back for as long as a long run's progress shows (with Stop)."""
        if self.active:
            self._window.statusBar().setVisible(visible)

    def _show_message(self) -> None:
        """While presenting with the status bar hidden (and the screen not blank), its message over the picture."""
        window = self._window
        status_bar = window.statusBar()
        shown = self.active and not status_bar.isVisible() and window.centralWidget().isVisible()
        text = status_bar.full_message() if shown and status_bar.currentMessage() else ""
        self.message.show_message(text, window.session.presentation_scale, self.message_rooms() if text else ())

    def message_rooms(self) -> list[MessageRoom]:
        """Where a message may go while presenting, in the window, the first it fits in first: right of the equations
        (in their row's height, above any notes under them), then the foot of the 3D view; else the foot of the
        picture, never over the runs' readout below it. Over the foot of both views, it covered the map's x ticks.
        """
        window = self._window
        gap = round(MESSAGE_GAP * window.session.presentation_scale)
        panel = window.formula_panel
        area, equations, notes = panel.equations_area, panel.derivatives_label, panel.notes_label
        rooms = []
        if area.isVisible() and equations.isVisible():
            top_left = equations.mapTo(window, QPoint(equations.sizeHint().width() + gap, 0))
            area_bottom = area.mapTo(window, QPoint(0, area.height())).y()
            bottom = min(area_bottom, notes.mapTo(window, QPoint()).y() if notes.isVisible() else area_bottom)
            right = panel.mapTo(window, QPoint(panel.width(), 0)).x() - gap // 2
            beside = QRect(top_left, QPoint(right, bottom))
            if beside.isValid():  # equations wider than the window scroll: no room beside them
                rooms.append(MessageRoom(beside, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
        surface, views = window.surface_view, window.view_splitter
        if surface.isVisible() and surface.width() > 0:
            foot = QRect(surface.mapTo(window, QPoint()), surface.size()).adjusted(gap, 0, -gap, -gap)
            rooms.append(MessageRoom(foot, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom))
        views_rect = QRect(views.mapTo(window, QPoint()), views.size()) if views.isVisible() else window.rect()
        rooms.append(MessageRoom(views_rect.adjusted(0, 0, 0, -gap), Qt.AlignmentFlag.AlignHCenter
                                 | Qt.AlignmentFlag.AlignBottom))
        return rooms

    def toggle(self) -> None:
        """Enter presentation mode, or leave it."""
        if self.active:
            self.leave()
        else:
            self.enter()

    def enter(self) -> None:
        """Go full screen with only the caption, the equations, the views and the readout, all enlarged."""
        if self.active:
            return
        window, session = self._window, self._window.session
        self._saved = _WindowLayout(
            window_state=window.windowState(),
            geometry=window.saveGeometry(),
            placed=window.geometry(),
            bars_and_docks=window.saveState(),
            splitters=tuple(splitter.saveState() for splitter in self._splitters()),
            menu_bar_visible=window.menuBar().isVisibleTo(window),
            status_bar_visible=window.statusBar().isVisibleTo(window),
            theme=session.theme,
            scale=session.presentation_scale,
            presenting_scale=session.presenting_scale,
        )
        self._leave_action.setEnabled(True)
        window.update_stop_action()
        window.stepper.set_presenting(True)
        window.contour_view.allow_keys(False)  # a clicker's → and ← step the run, even after the map was dragged
        for widget in self._chrome():
            widget.hide()
        self._show_run_progress(window.run_progress.shown)
        window.lesson_player.show_notes(False)  # a projector mirroring the screen shows them only when asked
        self._show_key_hints(False)
        session.set_theme(PRESENTATION_THEME)
        self._present_at(self._scale_to_present())
        self.look.show_scale()  # the equations and readout at their presenting size, whether the scale changed or not
        window.showFullScreen()
        QTimer.singleShot(0, self._window, self._fit_panels)

    def leave(self) -> None:
        """Back to the editing window exactly as it was before presenting."""
        saved, self._saved = self._saved, None
        if saved is None:
            return
        self._leave_action.setEnabled(False)
        self._window.update_stop_action()
        window, session = self._window, self._window.session
        window.stepper.set_presenting(False)
        window.contour_view.allow_keys(True)
        self._show_key_hints(True)
        self._show_blank(False)
        self.message.hide()  # the scale is remembered when the lecturer changes it, not here: capped by a small
        session.set_theme(saved.theme)  # projector's screen, it lowered the scale remembered for the usual one
        session.set_presentation_scale(saved.scale)
        session.set_presenting_scale(saved.presenting_scale)
        self.look.show_scale()
        for widget in self._editing_controls():
            widget.show()
        window.menuBar().setVisible(saved.menu_bar_visible)
        window.statusBar().setVisible(saved.status_bar_visible)
        window.setWindowState(saved.window_state)
        window.restoreGeometry(saved.geometry)
        if not saved.window_state & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
            # restoreGeometry keeps a window inside the screen with a guessed title bar and border: without a window
            # manager one as large as the screen came back 2 pixels narrower, 26 lower and moved by them
            window.setGeometry(saved.placed)
        self._restore_layout(saved)
        # the window system resizes the window back a little later, which would share its width out anew
        for delay in LAYOUT_SETTLE_DELAYS_MS:
            QTimer.singleShot(delay, self._window, lambda: self._restore_layout(saved))

    def _show_key_hints(self, shown: bool) -> None:
        """The map's notes and the caption name the keys that act on them while editing; presenting, they keep the
        facts ("scales differ", "Changed: η = 0.174") and leave out the keys: the lecturer's, not the audience's."""
        self._window.probe_presenter.show_key_hints(shown)
        self._window.lesson_player.show_key_hints(shown)

    def _restore_layout(self, saved: object) -> None:
        """Put docks, toolbars and splitters back as they were before presenting (unless presenting again)."""
        if self.active:
            return
        self._window.restoreState(saved.bars_and_docks)  # type: ignore[attr-defined]
        for splitter, state in zip(self._splitters(), saved.splitters, strict=True):  # type: ignore[attr-defined]
            splitter.restoreState(state)

    def toggle_blank(self) -> None:
        """While presenting, black out the screen, or bring the picture back."""
        if self.active:
            self._show_blank(self._window.centralWidget().isVisible())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """While blank, a clicker's key brings the picture back and does nothing else (PgDown played the run unseen)."""
        if event.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or not isinstance(event, QKeyEvent):
            return False
        if event.key() not in CLICKER_KEYS or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        event.accept()  # the override taken: no shortcut runs, and the key press comes here
        if event.type() == QEvent.Type.KeyPress:
            self._show_blank(False)
        return True

    def _show_blank(self, blank: bool) -> None:
        window = self._window
        if blank:  # installing it again only moves it to the front; removing one not installed does nothing
            window.stepper.set_playing(False)  # the run waits for the audience, not played on unseen
            QApplication.instance().installEventFilter(self)
        else:
            QApplication.instance().removeEventFilter(self)
        window.centralWidget().setVisible(not blank)
        self._show_message()
        palette = QPalette()
        if blank:
            palette = QPalette(window.palette())
            palette.setColor(QPalette.ColorRole.Window, QColor(BLANK_COLOUR))
        window.setPalette(palette)

    def largest_scale(self) -> float:
        """The largest scale the window's screen has room for (see largest_presentation_scale)."""
        return largest_presentation_scale(self._window.screen().availableGeometry().height())

    def change_scale(self, step: float) -> None:
        """Make everything larger (positive step) or smaller, as far as the screen has room for; while presenting,
        the scenario is presented at it, and the lecturer's next presentations start at it."""
        session = self._window.session
        scale = round(session.presentation_scale + step, 2)
        if step > 0:
            scale = max(min(scale, self.largest_scale()), session.presentation_scale)
        session.set_presentation_scale(scale)
        if self.active:  # kept as the scale for a 1920 × 1080 screen
            self._presenting_at = round(session.presentation_scale / self._screen_factor(), 2)
            session.set_presenting_scale(self._presenting_at)
            remember(SCALE_KEY, self._presenting_at)

    def _screen_factor(self) -> float:
        """How much larger than the remembered scale the window's screen draws (see screen_scale_factor)."""
        return screen_scale_factor(self._window.screen().geometry().size())

    def _scale_to_present(self) -> float:
        """The scale for a 1920 × 1080 screen to present at: the scenario's (its file's), else the lecturer's."""
        asked = self._window.session.presenting_scale
        return asked if asked > MIN_PRESENTATION_SCALE else remembered_presentation_scale()

    def _present_at(self, scale: float) -> None:
        """Present the scenario at this scale for a 1920 × 1080 screen: drawn as much larger as the window's screen
        is, as far as it has room for (the remembered scale is left alone: see leave)."""
        session = self._window.session
        self._presenting_at = scale
        session.set_presenting_scale(scale)
        session.set_presentation_scale(min(round(scale * self._screen_factor(), 2), self.largest_scale()))

    def _present_scenarios_scale(self) -> None:
        """A scenario opened while presenting is presented at its own scale (or the lecturer's, without one)."""
        if self.active and self._window.session.presenting_scale != self._presenting_at:
            self._present_at(self._scale_to_present())

    def toggle_projector_theme(self) -> None:
        """Switch between the default and the projector theme, and remember the choice."""
        session = self._window.session
        session.set_theme("default" if session.theme == PRESENTATION_THEME else PRESENTATION_THEME)
        remember(THEME_KEY, session.theme)

    def _splitters(self) -> tuple[QWidget, ...]:
        return (self._window.main_splitter, self._window.view_splitter)

    def _editing_controls(self) -> tuple[QWidget, ...]:
        """The formula box, domain, run settings and scene buttons: hidden while presenting."""
        window = self._window
        return (window.formula_panel.editor_row, window.formula_panel.domain_widget, window.stepper.controls,
                window.lesson_player.caption_bar.buttons)

    def _chrome(self) -> list[QWidget]:
        """What presenting hides: menus, bars, docks and the editing controls."""
        window = self._window
        bars = [bar for bar in window.findChildren(QToolBar) if bar.parent() is window]
        docks = [dock for dock in window.findChildren(QDockWidget) if dock.parent() is window]
        return [window.menuBar(), window.statusBar(), *bars, *docks, *self._editing_controls()]

    def _fit_panels(self) -> None:
        """Give the equations and the readout the room their large text needs, the views the rest."""
        if not self.active:
            return
        window = self._window
        self.look.fit_equations()  # at the full screen's width: the equations may fit in fewer lines
        splitter = window.main_splitter
        stepper = window.stepper  # rows that wrap need their height at the splitter's width, not at the panel's now
        top, bottom = window.formula_panel.sizeHint().height(), stepper.heightForWidth(splitter.width())
        if bottom < 0:  # nothing in it wraps
            bottom = stepper.sizeHint().height()
        splitter.setSizes([top, max(splitter.height() - top - bottom, 1), bottom])
