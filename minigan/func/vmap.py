"""``torch.vmap`` (``torch.func.vmap``): a function mapped over a dimension of its inputs.

minigan has no batching rules, so ``vmap`` runs ``func`` once per index of the mapped dimension,
on the slices, and stacks the results: PyTorch's values, shapes and errors, at the cost of one
call per sample. It composes with the derivative transforms: ``vmap(grad(f))`` gives
per-sample gradients, ``grad(vmap(f))`` differentiates through the stacking.
"""
from __future__ import annotations

from typing import Any, Callable

from ..autograd import Tensor
from ..torch_api.functions import equal
from ..torch_api.generators import default_generator
from ..torch_api.unsupported import UnsupportedFeatureError
from .pytree import broadcast_prefix, tree_flatten, tree_unflatten

__all__ = ["vmap"]

_RANDOMNESS = ("error", "different", "same")


def _name(func: Any) -> str:
    return getattr(func, "__name__", repr(func))


def _check_in_dims(func: Any, in_dims: Any, args: tuple) -> tuple[list[Any], list[Any], Any]:
    """(the leaves of ``args``, each one's mapped dimension or None, the structure of ``args``)."""
    where = f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>)"
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(f"{where}: expected `in_dims` to be int or a (potentially nested) tuple matching the structure "
                         f"of inputs, got: {type(in_dims)}.")
    leaves, spec = tree_flatten(args)
    dims = broadcast_prefix(in_dims, args)
    if dims is None:
        raise ValueError(f"{where}: in_dims is not compatible with the structure of `inputs`. in_dims has structure "
                         f"{tree_flatten(in_dims)[1]} but inputs has structure {spec}.")
    for leaf, dim in zip(leaves, dims):
        if dim is None:
            continue
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise ValueError(f"{where}: Got in_dim={dim} for an input but in_dim must be either an integer dimension "
                             "or None.")
        if not isinstance(leaf, Tensor):
            raise ValueError(f"{where}: Got in_dim={dim} for an input but the input is of type {type(leaf)}. We cannot "
                             "vmap over non-Tensor arguments, please use None as the respective in_dim")
        if not -leaf.dim() <= dim < leaf.dim():
            raise ValueError(f"{where}: Got in_dim={dim} for some input, but that input is a Tensor of dimensionality "
                             f"{leaf.dim()} so expected in_dim to satisfy -{leaf.dim()} <= in_dim < {leaf.dim()}.")
    return leaves, [None if d is None else d % leaf.dim() for leaf, d in zip(leaves, dims)], spec


def _batch_size(leaves: list[Any], dims: list[Any]) -> int:
    sizes = [leaf.shape[d] for leaf, d in zip(leaves, dims) if d is not None]
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(size != sizes[0] for size in sizes):
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes {sizes} "
                         "for the mapped dimension")
    if sizes[0] == 0:
        raise UnsupportedFeatureError("vmap over a dimension of size 0 is not supported by minigan (it runs the function "
                                      "once per index, so there is no call to read the output's shape from)")
    return sizes[0]


class _Randomness:
    """``randomness``, checked on minigan's default Generator: 'error' raises when a call draws
    from it, 'same' gives every call the same draws, 'different' lets each call draw afresh.
    Generators handed to layers explicitly are not watched."""

    def __init__(self, mode: str) -> None:
        self.mode, self.generator = mode, default_generator()
        self.state = self.generator.bit_generator.state

    def before_call(self) -> None:
        if self.mode == "same":
            self.generator.bit_generator.state = self.state

    def after_call(self) -> None:
        if self.mode == "error" and (default_generator() is not self.generator
                                     or self.generator.bit_generator.state != self.state):
            raise RuntimeError("vmap: called random operation while in randomness error mode. Please either use the "
                               "'same' or 'different' randomness flags on vmap or perform the randomness operation out "
                               "of vmap")


def _stack_output(func: Any, values: list[Any], out_dim: Any) -> Any:
    """The per-index values of one output, stacked at ``out_dim`` (or, for None, the one value)."""
    from .. import ops  # noqa: PLC0415 - ops sit above the package's own imports

    name = _name(func)
    if out_dim is None:
        first = values[0]
        if isinstance(first, Tensor) and any(not equal(first, v) for v in values[1:]):
            raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor when out_dim is None")
        return first
    if not isinstance(values[0], Tensor):
        raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(values[0])}. Did you "
                         "mean to set out_dims= to None for output?")
    rank = values[0].dim()
    if not -(rank + 1) <= out_dim <= rank:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-(rank + 1)}, {rank}], but got {out_dim})")
    return ops.stack(values, dim=out_dim % (rank + 1))


def _out_dims_per_leaf(func: Any, out_dims: Any, output: Any) -> list[Any]:
    where = f"vmap({_name(func)}, ..., out_dims={out_dims})"
    if not (out_dims is None or isinstance(out_dims, (int, tuple, list))) or isinstance(out_dims, bool):
        raise ValueError(f"{where}: `out_dims` must be an int, None or a python collection of ints representing where "
                         "in the outputs the vmapped dimension should appear.")
    if isinstance(out_dims, tuple) and len(out_dims) == 1 and not isinstance(output, (tuple, list, dict)):
        out_dims = out_dims[0]  # PyTorch reads (d,) for a single output as d
    dims = broadcast_prefix(out_dims, output)
    if dims is None:
        raise ValueError(f"{where}(<inputs>): out_dims is not compatible with the structure of `outputs`. out_dims has "
                         f"structure {tree_flatten(out_dims)[1]} but outputs has structure {tree_flatten(output)[1]}.")
    return dims


def vmap(func: Callable[..., Any], in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable[..., Any]:
    """``func`` mapped over dimension ``in_dims`` of its positional arguments (an int for all, or
    a tuple matching them, nested as they are; None leaves an argument unmapped; keyword arguments
    are never mapped), the results stacked at ``out_dims``. It runs ``func`` once per index and
    stacks the results (minigan has no batching rules); ``chunk_size`` changes nothing in the
    values. An output whose ``out_dims`` entry is None must be the same at every index: minigan
    compares the values, where PyTorch refuses any output computed from a mapped input.
    ``randomness`` is watched on minigan's default Generator only."""
    if randomness not in _RANDOMNESS:
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not args:
            raise ValueError(f"vmap({_name(func)})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are "
                             "trying to vmap over a function with no inputs. The latter is unsupported.")
        leaves, dims, spec = _check_in_dims(func, in_dims, args)
        size = _batch_size(leaves, dims)
        watch = _Randomness(randomness)
        per_index = []
        for i in range(size):
            sliced = [leaf if d is None else leaf[(slice(None),) * d + (i,)] for leaf, d in zip(leaves, dims)]
            watch.before_call()
            per_index.append(func(*tree_unflatten(sliced, spec), **kwargs))
            watch.after_call()
        first_leaves, out_spec = tree_flatten(per_index[0])
        columns = [tree_flatten(out)[0] for out in per_index]
        if any(tree_flatten(out)[1] != out_spec for out in per_index[1:]):
            raise RuntimeError(f"vmap({_name(func)}, ...): `{_name(func)}` returned outputs of different structures "
                               "for different indices of the mapped dimension")
        out_leaf_dims = _out_dims_per_leaf(func, out_dims, per_index[0])
        stacked = [_stack_output(func, [column[j] for column in columns], out_leaf_dims[j])
                   for j in range(len(first_leaves))]
        return tree_unflatten(stacked, out_spec)
    return wrapper
