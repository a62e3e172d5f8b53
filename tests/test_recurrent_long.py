"""Long sequences through the recurrent layers, and the op that keeps their backward linear in the
sequence length: ``ops.parts`` / ``ops.unbind`` (minigan/ops/parts.py), whose backward joins the
parts' gradients once. Checked against NumPy written out here: the parts' gradients, including
unused parts, second derivatives and repeated backward passes; an LSTM over 300 steps against
backpropagation through time written out in NumPy; RNN and GRU layers over 300 steps against
their cells stepped by hand; and the graph of a layer holding no per-step slice of the sequence."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
import minigan.nn as nn
from minigan import ops
from minigan.autograd import Tensor
from minigan.gradcheck.coverage import recorded_contexts


def leaf(a: np.ndarray) -> Tensor:
    return Tensor(a, requires_grad=True)


# ------------------------------------------------------------------------------ the op
def test_unbind_values_and_gradient_with_unused_slices():
    a = np.random.default_rng(0).standard_normal((4, 3, 2))
    x = leaf(a)
    slices = ops.unbind(x, 1)
    assert len(slices) == 3 and all(s.shape == (4, 2) for s in slices)
    for k, s in enumerate(slices):
        np.testing.assert_array_equal(s.numpy(), a[:, k])
    (slices[0] * slices[0] * 3.0 + slices[2]).sum().backward()
    expected = np.zeros_like(a)
    expected[:, 0] = 6.0 * a[:, 0]
    expected[:, 2] = 1.0  # slice 1 got no gradient: zeros there
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-15)


def test_parts_of_sizes_along_the_last_axis():
    a = np.random.default_rng(1).standard_normal((2, 7))
    x = leaf(a)
    first, middle, last = ops.parts(x, [2, 0, 5], axis=-1)
    assert (first.shape, middle.shape, last.shape) == ((2, 2), (2, 0), (2, 5))
    np.testing.assert_array_equal(last.numpy(), a[:, 2:])
    (first.sum() * 2.0 + (last * last).sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), np.concatenate([np.full((2, 2), 2.0), 2.0 * a[:, 2:]], axis=1))


def test_a_second_backward_and_a_second_derivative():
    """The split forgets the gradients it joined: a retained graph's second pass gives the same
    gradient again (added into .grad), and a recorded backward differentiates through the join."""
    a = np.random.default_rng(2).standard_normal((3, 4))
    x = leaf(a)
    rows = ops.unbind(x)
    loss = (rows[0] * rows[0] * rows[0]).sum() + (rows[1] * rows[2]).sum()
    loss.backward(retain_graph=True)
    once = x.grad.numpy().copy()
    expected = np.stack([3.0 * a[0] ** 2, a[2], a[1]])
    np.testing.assert_allclose(once, expected, rtol=1e-14)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2.0 * expected, rtol=1e-14)
    y = leaf(a)
    rows = ops.unbind(y)
    grad, = minigan.autograd.grad((rows[0] ** 3).sum() + (rows[1] * rows[2]).sum(), y, create_graph=True)
    second, = minigan.autograd.grad((grad * grad).sum(), y)
    # |grad|^2 = sum 9 a0^4 + a2^2 + a1^2: its gradient is 36 a0^3, 2 a1, 2 a2
    np.testing.assert_allclose(second.numpy(), np.stack([36.0 * a[0] ** 3, 2.0 * a[1], 2.0 * a[2]]), rtol=1e-13)


def test_grad_of_another_input_leaves_the_split_alone():
    a, b = np.random.default_rng(3).standard_normal((2, 3, 2))
    x, w = leaf(a), leaf(b)
    rows = ops.unbind(x)
    loss = (rows[0] * w[0]).sum() + (rows[2] * w[2]).sum()
    grad_w, = minigan.autograd.grad(loss, w, retain_graph=True)
    np.testing.assert_allclose(grad_w.numpy(), np.stack([a[0], np.zeros(2), a[2]]))
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), np.stack([b[0], np.zeros(2), b[2]]))


class _RaisesOnce(minigan.autograd.Function):
    """The identity, whose first backward raises (a backward that fails halfway through a pass)."""
    armed = True

    @staticmethod
    def forward(ctx, x):
        return x * 1.0

    @staticmethod
    def backward(ctx, grad):
        if _RaisesOnce.armed:
            _RaisesOnce.armed = False
            raise RuntimeError("raised once")
        return grad


@pytest.mark.parametrize("failure", ["function", "hook"])
def test_a_failed_backward_leaves_no_gradient_behind(failure):
    """A pass that raised after some parts had filed their gradients: the next pass joins only its
    own (PyTorch 2.14.1: x.grad stays None, then [0, 3, 0], then [5, 4, 7])."""
    x = leaf(np.array([1.0, 2.0, 3.0]))
    a, b, c = ops.unbind(x)
    if failure == "function":
        _RaisesOnce.armed = True
        middle = _RaisesOnce.apply(b)
    else:
        middle, armed = b * 1.0, [True]

        def hook(grad):
            if armed.pop() if armed else False:
                raise RuntimeError("raised once")
        middle.register_hook(hook)
    loss = a * 5.0 + middle + c * 7.0
    with pytest.raises(RuntimeError, match="raised once"):
        loss.backward(retain_graph=True)
    assert x.grad is None
    (b * 3.0).backward(retain_graph=True)
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 3.0, 0.0])
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 4.0, 7.0])


def test_without_grad_the_parts_are_plain_slices():
    x = minigan.tensor(np.arange(6.0).reshape(2, 3))
    assert [p.numpy().tolist() for p in ops.unbind(x, 1)] == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    with minigan.no_grad():
        assert not any(p.requires_grad for p in ops.unbind(leaf(np.ones((2, 3)))))


def test_torch_unbind_and_the_tensor_method_as_pytorch():
    """Values written out from PyTorch 2.14: torch.unbind(x), x.unbind(-1), an empty dimension."""
    x = minigan.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    assert [t.tolist() for t in minigan.unbind(x)] == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert [t.tolist() for t in x.unbind(-1)] == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    assert isinstance(x.unbind(), tuple) and minigan.unbind(minigan.zeros(2, 0), 1) == ()


@pytest.mark.parametrize("call, kind, words", [
    (lambda: ops.unbind(minigan.tensor(1.0)), IndexError, "Dimension specified as 0 but tensor has no dimensions"),
    (lambda: ops.unbind(minigan.zeros(2, 3), 2), IndexError, "Dimension out of range"),
    (lambda: ops.unbind(np.zeros(3)), TypeError, "must be Tensor, not numpy.ndarray"),
    (lambda: ops.unbind([1.0]), TypeError, r"argument 'input' \(position 1\) must be Tensor, not list"),
    (lambda: ops.parts(minigan.zeros(2, 3), [1, 1], axis=1), RuntimeError, "add up to 3"),
])
def test_bad_arguments_are_one_clear_error(call, kind, words):
    """PyTorch's errors and words for unbind (written out from PyTorch 2.14)."""
    with pytest.raises(kind, match=words):
        call()


# ------------------------------------------------------------------------------ long sequences
def sigmoid(v: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-v))


def lstm_by_hand(x, w_ih, w_hh, b_ih, b_hh, r_out, r_h, r_c):
    """Forward and backpropagation through time for one LSTM layer, x (L, N, in), h_0 = c_0 = 0, of
    loss = sum(output * r_out) + sum(h_n * r_h) + sum(c_n * r_c). Returns output and the gradients
    of x and the four parameters."""
    length, batch = x.shape[:2]
    hidden = w_hh.shape[1]
    h, c = np.zeros((batch, hidden)), np.zeros((batch, hidden))
    saved, outputs = [], []
    for t in range(length):
        z = x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        i, f, g, o = sigmoid(z[:, :hidden]), sigmoid(z[:, hidden:2 * hidden]), np.tanh(z[:, 2 * hidden:3 * hidden]), \
            sigmoid(z[:, 3 * hidden:])
        c_next = f * c + i * g
        saved.append((h, c, i, f, g, o, np.tanh(c_next)))
        h, c = o * np.tanh(c_next), c_next
        outputs.append(h)
    grads = {"x": np.zeros_like(x), "w_ih": np.zeros_like(w_ih), "w_hh": np.zeros_like(w_hh), "b": np.zeros_like(b_ih)}
    dh, dc = r_h.copy(), r_c.copy()
    for t in reversed(range(length)):
        h_prev, c_prev, i, f, g, o, tanh_c = saved[t]
        dh = dh + r_out[t]
        dc = dc + dh * o * (1.0 - tanh_c ** 2)
        dz = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                             dh * tanh_c * o * (1 - o)], axis=1)
        grads["w_ih"] += dz.T @ x[t]
        grads["w_hh"] += dz.T @ h_prev
        grads["b"] += dz.sum(axis=0)
        grads["x"][t] = dz @ w_ih
        dh, dc = dz @ w_hh, dc * f
    return np.stack(outputs), grads


def test_an_lstm_over_300_steps_matches_backpropagation_through_time_by_hand():
    rng = np.random.default_rng(4)
    length, batch, inputs, hidden = 300, 2, 3, 4
    layer = nn.LSTM(inputs, hidden, rng=rng, dtype=np.float64)
    a = rng.standard_normal((length, batch, inputs))
    r_out, r_h, r_c = rng.standard_normal((length, batch, hidden)), *rng.standard_normal((2, batch, hidden))
    x = leaf(a)
    output, (h_n, c_n) = layer(x)
    ((output * r_out).sum() + (h_n[0] * r_h).sum() + (c_n[0] * r_c).sum()).backward()
    w = {k: getattr(layer, k + "_l0").numpy() for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    expected, grads = lstm_by_hand(a, w["weight_ih"], w["weight_hh"], w["bias_ih"], w["bias_hh"], r_out, r_h, r_c)
    np.testing.assert_allclose(output.numpy(), expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(x.grad.numpy(), grads["x"], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(layer.weight_ih_l0.grad.numpy(), grads["w_ih"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.weight_hh_l0.grad.numpy(), grads["w_hh"], rtol=1e-10, atol=1e-12)
    for bias in (layer.bias_ih_l0, layer.bias_hh_l0):
        np.testing.assert_allclose(bias.grad.numpy(), grads["b"], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("layer_class, cell_class", [(nn.RNN, nn.RNNCell), (nn.GRU, nn.GRUCell)], ids=["RNN", "GRU"])
def test_two_layers_over_300_steps_match_their_cells_stepped_by_hand(layer_class, cell_class):
    rng = np.random.default_rng(5)
    length, batch = 300, 2
    layer = layer_class(3, 4, num_layers=2, rng=rng, dtype=np.float64)
    a = rng.standard_normal((length, batch, 3))
    r_out = rng.standard_normal((length, batch, 4))
    x = leaf(a)
    output, _ = layer(x)
    (output * r_out).sum().backward()
    cells = [cell_class(3, 4, dtype=np.float64), cell_class(4, 4, dtype=np.float64)]
    for k, cell in enumerate(cells):
        cell.load_state_dict({name: getattr(layer, f"{name}_l{k}").numpy()
                              for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
    y = leaf(a)
    h = [minigan.zeros(batch, 4, dtype=minigan.float64) for _ in cells]
    steps = []
    for t in range(length):  # the reference slices y one step at a time (getitem's own backward)
        h[0] = cells[0](y[t], h[0])
        h[1] = cells[1](h[0], h[1])
        steps.append(h[1])
    (minigan.stack(steps) * r_out).sum().backward()
    np.testing.assert_allclose(output.numpy(), minigan.stack(steps).detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-10, atol=1e-13)
    for k, cell in enumerate(cells):
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            np.testing.assert_allclose(getattr(layer, f"{name}_l{k}").grad.numpy(), getattr(cell, name).grad.numpy(),
                                       rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("layer", [nn.LSTM(2, 3, num_layers=2, bidirectional=True), nn.GRU(2, 3), nn.RNN(2, 3)],
                         ids=["LSTM", "GRU", "RNN"])
def test_no_op_in_a_layers_graph_slices_the_whole_sequence(layer):
    """Each step's input is a part of one split per layer and direction, not a getitem of the
    (L, N, gates) projection, whose backward would scatter into a zero array of the whole
    sequence at every step (the backward's cost quadratic in L)."""
    x = leaf(np.random.default_rng(6).standard_normal((50, 2, 2)).astype(np.float32))
    output, _ = layer(x)
    contexts = recorded_contexts(output)
    splits = [ctx for ctx in contexts if ctx.function is ops.Split and ctx.inputs[0].shape[0] == 50]
    assert len(splits) == layer.num_layers * (2 if layer.bidirectional else 1)
    slices = [ctx for ctx in contexts if ctx.function is ops.GetItem and ctx.inputs[0].shape[0] == 50]
    # an LSTM's steps carry [h | c] (ops.lstm_step): one slice per layer and direction takes all h's
    assert len(slices) == (len(splits) if isinstance(layer, nn.LSTM) else 0)
    assert sum(ctx.function is ops.Part and ctx.inputs[1].shape[0] == 50 for ctx in contexts) == 50 * len(splits)


def test_split_and_chunk_take_parts_and_give_the_gradients_of_slices():
    """torch.split and torch.chunk pieces of a tensor that requires grad are parts of one split
    (not getitems, each of whose backward is a zero array of the whole tensor); their values and
    gradients are the slices' (NumPy written out), unused pieces included."""
    a = np.random.default_rng(7).standard_normal((7, 3))
    x = leaf(a)
    pieces = minigan.split(x, [2, 0, 5])
    assert [p.shape for p in pieces] == [(2, 3), (0, 3), (5, 3)]
    chunks = x.chunk(3, dim=0)  # sizes 3, 3, 1
    assert {ctx.function for p in (*pieces, *chunks) for ctx in recorded_contexts(p)} == {ops.Split, ops.Part}
    weights = np.arange(1.0, 16.0).reshape(5, 3)
    loss = (pieces[2] * Tensor(weights)).sum() + (chunks[0] ** 2).sum()  # chunks[1] and [2] unused
    loss.backward()
    expected = np.zeros((7, 3))
    expected[2:] += weights
    expected[:3] += 2 * a[:3]
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-15)
    np.testing.assert_array_equal(chunks[2].detach().numpy(), a[6:])
