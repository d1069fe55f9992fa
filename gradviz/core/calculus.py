"""Symbolic partial derivatives, gradients and Hessians of a formula, in a readable form.

Non-differentiable building blocks get the conventions machine-learning libraries use, so
every derivative can be evaluated everywhere:

* ``max``/``min``: at a tie a max's slope is that of the argument typed first among the tied ones (as
  ``numpy.argmax`` picks the first), a min's that of the one typed last (max(a, b) + min(a, b), which is a + b, keeps
  a + b's slope at a tie), so the gradient there is one of the slopes f has beside it:
  ∂/∂x max(x, y) is ``1 if x ≥ y else 0`` and ∂/∂y is ``1 if y > x else 0``. A max's argument's condition compares
  it with ≥ against the arguments typed after it and with > against those before it; a min's the other way round.
  SymPy sorts a max's arguments, so f is differentiated with each max and min in its typed order (see TiesToFirst);
  every max and min of the same arguments takes the order of the first of them typed, so their ties agree
  (max(x, y) + min(y, x) keeps x + y's slope too).
* ``relu(u)`` is ``max(0, u)``, 0 first: its derivative is ``1 if u > 0 else 0``, 0 at the kink (as PyTorch's).
* ``abs``: the derivative ``sign(u)`` is kept; it is 0 at ``u = 0``.
* ``DiracDelta`` (the "infinitely thin spike" second derivative at a kink) is taken as 0.
* Where kinks cancel, a partial's cases having one value on every side of them, f has no kink there: that value is
  the partial on them too, f's true slope there and no convention (relu(x) − relu(−x), which is x, has slope 1 at 0,
  where each relu's is 0; max(x, y) − min(x, y) − abs(x − y), which is 0, has ∇f = 0 on x = y). The cases of
  several functions over the same kinks are one set of cases, their values added (see _kink_terms_merged).

The parser already notes each kink function the user typed (in ``Formula.notes``); the notes of
:class:`Derivatives` add what differentiation itself decided: the second derivatives dropped at
kinks, and the kink conventions for a formula that carries no notes of its own. No ``Heaviside``,
``DiracDelta`` or unevaluated ``Derivative``/``Subs`` ever leaves this module.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import sympy
from sympy.core.parameters import distribute, global_parameters

from gradviz.core.errors import FormulaError
from gradviz.core.formula import KINK_NOTES, Formula, ordered_terms
from gradviz.core.notation import (
    INEQUALITIES,
    Spelling,
    comparable_difference,
    compared_differences,
    factor_kind,
    identity_order,
    is_strict,
    kink_side,
    partial_label,
    printed_with_kinks,
    value_of_cases_from,
)

# Beyond this many operations a derivative is left as SymPy produced it: tidying is a nicety,
# and its cost must stay bounded (SymPy's full ``simplify`` is never used, it can take seconds).
TIDY_MAX_OPS = 150

KINK_NOTE = (
    "max and min have a kink where two of their arguments are equal; there a max takes the slope of the one typed "
    "first, a min of the one typed last. "
    "relu has its kink at 0, where its slope is taken as 0, as PyTorch does."
)
ABS_NOTE = "abs has a kink at 0; its derivative sign(u) is taken as 0 there."
DELTA_NOTE = "At a kink the second derivative is an infinitely thin spike; gradviz takes it as 0 there."

_UNEVALUATED = (sympy.Derivative, sympy.Subs)
_FORBIDDEN = (sympy.Heaviside, sympy.DiracDelta, *_UNEVALUATED)

# triples (a, b, strict): where a > b (a ≥ b where not strict) for each, a step is 1 (see _step_relations)
StepComparisons = tuple[tuple[sympy.Expr, sympy.Expr, bool], ...]
# For each max and min of f, the steps H(u) of its partials, each as its argument u is compared (see
# comparable_difference): the steps of one function may be one Piecewise, those of two never are
StepFamilies = frozenset[frozenset[sympy.Expr]]


_ExtremeKey = tuple[type, frozenset[sympy.Expr], bool]  # max or min, its arguments, whether numbers go into sums
_EXTREMES: dict[_ExtremeKey, sympy.Expr] = {}  # SymPy's max and min made so far, by what they were made of
EXTREMES_KEPT = 1024  # beyond this many, the ones made so far are forgotten


def _plain_extreme(kind: type[sympy.Max] | type[sympy.Min], arguments: Sequence[sympy.Expr]) -> sympy.Expr:
    """SymPy's max (min) of these arguments, made once per set of them, whatever their order (as SymPy's is).

    SymPy compares every pair of a max's arguments each time it makes one (tens of milliseconds for eight planes), and
    differentiating asks for the same ones hundreds of times (its steps, their signs). A max made is also kept as the
    max of the arguments it kept, which make it again as it is (doit makes each max of a partial again so).
    """
    key = (kind, frozenset(arguments), global_parameters.distribute)
    made = _EXTREMES.get(key)
    if made is None:
        if len(_EXTREMES) >= EXTREMES_KEPT:
            _EXTREMES.clear()
        made = _EXTREMES[key] = kind(*arguments)
        if isinstance(made, kind):
            _EXTREMES.setdefault((kind, frozenset(made.args), key[2]), made)
    return made


class TiesToFirst(sympy.Function):
    """A max or min with its arguments in the typed order, whose slope at a tie is that of the argument typed first
    among the tied ones (as numpy.argmax picks the first): a slope f has beside the tie, never 0 where f has no flat
    spot. SymPy sorts a max's arguments, and its own derivative, H(x − y) by x and H(y − x) by y with 0 at the kink,
    made ∇max(x, y) = (0, 0) on the whole line x = y.

    f is differentiated with each max and min as one of these (see _derivative); they never leave this module.
    """

    plain: type[sympy.Max] | type[sympy.Min]

    def __new__(cls, *arguments: sympy.Expr) -> sympy.Expr:
        """The max (min) of the arguments in this order, or SymPy's own where it merges them into fewer."""
        evaluated = _plain_extreme(cls.plain, arguments)
        if not isinstance(evaluated, cls.plain) or len(evaluated.args) != len(arguments):
            return evaluated
        return sympy.Expr.__new__(cls, *arguments)

    def fdiff(self, argindex: int = 1) -> sympy.Heaviside:
        """The step H(u), 1 where the argindex-th argument is the largest (smallest): its second argument, the value at
        the kink to SymPy, is the pair of tuples of the arguments typed before it, against which it must be strictly
        larger (smaller), and of those typed after it, against which at least as large (small) is enough (see
        _step_relations)."""
        index = argindex - 1
        chosen, earlier, later = self.args[index], self.args[:index], self.args[index + 1:]
        others = _plain_extreme(self.plain, (*earlier, *later))
        difference = chosen - others if self.plain is sympy.Max else others - chosen
        return sympy.Heaviside(difference, sympy.Tuple(sympy.Tuple(*earlier), sympy.Tuple(*later)))

    def _eval_is_extended_real(self) -> bool | None:
        """As for SymPy's max (min) of the same arguments (the chain rule through abs and roots asks)."""
        return self.as_plain().is_extended_real

    def _eval_is_nonnegative(self) -> bool | None:
        """As for SymPy's max (min) of the same arguments (the chain rule through abs and roots asks)."""
        return self.as_plain().is_nonnegative

    def _eval_is_positive(self) -> bool | None:
        """As for SymPy's max (min) of the same arguments (the chain rule through abs and roots asks)."""
        return self.as_plain().is_positive

    def as_plain(self) -> sympy.Expr:
        """SymPy's max (min) of the same arguments."""
        return _plain_extreme(self.plain, self.args)


class TypedMax(TiesToFirst):
    """max with its arguments in the typed order (see TiesToFirst)."""

    plain = sympy.Max


class TypedMin(TiesToFirst):
    """min with its arguments in the typed order (see TiesToFirst)."""

    plain = sympy.Min


TYPED_KINDS: dict[type, type[TiesToFirst]] = {sympy.Max: TypedMax, sympy.Min: TypedMin}
TypedOrders = Mapping[frozenset[sympy.Expr], tuple[sympy.Expr, ...]]  # the arguments of max and min, as first typed


def _typed_orders(formula: Formula) -> TypedOrders:
    """For each set of arguments of a max or min of f, the order the first max or min of them was typed in.

    Every max and min of the same arguments breaks its ties in that one order, so that ties agree across f:
    max(x, y) + min(y, x), which is x + y, keeps x + y's slope at x = y (a max's tie going to the first, a min's to
    the last of one order), where each in its own typed order took x's slope twice. relu(u) is max(0, u), 0 first
    (its slope at 0 is 0), where no max or min of 0 and u was typed.
    """
    typed = [arguments for _, arguments in formula.spelling.flat_arguments()]
    typed += [(sympy.S.Zero, argument) for argument in formula.typed_relus]
    orders: dict[frozenset[sympy.Expr], tuple[sympy.Expr, ...]] = {}
    for arguments in typed:
        orders.setdefault(frozenset(arguments), arguments)
    return orders


def _derivative(expr: sympy.Expr, symbol: sympy.Symbol, orders: TypedOrders) -> sympy.Expr:
    """expr's derivative by symbol, each max's step at a tie that of its first typed argument, each min's of its last
    (see TiesToFirst): arguments with no typed order known taken in SymPy's."""
    if not expr.has(sympy.Max, sympy.Min):
        return sympy.diff(expr, symbol)
    return _with_plain_extremes(sympy.diff(_with_typed_extremes(expr, orders), symbol))


def _with_plain_extremes(expr: sympy.Expr) -> sympy.Expr:
    """expr with each TiesToFirst as SymPy's max or min of its arguments."""
    return expr.replace(lambda part: isinstance(part, TiesToFirst), lambda part: part.as_plain())


def _done(expr: sympy.Expr) -> sympy.Expr:
    """expr.doit(), each max and min in it made once per set of its arguments (see _plain_extreme): SymPy's doit makes
    each anew, and each of the eight partials of the max of eight planes took a tenth of a second more."""
    if not expr.has(sympy.Max, sympy.Min):
        return expr.doit()
    typed = expr.replace(lambda part: isinstance(part, (sympy.Max, sympy.Min)),
                         lambda part: TYPED_KINDS[part.func](*part.args))
    return _with_plain_extremes(typed.doit())


def _with_typed_extremes(expr: sympy.Expr, orders: TypedOrders) -> sympy.Expr:
    """expr with each max and min (inner ones first) as a TiesToFirst with its arguments in the typed order."""
    if not expr.args or not expr.has(sympy.Max, sympy.Min):
        return expr
    arguments = [_with_typed_extremes(argument, orders) for argument in expr.args]
    if not isinstance(expr, (sympy.Max, sympy.Min)):
        return expr.func(*arguments)
    typed_kind = TypedMax if isinstance(expr, sympy.Max) else TypedMin
    as_typed = dict(zip(expr.args, arguments, strict=True))
    order = orders.get(frozenset(expr.args), expr.args)
    if typed_kind is TypedMin:  # min's tie goes to the argument typed last: max(a, b) + min(a, b) is a + b at a tie too
        order = tuple(reversed(order))
    return typed_kind(*(as_typed[argument] for argument in order))


def _without_tie_marks(expr: sympy.Expr) -> sympy.Expr:
    """expr with each step's tuples of the arguments typed before and after its own (see TiesToFirst) left out, to
    differentiate it: SymPy cannot differentiate a tuple, and a step's derivative, a DiracDelta spike, is taken as 0
    anyway."""
    if not expr.has(sympy.Heaviside):
        return expr
    return expr.replace(lambda part: isinstance(part, sympy.Heaviside) and isinstance(part.args[-1], sympy.Tuple),
                        lambda step: sympy.Heaviside(step.args[0]))


class Cases(sympy.Piecewise):
    """A piecewise function whose cases stay one a row, rows with one value too.

    SymPy's Piecewise writes {1 if a; 1 if b} as 1 if (a or b), its condition multiplied out into an 'and' of 'or's:
    min(x, y, x + y)'s ∂f/∂x read 1 if (y > 0 or x < 0) and (y > 0 or y < 0) and (x < 0 or x < y) and …, not one row
    for x and one for x + y. Only the cases of kinks are made so (see _piecewise); they pickle as they are.
    """

    @classmethod
    def eval(cls, *pairs: sympy.Tuple) -> sympy.Expr | None:
        """The value of the one case left when it holds everywhere; else the cases as they are, never merged."""
        return pairs[0].expr if len(pairs) == 1 and pairs[0].cond is sympy.true else None


Cases.__name__ = "Piecewise"  # SymPy's printers (code, text, LaTeX) find how to print a function by its class's name


def _piecewise(rows: Sequence[tuple[sympy.Expr, sympy.Basic]]) -> sympy.Piecewise:
    """The piecewise function of these (value, condition) rows: a Cases where two rows in a row have one value, so
    that SymPy does not merge them (see Cases), else SymPy's own Piecewise."""
    values = [value for value, _ in rows]
    kind = Cases if any(first == second for first, second in itertools.pairwise(values)) else sympy.Piecewise
    return kind(*rows)


@dataclass(frozen=True)
class Derivatives:
    """A formula with its first partial derivatives and its Hessian, in variable order."""

    formula: Formula
    partials: tuple[sympy.Expr, ...]
    hessian: tuple[tuple[sympy.Expr, ...], ...]
    notes: tuple[str, ...] = ()
    # For each partial: the derivatives of f's terms in the order they were typed (the order to print its terms in)
    typed_term_orders: tuple[tuple[sympy.Expr, ...], ...] = ()
    # For each partial: its products' factors in the typed order, the chain rule's in the place of the typed factor
    # they came from (see _chain_rule_orders)
    chain_rule_orders: tuple[tuple[tuple[sympy.Expr, ...], ...], ...] = ()

    @property
    def variables(self) -> tuple[str, ...]:
        """The names of the variables, in display order."""
        return self.formula.variables

    def partial(self, name: str) -> sympy.Expr:
        """The partial derivative with respect to the variable called ``name``."""
        try:
            return self.partials[self.variables.index(name)]
        except ValueError:
            raise KeyError(f"{name!r} is not a variable of {self.formula.text!r}") from None

    @functools.cached_property
    def shown_notes(self) -> tuple[str, ...]:
        """The formula's notes and these, less those on kinks when no partial as printed keeps one: the kinks of
        max(x, y) + min(x, y) cancel (it is x + y, its partials print as 1 and 1)."""
        notes = (*self.formula.notes, *self.notes)
        spelled = ((partial, self.partial_spelling(index)) for index, partial in enumerate(self.partials))
        if any(printed_with_kinks(partial, spelling) for partial, spelling in spelled):
            return notes
        return tuple(note for note in notes if note not in {*KINK_NOTES, KINK_NOTE, ABS_NOTE, DELTA_NOTE})

    def partial_spelling(self, index: int) -> Spelling:
        """How to print the partial by the index-th variable as f was typed (see Formula.spelling)."""
        order = self.typed_term_orders[index] if self.typed_term_orders else ()
        spelling = self.formula.spelling
        products = spelling.products + (self.chain_rule_orders[index] if self.chain_rule_orders else ())
        return dataclasses.replace(spelling, term_order=order, products=products)

    def gradient_matrix(self) -> sympy.Matrix:
        """The gradient as a SymPy column matrix (for display)."""
        return sympy.Matrix(self.partials)

    def hessian_matrix(self) -> sympy.Matrix:
        """The Hessian as a SymPy matrix (for display)."""
        return sympy.Matrix(self.hessian)


def differentiate(formula: Formula) -> Derivatives:
    """All first (tidied) and second partial derivatives of ``formula``, free of distributions."""
    symbols = formula.symbols
    unknown = formula.expr.free_symbols - set(symbols)
    if unknown:
        names = ", ".join(sorted(str(symbol) for symbol in unknown))
        raise ValueError(f"the expression of {formula.text!r} uses symbols that are not its variables: {names}")
    notes: list[str] = []
    orders = _typed_orders(formula)
    with distribute(False):  # the chain rule's −2(5 − w₁ − 2w₂) as the tutorials write it, not 2w₁ + 4w₂ − 10
        by_term = _partials_by_typed_term(formula, orders)
        if by_term:
            raw_partials = [sympy.Add(*terms) for terms in by_term]
        else:
            raw_partials = [_merged_signs(_derivative(formula.expr, symbol, orders)) for symbol in symbols]
    for index, partial in enumerate(raw_partials):
        distributed = _done(partial)  # numbers multiplied into sums: fewer terms where they cancel or combine
        if len(sympy.Add.make_args(distributed)) < len(sympy.Add.make_args(partial)):  # (x+y)(x−y): −2y, not
            raw_partials[index] = distributed  # x − y − (x + y)
            if by_term:
                by_term[index] = tuple(_done(term) for term in by_term[index])
    parts_of_f = list(sympy.preorder_traversal(formula.expr))
    sums_of_f = frozenset(part for part in parts_of_f if part.is_Add)
    extremes = {part for part in parts_of_f if isinstance(part, (sympy.Max, sympy.Min))}
    families = _step_families(extremes)
    partials_with_steps = [_arguments_as_in_f(_tidy(_drop_deltas(partial, notes), symbols, sums_of_f))
                           for partial in raw_partials]
    size = len(symbols)
    hessian: list[list[sympy.Expr]] = [[sympy.S.Zero] * size for _ in range(size)]
    for row in range(size):
        for column in range(row, size):
            # Hessian entries are not tidied: they are evaluated, seldom read, and tidying costs time.
            entry = _drop_deltas(_derivative(_without_tie_marks(partials_with_steps[row]), symbols[column], orders),
                                 notes)
            hessian[row][column] = hessian[column][row] = _finish(entry, notes, families)
    with distribute(False):  # 2(x + 1), not 2x + 2 again
        # each typed term's derivative as it is in the partial, so that a kink's cases come in the term's place
        typed_term_orders = tuple(
            tuple(part for term in terms if term != 0 for part in _typed_parts(
                _as_in_partial(term, families) if partial.has(sympy.Heaviside) else term, formula))
            for terms, partial in zip(by_term, partials_with_steps, strict=False))
        merged = [_kink_terms_merged(_finish(partial, notes, families), typed)
                  for partial, typed in itertools.zip_longest(partials_with_steps, typed_term_orders, fillvalue=())]
        partials = tuple(_integer_contents_out(partial, sums_of_f) for partial, _ in merged)
        typed_term_orders = tuple(typed for _, typed in merged) if typed_term_orders else ()
    if formula.notes:  # the parser has told about the kinks already, in the user's own words
        notes = [note for note in notes if note not in (KINK_NOTE, ABS_NOTE)]
    for derivative in (*partials, *(entry for row in hessian for entry in row)):
        _check_clean(derivative)
    _check_real(formula, partials)
    return Derivatives(
        formula=formula,
        partials=partials,
        hessian=tuple(tuple(row) for row in hessian),
        notes=tuple(dict.fromkeys(notes)),
        typed_term_orders=typed_term_orders,
        chain_rule_orders=tuple(_chain_rule_orders(formula.typed_products, symbol) for symbol in symbols),
    )


def _chain_rule_orders(products: Iterable[tuple[sympy.Expr, ...]],
                       symbol: sympy.Symbol) -> tuple[tuple[sympy.Expr, ...], ...]:
    """The factors (no numbers) of the derivative by symbol of each typed product, one factor differentiated at a time,
    in the typed order, with the factors the chain rule gave that factor in its place: y·2^x·ln(2) for y·2^x,
    2^x·ln(2)·y for 2^x·y, cos(x)·y for sin(x)·y, 2x·cos(x²)·y for sin(x²)·y; none where it gave a number (2^x·z for
    2^x·yz by y). Letters side by side among which the chain rule put one read as one monomial, in SymPy's order:
    2xy·cos(x²) for y·sin(x²), not 2yx·cos(x²).

    Not where the factor's derivative is letters and brackets alone: that of x·y² by y, 2y·x, stays 2xy.
    """
    orders: list[tuple[sympy.Expr, ...]] = []
    for product in products:
        for index, factor in enumerate(product):
            if not factor.has(symbol) or factor.has(sympy.Max, sympy.Min):
                continue
            parts = [part for part in sympy.diff(factor, symbol).as_ordered_factors() if not part.is_Number]
            named = [part for part in parts if factor_kind(part) == "named"]
            if named or not parts:
                inner = [part for part in parts if factor_kind(part) != "named"]
                order = [*product[:index], *inner, *named, *product[index + 1:]]
                orders.append(tuple(_letters_of_one_monomial_sorted(order, inner)))
    return tuple(dict.fromkeys(orders))


def _letters_of_one_monomial_sorted(factors: Sequence[sympy.Expr], new: Sequence[sympy.Expr]) -> list[sympy.Expr]:
    """The factors with each run of letters side by side (x, y², see factor_kind) that has one of new among them in
    SymPy's order, as one monomial is written: x, y for y, x; runs with none of new as they are."""
    ordered: list[sympy.Expr] = []
    for is_letter, run in itertools.groupby(factors, key=lambda factor: factor_kind(factor) == "letter"):
        letters = list(run)
        ordered += sorted(letters, key=sympy.default_sort_key) if is_letter and set(letters) & set(new) else letters
    return ordered


def _as_in_partial(term: sympy.Expr, families: StepFamilies) -> sympy.Expr:
    """A typed term's derivative as the partial writes it: a kink's step as its cases, y·x^(y − 1) for x^y·y/x."""
    merged = _powers_merged(term)
    return _kinks_as_cases(merged, families) if merged.has(sympy.Heaviside) else merged


def _step_families(extremes: Iterable[sympy.Expr]) -> StepFamilies:
    """For each of these max and min, the steps of its derivatives (see StepFamilies): by each of its arguments with a
    variable in it, as the chain rule takes them into the derivative by any variable (relu(x)'s is H(x) alone: the
    step of its 0, H(−x), is relu(−x)'s)."""
    # their steps' arguments are SymPy's, with each max and min of fewer arguments made once
    return frozenset(frozenset(_step_key(TYPED_KINDS[extreme.func](*extreme.args).fdiff(position))
                               for position, argument in enumerate(extreme.args, 1) if not argument.is_number)
                     for extreme in extremes)


def _step_key(step: sympy.Heaviside) -> sympy.Expr:
    """A step's argument as steps are told apart (see comparable_difference): H(2x − 1) is H(x − 1/2)."""
    return comparable_difference(step.args[0])


def _of_one_function(first: sympy.Heaviside, second: sympy.Heaviside, families: StepFamilies) -> bool:
    """Whether two steps are those of one max or min (or of none that f has, as far as families tell)."""
    keys = (_step_key(first), _step_key(second))
    known = [family for family in families if keys[0] in family or keys[1] in family]
    return not known or any(keys[0] in family and keys[1] in family for family in known)


def _typed_parts(term: sympy.Expr, formula: Formula) -> tuple[sympy.Expr, ...]:
    """The terms of a typed term's derivative: in the typed order where they are one of f's own sums, else as printed.

    ∂/∂b of 0.5(wx + b − y)² is the bracket itself, wx + b − y: not b + wx − y, SymPy's order.
    """
    typed = Spelling(sums=formula.typed_sums).order_of(term, whole=False) if term.is_Add else ()
    return typed or tuple(identity_order(ordered_terms(term)))


def _partials_by_typed_term(formula: Formula, orders: TypedOrders) -> list[tuple[sympy.Expr, ...]]:
    """For each variable, the derivative of each term of f in the typed order (x² + 3xy, by x: 2x, 3y).

    Their sum is the partial derivative (SymPy differentiates a sum term by term too). Empty when the typed
    terms do not add up to f's expression as it is.
    """
    terms = formula.typed_terms
    if not terms or sympy.Add(*terms) != formula.expr:
        return []
    return [tuple(_merged_signs(_derivative(term, symbol, orders)) for term in terms) for symbol in formula.symbols]


def gradient(formula: Formula) -> tuple[sympy.Expr, ...]:
    """The gradient of ``formula``: its first partial derivatives in variable order."""
    return differentiate(formula).partials


def hessian(formula: Formula) -> tuple[tuple[sympy.Expr, ...], ...]:
    """The (symmetric) Hessian of ``formula``: its second partial derivatives in variable order."""
    return differentiate(formula).hessian


def partials_at(derivatives: Derivatives, point: Mapping[str, float]) -> tuple[sympy.Expr, ...]:
    """The exact partial derivatives at ``point`` (integers stay exact: 6x+2y at (1, 2) gives 10)."""
    replacements = _point_replacements(derivatives.formula, point)
    return tuple(partial.xreplace(replacements) for partial in derivatives.partials)


def hessian_at(derivatives: Derivatives, point: Mapping[str, float]) -> tuple[tuple[sympy.Expr, ...], ...]:
    """The exact Hessian at ``point``."""
    replacements = _point_replacements(derivatives.formula, point)
    return tuple(tuple(entry.xreplace(replacements) for entry in row) for row in derivatives.hessian)


def _point_replacements(formula: Formula, point: Mapping[str, float]) -> dict[sympy.Symbol, sympy.Expr]:
    """Map each symbol of ``formula`` to the exact number given for it in ``point``."""
    missing = [name for name in formula.variables if name not in point]
    if missing:
        raise KeyError(f"no value given for {', '.join(missing)}")
    pairs = zip(formula.variables, formula.symbols, strict=True)
    return {symbol: sympy.sympify(point[name], strict=True) for name, symbol in pairs}  # numbers only, never text


def _check_real(formula: Formula, partials: Sequence[sympy.Expr]) -> None:
    """Refuse f, or a partial of it, that is no real number anywhere: i or NaN would be shown in its equation."""
    name = formula.name
    if formula.expr.has(sympy.I) or any(_is_even_root_of_a_negative(power) for power in formula.expr.atoms(sympy.Pow)):
        raise FormulaError(f"{name} is not a real number anywhere: it is i times a real number (a square root or "
                           "power of a number that is negative everywhere)")
    for symbol, partial in zip(formula.symbols, partials, strict=True):
        label = partial_label(name, str(symbol))
        if partial.has(sympy.I):
            raise FormulaError(f"{label} is not a real number (it has i in it): {name} is real only at separate "
                               "points, as (−1)^x is at whole numbers, or nowhere, as √(−1 − x²)")
        if partial.has(sympy.nan, sympy.zoo):
            raise FormulaError(f"{label} has no value anywhere (as for 0^x, whose slope cannot be worked out): write "
                               f"{name} another way")


def _is_even_root_of_a_negative(power: sympy.Pow) -> bool:
    """Whether a power is a square (or fourth…) root of something negative everywhere: √(−1 − x²) is i·√(1 + x²)."""
    exponent = power.exp
    return bool(exponent.is_Rational and exponent.q % 2 == 0 and power.base.is_negative)


def _drop_deltas(expr: sympy.Expr, notes: list[str]) -> sympy.Expr:
    """Take DiracDelta spikes (second derivatives at kinks and jumps) as 0."""
    if expr.has(sympy.DiracDelta):
        notes.append(DELTA_NOTE)
        expr = expr.replace(sympy.DiracDelta, _zero)
    return expr


def _finish(expr: sympy.Expr, notes: list[str], families: StepFamilies) -> sympy.Expr:
    """Replace Heaviside by its 0-at-the-kink Piecewise (the steps of one max or min of families as one) and note the
    kink conventions used."""
    if expr.has(sympy.Heaviside):
        notes.append(KINK_NOTE)
        expr = _kinks_as_cases(expr, families)
    if expr.has(sympy.sign):
        notes.append(ABS_NOTE)
    return expr


def _kinks_as_cases(expr: sympy.Expr, families: StepFamilies) -> sympy.Expr:
    """Each step of a kink (Heaviside) as the cases of its 0-at-the-kink Piecewise, with the factors it has in them.

    The steps of one max or min (one of families) in a sum are one Piecewise with a row for each argument: ∂/∂x of
    max(x, 2y, 1 − x) is {1 if x > 2y and x > 1 − x; −1 if 1 − x > x and 1 − x > 2y; 0 otherwise}, not a sum of two.
    Those of two functions stay two: min(x, y, x + y) + relu(x − y) has min's cases and relu's, not one Piecewise
    whose rows no reader can tell apart.
    """
    return _remembered_kinks_as_cases(expr, global_parameters.distribute, families)


@functools.lru_cache(maxsize=256)
def _remembered_kinks_as_cases(expr: sympy.Expr, distributing: bool, families: StepFamilies) -> sympy.Expr:
    """_kinks_as_cases, remembered (see _remembered_cases): a partial's typed terms are written as cases again, and
    SymPy takes milliseconds over the conditions of cases it multiplies together."""
    groups = functools.partial(_exclusive_step_groups, families=families)
    steps_joined = expr.replace(lambda part: _has_exclusive_steps(part, groups),
                                lambda part: _exclusive_steps_joined(part, groups)) if expr.has(sympy.Add) else expr
    steps_joined = steps_joined.replace(_is_product_of_steps, _product_of_steps_as_cases)
    cases = steps_joined.replace(sympy.Heaviside, _step).replace(_is_product_with_cases, _product_as_cases)
    return cases.replace(lambda part: isinstance(part, sympy.Piecewise), _settled_in_cases)


def _step_comparisons(argument: sympy.Expr) -> tuple[tuple[sympy.Expr, sympy.Expr], ...]:
    """The pairs (a, b) with a > b for each where a step H(argument) is 1.

    H(a − max(b, c)) is 1 where a > b and a > c, H(min(b, c) − a) where a < b and a < c: the conditions of a max's or
    min's argument read as plain comparisons, with no max in them. Any other step compares its argument with 0.
    """
    terms = sympy.Add.make_args(argument)
    for term in terms:
        coefficient, extreme = term.as_coeff_Mul()
        if isinstance(extreme, (sympy.Max, sympy.Min)) and coefficient == (-1 if isinstance(extreme, sympy.Max) else 1):
            others = [other for other in terms if other is not term]
            if isinstance(extreme, sympy.Max):
                return tuple((sympy.Add(*others), other) for other in extreme.args)
            return tuple((other, sympy.Add(*(-other for other in others))) for other in extreme.args)
    return ((argument, sympy.S.Zero),)


def _steps_condition(steps: tuple[sympy.Heaviside, ...]) -> sympy.Basic:
    """Where all the steps are 1, each max or min settled by the comparisons with none.

    H(x)·H(max(0, x) − y), the chain rule's through relu(relu(x) − y), is 1 where x > 0 and x > y: relu(x) is x there.
    """
    return _all_of([relation for step in steps for relation in sympy.And.make_args(_step_condition(step))])


def _all_of(relations: Sequence[sympy.Basic]) -> sympy.Basic:
    """Where all the relations hold, each max or min in them settled by the comparisons with none, and those the
    others imply left out: x > y and x < 1, not x > y and x < 1 and y < 1 (1 − y is 1 − x plus x − y). False where
    two of them contradict each other (x > y and y > x)."""
    if len(relations) == 1:
        return relations[0]
    known = set().union(*(compared_differences(relation) for relation in relations
                          if not relation.has(sympy.Max, sympy.Min)))
    settled = list(dict.fromkeys(_settled(relation, known) for relation in relations))
    differences = [_compared_difference(relation) for relation in settled]
    known_differences = [difference for difference in differences if difference is not None]
    if any(_sum_of((first[0], second[0])) == 0 and (first[1] or second[1])  # x ≥ y and x ≤ y hold where x = y
           for first, second in itertools.combinations(known_differences, 2)):
        return sympy.false
    kept = list(range(len(settled)))
    for index, difference in enumerate(differences):
        others = [differences[other] for other in kept if other != index and differences[other] is not None]
        if difference is not None and _implied(difference, others):
            kept.remove(index)
    return sympy.And(*(settled[index] for index in kept))


ComparedDifference = tuple[sympy.Expr, bool]  # u − v of a comparison (see comparable_difference), and whether u > v


def _implied(compared: ComparedDifference, known: Sequence[ComparedDifference]) -> bool:
    """Whether difference > 0 (≥ 0) follows from those known: it is one of them or two of them added, plus a number at
    least 0 (x > 0 from x > 1; y < 1 from x < 1 and y < x; x > y from x > 1 and y < 0); it is > 0 where one of them
    is or the number is more than 0."""
    difference, strict = compared
    subtracted = [(one,) for one in known] + list(itertools.combinations(known, 2))
    for parts in subtracted:
        rest = _sum_of((difference,), minus=[part for part, _ in parts])
        if _is_number_at_least_0(rest) and (not strict or rest > 0 or any(part_strict for _, part_strict in parts)):
            return True
    return False


def _sum_of(differences: Iterable[sympy.Expr], minus: Iterable[sympy.Expr] = ()) -> sympy.Expr:
    """Multiplied-out differences added, and those of minus subtracted, term by term: their like terms combine with no
    expand, whether or not numbers are being multiplied into sums."""
    return sympy.Add(*(term for difference in differences for term in sympy.Add.make_args(difference)),
                     *(-term for difference in minus for term in sympy.Add.make_args(difference)))


def _is_number_at_least_0(expr: sympy.Expr) -> bool:
    """Whether expr is a number that is 0 or more."""
    return bool(expr.is_number and expr.is_nonnegative)


def _compared_difference(relation: sympy.Basic) -> ComparedDifference | None:
    """The difference u − v a comparison says is positive or at least 0 (see comparable_difference) and whether it
    is positive, or None for another condition."""
    if isinstance(relation, INEQUALITIES):
        return comparable_difference(relation.gts - relation.lts), is_strict(relation)
    return None


def _step_relations(step: sympy.Heaviside) -> StepComparisons:
    """The comparisons (a, b, strict) where the step is 1 (see _step_comparisons), each strict (a > b) or not (a ≥ b).

    The step of a max's or min's argument (see TiesToFirst) has the arguments typed before and after it as its second
    argument: against those before the comparison is strict, against those after not. A max or min of two compares
    with its other argument in every comparison its step reads as (2 − relu(x) > 0 as 2 > 0 and 2 > x), whatever
    they are. Any other step is 0 at its kink.
    """
    at_kink = step.args[1] if len(step.args) > 1 else sympy.S.Half
    comparisons = _step_comparisons(step.args[0])
    if not isinstance(at_kink, sympy.Tuple):
        return tuple((larger, smaller, True) for larger, smaller in comparisons)
    typed_before, typed_after = (side.args for side in at_kink.args)
    if len(typed_before) + len(typed_after) == 1:
        return tuple((larger, smaller, bool(typed_before)) for larger, smaller in comparisons)
    return tuple((larger, smaller, larger in typed_before or smaller in typed_before)
                 for larger, smaller in comparisons)


def _step_condition(step: sympy.Heaviside) -> sympy.Basic:
    """Where the step is 1: u > 0 for H(u); x − y ≥ 0 and x − z > 0 for H(x − max(y, z)) of a max's x typed after z
    and before y (see _step_relations)."""
    relations = _step_relations(step)
    if len(relations) == 1:
        return step.args[0] > 0 if relations[0][2] else step.args[0] >= 0
    differences = [(sympy.Add(larger, *(-term for term in sympy.Add.make_args(smaller))), strict)
                   for larger, smaller, strict in relations]
    return sympy.And(*(difference > 0 if strict else difference >= 0 for difference, strict in differences))


def _step_of(term: sympy.Expr) -> tuple[sympy.Expr, sympy.Heaviside] | None:
    """A term as its factor and its one step (2x, H(u) for 2x·H(u)), or None if it has no step or more than one."""
    steps = [factor for factor in sympy.Mul.make_args(term) if isinstance(factor, sympy.Heaviside)]
    if len(steps) != 1:
        return None
    factor = term / steps[0]
    return None if factor.has(sympy.Heaviside) else (factor, steps[0])


def _exclusive(first: StepComparisons, second: StepComparisons) -> bool:
    """Whether two steps (see _step_relations) are never 1 together: one needs a > b where the other needs b > a or
    b ≥ a (a ≥ b and b ≥ a both hold where a = b)."""
    return any((strict or other_strict) and sympy.expand(larger - smaller + other_larger - other_smaller) == 0
               for larger, smaller, strict in first for other_larger, other_smaller, other_strict in second)


def _exclusive_step_groups(expr: sympy.Add, families: StepFamilies) -> list[list[tuple[sympy.Expr, sympy.Heaviside]]]:
    """The sum's terms with a step, in groups of at least two whose steps are 1 in separate places and are those of
    one max or min (see StepFamilies)."""
    groups: list[list[tuple[sympy.Expr, sympy.Heaviside, StepComparisons]]] = []
    for term in expr.args:
        step = _step_of(term)
        if step is None:
            continue
        comparisons = _step_relations(step[1])
        group = next((group for group in groups if all(
            _exclusive(comparisons, other[2]) and _of_one_function(step[1], other[1], families) for other in group)),
            None)
        if group is None:
            groups.append([(*step, comparisons)])
        else:
            group.append((*step, comparisons))
    return [[(factor, step) for factor, step, _ in group] for group in groups if len(group) > 1]


StepGroups = Callable[[sympy.Add], list[list[tuple[sympy.Expr, sympy.Heaviside]]]]  # see _exclusive_step_groups


def _has_exclusive_steps(expr: sympy.Expr, step_groups: StepGroups) -> bool:
    """Whether a sum has terms with steps that are 1 in separate places, to be written as one Piecewise."""
    return expr.is_Add and expr.has(sympy.Heaviside) and bool(step_groups(expr))


def _exclusive_steps_joined(expr: sympy.Add, step_groups: StepGroups) -> sympy.Expr:
    """The sum with each group of terms whose steps are 1 in separate places as one Piecewise, a row for each term."""
    groups = step_groups(expr)
    joined = [term for group in groups for term in group]
    rest = [term for term in expr.args if _step_of(term) not in joined]
    cases = [_cases(tuple((factor, (step,)) for factor, step in group)) for group in groups]
    return sympy.Add(*rest, *cases)


def _cases(rows: tuple[tuple[sympy.Expr, tuple[sympy.Heaviside, ...]], ...]) -> sympy.Piecewise:
    """The Piecewise with a case (factor, where all the steps are 1) for each (factor, steps) of rows, and 0
    otherwise."""
    return _remembered_cases(rows, global_parameters.distribute)


@functools.lru_cache(maxsize=256)
def _remembered_cases(rows: tuple[tuple[sympy.Expr, tuple[sympy.Heaviside, ...]], ...],
                      distributing: bool) -> sympy.Piecewise:
    """_cases, remembered (with whether numbers are multiplied into sums, as that changes how SymPy writes them):
    a partial's cases are made again for its typed terms, and SymPy takes milliseconds over their conditions."""
    return _piecewise([*((factor, _steps_condition(steps)) for factor, steps in rows), (sympy.S.Zero, True)])


def _is_product_of_steps(expr: sympy.Expr) -> bool:
    """Whether expr is a product of two or more steps and factors with none (the chain rule through kinks)."""
    return expr.is_Mul and sum(isinstance(factor, sympy.Heaviside) for factor in expr.args) > 1 and not any(
        factor.has(sympy.Heaviside) for factor in expr.args if not isinstance(factor, sympy.Heaviside))


def _product_of_steps_as_cases(product: sympy.Mul) -> sympy.Piecewise:
    """A product of steps as one case, where all of them are 1 (see _is_product_of_steps)."""
    steps = [factor for factor in product.args if isinstance(factor, sympy.Heaviside)]
    factor = sympy.Mul(*(other for other in product.args if not isinstance(other, sympy.Heaviside)))
    return _cases(((factor, tuple(steps)),))


def _settled_in_cases(cases: sympy.Piecewise) -> sympy.Piecewise:
    """The cases with each max or min whose largest (smallest) term a case's condition tells written as that term."""
    rows = _settled_rows(cases.args)
    return cases if all(new is old for (new, _), (old, _) in zip(rows, cases.args, strict=True)) else _piecewise(rows)


def _settled_rows(rows: Sequence[tuple[sympy.Expr, sympy.Basic]]) -> list[tuple[sympy.Expr, sympy.Basic]]:
    """Cases (value, condition) with each max or min whose largest (smallest) term the condition tells as that term.

    In the row where wx + b > 0, relu's max(0, wx + b) is wx + b: 2x(wx + b − y), not 2x(max(0, wx + b) − y). So in
    'otherwise' after one comparison: there max(y, 2x) is y, where 2x > y is not.
    """
    compared = rows[0][1] if len(rows) == 2 and rows[1][1] is sympy.true else None
    # u ≤ v where u > v is not, and u < v where u ≥ v is not
    otherwise = {comparable_difference(compared.lts - compared.gts)} if isinstance(compared, INEQUALITIES) else set()
    return [(_settled(value, compared_differences(condition) if condition is not sympy.true else otherwise), condition)
            for value, condition in rows]


def _settled(value: sympy.Basic, at_least: set[sympy.Expr]) -> sympy.Basic:
    """value with each max (min) whose term is at least (at most) each other one by the differences known to be at
    least 0 (see comparable_difference) written as that term."""
    if not at_least or not value.has(sympy.Max, sympy.Min):
        return value

    def resolved(part: sympy.Expr) -> sympy.Expr | None:
        """The term of a max or min the known differences tell is the one it is, or None."""
        if not isinstance(part, (sympy.Max, sympy.Min)):
            return None
        sign = 1 if isinstance(part, sympy.Max) else -1
        return next((term for term in part.args if all(comparable_difference(sign * (term - other)) in at_least
                                                       for other in part.args if other is not term)), None)

    return value.replace(lambda part: resolved(part) is not None, resolved)


def _zero(*_args: sympy.Expr) -> sympy.Expr:
    """SymPy's zero, whatever the arguments (used to drop DiracDelta terms)."""
    return sympy.S.Zero


def _step(*arguments: sympy.Expr) -> sympy.Expr:
    """The unit step H(*arguments) as its cases: 1 where it is 1 (see _step_condition), else 0."""
    return _cases(((sympy.S.One, (sympy.Heaviside(*arguments),)),))


def _is_product_with_cases(expr: sympy.Expr) -> bool:
    """Whether expr is a product with cases to be written as one piecewise function, a case for each of theirs.

    Its cases are one piecewise function or a bracket with some, beside factors with none: ∂/∂x of 2max(x, y) is
    {2 if x > y; 0 otherwise}, not 2{1 if x > y; 0 otherwise}; that of (x² − max(y, 2x))² is
    {4(x − 1)(x² − 2x) if 2x > y; 4x(x² − y) otherwise}, not 4(x + {−1 if 2x > y; 0 otherwise})(x² − max(y, 2x)); a
    bracket with several is a sum of such products, one for each (see _product_as_cases). Or
    they are piecewise functions that are 0 otherwise, whose conditions then hold together: ∂/∂x of relu(relu(x) − y)
    is {1 if x > 0 and x > y; 0 otherwise}, not {1 if x > 0; 0 otherwise}·{1 if relu(x) > y; 0 otherwise}.
    """
    if not expr.is_Mul:
        return False
    with_cases = [factor for factor in expr.args if factor.has(sympy.Piecewise)]
    if len(with_cases) == 1:
        return isinstance(with_cases[0], sympy.Piecewise) or _is_bracket_with_cases(with_cases[0])
    return bool(with_cases) and all(isinstance(factor, sympy.Piecewise) and factor.args[-1] == (0, True)
                                    for factor in with_cases)


def _product_as_cases(product: sympy.Mul) -> sympy.Expr:
    """A product with cases as one piecewise function (see _is_product_with_cases), its cases' max and min settled."""
    with_cases = [factor for factor in product.args if factor.has(sympy.Piecewise)]
    if len(with_cases) > 1:
        return _product_of_cases(product, with_cases)
    (carrier,) = with_cases
    others = [factor for factor in product.args if factor is not carrier]
    if not carrier.is_Add:
        return _times_cases(others, carrier, [])
    pieces = [term for term in carrier.args if isinstance(term, sympy.Piecewise)]
    beside = [term for term in carrier.args if not isinstance(term, sympy.Piecewise)]
    if len(pieces) == 1:
        return _times_cases(others, pieces[0], beside)
    # 2(relu(x) + relu(y))·({1 if x > 0; 0 otherwise} + {1 if x > y; 0 otherwise}) for (relu(x) + max(x, y))²: no
    # braces inside a bracket, but the factors times each one's cases, their max and min settled
    return sympy.Add(*(_times_cases(others, cases, []) for cases in pieces), sympy.Mul(*others, sympy.Add(*beside)))


def _product_of_cases(product: sympy.Mul, factors_with_cases: Sequence[sympy.Piecewise]) -> sympy.Piecewise:
    """A product of piecewise functions that are 0 otherwise as one: a row for each way of taking a row of each, where
    all their conditions hold (see _all_of). SymPy's piecewise_fold merged the rows of one value into an 'and' of 'or's:
    relu(max(x, y, x + y) − 1)'s ∂f/∂x read 1 if (x > 0 or y < 0) and (y > 0 or y < 0) and …"""
    factors = [factor for factor in product.args if factor not in factors_with_cases]
    rows = [(sympy.Mul(*factors, *(value for value, _ in choice)),
             _all_of([relation for _, condition in choice for relation in sympy.And.make_args(condition)]))
            for choice in itertools.product(*(cases.args[:-1] for cases in factors_with_cases))]
    return _piecewise(_settled_rows([*rows, (sympy.S.Zero, sympy.true)]))


def _times_cases(factors: Sequence[sympy.Expr], cases: sympy.Piecewise, beside: Sequence[sympy.Expr]) -> sympy.Expr:
    """The product of factors and (cases plus the terms beside them) as one piecewise function, a row for each case."""
    return _piecewise(_settled_rows([(sympy.Mul(*factors, sympy.Add(*beside, value)), condition)
                                     for value, condition in cases.args]))


def _is_bracket_with_cases(expr: sympy.Expr) -> bool:
    """Whether expr is a sum of piecewise functions and terms with none (x + {−1 if 2x > y; 0 otherwise})."""
    return expr.is_Add and all(isinstance(term, sympy.Piecewise) or not term.has(sympy.Piecewise)
                               for term in expr.args)


def _check_clean(expr: sympy.Expr) -> None:
    """Raise FormulaError if an unevaluated derivative remains; assert no distribution does."""
    if expr.has(*_UNEVALUATED):
        culprits = {str(item.expr.func) for item in expr.atoms(sympy.Derivative)} or {"part"}
        raise FormulaError(f"cannot differentiate the {', '.join(sorted(culprits))} in this formula")
    assert not expr.has(*_FORBIDDEN), expr


def _merged_signs(expr: sympy.Expr) -> sympy.Expr:
    """expr with each product sign(u)·uⁿ written as |u|·uⁿ⁻¹ (see _sign_times_power)."""
    return expr.replace(_has_sign_factor, _sign_times_power) if expr.has(sympy.sign) else expr


def _has_sign_factor(expr: sympy.Expr) -> bool:
    """Whether expr is a product with a sign(u) factor."""
    return expr.is_Mul and any(isinstance(factor, sympy.sign) for factor in expr.args)


def _sign_times_power(product: sympy.Mul) -> sympy.Expr:
    """sign(u)·uⁿ written as |u|·uⁿ⁻¹ (u·sign(u) = |u|, sign(u)/u = 1/|u|): equal wherever u ≠ 0.

    The derivative of x/|x| is then 0, not 1/|x| − sign(x)/x, and that of |x|³ is 3x·|x|.
    """
    factors = list(product.args)
    for sign in (factor for factor in factors if isinstance(factor, sympy.sign)):
        argument = sign.args[0]
        for power in factors:
            base, exponent = power.as_base_exp()
            if power is not sign and base == argument and exponent.is_Integer and exponent != 0:
                rest = [factor for factor in factors if factor is not sign and factor is not power]
                merged = 1 / sympy.Abs(argument) if exponent == -1 else sympy.Abs(argument) * argument ** (exponent - 1)
                return sympy.Mul(*rest, merged)
    return product


def _tidy(expr: sympy.Expr, symbols: tuple[sympy.Symbol, ...], sums_of_f: frozenset[sympy.Expr]) -> sympy.Expr:
    """A bounded, cheap simplification: powers of one base merged, fractions combined, common factors pulled out.

    Polynomials are kept as differentiation wrote them: expanded ones as a textbook writes them
    (6x + 2y, 2xy + y²), others with the chain rule still visible (4x(x² + y - 11) + 2x + 2y² - 14).
    Combining fractions must not take apart a bracket of f: (σ(wx + b) − y)² has the partials
    2x(σ − y)·σ′ and −2(σ − y), not 2x(1 − y(1 + e^(−(wx + b))))·e^(−(wx + b))/(1 + e^(−(wx + b)))³ beside −2(σ − y).
    """
    if expr.is_number or expr.is_polynomial(*symbols):
        return expr
    expr = _powers_merged(expr)
    size = sympy.count_ops(expr)
    if size > TIDY_MAX_OPS:
        return expr
    candidate = _fraction_kept_in(sympy.factor_terms(sympy.together(expr)))
    if _kink_in_bracket(candidate) and not _kink_in_bracket(expr):  # 2x − {2 if …}, not 2(x − {1 if …})
        return expr
    if _exponents(candidate) - _exponents(expr):  # e^x/(e^x + 1)² for σ(x)'s e^(−x)/(1 + e^(−x))²: not as f has it
        return expr
    if any(expr.has(bracket) and not candidate.has(bracket) for bracket in sums_of_f):
        return expr
    return candidate if sympy.count_ops(candidate) < size else expr


def _kink_in_bracket(expr: sympy.Expr) -> bool:
    """Whether a product has a bracket with a kink's step among its terms, which would be cases inside a bracket."""
    return expr.is_Mul and any(factor.is_Add and factor.has(sympy.Heaviside) for factor in expr.args)


def _fraction_kept_in(expr: sympy.Expr) -> sympy.Expr:
    """A fraction factor_terms took out in front of a bracket multiplied back in: 1.4y·cos(2xy) − 0.48x·e^(…), not
    0.04(35y·cos(2xy) − 12x·e^(…)); cos(x)/2 + e^y/3, not (3cos(x) + 2e^y)/6. A whole number stays out: 2(x + 1)."""
    coefficient, rest = expr.as_coeff_Mul()
    if not coefficient.is_Rational or coefficient.is_Integer:
        return expr
    if rest.is_Add:
        return sympy.Add(*(coefficient * term for term in rest.args))
    brackets = [factor for factor in rest.args if factor.is_Add] if rest.is_Mul else []
    if len(brackets) != 1:
        return expr
    others = [factor for factor in rest.args if factor is not brackets[0]]
    return sympy.Mul(*others, sympy.Add(*(coefficient * term for term in brackets[0].args)))


def _powers_merged(expr: sympy.Expr) -> sympy.Expr:
    """Each product x^u·xⁿ (u no number, n a whole number) as x^(u + n): ∂/∂x of x^y is y·x^(y − 1), not x^y·y/x."""
    return expr.replace(_has_powers_to_merge, _with_powers_merged) if expr.has(sympy.Pow) else expr


def _powers_to_merge(product: sympy.Expr) -> tuple[sympy.Pow, sympy.Expr] | None:
    """In a product, a power with an exponent that is no number and a whole power of its base beside it, if any.

    A number in front stays there: 2(x + 1)·2^y, not (x + 1)·2^(y + 1).
    """
    factors = product.args
    for power in factors:
        if not (power.is_Pow and not power.exp.is_number):
            continue
        for other in factors:
            base, exponent = other.as_base_exp()
            if other is not power and not other.is_Number and base == power.base and exponent.is_Integer:
                return power, other
    return None


def _has_powers_to_merge(expr: sympy.Expr) -> bool:
    """Whether expr is a product with powers of one base to merge (see _powers_merged)."""
    return expr.is_Mul and _powers_to_merge(expr) is not None


def _with_powers_merged(product: sympy.Mul) -> sympy.Expr:
    """The product with its first pair of powers of one base merged into one power."""
    pair = _powers_to_merge(product)
    assert pair is not None  # replace calls this only where _has_powers_to_merge said so
    power, other = pair
    rest = [factor for factor in product.args if factor is not power and factor is not other]
    return sympy.Mul(*rest, sympy.Pow(power.base, power.exp + other.as_base_exp()[1]))


def _integer_contents_out(expr: sympy.Expr, sums_of_f: frozenset[sympy.Expr]) -> sympy.Expr:
    """A whole number common to a bracket's terms taken out in front: 2(x + 1)(y − 1), not (2x + 2)(y − 1).

    Only brackets differentiation wrote: f's own, (2x + 2)(y − 1)² typed so, keep their form. Call it where
    numbers are not distributed into sums, or 2(x + 1) turns back into 2x + 2.
    """
    def content(factor: sympy.Expr) -> sympy.Expr:
        """The whole number common to the terms of a bracket among a product's factors (1 for other factors)."""
        base, exponent = factor.as_base_exp()
        if not base.is_Add or base in sums_of_f or not (exponent.is_Integer and exponent > 0):
            return sympy.S.One
        common = base.primitive()[0]
        return common**exponent if common.is_Integer else sympy.S.One

    def has_content(part: sympy.Expr) -> bool:
        """Whether a product has a bracket with a whole number common to its terms."""
        return part.is_Mul and any(content(factor) != 1 for factor in part.args)

    def taken_out(product: sympy.Mul) -> sympy.Expr:
        """The product with the brackets' common whole numbers in front."""
        numbers = [content(factor) for factor in product.args]
        brackets = [factor if number == 1 else sympy.Pow(factor.as_base_exp()[0].primitive()[1],
                                                         factor.as_base_exp()[1])
                    for factor, number in zip(product.args, numbers, strict=True)]
        return sympy.Mul(sympy.Mul(*numbers), *brackets)

    return expr.replace(has_content, taken_out)


def _exponents(expr: sympy.Expr) -> set[sympy.Expr]:
    """The exponents of the powers of e in an expression (each as f would write it, see _arguments_as_in_f)."""
    return {_distributed(power.args[0]) for power in expr.atoms(sympy.exp)}


def _distributed(argument: sympy.Expr) -> sympy.Expr:
    """A number times a sum multiplied out, as SymPy writes it when it builds f: −(wx + b) as −wx − b."""
    if not isinstance(argument, sympy.Expr):  # a Piecewise's (value, condition) pairs
        return argument
    coefficient, rest = argument.as_coeff_Mul()
    if coefficient is sympy.S.One or not rest.is_Add:
        return argument
    return sympy.Add(*(coefficient * term for term in rest.args))


def _arguments_as_in_f(expr: sympy.Expr) -> sympy.Expr:
    """The arguments of functions (e^…, sin, ln) multiplied out as in f, where tidying took a number out of them.

    σ(wx + b)'s partial wrote its one exponent two ways, e^(−b − wx) above the line and e^(−(wx + b)) below.
    """
    def is_factored(part: sympy.Expr) -> bool:
        """Whether part is a function with an argument that tidying wrote as a number times a sum."""
        return isinstance(part, sympy.Function) and any(_distributed(arg) is not arg for arg in part.args)

    return expr.replace(is_factored, lambda part: part.func(*(_distributed(arg) for arg in part.args)))


# Cased terms over the same kinks are merged only where the ways of taking a case (or none) of each are at most these
MOST_MERGED_CHOICES = 64
# Cases comparing more differences than these are not looked at side by side (2ⁿ sides, see _one_value)
MOST_SIDES_COMPARED = 8

CaseRow = tuple[sympy.Expr, tuple[sympy.Basic, ...]]  # a case's value and the comparisons that all hold where it does


def _kink_terms_merged(partial: sympy.Expr, typed: Sequence[sympy.Expr]) -> tuple[sympy.Expr, tuple[sympy.Expr, ...]]:
    """The partial with its cased terms over the same kinks as one set of cases (see _merged_cases) and each set of
    cases of one value on every side of its kinks as that value (see _one_value); and typed, the order to print its
    terms in, with each merged set in the place of the first of its terms.

    relu(x) − relu(−x) + y had ∂f/∂x = {1 if x > 0; 0 otherwise} + {1 if x < 0; 0 otherwise}: it is 1, x's slope.
    """
    if not partial.has(sympy.Piecewise):
        return partial, tuple(typed)
    terms = sympy.Add.make_args(partial)
    # a typed term's cases as the cases of the partial they are among (max's and min's of x and y are one)
    typed = [value_of_cases_from(term, {cases: cases for cases in terms if isinstance(cases, sympy.Piecewise)})
             for term in typed]
    place = {term: index for index, term in reversed(list(enumerate(typed)))}
    cased = [(term, rows) for term in sorted(terms, key=lambda term: place.get(term, len(typed)))
             if (rows := _cased_rows(term)) is not None]
    groups: dict[frozenset[sympy.Expr], list[tuple[sympy.Expr, list[CaseRow]]]] = {}
    for term, rows in cased if len(cased) > 1 else ():
        groups.setdefault(frozenset(kink_side(relation)[0] for _, relations in rows for relation in relations),
                          []).append((term, rows))
    written: dict[sympy.Expr, tuple[int, sympy.Expr]] = {}  # each term merged: the index of its group, and how
    for index, group in enumerate(groups.values()):
        with_cases = len(group) > 1 and any(isinstance(term, sympy.Piecewise) for term, _ in group)
        merged = _merged_cases([rows for _, rows in group]) if with_cases else None
        if merged is not None:
            written.update(dict.fromkeys((term for term, _ in group), (index, merged)))
    for term, rows in cased:
        # cases whose rows have one value, an 'otherwise' aside: those of several values never have one everywhere
        one_value = len({value for value, _ in rows[:-1]}) == 1 and isinstance(term, sympy.Piecewise)
        value = _one_value(rows) if one_value and term not in written else None
        if value is not None:
            written[term] = (-1 - len(written), value)  # a group of its own
    if not written:
        return partial, tuple(typed)
    return sympy.Add(*_once_merged(terms, written)), tuple(_once_merged(typed, written))


def _once_merged(terms: Sequence[sympy.Expr], written: Mapping[sympy.Expr, tuple[int, sympy.Expr]]) -> list[sympy.Expr]:
    """The terms each as written (see _kink_terms_merged), those merged into one once, in the place of the first."""
    groups_written: set[int] = set()
    kept: list[sympy.Expr] = []
    for term in terms:
        group, merged = written.get(term, (None, term))
        if group not in groups_written:
            kept.append(merged)
        if group is not None:
            groups_written.add(group)
    return kept


def _cased_rows(term: sympy.Expr) -> list[CaseRow] | None:
    """A term's cases, the last one 'otherwise' (no comparisons): a piecewise function's whose conditions are
    comparisons joined by 'and', or a sign's (c·sign(u) is c where u > 0, −c where u < 0, 0 otherwise); None for any
    other term."""
    if isinstance(term, sympy.Piecewise):
        *conditional, (otherwise_value, otherwise) = term.args
        rows = [(value, sympy.And.make_args(condition)) for value, condition in conditional]
        otherwise_row = (otherwise_value, ()) if otherwise is sympy.true else None
    else:
        signs = [factor for factor in sympy.Mul.make_args(term) if isinstance(factor, sympy.sign)]
        factor = sympy.Mul(*(factor for factor in sympy.Mul.make_args(term) if factor not in signs))
        if len(signs) != 1 or factor.has(sympy.sign, sympy.Piecewise):
            return None
        argument = signs[0].args[0]
        rows, otherwise_row = [(factor, (argument > 0,)), (-factor, (argument < 0,))], (sympy.S.Zero, ())
    if otherwise_row is None or not all(isinstance(relation, INEQUALITIES)
                                        for _, relations in rows for relation in relations):
        return None
    return [*rows, otherwise_row]


def _merged_cases(terms: Sequence[Sequence[CaseRow]]) -> sympy.Expr | None:
    """The sum of cased terms as one set of cases, their values added, or its one value (see _one_value); None where
    its cases would take too many rows or more than one side of a comparison to hold apart (see _apart).

    A case for each way of taking a case of each term, or none of one (it is then at its 'otherwise'), where their
    comparisons all hold, a way taking a case of more terms first: max(x, 0) + min(x, 0) has 1 if x ≥ 0, 1 if 0 > x;
    max(x, y, z) + min(x, y, z) 1 if x ≥ y and x ≥ z, 1 if x < y and x < z, 0 otherwise. None too where that has more
    cases than the terms have: max(x, y, x + y) + min(x, y, x + y)'s six cases read worse than their two and two.
    """
    choices = [[*rows[:-1], None] for rows in terms]
    if functools.reduce(lambda count, choice: count * len(choice), choices, 1) > MOST_MERGED_CHOICES:
        return None
    otherwise_values = [rows[-1][0] for rows in terms]
    rows: list[CaseRow] = []
    for choice in itertools.product(*choices):
        value = sympy.Add(*(otherwise if row is None else row[0]
                            for row, otherwise in zip(choice, otherwise_values, strict=True)))
        relations = [relation for row in choice if row is not None for relation in row[1]]
        if not relations:  # none of any: the last way
            rows.append((value, ()))
            continue
        condition = _all_of(relations)
        if condition is sympy.false:
            continue
        held = sympy.And.make_args(condition)
        if not any(_implies(held, earlier) for _, earlier in rows):  # else an earlier case holds wherever it does
            rows.append((value, held))
    apart = _apart(rows)
    if apart is None:
        return None
    value = _one_value(apart)
    if value is not None:
        return value
    if len(apart) - 1 > sum(len(rows) - 1 for rows in terms):  # more cases than the terms had apart: harder to read
        return None
    *conditional, otherwise = [(value, _as_condition(relations)) for value, relations in apart]
    # the cases hold apart: one of the 'otherwise' value left to it, and in any order, those on a tie after the others
    conditional = [case for case in _ties_joined(conditional) if not _same_value(case[0], otherwise[0])]
    return _piecewise([*sorted(conditional, key=lambda case: case[1].has(sympy.Eq)), otherwise])


_NOT_STRICT = {sympy.StrictGreaterThan: sympy.GreaterThan, sympy.StrictLessThan: sympy.LessThan}


def _ties_joined(cases: Sequence[tuple[sympy.Expr, sympy.Basic]]) -> list[tuple[sympy.Expr, sympy.Basic]]:
    """Cases that hold apart with each on a tie (u = v) of the value of one beside it (u > v) joined to it: −1 if
    x ≥ y for −1 if x > y and −1 if x = y."""
    joined = list(cases)
    for tie in [case for case in cases if case[1].has(sympy.Eq)]:
        ties = [relation for relation in sympy.And.make_args(tie[1]) if isinstance(relation, sympy.Eq)]
        rest = set(sympy.And.make_args(tie[1])) - set(ties)
        kink = kink_side(ties[0])[0]
        for index, (value, condition) in enumerate(joined):
            relations = set(sympy.And.make_args(condition))
            beside = [relation for relation in relations - rest if type(relation) in _NOT_STRICT
                      and kink_side(relation)[0] == kink]
            if len(ties) == 1 and len(relations - rest) == 1 and beside and _same_value(value, tie[0]):
                widened = _NOT_STRICT[type(beside[0])](beside[0].lhs, beside[0].rhs)
                joined[index] = (value, sympy.And(*rest, widened))
                joined.remove(tie)
                break
    return joined


def _implies(relations: Sequence[sympy.Basic], others: Sequence[sympy.Basic]) -> bool:
    """Whether others all hold wherever the relations do (see _implied)."""
    known = [_compared_difference(relation) for relation in relations]
    return all(_implied(_compared_difference(other), known) for other in others)


def _apart(rows: Sequence[CaseRow]) -> list[CaseRow] | None:
    """The cases (the first to hold at a point being its value) with each narrowed to where none before it holds, so
    that at most one holds anywhere; None where narrowing one takes more than one comparison's other side.

    max(x, y) + relu(x − y)'s 2 if x > y, 1 if x ≥ y: 1 if x ≥ y and y ≥ x, which is x = y (see _as_condition).
    """
    narrowed: list[CaseRow] = []
    for value, relations in rows:
        for _, earlier in narrowed:
            if not relations or _all_of([*earlier, *relations]) is sympy.false:
                continue
            beyond = [relation for relation in earlier if not _implies(relations, (relation,))]
            if len(beyond) != 1:
                return None
            condition = _all_of([*relations, beyond[0].negated])
            if condition is sympy.false:
                break
            relations = sympy.And.make_args(condition)
        else:
            narrowed.append((value, relations))
    return narrowed


def _as_condition(relations: Sequence[sympy.Basic]) -> sympy.Basic:
    """The relations joined by 'and', u ≥ v and v ≥ u as u = v; true for none ('otherwise')."""
    equal = [(first, second) for first, second in itertools.combinations(relations, 2)
             if not is_strict(first) and not is_strict(second) and _sum_of((_compared_difference(first)[0],
                                                                            _compared_difference(second)[0])) == 0]
    paired = {relation for pair in equal for relation in pair}
    return sympy.And(*(relation for relation in relations if relation not in paired),
                     *(sympy.Eq(first.gts - first.lts, 0) for first, _ in equal))


def _one_value(rows: Sequence[CaseRow]) -> sympy.Expr | None:
    """The value of cases with one value on every side of the kinks they compare (where no difference they compare is
    0, each comparison holding or not), None for cases with more: f has no kink there, that is its slope on them too.

    relu(x) − relu(−x), which is x, has ∂f/∂x = 1 at 0 (not the 0 of each relu's slope there); max(x, y) − min(x, y) −
    abs(x − y), which is 0, ∇f = 0 on x = y. Sides no point is on (x > y, y > z and z > x) are left out.
    """
    sides = {relation: kink_side(relation) for _, relations in rows for relation in relations}
    kinks = sorted({kink for kink, _ in sides.values()}, key=sympy.default_sort_key)
    if len(kinks) > MOST_SIDES_COMPARED:
        return None
    cells: dict[sympy.Expr, list[tuple[int, ...]]] = {}
    for signs in itertools.product((1, -1), repeat=len(kinks)):
        of_kink = dict(zip(kinks, signs, strict=True))
        cells.setdefault(next(value for value, relations in rows if all(
            of_kink[sides[relation][0]] == sides[relation][1] for relation in relations)), []).append(signs)
    values: list[tuple[sympy.Expr, list[tuple[int, ...]]]] = []  # the values written alike joined (2(x + 1), 2x + 2)
    for value, signs in cells.items():
        same = next((known_signs for known, known_signs in values if _same_value(known, value)), None)
        if same is None:
            values.append((value, signs))
        else:
            same.extend(signs)
    for value, _ in values:
        if all(_on_no_point(kinks, signs) for other, cells in values if other is not value for signs in cells):
            return value
    return None


def _same_value(first: sympy.Expr, second: sympy.Expr) -> bool:
    """Whether two expressions are equal once multiplied out."""
    with distribute(True):
        return first == second or sympy.expand(first - second) == 0


def _on_no_point(kinks: Sequence[sympy.Expr], signs: Sequence[int]) -> bool:
    """Whether the differences cannot all have these signs at one point: one's sign is the other of what the others
    imply (see _implied), as x − z's for x − y > 0 and y − z > 0."""
    if len(kinks) < 2:
        return False
    positive = [(comparable_difference(sign * kink), True) for kink, sign in zip(kinks, signs, strict=True)]
    return any(_implied((comparable_difference(-difference), False), positive[:index] + positive[index + 1:])
               for index, (difference, _) in enumerate(positive))
