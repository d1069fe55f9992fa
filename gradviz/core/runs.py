"""Descent runs as the session shows them: plotted variables move, held-fixed variables stay put."""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from gradviz.core.compiled import CompiledFormula
from gradviz.core.descent import (
    OPTIMIZER_TITLES,
    SETTING_TITLES,
    DescentInProgress,
    OptimizerSettings,
    Run,
    RunSettings,
)
from gradviz.core.errors import DescentError
from gradviz.core.notation import format_number, format_value, held_text, unicode_name
from gradviz.core.scenario import RunSpec

# Distances from a run's start, near and far, at which a slice of f is looked at to see whether it is flat all over
SLICE_PROBES = np.logspace(-2, 3, 12)


class SliceObjective:
    """f restricted to some free variables, the others held at fixed values."""

    def __init__(self, compiled: CompiledFormula, free: Sequence[str], point: dict[str, float]) -> None:
        self.variables = tuple(free)
        self._full = np.array([point[name] for name in compiled.variables], dtype=float)
        self._free_index = np.array([compiled.variables.index(name) for name in free], dtype=int)
        self._compiled = compiled
        self._all_free = self.variables == compiled.variables
        # The float path picks the formula's coordinates out of (*free point, *start values), and the
        # free variables' partials out of its gradient.
        self._start_floats = self._full.tolist()
        in_free = {name: index for index, name in enumerate(free)}
        self._pick_coordinates = _picker([
            in_free.get(name, len(free) + index) for index, name in enumerate(compiled.variables)
        ])
        self._pick_free = _picker(self._free_index.tolist())

    @property
    def constant(self) -> bool:
        """Whether f does not depend on any free variable: the same everywhere the run may go (∇f = 0 all over)."""
        return self._compiled.unchanging.issuperset(self.variables)

    @property
    def flat_slice(self) -> tuple[tuple[str, float], ...]:
        """The held values that make f the same all over the slice (x·y·z with z = 0 held); () where it is not flat.

        Where f does not change with the free variables at points far and near, each held value that, changed,
        makes it change is one; if none does alone, all are named. () too where nothing is held or f is constant.
        """
        held = [index for index in range(len(self._full)) if index not in self._free_index]
        if not held or self.constant or not self._flat_at(self._full):
            return ()
        names = self._compiled.variables
        moved = [index for index in held if not self._flat_at(self._full + np.eye(len(self._full))[index])]
        return tuple((names[index], float(self._full[index])) for index in (moved or held))

    def _flat_at(self, full: np.ndarray) -> bool:
        """Whether the free variables' partials are exactly 0 at every probe of the slice through the full point."""
        probes = np.tile(full, (len(SLICE_PROBES), 1))
        ways = np.random.default_rng(7).choice((-1.0, 1.0), (len(SLICE_PROBES), len(self._free_index)))
        probes[:, self._free_index] += ways * SLICE_PROBES[:, np.newaxis]
        with np.errstate(all="ignore"):
            _, gradient = self._compiled.evaluate(list(probes.T))
        partials = np.array([gradient[index] for index in self._free_index])
        return bool(np.isfinite(partials).all() and not partials.any())

    def embed(self, free_point: np.ndarray) -> np.ndarray:
        """The full point for these free coordinates."""
        full = self._full.copy()
        full[self._free_index] = free_point
        return full

    def embed_all(self, free_points: np.ndarray) -> np.ndarray:
        """The full points for rows of free coordinates (shape (steps, free variables))."""
        full = np.tile(self._full, (len(free_points), 1))
        full[:, self._free_index] = free_points
        return full

    def value_and_gradient(self, point: np.ndarray) -> tuple[float, np.ndarray]:
        """f and its gradient with respect to the free variables."""
        value, gradient = self._compiled.value_and_gradient(self.embed(point))
        return value, gradient[self._free_index]

    @property
    def value_and_gradient_floats(self) -> Callable[[Sequence[float]], tuple[float, tuple[float, ...]]]:
        """value_and_gradient at a point of Python floats, as Python floats (see CompiledFormula's)."""
        return self._compiled.value_and_gradient_floats if self._all_free else self._embedded_floats

    @property
    def float_function(self) -> Callable[..., tuple[Any, tuple[Any, ...]]] | None:
        """The formula's float_function when every variable is free (see CompiledFormula's), else None."""
        return self._compiled.float_function if self._all_free else None

    def _embedded_floats(self, point: Sequence[float]) -> tuple[float, tuple[float, ...]]:
        """value_and_gradient_floats with held-fixed variables put in and their partials left out."""
        coordinates = self._pick_coordinates((*point, *self._start_floats))
        value, gradient = self._compiled.value_and_gradient_floats(coordinates)
        return value, self._pick_free(gradient)

    def hessian(self, point: np.ndarray) -> np.ndarray:
        """The Hessian block of the free variables."""
        return self._compiled.hessian(self.embed(point))[np.ix_(self._free_index, self._free_index)]


def _picker(indices: list[int]) -> Callable[[Sequence[float]], tuple[float, ...]]:
    """A fast function taking the items at these indices out of a sequence, as a tuple."""
    if len(indices) > 1:
        return operator.itemgetter(*indices)
    return lambda items: tuple([items[index] for index in indices])  # itemgetter gives a lone item bare


@dataclass(frozen=True)
class RunResult:
    """A computed run: its spec, the engine's record, and every step's full point (all variables)."""

    spec: RunSpec
    run: Run
    free: tuple[str, ...]
    points: np.ndarray
    values: np.ndarray


def first_step_outside(points: np.ndarray, columns: Sequence[int], ranges: Sequence[tuple[float, float]]) -> int | None:
    """The first step whose point lies outside the plotted ranges (or is not finite), None if every step is inside.

    columns: the points' columns of the plotted variables, each with its (low, high) range in ranges.
    """
    plotted = np.asarray(points, dtype=np.float64)[:, list(columns)]
    low, high = np.array(ranges, dtype=np.float64).reshape(-1, 2).T
    outside = np.flatnonzero(~np.all((plotted >= low) & (plotted <= high), axis=1))
    return int(outside[0]) if outside.size else None


def point_text(names: Sequence[str], values: Sequence[float]) -> str:
    """Where a run's point is, as captions and the map's edge pointers say it: 'w = −112' for one variable,
    '(x, y) = (3, −4.5)' for several, each to 4 significant digits."""
    written = [unicode_name(name) for name in names]
    where = values_text(values)
    return f"{written[0]} = {where}" if len(written) == 1 else f"({', '.join(written)}) = ({where})"


def values_text(values: Sequence[float]) -> str:
    """'3, −4.5': a point's values, each to 4 significant digits."""
    return ", ".join(format_number(float(value), 4) for value in values)


def where_it_went(result: RunResult, variables: Sequence[str], function_name: str, step: int) -> tuple[str, ...]:
    """'w = −112, f = 13227.9': a run's point at a step and f there (as the readouts write it), for a point off the
    picture; then shorter forms, for a map too narrow for it: the point alone, and with several variables its bare
    values ('(8.793, 8.334e7)')."""
    free = [variables.index(name) for name in result.free]
    values = result.points[step, free]
    point = point_text(result.free, values)
    forms = (f"{point}, {function_name} = {format_value(float(result.values[step]))}", point)
    if len(free) == 1:
        return forms
    return (*forms, f"({values_text(values)})")


def run_name(spec: RunSpec) -> str:
    """What a run is called in readouts, legends and pictures: its label ('GD η = 0.001'), else its optimizer's name."""
    return spec.label or OPTIMIZER_TITLES[spec.optimizer]


def setting_text(name: str, value: object) -> str:
    """An optimizer setting as people read it: 'β₁ = 0.8', 'lr decay = 0.01', 'AMSGrad = on' (files keep the key)."""
    shown = ("on" if value else "off") if isinstance(value, bool) else format_number(value)  # type: ignore[arg-type]
    return f"{SETTING_TITLES.get(name, name.replace('_', ' '))} = {shown}"


def hyper_parameters(spec: RunSpec) -> dict[str, object]:
    """The settings a run's optimizer reads besides η, defaults filled in, in its order (Adam's betas as beta1 and
    beta2, where betas is)."""
    settings: dict[str, object] = {}
    for name, value in optimizer_settings(spec).hyper_parameters().items():
        if name == "betas" and isinstance(value, tuple):
            settings.update(beta1=value[0], beta2=value[1])
        elif name != "lr":
            settings[name] = value
    return settings


def changed_settings(spec: RunSpec) -> tuple[str, ...]:
    """The settings a run gives its optimizer other than the defaults, as read: ('β₁ = 0.8', 'β₂ = 0.99').

    Settings its optimizer does not read (a momentum left in a file's plain descent) are not named: they change
    nothing.
    """
    defaults = hyper_parameters(replace(spec, params={}))
    return tuple(setting_text(name, value) for name, value in hyper_parameters(spec).items()
                 if defaults.get(name) != value)


def optimizer_text(spec: RunSpec) -> str:
    """A run's optimizer with the settings it changes, as every list, legend and caption names it: 'Adam (β₁ = 0.8,
    β₂ = 0.99)', 'Nesterov momentum'."""
    changed = changed_settings(spec)
    title = OPTIMIZER_TITLES[spec.optimizer]
    return f"{title} ({', '.join(changed)})" if changed else title


def run_titles(specs: Sequence[RunSpec]) -> tuple[str, ...]:
    """How runs are named in lists and legends: '1. η = 0.01' from a label, else from the settings ('1. Adam (β₁ =
    0.8), η = 0.1, wrong sign'); runs whose settings read alike are told apart by their starts ('…, from (1, 2)')."""
    settings = [_settings_title(spec) for spec in specs]
    titles = []
    for index, (spec, title) in enumerate(zip(specs, settings, strict=True)):
        alike = [other for other, other_title in zip(specs, settings, strict=True)
                 if other_title == title and not other.label]
        if not spec.label and len({tuple(other.start.values()) for other in alike}) > 1:
            title += f", from ({', '.join(format_number(value, 3) for value in spec.start.values())})"
        titles.append(f"{index + 1}. {title}")
    return tuple(titles)


def _settings_title(spec: RunSpec) -> str:
    """A run's label, else its optimizer (see optimizer_text) with its η and a wrong sign."""
    if spec.label:
        return spec.label
    sign = ", wrong sign" if spec.sign == "wrong" else ""
    return f"{optimizer_text(spec)}, η = {format_number(spec.lr)}{sign}"


def optimizer_settings(spec: RunSpec) -> OptimizerSettings:
    """The engine's optimizer settings for a run spec (Adam's betas may be given as beta1 and beta2)."""
    params: dict[str, object] = dict(spec.params)
    if "beta1" in params or "beta2" in params:
        params["betas"] = (params.pop("beta1", 0.9), params.pop("beta2", 0.999))
    unknown = sorted(set(params) - set(OptimizerSettings.__dataclass_fields__) - {"name", "lr", "sign"})
    if unknown:
        raise DescentError(f"unknown optimizer setting '{unknown[0]}'")
    return OptimizerSettings(name=spec.optimizer, lr=spec.lr, sign=spec.sign, **params)  # type: ignore[arg-type]


class _RunInProgress:
    """One run of a batch being computed: descent over the free variables, the others held at their start values."""

    def __init__(self, compiled: CompiledFormula, spec: RunSpec, free: Sequence[str]) -> None:
        self.spec = spec
        self.free = tuple(name for name in free if name in compiled.variables) or compiled.variables
        self.objective = SliceObjective(compiled, self.free, spec.start)
        settings = RunSettings(start=tuple(spec.start[name] for name in self.free),
                               optimizer=optimizer_settings(spec), max_steps=spec.max_steps)
        self.descent = DescentInProgress(self.objective, settings)

    def advance(self, stop: bool) -> RunResult | None:
        """The next piece of steps (see DescentInProgress.advance); the result once the run ended."""
        try:
            run = self.descent.advance(stop)
        except DescentError as error:  # the held values may be why: they are named with the start
            held = [(name, value) for name, value in self.spec.start.items() if name not in self.free]
            where, colon, why = str(error).partition(": ")
            if not held or not colon or not where.startswith("cannot start from"):
                raise
            raise DescentError(f"{where} with {held_text(held)}: {why}") from None
        if run is None:
            return None
        spec = self.spec
        if run.settings.max_steps != spec.max_steps:  # stopped early: the spec says where it ended
            spec = replace(spec, max_steps=run.settings.max_steps)
        return RunResult(spec=spec, run=run, free=self.free, points=self.objective.embed_all(run.points),
                         values=run.values)


class RunBatch:
    """Runs computed side by side, a piece of each in turn, in slices that fit a time limit; stoppable.

    The batch counts the steps done. Stopping keeps what has been computed: every run ends where it is, with its
    step budget lowered to the steps it took, so its spec still describes it. Computed side by side, the runs
    have come about equally far when stopped.
    """

    def __init__(self, compiled: CompiledFormula, specs: Sequence[RunSpec], free: Sequence[str]) -> None:
        self.compiled = compiled
        self.specs = tuple(specs)
        self.free = tuple(free)
        self.total_steps = sum(spec.max_steps for spec in self.specs)
        self.done_steps = 0
        self.stopped = False
        self._runs: list[_RunInProgress] = []  # made at the first advance (stopped before it: with budget 0)
        self._results: list[RunResult | None] = [None] * len(self.specs)
        self._next = 0  # the run whose piece comes next

    def stop(self) -> None:
        """End the computation at the next advance, keeping the steps computed so far."""
        self.stopped = True

    def advance(self, deadline: float) -> tuple[RunResult, ...] | None:
        """Compute until time.perf_counter() passes the deadline or every run is done; then every run's result.

        Raises DescentError for a run that cannot start.
        """
        if not self._runs:
            self._runs = [_RunInProgress(self.compiled, replace(spec, max_steps=0) if self.stopped else spec, self.free)
                          for spec in self.specs]
        while None in self._results:
            index, self._next = self._next, (self._next + 1) % len(self._runs)
            if self._results[index] is not None:
                continue
            self._results[index] = self._runs[index].advance(self.stopped)
            self.done_steps = sum(spec.max_steps if result is not None else run.descent.steps_taken
                                  for spec, run, result in zip(self.specs, self._runs, self._results, strict=True))
            if None in self._results and not self.stopped and time.perf_counter() >= deadline:
                return None
        return tuple(result for result in self._results if result is not None)

    def compute(self) -> tuple[RunResult, ...]:
        """Every run of the batch, computed now."""
        runs = self.advance(math.inf)
        assert runs is not None  # no deadline passes
        return runs


def compute_run(compiled: CompiledFormula, spec: RunSpec, free: Sequence[str]) -> RunResult:
    """Run descent over the free variables from the spec's start, holding the others at their start values."""
    return RunBatch(compiled, (spec,), free).compute()[0]
