"""Quick comparisons: run specs to run beside a given one, each labelled for people, and learning-rate guidance.

Racing optimizers needs a learning rate for each, and one η does not suit them all: for GD and its
momentum variants η multiplies the gradient, for AdaGrad, RMSProp and Adam it is (close to) the length of
each coordinate's step, whatever the gradient's size, and Newton's natural η is 1. The spec's η is taken
to be tuned for GD. The race therefore uses:

* GD, momentum, Nesterov: the spec's η when the spec is one of them, else 0.1. Heavy-ball momentum
  (μ = 0.9) is stable on a quadratic up to η = 2(1 + μ)/λmax, above GD's 2/λmax, so an η that is stable
  for GD is stable for them too.
* AdaGrad, RMSProp, Adam: a step length, a fraction of the start's distance scale D (its largest
  |coordinate|, at least 1): Adam 0.05·D (about 20 steps to cross D), AdaGrad 0.1·D (its steps shrink
  like 1/√t), RMSProp 0.01·D (its first steps are 10η long, as its mean square starts from 0).
* Newton: η = 1, the full Newton step.

Each raced optimizer uses torch's defaults for its other hyper-parameters, except the spec's own
optimizer, which keeps the spec's η and settings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from gradviz.core.compiled import CompiledFormula
from gradviz.core.descent import OPTIMIZER_NAMES, OPTIMIZER_TITLES, Run, stability_limit
from gradviz.core.notation import format_number
from gradviz.core.scenario import RunSpec

DEFAULT_FACTORS = (0.1, 1.0, 10.0)
DEFAULT_RACE = ("gd", "momentum", "adam")
GRADIENT_FAMILY = ("gd", "momentum", "nesterov")
GRADIENT_FAMILY_LR = 0.1
STEP_LENGTH_FRACTIONS = {"adagrad": 0.1, "rmsprop": 0.01, "adam": 0.05}
NEWTON_LR = 1.0
JUST_BELOW, JUST_ABOVE = 0.9, 1.1


def _learning_rate_label(lr: float) -> str:
    """'η = 0.01'."""
    return f"η = {format_number(lr)}"


def wrong_sign_twin(spec: RunSpec) -> RunSpec:
    """The same run with the other update sign, labelled 'wrong sign' (or 'correct sign')."""
    sign = "wrong" if spec.sign == "correct" else "correct"
    return replace(spec, sign=sign, label=f"{sign} sign")


def compare_learning_rates(
    spec: RunSpec, factors: Sequence[float] = DEFAULT_FACTORS, rates: Sequence[float] | None = None
) -> tuple[RunSpec, ...]:
    """The same run at several learning rates: the spec's η times each factor, or the rates given."""
    chosen = [spec.lr * factor for factor in factors] if rates is None else list(rates)
    for rate in chosen:
        if not (math.isfinite(rate) and rate > 0.0):
            raise ValueError(f"a learning rate must be a positive number, got {rate}")
    return tuple(replace(spec, lr=rate, label=_learning_rate_label(rate)) for rate in chosen)


def _race_learning_rate(spec: RunSpec, name: str) -> float:
    """The learning rate an optimizer races with (see the module's description)."""
    if name in GRADIENT_FAMILY:
        return spec.lr if spec.optimizer in GRADIENT_FAMILY else GRADIENT_FAMILY_LR
    if name == "newton":
        return NEWTON_LR
    distance = max([1.0, *(abs(value) for value in spec.start.values())])
    return STEP_LENGTH_FRACTIONS[name] * distance


def race_optimizers(spec: RunSpec, names: Sequence[str] = DEFAULT_RACE) -> tuple[RunSpec, ...]:
    """The run with each optimizer from the same start, each with a learning rate that suits it."""
    unknown = [name for name in names if name not in OPTIMIZER_NAMES]
    if unknown or len(set(names)) != len(names):
        raise ValueError(f"race distinct optimizers among {', '.join(OPTIMIZER_NAMES)}; got {list(names)}")
    return tuple(
        replace(spec, label=OPTIMIZER_TITLES[name]) if name == spec.optimizer else
        replace(spec, optimizer=name, lr=_race_learning_rate(spec, name), params={}, label=OPTIMIZER_TITLES[name])
        for name in names
    )


def different_starts(spec: RunSpec, starts: Sequence[Mapping[str, float]]) -> tuple[RunSpec, ...]:
    """The run from each start (given coordinates replace the spec's, the others stay), labelled 'start (1, 2)'."""
    return tuple(
        replace(spec, start={**spec.start, **start},
                label="start (" + ", ".join(format_number(value) for value in start.values()) + ")")
        for start in starts
    )


@dataclass(frozen=True)
class LrGuidance:
    """GD's stability limit 2/λmax from the curvature at a point, or why there is none.

    The limit belongs to the quadratic that matches f at the point (exact for quadratic f): with η above
    it, GD's steps overshoot further each time along the steepest-curved direction and diverge.
    """

    eigenvalues: tuple[float, ...]
    limit: float | None
    reason: str = ""
    saddle: bool = False  # f curves downward too: the limit holds along the upward-curving directions only

    @property
    def available(self) -> bool:
        """Whether there is a limit (some direction curves upward)."""
        return self.limit is not None

    @property
    def lambda_max(self) -> float | None:
        """The largest eigenvalue of the Hessian, when there is a limit."""
        return self.eigenvalues[-1] if self.available else None

    @property
    def just_below(self) -> float | None:
        """A learning rate just below the limit (0.9×), where GD still converges."""
        return None if self.limit is None else JUST_BELOW * self.limit

    @property
    def just_above(self) -> float | None:
        """A learning rate just above the limit (1.1×), where GD diverges."""
        return None if self.limit is None else JUST_ABOVE * self.limit


def learning_rate_guidance(
    compiled: CompiledFormula, point: Mapping[str, float], free_axes: Sequence[str]
) -> LrGuidance:
    """The stability limit 2/λmax of the Hessian over the free variables at a point, or the reason for none."""
    missing = [name for name in compiled.variables if name not in point]
    if missing or not free_axes or any(name not in compiled.variables for name in free_axes):
        raise ValueError(f"need a value for every variable of {compiled.variables} and free variables among them")
    free = [compiled.variables.index(name) for name in free_axes]
    hessian = compiled.hessian([point[name] for name in compiled.variables])[np.ix_(free, free)]
    if not np.isfinite(hessian).all():
        return LrGuidance((), None, "the Hessian is undefined at this point")
    eigenvalues = tuple(np.linalg.eigvalsh(0.5 * (hessian + hessian.T)).tolist())
    listed = ", ".join(format_number(value) for value in eigenvalues)
    limit = stability_limit(hessian)
    if limit is not None:
        return LrGuidance(eigenvalues, limit)
    limit = stability_limit(hessian, bowl_only=False)
    if limit is not None:
        return LrGuidance(eigenvalues, limit, f"f curves downward along some direction here (Hessian eigenvalues "
                          f"{listed}): GD leaves along it whatever η is, and overshoots along the upward-curving "
                          "ones above 2/λmax", saddle=True)
    reason = (f"f curves upward along no direction here (Hessian eigenvalues {listed}): "
              "no step overshoots, so 2/λmax gives no limit")
    return LrGuidance(eigenvalues, None, reason)


def goes_down(run: Run) -> bool:
    """Whether a run converged, or ends lower than it started and still going down over its last tenth of steps.

    A run past its start's stability limit that still goes down (Rosenbrock's valley at η = 0.001) holds; one
    bouncing between two points (a bowl at η = 2/λmax, log cosh x at η = 3 after a first drop) or growing 1.4× a
    step within its budget does not, though it has not diverged yet.
    """
    if run.stop_reason == "converged":
        return True
    if run.stop_reason == "diverged" or len(run.steps) < 2:
        return False
    values = [step.value for step in run.steps]
    tenth = max(1, len(values) // 10)
    return values[-1] < values[0] and values[-1] < values[-1 - tenth]


def around_stability_limit(spec: RunSpec, guidance: LrGuidance) -> tuple[RunSpec, RunSpec]:
    """The run just below and just above the stability limit, labelled so."""
    if guidance.limit is None or guidance.just_below is None or guidance.just_above is None:
        raise ValueError(f"there is no stability limit: {guidance.reason}")
    limit = format_number(guidance.limit)
    return (
        replace(spec, lr=guidance.just_below,
                label=f"{_learning_rate_label(guidance.just_below)}, just below the limit {limit}"),
        replace(spec, lr=guidance.just_above,
                label=f"{_learning_rate_label(guidance.just_above)}, just above the limit {limit}"),
    )
