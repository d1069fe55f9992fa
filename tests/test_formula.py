"""The safe formula parser: forgiving notation, exact results, specific refusals, no eval anywhere."""

from __future__ import annotations

import ast
import builtins
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
import sympy
import sympy.parsing.sympy_parser
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gradviz.core import formula as formula_module
from gradviz.core.errors import FormulaError
from gradviz.core.formula import (
    MAX_EXPONENT,
    MAX_NESTING,
    MAX_TEXT_LENGTH,
    MAX_TOKENS,
    MAX_VARIABLES,
    Formula,
    parse_formula,
)

FORMULA_SOURCE = Path(formula_module.__file__)

x, y, z, w, b, w1, w2 = sympy.symbols("x y z w b w1 w2", real=True)
theta, alpha = sympy.symbols("θ α", real=True)


def _forbidden(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("the formula parser must never evaluate text")


@contextmanager
def _evaluation_forbidden() -> Iterator[None]:
    """Booby-trap eval, exec, sympify and parse_expr (only around parsing: Hypothesis itself uses exec)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "eval", _forbidden)
        patch.setattr(builtins, "exec", _forbidden)
        patch.setattr(sympy, "sympify", _forbidden)
        patch.setattr(sympy.parsing.sympy_parser, "parse_expr", _forbidden)
        yield


def parse(text: str, variables: Sequence[str] | None = None) -> Formula:
    """parse_formula, with every way of evaluating text booby-trapped; every test here parses through it."""
    with _evaluation_forbidden():
        return parse_formula(text, variables)


def test_the_booby_traps_are_armed() -> None:
    with _evaluation_forbidden():
        with pytest.raises(AssertionError):
            eval("1")
        with pytest.raises(AssertionError):
            sympy.sympify("1")
        with pytest.raises(AssertionError):
            sympy.parsing.sympy_parser.parse_expr("1")
    assert eval("1") == 1


# ---------------------------------------------------------------------------------------------
# Formulas that parse


EXAMPLES: list[tuple[str, sympy.Expr, tuple[str, ...]]] = [
    ("3x² + 2xy + y³", 3 * x**2 + 2 * x * y + y**3, ("x", "y")),
    ("(5 - w1 - 2w2)^2", (5 - w1 - 2 * w2) ** 2, ("w1", "w2")),
    ("(1-x)^2 + 100(y-x^2)^2", (1 - x) ** 2 + 100 * (y - x**2) ** 2, ("x", "y")),
    ("sin(x) + cos(y)", sympy.sin(x) + sympy.cos(y), ("x", "y")),
    ("e^(-x^2-y^2)", sympy.exp(-(x**2) - y**2), ("x", "y")),
    ("x²y + xy²", x**2 * y + x * y**2, ("x", "y")),
    ("x^2 + 2y^2 + 3z^2", x**2 + 2 * y**2 + 3 * z**2, ("x", "y", "z")),
    ("(4 - 2w₁ - w₂)²", (4 - 2 * w1 - w2) ** 2, ("w1", "w2")),
    ("x^2 + 3y", x**2 + 3 * y, ("x", "y")),
    ("(3 - 2w - b)^2", (3 - 2 * w - b) ** 2, ("w", "b")),  # a model's weights, then its bias
    ("(w-3)^2", (w - 3) ** 2, ("w",)),
    ("x^4 - 3.5x^2 + 0.5x", x**4 - sympy.Rational(7, 2) * x**2 + x / 2, ("x",)),
    ("sigmoid(x)", 1 / (1 + sympy.exp(-x)), ("x",)),
    ("relu(x-1)", sympy.Max(0, x - 1), ("x",)),
    ("max(x, y)", sympy.Max(x, y), ("x", "y")),
    ("abs(x)", sympy.Abs(x), ("x",)),
    ("ln(x)", sympy.log(x), ("x",)),
    ("√(x²+y²)", sympy.sqrt(x**2 + y**2), ("x", "y")),
    ("f(x,y) = x·y", x * y, ("x", "y")),
    ("L(w, b) = (3 - 2w - b)^2", (3 - 2 * w - b) ** 2, ("w", "b")),
]


@pytest.mark.parametrize(("text", "expected", "variables"), EXAMPLES, ids=[case[0] for case in EXAMPLES])
def test_examples_parse_to_the_expected_expression(text: str, expected: sympy.Expr, variables: tuple[str, ...]) -> None:
    parsed = parse(text)
    assert isinstance(parsed, Formula)
    assert parsed.text == text
    assert parsed.expr == expected
    assert parsed.variables == variables
    assert parsed.expr.free_symbols <= set(parsed.symbols)


NOTATION: list[tuple[str, sympy.Expr]] = [
    ("x**2 + y^2", x**2 + y**2),
    ("-x^2", -(x**2)),
    ("2x^2", 2 * x**2),
    ("x^-1", 1 / x),
    ("x⁻¹ + y⁴", 1 / x + y**4),
    ("x^2^3", x**8),
    ("2^3^2 + x", 512 + x),
    ("2(x+1)", 2 * (x + 1)),
    ("100(y-x^2)^2", 100 * (y - x**2) ** 2),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("x sin(y)", x * sympy.sin(y)),
    ("2 pi x", 2 * sympy.pi * x),
    ("2πx", 2 * sympy.pi * x),
    ("3xy", 3 * x * y),
    ("xyz", x * y * z),
    ("x y", x * y),
    ("xy^2", x * y**2),
    ("xe^x", x * sympy.exp(x)),
    ("e^x + e", sympy.exp(x) + sympy.E),
    ("x × y ∗ z", x * y * z),
    ("x ÷ 2 − y", x / 2 - y),
    ("1/2x", x / 2),
    ("√x", sympy.sqrt(x)),
    ("√2x", sympy.sqrt(2) * x),
    ("√(x+1)^2", (x + 1)),
    ("sin²(x) + cos^2(x)", sympy.sin(x) ** 2 + sympy.cos(x) ** 2),
    ("x_1 + x_2", sympy.Symbol("x_1", real=True) + sympy.Symbol("x_2", real=True)),
    ("θ^2 + α", theta**2 + alpha),
    ("theta^2 + 3 theta alpha", theta**2 + 3 * theta * alpha),  # a keyboard has no θ: its name is read as it
    ("Delta^2 + lambda", sympy.Symbol("Δ", real=True) ** 2 + sympy.Symbol("λ", real=True)),
    ("theta1 + theta_2", sympy.Symbol("θ1", real=True) + sympy.Symbol("θ_2", real=True)),
    ("ｘ＋１", x + 1),
    ("x\u3000+\u00a0y\u200b", x + y),
    (
        "tanh(x) + atan(y) + sinh(x) + cosh(y) + asin(x) + acos(y) + tan(x)",
        sympy.tanh(x) + sympy.atan(y) + sympy.sinh(x) + sympy.cosh(y) + sympy.asin(x) + sympy.acos(y) + sympy.tan(x),
    ),
    (
        "exp(x) + log(y) + sqrt(x) + softplus(y)",
        sympy.exp(x) + sympy.log(y) + sympy.sqrt(x) + sympy.log(1 + sympy.exp(y)),
    ),
    ("min(x, y, 1)", sympy.Min(x, y, 1)),
    ("x + -y", x - y),  # a negative added: two signs in a row that are meant (see test_two_signs_in_a_row…)
    ("x +- y", x - y),
    ("x*-y", -x * y),
    ("0.1x", x / 10),
    ("2.5x", sympy.Rational(5, 2) * x),
    (".5x", x / 2),
    ("1e-3x + 2e3y", x / 1000 + 2000 * y),
    ("2e-x", 2 * sympy.E - x),
    ("1.234567891x", sympy.Float("1.234567891", 15) * x),
]


@pytest.mark.parametrize(("text", "expected"), NOTATION, ids=[case[0] for case in NOTATION])
def test_forgiving_notation(text: str, expected: sympy.Expr) -> None:
    assert parse(text).expr == expected


def test_short_decimals_are_exact_and_long_ones_are_floats() -> None:
    assert parse("0.1 + x").expr == sympy.Rational(1, 10) + x
    long_decimal = parse("3.14159265358979x").expr.as_coeff_Mul()[0]
    assert isinstance(long_decimal, sympy.Float)


PRESET_FORMULAS = [
    "L(w) = (w - 3)^2",
    "L(w1, w2) = (w1 - 3)^2 + (w2 + 1)^2",
    "f(x) = x^4 - 3.4x^2 + 0.5x",
    "f(x, y) = (1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2",
    "f(x, y) = (4 - 2.1x^2 + x^4/3) x^2 + x y + (-4 + 4y^2) y^2",
    "f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2",
    "f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "f(x, y) = x^3 - 3x y^2",
    "f(x, y, z) = x^2 + 2y^2 + 3z^2",
]


@pytest.mark.parametrize("text", PRESET_FORMULAS)
def test_typical_lesson_formulas_parse(text: str) -> None:
    parsed = parse(text)
    assert parsed.variables == tuple(text[text.index("(") + 1 : text.index(")")].replace(" ", "").split(","))


def test_six_hump_camel_reads_as_written() -> None:
    parsed = parse("f(x, y) = (4 - 2.1x^2 + x^4/3) x^2 + x y + (-4 + 4y^2) y^2")
    expected = (4 - sympy.Rational(21, 10) * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2
    assert sympy.expand(parsed.expr - expected) == 0


# ---------------------------------------------------------------------------------------------
# Header, variables and their order


def test_header_names_the_function_and_fixes_the_order() -> None:
    parsed = parse("L(w1, w2) = (5 - w1 - 2w2)^2")
    assert parsed.name == "L"
    assert parsed.variables == ("w1", "w2")
    assert parse("g(y, x) = x + y").variables == ("y", "x")
    assert parse("x + y").name == "f"


@pytest.mark.parametrize(("text", "name", "order"), [
    ("f = x^2 + y^2", "f", ("x", "y")),
    ("L = (3 - 2w - b)^2", "L", ("w", "b")),
    ("y = x^2", "y", ("x",)),  # the parabola, as a textbook names it
])
def test_a_name_alone_before_the_equals_sign_names_the_function(text: str, name: str, order: tuple[str, ...]) -> None:
    """'f = x^2 + y^2', as students write it, was refused: 'write the formula without f =, or use f(x, y) ='."""
    formula = parse_formula(text)
    assert formula.name == name and formula.variables == order


def test_header_variables_unused_in_the_body_are_still_variables() -> None:
    parsed = parse("f(x, y) = x^2")
    assert parsed.variables == ("x", "y")
    assert parse("f(x, y) = 3").expr == 3


def test_header_may_declare_a_longer_name() -> None:
    parsed = parse("f(speed) = speed^2 + 1")
    assert parsed.variables == ("speed",)
    assert parsed.expr == sympy.Symbol("speed", real=True) ** 2 + 1


@pytest.mark.parametrize(
    ("text", "variables"),
    [
        ("w10 + w2 + w1", ("w1", "w2", "w10")),
        ("b + z + y + x + a", ("x", "y", "z", "a", "b")),
        ("θ + α", ("α", "θ")),
        ("x_2 + x_10 + x_1", ("x_1", "x_2", "x_10")),
    ],
)
def test_default_variable_order(text: str, variables: tuple[str, ...]) -> None:
    assert parse(text).variables == variables


def test_variables_argument_fixes_the_order_and_may_add_names() -> None:
    assert parse("x + y", variables=("y", "x")).variables == ("y", "x")
    assert parse("x^2", variables=("x", "y")).variables == ("x", "y")
    assert parse("f(x, y) = x", variables=("y", "x")).variables == ("y", "x")


@pytest.mark.parametrize(("text", "order"), [
    ("x y z", ("x", "y", "z")),
    ("y + z + a", ("y", "z", "a")),
    ("x^2 + b", ("x", "b")),  # no weights: b is any variable
    ("w x + b", ("w", "b", "x")),
    ("(y - w1 x1 - w2 x2)^2", ("w1", "w2", "y", "x1", "x2")),  # the data y, x₁, x₂ held, not plotted
    ("w10 + w2 + w1", ("w1", "w2", "w10")),
    ("x^2 + y^2 + z w", ("x", "y", "z", "w")),  # one w beside x, y, z: just another variable
])
def test_without_a_header_a_models_weights_come_first(text: str, order: tuple[str, ...]) -> None:
    assert parse(text).variables == order


def test_reparsing_with_the_known_order_gives_the_same_formula() -> None:
    for text in ("(3 - 2w - b)^2", "f(speed) = speed^2", "3x² + 2xy + y³"):
        first = parse(text)
        again = parse(text, first.variables)
        assert (again.expr, again.variables) == (first.expr, first.variables)
    body_only = parse("speed^2", variables=("speed",))
    assert body_only.variables == ("speed",)


@pytest.mark.parametrize(
    ("text", "variables", "message"),
    [
        ("x + z", ("x", "y"), "'z' is not one of the variables of (x, y)"),
        ("f(x, y) = x", ("x",), "header variable y"),
        ("x", ("sin",), "is a function"),
        ("x", ("e", "x"), "is a constant"),
        ("x", ("x", "x"), "twice"),
        ("x", "xy", "not one string"),
        ("x", ("x y",), "cannot be a variable name"),
        ("x", tuple("abcdfghij"), f"limit {MAX_VARIABLES}"),
    ],
)
def test_bad_variables_argument(text: str, variables: tuple[str, ...], message: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(text, variables)
    assert message in caught.value.message


# ---------------------------------------------------------------------------------------------
# Refusals, each with a specific message and the position in the text as typed

REFUSALS: list[tuple[str, str, int | None]] = [
    ("", "type a formula", None),
    ("   ", "type a formula", None),
    ("sinx", "unknown name 'sinx' — did you mean sin(x)?", 0),
    ("2 + xcos(y)", "did you mean x*cos(…)?", 4),
    ("2 + xcosy", "did you mean x*cos(y)?", 4),
    ("pix", "did you mean pi*x?", 0),
    ("foo(x)", "unknown function 'foo'", 0),
    ("atan2(y, x)", "unknown function 'atan2': write atan(y/x) for atan2(y, x)", 0),
    ("1 + expm1(x)", "unknown function 'expm1': write exp(x) - 1", 4),
    ("1 + Sin(x)", "did you mean sin", 4),
    ("xy(x+1)", "unknown function 'xy' (for a product write x*y*(…))", 0),
    ("loss", "unknown name 'loss'", 0),
    ("x + speed", "unknown name 'speed': to use it as a variable, name it in a header: f(x, speed) = x + speed", 4),
    ("f(x) = x + speed", "to use it as a variable, add it to the header: f(x, speed) = x + speed", 11),
    ("E = mass*c^2", "unknown name 'mass': to use it as a variable, name it in a header: E(mass, c) = mass*c^2", 4),
    ("speed + sin(x) + height^2 + 1", "name it in a header: f(speed, x, height) = speed + sin(x) + height^2 + 1", 0),
    ("x + speed + mass*(height - 2)^2 + velocity^2", "f(x, speed, mass, height, velocity) = …", 4),
    ("xy + speed", "unknown name 'speed': to use it as a variable, name it in a header, like f(speed, …) = …", 5),
    ("second + x", "unknown name 'second': to use it as a variable, name it in a header, like f(second, …) = …, or "
     "did you mean sec(ond)?", 0),
    ("x^exponent", "name it in a header, like f(exponent, …) = …, or did you mean exp(onent)?", 2),
    ("cosec(x)", "unknown function 'cosec': write csc(x)", 0),
    ("2 secant(x)", "unknown function 'secant': write sec(x)", 2),
    ("tg(x)", "unknown function 'tg': did you mean tan?", 0),
    ("sign(x)", "unknown function 'sign': write x/abs(x)", 0),
    ("x + sgn(y)", "unknown function 'sgn': write x/abs(x) for sgn(x)", 4),
    ("signum(x)", "unknown function 'signum': write x/abs(x)", 0),
    ("THETA^2", "type θ", 0),
    ("x + thetax", "unknown name 'thetax'", 4),
    ("ab_1", "subscripted name", 0),
    ("e2 + x", "e is a constant", 0),
    ("sin x", "sin needs parentheses", 0),
    ("x < 1", "comparisons", 2),
    ("x <= 1", "comparisons", 2),
    ("x == 1", "comparisons", 2),
    ("x != 1", "'!'", 2),
    ("x % 2", "'%'", 2),
    ("x & y", "'&'", 2),
    ("x | y", "unmatched '|'", 2),
    ("|x", "unmatched '|'", 0),
    ("| |", "empty", 0),
    ("x @ y", "'@'", 2),
    ("x[0]", "brackets", 1),
    ("{x}", "braces", 0),
    ("x.real", "'.' is only allowed inside a number", 1),
    ("().__class__", "'.'", 2),
    ("lambda: 1", "':'", 6),
    ("x:y", "':'", 1),
    ("'abc'", "quotes", 0),
    ('x + "y"', "quotes", 4),
    ("x;y", "';'", 1),
    ("x = 1", "without 'x ='", 2),
    ("x = x^2 + 1", "without 'x ='", 2),  # an equation in x, not a function named x
    ("f = 5", "for a constant write f(x, y) = 5", 3),
    ("e = x^2", "'e' is built in", 0),
    ("x + y = 1", "'=' is only allowed after a header", 6),
    ("f(x) = x = 1", "only one '='", 9),
    ("x\\y", "backslash", 1),
    ("3!", "'!'", 1),
    ("x // 2", "'//'", 2),
    ("x $ 2", "'$'", 2),
    ("x² + ½", "'½'", 5),
    ("\u202ex - y", "U+202E, a mark that changes the order text is shown in", 0),  # shown as "y - x"
    ("x\u2067 + 2y", "the box would show another formula than the one used", 1),
    ("e\u0301 + x", "U+0301, a mark that combines with the character before it, is not allowed", 1),
    ("0x1F", "hexadecimal", 0),
    ("x + 0b101", "binary", 4),
    ("1j", "imaginary", 0),
    ("x + 2J", "imaginary", 4),
    ("1e400", "number 1e400 is too large (limit 1e15)", 0),
    ("1e99999999 + x", "out of range", 0),
    ("1e-20 + x", "too small", 0),
    ("1_000 x", "'_' cannot separate digits", 1),
    ("_x", "'_'", 0),
    ("5. + x", "malformed number '5.'", 0),
    ("1.2.3 + x", "malformed number '1.2.3'", 0),
    ("1234567890.1234567x", "15 significant digits", 0),
    ("((x)", "unmatched '('", 0),
    ("(x))", "unmatched ')'", 3),
    ("x + (y", "unmatched '('", 4),
    ("x +", "'+' needs something after it", 2),
    ("x^", "'^' needs something after it", 1),
    ("x ** ", "'**' needs something after it", 2),
    ("* x", "'*' needs something before it", 0),
    ("(x + ) * y", "'+' needs something after it", 3),
    ("()", "empty parentheses", 0),
    ("x + ()", "empty parentheses", 4),
    ("x 2", "missing operator before 2", 2),
    ("(x+1)2", "missing operator before 2", 5),
    ("x, y", "','", 1),
    ("max(x, )", "',' needs something after it", 5),
    ("sin()", "sin() needs 1 argument", 0),
    ("sin(x, y)", "sin takes 1 argument (got 2)", 0),
    ("max(x)", "max needs at least 2 arguments (got 1)", 0),
    ("sin^-1(x)", "positive whole power", 4),
    ("x⁻ + 1", "superscript", 1),
    ("5", "no variables", None),
    ("0/0", "division by zero", 2),  # it said "no variables": the constant's own fault comes first
    ("log(0)", "log(0) is undefined", 0),
    ("f(x, y) =", "type a formula after '='", 8),
    ("f(x, x) = x", "listed twice", 5),
    ("f(x, 2) = x", "header lists variable names", 5),
    ("sin(x) = x", "built in", 0),
    ("f() = 3", "at least one variable", 1),
    ("f(e) = e", "is a constant", 2),
    ("f(x) = x + y", "'y' is not one of the variables of f(x): name it in the header too", 11),
    ("sqrt(-1) + x", "sqrt(-1) is not a real number", 0),
    ("x + log(-2)", "log(-2) is not a real number", 4),
    ("asin(2) * x", "asin(2) is not a real number", 0),
    ("x + √-4", "√-4 is not a real number", 4),
    ("(-8)^(1/3) + x", "is not a real number", 0),
    ("x/0", "division by zero", 2),
    ("x/(x - x)", "division by zero", 2),
    ("x/exp(-800)", "x/exp(-800) is out of range", 0),
    ("0^-1 + x", "division by zero", 0),
    ("log(0) + x", "log(0) is undefined", 0),
    ("tan(pi/2) + x", "undefined", 0),
    ("(w_1 - 1)^2 + (w₁ - 2)^2", "w1 and w_1 are two variables written alike, w₁", None),  # shown as f(w₁, w₁)
    ("x + oo", "'oo' (infinity) cannot be in a formula", 4),  # it was read as o·o
    ("asinh(x)", "unknown function 'asinh': write ln(x + sqrt(x^2 + 1))", 0),  # it said "did you mean asin(h)?"
    ("logistic(x)", "write sigmoid(x) for the logistic function", 0),  # "log(istic)?"
    ("tanh2(x)", "unknown function 'tanh2'", 0),  # "tanh(2)?"
    ("expand((x + y)^2)", "unknown function 'expand'", 0),  # "exp(and)?"
    ("sin2x", "did you mean sin(2x)?", 0),  # "sin(2)?"
    ("sin⁻¹(x)", "for the inverse function write asin(…)", 3),
    ("cos^-1(x)", "for the inverse function write acos(…)", 4),
    ("x*nan", "'nan' (not a number) cannot be in a formula", 2),  # and n·a·n
    ("f(beta, β) = beta - β", "beta and β are two variables written alike, β", None),  # shown as β − β
    ("sinxcosx", "did you mean sin(x)*cos(x)?", 0),  # "sin(xcosx)?"
    ("expxsinx", "did you mean exp(x)*sin(x)?", 0),  # "e*x*p*x*sin(x)?"
    ("pisinx", "did you mean pi*sin(x)?", 0),
    ("0,5x^2 + y", "a decimal point is written '.', not ',': 0.5", 1),  # "',' is only allowed between arguments"
    ("f(x, y) = 1,25x + y", "a decimal point is written '.', not ',': 1.25", 11),
    ("х + y", "it is the Cyrillic х, type the Latin x", 0),  # "'х' is not allowed", showing what looks like x
    ("x + ж", "it is a Cyrillic letter", 4),
    ("log(x, 2)", "write log2(x), log10(x) or log(x)/log(b)", 0),
    ("log_2(x)", "write log2(x), log10(x) or log(x)/log(b)", 0),  # "a subscripted name is one letter"
]


@pytest.mark.parametrize(("text", "message", "position"), REFUSALS, ids=[case[0] or "empty" for case in REFUSALS])
def test_refusals_name_the_problem_and_its_place(text: str, message: str, position: int | None) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(text)
    assert message in caught.value.message
    assert caught.value.position == position
    if position is not None:
        assert position < caught.value.end <= len(text)


def test_error_positions_count_characters_as_typed() -> None:
    with pytest.raises(FormulaError) as caught:
        parse("ｘ² · ｙ₁ + θ # 2")
    assert caught.value.position == 12
    assert "'#'" in caught.value.message


def test_formula_must_be_text() -> None:
    with pytest.raises(FormulaError, match="text"):
        parse(3)  # type: ignore[arg-type]


SECURITY_PROBES = [
    "__import__('os').system('echo hi')",
    "__import__",
    "().__class__.__base__.__subclasses__()",
    "lambda: 1",
    "x.evalf",
    "x.evalf()",
    "'abc'",
    'eval("1")',
    "eval(x)",
    "exec",
    "exec(x)",
    "globals()",
    "locals()",
    "getattr(x, y)",
    "open(x)",
    "import os",
    "Symbol(x)",
    "Integer(1) + x",
    "sympify(x)",
    "x if y else z",
    "[x for x in y]",
    "{}",
    "x; y",
    "f(x) = exec(x)",
    "sin(x).__class__",
    "os.system",
    "x.__dict__",
    "Function('f')(x)",
]


@pytest.mark.parametrize("text", SECURITY_PROBES)
def test_classic_sympify_exploits_are_refused(text: str) -> None:
    with pytest.raises(FormulaError):
        parse(text)


def test_lambda_alone_is_the_greek_letter_never_python_s_keyword() -> None:
    assert parse("lambda").expr == sympy.Symbol("λ", real=True)


def _real(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("E**x + I", _real("E") ** x + _real("I")),
        ("x\ny", x * y),
    ],
)
def test_sympy_names_are_only_letters_here(text: str, expected: sympy.Expr) -> None:
    assert parse(text).expr == expected


@pytest.mark.parametrize("text", ["oo + x", "zoo * x", "nan + x"])
def test_sympy_names_for_numbers_are_refused_not_made_products(text: str) -> None:
    """They were read as o·o, z·o·o and n·a·n: never SymPy's infinities, but not what anyone meant either."""
    with pytest.raises(FormulaError, match="cannot be in a formula"):
        parse(text)


def test_bars_are_absolute_values() -> None:
    """|w1| + |w2|, the L1 penalty, as written on a blackboard."""
    assert parse("|x| + |y|").expr == sympy.Abs(x) + sympy.Abs(y)
    assert parse("2|x||y|").expr == 2 * sympy.Abs(x) * sympy.Abs(y)
    assert parse("||x| - 1|").expr == sympy.Abs(sympy.Abs(x) - 1)
    assert parse("max(|x|, |y - 1|)").expr == sympy.Max(sympy.Abs(x), sympy.Abs(y - 1))
    assert parse("√|x| + |-y|^3").expr == sympy.sqrt(sympy.Abs(x)) + sympy.Abs(y) ** 3


def test_the_textbook_names_of_the_inverse_functions_are_understood() -> None:
    """arctan(y/x) was read as a·r·c·tan(…)."""
    assert parse("arctan(y/x)").expr == sympy.atan(y / x)
    assert parse("arcsin(x) + arccos(y)").expr == sympy.asin(x) + sympy.acos(y)
    assert parse("2arctan(x)").expr == 2 * sympy.atan(x)
    with pytest.raises(FormulaError, match="is a function"):
        parse("f(arctan) = arctan")


def test_a_product_after_a_division_is_read_left_to_right_with_a_note_saying_so() -> None:
    """x/2y is (x/2)·y, as Python and most calculators read it; a student often means x/(2y)."""
    formula = parse("x/2y")
    assert formula.expr == x * y / 2
    assert formula.notes == ("x/2y is read as (x/2)·y, left to right: for x/(2y) write the parentheses",)
    assert parse("1/2x + y").notes == ("1/2x is read as (1/2)·x, left to right: for 1/(2x) write the parentheses",)
    for plain in ("x/(2y)", "x y / 2", "x/2*y", "(x/2) y", "2x/3"):
        assert parse(plain).notes == (), plain


@pytest.mark.parametrize(
    ("text", "expr", "note"),
    [
        # the reading in the notation the equations show, and what was likely meant in words (was "(e^2)·x")
        ("e^2x", x * sympy.exp(2), "e^2x is read as e²·x: for the exponential of 2x write e^(2x)"),
        ("2^-2x + y", x / 4 + y, "2^-2x is read as 2⁻²·x: for 2 to the power -2x write 2^(-2x)"),
        ("x^1/2", x / 2, "x^1/2 is read as x¹/2: for x to the power 1/2 write x^(1/2)"),
        ("x^-1/2", 1 / (2 * x), "x^-1/2 is read as x⁻¹/2: for x to the power -1/2 write x^(-1/2)"),
        ("e^2.5x", x * sympy.exp(sympy.Rational(5, 2)), "e^2.5x is read as (e^2.5)·x: for the exponential of 2.5x "
                                                         "write e^(2.5x)"),
    ],
)
def test_a_power_that_is_likely_meant_to_take_in_what_follows_gets_a_note(text: str, expr: sympy.Expr,
                                                                          note: str) -> None:
    """e^2x was read as x·e² and x^1/2 as x/2 without a word: students mean e^(2x) and √x."""
    formula = parse(text)
    assert formula.expr == expr and formula.notes == (note,)


def test_a_greek_letter_before_brackets_is_a_product_and_a_note_says_so() -> None:
    """gamma(x) became γ·x without a word: a student meant the Gamma function (σ(x): the sigmoid)."""
    formula = parse("gamma(x) + y")
    assert str(formula.expr) == "x*γ + y" and formula.variables == ("x", "y", "γ")
    assert formula.notes == ("gamma(…) is read as γ·(…), γ a variable: there is no gamma function",)
    assert parse("σ(x + y)").notes == ("σ(…) is read as σ·(…), σ a variable: there is no σ function",)
    assert parse("gamma x + θ").notes == () and parse("f(σ, x) = σ(x + 1)").notes == ()


def test_other_programs_constants_are_variables_here_and_a_note_says_so() -> None:
    """E^x made E a variable without a word: ∂f/∂x = E^x·ln(E)."""
    assert parse("E^x").notes == ("E is a variable here: Euler's number is e",)
    assert parse("I x + y").notes == ("I is a variable here: a formula has no imaginary numbers",)
    assert parse("f(E, x) = E x").notes == ()  # named in the header: meant as a variable


def test_e_other_than_as_a_power_of_e_gets_a_note_that_it_is_eulers_number() -> None:
    """a^2 + 2b^2 + 3c^2 + d*e + sin(e) read e as 2.718… without a word: f(a, b, c, d), ∂f/∂d = e, no slider for e."""
    note = "e is read as Euler's number 2.718…: for a variable use another letter"
    formula = parse("a^2 + 2b^2 + 3c^2 + d*e + sin(e)")
    assert formula.variables == ("a", "b", "c", "d") and formula.notes == (note,)
    for text in ("x e", "de + x", "ex^2", "2e y", "ln(e) x", "x^e", "e^e x", "f(x, y) = x + e y"):
        assert parse(text).notes == (note,), text
    for meant in ("e^x", "e^(-x^2 - y^2)", "(e)^x y", "x e^(2y)", "exp(x) + y", "sigmoid(x)"):
        assert parse(meant).notes == (), meant


@pytest.mark.parametrize(
    ("text", "variables", "note"),
    [
        ("3x2 + 2xy", ("x", "y", "x2"), "x2 is read as a variable named x₂: for x² write x^2"),
        ("x2 + y3", ("x2", "y3"), "x2 and y3 are read as variables named x₂ and y₃: for x² and y³ write x^2 and y^3"),
    ],
)
def test_a_name_of_a_letter_and_digits_that_looks_like_a_power_gets_a_note(text: str, variables: tuple[str, ...],
                                                                         note: str) -> None:
    """3x2 + 2xy, the tutorial's 3x² + 2xy typed fast, became f(x, y, x₂) without a word."""
    formula = parse(text)
    assert formula.variables == variables and formula.notes == (note,)


def test_numbered_variables_as_meant_get_no_note() -> None:
    for meant in ("w1^2 + w2^2", "x1 + x2 + x3", "w1 + 3", "f(x, x2) = x + x2", "x_2 + x", "w10 + w1"):
        assert parse(meant).notes == (), meant


def test_a_numbered_variable_raised_to_a_power_gets_no_note() -> None:
    """x2^2 + y noted 'for x² write x^2': squared, x2 is clearly the variable x₂ (x² squared is x^4)."""
    for meant in ("x2^2 + y", "x2² + y", "x2^2 + x2", "3y + x2^3"):
        assert parse(meant).notes == (), meant
    assert parse("x2^2 + y3").notes == ("y3 is read as a variable named y₃: for y³ write y^3",)  # y3 alone may be y³


def test_a_power_followed_as_usual_gets_no_note() -> None:
    for plain in ("x^2y + xy^2", "x^2/2", "e^(2x)", "e^2 x", "x^1.5/2", "3x^2 + 2xy + y^3", "2^x y"):
        assert parse(plain).notes == (), plain


def test_logarithms_to_base_10_and_2_are_the_natural_one_divided() -> None:
    """log10(x) was refused with 'did you mean log(10)?'."""
    assert parse("log10(x) + log2(y)").expr == sympy.log(x) / sympy.log(10) + sympy.log(y) / sympy.log(2)
    assert parse("2log10(x y)").expr == 2 * sympy.log(x * y) / sympy.log(10)


def test_python_names_are_never_functions() -> None:
    for name in ("eval", "exec", "open", "getattr", "globals", "compile", "Symbol", "Function"):
        with pytest.raises(FormulaError):
            parse(f"{name}(x)")


# ---------------------------------------------------------------------------------------------
# Bounds


def test_text_length_limit() -> None:
    assert parse("x" + " " * (MAX_TEXT_LENGTH - 1)).variables == ("x",)
    with pytest.raises(FormulaError, match=rf"too long \({MAX_TEXT_LENGTH + 1} characters, limit {MAX_TEXT_LENGTH} "
                                           r"characters\)"):
        parse("x" + " " * MAX_TEXT_LENGTH)


def test_token_limit() -> None:
    """The limit is told in what was typed, as the length is in characters (it said 'limit 300 symbols')."""
    with pytest.raises(FormulaError, match=rf"too long \(limit {MAX_TOKENS} numbers, names, operators and brackets\)"):
        parse("+".join(["x"] * (MAX_TOKENS // 2 + 1)))


def test_the_smallest_number_reads_as_typed() -> None:
    """It said 'limit 1/1e15'."""
    with pytest.raises(FormulaError) as caught:
        parse("1e-16 x")
    assert caught.value.message == "number 1e-16 is too small (limit 1e-15, or 0)"
    assert parse("1e-15 x").expr == x / 10**15


@pytest.mark.parametrize(("text", "message", "span"), [
    ("x^2 ++ y^2", "'++' is two signs in a row: write one +", (4, 6)),
    ("x^2 + +y^2", "'+ +' is two signs in a row: write one +", (4, 7)),
    ("x -+ y", "'-+' is two signs in a row: write one -", (2, 4)),
    ("--x", "'--' is two signs in a row: two minuses make a plus, so write one + (or -(-…) with parentheses)", (0, 2)),
    ("x - -y", "'- -' is two signs in a row: two minuses make a plus", (2, 5)),
    ("x^--2", "'--' is two signs in a row", (2, 4)),
])
def test_two_signs_in_a_row_are_refused_where_they_are(text: str, message: str, span: tuple[int, int]) -> None:
    """x^2 ++ y^2 and --x were read silently as one sign, a slip of the keys as often as not."""
    with pytest.raises(FormulaError, match=re.escape(message)) as caught:
        parse(text)
    assert (caught.value.position, caught.value.end) == span


@pytest.mark.parametrize(("text", "expr"), [
    ("x^2 + -y", x**2 - y), ("-(-x)", x), ("x - (-y)", x + y), ("x * -y", -x * y), ("2^-2x", x / 4),
    ("-x^2", -(x**2)), ("x^-2 + y", x**-2 + y), ("+x - y", x - y), ("x - -(y)", None),
])
def test_a_sign_after_another_operator_is_kept(text: str, expr: sympy.Expr | None) -> None:
    if expr is None:  # a minus before parentheses is a sign too
        with pytest.raises(FormulaError, match="two signs in a row"):
            parse(text)
    else:
        assert parse(text).expr == expr


@pytest.mark.parametrize(("text", "near"), [("floor(x)", ""), ("sigmod(x)", "did you mean sigmoid? "),
                                            ("sqr(x)", "did you mean sqrt? ")])
def test_an_unknown_function_is_told_with_the_functions_there_are(text: str, near: str) -> None:
    """floor(x) was refused without a word on what can be written."""
    with pytest.raises(FormulaError) as caught:
        parse(text)
    name = text.partition("(")[0]
    assert caught.value.message.startswith(f"unknown function '{name}': {near}the functions are sin, cos, tan, ")
    assert all(function in caught.value.message for function in ("sigmoid", "relu", "softplus", "log10", "abs"))
    assert "arcsin" not in caught.value.message  # the same as asin


def test_nesting_limit() -> None:
    assert parse("(" * MAX_NESTING + "x" + ")" * MAX_NESTING).expr == x
    with pytest.raises(FormulaError, match=f"limit {MAX_NESTING}") as caught:
        parse("(" * (MAX_NESTING + 1) + "x" + ")" * (MAX_NESTING + 1))
    assert caught.value.position == MAX_NESTING
    with pytest.raises(FormulaError, match=f"limit {MAX_NESTING}"):  # signs count too
        parse("-(" * (MAX_NESTING // 2 + 1) + "x" + ")" * (MAX_NESTING // 2 + 1))
    with pytest.raises(FormulaError, match=f"limit {MAX_NESTING}"):
        parse("sin(" * (MAX_NESTING + 1) + "x" + ")" * (MAX_NESTING + 1))


def test_variable_limit() -> None:
    assert len(parse("a+b+c+d+f+g+h+x").variables) == MAX_VARIABLES
    with pytest.raises(FormulaError, match=f"limit {MAX_VARIABLES}") as caught:
        parse("a+b+c+d+f+g+h+x+y")
    assert caught.value.position == 16
    with pytest.raises(FormulaError, match=f"limit {MAX_VARIABLES}"):
        parse("f(a,b,c,d,g,h,x,y,z) = x")


def test_number_limits() -> None:
    assert parse("1e15 + x").expr == 10**15 + x
    assert parse("123456789012345 + x").expr == 123456789012345 + x
    with pytest.raises(FormulaError, match="limit 1e15"):
        parse("1e16 + x")
    with pytest.raises(FormulaError, match="15 significant digits"):
        parse("1234567890123456 + x")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x^1000", f"exponent 1000 is too large (limit {MAX_EXPONENT})"),
        ("x^-101", "exponent -101 is too large"),
        ("x^(10*20)", "exponent 200 is too large"),
        ("2^2^2^2^2 + x", "exponent 65536 is too large"),
        ("9^9^9 + x", "exponent 387420489 is too large"),
        ("(x^60)^2", "exponent 120 is too large"),
        ("x^60 * x^60", "exponent 120 is too large"),
        ("e^e^e^e + x", "too large"),
        ("10^100 * 10^100 * 10^100 * 10 + x", "out of range (limits 1e-300 and 1e300 in size, or 0)"),
        ("x * 10^100 * 10^100 * 10^100 * 10", "out of range"),
        ("x * exp(400) * exp(400)", "out of range"),
        ("(10^15)^30 + x", "out of range"),
        ("exp(1000) + x", "exp(1000) is out of range"),
    ],
)
def test_huge_powers_are_refused_before_they_are_computed(text: str, message: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(text)
    assert message in caught.value.message


def test_powers_within_the_limits_are_fine() -> None:
    assert parse(f"x^{MAX_EXPONENT}").expr == x**MAX_EXPONENT
    assert parse("10^100 + x").expr == 10**100 + x
    assert parse("exp(-1000) + x").expr == sympy.exp(-1000) + x


# ---------------------------------------------------------------------------------------------
# Notes on non-differentiable functions


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("relu(x)", ["relu is not differentiable at 0; gradviz uses slope 0 there, like PyTorch"]),
        ("abs(x) + max(x, y) + min(x, y)", ["abs is", "max is", "min is"]),
        ("√(x^2)", ["√(u²) is |u|"]),  # no abs typed: the note says where the kink comes from
        ("x^2 + y^2", []),
        ("max(1, 2) + x", []),
    ],
)
def test_notes_on_kinks(text: str, starts: list[str]) -> None:
    notes = parse(text).notes
    assert len(notes) == len(starts)
    for note, start in zip(notes, starts, strict=True):
        assert note.startswith(start)


# ---------------------------------------------------------------------------------------------
# Properties: never anything but FormulaError, and generated formulas round-trip

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

TOKEN_SOUP = st.lists(
    st.sampled_from(
        [
            "x", "y", "z", "w1", "w₂", "x_1", "θ", "π", "e", "pi", "2", "0", "3.5", ".5", "1e3",
            "1e400", "0x1F", "9", "10^15", "+", "-", "−", "*", "·", "/", "^", "**", "²", "⁻¹",
            "(", ")", ",", "=", "√", "sin", "max", "log", "asin", "exp", "relu", "f(x, y) =",
            "sinx", "xy", "abc", "loss", "_", ".", "!", "<", "|", "'", "lambda", ":", "\u200b",
            "\u3000", "ｘ", "₁", "⁰", "j", " ", "  ",
        ]
    ),
    max_size=30,
).map("".join)  # fmt: skip


def _check_outcome(text: str) -> None:
    try:
        parsed = parse(text)
    except FormulaError as error:
        assert error.message
        if error.position is not None:
            assert 0 <= error.position <= len(text)
            assert error.end is not None and error.position <= error.end <= len(text)
        return
    assert isinstance(parsed.expr, sympy.Expr)
    assert parsed.expr.free_symbols <= set(parsed.symbols)
    assert 1 <= len(parsed.variables) <= MAX_VARIABLES
    assert not parsed.expr.has(sympy.I, sympy.zoo, sympy.nan, sympy.oo)


@PROPERTY_SETTINGS
@given(st.text(max_size=60))
def test_any_text_gives_a_formula_or_a_formula_error(text: str) -> None:
    _check_outcome(text)


@PROPERTY_SETTINGS
@given(TOKEN_SOUP)
def test_any_token_soup_gives_a_formula_or_a_formula_error(text: str) -> None:
    _check_outcome(text)


# A generated formula: (text, the SymPy expression built directly, whether it names a variable).
Generated = tuple[str, sympy.Expr, bool]

LEAF_VARIABLES = {"x": x, "y": y, "z": z, "w1": w1, "b": b}
SAFE_FUNCTIONS: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "atan": sympy.atan,
    "tanh": sympy.tanh,
    "abs": sympy.Abs,
    "sqrt": sympy.sqrt,
    "log": sympy.log,
}
SUPERSCRIPT_DIGITS = {1: "¹", 2: "²", 3: "³"}

leaves = st.one_of(
    st.sampled_from(sorted(LEAF_VARIABLES)).map(lambda name: (name, LEAF_VARIABLES[name], True)),
    st.integers(1, 9).map(lambda number: (str(number), sympy.Integer(number), False)),
)


def _sum(pair: tuple[Generated, Generated], minus: str) -> Generated:
    (left_text, left, left_named), (right_text, right, right_named) = pair
    subtrahend = sympy.Mul(sympy.S.NegativeOne, right) if minus else right
    expected = sympy.Add(left, subtrahend)
    if minus and right_text.startswith("-"):
        right_text = f"({right_text})"  # x - -(y) is refused as two signs in a row: x - (-(y)) as a person writes it
    return f"({left_text} {minus or '+'} {right_text})", expected, left_named or right_named


def _product(pair: tuple[Generated, Generated], times: str) -> Generated:
    (left_text, left, left_named), (right_text, right, right_named) = pair
    if times == "/":
        expected = sympy.Mul(left, sympy.Pow(right, sympy.S.NegativeOne))
    else:
        expected = sympy.Mul(left, right)
        if times == " " and not right_text[0].isalpha() and right_text[0] != "(":
            times = "*"  # implicit: "x 2" is refused and "x -y" is a difference
    return f"({left_text}{times}{right_text})", expected, left_named or right_named


def _power(base: Generated, exponent: int, spelling: str) -> Generated:
    base_text, base_expr, named = base
    suffix = SUPERSCRIPT_DIGITS[exponent] if spelling == "superscript" else f"{spelling}{exponent}"
    return f"({base_text}){suffix}", sympy.Pow(base_expr, exponent), named


def _call(argument: Generated, function: str) -> Generated:
    text, expr, named = argument
    return f"{function}({text})", SAFE_FUNCTIONS[function](expr), named


def _negate(operand: Generated) -> Generated:
    text, expr, named = operand
    return f"-({text})", sympy.Mul(sympy.S.NegativeOne, expr), named


def _extend(children: st.SearchStrategy[Generated]) -> st.SearchStrategy[Generated]:
    pairs = st.tuples(children, children)
    return st.one_of(
        st.builds(_sum, pairs, st.sampled_from(["", "-", "−"])),
        st.builds(_product, pairs, st.sampled_from(["*", "·", "×", " ", "/"])),
        st.builds(_power, children, st.integers(1, 3), st.sampled_from(["^", "**", "superscript"])),
        st.builds(_call, children, st.sampled_from(sorted(SAFE_FUNCTIONS))),
        st.builds(_negate, children),
    )


FORMULAS = st.recursive(leaves, _extend, max_leaves=8)


def _is_real_and_finite(expr: sympy.Expr) -> bool:
    return not expr.has(sympy.I, sympy.zoo, sympy.nan, sympy.oo, sympy.S.NegativeInfinity)


@PROPERTY_SETTINGS
@given(FORMULAS)
def test_generated_formulas_round_trip(generated: Generated) -> None:
    text, expected, named = generated
    assume(named and _is_real_and_finite(expected))
    try:
        parsed = parse(text)
    except FormulaError as error:
        # Only a plain-number part that is not a real number may be refused, e.g. log(1 - 2).
        assert "real number" in error.message or "undefined" in error.message or "zero" in error.message, (
            text,
            error,
        )
        return
    assert parsed.expr == expected, text


# ---------------------------------------------------------------------------------------------
# The module itself: no GUI, no evaluation, quick


def _imported_modules(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_formula_module_imports_only_stdlib_numpy_sympy_and_the_core() -> None:
    tree = ast.parse(FORMULA_SOURCE.read_text(encoding="utf-8"))
    for module in _imported_modules(tree):
        root = module.split(".")[0]
        assert (
            root in sys.stdlib_module_names
            or root in ("numpy", "sympy", "__future__")
            or (module.startswith("gradviz.core"))
        ), module
        assert root not in ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "OpenGL", "shiboken6"), module


def test_formula_module_never_calls_evaluating_functions() -> None:
    tree = ast.parse(FORMULA_SOURCE.read_text(encoding="utf-8"))
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
    assert not used & {"eval", "exec", "sympify", "parse_expr", "__import__", "lambdify"}


@pytest.mark.parametrize(("text", "note"), [
    ("x^(2/3) + y^2", "x^(2/3) is undefined for x < 0, as in numpy: |x|^(2/3) is defined everywhere"),
    ("(x + y)^(1/3)", "(x + y)^(1/3) is undefined for x + y < 0, as in numpy (fractional powers of numbers ≥ 0 only)"),
    ("x^(2/3) + y^2 + sqrt(y) + (x^2 + 1)^(1/3)", "x^(2/3) is undefined for x < 0"),
])
def test_an_odd_root_of_a_base_that_may_be_negative_is_noted(text: str, note: str) -> None:
    """x^(2/3) at x = −8 is 4 in a calculus class; gradviz, as numpy, has no value there, and its map had a blank
    half without a word why."""
    (written,) = parse(text).notes
    assert written.startswith(note)


@pytest.mark.parametrize("text", ["sqrt(x) + y", "x^(1/2) + y", "(x^2 + 1)^(1/3) + y", "|x|^(2/3) + y", "x^3 + y"])
def test_powers_defined_wherever_a_real_root_is_have_no_root_note(text: str) -> None:
    assert not any("undefined for" in note for note in parse(text).notes)


@pytest.mark.parametrize(("text", "condition", "note"), [
    ("sqrt(x)^2 + y^2", "x >= 0", "sqrt(x) is undefined where x < 0, so f is too"),
    ("exp(log(x)) + y", "x > 0", "log(x) is undefined where x ≤ 0"),
    ("sqrt(x)*sqrt(x) + y", "x >= 0", "sqrt(x) is undefined where x < 0"),
    ("sin(asin(x)) + y", "x**2 <= 1", "asin(x) is undefined where |x| > 1"),
    ("ln(x + y) - ln(x + y) + y^2", "x + y > 0", "ln(x + y) is undefined where x + y ≤ 0"),
    ("(x^(1/4))^4 + y", "x >= 0", "x^(1/4) is undefined where x < 0"),
])
def test_a_domain_simplified_away_is_kept_with_a_note(text: str, condition: str, note: str) -> None:
    """√x² is x to SymPy, defined everywhere: typed, f is undefined where x < 0, and the map must show it so."""
    formula = parse(text)
    assert [str(kept) for kept in formula.defined_where] == [condition]
    assert any(written.startswith(note) for written in formula.notes), formula.notes


@pytest.mark.parametrize("text", ["sqrt(x) + y", "sqrt(x)^3 + y", "sqrt(x^2) + y", "log(exp(x)) + y", "x^2 + y",
                                  "log(x)^2 + sqrt(y)"])
def test_a_domain_the_expression_still_sets_adds_no_condition(text: str) -> None:
    """Where the root or logarithm is still there (x^(3/2) is √x³) or sets nothing (√(x²), ln(e^x)), none is kept."""
    formula = parse(text)
    assert formula.defined_where == ()
    assert not any("the equations, simplified" in note for note in formula.notes)
