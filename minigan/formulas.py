"""One home per formula: the activations and their derivatives, the stable sigmoid and
softplus, BCE on logits (with and without pos_weight) and its target gradient, batch norm's
per-element steps, dropout, L2 weight decay, the Adam/AdamW/AMSGrad, RMSprop, Adadelta, Adagrad,
Adamax, NAdam, RAdam, Rprop, ASGD and Adafactor steps, and the weight average's step (lerp).

Every formula here is a plain function of its arguments written with a handful of
primitives: ``exp``, ``log1p``, ``tanh``, ``sqrt``, ``abs``, ``maximum`` and
``where(condition, a, b)``. As imported, the primitives are NumPy's, so each formula works on
NumPy arrays as it stands: that is the NumPy reference backend. :func:`bind` makes a copy of
the formulas with other primitives, from the same code objects:

* the autograd ops and the CuPy backend bind them to an array namespace (``cupy``, or the
  array-API namespace of a test device);
* the Numba backend binds them to scalar functions (``math.exp``, ``a if c else b``) and
  inlines them into its loops.

So a formula is written once and nothing else restates it. Arguments named ``y`` are an
activation's *output*: each derivative is read off the output, so the input never has to be
stored (for leaky ReLU that needs a slope > 0, which the ops check).
"""
from __future__ import annotations

import builtins
import math
import types
from typing import Any, Callable, Mapping

from numpy import abs, exp, log1p, maximum, sqrt, tanh, where  # noqa: A004 - the primitives

PRIMITIVES = ("exp", "log1p", "tanh", "sqrt", "abs", "maximum", "where")


# ============================================================== sigmoid and softplus
def sigmoid(x: Any) -> Any:
    """σ(x) = 1 / (1 + e^-x);  σ' = σ (1 - σ).

    Split on the sign of x so exp only sees -|x| and never overflows: with e = exp(-|x|),
    σ = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0 (both keep full relative precision,
    where 1 - 1/(1 + e) would cancel to 0).
    """
    return sigmoid_given_exp(x, exp(-abs(x)))


def sigmoid_given_exp(x: Any, e: Any) -> Any:
    """σ(x) from e = exp(-|x|), the second half of :func:`sigmoid`, for a caller that makes the
    exponential its own way (a vectorised exp over a whole array)."""
    return where(x >= 0, 1 / (1 + e), e / (1 + e))


def softplus(x: Any) -> Any:
    """softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|);  softplus' = σ.

    The second form never overflows and keeps precision for large negative x.
    """
    return maximum(x, 0) + log1p(exp(-abs(x)))


# ============================================================== activations
# Each activation is f(z, slope) and its backward, g f'(z) for an upstream gradient g, read off
# the output y = f(z). ``slope`` is leaky ReLU's negative slope; the others ignore it.
def identity(z: Any, slope: Any) -> Any:
    """f(z) = z."""
    return z


def identity_backward(g: Any, y: Any, slope: Any) -> Any:
    """g f' = g."""
    return g


def relu(z: Any, slope: Any) -> Any:
    """f(z) = max(z, 0) (NaN passes through)."""
    return maximum(z, 0)


def relu_backward(g: Any, y: Any, slope: Any) -> Any:
    """g f' = 0 where y <= 0, else g (a select, as PyTorch's threshold_backward: g at a NaN)."""
    return where(y <= 0, 0, g)


def leaky_relu(z: Any, slope: Any) -> Any:
    """f(z) = z where z > 0, else slope z."""
    return where(z > 0, z, z * slope)


def leaky_relu_backward(g: Any, y: Any, slope: Any) -> Any:
    """g f' = g where y > 0, else slope g (y > 0 exactly where z > 0, because slope > 0; slope g
    at a NaN, as PyTorch)."""
    return where(y > 0, g, g * slope)


def sigmoid_act(z: Any, slope: Any) -> Any:
    """f(z) = σ(z)."""
    return sigmoid(z)


def sigmoid_backward(g: Any, y: Any, slope: Any) -> Any:
    """g f' = g y (1 - y)."""
    return g * (y * (1 - y))


def tanh_act(z: Any, slope: Any) -> Any:
    """f(z) = tanh(z)."""
    return tanh(z)


def tanh_backward(g: Any, y: Any, slope: Any) -> Any:
    """g f' = g (1 - y^2)."""
    return g * (1 - y * y)


#: name -> (f(z, slope), g f'(g, y, slope)): the one list of activations the fused linear op knows.
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "none": (identity, identity_backward),
    "relu": (relu, relu_backward),
    "leaky_relu": (leaky_relu, leaky_relu_backward),
    "sigmoid": (sigmoid_act, sigmoid_backward),
    "tanh": (tanh_act, tanh_backward),
}
#: The activations whose derivative jumps at 0: a finite difference across 0 is wrong there.
KINKED_AT_ZERO = ("relu", "leaky_relu")


# ============================================================== binary cross-entropy on logits
def bce_with_logits(x: Any, t: Any) -> Any:
    """l(x, t) = -(t log σ(x) + (1 - t) log(1 - σ(x))) = softplus(x) - x t;
    dl/dx = σ(x) - t,  dl/dt = -x."""
    return softplus(x) - x * t


def bce_with_logits_pos_weight(x: Any, t: Any, w: Any) -> Any:
    """l(x, t) = -(w t log σ(x) + (1 - t) log(1 - σ(x))) = (1 - t) x + (1 + (w - 1) t) softplus(-x),
    a weight w on the positive term (PyTorch's ``pos_weight``); w = 1 gives :func:`bce_with_logits`."""
    return (1 - t) * x + (1 + (w - 1) * t) * softplus(-x)


def bce_with_logits_grad(x: Any, t: Any) -> Any:
    """dl/dx = σ(x) - t."""
    return sigmoid(x) - t


def bce_with_logits_target_grad(x: Any, t: Any) -> Any:
    """dl/dt = -x (a soft or learned target gets this gradient)."""
    return -x


# ============================================================== batch normalisation (per element)
def batch_norm_invstd(var: Any, eps: Any) -> Any:
    """invstd = 1 / sqrt(σ² + eps), from the biased batch variance σ²."""
    return 1 / sqrt(var + eps)


def batch_norm_normalize(x: Any, mean: Any, invstd: Any) -> Any:
    """x̂ = (x - μ) · invstd."""
    return (x - mean) * invstd


def batch_norm_affine(x: Any, mean: Any, invstd: Any, weight: Any, bias: Any) -> Any:
    """y = x̂ γ + β = (x - μ) / sqrt(σ² + eps) · γ + β."""
    return batch_norm_normalize(x, mean, invstd) * weight + bias


def batch_norm_grad_input(dz: Any, xhat: Any, scale: Any, mean_dz: Any, mean_dz_xhat: Any) -> Any:
    """dL/dx = γ invstd (dz - mean(dz) - x̂ mean(dz x̂)) for batch statistics, with x̂ the
    normalised input and scale = γ invstd (dL/dγ = Σ dz x̂ and dL/dβ = Σ dz)."""
    return scale * (dz - mean_dz - xhat * mean_dz_xhat)


# ============================================================== dropout
def dropout(x: Any, bits: Any, threshold: Any, scale: Any) -> Any:
    """f = x · keep / (1 - p), keep = [bits >= threshold]:  df/dx = keep / (1 - p), so the
    backward is this formula applied to the upstream gradient.

    ``bits`` are uniform random 32-bit integers and threshold = round(p · 2^32), so an element is
    kept with probability 1 - p (to within 2^-32); scale = 1 / (1 - p). The mask multiplies, as
    in PyTorch, so a NaN or inf dropped from x still gives NaN.
    """
    return x * where(bits >= threshold, scale, 0)


def dropout_constants(p: float) -> tuple[int, float]:
    """(threshold, scale) of :func:`dropout` for a drop probability 0 <= p < 1, computed once
    on the host: threshold = round(p · 2^32) (at most 2^32 - 1, so a uint32 can hold it) and
    scale = 1 / (1 - p)."""
    return min(round(p * 2.0**32), 2**32 - 1), 1.0 / (1.0 - p)


# ============================================================== weight decay
def l2_decay(g: Any, p: Any, weight_decay: Any) -> Any:
    """g <- g + wd · p: L2 weight decay folded into the gradient (SGD, RMSprop and Adam)."""
    return g + weight_decay * p


# ============================================================== Adam / AdamW
def adam_scalars(step: int, lr: float, beta1: float, beta2: float, eps: float,
                 weight_decay: float, decoupled: bool) -> dict[str, float]:
    """The per-step constants of :func:`adam_step`, in float64 as PyTorch computes them in Python.

    AdamW decays the weights (decay_factor = 1 - lr wd); Adam adds wd * p to the gradient (l2).
    """
    decoupled_decay = weight_decay != 0 and decoupled
    return {
        "decay_factor": 1.0 - lr * weight_decay if decoupled_decay else 1.0,
        "l2": 0.0 if decoupled_decay else weight_decay,
        "one_minus_beta1": 1.0 - beta1,
        "beta2": beta2,
        "one_minus_beta2": 1.0 - beta2,
        "bias_correction2_sqrt": math.sqrt(1.0 - beta2**step),
        "eps": eps,
        "neg_step_size": -lr / (1.0 - beta1**step),
    }


def adam_moments(p: Any, g: Any, m: Any, v: Any, decay_factor: Any, l2: Any,
                 one_minus_beta1: Any, beta2: Any, one_minus_beta2: Any) -> tuple[Any, Any, Any]:
    """The first half of one Adam/AdamW step (torch.optim.Adam's order of operations):

    p <- p decay_factor;  g <- g + l2 p;  m <- m + (1 - β1)(g - m);  v <- β2 v + (1 - β2) g².
    Returns (p, m, v).
    """
    p = p * decay_factor
    g = l2_decay(g, p, l2)
    m = m + one_minus_beta1 * (g - m)
    v = v * beta2 + one_minus_beta2 * g * g
    return p, m, v


def adam_param(p: Any, m: Any, v: Any, bias_correction2_sqrt: Any, eps: Any, neg_step_size: Any) -> Any:
    """The second half: p <- p - lr / (1 - β1^t) · m / (sqrt(v) / sqrt(1 - β2^t) + eps).

    With AMSGrad, v is the running maximum of the second moments.
    """
    return p + neg_step_size * m / (sqrt(v) / bias_correction2_sqrt + eps)


def amsgrad_max(v: Any, v_max: Any) -> Any:
    """AMSGrad's running maximum of the second moment, max(v_max, v), taken after
    :func:`adam_moments` and used as v in :func:`adam_param`; a NaN in v propagates, as in
    torch.maximum."""
    return maximum(v, v_max)


# ============================================================== RMSprop
def rmsprop_average(avg: Any, x: Any, alpha: Any) -> Any:
    """avg <- α avg + (1 - α) x: RMSprop's running means, of g² (``square_avg``) and, centered,
    of g (``grad_avg``)."""
    return avg * alpha + x * (1.0 - alpha)


def rmsprop_denominator(square_avg: Any, grad_avg: Any, eps: Any) -> Any:
    """sqrt(s - a²) + eps (centered; a = 0 otherwise: sqrt(s) + eps). s >= a² holds exactly
    (Jensen), but rounding can dip below 0 near convergence, where PyTorch's sqrt gives NaN:
    the difference is floored at 0."""
    return sqrt(maximum(square_avg - grad_avg * grad_avg, 0.0)) + eps


def rmsprop_direction(g: Any, avg: Any, buf: Any, momentum: Any) -> Any:
    """The step direction b <- μ b + g / avg (with no momentum, μ = 0 and b = 0: g / avg)."""
    return buf * momentum + g / avg


def rmsprop_param(p: Any, direction: Any, lr: Any) -> Any:
    """p <- p - lr · direction."""
    return p - direction * lr


# ============================================================== Adadelta
def adadelta_delta(g: Any, square_avg: Any, acc_delta: Any, eps: Any) -> Any:
    """Adadelta's step: sqrt(u + eps) / sqrt(s + eps) · g, with s the running mean of g² and u
    that of the steps² (both kept with :func:`rmsprop_average`, decay ρ); p <- p - lr · step."""
    return sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g


# ============================================================== Adagrad, Adamax, NAdam, RAdam, Rprop
def adagrad_sum(state_sum: Any, g: Any) -> Any:
    """Adagrad's accumulator of squared gradients: s <- s + g²."""
    return state_sum + g * g


def adagrad_param(p: Any, g: Any, state_sum: Any, clr: Any, eps: Any) -> Any:
    """Adagrad's step: p <- p - clr · g / (sqrt(s) + eps), with clr = lr / (1 + (t - 1) lr_decay)."""
    return p - clr * (g / (sqrt(state_sum) + eps))


def adamax_norm(exp_inf: Any, g: Any, beta2: Any, eps: Any) -> Any:
    """Adamax's exponentially weighted infinity norm: u <- max(β2 u, |g| + eps)."""
    return maximum(exp_inf * beta2, abs(g) + eps)


def adamax_param(p: Any, exp_avg: Any, exp_inf: Any, clr: Any) -> Any:
    """Adamax's step: p <- p - clr · m / u, with clr = lr / (1 - β1^t) and m the first moment
    (kept with :func:`lerp`, weight 1 - β1)."""
    return p - clr * (exp_avg / exp_inf)


def nadam_param(p: Any, g: Any, exp_avg: Any, exp_avg_sq: Any, bias_correction2: Any, eps: Any,
                grad_coef: Any, avg_coef: Any) -> Any:
    """NAdam's step (Dozat 2016, PyTorch's form): with denom = sqrt(v / (1 - β2^t)) + eps,
    p <- p + grad_coef · g / denom + avg_coef · m / denom, where grad_coef = -lr (1 - μ_t) / (1 - Πμ)
    and avg_coef = -lr μ_{t+1} / (1 - Πμ · μ_{t+1}) (:func:`nadam_coefficients`)."""
    denom = sqrt(exp_avg_sq / bias_correction2) + eps
    return (p + grad_coef * (g / denom)) + avg_coef * (exp_avg / denom)


def radam_param(p: Any, exp_avg: Any, exp_avg_sq: Any, step_size: Any, bias_correction2_sqrt: Any,
                eps: Any) -> Any:
    """RAdam's rectified step (Liu et al. 2019): p <- p - step_size · m · sqrt(1 - β2^t) / (sqrt(v) + eps),
    with step_size = lr · r_t / (1 - β1^t) (:func:`radam_rectification`); while the variance is
    not yet tractable (ρ_t <= 5) the step is plain momentum, :func:`rmsprop_param` with m / (1 - β1^t)."""
    return p - step_size * exp_avg * (bias_correction2_sqrt / (sqrt(exp_avg_sq) + eps))


def rprop_factor(g: Any, prev: Any, etaminus: Any, etaplus: Any) -> Any:
    """Rprop's step-size factor from the sign of g · g_prev: η+ where it kept its sign, η- where
    it flipped, 1 where either is 0."""
    product = g * prev
    return where(product > 0, etaplus, where(product < 0, etaminus, 1.0))


def rprop_step_size(step_size: Any, factor: Any, step_size_min: Any, step_size_max: Any) -> Any:
    """The step sizes scaled by :func:`rprop_factor` and clamped to [min, max] (a NaN stays NaN)."""
    raised = maximum(step_size * factor, step_size_min)
    return where(raised > step_size_max, step_size_max, raised)


def rprop_grad(g: Any, factor: Any) -> Any:
    """The gradient Rprop steps along and remembers: 0 where the sign flipped (the factor is
    η- < 1 there, and 1 or η+ > 1 elsewhere)."""
    return where(factor < 1.0, 0.0, g)


def rprop_param(p: Any, g: Any, step_size: Any) -> Any:
    """Rprop's step: p <- p - sign(g) · step_size (sign(0) = 0)."""
    return p - where(g > 0, 1.0, where(g < 0, -1.0, 0.0)) * step_size


def nadam_coefficients(step: int, lr: float, beta1: float, momentum_decay: float,
                       mu_product: float) -> tuple[float, float, float]:
    """NAdam's scalars at step t (from 1): the momentum schedule μ_t = β1 (1 - 0.96^(t ψ) / 2),
    the product Πμ up to t, and :func:`nadam_param`'s two coefficients.
    Returns (mu_product, grad_coef, avg_coef); ``mu_product`` is the product up to t - 1."""
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
    mu_product = mu_product * mu
    return mu_product, -lr * (1.0 - mu) / (1.0 - mu_product), -lr * mu_next / (1.0 - mu_product * mu_next)


def radam_rectification(step: int, beta2: float) -> float | None:
    """RAdam's variance rectification r_t, or None while ρ_t <= 5 (too few steps to trust the
    second moment): ρ_∞ = 2 / (1 - β2) - 1, ρ_t = ρ_∞ - 2 t β2^t / (1 - β2^t),
    r_t = sqrt((ρ_t - 4)(ρ_t - 2) ρ_∞ / ((ρ_∞ - 4)(ρ_∞ - 2) ρ_t))."""
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2**step) / (1 - beta2**step)
    if rho_t <= 5.0:
        return None
    return math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))


def asgd_param(p: Any, g: Any, decay: Any, eta: Any) -> Any:
    """ASGD's step: p <- p · (1 - λ η) - η g, with ``decay`` = 1 - λ η."""
    return p * decay - eta * g


# ============================================================== the weight average
def adafactor_direction(g: Any, var_estimate: Any, eps1_squared: Any) -> Any:
    """Adafactor's unscaled step: g / sqrt(max(V, eps1²)), V the (factored) second-moment
    estimate, written as g times the reciprocal square root, as PyTorch's."""
    return g * (1.0 / sqrt(maximum(var_estimate, eps1_squared)))


def lerp(start: Any, end: Any, weight: Any) -> Any:
    """start + weight (end - start), as torch.lerp: one step of a moving average towards ``end``
    (the weight average of G: weight = 1 - decay)."""
    return start + weight * (end - start)


# ============================================================== binding
FORMULAS: tuple[Callable, ...] = (
    sigmoid, sigmoid_given_exp, softplus, identity, identity_backward, relu, relu_backward, leaky_relu,
    leaky_relu_backward, sigmoid_act, sigmoid_backward, tanh_act, tanh_backward, bce_with_logits,
    bce_with_logits_pos_weight, bce_with_logits_grad, bce_with_logits_target_grad, batch_norm_invstd,
    batch_norm_normalize,
    batch_norm_affine, batch_norm_grad_input, dropout, l2_decay, adam_moments, adam_param, amsgrad_max,
    rmsprop_average, rmsprop_denominator, rmsprop_direction, rmsprop_param, adadelta_delta, adagrad_sum,
    adagrad_param, adamax_norm, adamax_param, nadam_param, radam_param, rprop_factor, rprop_step_size, rprop_grad,
    rprop_param, asgd_param, adafactor_direction, lerp,
)


def bind(primitives: Mapping[str, Any], decorate: Callable[[Callable], Any] | None = None,
         suffix: str = "", constant: Callable[[float], Any] | None = None,
         replace: Mapping[str, Callable] | None = None) -> types.SimpleNamespace:
    """Every formula re-made from its own code with other ``primitives`` (a mapping that gives
    the names in :data:`PRIMITIVES`, e.g. ``vars(cupy)``; other names in it are ignored), each
    copy passed through ``decorate`` (``numba.njit(inline="always")``, say). Formulas call each
    other through the new namespace. A primitive left out fails only when a formula that uses
    it is called.

    ``replace`` gives formulas by name (``sigmoid``, say) to use instead of copies: the autograd
    ops pass their own differentiable Sigmoid op that way. ``suffix`` is added to each copy's
    qualified name, so that a compiler's on-disk cache, which is keyed by name, keeps the copies
    apart. ``constant`` retypes the numbers written in the formulas (0, 1): Numba types a bare
    ``1`` as an int64, which would turn float32 arithmetic into float64, so its copies get
    ``numpy.float32(1)`` (exact, and float64 stays float64).

    Returns a namespace with one attribute per formula, plus ``ACTIVATIONS`` (name ->
    (f, backward)) in the order of :data:`ACTIVATIONS`.
    """
    scope: dict[str, Any] = {name: primitives[name] for name in PRIMITIVES if name in primitives}
    # Compiled extensions (CuPy's ufuncs) read __builtins__ from their caller's globals.
    scope["__builtins__"] = builtins
    bound = types.SimpleNamespace()
    for formula in FORMULAS:  # callees (sigmoid, softplus) come first, so callers see their copies
        name = formula.__name__
        if replace and name in replace:
            made = replace[name]
        else:
            code = formula.__code__
            if constant is not None:
                code = code.replace(co_consts=tuple(_retyped(c, constant) for c in code.co_consts))
            copy = types.FunctionType(code, scope, name, formula.__defaults__)
            copy.__qualname__ = formula.__qualname__ + suffix
            copy.__module__ = formula.__module__
            copy.__doc__ = formula.__doc__
            made = decorate(copy) if decorate is not None else copy
        scope[name] = made
        setattr(bound, name, made)
    bound.ACTIVATIONS = {name: (getattr(bound, f.__name__), getattr(bound, backward.__name__))
                         for name, (f, backward) in ACTIVATIONS.items()}
    return bound


def _retyped(value: Any, constant: Callable[[float], Any]) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    converted = constant(value)
    if float(converted) != value:  # only constants the new type holds exactly
        raise ValueError(f"formula constant {value!r} is not exact as {type(converted).__name__}")
    return converted
