"""The map's legends in the real window keep off what a lecturer points at: the critical points' names, the minima's
pits and the arrows at the start, choosing among places and shorter forms when every corner hides something."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.app.contour_view import PIT_CLEARANCE, ContourView, to_device
from gradviz.app.view_common import square_around
from gradviz.core.lessons import shipped_lessons

HIMMELBLAU_MINIMA = ((3.0, 2.0), (-2.805118, 3.131313), (-3.779310, -3.283186), (3.584428, -1.848126))


def device_transform(view: ContourView) -> QtGui.QTransform:
    """Plot coordinates to the view's pixels, after painting the view as the window shows it."""
    QtWidgets.QApplication.processEvents()  # the window laid out for what it shows now
    view.grab()
    return view.probe_text.deviceTransform(view.viewportTransform())


def legends(view: ContourView, transform: QtGui.QTransform) -> list[QtCore.QRectF]:
    """The probe's and the basins' legends' boxes as drawn."""
    return [view.probe_text.legend_rect, *view.basins_legend.boxes(transform)]


def overlapping(boxes: list[QtCore.QRectF], others: list[QtCore.QRectF]) -> list[tuple[QtCore.QRectF, QtCore.QRectF]]:
    """The pairs of a box and another box it intersects."""
    return [(box, other) for box in boxes for other in others if box.intersects(other)]


def open_two_minima_scene(window: object) -> None:
    """Lesson 07's third scene: both starts, their basins along the curve and the critical points marked."""
    lesson = next(lesson for lesson in shipped_lessons() if lesson.title.startswith("Two minima"))
    window.document.open_lesson(lesson)
    window.controller.wait()
    window.lesson_player.show_scene(2)
    window.controller.wait()
    window.basins_keeper.wait()


@pytest.mark.parametrize(("size", "presenting"), [((1280, 800), False), ((1920, 1080), False), ((1280, 800), True)])
def test_the_probe_legend_keeps_off_the_critical_points_all_through_the_two_minima_scene(make_main_window, size,
                                                                                         presenting) -> None:
    """At 1280 × 800 the basins' legend left neither top corner free, and the probe's legend lay over the right
    minimum's "min" from step 1 on (presenting, to the end of the run)."""
    window = make_main_window(None, size=size)
    if presenting:
        window.presentation.enter()
        window.resize(*size)  # no window manager here: full screen does not resize the window
    open_two_minima_scene(window)
    view, session = window.contour_view, window.session
    assert session.view.basins and session.view.critical_points
    for step in range(session.last_step + 1):
        session.set_step(step)
        transform = device_transform(view)
        probe_legend, basins_legend = legends(view, transform)
        points = view.critical_points
        assert not probe_legend.isEmpty() and view.probe_text.legend_texts[0].startswith(("f(", "f = "))
        assert len(points.name_boxes(transform)) == 3, "min, max, min"
        kept_off = [*points.name_boxes(transform), *points.mark_boxes(transform), basins_legend]
        assert not overlapping([probe_legend], kept_off), f"step {step}"


@pytest.mark.parametrize("size", [(1280, 720), (1440, 900)])
def test_the_basins_legend_keeps_off_the_arrows_at_the_start_and_stays_put_while_the_run_plays(make_main_window,
                                                                                               size) -> None:
    """The bowl at (1, 2): the basins' legend kept off the run's whole path but lay over ∇f's arrow at the start,
    where a student looks first, in the top right."""
    window = make_main_window("bowl-at-1-2", size=size)
    window.session.set_view(basins=True)
    window.basins_keeper.wait()
    view = window.contour_view
    transform = device_transform(view)
    (basins_legend,) = view.basins_legend.boxes(transform)
    arrows = view.probe_arrows.shaft_boxes(transform)
    start = view.data_to_widget(1.0, 2.0)
    assert len(arrows) >= 3 and not overlapping([basins_legend], arrows)
    assert not basins_legend.contains(start)
    assert not overlapping([view.probe_text.legend_rect], [basins_legend])
    for step in (1, 5, window.session.last_step):
        window.session.set_step(step)
        assert view.basins_legend.boxes(device_transform(view)) == [basins_legend], "the legend stays put"


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_with_a_minimum_in_every_corner_the_legends_keep_off_the_pits_in_shorter_forms(make_main_window, size) -> None:
    """Himmelblau's four minima: the probe's legend, with its long note on the axes' scales, lay over the lower-left
    pit in the only corner the basins' legend left it."""
    window = make_main_window("himmelblau", size=size)
    window.session.set_view(basins=True)
    window.basins_keeper.wait()
    view = window.contour_view
    transform = device_transform(view)
    half = PIT_CLEARANCE * view.probe_text.pixel_scale
    pits = [square_around(pit, half) for pit in to_device(transform, np.array(HIMMELBLAU_MINIMA))]
    probe_legend, basins_legend = legends(view, transform)
    assert not probe_legend.isEmpty() and not overlapping([probe_legend, basins_legend], pits)
    assert not probe_legend.intersects(basins_legend)
    assert len(view.basins_legend.rows) == 5, "a title and the four minima"
    assert "level line f\u00a0=\u00a0170" in view.probe_text.legend_texts, "shortened, it still names the white line"
