"""Grids: layout, fixed variables, masking of non-finite cells, the robust display range, log heights."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from gradviz.core.calculus import differentiate
from gradviz.core.compiled import CompiledFormula, compile_formula
from gradviz.core.formula import Formula
from gradviz.core.grid import (
    Domain,
    broken_curve,
    curve_to_rim,
    evaluate_grid,
    jump_edges,
    log_height,
    noise_floor_on_maps,
    partly_blank,
    robust_range,
    unjoined_neighbours,
)


def compiled_of(text: str, variables: tuple[str, ...] = ("x", "y")) -> CompiledFormula:
    """Compile the formula written in SymPy syntax over real variables."""
    symbols = {name: sympy.Symbol(name, real=True) for name in variables}
    expr = sympy.sympify(text, locals=symbols)
    return compile_formula(differentiate(Formula(text=text, expr=expr, variables=variables)))


def square(half_width: float, resolution: int = 201) -> Domain:
    """The domain [-half_width, half_width]² in x and y."""
    return Domain(("x", "y"), ((-half_width, half_width), (-half_width, half_width)), resolution)


def test_rows_follow_y_and_columns_follow_x() -> None:
    field = evaluate_grid(compiled_of("x + 10*y"), Domain(("x", "y"), ((0, 2), (0, 1)), 3))
    np.testing.assert_array_equal(field.xs, [0, 1, 2])
    np.testing.assert_array_equal(field.ys, [0, 0.5, 1])
    np.testing.assert_array_equal(field.values, [[0, 1, 2], [5, 6, 7], [10, 11, 12]])
    np.testing.assert_array_equal(field.gradient[0], np.ones((3, 3)))
    np.testing.assert_array_equal(field.gradient[1], np.full((3, 3), 10.0))
    assert field.nonfinite_fraction == 0.0


def test_plotted_order_may_differ_from_the_formula_order() -> None:
    field = evaluate_grid(compiled_of("x + 10*y"), Domain(("y", "x"), ((0, 1), (0, 2)), 3))
    np.testing.assert_array_equal(field.values[:, 0], [0, 1, 2])  # first column: y = 0, x down the rows
    np.testing.assert_array_equal(field.gradient[0], np.full((3, 3), 10.0))


def test_one_dimensional_domain() -> None:
    field = evaluate_grid(compiled_of("x**2", ("x",)), Domain(("x",), ((-1, 1),), 5))
    assert field.ys is None
    assert field.values.shape == field.gradient[0].shape == (5,)
    np.testing.assert_allclose(field.gradient[0], [-2, -1, 0, 1, 2])


def test_other_variables_are_held_at_their_fixed_values() -> None:
    compiled = compiled_of("x**2 + 2*y**2 + 3*z**2", ("x", "y", "z"))
    field = evaluate_grid(compiled, Domain(("x", "z"), ((0, 1), (0, 1)), 2, fixed={"y": 1.0}))
    np.testing.assert_allclose(field.values, [[2, 3], [5, 6]])
    assert len(field.gradient) == 2
    np.testing.assert_allclose(field.gradient[1], [[0, 0], [6, 6]])


def test_missing_fixed_value_and_unknown_variable_are_rejected() -> None:
    compiled = compiled_of("x*y*z", ("x", "y", "z"))
    with pytest.raises(ValueError, match="no fixed value given for z"):
        evaluate_grid(compiled, Domain(("x", "y"), ((0, 1), (0, 1)), 3))
    with pytest.raises(ValueError, match="w is not a variable"):
        evaluate_grid(compiled_of("x"), Domain(("x", "w"), ((0, 1), (0, 1)), 3, fixed={"y": 0}))


@pytest.mark.parametrize(
    ("variables", "ranges", "resolution", "fixed", "message"),
    [
        ((), (), 10, {}, "one or two"),
        (("x", "y", "z"), ((0, 1),) * 3, 10, {}, "one or two"),
        (("x", "x"), ((0, 1),) * 2, 10, {}, "one or two"),
        (("x",), ((0, 1), (0, 1)), 10, {}, "one range per"),
        (("x",), ((1, 0),), 10, {}, "finite and increasing"),
        (("x",), ((0, float("inf")),), 10, {}, "finite and increasing"),
        (("x",), ((0, 1),), 1, {}, "at least 2"),
        (("x",), ((0, 1),), 10, {"x": 1.0}, "also be held fixed"),
    ],
)
def test_invalid_domains_are_rejected(
    variables: tuple, ranges: tuple, resolution: int, fixed: dict, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Domain(variables, ranges, resolution, fixed)


def test_log_over_both_signs_masks_the_undefined_half() -> None:
    field = evaluate_grid(compiled_of("log(x)", ("x",)), Domain(("x",), ((-1, 1),), 401))
    assert field.nonfinite_fraction == pytest.approx(201 / 401)  # x < 0 is NaN and log(0) is -inf
    assert np.isnan(field.values[:201]).all()
    assert np.isfinite(field.values[201:]).all()
    assert np.isnan(field.gradient[0][:201]).all()
    assert field.display_range == (pytest.approx(np.log(0.005)), 0.0)
    assert field.lowest == pytest.approx(np.log(0.005))  # the lowest finite height: -inf and NaN left out
    undefined = evaluate_grid(compiled_of("log(x)", ("x",)), Domain(("x",), ((-2, -1),), 11))
    assert undefined.lowest is None


def test_gradient_alone_may_be_masked() -> None:
    field = evaluate_grid(compiled_of("sqrt(Abs(x)) + y"), square(1, 5))
    assert field.nonfinite_fraction == 0.0
    assert np.isnan(field.gradient[0][:, 2]).all()  # infinite slope at x = 0
    assert np.isfinite(field.values).all()


@pytest.mark.parametrize(
    ("text", "half_width"),
    [
        ("x**2 + y**2", 3),
        ("sin(x)*cos(y)", 3),
        ("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", 5),
        ("(1 - x)**2 + 100*(y - x**2)**2", 2),
        ("x**3 + y", 3),
        ("exp(x) + y", 5),
        ("Max(0, x - 2.9)", 3),
        ("exp(-100*(x**2 + y**2))", 3),  # a tall narrow peak the grid resolves
        ("-1/(x**2 + y**2 + 0.01)", 3),  # a deep narrow pit
    ],
)
def test_bounded_functions_keep_their_true_extremes(text: str, half_width: float) -> None:
    field = evaluate_grid(compiled_of(text), square(half_width))
    assert field.display_range == (np.nanmin(field.values), np.nanmax(field.values))


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("1/x + 0*y", square(1, 200)),
        ("1/(x**2 + y**2)", square(1, 201)),
        ("tan(x) + y", square(5, 201)),
        ("exp(x + y)", square(5, 201)),
        ("1/x", Domain(("x",), ((-1, 1),), 400)),
    ],
)
def test_run_away_functions_are_clipped_near_their_percentiles(text: str, domain: Domain) -> None:
    field = evaluate_grid(compiled_of(text, ("x",) if len(domain.variables) == 1 else ("x", "y")), domain)
    lo, hi = field.display_range
    finite = field.values[np.isfinite(field.values)]
    p_lo, p_hi = np.percentile(finite, [2, 98])
    assert hi - lo < 0.5 * (finite.max() - finite.min())
    assert lo <= p_lo and hi >= p_hi
    assert hi - lo <= 1.5 * (p_hi - p_lo)


def test_flat_and_empty_fields_get_a_usable_range() -> None:
    assert robust_range(np.full((4, 4), 3.0)) == (2.5, 3.5)
    assert robust_range(np.full(5, 100.0)) == (95.0, 105.0)
    assert robust_range(np.full(5, np.nan)) == (-1.0, 1.0)
    assert robust_range(np.array([np.inf, 1.0, -np.inf, 2.0])) == (1.0, 2.0)


def test_constant_formula_fills_the_grid() -> None:
    field = evaluate_grid(compiled_of("3"), square(1, 4))
    np.testing.assert_array_equal(field.values, np.full((4, 4), 3.0))
    lo, hi = field.display_range
    assert lo < 3.0 < hi


def test_log_height_starts_at_zero_and_keeps_order() -> None:
    values = np.array([[1e6, 10.0], [np.nan, 0.0]])
    heights = log_height(values)
    assert heights[1, 1] == 0.0
    assert np.isnan(heights[1, 0])
    assert heights[0, 0] == pytest.approx(np.log1p(1e6))
    assert heights[0, 1] == pytest.approx(np.log1p(10.0))


def test_log_height_with_a_reference_preserves_sign() -> None:
    heights = log_height(np.array([-10.0, -1.0, 0.0, 1.0, 10.0]), reference=0.0)
    np.testing.assert_allclose(heights, np.log1p([10, 1, 0, 1, 10]) * [-1, -1, 0, 1, 1])
    assert np.all(np.diff(heights) > 0)
    assert np.isnan(log_height(np.full(3, np.nan))).all()


def test_a_curve_is_broken_where_it_leaps_past_a_pole() -> None:
    """1/x leaps from far below the range to far above it between two samples: no line is drawn there."""
    xs = np.linspace(-3.0, 3.0, 200)
    values = 1.0 / xs
    low, high = robust_range(values)
    broken_xs, broken = broken_curve(xs, values, low, high)
    gap = np.flatnonzero(np.isnan(broken))
    assert len(gap) == 1 and len(broken) == len(xs) + 1
    assert broken[gap[0] - 1] < low and broken[gap[0] + 1] > high
    assert broken_xs[gap[0] - 1] < broken_xs[gap[0]] < broken_xs[gap[0] + 1], "halfway, still rising"
    assert broken_xs[gap[0]] == pytest.approx(0.0, abs=1e-12)
    assert np.array_equal(np.delete(broken, gap), values)


def test_a_steep_bounded_curve_is_never_broken() -> None:
    xs = np.linspace(-3.0, 3.0, 200)
    for values in (np.tanh(80 * xs), np.sign(xs), xs**3, np.exp(xs)):
        low, high = robust_range(values)
        broken_xs, broken = broken_curve(xs, values, low, high)
        assert broken_xs is xs and broken is values


def test_the_points_beside_a_pole_are_found_along_either_axis() -> None:
    values = np.array([[1.0, 50.0, -50.0, 1.0], [1.0, 2.0, 3.0, 4.0], [80.0, 1.0, 1.0, 1.0], [-80.0, 1.0, 1.0, 1.0]])
    beside = unjoined_neighbours(values, -10.0, 10.0)
    assert sorted(zip(*np.nonzero(beside), strict=True)) == [(0, 1), (0, 2), (2, 0), (3, 0)]
    assert not unjoined_neighbours(values, -100.0, 100.0).any()
    assert not unjoined_neighbours(np.abs(values), -10.0, 10.0).any(), "beyond one end only: no pole"


def test_a_jump_between_neighbours_is_found_and_a_steep_stretch_is_not() -> None:
    """atan(y/x) leaps from −π/2 to π/2 across x = 0, a step of f; tanh(200x) only climbs steeply there."""
    field = evaluate_grid(compiled_of("atan(y/x)"), square(3.0, 200))
    across_x, across_y = field.jumps[1], field.jumps[0]  # rows follow y: axis 1 runs along x
    assert across_x.shape == (200, 199) and across_y.shape == (199, 200)
    assert not across_y.any()
    rows, columns = np.nonzero(across_x)
    assert set(columns) == {99}, "between the two columns either side of x = 0"
    assert len(rows) >= 190, "every row but those nearest the origin, where atan(y/x) turns steeply all round"
    for text in ("tanh(200*x) + y", "tanh(20*x) + y**2", "sin(50*x*y)", "(1 - x)**2 + 100*(y - x**2)**2",
                 "sqrt(x) + y", "sin(x)/x + y"):
        assert not any(edges.any() for edges in evaluate_grid(compiled_of(text), square(3.0, 200)).jumps), text


def test_jumps_are_found_along_one_variable_and_across_the_plotted_order() -> None:
    curve = evaluate_grid(compiled_of("atan(1/x)", ("x",)), Domain(("x",), ((-3.0, 3.0),), 200))
    assert np.flatnonzero(curve.jumps[0]).tolist() == [99]
    swapped = evaluate_grid(compiled_of("x/Abs(x) + y"), Domain(("y", "x"), ((-1.0, 1.0), (-3.0, 3.0)), 100))
    assert not swapped.jumps[1].any() and set(np.nonzero(swapped.jumps[0])[0]) == {49}  # x runs down the rows


def test_jump_edges_halve_towards_the_leap_until_it_stays_or_shrinks() -> None:
    """The leap of a step stays at any width; a pole met halfway counts as a jump too."""
    compiled = compiled_of("x/Abs(x) + 1/(x - 1)", ("x",))
    xs = np.array([-0.5, 0.5, 0.8, 1.2])
    values = compiled.evaluate([xs])[0]
    jumps = jump_edges(compiled, [xs], values, [np.zeros(4)], [0], span=10.0)
    assert jumps[0].tolist() == [True, False, True]


def test_a_curve_is_broken_and_level_lines_stop_at_a_jump() -> None:
    xs = np.linspace(-1.0, 1.0, 6)
    values = np.sign(xs)
    jumps = np.array([False, False, True, False, False])
    broken_xs, broken = broken_curve(xs, values, -1.0, 1.0, jumps)
    assert np.isnan(broken[3]) and broken_xs[3] == pytest.approx(0.0, abs=1e-12)
    grid_values = np.tile(values, (3, 1))
    beside = unjoined_neighbours(grid_values, -1.0, 1.0, (np.zeros((2, 6), dtype=bool), np.tile(jumps, (3, 1))))
    assert beside[:, 2:4].all() and not beside[:, [0, 1, 4, 5]].any()


def test_the_rim_is_where_f_stops_being_defined_beside_each_undefined_grid_point() -> None:
    """sqrt(1 − x² − y²): each undefined point beside the disk gets the nearest point of its circle, where f ≈ 0."""
    field = evaluate_grid(compiled_of("sqrt(1 - x**2 - y**2)"), square(1.5, 61))
    rim = field.rim
    defined = np.isfinite(field.values)
    shifted = [np.roll(np.roll(defined, rows, 0), columns, 1) for rows in (-1, 0, 1) for columns in (-1, 0, 1)]
    beside = ~defined & np.logical_or.reduce(shifted)  # diagonally too: a staircase's outer corners
    assert sorted(rim.points.tolist()) == np.flatnonzero(beside).tolist()
    x, y = rim.coordinates
    assert np.allclose(np.hypot(x, y), 1.0, atol=1e-6) and np.all(rim.values < 1e-3)
    assert np.all(np.isfinite(field.values.flat[rim.sources]))
    rows, columns = np.unravel_index(rim.points, field.values.shape)
    assert np.all(np.hypot(field.xs[columns] - x, field.ys[rows] - y) < 0.05 * np.sqrt(2) + 1e-9), "a step away at most"
    assert evaluate_grid(compiled_of("x**2 + y**2"), square(1.5, 61)).rim is None


def test_a_rim_is_found_along_one_variable_and_with_the_plotted_order_swapped() -> None:
    curve = evaluate_grid(compiled_of("sqrt(x)", ("x",)), Domain(("x",), ((-1.0, 1.0),), 20))
    assert curve.rim.points.tolist() == [9] and abs(curve.rim.coordinates[0][0]) < 1e-6
    ws, values = curve_to_rim(curve)
    assert abs(ws[9]) < 1e-6 and 0.0 <= values[9] < 1e-3 and np.all(np.diff(ws) > 0), "sqrt(x) drawn from 0"
    assert np.isnan(values[:9]).all() and ws is not curve.xs and np.isnan(curve.values[9])
    swapped = evaluate_grid(compiled_of("log(x) + y"), Domain(("y", "x"), ((-1.0, 1.0), (-1.0, 1.0)), 20))
    assert np.all(np.abs(swapped.rim.coordinates[1]) < 1e-6), "x, the second plotted variable, reaches 0"


def test_a_line_where_f_is_undefined_between_defined_sides_keeps_no_rim() -> None:
    """x/|x| is undefined on x = 0 only: moved to one side, the line's points would join −1 to 1 with a wall."""
    field = evaluate_grid(compiled_of("x/Abs(x) + y"), square(3.0, 41))  # a column of samples at x = 0
    assert np.isnan(field.values[:, 20]).all() and field.rim is None
    corner = evaluate_grid(compiled_of("sqrt(x) + sqrt(y)"), square(3.0, 41))
    assert corner.rim is not None and np.all(np.isfinite(corner.rim.values))


def test_values_no_surface_draws_do_not_set_the_colours() -> None:
    """x^y is defined for x < 0 only at whole y: the grid's edge rows y = ±3 went down to −291874, and the colour
    bar read 10, −1, −2.5, … over a surface that is positive wherever it is drawn."""
    field = evaluate_grid(compiled_of("x**y"), Domain(("x", "y"), ((-3.0, 3.0), (-3.0, 3.0)), 200))
    assert field.lowest < -1000
    assert 0.0 <= field.display_range[0] < field.display_range[1] <= 50.0
    half = evaluate_grid(compiled_of("sqrt(x) + y**2"), Domain(("x", "y"), ((-3.0, 3.0), (-3.0, 3.0)), 200))
    assert half.display_range == pytest.approx((float(np.nanmin(half.values)), float(np.nanmax(half.values))))


def test_a_height_that_overflows_in_part_of_the_ranges_is_said_to_be_left_blank_there() -> None:
    """exp(xy) over ±30 passes 1.8e308 where xy > 709.78, in two corners: the views left them blank without a word."""
    field = evaluate_grid(compiled_of("exp(x*y)"), square(30.0))
    xs, ys = np.meshgrid(field.xs, field.ys)
    overflowing = xs * ys > np.log(np.finfo(float).max)
    assert field.overflowed and field.overflowed_share == pytest.approx(np.count_nonzero(overflowing) / xs.size)
    assert 0.01 < field.overflowed_share < 0.02 and np.isnan(field.values[overflowing]).all()
    assert partly_blank(field) == "f overflows (beyond ±1.8e308) on 1% of the grid: left blank there."
    assert partly_blank(evaluate_grid(compiled_of("-exp(x*y)"), square(30.0)), "L").startswith("L overflows (")
    assert partly_blank(evaluate_grid(compiled_of("exp(x*y)"), square(10.0))) == ""  # 2.7e43 at most: all drawn
    wider = evaluate_grid(compiled_of("exp(x*y)"), square(100.0))  # slopes near 1e308 warned measuring leaps
    assert 0.3 < wider.overflowed_share < 0.4 and not any(edges.any() for edges in wider.jumps)
    for pole in ("log(x) + y", "1/(x**2 + y**2)"):  # −inf and inf at 0, a grid point: a division by zero, no overflow
        assert partly_blank(evaluate_grid(compiled_of(pole), square(3.0))) == "", pole
    assert partly_blank(evaluate_grid(compiled_of("exp(1000 + x**2) + y"), square(3.0))) == ""  # nothing to draw


@pytest.mark.parametrize(("text", "variables", "axes"), [("(3 - 2*x - y)**2", ("x", "y"), ("x", "y")),
                                                         ("sqrt(x) + exp(x*y) * z", ("x", "y", "z"), ("x", "y")),
                                                         ("1/x + x**4", ("x",), ("x",)),
                                                         ("(0.1*x + 0.2*y - 0.3)**2 * z", ("x", "y", "z"), ("z",))])
def test_noise_floors_from_cell_corners_are_the_whole_maps(text, variables, axes) -> None:
    """noise_floor_on_maps finds each point's floor from its grid cell's corners alone: the one the whole map, its
    other variables held at the point, gives (off the map, where f is undefined round it, and on a grid line too)."""
    compiled = compiled_of(text, variables)
    points = np.random.default_rng(7).uniform(-3.5, 3.5, (30, len(variables)))
    points[0, 0] = -1.0  # on a grid line of the first map's
    ranges = [((-1.0, 3.0), (-2.0, 2.0))[: len(axes)] if row % 2 else ((-4.0, 4.0), (-4.0, 4.0))[: len(axes)]
              for row in range(len(points))]
    floors = noise_floor_on_maps(compiled, points, axes, ranges, 101)
    assert np.count_nonzero(floors.gradient) >= 8, floors
    for point, its_ranges, value, gradient in zip(points, ranges, floors.value, floors.gradient, strict=True):
        held = {name: coordinate for name, coordinate in zip(variables, point, strict=True) if name not in axes}
        whole = evaluate_grid(compiled, Domain(axes, its_ranges, 101, held)).noise_floor_at(variables, point)
        assert (value, *gradient) == pytest.approx((whole.value, *whole.gradient), rel=1e-12, abs=0.0), point


def test_points_of_one_grid_cell_share_its_noise_floor_and_their_other_coordinates_still_count() -> None:
    """A run's slow steps stay in one cell for many frames: its floor is worked out once, and it is the cell's (the
    points' own held coordinates, a third variable's, are part of it)."""
    compiled = compiled_of("sqrt(x) + exp(x*y) * z", ("x", "y", "z"))
    field = evaluate_grid(compiled, Domain(("x", "y"), ((-1.0, 3.0), (-2.0, 2.0)), 101, {"z": 0.5}))
    variables = ("x", "y", "z")
    cell = [(1.2011, 0.6012, 0.5), (1.2035, 0.6031, 0.5), (1.2301, 0.6301, 0.5)]  # one cell: grid lines 0.04 apart
    first, second, third = (field.noise_floor_at(variables, point) for point in cell)
    assert first is second is third
    computed = noise_floor_on_maps(compiled, np.array(cell), ("x", "y"), [field.domain.ranges] * 3, 101)
    assert np.array_equal(computed.gradient, np.tile(first.gradient, (3, 1))) and first.value > 0.0
    elsewhere = field.noise_floor_at(variables, (1.2011, 0.6012, 40.0))
    assert elsewhere.gradient[2] == first.gradient[2] and elsewhere.gradient[1] > 10 * first.gradient[1]  # z·x·e^xy
    assert field.noise_floor_at(variables, (1.1999, 0.6012, 0.5)) is not first  # the cell to its left


def test_a_point_off_the_map_has_the_noise_floor_of_the_grid_continued_past_its_edge() -> None:
    """cos(x) + y at x = π on a map of ±3: ∂f/∂x computes as −1.2e−16, rounding, but off the map there was no floor
    and the probe and the gradient check showed it. Off the map the floor is that of the grid continued: what a map
    reaching the point, with the same grid lines, gives."""
    compiled = compiled_of("cos(x) + y")
    point = (np.pi, 1.0)
    off = evaluate_grid(compiled, square(3.0)).noise_floor_at(("x", "y"), point)
    reaching = Domain(("x", "y"), ((-3.0, 3.6), (-3.0, 3.0)), 221)  # the grid lines of square(3.0), 0.03 apart
    wider = evaluate_grid(compiled, reaching).noise_floor_at(("x", "y"), point)
    assert off.gradient == pytest.approx(wider.gradient, rel=1e-9)
    assert off.gradient[0] > 1e-14 and off.gradient[1] == pytest.approx(1e-12)  # |sin x| up to 0.02 round π; 1
    assert off.shown_gradient(compiled.value_and_gradient(np.array(point))[1].tolist()) == (0.0, 1.0)
    steps = evaluate_grid(compiled, square(3.0)).noise_floor_at(("y", "x"), [(1.0, 0.5), (1.0, np.pi), (np.nan, 0.0)])
    assert steps.gradient[1].tolist() == off.gradient.tolist() and np.all(steps.gradient[0] > 0.0)
    assert steps.gradient[2].tolist() == [0.0, 0.0]
