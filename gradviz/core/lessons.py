"""Lessons: scenes shown one after another, each a scenario with a short on-screen caption and speaker notes.

A lesson file is untrusted JSON like a scenario file and is checked as strictly. Reading keeps the
formulas as text; check_formulas runs each through the safe parser before anything is shown.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from gradviz.core.descent import OPTIMIZER_TITLES
from gradviz.core.errors import FormulaError, ScenarioError
from gradviz.core.formula import Formula, parse_formula
from gradviz.core.notation import format_number, unicode_name
from gradviz.core.runs import hyper_parameters, point_text, setting_text
from gradviz.core.scenario import (
    SCENARIO_FORMAT,
    RunSpec,
    Scenario,
    check_format,
    checked_object,
    checked_text,
    parse_json_bytes,
    read_json_file,
    scenario_from_dict,
    scenario_to_dict,
    write_json_atomically,
)
from gradviz.core.session import check_scenario_variables, scenario_as_shown
from gradviz.core.shipped import shipped_resource

LESSON_FORMAT = "gradviz-lesson"
LESSON_VERSION = 1
MAX_SCENES = 200
MAX_TITLE_CHARS = 300
MAX_CAPTION_CHARS = 200
MAX_NOTES_CHARS = 10_000
SHIPPED_LESSONS_FOLDER = "lessons"
LESSON_FILE_SUFFIX = ".json"
MAX_FILE_STEM_CHARS = 60  # a file name made from a long title stops at a whole word within this many characters
MOST_CHANGES_NAMED = 3  # a scene changed in more ways than this names the first and says how many more


@dataclass(frozen=True)
class Scene:
    """One step of a lesson: the scenario shown, a short caption on screen and notes for the speaker.

    written_for is the scenario its caption was written for: as the scene was read from its file, added, last saved or
    its caption last rewritten (its own scenario if not given). Its scenario holds the edits made since, which the
    caption may no longer fit.
    """

    caption: str
    scenario: Scenario
    notes: str = ""
    written_for: Scenario | None = None

    def __post_init__(self) -> None:
        """A scene not told otherwise has its caption written for its scenario."""
        if self.written_for is None:
            object.__setattr__(self, "written_for", self.scenario)


@dataclass(frozen=True)
class Lesson:
    """A titled sequence of scenes."""

    title: str
    scenes: tuple[Scene, ...]


def with_scene(lesson: Lesson, index: int, scene: Scene) -> Lesson:
    """The lesson with its scene `index` replaced."""
    return replace(lesson, scenes=(*lesson.scenes[:index], scene, *lesson.scenes[index + 1:]))


def with_caption(scene: Scene, caption: str, notes: str) -> Scene:
    """The scene with this caption and notes; a caption rewritten is written for the scene as it is now, edits and all.

    Whoever rewrites a caption writes it for what the views show: the new words, struck through with the changes made
    before them, told the lecturer that the scene no longer fitted what had just been written for it. Notes and an
    unchanged caption leave the scenario the caption was written for as it was.
    """
    if caption == scene.caption:
        return replace(scene, notes=notes)
    return replace(scene, caption=caption, notes=notes, written_for=scene.scenario)


def with_scene_moved(lesson: Lesson, index: int, to: int) -> Lesson:
    """The lesson with its scene `index` taken out and put back at position `to` (the others keep their order)."""
    scenes = list(lesson.scenes)
    scenes.insert(to, scenes.pop(index))
    return replace(lesson, scenes=tuple(scenes))


def with_scene_copied(lesson: Lesson, index: int) -> Lesson:
    """The lesson with a copy of its scene `index` right after it; ScenarioError past MAX_SCENES."""
    if len(lesson.scenes) >= MAX_SCENES:
        raise ScenarioError(f"a lesson holds at most {MAX_SCENES} scenes")
    scenes = lesson.scenes
    return replace(lesson, scenes=(*scenes[:index + 1], scenes[index], *scenes[index + 1:]))


def without_scene(lesson: Lesson, index: int) -> Lesson:
    """The lesson without its scene `index`; ScenarioError for its last scene (a lesson keeps at least one)."""
    if len(lesson.scenes) == 1:
        raise ScenarioError("a lesson keeps at least one scene")
    return replace(lesson, scenes=(*lesson.scenes[:index], *lesson.scenes[index + 1:]))


def as_saved(lesson: Lesson) -> Lesson:
    """The lesson once saved: each scene's caption is written for its scenario, edits and all."""
    return replace(lesson, scenes=tuple(replace(scene, written_for=scene.scenario) for scene in lesson.scenes))


def written_as_in(lesson: Lesson, saved: Lesson) -> Lesson:
    """The lesson (kept from a crash, which keeps only its scenes' edits) with each scene's caption written for the
    scenario of the scene of `saved` (its file's) with the same caption and notes, if there is one."""
    written = {(scene.caption, scene.notes): scene.written_for for scene in saved.scenes}
    return replace(lesson, scenes=tuple(replace(scene, written_for=written.get((scene.caption, scene.notes)))
                                        for scene in lesson.scenes))


def _run_changes(written: RunSpec, shown: RunSpec, axes: tuple[str, ...]) -> list[str]:
    """What a run shown sets otherwise than as written, with the new values: 'η = 0.0316', 'wrong sign'."""
    changes = []
    if written.optimizer != shown.optimizer:
        changes.append(OPTIMIZER_TITLES[shown.optimizer])
    if written.lr != shown.lr:
        changes.append(f"η = {format_number(shown.lr)}")
    if written.sign != shown.sign:
        changes.append(f"{shown.sign} sign")
    if written.optimizer == shown.optimizer:
        before, after = hyper_parameters(written), hyper_parameters(shown)
        changes += [setting_text(name, value) for name, value in after.items()
                    if before.get(name) != value]
    if any(written.start[name] != shown.start[name] for name in axes):
        changes.append(f"start {point_text(axes, [shown.start[name] for name in axes])}")
    if written.max_steps != shown.max_steps:
        changes.append(f"step budget {shown.max_steps}")
    return changes


def scene_changes(written: Scenario, shown: Scenario, formula: Formula) -> tuple[str, ...]:
    """What the scenario shown (of this parsed formula) sets otherwise than the scenario a caption was written for,
    each in a few words with its new value: ('η = 0.0316', 'wrong sign'); () if nothing.

    These are what a caption states: the formula (by what it means, not how it is spaced or spelt), what is plotted
    and held, the runs, the direction of the arrows drawn on a map and the probe. Where the map looks (its ranges, the
    grid), how the views draw (log height, fill, arrows shown or not, critical points, basins, aspect), the runs' names
    and the clock are not: changing them makes no caption untrue.
    """
    if not same_formula(written.formula, formula):
        return ("another formula",)
    written = scenario_as_shown(written, formula.variables)
    axes = shown.plot.axes
    changes = []
    if written.plot.axes != axes:
        changes.append("plotting " + ", ".join(unicode_name(name) for name in axes))
    changes += [f"{unicode_name(name)} held at {format_number(value, 4)}" for name, value in shown.fixed.items()
                if written.fixed.get(name) != value]
    several = max(len(written.runs), len(shown.runs)) > 1
    for index, (before, after) in enumerate(zip(written.runs, shown.runs, strict=False)):
        run = _run_changes(before, after, axes)
        if run and several:
            changes.append(f"run {index + 1} ({', '.join(run)})")
        else:
            changes += run
    if len(written.runs) != len(shown.runs):
        changes.append(f"{len(shown.runs)} run{'' if len(shown.runs) == 1 else 's'}")
    drawn = len(axes) > 1 and shown.view.show_arrows  # a curve has no arrows, nor a map with them hidden
    if drawn and written.view.arrows != shown.view.arrows:
        changes.append(f"arrows {shown.view.arrows}")
    probe = None if shown.probe is None else [shown.probe[name] for name in axes]  # its held values are named above
    if probe != (None if written.probe is None else [written.probe[name] for name in axes]):
        changes.append("probe on the run" if probe is None else f"probe at {point_text(axes, probe)}")
    return tuple(changes)


def same_formula(text: str, formula: Formula) -> bool:
    """Whether formula text means the parsed formula: the same name, variables and expression, however spaced or
    spelt (L(w)=(w-3)^2 is L(w) = (w - 3)²); text that does not parse means none."""
    return text == formula.text or _formula_meaning(text) == (formula.name, formula.variables, formula.expr)


@lru_cache(maxsize=64)
def _formula_meaning(text: str) -> tuple[object, ...] | None:
    """A formula's name, variables and expression, parsed once for every comparison (None if it does not parse)."""
    try:
        parsed = parse_formula(text)
    except FormulaError:
        return None
    return parsed.name, parsed.variables, parsed.expr


def changes_text(changes: tuple[str, ...]) -> str:
    """'Changed: η = 0.0316, wrong sign': the first MOST_CHANGES_NAMED of a scene's changes, and how many more."""
    named = ", ".join(changes[:MOST_CHANGES_NAMED])
    more = len(changes) - MOST_CHANGES_NAMED
    return f"Changed: {named} and {more} more" if more > 0 else f"Changed: {named}"


def _scene_from_dict(data: Any, where: str) -> Scene:
    data = checked_object(data, where)
    scenario_data = checked_object(data.get("scenario"), f"{where}.scenario")
    try:
        scenario = scenario_from_dict(scenario_data)
    except ScenarioError as error:
        raise ScenarioError(f"{where}.scenario: {error}") from None
    return Scene(
        caption=checked_text(data.get("caption"), f"{where}.caption", MAX_CAPTION_CHARS),
        scenario=scenario,
        notes=checked_text(data.get("notes", ""), f"{where}.notes", MAX_NOTES_CHARS),
    )


def lesson_from_dict(data: Any) -> Lesson:
    """Build a Lesson from parsed JSON, checking every field and every scene; raise ScenarioError on anything wrong."""
    data = checked_object(data, "lesson")
    if data.get("format") == SCENARIO_FORMAT:
        raise ScenarioError("this is a gradviz scenario, not a lesson: open it as a scenario")
    check_format(data, LESSON_FORMAT, LESSON_VERSION, "lesson")
    scenes_data = data.get("scenes")
    if not isinstance(scenes_data, list) or not 1 <= len(scenes_data) <= MAX_SCENES:
        raise ScenarioError(f"scenes: expected a list of 1 to {MAX_SCENES} scenes")
    return Lesson(
        title=checked_text(data.get("title", ""), "title", MAX_TITLE_CHARS),
        scenes=tuple(_scene_from_dict(scene, f"scenes[{index}]") for index, scene in enumerate(scenes_data)),
    )


def lesson_to_dict(lesson: Lesson) -> dict[str, Any]:
    """The JSON-ready form of a lesson; its scenarios in the newest scenario format."""
    return {
        "format": LESSON_FORMAT,
        "version": LESSON_VERSION,
        "title": lesson.title,
        "scenes": [
            {"caption": scene.caption, "notes": scene.notes, "scenario": scenario_to_dict(scene.scenario)}
            for scene in lesson.scenes
        ],
    }


def load_lesson(path: str | os.PathLike[str]) -> Lesson:
    """Read a lesson file; raise ScenarioError with a clear message if it is unusable."""
    return lesson_from_dict(read_json_file(path, "lesson"))


def load_scenario_or_lesson(path: str | os.PathLike[str]) -> Scenario | Lesson:
    """Read a scenario or a lesson file, told apart by its format field; raise ScenarioError if it is unusable."""
    data = read_json_file(path, "scenario or lesson")
    if isinstance(data, dict) and data.get("format") == LESSON_FORMAT:
        return lesson_from_dict(data)
    return scenario_from_dict(data)


def check_formulas(document: Scenario | Lesson, going_on: Callable[[int, int], bool] | None = None) -> bool:
    """Check every formula of a scenario or lesson; raise ScenarioError naming the first that cannot be used.

    The formulas come from files made elsewhere, so they are analysed in the killable worker, within its time
    limit, never parsed in this process. going_on(checked, count) is asked before each; if it says no, the check
    stops there and returns False (a window's Cancel), else it returns True once every formula is checked.
    """
    from gradviz.core.analysis import analyze

    if isinstance(document, Scenario):
        named = [("formula", document)]
    else:
        named = [(f"scene {index + 1}", scene.scenario) for index, scene in enumerate(document.scenes)]
    for checked, (where, scenario) in enumerate(named):
        if going_on is not None and not going_on(checked, len(named)):
            return False
        try:
            check_scenario_variables(scenario, analyze(scenario.formula).formula.variables)
        except FormulaError as error:
            raise ScenarioError(f"{where}: {error}") from None
    return True


def lesson_file_name(title: str) -> str:
    """A file name made from a lesson's title, of lower-case letters, digits and hyphens: 'My descent lesson' →
    'my-descent-lesson.json', 'Gradient für Anfänger' → 'gradient-fur-anfanger.json' ('lesson.json' if none)."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    stem = ""
    for word in re.findall(r"[a-z0-9]+", plain):
        longer = f"{stem}-{word}" if stem else word
        if len(longer) > MAX_FILE_STEM_CHARS:
            stem = stem or word[:MAX_FILE_STEM_CHARS]
            break
        stem = longer
    return (stem or "lesson") + LESSON_FILE_SUFFIX


def save_lesson(lesson: Lesson, path: str | os.PathLike[str]) -> None:
    """Save a lesson atomically; refuse (ScenarioError) a lesson that could not be loaded again."""
    data = lesson_to_dict(lesson)
    lesson_from_dict(data)
    write_json_atomically(path, data)


@cache
def shipped_lessons() -> tuple[Lesson, ...]:
    """The lessons shipped with gradviz, in the order of their file names."""
    folder = shipped_resource(SHIPPED_LESSONS_FOLDER)
    files = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".json")), key=lambda e: e.name)
    lessons = []
    for entry in files:
        try:
            lessons.append(lesson_from_dict(parse_json_bytes(entry.read_bytes(), entry.name, "lesson")))
        except ScenarioError as error:
            raise ScenarioError(f"shipped lesson {entry.name}: {error}") from None
    return tuple(lessons)
