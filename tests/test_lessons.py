"""Lessons: the shipped ones load, play and do what their captions say; files round trip; bad files are refused."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from gradviz.core.analysis import Analysis, analyze
from gradviz.core.descent import stability_limit
from gradviz.core.errors import FormulaError, ScenarioError
from gradviz.core.lessons import (
    MAX_CAPTION_CHARS,
    MAX_SCENES,
    Lesson,
    Scene,
    as_saved,
    changes_text,
    lesson_file_name,
    lesson_from_dict,
    lesson_to_dict,
    load_lesson,
    load_scenario_or_lesson,
    save_lesson,
    scene_changes,
    shipped_lessons,
    with_scene,
    with_scene_copied,
    with_scene_moved,
    without_scene,
    written_as_in,
)
from gradviz.core.runs import RunResult, compute_run
from gradviz.core.scenario import Camera, PlotSettings, RunSpec, Scenario, ViewOptions, scenario_to_dict
from gradviz.core.session import Session

LESSONS_FOLDER = Path(__file__).resolve().parents[1] / "resources" / "lessons"
EVERY_SCENE = [
    pytest.param(lesson_index, scene_index, id=f"{lesson.title} / scene {scene_index + 1}")
    for lesson_index, lesson in enumerate(shipped_lessons())
    for scene_index in range(len(lesson.scenes))
]


@cache
def analysis_of(formula: str) -> Analysis:
    return analyze(formula)


def lesson(title: str) -> Lesson:
    return next(candidate for candidate in shipped_lessons() if candidate.title == title)


def shown(scene: Scene) -> Session:
    session = Session()
    session.apply_scenario(scene.scenario, analysis_of(scene.scenario.formula))
    return session


def runs_of(title: str, scene_index: int) -> tuple[RunResult, ...]:
    return shown(lesson(title).scenes[scene_index]).runs


def gradient_at(scene: Scene, point: dict[str, float]) -> tuple[float, ...]:
    compiled = analysis_of(scene.scenario.formula).compiled
    _, gradient = compiled.value_and_gradient([point[name] for name in compiled.variables])
    return tuple(float(component) for component in gradient)


def end(result: RunResult) -> np.ndarray:
    return result.points[-1]


# ----- the shipped lessons load and play ---------------------------------------------------------------------
def test_every_shipped_lesson_file_loads_in_file_order() -> None:
    files = sorted(LESSONS_FOLDER.glob("*.json"))
    assert len(files) == len(shipped_lessons()) == 9
    for path, shipped in zip(files, shipped_lessons(), strict=True):
        assert load_lesson(path) == shipped
        assert shipped.title and shipped.scenes
        for scene in shipped.scenes:
            assert scene.notes and 0 < len(scene.caption) <= MAX_CAPTION_CHARS


def test_shipped_lesson_files_hold_nothing_the_loader_ignores() -> None:
    for path in sorted(LESSONS_FOLDER.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert lesson_to_dict(lesson_from_dict(data)) == data, path.name


@pytest.mark.parametrize(("lesson_index", "scene_index"), EVERY_SCENE)
def test_every_scene_applies_and_every_run_plays_to_its_end(lesson_index: int, scene_index: int) -> None:
    scene = shipped_lessons()[lesson_index].scenes[scene_index]
    session = Session()
    notices: list[str] = []
    session.notice.connect(notices.append)
    session.apply_scenario(scene.scenario, analysis_of(scene.scenario.formula))
    assert notices == []
    assert len(session.runs) == len(scene.scenario.runs) >= 1
    assert session.step == scene.scenario.step <= session.last_step
    aspect = scene.scenario.view.equal_aspect  # a scene that leaves it open gets the viewer's (here: not equal)
    assert session.scenario() == replace(scene.scenario, view=replace(scene.scenario.view, equal_aspect=bool(aspect)))
    assert scene.written_for == scene.scenario
    changes = scene_changes(scene.written_for, session.scenario(), session.analysis.formula)
    assert changes == (), "shown as its caption says"
    session.set_step(session.last_step)
    for index, result in enumerate(session.runs):
        assert session.step_state(index).finished
        assert np.all(np.isfinite(result.points)) and np.all(np.isfinite(result.values))


def changes_after(scene: Scene, edit: Callable[[Session], object]) -> tuple[str, ...]:
    """What a session showing the scene names as changed from what its caption was written for after edit(session)."""
    session = shown(scene)
    edit(session)
    return scene_changes(scene.written_for, session.scenario(), session.analysis.formula)


def test_what_changed_from_what_a_caption_was_written_for_is_named_with_its_new_values() -> None:
    """Changing η and the update sign in class left "w ← w − η·dL/dw with η = 0.1: … towards the minimum at 3"
    over a run climbing away at η = 0.0316, and nothing said the caption no longer held."""
    wrong_sign = lesson("The sign of the update")
    first, both = wrong_sign.scenes[0], wrong_sign.scenes[2]
    assert changes_after(first, lambda session: session.update_run(0, lr=0.0316, sign="wrong")) == (
        "η = 0.0316", "wrong sign")
    assert changes_after(first, lambda session: session.set_start({"w": -1.5})) == ("start w = −1.5",)
    assert changes_after(first, lambda session: session.update_run(0, optimizer="momentum", max_steps=30)) == (
        "Momentum", "step budget 30")
    assert changes_after(first, lambda session: session.set_probe({"w": 1.0})) == ("probe at w = 1",)
    assert changes_after(first, lambda session: session.set_analysis(analysis_of("L(w) = (w - 2)^2"))) == (
        "another formula",)
    for other in ("f(w) = (w - 3)^2", "L(w) = w^2 - 6w + 9", "L(w, b) = (w - 3)^2"):  # another name, spelling, space
        assert changes_after(first, lambda session, text=other: session.set_analysis(analysis_of(text))) == (
            "another formula",), other
    assert changes_after(first, lambda session: session.set_analysis(analysis_of("L(w)=(w-3)²"))) == (), \
        "the scene's own formula retyped"
    assert changes_after(first, lambda session: session.set_view(arrows="downhill")) == (), "a curve has no arrows"
    bowl = lesson("Gradient descent on a bowl").scenes[0]
    assert changes_after(bowl, lambda session: session.set_view(arrows="downhill")) == ("arrows downhill",)
    assert changes_after(bowl, lambda session: session.set_view(arrows="downhill", show_arrows=False)) == (), \
        "no arrows drawn to point anywhere"
    assert changes_after(both, lambda session: session.update_run(1, lr=0.05)) == ("run 2 (η = 0.05)",)
    assert changes_after(both, lambda session: session.set_runs(session.run_specs[:1])) == ("1 run",)
    momentum = lesson("Rosenbrock's valley").scenes[1]
    assert changes_after(momentum, lambda session: session.update_run(0, params={"momentum": 0.5})) == (
        "momentum = 0.5",)
    assert changes_after(momentum, lambda session: session.update_run(0, params={"momentum": 0.9})) == (), \
        "torch's default, given"
    race = lesson("Optimizers race").scenes[0]
    adam = next(index for index, spec in enumerate(race.scenario.runs) if spec.optimizer == "adam")
    assert changes_after(race, lambda session: session.update_run(adam, params={"beta1": 0.8, "amsgrad": True})) == (
        f"run {adam + 1} (β₁ = 0.8, AMSGrad = on)",)
    assert changes_after(race, lambda session: session.update_run(0, params={"weight_decay": 0.01})) == (
        "run 1 (weight decay = 0.01)",), "named as people read it, not weight_decay"
    hold = lesson("Partial derivatives as slopes").scenes[1]
    assert changes_after(hold, lambda session: session.set_fixed("y", 2.0)) == ("y held at 2",)

    def watched(session: Session) -> None:  # framing, drawing aids, names and the clock make no caption untrue
        session.set_range("w", -20.0, 20.0)
        session.set_resolution(120)
        session.set_view(log_height=True, show_arrows=False, contour_fill=False, critical_points=True)
        session.update_run(0, label="renamed")
        session.set_step(3)
        session.set_theme("projector")

    assert changes_after(first, watched) == ()
    assert changes_text(("η = 0.2", "wrong sign")) == "Changed: η = 0.2, wrong sign"
    assert changes_text(("a", "b", "c", "d", "e")) == "Changed: a, b, c and 2 more"


def test_a_lessons_captions_are_written_for_its_scenes_as_saved() -> None:
    """An edit saved into the lesson is what its caption is for from then on; a lesson kept from a crash (which keeps
    only the edits) takes what its captions were written for from its file's scenes."""
    original = lesson("The sign of the update")
    faster = replace(original.scenes[0].scenario, runs=(replace(original.scenes[0].scenario.runs[0], lr=0.3),))
    edited = with_scene(original, 0, replace(original.scenes[0], scenario=faster))
    assert edited.scenes[0].written_for == original.scenes[0].scenario, "an edit keeps what the caption is for"
    assert as_saved(edited).scenes[0].written_for == faster
    assert as_saved(edited).scenes[1] == original.scenes[1]
    kept = lesson_from_dict(lesson_to_dict(with_scene_moved(edited, 0, 2)))  # as crash recovery reads it back
    assert kept.scenes[2].written_for == faster
    restored = written_as_in(kept, original)
    assert restored.scenes[2].written_for == original.scenes[0].scenario and restored.scenes[2].scenario == faster
    assert written_as_in(replace(kept, scenes=(replace(kept.scenes[0], caption="new words"),)), original).scenes[
        0].written_for == kept.scenes[0].scenario, "a caption not in the file is written for its scene as kept"


# ----- the captions are true ---------------------------------------------------------------------------------
def test_partial_derivatives_are_the_slopes_the_captions_give() -> None:
    scenes = lesson("Partial derivatives as slopes").scenes
    expected = [(4.0, 3.0)] * 3 + [(10.0, 14.0)] * 3
    for scene, slopes in zip(scenes, expected, strict=True):
        assert scene.scenario.probe is not None
        assert gradient_at(scene, scene.scenario.probe) == pytest.approx(slopes)
        held = scene.scenario.fixed
        assert all(scene.scenario.probe[name] == value for name, value in held.items())
    assert [scene.scenario.plot.axes for scene in scenes] == [("x", "y"), ("x",), ("y",)] * 2
    slice_through_y1 = analysis_of(scenes[1].scenario.formula).compiled
    for x in (-1.5, 0.0, 2.0):
        assert slice_through_y1.value_and_gradient([x, 1.0])[0] == pytest.approx(x**2 + 3)
    assert gradient_at(scenes[2], {"x": 2.0, "y": -2.5}) == pytest.approx((4.0, 3.0))
    cubic = analysis_of(scenes[3].scenario.formula).compiled
    assert cubic.value_and_gradient([1.0, 2.0])[0] == pytest.approx(15.0)


def test_gradient_lesson() -> None:
    scenes = lesson("The gradient: a vector of partial derivatives").scenes
    for point in ({"x": 0.0, "y": 0.0}, {"x": -2.0, "y": 1.5}):
        assert gradient_at(scenes[0], point) == pytest.approx((1.0, 2.0))
    assert np.dot((1.0, 2.0), (2.0, -1.0)) == 0.0  # a contour x + 2y = c runs along (2, -1)
    gradient = gradient_at(scenes[1], {"x": 1.0, "y": 2.0})
    assert gradient == pytest.approx((2.0, 4.0))
    assert np.dot(gradient, (-2.0, 1.0)) == pytest.approx(0.0)  # the circle's tangent at (1, 2)
    assert scenes[2].scenario.view.arrows == "downhill"
    (straight,) = runs_of("The gradient: a vector of partial derivatives", 2)
    assert straight.points[1:3] == pytest.approx(np.array([[0.8, 1.6], [0.64, 1.28]]))
    assert np.allclose(straight.points[:, 1], 2 * straight.points[:, 0]) and np.allclose(end(straight), 0, atol=1e-5)
    (pit,) = runs_of("The gradient: a vector of partial derivatives", 3)
    assert end(pit) == pytest.approx((-math.pi / 2, math.pi), abs=1e-5)
    assert pit.values[-1] == pytest.approx(-2.0)


def test_descent_on_a_bowl_takes_the_worked_steps() -> None:
    title = "Gradient descent on a bowl"
    scenes = lesson(title).scenes
    one_step = shown(scenes[1])
    (run,) = one_step.runs
    assert run.values[0] == 4.0 and gradient_at(scenes[0], {"w1": 1.0, "w2": 1.0}) == pytest.approx((-4.0, -8.0))
    assert one_step.step == 1 and run.points[1] == pytest.approx((1.4, 1.8)) and run.values[1] == pytest.approx(0.0)
    assert gradient_at(scenes[2], {"w1": 0.0, "w2": 0.0}) == pytest.approx((-6.0, 2.0))
    (first_step,) = runs_of(title, 3)
    assert scenes[3].scenario.step == 1 and first_step.points[1] == pytest.approx((0.6, -0.2))
    assert first_step.values[:2] == pytest.approx((10.0, 6.4))
    settled = shown(scenes[4])
    (walk,) = settled.runs
    distances = np.linalg.norm(walk.points - (3.0, -1.0), axis=1)
    assert distances[1:] / distances[:-1] == pytest.approx(0.8)
    assert settled.step == 60 == settled.last_step and distances[60] < 1e-5


def test_wrong_sign_walks_away_and_the_loss_grows() -> None:
    title = "The sign of the update"
    (correct,) = runs_of(title, 0)
    (wrong,) = runs_of(title, 1)
    assert correct.points[1:4, 0] == pytest.approx((0.6, 1.08, 1.464))
    assert end(correct)[0] == pytest.approx(3.0, abs=1e-4)
    assert wrong.spec.sign == "wrong" and wrong.points[1:4, 0] == pytest.approx((-0.6, -1.32, -2.184))
    assert np.all(np.diff(wrong.values) > 0) and wrong.values[1:4] == pytest.approx((12.96, 18.6624, 26.873856))
    both = runs_of(title, 2)
    assert [result.spec for result in both] == [correct.spec, wrong.spec]


def test_learning_rates_crawl_converge_and_diverge() -> None:
    title = "The learning rate: too small, about right, too large"
    small, right, large = runs_of(title, 3)
    assert [result.spec for result in (small, right, large)] == [runs_of(title, i)[0].spec for i in range(3)]
    assert (small.spec.lr, right.spec.lr, large.spec.lr) == (0.01, 0.09, 0.11)
    assert small.values[0] == 16.25 and round(small.values[60], 2) == 0.55
    assert right.values[20] < 0.01 and right.values[-1] < 1e-8
    assert right.points[1:4, 1] == pytest.approx((-0.8, 0.64, -0.512))  # the zigzag across y
    hessian = analysis_of(lesson(title).scenes[0].scenario.formula).compiled.hessian([0.0, 0.0])
    assert stability_limit(hessian) == pytest.approx(0.1)
    assert large.spec.lr > stability_limit(hessian)
    assert large.points[1:, 1] / large.points[:-1, 1] == pytest.approx(-1.2)
    assert np.all(np.diff(large.values) > 0) and abs(large.points[7, 1]) > 3 > abs(large.points[6, 1])


def test_rosenbrock_gd_crawls_where_momentum_arrives() -> None:
    title = "Rosenbrock's valley"
    (gd,) = runs_of(title, 0)
    (momentum,) = runs_of(title, 1)
    assert tuple(np.round(end(gd), 2)) == (0.56, 0.31) and len(gd.points) == 2001
    assert momentum.spec.lr == gd.spec.lr and momentum.spec.params == {"momentum": 0.9}
    assert np.linalg.norm(end(momentum) - (1.0, 1.0)) < 1e-3
    both = runs_of(title, 2)
    assert round(both[0].values[-1], 1) == 0.2 and both[1].values[-1] < 1e-6
    formula = lesson(title).scenes[0].scenario.formula
    hotter = compute_run(analysis_of(formula).compiled, replace(gd.spec, lr=0.003), ("x", "y"))
    assert hotter.run.stop_reason == "diverged" and len(hotter.points) <= 6


def test_the_start_decides_the_minimum() -> None:
    title = "Two minima: the start decides"
    (right,) = runs_of(title, 0)
    (left,) = runs_of(title, 1)
    assert round(end(right)[0], 2) == 1.27 and round(right.values[-1], 2) == -2.25
    assert round(end(left)[0], 2) == -1.34 and round(left.values[-1], 2) == -3.55
    assert right.run.stop_reason == left.run.stop_reason == "converged"
    assert [result.spec for result in runs_of(title, 2)] == [right.spec, left.spec]
    careful, bold = runs_of(title, 3)
    assert careful.points[0, 0] == bold.points[0, 0] == 2.0 and (careful.spec.lr, bold.spec.lr) == (0.02, 0.12)
    assert end(careful)[0] == pytest.approx(end(right)[0], abs=1e-5)
    assert round(bold.points[1, 0], 2) == -0.27
    assert end(bold)[0] == pytest.approx(end(left)[0], abs=1e-5) and bold.run.stop_reason == "converged"


def test_where_the_gradient_is_zero() -> None:
    title = "Where the gradient is zero"
    scenes = lesson(title).scenes
    session = shown(scenes[0])
    critical = session.critical_points()
    kinds = [point.kind for point in critical.points]
    assert critical.complete and (kinds.count("minimum"), kinds.count("maximum"), kinds.count("saddle")) == (4, 1, 4)
    (rolled,) = session.runs
    assert np.allclose(end(rolled), (3.0, 2.0), atol=1e-6) and len(rolled.points) - 1 == 62
    assert rolled.run.message.endswith(": a minimum")
    (trapped,) = runs_of(title, 1)
    assert np.allclose(end(trapped), 0.0, atol=1e-6) and np.all(trapped.points[:, 1] == 0.0)
    assert trapped.run.message.endswith(" at a saddle point, not a minimum")
    (escaping,) = runs_of(title, 2)
    assert np.allclose(escaping.points[1:, 1] / escaping.points[:-1, 1], 1.2)
    (newton,) = runs_of(title, 3)
    assert len(newton.points) == 2 and np.array_equal(newton.points[1], (0.0, 0.0))
    assert newton.run.message == "stopped at step 1: ∇f = 0 at a saddle point, not a minimum"


def test_optimizer_race_results() -> None:
    title = "Optimizers race"
    gd, momentum, adam = runs_of(title, 0)
    assert [result.spec.optimizer for result in (gd, momentum, adam)] == ["gd", "momentum", "adam"]
    assert np.linalg.norm(end(momentum) - (1, 1)) < 1e-3 and np.linalg.norm(end(adam) - (1, 1)) < 1e-3
    assert np.linalg.norm(end(gd) - (1, 1)) > 0.4 and len(gd.points) == 2001
    gd, momentum, adam = runs_of(title, 1)
    assert adam.run.stop_reason == "converged" and len(adam.points) - 1 == 907
    assert np.linalg.norm(end(momentum) - (3, 0.5)) < 1e-3 and momentum.run.stop_reason == "max_steps"
    assert np.linalg.norm(end(gd) - (3, 0.5)) > 0.1
    gd, momentum, adam = runs_of(title, 2)
    assert {result.spec.lr for result in (gd, momentum, adam)} == {0.01}
    assert gd.run.stop_reason == momentum.run.stop_reason == "diverged"
    assert len(gd.points) <= 3 and len(momentum.points) <= 3
    assert tuple(np.round(gd.points[1], 2)) == (-0.89, -7.44)
    assert adam.run.stop_reason == "max_steps" and np.linalg.norm(end(adam) - (3, 0.5)) > 0.5


# ----- files --------------------------------------------------------------------------------------------------
def full_lesson() -> Lesson:
    scenario = Scenario(
        formula="f(x, y) = x^2 + 10y^2",
        plot=PlotSettings(axes=("x", "y"), ranges={"x": (-3.0, 3.0), "y": (-2.0, 2.5)}, resolution=120),
        runs=(RunSpec(start={"x": -2.5, "y": 1.0}, lr=0.09, max_steps=40, label="η = 0.09"),),
        view=ViewOptions(arrows="downhill", show_arrows=False, contour_fill=False),
        probe={"x": 1.0, "y": 0.5},
        step=12,
        camera=Camera(distance=9.5, elevation=40.0, azimuth=-120.0, center=(0.0, 0.0, 1.2), field_of_view=30.0),
        theme="projector",
        presentation_scale=1.75,
    )
    return Lesson(title="Learning rates", scenes=(
        Scene(caption="η = 0.09", scenario=scenario, notes="Point at the zigzag."),
        Scene(caption="No notes here", scenario=replace(scenario, step=0, theme="default")),
    ))


def test_lesson_round_trips_through_a_file(tmp_path: Path) -> None:
    path = tmp_path / "rates.gradviz-lesson.json"
    save_lesson(full_lesson(), path)
    assert load_lesson(path) == full_lesson()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    for shipped in shipped_lessons():
        save_lesson(shipped, path)
        assert load_lesson(path) == shipped


def captions(lesson: Lesson) -> list[str]:
    return [scene.caption for scene in lesson.scenes]


def test_scenes_are_moved_copied_and_removed_in_place() -> None:
    """A scene added in the wrong place had to be removed and built again: scenes can be rearranged."""
    lesson = Lesson("abc", tuple(replace(full_lesson().scenes[0], caption=caption) for caption in "abcd"))
    assert captions(with_scene_moved(lesson, 0, 2)) == list("bcad")
    assert captions(with_scene_moved(lesson, 3, 0)) == list("dabc")
    assert captions(with_scene_moved(lesson, 1, 2)) == list("acbd")
    assert with_scene_moved(lesson, 2, 2) == lesson
    copied = with_scene_copied(lesson, 1)
    assert captions(copied) == list("abbcd") and copied.scenes[2] == lesson.scenes[1]
    assert captions(with_scene_copied(lesson, 3)) == list("abcdd")
    assert captions(without_scene(lesson, 0)) == list("bcd") and captions(without_scene(lesson, 3)) == list("abc")
    assert with_scene_moved(lesson, 0, 3).title == "abc"


def test_a_lesson_keeps_one_scene_and_holds_at_most_max_scenes() -> None:
    one = Lesson("one", full_lesson().scenes[:1])
    with pytest.raises(ScenarioError, match="at least one scene"):
        without_scene(one, 0)
    full = Lesson("full", full_lesson().scenes[:1] * MAX_SCENES)
    with pytest.raises(ScenarioError, match=f"at most {MAX_SCENES}"):
        with_scene_copied(full, 0)


def test_save_refuses_a_lesson_it_could_not_load_again(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    too_long = Lesson(title="t", scenes=(replace(full_lesson().scenes[0], caption="x" * (MAX_CAPTION_CHARS + 1)),))
    with pytest.raises(ScenarioError, match=r"scenes\[0\]\.caption"):
        save_lesson(too_long, path)
    with pytest.raises(ScenarioError, match="1 to 200 scenes"):
        save_lesson(Lesson(title="empty", scenes=()), path)
    assert not path.exists()


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("My descent lesson", "my-descent-lesson.json"),
        ("  Week 3: ∇f ⟂ level lines / η = 0.1?  ", "week-3-f-level-lines-0-1.json"),
        ("Gradient für Anfänger", "gradient-fur-anfanger.json"),
        ("../../etc/passwd", "etc-passwd.json"),
        ("∇ → ∂", "lesson.json"),
        ("", "lesson.json"),
        ("word " * 30, "-".join(["word"] * 12) + ".json"),
        ("x" * 100, "x" * 60 + ".json"),
    ],
)
def test_a_lesson_file_is_named_after_its_title_in_safe_characters(title: str, name: str) -> None:
    """Save lesson offered 'lesson.json' whatever the lesson."""
    assert lesson_file_name(title) == name


def lesson_data() -> dict:
    return lesson_to_dict(full_lesson())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "corrupt JSON"),
        (b"\xff\xfe\x00", "corrupt JSON"),
        (b'"a lesson"', "expected an object"),
        (b'{"format": "gradviz-presets", "version": 1}', "not a gradviz lesson"),
        (json.dumps(scenario_to_dict(full_lesson().scenes[0].scenario)).encode(), "scenario, not a lesson"),
        (b'{"format": "gradviz-lesson", "version": 2, "scenes": []}', "newer gradviz"),
        (b'{"format": "gradviz-lesson", "version": true, "scenes": []}', "format version"),
        (b'{"format": "gradviz-lesson", "version": 1, "title": "t"}', "scenes: expected a list"),
        (b'{"format": "gradviz-lesson", "version": 1, "title": "t", "scenes": []}', "scenes: expected a list"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_bad_lesson_files_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ScenarioError, match=message):
        load_lesson(path)


def test_huge_and_missing_lesson_files(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * 3_000_000)
    with pytest.raises(ScenarioError, match="too large for a lesson"):
        load_lesson(huge)
    with pytest.raises(ScenarioError, match="does not exist"):
        load_lesson(tmp_path / "nope.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(title=["t"]), "title: expected text"),
        (lambda d: d.update(scenes=[d["scenes"][0]] * 201), "1 to 200 scenes"),
        (lambda d: d["scenes"].append("scene"), r"scenes\[2\]: expected an object"),
        (lambda d: d["scenes"][1].pop("caption"), r"scenes\[1\]\.caption: expected text"),
        (lambda d: d["scenes"][0].update(caption="x" * 201), r"scenes\[0\]\.caption: text longer"),
        (lambda d: d["scenes"][0].update(notes=7), r"scenes\[0\]\.notes: expected text"),
        (lambda d: d["scenes"][0].pop("scenario"), r"scenes\[0\]\.scenario: expected an object, got NoneType"),
        (lambda d: d["scenes"][1]["scenario"]["runs"][0].update(lr=0), r"scenes\[1\]\.scenario: runs\[0\]\.lr"),
        (lambda d: d["scenes"][1]["scenario"].update(version=3), r"scenes\[1\]\.scenario: .*newer gradviz"),
        (lambda d: d["scenes"][0]["scenario"].update(theme="dark"), r"scenes\[0\]\.scenario: theme"),
    ],
)
def test_invalid_lesson_fields_name_the_field(change: object, message: str) -> None:
    data = lesson_data()
    change(data)  # type: ignore[operator]
    with pytest.raises(ScenarioError, match=message):
        lesson_from_dict(data)


def test_a_lesson_saved_with_a_byte_order_mark_opens(tmp_path: Path) -> None:
    path = tmp_path / "notepad.json"
    path.write_bytes("\ufeff".encode() + json.dumps(lesson_data(), ensure_ascii=False).encode())
    assert load_scenario_or_lesson(path) == full_lesson()


def test_a_hostile_formula_is_only_text_until_the_safe_parser_refuses_it(tmp_path: Path) -> None:
    data = lesson_data()
    hostile = "__import__('os').system('echo owned')"
    data["scenes"][0]["scenario"]["formula"] = hostile
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_lesson(path)
    assert loaded.scenes[0].scenario.formula == hostile
    with pytest.raises(FormulaError):
        analyze(hostile)


def test_scenes_may_hold_version_1_scenarios() -> None:
    data = lesson_data()
    old = data["scenes"][0]["scenario"]
    for key in ("step", "camera", "theme", "presentation_scale"):
        del old[key]
    old["version"] = 1
    old["view"] = {"arrows": "uphill", "log_height": False}
    scene = lesson_from_dict(data).scenes[0]
    assert scene.scenario.step == 0 and scene.scenario.camera == Camera() and scene.scenario.theme == "default"
