"""The recurrent layers, as PyTorch's: ``RNN`` (tanh or relu), ``LSTM`` and ``GRU`` over sequences,
and the one-step cells ``RNNCell``, ``LSTMCell`` and ``GRUCell``.

Each step is written with the engine's ops (linear, sigmoid, tanh, relu, stack, cat, and for an
LSTM or a GRU the gate arithmetic fused into one op: minigan/ops/recurrent_cells.py), so
gradients and second derivatives come from their own backward passes. A layer projects the whole
sequence at once and takes its steps with ``ops.unbind``, whose backward stacks the steps'
gradients once: forward and backward cost O(L) in the sequence length (a slice per step would
scatter into a zero array of the whole sequence at every step, O(L^2)). The step and the loops
over time, of a padded tensor or of a PackedSequence's data, are in minigan/nn/recurrent_steps.py.
With x the input, h the hidden state and every gate's rows stacked in the weights in PyTorch's order:

    RNN   h' = act(W_ih x + b_ih + W_hh h + b_hh)
    LSTM  i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of (W_ih x + b_ih + W_hh h + b_hh)
          c' = f * c + i * g;   h' = o * tanh(c')   (with proj_size: h' = W_hr (o * tanh(c')))
    GRU   r, z = sigmoid of (W_ih x + b_ih + W_hh h + b_hh) (their rows)
          n = tanh(W_in x + b_in + r * (W_hn h + b_hn));   h' = (1 - z) * n + z * h
"""
from __future__ import annotations

import functools
import math
import warnings
from typing import Any, Callable

import numpy as np

from .. import ops
from ..autograd import Tensor
from ..backends import to_numpy
from . import init
from .module import Module, Parameter
from .recurrent_steps import run_packed, run_padded, step, zeros_state
from .utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# ====================================================================== the checks
def _check_sizes(name: str, input_size: int, hidden_size: int) -> None:
    for what, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name}: {what} should be of type int, got: {type(value).__name__}")
    if input_size < 0:
        raise ValueError(f"{name}: input_size must be non-negative, got {input_size}")
    if hidden_size <= 0:
        raise ValueError("hidden_size must be greater than zero")


def _check_input(name: str, x: Any) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: expected a Tensor input, got {type(x).__name__}")
    return x


def _nonlinearity(name: str, nonlinearity: str) -> str:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"{name}: Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
    return "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"


def _reorder(state: Any, order: Tensor, axis: int) -> Any:
    """A state's sequences taken in ``order`` along ``axis`` (of both h and c for an LSTM)."""
    if isinstance(state, tuple):
        return tuple(ops.index_select(part, axis, order) for part in state)
    return ops.index_select(state, axis, order)


# ====================================================================== the layers over sequences
class RNNBase(Module):
    """What RNN, LSTM and GRU share: the parameters of every layer and direction, the checks of
    the input and the initial state, the loop over time steps, and dropout between layers."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__()
        name = {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(mode, mode)
        _check_sizes(name, input_size, hidden_size)
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if isinstance(proj_size, bool) or not isinstance(proj_size, (int, np.integer)):
            raise TypeError(f"{name}: proj_size should be of type int, got: {type(proj_size).__name__}")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", UserWarning, stacklevel=3)
        self.mode, self.input_size, self.hidden_size = mode, int(input_size), int(hidden_size)
        self.num_layers, self.bias, self.batch_first = int(num_layers), bool(bias), bool(batch_first)
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bool(bidirectional), int(proj_size)
        self.rng = rng  # the dropout masks' generator (default: the process's, which manual_seed seeds)
        gate_size = _GATES[mode] * self.hidden_size
        self._flat_weights_names: list[str] = []
        for layer in range(self.num_layers):
            layer_input = self.input_size if layer == 0 else self._output_size * self._directions
            for suffix in ("", "_reverse")[:self._directions]:
                shapes = {"weight_ih": (gate_size, layer_input), "weight_hh": (gate_size, self._output_size)}
                if self.bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                if self.proj_size:
                    shapes.update(weight_hr=(self.proj_size, self.hidden_size))
                for kind, shape in shapes.items():
                    param_name = f"{kind}_l{layer}{suffix}"
                    setattr(self, param_name, Parameter(np.empty(shape, dtype=dtype)))
                    self._flat_weights_names.append(param_name)
        self.reset_parameters(rng)

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def _output_size(self) -> int:
        """The size of h: proj_size for an LSTM with projections, else hidden_size."""
        return self.proj_size or self.hidden_size

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch's."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound, rng=rng)

    def flatten_parameters(self) -> None:
        """PyTorch packs the weights into one cuDNN buffer; minigan has nothing to pack."""

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters of each layer and direction: [[weight_ih, weight_hh, bias_ih, bias_hh], ...]
        (then weight_hr with projections)."""
        per = (4 if self.bias else 2) + (1 if self.proj_size else 0)
        names = self._flat_weights_names
        return [[getattr(self, n) for n in names[k:k + per]] for k in range(0, len(names), per)]

    def _weights(self, layer: int, direction: int) -> tuple[Tensor | None, ...]:
        """weight_ih, weight_hh, bias_ih, bias_hh and weight_hr of a layer and direction (None where absent)."""
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        kinds = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        return tuple(getattr(self, kind + suffix, None) for kind in kinds)

    def _check_state(self, h: Any, batched: bool, expected: tuple[int, ...], which: str = "") -> Tensor:
        """h of the expected (batched) shape, or PyTorch's error."""
        if not isinstance(h, Tensor):
            raise TypeError(f"{type(self).__name__}: the initial state must be a Tensor, got {type(h).__name__}")
        if batched and h.ndim != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {h.ndim}-D tensor")
        if not batched and h.ndim != 2:
            raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {h.ndim}-D tensor")
        h = h if batched else h.unsqueeze(1)
        if tuple(h.shape) != expected:
            got = list(h.shape if batched else h.shape[:1] + h.shape[2:])
            want = expected if batched else expected[:1] + expected[2:]
            raise RuntimeError(f"Expected hidden{which} size {want}, got {got}")
        return h

    def _initial(self, hx: Any, x: Tensor, batch: int, batched: bool) -> list[Any]:
        """The initial state of each layer and direction for ``batch`` sequences: h (LSTM: (h, c))."""
        count = self.num_layers * self._directions
        shape = (count, batch, self.hidden_size)  # c's; h's is proj_size wide with projections
        h_shape = shape[:2] + (self._output_size,)
        if self.mode == "LSTM":
            if hx is None:
                h, c = zeros_state(x, h_shape), zeros_state(x, shape)
            else:
                if not (isinstance(hx, (tuple, list)) and len(hx) == 2):
                    raise TypeError(f"LSTM: hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
                if any(isinstance(t, Tensor) and t.ndim != (3 if batched else 2) for t in hx):
                    kind = "batched 3-D" if batched else "unbatched 2-D"
                    raise RuntimeError(f"For {kind} input, hx and cx should also be {kind[-3:]} but got "
                                       f"({hx[0].ndim}-D, {hx[1].ndim}-D) tensors")
                h, c = (self._check_state(t, batched, s, f"[{k}]")
                        for k, (t, s) in enumerate(zip(hx, (h_shape, shape))))
            return [(h[k], c[k]) for k in range(count)]
        h = zeros_state(x, shape) if hx is None else self._check_state(hx, batched, shape)
        return [h[k] for k in range(count)]

    def _layers(self, x: Tensor, states: list[Any], run: Callable[..., tuple[Tensor, Any]],
                axis: int) -> tuple[Tensor, Any]:
        """x through every layer, both directions joined along ``axis`` (the features'), with dropout
        between layers in training: (the last layer's output, h_n or for an LSTM (h_n, c_n))."""
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self._directions):
                state = states[layer * self._directions + direction]
                output, state = run(self.mode, x, state, self._weights(layer, direction), bool(direction))
                outputs.append(output)
                finals.append(state)
            x = outputs[0] if len(outputs) == 1 else ops.cat(outputs, axis=axis)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = ops.dropout(x, self.dropout, training=True, rng=self.rng)
        if self.mode == "LSTM":
            return x, tuple(ops.stack([s[k] for s in finals], axis=0) for k in (0, 1))
        return x, ops.stack(finals, axis=0)

    def forward(self, input: Tensor | PackedSequence, hx: Any = None) -> tuple[Any, Any]:
        """(output, h_n), or for an LSTM (output, (h_n, c_n)): output (L, N, D * H) ((N, L, D * H)
        with batch_first, (L, D * H) unbatched), h_n and c_n (D * num_layers, N, H) ((D * num_layers, H)),
        where h_n and output have proj_size in place of H for an LSTM with projections. A
        PackedSequence in gives one out (batch_first plays no part), and h_n and c_n at each
        sequence's own last step (the reverse direction's at its first)."""
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        name = type(self).__name__
        x = _check_input(name, input)
        if x.ndim not in (2, 3):
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {x.ndim}D instead")
        self._check_features(x)
        batched = x.ndim == 3
        x = (x.transpose(0, 1) if self.batch_first else x) if batched else x.unsqueeze(1)  # (L, N, in)
        if x.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        x, finals = self._layers(x, self._initial(hx, x, x.shape[1], batched), run_padded, axis=2)
        output = (x.transpose(0, 1) if self.batch_first else x) if batched else x.squeeze(1)
        if batched:
            return output, finals
        return output, (tuple(s.squeeze(1) for s in finals) if self.mode == "LSTM" else finals.squeeze(1))

    def _check_features(self, x: Tensor) -> None:
        if x.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {x.shape[-1]}")

    def _forward_packed(self, packed: PackedSequence, hx: Any) -> tuple[PackedSequence, Any]:
        """forward on a PackedSequence: hx and h_n in the caller's order of the sequences, the run in
        the packed one (sorted_indices)."""
        data, batch_sizes, sorted_indices, unsorted_indices = packed
        x = _check_input(type(self).__name__, data)
        if x.ndim != 2:
            raise RuntimeError(f"input must have 2 dimensions, got {x.ndim}")
        self._check_features(x)
        sizes = [int(n) for n in to_numpy(batch_sizes.array)]
        states = self._initial(hx, x, sizes[0], True)
        if hx is not None and sorted_indices is not None:
            states = [_reorder(s, sorted_indices, 0) for s in states]
        x, finals = self._layers(x, states, functools.partial(run_packed, sizes=sizes), axis=1)
        if unsorted_indices is not None:
            finals = _reorder(finals, unsorted_indices, 1)
        return PackedSequence(x, batch_sizes, sorted_indices, unsorted_indices), finals

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}" + (f", proj_size={self.proj_size}" if self.proj_size else "")
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.mode == "RNN_RELU":
            text += ", nonlinearity=relu"
        for name, default in (("bias", True), ("batch_first", False), ("dropout", 0.0), ("bidirectional", False)):
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)}"
        return text


class RNN(RNNBase):
    """An Elman RNN, h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh) (``nonlinearity="relu"``: relu),
    stacked ``num_layers`` deep, in both directions with ``bidirectional``."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__(_nonlinearity("RNN", nonlinearity), input_size, hidden_size, num_layers, bias,
                         batch_first, dropout, bidirectional, rng=rng, dtype=dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """A long short-term memory layer (gates i, f, g, o); ``forward(input, (h_0, c_0))`` returns
    ``output, (h_n, c_n)``. With ``proj_size`` > 0 each step's h is projected by ``weight_hr_l{k}``
    (proj_size, hidden_size), so h_0, h_n and the output are proj_size wide (c stays hidden_size)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, rng=rng, dtype=dtype)


class GRU(RNNBase):
    """A gated recurrent unit layer (gates r, z, n)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         rng=rng, dtype=dtype)


# ====================================================================== the cells: one step
class RNNCellBase(Module):
    """What the cells share: ``weight_ih`` (gates * H, in), ``weight_hh`` (gates * H, H), ``bias_ih``,
    ``bias_hh``, each from U(-1/sqrt(H), 1/sqrt(H)), and the checks of input and state."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, bias: bool = True,
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__()
        _check_sizes(type(self).__name__, input_size, hidden_size)
        self.mode, self.input_size, self.hidden_size, self.bias = mode, int(input_size), int(hidden_size), bool(bias)
        gate_size = _GATES[mode] * self.hidden_size
        self.weight_ih = Parameter(np.empty((gate_size, self.input_size), dtype=dtype))
        self.weight_hh = Parameter(np.empty((gate_size, self.hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(np.empty((gate_size,), dtype=dtype))
            self.bias_hh = Parameter(np.empty((gate_size,), dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch's."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound, rng=rng)

    def _state(self, h: Any, x: Tensor, batched: bool, which: str) -> Tensor:
        """h as (N, H): zeros when None, else checked against x's batch and hidden_size."""
        if h is None:
            return zeros_state(x, (x.shape[0], self.hidden_size))
        if not isinstance(h, Tensor):
            raise TypeError(f"{type(self).__name__}: the state must be a Tensor, got {type(h).__name__}")
        if h.ndim not in (1, 2):
            named = f"hx[{which[-1]}]" if self.mode == "LSTM" else "hidden"
            raise ValueError(f"{type(self).__name__}: Expected {named} to be 1D or 2D, got {h.ndim}D instead")
        if h.ndim != (2 if batched else 1):
            raise RuntimeError(f"{type(self).__name__}: for {2 if batched else 1}-D input, {which} should be "
                               f"{2 if batched else 1}-D, got shape {tuple(h.shape)}")
        h = h if batched else h.unsqueeze(0)
        if h.shape[0] != x.shape[0]:
            raise RuntimeError(f"Input batch size {x.shape[0]} doesn't match {which} batch size {h.shape[0]}")
        if h.shape[1] != self.hidden_size:
            raise RuntimeError(f"{which} has inconsistent hidden_size: got {h.shape[1]}, expected {self.hidden_size}")
        return h

    def _run(self, input: Tensor, hx: Any) -> Any:
        name = type(self).__name__
        x = _check_input(name, input)
        if x.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {x.ndim}D instead")
        if x.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {x.shape[-1]} expected {self.input_size}")
        batched = x.ndim == 2
        x = x if batched else x.unsqueeze(0)
        if self.mode == "LSTM":
            if hx is not None and not isinstance(hx, (tuple, list)):
                raise TypeError(f"LSTMCell: hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
            if hx is not None and len(hx) != 2:
                raise RuntimeError(f"LSTMCell: lstm_cell expects two hidden states, got {len(hx)}")
            state = (None, None) if hx is None else hx
            state = tuple(self._state(s, x, batched, f"hidden{k}") for k, s in enumerate(state))
        else:
            state = self._state(hx, x, batched, "hidden0")
        x_proj = ops.linear(x, self.weight_ih, self.bias_ih)
        out = step(self.mode, x_proj, state, self.weight_hh, self.bias_hh)
        if batched:
            return out
        return tuple(s.squeeze(0) for s in out) if self.mode == "LSTM" else out.squeeze(0)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")
        return text + (", nonlinearity=relu" if self.mode == "RNN_RELU" else "")


class RNNCell(RNNCellBase):
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (``nonlinearity="relu"``: relu); input (N, in) or (in,)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__(_nonlinearity("RNNCell", nonlinearity), input_size, hidden_size, bias, rng=rng, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._run(input, hx)


class LSTMCell(RNNCellBase):
    """One LSTM step: ``(h', c') = cell(x, (h, c))``, zeros for a missing state."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__("LSTM", input_size, hidden_size, bias, rng=rng, dtype=dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        return self._run(input, hx)


class GRUCell(RNNCellBase):
    """One GRU step: ``h' = cell(x, h)``, zeros for a missing state."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__("GRU", input_size, hidden_size, bias, rng=rng, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._run(input, hx)
