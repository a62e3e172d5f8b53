"""Every backward reads only the values its op declares saved.

The in-place check (minigan/autograd/inplace.py) watches what a Function declares it reads: the
inputs in ``saved_inputs`` (None: all of them; ``saved_for_gradient_of`` counts as read) and the
output when ``saves_output``. A backward that read anything else would give a silently wrong
gradient after an in-place change, where PyTorch raises. So, for every registered case: build its
graph, take the gradients (keeping the graph), overwrite with NaN every float array of the graph
that no node declares and that shares no memory with one that some node does, and take the
gradients again. They must not change. (First order, each case's inputs contiguous.)
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigan
from minigan import Function
from minigan.autograd import Tensor
from minigan.autograd.engine import topological_order
from minigan.gradcheck.cases import all_cases, describe_shapes

CASES = all_cases()


def _nodes(output: Tensor) -> list[Any]:
    """Every node (Context) of the graph that made ``output``, as the engine walks it."""
    return [tensor._ctx for tensor in topological_order([output]) if tensor._ctx is not None]


def _declared_and_undeclared(nodes: list[Any]) -> tuple[list[Any], list[Any]]:
    """The arrays some node declares that its backward reads (the in-place check watches them),
    and the graph's other arrays: inputs outside a node's declaration, outputs not saved."""
    declared, undeclared = [], []
    for ctx in nodes:
        function = ctx.function
        read = set(range(len(ctx.inputs))) if function.saved_inputs is None else set(function.saved_inputs)
        read |= set(function.saved_for_gradient_of or ())
        for index, tensor in enumerate(ctx.inputs):
            if isinstance(tensor, Tensor):
                (declared if index in read else undeclared).append(tensor.array)
        (declared if function.saves_output else undeclared).append(ctx.output.array)
    return declared, undeclared


def _host_floats(array: Any) -> bool:
    """A NumPy float array that can be written (the test device's arrays are left alone)."""
    return isinstance(array, np.ndarray) and array.dtype.kind == "f" and array.flags.writeable and array.size > 0


def poison_undeclared(output: Tensor) -> tuple[int, list[tuple[np.ndarray, np.ndarray]]]:
    """Overwrite with NaN each float array of ``output``'s graph that no node declares reading and
    that shares no memory with one that a node does. Returns how many, and (array, its values) for
    every leaf of the graph, to put back: parameters and constants outlive the test."""
    nodes = _nodes(output)
    leaves = {id(t.array): t.array for ctx in nodes for t in ctx.inputs
              if isinstance(t, Tensor) and t._ctx is None and _host_floats(t.array)}
    kept_values = [(array, array.copy()) for array in leaves.values()]
    declared, undeclared = _declared_and_undeclared(nodes)
    declared = [array for array in declared if isinstance(array, np.ndarray)]
    poisoned = 0
    for array in {id(array): array for array in undeclared}.values():
        if _host_floats(array) and not any(np.shares_memory(array, kept) for kept in declared):
            array[...] = np.nan
            poisoned += 1
    return poisoned, kept_values


def gradients_before_and_after_poisoning(fn, inputs: list[Tensor], params: list[Tensor], rng: np.random.Generator):
    """The gradients of ``fn(*inputs)``, for an output gradient drawn from ``rng``, with respect to
    the inputs and ``params``, before and after poison_undeclared, and how many arrays it overwrote."""
    output = fn(*inputs)
    wrt = [t for t in list(inputs) + list(params) if t.requires_grad]
    upstream = minigan.tensor(rng.standard_normal(output.shape), dtype=output.dtype, device=output.device)
    before = minigan.grad(output, wrt, upstream, retain_graph=True, allow_unused=True)
    poisoned, kept_values = poison_undeclared(output)
    try:
        after = minigan.grad(output, wrt, upstream, allow_unused=True)
    finally:
        for array, values in kept_values:
            array[...] = values
    return before, after, poisoned


def _same(before, after) -> bool:
    """Equal up to rounding (a NaN read anywhere is far outside it): two passes through the fused
    batch norm or channel bias + activation at 1x2x5 can differ by 1e-16 with nothing overwritten,
    when something is allocated between them (here the leaves' copies), so that the second pass's
    temporaries lie elsewhere in memory. Which step rounds by address was not found."""
    return all((b is None) == (a is None) and (b is None or np.allclose(b.numpy(), a.numpy(), rtol=1e-9, atol=1e-12))
               for b, a in zip(before, after))


@pytest.mark.parametrize("case, shapes", [
    pytest.param(case, shapes, id=f"{case.name}[{describe_shapes(shapes)}]")
    for case in CASES for shapes in case.shapes])
def test_backward_reads_only_what_its_op_declares(case, shapes):
    rng = np.random.default_rng(0)
    inputs = case.inputs(shapes, rng)
    params = list(case.params()) if case.params is not None else []
    before, after, poisoned = gradients_before_and_after_poisoning(case.fn, inputs, params, rng)
    assert _same(before, after), f"{case.name}: a backward read one of the {poisoned} values no op declares"


class SquareKeepingItsInputUnwatched(Function):
    """f = a^2, whose forward keeps the input's own array in ``ctx.saved`` while declaring no input."""

    saved_inputs = ()

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * a

    @staticmethod
    def backward(ctx, grad):
        return (grad * minigan.tensor(ctx.saved[0]) * 2.0,)


class SquareDeclared(Function):
    """f = a^2, declared as it reads: the input."""

    saved_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        return a * a

    @staticmethod
    def backward(ctx, grad):
        return (grad * ctx.inputs[0] * 2.0,)


class SquareReadingItsUndeclaredInput(SquareDeclared):
    """The same square, whose backward reads the input it says it does not."""

    saved_inputs = ()


@pytest.mark.parametrize("square", [SquareReadingItsUndeclaredInput, SquareKeepingItsInputUnwatched])
def test_an_undeclared_read_changes_the_gradients(square):
    values = np.array([1.0, -2.0, 3.0])
    x = minigan.tensor(values, dtype=np.float64, requires_grad=True)
    before, after, poisoned = gradients_before_and_after_poisoning(lambda a: square.apply(a + 1.0), [x], [],
                                                                   np.random.default_rng(1))
    assert poisoned == 4  # x, the constant 1 and x + 1 (an add reads none of them), the square
    upstream = np.random.default_rng(1).standard_normal(3)
    np.testing.assert_allclose(before[0].numpy(), upstream * 2.0 * (values + 1.0))
    assert not _same(before, after) and np.isnan(after[0].numpy()).all()
    np.testing.assert_array_equal(x.numpy(), values)  # the leaf is put back


def test_a_declared_read_is_left_alone():
    x = minigan.tensor([1.0, -2.0, 3.0], dtype=np.float64, requires_grad=True)
    before, after, poisoned = gradients_before_and_after_poisoning(lambda a: SquareDeclared.apply(a + 1.0), [x], [],
                                                                   np.random.default_rng(1))
    assert poisoned == 3  # x, the constant 1 and the square; the square declares x + 1
    assert _same(before, after)
