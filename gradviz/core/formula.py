"""Formulas typed by people, parsed safely into SymPy expressions.

Formula text is untrusted (a student's typing, a scenario file), so it is never handed to
``eval``, ``exec``, ``sympify`` or ``parse_expr``. Instead:

1. every character is normalised one-for-one (so positions in errors point into the text as typed):
   ``·`` ``×`` ``∗`` ``⋅`` mean ``*``, ``÷`` means ``/``, ``−`` and dashes mean ``-``, full-width
   and other compatibility characters are folded (NFKC), odd spaces become spaces;
2. an allowlist tokenizer reads numbers, names, ``+ - * / ^ ** ( ) , = √ |`` and superscript powers
   (``x²``, ``x⁻¹``); anything else is refused with a specific message;
3. a recursive-descent parser builds a tiny tree of numbers, names, signs, ``+ - * / ^``, calls of
   allowed functions and parentheses;
4. the SymPy expression is built from that tree with explicit constructors, and every part that is
   a plain number must evaluate to a finite real number of sensible size.

Notation
--------
* ``^`` and ``**`` are powers, right-associative and tighter than a sign: ``-x^2`` is -(x²),
  ``2^3^2`` is 2⁹. ``e^x`` is exp(x). ``sin^2(x)`` (or ``sin²(x)``) is sin(x)².
* Multiplication may be implicit: ``2x``, ``3xy``, ``2(x+1)``, ``(x+1)(x-1)``, ``x sin(y)``, ``2 pi x``.
  It has the same precedence as ``*`` and ``/`` (``1/2x`` is x/2). The factor on the right of an
  implicit product may not start with a digit (``x 2`` and ``(x+1)2`` are refused).
* Two signs in a row are refused (``x ++ y``, ``--x``, ``x - -y``), but for a minus after a plus (``x + -y``);
  a sign may follow ``*``, ``/`` and ``^`` (``x * -y``, ``2^-x``).
* ``|x|`` is abs(x); inside bars a ``|`` closes them, so ``||x| - 1|`` nests; outside, ``2|x|`` and
  ``|x||y|`` are products.
* ``√x`` applies to the following power (``√x²`` is √(x²), ``√2x`` is √2·x); ``√(…)`` applies
  to the parenthesis only, like a function.
* Numbers: ``3``, ``0.5``, ``.5``, ``1e-3``. Decimals with at most ``EXACT_DECIMAL_DIGITS``
  significant digits become exact fractions (``0.1`` is 1/10); longer ones become SymPy floats.
  Not accepted: ``5.``, ``1_000``, ``0x1F``, ``1j``.
* An optional header names the function and fixes the variable order: ``f(x, y) = …``,
  ``L(w1, w2) = …``. Header variables unused in the body are still variables; the body may use
  no other variable. A name alone (``f = x^2 + y^2``, ``y = x^2``) names the function; its variables are
  the body's, which may not use the name itself (``x = x^2 + 1`` is an equation).

Names
-----
A *word* is a run of Latin or Greek letters, then optional digits (``₀``–``₉`` count as digits),
then an optional ``_`` subscript of letters and digits. A word is read by the first rule that fits:

1. a declared variable (from the header or the ``variables`` argument) is that variable, whole;
2. a function name (see ``FUNCTION_NAMES``; ``ln`` is ``log``) must be followed by ``(``;
3. ``pi`` / ``π`` and ``e`` are constants, so ``e`` is never a variable;
4. one letter, ``_`` and a subscript (``x_1``) is one variable;
5. a word that contains a function or constant name (``sinx``, ``xcos``, ``pix``) or is a
   Greek letter's name (``theta``) is refused, with a suggestion (``sin(x)``, ``θ``);
6. a word of two or more letters followed by ``(`` is refused as an unknown function
   (``foo(x)``; ``x(y+1)`` with one letter is a product);
7. a word of at most ``MAX_SPLIT_LETTERS`` letters is a product of one-letter variables, the
   trailing digits belonging to the last letter: ``xy`` is x·y, ``xy2`` is x·y2, ``w1`` is one
   variable, and a lone ``e`` or ``π`` among them is the constant (``xe^x`` is x·eˣ);
   longer words are refused (``loss`` does not silently become l·o·s·s), and so are digits
   after a constant (``e2``).

Without a header the variables are ordered x, y, z first, then the rest in natural order
(``b`` < ``w``, ``w2`` < ``w10``). A formula needs at least one variable (header ones count).

Limits
------
At most ``MAX_TEXT_LENGTH`` characters, ``MAX_TOKENS`` tokens, ``MAX_NESTING`` levels of brackets,
calls, signs and powers, and ``MAX_VARIABLES`` variables. Number literals are 0 or between
1/``MAX_NUMBER`` and ``MAX_NUMBER`` in size, with at most ``MAX_SIGNIFICANT_DIGITS`` significant
digits. A numeric exponent may be at most ``MAX_EXPONENT`` in size, checked before SymPy computes
the power (``x^1000``, ``9^9^9``) and after SymPy merges powers (``(x^60)^2``). Every part that is a
plain number must be a finite real of size at most ``MAX_MAGNITUDE`` (exact fractions also at least
1/``MAX_MAGNITUDE``), so ``sqrt(-1)``, ``log(-2)``, ``asin(2)``, ``x/0`` and ``exp(1000)`` are refused;
an exact fraction may have at most ``MAX_EXACT_DIGITS`` digits above and below the line.

SymPy finds exact roots of numbers by factoring, which can take hours (``63^(999982/999983)``). So a
power with a fractional exponent stays exact only when the exponent's denominator is at most
``MAX_EXACT_ROOT`` and the numbers in its base are plain fractions of literal size (``sqrt(2)``,
``2^(1/3)``, ``(2x)^0.5``); otherwise its exponent becomes a decimal (``2^0.999``, ``sqrt(sqrt(2))``,
``e^(log(3)/7)`` are computed as floating-point numbers).
"""

from __future__ import annotations

import difflib
import enum
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

import sympy
from sympy.printing.pretty.pretty_symbology import pretty_symbol

from gradviz.core.errors import FormulaError
from gradviz.core.notation import TYPED_QUOTIENT_NAMES, Spelling, TypedArguments, TypedLog, TypedQuotient

MAX_TEXT_LENGTH = 500
MAX_TOKENS = 300
MAX_NESTING = 40
MAX_VARIABLES = 8
MAX_NUMBER = 10**15
MAX_SIGNIFICANT_DIGITS = 15
MAX_EXPONENT = 100
MAX_MAGNITUDE = 1e300
EXACT_DECIMAL_DIGITS = 6
MAX_SPLIT_LETTERS = 3
MAX_EXACT_ROOT = 12
MAX_EXACT_DIGITS = 1000

_MAX_EXPONENT_DIGITS = 4
_EVAL_DIGITS = 15
_IMAGINARY_TOLERANCE = 1e-9
_SHOWN_TEXT_LENGTH = 40
_NUMBER_LIMIT = f"1e{round(math.log10(MAX_NUMBER))}"
_SMALLEST_NUMBER = f"1e-{round(math.log10(MAX_NUMBER))}"  # 1e-15, as typed: not 1/1e15
_MAGNITUDE_LIMIT = f"1e{round(math.log10(MAX_MAGNITUDE))}"
_SMALLEST_MAGNITUDE = f"1e-{round(math.log10(MAX_MAGNITUDE))}"
# The two size limits, each in what the formula is made of as typed
TOKENS_WORDS = "numbers, names, operators and brackets"


@dataclass(frozen=True)
class Formula:
    """A parsed formula: the text as typed, its SymPy expression and its variables in display order."""

    text: str
    expr: sympy.Expr
    variables: tuple[str, ...]
    name: str = "f"
    notes: tuple[str, ...] = field(default=())
    typed_terms: tuple[sympy.Expr, ...] = ()  # the terms of the sum in the order they were typed
    typed_sums: tuple[tuple[sympy.Expr, ...], ...] = ()  # the terms of every sum inside it, likewise
    typed_decimals: bool = False  # a number was typed as a decimal (2.1, 0.5, 1e-3)
    typed_arguments: tuple[TypedArguments, ...] = ()  # every max and min ('max', its arguments) in the typed order
    typed_relus: tuple[sympy.Expr, ...] = ()  # the argument u of every relu(u) typed (SymPy's max(0, u))
    typed_products: tuple[tuple[sympy.Expr, ...], ...] = ()  # the factors (no numbers) of every product, as typed
    typed_e_powers: tuple[sympy.Expr, ...] = ()  # the exponent u of every e^u typed (SymPy's exp(u))
    typed_log_bases: tuple[TypedLog, ...] = ()  # (u, 10) for every log10(u) typed, (u, 2) for log2(u)
    typed_quotients: tuple[TypedQuotient, ...] = ()  # ('sec', u) for every sec(u) typed; csc, cot, sigmoid, softplus
    typed_scientific: bool = False  # a number was typed in scientific notation (1e10, 2.5e-6)
    # Where the roots, logarithms and arcsines typed are defined, for those SymPy simplified away (√x² is x, e^ln(x)
    # is x): f is undefined where any of these conditions fails, as it was typed (see lost_domains)
    defined_where: tuple[sympy.Basic, ...] = ()

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        """The SymPy symbols of the variables, in display order."""
        return tuple(sympy.Symbol(name, real=True) for name in self.variables)

    @property
    def spelling(self) -> Spelling:
        """How to print f as it was typed: its terms, factors and max's arguments in the typed order, relu, e^u,
        log₁₀(u), sec(u), sigmoid(u), decimals and powers of ten (2·10¹⁰) so."""
        return Spelling(self.typed_terms, self.typed_sums, self.typed_decimals, self.typed_arguments, self.typed_relus,
                        self.typed_products, self.typed_e_powers, log_bases=self.typed_log_bases,
                        scientific=self.typed_scientific, quotients=self.typed_quotients)


# ---------------------------------------------------------------------------------------------
# Functions and constants


def _sigmoid(argument: sympy.Expr) -> sympy.Expr:
    return sympy.Pow(sympy.Add(sympy.S.One, sympy.exp(sympy.Mul(sympy.S.NegativeOne, argument))), -1)


def _relu(argument: sympy.Expr) -> sympy.Expr:
    return sympy.Max(sympy.S.Zero, argument)


def _softplus(argument: sympy.Expr) -> sympy.Expr:
    return sympy.log(sympy.Add(sympy.S.One, sympy.exp(argument)))


def _secant(argument: sympy.Expr) -> sympy.Expr:
    return sympy.Pow(sympy.cos(argument), -1)


def _cosecant(argument: sympy.Expr) -> sympy.Expr:
    return sympy.Pow(sympy.sin(argument), -1)


def _cotangent(argument: sympy.Expr) -> sympy.Expr:
    return sympy.Mul(sympy.cos(argument), sympy.Pow(sympy.sin(argument), -1))


_LOG_BASES = {"log10": 10, "log2": 2}  # the logarithms to a base, which SymPy holds as ln(u)/ln(base)


@dataclass(frozen=True)
class _Function:
    build: Callable[..., sympy.Expr]
    min_arguments: int = 1
    max_arguments: int | None = 1


_FUNCTIONS: dict[str, _Function] = {
    "sin": _Function(sympy.sin),
    "cos": _Function(sympy.cos),
    "tan": _Function(sympy.tan),
    "sec": _Function(_secant),
    "csc": _Function(_cosecant),
    "cot": _Function(_cotangent),
    "asin": _Function(sympy.asin),
    "acos": _Function(sympy.acos),
    "atan": _Function(sympy.atan),
    "arcsin": _Function(sympy.asin),
    "arccos": _Function(sympy.acos),
    "arctan": _Function(sympy.atan),
    "sinh": _Function(sympy.sinh),
    "cosh": _Function(sympy.cosh),
    "tanh": _Function(sympy.tanh),
    "exp": _Function(sympy.exp),
    "log": _Function(sympy.log),
    "ln": _Function(sympy.log),
    "log10": _Function(lambda argument: sympy.log(argument, _LOG_BASES["log10"])),
    "log2": _Function(lambda argument: sympy.log(argument, _LOG_BASES["log2"])),
    "sqrt": _Function(sympy.sqrt),
    "abs": _Function(sympy.Abs),
    "min": _Function(sympy.Min, 2, None),
    "max": _Function(sympy.Max, 2, None),
    "sigmoid": _Function(_sigmoid),
    "relu": _Function(_relu),
    "softplus": _Function(_softplus),
}

FUNCTION_NAMES: tuple[str, ...] = tuple(_FUNCTIONS)
# The functions an unknown one's message lists (arcsin and the like are the same as asin)
_LISTED_FUNCTIONS = ", ".join(name for name in FUNCTION_NAMES if not name.startswith("arc"))
_NEAR_NAME_SIMILARITY = 0.75  # how alike an unknown function's name and a known one are, to suggest it (difflib)
# Functions students type that are not here, with what to write instead (their letters and digits read otherwise
# as a function times a number: "did you mean atan(2)?")
_INSTEAD: dict[str, str] = {
    "atan2": "write atan(y/x) for atan2(y, x) (the same angle where x > 0)",
    "arctan2": "write atan(y/x) for arctan2(y, x) (the same angle where x > 0)",
    "exp2": "write 2^x for exp2(x)",
    "expm1": "write exp(x) - 1 for expm1(x)",
    "exp10": "write 10^x for exp10(x)",
    "asinh": "write ln(x + sqrt(x^2 + 1)) for asinh(x)",
    "arsinh": "write ln(x + sqrt(x^2 + 1)) for arsinh(x)",
    "arcsinh": "write ln(x + sqrt(x^2 + 1)) for arcsinh(x)",
    "acosh": "write ln(x + sqrt(x^2 - 1)) for acosh(x)",
    "arcosh": "write ln(x + sqrt(x^2 - 1)) for arcosh(x)",
    "arccosh": "write ln(x + sqrt(x^2 - 1)) for arccosh(x)",
    "atanh": "write ln((1 + x)/(1 - x))/2 for atanh(x)",
    "artanh": "write ln((1 + x)/(1 - x))/2 for artanh(x)",
    "arctanh": "write ln((1 + x)/(1 - x))/2 for arctanh(x)",
    "sinc": "write sin(x)/x for sinc(x)",
    "sine": "write sin(x)",
    "cosine": "write cos(x)",
    "tangent": "write tan(x)",
    "secant": "write sec(x)",
    "cosecant": "write csc(x)",
    "cosec": "write csc(x)",
    "cotangent": "write cot(x)",
    "cotan": "write cot(x)",
    "sign": "write x/abs(x) for sign(x) (undefined at 0)",
    "sgn": "write x/abs(x) for sgn(x) (undefined at 0)",
    "signum": "write x/abs(x) for signum(x) (undefined at 0)",
    "logistic": "write sigmoid(x) for the logistic function",
}
# Other countries' short names for functions here (tg is tan in Russia): suggested, not taken, as xy(…) is a product
_SHORT_NAMES_ELSEWHERE: dict[str, str] = {"tg": "tan", "ctg": "cot", "sh": "sinh", "ch": "cosh", "th": "tanh"}
CONSTANT_NAMES: tuple[str, ...] = ("pi", "π", "e")
# Other programs' names for numbers a formula cannot hold: read as products of letters they would mislead
_NOT_NUMBERS: dict[str, str] = {
    "oo": "infinity", "inf": "infinity", "Inf": "infinity", "nan": "not a number", "NaN": "not a number",
    "zoo": "complex infinity",
}
# Other programs' names for constants, which are variables here: a note says so
_LOOKALIKE_CONSTANTS: dict[str, str] = {
    "E": "E is a variable here: Euler's number is e",
    "I": "I is a variable here: a formula has no imaginary numbers",
}

_CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "π": sympy.pi, "e": sympy.E}
# e other than as e^u (d·e, sin(e)) may be meant as a variable, which e cannot be: a note says how it is read
EULER_NOTE = "e is read as Euler's number 2.718…: for a variable use another letter"

# Names that may not appear inside a longer word: every function, and "pi" ("e" alone may).
_EMBEDDABLE_NAMES = sorted((*FUNCTION_NAMES, "pi"), key=len, reverse=True)

_GREEK_LETTERS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "omicron": "ο", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ",
    "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
}  # fmt: skip



def greek_spelled(name: str) -> str | None:
    """The name with a Greek letter spelled out in it written as the letter ('theta' θ, 'theta1' θ1, 'Delta_x' Δ_x),
    or None if it does not start with one spelled in lower case or with a capital (pi is a constant, not a name)."""
    match = re.match(r"[A-Za-z]+", name)
    spelled = match.group() if match else ""
    if spelled.lower() not in _GREEK_LETTERS or spelled.lower() == "pi":
        return None
    letter = _GREEK_LETTERS[spelled.lower()]
    if spelled.istitle():
        letter = letter.upper()
    elif not spelled.islower():
        return None  # THETA, tHeta: not how a name is spelled
    return letter + name[len(spelled):]


_KINK_NOTES = {
    "abs": "abs is not differentiable at 0; gradviz uses slope 0 there.",
    "root of a square": "√(u²) is |u|, not differentiable where u = 0; gradviz uses slope 0 there.",
    "relu": "relu is not differentiable at 0; gradviz uses slope 0 there, like PyTorch.",
    "min": "min is not differentiable where its arguments are equal; gradviz uses the slope of the one typed last "
           "there.",
    "max": "max is not differentiable where its arguments are equal; gradviz uses the slope of the one typed first "
           "there.",
}

KINK_NOTES = frozenset(_KINK_NOTES.values())  # the notes on a typed function's kink

_KINK_TYPES = {"abs": sympy.Abs, "root of a square": sympy.Abs, "relu": sympy.Max, "min": sympy.Min,
               "max": sympy.Max}

_ALLOWED_NODE_TYPES: tuple[type, ...] = (
    sympy.Symbol,
    sympy.Rational,
    sympy.Float,
    type(sympy.pi),
    type(sympy.E),
    sympy.Add,
    sympy.Mul,
    sympy.Pow,
    sympy.Abs,
    sympy.Min,
    sympy.Max,
    sympy.exp,
    sympy.log,
    sympy.sin,
    sympy.cos,
    sympy.tan,
    sympy.asin,
    sympy.acos,
    sympy.atan,
    sympy.sinh,
    sympy.cosh,
    sympy.tanh,
)


# ---------------------------------------------------------------------------------------------
# Characters and tokens

_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+", strict=True))
_TO_SUPERSCRIPTS = {plain: superscript for superscript, plain in _SUPERSCRIPTS.items()}
_SUBSCRIPT_DIGITS = "₀₁₂₃₄₅₆₇₈₉"
_TO_ASCII_DIGITS = str.maketrans(_SUBSCRIPT_DIGITS, "0123456789")
_LOOKALIKES = {
    "·": "*", "×": "*", "∗": "*", "⋅": "*", "•": "*",
    "÷": "/", "∕": "/", "⁄": "/",
    "−": "-", "–": "-", "‐": "-", "‑": "-", "‒": "-", "﹣": "-",
}  # fmt: skip

_LETTER_CLASS = "A-Za-z\u0391-\u03a9\u03b1-\u03c9"
_WORD_PATTERN = re.compile(rf"[{_LETTER_CLASS}]+[0-9{_SUBSCRIPT_DIGITS}]*(?:_[A-Za-z0-9]+)?")
_LETTERS_PATTERN = re.compile(rf"[{_LETTER_CLASS}]+")
_NAME_PATTERN = re.compile(rf"[{_LETTER_CLASS}]+[0-9]*(?:_[A-Za-z0-9]+)?")
_ONE_LETTER_NAME = re.compile(rf"[{_LETTER_CLASS}](?:[0-9]+|_[A-Za-z0-9]+)?")  # x, w1, x_a: a variable as it stands
_NUMBER_PATTERN = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_SUPERSCRIPT_POWER = re.compile("[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_ALPHANUMERIC_RUN = re.compile("[A-Za-z0-9]*")
_DIGITS_AND_DOTS = re.compile("[0-9.]*")
_ASCII_DIGITS = frozenset("0123456789")

_COMPARISON = "comparisons are not allowed in a formula"
_REFUSED_CHARACTERS = {
    "<": _COMPARISON,
    ">": _COMPARISON,
    "!": "'!' is not allowed (no factorials or '!=')",
    "%": "'%' (remainder) is not allowed",
    "&": "'&' is not allowed: a formula is arithmetic only",
    "@": "'@' is not allowed",
    "[": "brackets are not allowed: use ( and )",
    "]": "brackets are not allowed: use ( and )",
    "{": "braces are not allowed: use ( and )",
    "}": "braces are not allowed: use ( and )",
    ".": "'.' is only allowed inside a number like 0.5",
    ":": "':' is not allowed",
    ";": "';' is not allowed",
    "'": "quotes are not allowed in a formula",
    '"': "quotes are not allowed in a formula",
    "`": "quotes are not allowed in a formula",
    "\\": "a backslash is not allowed in a formula",
    "_": "'_' is only allowed in a subscripted name like x_1",
}
# Characters that change the order text is shown in: the box would show one formula and compute another.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_REFUSED_CHARACTERS.update({
    control: f"U+{ord(control):04X}, a mark that changes the order text is shown in, is not allowed in a formula "
             "(the box would show another formula than the one used)"
    for control in _BIDI_CONTROLS
})


class _Kind(enum.Enum):
    NUMBER = enum.auto()
    WORD = enum.auto()
    OPERATOR = enum.auto()
    OPEN = enum.auto()
    CLOSE = enum.auto()
    COMMA = enum.auto()
    EQUALS = enum.auto()
    ROOT = enum.auto()
    BAR = enum.auto()
    END = enum.auto()


_SINGLE_CHARACTER_TOKENS = {
    "+": _Kind.OPERATOR,
    "-": _Kind.OPERATOR,
    "^": _Kind.OPERATOR,
    "(": _Kind.OPEN,
    ")": _Kind.CLOSE,
    ",": _Kind.COMMA,
    "√": _Kind.ROOT,
    "|": _Kind.BAR,
}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: _Kind
    text: str  # normalised spelling: "^" for "**" and superscripts, "w1" for "w₁"
    start: int
    end: int


def _normalise_character(character: str) -> str:
    """One character folded to what the tokenizer reads; always exactly one character."""
    if character.isascii():
        return " " if character.isspace() else character
    if character in _SUPERSCRIPTS or character in _SUBSCRIPT_DIGITS:
        return character
    if character in _LOOKALIKES:
        return _LOOKALIKES[character]
    if character in _BIDI_CONTROLS:
        return character  # refused by the tokenizer, with its position
    if character.isspace() or unicodedata.category(character) == "Cf":
        return " "
    folded = unicodedata.normalize("NFKC", character)
    return folded if len(folded) == 1 else character


def _starts_number(source: str, position: int) -> bool:
    """Whether an ASCII digit, or a '.' and an ASCII digit, starts at ``position``."""
    if source[position] == ".":
        position += 1
    return source[position : position + 1] in _ASCII_DIGITS


def _describe_character(character: str) -> str:
    if unicodedata.combining(character):  # shown alone, it would sit on the quote mark
        return f"U+{ord(character):04X}, a mark that combines with the character before it,"
    if character.isprintable():
        return f"'{character}'"
    return f"U+{ord(character):04X}"


# Cyrillic letters drawn as Latin ones: a Russian or Ukrainian keyboard layout types them for x, y, a, c…
_CYRILLIC_LOOKALIKES = dict(zip("аеорсухкАВЕКМНОРСТХУ", "aeopcyxkABEKMHOPCTXY", strict=True))


def _script_hint(character: str) -> str:
    """What to type instead of a letter of another script ('' for any other character)."""
    if not unicodedata.name(character, "").startswith("CYRILLIC"):
        return ""
    if character in _CYRILLIC_LOOKALIKES:
        return f": it is the Cyrillic {character}, type the Latin {_CYRILLIC_LOOKALIKES[character]}"
    return ": it is a Cyrillic letter (names are Latin or Greek letters)"


class _Tokenizer:
    """Splits normalised text into allowlisted tokens, refusing anything else."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._source = "".join(_normalise_character(character) for character in text)
        self._position = 0
        self.tokens: list[_Token] = []

    def run(self) -> list[_Token]:
        source = self._source
        while self._position < len(source):
            character = source[self._position]
            if character == " ":
                self._position += 1
            elif _starts_number(source, self._position):
                self._number()
            elif match := _WORD_PATTERN.match(source, self._position):
                self._emit(_Kind.WORD, match.group().translate(_TO_ASCII_DIGITS), match.start(), match.end())
            elif character in _SUPERSCRIPTS:
                self._superscript()
            else:
                self._symbol(character)
        self.tokens.append(_Token(_Kind.END, "", len(source), len(source)))
        return self.tokens

    def _emit(self, kind: _Kind, text: str, start: int, end: int) -> None:
        if len(self.tokens) >= MAX_TOKENS:
            raise FormulaError(f"the formula is too long (limit {MAX_TOKENS} {TOKENS_WORDS})", start, end)
        self.tokens.append(_Token(kind, text, start, end))
        self._position = end

    def _number(self) -> None:
        source, start = self._source, self._position
        match = _NUMBER_PATTERN.match(source, start)
        assert match is not None  # the caller saw a digit, or "." and a digit
        end = match.end()
        following = source[end : end + 1]
        if following == ".":
            stop = _DIGITS_AND_DOTS.match(source, end).end()
            raise FormulaError(f"malformed number '{self._text[start:stop]}'", start, stop)
        if following == "_":
            raise FormulaError("'_' cannot separate digits: write the number without it", end, end + 1)
        if match.group() == "0" and following in ("x", "X", "o", "O", "b", "B"):
            digits_end = _ALPHANUMERIC_RUN.match(source, end + 1).end()
            if digits_end > end + 1:
                raise FormulaError("hexadecimal, octal and binary numbers are not supported", start, digits_end)
        if following in ("j", "J") and not _ALPHANUMERIC_RUN.match(source, end + 1).group():
            raise FormulaError("imaginary numbers like 1j are not supported", start, end + 1)
        self._emit(_Kind.NUMBER, match.group(), start, end)

    def _superscript(self) -> None:
        run = _SUPERSCRIPT_RUN.match(self._source, self._position)
        assert run is not None  # the caller saw a superscript character
        start, end = run.span()
        if not _SUPERSCRIPT_POWER.fullmatch(run.group()):
            raise FormulaError("a superscript power is written like ² or ⁻¹", start, end)
        plain = "".join(_SUPERSCRIPTS[character] for character in run.group())
        sign = plain[0] if plain[0] in "+-" else ""
        self._emit(_Kind.OPERATOR, "^", start, end)
        self._emit(_Kind.OPEN, "(", start, end)
        if sign:
            self._emit(_Kind.OPERATOR, sign, start, start + 1)
        self._emit(_Kind.NUMBER, plain[len(sign) :], start + len(sign), end)
        self._emit(_Kind.CLOSE, ")", start, end)

    def _symbol(self, character: str) -> None:
        start = self._position
        pair = self._source[start : start + 2]
        if pair == "**":
            self._emit(_Kind.OPERATOR, "^", start, start + 2)
        elif pair == "//":
            raise FormulaError("'//' (whole-number division) is not allowed", start, start + 2)
        elif pair == "==":
            raise FormulaError(_COMPARISON, start, start + 2)
        elif character in ("*", "/"):
            self._emit(_Kind.OPERATOR, character, start, start + 1)
        elif character == "=":
            self._emit(_Kind.EQUALS, "=", start, start + 1)
        elif character in _SINGLE_CHARACTER_TOKENS:
            self._emit(_SINGLE_CHARACTER_TOKENS[character], character, start, start + 1)
        elif character in _REFUSED_CHARACTERS:
            raise FormulaError(_REFUSED_CHARACTERS[character], start, start + 1)
        else:
            raise FormulaError(
                f"{_describe_character(self._text[start])} is not allowed in a formula{_script_hint(character)}",
                start, start + 1,
            )


def _check_parentheses(tokens: Sequence[_Token]) -> None:
    """Refuse unbalanced parentheses, pointing at the one without a partner."""
    unclosed: list[_Token] = []
    for token in tokens:
        if token.kind is _Kind.OPEN:
            unclosed.append(token)
        elif token.kind is _Kind.CLOSE:
            if not unclosed:
                raise FormulaError("unmatched ')': there is no '(' before it", token.start, token.end)
            unclosed.pop()
    if unclosed:
        token = unclosed[-1]
        raise FormulaError("unmatched '(': add a ')' to close it", token.start, token.end)


# ---------------------------------------------------------------------------------------------
# Header "f(x, y) = …"


@dataclass(frozen=True)
class _Header:
    name: str
    variables: tuple[str, ...] | None
    body: Sequence[_Token]
    bare_sign: _Token | None = None  # the '=' of a header without variables ("f = x^2 + y^2"): they are the body's

    def describe(self) -> str:
        return f"{self.name}({', '.join(self.variables or ())})"


_HEADER_EXAMPLE = "a header like f(x, y) ="


def _check_variable_name(name: str, start: int | None = None, end: int | None = None) -> None:
    """Refuse a declared variable name that could not be told apart from something else."""
    if not _NAME_PATTERN.fullmatch(name):
        raise FormulaError(f"'{name}' cannot be a variable name", start, end)
    if name in _FUNCTIONS:
        raise FormulaError(f"'{name}' is a function and cannot be a variable", start, end)
    if name in _CONSTANTS:
        raise FormulaError(f"'{name}' is a constant and cannot be a variable", start, end)


def _read_header(tokens: Sequence[_Token]) -> _Header:
    """Split off an optional "NAME(variables) =" header."""
    equals = [index for index, token in enumerate(tokens) if token.kind is _Kind.EQUALS]
    if not equals:
        return _Header("f", None, tokens)
    if len(equals) > 1:
        extra = tokens[equals[1]]
        raise FormulaError(f"only one '=' is allowed, after {_HEADER_EXAMPLE}", extra.start, extra.end)
    sign = tokens[equals[0]]
    head, body = tokens[: equals[0]], tokens[equals[0] + 1 :]
    if len(head) == 1 and head[0].kind is _Kind.WORD:  # "f = x^2 + y^2", "L = (3 - 2w - b)^2": a name alone
        name = head[0]
        if name.text in _FUNCTIONS or name.text in _CONSTANTS:
            raise FormulaError(f"'{name.text}' is built in: choose another function name", name.start, name.end)
        return _Header(name.text, None, body, bare_sign=sign)
    if (
        len(head) < 3
        or head[0].kind is not _Kind.WORD
        or head[1].kind is not _Kind.OPEN
        or head[-1].kind is not _Kind.CLOSE
    ):
        raise FormulaError(f"'=' is only allowed after {_HEADER_EXAMPLE}", sign.start, sign.end)
    name = head[0]
    if name.text in _FUNCTIONS or name.text in _CONSTANTS:
        raise FormulaError(f"'{name.text}' is built in: choose another function name", name.start, name.end)
    listed = head[2:-1]
    if not listed:
        raise FormulaError("the header needs at least one variable, like f(x) =", head[1].start, head[-1].end)
    for index, token in enumerate((*listed, head[-1])):
        expected = (_Kind.WORD,) if index % 2 == 0 else (_Kind.COMMA, _Kind.CLOSE)
        if token.kind not in expected or (token.kind is _Kind.CLOSE and token is not head[-1]):
            raise FormulaError(
                "a header lists variable names separated by commas, like f(x, y) =", token.start, token.end
            )
    variables: list[str] = []
    for token in listed[::2]:
        _check_variable_name(token.text, token.start, token.end)
        if token.text in variables:
            raise FormulaError(f"'{token.text}' is listed twice in the header", token.start, token.end)
        variables.append(token.text)
        if len(variables) > MAX_VARIABLES:
            raise FormulaError(f"too many variables (limit {MAX_VARIABLES})", token.start, token.end)
    if body[0].kind is _Kind.END:
        raise FormulaError("type a formula after '='", sign.start, sign.end)
    return _Header(name.text, tuple(variables), body)


# ---------------------------------------------------------------------------------------------
# Syntax tree


@dataclass(frozen=True, slots=True)
class _Number:
    value: sympy.Rational | sympy.Float
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Name:
    """A variable, or the constant pi or e."""

    name: str
    is_constant: bool
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Unary:
    sign: str
    operand: _Node
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Binary:
    operator: str
    left: _Node
    right: _Node
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Call:
    function: str
    arguments: tuple[_Node, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Group:
    inner: _Node
    start: int
    end: int


_Node = _Number | _Name | _Unary | _Binary | _Call | _Group


def _product(factors: Sequence[_Node]) -> _Node:
    node = factors[0]
    for factor in factors[1:]:
        node = _Binary("*", node, factor, node.start, factor.end)
    return node


def _number_value(token: _Token, spelling: str) -> sympy.Rational | sympy.Float:
    """The exact value of a number literal, within the size and precision limits."""
    literal = token.text
    mantissa, _, exponent = literal.lower().partition("e")
    if len(exponent.lstrip("+-")) > _MAX_EXPONENT_DIGITS:
        raise FormulaError(f"number {spelling} is out of range (limit {_NUMBER_LIMIT})", token.start, token.end)
    significant = mantissa.replace(".", "").strip("0")
    if len(significant) > MAX_SIGNIFICANT_DIGITS:
        raise FormulaError(
            f"number {spelling} has too many digits (limit {MAX_SIGNIFICANT_DIGITS} significant digits)",
            token.start,
            token.end,
        )
    value = Decimal(literal)
    if value > MAX_NUMBER:
        raise FormulaError(f"number {spelling} is too large (limit {_NUMBER_LIMIT})", token.start, token.end)
    if value and value * MAX_NUMBER < 1:
        raise FormulaError(f"number {spelling} is too small (limit {_SMALLEST_NUMBER}, or 0)", token.start, token.end)
    numerator, denominator = value.as_integer_ratio()
    if denominator == 1 or len(significant) <= EXACT_DECIMAL_DIGITS:
        return sympy.Rational(numerator, denominator)
    return sympy.Float(literal, MAX_SIGNIFICANT_DIGITS)


def _is_minus_one(node: _Node) -> bool:
    """Whether a node is −1, written -1 or ⁻¹ (sin⁻¹, the inverse function's notation)."""
    if isinstance(node, _Unary) and node.sign == "-":
        return isinstance(node.operand, _Number) and node.operand.value == 1
    return isinstance(node, _Number) and node.value == -1


def _embedded_name(letters: str) -> tuple[str, int] | None:
    """The first function or constant name inside ``letters`` (any case), the longest of those starting there (sinh,
    not sin), with its index."""
    lowered = letters.lower()
    found = [(lowered.find(name), -len(name), name) for name in _EMBEDDABLE_NAMES if name in lowered]
    if not found:
        return None
    index, _length, name = min(found)
    return name, index


def _suggest(letters: str, suffix: str, embedded: str, index: int) -> str:
    """What a word with a function or constant name in it was likely meant as: xsinxcosx as x*sin(x)*cos(x)."""
    before = "*".join(letters[:index])
    after = letters[index + len(embedded) :] + suffix
    later = _embedded_name(after) if after and not suffix else None
    if embedded in _FUNCTIONS:
        if later is not None and later[1] > 0:  # sinxcosx: sin(x)*cos(x), not sin(xcosx)
            core = f"{embedded}({after[:later[1]]})*{_suggest(after[later[1]:], '', later[0], 0)}"
        else:
            core = f"{embedded}({after or '…'})"
    else:  # pisinx: pi*sin(x)
        core = "*".join(part for part in (embedded, _suggest(after, "", *later) if later else after) if part)
    return f"{before}*{core}" if before else core


# What may follow a factor to multiply it implicitly: "2x", "2(x+1)", "2√x" (never a digit).
_IMPLICIT_FACTOR_STARTS = (_Kind.WORD, _Kind.OPEN, _Kind.ROOT)


class _Parser:
    """Recursive descent over the body tokens; records the variables and functions it meets."""

    def __init__(
        self,
        tokens: Sequence[_Token],
        text: str,
        declared: frozenset[str],
        allowed: frozenset[str] | None,
        allowed_description: str,
        header: _Header | None = None,
    ) -> None:
        self._tokens = tokens
        self._header = header  # where the variables may be named (None: they are given, not named by a header)
        self._text = text
        self._declared = declared
        self._allowed = allowed
        self._allowed_description = allowed_description
        self._index = 0
        self._depth = 0
        self._open_bars = 0  # inside |…|, a '|' closes rather than starts a factor
        self.variables_used: dict[str, int] = {}
        self.functions_used: list[str] = []
        # The first division a product follows without a sign ("x/2y", read (x/2)·y): the spans of its numerator,
        # its denominator and the factor after it, for a note
        self.division_then_product: tuple[tuple[int, int], tuple[int, int], tuple[int, int]] | None = None
        # The first power of a number a factor or a division follows without a space ("e^2x", read (e^2)·x; "x^1/2",
        # read (x^1)/2): the spans of its base, its exponent and what follows, and that operator, for a note
        self.power_then_factor: tuple[tuple[int, int], tuple[int, int], tuple[int, int], str] | None = None
        self.lookalike_notes: list[str] = []  # "E is a variable here: Euler's number is e"
        self.digit_named: list[str] = []  # variables named by a letter and digits (x2), in typed order
        self.powered_names: set[str] = set()  # variables raised to a power somewhere (x2 in x2^2)

    # -- helpers

    def _peek(self) -> _Token:
        return self._tokens[self._index]

    def _advance(self) -> _Token:
        token = self._tokens[self._index]
        self._index += 1
        return token

    def _spelling(self, token: _Token) -> str:
        return self._text[token.start : token.end]

    def _at_operator(self, *operators: str) -> bool:
        token = self._peek()
        return token.kind is _Kind.OPERATOR and token.text in operators

    @contextmanager
    def _nested(self, token: _Token) -> Iterator[None]:
        self._depth += 1
        if self._depth > MAX_NESTING:
            raise FormulaError(
                f"the formula is nested too deeply (limit {MAX_NESTING} levels of brackets, signs, powers)",
                token.start,
                token.end,
            )
        try:
            yield
        finally:
            self._depth -= 1

    def _unexpected(self, token: _Token) -> FormulaError:
        spelling = self._spelling(token)
        if token.kind is _Kind.COMMA:
            decimal = self._decimal_comma(token)
            if decimal is not None:
                return FormulaError(f"a decimal point is written '.', not ',': {decimal}", token.start, token.end)
        messages = {
            _Kind.CLOSE: "unmatched ')'",
            _Kind.COMMA: "',' is only allowed between the arguments of a function like max(x, y)",
            _Kind.EQUALS: f"'=' is only allowed after {_HEADER_EXAMPLE}",
            _Kind.NUMBER: f"missing operator before {spelling}",
            _Kind.OPERATOR: f"'{spelling}' needs something before it",
            _Kind.BAR: "unmatched '|'",
        }
        return FormulaError(messages.get(token.kind, f"unexpected '{spelling}'"), token.start, token.end)

    def _decimal_comma(self, comma: _Token) -> str | None:
        """The number a comma between digits was meant to split, written with a point (1,5 → 1.5); None if none."""
        text = self._text
        before = len(text[: comma.start]) - len(text[: comma.start].rstrip("0123456789"))
        after = len(text[comma.end :]) - len(text[comma.end :].lstrip("0123456789"))
        if not (before and after):
            return None
        return f"{text[comma.start - before : comma.start]}.{text[comma.end : comma.end + after]}"

    def _missing_operand(self, token: _Token) -> FormulaError:
        previous = self._tokens[self._index - 1] if self._index else None
        if previous is None:
            return self._unexpected(token)
        if token.kind is _Kind.CLOSE and previous.kind is _Kind.OPEN:
            return FormulaError("empty parentheses", previous.start, token.end)
        if token.kind in (_Kind.END, _Kind.CLOSE, _Kind.COMMA):
            spelling = self._spelling(previous)
            return FormulaError(f"'{spelling}' needs something after it", previous.start, previous.end)
        return self._unexpected(token)

    def _expect_close(self) -> _Token:
        token = self._peek()
        if token.kind is not _Kind.CLOSE:
            raise self._unexpected(token)
        return self._advance()

    # -- grammar

    def parse(self) -> _Node:
        if self._peek().kind is _Kind.END:
            raise FormulaError("type a formula")
        node = self._sum()
        if self._peek().kind is not _Kind.END:
            raise self._unexpected(self._peek())
        return node

    def _sum(self) -> _Node:
        node = self._term()
        while self._at_operator("+", "-"):
            operator = self._advance()
            right = self._term()
            node = _Binary(operator.text, node, right, node.start, right.end)
        return node

    def _term(self) -> _Node:
        node = self._unary()
        while True:
            if self._at_operator("*", "/"):
                operator = self._advance().text
                right = self._unary()
                shown = operator
            elif self._peek().kind in _IMPLICIT_FACTOR_STARTS or (
                    self._peek().kind is _Kind.BAR and not self._open_bars):  # 2|x|, |x||y|
                operator, shown = "*", "·"
                right = self._power()
                if isinstance(node, _Binary) and node.operator == "/" and self.division_then_product is None:
                    self.division_then_product = ((node.left.start, node.left.end), (node.right.start, node.right.end),
                                                  (right.start, right.end))
            else:
                return node
            self._note_power_then_factor(node, right, shown)
            node = _Binary(operator, node, right, node.start, right.end)

    def _note_power_then_factor(self, left: _Node, right: _Node, operator: str) -> None:
        """Keep the first unspaced power that is likely meant to take in what follows: e^2x, 2^-2x, x^1/2.

        A constant raised to a number and a factor after it (e^2x: e^(2x) is the usual meaning), or a power of 1 or
        −1 divided (x^1/2: √x is); not x^2y (x²y) or x^2/2 (x²/2), which mean what they are read as.
        """
        if self.power_then_factor is not None or operator == "*" or not isinstance(left, _Binary):
            return
        between = self._text[left.end:right.start]
        exponent = left.right.operand if isinstance(left.right, _Unary) else left.right
        if left.operator != "^" or not isinstance(exponent, _Number) or " " in between:
            return
        constant_base = isinstance(left.left, _Number) or (isinstance(left.left, _Name) and left.left.is_constant)
        unit_power = exponent.value == 1
        if (operator == "·" and constant_base) or (operator == "/" and unit_power):
            self.power_then_factor = ((left.left.start, left.left.end), (left.right.start, left.right.end),
                                      (right.start, right.end), operator)

    def _unary(self) -> _Node:
        if not self._at_operator("+", "-"):
            return self._power()
        sign = self._advance()
        self._refuse_doubled_sign(sign)
        with self._nested(sign):
            operand = self._unary()
        return _Unary(sign.text, operand, sign.start, operand.end)

    def _refuse_doubled_sign(self, sign: _Token) -> None:
        """Refuse a sign right after another (x^2 ++ y^2, --x): a slip of the keys, read silently as one sign.

        A minus after a plus is a negative number added, as typed on purpose: x^2 + -y.
        """
        previous = self._tokens[self._index - 2] if self._index >= 2 else None
        if previous is None or previous.kind is not _Kind.OPERATOR or previous.text not in ("+", "-"):
            return
        if previous.text == "+" and sign.text == "-":
            return
        if previous.text == sign.text == "-":
            advice = "two minuses make a plus, so write one + (or -(-…) with parentheses)"
        else:
            advice = f"write one {sign.text if previous.text == sign.text else '-'}"
        typed = self._text[previous.start:sign.end]
        raise FormulaError(f"'{typed}' is two signs in a row: {advice}", previous.start, sign.end)

    def _power(self) -> _Node:
        factors = self._factors()
        if self._at_operator("^"):
            caret = self._advance()
            with self._nested(caret):
                exponent = self._unary()
            base = factors[-1]
            if isinstance(base, _Name) and not base.is_constant:
                self.powered_names.add(base.name)
            factors[-1] = _Binary("^", base, exponent, base.start, exponent.end)
        return _product(factors)

    def _factors(self) -> list[_Node]:
        """One operand: usually one node, several for a word like ``xy`` that is a product."""
        token = self._peek()
        if token.kind is _Kind.NUMBER:
            self._advance()
            return [_Number(_number_value(token, self._spelling(token)), token.start, token.end)]
        if token.kind is _Kind.WORD:
            return self._word()
        if token.kind is _Kind.OPEN:
            return [self._group()]
        if token.kind is _Kind.ROOT:
            return [self._root()]
        if token.kind is _Kind.BAR:
            return [self._absolute()]
        raise self._missing_operand(token)

    def _group(self) -> _Group:
        opening = self._advance()
        if self._peek().kind is _Kind.CLOSE:
            raise FormulaError("empty parentheses", opening.start, self._peek().end)
        with self._nested(opening):
            inner = self._sum()
        closing = self._expect_close()
        return _Group(inner, opening.start, closing.end)

    def _absolute(self) -> _Call:
        """|…|: the absolute value, as abs(…)."""
        opening = self._advance()
        following = self._peek()
        if following.kind is _Kind.END:
            raise FormulaError("unmatched '|': add a '|' to close it", opening.start, opening.end)
        if following.kind is _Kind.BAR and not self._starts_operand(self._tokens[self._index + 1]):  # ||x| − 1| nests
            raise FormulaError("empty '| |': write |x| for an absolute value", opening.start, following.end)
        self._open_bars += 1
        try:
            with self._nested(opening):
                inner = self._sum()
        finally:
            self._open_bars -= 1
        closing = self._peek()
        if closing.kind is not _Kind.BAR:
            if closing.kind in (_Kind.END, _Kind.CLOSE, _Kind.COMMA):
                raise FormulaError("unmatched '|': add a '|' to close it", opening.start, opening.end)
            raise self._unexpected(closing)
        self._advance()
        self.functions_used.append("abs")
        return _Call("abs", (inner,), opening.start, closing.end)

    @staticmethod
    def _starts_operand(token: _Token) -> bool:
        """Whether an operand may begin with this token."""
        return token.kind in (*_IMPLICIT_FACTOR_STARTS, _Kind.NUMBER, _Kind.BAR) or (
            token.kind is _Kind.OPERATOR and token.text in ("+", "-"))

    def _root(self) -> _Call:
        root = self._advance()
        with self._nested(root):
            operand = self._group() if self._peek().kind is _Kind.OPEN else self._unary()
        self.functions_used.append("sqrt")
        return _Call("sqrt", (operand,), root.start, operand.end)

    def _word(self) -> list[_Node]:
        token = self._advance()
        name = token.text
        if name in self._declared:
            return [self._variable(name, token.start, token.end)]
        if name in _FUNCTIONS:
            return [self._call(token)]
        if name in _CONSTANTS:
            return [_Name(name, True, token.start, token.end)]
        if name in _INSTEAD:
            raise FormulaError(f"unknown function '{self._spelling(token)}': {_INSTEAD[name]}", token.start, token.end)
        if name in _NOT_NUMBERS:
            raise FormulaError(f"'{self._spelling(token)}' ({_NOT_NUMBERS[name]}) cannot be in a formula: f must have "
                               "finite values", token.start, token.end)
        if name in _LOOKALIKE_CONSTANTS and _LOOKALIKE_CONSTANTS[name] not in self.lookalike_notes:
            self.lookalike_notes.append(_LOOKALIKE_CONSTANTS[name])
        greek = greek_spelled(name) or (name if _LETTERS_PATTERN.fullmatch(name) and not name.isascii() else None)
        if greek is not None and len(greek) == 1 and self._peek().kind is _Kind.OPEN:
            # gamma(x), σ(x): a student means a function; here it is a product, and says so
            note = (f"{self._spelling(token)}(…) is read as {greek}·(…), {greek} a variable: there is no "
                    f"{self._spelling(token)} function")
            if note not in self.lookalike_notes:
                self.lookalike_notes.append(note)
        return [
            _Name(piece, True, start, end) if piece in _CONSTANTS else self._variable(piece, start, end)
            for piece, start, end in self._split_word(token)
        ]

    def _split_word(self, token: _Token) -> list[tuple[str, int, int]]:
        """The variables (and lone constants) a word that is not a declared name stands for."""
        name, spelling = token.text, self._spelling(token)
        name = greek_spelled(name) or name  # theta is θ: a keyboard has no θ to type
        letters = _LETTERS_PATTERN.match(name).group()
        suffix = name[len(letters) :]
        if suffix.startswith("_") and len(letters) == 1 and letters not in _CONSTANTS:
            return [(name, token.start, token.end)]
        if "_" in suffix and letters in ("log", "ln"):
            raise FormulaError(f"unknown name '{spelling}'{_LOG_BASES_HINT}", token.start, token.end)
        if "_" in suffix:
            raise FormulaError(
                f"unknown name '{spelling}': a subscripted name is one letter, '_', a subscript, like x_1",
                token.start,
                token.end,
            )
        if letters.lower() in _GREEK_LETTERS:
            greek = _GREEK_LETTERS[letters.lower()]
            raise FormulaError(f"unknown name '{spelling}': type {greek} for the Greek letter", token.start, token.end)
        embedded = _embedded_name(letters)
        following = self._peek()
        if embedded is not None:
            name_in_it, index = embedded
            if following.kind is _Kind.OPEN and (suffix or index + len(name_in_it) < len(letters)):
                # tanh2(x), expand(…): a call of a function gradviz does not have, not tanh(2) or exp(and)
                raise FormulaError(_unknown_function(spelling), token.start, token.end)
            if following.kind is _Kind.WORD and following.start == token.end and suffix.isdigit():
                suffix += following.text  # sin2x: sin(2x), not sin(2)
            suggestion = _suggest(letters, suffix, *embedded)
            if len(letters) - index - len(name_in_it) >= MAX_SPLIT_LETTERS:  # second: a word more likely than sec(ond)
                raise FormulaError(f"{_undeclared_word(spelling)}, or did you mean {suggestion}?", token.start,
                                   token.end)
            raise FormulaError(f"unknown name '{spelling}' — did you mean {suggestion}?", token.start, token.end)
        if len(letters) > 1 and self._peek().kind is _Kind.OPEN:
            hint = f" (for a product write {'*'.join(letters)}*(…))" if len(letters) <= MAX_SPLIT_LETTERS else ""
            raise FormulaError(_unknown_function(spelling, hint), token.start, token.end)
        if len(letters) > MAX_SPLIT_LETTERS:  # a word: a variable once a header names it (f(speed, time) = …)
            header = self._header_naming_words()
            if header is None:
                raise FormulaError(_undeclared_word(spelling), token.start, token.end)
            named = self._header is not None and self._header.variables
            verb = "add it to the header" if named else "name it in a header"
            raise FormulaError(f"unknown name '{spelling}': to use it as a variable, {verb}: {header}", token.start,
                               token.end)
        if suffix and letters[-1] in _CONSTANTS:
            raise FormulaError(
                f"'{spelling}' is unclear: {letters[-1]} is a constant, write {letters[-1]}*{suffix}",
                token.start,
                token.end,
            )
        pieces = [(letter, token.start + index, token.start + index + 1) for index, letter in enumerate(letters)]
        last_letter, last_start, _ = pieces[-1]
        pieces[-1] = (last_letter + suffix, last_start, token.end)
        if suffix.isdigit() and last_letter + suffix not in self.digit_named:
            self.digit_named.append(last_letter + suffix)
        return pieces

    def _header_naming_words(self) -> str | None:
        """The header that makes the formula's words its variables, f(mass, speed) = …, if the words are plain.

        None where a word could be meant otherwise (xy, a product; sinx; theta, θ), or the variables are given.
        """
        if self._header is None:
            return None
        names = list(self._header.variables or ())
        for token, following in itertools.pairwise(self._tokens):
            word = token.text
            if token.kind is not _Kind.WORD or word in names or word in _CONSTANTS:
                continue
            if word in _FUNCTIONS and following.kind is _Kind.OPEN:
                continue
            one_letter = _ONE_LETTER_NAME.fullmatch(word) is not None and word not in _LOOKALIKE_CONSTANTS
            plain_word = (word.isascii() and word.isalpha() and len(word) > MAX_SPLIT_LETTERS and word not in _INSTEAD
                          and word not in _NOT_NUMBERS and greek_spelled(word) is None and _embedded_name(word) is None
                          and following.kind is not _Kind.OPEN)
            if not (one_letter or plain_word) or len(names) == MAX_VARIABLES:
                return None
            names.append(word)
        body = self._text[self._tokens[0].start :].strip()
        shown = body if len(body) <= _SHOWN_TEXT_LENGTH else "…"
        return f"{self._header.name}({', '.join(names)}) = {shown}"

    def _variable(self, name: str, start: int, end: int) -> _Name:
        if self._allowed is not None and name not in self._allowed:
            raise FormulaError(f"'{name}' is not one of the variables of {self._allowed_description}", start, end)
        if name not in self.variables_used:
            if len(self.variables_used) >= MAX_VARIABLES:
                raise FormulaError(f"too many variables (limit {MAX_VARIABLES})", start, end)
            self.variables_used[name] = start
        return _Name(name, False, start, end)

    def _call(self, name: _Token) -> _Node:
        function = name.text
        power: _Node | None = None
        if self._at_operator("^"):
            caret = self._advance()
            with self._nested(caret):
                power = self._unary()
            exponent = power
            while isinstance(exponent, _Group):
                exponent = exponent.inner
            if not (isinstance(exponent, _Number) and exponent.value.is_Integer and exponent.value > 0):
                inverse = f"a{function}" if f"a{function}" in _FUNCTIONS else None
                hint = f" (for the inverse function write {inverse}(…))" if inverse and _is_minus_one(exponent) else ""
                raise FormulaError(
                    f"only a positive whole power can be written as {function}^2(…); "
                    f"write 1/{function}(…) or {function}(…)^p instead{hint}",
                    power.start,
                    power.end,
                )
        opening = self._peek()
        if opening.kind is not _Kind.OPEN:
            raise FormulaError(
                f"{function} needs parentheses around its argument, like {function}(x)", name.start, name.end
            )
        self._advance()
        if self._peek().kind is _Kind.CLOSE:
            raise FormulaError(f"{function}() needs {_arity(function)}", name.start, self._peek().end)
        arguments: list[_Node] = []
        with self._nested(opening):
            arguments.append(self._sum())
            while self._peek().kind is _Kind.COMMA:
                self._advance()
                arguments.append(self._sum())
        closing = self._expect_close()
        _check_arity(function, len(arguments), name.start, closing.end)
        self.functions_used.append(function)
        call = _Call(function, tuple(arguments), name.start, closing.end)
        if power is None:
            return call
        return _Binary("^", call, power, name.start, closing.end)


def _undeclared_word(spelling: str) -> str:
    """What a word that is no variable of the formula is told: a header makes it one."""
    return f"unknown name '{spelling}': to use it as a variable, name it in a header, like f({spelling}, …) = …"


def _unknown_function(spelling: str, hint: str = "") -> str:
    """What a call of a function gradviz does not have is told: a near name (else the hint), and the functions."""
    near = ([_SHORT_NAMES_ELSEWHERE[spelling.lower()]] if spelling.lower() in _SHORT_NAMES_ELSEWHERE
            else difflib.get_close_matches(spelling.lower(), FUNCTION_NAMES, n=1, cutoff=_NEAR_NAME_SIMILARITY))
    if near:  # sqr(x) is more likely sqrt(x) than s·q·r·(x)
        return f"unknown function '{spelling}': did you mean {near[0]}? the functions are {_LISTED_FUNCTIONS}"
    return f"unknown function '{spelling}'{hint}: the functions are {_LISTED_FUNCTIONS}"


def _arity(function: str) -> str:
    spec = _FUNCTIONS[function]
    if spec.max_arguments is None:
        return f"at least {spec.min_arguments} arguments"
    plural = "" if spec.min_arguments == 1 else "s"
    return f"{spec.min_arguments} argument{plural}"


def _check_arity(function: str, count: int, start: int, end: int) -> None:
    spec = _FUNCTIONS[function]
    if count < spec.min_arguments or (spec.max_arguments is not None and count > spec.max_arguments):
        verb = "takes" if spec.max_arguments is not None else "needs"
        hint = _LOG_BASES_HINT if function in ("log", "ln") and count == 2 else ""
        raise FormulaError(f"{function} {verb} {_arity(function)} (got {count}){hint}", start, end)


# log(x, 2) and log_2(x) as a student writes a logarithm to a base
_LOG_BASES_HINT = ": for a logarithm to a base write log2(x), log10(x) or log(x)/log(b)"


# ---------------------------------------------------------------------------------------------
# Building the SymPy expression


def ordered_terms(expr: sympy.Expr) -> tuple[sympy.Expr, ...]:
    """The terms of a sum in the order they print in (a term that is no sum is its one term)."""
    return tuple(expr.as_ordered_terms()) if expr.is_Add else (expr,)


def _operands(node: _Node) -> tuple[_Node, ...]:
    """The nodes a node is built from."""
    if isinstance(node, _Unary):
        return (node.operand,)
    if isinstance(node, _Binary):
        return node.left, node.right
    if isinstance(node, _Call):
        return node.arguments
    if isinstance(node, _Group):
        return (node.inner,)
    return ()


def _ungrouped(node: _Node) -> _Node:
    """The node inside any brackets around it."""
    while isinstance(node, _Group):
        node = node.inner
    return node


def _typed_summands(tree: _Node) -> list[tuple[bool, _Node]]:
    """The summands of a sum from left to right, each with whether it is subtracted ('a - (b + c)': a, −b, −c)."""
    summands: list[tuple[bool, _Node]] = []
    pending: list[tuple[bool, _Node]] = [(False, tree)]
    while pending:
        negated, node = pending.pop()
        if isinstance(node, _Group):
            pending.append((negated, node.inner))
        elif isinstance(node, _Binary) and node.operator in ("+", "-"):
            pending.append((negated != (node.operator == "-"), node.right))
            pending.append((negated, node.left))
        else:
            summands.append((negated, node))
    return summands


@dataclass(frozen=True, slots=True)
class _Built:
    expr: sympy.Expr
    value: float | None  # the numeric value when the expression is a plain number


class _Builder:
    """Turns the syntax tree into SymPy with explicit constructors, checking every number on the way."""

    def __init__(self, text: str, symbols: dict[str, sympy.Symbol]) -> None:
        self._text = text
        self._symbols = symbols
        self._values: dict[sympy.Expr, float] = {}
        self._built: dict[int, sympy.Expr] = {}  # each node's expression, by the node's id
        self.typed_arguments: dict[sympy.Expr, TypedArguments] = {}  # each max and min built, by its expression
        self.typed_relus: list[sympy.Expr] = []
        self._typed_factors: dict[int, tuple[sympy.Expr, ...]] = {}  # each product's factors as typed, by its node's id
        self.typed_products: list[tuple[sympy.Expr, ...]] = []
        self.typed_e_powers: list[sympy.Expr] = []
        self.typed_log_bases: list[TypedLog] = []
        self.typed_quotients: list[TypedQuotient] = []
        self.restricted: dict[sympy.Expr, str] = {}  # every root, logarithm and arcsine built, with its typed text

    def _shown(self, node: _Node) -> str:
        shown = self._text[node.start : node.end].strip()
        if len(shown) > _SHOWN_TEXT_LENGTH:
            return shown[: _SHOWN_TEXT_LENGTH - 1] + "…"
        return shown

    def build(self, node: _Node) -> _Built:
        built = self._build(node)
        self._built[id(node)] = built.expr
        return built

    def typed_terms(self, tree: _Node) -> tuple[sympy.Expr, ...]:
        """The terms of the built sum in the order they were typed (call after build)."""
        terms: list[sympy.Expr] = []
        for negated, node in _typed_summands(tree):
            expr = self._built[id(node)]
            terms.extend(ordered_terms(sympy.Mul(sympy.S.NegativeOne, expr) if negated else expr))
        return tuple(terms)

    def typed_sums(self, tree: _Node) -> tuple[tuple[sympy.Expr, ...], ...]:
        """The terms of every sum in the tree, each sum's in the order they were typed (call after build)."""
        sums: list[tuple[sympy.Expr, ...]] = []
        pending = [tree]
        while pending:
            node = pending.pop()
            summands = _typed_summands(node)
            if len(summands) > 1:
                sums.append(self.typed_terms(node))
            for _, summand in summands:
                pending.extend(_operands(summand))
                if isinstance(summand, _Call) and summand.function in _ONE_PLUS_EXP_FUNCTIONS:
                    sums.extend(_one_first(self._built[id(summand)]))
        return tuple(sums)

    def _build(self, node: _Node) -> _Built:
        if isinstance(node, _Number):
            return _Built(node.value, float(node.value))
        if isinstance(node, _Name):
            if node.is_constant:
                constant = _CONSTANTS[node.name]
                return _Built(constant, float(constant))
            return _Built(self._symbols[node.name], None)
        if isinstance(node, _Group):
            return self.build(node.inner)
        if isinstance(node, _Unary):
            operand = self.build(node.operand)
            if node.sign == "+":
                return operand
            return self._finish(sympy.Mul(sympy.S.NegativeOne, operand.expr), node)
        if isinstance(node, _Binary):
            return self._binary(node)
        return self._call(node)

    def _binary(self, node: _Binary) -> _Built:
        left, right = self.build(node.left), self.build(node.right)
        if node.operator == "+":
            expr = sympy.Add(left.expr, right.expr)
        elif node.operator == "-":
            expr = sympy.Add(left.expr, sympy.Mul(sympy.S.NegativeOne, right.expr))
        elif node.operator == "*":
            expr = sympy.Mul(left.expr, _safe_factor(left.expr, right.expr))
            self._note_factors(node, right.expr)
        elif node.operator == "/":
            if right.expr is sympy.S.Zero:
                raise FormulaError("division by zero", node.right.start, node.right.end)
            reciprocal = self._finish(sympy.Pow(right.expr, sympy.S.NegativeOne), node)
            expr = sympy.Mul(left.expr, _safe_factor(left.expr, reciprocal.expr))
            self._note_factors(node, reciprocal.expr)
        else:
            self._check_power(node, left, right)
            expr = sympy.Pow(left.expr, _safe_exponent(left.expr, right.expr))
            if left.expr is sympy.E:
                self.typed_e_powers.append(expr.args[0] if isinstance(expr, sympy.exp) else right.expr)
        return self._finish(expr, node)

    def _note_factors(self, node: _Binary, right: sympy.Expr) -> None:
        """Note the factors of a product (or quotient) node in the typed order, its left side's first: the factors
        of x y z are x, y and z, not SymPy's order."""
        left = self._typed_factors.get(id(_ungrouped(node.left)), (self._built_expr(node.left),))
        factors = (*left, right)
        self._typed_factors[id(node)] = factors
        parts = tuple(part for factor in factors for part in sympy.Mul.make_args(factor) if not part.is_Number)
        if len(parts) > 1:
            self.typed_products.append(parts)

    def _built_expr(self, node: _Node) -> sympy.Expr:
        """The expression built for a node (or the node inside its brackets)."""
        return self._built[id(_ungrouped(node))]

    def _check_power(self, node: _Binary, base: _Built, exponent: _Built) -> None:
        """Refuse powers whose size would be absurd before SymPy computes them."""
        if exponent.value is None:
            return
        if abs(exponent.value) > MAX_EXPONENT:
            shown = str(exponent.expr) if exponent.expr.is_Integer else f"{exponent.value:.3g}"
            raise FormulaError(
                f"exponent {shown} is too large (limit {MAX_EXPONENT})", node.right.start, node.right.end
            )
        if base.value is None or (base.value == 0 and exponent.value >= 0):
            return
        if base.expr is sympy.S.Zero:
            raise FormulaError("division by zero: 0 to a negative power", node.start, node.end)
        if base.value == 0 or abs(exponent.value * math.log10(abs(base.value))) > math.log10(MAX_MAGNITUDE):
            raise self._out_of_range(node)

    def _call(self, node: _Call) -> _Built:
        arguments = [self.build(argument).expr for argument in node.arguments]
        if node.function == "sqrt":
            return self._finish(sympy.Pow(arguments[0], _safe_exponent(arguments[0], sympy.S.Half)), node)
        if node.function in _EXP_FUNCTIONS:
            arguments = [_without_exact_logs(argument) for argument in arguments]
        built = self._finish(_FUNCTIONS[node.function].build(*arguments), node)
        if node.function == "relu":
            self.typed_relus.append(arguments[0])
        elif node.function in _LOG_BASES:
            self.typed_log_bases.append((arguments[0], _LOG_BASES[node.function]))
        elif node.function in TYPED_QUOTIENT_NAMES:
            self.typed_quotients.append((node.function, arguments[0]))
        elif node.function in _EXTREME_FUNCTIONS:  # max(x, max(y, z)) is SymPy's max(x, y, z): its arguments in a row;
            extreme = _EXTREME_FUNCTIONS[node.function]  # a relu stays one, max(relu(x), y) (SymPy's max(0, x, y))
            self.typed_arguments[built.expr] = node.function, tuple(
                part for typed, argument in zip(node.arguments, arguments, strict=True)
                for part in (self.typed_arguments.get(argument, ("", argument.args))[1]
                             if isinstance(argument, extreme) and not _is_relu(typed) else (argument,)))
        return built

    def _finish(self, expr: sympy.Expr, node: _Node) -> _Built:
        """Check a freshly built expression and the parts SymPy may just have merged into it."""
        for part in (expr, *expr.args):
            if part.is_Pow and part.exp.is_Number and abs(part.exp) > MAX_EXPONENT:
                raise FormulaError(f"exponent {part.exp} is too large (limit {MAX_EXPONENT})", node.start, node.end)
            if part is not expr and part.is_number:
                self._value(part, node)  # e.g. the coefficient 10^400 of x*10^200*10^200
            if _restricts_domain(part) and part not in self.restricted:
                self.restricted[part] = self._shown(node)
        return _Built(expr, self._value(expr, node) if expr.is_number else None)

    def _value(self, expr: sympy.Expr, node: _Node) -> float:
        """The checked value of a plain-number expression, computed once per expression."""
        value = self._values.get(expr)
        if value is None:
            value = self._values[expr] = self._real_value(expr, node)
        return value

    def _real_value(self, expr: sympy.Expr, node: _Node) -> float:
        """The value of a plain-number expression: a finite real; exact fractions also not too tiny."""
        shown = self._shown(node)
        if any(_too_many_digits(number) for number in expr.atoms(sympy.Rational)):
            raise FormulaError(
                f"{shown} has too many digits to compute exactly (limit {MAX_EXACT_DIGITS})", node.start, node.end
            )
        if expr.is_Rational:
            magnitude = abs(expr)
            if magnitude > MAX_MAGNITUDE or (magnitude and magnitude < 1 / MAX_MAGNITUDE):
                raise self._out_of_range(node)
            return float(expr)
        if expr.has(sympy.zoo, sympy.nan, sympy.oo, sympy.S.NegativeInfinity):
            raise FormulaError(f"{shown} is undefined", node.start, node.end)
        try:
            real, imaginary = expr.evalf(_EVAL_DIGITS).as_real_imag()
            value, imaginary_value = float(real), float(imaginary)
        except (ArithmeticError, TypeError, ValueError, RecursionError):
            raise FormulaError(f"{shown} cannot be evaluated", node.start, node.end) from None
        if abs(imaginary_value) > _IMAGINARY_TOLERANCE * max(1.0, abs(value)):
            raise FormulaError(f"{shown} is not a real number", node.start, node.end)
        if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
            raise self._out_of_range(node)
        return value  # tiny values may underflow to 0.0: they stay exact in the expression

    def _out_of_range(self, node: _Node) -> FormulaError:
        return FormulaError(
            f"{self._shown(node)} is out of range (limits {_SMALLEST_MAGNITUDE} and {_MAGNITUDE_LIMIT} in size, or 0)",
            node.start,
            node.end,
        )


def _is_relu(node: _Node) -> bool:
    """Whether a node is relu(…) typed, in brackets or not."""
    while isinstance(node, _Group):
        node = node.inner
    return isinstance(node, _Call) and node.function == "relu"


_EXP_FUNCTIONS = frozenset({"exp", "sigmoid", "softplus"})
_EXTREME_FUNCTIONS = {"max": sympy.Max, "min": sympy.Min}
_ONE_PLUS_EXP_FUNCTIONS = frozenset({"sigmoid", "softplus"})  # written with 1 + e^…: 1/(1 + e^(−x)), ln(1 + e^x)


def _one_first(expr: sympy.Expr) -> list[tuple[sympy.Expr, ...]]:
    """The sum 1 + e^… a function such as sigmoid is written with, 1 first as its definition writes it (if any)."""
    one_plus = next((part for part in sympy.preorder_traversal(expr) if part.is_Add and sympy.S.One in part.args), None)
    if one_plus is None:
        return []
    return [(sympy.S.One, *(term for term in one_plus.args if term is not sympy.S.One))]
_MAX_EXACT_BITS = math.ceil(MAX_EXACT_DIGITS * math.log2(10))


def _too_many_digits(number: sympy.Rational) -> bool:
    return max(abs(number.p).bit_length(), number.q.bit_length()) > _MAX_EXACT_BITS


def _is_tame_number(expr: sympy.Expr) -> bool:
    """Whether SymPy can take exact roots of the number ``expr`` cheaply: literal-size fractions, pi, e."""
    for part in sympy.preorder_traversal(expr):
        if part.is_Rational and max(abs(part.p), part.q) > MAX_NUMBER:
            return False
        if (part.is_Pow and not part.exp.is_Integer) or isinstance(part, sympy.log):
            return False
    return True


def _safe_exponent(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """``exponent``, or its decimal value when SymPy's exact evaluation of the power could take forever.

    SymPy evaluates a number to a fractional power exactly by factoring, which may be endless
    (``63^(999982/999983)``, ``(10^300+7)^0.9``); the base's numeric factors are taken to the power
    too (``(63x)^r``), and ``e^(r*log(b))`` becomes ``b^r``.
    """
    if base is sympy.E and exponent.is_number and exponent.has(sympy.log):
        return sympy.Float(exponent.evalf(_EVAL_DIGITS), _EVAL_DIGITS)
    if not exponent.is_Rational or exponent.is_Integer:
        return exponent
    numbers = [factor for factor in sympy.Mul.make_args(base) if factor.is_number]
    if exponent.q <= MAX_EXACT_ROOT and all(_is_tame_number(number) for number in numbers):
        return exponent
    return sympy.Float(exponent, _EVAL_DIGITS)


def _roots(expr: sympy.Expr) -> list[sympy.Pow]:
    """The factors of ``expr`` that are numbers to a fractional power, like ``2**(1/3)``."""
    return [
        factor
        for factor in sympy.Mul.make_args(expr)
        if factor.is_Pow and factor.is_number and factor.exp.is_Rational and not factor.exp.is_Integer
    ]


def _safe_factor(left: sympy.Expr, right: sympy.Expr) -> sympy.Expr:
    """``right``, with the roots SymPy would merge with roots in ``left`` into costly ones as decimals.

    ``b**r * b**s`` becomes ``b**(r+s)`` and ``a**r * b**r`` becomes ``(a*b)**r``, evaluated by factoring.
    """
    left_roots = _roots(left)
    if not left_roots:
        return right
    costly = {
        root: sympy.Float(root.evalf(_EVAL_DIGITS), _EVAL_DIGITS)
        for root in _roots(right)
        for other in left_roots
        if (other.base == root.base and (other.exp + root.exp).q > MAX_EXACT_ROOT)
        or (other.exp == root.exp and not _is_tame_number(other.base * root.base))
    }
    return right.xreplace(costly) if costly else right


def _without_exact_logs(argument: sympy.Expr) -> sympy.Expr:
    """A number holding a logarithm as a decimal, so that ``exp(r*log(b))`` is not taken as ``b^r``."""
    if argument.is_number and argument.has(sympy.log):
        return sympy.Float(argument.evalf(_EVAL_DIGITS), _EVAL_DIGITS)
    return argument


def _check_result(expr: sympy.Expr, symbols: dict[str, sympy.Symbol]) -> None:
    """Belt and braces: the expression holds only the variables, allowed functions and real numbers."""
    for part in sympy.preorder_traversal(expr):
        if not isinstance(part, _ALLOWED_NODE_TYPES):
            raise FormulaError(f"the formula leads to {part}, which is not a real-valued expression")
    unknown = expr.free_symbols - set(symbols.values())
    if unknown:
        raise FormulaError(f"unknown names: {', '.join(sorted(map(str, unknown)))}")


# ---------------------------------------------------------------------------------------------
# Variables, notes and the public entry point


# after "'y' is not one of the variables of L(w1, w2)": the tutorials' data y, x₁, x₂ are no variables of L
HEADER_HINT = ": name it in the header too (to plot it or hold it at a value), or write a number in its place"
_WEIGHT_NAME = re.compile(r"w(_?\d+)?")  # w, w1, w_2: a model's weights
_BIAS_NAME = re.compile(r"b(_?\d+)?")


def is_model_parameter(name: str) -> bool:
    """Whether a variable is named as a model's weight (w, w1, w_2) or bias (b, b1)."""
    return bool(_WEIGHT_NAME.fullmatch(name) or _BIAS_NAME.fullmatch(name))


def is_model_loss(names: Iterable[str]) -> bool:
    """Whether variables are a model's: a weight among two or more weights and biases (w and b, w1 and w2).

    One w beside x, y and z (x² + y² + zw) is just another variable.
    """
    names = tuple(names)
    return (any(_WEIGHT_NAME.fullmatch(name) for name in names)
            and sum(is_model_parameter(name) for name in names) >= 2)


def _variable_order(names: Iterable[str]) -> tuple[str, ...]:
    """The variables of a formula without a header, plotted first to last.

    x, y, z first, then the rest in natural order (w2 before w10). In a model's loss (see is_model_loss) its
    weights (w, w1, …) and then its biases (b, b1, …) come first: the tutorials' (3 − 2w − b)² is L(w, b), and
    (y − w₁x₁ − w₂x₂)² plots w₁ and w₂ with the data y, x₁, x₂ held (it plotted y and w₁, and descent moved y).
    """
    names = tuple(names)
    model = is_model_loss(names)

    def key(name: str) -> tuple[int, list[str | int]]:
        parts: list[str | int] = [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
        if model and _WEIGHT_NAME.fullmatch(name):
            return 0, parts
        if model and _BIAS_NAME.fullmatch(name):
            return 1, parts
        if name in ("x", "y", "z"):
            return 2 + ("x", "y", "z").index(name), [name]
        return 5, parts

    return tuple(sorted(names, key=key))


def _checked_variables(variables: Sequence[str]) -> tuple[str, ...]:
    """The ``variables`` argument, validated."""
    if isinstance(variables, str):
        raise FormulaError("variables must be a sequence of names, not one string")
    names = tuple(variables)
    for name in names:
        if not isinstance(name, str):
            raise FormulaError(f"variable names must be text, not {name!r}")
        _check_variable_name(name)
    if len(set(names)) != len(names):
        raise FormulaError(f"variables {names} contain a name twice")
    if len(names) > MAX_VARIABLES:
        raise FormulaError(f"too many variables (limit {MAX_VARIABLES})")
    return names


def _notes(functions_used: Sequence[str], expr: sympy.Expr) -> tuple[str, ...]:
    """Notes on the kinks of the non-differentiable functions that are still in the expression."""
    kinds = [function for function in dict.fromkeys(functions_used) if function in _KINK_NOTES]
    if "abs" not in kinds:
        kinds.append("root of a square")  # sqrt(x^2) is |x| too, though no abs was typed
    return tuple(_KINK_NOTES[function] for function in kinds if expr.has(_KINK_TYPES[function]))


def _root_note(expr: sympy.Expr) -> tuple[str, ...]:
    """A note on a fractional power with an odd root of a base that may be negative: x^(2/3) has a real value at
    x = −8 in a calculus class (4), none in gradviz, which takes such powers of numbers ≥ 0 only, as numpy does."""
    powers = sorted((power for power in expr.atoms(sympy.Pow) if power.exp.is_Rational and not power.exp.is_Integer
                     and power.exp.q % 2 == 1 and power.base.is_nonnegative is not True), key=sympy.default_sort_key)
    if not powers:
        return ()
    base, exponent = powers[0].base, powers[0].exp
    shown = sympy.sstr(base).replace("**", "^")
    power = f"^({exponent.p}/{exponent.q})"
    written = f"{shown}{power}" if isinstance(base, sympy.Symbol) else f"({shown}){power}"
    if exponent.p % 2 == 0:
        return (f"{written} is undefined for {shown} < 0, as in numpy: |{shown}|{power} is defined everywhere",)
    return (f"{written} is undefined for {shown} < 0, as in numpy (fractional powers of numbers ≥ 0 only)",)


def _restricts_domain(part: sympy.Basic) -> bool:
    """Whether part is a root (a fractional power), logarithm or arcsine of a variable: defined in a part of it."""
    if part.is_Pow:
        return bool(part.exp.is_Rational and not part.exp.is_Integer and not part.base.is_number)
    return isinstance(part, (sympy.log, sympy.asin, sympy.acos)) and not part.args[0].is_number


def _domain_condition(part: sympy.Expr) -> sympy.Basic:
    """Where a root, logarithm or arcsine is defined (as numpy computes it): base ≥ 0 (> 0 under a negative power),
    argument > 0, argument² ≤ 1."""
    if part.is_Pow:
        return sympy.Gt(part.base, 0) if part.exp.is_negative else sympy.Ge(part.base, 0)
    if isinstance(part, sympy.log):
        return sympy.Gt(part.args[0], 0)
    return sympy.Le(part.args[0] ** 2, 1)


def _undefined_where(part: sympy.Expr) -> str:
    """Where a root, logarithm or arcsine is undefined, for a note: 'x < 0', 'x + y ≤ 0', '|x| > 1'."""
    inner = part.base if part.is_Pow else part.args[0]
    shown = sympy.sstr(inner).replace("**", "^")
    if isinstance(part, (sympy.asin, sympy.acos)):
        return f"|{shown}| > 1"
    return f"{shown} ≤ 0" if isinstance(part, sympy.log) or part.exp.is_negative else f"{shown} < 0"


def lost_domains(expr: sympy.Expr, restricted: dict[sympy.Expr, str]) -> tuple[tuple[sympy.Basic, ...],
                                                                                tuple[str, ...]]:
    """The conditions under which f is defined that SymPy's simplification dropped, and a note on each.

    √x² is x and e^ln(x) is x to SymPy, defined everywhere; typed, they are undefined where x < 0 and x ≤ 0. For each
    root, logarithm and arcsine typed (restricted, with its typed text) that is no longer in expr and whose
    condition no part left in expr already sets, the condition is kept; conditions SymPy decides true are dropped.
    """
    kept = {_domain_condition(part) for part in sympy.preorder_traversal(expr) if _restricts_domain(part)}
    conditions: dict[sympy.Basic, None] = {}
    notes: list[str] = []
    for part, typed in restricted.items():
        if expr.has(part):
            continue
        condition = _domain_condition(part)
        if condition is sympy.true or condition in kept or condition in conditions:
            continue
        conditions[condition] = None
        notes.append(f"{typed} is undefined where {_undefined_where(part)}, so f is too: the equations, simplified, "
                     "do not show it")
    return tuple(conditions), tuple(notes)


def _division_note(text: str, numerator: tuple[int, int], denominator: tuple[int, int],
                   factor: tuple[int, int]) -> str:
    """'x/2y is read as (x/2)·y, left to right: for x/(2y) write the parentheses'."""
    def typed(span: tuple[int, int]) -> str:
        return text[span[0]:span[1]].strip()

    above, below, after = typed(numerator), typed(denominator), typed(factor)
    written = text[numerator[0]:factor[1]].strip()
    return (f"{written} is read as ({above}/{below})·{after}, left to right: for {above}/({below}{after}) "
            "write the parentheses")


def _power_note(text: str, base: tuple[int, int], exponent: tuple[int, int], after: tuple[int, int],
                operator: str) -> str:
    """'e^2x is read as e²·x: for the exponential of 2x write e^(2x)' (or x^1/2, read as x¹/2)."""
    def typed(span: tuple[int, int]) -> str:
        return text[span[0]:span[1]].strip()

    lower, power, following = typed(base), typed(exponent), typed(after)
    written = text[base[0]:after[1]].strip()
    meant = f"{power}{following}" if operator == "·" else f"{power}/{following}"
    superscript = "".join(_TO_SUPERSCRIPTS.get(character, "\0") for character in power)
    raised = f"{lower}{superscript}" if "\0" not in superscript else f"({lower}^{power})"
    what = f"the exponential of {meant}" if lower == "e" else f"{lower} to the power {meant}"
    return f"{written} is read as {raised}{operator}{following}: for {what} write {lower}^({meant})"


def _is_euler(node: _Node) -> bool:
    """Whether a node is the constant e (in brackets or not)."""
    node = _ungrouped(node)
    return isinstance(node, _Name) and node.is_constant and node.name == "e"


def _euler_outside_powers(tree: _Node) -> bool:
    """Whether e stands somewhere but as the base of a power (d·e, sin(e)): there it may be meant as a variable."""
    pending = [tree]
    while pending:
        node = pending.pop()
        if _is_euler(node):
            return True
        if isinstance(node, _Binary) and node.operator == "^" and _is_euler(node.left):
            pending.append(node.right)  # e^u, as the tutorials write the exponential: Euler's number as meant
        else:
            pending.extend(_operands(node))
    return False


def _subscript_notes(digit_named: Iterable[str], variables: Sequence[str],
                     powered: Collection[str] = ()) -> tuple[str, ...]:
    """'x2 is read as a variable named x₂: for x² write x^2', where a name of a letter and digits looks like a power.

    It does where the letter is a variable of its own too (3x2 + 2xy) or no name of it ends in 1 (x2 + y2, not
    w1 + w2); a digit 1 is never a power. A name raised to a power (powered: x2 in x2^2 + y) was meant as a variable:
    x² squared is written x^4, not x2^2.
    """
    looks_like_power = [name for name in digit_named if name in variables and name not in powered
                        and int(name[1:]) >= 2 and (name[0] in variables or f"{name[0]}1" not in variables)]
    if not looks_like_power:
        return ()
    typed = " and ".join(looks_like_power)
    named = " and ".join(pretty_symbol(name) for name in looks_like_power)
    powers = " and ".join(f"{name[0]}^{name[1:]}" for name in looks_like_power)
    superscripts = " and ".join(name[0] + "".join(_TO_SUPERSCRIPTS[digit] for digit in name[1:])
                                for name in looks_like_power)
    are = "are read as variables" if len(looks_like_power) > 1 else "is read as a variable"
    return (f"{typed} {are} named {named}: for {superscripts} write {powers}",)


def variable_name(text: str) -> str:
    """The variable a name typed outside a formula stands for, read as a formula reads it (w₁ is w1, theta is θ);
    else the text."""
    try:
        tokens = _Tokenizer(text).run()
    except FormulaError:
        return text
    if len(tokens) != 2 or tokens[0].kind is not _Kind.WORD:
        return text
    return greek_spelled(tokens[0].text) or tokens[0].text


def _check_distinct_names(variables: Sequence[str]) -> None:
    """Refuse two variables that are written alike (w_1 and w1 are both w₁; beta and β are both β)."""
    written: dict[str, str] = {}
    for name in variables:
        shown = pretty_symbol(name)  # as the printers write it, from the name alone (no expression is made)
        if shown in written:
            raise FormulaError(f"{written[shown]} and {name} are two variables written alike, {shown}: "
                               "spell them the same to mean one, or name them apart")
        written[shown] = name


def parse_formula(text: str, variables: Sequence[str] | None = None) -> Formula:
    """Parse untrusted formula text into a Formula, or raise FormulaError."""
    if not isinstance(text, str):
        raise FormulaError("a formula must be text")
    if len(text) > MAX_TEXT_LENGTH:
        raise FormulaError(
            f"the formula is too long ({len(text)} characters, limit {MAX_TEXT_LENGTH} characters)",
            MAX_TEXT_LENGTH,
            len(text),
        )
    given = _checked_variables(variables) if variables is not None else None
    tokens = _Tokenizer(text).run()
    _check_parentheses(tokens)
    header = _read_header(tokens)
    if header.variables is not None:
        allowed, description = frozenset(header.variables), header.describe()
        description += HEADER_HINT
    elif given is not None:
        allowed, description = frozenset(given), f"({', '.join(given)})"
    else:
        allowed, description = None, ""
    declared = frozenset((*(header.variables or ()), *(given or ())))
    parser = _Parser(header.body, text, declared, allowed, description, header if given is None else None)
    tree = parser.parse()

    if given is not None:
        missing = [name for name in header.variables or () if name not in given]
        if missing:
            raise FormulaError(f"the header variable {missing[0]} is not one of {given}")
        order = given
    elif header.variables is not None:
        order = header.variables
    else:
        order = _variable_order(parser.variables_used)
    sign = header.bare_sign
    if sign is not None and (header.name in order or (not order and header.name in ("x", "y"))):
        # "x = x^2 + 1", "x = 1": an equation, not a function named x
        raise FormulaError(f"write the formula without '{header.name} =', or use {_HEADER_EXAMPLE}", sign.start,
                           sign.end)
    if not order and sign is not None:  # "f = 5": a constant needs its variables named
        constant = text[sign.end:].strip()
        raise FormulaError(f"the formula has no variables: for a constant write {header.name}(x, y) = {constant}",
                           sign.end, len(text))
    if not order:
        _Builder(text, {}).build(tree)  # a constant that is itself wrong (0/0: "division by zero") says so first
        raise FormulaError("the formula has no variables: use letters like x and y")
    _check_distinct_names(order)

    symbols = {name: sympy.Symbol(name, real=True) for name in order}
    builder = _Builder(text, symbols)
    expr = builder.build(tree).expr
    _check_result(expr, symbols)
    numbers = [token.text.lower() for token in tokens if token.kind is _Kind.NUMBER]
    decimals = any(not number.isdigit() for number in numbers)
    defined_where, domain_notes = lost_domains(expr, builder.restricted)
    notes = _notes(parser.functions_used, expr) + _root_note(expr) + domain_notes
    if parser.division_then_product is not None:
        notes += (_division_note(text, *parser.division_then_product),)
    if parser.power_then_factor is not None:
        notes += (_power_note(text, *parser.power_then_factor),)
    notes += tuple(parser.lookalike_notes)
    if _euler_outside_powers(tree):
        notes += (EULER_NOTE,)
    notes += _subscript_notes(parser.digit_named, order, parser.powered_names)
    return Formula(text=text, expr=expr, variables=order, name=header.name, notes=notes,
                   typed_terms=builder.typed_terms(tree), typed_sums=builder.typed_sums(tree), typed_decimals=decimals,
                   typed_arguments=tuple(builder.typed_arguments.values()), typed_relus=tuple(builder.typed_relus),
                   typed_products=tuple(dict.fromkeys(builder.typed_products)),
                   typed_e_powers=tuple(dict.fromkeys(builder.typed_e_powers)),
                   typed_log_bases=tuple(dict.fromkeys(builder.typed_log_bases)),
                   typed_quotients=tuple(dict.fromkeys(builder.typed_quotients)),
                   typed_scientific=any("e" in number for number in numbers), defined_where=defined_where)
