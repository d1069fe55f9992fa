"""Scenario files: round trip, atomic save, and refusal of corrupt, foreign, newer or hostile files."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from gradviz.core.errors import ScenarioError
from gradviz.core.presets import all_presets
from gradviz.core.scenario import (
    SCENARIO_VERSION,
    Camera,
    PlotSettings,
    RunSpec,
    Scenario,
    ViewOptions,
    load_scenario,
    range_problem,
    save_scenario,
    scenario_from_dict,
    scenario_to_dict,
    usable_range,
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
        view=ViewOptions(arrows="downhill", log_height=True, show_arrows=False, contour_fill=False,
                         critical_points=True, basins=True),
        probe={"x": 0.3, "y": 0.5, "z": -0.2},
        title="Three variables",
        description="z held fixed",
        step=17,
        camera=Camera(distance=12.5, elevation=-12.25, azimuth=417.5, center=(0.25, -1.0, 1.5), field_of_view=5.0),
        theme="projector",
        presentation_scale=2.25,
    )


def test_every_field_round_trips_through_a_file(tmp_path: Path) -> None:
    scenario = full_scenario()
    path = tmp_path / "lesson.gradviz.json"
    save_scenario(scenario, path)
    assert load_scenario(path) == scenario
    assert scenario_from_dict(json.loads(path.read_text(encoding="utf-8"))) == scenario


@pytest.mark.parametrize(
    "camera",
    [Camera(), Camera(elevation=90.0, azimuth=-90.0), Camera(distance=0.001, center=(0.0, 0.0, 0.0))],
    ids=["default view", "angles only", "distance and center"],
)
def test_default_and_partial_cameras_round_trip(camera: Camera) -> None:
    scenario = replace(full_scenario(), camera=camera)
    assert scenario_from_dict(json.loads(json.dumps(scenario_to_dict(scenario)))) == scenario


def test_new_files_are_written_in_the_newest_version() -> None:
    data = scenario_to_dict(full_scenario())
    assert data["version"] == SCENARIO_VERSION == 2
    assert data["step"] == 17 and data["theme"] == "projector" and data["presentation_scale"] == 2.25
    assert data["camera"] == {"distance": 12.5, "elevation": -12.25, "azimuth": 417.5, "center": [0.25, -1.0, 1.5],
                              "field_of_view": 5.0}
    assert data["view"] == {"arrows": "downhill", "log_height": True, "show_arrows": False, "contour_fill": False,
                            "critical_points": True, "basins": True}


VERSION_1_FILE = """{
 "format": "gradviz-scenario",
 "version": 1,
 "title": "Old file",
 "description": "",
 "formula": "f(x, y) = x^2 + y^2",
 "plot": {"axes": ["x", "y"], "ranges": {"x": [-3, 3], "y": [-2, 2]}, "resolution": 200},
 "fixed": {},
 "runs": [{"label": "", "start": {"x": 1, "y": 2}, "optimizer": "gd", "lr": 0.1, "sign": "correct",
           "max_steps": 30, "params": {}}],
 "view": {"arrows": "downhill", "log_height": true},
 "probe": {"x": 1, "y": 2}
}
"""


def test_version_1_files_still_load_with_the_new_fields_at_their_defaults(tmp_path: Path) -> None:
    path = tmp_path / "old.gradviz.json"
    path.write_text(VERSION_1_FILE, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.view == ViewOptions(arrows="downhill", log_height=True, show_arrows=True, contour_fill=True)
    assert (scenario.step, scenario.camera, scenario.theme) == (0, Camera(), "default")
    assert scenario.presentation_scale == 1.0
    assert scenario.runs[0].start == {"x": 1.0, "y": 2.0} and scenario.probe == {"x": 1.0, "y": 2.0}
    save_scenario(scenario, path)
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 2
    assert load_scenario(path) == scenario


def test_the_version_1_presets_survive_a_save_in_version_2(tmp_path: Path) -> None:
    path = tmp_path / "preset.json"
    for preset in all_presets():
        save_scenario(preset.scenario, path)
        assert load_scenario(path) == preset.scenario


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_saved_files_are_readable_by_others_and_keep_an_existing_mode(tmp_path: Path) -> None:
    fresh, private = tmp_path / "fresh.json", tmp_path / "private.json"
    save_scenario(full_scenario(), fresh)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    private.write_text("{}", encoding="utf-8")
    private.chmod(0o600)
    save_scenario(full_scenario(), private)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("old", encoding="utf-8")
    save_scenario(full_scenario(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "gradviz-scenario"


def test_saving_through_a_link_writes_the_file_it_names(tmp_path: Path) -> None:
    """The link was replaced by a new file, and the file it named kept the old content."""
    target = tmp_path / "target.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    save_scenario(full_scenario(), link)
    assert link.is_symlink() and load_scenario(target) == full_scenario()


def test_a_read_only_file_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "kept.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o444)
    with pytest.raises(ScenarioError, match=r"kept\.json is read-only: save it under another name"):
        save_scenario(full_scenario(), path)
    assert path.read_text(encoding="utf-8") == "old"


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


@pytest.mark.parametrize("scale", [1.0, 2.25, 3.0, 3.2, 5.4, 6.0])
def test_presentation_scales_of_large_screens_and_of_older_files_open(scale: float) -> None:
    """A scene saved presenting on a 3840 × 2160 screen (3.2 at first, 5.4 at the largest) was refused past 3."""
    scenario = replace(full_scenario(), presentation_scale=scale)
    assert scenario_from_dict(json.loads(json.dumps(scenario_to_dict(scenario)))).presentation_scale == scale


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(formula=5), "formula: expected text"),
        (lambda d: d["plot"].update(axes=["x", "x"]), "must differ"),
        (lambda d: d["plot"]["ranges"].update(x=[2, 1]), "plot.ranges.x: its start must be below its end"),
        (lambda d: d["plot"]["ranges"].update(x=[-1e308, 1e308]), "plot.ranges.x: its ends must be numbers from "
                                                                   "−1e12 to 1e12"),
        (lambda d: d["plot"]["ranges"].update(z=[0, 1e13]), "plot.ranges.z: its ends must be numbers from −1e12"),
        (lambda d: d["plot"]["ranges"].update(x=[0, 1e-320]), "plot.ranges.x: it is too narrow for numbers this"),
        (lambda d: d["plot"]["ranges"].update(x=[1, 1.000000000000001]), "plot.ranges.x: it is too narrow"),
        (lambda d: d["plot"]["ranges"].update(x=[1e11, 100000000000.001]), r"too narrow .* \(at least 100000 wide"),
        (lambda d: d["plot"].update(axes=["q", "r"]), "plot.axes: q is not a variable of the formula"),
        (lambda d: d["plot"].update(resolution=10**6), "plot.resolution"),
        (lambda d: d["plot"].update(resolution=1000), "plot.resolution: expected a whole number from 8 to 400"),
        (lambda d: d["fixed"].update(y=1e308), "fixed.y: expected −1e12 to 1e12, got 1e308"),
        (lambda d: d["runs"][0].update(lr=-1), "learning rate must be positive"),
        (lambda d: d["runs"][0].update(optimizer="sgd"), "not one of"),
        (lambda d: d["runs"][0].update(sign="up"), "not one of"),
        (lambda d: d["runs"][0].update(max_steps=True), "whole number"),
        (lambda d: d["runs"][0]["start"].update(x=float("nan")), "finite"),
        (lambda d: d["runs"][0]["start"].update(x=1e13), r"runs\[0\].start.x: expected −1e12 to 1e12, got 1e13"),
        (lambda d: d["runs"][0]["start"].update(x=1.0000001e12),  # named 1e12, within what it said was refused
         r"runs\[0\].start.x: expected −1e12 to 1e12, got 1.0000001e12$"),
        (lambda d: d["runs"][0]["start"].update(y=-1e300), r"runs\[0\].start.y: expected −1e12 to 1e12, got −1e300"),
        (lambda d: d["runs"][0]["start"].update(y=float("inf")), r"runs\[0\].start.y: expected a finite number"),
        (lambda d: d["probe"].update(x=2e12), "probe.x: expected −1e12 to 1e12, got 2e12"),
        (lambda d: d["probe"].update(z=float("-inf")), "probe.z: expected a finite number"),
        (lambda d: d.update(runs=[d["runs"][0]] * 50), "at most"),
        (lambda d: d["view"].update(log_height="yes"), "true or false"),
        (lambda d: d["view"].update(show_arrows=1), "view.show_arrows: expected true or false"),
        (lambda d: d["view"].update(contour_fill=None), "view.contour_fill: expected true or false"),
        (lambda d: d["view"].update(critical_points="yes"), "view.critical_points: expected true or false"),
        (lambda d: d["view"].update(basins=0), "view.basins: expected true or false"),
        (lambda d: d["view"].update(equal_aspect="yes"), "view.equal_aspect: expected true or false"),
        (lambda d: d.update(step=-1), "step: expected a whole number from 0"),
        (lambda d: d.update(step=2.0), "step: expected a whole number"),
        (lambda d: d.update(step=False), "step: expected a whole number"),
        (lambda d: d.update(camera="far"), "camera: expected an object"),
        (lambda d: d["camera"].update(distance=0), "camera.distance: expected 0.001 to"),
        (lambda d: d["camera"].update(distance=-3.5), "camera.distance"),
        (lambda d: d["camera"].update(elevation=91), "camera.elevation: expected −90 to 90°"),
        (lambda d: d["camera"].update(azimuth="north"), "camera.azimuth: expected a number"),
        (lambda d: d["camera"].update(azimuth=float("inf")), "camera.azimuth: expected a finite number"),
        (lambda d: d["camera"].update(center=[1, 2]), r"camera.center: expected \[x, y, z\]"),
        (lambda d: d["camera"].update(center=[1, 2, "z"]), "camera.center: expected a number"),
        (lambda d: d["camera"].update(field_of_view=0.5), "camera.field_of_view: expected 1 to 120°"),
        (lambda d: d.update(theme="dark"), "theme: 'dark' is not one of default, projector"),
        (lambda d: d.update(theme=None), "theme: expected text"),
        (lambda d: d.update(presentation_scale=0.5), "presentation_scale: expected 1 to 6, got 0.5"),
        (lambda d: d.update(presentation_scale=6.01), "presentation_scale: expected 1 to 6"),
        (lambda d: d.update(presentation_scale="2"), "presentation_scale: expected a number"),
    ],
)
def test_invalid_fields_name_the_field(change: object, message: str) -> None:
    data = scenario_to_dict(full_scenario())
    change(data)  # type: ignore[operator]
    with pytest.raises(ScenarioError, match=message):
        scenario_from_dict(data)


@pytest.mark.parametrize(("x_range", "resolution", "held"), [
    ((-1e12, 1e12), 400, 1e12),  # the largest the window's boxes and grid menu take
    ((0.0, 1e-12), 8, -1e12),  # near 0 the boxes keep 12 decimals: the narrowest range they hold
    ((1e11, 1.00001e11), 200, 0.0),  # the range boxes' seven digits tell these ends apart
])
def test_what_the_window_can_show_a_file_may_hold(x_range: tuple[float, float], resolution: int,
                                                   held: float) -> None:
    data = scenario_to_dict(full_scenario())
    data["plot"].update(resolution=resolution, ranges={**data["plot"]["ranges"], "x": list(x_range)})
    data["fixed"]["y"] = held
    scenario = scenario_from_dict(data)
    assert (scenario.plot.ranges["x"], scenario.plot.resolution, scenario.fixed["y"]) == (x_range, resolution, held)


@pytest.mark.parametrize(("low", "high"), [(0.0, 1e-320), (1e11, 100000000000.001), (-5e12, -5e12 + 1.0),
                                           (1e12 - 1.0, 1e12 + 5.0), (-2e12, 3e12), (2.0, 2.0 + 1e-9)])
def test_usable_range_is_one_a_file_may_hold(low: float, high: float) -> None:
    usable = usable_range(low, high)
    assert range_problem(*usable) == ""
    if range_problem(low, high) == "":
        assert usable == (low, high)


def test_a_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "notepad.gradviz.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(scenario_to_dict(full_scenario())).encode("utf-8"))
    assert load_scenario(path) == full_scenario()


def test_presets_cover_the_seed_examples_and_the_classics() -> None:
    presets = {preset.id: preset for preset in all_presets()}
    formulas = " | ".join(preset.scenario.formula for preset in presets.values())
    for fragment in ("(5 - w1 - 2w2)^2", "3x^2 + 2xy + y^3", "(4 - 2w1 - w2)^2", "(3 - 2w - b)^2", "x^2 + 3y",
                     "x^2 y + x y^2", "sin(x) + cos(y)", "x^2 + 2y^2 + 3z^2", "(w - 3)^2", "(w1 - 3)^2 + (w2 + 1)^2",
                     "100(y - x^2)^2", "x^4 - 3.4x^2 + 0.5x"):
        assert fragment in formulas, fragment
    for classic in ("bowl", "elongated-bowl", "saddle", "rosenbrock", "himmelblau", "beale", "booth",
                    "six-hump-camel", "double-well", "sin-plus-cos", "monkey-saddle", "l1-penalty"):
        assert classic in presets
    assert len(presets) == len(all_presets())
