"""The recurrent layers (nn.RNN with tanh and relu, nn.LSTM, nn.GRU) and cells (nn.RNNCell,
nn.LSTMCell, nn.GRUCell) against their equations written out here in float64 NumPy, one sample and
one time step at a time: several layers, both directions, batch_first, unbatched input, a given
h_0 and c_0, no bias; dropout between layers; PyTorch's parameter names and shapes (written out
from PyTorch 2.x); gradients through the registered gradcheck cases; one clear line for bad input."""
from __future__ import annotations

import math

import numpy as np
import pytest

import minigan
import minigan.nn as nn
from minigan.gradcheck.cases import find_case
from minigan.gradcheck.rows import case_rows


# ------------------------------------------------------------------------------ the equations
def sigmoid(v: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-v))


def step_by_hand(mode: str, x: np.ndarray, h: np.ndarray, c: np.ndarray | None, w: dict) -> tuple:
    """One step for one sample: x (in,), h and c (H,); w holds weight_ih, weight_hh, bias_ih, bias_hh
    (biases zero when the layer has none). Returns (h', c') (c' None but for an LSTM)."""
    hidden = h.shape[0]
    a = w["weight_ih"] @ x + w["bias_ih"]
    b = w["weight_hh"] @ h + w["bias_hh"]
    block = lambda v, k: v[k * hidden:(k + 1) * hidden]  # noqa: E731 - gate k's rows
    if mode == "RNN_TANH":
        return np.tanh(a + b), None
    if mode == "RNN_RELU":
        return np.maximum(a + b, 0.0), None
    if mode == "LSTM":
        i = sigmoid(block(a, 0) + block(b, 0))
        f = sigmoid(block(a, 1) + block(b, 1))
        g = np.tanh(block(a, 2) + block(b, 2))
        o = sigmoid(block(a, 3) + block(b, 3))
        c_next = f * c + i * g
        return o * np.tanh(c_next), c_next
    r = sigmoid(block(a, 0) + block(b, 0))
    z = sigmoid(block(a, 1) + block(b, 1))
    n = np.tanh(block(a, 2) + r * block(b, 2))
    return (1.0 - z) * n + z * h, None


def weights_of(module: nn.Module, suffix: str = "") -> dict:
    hidden_rows = getattr(module, "weight_hh" + suffix).shape[0]
    w = {}
    for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        p = getattr(module, kind + suffix, None)
        w[kind] = np.zeros(hidden_rows) if p is None else p.numpy()
    return w


def layer_by_hand(module: nn.Module, x: np.ndarray, h0: np.ndarray, c0: np.ndarray) -> tuple:
    """output (L, N, D*H), h_n and c_n (D*layers, N, H) for x (L, N, in), by loops over layers,
    directions, samples and time steps."""
    length, batch = x.shape[:2]
    hidden, directions = module.hidden_size, 2 if module.bidirectional else 1
    h_n, c_n = np.zeros_like(h0), np.zeros_like(c0)
    layer_input = x
    for layer in range(module.num_layers):
        output = np.zeros((length, batch, directions * hidden))
        for d in range(directions):
            w = weights_of(module, f"_l{layer}" + ("_reverse" if d else ""))
            k = layer * directions + d
            for sample in range(batch):
                h, c = h0[k, sample], c0[k, sample]
                for t in (range(length - 1, -1, -1) if d else range(length)):
                    h, c = step_by_hand(module.mode, layer_input[t, sample], h, c, w)
                    output[t, sample, d * hidden:(d + 1) * hidden] = h
                h_n[k, sample] = h
                c_n[k, sample] = c if c is not None else 0.0
        layer_input = output
    return layer_input, h_n, c_n


def _numpy(*tensors):
    return [t.numpy() for t in tensors]


MODES = [("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("LSTM", {}), ("GRU", {})]
SHAPES = [  # (keyword arguments, input shape, whether h_0 is given)
    ({"num_layers": 2, "bidirectional": True}, (4, 3, 3), True),
    ({"num_layers": 2}, (5, 2, 3), False),
    ({"batch_first": True, "bidirectional": True}, (2, 4, 3), True),
    ({}, (4, 3), True),  # unbatched
    ({"bias": False, "num_layers": 2}, (3, 3), False),
]


@pytest.mark.parametrize("name, mode_kwargs", MODES, ids=lambda v: str(v))
@pytest.mark.parametrize("kwargs, shape, given", SHAPES, ids=lambda v: str(v))
def test_layer_matches_its_equations(name, mode_kwargs, kwargs, shape, given):
    rng = np.random.default_rng(0)
    module = getattr(nn, name)(3, 4, **mode_kwargs, **kwargs, rng=rng, dtype=np.float64)
    lstm = name == "LSTM"
    batched, batch_first = len(shape) == 3, kwargs.get("batch_first", False)
    count = (2 if kwargs.get("bidirectional") else 1) * kwargs.get("num_layers", 1)
    x = rng.standard_normal(shape)
    x_lnc = (x.transpose(1, 0, 2) if batch_first else x) if batched else x[:, None, :]  # (L, N, in)
    state_shape = (count, x_lnc.shape[1], 4)
    h0 = rng.standard_normal(state_shape) if given else np.zeros(state_shape)
    c0 = rng.standard_normal(state_shape) if given and lstm else np.zeros(state_shape)
    output, h_n, c_n = layer_by_hand(module, x_lnc, h0, c0)
    if batched:
        output = output.transpose(1, 0, 2) if batch_first else output
    else:
        output, h_n, c_n, h0, c0 = output[:, 0], h_n[:, 0], c_n[:, 0], h0[:, 0], c0[:, 0]

    hx = None
    if given:
        hx = (minigan.tensor(h0), minigan.tensor(c0)) if lstm else minigan.tensor(h0)
    got_output, got_state = module(minigan.tensor(x), hx)
    np.testing.assert_allclose(got_output.numpy(), output, rtol=1e-12, atol=1e-14)
    if lstm:
        got_h, got_c = _numpy(*got_state)
        np.testing.assert_allclose(got_c, c_n, rtol=1e-12, atol=1e-14)
    else:
        got_h = got_state.numpy()
    np.testing.assert_allclose(got_h, h_n, rtol=1e-12, atol=1e-14)
    assert got_output.dtype == np.float64


CELLS = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}), ("GRUCell", {}),
         ("GRUCell", {"bias": False})]


@pytest.mark.parametrize("name, kwargs", CELLS, ids=lambda v: str(v))
@pytest.mark.parametrize("batched, given", [(True, True), (True, False), (False, True), (False, False)])
def test_cell_matches_its_equations(name, kwargs, batched, given):
    rng = np.random.default_rng(1)
    cell = getattr(nn, name)(3, 4, **kwargs, rng=rng, dtype=np.float64)
    lstm = name == "LSTMCell"
    x = rng.standard_normal((2, 3))
    h0 = rng.standard_normal((2, 4)) if given else np.zeros((2, 4))
    c0 = rng.standard_normal((2, 4)) if given and lstm else np.zeros((2, 4))
    w = weights_of(cell)
    expected = [step_by_hand(cell.mode, x[s], h0[s], c0[s], w) for s in range(2)]
    h1 = np.stack([e[0] for e in expected])
    c1 = np.stack([e[1] for e in expected]) if lstm else None
    if not batched:
        x, h0, c0, h1, c1 = x[0], h0[0], c0[0], h1[0], None if c1 is None else c1[0]
    hx = None
    if given:
        hx = (minigan.tensor(h0), minigan.tensor(c0)) if lstm else minigan.tensor(h0)
    got = cell(minigan.tensor(x), hx)
    if lstm:
        np.testing.assert_allclose(got[0].numpy(), h1, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(got[1].numpy(), c1, rtol=1e-12, atol=1e-14)
    else:
        np.testing.assert_allclose(got.numpy(), h1, rtol=1e-12, atol=1e-14)


def test_a_cell_run_over_time_is_the_one_layer_module():
    """The time_sequence_prediction pattern: an LSTMCell stepped by hand equals nn.LSTM with its weights."""
    rng = np.random.default_rng(2)
    layer, cell = nn.LSTM(3, 5, rng=rng), nn.LSTMCell(3, 5)
    cell.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})  # weight_ih_l0 -> weight_ih
    x = minigan.tensor(rng.standard_normal((6, 2, 3)).astype(np.float32))
    h, c = minigan.zeros(2, 5), minigan.zeros(2, 5)
    outputs = []
    for t in range(6):
        h, c = cell(x[t], (h, c))
        outputs.append(h.numpy())
    output, (h_n, c_n) = layer(x)
    np.testing.assert_allclose(output.numpy(), np.stack(outputs), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c_n.numpy()[0], c.numpy(), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------------ dropout between layers
def test_dropout_acts_between_layers_in_training_only():
    rng = np.random.default_rng(3)
    module = nn.GRU(3, 4, num_layers=2, dropout=1.0, rng=rng, dtype=np.float64)
    x = rng.standard_normal((5, 2, 3))
    module.eval()
    output, _ = module(minigan.tensor(x))
    expected, _, _ = layer_by_hand(module, x, np.zeros((2, 2, 4)), np.zeros((2, 2, 4)))
    np.testing.assert_allclose(output.numpy(), expected, rtol=1e-12, atol=1e-14)
    module.train()  # p = 1 drops all of layer 0's output: layer 1 sees zeros
    output, h_n = module(minigan.tensor(x))
    _, first_h, _ = layer_by_hand(module, x, np.zeros((2, 2, 4)), np.zeros((2, 2, 4)))
    w = weights_of(module, "_l1")
    h = np.zeros((2, 4))
    for _ in range(5):
        h = np.stack([step_by_hand("GRU", np.zeros(4), h[s], None, w)[0] for s in range(2)])
    np.testing.assert_allclose(output.numpy()[-1], h, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(h_n.numpy()[0], first_h[0], rtol=1e-12, atol=1e-14)  # layer 0 is untouched


def test_dropout_with_one_layer_warns_as_pytorch_does():
    with pytest.warns(UserWarning, match=r"^dropout option adds dropout after all but last recurrent layer, so "
                                         r"non-zero dropout expects num_layers greater than 1, but got "
                                         r"dropout=0\.5 and num_layers=1$"):
        nn.LSTM(3, 4, dropout=0.5)


# ------------------------------------------------------------------------------ parameters
def test_state_dict_keys_and_shapes_are_pytorchs():
    # from torch.nn.LSTM(3, 5, 2, bidirectional=True).state_dict() in PyTorch 2.x
    expected = {}
    for layer, width in ((0, 3), (1, 10)):
        for suffix in ("", "_reverse"):
            expected.update({f"weight_ih_l{layer}{suffix}": (20, width), f"weight_hh_l{layer}{suffix}": (20, 5),
                             f"bias_ih_l{layer}{suffix}": (20,), f"bias_hh_l{layer}{suffix}": (20,)})
    got = {k: tuple(v.shape) for k, v in nn.LSTM(3, 5, 2, bidirectional=True).state_dict().items()}
    assert list(got.items()) == list(expected.items())  # the order too
    assert {k: tuple(v.shape) for k, v in nn.GRUCell(3, 4).state_dict().items()} == {
        "weight_ih": (12, 3), "weight_hh": (12, 4), "bias_ih": (12,), "bias_hh": (12,)}
    assert {k: tuple(v.shape) for k, v in nn.RNN(3, 4, bias=False).state_dict().items()} == {
        "weight_ih_l0": (4, 3), "weight_hh_l0": (4, 4)}
    assert [k for k, _ in nn.GRU(2, 3).named_parameters()] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                                                               "bias_hh_l0"]
    assert tuple(nn.LSTMCell(2, 3).weight_hh.shape) == (12, 3) and nn.RNNCell(2, 3, bias=False).bias_ih is None


def test_weights_start_uniform_within_one_over_root_hidden_size():
    module = nn.LSTM(10, 16, num_layers=2, rng=np.random.default_rng(4))
    values = np.concatenate([p.numpy().ravel() for p in module.parameters()])
    assert np.abs(values).max() <= 1 / math.sqrt(16) and np.abs(values).max() > 0.9 / math.sqrt(16)
    assert abs(values.mean()) < 0.01 and module.weight_ih_l0.dtype == np.float32
    minigan.manual_seed(5)
    first = nn.GRUCell(3, 4).weight_ih.numpy()
    minigan.manual_seed(5)
    np.testing.assert_array_equal(nn.GRUCell(3, 4).weight_ih.numpy(), first)


def test_reprs_are_pytorchs():
    assert repr(nn.LSTM(3, 5, 2, bidirectional=True)) == "LSTM(3, 5, num_layers=2, bidirectional=True)"
    assert repr(nn.RNN(3, 4, nonlinearity="relu", batch_first=True, dropout=0.5, num_layers=2)) == (
        "RNN(3, 4, num_layers=2, nonlinearity=relu, batch_first=True, dropout=0.5)")
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu", bias=False)) == "RNNCell(3, 4, bias=False, nonlinearity=relu)"
    assert repr(nn.GRUCell(3, 4)) == "GRUCell(3, 4)"


def test_the_names_are_no_longer_listed_as_unsupported():
    for name in ("RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"):
        assert hasattr(nn, name)
    with pytest.raises(NotImplementedError, match=r"^torch\.nn\.LinearCrossEntropyOptions is not supported by minigan"):
        nn.LinearCrossEntropyOptions


# ------------------------------------------------------------------------------ gradients
@pytest.mark.parametrize("name", ["nn.RNN(2 layers, bidir)", "nn.RNN(relu, batch_first)", "nn.LSTM(2 layers, bidir)",
                                  "nn.GRU(2 layers, bidir)", "nn.RNNCell", "nn.LSTMCell", "nn.GRUCell"])
def test_gradients_match_finite_differences(name):
    """First order through input, h_0 (and c_0) and every weight; second order through the inputs."""
    rows = list(case_rows(find_case(name)))
    assert rows and all(result.ok for _, _, _, result in rows), [r.message for *_, r in rows if not r.ok]
    assert {label for label, *_ in rows} == {"direction", "gradgrad"}


def test_backward_reaches_every_weight():
    module = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    output, (h_n, c_n) = module(minigan.randn(2, 5, 3))
    (output.sum() + c_n.sum()).backward()
    assert all(p.grad is not None and np.abs(p.grad.numpy()).sum() > 0 for p in module.parameters())


# ------------------------------------------------------------------------------ bad input: one line
@pytest.mark.parametrize("make, args, error, message", [
    (lambda: nn.LSTM(3, 5, 2), (minigan.zeros(2, 4, 3, 1),), ValueError,
     r"^LSTM: Expected input to be 2D or 3D, got 4D instead$"),
    (lambda: nn.GRU(3, 5), (minigan.zeros(2, 4, 4),), RuntimeError,
     r"^input\.size\(-1\) must be equal to input_size\. Expected 3, got 4$"),
    (lambda: nn.LSTM(3, 5, 2), (minigan.zeros(2, 4, 3), (minigan.zeros(1, 4, 5), minigan.zeros(2, 4, 5))),
     RuntimeError, r"^Expected hidden\[0\] size \(2, 4, 5\), got \[1, 4, 5\]$"),
    (lambda: nn.LSTM(3, 5, 2), (minigan.zeros(2, 4, 3), (minigan.zeros(2, 4, 5), minigan.zeros(2, 3, 5))),
     RuntimeError, r"^Expected hidden\[1\] size \(2, 4, 5\), got \[2, 3, 5\]$"),
    (lambda: nn.LSTM(3, 5), (minigan.zeros(2, 3), (minigan.zeros(1, 1, 5), minigan.zeros(1, 1, 5))),
     RuntimeError, r"^For unbatched 2-D input, hx and cx should also be 2-D but got \(3-D, 3-D\) tensors$"),
    (lambda: nn.LSTM(3, 5), (minigan.zeros(2, 4, 3), minigan.zeros(1, 4, 5)), TypeError,
     r"^LSTM: hx must be a tuple \(h_0, c_0\), got Tensor$"),
    (lambda: nn.GRU(3, 5), (minigan.zeros(2, 4, 3), minigan.zeros(1, 3, 5)), RuntimeError,
     r"^Expected hidden size \(1, 4, 5\), got \[1, 3, 5\]$"),
    (lambda: nn.RNN(3, 5), (minigan.zeros(2, 4, 3), minigan.zeros(4, 5)), RuntimeError,
     r"^For batched 3-D input, hx should also be 3-D but got 2-D tensor$"),
    (lambda: nn.RNN(3, 5), (minigan.zeros(2, 3), minigan.zeros(1, 1, 5)), RuntimeError,
     r"^For unbatched 2-D input, hx should also be 2-D but got 3-D tensor$"),
    (lambda: nn.RNN(3, 5), (np.zeros((2, 4, 3)),), TypeError, r"^RNN: expected a Tensor input, got ndarray"),
    (lambda: nn.LSTMCell(3, 4), (minigan.zeros(2, 2, 3),), ValueError,
     r"^LSTMCell: Expected input to be 1D or 2D, got 3D instead$"),
    (lambda: nn.LSTMCell(3, 4), (minigan.zeros(2, 4),), RuntimeError,
     r"^input has inconsistent input_size: got 4 expected 3$"),
    (lambda: nn.LSTMCell(3, 4), (minigan.zeros(2, 3), (minigan.zeros(3, 4), minigan.zeros(3, 4))), RuntimeError,
     r"^Input batch size 2 doesn't match hidden0 batch size 3$"),
    (lambda: nn.GRUCell(3, 4), (minigan.zeros(2, 3), minigan.zeros(2, 5)), RuntimeError,
     r"^hidden0 has inconsistent hidden_size: got 5, expected 4$"),
    (lambda: nn.RNNCell(3, 4), (minigan.zeros(3), minigan.zeros(2, 4)), RuntimeError,
     r"^RNNCell: for 1-D input, hidden0 should be 1-D, got shape \(2, 4\)$"),
    # PyTorch 2.14.1's kinds and lines for a state of rank 3 and an LSTM state of three tensors
    (lambda: nn.GRUCell(3, 4), (minigan.zeros(2, 3), minigan.zeros(1, 2, 4)), ValueError,
     r"^GRUCell: Expected hidden to be 1D or 2D, got 3D instead$"),
    (lambda: nn.LSTMCell(3, 4), (minigan.zeros(2, 3), (minigan.zeros(2, 4), minigan.zeros(1, 2, 4))), ValueError,
     r"^LSTMCell: Expected hx\[1\] to be 1D or 2D, got 3D instead$"),
    (lambda: nn.LSTMCell(3, 4), (minigan.zeros(2, 3), (minigan.zeros(2, 4),) * 3), RuntimeError,
     r"^LSTMCell: lstm_cell expects two hidden states, got 3$"),
])
def test_bad_input_raises_one_line(make, args, error, message):
    module = make()
    with pytest.raises(error, match=message) as info:
        module(*args)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("make, error, message", [
    (lambda: nn.RNN(3, 4, nonlinearity="sigmoid"), ValueError,
     r"^RNN: Unknown nonlinearity 'sigmoid'\. Select from 'tanh' or 'relu'\.$"),
    (lambda: nn.RNNCell(3, 4, nonlinearity="gelu"), ValueError, r"^RNNCell: Unknown nonlinearity 'gelu'"),
    (lambda: nn.GRU(3, 4, dropout=2), ValueError, r"^dropout should be a number in range \[0, 1\]"),
    (lambda: nn.RNN(3, 0), ValueError, r"^hidden_size must be greater than zero$"),
    (lambda: nn.LSTMCell(3, 2.5), TypeError, r"^LSTMCell: hidden_size should be of type int, got: float$"),
    (lambda: nn.RNN(3, 4, num_layers=0), ValueError, r"^num_layers must be greater than zero$"),
])
def test_bad_arguments_raise_one_line(make, error, message):
    with pytest.raises(error, match=message):
        make()
