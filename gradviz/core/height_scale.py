"""How f values become drawn heights: as they are, or on a log scale with tick labels in real f values."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gradviz.core.grid import GridField, log_height
from gradviz.core.notation import MINUS, format_number, format_number_apart, format_numbers_apart

ROUND_VALUE_DIGITS = 6  # round ticks and levels need a digit or two; six write 20000 out, not as 2e+04
REFERENCE_DIGITS = 4  # the lowest log tick's, at most, unless its neighbours need more to tell it apart
SIGNED_SHARE = 0.5  # of the height above 0: an f at least this deep below it is measured from 0 (see height_scale_for)
TICK_CROWDING = 0.05  # of the drawn height: a log-scale tick closer than this above the one below is left out
BARE_SHARE = 0.4  # a stretch of the drawn height this large without a tick is filled with 2·10ᵏ and 5·10ᵏ ticks…
FILL_SEPARATION = 0.12  # …each at least this far from the others


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

        The lowest tick is the reference, written to a hundredth of the smallest round tick kept above it (a grid's
        lowest Rosenbrock value, 2.5e−05 under ticks 1, 10, 100…, reads 0; Himmelblau's 0.0072 reads 0.01, not an odd
        0.007 among 1, 10, 100 once 0.1 is left out); above it, one round value per power of ten
        of the distance from it (the reference plus 10ᵏ, rounded to a multiple of 10ᵏ: 10, not 10.0075). A tick
        drawn too close above the one below it is left out; where the ticks leave much of the height bare (a
        range reaching only a decade above its lowest value: the two-minima curve's −3.551 to 8.07), the
        reference plus 2·10ᵏ and 5·10ᵏ fill it (−3.55, −3, −2, 1). Values below the reference (a signed f, measured
        from 0) are ticked as the mirror image of those above it: −100, −10, −1, 0, 1, 10, 100.
        """
        if not self.log:
            return None
        low, high = value_range
        drawn_span = max(float(self.forward(high) - self.forward(max(low, self.reference))), 1e-300)
        if low >= self.reference:
            return sorted(self._ticks_above(low, high, count, drawn_span))
        drawn_span += float(self.forward(self.reference) - self.forward(low))
        mirrored = HeightScale(log=True, reference=-self.reference)._ticks_above(-high, -low, count, drawn_span)
        below = [(-height, _negated(label)) for height, label in mirrored if height > 0]
        return sorted([*below, *self._ticks_above(low, high, count, drawn_span)])

    def _ticks_above(self, low: float, high: float, count: int, drawn_span: float) -> list[tuple[float, str]]:
        """The ticks from the reference (if within the range) up to high, spaced for this drawn span (see ticks)."""
        span = max(high - self.reference, 0.0)
        if span <= 0:
            return [(0.0, format_number(self.reference, 3))]
        top = math.floor(math.log10(span))
        exponents = range(top - count + 2, top + 1)
        bottom, ceiling = (float(self.forward(value)) for value in (max(low, self.reference), high))
        ticks: list[tuple[float, float]] = []  # heights and the values they are labelled with
        has_reference = low - 1e-12 <= self.reference <= high + 1e-12
        if has_reference:  # its value, as written, once the ticks above it are known
            ticks.append((float(self.forward(self.reference)), self.reference))
        finest = exponents[-1]  # the power of ten of the smallest round tick kept
        for value, exponent in self._round_values(exponents, (1.0,), low, high):
            height = float(self.forward(value))
            if not ticks or height - ticks[-1][0] >= TICK_CROWDING * drawn_span:
                ticks.append((height, value))
                finest = min(finest, exponent)
        heights = [height for height, _ in ticks]
        if max(np.diff([bottom, *heights, ceiling]), default=0.0) > BARE_SHARE * (ceiling - bottom):
            for value, exponent in reversed(self._round_values(exponents, (2.0, 5.0), low, high)):
                height = float(self.forward(value))
                if all(abs(height - other) >= FILL_SEPARATION * drawn_span for other, _ in ticks):
                    ticks.append((height, value))
                    finest = min(finest, exponent)
        if has_reference:
            ticks[0] = (ticks[0][0], round(self.reference, 2 - finest) + 0.0)  # + 0.0: never "−0"
        values = [value for _, value in ticks]
        labels = format_numbers_apart(values, ROUND_VALUE_DIGITS)  # over f = 1000: 1000.0001 and 1000.0005, not 1000
        if has_reference:
            labels[0] = format_number_apart(values[0], values, REFERENCE_DIGITS)
        return [(height, label) for (height, _), label in zip(ticks, labels, strict=True)]

    def _round_values(self, exponents: range, multiples: tuple[float, ...], low: float,
                      high: float) -> list[tuple[float, int]]:
        """The reference plus m·10ᵏ for these k and m, rounded to multiples of 10ᵏ, within the range, ascending, each
        with its k (the smallest k of a value reached from several)."""
        values: dict[float, int] = {}
        for exponent in sorted(exponents, reverse=True):
            for multiple in multiples:
                values[round(self.reference + multiple * 10.0**exponent, -exponent) + 0.0] = exponent
        return sorted((value, exponent) for value, exponent in values.items()
                      if low - 1e-12 <= value <= high + 1e-12 and value > self.reference)


def _negated(label: str) -> str:
    """A value's label for minus the value: '10' → '−10', '−0.5' → '0.5', '0' stays."""
    if label == "0":
        return label
    return label[1:] if label.startswith(MINUS) else MINUS + label


def height_scale_for(field: GridField, log: bool) -> HeightScale:
    """The height scale for a field: log heights measured from the lowest value drawn, or from 0 for a signed f.

    The lowest value drawn is the field's lowest finite value, or where the drawn range stops above it: measured
    from a pole's −66 (1/x + y² on a 200² grid), every height the surface shows sat within a few per cent of the
    others. An f drawn as deep below 0 as high above it (at least SIGNED_SHARE as deep) is measured from 0, its
    values below it mirrored: from x² − y²'s −4 its 0 and 4 were squeezed together at the top, under labels
    −3.999, −3.995, −3.99, … An f that only dips below 0 is measured from its lowest value, where its minima are
    (the six-hump camel's −1.03 and −0.22 told apart, x² + y² − 1's pit not one colour).
    """
    if not log:
        return HeightScale()
    if field.lowest is None:
        return HeightScale(log=True)
    lowest, highest = max(field.lowest, field.display_range[0]), field.display_range[1]
    signed = lowest < 0.0 < highest and -lowest >= SIGNED_SHARE * highest
    return HeightScale(log=True, reference=0.0 if signed else lowest)
