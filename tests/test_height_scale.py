"""Log heights and their tick labels map back to real f values."""

import numpy as np
import pytest

from gradviz.core.height_scale import HeightScale


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
    assert labels == ["0.007495", "0.1", "1", "10", "100"]  # not 0.1075, 1.007, 10.01, 100
    assert all(np.diff([height for height, _ in ticks]) > 0)
    for height, label in ticks:
        assert float(scale.inverse(height)) == pytest.approx(float(label))
