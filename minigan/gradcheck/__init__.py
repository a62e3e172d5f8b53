"""Gradient checks: backprop against float64 central differences, no PyTorch needed.

* ``numerical_grad``  - d(sum(u * f(x)))/dx by central differences, one element at a time;
* ``gradcheck``       - the full vector-Jacobian product for a random upstream gradient u
                        (never all ones, which would hide a transposed Jacobian);
* ``check_backward``  - one random direction through inputs *and* parameters (Chainer's
                        check), which scales to whole layers;
* ``gradgradcheck``   - second order, against values: the gradient recorded with
                        ``create_graph=True`` must equal the plain backward's and central
                        differences of f, and its own derivative central differences: of the
                        gradient with respect to the inputs, and of f along the random direction
                        for the derivative with respect to the upstream gradient (J v);
* ``second_order_values`` - what gradgradcheck compares, without the differences: to compare
                        two evaluations of the same values (one input layout against another).

Tolerances: an element passes when ``|analytic - numeric| <= atol + rtol * |numeric|``.
The defaults are eps 1e-6, atol 1e-7, rtol 1e-4. (An rtol of 1e-3 could not reject a
backward that is off by a factor of 1.001: that error sits exactly on the bound. Nor could an
atol of 1e-5 where gradients are small, such as a mean loss's, 0.04 per element for 12
logits: 1.001 times that is 4e-5 off. In float64 central differences are accurate to about
1e-8 relative, and the largest absolute error over all registered cases is below 1e-7, so
both bounds leave a margin.)
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from ..autograd import Tensor, enable_grad, no_grad, topological_order
from ..autograd import grad as autograd_grad
from ..ops import concatenate

EPS = 1e-6
ATOL = 1e-7
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


def _is_duck_tensor(x: Any) -> bool:
    """A tensor of another engine that has data, requires_grad, grad and backward (micro's)."""
    return not isinstance(x, Tensor) and all(hasattr(x, a) for a in ("array", "requires_grad", "grad", "backward"))


def _as_float64_inputs(inputs: Sequence[Any], caller: str = "") -> list[Tensor]:
    tensors = []
    for i, x in enumerate(inputs):
        if _is_duck_tensor(x):
            if caller:
                raise TypeError(f"{caller} needs minigan Tensors; input {i} is a {type(x).__module__}.{type(x).__name__} "
                                "(gradcheck alone takes other engines' tensors, such as minigan.micro's)")
            if np.asarray(x.array).dtype != np.float64:
                raise TypeError(f"gradcheck needs float64 inputs (input {i} is {np.asarray(x.array).dtype})")
            tensors.append(x)
            continue
        if not isinstance(x, Tensor):
            x = Tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
        if x.dtype != np.float64:
            raise TypeError(f"gradcheck needs float64 inputs (input {i} is {x.dtype}): float32 differences are too noisy")
        tensors.append(x)
    return tensors


def _output_value(fn: Callable[..., Tensor], inputs: Sequence[Tensor]) -> np.ndarray:
    """f(x) without recording, as a float64 copy (an output may be a view of an input that
    finite differences move next): every function value the differences take."""
    with no_grad():
        out = fn(*inputs)
    return np.array(out.array, dtype=np.float64)


def _scalar_objective(fn: Callable[..., Tensor], inputs: Sequence[Tensor], upstream: np.ndarray) -> float:
    """sum(u * f(x)) without recording: the scalar whose gradient the checks compare."""
    return float(np.sum(upstream * _output_value(fn, inputs)))


@contextlib.contextmanager
def _perturbable(tensors: Sequence[Tensor]) -> Iterator[None]:
    """Let finite differences write into every tensor's array.

    A read-only array, or one with a zero stride (a broadcast view, where one write would move
    a whole row), is swapped for a private copy of the same values while the differences run;
    other views, strided or transposed, are perturbed in place. The function's value does not
    depend on the layout, so the copy is a fair reference.
    """
    swapped = []
    for x in tensors:
        data = x.array
        if not data.flags.writeable or any(stride == 0 and n > 1 for stride, n in zip(data.strides, data.shape)):
            swapped.append((x, data))
            x.array = np.array(data)
    try:
        yield
    finally:
        for x, data in swapped:
            x.array = data


def numerical_grad(
    fn: Callable[..., Tensor],
    inputs: Sequence[Tensor],
    upstream: np.ndarray,
    eps: float = EPS,
    wrt: Sequence[Tensor] | None = None,
) -> list[np.ndarray]:
    """Central differences of sum(upstream * fn(*inputs)) with respect to every element of
    ``wrt`` (by default the inputs that require a gradient).

    Inputs are perturbed in place (also through strided and transposed views) and restored.
    """
    wrt = [x for x in inputs if x.requires_grad] if wrt is None else list(wrt)
    grads = []
    with _perturbable(wrt):
        for x in wrt:
            g = np.zeros(x.shape, dtype=np.float64)
            data = x.array
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


def _duck_grads(out: Any, wanted: Sequence[Any], upstream: np.ndarray) -> list[np.ndarray]:
    """d(sum(u * out))/dx by the other engine's own backward, read from ``.grad`` (restored after)."""
    kept = [x.grad for x in wanted]
    try:
        for x in wanted:
            x.grad = None
        if out.requires_grad:
            (out * upstream).sum().backward()
        return [np.zeros(x.shape) if x.grad is None else np.asarray(x.grad if isinstance(x.grad, np.ndarray) else x.grad.array, dtype=np.float64)
                for x in wanted]
    finally:
        for x, grad in zip(wanted, kept):
            x.grad = grad


def _analytic_grads(fn: Callable[..., Tensor], inputs: Sequence[Tensor], upstream: np.ndarray) -> tuple[Tensor, list[np.ndarray]]:
    out = fn(*inputs)
    if _is_duck_tensor(out):
        return out, _duck_grads(out, [x for x in inputs if x.requires_grad], upstream)
    if not isinstance(out, Tensor):
        raise TypeError(f"the checked function must return a Tensor, not {type(out).__name__}")
    wanted = [x for x in inputs if x.requires_grad]
    if not out.requires_grad:
        return out, [np.zeros(x.shape) for x in wanted]
    grads = autograd_grad(out, wanted, grad_outputs=Tensor(upstream, dtype=out.dtype), allow_unused=True)
    return out, [np.zeros(x.shape) if g is None else np.asarray(g.array, dtype=np.float64) for x, g in zip(wanted, grads)]


def _compare_all(analytic: Sequence[np.ndarray], numeric: Sequence[np.ndarray], atol: float, rtol: float) -> tuple[bool, float, float]:
    """_errors over several gradients at once: all must pass; the worst errors are reported."""
    ok, max_abs, max_rel = True, 0.0, 0.0
    for a, n in zip(analytic, numeric):
        this_ok, this_abs, this_rel = _errors(a, n, atol, rtol)
        ok, max_abs, max_rel = ok and this_ok, max(max_abs, this_abs), max(max_rel, this_rel)
    return ok, max_abs, max_rel


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
    The inputs may be another engine's tensors with ``data``, ``requires_grad``, ``grad`` and
    ``backward()`` (minigan.micro's): their own backward is checked.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    inputs = _as_float64_inputs(inputs)
    upstream = _random_upstream(fn, inputs, rng)
    _, analytic = _analytic_grads(fn, inputs, upstream)
    numeric = numerical_grad(fn, inputs, upstream, eps)
    ok, max_abs, max_rel = _compare_all(analytic, numeric, atol, rtol)
    message = f"backprop and finite differences differ: max abs error {max_abs:.3g}, max rel error {max_rel:.3g}"
    return _verdict(ok, max_abs, max_rel, message, raise_exception)


_CENTRAL = ((1, 1), (-1, -1)), 2  # (f(x + eps d) - f(x - eps d)) / (2 eps): error O(eps^2)
_FIVE_POINT = ((2, -1), (1, 8), (-1, -8), (-2, 1)), 12  # error O(eps^4), for sharply curved f


def _directional_difference(value: Callable[[], Any], variables: Sequence[Tensor], directions: Sequence[np.ndarray],
                            eps: float, stencil: tuple[tuple[tuple[int, int], ...], int] = _CENTRAL) -> np.ndarray:
    """The derivative of ``value`` along the directions d by a central-difference stencil of
    (multiple of eps, weight) points over a denominator: every variable is moved along its
    direction at once (in place, through views too) and restored after."""
    points, denominator = stencil

    def shifted(step: float) -> np.ndarray:
        originals = [v.array.copy() for v in variables]
        for v, d in zip(variables, directions):
            v.array[...] = v.array + step * d
        try:
            return np.asarray(value(), dtype=np.float64)
        finally:
            for v, original in zip(variables, originals):
                v.array[...] = original

    with _perturbable(variables):
        values = [(weight, shifted(multiple * eps)) for multiple, weight in points]
    total = values[0][0] * values[0][1]
    for weight, shifted_value in values[1:]:
        total = total + weight * shifted_value
    return total / (denominator * eps)


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
    inputs = _as_float64_inputs(inputs, "check_backward")
    variables = [x for x in inputs if x.requires_grad] + list(params)
    for p in params:
        if p.dtype != np.float64:
            raise TypeError(f"check_backward needs float64 parameters, got {p.dtype} of shape {p.shape}")
    upstream = _random_upstream(fn, inputs, rng)
    directions = [rng.standard_normal(v.shape) for v in variables]

    out = fn(*inputs)
    grads = autograd_grad(out, variables, grad_outputs=Tensor(upstream, dtype=out.dtype), allow_unused=True)
    analytic = sum(float(np.sum(d * g.array)) for d, g in zip(directions, grads) if g is not None)

    def objective() -> float:
        return _scalar_objective(fn, inputs, upstream)

    numeric = float(_directional_difference(objective, variables, directions, eps))
    ok, max_abs, max_rel = _errors(np.array([analytic]), np.array([numeric]), atol, rtol)
    message = f"directional derivative: backprop {analytic:.10g} vs finite differences {numeric:.10g}"
    return _verdict(ok, max_abs, max_rel, message, raise_exception)


def _first_derivative(
    fn: Callable[..., Tensor], inputs: Sequence[Tensor], upstream: Tensor, create_graph: bool
) -> list[Tensor]:
    """d(sum(u * fn(x)))/dx for every input that requires a gradient, recorded or plain.

    Runs with recording on even inside finite differences (which call it under no_grad):
    the gradient needs the forward graph. An input the output does not use gets zeros.
    """
    wanted = [x for x in inputs if x.requires_grad]
    with enable_grad():
        out = fn(*inputs)
        grads = autograd_grad(out, wanted, grad_outputs=upstream, create_graph=create_graph, allow_unused=True)
    return [Tensor._make(np.zeros(x.shape), False, None) if g is None else g for x, g in zip(wanted, grads)]


def _flat(tensors: Sequence[Tensor]) -> Tensor:
    pieces = [t.reshape(-1) for t in tensors]
    return concatenate(pieces) if len(pieces) > 1 else pieces[0]


@dataclass
class SecondOrderValues:
    """What gradgradcheck compares with finite differences, at the inputs x, a random upstream
    gradient u and a random direction v (drawn from the generator in that order).

    ``recorded`` and ``plain`` are g(x, u) = d(sum(u * fn(x)))/dx for every input that requires
    a gradient, recorded with ``create_graph=True`` and from the plain backward; ``second`` is
    d(sum(v * g))/dx for each of those inputs, then d(sum(v * g))/du.
    """

    upstream: Tensor
    directions: list[np.ndarray]
    recorded: list[np.ndarray]
    plain: list[np.ndarray]
    second: list[np.ndarray]


def second_order_values(
    fn: Callable[..., Tensor], inputs: Sequence[Any], rng: np.random.Generator | None = None
) -> SecondOrderValues:
    """The derivatives :func:`gradgradcheck` checks, without the finite differences: for
    comparing two evaluations of the same values, such as one input layout against another."""
    rng = rng if rng is not None else np.random.default_rng(1)
    return _second_order_values(fn, _as_float64_inputs(inputs, "second_order_values"), rng)


def _second_order_values(fn: Callable[..., Tensor], inputs: Sequence[Tensor], rng: np.random.Generator) -> SecondOrderValues:
    wanted = [x for x in inputs if x.requires_grad]
    upstream = Tensor._make(_random_upstream(fn, inputs, rng), True, None)
    recorded = _first_derivative(fn, inputs, upstream, create_graph=True)
    plain = _first_derivative(fn, inputs, upstream, create_graph=False)
    directions = [rng.standard_normal(x.shape) for x in wanted]
    return SecondOrderValues(
        upstream=upstream,
        directions=directions,
        recorded=[np.asarray(g.array, dtype=np.float64) for g in recorded],
        plain=[np.asarray(g.array, dtype=np.float64) for g in plain],
        second=_second_derivative(recorded, wanted + [upstream], directions),
    )


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
    """Second order, checked against values (a first derivative that is only self-consistent fails).

    With a random upstream gradient u, g(x, u) = d(sum(u * fn(x)))/dx. Three checks:

    1. g recorded with ``create_graph=True`` equals g from the plain backward (fused ops take a
       different branch for each, so both are checked against one another);
    2. it equals the central differences of sum(u * fn(x));
    3. for a random v, the derivative of sum(v * g) through the recorded graph, with respect to
       the inputs x, equals the central differences of sum(v * g) computed with the plain
       backward; with respect to u it equals J v, the derivative of fn along v (g = J^T u is
       linear in u), by five-point central differences of fn itself along v: four forward
       passes instead of two backward passes per element of u. (Two points are not enough:
       with every input moved at once, their O(eps^2) error can reach the tolerance where fn
       curves sharply, as the cosine similarity of nearly parallel short vectors does.)
    """
    rng = rng if rng is not None else np.random.default_rng(1)
    inputs = _as_float64_inputs(inputs, "gradgradcheck")
    wanted = [x for x in inputs if x.requires_grad]
    values = _second_order_values(fn, inputs, rng)
    upstream = values.upstream
    stages = [
        ("the first derivative recorded with create_graph differs from the plain backward's",
         _compare_all(values.recorded, values.plain, atol, rtol)),
        ("the first derivative recorded with create_graph differs from finite differences",
         _compare_all(values.recorded, numerical_grad(fn, inputs, upstream.array, eps), atol, rtol)),
    ]

    def plain_first_derivative(*xs: Tensor) -> Tensor:
        return _flat(_first_derivative(fn, xs[:-1], xs[-1], create_graph=False))

    numeric = numerical_grad(plain_first_derivative, [*inputs, upstream], _flat_array(values.directions), eps,
                             wrt=wanted)

    along_v = _directional_difference(lambda: _output_value(fn, inputs), wanted, values.directions, eps, _FIVE_POINT)
    stages.append(("the second derivative with respect to the inputs differs from finite differences",
                   _compare_all(values.second[:-1], numeric, atol, rtol)))
    stages.append(("the second derivative with respect to grad_outputs differs from finite differences",
                   _compare_all(values.second[-1:], [along_v], atol, rtol)))

    failed = [(what, errs) for what, errs in stages if not errs[0]]
    max_abs = max(errs[1] for _, errs in stages)
    max_rel = max(errs[2] for _, errs in stages)
    message = "; ".join(f"{what}: max abs error {errs[1]:.3g}, max rel error {errs[2]:.3g}" for what, errs in failed)
    if failed:
        message += _saved_arrays_hint(fn, inputs)
    return _verdict(not failed, max_abs, max_rel, message, raise_exception)


def _saved_arrays_hint(fn: Callable[..., Tensor], inputs: Sequence[Tensor]) -> str:
    """Where a failing second derivative most often comes from: a Function whose forward saved
    raw arrays that its backward computes with. create_graph records Tensor ops only, so what
    flows through those arrays is a constant to the second derivative."""
    with enable_grad():
        out = fn(*inputs)
    saving = sorted({
        node._ctx.function.__name__ for node in topological_order([out]) if node._ctx is not None
        and any(not isinstance(v, Tensor) and hasattr(v, "shape") and hasattr(v, "dtype") for v in node._ctx.saved)
    })
    if not saving:
        return ""
    return (f". Likely cause: {', '.join(saving)}.backward computes with arrays saved in forward "
            "(ctx.save_for_backward); create_graph records only Tensor ops, so the second derivative "
            "misses what flows through those arrays: read the inputs from ctx.inputs and write backward "
            "with Tensor ops")


def _flat_array(arrays: Sequence[np.ndarray]) -> np.ndarray:
    return np.concatenate([np.ravel(a) for a in arrays])


def _second_derivative(first: Sequence[Tensor], variables: Sequence[Tensor], directions: Sequence[np.ndarray]) -> list[np.ndarray]:
    """d(sum(v * first))/d(variable) through the recorded graph of ``first`` (zeros where it has none)."""
    linked = [(g, Tensor(v)) for g, v in zip(first, directions) if g.requires_grad]
    if not linked:
        return [np.zeros(x.shape) for x in variables]
    grads = autograd_grad([g for g, _ in linked], list(variables), grad_outputs=[v for _, v in linked],
                          allow_unused=True)
    return [np.zeros(x.shape) if g is None else np.asarray(g.array, dtype=np.float64) for x, g in zip(variables, grads)]


__all__ = [
    "EPS", "ATOL", "RTOL", "GradcheckError", "GradcheckResult",
    "numerical_grad", "gradcheck", "check_backward", "gradgradcheck", "SecondOrderValues", "second_order_values",
]
