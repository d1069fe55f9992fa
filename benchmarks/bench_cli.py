"""Wall time of each command-line command as one waits for it: a new process each time, compiled bytecode kept.

Run with ``python benchmarks/bench_cli.py [--runs 7] [SOURCE_DIR ...]``. Prints median times; nothing is asserted.
Each SOURCE_DIR (a checkout of gradviz) is put first on PYTHONPATH, and the runs alternate between them, so that
versions are compared within one run; without one, the gradviz this Python imports is timed. The export is timed
only where there is a display (on a machine without a screen: ``xvfb-run -a -s "-screen 0 1920x1080x24 +extension
GLX +render" python benchmarks/bench_cli.py``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tables import print_table

COMMANDS = {
    "derive": ["derive", "3x^2 + 2xy + y^3", "--at", "x=1,y=2"],
    "derive --latex": ["derive", "L(w1, w2) = 0.5w1^2 + 2w2", "--latex"],
    "critical": ["critical", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "--within", "5"],
    "descend": ["descend", "(1 - x)^2 + 100(y - x^2)^2", "--start", "x=-1.5,y=2", "--lr", "0.001", "--steps", "100"],
    "presets": ["presets"],
}
EXPORT = ["export", "--preset", "rosenbrock", "--steps", "20", "--size", "320x180", "--out", "{folder}/step.png"]
THIS_GRADVIZ = "this gradviz"


def command_environment(source: str | None, bytecode: Path) -> dict[str, str]:
    """A timed command's environment: bytecode kept in ``bytecode`` (not in the tree), ``source`` imported first."""
    environment = dict(os.environ, PYTHONPYCACHEPREFIX=str(bytecode))
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    if source is not None:
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, (source, environment.get("PYTHONPATH"))))
    return environment


def run_seconds(arguments: list[str], environment: dict[str, str], folder: str) -> float | None:
    """The wall time of ``python -m gradviz ARGUMENTS`` run in ``folder``, or None if it failed (its error is printed).

    Not run here: ``-m`` puts the working folder first on the path, where a checkout would hide the SOURCE_DIRs.
    """
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "gradviz", *arguments], env=environment, cwd=folder,
                            capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        print(f"gradviz {arguments[0]} failed ({result.returncode}): {result.stderr.strip()}", file=sys.stderr)
        return None
    return seconds


def main() -> None:
    """Time every command against every source, alternating, and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each command per source (default 7)")
    parser.add_argument("sources", nargs="*", metavar="SOURCE_DIR", help="gradviz checkouts to compare")
    options = parser.parse_args()
    sources: list[str | None] = [str(Path(source).resolve()) for source in options.sources] or [None]
    with tempfile.TemporaryDirectory() as folder:
        commands = dict(COMMANDS)
        if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
            commands["export (320×180 PNG)"] = [argument.format(folder=folder) for argument in EXPORT]
        environments = [command_environment(source, Path(folder, "bytecode")) for source in sources]
        times: dict[tuple[str, int], list[float]] = {(name, index): [] for name in commands for index in
                                                     range(len(sources))}
        for run in range(options.runs + 1):  # the first run compiles the bytecode, and is not counted
            for name, arguments in commands.items():
                for index, environment in enumerate(environments):
                    seconds = run_seconds(arguments, environment, folder)
                    if run and seconds is not None:
                        times[name, index].append(seconds)
    labels = tuple(Path(source).name if source else THIS_GRADVIZ for source in sources)
    rows = [(name, *(f"{statistics.median(times[name, index]):.2f}" if times[name, index] else "failed"
                     for index in range(len(sources)))) for name in commands]
    print_table(f"gradviz COMMAND, median wall time in s over {options.runs} runs (a new process each)",
                ("command", *labels), rows)


if __name__ == "__main__":
    main()
