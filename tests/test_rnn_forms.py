"""The torch.* functional forms of the recurrent layers (minigan/nn_forms/recurrent_forms.py):
``lstm_cell``, ``gru_cell``, ``rnn_tanh_cell``, ``rnn_relu_cell`` against their gate equations written
out here in float64 NumPy, and against nn.LSTMCell / GRUCell / RNNCell holding the same weights;
``lstm``, ``gru``, ``rnn_tanh``, ``rnn_relu`` (padded and packed argument lists) against nn.LSTM /
GRU / RNN called with their own parameters as ``params``, and one small case against a NumPy loop;
the shape of every result, PyTorch 2.14.1's error messages (as checked against it), and float64
gradcheck through a cell and a layer form."""
from __future__ import annotations

import re

import numpy as np
import pytest

import minigan
import minigan.nn as nn
from minigan.gradcheck import gradcheck, gradgradcheck
from minigan.nn.utils.rnn import PackedSequence

RNG = np.random.default_rng(2026)


def sigmoid(v: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-v))


def cell_by_hand(mode: str, x: np.ndarray, h: np.ndarray, c: np.ndarray | None, w_ih: np.ndarray,
                 w_hh: np.ndarray, b_ih: np.ndarray | None, b_hh: np.ndarray | None) -> tuple:
    """One step for a batch: x (N, in), h and c (N, H); (h', c') with c' None but for an LSTM."""
    hidden = h.shape[1]
    a = x @ w_ih.T + (0.0 if b_ih is None else b_ih)
    b = h @ w_hh.T + (0.0 if b_hh is None else b_hh)
    block = lambda v, k: v[:, k * hidden:(k + 1) * hidden]  # noqa: E731 - gate k's columns
    if mode == "RNN_TANH":
        return np.tanh(a + b), None
    if mode == "RNN_RELU":
        return np.maximum(a + b, 0.0), None
    if mode == "LSTM":
        i, f = sigmoid(block(a, 0) + block(b, 0)), sigmoid(block(a, 1) + block(b, 1))
        g, o = np.tanh(block(a, 2) + block(b, 2)), sigmoid(block(a, 3) + block(b, 3))
        c_next = f * c + i * g
        return o * np.tanh(c_next), c_next
    r, z = sigmoid(block(a, 0) + block(b, 0)), sigmoid(block(a, 1) + block(b, 1))
    n = np.tanh(block(a, 2) + r * block(b, 2))
    return (1.0 - z) * n + z * h, None


def T(a: np.ndarray, grad: bool = False) -> minigan.Tensor:
    return minigan.tensor(a, requires_grad=grad)


GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
CELLS = {"LSTM": minigan.lstm_cell, "GRU": minigan.gru_cell, "RNN_TANH": minigan.rnn_tanh_cell,
         "RNN_RELU": minigan.rnn_relu_cell}


# ------------------------------------------------------------------------------ the cells
@pytest.mark.parametrize("mode", list(GATES))
@pytest.mark.parametrize("biases", ["both", "none", "ih", "hh"])
def test_a_cell_is_its_gate_equations(mode: str, biases: str) -> None:
    n, inp, hid = 3, 4, 5
    rows = GATES[mode] * hid
    x, h, c = RNG.standard_normal((n, inp)), RNG.standard_normal((n, hid)), RNG.standard_normal((n, hid))
    w_ih, w_hh = RNG.standard_normal((rows, inp)), RNG.standard_normal((rows, hid))
    b_ih = RNG.standard_normal(rows) if biases in ("both", "ih") else None
    b_hh = RNG.standard_normal(rows) if biases in ("both", "hh") else None
    hx = (T(h), T(c)) if mode == "LSTM" else T(h)
    got = CELLS[mode](T(x), hx, T(w_ih), T(w_hh), None if b_ih is None else T(b_ih), None if b_hh is None else T(b_hh))
    h_want, c_want = cell_by_hand(mode, x, h, c, w_ih, w_hh, b_ih, b_hh)
    if mode == "LSTM":
        assert isinstance(got, tuple) and len(got) == 2
        np.testing.assert_allclose(got[0].numpy(), h_want, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(got[1].numpy(), c_want, rtol=1e-12, atol=1e-13)
        assert all(t.shape == (n, hid) and t.dtype == minigan.float64 for t in got)
    else:
        np.testing.assert_allclose(got.numpy(), h_want, rtol=1e-12, atol=1e-13)
        assert got.shape == (n, hid) and got.dtype == minigan.float64


@pytest.mark.parametrize("mode", list(GATES))
def test_a_cell_is_the_cell_module_with_its_weights_and_gradients(mode: str) -> None:
    module = {"LSTM": lambda: nn.LSTMCell(3, 4), "GRU": lambda: nn.GRUCell(3, 4),
              "RNN_TANH": lambda: nn.RNNCell(3, 4), "RNN_RELU": lambda: nn.RNNCell(3, 4, nonlinearity="relu")}[mode]()
    x = T(RNG.standard_normal((2, 3)).astype(np.float32))
    h, c = (T(RNG.standard_normal((2, 4)).astype(np.float32)) for _ in range(2))
    hx = (h, c) if mode == "LSTM" else h
    weights = [module.weight_ih, module.weight_hh, module.bias_ih, module.bias_hh]
    upstream = [RNG.standard_normal((2, 4)).astype(np.float32) for _ in range(2)]

    def grads(out: object) -> list[np.ndarray]:
        outs = out if isinstance(out, tuple) else (out,)
        for w in weights:
            w.grad = None
        sum((o * T(u)).sum() for o, u in zip(outs, upstream)).backward()
        return [o.numpy() for o in outs] + [w.grad.numpy() for w in weights]

    want, got = grads(module(x, hx)), grads(CELLS[mode](x, hx, *weights))
    assert got[0].dtype == np.float32
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_the_cells_take_keywords_and_a_list_for_hx() -> None:
    x, h, c = (T(RNG.standard_normal((2, 3))) for _ in range(3))
    w_ih, w_hh = T(RNG.standard_normal((12, 3))), T(RNG.standard_normal((12, 3)))
    by_keyword = minigan.lstm_cell(input=x, hx=[h, c], w_ih=w_ih, w_hh=w_hh, b_ih=None, b_hh=None)
    by_position = minigan.lstm_cell(x, (h, c), w_ih, w_hh)
    for a, b in zip(by_keyword, by_position):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_an_lstm_cell_promotes_a_float64_c_as_pytorch() -> None:
    x, h = (T(RNG.standard_normal((2, 3)).astype(np.float32)) for _ in range(2))
    c = RNG.standard_normal((2, 3))
    w_ih, w_hh = (RNG.standard_normal((12, 3)).astype(np.float32) for _ in range(2))
    hy, cy = minigan.lstm_cell(x, (h, T(c)), T(w_ih), T(w_hh))
    assert hy.dtype == minigan.float64 and cy.dtype == minigan.float64
    _, c_want = cell_by_hand("LSTM", x.numpy().astype(np.float64), h.numpy().astype(np.float64), c,
                             w_ih.astype(np.float64), w_hh.astype(np.float64), None, None)
    np.testing.assert_allclose(cy.numpy(), c_want, rtol=1e-6, atol=1e-6)


def test_gradcheck_through_the_cells() -> None:
    x, h, c = (T(RNG.standard_normal((2, 3)), True) for _ in range(3))
    w_ih, w_hh, b_ih, b_hh = (T(RNG.standard_normal(s), True) for s in [(12, 3), (12, 3), (12,), (12,)])
    assert gradcheck(lambda *a: minigan.cat(list(minigan.lstm_cell(a[0], (a[1], a[2]), *a[3:])), 1),
                     [x, h, c, w_ih, w_hh, b_ih, b_hh]).ok
    g_ih, g_hh, g_b = (T(RNG.standard_normal(s), True) for s in [(9, 3), (9, 3), (9,)])
    assert gradcheck(lambda *a: minigan.gru_cell(*a, None), [x, h, g_ih, g_hh, g_b]).ok  # b_hh None
    r_ih, r_hh = T(RNG.standard_normal((3, 3)), True), T(RNG.standard_normal((3, 3)), True)
    assert gradcheck(lambda *a: minigan.rnn_relu_cell(*a), [x, h, r_ih, r_hh]).ok


def test_second_derivatives_through_a_cell_and_a_layer_form() -> None:
    x, h, c = (T(RNG.standard_normal((2, 2)), True) for _ in range(3))
    w_ih, w_hh, b_hh = (T(RNG.standard_normal(s), True) for s in [(8, 2), (8, 2), (8,)])
    assert gradgradcheck(lambda *a: minigan.cat(list(minigan.lstm_cell(a[0], (a[1], a[2]), a[3], a[4], None, a[5])), 1),
                         [x, h, c, w_ih, w_hh, b_hh]).ok
    g_ih, g_hh = T(RNG.standard_normal((6, 2)), True), T(RNG.standard_normal((6, 2)), True)
    assert gradgradcheck(lambda x, h, w1, w2: minigan.gru(x, h, [w1, w2], False, 1, 0.0, False, False, False)[0],
                         [T(RNG.standard_normal((3, 1, 2)), True), T(RNG.standard_normal((1, 1, 2)), True),
                          g_ih, g_hh]).ok


# ------------------------------------------------------------------------------ the layer forms
LAYERS = {"LSTM": (nn.LSTM, {}, minigan.lstm), "GRU": (nn.GRU, {}, minigan.gru),
          "RNN_TANH": (nn.RNN, {}, minigan.rnn_tanh), "RNN_RELU": (nn.RNN, {"nonlinearity": "relu"}, minigan.rnn_relu)}


def _layer(mode: str, **options: object) -> tuple[nn.Module, list[minigan.Tensor]]:
    cls, extra, _ = LAYERS[mode]
    module = cls(3, 4, dtype=np.float64, **extra, **options)
    return module, [getattr(module, name) for name in module._flat_weights_names]


def _state(mode: str, count: int, batch: int, width: int = 4, hidden: int = 4) -> tuple:
    h = T(RNG.standard_normal((count, batch, width)), True)
    return (h, T(RNG.standard_normal((count, batch, hidden)), True)) if mode == "LSTM" else h


@pytest.mark.parametrize("mode", list(LAYERS))
@pytest.mark.parametrize("layers, bidirectional, bias, batch_first",
                         [(1, False, True, False), (2, True, True, False), (2, False, False, True),
                          (1, True, False, True)])
def test_a_layer_form_is_the_module_with_its_weights(mode: str, layers: int, bidirectional: bool, bias: bool,
                                                     batch_first: bool) -> None:
    module, params = _layer(mode, num_layers=layers, bidirectional=bidirectional, bias=bias, batch_first=batch_first)
    count = layers * (2 if bidirectional else 1)
    x = T(RNG.standard_normal((2, 5, 3) if batch_first else (5, 2, 3)), True)
    hx = _state(mode, count, 2)
    form = LAYERS[mode][2](x, hx, params, bias, layers, 0.0, False, bidirectional, batch_first)
    output, finals = module(x, hx)
    finals = finals if mode == "LSTM" else (finals,)
    assert len(form) == 1 + len(finals)
    for a, b in zip(form, (output,) + tuple(finals)):
        assert a.shape == b.shape
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-13)
    assert form[0].shape == ((2, 5) if batch_first else (5, 2)) + (4 * (2 if bidirectional else 1),)
    assert all(t.shape == (count, 2, 4) for t in form[1:])
    # the gradients reach the very parameters passed in
    upstream = [RNG.standard_normal(tuple(t.shape)) for t in form]
    sum((t * T(u)).sum() for t, u in zip(form, upstream)).backward()
    grads = [p.grad.numpy().copy() for p in params]
    for p in params:
        p.grad = None
    sum((t * T(u)).sum() for t, u in zip((output,) + tuple(finals), upstream)).backward()
    for g, p in zip(grads, params):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("mode", list(LAYERS))
def test_the_packed_form_is_the_module_on_a_packed_sequence(mode: str) -> None:
    module, params = _layer(mode, num_layers=2, bidirectional=True)
    sizes = [4, 3, 3, 1]
    data = T(RNG.standard_normal((sum(sizes), 3)))
    batch_sizes = minigan.tensor(np.array(sizes, dtype=np.int64))
    hx = _state(mode, 4, 4)
    form = LAYERS[mode][2](data, batch_sizes, hx, params, True, 2, 0.0, False, True)
    packed, finals = module(PackedSequence(data, batch_sizes), hx)
    finals = finals if mode == "LSTM" else (finals,)
    assert form[0].shape == (11, 8) and all(t.shape == (4, 4, 4) for t in form[1:])
    for a, b in zip(form, (packed.data,) + tuple(finals)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-13)
    by_keyword = LAYERS[mode][2](data=data, batch_sizes=batch_sizes, hx=hx, params=params, has_biases=True,
                                 num_layers=2, dropout=0.0, train=False, bidirectional=True)
    np.testing.assert_array_equal(by_keyword[0].numpy(), form[0].numpy())


def test_an_lstm_form_with_projections_is_the_module() -> None:
    module, params = _layer("LSTM", proj_size=2, num_layers=2)
    assert len(params) == 10  # w_ih, w_hh, b_ih, b_hh, w_hr per layer
    x, hx = T(RNG.standard_normal((5, 2, 3))), _state("LSTM", 2, 2, width=2, hidden=4)
    output, h_n, c_n = minigan.lstm(x, hx, params, True, 2, 0.0, False, False, False)
    want, (h_want, c_want) = module(x, hx)
    assert output.shape == (5, 2, 2) and h_n.shape == (2, 2, 2) and c_n.shape == (2, 2, 4)
    for a, b in ((output, want), (h_n, h_want), (c_n, c_want)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-13)


def test_a_two_layer_bidirectional_lstm_is_a_numpy_loop() -> None:
    length, batch, inp, hid = 3, 2, 2, 3
    x = RNG.standard_normal((length, batch, inp))
    h0, c0 = RNG.standard_normal((4, batch, hid)), RNG.standard_normal((4, batch, hid))
    weights = []
    for k in range(4):
        layer_in = inp if k < 2 else 2 * hid
        weights.append([RNG.standard_normal(s) for s in [(4 * hid, layer_in), (4 * hid, hid), (4 * hid,), (4 * hid,)]])
    layer_input, h_n, c_n = x, [], []
    for layer in range(2):
        outputs = []
        for direction in range(2):
            k = 2 * layer + direction
            h, c, steps = h0[k], c0[k], [None] * length
            for t in (range(length - 1, -1, -1) if direction else range(length)):
                h, c = cell_by_hand("LSTM", layer_input[t], h, c, *weights[k])
                steps[t] = h
            outputs.append(np.stack(steps))
            h_n.append(h)
            c_n.append(c)
        layer_input = np.concatenate(outputs, axis=2)
    params = [T(w) for group in weights for w in group]
    output, h_got, c_got = minigan.lstm(T(x), (T(h0), T(c0)), params, True, 2, 0.0, False, True, False)
    np.testing.assert_allclose(output.numpy(), layer_input, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(h_got.numpy(), np.stack(h_n), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(c_got.numpy(), np.stack(c_n), rtol=1e-12, atol=1e-13)


def test_a_packed_gru_is_a_numpy_loop_each_sequence_ending_at_its_own_last_step() -> None:
    sizes, inp, hid = [2, 2, 1], 2, 3
    data, h0 = RNG.standard_normal((5, inp)), RNG.standard_normal((1, 2, hid))
    w = [RNG.standard_normal(s) for s in [(3 * hid, inp), (3 * hid, hid), (3 * hid,), (3 * hid,)]]
    rows = {0: [0, 2, 4], 1: [1, 3]}  # sequence 0 runs three steps, sequence 1 two
    output, h_n = np.zeros((5, hid)), np.zeros((2, hid))
    for seq, where in rows.items():
        h = h0[0, seq:seq + 1]
        for r in where:
            h, _ = cell_by_hand("GRU", data[r:r + 1], h, None, *w)
            output[r] = h[0]
        h_n[seq] = h[0]
    got, h_got = minigan.gru(T(data), minigan.tensor(np.array(sizes)), T(h0), [T(a) for a in w], True, 1, 0.0,
                             False, False)
    np.testing.assert_allclose(got.numpy(), output, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(h_got.numpy()[0], h_n, rtol=1e-12, atol=1e-13)


def test_dropout_between_layers_only_in_training() -> None:
    module, params = _layer("GRU", num_layers=2)
    x, hx = T(RNG.standard_normal((4, 2, 3))), _state("GRU", 2, 2)
    evaluated = minigan.gru(x, hx, params, True, 2, 1.0, False, False, False)
    np.testing.assert_array_equal(evaluated[0].numpy(), module(x, hx)[0].numpy())
    # p = 1 in training zeroes the second layer's input: its output is the second layer run on zeros
    dropped, h_n = minigan.gru(x, hx, params, True, 2, 1.0, True, False, False)
    on_zeros, _ = minigan.gru(minigan.zeros(4, 2, 4, dtype=minigan.float64), hx[1:], params[4:], True, 1, 0.0, False,
                              False, False)
    np.testing.assert_allclose(dropped.numpy(), on_zeros.numpy(), rtol=1e-12, atol=1e-13)
    np.testing.assert_array_equal(h_n.numpy()[0], evaluated[1].numpy()[0])


def test_gradcheck_through_a_layer_form() -> None:
    x = T(RNG.standard_normal((3, 2, 2)), True)
    h0, c0 = T(RNG.standard_normal((2, 2, 2)), True), T(RNG.standard_normal((2, 2, 2)), True)
    params = [T(RNG.standard_normal(s), True) for _ in range(2) for s in [(8, 2), (8, 2), (8,), (8,)]]

    def run(x: minigan.Tensor, h0: minigan.Tensor, c0: minigan.Tensor, *params: minigan.Tensor) -> minigan.Tensor:
        output, h_n, c_n = minigan.lstm(x, (h0, c0), list(params), True, 1, 0.0, False, True, False)
        return minigan.cat([output.reshape(-1), h_n.reshape(-1), c_n.reshape(-1)])

    assert gradcheck(run, [x, h0, c0, *params]).ok
    g_params = [T(RNG.standard_normal(s), True) for s in [(3, 2), (3, 3)]]
    sizes = minigan.tensor(np.array([2, 1]))
    assert gradcheck(lambda d, h, w1, w2: minigan.rnn_tanh(d, sizes, h, [w1, w2], False, 1, 0.0, False, False)[0],
                     [T(RNG.standard_normal((3, 2)), True), T(RNG.standard_normal((1, 2, 3)), True), *g_params]).ok


# ------------------------------------------------------------------------------ errors, as PyTorch 2.14.1's
def _errors() -> list:
    f = lambda *s: minigan.zeros(*s)  # noqa: E731
    x, h, c, w_ih, w_hh = f(4, 2), f(4, 3), f(4, 3), f(12, 2), f(12, 3)
    g_ih, g_hh = f(9, 2), f(9, 3)
    lstm_params = [f(12, 2), f(12, 3), f(12), f(12), f(12, 6), f(12, 3), f(12), f(12)]
    gru_params = [f(9, 2), f(9, 3), f(9), f(9), f(9, 3), f(9, 3), f(9), f(9)]
    xs, hs = f(5, 4, 2), f(2, 4, 3)
    return [
        (lambda: minigan.lstm_cell(x[0], (h[0], c[0]), w_ih, w_hh), IndexError,
         r"Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
        (lambda: minigan.lstm_cell(minigan.tensor(1.0), (h, c), w_ih, w_hh), IndexError,
         "Dimension specified as 1 but tensor has no dimensions"),
        (lambda: minigan.lstm_cell(x, h, w_ih, w_hh), TypeError,
         "lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not Tensor"),
        (lambda: minigan.lstm_cell(x, None, w_ih, w_hh), TypeError,
         "lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not NoneType"),
        (lambda: minigan.lstm_cell(x, (h, 1), w_ih, w_hh), TypeError,
         "expected Tensor as element 1 in argument 1, but got int"),
        (lambda: minigan.lstm_cell(x, (h,), w_ih, w_hh), RuntimeError, "lstm_cell expects two hidden states"),
        (lambda: minigan.lstm_cell([1.0, 2.0], (h, c), w_ih, w_hh), TypeError,
         "lstm_cell(): argument 'input' (position 1) must be Tensor, not list"),
        (lambda: minigan.lstm_cell(f(4, 3), (h, c), w_ih, w_hh), RuntimeError,
         "input has inconsistent input_size: got 3 expected 2"),
        (lambda: minigan.lstm_cell(x, (h, f(5, 3)), w_ih, w_hh), RuntimeError,
         "Input batch size 4 doesn't match hidden1 batch size 5"),
        (lambda: minigan.lstm_cell(x, (f(4, 4), c), w_ih, w_hh), RuntimeError,
         "hidden0 has inconsistent hidden_size: got 4, expected 3"),
        (lambda: minigan.lstm_cell(x, (h, c), w_ih, f(12, 4)), RuntimeError,
         "weight_ih first dim must be 4 * hidden_size = 16, but got 12"),
        (lambda: minigan.lstm_cell(x, (f(5, 3), c), f(15, 2), w_hh), RuntimeError,
         "weight_ih first dim must be 4 * hidden_size = 12, but got 15"),
        (lambda: minigan.lstm_cell(x, (h, c), w_ih, f(13, 3)), RuntimeError,
         "weight_hh first dim must be 4 * hidden_size = 12, but got 13"),
        (lambda: minigan.lstm_cell(x, (h, c), w_ih, w_hh, f(13)), RuntimeError,
         "The expanded size of the tensor (12) must match the existing size (13) at non-singleton dimension 1.  "
         "Target sizes: [4, 12].  Tensor sizes: [13]"),
        (lambda: minigan.lstm_cell(x, (h, c), w_ih, w_hh, None, 3), TypeError,
         "lstm_cell(): argument 'b_hh' (position 6) must be Tensor, not int"),
        (lambda: minigan.lstm_cell(x.double(), (h, c), w_ih, w_hh), RuntimeError,
         "expected m1 and m2 to have the same dtype, but got: double != float"),
        (lambda: minigan.gru_cell(x.long(), h, g_ih, g_hh), RuntimeError,
         "expected m1 and m2 to have the same dtype, but got: long int != float"),
        (lambda: minigan.gru_cell(x, None, g_ih, g_hh), TypeError,
         "gru_cell(): argument 'hx' (position 2) must be Tensor, not NoneType"),
        (lambda: minigan.gru_cell(x, h, w_ih, w_hh), RuntimeError,
         "weight_ih first dim must be 3 * hidden_size = 9, but got 12"),
        (lambda: minigan.rnn_tanh_cell(x, f(5, 3), f(3, 2), f(3, 3)), RuntimeError,
         "Input batch size 4 doesn't match hidden0 batch size 5"),
        (lambda: minigan.rnn_relu_cell(x, f(4, 4), f(3, 2), f(3, 3)), RuntimeError,
         "hidden0 has inconsistent hidden_size: got 4, expected 3"),
        # the layer forms
        (lambda: minigan.gru(xs, hs, gru_params[:4] * 2, True, 2, 0.0, False, False, batch_first=1), TypeError,
         "gru() received an invalid combination of arguments - got (Tensor, Tensor, list, bool, int, float, bool, "
         "bool, batch_first=int), but expected one of:\n * (Tensor data, Tensor batch_sizes, Tensor hx, tuple of "
         "Tensors params, bool has_biases, int num_layers, float dropout, bool train, bool bidirectional)\n * "
         "(Tensor input, Tensor hx, tuple of Tensors params, bool has_biases, int num_layers, float dropout, bool "
         "train, bool bidirectional, bool batch_first)\n"),
        (lambda: minigan.lstm(xs, None, lstm_params, True, 1, 0.0, False, True, False), TypeError,
         "lstm() received an invalid combination of arguments - got (Tensor, NoneType, list, bool, int, float, bool, "
         "bool, bool), but expected one of:"),
        (lambda: minigan.rnn_tanh(xs, hs, [f(3, 2), f(3, 3)], 1, 1, 0.0, False, False, False), TypeError,
         "rnn_tanh() received an invalid combination of arguments - got (Tensor, Tensor, list, int, int, float, "),
        (lambda: minigan.gru(xs, hs, [1, 2], True, 2, 0.0, False, False, False), TypeError,
         "expected Tensor as element 0 in argument 2, but got int"),
        (lambda: minigan.lstm(xs, (hs,), lstm_params, True, 1, 0.0, False, True, False), RuntimeError,
         "lstm expects two hidden states"),
        (lambda: minigan.gru(xs, hs, gru_params[:7], True, 2, 0.0, False, False, False), RuntimeError,
         "got an incorrect number of RNN parameters"),
        (lambda: minigan.gru(xs, f(3, 4, 3), gru_params[:4] * 2, True, 2, 0.0, False, False, False), RuntimeError,
         "Expected more hidden states in stacked_rnn"),
        (lambda: minigan.gru(xs, f(1, 4, 3), gru_params, True, 1, 0.0, False, True, False), RuntimeError,
         "Odd number of params or hiddens given to a bidirectional RNN"),
        (lambda: minigan.gru(xs, f(1, 4, 4), gru_params[:4], True, 1, 0.0, False, False, False), RuntimeError,
         "mat1 and mat2 shapes cannot be multiplied (4x4 and 3x9)"),
        (lambda: minigan.gru(f(5, 4, 3), f(1, 4, 3), gru_params[:4], True, 1, 0.0, False, False, False), RuntimeError,
         "mat1 and mat2 shapes cannot be multiplied (20x3 and 2x9)"),
        (lambda: minigan.gru(xs, f(1, 4, 3), gru_params[:4], True, 1, 1.5, True, False, False), RuntimeError,
         "dropout probability has to be between 0 and 1, but got 1.5"),
        (lambda: minigan.gru(f(0, 4, 2), f(1, 4, 3), gru_params[:4], True, 1, 0.0, False, False, False),
         RuntimeError, "Expected sequence length to be larger than 0 in RNN"),
        (lambda: minigan.rnn_tanh(xs.double(), f(1, 4, 3).double(), [f(3, 2), f(3, 3)], False, 1, 0.0, False, False,
                                  False), RuntimeError,
         "mat1 and mat2 must have the same dtype, but got Double and Float"),
        (lambda: minigan.gru(f(9, 2), minigan.tensor(np.array([3.0, 2, 2, 1, 1], dtype=np.float32)), f(1, 3, 3),
                             gru_params[:4], True, 1, 0.0, False, False), RuntimeError,
         "expected scalar type Long but found Float"),
        # minigan's own lines where PyTorch's checks are internal or missing
        (lambda: minigan.gru(f(9, 2), minigan.tensor(np.array([3, 2, 2])), f(1, 3, 3), gru_params[:4], True, 1,
                             0.0, False, False), RuntimeError,
         "batch_sizes must be a non-empty 1-D tensor of positive, non-increasing sizes that sum to data's 9 rows, "
         "got [3, 2, 2]"),
        (lambda: minigan.gru(f(5, 4, 2, 1), f(1, 4, 3), gru_params[:4], True, 1, 0.0, False, False, False),
         RuntimeError, "input must have 3 dimensions, got 4"),
        (lambda: minigan.lstm(xs, (f(1, 4, 3), f(1, 4, 3)), lstm_params[:2] + [f(12, 3)] * 2, False, 2, 0.0,
                              False, False, False), RuntimeError, "Expected more hidden states in stacked_rnn"),
        (lambda: minigan.lstm(xs, (f(2, 4, 3), f(2, 4, 3)), lstm_params[:2] + [f(12, 4), f(12, 3)], False, 2, 0.0,
                              False, False, False), RuntimeError,
         "the w_ih of layer 1 must be [12, 3] for 4 gates of hidden size 3, got [12, 4]"),
        (lambda: minigan.lstm(xs, (f(1, 4, 3), f(1, 4, 2)), lstm_params[:4], True, 1, 0.0, False, False, False),
         RuntimeError, r"Expected hidden[1] size [1, 4, 3], got [1, 4, 2]"),
        (lambda: minigan.rnn_relu(xs.long(), f(1, 4, 3).long(), [f(3, 2).long(), f(3, 3).long()], False, 1, 0.0,
                                  False, False, False), RuntimeError,
         "the recurrent forms take floating-point tensors, got Long"),
    ]


@pytest.mark.parametrize("number", range(len(_errors())))
def test_errors_are_pytorchs_lines(number: int) -> None:
    call, kind, message = _errors()[number]
    with pytest.raises(kind, match="^" + re.escape(message)):
        call()
