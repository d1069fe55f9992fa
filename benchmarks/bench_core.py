"""Benchmarks of the math core: formula analysis, point evaluation, descent runs and grid evaluation.

Run with ``python benchmarks/bench_core.py``. Prints median times; nothing is asserted.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
from tables import print_table

from gradviz.core.analysis import SymbolicWorker, analyze_in_process
from gradviz.core.calculus import differentiate
from gradviz.core.compiled import CompiledFormula, generate_source
from gradviz.core.formula import parse_formula
from gradviz.core.grid import Domain, evaluate_grid
from gradviz.core.runs import compute_run
from gradviz.core.scenario import RunSpec

# Each template gets a different constant k per repeat, so that SymPy's cache never hands back
# a finished answer: this is what editing a formula looks like.
SYMBOLIC_TEMPLATES = {
    "bowl": "x^2 + {k} y^2",
    "Rosenbrock": "(1 - x)^2 + {k}(y - x^2)^2",
    "Himmelblau": "(x^2 + y - {k})^2 + (x + y^2 - 7)^2",
    "waves": "sin({k} x) + cos(y)",
    "3 variables": "x^2 + 2y^2 + {k} z^2",
    "logistic loss": "L(w, b) = log(1 + e^(-({k} w + b)))",
    "relu + abs": "relu(x - {k}) + abs(y)",
}
SYMBOLIC_REPEATS = 15
STAGES = ("parse", "differentiate", "generate", "compile")

GRID_FORMULAS = {
    "bowl": ("x^2 + y^2", ((-3.0, 3.0), (-3.0, 3.0)), {}),
    "Rosenbrock": ("(1 - x)^2 + 100(y - x^2)^2", ((-2.0, 2.0), (-1.0, 3.0)), {}),
    "Himmelblau": ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", ((-5.0, 5.0), (-5.0, 5.0)), {}),
    "sin(x) + cos(y)": ("sin(x) + cos(y)", ((-6.0, 6.0), (-6.0, 6.0)), {}),
    "3 variables, z = 0.5": ("x^2 + 2y^2 + 3z^2 + x y z", ((-2.0, 2.0), (-2.0, 2.0)), {"z": 0.5}),
}
RUN_FORMULAS = {
    "Rosenbrock": ("(1 - x)^2 + 100(y - x^2)^2", {"x": -1.5, "y": 2.0}),
    "Himmelblau": ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", {"x": 0.5, "y": -0.3}),
    "sin(x) + cos(y)": ("sin(x) + cos(y)", {"x": 1.0, "y": 2.0}),
    "3 variables, z held": ("x^2 + 2y^2 + 3z^2 + x y z", {"x": 1.0, "y": -1.0, "z": 0.5}),
    "x^1.5 + y^2 (NumPy scalars)": ("x^1.5 + y^2", {"x": 2.0, "y": 1.0}),
}
RUN_OPTIMIZERS = {"gd": 0.001, "momentum": 0.0001, "adam": 0.001}  # learning rates small enough for 2000 steps
RUN_STEPS = 2000
RUN_REPEATS = 31
GRID_SIZES = (200, 400, 800)
GRID_REPEATS = 15
POINT_CALLS = 20_000


def median_ms(action: Callable[[], object], repeats: int) -> float:
    """The median wall time of ``action`` over ``repeats`` runs, in milliseconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return 1e3 * statistics.median(times)


def bench_symbolic() -> None:
    """Analysis times in this process, stage by stage, and through a warm worker process."""
    stage_rows = []
    for label, template in SYMBOLIC_TEMPLATES.items():
        stages: dict[str, list[float]] = {stage: [] for stage in STAGES}
        for k in range(2, 2 + SYMBOLIC_REPEATS):
            moments = [time.perf_counter()]
            formula = parse_formula(template.format(k=k))
            moments.append(time.perf_counter())
            derivatives = differentiate(formula)
            moments.append(time.perf_counter())
            source = generate_source(derivatives)
            moments.append(time.perf_counter())
            CompiledFormula(source)
            moments.append(time.perf_counter())
            for stage, begin, end in zip(STAGES, moments, moments[1:], strict=False):
                stages[stage].append(end - begin)
        medians = [1e3 * statistics.median(times) for times in stages.values()]
        stage_rows.append((label, *(f"{value:.2f}" for value in medians), f"{sum(medians):.2f}"))
    print_table(
        "Analysis in this process, median ms per stage (a new constant each repeat)",
        ("formula", *STAGES, "total"),
        stage_rows,
    )

    worker_rows = []
    with SymbolicWorker() as worker:
        started = time.perf_counter()
        worker.analyze("x", timeout=60.0)
        startup_ms = 1e3 * (time.perf_counter() - started)
        for label, template in SYMBOLIC_TEMPLATES.items():
            cold_ms = median_ms(lambda template=template: worker.analyze(template.format(k=1), timeout=60.0), 1)
            counter = iter(range(2, 2 + SYMBOLIC_REPEATS))
            warm_ms = median_ms(
                lambda template=template, counter=counter: worker.analyze(template.format(k=next(counter))),
                SYMBOLIC_REPEATS,
            )
            worker_rows.append((label, f"{cold_ms:.1f}", f"{warm_ms:.1f}"))
    print_table(
        f"analyze() through the worker process, ms (start-up and prewarm: {startup_ms:.0f} ms)",
        ("formula", "first request", "warm median"),
        worker_rows,
    )


def bench_points() -> None:
    """Microseconds per call of value_and_gradient (on an array and on floats) and hessian at one point."""
    rows = []
    for label, (text, _, fixed) in GRID_FORMULAS.items():
        compiled = analyze_in_process(text).compiled
        point = np.array([0.3, -0.7, *fixed.values()])
        calls = (
            (compiled.value_and_gradient, point),
            (compiled.value_and_gradient_floats, point.tolist()),
            (compiled.hessian, point),
        )
        per_call = []
        with np.errstate(all="ignore"):  # as descent calls value_and_gradient_floats
            for method, argument in calls:
                started = time.perf_counter()
                for _ in range(POINT_CALLS):
                    method(argument)
                per_call.append(1e6 * (time.perf_counter() - started) / POINT_CALLS)
        rows.append((label, *(f"{value:.2f}" for value in per_call)))
    print_table(
        "Evaluation at one point, µs per call",
        ("formula", "value_and_gradient", "value_and_gradient_floats", "hessian"),
        rows,
    )


def bench_runs() -> None:
    """Milliseconds for compute_run: the whole descent run a session recomputes when a formula is typed."""
    rows = []
    for label, (text, start) in RUN_FORMULAS.items():
        compiled = analyze_in_process(text).compiled
        timings = []
        for optimizer, lr in RUN_OPTIMIZERS.items():
            spec = RunSpec(start=start, optimizer=optimizer, lr=lr, max_steps=RUN_STEPS)
            steps = len(compute_run(compiled, spec, ("x", "y")).run.steps)
            timings.append(f"{run_median_ms(compiled, spec):.2f} ({steps})")
        rows.append((label, *timings))
    print_table(
        f"compute_run, {RUN_STEPS}-step budget: median ms (steps recorded)",
        ("formula", *RUN_OPTIMIZERS),
        rows,
    )
    text, start = RUN_FORMULAS["Rosenbrock"]
    spec = RunSpec(start=start, optimizer="gd", lr=0.001, max_steps=RUN_STEPS)
    rosenbrock_ms = run_median_ms(analyze_in_process(text).compiled, spec)
    print(f"\ncompute_run, Rosenbrock, {RUN_STEPS} steps (plain GD, lr 0.001): median {rosenbrock_ms:.2f} ms")


def run_median_ms(compiled: CompiledFormula, spec: RunSpec) -> float:
    """The median time of compute_run over x and y, in milliseconds."""
    return median_ms(lambda: compute_run(compiled, spec, ("x", "y")), RUN_REPEATS)


def bench_grids() -> None:
    """Milliseconds for f and ∇f on square grids, masking and display range included."""
    rows = []
    for label, (text, ranges, fixed) in GRID_FORMULAS.items():
        compiled = analyze_in_process(text).compiled
        timings = []
        for size in GRID_SIZES:
            domain = Domain(("x", "y"), ranges, size, fixed)
            evaluate_grid(compiled, domain)
            timings.append(
                median_ms(lambda compiled=compiled, domain=domain: evaluate_grid(compiled, domain), GRID_REPEATS)
            )
        rows.append((label, *(f"{value:.2f}" for value in timings)))
    print_table(
        "evaluate_grid: f and ∇f, masked, with display range; median ms",
        ("formula", *(f"{size}²" for size in GRID_SIZES)),
        rows,
    )


def main() -> None:
    """Run every benchmark and print its table."""
    bench_symbolic()
    bench_points()
    bench_runs()
    bench_grids()


if __name__ == "__main__":  # the worker process is spawned: it must not rerun the benchmarks
    main()
