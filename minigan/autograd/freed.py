"""What a node that saved nothing keeps of its inputs once backward has freed the graph.

An add, a sum or a view (``Function.saves_values`` false) may be passed by a later backward, as
PyTorch's AddBackward is, so ``Context.free`` (minigan/autograd/function.py) keeps its links to
its inputs; but not the input Tensors themselves, whose arrays are the step's activations. Each
input is replaced as follows:

* a leaf that requires grad stays as it is (PyTorch's AccumulateGrad holds its variable too);
* a tensor made by an op becomes its :class:`FreedInput`: the node that made it, its shape, dtype
  and device (what a backward that reads no value needs), and its hooks (the same tables, so a hook
  registered on the tensor after the backward runs too). There is one per tensor, shared by every
  node and every backward pass: the node that made the tensor keeps it, weakly;
* a tensor that needs no gradient (data, a constant) becomes a FreedInput with no node, one per
  backward pass (``memo``): the engine never walks it, only its shape is read.

The engine walks the graph through Tensors and sums the gradients that reach one tensor once,
keyed by the object. While the tensor lives, nodes not freed yet (a graph built on it later, a
retained one) still name the tensor itself, so a backward reads each freed node's inputs through
``Context.live_inputs``, which gives the tensor back while it lives. Once it is gone, every node
names its one FreedInput, so a later backward still meets it once. One stand-in per pass would
not do: nodes freed by two passes (two losses on one tensor, each backwarded) would lead to two
stand-ins of the tensor, and a later backward through both would run the tensor's node and hooks
twice, each time with part of the gradient. A ``retain_grad()`` gradient that reaches a stand-in
is dropped: the tensor whose ``.grad`` it was is gone.
"""
from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from ..backends import backend_of


class FreedInput:
    """An op's input whose Tensor the freed graph no longer holds (see the module docstring).

    ``array`` is no value: it is one element of the tensor's dtype (NaN for floats) broadcast to
    its shape on its device, so a backward that reads the input's shape, dtype or device works and
    one that read its values, against its Function's ``saved_inputs = ()``, would see NaN."""

    __slots__ = ("_ctx", "requires_grad", "shape", "_hooks", "_backend", "_dtype", "_device", "__weakref__")
    _vc = None  # no version to check: a node that saved nothing reads no value
    is_parameter = False

    def __init__(self, tensor: Any) -> None:
        array = tensor.array
        self._ctx = tensor._ctx
        self.requires_grad = tensor.requires_grad
        self.shape = tuple(array.shape)
        self._hooks = tensor._hooks  # the same tables; a tensor hooked later shares its new ones (hooks.py)
        self._backend = backend_of(array)
        self._dtype = array.dtype  # the array's own: dtype and device are read off them only when asked
        self._device = array.device

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype, as ``Tensor.dtype``."""
        dtype = self._dtype
        return dtype if isinstance(dtype, np.dtype) else self._backend.numpy_dtype(dtype)

    @property
    def device(self) -> Any:
        """minigan's device, as ``Tensor.device``."""
        return self._backend.device

    @property
    def array(self) -> Any:
        xp = self._backend.xp
        fill = float("nan") if self.dtype.kind in "fc" else 0
        return xp.broadcast_to(xp.full((), fill, dtype=self._dtype, device=self._device), self.shape)

    @property
    def _grad(self) -> None:
        return None

    @_grad.setter
    def _grad(self, value: Any) -> None:
        """Dropped: the tensor is gone, so nobody can read the ``.grad`` that retain_grad() asked for."""

    @property
    def grad_fn(self) -> Any:
        return self._ctx

    @property
    def is_leaf(self) -> bool:
        return self._ctx is None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def live(self) -> Any:
        """The tensor itself while it lives, else this stand-in."""
        tensor = None if self._ctx is None else self._ctx._output_ref()
        return self if tensor is None else tensor

    def __repr__(self) -> str:
        made_by = "" if self._ctx is None else f", grad_fn=<{self._ctx.name()}>"
        return f"<freed input of shape {self.shape}, dtype={self.dtype}{made_by}>"


def stand_in(tensor: Any, memo: dict[int, Any]) -> Any:
    """What a freed node that saved nothing keeps in place of its input ``tensor`` (module docstring)."""
    ctx = tensor._ctx
    if ctx is None:
        if tensor.requires_grad:
            return tensor
        kept = memo.get(id(tensor))
        if kept is None:  # the tensor is kept with it, so that its id stays its own for the pass
            kept = memo[id(tensor)] = (tensor, FreedInput(tensor))
        return kept[1]
    ref = ctx._stand_in
    freed = None if ref is None else ref()
    if freed is None:
        freed = FreedInput(tensor)
        ctx._stand_in = weakref.ref(freed)  # weak: the stand-in holds the node, so no cycle
    return freed
