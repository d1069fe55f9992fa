# SymPy printers dispatch on methods named _print_<ClassName>, so those names cannot be snake_case.
# ruff: noqa: N802
"""Math notation for people: expressions and labels as one-line Unicode, LaTeX and Qt rich text (HTML).

Three printers share one set of choices so the same expression reads the same everywhere:

* sums not typed start with a positive term when there is one (``5 − w₁ − 2w₂``, not ``−w₁ − 2w₂ + 5``);
* products are written by juxtaposition (``2xy``, ``2(x + 1)``) and a middle dot only where juxtaposition
  would be ambiguous (``2·3``, ``x·sin(y)``);
* variable names ``w1`` and ``x_1`` get subscripts, Greek names (``theta``) become letters (``θ``);
* the minus sign is U+2212 and numbers use :func:`format_number`;
* given a :class:`Spelling`, a formula reads as it was typed: its terms in the typed order (a minus first if it was
  typed first), and fractions as decimals (``2.1x² + 0.5y²``, not ``21x²/10 + y²/2``) when its numbers were typed
  as decimals.

Numbers that are not finite print as ``nan``, ``∞`` and ``−∞`` (``nan``, ``inf`` and ``-inf`` with
``ascii_minus=True``, which Python's ``float`` reads back).

Qt rich text has no MathML and tables are its only way to stack things, so :func:`html_math` writes a
stacked fraction as a small two-row table whose numerator cell has a bottom border; an expression that
contains one is laid out as a one-row table of cells. Anything without a fraction stays inline HTML.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import itertools
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, SupportsFloat, TypeVar

import sympy
from sympy.core.parameters import distribute
from sympy.printing.conventions import split_super_sub
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

if TYPE_CHECKING:  # the derivatives are spelled here: calculus imports this module
    from gradviz.core.calculus import Derivatives
    from gradviz.core.formula import Formula

Style = Literal["unicode", "latex", "html", "inline-html"]
UpdateSign = Literal["correct", "wrong"]

MINUS = "\u2212"
MIDDLE_DOT = "\u00b7"
PARTIAL = "\u2202"
NABLA = "\u2207"
LEFT_ARROW = "\u2190"
INFINITY = "\u221e"
WHOLE_NUMBER_LIMIT = 1e7  # numbers below this are never written with an exponent (see format_number)

# The line of a stacked HTML fraction: a mid grey that shows on light and on dark backgrounds alike
# (Qt draws cell borders in a fixed colour, not in the text colour).
FRACTION_RULE_COLOR = "#808080"
CASES_BRACE_SIZE = "xx-large"  # the brace of a piecewise function's cases, to reach over two rows
# Space after the cases' conditions before a term after them (+ 2y), so that it stands apart from the one it is beside
CASES_AFTER_SPACE_PX = 12
LINE_BREAK_GAP_PX = 2  # between the lines of an equation broken over lines

_GREEK_NAMES = (
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
    "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
)  # fmt: skip


def _greek_letter(name: str) -> str:
    """The Greek letter a spelled-out name stands for: 'theta' → 'θ', 'Theta' → 'Θ'."""
    case = "CAPITAL" if name[0].isupper() else "SMALL"
    return unicodedata.lookup(f"GREEK {case} LETTER {name.upper().replace('LAMBDA', 'LAMDA')}")


_GREEK_LETTERS = {
    spelled: _greek_letter(spelled) for name in _GREEK_NAMES for spelled in (name, name.capitalize())
}
_GREEK_NAMES_BY_LETTER = {letter: spelled for spelled, letter in _GREEK_LETTERS.items()}

# Only digits and signs: the formula parser reads these back, and letters like ˣ or ₜ it would not.
_SUPERSCRIPTS = dict(zip("0123456789+-\u2212", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻", strict=True))
_SUBSCRIPTS = dict(zip("0123456789", "₀₁₂₃₄₅₆₇₈₉", strict=True))

# Private-use characters that bracket a stacked fraction inside HTML under construction, so that the
# text around it can be cut into table cells once the whole line is known.
_BLOCK_START = "\ue000"
_BLOCK_END = "\ue001"


def _scripted(text: str, table: dict[str, str]) -> str | None:
    """Text rewritten in Unicode super- or subscript characters, or None if one has no such form."""
    if not all(char in table for char in text):
        return None
    return "".join(table[char] for char in text)


def _superscript_digits(number: int) -> str:
    """An integer in Unicode superscript digits: 2 → '²', −1 → '⁻¹'."""
    return "".join(_SUPERSCRIPTS[char] for char in str(number))


def _symbol_parts(name: str) -> tuple[str, list[str], list[str]]:
    """A variable name split into its letter(s), superscripts and subscripts, Greek names as letters."""
    base, supers, subs = split_super_sub(name)
    return _GREEK_LETTERS.get(base, base), supers, subs


def _is_single_letter(name: str) -> bool:
    """Whether a variable prints as one letter (with any subscripts), so it can sit next to others."""
    return len(_symbol_parts(name)[0]) == 1


def _has_negative_coefficient(expr: sympy.Expr) -> bool:
    """Whether a term's numeric coefficient is negative, so that it reads as 'minus something'."""
    coefficient, _ = expr.as_coeff_Mul()
    return bool(coefficient.is_negative)


def format_number(value: SupportsFloat, digits: int = 6, ascii_minus: bool = False, whole: bool = True) -> str:
    """A number for people: up to `digits` significant digits, no trailing '.0', a real minus sign, a short exponent.

    With whole, numbers below WHOLE_NUMBER_LIMIT with more digits than that are written out whole, rounded to an
    integer (100009, not 1e+05); without it, they keep to the significant digits (tables for export).
    """
    if digits < 1:
        raise ValueError(f"digits must be at least 1, not {digits}")
    number = float(value)
    minus = "-" if ascii_minus else MINUS
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return (minus if number < 0 else "") + ("inf" if ascii_minus else INFINITY)
    if 0.0 < abs(number) < sys.float_info.min:  # subnormal: 1e-320 has too few bits to print to 6 digits as 1e-320
        digits = min(digits, len(repr(abs(number)).partition("e")[0].replace(".", "").strip("0")))
    text = f"{number:.{digits}g}"
    if whole and "e+" in text and abs(number) < WHOLE_NUMBER_LIMIT:  # 100009, not 1e+05, which reads as 100000
        text = str(round(number))
    mantissa, exponent_sign, exponent = text.partition("e")
    if exponent_sign:  # 3e281 and 1.2e−7, as the axes' ticks write them (not 1e+281, 1.2e−07)
        text = f"{mantissa}e{int(exponent)}"
    if text == "-0":
        text = "0"
    return text.replace("-", minus)


def format_number_apart(value: SupportsFloat, others: Iterable[SupportsFloat], digits: int = 6,
                        ascii_minus: bool = False) -> str:
    """format_number's text of value, with as many more digits as it takes to read unlike each other number.

    1.0000001e12 refused as beyond 1e12 was named 1e12, and the message contradicted itself.
    """
    number = float(value)
    apart = [float(other) for other in others if float(other) != number]
    for shown in range(digits, 18):  # 17 significant digits tell any two doubles apart
        whole = shown == digits  # past the first try, 100000000000.001 keeps its decimals (not 100000000000)
        text = format_number(number, shown, ascii_minus, whole)
        if all(text != format_number(other, shown, ascii_minus, whole) for other in apart):
            return text
    return text


def format_numbers_apart(values: Iterable[SupportsFloat], digits: int = 6, ascii_minus: bool = False) -> list[str]:
    """Labels for several values, each format_number_apart from the others: levels near 1000 in log height all
    read 1000; apart, they read 1000.0001, 1000.0002, 1000.0005."""
    numbers = [float(value) for value in values]
    return [format_number_apart(number, numbers, digits, ascii_minus) for number in numbers]


def format_value(value: SupportsFloat) -> str:
    """f at a point, a coordinate or a partial as every readout writes it (the probe panel, the stepper, the status
    bar, the map's legends, the pictures' captions), so that they read alike: format_number's significant digits,
    1004.5 everywhere, not 1004 in one."""
    return format_number(value)


def format_values(values: Iterable[SupportsFloat]) -> str:
    """A point's coordinates or ∇f's components as every readout writes them (format_value), between commas:
    '1.5, −0.25'."""
    return ", ".join(format_value(value) for value in values)


def round_to_resolution(value: float, resolution: float) -> float:
    """The value to the decimal place of the largest power of ten not above resolution (a pointer's one pixel): a
    click's 0.501859 is 0.502 where a pixel spans 0.008, still within that pixel."""
    if not (math.isfinite(value) and math.isfinite(resolution) and resolution > 0.0):
        return value
    rounded = round(value, -math.floor(math.log10(resolution)))
    return rounded if math.isfinite(rounded) else value


def format_numbers_alike(values: Sequence[SupportsFloat], digits: int) -> list[str]:
    """Numbers to be read digit by digit: all to the decimal place of the largest's digits-th significant digit, in
    one notation (plain where format_number writes that largest plainly, else over one power of ten), trailing zeros
    dropped only where every one has them: −0.9553364891 and −0.9553364890, 4.85165e8 and 4.85165e8, 1 and 1."""
    numbers = [float(value) for value in values]
    largest = max((abs(number) for number in numbers), default=0.0)
    if largest == 0.0 or not all(math.isfinite(number) for number in numbers):
        return [format_number(number, digits) for number in numbers]
    exponent = int(f"{largest:.{digits - 1}e}".partition("e")[2])  # after rounding: 9.9996 to 4 digits is 10.00
    place = exponent - digits + 1  # the power of ten of the last digit written
    scale = 0 if exponent >= -4 and (exponent < digits or largest < WHOLE_NUMBER_LIMIT) else exponent
    decimals = scale - place
    texts = [f"{number / 10.0**scale:.{decimals}f}" if decimals >= 0 else f"{round(number, -place):.0f}"
             for number in numbers]
    while all("." in text and text.endswith("0") for text in texts):
        texts = [text[:-1] for text in texts]
    texts = [text.rstrip(".") for text in texts]
    texts = [text.lstrip("-") if not text.strip("-0.") else text for text in texts]  # −0.00 is 0
    power = f"e{scale}" if scale else ""
    return [(text if text == "0" else text + power).replace("-", MINUS) for text in texts]


def point_text(names: Sequence[str], values: Sequence[SupportsFloat]) -> str:
    """'(x, y) = (1, 2)' for several variables, 'w = 1' for one: names as given, values as format_values writes."""
    listed, numbers = ", ".join(names), format_values(values)
    return f"({listed}) = ({numbers})" if len(names) > 1 else f"{listed} = {numbers}"


def _latex_number(value: SupportsFloat, digits: int = 6) -> str:
    """A number in LaTeX: '1.4', '-0.6', '1.2 \\cdot 10^{-7}', '\\infty' (to `digits` significant digits)."""
    text = format_number(value, digits, ascii_minus=True, whole=False)
    if text == "nan":
        return r"\mathrm{NaN}"
    if text.endswith("inf"):
        return text.replace("inf", r"\infty")
    mantissa, _, exponent = text.partition("e")
    if not exponent:
        return mantissa
    return rf"{mantissa} \cdot 10^{{{int(exponent)}}}"


TypedArguments = tuple[str, tuple[sympy.Expr, ...]]  # a max or min typed: 'max' or 'min' and its arguments in order
TypedLog = tuple[sympy.Expr, int]  # a logarithm typed to a base: its argument u and the base, 10 for log10(u)
TypedQuotient = tuple[str, sympy.Expr]  # a function SymPy holds as a quotient, typed: its name and argument u
TYPED_QUOTIENT_NAMES = ("sec", "csc", "cot", "sigmoid", "softplus")  # sec(u) is 1/cos(u), sigmoid(u) 1/(1 + e^−u)…


@dataclass(frozen=True)
class Spelling:
    """How to print an expression the way its formula was typed.

    The terms of the whole sum come in term_order (terms not in it follow, in the usual order); a sum inside it
    with the terms of one of sums comes in that one's order; with decimals, fractions that are short decimals
    print as decimals (21/10 as 2.1); a max or min with the arguments of one of arguments lists them in its order;
    max(0, u) for each u of relus is relu(u); a product with the factors of one of products (numbers aside) comes in
    that one's order; exp(u) for each u of e_powers is e^u; ln(u)/ln(b) for each (u, b) of log_bases is log_b(u);
    with scientific, numbers with zeros to spare print as a short decimal times a power of ten (2·10¹⁰, 10⁻⁶; see
    scientific_parts); the quotients typed as sec, csc, cot, sigmoid or softplus of u print so, and the quotients
    their derivatives give in those functions as textbooks write them (see _quotients_to_typed).
    """

    term_order: tuple[sympy.Expr, ...] = ()
    sums: tuple[tuple[sympy.Expr, ...], ...] = ()
    decimals: bool = False
    arguments: tuple[TypedArguments, ...] = ()
    relus: tuple[sympy.Expr, ...] = ()
    products: tuple[tuple[sympy.Expr, ...], ...] = ()
    e_powers: tuple[sympy.Expr, ...] = ()
    log_bases: tuple[TypedLog, ...] = ()
    scientific: bool = False
    quotients: tuple[TypedQuotient, ...] = ()

    def factor_order(self, factors: Sequence[sympy.Expr]) -> list[sympy.Expr] | None:
        """A product's factors in the order they were typed, numbers first, where its factors other than numbers are
        those of one of products: y·exp(−x²) typed exp(−x²)·y is exp(−x²)·y. None where none of them are."""
        others = [factor for factor in factors if not factor.is_Number]
        if len(others) < 2 or not self.products:
            return None
        kept = set(others)
        typed = next((product for product in self.products if len(product) == len(others) and set(product) == kept),
                     None)
        if typed is None:
            return None
        return [*(factor for factor in factors if factor.is_Number), *sorted(others, key=typed.index)]

    def arguments_of(self, extreme: sympy.Expr) -> tuple[sympy.Expr, ...]:
        """A max's or min's arguments as typed, if they were typed so, else in SymPy's order: relu(x) and y for
        SymPy's max(0, x, y) typed as max(relu(x), y)."""
        name = type(extreme).__name__.lower()
        return next((typed for typed_name, typed in self.arguments if typed_name == name
                     and _same_arguments(_flattened(name, typed), extreme.args)), extreme.args)

    def flat_arguments(self) -> Iterator[TypedArguments]:
        """Each typed max and min with its arguments as SymPy has them, in the typed order: 0, x, y for max(relu(x), y)
        (the terms its partials' conditions compare)."""
        return ((name, _flattened(name, typed)) for name, typed in self.arguments)

    def relu_argument(self, extreme: sympy.Expr) -> sympy.Expr | None:
        """u where max(0, u) was typed as relu(u), else None."""
        if not isinstance(extreme, sympy.Max) or len(extreme.args) != 2 or sympy.S.Zero not in extreme.args:
            return None
        argument = extreme.args[1] if extreme.args[0] == 0 else extreme.args[0]
        return argument if argument in self.relus else None

    def order_of(self, expr: sympy.Expr, whole: bool) -> tuple[sympy.Expr, ...]:
        """The typed order for the terms of this sum (whole: the whole expression), or () if none is known."""
        if whole and self.term_order:
            return self.term_order
        terms = set(expr.args)
        exact = next((typed for typed in self.sums if len(typed) == len(terms) and set(typed) == terms), ())
        # else a sum of some of a typed sum's terms (wx + b > y for wx + b − y > 0): in that one's order
        return exact or next((typed for typed in self.sums if len(terms) > 1 and terms < set(typed)), ())


AS_COMPUTED = Spelling()


def _flattened(name: str, arguments: tuple[sympy.Expr, ...]) -> tuple[sympy.Expr, ...]:
    """A max's typed arguments with each relu(u) in them as its 0 and u, each once, as SymPy merges them into it."""
    return tuple(dict.fromkeys(part for argument in arguments
                               for part in (argument.args if type(argument).__name__.lower() == name else (argument,))))


def _same_arguments(typed: tuple[sympy.Expr, ...], computed: tuple[sympy.Expr, ...]) -> bool:
    """Whether typed arguments are a max's or min's as SymPy has them, in any order."""
    return len(typed) == len(computed) and set(typed) == set(computed)

# A fraction prints as a decimal only if that has at most this many significant digits and decimal places: a sum of
# typed decimals (each exact to 6 digits) may need 7 (0.240891x + 0.900875x is 1.141766x, not 570883x/500000); a
# typed y/1024 stays a fraction (0.0009765625 has ten places).
DECIMAL_DIGITS = 8


def short_decimal(value: sympy.Rational) -> str | None:
    """A positive fraction as an exact decimal of at most DECIMAL_DIGITS significant digits and places ('2.1')."""
    denominator = value.q
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1 or value.is_Integer or not value.is_positive:
        return None
    text = format(Decimal(value.p) / Decimal(value.q), "f")
    places = len(text.partition(".")[2])
    return text if len(text.replace(".", "").strip("0")) <= DECIMAL_DIGITS and places <= DECIMAL_DIGITS else None


# In a formula typed in scientific notation (1e10), a number written with this many zeros or more before its digits
# (0.0001, 0.00015: the one before the point counts) or after them (10000, 150000) prints as a short decimal times a
# power of ten: 10¹⁰ and 10⁻⁶ read at a glance, 10000000000 and 0.000001 do not; 1000 and 0.001 read at a glance as
# they are, and 123456 has no zeros to spare and stays so
SCIENTIFIC_ZEROS = 4


def scientific_parts(value: sympy.Rational) -> tuple[str, int] | None:
    """A positive number as a mantissa from 1 to 10 (a short decimal, see short_decimal) and a power of ten, where
    that saves SCIENTIFIC_ZEROS zeros or more: ('2', 10) for 2·10¹⁰, ('1.5', −6) for 1.5·10⁻⁶; else None."""
    if not value.is_positive:
        return None
    exponent = len(str(value.p)) - len(str(value.q))
    if value < sympy.Integer(10) ** exponent:
        exponent -= 1
    mantissa = value / sympy.Integer(10) ** exponent
    text = str(mantissa) if mantissa.is_Integer else short_decimal(mantissa)
    if text is None:
        return None
    zeros = -exponent if exponent < 0 else exponent - len(text.replace(".", "")) + 1
    return (text, exponent) if zeros >= SCIENTIFIC_ZEROS else None


def _in_typed_order(terms: Sequence[sympy.Expr], typed: Sequence[sympy.Expr]) -> tuple[list[sympy.Expr], bool]:
    """The terms sorted by where they come in typed, the others after them in their order; and whether the first
    is one of typed.

    A term with another number in front takes the place of the typed one (3b where b + 2b combined).
    """
    position: dict[sympy.Expr, int] = {}
    unnumbered: dict[sympy.Expr, int] = {}
    for index, term in enumerate(typed):
        position.setdefault(term, index)
        unnumbered.setdefault(term.as_coeff_Mul()[1], index)

    def place(term: sympy.Expr) -> int:
        """Where the term comes in typed."""
        return position.get(term, unnumbered.get(term.as_coeff_Mul()[1], len(typed)))

    ordered = sorted(terms, key=place)
    return ordered, bool(ordered) and place(ordered[0]) < len(typed)


# The words of a piecewise function's cases, as textbooks write them: 1 if x > y, 0 otherwise
CASE_IF = "if"
CASE_OTHERWISE = "otherwise"

# Functions whose powers print before their argument, as textbooks write them: sin²(x), not sin(x)²
_POWER_BEFORE_ARGUMENT = (sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot, sympy.sinh, sympy.cosh,
                          sympy.tanh)


def _is_function_square(term: sympy.Expr) -> bool:
    """Whether a term is ± the square of a function like tan (see _POWER_BEFORE_ARGUMENT): tan²(x), −tanh²(x)."""
    power = term.as_coeff_Mul()[1]
    return power.is_Pow and power.exp == 2 and isinstance(power.base, _POWER_BEFORE_ARGUMENT)


def identity_order(terms: Sequence[sympy.Expr]) -> list[sympy.Expr]:
    """A number and a squared function in the order of the identities 1 + tan²(x) and 1 − tanh²(x): the number first.

    The derivative of tan is 1 + tan²(x), as that of tanh is 1 − tanh²(x) (SymPy's order wrote tan(x)² + 1).
    """
    terms = list(terms)
    if len(terms) == 2 and terms[1].is_Number and _is_function_square(terms[0]):
        terms.reverse()
    return terms


def _readable_relation(relation: sympy.Expr, as_typed: bool = False) -> sympy.Expr:
    """A comparison with 0 written with its subtracted terms on the other side: x > y, not x − y > 0; y < 0, not −y > 0.

    Two single variables come in alphabetical order (x < y, not y > x), unless as_typed: y > x for relu(y − x).
    """
    if relation.rhs != 0:
        return relation
    terms = sympy.Add.make_args(relation.lhs)
    added = [term for term in terms if not _has_negative_coefficient(term)]
    subtracted = [-term for term in terms if _has_negative_coefficient(term)]
    if not added:
        return relation.reversed.func(sympy.Add(*subtracted), 0, evaluate=False)
    if not subtracted:
        return relation
    left, right = sympy.Add(*added), sympy.Add(*subtracted)
    if not as_typed and left.is_Symbol and right.is_Symbol and right.name < left.name:
        return relation.reversed.func(right, left, evaluate=False)
    return relation.func(left, right, evaluate=False)


def _common_terms_cancelled(relation: sympy.Expr) -> sympy.Expr:
    """A comparison whose sides share a term with that term cancelled, written as _readable_relation writes a
    comparison with 0 (its sides as typed): x < x + y as y > 0, x + y ≤ x − y as y ≤ 0, x + y ≥ x + z as y ≥ z.
    One whose sides share no term is left as it is: x ≥ 1 − x."""
    if not set(sympy.Add.make_args(relation.lhs)) & set(sympy.Add.make_args(relation.rhs)):
        return relation
    difference = comparable_difference(relation.lhs - relation.rhs)
    return _readable_relation(relation.func(difference, 0, evaluate=False), as_typed=True)


@functools.lru_cache(maxsize=1024)
def comparable_difference(difference: sympy.Expr) -> sympy.Expr:
    """A difference multiplied out, without a positive number in front: how it is compared with others (x − 1/2 and
    2x − 1 both as 2x − 1), since SymPy writes a condition with one variable solved for it (x > 1/2 for 2x − 1 > 0).

    Remembered: the cases of a partial are compared again each time they are printed.
    """
    with distribute(True):  # as expand writes it, whatever the caller's setting
        return sympy.expand(difference).as_content_primitive()[1]


INEQUALITIES = (sympy.StrictGreaterThan, sympy.StrictLessThan, sympy.GreaterThan, sympy.LessThan)


def is_strict(relation: sympy.Basic) -> bool:
    """Whether a comparison is u > v or u < v (not u ≥ v or u ≤ v)."""
    return isinstance(relation, (sympy.StrictGreaterThan, sympy.StrictLessThan))


@functools.lru_cache(maxsize=1024)
def kink_side(relation: sympy.Basic) -> tuple[sympy.Expr, int]:
    """The difference a comparison compares with 0, the same for u > v, v ≥ u and u = v (see comparable_difference),
    and the side of it the comparison holds on: 1 where the difference is positive, −1 where negative, 0 for u = v.

    Remembered: each printer, and differentiation before them, asks for the sides of the same comparisons.
    """
    equal = isinstance(relation, sympy.Eq)
    difference = comparable_difference(relation.lhs - relation.rhs if equal else relation.gts - relation.lts)
    opposite = sympy.Add(*(-term for term in sympy.Add.make_args(difference)))  # multiplied out as it is
    kink = min(difference, opposite, key=sympy.default_sort_key)
    return kink, 0 if equal else 1 if kink == difference else -1


def _hold_on_each_side(conditions: Sequence[sympy.Basic]) -> bool:
    """Whether comparisons of one difference with 0, a condition each, hold together on both sides of it and where it
    is 0: x > y, y > x and x = y do."""
    if not all(isinstance(condition, (*INEQUALITIES, sympy.Eq)) for condition in conditions):
        return False
    sides = [kink_side(condition) for condition in conditions]
    held = {held_side for (_, side), condition in zip(sides, conditions, strict=True)
            for held_side in (side, *(() if is_strict(condition) else (0,)))}
    return len({kink for kink, _ in sides}) == 1 and held == {-1, 0, 1}


def compared_differences(condition: sympy.Basic, strict_only: bool = False) -> set[sympy.Expr]:
    """The differences u − v a condition says are at least 0, u ≥ v or u > v or each of an And's (see
    comparable_difference); with strict_only those it says are positive, u > v."""
    relations = condition.args if isinstance(condition, sympy.And) else (condition,)
    return {comparable_difference(relation.gts - relation.lts) for relation in relations
            if isinstance(relation, INEQUALITIES) and (is_strict(relation) or not strict_only)}


# A condition read as that of one of a typed max's or min's arguments: the arguments, the one's index, and whether
# it is the largest (max) or the smallest (min)
ExtremeReading = tuple[tuple[sympy.Expr, ...], int, bool]
# A case of a piecewise function: its value, its condition and how that reads (see _extreme_reading), if it does
CaseReading = tuple[sympy.Expr, sympy.Basic, ExtremeReading | None]


class _TextbookForms:
    """Printer mixin for the forms all printers share: the whole sum in its Spelling's order, a sum starting with a
    positive term when it has one, and a piecewise function's cases, each a value with its condition."""

    spelling = AS_COMPUTED
    _whole: sympy.Expr | None = None
    _comparing = False  # printing a max's or min's argument compared with the others: each relation as it is

    def doprint(self, expr: sympy.Expr) -> str:
        """Print the expression (the whole one, whose terms the spelling orders), its cases as printed (see
        _cases_as_printed)."""
        self._whole = expr = self._cases_as_printed(expr)
        return super().doprint(expr)  # type: ignore[misc]

    def _cases_as_printed(self, expr: sympy.Expr) -> sympy.Expr:
        """expr with each piecewise function written without an 'otherwise' that never holds (see _rows_that_hold):
        ∂f/∂x of max(x, y) + min(x, y) is 1, not {1 if x ≥ y; 1 if y > x; 0 otherwise}; of max(x, y) − min(y, x)
        {1 if x ≥ y; −1 if y > x}. What is evaluated keeps its rows."""
        if not expr.has(sympy.Piecewise):
            return expr
        shown = {cases: rows for cases in expr.atoms(sympy.Piecewise)
                 if (rows := self._rows_that_hold(cases)) is not None}
        if shown and self.spelling.term_order:  # in the place of the typed terms whose cases they were
            self.spelling = dataclasses.replace(self.spelling, term_order=tuple(
                value_of_cases_from(term, shown) for term in self.spelling.term_order))
        with distribute(False):  # 2(x + 1) stays so where cases beside it become a number
            return expr.xreplace(shown)

    def _rows_that_hold(self, cases: sympy.Piecewise) -> sympy.Expr | None:
        """Cases without their 'otherwise' where it never holds, the rows' value if they have one; None where every row
        can hold. It never holds when the other rows are those of each argument of one max or min (see
        _hold_everywhere), or each side of one difference and where it is 0 (x > y, y > x, x = y); a value shared by
        every row, 'otherwise' too, is the cases' value all the same."""
        *conditional, (otherwise_value, otherwise) = cases.args
        if otherwise is not sympy.true:
            return None
        values = {value for value, _ in conditional}
        if values == {otherwise_value}:
            return otherwise_value
        conditions = [condition for _, condition in conditional]
        if not (self._hold_everywhere(conditions) or _hold_on_each_side(conditions)):
            return None
        return next(iter(values)) if len(values) == 1 else type(cases)(*conditional, evaluate=False)

    def _hold_everywhere(self, conditions: Sequence[sympy.Basic]) -> bool:
        """Whether one of the conditions holds at every point: they are those of each argument of one typed max or min
        being the largest (smallest), and where several arguments tie one of the tied ones is compared with the other
        tied ones by ≥ (≤), so that its condition holds there (x ≥ y and y > x; see _extreme_reading)."""
        readings = [reading for condition in conditions if (reading := self._extreme_reading(condition)) is not None]
        if len(readings) != len(conditions):
            return False
        arguments, _, larger = readings[0]
        if any(reading[0] != arguments or reading[2] != larger for reading in readings) or sorted(
                reading[1] for reading in readings) != list(range(len(arguments))):
            return False
        beaten_strictly: dict[int, set[int]] = {}  # for each argument, those its condition says it is beyond (> or <)
        for (_, index, _), condition in zip(readings, conditions, strict=True):
            positive = compared_differences(condition, strict_only=True)
            chosen = arguments[index]
            beaten_strictly[index] = {position for position, other in enumerate(arguments) if comparable_difference(
                chosen - other if larger else other - chosen) in positive}
        positions = range(len(arguments))
        return all(any(not beaten_strictly[index] & set(tied) for index in tied)
                   for size in range(2, len(arguments) + 1) for tied in itertools.combinations(positions, size))

    def _exponent_of(self, power: sympy.Expr) -> sympy.Expr:
        """The exponent of e^…, a number times a sum typed so written so where SymPy multiplied it out: −b − wx as
        −(wx + b) where wx + b was typed (σ(wx + b)) and −b − wx was not, −x²/2 − y²/2 as −(x² + y²)/2."""
        exponent = power.args[0]
        if not exponent.is_Add or self.spelling.order_of(exponent, whole=False):
            return exponent
        content, rest = exponent.primitive()
        for number, bracket in ((-content, -rest), (content, rest)):
            if number != 1 and self.spelling.order_of(bracket, whole=False):
                return sympy.Mul(number, bracket, evaluate=False)
        return exponent

    def _scientific(self, number: sympy.Number) -> str | None:
        """A number as m·10ᵏ where the formula was typed in scientific notation and the number is as large or small as
        scientific_parts writes so (a float to the digits format_number shows, with an exponent if it writes one):
        2·10¹⁰, −10⁻⁶, 10⁻⁴; else None."""
        if not (self.spelling.scientific and number.is_Number):
            return None
        if number.is_Float:  # to the digits format_number shows, by the same zeros as an exact number
            mantissa, _, exponent = format_number(abs(number), ascii_minus=True).partition("e")
            parts = (mantissa, int(exponent)) if exponent else scientific_parts(sympy.Rational(mantissa))
        else:
            parts = scientific_parts(abs(number))
        if parts is None:
            return None
        mantissa, exponent = parts
        power = self.power_markup("10", exponent)
        text = power if mantissa == "1" else f"{mantissa}{self.times}{power}"
        return self.minus + text if number.is_negative else text

    def parenthesize(self, item: sympy.Expr, level: int, strict: bool = False) -> str:
        """The item, in brackets if its precedence is below level; a number printed as m·10ᵏ also as a power's base
        or exponent: (10¹⁰)^x, x^(10⁻⁶); a product printed as one factor only as that factor (x^log₁₀(y), 0.5|y|³)."""
        if level >= PRECEDENCE["Pow"] and self._scientific(item):
            return self.brackets_markup(self._print(item))
        if item.is_Mul and len(rejoined := self._as_typed_factors(sympy.Mul.make_args(item))) == 1:
            item = rejoined[0]
        return super().parenthesize(item, level, strict=strict)  # type: ignore[misc]

    def _as_typed_factors(self, factors: Sequence[sympy.Expr]) -> list[sympy.Expr]:
        """A product's factors with |u|³, log₁₀(u), sec(u) and the like as typed (see _abs_powers_rejoined,
        _logs_to_typed_bases, _quotients_to_typed)."""
        factors = _logs_to_typed_bases(_abs_powers_rejoined(factors), self.spelling.log_bases)
        return _quotients_to_typed(factors, self.spelling.quotients) if self.spelling.quotients else factors

    def _print(self, expr: sympy.Basic, **settings: object) -> str:
        """Print a part of the expression; a power or logarithm alone that a typed function is a quotient of as
        that function: sec(x) for 1/cos(x), sigmoid(x) for 1/(1 + e^−x), softplus(x) for ln(1 + e^x)."""
        if self.spelling.quotients and isinstance(expr, (sympy.Pow, sympy.log)):
            typed = self._as_typed_factors([expr])
            if typed != [expr]:
                expr = typed[0] if len(typed) == 1 else sympy.Mul(*typed, evaluate=False)
        return super()._print(expr, **settings)  # type: ignore[misc]

    def _as_ordered_terms(self, expr: sympy.Expr, order: str | None = None) -> list[sympy.Expr]:
        terms = list(super()._as_ordered_terms(expr, order=order))  # type: ignore[misc]
        typed = self.spelling.order_of(expr, whole=expr is self._whole)
        if typed:
            terms, first_typed = _in_typed_order(terms, typed)
            if first_typed:  # as typed, even if it starts with a minus: −2(5 − w₁ − 2w₂) + 3sign(w₁)
                return terms
        else:
            terms = identity_order(terms)
        if terms and _has_negative_coefficient(terms[0]):
            first_positive = next((term for term in terms if not _has_negative_coefficient(term)), None)
            if first_positive is not None:
                terms.remove(first_positive)
                terms.insert(0, first_positive)
        return terms

    def _case_rows(self, piecewise: sympy.Piecewise) -> list[tuple[str, str]]:
        """A piecewise function's cases printed, each as its value and 'if <condition>' or 'otherwise'.

        The cases of one max or min, one for each of its arguments, come in the order the arguments were typed, each
        condition comparing its argument with the others: {1 if x > 1 − x; −1 if 1 − x > x; 0 otherwise}. A case of
        one argument alone does so too: {1 if y > x; 0 otherwise} for max(x, y)'s y.
        """
        return [(self._print(value), self.words_markup(CASE_OTHERWISE) if condition is sympy.true
                 else self.words_markup(f"{CASE_IF} ") + self._condition(condition, reading))
                for value, condition, reading in self._in_arguments_order(piecewise.args)]

    def _condition(self, condition: sympy.Basic, reading: ExtremeReading | None) -> str:
        """A case's condition: as the comparisons of a max's or min's argument with the others where it reads so."""
        if reading is None and isinstance(condition, INEQUALITIES):
            reading = self._extreme_reading(condition)  # an And reads so where it is printed (see _print_And)
        return self._print(condition) if reading is None else self._comparisons(reading, condition)

    def _in_arguments_order(self, cases: Sequence[tuple[sympy.Expr, sympy.Basic]]) -> list[CaseReading]:
        """The cases, each with its reading (see _extreme_reading) where they are those of one max or min, in the typed
        order of its arguments with 'otherwise' last: they never hold together, so their order is free."""
        as_they_are = [(value, condition, None) for value, condition in cases]
        otherwise = [(*cases[-1], None)] if cases[-1][1] is sympy.true else []  # left out where it never holds
        conditional = cases[:-1] if otherwise else cases
        if len(conditional) < 2:
            return as_they_are
        readings = [self._extreme_reading(condition) for _, condition in conditional]
        if any(reading is None or reading[0] != readings[0][0] for reading in readings):
            return as_they_are
        ordered = sorted(zip(conditional, readings, strict=True), key=lambda pair: pair[1][1])
        return [*((value, condition, reading) for (value, condition), reading in ordered), *otherwise]

    def _comparisons(self, reading: ExtremeReading, condition: sympy.Basic) -> str:
        """The index-th argument compared with each other one, joined by 'and': x ≥ y and x > z where the condition
        says x − y ≥ 0 and x − z > 0."""
        arguments, index, larger = reading
        positive = compared_differences(condition, strict_only=True)

        def relation(other: sympy.Expr) -> sympy.Expr:
            """The comparison of the index-th argument with other, as strict as the condition's."""
            difference = arguments[index] - other if larger else other - arguments[index]
            strict = comparable_difference(difference) in positive
            kind = {(True, True): sympy.StrictGreaterThan, (True, False): sympy.GreaterThan,
                    (False, True): sympy.StrictLessThan, (False, False): sympy.LessThan}[larger, strict]
            return _common_terms_cancelled(kind(arguments[index], other, evaluate=False))

        self._comparing = True
        try:  # y − x > 0 for relu(y − x) in a max, as its other comparisons y − x > x: not y > x beside them
            return self.words_markup(" and ").join(self._print(relation(other))
                                                   for position, other in enumerate(arguments) if position != index)
        finally:
            self._comparing = False

    def _extreme_reading(self, condition: sympy.Basic) -> ExtremeReading | None:
        """(arguments, index, larger) where a condition says that the index-th of a typed max's or min's arguments is
        larger (or smaller) than each other one: x > y and x > z for max(x, y, z)'s x; else None."""
        relations = condition.args if isinstance(condition, sympy.And) else (condition,)
        candidates = [typed for typed in self.spelling.flat_arguments() if len(typed[1]) == len(relations) + 1]
        if not candidates:
            return None
        compared = compared_differences(condition)
        for name, arguments in candidates:
            larger = name == "max"
            for index, chosen in enumerate(arguments):
                if {comparable_difference(chosen - other if larger else other - chosen)
                        for position, other in enumerate(arguments) if position != index} == compared:
                    return arguments, index, larger
        return None

    def _readable(self, relation: sympy.Expr) -> sympy.Expr:
        """A comparison as _readable_relation writes it; one that says where a typed relu(u) has its slope as u > 0
        does, its sides as in u: y > x for relu(y − x) (not x < y), 1 > x for relu(1 − x). One of a max's or min's
        argument compared with another (see _comparisons) is left as it is."""
        if self._comparing:
            return relation
        if isinstance(relation, (sympy.StrictGreaterThan, sympy.StrictLessThan)) and self.spelling.relus:
            difference = comparable_difference(relation.gts - relation.lts)
            relus = self.spelling.relus
            argument = next((typed for typed in relus if comparable_difference(typed) == difference), None)
            if argument is not None:
                return _readable_relation(sympy.StrictGreaterThan(argument, 0, evaluate=False), as_typed=True)
        return _readable_relation(relation)

    def _print_And(self, expr: sympy.Expr) -> str:
        """Conditions joined by 'and'; those of one typed max's or min's argument with each other one in its order, and
        each one that compares two arguments of a max or min with the case's one first (see _condition)."""
        reading = self._extreme_reading(expr)
        if reading is not None:
            return self._comparisons(reading, expr)
        return self.words_markup(" and ").join(  # "y > 0 or x < 0 and y > 0" read as y > 0 or (…): 'or' bracketed
            f"({self._print(condition)})" if isinstance(condition, sympy.Or) else self._condition(condition, None)
            for condition in expr.args)

    def _print_Or(self, expr: sympy.Expr) -> str:
        """Conditions joined by 'or' (bracketed where an 'and' joins them in turn)."""
        return self.words_markup(" or ").join(self._print(condition) for condition in expr.args)

    def _extreme_parts(self, extreme: sympy.Expr) -> tuple[str, tuple[sympy.Expr, ...]]:
        """A max's or min's name and arguments as typed: 'relu' and (u,) for max(0, u) typed as relu(u)."""
        relu = self.spelling.relu_argument(extreme)
        if relu is not None:
            return "relu", (relu,)
        return type(extreme).__name__.lower(), self.spelling.arguments_of(extreme)

    def words_markup(self, words: str) -> str:
        """Words among the math (the printers' hook: LaTeX sets them as text)."""
        return words


def value_of_cases_from(term: sympy.Expr, shown: Mapping[sympy.Piecewise, sympy.Expr]) -> sympy.Expr:
    """A typed term's derivative, or, as printed, the cases of shown that have its cases among theirs."""
    if not isinstance(term, sympy.Piecewise):
        return term
    rows = set(term.args[:-1])
    return next((printed for cases, printed in shown.items() if rows <= set(cases.args[:-1])), term)


def _abs_powers_rejoined(factors: Sequence[sympy.Expr]) -> list[sympy.Expr]:
    """The factors with each pair u^k · |u| (k even, as SymPy writes |u|^(k+1) for real u) as |u|^(k+1) again."""
    factors = list(factors)
    for absolute in [factor for factor in factors if isinstance(factor, sympy.Abs)]:
        argument = absolute.args[0]
        power = next((factor for factor in factors if factor.is_Pow and factor.base == argument
                      and factor.exp.is_Integer and factor.exp > 0 and factor.exp % 2 == 0), None)
        if power is not None:
            index = factors.index(power)
            factors[index] = sympy.Pow(absolute, power.exp + 1, evaluate=False)
            factors.remove(absolute)
    return factors


class LogToBase(sympy.Function):
    """log_b(u), log₁₀(u) for log10(u) typed: SymPy holds it as ln(u)/ln(b), which is printed so (see
    _logs_to_typed_bases); never evaluated."""


def _integer_power_index(factors: Sequence[sympy.Expr], base: sympy.Expr) -> int | None:
    """Where base or an integer power of it is among the factors, else None."""
    return next((index for index, factor in enumerate(factors)
                 if factor.as_base_exp()[0] == base and factor.as_base_exp()[1].is_Integer), None)


def _logs_to_typed_bases(factors: Sequence[sympy.Expr], log_bases: Sequence[TypedLog]) -> list[sympy.Expr]:
    """The factors with each ln(u)^k over ln(b)^k, where log_b(u) was typed, as log_b(u)^k: log₁₀(xy), not
    ln(xy)/ln(10). A ln(b) left over stays: 2log₁₀(x)/(x·ln(10)) for ∂/∂x of log10(x)^2."""
    factors = list(factors)
    for argument, base in log_bases:
        logarithm = _integer_power_index(factors, sympy.log(argument))
        divisor = _integer_power_index(factors, sympy.log(base))
        if logarithm is None or divisor is None or logarithm == divisor:
            continue
        power, divided = factors[logarithm].as_base_exp()[1], factors[divisor].as_base_exp()[1]
        if power * divided < 0 and abs(divided) >= abs(power):
            factors[logarithm] = LogToBase(argument, base) ** power
            factors[divisor] = sympy.log(base) ** (divided + power)
    return [factor for factor in factors if factor != 1]


# sigmoid(u) and softplus(u) as printed: functions of no meaning to SymPy, never evaluated
_SIGMOID, _SOFTPLUS = sympy.Function("sigmoid"), sympy.Function("softplus")


def _integer_power(factors: Sequence[sympy.Expr], base: sympy.Expr) -> tuple[int, int] | None:
    """Where base to an integer power is among the factors, and the power; None if it is not."""
    index = _integer_power_index(factors, base)
    return None if index is None else (index, int(factors[index].as_base_exp()[1]))


def _reciprocals_to_typed(factors: list[sympy.Expr], argument: sympy.Expr, typed: Callable[..., sympy.Expr],
                          divisor: Callable[..., sympy.Expr], partner: Callable[..., sympy.Expr],
                          ratio: Callable[..., sympy.Expr]) -> list[sympy.Expr]:
    """The factors with divisor(u)^−n as typed(u)^n and a partner(u)^m over it (m ≤ n) as ratio(u)^m: sec(u)^n for
    1/cos(u)^n, tan(u)·sec(u) for sin(u)/cos²(u) (typed sec, divisor cos, partner sin, ratio tan)."""
    below = _integer_power(factors, divisor(argument))
    if below is None or below[1] >= 0:
        return factors
    depth = -below[1]
    above = _integer_power(factors, partner(argument))
    if above is not None and 0 < above[1] <= depth:
        factors[above[0]] = ratio(argument, evaluate=False) ** above[1]
        depth -= above[1]
    factors[below[0]] = typed(argument, evaluate=False) ** depth
    return factors


def _cotangents_to_typed(factors: list[sympy.Expr], argument: sympy.Expr) -> list[sympy.Expr]:
    """The factors with cos(u)^m over sin(u)^n as cot(u)^k (k the lesser of m and n) times what is left over."""
    above, below = _integer_power(factors, sympy.cos(argument)), _integer_power(factors, sympy.sin(argument))
    if above is None or below is None or above[1] <= 0 or below[1] >= 0:
        return factors
    common = min(above[1], -below[1])
    factors[above[0]] = sympy.cos(argument) ** (above[1] - common)
    factors[below[0]] = sympy.sin(argument) ** (below[1] + common)
    return [*factors, sympy.cot(argument, evaluate=False) ** common]


def _logistics_to_typed(factors: list[sympy.Expr], argument: sympy.Expr, sign: int) -> list[sympy.Expr]:
    """The factors with e^(ju) over (1 + e^u)^k as sigmoid(u)^j·(1 − sigmoid(u))^(k − j) (sign +1: softplus′ is the
    sigmoid), e^(−ju) over (1 + e^−u)^k as (1 − sigmoid(u))^j·sigmoid(u)^(k − j) (sign −1: sigmoid′ is σ(1 − σ))."""
    exponent = argument if sign > 0 else sympy.Mul(sympy.S.NegativeOne, argument)
    below = _integer_power(factors, sympy.Add(sympy.S.One, sympy.exp(exponent)))
    if below is None or below[1] >= 0:
        return factors
    sigmoid = _SIGMOID(argument)
    over_sum, over_one = (sigmoid, 1 - sigmoid) if sign > 0 else (1 - sigmoid, sigmoid)
    depth = -below[1]
    times = next((times for times in range(depth, 0, -1) if sympy.exp(times * exponent) in factors), 0)
    if times:
        factors[factors.index(sympy.exp(times * exponent))] = over_sum ** times
    elif sign > 0 or any(factor.has(sympy.exp(exponent)) for index, factor in enumerate(factors) if index != below[0]):
        return factors  # sigmoid(u)² times a sum of e^−u's reads worse than SymPy's one quotient
    factors[below[0]] = over_one ** (depth - times)
    return factors


def _softpluses_to_typed(factors: list[sympy.Expr], argument: sympy.Expr) -> list[sympy.Expr]:
    """The factors with ln(1 + e^u)^k as softplus(u)^k, and softplus′'s e^u over (1 + e^u) as sigmoid(u)."""
    logarithm = _integer_power(factors, sympy.log(sympy.Add(sympy.S.One, sympy.exp(argument))))
    if logarithm is None:
        return _logistics_to_typed(factors, argument, 1)
    factors[logarithm[0]] = _SOFTPLUS(argument) ** logarithm[1]
    return factors


def _quotients_to_typed(factors: Sequence[sympy.Expr], quotients: Sequence[TypedQuotient]) -> list[sympy.Expr]:
    """The factors with the quotients of each function typed (see TypedQuotient) written in it as textbooks do:
    y·tan(x)·sec(x) for ∂/∂x of y·sec(x) (SymPy's y·sin(x)/cos²(x)), −cot(x)·csc(x), −1 − cot²(x),
    y·sigmoid(xy)·(1 − sigmoid(xy)) for ∂/∂x of sigmoid(xy), sigmoid(x) for softplus′(x)."""
    factors = list(factors)
    for name, argument in quotients:
        if name == "sec":
            factors = _reciprocals_to_typed(factors, argument, sympy.sec, sympy.cos, sympy.sin, sympy.tan)
        elif name == "csc":
            factors = _reciprocals_to_typed(factors, argument, sympy.csc, sympy.sin, sympy.cos, sympy.cot)
        elif name == "cot":
            factors = _cotangents_to_typed(factors, argument)
        elif name == "sigmoid":
            factors = _logistics_to_typed(factors, argument, -1)
        else:
            factors = _softpluses_to_typed(factors, argument)
    return [factor for factor in factors if factor != 1]


def factor_kind(factor: sympy.Expr) -> str:
    """How a factor starts and ends in print: 'number', 'letter', 'group' or 'named'."""
    if factor.is_Number:
        return "number"
    if factor.is_Add:
        return "group"
    is_integer_power = factor.is_Pow and factor.exp.is_Integer
    base = factor.base if is_integer_power else factor
    if base.is_Add or base.is_Mul or (is_integer_power and base.is_Pow):
        return "group"
    if isinstance(base, sympy.Symbol) and _is_single_letter(base.name):
        return "letter"
    if isinstance(base, sympy.NumberSymbol) or base is sympy.I:
        return "letter"
    return "named"


def _letters_before_powers(factors: Sequence[sympy.Expr]) -> list[sympy.Expr]:
    """Factors in print order with the letters and brackets after a power like x^y or 2^x put before it, letters
    first: y·x^(y − 1) and (y + 1)·x^y, as textbooks write them (SymPy's order wrote x^(y − 1)·y and x^y·(y + 1)).

    Every printer puts a product's factors (above the line) in this order.
    """
    factors = list(factors)
    first = next((index for index, factor in enumerate(factors) if factor.is_Pow and not factor.exp.is_number), None)
    if first is None:
        return factors
    moved = sorted((factor for factor in factors[first:] if factor_kind(factor) in ("letter", "group")),
                   key=lambda factor: factor_kind(factor) == "group")
    return [*factors[:first], *moved, *(factor for factor in factors[first:] if factor not in moved)]


SpelledPrinter = TypeVar("SpelledPrinter", bound=_TextbookForms)


class _UnicodeMathPrinter(_TextbookForms, StrPrinter):
    """One-line Unicode math; its markup methods are the hooks the HTML printer overrides."""

    minus = MINUS
    times = MIDDLE_DOT
    partial = PARTIAL
    nabla = NABLA
    arrow = LEFT_ARROW
    label_join = ""

    # Markup shared with the label and update-equation helpers.

    def symbol_markup(self, name: str) -> str:
        """A variable name with Greek letters and Unicode sub/superscripts where they exist."""
        base, supers, subs = _symbol_parts(name)
        text = base
        if subs:
            joined = ",".join(subs)
            text += _scripted(joined, _SUBSCRIPTS) or f"_{joined}"
        if supers:
            joined = ",".join(supers)
            text += _scripted(joined, _SUPERSCRIPTS) or f"^{joined}"
        return text

    def power_markup(self, base_text: str, exponent: int) -> str:
        """A base raised to an integer power."""
        return base_text + _superscript_digits(exponent)

    def fraction_markup(self, numerator_text: str, denominator_text: str) -> str:
        """A fraction of two already printed, already grouped parts."""
        return f"{numerator_text}/{denominator_text}"

    def number_markup(self, value: SupportsFloat) -> str:
        """A plain number."""
        return format_number(value)

    def brackets_markup(self, text: str) -> str:
        """Printed text in round brackets."""
        return f"({text})"

    def subscript_markup(self, text: str) -> str:
        """Text lowered as a subscript (digits: log₁₀)."""
        return _scripted(text, _SUBSCRIPTS) or f"_{text}"

    def escape(self, text: str) -> str:
        """Text made safe for the output format."""
        return text

    # Atoms.

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        return self.symbol_markup(expr.name)

    def _print_Integer(self, expr: sympy.Integer) -> str:
        return self._scientific(expr) or (self.minus + str(-int(expr)) if expr.is_negative else str(int(expr)))

    def _print_Rational(self, expr: sympy.Rational) -> str:
        if expr.is_negative:
            return self.minus + self._print(-expr)
        decimal = self._scientific(expr) or (short_decimal(expr) if self.spelling.decimals else None)
        if decimal is not None:
            return decimal
        return self._fraction([sympy.Integer(expr.p)], [sympy.Integer(expr.q)])

    def _print_Float(self, expr: sympy.Float) -> str:
        return self._scientific(expr) or self.number_markup(expr)

    def _print_Exp1(self, expr: sympy.Expr) -> str:
        return "e"

    def _print_Pi(self, expr: sympy.Expr) -> str:
        return "π"

    def _print_ImaginaryUnit(self, expr: sympy.Expr) -> str:
        return "i"

    def _print_Infinity(self, expr: sympy.Expr) -> str:
        return INFINITY

    def _print_NegativeInfinity(self, expr: sympy.Expr) -> str:
        return self.minus + INFINITY

    def _print_NaN(self, expr: sympy.Expr) -> str:
        return "nan"

    # Sums and products.

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> str:
        parts = []
        for index, term in enumerate(self._as_ordered_terms(expr, order=order)):
            negative, magnitude = self._signed_parts(term)
            if index == 0:
                parts.append(self.minus + magnitude if negative else magnitude)
            else:
                parts.append(f" {self.minus} {magnitude}" if negative else f" + {magnitude}")
        return "".join(parts)

    def _signed_parts(self, expr: sympy.Expr) -> tuple[bool, str]:
        """Whether a term reads as negative, and the text of its magnitude."""
        if expr.is_Mul:
            factors = list(expr.as_ordered_factors())
            negative = bool(factors[0].is_Number and factors[0].is_negative)
            if negative:
                factors[0] = -factors[0]
                if factors[0] == 1:
                    del factors[0]
            return negative, self._product(factors)
        if expr.is_Number and expr.is_negative:
            return True, self._print(-expr)
        return False, self._print(expr)

    def _print_Mul(self, expr: sympy.Mul) -> str:
        negative, magnitude = self._signed_parts(expr)
        return self.minus + magnitude if negative else magnitude

    def _product(self, factors: Sequence[sympy.Expr]) -> str:
        """Positive factors written as a product, with any negative powers and rationals as a fraction."""
        numerator: list[sympy.Expr] = []
        denominator: list[sympy.Expr] = []
        typed = self.spelling.factor_order(factors)
        for factor in self._as_typed_factors(typed or factors):
            if factor.is_Rational and not factor.is_Integer and not self._as_decimal(factor):
                if factor.p != 1:
                    numerator.append(sympy.Integer(factor.p))
                denominator.append(sympy.Integer(factor.q))
            elif factor.is_Pow and factor.exp.is_Rational and factor.exp.is_negative:
                denominator.append(factor.base ** (-factor.exp))
            else:
                numerator.append(factor)
        if typed is None:
            numerator = _letters_before_powers(numerator)
        if denominator:
            return self._fraction(numerator, denominator)
        return self._joined_factors(numerator)

    def _as_decimal(self, number: sympy.Rational) -> bool:
        """Whether this fraction prints as one number, a decimal or m·10ᵏ (see _scientific)."""
        if self._scientific(number) is not None:
            return True
        return self.spelling.decimals and short_decimal(abs(number)) is not None

    def parenthesize(self, item: sympy.Expr, level: int, strict: bool = False) -> str:
        """The item, in brackets if its precedence is below level; a fraction printed as a decimal never is."""
        if item.is_Rational and item.is_positive and self._as_decimal(item) and not self._scientific(item):
            return self._print(item)
        return super().parenthesize(item, level, strict=strict)

    def _joined_factors(self, factors: Sequence[sympy.Expr]) -> str:
        """Factors side by side, with a middle dot only where juxtaposition would be ambiguous."""
        if not factors:
            return "1"
        text = self.parenthesize(factors[0], PRECEDENCE["Mul"], strict=True)
        for previous, factor in itertools.pairwise(factors):
            separator = self.times if self._needs_dot(previous, factor) else ""
            text += separator + self.parenthesize(factor, PRECEDENCE["Mul"], strict=True)
        return text

    def _needs_dot(self, previous: sympy.Expr, factor: sympy.Expr) -> bool:
        """Whether two neighbouring factors need a middle dot between them."""
        previous_kind, kind = factor_kind(previous), factor_kind(factor)
        if kind == "number" or (factor.is_Pow and factor.base.is_Number):
            return True
        if previous.is_Float and "e" in format_number(previous) and not self._scientific(previous):
            return True  # 1.2e−7·x, not 1.2e−7x (1.2·10⁻⁷x needs none)
        if previous_kind == "number":
            return False
        return "named" in (previous_kind, kind)

    def _fraction(self, numerator: Sequence[sympy.Expr], denominator: Sequence[sympy.Expr]) -> str:
        """A fraction of two products; a denominator of several factors is grouped."""
        denominator_text = self._joined_factors(denominator)
        if len(denominator) > 1 or (self.times in denominator_text and denominator[0].is_Number):  # y/(3·10¹⁰)
            denominator_text = f"({denominator_text})"
        return self.fraction_markup(self._joined_factors(numerator), denominator_text)

    # Powers, roots, exponentials.

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        base, exponent = expr.base, expr.exp
        if exponent is sympy.S.Half:
            return self._root(base)
        if exponent.is_Rational and exponent.is_negative:
            return self._fraction([], [base ** (-exponent)])
        if exponent.is_Integer and exponent > 0 and isinstance(base, _POWER_BEFORE_ARGUMENT):
            name, opening, argument = self._print(base).partition("(")  # sin²(x), as textbooks and LaTeX write it
            return self.power_markup(name, int(exponent)) + opening + argument
        base_text = self.parenthesize(base, PRECEDENCE["Pow"], strict=False)
        if exponent.is_Integer:
            return self.power_markup(base_text, int(exponent))
        return self._general_power(base_text, exponent)

    def _general_power(self, base_text: str, exponent: sympy.Expr) -> str:
        """A base raised to a power that is not an integer: 'x^y', '2^(x + 1)'."""
        return f"{base_text}^{self.parenthesize(exponent, PRECEDENCE['Pow'], strict=False)}"

    def _root(self, radicand: sympy.Expr) -> str:
        """A square root: '√x', '√(x² + y²)'."""
        if radicand.is_Symbol or (radicand.is_Integer and radicand.is_positive):
            return "√" + self._print(radicand)
        return f"√({self._print(radicand)})"

    def _print_exp(self, expr: sympy.Expr) -> str:
        exponent = self._exponent_of(expr)
        if exponent.is_Integer:
            return "e" + _superscript_digits(int(exponent))
        if expr.args[0] in self.spelling.e_powers:  # e^(−x² − y²) as typed, not exp(−x² − y²)
            return self._general_power("e", exponent)
        return f"exp({self._print(exponent)})"

    # Functions and conditions.

    def _print_Abs(self, expr: sympy.Expr) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_MinMaxBase(self, expr: sympy.Expr) -> str:
        name, arguments = self._extreme_parts(expr)
        return f"{name}({self.stringify(arguments, ', ')})"

    def _print_log(self, expr: sympy.Expr) -> str:
        return f"ln({self.stringify(expr.args, ', ')})"

    def _print_LogToBase(self, expr: sympy.Expr) -> str:
        argument, base = expr.args
        return f"log{self.subscript_markup(str(base))}({self._print(argument)})"

    def _print_Heaviside(self, expr: sympy.Expr) -> str:
        return f"H({self._print(expr.args[0])})"

    def _print_DiracDelta(self, expr: sympy.Expr) -> str:
        return f"δ({self.stringify(expr.args, ', ')})"

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        return "{" + "; ".join(f"{value} {condition}" for value, condition in self._case_rows(expr)) + "}"

    def _print_Relational(self, expr: sympy.Expr) -> str:
        expr = self._readable(expr)
        operator = {"==": "=", "!=": "≠", "<=": "≤", ">=": "≥"}.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {self.escape(operator)} {self._print(expr.rhs)}"

    def _print_Not(self, expr: sympy.Expr) -> str:
        return f"not ({self._print(expr.args[0])})"

    def _print_BooleanTrue(self, expr: sympy.Expr) -> str:
        return "true"

    def _print_BooleanFalse(self, expr: sympy.Expr) -> str:
        return "false"


class _HtmlMathPrinter(_UnicodeMathPrinter):
    """Qt rich text: italic variables, <sup>/<sub>, stacked fractions as small tables."""

    def __init__(self) -> None:
        super().__init__()
        self._inline_depth = 0
        self._in_exponent = False

    def symbol_markup(self, name: str) -> str:
        """A variable name in italics with HTML sub- and superscripts (in an exponent, subscript digits: w₁)."""
        base, supers, subs = _symbol_parts(name)
        text = f"<i>{html.escape(base)}</i>"
        subscript = _scripted(",".join(subs), _SUBSCRIPTS) if self._in_exponent else None
        if subscript:
            text += subscript
        elif subs:
            text += f"<sub>{html.escape(','.join(subs))}</sub>"
        if supers:
            text += f"<sup>{html.escape(','.join(supers))}</sup>"
        return text

    def power_markup(self, base_text: str, exponent: int) -> str:
        """A base raised to an integer power; in an exponent with superscript digits, as Qt raises no <sup> in a
        <sup>: x<sup>y²</sup> for x^(y²)."""
        if self._in_exponent:
            return base_text + _superscript_digits(exponent)
        return f"{base_text}<sup>{self.number_markup(exponent)}</sup>"

    def subscript_markup(self, text: str) -> str:
        """Text lowered as a subscript (in an exponent, subscript digits, as Qt lowers no <sub> in a <sup>)."""
        return super().subscript_markup(text) if self._in_exponent else f"<sub>{html.escape(text)}</sub>"

    def fraction_markup(self, numerator_text: str, denominator_text: str) -> str:
        """A stacked fraction (a bracketed block), or 'a/b' where blocks cannot go (inside a superscript)."""
        if self._inline_depth:
            return super().fraction_markup(numerator_text, denominator_text)
        return _BLOCK_START + _stacked_fraction(numerator_text, denominator_text) + _BLOCK_END

    def escape(self, text: str) -> str:
        """Text made safe for HTML."""
        return html.escape(text, quote=False)

    @contextmanager
    def _inline(self) -> Iterator[None]:
        """Print where no table can go (in a superscript, under a root): fractions come out as 'a/b'."""
        self._inline_depth += 1
        try:
            yield
        finally:
            self._inline_depth -= 1

    def _inline_print(self, expr: sympy.Expr) -> str:
        """An expression printed where no table can go."""
        with self._inline():
            return self._print(expr)

    def _fraction(self, numerator: Sequence[sympy.Expr], denominator: Sequence[sympy.Expr]) -> str:
        if self._inline_depth:
            return super()._fraction(numerator, denominator)
        # Stacked parts need no grouping parentheses of their own.
        parts = [
            self._print(factors[0]) if len(factors) == 1 else self._joined_factors(factors)
            for factors in (numerator, denominator)
        ]
        return self.fraction_markup(*parts)

    def _general_power(self, base_text: str, exponent: sympy.Expr) -> str:
        self._in_exponent, outer = True, self._in_exponent
        try:
            superscript = self._inline_print(exponent)
        finally:
            self._in_exponent = outer
        if _has_scripts(superscript):
            with self._inline():
                return super()._general_power(base_text, exponent)
        return f"{base_text}<sup>{superscript}</sup>"

    def _root(self, radicand: sympy.Expr) -> str:
        text = self._inline_print(radicand)
        if _has_scripts(text):
            # An overline jumps up over superscripts, so those radicands get parentheses instead.
            return f"√({text})"
        return f'√<span style="text-decoration: overline">{text}</span>'

    def _print_exp(self, expr: sympy.Expr) -> str:
        exponent = self._exponent_of(expr)
        if expr.args[0] in self.spelling.e_powers:  # typed e^u: e<sup>−x² − y²</sup>, powers in it as superscripts
            return self._general_power("e", exponent)
        superscript = self._inline_print(exponent)
        if _has_scripts(superscript):
            return f"exp({self._print(exponent)})"
        return f"e<sup>{superscript}</sup>"

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        if self._inline_depth:
            return super()._print_Piecewise(expr)
        return _BLOCK_START + _cases_table(self._case_rows(expr)) + _BLOCK_END


def _has_scripts(markup: str) -> bool:
    """Whether HTML has sub- or superscripts: Qt does not raise a superscript within a superscript."""
    return "<sup>" in markup or "<sub>" in markup


def _stacked_fraction(numerator_html: str, denominator_html: str) -> str:
    """A numerator over a denominator with a line between them, as a two-row Qt rich-text table."""
    return (
        '<table cellspacing="0" cellpadding="0" style="border-collapse: collapse">'
        f'<tr><td align="center" style="border-bottom: 1px solid {FRACTION_RULE_COLOR};'
        f' padding: 0px 2px 1px 2px">{_html_row(numerator_html)}</td></tr>'
        f'<tr><td align="center" style="padding: 1px 2px 0px 2px">{_html_row(denominator_html)}</td></tr>'
        "</table>"
    )


_CASES_TABLE = '<table class="cases" cellspacing="0" cellpadding="0">'  # how the table of cases starts


def _cases_table(rows: Sequence[tuple[str, str]]) -> str:
    """A tall brace with one case per row, its value then its condition, as a Qt rich-text table."""
    brace = f'<td rowspan="{len(rows)}" valign="middle" style="font-size: {CASES_BRACE_SIZE}">{{</td>'
    cells = [f'<td valign="middle" style="padding: 0px 8px 0px 2px">{_html_row(value)}</td>'
             f'<td valign="middle" style="white-space: pre">{_html_row(condition)}</td>' for value, condition in rows]
    cells[0] = brace + cells[0]
    return _CASES_TABLE + "".join(f"<tr>{row}</tr>" for row in cells) + "</table>"


def _html_row(markup: str, as_line: bool = False) -> str:
    """HTML with bracketed blocks laid out as one table row of cells; plain inline HTML is kept as is.

    With `as_line` the result is always a table with a little space above and below, so that lines
    made this way stack one under the other when simply put together.
    """
    pieces = markup.replace(_BLOCK_END, _BLOCK_START).split(_BLOCK_START)
    if not as_line:
        if len(pieces) == 1:
            return markup
        if len(pieces) == 3 and not pieces[0] and not pieces[2]:
            return pieces[1]
    # Pieces alternate: inline text, block, inline text, block, ..., inline text.
    cells = []
    for index, piece in enumerate(pieces):
        if index % 2:
            cells.append(f'<td valign="middle">{piece}</td>')
        elif piece:
            after_cases = index and pieces[index - 1].startswith(_CASES_TABLE)
            space = f"; padding-left: {CASES_AFTER_SPACE_PX}px" if after_cases else ""
            cells.append(f'<td valign="middle" style="white-space: pre{space}">{piece}</td>')
    margin = ' style="margin-top: 3px; margin-bottom: 3px"' if as_line else ""
    return f'<table cellspacing="0" cellpadding="0"{margin}><tr>' + "".join(cells) + "</tr></table>"


_MARKUP_TOKENS = re.compile(r"(<[^>]*>)")
_TERM_BREAKS = ("+ ", MINUS + " ")  # a line of an equation may break before these, between its terms
_ROW_CELL = '<td valign="middle" style="white-space: pre">'  # a cell of an equation's row holding text


@dataclass(frozen=True)
class LineBreak:
    """A place where an equation's line may break: the space before a + or − between terms."""

    at: int  # where in the row the space is
    depth: int  # how deep in brackets it is (0: between the equation's own terms)
    indent_at: int  # where in the row the text of the cell further lines start in begins: their indent is the width
    # before it
    markup: str  # what takes the space's place to break the line there (a row of the equation's table begins)


@dataclass(frozen=True)
class TermBreaks:
    """An equation's row (see _html_row) and the places its line may break: before the + and − between terms, its
    own or (deeper) those within its brackets; never within powers, |…|, fractions or cases."""

    row: str  # f's name in a cell of its own, so that further lines start right of ' = ', as a partial's do
    places: tuple[LineBreak, ...]

    def marked(self, mark: str) -> tuple[str, list[int]]:
        """The row with this (zero-width) mark where each place is, and where each cell further lines would start in
        begins; and those positions, in order."""
        positions = sorted({place.at for place in self.places} | {place.indent_at for place in self.places})
        ends = [*positions, len(self.row)]
        marked = "".join(mark + self.row[start:end] for start, end in itertools.pairwise(ends))
        return self.row[:ends[0]] + marked, positions

    def broken_at(self, places: Sequence[LineBreak]) -> str:
        """The row broken over lines at these of its places (in order): each further line a row of its table, in the
        column of the cell it breaks, so that the equation's name stays beside its first line."""
        pieces, start = [], 0
        for place in places:
            pieces += [self.row[start:place.at], place.markup]
            start = place.at + 1
        return "".join(pieces) + self.row[start:]


def term_breaks(row: str) -> TermBreaks:
    """Where this equation's row may break over lines: Beale's ∂f/∂x breaks into its three terms at 1093 pixels wide,
    rather than run past the panel's edge."""
    pieces: list[str] = []
    places: list[LineBreak] = []
    tables: list[list[str]] = []  # the tables open, each its opening tag and its open cell's
    scripts = brackets = cells = cell_start = length = 0  # super- or subscripts and brackets in; the row's cells
    in_bars = False  # within |…|
    for token in _MARKUP_TOKENS.split(row):
        if token.startswith("<"):
            tag, opening = token.lstrip("</").split(" ", 1)[0].rstrip(">").lower(), not token.startswith("</")
            if tag == "table" and opening:
                tables.append([token, ""])
            elif tag == "table":
                tables.pop()
            elif tag in ("sup", "sub"):
                scripts += 1 if opening else -1
            elif tag == "td" and opening and tables:
                tables[-1][1] = token
                if len(tables) == 1:
                    cells, cell_start = cells + 1, length + len(token)
        elif 0 < len(tables) <= 2 and "white-space: pre" in tables[-1][1] and 'class="cases"' not in tables[-1][0]:
            text = token
            for index, character in enumerate(text):
                brackets += (character in "([{") - (character in ")]}")
                in_bars = in_bars != (character == "|")
                if character != " " or scripts or in_bars:
                    continue
                at = length + len(token) - len(text) + index  # where in the row (past f's name's cell, if made)
                if text.startswith(_TERM_BREAKS, index + 1):
                    places.append(LineBreak(at, brackets, cell_start, _line_break(tables, cells)))
                elif cells == 1 and len(tables) == 1 and not brackets and text.startswith("= ", index + 1):
                    token = text[:index] + "</td>" + _ROW_CELL + text[index:]  # f's name: a cell of its own
                    cells, cell_start, tables[0][1] = 2, at + len("</td>" + _ROW_CELL), _ROW_CELL
        pieces.append(token)
        length += len(token)
    return TermBreaks("".join(pieces), tuple(places))


NO_BREAK_SPACE = "\u00a0"  # a space a line neither ends nor begins at


def breakable_only_at(text: str, before: tuple[str, ...] = (), after: tuple[str, ...] = ()) -> str:
    """The text with no-break spaces, but where a line may break: outside brackets, before one of `before` or after
    one of `after` (a legend wraps plain text at its spaces: "(x + 0.9926)" broke after its "+")."""
    pieces, depth = [], 0
    for index, character in enumerate(text):
        depth += (character in "([{") - (character in ")]}")
        breakable = depth == 0 and (text.startswith(before, index + 1) or text[:index].endswith(after))
        pieces.append(NO_BREAK_SPACE if character == " " and not breakable else character)
    return "".join(pieces)


def terms_kept_whole(text: str) -> str:
    """A plain-text equation whose lines may break only before its + and − terms, as term_breaks breaks a row."""
    return breakable_only_at(text, before=_TERM_BREAKS)


def _line_break(tables: Sequence[Sequence[str]], cells: int) -> str:
    """The markup that ends a line inside these open tables (the row's own first, with this many of its cells begun)
    and begins a further row of the row's table in the same column, inside the same cells, a little lower: a power on
    the further line reached into the line above."""
    ended = "</td></tr></table>" * (len(tables) - 1) + "</td></tr>"
    cell = tables[0][1].replace('style="', f'style="padding-top: {LINE_BREAK_GAP_PX}px; ', 1)
    if cell == tables[0][1]:
        cell = cell.replace("<td", f'<td style="padding-top: {LINE_BREAK_GAP_PX}px"', 1)
    inner = "".join(f"{table}<tr>{open_cell}" for table, open_cell in tables[1:])
    return ended + "<tr>" + "<td></td>" * (cells - 1) + cell + inner


def _as_block(markup: str) -> str:
    """Finished HTML bracketed as a block if it is a table, so it can sit in a row beside other text."""
    return _BLOCK_START + markup + _BLOCK_END if markup.startswith("<table") else markup


class _LatexMathPrinter(_TextbookForms, LatexPrinter):
    """SymPy's LaTeX with Greek-letter names, 'H' for the step function and short floats."""

    minus = "-"
    times = r" \cdot "
    partial = r"\partial"
    nabla = r"\nabla"
    arrow = r"\leftarrow"
    label_join = " "

    def __init__(self) -> None:
        super().__init__({"ln_notation": True})

    def symbol_markup(self, name: str) -> str:
        """A variable name in LaTeX: 'w1' → 'w_{1}', 'θ' → '\\theta'."""
        return self._print(sympy.Symbol(name))

    def power_markup(self, base_text: str, exponent: int) -> str:
        """A base raised to an integer power."""
        return f"{base_text}^{{{exponent}}}"

    def fraction_markup(self, numerator_text: str, denominator_text: str) -> str:
        """A fraction."""
        return rf"\frac{{{numerator_text}}}{{{denominator_text}}}"

    def number_markup(self, value: SupportsFloat) -> str:
        """A plain number."""
        return _latex_number(value)

    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        base, supers, subs = split_super_sub(expr.name)
        spelled = _GREEK_NAMES_BY_LETTER.get(base, base)
        name = spelled + "".join(f"__{sup}" for sup in supers) + "".join(f"_{sub}" for sub in subs)
        return self._deal_with_super_sub(name, style=style)

    def _print_Float(self, expr: sympy.Float) -> str:
        return self._scientific(expr) or _latex_number(expr)

    def _decimal(self, value: sympy.Expr) -> str | None:
        """A fraction as the decimal typed ('2.1', '-0.5'), when the formula was typed with decimals, or a number as
        m \\cdot 10^{k} (see _scientific); else None."""
        if scientific := self._scientific(value):
            return scientific
        if not (self.spelling.decimals and value.is_Rational and not value.is_Integer):
            return None
        decimal = short_decimal(abs(value))
        return None if decimal is None else ("-" if value.is_negative else "") + decimal

    def _print_Rational(self, expr: sympy.Rational) -> str:
        decimal = self._decimal(expr)
        if decimal is not None:
            return decimal
        if not self.spelling.scientific or expr.is_Integer:
            return super()._print_Rational(expr)
        fraction = self.fraction_markup(self._print(sympy.Integer(abs(expr.p))), self._print(sympy.Integer(expr.q)))
        return f"- {fraction}" if expr.is_negative else fraction  # \frac{10^{10}}{3}, as the panel writes it

    def _print_Mul(self, expr: sympy.Expr) -> str:
        coefficient, rest = expr.as_coeff_Mul()
        decimal = self._decimal(abs(coefficient))
        if decimal is not None and rest != 1:  # SymPy would fold 21/10 into a fraction with the rest: 2.1x as typed
            typed_rest = sympy.Mul(*self._as_typed_factors(sympy.Mul.make_args(rest)), evaluate=False)
            numerator, denominator = sympy.fraction(typed_rest, exact=True)  # 0.5x·log₁₀(y), not over ln(10)
            factors_text = self.parenthesize(numerator, PRECEDENCE["Mul"], strict=True)
            above = decimal if numerator == 1 else f"{decimal} {factors_text}"
            if denominator == 1:
                return ("-" if coefficient.is_negative else "") + above
            fraction = self.fraction_markup(above, self._print(denominator))  # \frac{0.5}{x}, not 0.5 \frac{1}{x}
            return f"- {fraction}" if coefficient.is_negative else fraction
        factors = list(sympy.Mul.make_args(expr))
        rejoined = self._as_typed_factors(factors)
        if rejoined != factors:  # |x|³ and log_{10}(x) as typed, not x²·|x| and ln(x)/ln(10)
            return super()._print_Mul(sympy.Mul(*rejoined, evaluate=False))
        return self._in_textbook_order(expr) or super()._print_Mul(expr)

    def _in_textbook_order(self, product: sympy.Expr) -> str | None:
        """A product whose factors above the line go in another order than SymPy's: as typed (see
        Spelling.factor_order), else as a textbook writes them (y x^{y - 1}, see _letters_before_powers); None where
        SymPy's order is that."""
        negative = product.could_extract_minus_sign()
        numerator, denominator = sympy.fraction(-product if negative else product, exact=True)
        factors = numerator.as_ordered_factors()
        typed = self.spelling.factor_order(factors)
        ordered = typed or _letters_before_powers(factors)
        if ordered == factors:
            return None
        text = ""
        for index, factor in enumerate(ordered):
            factor_text = self._print(factor)
            if self._needs_mul_brackets(factor, first=index == 0, last=index == len(ordered) - 1):
                factor_text = rf"\left({factor_text}\right)"
            if text:  # a dot before a number, as between numbers in SymPy's products: y \cdot 2^{x}, not y 2^{x}
                text += self._settings["mul_symbol_latex_numbers" if factor_text[0].isdigit() else "mul_symbol_latex"]
            text += factor_text
        if denominator != 1:
            text = self.fraction_markup(text, self._print(denominator))
        return f"- {text}" if negative else text

    def words_markup(self, words: str) -> str:
        """Words among the math, as text."""
        return rf"\text{{{words}}}"

    def brackets_markup(self, text: str) -> str:
        """Printed text in round brackets that grow with it."""
        return self._add_parens(text)

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        rows = r" \\ ".join(f"{value} & {condition}" for value, condition in self._case_rows(expr))
        return rf"\begin{{cases}} {rows} \end{{cases}}"

    def _print_ExpBase(self, expr: sympy.Expr, exp: str | None = None) -> str:
        return self._do_exponent(rf"e^{{{self._print(self._exponent_of(expr))}}}", exp)

    def _print_Relational(self, expr: sympy.Expr) -> str:
        return super()._print_Relational(self._readable(expr))

    def _print_Pow(self, expr: sympy.Pow) -> str:
        exponent = expr.exp
        if exponent.is_Rational and abs(exponent.p) == 1 and exponent.q > 2:  # x^{\frac{1}{3}}, as in the panel: not
            if exponent.is_negative:  # \sqrt[3]{x}, which the panel cannot write
                return self.fraction_markup("1", self._print(sympy.Pow(expr.base, -exponent)))
            return self._helper_print_standard_power(expr, "%s^{%s}")
        return super()._print_Pow(expr)

    def _print_Max(self, expr: sympy.Expr, exp: str | None = None) -> str:
        return self._extreme(expr, exp)

    def _print_Min(self, expr: sympy.Expr, exp: str | None = None) -> str:
        return self._extreme(expr, exp)

    def _extreme(self, expr: sympy.Expr, exp: str | None) -> str:
        """A max or min with its arguments as typed (SymPy's LaTeX sorts them), or relu(u) if typed so."""
        name, arguments = self._extreme_parts(expr)
        operator = r"\operatorname{relu}" if name == "relu" else rf"\{name}"
        tex = rf"{operator}\left({', '.join(self._print(argument) for argument in arguments)}\right)"
        return rf"{tex}^{{{exp}}}" if exp else tex

    def _print_LogToBase(self, expr: sympy.Expr, exp: str | None = None) -> str:
        argument, base = expr.args
        power = f"^{{{exp}}}" if exp else ""  # as \ln^{2}{\left(x \right)}
        return rf"\log_{{{base}}}{power}{{\left({self._print(argument)} \right)}}"

    def _print_Heaviside(self, expr: sympy.Expr, exp: str | None = None) -> str:
        tex = rf"H\left({self._print(expr.args[0])}\right)"
        return rf"{tex}^{{{exp}}}" if exp else tex


class _InlineHtmlMathPrinter(_HtmlMathPrinter):
    """Qt rich text on one text line: a fraction written a/b (∂f/∂x as a label in running text)."""

    def fraction_markup(self, numerator_text: str, denominator_text: str) -> str:
        """'a/b', never stacked."""
        return _UnicodeMathPrinter.fraction_markup(self, numerator_text, denominator_text)


_PRINTERS: dict[str, type[_UnicodeMathPrinter] | type[_LatexMathPrinter]] = {
    "unicode": _UnicodeMathPrinter,
    "latex": _LatexMathPrinter,
    "html": _HtmlMathPrinter,
    "inline-html": _InlineHtmlMathPrinter,
}


def _printer(style: Style) -> _UnicodeMathPrinter | _LatexMathPrinter:
    """A fresh printer for a notation style."""
    try:
        return _PRINTERS[style]()
    except KeyError:
        raise ValueError(f"unknown notation style {style!r}; use one of {', '.join(_PRINTERS)}") from None


def _as_expr(expr: sympy.Expr | float) -> sympy.Expr:
    """A SymPy expression or plain number as an expression; text is refused, never parsed here."""
    try:
        return sympy.sympify(expr, strict=True)
    except sympy.SympifyError:
        raise TypeError(f"expected a SymPy expression or a number, not {type(expr).__name__}") from None


def printed_with_kinks(expr: sympy.Expr, spelling: Spelling = AS_COMPUTED) -> bool:
    """Whether expr as printed in this spelling keeps a kink: cases (those of one value printed as it), a sign, abs,
    max or min; ∂f/∂x of max(x, y) + min(x, y) keeps none, printed as 1."""
    shown = _spelled(_UnicodeMathPrinter(), spelling)._cases_as_printed(_as_expr(expr))
    return shown.has(sympy.Piecewise, sympy.Heaviside, sympy.sign, sympy.Abs, sympy.Max, sympy.Min)


def _spelled(printer: SpelledPrinter, spelling: Spelling) -> SpelledPrinter:
    """The printer, printing with this spelling."""
    printer.spelling = spelling
    return printer


def unicode_math(expr: sympy.Expr, spelling: Spelling = AS_COMPUTED) -> str:
    """An expression as readable one-line Unicode math: '6x + 2y', '2x + 3y²', '5 − w₁ − 2w₂'."""
    return _spelled(_UnicodeMathPrinter(), spelling).doprint(_as_expr(expr))


@functools.lru_cache(maxsize=256)
def unicode_name(name: str) -> str:
    """A variable or function name as Unicode math: w1 → w₁, theta → θ (remembered: the views name them often)."""
    return unicode_math(sympy.Symbol(name))


def function_line(formula: Formula) -> str:
    """'f(x, y) = x² + 3y', 'L(w₁, w₂) = (5 − w₁ − 2w₂)²': a formula's name, variables and body as it was typed."""
    names = ", ".join(unicode_math(symbol) for symbol in formula.symbols)
    return f"{formula.name}({names}) = {unicode_math(formula.expr, formula.spelling)}"


def latex_math(expr: sympy.Expr, spelling: Spelling = AS_COMPUTED) -> str:
    """An expression as LaTeX: 'w_{1}', '\\theta', '\\frac{x}{2}', cases for piecewise functions."""
    return _spelled(_LatexMathPrinter(), spelling).doprint(_as_expr(expr))


def html_math(expr: sympy.Expr, spelling: Spelling = AS_COMPUTED) -> str:
    """An expression as Qt rich text: italic variables, <sup> powers, stacked fractions as tables."""
    return _html_row(_spelled(_HtmlMathPrinter(), spelling).doprint(_as_expr(expr)))


def html_equation(lhs_html: str, rhs_expr: sympy.Expr, spelling: Spelling = AS_COMPUTED) -> str:
    """'lhs = rhs' as a one-line Qt rich-text table; lhs is HTML (a label from here), rhs is math.

    Equations stack one per line when simply concatenated (no <br> needed between them).
    """
    return _html_row(f"{_as_block(lhs_html)} = {_as_block(html_math(rhs_expr, spelling))}", as_line=True)


def latex_equations(derivatives: Derivatives) -> tuple[str, ...]:
    """f(x, y) = … and each partial as LaTeX lines, in the formula's spelling (for pasting into notes or slides)."""
    formula = derivatives.formula
    arguments = ", ".join(latex_math(sympy.Symbol(name, real=True)) for name in formula.variables)
    name = _LatexMathPrinter().symbol_markup(formula.name)
    lines = [f"{name}({arguments}) = {latex_math(formula.expr, formula.spelling)}"]
    for index, (variable, expr) in enumerate(zip(formula.variables, derivatives.partials, strict=True)):
        lines.append(f"{partial_label(formula.name, variable, 'latex')} = "
                     f"{latex_math(expr, derivatives.partial_spelling(index))}")
    return tuple(lines)


def equation_rows(derivatives: Derivatives) -> tuple[str, ...]:
    """f(x, y) = … and each partial ∂f/∂x = … as Qt rich-text rows, in the formula's spelling.

    Written where the symbolic work is done (the analysis worker): SymPy's printing of a long formula and its
    partials takes milliseconds the window's thread has better use for.
    """
    formula = derivatives.formula
    arguments = ", ".join(html_math(sympy.Symbol(name, real=True)) for name in formula.variables)
    rows = [html_equation(f"<i>{html.escape(formula.name)}</i>({arguments})", formula.expr, formula.spelling)]
    rows += [html_equation(partial_label(formula.name, name, "html"), expr, derivatives.partial_spelling(index))
             for index, (name, expr) in enumerate(zip(formula.variables, derivatives.partials, strict=True))]
    return tuple(rows)


def _runs(items: Sequence[str]) -> list[tuple[str, int]]:
    """Consecutive repeats counted: ('x', 'x', 'y') → [('x', 2), ('y', 1)]."""
    runs: list[tuple[str, int]] = []
    for item in items:
        if runs and runs[-1][0] == item:
            runs[-1] = (item, runs[-1][1] + 1)
        else:
            runs.append((item, 1))
    return runs


def _power_if_repeated(printer: _UnicodeMathPrinter | _LatexMathPrinter, markup: str, count: int) -> str:
    """Markup raised to the power `count`, or as it is when it occurs once."""
    return printer.power_markup(markup, count) if count > 1 else markup


def _derivative_label(function_name: str, variables: Sequence[str], style: Style) -> str:
    """∂ⁿf/∂x∂y… for differentiating by each variable in turn, repeats written as powers."""
    if not variables:
        raise ValueError("a derivative needs at least one variable")
    printer = _printer(style)
    numerator = (
        _power_if_repeated(printer, printer.partial, len(variables))
        + printer.label_join
        + printer.symbol_markup(function_name)
    )
    denominator = printer.label_join.join(
        printer.partial
        + printer.label_join
        + _power_if_repeated(printer, printer.symbol_markup(variable), count)
        for variable, count in _runs(variables)
    )
    return _html_row(printer.fraction_markup(numerator, denominator))


def partial_label(function_name: str, variable: str, style: Style = "unicode") -> str:
    """The partial derivative label ∂f/∂x (∂L/∂w₁, \\frac{\\partial f}{\\partial x}, stacked HTML, or HTML on a
    line)."""
    return _derivative_label(function_name, (variable,), style)


def second_partial_label(function_name: str, first: str, second: str, style: Style = "unicode") -> str:
    """The label ∂²f/∂x² (same variable twice) or ∂²f/∂x∂y, variables in the order given, left to right."""
    return _derivative_label(function_name, (first, second), style)


def gradient_label(function_name: str, style: Style = "unicode") -> str:
    """The gradient label ∇f (\\nabla f in LaTeX)."""
    printer = _printer(style)
    return printer.nabla + printer.label_join + printer.symbol_markup(function_name)


FUNCTION_IN_MESSAGES = re.compile(r"(?<![A-Za-z_])f(?![A-Za-z_(])")  # the runs' messages call the function f


def for_function(message: str, function_name: str) -> str:
    """A run's message with its function called by its name: 'L fell without end', '|∇L| = 3e−7 < 1e−6'."""
    return message if function_name == "f" else FUNCTION_IN_MESSAGES.sub(function_name, message)


def substituted_update(
    variable: str,
    old_value: float,
    learning_rate: float,
    gradient: float,
    sign: UpdateSign,
    new_value: float,
    style: Style = "unicode",
) -> str:
    """One descent step with its numbers: 'w₁ ← 1 − 0.1·(−4) = 1.4' ('+' for the wrong sign)."""
    if sign not in ("correct", "wrong"):
        raise ValueError(f"sign must be 'correct' or 'wrong', not {sign!r}")
    printer = _printer(style)
    operator = printer.minus if sign == "correct" else "+"
    gradient_text = printer.number_markup(gradient)
    if gradient < 0:
        gradient_text = f"({gradient_text})"
    return (
        f"{printer.symbol_markup(variable)} {printer.arrow} {printer.number_markup(old_value)}"
        f" {operator} {printer.number_markup(learning_rate)}{printer.times}{gradient_text}"
        f" = {printer.number_markup(new_value)}"
    )


def _unicode_pair(name: str, value: float) -> str:
    """A held variable and its value: z = 1."""
    return f"{unicode_name(name)} = {format_number(value)}"


def held_text(held: Sequence[tuple[str, float]], pair: Callable[[str, float], str] = _unicode_pair) -> str:
    """The held values in words: "z = 1, t = 0.5 held"; empty when none are held."""
    return ", ".join(pair(name, value) for name, value in held) + " held" if held else ""
