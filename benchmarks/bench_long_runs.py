"""Long runs in the window: how long it stops answering while they are computed, and a clock jump in one.

The runs are computed all at once or in slices between events; a jump of the clock is timed until every view has
painted it. Rosenbrock's preset with a step budget of 100,000 and a start from which gradient descent needs about 33,000
steps. For each way of computing, it prints the longest wait of a 5 ms timer (the event loop's longest pause)
while the budget changes and while the start point is dragged, and how long the run takes to come in.
Run it under a (virtual) display: ``xvfb-run -a python benchmarks/bench_long_runs.py``.
"""

from __future__ import annotations

import gc
import itertools
import os
import statistics
import time
from collections.abc import Callable

from scratch import scratch_folder

ROUNDS = 3
DRAG_MOVES = 30
DRAG_INTERVAL = 0.03  # seconds between two moves of the pointer
JUMP_ROUNDS = 3
SLOW_START = {"x": -1.5, "y": 2.0}


class LoopWatch:
    """Records the gaps between the ticks of a 5 ms timer: a long gap is the event loop held up."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.ticks: list[float] = []
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self) -> None:
        """Begin recording."""
        self.ticks = [time.perf_counter()]
        self._timer.start()

    def longest_gap(self) -> float:
        """The longest gap since start(), ending now."""
        self._timer.stop()
        stamps = [*self.ticks, time.perf_counter()]
        return max(later - earlier for earlier, later in itertools.pairwise(stamps))


def pump(app: object, seconds: float, until: Callable[[], bool] = lambda: False) -> None:
    """Run the event loop for this long, or until the condition holds."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end and not until():
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.001)


def measure(window: object, app: object, watch: LoopWatch) -> tuple[float, float, float]:
    """Longest pause during a budget change, the time until its run is in, and the longest pause during a drag."""
    session = window.session  # type: ignore[attr-defined]
    session.update_run(0, lr=0.001, start=dict(SLOW_START), max_steps=200)
    session.wait_for_runs()
    pump(app, 0.2)
    watch.start()
    started = time.perf_counter()
    session.update_run(0, max_steps=100_000)
    pump(app, 30.0, until=lambda: session.computing is None)
    arrived = time.perf_counter() - started
    pump(app, 0.1)
    budget_gap = watch.longest_gap()
    watch.start()
    for move in range(DRAG_MOVES):
        session.set_start({"x": SLOW_START["x"] + 0.01 * move})
        pump(app, DRAG_INTERVAL)
    pump(app, 30.0, until=lambda: session.computing is None)
    drag_gap = watch.longest_gap()
    return budget_gap, arrived, drag_gap


def measure_jumps(window: object, app: object) -> list[float]:
    """Seconds from a jump of the clock (to the end, the middle, the start, …) until every view has painted it."""
    from bench_app import PaintLatency

    session = window.session  # type: ignore[attr-defined]
    session.update_run(0, lr=0.001, start=dict(SLOW_START), max_steps=100_000)
    session.wait_for_runs()
    latency = PaintLatency(app)
    latency.measure(lambda: None, 600)  # the antialiased picture of the new run comes in first
    last = session.last_step
    return [latency.measure(lambda step=step: session.set_step(step), 300)
            for step in [last, 10, last // 2, 100, last - 5, 0] * JUMP_ROUNDS]


def main() -> None:
    """Print the figures for both ways of computing, alternating them round by round."""
    os.environ["GRADVIZ_CONFIG_DIR"] = scratch_folder("gradviz-bench-")
    from gradviz.app.launch import configure_qt

    configure_qt()
    from PySide6.QtWidgets import QApplication

    from gradviz.app.main_window import MainWindow
    from gradviz.app.run_scheduler import SlicedRunScheduler
    from gradviz.core.presets import find_preset

    app = QApplication([])
    window = MainWindow()
    gc.freeze()  # as the app does once its window is built
    window.resize(1280, 720)
    window.show()
    window.open_scenario(find_preset("rosenbrock").scenario, wait=True)
    watch = LoopWatch()
    ways = {"all at once (the old way)": float("inf"),
            "in slices between events": SlicedRunScheduler.quick_wait_seconds}
    figures: dict[str, list[tuple[float, float, float]]] = {name: [] for name in ways}
    for _ in range(ROUNDS):
        for name, quick_wait in ways.items():
            window.run_scheduler.quick_wait_seconds = quick_wait
            figures[name].append(measure(window, app, watch))
    print("long runs: Rosenbrock, step budget 100,000 (about 33,000 steps), 1280×720 window, medians of "
          f"{ROUNDS} rounds")
    for name, rounds in figures.items():
        budget_gap, arrived, drag_gap = (statistics.median(values) * 1000 for values in zip(*rounds, strict=True))
        print(f"  {name:<26} budget change: window held {budget_gap:5.0f} ms, run in after {arrived:5.0f} ms;"
              f"  dragging the start: window held {drag_gap:5.0f} ms at most")
    jumps = measure_jumps(window, app)
    print(f"  jumping the clock (end, middle, start, …) until every view has painted it: median "
          f"{statistics.median(jumps) * 1000:.0f} ms, longest {max(jumps) * 1000:.0f} ms")
    window.document.forget_changes()
    window.close()


if __name__ == "__main__":
    main()
