"""Scenario files: round trip, atomic save, and refusal of corrupt, foreign, newer or hostile files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gradviz.core.errors import ScenarioError
from gradviz.core.presets import all_presets
from gradviz.core.scenario import (
    PlotSettings,
    RunSpec,
    Scenario,
    ViewOptions,
    load_scenario,
    save_scenario,
    scenario_from_dict,
    scenario_to_dict,
)


def full_scenario() -> Scenario:
    return Scenario(
        formula="f(x, y, z) = x^2 + 2y^2 + 3z^2",
        plot=PlotSettings(axes=("x", "z"), ranges={"x": (-2.0, 2.5), "z": (-1.0, 1.0)}, resolution=150),
        runs=(
            RunSpec(start={"x": 1.0, "y": 0.5, "z": 1.0}, optimizer="adam", lr=0.05, sign="wrong", max_steps=77,
                    params={"beta1": 0.8}, label="Adam, wrong sign"),
            RunSpec(start={"x": -1.0, "y": 0.5, "z": 0.2}),
        ),
        fixed={"y": 0.5},
        view=ViewOptions(arrows="downhill", log_height=True),
        probe={"x": 0.3, "y": 0.5, "z": -0.2},
        title="Three variables",
        description="z held fixed",
    )


def test_every_field_round_trips_through_a_file(tmp_path: Path) -> None:
    scenario = full_scenario()
    path = tmp_path / "lesson.gradviz.json"
    save_scenario(scenario, path)
    assert load_scenario(path) == scenario
    assert scenario_from_dict(json.loads(path.read_text(encoding="utf-8"))) == scenario


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("old", encoding="utf-8")
    save_scenario(full_scenario(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "gradviz-scenario"


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot"):
        save_scenario(full_scenario(), tmp_path / "missing-folder" / "a.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "corrupt JSON"),
        (b"\xff\xfe\x00", "corrupt JSON"),
        (b"[1, 2, 3]", "expected an object"),
        (b'{"format": "something-else", "version": 1}', "not a gradviz scenario"),
        (b'{"format": "gradviz-scenario", "version": 99}', "newer gradviz"),
        (b'{"format": "gradviz-scenario", "version": "1"}', "format version"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_bad_files_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ScenarioError, match=message):
        load_scenario(path)


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_bytes(b" " * 3_000_000)
    with pytest.raises(ScenarioError, match="too large"):
        load_scenario(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="does not exist"):
        load_scenario(tmp_path / "nope.json")
    with pytest.raises(ScenarioError, match="folder"):
        load_scenario(tmp_path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(formula=5), "formula: expected text"),
        (lambda d: d["plot"].update(axes=["x", "x"]), "must differ"),
        (lambda d: d["plot"]["ranges"].update(x=[2, 1]), "low must be below high"),
        (lambda d: d["plot"].update(resolution=10**6), "plot.resolution"),
        (lambda d: d["runs"][0].update(lr=-1), "learning rate must be positive"),
        (lambda d: d["runs"][0].update(optimizer="sgd"), "not one of"),
        (lambda d: d["runs"][0].update(sign="up"), "not one of"),
        (lambda d: d["runs"][0].update(max_steps=True), "whole number"),
        (lambda d: d["runs"][0]["start"].update(x=float("nan")), "finite"),
        (lambda d: d.update(runs=[d["runs"][0]] * 50), "at most"),
        (lambda d: d["view"].update(log_height="yes"), "true or false"),
    ],
)
def test_invalid_fields_name_the_field(change: object, message: str) -> None:
    data = scenario_to_dict(full_scenario())
    change(data)  # type: ignore[operator]
    with pytest.raises(ScenarioError, match=message):
        scenario_from_dict(data)


def test_presets_cover_the_seed_examples_and_the_classics() -> None:
    presets = {preset.id: preset for preset in all_presets()}
    formulas = " | ".join(preset.scenario.formula for preset in presets.values())
    for fragment in ("(5 - w1 - 2w2)^2", "3x^2 + 2xy + y^3", "(4 - 2w1 - w2)^2", "(3 - 2w - b)^2", "x^2 + 3y",
                     "x^2 y + x y^2", "sin(x) + cos(y)", "x^2 + 2y^2 + 3z^2", "(w - 3)^2", "(w1 - 3)^2 + (w2 + 1)^2",
                     "100(y - x^2)^2", "x^4 - 3.4x^2 + 0.5x"):
        assert fragment in formulas, fragment
    for classic in ("bowl", "elongated-bowl", "saddle", "rosenbrock", "himmelblau", "beale", "booth",
                    "six-hump-camel", "double-well", "sin-plus-cos", "monkey-saddle"):
        assert classic in presets
    assert len(presets) == len(all_presets())
