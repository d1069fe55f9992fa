"""A change reaches every panel before the window repaints: one repaint shows it whole."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pyqtgraph import GraphicsView
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QCursor

from gradviz.app.panel_base import LazyPanel
from gradviz.app.surface_view import SurfaceView
from gradviz.core.analysis import analyze

pytestmark = pytest.mark.timing  # paints are counted as late timers land: run alone (see packaging/dev.sh)

class FirstPaintWatch(QObject):
    """At the first repaint of a widget, note which panels still show an older state."""

    def __init__(self, widget: QObject, panels: list[LazyPanel]) -> None:
        super().__init__()
        self.widget, self.panels = widget, panels
        self.stale: list[str] | None = None
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Record the stale panels once."""
        if watched is self.widget and event.type() == QEvent.Type.Paint and self.stale is None:
            self.stale = [type(panel).__name__ for panel in self.panels if not panel.is_current()]
        return False


def watch_first_paint(window: object, change: Callable[[], None], qtbot: object) -> list[str]:
    """Make the change from inside the event loop, as the app does; the panels stale at the map's next paint."""
    panels = [panel for panel in window.findChildren(LazyPanel) if panel.isVisible()]  # type: ignore[attr-defined]
    assert len(panels) >= 2, "the default layout shows the probe and the loss panels"
    qtbot.waitUntil(lambda: all(panel.is_current() for panel in panels))  # type: ignore[attr-defined]
    watch = FirstPaintWatch(window.contour_view.viewport(), panels)  # type: ignore[attr-defined]
    QTimer.singleShot(0, change)
    qtbot.waitUntil(lambda: watch.stale is not None)  # type: ignore[attr-defined]
    return watch.stale


def test_a_new_formula_reaches_every_panel_in_the_same_repaint(make_main_window: Callable, qtbot: object) -> None:
    """The probe and loss panels are redrawn before the map is painted, not in a later repaint."""
    window = make_main_window("bowl")
    analysis = analyze("(x - 1)^2 + 4y^2")
    assert watch_first_paint(window, lambda: window.session.set_analysis(analysis), qtbot) == []


def test_a_step_reaches_every_panel_in_the_same_repaint(make_main_window: Callable, qtbot: object) -> None:
    """Stepping redraws the panels that show the step before the map is painted."""
    window = make_main_window("bowl")
    window.session.set_probe({"x": 0.5, "y": -0.5})
    assert watch_first_paint(window, lambda: window.session.step_by(1), qtbot) == []


class PaintCount(QObject):
    """Count the paints of some widgets."""

    def __init__(self, widgets: list[QObject]) -> None:
        super().__init__()
        self.counts = dict.fromkeys(widgets, 0)
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Count a paint."""
        if event.type() == QEvent.Type.Paint and watched in self.counts:
            self.counts[watched] += 1
        return False

    def wait_until_quiet(self, qtbot: object, quiet_ms: int = 400, most_ms: int = 10_000) -> None:
        """Wait until none of the widgets has been painted for quiet_ms (a busy machine runs late timers later)."""
        waited, quiet = 0, 0
        while quiet < quiet_ms and waited < most_ms:
            before = dict(self.counts)
            qtbot.wait(100)  # type: ignore[attr-defined]
            waited += 100
            quiet = quiet + 100 if self.counts == before else 0


def test_a_new_formula_paints_each_plot_once(make_main_window: Callable, qtbot: object) -> None:
    """The plots' new view ranges are applied before the repaint, so no plot is painted a second time after it.

    (A plot whose tick labels grow wider still is: its axis learns their width while painting. The two formulas
    have values of the same size, so no label grows.)
    """
    window = make_main_window("bowl")
    window.session.set_analysis(analyze("(x - 1)^2 + 40y^2 + 7"))
    qtbot.wait(300)
    plots = [view.viewport() for view in window.findChildren(GraphicsView) if view.isVisible()]
    shown = [plot for plot in plots if not plot.visibleRegion().isEmpty()]
    assert len(shown) >= 3, "the map, a slice plot and the loss plot"
    PaintCount(shown).wait_until_quiet(qtbot)  # the first formula's paints all done, however late
    count = PaintCount(shown)
    QTimer.singleShot(0, lambda: window.session.set_analysis(analyze("(x - 2)^2 + 30y^2 + 9")))
    qtbot.wait(300)
    count.wait_until_quiet(qtbot)
    assert list(count.counts.values()) == [1] * len(shown)


def test_the_repaint_catches_up_every_plot_of_the_window(make_main_window: Callable, qtbot: object) -> None:
    """The plots looked up once, at the first repaint, are all the window has (docks and hidden tabs too)."""
    window = make_main_window("bowl")
    qtbot.wait(50)
    for dock in window.teaching_docks.docks.values():
        dock.show()
        dock.raise_()
    qtbot.wait(50)
    caught_up = window.single_repaint.scene_views()
    assert set(caught_up) == set(window.findChildren(GraphicsView))
    assert window.contour_view in caught_up and len(caught_up) >= 4, "the map, two slice plots and the loss plot"


class WindowEvents(QObject):
    """Count the window's own repaints and layouts."""

    def __init__(self, window: QObject) -> None:
        super().__init__()
        self.window = window
        self.counts = {QEvent.Type.UpdateRequest: 0, QEvent.Type.LayoutRequest: 0}
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Count a repaint or a layout of the window."""
        if watched is self.window and event.type() in self.counts:
            self.counts[event.type()] += 1
        return False


@pytest.mark.parametrize("panel_in_front", ["probe_dock", "step_table_dock"])
def test_new_formulas_repaint_the_window_once_and_never_lay_it_out(make_main_window: Callable, qtbot: object,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    panel_in_front: str) -> None:
    """Equations of new widths and a stability limit that comes and goes stay inside the central area.

    Laid out by its window, such a change went on to the docks and toolbars, and the dock column was painted a
    second time after the repaint. The step table's new column widths and scroll bars are in the same repaint too.
    (The 3D view's antialiased redraw, once the picture settles, is held off. A formula that changes the least
    height of the central area, say with a fraction, does lay the window out.) The pointer rests on the map: the
    hover readout, read again for each new f, laid the window out too.
    """
    monkeypatch.setattr(SurfaceView, "SETTLE_MS", 60_000)
    window = make_main_window("bowl")
    window.teaching_docks.show_panel(panel_in_front)
    view = window.contour_view
    QCursor.setPos(view.mapToGlobal(view.rect().center()))
    formulas = ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "sin(x) + cos(y)", "x^3 - 3x y^2 + 4", "x^2 + 10y^2")
    analyses = [analyze(text) for text in formulas]
    qtbot.wait(300)
    events = WindowEvents(window)
    limits_shown, readouts = set(), set()
    for lap in range(2):  # in the first, plots whose tick labels grow wider are painted again (see above)
        for analysis in analyses:
            before = dict(events.counts)
            QTimer.singleShot(0, lambda analysis=analysis: window.session.set_analysis(analysis))
            qtbot.wait(250)
            repaints = events.counts[QEvent.Type.UpdateRequest] - before[QEvent.Type.UpdateRequest]
            layouts = events.counts[QEvent.Type.LayoutRequest] - before[QEvent.Type.LayoutRequest]
            if lap:
                assert (repaints, layouts) == (1, 0), analysis.formula.text
            limits_shown.add(window.teaching_docks.lr_guidance.tick.position is not None)
            readouts.add(window.hover_label.text())
    assert len(readouts) == len(formulas), "the readout gives each f at the pointer"
    assert limits_shown == {True, False}, "the formulas show the limit tick and hide it"


def test_the_3d_frame_is_drawn_once_per_change_though_started_before_the_panels(make_main_window: Callable,
                                                                              qtbot: object,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Started ahead of the panels' redraws and layouts, the frame is still the one the view shows: drawn once.

    (The antialiased redraw once the picture settles is held off.)
    """
    monkeypatch.setattr(SurfaceView, "SETTLE_MS", 60_000)
    window = make_main_window("bowl")
    mesh = window.surface_view.mesh_item
    for text in ("(x - 1)^2 + 4y^2 + x y", "sin(x) + cos(y)", "x^2 + 10y^2"):
        analysis = analyze(text)
        qtbot.wait(200)
        draws = mesh.draw_count
        QTimer.singleShot(0, lambda analysis=analysis: window.session.set_analysis(analysis))
        qtbot.waitUntil(lambda draws=draws: mesh.draw_count > draws)
        qtbot.wait(200)
        assert mesh.draw_count == draws + 1, text


class PaintOrder(QObject):
    """Note which of some widgets paint, in order."""

    def __init__(self, widgets: dict[QObject, str]) -> None:
        super().__init__()
        self.widgets, self.order = widgets, []
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note a paint."""
        if event.type() == QEvent.Type.Paint and watched in self.widgets:
            self.order.append(self.widgets[watched])
        return False


def test_the_3d_view_reads_its_frame_back_after_the_map_is_painted(make_main_window: Callable, qtbot: object) -> None:
    """OpenGL draws the frame while the map paints: the 3D view, painted after it, then finds the frame done."""
    window = make_main_window("bowl")
    analysis = analyze("(x - 1)^2 + 3y^2 + x y")
    qtbot.wait(300)
    paints = PaintOrder({window.contour_view.viewport(): "map", window.surface_view: "3D"})
    QTimer.singleShot(0, lambda: window.session.set_analysis(analysis))
    qtbot.waitUntil(lambda: "3D" in paints.order)
    assert paints.order[:2] == ["map", "3D"]


def test_steps_lay_out_nothing_in_the_probe_panel(make_main_window: Callable, qtbot: object) -> None:
    """The probe's values, gradient check and slice titles change at every step without a layout of its panel.

    A layout there (QLabel asks for one at every setText; a table a digit wider asks for another width) cost
    about a millisecond of every step and every animation frame.
    """
    window = make_main_window("himmelblau")
    window.teaching_docks.show_panel("probe_dock")
    panel = window.teaching_docks.probe_panel
    qtbot.wait(300)
    layouts = WindowEvents(panel)
    titles = [plot.title.text() for plot in panel.slice_plots]
    for _ in range(6):
        QTimer.singleShot(0, lambda: window.session.step_by(1))
        qtbot.wait(60)
    assert [plot.title.text() for plot in panel.slice_plots] != titles  # the step moved the point
    assert layouts.counts[QEvent.Type.LayoutRequest] == 0
