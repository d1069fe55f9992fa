"""One descent step worked out with its numbers, the way the tutorials write it: w₁ ← 1 − 0.1·(−4) = 1.4.

For every optimizer the explanation gives its rule (``v ← μv + g``, ``w ← w − ηv``) and, for each
variable, the same lines with this step's numbers filled in, in Unicode, LaTeX and Qt rich text (HTML).
The letter w stands for the point being optimized, whatever its variables are called.

The optimizer's state at step k (momentum buffer, Adam's moments, …) is recomputed by replaying the
run's recorded gradients through the engine's own update rule (:func:`~gradviz.core.descent.replay_optimizer`),
so every number shown is the run's and the last number of each variable is exactly its next coordinate.

The wrong update sign is shown as in the tutorials, with ``+`` (``w ← w + η∇f``). The rules are odd in
the gradient, so this equals what the engine does (feed −∇f, torch's ``maximize``): the state shown is
built from g = ∇f (∇f − λw with weight decay λ, which the engine adds after negating) and the step is
added instead of subtracted.
"""

from __future__ import annotations

import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy

from gradviz.core.compiled import CompiledFormula
from gradviz.core.descent import (
    MEMORYLESS_OPTIMIZERS,
    OPTIMIZER_TITLES,
    Objective,
    OptimizerSettings,
    OptimizerState,
    Run,
    replay_optimizer,
)
from gradviz.core.notation import (
    LEFT_ARROW,
    MIDDLE_DOT,
    MINUS,
    Style,
    format_number,
    gradient_label,
    html_math,
    latex_math,
    partial_label,
    substituted_update,
    unicode_math,
)
from gradviz.core.runs import RunResult, SliceObjective

STYLES: tuple[Style, ...] = ("unicode", "latex", "html")
_SYMBOL_PRINTERS: dict[str, Callable[[sympy.Expr], str]] = {
    "unicode": unicode_math,
    "latex": latex_math,
    "html": html_math,
}
_SUPERSCRIPTS = str.maketrans("0123456789t" + MINUS, "⁰¹²³⁴⁵⁶⁷⁸⁹ᵗ⁻")
_ACCENTS = {"hat": ("\u0302", r"\hat"), "bar": ("\u0304", r"\bar")}


@dataclass(frozen=True)
class VariableExplanation:
    """The lines of one variable's update with this step's numbers, in each notation style."""

    variable: str
    old_value: float
    partial: float
    new_value: float
    lines_unicode: tuple[str, ...]
    lines_latex: tuple[str, ...]
    lines_html: tuple[str, ...]

    def lines(self, style: Style) -> tuple[str, ...]:
        """The lines in one notation style."""
        return {"unicode": self.lines_unicode, "latex": self.lines_latex, "html": self.lines_html}[style]


@dataclass(frozen=True)
class StepExplanation:
    """Step k of a run explained: the optimizer's rule, lines about the whole step, and each variable's lines."""

    k: int
    optimizer: str
    sign: str
    rule_unicode: tuple[str, ...]
    rule_latex: tuple[str, ...]
    rule_html: tuple[str, ...]
    shared_unicode: tuple[str, ...]
    shared_latex: tuple[str, ...]
    shared_html: tuple[str, ...]
    variables: tuple[VariableExplanation, ...]
    notes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """The optimizer's name for people."""
        return OPTIMIZER_TITLES[self.optimizer]

    @property
    def old_point(self) -> tuple[float, ...]:
        """The point of step k."""
        return tuple(variable.old_value for variable in self.variables)

    @property
    def new_point(self) -> tuple[float, ...]:
        """The point the update leads to: step k + 1 of the run."""
        return tuple(variable.new_value for variable in self.variables)

    def rule(self, style: Style) -> tuple[str, ...]:
        """The optimizer's update rule in one notation style."""
        return {"unicode": self.rule_unicode, "latex": self.rule_latex, "html": self.rule_html}[style]

    def shared(self, style: Style) -> tuple[str, ...]:
        """The lines about the whole step (step count, Newton's Hessian) in one notation style."""
        return {"unicode": self.shared_unicode, "latex": self.shared_latex, "html": self.shared_html}[style]

    def lines(self, style: Style) -> tuple[str, ...]:
        """Every numeric line of the step in one style: the shared lines, then each variable's."""
        return self.shared(style) + tuple(line for variable in self.variables for line in variable.lines(style))


class _Writer:
    """Math text in one notation style: symbols, numbers and the few constructions the rules need."""

    def __init__(self, style: Style) -> None:
        self.style = style
        latex = style == "latex"
        self.minus = "-" if latex else MINUS
        self.times = r" \cdot " if latex else MIDDLE_DOT
        self.arrow = r"\leftarrow" if latex else LEFT_ARROW
        self._juxtaposition = " " if latex else ""

    def symbol(self, name: str) -> str:
        """A variable or parameter name: 'beta1' → β₁, \\beta_{1} or <i>β</i><sub>1</sub>."""
        return _SYMBOL_PRINTERS[self.style](sympy.Symbol(name))

    def accented(self, letter: str, accent: str) -> str:
        """A letter with a hat or a bar: m̂, ḡ."""
        combining, command = _ACCENTS[accent]
        if self.style == "latex":
            return rf"{command}{{{letter}}}"
        accented = unicodedata.normalize("NFC", letter + combining)  # ḡ has a character of its own, m̂ not
        return f"<i>{accented}</i>" if self.style == "html" else accented

    def number(self, value: float) -> str:
        """A number with up to 6 significant digits."""
        return latex_math(sympy.Float(float(value))) if self.style == "latex" else format_number(value)

    def factor(self, value: float) -> str:
        """A number to multiply by: in parentheses when negative, (−4)."""
        text = self.number(value)
        return f"({text})" if value < 0 else text

    def product(self, *factors: str) -> str:
        """Symbols multiplied by juxtaposition: ηv, (1 − β₁)g."""
        return self._juxtaposition.join(factors)

    def scaled(self, factor: str, fraction: str) -> str:
        """A factor times a fraction: η·g/(√G + ε) inline, juxtaposed before a stacked LaTeX fraction."""
        return f"{factor} {fraction}" if self.style == "latex" else f"{factor}{MIDDLE_DOT}{fraction}"

    def side_by_side(self, *parts: str) -> str:
        """Short equations on one line, a wide space after each comma: 'm̂ = −4,  v̂ = 16'."""
        return {"latex": r",\quad ", "html": ",&nbsp; ", "unicode": ",  "}[self.style].join(parts)

    def maximum(self, first: str, second: str) -> str:
        """max(a, b)."""
        return rf"\max({first}, {second})" if self.style == "latex" else f"max({first}, {second})"

    def difference(self, first: str, second: str) -> str:
        """first − second."""
        return f"{first} {self.minus} {second}"

    def power(self, base: str, exponent: str) -> str:
        """base raised to exponent: g², β₁ᵗ, H⁻¹."""
        if self.style == "latex":
            return f"{base}^{{{exponent}}}"
        if self.style == "html":
            return f"{base}<sup>{exponent}</sup>"
        raised = exponent.translate(_SUPERSCRIPTS)
        return base + raised if raised != exponent or not exponent else f"{base}^{exponent}"

    def square_root(self, radicand: str) -> str:
        """√s, √(s − ḡ²)."""
        if self.style == "latex":
            return rf"\sqrt{{{radicand}}}"
        return "√" + self._grouped(radicand)

    def fraction(self, numerator: str, denominator: str) -> str:
        """numerator over denominator: g/(√G + ε) inline, \\frac in LaTeX."""
        if self.style == "latex":
            return rf"\frac{{{numerator}}}{{{denominator}}}"
        return f"{self._grouped(numerator)}/{self._grouped(denominator)}"

    def partial(self, function_name: str, variable: str) -> str:
        """∂f/∂w₁ (kept inline in HTML)."""
        if self.style == "html":
            return f"∂{self.symbol(function_name)}/∂{self.symbol(variable)}"
        return partial_label(function_name, variable, self.style)

    def nabla(self, function_name: str) -> str:
        """∇f."""
        return gradient_label(function_name, self.style)

    def vector(self, values: np.ndarray) -> str:
        """(a, b, …)."""
        return "(" + ", ".join(self.number(value) for value in values) + ")"

    def matrix(self, rows: np.ndarray) -> str:
        """A matrix: [[a, b], [c, d]], or a pmatrix in LaTeX."""
        if self.style == "latex":
            body = r" \\ ".join(" & ".join(self.number(value) for value in row) for row in rows)
            return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"
        return "[" + ", ".join("[" + ", ".join(self.number(value) for value in row) + "]" for row in rows) + "]"

    def update(self, variable: str, old: float, lr: float, quantity: float, sign: str, new: float) -> str:
        """The tutorials' line 'w₁ ← 1 − 0.1·(−4) = 1.4' ('+' for the wrong sign)."""
        return substituted_update(variable, old, lr, quantity, sign, new, self.style)  # type: ignore[arg-type]

    @staticmethod
    def _grouped(text: str) -> str:
        """text in parentheses when it has more than one term."""
        return f"({text})" if " " in text else text


@dataclass(frozen=True, eq=False)
class _StepNumbers:
    """Everything about step k that the lines show."""

    settings: OptimizerSettings
    function_name: str
    variables: tuple[str, ...]
    k: int
    old: np.ndarray
    partials: np.ndarray
    fed: np.ndarray  # g: ∇f, with ±λw under weight decay
    state: OptimizerState
    new: np.ndarray

    @property
    def lr(self) -> float:
        """The learning rate η."""
        return self.settings.lr

    @property
    def sign(self) -> str:
        """'correct' or 'wrong'."""
        return self.settings.sign

    @property
    def uses_g(self) -> bool:
        """Whether the rules name the fed gradient g (all but plain GD and Newton without weight decay)."""
        return self.settings.name not in ("gd", "newton") or self.settings.weight_decay != 0.0

    def before(self, name: str, index: int) -> float:
        """A buffer's entry for one variable before this step's update."""
        return float(self.state.before[name][index])

    def after(self, name: str, index: int) -> float:
        """A buffer's entry for one variable after this step's update."""
        return float(self.state.after[name][index])


@dataclass
class _Lines:
    """The rule, the lines about the whole step, and each variable's lines, in one style."""

    rule: list[str]
    shared: list[str]
    per_variable: list[list[str]]


def _step_operator(writer: _Writer, numbers: _StepNumbers) -> str:
    """'−' for the correct sign, '+' for the wrong one."""
    return writer.minus if numbers.sign == "correct" else "+"


def _gradient_symbol(writer: _Writer, numbers: _StepNumbers) -> str:
    """g when the rules name the fed gradient, else ∇f."""
    return writer.symbol("g") if numbers.uses_g else writer.nabla(numbers.function_name)


def _decay_operator(writer: _Writer, numbers: _StepNumbers) -> str:
    """How weight decay enters g as shown: +λw, or −λw for the wrong sign (the engine adds it after negating)."""
    return "+" if numbers.sign == "correct" else writer.minus


def _gradient_rule(writer: _Writer, numbers: _StepNumbers) -> list[str]:
    """'g = ∇f' (with ± λw under weight decay) when the rules name g."""
    if not numbers.uses_g:
        return []
    text = f"{writer.symbol('g')} = {writer.nabla(numbers.function_name)}"
    if numbers.settings.weight_decay:
        decay = writer.product(writer.symbol("lambda"), writer.symbol("w"))
        text += f" {_decay_operator(writer, numbers)} {decay}"
    return [text]


def _gradient_line(writer: _Writer, numbers: _StepNumbers, index: int) -> list[str]:
    """'g = ∂f/∂w₁ = −4' for one variable (with the weight decay worked out) when the rules name g."""
    if not numbers.uses_g:
        return []
    variable = numbers.variables[index]
    symbolic = f"{writer.symbol('g')} = {writer.partial(numbers.function_name, variable)}"
    value = writer.number(numbers.fed[index])
    if not numbers.settings.weight_decay:
        return [f"{symbolic} = {value}"]
    operator = _decay_operator(writer, numbers)
    decay = writer.product(writer.symbol("lambda"), writer.symbol(variable))
    worked = (f"{writer.number(numbers.partials[index])} {operator} "
              f"{writer.number(numbers.settings.weight_decay)}{writer.times}{writer.factor(numbers.old[index])}")
    return [f"{symbolic} {operator} {decay} = {worked} = {value}"]


def _final_update(writer: _Writer, numbers: _StepNumbers, index: int, lr: float, quantity: float) -> str:
    """The variable's update line with the learning rate and the quantity it multiplies."""
    return writer.update(numbers.variables[index], numbers.old[index], lr, quantity, numbers.sign,
                         numbers.new[index])


def _rule_update(writer: _Writer, numbers: _StepNumbers, step: str) -> str:
    """'w ← w − step' ('+' for the wrong sign)."""
    w = writer.symbol("w")
    return f"{w} {writer.arrow} {w} {_step_operator(writer, numbers)} {step}"


def _each_variable(numbers: _StepNumbers, lines: Callable[[int], list[str]]) -> list[list[str]]:
    """One list of lines per variable."""
    return [lines(index) for index in range(len(numbers.variables))]


def _gd_lines(writer: _Writer, numbers: _StepNumbers) -> _Lines:
    """Plain gradient descent: w ← w − η∇f."""
    eta = writer.symbol("eta")
    rule = [*_gradient_rule(writer, numbers),
            _rule_update(writer, numbers, writer.product(eta, _gradient_symbol(writer, numbers)))]
    return _Lines(rule, [], _each_variable(numbers, lambda index: [
        *_gradient_line(writer, numbers, index),
        _final_update(writer, numbers, index, numbers.lr, numbers.fed[index]),
    ]))


def _momentum_lines(writer: _Writer, numbers: _StepNumbers) -> _Lines:
    """Heavy-ball and Nesterov momentum (torch.optim.SGD): v ← μv + g, then w ← w − ηv or w − η(g + μv)."""
    settings = numbers.settings
    nesterov = settings.name == "nesterov"
    if settings.effective_momentum == 0.0:  # no buffer: torch's SGD then steps −ηg, as plain descent does
        return _gd_lines(writer, numbers)
    mu, tau, eta = settings.effective_momentum, settings.dampening, writer.symbol("eta")
    g, v, mu_symbol = writer.symbol("g"), writer.symbol("v"), writer.symbol("mu")
    damped_g = writer.product(f"(1 {writer.minus} {writer.symbol('tau')})", g) if tau else g
    look_ahead = f"{g} + {writer.product(mu_symbol, v)}"
    step = writer.product(eta, f"({look_ahead})" if nesterov else v)
    rule = [*_gradient_rule(writer, numbers), f"{v} {writer.arrow} {writer.product(mu_symbol, v)} + {damped_g}",
            _rule_update(writer, numbers, step)]

    def lines(index: int) -> list[str]:
        gradient, buffer = numbers.fed[index], numbers.after("momentum_buffer", index)
        if numbers.k == 0:  # torch starts the buffer at the first gradient, undampened
            buffer_line = f"{v} {writer.arrow} {g} = {writer.number(buffer)}"
        else:
            damping = f"{writer.number(1.0 - tau)}{writer.times}" if tau else ""
            buffer_line = (f"{v} {writer.arrow} {writer.number(mu)}{writer.times}"
                           f"{writer.factor(numbers.before('momentum_buffer', index))} + "
                           f"{damping}{writer.factor(gradient)} = {writer.number(buffer)}")
        result = [*_gradient_line(writer, numbers, index), buffer_line]
        quantity = buffer
        if nesterov:
            quantity = gradient + mu * buffer
            result.append(f"{look_ahead} = {writer.number(gradient)} + {writer.number(mu)}{writer.times}"
                          f"{writer.factor(buffer)} = {writer.number(quantity)}")
        return [*result, _final_update(writer, numbers, index, numbers.lr, quantity)]

    return _Lines(rule, [], _each_variable(numbers, lines))


def _step_count_line(writer: _Writer, numbers: _StepNumbers) -> str:
    """'t = 3': the optimizer's step count, which starts at 1."""
    return f"{writer.symbol('t')} = {numbers.k + 1}"


def _adagrad_lines(writer: _Writer, numbers: _StepNumbers) -> _Lines:
    """AdaGrad: G ← G + g², w ← w − η·g/(√G + ε), η decaying as η/(1 + (t − 1)δ) with lr_decay δ."""
    settings = numbers.settings
    g, sum_symbol, eps = writer.symbol("g"), writer.symbol("G"), settings.effective_eps
    scaled = writer.fraction(g, f"{writer.square_root(sum_symbol)} + {writer.symbol('epsilon')}")
    lr, eta, shared = numbers.lr, writer.symbol("eta"), []
    rule = [*_gradient_rule(writer, numbers), f"{sum_symbol} {writer.arrow} {sum_symbol} + {writer.power(g, '2')}"]
    if settings.lr_decay:
        lr = numbers.lr / (1 + numbers.k * settings.lr_decay)
        eta_t, steps_before = writer.symbol("eta_t"), writer.difference(writer.symbol("t"), "1")
        rule.append(f"{eta_t} = " + writer.fraction(
            eta, f"1 + {writer.product(f'({steps_before})', writer.symbol('delta'))}"))
        shared = [_step_count_line(writer, numbers), f"{eta_t} = " + writer.fraction(
            writer.number(numbers.lr),
            f"1 + {writer.number(numbers.k)}{writer.times}{writer.number(settings.lr_decay)}",
        ) + f" = {writer.number(lr)}"]
        eta = eta_t
    rule.append(_rule_update(writer, numbers, writer.scaled(eta, scaled)))

    def lines(index: int) -> list[str]:
        gradient, total = numbers.fed[index], numbers.after("sum", index)
        quantity = gradient / (np.sqrt(total) + eps)
        return [
            *_gradient_line(writer, numbers, index),
            f"{sum_symbol} {writer.arrow} {writer.number(numbers.before('sum', index))} + "
            f"{writer.power(writer.factor(gradient), '2')} = {writer.number(total)}",
            f"{scaled} = " + writer.fraction(
                writer.number(gradient), f"{writer.square_root(writer.number(total))} + {writer.number(eps)}"
            ) + f" = {writer.number(quantity)}",
            _final_update(writer, numbers, index, lr, quantity),
        ]

    return _Lines(rule, shared, _each_variable(numbers, lines))


def _average_rule(writer: _Writer, average: str, decay: str, new: str) -> str:
    """'s ← αs + (1 − α)g²': a running average decaying by a factor."""
    return (f"{average} {writer.arrow} {writer.product(decay, average)} + "
            f"{writer.product(f'(1 {writer.minus} {decay})', new)}")


def _average_line(writer: _Writer, average: str, decay: float, old: float, new: str, result: float) -> str:
    """'s ← 0.99·0 + 0.01·(−4)² = 0.16': a running average with numbers."""
    return (f"{average} {writer.arrow} {writer.number(decay)}{writer.times}{writer.factor(old)} + "
            f"{writer.number(1.0 - decay)}{writer.times}{new} = {writer.number(result)}")


def _rmsprop_lines(writer: _Writer, numbers: _StepNumbers) -> _Lines:
    """RMSProp: s ← αs + (1 − α)g², w ← w − η·g/(√s + ε); centered and with momentum as torch has them."""
    settings = numbers.settings
    alpha, eps, mu = settings.alpha, settings.effective_eps, settings.effective_momentum
    g, s, b, mean = writer.symbol("g"), writer.symbol("s"), writer.symbol("b"), writer.accented("g", "bar")
    alpha_symbol, mu_symbol = writer.symbol("alpha"), writer.symbol("mu")
    variance = writer.difference(s, writer.power(mean, "2")) if settings.centered else s
    scaled = writer.fraction(g, f"{writer.square_root(variance)} + {writer.symbol('epsilon')}")
    rule = [*_gradient_rule(writer, numbers), _average_rule(writer, s, alpha_symbol, writer.power(g, "2"))]
    if settings.centered:
        rule.append(_average_rule(writer, mean, alpha_symbol, g))
    if mu:
        rule.append(f"{b} {writer.arrow} {writer.product(mu_symbol, b)} + {scaled}")
    eta = writer.symbol("eta")
    rule.append(_rule_update(writer, numbers, writer.product(eta, b) if mu else writer.scaled(eta, scaled)))

    def lines(index: int) -> list[str]:
        gradient, square = numbers.fed[index], numbers.after("square_average", index)
        result = [*_gradient_line(writer, numbers, index),
                  _average_line(writer, s, alpha, numbers.before("square_average", index),
                                writer.power(writer.factor(gradient), "2"), square)]
        variance_value, variance_text = square, writer.number(square)
        if settings.centered:
            average = numbers.after("grad_average", index)
            result.append(_average_line(writer, mean, alpha, numbers.before("grad_average", index),
                                        writer.factor(gradient), average))
            variance_value = max(square - average * average, 0.0)
            variance_text = writer.difference(variance_text, writer.power(writer.factor(average), "2"))
        quantity = gradient / (np.sqrt(variance_value) + eps)
        result.append(f"{scaled} = " + writer.fraction(
            writer.number(gradient), f"{writer.square_root(variance_text)} + {writer.number(eps)}"
        ) + f" = {writer.number(quantity)}")
        if mu:
            buffer = numbers.after("momentum_buffer", index)
            result.append(f"{b} {writer.arrow} {writer.number(mu)}{writer.times}"
                          f"{writer.factor(numbers.before('momentum_buffer', index))} + {writer.factor(quantity)}"
                          f" = {writer.number(buffer)}")
            quantity = buffer
        return [*result, _final_update(writer, numbers, index, numbers.lr, quantity)]

    return _Lines(rule, [], _each_variable(numbers, lines))


def _adam_lines(writer: _Writer, numbers: _StepNumbers) -> _Lines:
    """Adam: moments m and v, bias-corrected m̂ and v̂, then w ← w − η·m̂/(√v̂ + ε); AMSGrad keeps max v.

    The bias corrections are the same for every variable: worked once with the step count, each variable's m̂, v̂ and
    m̂/(√v̂ + ε) then share a line (seven lines a variable did not fit a dock's usual height for two variables).
    """
    settings = numbers.settings
    (beta1, beta2), eps, t = settings.betas, settings.effective_eps, numbers.k + 1
    g, m, v, v_max = writer.symbol("g"), writer.symbol("m"), writer.symbol("v"), writer.symbol("v_max")
    m_hat, v_hat = writer.accented("m", "hat"), writer.accented("v", "hat")
    second = v_max if settings.amsgrad else v
    t_symbol = writer.symbol("t")
    corrections = [writer.difference("1", writer.power(writer.symbol(beta), t_symbol)) for beta in ("beta1", "beta2")]
    scaled = writer.fraction(m_hat, f"{writer.square_root(v_hat)} + {writer.symbol('epsilon')}")
    rule = [*_gradient_rule(writer, numbers),
            _average_rule(writer, m, writer.symbol("beta1"), g),
            _average_rule(writer, v, writer.symbol("beta2"), writer.power(g, "2"))]
    if settings.amsgrad:
        rule.append(f"{v_max} {writer.arrow} {writer.maximum(v_max, v)}")
    rule += [writer.side_by_side(f"{m_hat} = {writer.fraction(m, corrections[0])}",
                                 f"{v_hat} = {writer.fraction(second, corrections[1])}"),
             _rule_update(writer, numbers, writer.scaled(writer.symbol("eta"), scaled))]
    shared = writer.side_by_side(_step_count_line(writer, numbers), *(
        f"{writer.difference('1', writer.power(writer.number(beta), str(t)))} = {writer.number(1.0 - beta**t)}"
        for beta in (beta1, beta2)))

    def lines(index: int) -> list[str]:
        gradient = numbers.fed[index]
        first, raw_second = numbers.after("first_moment", index), numbers.after("second_moment", index)
        result = [*_gradient_line(writer, numbers, index),
                  _average_line(writer, m, beta1, numbers.before("first_moment", index),
                                writer.factor(gradient), first),
                  _average_line(writer, v, beta2, numbers.before("second_moment", index),
                                writer.power(writer.factor(gradient), "2"), raw_second)]
        second_value = raw_second
        if settings.amsgrad:
            second_value = numbers.after("max_second_moment", index)
            previous = writer.number(numbers.before("max_second_moment", index))
            result.append(f"{v_max} {writer.arrow} {writer.maximum(previous, writer.number(raw_second))}"
                          f" = {writer.number(second_value)}")
        m_value, v_value = first / (1.0 - beta1**t), second_value / (1.0 - beta2**t)
        quantity = m_value / (np.sqrt(v_value) + eps)
        result.append(writer.side_by_side(f"{m_hat} = {writer.number(m_value)}", f"{v_hat} = {writer.number(v_value)}",
                                          f"{scaled} = {writer.number(quantity)}"))
        return [*result, _final_update(writer, numbers, index, numbers.lr, quantity)]

    return _Lines(rule, [shared], _each_variable(numbers, lines))


def _newton_lines(writer: _Writer, numbers: _StepNumbers) -> _Lines:
    """Newton's method: w ← w − η·H⁻¹∇f, H⁻¹∇f found by solving H·p = ∇f (H + λI under weight decay)."""
    hessian = writer.symbol("H")
    inverted = writer.power(hessian, f"{writer.minus}1")
    if numbers.settings.weight_decay:
        hessian = f"{hessian} + {writer.product(writer.symbol('lambda'), writer.symbol('I'))}"
        inverted = writer.power(f"({hessian})", f"{writer.minus}1")
    gradient = _gradient_symbol(writer, numbers)
    solved = writer.product(inverted, gradient)
    step = writer.product(writer.symbol("eta"), solved)
    rule = [*_gradient_rule(writer, numbers), _rule_update(writer, numbers, step)]
    direction = numbers.state.after["direction"]
    shared = [f"{gradient} = {writer.vector(numbers.fed)}",
              f"{hessian} = {writer.matrix(numbers.state.after['hessian'])}",
              f"{solved} = {writer.vector(direction)}"]
    return _Lines(rule, shared, _each_variable(numbers, lambda index: [
        *_gradient_line(writer, numbers, index),
        _final_update(writer, numbers, index, numbers.lr, float(direction[index])),
    ]))


_EXPLAINERS: dict[str, Callable[[_Writer, _StepNumbers], _Lines]] = {
    "gd": _gd_lines,
    "momentum": _momentum_lines,
    "nesterov": _momentum_lines,
    "adagrad": _adagrad_lines,
    "rmsprop": _rmsprop_lines,
    "adam": _adam_lines,
    "newton": _newton_lines,
}


def _hessian_objective(
    source: RunResult | Run, objective: Objective | CompiledFormula | None
) -> Objective | None:
    """The objective the run was computed on (Newton's replay needs its Hessian), if one was given."""
    if isinstance(source, RunResult) and isinstance(objective, CompiledFormula):
        return SliceObjective(objective, source.free, source.spec.start)
    return objective


def _notes(numbers: _StepNumbers) -> tuple[str, ...]:
    """Remarks for people about this step."""
    notes = []
    if numbers.settings.name in ("momentum", "nesterov") and numbers.settings.effective_momentum == 0.0:
        notes.append("Momentum 0 keeps no buffer: each step is −ηg, plain gradient descent's.")
    elif numbers.settings.name in ("momentum", "nesterov") and numbers.k == 0:
        notes.append("At the first step v starts at g itself, as in torch.optim.SGD.")
    if numbers.sign == "wrong":
        notes.append("Wrong sign: the step is added instead of subtracted, so w moves uphill.")
    return tuple(notes)


class _FedSteps:
    """Steps first to stop − 1 of a run: their points, partials, and the gradients the optimizer was fed."""

    def __init__(self, run: Run, first: int, stop: int) -> None:
        settings = run.settings.optimizer
        steps = run.steps[first:stop]
        self.points = np.array([step.point for step in steps], dtype=float)
        self.partials = np.array([step.gradient for step in steps], dtype=float)
        self.fed = self.partials
        if settings.weight_decay:
            decay = self.points * settings.weight_decay
            self.fed = self.partials + decay if settings.sign == "correct" else self.partials - decay


class _ReplayedRun(_FedSteps):
    """A run's optimizer states, replayed once as far as asked: explaining step k late in a long run is quick."""

    def __init__(self, run: Run) -> None:
        super().__init__(run, 0, len(run.steps) - 1)
        self._replay = replay_optimizer(run.settings.optimizer, self.points, self.fed)
        self._states: list[OptimizerState] = []

    def state(self, k: int) -> OptimizerState:
        """The optimizer's state around step k."""
        while len(self._states) <= k:
            self._states.append(next(self._replay))
        return self._states[k]


_REPLAYS: OrderedDict[int, tuple[Run, _ReplayedRun]] = OrderedDict()
REPLAYS_KEPT = 8


def _replay_of(run: Run) -> _ReplayedRun:
    """The replay of this run (the runs explained last are kept, each held so its id stays its own)."""
    kept = _REPLAYS.get(id(run))
    if kept is not None and kept[0] is run:
        _REPLAYS.move_to_end(id(run))
        return kept[1]
    replay = _ReplayedRun(run)
    _REPLAYS[id(run)] = (run, replay)
    while len(_REPLAYS) > REPLAYS_KEPT:
        _REPLAYS.popitem(last=False)
    return replay


def explain_step(
    source: RunResult | Run,
    k: int,
    objective: Objective | CompiledFormula | None = None,
    function_name: str = "f",
) -> StepExplanation:
    """Step k of a run (from step k to k + 1) worked out with its numbers.

    Newton's method needs the objective the run used, to show its Hessian: the compiled formula (with
    a RunResult, whose held-fixed variables it restores) or the Objective given to run_descent.
    """
    run = source.run if isinstance(source, RunResult) else source
    if not 0 <= k < len(run.steps) - 1:
        applied = f"at steps 0 to {len(run.steps) - 2}" if len(run.steps) > 1 else "none"
        raise ValueError(f"no update was applied from step {k} (updates of this run: {applied})")
    settings = run.settings.optimizer
    if settings.name in MEMORYLESS_OPTIMIZERS:  # no state to rebuild from earlier steps
        steps = _FedSteps(run, k, k + 1)
        *_, state = replay_optimizer(settings, steps.points, steps.fed, _hessian_objective(source, objective))
        row = 0
    else:
        steps = _replay_of(run)
        state, row = steps.state(k), k
    old = steps.points[row]
    # The rules are odd in g, so feeding −g (the engine's wrong sign) gives exactly the negated update.
    new = old + state.update if settings.sign == "correct" else old - state.update
    numbers = _StepNumbers(settings, function_name, run.variables, k, old, steps.partials[row], steps.fed[row], state,
                           new)
    written = {style: _EXPLAINERS[settings.name](_Writer(style), numbers) for style in STYLES}
    return StepExplanation(
        k=k,
        optimizer=settings.name,
        sign=settings.sign,
        rule_unicode=tuple(written["unicode"].rule),
        rule_latex=tuple(written["latex"].rule),
        rule_html=tuple(written["html"].rule),
        shared_unicode=tuple(written["unicode"].shared),
        shared_latex=tuple(written["latex"].shared),
        shared_html=tuple(written["html"].shared),
        variables=tuple(
            VariableExplanation(
                variable=name,
                old_value=float(old[index]),
                partial=float(steps.partials[row][index]),
                new_value=float(new[index]),
                lines_unicode=tuple(written["unicode"].per_variable[index]),
                lines_latex=tuple(written["latex"].per_variable[index]),
                lines_html=tuple(written["html"].per_variable[index]),
            )
            for index, name in enumerate(run.variables)
        ),
        notes=_notes(numbers),
    )
