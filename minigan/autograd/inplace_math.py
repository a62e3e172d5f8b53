"""PyTorch's in-place elementwise methods (``x.sin_()``, ``x.relu_()``, ``x.round_()``...) and
in-place shape changes (``x.unsqueeze_(0)``, ``x.squeeze_()``, ``x.t_()``, ``x.transpose_(0, 1)``).

They follow the rules of minigan/autograd/inplace.py: under grad mode a leaf that requires grad
raises PyTorch's error and a tensor with recorded history raises naming the out-of-place form;
the version counter is bumped. Each value comes from the out-of-place op itself, run unrecorded
on this tensor's array (so every formula keeps its one home), and is written into the same
memory; an integer tensor refuses a float result as PyTorch does. A shape change makes the
tensor's array a view of the old one (other tensors sharing the memory keep their shapes)."""
from __future__ import annotations

from typing import Any, Callable

from .inplace import _same_kind, bump_version

#: The methods ``x.<name>_()`` computed by ``x.<name>()``.
UNARY = ("sin", "cos", "exp", "log", "sqrt", "abs", "neg", "sigmoid", "tanh", "relu", "floor", "ceil", "trunc",
         "sign", "reciprocal", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin",
         "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "expm1", "log1p", "log2", "log10", "rsqrt", "square",
         "erf", "erfc", "erfinv", "frac")


class InPlaceMathMethods:
    """The in-place math and shape methods of Tensor (a base class of it); each returns the tensor."""

    __slots__ = ()

    def _apply_(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Overwrite this tensor with ``self.<name>(*args, **kwargs)``, as ``<name>_`` does."""
        def method(tensor: Any) -> Any:
            return getattr(tensor, name)(*args, **kwargs)

        if self.array.dtype.kind != "f":  # a float result is refused before computing, as PyTorch: its dtype on no elements
            _same_kind(self.array, method(self.detach().reshape(-1)[:0]).array)
        return self._overwrite(f"{name}_", method)

    def round_(self, *, decimals: int = 0) -> Any:
        return self._apply_("round", decimals=decimals)

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


for _name in UNARY:
    setattr(InPlaceMathMethods, f"{_name}_", _in_place(_name))
