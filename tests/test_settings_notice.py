"""Settings that cannot be written: said once, where it is seen, without stopping the window from working."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from gradviz.app.settings import unwritable_reason
from gradviz.app.settings_notice import NOTICE_TITLE, SettingsNotice
from gradviz.app.view_common import qimage_to_array

NOTICE_RED = QColor("#b00020")


def red_pixels(widget: object) -> int:
    """How many of the widget's pixels are the notice's red."""
    pixels = qimage_to_array(widget.grab().toImage())[..., :3].astype(int)  # type: ignore[attr-defined]
    return int((np.abs(pixels - np.array(NOTICE_RED.getRgb()[:3])).sum(axis=-1) < 30).sum())


@pytest.fixture
def unwritable_folder(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """Settings kept under a file, where no folder can be made (as a read-only or full disk takes no file either)."""
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    folder = blocker / "config"
    monkeypatch.setenv("GRADVIZ_CONFIG_DIR", str(folder))
    monkeypatch.setattr(SettingsNotice, "told_this_run", False)
    return folder


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
