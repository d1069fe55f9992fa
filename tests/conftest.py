"""Shared fixtures: the real main window under the virtual display, with settings kept out of the user's files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gradviz.app.launch import configure_qt

configure_qt()  # before pytest-qt creates the QApplication


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep remembered settings and recovery files in a temporary folder."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("GRADVIZ_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def runs_in_the_same_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows wait for their runs however busy the machine is (tests of background runs lower the wait)."""
    from gradviz.app.run_scheduler import SlicedRunScheduler

    monkeypatch.setattr(SlicedRunScheduler, "quick_wait_seconds", 30.0)


def close_without_asking(window: object) -> None:
    """A test's edits are not the user's: let the window close without asking to save them.

    The 3D view's GPU buffers are deleted too: the app quits with its window, but a test worker opens hundreds,
    and each closed window's mesh stayed in the shared OpenGL context (2.5 MB each; workers grew past 2 GB).
    """
    window.document.forget_changes()  # type: ignore[attr-defined]
    window.stepper.set_playing(False)  # type: ignore[attr-defined]
    window.surface_view.release_gl()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """gradviz's wheel built the way users build it (sdist, then the wheel from the sdist), and the build's log; built
    once for the wheel's tests and the bundle made from it."""
    import subprocess
    import sys

    out, root = tmp_path_factory.mktemp("dist"), Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(root)],
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, f"the build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    (wheel,) = out.glob("gradviz-*.whl")
    return wheel, result.stdout + result.stderr


@pytest.fixture
def make_main_window(qtbot: object) -> Iterator[Callable[..., object]]:
    """Build shown main windows that open a preset; closed on teardown."""
    from gradviz.app.main_window import MainWindow
    from gradviz.core.presets import find_preset

    windows: list[MainWindow] = []

    def make(preset: str | None = "bowl", size: tuple[int, int] = (1280, 800)) -> MainWindow:
        window = MainWindow()
        qtbot.addWidget(window, before_close_func=close_without_asking)  # type: ignore[attr-defined]
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)  # type: ignore[attr-defined]
        if preset is not None:
            window.open_scenario(find_preset(preset).scenario, wait=True)
        windows.append(window)
        return window

    yield make
    for window in windows:
        close_without_asking(window)
        window.close()


@pytest.fixture
def launched(qtbot: object) -> Callable[..., object]:
    """Build windows the way the gradviz command does (a preset, or a scenario or lesson file); closed on teardown."""
    from gradviz.app.launch import build_window

    def launch(document: object, path: Path | None = None) -> object:
        window = build_window(document, path)  # type: ignore[arg-type]
        qtbot.addWidget(window, before_close_func=close_without_asking)  # type: ignore[attr-defined]
        window.show()
        return window

    return launch


@pytest.fixture
def activate(qtbot: object) -> Callable[[object], None]:
    """Make a window the active one, as it is when a person uses it (window shortcuts need that)."""

    def make_active(window: object) -> None:
        with qtbot.waitActive(window):  # type: ignore[attr-defined]
            window.activateWindow()  # type: ignore[attr-defined]

    return make_active


@pytest.fixture
def refuse_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail at once, instead of waiting for a click, if a question or warning box would open."""
    from PySide6.QtWidgets import QMessageBox

    def refuse(_parent: object, title: str, text: str, *_args: object) -> None:
        raise AssertionError(f"unexpected dialog '{title}': {text}")

    for name in ("question", "warning"):
        monkeypatch.setattr(QMessageBox, name, refuse)


@pytest.fixture
def answer_modal() -> Callable[[type, Callable[[object], None]], None]:
    """answer(kind, act): once a modal dialog of that kind opens (a call under test waits in it), do act to it."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def answer(kind: type, act: Callable[[object], None]) -> None:
        def look() -> None:
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, kind):
                act(dialog)
            else:
                QTimer.singleShot(20, look)

        QTimer.singleShot(20, look)

    return answer


@pytest.fixture
def slow_ffmpeg(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every ffmpeg the export writers start runs 30 s and does nothing; the processes started, in order."""
    import subprocess

    from gradviz.export import writers

    started: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def slow_encoder(*_args: object, **kwargs: object) -> subprocess.Popen:
        started.append(real_popen(["sleep", "30"], **kwargs))
        return started[-1]

    monkeypatch.setattr(writers.subprocess, "Popen", slow_encoder)
    return started
