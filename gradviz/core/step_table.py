"""The step table of a run: each step's point, f, ∇f, the update applied and the point it leads to.

The update column is Δw = w_{k+1} − w_k, the vector the optimizer added: −η∇f for gradient descent
(+η∇f with the wrong sign), the optimizer's own step otherwise. The last row is where the run stopped;
it has no update and no next point.

Exports: CSV with every number at full precision (repr), which :func:`from_csv` reads back exactly;
Markdown and a LaTeX tabular for people, with numbers to 6 significant digits as everywhere in the app.
A run with variables held fixed names them: CSV in a last column each (held_z), the others in a line above.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from gradviz.core.descent import Run
from gradviz.core.notation import format_number, held_text, latex_math, partial_label, unicode_name
from gradviz.core.runs import RunResult

CSV_GROUPS = ("", "d{name}/d", "delta_", "next_")  # column prefixes after k: point, gradient, update, next
HELD_PREFIX = "held_"  # the held variables' columns, after the next point's


@dataclass(frozen=True)
class StepRow:
    """One step: k, the point, f and ∇f there, and the update with the next point (None on the last row)."""

    k: int
    point: tuple[float, ...]
    value: float
    gradient: tuple[float, ...]
    update: tuple[float, ...] | None
    next_point: tuple[float, ...] | None


@dataclass(frozen=True)
class StepTable:
    """The rows of a run's steps over its (free) variables, and the values the other variables are held at."""

    variables: tuple[str, ...]
    rows: tuple[StepRow, ...]
    function_name: str = "f"
    held: tuple[tuple[str, float], ...] = ()

    def with_rows(self, rows: Sequence[StepRow]) -> StepTable:
        """The same table with other rows (a selection of its own)."""
        return StepTable(self.variables, tuple(rows), self.function_name, self.held)


def step_table(source: RunResult | Run, function_name: str = "f") -> StepTable:
    """The step table of a run, one row per visited point."""
    run = source.run if isinstance(source, RunResult) else source
    following = [step.point for step in run.steps[1:]]
    rows = tuple(
        StepRow(step.k, step.point, step.value, step.gradient, step.update,
                following[step.k] if step.update is not None else None)
        for step in run.steps
    )
    return StepTable(run.variables, rows, function_name, held_values(source))


def held_values(source: RunResult | Run) -> tuple[tuple[str, float], ...]:
    """The variables a run holds fixed, with their values, in the order of its start point."""
    if not isinstance(source, RunResult):
        return ()
    return tuple((name, float(value)) for name, value in source.spec.start.items() if name not in source.free)


def step_numbers(source: RunResult | Run) -> np.ndarray:
    """The table's numbers in one array: a row per step, columns as in the table; NaN where a row has none.

    Columns: k, the point, f, ∇f, the update and the next point (each vector one column per variable).
    Made from the run's steps in bulk, without a StepRow each: a window shows a long run's table at once.
    """
    run = source.run if isinstance(source, RunResult) else source
    steps, count = run.steps, len(run.variables)
    numbers = np.full((len(steps), 2 + 4 * count), np.nan)
    numbers[:, 0] = [step.k for step in steps]
    numbers[:, 1 : count + 1] = _rows_of([step.point for step in steps], count)
    numbers[:, count + 1] = [step.value for step in steps]
    numbers[:, count + 2 : 2 * count + 2] = _rows_of([step.gradient for step in steps], count)
    updated = np.flatnonzero([step.update is not None for step in steps])
    numbers[updated, 2 * count + 2 : 3 * count + 2] = _rows_of([steps[index].update for index in updated], count)
    numbers[updated, 3 * count + 2 :] = numbers[updated + 1, 1 : count + 1]
    return numbers


def _rows_of(vectors: Sequence[tuple[float, ...] | None], count: int) -> np.ndarray:
    """Equal-length tuples of floats as the rows of an array (shape (len(vectors), count))."""
    flat = np.fromiter(itertools.chain.from_iterable(vectors), dtype=float, count=len(vectors) * count)  # type: ignore[arg-type]
    return flat.reshape(len(vectors), count)


def _csv_header(table: StepTable) -> list[str]:
    """k, then each variable under each group's prefix, f's name after the point columns."""
    names = table.variables
    point, gradient, update, following = (
        [prefix.format(name=table.function_name) + variable for variable in names] for prefix in CSV_GROUPS
    )
    return ["k", *point, table.function_name, *gradient, *update, *following,
            *(HELD_PREFIX + name for name, _value in table.held)]


def to_csv(table: StepTable) -> str:
    """The table as CSV, numbers written with repr so that they read back exactly."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(_csv_header(table))
    held = [repr(value) for _name, value in table.held]
    writer.writerows([row.k, *_cells(row, len(table.variables), repr), *held] for row in table.rows)
    return stream.getvalue()


def _optional_numbers(cells: list[str], where: str) -> tuple[float, ...] | None:
    """Numbers from cells that are all filled, or None if all are empty."""
    if all(cell == "" for cell in cells):
        return None
    try:
        return tuple(float(cell) for cell in cells)
    except ValueError:
        raise ValueError(f"{where}: expected numbers or empty cells, got {cells}") from None


def _row_from_cells(cells: list[str], count: int, where: str) -> StepRow:
    """One row read back from its CSV cells."""
    point = _optional_numbers(cells[1 : count + 1], where)
    gradient, update, following = (
        _optional_numbers(cells[count + 2 + count * group : count + 2 + count * (group + 1)], where)
        for group in range(3)
    )
    if point is None or gradient is None:
        raise ValueError(f"{where}: the point and the gradient must be given")
    try:
        k, value = int(cells[0]), float(cells[count + 1])
    except ValueError:
        raise ValueError(f"{where}: k must be a whole number and f a number") from None
    return StepRow(k, point, value, gradient, update, following)


def from_csv(text: str) -> StepTable:
    """Read a step table back from the CSV that to_csv writes; ValueError if it is not one."""
    records = list(csv.reader(io.StringIO(text)))
    header = records[0] if records else []
    held_names = list(itertools.takewhile(lambda heading: heading.startswith(HELD_PREFIX), reversed(header)))[::-1]
    count = (len(header) - len(held_names) - 2) // 4
    variables, function_name = tuple(header[1 : count + 1]), header[count + 1] if count > 0 else ""
    names = tuple(heading.removeprefix(HELD_PREFIX) for heading in held_names)
    if count < 1 or header != _csv_header(StepTable(variables, (), function_name, tuple((n, 0.0) for n in names))):
        raise ValueError(f"this is not a step table: unexpected header {header}")
    rows, held = [], tuple((name, 0.0) for name in names)
    for line, cells in enumerate(records[1:], start=2):
        if len(cells) != len(header):
            raise ValueError(f"line {line}: expected {len(header)} cells, got {len(cells)}")
        rows.append(_row_from_cells(cells, count, f"line {line}"))
        held = _held_from_cells(names, cells[len(cells) - len(names) :], f"line {line}")
    return StepTable(variables, tuple(rows), function_name, held)


def _held_from_cells(names: Sequence[str], cells: Sequence[str], where: str) -> tuple[tuple[str, float], ...]:
    """The held variables' values from a row's last cells."""
    try:
        return tuple(zip(names, map(float, cells), strict=True))
    except ValueError:
        raise ValueError(f"{where}: a held variable's value must be a number") from None


def _cells(row: StepRow, count: int, number: Callable[[float], str]) -> list[str]:
    """A row's cells after k, numbers printed by number, blanks where the last row has none."""
    blank = [""] * count
    return [
        *map(number, row.point), number(row.value), *map(number, row.gradient),
        *(map(number, row.update) if row.update is not None else blank),
        *(map(number, row.next_point) if row.next_point is not None else blank),
    ]


def _headings(table: StepTable, symbol: Callable[[str], str], partial: Callable[[str], str],
              change: Callable[[str], str], following: Callable[[str], str]) -> list[str]:
    """Column headings: k, the variables, f, the partials, the updates (Δw) and the next point."""
    names = table.variables
    return [symbol("k"), *map(symbol, names), symbol(table.function_name), *map(partial, names),
            *map(change, names), *map(following, names)]


def _markdown_cell(value: float) -> str:
    """A number to 6 significant digits, large ones with an exponent (1e+06) as the other exports write them."""
    return format_number(value, whole=False)


def to_markdown(table: StepTable) -> str:
    """The table in Markdown, numbers to 6 significant digits with real minus signs."""
    count = len(table.variables)
    headings = _headings(table, unicode_name, lambda name: partial_label(table.function_name, name),
                         lambda name: "Δ" + unicode_name(name), lambda name: "next " + unicode_name(name))
    lines = [f"{held_text(table.held)}", ""] if table.held else []
    lines += ["| " + " | ".join(headings) + " |", "|" + "---:|" * len(headings)]
    lines += ["| " + " | ".join([str(row.k), *_cells(row, count, _markdown_cell)]) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


def _inline_latex(math: str) -> str:
    """LaTeX math set inline: $…$."""
    return f"${math}$"


def _latex_symbol(name: str) -> str:
    """A name in LaTeX: w1 → w_{1}."""
    return latex_math(sympy.Symbol(name))


def _latex_number(value: float) -> str:
    """A number in LaTeX math, to 6 significant digits: -1.2 \\cdot 10^{-7}."""
    return latex_math(sympy.Float(value))


def _latex_cell(value: float) -> str:
    """A number as inline LaTeX math, to 6 significant digits: $-1.2 \\cdot 10^{-7}$."""
    return _inline_latex(_latex_number(value))


def to_latex(table: StepTable) -> str:
    """The table as a LaTeX tabular (no packages needed), numbers to 6 significant digits."""
    count = len(table.variables)
    headings = _headings(
        table,
        lambda name: _inline_latex(_latex_symbol(name)),
        lambda name: _inline_latex(partial_label(table.function_name, name, "latex")),
        lambda name: _inline_latex(rf"\Delta {_latex_symbol(name)}"),
        lambda name: "next " + _inline_latex(_latex_symbol(name)),
    )
    group = "r" * count
    held = held_text(table.held, lambda name, value: _inline_latex(f"{_latex_symbol(name)} = {_latex_number(value)}"))
    lines = [held, ""] if table.held else []
    lines += [rf"\begin{{tabular}}{{r|{group}|r|{group}|{group}|{group}}}", r"\hline",
             " & ".join(headings) + r" \\", r"\hline"]
    lines += [" & ".join([str(row.k), *_cells(row, count, _latex_cell)]) + r" \\" for row in table.rows]
    lines += [r"\hline", r"\end{tabular}"]
    return "\n".join(lines) + "\n"
