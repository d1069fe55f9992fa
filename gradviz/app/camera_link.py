"""Keeps the session's camera and the 3D view's camera the same, whichever of them moves."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QVector3D
from PySide6.QtWidgets import QMenu

from gradviz.app.actions import ActionFactory
from gradviz.app.surface_view import SurfaceView
from gradviz.core.scenario import MAX_CAMERA_DISTANCE, MIN_CAMERA_DISTANCE, Camera
from gradviz.core.session import Session

ORBIT_AZIMUTH_STEP = 15.0  # degrees per key press
ORBIT_ELEVATION_STEP = 10.0


def camera_of(view: SurfaceView) -> Camera:
    """Where the view looks from now, in the scenario's terms (distance kept to what a file may hold)."""
    params = view.cameraParams()
    center = params["center"]
    return Camera(
        distance=min(max(float(params["distance"]), MIN_CAMERA_DISTANCE), MAX_CAMERA_DISTANCE),
        elevation=float(params["elevation"]),
        azimuth=float(params["azimuth"]),
        center=(float(center.x()), float(center.y()), float(center.z())),
        field_of_view=float(params["fov"]),
    )


def show_camera(view: SurfaceView, camera: Camera) -> None:
    """Aim the view like `camera`; what the camera leaves unset (None) comes from the default view."""
    view.reset_view()
    given = {
        "distance": camera.distance,
        "elevation": camera.elevation,
        "azimuth": camera.azimuth,
        "center": None if camera.center is None else QVector3D(*camera.center),
        "fov": camera.field_of_view,
    }
    view.setCameraParams(**{key: value for key, value in given.items() if value is not None})


class CameraLink(QObject):
    """Copies the view's camera into the session after each orbit, zoom or camera command, and back on loads."""

    def __init__(self, session: Session, view: SurfaceView) -> None:
        super().__init__(view)
        self._session = session
        self._view = view
        view.camera_changed.connect(self.pull)
        session.camera_changed.connect(self._show)
        session.scenario_applied.connect(lambda scenario: self._show(scenario.camera))

    def pull(self) -> None:
        """Record the view's live camera in the session."""
        self._session.set_camera(camera_of(self._view))

    def _show(self, camera: Camera) -> None:
        if camera != camera_of(self._view):
            show_camera(self._view, camera)

    def reset_view(self) -> None:
        """Back to the default oblique camera."""
        self._view.reset_view()
        self.pull()

    def top_view(self) -> None:
        """Look straight down, like the map."""
        self._view.top_view()
        self.pull()

    def add_actions(self, menu: QMenu, make_action: ActionFactory) -> None:
        """Put the orbit keys in the View menu."""
        for text, azimuth_steps, elevation_steps, key in (
            ("&Orbit left", -1, 0, "Shift+Left"),
            ("Orb&it right", 1, 0, "Shift+Right"),
            ("Look from &higher", 0, 1, "Shift+Up"),
            ("Loo&k from lower", 0, -1, "Shift+Down"),
        ):
            menu.addAction(make_action(text, self._orbit_by(azimuth_steps, elevation_steps), key))

    def _orbit_by(self, azimuth_steps: int, elevation_steps: int) -> Callable[[], None]:
        """A slot that orbits by these steps."""
        return lambda: self.orbit(azimuth_steps, elevation_steps)

    def orbit(self, azimuth_steps: int, elevation_steps: int) -> None:
        """Turn the camera around the centre by whole key steps."""
        self._view.orbit(azimuth_steps * ORBIT_AZIMUTH_STEP, elevation_steps * ORBIT_ELEVATION_STEP)
        self.pull()
