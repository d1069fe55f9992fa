"""Window benchmarks: a new formula repainted in every view, one animation frame, start-up to first paint.

usage: xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX +render" python benchmarks/bench_app.py
Prints medians; nothing is asserted (timings on shared machines vary).
"""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import sys
import time

from scratch import scratch_folder

FORMULAS = ("(1 - x)^2 + 100(y - x^2)^2", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "sin(x) + cos(y)", "x^2 + 10y^2")
REPEATS = 15


def _median_ms(samples: list[float]) -> float:
    return 1e3 * statistics.median(samples)


def _p90_ms(samples: list[float]) -> float:
    return 1e3 * sorted(samples)[int(0.9 * len(samples))]


def startup_child() -> None:
    """Start as `gradviz` does: worker first, then the window shown at once and filled when the analysis arrives."""
    from gradviz.core.analysis import default_worker

    default_worker().start()
    from gradviz.app.launch import build_window, configure_qt, freeze_start_up_objects

    configure_qt()
    from PySide6.QtWidgets import QApplication

    from gradviz.core.presets import DEFAULT_PRESET, find_preset

    app = QApplication([])
    window = build_window(find_preset(DEFAULT_PRESET), None, wait=False)
    freeze_start_up_objects()
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    print(f"painted {time.perf_counter()}", flush=True)
    window.controller.wait()
    app.processEvents()
    print(f"filled {time.perf_counter()}", flush=True)
    window.close()  # as the app quits: a window left open crashed Python's exit at times (the figures were out)


def reference_work_ms(repeats: int = 7) -> float:
    """Median milliseconds of a fixed piece of Python work: the machine's speed, to set beside the figures.

    Shared machines run at different speeds through the day; figures taken at different times compare only
    relative to this.
    """
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        total = 0.0
        for k in range(200_000):
            total += (k % 7) * 0.5
        samples.append(time.perf_counter() - start)
    return _median_ms(samples)


def settle(most_seconds: float = 10.0) -> float:
    """Wait, at most most_seconds, until the fixed work takes its usual time; the seconds waited.

    Run right after another benchmark, the machine is busy for some seconds (the processes it started finishing their
    imports): the first figures of a run were taken at half speed, the fixed work at 22–24 ms instead of 13.
    """
    started = time.perf_counter()
    readings = [reference_work_ms(3)]
    while time.perf_counter() - started < most_seconds:
        readings.append(reference_work_ms(3))
        if max(readings[-2:]) <= 1.1 * min(readings):
            break
    return time.perf_counter() - started


def installed_like_environment(bytecode_folder: str) -> dict[str, str]:
    """The environment with Python's compiled bytecode kept (in this folder), as an installed app has it.

    Some machines set PYTHONDONTWRITEBYTECODE; a package run from its source tree then compiles its modules
    on every start (about 0.15 s), which an installed copy (pip compiles on install) never does.
    """
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONPYCACHEPREFIX"] = bytecode_folder
    return environment


def measure_startup(environment: dict[str, str] | None = None) -> tuple[float, float]:
    """Seconds from starting a Python process to the first painted window, and to the preset drawn in it."""
    start = time.perf_counter()
    output = subprocess.run([sys.executable, __file__, "--startup-child"], capture_output=True, text=True,
                            check=True, env=environment).stdout
    stamps = dict(line.split() for line in output.splitlines() if line.startswith(("painted", "filled")))
    return float(stamps["painted"]) - start, float(stamps["filled"]) - start


class PaintLatency:
    """Time from a change made inside the event loop (as the app makes them) until the window has painted all of it."""

    def __init__(self, app: object) -> None:
        from PySide6.QtCore import QAbstractEventDispatcher, QEvent, QEventLoop, QObject

        self._paints: list[float] = []
        self._idle: list[float] = []
        paints = self._paints

        class PaintStamps(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    paints.append(time.perf_counter())
                return False

        self._filter = PaintStamps()
        app.installEventFilter(self._filter)  # type: ignore[attr-defined]
        QAbstractEventDispatcher.instance().aboutToBlock.connect(lambda: self._idle.append(time.perf_counter()))
        self._loop = QEventLoop()

    def measure(self, change: object, wait_ms: int) -> float:
        """Seconds from the change until the loop first idles after the last paint that follows it within wait_ms.

        The 3D view's antialiased redraw, 200 ms after the picture stops changing, is not waited for.
        """
        from PySide6.QtCore import QTimer

        self._paints.clear()
        self._idle.clear()
        started: list[float] = []

        def make_change() -> None:
            started.append(time.perf_counter())
            change()  # type: ignore[operator]

        QTimer.singleShot(0, make_change)
        QTimer.singleShot(wait_ms, self._loop.quit)
        self._loop.exec()
        last_paint = max(self._paints, default=started[0])
        return min((idle for idle in self._idle if idle >= last_paint), default=last_paint) - started[0]


def measure_playback(window: object, app: object, seconds: float = 3.0) -> list[float]:
    """Seconds between the steps of a run played as fast as the window can draw (the timer never waits)."""
    from PySide6.QtCore import QEventLoop, QTimer

    stamps: list[float] = []
    window.session.step_changed.connect(lambda *_: stamps.append(time.perf_counter()))
    window.stepper.set_playing(True)
    window.stepper.timer.setInterval(0)
    loop = QEventLoop()
    QTimer.singleShot(round(1000 * seconds), loop.quit)
    loop.exec()
    window.stepper.set_playing(False)
    return [later - earlier for earlier, later in itertools.pairwise(stamps)]


def longest_stall_after(change: object, after_seconds: float, seconds: float) -> float:
    """The longest time the event loop did not run a 1 ms heartbeat, from after_seconds past the change on."""
    from PySide6.QtCore import QEventLoop, QTimer

    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(1)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    heartbeat.start()
    started = time.perf_counter()
    QTimer.singleShot(0, change)  # type: ignore[arg-type]
    loop = QEventLoop()
    QTimer.singleShot(round(1000 * seconds), loop.quit)
    loop.exec()
    heartbeat.stop()
    return max((later - earlier for earlier, later in itertools.pairwise(beats)
                if earlier - started >= after_seconds), default=0.0)


def main() -> None:
    """Print the figures (with default settings: the window's remembered layout is kept in a fresh folder)."""
    os.environ["GRADVIZ_CONFIG_DIR"] = scratch_folder("gradviz-bench-")
    from gradviz.app.launch import configure_qt, freeze_start_up_objects

    configure_qt()
    from PySide6.QtWidgets import QApplication

    from gradviz.app.main_window import MainWindow
    from gradviz.core.analysis import analyze
    from gradviz.core.presets import find_preset

    app = QApplication([])
    window = MainWindow()
    freeze_start_up_objects()  # as the app does once its window is built
    window.resize(1280, 720)
    window.show()
    window.open_scenario(find_preset("rosenbrock").scenario, wait=True)
    for _ in range(5):
        app.processEvents()

    latency = PaintLatency(app)
    print("gradviz window benchmarks (software OpenGL), medians")
    print(f"waited {settle():.1f} s for the machine to settle")
    print(f"machine speed: a fixed piece of Python work takes {reference_work_ms():.1f} ms")
    print(f"{'grid':>8}  {'analyze (warm)':>15}  {'views: new formula':>19}  {'total':>8}")
    for resolution, panels in ((100, "open"), (200, "open"), (400, "open"), (200, "closed"), (200, "step table"),
                               (200, "critical points")):
        for dock in window.teaching_docks.docks.values():
            dock.setVisible(panels != "closed")
        window.session.set_view(critical_points=panels == "critical points")
        if panels != "closed":
            window.teaching_docks.show_panel("step_table_dock" if panels == "step table" else "probe_dock")
        latency.measure(lambda resolution=resolution: window.session.set_resolution(resolution), 400)
        analyze_times, draw_times = [], []
        for i in range(REPEATS):
            text = f"{FORMULAS[i % len(FORMULAS)]} + {i}"
            start = time.perf_counter()
            analysis = analyze(text)
            analyze_times.append(time.perf_counter() - start)
            draw_times.append(latency.measure(lambda analysis=analysis: window.session.set_analysis(analysis), 150))
        total = [a + d for a, d in zip(analyze_times, draw_times, strict=True)]
        note = {"open": "", "closed": "  (teaching panels closed)", "step table": "  (step table in front)",
                "critical points": "  (critical points marked, both views)"}[panels]
        print(f"{resolution:>5}²  {_median_ms(analyze_times):>12.1f} ms  {_median_ms(draw_times):>16.1f} ms"
              f"  {_median_ms(total):>5.1f} ms{note}")
    window.teaching_docks.show_panel("probe_dock")
    window.session.set_view(critical_points=False)
    stalls = [longest_stall_after(lambda text=text: window.session.set_analysis(analyze(text)), 0.15, 0.7)
              for text in (f"{FORMULAS[i % len(FORMULAS)]} + {i}" for i in range(8))]
    print(f"the 3D view's antialiased redraw, {window.surface_view.SETTLE_MS} ms after a new formula: longest stall "
          f"of the event loop {_median_ms(stalls):.1f} ms")

    window.session.set_resolution(200)
    window.open_scenario(find_preset("rosenbrock").scenario, wait=True)
    latency.measure(lambda: None, 400)
    frames = [latency.measure(lambda: window.session.step_by(1), 40) for _ in range(60)]
    print(f"one step, every view and open panel redrawn, 200² in a 1280×720 window: {_median_ms(frames):.1f} ms "
          f"(p90 {_p90_ms(frames):.1f} ms)")
    for docks_open in (True, False):
        for dock in window.teaching_docks.docks.values():
            dock.setVisible(docks_open)
        window.open_scenario(find_preset("rosenbrock").scenario, wait=True)
        latency.measure(lambda: None, 400)
        gaps = measure_playback(window, app)
        panels = "teaching panels open" if docks_open else "teaching panels closed"
        print(f"playback frame (step + repaint), {panels}: {_median_ms(gaps):.1f} ms "
              f"(p90 {_p90_ms(gaps):.1f} ms, {len(gaps) + 1} steps in 3 s)")
    window.close()
    environment = installed_like_environment(scratch_folder("gradviz-bytecode-"))
    measure_startup(environment)  # compiles and keeps the bytecode
    startups = [measure_startup(environment) for _ in range(5)]
    print(f"start-up to first painted window: {statistics.median(times[0] for times in startups):.2f} s; "
          f"to the default preset drawn in it: {statistics.median(times[1] for times in startups):.2f} s "
          "(bytecode compiled, as installed)")
    print(f"machine speed at the end: {reference_work_ms():.1f} ms")


if __name__ == "__main__":
    if "--startup-child" in sys.argv:
        startup_child()
    else:
        main()
