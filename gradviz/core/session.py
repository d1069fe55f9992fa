"""The session: the one state every view observes (formula, domain, runs, the current step, the probe, options)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike

from gradviz.core.analysis import Analysis
from gradviz.core.basins import Basins
from gradviz.core.compiled import CompiledFormula
from gradviz.core.critical import CriticalPoints, critical_points
from gradviz.core.errors import DescentError, FormulaError
from gradviz.core.events import Signal
from gradviz.core.formula import is_model_loss, is_model_parameter
from gradviz.core.grid import NO_NOISE_FLOOR, Domain, GridField, NoiseFloor, evaluate_grid, noise_floor_on_maps
from gradviz.core.height_scale import round_step
from gradviz.core.notation import for_function, format_number, format_number_apart, unicode_name
from gradviz.core.runs import RunBatch, RunResult
from gradviz.core.scenario import (
    LARGEST_VALUE,
    MAX_PRESENTATION_SCALE,
    MIN_PRESENTATION_SCALE,
    THEMES,
    Camera,
    PlotSettings,
    RunSpec,
    Scenario,
    ViewOptions,
    changed_run,
    range_problem,
    usable_range,
)

DEFAULT_AXES = ("x", "y")  # what a new window plots, until a formula without them
DEFAULT_RANGE = (-3.0, 3.0)
DEFAULT_RESOLUTION = 200
# A variable the formula gains is held at the first of these where f's slice is defined and not flat: 0 would make
# x·y·z flat and leave ln z undefined; sqrt(1 - x² - y² - z²) has nothing at 1.
NEW_HELD_VALUES = (1.0, 0.0, 0.5, -1.0, 2.0)
SHAPE_SAMPLES = 12  # per plotted axis, to see whether a slice has a shape


RunOutcome = tuple[RunResult, ...] | DescentError
DeliverRuns = Callable[[RunBatch, RunOutcome], None]


RUN_REFUSED = "The run cannot start"  # how a notice of runs that could not start begins
NOT_A_RANGE = "is not a range"  # in the notice of a range refused


class RunScheduler(Protocol):
    """Computes a session's runs, at once or in the background, handing the outcome back on the session's thread."""

    def submit(self, batch: RunBatch, deliver: DeliverRuns) -> None:
        """Compute the batch and call deliver(batch, runs or the DescentError raised), now or later."""
        ...

    def wait(self) -> None:
        """Block until the newest batch has been delivered (older ones, superseded, may be dropped undelivered)."""
        ...


class ComputeNow:
    """The plain scheduler: computes runs on the spot (the command line and exports use it)."""

    def submit(self, batch: RunBatch, deliver: DeliverRuns) -> None:
        """Compute the batch, then deliver it."""
        deliver(batch, compute_batch(batch))

    def wait(self) -> None:
        """Nothing is ever left to wait for."""


def compute_batch(batch: RunBatch) -> RunOutcome:
    """The batch's runs, or the DescentError that stopped them."""
    try:
        return batch.compute()
    except DescentError as error:
        return error


@dataclass(frozen=True)
class _RunRequest:
    """A batch the session waits for, with what it was computed for and the specs to go back to if it fails."""

    batch: RunBatch
    analysis: Analysis
    axes: tuple[str, ...]
    fixed: dict[str, float]
    fallback_specs: tuple[RunSpec, ...] | None


@dataclass(frozen=True, eq=False)
class BasinsKey:
    """What basins are computed for: an analysed formula (itself, not an equal one), a domain and a run's spec."""

    analysis: Analysis
    domain: Domain
    spec: RunSpec

    def same(self, other: BasinsKey) -> bool:
        """Whether both keys ask for the same basins."""
        return self.analysis is other.analysis and self.domain == other.domain and self.spec == other.spec


@dataclass(frozen=True)
class StepState:
    """Where one run is at the session's current step."""

    run_index: int
    step_index: int
    finished: bool


class Session:
    """Holds the state of one gradviz window and announces each change through its signals."""

    def __init__(self, run_scheduler: RunScheduler | None = None) -> None:
        self.run_scheduler: RunScheduler = run_scheduler or ComputeNow()
        self.formula_changed = Signal()
        self.error_changed = Signal()
        self.plot_changed = Signal()
        self.field_changed = Signal()
        self.runs_changed = Signal()
        self.computing_changed = Signal()  # the RunBatch being computed, or None once its runs are in
        self.step_changed = Signal()
        self.probe_changed = Signal()
        self.view_changed = Signal()
        self.theme_changed = Signal()
        self.presentation_scale_changed = Signal()
        self.presenting_scale_changed = Signal()
        self.camera_changed = Signal()
        self.scenario_applied = Signal()
        self.basins_changed = Signal()  # the basins to show (or None) changed
        self.notice = Signal()
        self.analysis: Analysis | None = None
        self.error: FormulaError | None = None
        self.plot = PlotSettings(axes=DEFAULT_AXES, ranges=dict.fromkeys(DEFAULT_AXES, DEFAULT_RANGE),
                                 resolution=DEFAULT_RESOLUTION)
        self.fixed: dict[str, float] = {}
        self._earlier_ranges: dict[str, tuple[float, float]] = {}  # of variables plotted before (see range_of)
        self._opened_ranges: dict[str, tuple[float, float]] = {}  # each variable's first range since opening
        self.field: GridField | None = None
        self._critical: tuple[GridField, CriticalPoints] | None = None  # the field's, found when first asked for
        self._basins: tuple[BasinsKey, Basins] | None = None  # the latest basins given, with what they are for
        self.run_specs: tuple[RunSpec, ...] = ()
        self.runs: tuple[RunResult, ...] = ()
        self.run_refusal = ""  # why the runs asked for could not start, while none is shown ("" otherwise)
        self._runs_analysis: Analysis | None = None
        self._runs_axes: tuple[str, ...] = ()
        self._runs_fixed: dict[str, float] = {}
        self._run_request: _RunRequest | None = None
        self.step = 0
        self.probe: dict[str, float] | None = None
        self.preferred_equal_aspect = False  # the viewer's choice, for scenarios that do not make one
        self.view = ViewOptions(equal_aspect=False)
        self.camera = Camera()
        self.theme = "default"
        self.presentation_scale = 1.0  # what the window draws at now
        self.presenting_scale = MIN_PRESENTATION_SCALE  # what the scenario is presented at (see set_presenting_scale)
        self._zoomed_out: tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]] | None = None
        self.title = ""
        self.description = ""

    # ----- formula -----------------------------------------------------------------------------------------
    def noise_floor_at(self, variables: Sequence[str], points: ArrayLike) -> NoiseFloor:
        """Below what the numbers shown of f and its partials at these points are rounding, shown as 0 (see
        GridField.noise_floor_at; none before the map is in)."""
        return self.field.noise_floor_at(variables, points) if self.field is not None else NO_NOISE_FLOOR

    def stop_message(self, index: int) -> str:
        """Why run `index` stopped, as the window says it: its function by name, its last |∇f| as the readout shows it
        (rounding as 0: see Run.message_shown)."""
        result = self.runs[index]
        noise = self.noise_floor_at(self.variables, result.points[-1]).of(result.free)
        shown = noise.shown_gradient(result.run.final_step.gradient)
        return for_function(result.run.message_shown(shown), self.analysis.formula.name if self.analysis else "f")

    @property
    def variables(self) -> tuple[str, ...]:
        """The current formula's variables (empty before the first formula)."""
        return self.analysis.formula.variables if self.analysis else ()

    def set_analysis(self, analysis: Analysis) -> None:
        """Show a newly analysed formula, adapting plot, held values and runs to its variables."""
        old_variables, old_analysis = self.variables, self.analysis
        self.analysis = analysis
        self.error = None
        self.runs = ()  # computed for the old formula: no view may draw them on the new field
        if old_analysis is not None and analysis.formula.text != old_analysis.formula.text:
            # labels speak of the old formula ("η = 0.45, just below the limit 0.5" where it now diverges)
            self.run_specs = tuple(replace(spec, label="") for spec in self.run_specs)
        variables = analysis.formula.variables
        if variables != old_variables:
            self._adapt_to_variables(variables)
        self.formula_changed.emit(analysis)
        self.error_changed.emit(None)
        self._recompute_field()
        self._recompute_runs()

    def set_error(self, error: FormulaError | None) -> None:
        """Report a formula that could not be used; everything else stays as it was."""
        self.error = error
        self.error_changed.emit(error)

    def _adapt_to_variables(self, variables: tuple[str, ...]) -> None:
        old_fixed = self.fixed
        axes = axes_to_plot(self.plot.axes, variables)
        ranges = {name: self.range_of(name) for name in axes}
        self._earlier_ranges.update(self.plot.ranges)
        self.plot = PlotSettings(axes=axes, ranges=ranges, resolution=self.plot.resolution)
        self._remember_opened_ranges()
        held = [name for name in variables if name not in axes]
        self.fixed = {name: self.fixed.get(name, NEW_HELD_VALUES[0]) for name in held}
        for name in held:
            if name not in old_fixed:
                self.fixed[name] = self._new_held_value(name)
        # every run starts, and a pinned probe stands, on the slice drawn: a variable plotted before and held now
        # ((w − x)² + (b − y)² typed over x² + y²) kept its old start value in the runs while the views held another
        self.run_specs = tuple(replace(spec, start={**self._complete_point(spec.start), **self.fixed})
                               for spec in self.run_specs)
        if not self.run_specs:
            self.run_specs = (RunSpec(start=self._default_start()),)
        self.probe = None if self.probe is None else {**self._complete_point(self.probe), **self.fixed}
        self.plot_changed.emit(self.plot)

    def _new_held_value(self, name: str) -> float:
        """The held value for a variable the formula just gained: the first where f's slice has a shape."""
        assert self.analysis is not None
        return shaped_held_value(self.analysis.compiled, self.plot.ranges, self.fixed, name)

    def _default_start(self) -> dict[str, float]:
        fractions = (0.8, 0.75)
        start = {name: lo + fraction * (hi - lo)
                 for (name, (lo, hi)), fraction in zip(self.plot.ranges.items(), fractions, strict=False)}
        return self._complete_point(start)

    def _complete_point(self, point: dict[str, float]) -> dict[str, float]:
        """The point with every variable (the held ones at their values), within ±LARGEST_VALUE as a file holds it."""
        return completed_point(point, self.variables, self.fixed, self.plot.ranges)

    # ----- domain ------------------------------------------------------------------------------------------
    def domain(self) -> Domain:
        """The grid the views draw: plotted axes, their ranges, resolution and held-fixed values."""
        return Domain(variables=self.plot.axes, ranges=tuple(self.plot.ranges[name] for name in self.plot.axes),
                      resolution=self.plot.resolution, fixed=dict(self.fixed))

    def set_plot(self, plot: PlotSettings) -> None:
        """Change which variables are plotted, their ranges or the resolution.

        A range is kept within what a file may hold (see usable_range): the map zoomed in or out beyond it stops there.
        """
        plot = replace(plot, ranges={name: usable_range(*pair) for name, pair in plot.ranges.items()})
        if plot == self.plot:
            return
        axes_changed = plot.axes != self.plot.axes
        self._earlier_ranges.update(self.plot.ranges)
        self.plot = plot
        self._remember_opened_ranges()
        if axes_changed:
            every = self.variables
            self.fixed = {name: self.fixed.get(name, self._held_from_probe_or_start(name)) for name in every
                          if name not in plot.axes}
            self.run_specs = tuple(replace(spec, start={**spec.start, **self.fixed}) for spec in self.run_specs)
            self._hold_probe()
        self.plot_changed.emit(plot)
        self._recompute_field()
        if axes_changed:
            self._recompute_runs()
            if self.probe is not None:
                self.probe_changed.emit(self.probe)

    def _remember_opened_ranges(self) -> None:
        """Keep each plotted variable's first range since the scenario opened (the map's 0 key goes back to it)."""
        for name in self.plot.axes:
            self._opened_ranges.setdefault(name, self.plot.ranges[name])

    def opened_ranges(self) -> dict[str, tuple[float, float]]:
        """The plotted variables' ranges as the scenario opened (one it did not plot: as first plotted since)."""
        return {name: self._opened_ranges.get(name, self.plot.ranges[name]) for name in self.plot.axes}

    def show_opened_ranges(self) -> bool:
        """Plot the ranges as the scenario opened, after panning and zooming; False if they are shown already."""
        ranges = self.opened_ranges()
        if ranges == self.plot.ranges:
            return False
        self.set_plot(replace(self.plot, ranges=ranges))
        return True

    def range_of(self, name: str) -> tuple[float, float]:
        """The range a variable is plotted over: now, or last time it was (since the scenario was opened)."""
        return self.plot.ranges.get(name) or self._earlier_ranges.get(name, DEFAULT_RANGE)

    def _held_from_probe_or_start(self, name: str) -> float:
        """A variable plotted before and held now stays where a pinned probe is, else where run 1 starts."""
        if self.probe is not None and name in self.probe:
            return self.probe[name]
        if self.run_specs and name in self.run_specs[0].start:
            return self.run_specs[0].start[name]
        return 0.0

    def set_range(self, axis: str, low: float, high: float) -> None:
        """Change the plotted range of one axis (refused, with a notice why, unless range_problem has none)."""
        problem = range_problem(low, high)
        if problem:
            kept_low, kept_high = self.plot.ranges.get(axis, (math.nan, math.nan))
            ends = (low, high, -LARGEST_VALUE, LARGEST_VALUE)  # each end named unlike the limits and the other end
            named_low, named_high = format_number_apart(low, ends), format_number_apart(high, ends)
            shown = unicode_name(axis)  # w₁ or θ, as the axes and the range boxes name it
            self.notice.emit(f"{shown} from {named_low} to {named_high} {NOT_A_RANGE}: {problem} "
                             f"({shown} stays from {format_number(kept_low)} to {format_number(kept_high)}).")
            return
        ranges = dict(self.plot.ranges)
        ranges[axis] = (float(low), float(high))
        self.set_plot(replace(self.plot, ranges=ranges))

    def ranges_showing_runs(self) -> dict[str, tuple[float, float]]:
        """The plotted ranges, each widened to round values where a run has gone beyond it by the current step."""
        ranges = dict(self.plot.ranges)
        for result in self.runs:
            points = result.points[: self.step + 1]
            for axis in self.plot.axes:
                column = points[:, self.variables.index(axis)]
                low, high = ranges[axis]
                ranges[axis] = (min(low, float(column.min())), max(high, float(column.max())))
        old = self.plot.ranges
        return {axis: bounds if bounds == old[axis] else widened_to_round_ends(old[axis], bounds)
                for axis, bounds in ranges.items()}

    def show_runs(self) -> bool:
        """Widen the plotted ranges to hold every run up to the current step; False if they did already."""
        ranges = self.ranges_showing_runs()
        if ranges == self.plot.ranges:
            return False
        zoomed = self._zoomed_out
        before = zoomed[0] if zoomed is not None and zoomed[1] == self.plot.ranges else self.plot.ranges
        self.set_plot(replace(self.plot, ranges=ranges))
        self._zoomed_out = (before, ranges)
        return True

    def zoom_back(self) -> bool:
        """Back to the ranges before show_runs widened them, if nothing changed them since; False otherwise."""
        zoomed, self._zoomed_out = self._zoomed_out, None
        if zoomed is None or zoomed[1] != self.plot.ranges:
            return False
        self.set_plot(replace(self.plot, ranges=zoomed[0]))
        return True

    def set_resolution(self, resolution: int) -> None:
        """Change the number of grid points per axis."""
        self.set_plot(replace(self.plot, resolution=int(resolution)))

    def set_fixed(self, name: str, value: float) -> None:
        """Change the value of a variable that is held fixed (not plotted)."""
        if name not in self.fixed or self.fixed[name] == value:
            return
        self.fixed = {**self.fixed, name: float(value)}
        self.run_specs = tuple(replace(spec, start={**spec.start, name: float(value)}) for spec in self.run_specs)
        self._hold_probe()
        self._recompute_field()
        self._recompute_runs()
        if self.probe is not None:
            self.probe_changed.emit(self.probe)

    def _hold_probe(self) -> None:
        """A pinned probe takes the held values: it stays on the surface drawn (its tangents touched the old one)."""
        if self.probe is not None:
            self.probe = {**self.probe, **self.fixed}

    def _recompute_field(self) -> None:
        if self.analysis is None:
            return
        self.field = evaluate_grid(self.analysis.compiled, self.domain())
        self.field_changed.emit(self.field)

    def basins_wanted(self) -> BasinsKey | None:
        """What basins are to be shown for, if they are: the formula, the plotted domain and the first run's spec."""
        field = self.field
        if not self.view.basins or field is None or self.analysis is None or not self.run_specs:
            return None
        if field.domain.variables != self.plot.axes:
            return None
        return BasinsKey(self.analysis, field.domain, self.run_specs[0])

    def basins(self) -> Basins | None:
        """The basins to show now: those given for what is shown (see set_basins), None if none are."""
        wanted = self.basins_wanted()
        if wanted is None or self._basins is None or not self._basins[0].same(wanted):
            return None
        return self._basins[1]

    def set_basins(self, key: BasinsKey, basins: Basins) -> None:
        """Keep basins computed for this key (they show while it is what basins_wanted gives)."""
        self._basins = (key, basins)
        self.basins_changed.emit(self.basins())

    def critical_points(self) -> CriticalPoints | None:
        """The critical points in the plotted ranges (found once for each field), None before a field is drawn."""
        field = self.field
        if field is None or self.analysis is None or field.domain.variables != self.plot.axes:
            return None
        if self._critical is None or self._critical[0] is not field:
            self._critical = (field, critical_points(self.analysis.compiled, field))
        return self._critical[1]

    # ----- runs --------------------------------------------------------------------------------------------
    def set_runs(self, specs: Sequence[RunSpec]) -> None:
        """Replace every run; settings that cannot run (say, a start where f is undefined) change nothing."""
        previous = self.run_specs
        self.run_specs = tuple(replace(spec, start=self._complete_point(spec.start)) for spec in specs)
        self._recompute_runs(fallback_specs=previous)

    def update_run(self, index: int, **changes: object) -> None:
        """Change settings of one run (lr, sign, optimizer, max_steps, params, start): its label goes with a change of
        what it describes (see changed_run)."""
        specs = list(self.run_specs)
        specs[index] = changed_run(specs[index], **changes)
        self.set_runs(specs)

    def set_start(self, point: dict[str, float], index: int = 0) -> None:
        """Move the start point of a run (only the coordinates given change)."""
        if not self.run_specs:
            return
        self.update_run(index, start={**self.run_specs[index].start, **point})

    @property
    def computing(self) -> RunBatch | None:
        """The batch of runs being computed for the current settings, if any."""
        return None if self._run_request is None else self._run_request.batch

    def stop_computing(self) -> None:
        """Stop computing the runs, keeping the steps computed so far (their step budgets shrink to match)."""
        if self._run_request is not None:
            self._run_request.batch.stop()

    def wait_for_runs(self) -> None:
        """Block until the runs being computed are in."""
        self.run_scheduler.wait()

    def _recompute_runs(self, fallback_specs: tuple[RunSpec, ...] | None = None) -> None:
        """Have the runs computed for the current settings (any batch still computing is dropped)."""
        if self.analysis is None:
            return
        superseded = self._run_request
        if superseded is not None:
            superseded.batch.stop()
            if fallback_specs is not None:
                fallback_specs = superseded.fallback_specs or fallback_specs
        batch = RunBatch(self.analysis.compiled, self.run_specs, self.plot.axes)
        self._run_request = _RunRequest(batch, self.analysis, self.plot.axes, dict(self.fixed), fallback_specs)
        self.computing_changed.emit(batch)
        self.run_scheduler.submit(batch, self._deliver_runs)

    def _deliver_runs(self, batch: RunBatch, outcome: RunOutcome) -> None:
        """Show the runs of the batch computed for the current settings; drop those of superseded ones."""
        request = self._run_request
        if request is None or request.batch is not batch:
            return
        self._run_request = None
        # the runs shown are of the slice drawn: after a new formula, axes or held value they are not
        current = (self._runs_analysis is request.analysis and self._runs_axes == request.axes
                   and self._runs_fixed == request.fixed)
        if isinstance(outcome, DescentError):
            self.notice.emit(f"{RUN_REFUSED}: {for_function(str(outcome), request.analysis.formula.name)}")
            if current:  # keep the runs shown, and the settings they were computed with
                if request.fallback_specs is not None:
                    self.run_specs = request.fallback_specs
                self.computing_changed.emit(None)
                return
            self.run_refusal = str(outcome)
            outcome = ()
        else:
            self.run_refusal = ""
            self.run_specs = tuple(result.spec for result in outcome)
            self._report_stop(batch, outcome)
        self.runs = outcome
        self._runs_analysis, self._runs_axes, self._runs_fixed = request.analysis, request.axes, request.fixed
        self.computing_changed.emit(None)
        self.runs_changed.emit(self.runs)
        self.set_step(min(self.step, self.last_step))

    def _report_stop(self, batch: RunBatch, runs: tuple[RunResult, ...]) -> None:
        """Say where the runs ended when computing them was stopped."""
        shortened = [(index, result) for index, (spec, result) in enumerate(zip(batch.specs, runs, strict=True))
                     if result.spec.max_steps != spec.max_steps]
        if not shortened:
            return
        if len(runs) == 1:
            steps = runs[0].spec.max_steps
            self.notice.emit(f"Stopped computing at step {steps} of the run: its step budget is now {steps}.")
            return
        ends = ", ".join(f"run {index + 1} at step {result.spec.max_steps}" for index, result in shortened)
        self.notice.emit(f"Stopped computing: {ends} (now their step budgets).")

    # ----- the clock ---------------------------------------------------------------------------------------
    @property
    def last_step(self) -> int:
        """The largest step index of any run."""
        return max((len(result.run.steps) - 1 for result in self.runs), default=0)

    def set_step(self, step: int) -> None:
        """Show every run at this step (clamped to the longest run)."""
        step = max(0, min(int(step), self.last_step))
        self.step = step
        self.step_changed.emit(step)

    def step_by(self, delta: int) -> None:
        """Move the clock forward (positive) or back (negative)."""
        self.set_step(self.step + delta)

    def reset(self) -> None:
        """Back to step 0."""
        self.set_step(0)

    def step_state(self, run_index: int) -> StepState:
        """Which step of run `run_index` is shown at the current clock."""
        steps = self.runs[run_index].run.steps
        index = min(self.step, len(steps) - 1)
        return StepState(run_index=run_index, step_index=index, finished=index == len(steps) - 1)

    # ----- probe and view ----------------------------------------------------------------------------------
    def set_probe(self, point: dict[str, float] | None) -> None:
        """Set the point whose partial derivatives are shown (None: follow the current descent point).

        A coordinate beyond ±LARGEST_VALUE is brought to it and a point not finite is not taken: a probe pinned on a
        run gone to 1e200 was saved in a file that could not be opened again.
        """
        if point is not None and not all(math.isfinite(value) for value in point.values()):
            return
        self.probe = None if point is None else self._complete_point(point)
        self.probe_changed.emit(self.probe)

    def set_view(self, **changes: object) -> None:
        """Change view options such as arrows ('uphill'/'downhill') or log_height."""
        view = replace(self.view, **changes)  # type: ignore[arg-type]
        if view != self.view:
            self.view = view
            self.view_changed.emit(view)

    def set_theme(self, theme: str) -> None:
        """Draw with another colour theme ('default' or 'projector')."""
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)}")
        if theme != self.theme:
            self.theme = theme
            self.theme_changed.emit(theme)

    def set_presentation_scale(self, scale: float) -> None:
        """Enlarge lines, markers and text by this factor (kept between 1 and 6)."""
        scale = _bounded_scale(scale)
        if scale != self.presentation_scale:
            self.presentation_scale = scale
            self.presentation_scale_changed.emit(scale)

    def set_presenting_scale(self, scale: float) -> None:
        """The scale to present the scenario at, for a 1920 × 1080 screen (1: none, the lecturer's own): what its
        file keeps as its presentation scale. It is not what the window draws at (presentation_scale) outside
        presentation mode: a file saved while presenting on a 4K screen opened at 3.2 times the size in a laptop's
        editing window."""
        scale = _bounded_scale(scale)
        if scale != self.presenting_scale:
            self.presenting_scale = scale
            self.presenting_scale_changed.emit(scale)

    def set_camera(self, camera: Camera) -> None:
        """Record where the 3D view looks from."""
        if camera != self.camera:
            self.camera = camera
            self.camera_changed.emit(camera)

    # ----- scenarios ---------------------------------------------------------------------------------------
    def scenario(self) -> Scenario:
        """The session's state as a scenario."""
        return Scenario(
            formula=self.analysis.formula.text if self.analysis else "",
            plot=self.plot, runs=self.run_specs, fixed=dict(self.fixed), view=self.view,
            probe=None if self.probe is None else dict(self.probe), title=self.title, description=self.description,
            step=self.step, camera=self.camera, theme=self.theme, presentation_scale=self.presenting_scale,
        )

    def apply_scenario(self, scenario: Scenario, analysis: Analysis, keep_look: bool = False) -> None:
        """Show a scenario whose formula has been analysed already, in its theme and to be presented at its scale
        (keep_look: in the theme and presenting scale shown now); the scale drawn at is the drawer's to set."""
        self._opened_ranges = {}
        self._show_edits(scenario, analysis, scenario.step)
        if not keep_look:
            self.set_theme(scenario.theme)
            self.set_presenting_scale(scenario.presentation_scale)
        self.set_camera(scenario.camera)
        self.scenario_applied.emit(scenario)

    def restore_edits(self, scenario: Scenario, analysis: Analysis) -> None:
        """Go back (or forward) to a scenario's edits, an undo: the clock, camera and look stay; nothing is opened."""
        self._show_edits(scenario, analysis, self.step)

    def _show_edits(self, scenario: Scenario, analysis: Analysis, step: int) -> None:
        """Show the formula, plot, held values, runs, view options, probe and title of a scenario, at this step."""
        variables = analysis.formula.variables
        check_scenario_variables(scenario, variables)
        self.analysis = analysis
        self.error = None
        self.runs = ()  # computed for the old formula: no view may draw them on the new field
        self.title, self.description = scenario.title, scenario.description
        self.plot = scenario.plot
        self._earlier_ranges = {}
        self._remember_opened_ranges()
        shown = scenario_as_shown(scenario, variables)
        self.fixed, self.run_specs, self.probe = shown.fixed, shown.runs, shown.probe
        aspect = scenario.view.equal_aspect
        self.view = replace(scenario.view, equal_aspect=self.preferred_equal_aspect if aspect is None else aspect)
        self.step = step
        self.formula_changed.emit(analysis)
        self.error_changed.emit(None)
        self.plot_changed.emit(self.plot)
        self._recompute_field()
        self.view_changed.emit(self.view)
        self._recompute_runs()
        self.probe_changed.emit(self.probe)


def _bounded_scale(scale: float) -> float:
    """A presentation scale between the least and the largest there are."""
    return min(max(float(scale), MIN_PRESENTATION_SCALE), MAX_PRESENTATION_SCALE)


def shaped_held_value(compiled: CompiledFormula, ranges: dict[str, tuple[float, float]], fixed: dict[str, float],
                      name: str) -> float:
    """A value to hold `name` at: the first of NEW_HELD_VALUES where f over the ranges is defined and not flat.

    The plotted variables are those in `ranges`; the other held ones keep their values in `fixed`.
    """
    axes = tuple(ranges)
    samples = [np.linspace(*ranges[axis], SHAPE_SAMPLES) for axis in axes]
    plotted = dict(zip(axes, np.meshgrid(*samples) if samples else (), strict=True))
    for value in NEW_HELD_VALUES:
        held = {**fixed, name: value}
        inputs = [plotted[variable] if variable in plotted else held.get(variable, NEW_HELD_VALUES[0])
                  for variable in compiled.variables]
        heights, _gradient = compiled.evaluate(inputs)
        finite = heights[np.isfinite(heights)]
        if finite.size and np.ptp(finite) > 0:
            return value
    return NEW_HELD_VALUES[0]


def axes_to_plot(plotted: tuple[str, ...], variables: tuple[str, ...]) -> tuple[str, ...]:
    """The one or two variables of a new formula a map plotting these plots: those it has still, then its others."""
    kept_axes = [name for name in plotted if name in variables]
    if is_model_loss(variables) and not any(is_model_parameter(name) for name in kept_axes):
        kept_axes = []  # a model's loss typed after an (x, y) formula: its weights are plotted, not its data
    axes = tuple((kept_axes + [v for v in variables if v not in kept_axes])[: min(2, len(variables))])
    if len(kept_axes) < len(plotted):  # the plotted pair was not kept whole: the formula's order (x across)
        axes = tuple(sorted(axes, key=variables.index))  # 3x^2 + y typed after 3x2 + y plotted y across, x up
    return axes


def noise_floor_on_a_new_map(compiled: CompiledFormula, point: Mapping[str, float]) -> NoiseFloor:
    """The noise floor at a point (see GridField.noise_floor_at) on the map a new window draws f on, its ranges
    widened to round ends to hold the point and the variables it does not plot held there: the window's readouts
    show f and its partials below it as 0, and so does a caller with no window (derive --at)."""
    return noise_floors_on_new_maps(compiled, [[point[name] for name in compiled.variables]])


def noise_floors_on_new_maps(compiled: CompiledFormula, points: ArrayLike,
                             movable: Sequence[str] | None = None) -> NoiseFloor:
    """The noise floor at each of these points (a row each, in the order of compiled's variables) on the map a new
    window would draw f on for it alone, as noise_floor_on_a_new_map finds it; the map plots one or two of the
    movable variables (all of them unless given: the others are held), the row of floors one per point."""
    points = np.asarray(points, dtype=float).reshape(-1, len(compiled.variables))
    axes = axes_to_plot(DEFAULT_AXES, tuple(movable if movable is not None else compiled.variables))
    if not axes:
        return NO_NOISE_FLOOR
    low, high = DEFAULT_RANGE
    plotted = points[:, [compiled.variables.index(axis) for axis in axes]]
    beyond = ~np.all((plotted >= low) & (plotted <= high), axis=1)  # maps other than the one of the usual ranges
    ranges = [(DEFAULT_RANGE,) * len(axes)] * len(points)
    for row in np.flatnonzero(beyond):
        ranges[row] = tuple(widened_to_round_ends(DEFAULT_RANGE, (min(low, value), max(high, value)))
                            for value in plotted[row].tolist())
    floors = noise_floor_on_maps(compiled, points, axes, ranges, DEFAULT_RESOLUTION)
    return floors if len(points) > 1 else floors.at(0)


def widened_to_round_ends(old: tuple[float, float], needed: tuple[float, float]) -> tuple[float, float]:
    """needed, each end beyond old moved out by a twelfth of the span, on to a round value (−11 in −11…4 → −13)."""
    low, high = needed
    span = high - low
    margin = span / 12.0
    step = round_step(span / 20.0)
    if low < old[0]:
        low = max(math.floor((low - margin) / step) * step, -LARGEST_VALUE)
    if high > old[1]:
        high = min(math.ceil((high + margin) / step) * step, LARGEST_VALUE)
    return float(low), float(high)


def completed_point(point: dict[str, float], variables: Sequence[str], fixed: dict[str, float],
                    ranges: dict[str, tuple[float, float]]) -> dict[str, float]:
    """The point with every variable: a held one missing at its held value, another three quarters along its range;
    each within ±LARGEST_VALUE, as a file holds it."""
    completed = {}
    for name in variables:
        if name in point:
            completed[name] = min(max(point[name], -LARGEST_VALUE), LARGEST_VALUE)  # nan stays nan
        elif name in fixed:
            completed[name] = fixed[name]
        else:
            lo, hi = ranges.get(name, DEFAULT_RANGE)
            completed[name] = lo + 0.75 * (hi - lo)
    return completed


def scenario_as_shown(scenario: Scenario, variables: tuple[str, ...]) -> Scenario:
    """The scenario's held values, runs and probe as a session showing it (its formula of these variables) has them.

    Every variable not plotted is held, at the scenario's value or else where its first run starts; every start and a
    pinned probe name every variable, the held ones at their held values.
    """
    first_start = scenario.runs[0].start if scenario.runs else {}
    fixed = {name: scenario.fixed.get(name, first_start.get(name, 0.0)) for name in variables
             if name not in scenario.plot.axes}

    def on_the_slice(point: dict[str, float]) -> dict[str, float]:
        return {**completed_point(point, variables, fixed, scenario.plot.ranges), **fixed}

    return replace(scenario, fixed=fixed, runs=tuple(replace(spec, start=on_the_slice(spec.start))
                                                     for spec in scenario.runs),
                   probe=None if scenario.probe is None else on_the_slice(scenario.probe))


def check_scenario_variables(scenario: Scenario, variables: tuple[str, ...]) -> None:
    """Raise FormulaError if the scenario plots or holds a name that is not a variable of its formula."""
    unknown = [name for name in (*scenario.plot.axes, *scenario.fixed) if name not in variables]
    if unknown:
        raise FormulaError(f"the scenario names '{unknown[0]}', which is not a variable of its formula")
