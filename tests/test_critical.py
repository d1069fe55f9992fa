"""Critical points found from the grid, made exact by Newton's method, and told apart."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest

from gradviz.core.analysis import analyze_in_process
from gradviz.core.critical import (
    KINKS_TOO_MANY,
    KINKS_TOO_SLOW,
    TOO_MANY,
    TOO_SLOW,
    CriticalPoints,
    critical_count,
    critical_points,
)
from gradviz.core.grid import Domain, evaluate_grid

# What is found, not how fast: the window's TIME_LIMIT is a tenth of a second, which a busy machine can overrun.
UNHURRIED = 30.0

def found(text: str, half_width: float = 3.0, resolution: int = 200, fixed: dict[str, float] | None = None,
          axes: tuple[str, ...] | None = None, time_limit: float = UNHURRIED) -> CriticalPoints:
    """The critical points of a formula over [-half_width, half_width] in each plotted variable, found unhurried."""
    analysis = analyze_in_process(text)
    axes = axes or analysis.formula.variables[:2]
    domain = Domain(axes, tuple((-half_width, half_width) for _ in axes), resolution, fixed or {})
    return critical_points(analysis.compiled, evaluate_grid(analysis.compiled, domain), time_limit)


def by_kind(critical: CriticalPoints) -> dict[str, list[tuple[float, ...]]]:
    """The points of each kind."""
    kinds: dict[str, list[tuple[float, ...]]] = {}
    for point in critical.points:
        kinds.setdefault(point.kind, []).append(point.point)
    return kinds


def test_himmelblau_has_four_minima_a_maximum_and_four_saddles() -> None:
    critical = found("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", 5.0)
    kinds = by_kind(critical)
    assert critical.complete and not critical.on_lines
    assert sorted(len(points) for points in kinds.values()) == [1, 4, 4]
    expected_minima = [(-3.779310, -3.283186), (-2.805118, 3.131312), (3.0, 2.0), (3.584428, -1.848126)]
    assert np.allclose(sorted(kinds["minimum"]), expected_minima, atol=1e-6)
    assert np.allclose(kinds["maximum"], [(-0.270845, -0.923039)], atol=1e-6)
    assert all(abs(point.value) < 1e-12 for point in critical.points if point.kind == "minimum")
    assert critical_count(critical) == "Marked 4 minima, a maximum and 4 saddle points: where ∇f = 0."


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("x^2 + y^2", "minimum"),
        ("-x^2 - 3y^2", "maximum"),
        ("x^2 - y^2", "saddle"),
        ("x^4 + y^4", "minimum"),  # the Hessian is zero there: f on a ring around the point tells
        ("x^3 - 3x y^2", "saddle"),  # the monkey saddle: three ways down
        ("x^2 y + x y^2", "saddle"),
        ("(y - x^2)(y - 2x^2)", "saddle"),  # Peano's: f < 0 only in a thin wedge the rings missed (a "minimum")
        ("-(y - x^2)(y - 2x^2)", "saddle"),
        ("x^4 + y^2", "minimum"),  # the floor along x rises: no wedge
        ("-x^4 - 3y^2", "maximum"),
    ],
)
def test_one_critical_point_at_the_origin_of_its_kind(text: str, kind: str) -> None:
    critical = found(text)
    assert [(point.kind, *np.round(point.point, 6)) for point in critical.points] == [(kind, 0.0, 0.0)]


def test_a_curve_has_minima_maxima_and_inflections() -> None:
    critical = found("x^4 - 3.4x^2 + 0.5x")
    roots = np.sort(np.roots([4.0, 0.0, -6.8, 0.5]).real)
    assert [point.kind for point in critical.points] == ["minimum", "maximum", "minimum"]
    assert np.allclose([point.point[0] for point in critical.points], roots, atol=1e-9)
    assert [point.kind for point in found("x^3").points] == ["inflection"]


def test_no_point_is_marked_where_there_is_none_or_a_whole_line_of_them() -> None:
    for text in ("x + 2y", "x^2 + 3y", "exp(x) + y^2", "abs(x) + y", "1/(x^2 + y^2)"):  # a kink's ∇f is never 0
        critical = found(text)
        assert (critical.points, critical.complete, critical.on_lines) == ((), True, False), text
    assert critical_count(found("x + 2y")) == "No critical points in the plotted ranges: ∇f = 0 nowhere here."
    for text in ("(5 - w1 - 2w2)^2", "x^2 (y^2 - 1)^2", "(x - y)^2"):  # valley floors: every point on a line
        critical = found(text)
        assert critical.on_lines and critical.points == (), text
    assert critical_count(found("(5 - w1 - 2w2)^2")).startswith("∇f = 0 along a whole line here")


@pytest.mark.parametrize(
    ("text", "half_width", "resolution", "kinds"),
    [
        ("x^6", 3.0, 200, ["minimum"]),
        ("x^6 + y^2", 3.0, 200, ["minimum"]),
        ("x^6 - y^2", 3.0, 200, ["saddle"]),
        ("x^8 + y^8", 3.0, 200, ["minimum"]),  # f changes too little a cell away to tell: a wider ring tells
        ("x^4 + y^4", 1.0, 1000, ["minimum"]),
        ("x^4 + y^2", 1.0, 1000, ["minimum"]),
        ("x^6", 3.0, 1000, ["minimum"]),
        ("x^12 + y^12", 3.0, 200, ["minimum"]),  # flat every way, far below the steep edges' tolerance: was a line
        ("x^20", 3.0, 200, ["minimum"]),  # f changes measurably only 64 cells away
        ("x^10 - y^12", 3.0, 200, ["saddle"]),
    ],
)
def test_a_flat_but_single_point_is_no_line(text: str, half_width: float, resolution: int, kinds: list[str]) -> None:
    """x⁶'s ∇f a grid cell from 0 is as small as along a valley floor: it was called a whole line of them."""
    critical = found(text, half_width, resolution, time_limit=30.0)  # a million grid points take a while
    assert [point.kind for point in critical.points] == kinds and not critical.on_lines, text
    assert np.all(np.array(critical.points[0].point) == 0.0), "Newton's slow approach is carried to its end"


@pytest.mark.parametrize(
    ("text", "fixed", "kinds"),
    [
        ("(x - y)^2", {}, []),  # a diagonal of tied guesses, more than are tried: it said "too many"
        ("x z + (y - 1)^2", {"z": 0.0}, []),  # with z held at 0 f does not change along x
        ("cos(x) + y^2 z", {"z": 0.0}, []),
        ("(x^2 + y^2 - 1)^2", {}, ["maximum"]),  # a circle of minima is a line too, and the maximum inside it
        ("sin(x^2 + y^2)", {}, ["minimum"]),
        ("x^4 y^4", {}, []),  # both axes: Newton's method from along one heads back to 0, as for any x^a·y^b
        ("x^4 y^2", {}, []),
        ("(y - x^2)^4", {}, []),  # a parabola of them, leaving the map at its top: it listed two made-up minima
    ],
)
def test_lines_of_critical_points_straight_or_curved_are_found_whole(text: str, fixed: dict, kinds: list[str]) -> None:
    # what is found is checked here, not the window's time budget: sin(x² + y²)'s rings take 60 ms of the 100, and
    # on a busy machine they ran past it ("finding them all takes too long here")
    critical = found(text, fixed=fixed, axes=("x", "y"), time_limit=30.0)
    assert critical.complete and critical.on_lines and [point.kind for point in critical.points] == kinds, text


@pytest.mark.parametrize("text", ["max(0, x)^2", "relu(x)", "relu(x - 1) + relu(-x - 1)"])
def test_a_flat_stretch_of_a_curve_is_no_single_minimum(text: str) -> None:
    """max(0, x)² is 0 all along x ≤ 0: it was "a minimum at x = −0.0150754", the grid point nearest the kink."""
    critical = found(text)
    assert critical.on_lines and critical.points == (), text
    assert critical_count(critical) == "∇f = 0 along a whole stretch here (f is flat there), not at single points."


@pytest.mark.parametrize("text", ["exp(exp(exp(x))) + y", "exp(1000x) + y", "exp(x^2 + y^2)^100"])
def test_a_gradient_too_large_to_square_is_no_guess_and_raises_no_warning(text: str) -> None:
    """|∇f|² past the largest float (warnings are errors here): none of these has a critical point."""
    assert found(text).points == ()


def test_a_field_that_does_not_change_says_nabla_f_is_zero_everywhere() -> None:
    """x·y·z with z held at 0 said "∇f = 0 nowhere here"."""
    for critical in (found("0*x + 0*y"), found("x*y*z", fixed={"z": 0.0}, axes=("x", "y"))):
        assert critical.everywhere and critical.points == ()
        assert critical_count(critical).startswith(("∇f = 0 everywhere here", "∂f/∂x = ∂f/∂y = 0 everywhere here"))
    assert not found("x*y*z", fixed={"z": 1.0}, axes=("x", "y")).everywhere


def test_where_f_is_undefined_everywhere_there_is_nothing_to_find() -> None:
    """ln(−1 − x²) said "∇f = 0 nowhere here", though its formal derivative 2x/(x² + 1) is 0 at x = 0."""
    for text in ("ln(-1 - x^2)", "log(x) + log(-x) + y"):
        critical = found(text)
        assert critical.undefined and critical.points == () and critical.complete, text
        assert critical_count(critical) == ("f is undefined everywhere in the plotted ranges: there are no critical "
                                             "points to find.")


def test_a_kink_where_the_slope_is_0_by_convention_is_no_critical_point() -> None:
    """max(x, y) listed 21 saddle points along its diagonal, where its derivatives are 0 by the kinks' convention."""
    for text in ("max(x, y)", "min(x, y)"):
        critical = found(text)
        assert critical.points == () and critical.complete and not critical.on_lines, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abs(x) + abs(y)", [("minimum", (0.0, 0.0), 0.0)]),  # its minimum, where ∇f jumps and is never 0
        ("-abs(x) - abs(y)", [("maximum", (0.0, 0.0), 0.0)]),
        ("abs(x) + y^2", [("minimum", (0.0, 0.0), 0.0)]),  # a kink one way, smooth the other
        ("max(abs(x), abs(y))", [("minimum", (0.0, 0.0), 0.0)]),  # creases along the diagonals
        ("abs(x - 1/3) + abs(y + 0.7)", [("minimum", (1 / 3, -0.7), 0.0)]),
        ("(5 - w1 - 2w2)^2 + 3(abs(w1) + abs(w2))", [("minimum", (0.0, 2.125), 6.9375)]),  # the L1 penalty's
        # creases not along the grid: beside them hundreds of grid points where f is a plane were tried as guesses
        # for ∇f = 0 ("too many here to find one by one")
        ("abs(x - 2y) + 3abs(x + y)", [("minimum", (0.0, 0.0), 0.0)]),
        ("-abs(x - 2y) - 3abs(x + y)", [("maximum", (0.0, 0.0), 0.0)]),
        ("max(x - 2y, 0.5y - x, 0.3x + y + 1)", [("minimum", (-10 / 17, -8 / 17), 6 / 17)]),
    ],
)
def test_a_minimum_or_maximum_at_a_kink_is_marked_as_one(text: str, expected: list) -> None:
    """abs(x) + abs(y) marked nothing: the grid's points beside its minimum have |∇f| = √2, none near 0."""
    critical = found(text)
    assert [(point.kind, point.kink) for point in critical.points] == [(kind, True) for kind, _, _ in expected]
    for point, (_, at, value) in zip(critical.points, expected, strict=True):
        assert np.allclose(point.point, at, atol=1e-7) and point.value == pytest.approx(value, abs=1e-7)
    assert critical_count(critical).endswith(": at a kink of f, where ∇f is undefined.")


def test_kinks_that_are_no_extremum_are_not_marked_and_smooth_points_say_where_nabla_f_is_0() -> None:
    for text in ("abs(x) + y", "max(x, y)", "relu(x) + y^2"):  # a sloping crease, a crease, a flat half
        assert found(text).points == (), text
    critical = found("abs(x^2 - 1)")
    assert [(point.kind, point.kink) for point in critical.points] == [("minimum", True), ("maximum", False),
                                                                        ("minimum", True)]
    assert critical_count(critical) == ("Marked 2 minima and a maximum: where ∇f = 0, or (2 of them) at kinks of f, "
                                        "where ∇f is undefined.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abs(x) - abs(y)", [("saddle", (0.0, 0.0), 0.0)]),  # where the kinks x = 0 and y = 0 cross
        ("abs(x + y) - abs(x - y)", [("saddle", (0.0, 0.0), 0.0)]),  # kinks along the diagonals
        ("abs(x - 1) - abs(y + 0.5)", [("saddle", (1.0, -0.5), 0.0)]),
        ("abs(x) - y^2", [("saddle", (0.0, 0.0), 0.0)]),  # one kink: a minimum across it, a maximum along it
        ("x^2 - abs(y)", [("saddle", (0.0, 0.0), 0.0)]),  # rising along the kink only: in no ring's way
        ("abs(x) - abs(y) + 0.3x", [("saddle", (0.0, 0.0), 0.0)]),  # tilted: still no way out of the saddle
    ],
)
def test_a_saddle_at_a_kink_is_marked_as_one(text: str, expected: list) -> None:
    """abs(x) − abs(y) marked nothing at 0, where f rises along x and falls along y: ∇f is undefined there."""
    critical = found(text)
    assert [(point.kind, point.kink) for point in critical.points] == [(kind, True) for kind, _, _ in expected]
    for point, (_, at, value) in zip(critical.points, expected, strict=True):
        assert np.allclose(point.point, at, atol=1e-9) and point.value == pytest.approx(value, abs=1e-9)
    assert critical_count(critical) == "Marked a saddle point: at a kink of f, where ∇f is undefined."


def test_saddles_at_kinks_beside_smooth_points_and_none_along_a_crease() -> None:
    critical = found("abs(x^2 - 1) - y^2")  # saddles at the kinks x = ±1, a smooth maximum between them
    assert [(point.kind, point.kink, point.point) for point in critical.points] == [
        ("saddle", True, (-1.0, 0.0)), ("maximum", False, (0.0, 0.0)), ("saddle", True, (1.0, 0.0))]
    for text in ("max(x, y)", "min(x, y)", "max(x, y) + min(y, x)", "abs(x) + 0.5y"):  # creases f slopes along
        assert found(text).points == (), text


NOT_LOOKED_FOR = " Minima, maxima and saddles at kinks of f, where ∇f is undefined, were not looked for: "


def test_kinks_not_looked_at_are_said_to_be_where_f_has_kinks() -> None:
    """The count said "∇f = 0 nowhere here" of abs(x - y), whose crease is a line of minima, and no more."""
    critical = found("abs(x - y)")  # a grid point beside every point of the crease is lowest: too many to try
    assert (critical.points, critical.complete, critical.kinks_left_out) == ((), True, KINKS_TOO_MANY)
    assert critical_count(critical) == ("No critical points in the plotted ranges: ∇f = 0 nowhere here."
                                        f"{NOT_LOOKED_FOR}too many places to try.")
    critical = found("abs(sin(3x)) + abs(sin(3y))")  # 36 smooth maxima; minima at 25 kinks
    assert critical_count(critical) == f"Marked 36 maxima: where ∇f = 0.{NOT_LOOKED_FOR}too many places to try."
    critical = found("abs(x) + abs(y)", time_limit=0.0)  # no guess for ∇f = 0; the kink's search is out of time
    assert (critical.points, critical.kinks_left_out) == ((), KINKS_TOO_SLOW)
    assert critical_count(critical).endswith(f"{NOT_LOOKED_FOR}trying every place takes too long here.")
    rosenbrock = found("(1 - x)^2 + 100(y - x^2)^2")  # smooth: its valley's many lowest grid points say nothing
    assert rosenbrock.kinks_left_out == "" and critical_count(rosenbrock) == "Marked a minimum: where ∇f = 0."


def test_kinks_not_looked_at_on_a_curve_are_not_said_to_hide_saddles() -> None:
    """A curve has no saddles, yet the count of abs(sin(10x)) said saddles at its kinks were not looked for."""
    critical = found("abs(sin(10x))")  # 20 smooth maxima; minima at 19 kinks, too many to try
    assert critical.kinks_left_out == KINKS_TOO_MANY
    assert critical_count(critical) == ("Marked 20 maxima: where ∇f = 0. Minima and maxima at kinks of f, where ∇f is "
                                        "undefined, were not looked for: too many places to try.")


def test_held_variables_stay_at_their_values() -> None:
    critical = found("(x - z)^2 + (y + 2z)^2 + z", fixed={"z": 0.5}, axes=("x", "y"))
    assert [(point.kind, *np.round(point.point, 9), point.value) for point in critical.points] == [
        ("minimum", 0.5, -1.0, 0.5)]


def test_points_in_a_rim_bounded_domain_and_past_the_ranges() -> None:
    assert [point.kind for point in found("sqrt(1 - x^2 - y^2)", 1.2).points] == ["maximum"]
    assert found("(x - 5)^2 + y^2").points == ()  # the minimum is outside the ranges


@pytest.mark.parametrize(("text", "point"), [("(x - 3)^2 + y^2", (3.0, 0.0)), ("(x - 3)^2 + (y + 3)^2", (3.0, -3.0)),
                                             ("(x + 3)^2", (-3.0,)), ("(x - 3)^2 + (y - 0.01)^2", (3.0, 0.01))])
def test_a_minimum_on_the_ranges_edge_or_corner_is_found(text: str, point: tuple[float, ...]) -> None:
    critical = found(text)
    assert [point.kind for point in critical.points] == ["minimum"]
    assert np.allclose(critical.points[0].point, point, atol=1e-9)


def test_a_field_of_many_is_not_complete_and_a_regular_one_is_found_whole() -> None:
    assert not found("sin(10x) sin(10y)").complete
    regular = found("sin(3x) sin(3y)")
    kinds = by_kind(regular)
    assert regular.complete
    assert (len(kinds["minimum"]), len(kinds["maximum"]), len(kinds["saddle"])) == (18, 18, 25)


def test_a_search_past_its_time_limit_says_so() -> None:
    analysis = analyze_in_process("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    field = evaluate_grid(analysis.compiled, Domain(("x", "y"), ((-5.0, 5.0), (-5.0, 5.0)), 200))
    hurried = critical_points(analysis.compiled, field, time_limit=0.0)
    assert (hurried.complete, hurried.left_out, hurried.points) == (False, TOO_SLOW, ())
    assert found("sin(10x) sin(10y)").left_out == TOO_MANY


def test_time_the_search_spends_waiting_for_the_machine_is_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit counts the search's own work: on a machine busy with other programs Himmelblau's points went unmarked
    ("finding them all takes too long here") where the same search takes a tenth of the limit."""
    import time

    import gradviz.core.critical as critical_module

    newton = critical_module._newton

    def newton_on_a_busy_machine(*args: object) -> object:
        time.sleep(0.02)  # the thread waits its turn: 9 points, 3 × the limit in all
        return newton(*args)

    monkeypatch.setattr(critical_module, "_newton", newton_on_a_busy_machine)
    analysis = analyze_in_process("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    field = evaluate_grid(analysis.compiled, Domain(("x", "y"), ((-5.0, 5.0), (-5.0, 5.0)), 200))
    critical = critical_points(analysis.compiled, field, time_limit=0.1)
    assert critical.complete and len(critical.points) == 9


def test_with_a_variable_held_the_points_are_named_as_the_slices() -> None:
    """'Marked a minimum: where ∇f = 0' at (0, 0) with z held at 1, where ∇f = (0, 0, 6)."""
    analysis = analyze_in_process("x^2 + y^2 + 3z^2")
    domain = Domain(variables=("x", "y"), ranges=((-3.0, 3.0), (-3.0, 3.0)), resolution=100, fixed={"z": 1.0})
    critical = critical_points(analysis.compiled, evaluate_grid(analysis.compiled, domain), UNHURRIED)
    assert critical_count(critical) == "Marked a minimum of the slice z = 1: where ∂f/∂x = ∂f/∂y = 0."
    weights = analyze_in_process("w1^2 + w2^2 + 3w3^2", ("w1", "w2", "w3"))  # named as the axes: not 'w3 = 1'
    on_weights = replace(domain, variables=("w1", "w2"), fixed={"w3": 1.0})
    critical = critical_points(weights.compiled, evaluate_grid(weights.compiled, on_weights), UNHURRIED)
    assert critical_count(critical) == "Marked a minimum of the slice w₃ = 1: where ∂f/∂w₁ = ∂f/∂w₂ = 0."
    flat = analyze_in_process("x*y*z")
    domain = replace(domain, fixed={"z": 0.0})
    critical = critical_points(flat.compiled, evaluate_grid(flat.compiled, domain), UNHURRIED)
    assert critical_count(critical).startswith("∂f/∂x = ∂f/∂y = 0 everywhere here")


def test_rounding_noise_about_zero_is_taken_off_coordinates_and_values() -> None:
    himmelblau = found("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", 5.0)
    assert [point.value for point in himmelblau.points if point.kind == "minimum"] == [0.0] * 4  # was 7.9e−31
    waves = found("sin(3x) cos(2y) + x^2/5", 5.0)
    on_the_x_axis = [point for point in waves.points if abs(point.point[1]) < 1e-6]
    assert on_the_x_axis and all(point.point[1] == 0.0 for point in on_the_x_axis)  # was −4.7e−38
    kink = found("abs(x - 1/3) + abs(y + 0.5)").points
    assert [point.value for point in kink] == [0.0]  # was 4.7e−14
    tiny_bowl = found("1e-12(x^2 + y^2) + 1e-11").points  # a small f that is not noise stays as it is
    assert [(point.point, point.value) for point in tiny_bowl] == [((0.0, 0.0), pytest.approx(1e-11, rel=1e-9))]


def test_garbage_collections_during_the_search_are_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full collection of a long session's heap took 0.4 s at times: counted, it left Himmelblau's points unmarked
    near the end of a test run ("finding them all takes too long here")."""
    import gc

    import gradviz.core.critical as critical_module

    analysis = analyze_in_process("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    field = evaluate_grid(analysis.compiled, Domain(("x", "y"), ((-5.0, 5.0), (-5.0, 5.0)), 200))
    started = time.thread_time()
    assert len(critical_points(analysis.compiled, field, UNHURRIED).points) == 9
    limit = 3 * (time.thread_time() - started)  # the search's own work fits three times over
    heap = [{"value": [index]} for index in range(600_000)]  # a long session's objects, for a collection to walk
    newton = critical_module._newton
    collections: list[float] = []

    def newton_with_a_collection(*args: object) -> object:
        if not collections:
            started = time.thread_time()
            gc.collect()
            collections.append(time.thread_time() - started)
        return newton(*args)

    monkeypatch.setattr(critical_module, "_newton", newton_with_a_collection)
    with critical_module.SearchClock(limit) as clock:
        critical = critical_module._search(analysis.compiled, field, clock)
    assert len(heap) == 600_000 and collections[0] > limit  # counted, the collection alone would end the search
    assert clock.collection_seconds >= 0.9 * collections[0]
    assert critical.complete and len(critical.points) == 9
    assert clock._count_collection not in gc.callbacks  # the clock stops counting with its block
