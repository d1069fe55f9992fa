"""Sampling a compiled formula and its gradient on a regular grid, ready to draw.

A :class:`Domain` says which one or two variables are plotted, over which ranges, and at which
values the other variables are held. :func:`evaluate_grid` computes the height and the gradient
components of the plotted variables there in one pass, masks every non-finite cell as NaN, and
chooses a robust height range for drawing (see :func:`robust_range`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from gradviz.core.compiled import CompiledFormula
from gradviz.core.notation import format_number, unicode_name

# The share of cells at each end whose heights may be clipped off when they run away (poles, blow-ups).
TAIL_PERCENT = 2.0
OVERFLOW_SAMPLE = 64  # infinite grid heights checked at most for an overflow (see _overflowed_share)
# A true extreme is kept if it lies within this many robust spans beyond the percentile.
TAIL_ALLOWANCE = 1.0
# Otherwise the range stops this many robust spans beyond the percentile.
CLIP_MARGIN = 0.1
# A peak or pit is resolved if each neighbour lies within this share of its height above the median.
RESOLVED_STEP = 0.1
# Percentiles are taken on at most about this many evenly spread cells (exact min/max use all cells).
PERCENTILE_SAMPLE = 40_000
# Neighbours may straddle a jump if f changes between them by this share of the drawn height range
JUMP_SHARE = 0.05
# and by this many times what the slopes at the two samples account for;
JUMP_SLOPE_RATIO = 3.0
# they do if, halved this many times towards the leap, the interval still holds this share of it.
JUMP_HALVINGS = 20
JUMP_KEPT_SHARE = 0.5
# Halvings of the step from a defined grid point towards an undefined neighbour, to find where f stops.
RIM_HALVINGS = 20


@dataclass(frozen=True)
class Domain:
    """The plotted variables (one or two) with their ranges, the points per axis, and fixed values."""

    variables: tuple[str, ...]
    ranges: tuple[tuple[float, float], ...]
    resolution: int = 200
    fixed: Mapping[str, float] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        variables = tuple(self.variables)
        ranges = tuple((float(lo), float(hi)) for lo, hi in self.ranges)
        if len(variables) not in (1, 2) or len(set(variables)) != len(variables):
            raise ValueError(f"a domain plots one or two distinct variables, not {variables!r}")
        if len(ranges) != len(variables):
            raise ValueError("a domain needs one range per plotted variable")
        for name, (lo, hi) in zip(variables, ranges, strict=True):
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise ValueError(f"the range of {name} must be finite and increasing, not ({lo}, {hi})")
        if self.resolution < 2:
            raise ValueError(f"a domain needs at least 2 points per axis, not {self.resolution}")
        fixed = {name: float(value) for name, value in self.fixed.items()}
        if set(fixed) & set(variables):
            raise ValueError("a plotted variable cannot also be held fixed")
        object.__setattr__(self, "variables", variables)
        object.__setattr__(self, "ranges", ranges)
        object.__setattr__(self, "fixed", fixed)

    def axis(self, index: int) -> np.ndarray:
        """The sample positions along plotted variable ``index`` (both ends included)."""
        lo, hi = self.ranges[index]
        return np.linspace(lo, hi, self.resolution)


@dataclass(frozen=True, eq=False)
class Rim:
    """Where f stops being defined, reached from the grid: one point for each undefined grid point beside a defined one.

    ``points`` are flat indices of those undefined grid points into the values; ``coordinates`` (one array per
    plotted variable, in the domain's order) and ``values`` the point on the way from a defined neighbour
    (``sources``, flat indices; along a grid line, or diagonally for a point with no other) where f stops: the
    nearest to the undefined point of those its neighbours reach.
    Drawn there, a surface reaches the edge of its domain (sqrt(1 − x² − y²) is a whole hemisphere) instead of
    stopping a ragged grid step short of it.
    """

    points: np.ndarray
    coordinates: tuple[np.ndarray, ...]
    values: np.ndarray
    sources: np.ndarray


REFERENCE_PERCENTILE = 90  # the percentile of the grid's |∇f| GridField.gradient_reference takes…
TYPICAL_PERCENTILE = 50  # …and GridField.gradient_typical
KEPT_POINT_FLOORS = 64  # single points' noise floors a map keeps (a step asks several times for one)
ROUNDING_SHARE = 1e-12  # a partial below this share of its own scale round about it is rounding: 0 (see NoiseFloor)


def zeroed_below(values: ArrayLike, floor: ArrayLike) -> np.ndarray:
    """values, each smaller in size than its floor 0: rounding left over from the numbers they came from, not a number
    to show (NaN and infinities kept)."""
    values = np.asarray(values, dtype=float)
    return np.where(np.abs(values) < floor, 0.0, values)


@dataclass(frozen=True)
class NoiseFloor:
    """The sizes below which f and its partials are rounding left over from the numbers they came from: shown as 0.

    Each partial has its own floor: ROUNDING_SHARE times its scale round about the point (at the corners of its grid
    cell; off the map, of the grid continued past its edge at its spacing), the scale being the sum of the sizes of the
    terms it adds up (CompiledFormula.evaluate_partial_scales).
    Round about the point, because a partial crossing 0 there is rounding on a size set by its neighbours':
    sin(πx) + cos(πy)'s ∂f/∂y = −π sin(πy) computes as 7.7e−16 at y = 2; of its terms, because terms that cancel
    leave rounding on their own size: 3(x + 1)² − 3x² − 6x − 3 computes as −1.8e−15. Its own, not |∇f|'s: x¹⁰⁰ +
    y¹⁰⁰'s ∂f/∂y = 2.7e19 at (2.5, 1.5) is exact beside ∂f/∂x = 2.5e41, and was shown as 0.
    A point that close to a flat point (in the map's terms, ROUNDING_SHARE of its span away) is as good as on it, and
    f differs there from its value at the flat point by about ROUNDING_SHARE² times |∇f| round about it times the
    span: below that, f is rounding too. One step of (3 − 2w − b)² from (0, 0) with η = 0.1 lands on the minimum with
    f = 1.97e−31 and ∇f = (1.8e−15, 8.9e−16), all of it rounding; descents that converge stop far above the floor
    (f ≈ 1e−14, |∇f| ≈ 1e−7). The floor is local: exp(xy) over ±10 has |∇f| up to 1e45 in its corners, and e at
    (1, 1) is no rounding. For many points at once (a run's steps) the floors are arrays, one entry (or row of
    partials' floors) per point.
    """

    value: float | np.ndarray = 0.0
    gradient: float | np.ndarray = 0.0  # one floor for every partial, or along the last axis each variable's
    variables: tuple[str, ...] = ()  # whose partials gradient's last axis holds the floors of (() for one floor)

    def of(self, variables: Sequence[str]) -> NoiseFloor:
        """The floor of these variables' partials alone, in their order (a run's free variables, for its steps)."""
        if not self.variables:
            return self
        columns = [self.variables.index(name) for name in variables]
        return NoiseFloor(self.value, np.asarray(self.gradient)[..., columns], tuple(variables))

    def at(self, index: int) -> NoiseFloor:
        """The floor at one of its points (a run's step, say)."""
        return NoiseFloor(float(np.asarray(self.value)[index]), np.asarray(self.gradient)[index], self.variables)

    def shown_values(self, values: np.ndarray) -> np.ndarray:
        """Values of f as shown: 0 below the floor (NaN and infinities kept)."""
        return zeroed_below(values, self.value)

    def shown_partials(self, partials: np.ndarray) -> np.ndarray:
        """Partials as shown (one point's, or a row of them per point, of the floor's variables): each below its
        floor 0."""
        if self.variables and np.shape(partials)[-1] != len(self.variables):
            raise ValueError(f"partials of {len(self.variables)} variables expected, not {np.shape(partials)[-1]}")
        return zeroed_below(partials, self.gradient)

    def shown_value(self, value: float) -> float:
        """f as shown (see shown_values)."""
        return float(self.shown_values(np.float64(value)))

    def shown_gradient(self, gradient: Sequence[float]) -> tuple[float, ...]:
        """∇f as shown (see shown_partials)."""
        return tuple(self.shown_partials(np.asarray(gradient, dtype=float)).tolist())


NO_NOISE_FLOOR = NoiseFloor()  # every number shown as computed


@dataclass(frozen=True, eq=False)
class GridField:
    """Heights and gradient components on a grid, NaN where undefined, with a range to draw them in.

    ``values`` and each of ``gradient`` have shape (ny, nx) for two plotted variables (rows follow
    ``ys``) and (nx,) for one. ``gradient`` holds the partial derivatives with respect to the plotted
    variables, in the domain's order. ``nonfinite_fraction`` is the share of cells where the height
    itself is undefined or infinite; the gradient is also NaN where only it is non-finite.
    """

    domain: Domain
    xs: np.ndarray
    ys: np.ndarray | None
    values: np.ndarray
    gradient: tuple[np.ndarray, ...]
    nonfinite_fraction: float
    display_range: tuple[float, float]
    jumps: tuple[np.ndarray, ...]  # per axis of values: where f jumps between neighbours (see jump_edges)
    rim: Rim | None = None  # where f stops being defined, beside the undefined grid points (see domain_rim)
    overflowed_share: float = 0.0  # of the grid points: where the height was too large for a float (±inf)
    compiled: CompiledFormula | None = field(default=None, repr=False)  # f: its partials' noise floors need it

    @functools.cached_property
    def gradient_magnitude(self) -> np.ndarray:
        """|∇f| of the plotted variables at each grid point (NaN where undefined, inf where too large)."""
        with np.errstate(over="ignore"):
            return np.sqrt(sum(np.square(component) for component in self.gradient))

    @functools.cached_property
    def gradient_reference(self) -> float:
        """A typical size of the plotted gradient: the 90th percentile of |∇f| over the grid (0 if none is finite).

        The map's field of arrows is drawn at full length at this size.
        """
        return self._gradient_percentile(REFERENCE_PERCENTILE)

    @functools.cached_property
    def gradient_typical(self) -> float:
        """The median |∇f| over the grid (0 if none is finite): the probe's arrows are drawn at full length from it."""
        return self._gradient_percentile(TYPICAL_PERCENTILE)

    def _gradient_percentile(self, percentile: float) -> float:
        """This percentile of the finite |∇f| over the grid (0 if none is finite)."""
        finite = self.gradient_magnitude[np.isfinite(self.gradient_magnitude)]
        return float(np.percentile(finite, percentile)) if finite.size else 0.0

    def noise_floor_at(self, variables: Sequence[str], points: ArrayLike) -> NoiseFloor:
        """Below what f and its partials are rounding at these points (coordinates in the order of variables; one
        point, or a row per point), from their sizes at the corners of each one's grid cell (see NoiseFloor), the
        partials' floors those of the formula's variables, in its order.

        Off the map the cell is that of the grid continued past its edge, f and its partials at its corners: at x = π
        on a map of ±3, cos(x)'s slope, computed as −1.2e−16, is rounding as it would be on the map. No floor on a map
        that was not given f, at a point with a plotted variable it lacks, or with nothing finite round it.
        """
        points = np.asarray(points, dtype=float)
        if points.ndim == 1:  # one point, asked for by the readout, the probe and the caption at each step: kept
            key = self._point_floor_key(tuple(variables), points)
            if key not in self._point_floors:
                if len(self._point_floors) >= KEPT_POINT_FLOORS:
                    self._point_floors.clear()
                self._point_floors[key] = self._noise_floors_at(variables, points)
            return self._point_floors[key]
        return self._noise_floors_at(variables, points)

    def _point_floor_key(self, variables: tuple[str, ...], point: np.ndarray) -> tuple:
        """What one point's floor depends on: on the map, its grid cell and its other coordinates (a run's slow steps
        share a cell for many frames); off it, the point."""
        plotted = self.domain.variables
        if all(name in variables for name in plotted):
            along = [float(point[variables.index(name)]) for name in plotted]
            grids = [self.xs, self.ys][:len(plotted)]
            if all(grid[0] <= value <= grid[-1] for grid, value in zip(grids, along, strict=True)):
                cells = tuple(min(int(np.searchsorted(grid, value, side="right")) - 1, len(grid) - 2)
                              for grid, value in zip(grids, along, strict=True))
                others = tuple(float(value) for name, value in zip(variables, point, strict=True)
                               if name not in plotted)
                return "cell", variables, cells, others
        return variables, tuple(point.tolist())

    @functools.cached_property
    def _point_floors(self) -> dict[tuple, NoiseFloor]:
        """The floors of the points last asked for one by one (see noise_floor_at)."""
        return {}

    def _noise_floors_at(self, variables: Sequence[str], points: np.ndarray) -> NoiseFloor:
        """The noise floor at these points (see noise_floor_at): noise_floor_on_maps' on this map."""
        compiled = self.compiled
        if compiled is None or any(variable not in variables for variable in self.domain.variables):
            return NO_NOISE_FLOOR
        rows = points.reshape(-1, len(variables))
        held = self.domain.fixed  # NaN for a variable neither the points nor the map say where it is: no floor
        full = np.array([rows[:, list(variables).index(name)] if name in variables
                         else np.full(len(rows), held.get(name, math.nan)) for name in compiled.variables]).T
        floors = noise_floor_on_maps(compiled, full, self.domain.variables, [self.domain.ranges] * len(rows),
                                     self.domain.resolution)
        return floors if points.ndim > 1 else floors.at(0)

    @functools.cached_property
    def lowest(self) -> float | None:
        """The lowest finite height, None if no height is finite (found once: the probe asks on every step)."""
        finite = self.values[np.isfinite(self.values)]
        return float(finite.min()) if finite.size else None

    @property
    def overflowed(self) -> bool:
        """Whether some height was too large for a float (±inf), not merely undefined."""
        return self.overflowed_share > 0.0


def cells_around(grids: Sequence[np.ndarray], coordinates: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Each point's grid cell, by the index of its lower corner along each axis, and whether the point is on the grid
    (coordinates: the last axis along the grids)."""
    inside = np.ones(coordinates.shape[:-1], dtype=bool)
    cells = []
    for axis, grid in enumerate(grids):
        along = coordinates[..., axis]
        inside &= (along >= grid[0]) & (along <= grid[-1])
        cells.append(np.clip(np.searchsorted(grid, np.nan_to_num(along), side="right") - 1, 0, len(grid) - 2))
    return cells, inside


def continued_cell_corners(grids: Sequence[np.ndarray], coordinates: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """The corners of each point's grid cell (coordinates: a row per point; offsets: a row per corner, 0 or 1 along
    each grid), shaped (points, corners, grids): for a point beyond a grid's ends, of the grid continued at its
    spacing."""
    cells, _inside = cells_around(grids, coordinates)
    corners = np.empty((len(coordinates), len(offsets), len(grids)))
    for axis, (grid, cell) in enumerate(zip(grids, cells, strict=True)):
        along = coordinates[:, axis]
        spacing = grid[1] - grid[0]
        continued = grid[0] + (np.floor((along - grid[0]) / spacing)[:, None] + offsets[:, axis]) * spacing
        within = ((along >= grid[0]) & (along <= grid[-1]))[:, None]
        corners[:, :, axis] = np.where(within, grid[cell[:, None] + offsets[:, axis]], continued)
    return corners


def noise_floor_on_maps(compiled: CompiledFormula, points: ArrayLike, axes: tuple[str, ...],
                        ranges: Sequence[tuple[tuple[float, float], ...]], resolution: int) -> NoiseFloor:
    """The noise floor at each point (a row per point, coordinates in the order of compiled's variables) on its own
    map: of these axes over its ranges (one tuple per point), its other variables held at the point. Found from f's
    partials and their scales at the corners of the point's grid cell alone (off the map, of the grid continued), not
    at a whole map's points for each point; the partials' floors in the order of compiled's variables (see
    NoiseFloor)."""
    points = np.asarray(points, dtype=float).reshape(len(ranges), len(compiled.variables))
    columns = [compiled.variables.index(name) for name in axes]
    offsets = np.array(np.meshgrid(*[(0, 1)] * len(axes), indexing="ij")).reshape(len(axes), -1).T  # cell corners
    corners = np.empty((len(points), len(offsets), len(axes)))
    rows_by_ranges: dict[tuple[tuple[float, float], ...], list[int]] = {}
    for row, its_ranges in enumerate(ranges):
        rows_by_ranges.setdefault(tuple(its_ranges), []).append(row)
    for its_ranges, rows in rows_by_ranges.items():
        grids = [np.linspace(low, high, resolution) for low, high in its_ranges]
        corners[rows] = continued_cell_corners(grids, points[np.ix_(rows, columns)], offsets)
    inputs = [corners[:, :, axes.index(name)] if name in axes else points[:, [column]]
              for column, name in enumerate(compiled.variables)]
    values, components = compiled.evaluate(inputs)
    all_partials = np.stack(components)
    scales = compiled.evaluate_partial_scales(inputs)
    # as evaluate_grid masks them: nothing where f is undefined, a partial nowhere it is
    scales[~(np.isfinite(values) & np.isfinite(all_partials) & np.isfinite(scales))] = np.nan
    partials = all_partials[columns]
    partials[:, ~(np.isfinite(values) & np.all(np.isfinite(partials), axis=0))] = np.nan
    with np.errstate(over="ignore"):
        magnitude = np.fmax.reduce(np.sqrt(np.sum(np.square(partials), axis=0)), axis=1)  # NaN only where every is
    largest_scales = np.fmax.reduce(scales, axis=2).T
    spans = np.array([max(high - low for low, high in its_ranges) for its_ranges in ranges])
    given = np.all(np.isfinite(points[:, columns]), axis=1)  # a point with no place on the map has no cell round it
    reference = np.where(given & np.isfinite(magnitude), magnitude, 0.0)
    gradient = np.where(given[:, None] & np.isfinite(largest_scales), ROUNDING_SHARE * largest_scales, 0.0)
    return NoiseFloor(ROUNDING_SHARE**2 * reference * spans, gradient, compiled.variables)


def evaluate_grid(compiled: CompiledFormula, domain: Domain) -> GridField:
    """Evaluate the height and the plotted gradient components of ``compiled`` over ``domain``."""
    missing = [name for name in compiled.variables if name not in domain.variables and name not in domain.fixed]
    if missing:
        raise ValueError(f"no fixed value given for {', '.join(missing)}")
    unknown = [name for name in domain.variables if name not in compiled.variables]
    if unknown:
        raise ValueError(f"{', '.join(unknown)} is not a variable of this formula")
    xs = domain.axis(0)
    ys = domain.axis(1) if len(domain.variables) == 2 else None
    # Broadcasting shapes (1, nx) and (ny, 1) computes terms of one variable only once per column/row.
    plotted = {domain.variables[0]: xs if ys is None else xs[np.newaxis, :]}
    if ys is not None:
        plotted[domain.variables[1]] = ys[:, np.newaxis]
    inputs = [plotted[name] if name in plotted else domain.fixed[name] for name in compiled.variables]
    values, all_components = compiled.evaluate(inputs)
    finite = np.isfinite(values)
    all_finite = bool(finite.all())
    overflowed_share = 0.0
    if not all_finite:
        overflowed_share = _overflowed_share(compiled, inputs, np.isinf(values))
        values[~finite] = np.nan
    gradient = tuple(all_components[compiled.variables.index(name)] for name in domain.variables)
    for component in gradient:
        invalid = ~np.isfinite(component)
        if not all_finite:
            invalid |= ~finite
        if invalid.any():
            component[invalid] = np.nan
    nonfinite_fraction = 0.0 if all_finite else 1.0 - np.count_nonzero(finite) / finite.size
    display_range = robust_range(values if all_finite else drawn_values(values, finite))
    varying = [compiled.variables.index(name) for name in domain.variables]
    if ys is not None:
        varying.reverse()  # rows follow y: axis 0 of the values is y
    slopes = [all_components[index] for index in varying]
    span = display_range[1] - display_range[0]
    return GridField(
        domain=domain,
        xs=xs,
        ys=ys,
        values=values,
        gradient=gradient,
        nonfinite_fraction=float(nonfinite_fraction),
        display_range=display_range,
        jumps=jump_edges(compiled, inputs, values, slopes, varying, span),
        rim=None if all_finite else domain_rim(compiled, inputs, values, domain),
        overflowed_share=float(overflowed_share),
        compiled=compiled,
    )


def nothing_to_draw(field: GridField, name: str = "f") -> str:
    """Why there is no picture: f has no finite value anywhere in the plotted ranges; '' when it has some."""
    if field.lowest is not None:
        return ""
    ranges = ", ".join(f"{unicode_name(variable)} from {format_number(low)} to {format_number(high)}"
                       for variable, (low, high) in zip(field.domain.variables, field.domain.ranges, strict=True))
    if field.overflowed:
        why = "too large for the computer's numbers (over 1.8e308) or undefined"
    else:
        why = "undefined (a logarithm or a root of negative numbers, a division by zero…)"
    held = ", ".join(f"{unicode_name(variable)} = {format_number(value)}"
                     for variable, value in field.domain.fixed.items())
    advice = f"Try other held values ({held} now) or other ranges." if held else "Try other ranges."
    return f"Nothing to draw: {name} is {why} everywhere for {ranges}. {advice}"


def _overflowed_share(compiled: CompiledFormula, inputs: Sequence[np.ndarray | float], infinite: np.ndarray) -> float:
    """The share of the grid's points where f overflows: its infinite heights, less those of a pole (1/0, log(0)).

    Each infinite height is checked for an overflow (see CompiledFormula.overflows_at), or an even sample of
    OVERFLOW_SAMPLE of them where there are more: a region past 1.8e308 is all alike.
    """
    places = np.flatnonzero(infinite)
    if not places.size:
        return 0.0
    sample = places[np.unique(np.linspace(0, places.size - 1, min(places.size, OVERFLOW_SAMPLE)).round().astype(int))]
    coordinates = np.stack([np.broadcast_to(np.asarray(array, dtype=float), infinite.shape).ravel()[sample]
                            for array in inputs], axis=-1)
    overflowing = sum(compiled.overflows_at(point) for point in coordinates)
    return places.size / infinite.size * overflowing / sample.size


def partly_blank(field: GridField, name: str = "f") -> str:
    """Why part of the picture is blank where f overflows there, '' where it does not (or is nowhere drawn).

    exp(xy) over ±30 passes 1.8e308 in two corners: those grid points have no height to draw, and the map and the
    surface stopped short there without a word.
    """
    if not field.overflowed or field.lowest is None:
        return ""
    percent = 100.0 * field.overflowed_share
    share = "under 1%" if percent < 1.0 else f"{percent:.0f}%"
    return f"{name} overflows (beyond ±1.8e308) on {share} of the grid: left blank there."


def blank_note(field: GridField, name: str = "f") -> str:
    """Why the picture is blank, all of it (see nothing_to_draw) or where f overflows (see partly_blank); else ''."""
    return nothing_to_draw(field, name) or partly_blank(field, name)


def domain_rim(compiled: CompiledFormula, inputs: Sequence[np.ndarray | float], values: np.ndarray,
               domain: Domain) -> Rim | None:
    """Where f stops being defined between each undefined grid point and its defined neighbours (None: nowhere).

    ``inputs`` are the compiled formula's arguments that gave ``values`` over ``domain``. The step from the
    defined neighbour is halved RIM_HALVINGS times; the last defined point is kept, so its value is finite.
    """
    defined = np.isfinite(values)
    if defined.all() or not defined.any():
        return None
    points, sources = _rim_neighbours(defined)
    if points.size == 0:
        return None
    full = [np.broadcast_to(np.asarray(argument, dtype=float), values.shape).ravel() for argument in inputs]
    starts = [argument[sources] for argument in full]
    steps = [argument[points] - start for argument, start in zip(full, starts, strict=True)]
    reach, beyond = np.zeros(points.size), np.ones(points.size)  # shares of each step: defined, undefined
    for _ in range(RIM_HALVINGS):
        middle = (reach + beyond) / 2.0
        inside = np.isfinite(compiled.evaluate([s + middle * d for s, d in zip(starts, steps, strict=True)])[0])
        reach, beyond = np.where(inside, middle, reach), np.where(inside, beyond, middle)
    at = [start + reach * step for start, step in zip(starts, steps, strict=True)]
    rim_values = compiled.evaluate(at)[0]
    order = np.lexsort((-reach, points))  # per undefined point, the neighbour that reaches nearest to it first
    _, first = np.unique(points[order], return_index=True)
    chosen = order[first]
    chosen = chosen[np.isfinite(rim_values[chosen])]
    plotted = [compiled.variables.index(name) for name in domain.variables]
    return Rim(points[chosen], tuple(at[argument][chosen] for argument in plotted), rim_values[chosen],
               sources[chosen])


def _rim_neighbours(defined: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of flat indices: an undefined grid point and a defined neighbour of it, to reach the rim from.

    Neighbours along the grid lines come first; a point with none gets its diagonal ones (a staircase's outer
    corner would otherwise leave a notch in the rim). A point between defined neighbours on opposite sides (a line
    where f is undefined: x/abs(x) at x = 0) gets none: moved to one side, it would join that side to the other.
    """
    index = np.arange(defined.size).reshape(defined.shape)
    sides = []
    for axis in range(defined.ndim):
        lower = tuple(slice(None, -1) if other == axis else slice(None) for other in range(defined.ndim))
        upper = tuple(slice(1, None) if other == axis else slice(None) for other in range(defined.ndim))
        sides += [(lower, upper), (upper, lower)]
    between = np.zeros(defined.shape, dtype=bool)
    for lower, upper in sides[::2]:
        after, before = np.zeros(defined.shape, dtype=bool), np.zeros(defined.shape, dtype=bool)
        after[lower], before[upper] = defined[upper], defined[lower]
        between |= after & before
    points, sources = [], []
    has_source = np.zeros(defined.shape, dtype=bool)
    for here, there in sides:
        pairs = ~defined[here] & defined[there] & ~between[here]
        points.append(index[here][pairs])
        sources.append(index[there][pairs])
        has_source[here] |= pairs
    if defined.ndim == 2:
        for rows, columns in ((slice(None, -1), slice(None, -1)), (slice(None, -1), slice(1, None))):
            opposite = (_opposite(rows), _opposite(columns))
            for here, there in (((rows, columns), opposite), (opposite, (rows, columns))):
                pairs = ~defined[here] & defined[there] & ~between[here] & ~has_source[here]
                points.append(index[here][pairs])
                sources.append(index[there][pairs])
    return np.concatenate(points), np.concatenate(sources)


def curve_to_rim(field: GridField) -> tuple[np.ndarray, np.ndarray]:
    """A one-variable field's samples, each undefined one beside a defined one moved to where f stops (see Rim).

    Drawn, the curve then reaches the edge of its domain (sqrt(x) starts at 0, not a sample after it).
    """
    if field.rim is None:
        return field.xs, field.values
    coordinates, values = field.xs.copy(), field.values.copy()
    coordinates[field.rim.points] = field.rim.coordinates[0]
    values[field.rim.points] = field.rim.values
    return coordinates, values


def _opposite(part: slice) -> slice:
    """The other of the two overlapping slices [:-1] and [1:] (its neighbours one step along)."""
    return slice(1, None) if part.start is None else slice(None, -1)


def jump_edges(compiled: CompiledFormula, inputs: Sequence[np.ndarray | float], values: np.ndarray,
               slopes: Sequence[np.ndarray], varying: Sequence[int], span: float) -> tuple[np.ndarray, ...]:
    """Per axis of ``values``: True between neighbours along it where f jumps (a step, or a pole met on the way).

    Drawn joined, such neighbours make a wall (atan(y/x) across x = 0) or a vertical line f never takes.
    ``inputs`` are the compiled formula's arguments that gave ``values`` (broadcast to them), ``varying[axis]``
    the argument that changes along an axis and ``slopes[axis]`` f's derivative along it. A leap much larger
    than the slopes account for may still be a steep stretch (tanh(200x)): the interval is halved towards the
    leap, and only a leap that stays at the finest width (or meets a pole) is a jump.
    """
    edges = []
    for axis, (slope, variable) in enumerate(zip(slopes, varying, strict=True)):
        lower = tuple(slice(None, -1) if index == axis else slice(None) for index in range(values.ndim))
        upper = tuple(slice(1, None) if index == axis else slice(None) for index in range(values.ndim))
        with np.errstate(invalid="ignore"):
            leap = np.abs(np.diff(values, axis=axis))
        jumps = np.zeros(leap.shape, dtype=bool)
        edges.append(jumps)
        if not leap.size or not np.fmax.reduce(leap, axis=None) > JUMP_SHARE * span:  # NaN leaps left out
            continue  # no leap is large enough to show as a wall
        coordinate = np.asarray(inputs[variable], dtype=float)  # unbroadcast: one step per column (or row)
        with np.errstate(invalid="ignore", over="ignore"):  # a leap allowed beyond 1.8e308 is inf: none is larger
            size = np.abs(slope)
            allowed = (JUMP_SLOPE_RATIO * np.abs(np.diff(coordinate, axis=axis))) * np.fmax(size[lower], size[upper])
            candidates = leap > np.maximum(allowed, JUMP_SHARE * span)
        if candidates.any():
            where = np.nonzero(candidates)
            full = [np.broadcast_to(np.asarray(argument, dtype=float), values.shape) for argument in inputs]
            starts = [argument[lower][where] for argument in full]
            jumps[where] = _leaps_stay(compiled, starts, variable, full[variable][upper][where],
                                       values[lower][where], values[upper][where])
    return tuple(edges)


def _leaps_stay(compiled: CompiledFormula, starts: list[np.ndarray], variable: int, ends: np.ndarray,
                start_values: np.ndarray, end_values: np.ndarray) -> np.ndarray:
    """Whether each leap from a start to its end (along argument ``variable``) stays when its interval is halved.

    Each halving keeps the half holding more of the leap; a leap that shrinks below JUMP_KEPT_SHARE of itself
    was a steep stretch, one that meets an undefined or infinite value a pole.
    """
    low, high = starts[variable].copy(), ends.copy()
    low_values, high_values = start_values.copy(), end_values.copy()
    first = np.abs(high_values - low_values)
    open_leaps = np.arange(first.size)
    jumps = np.zeros(first.size, dtype=bool)
    for _ in range(JUMP_HALVINGS):
        middle = (low[open_leaps] + high[open_leaps]) / 2.0
        arguments = [argument[open_leaps] for argument in starts]
        arguments[variable] = middle
        middle_values = compiled.evaluate(arguments)[0]
        pole = ~np.isfinite(middle_values)
        jumps[open_leaps[pole]] = True
        with np.errstate(invalid="ignore"):
            below, above = middle_values - low_values[open_leaps], high_values[open_leaps] - middle_values
            towards_low = np.abs(below) >= np.abs(above)
        moved_high, moved_low = open_leaps[towards_low], open_leaps[~towards_low]
        high[moved_high], high_values[moved_high] = middle[towards_low], middle_values[towards_low]
        low[moved_low], low_values[moved_low] = middle[~towards_low], middle_values[~towards_low]
        left = np.abs(high_values[open_leaps] - low_values[open_leaps])
        open_leaps = open_leaps[~pole & (left >= JUMP_KEPT_SHARE * first[open_leaps])]
        if open_leaps.size == 0:
            break
    jumps[open_leaps] = True
    return jumps


def drawn_values(values: np.ndarray, finite: np.ndarray) -> np.ndarray:
    """The values a surface draws: those of cells with a finite neighbour to make a piece of it with (others NaN).

    x^y is defined for x < 0 only where y is a whole number: the grid's two edge rows y = ±3 took values down to
    −291874 that no surface shows, and the colours ran from there. Where nothing has such a neighbour, all values.
    """
    if values.ndim != 2 or min(values.shape) < 2:
        joined = finite[:-1] & finite[1:]
        drawn = np.zeros_like(finite)
        drawn[:-1] |= joined
        drawn[1:] |= joined
    else:
        quads = finite[:-1, :-1] & finite[1:, :-1] & finite[:-1, 1:] & finite[1:, 1:]
        drawn = np.zeros_like(finite)
        for rows, columns in ((slice(None, -1), slice(None, -1)), (slice(1, None), slice(None, -1)),
                              (slice(None, -1), slice(1, None)), (slice(1, None), slice(1, None))):
            drawn[rows, columns] |= quads
    return np.where(drawn, values, np.nan) if drawn.any() else values


def robust_range(values: np.ndarray) -> tuple[float, float]:
    """A height range to draw ``values`` in (non-finite cells ignored) that run-away cells cannot flatten.

    Let p_lo and p_hi be the 2nd and 98th percentiles and span = p_hi - p_lo. At each end the true
    extreme is kept when it lies within one span beyond the percentile (bowls, saddles, waves and
    other bounded surfaces keep their real minimum and maximum), or when the grid resolves it: it
    is an interior cell whose neighbours all lie within a tenth of its distance from the median
    (a tall narrow peak such as exp(-100(x² + y²))). Otherwise (near a pole of 1/x or tan x, or
    where exp or x³ keeps climbing to the edge) the range stops a tenth of a span beyond the
    percentile. A flat field gets a range of one unit (or 10%) around its height; no finite value
    gives (-1, 1).
    """
    finite_mask = np.isfinite(values)
    finite = values[finite_mask]
    if finite.size == 0:
        return (-1.0, 1.0)
    field = values if finite.size == values.size else np.where(finite_mask, values, np.nan)
    true_lo, true_hi = float(finite.min()), float(finite.max())
    sample = finite[:: max(1, finite.size // PERCENTILE_SAMPLE)]
    p_lo, p_hi = (float(value) for value in np.percentile(sample, [TAIL_PERCENT, 100.0 - TAIL_PERCENT]))
    span = p_hi - p_lo
    if span <= 1e-12 * max(1.0, abs(p_lo), abs(p_hi)):
        lo, hi = true_lo, true_hi
    else:
        lo = true_lo
        if true_lo < p_lo - TAIL_ALLOWANCE * span and not _is_resolved_extreme(field, int(np.nanargmin(field))):
            lo = p_lo - CLIP_MARGIN * span
        hi = true_hi
        if true_hi > p_hi + TAIL_ALLOWANCE * span and not _is_resolved_extreme(field, int(np.nanargmax(field))):
            hi = p_hi + CLIP_MARGIN * span
    if hi - lo <= 1e-12 * max(1.0, abs(lo), abs(hi)):
        half_width = 0.5 * max(1.0, 0.1 * abs(lo))
        return (lo - half_width, hi + half_width)
    return (lo, hi)


def broken_curve(coordinates: np.ndarray, values: np.ndarray, low: float, high: float,
                 jumps: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A sampled curve with a NaN put between neighbours that f does not join (drawn, a line f never takes).

    Those are neighbours that leap from beyond one end of [low, high] to the other (a pole lies between them:
    1/x at 0; a bounded curve keeps its true extremes in robust_range's range, so it never leaps across it),
    and those across a jump (``jumps``, one per gap: see jump_edges). The NaN sits halfway between its
    neighbours' coordinates, so the coordinates still rise.
    """
    above, below = values > high, values < low
    unjoined = (above[:-1] & below[1:]) | (below[:-1] & above[1:])
    if jumps is not None and len(jumps):
        unjoined |= jumps
    gaps = np.flatnonzero(unjoined) + 1
    if gaps.size == 0:
        return coordinates, values
    halfway = (coordinates[gaps - 1] + coordinates[gaps]) / 2.0
    return np.insert(coordinates, gaps, halfway), np.insert(values.astype(float), gaps, np.nan)


def unjoined_neighbours(values: np.ndarray, low: float, high: float,
                        jumps: Sequence[np.ndarray] = ()) -> np.ndarray:
    """The grid points next to a neighbour that f does not join: across a pole or a jump.

    The neighbour lies on the far side of [low, high] (a pole runs between them), or across a jump (``jumps``,
    per axis: see jump_edges). Level lines drawn there would stack up along the pole or the jump, one for
    every level f leaps past.
    """
    above, below = values > high, values < low
    poles = bool(above.any() and below.any())
    beside = np.zeros(values.shape, dtype=bool)
    if not poles and not any(edges.any() for edges in jumps):
        return beside
    for axis in range(values.ndim):
        first = [slice(None)] * values.ndim
        second = [slice(None)] * values.ndim
        first[axis], second[axis] = slice(None, -1), slice(1, None)
        pairs = list(values.shape)
        pairs[axis] -= 1  # one per pair of neighbours along the axis (np.diff's shape, without subtracting inf)
        unjoined = np.zeros(pairs, dtype=bool)
        if poles:
            unjoined |= (above[tuple(first)] & below[tuple(second)]) | (below[tuple(first)] & above[tuple(second)])
        if jumps:
            unjoined |= jumps[axis]
        beside[tuple(first)] |= unjoined
        beside[tuple(second)] |= unjoined
    return beside


def contourable(values: np.ndarray, low: float, high: float, jumps: Sequence[np.ndarray] = ()) -> np.ndarray:
    """The values, NaN at the points next to a neighbour f does not join (see unjoined_neighbours).

    Traced as they are, level lines stack up along a pole or a jump, one for every level f leaps past.
    """
    unjoined = unjoined_neighbours(values, low, high, jumps)
    return np.where(unjoined, np.nan, values) if unjoined.any() else values


def _is_resolved_extreme(field: np.ndarray, flat_index: int) -> bool:
    """Whether the extreme at ``flat_index`` is an interior cell that its neighbours closely follow.

    "Closely" means within RESOLVED_STEP of the way from the extreme to the median: the grid then
    samples a smooth peak or pit, not a pole whose height jumps from one cell to the next.
    """
    index = np.unravel_index(flat_index, field.shape)
    if any(position in (0, length - 1) for position, length in zip(index, field.shape, strict=True)):
        return False
    extreme = float(field[index])
    tolerance = RESOLVED_STEP * abs(extreme - float(np.nanmedian(field)))
    for axis in range(field.ndim):
        for step in (-1, 1):
            neighbour = list(index)
            neighbour[axis] += step
            if not abs(extreme - float(field[tuple(neighbour)])) <= tolerance:  # a NaN neighbour fails too
                return False
    return True


def log_height(values: np.ndarray, reference: float | None = None) -> np.ndarray:
    """Heights on a log scale: sign(v - reference) * log1p(|v - reference|), NaN kept.

    With the default reference, the smallest finite value, every height is ≥ 0, the lowest point
    sits at 0 and each unit up is a factor of about e in (value - minimum): a valley that drops
    from 10⁶ to 0 stays visible. Pass a reference (for example 0) to keep values below it negative:
    the sign is preserved and the map is symmetric and monotonic.
    """
    heights = np.asarray(values, dtype=float)
    if reference is None:
        finite = heights[np.isfinite(heights)]
        reference = float(finite.min()) if finite.size else 0.0
    with np.errstate(all="ignore"):
        shifted = heights - reference
        return np.sign(shifted) * np.log1p(np.abs(shifted))
