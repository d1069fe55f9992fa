"""The symbolic worker: end-to-end analyses, errors crossing the process boundary, time limits, restarts."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from gradviz.core.analysis import (
    Analysis,
    SymbolicWorker,
    analyze,
    analyze_in_process,
    default_worker,
    formula_line,
)
from gradviz.core.errors import FormulaError, FormulaTimeout
from gradviz.core.formula import parse_formula
from gradviz.core.notation import function_line

# Two power towers within the parser's limits: SymPy needs several seconds for their Hessians.
SLOW_FORMULA = "^".join(["x", "y"] * 19) + " + " + "^".join(["y", "(x+1)"] * 15)
SHORT_TIMEOUT = 1.0
# Generous for formulas that take milliseconds: the machine running the tests may be busy.
SAFE_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def worker() -> Iterator[SymbolicWorker]:
    """One worker shared by the tests of this module."""
    with SymbolicWorker() as shared:
        yield shared


@pytest.mark.parametrize(
    ("text", "point", "expected"),
    [
        ("3x^2 + 2xy + y^3", (1, 2), (10, 14)),
        ("(5 - w1 - 2w2)^2", (1, 1), (-4, -8)),
        ("(4 - 2w1 - w2)^2", (1, 0), (-8, -4)),
        ("x^2 + 3y", (2, 1), (4, 3)),
        ("L(w, b) = (3 - 2w - b)^2", (0, 0), (-12, -6)),
        ("x^2 y + x y^2", (2, 3), (21, 16)),
        ("x^2 + 2y^2 + 3z^2", (1, 1, 1), (2, 4, 6)),
        ("relu(x) + abs(y)", (0, 0), (0, 0)),
        ("max(x, y)", (1, 1), (1, 0)),  # a tie: the slope of x, typed first
    ],
)
def test_seed_examples_through_the_worker(worker: SymbolicWorker, text: str, point: tuple, expected: tuple) -> None:
    analysis = worker.analyze(text, timeout=SAFE_TIMEOUT)
    _, gradient = analysis.compiled.value_and_gradient(np.array(point, dtype=float))
    np.testing.assert_allclose(gradient, expected)
    assert analysis.formula is analysis.derivatives.formula


def test_worker_and_in_process_analyses_agree(worker: SymbolicWorker) -> None:
    text = "L(w, b) = (3 - 2w - b)^2 + sigmoid(w b)"
    remote = worker.analyze(text, timeout=SAFE_TIMEOUT)
    local = analyze_in_process(text)
    assert remote.formula == local.formula
    assert remote.formula.name == "L"
    assert remote.derivatives == local.derivatives
    assert remote.compiled.source == local.compiled.source


def test_an_analysis_pickles(worker: SymbolicWorker) -> None:
    analysis = worker.analyze("relu(x - 1) + x y", timeout=SAFE_TIMEOUT)
    copy = pickle.loads(pickle.dumps(analysis))
    assert copy.derivatives == analysis.derivatives
    assert copy.compiled.value_and_gradient([2.0, 3.0])[0] == 7.0


def test_in_process_analysis_raises_formula_errors_directly() -> None:
    with pytest.raises(FormulaError):
        analyze_in_process("x + * y")


def test_variables_fix_the_order(worker: SymbolicWorker) -> None:
    analysis = worker.analyze("x + 2y", ("y", "x"), timeout=SAFE_TIMEOUT)
    assert analysis.compiled.variables == ("y", "x")
    np.testing.assert_array_equal(analysis.compiled.value_and_gradient([1.0, 0.0])[1], [2.0, 1.0])


@pytest.mark.parametrize("text", ["x + * y", "sin x)", "f(x) = x + y", "loss^2"])
def test_formula_errors_cross_the_process_boundary_intact(worker: SymbolicWorker, text: str) -> None:
    with pytest.raises(FormulaError) as local:
        parse_formula(text)
    with pytest.raises(FormulaError) as remote:
        worker.analyze(text, timeout=SAFE_TIMEOUT)
    assert type(remote.value) is type(local.value)
    assert (remote.value.message, remote.value.position, remote.value.end) == (
        local.value.message,
        local.value.position,
        local.value.end,
    )


@pytest.mark.slow
def test_a_formula_over_the_time_limit_is_stopped_and_the_next_works(worker: SymbolicWorker) -> None:
    worker.analyze("x", timeout=SAFE_TIMEOUT)
    first_pid = worker.pid
    started = time.perf_counter()
    with pytest.raises(FormulaTimeout, match=r"takes too long to differentiate \(over 1 s\)"):
        worker.analyze(SLOW_FORMULA, timeout=SHORT_TIMEOUT)
    assert time.perf_counter() - started < SHORT_TIMEOUT + 5.0
    analysis = worker.analyze("x^2 + y^2", timeout=SAFE_TIMEOUT)
    assert analysis.compiled.value_and_gradient([1.0, 2.0])[0] == 5.0
    assert worker.pid not in (None, first_pid)


@pytest.mark.slow
def test_a_worker_that_dies_mid_request_is_reported_and_replaced(worker: SymbolicWorker) -> None:
    worker.analyze("x", timeout=SAFE_TIMEOUT)
    pid = worker.pid
    assert pid is not None
    killer = threading.Timer(0.3, os.kill, args=(pid, signal.SIGKILL))
    killer.start()
    with pytest.raises(FormulaError, match="stopped while working") as caught:
        worker.analyze(SLOW_FORMULA, timeout=SAFE_TIMEOUT)
    killer.join()
    assert not isinstance(caught.value, FormulaTimeout)
    assert worker.analyze("x y", timeout=SAFE_TIMEOUT).compiled.value_and_gradient([2.0, 3.0])[0] == 6.0


def test_a_worker_killed_while_idle_is_replaced_silently(worker: SymbolicWorker) -> None:
    worker.analyze("x", timeout=SAFE_TIMEOUT)
    pid = worker.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10.0
    while worker.pid == pid and time.monotonic() < deadline:  # until the kill has landed
        time.sleep(0.01)
    assert worker.analyze("x + y", timeout=SAFE_TIMEOUT).compiled.variables == ("x", "y")
    assert worker.pid != pid


def test_concurrent_requests_are_served_one_at_a_time(worker: SymbolicWorker) -> None:
    texts = [f"x^2 + {k} y^2" for k in range(1, 7)]
    results: dict[str, Analysis] = {}

    def request(text: str) -> None:
        results[text] = worker.analyze(text, timeout=SAFE_TIMEOUT)

    threads = [threading.Thread(target=request, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for k, text in enumerate(texts, start=1):
        np.testing.assert_array_equal(results[text].compiled.value_and_gradient([1.0, 1.0])[1], [2.0, 2.0 * k])


def test_closed_worker_refuses_requests_until_started_again() -> None:
    worker = SymbolicWorker()
    worker.close()
    with pytest.raises(RuntimeError, match="closed"):
        worker.analyze("x")
    worker.start()
    try:
        assert worker.analyze("2x", timeout=SAFE_TIMEOUT).compiled.value_and_gradient([1.0])[1][0] == 2.0
    finally:
        worker.close()
    assert worker.pid is None


def test_module_level_analyze_uses_one_shared_worker() -> None:
    assert default_worker() is default_worker()
    analysis = analyze("x^2 + y^2", timeout=SAFE_TIMEOUT)
    assert analysis.compiled.value_and_gradient([3.0, 4.0])[0] == 25.0


def test_the_worker_writes_the_equations_the_formula_panel_shows() -> None:
    """SymPy's printing of f and its partials runs in the worker, off the window's thread."""
    remote = analyze("L(w1, w2) = (w1 - 2w2)^2")
    assert remote.equations == analyze_in_process("L(w1, w2) = (w1 - 2w2)^2").equations
    assert len(remote.equations) == 3 and "<i>L</i>" in remote.equations[0] and "∂" in remote.equations[1]


@pytest.mark.parametrize("text", ["L(w1, w2) = (w1 - 2w2)^2", "max(x + y, x - y, 2x + z, y - z, z - x)", SLOW_FORMULA])
def test_a_formula_line_is_spelled_by_the_worker_without_differentiating(worker: SymbolicWorker, text: str) -> None:
    """The Scenes list spells each scene's formula: with a full analysis (derivatives, their code and equations) a
    lesson's formulas took the worker ten times as long, and a power tower's ran out of time and stayed as typed."""
    assert worker.function_line(text, timeout=SHORT_TIMEOUT) == function_line(parse_formula(text))
    assert formula_line(text, timeout=SHORT_TIMEOUT) == function_line(parse_formula(text))


def test_a_formula_line_that_cannot_be_spelled_raises_the_parsers_error(worker: SymbolicWorker) -> None:
    with pytest.raises(FormulaError) as remote:
        worker.function_line("x + * y", timeout=SAFE_TIMEOUT)
    with pytest.raises(FormulaError) as local:
        parse_formula("x + * y")
    assert (remote.value.message, remote.value.position) == (local.value.message, local.value.position)
    assert worker.function_line("x^2 y", timeout=SAFE_TIMEOUT) == "f(x, y) = x²y"  # the worker goes on


_UNDER_ALARM_SCRIPT = """
import multiprocessing, sys
from gradviz.core.analysis import analyze, analyze_here_under_alarm, formula_line
from gradviz.core.errors import FormulaError
analyze_here_under_alarm()
print(analyze("x^2 y").compiled.value_and_gradient([1.0, 2.0])[1].tolist())
print(formula_line("x^2 y"))
try:
    analyze("x + * y")
except FormulaError as error:
    print(error.message, error.position)
print(len(multiprocessing.active_children()), flush=True)
analyze(sys.argv[1], timeout=float(sys.argv[2]))
print("not stopped")
"""


def test_under_an_alarm_analyses_run_in_the_process_which_an_overrun_ends() -> None:
    """The command line's way: no worker, errors raised as the worker's are, and SIGALRM ends SymPy's runaway work."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _UNDER_ALARM_SCRIPT, SLOW_FORMULA, str(SHORT_TIMEOUT)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == -signal.SIGALRM, result.stderr
    assert time.perf_counter() - started < SHORT_TIMEOUT + 30.0
    with pytest.raises(FormulaError) as local:
        parse_formula("x + * y")
    error_line = f"{local.value.message} {local.value.position}"
    assert result.stdout.splitlines() == ["[4.0, 1.0]", "f(x, y) = x²y", error_line, "0"]
