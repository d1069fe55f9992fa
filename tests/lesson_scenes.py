"""A lesson whose scenes are told apart by their formulas, and what the window says of the scene it shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from gradviz.core.lessons import Lesson, Scene
from gradviz.core.presets import find_preset

Look = TypeVar("Look")
LOOK_EVERY_MS = 10


def mixed_lesson() -> Lesson:
    """Three scenes of three formulas, the saddle second (the scene tests make fail to show)."""
    return Lesson("Mixed", (Scene("A bowl", find_preset("bowl").scenario),
                            Scene("A saddle", find_preset("saddle").scenario),
                            Scene("Four minima", find_preset("himmelblau").scenario)))


def scene_on_screen(window) -> int:
    """The scene of the open lesson whose formula the views show (its scenes' formulas all differ)."""
    formulas = [scene.scenario.formula for scene in window.lesson_player.lesson.scenes]
    return formulas.index(window.session.analysis.formula.text)


def names_the_scene_on_screen(window) -> bool:
    """Whether the caption bar and the title name the scene the views show, with its caption."""
    player = window.lesson_player
    index = scene_on_screen(window)
    where = f"scene {index + 1} / {len(player.lesson.scenes)}"
    return (player.index == index and player.caption_bar.counter.text() == where
            and player.caption_bar.caption.text() == player.lesson.scenes[index].caption
            and where in window.windowTitle())


def looks_while(qtbot, act: Callable[[], object], look: Callable[[], Look], done: Callable[[], bool]) -> list[Look]:
    """What look() finds right after act(), then every LOOK_EVERY_MS while the window works, until done() holds."""
    from PySide6.QtCore import QTimer

    seen: list[Look] = []
    ticker = QTimer()
    ticker.timeout.connect(lambda: seen.append(look()))
    ticker.start(LOOK_EVERY_MS)
    try:
        act()
        seen.append(look())
        qtbot.waitUntil(done, timeout=10000)
    finally:
        ticker.stop()
    seen.append(look())
    return seen
