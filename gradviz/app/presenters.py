"""Presenters translate session changes into drawing calls on the views; the views hold no state of their own."""

from __future__ import annotations

import weakref
from dataclasses import replace
from functools import partial

import numpy as np

from gradviz.app.caption_lines import kept_together
from gradviz.app.colormaps import BASIN_COLOURS, DIVERGED_COLOUR, RUN_SYMBOLS, UNSETTLED_COLOUR
from gradviz.app.contour_view import ContourView, log_scale_levels, map_colour_levels
from gradviz.app.surface_view import SurfaceView
from gradviz.app.themes import theme_named
from gradviz.app.view_common import CRITICAL_NAMES, ColourLevels, LegendRow, TrajectoryData
from gradviz.core.basins import DIVERGED, UNSETTLED, Basins, finer_ends
from gradviz.core.descent import CONVERGED_KINDS
from gradviz.core.grid import GridField, Rim, curve_to_rim
from gradviz.core.height_scale import ROUND_VALUE_DIGITS, HeightScale, height_scale_for
from gradviz.core.notation import format_number, format_numbers_apart, format_values, unicode_name
from gradviz.core.runs import RunResult, optimizer_text, where_it_went
from gradviz.core.scenario import RunSpec, ViewOptions
from gradviz.core.session import Session

BASINS_FINER = 4  # a map's basins are drawn on a grid this many times finer than its starts (borders smoothed)
# What a place where runs converge is (see descent.converged_kind), named as the critical points' tags name it.
KIND_WORDS = dict(zip(CONVERGED_KINDS, (CRITICAL_NAMES[kind] for kind in ("minimum", "maximum", "saddle")),
                      strict=True))


def basins_image(basins: Basins) -> np.ndarray:
    """The basins as RGBA pixels (uint8): each start's attractor's colour, else grey, white or clear.

    Grey: the run diverges; white: it is still moving after the steps allowed; clear: f is undefined at the start.
    A map's are BASINS_FINER times finer than its starts, their borders smoothed (see finer_ends).
    """
    ends = finer_ends(basins.ends, BASINS_FINER) if basins.ends.ndim == 2 else basins.ends
    palette = np.array([*BASIN_COLOURS, DIVERGED_COLOUR, UNSETTLED_COLOUR, (0.0, 0.0, 0.0, 0.0)])
    last = len(BASIN_COLOURS)
    slots = np.where(ends >= 0, ends % last,
                     np.select([ends == DIVERGED, ends == UNSETTLED], [last, last + 1], last + 2))
    return np.rint(palette[slots] * 255).astype(np.uint8)


SHORT_PLACE_DIGITS = 2  # of a basin's place in the legend's short form


def basins_legend(basins: Basins, axes: tuple[str, ...], spec: RunSpec) -> tuple[LegendRow, ...]:
    """What each colour of the basins means: the place runs reach, or diverge, or are still moving."""
    optimizer = "" if spec.optimizer == "gd" else f"{optimizer_text(spec)}, "
    sign = ", wrong sign" if spec.sign == "wrong" else ""
    # a setting kept with its value when the note wraps: "β₂ =" ended a line, "0.99)" began the next
    rows = [LegendRow(kept_together(f"each start's end, {optimizer}η = {format_number(spec.lr)}{sign}"), note=True)]
    for index, attractor in enumerate(basins.attractors):
        what = KIND_WORDS.get(attractor.kind, "∇f = 0")
        places = [format_values(attractor.point),  # short, still which minimum: four rows of "min" told nothing
                  ", ".join(format_number(value, SHORT_PLACE_DIGITS) for value in attractor.point)]
        full, short = (f"({place})" if len(axes) > 1 else f"{unicode_name(axes[0])} = {place}" for place in places)
        rows.append(LegendRow(f"{what} {full}", BASIN_COLOURS[index % len(BASIN_COLOURS)], short=f"{what} {short}"))
    for end, words, colour in ((DIVERGED, "diverges", DIVERGED_COLOUR),
                               (UNSETTLED, f"moving after {basins.steps} steps", UNSETTLED_COLOUR)):
        if basins.share(end):
            rows.append(LegendRow(words, colour, short=words.split()[0]))
    return tuple(rows)


_DRAWN_HEIGHTS: weakref.WeakKeyDictionary[GridField, dict[bool, tuple[np.ndarray, ColourLevels]]] = (
    weakref.WeakKeyDictionary())


def drawn_heights(field: GridField, scale: HeightScale) -> tuple[np.ndarray, ColourLevels]:
    """A surface's heights in the height scale, and the map's levels and colours for them, which both views take.

    Computed once per field and scale for both presenters. In log height the levels are round values of f
    (1, 2, 5, 10…), labelled with f rather than its logarithm, at the 3D axis's ticks where those are levels.
    """
    kept = _DRAWN_HEIGHTS.setdefault(field, {})
    if scale.log not in kept:
        heights = scale.forward(field.values)
        levels = level_labels = ticked = None
        if scale.log:
            values = log_scale_levels(np.clip(field.values, *field.display_range), reference=scale.reference)
            levels = scale.forward(values)
            level_labels = format_numbers_apart(values, ROUND_VALUE_DIGITS)  # 1000.0001, 1000.0002: not 1000 twice
            ticked = np.array([height for height, _ in scale.ticks(field.display_range) or ()])  # the 3D axis's
        colour_levels = map_colour_levels(heights, scale.display_range(field.display_range), levels, level_labels,
                                          ticked)
        kept[scale.log] = (heights, colour_levels)
    return kept[scale.log]


def run_colour(index: int, theme: str = "default") -> tuple[float, float, float, float]:
    """The colour of run `index` in every view and the legend, in a theme's colours."""
    colours = theme_named(theme).run_colours
    return colours[index % len(colours)]


def run_symbol(index: int) -> str:
    """The shape of run `index`'s step marks on the map (a pyqtgraph symbol): runs differ by more than colour."""
    return RUN_SYMBOLS[index % len(RUN_SYMBOLS)][0]


def run_glyph(index: int) -> str:
    """The character that draws run `index`'s shape in text: ● ■ ▲ ◆ …"""
    return RUN_SYMBOLS[index % len(RUN_SYMBOLS)][1]


class _Presenter:
    """Shared wiring: follow the session, keep the current height scale, draw runs and the clock."""

    def __init__(self, session: Session, view: SurfaceView | ContourView) -> None:
        self.session = session
        self.view = view
        self.scale = HeightScale()
        self.drawn_view = session.view
        session.field_changed.connect(lambda _field: self.redraw())
        session.view_changed.connect(self._view_changed)
        session.runs_changed.connect(lambda _runs: self.draw_runs())
        session.theme_changed.connect(lambda _theme: self.draw_runs())  # the runs in the theme's colours
        session.step_changed.connect(lambda _step: self.show_step())
        if session.field is not None:
            self.redraw()

    @property
    def one_variable(self) -> bool:
        """True when a single variable is plotted (a curve rather than a surface)."""
        return len(self.session.plot.axes) == 1

    def _view_changed(self, view: ViewOptions) -> None:
        """Draw everything again for a new height scale; the other options are the views' own (see show_options)."""
        if view.log_height != self.drawn_view.log_height:
            self.redraw()
        else:
            self.drawn_view = view
            self.show_options()

    def show_options(self) -> None:
        """Show the session's view options that need no redrawing: here, the critical points."""
        self.show_critical_points()

    def show_critical_points(self) -> None:
        """Mark the critical points, if asked for, in the view's coordinates and height scale."""
        critical = self.session.critical_points() if self.session.view.critical_points else None
        if critical is None or not critical.complete:  # a few of many would mislead: none (the window says why)
            self.view.set_critical_points(np.zeros((0, 2)), ())
            return
        points = np.array([point.point for point in critical.points], dtype=np.float64)
        points = points.reshape(len(critical.points), len(self.session.plot.axes))
        heights = self.scale.forward(np.array([point.value for point in critical.points], dtype=np.float64))
        self.view.set_critical_points(self.critical_coordinates(points, heights),
                                      tuple(point.kind for point in critical.points),
                                      tuple(point.kink for point in critical.points))

    def critical_coordinates(self, points: np.ndarray, heights: np.ndarray) -> np.ndarray:
        """The view's coordinates of points of the plotted variables with these drawn heights: (x, y, h) or (w, h)."""
        return np.column_stack([points, heights])

    def redraw(self) -> None:
        """Draw the runs in the new height scale, then the field under them.

        The runs go first: a new field places the runs a view holds on it, and after a new formula those are the
        old formula's (the session has none yet), which the 3D view simplified and uploaded only to drop.
        """
        field = self.session.field
        if field is None or field.domain.variables != self.session.plot.axes:
            return
        self.drawn_view = self.session.view
        self.scale = height_scale_for(field, self.session.view.log_height)
        self.draw_runs()
        self.draw_field()
        self.show_options()

    def draw_field(self) -> None:
        """Draw the surface or curve (each view its own way)."""
        raise NotImplementedError

    def scaled_rim(self) -> Rim | None:
        """The field's rim (where f stops being defined) with its values in the height scale."""
        rim = self.session.field.rim
        return None if rim is None else replace(rim, values=self.scale.forward(rim.values))

    def trajectory(self, index: int, result: RunResult) -> TrajectoryData:
        """A run in the view's data coordinates: the plotted variables and the drawn height."""
        columns = [self.session.variables.index(name) for name in self.session.plot.axes]
        heights = self.scale.forward(result.values)
        points = np.column_stack([result.points[:, columns], heights])
        name = self.session.analysis.formula.name if self.session.analysis else "f"
        return TrajectoryData(points=points, colour=run_colour(index, self.session.theme), symbol=run_symbol(index),
                              current_index=self.session.step_state(index).step_index,
                              where=partial(where_it_went, result, self.session.variables, name))

    def draw_runs(self) -> None:
        """Draw every run's trajectory."""
        field = self.session.field
        if field is None or field.domain.variables != self.session.plot.axes:
            return
        self.view.set_trajectories([self.trajectory(i, r) for i, r in enumerate(self.session.runs)])
        self.show_step()

    def show_step(self) -> None:
        """Move each run's current point to the session's clock."""
        for index in range(len(self.session.runs)):
            self.view.set_current_index(self.session.step_state(index).step_index, run=index)

    def labels(self) -> tuple[str, ...]:
        """Axis titles: the plotted variables and the function's name, written as the equations write them (w₁)."""
        name = self.session.analysis.formula.name if self.session.analysis else "f"
        return tuple(unicode_name(title) for title in (*self.session.plot.axes, name))


class SurfacePresenter(_Presenter):
    """Draws the session on the 3D surface view."""

    view: SurfaceView

    def draw_field(self) -> None:
        """Upload the surface (or the curve) once per formula, domain or scale change."""
        field = self.session.field
        display_range = self.scale.display_range(field.display_range)
        ticks = self.scale.ticks(field.display_range)
        if self.one_variable:
            ws, values = curve_to_rim(field)
            self.view.set_curve(ws, self.scale.forward(values), display_range, labels=self.labels(), z_ticks=ticks,
                                jumps=field.jumps[0])
        else:
            heights, colour_levels = drawn_heights(field, self.scale)
            self.view.set_surface(field.xs, field.ys, heights, display_range, labels=self.labels(), z_ticks=ticks,
                                  jumps=field.jumps, rim=self.scaled_rim(), colour_levels=colour_levels)


class ContourPresenter(_Presenter):
    """Draws the session on the contour panel: filled or line contours, gradient arrows, runs, start and tangent."""

    view: ContourView

    def __init__(self, session: Session, view: ContourView) -> None:
        super().__init__(session, view)
        session.computing_changed.connect(lambda _batch: self.show_start())  # asked for, and in (or refused)
        session.basins_changed.connect(lambda _basins: self.show_basins())
        session.runs_changed.connect(lambda _runs: self.show_basins())  # a new η: the basins shown are not its

    def draw_field(self) -> None:
        """Contours and arrows in the same height scale as the 3D view."""
        field = self.session.field
        height_range = self.scale.display_range(field.display_range)  # the 3D view's: a pole does not flatten the map
        if self.one_variable:
            ws, values = curve_to_rim(field)
            self.view.set_curve(ws, self.scale.forward(values), labels=self.labels(), height_range=height_range,
                                height_ticks=self.scale.ticks(field.display_range), jumps=field.jumps[0])
            return
        heights, colour_levels = drawn_heights(field, self.scale)
        self.view.set_field(field.xs, field.ys, heights, field.gradient[0], field.gradient[1], labels=self.labels(),
                            height_range=height_range, jumps=field.jumps, rim=self.scaled_rim(),
                            colour_levels=colour_levels)
        self.show_start()

    def show_options(self) -> None:
        """Point the arrows along ∇f or −∇f, show or hide them, fill the map or its lines alone, aspect, ∇f = 0."""
        options = self.session.view
        self.view.set_equal_aspect(bool(options.equal_aspect))
        self.view.set_arrow_direction(options.arrows)
        self.view.set_arrows_visible(options.show_arrows)
        self.view.set_contour_fill(options.contour_fill)
        self.show_basins()
        super().show_options()

    def show_basins(self) -> None:
        """Colour each start by where descent from it ends, if the basins are shown and computed for this picture."""
        basins = self.session.basins()
        field = self.session.field
        if basins is None or basins.refusal or field is None:
            self.view.set_basins(None, (0.0, 1.0))
            return
        image = basins_image(basins)
        legend = basins_legend(basins, self.session.plot.axes, self.session.run_specs[0])
        ranges = field.domain.ranges
        if self.one_variable:
            self.view.set_basins(image[np.newaxis], ranges[0], None, legend)
        else:
            self.view.set_basins(image, ranges[0], ranges[1], legend)

    def critical_coordinates(self, points: np.ndarray, heights: np.ndarray) -> np.ndarray:
        """Where the map marks points: (x, y); on a curve at their drawn heights, (w, height)."""
        return np.column_stack([points[:, 0], heights]) if self.one_variable else points

    def show_start(self) -> None:
        """Place the draggable start marker at the first run's start."""
        if self.one_variable or not self.session.run_specs:
            self.view.hide_start_point()
            return
        start = self.session.run_specs[0].start
        axes = self.session.plot.axes
        self.view.set_start_point(start[axes[0]], start[axes[1]])

    def show_step(self) -> None:
        """Move the current points; on a curve also draw the tangent at the first run's point."""
        super().show_step()
        if not self.one_variable or not self.session.runs:
            return
        result = self.session.runs[0]
        step = result.run.steps[self.session.step_state(0).step_index]
        if self.scale.log:
            self.view.hide_tangent()
            return
        self.view.set_tangent(float(step.point[0]), float(step.value), float(step.gradient[0]))
