"""Settings that cannot be written: said once, where it is seen, without stopping the window from working."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from gradviz.app.settings import unwritable_reason
from gradviz.app.settings_notice import NOTICE_TITLE, SAVING_AGAIN, STOPPED_SAVING, SettingsNotice
from gradviz.app.view_common import qimage_to_array
from gradviz.core.scenario import load_scenario

NOTICE_RED = QColor("#b00020")


def red_pixels(widget: object) -> int:
    """How many of the widget's pixels are the notice's red."""
    pixels = qimage_to_array(widget.grab().toImage())[..., :3].astype(int)  # type: ignore[attr-defined]
    return int((np.abs(pixels - np.array(NOTICE_RED.getRgb()[:3])).sum(axis=-1) < 30).sum())


class BreakableFolder:
    """A settings folder whose parent can be made a file, where no folder can be, and a folder again.

    A file taking no folder stands for a read-only or full disk: tests run as root, which writes through chmod.
    """

    def __init__(self, parent: Path) -> None:
        self.parent = parent
        self.folder = parent / "config"
        self._kept = parent.with_name(f"{parent.name}_kept")

    def take_no_file(self) -> None:
        """Put a file where the folder's parent was (its files kept aside)."""
        if self.parent.exists():
            self.parent.rename(self._kept)
        self.parent.write_text("")

    def take_files_again(self) -> None:
        """Put the folder's parent back, with its files."""
        self.parent.unlink()
        if self._kept.exists():
            self._kept.rename(self.parent)
        else:
            self.parent.mkdir()


@pytest.fixture
def breakable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BreakableFolder:
    """Settings kept in a folder that takes files until the test breaks it."""
    folder = BreakableFolder(tmp_path / "home")
    folder.parent.mkdir()
    monkeypatch.setenv("GRADVIZ_CONFIG_DIR", str(folder.folder))
    monkeypatch.setattr(SettingsNotice, "told_this_run", False)
    return folder


@pytest.fixture
def unwritable_folder(breakable_folder: BreakableFolder) -> Path:
    """Settings kept under a file, where no folder can be made (as a read-only or full disk takes no file either)."""
    breakable_folder.take_no_file()
    return breakable_folder.folder


def test_unwritable_settings_are_told_once_in_the_window_and_about_without_blocking(make_main_window, qtbot,
                                                                                     unwritable_folder) -> None:
    assert unwritable_reason() == "not a directory"
    window = make_main_window("bowl")
    notice = window.settings_notice
    qtbot.waitUntil(lambda: notice.box is not None and notice.box.isVisible(), timeout=3000)
    assert notice.isVisible() and NOTICE_TITLE in notice.text()
    assert red_pixels(window.statusBar()) > 200, "the status bar shows the red notice"
    for text in (notice.toolTip(), notice.box.text(), window.about_text()):
        assert str(unwritable_folder) in text and "not a directory" in text and "layout" in text
    assert QApplication.activeModalWidget() is None, "the window is not blocked"
    window.session.set_step(3)  # and it works on
    assert window.session.step == 3
    notice.box.close()

    second = make_main_window("bowl")
    assert second.settings_notice.isVisible(), "every window keeps the notice in its status bar…"
    assert second.settings_notice.box is None, "…but the box opens once a run"
    second.settings_notice.click()
    assert second.settings_notice.box.isVisible() and not second.settings_notice.box.isModal()
    second.document.forget_changes()
    assert second.close(), "the window closes, its recovery file never written"


def test_writable_settings_show_no_notice(make_main_window) -> None:
    assert unwritable_reason() is None
    window = make_main_window("bowl")
    assert not window.settings_notice.isVisible() and window.settings_notice.box is None
    assert red_pixels(window.statusBar()) == 0
    assert NOTICE_TITLE not in window.about_text()


def test_saving_that_stops_working_later_is_said_once_and_again_only_after_it_worked(make_main_window, qtbot,
                                                                                     breakable_folder) -> None:
    """Settings were checked once, as the window opened: a disk that filled later went unsaid, and crash recovery
    said it could not save at every autosave."""
    window = make_main_window("bowl")
    notice, bar, session, document = window.settings_notice, window.statusBar(), window.session, window.document
    said: list[str] = []
    bar.messageChanged.connect(said.append)

    def told(start: str) -> int:
        return sum(message.startswith(start) for message in said)

    def autosave_at(step: int) -> None:
        session.set_step(step)
        document.autosave()

    autosave_at(3)
    assert not notice.isVisible() and told(STOPPED_SAVING) == told(SAVING_AGAIN) == 0
    breakable_folder.take_no_file()
    autosave_at(4)
    assert told(STOPPED_SAVING) == 1 and bar.full_message().startswith(
        f"{STOPPED_SAVING}: gradviz cannot write to {breakable_folder.folder} (not a directory)")
    qtbot.waitUntil(lambda: notice.isVisible() and red_pixels(bar) > 200, timeout=3000)
    assert "not a directory" in notice.toolTip() and "not a directory" in window.about_text()
    autosave_at(5)
    window.probe_presenter.actions["aspect"].trigger()  # a preference, which is not saved either
    assert told(STOPPED_SAVING) == 1 and notice.isVisible(), "said once as it stopped, not at every write"

    breakable_folder.take_files_again()
    autosave_at(6)
    assert told(SAVING_AGAIN) == 1 and bar.full_message() == SAVING_AGAIN
    assert not notice.isVisible() and red_pixels(bar) == 0 and NOTICE_TITLE not in window.about_text()
    assert load_scenario(document.recovery.path).step == 6
    autosave_at(7)
    window.probe_presenter.actions["aspect"].trigger()
    assert told(SAVING_AGAIN) == 1, "a write that works says nothing"

    breakable_folder.take_no_file()
    window.probe_presenter.actions["aspect"].trigger()
    assert told(STOPPED_SAVING) == 2 and notice.isVisible(), "stopping again after it worked is said again"
