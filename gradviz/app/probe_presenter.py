"""The partial derivatives at the probe point, drawn as the tutorials draw them, on both views.

On the 3D surface: the two slices through the point — f along the first axis with the second held,
and the other way round — each with its tangent line, whose slope is that partial derivative, and
optionally the tangent plane. On the contour panel: the ∂f/∂x arrow (horizontal), the ∂f/∂y arrow
(vertical) and their vector sum ∇f, drawn from the point at one common scale with dashed lines
completing the rectangle, at right angles to the highlighted level line through the point. Over one
variable: the tangent of the curve at the point and its slope.

Log height: the drawn surface is g(f) with g(v) = sign(v − r)·log(1 + |v − r|), so its slices are
g(f(x, y₀)), whose tangents have slope g'(f₀)·∂f/∂x in drawn units. The lines drawn are these tangents
of the drawn curves (they touch what is drawn, and their sign and their steepness relative to each
other are the partials'); the labels keep the real ∂f/∂x and ∂f/∂y, and a note says so. The tangent
plane is likewise the drawn surface's. The contour panel's arrows are ∇f itself in either scale.

The views only draw: this module computes every point, segment and label from the core probe.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping
from dataclasses import replace

import contourpy
import numpy as np
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from gradviz.app.actions import ActionFactory
from gradviz.app.colormaps import GRADIENT_COLOUR, LEVEL_COLOUR, PARTIAL_COLOURS, RgbaColour
from gradviz.app.contour_view import ContourView, contour_heights
from gradviz.app.presentation import remember
from gradviz.app.probe_panel import current_probe_point, run_point
from gradviz.app.settings import app_settings
from gradviz.app.surface_view import SurfaceView
from gradviz.app.view_common import (
    ContourProbeOverlay,
    LegendRow,
    OverlayArrow,
    OverlayGuide,
    SliceLine,
    SurfaceProbeOverlay,
    joined_by_gaps,
)
from gradviz.core.compiled import CompiledFormula
from gradviz.core.descent import RunSettings, converged_kind
from gradviz.core.grid import GridField, broken_curve, contourable
from gradviz.core.height_scale import HeightScale, height_scale_for
from gradviz.core.notation import (
    format_number,
    format_value,
    format_values,
    gradient_label,
    partial_label,
    terms_kept_whole,
    unicode_name,
)
from gradviz.core.probe import Probe, SliceCurve, contour_tangent_direction, probe_at, slice_curves, tangent_plane
from gradviz.core.session import Session

PARTIALS_SHORTCUT = "G"  # P is the probe panel's "probe under the mouse"
PLANE_SHORTCUT = "Shift+G"
ASPECT_SHORTCUT = "E"
PARTIALS_KEY = "view/partials"
PLANE_KEY = "view/tangent_plane"
ASPECT_KEY = "view/equal_aspect"
SURFACE_TANGENT_SHARE = 0.28  # a tangent's half-length, as a share of the axis range (or height range if steeper)
CURVE_TANGENT_SHARE = 0.16
PLANE_SHARE = 0.2  # the tangent plane's half-width, as a share of each axis range
ARROW_SHARE = 0.38  # the longest gradient arrow, as a share of the shorter axis range (see arrows_full_at)
GENTLEST_FULL_SHARE = 0.1  # the |∇f| drawn full length is at least this share of the field's median (arrows_full_at)
ARROW_FLOOR = 0.25  # the ∇f arrow is never shorter than this share of its full length…
FLOOR_FADES_BELOW = 1e-3  # …while |∇f| is at least this share of the |∇f| drawn full length; below, the floor shrinks
NEGLIGIBLE_GRADIENT = 1e-7  # |∇f| below this share of the reference has no arrows: ∇f ≈ 0 here (a run converged)
CONVERGED_BELOW = RunSettings.tolerance  # nor below the |∇f| at which runs stop as converged
ARROW_ROOM_FILL = 0.85  # arrows reach at most this share of the way to the edge of the ranges
CRAMPED_NOTE = "arrows cut short by the edge of the map (the tags give their values)"
CRAMPED_NOTE_SHORT = "cut short by the edge"
FADED_NOTE = "{} = ({}), too short to draw at the map's scale"
NEWTON_STEPS = 2
TAG_DIGITS = 4  # of the partials on the arrows' tags, kept short over the map (its legend gives format_value's)
ASPECT_NOTE = "{} and {} drawn at different scales: the right angle looks skewed"
ASPECT_NOTE_SHORT = "scales differ"
ASPECT_KEY_HINT = " ({}: equal aspect)"  # in the window only: a picture for slides has no keys
LOG_NOTE = "Log height: the lines touch the drawn curves; the labels give their slopes in {}"
PLANE_SWATCH: RgbaColour = (0.9, 0.9, 0.94, 1.0)


# ----- geometry -------------------------------------------------------------------------------------------
def tangent_segment(x0: float, h0: float, slope: float, x_span: float, h_span: float, share: float) -> np.ndarray:
    """The ends (2, 2) of the tangent h0 + slope·(x − x0), as long as `share` of a box of these spans.

    The half-length t makes (t/x_span, slope·t/h_span) a vector of length `share`, so gentle and steep
    tangents look alike in length; the ends are ordered by x.
    """
    half = share / math.hypot(1.0 / x_span, slope / h_span) if h_span > 0 else share * x_span
    return np.array([[x0 - half, h0 - slope * half], [x0 + half, h0 + slope * half]])


def with_point(curve: SliceCurve) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A slice's coordinates, values and jumps with the point itself among them (so the curve passes through it).

    In a gap with a jump, the point's value lies on one side of it: the jump stays on the other.
    """
    index = int(np.searchsorted(curve.coordinates, curve.x0))
    coordinates = np.insert(curve.coordinates, index, curve.x0)
    values = np.insert(curve.values, index, curve.f0)
    jumps = np.insert(curve.jumps, min(index, len(curve.jumps)), False)
    if 0 < index < len(curve.coordinates) and curve.jumps[index - 1]:
        towards_before = abs(curve.f0 - values[index - 1]) > abs(values[index + 1] - curve.f0)
        jumps[index - 1], jumps[index] = towards_before, not towards_before
    return coordinates, values, jumps


def arrow_scale(gradient: tuple[float, float], full_at: float, reference: float, point: tuple[float, float],
                ranges: tuple[tuple[float, float], tuple[float, float]], within: bool = True) -> float:
    """Data units per unit of ∇f, one scale for all three arrows so the components add up to ∇f.

    The arrows' lengths are in proportion to |∇f| at one scale for the whole field, so a step's arrows compare
    with another's: the ∇f arrow is ARROW_SHARE of the shorter axis range long where |∇f| is full_at (run 1's
    start's: see arrows_full_at), and no longer where |∇f| is larger, so the steep rim of a map does not stretch its
    arrows off it. Down to ARROW_FLOOR of that length they shrink with |∇f|; shorter, they would vanish while a
    run still crawls along a valley (Rosenbrock's at step 60, |∇f| a hundredth of the start's, had no arrows to
    say which way ∇f points across it), so they keep that length until |∇f| falls below FLOOR_FADES_BELOW of
    full_at. Then they fade away as the run closes in on a critical point (the view leaves out those too short to
    draw, and there are none at all below NEGLIGIBLE_GRADIENT: see negligible_gradient). The arrows are shortened
    to stay inside the ranges (a point on their edge, pointing out, gets none: see edge_cut) unless within is False;
    from a point outside them they are not.
    """
    norm = math.hypot(*gradient)
    if norm == 0.0 or negligible_gradient(norm, reference):
        return 0.0
    spans = [high - low for low, high in ranges]
    fraction = min(norm / full_at, 1.0) if full_at > 0 else 1.0
    fraction = max(fraction, ARROW_FLOOR * min(fraction / FLOOR_FADES_BELOW, 1.0))
    scale = ARROW_SHARE * min(spans) * fraction / norm
    if not within:
        return scale
    for component, start, (low, high) in zip(gradient, point, ranges, strict=True):
        room = high - start if component > 0 else start - low
        if component != 0.0 and low <= start <= high:
            scale = min(scale, ARROW_ROOM_FILL * room / abs(component))
    return scale


def arrows_full_at(field: GridField, start_gradient: float | None) -> float:
    """The |∇f| whose arrow is drawn full length: that at run 1's start, so a run's arrows start long and shrink in
    proportion as it arrives, within GENTLEST_FULL_SHARE to 1 times the field's median |∇f|.

    At the median alone, Beale's start (|∇f| = 99 against a median of 1286) had arrows hidden under its ball, their
    tags beside nothing; a start steeper than most of the map does not shorten every other point's arrows, nor one
    on a flat floor stretch them.
    """
    typical = field.gradient_typical
    if start_gradient is None or not math.isfinite(start_gradient) or start_gradient <= 0.0:
        return typical
    return min(typical, max(start_gradient, GENTLEST_FULL_SHARE * typical))


def edge_cut(gradient: tuple[float, float], scale: float, point: tuple[float, float],
             ranges: tuple[tuple[float, float], tuple[float, float]], field: GridField, full_at: float) -> bool:
    """Whether the edge of the ranges cut the ∇f arrow shorter (a point near it, ∇f pointing out).

    Whether it is then too short to read depends on the pixels it is drawn in: the view decides (see
    ContourProbeOverlay.edge_note).
    """
    reference = field.gradient_reference
    if negligible_gradient(math.hypot(*gradient), reference):
        return False
    return scale < 0.999 * arrow_scale(gradient, full_at, reference, point, ranges, within=False)


def negligible_gradient(norm: float, reference: float) -> bool:
    """Whether |∇f| is too small to point any way worth drawing (zero included).

    Too small beside the field's reference, or below the |∇f| at which a run stops as converged (x² − y²'s
    saddle, where a run stopped with |∇f| = 9e−07, a fifth of a millionth of the field's reference).
    """
    return norm < max(NEGLIGIBLE_GRADIENT * reference, CONVERGED_BELOW)


_CONTOUR_GENERATORS: weakref.WeakKeyDictionary[GridField, contourpy.ContourGenerator] = weakref.WeakKeyDictionary()


def contour_generator(field: GridField) -> contourpy.ContourGenerator:
    """A contour generator for the field's heights, built once per field (the probe asks for a level each step).

    Heights beside a pole or a jump are left out, as the map leaves them out of its level lines: there every level
    f leaps past would run along the pole or the jump (atan(y/x)'s level lines along x = 0).
    """
    generator = _CONTOUR_GENERATORS.get(field)
    if generator is None:
        heights = contourable(field.values, *field.display_range, field.jumps)
        generator = contourpy.contour_generator(field.xs, field.ys, contour_heights(heights),
                                                line_type=contourpy.LineType.Separate)
        _CONTOUR_GENERATORS[field] = generator
    return generator


def level_line(compiled: CompiledFormula, probe: Probe, field: GridField, crossing: bool = False) -> np.ndarray:
    """The level line of f through the probe point: (n, 2), empty if there is none on the grid.

    The piece of the level f(point) traced on the field's grid nearest the point, each vertex then moved
    onto the level set by Newton steps along ∇f (at most a grid cell each), so it passes through the
    point and runs at right angles to ∇f there, however coarse the grid. Where ∇f is zero at the point
    (crossing), the level set may cross itself there (a saddle's ✕, traced as pieces meeting at the point):
    every piece passing within two cells is kept, the pieces apart by rows of NaN.
    """
    x0, y0 = probe.plane_point
    lines = [line for line in contour_generator(field).lines(probe.value) if len(line) > 1]
    if not lines:
        return np.zeros((0, 2))
    cell = math.hypot(field.xs[1] - field.xs[0], field.ys[1] - field.ys[0])
    # each piece's nearest vertex, for all pieces at once (sin 100x · cos 100y's level has thousands of them)
    starts = np.cumsum([0, *(len(piece) for piece in lines[:-1])])
    vertices = np.concatenate(lines)
    distances = np.minimum.reduceat(np.hypot(vertices[:, 0] - x0, vertices[:, 1] - y0), starts)
    # Where the level set is thinner than a grid cell (the tip of a narrow valley) the grid also traces
    # scraps of it beside the point: of the pieces passing within two cells, the longest is the level line.
    near = [piece for piece, distance in zip(lines, distances, strict=True) if distance <= 2.0 * cell]
    if crossing and len(near) > 1:
        line = joined_by_gaps(near)
    else:
        line = max(near, key=len) if near else lines[int(np.argmin(distances))]
    indices = [compiled.variables.index(name) for name in probe.axes]
    for _ in range(NEWTON_STEPS):
        inputs: list[np.ndarray | float] = [probe.point[name] for name in compiled.variables]
        inputs[indices[0]], inputs[indices[1]] = line[:, 0], line[:, 1]
        values, gradient = compiled.evaluate(inputs)
        plane = np.column_stack([gradient[indices[0]], gradient[indices[1]]])
        squared = np.sum(plane**2, axis=1)
        with np.errstate(all="ignore"):
            step = ((values - probe.value) / squared)[:, None] * plane
            shrink = np.minimum(1.0, cell / np.hypot(step[:, 0], step[:, 1]))
        usable = np.isfinite(step).all(axis=1) & (squared > 0)
        line = line - np.where(usable[:, None], step * shrink[:, None], 0.0)
    return line


# ----- overlays -------------------------------------------------------------------------------------------
def value_row(probe: Probe, name: str) -> LegendRow:
    """'f(1, 2) = 11': f at the point, every variable's value given ('f = 11' where there is little room)."""
    value = format_value(probe.value)
    return LegendRow(f"{name}({format_values(probe.point[variable] for variable in probe.variables)}) = {value}",
                     short=f"{name} = {value}")


def offset_text(variable: str, value: float) -> str:
    """'(x − 1)', '(x + 1.5)' or 'x': a variable minus a value, as read in a tangent-plane equation."""
    if value == 0.0:
        return unicode_name(variable)
    sign = "−" if value > 0 else "+"
    return f"({unicode_name(variable)} {sign} {format_value(abs(value))})"


def plane_equation(probe: Probe, name: str) -> str:
    """'f ≈ 15 + 10(x − 1) + 14(y − 2)': the tangent plane, the linear approximation of f at the point, its lines
    broken only before a term (see terms_kept_whole)."""
    terms = [format_value(probe.value)]
    for axis, partial in zip(probe.axes, probe.axis_partials, strict=True):
        if partial != 0.0:
            terms.append(f"{'−' if partial < 0 else '+'} {format_value(abs(partial))}"
                         f"{offset_text(axis, probe.point[axis])}")
    return f"tangent plane: {terms_kept_whole(f'{name} ≈ ' + ' '.join(terms))}"


def partial_texts(probe: Probe, name: str) -> tuple[str, ...]:
    """'∂f/∂x = 10' for each plotted axis."""
    return tuple(f"{partial_label(name, axis)} = {format_number(partial, TAG_DIGITS)}"
                 for axis, partial in zip(probe.axes, probe.axis_partials, strict=True))


def surface_overlay(probe: Probe, slices: tuple[SliceCurve, ...], scale: HeightScale, field: GridField,
                    ranges: Mapping[str, tuple[float, float]], name: str, plane: bool) -> SurfaceProbeOverlay:
    """The 3D picture: slice curves through the point and their tangents in the drawn height scale, the plane."""
    h0 = float(scale.forward(probe.value))
    factor = float(scale.slope(probe.value))
    low, high = scale.display_range(field.display_range)
    h_span = max(high - low, 1e-300)
    point = np.array([*probe.plane_point, h0])
    lines = []
    labels = zip(partial_texts(probe, name), (partial_label(name, axis) for axis in probe.axes), strict=True)
    for index, (curve, colour, (label, short)) in enumerate(zip(slices, PARTIAL_COLOURS, labels, strict=False)):
        along, values, jumps = with_point(curve)
        span = ranges[curve.axis][1] - ranges[curve.axis][0]
        segment = tangent_segment(curve.x0, h0, factor * curve.slope, span, h_span, SURFACE_TANGENT_SHARE)
        if len(slices) == 1:
            lines.append(SliceLine(np.zeros((0, 2)), segment, colour, label, short))
            continue
        along, heights = broken_curve(along, scale.forward(values), low, high, jumps)  # no line up a pole or jump
        curve_points = np.repeat(point[None, :], len(along), axis=0)
        curve_points[:, index], curve_points[:, 2] = along, heights
        tangent = np.repeat(point[None, :], 2, axis=0)
        tangent[:, index], tangent[:, 2] = segment[:, 0], segment[:, 1]
        lines.append(SliceLine(curve_points, tangent, colour, label, short))
    corners = None
    if plane and len(probe.axes) == 2:
        drawn = replace(probe, value=h0, axis_partials=tuple(factor * p for p in probe.axis_partials))
        corners = tangent_plane(drawn, tuple(PLANE_SHARE * (ranges[a][1] - ranges[a][0]) for a in probe.axes))
    legend: tuple[LegendRow, ...] = (value_row(probe, name),)
    if corners is not None and not scale.log:
        legend = (*legend, LegendRow(plane_equation(probe, name), PLANE_SWATCH))
    if scale.log:
        legend = (*legend, LegendRow(LOG_NOTE.format(name), note=True))
    return SurfaceProbeOverlay(point=point, slices=tuple(lines), plane=corners, legend=legend)


def map_arrow_scale(probe: Probe, ranges: Mapping[str, tuple[float, float]], field: GridField, full_at: float) -> float:
    """Data units per unit of ∇f of the map's arrows at the probe point, full length at |∇f| = full_at (see
    arrow_scale and arrows_full_at)."""
    plotted = tuple(ranges[axis] for axis in probe.axes)
    return arrow_scale(probe.axis_partials, full_at, field.gradient_reference, probe.plane_point, plotted)


def arrow_tips(probe: Probe, scale: float) -> tuple[tuple[float, float], ...]:
    """Where the map's ∂f/∂x, ∂f/∂y and ∇f arrows from the probe point end, at this scale."""
    (x0, y0), (gx, gy) = probe.plane_point, probe.axis_partials
    return (x0 + scale * gx, y0), (x0, y0 + scale * gy), (x0 + scale * gx, y0 + scale * gy)


def arrows_probe(probe: Probe, downhill: bool) -> Probe:
    """The probe whose plotted partials the map's arrows draw: as it is, or negated when the field shows −∇f (the
    arrows at the point then point the way the field's do, and still add up to the resultant)."""
    if not downhill:
        return probe
    direction = probe.plane_ascent_direction
    return replace(probe, axis_partials=tuple(-p for p in probe.axis_partials),
                   plane_ascent_direction=None if direction is None else tuple(-d for d in direction))


def map_overlay(probe: Probe, compiled: CompiledFormula, field: GridField, ranges: Mapping[str, tuple[float, float]],
                name: str, full_at: float, downhill: bool = False) -> ContourProbeOverlay:
    """The map picture: ∂f/∂x, ∂f/∂y and ∇f arrows at one scale (−∂f/∂x, −∂f/∂y and −∇f when downhill), dashed
    completions, the level line."""
    probe = arrows_probe(probe, downhill)
    x0, y0 = probe.plane_point
    gx, gy = probe.axis_partials
    plotted = tuple(ranges[axis] for axis in probe.axes)
    scale = map_arrow_scale(probe, ranges, field, full_at)
    along_x, along_y, tip = arrow_tips(probe, scale)
    x_colour, y_colour = PARTIAL_COLOURS
    minus = "−" if downhill else ""
    x_name, y_name = (minus + partial_label(name, axis) for axis in probe.axes)
    x_label, y_label = (f"{label} = {format_number(partial, TAG_DIGITS)}"
                        for label, partial in zip((x_name, y_name), probe.axis_partials, strict=True))
    components = ", ".join(format_number(p, TAG_DIGITS) for p in probe.axis_partials)
    arrow_name = minus + gradient_label(name)
    arrows = (OverlayArrow((x0, y0), along_x, x_colour, x_label, short=x_name),
              OverlayArrow((x0, y0), along_y, y_colour, y_label, short=y_name),
              OverlayArrow((x0, y0), tip, GRADIENT_COLOUR, f"{arrow_name} = ({components})", weight=1.4,
                           short=arrow_name))
    guides = (OverlayGuide(along_x, tip, y_colour), OverlayGuide(along_y, tip, x_colour))
    norm = math.hypot(gx, gy)
    flat = negligible_gradient(norm, field.gradient_reference)
    along = None if flat else contour_tangent_direction(probe)
    right_angle = None if along is None else (along, probe.plane_ascent_direction)
    legend = [value_row(probe, name)]
    if len(probe.variables) > len(probe.axes):
        held = ", ".join(unicode_name(variable) for variable in probe.variables if variable not in probe.axes)
        legend.append(LegendRow(f"{gradient_label(name)} here: its {', '.join(map(unicode_name, probe.axes))} part "
                                f"({held} held)", note=True))
    if right_angle is None:
        legend.append(LegendRow(flat_note(probe, compiled, name, norm), note=True))
    edge_note = (LegendRow(CRAMPED_NOTE, note=True, short=CRAMPED_NOTE_SHORT, kept=True)
                 if right_angle is not None and edge_cut((gx, gy), scale, (x0, y0), plotted, field, full_at) else None)
    faded_note = None if flat else LegendRow(FADED_NOTE.format(arrow_name, components), note=True,
                                             short=f"{arrow_name} = ({components})", kept=True)
    line = level_line(compiled, probe, field, flat)
    if len(line) > 1:  # f's level at a point far off the map may cross none of it: no line, nothing to name
        level = f"{name}\u00a0=\u00a0{format_value(probe.value)}"
        legend.append(LegendRow(f"level line {level}", LEVEL_COLOUR, short=level))
    return ContourProbeOverlay(point=(x0, y0), colour=GRADIENT_COLOUR, arrows=arrows, guides=guides,
                               level_line=line, level_colour=LEVEL_COLOUR,
                               right_angle=right_angle, legend=tuple(legend),
                               aspect_note=aspect_note(probe.axes), edge_note=edge_note,
                               faded_note=faded_note)


def flat_note(probe: Probe, compiled: CompiledFormula, name: str, norm: float) -> str:
    """'∇f = 0 here, pointing no way: a minimum', or '∇f ≈ 0 here (|∇f| = 8.6e−7) …' where it is negligible."""
    if norm == 0.0:
        return f"{gradient_label(name)} = 0 here, pointing no way: {probe.flat_kind or 'a flat point'}"
    indices = [compiled.variables.index(axis) for axis in probe.axes]
    with np.errstate(all="ignore"):
        hessian = compiled.hessian(np.array([probe.point[variable] for variable in compiled.variables]))
    kind = converged_kind(hessian[np.ix_(indices, indices)], norm)
    return (f"{gradient_label(name)} ≈ 0 here (|{gradient_label(name)}| = {format_value(norm)}), "
            f"too short to draw: {kind or 'a flat point'}")


def aspect_note(axes: tuple[str, ...], shortcut: str | None = ASPECT_SHORTCUT) -> LegendRow:
    """The note that the right angle looks skewed, with its short form for a crowded legend, and the key if any."""
    hint = "" if shortcut is None else ASPECT_KEY_HINT.format(shortcut)
    return LegendRow(ASPECT_NOTE.format(*map(unicode_name, axes)) + hint, note=True, short=ASPECT_NOTE_SHORT + hint)


def curve_overlay(probe: Probe, scale: HeightScale, field: GridField, ranges: Mapping[str, tuple[float, float]],
                  name: str) -> ContourProbeOverlay:
    """The curve picture: the tangent at the point in the drawn height scale and its slope."""
    (w0,), (slope,) = probe.plane_point, probe.axis_partials
    h0 = float(scale.forward(probe.value))
    heights = scale.forward(field.values)
    finite = heights[np.isfinite(heights)]
    h_span = float(finite.max() - finite.min()) if finite.size else 1.0
    w_span = ranges[probe.axes[0]][1] - ranges[probe.axes[0]][0]
    tangent = tangent_segment(w0, h0, float(scale.slope(probe.value)) * slope, w_span, h_span, CURVE_TANGENT_SHARE)
    colour = PARTIAL_COLOURS[0]
    label = f"slope {partial_texts(probe, name)[0]}"
    legend = (value_row(probe, name), *((LegendRow(LOG_NOTE.format(name), note=True),) if scale.log else ()))
    return ContourProbeOverlay(point=(w0, h0), colour=colour, tangent=tangent, tangent_label=label, legend=legend)


# ----- the presenter --------------------------------------------------------------------------------------
def _remembered(key: str, default: bool) -> bool:
    """A remembered on/off choice."""
    return bool(app_settings().value(key, default, type=bool))


def _same_inputs(first: tuple, second: tuple) -> bool:
    """Whether two overlay inputs are the same: formula and field the very same objects, the rest equal."""
    return first[0] is second[0] and first[1] is second[1] and first[2:] == second[2:]


class ProbePresenter:
    """Draws the partial derivatives at the probe point (or run 1's current point) on both views.

    Follows the session's probe, its clock while the probe follows the descent, the field and the
    height scale. Either view may be None (an export may draw one only).
    """

    def __init__(self, session: Session, surface_view: SurfaceView | None, contour_view: ContourView | None,
                 key_hints: bool = True) -> None:
        """Draw on these views (key_hints: name the keys that change the picture, as the editing window does)."""
        self.session = session
        self.key_hints = key_hints
        self.surface_view = surface_view
        self.contour_view = contour_view
        self.shown = _remembered(PARTIALS_KEY, True)
        self.plane_shown = _remembered(PLANE_KEY, False)
        self.surface_overlay: SurfaceProbeOverlay | None = None
        self.contour_overlay: ContourProbeOverlay | None = None
        self.actions: dict[str, QAction] = {}
        self._drawn_from: tuple | None = None
        self._start_drawn_from: tuple | None = None  # what the arrows at run 1's start were last worked out from
        self._full_at: tuple[tuple, float] | None = None  # what arrows_full_at was last worked out from, and gave
        if key_hints:  # the window: the viewer's remembered aspect (an export draws its scenario's)
            session.preferred_equal_aspect = _remembered(ASPECT_KEY, False)
            session.set_view(equal_aspect=session.preferred_equal_aspect)
        session.view_changed.connect(lambda _view: self._show_choices())
        for signal in (session.probe_changed, session.field_changed, session.runs_changed, session.view_changed):
            signal.connect(lambda _value: self.refresh())
        session.step_changed.connect(self._step_changed)
        self.refresh()

    def _step_changed(self, _step: int) -> None:
        if self.session.probe is None:
            self.refresh()

    def refresh(self) -> None:
        """Recompute the overlays and hand them to the views, unless nothing they are drawn from has changed.

        One change often arrives as several signals (a new formula: the field, then the runs, then the clock);
        the overlays are computed once for what they show.
        """
        self._show_start_arrows()
        inputs = self._inputs()
        if self._drawn_from is not None and _same_inputs(inputs, self._drawn_from):
            return
        self._drawn_from = inputs
        self.surface_overlay, self.contour_overlay = self.compute() if self.shown else (None, None)
        if self.surface_view is not None:
            self.surface_view.set_probe_overlay(self.surface_overlay)
        if self.contour_view is not None:
            self.contour_view.set_probe_overlay(self.contour_overlay)

    def _inputs(self) -> tuple:
        """Everything the overlays are drawn from: formula and field (as objects), point, plot, view, choices."""
        session = self.session
        return (session.analysis, session.field, current_probe_point(session), session.plot, session.view,
                self.shown, self.plane_shown, run_point(session))  # the arrows' scale is the start's

    def _show_start_arrows(self) -> None:
        """Hand the map the arrows drawn at run 1's start while the probe follows the descent: its legends keep off
        them (at step 0 they are where a student looks first). Worked out again only when what they are drawn from
        changes, not at each step."""
        session = self.session
        start = current_probe_point(session, at_start=True) if self.shown and session.probe is None else None
        inputs = (session.analysis, session.field, start, session.plot, session.view)
        if self.contour_view is None or (self._start_drawn_from is not None
                                         and _same_inputs(inputs, self._start_drawn_from)):
            return
        self._start_drawn_from = inputs
        probe = self._probe_at(start) if len(session.plot.axes) == 2 else None
        if probe is not None:
            probe = arrows_probe(probe, session.view.arrows == "downhill")
        tips = () if probe is None else arrow_tips(probe, map_arrow_scale(probe, session.plot.ranges, session.field,
                                                                          self._arrows_full_at()))
        self.contour_view.set_start_arrows(np.array([(probe.plane_point, tip) for tip in tips]))

    def _arrows_full_at(self) -> float:
        """The |∇f| the map's arrows are full length at: run 1's start's, within the field's range (arrows_full_at).

        Kept while the field and the start are the same: worked out at every step, the start's probe took a
        millisecond of each frame of playback.
        """
        session = self.session
        start_point = run_point(session)
        key = (session.analysis, session.field, None if start_point is None else tuple(start_point.items()),
               session.plot.axes)
        if self._full_at is None or not _same_inputs(key, self._full_at[0]):
            start = self._probe_at(start_point)
            self._full_at = (key, arrows_full_at(session.field,
                                                 None if start is None else math.hypot(*start.axis_partials)))
        return self._full_at[1]

    def _probe_at(self, point: dict[str, float] | None) -> Probe | None:
        """The probe at this point of the plotted field, if it can be drawn there."""
        session, field = self.session, self.session.field
        if point is None or field is None or field.domain.variables != session.plot.axes:
            return None
        probe = probe_at(session.analysis.compiled, point, session.plot.axes,
                         noise=field.noise_floor_at(tuple(point), tuple(point.values())))
        return probe if probe.valid else None

    def compute(self) -> tuple[SurfaceProbeOverlay | None, ContourProbeOverlay | None]:
        """Both overlays at the current probe point, or None where there is nothing to draw."""
        session, field = self.session, self.session.field
        point = current_probe_point(session)
        probe = self._probe_at(point)
        if probe is None:
            return None, None
        compiled, axes, ranges = session.analysis.compiled, session.plot.axes, session.plot.ranges
        name = session.analysis.formula.name
        scale = height_scale_for(field, session.view.log_height)
        slices = slice_curves(compiled, point, axes, ranges, samples=max(field.xs.size, 2))
        surface = surface_overlay(probe, slices, scale, field, ranges, name, self.plane_shown)
        if len(axes) == 1:
            return surface, curve_overlay(probe, scale, field, ranges, name)
        overlay = map_overlay(probe, compiled, field, ranges, name, self._arrows_full_at(),
                              downhill=session.view.arrows == "downhill")
        return surface, overlay if self.key_hints else replace(overlay, aspect_note=aspect_note(axes, None))

    def show_key_hints(self, shown: bool) -> None:
        """Name the keys that change the picture, or not (presenting: the audience sees the map, not the keyboard)."""
        self.key_hints = shown
        self._drawn_from = None  # the same inputs, drawn with other notes
        self.refresh()

    # ----- choices ------------------------------------------------------------------------------------------
    def set_shown(self, shown: bool) -> None:
        """Show or hide the partial derivatives on both views (remembered)."""
        self.shown = bool(shown)
        remember(PARTIALS_KEY, self.shown)
        self._show_choices()
        self.refresh()

    def set_plane_shown(self, shown: bool) -> None:
        """Show or hide the tangent plane on the 3D view (remembered)."""
        self.plane_shown = bool(shown)
        remember(PLANE_KEY, self.plane_shown)
        self._show_choices()
        self.refresh()

    def set_equal_aspect(self, equal: bool) -> None:
        """Draw the contour panel with equal aspect, so right angles look right (remembered for other scenarios)."""
        self.session.preferred_equal_aspect = bool(equal)
        remember(ASPECT_KEY, bool(equal))
        self.session.set_view(equal_aspect=bool(equal))

    def add_actions(self, menu: QMenu, make_action: ActionFactory) -> None:
        """Put the three toggles in a menu (made with the window's action factory)."""
        for key, text, slot, shortcut, tip in (
            ("partials", "Show partial &derivatives at the point", self.set_shown, PARTIALS_SHORTCUT,
             "Slices and tangent lines in 3D; ∂f/∂x, ∂f/∂y and ∇f arrows on the contour map"),
            ("plane", "Ta&ngent plane", self.set_plane_shown, PLANE_SHORTCUT,
             "The plane touching the surface at the point, on the 3D view"),
            ("aspect", "E&qual aspect", self.set_equal_aspect, ASPECT_SHORTCUT,
             "Draw x and y at the same scale on the contour map, so right angles look right"),
        ):
            action = make_action(text, slot, shortcut, tip)
            action.setCheckable(True)
            menu.addAction(action)
            self.actions[key] = action
        self._show_choices()

    def _show_choices(self) -> None:
        """Tick the toggles as things are."""
        equal = bool(self.session.view.equal_aspect)
        for key, checked in (("partials", self.shown), ("plane", self.plane_shown), ("aspect", equal)):
            if key in self.actions:
                self.actions[key].setChecked(checked)
        if "plane" in self.actions:
            self.actions["plane"].setEnabled(self.shown)

