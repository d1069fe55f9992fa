"""The descent engine: seed examples, PyTorch agreement, Newton, stopping, divergence, validation, exact numbers."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from gradviz.core.analysis import analyze_in_process
from gradviz.core.descent import (
    OPTIMIZER_NAMES,
    OPTIMIZER_PARAMETERS,
    DescentInProgress,
    Objective,
    OptimizerSettings,
    Run,
    RunSettings,
    Step,
    converged_kind,
    replay_optimizer,
    run_descent,
    stability_limit,
)
from gradviz.core.errors import DescentError
from gradviz.core.notation import MINUS
from gradviz.core.runs import SliceObjective, compute_run
from gradviz.core.scenario import RunSpec

REFERENCE_FILE = Path(__file__).parent / "data" / "torch_reference.json"
TORCH_AGREEMENT = 1e-10  # relative to max(|coordinate|, 1)


@dataclass(frozen=True)
class HandObjective:
    """A test objective from hand-written numpy formulas for f, ∇f and the Hessian."""

    variables: tuple[str, ...]
    value: Callable[[np.ndarray], float]
    gradient: Callable[[np.ndarray], list[float]]
    second_derivatives: Callable[[np.ndarray], list[list[float]]]

    def value_and_gradient(self, point: np.ndarray) -> tuple[float, np.ndarray]:
        """f and ∇f at the point."""
        return float(self.value(point)), np.array(self.gradient(point), dtype=float)

    def hessian(self, point: np.ndarray) -> np.ndarray:
        """The Hessian at the point."""
        return np.array(self.second_derivatives(point), dtype=float)


def quadratic(matrix: list[list[float]], linear: list[float], constant: float = 0.0) -> HandObjective:
    """f(w) = ½ wᵀAw + bᵀw + c in two or more variables."""
    a, b = np.array(matrix, dtype=float), np.array(linear, dtype=float)
    return HandObjective(
        tuple(f"w{i + 1}" for i in range(len(b))),
        lambda w: 0.5 * w @ a @ w + b @ w + constant,
        lambda w: a @ w + b,
        lambda w: a,
    )


def rosenbrock_gradient(w: np.ndarray) -> list[float]:
    """∇ of (1 − x)² + 100(y − x²)²."""
    x, y = w
    return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]


BOWL = HandObjective(
    ("x", "y"),
    lambda w: 0.5 * (w[0] ** 2 + 10 * w[1] ** 2),
    lambda w: [w[0], 10 * w[1]],
    lambda w: [[1.0, 0.0], [0.0, 10.0]],
)
ROSENBROCK = HandObjective(
    ("x", "y"),
    lambda w: (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2,
    rosenbrock_gradient,
    lambda w: [[2 - 400 * w[1] + 1200 * w[0] ** 2, -400 * w[0]], [-400 * w[0], 200.0]],
)
RESIDUAL = HandObjective(  # (5 − w1 − 2·w2)²
    ("w1", "w2"),
    lambda w: (5 - w[0] - 2 * w[1]) ** 2,
    lambda w: [-2 * (5 - w[0] - 2 * w[1]), -4 * (5 - w[0] - 2 * w[1])],
    lambda w: [[2.0, 4.0], [4.0, 8.0]],
)
SHIFTED_PARABOLA = HandObjective(  # (w − 3)²
    ("w",), lambda w: (w[0] - 3) ** 2, lambda w: [2 * (w[0] - 3)], lambda w: [[2.0]]
)
TWO_TARGETS = HandObjective(  # (w1 − 3)² + (w2 + 1)²
    ("w1", "w2"),
    lambda w: (w[0] - 3) ** 2 + (w[1] + 1) ** 2,
    lambda w: [2 * (w[0] - 3), 2 * (w[1] + 1)],
    lambda w: [[2.0, 0.0], [0.0, 2.0]],
)
REFERENCE_OBJECTIVES = {"bowl": BOWL, "rosenbrock": ROSENBROCK, "residual": RESIDUAL}


def descend(objective: HandObjective, start: tuple[float, ...], **options: object) -> Run:
    """Run with OptimizerSettings options; max_steps, tolerance and divergence_bound go to RunSettings."""
    run_options = {
        key: options.pop(key) for key in ("max_steps", "tolerance", "divergence_bound") if key in options
    }
    return run_descent(objective, RunSettings(start, OptimizerSettings(**options), **run_options))  # type: ignore[arg-type]


def assert_all_finite(run: Run) -> None:
    """No NaN or infinity anywhere in the run's records."""
    for step in run.steps:
        numbers = [*step.point, step.value, *step.gradient, *(step.update or ())]
        assert all(math.isfinite(number) for number in numbers), step


# --- the seeds' worked examples ---------------------------------------------------------------------


def test_one_step_on_the_residual_lands_on_1_4_and_1_8() -> None:
    run = descend(RESIDUAL, (1.0, 1.0), lr=0.1, max_steps=1)
    assert run.steps[0].value == 4.0
    assert run.steps[0].gradient == (-4.0, -8.0)
    assert run.steps[0].update == pytest.approx((0.4, 0.8))
    assert run.steps[1].point == pytest.approx((1.4, 1.8))


@pytest.mark.parametrize(
    ("sign", "points", "values"),
    [
        ("correct", [0.6, 1.08, 1.464], [9.0, 5.76, 3.6864, 2.359296]),
        ("wrong", [-0.6, -1.32, -2.184], [9.0, 12.96, 18.6624, 26.873856]),
    ],
)
def test_three_steps_on_w_minus_3_squared(sign: str, points: list[float], values: list[float]) -> None:
    run = descend(SHIFTED_PARABOLA, (0.0,), lr=0.1, sign=sign, max_steps=3)
    assert [step.point[0] for step in run.steps[1:]] == pytest.approx(points)
    assert [step.value for step in run.steps] == pytest.approx(values)
    assert run.stop_reason == "max_steps"
    assert run.message == "reached the step budget (3 steps)"


def test_wrong_sign_plain_gd_is_exactly_w_plus_lr_times_gradient() -> None:
    run = descend(ROSENBROCK, (-1.5, 2.0), lr=1e-4, sign="wrong", max_steps=5)
    for step, following in zip(run.steps, run.steps[1:], strict=False):
        expected = np.array(step.point) + 1e-4 * np.array(step.gradient)
        assert following.point == tuple(expected)


@pytest.mark.parametrize("sign", ["correct", "wrong"])
def test_plain_gd_updates_are_exactly_those_of_its_update_rule(sign: str) -> None:
    """Plain gradient descent takes its updates without the update rule; they are the rule's, bit for bit."""
    run = descend(ROSENBROCK, (-1.5, 2.0), lr=1e-3, sign=sign, max_steps=200)
    points = np.array([step.point for step in run.steps[:-1]])
    fed = np.array([step.gradient for step in run.steps[:-1]]) * (-1.0 if sign == "wrong" else 1.0)
    replayed = [state.update for state in replay_optimizer(OptimizerSettings(lr=1e-3), points, fed)]
    assert len(replayed) == len(run.steps) - 1 >= 5
    taken = [np.array(step.update) for step in run.steps[:-1]]
    assert all(mine.tobytes() == theirs.tobytes() for mine, theirs in zip(taken, replayed, strict=True))


class WithoutPlaneFunction:
    """A compiled formula seen without its float_function: descent then takes every step in its general loop."""

    def __init__(self, compiled: object) -> None:
        self._compiled = compiled
        self.variables = compiled.variables  # type: ignore[attr-defined]
        self.value_and_gradient = compiled.value_and_gradient  # type: ignore[attr-defined]
        self.value_and_gradient_floats = compiled.value_and_gradient_floats  # type: ignore[attr-defined]
        self.hessian = compiled.hessian  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("formula", "start", "options"),
    [
        ("(1 - x)^2 + 100(y - x^2)^2", (-1.5, 2.0), {"lr": 1e-3, "max_steps": 2500}),  # pauses at 1024 and 2048
        ("x^2 + 10y^2", (2.0, 1.0), {"lr": 0.05, "max_steps": 5000}),  # converges
        ("x^2 + 10y^2", (2.0, 1.0), {"lr": 0.05, "sign": "wrong", "max_steps": 5000}),  # runs off beyond the bound
        ("x^2 + 10y^2", (2.0, 1.0), {"lr": 0.25, "max_steps": 5000}),  # too large a rate: diverges
        ("x + 2y", (0.0, 0.0), {"lr": 0.5, "max_steps": 30}),  # integer partials
        ("2^x + y^2", (1.0, 1.0), {"lr": 0.5, "sign": "wrong", "max_steps": 500,
                                   "divergence_bound": 1e300}),  # Python's power overflows: NumPy's inf
        ("log(x) + y^2", (0.5, 1.0), {"lr": 0.05, "max_steps": 100}),  # steps to x < 0, where f is undefined
        ("sin(x) cos(y)", (0.3, 0.2), {"lr": 0.1, "max_steps": 1100, "tolerance": 0.0}),  # NumPy's sin on floats
    ],
)
def test_plain_steps_in_a_plane_are_those_of_the_general_loop(formula: str, start: tuple[float, float],
                                                              options: dict) -> None:
    """Plain descent in two variables takes its usual steps in a faster loop: the same steps, bit for bit."""
    compiled = analyze_in_process(formula).compiled
    assert compiled.float_function is not None
    fast = descend(compiled, start, **dict(options))  # type: ignore[arg-type]
    general = descend(WithoutPlaneFunction(compiled), start, **dict(options))  # type: ignore[arg-type]
    assert (fast.stop_reason, fast.message) == (general.stop_reason, general.message)
    assert len(fast.steps) == len(general.steps) >= 3
    for mine, theirs in zip(fast.steps, general.steps, strict=True):
        assert repr(mine) == repr(theirs)  # repr tells 0.0 from -0.0 and shows every digit
        assert all(type(number) is float for number in (*mine.point, mine.value, *mine.gradient))


def test_plain_steps_in_a_plane_keep_the_steps_of_a_stopped_run() -> None:
    """A run stopped at a pause keeps the steps taken, as the general loop does."""
    compiled = analyze_in_process("(1 - x)^2 + 100(y - x^2)^2").compiled
    settings = RunSettings((-1.5, 2.0), OptimizerSettings(lr=1e-3), max_steps=5000)
    runs = []
    for objective in (compiled, WithoutPlaneFunction(compiled)):
        descent = DescentInProgress(objective, settings)  # type: ignore[arg-type]
        assert descent.advance() is None
        runs.append(descent.advance(stop=True))
    assert runs[0] == runs[1]
    assert len(runs[0].steps) == 1025 and runs[0].stop_reason == "max_steps"


def test_two_targets_follow_the_closed_form() -> None:
    # Each coordinate closes 20 % of its gap per step: w_k = target · (1 − 0.8^k).
    run = descend(TWO_TARGETS, (0.0, 0.0), lr=0.1, max_steps=10)
    assert run.steps[1].point == pytest.approx((0.6, -0.2))
    for step in run.steps:
        assert step.point == pytest.approx((3 * (1 - 0.8**step.k), -(1 - 0.8**step.k)))


# --- agreement with PyTorch ---------------------------------------------------------------------------


def load_reference() -> dict:
    """The recorded torch trajectories."""
    with REFERENCE_FILE.open(encoding="utf-8") as file:
        return json.load(file)


REFERENCE = load_reference()


def case_id(case: dict) -> str:
    """A readable test id for a reference case."""
    settings = case["optimizer"]
    extras = ",".join(
        f"{key}={value}" for key, value in settings.items() if key not in ("name", "lr", "sign")
    )
    return f"{case['function']}-{settings['name']}-{settings['sign']}-{extras or 'defaults'}"


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=case_id)
def test_matches_torch(case: dict) -> None:
    function = REFERENCE["functions"][case["function"]]
    settings = RunSettings(
        tuple(function["start"]),
        OptimizerSettings(**case["optimizer"]),
        max_steps=REFERENCE["steps"],
        tolerance=0.0,
        divergence_bound=REFERENCE["divergence_bound"],
    )
    run = run_descent(REFERENCE_OBJECTIVES[case["function"]], settings)
    expected = np.array(case["points"])
    assert run.points.shape == expected.shape
    deviation = np.abs(run.points - expected) / np.maximum(np.abs(expected), 1.0)
    assert deviation.max() < TORCH_AGREEMENT
    if case["diverged_at"] is None:
        assert run.stop_reason == "max_steps"
    else:
        assert run.stop_reason == "diverged"
        assert run.message.startswith(f"diverged after step {case['diverged_at'] - 1}:")  # step diverged_at not kept
        assert_all_finite(run)


def test_torch_reference_covers_every_torch_optimizer_with_both_signs() -> None:
    covered = {(case["optimizer"]["name"], case["optimizer"]["sign"]) for case in REFERENCE["cases"]}
    torch_optimizers = set(OPTIMIZER_NAMES) - {"newton"}
    assert covered == {(name, sign) for name in torch_optimizers for sign in ("correct", "wrong")}
    assert REFERENCE_FILE.stat().st_size < 200_000


# --- Newton's method -----------------------------------------------------------------------------------


def test_newton_reaches_a_quadratics_minimum_in_one_step() -> None:
    objective = quadratic([[3.0, 1.0], [1.0, 2.0]], [-1.0, 4.0])
    run = descend(objective, (5.0, -7.0), name="newton", lr=1.0)
    minimum = np.linalg.solve([[3.0, 1.0], [1.0, 2.0]], [1.0, -4.0])  # A·w = −b
    assert run.steps[1].point == pytest.approx(tuple(minimum))
    assert run.stop_reason == "converged"
    assert run.message.startswith("converged at step 1 (|∇f| = ")


def test_newton_step_on_rosenbrock_matches_cramers_rule() -> None:
    run = descend(ROSENBROCK, (-1.5, 2.0), name="newton", lr=0.5, max_steps=1)
    x, y = -1.5, 2.0
    (a, b), (c, d) = [[2 - 400 * y + 1200 * x * x, -400 * x], [-400 * x, 200.0]]
    g1, g2 = rosenbrock_gradient(np.array([x, y]))
    determinant = a * d - b * c
    solved = ((d * g1 - b * g2) / determinant, (a * g2 - c * g1) / determinant)
    assert run.steps[0].update == pytest.approx((-0.5 * solved[0], -0.5 * solved[1]))


@pytest.mark.parametrize(
    "objective",
    [
        HandObjective(
            ("x", "y"), lambda w: w[0] ** 2, lambda w: [2 * w[0], 0.0], lambda w: [[2.0, 0.0], [0.0, 0.0]]
        ),
        quadratic([[2.0, 2.0], [2.0, 2.0]], [0.0, 0.0]),  # (x + y)²
    ],
    ids=["x_squared_plus_zero_y", "x_plus_y_squared"],
)
def test_newton_stops_on_a_singular_hessian(objective: HandObjective) -> None:
    run = descend(objective, (1.0, 2.0), name="newton", lr=1.0)
    assert run.stop_reason == "singular_hessian"
    assert run.message.startswith("stopped at step 0: the Hessian is singular")
    assert len(run.steps) == 1
    assert run.final_step.update is None


def test_newton_stops_where_the_curvature_is_zero_but_for_rounding() -> None:
    """The sigmoid's curvature at 0 comes out 5.6e−17: its Newton step ran 4.5e15 away, "diverged" with no why."""
    run = formula_run("sigmoid(x)", (0.0,), optimizer="newton")
    assert run.stop_reason == "singular_hessian" and len(run.steps) == 1
    assert run.message.startswith("stopped at step 0: the Hessian is nearly singular there (eigenvalues 5.55e−17)")
    assert run.message.endswith("Newton's step H⁻¹∇f would be 4.5e15 long")
    assert formula_run("sigmoid(x)", (1.0,), optimizer="newton").stop_reason != "singular_hessian"


def test_newton_on_a_saddle_still_steps_and_says_so() -> None:
    saddle = quadratic([[2.0, 0.0], [0.0, -2.0]], [0.0, 0.0])
    run = descend(saddle, (1.0, 2.0), name="newton", lr=1.0)
    assert run.steps[1].point == pytest.approx((0.0, 0.0))
    assert run.stop_reason == "converged"
    assert len(run.notes) == 1
    assert "not positive definite" in run.notes[0]


# --- stopping and divergence -----------------------------------------------------------------------------


def test_converges_on_the_bowl_and_checks_before_stepping() -> None:
    run = descend(BOWL, (3.0, 1.0), lr=0.1, max_steps=1000)
    assert run.stop_reason == "converged"
    last, before = run.steps[-1], run.steps[-2]
    assert math.hypot(*last.gradient) < 1e-6 <= math.hypot(*before.gradient)
    assert run.message.startswith(f"converged at step {last.k} (|∇f| = ")
    assert run.message.endswith(" < 1e−6): a minimum")


def test_a_converged_runs_message_says_its_gradient_as_shown_and_keeps_the_rest() -> None:
    """|∇f| shown as 0 (rounding) is 0 in the message too; a run that did not converge keeps its message."""
    run = descend(BOWL, (3.0, 1.0), lr=0.1, max_steps=1000)
    gradient = run.final_step.gradient
    assert run.message_shown(gradient) == run.message
    assert run.message_shown((0.0, 0.0)) == f"converged at step {run.final_step.k} (|∇f| = 0 < 1e−6): a minimum"
    stopped = descend(BOWL, (3.0, 1.0), lr=0.1, max_steps=3)
    assert stopped.message_shown((0.0, 0.0)) == stopped.message


@pytest.mark.parametrize(
    ("formula", "start", "options", "found"),
    [
        ("x^2 - y^2", (1.0, 0.0), {}, " at a saddle point, not a minimum"),  # along the one way down that leads in
        ("-(x^2 + y^2)", (1.0, 1.0), {"sign": "wrong"}, " at a maximum"),  # the wrong sign climbs to the top
        ("x^3", (1.0,), {"max_steps": 100_000}, ")"),  # an inflection: its curvature vanishes, nothing is claimed
        ("(5 - w1 - 2w2)^2", (1.0, 1.0), {"lr": 0.02}, ": a minimum"),  # a valley floor: f close around it tells
    ],
)
def test_a_converged_run_says_what_it_found_when_the_hessian_tells(formula: str, start: tuple[float, ...],
                                                                    options: dict, found: str) -> None:
    run = descend(analyze_in_process(formula).compiled, start, **{"lr": 0.1, **options})
    assert run.stop_reason == "converged"
    assert run.message.endswith(found), run.message
    in_few_words = {" at a saddle point, not a minimum": "stopped at a saddle point", " at a maximum": "stopped at a "
                    "maximum"}
    assert run.outcome == in_few_words.get(found, "converged")
    assert run.message.startswith("stopped at step" if found in in_few_words else "converged at step")
    assert run.missed_minimum is (found in in_few_words)


@pytest.mark.parametrize(
    ("formula", "start", "message", "outcome"),
    [
        # ∇f = 0 at the start of xyz, whose Hessian is 0 there: it said "converged at step 0"
        ("x y z", (0.0, 0.0, 0.0), "stopped at step 0: ∇f = 0 at the start, a saddle point — move the start",
         "stopped at a saddle point"),
        ("x y z", (0.0, 0.0, 1.0), "stopped at step 0: ∇f = 0 at the start, a saddle point — move the start",
         "stopped at a saddle point"),  # curvatures 1, −1 and 0: a saddle, though one is flat
        ("-(x^2 + y^2)", (0.0, 0.0), "stopped at step 0: ∇f = 0 at the start, a maximum — move the start",
         "stopped at a maximum"),
        # flat Hessians: f close around the start tells (a student who starts at the minimum is not sent away)
        ("x^4 + y^4", (0.0, 0.0), "converged at step 0 (|∇f| = 0 < 1e−6): a minimum", "converged"),
        ("(5 - w1 - 2w2)^2", (1.0, 2.0), "converged at step 0 (|∇f| = 0 < 1e−6): a minimum", "converged"),  # a valley
        ("x^2 - y^4", (0.0, 0.0), "stopped at step 0: ∇f = 0 at the start, a saddle point — move the start",
         "stopped at a saddle point"),  # falling as y⁴, too little to see right beside the start
        ("-(x^4 + y^4)", (0.0, 0.0), "stopped at step 0: ∇f = 0 at the start, a maximum — move the start",
         "stopped at a maximum"),
        ("x^3", (0.0,), "stopped at step 0: ∇f = 0 at the start, which may be no minimum — move the start",
         "stopped at the start"),  # an inflection: nothing it names
        # a kink where ∇f = 0 is one of the slopes beside it: abs(x) + abs(y)'s minimum
        ("abs(x) + abs(y)", (0.0, 0.0), "converged at step 0 (|∇f| = 0 < 1e−6): a minimum", "converged"),
        ("x^2 + y^2", (0.0, 0.0), "converged at step 0 (|∇f| = 0 < 1e−6): a minimum", "converged"),
    ],
)
def test_a_run_that_cannot_leave_its_start_says_why(formula: str, start: tuple[float, ...], message: str,
                                                     outcome: str) -> None:
    run = descend(analyze_in_process(formula).compiled, start, lr=0.1)
    assert (run.stop_reason, run.message, run.outcome) == ("converged", message, outcome)
    assert len(run.steps) == 1 and run.missed_minimum is (outcome != "converged")


@pytest.mark.parametrize("formula", ["max(x, y)", "min(x, 2 - y)", "max(x, y, 3 - x - y)"])
def test_a_run_started_on_a_tie_of_max_or_min_walks_on(formula: str) -> None:
    """∇f was 0 by convention on every tie of a max or min, where f has no flat spot: a run started on max(x, y)'s
    crease x = y 'stopped at step 0: ∇f = 0 at the start'. The slope there is the first typed tied argument's."""
    run = descend(analyze_in_process(formula).compiled, (1.0, 1.0), lr=0.1, max_steps=5)
    assert run.stop_reason == "max_steps" and len(run.steps) == 6
    assert np.linalg.norm(run.steps[0].gradient) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("formula", "free", "start"),
    [
        ("f(x, y) = 5", ("x", "y"), {"x": 1.0, "y": 2.0}),
        ("0x + 0y + 5", ("x", "y"), {"x": 1.0, "y": 2.0}),
        ("z^2 + 1", ("x", "y"), {"x": 1.0, "y": 2.0, "z": 3.0}),  # f does not change with the run's variables
    ],
)
def test_a_run_on_a_constant_f_says_there_is_nothing_to_descend(formula: str, free: tuple[str, ...],
                                                                 start: dict[str, float]) -> None:
    """It said "which may be no minimum — move the start": every start is the same."""
    analysis = analyze_in_process(formula, tuple(start))
    run = compute_run(analysis.compiled, RunSpec(start), free).run
    assert (run.stop_reason, len(run.steps)) == ("converged", 1)
    assert run.message == "stopped at step 0: f is constant (∇f = 0 everywhere): there is nothing to descend"


@pytest.mark.parametrize(
    ("formula", "start", "flat"),
    [
        ("x y z", {"x": 1.0, "y": 2.0, "z": 0.0}, "z = 0"),
        ("x y z w + w", {"x": 1.0, "y": 2.0, "z": 0.0, "w": 3.0}, "z = 0"),  # w's value is not why
        ("x y z w", {"x": 1.0, "y": 2.0, "z": 0.0, "w": 0.0}, "z = 0, w = 0"),  # neither alone is
    ],
)
def test_a_run_on_a_flat_slice_says_which_held_value_flattens_it(formula: str, start: dict[str, float],
                                                                 flat: str) -> None:
    """x·y·z with z held at 0 said "which may be no minimum — move the start": every start of the slice is the same."""
    analysis = analyze_in_process(formula, tuple(start))
    run = compute_run(analysis.compiled, RunSpec(start), ("x", "y")).run
    names = flat.replace(" = 0", "")
    assert run.message == (f"stopped at step 0: the slice {flat} is flat (∂f/∂x = ∂f/∂y = 0 all over it): hold "
                           f"{names} at another value")  # not ∇f = 0: the probe shows ∂f/∂z


def test_a_flat_start_of_an_f_that_changes_elsewhere_is_not_called_constant() -> None:
    analysis = analyze_in_process("max(0, x) + 0y + z", ("x", "y", "z"))
    run = compute_run(analysis.compiled, RunSpec({"x": -1.0, "y": 0.0, "z": 1.0}), ("x", "y")).run
    assert run.message == "stopped at step 0: ∇f = 0 at the start, which may be no minimum — move the start"
    assert analysis.compiled.unchanging == {"y"}


def test_converged_kind_weighs_curvature_against_the_gradient_left() -> None:
    assert converged_kind(np.diag([2.0, 3.0]), 1e-6) == "a minimum"
    assert converged_kind(np.diag([2.0, -3.0]), 1e-6) == "a saddle point, not a minimum"
    assert converged_kind(np.diag([-2.0, -3.0]), 1e-6) == "a maximum"
    assert converged_kind(np.diag([2.0, 0.005]), 1e-6) == ""  # within 10·√(1e-6) = 0.01 of flat: cannot tell
    assert converged_kind(np.diag([2.0, -3.0, 0.0]), 1e-6) == "a saddle point, not a minimum"  # whatever the flat one
    assert converged_kind(np.array([[np.nan]]), 1e-6) == ""


def test_starting_at_the_minimum_converges_at_step_0() -> None:
    run = descend(BOWL, (0.0, 0.0), name="adam")
    assert run.stop_reason == "converged"
    assert run.steps == (Step(0, (0.0, 0.0), 0.0, (0.0, 0.0), None),)


def test_steps_are_numbered_and_updates_lead_to_the_next_point() -> None:
    run = descend(ROSENBROCK, (-1.5, 2.0), name="adam", lr=0.01, max_steps=30)
    assert [step.k for step in run.steps] == list(range(31))
    for step, following in zip(run.steps, run.steps[1:], strict=False):
        assert np.add(step.point, step.update) == pytest.approx(following.point, rel=1e-15)
    assert run.final_step.update is None


def test_step_budget_of_zero_and_one() -> None:
    assert len(descend(BOWL, (1.0, 1.0), max_steps=0).steps) == 1
    assert descend(BOWL, (1.0, 1.0), max_steps=1).message == "reached the step budget (1 step)"


def test_too_large_learning_rate_diverges_and_keeps_the_last_finite_point() -> None:
    run = descend(BOWL, (1.0, 1.0), lr=0.25, max_steps=1000)  # 0.25 > 2/λmax = 0.2
    assert run.stop_reason == "diverged"
    grown = run.final_step.value
    kept = len(run.steps) - 1
    assert run.message == (f"diverged after step {kept}: f grew as each step overshot (η too large), "
                           f"to {grown:.3g} (at step {kept + 1} the point ran past 1e8 from 0)").replace("e+", "e")
    assert math.hypot(*run.final_step.point) <= 1e8
    assert run.final_step.update is None
    assert_all_finite(run)


SINGULARITY = "jumped over a singularity of f"


def formula_run(formula: str, start: tuple[float, ...], **options: object) -> Run:
    """A run on a typed formula, every variable free, with RunSpec options."""
    analysis = analyze_in_process(formula)
    spec = RunSpec(dict(zip(analysis.formula.variables, start, strict=True)), **options)  # type: ignore[arg-type]
    return compute_run(analysis.compiled, spec, analysis.formula.variables).run


@pytest.mark.parametrize(
    ("formula", "start", "options", "step", "later"),
    [
        # tan's slope grows towards −π/2: the step there lands beyond the pole, and 5 more jump poles after it
        ("tan(x) + y", (1.0, 1.0), {}, 15, " and 5 later steps"),
        ("tan(x) + y", (1.0, 1.0), {"max_steps": 1000}, 15, " and at least 15 later steps"),  # 16 steps looked at
        ("tan(x) + y", (1.0, 1.0), {"optimizer": "adam"}, 29, ""),  # Adam's small steps too, the pole's slope ignored
        ("tan(x) + y", (1.0, 1.0), {"max_steps": 15}, None, ""),  # not yet there
        ("ln(x^2) + y^2", (1.0, 1.0), {}, 3, " and 5 later steps"),  # f falls to −∞ on both sides of x = 0
        ("1/x + y^2", (-1.0, 1.0), {}, 4, ""),
        ("3 abs(x - 1/2)/(x - 1/2) + x^2 + y^2", (1.7, 1.0), {"lr": 0.45}, 0, ""),  # f jumps by 6 at x = ½
    ],
)
def test_a_step_across_a_singularity_of_f_is_named(formula: str, start: tuple[float, ...], options: dict,
                                                   step: int | None, later: str) -> None:
    """tan(x) + y ended with "reached the step budget" alone, its steps thrown about by the poles they jumped.

    Then it named the first of the six steps that jumped one alone.
    """
    run = formula_run(formula, start, **options)
    if step is None:
        assert "singularity" not in run.message
        return
    assert run.message.endswith(f"; step {step}{later} {SINGULARITY}"), run.message
    if formula.startswith("tan") and "at least" not in later:  # as many steps as are named jump one of tan's poles
        sides = [math.floor(taken.point[0] / math.pi - 0.5) for taken in run.steps]
        assert sum(a != b for a, b in itertools.pairwise(sides)) == 1 + int(later.split()[1] if later else 0)
    pole = {"tan(x) + y": -math.pi / 2, "ln(x^2) + y^2": 0.0, "1/x + y^2": 0.0}.get(formula, 0.5)
    before, after = run.steps[step].point[0], run.steps[step + 1].point[0]
    assert min(before, after) < pole < max(before, after)  # the step named is one across it
    assert not any(min(a.point[0], b.point[0]) < pole < max(a.point[0], b.point[0])
                   for a, b in zip(run.steps[:step], run.steps[1:step + 1], strict=True))  # and the first


def test_a_hand_objective_without_float_evaluation_is_looked_at_too() -> None:
    tangent = HandObjective(("x",), lambda w: math.tan(w[0]), lambda w: [1 / math.cos(w[0]) ** 2],
                            lambda w: [[2 * math.tan(w[0]) / math.cos(w[0]) ** 2]])
    run = descend(tangent, (1.0,), lr=0.1, max_steps=30)
    assert run.message == f"reached the step budget (30 steps); step 15 {SINGULARITY}"


@pytest.mark.parametrize(
    ("formula", "start", "options"),
    [
        ("(1 - x)^2 + 100 (y - x^2)^2", (-1.5, 2.0), {"lr": 0.0035, "max_steps": 1000}),  # overshooting, diverging
        ("(1 - x)^2 + 100 (y - x^2)^2", (-1.5, 2.0), {"lr": 0.02, "optimizer": "adam", "max_steps": 3000}),
        ("x^4 + y^4", (2.0, 2.0), {"lr": 0.03, "max_steps": 3000}),  # large steps, far from a quadratic's
        ("x^2 + 10 y^2", (1.0, 1.0), {"lr": 0.1, "max_steps": 300}),  # zig-zagging at the edge of stability
        ("tanh(50 x) + x^2/100 + y^2", (1.0, 1.0), {"lr": 0.5, "max_steps": 1000}),  # steep, but continuous
        ("sin(3x) cos(3y) + (x^2 + y^2)/10", (0.4, 0.3), {"lr": 0.3, "optimizer": "momentum"}),
    ],
)
def test_large_steps_on_a_continuous_f_are_no_singularity(formula: str, start: tuple[float, ...],
                                                          options: dict) -> None:
    assert "singularity" not in formula_run(formula, start, **options).message


ZIGZAG = "; zig-zagging across a kink of f: a fixed step cannot settle there"


@pytest.mark.parametrize(
    ("formula", "start", "options"),
    [
        ("abs(x) + abs(y)", (1.05, 2.03), {}),  # ends hopping between (0.05, 0.03) and (−0.05, −0.07)
        ("abs(x) + abs(y)", (1.05, 2.03), {"optimizer": "adam"}),
        ("abs(x) + y^2", (1.05, 2.03), {}),  # a kink one way, smooth the other
        ("max(x, y) + (x^2 + y^2)/10", (1.0, 0.5), {}),  # a crease along x = y
    ],
)
def test_a_run_zig_zagging_across_a_kink_says_why_it_does_not_settle(formula: str, start: tuple[float, ...],
                                                                     options: dict) -> None:
    """abs(x) + abs(y) ended with "reached the step budget" alone, its steps hopping to and fro across the kink."""
    run = formula_run(formula, start, **options)
    assert run.message == f"reached the step budget (100 steps){ZIGZAG}"
    assert np.ptp(run.values[-10:]) < 0.2  # it stays by the kink: going on would not help


@pytest.mark.parametrize(
    ("formula", "start", "options"),
    [
        ("x^2 + 10 y^2", (1.0, 1.0), {"lr": 0.1}),  # η = 2/λ: zig-zags for ever, ∇f continuous all the way
        ("abs(x) + abs(y)", (1.0, 2.0), {"lr": 0.01, "max_steps": 50}),  # still on its way to the kink
        ("abs(x) + abs(y)", (0.05, 0.03), {"max_steps": 0}),  # no steps
    ],
)
def test_a_smooth_zig_zag_or_a_run_still_on_its_way_is_no_kink_zig_zag(formula: str, start: tuple[float, ...],
                                                                        options: dict) -> None:
    run = formula_run(formula, start, **options)
    assert run.stop_reason == "max_steps" and "kink" not in run.message


@pytest.mark.parametrize(
    ("formula", "options", "remark"),
    [
        ("x^2 + 10 y^2", {"lr": 0.11}, "; f grew as each step overshot (η too large), to 6.86e16"),  # limit 0.1
        ("x^2 + y^2", {"lr": 0.1, "sign": "wrong", "max_steps": 30}, "; f grew as the wrong sign climbed, to 1.13e5"),
        ("x^2 + 10 y^2", {"lr": 0.1}, ""),  # at the limit: f the same after every two steps
        ("x^2 + y^2", {"lr": 0.001}, ""),  # on its way down
    ],
)
def test_a_run_at_its_budget_says_when_f_grew_on_the_way(formula: str, options: dict, remark: str) -> None:
    """η = 0.11 on the elongated bowl (the Compare learning rates run just past its limit) took f from 16 to 6.9e16
    and said only "reached the step budget"."""
    run = formula_run(formula, (1.0, 1.0), **options)
    assert run.stop_reason == "max_steps"
    assert run.message == f"reached the step budget ({len(run.values) - 1} steps){remark}"


def test_a_diverged_run_says_whether_f_fell_without_end_or_grew() -> None:
    falling = HandObjective(("x", "y"), lambda w: w[0] ** 2 + w[1] ** 3, lambda w: [2 * w[0], 3 * w[1] ** 2],
                            lambda w: [[2.0, 0.0], [0.0, 6 * w[1]]])  # y³ has no lowest point
    fell = descend(falling, (2.5, -1.5), lr=0.1, max_steps=100)
    assert fell.stop_reason == "diverged" and ": f fell without end, to −" in fell.message
    climbed = descend(BOWL, (1.0, 1.0), lr=0.1, sign="wrong", max_steps=1000)
    assert climbed.stop_reason == "diverged" and ": f grew as the wrong sign climbed, to " in climbed.message


@pytest.mark.parametrize("name", [name for name in OPTIMIZER_NAMES if name != "newton"])
def test_overflowing_exponential_diverges_cleanly(name: str) -> None:
    exponential = HandObjective(
        ("x",),
        lambda w: np.exp(w[0] ** 2),
        lambda w: [2 * w[0] * np.exp(w[0] ** 2)],
        lambda w: [[(2 + 4 * w[0] ** 2) * np.exp(w[0] ** 2)]],
    )
    run = descend(exponential, (2.0,), name=name, lr=1.0, sign="wrong", max_steps=1000)
    assert run.stop_reason == "diverged"
    assert_all_finite(run)


def test_objective_raising_overflow_error_diverges() -> None:
    exponential = HandObjective(
        ("x",), lambda w: math.exp(w[0]), lambda w: [math.exp(w[0])], lambda w: [[math.exp(w[0])]]
    )
    run = descend(exponential, (0.0,), lr=1.0, sign="wrong", max_steps=1000, divergence_bound=1e300)
    assert run.stop_reason == "diverged"
    assert "could not be evaluated" in run.message
    assert_all_finite(run)


def test_huge_values_count_as_divergence() -> None:
    steep = HandObjective(
        ("x",), lambda w: w[0] ** 20, lambda w: [20 * w[0] ** 19], lambda w: [[380 * w[0] ** 18]]
    )
    run = descend(steep, (2.0,), lr=1.0, sign="wrong", divergence_bound=1e300)
    assert run.stop_reason == "diverged"
    assert "|f| grew beyond 1e100" in run.message


def test_start_where_f_is_undefined_is_an_error() -> None:
    logarithm = HandObjective(
        ("x",), lambda w: np.log(w[0]), lambda w: [1 / w[0]], lambda w: [[-1 / w[0] ** 2]]
    )
    with pytest.raises(DescentError, match=r"cannot start from x = −0\.995772: "):  # not '(-0.9957716701902748,)'
        descend(logarithm, (-0.9957716701902748,))


def test_runs_are_deterministic() -> None:
    for name in OPTIMIZER_NAMES:
        first = descend(ROSENBROCK, (-1.5, 2.0), name=name, lr=1e-3, max_steps=50)
        assert descend(ROSENBROCK, (-1.5, 2.0), name=name, lr=1e-3, max_steps=50) == first


# --- the stability limit -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hessian", "limit"),
    [
        ([[1.0, 0.0], [0.0, 10.0]], 0.2),
        ([[2.0, 1.0], [1.0, 2.0]], 2 / 3),
        ([[4.0]], 0.5),
        ([[2.0, 0.0], [0.0, 0.0]], 1.0),  # a valley's flat direction does not move: the curved one limits η
        ([[2.0, 2.0], [2.0, 2.0]], 0.5),
        ([[2.0, 0.0], [0.0, -1.0]], None),
        ([[-2.0, 0.0], [0.0, 0.0]], None),
        ([[math.inf, 0.0], [0.0, 1.0]], None),
    ],
)
def test_stability_limit(hessian: list[list[float]], limit: float | None) -> None:
    assert stability_limit(np.array(hessian)) == (pytest.approx(limit) if limit else None)


def test_a_saddle_has_a_limit_along_its_upward_direction_only_when_asked() -> None:
    assert stability_limit(np.array([[2.0, 0.0], [0.0, -1.0]]), bowl_only=False) == pytest.approx(1.0)
    assert stability_limit(np.array([[-2.0, 0.0], [0.0, -1.0]]), bowl_only=False) is None


def test_the_valley_loss_of_the_seeds_diverges_just_above_two_over_lambda_max() -> None:
    """L(w1, w2) = (5 − w1 − 2w2)²: H = [[2, 4], [4, 8]], eigenvalues 0 and 10, so GD needs η < 0.2."""
    objective = quadratic([[2.0, 4.0], [4.0, 8.0]], [-10.0, -20.0], 25.0)
    limit = stability_limit(objective.hessian(np.zeros(2)))
    assert limit == pytest.approx(0.2)
    assert descend(objective, (0.0, 0.0), lr=0.98 * limit, max_steps=5000).stop_reason == "converged"
    assert descend(objective, (0.0, 0.0), lr=1.02 * limit, max_steps=5000).stop_reason == "diverged"


def test_stability_limit_separates_convergence_from_divergence() -> None:
    objective = quadratic([[3.0, 1.0], [1.0, 2.0]], [0.0, 0.0])
    limit = stability_limit(objective.hessian(np.zeros(2)))
    assert limit is not None
    assert descend(objective, (1.0, 1.0), lr=0.98 * limit, max_steps=5000).stop_reason == "converged"
    assert descend(objective, (1.0, 1.0), lr=1.02 * limit, max_steps=5000).stop_reason == "diverged"


# --- settings ----------------------------------------------------------------------------------------------


def test_defaults_follow_torch() -> None:
    assert OptimizerSettings("adagrad").effective_eps == 1e-10
    assert OptimizerSettings("rmsprop").effective_eps == 1e-8
    assert OptimizerSettings("adam").effective_eps == 1e-8
    assert OptimizerSettings("momentum").effective_momentum == 0.9
    assert OptimizerSettings("nesterov").effective_momentum == 0.9
    assert OptimizerSettings("rmsprop").effective_momentum == 0.0
    assert OptimizerSettings("rmsprop").hyper_parameters() == {
        "lr": 0.1, "alpha": 0.99, "eps": 1e-8, "momentum": 0.0, "centered": False, "weight_decay": 0.0,
    }  # fmt: skip
    for name in OPTIMIZER_NAMES:
        assert tuple(OptimizerSettings(name).hyper_parameters()) == OPTIMIZER_PARAMETERS[name]


def test_settings_are_normalised() -> None:
    settings = OptimizerSettings("adam", lr=1, betas=[0.8, 0.9])  # type: ignore[arg-type]
    assert settings.lr == 1.0 and isinstance(settings.lr, float)
    assert settings.betas == (0.8, 0.9)
    assert RunSettings([1, 2]).start == (1.0, 2.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"lr": 0.0}, "learning rate must be positive"),
        ({"lr": -0.1}, "learning rate must be positive"),
        ({"lr": math.nan}, "learning rate must be a finite number"),
        ({"lr": "fast"}, "learning rate must be a number"),
        (
            {"name": "sgd"},
            "unknown optimizer 'sgd': choose one of gd, momentum, nesterov, adagrad, rmsprop, adam",
        ),
        ({"sign": "up"}, "unknown update sign"),
        ({"name": "momentum", "momentum": 1.0}, r"momentum must be in \[0, 1\)"),
        ({"momentum": -0.1}, r"momentum must be in \[0, 1\)"),
        ({"dampening": 1.5}, r"dampening must be in \[0, 1\]"),
        ({"betas": (0.9, 1.0)}, r"beta2 must be in \[0, 1\)"),
        ({"betas": (-0.1, 0.9)}, r"beta1 must be in \[0, 1\)"),
        ({"betas": (0.9,)}, "betas must be a pair"),
        ({"alpha": 1.0}, r"alpha must be in \[0, 1\)"),
        ({"eps": 0.0}, "eps must be positive"),
        ({"eps": math.inf}, "eps must be a finite number"),
        ({"weight_decay": -1.0}, "weight_decay must not be negative"),
        ({"lr_decay": -1.0}, "lr_decay must not be negative"),
        ({"initial_accumulator_value": -1.0}, "initial_accumulator_value must not be negative"),
        ({"amsgrad": "yes"}, "amsgrad must be True or False"),
        ({"name": "nesterov", "dampening": 0.1}, "Nesterov momentum needs"),
        ({"name": "nesterov", "momentum": 0.0}, "Nesterov momentum needs"),
    ],
)
def test_invalid_optimizer_settings(options: dict, message: str) -> None:
    with pytest.raises(DescentError, match=message):
        OptimizerSettings(**options)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start": ()}, "at least one coordinate"),
        ({"start": (1.0, math.nan)}, "start point must be a finite number"),
        ({"start": (1e9, 0.0)}, "beyond the divergence bound 1e8"),
        ({"max_steps": -1}, "step budget must be between 0 and"),
        ({"max_steps": 10.5}, "step budget must be a whole number"),
        ({"tolerance": -1e-6}, "tolerance must not be negative"),
        ({"divergence_bound": 0.0}, "divergence bound must be positive"),
        ({"optimizer": "adam"}, "optimizer must be OptimizerSettings"),
    ],
)
def test_invalid_run_settings(options: dict, message: str) -> None:
    with pytest.raises(DescentError, match=message):
        RunSettings(**{"start": (1.0, 2.0), **options})


def test_start_point_must_match_the_variables() -> None:
    with pytest.raises(DescentError, match=r"3 coordinates but f has 2 variables \(x, y\)"):
        run_descent(BOWL, RunSettings((1.0, 2.0, 3.0)))


# --- bit for bit ----------------------------------------------------------------------------------------------

PINNED_RUNS: dict[str, tuple[HandObjective, tuple[float, ...], dict]] = {
    "rosenbrock-gd": (ROSENBROCK, (-1.5, 2.0), {"lr": 1e-3}),
    "rosenbrock-gd-wrong": (ROSENBROCK, (-1.5, 2.0), {"lr": 1e-3, "sign": "wrong"}),
    "rosenbrock-momentum-dampened-decayed": (
        ROSENBROCK, (-1.5, 2.0), {"name": "momentum", "lr": 1e-4, "dampening": 0.2, "weight_decay": 0.01}
    ),
    "rosenbrock-nesterov": (ROSENBROCK, (-1.5, 2.0), {"name": "nesterov", "lr": 1e-4}),
    "rosenbrock-adagrad": (
        ROSENBROCK, (-1.5, 2.0), {"name": "adagrad", "lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}
    ),
    "rosenbrock-rmsprop": (ROSENBROCK, (-1.5, 2.0), {"name": "rmsprop", "lr": 1e-3}),
    "rosenbrock-rmsprop-centered-momentum": (
        ROSENBROCK, (-1.5, 2.0), {"name": "rmsprop", "lr": 1e-3, "centered": True, "momentum": 0.5}
    ),
    "rosenbrock-adam": (ROSENBROCK, (-1.5, 2.0), {"name": "adam", "lr": 1e-2}),
    "rosenbrock-amsgrad-wrong-decayed": (
        ROSENBROCK, (-1.5, 2.0), {"name": "adam", "lr": 1e-2, "amsgrad": True, "weight_decay": 0.01, "sign": "wrong"}
    ),
    "bowl-gd-converges": (BOWL, (3.0, 1.0), {"lr": 0.1, "max_steps": 1000}),
    "bowl-gd-diverges": (BOWL, (1.0, 1.0), {"lr": 0.25, "max_steps": 1000}),
    "residual-momentum-wrong": (RESIDUAL, (1.0, 1.0), {"name": "momentum", "lr": 0.01, "sign": "wrong"}),
}  # fmt: skip
PINNED_DIGESTS = {  # recorded with the NumPy-array rules
    "bowl-gd-converges": "67843acf9ae27a69",  # converged, 143 steps (": a minimum" added to the message)
    "bowl-gd-diverges": "9b070892178a1271",  # diverged, 46 steps (message saying f grew)
    "residual-momentum-wrong": "567c7e94f123dcf1",  # diverged, 69 steps (f grew)
    "rosenbrock-adagrad": "9f6d88c5957c5351",  # max_steps, 301 steps
    "rosenbrock-adam": "0ffc2c02effd4a0b",  # max_steps, 301 steps
    "rosenbrock-amsgrad-wrong-decayed": "002ce920ed6fae1d",  # max_steps, 301 steps; f grew as the wrong sign climbed
    "rosenbrock-gd": "258a60ae8c0a5fd7",  # max_steps, 301 steps
    "rosenbrock-gd-wrong": "74a6dbca3abf49dd",  # diverged, 6 steps (f grew)
    "rosenbrock-momentum-dampened-decayed": "42cd7f671b876a3c",  # max_steps, 301 steps
    "rosenbrock-nesterov": "32f7c492adca0df6",  # max_steps, 301 steps
    "rosenbrock-rmsprop": "12f2eee0b3f4a10a",  # max_steps, 301 steps
    "rosenbrock-rmsprop-centered-momentum": "bd83085acc85ebcf",  # max_steps, 301 steps
}


def run_digest(run: Run) -> str:
    """A fingerprint of every number of a run, bit for bit, with its stop reason and message."""
    numbers = [
        [step.k, *step.point, step.value, *step.gradient, *(step.update or ("none",))] for step in run.steps
    ]
    text = repr([[number.hex() if isinstance(number, float) else number for number in row] for row in numbers])
    message = run.message.replace(MINUS, "-")  # pinned when messages wrote an ASCII minus
    return hashlib.sha256(f"{text} {run.stop_reason} {message}".encode()).hexdigest()[:16]


@pytest.mark.parametrize("case", sorted(PINNED_RUNS))
def test_runs_keep_their_numbers_bit_for_bit(case: str) -> None:
    """Fingerprints of runs made when the rules ran on NumPy arrays: faster code must give the same bits."""
    objective, start, options = PINNED_RUNS[case]
    assert run_digest(descend(objective, start, **{"max_steps": 300, **options})) == PINNED_DIGESTS[case]


class ArraysOnly:
    """An objective seen through value_and_gradient and hessian on arrays alone, without the float fast path."""

    def __init__(self, objective: Objective) -> None:
        self.variables = objective.variables
        self.value_and_gradient = objective.value_and_gradient
        self.hessian = objective.hessian


FLOAT_PATH_FORMULAS = {  # formula, start
    "rosenbrock": ("(1 - x)^2 + 100(y - x^2)^2", (-1.5, 2.0)),
    "waves": ("sin(3x) cos(y) + exp(-x^2 - y^2) x", (0.4, -0.9)),
    "kinks": ("relu(x - 1) + abs(y) + max(x, y, 2)", (2.5, -1.5)),
    "undefined beyond a pole": ("log(x) + 1/y + y^2", (0.5, 0.3)),
    "overflowing": ("x^100 + exp(y^2) + y^-3", (1.5, 0.5)),  # Python raises where NumPy gives inf
    "fractional powers": ("x^1.5 + y^(1/3) + 2^x", (1.0, 1.0)),  # on NumPy scalars all along
}


@pytest.mark.parametrize("formula", sorted(FLOAT_PATH_FORMULAS))
@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_float_evaluation_gives_the_runs_of_array_evaluation(formula: str, name: str) -> None:
    text, start = FLOAT_PATH_FORMULAS[formula]
    compiled = analyze_in_process(text).compiled
    for lr, sign, weight_decay in [(1e-3, "correct", 0.0), (0.3, "correct", 0.01), (0.05, "wrong", 0.0)]:
        optimizer = OptimizerSettings(name, lr=lr, sign=sign, weight_decay=weight_decay)
        settings = RunSettings(start, optimizer, max_steps=200, divergence_bound=1e300)  # let f overflow
        fast = run_descent(compiled, settings)
        assert run_digest(fast) == run_digest(run_descent(ArraysOnly(compiled), settings)), (lr, sign)
        assert fast.notes == run_descent(ArraysOnly(compiled), settings).notes


def test_held_fixed_variables_give_the_runs_of_array_evaluation() -> None:
    compiled = analyze_in_process("x^2 + 2y^2 + 3z^2 + x y z + sin(z x)").compiled
    spec = RunSpec(start={"x": 1.0, "y": -1.0, "z": 0.5}, optimizer="adam", lr=0.05, max_steps=300)
    for free in [("x", "y"), ("z", "x"), ("y",), ("x", "y", "z")]:
        result = compute_run(compiled, spec, free)
        objective = SliceObjective(compiled, free, spec.start)
        expected = run_descent(ArraysOnly(objective), result.run.settings)
        assert run_digest(result.run) == run_digest(expected)
        np.testing.assert_array_equal(result.points, [objective.embed(step.point) for step in expected.steps])


def test_a_step_out_of_fs_domain_is_named_as_such_not_as_an_overflow() -> None:
    """sqrt(x) + y² stepped to x < 0 with f small all the way: it said "f overflowed or became undefined"."""
    left = descend(analyze_in_process("sqrt(x) + y^2").compiled, (0.5, 1.0), lr=0.5)
    assert left.stop_reason == "diverged" and left.message.endswith("f is undefined there, outside its domain")
    grown = descend(analyze_in_process("exp(x^2) + y^2").compiled, (3.0, 1.0), lr=0.5)
    assert grown.stop_reason == "diverged" and grown.message.endswith("f overflowed")


@pytest.mark.parametrize("formula", ["1/x + y^2", "log(x^2 + y^2)"])
def test_a_start_on_a_pole_is_named_as_such_not_as_an_overflow(formula: str) -> None:
    """1/x at x = 0 said "f overflowed": f is infinite there, and finite a hair away."""
    with pytest.raises(DescentError, match=r"cannot start from \(x, y\) = \(0, 0\): f is infinite there, a pole"):
        descend(analyze_in_process(formula).compiled, (0.0, 0.0), lr=0.1)
