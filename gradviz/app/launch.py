"""Start the desktop app: read what to open, build the window, show it (or render it to a PNG)."""

from __future__ import annotations

import argparse
import gc
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from gradviz.cli import parse_size
from gradviz.core.errors import GradvizError
from gradviz.core.lessons import Lesson, check_formulas, load_scenario_or_lesson
from gradviz.core.presets import DEFAULT_PRESET, Preset, find_preset
from gradviz.core.scenario import Scenario

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from gradviz.app.main_window import MainWindow


def document_to_open(args: argparse.Namespace) -> tuple[Scenario | Lesson | Preset, Path | None]:
    """What the command line asks for: a scenario or lesson file (told apart by its format field), or a preset.

    A file is read, its formulas not yet checked (see check_formulas): that takes up to the worker's time limit
    for each, and the window shows first (open_given_file).
    """
    if args.file:
        return load_scenario_or_lesson(args.file), Path(args.file)
    return preset_to_open(args), None


def preset_to_open(args: argparse.Namespace) -> Preset:
    """The preset the command line names, or the default one."""
    return find_preset(args.preset or DEFAULT_PRESET)


def build_window(document: Scenario | Lesson | Preset | None, path: Path | None, wait: bool = True) -> MainWindow:
    """The main window, showing a preset, or a scenario or lesson read from `path` (None: nothing yet).

    With wait, the formula's analysis has arrived and every view shows it; without, the window can be
    shown at once and fills in when the analysis arrives (a moment later, from the worker process).
    """
    from gradviz.app.main_window import MainWindow

    window = MainWindow()
    if isinstance(document, Preset):
        window.open_preset(document)
    elif document is not None and path is not None:
        window.document.show_document(document, path)
    if wait:
        window.controller.wait()
    return window


def open_given_file(window: MainWindow, document: Scenario | Lesson, path: Path, instead: Preset) -> bool:
    """Open a file read from the command line in the shown window, checked as File → Open checks it; False if not.

    The check runs with the window answering, behind a progress dialog with Cancel: a lesson of 200 slow scenes
    showed nothing for over two minutes. Cancelled, or refused (a dialog says why), the window shows `instead`.
    """
    if window.document.open_loaded(document, path):
        return True
    window.open_preset(instead)
    window.statusBar().showMessage(f"{path.name} was not opened: showing {instead.title}", 8000)
    return False


def app_icon() -> object:
    """The gradviz icon in every shipped size."""
    from PySide6.QtGui import QIcon, QPixmap

    from gradviz.core.shipped import shipped_resource

    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        pixmap = QPixmap()
        pixmap.loadFromData(shipped_resource(f"icons/gradviz-{size}.png").read_bytes())
        icon.addPixmap(pixmap)
    return icon


def configure_qt() -> None:
    """Settings that must be made before the QApplication exists (the 3D views make their one context themselves)."""
    from gradviz.app.qt_workarounds import keep_singletons_alive

    keep_singletons_alive()


def keep_light_colours(app: QApplication) -> None:
    """Light colours whatever the desktop's scheme: the views, the panels' text and the run colours are drawn for one.

    Under a dark desktop theme a refused formula's pink field kept its light text (1.2:1, the formula unreadable)
    and grey hints fell to 2.5:1.
    """
    from PySide6.QtCore import Qt

    app.styleHints().setColorScheme(Qt.ColorScheme.Light)
    app.setPalette(app.style().standardPalette())


def freeze_start_up_objects() -> None:
    """Keep every object alive now out of later garbage collections (the ones made later are still collected).

    Start-up leaves some 140,000 long-lived objects (modules, SymPy, the window's widgets). Python's full
    collections, which the allocations of descent runs and redraws trigger now and then, walked all of them:
    about 80 ms each time, in the middle of a formula change or a playback frame. Frozen, they are skipped.
    No collection first: it would take those 80 ms before the first paint to free about a hundred objects.
    """
    gc.freeze()


def launch_app(args: argparse.Namespace) -> int:
    """Open the main window; with --screenshot, render it to PNG and quit."""
    document, path = document_to_open(args)
    size = parse_size(args.size, "--size", (200, 8000), "1600x1000") if args.screenshot else None
    given_file = document if size is None and not isinstance(document, Preset) else None  # opened once shown
    if size is not None and not isinstance(document, Preset):
        check_formulas(document)  # the picture waits for them; one that cannot be used ends the command, saying why

    from PySide6.QtWidgets import QApplication, QMessageBox

    from gradviz.core.analysis import default_worker

    default_worker().start()
    configure_qt()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("gradviz")
    app.setOrganizationName("gradviz")
    app.setDesktopFileName("gradviz")
    app.setWindowIcon(app_icon())
    keep_light_colours(app)
    try:
        window = build_window(None if given_file is not None else document, path, wait=size is not None)
    except Exception as error:  # a start-up failure becomes a dialog (or, headless, a message), not a silent exit
        if size is not None:
            raise GradvizError(f"the window could not be built: {error}") from error
        QMessageBox.critical(None, "gradviz could not start", f"{error}\n\n{traceback.format_exc(limit=3)}")
        return 1
    if size is not None:
        return _save_screenshot(window, size, args.screenshot)
    freeze_start_up_objects()
    window.show()
    if given_file is not None and path is not None:
        open_given_file(window, given_file, path, preset_to_open(args))
    window.document.offer_recovery()
    return app.exec()


def _save_screenshot(window: object, size: tuple[int, int], target: str) -> int:
    from PySide6.QtWidgets import QApplication

    window.resize(*size)  # type: ignore[attr-defined]
    window.show()  # type: ignore[attr-defined]
    for _ in range(5):
        QApplication.processEvents()
    image = window.grab().toImage()  # type: ignore[attr-defined]
    if (image.width(), image.height()) != size:
        from PySide6.QtCore import Qt

        print(f"gradviz: the window cannot be made {size[0]}×{size[1]} (its panels need "
              f"{image.width()}×{image.height()}); the picture is scaled to the size asked for", file=sys.stderr)
        image = image.scaled(*size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
    if not image.save(target):
        raise GradvizError(f"cannot write the screenshot to {target}")
    window.close()  # type: ignore[attr-defined]
    print(f"saved {target} ({image.width()}×{image.height()})", file=sys.stderr)
    return 0
