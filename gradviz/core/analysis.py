"""From formula text to drawable functions: parse, differentiate and generate code, with a time limit.

SymPy cannot be interrupted, and some formulas make it work for minutes. So the symbolic work runs
in a separate process, a :class:`SymbolicWorker`, which is killed when it overruns its time limit
and replaced by a fresh one. The worker answers with the derivatives (SymPy expressions pickle)
and the generated NumPy source; the calling process compiles that source into a
:class:`~gradviz.core.compiled.CompiledFormula`.

The worker process is started with the "spawn" method, never "fork": the application process has
Qt loaded, which must not be forked.

A process that does one job under a parent that waits for it (the command line's) may instead analyse in
itself, under an alarm that the kernel carries out however busy SymPy is: see :func:`analyze_here_under_alarm`.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from gradviz.core.errors import FormulaError, FormulaTimeout

if TYPE_CHECKING:  # SymPy is imported only where the symbolic work happens, so a worker can start first
    from gradviz.core.calculus import Derivatives
    from gradviz.core.compiled import CompiledFormula, CompiledSource
    from gradviz.core.formula import Formula

_log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 3.0
# Starting a worker (a new Python process importing SymPy) is not counted against a formula's time.
STARTUP_TIMEOUT = 60.0
# How long a stopping worker gets to exit by itself before it is terminated, then killed.
STOP_GRACE = 1.0

_READY = "ready"
_DONE = "done"
_REFUSED = "refused"
_FAILED = "failed"
_Request = tuple[str, str, tuple[str, ...] | None]  # a job's name (see _JOBS), the formula text and its variables
_ERROR_TYPES: dict[str, type[FormulaError]] = {cls.__name__: cls for cls in (FormulaError, FormulaTimeout)}
# What the symbolic work imports: loaded before an alarm is set, as a worker loads them before it is timed.
_SYMBOLIC_MODULES = ("gradviz.core.formula", "gradviz.core.calculus", "gradviz.core.compiled", "gradviz.core.notation")


@dataclass(frozen=True)
class Analysis:
    """A parsed formula, its symbolic derivatives and its compiled numeric functions."""

    formula: Formula
    derivatives: Derivatives
    compiled: CompiledFormula
    equations: tuple[str, ...]  # f and each partial as rich-text rows, written by the worker (see equation_rows)


def analyze_in_process(text: str, variables: tuple[str, ...] | None = None) -> Analysis:
    """Parse, differentiate and compile ``text`` in this process, with no time limit."""
    return _assemble(*_symbolic_work(text, variables))


def _symbolic_work(text: str, variables: tuple[str, ...] | None) -> tuple[Derivatives, CompiledSource, tuple[str, ...]]:
    """The SymPy part of an analysis: parse, differentiate, generate the numeric source and write the equations."""
    from gradviz.core.calculus import differentiate
    from gradviz.core.compiled import generate_source
    from gradviz.core.formula import parse_formula
    from gradviz.core.notation import equation_rows

    derivatives = differentiate(parse_formula(text, variables))
    return derivatives, generate_source(derivatives), equation_rows(derivatives)


def _assemble(derivatives: Derivatives, source: CompiledSource, equations: tuple[str, ...]) -> Analysis:
    """The Analysis for ``derivatives``, compiling ``source`` in this process."""
    from gradviz.core.compiled import CompiledFormula

    return Analysis(formula=derivatives.formula, derivatives=derivatives, compiled=CompiledFormula(source),
                    equations=equations)


def _function_line_work(text: str, variables: tuple[str, ...] | None) -> tuple[str]:
    """The formula's line as the formula panel writes it, 'f(x, y) = x² + 3y': parsed and printed only."""
    from gradviz.core.formula import parse_formula
    from gradviz.core.notation import function_line

    return (function_line(parse_formula(text, variables)),)


# What a worker can be asked to do with a formula text, by name: each gives a tuple of picklable results.
_JOBS: dict[str, Callable[[str, tuple[str, ...] | None], tuple[Any, ...]]] = {
    "analysis": _symbolic_work,
    "line": _function_line_work,
}


def _prewarm() -> None:
    """Import and exercise the parser, SymPy's differentiation and the printer: the first request is then fast."""
    _symbolic_work("x^2 y + sin(x) / (1 + y^2) + max(0, y)", None)


def _refusal(error: FormulaError) -> tuple[str, str, str, int | None, int | None]:
    """The answer carrying ``error`` to the caller (FormulaError's own pickling would lose its position)."""
    return (_REFUSED, type(error).__name__, error.message, error.position, error.end)


def _answer(job: str, text: str, variables: tuple[str, ...] | None) -> tuple[Any, ...]:
    """A job's symbolic work on ``text`` as an answer: done with its results, refused with a FormulaError, or failed."""
    try:
        return (_DONE, *_JOBS[job](text, variables))
    except FormulaError as error:
        return _refusal(error)
    except RecursionError:
        return _refusal(FormulaError("this formula is nested too deeply to work with"))
    except MemoryError:
        return _refusal(FormulaError("this formula needs too much memory to work with"))
    except Exception as error:  # any other failure is a bug; the caller logs it
        return (_FAILED, f"{type(error).__name__}: {error}")


def _results_of(text: str, answer: tuple[Any, ...]) -> tuple[Any, ...]:
    """The results an answer on ``text`` carries; its FormulaError raised if it has none."""
    if answer[0] == _DONE:
        return answer[1:]
    if answer[0] == _REFUSED:
        error_type, message, position, end = answer[1:]
        raise _ERROR_TYPES[error_type](message, position, end)
    _log.error("the symbolic work failed on %r: %s", text, answer[1])
    raise FormulaError(f"something went wrong while working on this formula ({answer[1]})")


def time_limit_message(timeout: float) -> str:
    """What a formula whose symbolic work overran ``timeout`` seconds is told."""
    return f"this formula takes too long to differentiate (over {timeout:g} s); try a shorter or simpler one"


def _serve(connection: Connection) -> None:
    """The worker process: answer analysis requests until told to stop or the caller goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl+C reaches us too: the caller decides, and stops us
    _prewarm()
    connection.send((_READY,))
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        answer = _answer(*request)
        try:
            connection.send(answer)
        except (EOFError, OSError):
            return
        except Exception as error:  # the answer could not be pickled (too deep, for instance)
            connection.send((_FAILED, f"{type(error).__name__} while sending the answer: {error}"))


def _analysis_of(text: str, answer: tuple[Any, ...]) -> Analysis:
    """The Analysis an answer on ``text`` carries; its FormulaError raised if it has none."""
    return _assemble(*_results_of(text, answer))


def _function_line_of(text: str, answer: tuple[Any, ...]) -> str:
    """The formula's line an answer on ``text`` carries; its FormulaError raised if it has none."""
    (line,) = _results_of(text, answer)
    return line


class SymbolicWorker:
    """A reusable, killable process doing the SymPy work of :func:`analyze`; one request at a time.

    Thread-safe. The process starts on :meth:`start` (which returns at once; the child imports
    SymPy meanwhile) or on the first request. A request that overruns its time limit kills the
    process and raises FormulaTimeout; a process that dies raises FormulaError. Either way a fresh
    process is started in the background, ready for the next request.
    """

    def __init__(self, startup_timeout: float = STARTUP_TIMEOUT) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._startup_timeout = startup_timeout
        self._lock = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None
        self._ready = False
        self._closed = False

    def start(self) -> None:
        """Start the worker process if it is not running (returns without waiting for it)."""
        with self._lock:
            self._closed = False
            self._launch()

    @property
    def pid(self) -> int | None:
        """The process id of the worker process, or None when none is running."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def analyze(
        self, text: str, variables: tuple[str, ...] | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> Analysis:
        """Parse, differentiate and compile ``text``; FormulaTimeout if the SymPy work overruns ``timeout`` s."""
        return _analysis_of(text, self._answer_to(("analysis", text, variables), timeout))

    def function_line(self, text: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        """The formula's line, 'f(x, y) = x² + 3y', parsed and printed only (a list of formulas, not a view of one)."""
        return _function_line_of(text, self._answer_to(("line", text, None), timeout))

    def _answer_to(self, request: _Request, timeout: float) -> tuple[Any, ...]:
        """The answer to one request, the process started (or restarted) as needed."""
        with self._lock:
            if self._closed:
                raise RuntimeError("this symbolic worker is closed")
            self._launch()
            self._await_ready()
            return self._ask(request, timeout)

    def close(self) -> None:
        """Stop the worker process (it may be started again with :meth:`start`)."""
        with self._lock:
            self._closed = True
            if self._connection is not None and self._process is not None and self._process.is_alive():
                with contextlib.suppress(OSError):  # already gone: _stop reaps it
                    self._connection.send(None)
                self._process.join(STOP_GRACE)
            self._stop()

    def __enter__(self) -> SymbolicWorker:
        self.start()
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.close()

    def _launch(self) -> None:
        """Start a process unless one is running (the lock is held)."""
        if self._process is not None and self._process.is_alive():
            return
        self._stop()
        parent_end, child_end = self._context.Pipe(duplex=True)
        process = self._context.Process(target=_serve, args=(child_end,), name="gradviz-symbolic", daemon=True)
        process.start()
        child_end.close()  # so that the parent's end reports end-of-file if the child dies
        self._process, self._connection, self._ready = process, parent_end, False

    def _await_ready(self) -> None:
        """Wait until the process has imported SymPy and said so (the lock is held)."""
        if self._ready:
            return
        assert self._connection is not None
        try:
            if not self._connection.poll(self._startup_timeout):
                raise TimeoutError
            self._connection.recv()
        except (EOFError, OSError, TimeoutError):
            self._stop()
            raise FormulaError("the formula engine could not be started; please try again") from None
        self._ready = True

    def _ask(self, request: _Request, timeout: float) -> tuple[Any, ...]:
        """Send one request and wait for its answer; kill and replace the process on failure."""
        from sympy.core.parameters import distribute  # the answer holds SymPy expressions: SymPy is loaded for it

        assert self._connection is not None
        try:
            self._connection.send(request)
            answered = self._connection.poll(timeout)
            with distribute(False):  # rebuilt as the worker wrote them: −2(5 − w₁ − 2w₂), not 2w₁ + 4w₂ − 10
                answer = self._connection.recv() if answered else None
        except (EOFError, OSError):
            self._restart()
            raise FormulaError(
                "the formula engine stopped while working on this formula; it has been restarted"
            ) from None
        if answer is None:
            self._restart()
            raise FormulaTimeout(time_limit_message(timeout))
        return answer

    def _restart(self) -> None:
        """Kill the process and start a fresh one in the background (the lock is held)."""
        self._stop()
        self._launch()

    def _stop(self) -> None:
        """Make sure no process is left: terminate it, then kill it if it will not go (the lock is held)."""
        process, connection = self._process, self._connection
        self._process, self._connection, self._ready = None, None, False
        if connection is not None:
            connection.close()
        if process is None:
            return
        if process.is_alive():
            process.terminate()
            process.join(STOP_GRACE)
        if process.is_alive():
            process.kill()
            process.join()
        process.close()


_default_worker: SymbolicWorker | None = None
_default_worker_lock = threading.Lock()


def default_worker() -> SymbolicWorker:
    """The worker shared by :func:`analyze`, created on first use and closed when Python exits."""
    global _default_worker
    with _default_worker_lock:
        if _default_worker is None:
            _default_worker = SymbolicWorker()
            atexit.register(_default_worker.close)
        return _default_worker


_under_alarm = False
_alarm_lock = threading.Lock()


def analyze_here_under_alarm() -> None:
    """From now on :func:`analyze` works in this process, which SIGALRM ends if an analysis overruns its time limit.

    SymPy cannot be interrupted, but the kernel ends a process whatever it is doing. This is for a process doing
    one job for a parent that waits for it and reports its ending by SIGALRM as a formula over the time limit (the
    command line's): it imports SymPy once, where a worker would import it a second time. Call it from the main thread.
    """
    global _under_alarm
    for name in _SYMBOLIC_MODULES:
        importlib.import_module(name)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # SIGALRM ends the process, with no Python code in between
    _under_alarm = True


def _answer_under_alarm(request: _Request, timeout: float) -> tuple[Any, ...]:
    """The answer to a request, worked out in this process, which SIGALRM ends if it overruns ``timeout`` seconds."""
    with _alarm_lock:
        signal.setitimer(signal.ITIMER_REAL, max(timeout, 1e-6))  # 0 would set no alarm at all
        try:
            return _answer(*request)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)


def analyze(text: str, variables: tuple[str, ...] | None = None, timeout: float = DEFAULT_TIMEOUT) -> Analysis:
    """Parse, differentiate and compile ``text`` within ``timeout`` seconds: on the shared worker, or under an alarm."""
    if _under_alarm:
        return _analysis_of(text, _answer_under_alarm(("analysis", text, variables), timeout))
    return default_worker().analyze(text, variables, timeout)


def formula_line(text: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """The formula's line, 'f(x, y) = x² + 3y', as :func:`analyze` would spell it, without its derivatives or code."""
    if _under_alarm:
        return _function_line_of(text, _answer_under_alarm(("line", text, None), timeout))
    return default_worker().function_line(text, timeout)
