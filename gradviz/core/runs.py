"""Descent runs as the session shows them: plotted variables move, held-fixed variables stay put."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gradviz.core.compiled import CompiledFormula
from gradviz.core.descent import OptimizerSettings, Run, RunSettings, run_descent
from gradviz.core.errors import DescentError
from gradviz.core.scenario import RunSpec


class SliceObjective:
    """f restricted to some free variables, the others held at fixed values."""

    def __init__(self, compiled: CompiledFormula, free: Sequence[str], point: dict[str, float]) -> None:
        self.variables = tuple(free)
        self._full = np.array([point[name] for name in compiled.variables], dtype=float)
        self._free_index = np.array([compiled.variables.index(name) for name in free], dtype=int)
        self._compiled = compiled

    def embed(self, free_point: np.ndarray) -> np.ndarray:
        """The full point for these free coordinates."""
        full = self._full.copy()
        full[self._free_index] = free_point
        return full

    def value_and_gradient(self, point: np.ndarray) -> tuple[float, np.ndarray]:
        """f and its gradient with respect to the free variables."""
        value, gradient = self._compiled.value_and_gradient(self.embed(point))
        return value, gradient[self._free_index]

    def hessian(self, point: np.ndarray) -> np.ndarray:
        """The Hessian block of the free variables."""
        return self._compiled.hessian(self.embed(point))[np.ix_(self._free_index, self._free_index)]


@dataclass(frozen=True)
class RunResult:
    """A computed run: its spec, the engine's record, and every step's full point (all variables)."""

    spec: RunSpec
    run: Run
    free: tuple[str, ...]
    points: np.ndarray
    values: np.ndarray


def optimizer_settings(spec: RunSpec) -> OptimizerSettings:
    """The engine's optimizer settings for a run spec (Adam's betas may be given as beta1 and beta2)."""
    params: dict[str, object] = dict(spec.params)
    if "beta1" in params or "beta2" in params:
        params["betas"] = (params.pop("beta1", 0.9), params.pop("beta2", 0.999))
    unknown = sorted(set(params) - set(OptimizerSettings.__dataclass_fields__) - {"name", "lr", "sign"})
    if unknown:
        raise DescentError(f"unknown optimizer setting '{unknown[0]}'")
    return OptimizerSettings(name=spec.optimizer, lr=spec.lr, sign=spec.sign, **params)  # type: ignore[arg-type]


def compute_run(compiled: CompiledFormula, spec: RunSpec, free: Sequence[str]) -> RunResult:
    """Run descent over the free variables from the spec's start, holding the others at their start values."""
    free = tuple(name for name in free if name in compiled.variables) or compiled.variables
    objective = SliceObjective(compiled, free, spec.start)
    settings = RunSettings(start=tuple(spec.start[name] for name in free), optimizer=optimizer_settings(spec),
                           max_steps=spec.max_steps)
    run = run_descent(objective, settings)
    points = np.array([objective.embed(step.point) for step in run.steps], dtype=float)
    values = np.array([step.value for step in run.steps], dtype=float)
    return RunResult(spec=spec, run=run, free=free, points=points, values=values)
