"""The replay of the fused ops on arrays: each recorded forward or backward of the ops below runs
its backend kernels on the slots directly, with no Context or Tensor, calling the same kernels with
the same arguments as the op's own plain (no create_graph) path, so the bits are the same. The
Linear's and the batch norm's backward call the very function their op's backward calls
(minigan/ops/fused.py: linear_act_grads, batch_norm_act_grads), handing it the buffers.

On the Numba CPU backend, which takes ``out=`` arrays, each writes into buffers allocated once by
:class:`Buffers` (the Linear's product, its three gradients, the gradient sums, dropout's gradient,
the BCE gradient, the batch norm's gradients for (N, C) inputs); and the activation's backward
(the Linear's, the batch norm's, dropout's) writes into its incoming gradient's own buffer when
no later step reads that gradient. On other backends the same calls
allocate, as in the eager step. A builder returns None for a case it does not cover, and the
op's own forward or backward is replayed instead (minigan/replay/program.py).

Each builder is handed the recorded step(s), as capture.py lays them out:
``("function", cls, options, reads, out, saved, context)`` and
``("backward", context, reads, out, incoming, needs, results)``.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from minigan.backends import backend_of, matmul_kernel
from minigan.nn.losses import BCEWithLogitsMean
from minigan.ops import BatchNormAct, Dropout, LinearAct
from minigan.ops.fused import batch_norm_act_grads, linear_act_grads

__all__ = ["Buffers", "Run", "FORWARDS", "BACKWARDS"]

Run = Callable[[list[Any]], None]


class Buffers:
    """The arrays a program writes into, allocated once, and which slots are still read later.

    ``values`` are the second capture's arrays (their shapes and dtypes, and which of them shared
    memory: a view or the same array handed on); ``fixed`` are the slots that are not made by the
    step (inputs, parameters, constants), never written into.
    """

    def __init__(self, values: list[Any], steps: list[tuple[Any, ...]], outputs: list[int | None],
                 fixed: set[int]) -> None:
        self.values = values
        self.fixed = fixed
        self.owned: dict[int, Any] = {}  # slot -> the buffer it is written into on every replay
        self.in_place: list[int] = []  # gradient slots a later kernel overwrote with its own result
        self.lent: set[int] = set()  # slots whose buffer a parameter holds as .grad (the optimizer reads it)
        self.readers: dict[int, int] = {}  # slot -> the last step that reads it
        self.made_at: dict[int, int] = {}  # slot -> the step that makes it
        saved = {step[6]: [slot for _, slot in step[5]] for step in steps if step[0] == "function"}
        for index, step in enumerate(steps):
            for slot in _reads(step, saved):
                self.readers[slot] = index
            for slot in _made(step):
                self.made_at[slot] = index
        for slot in outputs:
            if slot is not None:
                self.readers[slot] = len(steps)

    def backend(self, slot: int) -> Any:
        return backend_of(self.values[slot])

    def writes_into(self, slot: int) -> bool:
        """Whether this backend's kernels take ``out=`` arrays for a slot like this one (NumPy arrays)."""
        value = self.values[slot]
        return (type(value) is np.ndarray and value.dtype in (np.float32, np.float64)
                and self.backend(slot).name == "numba")

    def own(self, slot: int) -> Any:
        """The buffer ``slot`` is made in, on every replay (C-contiguous, the captured shape and dtype)."""
        value = self.values[slot]
        self.owned[slot] = buffer = np.empty(np.shape(value), dtype=value.dtype)
        return buffer

    def scratch(self, slot: int) -> Any:
        """A buffer shaped like ``slot``'s array that no slot names (a kernel's intermediate)."""
        value = self.values[slot]
        return np.empty(np.shape(value), dtype=value.dtype) if type(value) is np.ndarray else None

    def free_after(self, index: int, slot: int) -> Any:
        """``slot``'s buffer when it is this program's own and no step after ``index`` (nor the
        step's outputs) reads it or any array that shared its memory in the capture; else None."""
        buffer = self.owned.get(slot)
        if buffer is None or slot in self.fixed or slot in self.lent:
            return None
        value = self.values[slot]
        for other, last in self.readers.items():
            if last > index and (other == slot or (isinstance(self.values[other], np.ndarray)
                                                   and np.may_share_memory(self.values[other], value))):
                return None
        return buffer


def _reads(step: tuple[Any, ...], saved: dict[int, list[int]]) -> tuple[int, ...]:
    kind = step[0]
    if kind == "function":
        return step[3]
    if kind == "backward":
        return (*step[2], step[3], step[4], *saved[step[1]])
    if kind == "add":
        return step[1], step[2]
    if kind == "add_into":
        return step[1], step[2]
    if kind == "leaf":
        return (step[2],)
    return ()


def _made(step: tuple[Any, ...]) -> tuple[int, ...]:
    kind = step[0]
    if kind == "function":
        return (step[4], *(slot for _, slot in step[5]))
    if kind == "backward":
        return tuple(slot for slot in step[6] if slot is not None)
    if kind == "add":
        return (step[3],)
    return ()


# ---------------------------------------------------------------- forwards
def linear_act_forward(step: tuple[Any, ...], buffers: Buffers) -> Run | None:
    """act(x @ W^T + b) written into the output's buffer by the backend's own forward
    (NumbaBackend.linear_act_forward), with its product's buffer made once."""
    _, _, options, reads, out, saved, _ = step
    if options.get("product") is not None or not buffers.writes_into(out):
        return None
    backend, activation, slope = buffers.backend(out), options["activation"], options["slope"]
    target = buffers.own(out)
    x, weight, bias = reads if len(reads) == 3 else (*reads, None)
    values = buffers.values
    # the product's buffer when the backend makes it transposed (see NumbaBackend.linear_act_forward)
    z_t = np.empty((np.shape(values[weight])[0], np.shape(values[x])[0]), dtype=values[out].dtype)
    forward = backend.linear_act_forward

    def run(buf: list[Any]) -> None:
        forward(buf[x], buf[weight], None if bias is None else buf[bias], activation, slope, target, z_t)
    return run


def _matmul(backend: Any, inner: int) -> Callable[..., Any]:
    """``product(a, b, out=)`` as ``backend.matmul(a, b, out)`` computes it for an inner size
    ``inner``, chosen now (the matmul kernel is part of the capture's key): NumPy's BLAS call itself,
    or the broadcast product when ``inner`` is 1 (minigan/backends/numba/dense.py:matmul)."""
    if matmul_kernel() != "blas":
        return lambda a, b, out: backend.matmul(a, b, out)
    return np.multiply if inner == 1 else np.matmul


FORWARDS: dict[type, Callable[[tuple[Any, ...], Buffers], Run | None]] = {LinearAct: linear_act_forward}


# ---------------------------------------------------------------- backwards
def linear_act_backward(index: int, forward: tuple[Any, ...], step: tuple[Any, ...], buffers: Buffers) -> Run:
    """LinearAct.backward on arrays (minigan/ops/fused.py:linear_act_grads, as the op calls it). On
    the Numba backend into buffers, dz into g's own buffer when g is read no more, the two matrix
    products chosen now."""
    _, _, options, _, _, _, _ = forward
    _, _, reads, y, grad, needs, results = step
    activation, slope = options["activation"], options["slope"]
    x, weight = reads[0], reads[1]
    backend = buffers.backend(y)
    wanted = [(slot, i) for i, slot in enumerate(results) if slot is not None and needs[i]]
    if not buffers.writes_into(y):
        def run(buf: list[Any]) -> None:
            grads = linear_act_grads(backend, buf[grad], buf[y], buf[x], buf[weight], activation, slope, needs)
            for slot, i in wanted:
                buf[slot] = grads[i]
        return run
    grad_z = buffers.free_after(index, grad)
    if grad_z is None or grad_z.shape != np.shape(buffers.values[y]) or grad_z.dtype != buffers.values[y].dtype:
        grad_z = buffers.scratch(y)
    else:
        buffers.in_place.append(grad)
    has_bias_grad = len(results) == 3 and needs[2]
    grad_bias = buffers.own(results[2]) if has_bias_grad else np.empty(np.shape(buffers.values[y])[1], grad_z.dtype)
    out = (grad_z, grad_bias, buffers.own(results[0]) if needs[0] else None,
           buffers.own(results[1]) if needs[1] else None)
    # dz @ W has inner size out_features, dz^T @ x the batch
    products = (_matmul(backend, grad_z.shape[1]), _matmul(backend, grad_z.shape[0]))

    def run(buf: list[Any]) -> None:
        linear_act_grads(backend, buf[grad], buf[y], buf[x], buf[weight], activation, slope, needs, out, products)
    return run


def batch_norm_act_backward(index: int, forward: tuple[Any, ...], step: tuple[Any, ...], buffers: Buffers) -> Run | None:
    """BatchNormAct.backward on arrays (minigan/ops/fused.py:batch_norm_act_grads, as the op calls
    it); for x (N, C) on the Numba backend into buffers, grad_x into g's own when g is read no more."""
    _, _, options, _, _, saved, _ = forward
    _, _, (x, weight, _), y, grad, needs, results = step
    if len(saved) != 2:
        return None
    activation, slope = options["activation"], options["slope"]
    mean, invstd = saved[0][1], saved[1][1]
    backend = buffers.backend(y)
    wanted = [(slot, i) for i, slot in enumerate(results) if slot is not None and needs[i]]
    if np.ndim(buffers.values[x]) == 2 and buffers.writes_into(y):  # into buffers; grad_x into g's when free
        made = [buffers.own(results[i]) if (i < len(results) and results[i] is not None and needs[i])
                else buffers.scratch(x if i == 0 else weight) for i in range(3)]
        in_place = buffers.free_after(index, grad)
        if in_place is not None and in_place.shape == made[0].shape and in_place.dtype == made[0].dtype:
            made[0] = in_place
            buffers.in_place.append(grad)
            if results[0] is not None and needs[0]:
                buffers.owned[results[0]] = in_place
        out = tuple(made)

        def run_into(buf: list[Any]) -> None:
            batch_norm_act_grads(backend, buf[grad], buf[y], buf[x], buf[mean], buf[invstd], buf[weight],
                                 activation, slope, out)
        return run_into

    def run(buf: list[Any]) -> None:
        grads = batch_norm_act_grads(backend, buf[grad], buf[y], buf[x], buf[mean], buf[invstd], buf[weight],
                                     activation, slope)
        for slot, i in wanted:
            buf[slot] = grads[i]
    return run


def bce_with_logits_backward(index: int, forward: tuple[Any, ...], step: tuple[Any, ...], buffers: Buffers) -> Run | None:
    """BCEWithLogitsMean.backward on arrays: the saved gradient times g (no target gradient)."""
    saved = forward[5]
    _, _, _, _, grad, needs, results = step
    if needs[1] or not needs[0] or len(saved) != 1:
        return None
    grad_logits, result = saved[0][1], results[0]
    if buffers.writes_into(result):
        target = buffers.own(result)

        def run(buf: list[Any]) -> None:
            np.multiply(buf[grad_logits], buf[grad], out=target)
        return run

    def run_fresh(buf: list[Any]) -> None:
        buf[result] = buf[grad_logits] * buf[grad]
    return run_fresh


def dropout_backward(index: int, forward: tuple[Any, ...], step: tuple[Any, ...], buffers: Buffers) -> Run | None:
    """Dropout.backward on arrays: g times the scaled mask, into g's own buffer when g is read no more."""
    _, _, options, _, _, saved, _ = forward
    _, _, _, _, grad, needs, (result,) = step
    if result is None or len(saved) != 1:
        return None
    bits, threshold, scale = saved[0][1], options["threshold"], options["scale"]
    backend = buffers.backend(grad)
    if not buffers.writes_into(result):
        def run_fresh(buf: list[Any]) -> None:
            buf[result] = backend.dropout(buf[grad], buf[bits], threshold, scale)
        return run_fresh
    in_place = buffers.free_after(index, grad)
    target = buffers.own(result) if in_place is None else in_place
    if in_place is not None:
        buffers.owned[result] = in_place  # the result is made in g's buffer
        buffers.in_place.append(grad)

    def run(buf: list[Any]) -> None:
        backend.dropout(buf[grad], buf[bits], threshold, scale, target)
    return run


BACKWARDS: dict[type, Callable[..., Run | None]] = {
    LinearAct: linear_act_backward, BatchNormAct: batch_norm_act_backward, BCEWithLogitsMean: bce_with_logits_backward,
    Dropout: dropout_backward,
}
