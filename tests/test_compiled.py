"""Compiled numeric functions: seed values, finite differences, broadcasting, non-finite results, pickling, floats."""

from __future__ import annotations

import itertools
import pickle
from dataclasses import replace

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.core.analysis import analyze_in_process
from gradviz.core.calculus import differentiate
from gradviz.core.compiled import CompiledFormula, CompiledSource, compile_formula, generate_source
from gradviz.core.errors import FormulaError
from gradviz.core.formula import Formula


def compiled_of(text: str, variables: tuple[str, ...] = ("x", "y")) -> CompiledFormula:
    """Compile the formula written in SymPy syntax over real variables."""
    symbols = {name: sympy.Symbol(name, real=True) for name in variables}
    expr = sympy.sympify(text, locals=symbols)
    return compile_formula(differentiate(Formula(text=text, expr=expr, variables=variables)))


@pytest.mark.parametrize(
    ("text", "variables", "point", "value", "gradient"),
    [
        ("3*x**2 + 2*x*y + y**3", ("x", "y"), (1, 2), 15, (10, 14)),
        ("(5 - w1 - 2*w2)**2", ("w1", "w2"), (1, 1), 4, (-4, -8)),
        ("(4 - 2*w1 - w2)**2", ("w1", "w2"), (1, 0), 4, (-8, -4)),
        ("x**2 + 3*y", ("x", "y"), (2, 1), 7, (4, 3)),
        ("(3 - 2*w - b)**2", ("w", "b"), (0, 0), 9, (-12, -6)),
        ("x**2*y + x*y**2", ("x", "y"), (2, 3), 30, (21, 16)),
        ("x**2 + 2*y**2 + 3*z**2", ("x", "y", "z"), (1, 1, 1), 6, (2, 4, 6)),
    ],
)
def test_seed_values_and_gradients(
    text: str, variables: tuple[str, ...], point: tuple, value: float, gradient: tuple
) -> None:
    found_value, found_gradient = compiled_of(text, variables).value_and_gradient(np.array(point, dtype=float))
    assert isinstance(found_value, float)
    assert found_value == pytest.approx(value)
    assert found_gradient.dtype == float
    np.testing.assert_allclose(found_gradient, gradient)


@pytest.mark.parametrize(
    ("text", "point", "gradient"),
    [
        ("Max(0, x) + y", (0.0, 0.0), (0.0, 1.0)),
        ("Max(0, x) + y", (1e-9, 0.0), (1.0, 1.0)),
        ("Abs(x)*y", (0.0, 3.0), (0.0, 0.0)),
        ("Abs(x)*y", (-2.0, 3.0), (-3.0, 2.0)),
        ("Max(x, y)", (1.0, 1.0), (1.0, 0.0)),  # a tie: the slope of the first argument (no typed order: SymPy's)
        ("Min(x, y)", (1.0, 2.0), (1.0, 0.0)),
    ],
)
def test_kinks_evaluate_with_their_conventions(text: str, point: tuple, gradient: tuple) -> None:
    _, found = compiled_of(text).value_and_gradient(point)
    np.testing.assert_array_equal(found, gradient)


SMOOTH_FORMULAS = [
    "3*x**2 + 2*x*y + y**3",
    "(1 - x)**2 + 100*(y - x**2)**2",
    "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
    "sin(x)*cos(y) + exp(-x**2 - y**2)*x",
    "log(1 + x**2 + y**2) + sqrt(1 + x**2)*y",
    "x/(1 + y**2) + atan(x*y)",
    "log(1 + exp(-x*y)) + tanh(x - y)",
]
coordinates = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(index=st.integers(0, len(SMOOTH_FORMULAS) - 1), point=st.tuples(coordinates, coordinates))
def test_gradient_matches_central_differences(index: int, point: tuple[float, float]) -> None:
    compiled = COMPILED_SMOOTH[index]
    center = np.array(point)
    _, found = compiled.value_and_gradient(center)
    for axis in range(2):
        step = np.zeros(2)
        step[axis] = 1e-6 * max(1.0, abs(center[axis]))
        ahead, _ = compiled.value_and_gradient(center + step)
        behind, _ = compiled.value_and_gradient(center - step)
        estimate = (ahead - behind) / (2 * step[axis])
        assert found[axis] == pytest.approx(estimate, rel=1e-5, abs=1e-5 * max(1.0, abs(ahead)))


@settings(max_examples=40, deadline=None)
@given(index=st.integers(0, len(SMOOTH_FORMULAS) - 1), point=st.tuples(coordinates, coordinates))
def test_hessian_is_symmetric_and_matches_gradient_differences(index: int, point: tuple[float, float]) -> None:
    compiled = COMPILED_SMOOTH[index]
    center = np.array(point)
    found = compiled.hessian(center)
    assert found.shape == (2, 2)
    assert found[0, 1] == found[1, 0]
    for axis in range(2):
        step = np.zeros(2)
        step[axis] = 1e-6 * max(1.0, abs(center[axis]))
        _, ahead = compiled.value_and_gradient(center + step)
        _, behind = compiled.value_and_gradient(center - step)
        estimate = (ahead - behind) / (2 * step[axis])
        np.testing.assert_allclose(found[axis], estimate, rtol=1e-4, atol=1e-4 * max(1.0, np.abs(ahead).max()))


COMPILED_SMOOTH = [compiled_of(text) for text in SMOOTH_FORMULAS]


def test_evaluate_broadcasts_constants_to_full_arrays() -> None:
    compiled = compiled_of("3*y + 2")
    xs = np.linspace(-1, 1, 5)[np.newaxis, :]
    ys = np.linspace(0, 2, 4)[:, np.newaxis]
    value, (d_dx, d_dy) = compiled.evaluate([xs, ys])
    assert value.shape == d_dx.shape == d_dy.shape == (4, 5)
    np.testing.assert_array_equal(d_dx, np.zeros((4, 5)))
    np.testing.assert_array_equal(d_dy, np.full((4, 5), 3.0))
    np.testing.assert_allclose(value, np.broadcast_to(3 * ys + 2, (4, 5)))


@pytest.mark.parametrize("text", ["max(x, 2y, 1 - x) + (x - y)^2", "min(x, y, x + y)", "max(x, y, 0)"])
def test_cases_with_joined_conditions_evaluate_on_the_grid(text: str) -> None:
    """A max of three terms has conditions joined by 'and': logical_and.reduce((a, b)) of a row and a column
    raised 'inhomogeneous shape', and the views kept the formula before, with no message."""
    compiled = analyze_in_process(text).compiled
    xs = np.linspace(-1.3, 1.1, 7)[np.newaxis, :]
    ys = np.linspace(-0.9, 1.7, 5)[:, np.newaxis]
    value, gradient = compiled.evaluate([xs, ys])
    assert value.shape == gradient[0].shape == gradient[1].shape == (5, 7)
    h = 1e-6
    for index, (dx, dy) in enumerate(((h, 0.0), (0.0, h))):
        ahead, _ = compiled.evaluate([xs + dx, ys + dy])
        behind, _ = compiled.evaluate([xs - dx, ys - dy])
        np.testing.assert_allclose(gradient[index], (ahead - behind) / (2 * h), atol=1e-5)


def test_evaluate_of_a_constant_formula() -> None:
    value, gradient = compiled_of("3", ("x", "y")).evaluate([np.zeros(7), np.ones(7)])
    np.testing.assert_array_equal(value, np.full(7, 3.0))
    assert all(component.shape == (7,) and not component.any() for component in gradient)


def test_evaluate_gives_every_output_its_own_array() -> None:
    compiled = compiled_of("exp(x + y)")
    xs = np.linspace(0, 1, 3)
    value, (d_dx, d_dy) = compiled.evaluate([xs, xs])
    assert len({id(value), id(d_dx), id(d_dy), id(xs)}) == 4
    value[:] = 0
    np.testing.assert_allclose(d_dx, np.exp(2 * xs))


def test_evaluate_never_hands_back_an_input() -> None:
    xs = np.linspace(0, 1, 3)
    value, _ = compiled_of("x", ("x",)).evaluate([xs])
    value[:] = -1
    np.testing.assert_array_equal(xs, [0, 0.5, 1])


def test_piecewise_and_max_broadcast_over_mixed_shapes() -> None:
    compiled = compiled_of("Max(x, y) + Max(0, x - 1)")
    xs = np.array([[-1.0, 0.0, 2.0]])
    ys = np.array([[0.0], [1.0]])
    value, (d_dx, d_dy) = compiled.evaluate([xs, ys])
    np.testing.assert_array_equal(value, [[0, 0, 3], [1, 1, 3]])
    np.testing.assert_array_equal(d_dx, [[0, 1, 2], [0, 0, 2]])  # x = y = 0: max's slope is x's
    np.testing.assert_array_equal(d_dy, [[1, 0, 0], [1, 1, 0]])


def test_domain_errors_give_nan_and_inf_without_warnings() -> None:
    compiled = compiled_of("log(x) + 1/y + sqrt(x)")
    value, gradient = compiled.value_and_gradient([-1.0, 0.0])
    assert np.isnan(value)
    assert np.isnan(gradient[0])
    assert np.isinf(gradient[1])
    value_grid, _ = compiled.evaluate([np.array([-1.0, 0.0, 1.0]), np.array([1.0, 1.0, 0.0])])
    assert np.isnan(value_grid[0])
    assert value_grid[1] == -np.inf
    assert value_grid[2] == np.inf


def test_overflow_gives_inf_without_warnings() -> None:
    value, gradient = compiled_of("exp(x**2)", ("x",)).value_and_gradient([100.0])
    assert value == np.inf
    assert gradient[0] == np.inf


def stable_sigmoid(x: float) -> float:
    """1/(1 + exp(−x)) by the textbook's stable formula: exp(x)/(1 + exp(x)) for negative x."""
    return 1 / (1 + np.exp(-x)) if x >= 0 else np.exp(x) / (1 + np.exp(x))


@pytest.mark.parametrize("x", [-800.0, -30.0, -1.0, 0.0, 2.0, 30.0, 800.0])
def test_sigmoid_and_softplus_stay_finite_where_exp_overflows(x: float) -> None:
    """exp(800) is inf: log(1 + exp(x)) and the sigmoid's slope exp(−x)/(1 + exp(−x))² gave inf and inf/inf = NaN."""
    sigmoid, its_mirror = stable_sigmoid(x), stable_sigmoid(-x)
    softplus = max(x, 0.0) + np.log1p(np.exp(-abs(x)))
    slope = sigmoid * its_mirror
    expected = [sigmoid + softplus, slope, sigmoid]
    compiled = compiled_of("1/(1 + exp(-x)) + log(1 + exp(y))")
    for arrays in ([x, x], [np.array([x]), np.array([x])]):
        value, gradient = compiled.evaluate(arrays)
        assert np.allclose(np.ravel([value, *gradient]), expected, rtol=1e-12, atol=0)
        hessian = compiled.evaluate_hessian(arrays)  # its entries add up terms of size ≤ 1: rounding 1e−16 absolute
        assert np.allclose(np.ravel(hessian), [slope * (its_mirror - sigmoid), 0, 0, slope], rtol=1e-9, atol=1e-14)
    value, gradient = compiled.value_and_gradient([x, x])
    assert np.allclose([value, *gradient], expected, rtol=1e-12, atol=0)


def test_a_logistic_loss_gradient_stays_finite_for_large_margins() -> None:
    """log(1 + exp(−w·x)) at w·x = −1000: the loss 1000 and the gradient −x, not inf and NaN."""
    compiled = compiled_of("log(1 + exp(-(2*w + b)))", ("w", "b"))
    value, gradient = compiled.value_and_gradient([-500.0, 0.0])
    assert value == pytest.approx(1000.0)
    assert gradient == pytest.approx([-2.0, -1.0])


@pytest.mark.parametrize(("x", "y"), [(800.0, 800.0), (800.0, -800.0), (-800.0, 800.0), (0.5, 0.25)])
def test_a_softmax_and_its_log_sum_exp_stay_finite_where_exp_overflows(x: float, y: float) -> None:
    """softmax's share exp(x)/(exp(x) + exp(y) + exp(−x)) and log(exp(x) + exp(y)), by the shift that keeps exp ≤ 1."""
    top = max(x, y, -x)
    ex, ey, e_minus_x = np.exp(x - top), np.exp(y - top), np.exp(-x - top)
    total = ex + ey + e_minus_x
    share = ex / total
    share_gradient = [share - share * (ex - e_minus_x) / total, -share * ey / total]
    value, gradient = compiled_of("exp(x)/(exp(x) + exp(y) + exp(-x))").value_and_gradient([x, y])
    assert np.allclose([value, *gradient], [share, *share_gradient], rtol=1e-12, atol=1e-300)
    value, gradient = compiled_of("log(exp(x) + exp(y))").value_and_gradient([x, y])
    larger = max(x, y)
    log_sum = larger + np.log(np.exp(x - larger) + np.exp(y - larger))
    assert np.allclose([value, *gradient], [log_sum, np.exp(x - log_sum), np.exp(y - log_sum)], rtol=1e-12)


def test_complex_results_count_as_undefined(monkeypatch) -> None:
    """The compiled code's own guard: differentiate refuses such a formula before it gets here."""
    from gradviz.core import calculus

    x = sympy.Symbol("x", real=True)
    formula = Formula(text="x + i", expr=x + sympy.I * sympy.Max(0, x), variables=("x",))
    with pytest.raises(FormulaError, match="not a real number"):
        differentiate(formula)
    monkeypatch.setattr(calculus, "_check_real", lambda *_args: None)
    compiled = compile_formula(differentiate(formula))
    assert not compiled.source.float_safe  # Python's complex arithmetic is not NumPy's
    assert np.isnan(compiled.value_and_gradient([1.0])[0])
    assert compiled.value_and_gradient([-1.0])[0] == -1.0
    value, _ = compiled.evaluate([np.array([-1.0, 1.0])])
    assert value[0] == -1.0 and np.isnan(value[1])


def test_hessian_at_a_point() -> None:
    hessian = compiled_of("x**2*y + y**3").hessian(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(hessian, [[4.0, 2.0], [2.0, 12.0]])


def test_hessians_on_arrays_are_the_hessians_at_each_point() -> None:
    compiled = compiled_of("x**2*y + y**3 + abs(x - 2*y)")
    xs, ys = np.array([1.0, -0.5, 3.0]), np.array([2.0, 0.25, -1.0])
    hessians = compiled.evaluate_hessian([xs, ys])
    assert hessians.shape == (3, 2, 2)
    for hessian, x, y in zip(hessians, xs, ys, strict=True):
        np.testing.assert_array_equal(hessian, compiled.hessian(np.array([x, y])))
    assert compiled_of("3*x + y").evaluate_hessian([xs, 1.0]).shape == (3, 2, 2)  # constant entries are broadcast


def test_a_formula_with_abs_min_max_or_relu_may_have_kinks() -> None:
    for text in ("abs(x) + y", "max(x, y)", "min(x, 1) y", "relu(x - y)"):
        assert analyze_in_process(text).compiled.kinked, text
    for text in ("x^2 + y^2", "sqrt(x^2 + 1)", "abs(x)^2 + y"):  # abs(x)² of a real x is x²
        assert not analyze_in_process(text).compiled.kinked, text


def test_point_of_the_wrong_size_is_rejected() -> None:
    with pytest.raises(ValueError, match="2 coordinates"):
        compiled_of("x + y").value_and_gradient([1.0])


def test_pickles_as_source_and_rebuilds() -> None:
    compiled = compiled_of("sin(x)*y**3")
    copy = pickle.loads(pickle.dumps(compiled))
    assert copy.source == compiled.source
    assert copy.variables == ("x", "y")
    assert copy.value_and_gradient([0.5, 2.0])[0] == compiled.value_and_gradient([0.5, 2.0])[0]
    np.testing.assert_array_equal(copy.hessian([0.5, 2.0]), compiled.hessian([0.5, 2.0]))


def test_generated_source_shares_terms_between_value_and_gradient() -> None:
    x, y = sympy.symbols("x y", real=True)
    formula = Formula(text="", expr=(1 - x) ** 2 + 100 * (y - x**2) ** 2, variables=("x", "y"))
    source = generate_source(differentiate(formula))
    assert source.value_and_gradient.startswith("def f_and_grad(x, y):")
    assert "_t0 = x**2" in source.value_and_gradient
    assert source.hessian.startswith("def hessian(x, y):")


def test_awkward_variable_names_become_safe_parameters() -> None:
    compiled = compiled_of("lambda_**2 + 3*numpy + _t0", ("lambda_", "numpy", "_t0"))
    compiled_keyword = compile_formula(
        differentiate(Formula(text="", expr=sympy.Symbol("lambda", real=True) ** 2, variables=("lambda",)))
    )
    assert compiled.value_and_gradient([1.0, 2.0, 3.0])[0] == 10.0
    assert compiled_keyword.value_and_gradient([3.0])[0] == 9.0


def test_functions_numpy_cannot_evaluate_are_a_formula_error() -> None:
    with pytest.raises(FormulaError, match="cannot be computed"):
        compiled_of("gamma(x) + y")


def test_generated_code_runs_without_builtins() -> None:
    source = CompiledSource(
        variables=("x",),
        value_and_gradient="def f_and_grad(x):\n    return open, (x,)\n",
        hessian="def hessian(x):\n    return ((0,),)\n",
    )
    with pytest.raises(NameError):
        CompiledFormula(source).value_and_gradient([1.0])


# --- evaluation on Python floats -------------------------------------------------------------------------

FLOAT_PATH_FORMULAS = [
    *SMOOTH_FORMULAS,
    "Max(0, x - 1) + Abs(y)",
    "Max(x, y, 2) + Min(x, y)",
    "log(x) + 1/y + sqrt(x)",
    "exp(x**2) + y**(-3)",
    "x**100 + 1/(x*y)",
    "asin(x) + acos(y) + sqrt(1 - x**2)",
    "sinh(x)*cosh(y) + tan(x*y)",
    "2**x + pi**y + sqrt(2)**(x*y)",
]
AWKWARD_COORDINATES = (0.0, -0.0, 1.0, -1.0, 1e-310, -1e-160, 1e155, -1e200, 700.0, -750.0, np.inf, -np.inf, np.nan)


def on_numpy_scalars(compiled: CompiledFormula) -> CompiledFormula:
    """The same formula with the float path switched off: always evaluated on NumPy scalars."""
    return CompiledFormula(replace(compiled.source, float_safe=False))


def bits(numbers: list[float]) -> list[str]:
    """The numbers exactly, as hex (every NaN reads 'nan')."""
    return [float(number).hex() for number in numbers]


@pytest.mark.parametrize("text", FLOAT_PATH_FORMULAS)
def test_python_floats_give_the_numbers_of_numpy_scalars(text: str) -> None:
    compiled = compiled_of(text)
    assert compiled.source.float_safe
    reference = on_numpy_scalars(compiled)
    randoms = np.random.default_rng(7).normal(size=(100, 2)) * np.repeat([0.01, 1.0, 30.0, 1e3], 25)[:, np.newaxis]
    for point in [*itertools.product(AWKWARD_COORDINATES, repeat=2), *randoms.tolist()]:
        with np.errstate(all="ignore"):
            value, gradient = compiled.value_and_gradient_floats(list(point))
            expected_value, expected_gradient = reference.value_and_gradient_floats(list(point))
        assert type(value) is float and {type(component) for component in gradient} == {float}
        assert bits([value, *gradient]) == bits([expected_value, *expected_gradient]), point
        found_value, found_gradient = compiled.value_and_gradient(point)  # sets the error state itself
        assert bits([found_value, *found_gradient]) == bits([value, *gradient])


@pytest.mark.parametrize(
    ("text", "float_safe"),
    [
        ("x**2 + y**3 + x**(-3)", True),
        ("sqrt(x) + sqrt(x**2 + y)", True),
        ("2**x + y", True),
        ("x**(1/3) + y", False),  # complex on a negative Python float, NaN on a NumPy scalar
        ("x*sqrt(x) + y", False),  # x**(3/2)
        ("1/sqrt(y) + x", False),  # its partial has y**(3/2)
        ("x**1.5 + y", False),
        ("x**y", False),
    ],
)
def test_formulas_with_fractional_powers_are_evaluated_on_numpy_scalars(text: str, float_safe: bool) -> None:
    compiled = compiled_of(text)
    assert compiled.source.float_safe is float_safe
    with np.errstate(all="ignore"):
        found = compiled.value_and_gradient_floats([-8.0, 2.0])
        expected = on_numpy_scalars(compiled).value_and_gradient_floats([-8.0, 2.0])
    assert bits([found[0], *found[1]]) == bits([expected[0], *expected[1]])


def test_where_python_raises_numpy_scalars_give_inf() -> None:
    compiled = compiled_of("1/x + y**100")
    assert compiled.source.float_safe
    value, gradient = compiled.value_and_gradient_floats([0.0, 1e10])  # Python: 1/0 and an overflowing power
    assert value == np.inf and gradient == (-np.inf, np.inf)


def test_float_path_refuses_a_point_of_the_wrong_size() -> None:
    with pytest.raises(ValueError, match="2 coordinates"):
        compiled_of("x + y").value_and_gradient_floats([1.0, 2.0, 3.0])


def test_hand_made_source_is_evaluated_on_numpy_scalars() -> None:
    source = CompiledSource(variables=("x",), value_and_gradient="def f_and_grad(x):\n    return 1/x, (x,)\n",
                            hessian="def hessian(x):\n    return ((0,),)\n")
    assert not source.float_safe
    assert CompiledFormula(source).value_and_gradient_floats([0.0]) == (np.inf, (0.0,))


def test_the_kink_functions_come_in_one_order_in_every_process() -> None:
    """max(|x|, |y − 1|)'s kinks came in an order set by each process's hash seed (1 and 4 differed)."""
    import os
    import subprocess
    import sys

    script = ("from gradviz.core.formula import parse_formula\nfrom gradviz.core.compiled import kink_functions\n"
              "print(kink_functions(parse_formula('max(abs(x), abs(y - 1)) + min(x, y, x - y)').expr))")
    orders = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in (1, 4)}
    assert len(orders) == 1 and "Abs(x) - Abs(y - 1)" in orders.pop()


def test_partial_scales_add_up_the_sizes_of_each_partials_terms() -> None:
    """The scale a partial's rounding is relative to: (3 − 2x − y)²'s ∂f/∂x = 8x + 4y − 12 has |8x| + |4y| + 12; a
    partial that is no sum is its own size; a source without partial_scales gives |∂f/∂xᵢ|."""
    compiled = compiled_of("(3 - 2*x - y)**2 + exp(y)")
    xs, ys = np.array([[1.2], [-1.0]]), np.array([0.6, 2.0])
    scales = compiled.evaluate_partial_scales([xs, ys])
    assert scales.shape == (2, 2, 2)
    np.testing.assert_allclose(scales[0], 8 * abs(xs) + 4 * abs(ys) + 12)
    np.testing.assert_allclose(scales[1], 4 * abs(xs) + 2 * abs(ys) + 6 + np.exp(ys))
    assert compiled.evaluate_partial_scales([1.2, 0.6])[0] == pytest.approx(24.0)  # where ∂f/∂x is 0 or rounding
    bare = CompiledFormula(replace(compiled.source, partial_scales=""))
    np.testing.assert_allclose(bare.evaluate_partial_scales([xs, ys]), np.abs(np.stack(compiled.evaluate([xs, ys])[1])))


def test_f_and_its_derivatives_are_undefined_where_the_formula_typed_is() -> None:
    """sqrt(x)^2 + y^2 is x + y² to SymPy: computed, f, ∇f and the Hessian are NaN where x < 0, as typed."""
    compiled = analyze_in_process("sqrt(x)^2 + y^2").compiled
    xs = np.array([-1.0, -1e-9, 0.0, 2.0])
    values, (df_dx, df_dy) = compiled.evaluate([xs, np.full(4, 3.0)])
    np.testing.assert_array_equal(values, [np.nan, np.nan, 9.0, 11.0])
    np.testing.assert_array_equal(df_dx, [np.nan, np.nan, 1.0, 1.0])
    np.testing.assert_array_equal(df_dy, [np.nan, np.nan, 6.0, 6.0])
    assert np.isnan(compiled.hessian([-1.0, 3.0])).all()
    np.testing.assert_array_equal(compiled.hessian([2.0, 3.0]), [[0.0, 0.0], [0.0, 2.0]])
    below, above = compiled.value_and_gradient_floats([-1.0, 3.0]), compiled.value_and_gradient_floats([2.0, 3.0])
    assert np.isnan(below[0]) and np.isnan(below[1]).all()
    assert above == (11.0, (1.0, 6.0))
    plain = analyze_in_process("x + y^2").compiled  # the same expression, typed so: defined everywhere
    assert plain.value_and_gradient_floats([-1.0, 3.0]) == (8.0, (1.0, 6.0))
