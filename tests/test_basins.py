"""Basins: every start of a grid stepped at once with a run's own rule, grouped by where it ends."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.core.analysis import analyze_in_process
from gradviz.core.basins import (
    DIVERGED,
    MAP_STARTS,
    MOST_STEPS,
    UNDEFINED,
    UNSETTLED,
    Basins,
    basins,
    basins_summary,
    finer_ends,
)
from gradviz.core.descent import OptimizerSettings, RunSettings, many_starts_update, run_descent
from gradviz.core.grid import Domain
from gradviz.core.scenario import RunSpec


def basins_of(text: str, half_width: float = 3.0, **spec: object) -> Basins:
    """The basins of a formula over [-half_width, half_width] in each variable, run 1 as spec says."""
    analysis = analyze_in_process(text)
    variables = analysis.formula.variables
    domain = Domain(variables, tuple((-half_width, half_width) for _ in variables), 200)
    return basins(analysis.compiled, domain, RunSpec(start=dict.fromkeys(variables, 0.0), **spec), time_limit=30.0)


def test_the_hump_between_two_minima_splits_the_starts() -> None:
    """x⁴ − 3.4x² + 0.5x: starts left of the hump's top (x ≈ 0.074) roll into the deeper minimum, the rest right."""
    found = basins_of("x^4 - 3.4x^2 + 0.5x", 2.5, lr=0.02)
    deeper, shallower = found.attractors
    assert deeper.point[0] == pytest.approx(-1.3392, abs=1e-3) and shallower.point[0] == pytest.approx(1.2654, abs=1e-3)
    assert deeper.value < shallower.value and deeper.kind == shallower.kind == "a minimum"
    (starts,) = found.axes
    assert np.all(found.ends[starts < 0.07] == 0) and np.all(found.ends[starts > 0.08] == 1)
    assert basins_summary(found) == "Where descent from each start ends: 2 minima (52%, 48%)."


def test_a_large_step_leaps_the_hump() -> None:
    """With η = 0.12 a start at x = 2 leaps to the deeper side (the two-minima lesson's last scene)."""
    (starts,) = basins_of("x^4 - 3.4x^2 + 0.5x", 2.5, lr=0.12).axes
    leaping = basins_of("x^4 - 3.4x^2 + 0.5x", 2.5, lr=0.12)
    near_two = np.argmin(np.abs(starts - 2.0))
    assert leaping.attractors[leaping.ends[near_two]].point[0] == pytest.approx(-1.3392, abs=1e-3)


def test_himmelblau_has_four_basins_of_about_a_quarter_each() -> None:
    found = basins_of("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", 5.0, lr=0.01)
    assert found.ends.shape == (MAP_STARTS, MAP_STARTS) and not found.refusal
    assert len(found.attractors) == 4 and all(attractor.kind == "a minimum" for attractor in found.attractors)
    assert all(0.2 < attractor.share < 0.3 for attractor in found.attractors)
    assert sorted(np.round(attractor.point, 3).tolist() for attractor in found.attractors)[-2] == [3.0, 2.0]


@pytest.mark.parametrize(("text", "spec"), [("x^2 + y^2", {}), ("x^2 + y^2", {"lr": 0.02}), ("x^2", {}),
                                          ("x^2 + 10y^2", {"lr": 0.05, "optimizer": "momentum"})])
def test_a_minimum_at_0_is_found_at_0_not_where_the_runs_stopped_about_it(text: str, spec: dict) -> None:
    """The bowl's basins legend read "min (−6.11e−23, 9.81e−8)": where its runs, each stopping once |∇f| < 1e−6, ended
    on average. Nearer 0 than such runs can tell (1e−6 over f's least curvature there) a coordinate is 0."""
    (minimum,) = basins_of(text, **spec).attractors
    assert minimum.point == (0.0,) * len(minimum.point)


def test_a_minimum_off_0_keeps_its_coordinates() -> None:
    (minimum,) = basins_of("(x - 1)^2 + (y + 5e-6)^2").attractors
    assert minimum.point == pytest.approx((1.0, -5e-6), abs=1e-6) and minimum.point[1] != 0.0


def test_the_wrong_sign_sends_every_start_away_and_a_saddle_sends_all_but_its_line() -> None:
    assert basins_of("x^2 + y^2", sign="wrong").share(DIVERGED) == 1.0
    saddle = basins_of("x^2 - y^2")
    assert saddle.attractors == () and saddle.share(DIVERGED) == 1.0  # no start of the grid lies on y = 0


def test_starts_where_f_is_undefined_and_starts_still_moving() -> None:
    disk = basins_of("-sqrt(1 - x^2 - y^2)", 1.2, lr=0.05)
    assert 0.3 < disk.share(UNDEFINED) < 0.6
    crawling = basins_of("x^2 + y^2", lr=1e-5)
    assert crawling.share(UNSETTLED) == 1.0 and crawling.steps == MOST_STEPS
    assert "moving after 5000 steps 100%" in basins_summary(crawling)


@pytest.mark.parametrize(
    ("text", "spec", "reason"),
    [
        ("x^2 + y^2", {"optimizer": "newton"},
         "Newton's method solves each step with its point's own Hessian, not for many starts at once"),
        ("(5 - x - 2y)^2", {"lr": 0.02}, "runs end all along a line here (a valley floor), not in basins"),
    ],
)
def test_basins_that_cannot_be_drawn_say_why(text: str, spec: dict, reason: str) -> None:
    found = basins_of(text, **spec)
    assert found.refusal == reason and found.attractors == ()
    assert basins_summary(found) == f"No basins: {reason}."


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("gd", {}),
        ("momentum", {}),
        ("nesterov", {"weight_decay": 0.01}),
        ("adagrad", {"lr_decay": 0.01}),
        ("rmsprop", {"centered": True, "momentum": 0.5}),
        ("adam", {"amsgrad": True}),
    ],
)
def test_many_starts_take_each_run_s_own_steps_bit_for_bit(name: str, options: dict) -> None:
    """Stepped together as arrays, two starts follow exactly the points their own runs take."""
    compiled = analyze_in_process("(x^2 + y - 11)^2 + (x + y^2 - 7)^2").compiled
    settings = OptimizerSettings(name=name, lr=0.005, **options)
    starts = [(0.5, -1.0), (-2.0, 2.5)]
    runs = [run_descent(compiled, RunSettings(start, settings, max_steps=30)) for start in starts]
    update = many_starts_update(settings, 2)
    point = [np.array([start[axis] for start in starts]) for axis in range(2)]
    for k in range(30):
        for index, run in enumerate(runs):
            assert (point[0][index], point[1][index]) == run.steps[k].point
        _, gradient = compiled.evaluate(point)
        point = [coordinate + move for coordinate, move in zip(point, update(list(gradient), point), strict=True)]


def test_finer_ends_keep_every_start_and_smooth_a_diagonal_border() -> None:
    rng = np.random.default_rng(3)
    ends = rng.integers(-3, 5, size=(12, 17))
    finer = finer_ends(ends, 4)
    assert finer.shape == (48, 68)
    assert np.array_equal(finer[1::4, 1::4], ends) and np.array_equal(finer[2::4, 2::4], ends)  # around each start

    rows, columns = np.indices((40, 40))
    below = np.where(rows > columns, 0, 1)  # a diagonal border, as a staircase of whole cells
    for fine, most_jump in ((finer_ends(below, 4), 2), (np.kron(below, np.ones((4, 4), dtype=int)), 4)):
        border = np.argmax(fine[8:-8] == 1, axis=1)  # along each fine row: where it turns from 0 to 1
        assert np.max(np.diff(border)) == most_jump  # about one fine cell a row, not a step of four every fourth


def test_the_basins_legend_s_short_form_still_names_each_minimum_s_place() -> None:
    """Short of room, Himmelblau's legend read "min" four times: which colour was which minimum it no longer said."""
    from gradviz.app.presenters import basins_legend

    found = basins_of("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", 5.0, lr=0.01)
    rows = basins_legend(found, ("x", "y"), RunSpec(start={"x": 0.0, "y": 0.0}, lr=0.01))
    shorts = {row.short for row in rows if not row.note}
    assert shorts == {"min (3, 2)", "min (3.6, −1.8)", "min (−3.8, −3.3)", "min (−2.8, 3.1)"}
    assert all(len(row.short) < len(row.text) for row in rows if not row.note and row.text != row.short)
