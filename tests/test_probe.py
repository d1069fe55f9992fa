"""The probe: partials at a point, directions, the gradient check, slices, tangent lines and planes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradviz.core.analysis import analyze_in_process
from gradviz.core.compiled import CompiledFormula
from gradviz.core.grid import NoiseFloor
from gradviz.core.probe import (
    RELATIVE_STEP,
    SLICE_HEIGHT_MARGIN,
    GradientCheck,
    check_texts,
    contour_tangent_direction,
    probe_at,
    slice_curves,
    tangent_plane,
    to_place_of,
)

XY = ("x", "y")


def compiled_formula(text: str) -> CompiledFormula:
    """The compiled functions of a formula, analysed as the app does (without the worker process)."""
    return analyze_in_process(text).compiled


def value_at(compiled: CompiledFormula, point: np.ndarray) -> float:
    """f at a point."""
    return compiled.value_and_gradient(point)[0]


# --- values at a point: the seeds' examples ------------------------------------------------------------


def test_seed_example_x_squared_plus_3y_at_2_1() -> None:
    probe = probe_at(compiled_formula("x^2 + 3*y"), {"x": 2.0, "y": 1.0}, XY)
    assert probe.valid and probe.reason == ""
    assert probe.value == 7.0
    assert probe.gradient == {"x": 4.0, "y": 3.0}
    assert probe.axis_partials == (4.0, 3.0)
    assert probe.gradient_norm == 5.0
    assert probe.ascent_direction == pytest.approx((0.8, 0.6))
    assert probe.plane_ascent_direction == pytest.approx((0.8, 0.6))
    assert probe.plane_point == (2.0, 1.0)


def test_seed_exercise_x2y_plus_xy2_at_2_3() -> None:
    probe = probe_at(compiled_formula("x^2*y + x*y^2"), {"x": 2.0, "y": 3.0}, XY)
    assert probe.gradient == {"x": 21.0, "y": 16.0}  # 2xy + y², x² + 2xy


def test_three_variables_plot_two_and_keep_the_full_gradient() -> None:
    compiled = compiled_formula("x^2 + 2y^2 + 3z^2")
    probe = probe_at(compiled, {"x": 1.0, "y": 1.0, "z": 1.0}, ("z", "x"))
    assert probe.gradient == {"x": 2.0, "y": 4.0, "z": 6.0}
    assert probe.axis_partials == (6.0, 2.0)
    assert probe.gradient_norm == pytest.approx(math.sqrt(56))
    assert probe.ascent_direction == pytest.approx(np.array([2, 4, 6]) / math.sqrt(56))
    assert probe.plane_ascent_direction == pytest.approx(np.array([6, 2]) / math.sqrt(40))
    assert probe.plane_point == (1.0, 1.0)


def test_at_a_minimum_there_is_no_direction() -> None:
    probe = probe_at(compiled_formula("x^2 + y^2"), {"x": 0.0, "y": 0.0}, XY)
    assert probe.valid
    assert probe.gradient_norm == 0.0
    assert probe.ascent_direction is None and probe.plane_ascent_direction is None
    assert contour_tangent_direction(probe) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("x^2 + y^2", "a minimum"),
        ("-(x^2 + y^2)", "a maximum"),
        ("x^2 - y^2", "a saddle point, not a minimum"),
        ("x^3 - 3x y^2", ""),  # the monkey saddle: no curvature there to tell by
        ("(x + 2y)^2", ""),  # a valley floor: one curvature is zero (rounded to about 1e-16 of the other)
    ],
)
def test_where_the_gradient_vanishes_the_hessian_names_the_point(text: str, kind: str) -> None:
    probe = probe_at(compiled_formula(text), {"x": 0.0, "y": 0.0}, XY)
    assert probe.plane_ascent_direction is None and probe.flat_kind == kind
    assert probe_at(compiled_formula(text), {"x": 0.5, "y": 0.25}, XY).flat_kind == ""  # a slope: no kind asked


def test_the_plane_direction_can_vanish_while_the_full_one_does_not() -> None:
    compiled = compiled_formula("x^2 + y^2 + z")
    probe = probe_at(compiled, {"x": 0.0, "y": 0.0, "z": 5.0}, XY)
    assert probe.plane_ascent_direction is None
    assert probe.ascent_direction == (0.0, 0.0, 1.0)


@pytest.mark.parametrize(
    ("text", "point", "reason"),
    [
        ("log(x) + y", {"x": -1.0, "y": 0.0}, "f is undefined at this point"),
        ("1/(x^2 + y^2)", {"x": 0.0, "y": 0.0}, "f is infinite at this point"),
        ("sqrt(x^2 + y^2)", {"x": 0.0, "y": 0.0}, "∂f/∂x, ∂f/∂y are undefined or infinite"),
        ("sqrt(x) + y", {"x": 0.0, "y": 1.0}, "∂f/∂x is undefined or infinite at this point"),
    ],
)
def test_undefined_points_are_not_valid_and_say_why(text: str, point: dict[str, float], reason: str) -> None:
    compiled = compiled_formula(text)
    probe = probe_at(compiled, point, XY)
    assert not probe.valid
    assert probe.reason.startswith(reason)
    assert math.isnan(probe.gradient_norm) and probe.checks == ()
    assert probe.ascent_direction is None and contour_tangent_direction(probe) is None
    assert tangent_plane(probe, 0.5) is None
    along_x, _ = slice_curves(compiled, point, XY, {"x": (1, 2), "y": (1, 2)})
    assert along_x.tangent is None


def test_bad_points_and_axes_are_refused() -> None:
    compiled = compiled_formula("x + y")
    with pytest.raises(ValueError, match="no value for y"):
        probe_at(compiled, {"x": 1.0}, XY)
    with pytest.raises(ValueError, match="distinct variables"):
        probe_at(compiled, {"x": 1.0, "y": 1.0}, ("x", "z"))
    with pytest.raises(ValueError, match="distinct variables"):
        probe_at(compiled, {"x": 1.0, "y": 1.0}, ("x", "x"))


# --- the gradient check ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("x^2 + y^2", (1.0, 2.0)),
        ("(1 - x)^2 + 100*(y - x^2)^2", (-1.5, 2.0)),
        ("sin(x) + cos(y)", (0.5, 1.0)),
        ("x^2*y + x*y^2", (2.0, 3.0)),
        ("exp(x/100)*y", (250.0, -3.0)),
    ],
)
def test_finite_differences_agree_with_the_exact_partials(text: str, point: tuple[float, float]) -> None:
    probe = probe_at(compiled_formula(text), dict(zip(XY, point, strict=True)), XY)
    for check, x in zip(probe.checks, point, strict=True):
        assert check.agrees, check
        assert check.exact == probe.gradient[check.variable]
        assert check.step == pytest.approx(RELATIVE_STEP * max(1.0, abs(x)), rel=1e-6)
        assert check.absolute_difference == abs(check.exact - check.estimate)
        assert check.relative_difference < 1e-8


def test_the_check_tells_a_kink_by_its_one_sided_slopes() -> None:
    """On a kink the central difference averages the slopes on its two sides, which no exact partial is: the check
    said only that they disagree. Now it gives the two slopes; a steep smooth f's disagreement is no kink."""
    probe = probe_at(compiled_formula("max(x, 0) + y"), {"x": 0.0, "y": 1.0}, XY)
    kink, smooth = probe.checks
    assert (kink.exact, kink.estimate) == (1.0, pytest.approx(0.5))  # x's slope, typed first, vs the average slope
    assert not kink.agrees and kink.one_sided == (pytest.approx(0.0), pytest.approx(1.0))
    assert smooth.agrees and smooth.one_sided is None
    crease = probe_at(compiled_formula("max(x^2, y)"), {"x": 1.0, "y": 1.0}, XY).checks
    assert [check.one_sided for check in crease] == [(pytest.approx(0.0), pytest.approx(2.0, rel=1e-4)),
                                                      (pytest.approx(0.0), pytest.approx(1.0))]
    missed = probe_at(compiled_formula("sin(400000 pi x) + y"), {"x": 0.0, "y": 0.0}, XY).checks[0]
    assert missed.agrees is False and missed.one_sided is None  # wiggles that h, 2h and h/2 all step over: no kink


def test_the_check_cannot_tell_where_rounding_hides_the_slope() -> None:
    """10⁸ + x² at x = 0.001: the estimate 0.00149 against the exact 0.002 was said to agree (within 10⁻⁶·|f|)."""
    slope, other = probe_at(compiled_formula("1e8 + x^2 + y"), {"x": 0.001, "y": 0.0}, XY).checks
    assert slope.exact == pytest.approx(0.002) and slope.agrees is None
    assert other.agrees is True  # a slope of 1 stands well above the same rounding
    wrong = probe_at(compiled_formula("max(x, 0) + 1e8"), {"x": 0.0}, ("x",)).checks[0]
    assert wrong.agrees is False  # the kink's 1 against 0.5 is a disagreement, whatever the rounding


def test_an_exact_zero_with_a_tiny_estimate_agrees() -> None:
    check = probe_at(compiled_formula("x^2 + y^2"), {"x": 0.0, "y": 0.0}, XY).checks[0]
    assert check.exact == 0.0 and check.agrees


def test_an_estimate_within_its_error_of_zero_shows_as_zero() -> None:
    """Himmelblau's minimum (3, 2): the estimates 1.1e−8 and 3.2e−9 are the step's error alone (f's third derivative
    is not 0 there), and |D(2h) − D(h)| bounds them; sin(πx) + cos(πy) at (0.5, 2): 0 beside 7.7e−16, rounding."""
    himmelblau = probe_at(compiled_formula("(x^2 + y - 11)^2 + (x + y^2 - 7)^2"), {"x": 3.0, "y": 2.0}, XY).checks
    assert [check.estimate for check in himmelblau] == pytest.approx([1.08e-8, 3.2e-9], rel=1e-3)
    assert [check.error for check in himmelblau] == pytest.approx([3.24e-8, 9.6e-9], rel=1e-2)
    shown = [(check.shown_estimate, check.shown_difference, check.agrees) for check in himmelblau]
    assert shown == [(0.0, 0.0, True)] * 2
    waves = probe_at(compiled_formula("sin(pi x) + cos(pi y)"), {"x": 0.5, "y": 2.0}, XY).checks[1]
    assert waves.exact == pytest.approx(7.7e-16, rel=1e-2) and waves.error > 1e-11  # no noise floor given: as computed
    assert waves.estimate == 0.0 and waves.shown_difference == 0.0 and waves.agrees and waves.rounding_dominates


def test_an_estimate_shows_the_digits_its_error_leaves_it() -> None:
    """3x² + 2xy + y³ at (1, 2): 10.000000000055511 ± 2.8e−9 is 10.000000000; exp(300y)'s 300.00045 is off by the
    step's error (|D(2h) − D(h)| = 0.00135): 300.000, in agreement with the exact 300 (it was said to disagree)."""
    cubic = probe_at(compiled_formula("3x^2 + 2x y + y^3"), {"x": 1.0, "y": 2.0}, XY).checks[0]
    assert cubic.estimate != 10.0 and 1e-9 < cubic.error < 1e-8
    assert (cubic.shown_estimate, cubic.shown_difference, cubic.agrees) == (10.0, 0.0, True)
    steep = probe_at(compiled_formula("exp(300y) + x"), {"x": 0.0, "y": 0.0}, XY).checks[1]
    assert steep.estimate == pytest.approx(300.00045, abs=1e-6) and steep.error == pytest.approx(0.00135, rel=1e-3)
    assert (steep.shown_estimate, steep.shown_difference, steep.agrees) == (300.0, 0.0, True)
    assert not steep.rounding_dominates
    wiggly = probe_at(compiled_formula("sin(100000x) + y"), {"x": 0.0, "y": 0.0}, XY).checks[0]
    assert wiggly.estimate == pytest.approx(84147.1, abs=0.1) and wiggly.agrees is None  # could be off by 47000
    assert (wiggly.shown_estimate, wiggly.shown_difference) == (80000.0, 20000.0)
    assert to_place_of(-0.2955202066609417, 1.3e-10) == -0.2955202067 and to_place_of(1.5, 0.0) == 1.5


def test_the_check_writes_the_exact_partial_and_its_estimate_alike() -> None:
    """sin(x)·cos(y) at (π, 0.3) read −0.955336 beside −0.955336489, eˣ at 20 4.85165e8 beside 485165199: both are
    now to the estimate's decimal place in one notation, 0 where that place is above both."""
    waves = probe_at(compiled_formula("sin(x) cos(y)"), {"x": math.pi, "y": 0.3}, XY).checks[0]
    assert check_texts(waves) == ("−0.9553364891", "−0.9553364890")
    growth = probe_at(compiled_formula("exp(x) + y"), {"x": 20.0, "y": 0.0}, XY).checks
    assert [check_texts(check) for check in growth] == [("485165195", "485165199"), ("1", "1")]
    blurred = GradientCheck("x", 485165195.4, 485165198.6, 1e-5, 3.2, 6.6e-9, True, error=2000.0)
    assert check_texts(blurred) == ("4.85165e8", "4.85165e8")  # to the thousands: over one power of ten
    floored = probe_at(compiled_formula("sin(pi x) cos(y)"), {"x": 1.0, "y": 0.3}, XY, noise=NoiseFloor(gradient=3e-12))
    assert floored.checks[1].exact == 0.0 and check_texts(floored.checks[1]) == ("0", "0")
    assert check_texts(GradientCheck("x", 1e-9, 0.0, 1e-5, 1e-9, 1.0, True, error=1e-8)) == ("0", "0")
    assert check_texts(GradientCheck("x", 2.5, 2.5, 1e-5, 0.0, 0.0, True)) == ("2.5", "2.5")  # no error to round to


def test_the_checks_rounding_counts_terms_that_cancel_in_f() -> None:
    """3x + 2y by its zero line: f ≈ 0.009 rounds as 3x and 2y do (about 2.3 each), and the estimate 2.9999999999889
    is off by 1.1e−11, 250 times ε·|f|/h: the check said they disagree."""
    check = probe_at(compiled_formula("3x + 2y"), {"x": -0.782438, "y": 1.178201}, XY).checks[0]
    assert check.estimate == pytest.approx(3.0, abs=1e-10) and check.absolute_difference > 1e-11
    assert check.agrees and check.shown_estimate == 3.0 and check.rounding_dominates


def test_where_f_is_undefined_at_twice_the_step_the_half_step_bounds_the_estimate() -> None:
    """√x at x = 1.5e−5 (h = 1e−5): x − 2h < 0, so D(h) − D(h/2) bounds the error; the estimate 138.2 against the
    exact 129.1 is 7% off, as the error (29) allows: the check cannot tell, rather than disagreeing."""
    check = probe_at(compiled_formula("sqrt(x) + y"), {"x": 1.5e-5, "y": 0.0}, XY).checks[0]
    assert check.estimate == pytest.approx(138.2, abs=0.1) and check.error == pytest.approx(28.8, abs=0.1)
    assert check.agrees is None and check.one_sided is None and check.shown_estimate == 140.0


def test_the_noise_floor_of_the_partials_bounds_the_check_where_it_is_larger() -> None:
    """The map's noise floor (GridField.noise_floor_at) makes a partial below it 0, and the estimate with it."""
    floor = NoiseFloor(gradient=1e-9)
    check = probe_at(compiled_formula("x + 1e-10 y"), {"x": 0.0, "y": 0.0}, XY, noise=floor).checks[1]
    assert check.estimate == pytest.approx(1e-10) and check.error == 1e-9
    assert (check.exact, check.shown_estimate, check.agrees) == (0.0, 0.0, True)


# --- the gradient is perpendicular to the contour --------------------------------------------------------


def contour_point(compiled: CompiledFormula, near: np.ndarray, normal: np.ndarray, level: float,
                  reach: float) -> np.ndarray:
    """The point near + α·normal with f = level, found by bisection on f alone (no derivatives)."""
    low, high = -reach, reach
    sign_low = math.copysign(1.0, value_at(compiled, near + low * normal) - level)
    assert sign_low != math.copysign(1.0, value_at(compiled, near + high * normal) - level), "no bracket"
    for _ in range(200):
        middle = 0.5 * (low + high)
        if math.copysign(1.0, value_at(compiled, near + middle * normal) - level) == sign_low:
            low = middle
        else:
            high = middle
    return near + 0.5 * (low + high) * normal


def angle_degrees(first: np.ndarray, second: np.ndarray) -> float:
    """The angle between two vectors, in degrees."""
    cosine = first @ second / (np.linalg.norm(first) * np.linalg.norm(second))
    return math.degrees(math.acos(max(-1.0, min(1.0, cosine))))


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("x^2 + y^2", (1.0, 2.0)),
        ("x^2 + 10*y^2", (2.4, 2.25)),
        ("(1 - x)^2 + 100*(y - x^2)^2", (-1.5, 2.0)),
        ("(1 - x)^2 + 100*(y - x^2)^2", (0.5, 0.1)),
        ("sin(x) + cos(y)", (0.5, 1.0)),
        ("sin(x) + cos(y)", (-2.0, 2.5)),
        ("x^2*y + x*y^2", (2.0, 3.0)),
        ("x^2*y + x*y^2", (-1.0, 0.5)),
    ],
)
def test_gradient_is_perpendicular_to_the_contour_walked_numerically(
    text: str, point: tuple[float, float]
) -> None:
    compiled = compiled_formula(text)
    probe = probe_at(compiled, dict(zip(XY, point, strict=True)), XY)
    gradient = np.array(probe.axis_partials)
    normal = np.array(probe.plane_ascent_direction)
    tangent = np.array(contour_tangent_direction(probe))
    assert tangent @ normal == pytest.approx(0.0, abs=1e-15)
    assert np.linalg.norm(tangent) == pytest.approx(1.0)
    distance = 1e-3
    here = np.array(point)
    ahead, behind = (
        contour_point(compiled, here + side * distance * tangent, normal, probe.value, distance)
        for side in (1.0, -1.0)
    )
    chord = ahead - behind
    assert np.linalg.norm(chord) == pytest.approx(2 * distance, rel=1e-2)
    assert angle_degrees(chord, gradient) == pytest.approx(90.0, abs=0.5)
    assert angle_degrees(chord, tangent) < 0.5


def test_contour_tangent_needs_two_axes() -> None:
    compiled = compiled_formula("x^2 + y^2")
    assert contour_tangent_direction(probe_at(compiled, {"x": 1.0, "y": 2.0}, ("x",))) is None


def test_contour_tangent_turns_the_gradient_counter_clockwise() -> None:
    probe = probe_at(compiled_formula("f(x, y) = x"), {"x": 0.0, "y": 0.0}, XY)
    assert contour_tangent_direction(probe) == (-0.0, 1.0)


# --- slices and tangent lines ----------------------------------------------------------------------------


def test_slices_hold_the_other_variables_at_the_point() -> None:
    compiled = compiled_formula("x^2*y + x*y^2")
    point = {"x": 2.0, "y": 3.0}
    along_x, along_y = slice_curves(compiled, point, XY, {"x": (-3.0, 3.0), "y": (0.0, 4.0)}, samples=50)
    assert along_x.axis == "x" and along_y.axis == "y"
    assert along_x.coordinates == pytest.approx(np.linspace(-3.0, 3.0, 50))
    assert along_x.values == pytest.approx(along_x.coordinates**2 * 3 + along_x.coordinates * 9)
    assert along_y.values == pytest.approx(4 * along_y.coordinates + 2 * along_y.coordinates**2)
    assert (along_x.x0, along_x.f0, along_x.slope) == (2.0, 30.0, 21.0)
    assert (along_y.x0, along_y.f0, along_y.slope) == (3.0, 30.0, 16.0)


def test_a_slice_through_a_point_off_the_ranges_is_centred_on_it() -> None:
    """After a divergence the probe's point was at x = 8601 while its slices spanned −3…3: the point was off them."""
    compiled = compiled_formula("x^2 + y^2")
    along_x, along_y = slice_curves(compiled, {"x": 8601.0, "y": 1.0}, XY, {"x": (-3.0, 3.0), "y": (0.0, 4.0)},
                                    samples=51)
    assert (along_x.coordinates[0], along_x.coordinates[-1]) == (8598.0, 8604.0)
    assert (along_y.coordinates[0], along_y.coordinates[-1]) == (0.0, 4.0), "a point inside keeps the range"
    assert along_x.tangent is not None and along_x.slope == 17202.0


def test_a_partial_that_is_rounding_beside_the_typical_slope_is_zero() -> None:
    """sin(πx) + cos(πy) at (1, 2): ∂f/∂y = −π sin(2π) computes as 7.7e−16, shown as if real."""
    compiled = compiled_formula("sin(pi x) + cos(pi y)")
    raw = probe_at(compiled, {"x": 1.0, "y": 2.0}, XY)
    assert 0.0 < abs(raw.gradient["y"]) < 1e-14
    probe = probe_at(compiled, {"x": 1.0, "y": 2.0}, XY, noise=NoiseFloor(gradient=3e-12))  # |∇f| about 3 on the map
    assert probe.gradient["y"] == 0.0 and probe.gradient["x"] == pytest.approx(-math.pi)
    assert probe.plane_ascent_direction == (-1.0, 0.0)
    small = probe_at(compiled_formula("1e-9 x + y"), {"x": 0.0, "y": 0.0}, XY, noise=NoiseFloor(gradient=1e-12))
    assert small.gradient["x"] == pytest.approx(1e-9), "a small slope that is real stays"


def test_tangent_lines_touch_the_curve_with_the_partial_as_slope() -> None:
    compiled = compiled_formula("sin(x) + cos(y)")
    ranges = {"x": (-3.0, 3.0), "y": (-3.0, 3.0)}
    for curve in slice_curves(compiled, {"x": 0.5, "y": 1.0}, XY, ranges):
        (x_start, f_start), (x_end, f_end) = curve.tangent
        assert (f_end - f_start) / (x_end - x_start) == pytest.approx(curve.slope)
        assert f_start + curve.slope * (curve.x0 - x_start) == pytest.approx(curve.f0)
        low, high = ranges[curve.axis]
        assert low <= x_start < curve.x0 < x_end <= high
        margin = SLICE_HEIGHT_MARGIN * np.ptp(curve.values)  # as the slice plot shows it
        for f_tangent in (f_start, f_end):
            assert curve.values.min() - margin - 1e-12 <= f_tangent <= curve.values.max() + margin + 1e-12


def test_a_steep_tangent_is_clipped_to_the_height_of_the_curve() -> None:
    """Clipped to the heights the plot shows: the curve's, and the margin drawn below and above them."""
    compiled = compiled_formula("x^2 + y")
    (curve,) = slice_curves(compiled, {"x": 1.0, "y": 0.0}, ("x",), {"x": (-1.0, 1.5)}, samples=11)
    (x_start, f_start), (x_end, f_end) = curve.tangent  # f = x² on [−1, 1.5]: heights 0 to 2.25
    bottom = -SLICE_HEIGHT_MARGIN * 2.25
    assert (x_start, f_start) == pytest.approx((1.0 + (bottom - 1.0) / 2.0, bottom))
    assert (x_end, f_end) == pytest.approx((1.5, 2.0))


def test_a_flat_slice_keeps_its_whole_tangent() -> None:
    (curve,) = slice_curves(compiled_formula("f(x, y) = x^2"), {"x": 1.0, "y": 0.5}, ("y",), {"y": (-2.0, 2.0)})
    assert curve.tangent == ((-2.0, 1.0), (2.0, 1.0))


def test_undefined_stretches_of_a_slice_are_nan() -> None:
    (curve,) = slice_curves(compiled_formula("log(x) + y"), {"x": 1.0, "y": 0.0}, ("x",), {"x": (-1.5, 1.5)},
                            samples=4)
    assert np.isnan(curve.values[:2]).all() and np.isfinite(curve.values[2:]).all()
    assert curve.tangent is not None


def test_slices_need_two_samples() -> None:
    with pytest.raises(ValueError, match="at least 2 samples"):
        slice_curves(compiled_formula("x + y"), {"x": 0, "y": 0}, XY, {"x": (0, 1), "y": (0, 1)}, samples=1)


# --- the tangent plane -------------------------------------------------------------------------------------


def test_tangent_plane_corners_lie_on_the_plane_around_the_point() -> None:
    compiled = compiled_formula("x^2*y + x*y^2")
    probe = probe_at(compiled, {"x": 2.0, "y": 3.0}, XY)
    corners = tangent_plane(probe, (0.5, 0.25))
    assert corners.shape == (4, 3)
    assert corners[:, :2] == pytest.approx(np.array([[1.5, 2.75], [2.5, 2.75], [2.5, 3.25], [1.5, 3.25]]))
    assert corners[:, 2] == pytest.approx(30.0 + 21.0 * (corners[:, 0] - 2.0) + 16.0 * (corners[:, 1] - 3.0))
    assert corners.mean(axis=0) == pytest.approx((2.0, 3.0, 30.0))


def test_tangent_plane_touches_the_surface_to_second_order() -> None:
    compiled = compiled_formula("sin(x) + cos(y)")
    probe = probe_at(compiled, {"x": 0.5, "y": 1.0}, XY)
    gaps = []
    for width in (1e-1, 1e-2):
        corners = tangent_plane(probe, width)
        gaps.append(max(abs(value_at(compiled, corner[:2]) - corner[2]) for corner in corners))
    assert gaps[1] < gaps[0] / 50  # the gap shrinks with the square of the width


def test_tangent_plane_needs_two_axes() -> None:
    probe = probe_at(compiled_formula("x^2 + y^2"), {"x": 1.0, "y": 2.0}, ("x",))
    with pytest.raises(ValueError, match="two plotted axes"):
        tangent_plane(probe, 0.5)


def test_the_reason_names_the_function_as_the_formula_does() -> None:
    """L(w1, w2) = ...: the probe says L is undefined, and names ∂L/∂x, not f."""
    assert probe_at(compiled_formula("log(x) + y"), {"x": -1.0, "y": 0.0}, XY, "L").reason == (
        "L is undefined at this point")
    assert probe_at(compiled_formula("sqrt(x) + y"), {"x": 0.0, "y": 1.0}, XY, "L").reason.startswith(
        "∂L/∂x is undefined")


def test_rounding_at_a_minimum_landed_on_is_zero_while_small_values_reached_honestly_stay() -> None:
    """(3 − 2w − b)² from (0, 0) with η = 0.1 lands on its minimum with L = 1.97e−31 and ∇L = (1.8e−15, 8.9e−16)."""
    from gradviz.core.grid import Domain, evaluate_grid

    compiled = compiled_formula("(3 - 2x - y)^2")
    landed = {"x": 0.0 + 0.1 * 12.0, "y": 0.0 + 0.1 * 6.0}
    floor = evaluate_grid(compiled, Domain(XY, ((-1.0, 3.0), (-2.0, 3.0)))).noise_floor_at(XY, (1.2, 0.6))
    raw = probe_at(compiled, landed, XY)
    assert 0.0 < raw.value < 1e-30 and 0.0 < abs(raw.gradient["x"]) < 1e-14
    probe = probe_at(compiled, landed, XY, noise=floor)
    assert (probe.value, probe.gradient["x"], probe.gradient["y"], probe.gradient_norm) == (0.0, 0.0, 0.0, 0.0)
    near = {"x": 1.2 + 1e-7, "y": 0.6}  # a descent stopping as converged is about this close: real, kept
    assert probe_at(compiled, near, XY, noise=floor).value == pytest.approx(4e-14)
    assert floor.shown_gradient((4e-7, float("nan"))) == (4e-7, pytest.approx(float("nan"), nan_ok=True))


@pytest.mark.parametrize(("half_width", "point", "slope"), [(10.0, (1.0, 1.0), math.e),
                                                            (30.0, (0.0768, 0.0768), 0.0768 * math.exp(0.0768**2))])
def test_the_noise_floor_is_the_points_own_not_the_steepest_corner_of_the_map(
        half_width: float, point: tuple[float, float], slope: float) -> None:
    """exp(xy) over ±10 showed ∇f = 0 at (1, 1), "a saddle point": its corners' |∇f| of 1e45 set the floor."""
    from gradviz.core.grid import Domain, evaluate_grid

    compiled = compiled_formula("exp(x*y)")
    field = evaluate_grid(compiled, Domain(XY, ((-half_width, half_width),) * 2))
    probe = probe_at(compiled, dict(zip(XY, point, strict=True)), XY, noise=field.noise_floor_at(XY, point))
    assert probe.gradient["x"] == pytest.approx(slope) and probe.value == pytest.approx(math.exp(point[0] * point[1]))
    steps = np.array([point, (half_width + 1.0, 0.0), (1e6, 0.0), (math.nan, 0.0)])  # a run's steps: on the map,
    floors = field.noise_floor_at(("y", "x"), steps[:, ::-1])  # off it, off it where f overflows round it, undefined
    assert floors.variables == XY and np.all(floors.gradient[0] > 0.0) and np.all(floors.gradient[0] < 1e-9 * slope)
    assert np.all(floors.gradient[1] > 0.0) and floors.gradient[1, 1] < 1e-9 * (half_width + 1.0)
    assert floors.gradient[2:].tolist() == [[0.0, 0.0]] * 2
    assert field.noise_floor_at(("x",), (1.0,)).gradient == 0.0  # a point that does not say where y is
