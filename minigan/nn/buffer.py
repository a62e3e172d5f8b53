"""``torch.nn.Buffer``: a Tensor that becomes a module's buffer when assigned as its attribute."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor


class Buffer(Tensor):
    """``module.name = Buffer(t)`` registers ``t``'s values as the buffer ``name`` (sharing its
    memory, as PyTorch's), in ``state_dict()`` unless ``persistent=False``; ``Buffer()`` is an empty
    one. Outside a module it is an ordinary Tensor."""

    __slots__ = ("persistent",)

    def __init__(self, data: Any = None, *, persistent: bool = True) -> None:
        if data is None:
            data = np.empty(0, dtype=np.float32)
        if isinstance(data, Tensor):
            super().__init__(0.0, requires_grad=data.requires_grad)
            self.array = data.array
        else:
            super().__init__(data)
        self.persistent = bool(persistent)
