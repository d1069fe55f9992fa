"""The PyInstaller bundle builds, and runs on its own: the command line, the window and the symbolic worker process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from installed_app import check_version_and_derive, processes_left_from, run_app

ROOT = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT = 900

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("wheel"),  # with test_packaging's tests, on one worker: the wheel is built once
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the bundle is built for Linux"),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, built_wheel: tuple[Path, str]) -> Iterator[Path]:
    """The folder of a bundle freshly built from the wheel the packaging tests check (the build takes a minute or two);
    removed afterwards, it is big."""
    dist = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    result = subprocess.run(["bash", str(ROOT / "packaging" / "build_bundle.sh"), str(dist), str(built_wheel[0])],
                            env={**os.environ, "PYTHON": sys.executable},
                            capture_output=True, text=True, timeout=BUILD_TIMEOUT, check=False)
    assert result.returncode == 0, f"the bundle build failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    print(f"bundle built in {time.monotonic() - started:.0f} s\n{result.stdout}")
    yield dist / "gradviz"
    shutil.rmtree(dist, ignore_errors=True)


def test_bundle_runs_the_command_line_and_its_worker(bundle: Path, tmp_path: Path) -> None:
    check_version_and_derive(bundle / "gradviz", cwd=tmp_path)
    assert processes_left_from(bundle) == [], "the symbolic worker or resource tracker outlived the command"


def test_bundle_refuses_bad_input_through_its_worker(bundle: Path, tmp_path: Path) -> None:
    result = subprocess.run([str(bundle / "gradviz"), "derive", "x^"], cwd=tmp_path, capture_output=True,
                            text=True, encoding="utf-8", timeout=120, check=False)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("gradviz: ")


def test_bundle_holds_its_resources_and_ffmpeg(bundle: Path) -> None:
    internal = bundle / "_internal"
    resources = ROOT / "resources"
    for path in resources.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in {".py", ".pyc"}:
            assert (internal / "gradviz" / "resources" / path.relative_to(resources)).is_file(), path.name
    (ffmpeg,) = (internal / "imageio_ffmpeg" / "binaries").glob("ffmpeg-*")
    assert os.access(ffmpeg, os.X_OK)


def test_bundle_renders_the_window(bundle: Path, tmp_path: Path) -> None:
    if not os.environ.get("DISPLAY"):
        pytest.skip("no display")
    picture = tmp_path / "window.png"
    run_app(bundle / "gradviz", "--screenshot", str(picture), "--size", "1200x800", cwd=tmp_path)
    header = picture.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(header[16:20], "big") == 1200 and int.from_bytes(header[20:24], "big") == 800
    assert picture.stat().st_size > 50_000  # a drawn window, not a blank one


def test_bundle_exports_a_video(bundle: Path, tmp_path: Path) -> None:
    """Export smoke test: a short descent run encoded by the bundled ffmpeg."""
    if not os.environ.get("DISPLAY"):
        pytest.skip("no display")
    video = tmp_path / "run.mp4"
    run_app(bundle / "gradviz", "export", "x^2 + 3y^2", "--start", "x=2,y=1", "--steps", "5",
            "--size", "320x240", "--out", str(video), cwd=tmp_path)
    assert video.read_bytes()[4:8] == b"ftyp"
