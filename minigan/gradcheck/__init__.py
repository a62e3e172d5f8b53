"""Gradient checks: backprop against float64 central differences, no PyTorch needed.

* ``numerical_grad``  - d(sum(u * f(x)))/dx by central differences, one element at a time;
* ``gradcheck``       - the full vector-Jacobian product for a random upstream gradient u
                        (never all ones, which would hide a transposed Jacobian);
* ``check_backward``  - one random direction through inputs *and* parameters (Chainer's
                        check), which scales to whole layers;
* ``gradgradcheck``   - gradcheck applied to the gradient itself, computed with
                        ``create_graph=True``.

Tolerances: an element passes when ``|analytic - numeric| <= atol + rtol * |numeric|``.
The defaults are eps 1e-6, atol 1e-5, rtol 1e-4. (An rtol of 1e-3 could not reject a
backward that is off by a factor of 1.001: that error sits exactly on the bound. In float64
central differences are accurate to about 1e-8 relative here, so 1e-4 leaves a wide margin.)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ..autograd import grad as autograd_grad
from ..function import enable_grad, no_grad
from ..ops import concatenate
from ..tensor import Tensor

EPS = 1e-6
ATOL = 1e-5
RTOL = 1e-4


class GradcheckError(AssertionError):
    """Backprop and finite differences disagree."""


@dataclass
class GradcheckResult:
    ok: bool
    max_abs_err: float
    max_rel_err: float
    message: str = ""


def _errors(analytic: np.ndarray, numeric: np.ndarray, atol: float, rtol: float) -> tuple[bool, float, float]:
    abs_err = np.abs(analytic - numeric)
    rel_err = abs_err / np.maximum(np.abs(numeric), 1e-12)
    ok = bool(np.all(abs_err <= atol + rtol * np.abs(numeric)))
    max_abs = float(abs_err.max()) if abs_err.size else 0.0
    # Relative error is only meaningful where the value is not tiny.
    meaningful = np.abs(numeric) > atol
    max_rel = float(rel_err[meaningful].max()) if meaningful.any() else 0.0
    return ok, max_abs, max_rel


def _verdict(ok: bool, max_abs: float, max_rel: float, message: str, raise_exception: bool) -> GradcheckResult:
    if not ok and raise_exception:
        raise GradcheckError(message)
    return GradcheckResult(ok, max_abs, max_rel, "" if ok else message)


def _random_upstream(fn: Callable[..., Tensor], inputs: Sequence[Tensor], rng: np.random.Generator) -> np.ndarray:
    """A random d(loss)/d(output): never all ones, which would hide a transposed Jacobian."""
    with no_grad():
        return rng.standard_normal(fn(*inputs).shape)


def _as_float64_inputs(inputs: Sequence[Any]) -> list[Tensor]:
    tensors = []
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor):
            x = Tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
        if x.dtype != np.float64:
            raise TypeError(f"gradcheck needs float64 inputs (input {i} is {x.dtype}): float32 differences are too noisy")
        tensors.append(x)
    return tensors


def _scalar_objective(fn: Callable[..., Tensor], inputs: Sequence[Tensor], upstream: np.ndarray) -> float:
    """sum(u * f(x)) without recording: the scalar whose gradient the checks compare."""
    with no_grad():
        out = fn(*inputs)
    return float(np.sum(upstream * np.asarray(out.data, dtype=np.float64)))


def numerical_grad(fn: Callable[..., Tensor], inputs: Sequence[Tensor], upstream: np.ndarray, eps: float = EPS) -> list[np.ndarray]:
    """Central differences of sum(upstream * fn(*inputs)) with respect to every input element.

    Inputs are perturbed in place (also through non-contiguous views) and restored.
    """
    grads = []
    for x in inputs:
        g = np.zeros(x.shape, dtype=np.float64)
        data = x.data
        for index in np.ndindex(*x.shape):
            original = data[index]
            data[index] = original + eps
            plus = _scalar_objective(fn, inputs, upstream)
            data[index] = original - eps
            minus = _scalar_objective(fn, inputs, upstream)
            data[index] = original
            g[index] = (plus - minus) / (2.0 * eps)
        grads.append(g)
    return grads


def _analytic_grads(fn: Callable[..., Tensor], inputs: Sequence[Tensor], upstream: np.ndarray) -> tuple[Tensor, list[np.ndarray]]:
    out = fn(*inputs)
    if not isinstance(out, Tensor):
        raise TypeError(f"the checked function must return a Tensor, not {type(out).__name__}")
    wanted = [x for x in inputs if x.requires_grad]
    if not out.requires_grad:
        return out, [np.zeros(x.shape) for x in wanted]
    grads = autograd_grad(out, wanted, grad_outputs=Tensor(upstream, dtype=out.dtype), allow_unused=True)
    return out, [np.zeros(x.shape) if g is None else np.asarray(g.data, dtype=np.float64) for x, g in zip(wanted, grads)]


def gradcheck(
    fn: Callable[..., Tensor],
    inputs: Sequence[Any],
    *,
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
    rng: np.random.Generator | None = None,
    raise_exception: bool = True,
) -> GradcheckResult:
    """Compare the backprop gradient of every input that requires one with central differences.

    A random upstream gradient u is drawn once; both sides compute d(sum(u * fn(x)))/dx.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    inputs = _as_float64_inputs(inputs)
    upstream = _random_upstream(fn, inputs, rng)
    _, analytic = _analytic_grads(fn, inputs, upstream)
    numeric = numerical_grad(fn, [x for x in inputs if x.requires_grad], upstream, eps)
    ok, max_abs, max_rel = True, 0.0, 0.0
    for a, n in zip(analytic, numeric):
        this_ok, this_abs, this_rel = _errors(a, n, atol, rtol)
        ok, max_abs, max_rel = ok and this_ok, max(max_abs, this_abs), max(max_rel, this_rel)
    message = f"backprop and finite differences differ: max abs error {max_abs:.3g}, max rel error {max_rel:.3g}"
    return _verdict(ok, max_abs, max_rel, message, raise_exception)


def check_backward(
    fn: Callable[..., Tensor],
    inputs: Sequence[Any],
    params: Sequence[Tensor] = (),
    *,
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
    rng: np.random.Generator | None = None,
    raise_exception: bool = True,
) -> GradcheckResult:
    """One random direction d through inputs and parameters: backprop's <grad, d> against
    (L(x + eps d) - L(x - eps d)) / (2 eps), with L = sum(u * fn(x)). Cheap for whole layers."""
    rng = rng if rng is not None else np.random.default_rng(0)
    inputs = _as_float64_inputs(inputs)
    variables = [x for x in inputs if x.requires_grad] + list(params)
    for p in params:
        if p.dtype != np.float64:
            raise TypeError(f"check_backward needs float64 parameters, got {p.dtype} of shape {p.shape}")
    upstream = _random_upstream(fn, inputs, rng)
    directions = [rng.standard_normal(v.shape) for v in variables]

    out = fn(*inputs)
    grads = autograd_grad(out, variables, grad_outputs=Tensor(upstream, dtype=out.dtype), allow_unused=True)
    analytic = sum(float(np.sum(d * g.data)) for d, g in zip(directions, grads) if g is not None)

    def shifted(step: float) -> float:
        originals = [v.data.copy() for v in variables]
        for v, d in zip(variables, directions):
            v.data[...] = v.data + step * d
        try:
            return _scalar_objective(fn, inputs, upstream)
        finally:
            for v, original in zip(variables, originals):
                v.data[...] = original

    numeric = (shifted(eps) - shifted(-eps)) / (2.0 * eps)
    ok, max_abs, max_rel = _errors(np.array([analytic]), np.array([numeric]), atol, rtol)
    message = f"directional derivative: backprop {analytic:.10g} vs finite differences {numeric:.10g}"
    return _verdict(ok, max_abs, max_rel, message, raise_exception)


def gradgradcheck(
    fn: Callable[..., Tensor],
    inputs: Sequence[Any],
    *,
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
    rng: np.random.Generator | None = None,
    raise_exception: bool = True,
) -> GradcheckResult:
    """gradcheck of x -> d(sum(u * fn(x)))/dx, the gradient built with ``create_graph=True``."""
    rng = rng if rng is not None else np.random.default_rng(1)
    inputs = _as_float64_inputs(inputs)
    upstream = Tensor(_random_upstream(fn, inputs, rng), dtype=np.float64)

    def first_gradient(*xs: Tensor) -> Tensor:
        wanted = [x for x in xs if x.requires_grad]
        with enable_grad():  # finite differences call this under no_grad; the inner gradient needs a graph
            grads = autograd_grad(fn(*xs), wanted, grad_outputs=upstream, create_graph=True, allow_unused=True)
        # An input the output does not depend on has a zero gradient, with no graph.
        pieces = [(g if g is not None else Tensor(np.zeros(x.shape))).reshape(-1) for x, g in zip(wanted, grads)]
        return concatenate(pieces) if len(pieces) > 1 else pieces[0]

    return gradcheck(first_gradient, inputs, eps=eps, atol=atol, rtol=rtol, rng=rng, raise_exception=raise_exception)



__all__ = [
    "EPS", "ATOL", "RTOL", "GradcheckError", "GradcheckResult",
    "numerical_grad", "gradcheck", "check_backward", "gradgradcheck",
]
