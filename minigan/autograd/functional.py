"""Jacobians, Hessians and their products with a vector, as ``torch.autograd.functional``.

Each function calls ``func`` on fresh tensors made from the inputs (so a tensor that ``func``
captures from outside is not mistaken for an input) and reads the derivatives off the engine's
:func:`~minigan.autograd.engine.grad`, as PyTorch's module does:

* ``vjp``: vᵀJ, one backward pass seeded with v;
* ``jvp``: Jv by the double-backward trick. The backward pass g ↦ Jᵀg is linear in g, so it is
  recorded (``create_graph=True``) from a dummy g of zeros that requires grad, then
  differentiated with respect to g, seeded with v: the gradient of vᵀ(Jᵀg) in g is Jv;
* ``jacobian``: one backward pass per element of each output (a row of J), stacked and shaped
  ``output.shape + input.shape``;
* ``hessian``: the jacobian of the gradient, the gradient recorded with ``create_graph=True``;
* ``vhp``: vᵀH, the recorded gradient differentiated once more, seeded with v;
* ``hvp``: Hv, the double-backward trick on the recorded gradient.

The results have PyTorch's structure: a Tensor for a Tensor input, a tuple for a tuple of inputs,
a tuple of tuples for several outputs and inputs (``J[i][j]`` is output i by input j). An input
the outputs do not depend on gets zeros, or with ``strict=True`` PyTorch's error. The results
require grad only with ``create_graph=True``. ``vectorize=True`` is accepted and gives the same
values, computed one row at a time (PyTorch's vectorised path is a speed-up, not other numbers);
forward-mode AD is not supported and says so.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from .engine import grad
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled
from .ops_on_first_use import OpsOnFirstUse
from .tensor import Tensor

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]

_STRATEGIES = ("reverse-mode", "forward-mode")


# ---------------------------------------------------------------------------------------------- helpers
def _as_tuple(value: Any, arg_name: str, fn_name: str) -> tuple[bool, tuple[Tensor, ...]]:
    """(whether ``value`` was a tuple, ``value`` as a tuple of Tensors)."""
    is_tuple = isinstance(value, tuple)
    values = value if is_tuple else (value,)
    for i, item in enumerate(values):
        if not isinstance(item, Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                            f"but {where} has type {type(item).__name__}.")
    return is_tuple, values


def _unpack(result: Any, to_unpack: bool | tuple[bool, bool]) -> Any:
    """Undo :func:`_as_tuple` on a result: a tuple of one becomes its element; with a pair of
    flags, the outer (outputs) and inner (inputs) levels are undone separately."""
    if isinstance(to_unpack, tuple):
        is_outer_tuple, is_inner_tuple = to_unpack
        if not is_inner_tuple:
            result = tuple(row[0] for row in result)
        return result if is_outer_tuple else result[0]
    return result if to_unpack else result[0]


def _prepare(tensors: Sequence[Tensor], create_graph: bool, need_graph: bool) -> tuple[Tensor, ...]:
    """A new Tensor per input. With ``create_graph`` an input that requires grad stays connected
    to it (a clone), so the results can be differentiated with respect to the caller's tensors;
    otherwise the new tensor is detached, requiring grad when the derivative is taken in it."""
    return tuple(t.clone() if create_graph and t.requires_grad else t.detach().requires_grad_(need_graph)
                 for t in tensors)


def _finish(results: Any, create_graph: bool) -> Any:
    """The results, cut from the graph unless ``create_graph`` (nested tuples too)."""
    if isinstance(results, Tensor):
        return results if create_graph else results.detach()
    return tuple(_finish(r, create_graph) for r in results)


def _validate_v(v: Sequence[Tensor], other: Sequence[Tensor], is_other_tuple: bool) -> None:
    if len(v) != len(other):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (el_v, el_other) in enumerate(zip(v, other)):
        if el_v.shape != el_other.shape:
            prefix = f"Entry {i} in " if is_other_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {el_other.shape} but got {el_v.shape}.")


_NO_GRAD_MESSAGES = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The outputs must be "
               "computed in a differentiable manner from the input when running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the user-provided "
                   "function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided function with respect "
                "to input {i} is independent of the input. This is not allowed in strict mode. You should ensure "
                "that your function is twice differentiable and that the jacobian depends on the inputs (this "
                "would be violated by a linear function for example).",
}


def _check_requires_grad(tensors: Sequence[Tensor | None], kind: str, strict: bool) -> None:
    """With ``strict``, PyTorch's error for the first entry that is None or does not require grad."""
    if not strict:
        return
    for i, tensor in enumerate(tensors):
        if tensor is None:
            raise RuntimeError(f"The output of the user-provided function is independent of input {i}. "
                               "This is not allowed in strict mode.")
        if not tensor.requires_grad:
            raise RuntimeError(_NO_GRAD_MESSAGES[kind].format(i=i))


def _grad(outputs: Sequence[Tensor | None], inputs: Sequence[Tensor], grad_outputs: Sequence[Any] | None = None,
          create_graph: bool = False, retain_graph: bool | None = None) -> tuple[Tensor | None, ...]:
    """:func:`grad` that skips outputs that are None or need no gradient, and gives None for an
    input nothing depends on."""
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else grad_outputs
    kept = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not kept:
        return (None,) * len(inputs)
    return grad([o for o, _ in kept], list(inputs), [g for _, g in kept], retain_graph=retain_graph,
                create_graph=create_graph, allow_unused=True)


_NONE_MESSAGES = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in "
            "strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                  "using the double backward trick to compute forward mode gradients. This is not allowed in "
                  "strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed "
                   "in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the "
                         "grad_jacobian. This is not allowed in strict mode as it prevents from using the double "
                         "backward trick to replace forward mode AD.",
}


def _fill_in_zeros(grads: Sequence[Tensor | None], refs: Sequence[Tensor], strict: bool, create_graph: bool,
                   stage: str) -> tuple[Tensor, ...]:
    """Zeros shaped like ``refs[i]`` for each missing gradient, or with ``strict`` PyTorch's error."""
    filled = []
    for i, gradient in enumerate(grads):
        if gradient is None:
            if strict:
                raise RuntimeError(_NONE_MESSAGES[stage].format(i=i))
            gradient = refs[i].new_zeros(refs[i].shape)
        elif strict and create_graph and not gradient.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. "
                               "This is not allowed in strict mode when create_graph=True.")
        filled.append(gradient)
    return tuple(filled)


def _single_output(outputs: Sequence[Tensor], is_outputs_tuple: bool, fn_name: str) -> None:
    if is_outputs_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single element")


def _prepared_v(v: Any, others: Sequence[Tensor], is_others_tuple: bool, create_graph: bool, fn_name: str,
                what: str) -> tuple[Tensor, ...] | None:
    """``v`` as a tuple checked against ``others``; None where it may be left out (one element)."""
    if v is None:
        if len(others) != 1 or others[0].numel() != 1:
            raise RuntimeError(f"The vector v can only be None if {what} a single Tensor with a single element.")
        return None
    _, v = _as_tuple(v, "v", fn_name)
    v = _prepare(v, create_graph, need_graph=False)
    _validate_v(v, others, is_others_tuple)
    return v


_ONE_INPUT = "the input to the user-provided function is"


# ------------------------------------------------------------------------------------------- public API
def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), vᵀJ)``: the vector ``v`` (shaped like the output) times the Jacobian of
    ``func`` at ``inputs``, one Tensor per input. ``v`` may be left out when the output has
    one element."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        v = _prepared_v(v, outputs, is_outputs_tuple, create_graph, "vjp", "the user-provided function returns")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        result = _grad(outputs, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(result, inputs, strict, create_graph, "back")
    return (_unpack(_finish(outputs, create_graph), is_outputs_tuple),
            _unpack(_finish(result, create_graph), is_inputs_tuple))


def jvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), Jv)``: the Jacobian of ``func`` at ``inputs`` times the vector ``v``
    (shaped like the inputs), one Tensor per output, by the double-backward trick (two reverse
    passes, as PyTorch's ``autograd.functional.jvp``)."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        v = _prepared_v(v, inputs, is_inputs_tuple, create_graph, "jvp", _ONE_INPUT)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        # The backward pass is linear in its seed, so the seed's value never reaches the result;
        # zeros are safe (no inf or nan), and requiring grad makes the pass differentiable in it.
        seeds = tuple(out.new_zeros(out.shape, requires_grad=True) for out in outputs)
        grad_inputs = _grad(outputs, inputs, seeds, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        result = _grad(grad_inputs, seeds, v, create_graph=create_graph)
        result = _fill_in_zeros(result, outputs, strict, create_graph, "back_trick")
    return (_unpack(_finish(outputs, create_graph), is_outputs_tuple),
            _unpack(_finish(result, create_graph), is_outputs_tuple))


def _unsupported_strategy(feature: str) -> Exception:
    from ..torch_api.unsupported import UnsupportedFeatureError  # noqa: PLC0415 - the PyTorch names sit above autograd

    return UnsupportedFeatureError(f"{feature} is not supported by minigan (forward-mode AD); use the default "
                                   "'reverse-mode'; see 'From PyTorch to minigan' in docs/internals.md")


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``: for output i and input j a Tensor shaped
    ``outputs[i].shape + inputs[j].shape``, in PyTorch's structure (a Tensor, a tuple, or a tuple
    of tuples ``J[i][j]`` when both are tuples). One backward pass per output element."""
    if strategy not in _STRATEGIES:
        raise ValueError(f"jacobian: strategy must be 'reverse-mode' or 'forward-mode', got {strategy!r}")
    if strategy == "forward-mode":
        raise _unsupported_strategy("jacobian(strategy='forward-mode')")
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        if vectorize and strict:
            raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                               "supported together. Please either set `strict=False` or `vectorize=False`.")
        jacobian_rows = tuple(_jacobian_of_output(i, out, inputs, create_graph, strict)
                              for i, out in enumerate(outputs))
    return _unpack(_finish(jacobian_rows, create_graph), (is_outputs_tuple, is_inputs_tuple))


def _jacobian_of_output(i: int, out: Tensor, inputs: Sequence[Tensor], create_graph: bool,
                        strict: bool) -> tuple[Tensor, ...]:
    """The Jacobian of one output with respect to each input: the gradient of each of its
    elements in turn, stacked and shaped ``out.shape + input.shape``."""
    rows: list[list[Tensor]] = [[] for _ in inputs]
    flat = out.reshape(-1)
    for k in range(out.numel()):
        gradients = _grad((flat[k],), inputs, retain_graph=True, create_graph=create_graph)
        for j, (gradient, inp) in enumerate(zip(gradients, inputs)):
            if gradient is None:
                if strict:
                    raise RuntimeError(f"Output {i} of the user-provided function is independent of input {j}. "
                                       "This is not allowed in strict mode.")
                gradient = inp.new_zeros(inp.shape)
            elif strict and create_graph and not gradient.requires_grad:
                raise RuntimeError(f"The jacobian of the user-provided function is independent of input {j}. "
                                   "This is not allowed in strict mode when create_graph=True.")
            rows[j].append(gradient)
    if out.numel() == 0:
        return tuple(inp.new_zeros(out.shape + inp.shape) for inp in inputs)
    return tuple(ops.stack(rows_j, dim=0).reshape(out.shape + inp.shape) for rows_j, inp in zip(rows, inputs))


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of the scalar function ``func`` at ``inputs``: a Tensor shaped
    ``input.shape + input.shape`` for one input, a tuple of tuples ``H[i][j]`` shaped
    ``inputs[i].shape + inputs[j].shape`` for a tuple. It is the jacobian of the gradient."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in _STRATEGIES:
        raise ValueError("hessian: outer_jacobian_strategy must be 'reverse-mode' or 'forward-mode', "
                         f"got {outer_jacobian_strategy!r}")
    if outer_jacobian_strategy == "forward-mode":
        raise _unsupported_strategy("hessian(outer_jacobian_strategy='forward-mode')")

    def single_output(*args: Tensor) -> Tensor:
        out = func(*args)
        is_out_tuple, t_out = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(t_out, "outputs", strict)
        _single_output(t_out, is_out_tuple, "hessian")
        return out.squeeze()

    def gradient(*args: Tensor) -> tuple[Tensor, ...]:
        jac = jacobian(single_output, args, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize)
    return _unpack(result, (is_inputs_tuple, is_inputs_tuple))


def _scalar_and_gradient(func: Callable[..., Any], inputs: Any, v: Any, create_graph: bool, strict: bool,
                         fn_name: str) -> tuple[bool, tuple[Tensor, ...], Any, tuple[Tensor, ...], tuple]:
    """What vhp and hvp share: the prepared inputs and v, the one-element output and its
    gradient, recorded (``create_graph=True``) so that it can be differentiated again."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
    inputs = _prepare(inputs, create_graph, need_graph=True)
    v = _prepared_v(v, inputs, is_inputs_tuple, create_graph, fn_name, _ONE_INPUT)
    is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", fn_name)
    _check_requires_grad(outputs, "outputs", strict)
    _single_output(outputs, is_outputs_tuple, fn_name)
    jac = _grad(outputs, inputs, create_graph=True)
    _check_requires_grad(jac, "jacobian", strict)
    return is_inputs_tuple, inputs, v, outputs, jac


def vhp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), vᵀH)``: the vector ``v`` (shaped like the inputs) times the Hessian of
    the scalar function ``func`` at ``inputs``."""
    with enable_grad():
        is_inputs_tuple, inputs, v, outputs, jac = _scalar_and_gradient(func, inputs, v, create_graph, strict, "vhp")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        result = _grad(jac, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(result, inputs, strict, create_graph, "double_back")
    return _finish(outputs, create_graph)[0], _unpack(_finish(result, create_graph), is_inputs_tuple)


def hvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), Hv)``: the Hessian of the scalar function ``func`` at ``inputs`` times
    the vector ``v``, by the double-backward trick on the recorded gradient. For a function
    twice continuously differentiable H is symmetric and this equals :func:`vhp`."""
    with enable_grad():
        is_inputs_tuple, inputs, v, outputs, jac = _scalar_and_gradient(func, inputs, v, create_graph, strict, "hvp")
        seeds = tuple(inp.new_zeros(inp.shape, requires_grad=True) for inp in inputs)
        double_back = _grad(jac, inputs, seeds, create_graph=True)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        result = _grad(double_back, seeds, v, create_graph=create_graph)
        result = _fill_in_zeros(result, inputs, strict, create_graph, "double_back_trick")
    return _finish(outputs, create_graph)[0], _unpack(_finish(result, create_graph), is_inputs_tuple)


ops: Any = OpsOnFirstUse(globals())
