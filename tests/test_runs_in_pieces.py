"""Runs computed piece by piece: the same numbers as in one go, progress counted, stopping keeps what is done."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gradviz.core.analysis import Analysis, analyze_in_process
from gradviz.core.descent import PIECE_STEPS, DescentInProgress, OptimizerSettings, RunSettings, run_descent
from gradviz.core.errors import DescentError
from gradviz.core.runs import RunBatch, SliceObjective, compute_run
from gradviz.core.scenario import RunSpec
from gradviz.core.session import ComputeNow, DeliverRuns, Session

ROSENBROCK = "(1 - x)^2 + 100 (y - x^2)^2"
SLOW_START = {"x": -1.5, "y": 2.0}  # GD at η = 0.001 needs about 33,000 steps from here


@pytest.fixture(scope="module")
def rosenbrock() -> Analysis:
    return analyze_in_process(ROSENBROCK)


def slow_settings(max_steps: int) -> RunSettings:
    return RunSettings(start=(-1.5, 2.0), optimizer=OptimizerSettings(lr=0.001), max_steps=max_steps)


def long_spec(max_steps: int = 100_000, **changes: object) -> RunSpec:
    return replace(RunSpec(start=dict(SLOW_START), lr=0.001, max_steps=max_steps), **changes)


def test_a_run_in_pieces_is_the_run_in_one_go(rosenbrock: Analysis) -> None:
    objective = SliceObjective(rosenbrock.compiled, ("x", "y"), SLOW_START)
    settings = slow_settings(5000)
    descent = DescentInProgress(objective, settings)
    taken = []
    while (run := descent.advance()) is None:
        taken.append(descent.steps_taken)
    assert taken == [PIECE_STEPS * k for k in range(1, 5)]
    whole = run_descent(objective, settings)
    assert run.steps == whole.steps and run.message == whole.message == "reached the step budget (5000 steps)"


def test_a_stopped_run_is_the_run_with_that_budget(rosenbrock: Analysis) -> None:
    objective = SliceObjective(rosenbrock.compiled, ("x", "y"), SLOW_START)
    descent = DescentInProgress(objective, slow_settings(50_000))
    assert descent.advance() is None and descent.advance() is None
    stopped = descent.advance(stop=True)
    assert stopped is not None
    budget = 2 * PIECE_STEPS
    assert stopped.settings.max_steps == budget and len(stopped.steps) == budget + 1
    same = run_descent(objective, slow_settings(budget))
    assert stopped.steps == same.steps and stopped.message == same.message and stopped.stop_reason == "max_steps"


def test_a_batch_counts_its_steps_and_ends_as_computed_at_once(rosenbrock: Analysis) -> None:
    specs = (long_spec(20_000), long_spec(3000, lr=0.002, start={"x": 0.0, "y": 2.0}))
    batch = RunBatch(rosenbrock.compiled, specs, ("x", "y"))
    assert batch.total_steps == 23_000
    done = [batch.done_steps]
    while (runs := batch.advance(deadline=0.0)) is None:  # one piece at a time
        done.append(batch.done_steps)
    assert done == sorted(done) and len(done) > 20 and batch.done_steps == 23_000
    assert [result.run.steps for result in runs] == [compute_run(rosenbrock.compiled, spec, ("x", "y")).run.steps
                                                     for spec in specs]
    assert [result.spec for result in runs] == list(specs)


def test_stopping_a_batch_lowers_the_budgets_to_the_steps_computed(rosenbrock: Analysis) -> None:
    """The runs are computed side by side, a piece of each in turn: stopped, they have come about equally far."""
    specs = (long_spec(), long_spec(label="second"))
    batch = RunBatch(rosenbrock.compiled, specs, ("x", "y"))
    for _ in range(3):  # pieces of the first, the second, the first run
        assert batch.advance(deadline=0.0) is None
    assert batch.done_steps == 3 * PIECE_STEPS
    batch.stop()
    first, second = batch.advance(deadline=0.0)
    assert first.spec == replace(specs[0], max_steps=2 * PIECE_STEPS) and len(first.run.steps) == 2 * PIECE_STEPS + 1
    assert second.spec == replace(specs[1], max_steps=PIECE_STEPS) and len(second.run.steps) == PIECE_STEPS + 1
    for result in (first, second):
        assert result.run.steps == compute_run(rosenbrock.compiled, result.spec, ("x", "y")).run.steps


def test_a_batch_stopped_before_it_starts_keeps_every_run_at_its_start(rosenbrock: Analysis) -> None:
    batch = RunBatch(rosenbrock.compiled, (long_spec(), long_spec(label="second")), ("x", "y"))
    batch.stop()
    assert [len(result.run.steps) for result in batch.advance(deadline=0.0)] == [1, 1]


def test_a_run_that_cannot_start_raises_from_its_batch() -> None:
    analysis = analyze_in_process("log(x) + y^2")
    batch = RunBatch(analysis.compiled, (RunSpec(start={"x": -1.0, "y": 1.0}),), ("x", "y"))
    with pytest.raises(DescentError, match="cannot start"):
        batch.advance(deadline=0.0)


class HeldBack:
    """A scheduler that keeps every batch until the test computes and delivers it."""

    def __init__(self) -> None:
        self.submitted: list[tuple[RunBatch, DeliverRuns]] = []

    def submit(self, batch: RunBatch, deliver: DeliverRuns) -> None:
        self.submitted.append((batch, deliver))

    def deliver(self, index: int = -1) -> None:
        batch, deliver = self.submitted[index]
        ComputeNow().submit(batch, deliver)

    def wait(self) -> None:
        self.deliver()


def held_back_session(analysis: Analysis, start: dict[str, float] = SLOW_START) -> tuple[Session, HeldBack]:
    scheduler = HeldBack()
    session = Session(run_scheduler=scheduler)
    session.set_analysis(analysis)
    session.set_runs([RunSpec(start=dict(start), lr=0.001, max_steps=200)])
    scheduler.deliver()
    return session, scheduler


def test_the_session_shows_only_the_newest_batch(rosenbrock: Analysis) -> None:
    session, scheduler = held_back_session(rosenbrock)
    shown = session.runs
    computing = []
    session.computing_changed.connect(computing.append)
    session.set_start({"x": -1.0})
    session.set_start({"x": -0.5})
    assert session.runs is shown and session.computing is scheduler.submitted[-1][0]
    assert scheduler.submitted[-2][0].stopped  # dropped: its work is of no use any more
    scheduler.deliver(-2)
    assert session.runs is shown  # a superseded batch never shows
    scheduler.deliver(-1)
    assert session.runs[0].spec.start == {"x": -0.5, "y": 2.0} and session.computing is None
    assert computing[-1] is None and session.run_specs == (session.runs[0].spec,)


def test_stopping_keeps_the_steps_computed_and_says_so(rosenbrock: Analysis) -> None:
    session, scheduler = held_back_session(rosenbrock)
    notices: list[str] = []
    session.notice.connect(notices.append)
    session.update_run(0, max_steps=100_000)
    batch = session.computing
    batch.advance(deadline=0.0)
    session.stop_computing()
    scheduler.deliver()
    assert session.run_specs[0].max_steps == PIECE_STEPS == len(session.runs[0].run.steps) - 1
    assert notices == [f"Stopped computing at step {PIECE_STEPS} of the run: its step budget is now {PIECE_STEPS}."]


def test_stopping_several_runs_says_where_each_ended(rosenbrock: Analysis) -> None:
    session, scheduler = held_back_session(rosenbrock)
    notices: list[str] = []
    session.notice.connect(notices.append)
    session.set_runs([long_spec(), long_spec(label="second", lr=0.0005)])
    for _ in range(3):
        session.computing.advance(deadline=0.0)
    session.stop_computing()
    scheduler.deliver()
    assert [spec.max_steps for spec in session.run_specs] == [2 * PIECE_STEPS, PIECE_STEPS]
    assert notices == [f"Stopped computing: run 1 at step {2 * PIECE_STEPS}, run 2 at step {PIECE_STEPS} "
                       "(now their step budgets)."]


def test_settings_that_cannot_run_fall_back_to_the_last_that_could() -> None:
    analysis = analyze_in_process("log(x) + y^2")
    session, scheduler = held_back_session(analysis, start={"x": 1.0, "y": 1.0})
    good = session.run_specs
    assert session.runs[0].spec == good[0]
    session.set_start({"x": 2.0})
    session.set_start({"x": -2.0})  # log(−2): cannot start
    scheduler.deliver()
    assert session.run_specs == good and session.runs[0].spec == good[0] and session.computing is None
