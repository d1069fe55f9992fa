"""Partial derivatives at one point, ready to draw: slopes, gradient, directions, slices and tangents.

The gradient check sets each exact partial derivative beside a central finite difference
``D(h) = (f(x + h) − f(x − h)) / 2h`` with ``h = 1e-5·max(1, |x|)``. A smaller h shrinks the truncation error
(about h²·|f'''|/6) but grows the round-off error (about ε·|f|/h, ε the machine epsilon ≈ 2.2e-16);
the two balance near h ≈ ε^(1/3)·scale ≈ 6e-6·scale, so this h gives about 10 correct digits on smooth
functions — far better than the forward difference's 8, yet still not the exact value, which is why
the check is a sanity check and not a way to compute gradients.

The check bounds the estimate's error by both. Its rounding:
``ROUNDING_MARGIN·ε·(|f(x + h)| + |f(x − h)| + 2s·max(1, |x|)) / 2h``, s the larger of |D(h)| and |∂f/∂x|: f's
terms in x are taken as large as its change over the coordinate's scale, as they round whatever f comes to (3x + 2y
by its zero line, where f is near 0 but 3x and 2y are not). Its truncation: D(2h) − D(h) is about three times it
(Richardson) and 4·(D(h) − D(h/2)) as much; the larger is taken (either may be undefined, or small by chance where
f's h² and h⁴ terms cancel in it). The estimate is shown to the digits that error leaves it, and as 0 within it
(GradientCheck.shown_estimate): at Himmelblau's minimum (3, 2) ∂f/∂x's estimate is 1.1e−8, all of it the step's
error (|D(2h) − D(h)| = 3.2e−8), and shows as 0 beside the exact 0. The exact partial and the estimate agree when
they differ by no more than that error (or the noise floor of the partials, where that is larger). Where the error
could be a tenth of the slope, the estimate cannot check it, and the check says so rather than that they agree: f so
large beside its change over 2h that rounding swamps the slope (10⁸ + x² at x = 0.001), or f changing too fast for h
(sin(10⁵x) at 0). h follows the size of the coordinate, not how fast f varies: where f's wiggles fit h, h/2 and 2h
alike (sin(4·10⁵πx) at 0, where all three differences come out 0), the estimate misses them without knowing it, and
the check reports a disagreement that is the estimate's fault.

On a kink (max(x, 0) at x = 0) the central difference averages the slopes on the two sides, which no exact
partial is: where they disagree, the one-sided slopes ``(f(x + h) − f(x)) / h`` and ``(f(x) − f(x − h)) / h`` are
compared. A jump between them that stays as large with h halved is a kink (on a smooth f it halves with h), and
the check gives both slopes instead of a disagreement.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from gradviz.core.compiled import CompiledFormula
from gradviz.core.descent import converged_kind
from gradviz.core.grid import NO_NOISE_FLOOR, NoiseFloor, jump_edges
from gradviz.core.notation import format_numbers_alike, partial_label

RELATIVE_STEP = 1e-5  # h = RELATIVE_STEP·max(1, |x|)
ROUNDING_MARGIN = 4.0  # the estimate's rounding error: this many times the rounding of f's terms over 2h (module doc)
CANNOT_TELL_SHARE = 0.1  # an estimate's error this share of the slope or more: the estimate cannot check it…
CANNOT_TELL_ABOVE = 1e-6  # …a slope larger than this (a smaller one is checked against 0, to the estimate's error)
KINK_JUMP_LEAST = 1e-6  # a jump between the one-sided slopes up to this share of the larger (or of 1): no kink
KINK_JUMP_KEPT = 0.75  # a jump between the one-sided slopes that keeps this share of itself with h halved: a kink
CHECK_DIGITS = 10  # the significant digits of the check's exact partial and estimate at most (see check_texts)
UNBOUNDED_DIGITS = 6  # …and where the estimate's error is 0 or not finite
DEFAULT_SAMPLES = 200
SLICE_HEIGHT_MARGIN = 0.06  # a slice plot shows this share of its height range more above and below


@dataclass(frozen=True)
class GradientCheck:
    """One exact partial derivative beside its central finite-difference estimate with step h and its error bound."""

    variable: str
    exact: float
    estimate: float
    step: float
    absolute_difference: float
    relative_difference: float
    agrees: bool | None  # None: the estimate's error is too large beside the slope to tell
    one_sided: tuple[float, float] | None = None  # on a kink: the slopes from below and from above (see module doc)
    error: float = 0.0  # how far the estimate may be off: its rounding and truncation errors (see module doc)
    rounding: float = 0.0  # the rounding's share of that error

    @property
    def shown_estimate(self) -> float:
        """The estimate to the digits it has: 0 within its error of 0 (1.8e−15 beside an exact 0), else rounded to
        the decimal place of its error (10.000000000055511 ± 2.8e−9: 10.000000000)."""
        return 0.0 if abs(self.estimate) <= self.error else to_place_of(self.estimate, self.error)

    @property
    def shown_difference(self) -> float:
        """|exact − the shown estimate|, to the same decimal place: what the row's two numbers differ by."""
        return to_place_of(abs(self.exact - self.shown_estimate), self.error)

    @property
    def rounding_dominates(self) -> bool:
        """Whether the estimate's error is mostly its rounding (f large beside its change), not the step's size."""
        return 2.0 * self.rounding >= self.error


def check_texts(check: GradientCheck) -> tuple[str, str]:
    """The exact partial and its estimate as the check writes them, to be read digit by digit: both to the decimal
    place of the estimate's error (CHECK_DIGITS significant digits at most), in one notation (format_numbers_alike):
    −0.9553364891 beside −0.9553364890, not −0.955336 beside −0.955336489; 0 and 0 where that place is above both."""
    exact, estimate, error = check.exact, check.shown_estimate, check.error
    largest = to_place_of(max(abs(exact), abs(estimate)), error)
    if not (math.isfinite(largest) and math.isfinite(error) and error > 0.0):
        digits = UNBOUNDED_DIGITS
    elif largest == 0.0:
        return "0", "0"
    else:
        digits = min(CHECK_DIGITS, math.floor(math.log10(largest)) - math.floor(math.log10(error)) + 1)
    exact_text, estimate_text = format_numbers_alike((exact, estimate), max(1, digits))
    return exact_text, estimate_text


def to_place_of(value: float, error: float) -> float:
    """value rounded to the decimal place of the error's first digit (unchanged for an error of 0 or not finite)."""
    if not (math.isfinite(value) and math.isfinite(error)) or error <= 0.0:
        return value
    return round(value, -math.floor(math.log10(error)))


@dataclass(frozen=True)
class Probe:
    """f and its derivatives at a point, with the plotted axes' share; NaN everywhere if not valid.

    The ascent directions are unit vectors, None where the gradient they come from is zero.
    ``plane_ascent_direction`` and ``axis_partials`` follow ``axes``; ``ascent_direction`` follows
    ``variables``.
    """

    variables: tuple[str, ...]
    axes: tuple[str, ...]
    point: dict[str, float]
    value: float
    gradient: dict[str, float]
    axis_partials: tuple[float, ...]
    gradient_norm: float
    ascent_direction: tuple[float, ...] | None
    plane_ascent_direction: tuple[float, ...] | None
    checks: tuple[GradientCheck, ...]
    valid: bool = True
    reason: str = ""
    flat_kind: str = ""  # where the plotted gradient is zero: "a minimum", "a saddle point, …" if the Hessian tells

    @property
    def plane_point(self) -> tuple[float, ...]:
        """The coordinates of the point along the plotted axes."""
        return tuple(self.point[name] for name in self.axes)


@dataclass(frozen=True, eq=False)
class SliceCurve:
    """f along one plotted axis through the point (the other variables held there), and its tangent.

    ``tangent`` is the segment of the line through ``(x0, f0)`` with slope ``∂f/∂axis``, clipped to the
    axis range and to the height range of the curve and its margin (so it never stretches a view); None if
    nothing of it is left or f is undefined at the point. ``jumps`` marks the gaps between samples where f jumps
    (see jump_edges): the curve breaks there.
    """

    axis: str
    coordinates: np.ndarray
    values: np.ndarray
    x0: float
    f0: float
    slope: float
    tangent: tuple[tuple[float, float], tuple[float, float]] | None
    jumps: np.ndarray


def _full_point(compiled: CompiledFormula, point: Mapping[str, float]) -> np.ndarray:
    """The point's coordinates in the formula's variable order; ValueError if some are missing."""
    missing = [name for name in compiled.variables if name not in point]
    if missing:
        raise ValueError(f"the point gives no value for {', '.join(missing)}")
    return np.array([float(point[name]) for name in compiled.variables])


def _axis_indices(compiled: CompiledFormula, axes: Sequence[str]) -> list[int]:
    """The positions of the plotted axes among the variables; ValueError for unknown or repeated axes."""
    unknown = [name for name in axes if name not in compiled.variables]
    if unknown or not axes or len(set(axes)) != len(axes):
        raise ValueError(f"the plotted axes {tuple(axes)} must be distinct variables of {compiled.variables}")
    return [compiled.variables.index(name) for name in axes]


def _unit(vector: np.ndarray) -> tuple[float, ...] | None:
    """The vector scaled to length 1, or None for the zero vector."""
    norm = math.hypot(*vector.tolist())
    return None if norm == 0.0 else tuple((vector / norm).tolist())


def _value_at(compiled: CompiledFormula, point: np.ndarray) -> float:
    """f at a point (NaN where undefined)."""
    return compiled.value_and_gradient(point)[0]


def _central_difference(compiled: CompiledFormula, point: list[float], index: int, step: float
                        ) -> tuple[float, float, float]:
    """(f(x + step) − f(x − step)) / 2·step along the index-th variable, the step as represented (not as intended),
    and the sizes of the two values, |f(x + step)| + |f(x − step)| (in NumPy's error state "ignore")."""
    ahead, behind = list(point), list(point)
    ahead[index] += step
    behind[index] -= step
    span = ahead[index] - behind[index]
    above, below = compiled.value_and_gradient_floats(ahead)[0], compiled.value_and_gradient_floats(behind)[0]
    return (above - below) / span, span / 2, abs(above) + abs(below)


def _truncation_error(compiled: CompiledFormula, point: list[float], index: int, step: float, estimate: float
                      ) -> float:
    """About three times the central difference's truncation error or more, from the differences over twice and half
    the step: D(2h) − D(h) is about three times it, D(h) − D(h/2) about ¾ of it (either may be undefined, or small by
    chance where f's h² and h⁴ terms cancel in it: the larger is taken); 0 if neither is defined."""
    wider = abs(_central_difference(compiled, point, index, 2.0 * step)[0] - estimate)
    narrower = 4.0 * abs(estimate - _central_difference(compiled, point, index, step / 2.0)[0])
    return max((error for error in (wider, narrower) if not math.isnan(error)), default=0.0)


def gradient_check(compiled: CompiledFormula, point: np.ndarray, value: float, gradient: np.ndarray,
                   floors: float | np.ndarray = 0.0) -> tuple[GradientCheck, ...]:
    """Each exact partial derivative at the point beside its central finite difference, within the difference's
    error bound or the partial's noise floor (one for all, or one each), whichever is larger (see the module doc)."""
    checks = []
    floors = np.broadcast_to(floors, len(compiled.variables)).tolist()
    coordinates = point.tolist()  # on Python floats: the probe checks at every step of a playback
    for index, name in enumerate(compiled.variables):
        intended = RELATIVE_STEP * max(1.0, abs(coordinates[index]))
        with np.errstate(all="ignore"):
            estimate, step, sizes = _central_difference(compiled, coordinates, index, intended)
            truncation = _truncation_error(compiled, coordinates, index, intended, estimate)
        exact = float(gradient[index])
        change = max(abs(estimate), abs(exact)) * max(1.0, abs(coordinates[index]))  # over the coordinate's scale
        rounding = float(ROUNDING_MARGIN * np.finfo(float).eps * (sizes + 2.0 * change) / (2.0 * step))
        error = max(rounding + truncation, floors[index])
        absolute = abs(exact - estimate)
        largest = max(abs(exact), abs(estimate))
        relative = absolute / largest if largest > 0.0 else 0.0
        agrees: bool | None = bool(absolute <= error)
        if error >= CANNOT_TELL_SHARE * abs(exact) and abs(exact) > CANNOT_TELL_ABOVE:
            agrees = None
        one_sided = _kink_slopes(compiled, point, index, value, step) if agrees is False else None
        checks.append(GradientCheck(name, exact, estimate, step, absolute, relative, agrees, one_sided, error,
                                    rounding))
    return tuple(checks)


def _one_sided_slopes(compiled: CompiledFormula, point: np.ndarray, index: int, value: float, step: float
                      ) -> tuple[float, float]:
    """The slopes of f from below and from above along the index-th variable, over a step each way."""
    ahead, behind = point.copy(), point.copy()
    ahead[index] += step
    behind[index] -= step
    return ((value - _value_at(compiled, behind)) / (point[index] - behind[index]),
            (_value_at(compiled, ahead) - value) / (ahead[index] - point[index]))


def _kink_slopes(compiled: CompiledFormula, point: np.ndarray, index: int, value: float, step: float
                 ) -> tuple[float, float] | None:
    """The one-sided slopes where the point is on a kink along the index-th variable: they differ, and by as much
    with the step halved (on a smooth f the difference halves with it); else None."""
    below, above = _one_sided_slopes(compiled, point, index, value, step)
    closer_below, closer_above = _one_sided_slopes(compiled, point, index, value, step / 2)
    jump, closer_jump = above - below, closer_above - closer_below
    if not (math.isfinite(jump) and math.isfinite(closer_jump)):
        return None
    is_kink = abs(jump) > KINK_JUMP_LEAST * max(1.0, abs(below), abs(above)) and (
        abs(closer_jump) >= KINK_JUMP_KEPT * abs(jump))
    return (float(below), float(above)) if is_kink else None


def _problem(compiled: CompiledFormula, value: float, gradient: np.ndarray, name: str) -> str:
    """Why the function (called name) or its gradient cannot be used at the point, or '' if they can."""
    if math.isnan(value):
        return f"{name} is undefined at this point"
    if math.isinf(value):
        return f"{name} is infinite at this point"
    bad = [variable for variable, component in zip(compiled.variables, gradient.tolist(), strict=True)
           if not math.isfinite(component)]
    if bad:
        partials = ", ".join(partial_label(name, variable) for variable in bad)
        return f"{partials} {'is' if len(bad) == 1 else 'are'} undefined or infinite at this point"
    return ""


def probe_at(compiled: CompiledFormula, point: Mapping[str, float], axes: tuple[str, ...], name: str = "f",
             noise: NoiseFloor = NO_NOISE_FLOOR) -> Probe:
    """f, ∇f, |∇f|, the steepest-ascent directions and a gradient check at a point (the reason names f as name).

    f and partials below the noise floor (the map's at the point: GridField.noise_floor_at) are rounding, taken as
    0: sin(πx) + cos(πy)'s ∂f/∂y at y = 2 computes as 7.7e−16, and steepest ascent as (−1, 2.45e−16).
    """
    coordinates = _full_point(compiled, point)
    indices = _axis_indices(compiled, axes)
    full_point = dict(zip(compiled.variables, coordinates.tolist(), strict=True))
    try:
        value, gradient = compiled.value_and_gradient(coordinates)
    except ArithmeticError:
        value, gradient = math.nan, np.full(len(coordinates), np.nan)
    noise = noise.of(compiled.variables)
    value, gradient = noise.shown_value(value), np.array(noise.shown_gradient(gradient.tolist()))
    reason = _problem(compiled, value, gradient, name)
    if reason:
        nan = math.nan
        return Probe(compiled.variables, tuple(axes), full_point, nan,
                     dict.fromkeys(compiled.variables, nan), (nan,) * len(axes), nan, None, None, (),
                     valid=False, reason=reason)
    plane_gradient = gradient[indices]
    flat_kind = ""
    if _unit(plane_gradient) is None:  # a critical point of the plotted slice: what kind, if its curvatures tell
        with np.errstate(all="ignore"):
            flat_kind = converged_kind(compiled.hessian(coordinates)[np.ix_(indices, indices)], 0.0)
    return Probe(
        variables=compiled.variables,
        axes=tuple(axes),
        point=full_point,
        value=value,
        gradient=dict(zip(compiled.variables, gradient.tolist(), strict=True)),
        axis_partials=tuple(plane_gradient.tolist()),
        gradient_norm=math.hypot(*gradient.tolist()),
        ascent_direction=_unit(gradient),
        plane_ascent_direction=_unit(plane_gradient),
        checks=gradient_check(compiled, coordinates, value, gradient, noise.gradient),
        flat_kind=flat_kind,
    )


def contour_tangent_direction(probe: Probe) -> tuple[float, float] | None:
    """The unit vector along the contour through the point: ∇f in the plotted plane turned by +90°.

    None unless two axes are plotted and the gradient in their plane is not zero.
    """
    if len(probe.axes) != 2 or probe.plane_ascent_direction is None:
        return None
    along_first, along_second = probe.plane_ascent_direction
    return (-along_second, along_first)


def tangent_plane(probe: Probe, half_width: float | tuple[float, float]) -> np.ndarray | None:
    """The corners (x, y, z) of the tangent plane over a box around the point, in drawing order.

    half_width is the box's half-size along each plotted axis (one number for both). The plane is
    z = f0 + ∂f/∂x·(x − x0) + ∂f/∂y·(y − y0). None if the probe is not valid.
    """
    if len(probe.axes) != 2:
        raise ValueError(f"a tangent plane needs two plotted axes, got {probe.axes}")
    if not probe.valid:
        return None
    widths = np.broadcast_to(np.asarray(half_width, dtype=float), (2,))
    signs = np.array([(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)])
    offsets = signs * widths
    heights = probe.value + offsets @ np.array(probe.axis_partials)
    return np.column_stack([np.array(probe.plane_point) + offsets, heights])


def _clipped_tangent(
    x0: float, f0: float, slope: float, axis_range: tuple[float, float], height_range: tuple[float, float]
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The part of the line f0 + slope·(x − x0) inside the axis range and the height range."""
    low, high = axis_range
    bottom, top = height_range
    if slope != 0.0 and top > bottom:
        ends = sorted((x0 + (bottom - f0) / slope, x0 + (top - f0) / slope))
        low, high = max(low, ends[0]), min(high, ends[1])
    if not low <= high:
        return None
    return ((low, f0 + slope * (low - x0)), (high, f0 + slope * (high - x0)))


def slice_curves(
    compiled: CompiledFormula,
    point: Mapping[str, float],
    axes: tuple[str, ...],
    ranges: Mapping[str, tuple[float, float]],
    samples: int = DEFAULT_SAMPLES,
) -> tuple[SliceCurve, ...]:
    """For each plotted axis: f along it through the point, the others held there, and the tangent line.

    Each slice spans the axis's plotted range; for a point outside it (a run that diverged), a range as wide
    centred on the point, so the point and its tangent are in the picture.
    """
    if samples < 2:
        raise ValueError(f"a slice needs at least 2 samples, got {samples}")
    coordinates = _full_point(compiled, point)
    indices = _axis_indices(compiled, axes)
    value, gradient = compiled.value_and_gradient(coordinates)
    defined = math.isfinite(value)
    curves = []
    for axis, index in zip(axes, indices, strict=True):
        low, high = (float(bound) for bound in ranges[axis])
        at = float(coordinates[index])
        if math.isfinite(at) and not low <= at <= high:
            low, high = at - (high - low) / 2, at + (high - low) / 2
        along = np.linspace(low, high, samples)
        inputs: list[np.ndarray | float] = list(coordinates)
        inputs[index] = along
        values, slopes = compiled.evaluate(inputs)
        finite = values[np.isfinite(values)]
        span = float(np.ptp(finite)) if finite.size else 0.0  # a pole's leaps make it huge: broken_curve finds those
        (jumps,) = jump_edges(compiled, inputs, values, [slopes[index]], [index], span)
        slope = float(gradient[index])
        tangent = None
        if defined and math.isfinite(slope):
            lowest, highest = float(np.min(finite, initial=value)), float(np.max(finite, initial=value))
            margin = SLICE_HEIGHT_MARGIN * (highest - lowest)  # as the slice is drawn: at a minimum the line reaches
            heights = (lowest - margin, highest + margin)  # the plot's foot, not stopping just past the point
            tangent = _clipped_tangent(float(coordinates[index]), value, slope, (low, high), heights)
        curves.append(SliceCurve(axis, along, values, float(coordinates[index]), value, slope, tangent, jumps))
    return tuple(curves)
