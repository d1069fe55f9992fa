"""Window benchmarks: a new formula repainted in every view, one animation frame, start-up to first paint.

usage: xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX +render" python benchmarks/bench_app.py
Prints medians; nothing is asserted (timings on shared machines vary).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

FORMULAS = ("(1 - x)^2 + 100(y - x^2)^2", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "sin(x) + cos(y)", "x^2 + 10y^2")
REPEATS = 9


def _median_ms(samples: list[float]) -> float:
    return 1e3 * statistics.median(samples)


def startup_child() -> None:
    """Build the window, open the default preset, paint once, report."""
    from gradviz.app.launch import configure_qt

    configure_qt()
    from PySide6.QtWidgets import QApplication

    from gradviz.app.main_window import MainWindow
    from gradviz.core.analysis import default_worker
    from gradviz.core.presets import DEFAULT_PRESET, find_preset

    default_worker().start()
    app = QApplication([])
    window = MainWindow()
    window.resize(1600, 1000)
    window.open_scenario(find_preset(DEFAULT_PRESET).scenario, wait=True)
    window.show()
    window.surface_view.repaint()
    window.contour_view.repaint()
    app.processEvents()
    print("painted", flush=True)


def measure_startup() -> float:
    """Seconds from starting a Python process to the first painted window."""
    start = time.perf_counter()
    output = subprocess.run([sys.executable, __file__, "--startup-child"], capture_output=True, text=True,
                            check=True).stdout
    assert "painted" in output
    return time.perf_counter() - start


def main() -> None:
    """Print the figures."""
    from gradviz.app.launch import configure_qt

    configure_qt()
    from PySide6.QtWidgets import QApplication

    from gradviz.app.main_window import MainWindow
    from gradviz.core.analysis import analyze
    from gradviz.core.presets import find_preset

    app = QApplication([])
    window = MainWindow()
    window.resize(1280, 720)
    window.show()
    window.open_scenario(find_preset("rosenbrock").scenario, wait=True)
    for _ in range(5):
        app.processEvents()

    def repaint_all() -> None:
        window.surface_view.repaint()
        window.contour_view.repaint()
        app.processEvents()

    print("gradviz window benchmarks (software OpenGL), medians")
    print(f"{'grid':>8}  {'analyze (warm)':>15}  {'views: new formula':>19}  {'total':>8}")
    for resolution in (100, 200, 400):
        window.session.set_resolution(resolution)
        repaint_all()
        analyze_times, draw_times = [], []
        for i in range(REPEATS):
            text = f"{FORMULAS[i % len(FORMULAS)]} + {i}"
            start = time.perf_counter()
            analysis = analyze(text)
            analysed = time.perf_counter()
            window.session.set_analysis(analysis)
            repaint_all()
            done = time.perf_counter()
            analyze_times.append(analysed - start)
            draw_times.append(done - analysed)
        total = [a + d for a, d in zip(analyze_times, draw_times, strict=True)]
        print(f"{resolution:>5}²  {_median_ms(analyze_times):>12.1f} ms  {_median_ms(draw_times):>16.1f} ms"
              f"  {_median_ms(total):>5.1f} ms")

    window.session.set_resolution(200)
    window.open_scenario(find_preset("rosenbrock").scenario, wait=True)
    repaint_all()
    frames = []
    for _ in range(60):
        start = time.perf_counter()
        window.session.step_by(1)
        repaint_all()
        frames.append(time.perf_counter() - start)
    print(f"animation frame at 200² in a 1280×720 window: {_median_ms(frames):.1f} ms "
          f"(p90 {1e3 * sorted(frames)[int(0.9 * len(frames))]:.1f} ms)")
    window.close()
    startups = [measure_startup() for _ in range(3)]
    print(f"start-up to first painted window: {statistics.median(startups):.2f} s")


if __name__ == "__main__":
    if "--startup-child" in sys.argv:
        startup_child()
    else:
        main()
