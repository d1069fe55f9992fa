"""Crash recovery files: each window keeps its state in its own file, locked while the window is open.

A file whose lock is free again belongs to a gradviz that ended without closing its window (it
crashed or was killed); the next launch finds it and offers it back. Lock files name their
process, so a running gradviz's file is never mistaken for a crashed one's. The state is a scenario,
or, while a lesson is open, the lesson with its scenes' edits. Beside it, a small file names the
file the window showed, if any, so that the state restored is that file's again (its edits marked
unsaved, Ctrl+S writing to it), and the lesson's scene that was shown; a gallery example shown after
that scene is kept with its edits in a scenario file of its own, and comes back after it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLockFile

from gradviz.core.errors import GradvizError, ScenarioError
from gradviz.core.lessons import Lesson, load_scenario_or_lesson, save_lesson
from gradviz.core.presets import Preset, find_preset
from gradviz.core.scenario import Scenario, load_scenario, save_scenario

RECOVERY_SUFFIX = ".gradviz.json"
LOCK_SUFFIX = ".lock"
SOURCE_SUFFIX = ".source"
EXAMPLE_SUFFIX = ".example"


@dataclass(frozen=True)
class Shown:
    """Where a kept state came from: the file the window showed (None: untitled), a lesson's scene shown and the
    gallery example shown after it, with its edits (its scenario as the window had it)."""

    source: Path | None = None
    scene: int = 0
    example: Preset | None = None


def _write_shown(path: Path, example_path: Path, shown: Shown) -> None:
    """Name the window's file, scene and gallery example beside its state; the example's state in a file of its own."""
    if shown.example is not None:
        save_scenario(shown.example.scenario, example_path)
    else:
        _delete(example_path)
    try:
        path.write_text(json.dumps({"source": None if shown.source is None else str(shown.source),
                                    "scene": shown.scene,
                                    "example": None if shown.example is None else shown.example.id}),
                        encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"cannot write {path}: {error.strerror}") from None


def _read_shown(path: Path, example_path: Path) -> Shown:
    """The file, scene and gallery example named beside a state (none, if they cannot be read)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        source, scene, example = data.get("source"), data.get("scene", 0), data.get("example")
    except (OSError, UnicodeError, ValueError, AttributeError):
        return Shown()
    return Shown(Path(source) if isinstance(source, str) and source else None,
                 scene if isinstance(scene, int) and scene >= 0 else 0,
                 _kept_example(example, example_path) if isinstance(example, str) else None)


def _kept_example(preset_id: str, path: Path) -> Preset | None:
    """The gallery example `preset_id` with the state kept at `path` (None if that cannot be read); one this gallery
    does not have is named by its state's title."""
    try:
        scenario = load_scenario(path)
    except GradvizError:
        return None
    try:
        return replace(find_preset(preset_id), scenario=scenario)
    except ScenarioError:
        return Preset(preset_id, scenario.title or preset_id, "", scenario.description, scenario)


def _locked(lock_path: Path) -> QLockFile | None:
    """The lock at this path, taken now; None if a running process holds it."""
    lock = QLockFile(str(lock_path))
    lock.setStaleLockTime(0)  # a lock is stale only when its process is gone
    return lock if lock.tryLock(0) else None


class RecoveryFile:
    """This window's recovery file: written atomically after changes, removed when the window closes cleanly."""

    def __init__(self, folder: Path) -> None:
        token = uuid.uuid4().hex
        self.path = folder / f"{token}{RECOVERY_SUFFIX}"
        self._lock_path = folder / f"{token}{LOCK_SUFFIX}"
        self._source_path = folder / f"{token}{SOURCE_SUFFIX}"
        self._example_path = folder / f"{token}{EXAMPLE_SUFFIX}"
        self._lock: QLockFile | None = None
        self._shown: Shown | None = None

    def write(self, document: Scenario | Lesson, shown: Shown = Shown()) -> None:
        """Keep this state (a scenario or a lesson) and where it came from (ScenarioError if it cannot be written)."""
        if self._lock is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise ScenarioError(f"cannot make {self.path.parent}: {error.strerror}") from None
            self._lock = _locked(self._lock_path)
        if shown != self._shown or not self._source_path.exists():
            _write_shown(self._source_path, self._example_path, shown)
            self._shown = shown
        if isinstance(document, Lesson):
            save_lesson(document, self.path)
        else:
            save_scenario(document, self.path)

    def remove(self) -> None:
        """Delete the file and free the lock: the window closed cleanly."""
        _delete(self.path, self._source_path, self._example_path)
        self._shown = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None


@dataclass
class OrphanedRecovery:
    """A recovery file left by a gradviz that ended without closing its window; its lock is now ours."""

    path: Path
    lock: QLockFile

    @property
    def saved_at(self) -> datetime:
        """When the state was written."""
        return datetime.fromtimestamp(self.path.stat().st_mtime)

    def _beside(self, suffix: str) -> Path:
        """The file of the same window whose name ends in `suffix`."""
        return self.path.with_name(self.path.name.removesuffix(RECOVERY_SUFFIX) + suffix)

    @property
    def shown(self) -> Shown:
        """The file the window showed, the lesson's scene and the example after it, as named beside the state."""
        return _read_shown(self._beside(SOURCE_SUFFIX), self._beside(EXAMPLE_SUFFIX))

    def load(self) -> Scenario | Lesson:
        """The state it holds (checked like any scenario or lesson file; ScenarioError if unusable)."""
        return load_scenario_or_lesson(self.path)

    def remove(self) -> None:
        """Delete the file, the name of its source, its example's state and its lock."""
        _delete(self.path, self._beside(SOURCE_SUFFIX), self._beside(EXAMPLE_SUFFIX))
        self.lock.unlock()

    def keep(self) -> None:
        """Leave the file for a later launch (another window's state, or a newer gradviz's), freeing its lock."""
        self.lock.unlock()


def _delete(*paths: Path) -> None:
    """Delete these files where they exist and can be deleted.

    In a settings folder that takes no file (read-only, or never made) closing the window raised NotADirectoryError
    and the window stayed open; whatever cannot be deleted there is left for a later launch.
    """
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            continue


def orphaned_recoveries(folder: Path) -> list[OrphanedRecovery]:
    """Recovery files in `folder` whose gradviz is gone, newest first (their locks now held by the caller)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"*{RECOVERY_SUFFIX}"):
        lock = _locked(folder / (path.name.removesuffix(RECOVERY_SUFFIX) + LOCK_SUFFIX))
        if lock is not None:
            found.append(OrphanedRecovery(path, lock))
    return sorted(found, key=lambda orphan: orphan.path.stat().st_mtime, reverse=True)
