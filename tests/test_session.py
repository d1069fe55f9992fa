"""The session: one state, every change announced; runs follow the formula, the domain and held values."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from gradviz.core.analysis import analyze, analyze_in_process
from gradviz.core.notation import format_number
from gradviz.core.presets import all_presets, find_preset
from gradviz.core.scenario import RunSpec, range_problem, scenario_from_dict, scenario_to_dict
from gradviz.core.session import Session


def recorder(session: Session) -> list[str]:
    events: list[str] = []
    for name in ("formula_changed", "error_changed", "plot_changed", "field_changed", "runs_changed",
                 "step_changed", "probe_changed", "view_changed", "notice"):
        getattr(session, name).connect(lambda *_, n=name: events.append(n))
    return events


def session_with(preset_id: str) -> Session:
    session = Session()
    scenario = find_preset(preset_id).scenario
    session.apply_scenario(scenario, analyze(scenario.formula))
    return session


def test_a_new_formula_recomputes_field_and_runs() -> None:
    session = session_with("bowl")
    events = recorder(session)
    session.set_analysis(analyze("x^2 + 10y^2"))
    assert events[:2] == ["formula_changed", "error_changed"]
    assert "field_changed" in events and "runs_changed" in events
    assert session.field is not None
    xs, ys = session.field.xs, session.field.ys
    assert session.field.values[len(ys) // 2, 0] == pytest.approx(xs[0] ** 2 + 10 * ys[len(ys) // 2] ** 2)
    assert session.runs[0].run.steps[0].value == pytest.approx(2.5**2 + 10 * 1.5**2)


def test_variables_change_adapts_plot_fixed_and_start() -> None:
    session = session_with("bowl")
    session.set_analysis(analyze("(5 - w1 - 2w2)^2"))
    assert session.plot.axes == ("w1", "w2")
    assert session.fixed == {}
    assert set(session.run_specs[0].start) == {"w1", "w2"}
    session.set_analysis(analyze("x^2 + 2y^2 + 3z^2"))
    assert session.plot.axes == ("x", "y")
    assert set(session.fixed) == {"z"}
    session.set_analysis(analyze("(w - 3)^2"))
    assert session.plot.axes == ("w",)
    assert session.field is not None and session.field.ys is None


def test_a_formula_whose_plotted_pair_was_not_kept_whole_plots_in_its_own_order() -> None:
    """3x2 + y (x₂ a variable) plotted y across and x₂ up; 3x^2 + y typed next kept y across and put x up."""
    session = session_with("bowl")
    session.set_analysis(analyze("3x2 + y"))
    assert session.plot.axes == ("y", "x2")
    session.set_analysis(analyze("3x^2 + y"))
    assert session.plot.axes == ("x", "y")
    session.set_plot(replace(session.plot, axes=("y", "x"), ranges={"y": (-3.0, 3.0), "x": (-3.0, 3.0)}))
    session.set_analysis(analyze("x^2 + 3y"))
    assert session.plot.axes == ("y", "x"), "a pair the user chose, kept whole, stays as chosen"


def test_a_models_loss_typed_after_an_x_y_formula_plots_its_weights() -> None:
    """The window kept plotting x and y (the data) for 0.5(wx + b − y)², and descent moved the data."""
    session = session_with("bowl")
    for text, axes in (("0.5(w x + b - y)^2", ("w", "b")), ("(y - w1 x1 - w2 x2)^2", ("w1", "w2")),
                       ("x^2 + y^2 + z w", ("x", "y"))):  # one w is no model: the plotted x and y stay
        session.set_analysis(analyze(text))
        assert session.plot.axes == axes, text
    session.set_analysis(analyze("(5 - w1 - 2w2)^2 + b"))
    session.set_plot(replace(session.plot, axes=("w2", "b"), ranges={"w2": (-3.0, 3.0), "b": (-3.0, 3.0)}))
    session.set_analysis(analyze("(5 - w1 - 2w2)^2 + 2b"))
    assert session.plot.axes == ("w2", "b"), "a model's parameters chosen to plot stay"


@pytest.mark.parametrize(
    ("formula", "held"),
    [
        ("x y z", {"z": 1.0}),  # at 0 the slice is flat and the run stops at once
        ("x + y + ln(z)", {"z": 1.0}),  # undefined at 0
        ("sqrt(1 - x^2 - y^2 - z^2)", {"z": 0.0}),  # undefined at 1
        ("x^2 + y^2 + z w", {"z": 1.0, "w": 1.0}),
    ],
)
def test_a_variable_the_formula_gains_is_held_where_the_slice_has_a_shape(formula: str, held: dict) -> None:
    session = session_with("bowl")
    session.set_analysis(analyze(formula))
    assert session.fixed == held
    finite = session.field.values[np.isfinite(session.field.values)]
    assert finite.size and np.ptp(finite) > 0
    session.set_fixed("z", 0.25)
    session.set_analysis(analyze(formula + " + 1"))
    assert session.fixed["z"] == 0.25  # a value the user chose stays


def test_a_held_value_where_the_run_cannot_start_leaves_no_run_of_another_slice() -> None:
    """The run of z = 0 stayed on screen over the slice z = 0.9, where its start has no value."""
    session = session_with("bowl")
    session.set_analysis(analyze("sqrt(1 - x^2 - y^2 - z^2)"))
    session.set_runs([RunSpec(start={"x": 0.5, "y": 0.5, "z": 0.0})])
    session.wait_for_runs()
    assert session.runs and session.fixed == {"z": 0.0}
    session.set_fixed("z", 0.9)
    session.wait_for_runs()
    assert session.runs == () and "cannot start from (x, y) = (0.5, 0.5) with z = 0.9 held" in session.run_refusal
    session.set_fixed("z", 0.5)
    session.wait_for_runs()
    assert session.runs[0].points[0].tolist() == [0.5, 0.5, 0.5] and session.run_refusal == ""


def test_variables_held_after_a_new_formula_or_new_axes_hold_the_runs_and_probe_on_the_slice_drawn() -> None:
    """(w − x)² + (b − y)² typed over the bowl held x = y = 1 in the views while the run and probe kept (2.5, −1.5)."""
    session = session_with("bowl")
    session.set_runs([RunSpec(start={"x": 2.5, "y": -1.5}), RunSpec(start={"x": -2.0, "y": 2.0})])
    session.set_probe({"x": 0.5, "y": 0.5})
    session.set_analysis(analyze("(w - x)^2 + (b - y)^2"))
    session.wait_for_runs()
    assert session.plot.axes == ("w", "b") and set(session.fixed) == {"x", "y"}
    for result in session.runs:
        held = {name: result.spec.start[name] for name in session.fixed}
        assert held == session.fixed
        columns = [session.variables.index(name) for name in ("x", "y")]
        assert np.all(result.points[:, columns] == [session.fixed["x"], session.fixed["y"]])
    assert {name: session.probe[name] for name in session.fixed} == session.fixed
    session.set_plot(replace(session.plot, axes=("w", "x"), ranges={"w": (-3.0, 3.0), "x": (-3.0, 3.0)}))
    session.wait_for_runs()
    assert set(session.fixed) == {"b", "y"}
    assert all(result.spec.start["b"] == session.fixed["b"] for result in session.runs), "every run, not the first"


def test_a_scenario_holds_each_variable_at_one_value_for_views_and_runs() -> None:
    """A file whose run started at z = 2 with z held at 1 drew the run 9 above the surface."""
    scenario = find_preset("three-variables").scenario
    start = {"x": 1.0, "y": 1.0, "z": 2.0}
    for fixed, held in (({"z": 1.0}, 1.0), ({}, 2.0)):  # the scenario's held value, else where run 1 starts
        session = Session()
        session.apply_scenario(replace(scenario, fixed=fixed, runs=(replace(scenario.runs[0], start=start),),
                                       probe={"x": 0.0, "y": 0.0, "z": 5.0}), analyze(scenario.formula))
        session.wait_for_runs()
        assert session.fixed == {"z": held} and session.probe == {"x": 0.0, "y": 0.0, "z": held}
        assert session.runs[0].points[0].tolist() == [1.0, 1.0, held]


def test_held_fixed_values_stay_fixed_in_runs_and_move_the_slice() -> None:
    session = session_with("three-variables")
    run = session.runs[0]
    assert np.all(run.points[:, 2] == 1.0)
    before = session.field.values.copy()
    session.set_fixed("z", 0.0)
    assert np.allclose(before - session.field.values, 3.0, equal_nan=False)
    assert np.all(session.runs[0].points[:, 2] == 0.0)


def test_error_keeps_everything_else() -> None:
    session = session_with("bowl")
    field, runs = session.field, session.runs
    events = recorder(session)
    from gradviz.core.errors import FormulaError

    session.set_error(FormulaError("unknown name 'q'", 0))
    assert events == ["error_changed"]
    assert session.field is field and session.runs is runs


def test_clock_is_shared_and_clamped() -> None:
    session = session_with("wrong-sign")
    assert len(session.runs) == 2
    session.set_step(10**6)
    assert session.step == session.last_step
    session.step_by(-3)
    for index, result in enumerate(session.runs):
        state = session.step_state(index)
        assert state.step_index == min(session.step, len(result.run.steps) - 1)
        assert state.finished == (state.step_index == len(result.run.steps) - 1)
    session.reset()
    assert session.step == 0


def test_start_point_where_f_is_undefined_changes_nothing() -> None:
    session = Session()
    session.set_analysis(analyze("log(x) + y^2"))
    session.set_plot(type(session.plot)(axes=("x", "y"), ranges={"x": (-1.0, 3.0), "y": (-2.0, 2.0)}))
    session.set_start({"x": 2.0, "y": 1.0})
    good = session.runs
    events = recorder(session)
    session.set_start({"x": -1.0, "y": 1.0})
    assert "notice" in events
    assert session.runs is good
    assert session.run_specs[0].start["x"] == 2.0


def test_scenario_round_trip_through_the_session() -> None:
    session = session_with("double-well")
    session.update_run(0, lr=0.05, sign="wrong")
    session.set_view(log_height=True, arrows="downhill")
    scenario = session.scenario()
    again = Session()
    again.apply_scenario(scenario, analyze(scenario.formula))
    assert again.scenario() == scenario
    assert again.runs[0].spec == RunSpec(start={"x": 0.3}, lr=0.05, sign="wrong", max_steps=100)


@pytest.mark.parametrize("preset", [p.id for p in all_presets()])
def test_every_preset_opens_and_runs(preset: str) -> None:
    session = session_with(preset)
    assert session.field is not None
    assert session.field.nonfinite_fraction < 0.5
    assert session.runs, preset
    for result in session.runs:
        assert np.all(np.isfinite(result.points))
        assert len(result.run.steps) >= 2


def test_views_never_see_runs_of_the_previous_formula() -> None:
    session = session_with("wrong-sign")
    seen: list[tuple[int, ...]] = []
    session.field_changed.connect(lambda _field: seen.extend(r.points.shape[1] for r in session.runs))
    scenario = find_preset("bowl").scenario
    session.apply_scenario(scenario, analyze(scenario.formula))
    session.set_analysis(analyze("f(x, y, z) = x^2 + y^2 + z^2"))
    assert all(width == len(session.variables) for width in seen) and session.runs


def test_zooming_out_to_the_runs_widens_the_ranges_to_round_values() -> None:
    """The wrong sign leaves the map within a few steps: the ranges grow to hold the run up to the current step."""
    from gradviz.core.session import widened_to_round_ends

    session = session_with("two-weight-loss")
    session.update_run(0, sign="wrong", max_steps=8)
    fields: list[object] = []
    session.field_changed.connect(fields.append)
    assert not session.show_runs(), "at step 0 the run is inside"
    session.set_step(4)  # at (−5, −11)
    assert session.show_runs()
    assert session.plot.ranges == {"w1": (-6.0, 4.0), "w2": (-13.0, 4.0)}  # the high ends were not passed: kept
    assert len(fields) == 1 and not session.show_runs()
    session.set_step(6)  # further out: widened again, and back goes back to the ranges before either
    assert session.show_runs() and session.plot.ranges["w2"][0] < -13.0
    assert session.zoom_back() and session.plot.ranges == find_preset("two-weight-loss").scenario.plot.ranges
    assert not session.zoom_back(), "once"
    session.set_step(4)
    assert session.show_runs()
    session.set_range("w1", -7.0, 5.0)
    assert not session.zoom_back(), "the ranges were changed since: they stay"
    point = session.runs[0].run.points[4]
    assert all(low < value < high for value, (low, high) in zip(point, session.plot.ranges.values(), strict=True))
    assert widened_to_round_ends((-1.0, 4.0), (-1.0, 1234.5)) == (-1.0, 1400.0)
    assert widened_to_round_ends((-1.0, 1.0), (-3e13, 1.0))[0] == -1e12  # no further than the range boxes go


def test_a_scenario_that_leaves_the_aspect_open_gets_the_viewers_choice() -> None:
    scenario = find_preset("bowl").scenario
    assert scenario.view.equal_aspect is None
    session = Session()
    session.preferred_equal_aspect = True
    session.apply_scenario(scenario, analyze_in_process(scenario.formula))
    assert session.view.equal_aspect is True
    asked = replace(scenario, view=replace(scenario.view, equal_aspect=False))
    session.apply_scenario(asked, analyze_in_process(scenario.formula))
    assert session.view.equal_aspect is False and session.scenario().view == asked.view


def test_a_pinned_probe_takes_the_held_values_and_stays_on_the_surface() -> None:
    """Moving a held slider left the pinned probe's tangent at the old value (f = 7 under a curve at 8.365)."""
    session = Session()
    session.set_analysis(analyze_in_process("x^2 + y^2 + z^2"))
    session.set_probe({"x": 1.0, "y": 2.0, "z": 0.0})
    probes: list[dict[str, float] | None] = []
    session.probe_changed.connect(probes.append)
    session.set_fixed("z", 1.5)
    assert session.probe == {"x": 1.0, "y": 2.0, "z": 1.5} and probes == [session.probe]
    session.set_plot(replace(session.plot, axes=("x", "z"), ranges={"x": (-3.0, 3.0), "z": (-3.0, 3.0)}))
    held_y = session.fixed["y"]
    assert session.probe["y"] == held_y and session.probe["z"] == 1.5, "the newly held y is the probe's too"
    assert probes[-1] == session.probe


def test_a_pinned_probe_stays_where_it_was_pinned_when_other_variables_are_plotted() -> None:
    """Plotting (x, z) held y where run 1 starts (y = 1) and moved the probe pinned at y = −1.5 there."""
    session = session_with("three-variables")
    session.wait_for_runs()
    session.set_probe({"x": 0.5, "y": -1.5})
    session.set_plot(replace(session.plot, axes=("x", "z"), ranges={"x": (-2.0, 2.0), "z": (-2.0, 2.0)}))
    session.wait_for_runs()
    assert session.probe == {"x": 0.5, "y": -1.5, "z": 1.0} and session.fixed == {"y": -1.5}
    assert session.runs[0].points[0].tolist() == [1.0, -1.5, 1.0], "the run starts on the slice drawn"
    session.set_plot(replace(session.plot, axes=("x", "y"), ranges={"x": (-2.0, 2.0), "y": (-2.0, 2.0)}))
    assert session.probe == {"x": 0.5, "y": -1.5, "z": 1.0} and session.fixed == {"z": 1.0}
    session.set_probe(None)
    session.set_plot(replace(session.plot, axes=("y", "z"), ranges={"y": (-2.0, 2.0), "z": (-2.0, 2.0)}))
    assert session.fixed == {"x": 1.0}, "with no probe pinned a newly held variable stays where run 1 starts"


def test_a_runs_label_goes_when_what_it_describes_changes() -> None:
    """'η = 0.45, just below the limit 0.5' stayed on a run that diverged under the next formula."""
    session = Session()
    session.set_analysis(analyze_in_process("x^2 + y^2"))
    start = {"x": 1.5, "y": 1.0}
    session.set_runs([RunSpec(start=start, lr=0.45, label="η = 0.45, just below the limit"),
                      RunSpec(start=start, lr=0.1, label="start (1.5, 1)")])
    session.update_run(0, max_steps=30)
    assert session.run_specs[0].label == "η = 0.45, just below the limit", "the budget is not what it says"
    session.update_run(1, start={"x": -1.0, "y": 1.0})
    assert session.run_specs[1].label == "" and session.run_specs[0].label
    session.update_run(0, lr=0.45)
    assert session.run_specs[0].label, "no change"
    session.set_analysis(analyze_in_process("x^4 + y^2"))
    assert [spec.label for spec in session.run_specs] == ["", ""]


def test_a_variable_plotted_again_comes_back_over_its_range() -> None:
    session = Session()
    session.set_analysis(analyze_in_process("x^2 + y^2 + z^2"))
    session.set_range("y", -2.0, 2.0)
    session.set_analysis(analyze_in_process("x^2 + z^2"))  # y is gone, then typed again
    session.set_analysis(analyze_in_process("x^2 + y^2"))
    assert session.plot.ranges == {"x": (-3.0, 3.0), "y": (-2.0, 2.0)}


def test_the_default_presets_description_gives_its_runs_numbers() -> None:
    """It said descent 'settles near (−0.07, 0.22)'; its 60 steps end at (−0.13, 0.35), on the way there."""
    from gradviz.core.critical import critical_points

    session = session_with("cubic-mixed")
    session.wait_for_runs()
    description = find_preset("cubic-mixed").description
    end = session.runs[0].points[-1]
    assert session.runs[0].run.stop_reason == "max_steps" and len(session.runs[0].points) == 61
    assert f"end at ({end[0]:.2f}, {end[1]:.2f})".replace("-", "−") in description
    minima = [point.point for point in critical_points(session.analysis.compiled, session.field).points
              if point.kind == "minimum"]
    assert np.allclose(minima, [(-2 / 27, 2 / 9)]) and "(−2/27, 2/9) ≈ (−0.074, 0.222)" in description


@pytest.mark.parametrize(("low", "high", "why"), [
    (math.nan, 3.0, "its ends must be numbers from −1e12 to 1e12"),
    (-3.0, math.inf, "its ends must be numbers from −1e12 to 1e12"),
    (-3.0, 1e13, "its ends must be numbers from −1e12 to 1e12"),
    (0.0, 1e-320, "too narrow for numbers this size"),
    (1e11, 100000000000.001, "too narrow for numbers this size (at least 100000 wide there)"),
    (3.0, 3.0, "its start must be below its end"),
])
def test_a_range_that_cannot_be_drawn_is_refused_saying_why(low: float, high: float, why: str) -> None:
    session = session_with("bowl")
    notices: list[str] = []
    session.notice.connect(notices.append)
    kept = session.plot.ranges["x"]
    session.set_range("x", low, high)
    assert session.plot.ranges["x"] == kept
    assert len(notices) == 1 and why in notices[0] and "x stays from −3 to 3" in notices[0]


def test_a_range_refused_names_its_variable_as_the_axes_do() -> None:
    """w1's range refused was named 'w1 from 2 to 1', where the axes and the range boxes say w₁."""
    session = session_with("shifted-bowl")
    notices: list[str] = []
    session.notice.connect(notices.append)
    kept = session.plot.ranges["w1"]
    session.set_range("w1", 2.0, 1.0)
    assert notices == [f"w₁ from 2 to 1 is not a range: its start must be below its end (w₁ stays from "
                       f"{format_number(kept[0])} to {format_number(kept[1])})."]


def test_the_map_zoomed_beyond_what_a_file_holds_stops_there() -> None:
    """The map's zoom reaches the session through set_plot: a range it gives is one a saved file may hold again."""
    session = session_with("bowl")
    session.set_plot(replace(session.plot, ranges={"x": (1.0, 1.0 + 1e-12), "y": (-5e12, 3e12)}))
    assert all(range_problem(*pair) == "" for pair in session.plot.ranges.values())
    assert session.plot.ranges["y"] == (-1e12, 1e12)
    assert session.plot.ranges["x"][0] < 1.0 < session.plot.ranges["x"][1] < 1.00001


def test_the_probe_stays_where_a_file_can_hold_it() -> None:
    """Pinned on a run gone to 1e200, the probe was saved in a file that could not be opened again."""
    session = session_with("bowl")
    session.set_probe({"x": 1e200, "y": -5e12})
    assert session.probe == {"x": 1e12, "y": -1e12}
    session.set_probe({"x": math.inf, "y": 0.0})
    assert session.probe == {"x": 1e12, "y": -1e12}, "a point not finite is not taken"
    assert scenario_from_dict(scenario_to_dict(session.scenario())).probe == session.probe
