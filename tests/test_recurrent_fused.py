"""The fused gate ops of the recurrent layers (minigan/ops/recurrent_cells.py): an LSTM step's
c' and h' and a GRU step's h' as single ops. Checked against PyTorch's values written out by hand
(an LSTMCell and a GRUCell with fixed weights, values and gradients), against the composite of
sigmoid, tanh, slices and products that ``minigan.fusion(False)`` still takes (values, first and
second derivatives, in float64), against finite differences (the gradcheck rows), and for what a
step records, its dtype, its errors, and what ``minigan.replay.compile`` makes of a step that uses
an LSTM."""
from __future__ import annotations

import numpy as np
import pytest

import minigan
import minigan.nn as nn
from minigan import ops
from minigan.gradcheck.cases import find_case
from minigan.gradcheck.coverage import recorded_contexts
from minigan.gradcheck.rows import case_rows
from minigan.optim import SGD
from minigan.replay import Compiled


# ------------------------------------------------------------------------------ PyTorch's values
def _fixed_cell(kind: str) -> nn.Module:
    """nn.LSTMCell(2, 2) or nn.GRUCell(2, 2), float64, parameter k's j-th value 0.3 sin(k + j)."""
    cell = getattr(nn, kind)(2, 2, dtype=np.float64)
    for k, p in enumerate(cell.parameters()):
        p.data.copy_(minigan.tensor(0.3 * np.sin(k + np.arange(p.numel())).reshape(p.shape)))
    return cell


def _leaf(values: list[float]) -> minigan.Tensor:
    return minigan.tensor(np.array([values]), requires_grad=True)


# PyTorch 2.x (torch.nn.LSTMCell and GRUCell, float64, the weights above), printed to 17 digits
LSTM_H = [0.11513826344612565, 0.20077032735387193]
LSTM_C = [0.2158518625697813, 0.4376361458761323]
LSTM_GRAD = {
    "x": [0.3103866704902255, -0.006199344450575468],
    "h": [-0.006199344450575468, -0.317085710693259],
    "c": [1.0390007421158254, 0.8248115501217202],
    "weight_hh": [0.011388853437401009, -0.022777706874802017, 0.036870769847329156, -0.07374153969465831,
                  0.01830425846267601, -0.03660851692535202, 0.02167759811868875, -0.0433551962373775,
                  0.1237663555427172, -0.2475327110854344, 0.0734556756350731, -0.1469113512701462,
                  0.005277109076980966, -0.010554218153961932, 0.010285831428331517, -0.020571662856663033],
}
GRU_H = [0.07881605145762673, 0.26611259104651164]
GRU_GRAD = {
    "x": [0.346526136929618, -0.29161679304660915],
    "h": [1.0634471602442355, 0.627884955176117],
    "weight_hh": [0.010616300702703864, -0.02123260140540773, 0.01090631941234333, -0.02181263882468666,
                  0.002623171161162333, -0.005246342322324666, -0.047956413703357625, 0.09591282740671525,
                  0.08918949015627647, -0.17837898031255295, 0.07148603144029202, -0.14297206288058403],
}


def test_an_lstm_cell_gives_pytorchs_values_and_gradients():
    cell = _fixed_cell("LSTMCell")
    x, h, c = _leaf([0.5, -1.0]), _leaf([0.1, -0.2]), _leaf([0.3, 0.4])
    h1, c1 = cell(x, (h, c))
    (h1.sum() + 2.0 * c1.sum()).backward()
    np.testing.assert_allclose(h1.numpy().ravel(), LSTM_H, rtol=1e-12)
    np.testing.assert_allclose(c1.numpy().ravel(), LSTM_C, rtol=1e-12)
    for name, t in (("x", x), ("h", h), ("c", c), ("weight_hh", cell.weight_hh)):
        np.testing.assert_allclose(t.grad.numpy().ravel(), LSTM_GRAD[name], rtol=1e-12, err_msg=name)


def test_a_gru_cell_gives_pytorchs_values_and_gradients():
    cell = _fixed_cell("GRUCell")
    x, h = _leaf([0.5, -1.0]), _leaf([0.1, -0.2])
    h1 = cell(x, h)
    (3.0 * h1.sum()).backward()
    np.testing.assert_allclose(h1.numpy().ravel(), GRU_H, rtol=1e-12)
    for name, t in (("x", x), ("h", h), ("weight_hh", cell.weight_hh)):
        np.testing.assert_allclose(t.grad.numpy().ravel(), GRU_GRAD[name], rtol=1e-12, err_msg=name)


# ------------------------------------------------------------------------------ fused = composite
LAYERS = [
    ("LSTM", dict()),
    ("LSTM", dict(num_layers=2, bidirectional=True, batch_first=True)),
    ("GRU", dict(num_layers=2, bias=False)),
    ("GRU", dict(bidirectional=True, batch_first=True)),
]


def _first_and_second(kind: str, kwargs: dict, fused: bool) -> list[np.ndarray]:
    """output, h_n (and c_n), the gradients of a weighted sum with respect to x, h_0 (c_0) and every
    weight, and the weights' gradients of the squared input gradient (WGAN-GP's second order)."""
    minigan.manual_seed(3)
    layer = getattr(nn, kind)(3, 4, dtype=np.float64, **kwargs)
    rng = np.random.default_rng(5)
    layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    x = minigan.tensor(rng.standard_normal((2, 5, 3) if kwargs.get("batch_first") else (5, 2, 3)), requires_grad=True)
    h0 = minigan.tensor(rng.standard_normal((layers, 2, 4)), requires_grad=True)
    c0 = minigan.tensor(rng.standard_normal((layers, 2, 4)), requires_grad=True)
    with minigan.fusion(fused):
        output, state = layer(x, (h0, c0) if kind == "LSTM" else h0)
        finals = list(state) if kind == "LSTM" else [state]
        loss = (output * minigan.tensor(rng.standard_normal(output.shape))).sum()
        for s in finals:
            loss = loss + (s * minigan.tensor(rng.standard_normal(s.shape))).sum()
        inputs = [x, h0] + ([c0] if kind == "LSTM" else []) + list(layer.parameters())
        first = minigan.grad(loss, inputs, create_graph=True)
        second = minigan.grad((first[0] * first[0]).sum(), list(layer.parameters()))
    return [t.numpy() for t in [output] + finals + list(first) + list(second)]


@pytest.mark.parametrize("kind, kwargs", LAYERS, ids=[f"{k}{sorted(kw.items())}" for k, kw in LAYERS])
def test_the_fused_layer_equals_its_composite_in_value_and_first_and_second_derivatives(kind, kwargs):
    fused, composite = _first_and_second(kind, kwargs, True), _first_and_second(kind, kwargs, False)
    assert len(fused) == len(composite)
    for a, b in zip(fused, composite):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)


def test_the_gate_ops_match_finite_differences_first_and_second_order():
    for name in ("lstm_cell", "gru_cell"):
        rows = list(case_rows(find_case(name)))
        assert rows and all(result.ok for *_, result in rows), [r.message for *_, r in rows if not r.ok]
        assert "gradgrad" in {label for label, *_ in rows}


# ------------------------------------------------------------------------------ what a step records
def _functions(kind: str) -> list[str]:
    layer = getattr(nn, kind)(2, 3)
    output, _ = layer(minigan.randn(4, 1, 2, requires_grad=True))
    return [ctx.function.__name__ for ctx in recorded_contexts(output)]


def test_a_step_is_one_fused_op_for_an_lstm_and_a_gru():
    lstm, gru = _functions("LSTM"), _functions("GRU")
    # an LSTM layer's step takes in the recurrent linear too: only the input projection is a LinearAct
    assert lstm.count("LSTMStep") == 4 and lstm.count("LinearAct") == 1 and "LSTMCellState" not in lstm
    assert "Sigmoid" not in lstm and "Add" not in lstm
    with_projection = [ctx.function.__name__ for ctx in recorded_contexts(
        nn.LSTM(2, 3, proj_size=2)(minigan.randn(4, 1, 2, requires_grad=True))[0])]
    assert with_projection.count("LSTMCellState") == 4 and "LSTMStep" not in with_projection
    assert gru.count("GRUStep") == 4 and gru.count("LinearAct") == 1 and "Sigmoid" not in gru
    with minigan.fusion(False):  # the composite, every op in sight
        assert "LSTMCellState" not in _functions("LSTM") and _functions("LSTM").count("Sigmoid") == 12


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "LSTMCell", "GRUCell"])
def test_float32_stays_float32(kind):
    module = getattr(nn, kind)(3, 4)
    out = module(minigan.randn(2, 3) if kind.endswith("Cell") else minigan.randn(5, 2, 3))
    first = out[0] if isinstance(out, tuple) else out
    assert first.dtype == minigan.float32
    (first.sum()).backward()
    assert all(p.grad.dtype == minigan.float32 for p in module.parameters())


@pytest.mark.parametrize("call, message", [
    (lambda: ops.lstm_cell(minigan.zeros(2, 7), minigan.zeros(2, 2)),
     r"^lstm_cell: the gates must be \(\*, 4 \* H\) for a state \(\*, H\) = \(2, 2\), got \(2, 7\)$"),
    (lambda: ops.gru_cell(minigan.zeros(2, 6), minigan.zeros(3, 6), minigan.zeros(2, 2)),
     r"^gru_cell: the gates must be \(\*, 3 \* H\) for a state \(\*, H\) = \(2, 2\), got \(2, 6\), \(3, 6\)$"),
    (lambda: ops.lstm_step(minigan.zeros(2, 8), minigan.zeros(2, 3), minigan.zeros(8, 2)),
     r"^lstm_step: expected x_gates \(N, 4H\), hc \(N, 2H\), weight_hh \(4H, H\) and bias_hh \(4H,\), "
     r"got \(2, 8\), \(2, 3\), \(8, 2\)$"),
    (lambda: ops.lstm_step(minigan.zeros(2, 8), minigan.zeros(2, 4), minigan.zeros(8, 2), minigan.zeros(4)),
     r"got \(2, 8\), \(2, 4\), \(8, 2\), \(4,\)$"),
    (lambda: ops.lstm_step(minigan.zeros(8), minigan.zeros(4), minigan.zeros(8, 2)), r"got \(8,\), \(4,\), \(8, 2\)$"),
    (lambda: ops.gru_step(minigan.zeros(2, 6), minigan.zeros(2, 2), minigan.zeros(6, 3)),
     r"^gru_step: expected gi \(N, 3H\), h \(N, H\), weight_hh \(3H, H\) and bias_hh \(3H,\), "
     r"got \(2, 6\), \(2, 2\), \(6, 3\)$"),
])
def test_gates_of_the_wrong_shape_raise_one_line(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------------------------------------------------ minigan.replay.compile
def _training_step(kind: str):
    minigan.manual_seed(0)
    recurrent, head = getattr(nn, kind)(2, 3), nn.Linear(3, 1)
    opt = SGD(list(recurrent.parameters()) + list(head.parameters()), lr=0.1)

    def step(x, y):
        if kind in ("LSTM", "GRU"):
            out = head(recurrent(x)[0][-1])
        else:  # a cell stepped by hand over the time axis, as time_sequence_prediction does
            h = c = minigan.zeros(x.shape[1], 3)
            for t in range(x.shape[0]):
                h, c = recurrent(x[t], (h, c))
            out = head(h)
        loss = ((out - y) * (out - y)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss
    return step


def _batches(n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(2)
    return [(rng.standard_normal((4, 2, 2)).astype(np.float32), rng.standard_normal((2, 1)).astype(np.float32))
            for _ in range(n)]


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_a_step_using_a_recurrent_layer_is_captured_and_replayed_bit_for_bit(kind):
    """The layer reads its time steps as parts of one split (ops.unbind), whose gradients are filed
    with the split during backward; a replay runs the parts' and the split's backwards in the
    captured order, sharing the captured run's filing, so it gives the eager step's losses and
    weights exactly."""
    said: list[str] = []
    compiled, eager = Compiled(_training_step(kind), log=said.append), _training_step(kind)
    losses = [float(compiled(x, y)[0]) for x, y in _batches(6)]
    assert losses == [eager(minigan.Tensor(x), minigan.Tensor(y)).item() for x, y in _batches(6)]
    assert compiled.replays == 4 and said == []


def test_a_step_using_an_lstm_cell_is_captured_and_replayed_bit_for_bit():
    said: list[str] = []
    compiled, eager = Compiled(_training_step("LSTMCell"), log=said.append), _training_step("LSTMCell")
    losses = [float(compiled(x, y)[0]) for x, y in _batches(6)]
    assert losses == [eager(minigan.Tensor(x), minigan.Tensor(y)).item() for x, y in _batches(6)]
    assert compiled.replays == 4 and said == []
