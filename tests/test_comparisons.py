"""Quick comparisons: twins, learning-rate sweeps, optimizer races, other starts, and the stability limit."""

from __future__ import annotations

import pytest

from gradviz.core.analysis import analyze_in_process
from gradviz.core.comparisons import (
    LrGuidance,
    around_stability_limit,
    compare_learning_rates,
    different_starts,
    learning_rate_guidance,
    race_optimizers,
    wrong_sign_twin,
)
from gradviz.core.descent import OPTIMIZER_NAMES
from gradviz.core.runs import compute_run
from gradviz.core.scenario import RunSpec

ELONGATED_BOWL = analyze_in_process("x^2 + 10y^2").compiled
START = {"x": 2.4, "y": 2.25}
SPEC = RunSpec(start=START, lr=0.05, max_steps=200, label="mine")


# --- run specs for side-by-side runs ---------------------------------------------------------------------


def test_wrong_sign_twin_flips_only_the_sign() -> None:
    twin = wrong_sign_twin(SPEC)
    assert (twin.sign, twin.label) == ("wrong", "wrong sign")
    assert (twin.start, twin.optimizer, twin.lr, twin.max_steps) == (START, "gd", 0.05, 200)
    back = wrong_sign_twin(twin)
    assert (back.sign, back.label) == ("correct", "correct sign")


def test_compare_learning_rates_by_factors_or_given_rates() -> None:
    specs = compare_learning_rates(SPEC)
    assert [spec.lr for spec in specs] == pytest.approx([0.005, 0.05, 0.5])
    assert [spec.label for spec in specs] == ["η = 0.005", "η = 0.05", "η = 0.5"]
    assert all(spec.start == START and spec.optimizer == "gd" for spec in specs)
    given = compare_learning_rates(SPEC, rates=[0.01, 0.3])
    assert [(spec.lr, spec.label) for spec in given] == [(0.01, "η = 0.01"), (0.3, "η = 0.3")]


@pytest.mark.parametrize("rate", [0.0, -0.1, float("nan"), float("inf")])
def test_compare_learning_rates_refuses_unusable_rates(rate: float) -> None:
    with pytest.raises(ValueError, match="positive number"):
        compare_learning_rates(SPEC, rates=[0.1, rate])


def test_race_gives_each_optimizer_a_learning_rate_that_suits_it() -> None:
    specs = race_optimizers(SPEC, OPTIMIZER_NAMES)
    assert [spec.optimizer for spec in specs] == list(OPTIMIZER_NAMES)
    assert [spec.label for spec in specs] == [
        "Gradient descent", "Momentum", "Nesterov momentum", "AdaGrad", "RMSProp", "Adam", "Newton's method"
    ]
    distance = 2.4  # the largest |coordinate| of the start
    assert [spec.lr for spec in specs] == pytest.approx(
        [0.05, 0.05, 0.05, 0.1 * distance, 0.01 * distance, 0.05 * distance, 1.0]
    )
    assert all(spec.start == START and spec.sign == "correct" and spec.max_steps == 200 for spec in specs)


def test_race_keeps_the_specs_own_optimizer_and_settings() -> None:
    spec = RunSpec(start={"x": 0.5, "y": -0.2}, optimizer="adam", lr=0.3, params={"betas": (0.8, 0.99)})
    gd, adam, rmsprop = race_optimizers(spec, ("gd", "adam", "rmsprop"))
    assert (adam.lr, adam.params, adam.label) == (0.3, {"betas": (0.8, 0.99)}, "Adam")
    assert (gd.lr, gd.params) == (0.1, {})  # the spec's η is Adam's, so GD gets the default
    assert rmsprop.lr == pytest.approx(0.01)  # the start is within 1 of the origin: D = 1


def test_every_racer_gets_close_to_the_minimum() -> None:
    start_value = ELONGATED_BOWL.value_and_gradient([2.4, 2.25])[0]
    for spec in race_optimizers(SPEC, OPTIMIZER_NAMES):
        result = compute_run(ELONGATED_BOWL, spec, ("x", "y"))
        assert result.run.stop_reason in ("converged", "max_steps"), spec.label
        assert result.values[-1] < 1e-4 * start_value, spec.label


@pytest.mark.parametrize("names", [("gd", "sgd"), ("gd", "gd")])
def test_race_refuses_unknown_or_repeated_optimizers(names: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="race distinct optimizers"):
        race_optimizers(SPEC, names)


def test_different_starts_replace_the_given_coordinates() -> None:
    spec = RunSpec(start={"x": 1.0, "y": 2.0, "z": 3.0})
    first, second = different_starts(spec, [{"x": -1.0, "y": 0.5}, {"z": 0.0}])
    assert first.start == {"x": -1.0, "y": 0.5, "z": 3.0} and first.label == "start (−1, 0.5)"
    assert second.start == {"x": 1.0, "y": 2.0, "z": 0.0} and second.label == "start (0)"


# --- the stability limit ---------------------------------------------------------------------------------


def test_the_elongated_bowls_limit_is_a_tenth() -> None:
    guidance = learning_rate_guidance(ELONGATED_BOWL, START, ("x", "y"))
    assert guidance.available and guidance.reason == ""
    assert guidance.eigenvalues == (2.0, 20.0)
    assert guidance.lambda_max == 20.0
    assert guidance.limit == pytest.approx(0.1)
    assert (guidance.just_below, guidance.just_above) == pytest.approx((0.09, 0.11))


def test_gd_converges_just_below_the_limit_and_diverges_just_above() -> None:
    guidance = learning_rate_guidance(ELONGATED_BOWL, START, ("x", "y"))
    below, above = around_stability_limit(RunSpec(start=START, max_steps=500), guidance)
    assert below.label == "η = 0.09, just below the limit 0.1"
    assert above.label == "η = 0.11, just above the limit 0.1"
    assert compute_run(ELONGATED_BOWL, below, ("x", "y")).run.stop_reason == "converged"
    assert compute_run(ELONGATED_BOWL, above, ("x", "y")).run.stop_reason == "diverged"


def test_the_limit_looks_at_the_free_variables_only() -> None:
    compiled = analyze_in_process("x^2 + 10y^2 + 100z^2").compiled
    point = {"x": 1.0, "y": 1.0, "z": 1.0}
    assert learning_rate_guidance(compiled, point, ("x", "y")).limit == pytest.approx(0.1)
    assert learning_rate_guidance(compiled, point, ("z", "x")).limit == pytest.approx(0.01)


def test_the_limit_follows_the_curvature_at_the_point() -> None:
    rosenbrock = analyze_in_process("(1 - x)^2 + 100(y - x^2)^2").compiled
    guidance = learning_rate_guidance(rosenbrock, {"x": 1.0, "y": 1.0}, ("x", "y"))
    assert guidance.eigenvalues == pytest.approx((0.39936, 1001.6), rel=1e-4)  # H = [[802, −400], [−400, 200]]
    assert guidance.limit == pytest.approx(2 / 1001.6, rel=1e-4)


def test_a_valley_has_the_limit_of_its_curved_direction_and_a_saddle_of_its_upward_one() -> None:
    """(5 − w1 − 2w2)², a seed's loss, said 'no η limit here' though GD diverges above η = 0.2."""
    valley = learning_rate_guidance(analyze_in_process("L(w1, w2) = (5 - w1 - 2w2)^2").compiled,
                                    {"w1": 0.0, "w2": 0.0}, ("w1", "w2"))
    assert valley.limit == pytest.approx(0.2) and not valley.saddle and valley.reason == ""
    assert learning_rate_guidance(analyze_in_process("f(x, y) = x^2").compiled, {"x": 1.0, "y": 1.0},
                                  ("x", "y")).limit == pytest.approx(1.0)
    saddle = learning_rate_guidance(analyze_in_process("x^2 - 3y^2").compiled, {"x": 1.0, "y": 1.0}, ("x", "y"))
    assert saddle.saddle and saddle.limit == pytest.approx(1.0)
    assert saddle.reason.startswith("f curves downward along some direction here (Hessian eigenvalues −6, 2)")


@pytest.mark.parametrize(
    ("text", "point", "reason"),
    [
        ("-x^2 - y^2", {"x": 1.0, "y": 1.0}, "f curves upward along no direction here (Hessian eigenvalues −2, −2)"),
        ("x + y", {"x": 1.0, "y": 1.0}, "f curves upward along no direction here (Hessian eigenvalues 0, 0)"),
        ("sqrt(x^2 + y^2)", {"x": 0.0, "y": 0.0}, "the Hessian is undefined at this point"),
    ],
)
def test_no_limit_without_positive_curvature(text: str, point: dict[str, float], reason: str) -> None:
    guidance = learning_rate_guidance(analyze_in_process(text).compiled, point, ("x", "y"))
    assert not guidance.available
    assert guidance.reason.startswith(reason)
    assert guidance.lambda_max is None and guidance.just_below is None and guidance.just_above is None
    with pytest.raises(ValueError, match="there is no stability limit"):
        around_stability_limit(SPEC, guidance)


def test_guidance_needs_the_whole_point_and_known_free_variables() -> None:
    with pytest.raises(ValueError, match="need a value for every variable"):
        learning_rate_guidance(ELONGATED_BOWL, {"x": 1.0}, ("x",))
    with pytest.raises(ValueError, match="need a value for every variable"):
        learning_rate_guidance(ELONGATED_BOWL, START, ("x", "z"))
    assert LrGuidance((), None, "none").available is False
