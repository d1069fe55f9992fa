"""What can be typed in the formula box: the notation, every function with its meaning, the limits, examples."""

from __future__ import annotations

from gradviz.core.formula import FUNCTION_NAMES, MAX_EXPONENT, MAX_TEXT_LENGTH, MAX_TOKENS, MAX_VARIABLES, TOKENS_WORDS

FUNCTION_MEANINGS: dict[str, str] = {
    "sin": "sine (of radians)",
    "cos": "cosine",
    "tan": "tangent",
    "sec": "secant: 1 / cos(x)",
    "csc": "cosecant: 1 / sin(x)",
    "cot": "cotangent: cos(x) / sin(x)",
    "asin": "inverse sine",
    "acos": "inverse cosine",
    "atan": "inverse tangent",
    "arcsin": "the same as asin",
    "arccos": "the same as acos",
    "arctan": "the same as atan",
    "sinh": "hyperbolic sine",
    "cosh": "hyperbolic cosine",
    "tanh": "hyperbolic tangent",
    "exp": "e to the power (also e^x)",
    "log": "natural logarithm",
    "ln": "natural logarithm",
    "log10": "logarithm to base 10: ln(x) / ln(10)",
    "log2": "logarithm to base 2: ln(x) / ln(2)",
    "sqrt": "square root (also √x)",
    "abs": "absolute value (also |x|)",
    "min": "the smallest of two or more",
    "max": "the largest of two or more",
    "sigmoid": "1 / (1 + e^(−x))",
    "relu": "max(0, x)",
    "softplus": "ln(1 + e^x)",
}

NOTATION: tuple[tuple[str, str], ...] = (
    ("powers", "x^2, x**2 or x²; e^(−x^2) for a power of e"),
    ("products", "2x, 3xy, 2(x + 1), x·y or x*y: a run of single letters is a product"),
    ("absolute values", "|w1| + |w2|, ||x| − 1|"),
    ("variables", "x, y, z, w1, w_2, b, θ (or theta, its name spelled out: alpha, beta, lambda …)"),
    ("a name and an order", "L(w, b) = (3 − 2w − b)^2 names the function L and plots w, then b; "
                            "E(speed, mass) = mass·speed^2/2 makes words variables"),
    ("constants", "pi or π, and e"),
)

EXAMPLES: tuple[tuple[str, str], ...] = (
    ("3x² + 2xy + y³", "the first worked example"),
    ("L(w1, w2) = (5 - w1 - 2w2)^2", "a loss of two weights"),
    ("e^(-x^2 - y^2)", "a bump"),
    ("(1 - x)^2 + 100(y - x^2)^2", "Rosenbrock's valley"),
    ("|x| + 2|y|", "kinks, where the slope jumps"),
    ("sqrt(1 - x^2 - y^2)", "defined on a disk only"),
    ("x^4 - 3x^2", "one variable: a curve and its tangent"),
    ("x^2 + y^2 + z^2", "three variables: z gets a slider"),
)


def limits_text() -> str:
    """The bounds a formula must keep, in one sentence."""
    return (f"A formula may be up to {MAX_TEXT_LENGTH} characters long and hold up to {MAX_TOKENS} {TOKENS_WORDS}, "
            f"with up to {MAX_VARIABLES} variables; "
            f"a number in an exponent may be at most {MAX_EXPONENT}.")


def function_rows() -> tuple[tuple[str, str], ...]:
    """(how to call it, what it means) for every function the formula box knows, in its order."""
    return tuple((f"{name}(x, y, …)" if name in ("min", "max") else f"{name}(x)", FUNCTION_MEANINGS[name])
                 for name in FUNCTION_NAMES)
