"""f and its partials read as the formula was typed: its terms in the typed order, decimals if typed so."""

from __future__ import annotations

import pytest
import sympy

from gradviz.core.analysis import analyze_in_process
from gradviz.core.formula import parse_formula
from gradviz.core.notation import AS_COMPUTED, Spelling, html_math, latex_equations, short_decimal, unicode_math

x, y = sympy.symbols("x y", real=True)


def shown(text: str) -> list[str]:
    """f and each partial of the typed formula, as the formula panel and `gradviz derive` print them."""
    analysis = analyze_in_process(text)
    formula, derivatives = analysis.formula, analysis.derivatives
    partials = [unicode_math(partial, derivatives.partial_spelling(index))
                for index, partial in enumerate(derivatives.partials)]
    return [unicode_math(formula.expr, formula.spelling), *partials]


@pytest.mark.parametrize(("text", "expected"), [
    ("2.1x^2 + 0.5y^2", ["2.1x² + 0.5y²", "4.2x", "y"]),
    ("1.5*sin(x) + 0.3y", ["1.5sin(x) + 0.3y", "1.5cos(x)", "0.3"]),
    ("y^3 + 2xy + 3x^2", ["y³ + 2xy + 3x²", "2y + 6x", "3y² + 2x"]),
    ("(1 - x)^2 + 100(y - x^2)^2", ["(1 − x)² + 100(y − x²)²", "−2(1 − x) − 400x(y − x²)", "200(y − x²)"]),
    ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
     ["(x² + y − 11)² + (x + y² − 7)²", "4x(x² + y − 11) + 2(x + y² − 7)", "2(x² + y − 11) + 4y(x + y² − 7)"]),
    ("x^1.5 + 2.5^y", ["x^1.5 + 2.5^y", "1.5√x", "2.5^y·ln(2.5)"]),
    ("(1.5 - x + x y)^2 + y", ["(1.5 − x + xy)² + y", "2(y − 1)(1.5 − x + xy)", "2x(1.5 − x + xy) + 1"]),
    ("x/3 + y^2/2", ["x/3 + y²/2", "1/3", "y"]),  # typed as fractions: fractions
    ("(x + y)(x - y)", ["(x + y)(x − y)", "2x", "−2y"]),  # the chain rule's factors kept only where nothing
    ("(x + y)(x + 2y)", ["(x + y)(x + 2y)", "2x + 3y", "3x + 4y"]),  # cancels: x − y − (x + y) was shown
    ("0.001x^2 + y^2/1024", ["0.001x² + y²/1024", "0.002x", "y/512"]),  # 1/1024 = 0.0009765625: too long
    # a fraction common to the terms is not taken out in front: 0.04(35y·cos(2xy) − 12x·exp(−x² − y²)) was shown;
    # the terms come as f's were typed, the negative one first (it was moved behind: 1.4y·cos(2xy) − 0.48x·exp(…))
    ("0.24exp(-x^2-y^2) + 0.7sin(2x y)", ["0.24exp(−x² − y²) + 0.7sin(2xy)", "−0.48x·exp(−x² − y²) + 1.4y·cos(2xy)",
                                          "−0.48y·exp(−x² − y²) + 1.4x·cos(2xy)"]),
    ("sin(x)/2 + x exp(y)/3", ["sin(x)/2 + x·exp(y)/3", "cos(x)/2 + exp(y)/3", "x·exp(y)/3"]),
    ("0.240891x + 0.900875x + y^2", ["1.141766x + y²", "1.141766", "2y"]),  # not 570883x/500000
    # a partial that is f's own bracket keeps its typed order: ∂f/∂b was b + wx − y
    ("0.5(w x + b - y)^2", ["0.5(wx + b − y)²", "x(wx + b − y)", "wx + b − y", "w(wx + b − y)", "−(wx + b − y)"]),
    ("(w x + b - y)^2/2 + b^2",  # b + 2b combine in the place b was typed
     ["(wx + b − y)²/2 + b²", "x(wx + b − y)", "wx + 3b − y", "w(wx + b − y)", "−(wx + b − y)"]),
    ("3 - 2x + 5 + x^2", ["8 − 2x + x²", "−2 + 2x"]),  # term by term as typed (it was 2x − 2)
    # a first term that is negative stays first: the l1 penalty's ∂L/∂w₁ was 3sign(w₁) − 2(5 − w₁ − 2w₂)
    ("L(w1, w2) = (5 - w1 - 2w2)^2 + 3(|w1| + |w2|)", ["(5 − w₁ − 2w₂)² + 3|w₁| + 3|w₂|",
                                                       "−2(5 − w₁ − 2w₂) + 3sign(w₁)", "−4(5 − w₁ − 2w₂) + 3sign(w₂)"]),
    ("-x^2 + y", ["−x² + y", "−2x", "1"]),  # f as typed: it was y − x²
    # typed as sigmoid: σ and σ′ = σ(1 − σ) so, not 1/(1 + exp(−x)) and exp(−x)/(1 + exp(−x))²
    ("sigmoid(x)", ["sigmoid(x)", "sigmoid(x)·(1 − sigmoid(x))"]),
    ("sigmoid(x y)", ["sigmoid(xy)", "y·sigmoid(xy)·(1 − sigmoid(xy))", "x·sigmoid(xy)·(1 − sigmoid(xy))"]),
    ("sigmoid(w x + b)", ["sigmoid(wx + b)", "x·sigmoid(wx + b)·(1 − sigmoid(wx + b))",
                          "sigmoid(wx + b)·(1 − sigmoid(wx + b))", "w·sigmoid(wx + b)·(1 − sigmoid(wx + b))"]),
    # the quotient typed: kept so, its one exponent one way (−x − y as typed, not −(x + y)); typed e^: e^, not exp
    ("1/(1 + e^(-x - y))", ["1/(1 + e^(−x − y))", "e^(−x − y)/(1 + e^(−x − y))²",
                            "e^(−x − y)/(1 + e^(−x − y))²"]),
    ("softplus(x + y)", ["softplus(x + y)", "sigmoid(x + y)", "sigmoid(x + y)"]),  # softplus′ is the sigmoid
    # sec, csc and cot as typed, their derivatives as textbooks write them (SymPy's y·sin(x)/cos²(x), −cos(x)/sin²(x))
    ("y sec(x)", ["y·sec(x)", "y·tan(x)·sec(x)", "sec(x)"]),
    ("sec(x)^2", ["sec²(x)", "2tan(x)·sec²(x)"]),
    ("csc(x) + cot(y)", ["csc(x) + cot(y)", "−csc(x)·cot(x)", "−1 − cot²(y)"]),
    ("sec(x) + 1/cos(x)", ["2sec(x)", "2tan(x)·sec(x)"]),  # SymPy's sum of the two: one secant
])
def test_f_and_partials_read_as_typed(text: str, expected: list[str]) -> None:
    assert shown(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a product's factors as typed: they were in SymPy's order, y·exp(−x²), y·2^x, sin(y)·cos(x); the chain rule's
    # factors in the place of the one they came from: they were −2xy·exp(−x²) and y·2^x·ln(2)
    ("exp(-x^2)*y", ["exp(−x²)·y", "−2x·exp(−x²)·y", "exp(−x²)"]),
    ("2^x y", ["2^x·y", "2^x·ln(2)·y", "2^x"]),
    ("cos(x) sin(y)", ["cos(x)·sin(y)", "−sin(x)·sin(y)", "cos(x)·cos(y)"]),
    ("sin(y) e^x", ["sin(y)·e^x", "sin(y)·e^x", "cos(y)·e^x"]),  # ∂f/∂x has f's factors: in their typed order
    ("y x^2", ["yx²", "2xy", "x²"]),
    ("-3 y x / z", ["−3yx/z", "−3y/z", "−3x/z", "3xy/z²"]),
    # e^u typed so is e with a superscript, as the tutorials write it: it was exp(−x² − y²)
    ("e^(-x^2-y^2)", ["e^(−x² − y²)", "−2x·e^(−x² − y²)", "−2y·e^(−x² − y²)"]),
    ("x e^(-x^2 - y^2)", ["x·e^(−x² − y²)", "(1 − 2x²)·e^(−x² − y²)", "−2xy·e^(−x² − y²)"]),
    ("e^x + exp(y)", ["e^x + exp(y)", "e^x", "exp(y)"]),  # each as typed
])
def test_factors_and_powers_of_e_read_as_typed(text: str, expected: list[str]) -> None:
    assert shown(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("exp(-x^2)*y", ["f(x, y) = e^{- x^{2}} y", r"\frac{\partial f}{\partial x} = - 2 x e^{- x^{2}} y",
                     r"\frac{\partial f}{\partial y} = e^{- x^{2}}"]),
    ("2^x y", ["f(x, y) = 2^{x} y", r"\frac{\partial f}{\partial x} = 2^{x} \ln{\left(2 \right)} y",
               r"\frac{\partial f}{\partial y} = 2^{x}"]),
    ("2.1x^2 + 0.5|y|^3", [r"f(x, y) = 2.1 x^{2} + 0.5 \left|{y}\right|^{3}", r"\frac{\partial f}{\partial x} = 4.2 x",
                           r"\frac{\partial f}{\partial y} = 1.5 y \left|{y}\right|"]),  # no brackets round y|y|
    ("0.5 x log10(y)", [r"f(x, y) = 0.5 x \log_{10}{\left(y \right)}",
                        r"\frac{\partial f}{\partial x} = 0.5 \log_{10}{\left(y \right)}",
                        r"\frac{\partial f}{\partial y} = \frac{0.5 x}{y \ln{\left(10 \right)}}"]),  # not over ln(10)
])
def test_latex_writes_the_factors_as_typed(text: str, expected: list[str]) -> None:
    """Copy as LaTeX wrote y e^{- x^{2}} and y·2^{x} for f, as the panel did."""
    assert list(latex_equations(analyze_in_process(text).derivatives)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # f as typed, the partials as a textbook writes them: f read ln(xy)/ln(10) and ln(x)/ln(2)
    ("log10(x y)", ["log₁₀(xy)", "1/(x·ln(10))", "1/(y·ln(10))"]),
    ("log2(x)", ["log₂(x)", "1/(x·ln(2))"]),
    ("y log10(x) + 3log2(y)", ["y·log₁₀(x) + 3log₂(y)", "y/(x·ln(10))", "log₁₀(x) + 3/(y·ln(2))"]),
    ("log10(x) log10(y)", ["log₁₀(x)·log₁₀(y)", "log₁₀(y)/(x·ln(10))", "log₁₀(x)/(y·ln(10))"]),
    ("log10(x)^2 + y", ["log₁₀(x)² + y", "2log₁₀(x)/(x·ln(10))", "1"]),  # one ln(10) of the two left over
    ("ln(x) + log10(x) + y", ["ln(x) + log₁₀(x) + y", "1/x + 1/(x·ln(10))", "1"]),  # each as typed
    ("x^log10(y)", ["x^log₁₀(y)", "x^(log₁₀(y) − 1)·log₁₀(y)", "x^log₁₀(y)·ln(x)/(y·ln(10))"]),
    # powers of ten as a textbook prints them, in f and its partials: it was 10000000000x² + y²/10000000000
    ("1e10 x^2 + 1e-10 y^2", ["10¹⁰x² + 10⁻¹⁰y²", "2·10¹⁰x", "2·10⁻¹⁰y"]),
    ("1e-6 x + y", ["10⁻⁶x + y", "10⁻⁶", "1"]),  # it was 0.000001x
    ("1.5e8 x y", ["1.5·10⁸xy", "1.5·10⁸y", "1.5·10⁸x"]),
    ("-2.5e-7 x^2 + 123456 y", ["−2.5·10⁻⁷x² + 123456y", "−5·10⁻⁷x", "123456"]),  # no zeros to spare in 123456
    ("1e3 x + 1e-3 y", ["1000x + 0.001y", "1000", "0.001"]),  # a few zeros read at a glance
    ("1e4 x + 1e-4 y", ["10⁴x + 10⁻⁴y", "10⁴", "10⁻⁴"]),  # four zeros either way: 10000 and 0.0001
    ("1.5e4 x + 1.5e-4 y", ["15000x + 1.5·10⁻⁴y", "15000", "1.5·10⁻⁴"]),  # three zeros in 15000, four in 0.00015
    ("1.2345678e-4 x + y", ["1.23457·10⁻⁴x + y", "1.23457·10⁻⁴", "1"]),  # a float by the zeros of 0.000123457
    ("1e-10 y^2/3 + x", ["y²/(3·10¹⁰) + x", "1", "y/(1.5·10¹⁰)"]),
    ("x^2 - 1e-6/x", ["x² − 10⁻⁶/x", "2x + 10⁻⁶/x²"]),
    ("(1e10)^x + y", ["(10¹⁰)^x + y", "(10¹⁰)^x·ln(10¹⁰)", "1"]),
    ("x^(1e-6) + y", ["x^(10⁻⁶) + y", "10⁻⁶x^(−0.999999)", "1"]),  # x^10⁻⁶ would read as x^10 times 10⁻⁶
    ("1.2345678e-9 x + y", ["1.23457·10⁻⁹x + y", "1.23457·10⁻⁹", "1"]),  # a float to its shown digits: not 1.23457e−9·x
    ("100000x + 0.00001y", ["100000x + 0.00001y", "100000", "0.00001"]),  # typed without an exponent: as typed
])
def test_logarithms_to_a_base_and_powers_of_ten_read_as_typed(text: str, expected: list[str]) -> None:
    assert shown(text) == expected


def test_latex_and_html_write_a_logarithm_to_a_base_as_typed() -> None:
    """Copy as LaTeX wrote \\frac{\\ln{…}}{\\ln{\\left(10 \\right)}} for log10(x y); the panel ln(xy) over ln(10)."""
    analysis = analyze_in_process("log10(x y) + log2(y)^2")
    assert list(latex_equations(analysis.derivatives)) == [
        r"f(x, y) = \log_{10}{\left(x y \right)} + \log_{2}^{2}{\left(y \right)}",
        r"\frac{\partial f}{\partial x} = \frac{1}{x \ln{\left(10 \right)}}",
        r"\frac{\partial f}{\partial y} = \frac{1}{y \ln{\left(10 \right)}} + \frac{2 \log_{2}{\left(y \right)}}"
        r"{y \ln{\left(2 \right)}}"]
    formula = analysis.formula
    assert html_math(formula.expr, formula.spelling) == ("log<sub>10</sub>(<i>x</i><i>y</i>) + "
                                                         "log<sub>2</sub>(<i>y</i>)<sup>2</sup>")


def test_latex_and_html_write_powers_of_ten_as_the_panel_does() -> None:
    analysis = analyze_in_process("1e10 x^2 + 1e-10 y^2 - 1e-6/x")
    assert list(latex_equations(analysis.derivatives)) == [
        r"f(x, y) = 10^{10} x^{2} + 10^{-10} y^{2} - \frac{10^{-6}}{x}",
        r"\frac{\partial f}{\partial x} = 2 \cdot 10^{10} x + \frac{10^{-6}}{x^{2}}",
        r"\frac{\partial f}{\partial y} = 2 \cdot 10^{-10} y"]
    assert list(latex_equations(analyze_in_process("1e10 x/3 + (1e10)^y").derivatives)) == [
        r"f(x, y) = \frac{10^{10} x}{3} + \left(10^{10}\right)^{y}",
        r"\frac{\partial f}{\partial x} = \frac{10^{10}}{3}",
        r"\frac{\partial f}{\partial y} = \left(10^{10}\right)^{y} \ln{\left(10^{10} \right)}"]
    formula = analyze_in_process("1e10 x^2 + 1e-10 y^2").formula
    assert html_math(formula.expr, formula.spelling) == ("10<sup>10</sup><i>x</i><sup>2</sup> + "
                                                         "10<sup>−10</sup><i>y</i><sup>2</sup>")


def test_html_writes_a_typed_power_of_e_with_a_superscript() -> None:
    """The panel wrote exp(−x² − y²) for a typed e^(−x² − y²): a superscript in a superscript does not rise in Qt,
    so the exponent's powers are superscript digits."""
    formula = analyze_in_process("e^(-x^2-y^2)").formula
    assert html_math(formula.expr, formula.spelling).count("<sup>−<i>x</i>² − <i>y</i>²</sup>") == 1
    typed_exp = analyze_in_process("exp(-x^2-y^2)").formula
    assert "exp(" in html_math(typed_exp.expr, typed_exp.spelling)


@pytest.mark.parametrize(("text", "expected"), [
    ("x^y", ["x^y", "y·x^(y − 1)", "x^y·ln(x)"]),  # it was x^y·y/x
    ("x^(y + 1)", ["x^(y + 1)", "(y + 1)·x^y", "x^(y + 1)·ln(x)"]),  # it was x^(y + 1)·(y + 1)/x, then x^y·(y + 1)
    ("(x + 1)^2*2^y", ["(x + 1)²·2^y", "2(x + 1)·2^y", "(x + 1)²·2^y·ln(2)"]),  # it was (x + 1)·2^(y + 1)
    ("tan(x) + y", ["tan(x) + y", "1 + tan²(x)", "1"]),  # it was tan(x)² + 1
    ("tan(x y)", ["tan(xy)", "y(1 + tan²(xy))", "x(1 + tan²(xy))"]),
    ("tanh(x) + y", ["tanh(x) + y", "1 − tanh²(x)", "1"]),  # the same order as tan's
    ("sin(x)^2 + y", ["sin²(x) + y", "2sin(x)·cos(x)", "1"]),
    # each case compares its own argument with the other, as max(x, y, z)'s do: y's read x < y (x − y > 0, x − y < 0)
    ("max(x, y)", ["max(x, y)", "{1 if x ≥ y; 0 otherwise}", "{1 if y > x; 0 otherwise}"]),
    ("min(x, y)", ["min(x, y)", "{1 if x < y; 0 otherwise}", "{1 if y ≤ x; 0 otherwise}"]),  # y's read x > y
    # a relu typed in a max stays one: it read max(0, x, y), as SymPy merges them
    ("max(relu(x), y)", ["max(relu(x), y)", "{1 if x > 0 and x ≥ y; 0 otherwise}",
                         "{1 if y > 0 and y > x; 0 otherwise}"]),
    ("max((relu(x)), relu(y))", ["max(relu(x), relu(y))", "{1 if x > 0 and x ≥ y; 0 otherwise}",
                                 "{1 if y > 0 and y > x; 0 otherwise}"]),
    ("max(x, max(y, 1))", ["max(x, y, 1)", "{1 if x ≥ y and x ≥ 1; 0 otherwise}",
                           "{1 if y > x and y ≥ 1; 0 otherwise}"]),  # a max in a max is one, as before
    # a factor of the cases goes into them: it was x·{1 if wx + b > y; 0 otherwise} and −{1 if wx + b > y; 0 otherwise}
    ("relu(w x + b - y)", ["relu(wx + b − y)", "{x if wx + b > y; 0 otherwise}", "{1 if wx + b > y; 0 otherwise}",
                           "{w if wx + b > y; 0 otherwise}", "{−1 if wx + b > y; 0 otherwise}"]),
    # relu as typed, in f and in the conditions: they read max(0, x) and max(0, x) > y; max(0, y) typed so stays.
    # The chain rule's two steps are one case, both conditions in it, relu(x) as x where x > 0: it was
    # {1 if x > 0; 0 otherwise}·{1 if relu(x) > y; 0 otherwise}
    ("relu(relu(x) - y) + max(0, y)", ["relu(relu(x) − y) + max(0, y)", "{1 if x > 0 and x > y; 0 otherwise}",
                                       "{−1 if relu(x) > y; 0 otherwise} + {1 if y > 0; 0 otherwise}"]),
    # a kink's cases in the place of its term (they came last: 1 + {3 if y > x; 0 otherwise})
    ("3max(x, y) + y", ["3max(x, y) + y", "{3 if x ≥ y; 0 otherwise}", "{3 if y > x; 0 otherwise} + 1"]),
    ("relu(x - y) + y^2", ["relu(x − y) + y²", "{1 if x > y; 0 otherwise}", "{−1 if x > y; 0 otherwise} + 2y"]),
    # no number taken out of a sum with cases, which put them in a bracket: it was 2(x + {−1 if 2x > y; 0 otherwise})
    ("x^2 - max(y, 2x)", ["x² − max(y, 2x)", "2x + {−2 if 2x > y; 0 otherwise}", "{−1 if y ≥ 2x; 0 otherwise}"]),
    # the power's term in its place too, though differentiation wrote it x^y·y/x
    ("x^y + relu(x - y)", ["x^y + relu(x − y)", "y·x^(y − 1) + {1 if x > y; 0 otherwise}",
                           "x^y·ln(x) + {−1 if x > y; 0 otherwise}"]),
    # in a case, the max its condition settles is the term it is: not 2(max(x, y) − 1) where x > y
    ("(max(x, y) - 1)^2", ["(max(x, y) − 1)²", "{2(x − 1) if x ≥ y; 0 otherwise}", "{2(y − 1) if y > x; 0 otherwise}"]),
    ("min(x, y)^2", ["min(x, y)²", "{2x if x < y; 0 otherwise}", "{2y if y ≤ x; 0 otherwise}"]),
    # a max or min of more terms: one case for each, its condition plain; it was {1 if x > max(y, z); 0 otherwise}
    ("max(x, y, z)", ["max(x, y, z)", "{1 if x ≥ y and x ≥ z; 0 otherwise}", "{1 if y > x and y ≥ z; 0 otherwise}",
                      "{1 if z > x and z > y; 0 otherwise}"]),
    ("min(y, x, z)", ["min(y, x, z)", "{1 if x ≤ y and x < z; 0 otherwise}", "{1 if y < x and y < z; 0 otherwise}",
                      "{1 if z ≤ y and z ≤ x; 0 otherwise}"]),
    # it was {−1 if 1 > x + max(x, 2y); 0 otherwise} + {1 if x > max(2y, 1 − x); 0 otherwise}
    ("max(x, 2y, 1 - x)", ["max(x, 2y, 1 − x)",
                           "{1 if x ≥ 2y and x ≥ 1 − x; −1 if 1 − x > x and 1 − x > 2y; 0 otherwise}",
                           "{2 if 2y > x and 2y ≥ 1 − x; 0 otherwise}"]),
    ("max(x, 1 - x) + y", ["max(x, 1 − x) + y", "{1 if x ≥ 1 − x; −1 if 1 − x > x}", "1"]),
    ("(max(x, y, z) - 1)^2", ["(max(x, y, z) − 1)²", "{2(x − 1) if x ≥ y and x ≥ z; 0 otherwise}",
                              "{2(y − 1) if y > x and y ≥ z; 0 otherwise}",
                              "{2(z − 1) if z > x and z > y; 0 otherwise}"]),
    ("max(2x, y)", ["max(2x, y)", "{2 if 2x ≥ y; 0 otherwise}", "{1 if y > 2x; 0 otherwise}"]),  # it was max(y, 2x)
    # a factor with cases in a bracket: the product is cases, with the max each settles (otherwise, where y ≥ 2x, y);
    # it was 4(x + {−1 if 2x > y; 0 otherwise})(x² − max(y, 2x))
    ("(x^2 - max(y, 2x))^2", ["(x² − max(y, 2x))²", "{4(x − 1)(x² − 2x) if 2x > y; 4x(x² − y) otherwise}",
                              "{−2(x² − y) if y ≥ 2x; 0 otherwise}"]),
    ("(x - max(x, y))^2", ["(x − max(x, y))²", "{0 if x ≥ y; 2(x − y) otherwise}",  # it was 2(x − max(x, y))(… + 1)
                           "{−2(x − y) if y > x; 0 otherwise}"]),
    # several steps in a product are one case with all their conditions: it was −{1 if x + y > 0; …}·{1 if 2 > x + y; …}
    ("relu(2 - relu(x + y))", ["relu(2 − relu(x + y))", "{−1 if x + y > 0 and 2 > x + y; 0 otherwise}",
                               "{−1 if x + y > 0 and 2 > x + y; 0 otherwise}"]),
    # … each comparison of two of a max's arguments with the case's one first: y's read x < y
    # (no part that the others imply: y < 1 follows from x < 1 and x > y; it read x < 1 and y < 1 and x > y)
    ("min(max(x, y), 1)", ["min(max(x, y), 1)", "{1 if x < 1 and x ≥ y; 0 otherwise}",
                           "{1 if y < 1 and y > x; 0 otherwise}"]),
    # the Gaussian's exponent as typed: it was exp(−x²/2 − y²/2)
    ("x exp(-(x^2 + y^2)/2)", ["x·exp(−(x² + y²)/2)", "(1 − x²)·exp(−(x² + y²)/2)", "−xy·exp(−(x² + y²)/2)"]),
    ("(x^2 + 2x)(y - 1)", ["(x² + 2x)(y − 1)", "2(x + 1)(y − 1)", "x² + 2x"]),  # it was (2x + 2)(y − 1)
    ("(2x + 2)(y - 1)^2", ["(2x + 2)(y − 1)²", "2(y − 1)²", "2(2x + 2)(y − 1)"]),  # f's own bracket as typed
    # every partial with the chain rule's (σ − y) and σ′ = σ(1 − σ): ∂f/∂w was 2x(1 − y(1 + e^…))·e^…/(1 + e^…)³
    ("(sigmoid(w x + b) - y)^2", ["(sigmoid(wx + b) − y)²",
                                  "2x(sigmoid(wx + b) − y)·sigmoid(wx + b)·(1 − sigmoid(wx + b))",
                                  "2(sigmoid(wx + b) − y)·sigmoid(wx + b)·(1 − sigmoid(wx + b))",
                                  "2w(sigmoid(wx + b) − y)·sigmoid(wx + b)·(1 − sigmoid(wx + b))",
                                  "−2(sigmoid(wx + b) − y)"]),
    # a sum SymPy puts over one denominator keeps the quotient: sigmoid(u)² times a sum of e^−u's read worse
    ("x sigmoid(y)^2", ["x·sigmoid(y)²", "sigmoid(y)²", "2x·sigmoid(y)²·(1 − sigmoid(y))"]),
])
def test_partials_read_as_a_textbook_writes_them(text: str, expected: list[str]) -> None:
    assert shown(text) == expected


@pytest.mark.parametrize("text", ["x^y", "x^(y + 1)", "(x^2 + 2x)(y - 1)", "(sigmoid(w x + b) - y)^2", "tan(x y)",
                                  "relu(w x + b - y)", "3max(x, y) + y", "(x + 1)^2*2^y", "x exp(-(x^2 + y^2)/2)"])
def test_textbook_forms_have_the_values_and_second_derivatives_of_the_plain_ones(text: str) -> None:
    """Writing a partial another way changes no value, of it or of the Hessian derived from it."""
    derivatives = analyze_in_process(text).derivatives
    formula = derivatives.formula
    point = {symbol: sympy.Rational(index + 3, 2) for index, symbol in enumerate(formula.symbols)}
    for row, symbol in enumerate(formula.symbols):
        plain = sympy.diff(formula.expr, symbol)
        assert sympy.N(derivatives.partials[row].subs(point) - plain.subs(point)) == pytest.approx(0, abs=1e-12)
        for column, other in enumerate(formula.symbols):
            second = sympy.diff(plain, other).subs(point)
            assert sympy.N(derivatives.hessian[row][column].subs(point) - second) == pytest.approx(0, abs=1e-12)


@pytest.mark.parametrize(("text", "expected"), [
    ("x^y", [r"y x^{y - 1}", r"x^{y} \ln{\left(x \right)}"]),  # it was x^{y - 1} y
    ("x^(y + 1)", [r"\left(y + 1\right) x^{y}", r"x^{y + 1} \ln{\left(x \right)}"]),
    ("2^x y", [r"2^{x} \ln{\left(2 \right)} y", r"2^{x}"]),
    ("tan(x) + y", [r"1 + \tan^{2}{\left(x \right)}", "1"]),
    ("tanh(x) + y", [r"1 - \tanh^{2}{\left(x \right)}", "1"]),
    ("sin(x)^2 + y", [r"2 \sin{\left(x \right)} \cos{\left(x \right)}", "1"]),
    ("max(x, y)", [r"\begin{cases} 1 & \text{if }x \geq y \\ 0 & \text{otherwise} \end{cases}",
                   r"\begin{cases} 1 & \text{if }y > x \\ 0 & \text{otherwise} \end{cases}"]),  # was x < y
    ("relu(x - y)", [r"\begin{cases} 1 & \text{if }x > y \\ 0 & \text{otherwise} \end{cases}",
                     r"\begin{cases} -1 & \text{if }x > y \\ 0 & \text{otherwise} \end{cases}"]),
    ("max(x, 2y, 1 - x)", [r"\begin{cases} 1 & \text{if }x \geq 2 y\text{ and }x \geq 1 - x \\ "
                           r"-1 & \text{if }1 - x > x\text{ and }1 - x > 2 y \\ 0 & \text{otherwise} \end{cases}",
                           r"\begin{cases} 2 & \text{if }2 y > x\text{ and }2 y \geq 1 - x \\ "
                           r"0 & \text{otherwise} \end{cases}"]),
    ("(x^2 + 2x)(y - 1)", [r"2 \left(x + 1\right) \left(y - 1\right)", r"x^{2} + 2 x"]),
    ("exp(-(x^2 + y^2)/2)", [r"- x e^{- \frac{x^{2} + y^{2}}{2}}", r"- y e^{- \frac{x^{2} + y^{2}}{2}}"]),
])
def test_latex_writes_the_partials_in_the_panels_textbook_forms(text: str, expected: list[str]) -> None:
    """Copy as LaTeX (and `gradviz derive --latex`) write each partial as the formula panel shows it."""
    lines = latex_equations(analyze_in_process(text).derivatives)
    assert [line.split(" = ", 1)[1] for line in lines[1:]] == expected


def test_the_sigmoid_and_its_slope_read_as_typed_in_html_and_latex() -> None:
    derivatives = analyze_in_process("sigmoid(w x + b)").derivatives
    markup = html_math(derivatives.partials[0], derivatives.partial_spelling(0))
    sigmoid = "sigmoid(<i>w</i><i>x</i> + <i>b</i>)"
    assert markup == f"<i>x</i>·{sigmoid}·(1 − {sigmoid})"
    sigmoid = r"\operatorname{sigmoid}{\left(w x + b \right)}"
    slope = rf"\frac{{\partial f}}{{\partial w}} = x \left(1 - {sigmoid}\right) {sigmoid}"
    assert latex_equations(derivatives)[:2] == (f"f(w, b, x) = {sigmoid}", slope)
    secant = latex_equations(analyze_in_process("y sec(x)").derivatives)
    assert secant[1] == r"\frac{\partial f}{\partial x} = y \tan{\left(x \right)} \sec{\left(x \right)}"


def test_typed_terms_follow_the_sum_from_left_to_right() -> None:
    a, b, c = sympy.symbols("a b c", real=True)
    assert parse_formula("a - (b + c)").typed_terms == (a, -b, -c)
    assert parse_formula("f(x, y) = y^2 - 0.5x").typed_terms == (y**2, -x / 2)
    assert parse_formula("sin(x + y)").typed_terms == (sympy.sin(x + y),)
    sums = parse_formula("(2 - x)^2 + 3(y + 1)").typed_sums
    assert sorted(sums, key=len) == [(y, 1), (2, -x), ((2 - x) ** 2, 3 * y, 3)]


@pytest.mark.parametrize(
    ("text", "decimals"), [("2.1x", True), ("1e-3x + y", True), (".5x", True), ("2x + y/4", False)]
)
def test_decimals_are_noted_as_typed(text: str, decimals: bool) -> None:
    assert parse_formula(text).typed_decimals is decimals


@pytest.mark.parametrize(("text", "scientific"), [("1e10x", True), ("2.5E-3x + y", True), ("0.001x", False),
                                                  ("x e^y", False)])
def test_scientific_notation_is_noted_as_typed(text: str, scientific: bool) -> None:
    assert parse_formula(text).typed_scientific is scientific


@pytest.mark.parametrize(("value", "expected"), [
    (sympy.Rational(21, 10), "2.1"), (sympy.Rational(1, 8), "0.125"), (sympy.Rational(3, 200), "0.015"),
    (sympy.Rational(1, 3), None), (sympy.Rational(1, 1024), None), (sympy.Integer(4), None),
    (sympy.Rational(570883, 500000), "1.141766"),  # 0.240891 + 0.900875: a sum of typed decimals
    (sympy.Rational(1, 512), None),  # 0.001953125: nine places
    (sympy.Rational(-1, 2), None),
])
def test_short_decimal(value: sympy.Rational, expected: str | None) -> None:
    assert short_decimal(value) == expected


def test_only_the_whole_sum_is_reordered() -> None:
    expr = y**3 + 3 * x**2 * (x + y + 1)
    typed = Spelling(term_order=(y**3, 3 * x**2 * (x + y + 1)))
    assert unicode_math(expr, typed) == "y³ + 3x²(x + y + 1)"
    assert unicode_math(expr, AS_COMPUTED) == "3x²(x + y + 1) + y³"


def test_html_prints_decimals_inline() -> None:
    html = html_math(sympy.Rational(21, 10) * x**2, Spelling(decimals=True))
    assert "2.1<i>x</i><sup>2</sup>" in html and "<table" not in html


@pytest.mark.parametrize("text", ["2.1x^2 + 0.5y^2", "1.5*sin(x) - 0.25y^3", "x^1.5 + 0.2(x - y)^2", "y - 0.75x/x^2",
                                  "y log10(x) + log2(x y)", "1e10 x^2 - 2.5e-7 y^2/3"])
def test_spelled_formulas_read_back_as_the_same_formula(text: str) -> None:
    formula = parse_formula(text)
    again = parse_formula(unicode_math(formula.expr, formula.spelling)).expr
    assert sympy.simplify(again - formula.expr) == 0


@pytest.mark.parametrize(("text", "expected"), [
    ("2.1x^2 + 0.5y^2", [r"f(x, y) = 2.1 x^{2} + 0.5 y^{2}", r"\frac{\partial f}{\partial x} = 4.2 x",
                         r"\frac{\partial f}{\partial y} = y"]),
    ("y^3 + 2xy + 3x^2", [r"f(x, y) = y^{3} + 2 x y + 3 x^{2}", r"\frac{\partial f}{\partial x} = 2 y + 6 x",
                          r"\frac{\partial f}{\partial y} = 3 y^{2} + 2 x"]),
    ("0.5(x - 1)^2 - 0.25y", [r"f(x, y) = 0.5 \left(x - 1\right)^{2} - 0.25 y",
                              r"\frac{\partial f}{\partial x} = x - 1", r"\frac{\partial f}{\partial y} = -0.25"]),
    ("x/3 + |y|^3", [r"f(x, y) = \frac{x}{3} + \left|{y}\right|^{3}", r"\frac{\partial f}{\partial x} = \frac{1}{3}",
                     r"\frac{\partial f}{\partial y} = 3 y \left|{y}\right|"]),
    ("L(w1) = 1.5 w1^2", [r"L(w_{1}) = 1.5 w_{1}^{2}", r"\frac{\partial L}{\partial w_{1}} = 3 w_{1}"]),
    # a decimal over the line, as the panel writes it: it was 0.5 \frac{1}{y}
    ("x^2 + 0.5/y", [r"f(x, y) = x^{2} + \frac{0.5}{y}", r"\frac{\partial f}{\partial x} = 2 x",
                     r"\frac{\partial f}{\partial y} = - \frac{0.5}{y^{2}}"]),
    ("relu(x - y)", [r"f(x, y) = \operatorname{relu}\left(x - y\right)",  # it was \max\left(0, x - y\right)
                     r"\frac{\partial f}{\partial x} = \begin{cases} 1 & \text{if }x > y \\ 0 & \text{otherwise} "
                     r"\end{cases}",
                     r"\frac{\partial f}{\partial y} = \begin{cases} -1 & \text{if }x > y \\ 0 & \text{otherwise} "
                     r"\end{cases}"]),
    # a max's or min's arguments as typed, as the panel shows them: it was \min\left(2 x, y\right); each case's
    # condition with its own argument first (they read y > 2 x and 2 x > y)
    ("min(y, 2x)", [r"f(x, y) = \min\left(y, 2 x\right)",
                    r"\frac{\partial f}{\partial x} = \begin{cases} 2 & \text{if }2 x \leq y \\ 0 & \text{otherwise} "
                    r"\end{cases}",
                    r"\frac{\partial f}{\partial y} = \begin{cases} 1 & \text{if }y < 2 x \\ 0 & \text{otherwise} "
                    r"\end{cases}"]),
    # a relu in a max as typed: it was \max\left(0, x, y\right)
    ("max(relu(x), y)", [r"f(x, y) = \max\left(\operatorname{relu}\left(x\right), y\right)",
                         r"\frac{\partial f}{\partial x} = \begin{cases} 1 & \text{if }x > 0\text{ and }x \geq y \\ "
                         r"0 & \text{otherwise} \end{cases}",
                         r"\frac{\partial f}{\partial y} = \begin{cases} 1 & \text{if }y > 0\text{ and }y > x \\ "
                         r"0 & \text{otherwise} \end{cases}"]),
])
def test_latex_equations_read_as_typed(text: str, expected: list[str]) -> None:
    assert list(latex_equations(analyze_in_process(text).derivatives)) == expected


@pytest.mark.parametrize("text", ["y sec(x)", "sec(x)^2 + csc(y)", "csc(x) cot(y)", "sigmoid(x y)", "x sigmoid(y)^2",
                                  "(sigmoid(w x + b) - y)^2", "softplus(x + y) + sigmoid(x)^3", "x sigmoid(2x - y)"])
def test_partials_written_in_the_typed_functions_read_back_as_the_same_functions(text: str) -> None:
    analysis = analyze_in_process(text)
    formula, derivatives = analysis.formula, analysis.derivatives
    points = [dict(zip(formula.symbols, values, strict=False))
              for values in ((0.3, 0.7, -0.4, 0.9), (1.1, -0.6, 0.25, -1.3))]
    printed = [unicode_math(formula.expr, formula.spelling),
               *(unicode_math(partial, derivatives.partial_spelling(index))
                 for index, partial in enumerate(derivatives.partials))]
    for line, exact in zip(printed, [formula.expr, *derivatives.partials], strict=True):
        read = parse_formula(line, formula.variables).expr
        for point in points:
            assert float(read.subs(point)) == pytest.approx(float(exact.subs(point)), rel=1e-12, abs=1e-12), line
