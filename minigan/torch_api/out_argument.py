"""PyTorch's ``out=`` argument: ``minigan.exp(x, out=y)`` computes ``exp(x)`` and writes it into
``y``, which it returns, as ``torch.exp(x, out=y)`` does.

- ``out``'s dtype stays: the result is cast to it when PyTorch would cast it (floats into an
  integer tensor are refused), and ``out`` shares memory with whatever it shared before.
- An ``out`` of another shape is resized, with PyTorch's warning when it held elements (the
  factories, ``arange`` and its kin, resize it silently and make their values in ``out``'s dtype).
- A function that gives several tensors (``max(x, dim)``, ``sort``, ``frexp``...) takes a tuple of
  as many, each of exactly the dtype of the result it receives.
- No graph goes through ``out``: with gradients enabled, an input or ``out`` that requires grad
  is an error, as in PyTorch.

:func:`takes_out` gives a function the argument; :func:`write_into` is what it does."""
from __future__ import annotations

import functools
import inspect
import warnings
from typing import Any, Callable

from ..autograd import Tensor, bump_version, is_grad_enabled
from ..autograd.inplace import check_castable
from ..autograd.legacy import c_type_name
from ..backends import backend_of

def _tensors_in(values: Any) -> list[Tensor]:
    """The Tensors among ``values``, one level of lists and tuples opened (``cat``'s tensors)."""
    found = []
    for value in values:
        if isinstance(value, Tensor):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            found.extend(item for item in value if isinstance(item, Tensor))
    return found


def _write(name: str, out: Tensor, result: Tensor, resize_warning: bool) -> None:
    if result.device != out.device:
        raise RuntimeError(f"{name}(): expected out to be on {result.device}, but it is on {out.device}")
    check_castable(out.array, result.array)
    if out.shape == result.shape:
        out.array[...] = result.array  # in place: what shares out's memory sees the result
    else:
        if resize_warning and out.numel():
            warnings.warn(f"An output with one or more elements was resized since it had shape {list(out.shape)}, "
                          f"which does not match the required output shape {list(result.shape)}.",
                          UserWarning, stacklevel=4)
        out.array = backend_of(result.array).xp.astype(result.array, out.array.dtype, copy=True)
    bump_version(out)


def write_into(name: str, out: Any, inputs: Any, compute: Callable[[], Any], resize_warning: bool = True) -> Any:
    """``compute()``, or with ``out`` given, its values written into ``out`` (a Tensor, or a tuple of
    Tensors for a result that is a tuple), which is returned."""
    if out is None:
        return compute()
    outs = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    for item in outs:
        if not isinstance(item, Tensor):
            raise TypeError(f"{name}(): argument 'out' must be a Tensor, not {type(item).__name__}")
    if is_grad_enabled() and any(t.requires_grad for t in outs + tuple(_tensors_in(inputs))):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    result = compute()
    if not isinstance(result, tuple):
        if isinstance(out, (tuple, list)):
            raise TypeError(f"{name}(): argument 'out' must be a Tensor, not {type(out).__name__}")
        _write(name, out, result, resize_warning)
        return out
    if not isinstance(out, (tuple, list)) or len(outs) != len(result):
        given = f"{len(outs)} elements" if isinstance(out, (tuple, list)) else "a Tensor"
        raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(result)} Tensors, one for each result, "
                        f"but got {given}")
    for item, part in zip(outs, result):
        if item.dtype != part.dtype:
            raise RuntimeError(f"Expected out tensor to have dtype {c_type_name(part.dtype)}, but got "
                               f"{c_type_name(item.dtype)} instead")
    for item, part in zip(outs, result):
        _write(name, item, part, resize_warning)
    return type(result)(*outs) if hasattr(result, "_fields") else tuple(outs)


def takes_out(function: Callable[..., Any] | None = None, *, name: str | None = None, factory: bool = False) -> Any:
    """Give ``function`` PyTorch's keyword ``out=`` (see the module's docstring), its messages
    naming it ``name`` (the function's own name by default). A ``factory`` (``arange``, ``full``...)
    makes its values in ``out``'s dtype unless ``dtype=`` names one."""
    if function is None:
        return functools.partial(takes_out, name=name, factory=factory)
    if name is None:
        name = function.__name__

    @functools.wraps(function)
    def with_out(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        if out is None:
            return function(*args, **kwargs)
        if factory and isinstance(out, Tensor) and kwargs.get("dtype") is None:
            kwargs["dtype"] = out.dtype
        return write_into(name, out, args + tuple(kwargs.values()), lambda: function(*args, **kwargs),
                          resize_warning=not factory)

    signature = inspect.signature(function)
    assert "out" not in signature.parameters, f"{name} has an out argument of its own"
    parameters = list(signature.parameters.values())
    keyword = inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None)
    at = next((i for i, p in enumerate(parameters) if p.kind is inspect.Parameter.VAR_KEYWORD), len(parameters))
    with_out.__signature__ = signature.replace(parameters=parameters[:at] + [keyword] + parameters[at:])
    return with_out
