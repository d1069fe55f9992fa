"""Crash recovery files: each window keeps its state in its own file, locked while the window is open.

A file whose lock is free again belongs to a gradviz that ended without closing its window (it
crashed or was killed); the next launch finds it and offers it back. Lock files name their
process, so a running gradviz's file is never mistaken for a crashed one's. Beside the state, a
small text file names the scenario file the window showed, if any, so that the state restored is
that file's again (its edits marked unsaved, Ctrl+S writing to it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLockFile

from gradviz.core.errors import ScenarioError
from gradviz.core.scenario import Scenario, load_scenario, save_scenario

RECOVERY_SUFFIX = ".gradviz.json"
LOCK_SUFFIX = ".lock"
SOURCE_SUFFIX = ".source"


def _write_source(path: Path, source: Path | None) -> None:
    """Name the window's file beside its state (or name none)."""
    if source is None:
        path.unlink(missing_ok=True)
        return
    try:
        path.write_text(str(source), encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"cannot write {path}: {error.strerror}") from None


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
        self._lock: QLockFile | None = None
        self._source: Path | None = None

    def write(self, scenario: Scenario, source: Path | None = None) -> None:
        """Keep this state, shown from the file `source` if any (ScenarioError if the folder cannot be written)."""
        if self._lock is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise ScenarioError(f"cannot make {self.path.parent}: {error.strerror}") from None
            self._lock = _locked(self._lock_path)
        if source != self._source or not self.path.exists():
            _write_source(self._source_path, source)
            self._source = source
        save_scenario(scenario, self.path)

    def remove(self) -> None:
        """Delete the file and free the lock: the window closed cleanly."""
        self.path.unlink(missing_ok=True)
        self._source_path.unlink(missing_ok=True)
        self._source = None
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

    @property
    def _source_path(self) -> Path:
        return self.path.with_name(self.path.name.removesuffix(RECOVERY_SUFFIX) + SOURCE_SUFFIX)

    @property
    def source(self) -> Path | None:
        """The scenario file the window showed, if it named one and the name can be read."""
        try:
            text = self._source_path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeError):
            return None
        return Path(text) if text else None

    def load(self) -> Scenario:
        """The state it holds (checked like any scenario file; ScenarioError if unusable)."""
        return load_scenario(self.path)

    def remove(self) -> None:
        """Delete the file, the name of its source and its lock."""
        self.path.unlink(missing_ok=True)
        self._source_path.unlink(missing_ok=True)
        self.lock.unlock()

    def keep(self) -> None:
        """Leave the file for a later launch (another window's state, or a newer gradviz's), freeing its lock."""
        self.lock.unlock()


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
