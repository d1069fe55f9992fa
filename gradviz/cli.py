"""The gradviz command line: the app, and derive / descend / presets for scripts and slides."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from types import FrameType, TracebackType
from typing import Any, NoReturn

from gradviz import __version__
from gradviz.core.errors import GradvizError
from gradviz.core.scenario import OPTIMIZER_NAMES, PLAY_SPEED, SIGNS

COMMANDS = {  # each command, and what it does as its help and the app's help list it
    "derive": "partial derivatives of a formula, optionally at a point",
    "critical": "where ∇f = 0: minima, maxima and saddle points in a range",
    "descend": "run gradient descent and print each step",
    "export": "render a descent run to a video, GIF, PNG frames or an image",
    "presets": "list the preset gallery",
}
ANALYSING = ("derive", "critical", "descend", "export")  # the commands that analyse a formula (see _run_in_child)
FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM)  # passed on to the child running a command
# The options that set an optimizer's hyper-parameter, each with the parameter it sets (see _optimizer_params)
HYPER_PARAMETER_OPTIONS = (("--momentum", "momentum"),)
# Qt platforms without OpenGL widgets: an export there would crash rather than fail cleanly.
PLATFORMS_WITHOUT_GL = ("offscreen", "minimal", "minimalegl", "linuxfb", "vnc")


class CommandLineError(GradvizError):
    """Bad command-line input; reported as one line on stderr with exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, raised rather than printed."""

    commands: dict[str, argparse.ArgumentParser]  # the subcommands' parsers, by name

    def error(self, message: str) -> NoReturn:
        raise CommandLineError(message)


def parse_assignments(text: str, option: str) -> dict[str, float]:
    """Parse 'x=1,y=2' into {'x': 1.0, 'y': 2.0}."""
    from gradviz.core.formula import variable_name

    values: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = variable_name(name.strip())  # w₁ as the formula reads it: w1
        if not sep or not name:
            raise CommandLineError(f"{option} expects name=value pairs separated by commas, like x=1,y=2; got '{text}'")
        try:
            if "_" in value:  # Python reads 1_000, a formula does not
                raise ValueError(value)
            number = float(value.strip().replace("−", "-"))
        except ValueError:
            raise CommandLineError(f"{option}: '{value.strip()}' is not a number (for {name})") from None
        if not math.isfinite(number):
            raise CommandLineError(f"{option}: the value of {name} must be finite")
        if name in values:
            raise CommandLineError(f"{option}: {name} is given twice")
        values[name] = number
    return values


def parse_size(text: str, option: str, bounds: tuple[int, int] | None = None,
               example: str = "1280x720") -> tuple[int, int]:
    """Parse 'WIDTHxHEIGHT' in whole pixels, both sides within bounds if given (else the caller says which fit)."""
    width, sep, height = text.lower().replace("×", "x").partition("x")
    fits = sep and width.strip().isdigit() and height.strip().isdigit()
    if fits and bounds is not None:
        fits = all(bounds[0] <= int(side) <= bounds[1] for side in (width, height))
    if not fits:
        within = f" between {bounds[0]} and {bounds[1]}" if bounds is not None else " in pixels"
        raise CommandLineError(f"{option} expects WIDTHxHEIGHT{within}, like {example}; got '{text}'")
    return int(width), int(height)


def _check_known(variables: Sequence[str], values: dict[str, float], option: str) -> None:
    unknown = [name for name in values if name not in variables]
    if unknown:
        raise CommandLineError(f"{option}: '{unknown[0]}' is not a variable of the formula ({', '.join(variables)})")


def _point_for(variables: Sequence[str], values: dict[str, float], option: str) -> tuple[float, ...]:
    _check_known(variables, values, option)
    missing = [name for name in variables if name not in values]
    if missing:
        raise CommandLineError(f"{option}: give a value for {', '.join(missing)}")
    return tuple(values[name] for name in variables)


def _json_number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


OVERFLOWS = "overflows (beyond ±1.8e308)"


def _finite_text(value: float, overflowed: bool = False) -> str:
    """A value as text; where it is not a finite number (JSON's null) 'undefined' (1/x at 0), or OVERFLOWS where it
    is ±inf and the point overflowed (x² at 1e308 printed 'undefined')."""
    from gradviz.core.notation import format_number

    if math.isfinite(value):
        return format_number(value)
    return OVERFLOWS if overflowed and math.isinf(value) else "undefined"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) for row in rows)


def run_derive(args: argparse.Namespace) -> int:
    """Print the partial derivatives of a formula, and their values at a point."""
    import numpy as np

    from gradviz.core.analysis import analyze
    from gradviz.core.notation import format_number, latex_equations, unicode_name
    from gradviz.core.session import noise_floor_on_a_new_map

    if args.latex and args.at is not None:
        raise CommandLineError("--latex prints the equations only; leave out --at, or use --json for the values")
    analysis = analyze(args.formula)
    formula, derivatives = analysis.formula, analysis.derivatives
    if args.latex:
        print("\n".join(latex_equations(derivatives)))
        return 0
    point = None
    overflowed = False
    if args.at is not None:
        point = np.array(_point_for(formula.variables, parse_assignments(args.at, "--at"), "--at"), dtype=float)
        value, gradient = analysis.compiled.value_and_gradient(point)
        overflowed = analysis.compiled.overflows_at(point)
        if not math.isfinite(value) and not overflowed:  # no value, no slope: ln(−1 − x²)'s formal 2x/(x² + 1) is
            gradient = np.full_like(gradient, np.nan)  # no derivative of it
    notation = _derive_notation(derivatives)
    if args.json:
        document: dict[str, Any] = {
            "formula": str(formula.expr),
            "variables": list(formula.variables),
            "partials": {name: str(expr) for name, expr in zip(formula.variables, derivatives.partials, strict=True)},
            "notation": notation,
        }
        if point is not None:
            document["at"] = dict(zip(formula.variables, point.tolist(), strict=True))
            document["value"] = _json_number(value)
            document["gradient"] = {
                name: _json_number(g) for name, g in zip(formula.variables, gradient.tolist(), strict=True)
            }
        print(json.dumps(document, ensure_ascii=False))
        return 0
    lines = [f"{notation['signature']} = {notation['formula']}"]
    labels = [notation["labels"][name] for name in formula.variables]
    lines += [f"{label} = {notation['partials'][name]}" for label, name in zip(labels, formula.variables, strict=True)]
    if point is not None:
        # computed in floats, as in the window, whose readouts show rounding as 0 (1.97e−31 where f is 0 exactly);
        # JSON, like the window's saved tables, keeps the numbers as computed
        noise = noise_floor_on_a_new_map(analysis.compiled, dict(zip(formula.variables, point.tolist(), strict=True)))
        value, gradient = noise.shown_value(value), np.array(noise.shown_gradient(gradient))
        names = ", ".join(map(unicode_name, formula.variables))
        coordinates = ", ".join(format_number(v) for v in point)
        where = f"{names} = {coordinates}" if len(point) == 1 else f"({names}) = ({coordinates})"
        lines.append(f"at {where}:")
        lines.append(f"  {formula.name} = {_finite_text(value, overflowed)}")
        lines += [f"  {label} = {_finite_text(g, overflowed)}" for label, g in zip(labels, gradient, strict=True)]
        lines.append(f"  |∇{formula.name}| = {_finite_text(float(np.hypot.reduce(gradient)), overflowed)}")
    lines += [f"note: {note}" for note in notation["notes"]]
    print("\n".join(lines))
    return 0


def _derive_notation(derivatives: Any) -> dict[str, Any]:
    """f and its partials in the plain-text math the app and derive's text write: f's signature and formula, the
    partials' labels and right-hand sides by variable, and the notes."""
    from gradviz.core.notation import partial_label, unicode_math, unicode_name

    formula = derivatives.formula
    return {
        "signature": f"{formula.name}({', '.join(map(unicode_name, formula.variables))})",
        "formula": unicode_math(formula.expr, formula.spelling),
        "labels": {name: partial_label(formula.name, name, "unicode") for name in formula.variables},
        "partials": {name: unicode_math(expr, derivatives.partial_spelling(index))
                     for index, (name, expr) in enumerate(zip(formula.variables, derivatives.partials, strict=True))},
        "notes": list(derivatives.shown_notes),
    }


CLI_TIME_LIMIT = 30.0  # seconds for the critical points: no window waits on the command line
MIN_WITHIN, MAX_WITHIN = 1e-3, 1e6  # critical --within: the search's half-width
LONG_VIDEO_SECONDS = 300.0  # an export longer than this says so before it starts, and how to shorten it


def run_critical(args: argparse.Namespace) -> int:
    """Print the critical points of a formula over ranges of its first two variables (the rest held)."""
    from gradviz.core.analysis import analyze
    from gradviz.core.critical import critical_count, critical_points
    from gradviz.core.grid import Domain, evaluate_grid
    from gradviz.core.notation import for_function, format_number
    from gradviz.core.session import shaped_held_value

    if not MIN_WITHIN <= args.within <= MAX_WITHIN:  # beyond these the grid's cells are too small or too large
        raise CommandLineError(f"--within must be between {format_number(MIN_WITHIN)} and {format_number(MAX_WITHIN)}, "
                               f"not {format_number(args.within)}")
    if not 20 <= args.grid <= 1000:
        raise CommandLineError(f"--grid must be between 20 and 1000, not {args.grid}")
    analysis = analyze(args.formula)
    variables = analysis.formula.variables
    held = parse_assignments(args.hold, "--hold") if args.hold is not None else {}
    _check_known(variables, held, "--hold")
    axes = tuple(name for name in variables if name not in held)[:2]
    if not axes:
        raise CommandLineError("--hold holds every variable: leave one or two free to search")
    ranges = {name: (-args.within, args.within) for name in axes}
    fixed = dict(held)
    for name in variables:  # the others are held as the app holds a variable it gains: 1 unless f is flat there
        if name not in axes and name not in fixed:
            fixed[name] = shaped_held_value(analysis.compiled, ranges, fixed, name)
    fixed = {name: fixed[name] for name in variables if name not in axes}
    domain = Domain(axes, tuple(ranges.values()), args.grid, fixed)
    critical = critical_points(analysis.compiled, evaluate_grid(analysis.compiled, domain), CLI_TIME_LIMIT)
    if args.json:
        print(json.dumps({
            "formula": str(analysis.formula.expr), "ranges": {name: [-args.within, args.within] for name in axes},
            "held": fixed, "complete": critical.complete, "left_out": critical.left_out, "on_lines": critical.on_lines,
            "everywhere": critical.everywhere, "undefined": critical.undefined,
            "kinks_left_out": critical.kinks_left_out,
            "points": [{"kind": point.kind, "at": dict(zip(axes, point.point, strict=True)),
                        "value": _json_number(point.value), **({"kink": True} if point.kink else {})}
                       for point in critical.points],
        }, ensure_ascii=False))
        return 0
    names = ", ".join(axes)
    held_text = "".join(f", {name} = {format_number(value)}" for name, value in fixed.items())
    lines = [f"critical points of {analysis.formula.text} for {names} in [−{format_number(args.within)}, "
             f"{format_number(args.within)}]{held_text}:"]
    if not critical.complete:
        lines.append(f"  not listed: {critical.left_out}; give a smaller --within")
        print("\n".join(lines))
        return 0
    for point in critical.points:
        coordinates = ", ".join(format_number(value) for value in point.point)
        where = f"{names} = {coordinates}" if len(axes) == 1 else f"({names}) = ({coordinates})"
        kink = f"   (a kink: ∇{analysis.formula.name} undefined)" if point.kink else ""
        lines.append(f"  {point.kind:<10} {where}   {analysis.formula.name} = {format_number(point.value)}{kink}")
    lines.append(for_function(critical_count(critical, "Found", "the ranges searched"), analysis.formula.name))
    print("\n".join(lines))
    return 0


def _optimizer_params(args: argparse.Namespace, optimizer: str, whose: str = "") -> dict[str, float]:
    """The hyper-parameters given with their options, each refused where the optimizer (whose: the run it comes from,
    if not from --optimizer) has no such setting: gd took --momentum 0.5 and ran without momentum."""
    from gradviz.core.descent import OPTIMIZER_PARAMETERS

    params: dict[str, float] = {}
    for option, name in HYPER_PARAMETER_OPTIONS:
        value = getattr(args, name)
        if value is None:
            continue
        if name not in OPTIMIZER_PARAMETERS[optimizer]:
            takers = [taker for taker, names in OPTIMIZER_PARAMETERS.items() if name in names]
            listed = ", ".join(takers[:-1]) + f" and {takers[-1]}" if len(takers) > 1 else takers[0]
            raise CommandLineError(f"{option} is a setting of the {listed} optimizers, not of {optimizer}{whose}: "
                                   f"choose one of them with --optimizer, or leave {option} out")
        params[name] = value
    return params


def _held_values(args: argparse.Namespace, variables: Sequence[str]) -> dict[str, float]:
    """The values --hold gives, checked: known variables, at least one left free."""
    held = parse_assignments(args.hold, "--hold") if args.hold is not None else {}
    _check_known(variables, held, "--hold")
    if held and all(name in held for name in variables):
        raise CommandLineError("--hold holds every variable: leave at least one free to move")
    return held


def _descent_spec(args: argparse.Namespace, variables: Sequence[str], held: dict[str, float],
                  params: dict[str, float]) -> Any:
    """The run descend computes: a start for every free variable, the held ones at their --hold values."""
    from gradviz.core.scenario import RunSpec

    free = [name for name in variables if name not in held]
    given = parse_assignments(args.start, "--start")
    _check_known(variables, given, "--start")
    both = [name for name in given if name in held]
    if both:
        raise CommandLineError(f"--start: {both[0]} is held by --hold; give its value there only")
    start = dict(zip(free, _point_for(free, given, "--start"), strict=True))
    return RunSpec(start={**start, **held}, optimizer=args.optimizer, lr=args.lr, sign=args.sign,
                   max_steps=args.steps, params=params)


def run_descend(args: argparse.Namespace) -> int:
    """Run gradient descent from a start point and print every step (the variables given to --hold stay put)."""
    import numpy as np

    from gradviz.core.analysis import analyze
    from gradviz.core.notation import for_function, format_number, partial_label
    from gradviz.core.runs import compute_run
    from gradviz.core.session import noise_floors_on_new_maps

    params = _optimizer_params(args, args.optimizer)  # refused before the formula's symbolic work
    analysis = analyze(args.formula)
    formula = analysis.formula
    held = _held_values(args, formula.variables)
    result = compute_run(analysis.compiled, _descent_spec(args, formula.variables, held, params),
                         [name for name in formula.variables if name not in held])
    run, names = result.run, result.free
    # computed in floats, as in the window, whose step table shows rounding as 0 (f = 1.97e−31 where it is 0
    # exactly): the text shows each step as derive --at does there; JSON and CSV keep the numbers as computed
    noise = noise_floors_on_new_maps(analysis.compiled, result.points, names).of(names)
    gradients = noise.shown_partials(np.array([step.gradient for step in run.steps], dtype=float))
    message = for_function(run.message_shown(gradients[-1].tolist()), formula.name)  # |∇f| = 0, as the window's
    if args.json:
        document = {
            "formula": str(formula.expr),
            "variables": list(names),
            "held": held,
            "optimizer": args.optimizer,
            "sign": args.sign,
            "lr": args.lr,
            "stop_reason": run.stop_reason,
            "message": message,  # why, as the text output's "stop:" line says
            "steps": [
                {
                    "k": step.k,
                    "point": dict(zip(names, map(float, step.point), strict=True)),
                    "value": float(step.value),
                    "gradient": dict(zip(names, map(float, step.gradient), strict=True)),
                }
                for step in run.steps
            ],
        }
        print(json.dumps(document, ensure_ascii=False))
        return 0
    gradient_labels = [partial_label(formula.name, name, "unicode") for name in names]
    if args.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["k", *names, *held, formula.name, *(f"d{formula.name}/d{name}" for name in names)])
        for step in run.steps:
            writer.writerow([step.k, *map(repr, map(float, step.point)), *map(repr, held.values()),
                             repr(float(step.value)), *map(repr, map(float, step.gradient))])
        sys.stdout.write(buffer.getvalue())
        return 0
    rows = [["k", *names, formula.name, *gradient_labels]]
    values = noise.shown_values(result.values)
    for step, value, gradient in zip(run.steps, values.tolist(), gradients.tolist(), strict=True):
        rows.append([str(step.k), *(format_number(v) for v in step.point), format_number(value),
                     *(format_number(g) for g in gradient)])
    if held:
        print(", ".join(f"{name} = {format_number(value)}" for name, value in held.items()) + " held")
    print(_table(rows))
    print(f"stop: {message}")
    return 0


def _run_spec(args: argparse.Namespace, base: Any, variables: Sequence[str], source: str) -> Any:
    """The first run of an export: the scenario's (or a new one) with the options given on the command line; source
    names where the run comes from ('the preset's run 1'), should its optimizer take no such hyper-parameter.

    Its label goes with a change of what it describes, as in the window ('GD η = 0.001' run at --lr 0.0005).
    """
    from gradviz.core.scenario import changed_run

    start = parse_assignments(args.start, "--start") if args.start is not None else {}
    _check_known(variables, start, "--start")
    changes: dict[str, Any] = {"start": {**base.start, **start}}
    for option, field in (("lr", "lr"), ("steps", "max_steps"), ("sign", "sign"), ("optimizer", "optimizer")):
        if getattr(args, option) is not None:
            changes[field] = getattr(args, option)
    optimizer = changes.get("optimizer", base.optimizer)
    params = _optimizer_params(args, optimizer, "" if args.optimizer is not None else f" ({source})")
    if params:
        changes["params"] = {**base.params, **params}
    return changed_run(base, **changes)


def _formula_scenario(analysis: Any, args: argparse.Namespace) -> Any:
    """A scenario for a bare formula: its first two variables plotted over ranges that hold the start point."""
    from gradviz.core.scenario import PlotSettings, RunSpec, Scenario
    from gradviz.core.session import DEFAULT_RANGE, DEFAULT_RESOLUTION

    variables = analysis.formula.variables
    if args.start is None:
        example = ",".join(f"{name}=1" for name in variables)
        raise CommandLineError(f"--start is needed with a formula, like --start {example}")
    start = dict(zip(variables, _point_for(variables, parse_assignments(args.start, "--start"), "--start"),
                     strict=True))
    axes = variables[:2]
    ranges = {name: (min(DEFAULT_RANGE[0], start[name] - 1.0), max(DEFAULT_RANGE[1], start[name] + 1.0))
              for name in axes}
    base = RunSpec(start=start, lr=0.1, max_steps=60)
    return Scenario(formula=analysis.formula.text, plot=PlotSettings(axes=axes, ranges=ranges,
                                                                     resolution=DEFAULT_RESOLUTION),
                    runs=(_run_spec(args, base, variables, "the default"),),
                    fixed={name: value for name, value in start.items() if name not in axes})


def _with_map_options(scenario: Any, args: argparse.Namespace) -> Any:
    """The scenario with the map's switches given on the command line (--arrows, --contours, --critical-points, …)."""
    from dataclasses import replace

    changes: dict[str, bool] = {}
    if args.arrows is not None:
        changes["show_arrows"] = args.arrows
    if args.contours is not None:
        changes["contour_fill"] = args.contours == "filled"
    if args.critical_points is not None:
        changes["critical_points"] = args.critical_points
    if args.basins is not None:
        changes["basins"] = args.basins
    return replace(scenario, view=replace(scenario.view, **changes)) if changes else scenario


def _file_scene(args: argparse.Namespace) -> Any:
    """The scene of the file given with --scenario: a lesson's chosen with --scene, or the scenario file's own
    without a caption."""
    from gradviz.core.lessons import Lesson, Scene, load_scenario_or_lesson

    document = load_scenario_or_lesson(args.scenario)
    if not isinstance(document, Lesson):
        if args.scene is not None:
            raise CommandLineError(f"--scene is for a lesson, and {args.scenario} is a scenario; leave --scene out")
        return Scene(caption="", scenario=document)
    count = len(document.scenes)
    if args.scene is None or not 1 <= args.scene <= count:
        wrong = "" if args.scene is None else f", not {args.scene}"
        raise CommandLineError(f"{args.scenario} is a lesson of {count} scenes: choose the scene to export with "
                               f"--scene N, 1 to {count}{wrong}")
    return document.scenes[args.scene - 1]


def _export_session(args: argparse.Namespace) -> Any:
    """The session to export: a formula with --start, a scenario file or a preset, with the run options applied.

    A held variable given in --start (z=2) is held there in every view and run, not only in the first run.
    """
    from dataclasses import replace

    from gradviz.core.analysis import analyze
    from gradviz.core.runs import compute_run
    from gradviz.core.scenario import RunSpec
    from gradviz.core.session import Session

    sources = [source for source in (args.formula, args.scenario, args.preset) if source is not None]
    if len(sources) != 1:
        raise CommandLineError("give one of: a formula (with --start), --scenario FILE or --preset NAME")
    if args.scene is not None and args.scenario is None:
        raise CommandLineError("--scene picks a scene of a lesson file given with --scenario FILE")
    if args.formula is not None:
        analysis = analyze(args.formula)
        scenario = _formula_scenario(analysis, args)
    else:
        from gradviz.core.presets import find_preset

        scenario = _file_scene(args).scenario if args.scenario is not None else find_preset(args.preset).scenario
        analysis = analyze(scenario.formula)
        base = scenario.runs[0] if scenario.runs else RunSpec(start={})
        where = "the scenario's run 1" if args.scenario is not None else f"the preset {args.preset}'s run 1"
        first = _run_spec(args, base, analysis.formula.variables, where)
        given = parse_assignments(args.start, "--start") if args.start is not None else {}
        held = {name: value for name, value in given.items() if name not in scenario.plot.axes}
        scenario = replace(scenario.with_runs((first, *scenario.runs[1:])), fixed={**scenario.fixed, **held})
    session = Session()
    session.apply_scenario(_with_map_options(scenario, args), analysis)
    session.set_presentation_scale(session.presenting_scale)  # drawn as it is presented on a 1920 × 1080 screen
    for spec in session.run_specs:  # a run that cannot start is bad input, reported as such
        compute_run(analysis.compiled, spec, session.plot.axes)
    return session


def _display_problem() -> str | None:
    """Why Qt could not draw with OpenGL here, or None."""
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    if platform in PLATFORMS_WITHOUT_GL:
        return f"export draws with OpenGL, which the Qt platform '{platform}' does not offer; unset QT_QPA_PLATFORM"
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return ("export draws with OpenGL and needs a display, but none is set (no DISPLAY); "
                "on a machine without a screen run it under a virtual one: xvfb-run -a gradviz export ...")
    return None


def _qt_application() -> Any:
    """The running QApplication, or a new one set up for OpenGL (a CommandLineError if there is no display)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        problem = _display_problem()
        if problem is not None:
            raise CommandLineError(problem)
        from gradviz.app.launch import configure_qt

        configure_qt()
        app = QApplication(sys.argv[:1])
    return app


class _ProgressLine:
    """Export progress on stderr: one updating line on a terminal, a line every 10% otherwise."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if self.live:
            end = "\n" if done == total else ""
            self.stream.write(f"\rexporting: {percent:3d}% ({done}/{total} frames){end}")
        elif percent // 10 > self.shown // 10 or done == total:
            self.stream.write(f"exporting: {percent}% ({done}/{total} frames)\n")
        self.shown = percent
        self.stream.flush()


class _Interruption:
    """SIGINT and SIGTERM while exporting: the handlers only note the signal, and the export stops between frames."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.signal_number: int | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Interruption:
        self._previous = {number: signal.signal(number, self._note) for number in self.SIGNALS}
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)

    def _note(self, number: int, frame: FrameType | None) -> None:
        """Note the signal; never raise here, as it may arrive while Qt is painting."""
        self.signal_number = number

    def check(self) -> None:
        """Raise ExportCancelled if a signal has come."""
        from gradviz.export.writers import ExportCancelled

        if self.signal_number is not None:
            raise ExportCancelled("export interrupted; nothing was saved")

    @property
    def exit_status(self) -> int:
        """The shell's status for a process stopped by the signal: 128 + its number (130 for SIGINT)."""
        assert self.signal_number is not None
        return 128 + self.signal_number


def _warn_if_long(session: Any, options: Any, out: str) -> None:
    """Say up front what a long video will be, and how to shorten it (100,000 steps made an 18-minute MP4 unasked)."""
    from dataclasses import replace

    from gradviz.app.exporter import frame_count
    from gradviz.export.writers import is_folder_path

    plays = not is_folder_path(out)
    frames = frame_count(session, options, plays)
    seconds = frames / options.fps
    if seconds <= LONG_VIDEO_SECONDS:
        return
    steps = session.last_step

    def told(count: int) -> str:
        return f"{count:,} frames, {count / options.fps / 60:.1f} minutes" if plays else f"{count:,} PNG files"

    if options.pace == "speed":
        faster = math.ceil(steps / LONG_VIDEO_SECONDS)
        fewer = frame_count(session, replace(options, steps_per_second=faster), plays)
        shorter = f"--speed {faster} plays {faster:,} steps a second"
    else:
        fitting = max(2, math.ceil(steps / (LONG_VIDEO_SECONDS * options.fps)))
        fewer = frame_count(session, replace(options, steps_per_frame=fitting), plays)
        shorter = f"--steps-per-frame {fitting} shows one step in {fitting}"
    print(f"gradviz: {steps:,} steps make {told(frames)}; {shorter}: {told(fewer)}", file=sys.stderr)


def _export_video_interruptibly(session: Any, options: Any, out: str) -> int:
    """Export a video, stopping at the next frame on SIGINT or SIGTERM with its partial output removed."""
    from gradviz.app.exporter import export_video

    _warn_if_long(session, options, out)
    progress = _ProgressLine(sys.stderr)

    def report(done: int, total: int) -> None:
        progress(done, total)
        interruption.check()

    with _Interruption() as interruption:
        try:
            path = export_video(session, options, out, report)
        except GradvizError:
            if interruption.signal_number is None:
                raise
            # a Ctrl+C in a terminal reaches ffmpeg too, so the encoder's failure is the interruption's
            end = "\n" if progress.live and progress.shown < 100 else ""
            print(f"{end}gradviz: export interrupted; nothing was saved", file=sys.stderr)
            return interruption.exit_status
    print(f"saved {path}", file=sys.stderr)
    return 0


# The export options a video, GIF or frames play by, with the ExportOptions field each sets
VIDEO_OPTIONS = (("--speed", "speed", "steps_per_second"), ("--steps-per-frame", "steps_per_frame", "steps_per_frame"),
                 ("--fps", "fps", "fps"), ("--hold", "hold", "hold_seconds"), ("--orbit", "orbit", "orbit_degrees"))


def _export_options(args: argparse.Namespace) -> Any:
    """The export's options from the command line, every one checked (a CommandLineError or ExportError if bad)."""
    from pathlib import Path

    from gradviz.app.exporter import IMAGE_SUFFIXES, ExportOptions, check_target
    from gradviz.export.writers import WRITERS_BY_SUFFIX, is_folder_path

    out = args.out
    image = not is_folder_path(out) and Path(out).suffix.lower() in IMAGE_SUFFIXES
    if not image and not is_folder_path(out) and Path(out).suffix.lower() not in WRITERS_BY_SUFFIX:
        raise CommandLineError(f"--out {out}: use .mp4 or .gif for a video, a folder DIR/ for PNG frames, "
                               ".png or .svg for one image")
    if args.step is not None and not image:
        raise CommandLineError("--step is for one image (.png or .svg); a video, GIF or frames show every step")
    if args.step is not None and args.step < 0:
        raise CommandLineError(f"--step must be 0 or more (0 is the start), not {args.step}")
    given = {option: getattr(args, name) for option, name, _ in VIDEO_OPTIONS if getattr(args, name) is not None}
    if image and given:
        raise CommandLineError(f"{next(iter(given))} is for a video, GIF or frames; one image (.png or .svg) shows "
                               "one step: choose it with --step")
    if args.speed is not None and args.steps_per_frame is not None:
        raise CommandLineError("--speed plays the steps at so many a second, --steps-per-frame gives each shown step "
                               "a frame: give one of them")
    video = {field: given[option] for option, _, field in VIDEO_OPTIONS if option in given}
    if args.steps_per_frame is not None:
        video["pace"] = "frames"
    panels = args.panels or ("contour" if Path(out).suffix.lower() == ".svg" else "both")
    options = ExportOptions(kind="image" if image else "video", size=parse_size(args.size, "--size"), **video,
                            panels=panels, overlay=args.overlay, loss=args.loss or args.loss_log,
                            loss_log=args.loss_log,
                            scene_caption=_file_scene(args).caption if args.scenario is not None else "")
    check_target(out, options)
    return options


def _scene_changes(args: argparse.Namespace, session: Any) -> tuple[str, ...]:
    """How the session to export differs from what the caption of the lesson scene given was written for (the run
    options given, --lr 0.05 under "η = 0.1: …"): () without a caption."""
    from gradviz.core.lessons import scene_changes

    scene = _file_scene(args) if args.scenario is not None else None
    if scene is None or not scene.caption:
        return ()
    return scene_changes(scene.scenario, session.scenario(), session.analysis.formula)


def run_export(args: argparse.Namespace) -> int:
    """Render a descent run to MP4, GIF, a folder of PNG frames, or one image (PNG, or SVG of the contour panel)."""
    from dataclasses import replace

    options = _export_options(args)  # bad input said as such before any word on the display
    session = _export_session(args)
    options = replace(options, scene_changes=_scene_changes(args, session))
    app = _qt_application()
    from PySide6.QtCore import QEvent

    from gradviz.app.exporter import export_image

    out = args.out
    try:
        if options.kind == "image":
            step = session.last_step if args.step is None else min(args.step, session.last_step)
            path = export_image(session, options, out, step=step)
            cut = "" if args.step is None or args.step == step else f"; the runs end there, before step {args.step}"
            print(f"saved {path} ({options.size[0]}×{options.size[1]}, step {step}{cut})", file=sys.stderr)
        else:
            return _export_video_interruptibly(session, options, out)
    finally:
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the export's hidden views, before Python exits
    return 0


def run_presets(args: argparse.Namespace) -> int:
    """List the preset gallery."""
    from gradviz.core.presets import all_presets

    presets = all_presets()
    if args.json:
        print(json.dumps([{"id": p.id, "title": p.title, "formula": p.scenario.formula, "source": p.source}
                          for p in presets], ensure_ascii=False))
        return 0
    width = max(len(p.id) for p in presets)
    for preset in presets:
        print(f"{preset.id.ljust(width)}  {preset.title}")
    return 0


def _add_run_options(parser: argparse.ArgumentParser, start_required: bool, defaults: dict[str, Any]) -> None:
    """The options that set up a descent run; a default of None keeps the scenario's setting."""

    def shown(name: str, formula_default: object) -> str:
        value = defaults[name]
        return f"default {value}" if value is not None else f"default: the scenario's, or {formula_default}"

    parser.add_argument("--start", required=start_required, metavar="w1=1,w2=1", help="the start point")
    parser.add_argument("--lr", type=float, default=defaults["lr"], help=f"learning rate η ({shown('lr', 0.1)})")
    parser.add_argument("--steps", type=int, default=defaults["steps"], help=f"step budget ({shown('steps', 60)})")
    parser.add_argument("--sign", choices=SIGNS, default=defaults["sign"],
                        help="correct: w ← w − η∇f; wrong: w ← w + η∇f")
    parser.add_argument("--optimizer", default=defaults["optimizer"], choices=OPTIMIZER_NAMES, metavar="NAME",
                        help=f"the update rule: {', '.join(OPTIMIZER_NAMES)} ({shown('optimizer', 'gd')}, plain "
                        "gradient descent)")
    parser.add_argument("--momentum", type=float,
                        help="momentum factor for momentum and nesterov (default 0.9), and rmsprop (default 0)")


def _add_command(commands: Any, name: str, description: str) -> argparse.ArgumentParser:
    """A command's parser: its line in the list of commands, and what it does atop its own help."""
    return commands.add_parser(name, help=COMMANDS[name], description=description)


def _command_parser() -> _Parser:
    parser = _Parser(prog="gradviz", description="See partial derivatives, gradients and gradient descent.")
    parser.add_argument("--version", action="version", version=f"gradviz {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    derive = _add_command(commands, "derive", "Print the partial derivatives of a formula, and with --at the values "
                          "of f and its gradient at a point.")
    derive.add_argument("formula", help="e.g. \"3x^2 + 2xy + y^3\"")
    derive.add_argument("--at", metavar="x=1,y=2", help="evaluate f and its gradient at this point")
    derive_format = derive.add_mutually_exclusive_group()
    derive_format.add_argument("--json", action="store_true", help="print JSON (a stable interface): f and its "
                               "partials in SymPy's syntax and as shown, and the values with --at")
    derive_format.add_argument("--latex", action="store_true",
                               help="print f and its partials as LaTeX, one per line, as typed (not with --at)")
    derive.set_defaults(handler=run_derive)

    critical = _add_command(commands, "critical", "List where ∇f = 0 (minima, maxima and saddle points), searching "
                            "the first two free variables from −W to W, the others held.")
    critical.add_argument("formula", help="e.g. \"(x^2 + y - 11)^2 + (x + y^2 - 7)^2\"")
    critical.add_argument("--within", type=float, default=3.0, metavar="W",
                          help=f"search each free variable from −W to W, {MIN_WITHIN:g} to {MAX_WITHIN:.0f} "
                          "(default 3)")
    critical.add_argument("--hold", metavar="z=1", help="hold these variables at these values (others beyond the "
                          "first two free ones are held as the app holds them: at 1, or 0, 0.5, −1, 2 where f is "
                          "flat or undefined at 1)")
    critical.add_argument("--grid", type=int, default=200, metavar="N",
                          help="grid points per axis for the first guesses, 20 to 1000 (default 200)")
    critical.add_argument("--json", action="store_true", help="print JSON (a stable interface)")
    critical.set_defaults(handler=run_critical)

    descend = _add_command(commands, "descend", "Run gradient descent (or another optimizer) from a start point and "
                           "print every step: the point, f and its gradient.")
    descend.add_argument("formula", help="e.g. \"(5 - w1 - 2w2)^2\"")
    _add_run_options(descend, start_required=True, defaults={"lr": 0.1, "steps": 20, "sign": "correct",
                                                                "optimizer": "gd"})
    descend.add_argument("--hold", metavar="z=1", help="hold these variables at these values: the run moves the "
                         "others (as the app, which moves the plotted two); without it every variable moves")
    output = descend.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON (a stable interface)")
    output.add_argument("--csv", action="store_true", help="print CSV")
    descend.set_defaults(handler=run_descend)

    export = _add_command(
        commands, "export",
        "Render a descent run to a video or an image, without a window. A formula is drawn over its first two "
        "variables, the others held at their --start values; with a preset or scenario, the run options change its "
        "first run. "
        "Needs a display for OpenGL; on a machine without a screen use xvfb-run -a gradviz export ...",
    )
    export.add_argument("formula", nargs="?", help="e.g. \"(1 - x)^2 + 100(y - x^2)^2\" (or --scenario / --preset)")
    source = export.add_mutually_exclusive_group()
    source.add_argument("--scenario", metavar="FILE", help="export this scenario file")
    source.add_argument("--preset", metavar="NAME", help="export this preset (see 'gradviz presets')")
    export.add_argument("--scene", type=int, metavar="N",
                        help="with --scenario LESSON_FILE: export the lesson's scene N (from 1)")
    _add_run_options(export, start_required=False, defaults={"lr": None, "steps": None, "sign": None,
                                                                "optimizer": None})
    export.add_argument("--out", required=True, metavar="FILE",
                        help="FILE.mp4, FILE.gif, a folder DIR/ for PNG frames, FILE.png or FILE.svg for one image")
    export.add_argument("--size", default="1280x720", metavar="WxH", help="frame size in pixels (default 1280x720)")
    export.add_argument("--speed", type=float, metavar="STEPS", help=f"steps per second, as the window plays "
                        f"(default {PLAY_SPEED:g}, the window's first speed): each step stays for its frames")
    export.add_argument("--fps", type=float, help="frames per second of the video (default 30)")
    export.add_argument("--steps-per-frame", type=int, metavar="N",
                        help="instead of --speed: one frame for every N-th step (1: every step a frame, so "
                        "--fps steps per second; the last step is always shown)")
    export.add_argument("--panels", choices=("both", "3d", "contour"),
                        help="which panels (default both; contour for .svg)")
    export.add_argument("--overlay", action=argparse.BooleanOptionalAction, default=True,
                        help="caption with the formula, step, η, update rule and f (default on)")
    export.add_argument("--arrows", action=argparse.BooleanOptionalAction,
                        help="the gradient arrows on the contour map (default: the scenario's; on)")
    export.add_argument("--contours", choices=("filled", "lines"),
                        help="a filled map, or its level lines alone in colour (default: the scenario's; filled)")
    export.add_argument("--critical-points", action=argparse.BooleanOptionalAction,
                        help="mark where ∇f = 0: minima, maxima, saddle points (default: the scenario's; off)")
    export.add_argument("--basins", action=argparse.BooleanOptionalAction,
                        help="colour each start by where run 1's descent ends (default: the scenario's; off)")
    export.add_argument("--loss", action="store_true",
                        help="the loss curve (f at each step, every run) in a strip under the panels")
    export.add_argument("--loss-log", action="store_true", help="the loss curve on a logarithmic scale")
    export.add_argument("--hold", type=float, metavar="SECONDS",
                        help="show the last frame this long at the end of a video (default 1; PNG frames: one per "
                        "step shown, no copies, unless --orbit turns the camera meanwhile)")
    export.add_argument("--orbit", type=float, metavar="DEGREES",
                        help="turn the 3D camera by this many degrees over the video (default 0)")
    export.add_argument("--step", type=int, metavar="K", help="for an image: the step to show (default the last)")
    export.set_defaults(handler=run_export)

    presets = _add_command(commands, "presets", "List the preset gallery: each preset's name (for --preset) and "
                           "title.")
    presets.add_argument("--json", action="store_true", help="print JSON (a stable interface): each preset's id, "
                         "title, formula and source")
    presets.set_defaults(handler=run_presets)
    parser.commands = commands.choices
    return parser


def _protect_formula(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """argv with a space before a formula starting with '-' (like -x^2), which argparse would take for an option.

    main() takes the space off again. Options, negative numbers and option values are kept. A '--' marks the word after
    it as the formula, which it protects; the options after that are read as options still (derive -- "-x^2" --at x=1
    was refused: argparse reads every word after '--' as a formula).
    """
    options = parser._option_string_actions  # argparse lists its options nowhere public
    protected: list[str] = []
    for index, token in enumerate(argv):
        if token == "--" and index + 1 < len(argv):
            continue
        marked = index > 0 and argv[index - 1] == "--"
        previous = options.get(argv[index - 1]) if index else None
        takes_value = previous is not None and previous.nargs != 0
        if marked and token.startswith("-"):
            token = f" {token}"
        elif token.startswith("-") and not token.startswith("--") and not takes_value and token not in options:
            try:
                float(token)
            except ValueError:
                token = f" {token}"
        protected.append(token)
    return protected


def _app_parser() -> _Parser:
    width = max(map(len, COMMANDS))
    parser = _Parser(
        prog="gradviz",
        description="See partial derivatives, gradients and gradient descent:\nthe app, or one of the commands below.",
        epilog="commands (gradviz COMMAND --help for each):\n"
        + "\n".join(f"  {name.ljust(width)}  {summary}" for name, summary in COMMANDS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,  # the commands one a line
    )
    parser.add_argument("--version", action="version", version=f"gradviz {__version__}")
    parser.add_argument("file", nargs="?", help="a scenario or lesson file to open")
    parser.add_argument("--preset", metavar="NAME", help="open this preset (see 'gradviz presets')")
    parser.add_argument("--screenshot", metavar="PNG", help="render the window to PNG and quit")
    parser.add_argument("--size", default="1600x1000", metavar="WxH",
                        help="window size for --screenshot (default 1600x1000)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the gradviz command; without argv, the command line of this process (see _run_in_child)."""
    return _reported(_run, list(sys.argv[1:] if argv is None else argv), argv is None)


def _reported(action: Callable[..., int], *arguments: Any) -> int:
    """action(*arguments), or the exit status of its failure, a GradvizError reported as one line on stderr."""
    try:
        return action(*arguments)
    except GradvizError as error:
        print(f"gradviz: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the output's reader stopped early (gradviz descend ... | head): no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the interpreter's last flush goes nowhere
        return 141  # 128 + SIGPIPE, as a shell reports a command whose pipe closed


def _run(argv: list[str], own_process: bool) -> int:
    """Run a command, or the app; in a process of its own, a command that analyses a formula runs in a child."""
    if argv and argv[0] in COMMANDS:
        parser = _command_parser()
        args = parser.parse_args([argv[0], *_protect_formula(parser.commands[argv[0]], argv[1:])])
        if getattr(args, "formula", None) is not None:
            args.formula = args.formula.lstrip()
        if own_process and args.command in ANALYSING and hasattr(os, "fork") and threading.active_count() == 1:
            return _run_in_child(args)
        return args.handler(args)
    args = _app_parser().parse_args(argv)
    from gradviz.core.analysis import default_worker

    default_worker().start()  # the symbolic worker boots while the window is being built
    from gradviz.app.launch import launch_app

    return launch_app(args)


def _run_in_child(args: argparse.Namespace) -> int:
    """Run the command in a forked child that analyses its formulas itself, under an alarm; return its exit status.

    The symbolic worker is a second Python process importing SymPy, and its answers hold SymPy expressions: a
    command using it pays for SymPy twice. The child imports SymPy once, and as SymPy cannot be interrupted, the
    kernel ends the child when an analysis overruns its time limit; this process, which imports neither SymPy nor
    NumPy, reports that as the worker's time limit is reported. Signals sent to this process are passed on.
    """
    from gradviz.core.analysis import DEFAULT_TIMEOUT, time_limit_message

    sys.stdout.flush()
    sys.stderr.flush()  # nothing written so far is written by both processes
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, FORWARDED_SIGNALS)  # held until each process has its handlers
    pid = os.fork()
    if pid == 0:
        _serve_as_child(args, mask)

    def pass_on(number: int, _frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, number)

    previous = {number: signal.signal(number, pass_on) for number in FORWARDED_SIGNALS}
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    try:
        _, status = os.waitpid(pid, 0)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    code = os.waitstatus_to_exitcode(status)
    if code >= 0:
        return code
    if code == -signal.SIGALRM:
        print(f"gradviz: {time_limit_message(DEFAULT_TIMEOUT)}", file=sys.stderr)
        return 2
    if -code not in (*FORWARDED_SIGNALS, signal.SIGPIPE):
        print(f"gradviz: the command was ended by {signal.Signals(-code).name}", file=sys.stderr)
    return 128 - code  # as a shell reports a command ended by a signal


def _serve_as_child(args: argparse.Namespace, mask: set[signal.Signals]) -> NoReturn:
    """The forked child: run the command, analysing under an alarm, and exit with its status (it never returns)."""
    from gradviz.core.analysis import analyze_here_under_alarm

    def command() -> int:
        analyze_here_under_alarm()
        return args.handler(args)

    code = 1
    try:
        try:
            signal.signal(signal.SIGINT, _interrupt_once)
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            code = _reported(command)
        except BaseException:
            traceback.print_exc()
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # from here, even a pending Ctrl+C cannot skip the exit
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(OSError, ValueError):
                    stream.flush()
    finally:
        os._exit(code)  # never back into the callers: they are the parent's


def _interrupt_once(_number: int, _frame: FrameType | None) -> None:
    """Raise KeyboardInterrupt for the first SIGINT only: a terminal's Ctrl+C comes both directly and passed on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt
