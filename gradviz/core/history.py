"""Undo and redo: the edits of a session as a bounded list of states, and a few words naming what each changed."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Generic, TypeVar

from gradviz.core.scenario import Camera, RunSpec, Scenario

HISTORY_LIMIT = 100  # states kept to go back to; the oldest are dropped
MOST_PARTS_NAMED = 3  # a change of more parts than this is named by how many there are

State = TypeVar("State")

RUN_PARTS = {
    "start": "start point",
    "lr": "learning rate",
    "sign": "update sign",
    "optimizer": "optimizer",
    "params": "optimizer settings",
    "max_steps": "step budget",
    "label": "run name",
}
VIEW_PARTS = {
    "arrows": "arrow direction",
    "log_height": "log height",
    "show_arrows": "gradient arrows",
    "contour_fill": "contour fill",
    "critical_points": "critical points",
    "basins": "basins",
    "equal_aspect": "equal aspect",
}


class EditHistory(Generic[State]):
    """The current state, the states before it (to undo to) and those undone (to redo), at most `limit` back."""

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self._limit = limit
        self._past: list[State] = []
        self._future: list[State] = []
        self.current: State | None = None

    @property
    def previous(self) -> State | None:
        """The state Undo goes back to, if any."""
        return self._past[-1] if self._past else None

    @property
    def next(self) -> State | None:
        """The state Redo goes forward to, if any."""
        return self._future[-1] if self._future else None

    def record(self, state: State) -> bool:
        """Make `state` the current one (the states undone are dropped); False if it is the current one already."""
        if state == self.current:
            return False
        if self.current is not None:
            self._past.append(self.current)
            del self._past[:-self._limit]
        self._future.clear()
        self.current = state
        return True

    def amend(self, state: State) -> None:
        """Replace the current state by this one, as the same edit carried on (the states undone are dropped)."""
        if self.current is None:
            self.record(state)
            return
        self._future.clear()
        self.current = state

    def start_over(self, state: State) -> None:
        """Forget the states before and after: `state` is the current one and the first there is."""
        self._past.clear()
        self._future.clear()
        self.current = state

    def undo(self) -> State | None:
        """Go back one state and return it (None, and nothing changes, when there is none)."""
        return self._move(self._past, self._future)

    def redo(self) -> State | None:
        """Go forward to the state last undone and return it (None when there is none)."""
        return self._move(self._future, self._past)

    def _move(self, source: list[State], target: list[State]) -> State | None:
        """Make the last state of source the current one, the current one going to target."""
        if not source:
            return None
        if self.current is not None:
            target.append(self.current)
        self.current = source.pop()
        return self.current


def edited_part(scenario: Scenario) -> Scenario:
    """The scenario without what watching changes (clock, camera, theme, presentation scale)."""
    return replace(scenario, step=0, camera=Camera(), theme="default", presentation_scale=1.0)


def _run_parts(before: tuple[RunSpec, ...], after: tuple[RunSpec, ...]) -> list[str]:
    """What differs between two lists of runs: 'runs' if their number does, else the settings that do."""
    if len(before) != len(after):
        return ["runs"]
    return [words for name, words in RUN_PARTS.items()
            if any(getattr(old, name) != getattr(new, name) for old, new in zip(before, after, strict=True))]


def changed_parts(before: Scenario, after: Scenario) -> list[str]:
    """The parts of a scenario that differ, in words ('formula' alone when it does: the rest follows from it)."""
    if before.formula != after.formula:
        return ["formula"]
    parts = []
    if (before.title, before.description) != (after.title, after.description):
        parts.append("title")
    if before.plot.axes != after.plot.axes:
        parts.append("plotted variables")
    elif before.plot.ranges != after.plot.ranges:
        parts.append("plotted ranges")
    if before.plot.resolution != after.plot.resolution:
        parts.append("grid")
    if before.fixed != after.fixed:
        parts.append("held values")
    parts += _run_parts(before.runs, after.runs)
    parts += [VIEW_PARTS[item.name] for item in fields(before.view)
              if getattr(before.view, item.name) != getattr(after.view, item.name)]
    return parts


def change_name(before: Scenario, after: Scenario) -> str:
    """'learning rate', 'start point and update sign', '4 settings': what going from one to the other changes."""
    parts = changed_parts(before, after)
    if not parts:
        return "nothing"
    if len(parts) > MOST_PARTS_NAMED:
        return f"{len(parts)} settings"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
