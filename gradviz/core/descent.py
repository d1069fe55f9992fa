"""Gradient descent and its torch.optim relatives, run step by step on any objective.

Every optimizer follows the update rule and the default hyper-parameters of the matching
``torch.optim`` class (SGD, Adagrad, RMSprop, Adam), so a run agrees with PyTorch to rounding.
Newton's method is added for comparison. The wrong update sign (``w ← w + η∇f``) feeds the negated
gradient into the optimizer's rule, exactly as torch's ``maximize=True`` does.

A run records one Step per point visited, numbered from 0 (the start point). The update of a step is
the vector added to its point to reach the next one; the final step has ``update=None``, since no
update was applied from it.

A run keeps no optimizer state. :func:`replay_optimizer` recomputes it on demand (for explaining a
step) by feeding recorded gradients through a fresh copy of the same update rule, so run_descent
stays as fast as it is and the replayed updates are the run's own, bit for bit.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple, Protocol

import numpy as np

from gradviz.core.errors import DescentError
from gradviz.core.notation import format_number, point_text, unicode_name

OPTIMIZER_NAMES: tuple[str, ...] = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton")
OPTIMIZER_TITLES: dict[str, str] = {
    "gd": "Gradient descent",
    "momentum": "Momentum",
    "nesterov": "Nesterov momentum",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
    "newton": "Newton's method",
}
# Each optimizer setting as people read it (the stepper's boxes, run titles, captions, what a lesson scene changed);
# scenario files and the engine keep the keys on the left (Adam's betas as beta1 and beta2 in files).
SETTING_TITLES: dict[str, str] = {
    "lr": "η",
    "momentum": "momentum",
    "dampening": "dampening",
    "beta1": "β₁",
    "beta2": "β₂",
    "eps": "ε",
    "alpha": "α",
    "centered": "centered",
    "lr_decay": "lr decay",
    "initial_accumulator_value": "initial accumulator",
    "weight_decay": "weight decay",
    "amsgrad": "AMSGrad",
}
# A run's stop reason in a few words, for captions (Run.message says it in full).
OUTCOME_WORDS: dict[str, str] = {
    "converged": "converged",
    "diverged": "diverged",
    "max_steps": "step budget reached",
    "singular_hessian": "Hessian singular",
}
# What a converged run found (see converged_kind), as its message says it, and in a few words for captions: a
# minimum is what descent is for, and "converged" says it; at the others the run "stopped" (see Run.missed_minimum).
CONVERGED_KINDS: dict[str, str] = {
    "a minimum": "",
    "a maximum": "a maximum",
    "a saddle point, not a minimum": "a saddle point",
}
# Why a run on an f that does not change stops at its start: moving the start cannot help.
CONSTANT_F = "f is constant (∇f = 0 everywhere): there is nothing to descend"
# Optimizers whose rule takes many runs at once, a coordinate's array for all of them (see many_starts_update).
MANY_STARTS_OPTIMIZERS: tuple[str, ...] = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
# Optimizers whose update depends on the current point and gradient alone, not on earlier steps.
MEMORYLESS_OPTIMIZERS: tuple[str, ...] = ("gd", "newton")
SIGNS: tuple[str, ...] = ("correct", "wrong")
STOP_REASONS: tuple[str, ...] = ("converged", "max_steps", "diverged", "singular_hessian")

# The hyper-parameters each optimizer reads; the others in OptimizerSettings are ignored by it.
OPTIMIZER_PARAMETERS: dict[str, tuple[str, ...]] = {
    "gd": ("lr", "weight_decay"),
    "momentum": ("lr", "momentum", "dampening", "weight_decay"),
    "nesterov": ("lr", "momentum", "weight_decay"),
    "adagrad": ("lr", "lr_decay", "initial_accumulator_value", "eps", "weight_decay"),
    "rmsprop": ("lr", "alpha", "eps", "momentum", "centered", "weight_decay"),
    "adam": ("lr", "betas", "eps", "weight_decay", "amsgrad"),
    "newton": ("lr", "weight_decay"),
}

# torch's defaults where they differ between optimizers (used when the setting is left as None).
DEFAULT_MOMENTUM: dict[str, float] = {"momentum": 0.9, "nesterov": 0.9}
DEFAULT_EPS: dict[str, float] = {"adagrad": 1e-10}
FALLBACK_MOMENTUM = 0.0
FALLBACK_EPS = 1e-8

MAX_STEP_BUDGET = 100_000
PIECE_STEPS = 1024  # a run computed piece by piece pauses after this many steps
VALUE_BOUND = 1e100  # |f| beyond this counts as divergence
POLE_PROBE = 1e-9  # relative step beside a point where f is infinite, to tell a pole from an overflow
POLE_PROBLEM = "f is infinite there, a pole (a division by zero or a logarithm of 0)"
SINGULAR_RATIO = 1e-12  # a Hessian whose smallest |eigenvalue| is below this times the largest is singular
# Newton's step H⁻¹∇f longer than this times max(1, |w|) is of a Hessian zero but for rounding (the sigmoid's
# curvature at 0 came out 5.6e−17, a step of 4.5e15) or as good as zero: the run stops there, saying so
NEWTON_REACH = 1e12
EIGENVALUE_ROUNDING = 1e-9  # of the largest curvature: a smaller one counts as zero
HESSIAN_DECIDES = 10.0  # a curvature tells what a run converged to when larger than this times √|∇f| there
# times max(1, |coordinates|): how far around a point the Hessian cannot tell f is looked at (a quartic's rise or
# fall, h⁴, is rounding at the first; the second is still close enough to stay in the point's own basin)
NEARBY = (1e-3, 1e-1)
# f's change from the nearer reach to the farther grows as the reach's square and more where f is smooth (10⁴ times),
# as the reach alone (100 times) at a kink: growth below this tells a kink
KINK_GROWTH = 1000.0
# A step across a singularity (tan x's poles) or a jump of f: f's change over the step is far from what the slopes at
# both ends tell (a quadratic's is their average, exactly), and across ever smaller pieces of the step it does not
# shrink as a continuous f's does.
TRAPEZOID_SLACK = 0.5  # times the slopes' changes: f's change further from their average than this is looked into
BREAK_SAMPLES = 32  # pieces of a step looked at first; the one where f changes most is halved on and on
BREAK_HALVINGS = 50  # a continuous f's misfit shrinks to rounding by then (2⁻⁵⁵ of the step, cubed)
BREAK_BEAM = 4  # pieces halved side by side
BREAK_SHARE = 0.1  # f's change across the last piece, at least this share of that across the first: f jumps there
BREAK_SETTLED = 1e-6  # the misfit shrunk below this share of the first: continuous (8⁷ times smaller in 7 halvings)
BREAK_CHECKS = 16  # steps of a run looked at so closely, at most (a smooth f's large steps are all looked into)
# A run that used up its budget zig-zagging across a kink (abs(x) + abs(y) at 0): in its last steps the gradient
# turns back, and ∇f jumps between the step's ends (found as a jump of f is, by halving the step).
ZIGZAG_TAIL = 10  # the run's last steps looked at
ZIGZAG_CROSSINGS = 3  # of them, at least this many across a kink
GROWTH_TAIL = 5  # a run at its budget whose last steps each raised f, this many of them,
GROWTH_FACTOR = 1e3  # and f risen this many times the size of its start's and its lowest value, is said to grow
CUBE_CORNERS_UP_TO = 6  # variables: beyond, f is looked at along the axes only (a cube has 2ⁿ corners)
CHANGE_SEEN = 1e-12  # times max(1, |f|): a change of f beyond its slope, around a point, larger than rounding


class Objective(Protocol):
    """A function of several variables as descent sees it: value, gradient and Hessian at a point.

    An objective may also have ``value_and_gradient_floats(point)``, taking a sequence of Python floats and
    giving f as a float and ∇f as a tuple of floats: the numbers value_and_gradient gives, only faster.
    Descent then calls that instead (inside ``np.errstate(all="ignore")``). An objective of two variables may
    also have ``float_function``: a function of the two coordinates as Python floats giving f and the two
    partials (as numbers float() takes), the same numbers again, or raising ArithmeticError where
    value_and_gradient_floats would evaluate otherwise; or None. Plain gradient descent then calls it directly.
    An objective may also have ``constant``: True when f does not change with its variables at all (∇f = 0
    everywhere), which a run stopping at its start then says; and ``flat_slice``: the held values (name, value)
    with which f does not change with its variables (x·y·z with z = 0 held), or ().
    """

    variables: tuple[str, ...]

    def value_and_gradient(self, point: np.ndarray) -> tuple[float, np.ndarray]:
        """f and ∇f at the point."""
        ...

    def hessian(self, point: np.ndarray) -> np.ndarray:
        """The matrix of second partial derivatives at the point."""
        ...


# An Objective's optional value_and_gradient_floats.
_FloatEvaluator = Callable[[Sequence[float]], tuple[float, tuple[float, ...]]]
# An Objective's optional float_function: (x, y) to (f, (∂f/∂x, ∂f/∂y)).
_PlaneFunction = Callable[[float, float], tuple[float, tuple[float, float]]]

_SETTING_LABELS = {"lr": "the learning rate", "start": "the start point"}


def _as_number(name: str, value: object) -> float:
    """The value as a finite float, or a DescentError naming the setting."""
    name = _SETTING_LABELS.get(name, name)
    if isinstance(value, bool):
        raise DescentError(f"{name} must be a number, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DescentError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise DescentError(f"{name} must be a finite number, got {number}")
    return number


def _require_fraction(name: str, value: float, *, include_one: bool = False) -> None:
    """Raise unless value lies in [0, 1), or [0, 1] with include_one."""
    if value < 0.0 or value > 1.0 or (value == 1.0 and not include_one):
        interval = "[0, 1]" if include_one else "[0, 1)"
        raise DescentError(f"{name} must be in {interval}, got {_format_number(value, 6)}")


def _require_flag(name: str, value: object) -> None:
    """Raise unless value is a bool."""
    if not isinstance(value, bool):
        raise DescentError(f"{name} must be True or False, got {value!r}")


def _format_number(value: float, digits: int = 3) -> str:
    """A short human form of a number: 3 significant digits, a real minus, exponent without padding (1e−6, 2.5e8)."""
    return format_number(value, digits, whole=False)


def _below_text(value: float, bound: float) -> str:
    """'value < bound', value given the digits it needs to read below bound (9.9996e-7 < 1e-6, not 1e-6 < 1e-6)."""
    digits = next((digits for digits in range(3, 17) if _format_number(value, digits) != _format_number(bound, digits)),
                  17)
    return f"{_format_number(value, digits)} < {_format_number(bound)}"


@dataclass(frozen=True)
class OptimizerSettings:
    """Which optimizer to use and its hyper-parameters, named and defaulted as in torch.optim.

    ``momentum`` and ``eps`` left as None take the matching torch class's default: momentum 0.9 for
    'momentum' and 'nesterov', 0 for 'rmsprop'; eps 1e-10 for 'adagrad', 1e-8 for 'rmsprop' and 'adam'.
    ``sign='wrong'`` climbs instead of descending (torch's ``maximize=True``).
    """

    name: str = "gd"
    lr: float = 0.1
    sign: str = "correct"
    momentum: float | None = None
    dampening: float = 0.0
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float | None = None
    alpha: float = 0.99
    centered: bool = False
    lr_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    weight_decay: float = 0.0
    amsgrad: bool = False

    def __post_init__(self) -> None:
        """Validate every setting and normalise numbers to floats."""
        if self.name not in OPTIMIZER_NAMES:
            raise DescentError(f"unknown optimizer {self.name!r}: choose one of {', '.join(OPTIMIZER_NAMES)}")
        if self.sign not in SIGNS:
            raise DescentError(f"unknown update sign {self.sign!r}: choose one of {', '.join(SIGNS)}")
        for name in ("lr", "dampening", "alpha", "lr_decay", "initial_accumulator_value", "weight_decay"):
            object.__setattr__(self, name, _as_number(name, getattr(self, name)))
        for name in ("momentum", "eps"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, _as_number(name, getattr(self, name)))
        self._validate_betas()
        for name in ("centered", "amsgrad"):
            _require_flag(name, getattr(self, name))
        self._validate_ranges()

    def _validate_betas(self) -> None:
        """Normalise betas to a pair of floats, each in [0, 1)."""
        try:
            beta1, beta2 = self.betas
        except (TypeError, ValueError):
            raise DescentError(f"betas must be a pair of numbers, got {self.betas!r}") from None
        betas = (_as_number("beta1", beta1), _as_number("beta2", beta2))
        for name, beta in zip(("beta1", "beta2"), betas, strict=True):
            _require_fraction(name, beta)
        object.__setattr__(self, "betas", betas)

    def _validate_ranges(self) -> None:
        """Raise for numbers outside the range the optimizers accept."""
        if self.lr <= 0.0:
            raise DescentError(f"the learning rate must be positive, got {_format_number(self.lr, 6)}")
        _require_fraction("momentum", self.effective_momentum)
        _require_fraction("dampening", self.dampening, include_one=True)
        _require_fraction("alpha", self.alpha)
        if self.effective_eps <= 0.0:
            raise DescentError(f"eps must be positive, got {_format_number(self.effective_eps, 6)}")
        for name in ("lr_decay", "initial_accumulator_value", "weight_decay"):
            if getattr(self, name) < 0.0:
                raise DescentError(f"{name} must not be negative, got {_format_number(getattr(self, name), 6)}")
        if self.name == "nesterov" and (self.effective_momentum == 0.0 or self.dampening != 0.0):
            raise DescentError("Nesterov momentum needs a momentum above 0 and a dampening of 0")

    @property
    def effective_momentum(self) -> float:
        """The momentum this optimizer uses: the given one, else torch's default for it."""
        if self.momentum is not None:
            return self.momentum
        return DEFAULT_MOMENTUM.get(self.name, FALLBACK_MOMENTUM)

    @property
    def effective_eps(self) -> float:
        """The eps this optimizer uses: the given one, else torch's default for it."""
        if self.eps is not None:
            return self.eps
        return DEFAULT_EPS.get(self.name, FALLBACK_EPS)

    def hyper_parameters(self) -> dict[str, float | bool | tuple[float, float]]:
        """The hyper-parameters this optimizer reads, with defaults filled in, in display order."""
        effective = {"momentum": self.effective_momentum, "eps": self.effective_eps}
        return {name: effective.get(name, getattr(self, name)) for name in OPTIMIZER_PARAMETERS[self.name]}


@dataclass(frozen=True)
class RunSettings:
    """One descent run: start point, optimizer, step budget and stopping thresholds.

    The run stops as converged when |∇f| < tolerance at a point, and as diverged when the Euclidean norm
    of a point exceeds divergence_bound (or a value, gradient or point is not finite, or |f| > 1e100).
    """

    start: tuple[float, ...]
    optimizer: OptimizerSettings = field(default_factory=OptimizerSettings)
    max_steps: int = 100
    tolerance: float = 1e-6
    divergence_bound: float = 1e8

    def __post_init__(self) -> None:
        """Validate the settings and normalise the start point to a tuple of floats."""
        try:
            coordinates = tuple(self.start)
        except TypeError:
            raise DescentError(f"the start point must be a sequence of numbers, got {self.start!r}") from None
        if not coordinates:
            raise DescentError("the start point needs at least one coordinate")
        object.__setattr__(self, "start", tuple(_as_number("start", x) for x in coordinates))
        if not isinstance(self.optimizer, OptimizerSettings):
            raise DescentError(f"optimizer must be OptimizerSettings, got {type(self.optimizer).__name__}")
        if isinstance(self.max_steps, bool) or not isinstance(self.max_steps, int | np.integer):
            raise DescentError(f"the step budget must be a whole number, got {self.max_steps!r}")
        if not 0 <= self.max_steps <= MAX_STEP_BUDGET:
            raise DescentError(
                f"the step budget must be between 0 and {MAX_STEP_BUDGET}, got {self.max_steps}"
            )
        object.__setattr__(self, "max_steps", int(self.max_steps))
        object.__setattr__(self, "tolerance", _as_number("tolerance", self.tolerance))
        object.__setattr__(self, "divergence_bound", _as_number("divergence_bound", self.divergence_bound))
        if self.tolerance < 0.0:
            raise DescentError(f"the tolerance must not be negative, got {_format_number(self.tolerance, 6)}")
        if self.divergence_bound <= 0.0:
            raise DescentError(f"the divergence bound must be positive, got {_format_number(self.divergence_bound, 6)}")
        if math.hypot(*self.start) > self.divergence_bound:
            raise DescentError(
                f"the start point lies beyond the divergence bound {_format_number(self.divergence_bound)}"
            )


class Step(NamedTuple):
    """One point of a run: its index k, coordinates, f, ∇f there, and the update applied (None if final).

    A named tuple: a run makes one per step, and tuples are made several times faster than dataclasses.
    """

    k: int
    point: tuple[float, ...]
    value: float
    gradient: tuple[float, ...]
    update: tuple[float, ...] | None


@dataclass(frozen=True)
class Run:
    """A finished run: every step from the start point on, why it stopped, and a message for people."""

    settings: RunSettings
    variables: tuple[str, ...]
    steps: tuple[Step, ...]
    stop_reason: str
    message: str
    notes: tuple[str, ...] = ()
    found: str = ""  # what a converged run reached, in converged_kind's words ("" if the Hessian cannot tell)

    @property
    def outcome(self) -> str:
        """Why the run stopped, in a few words ("converged", "diverged", "converged to a saddle point")."""
        words = OUTCOME_WORDS.get(self.stop_reason, self.stop_reason.replace("_", " "))
        found = CONVERGED_KINDS.get(self.found, "")
        if self.missed_minimum:
            return f"stopped at {found}" if found else "stopped at the start"
        return f"{words} to {found}" if found else words

    @property
    def missed_minimum(self) -> bool:
        """Whether the run stopped where ∇f = 0 at no minimum: a saddle, a maximum, a start the Hessian cannot tell."""
        if self.stop_reason != "converged":
            return False
        return bool(CONVERGED_KINDS.get(self.found, "")) or (not self.found and len(self.steps) == 1)

    def message_shown(self, shown_gradient: Sequence[float]) -> str:
        """The message with the last step's |∇f| as shown beside it, rounding taken as 0 (see NoiseFloor).

        One step of (3 − 2w − b)² from (0, 0) with η = 0.1 stops at |∇f| = 1.99e−15, rounding the readout shows as
        |∇f| = 0: the message says "|∇f| = 0 < 1e−6" there, as the readout does. The run keeps its numbers.
        """
        if self.stop_reason != "converged":
            return self.message
        norm, shown_norm = math.hypot(*self.final_step.gradient), math.hypot(*shown_gradient)
        if shown_norm == norm:
            return self.message
        tolerance = self.settings.tolerance
        return self.message.replace(_below_text(norm, tolerance), _below_text(shown_norm, tolerance), 1)

    @property
    def final_step(self) -> Step:
        """The last step recorded (always finite, also after divergence)."""
        return self.steps[-1]

    @property
    def points(self) -> np.ndarray:
        """The visited points as an array of shape (number of steps, number of variables)."""
        shape = (len(self.steps), len(self.variables))
        coordinates = itertools.chain.from_iterable([step.point for step in self.steps])
        return np.fromiter(coordinates, dtype=float, count=shape[0] * shape[1]).reshape(shape)

    @property
    def values(self) -> np.ndarray:
        """f at each visited point."""
        return np.array([step.value for step in self.steps], dtype=float)


class _Stop(Exception):  # a control-flow signal, not an error
    """Raised by an update rule that cannot take a step from the current point."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _symmetric_eigenvalues(hessian: np.ndarray) -> np.ndarray | None:
    """Ascending eigenvalues of the symmetric part of a square matrix, or None if it is not finite."""
    matrix = np.asarray(hessian, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise DescentError(f"a Hessian must be a square matrix, got shape {matrix.shape}")
    if not np.isfinite(matrix).all():
        return None
    return np.linalg.eigvalsh(0.5 * (matrix + matrix.T))


def _is_singular(eigenvalues: np.ndarray) -> bool:
    """True when the smallest |eigenvalue| is negligible next to the largest (or all are zero)."""
    magnitudes = np.abs(eigenvalues)
    return bool(magnitudes.min() <= SINGULAR_RATIO * magnitudes.max())


def stability_limit(hessian: np.ndarray, bowl_only: bool = True) -> float | None:
    """2/λmax: with lr above it, plain GD's steps overshoot further each time along the steepest-curving direction.

    Near a minimum (H positive semi-definite) that is where GD stops converging: a valley's flat directions
    (λ = 0, as in (5 − w1 − 2w2)²) do not move and change nothing. Where f also curves downward (a saddle) GD
    leaves along those directions anyway, and the limit holds only along the upward ones: None unless bowl_only is
    False. None where no direction curves upward.
    """
    eigenvalues = _symmetric_eigenvalues(hessian)
    if eigenvalues is None or eigenvalues[-1] <= 0.0:
        return None
    if bowl_only and eigenvalues[0] < -SINGULAR_RATIO * eigenvalues[-1]:
        return None
    return float(2.0 / eigenvalues[-1])


def _maximum(a: float, b: float) -> float:
    """The larger of two floats, NaN if either is NaN, as numpy.maximum."""
    return a if a >= b or a != a else b


class _UpdateRule:
    """An optimizer's state and rule turning the fed gradient into the update of one step.

    Rules work on Python floats, coordinate by coordinate: each in-place tensor operation of torch's
    update is one rounded operation per coordinate, in the same order, so the numbers are those of
    NumPy float64 arrays, without NumPy's overhead on a handful of coordinates. Given NumPy's square root and
    maximum (see many_starts_update), the same rules take an array per coordinate: many runs at once.
    """

    _sqrt: Callable[[float], float] = staticmethod(math.sqrt)
    _larger: Callable[[float, float], float] = staticmethod(_maximum)

    def __init__(self, settings: OptimizerSettings, dim: int) -> None:
        self._lr = settings.lr
        self._momentum_buffer = [0.0] * dim

    def compute(self, grad: Sequence[float], point: Sequence[float]) -> list[float]:
        """The update for this (signed, weight-decayed) gradient at this point."""
        raise NotImplementedError

    def notes(self) -> tuple[str, ...]:
        """Remarks about the run for people; none unless the optimizer has some."""
        return ()

    def state(self) -> dict[str, np.ndarray]:
        """Copies of the buffers the rule carries from step to step, by name (none for plain GD)."""
        return {}


class _SgdRule(_UpdateRule):
    """torch.optim.SGD: plain (momentum 0), heavy-ball momentum with dampening, or Nesterov."""

    def __init__(self, settings: OptimizerSettings, dim: int) -> None:
        super().__init__(settings, dim)
        self._momentum = 0.0 if settings.name == "gd" else settings.effective_momentum
        self._dampening = settings.dampening
        self._nesterov = settings.name == "nesterov"
        self._started = False

    def compute(self, grad: Sequence[float], point: Sequence[float]) -> list[float]:
        """The update for this gradient."""
        lr, momentum = self._lr, self._momentum
        if momentum == 0.0:
            return [g * -lr for g in grad]
        if self._started:
            undamped = 1.0 - self._dampening
            self._momentum_buffer = [
                v * momentum + g * undamped for v, g in zip(self._momentum_buffer, grad, strict=True)
            ]
        else:  # torch starts the buffer at the first gradient, undampened
            self._momentum_buffer = list(grad)
            self._started = True
        if self._nesterov:
            return [(v * momentum + g) * -lr for v, g in zip(self._momentum_buffer, grad, strict=True)]
        return [v * -lr for v in self._momentum_buffer]

    def state(self) -> dict[str, np.ndarray]:
        """The momentum buffer (zero before the first step), unless momentum is off."""
        return {} if self._momentum == 0.0 else {"momentum_buffer": np.array(self._momentum_buffer)}


class _AdagradRule(_UpdateRule):
    """torch.optim.Adagrad: per-coordinate steps shrinking with the accumulated squared gradients."""

    def __init__(self, settings: OptimizerSettings, dim: int) -> None:
        super().__init__(settings, dim)
        self._lr_decay = settings.lr_decay
        self._eps = settings.effective_eps
        self._sum = [settings.initial_accumulator_value] * dim
        self._step = 0

    def compute(self, grad: Sequence[float], point: Sequence[float]) -> list[float]:
        """The update for this gradient."""
        self._step += 1
        scaled_lr = self._lr / (1 + (self._step - 1) * self._lr_decay)
        eps = self._eps
        self._sum = [total + g * g for total, g in zip(self._sum, grad, strict=True)]
        sqrt = self._sqrt
        return [g / (sqrt(total) + eps) * -scaled_lr for g, total in zip(grad, self._sum, strict=True)]

    def state(self) -> dict[str, np.ndarray]:
        """The running sum of squared gradients."""
        return {"sum": np.array(self._sum)}


def _lerp(start: Sequence[float], end: Sequence[float], weight: float) -> list[float]:
    """start + weight·(end − start), as torch's lerp_."""
    return [a + (b - a) * weight for a, b in zip(start, end, strict=True)]


def _decay_add_square(average: Sequence[float], grad: Sequence[float], decay: float) -> list[float]:
    """decay·average + (1 − decay)·grad², as torch's mul_(decay).addcmul_(grad, grad, 1 − decay)."""
    weight = 1.0 - decay
    return [a * decay + g * g * weight for a, g in zip(average, grad, strict=True)]


class _RmspropRule(_UpdateRule):
    """torch.optim.RMSprop: steps divided by a running root mean square of the gradient."""

    def __init__(self, settings: OptimizerSettings, dim: int) -> None:
        super().__init__(settings, dim)
        self._alpha = settings.alpha
        self._eps = settings.effective_eps
        self._momentum = settings.effective_momentum
        self._centered = settings.centered
        self._square_average = [0.0] * dim
        self._grad_average = [0.0] * dim

    def compute(self, grad: Sequence[float], point: Sequence[float]) -> list[float]:
        """The update for this gradient."""
        self._square_average = _decay_add_square(self._square_average, grad, self._alpha)
        if self._centered:
            self._grad_average = _lerp(self._grad_average, grad, 1.0 - self._alpha)
            roots = [  # rounding must not make a variance negative
                self._sqrt(self._larger(square - mean * mean, 0.0))
                for square, mean in zip(self._square_average, self._grad_average, strict=True)
            ]
        else:
            roots = [self._sqrt(square) for square in self._square_average]
        lr, eps, momentum = self._lr, self._eps, self._momentum
        if momentum > 0.0:
            self._momentum_buffer = [
                v * momentum + g / (root + eps) for v, g, root in zip(self._momentum_buffer, grad, roots, strict=True)
            ]
            return [v * -lr for v in self._momentum_buffer]
        return [g / (root + eps) * -lr for g, root in zip(grad, roots, strict=True)]

    def state(self) -> dict[str, np.ndarray]:
        """The mean square, with the mean gradient if centered and the momentum buffer if momentum is on."""
        buffers = {"square_average": np.array(self._square_average)}
        if self._centered:
            buffers["grad_average"] = np.array(self._grad_average)
        if self._momentum > 0.0:
            buffers["momentum_buffer"] = np.array(self._momentum_buffer)
        return buffers


class _AdamRule(_UpdateRule):
    """torch.optim.Adam (L2 weight decay, optional AMSGrad), with torch's bias correction."""

    def __init__(self, settings: OptimizerSettings, dim: int) -> None:
        super().__init__(settings, dim)
        self._beta1, self._beta2 = settings.betas
        self._eps = settings.effective_eps
        self._amsgrad = settings.amsgrad
        self._first_moment = [0.0] * dim
        self._second_moment = [0.0] * dim
        self._max_second_moment = [0.0] * dim
        self._step = 0

    def compute(self, grad: Sequence[float], point: Sequence[float]) -> list[float]:
        """The update for this gradient."""
        self._step += 1
        self._first_moment = _lerp(self._first_moment, grad, 1.0 - self._beta1)
        self._second_moment = _decay_add_square(self._second_moment, grad, self._beta2)
        step_size = self._lr / (1.0 - self._beta1**self._step)
        bias_correction2_sqrt = (1.0 - self._beta2**self._step) ** 0.5
        second_moment = self._second_moment
        if self._amsgrad:
            second_moment = self._max_second_moment = [
                self._larger(most, square) for most, square in zip(self._max_second_moment, second_moment, strict=True)
            ]
        eps, sqrt = self._eps, self._sqrt
        return [
            mean / (sqrt(square) / bias_correction2_sqrt + eps) * -step_size
            for mean, square in zip(self._first_moment, second_moment, strict=True)
        ]

    def state(self) -> dict[str, np.ndarray]:
        """The first and second moments, and their running maximum with AMSGrad."""
        buffers = {"first_moment": np.array(self._first_moment), "second_moment": np.array(self._second_moment)}
        if self._amsgrad:
            buffers["max_second_moment"] = np.array(self._max_second_moment)
        return buffers


class _NewtonRule(_UpdateRule):
    """Newton's method, damped by the learning rate: w ← w − η H⁻¹∇f (solving, never inverting H)."""

    def __init__(self, settings: OptimizerSettings, dim: int, objective: Objective) -> None:
        super().__init__(settings, dim)
        self._objective = objective
        self._weight_decay = settings.weight_decay
        self._steps = 0
        self._indefinite_steps: list[int] = []
        self._hessian = np.full((dim, dim), np.nan)
        self._direction = np.full(dim, np.nan)

    def compute(self, grad: Sequence[float], point: Sequence[float]) -> list[float]:
        """The update for this gradient, or raise _Stop if H cannot be used."""
        k = self._steps
        self._steps += 1
        try:
            hessian = np.array(self._objective.hessian(np.array(point)), dtype=float)
        except ArithmeticError:
            raise _Stop("diverged", "the Hessian could not be evaluated (overflow or undefined)") from None
        if self._weight_decay:
            hessian += self._weight_decay * np.eye(len(point))
        eigenvalues = _symmetric_eigenvalues(hessian)
        if eigenvalues is None:
            raise _Stop("diverged", "the Hessian overflowed or became undefined")
        if _is_singular(eigenvalues):
            listed = ", ".join(_format_number(value) for value in eigenvalues)
            raise _Stop(
                "singular_hessian",
                f"the Hessian is singular there (eigenvalues {listed}), so Newton's step H⁻¹∇f is undefined",
            )
        if eigenvalues[0] <= 0.0:
            self._indefinite_steps.append(k)
        try:
            direction = np.linalg.solve(hessian, np.array(grad))
        except np.linalg.LinAlgError:
            raise _Stop(
                "singular_hessian", "the Hessian is singular there, so Newton's step is undefined"
            ) from None
        reach = float(np.linalg.norm(direction))
        if math.isfinite(reach) and reach > NEWTON_REACH * max(1.0, float(np.max(np.abs(point)))):
            listed = ", ".join(_format_number(value) for value in eigenvalues)
            raise _Stop(
                "singular_hessian",
                f"the Hessian is nearly singular there (eigenvalues {listed}): Newton's step H⁻¹∇f would be "
                f"{_format_number(reach)} long",
            )
        self._hessian, self._direction = hessian, direction
        return (direction * -self._lr).tolist()

    def state(self) -> dict[str, np.ndarray]:
        """The Hessian of the latest step (weight decay added) and H⁻¹ times the gradient fed (NaN before)."""
        return {"hessian": self._hessian.copy(), "direction": self._direction.copy()}

    def notes(self) -> tuple[str, ...]:
        """A remark when the Hessian was not positive definite at some steps."""
        if not self._indefinite_steps:
            return ()
        count = len(self._indefinite_steps)
        return (
            f"the Hessian was not positive definite at {count} of {self._steps} Newton steps "
            f"(first at step {self._indefinite_steps[0]}): there Newton's step heads for a stationary point "
            "that may be a saddle or a maximum, not a minimum",
        )


_RULES: dict[str, type[_UpdateRule]] = {
    "gd": _SgdRule,
    "momentum": _SgdRule,
    "nesterov": _SgdRule,
    "adagrad": _AdagradRule,
    "rmsprop": _RmspropRule,
    "adam": _AdamRule,
}


def many_starts_update(settings: OptimizerSettings, dim: int) -> Callable[[list[np.ndarray], list[np.ndarray]],
                                                                          list[np.ndarray]]:
    """One step's update for many runs at once, each coordinate an array over the runs (not Newton's method).

    It is the runs' own rule (coordinate by coordinate, with NumPy's square root and maximum, and the sign and weight
    decay fed as a run feeds them), so each start takes the steps its own run would.
    """
    if settings.name not in MANY_STARTS_OPTIMIZERS:
        raise DescentError(f"{OPTIMIZER_TITLES[settings.name]} solves each step with its point's own Hessian, "
                           "not for many starts at once")
    rule = _RULES[settings.name](settings, dim)
    rule._sqrt, rule._larger = np.sqrt, np.maximum  # the arrays' own (both round as the floats' do)
    climbing, weight_decay = settings.sign == "wrong", settings.weight_decay

    def update(gradient: list[np.ndarray], point: list[np.ndarray]) -> list[np.ndarray]:
        fed = [-g for g in gradient] if climbing else list(gradient)
        if weight_decay:
            fed = [g + w * weight_decay for g, w in zip(fed, point, strict=True)]
        return rule.compute(fed, point)

    return update


def _make_rule(settings: OptimizerSettings, dim: int, objective: Objective | None) -> _UpdateRule:
    """A fresh update rule (with empty state) for these settings."""
    if settings.name == "newton":
        if objective is None:
            raise DescentError("Newton's method needs the objective, for its Hessian")
        return _NewtonRule(settings, dim, objective)
    return _RULES[settings.name](settings, dim)


def _evaluate(
    objective: Objective, value_and_gradient_floats: _FloatEvaluator | None, point: tuple[float, ...]
) -> tuple[float, tuple[float, ...], float] | str:
    """f, ∇f and |∇f| at the point, or the reason they cannot be used."""
    try:
        if value_and_gradient_floats is None:
            value, gradient = objective.value_and_gradient(np.array(point))
        else:
            value, gradient = value_and_gradient_floats(point)
    except ArithmeticError:
        return "f could not be evaluated there (overflow or undefined)"
    value = float(value)
    if math.isnan(value):  # sqrt(x) at x < 0: the point is outside f's domain; f itself stayed small
        return "f is undefined there, outside its domain"
    if not math.isfinite(value):
        return POLE_PROBLEM if _at_a_pole(objective, point) else "f overflowed"
    if abs(value) > VALUE_BOUND:
        return f"|f| grew beyond {_format_number(VALUE_BOUND)}"
    if value_and_gradient_floats is None:
        gradient = _gradient_floats(gradient, len(point))
    gradient_norm = math.hypot(*gradient)  # no overflow: inf if an entry is infinite, else NaN if one is NaN
    if not math.isfinite(gradient_norm):
        return "the gradient overflowed or became undefined"
    return value, gradient, gradient_norm


def _at_a_pole(objective: Objective, point: tuple[float, ...]) -> bool:
    """Whether f, infinite at the point, is finite a hair away from it along some axis: a pole (1/x or log(x) at 0),
    not an overflow (exp(1000) is infinite all around)."""
    for axis, coordinate in enumerate(point):
        for side in (-1.0, 1.0):
            nearby = list(point)
            nearby[axis] = coordinate + side * POLE_PROBE * max(1.0, abs(coordinate))
            try:
                value = float(objective.value_and_gradient(np.array(nearby))[0])
            except ArithmeticError:
                continue
            if math.isfinite(value):
                return True
    return False


def _gradient_floats(gradient: object, dim: int) -> tuple[float, ...]:
    """An objective's gradient as a tuple of Python floats, checked to have one entry per variable."""
    array = np.asarray(gradient, dtype=float)
    if array.shape != (dim,):
        raise DescentError(f"the gradient has shape {array.shape}, expected {(dim,)}")
    return tuple(array.tolist())


def converged_kind(hessian: np.ndarray, gradient_norm: float) -> str:
    """What a run converged to, told by the Hessian there: a minimum, a maximum, a saddle point; "" if it cannot tell.

    Where |∇f| = g is nearly zero, a quadratic's curvatures (the Hessian's eigenvalues) stay as they are, while a
    flatter point's shrink like √g or faster (x³'s inflection, x⁴'s minimum): only curvatures beyond
    HESSIAN_DECIDES·√g tell.
    """
    hessian = np.asarray(hessian, dtype=np.float64)
    if hessian.size == 0 or not np.isfinite(hessian).all():
        return ""
    eigenvalues = np.linalg.eigvalsh((hessian + hessian.T) / 2)
    # rounding leaves a zero curvature (a valley floor's) at about 1e-16 of the others: that decides nothing either
    least = max(HESSIAN_DECIDES * math.sqrt(gradient_norm), EIGENVALUE_ROUNDING * float(np.max(np.abs(eigenvalues))))
    minimum, maximum, saddle = CONVERGED_KINDS
    if np.any(eigenvalues > least) and np.any(eigenvalues < -least):  # up one way, down another: whatever the rest
        return saddle  # (xyz at (0, 0, 1): curvatures 1, −1 and 0)
    if not np.all(np.abs(eigenvalues) > least):
        return ""
    return minimum if np.all(eigenvalues > 0) else maximum


def _nearby_kind(objective: Objective, point: tuple[float, ...], gradient: Sequence[float]) -> str:
    """What f close around the point says it is where the Hessian cannot tell: a minimum, a maximum, a saddle or "".

    f, less its slope, is taken along each axis and at the corners of small cubes around the point (NEARBY across):
    falling one way and rising another, a saddle (xyz at 0: the saddle is all of its shape); rising or flat every
    way, a minimum (x⁴ + y⁴ at 0, a valley floor); falling or flat, a maximum; flat, nothing to tell. One variable
    falling one way and rising the other is an inflection (x³ at 0): nothing this can name.
    """
    centre = np.array(point, dtype=float)
    size = len(point)
    directions = [sign * row for row in np.eye(size) for sign in (-1.0, 1.0)]
    if 1 < size <= CUBE_CORNERS_UP_TO:
        directions += [np.array(signs) for signs in itertools.product((-1.0, 1.0), repeat=size)]
    value = float(objective.value_and_gradient(centre)[0])
    level = CHANGE_SEEN * max(1.0, abs(value))
    scale = max(1.0, float(np.max(np.abs(centre))))
    changes = np.full((len(NEARBY), len(directions)), np.nan)
    for row, nearby in enumerate(NEARBY):
        for column, direction in enumerate(directions):
            step = nearby * scale * direction
            try:
                changes[row, column] = (float(objective.value_and_gradient(centre + step)[0]) - value
                                        - float(np.dot(gradient, step)))
            except ArithmeticError:
                continue
    with np.errstate(invalid="ignore"):
        falls, rises = bool(np.any(changes < -level)), bool(np.any(changes > level))
        # a change as large as the step, not its square, further out: a kink (max(x, y) on x = y), whose ∇f = 0
        # is a convention only: f falling one way and rising another there is no saddle
        first_order = np.abs(changes[1]) < KINK_GROWTH * np.abs(changes[0])
        kinked = bool(np.any(first_order & (np.abs(changes[0]) > level)))
    minimum, maximum, saddle = CONVERGED_KINDS
    if falls and rises:
        return saddle if size > 1 and not kinked else ""
    return minimum if rises else maximum if falls else ""


# How a run ended: the stop reason, the message, the rule (for its notes) and what a converged run found.
_Ending = tuple[str, str, _UpdateRule, str]


def _converged(objective: Objective, point: tuple[float, ...], k: int, gradient: Sequence[float],
               gradient_norm: float, tolerance: float, rule: _UpdateRule) -> _Ending:
    """The ending of a run whose |∇f| fell below the tolerance, naming what it found there if the Hessian tells.

    A minimum is what descent is for: the run converged. Elsewhere ∇f = 0 stops it all the same, and the message
    says where: at a saddle point or a maximum, or at the start (a student may have put it on one).
    """
    if k == 0 and getattr(objective, "constant", False):  # every point is alike: moving the start cannot help
        return "converged", f"stopped at step 0: {CONSTANT_F}", rule, ""
    flat = getattr(objective, "flat_slice", ()) if k == 0 else ()
    if flat:  # every point of the slice is alike: moving the start cannot help, another held value can
        where = ", ".join(f"{unicode_name(name)} = {format_number(value)}" for name, value in flat)
        names = ", ".join(unicode_name(name) for name, _ in flat)
        # its partials along the free variables are 0, not ∇f: the probe beside it shows ∂f/∂z = −3.75 for x·y·z
        zero = " = ".join(f"∂f/∂{unicode_name(name)}" for name in objective.variables) + " = 0"
        return ("converged", f"stopped at step 0: the slice {where} is flat ({zero} all over it): hold {names} at "
                "another value", rule, "")
    with np.errstate(all="ignore"):
        kind = converged_kind(objective.hessian(np.array(point)), gradient_norm)
        if not kind:
            kind = _nearby_kind(objective, point, gradient)
    below = f"|∇f| = {_below_text(gradient_norm, tolerance)}"
    if not CONVERGED_KINDS.get(kind, "") and (kind or k):  # a minimum, or, after some steps, no telling
        return "converged", f"converged at step {k} ({below})" + (f": {kind}" if kind else ""), rule, kind
    shown = "∇f = 0" if gradient_norm == 0 else below
    if k:
        return "converged", f"stopped at step {k}: {shown} at {kind}", rule, kind
    what = CONVERGED_KINDS.get(kind, "") or "which may be no minimum"
    return "converged", f"stopped at step 0: {shown} at the start, {what} — move the start", rule, kind


def _point_problem(point: tuple[float, ...], bound: float, values: Sequence[float], climbing: bool, k: int) -> str:
    """Why step k's point, not within the bound, ends the run as diverged: first what f did until then.

    f falling all the way is descent doing its job on an f with no lowest point that way; f growing is the steps
    overshooting (η too large) or, with the wrong sign, climbing. Step k is not kept: the run ends a step before.
    """
    if math.isnan(math.hypot(*point)):
        return f"step {k}'s point was undefined (NaN)"
    ran_off = f"at step {k} the point ran past {_format_number(bound)} from 0"
    if len(values) < 2 or values[-1] == values[0]:
        return ran_off
    reached = f"to {_format_number(values[-1])} ({ran_off})"
    if values[-1] < values[0]:
        return f"f fell without end, {reached}"
    cause = "as the wrong sign climbed" if climbing else "as each step overshot (η too large)"
    return f"f grew {cause}, {reached}"


# What a step's segment is looked at for: a point's numbers (f and its slope along the step, or ∇f), and how far those
# at the two ends of a piece of the segment, so many steps wide, are from agreeing as a continuous f's would.
_Probe = Callable[[tuple[float, ...]], tuple[float, ...]]
_Misfit = Callable[[tuple[float, ...], tuple[float, ...], float], float]


def _trapezoid_misfit(low: tuple[float, ...], high: tuple[float, ...], width: float) -> float:
    """How far f's change across a piece is from the average of its slopes along the step at the ends, times the width.

    The two agree exactly for a quadratic and nearly for any smooth f on a small piece; across a pole or a jump
    they never do, however small the piece.
    """
    return abs(high[0] - low[0] - (low[1] + high[1]) * width / 2)


def _jumps_between(probe: _Probe, misfit: _Misfit, start: Sequence[float], update: Sequence[float]) -> bool:
    """Whether what the probe gives jumps, or is undefined, somewhere between start and start + update.

    The pieces of the segment with the largest misfits (BREAK_BEAM of them) are halved, and of their halves those
    with the largest misfits halved again, and so on: a continuous quantity's misfit shrinks to nothing; one that
    jumps keeps it, and one that runs off to infinity (a pole) keeps or grows it. Several pieces are followed since
    beside a pole (ln x² at 0) a piece's misfit is as large as across it.
    """

    def at(fraction: float) -> tuple[float, ...] | None:
        point = [x + fraction * u for x, u in zip(start, update, strict=True)]
        try:
            numbers = tuple(probe(tuple(point)))
        except ArithmeticError:
            return None
        return numbers if all(map(math.isfinite, numbers)) else None

    width = 1 / BREAK_SAMPLES
    samples = [at(index * width) for index in range(BREAK_SAMPLES + 1)]
    if None in samples:
        return True  # undefined on the way: the step crossed a gap of f's domain, or hit a pole
    # pieces as (misfit, lower fraction, numbers there, numbers at the upper end)
    pieces = [(misfit(low, high, width), index * width, low, high)  # type: ignore[arg-type]
              for index, (low, high) in enumerate(itertools.pairwise(samples))]
    pieces = sorted(pieces, key=operator.itemgetter(0), reverse=True)[:BREAK_BEAM]
    first = pieces[0][0]
    level = CHANGE_SEEN * max(1.0, *map(abs, pieces[0][2]))
    if first <= level:
        return False
    for _ in range(BREAK_HALVINGS):
        width /= 2
        halves = []
        for _misfit, low, low_numbers, high_numbers in pieces:
            middle_numbers = at(low + width)
            if middle_numbers is None:
                return True
            halves += [(misfit(low_numbers, middle_numbers, width), low, low_numbers, middle_numbers),
                       (misfit(middle_numbers, high_numbers, width), low + width, middle_numbers, high_numbers)]
        pieces = sorted(halves, key=operator.itemgetter(0), reverse=True)[:BREAK_BEAM]
        if pieces[0][0] < max(BREAK_SETTLED * first, level):  # shrinking as a continuous f's does (as width³)
            return False
    return pieces[0][0] >= max(BREAK_SHARE * first, level)


def _float_evaluation(objective: Objective) -> _FloatEvaluator:
    """The objective's f and ∇f at a point of Python floats, as Python floats (NaN or inf where undefined)."""
    floats = getattr(objective, "value_and_gradient_floats", None)
    if floats is not None:
        return floats

    def evaluate(point: Sequence[float]) -> tuple[float, tuple[float, ...]]:
        value, gradient = objective.value_and_gradient(np.array(point))
        return float(value), tuple(np.asarray(gradient, dtype=float).tolist())

    return evaluate


def _jump_across(objective: Objective, trajectory: _Trajectory) -> str:
    """Where a step of the run jumped across a singularity of f (a pole, a jump, a gap in its domain), else ""."""
    count = min(len(trajectory.updates), len(trajectory.points) - 1)  # a diverged run's last update left the bound
    if count <= 0:
        return ""

    def rows(items: list[tuple[float, ...]], length: int) -> np.ndarray:
        return np.fromiter(itertools.chain.from_iterable(items[:length]), dtype=float).reshape(length, -1)

    gradients, updates = rows(trajectory.gradients, count + 1), rows(trajectory.updates, count)
    values = np.array(trajectory.values[:count + 1])
    evaluate = _float_evaluation(objective)
    with np.errstate(all="ignore"):
        before = np.einsum("ij,ij->i", gradients[:-1], updates)  # the slope at each end, along the step
        after = np.einsum("ij,ij->i", gradients[1:], updates)
        level = CHANGE_SEEN * np.maximum(1.0, np.abs(values[1:]))
        misfit = np.abs(np.diff(values) - (before + after) / 2)
        suspects = np.flatnonzero((misfit > TRAPEZOID_SLACK * (np.abs(before) + np.abs(after)) / 2)
                                  & (misfit > level))
        jumped = []
        for k in suspects[:BREAK_CHECKS].tolist():
            update = trajectory.updates[k]

            def value_and_slope(point: tuple[float, ...], update: tuple[float, ...] = update) -> tuple[float, float]:
                value, gradient = evaluate(point)
                return float(value), math.fsum(map(operator.mul, gradient, update))

            if _jumps_between(value_and_slope, _trapezoid_misfit, trajectory.points[k], update):
                jumped.append(k)
    if not jumped:
        return ""
    later = len(jumped) - 1
    at_least = "at least " if len(suspects) > BREAK_CHECKS else ""  # steps beyond those looked at may have, too
    steps = f"step {jumped[0]}" if not later else (
        f"step {jumped[0]} and {at_least}{later} later step{'s' if later != 1 else ''}")  # never "at least 0"
    return f"{steps} jumped over a singularity of f"


def _gradient_jump(low: tuple[float, ...], high: tuple[float, ...], _width: float) -> float:
    """How far ∇f at the two ends of a piece of a step are apart (a continuous ∇f's distance shrinks with the piece)."""
    return math.dist(low, high)


def _kink_zigzag(objective: Objective, trajectory: _Trajectory) -> str:
    """Why a run that used up its budget did not settle, if its last steps zig-zag across a kink of f; else ""."""
    points, gradients, updates = trajectory.points, trajectory.gradients, trajectory.updates
    count = min(len(updates), len(points) - 1)
    evaluate = _float_evaluation(objective)

    def gradient_at(point: tuple[float, ...]) -> tuple[float, ...]:
        return evaluate(point)[1]

    crossings = 0
    with np.errstate(all="ignore"):
        for k in range(count - 1, max(count - ZIGZAG_TAIL, 0) - 1, -1):
            turned_back = any(a * b < 0 for a, b in zip(gradients[k], gradients[k + 1], strict=True))
            if turned_back and _jumps_between(gradient_at, _gradient_jump, points[k], updates[k]):
                crossings += 1
                if crossings == ZIGZAG_CROSSINGS:
                    return "zig-zagging across a kink of f: a fixed step cannot settle there"
    return ""


def _growing(values: Sequence[float], climbing: bool) -> str:
    """What f did in a run that used up its budget while growing fast (η past the stable limit), else "".

    η = 0.11 on the elongated bowl, just past its limit 0.1, took f from 16 to 6.9e16 in 100 steps and said only
    "reached the step budget": its last GROWTH_TAIL steps must each have raised f, and f risen GROWTH_FACTOR times
    the size of its start's and its lowest value.
    """
    if len(values) <= GROWTH_TAIL or not all(later > earlier for earlier, later in
                                             itertools.pairwise(values[-GROWTH_TAIL - 1:])):
        return ""
    if not values[-1] - values[0] > GROWTH_FACTOR * max(abs(values[0]), abs(min(values)), 1e-300):
        return ""
    cause = "as the wrong sign climbed" if climbing else "as each step overshot (η too large)"
    return f"f grew {cause}, to {_format_number(values[-1])}"


class _Trajectory:
    """A run's points, values, gradients and updates as they are computed, as Python floats, and its Steps."""

    def __init__(self) -> None:
        self.points: list[tuple[float, ...]] = []
        self.values: list[float] = []
        self.gradients: list[tuple[float, ...]] = []
        self.updates: list[tuple[float, ...]] = []
        self._steps: list[Step] = []

    def settle(self) -> None:
        """Make the Steps of every point whose update is known (all but the newest), spreading the work over pieces."""
        self._make_steps(len(self.points) - 1)

    def steps(self) -> tuple[Step, ...]:
        """The kept points as Steps; the last one gets update None."""
        self._make_steps(len(self.points))
        return tuple(self._steps)

    def _make_steps(self, count: int) -> None:
        """Make the Steps up to point `count` (exclusive) that are not made yet."""
        steps, first = self._steps, len(self._steps)
        last = len(self.points) - 1  # no update was applied from the newest point (the final one, if the run ended)
        with_update = min(count, last)
        if with_update > first:
            rows = zip(range(first, with_update), self.points[first:with_update], self.values[first:with_update],
                       self.gradients[first:with_update], self.updates[first:with_update], strict=True)
            steps.extend(map(tuple.__new__, itertools.repeat(Step), rows))  # Step(*row), made in C
        for k in range(max(first, with_update), count):
            steps.append(Step(k, self.points[k], self.values[k], self.gradients[k], None))


def _plain_steps_in_a_plane(
    function: _PlaneFunction, point: tuple[float, ...], k: int, stop_at: int, scale: float, tolerance: float,
    bound: float, trajectory: _Trajectory,
) -> tuple[int, tuple[float, ...]]:
    """Take plain gradient descent's steps k, k + 1, … on a function of two variables, before step stop_at.

    Only steps whose point is within the bound and whose value and gradient are finite and usable, with the
    gradient not yet below the tolerance, are taken here: the numbers _descend's loop would compute, at half
    its cost per step (no calls but the function's, no tuples but the kept ones). Returns the step and point at
    which _descend goes on; it takes that step itself (and tells why the run stops there, if it does).
    """
    points, values, gradients, updates = trajectory.points, trajectory.values, trajectory.gradients, trajectory.updates
    hypot, isfinite = math.hypot, math.isfinite
    x, y = point
    while k < stop_at:
        if k and not hypot(x, y) <= bound:
            break
        try:
            value, (slope_x, slope_y) = function(x, y)
        except ArithmeticError:
            break
        value, slope_x, slope_y = float(value), float(slope_x), float(slope_y)
        gradient_norm = hypot(slope_x, slope_y)
        if not (abs(value) <= VALUE_BOUND and isfinite(gradient_norm)) or gradient_norm < tolerance:
            break
        points.append(point)
        values.append(value)
        gradients.append((slope_x, slope_y))
        update_x, update_y = slope_x * scale, slope_y * scale
        updates.append((update_x, update_y))
        x, y = x + update_x, y + update_y
        point = (x, y)
        k += 1
    return k, point


# Pauses after every PIECE_STEPS steps, yielding the steps taken; sent True there, it ends the run at that step.
# Returns the run's ending (see _Ending).
_Descent = Generator[int, bool | None, _Ending]


def _descend(objective: Objective, settings: RunSettings, trajectory: _Trajectory) -> _Descent:
    """Fill the trajectory piece by piece (see _Descent)."""
    optimizer = settings.optimizer
    rule = _make_rule(optimizer, len(settings.start), objective)
    value_and_gradient_floats = getattr(objective, "value_and_gradient_floats", None)
    climbing = optimizer.sign == "wrong"
    weight_decay = optimizer.weight_decay
    # plain gradient descent needs no update rule (a tenth of a step's time): the update is the gradient times ∓η
    plain = optimizer.name == "gd" and not weight_decay
    plain_scale = (optimizer.lr if climbing else -optimizer.lr) if plain else None
    plane_function = getattr(objective, "float_function", None) if plain and len(settings.start) == 2 else None
    budget, tolerance, bound = settings.max_steps, settings.tolerance, settings.divergence_bound
    points, values, gradients, updates = trajectory.points, trajectory.values, trajectory.gradients, trajectory.updates
    hypot, isfinite = math.hypot, math.isfinite
    point = settings.start
    k = 0
    pause_at = PIECE_STEPS
    while True:
        if plane_function is not None:  # the usual steps at half the cost; the loop below takes the others
            k, point = _plain_steps_in_a_plane(plane_function, point, k, min(pause_at, budget), plain_scale,
                                               tolerance, bound, trajectory)
        if k and not hypot(*point) <= bound:  # a NaN coordinate is beyond too
            problem = _point_problem(point, bound, values, climbing, k)
            return "diverged", f"diverged after step {k - 1}: {problem}", rule, ""
        try:  # the usual case first, without a call of _evaluate: a third of the time of a step
            value, gradient = value_and_gradient_floats(point)  # type: ignore[misc]
            gradient_norm = hypot(*gradient)
            usable = abs(value) <= VALUE_BOUND and isfinite(gradient_norm)  # False for NaN
        except (ArithmeticError, TypeError):  # TypeError: the objective has no float evaluation
            usable = False
        if not usable:  # _evaluate says why (or evaluates the objective that has no float evaluation)
            evaluation = _evaluate(objective, value_and_gradient_floats, point)
            if isinstance(evaluation, str):
                if k == 0:
                    start = point_text(tuple(objective.variables), settings.start)
                    raise DescentError(f"cannot start from {start}: {evaluation}")
                return "diverged", f"diverged after step {k - 1}: at step {k}, {evaluation}", rule, ""
            value, gradient, gradient_norm = evaluation
        points.append(point)
        values.append(value)
        gradients.append(gradient)
        if gradient_norm < tolerance:
            return _converged(objective, point, k, gradient, gradient_norm, tolerance, rule)
        if k == pause_at:
            pause_at += PIECE_STEPS
            if (yield k):  # stopped here: the run ends as one whose budget is k
                budget = k
        if k == budget:
            plural = "" if budget == 1 else "s"
            return "max_steps", f"reached the step budget ({budget} step{plural})", rule, ""
        if plain_scale is not None:  # (±g)·(−η) is g·(∓η) exactly: the plain rule's numbers, without its overhead
            update = tuple(map(operator.mul, gradient, itertools.repeat(plain_scale)))
        else:
            fed_gradient = [-g for g in gradient] if climbing else gradient
            if weight_decay:  # torch: grad + weight_decay·w, after the sign
                fed_gradient = [g + w * weight_decay for g, w in zip(fed_gradient, point, strict=True)]
            try:
                update = tuple(rule.compute(fed_gradient, point))
            except _Stop as stop:
                verb = "diverged" if stop.reason == "diverged" else "stopped"
                return stop.reason, f"{verb} at step {k}: {stop.detail}", rule, ""
        updates.append(update)
        point = tuple(map(operator.add, point, update))
        k += 1


class DescentInProgress:
    """A run computed piece by piece: each advance() takes up to PIECE_STEPS more steps, and may end it there."""

    def __init__(self, objective: Objective, settings: RunSettings) -> None:
        self.variables = tuple(objective.variables)
        if len(self.variables) != len(settings.start):
            raise DescentError(
                f"the start point has {len(settings.start)} coordinates but f has {len(self.variables)} variables "
                f"({', '.join(self.variables)})"
            )
        self._settings = settings
        self._objective = objective
        self._trajectory = _Trajectory()
        self._descent = _descend(objective, settings, self._trajectory)
        self._started = False
        self.steps_taken = 0

    def advance(self, stop: bool = False) -> Run | None:
        """Take the next piece of steps (with stop, end the run where it is instead); the Run once it ended."""
        try:
            with np.errstate(all="ignore"):
                self.steps_taken = self._descent.send(stop if self._started else None)
            self._trajectory.settle()
        except StopIteration as ended:
            return self._finish(*ended.value)
        finally:
            self._started = True
        return None

    def _finish(self, stop_reason: str, message: str, rule: _UpdateRule, found: str) -> Run:
        settings = self._settings
        steps = self._trajectory.steps()
        if stop_reason == "max_steps" and len(steps) - 1 != settings.max_steps:  # stopped early
            settings = replace(settings, max_steps=len(steps) - 1)
        remark = _jump_across(self._objective, self._trajectory)
        if not remark and stop_reason == "max_steps":
            remark = (_kink_zigzag(self._objective, self._trajectory)
                      or _growing(self._trajectory.values, settings.optimizer.sign == "wrong"))
        if remark:
            message = f"{message}; {remark}"
        return Run(settings, self.variables, steps, stop_reason, message, rule.notes(), found)


def run_descent(objective: Objective, settings: RunSettings) -> Run:
    """Run the optimizer from the start point until it converges, diverges, stalls or uses up its budget."""
    descent = DescentInProgress(objective, settings)
    while (run := descent.advance()) is None:
        pass
    return run


@dataclass(frozen=True, eq=False)
class OptimizerState:
    """One replayed step k: the optimizer's buffers just before and just after its update, and the update."""

    k: int
    update: np.ndarray
    before: dict[str, np.ndarray]
    after: dict[str, np.ndarray]


def replay_optimizer(
    optimizer: OptimizerSettings,
    points: np.ndarray,
    gradients: np.ndarray,
    objective: Objective | None = None,
) -> Iterator[OptimizerState]:
    """Feed the gradients, one per point, through a fresh update rule, yielding its state at each step.

    The gradients are fed exactly as given: the update sign and weight decay, which run_descent applies
    before the rule (−∇f for the wrong sign, then + weight_decay·w), are the caller's to apply. The
    optimizer's weight decay still enters Newton's Hessian. Only Newton's method needs the objective.
    """
    points = np.asarray(points, dtype=float)
    gradients = np.asarray(gradients, dtype=float)
    if points.ndim != 2 or gradients.shape != points.shape:
        raise DescentError(f"expected points and gradients of one shape (steps, variables), got "
                           f"{points.shape} and {gradients.shape}")
    rule = _make_rule(optimizer, points.shape[1], objective)
    for k, (point, gradient) in enumerate(zip(points.tolist(), gradients.tolist(), strict=True)):
        before = rule.state()
        try:
            with np.errstate(all="ignore"):
                update = np.array(rule.compute(gradient, point))
        except _Stop as stop:
            raise DescentError(f"cannot replay step {k}: {stop.detail}") from None
        yield OptimizerState(k, update, before, rule.state())
