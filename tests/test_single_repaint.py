"""A change reaches every panel before the window repaints: one repaint shows it whole."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer

from gradviz.app.panel_base import LazyPanel
from gradviz.core.analysis import analyze


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
