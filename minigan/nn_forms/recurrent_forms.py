"""The ``torch.*`` forms of the recurrent layers: the one-step cells ``lstm_cell``, ``gru_cell``,
``rnn_tanh_cell`` and ``rnn_relu_cell``, and the layers over whole sequences ``lstm``, ``gru``,
``rnn_tanh`` and ``rnn_relu``, which take their weights as arguments instead of owning them.

Each computes with the very tensors it is given (no copies), through the steps that
``nn.LSTM``, ``nn.GRU``, ``nn.RNN`` and their cells take (minigan/nn/recurrent_steps.py), so
values are those modules' with the same weights and gradients reach the weights, the states and
the input. With x the input, h the hidden state and every gate's rows stacked in the weights in
PyTorch's order (LSTM i, f, g, o; GRU r, z, n):

    rnn_tanh_cell  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)      (rnn_relu_cell: relu)
    lstm_cell      i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of (W_ih x + b_ih + W_hh h + b_hh)
                   c' = f * c + i * g;   h' = o * tanh(c')
    gru_cell       r, z = sigmoid of (W_ih x + b_ih + W_hh h + b_hh) (their rows)
                   n = tanh(W_in x + b_in + r * (W_hn h + b_hn));   h' = (1 - z) * n + z * h

The layer forms have PyTorch's two argument lists: ``(input, hx, params, has_biases, num_layers,
dropout, train, bidirectional, batch_first)`` over a padded (L, N, in) input, and ``(data,
batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional)`` over a
PackedSequence's data and batch_sizes (minigan/nn/utils/rnn.py), its states in the packed order.
``params`` is the flat list w_ih, w_hh[, b_ih, b_hh][, w_hr] of each layer and direction in turn
(an ``nn.LSTM``'s ``_flat_weights`` order); a w_hr per group makes an LSTM with projections.
"""
from __future__ import annotations

import functools
import numbers
from typing import Any

import numpy as np

from .. import ops
from ..autograd import Tensor
from ..autograd.arguments import no_dimensions, tensor_argument, tensor_sequence
from ..autograd.legacy import c_type_name, scalar_type_name
from ..backends import backend_of, to_numpy
from ..nn.recurrent_steps import run_packed, run_padded, step

__all__ = ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell", "lstm", "gru", "rnn_tanh", "rnn_relu"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


# ====================================================================== shared checks
def _size(t: Tensor, dim: int) -> int:
    """t.size(dim), or PyTorch's IndexError where t has no such dimension."""
    if t.ndim == 0:
        raise no_dimensions(dim)
    if not -t.ndim <= dim < t.ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-t.ndim}, {t.ndim - 1}], "
                         f"but got {dim})")
    return int(t.shape[dim])


def _check_dtypes(weight: Tensor, others: list[Tensor | None], cell: bool) -> None:
    """PyTorch's error unless every tensor has the first weight's dtype, a floating one (a cell's
    message and a layer's differ, as PyTorch's)."""
    for other in others:
        if other is not None and other.dtype != weight.dtype:
            if cell:
                raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {c_type_name(other.dtype)} "
                                   f"!= {c_type_name(weight.dtype)}")
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {scalar_type_name(other.dtype)} "
                               f"and {scalar_type_name(weight.dtype)}")
    if not np.issubdtype(backend_of(weight.array).numpy_dtype(weight.dtype), np.floating):
        raise RuntimeError(f"the recurrent forms take floating-point tensors, got {scalar_type_name(weight.dtype)}")


def _check_bias(bias: Tensor | None, rows: int, batch: int) -> None:
    """PyTorch's error unless the bias is (rows,)."""
    if bias is None or tuple(bias.shape) == (rows,):
        return
    if bias.ndim == 1:
        raise RuntimeError(f"The expanded size of the tensor ({rows}) must match the existing size "
                           f"({bias.shape[0]}) at non-singleton dimension 1.  Target sizes: [{batch}, {rows}].  "
                           f"Tensor sizes: [{bias.shape[0]}]")
    raise RuntimeError(f"a bias must be 1-D of {rows} entries (gates * hidden_size), got shape {list(bias.shape)}")


# ====================================================================== the cells
def _cell(name: str, mode: str, input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any) -> Any:
    """One step of a cell with PyTorch's checks, in PyTorch's order."""
    tensor_argument(name, "input", 1, input)
    if mode == "LSTM":
        states = tensor_sequence(name, "hx", 2, hx)
        if len(states) != 2:
            raise RuntimeError("lstm_cell expects two hidden states")
    else:
        states = [tensor_argument(name, "hx", 2, hx)]
    tensor_argument(name, "w_ih", 3, w_ih)
    tensor_argument(name, "w_hh", 4, w_hh)
    for argument, position, value in (("b_ih", 5, b_ih), ("b_hh", 6, b_hh)):
        if value is not None:
            tensor_argument(name, argument, position, value)
    input_size = _size(w_ih, 1)
    if _size(input, 1) != input_size:
        raise RuntimeError(f"input has inconsistent input_size: got {_size(input, 1)} expected {input_size}")
    hidden_size, gates = _size(w_hh, 1), _GATES[mode]
    for label, weight in (("weight_ih", w_ih), ("weight_hh", w_hh)):
        if _size(weight, 0) != gates * hidden_size:
            raise RuntimeError(f"{label} first dim must be {gates} * hidden_size = {gates * hidden_size}, "
                               f"but got {_size(weight, 0)}")
    for k, state in enumerate(states):
        if _size(input, 0) != _size(state, 0):
            raise RuntimeError(f"Input batch size {_size(input, 0)} doesn't match hidden{k} batch size "
                               f"{_size(state, 0)}")
        if _size(state, 1) != hidden_size:
            raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got {_size(state, 1)}, "
                               f"expected {hidden_size}")
    for label, t in (("input", input), ("w_ih", w_ih), ("w_hh", w_hh)) + tuple((f"hx[{k}]", s)
                                                                            for k, s in enumerate(states)):
        if t.ndim != 2:
            raise RuntimeError(f"{name}: {label} must be 2-D, got shape {list(t.shape)}")
    for bias in (b_ih, b_hh):
        _check_bias(bias, gates * hidden_size, _size(input, 0))
    _check_dtypes(w_ih, [input, states[0], w_hh, b_ih, b_hh], cell=True)
    x_proj = ops.linear(input, w_ih, b_ih)
    return step(mode, x_proj, tuple(states) if mode == "LSTM" else states[0], w_hh, b_hh)


def lstm_cell(input: Tensor, hx: tuple[Tensor, Tensor] | list[Tensor], w_ih: Tensor, w_hh: Tensor,
              b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """One LSTM step (hy, cy) from input (N, in), hx = (h, c) each (N, H), w_ih (4H, in),
    w_hh (4H, H) and the biases b_ih, b_hh (4H,) or None: ``nn.LSTMCell``'s step with these
    weights (gates i, f, g, o). Input and states must be 2-D, as PyTorch's."""
    return _cell("lstm_cell", "LSTM", input, hx, w_ih, w_hh, b_ih, b_hh)


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
             b_hh: Tensor | None = None) -> Tensor:
    """One GRU step h' from input (N, in), hx (N, H), w_ih (3H, in), w_hh (3H, H) and the biases
    (3H,) or None: ``nn.GRUCell``'s step with these weights (gates r, z, n)."""
    return _cell("gru_cell", "GRU", input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
                  b_hh: Tensor | None = None) -> Tensor:
    """One Elman step h' = tanh(W_ih x + b_ih + W_hh h + b_hh), w_ih (H, in), w_hh (H, H)."""
    return _cell("rnn_tanh_cell", "RNN_TANH", input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
                  b_hh: Tensor | None = None) -> Tensor:
    """One Elman step h' = relu(W_ih x + b_ih + W_hh h + b_hh), w_ih (H, in), w_hh (H, H)."""
    return _cell("rnn_relu_cell", "RNN_RELU", input, hx, w_ih, w_hh, b_ih, b_hh)


# ====================================================================== the layers: the two argument lists
_PACKED = ("data", "batch_sizes", "hx", "params", "has_biases", "num_layers", "dropout", "train", "bidirectional")
_PADDED = ("input", "hx", "params", "has_biases", "num_layers", "dropout", "train", "bidirectional", "batch_first")
_KINDS = {"data": "Tensor", "batch_sizes": "Tensor", "input": "Tensor", "params": "tuple of Tensors",
          "has_biases": "bool", "num_layers": "int", "dropout": "float", "train": "bool", "bidirectional": "bool",
          "batch_first": "bool"}


def _fits(kind: str, value: Any) -> bool:
    """Whether value passes for PyTorch's argument kind."""
    if kind == "Tensor":
        return isinstance(value, Tensor)
    if kind == "tuple of Tensors":
        return isinstance(value, (list, tuple)) and all(isinstance(v, Tensor) for v in value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, numbers.Integral) and not isinstance(value, bool)
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _bind(name: str, mode: str, args: tuple, kwargs: dict) -> tuple[bool, dict]:
    """(packed, the arguments by name) for one of PyTorch's two argument lists, or its TypeError."""
    hx_kind = "tuple of Tensors" if mode == "LSTM" else "Tensor"
    overloads = [(True, _PACKED), (False, _PADDED)]
    for packed, names in overloads:
        if len(args) + len(kwargs) != len(names) or len(args) > len(names):
            continue
        bound = dict(zip(names, args))
        if set(kwargs) != set(names[len(args):]):
            continue
        bound.update(kwargs)
        for position, arg in enumerate(names):
            if arg == "params" or (arg == "hx" and mode == "LSTM"):
                value = bound[arg]
                if isinstance(value, (list, tuple)):
                    for number, item in enumerate(value):
                        if not isinstance(item, Tensor):
                            raise TypeError(f"expected Tensor as element {number} in argument {position}, "
                                            f"but got {type(item).__name__}")
        if all(_fits(hx_kind if arg == "hx" else _KINDS[arg], bound[arg]) for arg in names):
            return packed, bound
    got = ", ".join([type(a).__name__ for a in args] + [f"{k}={type(v).__name__}" for k, v in kwargs.items()])
    lines = [" * (" + ", ".join(f"{hx_kind if arg == 'hx' else _KINDS[arg]} {arg}" for arg in names) + ")"
             for _, names in overloads]
    raise TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                    + "\n".join(lines) + "\n")


def _groups(name: str, mode: str, params: list[Tensor], has_biases: bool, count: int) -> list[tuple]:
    """The weights of each layer and direction: (w_ih, w_hh, b_ih, b_hh, w_hr), None where absent."""
    stride = 4 if has_biases else 2
    if len(params) == count * stride:
        per = stride
    elif mode == "LSTM" and len(params) == count * (stride + 1):
        per = stride + 1
    else:
        raise RuntimeError("got an incorrect number of RNN parameters")
    groups = []
    for k in range(count):
        chunk = params[k * per:(k + 1) * per]
        w_ih, w_hh = chunk[0], chunk[1]
        b_ih, b_hh = (chunk[2], chunk[3]) if has_biases else (None, None)
        groups.append((w_ih, w_hh, b_ih, b_hh, chunk[-1] if per > stride else None))
    return groups


def _check_groups(mode: str, groups: list[tuple], features: int, width: int, hidden: int, directions: int,
                  rows: int) -> None:
    """Every weight's shape against the input's ``features``, h's ``width`` and c's (or h's) ``hidden``."""
    gates = _GATES[mode] * hidden
    for k, (w_ih, w_hh, b_ih, b_hh, w_hr) in enumerate(groups):
        layer_in = features if k < directions else width * directions
        expected = [("w_ih", w_ih, (gates, layer_in)), ("w_hh", w_hh, (gates, width))]
        if w_hr is not None:
            expected.append(("w_hr", w_hr, (width, hidden)))
        for label, weight, shape in expected:
            if tuple(weight.shape) != shape:
                if k == 0 and label == "w_ih" and weight.ndim == 2 and weight.shape[1] != features:
                    raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{features} and "
                                       f"{weight.shape[1]}x{weight.shape[0]})")
                raise RuntimeError(f"the {label} of layer {k // directions}"
                                   f"{' (reverse)' if k % directions else ''} must be {list(shape)} for "
                                   f"{_GATES[mode]} gates of hidden size {hidden}, got {list(weight.shape)}")
        for bias in (b_ih, b_hh):
            _check_bias(bias, gates, rows)


def _layer_form(name: str, mode: str, args: tuple, kwargs: dict) -> tuple[Tensor, ...]:
    """torch.lstm / gru / rnn_tanh / rnn_relu, either argument list."""
    packed, a = _bind(name, mode, args, kwargs)
    x = a["data"] if packed else a["input"]
    num_layers, directions = int(a["num_layers"]), 2 if a["bidirectional"] else 1
    dropout, train = float(a["dropout"]), a["train"]
    if train and not 0.0 <= dropout <= 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout}")
    if num_layers < 1:
        raise RuntimeError(f"{name}: num_layers must be at least 1, got {num_layers}")
    states = list(a["hx"]) if mode == "LSTM" else [a["hx"]]
    if mode == "LSTM" and len(states) != 2:
        raise RuntimeError("lstm expects two hidden states")
    count = num_layers * directions
    groups = _groups(name, mode, list(a["params"]), a["has_biases"], count)
    if packed:
        sizes = _batch_sizes(a["batch_sizes"], x)
        batch, rows = sizes[0], x.shape[0]
    else:
        if x.ndim < 3:
            _size(x, 2)
        if x.ndim != 3:
            raise RuntimeError(f"input must have 3 dimensions, got {x.ndim}")
        x = x.transpose(0, 1) if a["batch_first"] else x
        if x.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        batch, rows = x.shape[1], x.shape[0] * x.shape[1]
    for state in states:
        if state.ndim != 3:
            raise RuntimeError(f"{name}: hx must be 3-D (num_layers * num_directions, batch, hidden), got shape "
                               f"{list(state.shape)}")
        if directions == 2 and state.shape[0] % 2:
            raise RuntimeError("Odd number of params or hiddens given to a bidirectional RNN")
        if state.shape[0] != count:
            raise RuntimeError("Expected more hidden states in stacked_rnn")
    w_hh, w_hr = groups[0][1], groups[0][4]
    gates = _GATES[mode]
    if w_hh.ndim != 2 or w_hh.shape[0] % gates or (w_hr is not None and w_hr.ndim != 2):
        raise RuntimeError(f"{name}: w_hh must be 2-D ({gates} * hidden_size, hidden_size), got shape "
                           f"{list(w_hh.shape)}")
    hidden = w_hh.shape[0] // gates
    width = hidden if w_hr is None else w_hr.shape[0]
    if mode != "LSTM" and states[0].shape[2] != w_hh.shape[1]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({batch}x{states[0].shape[2]} and "
                           f"{w_hh.shape[1]}x{w_hh.shape[0]})")
    for k, state in enumerate(states):
        want = [count, batch, hidden if k else width]
        if list(state.shape) != want:
            raise RuntimeError(f"Expected hidden{f'[{k}]' if mode == 'LSTM' else ''} size {want}, "
                               f"got {list(state.shape)}")
    _check_groups(mode, groups, x.shape[-1], width, hidden, directions, rows)
    _check_dtypes(groups[0][0], [x, states[0]] + [w for group in groups for w in group], cell=False)
    run = functools.partial(run_packed, sizes=sizes) if packed else run_padded
    initial = [tuple(s[k] for s in states) if mode == "LSTM" else states[0][k] for k in range(count)]
    output, finals = _layers(mode, x, initial, groups, run, directions, 1 if packed else 2,
                             dropout if train else 0.0)
    if not packed and a["batch_first"]:
        output = output.transpose(0, 1)
    if mode == "LSTM":
        return (output,) + tuple(ops.stack([s[k] for s in finals], axis=0) for k in (0, 1))
    return output, ops.stack(finals, axis=0)


def _batch_sizes(batch_sizes: Tensor, data: Tensor) -> list[int]:
    """A PackedSequence's batch_sizes as ints, checked against its data."""
    if data.ndim != 2:
        raise RuntimeError(f"input must have 2 dimensions, got {data.ndim}")
    if backend_of(batch_sizes.array).numpy_dtype(batch_sizes.dtype) != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {scalar_type_name(batch_sizes.dtype)}")
    sizes = [int(n) for n in np.asarray(to_numpy(batch_sizes.array)).reshape(-1)]
    if (batch_sizes.ndim != 1 or not sizes or sizes[-1] < 1 or any(b < a for a, b in zip(sizes[1:], sizes))
            or sum(sizes) != data.shape[0]):
        raise RuntimeError(f"batch_sizes must be a non-empty 1-D tensor of positive, non-increasing sizes that sum "
                           f"to data's {data.shape[0]} rows, got {sizes}")
    return sizes


def _layers(mode: str, x: Tensor, states: list[Any], groups: list[tuple], run: Any, directions: int, axis: int,
            dropout: float) -> tuple[Tensor, list[Any]]:
    """x through every layer, the directions joined along ``axis``, dropout between layers:
    (the last layer's output, each layer's and direction's final state)."""
    finals = []
    num_layers = len(groups) // directions
    for layer in range(num_layers):
        outputs = []
        for direction in range(directions):
            k = layer * directions + direction
            output, state = run(mode, x, states[k], groups[k], bool(direction))
            outputs.append(output)
            finals.append(state)
        x = outputs[0] if len(outputs) == 1 else ops.cat(outputs, axis=axis)
        if dropout > 0 and layer < num_layers - 1:
            x = ops.dropout(x, dropout, training=True)
    return x, finals


def lstm(*args: Any, **kwargs: Any) -> tuple[Tensor, Tensor, Tensor]:
    """(output, h_n, c_n) of a stacked LSTM with the given weights, either
    ``lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)``
    with input (L, N, in) ((N, L, in) with batch_first) and output (L, N, D * H_out), or
    ``lstm(data, batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional)``
    over packed data (T, in) with output (T, D * H_out). hx = (h_0, c_0), (D * num_layers, N, H_out)
    and (D * num_layers, N, H); h_n and c_n the same shapes. ``nn.LSTM``'s values with these weights
    (a w_hr per group: projections, H_out = proj_size); dropout between layers only when train."""
    return _layer_form("lstm", "LSTM", args, kwargs)


def gru(*args: Any, **kwargs: Any) -> tuple[Tensor, Tensor]:
    """(output, h_n) of a stacked GRU with the given weights; the argument lists of ``lstm``, hx one
    Tensor (D * num_layers, N, H)."""
    return _layer_form("gru", "GRU", args, kwargs)


def rnn_tanh(*args: Any, **kwargs: Any) -> tuple[Tensor, Tensor]:
    """(output, h_n) of a stacked tanh RNN with the given weights; the argument lists of ``gru``."""
    return _layer_form("rnn_tanh", "RNN_TANH", args, kwargs)


def rnn_relu(*args: Any, **kwargs: Any) -> tuple[Tensor, Tensor]:
    """(output, h_n) of a stacked relu RNN with the given weights; the argument lists of ``gru``."""
    return _layer_form("rnn_relu", "RNN_RELU", args, kwargs)
