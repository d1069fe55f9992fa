"""The command line: derive, critical, descend, presets; JSON formats; bad input gives exit 2 and one line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from gradviz.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_derive_text_shows_the_seed_answer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "derive", "3x^2 + 2xy + y^3", "--at", "x=1,y=2")
    assert code == 0
    assert "∂f/∂x = 6x + 2y" in out
    assert "∂f/∂y = 2x + 3y²" in out
    assert "∂f/∂x = 10" in out and "∂f/∂y = 14" in out



def test_a_greek_letter_spelled_out_names_the_variable_in_the_formula_and_in_the_options(capsys) -> None:
    code, out, _ = run_cli(capsys, "derive", "theta^2 + 3 theta phi", "--at", "theta=1,phi=2")
    assert code == 0
    assert out.splitlines()[:3] == ["f(θ, φ) = θ² + 3θφ", "∂f/∂θ = 2θ + 3φ", "∂f/∂φ = 3θ"]
    assert "  ∂f/∂θ = 8" in out.splitlines() and "  ∂f/∂φ = 3" in out.splitlines()

def test_derive_where_f_overflows_says_so_not_undefined(capsys: pytest.CaptureFixture[str]) -> None:
    """x² + y² at x = y = 1e308 printed f = undefined: it has a value, too large for the computer's numbers."""
    code, out, _ = run_cli(capsys, "derive", "x^2+y^2", "--at", "x=1e308,y=1e308")
    assert code == 0 and out.splitlines()[4:] == ["  f = overflows (beyond ±1.8e308)"] + [
        f"  {name} = overflows (beyond ±1.8e308)" for name in ("∂f/∂x", "∂f/∂y", "|∇f|")]
    code, out, _ = run_cli(capsys, "derive", "x y", "--at", "x=1e200,y=1e200")  # its slopes are numbers still
    assert out.splitlines()[4:] == ["  f = overflows (beyond ±1.8e308)", "  ∂f/∂x = 1e200", "  ∂f/∂y = 1e200",
                                    "  |∇f| = 1.41421e200"]


def test_derive_at_a_point_where_f_is_undefined_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    """1/x at 0 printed f = ∞ (it has no value there; the JSON says null)."""
    code, out, _ = run_cli(capsys, "derive", "1/x + y", "--at", "x=0,y=1")
    assert code == 0 and out.splitlines()[3:] == ["at (x, y) = (0, 1):", "  f = undefined", "  ∂f/∂x = undefined",
                                                  "  ∂f/∂y = undefined", "  |∇f| = undefined"]
    code, out, _ = run_cli(capsys, "derive", "ln(-1 - x^2)", "--at", "x=1")  # no value, so no slope either
    assert out.splitlines()[3:] == ["  f = undefined", "  ∂f/∂x = undefined", "  |∇f| = undefined"]
    code, out, _ = run_cli(capsys, "derive", "sqrt(x)", "--at", "x=4")
    assert out.splitlines()[2:4] == ["at x = 4:", "  f = 2"]  # one variable: no brackets


def test_derive_at_a_point_prints_rounding_as_0_as_the_windows_probe_does(capsys: pytest.CaptureFixture[str]) -> None:
    """(x² + y² − 2.42)² at (1.1, 1.1) printed f = 1.97215e−31 and both partials 1.95399e−15: its floats' rounding,
    which the window's probe shows as 0 (the values are computed in floats, not substituted exactly). JSON keeps the
    numbers as computed, as the window's saved tables do."""
    from gradviz.core.analysis import analyze
    from gradviz.core.notation import format_number
    from gradviz.core.probe import probe_at
    from gradviz.core.session import Session

    code, out, _ = run_cli(capsys, "derive", "(x^2 + y^2 - 2.42)^2", "--at", "x=1.1,y=1.1")
    assert code == 0 and out.splitlines()[3:] == ["at (x, y) = (1.1, 1.1):", "  f = 0", "  ∂f/∂x = 0", "  ∂f/∂y = 0",
                                                  "  |∇f| = 0"]
    code, out, _ = run_cli(capsys, "derive", "(x^2 + y^2 - 2.42)^2", "--at", "x=1.1,y=1.1", "--json")
    document = json.loads(out)
    assert 0.0 < document["value"] < 1e-30 and 0.0 < document["gradient"]["x"] < 1e-14
    for formula, point in (("x^4", {"x": 1e-5}),  # f = 1e−20 and ∂f/∂x = 4e−15 are no rounding here: kept
                           ("(0.1x + 0.2y - 0.3)^2 * z", {"x": 1.0, "y": 1.0, "z": 5.0}),  # z held on the map
                           ("(w - 0.3)^2", {"w": 0.3000000000000001}),
                           ("(0.7x - 7.7)^2 + y^2", {"x": 11.0, "y": 0.0})):  # beyond the usual ±3
        at = ",".join(f"{name}={value!r}" for name, value in point.items())
        lines = run_cli(capsys, "derive", formula, "--at", at)[1].splitlines()
        session = Session()  # the window's probe, its map widened to show the point
        session.set_analysis(analyze(formula))
        for axis in session.plot.axes:
            session.set_range(axis, min(-3.0, point[axis] - 1.0), max(3.0, point[axis] + 1.0))
        probe = probe_at(session.analysis.compiled, point, session.plot.axes,
                         noise=session.noise_floor_at(tuple(point), tuple(point.values())))
        shown = [probe.value, *probe.gradient.values(), probe.gradient_norm]  # f, its partials and |∇f|
        printed = [line.partition(" = ")[2] for line in lines[-len(shown):]]
        assert printed == [format_number(value) for value in shown], formula
        assert (printed[0] == "0") == (formula != "x^4"), lines


def test_derive_at_a_point_floors_each_partial_on_its_own_size(capsys: pytest.CaptureFixture[str]) -> None:
    """x¹⁰⁰ + y¹⁰⁰ at (2.5, 1.5) printed ∂f/∂y = 0 under ∂f/∂y = 100y⁹⁹: its 2.7e19 was floored against
    ∂f/∂x's 2.5e41. Terms that cancel still leave rounding: 3(x + 1)² − 3x² − 6x − 3 at 1.37 is 0, not −1.8e−15."""
    code, out, _ = run_cli(capsys, "derive", "x^100 + y^100", "--at", "x=2.5,y=1.5")
    assert code == 0 and out.splitlines()[-3:-1] == ["  ∂f/∂x = 2.48921e41", "  ∂f/∂y = 2.71041e19"]
    cancelling = "1e6((x + 1)^3 - x^3 - 3x^2 - 3x) + 1e-6 y"  # |∇f| is 1e−6: a trillionth of it is below the −1.8e−9
    lines = run_cli(capsys, "derive", cancelling, "--at", "x=1.37,y=2")[1].splitlines()
    assert lines[-3:] == ["  ∂f/∂x = 0", "  ∂f/∂y = 1e−6", "  |∇f| = 1e−6"]
    assert json.loads(run_cli(capsys, "derive", cancelling, "--at", "x=1.37,y=2", "--json")[1])["gradient"]["x"] != 0


def test_a_point_names_its_variables_as_the_formula_does(capsys: pytest.CaptureFixture[str]) -> None:
    """--at w₁=3 was refused: "'w₁' is not a variable of the formula (w1)"."""
    code, out, _ = run_cli(capsys, "derive", "w₁^2 + w2", "--at", "w₁=3,w₂=1")
    assert code == 0 and "  f = 10" in out.splitlines()


def test_derive_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "derive", "3x^2 + 2xy + y^3", "--at", "x=1,y=2", "--json")
    assert code == 0
    document = json.loads(out)
    assert set(document) == {"formula", "variables", "partials", "notation", "at", "value", "gradient"}
    assert document["variables"] == ["x", "y"]
    assert document["at"] == {"x": 1.0, "y": 2.0}
    assert document["value"] == pytest.approx(3 + 4 + 8)
    assert document["gradient"] == {"x": pytest.approx(10), "y": pytest.approx(14)}
    import sympy

    x, y = sympy.symbols("x y", real=True)
    assert sympy.simplify(sympy.sympify(document["partials"]["x"], locals={"x": x, "y": y}) - (6 * x + 2 * y)) == 0
    assert sympy.simplify(sympy.sympify(document["partials"]["y"], locals={"x": x, "y": y}) - (2 * x + 3 * y**2)) == 0


def test_derive_json_without_point_has_no_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "derive", "x^2 + 3y", "--json")
    assert code == 0
    assert set(json.loads(out)) == {"formula", "variables", "partials", "notation"}


def test_derive_json_carries_the_notation_the_app_shows(capsys: pytest.CaptureFixture[str]) -> None:
    """derive --json gave f and its partials only in SymPy's own text ("w1**2/2 + 2*w2"); "notation" has them as the
    text output and the app write them (0.5w₁² + 2w₂, as typed), with the partials' labels and the notes."""
    code, out, _ = run_cli(capsys, "derive", "L(w1, w2) = 0.5w1^2 + 2w2", "--json")
    document = json.loads(out)
    assert code == 0 and document["formula"] == "w1**2/2 + 2*w2" and document["partials"] == {"w1": "w1", "w2": "2"}
    assert document["notation"] == {"signature": "L(w₁, w₂)", "formula": "0.5w₁² + 2w₂",
                                    "labels": {"w1": "∂L/∂w₁", "w2": "∂L/∂w₂"}, "partials": {"w1": "w₁", "w2": "2"},
                                    "notes": []}
    notes = {}
    for formula in ("3x^2 + 2xy + y^3", "max(x, y)"):  # the text output's lines, one by one
        _, text, _ = run_cli(capsys, "derive", formula)
        notation = json.loads(run_cli(capsys, "derive", formula, "--json")[1])["notation"]
        lines = [f"{notation['signature']} = {notation['formula']}",
                 *(f"{notation['labels'][name]} = {partial}" for name, partial in notation["partials"].items()),
                 *(f"note: {note}" for note in notation["notes"])]
        assert lines == text.splitlines()
        notes[formula] = notation["notes"]
    assert notes["3x^2 + 2xy + y^3"] == [] and len(notes["max(x, y)"]) == 2


def test_derive_latex_prints_the_equations_as_typed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "derive", "L(w1, w2) = 0.5w1^2 + 2w2", "--latex")
    assert code == 0
    assert out.splitlines() == [r"L(w_{1}, w_{2}) = 0.5 w_{1}^{2} + 2 w_{2}",
                                r"\frac{\partial L}{\partial w_{1}} = w_{1}", r"\frac{\partial L}{\partial w_{2}} = 2"]


def test_derive_prints_cases_of_one_value_as_that_value(capsys: pytest.CaptureFixture[str]) -> None:
    """max(x, y) + min(x, y) printed ∂f/∂x = {1 if x ≥ y; 1 if y > x; 0 otherwise}, on the command line too."""
    code, out, _ = run_cli(capsys, "derive", "max(x, y) + min(x, y)", "--at", "x=1,y=1")
    assert code == 0
    assert out.splitlines()[1:3] == ["∂f/∂x = 1", "∂f/∂y = 1"] and "  ∂f/∂x = 1" in out  # as computed at the tie
    assert "note:" not in out, "x + y has no kink: no notes on max's and min's, nor on a spike"
    code, out, _ = run_cli(capsys, "derive", "max(x, y) + min(x, y)", "--latex")
    assert out.splitlines()[1:] == [r"\frac{\partial f}{\partial x} = 1", r"\frac{\partial f}{\partial y} = 1"]


def test_critical_lists_each_point_with_its_kind(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "critical", "x^4 - 3.4x^2 + 0.5x")
    assert code == 0
    assert out.splitlines() == [
        "critical points of x^4 - 3.4x^2 + 0.5x for x in [−3, 3]:",
        "  minimum    x = −1.33916   f = −3.55087",
        "  maximum    x = 0.0737655   f = 0.0184118",
        "  minimum    x = 1.26539   f = −2.24755",
        "Found 2 minima and a maximum: where ∇f = 0.",
    ]
    code, out, _ = run_cli(capsys, "critical", "x^2 + 2y^2 + 3z^2 - 4z", "--hold", "z=1", "--json")
    document = json.loads(out)
    assert (document["held"], document["complete"], document["on_lines"], document["everywhere"]) == ({"z": 1.0}, True,
                                                                                          False, False)
    assert document["points"] == [{"kind": "minimum", "at": {"x": 0.0, "y": 0.0}, "value": -1.0}]
    assert document["formula"] == "x**2 + 2*y**2 + 3*z**2 - 4*z"  # in SymPy's syntax, as derive and descend give it
    code, out, _ = run_cli(capsys, "critical", "x y z")  # z held as the app holds it: at 1 (at 0 f was flat)
    assert out.splitlines()[0].endswith("z = 1:") and out.splitlines()[-1].startswith("Found a saddle point")
    code, out, _ = run_cli(capsys, "critical", "sin(10x) sin(10y)")
    assert out.splitlines()[-1] == "  not listed: there are too many here to find one by one; give a smaller --within"


def test_critical_names_a_minimum_at_a_kink(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "critical", "abs(x) + abs(y)")
    assert code == 0 and out.splitlines()[1:] == ["  minimum    (x, y) = (0, 0)   f = 0   (a kink: ∇f undefined)",
                                    "Found a minimum: at a kink of f, where ∇f is undefined."]
    code, out, _ = run_cli(capsys, "critical", "abs(x) + abs(y)", "--json")
    assert code == 0
    assert json.loads(out)["points"] == [{"kind": "minimum", "at": {"x": 0.0, "y": 0.0}, "value": 0.0, "kink": True}]
    assert json.loads(out)["kinks_left_out"] == ""
    code, out, _ = run_cli(capsys, "critical", "L(w1, w2) = abs(w1) + abs(w2)")  # the function called by its name
    assert code == 0 and out.splitlines()[1:] == ["  minimum    (w1, w2) = (0, 0)   L = 0   (a kink: ∇L undefined)",
                                    "Found a minimum: at a kink of L, where ∇L is undefined."]


def test_critical_says_when_kinks_were_not_looked_at(capsys: pytest.CaptureFixture[str]) -> None:
    """abs(x - y), a whole line of minima at its crease, said "∇f = 0 nowhere here" and no more."""
    code, out, _ = run_cli(capsys, "critical", "abs(x - y)")
    assert code == 0 and out.splitlines()[-1] == (
        "No critical points in the ranges searched: ∇f = 0 nowhere here. Minima, maxima and saddles at kinks of f, "
        "where ∇f is undefined, were not looked for: too many places to try.")
    code, out, _ = run_cli(capsys, "critical", "abs(x - y)", "--json")
    assert json.loads(out)["kinks_left_out"] == "too many places to try"


def test_descend_one_step_of_the_seed_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "descend", "(5 - w1 - 2w2)^2", "--start", "w1=1,w2=1", "--lr", "0.1",
                           "--steps", "1", "--json")
    assert code == 0
    document = json.loads(out)
    assert document["variables"] == ["w1", "w2"]
    assert document["steps"][0]["gradient"] == {"w1": pytest.approx(-4), "w2": pytest.approx(-8)}
    assert document["steps"][1]["point"] == {"w1": pytest.approx(1.4), "w2": pytest.approx(1.8)}
    assert [step["k"] for step in document["steps"]] == [0, 1]
    assert document["steps"][1]["gradient"] == {"w1": pytest.approx(0), "w2": pytest.approx(0)}
    assert document["stop_reason"] == "converged"  # (1.4, 1.8) lies on the valley floor 5 = w1 + 2 w2
    assert document["message"] == "converged at step 1 (|∇f| = 0 < 1e−6): a minimum"


def test_descend_prints_rounding_as_0_as_the_windows_step_table_does(capsys: pytest.CaptureFixture[str]) -> None:
    """One step of (3 − 2w − b)² from (0, 0) at η = 0.1 lands on the valley floor: the table printed f = 1.97215e−31
    and partials of 1.8e−15, rounding the window's step table shows as 0. Each step now reads as derive --at reads
    there (its values through the window's noise floor); JSON and CSV keep the numbers as computed."""
    one_step = ["(3 - 2w - b)^2", "--start", "w=0,b=0", "--lr", "0.1", "--steps", "1"]
    code, out, _ = run_cli(capsys, "descend", *one_step)
    lines = out.splitlines()
    assert code == 0 and lines[2].split() == ["1", "1.2", "0.6", "0", "0", "0"], out
    assert lines[-1] == "stop: converged at step 1 (|∇f| = 0 < 1e−6): a minimum"
    document = json.loads(run_cli(capsys, "descend", *one_step, "--json")[1])
    landed = document["steps"][1]
    assert 0.0 < landed["value"] < 1e-30 and 0.0 < landed["gradient"]["w"] < 1e-14
    assert document["message"] == lines[-1].removeprefix("stop: ")  # in words, as the window's readout says it
    assert 0.0 < float(run_cli(capsys, "descend", *one_step, "--csv")[1].splitlines()[2].split(",")[3]) < 1e-30
    for formula, start, more in (("(3 - 2w - b)^2", "w=0,b=0", ["--lr", "0.1", "--steps", "3"]),
                                 ("(0.7x - 7.7)^2 + y^2", "x=0,y=0", ["--lr", "1.0204081632653061"]),  # to x = 11
                                 ("(0.1x + 0.2y - 0.3)^2 * z", "x=0,y=0,z=5", ["--lr", "2"])):  # z moves too
        table = run_cli(capsys, "descend", formula, "--start", start, *more)[1].splitlines()[1:-1]
        steps = json.loads(run_cli(capsys, "descend", formula, "--start", start, *more, "--json")[1])["steps"]
        for row, step in zip(table, steps, strict=True):
            at = ",".join(f"{name}={value!r}" for name, value in step["point"].items())
            derived = run_cli(capsys, "derive", formula, "--at", at)[1].splitlines()
            read = [line.partition(" = ")[2] for line in derived[-len(step["point"]) - 2:-1]]  # f and its partials
            assert row.split()[len(step["point"]) + 1:] == read, (formula, row, derived)
        assert table[-1].split()[len(steps[-1]["point"]) + 1] == "0" != steps[-1]["value"], (formula, table)


def test_descend_on_the_crease_of_max_goes_on_downhill(capsys: pytest.CaptureFixture[str]) -> None:
    """max(x, y) has no minimum, but its ∇f was (0, 0) on the crease x = y: this run 'converged at step 2
    (|∇f| = 0 < 1e−6)' at (0.5, 0.5). There the slope is now x's, typed first: the run steps on down the crease."""
    code, out, _ = run_cli(capsys, "descend", "max(x, y)", "--start", "x=1,y=0.5", "--lr", "0.25")
    assert code == 0
    lines = out.splitlines()
    assert lines[3].split() == ["2", "0.5", "0.5", "0.5", "1", "0"]  # on the crease: ∂f/∂x = 1, ∂f/∂y = 0
    assert lines[4].split() == ["3", "0.25", "0.5", "0.5", "0", "1"]
    assert "converged" not in out and lines[-1] == "stop: reached the step budget (20 steps)"


def test_descend_wrong_sign_walks_uphill(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "descend", "(w-3)^2", "--start", "w=0", "--lr", "0.1", "--steps", "3",
                           "--sign", "wrong", "--json")
    assert code == 0
    steps = json.loads(out)["steps"]
    assert [s["point"]["w"] for s in steps[1:]] == pytest.approx([-0.6, -1.32, -2.184])
    losses = [s["value"] for s in steps]
    assert losses == sorted(losses) and losses[-1] > losses[0]


def test_descend_text_is_an_aligned_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "descend", "(w-3)^2", "--start", "w=0", "--steps", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["k", "w"]
    assert len({len(line) for line in lines[:5]}) == 1
    assert "1.464" in out
    assert lines[-1].startswith("stop:")


def test_descend_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "descend", "(w-3)^2", "--start", "w=0", "--steps", "2", "--csv")
    assert code == 0
    rows = [line.split(",") for line in out.strip().splitlines()]
    assert rows[0][:2] == ["k", "w"]
    assert float(rows[3][1]) == pytest.approx(1.08)


def test_descend_holds_the_variables_given_to_hold_as_the_app_does(capsys: pytest.CaptureFixture[str]) -> None:
    formula = "x^2 + 2y^2 + 3z^2 - 4z + xz"
    code, out, _ = run_cli(capsys, "descend", formula, "--start", "x=1,y=2", "--hold", "z=1", "--steps", "1",
                           "--json")
    document = json.loads(out)
    assert (document["variables"], document["held"]) == (["x", "y"], {"z": 1.0})
    # ∂f/∂x = 2x + z = 3 and ∂f/∂y = 4y = 8 at (1, 2, 1): one step of η = 0.1 to (0.7, 1.2), z still 1
    assert document["steps"][0]["gradient"] == {"x": pytest.approx(3), "y": pytest.approx(8)}
    assert document["steps"][1]["point"] == {"x": pytest.approx(0.7), "y": pytest.approx(1.2)}
    assert document["steps"][1]["value"] == pytest.approx(0.49 + 2 * 1.44 + 3 - 4 + 0.7)
    code, out, _ = run_cli(capsys, "descend", formula, "--start", "x=1,y=2", "--hold", "z=1", "--steps", "1")
    assert out.splitlines()[0] == "z = 1 held" and out.splitlines()[1].split() == ["k", "x", "y", "f", "∂f/∂x",
                                                                                    "∂f/∂y"]
    code, out, _ = run_cli(capsys, "descend", formula, "--start", "x=1,y=2", "--hold", "z=1", "--steps", "1", "--csv")
    assert out.splitlines()[:2] == ["k,x,y,z,f,df/dx,df/dy", "0,1.0,2.0,1.0,9.0,3.0,8.0"]
    code, out, _ = run_cli(capsys, "descend", formula, "--start", "x=1,y=2,z=1", "--steps", "1", "--json")
    assert code == 0 and json.loads(out)["steps"][1]["point"]["z"] == pytest.approx(0.7)  # without --hold z moves


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["descend", "x y z", "--start", "x=1,y=1,z=1", "--hold", "z=2"], "z is held by --hold; give its value there"),
        (["descend", "x y z", "--start", "x=1", "--hold", "z=2"], "give a value for y"),
        (["descend", "x y", "--start", "x=1", "--hold", "x=1,y=1"], "holds every variable"),
        (["descend", "x y", "--start", "x=1", "--hold", "q=1"], "--hold: 'q' is not a variable"),
    ],
)
def test_descend_hold_is_checked(capsys: pytest.CaptureFixture[str], args: list[str], fragment: str) -> None:
    code, _, err = run_cli(capsys, *args)
    assert code == 2 and fragment in err


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov", "rmsprop"])
def test_descend_takes_momentum_for_the_optimizers_that_have_it(capsys, optimizer: str) -> None:
    """--momentum changes the run of each optimizer with a momentum setting (it is refused for the others)."""
    points = []
    for momentum in ([], ["--momentum", "0.5"]):
        code, out, _ = run_cli(capsys, "descend", "x^2+y^2", "--start", "x=1,y=2", "--steps", "3", "--json",
                               "--optimizer", optimizer, *momentum)
        assert code == 0
        points.append(json.loads(out)["steps"][-1]["point"])
    assert points[0] != points[1]


def test_derive_writes_a_logarithm_to_a_base_as_typed(capsys: pytest.CaptureFixture[str]) -> None:
    """log10(x y) printed f(x, y) = ln(xy)/ln(10), in LaTeX \\frac{\\ln{…}}{\\ln{…}}."""
    code, out, _ = run_cli(capsys, "derive", "log10(x y) + log2(y)")
    assert code == 0 and out.splitlines() == ["f(x, y) = log₁₀(xy) + log₂(y)", "∂f/∂x = 1/(x·ln(10))",
                                              "∂f/∂y = 1/(y·ln(10)) + 1/(y·ln(2))"]
    code, out, _ = run_cli(capsys, "derive", "log10(x y) + log2(y)", "--latex")
    assert code == 0 and out.splitlines()[0] == r"f(x, y) = \log_{10}{\left(x y \right)} + \log_{2}{\left(y \right)}"


def test_derive_writes_numbers_typed_in_scientific_notation_with_powers_of_ten(capsys) -> None:
    """1e10 x^2 + 1e-10 y^2 printed f(x, y) = 10000000000x² + y²/10000000000 and ∂f/∂x = 20000000000x."""
    code, out, _ = run_cli(capsys, "derive", "1e10 x^2 + 1e-10 y^2")
    assert code == 0 and out.splitlines() == ["f(x, y) = 10¹⁰x² + 10⁻¹⁰y²", "∂f/∂x = 2·10¹⁰x", "∂f/∂y = 2·10⁻¹⁰y"]
    code, out, _ = run_cli(capsys, "derive", "1e10 x^2 + 1e-10 y^2", "--latex")
    assert code == 0 and out.splitlines()[1] == r"\frac{\partial f}{\partial x} = 2 \cdot 10^{10} x"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["derive", "sinx"], "sin(x)"),
        (["derive", "x^2 +"], "needs something after"),
        (["derive", "__import__('os')"], ""),
        (["derive", "x^2", "--at", "y=1"], "'y' is not a variable"),
        (["derive", "x^2", "--at", "x=abc"], "not a number"),
        (["derive", "x^2", "--at", "x=1", "--latex"], "leave out --at"),
        (["derive", "x^2", "--json", "--latex"], "not allowed with"),
        (["descend", "(w-3)^2", "--start", "w=0", "--lr", "-1"], "learning rate"),
        (["descend", "(w-3)^2", "--start", "q=0"], "'q' is not a variable"),
        (["derive", "x^2", "--at", "x=1_000"], "'1_000' is not a number"),  # Python's float took it, a formula not
        (["descend", "(w-3)^2"], "--start"),
        (["descend", "x^2", "--start", "x=1", "--optimizer", "sgd"], "invalid choice"),
        # an option the optimizer has no setting for was taken without a word: a plain descent ran
        (["descend", "x^2+y^2", "--start", "x=1,y=2", "--steps", "3", "--momentum", "0.5"],
         "--momentum is a setting of the momentum, nesterov and rmsprop optimizers, not of gd: choose one of them with "
         "--optimizer, or leave --momentum out"),
        (["descend", "x^2+y^2", "--start", "x=1,y=2", "--optimizer", "adam", "--momentum", "0.5"], "not of adam:"),
        (["descend", "x^2+y^2", "--start", "x=1", "--optimizer", "newton", "--momentum", "0.5"], "not of newton:"),
        (["critical", "x^2", "--within", "0"], "--within must be between 0.001 and 1000000, not 0"),
        (["critical", "x^2+y^2", "--within", "1e300"], "--within must be between 0.001 and 1000000, not 1e300"),
        (["critical", "x^2+y^2", "--within", "1e-300"], "not 1e−300"),
        (["critical", "x^2+y^2", "--within", "nan"], "not nan"),
        (["critical", "x^2", "--grid", "5"], "between 20 and 1000"),
        (["critical", "x + y", "--hold", "x=1,y=2"], "leave one or two free"),
        (["critical", "x + y", "--hold", "z=1"], "'z' is not a variable"),
        (["frobnicate"], ""),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], args: list[str], fragment: str) -> None:
    code, out, err = run_cli(capsys, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert fragment.lower() in err.lower()


def test_presets_lists_the_gallery(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "presets", "--json")
    assert code == 0
    ids = [entry["id"] for entry in json.loads(out)]
    assert {"two-weight-loss", "rosenbrock", "wrong-sign", "double-well"} <= set(ids)


def test_module_entry_point_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "gradviz", "derive", "x^2 + 3y", "--at", "x=2,y=1", "--json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["gradient"] == {"x": 4.0, "y": 3.0}


@pytest.mark.parametrize("args", [["derive", "-x^2"], ["derive", "--", "-x^2"], ["derive", "-x^2", "--at", "x=-1"],
                                  ["critical", "-x^2-y^2", "--within", "2"], ["derive", "--at", "x=1", "--", "-x^2"],
                                  ["derive", "--", "-x^2", "--at", "x=1"],
                                  ["critical", "--", "-x^2-y^2", "--within", "2"]])
def test_a_formula_may_start_with_a_minus(capsys, args) -> None:
    """'--' before the formula: the options after it were refused ("unrecognized arguments: --at x=1")."""
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "−x²" in out or "of -x^2-y^2 for x, y in [−2, 2]" in out
    assert "--at" not in args or "  f = −1" in out.splitlines()


def help_text(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """What gradviz ARGS --help prints (it exits 0)."""
    with pytest.raises(SystemExit) as exit_status:
        main([*args, "--help"])
    assert exit_status.value.code == 0
    return capsys.readouterr().out


def test_the_help_lists_every_command_and_each_command_says_what_it_does(capsys: pytest.CaptureFixture[str]) -> None:
    """gradviz --help named the commands in a run-on line; a command's own help said nothing of what it does, and
    descend's formula, its --optimizer and presets' --json had no word of help."""
    from gradviz.cli import COMMANDS, _command_parser

    listing = help_text(capsys).split("commands (gradviz COMMAND --help for each):\n")[1].splitlines()
    assert [line.split()[0] for line in listing] == list(COMMANDS)
    assert all(line.endswith(COMMANDS[line.split()[0]]) and len(line) <= 80 for line in listing)
    for name, parser in _command_parser().commands.items():
        text = help_text(capsys, name)
        assert " ".join(text.split("\n\n")[1].split()) == parser.description and parser.description[0].isupper()
        unexplained = [action.dest for action in parser._actions if not action.help]  # argparse keeps them only there
        assert unexplained == [], name
    assert "--optimizer NAME      the update rule: gd, momentum" in help_text(capsys, "descend")


def test_the_gradient_shown_on_converging_reads_below_the_tolerance(capsys) -> None:
    """|∇f| = 9.9996e-7 at step 1 was shown as '1e-6 < 1e-6'."""
    assert main(["descend", "x^2", "--start", "x=9.9996e-7", "--lr", "0.25"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "stop: converged at step 1 (|∇f| = 9.9996e−7 < 1e−6): a minimum"


def test_output_read_only_in_part_ends_quietly() -> None:
    """`gradviz descend … | head -1` printed a BrokenPipeError traceback."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "gradviz", "descend", "x^2", "--start", "x=1", "--lr", "1e-4", "--steps", "5000"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline().split()[:2] == [b"k", b"x"]
    process.stdout.close()  # the reader goes, as head does, while 5000 rows are still to come
    _, err = process.communicate(timeout=60)
    assert process.returncode == 141 and b"Traceback" not in err, err


_COMMAND_SCRIPT = """
import sys
import gradviz.core.analysis
from gradviz.cli import main

def no_worker(*_args):
    raise AssertionError("the command started a symbolic worker")

gradviz.core.analysis.SymbolicWorker.__init__ = no_worker
code = main()
print("the command's process imported:", *(name for name in ("sympy", "numpy") if name in sys.modules), file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.parametrize(("args", "expected"), [
    (["derive", "x^2 + 3y", "--at", "x=2,y=1"], "  |∇f| = 5"),
    (["critical", "x^4 - 3.4x^2 + 0.5x"], "Found 2 minima and a maximum: where ∇f = 0."),
    (["descend", "(w-3)^2", "--start", "w=0", "--steps", "3"], "stop: reached the step budget (3 steps)"),
])
def test_a_command_analyses_in_one_child_and_its_own_process_never_imports_sympy(args, expected) -> None:
    """SymPy was imported twice: by the worker, and by the command's process for the SymPy expressions it answers."""
    result = subprocess.run([sys.executable, "-c", _COMMAND_SCRIPT, *args], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == expected
    assert result.stderr == "the command's process imported:\n"


SLOW_FORMULA = "^".join(["x", "y"] * 19) + " + " + "^".join(["y", "(x+1)"] * 15)  # minutes of SymPy's work


def test_a_formula_over_the_time_limit_ends_the_command_with_one_line() -> None:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "gradviz", "derive", SLOW_FORMULA], capture_output=True, text=True,
                            timeout=120, check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("gradviz: this formula takes too long to differentiate (over 3 s); "
                             "try a shorter or simpler one\n")
    assert time.perf_counter() - started < 60.0


def test_ctrl_c_while_a_formula_is_analysed_ends_the_command_quietly() -> None:
    """The terminal signals the command's process and its child; the child stops within SymPy's work."""
    with subprocess.Popen([sys.executable, "-m", "gradviz", "derive", SLOW_FORMULA], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, start_new_session=True) as process:
        time.sleep(1.0)
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (130, "", "")
