"""``torch.nn.utils``' flat views of a model's parameters: :func:`parameters_to_vector` joins them into
one vector, :func:`vector_to_parameters` hands a vector's pieces back to them, as PyTorch's do.

``parameters_to_vector`` is an ordinary differentiable join (each parameter flattened, then
``cat``), so a loss of the vector sends its gradient back to every parameter. ``vector_to_parameters``
sets each parameter's data to the next ``numel`` elements of ``vec``, reshaped, sharing ``vec``'s
memory and recording nothing (PyTorch's ``param.data = ...``).
"""
from __future__ import annotations

from typing import Any, Iterable

from ... import ops
from ...autograd import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_device(parameter: Any, device: Any, name: str) -> Any:
    """The device every parameter so far lives on; PyTorch's error when this one lives elsewhere."""
    if not isinstance(parameter, Tensor):
        raise TypeError(f"{name}: parameters must be Tensors, got {type(parameter).__name__}")
    if device is not None and parameter.device != device:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")
    return parameter.device


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """One vector of every parameter's elements, in order (each flattened row-major), in the
    parameters' promoted dtype; differentiable, as PyTorch's."""
    device, flat = None, []
    for parameter in parameters:
        device = _check_device(parameter, device, "parameters_to_vector")
        flat.append(ops.reshape(parameter, (-1,)))
    if not flat:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    return ops.cat(flat)


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Give each parameter, in order, the next ``numel`` elements of ``vec`` reshaped to its shape,
    as its data (shared with ``vec``, not recorded by autograd)."""
    if not isinstance(vec, Tensor):
        kind = type(vec)
        kind_name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        raise TypeError(f"expected torch.Tensor, but got: {kind_name}")
    device, start = None, 0
    for parameter in parameters:
        device = _check_device(parameter, device, "vector_to_parameters")
        count = parameter.numel()
        if start + count > vec.numel():  # PyTorch's view of the short slice fails with this message
            left = max(vec.numel() - start, 0)
            raise RuntimeError(f"shape '{list(parameter.shape)}' is invalid for input of size {left}")
        parameter.data = ops.reshape(vec.detach()[start:start + count], parameter.shape)
        start += count
