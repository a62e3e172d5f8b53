"""``torch.cond`` and ``torch.while_loop`` in their eager form: plain Python branching and looping
over the functions given, so gradients flow through whichever calls ran, as in PyTorch's eager mode.
The checks are PyTorch's: ``pred`` a bool, a number or a one-element tensor; ``cond_fn`` returning a
bool or a one-element tensor; ``body_fn`` returning values of the carried inputs' number, shapes and
dtypes."""
from __future__ import annotations

import builtins
import numbers
from typing import Any, Callable

from ..autograd import Tensor


def cond(pred: Any, true_fn: Callable[..., Any], false_fn: Callable[..., Any], operands: Any = ()) -> Any:
    """``true_fn(*operands)`` if ``pred`` holds, else ``false_fn(*operands)``."""
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred}.")
        pred = builtins.bool(pred.item())
    elif not isinstance(pred, (builtins.bool, numbers.Real)):
        raise RuntimeError(f"Expected pred to be bool or tensor, but got {pred}.")
    return (true_fn if pred else false_fn)(*operands)


def _holds(value: Any) -> bool:
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise RuntimeError("Expected cond_fn to return a scalar tensor or a bool but got "
                               f"torch.Size({list(value.shape)})")
        return builtins.bool(value.item())
    if isinstance(value, builtins.bool):
        return value
    raise RuntimeError(f"Expected cond_fn to return a scalar tensor or a bool but got {type(value).__name__}")


def _describe(value: Any) -> tuple[Any, ...]:
    return (tuple(value.shape), value.dtype) if isinstance(value, Tensor) else (type(value).__name__,)


def while_loop(cond_fn: Callable[..., Any], body_fn: Callable[..., Any], carried_inputs: Any) -> Any:
    """Run ``carried = body_fn(*carried)`` while ``cond_fn(*carried)`` holds; returns the last carried
    values, a tuple (a list for a list of carried inputs). Each step must return as many values as
    ``carried_inputs`` holds, of the same shapes and dtypes (one value alone, for one carried input, may
    come without a tuple)."""
    if not callable(cond_fn) or not callable(body_fn):
        raise RuntimeError("Expect cond_fn and body_fn to be callable.")
    if not isinstance(carried_inputs, (tuple, list)):
        raise RuntimeError(f"while_loop(): carried_inputs must be a tuple or list, not {type(carried_inputs).__name__}")
    carried = tuple(carried_inputs)
    while _holds(cond_fn(*carried)):
        out = body_fn(*carried)
        out = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        if len(out) != len(carried):
            raise RuntimeError(f"while_loop(): body_fn returned {len(out)} values for {len(carried)} carried inputs")
        for at, (new, old) in enumerate(zip(out, carried)):
            if _describe(new) != _describe(old):
                raise RuntimeError("Expected body_fn_output and carried_inputs to have same metadata but found: "
                                   f"pair[{at}] differ: {_describe(new)} vs {_describe(old)}")
        carried = out
    return list(carried) if isinstance(carried_inputs, list) else carried
