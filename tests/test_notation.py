"""Tests for the math notation printers: Unicode, LaTeX, Qt rich text, numbers and update equations."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz.core.calculus import Cases, differentiate
from gradviz.core.formula import parse_formula
from gradviz.core.notation import (
    CASES_AFTER_SPACE_PX,
    Spelling,
    format_number,
    format_number_apart,
    format_numbers_alike,
    format_numbers_apart,
    gradient_label,
    html_equation,
    html_math,
    latex_math,
    partial_label,
    round_to_resolution,
    second_partial_label,
    substituted_update,
    term_breaks,
    unicode_math,
    unicode_name,
)

x, y, w, w1, w2 = sympy.symbols("x y w w1 w2", real=True)
x_1 = sympy.Symbol("x_1", real=True)
theta = sympy.Symbol("theta", real=True)
theta_letter = sympy.Symbol("θ", real=True)

SEED_F = 3 * x**2 + 2 * x * y + y**3
SEED_G = x**2 * y + x * y**2
SEED_LOSS = (5 - w1 - 2 * w2) ** 2
RELU = sympy.Piecewise((0, x < 0), (x, True))

SEED_EXAMPLES = [
    (sympy.diff(SEED_F, x), "6x + 2y"),
    (sympy.diff(SEED_F, y), "2x + 3y²"),
    (sympy.diff(SEED_G, x), "2xy + y²"),
    (sympy.diff(SEED_G, y), "x² + 2xy"),
    (sympy.diff(SEED_LOSS, w1), "2w₁ + 4w₂ − 10"),
    (sympy.diff(SEED_LOSS, w2), "4w₁ + 8w₂ − 20"),
    (SEED_LOSS, "(5 − w₁ − 2w₂)²"),
    (sympy.Mul(-2, 5 - w1 - 2 * w2, evaluate=False), "−2(5 − w₁ − 2w₂)"),
]

NOTATION_EXAMPLES = [
    (5 - w1 - 2 * w2, "5 − w₁ − 2w₂"),
    (y - x, "y − x"),
    (-(x**2) - y**2, "−x² − y²"),
    (-x, "−x"),
    (sympy.Mul(-1, x + y, evaluate=False), "−(x + y)"),
    (sympy.Mul(2, 3, evaluate=False), "2·3"),
    (2 * x * sympy.sin(y), "2x·sin(y)"),
    (2 * sympy.sin(x), "2sin(x)"),
    (sympy.sin(x) * sympy.cos(y), "sin(x)·cos(y)"),
    (x * (x + 1), "x(x + 1)"),
    ((x + 1) * (y - 1), "(x + 1)(y − 1)"),
    (x**3 * y**-1, "x³/y"),
    (1 / x, "1/x"),
    (1 / x**2, "1/x²"),
    (x / (2 * y), "x/(2y)"),
    ((x + 1) / y, "(x + 1)/y"),
    (x / 2, "x/2"),
    (3 * x / 2, "3x/2"),
    (-x / 2, "−x/2"),
    (sympy.Rational(1, 2), "1/2"),
    (sympy.Rational(-3, 4), "−3/4"),
    (sympy.sqrt(x**2 + y**2), "√(x² + y²)"),
    (sympy.sqrt(x), "√x"),
    (sympy.exp(-(x**2) - y**2), "exp(−x² − y²)"),
    (sympy.exp(x), "exp(x)"),
    (sympy.exp(-x), "exp(−x)"),
    (sympy.exp(w1), "exp(w₁)"),
    (sympy.exp(2), "e²"),
    (sympy.pi * x**2, "πx²"),
    (sympy.Abs(x), "|x|"),
    (sympy.Abs(x) ** 3, "|x|³"),  # SymPy holds it as x²·|x|
    (x * sympy.Abs(x), "x·|x|"),
    (3 * sympy.Abs(x - y) ** 5 + y, "y + 3|x − y|⁵"),
    (sympy.Max(0, x), "max(0, x)"),
    (sympy.sign(x), "sign(x)"),
    (sympy.log(x), "ln(x)"),
    (sympy.sin(x) ** 2, "sin²(x)"),  # as textbooks (and the LaTeX) write it: it was sin(x)²
    (sympy.cos(x - y) ** 3 * sympy.tanh(x) ** 2, "cos³(x − y)·tanh²(x)"),
    (sympy.tan(x) ** 2 + 1, "1 + tan²(x)"),  # the identity's order, like 1 − tanh²(x): it was tan(x)² + 1
    (2 * x * (sympy.tan(x**2) ** 2 + 1), "2x(1 + tan²(x²))"),
    (sympy.log(x) ** 2, "ln(x)²"),  # only trigonometric and hyperbolic functions put the power first
    (y * x ** (y - 1), "y·x^(y − 1)"),  # it was x^(y − 1)·y
    ((y + 1) * x**y, "(y + 1)·x^y"),  # it was x^y·(y + 1)
    (x**y * sympy.log(x), "x^y·ln(x)"),
    (x**y, "x^y"),
    (x ** sympy.Rational(1, 3), "x^(1/3)"),
    (3 * 2**x, "3·2^x"),
    (sympy.Float(0.1) * x + sympy.Float(2.0), "0.1x + 2"),
    (sympy.Float(1.2e-7) * x, "1.2e−7·x"),
    (x_1**2 + theta, "θ + x₁²"),
    (theta_letter * w1, "w₁θ"),
    (sympy.Symbol("alpha_t", real=True), "α_t"),
    (sympy.Symbol("lr", real=True) * x, "lr·x"),
    (sympy.Integer(-3), "−3"),
    (sympy.oo, "∞"),
    (sympy.diff(RELU, x), "{0 if x < 0; 1 otherwise}"),
    (sympy.Piecewise((1, x > 0), (0, True)), "{1 if x > 0; 0 otherwise}"),
    (sympy.Piecewise((x, (x >= 0) & (y <= 1)), (0, True)), "{x if x ≥ 0 and y ≤ 1; 0 otherwise}"),
    # a comparison with 0 has the subtracted terms on the other side: it was x − y > 0
    (sympy.Piecewise((1, x - y > 0), (0, True)), "{1 if x > y; 0 otherwise}"),
    (sympy.Piecewise((1, sympy.Gt(y - x, 0, evaluate=False)), (0, True)), "{1 if x < y; 0 otherwise}"),
    (sympy.Piecewise((1, w1 * x + w - y > 0), (0, True)), "{1 if w + w₁x > y; 0 otherwise}"),
    (sympy.Piecewise((1, -x - y > 0), (0, True)), "{1 if x + y < 0; 0 otherwise}"),
    (sympy.diff(sympy.Max(0, x), x), "H(x)"),
]

ALL_EXAMPLES = SEED_EXAMPLES + NOTATION_EXAMPLES

ROUND_TRIP_EXAMPLES = [expr for expr, _ in SEED_EXAMPLES] + [
    5 - w1 - 2 * w2,
    y - x,
    x / 2 + 3 * y,
    2 * x * sympy.sin(y),
    sympy.sin(x) * sympy.cos(y),
    sympy.sin(x) ** 2 + sympy.cos(y) ** 3,
    x * (x + 1),
    x / (2 * y),
    (x + 1) / y,
    3 * x / 2,
    sympy.sqrt(x**2 + y**2),
    sympy.exp(-(x**2) - y**2),
    sympy.exp(x) + sympy.exp(2) * y,
    sympy.Max(0, x) + sympy.log(y),
]


@pytest.mark.parametrize(("expr", "expected"), ALL_EXAMPLES, ids=[text for _, text in ALL_EXAMPLES])
def test_unicode_math_prints_readable_math(expr: sympy.Expr, expected: str) -> None:
    text = unicode_math(expr)
    assert text == expected
    assert "-" not in text and "*" not in text


def test_printers_take_numbers_but_never_text() -> None:
    assert unicode_math(-2.5) == "−2.5"
    assert latex_math(3) == "3"
    with pytest.raises(TypeError, match="SymPy expression"):
        html_math("x")  # type: ignore[arg-type]


@pytest.mark.parametrize("expr", ROUND_TRIP_EXAMPLES, ids=str)
def test_unicode_math_reads_back_through_parse_formula(expr: sympy.Expr) -> None:
    text = unicode_math(expr)
    try:
        parsed = parse_formula(text).expr
    except NotImplementedError:
        pytest.skip("parse_formula is not implemented yet")
    as_real = {symbol: sympy.Symbol(symbol.name, real=True) for symbol in parsed.free_symbols}
    assert sympy.simplify(parsed.xreplace(as_real) - expr) == 0, text


@given(st.lists(st.tuples(st.integers(-9, 9), st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=5))
@settings(max_examples=40, deadline=None)
def test_unicode_polynomials_have_no_python_syntax(terms: list[tuple[int, int, int]]) -> None:
    polynomial = sum(coefficient * x**i * y**j for coefficient, i, j in terms)
    text = unicode_math(polynomial)
    assert not {"*", "-", "^"} & set(text)
    if any(term.as_coeff_Mul()[0] > 0 for term in sympy.Add.make_args(polynomial)):
        assert not text.startswith("−")


LATEX_EXAMPLES = [
    (sympy.diff(SEED_F, x), "6 x + 2 y"),
    (sympy.diff(SEED_LOSS, w1), "2 w_{1} + 4 w_{2} - 10"),
    (5 - w1 - 2 * w2, "5 - w_{1} - 2 w_{2}"),
    (theta * x_1, r"\theta x_{1}"),
    (theta_letter, r"\theta"),
    (sympy.Symbol("θ1", real=True), r"\theta_{1}"),
    (sympy.Max(0, x), r"\max\left(0, x\right)"),
    (sympy.Float(0.1) * x + sympy.Float(2.0), "0.1 x + 2"),
    (sympy.Float(1.2e-7) * x, r"1.2 \cdot 10^{-7} x"),
    # the textbook forms the Unicode and HTML print: SymPy wrote x^{y - 1} y, x^{y} \left(y + 1\right), 2^{x} y
    (y * x ** (y - 1), r"y x^{y - 1}"),
    (-y * x ** (y - 1) / (w + 1), r"- \frac{y x^{y - 1}}{w + 1}"),
    ((y + 1) * x**y, r"\left(y + 1\right) x^{y}"),
    (y * 2**x * sympy.log(2), r"y \cdot 2^{x} \ln{\left(2 \right)}"),
    (x**y * sympy.log(x), r"x^{y} \ln{\left(x \right)}"),
    (sympy.tan(x) ** 2 + 1, r"1 + \tan^{2}{\left(x \right)}"),
    (1 - sympy.tanh(x) ** 2, r"1 - \tanh^{2}{\left(x \right)}"),
    (2 * sympy.sin(x) * sympy.cos(x), r"2 \sin{\left(x \right)} \cos{\left(x \right)}"),
    (sympy.diff(sympy.Max(0, x), x), r"H\left(x\right)"),
    (x / 2, r"\frac{x}{2}"),
    # a cube root as the panel writes it, x^(1/3): it was \sqrt[3]{x}; a square root stays one
    (x ** sympy.Rational(1, 3), r"x^{\frac{1}{3}}"),
    (2 * x ** sympy.Rational(-1, 3), r"\frac{2}{x^{\frac{1}{3}}}"),
    (x ** sympy.Rational(-1, 3), r"\frac{1}{x^{\frac{1}{3}}}"),
    (sympy.sqrt(x), r"\sqrt{x}"),
]


@pytest.mark.parametrize(("expr", "expected"), LATEX_EXAMPLES, ids=[text for _, text in LATEX_EXAMPLES])
def test_latex_math_exact(expr: sympy.Expr, expected: str) -> None:
    assert latex_math(expr) == expected


def _assert_balanced_latex(tex: str) -> None:
    """Braces, \\left/\\right and \\begin/\\end pair up as LaTeX needs."""
    unescaped = tex.replace(r"\{", "").replace(r"\}", "")
    depth = 0
    for char in unescaped:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0, tex
    assert depth == 0, tex
    assert tex.count(r"\left") == tex.count(r"\right"), tex
    assert tex.count(r"\begin{") == tex.count(r"\end{"), tex


@pytest.mark.parametrize("expr", [expr for expr, _ in ALL_EXAMPLES], ids=[text for _, text in ALL_EXAMPLES])
def test_latex_math_is_balanced(expr: sympy.Expr) -> None:
    _assert_balanced_latex(latex_math(expr))


def test_latex_piecewise_is_cases() -> None:
    tex = latex_math(sympy.diff(RELU, x))
    assert tex.startswith(r"\begin{cases}") and r"\text{otherwise}" in tex
    # a row per case, in the panel's words and with its readable condition (SymPy wrote \text{for}\: x - y > 0)
    assert latex_math(sympy.Piecewise((2, x - y > 0), (-1, x - y < 0), (0, True))) == (
        r"\begin{cases} 2 & \text{if }x > y \\ -1 & \text{if }x < y \\ 0 & \text{otherwise} \end{cases}")


LABELS = [
    (partial_label, ("f", "x"), "∂f/∂x", r"\frac{\partial f}{\partial x}"),
    (partial_label, ("L", "w1"), "∂L/∂w₁", r"\frac{\partial L}{\partial w_{1}}"),
    (partial_label, ("J", "theta"), "∂J/∂θ", r"\frac{\partial J}{\partial \theta}"),
    (second_partial_label, ("f", "x", "x"), "∂²f/∂x²", r"\frac{\partial^{2} f}{\partial x^{2}}"),
    (second_partial_label, ("f", "x", "y"), "∂²f/∂x∂y", r"\frac{\partial^{2} f}{\partial x \partial y}"),
    (gradient_label, ("f",), "∇f", r"\nabla f"),
]


@pytest.mark.parametrize(
    ("label", "args", "unicode_text", "latex_text"), LABELS, ids=[row[2] for row in LABELS]
)
def test_labels_in_unicode_and_latex(
    label, args: tuple[str, ...], unicode_text: str, latex_text: str
) -> None:
    assert label(*args) == unicode_text
    assert label(*args, style="latex") == latex_text
    _assert_balanced_latex(latex_text)


def test_html_labels_stack_the_partial_fraction() -> None:
    stacked = partial_label("L", "w1", style="html")
    assert stacked.startswith("<table") and "∂<i>L</i>" in stacked and "∂<i>w</i><sub>1</sub>" in stacked
    assert "∂<sup>2</sup><i>f</i>" in second_partial_label("f", "y", "y", style="html")
    assert gradient_label("f", style="html") == "∇<i>f</i>"


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="style"):
        partial_label("f", "x", style="mathml")  # type: ignore[arg-type]


HTML_EXAMPLES = [
    (sympy.diff(SEED_F, x), "6<i>x</i> + 2<i>y</i>"),
    (sympy.diff(SEED_F, y), "2<i>x</i> + 3<i>y</i><sup>2</sup>"),
    (sympy.diff(SEED_LOSS, w1), "2<i>w</i><sub>1</sub> + 4<i>w</i><sub>2</sub> − 10"),
    (sympy.exp(-x), "e<sup>−<i>x</i></sup>"),
    (sympy.exp(-(x**2) - y**2), "exp(−<i>x</i><sup>2</sup> − <i>y</i><sup>2</sup>)"),
    (sympy.sqrt(x), '√<span style="text-decoration: overline"><i>x</i></span>'),
    (theta_letter * w1, "<i>w</i><sub>1</sub><i>θ</i>"),
    # in an exponent, where no table can go, cases stay on one line
    (sympy.exp(sympy.Piecewise((x, x > 0), (0, True))), "e<sup>{<i>x</i> if <i>x</i> &gt; 0; 0 otherwise}</sup>"),
    (sympy.sin(x) ** 2, "sin<sup>2</sup>(<i>x</i>)"),
    # a power in an exponent as a superscript in the superscript (Qt raises no <sup> in a <sup>): it was x^(y²)
    (x ** (y**2), "<i>x</i><sup><i>y</i>²</sup>"),
    (x ** (w1**2 - 1), "<i>x</i><sup><i>w</i>₁² − 1</sup>"),
    (2**w1, "2<sup><i>w</i>₁</sup>"),
]


@pytest.mark.parametrize(("expr", "expected"), HTML_EXAMPLES, ids=[text for _, text in HTML_EXAMPLES])
def test_html_math_inline(expr: sympy.Expr, expected: str) -> None:
    assert html_math(expr) == expected


def test_html_fractions_are_stacked_tables_with_inline_parts() -> None:
    markup = html_math(x / 2 + y / (x**2 + 1) - 1)
    assert markup.startswith("<table") and markup.count("border-bottom") == 2
    assert not [char for char in markup if unicodedata.category(char) == "Co"]  # no private-use leftovers
    # In an exponent a fraction stays on the line.
    assert html_math(x ** (y / 2)) == "<i>x</i><sup><i>y</i>/2</sup>"


@pytest.fixture
def render_html(qtbot):
    """Put HTML in a QLabel as rich text and return the label."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    def render(markup: str) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setText(markup)
        qtbot.addWidget(label)
        return label

    return render


def test_html_equations_render_in_qlabel(render_html, qtlog) -> None:
    from PySide6.QtCore import QtMsgType

    plain = render_html(html_math(sympy.diff(SEED_F, x))).sizeHint()
    assert 0 < plain.width() < 400 and 0 < plain.height() < 100
    for expr, _ in SEED_EXAMPLES:
        variable = sorted(expr.free_symbols, key=str)[0].name
        label = render_html(html_equation(partial_label("f", variable, style="html"), expr))
        hint = label.sizeHint()
        assert plain.height() * 1.5 < hint.height() < plain.height() * 4
        assert 0 < hint.width() < 1000
        assert not label.grab().isNull()
    assert not [record.message for record in qtlog.records if record.type != QtMsgType.QtDebugMsg]


def test_html_equation_layout_in_qt_document(qapp) -> None:
    from PySide6.QtGui import QTextDocument, QTextTable

    document = QTextDocument()
    document.setHtml(html_equation(partial_label("f", "x", style="html"), sympy.diff(SEED_F, x)))
    assert document.toPlainText().split() == ["∂f", "∂x", "=", "6x", "+", "2y"]
    tables = [frame for frame in document.rootFrame().childFrames() if isinstance(frame, QTextTable)]
    (row,) = tables
    assert (row.rows(), row.columns()) == (1, 2)
    fraction = next(frame for frame in row.childFrames() if isinstance(frame, QTextTable))
    assert (fraction.rows(), fraction.columns()) == (2, 1)
    assert fraction.cellAt(0, 0).format().toTableCellFormat().bottomBorder() > 0
    assert fraction.cellAt(1, 0).format().toTableCellFormat().bottomBorder() == 0


def test_html_cases_are_a_tall_brace_with_a_row_per_case(qapp) -> None:
    from PySide6.QtGui import QTextDocument, QTextTable

    markup = html_math(sympy.Piecewise((1, x - y > 0), (-x / 2, x - y < 0), (0, True)))
    assert markup.startswith("<table") and 'rowspan="3"' in markup
    document = QTextDocument()
    document.setHtml(markup)
    (cases,) = [frame for frame in document.rootFrame().childFrames() if isinstance(frame, QTextTable)]
    assert (cases.rows(), cases.columns()) == (3, 3)
    assert cases.cellAt(0, 0).rowSpan() == 3
    rows = [[cases.cellAt(row, column).firstCursorPosition().block().text() for column in (1, 2)] for row in range(3)]
    assert rows == [["1", "if x > y"], ["", "if x < y"], ["0", "otherwise"]]  # −x/2 is a stacked fraction
    fraction = cases.cellAt(1, 1)
    assert any(isinstance(frame, QTextTable) for frame in cases.childFrames()) and fraction.rowSpan() == 1


def test_html_cases_render_as_rows_under_one_brace(render_html) -> None:
    """max's partial read {1 if x > y; 0 otherwise} on one line: a textbook stacks the cases beside a tall brace."""
    from PySide6.QtGui import QImage

    label = render_html(html_math(sympy.Piecewise((1, x - y > 0), (0, True))))
    label.resize(label.sizeHint())
    image = label.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    ink = pixels[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[..., :3].max(axis=2) < 128
    ink_rows = np.flatnonzero(ink.any(axis=1))
    line = label.fontMetrics().lineSpacing()
    assert ink_rows[-1] - ink_rows[0] > 1.5 * line, "two rows of cases"
    columns = np.flatnonzero(ink.any(axis=0))
    brace_end = columns[np.flatnonzero(np.diff(columns) > 1)[0]]  # the first glyph: the brace
    brace_rows = np.flatnonzero(ink[:, columns[0]:brace_end + 1].any(axis=1))
    assert brace_rows[-1] - brace_rows[0] > 0.8 * (ink_rows[-1] - ink_rows[0]), "the brace reaches over both"
    one_line = render_html(unicode_math(sympy.Piecewise((1, x - y > 0), (0, True))))
    assert label.sizeHint().width() < 0.8 * one_line.sizeHint().width()


def _ink(label) -> np.ndarray:
    """Where a label's text is drawn: its dark pixels."""
    from PySide6.QtGui import QImage

    label.resize(label.sizeHint())
    image = label.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return pixels[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[..., :3].max(axis=2) < 128


def test_html_power_in_an_exponent_is_raised_above_the_exponent(render_html) -> None:
    """x^y^2 read x^(y²) on the line, caret and brackets; now the 2 sits up beside the raised y, as in a textbook."""
    nested = _ink(render_html(html_math(x ** (y**2))))
    plain = _ink(render_html(html_math(x**y)))
    caret = render_html(unicode_math(x ** (y**2)))
    nested_rows, plain_rows = np.flatnonzero(nested.any(axis=1)), np.flatnonzero(plain.any(axis=1))
    assert nested_rows[0] < plain_rows[0], "the 2 reaches above the y"
    assert nested.shape[1] < 0.8 * caret.sizeHint().width(), "no caret and brackets"


def test_html_term_after_cases_stands_apart_from_their_conditions(render_html) -> None:
    """{−1 if 1 − x > 2y; …} + y² read as 1 − x > 2y + y²: a term after the cases keeps clear of the last condition."""
    cases = sympy.Piecewise((1, x - y > 0), (0, True))
    ink = _ink(render_html(html_math(cases + y**2, Spelling(term_order=(cases, y**2)))))
    columns = np.flatnonzero(ink.any(axis=0))
    gaps = np.diff(columns)
    assert gaps.max() > CASES_AFTER_SPACE_PX, "a wide gap before the + y²"
    assert columns[np.argmax(gaps)] > 0.6 * columns[-1], "after the conditions, not inside the cases"
    alone = _ink(render_html(html_math(cases)))
    assert alone.shape[1] < ink.shape[1] - CASES_AFTER_SPACE_PX  # no space after cases that end the line


def test_html_equations_stack_when_concatenated(qapp) -> None:
    from PySide6.QtGui import QTextDocument

    lines = [html_equation("<i>f</i>(<i>x</i>, <i>y</i>)", SEED_F), html_equation("<i>g</i>", x / 2)]
    assert all(line.startswith("<table") for line in lines)
    document = QTextDocument()
    document.setHtml("".join(lines))
    text_lines = [line.strip() for line in document.toPlainText().splitlines() if line.strip()]
    assert text_lines == ["f(x, y) = 3x2 + 2xy + y3", "g =", "x", "2"]


NUMBERS = [
    (1.4, "1.4", "1.4"),
    (-0.6, "−0.6", "-0.6"),
    (-2.184, "−2.184", "-2.184"),
    (1.2e-7, "1.2e−7", "1.2e-7"),
    (10.0, "10", "10"),
    (14, "14", "14"),
    (0.1 + 0.2, "0.3", "0.3"),
    (-0.0, "0", "0"),
    (-4e-7, "−4e−7", "-4e-7"),
    (123456789.0, "1.23457e8", "1.23457e8"),
    (np.float64(-4.0), "−4", "-4"),
    (math.nan, "nan", "nan"),
    (math.inf, "∞", "inf"),
    (-math.inf, "−∞", "-inf"),
    (1e-320, "1e−320", "1e-320"),  # subnormal: to 6 digits its few bits read 9.99989e−321
    (-2.5e-315, "−2.5e−315", "-2.5e-315"),
    (5e-324, "5e−324", "5e-324"),
]


@pytest.mark.parametrize(("value", "shown", "ascii_text"), NUMBERS, ids=[row[2] for row in NUMBERS])
def test_format_number(value: float, shown: str, ascii_text: str) -> None:
    assert format_number(value) == shown
    assert format_number(value, ascii_minus=True) == ascii_text


@pytest.mark.parametrize(("value", "others", "shown"), [
    (1.0000001e12, (1e12,), "1.0000001e12"),  # beyond 1e12, though six digits name it 1e12
    (-1.0000000000001e12, (-1e12, 1e12), "−1000000000000.1"),
    (100000000000.001, (1e11,), "100000000000.001"),  # its decimals kept: rounded whole, it read 100000000000
    (2.5, (1e12, 2.5), "2.5"),  # unlike the others already (and itself among them)
])
def test_format_number_apart_adds_the_digits_that_tell_a_number_from_others(value: float, others: tuple[float, ...],
                                                                            shown: str) -> None:
    assert format_number_apart(value, others) == shown


def test_format_numbers_apart_writes_each_with_the_digits_that_tell_it_from_the_rest() -> None:
    """Log levels over x² + y² + 1000 near 0 each read 1000."""
    assert format_numbers_apart([1000.0, 1000.0001, 1000.0005, 2000.0]) == ["1000", "1000.0001", "1000.0005", "2000"]
    assert format_numbers_apart([-1.00001, 5.0], 4, ascii_minus=True) == ["-1", "5"]


def test_format_number_digits() -> None:
    assert format_number(math.pi, digits=3) == "3.14"
    assert format_number(2 / 3) == "0.666667"
    assert format_number(100008.53, digits=4) == "100009"  # whole, not 1e+05: that reads as another value
    assert format_number(9999.7, digits=4) == "10000"
    assert format_number(-1234567.0, digits=3) == "−1234567"
    assert format_number(123456789.0, digits=4) == "1.235e8"
    assert format_number(1000001.0, whole=False) == "1e6"  # exported tables keep to the significant digits
    with pytest.raises(ValueError, match="digits"):
        format_number(1.0, digits=0)


@given(st.floats(allow_nan=False))
@settings(max_examples=60, deadline=None)
def test_ascii_numbers_read_back(value: float) -> None:
    assert float(format_number(value, ascii_minus=True)) == pytest.approx(value, rel=1e-5)


UPDATES = [
    (("w1", 1, 0.1, -4, "correct", 1.4), "w₁ ← 1 − 0.1·(−4) = 1.4"),
    (("w2", 1, 0.1, -8, "correct", 1.8), "w₂ ← 1 − 0.1·(−8) = 1.8"),
    (("w", 0, 0.1, -6, "wrong", -0.6), "w ← 0 + 0.1·(−6) = −0.6"),
    (("x", -2.5, 0.01, 3.0, "correct", -2.53), "x ← −2.5 − 0.01·3 = −2.53"),
]


@pytest.mark.parametrize(("args", "expected"), UPDATES, ids=[text for _, text in UPDATES])
def test_substituted_update(args: tuple, expected: str) -> None:
    assert substituted_update(*args) == expected


def test_substituted_update_in_latex_and_html() -> None:
    assert substituted_update("w1", 1, 0.1, -4, "correct", 1.4, style="latex") == (
        r"w_{1} \leftarrow 1 - 0.1 \cdot (-4) = 1.4"
    )
    assert substituted_update("w", 0, 0.1, -6, "wrong", -0.6, style="latex") == (
        r"w \leftarrow 0 + 0.1 \cdot (-6) = -0.6"
    )
    assert substituted_update("w1", 1, 0.1, -4, "correct", 1.4, style="html") == (
        "<i>w</i><sub>1</sub> ← 1 − 0.1·(−4) = 1.4"
    )
    with pytest.raises(ValueError, match="sign"):
        substituted_update("w", 0, 0.1, -6, "backwards", -0.6)  # type: ignore[arg-type]


def test_names_print_as_unicode_math() -> None:
    assert [unicode_name(name) for name in ("w1", "theta", "x_2", "f")] == ["w₁", "θ", "x₂", "f"]


def test_a_runs_message_calls_the_function_by_its_name() -> None:
    from gradviz.core.notation import for_function

    assert for_function("converged at step 1 (|∇f| = 0 < 1e-06): a minimum", "L") == (
        "converged at step 1 (|∇L| = 0 < 1e-06): a minimum")
    assert for_function("diverged at step 6: f grew as the wrong sign climbed, to 3.65e15", "loss") == (
        "diverged at step 6: loss grew as the wrong sign climbed, to 3.65e15")
    assert for_function("f overflowed", "L") == "L overflowed"  # not 'Loverflowed' nor 'overLlowed'
    assert for_function("Newton's step H⁻¹∇f is undefined (inf)", "g") == "Newton's step H⁻¹∇g is undefined (inf)"


def test_an_or_inside_an_and_is_bracketed_in_the_panel_and_in_latex() -> None:
    """min(x, y, x + y)'s ∂f/∂x read "1 if y > 0 or x < 0 and y > 0 or …": read as 'and' first, it held at (2, 1),
    where the partial is 0."""
    condition = sympy.And(sympy.Or(y > 0, x < 0), sympy.Or(x < y, y < 0))
    case = sympy.Piecewise((1, condition), (0, True))
    assert unicode_math(case) == "{1 if (y > 0 or x < 0) and (x < y or y < 0); 0 otherwise}"
    latex = latex_math(case)
    assert r"(y > 0\text{ or }x < 0)\text{ and }(x < y\text{ or }y < 0)" in latex and r"\vee" not in latex


def printed_partials(text: str, printer: Callable[[sympy.Expr, Spelling], str] = unicode_math) -> list[str]:
    """Each partial of the formula typed as text, printed in its spelling."""
    derivatives = differentiate(parse_formula(text))
    return [printer(partial, derivatives.partial_spelling(index)) for index, partial in enumerate(derivatives.partials)]


@pytest.mark.parametrize(("text", "printed"), [
    ("min(x, y, x + y)", ["{1 if x < y and y > 0; 1 if y ≤ 0 and x ≤ 0; 0 otherwise}",
                          "{1 if y ≤ x and x > 0; 1 if y ≤ 0 and x ≤ 0; 0 otherwise}"]),
    ("max(x + 2y, x + y)", ["1", "{2 if y ≥ 0; 1 otherwise}"]),
    # a min's tie goes to the argument typed last: x − y ≤ x + y is y ≥ 0, x − y < x + y is y > 0
    ("min(x + y, x - y)", ["1", "{−1 if y ≥ 0; 1 otherwise}"]),
    ("min(x - y, x + y)", ["1", "{−1 if y > 0; 1 otherwise}"]),
    ("max(x + y, x + z)", ["1", "{1 if y ≥ z; 0 otherwise}", "{1 if z > y; 0 otherwise}"]),
    ("max(x, 2y, 1 - x)", ["{1 if x ≥ 2y and x ≥ 1 − x; −1 if 1 − x > x and 1 − x > 2y; 0 otherwise}",
                           "{2 if 2y > x and 2y ≥ 1 − x; 0 otherwise}"]),  # sides with no term in common: as typed
])
def test_a_max_or_min_condition_cancels_the_terms_both_its_sides_have(text: str, printed: list[str]) -> None:
    """min(x, y, x + y)'s ∂f/∂x read 'x < x + y' and 'x + y ≤ x' where a student writes y > 0 and y ≤ 0."""
    assert printed_partials(text) == printed


def test_a_condition_with_its_common_terms_cancelled_reads_so_in_latex_and_in_the_panel() -> None:
    latex = printed_partials("min(x, y, x + y)", latex_math)[0]
    assert latex == (r"\begin{cases} 1 & \text{if }x < y\text{ and }y > 0 \\ 1 & \text{if }y \leq 0\text{ and }"
                     r"x \leq 0 \\ 0 & \text{otherwise} \end{cases}")
    html = printed_partials("min(x, y, x + y)", html_math)[0]
    assert "if <i>x</i> &lt; <i>y</i> and <i>y</i> &gt; 0<" in html and "<i>x</i> + <i>y</i>" not in html


@pytest.mark.parametrize(("text", "printed"), [
    ("max(x, y) + min(x, y)", ["1", "1"]),  # x + y
    ("max(x, y) + min(x, y) + x", ["2", "1"]),
    ("max(x, y) min(x, y)", ["y", "x"]),  # xy
    ("min(y, x) + max(y, x)", ["1", "1"]),
    ("max(x, y) + min(x, y) + relu(x)", ["1 + {1 if x > 0; 0 otherwise}", "1"]),
])
def test_cases_with_one_value_wherever_they_hold_print_as_that_value(text: str, printed: list[str]) -> None:
    """max(x, y) + min(x, y), which is x + y, had ∂f/∂x = {1 if x ≥ y; 1 if y > x; 0 otherwise}: right, but a student
    expects 1. Its 'otherwise' never holds: x ≥ y or y > x everywhere."""
    assert printed_partials(text) == printed
    assert printed_partials(text, latex_math)[-1] == printed[-1]
    assert printed_partials(text, html_math)[-1] == (f"<i>{printed[-1]}</i>" if printed[-1].isalpha() else printed[-1])


@pytest.mark.parametrize(("text", "printed", "at_ties"), [
    ("max(x, y) - min(y, x)", ["{1 if x ≥ y; −1 if y > x}", "{−1 if x ≥ y; 1 if y > x}"], 1),
    ("2max(x, y) + 3min(x, y)", ["{2 if x ≥ y; 3 if y > x}", "{3 if x ≥ y; 2 if y > x}"], 2),
    ("max(x, y)", ["{1 if x ≥ y; 0 otherwise}", "{1 if y > x; 0 otherwise}"], 1),  # y > x fails on x ≥ y: it holds
    # max's and min's cases and abs's sign(x − y) as one brace: x > y, y > x or x = y everywhere
    ("max(x, y) - min(x, y) + abs(x - y)", ["{−2 if y > x; 2 if x > y; 1 if x = y}",
                                            "{−2 if x > y; 2 if y > x; −1 if x = y}"], 1),
])
def test_cases_print_no_otherwise_that_never_holds(text: str, printed: list[str], at_ties: int) -> None:
    """max(x, y) − min(y, x) printed ∂f/∂x = {1 if x ≥ y; −1 if y > x; 0 otherwise}: x ≥ y or y > x everywhere, so 0
    is never its value. What is evaluated keeps its rows."""
    assert printed_partials(text) == printed
    latex = printed_partials(text, latex_math)[0]
    assert ("otherwise" in latex) == ("otherwise" in printed[0]) and latex.count("&") == printed[0].count(";") + 1
    assert ("otherwise" in printed_partials(text, html_math)[0]) == ("otherwise" in printed[0])
    evaluated = differentiate(parse_formula(text)).partials[0]
    assert evaluated.args[-1].cond is sympy.true and evaluated.subs({x: y}) == at_ties, "computed: its rows kept"


def test_cases_on_each_side_of_one_difference_and_where_it_is_0_print_no_otherwise() -> None:
    """2 if x > y, −2 if y > x, 1 if x = y: one of them holds everywhere, so 'otherwise' is never printed; with the
    tie or a side missing it holds somewhere."""
    on_each_side = sympy.Piecewise((2, x > y), (-2, x < y), (1, sympy.Eq(x - y, 0)), (0, True))
    assert unicode_math(on_each_side) == "{2 if x > y; −2 if x < y; 1 if x = y}"
    assert latex_math(on_each_side).endswith(r"1 & \text{if }x = y \end{cases}")
    assert unicode_math(sympy.Piecewise((2, x > y), (-2, x < y), (0, True))) == "{2 if x > y; −2 if x < y; 0 otherwise}"
    assert unicode_math(sympy.Piecewise((2, x >= y), (1, sympy.Eq(x - y, 0)), (0, True))).endswith("0 otherwise}")
    assert unicode_math(Cases((2, x > y), (-2, w < y), (1, sympy.Eq(x - y, 0)), (0, True))).endswith("0 otherwise}")


def test_cases_of_one_value_print_in_rows_where_their_otherwise_can_hold() -> None:
    """Rows of one value print as they are where the 'otherwise' after them holds somewhere: on x = y for two strict
    comparisons, at x = y = z for three ties that each go to another argument, and where an argument has no row."""
    z = sympy.Symbol("z", real=True)
    of_max = Spelling(arguments=(("max", (x, y, z)), ("max", (x, y))))
    strict = Cases((1, x > y), (1, y > x), (0, True))
    assert unicode_math(strict, of_max) == "{1 if x > y; 1 if y > x; 0 otherwise}"
    assert unicode_math(Cases((1, x >= y), (1, y > x), (0, True)), of_max) == "1"
    in_a_ring = Cases((1, sympy.And(x >= y, x > z)), (1, sympy.And(y > x, y >= z)), (1, sympy.And(z >= x, z > y)),
                      (0, True))  # each tie of two has an argument its condition holds for, x = y = z has none
    assert unicode_math(in_a_ring, of_max) == ("{1 if x ≥ y and x > z; 1 if y > x and y ≥ z; 1 if z ≥ x and z > y;"
                                               " 0 otherwise}")
    in_order = Cases((1, sympy.And(x >= y, x >= z)), (1, sympy.And(y > x, y >= z)), (1, sympy.And(z > x, z > y)),
                     (0, True))
    assert unicode_math(in_order, of_max) == "1"
    assert unicode_math(in_order).endswith("0 otherwise}")  # no max typed: nothing tells its rows hold everywhere
    assert printed_partials("min(x, y, x + y)")[0] == "{1 if x < y and y > 0; 1 if y ≤ 0 and x ≤ 0; 0 otherwise}"


def test_an_equations_line_may_break_before_its_terms_never_within_a_power_or_bars(qapp) -> None:
    """Beale's ∂f/∂x ran past the panel's edge at 1093 pixels: a row may break before the + and − between its terms
    (those within brackets deeper), never in a power, |…| or a fraction; a further line is a row of the equation's
    table, in the column right of ' = ', so that the name stays beside the first line."""
    from PySide6.QtGui import QTextCursor, QTextDocument, QTextTable

    def cell_text(table: QTextTable, line: int, column: int) -> str:
        cell = table.cellAt(line, column)
        cursor = cell.firstCursorPosition()
        cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText().replace("\ufdd0", "").replace("\ufdd1", "")  # less the frames' marks

    x, y = sympy.symbols("x y", real=True)
    f = 100 * (y - x**2) ** 2 - sympy.exp(x - y) + sympy.Abs(x - y) / 2
    breaks = term_breaks(html_equation("<i>f</i>(<i>x</i>, <i>y</i>)", f))
    assert [(breaks.row[place.at:place.at + 2], place.depth) for place in breaks.places] == [
        (" −", 1), (" −", 0), (" +", 0)], "in 100(y − x²)², before − eˣ⁻ʸ and before + |x − y|/2"
    document = QTextDocument()
    document.setHtml(breaks.broken_at(breaks.places[1:]))
    (table,) = document.rootFrame().childFrames()
    assert isinstance(table, QTextTable) and table.rows() == 3
    lines = [[cell_text(table, line, column) for column in range(table.columns())] for line in range(3)]
    assert [line[0] for line in lines] == ["f(x, y)", "", ""], "f's name beside its first line alone"
    assert lines[0][-1] == "100(y − x2)2" and lines[1][-1] == "− ex − y" and lines[2][-1] == "+ |x − y|2"

    partial = term_breaks(html_equation(partial_label("f", "x", "html"), sympy.diff(f, x)))
    between_terms = [place for place in partial.places if not place.depth]
    document.setHtml(partial.broken_at(between_terms))
    (table,) = document.rootFrame().childFrames()
    assert table.rows() == len(between_terms) + 1 == 3
    assert [cell_text(table, line, 0) for line in range(3)] == ["∂f∂x", "", ""]
    assert all(cell_text(table, line, table.columns() - 1).startswith("− ") for line in (1, 2))


@pytest.mark.parametrize(("values", "digits", "expected"), [
    ((-0.955336489125606, -0.955336489), 10, ["−0.9553364891", "−0.9553364890"]),  # the trailing 0 kept: read alike
    ((485165195.41, 485165199.0), 9, ["485165195", "485165199"]),
    ((485165195.41, 485165199.0), 6, ["4.85165e8", "4.85165e8"]),  # one power of ten, not 485165195 beside 4.85e8
    ((1.0, 1.001358), 3, ["1", "1"]),  # zeros every one ends in dropped
    ((100000.0, 84147.1), 2, ["100000", "80000"]),
    ((1.2e-7, 1.25e-7), 3, ["1.20e−7", "1.25e−7"]),
    ((9.9996, 9.9994), 4, ["10", "10"]),  # rounded up past a power of ten
    ((0.0, -0.0), 3, ["0", "0"]),
    ((-1e-9, 3.0), 2, ["0", "3"]),  # −0.0 is 0
])
def test_numbers_written_alike_share_a_decimal_place_and_a_notation(values, digits: int, expected: list[str]) -> None:
    assert format_numbers_alike(values, digits) == expected


def test_plain_text_breaks_only_outside_brackets_where_asked() -> None:
    from gradviz.core.notation import NO_BREAK_SPACE, breakable_only_at, terms_kept_whole

    breaks = terms_kept_whole("f ≈ 1.97 − 3.9(x + 0.99) + 2(y − 1)").split(" ")
    assert [part.replace(NO_BREAK_SPACE, " ") for part in breaks] == ["f ≈ 1.97", "− 3.9(x + 0.99)", "+ 2(y − 1)"]
    title = breakable_only_at("1. Adam (β₁ = 0.8, β₂ = 0.99), η = 0.1 · wrong sign", after=(",", "·"))
    assert [part.replace(NO_BREAK_SPACE, " ") for part in title.split(" ")] == [
        "1. Adam (β₁ = 0.8, β₂ = 0.99),", "η = 0.1 ·", "wrong sign"]


@pytest.mark.parametrize(("value", "resolution", "rounded"), [
    (0.501859, 0.0083, 0.502), (-1.23217, 0.02, -1.23), (1234.5, 50.0, 1230.0), (0.25, 1.0, 0.0),
    (3.0, 0.0, 3.0), (3.14159, float("nan"), 3.14159), (float("inf"), 0.01, float("inf")),
])
def test_a_pointer_s_value_is_kept_to_the_decimal_place_of_its_pixel(value, resolution, rounded) -> None:
    assert round_to_resolution(value, resolution) == rounded
