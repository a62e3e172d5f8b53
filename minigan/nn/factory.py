"""``nn.factory_kwargs``: the factory keywords (device, dtype, memory_format) a module's ``**kwargs``
hold, gathered into one dict the way PyTorch's helper gathers them."""
from __future__ import annotations

from typing import Any, Mapping

__all__ = ["factory_kwargs"]

_FACTORY_KEYS = ("device", "dtype", "memory_format")


def factory_kwargs(kwargs: Mapping[str, Any] | None) -> dict[str, Any]:
    """``kwargs``' device, dtype and memory_format, and the entries of its nested ``factory_kwargs`` dict,
    in one dict (for ``minigan.empty(..., **factory_kwargs)``); as PyTorch's, a TypeError for any other
    key, and for a key given both directly and in ``factory_kwargs``. None gives {}."""
    if kwargs is None:
        return {}
    unknown = set(kwargs) - {*_FACTORY_KEYS, "factory_kwargs"}
    if unknown:
        raise TypeError(f"unexpected kwargs {unknown}")
    gathered = dict(kwargs.get("factory_kwargs", {}))
    for key in _FACTORY_KEYS:
        if key in kwargs:
            if key in gathered:
                raise TypeError(f"{key} specified twice, in **kwargs and in factory_kwargs")
            gathered[key] = kwargs[key]
    return gathered
