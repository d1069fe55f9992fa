"""Checks shared by the packaging tests: an installed or bundled gradviz runs on its own, outside the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

import gradviz

# Settings that would make an installed gradviz load code or ffmpeg from elsewhere than its own installation (pip, given
# the source tree's path, took it for gradviz installed already and left the command out), and the one that would keep
# it from keeping the byte code it compiles, as an installed program does.
_FOREIGN_SETTINGS = {"PYTHONPATH", "PYTHONHOME", "IMAGEIO_FFMPEG_EXE", "PYTHONDONTWRITEBYTECODE"}


def app_environment() -> dict[str, str]:
    """This process's environment without the settings an installed gradviz must not see."""
    return {name: value for name, value in os.environ.items() if name not in _FOREIGN_SETTINGS}


def run_app(executable: Path, *args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``executable`` with ``args`` in ``cwd``, away from the source tree; fail with its output if it fails."""
    command = f"{executable.name} {' '.join(args)}"
    try:
        result = subprocess.run([str(executable), *args], cwd=cwd, env=app_environment(), capture_output=True,
                                text=True, encoding="utf-8", timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"{command} did not finish in {timeout} s:\n{error.stdout}\n{error.stderr}")
    assert result.returncode == 0, f"{command} exited {result.returncode}:\n{result.stderr}"
    return result


def _processes_started_from(folder: Path) -> list[str]:
    """The command lines of running processes whose executable lies in ``folder``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            executable = (entry / "exe").resolve(strict=True)
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if executable.is_relative_to(folder.resolve()):
            found.append(command)
    return found


def processes_left_from(folder: Path, grace: float = 5.0) -> list[str]:
    """The processes started from ``folder`` still running after ``grace`` seconds for them to exit."""
    deadline = time.monotonic() + grace
    while (found := _processes_started_from(folder)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def check_version_and_derive(executable: Path, cwd: Path) -> None:
    """``executable`` prints gradviz's version, and derives a formula in its symbolic worker process."""
    assert run_app(executable, "--version", cwd=cwd).stdout.strip() == f"gradviz {gradviz.__version__}"
    answer = json.loads(run_app(executable, "derive", "x^2+3y", "--at", "x=2,y=1", "--json", cwd=cwd).stdout)
    assert answer["partials"] == {"x": "2*x", "y": "3"}
    assert answer["value"] == pytest.approx(7)
    assert answer["gradient"] == {"x": pytest.approx(4), "y": pytest.approx(3)}
    text = run_app(executable, "derive", "x^2+3y", "--at", "x=2,y=1", cwd=cwd).stdout
    assert "∂f/∂x = 2x" in text and "|∇f| = 5" in text
