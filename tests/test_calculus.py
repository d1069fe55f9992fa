"""Symbolic derivatives: the seed examples, kink conventions, tidy forms and the clean-output guarantee."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy
from sympy.functions.elementary.miscellaneous import MinMaxBase

from gradviz.core.analysis import analyze_in_process
from gradviz.core.calculus import (
    ABS_NOTE,
    DELTA_NOTE,
    KINK_NOTE,
    differentiate,
    gradient,
    hessian,
    hessian_at,
    partials_at,
)
from gradviz.core.errors import FormulaError
from gradviz.core.formula import Formula, parse_formula
from gradviz.core.notation import latex_math, unicode_math

x, y, z, w, b, w1, w2 = sympy.symbols("x y z w b w1 w2", real=True)


def make_formula(expr: sympy.Expr, variables: tuple[str, ...] = ("x", "y"), name: str = "f") -> Formula:
    """A Formula built directly from a SymPy expression over real symbols."""
    return Formula(text=str(expr), expr=sympy.sympify(expr), variables=variables, name=name)


def exact_partials(expr: sympy.Expr, variables: tuple[str, ...], point: tuple[float, ...]) -> tuple:
    """The exact partial derivatives of ``expr`` at ``point``."""
    derivatives = differentiate(make_formula(expr, variables))
    return partials_at(derivatives, dict(zip(variables, point, strict=True)))


def test_seed_polynomial_partials_are_textbook_forms() -> None:
    derivatives = differentiate(make_formula(3 * x**2 + 2 * x * y + y**3))
    assert derivatives.partials == (6 * x + 2 * y, 2 * x + 3 * y**2)
    assert partials_at(derivatives, {"x": 1, "y": 2}) == (10, 14)
    assert derivatives.partial("y") == 2 * x + 3 * y**2
    assert derivatives.notes == ()


def test_seed_squared_error_partials() -> None:
    derivatives = differentiate(make_formula((5 - w1 - 2 * w2) ** 2, ("w1", "w2")))
    assert sympy.expand(derivatives.partials[0] - (-2) * (5 - w1 - 2 * w2)) == 0
    assert sympy.expand(derivatives.partials[1] - (-4) * (5 - w1 - 2 * w2)) == 0
    assert partials_at(derivatives, {"w1": 1, "w2": 1}) == (-4, -8)


@pytest.mark.parametrize(
    ("expr", "variables", "point", "expected"),
    [
        ((4 - 2 * w1 - w2) ** 2, ("w1", "w2"), (1, 0), (-8, -4)),
        (x**2 + 3 * y, ("x", "y"), (2, 1), (4, 3)),
        ((3 - 2 * w - b) ** 2, ("w", "b"), (0, 0), (-12, -6)),
        (x**2 * y + x * y**2, ("x", "y"), (2, 3), (21, 16)),
        (x**2 + 2 * y**2 + 3 * z**2, ("x", "y", "z"), (1, 1, 1), (2, 4, 6)),
    ],
)
def test_seed_examples(expr: sympy.Expr, variables: tuple[str, ...], point: tuple, expected: tuple) -> None:
    assert exact_partials(expr, variables, point) == expected


def test_product_rule_polynomial_stays_expanded() -> None:
    derivatives = differentiate(make_formula(x**2 * y + x * y**2))
    assert derivatives.partials == (2 * x * y + y**2, x**2 + 2 * x * y)


def test_loss_keeps_its_name_and_variable_order() -> None:
    derivatives = differentiate(make_formula((3 - 2 * w - b) ** 2, ("w", "b"), name="L"))
    assert derivatives.formula.name == "L"
    assert derivatives.variables == ("w", "b")
    assert derivatives.hessian == ((8, 4), (4, 2))


def test_hessian_of_three_variables_is_diagonal() -> None:
    derivatives = differentiate(make_formula(x**2 + 2 * y**2 + 3 * z**2, ("x", "y", "z")))
    assert derivatives.hessian == ((2, 0, 0), (0, 4, 0), (0, 0, 6))
    assert hessian_at(derivatives, {"x": 5, "y": -1, "z": 0}) == derivatives.hessian


def test_hessian_is_symmetric_entry_by_entry() -> None:
    derivatives = differentiate(make_formula(sympy.sin(x * y) * sympy.exp(x - y**2) + x**3 * y, ("x", "y")))
    first, second = derivatives.hessian
    assert first[1] == second[0]
    assert sympy.simplify(first[1] - sympy.diff(derivatives.formula.expr, x, y)) == 0


def test_gradient_and_hessian_helpers_match_differentiate() -> None:
    formula = make_formula(x**2 * y)
    assert gradient(formula) == (2 * x * y, x**2)
    assert hessian(formula) == ((2 * y, 2 * x), (2 * x, 0))
    derivatives = differentiate(formula)
    assert derivatives.gradient_matrix() == sympy.Matrix([2 * x * y, x**2])
    assert derivatives.hessian_matrix().is_symmetric()


def test_quotient_rule_result_is_tidied() -> None:
    (partial,) = differentiate(make_formula(x / (x**2 + 1), ("x",))).partials
    assert partial == (1 - x**2) / (x**2 + 1) ** 2


def test_tidy_never_lengthens_a_derivative() -> None:
    expr = sympy.log(1 + sympy.exp(-w * x)) + (x - 1) ** 2 / (w + 2)
    derivatives = differentiate(make_formula(expr, ("w", "x")))
    for symbol, partial in zip((w, x), derivatives.partials, strict=True):
        raw = sympy.diff(expr, symbol)
        assert sympy.count_ops(partial) <= sympy.count_ops(raw)
        assert sympy.simplify(partial - raw) == 0


def at(expr: sympy.Expr, **values: float) -> sympy.Expr:
    """``expr`` with the named real symbols replaced by numbers."""
    return expr.xreplace({sympy.Symbol(name, real=True): sympy.sympify(value) for name, value in values.items()})


def test_relu_derivative_is_zero_at_the_kink() -> None:
    derivatives = differentiate(make_formula(sympy.Max(0, x), ("x",)))
    (partial,) = derivatives.partials
    assert [at(partial, x=value) for value in (-1, 0, 2)] == [0, 0, 1]
    assert derivatives.hessian == ((0,),)
    assert KINK_NOTE in derivatives.notes
    assert DELTA_NOTE in derivatives.notes


def test_abs_derivative_is_sign_and_zero_at_the_kink() -> None:
    derivatives = differentiate(make_formula(sympy.Abs(x) + y, ("x", "y")))
    assert derivatives.partials == (sympy.sign(x), 1)
    assert at(derivatives.partials[0], x=0) == 0
    assert derivatives.hessian == ((0, 0), (0, 0))
    assert ABS_NOTE in derivatives.notes


def test_a_sign_times_a_power_of_its_argument_is_written_with_abs() -> None:
    """x/|x| had ∂f/∂x = 1/|x| − sign(x)/x, which is 0; |x|³ had x²·sign(x) + 2x·|x|, which is 3x·|x|."""
    assert differentiate(make_formula(x / sympy.Abs(x) + y)).partials == (0, 1)
    assert differentiate(make_formula(sympy.Abs(x) ** 3 + y)).partials[0] == 3 * x * sympy.Abs(x)
    assert differentiate(make_formula(x * sympy.Abs(x) + y)).partials[0] == 2 * sympy.Abs(x)
    assert differentiate(make_formula(sympy.Abs(x - y))).partials == (sympy.sign(x - y), -sympy.sign(x - y))


@pytest.mark.parametrize(("text", "at_tie", "beside"), [
    ("max(x, y)", [1, 0], [1, 0]), ("max(y, x)", [0, 1], [1, 0]),
    ("min(x, y)", [0, 1], [0, 1]), ("min(y, x)", [1, 0], [0, 1]),
])
def test_max_and_min_take_the_slope_of_the_argument_typed_first_or_last_at_a_tie(text: str, at_tie: list,
                                                                                beside: list) -> None:
    """∇max(x, y) was (0, 0) on the whole line x = y, which is no slope of max there (those add up to 1): a descent
    stopped on it as at a minimum max(x, y) does not have. A max takes its first typed tied argument's slope, a min
    its last's."""
    derivatives = differentiate(parse_formula(text))
    assert [at(partial, x=1, y=1) for partial in derivatives.partials] == at_tie
    assert [at(partial, x=2, y=1) for partial in derivatives.partials] == beside


@pytest.mark.parametrize("text", ["max(x, y, z)", "max(x, 2y, 1 - x)", "min(y, x, z)", "(max(x, y, z) - 1)^2",
                                  "x^2 + min(y, 2x, 1 - y)", "max(x, 1 - x) + y", "3max(x, y, 0, -x - y) - y"])
def test_a_max_or_min_has_one_case_for_each_argument_and_the_case_that_holds_is_the_slope(text: str) -> None:
    """∂/∂x of max(x, 2y, 1 − x) was a sum of two cases with max(x, 2y) in a condition: now one Piecewise whose rows
    compare one argument with the others, and the row that holds at a point has the slope of f there."""
    formula = parse_formula(text)
    derivatives = differentiate(formula)
    f = sympy.lambdify(formula.symbols, formula.expr, "math")
    points = np.random.default_rng(7).uniform(-2, 2, size=(40, len(formula.symbols)))
    step = 1e-6
    assert any(partial.has(sympy.Piecewise) for partial in derivatives.partials)
    for index, partial in enumerate(derivatives.partials):
        all_cases = partial.atoms(sympy.Piecewise)
        assert len(all_cases) <= 1
        for cases in all_cases:
            assert cases.args[-1] == (0, True)
            assert not any(condition.has(sympy.Max, sympy.Min) for _, condition in cases.args)
        for point in points:
            values = dict(zip(formula.symbols, (sympy.Float(value) for value in point), strict=True))
            holding = {cases: next(value for value, condition in cases.args if condition.xreplace(values) == sympy.true)
                       for cases in all_cases}
            shifted = [point + step * (np.arange(len(point)) == index) * sign for sign in (1, -1)]
            slope = (f(*shifted[0]) - f(*shifted[1])) / (2 * step)
            assert float(partial.xreplace(holding).xreplace(values)) == pytest.approx(slope, abs=1e-5), (text, point)


def _branch_at(expr: sympy.Expr, values: dict[sympy.Symbol, sympy.Expr], formula: Formula) -> sympy.Expr:
    """expr with each max and min (inner ones first) as its argument that is the largest (smallest) at the point, for a
    max the one typed first where several are (relu(u)'s 0 before its u), for a min the one typed last: the branch
    whose slope gradviz takes there."""
    if not expr.args:
        return expr
    if not isinstance(expr, (sympy.Max, sympy.Min)):
        return expr.func(*(_branch_at(argument, values, formula) for argument in expr.args))
    typed = {frozenset(arguments): arguments for _, arguments in formula.spelling.flat_arguments()}
    branches = [_branch_at(argument, values, formula) for argument in typed.get(frozenset(expr.args), expr.args)]
    heights = [branch.xreplace(values) for branch in branches]
    if isinstance(expr, sympy.Max):
        return branches[heights.index(max(heights))]
    return branches[len(heights) - 1 - heights[::-1].index(min(heights))]


@pytest.mark.parametrize("text", ["relu(relu(x) - y)", "(x^2 - max(y, 2x))^2", "(x - max(x, y))^2",
                                  "relu(2 - relu(x + y))", "min(relu(x), y)", "max(min(x, y), 0)^2",
                                  "(x^2 - max(y, 2x))^2 + (x - y)^2", "relu(relu(x) - relu(y))"])
def test_a_chain_through_kinks_is_one_set_of_cases_with_the_slope_everywhere(text: str) -> None:
    """The chain rule through a max, min or relu is one Piecewise, not a product of cases or cases in a bracket; and at
    every point of a grid full of ties (x = 0, y = 2x, x = y…) it is the plain derivative with each step 0 at its
    kink the slope of the argument typed first (last, for a min) among those that tie (see _branch_at), printed and
    as the views compute it (on a row of x against a column of y)."""
    analysis = analyze_in_process(text)
    formula, derivatives = analysis.formula, analysis.derivatives
    grid = [sympy.Rational(value, 2) for value in range(-5, 6)]
    xs, ys = np.array(grid, dtype=float)[np.newaxis, :], np.array(grid, dtype=float)[:, np.newaxis]
    _, computed = analysis.compiled.evaluate([xs, ys])
    for symbol, partial, on_grid in zip(formula.symbols, derivatives.partials, computed, strict=True):
        (cases,) = partial.atoms(sympy.Piecewise)
        assert cases in sympy.Add.make_args(partial), partial  # a term of its own: in no product, in no bracket
        for (column, x_value), (row, y_value) in itertools.product(enumerate(grid), repeat=2):
            values = dict(zip(formula.symbols, (x_value, y_value), strict=True))
            expected = sympy.diff(_branch_at(formula.expr, values, formula), symbol).xreplace(values)
            assert partial.xreplace(values) == expected, (text, symbol, x_value, y_value)
            assert on_grid[row, column] == pytest.approx(float(expected)), (text, symbol, x_value, y_value)


@pytest.mark.parametrize(("text", "point", "gradient"), [
    ("max(x, y, z)", (1, 1, 0), [1, 0, 0]), ("max(z, y, x)", (1, 1, 0), [0, 1, 0]),
    ("max(y, z, x)", (1, 1, 1), [0, 1, 0]), ("max(x, y, z)", (1, 0, 1), [1, 0, 0]),
    ("max(z, x, y)", (0, 1, 1), [0, 0, 1]), ("max(x, y, z)", (1, 0, 0), [1, 0, 0]),
    ("min(x, y, z)", (0, 0, 1), [0, 1, 0]), ("min(z, y, x)", (0, 0, 1), [1, 0, 0]),
    ("min(y, x, z)", (0, 0, 0), [0, 0, 1]),
    ("max(x, 2y, x + y)", (2, 0, 0), [1, 0, 0]), ("max(x, 2y, x + y)", (1, 1, 0), [0, 2, 0]),
    ("max(x + y, x, 2y)", (1, 1, 0), [1, 1, 0]),
])
def test_a_max_or_min_of_three_takes_the_slope_of_the_argument_typed_first_or_last_among_those_that_tie(
        text: str, point: tuple, gradient: list) -> None:
    """Where two or three arguments tie for the largest (smallest) the gradient is that of the one typed first (last,
    for a min) among them, a slope f has beside the tie: it was 0 by every one of them (its components add up to the
    tied argument's)."""
    derivatives = differentiate(parse_formula(text, ("x", "y", "z")))
    values = dict(zip("xyz", point, strict=True))
    assert [at(partial, **values) for partial in derivatives.partials] == gradient


def test_a_max_of_many_planes_has_each_of_its_maxima_of_fewer_evaluated_by_sympy_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """SymPy compares every pair of a max's arguments each time it makes one: the steps of the max of five planes asked
    for the same maxima of four over two hundred times (the max of eight planes in eight variables took seconds)."""
    evaluations = []
    evaluate = MinMaxBase.__new__

    def counted(kind: type, *arguments: sympy.Expr, **options: object) -> sympy.Expr:
        evaluations.append(kind)
        return evaluate(kind, *arguments, **options)

    monkeypatch.setattr(MinMaxBase, "__new__", staticmethod(counted))
    derivatives = differentiate(parse_formula("max(x + y, x - y, 2x + z, y - z, z - x)", ("x", "y", "z")))
    assert len(evaluations) <= 28  # 233 each time anew, 33 with doit making the partials' maxima anew
    assert [at(partial, x=1, y=0.5, z=0.2) for partial in derivatives.partials] == [2, 0, 1]  # 2x + z is the largest


@pytest.mark.parametrize(
    "expr",
    [
        sympy.Max(0, x) * y,
        sympy.Max(0, x * y - 1) ** 2,
        sympy.Abs(x - y) * sympy.Max(x, y),
        x * sympy.sign(x) + sympy.Min(x, 0) ** 3,
        sympy.Heaviside(x) * y,
        sympy.sqrt(x**2 + 1) * sympy.Max(0, y - x),
    ],
)
def test_no_distribution_or_unevaluated_derivative_leaves(expr: sympy.Expr) -> None:
    derivatives = differentiate(make_formula(expr))
    forbidden = (sympy.Heaviside, sympy.DiracDelta, sympy.Derivative, sympy.Subs)
    for item in (*derivatives.partials, *(entry for row in derivatives.hessian for entry in row)):
        assert not item.has(*forbidden), item


def test_kink_notes_are_left_to_the_formula_when_it_has_its_own() -> None:
    noted = Formula(text="relu(x)", expr=sympy.Max(0, x), variables=("x",), notes=("relu: slope 0 at 0",))
    assert differentiate(noted).notes == (DELTA_NOTE,)


def test_notes_are_not_repeated() -> None:
    derivatives = differentiate(make_formula(sympy.Max(0, x) + sympy.Max(0, y) + sympy.Max(x, y)))
    assert len(derivatives.notes) == len(set(derivatives.notes))


def test_underivable_function_is_a_formula_error() -> None:
    unknown = sympy.Function("g")
    with pytest.raises(FormulaError, match="cannot differentiate"):
        differentiate(make_formula(unknown(x) + y))


def test_expression_with_foreign_symbols_is_rejected() -> None:
    plain_x = sympy.Symbol("x")  # not real: a parser bug, not a user error
    with pytest.raises(ValueError, match="not its variables"):
        differentiate(Formula(text="x", expr=plain_x, variables=("x",)))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # it showed ∂f/∂x = ix/√(x² + 1); f itself is told of, not its partial as tidying happened to write it
        ("sqrt(-1 - x^2)", "f is not a real number anywhere: it is i times a real number"),
        ("sqrt(-1 - x^2) + y", "f is not a real number anywhere"),
        ("(-1)^x + y", "∂f/∂x is not a real number"),  # (−1)^x·iπ
        ("0^x + y^2", "∂f/∂x has no value anywhere"),  # ∂f/∂x = nan: no run could start anywhere
    ],
)
def test_a_formula_whose_slope_is_no_real_number_is_refused(text: str, message: str) -> None:
    from gradviz.core.analysis import analyze_in_process

    with pytest.raises(FormulaError, match=message.replace("(", r"\(").replace(")", r"\)")):
        analyze_in_process(text)
    assert analyze_in_process("sqrt(-x) + y").derivatives.partials  # undefined for x > 0 only: kept


@pytest.mark.parametrize(("text", "gradient"), [("max(x, y) + min(x, y)", [1, 1]), ("max(x, y) min(x, y)", [1, 1]),
                                                ("min(y, x) + max(y, x)", [1, 1]), ("max(x, y) + min(y, x)", [1, 1]),
                                                ("min(y, x) + max(x, y)", [1, 1]), ("max(x, y) min(y, x)", [1, 1])])
def test_a_max_and_a_min_of_the_same_arguments_keep_the_slope_of_what_they_add_up_to_at_a_tie(text: str,
                                                                                             gradient: list) -> None:
    """max(x, y) + min(x, y) is x + y and max(x, y)·min(x, y) is xy, but both took the first typed argument's slope at
    x = y: ∇f = (2, 0) and (2, 0) at (1, 1), not (1, 1), the tangents off their curves. Typed in other orders
    (max(x, y) + min(y, x)) they did so still: each broke its tie in its own typed order."""
    derivatives = differentiate(parse_formula(text))
    assert [at(partial, x=1, y=1) for partial in derivatives.partials] == gradient


@pytest.mark.parametrize(("text", "starts"), [
    ("max(x, y) + min(x, y)", []),  # x + y: its partials print as 1 and 1
    ("max(x, y) min(y, x) + x/2y", ["x/2y is read"]),  # xy + xy/2: the note on reading x/2y stays
    ("max(x, y) - min(y, x)", ["max is", "min is", "At a kink"]),  # 2max(x, y) − x − y
    ("max(x, y) + min(x, y) + relu(x)", ["max is", "min is", "relu is", "At a kink"]),  # relu's kink is left
    ("x abs(x)", ["abs is"]),  # ∂f/∂x = 2|x|: the Hessian has abs's kink
])
def test_notes_on_kinks_are_shown_while_a_partial_as_printed_has_a_kink(text: str, starts: list[str]) -> None:
    """max(x, y) + min(x, y) printed ∂f/∂x = 1 and ∂f/∂y = 1 under notes that max and min are not differentiable and
    that the second derivative has a spike at a kink: x + y has none."""
    shown = differentiate(parse_formula(text)).shown_notes
    assert len(shown) == len(starts) and all(note.startswith(start) for note, start in zip(shown, starts, strict=True))


@pytest.mark.parametrize(("text", "printed", "latex"), [
    ("y*2^x", "y·2^x·ln(2)", r"y \cdot 2^{x} \ln{\left(2 \right)}"),
    ("2^x y", "2^x·ln(2)·y", r"2^{x} \ln{\left(2 \right)} y"),  # it was y·2^x·ln(2)
    ("sin(y)*2^x", "sin(y)·2^x·ln(2)", r"\sin{\left(y \right)} \cdot 2^{x} \ln{\left(2 \right)}"),
    ("2^x y z", "2^x·ln(2)·yz", r"2^{x} \ln{\left(2 \right)} y z"),  # it was yz·2^x·ln(2)
    ("sin(x) y", "cos(x)·y", r"\cos{\left(x \right)} y"),  # it was y·cos(x)
    ("y sin(x)", "y·cos(x)", r"y \cos{\left(x \right)}"),
    ("cos(x) y^2", "−sin(x)·y²", r"- \sin{\left(x \right)} y^{2}"),  # it was −y²·sin(x)
    ("sin(x^2) y", "2x·cos(x²)·y", r"2 x \cos{\left(x^{2} \right)} y"),  # the inner derivative 2x before cos
    ("y sin(x^2)", "2xy·cos(x²)", r"2 x y \cos{\left(x^{2} \right)}"),  # letters side by side: xy, not yx
    ("y x^3", "3x²y", "3 x^{2} y"),  # letters alone: as a monomial is written
])
def test_the_chain_rules_factors_stand_where_the_factor_they_came_from_was_typed(text: str, printed: str,
                                                                                 latex: str) -> None:
    """∂/∂x of 2^x·y printed y·2^x·ln(2), of sin(x)·y y·cos(x): SymPy's order, not the typed one."""
    derivatives = differentiate(parse_formula(text))
    partial, spelling = derivatives.partials[0], derivatives.partial_spelling(0)
    assert (unicode_math(partial, spelling), latex_math(partial, spelling)) == (printed, latex)
    assert partial == sympy.diff(derivatives.formula.expr, x)  # written in another order, the same derivative


def test_second_partials_by_another_variable_keep_the_typed_order() -> None:
    derivatives = differentiate(parse_formula("2^x y z"))
    printed = [unicode_math(partial, derivatives.partial_spelling(index))
               for index, partial in enumerate(derivatives.partials)]
    assert printed == ["2^x·ln(2)·yz", "2^x·z", "2^x·y"]  # ∂f/∂y was z·2^x


def test_secant_cosecant_and_cotangent_are_their_quotients_with_the_textbook_slopes() -> None:
    """sec, csc and cot, which calculus courses use, were unknown functions."""
    analysis = analyze_in_process("sec(x) + csc(y) + cot(x*y)")
    u, v = analysis.derivatives.formula.symbols
    expected = 1 / sympy.cos(u) + 1 / sympy.sin(v) + sympy.cos(u * v) / sympy.sin(u * v)
    assert analysis.derivatives.formula.expr == expected
    x, y = 0.3, 0.7
    value, (slope_x, slope_y) = analysis.compiled.value_and_gradient((x, y))
    secant, cosecant, cotangent = 1 / np.cos(x), 1 / np.sin(y), np.cos(x * y) / np.sin(x * y)
    assert value == pytest.approx(secant + cosecant + cotangent, rel=1e-12)
    assert slope_x == pytest.approx(secant * np.tan(x) - y / np.sin(x * y) ** 2, rel=1e-12)  # (sec)' = sec·tan
    assert slope_y == pytest.approx(-cosecant / np.tan(y) - x / np.sin(x * y) ** 2, rel=1e-12)  # (csc)' = −csc·cot
