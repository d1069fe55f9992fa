"""Files shipped in gradviz's resources, read the same way from an installed package or a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


def shipped_resource(name: str) -> Traversable:
    """A file or folder shipped in gradviz's resources, by its path relative to them ('lessons', 'presets.json')."""
    try:
        root: Traversable = resources.files("gradviz.resources")
    except ModuleNotFoundError:
        root = Path(__file__).resolve().parents[2] / "resources"
    for part in name.split("/"):
        root = root.joinpath(part)
    return root


def read_resource_text(name: str) -> str:
    """The text of a file shipped in gradviz's resources."""
    return shipped_resource(name).read_text(encoding="utf-8")
