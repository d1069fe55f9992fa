"""Fast numeric evaluation of a formula, its gradient and its Hessian, from generated NumPy source.

:func:`generate_source` turns :class:`~gradviz.core.calculus.Derivatives` into the Python source
of two plain functions (it runs in the symbolic worker process, see :mod:`gradviz.core.analysis`):

* ``f_and_grad(x, y, ...)`` returning ``value, (df/dx, df/dy, ...)``, sharing common
  subexpressions between the value and every partial derivative;
* ``hessian(x, y, ...)`` returning the rows of the Hessian;
* ``partial_scales(x, y, ...)`` returning, for each partial, the sum of the absolute values of the terms it
  adds up: the size its rounding is relative to (see :meth:`CompiledFormula.evaluate_partial_scales`);
* for a formula with kinks, ``kinks(x, y, ...)`` returning the functions whose zeros are its kinks (u for abs(u)
  and relu(u), a − b for max(a, b) and min(a, b)) and their gradients (see kink_functions).

:class:`CompiledFormula` turns that source into functions and evaluates them at one point (fast,
for descent runs) or on broadcast arrays (for grids). Floating-point trouble (log of a negative,
overflow, 0/0) never warns: it gives NaN or ±inf for the caller to mask.

At one point, ``f_and_grad`` runs on Python floats, several times faster than on NumPy scalars and
with the same numbers: ``+ - * /`` and integer powers round alike on both (powers call the C library's
``pow`` in both), and a ``numpy`` function returns the same NumPy scalar for a Python float. Where
Python raises instead of giving ±inf or NaN (1/0, an overflowing power), the point is evaluated again
on NumPy scalars. A negative number to a fractional power is complex in Python but NaN in NumPy, so a
formula printed with such a power (or with the imaginary unit) is always evaluated on NumPy scalars.
"""

from __future__ import annotations

import itertools
import keyword
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

from gradviz.core.calculus import Derivatives
from gradviz.core.errors import FormulaError

VALUE_AND_GRADIENT_NAME = "f_and_grad"
HESSIAN_NAME = "hessian"
PARTIAL_SCALES_NAME = "partial_scales"
KINKS_NAME = "kinks"
MOST_KINK_FUNCTIONS = 24  # a max of many arguments has a kink between each pair: beyond these, none is looked at

# Integers beyond this size are printed as floats, so that arithmetic stays in floating point.
_EXACT_INTEGER_LIMIT = 2**53
# Small integer powers of a name are printed as products: x*x*x is ~7x faster than x**3 on arrays.
_UNROLLED_POWERS = {3: "{0}*{0}*{0}", 4: "({0}*{0})*({0}*{0})", -1: "1/{0}", -2: "1/({0}*{0})"}


@dataclass(frozen=True)
class CompiledSource:
    """The generated source of a formula's numeric functions: plain strings, cheap to pickle."""

    variables: tuple[str, ...]
    value_and_gradient: str
    hessian: str
    float_safe: bool = False  # value_and_gradient gives NumPy's numbers on Python floats (or raises)
    unchanging: tuple[str, ...] = ()  # the variables f does not depend on: their partial is 0 everywhere
    kinked: bool = False  # f has abs, min, max or relu in it: it may have kinks, where ∇f jumps
    kinks: str = ""  # the source of kinks(x, y, ...) (see kink_functions), "" without kinks or with too many
    partial_scales: str = ""  # the source of partial_scales(x, y, ...) (see _partial_scales_source)


class LogSumExp(sympy.Function):
    """log(exp(u₁) + exp(u₂) + …), computed so that no exp(uᵢ) overflows (log(1 + exp(u)) is LogSumExp(0, u))."""


def _exponents_summed(expr: sympy.Expr) -> tuple[sympy.Expr, ...] | None:
    """(u₁, u₂, …) when expr is a sum of two or more exponentials exp(uᵢ), c·exp(uᵢ) or constants c > 0, else None."""
    if not isinstance(expr, sympy.Add):
        return None
    exponents, has_exponential = [], False
    for term in expr.args:
        if term.is_Number and term > 0:
            exponents.append(sympy.log(term))
            continue
        factor, exponential = term.as_coeff_Mul()
        if not (isinstance(exponential, sympy.exp) and factor > 0):
            return None
        exponents.append(exponential.args[0] + sympy.log(factor))
        has_exponential = True
    return tuple(exponents) if has_exponential else None


def without_exponential_overflow(expr: sympy.Expr) -> sympy.Expr:
    """expr, equal, with logarithms of and quotients by sums of exponentials written to stay finite for large |u|.

    log(exp(u₁) + exp(u₂) + …) (softplus is log(1 + exp(u))) becomes LogSumExp(u₁, u₂, …). In a product, the
    exponentials and the powers of such sums to −n join into one exponential exp(a − n·LogSumExp(…)): the sigmoid's
    slope exp(u)/(1 + exp(u))² is inf/inf = NaN for u ≳ 710 and its rewrite exp(u − 2·log(1 + exp(u))) about exp(−u),
    as it should be; softmax's exp(x)/(exp(x) + exp(y)) is 1 at x = 800, y = 0, not NaN.
    """
    if not expr.has(sympy.exp):
        return expr
    rewritten: dict[sympy.Basic, sympy.Basic] = {}

    def rewrite(part: sympy.Basic) -> sympy.Basic:
        if part.is_Atom or not part.args:
            return part
        if part not in rewritten:
            args = tuple(rewrite(arg) for arg in part.args)
            rewritten[part] = _joined_exponentials(part.func(*args) if args != part.args else part)
        return rewritten[part]

    return rewrite(expr)


def _joined_exponentials(part: sympy.Basic) -> sympy.Basic:
    """One node of without_exponential_overflow's rewrite, its arguments rewritten already."""
    if isinstance(part, sympy.log) and (exponents := _exponents_summed(part.args[0])) is not None:
        return LogSumExp(*exponents)
    if not isinstance(part, (sympy.Mul, sympy.Pow)):
        return part
    exponent, others, joined = sympy.S.Zero, [], False
    for factor in sympy.Mul.make_args(part):
        base, power = factor.as_base_exp()
        exponents = _exponents_summed(base)
        if exponents is not None and power.is_Number and power < 0:
            exponent, joined = exponent + power * LogSumExp(*exponents), True
        elif isinstance(factor, sympy.exp):  # one of them may be a power of a sum rewritten already
            exponent, joined = exponent + factor.args[0], joined or factor.args[0].has(LogSumExp)
        else:
            others.append(factor)
    if not joined:
        return part
    joined_exponential = sympy.exp(exponent)
    for index, factor in enumerate(others):  # (exp(x) − exp(−x))·exp(…): each exponential joins it, as inf·0 is NaN
        if isinstance(factor, sympy.Add) and factor.has(sympy.exp):
            terms = (_joined_exponentials(sympy.Mul(term, joined_exponential)) for term in factor.args)
            return sympy.Mul(*others[:index], *others[index + 1:], sympy.Add(*terms))
    return sympy.Mul(*others, joined_exponential)


class _FormulaPrinter(NumPyPrinter):
    """SymPy's NumPy printer, made to broadcast everywhere and to refuse non-NumPy functions."""

    def __init__(self) -> None:
        super().__init__({"fully_qualified_modules": True, "strict": True})
        self.float_safe = True  # nothing printed so far computes differently on Python floats

    def _print_ImaginaryUnit(self, expr: sympy.Expr) -> str:  # noqa: N802 (SymPy's printer naming)
        self.float_safe = False  # Python's complex arithmetic is not NumPy's
        return super()._print_ImaginaryUnit(expr)

    def _print_Max(self, expr: sympy.Max) -> str:  # noqa: N802 (SymPy's printer naming)
        return self._nest("numpy.maximum", expr.args)

    def _print_Min(self, expr: sympy.Min) -> str:  # noqa: N802 (SymPy's printer naming)
        return self._nest("numpy.minimum", expr.args)

    def _print_And(self, expr: sympy.And) -> str:  # noqa: N802 (SymPy's printer naming)
        return self._nest("numpy.logical_and", expr.args)  # SymPy's logical_and.reduce((a, b)) cannot broadcast

    def _print_Or(self, expr: sympy.Or) -> str:  # noqa: N802 (SymPy's printer naming)
        return self._nest("numpy.logical_or", expr.args)

    def _nest(self, function: str, args: Sequence[sympy.Expr]) -> str:
        """``function(function(a, b), c)`` for a two-argument broadcasting ``function``."""
        text = self._print(args[0])
        for arg in args[1:]:
            text = f"{self._module_format(function)}({text}, {self._print(arg)})"
        return text

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:  # noqa: N802 (SymPy's printer naming)
        last_value, last_condition = expr.args[-1]
        covers_all = last_condition == sympy.true
        text = self._print(last_value) if covers_all else self._module_format("numpy.nan")
        where = self._module_format("numpy.where")
        for value, condition in reversed(expr.args[:-1] if covers_all else expr.args):
            text = f"{where}({self._print(condition)}, {self._print(value)}, {text})"
        return text

    def _print_Heaviside(self, expr: sympy.Heaviside) -> str:  # noqa: N802 (SymPy's printer naming)
        at_zero = expr.args[1] if len(expr.args) > 1 else sympy.S.Half
        return f"{self._module_format('numpy.heaviside')}({self._print(expr.args[0])}, {self._print(at_zero)})"

    def _print_LogSumExp(self, expr: LogSumExp) -> str:  # noqa: N802 (SymPy's printer naming)
        if len(expr.args) == 2 and expr.args[0] == 0:  # log(1 + exp(u)) as logaddexp(0, u) computes it, a third
            argument = self._print(expr.args[1])  # faster: log1p has no vectorised loop, exp(−|u|) ≤ 1 is quick
            maximum, log1p, exp, absolute = map(self._module_format, ("numpy.maximum", "numpy.log1p", "numpy.exp",
                                                                      "numpy.abs"))
            return f"({maximum}({argument}, 0) + {log1p}({exp}(-{absolute}({argument}))))"
        return self._nest("numpy.logaddexp", expr.args)

    def _print_Abs(self, expr: sympy.Abs) -> str:  # noqa: N802 (SymPy's printer naming)
        return f"{self._module_format('numpy.abs')}({self._print(expr.args[0])})"

    def _print_ComplexInfinity(self, expr: sympy.Expr) -> str:  # noqa: N802 (SymPy's printer naming)
        return self._module_format("numpy.nan")

    def _print_Integer(self, expr: sympy.Integer) -> str:  # noqa: N802 (SymPy's printer naming)
        if abs(int(expr)) < _EXACT_INTEGER_LIMIT:
            return super()._print_Integer(expr)
        try:
            return repr(float(expr))
        except OverflowError:
            return ("-" if expr < 0 else "") + self._module_format("numpy.inf")

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:  # noqa: N802 (SymPy's printer naming)
        if expr.base.is_Symbol and expr.exp.is_Integer and int(expr.exp) in _UNROLLED_POWERS:
            return "(" + _UNROLLED_POWERS[int(expr.exp)].format(self._print(expr.base)) + ")"
        if not _power_takes_floats(expr, rational):
            self.float_safe = False
        return super()._print_Pow(expr, rational=rational)


def _power_takes_floats(expr: sympy.Pow, rational: bool) -> bool:
    """Whether the power as printed never turns complex on Python floats (a negative base to a fractional power).

    The square roots that SymPy's printer writes as ``numpy.sqrt`` are safe like integer powers.
    """
    square_root = not rational and (expr.exp == sympy.S.Half or (expr.is_commutative and expr.exp == -sympy.S.Half))
    return bool(expr.exp.is_Integer or square_root or (expr.base.is_number and expr.base.is_positive))


def generate_source(derivatives: Derivatives) -> CompiledSource:
    """The source of ``f_and_grad`` and ``hessian`` for ``derivatives`` (pure: no code is run)."""
    formula = derivatives.formula
    arguments = _argument_names(formula.variables)
    renamed = dict(zip(formula.symbols, (sympy.Symbol(name, real=True) for name in arguments), strict=True))
    defined = sympy.And(*(condition.xreplace(renamed) for condition in formula.defined_where))

    def where_defined(expr: sympy.Expr) -> sympy.Expr:
        """expr, NaN where f as typed is undefined though its simplified expression is not (√x²: where x < 0)."""
        renamed_expr = expr.xreplace(renamed)
        return renamed_expr if defined is sympy.true else sympy.Piecewise((renamed_expr, defined), (sympy.nan, True))

    value = where_defined(formula.expr)
    partials = [where_defined(partial) for partial in derivatives.partials]
    size = len(arguments)
    upper = [(row, column) for row in range(size) for column in range(row, size)]
    upper_entries = [where_defined(derivatives.hessian[row][column]) for row, column in upper]
    signature = f"({', '.join(arguments)})"
    value_opening, (value_code, *partial_codes), float_safe = _print_with_shared_terms(
        [value, *partials], VALUE_AND_GRADIENT_NAME + signature
    )
    hessian_opening, entry_codes, _ = _print_with_shared_terms(upper_entries, HESSIAN_NAME + signature)
    entry_code = dict(zip(upper, entry_codes, strict=True))
    rows = [
        "(" + ", ".join(entry_code[min(row, column), max(row, column)] for column in range(size)) + ",)"
        for row in range(size)
    ]
    return CompiledSource(
        variables=formula.variables,
        value_and_gradient=f"{value_opening}    return {value_code}, ({', '.join(partial_codes)},)\n",
        hessian=f"{hessian_opening}    return ({', '.join(rows)},)\n",
        float_safe=float_safe,
        unchanging=tuple(name for name, partial in zip(formula.variables, derivatives.partials, strict=True)
                         if partial == 0),
        kinked=formula.expr.has(sympy.Abs, sympy.Min, sympy.Max),
        kinks=_kinks_source([function.xreplace(renamed) for function in kink_functions(formula.expr)],
                            tuple(renamed.values()), signature),
        partial_scales=_partial_scales_source(partials, signature),
    )


def _partial_scales_source(partials: list[sympy.Expr], signature: str) -> str:
    """The source of partial_scales(x, y, ...): for each partial, |t₁| + |t₂| + … over the terms t it adds up.

    A sum's rounding is relative to its terms' sizes, not to its own: 3(x + 1)² − 3x² − 6x − 3 is 0 in exact
    arithmetic and some 1e−14 in floats, the size of its terms times the machine epsilon.
    """
    terms = [sympy.Add.make_args(partial) for partial in partials]
    opening, codes, _ = _print_with_shared_terms([term for its_terms in terms for term in its_terms],
                                                 PARTIAL_SCALES_NAME + signature)
    sums, start = [], 0
    for its_terms in terms:
        sums.append(" + ".join(f"numpy.abs({code})" for code in codes[start:start + len(its_terms)]))
        start += len(its_terms)
    return f"{opening}    return ({', '.join(sums)},)\n"


def kink_functions(expr: sympy.Expr) -> tuple[sympy.Expr, ...]:
    """The functions whose zeros are the kinks of expr: u for abs(u) (and relu(u), max(0, u)), a − b for each pair
    of a max's or min's arguments; () for none, or for more than MOST_KINK_FUNCTIONS."""
    functions: dict[sympy.Expr, None] = {}
    for part in sympy.preorder_traversal(expr):
        if isinstance(part, sympy.Abs):
            functions[part.args[0]] = None
        elif isinstance(part, (sympy.Max, sympy.Min)):
            for first, second in itertools.combinations(part.args, 2):
                functions[first - second] = None
        if len(functions) > MOST_KINK_FUNCTIONS:
            return ()
    # in one order in every process (a max's arguments come from a set, whose order is the process's hash seed's)
    return tuple(sorted((function for function in functions if not function.is_number), key=sympy.default_sort_key))


def _kinks_source(functions: list[sympy.Expr], symbols: tuple[sympy.Symbol, ...], signature: str) -> str:
    """The source of kinks(x, y, ...): the kink functions' values and, for each, its gradient; "" for none."""
    if not functions:
        return ""
    gradients = [sympy.diff(function, symbol) for function in functions for symbol in symbols]
    opening, codes, _ = _print_with_shared_terms([*functions, *gradients], KINKS_NAME + signature)
    values, slopes = codes[:len(functions)], codes[len(functions):]
    rows = ["(" + ", ".join(slopes[index * len(symbols):(index + 1) * len(symbols)]) + ",)"
            for index in range(len(functions))]
    return f"{opening}    return ({', '.join(values)},), ({', '.join(rows)},)\n"


def _argument_names(variables: tuple[str, ...]) -> tuple[str, ...]:
    """Python parameter names for the variables: the names themselves when safe, else ``_v<i>``."""
    return tuple(
        name
        if name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_") and name != "numpy"
        else f"_v{index}"
        for index, name in enumerate(variables)
    )


def _print_with_shared_terms(exprs: list[sympy.Expr], signature: str) -> tuple[str, list[str], bool]:
    """A function's opening (``def`` line, shared-term assignments), each of ``exprs`` printed, and float safety."""
    printer = _FormulaPrinter()
    exprs = [without_exponential_overflow(expr) for expr in exprs]
    replacements, reduced = sympy.cse(exprs, symbols=sympy.numbered_symbols("_t"), order="none")
    try:
        lines = [f"def {signature}:", *(f"    {name} = {printer.doprint(expr)}" for name, expr in replacements)]
        printed = [printer.doprint(expr) for expr in reduced]
    except NotImplementedError as error:  # the printer's "unsupported function" error
        raise FormulaError(f"this formula cannot be computed numerically: {error}") from error
    foreign = set(printer.module_imports) - {"numpy"}
    if foreign:
        raise FormulaError(
            f"this formula uses functions that cannot be computed on grids ({', '.join(sorted(foreign))})"
        )
    return "\n".join(lines) + "\n", printed, printer.float_safe


def _build_function(source: str, name: str) -> Callable[..., Any]:
    """Turn generated source into a function.

    Only source written by :func:`generate_source` is ever executed here: it is printed from a
    SymPy expression that the safe formula parser built, never from text a user typed. It runs
    in a namespace holding numpy alone, without builtins.
    """
    namespace: dict[str, Any] = {"__builtins__": {}, "numpy": np}
    exec(compile(source, f"<gradviz {name}>", "exec"), namespace)
    return namespace[name]


class CompiledFormula:
    """A formula's value, gradient and Hessian as fast NumPy functions.

    Picklable: it pickles as its source strings and rebuilds its functions when unpickled.
    """

    def __init__(self, source: CompiledSource) -> None:
        self.source = source
        self.variables = source.variables
        self.unchanging = frozenset(source.unchanging)  # the variables f does not depend on
        self.kinked = source.kinked  # f has abs, min, max or relu in it
        self._value_and_gradient = _build_function(source.value_and_gradient, VALUE_AND_GRADIENT_NAME)
        self._hessian = _build_function(source.hessian, HESSIAN_NAME)
        self._kinks = _build_function(source.kinks, KINKS_NAME) if source.kinks else None
        self._partial_scales = (_build_function(source.partial_scales, PARTIAL_SCALES_NAME)
                                if source.partial_scales else None)
        # How many coordinates value_and_gradient_floats evaluates on Python floats (-1: never, not float safe).
        self._float_arity = len(self.variables) if source.float_safe else -1

    def __reduce__(self) -> tuple[type[CompiledFormula], tuple[CompiledSource]]:
        return (CompiledFormula, (self.source,))

    def __repr__(self) -> str:
        return f"CompiledFormula(variables={self.variables!r})"

    def value_and_gradient(self, point: Sequence[float] | np.ndarray) -> tuple[float, np.ndarray]:
        """The value and the gradient at one point (NaN or ±inf where undefined)."""
        coordinates = self._point(point).tolist()
        with np.errstate(all="ignore"):
            value, gradient = self.value_and_gradient_floats(coordinates)
        return value, np.array(gradient)

    def overflows_at(self, point: Sequence[float] | np.ndarray) -> bool:
        """Whether a number grows beyond floating point's largest (1.8e308) computing f and ∇f at the point.

        Tells x² at 1e308 (too large: ±inf by overflow) from 1/x at 0 (a division by zero: undefined).
        """
        with np.errstate(all="ignore", over="raise"):
            try:
                self._value_and_gradient(*self._point(point))
            except FloatingPointError:
                return True
        return False

    def value_and_gradient_floats(self, coordinates: Sequence[float]) -> tuple[float, tuple[float, ...]]:
        """The value and the gradient at a point of Python floats, as Python floats (for descent's inner loop).

        The numbers are value_and_gradient's. NumPy's error state is left alone: call it inside
        ``np.errstate(all="ignore")`` where f may be undefined, or NumPy warns.
        """
        if len(coordinates) == self._float_arity:
            try:
                value, gradient = self._value_and_gradient(*coordinates)
            except ArithmeticError:  # Python's 1/0 or overflowing power: NumPy scalars give ±inf or NaN
                pass
            else:
                return float(value), tuple(map(float, gradient))
        return self._value_and_gradient_on_numpy_scalars(coordinates)

    @property
    def float_function(self) -> Callable[..., tuple[Any, tuple[Any, ...]]] | None:
        """The generated f_and_grad when it computes on Python floats as on NumPy's (it may raise ArithmeticError).

        It takes the coordinates as arguments and gives value_and_gradient_floats' numbers once float() is
        applied to each; where it raises, value_and_gradient_floats evaluates on NumPy scalars. None when the
        formula is not float safe.
        """
        return self._value_and_gradient if self._float_arity >= 0 else None

    def _value_and_gradient_on_numpy_scalars(self, coordinates: Sequence[float]) -> tuple[float, tuple[float, ...]]:
        """value_and_gradient_floats, computed on NumPy scalars (which never raise on 1/0)."""
        with np.errstate(all="ignore"):
            value, gradient = self._value_and_gradient(*self._point(coordinates))
        return _real_float(value), tuple(_real_array(gradient).tolist())

    def hessian(self, point: Sequence[float] | np.ndarray) -> np.ndarray:
        """The Hessian at one point, shape (n, n) for n variables."""
        coordinates = self._point(point)
        with np.errstate(all="ignore"):
            rows = self._hessian(*coordinates)
        return _real_array(rows)

    def evaluate(self, arrays: Sequence[np.ndarray | float]) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """Value and gradient components on broadcast inputs, each a new float array of the common shape."""
        if len(arrays) != len(self.variables):
            raise ValueError(f"expected {len(self.variables)} arrays, got {len(arrays)}")
        inputs = [np.asarray(array, dtype=float) for array in arrays]
        shape = np.broadcast_shapes(*(array.shape for array in inputs))
        with np.errstate(all="ignore"):
            value, gradient = self._value_and_gradient(*inputs)
        # Shared terms can make two outputs the same array (f = exp(x + y)); each gets its own.
        taken = [*inputs]
        return _full_float_array(value, shape, taken), tuple(
            _full_float_array(component, shape, taken) for component in gradient
        )

    def evaluate_partial_scales(self, arrays: Sequence[np.ndarray | float]) -> np.ndarray:
        """Each partial's scale on broadcast inputs, shape (n, *shape) for n variables: the sum of the absolute values
        of the terms it adds up, which its rounding error is relative to (|∂f/∂xᵢ| itself, for a source without it)."""
        if self._partial_scales is None:
            return np.abs(np.stack(self.evaluate(arrays)[1]))
        inputs = [np.asarray(array, dtype=float) for array in arrays]
        shape = np.broadcast_shapes(*(array.shape for array in inputs))
        with np.errstate(all="ignore"):
            scales = self._partial_scales(*inputs)
        return np.stack([np.broadcast_to(_real_array(scale), shape) for scale in scales])

    def evaluate_hessian(self, arrays: Sequence[np.ndarray | float]) -> np.ndarray:
        """The Hessian on broadcast inputs: a new float array of the common shape plus (n, n) for n variables."""
        if len(arrays) != len(self.variables):
            raise ValueError(f"expected {len(self.variables)} arrays, got {len(arrays)}")
        inputs = [np.asarray(array, dtype=float) for array in arrays]
        shape = np.broadcast_shapes(*(array.shape for array in inputs))
        with np.errstate(all="ignore"):
            rows = self._hessian(*inputs)
        hessians = np.empty((*shape, len(rows), len(rows)), dtype=float)
        for row, entries in enumerate(rows):
            for column, entry in enumerate(entries):
                hessians[..., row, column] = _real_array(entry)
        return hessians

    @property
    def has_kink_functions(self) -> bool:
        """Whether the functions whose zeros are f's kinks are known (see kink_functions)."""
        return self._kinks is not None

    def evaluate_kinks(self, arrays: Sequence[np.ndarray | float]) -> tuple[np.ndarray, np.ndarray]:
        """The kink functions on broadcast inputs, shape (k, *shape), and their gradients, shape (k, n, *shape)."""
        if self._kinks is None:
            raise ValueError("f has no kink functions")
        inputs = [np.asarray(array, dtype=float) for array in arrays]
        shape = np.broadcast_shapes(*(array.shape for array in inputs))
        with np.errstate(all="ignore"):
            values, gradients = self._kinks(*inputs)
        slopes = [np.stack([np.broadcast_to(_real_array(slope), shape) for slope in row]) for row in gradients]
        return np.stack([np.broadcast_to(_real_array(value), shape) for value in values]), np.stack(slopes)

    def _point(self, point: Sequence[float] | np.ndarray) -> np.ndarray:
        """The point as a 1-D float array, checked to have one coordinate per variable."""
        coordinates = np.asarray(point, dtype=float)
        if coordinates.shape != (len(self.variables),):
            raise ValueError(f"expected a point with {len(self.variables)} coordinates, got shape {coordinates.shape}")
        return coordinates


def compile_formula(derivatives: Derivatives) -> CompiledFormula:
    """Generate and compile the numeric functions of ``derivatives`` in this process."""
    return CompiledFormula(generate_source(derivatives))


def _real_float(value: Any) -> float:
    """A Python float from a scalar result; complex results count as undefined unless real."""
    if isinstance(value, complex) or np.iscomplexobj(value):
        return float(value.real) if value.imag == 0 else float("nan")
    return float(value)


def _real_array(values: Any) -> np.ndarray:
    """A float array from nested results; complex entries with an imaginary part become NaN."""
    array = np.array(values)
    if array.dtype.kind == "c":
        with np.errstate(invalid="ignore"):
            return np.where(array.imag == 0, array.real, np.nan)
    return array.astype(float, copy=False)


def _full_float_array(result: Any, shape: tuple[int, ...], taken: list[np.ndarray]) -> np.ndarray:
    """``result`` as a float array of ``shape`` that is none of ``taken`` (which it joins).

    Constants and arrays of a partial shape are broadcast into a new array.
    """
    array = result if isinstance(result, np.ndarray) and result.dtype.kind == "f" else _real_array(result)
    if array.shape != shape or any(array is other for other in taken):
        full = np.empty(shape, dtype=float)
        full[...] = array
        array = full
    taken.append(array)
    return array
