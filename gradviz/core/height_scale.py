"""How f values become drawn heights: as they are, or on a log scale with tick labels in real f values."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gradviz.core.grid import GridField, log_height
from gradviz.core.notation import format_number

ROUND_VALUE_DIGITS = 6  # round ticks and levels need a digit or two; six write 20000 out, not as 2e+04


def round_step(least: float) -> float:
    """The smallest round step (1, 2, 2.5 or 5 × 10^k) at least this large, for ticks and ranges."""
    magnitude = 10.0 ** math.floor(math.log10(least))
    return next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= least * 0.999)


@dataclass(frozen=True)
class HeightScale:
    """A monotonic map from f values to drawn heights and back."""

    log: bool = False
    reference: float = 0.0

    def forward(self, values: np.ndarray | float) -> np.ndarray:
        """Drawn heights for f values."""
        values = np.asarray(values, dtype=float)
        return log_height(values, self.reference) if self.log else values

    def inverse(self, heights: np.ndarray | float) -> np.ndarray:
        """f values for drawn heights."""
        heights = np.asarray(heights, dtype=float)
        if not self.log:
            return heights
        with np.errstate(all="ignore"):
            return self.reference + np.sign(heights) * np.expm1(np.abs(heights))

    def slope(self, values: np.ndarray | float) -> np.ndarray:
        """d(height)/d(f) at f values: 1 as they are, 1 / (1 + |f − reference|) on the log scale."""
        values = np.asarray(values, dtype=float)
        return 1.0 / (1.0 + np.abs(values - self.reference)) if self.log else np.ones_like(values)

    def display_range(self, value_range: tuple[float, float]) -> tuple[float, float]:
        """The drawn height range for a range of f values."""
        low, high = self.forward(np.array(value_range, dtype=float))
        return float(low), float(high)

    def ticks(self, value_range: tuple[float, float], count: int = 5) -> list[tuple[float, str]] | None:
        """Height ticks labelled with real f values on the log scale (None: linear, the view picks its own).

        The lowest tick is the reference, written to a hundredth of the smallest round tick (a grid's lowest
        Rosenbrock value, 2.5e−05 under ticks 1, 10, 100…, reads 0); above it, one round value per power of ten
        of the distance from it (the reference plus 10ᵏ, rounded to a multiple of 10ᵏ: 10, not 10.0075).
        """
        if not self.log:
            return None
        low, high = value_range
        span = max(high - self.reference, 0.0)
        if span <= 0:
            return [(0.0, format_number(self.reference, 3))]
        top = math.floor(math.log10(span))
        exponents = range(top - count + 2, top + 1)
        ticks = []
        if low - 1e-12 <= self.reference <= high + 1e-12:
            shown = round(self.reference, 2 - exponents[0]) + 0.0  # + 0.0: never "−0"
            ticks.append((float(self.forward(self.reference)), format_number(shown, 4)))
        for exponent in exponents:
            value = round(self.reference + 10.0**exponent, -exponent)
            if low - 1e-12 <= value <= high + 1e-12:
                ticks.append((float(self.forward(value)), format_number(value, ROUND_VALUE_DIGITS)))
        return ticks


def height_scale_for(field: GridField, log: bool) -> HeightScale:
    """The height scale for a field: log heights measured from the lowest value drawn.

    That is the field's lowest finite value, or where the drawn range stops above it: measured from a pole's
    −66 (1/x + y² on a 200² grid), every height the surface shows sits within a few per cent of the others.
    """
    if not log:
        return HeightScale()
    if field.lowest is None:
        return HeightScale(log=True)
    return HeightScale(log=True, reference=max(field.lowest, field.display_range[0]))
