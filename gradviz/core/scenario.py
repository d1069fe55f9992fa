"""Scenarios: a formula, what is plotted, held values, runs, the clock, the camera and view options, as JSON.

Version 2 added the current step, the 3D camera, the theme, the presentation scale and two view
switches (show_arrows, contour_fill); version 1 files are still read, with those at their defaults. The view's
critical_points and basins switches came later within version 2: files without them have them off.
"""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gradviz.core.errors import ScenarioError

SCENARIO_FORMAT = "gradviz-scenario"
SCENARIO_VERSION = 2
MAX_FILE_BYTES = 2_000_000
NEW_FILE_MODE = 0o644
MAX_RUNS = 12
MAX_STEPS = 100_000
PLAY_SPEED = 8.0  # steps per second: the window plays at this at first, and an exported video unless told otherwise
GRID_RESOLUTIONS = (50, 100, 150, 200, 300, 400)  # the grid menu's choices
MIN_RESOLUTION, MAX_RESOLUTION = 8, GRID_RESOLUTIONS[-1]  # a file asking for 1000 stalled the window over a second
LARGEST_VALUE = 1e12  # the largest |value| of a range end, held value, start or probe: the number boxes stop there
# A plotted range is at least this share of its ends' size wide (and 1e-12 near 0): the range boxes show seven
# significant digits, so a narrower range read as one number at both ends (1e11 to 100000000000.001), and near 0 the
# boxes keep 12 decimals. The grid's 400 steps then stay some 10^7 floating point steps apart.
LEAST_RELATIVE_WIDTH = 1e-6
OPTIMIZER_NAMES = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton")
SIGNS = ("correct", "wrong")
ARROW_DIRECTIONS = ("uphill", "downhill")
THEMES = ("default", "projector")
# The largest presentation scale: a 3840 × 2160 screen needs twice a 1920 × 1080 one's to give text the same share
# of it (3.2 for the first 1.6, 5.4 for the largest 2.7), and a 3840 × 2400 one has room for 6. Capped at 3, text
# on a 4K screen was never larger for it than 1.5 at 1080.
MIN_PRESENTATION_SCALE, MAX_PRESENTATION_SCALE = 1.0, 6.0
MIN_CAMERA_DISTANCE, MAX_CAMERA_DISTANCE = 1e-3, 1e6
MIN_FIELD_OF_VIEW, MAX_FIELD_OF_VIEW = 1.0, 120.0


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


def changed_run(spec: RunSpec, **changes: Any) -> RunSpec:
    """The run with these settings changed (lr, sign, optimizer, max_steps, params, start, label).

    A label says what made the run (η = 0.45, start (1.5)): a change of what it describes drops it, unless a label
    is given too; a step budget alone keeps it.
    """
    changed = replace(spec, **changes)
    if "label" not in changes and replace(changed, label=spec.label, max_steps=spec.max_steps) != spec:
        return replace(changed, label="")
    return changed


@dataclass(frozen=True)
class PlotSettings:
    """Which variables are plotted, over which ranges, at which grid resolution."""

    axes: tuple[str, ...]
    ranges: dict[str, tuple[float, float]]
    resolution: int = 200


@dataclass(frozen=True)
class ViewOptions:
    """How the views draw: arrows (direction, shown), log height, the map's fill, critical points, basins, aspect.

    equal_aspect None (a scenario that does not say) means the viewer's own choice; a session always has True or
    False.
    """

    arrows: str = "uphill"
    log_height: bool = False
    show_arrows: bool = True
    contour_fill: bool = True
    critical_points: bool = False
    basins: bool = False
    equal_aspect: bool | None = None


@dataclass(frozen=True)
class Camera:
    """Where the 3D view looks from (angles in degrees, lengths in scene units); None means the default."""

    distance: float | None = None
    elevation: float | None = None
    azimuth: float | None = None
    center: tuple[float, float, float] | None = None
    field_of_view: float | None = None


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
    step: int = 0
    camera: Camera = field(default_factory=Camera)
    theme: str = "default"
    presentation_scale: float = 1.0  # to present it at, on a 1920 × 1080 screen (1: the lecturer's own)

    def with_runs(self, runs: tuple[RunSpec, ...]) -> Scenario:
        """A copy with other runs."""
        return replace(self, runs=runs)


def _number_text(value: float, *others: float) -> str:
    """A number as messages write it (−1e12, not -1e+12), with the digits to read unlike others (1.0000001e12)."""
    from gradviz.core.notation import format_number_apart  # it imports SymPy: only a message needs it, at a refusal

    return format_number_apart(value, others)


def _fail(where: str, problem: str) -> ScenarioError:
    return ScenarioError(f"{where}: {problem}")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, f"expected a number, got {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond the float range
        raise _fail(where, "expected a finite number") from None
    if not math.isfinite(number):
        raise _fail(where, "expected a finite number")
    return number


def _number_between(value: Any, where: str, low: float, high: float, unit: str = "") -> float:
    number = _number(value, where)
    if not low <= number <= high:
        got = _number_text(number, low, high)  # 1.0000001e12, not 1e12: as far beyond high as it is
        raise _fail(where, f"expected {_number_text(low)} to {_number_text(high)}{unit}, got {got}")
    return number


def least_range_width(low: float, high: float) -> float:
    """The narrowest a plotted range from low to high may be (LEAST_RELATIVE_WIDTH of its ends' size, 1e-12 at 0)."""
    return LEAST_RELATIVE_WIDTH * max(abs(low), abs(high), LEAST_RELATIVE_WIDTH)


def range_problem(low: float, high: float) -> str:
    """Why low to high cannot be a plotted range ('its start must be below its end'), or '' if it can."""
    if not (math.isfinite(low) and math.isfinite(high)) or max(abs(low), abs(high)) > LARGEST_VALUE:
        return f"its ends must be numbers from {_number_text(-LARGEST_VALUE)} to {_number_text(LARGEST_VALUE)}"
    if not low < high:
        return "its start must be below its end"
    least = least_range_width(low, high)
    if high - low < least:
        return (f"it is too narrow for numbers this size (at least "
                f"{_number_text(least)} wide there)")
    return ""


def usable_range(low: float, high: float) -> tuple[float, float]:
    """low to high within ±LARGEST_VALUE and widened about its middle to the least width (not a range: as it is)."""
    if not (math.isfinite(low) and math.isfinite(high) and low <= high):
        return low, high
    low, high = max(low, -LARGEST_VALUE), min(high, LARGEST_VALUE)
    if high - low >= least_range_width(low, high):
        return low, high
    middle = (low + high) / 2.0
    half = 0.501 * LEAST_RELATIVE_WIDTH * max(abs(middle), LEAST_RELATIVE_WIDTH) / (1.0 - LEAST_RELATIVE_WIDTH)
    low, high = middle - half, middle + half
    if high > LARGEST_VALUE:  # shifted inward, keeping its width
        low, high = low - (high - LARGEST_VALUE), LARGEST_VALUE
    elif low < -LARGEST_VALUE:
        low, high = -LARGEST_VALUE, high + (-LARGEST_VALUE - low)
    return low, high


def _whole_number(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(where, f"expected a whole number from {low} to {high}")
    return value


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, "expected true or false")
    return value


def checked_text(value: Any, where: str, limit: int = 2000) -> str:
    """`value` if it is text of at most `limit` characters; else a ScenarioError naming the field `where`."""
    if not isinstance(value, str):
        raise _fail(where, f"expected text, got {type(value).__name__}")
    if len(value) > limit:
        raise _fail(where, f"text longer than {limit} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\\ud800" in JSON): it could never be saved again
        raise _fail(where, "the text holds an invalid character") from None
    return value


def checked_object(value: Any, where: str) -> Mapping[str, Any]:
    """`value` if it is a JSON object; else a ScenarioError naming the field `where`."""
    if not isinstance(value, dict):
        raise _fail(where, f"expected an object, got {type(value).__name__}")
    return value


def _choice(value: Any, where: str, choices: tuple[str, ...]) -> str:
    text = checked_text(value, where)
    if text not in choices:
        raise _fail(where, f"'{text}' is not one of {', '.join(choices)}")
    return text


def _point(value: Any, where: str, largest: float = math.inf) -> dict[str, float]:
    mapping = checked_object(value, where)
    if len(mapping) > 16:
        raise _fail(where, "too many variables")
    return {checked_text(name, where, 40): _number_between(v, f"{where}.{name}", -largest, largest)
            for name, v in mapping.items()}


def _run_from_dict(data: Any, where: str) -> RunSpec:
    data = checked_object(data, where)
    lr = _number(data.get("lr", 0.1), f"{where}.lr")
    if lr <= 0:
        raise _fail(f"{where}.lr", "the learning rate must be positive")
    return RunSpec(
        start=_point(data.get("start"), f"{where}.start", LARGEST_VALUE),
        optimizer=_choice(data.get("optimizer", "gd"), f"{where}.optimizer", OPTIMIZER_NAMES),
        lr=lr,
        sign=_choice(data.get("sign", "correct"), f"{where}.sign", SIGNS),
        max_steps=_whole_number(data.get("max_steps", 100), f"{where}.max_steps", 0, MAX_STEPS),
        params=_point(data.get("params", {}), f"{where}.params"),
        label=checked_text(data.get("label", ""), f"{where}.label", 200),
    )


def _mentions(formula: str, name: str) -> bool:
    """Whether the formula's text holds the variable name as typed (x_1) or as shown (x₁)."""
    from gradviz.core.notation import unicode_name  # it imports SymPy: only a refusal asks this

    return name in formula or unicode_name(name) in formula


def _range_from_list(pair: Any, name: str, formula: str) -> tuple[float, float]:
    where = f"plot.ranges.{name}"
    if pair is None and not _mentions(formula, name):  # plot.axes names it, plot.ranges does not: a wrong name
        raise _fail("plot.axes", f"{name} is not a variable of the formula")
    if not isinstance(pair, list) or len(pair) != 2:
        raise _fail(where, "expected [low, high]")
    low, high = (_number(v, where) for v in pair)
    problem = range_problem(low, high)
    if problem:
        raise _fail(where, problem)
    return low, high


def _plot_from_dict(data: Any, formula: str) -> PlotSettings:
    data = checked_object(data, "plot")
    axes_data = data.get("axes")
    if not isinstance(axes_data, list) or not 1 <= len(axes_data) <= 2:
        raise _fail("plot.axes", "expected a list of one or two variable names")
    axes = tuple(checked_text(name, "plot.axes", 40) for name in axes_data)
    if len(set(axes)) != len(axes):
        raise _fail("plot.axes", "the plotted variables must differ")
    ranges_data = checked_object(data.get("ranges"), "plot.ranges")
    ranges = {name: _range_from_list(ranges_data.get(name), name, formula) for name in axes}
    resolution = _whole_number(data.get("resolution", 200), "plot.resolution", MIN_RESOLUTION, MAX_RESOLUTION)
    return PlotSettings(axes=axes, ranges=ranges, resolution=resolution)


def _view_from_dict(data: Any) -> ViewOptions:
    data = checked_object(data, "view")
    return ViewOptions(
        arrows=_choice(data.get("arrows", "uphill"), "view.arrows", ARROW_DIRECTIONS),
        log_height=_flag(data.get("log_height", False), "view.log_height"),
        show_arrows=_flag(data.get("show_arrows", True), "view.show_arrows"),
        contour_fill=_flag(data.get("contour_fill", True), "view.contour_fill"),
        critical_points=_flag(data.get("critical_points", False), "view.critical_points"),
        basins=_flag(data.get("basins", False), "view.basins"),
        equal_aspect=None if data.get("equal_aspect") is None else _flag(data["equal_aspect"], "view.equal_aspect"),
    )


def _optional_number_between(data: Mapping[str, Any], key: str, where: str, low: float, high: float,
                             unit: str = "") -> float | None:
    value = data.get(key)
    return None if value is None else _number_between(value, where, low, high, unit)


def _center_from_list(value: Any) -> tuple[float, float, float]:
    if not isinstance(value, list) or len(value) != 3:
        raise _fail("camera.center", "expected [x, y, z]")
    x, y, z = (_number(coordinate, "camera.center") for coordinate in value)
    return (x, y, z)


def _camera_from_dict(data: Any) -> Camera:
    data = checked_object({} if data is None else data, "camera")
    azimuth, center = data.get("azimuth"), data.get("center")
    return Camera(
        distance=_optional_number_between(data, "distance", "camera.distance", MIN_CAMERA_DISTANCE,
                                          MAX_CAMERA_DISTANCE),
        elevation=_optional_number_between(data, "elevation", "camera.elevation", -90.0, 90.0, "°"),
        azimuth=None if azimuth is None else _number(azimuth, "camera.azimuth"),
        center=None if center is None else _center_from_list(center),
        field_of_view=_optional_number_between(data, "field_of_view", "camera.field_of_view", MIN_FIELD_OF_VIEW,
                                               MAX_FIELD_OF_VIEW, "°"),
    )


def check_format(data: Mapping[str, Any], format_name: str, newest_version: int, what: str) -> int:
    """The format version of a parsed file; raise ScenarioError if it is foreign, unversioned or too new."""
    if data.get("format") != format_name:
        raise ScenarioError(f"this is not a gradviz {what} (its 'format' field is missing or different)")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ScenarioError(f"the {what} has no valid format version")
    if version > newest_version:
        raise ScenarioError(
            f"the {what} was {NEWER_FORMAT} (format version {version}; "
            f"this version reads up to {newest_version})"
        )
    return version


def scenario_from_dict(data: Any) -> Scenario:
    """Build a Scenario from parsed JSON (format version 1 or 2), checking every field; raise ScenarioError."""
    data = checked_object(data, "scenario")
    check_format(data, SCENARIO_FORMAT, SCENARIO_VERSION, "scenario")
    runs_data = data.get("runs", [])
    if not isinstance(runs_data, list) or len(runs_data) > MAX_RUNS:
        raise _fail("runs", f"expected a list of at most {MAX_RUNS} runs")
    probe = data.get("probe")
    formula = checked_text(data.get("formula"), "formula", 500)
    return Scenario(
        formula=formula,
        plot=_plot_from_dict(data.get("plot"), formula),
        runs=tuple(_run_from_dict(run, f"runs[{i}]") for i, run in enumerate(runs_data)),
        fixed=_point(data.get("fixed", {}), "fixed", LARGEST_VALUE),
        view=_view_from_dict(data.get("view", {})),
        probe=None if probe is None else _point(probe, "probe", LARGEST_VALUE),
        title=checked_text(data.get("title", ""), "title", 300),
        description=checked_text(data.get("description", ""), "description"),
        step=_whole_number(data.get("step", 0), "step", 0, MAX_STEPS),
        camera=_camera_from_dict(data.get("camera")),
        theme=_choice(data.get("theme", "default"), "theme", THEMES),
        presentation_scale=_number_between(data.get("presentation_scale", 1.0), "presentation_scale",
                                           MIN_PRESENTATION_SCALE, MAX_PRESENTATION_SCALE),
    )


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The JSON-ready form of a scenario, newest format version."""
    camera = scenario.camera
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
        "view": {
            "arrows": scenario.view.arrows,
            "log_height": scenario.view.log_height,
            "show_arrows": scenario.view.show_arrows,
            "contour_fill": scenario.view.contour_fill,
            "critical_points": scenario.view.critical_points,
            "basins": scenario.view.basins,
            **({} if scenario.view.equal_aspect is None else {"equal_aspect": scenario.view.equal_aspect}),
        },
        "probe": None if scenario.probe is None else dict(scenario.probe),
        "step": scenario.step,
        "camera": {
            "distance": camera.distance,
            "elevation": camera.elevation,
            "azimuth": camera.azimuth,
            "center": None if camera.center is None else list(camera.center),
            "field_of_view": camera.field_of_view,
        },
        "theme": scenario.theme,
        "presentation_scale": scenario.presentation_scale,
    }


def parse_json_bytes(raw: bytes, name: str, what: str) -> Any:
    """Parse the bytes of a JSON file called `name`; raise ScenarioError if they are not JSON."""
    try:
        return json.loads(raw.decode("utf-8-sig"))  # a byte order mark (Windows Notepad's) is no part of the JSON
    except ValueError as error:  # UnicodeDecodeError, JSONDecodeError, an integer of over 4300 digits
        raise ScenarioError(f"{name} is not a valid {what} file (corrupt JSON: {error})") from None
    except RecursionError:
        raise ScenarioError(f"{name} is nested too deeply to be a {what}") from None


def read_json_file(path: str | os.PathLike[str], what: str) -> Any:
    """Read a small JSON file written by people or other programs; raise ScenarioError with a clear reason."""
    path = Path(path)
    too_large = f"{path.name} is too large for a {what} (limit {MAX_FILE_BYTES:,} bytes)"
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ScenarioError(too_large)
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path} is a folder, not a {what} file") from None
    except PermissionError:
        raise ScenarioError(f"{path} cannot be read (permission denied)") from None
    except OSError as error:
        raise ScenarioError(f"{path} cannot be read ({error.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(too_large)
    return parse_json_bytes(raw, path.name, what)


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read a scenario file; raise ScenarioError with a clear message if it is unusable."""
    return scenario_from_dict(read_json_file(path, "scenario"))


def _permissions_for(path: Path) -> int:
    """The file mode a save gives `path`: the old file's if it exists, else readable by all, writable by the owner."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return NEW_FILE_MODE


NEWER_FORMAT = "written by a newer gradviz"  # in the message refusing such a file (a recovery file is kept for it)


def write_json_atomically(path: str | os.PathLike[str], data: Any) -> None:
    """Write JSON so that the target is either the old file or the complete new one, never half of it.

    A link is followed, so the file it names is the one written (replacing the link left that file stale); a file
    made read-only is refused, not replaced (a new file in its folder would have taken its place).
    """
    path = Path(path).resolve() if Path(path).is_symlink() else Path(path)
    if path.exists() and not path.stat().st_mode & stat.S_IWUSR:
        raise ScenarioError(f"{path.name} is read-only: save it under another name")
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
        os.chmod(temporary, _permissions_for(path))
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ScenarioError(f"cannot save {path.name}: {error.strerror}") from None


def save_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Save a scenario atomically."""
    write_json_atomically(path, scenario_to_dict(scenario))
