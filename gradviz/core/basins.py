"""Basins: where descent from each start of a grid ends, with a run's own settings, all starts stepped at once.

Each start takes the steps its own run would (the optimizers' rules work on arrays coordinate by coordinate, see
descent.many_starts_update; Newton's method is refused), until it converges or diverges: however long that takes,
up to MOST_STEPS, not the run's own step budget (a basin is where descent heads, not where one budget leaves it).
The points where runs converge are grouped into attractors (a minimum, or a saddle a start happened to lead into),
deepest first.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from gradviz.core.compiled import CompiledFormula
from gradviz.core.descent import (
    VALUE_BOUND,
    converged_kind,
    many_starts_update,
)
from gradviz.core.errors import DescentError
from gradviz.core.grid import Domain, zeroed_below
from gradviz.core.runs import optimizer_settings
from gradviz.core.scenario import RunSpec

MAP_STARTS = 96  # starts along each axis of a map
CURVE_STARTS = 400  # starts along a curve's axis
MOST_STEPS = 5000  # a start still moving after this many steps is "unsettled"
TIME_LIMIT = 0.3  # seconds basins() takes at most unless told (the window gives slices: see BasinsInProgress)
MOST_ATTRACTORS = 12  # more places where runs end (a valley floor's line of them): no basins to tell apart
SAME_PLACE = 1e-3  # of a range's width: runs ending closer than this on every axis end at the same place
TOLERANCE = 1e-6  # |∇f| below this: converged, as a run's default
DIVERGENCE_BOUND = 1e8  # |w| beyond this: diverged, as a run's default
DIVERGED, UNSETTLED, UNDEFINED = -1, -2, -3  # what a start's end is when it is no attractor's
TOO_SLOW = "finding them takes too long here: descent crawls (a small η, a long valley) or f is heavy to evaluate"


@dataclass(frozen=True)
class Attractor:
    """A place where runs converge: the point (plotted variables), f there, its kind, and its share of the starts."""

    point: tuple[float, ...]
    value: float
    kind: str  # converged_kind's words: "a minimum", "a saddle point, not a minimum", … ("" if it cannot tell)
    share: float


@dataclass(frozen=True)
class Basins:
    """For each start of a grid over the plotted ranges, where its run ends: an attractor's index, or why none."""

    axes: tuple[np.ndarray, ...]  # the starts' coordinates along each plotted variable
    ends: np.ndarray  # shape (len(ys), len(xs)) for a map, (len(xs),) for a curve: attractor index or DIVERGED, ...
    attractors: tuple[Attractor, ...]
    steps: int  # the step budget each start had
    refusal: str = ""  # why no basins are drawn ("" when they are)

    def share(self, end: int) -> float:
        """The share of the starts whose run ends this way (DIVERGED, UNSETTLED, UNDEFINED, or an index)."""
        return float(np.count_nonzero(self.ends == end)) / max(self.ends.size, 1)


def refused(domain: Domain, reason: str) -> Basins:
    """No basins, and why."""
    return Basins(tuple(np.zeros(0) for _ in domain.variables), np.zeros(0, dtype=int), (), 0, reason)


class BasinsInProgress:
    """Basins computed a few steps at a time (the window gives them a slice of its time between events)."""

    def __init__(self, compiled: CompiledFormula, domain: Domain, spec: RunSpec) -> None:
        """Set every start of the grid on its way (or refuse at once: see result)."""
        self.compiled, self.domain = compiled, domain
        self.result: Basins | None = None  # set once finished (or refused)
        self.elapsed = 0.0  # seconds spent so far
        try:
            self._update = many_starts_update(optimizer_settings(spec), len(domain.variables))
        except DescentError as error:  # Newton's method, or settings a run would refuse too
            self.result = refused(domain, str(error))
            return
        count = MAP_STARTS if len(domain.variables) == 2 else CURVE_STARTS
        self.axes = tuple(_cell_centres(low, high, count) for low, high in domain.ranges)
        grids = np.meshgrid(*self.axes) if len(self.axes) == 2 else [self.axes[0]]
        self._point = [grid.ravel().astype(np.float64) for grid in grids]
        self._held = {name: float(spec.start.get(name, domain.fixed.get(name, 0.0))) for name in compiled.variables
                      if name not in domain.variables}
        self._plotted = [compiled.variables.index(name) for name in domain.variables]
        self._ends = np.full(self._point[0].shape, UNSETTLED)
        self._end_points = np.full((self._point[0].size, len(self._point)), np.nan)
        self._active = np.ones(self._point[0].shape, dtype=bool)
        self._slopes = [np.zeros_like(self._point[0]) for _ in self._point]
        self._k = 0

    def advance(self, seconds: float) -> Basins | None:
        """Take steps for about this long; the basins once every start has settled (or MOST_STEPS were taken)."""
        started = time.perf_counter()
        while self.result is None and time.perf_counter() - started < seconds:
            self._step()
        self.elapsed += time.perf_counter() - started
        return self.result

    def _step(self) -> None:
        """Check every start still on its way at step k, then move those on by one step."""
        point, active, ends = self._point, self._active, self._ends
        if self._k:
            gone = active & ~(np.hypot.reduce(np.array(point), axis=0) <= DIVERGENCE_BOUND)
            ends[gone] = DIVERGED
            active &= ~gone
        live = np.flatnonzero(active)  # only the starts still on their way are evaluated: most settle early
        inputs = [point[self.domain.variables.index(name)][live] if name in self.domain.variables
                  else self._held[name] for name in self.compiled.variables]
        value, gradient = self.compiled.evaluate(inputs)
        for slope, index in zip(self._slopes, self._plotted, strict=True):
            slope[live] = gradient[index]
        with np.errstate(invalid="ignore", over="ignore"):
            norm = np.hypot.reduce(np.array([gradient[index] for index in self._plotted]), axis=0)
            bad, converged = np.zeros_like(active), np.zeros_like(active)
            bad[live] = ~((np.abs(value) <= VALUE_BOUND) & np.isfinite(norm))
            converged[live] = (norm < TOLERANCE) & ~bad[live]
        ends[bad] = UNDEFINED if self._k == 0 else DIVERGED
        self._end_points[converged] = np.column_stack([coordinate[converged] for coordinate in point])
        ends[converged] = 0
        active &= ~(bad | converged)
        if self._k == MOST_STEPS or not active.any():
            self.result = self._finished()
            return
        with np.errstate(all="ignore"):
            moves = self._update(self._slopes, point)
        self._point = [np.where(active, coordinate + move, coordinate) for coordinate, move in zip(point, moves,
                                                                                                  strict=True)]
        self._k += 1

    def _finished(self) -> Basins:
        """The basins, from where the starts ended."""
        converged = self._ends == 0
        attractors, labels = _attractors(self.compiled, self.domain, self._held, self._end_points, converged)
        if attractors is None:
            return refused(self.domain, "runs end all along a line here (a valley floor), not in basins")
        ends = self._ends.copy()
        ends[converged] = labels
        shape = tuple(len(axis) for axis in reversed(self.axes))
        return Basins(self.axes, ends.reshape(shape), attractors, MOST_STEPS)


def basins(compiled: CompiledFormula, domain: Domain, spec: RunSpec, time_limit: float = TIME_LIMIT) -> Basins:
    """Where descent with the spec's settings ends from each start of a grid over the plotted ranges, all at once.

    Refused if it takes longer than time_limit seconds.
    """
    progress = BasinsInProgress(compiled, domain, spec)
    result = progress.advance(time_limit)
    return result if result is not None else refused(domain, TOO_SLOW)


def finer_ends(ends: np.ndarray, factor: int) -> np.ndarray:
    """A map's ends on a grid factor times finer, with borders that run smoothly between the starts.

    Each way of ending gets its share of every fine cell by linear interpolation between the starts (one at
    each cell's centre); a fine cell takes the way with the largest share. Borders then follow the lines
    halfway between starts that end differently, as marching squares would draw them, rather than the
    staircase of the starts' cells; every start's own cell centre keeps its end.
    """
    rows, columns = (_interpolation_weights(count, factor) for count in ends.shape)
    finer = np.empty((ends.shape[0] * factor, ends.shape[1] * factor), dtype=ends.dtype)
    largest = np.full(finer.shape, -np.inf, dtype=np.float32)
    for end in np.unique(ends):
        share = rows @ (ends == end).astype(np.float32) @ columns.T
        larger = share > largest
        finer[larger] = end
        np.maximum(largest, share, out=largest)
    return finer


def _interpolation_weights(count: int, factor: int) -> np.ndarray:
    """(count·factor, count) weights interpolating linearly between cell centres at the centres of finer cells."""
    if count == 1:
        return np.ones((factor, 1), dtype=np.float32)
    positions = np.clip((np.arange(count * factor) + 0.5) / factor - 0.5, 0.0, count - 1.0)  # in coarse cells
    lower = np.minimum(np.floor(positions).astype(int), count - 2)
    above = (positions - lower).astype(np.float32)
    weights = np.zeros((count * factor, count), dtype=np.float32)
    fine = np.arange(count * factor)
    weights[fine, lower] = 1.0 - above
    weights[fine, lower + 1] = above
    return weights


def _cell_centres(low: float, high: float, count: int) -> np.ndarray:
    """count points splitting [low, high] into equal cells, one at each cell's centre."""
    width = (high - low) / count
    return low + width * (np.arange(count) + 0.5)


def _attractors(compiled: CompiledFormula, domain: Domain, held: dict[str, float], end_points: np.ndarray,
                converged: np.ndarray) -> tuple[tuple[Attractor, ...] | None, np.ndarray]:
    """The places where converged runs end, deepest first, and each converged start's index among them."""
    widths = np.array([high - low for low, high in domain.ranges])
    ends = end_points[converged]
    labels = np.full(len(ends), -1)
    places: list[np.ndarray] = []
    while (labels < 0).any():
        first = ends[np.argmax(labels < 0)]
        together = (labels < 0) & np.all(np.abs(ends - first) <= SAME_PLACE * widths, axis=1)
        labels[together] = len(places)
        places.append(ends[together].mean(axis=0))
        if len(places) > MOST_ATTRACTORS:
            return None, labels
    total = max(converged.size, 1)
    found = []
    for index, place in enumerate(places):
        full = np.array([place[domain.variables.index(name)] if name in domain.variables else held[name]
                         for name in compiled.variables])
        value, gradient = compiled.value_and_gradient(full)
        plotted = [compiled.variables.index(name) for name in domain.variables]
        hessian = compiled.hessian(full)[np.ix_(plotted, plotted)]
        kind = converged_kind(hessian, float(np.linalg.norm(gradient[plotted])))
        place = zeroed_below(place, place_precision(hessian, widths))  # the bowl's minimum: (0, 0), not (−6e−23, 1e−7)
        found.append((float(value), index, Attractor(tuple(place.tolist()), float(value), kind,
                                                     float(np.count_nonzero(labels == index)) / total)))
    found.sort(key=lambda entry: (entry[0] if math.isfinite(entry[0]) else math.inf, entry[2].point))
    order = np.empty(len(found), dtype=int)
    for rank, (_, index, _) in enumerate(found):
        order[index] = rank
    return tuple(attractor for _, _, attractor in found), order[labels]


def place_precision(hessian: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """How far from where ∇f = 0 runs that converged there may end, along each plotted axis: a run stops once |∇f| is
    below TOLERANCE, up to TOLERANCE / |λ| away for the Hessian's eigenvalue λ of least size; never more than SAME_PLACE
    of a range's width, within which runs end at the same place (x⁴'s minimum, where λ = 0)."""
    smallest = float(np.min(np.abs(np.linalg.eigvalsh(hessian)))) if np.isfinite(hessian).all() else 0.0
    reach = TOLERANCE / smallest if smallest > 0.0 else math.inf
    return np.minimum(reach, SAME_PLACE * widths)


def basins_summary(basins: Basins) -> str:
    """What the basins show, in words: "Where descent from each start ends: 2 minima (49%, 48%), diverges 3%."."""
    if basins.refusal:
        return f"No basins: {basins.refusal}."
    parts = []
    if basins.attractors:
        kinds = {attractor.kind or "a place where ∇f = 0" for attractor in basins.attractors}
        named = "minima" if kinds == {"a minimum"} else "places where ∇f = 0"
        shares = ", ".join(f"{round(100 * attractor.share)}%" for attractor in basins.attractors)
        parts.append(f"{len(basins.attractors)} {named} ({shares})" if len(basins.attractors) > 1
                     else f"{basins.attractors[0].kind or 'one place where ∇f = 0'} ({shares})")
    for end, words in ((DIVERGED, "diverges"), (UNSETTLED, f"still moving after {basins.steps} steps"),
                       (UNDEFINED, "starts where f is undefined")):
        share = basins.share(end)
        if share:
            parts.append(f"{words} {max(1, round(100 * share))}%")
    return "Where descent from each start ends: " + ", ".join(parts) + "."
