"""``torch.autograd.Function`` as PyTorch code writes it, exported as ``minigan.autograd.Function``.

PyTorch's custom functions receive Tensors: ``forward(ctx, *args)`` computes the output from the
input Tensors (recording nothing), ``ctx.save_for_backward(...)`` keeps what ``backward`` reads
back as ``ctx.saved_tensors``, and ``backward(ctx, grad_output)`` returns one gradient per
argument of ``forward`` (a bare Tensor when there is one; None for an argument that is not a
Tensor). The PyTorch 2 form, a ``forward`` without ``ctx`` plus ``setup_context(ctx, inputs,
output)``, works too.

minigan's own ops subclass ``minigan.Function`` (minigan/autograd/function.py), whose forward
works on raw arrays. This class adapts PyTorch's convention to it once, when a subclass is
defined: its forward is wrapped to receive Tensors and to hand the result's array on, and its
backward to give a tuple with a gradient per Tensor argument. Arguments that are not Tensors
(an int, a flag) reach forward as they were given.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from .function import Context
from .function import Function as ArrayFunction
from .grad_mode import no_grad
from .inplace import share_if_view
from .tensor import Tensor

_LAYOUT = "_pytorch_arguments"  # the option that carries the non-Tensor arguments and their places


class Function(ArrayFunction):
    """Subclass it as ``torch.autograd.Function``: static ``forward`` and ``backward`` (and
    optionally ``setup_context``), then call ``YourFunction.apply(*args)``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__module__.startswith("minigan."):
            raise TypeError(f"{cls.__qualname__}: minigan's own ops subclass minigan.autograd.function.Function "
                            "(forward on arrays), not PyTorch's form")
        if "forward" in cls.__dict__:
            cls.forward = staticmethod(_forward_on_tensors(_plain(cls.__dict__["forward"]), cls))
        if "backward" in cls.__dict__:
            cls.backward = staticmethod(_gradients_per_tensor(_plain(cls.__dict__["backward"]), cls))

    @classmethod
    def saves_values(cls, ctx: Context) -> bool:
        """Only what ``ctx.save_for_backward`` kept is freed by backward, as in PyTorch (whose
        second backward through a custom function that saved nothing is allowed)."""
        return bool(ctx.saved)

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run forward on ``args`` and, when recording, link the output into the graph; the
        Tensor arguments are the graph's inputs."""
        if kwargs:
            raise TypeError(f"{cls.__name__}.apply takes positional arguments only, as PyTorch's")
        tensors = tuple(a for a in args if isinstance(a, Tensor))
        others = tuple((i, a) for i, a in enumerate(args) if not isinstance(a, Tensor))
        output = super().apply(*tensors, **{_LAYOUT: (len(args), others)})
        for tensor in tensors:  # an input returned as it is, or a view of one, shares its counter, as in PyTorch
            share_if_view(output, tensor)
            if output._vc is not None:
                break
        return output


def _plain(method: Any) -> Callable[..., Any]:
    return method.__func__ if isinstance(method, staticmethod) else method


def _arguments(ctx: Context) -> tuple[Any, ...]:
    """forward's arguments in the order given: the input Tensors with the others put back."""
    count, others = ctx.options[_LAYOUT]
    placed = dict(others)
    tensors = iter(ctx.inputs)
    return tuple(placed[i] if i in placed else next(tensors) for i in range(count))


def _forward_on_tensors(forward: Callable[..., Any], cls: type) -> Callable[..., Any]:
    takes_ctx = not hasattr(cls, "setup_context")  # PyTorch 2's form: forward(*args), then setup_context

    @functools.wraps(forward)
    def run(ctx: Context, *arrays: Any, **options: Any) -> Any:
        args = _arguments(ctx)
        with no_grad():
            output = forward(ctx, *args) if takes_ctx else forward(*args)
            if not takes_ctx:
                cls.setup_context(ctx, args, output)
        if isinstance(output, (tuple, list)):
            raise TypeError(f"{cls.__name__}.forward returned {len(output)} outputs: minigan's Functions have one "
                            "output Tensor (PyTorch's may have several)")
        return output.array if isinstance(output, Tensor) else output

    return run


def _gradients_per_tensor(backward: Callable[..., Any], cls: type) -> Callable[..., Any]:
    @functools.wraps(backward)
    def run(ctx: Context, grad_output: Tensor) -> tuple[Any, ...]:
        grads = backward(ctx, grad_output)
        grads = grads if isinstance(grads, (tuple, list)) else (grads,)
        count, others = ctx.options[_LAYOUT]
        if len(grads) != count:
            raise RuntimeError(f"function {cls.__name__}Backward returned an incorrect number of gradients "
                               f"(expected {count}, got {len(grads)})")
        skipped = {i for i, _ in others}
        return tuple(g for i, g in enumerate(grads) if i not in skipped)

    return run
