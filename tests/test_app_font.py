"""A larger application font draws the window's views' text larger; exports are the same whatever the font."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from gradviz.app.exporter import FrameRenderer, copy_session
from gradviz.app.view_common import PROBE_FONT_PIXELS, REFERENCE_FONT_POINTS

LARGE_POINTS = 14.0
LARGE_SCALE = LARGE_POINTS / REFERENCE_FONT_POINTS


@pytest.fixture
def app_font() -> Iterator[object]:
    """Sets the application font's point size for a test; the font is put back afterwards."""
    kept = QFont(QApplication.font())

    def set_points(points: float) -> None:
        font = QFont(kept)
        font.setPointSizeF(points)
        QApplication.setFont(font)
        QApplication.processEvents()

    yield set_points
    QApplication.setFont(kept)
    QApplication.processEvents()


def text_sizes(window) -> tuple[int, int, int, int]:
    """The map's tick label and title pixel sizes, its probe tags' and the 3D view's tick labels'."""
    axis = window.contour_view.plot_item.getAxis("bottom")
    surface = window.surface_view
    tick_3d = surface._fonts(surface.width(), surface.height(), surface.text_scale)[0]
    return (axis.style["tickFont"].pixelSize(), axis.label.font().pixelSize(),
            window.contour_view.probe_text.label_font().pixelSize(), tick_3d.pixelSize())


def test_the_default_font_draws_the_views_text_as_designed(make_main_window) -> None:
    assert QFont(QApplication.font()).pointSizeF() == REFERENCE_FONT_POINTS
    window = make_main_window("bowl")
    assert (window.contour_view.font_scale, window.surface_view.font_scale) == (1.0, 1.0)
    assert text_sizes(window)[:3] == (14, 17, PROBE_FONT_PIXELS)


def test_a_larger_application_font_enlarges_the_views_text_by_as_much(make_main_window, app_font, qtbot) -> None:
    from gradviz.app.teaching_docks import dock_column_width

    window = make_main_window("bowl")
    probe_dock = window.teaching_docks.docks["probe_dock"]  # the dock column at its width first: the views' sizes
    qtbot.waitUntil(lambda: abs(probe_dock.width() - dock_column_width(window.width())) <= 8)  # settle after it
    before = text_sizes(window)
    app_font(LARGE_POINTS)  # while the window is open: it follows the change
    assert window.contour_view.font_scale == window.surface_view.font_scale == pytest.approx(LARGE_SCALE)
    assert text_sizes(window) == tuple(round(size * LARGE_SCALE) for size in before)
    app_font(REFERENCE_FONT_POINTS)
    assert text_sizes(window) == before


def test_the_font_scale_is_capped_and_multiplies_the_presentation_scale(make_main_window, app_font) -> None:
    window = make_main_window("bowl")
    app_font(4 * REFERENCE_FONT_POINTS)
    view = window.contour_view
    assert view.font_scale <= 2.0
    scale = view.font_scale
    window.session.set_presentation_scale(1.2)
    assert view.text_scale == pytest.approx(1.2 * scale)
    assert view.plot_item.getAxis("bottom").style["tickFont"].pixelSize() == round(14 * 1.2 * scale)
    app_font(0.5 * REFERENCE_FONT_POINTS)
    assert view.font_scale == 1.0, "never smaller than at the reference size"


def test_a_short_view_keeps_its_text_smaller(make_main_window, app_font) -> None:
    window = make_main_window("bowl")
    app_font(LARGE_POINTS)
    view = window.contour_view
    view.setFixedHeight(150)
    QApplication.processEvents()
    assert view.font_scale == 1.0
    view.setFixedHeight(500)
    QApplication.processEvents()
    assert view.font_scale == pytest.approx(LARGE_SCALE)


def test_an_export_is_the_same_whatever_the_application_font(make_main_window, app_font) -> None:
    window = make_main_window("bowl")
    window.session.update_run(0, max_steps=10)

    def frames() -> list[np.ndarray]:
        renderer = FrameRenderer(copy_session(window.session), (640, 400), "both", True, "linear")
        try:
            return [renderer.render_step(step) for step in (0, 10)]
        finally:
            renderer.close()

    usual = frames()
    app_font(LARGE_POINTS)
    assert window.contour_view.font_scale > 1.0
    for large, small in zip(frames(), usual, strict=True):
        assert np.array_equal(large, small)



def test_a_font_chosen_while_presenting_reaches_the_caption(make_main_window, app_font) -> None:
    """A larger font chosen while running left the presenting caption at the old size."""
    from gradviz.app.lesson_player import EDITING_CAPTION_FACTOR, PRESENTING_CAPTION_FACTOR

    window = make_main_window("bowl")
    caption = window.lesson_player.caption_bar.caption
    window.presentation.enter()
    scale = window.session.presentation_scale
    app_font(LARGE_POINTS)
    assert caption.font().pointSizeF() == pytest.approx(LARGE_POINTS * PRESENTING_CAPTION_FACTOR * scale)
    app_font(REFERENCE_FONT_POINTS)
    assert caption.font().pointSizeF() == pytest.approx(REFERENCE_FONT_POINTS * PRESENTING_CAPTION_FACTOR * scale)
    window.presentation.leave()
    app_font(LARGE_POINTS)
    assert caption.font().pointSizeF() == pytest.approx(LARGE_POINTS * EDITING_CAPTION_FACTOR), "editing too"
