"""Write torch_reference.json: PyTorch optimizer trajectories that gradviz's descent engine must reproduce.

Needs PyTorch (not a gradviz dependency); run it from any environment that has torch and numpy:

    python tests/data/make_torch_reference.py

Each case names a test function, a start point and gradviz OptimizerSettings keyword arguments. Only the
settings a case states are passed to torch, so torch's own defaults (eps, alpha, betas, ...) are the
ones gradviz must match. Gradients come from autograd, independently of the hand-written gradients in
the tests. A trajectory stops, like a gradviz run, before the first point that is not finite, lies
farther than DIVERGENCE_BOUND from the origin, or where f or ∇f is not finite or |f| > VALUE_BOUND;
``diverged_at`` is then that point's index.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import torch

STEPS = 25
DIVERGENCE_BOUND = 1e8
VALUE_BOUND = 1e100
OUTPUT = Path(__file__).with_name("torch_reference.json")

FUNCTIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "bowl": lambda w: 0.5 * (w[0] ** 2 + 10 * w[1] ** 2),
    "rosenbrock": lambda w: (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2,
    "residual": lambda w: (5 - w[0] - 2 * w[1]) ** 2,
}
FORMULAS = {
    "bowl": "0.5*(x^2 + 10*y^2)",
    "rosenbrock": "(1 - x)^2 + 100*(y - x^2)^2",
    "residual": "(5 - w1 - 2*w2)^2",
}
STARTS = {"bowl": [-2.5, 1.5], "rosenbrock": [-1.5, 2.0], "residual": [1.0, 1.0]}

# Learning rates: the SGD family needs small ones on steep functions, the adaptive methods larger ones.
SGD_LR = {"bowl": 0.05, "rosenbrock": 2e-4, "residual": 0.05}
ADAPTIVE_LR = {"bowl": 0.1, "rosenbrock": 0.01, "residual": 0.1}

VARIANTS: dict[str, list[dict[str, object]]] = {
    "gd": [{}, {"weight_decay": 0.1}],
    "momentum": [
        {"momentum": 0.9},
        {"momentum": 0.5, "dampening": 0.3},
        {"momentum": 0.0, "dampening": 0.5},
        {"momentum": 0.8, "weight_decay": 0.05},
    ],
    "nesterov": [{"momentum": 0.9}, {"momentum": 0.6, "weight_decay": 0.1}],
    "adagrad": [
        {},
        {"lr_decay": 0.05},
        {"initial_accumulator_value": 0.5, "weight_decay": 0.1},
        {"eps": 1e-3},
    ],
    "rmsprop": [
        {},
        {"centered": True},
        {"momentum": 0.8},
        {"alpha": 0.9, "eps": 1e-4, "centered": True, "momentum": 0.5, "weight_decay": 0.05},
    ],
    "adam": [
        {},
        {"amsgrad": True},
        {"betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.05},
        {"betas": [0.0, 0.5], "amsgrad": True},
    ],
}

TORCH_OPTIMIZERS: dict[str, type[torch.optim.Optimizer]] = {
    "gd": torch.optim.SGD,
    "momentum": torch.optim.SGD,
    "nesterov": torch.optim.SGD,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "adam": torch.optim.Adam,
}


def make_optimizer(parameter: torch.Tensor, settings: dict[str, object]) -> torch.optim.Optimizer:
    """The torch optimizer matching gradviz OptimizerSettings keyword arguments."""
    options = {key: value for key, value in settings.items() if key not in ("name", "sign")}
    if "betas" in options:
        options["betas"] = tuple(options["betas"])  # type: ignore[arg-type]
    options["maximize"] = settings["sign"] == "wrong"
    if settings["name"] == "nesterov":
        options["nesterov"] = True
    return TORCH_OPTIMIZERS[str(settings["name"])]([parameter], **options)


def trajectory(function: str, settings: dict[str, object]) -> tuple[list[list[float]], int | None]:
    """The points torch visits in STEPS steps, and the index of the point where it diverged (or None)."""
    point = torch.tensor(STARTS[function], dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer(point, settings)
    points: list[list[float]] = []
    for k in range(STEPS + 1):
        coordinates = point.detach().tolist()
        if not math.hypot(*coordinates) <= DIVERGENCE_BOUND:
            return points, k
        optimizer.zero_grad()
        loss = FUNCTIONS[function](point)
        loss.backward()
        value, gradient = loss.item(), point.grad.tolist()
        if not (math.isfinite(value) and abs(value) <= VALUE_BOUND and math.isfinite(math.hypot(*gradient))):
            return points, k
        points.append(coordinates)
        if k < STEPS:
            optimizer.step()
    return points, None


def make_cases() -> list[dict[str, object]]:
    """Every optimizer variant, with both update signs, on every test function."""
    cases = []
    for name, variants in VARIANTS.items():
        learning_rates = SGD_LR if name in ("gd", "momentum", "nesterov") else ADAPTIVE_LR
        for variant in variants:
            for sign in ("correct", "wrong"):
                for function in FUNCTIONS:
                    settings = {"name": name, "lr": learning_rates[function], "sign": sign, **variant}
                    points, diverged_at = trajectory(function, settings)
                    if diverged_at == 0:
                        raise RuntimeError(f"{function} cannot start from {STARTS[function]}")
                    cases.append(
                        {
                            "function": function,
                            "optimizer": settings,
                            "diverged_at": diverged_at,
                            "points": points,
                        }
                    )
    return cases


def main() -> None:
    """Compute every case and write the JSON file."""
    torch.set_default_dtype(torch.float64)
    reference = {
        "torch_version": torch.__version__,
        "steps": STEPS,
        "divergence_bound": DIVERGENCE_BOUND,
        "functions": {name: {"formula": FORMULAS[name], "start": STARTS[name]} for name in FUNCTIONS},
        "cases": make_cases(),
    }
    OUTPUT.write_text(json.dumps(reference, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {len(reference['cases'])} cases to {OUTPUT}")


if __name__ == "__main__":
    main()
