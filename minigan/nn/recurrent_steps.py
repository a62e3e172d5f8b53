"""One recurrent step, and one layer's direction over a whole sequence, for minigan/nn/recurrent.py.

``step`` takes one time step of an RNN, LSTM or GRU; ``run_padded`` runs one layer in one direction
over a tensor (L, N, in) and ``run_packed`` over the data of a PackedSequence
(minigan/nn/utils/rnn.py). Both project the whole input with one ``linear`` and split it into steps
with ops whose backward joins the steps' gradients once (``unbind``, ``parts``), so time grows
linearly with the sequence length.

A packed sequence holds its steps time-major, longest sequence first: step t is the next
``batch_sizes[t]`` rows, the sequences still running at t, so each step works on the first
``batch_sizes[t]`` rows of the state. Forward in time the batch shrinks, and the rows of the
sequences that have ended are set aside as their final state; backward in time it grows, and each
sequence joins at its own last step with its initial state.

An LSTM without projections carries its state through both loops as one Tensor [h | c] and takes
each step as one op (``ops.lstm_step``, the recurrent linear included); the h half of every step is
sliced off once at the end.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .. import ops
from ..autograd import Tensor
from ..backends import backend_of

__all__ = ["step", "zeros_state", "run_padded", "run_packed"]


def _split(gates: Tensor, count: int) -> list[Tensor]:
    """The gates' blocks of columns, each of width hidden_size, in the weights' row order (slices:
    a step's gates are small, and four getitems measured 3-6% faster than ops.parts here)."""
    width = gates.shape[-1] // count
    return [gates[..., k * width:(k + 1) * width] for k in range(count)]


def step(mode: str, x_proj: Tensor, state: Any, weight_hh: Tensor, bias_hh: Tensor | None) -> Any:
    """One step from x_proj = W_ih x + b_ih: the new h (for an LSTM, the pair (h, c)). An LSTM's or
    a GRU's gate arithmetic is one fused op (two for the LSTM's h and c: minigan/ops/recurrent_cells.py;
    a GRU's takes in the recurrent linear too); inside ``minigan.fusion(False)`` it is the composite of
    sigmoid, tanh, slices and products."""
    h, c = state if mode == "LSTM" else (state, None)
    if mode == "GRU" and ops.is_fusion_enabled():
        return ops.gru_step(x_proj, h, weight_hh, bias_hh)
    h_proj = ops.linear(h, weight_hh, bias_hh)
    if mode == "RNN_TANH":
        return ops.tanh(x_proj + h_proj)
    if mode == "RNN_RELU":
        return ops.relu(x_proj + h_proj)
    if ops.is_fusion_enabled():
        return ops.lstm_cell(x_proj + h_proj, c)  # an LSTMCell's step (a layer's: lstm_step)
    if mode == "LSTM":
        i, f, g, o = _split(x_proj + h_proj, 4)
        c = ops.sigmoid(f) * c + ops.sigmoid(i) * ops.tanh(g)
        return ops.sigmoid(o) * ops.tanh(c), c
    x_r, x_z, x_n = _split(x_proj, 3)
    h_r, h_z, h_n = _split(h_proj, 3)
    r, z = ops.sigmoid(x_r + h_r), ops.sigmoid(x_z + h_z)
    n = ops.tanh(x_n + r * h_n)
    return (1.0 - z) * n + z * h


def zeros_state(like: Tensor, shape: tuple[int, ...]) -> Tensor:
    """A zero state on like's device, in its dtype (PyTorch's default h_0 and c_0)."""
    backend = backend_of(like.array)
    return Tensor._make(backend.asarray(np.zeros(shape, dtype=backend.numpy_dtype(like.dtype))), False, None)


def _whole_steps(mode: str, weights: tuple[Tensor | None, ...]) -> bool:
    """Whether an LSTM's steps are each one op (ops.lstm_step), its state carried as [h | c]:
    with fusion on and no projection."""
    return mode == "LSTM" and weights[4] is None and ops.is_fusion_enabled()


def _halves(hc: Tensor) -> tuple[Tensor, Tensor]:
    """(h, c) from [h | c] along the last axis."""
    width = hc.shape[-1] // 2
    return hc[..., :width], hc[..., width:]


def _advance(mode: str, x_proj: Tensor, state: Any, weights: tuple[Tensor | None, ...], whole: bool) -> Any:
    """``step`` (``lstm_step`` on [h | c] when whole), then for an LSTM with projections
    h = W_hr (o * tanh(c))."""
    if whole:
        return ops.lstm_step(x_proj, state, weights[1], weights[3])
    state = step(mode, x_proj, state, weights[1], weights[3])
    if weights[4] is not None:
        state = (ops.linear(state[0], weights[4]), state[1])
    return state


def run_padded(mode: str, x: Tensor, state: Any, weights: tuple[Tensor | None, ...],
               reverse: bool) -> tuple[Tensor, Any]:
    """One layer's direction over x (L, N, in) from state: (its h at every step (L, N, H), the last state).
    weights: weight_ih, weight_hh, bias_ih, bias_hh and weight_hr (None where absent)."""
    length, batch = x.shape[0], x.shape[1]
    x_proj = ops.linear(x.reshape(length * batch, x.shape[2]), weights[0], weights[2])
    x_steps = ops.unbind(x_proj.reshape(length, batch, x_proj.shape[1]), 0)  # backward: one stack
    whole = _whole_steps(mode, weights)
    state = ops.cat(list(state), axis=1) if whole else state
    steps = []
    for t in (reversed(range(length)) if reverse else range(length)):
        state = _advance(mode, x_steps[t], state, weights, whole)
        steps.append(state[0] if mode == "LSTM" and not whole else state)
    output = ops.stack(steps[::-1] if reverse else steps, axis=0)
    return (_halves(output)[0], _halves(state)) if whole else (output, state)


def _rows(state: Any, start: int, stop: int) -> Any:
    """Rows start:stop of a state (of both h and c for an LSTM)."""
    if isinstance(state, tuple):
        return tuple(part[start:stop] for part in state)
    return state[start:stop]


def _join(states: list[Any]) -> Any:
    """States stacked row-wise (h with h and c with c for an LSTM)."""
    if len(states) == 1:
        return states[0]
    if isinstance(states[0], tuple):
        return tuple(ops.cat([s[k] for s in states], axis=0) for k in range(len(states[0])))
    return ops.cat(states, axis=0)


def run_packed(mode: str, x: Tensor, initial: Any, weights: tuple[Tensor | None, ...], reverse: bool,
               *, sizes: Sequence[int]) -> tuple[Tensor, Any]:
    """One layer's direction over packed data x (sum(sizes), in) from the states ``initial``
    (sizes[0] rows, in the packed order): (its h at every step, packed as x, each sequence's last
    state). sizes: the PackedSequence's batch_sizes, as ints."""
    x_steps = ops.parts(ops.linear(x, weights[0], weights[2]), sizes, 0)
    whole = _whole_steps(mode, weights)
    initial = ops.cat(list(initial), axis=1) if whole else initial
    held = sizes[-1] if reverse else sizes[0]
    state = _rows(initial, 0, held) if reverse else initial
    steps, ended = [], []
    for t in (reversed(range(len(sizes))) if reverse else range(len(sizes))):
        rows = sizes[t]
        if rows > held:  # backward in time: the sequences whose last step this is join
            state = _join([state, _rows(initial, held, rows)])
        elif rows < held:  # forward in time: the sequences that ended keep their state
            ended.append(_rows(state, rows, held))
            state = _rows(state, 0, rows)
        held = rows
        state = _advance(mode, x_steps[t], state, weights, whole)
        steps.append(state[0] if mode == "LSTM" and not whole else state)
    ended.append(state)
    output, final = ops.cat(steps[::-1] if reverse else steps, axis=0), _join(ended[::-1])
    return (_halves(output)[0], _halves(final)) if whole else (output, final)
