"""Making the window's work fail on purpose, as a bug would, to see what it does then."""

from __future__ import annotations

import pytest


def fail_drawing(monkeypatch: pytest.MonkeyPatch, source_part: str) -> None:
    """Drawing a formula whose compiled gradient has source_part in it ('7*y') raises, as a bug in the drawing would."""
    import gradviz.core.session as session_module

    evaluate = session_module.evaluate_grid

    def failing(compiled, domain):
        if source_part in compiled.source.value_and_gradient:
            raise ValueError("setting an array element with a sequence")
        return evaluate(compiled, domain)

    monkeypatch.setattr(session_module, "evaluate_grid", failing)
