"""Explaining a step: the seeds' worked updates, every optimizer's rule with its numbers, and the replay."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy

from gradviz.core.analysis import analyze_in_process
from gradviz.core.descent import OptimizerSettings, Run, RunSettings, replay_optimizer, run_descent
from gradviz.core.errors import DescentError
from gradviz.core.explain import STYLES, explain_step
from gradviz.core.notation import format_number, latex_math
from gradviz.core.runs import compute_run
from gradviz.core.scenario import RunSpec

RESIDUAL = analyze_in_process("(5 - w1 - 2w2)^2").compiled
SHIFTED_PARABOLA = analyze_in_process("(w - 3)^2").compiled
BOWL = analyze_in_process("x^2 + 10y^2").compiled
ROSENBROCK = analyze_in_process("(1 - x)^2 + 100(y - x^2)^2").compiled

# Every optimizer, with every option that changes what is shown, under both update signs.
OPTIMIZER_VARIANTS = [
    {"name": "gd"},
    {"name": "gd", "weight_decay": 0.1},
    {"name": "momentum"},
    {"name": "momentum", "dampening": 0.5, "momentum": 0.8},
    {"name": "nesterov"},
    {"name": "adagrad"},
    {"name": "adagrad", "lr_decay": 0.1, "initial_accumulator_value": 0.5},
    {"name": "rmsprop"},
    {"name": "rmsprop", "centered": True, "momentum": 0.5},
    {"name": "adam"},
    {"name": "adam", "amsgrad": True, "weight_decay": 0.05},
    {"name": "newton", "lr": 0.5},
    {"name": "newton", "lr": 0.5, "weight_decay": 0.2},
]


def descend(objective: object, start: tuple[float, ...], max_steps: int = 6, **options: object) -> Run:
    """A run of the engine with these optimizer options."""
    options.setdefault("lr", 0.01)
    return run_descent(objective, RunSettings(start, OptimizerSettings(**options), max_steps=max_steps))  # type: ignore[arg-type]


def variant_id(variant: dict[str, object]) -> str:
    """A readable test id."""
    return "-".join(f"{key}={value}" for key, value in variant.items())


# --- the seeds' worked examples --------------------------------------------------------------------------


def test_the_residual_step_of_the_seeds() -> None:
    explanation = explain_step(descend(RESIDUAL, (1.0, 1.0), lr=0.1, max_steps=1), 0, function_name="L")
    first, second = explanation.variables
    assert first.lines_unicode == ("w₁ ← 1 − 0.1·(−4) = 1.4",)
    assert second.lines_unicode == ("w₂ ← 1 − 0.1·(−8) = 1.8",)
    assert first.lines_latex == (r"w_{1} \leftarrow 1 - 0.1 \cdot (-4) = 1.4",)
    assert second.lines_html == ("<i>w</i><sub>2</sub> ← 1 − 0.1·(−8) = 1.8",)
    assert explanation.rule_unicode == ("w ← w − η∇L",)
    assert explanation.rule_latex == (r"w \leftarrow w - \eta \nabla L",)
    assert (first.partial, second.partial) == (-4.0, -8.0)
    assert explanation.old_point == (1.0, 1.0)
    assert explanation.new_point == pytest.approx((1.4, 1.8))
    assert explanation.shared_unicode == () and explanation.notes == ()
    assert explanation.title == "Gradient descent"


@pytest.mark.parametrize(
    ("sign", "lines", "rule"),
    [
        ("correct", ["w ← 0 − 0.1·(−6) = 0.6", "w ← 0.6 − 0.1·(−4.8) = 1.08", "w ← 1.08 − 0.1·(−3.84) = 1.464"],
         "w ← w − η∇f"),
        ("wrong", ["w ← 0 + 0.1·(−6) = −0.6", "w ← −0.6 + 0.1·(−7.2) = −1.32", "w ← −1.32 + 0.1·(−8.64) = −2.184"],
         "w ← w + η∇f"),
    ],
)
def test_the_seeds_three_steps_with_both_signs(sign: str, lines: list[str], rule: str) -> None:
    run = descend(SHIFTED_PARABOLA, (0.0,), lr=0.1, sign=sign, max_steps=3)
    for k, line in enumerate(lines):
        explanation = explain_step(run, k)
        assert explanation.variables[0].lines_unicode == (line,)
        assert explanation.rule_unicode == (rule,)
    assert explain_step(run, 0).notes == (
        () if sign == "correct" else ("Wrong sign: the step is added instead of subtracted, so w moves uphill.",)
    )


# --- each optimizer's rule and numbers -------------------------------------------------------------------


def test_momentum_shows_its_buffer() -> None:
    run = descend(RESIDUAL, (1.0, 1.0), name="momentum", lr=0.05)
    first = explain_step(run, 0)
    assert first.rule_unicode == ("g = ∇f", "v ← μv + g", "w ← w − ηv")
    assert first.variables[0].lines_unicode == ("g = ∂f/∂w₁ = −4", "v ← g = −4", "w₁ ← 1 − 0.05·(−4) = 1.2")
    assert first.notes == ("At the first step v starts at g itself, as in torch.optim.SGD.",)
    third = explain_step(run, 2)
    assert third.variables[1].lines_unicode == (
        "g = ∂f/∂w₂ = 1.6", "v ← 0.9·(−11.2) + 1.6 = −8.48", "w₂ ← 1.96 − 0.05·(−8.48) = 2.384"
    )
    assert third.variables[1].lines_latex[1] == r"v \leftarrow 0.9 \cdot (-11.2) + 1.6 = -8.48"


def test_momentum_zero_keeps_no_buffer_and_is_explained_as_plain_steps() -> None:
    run = descend(RESIDUAL, (1.0, 1.0), name="momentum", lr=0.05, momentum=0.0)
    for k in (0, 2):
        explanation = explain_step(run, k)
        assert explanation.rule_unicode == ("g = ∇f", "w ← w − ηg")
        assert explanation.notes == ("Momentum 0 keeps no buffer: each step is −ηg, plain gradient descent's.",)
    assert explain_step(run, 0).variables[0].lines_unicode == ("g = ∂f/∂w₁ = −4", "w₁ ← 1 − 0.05·(−4) = 1.2")


def test_nesterov_shows_the_look_ahead() -> None:
    explanation = explain_step(descend(RESIDUAL, (1.0, 1.0), name="nesterov", lr=0.05), 0)
    assert explanation.rule_unicode[-1] == "w ← w − η(g + μv)"
    assert explanation.variables[0].lines_unicode[2:] == (
        "g + μv = −4 + 0.9·(−4) = −7.6", "w₁ ← 1 − 0.05·(−7.6) = 1.38"
    )


def test_adagrad_shows_the_sum_of_squares() -> None:
    explanation = explain_step(descend(RESIDUAL, (1.0, 1.0), name="adagrad", lr=0.05), 0)
    assert explanation.rule_unicode == ("g = ∇f", "G ← G + g²", "w ← w − η·g/(√G + ε)")
    assert explanation.variables[1].lines_unicode == (
        "g = ∂f/∂w₂ = −8", "G ← 0 + (−8)² = 64", "g/(√G + ε) = −8/(√64 + 1e−10) = −1", "w₂ ← 1 − 0.05·(−1) = 1.05"
    )
    assert explanation.rule_latex[-1] == r"w \leftarrow w - \eta \frac{g}{\sqrt{G} + \epsilon}"


def test_adagrad_with_decay_shows_the_decayed_rate() -> None:
    explanation = explain_step(descend(RESIDUAL, (1.0, 1.0), name="adagrad", lr=0.05, lr_decay=0.01), 2)
    assert explanation.shared_unicode == ("t = 3", "η_t = 0.05/(1 + 2·0.01) = 0.0490196")
    assert explanation.variables[0].lines_unicode[-1].startswith("w₁ ← 1.08362 − 0.0490196·(−0.540263) = ")


def test_rmsprop_shows_the_mean_square() -> None:
    explanation = explain_step(descend(RESIDUAL, (1.0, 1.0), name="rmsprop", lr=0.05), 0)
    assert explanation.rule_unicode == ("g = ∇f", "s ← αs + (1 − α)g²", "w ← w − η·g/(√s + ε)")
    assert explanation.variables[0].lines_unicode == (
        "g = ∂f/∂w₁ = −4", "s ← 0.99·0 + 0.01·(−4)² = 0.16", "g/(√s + ε) = −4/(√0.16 + 1e−8) = −10",
        "w₁ ← 1 − 0.05·(−10) = 1.5",
    )


def test_centered_rmsprop_with_momentum_shows_every_buffer() -> None:
    explanation = explain_step(descend(RESIDUAL, (1.0, 1.0), name="rmsprop", lr=0.05, centered=True, momentum=0.5), 0)
    assert explanation.rule_unicode[1:] == (
        "s ← αs + (1 − α)g²", "ḡ ← αḡ + (1 − α)g", "b ← μb + g/(√(s − ḡ²) + ε)", "w ← w − ηb"
    )
    assert explanation.variables[0].lines_unicode[2:] == (
        "ḡ ← 0.99·0 + 0.01·(−4) = −0.04",
        "g/(√(s − ḡ²) + ε) = −4/(√(0.16 − (−0.04)²) + 1e−8) = −10.0504",
        "b ← 0.5·0 + (−10.0504) = −10.0504",
        "w₁ ← 1 − 0.05·(−10.0504) = 1.50252",
    )


def test_adam_shows_moments_and_their_bias_correction_in_five_lines_a_variable() -> None:
    """The bias corrections are worked once for the step; m̂, v̂ and the scaled step share a line (seven a variable
    made a block too tall for the dock)."""
    explanation = explain_step(descend(RESIDUAL, (1.0, 1.0), name="adam", lr=0.05), 0)
    assert explanation.rule_unicode == (
        "g = ∇f", "m ← β₁m + (1 − β₁)g", "v ← β₂v + (1 − β₂)g²", "m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ)",
        "w ← w − η·m̂/(√v̂ + ε)",
    )
    assert explanation.shared_unicode == ("t = 1,  1 − 0.9¹ = 0.1,  1 − 0.999¹ = 0.001",)
    assert explanation.variables[0].lines_unicode == (
        "g = ∂f/∂w₁ = −4",
        "m ← 0.9·0 + 0.1·(−4) = −0.4",
        "v ← 0.999·0 + 0.001·(−4)² = 0.016",
        "m̂ = −4,  v̂ = 16,  m̂/(√v̂ + ε) = −1",
        "w₁ ← 1 − 0.05·(−1) = 1.05",
    )
    assert explanation.variables[0].lines_latex[3] == (
        r"\hat{m} = -4,\quad \hat{v} = 16,\quad \frac{\hat{m}}{\sqrt{\hat{v}} + \epsilon} = -1")
    assert explanation.variables[0].lines_html[3] == (
        "<i>m̂</i> = −4,&nbsp; <i>v̂</i> = 16,&nbsp; <i>m̂</i>/(√<i>v̂</i> + <i>ε</i>) = −1")
    third = explain_step(descend(RESIDUAL, (1.0, 1.0), name="adam", lr=0.05), 2)
    assert third.shared_unicode == ("t = 3,  1 − 0.9³ = 0.271,  1 − 0.999³ = 0.002997",)
    assert third.variables[0].lines_unicode[1:] == (  # m̂ = −0.997084/0.271, v̂ = 0.04121/0.002997
        "m ← 0.9·(−0.73) + 0.1·(−3.40084) = −0.997084",
        "v ← 0.999·0.029674 + 0.001·(−3.40084)² = 0.04121",
        "m̂ = −3.67928,  v̂ = 13.7504,  m̂/(√v̂ + ε) = −0.992212",
        "w₁ ← 1.09986 − 0.05·(−0.992212) = 1.14947",
    )


def test_amsgrad_keeps_the_largest_second_moment() -> None:
    explanation = explain_step(descend(RESIDUAL, (1.0, 1.0), name="adam", lr=0.05, amsgrad=True), 2)
    assert "v_max ← max(v_max, v)" in explanation.rule_unicode
    assert explanation.variables[0].lines_unicode[3] == "v_max ← max(0.029674, 0.04121) = 0.04121"
    assert explanation.variables[0].lines_latex[3].startswith(r"v_{max} \leftarrow \max(")


def test_newton_shows_the_hessian_and_the_solved_step() -> None:
    explanation = explain_step(descend(BOWL, (1.0, 1.0), name="newton", lr=1.0, max_steps=1), 0, BOWL)
    assert explanation.rule_unicode == ("w ← w − ηH⁻¹∇f",)
    assert explanation.shared_unicode == ("∇f = (2, 20)", "H = [[2, 0], [0, 20]]", "H⁻¹∇f = (1, 1)")
    assert explanation.shared_latex[1] == r"H = \begin{pmatrix} 2 & 0 \\ 0 & 20 \end{pmatrix}"
    assert [variable.lines_unicode for variable in explanation.variables] == [
        ("x ← 1 − 1·1 = 0",), ("y ← 1 − 1·1 = 0",)
    ]
    assert explanation.lines("unicode") == (*explanation.shared_unicode, "x ← 1 − 1·1 = 0", "y ← 1 − 1·1 = 0")


def test_weight_decay_is_worked_into_g_with_the_sign_the_engine_uses() -> None:
    correct = explain_step(descend(RESIDUAL, (1.0, 1.0), lr=0.1, weight_decay=0.01), 0)
    assert correct.rule_unicode == ("g = ∇f + λw", "w ← w − ηg")
    assert correct.variables[0].lines_unicode[0] == "g = ∂f/∂w₁ + λw₁ = −4 + 0.01·1 = −3.99"
    wrong = explain_step(descend(RESIDUAL, (1.0, 1.0), lr=0.1, weight_decay=0.01, sign="wrong"), 0)
    assert wrong.rule_unicode == ("g = ∇f − λw", "w ← w + ηg")
    assert wrong.variables[0].lines_unicode == (
        "g = ∂f/∂w₁ − λw₁ = −4 − 0.01·1 = −4.01", "w₁ ← 1 + 0.1·(−4.01) = 0.599"
    )


# --- every number comes from the run ---------------------------------------------------------------------


def shown_number(value: float, style: str) -> str:
    """A number as the explanation prints it in a style."""
    return latex_math(sympy.Float(value)) if style == "latex" else format_number(value)


@pytest.mark.parametrize("sign", ["correct", "wrong"])
@pytest.mark.parametrize("variant", OPTIMIZER_VARIANTS, ids=variant_id)
def test_every_explanation_ends_on_the_runs_next_point(variant: dict[str, object], sign: str) -> None:
    run = descend(ROSENBROCK, (-1.5, 2.0), lr=variant.get("lr", 1e-4), sign=sign,
                  **{key: value for key, value in variant.items() if key != "lr"})
    assert len(run.steps) == 7, run.message
    for k in range(len(run.steps) - 1):
        explanation = explain_step(run, k, ROSENBROCK)
        assert explanation.new_point == run.steps[k + 1].point  # exactly, not approximately
        assert explanation.old_point == run.steps[k].point
        for variable, following in zip(explanation.variables, run.steps[k + 1].point, strict=True):
            for style in STYLES:
                lines = variable.lines(style)
                assert len(lines) == len(variable.lines_unicode)
                assert lines[-1].endswith(" = " + shown_number(following, style))
        for style in STYLES:
            assert len(explanation.rule(style)) == len(explanation.rule_unicode)
            assert len(explanation.shared(style)) == len(explanation.shared_unicode)
            assert all("<table" not in line for line in explanation.lines("html"))


@pytest.mark.parametrize("variant", OPTIMIZER_VARIANTS, ids=variant_id)
def test_replaying_the_fed_gradients_reproduces_the_runs_updates(variant: dict[str, object]) -> None:
    settings = OptimizerSettings(**{"lr": 1e-4, **variant, "sign": "wrong"})  # type: ignore[arg-type]
    run = run_descent(ROSENBROCK, RunSettings((-1.5, 2.0), settings, max_steps=6))
    gradients = -np.array([step.gradient for step in run.steps]) + settings.weight_decay * run.points
    states = list(replay_optimizer(settings, run.points[:-1], gradients[:-1], ROSENBROCK))
    assert [state.k for state in states] == list(range(6))
    for state, step in zip(states, run.steps, strict=False):
        assert tuple(state.update) == step.update
    for earlier, later in itertools.pairwise(states):
        assert earlier.after.keys() == later.before.keys()
        for name, buffer in earlier.after.items():
            assert np.array_equal(buffer, later.before[name])


def test_a_run_result_with_held_variables_is_explained_in_its_free_variables() -> None:
    compiled = analyze_in_process("x^2 + 10y^2 + x z + z^2").compiled
    spec = RunSpec(start={"x": 1.0, "y": 1.0, "z": 2.0}, optimizer="newton", lr=0.5, max_steps=3)
    result = compute_run(compiled, spec, ("y", "x"))
    explanation = explain_step(result, 1, compiled)
    assert [variable.variable for variable in explanation.variables] == ["y", "x"]
    assert explanation.new_point == result.run.steps[2].point
    assert explanation.shared_unicode[1] == "H = [[20, 0], [0, 2]]"


def test_newton_needs_the_objective() -> None:
    with pytest.raises(DescentError, match="needs the objective"):
        explain_step(descend(BOWL, (1.0, 1.0), name="newton", lr=1.0, max_steps=1), 0)


def test_only_steps_with_an_update_can_be_explained() -> None:
    run = descend(SHIFTED_PARABOLA, (0.0,), lr=0.1, max_steps=2)
    for k in (-1, 2):
        with pytest.raises(ValueError, match=r"no update was applied from step .* at steps 0 to 1"):
            explain_step(run, k)
    converged = descend(SHIFTED_PARABOLA, (3.0,), lr=0.1)
    with pytest.raises(ValueError, match="updates of this run: none"):
        explain_step(converged, 0)


def test_replay_refuses_mismatched_shapes() -> None:
    with pytest.raises(DescentError, match="one shape"):
        list(replay_optimizer(OptimizerSettings(), np.zeros((3, 2)), np.zeros((2, 2))))


@pytest.mark.parametrize("variant", [v for v in OPTIMIZER_VARIANTS if v["name"] != "newton"], ids=variant_id)
def test_steps_explained_in_any_order_match_a_fresh_explanation(variant: dict[str, object]) -> None:
    import gradviz.core.explain as explain

    run = descend(BOWL, (2.0, 1.0), max_steps=40, **variant)
    last = len(run.steps) - 2
    assert last > 10
    in_order = {k: explain_step(run, k) for k in (last, 3, last // 2, 0)}  # the replay is kept between calls
    for k, explanation in in_order.items():
        reached = [variable.new_value for variable in explanation.variables]
        assert reached == pytest.approx(run.steps[k + 1].point, rel=1e-12, abs=1e-300), "the step the run took"
        explain._REPLAYS.clear()
        assert explain_step(run, k) == explanation
