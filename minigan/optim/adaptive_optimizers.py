"""Optimizers with per-coordinate step sizes: Adagrad, Adamax, NAdam, RAdam and Rprop.

Each is PyTorch's (``torch.optim``, single-tensor path) with PyTorch's defaults, applied in place
to ``param.array`` one parameter at a time; the elementwise steps are written once in
:mod:`minigan.formulas` and used through the parameter's backend (``backend.F``), the scalar
schedules (NAdam's momentum, RAdam's rectification) beside them there. State, param groups,
``state_dict`` and ``load_state_dict`` are the base class's (minigan/optim/optimizers.py).
"""
from __future__ import annotations

from typing import Any

from .. import formulas
from ..backends import backend_of
from .optimizers import Optimizer, ParamsArg, _with_weight_decay


def _check_nonnegative(group: dict[str, Any], *names: str) -> None:
    """PyTorch's "Invalid ... value" error for each named option below 0 (or NaN)."""
    for name in names:
        if not group[name] >= 0.0:
            raise ValueError(f"invalid {'epsilon' if name == 'eps' else name} value: {group[name]}")


def _check_eps_and_betas(group: dict[str, Any]) -> None:
    _check_nonnegative(group, "eps")
    beta1, beta2 = group["betas"]
    if not 0.0 <= beta1 < 1.0:
        raise ValueError(f"invalid beta parameter at index 0: {beta1}")
    if not 0.0 <= beta2 < 1.0:
        raise ValueError(f"invalid beta parameter at index 1: {beta2}")


def _decayed(param: Any, grad: Any, group: dict[str, Any]) -> Any:
    """NAdam's and RAdam's weight decay: L2 (g <- g + wd p), or decoupled (p <- p (1 - lr wd),
    in place, as AdamW's) when ``decoupled_weight_decay``. Returns the gradient to use."""
    weight_decay = group["weight_decay"]
    if weight_decay != 0 and group["decoupled_weight_decay"]:
        param *= 1.0 - group["lr"] * weight_decay
        return grad
    return _with_weight_decay(param, grad, weight_decay)


def _adam_moments(param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> tuple[Any, int]:
    """NAdam's and RAdam's common start: count the step, apply the weight decay (:func:`_decayed`),
    then m <- m + (1 - β1)(g - m) and v <- β2 v + (1 - β2) g², in place (the state made at the
    first step). Returns the gradient used and the step number."""
    backend = backend_of(param)
    xp, F = backend.xp, backend.F  # the formulas: lerp and rmsprop_average
    if not state:
        state["step"] = 0
        state["exp_avg"] = xp.zeros_like(param)
        state["exp_avg_sq"] = xp.zeros_like(param)
    state["step"] += 1
    beta1, beta2 = group["betas"]
    grad = _decayed(param, grad, group)
    state["exp_avg"][...] = F.lerp(state["exp_avg"], grad, 1.0 - beta1)
    state["exp_avg_sq"][...] = F.rmsprop_average(state["exp_avg_sq"], grad * grad, beta2)
    return grad, state["step"]


# ====================================================================== Adagrad
class Adagrad(Optimizer):
    """Adagrad (Duchi et al. 2011), PyTorch's formulation:

    g <- g + wd p;  clr = lr / (1 + (t - 1) lr_decay);  s <- s + g²;  p <- p - clr g / (sqrt(s) + eps),
    with s starting at ``initial_accumulator_value``.
    """

    def __init__(self, params: ParamsArg, lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> None:
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))
        for group in self.param_groups:  # PyTorch makes the state here, so state_dict() has it at once
            for param in group["params"]:
                self._initial_state(param.array, self._state_of(param), group)

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        _check_nonnegative(group, "lr_decay", "initial_accumulator_value", "eps")

    @staticmethod
    def _initial_state(param: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            state["step"] = 0
            state["sum"] = backend_of(param).xp.full_like(param, group["initial_accumulator_value"])

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        F = backend_of(param).F  # the step's formulas: adagrad_sum and adagrad_param
        self._initial_state(param, state, group)  # a group added after construction
        state["step"] += 1
        grad = _with_weight_decay(param, grad, group["weight_decay"])
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"][...] = F.adagrad_sum(state["sum"], grad)
        param[...] = F.adagrad_param(param, grad, state["sum"], clr, group["eps"])


# ====================================================================== Adamax
class Adamax(Optimizer):
    """Adamax (Kingma & Ba, section 7: Adam with the infinity norm), PyTorch's formulation:

    g <- g + wd p;  m <- m + (1 - β1)(g - m);  u <- max(β2 u, |g| + eps);  p <- p - lr / (1 - β1^t) · m / u.
    """

    def __init__(self, params: ParamsArg, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        _check_eps_and_betas(group)

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        backend = backend_of(param)
        xp, F = backend.xp, backend.F  # the step's formulas: lerp, adamax_norm and adamax_param
        if not state:
            state["step"] = 0
            state["exp_avg"] = xp.zeros_like(param)
            state["exp_inf"] = xp.zeros_like(param)
        state["step"] += 1
        beta1, beta2 = group["betas"]
        grad = _with_weight_decay(param, grad, group["weight_decay"])
        state["exp_avg"][...] = F.lerp(state["exp_avg"], grad, 1.0 - beta1)
        state["exp_inf"][...] = F.adamax_norm(state["exp_inf"], grad, beta2, group["eps"])
        clr = group["lr"] / (1 - beta1 ** state["step"])
        param[...] = F.adamax_param(param, state["exp_avg"], state["exp_inf"], clr)


# ====================================================================== NAdam
class NAdam(Optimizer):
    """NAdam (Dozat 2016: Adam with Nesterov momentum), PyTorch's formulation:

    g <- g + wd p (or p <- p (1 - lr wd) when ``decoupled_weight_decay``, NAdamW);
    μ_t = β1 (1 - 0.96^(t ψ) / 2) with ψ = ``momentum_decay``;  m, v as Adam's;
    p <- p - lr (1 - μ_t) / (1 - Π_{i<=t} μ_i) · g / d - lr μ_{t+1} / (1 - Π_{i<=t+1} μ_i) · m / d,
    with d = sqrt(v / (1 - β2^t)) + eps.
    """

    def __init__(self, params: ParamsArg, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        _check_eps_and_betas(group)
        _check_nonnegative(group, "momentum_decay")

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        mu_product = state.get("mu_product", 1.0)
        grad, step = _adam_moments(param, grad, state, group)
        beta1, beta2 = group["betas"]
        state["mu_product"], grad_coef, avg_coef = formulas.nadam_coefficients(
            step, group["lr"], beta1, group["momentum_decay"], mu_product)
        F = backend_of(param).F  # the step's formula: nadam_param
        param[...] = F.nadam_param(param, grad, state["exp_avg"], state["exp_avg_sq"], 1 - beta2**step,
                                   group["eps"], grad_coef, avg_coef)


# ====================================================================== RAdam
class RAdam(Optimizer):
    """RAdam (Liu et al. 2019: Adam with its second moment's variance rectified), PyTorch's formulation:

    g <- g + wd p (or p <- p (1 - lr wd) when ``decoupled_weight_decay``);  m, v as Adam's;
    while ρ_t <= 5: p <- p - lr m / (1 - β1^t);
    after: p <- p - lr r_t / (1 - β1^t) · m · sqrt(1 - β2^t) / (sqrt(v) + eps)
    (r_t and ρ_t: :func:`minigan.formulas.radam_rectification`).
    """

    def __init__(self, params: ParamsArg, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, decoupled_weight_decay: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        _check_eps_and_betas(group)

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        _, step = _adam_moments(param, grad, state, group)
        beta1, beta2 = group["betas"]
        F = backend_of(param).F  # the step's formulas: radam_param, or rmsprop_param before ρ_t > 5
        bias_correction1 = 1 - beta1**step
        rect = formulas.radam_rectification(step, beta2)
        if rect is None:
            param[...] = F.rmsprop_param(param, state["exp_avg"] / bias_correction1, group["lr"])
        else:
            param[...] = F.radam_param(param, state["exp_avg"], state["exp_avg_sq"],
                                       group["lr"] * rect / bias_correction1, (1 - beta2**step) ** 0.5,
                                       group["eps"])


# ====================================================================== Rprop
class Rprop(Optimizer):
    """Rprop (Riedmiller & Braun 1993, the iRprop- variant), PyTorch's formulation:

    each coordinate's step size starts at lr and is multiplied by η+ where g kept its sign since
    the last step, by η- where it flipped (and g is then taken as 0), clamped to ``step_sizes``;
    p <- p - sign(g) · step size. Full-batch only: it ignores the gradient's magnitude.
    """

    def __init__(self, params: ParamsArg, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50)) -> None:
        super().__init__(params, dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes)))

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        etaminus, etaplus = group["etas"]
        if not 0.0 < etaminus < 1.0 < etaplus:
            raise ValueError(f"invalid eta values: {etaminus}, {etaplus}")

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        backend = backend_of(param)
        xp, F = backend.xp, backend.F  # the step's formulas: minigan/formulas.py's rprop_*
        if not state:
            state["step"] = 0
            state["prev"] = xp.zeros_like(param)
            state["step_size"] = xp.full_like(param, group["lr"])
        state["step"] += 1
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        factor = F.rprop_factor(grad, state["prev"], etaminus, etaplus)
        state["step_size"][...] = F.rprop_step_size(state["step_size"], factor, step_size_min, step_size_max)
        grad = F.rprop_grad(grad, factor)
        param[...] = F.rprop_param(param, grad, state["step_size"])
        state["prev"][...] = grad


__all__ = ["Adagrad", "Adamax", "NAdam", "RAdam", "Rprop"]
