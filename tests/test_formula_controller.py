"""The formula controller: only the newest text is analysed and applied, however slow the ones before it."""

from __future__ import annotations

import threading
import time

from gradviz.app import formula_controller
from gradviz.app.formula_controller import FormulaController
from gradviz.core.analysis import analyze_in_process
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
