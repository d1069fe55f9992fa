"""Undo and redo in the core: the bounded list of states, and the words that name what an edit changed."""

from __future__ import annotations

from dataclasses import replace

from gradviz.core.history import EditHistory, change_name, changed_parts, edited_part
from gradviz.core.scenario import Camera, PlotSettings, RunSpec, Scenario, ViewOptions


def scenario(**changes: object) -> Scenario:
    base = Scenario(formula="x^2 + y^2", plot=PlotSettings(axes=("x", "y"), ranges={"x": (-3, 3), "y": (-3, 3)}),
                    runs=(RunSpec(start={"x": 2.0, "y": 1.0}),))
    return replace(base, **changes)


def test_undo_and_redo_walk_the_recorded_states() -> None:
    history: EditHistory[str] = EditHistory()
    assert history.undo() is None and history.redo() is None
    for state in ("a", "b", "c"):
        assert history.record(state)
    assert not history.record("c")  # the current state again is no edit
    assert history.undo() == "b"
    assert history.undo() == "a"
    assert history.undo() is None and history.current == "a"
    assert history.redo() == "b"
    assert history.next == "c" and history.previous == "a"


def abc_with_c_undone() -> EditHistory[str]:
    """A history that recorded a, b and c, with c undone."""
    history: EditHistory[str] = EditHistory()
    for state in ("a", "b", "c"):
        history.record(state)
    history.undo()
    return history


def test_a_new_edit_drops_the_states_undone() -> None:
    history = abc_with_c_undone()
    history.record("d")
    assert history.next is None and history.redo() is None
    assert history.undo() == "b"


def test_the_oldest_states_are_dropped_past_the_limit() -> None:
    history: EditHistory[int] = EditHistory(limit=3)
    for state in range(10):
        history.record(state)
    undone = []
    while (state := history.undo()) is not None:
        undone.append(state)
    assert undone == [8, 7, 6]


def test_watching_is_not_editing() -> None:
    watched = scenario(step=7, camera=Camera(azimuth=30.0), theme="projector", presentation_scale=2.0)
    assert edited_part(watched) == edited_part(scenario())


def test_an_edit_is_named_by_the_parts_it_changed() -> None:
    before = scenario()
    run = before.runs[0]
    assert change_name(before, replace(before, runs=(replace(run, lr=0.5),))) == "learning rate"
    assert change_name(before, replace(before, runs=(replace(run, sign="wrong", start={"x": 0.0, "y": 0.0}),))) == (
        "start point and update sign")
    assert change_name(before, replace(before, formula="x*y", runs=())) == "formula"  # the rest follows from it
    assert change_name(before, replace(before, runs=(run, run))) == "runs"
    assert change_name(before, replace(before, plot=replace(before.plot, ranges={"x": (-1, 1), "y": (-3, 3)}))) == (
        "plotted ranges")
    assert change_name(before, replace(before, view=ViewOptions(arrows="downhill", log_height=True))) == (
        "arrow direction and log height")
    many = replace(before, view=ViewOptions(contour_fill=False), fixed={"z": 1.0}, runs=(replace(run, max_steps=9),),
                   plot=replace(before.plot, resolution=100))
    assert changed_parts(before, many) == ["grid", "held values", "step budget", "contour fill"]
    assert change_name(before, many) == "4 settings"
    assert change_name(before, before) == "nothing"


def test_starting_over_forgets_before_and_after() -> None:
    history = abc_with_c_undone()
    history.start_over("scene")
    assert history.current == "scene" and history.previous is None and history.next is None
    assert history.undo() is None


def test_an_edit_carried_on_replaces_the_current_state() -> None:
    history = abc_with_c_undone()
    history.amend("b2")
    assert (history.previous, history.current, history.next) == ("a", "b2", None)
    empty: EditHistory[str] = EditHistory()
    empty.amend("x")
    assert empty.current == "x" and empty.previous is None
