"""The gradviz command line: the app, and derive / descend / presets for scripts and slides."""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from gradviz import __version__
from gradviz.core.errors import GradvizError

COMMANDS = ("derive", "descend", "presets")


class CommandLineError(GradvizError):
    """Bad command-line input; reported as one line on stderr with exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, raised rather than printed."""

    def error(self, message: str) -> NoReturn:
        raise CommandLineError(message)


def parse_assignments(text: str, option: str) -> dict[str, float]:
    """Parse 'x=1,y=2' into {'x': 1.0, 'y': 2.0}."""
    values: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or not name:
            raise CommandLineError(f"{option} expects name=value pairs separated by commas, like x=1,y=2; got '{text}'")
        try:
            number = float(value.strip().replace("−", "-"))
        except ValueError:
            raise CommandLineError(f"{option}: '{value.strip()}' is not a number (for {name})") from None
        if not math.isfinite(number):
            raise CommandLineError(f"{option}: the value of {name} must be finite")
        if name in values:
            raise CommandLineError(f"{option}: {name} is given twice")
        values[name] = number
    return values


def _point_for(variables: Sequence[str], values: dict[str, float], option: str) -> tuple[float, ...]:
    unknown = [name for name in values if name not in variables]
    if unknown:
        raise CommandLineError(f"{option}: '{unknown[0]}' is not a variable of the formula ({', '.join(variables)})")
    missing = [name for name in variables if name not in values]
    if missing:
        raise CommandLineError(f"{option}: give a value for {', '.join(missing)}")
    return tuple(values[name] for name in variables)


def _json_number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) for row in rows)


def run_derive(args: argparse.Namespace) -> int:
    """Print the partial derivatives of a formula, and their values at a point."""
    import numpy as np

    from gradviz.core.analysis import analyze
    from gradviz.core.notation import format_number, partial_label, unicode_math

    analysis = analyze(args.formula)
    formula, derivatives = analysis.formula, analysis.derivatives
    point = None
    if args.at is not None:
        point = np.array(_point_for(formula.variables, parse_assignments(args.at, "--at"), "--at"), dtype=float)
        value, gradient = analysis.compiled.value_and_gradient(point)
    if args.json:
        document: dict[str, Any] = {
            "formula": str(formula.expr),
            "variables": list(formula.variables),
            "partials": {name: str(expr) for name, expr in zip(formula.variables, derivatives.partials, strict=True)},
        }
        if point is not None:
            document["at"] = dict(zip(formula.variables, point.tolist(), strict=True))
            document["value"] = _json_number(value)
            document["gradient"] = {
                name: _json_number(g) for name, g in zip(formula.variables, gradient.tolist(), strict=True)
            }
        print(json.dumps(document, ensure_ascii=False))
        return 0
    import sympy

    names = ", ".join(unicode_math(sympy.Symbol(name, real=True)) for name in formula.variables)
    signature = f"{formula.name}({names})"
    lines = [f"{signature} = {unicode_math(formula.expr)}"]
    labels = [partial_label(formula.name, name, "unicode") for name in formula.variables]
    lines += [f"{label} = {unicode_math(expr)}" for label, expr in zip(labels, derivatives.partials, strict=True)]
    if point is not None:
        coordinates = ", ".join(format_number(v) for v in point)
        lines.append(f"at ({names}) = ({coordinates}):")
        lines.append(f"  {formula.name} = {format_number(value)}")
        lines += [f"  {label} = {format_number(g)}" for label, g in zip(labels, gradient, strict=True)]
        lines.append(f"  |∇{formula.name}| = {format_number(float(np.linalg.norm(gradient)))}")
    lines += [f"note: {note}" for note in (*formula.notes, *derivatives.notes)]
    print("\n".join(lines))
    return 0


def _run_settings(args: argparse.Namespace, variables: Sequence[str]) -> Any:
    from gradviz.core.descent import OptimizerSettings, RunSettings

    start = _point_for(variables, parse_assignments(args.start, "--start"), "--start")
    options: dict[str, Any] = {"name": args.optimizer, "lr": args.lr, "sign": args.sign}
    if args.momentum is not None:
        options["momentum"] = args.momentum
    return RunSettings(start=start, optimizer=OptimizerSettings(**options), max_steps=args.steps)


def run_descend(args: argparse.Namespace) -> int:
    """Run gradient descent from a start point and print every step."""
    from gradviz.core.analysis import analyze
    from gradviz.core.descent import run_descent
    from gradviz.core.notation import format_number, partial_label

    analysis = analyze(args.formula)
    formula = analysis.formula
    run = run_descent(analysis.compiled, _run_settings(args, formula.variables))
    names = formula.variables
    if args.json:
        document = {
            "formula": str(formula.expr),
            "variables": list(names),
            "optimizer": args.optimizer,
            "sign": args.sign,
            "lr": args.lr,
            "stop_reason": run.stop_reason,
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
        writer.writerow(["k", *names, formula.name, *(f"d{formula.name}/d{name}" for name in names)])
        for step in run.steps:
            writer.writerow([step.k, *map(repr, map(float, step.point)), repr(float(step.value)),
                             *map(repr, map(float, step.gradient))])
        sys.stdout.write(buffer.getvalue())
        return 0
    rows = [["k", *names, formula.name, *gradient_labels]]
    for step in run.steps:
        rows.append([str(step.k), *(format_number(v) for v in step.point), format_number(step.value),
                     *(format_number(g) for g in step.gradient)])
    print(_table(rows))
    print(f"stop: {run.message}")
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


def _command_parser() -> _Parser:
    parser = _Parser(prog="gradviz", description="See partial derivatives, gradients and gradient descent.")
    parser.add_argument("--version", action="version", version=f"gradviz {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    derive = commands.add_parser("derive", help="partial derivatives of a formula, optionally at a point")
    derive.add_argument("formula", help="e.g. \"3x^2 + 2xy + y^3\"")
    derive.add_argument("--at", metavar="x=1,y=2", help="evaluate f and its gradient at this point")
    derive.add_argument("--json", action="store_true", help="print JSON (a stable interface)")
    derive.set_defaults(handler=run_derive)

    descend = commands.add_parser("descend", help="run gradient descent and print each step")
    descend.add_argument("formula")
    descend.add_argument("--start", required=True, metavar="w1=1,w2=1", help="the start point")
    descend.add_argument("--lr", type=float, default=0.1, help="learning rate η (default 0.1)")
    descend.add_argument("--steps", type=int, default=20, help="step budget (default 20)")
    descend.add_argument("--sign", choices=("correct", "wrong"), default="correct",
                         help="correct: w ← w − η∇f; wrong: w ← w + η∇f")
    descend.add_argument("--optimizer", default="gd",
                         choices=("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton"))
    descend.add_argument("--momentum", type=float, help="momentum factor for momentum/nesterov (default 0.9)")
    output = descend.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON (a stable interface)")
    output.add_argument("--csv", action="store_true", help="print CSV")
    descend.set_defaults(handler=run_descend)

    presets = commands.add_parser("presets", help="list the preset gallery")
    presets.add_argument("--json", action="store_true")
    presets.set_defaults(handler=run_presets)
    return parser


def _app_parser() -> _Parser:
    parser = _Parser(
        prog="gradviz",
        description="See partial derivatives, gradients and gradient descent. "
        f"Commands: {', '.join(COMMANDS)} (gradviz COMMAND --help).",
    )
    parser.add_argument("--version", action="version", version=f"gradviz {__version__}")
    parser.add_argument("file", nargs="?", help="a scenario file to open")
    parser.add_argument("--preset", help="open this preset (see 'gradviz presets')")
    parser.add_argument("--screenshot", metavar="PNG", help="render the window to PNG and quit")
    parser.add_argument("--size", default="1600x1000", metavar="WxH", help="window size for --screenshot")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the gradviz command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            args = _command_parser().parse_args(argv)
            return args.handler(args)
        args = _app_parser().parse_args(argv)
        from gradviz.app.launch import launch_app

        return launch_app(args)
    except GradvizError as error:
        print(f"gradviz: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
