"""Scenarios: a formula, what is plotted, held-fixed values, runs and view options, as versioned JSON."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gradviz.core.errors import ScenarioError

SCENARIO_FORMAT = "gradviz-scenario"
SCENARIO_VERSION = 1
MAX_FILE_BYTES = 2_000_000
MAX_RUNS = 12
MAX_STEPS = 100_000
MIN_RESOLUTION, MAX_RESOLUTION = 8, 1000
OPTIMIZER_NAMES = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton")
SIGNS = ("correct", "wrong")
ARROW_DIRECTIONS = ("uphill", "downhill")


@dataclass(frozen=True)
class RunSpec:
    """What one descent run is asked to do: where it starts and how it steps."""

    start: dict[str, float]
    optimizer: str = "gd"
    lr: float = 0.1
    sign: str = "correct"
    max_steps: int = 100
    params: dict[str, float] = field(default_factory=dict)
    label: str = ""


@dataclass(frozen=True)
class PlotSettings:
    """Which variables are plotted, over which ranges, at which grid resolution."""

    axes: tuple[str, ...]
    ranges: dict[str, tuple[float, float]]
    resolution: int = 200


@dataclass(frozen=True)
class ViewOptions:
    """How the views draw: arrow direction and log height."""

    arrows: str = "uphill"
    log_height: bool = False


@dataclass(frozen=True)
class Scenario:
    """Everything needed to show a formula and its descent runs again exactly."""

    formula: str
    plot: PlotSettings
    runs: tuple[RunSpec, ...] = ()
    fixed: dict[str, float] = field(default_factory=dict)
    view: ViewOptions = field(default_factory=ViewOptions)
    probe: dict[str, float] | None = None
    title: str = ""
    description: str = ""

    def with_runs(self, runs: tuple[RunSpec, ...]) -> Scenario:
        """A copy with other runs."""
        return replace(self, runs=runs)


def _fail(where: str, problem: str) -> ScenarioError:
    return ScenarioError(f"{where}: {problem}")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, f"expected a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise _fail(where, "expected a finite number")
    return float(value)


def _text(value: Any, where: str, limit: int = 2000) -> str:
    if not isinstance(value, str):
        raise _fail(where, f"expected text, got {type(value).__name__}")
    if len(value) > limit:
        raise _fail(where, f"text longer than {limit} characters")
    return value


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, f"expected an object, got {type(value).__name__}")
    return value


def _choice(value: Any, where: str, choices: tuple[str, ...]) -> str:
    text = _text(value, where)
    if text not in choices:
        raise _fail(where, f"'{text}' is not one of {', '.join(choices)}")
    return text


def _point(value: Any, where: str) -> dict[str, float]:
    mapping = _mapping(value, where)
    if len(mapping) > 16:
        raise _fail(where, "too many variables")
    return {_text(name, where, 40): _number(v, f"{where}.{name}") for name, v in mapping.items()}


def _run_from_dict(data: Any, where: str) -> RunSpec:
    data = _mapping(data, where)
    max_steps = data.get("max_steps", 100)
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or not 0 <= max_steps <= MAX_STEPS:
        raise _fail(f"{where}.max_steps", f"expected a whole number from 0 to {MAX_STEPS}")
    lr = _number(data.get("lr", 0.1), f"{where}.lr")
    if lr <= 0:
        raise _fail(f"{where}.lr", "the learning rate must be positive")
    return RunSpec(
        start=_point(data.get("start"), f"{where}.start"),
        optimizer=_choice(data.get("optimizer", "gd"), f"{where}.optimizer", OPTIMIZER_NAMES),
        lr=lr,
        sign=_choice(data.get("sign", "correct"), f"{where}.sign", SIGNS),
        max_steps=max_steps,
        params=_point(data.get("params", {}), f"{where}.params"),
        label=_text(data.get("label", ""), f"{where}.label", 200),
    )


def _plot_from_dict(data: Any) -> PlotSettings:
    data = _mapping(data, "plot")
    axes_data = data.get("axes")
    if not isinstance(axes_data, list) or not 1 <= len(axes_data) <= 2:
        raise _fail("plot.axes", "expected a list of one or two variable names")
    axes = tuple(_text(name, "plot.axes", 40) for name in axes_data)
    if len(set(axes)) != len(axes):
        raise _fail("plot.axes", "the plotted variables must differ")
    ranges_data = _mapping(data.get("ranges"), "plot.ranges")
    ranges: dict[str, tuple[float, float]] = {}
    for name in axes:
        pair = ranges_data.get(name)
        if not isinstance(pair, list) or len(pair) != 2:
            raise _fail(f"plot.ranges.{name}", "expected [low, high]")
        low, high = (_number(v, f"plot.ranges.{name}") for v in pair)
        if not low < high:
            raise _fail(f"plot.ranges.{name}", "low must be below high")
        ranges[name] = (low, high)
    resolution = data.get("resolution", 200)
    if isinstance(resolution, bool) or not isinstance(resolution, int):
        raise _fail("plot.resolution", "expected a whole number")
    if not MIN_RESOLUTION <= resolution <= MAX_RESOLUTION:
        raise _fail("plot.resolution", f"expected {MIN_RESOLUTION} to {MAX_RESOLUTION}")
    return PlotSettings(axes=axes, ranges=ranges, resolution=resolution)


def scenario_from_dict(data: Any) -> Scenario:
    """Build a Scenario from parsed JSON, checking every field; raise ScenarioError on anything wrong."""
    data = _mapping(data, "scenario")
    if data.get("format") != SCENARIO_FORMAT:
        raise ScenarioError("this is not a gradviz scenario (its 'format' field is missing or different)")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ScenarioError("the scenario has no valid format version")
    if version > SCENARIO_VERSION:
        raise ScenarioError(
            f"the scenario was written by a newer gradviz (format version {version}; "
            f"this version reads up to {SCENARIO_VERSION})"
        )
    runs_data = data.get("runs", [])
    if not isinstance(runs_data, list) or len(runs_data) > MAX_RUNS:
        raise _fail("runs", f"expected a list of at most {MAX_RUNS} runs")
    view_data = _mapping(data.get("view", {}), "view")
    log_height = view_data.get("log_height", False)
    if not isinstance(log_height, bool):
        raise _fail("view.log_height", "expected true or false")
    probe = data.get("probe")
    return Scenario(
        formula=_text(data.get("formula"), "formula", 500),
        plot=_plot_from_dict(data.get("plot")),
        runs=tuple(_run_from_dict(run, f"runs[{i}]") for i, run in enumerate(runs_data)),
        fixed=_point(data.get("fixed", {}), "fixed"),
        view=ViewOptions(
            arrows=_choice(view_data.get("arrows", "uphill"), "view.arrows", ARROW_DIRECTIONS),
            log_height=log_height,
        ),
        probe=None if probe is None else _point(probe, "probe"),
        title=_text(data.get("title", ""), "title", 300),
        description=_text(data.get("description", ""), "description"),
    )


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The JSON-ready form of a scenario, newest format version."""
    return {
        "format": SCENARIO_FORMAT,
        "version": SCENARIO_VERSION,
        "title": scenario.title,
        "description": scenario.description,
        "formula": scenario.formula,
        "plot": {
            "axes": list(scenario.plot.axes),
            "ranges": {name: list(pair) for name, pair in scenario.plot.ranges.items()},
            "resolution": scenario.plot.resolution,
        },
        "fixed": dict(scenario.fixed),
        "runs": [
            {
                "label": run.label,
                "start": dict(run.start),
                "optimizer": run.optimizer,
                "lr": run.lr,
                "sign": run.sign,
                "max_steps": run.max_steps,
                "params": dict(run.params),
            }
            for run in scenario.runs
        ],
        "view": {"arrows": scenario.view.arrows, "log_height": scenario.view.log_height},
        "probe": None if scenario.probe is None else dict(scenario.probe),
    }


def read_json_file(path: str | os.PathLike[str], what: str) -> Any:
    """Read a small JSON file written by people or other programs; raise ScenarioError with a clear reason."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(f"{path.name} is too large for a {what} ({size:,} bytes; limit {MAX_FILE_BYTES:,})")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path} is a folder, not a {what} file") from None
    except PermissionError:
        raise ScenarioError(f"{path} cannot be read (permission denied)") from None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ScenarioError(f"{path.name} is not a valid {what} file (corrupt JSON: {error})") from None
    except RecursionError:
        raise ScenarioError(f"{path.name} is nested too deeply to be a {what}") from None


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read a scenario file; raise ScenarioError with a clear message if it is unusable."""
    return scenario_from_dict(read_json_file(path, "scenario"))


def write_json_atomically(path: str | os.PathLike[str], data: Any) -> None:
    """Write JSON so that the target is either the old file or the complete new one, never half of it."""
    path = Path(path)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise ScenarioError(f"cannot write in {path.parent}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ScenarioError(f"cannot save {path.name}: {error.strerror}") from None


def save_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Save a scenario atomically."""
    write_json_atomically(path, scenario_to_dict(scenario))
