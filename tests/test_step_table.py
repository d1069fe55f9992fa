"""The step table and its exports: every export reads back, CSV exactly, Markdown and LaTeX to 6 digits."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.core.analysis import analyze_in_process
from gradviz.core.descent import OptimizerSettings, RunSettings, run_descent
from gradviz.core.runs import compute_run
from gradviz.core.scenario import RunSpec
from gradviz.core.step_table import (
    StepRow,
    StepTable,
    from_csv,
    step_numbers,
    step_table,
    to_csv,
    to_latex,
    to_markdown,
)

RESIDUAL = analyze_in_process("L(w1, w2) = (5 - w1 - 2w2)^2")
ROSENBROCK = analyze_in_process("(1 - x)^2 + 100(y - x^2)^2").compiled


def residual_table(max_steps: int = 3, **options: object) -> StepTable:
    """The step table of GD on the seeds' residual from (1, 1)."""
    run = run_descent(RESIDUAL.compiled, RunSettings((1.0, 1.0), OptimizerSettings(**options), max_steps=max_steps))  # type: ignore[arg-type]
    return step_table(run, RESIDUAL.formula.name)


# --- the table -------------------------------------------------------------------------------------------


def test_rows_follow_the_run() -> None:
    table = residual_table(lr=0.1, max_steps=1)
    assert table.variables == ("w1", "w2") and table.function_name == "L"
    first, last = table.rows
    assert (first.k, first.point, first.value, first.gradient) == (0, (1.0, 1.0), 4.0, (-4.0, -8.0))
    assert first.update == pytest.approx((0.4, 0.8)) and first.next_point == pytest.approx((1.4, 1.8))
    assert last.k == 1 and last.point == first.next_point
    assert last.update is None and last.next_point is None


def test_each_update_leads_exactly_to_the_next_point() -> None:
    run = run_descent(ROSENBROCK, RunSettings((-1.5, 2.0), OptimizerSettings("adam", lr=0.1), max_steps=20))
    table = step_table(run)
    assert len(table.rows) == 21
    for row, following in zip(table.rows, table.rows[1:], strict=False):
        assert tuple(np.add(row.point, row.update)) == row.next_point == following.point


def test_the_update_of_gradient_descent_is_minus_eta_times_the_gradient() -> None:
    for sign, direction in (("correct", -1), ("wrong", 1)):
        row = residual_table(lr=0.03, sign=sign).rows[1]
        assert row.update == pytest.approx(tuple(direction * 0.03 * np.array(row.gradient)))


def test_a_run_result_is_tabled_in_its_free_variables() -> None:
    compiled = analyze_in_process("x^2 + 10y^2 + x z").compiled
    result = compute_run(compiled, RunSpec(start={"x": 1.0, "y": 1.0, "z": 3.0}, lr=0.05, max_steps=4), ("x", "y"))
    table = step_table(result)
    assert table.variables == ("x", "y") and table.held == (("z", 3.0),)
    assert [row.point for row in table.rows] == [step.point for step in result.run.steps]


def test_every_export_names_the_held_values() -> None:
    """A row of a three-variable run can be checked from the table alone: z's value is in each export."""
    compiled = analyze_in_process("x^2 + 10y^2 + x z").compiled
    table = step_table(compute_run(compiled, RunSpec(start={"x": 1.0, "y": 1.0, "z": -2.5}, max_steps=2), ("x", "y")))
    lines = to_csv(table).splitlines()
    assert lines[0] == "k,x,y,f,df/dx,df/dy,delta_x,delta_y,next_x,next_y,held_z"
    assert all(line.endswith(",-2.5") for line in lines[1:])
    assert from_csv(to_csv(table)) == table
    assert to_markdown(table).startswith("z = −2.5 held\n\n| k | x | y | f |")
    assert to_latex(table).startswith("$z = -2.5$ held\n\n\\begin{tabular}")
    assert to_csv(table.with_rows(table.rows[1:2])).splitlines()[1].endswith(",-2.5")  # a copied selection too


# --- CSV -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer, lr, max_steps", [("adam", 0.1, 30), ("gd", 0.01, 40), ("gd", 0.01, 0)])
def test_step_numbers_are_the_rows_numbers_in_column_order(optimizer: str, lr: float, max_steps: int) -> None:
    compiled = analyze_in_process("x^2 + 10y^2 + x z").compiled
    spec = RunSpec(start={"x": 1.0, "y": 1.0, "z": 3.0}, optimizer=optimizer, lr=lr, max_steps=max_steps)
    result = compute_run(compiled, spec, ("x", "y"))
    blank = (np.nan, np.nan)
    expected = [[row.k, *row.point, row.value, *row.gradient, *(row.update or blank), *(row.next_point or blank)]
                for row in step_table(result).rows]
    np.testing.assert_array_equal(step_numbers(result), np.array(expected))


def test_csv_reads_back_exactly() -> None:
    table = step_table(run_descent(ROSENBROCK, RunSettings((-1.5, 2.0), OptimizerSettings("momentum", lr=1e-3),
                                                           max_steps=30)))
    text = to_csv(table)
    assert text.splitlines()[0] == "k,x,y,f,df/dx,df/dy,delta_x,delta_y,next_x,next_y"
    assert from_csv(text) == table


def test_csv_keeps_extreme_numbers() -> None:
    row = StepRow(0, (5e-324, -0.0), 1.7976931348623157e308, (float("inf"), -1 / 3), (0.1, 0.2),
                  (0.30000000000000004, 1e-300))
    table = StepTable(("theta", "x_1"), (row,), "J")
    back = from_csv(to_csv(table))
    assert back == table
    assert str(back.rows[0].point[1]) == "-0.0"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "unexpected header"),
        ("k,x,f,dq/dx,delta_x,next_x\n", "unexpected header"),
        ("k,x,f,df/dx,delta_x\n", "unexpected header"),
        ("k,x,f,df/dx,delta_x,next_x\n0,1.0,2.0,3.0,4.0\n", "line 2: expected 6 cells, got 5"),
        ("k,x,f,df/dx,delta_x,next_x\n0,1.0,2.0,3.0,four,5.0\n", "line 2: expected numbers"),
        ("k,x,f,df/dx,delta_x,next_x\n0,,2.0,3.0,,\n", "line 2: the point and the gradient must be given"),
        ("k,x,f,df/dx,delta_x,next_x\nzero,1.0,2.0,3.0,,\n", "line 2: k must be a whole number"),
        ("k,x,f,df/dx,delta_x,next_x,held_z\n0,1.0,2.0,3.0,,,one\n", "line 2: a held variable's value must be"),
        ("k,x,f,df/dx,delta_x,next_x,held_z\n0,1.0,2.0,3.0,,\n", "line 2: expected 7 cells, got 6"),
    ],
)
def test_csv_that_is_no_step_table_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        from_csv(text)


# --- Markdown and LaTeX, read back by small parsers ------------------------------------------------------


def rounded(value: float) -> float:
    """The number as the human-readable exports print it: 6 significant digits."""
    return float(f"{value:.6g}")


def expected_cells(table: StepTable) -> list[list[float | None]]:
    """Each row's numbers after k, rounded as printed, None where the last row has none."""
    count = len(table.variables)

    def group(values: tuple[float, ...] | None) -> list[float | None]:
        return [None] * count if values is None else [rounded(value) for value in values]

    return [
        [*group(row.point), rounded(row.value), *group(row.gradient), *group(row.update), *group(row.next_point)]
        for row in table.rows
    ]


def markdown_numbers(text: str) -> tuple[list[str], list[int], list[list[float | None]]]:
    """Headings, k and the numbers of a Markdown table."""
    lines = text.strip().split("\n")
    if not lines[0].startswith("|"):  # the held values' line and a blank one
        assert lines[0].endswith(" held") and lines[1] == ""
        lines = lines[2:]
    split = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]
    assert all(cell == "---:" for cell in split[1])
    rows = split[2:]
    numbers = [[float(cell.replace("−", "-")) if cell else None for cell in row[1:]] for row in rows]
    return split[0], [int(row[0]) for row in rows], numbers


LATEX_NUMBER = re.compile(r"^\$(-?[\d.]+)(?: \\cdot 10\^\{(-?\d+)\})?\$$")


def latex_number(cell: str) -> float | None:
    """A number written by to_latex ('$-1.2 \\cdot 10^{-7}$'), or None for an empty cell."""
    if not cell:
        return None
    match = LATEX_NUMBER.match(cell)
    assert match, cell
    mantissa, exponent = match.groups()
    return float(f"{mantissa}e{exponent or 0}")


def latex_numbers(text: str) -> tuple[list[str], list[int], list[list[float | None]]]:
    """Headings, k and the numbers of a LaTeX tabular."""
    lines = text.strip().split("\n")
    if lines[0].endswith(" held"):  # the held values' line and a blank one
        assert lines[1] == ""
        lines = lines[2:]
    assert lines[0].startswith(r"\begin{tabular}") and lines[-1] == r"\end{tabular}"
    assert lines[1] == lines[3] == lines[-2] == r"\hline"
    header, *rows = (
        [cell.strip() for cell in line.removesuffix(r"\\").split("&")] for line in [lines[2], *lines[4:-2]]
    )
    return header, [int(row[0]) for row in rows], [[latex_number(cell) for cell in row[1:]] for row in rows]


def test_markdown_headings_and_numbers() -> None:
    table = residual_table(lr=0.1, max_steps=1)
    headings, ks, numbers = markdown_numbers(to_markdown(table))
    assert headings == ["k", "w₁", "w₂", "L", "∂L/∂w₁", "∂L/∂w₂", "Δw₁", "Δw₂", "next w₁", "next w₂"]
    assert ks == [0, 1]
    assert numbers == expected_cells(table)
    assert "| 0 | 1 | 1 | 4 | −4 | −8 | 0.4 | 0.8 | 1.4 | 1.8 |" in to_markdown(table)


def test_latex_headings_and_numbers() -> None:
    table = residual_table(lr=0.1, max_steps=1)
    text = to_latex(table)
    assert text.startswith(r"\begin{tabular}{r|rr|r|rr|rr|rr}")
    headings, ks, numbers = latex_numbers(text)
    assert headings == [
        "$k$", "$w_{1}$", "$w_{2}$", "$L$", r"$\frac{\partial L}{\partial w_{1}}$",
        r"$\frac{\partial L}{\partial w_{2}}$", r"$\Delta w_{1}$", r"$\Delta w_{2}$", "next $w_{1}$", "next $w_{2}$",
    ]
    assert ks == [0, 1]
    assert numbers == expected_cells(table)


FINITE = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def tables(draw: st.DrawFn) -> StepTable:
    """Step tables of one to three variables with any finite numbers; the last row has no update."""
    variables = ("x", "w1", "theta")[: draw(st.integers(1, 3))]
    vectors = st.tuples(*[FINITE] * len(variables))
    count = draw(st.integers(1, 5))
    rows = tuple(
        StepRow(k, draw(vectors), draw(FINITE), draw(vectors), *((None, None) if k == count - 1 else
                                                                 (draw(vectors), draw(vectors))))
        for k in range(count)
    )
    held = tuple((name, draw(FINITE)) for name in ("z", "t")[: draw(st.integers(0, 2))])
    return StepTable(variables, rows, draw(st.sampled_from(["f", "L"])), held)


@settings(deadline=None, max_examples=60)
@given(tables())
def test_every_export_reads_back(table: StepTable) -> None:
    assert from_csv(to_csv(table)) == table
    for parse, text in ((markdown_numbers, to_markdown(table)), (latex_numbers, to_latex(table))):
        _, ks, numbers = parse(text)
        assert ks == [row.k for row in table.rows]
        assert numbers == expected_cells(table)
