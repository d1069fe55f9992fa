"""Long runs in the window: computed between events, with progress and a stop key, never freezing the window."""

from __future__ import annotations

import itertools
import time

import pytest
from PySide6.QtCore import Qt, QTimer

from gradviz.app.run_progress import PROGRESS_REFRESH_MS
from gradviz.app.run_scheduler import SlicedRunScheduler
from gradviz.core.descent import MAX_STEP_BUDGET, PIECE_STEPS
from gradviz.core.lessons import shipped_lessons

pytestmark = pytest.mark.timing  # the window's pauses are measured: run alone (see packaging/dev.sh)

SLOW_START = {"x": -1.5, "y": 2.0}
SLOW_LR = 1e-5  # from SLOW_START on Rosenbrock's valley, GD is far from converged after 100,000 steps


@pytest.fixture
def window(make_main_window, monkeypatch):
    """Rosenbrock's preset; no change waits for its runs, so every run is computed in slices."""
    monkeypatch.setattr(SlicedRunScheduler, "quick_wait_seconds", 0.0)
    window = make_main_window("rosenbrock")
    window.session.update_run(0, lr=SLOW_LR, start=dict(SLOW_START), max_steps=200)
    window.session.wait_for_runs()
    return window


def test_a_long_run_leaves_the_window_answering_and_shows_progress(window, qtbot) -> None:
    session = window.session
    ticks: list[float] = []
    clock = QTimer(window)
    clock.timeout.connect(lambda: ticks.append(time.perf_counter()))
    clock.start(5)
    session.update_run(0, max_steps=MAX_STEP_BUDGET)
    assert session.computing is not None and session.runs[0].spec.max_steps == 200  # the old run stays meanwhile
    qtbot.waitUntil(window.run_progress.isVisible, timeout=5000)
    assert "Computing the run:" in window.run_progress.label.text()
    assert window.run_progress.label.text().endswith("of 100,000 steps")
    qtbot.waitUntil(lambda: session.computing is None, timeout=20_000)
    clock.stop()
    assert not window.run_progress.isVisible()
    result = session.runs[0]
    assert result.spec.max_steps == MAX_STEP_BUDGET and len(result.run.steps) == MAX_STEP_BUDGET + 1
    session.set_step(session.last_step)
    assert "reached the step budget (100000 steps)" in window.stepper.readout.text()
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    assert len(ticks) > 10 and max(gaps) < 0.5  # the event loop ran all along (slices are 8 ms)


def test_esc_stops_computing_and_keeps_the_steps_done(window, qtbot, activate) -> None:
    activate(window)
    session = window.session
    session.update_run(0, max_steps=MAX_STEP_BUDGET)
    qtbot.waitUntil(lambda: session.computing is not None and session.computing.done_steps >= PIECE_STEPS)
    assert window.stop_computing_action.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: session.computing is None)
    budget = session.run_specs[0].max_steps
    assert PIECE_STEPS <= budget < MAX_STEP_BUDGET and budget % PIECE_STEPS == 0
    assert len(session.runs[0].run.steps) == budget + 1 and window.stepper.budget_box.value() == budget
    assert f"its step budget is now {budget}" in window.statusBar().currentMessage()
    assert not window.stop_computing_action.isEnabled() and not window.run_progress.isVisible()


def test_the_stop_button_stops_computing(window, qtbot) -> None:
    session = window.session
    session.update_run(0, max_steps=MAX_STEP_BUDGET)
    qtbot.waitUntil(window.run_progress.isVisible, timeout=5000)
    qtbot.mouseClick(window.run_progress.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.computing is None)
    assert session.run_specs[0].max_steps < MAX_STEP_BUDGET


def test_dragging_the_start_while_computing_shows_the_run_from_where_it_ended(window, qtbot) -> None:
    session = window.session
    session.update_run(0, max_steps=MAX_STEP_BUDGET)
    for x in (-1.4, -1.3, -1.2):
        qtbot.wait(PROGRESS_REFRESH_MS // 4)
        window.contour_view.start_dragged.emit(x, 2.0)
        assert session.computing is not None
        marker = window.contour_view.start_marker.pos()
        assert (marker.x(), marker.y()) == pytest.approx((x, 2.0))  # the marker follows at once, before its run is in
    qtbot.waitUntil(lambda: session.computing is None, timeout=20_000)
    assert session.runs[0].spec.start == {"x": -1.2, "y": 2.0}
    assert session.runs[0].run.steps[0].point == (-1.2, 2.0)


def test_lesson_keys_wait_for_a_scene_whose_run_is_still_computed(window, qtbot, activate) -> None:
    activate(window)
    lesson = shipped_lessons()[0]
    window.lesson_player.open_lesson(lesson)
    window.controller.wait()
    scene = window.lesson_player.index
    window.session.update_run(0, lr=SLOW_LR, max_steps=MAX_STEP_BUDGET)
    assert window.session.computing is not None and window.session.step == 0
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.lesson_player.index == scene and not window.stepper.playing  # nothing skipped or played
    window.session.stop_computing()
    window.session.wait_for_runs()
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert window.stepper.playing


def test_while_presenting_the_progress_comes_back_with_the_status_bar(window, qtbot) -> None:
    window.presentation.enter()
    assert not window.statusBar().isVisible()
    window.session.update_run(0, max_steps=MAX_STEP_BUDGET)
    qtbot.waitUntil(window.run_progress.isVisible, timeout=5000)
    assert window.statusBar().isVisible()
    window.session.stop_computing()
    qtbot.waitUntil(lambda: window.session.computing is None)
    assert not window.statusBar().isVisible() and not window.run_progress.isVisible()
    window.presentation.leave()
    assert window.statusBar().isVisible()
