"""Render the app icon resources/icons/gradviz.svg to the PNG sizes desktops and window managers ask for."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ICON_DIR = Path(__file__).resolve().parents[1] / "resources" / "icons"
SOURCE = ICON_DIR / "gradviz.svg"
# Small sizes are drawn from a simpler picture with bolder strokes, which still reads at a few pixels.
SMALL_SOURCE = ICON_DIR / "gradviz-small.svg"
SMALL_LIMIT = 32
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_path(size: int, directory: Path = ICON_DIR) -> Path:
    """The PNG file of the icon at ``size`` pixels."""
    return directory / f"gradviz-{size}.png"


def render(source: Path, size: int, target: Path) -> None:
    """Render the SVG ``source`` to a square, transparent PNG of ``size`` pixels."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {source} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    if not image.save(str(target), "PNG"):
        raise SystemExit(f"make_icons: cannot write {target}")


def main(argv: list[str] | None = None) -> int:
    """Render every size of the icon into the icon folder (or --out)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ICON_DIR, help="folder for the PNGs (default: the icon folder)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt needs it while painting
    args.out.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        render(SMALL_SOURCE if size <= SMALL_LIMIT else SOURCE, size, png_path(size, args.out))
        print(png_path(size, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
