"""One repaint per change: the work Qt would leave for after the window's repaint is done just before it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QGraphicsView, QWidget

from gradviz.app.panel_base import REFRESH_EVENT
from gradviz.app.surface_view import PRERENDER_EVENT

CATCH_UP_ROUNDS = 2  # a panel's redraw can change a plot's layout, whose new geometry changes its scene once more


class SingleRepaint(QObject):
    """Before a window repaints, run the panels' posted redraws, pending layouts and graphics-scene updates.

    Qt delivers posted events in the order they were posted, whatever their priority says, once anything has
    flushed a single kind of event. A window's repaint request is posted by the first widget a change touches, so
    a panel redraw, a layout or a plot's scene update posted later in the same change reached the screen only in
    a second, third… repaint of the window (five were counted for one new formula), each repainting much of the
    window and showing the change half done. Watching the window's repaint request and delivering those events
    first puts the whole change on the screen in its first repaint. A plot's new view range is applied at the
    start of its paint too (pyqtgraph's prepareForPaint), and its curves then ask for a second paint of the plot:
    applying it before the repaint spares that. (Layouts that painting itself asks for, such as a plot whose tick
    labels grew wider, can still cost a small repaint after it.)
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._scene_views: list[QGraphicsView] | None = None
        window.installEventFilter(self)

    def scene_views(self) -> list[QGraphicsView]:
        """The window's plots, looked up at its first repaint (after it is built): searching every time cost 1–2 ms."""
        if self._scene_views is None:
            self._scene_views = self._window.findChildren(QGraphicsView)
        return self._scene_views

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Catch up just before the window's repaint; the repaint itself goes on as usual."""
        if watched is self._window and event.type() == QEvent.Type.UpdateRequest:
            self.catch_up()
        return False

    def catch_up(self) -> None:
        """Deliver the posted work that changes what the window shows, and apply the plots' new view ranges.

        The 3D view's frame is started first: software OpenGL rasterises it on its own threads while this
        thread lays out and redraws the panels, and the view reads the finished frame back when it paints. (The
        panels sit in docks and the scene updates in other plots, so neither changes the 3D view's size or
        picture; a frame posted by what follows is started at the end.)
        """
        QCoreApplication.sendPostedEvents(None, PRERENDER_EVENT)
        for _ in range(CATCH_UP_ROUNDS):
            QCoreApplication.sendPostedEvents(None, REFRESH_EVENT)
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            QCoreApplication.sendPostedEvents(None, QEvent.Type.UpdateLater)  # a widget just shown, say a scroll bar
            for view in self.scene_views():
                scene = view.scene()
                if scene is not None and view.isVisible():
                    prepare_for_paint = getattr(scene, "prepareForPaint", None)  # a pyqtgraph scene's
                    if prepare_for_paint is not None:
                        prepare_for_paint()
                    QCoreApplication.sendPostedEvents(scene, QEvent.Type.MetaCall)
        QCoreApplication.sendPostedEvents(None, PRERENDER_EVENT)
