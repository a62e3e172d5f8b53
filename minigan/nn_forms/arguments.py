"""The argument checks that the ``torch.*`` forms share besides ``tensor_argument``
(minigan/autograd/arguments.py): ``reduction`` as PyTorch's top level takes it (an int: 1 mean,
2 sum, any other value none), and a bool where PyTorch requires one."""
from __future__ import annotations

import numbers
from typing import Any


#: PyTorch's ``at::Reduction`` codes; every other int reduces nothing, as in PyTorch.
REDUCTIONS = {1: "mean", 2: "sum"}


def reduction_argument(name: str, reduction: Any, position: int) -> str:
    """The functional form's ``reduction`` string for PyTorch's top-level int code."""
    if isinstance(reduction, bool) or not isinstance(reduction, numbers.Integral):
        raise TypeError(f"{name}(): argument 'reduction' (position {position}) must be int, "
                        f"not {type(reduction).__name__}")
    return REDUCTIONS.get(int(reduction), "none")


def bool_argument(name: str, value: Any, argument: str, position: int) -> bool:
    """``value``, which must be a bool (PyTorch's TypeError otherwise)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be bool, "
                        f"not {type(value).__name__}")
    return value
