"""The cases of max, min, relu and abs as printed: one brace per function in its typed place, and the printed text
holds the values of the partials (read back from the text, not from the expression behind it)."""

from __future__ import annotations

import itertools
import math
import pickle
import random

import pytest
import sympy

from gradviz.core.analysis import Analysis, analyze_in_process
from gradviz.core.formula import parse_formula
from gradviz.core.notation import latex_equations, unicode_math

RELATIONS = {">": lambda a, b: a > b, "<": lambda a, b: a < b, "≥": lambda a, b: a >= b, "≤": lambda a, b: a <= b,
             "=": lambda a, b: a == b}
KINK_MARGIN = 1e-3  # points closer than this to a kink are not sampled: there the cases follow a convention


def _top_level_split(text: str, separator: str) -> list[str]:
    """The text cut at each separator outside brackets and braces."""
    pieces, depth, start, index = [], 0, 0, 0
    while index < len(text):
        character = text[index]
        depth += character in "({"
        depth -= character in ")}"
        if depth == 0 and text.startswith(separator, index):
            pieces.append(text[start:index])
            index += len(separator)
            start = index
            continue
        index += 1
    return [*pieces, text[start:]]


def _number(text: str, variables: tuple[str, ...], point: dict[str, float]) -> float:
    """A printed expression with no cases in it, read by gradviz's own parser, at the point."""
    expr = parse_formula(text.replace("·", " "), variables).expr
    return float(expr.subs({sympy.Symbol(name, real=True): value for name, value in point.items()}))


def _holds(condition: str, variables: tuple[str, ...], point: dict[str, float]) -> bool:
    """Whether a printed condition (relations joined by 'and' and 'or', 'or's bracketed inside an 'and') holds."""
    alternatives = _top_level_split(condition, " or ")
    if len(alternatives) > 1:
        return any(_holds(part, variables, point) for part in alternatives)
    conjuncts = _top_level_split(condition, " and ")
    if len(conjuncts) > 1:
        return all(_holds(part, variables, point) for part in conjuncts)
    condition = condition.strip()
    if condition.startswith("(") and condition.endswith(")") and len(_top_level_split(condition[1:-1], " ")) > 1:
        return _holds(condition[1:-1], variables, point)
    for operator, compare in RELATIONS.items():
        sides = _top_level_split(condition, f" {operator} ")
        if len(sides) == 2:
            return compare(*(_value(side, variables, point) for side in sides))
    raise AssertionError(f"not a condition: {condition!r}")


def _cases_value(cases: str, variables: tuple[str, ...], point: dict[str, float]) -> float:
    """The value of printed cases '{v if c; w otherwise}': the first row whose condition holds."""
    for row in _top_level_split(cases, "; "):
        if row.endswith(" otherwise"):
            return _value(row.removesuffix(" otherwise"), variables, point)
        value, condition = _top_level_split(row, " if ")
        if _holds(condition, variables, point):
            return _value(value, variables, point)
    raise AssertionError(f"no case of {{{cases}}} holds at {point} and none is 'otherwise'")


def _closing(text: str, start: int) -> int:
    """Where the bracket or brace opened at start closes."""
    depth = 0
    for end in range(start, len(text)):
        depth += text[end] in "({"
        depth -= text[end] in ")}"
        if depth == 0:
            return end
    raise AssertionError(f"unclosed bracket in {text!r}")


def _value(text: str, variables: tuple[str, ...], point: dict[str, float]) -> float:
    """A printed expression at the point, each set of cases and each sign(u) in it (not typed functions) worked out
    first."""
    while "{" in text or "sign(" in text:
        start = text.index("{") if "{" in text else text.index("sign(") + len("sign")
        end = _closing(text, start)
        inner = text[start + 1:end]
        if text[start] == "{":
            value = _cases_value(inner, variables, point)
        else:
            argument = _value(inner, variables, point)
            value = math.copysign(1.0, argument) if argument else 0.0  # sign(0) is 0
            start -= len("sign")
        text = f"{text[:start]}({value:.15g}){text[end + 1:]}"  # the parser takes at most 15 digits
    return _number(text, variables, point)


def _kinks(expr: sympy.Expr) -> list[sympy.Expr]:
    """The differences that are 0 on a kink of expr: two arguments of a max or min alike, an abs's argument 0."""
    differences = [argument for absolute in expr.atoms(sympy.Abs) for argument in absolute.args]
    for extreme in expr.atoms(sympy.Max, sympy.Min):
        differences += [a - b for index, a in enumerate(extreme.args) for b in extreme.args[index + 1:]]
    return differences


def _sample_points(analysis: Analysis, count: int) -> list[dict[str, float]]:
    """Points away from every kink of f, the same each run."""
    formula = analysis.formula
    kinks = [sympy.lambdify(formula.symbols, difference) for difference in _kinks(formula.expr)]
    generator = random.Random(1)
    points: list[dict[str, float]] = []
    while len(points) < count:
        coordinates = [generator.uniform(-3, 3) for _ in formula.variables]
        if all(abs(kink(*coordinates)) > KINK_MARGIN for kink in kinks):
            points.append(dict(zip(formula.variables, coordinates, strict=True)))
    return points


def printed_partials(analysis: Analysis) -> list[str]:
    """Each partial as the formula panel prints it (one-line Unicode)."""
    derivatives = analysis.derivatives
    return [unicode_math(partial, derivatives.partial_spelling(index))
            for index, partial in enumerate(derivatives.partials)]


KINKED_FORMULAS = [
    "max(x, y)", "min(x, y)", "max(x, y, x + y)", "min(x, y, x + y)", "max(x, 2y, 1 - x)", "min(x, 2y, 1 - x)",
    "min(y, x, x - y)", "max(x, x + y)", "relu(x - y)", "relu(y - x)", "relu(1 - x) + y", "relu(x) + relu(-x)",
    "abs(x) + abs(x - y)", "abs(x) y", "relu(x) relu(y)", "max(x, y) min(x, y)", "(relu(x) + relu(y))^2",
    "(relu(x) + relu(-x))^2", "(max(x, y) + relu(x))^2", "min(x, y, x + y) + relu(x - y) + abs(x) - max(x^2, y)",
    "relu(relu(x) - y) + max(0, y)", "min(max(x, y), 1)", "max(relu(x), y)", "(x^2 - max(y, 2x))^2",
    "3max(x, y, x + y) - 2min(x, y)", "x max(x, y, 1) + y abs(x - 1)", "relu(max(x, y, x + y) - 1)",
    "max(x, relu(y - x), 1 - y)", "max(x, relu(y - x))", "min(x, y) max(x, y, x + y)", "relu(2 - relu(x + y))",
    "max(x, y) + min(x, y)", "min(y, x) + max(y, x) + x", "max(x + 2y, x + y)", "min(x - y, x + y)",
    "max(x + y, x + z)",
    # functions over the same kinks, as one brace or one value: relu(x) − relu(−x) + y is x + y, and
    # max(x, y) − min(x, y) − abs(x − y) is 0
    "relu(x) - relu(-x) + y", "max(x, 0) + min(x, 0)", "max(x, y, z) + min(x, y, z)",
    "max(x, y) - min(x, y) - abs(x - y)", "max(x, y) - min(x, y) + abs(x - y)", "max(x, y) + relu(x - y)",
    "relu(x) + abs(x) + y", "sin(relu(x) - relu(-x)) y", "max(x, y, x + y) + min(x, y, x + y)",
]


@pytest.mark.parametrize("text", KINKED_FORMULAS)
def test_the_printed_cases_have_the_values_of_the_numeric_partials(text: str) -> None:
    """Away from the kinks each printed partial, read back from its text, is the compiled partial and f's slope."""
    analysis = analyze_in_process(text)
    variables = analysis.formula.variables
    printed = printed_partials(analysis)
    step = 1e-6
    for point in _sample_points(analysis, 12):
        coordinates = [point[name] for name in variables]
        _, gradient = analysis.compiled.value_and_gradient(coordinates)
        for index, (name, partial) in enumerate(zip(variables, printed, strict=True)):
            shifted = [list(coordinates), list(coordinates)]
            shifted[0][index] += step
            shifted[1][index] -= step
            slope = (analysis.compiled.value_and_gradient(shifted[0])[0]
                     - analysis.compiled.value_and_gradient(shifted[1])[0]) / (2 * step)
            assert gradient[index] == pytest.approx(slope, rel=1e-5, abs=1e-5), (name, point)
            assert _value(partial, variables, point) == pytest.approx(gradient[index], rel=1e-9, abs=1e-9), (
                f"∂f/∂{name} = {partial} at {point}")


def _tie_points(analysis: Analysis) -> list[dict[str, float]]:
    """The points of a grid of halves that are on a kink of f: two arguments of a max or min alike, an abs's argument
    0 (the grid's numbers and their sums are exact in floating point)."""
    formula = analysis.formula
    kinks = [sympy.lambdify(formula.symbols, difference) for difference in _kinks(formula.expr)]
    grid = [value / 2 for value in range(-4, 5)]
    points = [dict(zip(formula.variables, coordinates, strict=True))
              for coordinates in itertools.product(grid, repeat=len(formula.variables))
              if any(kink(*coordinates) == 0 for kink in kinks)]
    assert points, analysis.formula.text
    return points


@pytest.mark.parametrize("text", KINKED_FORMULAS)
def test_on_the_kinks_the_printed_cases_have_the_values_of_the_numeric_partials(text: str) -> None:
    """Where arguments of a max or min tie (or an abs's argument is 0) the printed partials, read back from their text,
    are what the views and the descent compute: the convention lives in the derivative, not in one of its forms."""
    analysis = analyze_in_process(text)
    variables = analysis.formula.variables
    printed = printed_partials(analysis)
    for point in _tie_points(analysis):
        _, gradient = analysis.compiled.value_and_gradient([point[name] for name in variables])
        for index, (name, partial) in enumerate(zip(variables, printed, strict=True)):
            assert _value(partial, variables, point) == pytest.approx(gradient[index], rel=1e-9, abs=1e-9), (
                f"∂f/∂{name} = {partial} at {point}")


@pytest.mark.parametrize(("text", "expected"), [
    # a row for each argument that is the smallest, though two of them have the slope 1: it was one row,
    # 1 if (y > 0 or x < 0) and (y > 0 or y < 0) and (x < 0 or x < y) and (y < 0 or x < y)
    # at a tie the argument typed first has the slope: ≤ (≥) against those typed after it, < (>) against those before
    ("min(x, y, x + y)", ["{1 if x < y and y > 0; 1 if y ≤ 0 and x ≤ 0; 0 otherwise}",
                          "{1 if y ≤ x and x > 0; 1 if y ≤ 0 and x ≤ 0; 0 otherwise}"]),
    ("max(x, y, x + y)", ["{1 if x ≥ y and y ≤ 0; 1 if y > 0 and x > 0; 0 otherwise}",
                          "{1 if y > x and x ≤ 0; 1 if y > 0 and x > 0; 0 otherwise}"]),
    ("max(x, x + y)", ["1", "{1 if y > 0; 0 otherwise}"]),  # y < 0 or…
    ("max(y, x)", ["{1 if x > y; 0 otherwise}", "{1 if y ≥ x; 0 otherwise}"]),
    # each function's cases in its typed term's place: min's and relu's were one brace, after sign(x) and −max's
    ("min(x, y, x + y) + relu(x - y) + abs(x) - max(x^2, y)",
     ["{1 if x < y and y > 0; 1 if y ≤ 0 and x ≤ 0; 0 otherwise} + {1 if x > y; 0 otherwise} + sign(x)"
      " + {−2x if x² ≥ y; 0 otherwise}",
      "{1 if y ≤ x and x > 0; 1 if y ≤ 0 and x ≤ 0; 0 otherwise} + {−1 if x > y; 0 otherwise}"
      " + {−1 if y > x²; 0 otherwise}"]),
    # the cases of two functions over one kink are one brace: it was {1 if x > 0; 0 otherwise} + {−1 if x < 0; …}
    ("relu(x) + relu(-x)", ["{1 if x > 0; −1 if x < 0; 0 otherwise}"]),
    ("relu(-x - y)", ["{−1 if x + y < 0; 0 otherwise}", "{−1 if x + y < 0; 0 otherwise}"]),  # it was −x − y > 0
    # relu's argument's own condition: it was x < y
    ("relu(y - x)", ["{−1 if y > x; 0 otherwise}", "{1 if y > x; 0 otherwise}"]),
    ("relu(1 - x) + y", ["{−1 if 1 > x; 0 otherwise}", "1"]),  # it was x < 1
    ("max(x, relu(y - x))", ["{1 if x ≥ 0 and x ≥ y − x; −1 if y − x > x and y − x > 0; 0 otherwise}",
                             "{1 if y − x > x and y − x > 0; 0 otherwise}"]),  # a max's argument compared as typed
    # a bracket with two sets of cases is the factors times each: it was 2({1 if x > y; …} + {1 if x > 0; …})(…)
    ("(max(x, y) + relu(x))^2", ["{2(x + relu(x)) if x ≥ y; 0 otherwise} + {2(x + max(x, y)) if x > 0; 0 otherwise}",
                                 "{2(y + relu(x)) if y > x; 0 otherwise}"]),
    ("(relu(x) + relu(-x))^2", ["2x"]),  # x²: it was {2x if x > 0; 0 otherwise} + {2x if x < 0; 0 otherwise}
    ("relu(x) - relu(-x) + y", ["1", "1"]),  # x + y: it was {1 if x > 0; 0 otherwise} + {1 if x < 0; 0 otherwise}
    ("max(x, 0) + min(x, 0)", ["1"]),  # x: it was {1 if x ≥ 0; 0 otherwise} + {1 if 0 > x; 0 otherwise}
    ("max(x, y, z) + min(x, y, z)", ["{1 if x ≥ y and x ≥ z; 1 if x < y and x < z; 0 otherwise}",
                                     "{1 if y > x and y ≥ z; 1 if y ≤ x and y < z; 0 otherwise}",
                                     "{1 if z > x and z > y; 1 if z ≤ x and z ≤ y; 0 otherwise}"]),
    ("max(x, y) - min(x, y) - abs(x - y)", ["0", "0"]),  # 0: it was {1 if x ≥ y; −1 if y > x} − sign(x − y)
    # values added where the cases of each hold together, the tie a case of its own; abs's sign(u) as cases
    ("max(x, y) + relu(x - y)", ["{2 if x > y; 1 if x = y; 0 otherwise}", "{−1 if x > y; 1 if y > x; 0 otherwise}"]),
    ("relu(x) + abs(x) + y", ["{2 if x > 0; −1 if x < 0; 0 otherwise}", "1"]),
    ("relu(x) + x^3 + relu(-x)", ["{1 if x > 0; −1 if x < 0; 0 otherwise} + 3x²"]),  # in the first one's place
    # six cases in one brace read worse than two and two
    ("max(x, y, x + y) + min(x, y, x + y)",
     ["{1 if x ≥ y and y ≤ 0; 1 if y > 0 and x > 0; 0 otherwise} + {1 if x < y and y > 0; 1 if y ≤ 0 and x ≤ 0; "
      "0 otherwise}",
      "{1 if y > x and x ≤ 0; 1 if y > 0 and x > 0; 0 otherwise} + {1 if y ≤ x and x > 0; 1 if y ≤ 0 and x ≤ 0; "
      "0 otherwise}"]),
    # a step times a max's cases: a row for each, with no part the others imply (x > y follows from x > 1 and y < 0);
    # it was 1 if (x > 0 or y < 0) and (y > 0 or y < 0) and max(x, y, x + y) > 1 and (x > 0 or x > y) and …
    ("relu(max(x, y, x + y) - 1)",
     ["{1 if x > 1 and y ≤ 0; 1 if x > 0 and y > 0 and x + y > 1; 0 otherwise}",
      "{1 if y > 1 and x ≤ 0; 1 if x > 0 and y > 0 and x + y > 1; 0 otherwise}"]),
])
def test_the_cases_of_each_kink_read_as_a_textbook_writes_them(text: str, expected: list[str]) -> None:
    assert printed_partials(analyze_in_process(text)) == expected


@pytest.mark.parametrize(("text", "point"), [
    ("relu(x) - relu(-x) + y", (0.0, 0.5)), ("sin(relu(x) - relu(-x)) y", (0.0, 2.0)),
    ("max(x, y) - min(x, y) - abs(x - y)", (1.5, 1.5)), ("max(x, 0) + min(x, 0)", (0.0,)),
    ("(relu(x) + relu(-x))^2 + relu(x) - relu(-x)", (0.0,)),
])
def test_where_kinks_cancel_the_gradient_on_them_is_the_slope_of_f_there(text: str, point: tuple[float, ...]) -> None:
    """relu(x) − relu(−x) + y is x + y, but its ∂f/∂x at x = 0 was 0, each relu's slope at its kink; ∇f of
    max(x, y) − min(x, y) − abs(x − y), which is 0, was (1, −1) on x = y. Where f has no kink its gradient on the
    kinks of its terms is its slope there, as the views, the descent and the printed partials have it, and no note on
    kinks is shown."""
    analysis = analyze_in_process(text)
    _, gradient = analysis.compiled.value_and_gradient(point)
    step = 1e-4
    for index, partial in enumerate(printed_partials(analysis)):
        shifted = [[*point[:index], point[index] + sign * step, *point[index + 1:]] for sign in (1, -1)]
        slope = (analysis.compiled.value_and_gradient(shifted[0])[0]
                 - analysis.compiled.value_and_gradient(shifted[1])[0]) / (2 * step)
        assert gradient[index] == pytest.approx(slope, abs=1e-6), (text, index)
        assert "{" not in partial and "sign" not in partial, partial
    assert not any("kink" in note for note in analysis.derivatives.shown_notes)


def test_the_rows_of_one_value_stay_apart_in_latex_after_the_worker_sends_them() -> None:
    """Copy as LaTeX prints the derivatives the symbolic worker pickled: SymPy's Piecewise merged their rows again."""
    derivatives = pickle.loads(pickle.dumps(analyze_in_process("min(x, y, x + y) + relu(x - y)").derivatives))
    assert latex_equations(derivatives)[1] == (
        r"\frac{\partial f}{\partial x} = \begin{cases} 1 & \text{if }x < y\text{ and }y > 0 \\ "
        r"1 & \text{if }y \leq 0\text{ and }x \leq 0 \\ 0 & \text{otherwise} \end{cases} + "
        r"\begin{cases} 1 & \text{if }x > y \\ 0 & \text{otherwise} \end{cases}")
