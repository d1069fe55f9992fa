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


@pytest.fixture
def make_main_window(qtbot: object) -> Iterator[Callable[..., object]]:
    """Build shown main windows that open a preset; closed on teardown."""
    from gradviz.app.main_window import MainWindow
    from gradviz.core.presets import find_preset

    windows: list[MainWindow] = []

    def make(preset: str | None = "bowl", size: tuple[int, int] = (1280, 800)) -> MainWindow:
        window = MainWindow()
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)  # type: ignore[attr-defined]
        if preset is not None:
            window.open_scenario(find_preset(preset).scenario, wait=True)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.stepper.set_playing(False)
        window.close()
