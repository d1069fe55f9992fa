"""The teaching tools as dock widgets of the main window: probe, update equation, step table, loss plot, runs.

By default they sit on the right, the probe, update and step table tabbed above the loss plot and the
runs; View → Panels shows, raises or hides each one (Ctrl+1 … Ctrl+5) and restores that layout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QMainWindow,
    QMenu,
    QScrollArea,
    QStyle,
    QTabBar,
    QTabWidget,
    QWidget,
)

from gradviz.app.loss_plot import LossPlot
from gradviz.app.lr_guidance import LrGuidanceDisplay
from gradviz.app.panel_base import LazyPanel, RunSelection
from gradviz.app.probe_panel import ProbeControl, ProbePanel
from gradviz.app.runs_panel import RunsPanel
from gradviz.app.step_table_panel import StepTablePanel
from gradviz.app.update_panel import UpdatePanel

if TYPE_CHECKING:
    from gradviz.app.main_window import MainWindow

DOCK_AREA = Qt.DockWidgetArea.RightDockWidgetArea
DOCK_WIDTH = 480  # at most; a narrower window gives the column DOCK_SHARE of its width…
DOCK_SHARE = 0.3
VIEW_LEAST = 380  # …less where the 3D view and the map would be narrower than this each…
DOCK_LEAST = 250  # …but not below this: the probe's values still read whole, wrapped
UPPER_SHARE = 0.66  # of the dock column's height, for the probe, update and step table
DOCK_ORDER = ("probe_dock", "update_dock", "step_table_dock", "loss_dock", "runs_dock")
DOCK_TITLES = {
    "probe_dock": "Probe",
    "update_dock": "Update equation",
    "step_table_dock": "Step table",
    "loss_dock": "Loss",
    "runs_dock": "Runs",
}
SHORT_TITLES = {"update_dock": "Update", "step_table_dock": "Steps"}  # the tabs' names in a narrow dock column…
SHORT_TITLES_BELOW = 330  # …narrower than this (1024 pixels wide: 264), where "Update equation" read "Update equati…"


@dataclass(frozen=True)
class TeachingDocks:
    """The teaching panels, the docks that hold them (by object name) and the View → Panels menu."""

    selection: RunSelection
    probe_control: ProbeControl
    probe_panel: ProbePanel
    update_panel: UpdatePanel
    step_table_panel: StepTablePanel
    loss_plot: LossPlot
    runs_panel: RunsPanel
    lr_guidance: LrGuidanceDisplay
    docks: dict[str, QDockWidget]
    panels_menu: QMenu
    reset_action: QAction  # View → Panels → Reset panel layout

    def show_panel(self, object_name: str) -> None:
        """Open a panel's dock and bring its tab to the front."""
        show_dock(self.docks[object_name])


def show_dock(dock: QDockWidget) -> None:
    """Open a dock and bring its tab to the front."""
    dock.show()
    dock.raise_()


def dock_on_screen(dock: QDockWidget) -> bool:
    """Whether a dock can be seen: open, and not behind another tab."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def toggle_dock(dock: QDockWidget) -> None:
    """Hide a dock that is in front; open or bring forward one that is closed or behind another tab."""
    if dock_on_screen(dock):
        dock.close()
    else:
        show_dock(dock)


class PanelScroller(QScrollArea):
    """A dock's panel, scrolled where it is taller than the dock; or, for a panel kept whole, never shorter than it.

    A scroll area asks for almost no height, so the dock column split its height as if no panel needed any. A panel
    kept whole passes its height at the dock's width on as the dock's least height: the dock above it gives way.
    """

    def __init__(self, panel: QWidget, keep_whole: bool = False) -> None:
        """Scroll this panel, or keep it whole."""
        super().__init__()
        self._keep_whole = keep_whole
        self._least_height = 0  # the panel's height when last passed on (setWidget has the scroller watch the panel)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the panel's controls, not to its frame
        self.setWidget(panel)

    def minimumSizeHint(self) -> QSize:
        """A scroll area's least size; for a panel kept whole, as high as the panel at this width."""
        least = super().minimumSizeHint()
        if not self._keep_whole:
            return least
        self._least_height = self._panel_height()
        return QSize(least.width(), max(least.height(), self._least_height))

    def _panel_height(self) -> int:
        """The panel's height at the scroll area's width less a scroll bar's (its words wrap, so the narrower the
        higher): at its height for the whole width, a scroll bar once shown narrowed the panel and wrapped it onto
        another line, and stayed (the five runs' legend in a 264-pixel dock)."""
        panel = self.widget()
        if not panel.hasHeightForWidth():
            return panel.minimumSizeHint().height()
        return panel.heightForWidth(self.width() - self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A panel kept whole laid out anew (a legend of five runs wraps): pass its new height on, if it changed."""
        if self._keep_whole and event.type() == QEvent.Type.LayoutRequest and watched is self.widget():
            self._pass_height_on()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A kept-whole panel's height follows the width its words wrap at."""
        super().resizeEvent(event)
        if self._keep_whole and event.size().width() != event.oldSize().width():
            self._pass_height_on()

    def _pass_height_on(self) -> None:
        """Tell the dock column of the panel's new height, only when it changed."""
        if self._panel_height() != self._least_height:
            self.updateGeometry()  # asked again only when it changes: a new formula never lays out the window


class DockTitles(QObject):
    """Names the docks' tabs shortly in a narrow dock column ("Update" for "Update equation"), the full name their
    tooltip: the tabs of the probe, the update equation and the step table read "Pro…", "Update equati…" at 1024."""

    def __init__(self, window: QMainWindow, docks: dict[str, QDockWidget],
                 panel_names: dict[str, Callable[[bool], None]] | None = None) -> None:
        """Watch these docks' widths; panel_names name a dock's panel's own controls shortly (True) or in full."""
        super().__init__(window)
        self._window = window
        self._docks = docks
        self._panel_names = panel_names or {}
        for dock in docks.values():
            dock.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A dock resized: name it, and the docked ones (those behind a tab get no resize), for its new width."""
        if event.type() == QEvent.Type.Resize and isinstance(watched, QDockWidget):
            resized = [watched] if watched.isFloating() else [dock for dock in self._docks.values()
                                                               if not dock.isFloating()]
            self.show_titles(resized, watched.width())
        return super().eventFilter(watched, event)

    def show_titles(self, docks: list[QDockWidget], width: int) -> None:
        """Name docks this wide shortly if it is narrow, else in full; their tabs' tooltips the full names."""
        short = width < SHORT_TITLES_BELOW
        for dock in docks:
            name = dock.objectName()
            dock.setWindowTitle(SHORT_TITLES.get(name, DOCK_TITLES[name]) if short
                                else DOCK_TITLES[name])  # the tab takes it as its text and its tooltip…
            if name in self._panel_names:
                self._panel_names[name](short)
        QApplication.sendPostedEvents(self._window)
        full = {dock.windowTitle(): DOCK_TITLES[name] for name, dock in self._docks.items()}
        for bar in self._window.findChildren(QTabBar):  # …so the tooltip is set to the full name again
            for index in range(bar.count()):
                if bar.tabText(index) in full:
                    bar.setTabToolTip(index, full[bar.tabText(index)])


def _dock(window: QMainWindow, object_name: str, title: str, panel: QWidget) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(object_name)
    # a panel may be shorter than its contents: small screens scroll instead of growing; the loss plot is kept whole
    dock.setWidget(PanelScroller(panel, keep_whole=isinstance(panel, LossPlot)))
    if isinstance(panel, LazyPanel):
        dock.visibilityChanged.connect(panel.set_seen)
        stepper = getattr(window, "stepper", None)
        if stepper is not None:
            stepper.playing_changed.connect(panel.set_playing)
    return dock


def arrange_docks(window: QMainWindow, docks: dict[str, QDockWidget]) -> None:
    """The default layout: on the right, probe | update | step table tabbed above loss | runs."""
    probe, update, steps, loss, runs = (docks[name] for name in DOCK_ORDER)
    for dock in docks.values():  # docked again first: a floating dock taken out and then docked is nowhere
        dock.setFloating(False)
        window.removeDockWidget(dock)
    window.addDockWidget(DOCK_AREA, probe)
    window.splitDockWidget(probe, loss, Qt.Orientation.Vertical)
    window.tabifyDockWidget(probe, update)
    window.tabifyDockWidget(update, steps)
    window.tabifyDockWidget(loss, runs)
    for dock in docks.values():
        dock.show()
    probe.raise_()
    loss.raise_()
    share_dock_column(window, docks)


def dock_column_width(window_width: int) -> int:
    """How wide the dock column starts in a window this wide: wide enough for the probe's values and table.

    At 1024 pixels a third of the width left the map's plot 165 pixels wide: a small window gives the views
    VIEW_LEAST each first, and the docks what is left, DOCK_LEAST at least.
    """
    left_by_the_views = window_width - 2 * VIEW_LEAST
    return max(DOCK_LEAST, min(DOCK_WIDTH, round(window_width * DOCK_SHARE), left_by_the_views))


def share_dock_column(window: QMainWindow, docks: dict[str, QDockWidget]) -> None:
    """Size the dock column for the window's width; split its height between the probe's and the loss plot's groups."""
    height = max(window.height(), 600)
    upper, lower = docks[DOCK_ORDER[0]], docks[DOCK_ORDER[3]]
    window.resizeDocks([upper], [dock_column_width(window.width())], Qt.Orientation.Horizontal)
    window.resizeDocks([upper, lower], [round(height * UPPER_SHARE), round(height * (1 - UPPER_SHARE))],
                       Qt.Orientation.Vertical)


def _view_menu(window: QMainWindow) -> QMenu:
    """The window's View menu (made if there is none)."""
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text().replace("&", "") == "View":
            return action.menu()
    return window.menuBar().addMenu("&View")


def _panel_action(window: QMainWindow, dock: QDockWidget, shortcut: str) -> QAction:
    """A checked-while-open menu entry that hides the dock when in front, else brings it forward."""
    title = DOCK_TITLES[dock.objectName()]  # in full: the dock's own may be short (see DockTitles)
    action = QAction(title, window)
    action.setCheckable(True)
    action.setShortcut(QKeySequence(shortcut))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setStatusTip(f"Show, bring forward or hide the {title.lower()} panel")
    dock.toggleViewAction().toggled.connect(action.setChecked)
    action.setChecked(dock.toggleViewAction().isChecked())

    def toggled() -> None:
        toggle_dock(dock)
        action.setChecked(dock.toggleViewAction().isChecked())

    action.triggered.connect(toggled)
    window.addAction(action)
    return action


def _build_menus(window: QMainWindow, docks: dict[str, QDockWidget], probe_control: ProbeControl
                 ) -> tuple[QMenu, QAction]:
    view_menu = _view_menu(window)
    view_menu.addSeparator()
    panels_menu = view_menu.addMenu("P&anels")
    for number, name in enumerate(DOCK_ORDER, start=1):
        panels_menu.addAction(_panel_action(window, docks[name], f"Ctrl+{number}"))
    panels_menu.addSeparator()
    reset = panels_menu.addAction("Reset panel layout")
    reset.triggered.connect(lambda: arrange_docks(window, docks))
    probe_menu = view_menu.addMenu("&Probe")
    for action in probe_control.actions:
        probe_menu.addAction(action)
    probe_menu.addAction(probe_control.typed_action)
    return panels_menu, reset


def install_teaching_docks(window: MainWindow) -> TeachingDocks:
    """Create the teaching panels in docks on the right of the window, with View → Panels and View → Probe."""
    session = window.session
    selection = RunSelection(session, window)
    probe_control = ProbeControl(session, window.contour_view, window)
    probe_panel = ProbePanel(session, probe_control)
    update_panel = UpdatePanel(session, selection)
    step_table_panel = StepTablePanel(session, selection)
    loss_plot = LossPlot(session)
    runs_panel = RunsPanel(session, selection)
    panels = (probe_panel, update_panel, step_table_panel, loss_plot, runs_panel)
    docks = {name: _dock(window, name, DOCK_TITLES[name], panel)
             for name, panel in zip(DOCK_ORDER, panels, strict=True)}
    window.setTabPosition(DOCK_AREA, QTabWidget.TabPosition.North)
    DockTitles(window, docks, {"runs_dock": runs_panel.name_buttons})
    arrange_docks(window, docks)
    for dock in docks.values():
        window.restoreDockWidget(dock)  # where the user left it, when the layout was saved before the docks existed
    panels_menu, reset_action = _build_menus(window, docks, probe_control)
    return TeachingDocks(
        selection=selection,
        probe_control=probe_control,
        probe_panel=probe_panel,
        update_panel=update_panel,
        step_table_panel=step_table_panel,
        loss_plot=loss_plot,
        runs_panel=runs_panel,
        lr_guidance=LrGuidanceDisplay(session, window.stepper),
        docks=docks,
        panels_menu=panels_menu,
        reset_action=reset_action,
    )
