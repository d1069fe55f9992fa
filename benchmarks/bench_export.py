"""Time exporting a descent video: a 1280×720 MP4 of a 60-step Rosenbrock run from (−1.5, 2), lr 0.001, both panels.

Run under a display, e.g. ``xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX +render"
python benchmarks/bench_export.py [--runs 3] [--baseline SCRIPT --baseline-python PYTHON]``.

Prints the median frames/s of whole exports, the time per frame spent drawing and handing frames to ffmpeg
(which encodes in its own process meanwhile), what one frame's drawing is made of, and, given the matplotlib
baseline script (``SCRIPT OUT.mp4 FRAMES``, printing "... = N frames/s"), its frames/s in the same run.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from gradviz.app.launch import configure_qt

FORMULA = "(1 - x)^2 + 100(y - x^2)^2"
STEPS = 60
SIZE = (1280, 720)
TARGET_FPS = 30.0
BASELINE_RATE = re.compile(r"=\s*([\d.]+)\s*frames/s")


def rosenbrock_session() -> object:
    """The Rosenbrock preset with a 60-step run from (−1.5, 2) at lr 0.001."""
    from gradviz.core.analysis import analyze_in_process
    from gradviz.core.presets import find_preset
    from gradviz.core.session import Session

    scenario = find_preset("rosenbrock").scenario
    run = replace(scenario.runs[0], start={"x": -1.5, "y": 2.0}, lr=0.001, max_steps=STEPS)
    session = Session()
    session.apply_scenario(scenario.with_runs((run,)), analyze_in_process(scenario.formula))
    return session


def whole_exports(session: object, options: object, folder: Path, runs: int) -> list[tuple[float, ...]]:
    """Seconds of each whole export: in all, setting up, the first frame, drawing the others, handing them over
    to ffmpeg (which waits when the encoder is behind) and finishing the file."""
    from gradviz.app.exporter import VideoExport

    results = []
    for run in range(runs):
        started = time.perf_counter()
        job = VideoExport(session, options, folder / f"run{run}.mp4")
        set_up = time.perf_counter()
        job.render_next()
        first = time.perf_counter()
        drawn_before, handed_before = job.draw_seconds, job.write_seconds
        while not job.complete:
            job.render_next()
        job.close()
        finishing = time.perf_counter()
        job.finish()
        ended = time.perf_counter()
        results.append((ended - started, set_up - started, first - set_up, job.draw_seconds - drawn_before,
                        job.write_seconds - handed_before, ended - finishing))
    return results


def frame_breakdown(session: object, options: object) -> dict[str, float]:
    """Median milliseconds per frame of each part of drawing one frame.

    The contour panel is timed as a frame draws it (over its cached static layer) and, in a second pass over the
    steps, drawn whole.
    """
    from PySide6 import QtGui

    from gradviz.app.exporter import FrameRenderer, array_as_image, copy_session

    renderer = FrameRenderer(copy_session(session), options.size, options.panels, options.overlay,
                             options.loss_scale)
    parts: dict[str, list[float]] = {"clock": [], "3D panel": [], "contour panel": [], "caption": [],
                                     "contour panel drawn whole": [], **({"loss strip": []} if options.loss else {})}
    frame = renderer.render_step(0)
    image = array_as_image(frame)
    surface_slot = renderer.slot("3d")
    for step in range(1, STEPS + 1):
        started = time.perf_counter()
        renderer.show_step(step)
        clocked = time.perf_counter()
        renderer.surface_view.render_to_array(*surface_slot.size)
        surfaced = time.perf_counter()
        painter = QtGui.QPainter(image)
        renderer.paint_contour_panel(painter)
        contoured = time.perf_counter()
        renderer.caption.paint(painter, renderer.session)
        captioned = time.perf_counter()
        if options.loss:
            renderer.paint_loss_strip(painter)
            parts["loss strip"].append(time.perf_counter() - captioned)
        painter.end()
        for name, seconds in zip(("clock", "3D panel", "contour panel", "caption"),
                                 (clocked - started, surfaced - clocked, contoured - surfaced, captioned - contoured),
                                 strict=True):
            parts[name].append(seconds)
    for step in range(STEPS + 1):
        renderer.show_step(step)
        painter = QtGui.QPainter(image)
        started = time.perf_counter()
        renderer.paint_contour_panel(painter, cached=False)
        parts["contour panel drawn whole"].append(time.perf_counter() - started)
        painter.end()
    started = time.perf_counter()
    for step in range(1, STEPS + 1):
        renderer.render_step(step)
    whole_frame = (time.perf_counter() - started) / STEPS
    renderer.close()
    medians = {name: statistics.median(samples) * 1e3 for name, samples in parts.items()}
    medians["whole frame (render_step)"] = whole_frame * 1e3
    return medians


def baseline_rate(script: Path, python: str, folder: Path) -> str:
    """The baseline's frames/s line, run with the bundled ffmpeg first on PATH; or why it could not run."""
    from gradviz.export.writers import ffmpeg_executable

    tools = folder / "tools"
    tools.mkdir(exist_ok=True)
    link = tools / "ffmpeg"
    if not link.exists():
        link.symlink_to(ffmpeg_executable())
    environment = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"}
    try:
        result = subprocess.run([python, str(script), str(folder / "baseline.mp4"), str(STEPS)], env=environment,
                                capture_output=True, text=True, timeout=900, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"could not run ({error})"
    match = BASELINE_RATE.search(result.stdout)
    if result.returncode != 0 or match is None:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return f"did not run ({last})"
    return match.group(1)


def report_exports(session: object, options: object, folder: Path, runs: int) -> float:
    """Time whole exports and one frame's parts, print them, and return the median frames/s."""
    frames = STEPS + 1
    results = whole_exports(session, options, folder, runs)
    seconds, set_up, first, drawing, handing, finishing = (statistics.median(c) for c in zip(*results, strict=True))
    rate = frames / seconds
    verdict = "meets" if rate >= TARGET_FPS else "below"
    print(f"    whole export: median {seconds:.2f} s = {rate:.1f} frames/s ({verdict} the {TARGET_FPS:g} target; "
          f"runs: {', '.join(f'{frames / r[0]:.1f}' for r in results)} frames/s)")
    print(f"    of which: setting up {set_up * 1e3:.0f} ms, first frame {first * 1e3:.0f} ms (GL context, shaders), "
          f"then per frame drawing {drawing / (frames - 1) * 1e3:.1f} ms and handing to ffmpeg "
          f"{handing / (frames - 1) * 1e3:.1f} ms (waiting when the encoder is behind), "
          f"finishing the file {finishing * 1e3:.0f} ms")
    print(f"    steady state after the first frame: {(frames - 1) / (drawing + handing):.1f} frames/s")
    breakdown = frame_breakdown(session, options)
    print("    one frame, median ms: " + ", ".join(f"{name} {ms:.1f}" for name, ms in breakdown.items()))
    return rate


def main() -> int:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="whole exports to time per variant (default 3)")
    parser.add_argument("--baseline", type=Path, help="the matplotlib baseline script, run in the same session")
    parser.add_argument("--baseline-python", default=sys.executable, help="the Python that has matplotlib")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gradviz-bench-") as scratch:
        folder = Path(scratch)
        os.environ["GRADVIZ_CONFIG_DIR"] = str(folder)  # the defaults, not this user's remembered view options
        configure_qt()
        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv[:1])
        from gradviz.app.exporter import ExportOptions
        from gradviz.app.probe_presenter import PARTIALS_KEY
        from gradviz.app.qt_workarounds import keep_singletons_alive
        from gradviz.app.settings import app_settings

        keep_singletons_alive()
        session = rosenbrock_session()
        options = ExportOptions(size=SIZE, panels="both", overlay=True, hold_seconds=0.0)
        print(f"export: {SIZE[0]}×{SIZE[1]} MP4, Rosenbrock from (−1.5, 2), lr 0.001, {STEPS} steps = {STEPS + 1} "
              "frames, both panels, caption on")
        rates = {}
        for shown, loss, title in (
                (True, False, "with the partial derivatives at the probe drawn (the app's default)"),
                (False, False, "without them (view option 'partials' off)"),
                (True, True, "with the partial derivatives and the loss curve under the panels (--loss)")):
            app_settings().setValue(PARTIALS_KEY, shown)
            print(f"  {title}:")
            rates[(shown, loss)] = report_exports(session, replace(options, loss=loss), folder, args.runs)
        if args.baseline is None:
            print("  matplotlib baseline: not run (give --baseline SCRIPT and --baseline-python PYTHON)")
        elif not args.baseline.is_file():
            print(f"  matplotlib baseline: not run ({args.baseline} is not there)")
        else:
            baseline = baseline_rate(args.baseline, args.baseline_python, folder)
            try:
                ratio = " → gradviz " + " and ".join(f"{rate / float(baseline):.1f}×" for rate in rates.values())
            except ValueError:
                ratio = ""
            print(f"  matplotlib baseline, same run: {baseline} frames/s{ratio}")
        del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
