"""How the Tensor classes reach the ``minigan.ops`` package, which sits above them.

A module of the autograd layer that calls ops binds ``ops = OpsOnFirstUse(globals())``. The
first attribute read imports the ops package (the one upward import of this layer) and puts
it in that module's namespace under the name ``ops``, so every later call goes straight to
the real package and costs nothing extra.
"""
from __future__ import annotations

from typing import Any


class OpsOnFirstUse:
    """Stands for ``minigan.ops`` in one module until an operator first runs there."""

    __slots__ = ("_namespace",)

    def __init__(self, namespace: dict[str, Any]) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> Any:
        from .. import ops as loaded  # noqa: PLC0415 - the one import of the ops layer from the Tensor classes

        self._namespace["ops"] = loaded
        return getattr(loaded, name)
