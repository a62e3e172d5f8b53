"""PyTorch's in-place elementwise methods (``x.sin_()``, ``x.relu_()``, ``x.round_()``, ``x.pow_(e)``,
``x.clamp_min_(0)``, ``x.lt_(y)``, ``x.cumsum_(1)``...)
and in-place shape changes (``x.unsqueeze_(0)``, ``x.squeeze_()``, ``x.t_()``, ``x.transpose_(0, 1)``,
``x.resize_(2, 3)``).

They follow the rules of minigan/autograd/inplace.py: under grad mode a leaf that requires grad
raises PyTorch's error and a tensor with recorded history raises naming the out-of-place form;
the version counter is bumped. Each value comes from the out-of-place op itself, run unrecorded
on this tensor's array (so every formula keeps its one home), and is written into the same
memory; an integer tensor refuses a float result as PyTorch does. A shape change makes the
tensor's array a view of the old one (other tensors sharing the memory keep their shapes)."""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable

import numpy as np

from ..backends import backend_of
from .inplace import bump_version, check_castable
from .pytorch_methods import _sizes

#: The methods ``x.<name>_()`` computed by ``x.<name>()``.
UNARY = ("sin", "cos", "exp", "log", "sqrt", "abs", "neg", "sigmoid", "tanh", "relu", "floor", "ceil", "trunc",
         "sign", "reciprocal", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin",
         "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "expm1", "log1p", "log2", "log10", "rsqrt", "square",
         "erf", "erfc", "erfinv", "frac", "absolute", "fix", "sgn", "negative", "deg2rad", "rad2deg", "exp2", "lgamma",
         "digamma", "i0", "sinc", "bitwise_not", "logical_not")

#: The methods ``x.<name>_(...)`` computed by ``x.<name>(...)`` with the same arguments.
WITH_ARGUMENTS = ("clamp_min", "clamp_max", "copysign", "divide", "true_divide", "floor_divide", "fmod", "remainder",
                  "heaviside", "hypot", "ldexp", "nan_to_num", "multiply", "subtract", "lt", "le", "gt", "ge", "eq",
                  "ne", "less", "less_equal", "greater", "greater_equal", "not_equal", "atan2", "arctan2", "xlogy",
                  "logit", "lerp", "tril", "triu", "cumsum", "cumprod", "addcmul", "addcdiv", "bitwise_and",
                  "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "logical_and", "logical_or",
                  "logical_xor", "igamma", "igammac", "mvlgamma", "polygamma")


class InPlaceMathMethods:
    """The in-place math and shape methods of Tensor (a base class of it); each returns the tensor."""

    __slots__ = ()

    def _apply_(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Overwrite this tensor with ``self.<name>(*args, **kwargs)``, as ``<name>_`` does."""
        def method(tensor: Any) -> Any:
            return getattr(tensor, name)(*args, **kwargs)

        if self.dtype.kind != "f":  # a float result is refused before computing, as PyTorch: its dtype on no elements
            check_castable(self.array, method(self.detach().reshape(-1)[:0]).array)
        return self._overwrite(f"{name}_", method)

    def round_(self, *, decimals: int = 0) -> Any:
        return self._apply_("round", decimals=decimals)

    def pow_(self, exponent: Any) -> Any:
        """In place: this tensor's values become ``self ** exponent``'s (a number, or a tensor
        broadcast to this shape); an integer tensor refuses a float result, as PyTorch's."""
        self._begin_inplace("pow_", exponent)
        if self.dtype.kind in "iu" and isinstance(exponent, numbers.Integral) and not isinstance(exponent, bool):
            if exponent < 0:
                raise RuntimeError("Integers to negative integer powers are not allowed.")
            exponent = self.new_tensor(exponent)  # an integer power of integers stays an integer, as PyTorch's
        return self._overwrite("pow_", lambda tensor: tensor ** exponent)

    def _view_(self, name: str, view: Callable[[Any], Any]) -> Any:
        """Give this tensor the shape of ``view(self)`` (an op whose result is a view), in place."""
        self._begin_inplace(name)
        self.array = view(self.detach()).array
        bump_version(self)
        return self

    def unsqueeze_(self, dim: int) -> Any:
        return self._view_("unsqueeze_", lambda t: t.unsqueeze(dim))

    def squeeze_(self, dim: Any = None) -> Any:
        return self._view_("squeeze_", lambda t: t.squeeze(dim))

    def transpose_(self, dim0: int, dim1: int) -> Any:
        return self._view_("transpose_", lambda t: t.transpose(dim0, dim1))

    def swapaxes_(self, axis0: int, axis1: int) -> Any:
        return self._view_("swapaxes_", lambda t: t.transpose(axis0, axis1))

    def swapdims_(self, dim0: int, dim1: int) -> Any:
        return self._view_("swapdims_", lambda t: t.transpose(dim0, dim1))

    def resize_as_(self, the_template: Any, memory_format: Any = None) -> Any:
        """``resize_(the_template.shape)``: this tensor takes the other's shape."""
        return self.resize_(tuple(the_template.shape))

    def resize_(self, *sizes: Any, memory_format: Any = None) -> Any:
        """Give this tensor the shape ``sizes``, keeping its elements in row-major order: a smaller
        size keeps the first ones (a view of the same memory, as PyTorch's); a larger one keeps
        them all and appends new elements, which PyTorch leaves uninitialised and minigan sets to 0.
        The same shape leaves the tensor as it is. A tensor that requires grad refuses, as in
        PyTorch. (PyTorch reads a non-contiguous tensor's storage in memory order; minigan reads
        its elements in row-major order.)"""
        shape = _sizes(sizes)
        if any(n < 0 for n in shape):
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}")
        if self.requires_grad:
            raise RuntimeError("cannot resize variables that require grad")
        array = self._begin_inplace("resize_")
        if shape == self.shape:
            return self
        if memory_format is not None:
            raise NotImplementedError("resize_: memory_format is not supported by minigan (its tensors are row-major)")
        backend = backend_of(array)
        count, flat = math.prod(shape), backend.xp.reshape(array, (-1,))
        if count > flat.shape[0]:
            grown = backend.asarray(np.zeros(count, dtype=backend.numpy_dtype(array.dtype)))
            grown[:flat.shape[0]] = flat
            flat = grown
        self.array = backend.xp.reshape(flat[:count], shape)
        bump_version(self)
        return self

    def t_(self) -> Any:
        if self.ndim > 2:
            raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return self._view_("t_", lambda t: t.t())


def _in_place(name: str) -> Callable[[Any], Any]:
    def method(self: Any) -> Any:
        return self._apply_(name)

    method.__name__ = method.__qualname__ = f"{name}_"
    method.__doc__ = f"In place: this tensor's values become ``self.{name}()``'s; returns the tensor."
    return method


def _in_place_with_arguments(name: str) -> Callable[..., Any]:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        # Computed first, then refused if PyTorch would not cast its result to this dtype: the
        # operands' shapes may not fit the empty slice _apply_ checks on.
        operands = tuple(a for a in (*args, *kwargs.values()) if hasattr(a, "requires_grad"))
        return self._overwrite(f"{name}_", lambda tensor: getattr(tensor, name)(*args, **kwargs), operands=operands)

    method.__name__ = method.__qualname__ = f"{name}_"
    method.__doc__ = (f"In place: this tensor's values become ``self.{name}(...)``'s, with the same arguments; "
                      "returns the tensor.")
    return method


for _name in UNARY:
    setattr(InPlaceMathMethods, f"{_name}_", _in_place(_name))
for _name in WITH_ARGUMENTS:
    setattr(InPlaceMathMethods, f"{_name}_", _in_place_with_arguments(_name))
# ``mask &= keep`` changes the mask itself, as in PyTorch (not a new tensor bound to its name).
for _operator, _name in (("and", "bitwise_and"), ("or", "bitwise_or"), ("xor", "bitwise_xor"),
                         ("lshift", "bitwise_left_shift"), ("rshift", "bitwise_right_shift")):
    setattr(InPlaceMathMethods, f"__i{_operator}__", getattr(InPlaceMathMethods, f"{_name}_"))
