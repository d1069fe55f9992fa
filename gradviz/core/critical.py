"""Critical points: where the plotted partial derivatives are all zero, found from the grid and made exact by Newton.

Each grid point where |∇f| is smaller than at its neighbours is a guess; Newton's method on ∇f = 0, with the
Hessian, takes it to the point itself. The points are then told apart: a minimum (f rises every way), a maximum
(f falls every way), a saddle (both) or, for a curve, an inflection (f rises one way and falls the other). With the
Hessian's eigenvalues where they decide it, and otherwise (x⁴, the monkey saddle x³ − 3xy²) by f on a small ring
around the point.
"""

from __future__ import annotations

import gc
import itertools
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from gradviz.core.compiled import CompiledFormula
from gradviz.core.grid import GridField, zeroed_below
from gradviz.core.notation import format_number, unicode_name

MOST_GUESSES = 150  # grid points tried (a fraction of a millisecond of Newton each); more: too many points to mark
TIME_LIMIT = 0.1  # seconds of Newton at most (the window waits for them); then they are not all found. Counted in
# the thread's processor time less Python's garbage collections (see SearchClock): a busy machine (another program, a
# video being written) or a long session's heap must not make them go unmarked
TOO_MANY = "there are too many here to find one by one"
TOO_SLOW = "finding them all takes too long here"
KINKS_TOO_MANY = "too many places to try"  # why minima, maxima and saddles at kinks were not looked for
KINKS_TOO_SLOW = "trying every place takes too long here"
NEWTON_STEPS = 40  # enough for the slow (linear) approach to a degenerate point such as x⁴'s
LINEAR_RATIOS = (0.3, 0.99)  # Newton's steps shrinking by a steady ratio in this range approach a degenerate point…
ALIGNED = 0.999  # …along one line (the cosine between two steps): see _past_linear_steps
SETTLED = 1e-12  # a Newton step this small, in grid cells, ends the search
EDGE = 1e-6  # of a grid cell: a point found this far beyond a range's end is on it (rounding)
GRADIENT_TOLERANCE = 1e-7  # of the grid's typical |∇f|: what is left of ∇f at a point found
RING_POINTS = 16  # around a point whose Hessian cannot tell its kind, one grid cell away
RING_SCALES = (1.0, 4.0, 16.0, 64.0)  # radii of the rings tried in turn, in grid cells, until f changes measurably
LINE_WIDTH = 1.5  # grid cells either side of a line of critical points found, in which grid points are not tried
KINK_SCALE = 1 / 16  # of a cell: ∇f there is at most half its size a cell away, unless the point is on a kink
LINE_CONTRAST = 1e-3  # along a straight line of critical points ∇f is this far below its size the other ways
LINE_REACH = 8  # grid cells along a flat direction from which Newton's method must find another critical point
GROWTH_REACH = 2.0  # ∇f along a flat direction, at the reach, twice it and four times it…
GROWTH = 3.0  # …growing this many times or more each time: a power of the distance, no line (x¹²'s grows 2¹¹ times)
LEVEL_TOLERANCE = 1e-13  # of |f| plus f's span over the grid: a change of f smaller than this is none
ZERO_IN_CELLS = 1e-9  # of a grid cell: a coordinate found this near 0 is 0 (sin(3x)·cos(2y) + x²/5's y, −4.7e−38)
ZERO_IN_SPAN = 1e-12  # of f's span over the grid: f this near 0 at a point found is 0 (Himmelblau's minima, 7.9e−31)
NEAR_ZERO = 2.0  # a guess's |∇f| is at most this many times ∇f's change to a neighbour (a zero within a cell: < 0.8)
# Minima and maxima at kinks (abs(x) + abs(y) at 0), where ∇f is undefined and never 0: the grid's lowest (highest)
# points beside none that Newton's method found, taken to the point by a search on f alone, then kept where f rises
# (falls) every way, ∇f jumps there and the gradients around it point every way (no way down along a crease).
KINK_GUESSES = 12  # grid points tried at most
KINK_SETTLED = 1e-12  # of a cell: the search's step when it stops
HULL_RADIUS = 1e-6  # of a cell: the ring on which the gradients round a kink are looked at
HULL_SLACK = 1e-3  # radians: gradients round a kink spread over at most π plus this leave no way out (abs(x) + y²'s
# point one way or the opposite, all but exactly), a wider gap between them is one
HULL_STEEPNESS = 1e-3  # |∇f| on that ring, at least this share of its largest a cell away (a smooth f's: 1e-6)
HULL_POINTS = 64  # gradients looked at round a kink in a plane
# Saddles at kinks (abs(x) − abs(y) at 0): the grid cells a kink crosses whose corners' gradients point every way
# (0 in their convex hull), each taken by Newton's method to where two kinks cross, or along one kink to where f's
# slope along it is 0, then kept where f rises some ways and falls others and the gradients around point every way.
KINK_CELLS = 48  # grid cells tried at most; more: a crease of minima (abs(x − y)) or too many to look at
KINK_NEWTON_STEPS = 30
KINK_DIFFERENCE = 1e-6  # of a cell: the step of the difference quotients of f's slope along a kink
KINDS = ("minimum", "maximum", "saddle", "inflection")
LINE = "line"  # a critical point on a line of them
KINK = "kink"  # a point on a kink of f where ∇f is 0 by convention alone (max(x, y) where x = y)


@dataclass(frozen=True)
class CriticalPoints:
    """The critical points found in the plotted ranges, why some may not be, and whether ∇f = 0 along lines too."""

    points: tuple[CriticalPoint, ...]
    left_out: str = ""  # why not every one was looked for (TOO_MANY, TOO_SLOW), "" if every one was
    on_lines: bool = False  # ∇f = 0 all along a line too (a valley floor, a ridge): those are not points to mark
    everywhere: bool = False  # ∇f = 0 at every grid point: f does not change in the plotted ranges
    undefined: bool = False  # f has no finite value at any grid point: there is nothing to look for
    axes: tuple[str, ...] = ()  # the plotted variables, along which the partials are 0
    held: tuple[tuple[str, float], ...] = ()  # the held variables and their values: the points are the slice's
    kinks_left_out: str = ""  # why the points at kinks of f were not looked for, "" if they were or f has none

    def zero_condition(self) -> str:
        """What is 0 at these points: ∇f, or with variables held, the partials along the plotted ones."""
        if not self.held or not self.axes:
            return "∇f = 0"
        return " = ".join(f"∂f/∂{unicode_name(name)}" for name in self.axes) + " = 0"

    def of_the_slice(self) -> str:
        """' of the slice z = 1' with variables held, '' without."""
        if not self.held:
            return ""
        held = ", ".join(f"{unicode_name(name)} = {format_number(value)}" for name, value in self.held)
        return f" of the slice {held}"

    @property
    def complete(self) -> bool:
        """Whether every critical point in the ranges was looked for."""
        return not self.left_out


@dataclass(frozen=True)
class CriticalPoint:
    """A point of the plotted variables where their partial derivatives are zero, its f and what kind it is."""

    point: tuple[float, ...]  # in the order of the plotted variables
    value: float
    kind: str  # one of KINDS
    kink: bool = False  # at a kink of f, where ∇f is undefined (a minimum, maximum or saddle all the same)


class SearchClock:
    """Whether a search has had its time: its thread's processor seconds, less those Python's garbage collections take.

    A full collection walks every object the process holds: in a long session (or a test run) it took 0.4 s at
    times, and counted, it left all nine of Himmelblau's points unmarked where their search takes 15–20 ms.
    Used as a context manager, it counts the collections made in its thread while the block runs.
    """

    def __init__(self, time_limit: float) -> None:
        self.time_limit = time_limit
        self._thread = threading.get_ident()
        self._started = time.thread_time()
        self._collection_started = 0.0
        self.collection_seconds = 0.0  # how long the collections in the block took

    def __enter__(self) -> SearchClock:
        gc.callbacks.append(self._count_collection)
        return self

    def __exit__(self, *_exception: object) -> None:
        gc.callbacks.remove(self._count_collection)

    def _count_collection(self, phase: str, _info: dict[str, int]) -> None:
        """Python's call at the start and the stop of each garbage collection."""
        if threading.get_ident() != self._thread:
            return
        if phase == "start":
            self._collection_started = time.thread_time()
        else:
            self.collection_seconds += time.thread_time() - self._collection_started

    def out_of_time(self) -> bool:
        """True once the search's own work has taken longer than its limit."""
        return time.thread_time() - self._started - self.collection_seconds > self.time_limit


def critical_points(compiled: CompiledFormula, field: GridField, time_limit: float = TIME_LIMIT) -> CriticalPoints:
    """The critical points of f inside the field's plotted ranges (held variables kept at their values).

    Not complete where the grid suggests more than MOST_GUESSES of them, or they take over time_limit seconds to find.
    """
    with SearchClock(time_limit) as clock:
        return _search(compiled, field, clock)


def _search(compiled: CompiledFormula, field: GridField, clock: SearchClock) -> CriticalPoints:
    """The critical points (see critical_points), found until the clock says the search's time is up."""
    domain = field.domain
    held = tuple(domain.fixed.items())
    plotted = [compiled.variables.index(name) for name in domain.variables]
    base = np.array([domain.fixed.get(name, 0.0) for name in compiled.variables], dtype=np.float64)
    cells = np.array([(high - low) / (domain.resolution - 1) for low, high in domain.ranges])
    if not np.isfinite(field.values).any():  # ln(−1 − x²): no value, so no slope, anywhere
        return CriticalPoints((), undefined=True, axes=domain.variables, held=held)
    with np.errstate(over="ignore"):  # |∇f|² past the largest float is inf: never a guess
        squares = sum(np.square(component) for component in field.gradient)
        finite = squares[np.isfinite(squares)]
        if finite.size and not finite.any():  # 0x + 0y, or x·y·z with z held at 0: no point is special
            return CriticalPoints((), everywhere=True, axes=domain.variables, held=held)
        guesses = _guesses(field, squares)
    typical = float(np.sqrt(np.nanmedian(squares))) if np.isfinite(squares).any() else 0.0
    tolerance = GRADIENT_TOLERANCE * max(typical, 1e-12)
    span = field.display_range[1] - field.display_range[0]
    found: list[CriticalPoint] = []
    on_lines = False
    along_a_line = np.zeros(len(guesses), dtype=bool)  # grid points along a line of critical points found: not tried
    planar = _planar(compiled, base, plotted, guesses)
    left_out, tried = "", 0
    for index, guess in enumerate(guesses):
        if along_a_line[index]:
            continue
        if tried == MOST_GUESSES:
            left_out = TOO_MANY
            break
        if clock.out_of_time():  # too many to try in any time, or too slow to find
            untried = int(np.count_nonzero(~along_a_line[index:]))
            left_out = TOO_MANY if tried + untried > MOST_GUESSES else TOO_SLOW
            break
        if planar[index]:  # no candidate: Newton's method cannot move from it, and finds nothing
            continue
        tried += 1
        point = _newton(compiled, base, plotted, guess, cells, tolerance, domain.ranges)
        if point is None or any(np.all(np.abs(np.array(known.point) - point) < cells) for known in found):
            continue
        full = base.copy()
        full[plotted] = point
        kind, direction = _kind(compiled, full, plotted, cells, span, tolerance, domain.ranges)
        if kind in (LINE, KINK):
            on_lines |= kind == LINE
            along_a_line |= _off_line(np.array(guesses), point, direction, cells) < LINE_WIDTH
        elif kind in KINDS:
            found.append(_critical_point(compiled, base, plotted, point, cells, span, kind))

    kinks_left_out = ""
    if not left_out and compiled.kinked:  # no abs, min, max or relu: no kinks to look at (up to 7 ms each field)
        kinks, kinks_left_out = _kink_extrema(compiled, field, base, plotted, cells, span, found, clock)
        found += kinks
        if not kinks_left_out:
            kinks, kinks_left_out = _kink_crossings(compiled, field, base, plotted, cells, span, found, clock)
            found += kinks

    def grid_place(critical: CriticalPoint) -> tuple[float, ...]:
        """The point in whole grid cells: points in one column sort by their row, not by rounding noise."""
        return tuple(np.rint(np.array(critical.point) / cells).tolist())

    return CriticalPoints(tuple(sorted(found, key=grid_place)), left_out, on_lines, axes=domain.variables, held=held,
                          kinks_left_out=kinks_left_out)


def _guesses(field: GridField, squares: np.ndarray) -> list[np.ndarray]:
    """Grid points where ∇f may be zero nearby: |∇f|² at most each neighbour's and below one's, smallest first.

    Points on the grid's edges count too, against the neighbours they have: a minimum on a range's end (the
    bowl (x − 3)² + y² plotted up to x = 3) is found there. A point's |∇f| must also be within NEAR_ZERO times
    the change of ∇f to a neighbour: where ∇f is zero within a cell, ∇f at the grid point is less than that
    change, while the smallest |∇f| along a line where it never vanishes (x² + 3y: 3 at x = 0) is far more.
    """
    padded_squares = np.pad(squares, 1, constant_values=np.nan)  # no neighbour beyond the edges
    padded_components = [np.pad(component, 1, constant_values=np.nan) for component in field.gradient]
    lowest = np.isfinite(squares)
    below_one = np.zeros_like(lowest)
    largest_change = np.zeros_like(squares)
    for shifted in _neighbour_slices(squares.shape):
        neighbour = padded_squares[shifted]
        with np.errstate(invalid="ignore"):
            change = sum(np.square(padded[shifted] - component)
                         for padded, component in zip(padded_components, field.gradient, strict=True))
        with np.errstate(invalid="ignore"):
            lowest &= ~(neighbour < squares)  # a NaN neighbour (or none) does not count against it
            below_one |= squares < neighbour
        largest_change = np.fmax(largest_change, change)
    near_zero = squares <= NEAR_ZERO**2 * largest_change
    indices = np.argwhere(lowest & below_one & near_zero)
    order = np.argsort(squares[tuple(indices.T)], kind="stable")
    axes = [field.xs] if field.ys is None else [field.xs, field.ys]
    # values are indexed [row (y), column (x)] for a surface; points are (x, y)
    return [np.array([axes[axis][index] for axis, index in enumerate(reversed(row) if field.ys is not None else row)])
            for row in indices[order]]


def _neighbour_slices(shape: tuple[int, ...]) -> Iterator[tuple[slice, ...]]:
    """For a grid of this shape padded by one all round, the slices that give each point's neighbour one way."""
    for offsets in np.ndindex(*(3,) * len(shape)):
        if any(offset != 1 for offset in offsets):
            yield tuple(slice(offset, offset + length) for offset, length in zip(offsets, shape, strict=True))


def _kink_extrema(compiled: CompiledFormula, field: GridField, base: np.ndarray, plotted: list[int], cells: np.ndarray,
                  span: float, found: list[CriticalPoint], clock: SearchClock) -> tuple[list[CriticalPoint], str]:
    """The minima and maxima at kinks of f in the plotted ranges (see KINK_GUESSES), and why none were looked for.

    None are when the grid has too many places to try (KINKS_TOO_MANY) or trying them takes too long
    (KINKS_TOO_SLOW); the reason is "" when every place was tried.
    """
    kinks: list[CriticalPoint] = []
    known = [np.array(point.point) for point in found]
    guesses = [(guess, sign) for guess, sign in _extreme_grid_points(field)
               if not any(np.all(np.abs(guess - point) < 2 * cells) for point in known)]  # not Newton's finds
    if len(guesses) > KINK_GUESSES:  # a few of many would mislead (and a valley floor's are all alike)
        return [], KINKS_TOO_MANY
    for guess, sign in guesses:
        if clock.out_of_time():
            return [], KINKS_TOO_SLOW
        point = _lowest_nearby(compiled, base, plotted, guess, cells, sign)
        if point is None or any(np.all(np.abs(point - other) < cells) for other in known):
            continue
        point = zeroed_below(point, ZERO_IN_CELLS * cells)  # the search's rounding: abs(x) + abs(y)'s 0 is 0
        full = base.copy()
        full[plotted] = point
        kind = _kink_kind(compiled, full, plotted, cells, span)
        if kind:
            kinks.append(_critical_point(compiled, base, plotted, point, cells, span, kind, kink=True))
            known.append(point)
    return kinks, ""


def _extreme_grid_points(field: GridField) -> list[tuple[np.ndarray, float]]:
    """Grid points inside the grid whose f is at most (least) each neighbour's and below (above) one's, with 1 (−1).

    Minima first, the lowest first, then maxima, the highest first (see grid_extremes).
    """
    return grid_extremes([field.xs] if field.ys is None else [field.xs, field.ys], field.values)


def grid_extremes(axes: Sequence[np.ndarray], values: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """Points inside a grid whose value is at most (least) each neighbour's and below (above) one's, with 1 (−1).

    values are indexed [row (y), column (x)] over the axes (x) or (x, y); points are (x) or (x, y). Minima first,
    the lowest first, then maxima, the highest first. Points on the grid's edges are left out: f goes on beyond them.
    """
    with np.errstate(invalid="ignore"):
        padded = np.pad(values, 1, constant_values=np.nan)
        lowest, highest = np.isfinite(values), np.isfinite(values)
        below_one, above_one = np.zeros_like(lowest), np.zeros_like(lowest)
        for shifted in _neighbour_slices(values.shape):
            neighbour = padded[shifted]
            lowest &= ~(neighbour < values)
            highest &= ~(neighbour > values)
            below_one |= values < neighbour
            above_one |= values > neighbour
    inside = np.zeros_like(lowest)
    inside[(slice(1, -1),) * values.ndim] = True
    extremes = []
    for mask, sign in ((lowest & below_one & inside, 1.0), (highest & above_one & inside, -1.0)):
        rows = np.argwhere(mask)
        for row in rows[np.argsort(sign * values[tuple(rows.T)], kind="stable")]:
            extremes.append((np.array([axes[axis][index] for axis, index in enumerate(row[::-1])]), sign))
    return extremes


def _kink_crossings(compiled: CompiledFormula, field: GridField, base: np.ndarray, plotted: list[int],
                    cells: np.ndarray, span: float, found: list[CriticalPoint],
                    clock: SearchClock) -> tuple[list[CriticalPoint], str]:
    """The saddles (and minima and maxima the search on f missed) at kinks of f over a plane (see KINK_CELLS).

    With the reason none were looked for, as _kink_extrema's; "" when every candidate was tried or f has no kinks
    known by their functions (a curve's kinks are minima or maxima, found already).
    """
    if len(plotted) != 2 or not compiled.has_kink_functions:
        return [], ""
    xs, ys = field.xs, field.ys
    inputs: list[np.ndarray | float] = list(base)
    inputs[plotted[0]], inputs[plotted[1]] = xs[np.newaxis, :], ys[:, np.newaxis]
    kinks = compiled.evaluate_kinks(inputs)[0]  # (k, ny, nx)
    crossed = (_corners(kinks, np.fmin) <= 0) & (_corners(kinks, np.fmax) >= 0)  # (k, ny − 1, nx − 1)
    with np.errstate(invalid="ignore"):
        angles = np.arctan2(field.gradient[1], field.gradient[0])
    flat = (field.gradient[0] == 0) & (field.gradient[1] == 0)
    corner_angles = np.sort(np.stack([angles[rows, columns] for rows, columns in _corner_slices()]), axis=0)
    gaps = np.diff(np.concatenate([corner_angles, corner_angles[:1] + 2 * math.pi]), axis=0)
    every_way = (gaps.max(axis=0) <= math.pi + HULL_SLACK) | (_corners(flat[np.newaxis], np.fmax)[0] > 0)
    candidates = np.argwhere(crossed.any(axis=0) & every_way)  # NaN angles: never every way
    if len(candidates) > KINK_CELLS:
        return [], KINKS_TOO_MANY
    known = [np.array(point.point) for point in found]
    points: list[CriticalPoint] = []
    for row, column in candidates:
        centre = np.array([(xs[column] + xs[column + 1]) / 2, (ys[row] + ys[row + 1]) / 2])
        if any(np.all(np.abs(centre - point) < 1.5 * cells) for point in known):
            continue
        if clock.out_of_time():
            return [], KINKS_TOO_SLOW
        point = _kink_point(compiled, base, plotted, centre, cells, np.flatnonzero(crossed[:, row, column]))
        if point is None or any(np.all(np.abs(point - other) < cells) for other in known):
            continue
        full = base.copy()
        full[plotted] = point
        kind = _kink_kind(compiled, full, plotted, cells, span, _along_kinks(compiled, full, plotted, cells))
        if kind:
            points.append(_critical_point(compiled, base, plotted, point, cells, span, kind, kink=True))
            known.append(point)
    return points, ""


def _along_kinks(compiled: CompiledFormula, full: np.ndarray, plotted: list[int],
                 cells: np.ndarray) -> Callable[[float], list[np.ndarray]]:
    """For a distance in cells, the points of the plotted variables that far along each kink through the full point,
    both ways: along its tangent, then back onto it by a Newton step on its function."""
    point, radius = full[plotted], float(np.min(cells))
    moved = full.copy()

    def kinks_at(place: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The kink functions and their plotted gradients at a place."""
        moved[plotted] = place
        values, gradients = compiled.evaluate_kinks(list(moved))
        return values, gradients[:, plotted]

    values, gradients = kinks_at(point)
    sizes = np.linalg.norm(gradients, axis=1)
    through = np.flatnonzero((sizes > 0) & (np.abs(values) <= ZERO_IN_CELLS * radius * sizes))

    def places(scale: float) -> list[np.ndarray]:
        """The points scale cells along each kink through the point."""
        found = []
        for kink in through:
            tangent = np.array([-gradients[kink][1], gradients[kink][0]]) / sizes[kink]
            for sign in (1.0, -1.0):
                place = point + sign * scale * radius * tangent
                value, gradient = (part[kink] for part in kinks_at(place))
                found.append(place - value * gradient / float(gradient @ gradient) if gradient.any() else place)
        return found

    return places


def _corner_slices() -> list[tuple[slice, slice]]:
    """For a grid of points, the slices that give each cell's corner one way (lower left, lower right, …)."""
    return [(slice(row, row - 1 or None), slice(column, column - 1 or None)) for row in (0, 1) for column in (0, 1)]


def _corners(values: np.ndarray, combine: np.ufunc) -> np.ndarray:
    """For each (k, ny, nx) grid of values, the combine (np.fmin, np.fmax) of each cell's four corners."""
    parts = [values[:, rows, columns] for rows, columns in _corner_slices()]
    return combine.reduce(parts)


def _kink_point(compiled: CompiledFormula, base: np.ndarray, plotted: list[int], centre: np.ndarray,
                cells: np.ndarray, crossing: np.ndarray) -> np.ndarray | None:
    """The point in the cell round this centre where two of the kinks crossing it cross, or else where f's slope
    along one of them is 0: by Newton's method; None where it goes out of the cell."""
    full = base.copy()

    def kinks_at(point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The kink functions and their plotted gradients at a point."""
        full[plotted] = point
        values, gradients = compiled.evaluate_kinks(list(full))
        return values, gradients[:, plotted]

    def crossing_of(first: int, second: int) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """Both kink functions and their Jacobian: 0 where the two kinks cross."""
        def equations(point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            values, gradients = kinks_at(point)
            return values[[first, second]], gradients[[first, second]]
        return equations

    def level_along(kink: int) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """The kink function and f's slope along the kink, with their Jacobian (the slope's by differences)."""
        def slope_along(point: np.ndarray) -> float:
            gradient = kinks_at(point)[1][kink]
            full[plotted] = point
            return float(np.array([-gradient[1], gradient[0]]) @ _plotted_gradient(compiled, full, plotted))

        def equations(point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            values, gradients = kinks_at(point)
            steps = KINK_DIFFERENCE * cells
            change = [(slope_along(point + step) - slope_along(point - step)) / (2 * step[axis])
                      for axis, step in enumerate(np.diag(steps))]
            return np.array([values[kink], slope_along(point)]), np.array([gradients[kink], change])
        return equations

    systems = [crossing_of(*pair) for pair in itertools.combinations(crossing[:4], 2)]
    systems += [level_along(kink) for kink in crossing[:4]]
    for equations in systems:
        point = centre.copy()
        for _ in range(KINK_NEWTON_STEPS):
            values, jacobian = equations(point)
            if not (np.isfinite(values).all() and np.isfinite(jacobian).all()):
                break
            step = np.linalg.lstsq(jacobian, values, rcond=None)[0]
            point = point - step
            if np.any(np.abs(point - centre) > cells):
                break
            if np.all(np.abs(step) <= SETTLED * cells):
                return point
    return None


def _lowest_nearby(compiled: CompiledFormula, base: np.ndarray, plotted: list[int], guess: np.ndarray,
                   cells: np.ndarray, sign: float) -> np.ndarray | None:
    """Where a search on f alone goes from the guess: downhill (sign 1) or uphill (−1), in ever smaller steps.

    The search steps a ring's ways (and the ways between them, when those fail), so it does not stop on a crease
    running between its directions; None where f is undefined on the way or the search leaves the cells around.
    """
    ways = _ring(len(plotted))
    between = [(a + b) / np.linalg.norm(a + b) for a, b in zip(ways, ways[1:] + ways[:1], strict=True)
               if np.linalg.norm(a + b) > 0]
    full = base.copy()

    def height(point: np.ndarray) -> float:
        full[plotted] = point
        return sign * _value(compiled, full)

    point, step = guess.astype(np.float64), 1.0
    best = height(point)
    while step > KINK_SETTLED:
        for directions in (ways, between):
            heights = [height(point + step * cells * way) for way in directions]
            lowest = int(np.nanargmin(heights)) if not np.isnan(heights).all() else -1
            if lowest >= 0 and heights[lowest] < best:
                point, best = point + step * cells * directions[lowest], heights[lowest]
                break
        else:
            step /= 2
        if not np.isfinite(best) or np.any(np.abs(point - guess) > 2 * cells):
            return None
    return point


def _kink_kind(compiled: CompiledFormula, full: np.ndarray, plotted: list[int], cells: np.ndarray,
               span: float, along: Callable[[float], list[np.ndarray]] | None = None) -> str:
    """'minimum' or 'maximum' at a kink of f, where ∇f jumps and the gradients round it leave no way out; else ''.

    With along, which gives points (of the plotted variables) along the kinks through the point at a distance in
    cells, 'saddle' too where f rises some ways and falls others (abs(x) − abs(y) at 0): f on those points as well
    as on rings, as x² − abs(y) rises along its kink only, in a wedge thinner than a ring's step.
    """
    point, radius = full[plotted], float(np.min(cells))
    centre = _value(compiled, full)
    level = LEVEL_TOLERANCE * (abs(centre) + span)
    step = 2 * math.pi / HULL_POINTS
    if len(plotted) == 1:
        ring = hull_ring = _ring(1)
    else:  # the gradients are taken between the ways along the grid: off the kinks along them
            ring, hull_ring = ([np.array([math.cos(angle), math.sin(angle)]) for angle in angles]
                           for angles in (np.arange(HULL_POINTS) * step, (np.arange(HULL_POINTS) + 0.5) * step))

    def around(scale: float, ways: list[np.ndarray], places: Sequence[np.ndarray] = ()) -> list[np.ndarray]:
        """The full points on a ring scale cells round the point, these ways from it, and these places."""
        places = [*(point + scale * radius * way for way in ways), *places]
        shifted = []
        for place in places:
            moved = full.copy()
            moved[plotted] = place
            shifted.append(moved)
        return shifted

    gradients = [_plotted_gradient(compiled, moved, plotted) for moved in around(HULL_RADIUS, hull_ring)]
    far = max(float(np.linalg.norm(gradient)) for gradient in
              (_plotted_gradient(compiled, moved, plotted) for moved in around(1.0, ring)))
    if not (np.isfinite(gradients).all() and far > 0):
        return ""
    if min(float(np.linalg.norm(gradient)) for gradient in gradients) < HULL_STEEPNESS * far:
        return ""  # ∇f shrinks towards the point: no kink (a smooth point Newton's method did not reach)
    if len(plotted) == 2:
        angles = np.sort([math.atan2(gradient[1], gradient[0]) for gradient in gradients])
        gaps = np.diff(np.append(angles, angles[0] + 2 * math.pi))
        if gaps.max() > math.pi + HULL_SLACK:  # all in a half-plane: f falls along the crease the other way
            return ""
    changes = np.array([[_value(compiled, moved) - centre
                         for moved in around(scale, ring, along(scale) if along is not None else ())]
                        for scale in (KINK_SCALE, 1.0)])
    if not np.isfinite(changes).all():
        return ""
    if (changes > level).all():
        return "minimum"
    if (changes < -level).all():
        return "maximum"
    return "saddle" if along is not None and (changes > level).any() and (changes < -level).any() else ""


def _plotted_gradient(compiled: CompiledFormula, full: np.ndarray, plotted: list[int]) -> np.ndarray:
    """∇f's plotted components at a full point."""
    return compiled.value_and_gradient(full)[1][plotted]


def _planar(compiled: CompiledFormula, base: np.ndarray, plotted: list[int], guesses: list[np.ndarray]) -> np.ndarray:
    """Which guesses lie where f is a tilted plane (the Hessian 0, ∇f not): a kink's side, beside its crease.

    Along a crease of abs(x - 2y) + 3abs(x + y) the grid's smallest |∇f| lie on its gentler side, hundreds of
    them; Newton's method would stay put at each and find nothing.
    """
    if not guesses:
        return np.zeros(0, dtype=bool)
    points = np.tile(base, (len(guesses), 1))
    points[:, plotted] = guesses
    arrays = list(points.T)
    gradient = np.stack(compiled.evaluate(arrays)[1], axis=-1)[:, plotted]
    hessian = compiled.evaluate_hessian(arrays)[:, plotted][:, :, plotted]
    flat = np.all(hessian == 0, axis=(1, 2))
    return flat & np.isfinite(gradient).all(axis=1) & gradient.any(axis=1)


def _newton(compiled: CompiledFormula, base: np.ndarray, plotted: list[int], guess: np.ndarray, cells: np.ndarray,
            tolerance: float, ranges: tuple[tuple[float, float], ...]) -> np.ndarray | None:
    """Where Newton's method on the plotted ∇f = 0 goes from the guess, if it gets there inside the ranges."""
    full = base.copy()
    point = guess.astype(np.float64)
    before: np.ndarray | None = None  # the step before
    for _ in range(NEWTON_STEPS):
        full[plotted] = point
        gradient = _plotted_gradient(compiled, full, plotted)
        hessian = compiled.hessian(full)[np.ix_(plotted, plotted)]
        if not (np.isfinite(gradient).all() and np.isfinite(hessian).all()):
            return None
        step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        point = point - step
        if before is not None:
            point = _past_linear_steps(compiled, full, plotted, point, step, before)
        before = step
        if not all(low - cell <= value <= high + cell
                   for value, (low, high), cell in zip(point, ranges, cells, strict=True)):
            return None
        if np.all(np.abs(step) <= SETTLED * cells):
            break
    full[plotted] = point
    gradient = _plotted_gradient(compiled, full, plotted)
    inside = all(low - EDGE * cell <= value <= high + EDGE * cell
                 for value, (low, high), cell in zip(point, ranges, cells, strict=True))
    return point if inside and float(np.max(np.abs(gradient))) <= tolerance else None


def _past_linear_steps(compiled: CompiledFormula, full: np.ndarray, plotted: list[int], point: np.ndarray,
                       step: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Where Newton's steps are heading, when they shrink by a steady ratio along one line, if ∇f is smaller there.

    Newton's method nears a degenerate point linearly: at x¹² it keeps 10/11 of the way left at each step, and
    stopped 40 steps on at x = 0.000333 (x⁴ + y⁴'s minimum was put at 1.4e−9). The steps left form a geometric
    series; its sum, added at once (Aitken's extrapolation), lands on the point.
    """
    length, length_before = float(np.linalg.norm(step)), float(np.linalg.norm(before))
    if not (length > 0.0 and length_before > 0.0):
        return point
    ratio = length / length_before
    if not (LINEAR_RATIOS[0] <= ratio <= LINEAR_RATIOS[1]) or float(step @ before) < ALIGNED * length * length_before:
        return point
    ahead = point - step * (ratio / (1.0 - ratio))

    def largest_slope(at: np.ndarray) -> float:
        moved = full.copy()
        moved[plotted] = at
        slope = np.abs(_plotted_gradient(compiled, moved, plotted))
        return float(np.max(slope)) if np.isfinite(slope).all() else math.inf

    return ahead if largest_slope(ahead) < largest_slope(point) else point


def _critical_point(compiled: CompiledFormula, base: np.ndarray, plotted: list[int], point: np.ndarray,
                    cells: np.ndarray, span: float, kind: str, kink: bool = False) -> CriticalPoint:
    """The CriticalPoint at a point found, the rounding noise about 0 taken off its coordinates and its f."""
    point = zeroed_below(point, ZERO_IN_CELLS * cells)
    full = base.copy()
    full[plotted] = point
    value = _value(compiled, full)
    return CriticalPoint(tuple(point.tolist()), 0.0 if abs(value) < ZERO_IN_SPAN * span else value, kind, kink)


def _off_line(points: np.ndarray, through: np.ndarray, direction: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """How far points (rows) are from the straight line through a point along a unit direction, in grid cells."""
    offsets = points - through
    return np.linalg.norm((offsets - np.outer(offsets @ direction, direction)) / cells, axis=1)


def _value(compiled: CompiledFormula, full: np.ndarray) -> float:
    """f at a full point."""
    return float(compiled.value_and_gradient(full)[0])


def _kind(compiled: CompiledFormula, full: np.ndarray, plotted: list[int], cells: np.ndarray, span: float,
          tolerance: float, ranges: tuple[tuple[float, float], ...]) -> tuple[str | None, np.ndarray]:
    """Minimum, maximum, saddle or inflection at a critical point; LINE or KINK (see below), else None.

    With the kind, the direction of the line or the kink (for the others, of no use).

    Where ∇f does not shrink towards the point it is 0 there by the kinks' convention only: a KINK, no critical
    point. The Hessian's eigenvalues decide where each changes f measurably over a grid cell (the radius);
    otherwise f on rings of that radius and wider around the point does. Along a flat eigenvector (or, where no
    eigenvalue decides, the way ∇f is smallest, or across ∇f beside the point) a line of critical points may go on:
    see _line_goes_on. A point of such a line is not one to mark.
    """
    point, radius = full[plotted], float(np.min(cells))
    eigenvalues, eigenvectors = np.linalg.eigh(compiled.hessian(full)[np.ix_(plotted, plotted)])
    centre = _value(compiled, full)
    level = LEVEL_TOLERANCE * (abs(centre) + span)

    def moved(direction: np.ndarray, scale: float = 1.0) -> np.ndarray:
        """The full point scale radii away in this direction of the plotted variables."""
        shifted = full.copy()
        shifted[plotted] = point + scale * radius * direction
        return shifted

    def change(direction: np.ndarray, scale: float) -> float:
        """f's change from the point to a point scale radii away in this direction (NaN where undefined)."""
        return _value(compiled, moved(direction, scale)) - centre

    ring = _ring(len(plotted))

    def steepness(way: np.ndarray, scale: float = 1.0) -> float:
        """The largest |∂f| scale radii away this way."""
        return float(np.max(np.abs(_plotted_gradient(compiled, moved(way, scale), plotted))))

    compass = ring[:: max(len(ring) // 4, 1)]  # four ways are enough to see whether ∇f shrinks
    far = max(steepness(way) for way in compass)
    if far > 0 and max(steepness(way, KINK_SCALE) for way in compass) >= far / 2:  # ∇f does not shrink: a kink
        # where ∇f is 0 by the kinks' convention only (max(x, y)'s diagonal): no critical point, and the grid
        # points along the way ∇f stays 0 are no more
        return KINK, min(ring, key=steepness)
    decisive = np.abs(eigenvalues) * radius**2 > level
    # A line of critical points runs along a flat eigenvector (curving away from it: a circle of minima), or, where
    # no eigenvalue decides, any way at all: there the way along which ∇f is smallest a radius away, if it is zero.
    if decisive.any():
        candidates = list(eigenvectors.T[~decisive])
    else:
        slopes = [_plotted_gradient(compiled, moved(vector), plotted) for vector in ring]
        residues = [max(np.max(np.abs(slope)), np.max(np.abs(other)))
                    for slope, other in zip(slopes, slopes[len(ring) // 2:] + slopes[:len(ring) // 2], strict=True)]
        best = int(np.argmin(residues))
        candidates = [ring[best]] if residues[best] <= tolerance else []
        steepest = slopes[int(np.nanargmax([np.linalg.norm(slope) for slope in slopes]))]
        if len(plotted) == 2 and np.isfinite(steepest).all() and np.linalg.norm(steepest) > 0:
            # beside a line of them ∇f points across it: the way along it, finer than the ring's 16 (a parabola)
            candidates.append(np.array([-steepest[1], steepest[0]]) / np.linalg.norm(steepest))
    for vector in candidates:
        if _line_goes_on(compiled, full, plotted, vector, cells, tolerance, ranges):
            return LINE, vector
    if np.all(decisive):
        kind = "minimum" if np.all(eigenvalues > 0) else "maximum" if np.all(eigenvalues < 0) else "saddle"
        return kind, eigenvectors[:, 0]
    if decisive.any() and _floor_turns_back(compiled, full, plotted, eigenvalues, eigenvectors, decisive,
                                            radius, level):
        return ("saddle" if len(plotted) == 2 else "inflection"), ring[0]
    for scale in RING_SCALES:
        changes = np.array([change(direction, scale) for direction in ring])
        if not np.isfinite(changes).all():
            return None, ring[0]
        rises, falls = bool((changes > level).any()), bool((changes < -level).any())
        if rises and falls:
            return ("saddle" if len(plotted) == 2 else "inflection"), ring[0]
        if rises or falls:
            flat_way = _flat_way(change, ring, changes, level) if len(plotted) == 1 else None
            if flat_way is not None:  # max(0, x)²: f rises one way and stays as it is the other, as far as seen
                return LINE, flat_way
            return ("minimum" if rises else "maximum"), ring[0]
    return None, ring[0]


def _flat_way(change: Callable[[np.ndarray, float], float], ring: list[np.ndarray], changes: np.ndarray,
              level: float) -> np.ndarray | None:
    """The way f does not change, on this ring and the widest (a flat stretch of f going on), if there is one."""
    for way, nearby in zip(ring, changes, strict=True):
        if abs(nearby) <= level and abs(change(way, RING_SCALES[-1])) <= level:
            return way
    return None


def _floor_turns_back(compiled: CompiledFormula, full: np.ndarray, plotted: list[int], eigenvalues: np.ndarray,
                      eigenvectors: np.ndarray, decisive: np.ndarray, radius: float, level: float) -> bool:
    """Whether, along a flat eigenvector, the valley's floor (or the ridge's crest) goes below (above) the point.

    Across the valley f rises (the decisive eigenvalues); along it the Hessian cannot tell. f on a ring misses
    a thin wedge where the floor dips: Peano's (y − x²)(y − 2x²) is negative only between its two parabolas, and
    was called a minimum. Here each way along the flat direction, f is taken at the floor found by one Newton step
    across (f's least value over the decisive directions, its greatest for a ridge), on rings as wide as the ring's.
    """
    point = full[plotted]
    centre = _value(compiled, full)
    across = eigenvectors[:, decisive]
    curvatures = eigenvalues[decisive]
    if not (np.all(curvatures > 0) or np.all(curvatures < 0)):
        return False  # rising one way and falling another across: a saddle the eigenvalues see already
    valley = bool(curvatures[0] > 0)
    for flat in eigenvectors[:, ~decisive].T:
        for scale in RING_SCALES:
            for sign in (1.0, -1.0):
                shifted = full.copy()
                shifted[plotted] = point + sign * scale * radius * flat
                slope = _plotted_gradient(compiled, shifted, plotted) @ across
                shifted[plotted] -= across @ (slope / curvatures)  # to the floor (crest) across, by Newton's step
                dip = _value(compiled, shifted) - centre
                if (dip < -level) if valley else (dip > level):
                    return True
    return False


def _ring(dimensions: int) -> list[np.ndarray]:
    """Unit directions around a point: RING_POINTS of them in a plane, the two ways along a line."""
    angles = np.linspace(0.0, 2.0 * math.pi, RING_POINTS if dimensions == 2 else 2, endpoint=False)
    return [np.array([math.cos(angle), math.sin(angle)][:dimensions]) for angle in angles]


def _line_goes_on(compiled: CompiledFormula, full: np.ndarray, plotted: list[int], direction: np.ndarray,
                  cells: np.ndarray, tolerance: float, ranges: tuple[tuple[float, float], ...]) -> bool:
    """Whether critical points go on LINE_REACH cells along the direction, straight or curving away from it.

    Straight: ∇f is still zero there (x⁴y⁴ along an axis; Newton's method would head back to 0, as it does for
    any power of x and y). Curving: Newton's method from there finds another critical point that far out (a
    circle of minima), rather than coming back (x⁶, whose ∇f is small but not zero there). Newton may go past the
    ranges' edges by the reach: a line that leaves the map there is a line all the same.
    """
    point, distance = full[plotted], LINE_REACH * float(np.min(cells))
    step = distance * direction

    def slope_towards(way: np.ndarray, reach: float = 1.0) -> float:
        """The largest |∂f| at the reach's distance (times reach), this way and the opposite."""
        largest = 0.0
        for sign in (1.0, -1.0):
            beyond = full.copy()
            beyond[plotted] = point + sign * reach * distance * way
            largest = max(largest, float(np.max(np.abs(_plotted_gradient(compiled, beyond, plotted)))))
        return largest

    along = slope_towards(direction)
    # In a plane: below the tolerance, and far below the slope the other ways (x⁸ + y⁸ and x¹² + y¹² are as flat
    # every way: far below a tolerance set by the steep edges of the map, their minima were called lines).
    # On a line: far below the tolerance, unless it grows as a power of the distance (x²⁰'s minimum).
    if len(plotted) == 2:
        if along <= tolerance and along <= LINE_CONTRAST * max(slope_towards(way) for way in _ring(2)):
            return True
    elif along <= LINE_CONTRAST * tolerance and not (along > 0.0 and all(
            GROWTH * slope_towards(direction, reach / GROWTH_REACH) <= slope_towards(direction, reach)
            for reach in (GROWTH_REACH, GROWTH_REACH**2))):
        return True
    reach = LINE_REACH * cells
    wider = tuple((low - margin, high + margin) for (low, high), margin in zip(ranges, reach, strict=True))
    for sign in (1.0, -1.0):
        found = _newton(compiled, full, plotted, point + sign * step, cells, tolerance, wider)
        if found is not None:
            return bool(np.linalg.norm((found - point) / cells) > LINE_REACH / 2)
    return False


def critical_count(critical: CriticalPoints, verb: str = "Marked", ranges: str = "the plotted ranges") -> str:
    """What is marked (or found: the verb), in words: "Marked 2 minima and a saddle point: where ∇f = 0."

    ranges names where they were looked for: the command line plots nothing, and says "the ranges searched".
    """
    points, zero, of_the_slice = critical.points, critical.zero_condition(), critical.of_the_slice()
    along = (f"{zero} along a whole stretch here (f is flat there), not at single points" if len(critical.axes) == 1
             else f"{zero} along a whole line here (a valley floor or a ridge), not at single points")
    if critical.undefined:
        return f"f is undefined everywhere in {ranges}: there are no critical points to find."
    if critical.everywhere:
        return f"{zero} everywhere here: f does not change in {ranges}, so no point stands out."
    kinds_at_kinks = "Minima and maxima" if len(critical.axes) == 1 else "Minima, maxima and saddles"  # a curve's
    kinks_left_out = (f" {kinds_at_kinks} at kinks of f, where ∇f is undefined, were not looked for: "
                      f"{critical.kinks_left_out}." if critical.kinks_left_out else "")
    if not points:
        return (f"{along}." if critical.on_lines else
                f"No critical points in {ranges}: {zero} nowhere here.") + kinks_left_out
    names = {"minimum": ("a minimum", "minima"), "maximum": ("a maximum", "maxima"),
             "saddle": ("a saddle point", "saddle points"), "inflection": ("an inflection", "inflections")}
    counts = Counter(point.kind for point in points)
    parts = [one if counts[kind] == 1 else f"{counts[kind]} {many}" for kind, (one, many) in names.items()
             if counts[kind]]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" and {parts[-1]}"
    kinks = sum(point.kink for point in points)
    at_kinks = "at a kink of f, where ∇f is undefined" if kinks == 1 else "at kinks of f, where ∇f is undefined"
    if not kinks:
        where = f"where {zero}"
    elif kinks == len(points):
        where = at_kinks
    else:
        where = f"where {zero}, or ({kinks} of them) {at_kinks}"
    return f"{verb} {listed}{of_the_slice}: {where}." + (f" And {along}." if critical.on_lines else "") + kinks_left_out
