"""``torch.func.functional_call`` and ``stack_module_state``: a module called with tensors in
place of its parameters and buffers, and the state of several like modules stacked (for
``vmap`` over an ensemble); ``replace_all_batch_norm_modules_``.
"""
from __future__ import annotations

from typing import Any, Sequence

from .. import ops
from ..autograd import Tensor
from ..nn import BatchNorm1d, Module
from ..nn.utils.stateless import _call

__all__ = ["functional_call", "stack_module_state", "replace_all_batch_norm_modules_"]


def functional_call(module: Module, parameter_and_buffer_dicts: Any, args: Any = None, kwargs: dict | None = None,
                    *, tie_weights: bool = True, strict: bool = False) -> Any:
    """``module(*args, **kwargs)`` with the tensors of ``parameter_and_buffer_dicts`` (a dict of
    dotted names, or several dicts) in place of its parameters and buffers; the module is left as
    it was. Tied parameters follow a value given for any of their names (``tie_weights``); names
    the module does not have are ignored, or with ``strict`` every name must match, PyTorch's error
    listing the unexpected and missing ones. A buffer the module updates in place (BatchNorm's
    running statistics in training) is updated in the tensor given for it."""
    return _call(module, parameter_and_buffer_dicts, args, kwargs, tie_weights=tie_weights, strict=strict)


def stack_module_state(models: Sequence[Module]) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    """(parameters, buffers) of ``models``, each stacked along a new first dimension: the state
    ``vmap(functional_call)`` maps over to run an ensemble at once. Stacked parameters are new
    leaves that require grad when the models' do; buffers are stacked as they are."""
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if len({m.training for m in models}) > 1:
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")

    def stacked(named: list[dict[str, Tensor]], leaves: bool) -> dict[str, Tensor]:
        result = {}
        for name in named[0]:
            values = [d[name] for d in named]
            if any(v.shape != values[0].shape for v in values):
                raise RuntimeError(f"stack_module_state: the models' {name!r} differ in shape: "
                                   f"{[tuple(v.shape) for v in values]}")
            tensor = ops.stack([v.detach() for v in values], dim=0)
            result[name] = tensor.requires_grad_(values[0].requires_grad) if leaves else tensor
        return result
    params = stacked([dict(m.named_parameters()) for m in models], True)
    buffers = stacked([dict(m.named_buffers()) for m in models], False)
    return params, buffers


def replace_all_batch_norm_modules_(root: Module) -> Module:
    """Make every BatchNorm in ``root`` (1d, 2d, 3d) normalise with its batch's statistics in
    training and in evaluation: its running statistics become None and ``track_running_stats``
    False, in place, as PyTorch's does before a ``vmap`` over batch norm. Returns ``root``."""
    for module in root.modules():
        if isinstance(module, BatchNorm1d):
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                module.register_buffer(name, None)
            module.track_running_stats = False
    return root
