"""Start the desktop app: read what to open, build the window, show it (or render it to a PNG)."""

from __future__ import annotations

import argparse
import sys
import traceback

from gradviz.cli import CommandLineError
from gradviz.core.errors import GradvizError
from gradviz.core.presets import DEFAULT_PRESET, find_preset
from gradviz.core.scenario import Scenario, load_scenario


def _parse_size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if not sep or not width.isdigit() or not height.isdigit() or not (200 <= int(width) <= 8000
                                                                       and 200 <= int(height) <= 8000):
        raise CommandLineError(f"--size expects WIDTHxHEIGHT between 200 and 8000, like 1600x1000; got '{text}'")
    return int(width), int(height)


def _scenario_to_open(args: argparse.Namespace) -> tuple[Scenario, str | None]:
    if args.file:
        return load_scenario(args.file), args.file
    return find_preset(args.preset or DEFAULT_PRESET).scenario, None


def configure_qt() -> None:
    """Settings that must be made before the QApplication exists: shared GL contexts and a multisampled format."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QSurfaceFormat

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    surface_format = QSurfaceFormat()
    surface_format.setDepthBufferSize(24)
    surface_format.setSamples(4)
    QSurfaceFormat.setDefaultFormat(surface_format)


def launch_app(args: argparse.Namespace) -> int:
    """Open the main window; with --screenshot, render it to PNG and quit."""
    scenario, path = _scenario_to_open(args)
    size = _parse_size(args.size) if args.screenshot else None

    from PySide6.QtWidgets import QApplication, QMessageBox

    from gradviz.core.analysis import default_worker

    default_worker().start()
    configure_qt()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("gradviz")
    app.setOrganizationName("gradviz")
    try:
        from gradviz.app.main_window import MainWindow

        window = MainWindow()
        window.open_scenario(scenario, wait=True)
        if path is not None:
            from pathlib import Path

            window.current_path = Path(path)
    except Exception as error:  # a start-up failure becomes a dialog, not a silent exit
        QMessageBox.critical(None, "gradviz could not start", f"{error}\n\n{traceback.format_exc(limit=3)}")
        return 1
    if size is not None:
        return _save_screenshot(window, size, args.screenshot)
    window.show()
    return app.exec()


def _save_screenshot(window: object, size: tuple[int, int], target: str) -> int:
    from PySide6.QtWidgets import QApplication

    window.resize(*size)  # type: ignore[attr-defined]
    window.show()  # type: ignore[attr-defined]
    for _ in range(5):
        QApplication.processEvents()
    image = window.grab().toImage()  # type: ignore[attr-defined]
    if not image.save(target):
        raise GradvizError(f"cannot write the screenshot to {target}")
    window.close()  # type: ignore[attr-defined]
    print(f"saved {target} ({image.width()}×{image.height()})", file=sys.stderr)
    return 0
