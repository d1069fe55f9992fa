"""Where gradviz remembers things between launches: preferences, layout, recent files and recovery files."""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

SETTINGS_FILE = "settings"  # what a write to the settings folder was: the settings file…
RECOVERY_FILE = "recovery"  # …or a window's crash-recovery file
SETTINGS_FILE_UNWRITTEN = "its settings file could not be written"  # where the folder itself takes files


class SettingsWrites(QObject):
    """Tells every window how each write to the settings folder went, for it to say when saving stops or starts working.

    The folder was checked once, as the window opened: a disk that filled later went unsaid.
    """

    written = Signal(str, object)  # what was written (SETTINGS_FILE, RECOVERY_FILE) and why it failed (None: it worked)


@functools.cache
def settings_writes() -> SettingsWrites:
    """The one SettingsWrites of this run."""
    return SettingsWrites()


def app_settings() -> QSettings:
    """Where window layout and preferences are remembered (GRADVIZ_CONFIG_DIR overrides the place)."""
    folder = os.environ.get("GRADVIZ_CONFIG_DIR")
    if folder:
        return QSettings(str(Path(folder) / "gradviz.ini"), QSettings.Format.IniFormat)
    return QSettings("gradviz", "gradviz")


def remember(key: str, value: object) -> None:
    """Keep a setting for the next launch."""
    remember_all({key: value})


def remember_all(values: Mapping[str, object]) -> None:
    """Keep these settings for the next launch, and tell settings_writes() whether they could be written."""
    settings = app_settings()
    for key, value in values.items():
        settings.setValue(key, value)
    settings.sync()
    failed = settings.status() == QSettings.Status.AccessError
    settings_writes().written.emit(SETTINGS_FILE, (unwritable_reason() or SETTINGS_FILE_UNWRITTEN) if failed else None)


def config_folder() -> Path:
    """The folder that holds gradviz's settings (and its recovery files)."""
    folder = os.environ.get("GRADVIZ_CONFIG_DIR")
    if folder:
        return Path(folder)
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "gradviz", "gradviz")
    return Path(settings.fileName()).parent


def saved_bytes(key: str) -> QByteArray | None:
    """A saved window layout (QByteArray), or None where the settings file holds none or something else.

    A damaged settings file (state=abc) gave restoreState a str: a TypeError in showEvent, and a crash at every
    launch until the file was found and deleted.
    """
    value = app_settings().value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def unwritable_reason() -> str | None:
    """Why the settings folder takes no file now (the system's words: permission denied, read-only, full), else None.

    A file is made and written in it, then removed: Qt only says that its settings could not be written, not why.
    """
    folder = config_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(b"gradviz")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as error:
        return (error.strerror or str(error)).lower()
    if not app_settings().isWritable():
        return "its settings file is read-only"
    return None
