"""The main window: formula editor above, 3D surface and contour panel side by side, stepper below."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDockWidget,
    QFileDialog,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStyle,
    QWidget,
)

from gradviz import __version__
from gradviz.app.basins_keeper import BasinsKeeper
from gradviz.app.camera_link import CameraLink
from gradviz.app.contour_view import ContourView
from gradviz.app.document import DocumentKeeper
from gradviz.app.edit_history import UndoKeeper
from gradviz.app.entry_keys import KeyboardFocus, field_left, numbered_entry
from gradviz.app.export_dialog import VideoExportRun, copy_picture_from, export_image_from, export_video_from
from gradviz.app.formula_controller import FormulaController
from gradviz.app.formula_panel import FormulaPanel
from gradviz.app.lesson_player import LessonPlayer
from gradviz.app.number_box import NumberBox
from gradviz.app.panel_heights import PanelHeights
from gradviz.app.point_dialog import ask_point
from gradviz.app.presentation import PresentationMode, enlarge_dialog
from gradviz.app.presenters import ContourPresenter, SurfacePresenter
from gradviz.app.probe_presenter import ProbePresenter
from gradviz.app.run_progress import RunProgress
from gradviz.app.run_scheduler import SlicedRunScheduler
from gradviz.app.scene_list import install_scenes_dock
from gradviz.app.settings import remember_all, saved_bytes
from gradviz.app.settings_notice import SettingsNotice
from gradviz.app.shortcuts_help import ShortcutsDialog
from gradviz.app.single_repaint import SingleRepaint
from gradviz.app.status_bar import ElidingStatusBar, ReadoutLabel
from gradviz.app.stepper_panel import NumberEdit, StepperPanel, lr_to_slider, slider_to_lr
from gradviz.app.surface_view import SurfaceView
from gradviz.app.syntax_help_dialog import SYNTAX_HELP_SIZE, SyntaxHelpDialog
from gradviz.app.teaching_docks import install_teaching_docks, share_dock_column
from gradviz.core.analysis import Analysis
from gradviz.core.critical import critical_count
from gradviz.core.notation import (
    for_function,
    format_number,
    format_value,
    format_values,
    latex_equations,
    unicode_name,
)
from gradviz.core.presets import DEFAULT_PRESET, Preset, all_presets, find_preset
from gradviz.core.scenario import Scenario
from gradviz.core.session import NOT_A_RANGE, RUN_REFUSED, Session

SCENARIO_FILTER = "gradviz scenarios and lessons (*.gradviz.json *.json);;All files (*)"
SPEED_KEY_FACTOR = 2.0  # ] and [ double and halve the playback speed
LR_KEY_STEP = 10  # slider positions per +/- key press (a tenth of a decade)
RANGE_FOLLOW_MS = 150
TAB_STOPS_PASSED = 60  # at most this many controls behind docks' tabs passed by one Tab
FORMULA_REFUSED = "Formula not used"  # how the status bar says a typed formula was not taken
FIRST_SIZE = QSize(1600, 1000)  # the window's size at the first launch…
FIRST_SIZE_SCREEN_SHARE = 0.9  # …at most this share of the screen's room: Play and the status bar stay on it


class MainWindow(QMainWindow):
    """The gradviz main window; every panel observes one Session."""

    def __init__(self, session: Session | None = None) -> None:
        super().__init__()
        self.setStatusBar(ElidingStatusBar(self))
        self.session = session or Session()
        self.run_scheduler = SlicedRunScheduler(self)
        self.session.run_scheduler = self.run_scheduler
        self.controller = FormulaController(self.session, self)
        self.current_path: Path | None = None
        self.setWindowTitle("gradviz")
        self.setAcceptDrops(True)  # a scenario or lesson file dropped on the window opens
        self.syntax_help: SyntaxHelpDialog | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.single_repaint = SingleRepaint(self)

        self.surface_view = SurfaceView()
        self.surface_view.setAccessibleName("3D surface")
        self.contour_view = ContourView()
        self.contour_view.setAccessibleName("Contour map")
        self.surface_presenter = SurfacePresenter(self.session, self.surface_view)
        self.contour_presenter = ContourPresenter(self.session, self.contour_view)
        self.basins_keeper = BasinsKeeper(self.session, lambda message: self.statusBar().showMessage(message, 8000))
        self.probe_presenter = ProbePresenter(self.session, self.surface_view, self.contour_view)
        self.formula_panel = FormulaPanel(self.session, self.controller)
        self.controller.scenario_failed.connect(self.show_formula_on_screen)
        self.stepper = StepperPanel(self.session)

        self.view_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.view_splitter.setObjectName("view_splitter")
        self.view_splitter.addWidget(self.surface_view)
        self.view_splitter.addWidget(self.contour_view)
        self.surface_view.raise_()  # painted after the map, while OpenGL has been drawing it meanwhile
        self.view_splitter.setChildrenCollapsible(True)
        self.view_splitter.setStretchFactor(0, 1)
        self.view_splitter.setStretchFactor(1, 1)
        self.view_splitter.setSizes([800, 800])
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.setObjectName("main_splitter")
        self.main_splitter.addWidget(self.formula_panel)
        self.main_splitter.addWidget(self.view_splitter)
        self.main_splitter.addWidget(self.stepper)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setCollapsible(1, False)
        self.panel_heights = PanelHeights(self.main_splitter)
        self.setCentralWidget(self.main_splitter)

        self.hover_label = ReadoutLabel()
        self.statusBar().addPermanentWidget(self.hover_label)
        self.run_progress = RunProgress(self.session)
        self.statusBar().addPermanentWidget(self.run_progress)
        self.settings_notice = SettingsNotice(self.statusBar(), self)
        self._pending_range: tuple[tuple[float, float], tuple[float, float]] | None = None
        self._critical_told = ""  # what the status bar last said of the critical points marked
        self._range_timer = QTimer(self)
        self._range_timer.setSingleShot(True)
        self._range_timer.setInterval(RANGE_FOLLOW_MS)
        self._range_timer.timeout.connect(self._apply_pending_range)

        self.contour_view.hovered.connect(self._show_hover)
        self.contour_view.hover_left.connect(self.hover_label.clear)  # no readout of a point the pointer left
        self.session.field_changed.connect(self._renew_hover)  # after the presenters: the map shows the new ranges
        self.contour_view.clicked.connect(self._set_start)
        self.contour_view.start_dragged.connect(self._set_start)
        self.contour_view.range_changed.connect(self._follow_range)
        self.contour_view.fit_requested.connect(self._show_opened_ranges)
        self.contour_view.keys_taken.connect(self._tell_map_keys)
        self.formula_panel.preset_chosen.connect(self.open_preset)
        self.session.error_changed.connect(self._show_error_in_status)
        self.session.notice.connect(lambda message: self.statusBar().showMessage(message, 8000))
        for panel in (self.stepper, self.formula_panel):
            panel.message.connect(lambda message: self.statusBar().showMessage(message, 8000))
            panel.message_taken_back.connect(self.statusBar().take_back)
        self.session.runs_changed.connect(self._forget_refused_run)
        self.session.plot_changed.connect(self._forget_refused_range)
        self.camera_link = CameraLink(self.session, self.surface_view)
        self.lesson_player = LessonPlayer(self)
        self.presentation = PresentationMode(self)
        self.document = DocumentKeeper(self)
        self.edit_history = UndoKeeper(self, self._action)
        self._build_actions()
        self.keyboard_focus = KeyboardFocus(self)
        self.teaching_docks = install_teaching_docks(self)
        self.scenes_dock = install_scenes_dock(self, self._action)
        self._restore_layout()
        self._enable_controls_with_a_formula()
        self.session.formula_changed.connect(self._enable_controls_with_a_formula)
        self._described = ("", "")  # the formula of the preset last opened, and its description while shown
        self.session.formula_changed.connect(self._forget_description)

    def _enable_controls_with_a_formula(self, *_: object) -> None:
        """The domain and run controls wait (greyed) until a formula has been analysed: until then they hold nothing."""
        ready = self.session.analysis is not None
        for widget in (self.formula_panel.domain_widget, self.stepper.controls):
            widget.setEnabled(ready)

    # ----- actions -------------------------------------------------------------------------------------------
    def _action(self, text: str, slot: object, shortcut: str | QKeySequence.StandardKey | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{action.iconText()} ({keys})")  # the toolbar's buttons name their keys
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self._action("&New scenario", self.new_scenario, QKeySequence.StandardKey.New,
                                         "Start again, untitled, from the first example (asks about unsaved edits)"))
        open_action = self._action("&Open scenario…", self.open_file_dialog, QKeySequence.StandardKey.Open)
        file_menu.addAction(open_action)
        file_menu.addAction(self._action("Open &lesson…", self.document.open_lesson_dialog))
        file_menu.addMenu(self.document.recent_menu)
        save_action = self.save_action = self._action("&Save scenario", self.save, QKeySequence.StandardKey.Save)
        file_menu.addAction(save_action)
        save_as_action = self._action("Save scenario &as…", self.save_as, QKeySequence.StandardKey.SaveAs)
        file_menu.addAction(save_as_action)
        self.document.name_save_actions(save_action, save_as_action)
        file_menu.addAction(self._action("Type a &formula", self.formula_panel.edit_formula, "Ctrl+L",
                                         "Put the cursor in the formula box; Enter uses the formula and hands the "
                                         "keys back to the window"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("Export &image…", lambda: export_image_from(self), "Ctrl+E",
                                         "Save the views as PNG, or the contour map as SVG, at any size"))
        file_menu.addAction(self._action("Export &video…", lambda: export_video_from(self), "Ctrl+Shift+E",
                                         "Save the descent as MP4, GIF or PNG frames"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))

        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self.edit_history.undo_action)
        edit_menu.addAction(self.edit_history.redo_action)
        edit_menu.addSeparator()
        self.copy_latex_action = self._action("Copy f and its partials as &LaTeX", self._copy_equations_as_latex,
                                              "Ctrl+Shift+C", "One line each: f(x, y) = … and ∂f/∂x = …, as typed")
        edit_menu.addAction(self.copy_latex_action)
        edit_menu.addAction(self._action("Copy &picture", lambda: copy_picture_from(self), "Ctrl+Alt+C",
                                         "The current step as a picture for slides, drawn as Export image draws it"))
        self.formula_panel.derivatives_label.add_copy_action(self.copy_latex_action)
        edit_menu.aboutToShow.connect(self.edit_history.record)  # names the edit just made

        run_menu = menu.addMenu("&Run")
        self.play_action = self._action("Pl&ay / pause", self.stepper.toggle_playing, "Space")
        run_menu.addAction(self.play_action)
        step_action = self._action("Step &forward", self.lesson_player.step_forward, "Right")
        run_menu.addAction(step_action)
        run_menu.addAction(self._action("Step &back", self.lesson_player.step_back, "Left"))
        reset_action = self._action("&Reset", self._reset, "R")
        run_menu.addAction(reset_action)
        run_menu.addAction(self._action("Flip update &sign", self.stepper.flip_sign, "S",
                                        "Switch between w − η∇f and w + η∇f"))
        run_menu.addAction(self._action("Set the start &point…", self._type_start, None,
                                        "Type the coordinates where the selected run starts (as a click on the map)"))
        run_menu.addAction(self._action("&Larger learning rate", lambda: self._nudge_lr(LR_KEY_STEP), "+"))
        run_menu.addAction(self._action("S&maller learning rate", lambda: self._nudge_lr(-LR_KEY_STEP), "-"))
        run_menu.addAction(self._action("Play fas&ter", lambda: self._scale_speed(SPEED_KEY_FACTOR), "]",
                                        "Twice the steps per second (also while presenting, where the box is hidden)"))
        run_menu.addAction(self._action("Play slo&wer", lambda: self._scale_speed(1 / SPEED_KEY_FACTOR), "["))
        run_menu.addSeparator()
        self.stop_computing_action = self._action("Stop &computing the runs", self.session.stop_computing, "Esc",
                                                  "Keep the steps computed so far; the step budget shrinks to match")
        self.stop_computing_action.setEnabled(False)
        self.session.computing_changed.connect(self.update_stop_action)
        run_menu.addAction(self.stop_computing_action)

        view_menu = menu.addMenu("&View")
        reset_view_action = self._action("Reset 3D &view", self.camera_link.reset_view, "Ctrl+0")
        top_view_action = self._action("&Top view", self.camera_link.top_view, "T")
        view_menu.addAction(reset_view_action)
        view_menu.addAction(top_view_action)
        view_menu.addAction(self._action("&Zoom out to the runs / back", self._show_runs, "Z",
                                         "Widen the plotted ranges to hold every run up to the current step; "
                                         "pressed again, back to the ranges before"))
        self.arrows_action = self._action("A&rrows show −∇f (descent direction)", self._toggle_arrows, "D")
        self.arrows_action.setCheckable(True)
        view_menu.addAction(self.arrows_action)
        self.log_action = self._action("&Log height", lambda: self._flip_view_option("log_height"), "L",
                                       "Compress tall surfaces such as Rosenbrock's valley")
        self.show_arrows_action = self._action("&Gradient arrows on the map", lambda: self._flip_view_option(
            "show_arrows"), "A", "Show or hide the field of gradient arrows on the contour map")
        self.fill_action = self._action("Filled conto&urs", lambda: self._flip_view_option("contour_fill"), "F",
                                        "Colour the map between its level lines, or draw the lines alone, "
                                        "each in its level's colour")
        self.critical_action = self._action("&Critical points (∇f = 0)", self._flip_critical_points, "C",
                                            "Mark where the gradient is zero: minima, maxima and saddle points, named")
        self.basins_action = self._action("Basins: &where descent from each start ends", lambda: self._flip_view_option(
            "basins"), "W", "Colour the map by where run 1's descent, started there, would end (any optimizer but "
                           "Newton's method)")
        for action in (self.log_action, self.show_arrows_action, self.fill_action, self.critical_action,
                       self.basins_action):
            action.setCheckable(True)
            view_menu.addAction(action)
        self.probe_presenter.add_actions(view_menu, self._action)
        view_menu.addSeparator()
        self.camera_link.add_actions(view_menu, self._action)
        view_menu.addSeparator()
        self.presentation.add_actions(view_menu, self._action)
        self.session.view_changed.connect(self._show_view_options)
        self.session.plot_changed.connect(self._show_view_options)
        self._show_view_options()
        # after the map's presenter drew; a new field (formula, range, held value) gets its count, as C gives it
        self.session.field_changed.connect(lambda _field: self._tell_critical_points(counted=True))
        self.session.view_changed.connect(self._tell_critical_points)

        gallery_menu = menu.addMenu("&Gallery")
        for position, preset in enumerate(all_presets()):
            action = gallery_menu.addAction(numbered_entry(position, preset.title))
            action.setStatusTip(preset.description)
            action.triggered.connect(lambda _checked=False, chosen=preset: self.open_preset(chosen))
        self.lesson_player.add_actions(menu.addMenu("&Lessons"), self._action)

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        style = self.style()
        for action, icon in (
            (open_action, QStyle.StandardPixmap.SP_DialogOpenButton),
            (save_action, QStyle.StandardPixmap.SP_DialogSaveButton),
            (self.play_action, QStyle.StandardPixmap.SP_MediaPlay),
            (step_action, QStyle.StandardPixmap.SP_MediaSeekForward),
            (reset_action, QStyle.StandardPixmap.SP_MediaSkipBackward),
        ):
            action.setIcon(style.standardIcon(icon))
            toolbar.addAction(action)
        toolbar.addSeparator()
        self.basins_action.setIconText("Basins")  # on the toolbar
        for action in (reset_view_action, top_view_action, self.arrows_action, self.log_action, self.critical_action,
                       self.basins_action):
            toolbar.addAction(action)

        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", self._show_shortcuts, "F1"))
        help_menu.addAction(self._action("&Writing formulas…", self._show_syntax_help, "Shift+F1",
                                         "What the formula box understands, with examples to try"))
        help_menu.addAction(self._action("&About gradviz", self._show_about))

    def update_stop_action(self, *_: object) -> None:
        """Esc stops long runs; while presenting it leaves presentation mode instead (one key, one action)."""
        self.stop_computing_action.setEnabled(self.session.computing is not None and not self.presentation.active)

    def _reset(self) -> None:
        self.stepper.set_playing(False)
        self.session.reset()

    def _nudge_lr(self, positions: int) -> None:
        if self.session.run_specs:
            lr = self.session.run_specs[0].lr
            self.session.update_run(0, lr=slider_to_lr(lr_to_slider(lr) + positions))

    def _scale_speed(self, factor: float) -> None:
        speed = self.stepper.scale_speed(factor)
        self.statusBar().showMessage(f"Playing {format_number(speed)} steps per second", 3000)

    def _show_runs(self) -> None:
        """Widen the plotted ranges to the runs; when they fit, go back to the ranges before (or say they fit)."""
        if self.session.show_runs():
            self.statusBar().showMessage("Zoomed out to the runs: Z again goes back.", 4000)
        elif self.session.zoom_back():
            self.statusBar().showMessage("Back to the ranges before zooming out.", 4000)
        elif not self.session.runs:
            self.statusBar().showMessage("No run to zoom out to.", 4000)
        else:
            self.statusBar().showMessage("Every run is inside the plotted ranges already.", 4000)

    def _copy_equations_as_latex(self) -> None:
        """Put f and its partial derivatives on the clipboard as LaTeX, one equation per line."""
        if self.session.analysis is None:
            self.statusBar().showMessage("No formula to copy yet.", 4000)
            return
        lines = latex_equations(self.session.analysis.derivatives)
        QApplication.clipboard().setText("\n".join(lines))
        partials = "its partial" if len(lines) == 2 else f"its {len(lines) - 1} partials"
        self.statusBar().showMessage(f"Copied f and {partials} as LaTeX, one per line.", 4000)

    def _toggle_arrows(self) -> None:
        self.session.set_view(arrows="downhill" if self.session.view.arrows == "uphill" else "uphill")

    def _tell_critical_points(self, _changed: object = None, counted: bool = False) -> None:
        """Say why in the status bar when critical points are asked for but cannot all be found; if counted, what
        was marked (a new formula typed with them on said nothing). Once none are marked, what was said of them goes:
        "Marked a saddle point" stayed over Booth's map, opened without them, as if it were marked there."""
        critical = self.session.critical_points() if self.session.view.critical_points else None
        told = ""
        if critical is not None and not critical.complete:
            told = f"Critical points not marked: {critical.left_out}. Narrow the plotted ranges."
        elif critical is not None and counted:
            told = for_function(critical_count(critical), self.session.analysis.formula.name)  # "…where ∇L is…"
        status = self.statusBar()
        if told:
            status.showMessage(told, 8000)
        elif critical is None and self._critical_told and status.full_message() == self._critical_told:
            status.clearMessage()
        if told or critical is None:
            self._critical_told = told

    def _flip_critical_points(self) -> None:
        """Mark the critical points, or stop; once marked, count them in the status bar."""
        self._flip_view_option("critical_points")
        self._tell_critical_points(counted=True)

    def _flip_view_option(self, name: str) -> None:
        """Switch one of the session's on/off view options."""
        self.session.set_view(**{name: not getattr(self.session.view, name)})

    def _show_view_options(self, _changed: object = None) -> None:
        """Tick the view options the session has; the map's own are for a map, not a curve."""
        view = self.session.view
        self.arrows_action.setChecked(view.arrows == "downhill")
        self.log_action.setChecked(view.log_height)
        self.show_arrows_action.setChecked(view.show_arrows)
        self.fill_action.setChecked(view.contour_fill)
        self.critical_action.setChecked(view.critical_points)
        self.basins_action.setChecked(view.basins)
        on_a_map = len(self.session.plot.axes) == 2
        for action in (self.show_arrows_action, self.fill_action):
            action.setEnabled(on_a_map)

    def _show_shortcuts(self) -> None:
        """Show the keys beside the window (made anew: the keys of the panels' menus may have changed)."""
        if self.shortcuts_dialog is not None:
            self.shortcuts_dialog.deleteLater()
        self.shortcuts_dialog = ShortcutsDialog(self)
        enlarge_dialog(self.shortcuts_dialog, self.session.presentation_scale)
        bring_forward(self.shortcuts_dialog)  # with the keys: Esc closes it

    def _show_syntax_help(self) -> None:
        """Show the formula help beside the window (made once, kept while the window lives)."""
        if self.syntax_help is None:
            self.syntax_help = SyntaxHelpDialog(self)
            self.syntax_help.example_chosen.connect(self.try_formula)
        enlarge_dialog(self.syntax_help, self.session.presentation_scale, SYNTAX_HELP_SIZE)
        bring_forward(self.syntax_help)

    def try_formula(self, text: str) -> None:
        """Put a formula in the box and use it, as if it had been typed."""
        self.formula_panel.show_formula_text(text)
        self.controller.submit(text, immediately=True)

    def about_text(self) -> str:
        """What Help → About says: the version, what gradviz is for, and settings not being saved if they are not."""
        return (f"<b>gradviz {__version__}</b><br>See partial derivatives, gradients and gradient descent."
                + self.settings_notice.about_line())

    def _show_about(self) -> None:
        QMessageBox.about(self, "About gradviz", self.about_text())

    # ----- scenarios -----------------------------------------------------------------------------------------
    def open_scenario(self, scenario: Scenario, wait: bool = False, keep_look: bool = False,
                      restore: bool = False) -> None:
        """Show a scenario (analysed in the background unless `wait`; keep_look: in the current theme and scale).

        restore: only its edits, as an undo brings them back (the clock, camera and look stay; nothing is opened).
        """
        self.stepper.set_playing(False)
        self.formula_panel.show_formula_text(scenario.formula)
        self.controller.submit_scenario(scenario, keep_look, restore)
        if wait:
            self.controller.wait()

    def show_formula_on_screen(self, _scenario: Scenario | None = None, _why: str = "") -> None:
        """A scenario asked for (a file, an example, a lesson's scene, an undo) could not be shown: the formula box
        shows the formula on screen again, without an error; whoever asked says in the status bar what and why.

        The box kept the failed formula and its error over the views of what was shown before: Enter there put it into
        that, and Save into its file. With nothing shown yet, the failed formula stays there with its error.
        """
        analysis = self.session.analysis
        if analysis is None:
            return
        self.formula_panel.show_formula_text(analysis.formula.text)
        self.session.set_error(None)

    def open_preset(self, preset: Preset) -> None:
        """Show a preset from the gallery (in the current theme); in a lesson, after its scene, the lesson kept open."""
        if self.lesson_player.show_example(preset):
            return
        if not self.document.confirm_discard():
            return
        self.document.open_example(preset)  # untitled once shown: one that fails to be drawn leaves the file's name
        self.statusBar().showMessage(preset.description, 8000)
        self._described = (preset.scenario.formula, preset.description)

    def _forget_description(self, analysis: Analysis) -> None:
        """Clear a preset's description from the status bar once another formula is shown (a lesson opened at once)."""
        formula, description = self._described
        if analysis.formula.text != formula:
            if description and self.statusBar().full_message() == description:
                self.statusBar().clearMessage()
            self._described = (analysis.formula.text, "")

    def new_scenario(self) -> None:
        """Start again, untitled, from the default example once it is shown; the lesson (if any) ends and undo starts
        over then. One that cannot be shown leaves the window, its file's name and the lesson as they were."""
        if not self.document.confirm_discard():
            return
        self.statusBar().showMessage("New scenario: type a formula, or pick one from the gallery", 8000)
        self.document.open_new(find_preset(DEFAULT_PRESET).scenario)

    def open_file(self, path: str | os.PathLike[str]) -> bool:
        """Open a scenario or lesson file; a bad file leaves everything as it was and says why."""
        return self.document.open_file(path)

    def open_file_dialog(self) -> None:
        """Ask for a scenario file and open it."""
        path, _ = QFileDialog.getOpenFileName(self, "Open scenario", "", SCENARIO_FILTER)
        if path:
            self.open_file(path)

    def save(self) -> bool:
        """Save to the current file (the lesson's, in a lesson), or ask for one."""
        return self.document.save()

    def save_as(self) -> bool:
        """Ask for a file name and save the scenario (in a lesson, the lesson) there."""
        return self.document.save(ask=True)

    def commit_typing(self) -> bool:
        """Take in what is typed but not entered: a value without Enter, a formula within its typing pause.

        Save and Close come after it: a learning rate typed and saved with Ctrl+S kept the old one in the file, and
        Ctrl+Q quit without asking, the typed value lost. False if waiting for a slow formula was cancelled, or if
        text typed into a number box was no number (0.0.5): refused, saying why, it stops what asked, which saved
        the value the box put back as the status bar's 'Saved' took the place of why.
        """
        focused = QApplication.focusWidget()
        refused = False
        if focused is not None and self.isAncestorOf(focused):
            box = focused.parent() if isinstance(focused.parent(), QAbstractSpinBox) else focused
            if isinstance(box, NumberBox | NumberEdit):
                refused = box.take_typed() if isinstance(box, NumberBox) else box.finish_typing()
            elif isinstance(box, QAbstractSpinBox):
                box.interpretText()
            if isinstance(box, QAbstractSpinBox) or (isinstance(box, QLineEdit) and box.hasAcceptableInput()):
                box.editingFinished.emit()
        return not refused and self.controller.settle(self)

    # ----- the contour panel's pointer -----------------------------------------------------------------------
    def _show_hover(self, x: float, y: float) -> None:
        """x, y, f and ∇f under the pointer, written as the probe panel writes them: rounding as 0 (the noise floor)."""
        session = self.session
        if session.analysis is None:
            return
        point = dict(session.fixed)
        axes = session.plot.axes
        point[axes[0]] = x
        if len(axes) > 1:
            point[axes[1]] = y
        vector = np.array([point[name] for name in session.variables], dtype=float)
        value, gradient = session.analysis.compiled.value_and_gradient(vector)
        noise = session.noise_floor_at(session.variables, vector)
        name = session.analysis.formula.name
        coordinates = ", ".join(f"{unicode_name(axis)} = {format_value(point[axis])}" for axis in axes)
        self.hover_label.setText(f"{coordinates}   {name} = {format_value(noise.shown_value(value))}   "
                                 f"∇{name} = ({format_values(noise.shown_gradient(gradient))})")

    def _renew_hover(self, _field: object = None) -> None:
        """A new field under a still pointer: the readout is the new f's at the pointer, or none once it left the map.

        The readout only followed the mouse's moves, so it kept the formula before's value through later scenes.
        """
        point = self.contour_view.pointer_point()
        if point is None:
            self.hover_label.clear()
        else:
            self._show_hover(*point)

    def _type_start(self) -> None:
        """Ask for the selected run's start by its coordinates: the map's click, for the keyboard or exact numbers."""
        if not self.session.run_specs:
            self.statusBar().showMessage("No run to start: type a formula first.", 8000)
            return
        index = min(self.teaching_docks.selection.index, len(self.session.run_specs) - 1)
        start = ask_point(self, "Start point", f"Where run {index + 1} starts:", self.session.run_specs[index].start,
                          self.session.fixed)
        if start is not None:
            self.session.set_start(start, index)

    def _set_start(self, x: float, y: float) -> None:
        axes = self.session.plot.axes
        self.session.set_start(dict(zip(axes, (x, y), strict=False)))

    def _follow_range(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        self._pending_range = (x_range, y_range)
        self._range_timer.start()

    def _tell_map_keys(self, taken: bool) -> None:
        """Say in the status bar that the map has the arrow keys now, and how to give them back; clear it after."""
        if taken:
            self.statusBar().showMessage("The map has the keys: ← → ↑ ↓ pan it, + − zoom, 0 as opened; Esc gives them "
                                         "back to the run (so does a click, which sets its start there).", 8000)
        elif self.statusBar().currentMessage().startswith("The map has the keys"):
            self.statusBar().clearMessage()

    def _show_opened_ranges(self) -> None:
        """The map's fit key: the ranges as opened, not a pan or zoom still waiting to be followed."""
        self._pending_range = None
        self._range_timer.stop()
        self.session.show_opened_ranges()

    def _apply_pending_range(self) -> None:
        if self._pending_range is None or self.session.analysis is None:
            return
        plot = self.session.plot
        ranges = dict(plot.ranges)
        for name, pair in zip(plot.axes, self._pending_range, strict=False):
            ranges[name] = (float(pair[0]), float(pair[1]))
        self._pending_range = None
        self.session.set_plot(type(plot)(axes=plot.axes, ranges=ranges, resolution=plot.resolution))

    def _show_error_in_status(self, error: object) -> None:
        """Say why a formula was not used; once one is, take that message away (it no longer holds)."""
        if error is not None:
            self.statusBar().showMessage(f"{FORMULA_REFUSED}: {error}", 6000)
        elif self.statusBar().currentMessage().startswith(FORMULA_REFUSED):
            self.statusBar().clearMessage()

    def _forget_refused_run(self, runs: tuple) -> None:
        """Runs are in: a message that the run could not start no longer holds."""
        if runs and self.statusBar().currentMessage().startswith(RUN_REFUSED):
            self.statusBar().clearMessage()

    def _forget_refused_range(self, _plot: object) -> None:
        """A range is in: a message that one typed was refused ("x stays from −3 to 3") no longer holds."""
        if NOT_A_RANGE in self.statusBar().currentMessage():
            self.statusBar().clearMessage()

    # ----- layout memory -------------------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        """The window's remembered size and splitters; what the settings file holds that Qt cannot read is ignored."""
        geometry = saved_bytes("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(FIRST_SIZE.boundedTo(self.screen().availableGeometry().size() * FIRST_SIZE_SCREEN_SHARE))
        self._pending_dock_state = saved_bytes("window/state")
        for splitter in (self.main_splitter, self.view_splitter):
            state = saved_bytes(f"window/{splitter.objectName()}")
            if state is not None:
                splitter.restoreState(state)

    def event(self, event: QEvent) -> bool:
        """Qt's event handling; a new application font draws the views' text and the lesson's caption at its size."""
        if event.type() == QEvent.Type.ApplicationFontChange:
            self.presentation.look.show_font_scale()
            self.presentation.look.show_caption_scale()  # the caption is a size of the application font
        return super().event(event)

    def showEvent(self, event: QShowEvent) -> None:
        """Restore toolbars and docks once the window exists on screen (tabbed docks misplace their tabs before)."""
        super().showEvent(event)
        state, self._pending_dock_state = getattr(self, "_pending_dock_state", None), None
        restored = state is not None and self.restoreState(state)
        if not restored and not getattr(self, "_dock_column_shared", False):  # first launch: split the docks
            share_dock_column(self, self.teaching_docks.docks)
        self._dock_column_shared = True
        self.settings_notice.tell_once()

    def save_layout(self) -> None:
        """Remember window geometry and splitter positions."""
        remember_all({"window/geometry": self.saveGeometry(), "window/state": self.saveState(),
                      **{f"window/{splitter.objectName()}": splitter.saveState()
                         for splitter in (self.main_splitter, self.view_splitter)}})

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Take a scenario or lesson file dragged from a file manager."""
        if dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Open the scenario or lesson file dropped on the window (a bad file changes nothing and says why)."""
        path = dropped_file(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_file(path)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab go on from the field Enter left (if nothing took the focus since); what they reach keeps
        its keys. Panels behind a dock's tab are passed by (Qt keeps them shown, off the screen). A move Qt makes
        itself, off a control being hidden (presenting hides the panels), gives the control reached no keys."""
        focused = QApplication.focusWidget()
        if focused is not None and not focused.isVisible():  # Qt moves the focus off a control being hidden (F11)
            return self._move_focus_past_hidden_docks(next)
        with self.keyboard_focus.tabbing():
            left = field_left()
            if left is not None:
                left.setFocus(Qt.FocusReason.OtherFocusReason)
            return self._move_focus_past_hidden_docks(next)

    def _move_focus_past_hidden_docks(self, forward: bool) -> bool:
        """Move the focus on (or back), past the controls in docks behind another's tab."""
        moved = False
        for _ in range(TAB_STOPS_PASSED):
            moved = super().focusNextPrevChild(forward)
            if not moved or not behind_a_tab(QApplication.focusWidget()):
                return moved
        return moved

    def closeEvent(self, event: QCloseEvent) -> None:
        """Offer to save unsaved edits, leave presentation mode, remember the layout, stop playback, close."""
        if not self.document.confirm_discard(closing=True):
            event.ignore()
            return
        self.presentation.leave()
        self.stepper.set_playing(False)
        for export in self.findChildren(VideoExportRun):
            export.stop_for_closing()  # a GIF still encoding left ffmpeg running after gradviz had quit
        self.run_scheduler.drop()
        self.save_layout()
        self.document.closed_cleanly()
        super().closeEvent(event)


def bring_forward(dialog: QWidget) -> None:
    """Show a window beside the main one, in front and with the keys."""
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()


def behind_a_tab(widget: QWidget | None) -> bool:
    """Whether the widget is in a dock that another dock's tab covers."""
    while widget is not None and not isinstance(widget, QDockWidget):
        widget = widget.parentWidget()
    return widget is not None and not widget.isFloating() and widget.visibleRegion().isEmpty()


def dropped_file(event: QDropEvent) -> Path | None:
    """The one local file a drag carries, if it carries exactly one."""
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    files = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return files[0] if len(files) == 1 and len(urls) == 1 else None
