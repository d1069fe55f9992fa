"""Log heights and their tick labels map back to real f values."""

import numpy as np
import pytest

from gradviz.core.analysis import analyze_in_process
from gradviz.core.grid import Domain, evaluate_grid
from gradviz.core.height_scale import HeightScale, height_scale_for


def test_linear_scale_is_identity_and_leaves_ticks_to_the_view() -> None:
    scale = HeightScale()
    values = np.array([-2.0, 0.0, 5.0])
    assert np.array_equal(scale.forward(values), values)
    assert scale.ticks((-2.0, 5.0)) is None


def test_log_scale_round_trips_and_is_monotonic() -> None:
    scale = HeightScale(log=True, reference=-3.0)
    values = np.linspace(-3.0, 1e6, 1001)
    heights = scale.forward(values)
    assert np.all(np.diff(heights) > 0)
    assert np.allclose(scale.inverse(heights), values, rtol=1e-12, atol=1e-9)


def test_log_ticks_are_labelled_with_real_values() -> None:
    scale = HeightScale(log=True, reference=0.0)
    ticks = scale.ticks((0.0, 2500.0))
    labels = [label for _, label in ticks]
    assert labels == ["0", "1", "10", "100", "1000"]
    for height, label in ticks:
        assert float(scale.inverse(height)) == pytest.approx(float(label))


def test_log_ticks_above_a_lowest_value_that_is_not_round_are_round() -> None:
    scale = HeightScale(log=True, reference=0.007495)
    ticks = scale.ticks((0.007495, 300.0))
    labels = [label for _, label in ticks]
    assert labels == ["0.01", "1", "10", "100"]  # not 1.007, 10.01, 100; nor 0.007495
    # (0.1 would be drawn a sixtieth of the height above 0.007: the two labels would overlap; left out, the lowest is
    # written to a hundredth of 1, the smallest tick kept, not to a hundredth of 0.1, which read an odd 0.007)
    assert all(np.diff([height for height, _ in ticks]) > 0)
    for height, label in ticks[1:]:
        assert float(scale.inverse(height)) == pytest.approx(float(label))


def test_the_lowest_log_tick_is_written_to_the_precision_of_the_ticks_above_it() -> None:
    """A grid's lowest Rosenbrock value, 2.532e−05, under ticks 1, 10, 100, 1000: written as 0."""
    labels = [label for _, label in HeightScale(log=True, reference=2.532e-05).ticks((2.532e-05, 2509.0))]
    assert labels == ["0", "1", "10", "100", "1000"]
    labels = [label for _, label in HeightScale(log=True, reference=-3.4567).ticks((-3.4567, 50.0))]
    assert labels[0] == "−3.46"  # under −2, 2, 10…


def test_log_ticks_over_a_large_lowest_value_read_apart() -> None:
    """f from 1000 to 1000.001 (x² + y² + 1000 near 0): every tick read 1000."""
    ticks = HeightScale(log=True, reference=1000.0).ticks((1000.0, 1000.001))
    assert [label for _, label in ticks] == ["1000", "1000.0001", "1000.0005"]
    labels = [label for _, label in HeightScale(log=True, reference=1e7).ticks((1e7, 1e7 + 1.0))]
    assert len(set(labels)) == len(labels) and labels[0] == "10000000", labels


def test_log_heights_of_a_pole_are_measured_from_the_drawn_range() -> None:
    """1/x + y² reaches −66 beside its pole: measured from there, the drawn surface had no labelled height."""
    compiled = analyze_in_process("1/x + y^2 + 10").compiled
    field = evaluate_grid(compiled, Domain(("x", "y"), ((-3.0, 3.0), (-3.0, 3.0)), 200))
    low, high = field.display_range
    assert field.lowest < low - 50 and low > 0
    scale = height_scale_for(field, log=True)
    assert scale.reference == low
    ticks = scale.ticks(field.display_range)
    assert len(ticks) >= 3 and all(scale.display_range((low, high))[0] <= height for height, _ in ticks)
    bowl = evaluate_grid(analyze_in_process("x^2 + y^2").compiled, field.domain)
    assert height_scale_for(bowl, log=True).reference == bowl.lowest, "a field without a pole: its lowest value"


@pytest.mark.parametrize("text", ["x^2 - y^2", "30 x y", "1/x + y^2", "x^4 - 3.4x^2 + 0.5x"])
def test_log_heights_of_a_signed_f_are_measured_from_zero_and_labelled_both_ways(text: str) -> None:
    """x² − y² was measured from its −4: its ticks read −4, −3.5, −3, −2, 1, all below its middle, none near 4."""
    compiled = analyze_in_process(text).compiled
    field = evaluate_grid(compiled, Domain(compiled.variables, ((-2.0, 2.0),) * len(compiled.variables), 100))
    low, high = field.display_range
    scale = height_scale_for(field, log=True)
    assert low < 0 < high and scale.reference == 0
    ticks = scale.ticks(field.display_range)
    values = [float(label.replace("−", "-")) for _, label in ticks]
    assert 0 in values and min(values) < 0 < max(values)
    assert all(float(f"{value:.1g}") == value for value in values)  # round values: 5, not −3.995
    for height, label in ticks:  # each where its value is drawn, the drawn heights in order
        assert float(scale.inverse(height)) == pytest.approx(float(label.replace("−", "-")))
    assert np.all(np.diff([height for height, _ in ticks]) > 0)
    below, above = (scale.display_range(field.display_range)[index] for index in (0, 1))
    assert below <= ticks[0][0] and ticks[-1][0] <= above


@pytest.mark.parametrize(("text", "ranges"), [
    ("(4 - 2.1x^2 + x^4/3) x^2 + x y + (-4 + 4y^2) y^2", ((-2.0, 2.0), (-1.0, 1.0))),  # the six-hump camel
    ("x^2 + y^2 - 1", ((-3.0, 3.0), (-3.0, 3.0))),
])
def test_log_heights_of_an_f_that_only_dips_below_zero_are_measured_from_its_lowest_value(text, ranges) -> None:
    """Measured from 0, the camel's minima −1.03 and −0.22 were one purple, and x² + y² − 1's pit one colour."""
    compiled = analyze_in_process(text).compiled
    field = evaluate_grid(compiled, Domain(compiled.variables, ranges, 100))
    scale = height_scale_for(field, log=True)
    assert field.lowest < 0 and scale.reference == field.lowest
    lowest_tick = scale.ticks(field.display_range)[0][1]
    assert float(lowest_tick.replace("−", "-")) == pytest.approx(field.lowest, abs=0.01)


def test_signed_log_ticks_mirror_each_other() -> None:
    scale = HeightScale(log=True, reference=0.0)
    assert [label for _, label in scale.ticks((-100.0, 100.0))] == ["−100", "−10", "−1", "0", "1", "10", "100"]
    assert [label for _, label in scale.ticks((-4.0, 4.0))] == ["−2", "−1", "0", "1", "2"]
    assert [label for _, label in scale.ticks((-10.0, 2500.0))] == ["−10", "−1", "0", "1", "10", "100", "1000"]


def test_log_ticks_leave_no_tick_on_another_and_fill_a_range_only_a_decade_high() -> None:
    """The two-minima curve in log height: its axis read −3.551, −3.54, −3.5, −3, all at the bottom."""
    scale = HeightScale(log=True, reference=-3.550850007123626)
    ticks = scale.ticks((-3.550850007123626, 8.0696))
    assert [label for _, label in ticks] == ["−3.55", "−3", "−2", "1"]
    heights = [height for height, _ in ticks]
    top = float(scale.forward(8.0696))
    assert min(np.diff(heights)) >= 0.12 * top and top - heights[-1] < 0.4 * top
