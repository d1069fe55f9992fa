"""The formula controller: only the newest text is analysed and applied, however slow the ones before it."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import replace

from gradviz.app import formula_controller
from gradviz.app.formula_controller import FormulaController
from gradviz.core.analysis import analyze_in_process
from gradviz.core.grid import GridField
from gradviz.core.presets import find_preset
from gradviz.core.session import Session


def test_texts_queued_behind_a_slow_one_are_dropped(qapp, monkeypatch) -> None:
    """Typing at a steady pace queued every prefix of a slow formula: what was typed after it came 30 s late."""
    analysed: list[str] = []
    slow_started = threading.Event()

    def recording_analyze(text: str):
        analysed.append(text)
        if text == "slow":
            slow_started.set()
            time.sleep(0.3)
            text = "x^3 + y"
        return analyze_in_process(text)

    monkeypatch.setattr(formula_controller, "analyze", recording_analyze)
    session = Session()
    controller = FormulaController(session)
    controller.submit("slow", immediately=True)
    assert slow_started.wait(5.0)
    for text in ("x^2", "x^2 + y", "x^2 + y^2"):  # each arrives while the slow one is still being analysed
        controller.submit(text, immediately=True)
    assert controller.wait()
    assert analysed == ["slow", "x^2 + y^2"]
    assert session.analysis.formula.text == "x^2 + y^2" and not controller.busy


class FailingDrawings:
    """A view that fails to draw a field: `count` times from now, or any field wider than `widest`."""

    def __init__(self, count: int = 0, widest: float = math.inf) -> None:
        self.count, self.widest = count, widest

    def draw(self, field: GridField) -> None:
        """Fail as asked."""
        wide = max(high - low for low, high in field.domain.ranges) > self.widest
        if self.count > 0 or wide:
            self.count -= 1
            raise ValueError("cannot convert float NaN to integer")


def bowl_session(qapp, drawings: FailingDrawings) -> tuple[Session, FormulaController]:
    session = Session()
    controller = FormulaController(session)
    controller.submit_scenario(find_preset("bowl").scenario)
    controller.wait()
    session.field_changed.connect(drawings.draw)
    return session, controller


def test_a_scenario_that_cannot_be_drawn_leaves_the_last_one_whole(qapp, monkeypatch) -> None:
    """A file's x from −1e308 to 1e308: its formula shown again over its own ranges failed too, the exception
    escaped, and every formula typed after was dropped."""
    monkeypatch.setattr(formula_controller, "analyze", analyze_in_process)
    session, controller = bowl_session(qapp, FailingDrawings(widest=1e12))
    before = session.scenario()
    huge = replace(before, formula="x^2 + 2y^2", title="huge", plot=replace(before.plot, ranges={
        "x": (-1e308, 1e308), "y": (-3.0, 3.0)}))
    controller.submit_scenario(huge)
    controller.wait()
    assert "could not be drawn (" in session.error.message and "nor the one before" not in session.error.message
    assert session.scenario() == before, "the last scenario shown, whole: its ranges, runs and title"
    controller.submit("x^2 + 3y^2", immediately=True)
    controller.wait()
    assert session.error is None and session.analysis.formula.text == "x^2 + 3y^2"


def test_when_the_last_formula_cannot_be_drawn_again_either_the_window_still_works(qapp, monkeypatch) -> None:
    monkeypatch.setattr(formula_controller, "analyze", analyze_in_process)
    drawings = FailingDrawings()
    session, controller = bowl_session(qapp, drawings)
    before = session.scenario()
    drawings.count = 2  # the new formula, then the last one shown again
    controller.submit("x^2 + 5y^2", immediately=True)
    controller.wait()
    assert "could not be drawn (ValueError" in session.error.message
    assert "nor the one before it again (ValueError" in session.error.message
    assert session.scenario() == before and session.analysis.formula.text == before.formula
    controller.submit("x^2 + 5y^2", immediately=True)  # the same text again: tried again, and drawn
    controller.wait()
    assert session.error is None and session.analysis.formula.text == "x^2 + 5y^2"
    assert session.field is not None and session.field.domain.ranges == tuple(before.plot.ranges.values())
