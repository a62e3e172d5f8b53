"""``torch.nn.parameter``: ``Parameter``, ``Buffer`` (minigan/nn/buffer.py), and the ``UninitializedParameter`` and ``UninitializedBuffer``
that a lazy module (minigan/nn/lazy.py) holds until its first forward tells it their shapes.

An uninitialised one has a dtype, a device and ``requires_grad``, but no shape: reading ``.shape``
raises PyTorch's RuntimeError, and an op on it PyTorch's ValueError. ``materialize(shape)`` gives it
an array of that shape (zeros, for the module's initialisation to overwrite) and turns it, the same
object, into a ``Parameter`` (a ``Tensor`` for a buffer), so that an optimizer built over it before
then keeps it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import backend_for, backend_of
from .buffer import Buffer
from .module import Parameter

__all__ = ["Buffer", "Parameter", "UninitializedBuffer", "UninitializedParameter"]

_SHAPE = ("Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
          "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call `forward` "
          "to initialize the parameters before accessing their attributes.")


def _use_error(what: str) -> ValueError:
    return ValueError(
        f"Attempted to use an uninitialized parameter in {what}. This error happens when you are using a "
        "`LazyModule` or explicitly manipulating `minigan.nn.parameter.UninitializedParameter` objects. When using "
        "LazyModules Call `forward` with a dummy batch to initialize the parameters before calling torch functions")


class _Unmaterialized(np.ndarray):
    """The empty array under an uninitialised tensor: it has a dtype and casts to another, and every
    other NumPy function or ufunc on it, or reading its shape, raises."""

    @property
    def shape(self) -> Any:  # type: ignore[override]
        raise RuntimeError(_SHAPE)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        raise _use_error(ufunc.__name__)

    def __array_function__(self, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
        if func is np.astype:  # Module.to(dtype) before the first forward, as PyTorch allows
            return _unmaterialized(kwargs.get("dtype", args[1] if len(args) > 1 else None))
        raise _use_error(func.__name__)


def _unmaterialized(dtype: Any) -> _Unmaterialized:
    return np.empty(0, dtype=np.float32 if dtype is None else dtype).view(_Unmaterialized)


class _Uninitialized:
    """What UninitializedParameter and UninitializedBuffer share."""

    __slots__ = ()
    cls_to_become: type = Tensor

    def _start(self, requires_grad: bool, device: Any, dtype: Any) -> None:
        Tensor.__init__(self, 0.0, requires_grad=requires_grad)  # type: ignore[arg-type]
        self.array = _unmaterialized(None if dtype is None else np.dtype(dtype))
        if device is not None and str(device) != "cpu":  # another device's empty array: no guard there
            backend = backend_for(device)
            self.array = backend.xp.zeros((0,), dtype=backend.native_dtype(self.dtype))

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Give the tensor an array of ``shape`` (zeros) on ``device`` (by default its own) and of
        ``dtype`` (by default its own), and make it a ``cls_to_become`` (Parameter, or Tensor for a
        buffer) in place."""
        shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)
        backend = backend_of(self.array) if device is None else backend_for(device)
        dtype = self.dtype if dtype is None else np.dtype(dtype)
        self.array = backend.xp.zeros(shape, dtype=backend.native_dtype(dtype))
        self.__class__ = self.cls_to_become  # type: ignore[assignment]

    def numel(self) -> int:
        raise _use_error("numel")

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def __reduce_ex__(self, protocol: Any) -> Any:  # copy.deepcopy and pickle keep it uninitialised
        return type(self), (self.requires_grad, None, self.array.dtype)


class UninitializedParameter(_Uninitialized, Parameter):
    """A Parameter whose shape is not known yet (see the file's docstring); ``materialize(shape)``
    makes it a Parameter."""

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        self._start(requires_grad, device, dtype)


class UninitializedBuffer(_Uninitialized, Tensor):
    """A buffer whose shape is not known yet (see the file's docstring); ``materialize(shape)`` makes
    it a Tensor."""

    __slots__ = ()
    cls_to_become = Tensor

    def __init__(self, requires_grad: bool = False, device: Any = None, dtype: Any = None) -> None:
        self._start(requires_grad, device, dtype)
